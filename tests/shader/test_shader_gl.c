/*
 * pvgpu shader tests — self-test of the GL harness (shader_gl.c) with
 * hand-written GLSL, so harness bugs never masquerade as translator bugs.
 * Needs no translator.
 */
#include <math.h>
#include <stdlib.h>

#include "shader_gl.h"
#include "vgp_test.h"

static const char *vs_src = "#version 330 core\n"
			    "layout(location=0) in vec4 pvgpu_in0;\n"
			    "layout(location=1) in vec4 pvgpu_in1;\n"
			    "flat out vec4 v;\n"
			    "uniform float pvgpu_winsys_adjust_y;\n"
			    "void main() { gl_Position = pvgpu_in0; gl_Position.y *= "
			    "pvgpu_winsys_adjust_y; v = pvgpu_in1; gl_PointSize = 1.0; }\n";

static const char *fs_uint_src = "#version 330 core\n"
				 "uniform uvec4 fs_c[2];\n"
				 "flat in vec4 v;\n"
				 "out uvec4 color;\n"
				 "void main() { color = fs_c[0] + fs_c[1]; }\n";

static const char *fs_float_src = "#version 330 core\n"
				  "flat in vec4 v;\n"
				  "out vec4 color;\n"
				  "void main() { color = v * 2.0; }\n";

static void
test_consts_uint(struct sgl *g)
{
	CHECK(sgl_target(g, SGL_RGBA32UI, 4, 2), "RGBA32UI target");
	GLuint prog = sgl_link(g, vs_src, fs_uint_src, NULL);
	CHECK(prog != 0, "%s", g->log);
	if (!prog) {
		return;
	}
	sgl_set_fbo_defaults(prog);
	uint32_t c[8] = {1, 0xfffffffeu, 0x80000000u, 7, 2, 1, 0x7fffffffu, 0xffffffffu};
	CHECK(sgl_set_consts(prog, "fs_c", c, 2), "fs_c not found");
	sgl_attrib_const(g, 1, (const float[4]){0, 0, 0, 0});
	sgl_clear(g, (const uint32_t[4]){0, 0, 0, 0});
	sgl_draw_quad(g);
	uint32_t px[4 * 8];
	CHECK(sgl_read(g, px), "read");
	for (unsigned i = 0; i < 8; i++) {
		for (unsigned k = 0; k < 4; k++) {
			uint32_t want = c[k] + c[4 + k];
			CHECK(px[4 * i + k] == want, "pixel %u.%u = 0x%x, want 0x%x", i, k,
			      px[4 * i + k], want);
		}
	}
	sgl_program_destroy(prog);
}

static void
test_point_grid_float(struct sgl *g)
{
	enum { W = 5, H = 3 };
	CHECK(sgl_target(g, SGL_RGBA32F, W, H), "RGBA32F target");
	GLuint prog = sgl_link(g, vs_src, fs_float_src, NULL);
	CHECK(prog != 0, "%s", g->log);
	if (!prog) {
		return;
	}
	sgl_set_fbo_defaults(prog);
	float in[W * H * 4];
	for (unsigned i = 0; i < W * H * 4; i++) {
		in[i] = (float)i * 0.25f - 3.0f;
	}
	sgl_attrib(g, 1, in, 4, W * H);
	sgl_clear(g, (const uint32_t[4]){0, 0, 0, 0});
	sgl_draw_point_grid(g);
	float px[W * H * 4];
	CHECK(sgl_read(g, px), "read");
	for (unsigned i = 0; i < W * H * 4; i++) {
		CHECK(px[i] == in[i] * 2.0f, "value %u = %g, want %g", i, px[i], in[i] * 2.0f);
	}
	sgl_attribs_reset(g);
	sgl_program_destroy(prog);
}

/* The texture helper: 3 levels, nearest, read back through texelFetch. */
static void
test_texture_levels(struct sgl *g)
{
	float texels[4 * (16 + 4 + 1)];
	for (unsigned i = 0; i < 4 * 21; i++) {
		texels[i] = (float)i;
	}
	GLuint tex = sgl_texture_2d_rgba32f(0, 4, 4, 3, texels);
	static const char *fs =
		"#version 330 core\n"
		"uniform sampler2D fs_s0;\n"
		"uniform uvec4 fs_c[1];\n"
		"out vec4 color;\n"
		"void main() { color = texelFetch(fs_s0, ivec2(fs_c[0].xy), "
		"int(fs_c[0].w)) + vec4(textureSize(fs_s0, int(fs_c[0].w)), 0, 0); }\n";
	CHECK(sgl_target(g, SGL_RGBA32F, 1, 1), "target");
	GLuint prog = sgl_link(g, vs_src, fs, NULL);
	CHECK(prog != 0, "%s", g->log);
	if (!prog) {
		return;
	}
	sgl_set_fbo_defaults(prog);
	sgl_set_sampler(prog, "fs_s0", 0);
	static const uint32_t cases[][4] = {{1, 2, 0, 0}, {1, 1, 0, 1}, {0, 0, 0, 2}};
	static const unsigned first[] = {0, 16, 20};
	for (unsigned c = 0; c < 3; c++) {
		CHECK(sgl_set_consts(prog, "fs_c", cases[c], 1), "fs_c");
		sgl_draw_quad(g);
		float px[4];
		CHECK(sgl_read(g, px), "read");
		unsigned level = cases[c][3], size = 4u >> level;
		unsigned idx = first[level] + cases[c][1] * size + cases[c][0];
		float want[4] = {(float)(4 * idx) + (float)size, (float)(4 * idx + 1) + (float)size,
				 (float)(4 * idx + 2), (float)(4 * idx + 3)};
		for (int k = 0; k < 4; k++) {
			CHECK(px[k] == want[k], "level %u texel: %g, want %g", level, px[k],
			      want[k]);
		}
	}
	glDeleteTextures(1, &tex);
	sgl_program_destroy(prog);
}

static void
test_link_failure_logs(struct sgl *g)
{
	GLuint prog = sgl_link(g, vs_src, "#version 330 core\nvoid main() { nonsense; }\n", NULL);
	CHECK(prog == 0, "broken shader linked");
	CHECK_CONTAINS(g->log, "fragment shader does not compile");
	CHECK_CONTAINS(g->log, "   2: void main() { nonsense; }");
}

int
main(void)
{
	struct sgl g;
	int r = sgl_init(&g);
	if (r) {
		return r;
	}
	test_consts_uint(&g);
	test_point_grid_float(&g);
	test_texture_levels(&g);
	test_link_failure_logs(&g);
	CHECK(sgl_check_error("tests"), "GL error");
	sgl_finish(&g);
	return vgp_test_result("test_shader_gl");
}
