/*
 * pvgpu render tests — hostile-guest regressions on the GL backend, one group
 * per virglrenderer CVE class (docs/SECURITY.md has the table). The decoder's
 * validation is tested on the null backend (tests/protocol); here the commands
 * are legal or nearly so and reach GL, where the CVEs actually crashed:
 * absent or destroyed state at clear/draw time, draws reaching past their
 * buffers, and host memory a new resource exposes before the guest wrote it.
 * Success is "no crash, no sanitizer report, the stated result".
 */
#include "../protocol/fixture.h"
#include "vgp_encode_draw.h"
#include "vr_gl.h"

#include <epoxy/gl.h>

static struct fx F;

/* The protocol fixture (tests/protocol/fixture.h) on the GL backend; false = skip. */
static bool
begin(void)
{
	struct vr_backend *be = vr_gl_backend_create(NULL);
	if (!be) {
		return false;
	}
	fx_init_backend(&F, be, true);
	return true;
}

static void
submit_ok(const char *what)
{
	CHECK(fx_submit(&F), "%s: %s", what, F.ctx->error);
}

/* Every pipeline state of the fixture bound: fb, shaders, VE, vertex buffer. */
static void
bind_all(struct vgp_enc *e)
{
	uint32_t cb[1] = {10};
	vgp_enc_set_framebuffer_state(e, 1, 11, cb);
	vgp_enc_bind_shader(e, 16, VIRGL_SHADER_VERTEX);
	vgp_enc_bind_shader(e, 17, VIRGL_SHADER_FRAGMENT);
	vgp_enc_bind_object(e, VIRGL_OBJECT_VERTEX_ELEMENTS, 21);
	vgp_enc_bind_object(e, VIRGL_OBJECT_BLEND, 18);
	vgp_enc_bind_object(e, VIRGL_OBJECT_DSA, 19);
	vgp_enc_bind_object(e, VIRGL_OBJECT_RASTERIZER, 20);
	struct vgp_enc_vertex_buffer vb = {28, 0, 2};
	vgp_enc_set_vertex_buffers(e, 1, &vb);
	uint32_t views[1] = {12}, samp[1] = {13};
	vgp_enc_set_sampler_views(e, VIRGL_SHADER_FRAGMENT, 0, 1, views);
	vgp_enc_bind_sampler_states(e, VIRGL_SHADER_FRAGMENT, 0, 1, samp);
}

/* CVE-2017-5937, -6210, 2019-18388, 2020-8002 class: NULL dereference when a
 * clear or draw finds no framebuffer, shader, vertex elements or buffers. */
static void
test_absent_state(void)
{
	if (!begin()) {
		return;
	}
	struct vgp_enc *e = F.e;
	float c[4] = {1, 0, 0, 1};
	/* A fresh sub-context: nothing bound at all. */
	vgp_enc_create_sub_ctx(e, 2);
	vgp_enc_set_sub_ctx(e, 2);
	vgp_enc_clear(e, PIPE_CLEAR_COLOR0 | PIPE_CLEAR_DEPTH | PIPE_CLEAR_STENCIL, c, 1.0, 0);
	vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, false);
	vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, true);
	fx_submit(&F); /* refusing is fine; crashing is not */
	fx_finish(&F);

	/* Everything bound, then unbound by binding handle 0. */
	if (!begin()) {
		return;
	}
	e = F.e;
	bind_all(e);
	vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, false);
	vgp_enc_bind_shader(e, 0, VIRGL_SHADER_VERTEX);
	vgp_enc_bind_shader(e, 0, VIRGL_SHADER_FRAGMENT);
	vgp_enc_bind_object(e, VIRGL_OBJECT_VERTEX_ELEMENTS, 0);
	vgp_enc_bind_object(e, VIRGL_OBJECT_BLEND, 0);
	vgp_enc_bind_object(e, VIRGL_OBJECT_DSA, 0);
	vgp_enc_bind_object(e, VIRGL_OBJECT_RASTERIZER, 0);
	vgp_enc_set_framebuffer_state(e, 0, 0, NULL);
	vgp_enc_set_vertex_buffers(e, 0, NULL);
	vgp_enc_clear(e, PIPE_CLEAR_COLOR0 | PIPE_CLEAR_DEPTH, c, 1.0, 0);
	vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, false);
	fx_submit(&F);
	fx_finish(&F);
}

/* The same objects destroyed (and their resources unreferenced) while bound:
 * the bindings keep them alive; nothing is used after free. */
static void
test_destroyed_while_bound(void)
{
	if (!begin()) {
		return;
	}
	struct vgp_enc *e = F.e;
	float c[4] = {0, 1, 0, 1};
	bind_all(e);
	submit_ok("bind all");
	static const uint32_t types[12] = {
		VIRGL_OBJECT_SURFACE,       VIRGL_OBJECT_SURFACE,    VIRGL_OBJECT_SAMPLER_VIEW,
		VIRGL_OBJECT_SAMPLER_STATE, VIRGL_OBJECT_QUERY,      VIRGL_OBJECT_STREAMOUT_TARGET,
		VIRGL_OBJECT_SHADER,        VIRGL_OBJECT_SHADER,     VIRGL_OBJECT_BLEND,
		VIRGL_OBJECT_DSA,           VIRGL_OBJECT_RASTERIZER, VIRGL_OBJECT_VERTEX_ELEMENTS,
	};
	for (uint32_t h = 10; h <= 21; h++) {
		vgp_enc_destroy_object(e, types[h - 10], h);
	}
	fx_submit(&F);
	vr_device_resource_unref(F.dev, 1);
	vr_device_resource_unref(F.dev, 2);
	vr_device_resource_unref(F.dev, 4);
	if (F.ctx->broken) {
		fx_finish(&F);
		return;
	}
	vgp_enc_clear(e, PIPE_CLEAR_COLOR0 | PIPE_CLEAR_DEPTH, c, 1.0, 0);
	vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, false);
	submit_ok("draw with destroyed objects and resources");
	/* The sub-context and the context go with everything still bound. */
	vgp_enc_create_sub_ctx(e, 2);
	vgp_enc_set_sub_ctx(e, 2);
	vgp_enc_destroy_sub_ctx(e, 1);
	submit_ok("destroy the bound sub-context");
	vr_device_ctx_destroy(F.dev, 1);
	F.ctx = vr_device_ctx_create(F.dev, 1, "again", &(const char *){NULL});
	CHECK(F.ctx != NULL, "context 1 recreated");
	fx_finish(&F);
}

/* CVE-2017-5956 class: draws whose vertices or indices lie past their buffers. */
static void
test_draw_out_of_bounds(void)
{
	if (!begin()) {
		return;
	}
	struct vgp_enc *e = F.e;
	bind_all(e);
	/* Vertex buffer starting 8 bytes before the end of its 4096-byte resource. */
	struct vgp_enc_vertex_buffer vb = {28, 4088, 2};
	vgp_enc_set_vertex_buffers(e, 1, &vb);
	vgp_enc_draw_vbo(e, 0, 300, PIPE_PRIM_TRIANGLES, false);
	/* First vertex far past the end. */
	vgp_enc_draw_vbo(e, 0x7fffff00u, 3, PIPE_PRIM_TRIANGLES, false);
	/* Index buffer: 1000 4-byte indices from offset 4000 (96 bytes remain). */
	vgp_enc_set_vertex_buffers(e, 1, &(struct vgp_enc_vertex_buffer){28, 0, 2});
	vgp_enc_set_index_buffer(e, 2, 4, 4000);
	vgp_enc_draw_vbo(e, 0, 1000, PIPE_PRIM_TRIANGLES, true);
	/* Indices and bias pointing far outside the vertex buffer. */
	struct vgp_enc_draw d = {.count = 3,
				 .mode = PIPE_PRIM_TRIANGLES,
				 .indexed = 1,
				 .index_bias = 0x7ffffff0,
				 .min_index = 0,
				 .max_index = 0xffffffffu};
	vgp_enc_set_index_buffer(e, 2, 4, 0);
	vgp_enc_draw_vbo_full(e, &d, 12);
	d.index_bias = -0x7ffffff0;
	d.max_index = 2;
	vgp_enc_draw_vbo_full(e, &d, 12);
	/* Index buffer offset past the end. */
	vgp_enc_set_index_buffer(e, 2, 2, 0xfffffff0u);
	vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, true);
	fx_submit(&F);
	fx_finish(&F);
}

/* CVE-2022-0175 class: a new resource's host storage must read back as zeros,
 * never as what an earlier resource (of this or another guest) left in memory
 * the GL driver recycled. Each case fills a resource with a pattern, destroys
 * it, creates the same again and reads it back. A buffer reads its host copy
 * only once the host made one (here: a 4-byte upload); the rest must be zero. */
static bool
roundtrip(uint32_t id, const struct vr_box *box, bool to_host, uint8_t fill)
{
	struct vr_resource *res = vr_device_lookup_resource(F.dev, id);
	if (!res || !res->backing) {
		return false;
	}
	memset(res->backing->iov[0].iov_base, fill, res->backing->size);
	const char *why = NULL;
	bool ok = vr_device_transfer(F.dev, id, 0, box, 0, 0, 0, to_host, &why);
	CHECK(ok, "transfer resource %u: %s", id, why ? why : "?");
	vr_device_busy(F.dev, true);
	return ok;
}

static void
test_new_resource_reads_zero(void)
{
	if (!begin()) {
		return;
	}
	static const struct {
		uint32_t target, format, w, h, d, array;
	} cases[] = {
		{PIPE_TEXTURE_2D, VIRGL_FORMAT_R8G8B8A8_UNORM, 64, 64, 1, 1},
		{PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 65536, 1, 1, 1},
		{PIPE_TEXTURE_2D_ARRAY, VIRGL_FORMAT_R8G8B8A8_UNORM, 16, 16, 1, 3},
		{PIPE_TEXTURE_3D, VIRGL_FORMAT_R8G8B8A8_UNORM, 8, 8, 8, 1},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t layers = cases[i].target == PIPE_TEXTURE_3D ? cases[i].d : cases[i].array;
		struct vr_box box = {
			0, 0, 0, (int32_t)cases[i].w, (int32_t)cases[i].h, (int32_t)layers};
		bool buffer = cases[i].target == PIPE_BUFFER;
		for (int round = 0; round < 2; round++) {
			uint32_t id = 100 + i;
			if (!fx_resource(&F, id, cases[i].target, cases[i].format, cases[i].w,
					 cases[i].h, cases[i].d, cases[i].array, 0, true)) {
				break;
			}
			if (round == 0) {
				/* The previous tenant: a full pattern upload. */
				roundtrip(id, &box, true, 0x5a);
				vr_device_resource_unref(F.dev, id);
				continue;
			}
			if (buffer) {
				struct vr_box four = {0, 0, 0, 4, 1, 1};
				roundtrip(id, &four, true, 0);
			}
			roundtrip(id, &box, false, 0xa5);
			struct vr_resource *res = vr_device_lookup_resource(F.dev, id);
			const uint8_t *mem = res->backing->iov[0].iov_base;
			size_t size = res->backing->size, bad = 0;
			for (size_t k = 0; k < size; k++) {
				bad += mem[k] != 0;
			}
			CHECK(bad == 0,
			      "resource %u (target %u): %zu of %zu bytes not zero when new", id,
			      cases[i].target, bad, size);
		}
	}
	fx_finish(&F);
}

/* CVE-2017-5993, -6317, -6386 class: programs and blit state must not pile up.
 * 200 shader pairs are created, linked by a draw, blitted with and destroyed;
 * afterwards only a handful of GL programs may still exist. */
static void
test_no_program_pileup(void)
{
	if (!begin()) {
		return;
	}
	struct vgp_enc *e = F.e;
	bind_all(e);
	submit_ok("bind all");
	for (uint32_t i = 0; i < 200; i++) {
		uint32_t vs = 1000 + 2 * i, fs = vs + 1;
		char text[160];
		snprintf(text, sizeof(text),
			 "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {%u, 0, 0, 1}\n"
			 "  0: MOV OUT[0], IMM[0]\n  1: END\n",
			 i);
		vgp_enc_create_shader(e, vs, VIRGL_SHADER_VERTEX, 20,
				      "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n"
				      "  0: MOV OUT[0], IN[0]\n  1: END\n");
		vgp_enc_create_shader(e, fs, VIRGL_SHADER_FRAGMENT, 20, text);
		vgp_enc_bind_shader(e, vs, VIRGL_SHADER_VERTEX);
		vgp_enc_bind_shader(e, fs, VIRGL_SHADER_FRAGMENT);
		vgp_enc_draw_vbo(e, 0, 3, PIPE_PRIM_TRIANGLES, false);
		struct vgp_enc_blit b = {.mask = PIPE_MASK_RGBA,
					 .dst_res = 1,
					 .dst_format = VIRGL_FORMAT_B8G8R8X8_UNORM,
					 .dst_box = vgp_enc_box(0, 0, 0, 8, 8, 1),
					 .src_res = 1,
					 .src_format = VIRGL_FORMAT_B8G8R8X8_UNORM,
					 .src_level = 1,
					 .src_box = vgp_enc_box(0, 0, 0, 8, 8, 1)};
		vgp_enc_blit(e, &b);
		if (i == 0) {
			/* The draw really linked a program (else this test proves nothing). */
			submit_ok("first draw");
			vr_device_busy(F.dev, true);
			unsigned linked = 0;
			for (GLuint id = 1; id < 20000; id++) {
				linked += glIsProgram(id) == GL_TRUE;
			}
			CHECK(linked > 0, "no GL program after a draw");
		}
		vgp_enc_bind_shader(e, 16, VIRGL_SHADER_VERTEX);
		vgp_enc_bind_shader(e, 17, VIRGL_SHADER_FRAGMENT);
		vgp_enc_destroy_object(e, VIRGL_OBJECT_SHADER, vs);
		vgp_enc_destroy_object(e, VIRGL_OBJECT_SHADER, fs);
		submit_ok("shader round");
	}
	vr_device_busy(F.dev, true);
	unsigned live = 0;
	for (GLuint id = 1; id < 20000; id++) {
		live += glIsProgram(id) == GL_TRUE;
	}
	CHECK(live < 16, "%u GL programs alive after 200 create/destroy rounds", live);
	fx_finish(&F);
}

int
main(void)
{
	struct vr_backend *probe = vr_gl_backend_create(NULL);
	if (!probe) {
		printf("SKIP: no headless GL\n");
		return 77;
	}
	probe->impl->destroy(probe);
	test_absent_state();
	test_destroyed_while_bound();
	test_draw_out_of_bounds();
	test_new_resource_reads_zero();
	test_no_program_pileup();
	return vgp_test_result("test_gl_hostile");
}
