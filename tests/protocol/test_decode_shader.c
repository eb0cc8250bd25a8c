/*
 * pvgpu protocol tests — CREATE_OBJECT/SHADER text assembly (virgl-wire.md §4.1):
 * one chunk, several chunks across submits, stream output, and the failure
 * modes (bad continuation offset, oversize total, missing NUL, continuation
 * without a start, a second shader while one is pending).
 */
#include "fixture.h"

static struct fx F;

static const char text[] =
	"VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n"
	"DCL CONST[0..9]\nDCL TEMP[0..11]\n  0: MUL TEMP[1], IN[0].xxxx, CONST[5]\n"
	"  1: MAD OUT[0], IN[0].yyyy, CONST[6], TEMP[1]\n  2: MOV OUT[1], IN[1]\n  3: END\n";

static void
test_multi_chunk(void)
{
	fx_init(&F, false);
	fx_clear_log(&F);
	uint32_t total = sizeof(text); /* includes the NUL */
	struct vgp_enc *e = F.e;
	/* Chunks of 40 and 60 bytes (dword multiples), then the rest, in 3 submits. */
	vgp_enc_create_shader_chunk(e, 50, VIRGL_SHADER_VERTEX, total, 33, text, 40);
	CHECK(fx_submit(&F), "chunk 1: %s", F.ctx->error);
	CHECK(F.ctx->sub->pending_shader != NULL, "shader not pending after chunk 1");
	CHECK(!strstr(fx_log(&F), "create_object"), "backend saw an incomplete shader");
	vgp_enc_create_shader_chunk(e, 50, VIRGL_SHADER_VERTEX, 40 | VIRGL_OBJ_SHADER_OFFSET_CONT,
				    33, text + 40, 60);
	CHECK(fx_submit(&F), "chunk 2: %s", F.ctx->error);
	vgp_enc_create_shader_chunk(e, 50, VIRGL_SHADER_VERTEX, 100 | VIRGL_OBJ_SHADER_OFFSET_CONT,
				    33, text + 100, total - 100);
	vgp_enc_bind_shader(e, 50, VIRGL_SHADER_VERTEX);
	CHECK(fx_submit(&F), "chunk 3: %s", F.ctx->error);
	char line[160];
	snprintf(line, sizeof(line),
		 "create_object handle=50 type=SHADER stage=0 tokens=33 so=0 "
		 "text_len=%u text_hash=0x%08x",
		 total, fx_hash(text, total));
	CHECK_LINE(&F, line);
	CHECK_LINE(&F, "bind_shader stage=0 handle=50");
	struct vr_object *obj = vr_ctx_lookup_object(F.ctx, 50, VIRGL_OBJECT_SHADER);
	CHECK(obj && strcmp(obj->u.shader.text, text) == 0, "assembled text differs");
	CHECK(F.ctx->sub->pending_shader == NULL, "shader still pending");
	fx_finish(&F);
}

static void
test_stream_output(void)
{
	fx_init(&F, false);
	uint32_t stride[4] = {4, 0, 0, 0};
	/* register 1, component 0, 4 components, buffer 0, offset 0; stream 0 */
	uint32_t so[2] = {1 | 4 << 10, 0};
	vgp_enc_create_shader_so(F.e, 51, VIRGL_SHADER_VERTEX, 10, text, 1, stride, so);
	CHECK(fx_submit(&F), "SO shader: %s", F.ctx->error);
	struct vr_object *obj = vr_ctx_lookup_object(F.ctx, 51, VIRGL_OBJECT_SHADER);
	CHECK(obj && obj->u.shader.num_so_outputs == 1 && obj->u.shader.so_stride[0] == 4 &&
		      obj->u.shader.so_outputs[0].num_components == 4 &&
		      obj->u.shader.so_outputs[0].register_index == 1,
	      "stream output not decoded");
	CHECK(obj && strcmp(obj->u.shader.text, text) == 0, "SO shader text differs");
	so[0] = 1 | 4 << 10 | 4 << 13; /* buffer 4 */
	vgp_enc_create_shader_so(F.e, 52, VIRGL_SHADER_VERTEX, 10, text, 1, stride, so);
	CHECK(!fx_submit(&F), "SO buffer 4 accepted");
	fx_finish(&F);
}

/* Starts a fresh fixture whose first submit is `first` chunk bytes of a shader. */
static void
expect_shader_error(const char *what, const char *err_part)
{
	CHECK(!fx_submit(&F) && F.ctx->broken, "%s: accepted", what);
	CHECK(!strstr(fx_log(&F), "create_object"), "%s: backend saw the shader", what);
	CHECK(strstr(F.ctx->error, err_part) != NULL, "%s: error \"%s\" lacks \"%s\"", what,
	      F.ctx->error, err_part);
	fx_finish(&F);
}

static void
test_errors(void)
{
	uint32_t total = sizeof(text);

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, total, 1, text, 40);
	vgp_enc_create_shader_chunk(F.e, 50, 0, 44 | VIRGL_OBJ_SHADER_OFFSET_CONT, 1, text + 44,
				    40);
	expect_shader_error("continuation at the wrong offset", "does not follow");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, 40 | VIRGL_OBJ_SHADER_OFFSET_CONT, 1, text, 40);
	expect_shader_error("continuation without a first chunk", "without a first chunk");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, VR_MAX_SHADER_TEXT + 1, 1, text, 40);
	expect_shader_error("total above VR_MAX_SHADER_TEXT", "text length");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, 0x7fffffffu, 1, text, 40);
	expect_shader_error("total 2^31-1 (CVE-2017-6355 class)", "text length");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, 0, 1, text, 40);
	expect_shader_error("total 0", "text length");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, 40, 1, text, 40); /* no NUL in 40 bytes */
	expect_shader_error("missing NUL", "NUL");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, total, 1, text, 40);
	vgp_enc_create_shader_chunk(F.e, 51, 1, total, 1, text, 40);
	expect_shader_error("second shader while one is pending", "incomplete");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, total, 1, text, 40);
	vgp_enc_create_shader_chunk(F.e, 50, 1, 40 | VIRGL_OBJ_SHADER_OFFSET_CONT, 1, text + 40,
				    40);
	expect_shader_error("continuation with another stage", "does not follow");

	fx_init(&F, false);
	vgp_enc_create_shader(F.e, 50, 6, 1, text);
	expect_shader_error("stage 6", "stage");

	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, total, 1, text, 40);
	vgp_enc_create_surface(F.e, 50, 1, 2, 0, 0, 0);
	expect_shader_error("handle of a pending shader reused", "already in use");

	fx_init(&F, false);
	uint32_t *p = vgp_enc_cmd(F.e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SHADER, 8);
	p[1] = 50;
	p[3] = 8;
	p[5] = 65; /* more SO outputs than VIRGL_MAX_SO_OUTPUTS */
	expect_shader_error("65 SO outputs", "stream outputs");
}

/* A pending shader dies cleanly with DESTROY_OBJECT or its sub-context (ASan checks leaks). */
static void
test_pending_cleanup(void)
{
	uint32_t total = sizeof(text);
	fx_init(&F, false);
	vgp_enc_create_shader_chunk(F.e, 50, 0, total, 1, text, 40);
	vgp_enc_destroy_object(F.e, VIRGL_OBJECT_SHADER, 50);
	vgp_enc_create_shader(F.e, 50, 0, 1, text);
	CHECK(fx_submit(&F), "destroy pending shader: %s", F.ctx->error);
	vgp_enc_create_sub_ctx(F.e, 2);
	vgp_enc_set_sub_ctx(F.e, 2);
	vgp_enc_create_shader_chunk(F.e, 60, 0, total, 1, text, 40);
	vgp_enc_set_sub_ctx(F.e, 1);
	vgp_enc_destroy_sub_ctx(F.e, 2);
	CHECK(fx_submit(&F), "destroy sub-context with a pending shader: %s", F.ctx->error);
	vgp_enc_create_shader_chunk(F.e, 61, 0, total, 1, text, 40);
	CHECK(fx_submit(&F), "pending at device destroy: %s", F.ctx->error);
	fx_finish(&F);
}

int
main(void)
{
	test_multi_chunk();
	test_stream_output();
	test_errors();
	test_pending_cleanup();
	return vgp_test_result("test_decode_shader");
}
