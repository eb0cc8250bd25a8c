/*
 * pvgpu shader tests — stream-output layouts: the varying list handed to
 * glTransformFeedbackVaryings (vr_shader_so_varyings) and the GLSL the emitter
 * adds for captures. No GL: exact names and text.
 */
#include <string.h>

#include "vgp_test.h"
#include "vr_shader.h"

static struct vr_shader_so_output
out(uint8_t reg, uint8_t start, uint8_t num, uint8_t buf, uint16_t off)
{
	return (struct vr_shader_so_output){reg, start, num, buf, off, 0};
}

/* The list joined with spaces, or "error: <message>". */
static const char *
list(const struct vr_shader_so *so)
{
	static struct vr_shader_so_varyings v;
	static char text[4096];
	char err[128] = "";
	if (!vr_shader_so_varyings(so, &v, err, sizeof(err))) {
		snprintf(text, sizeof(text), "error: %s", err);
		return text;
	}
	text[0] = '\0';
	for (uint32_t i = 0; i < v.count; i++) {
		strncat(text, i ? " " : "", sizeof(text) - strlen(text) - 1);
		strncat(text, v.names[i], sizeof(text) - strlen(text) - 1);
	}
	return text;
}

#define CHECK_LIST(so, want)                                                            \
	do {                                                                            \
		const char *got_ = list(so);                                            \
		CHECK(strcmp(got_, want) == 0, "list \"%s\", want \"%s\"", got_, want); \
	} while (0)

static void
test_layouts(void)
{
	/* Entries out of order, a gap of 6 (4 + 2), a tail of 1. */
	struct vr_shader_so a = {.num_outputs = 2, .stride = {12}};
	a.outputs[0] = out(1, 0, 1, 0, 10);
	a.outputs[1] = out(0, 0, 4, 0, 0);
	CHECK_LIST(&a, "pvgpu_so1 gl_SkipComponents4 gl_SkipComponents2 pvgpu_so0 "
		       "gl_SkipComponents1");
	/* Buffers 0 and 3: two empty buffers between them. */
	struct vr_shader_so b = {.num_outputs = 2, .stride = {2, 0, 0, 3}};
	b.outputs[0] = out(0, 2, 2, 0, 0);
	b.outputs[1] = out(1, 1, 3, 3, 0);
	CHECK_LIST(&b, "pvgpu_so0 gl_NextBuffer gl_NextBuffer gl_NextBuffer pvgpu_so1");
	/* Only buffer 1: a leading gl_NextBuffer. */
	struct vr_shader_so c = {.num_outputs = 1, .stride = {0, 4}};
	c.outputs[0] = out(0, 0, 4, 1, 0);
	CHECK_LIST(&c, "gl_NextBuffer pvgpu_so0");
}

static void
test_bad_layouts(void)
{
	struct vr_shader_so s = {.num_outputs = 1, .stride = {4}};
	s.outputs[0] = out(0, 1, 4, 0, 0);
	CHECK_LIST(&s, "error: stream output 0: buffer 0, components 1+4");
	s.outputs[0] = out(0, 0, 0, 0, 0);
	CHECK_LIST(&s, "error: stream output 0: buffer 0, components 0+0");
	s.outputs[0] = out(0, 0, 4, 4, 0);
	CHECK_LIST(&s, "error: stream output 0: buffer 4, components 0+4");
	s.outputs[0] = out(0, 0, 4, 0, 1);
	CHECK_LIST(&s, "error: stream output 0: offset 1 + 4 beyond stride 4");
	s.outputs[0] = out(0, 0, 4, 0, 0);
	s.outputs[0].stream = 1;
	CHECK_LIST(&s, "error: stream output 0: vertex stream 1 not supported");
	struct vr_shader_so big = {.num_outputs = 1, .stride = {VR_SHADER_SO_MAX_STRIDE + 1}};
	big.outputs[0] = out(0, 0, 1, 0, 0);
	CHECK_LIST(&big, "error: stream output stride 129 of buffer 0");
	struct vr_shader_so many = {.num_outputs = VR_SHADER_SO_MAX_OUTPUTS + 1};
	CHECK_LIST(&many, "error: 65 stream outputs");
	struct vr_shader_so overlap = {.num_outputs = 2, .stride = {8}};
	overlap.outputs[0] = out(0, 0, 4, 0, 0);
	overlap.outputs[1] = out(1, 0, 4, 0, 2);
	CHECK_LIST(&overlap, "error: stream outputs of buffer 0 overlap");
}

static const char vs[] = "VERT\n"
			 "DCL IN[0]\n"
			 "DCL OUT[0], POSITION\n"
			 "DCL OUT[1], GENERIC[3]\n"
			 "  0: MOV OUT[0], IN[0]\n"
			 "  1: MOV OUT[1], IN[0]\n"
			 "  2: END\n";

static void
test_emit(void)
{
	struct vr_shader_so so = {.num_outputs = 2, .stride = {3}};
	so.outputs[0] = out(1, 1, 2, 0, 0);
	so.outputs[1] = out(0, 3, 1, 0, 2);
	struct vr_shader_key key = {.so = &so};
	struct vr_shader_result r;
	CHECK(vr_shader_translate(vs, sizeof(vs), &key, &r), "translate: %s", r.error);
	CHECK(r.glsl && strstr(r.glsl, "flat out uvec2 pvgpu_so0;"), "declaration 0:\n%s", r.glsl);
	CHECK(r.glsl && strstr(r.glsl, "flat out uint pvgpu_so1;"), "declaration 1");
	CHECK(r.glsl && strstr(r.glsl, "pvgpu_so0 = o1.yz;"), "write 0");
	CHECK(r.glsl && strstr(r.glsl, "pvgpu_so1 = o0.w;"), "write 1");
	vr_shader_result_finish(&r);
	/* A VS feeding a GS does not capture; an undeclared register is an error. */
	key.gs_follows = true;
	CHECK(vr_shader_translate(vs, sizeof(vs), &key, &r), "translate: %s", r.error);
	CHECK(r.glsl && !strstr(r.glsl, "pvgpu_so"), "VS before a GS captured");
	vr_shader_result_finish(&r);
	key.gs_follows = false;
	so.outputs[1].register_index = 2;
	CHECK(!vr_shader_translate(vs, sizeof(vs), &key, &r), "OUT[2] capture accepted");
	CHECK(strstr(r.error, "OUT[2] is not declared"), "error: %s", r.error);
	vr_shader_result_finish(&r);
}

int
main(void)
{
	test_layouts();
	test_bad_layouts();
	test_emit();
	return vgp_test_result("test_shader_so");
}
