/*
 * pvgpu render tests — DRAW_VBO and the state it uses, on the GL backend,
 * through the decoder. Shaders are hand-written GLSL following the
 * translator's conventions (vr_gl_options.glsl_passthrough), so these tests
 * check the draw path independently of the TGSI translator. Expected pixels
 * are computed here from gallium semantics; a 16x16 RGBA8 target is read back.
 */
#include "render_util.h"
#include "vgp_encode_draw.h"
#include "vgp_gallium.h"
#include "vgp_virgl_format.h"

#define W 16
#define H 16

/* Rasterizer S0 bits. */
#define RS_DEPTH_CLIP (1u << 1)
#define RS_CULL_BACK (2u << 8)
#define RS_SCISSOR (1u << 14)
#define RS_FRONT_CCW (1u << 15)
#define RS_HALF_PIXEL (1u << 29)

static const char vs_pos[] = "#version 330\n"
			     "layout(location = 0) in vec4 pvgpu_in0;\n"
			     "uniform float pvgpu_winsys_adjust_y;\n"
			     "void main() {\n"
			     "  gl_Position = pvgpu_in0;\n"
			     "  gl_Position.y *= pvgpu_winsys_adjust_y;\n"
			     "}\n";
static const char vs_color[] = "#version 330\n"
			       "layout(location = 0) in vec4 pvgpu_in0;\n"
			       "layout(location = 1) in vec4 pvgpu_in1;\n"
			       "uniform float pvgpu_winsys_adjust_y;\n"
			       "out vec4 v_color;\n"
			       "void main() {\n"
			       "  gl_Position = pvgpu_in0;\n"
			       "  gl_Position.y *= pvgpu_winsys_adjust_y;\n"
			       "  v_color = pvgpu_in1;\n"
			       "}\n";
static const char vs_inst[] = "#version 330\n"
			      "layout(location = 0) in vec4 pvgpu_in0;\n"
			      "layout(location = 1) in vec4 pvgpu_in1;\n"
			      "void main() {\n"
			      "  gl_Position = vec4(pvgpu_in0.xy + pvgpu_in1.xy, 0.0, 1.0);\n"
			      "}\n";
static const char vs_tex[] = "#version 330\n"
			     "layout(location = 0) in vec4 pvgpu_in0;\n"
			     "uniform uvec4 vs_c[1];\n"
			     "out vec2 v_tc;\n"
			     "void main() {\n"
			     "  gl_Position = pvgpu_in0 * uintBitsToFloat(vs_c[0]);\n"
			     "  v_tc = pvgpu_in0.xy * 0.5 + 0.5;\n"
			     "}\n";
static const char fs_const[] = "#version 330\n"
			       "uniform uvec4 fs_c[1];\n"
			       "out vec4 color;\n"
			       "void main() { color = uintBitsToFloat(fs_c[0]); }\n";
static const char fs_color[] = "#version 330\n"
			       "in vec4 v_color;\n"
			       "out vec4 color;\n"
			       "void main() { color = v_color; }\n";
static const char fs_tex[] = "#version 330\n"
			     "uniform sampler2D fs_s0;\n"
			     "in vec2 v_tc;\n"
			     "out vec4 color;\n"
			     "void main() { color = texture(fs_s0, v_tc); }\n";

struct shaders {
	uint32_t vs_pos, vs_color, vs_inst, vs_tex, fs_const, fs_color, fs_tex;
};

struct target {
	struct vr_resource *cb, *zs;
	uint32_t surf, zsurf;
};

static struct shaders sh;

static uint32_t
handle(struct rt *t)
{
	return t->next_handle++;
}

static uint32_t
shader(struct rt *t, uint32_t stage, const char *glsl)
{
	uint32_t h = handle(t);
	vgp_enc_create_shader(t->enc, h, stage, 100, glsl);
	return h;
}

static struct vr_resource *
buffer(struct rt *t, const void *data, uint32_t size)
{
	struct rt_res_desc d = {PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 0x20, size, 1};
	struct vr_resource *res = rt_res(t, &d);
	if (res && data) {
		memcpy(rt_mem(res), data, size);
		rt_xfer(t, res, 0, rt_box(0, 0, 0, (int32_t)size, 1, 1), 0, 0, 0, true);
	}
	return res;
}

static void
bind_program(struct rt *t, uint32_t vs, uint32_t fs)
{
	vgp_enc_bind_shader(t->enc, vs, VIRGL_SHADER_VERTEX);
	vgp_enc_bind_shader(t->enc, fs, VIRGL_SHADER_FRAGMENT);
}

static void
set_color(struct rt *t, float r, float g, float b, float a)
{
	const float c[4] = {r, g, b, a};
	vgp_enc_set_constant_buffer(t->enc, VIRGL_SHADER_FRAGMENT, 0, 4, c);
}

/* Viewport for the whole target: gallium's FBO form (scale.y > 0) or the
 * window-system form (scale.y < 0, row 0 = top of the image). */
static void
viewport(struct rt *t, bool window)
{
	float v[6] = {W / 2, window ? -H / 2 : H / 2, 0.5f, W / 2, H / 2, 0.5f};
	vgp_enc_set_viewport_states(t->enc, 0, 1, v);
}

static void
rasterizer(struct rt *t, uint32_t s0)
{
	uint32_t h = handle(t);
	vgp_enc_create_rasterizer_simple(t->enc, h, s0 | RS_DEPTH_CLIP | RS_HALF_PIXEL);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_RASTERIZER, h);
}

static void
dsa(struct rt *t, uint32_t s0, uint32_t front, uint32_t back)
{
	uint32_t h = handle(t);
	vgp_enc_create_dsa(t->enc, h, s0, front, back, 0.0f);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_DSA, h);
}

static void
blend(struct rt *t, uint32_t rt0)
{
	uint32_t rts[VIRGL_MAX_COLOR_BUFS] = {rt0};
	uint32_t h = handle(t);
	vgp_enc_create_blend(t->enc, h, 0, 0, rts);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_BLEND, h);
}

/* Vertex elements with `n` elements reading buffer `vb[i]` of format fmt[i]. */
static void
elements(struct rt *t, uint32_t n, const uint32_t *fmt, const uint32_t *offset, const uint32_t *vb,
	 const uint32_t *divisor)
{
	struct vgp_enc_vertex_element ve[4];
	for (uint32_t i = 0; i < n; i++) {
		ve[i] = (struct vgp_enc_vertex_element){offset[i], divisor ? divisor[i] : 0,
							vb ? vb[i] : 0, fmt[i]};
	}
	uint32_t h = handle(t);
	vgp_enc_create_vertex_elements(t->enc, h, n, ve);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_VERTEX_ELEMENTS, h);
}

static void
positions2f(struct rt *t, const float *xy, uint32_t nverts)
{
	struct vr_resource *vb = buffer(t, xy, nverts * 8);
	const uint32_t fmt = VIRGL_FORMAT_R32G32_FLOAT, off = 0;
	elements(t, 1, &fmt, &off, NULL, NULL);
	struct vgp_enc_vertex_buffer b = {8, 0, vb->id};
	vgp_enc_set_vertex_buffers(t->enc, 1, &b);
}

/* A fresh 16x16 RGBA8 target (optionally with Z24S8), cleared to `clear`, and
 * default state bound. */
static struct target
begin(struct rt *t, bool depth, const float clear[4])
{
	struct target tg = {0};
	struct rt_res_desc cd = {PIPE_TEXTURE_2D, VIRGL_FORMAT_R8G8B8A8_UNORM, 0xa, W, H};
	tg.cb = rt_res(t, &cd);
	tg.surf = rt_surface(t, tg.cb, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0);
	if (depth) {
		struct rt_res_desc zd = {PIPE_TEXTURE_2D, VIRGL_FORMAT_Z24_UNORM_S8_UINT, 0x1, W,
					 H};
		tg.zs = rt_res(t, &zd);
		tg.zsurf = rt_surface(t, tg.zs, VIRGL_FORMAT_Z24_UNORM_S8_UINT, 0, 0, 0);
	}
	vgp_enc_set_framebuffer_state(t->enc, 1, tg.zsurf, &tg.surf);
	vgp_enc_clear(t->enc,
		      PIPE_CLEAR_COLOR0 | (depth ? PIPE_CLEAR_DEPTH | PIPE_CLEAR_STENCIL : 0),
		      clear, 1.0, 0);
	blend(t, 0xfu << 27);
	dsa(t, 0, 0, 0);
	rasterizer(t, 0);
	viewport(t, false);
	return tg;
}

static const uint8_t *
pixel(const uint8_t *img, int x, int y)
{
	return img + 4 * (y * W + x);
}

static bool
near(int a, int b)
{
	return abs(a - b) <= 1;
}

#define CHECK_PX(img, x, y, r, g, b, a)                                                           \
	do {                                                                                      \
		const uint8_t *p_ = pixel(img, x, y);                                             \
		CHECK(near(p_[0], r) && near(p_[1], g) && near(p_[2], b) && near(p_[3], a),       \
		      "pixel (%d,%d) = %u %u %u %u, want %u %u %u %u", x, y, p_[0], p_[1], p_[2], \
		      p_[3], r, g, b, a);                                                         \
	} while (0)

static const float black[4] = {0, 0, 0, 1};
/* Upper half of NDC (y in [0, 1]) as a counter-clockwise strip. */
static const float upper_ccw[8] = {-1, 0, 1, 0, -1, 1, 1, 1};
static const float upper_cw[8] = {1, 0, -1, 0, 1, 1, -1, 1};

static void
test_orientation(struct rt *t)
{
	const float red[4] = {1, 0, 0, 1};
	struct target fbo = begin(t, false, black);
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 1, 0, 0, 1);
	positions2f(t, upper_ccw, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	struct target win = begin(t, false, black);
	viewport(t, true);
	bind_program(t, sh.vs_pos, sh.fs_const);
	vgp_enc_set_constant_buffer(t->enc, VIRGL_SHADER_FRAGMENT, 0, 4, red);
	positions2f(t, upper_ccw, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	/* FBO: NDC y up maps to higher rows. Window: NDC top is row 0 (the top
	 * of the image in guest memory, as X wants it). */
	const uint8_t *img = rt_readback(t, fbo.cb, 0);
	CHECK_PX(img, 4, 12, 255, 0, 0, 255);
	CHECK_PX(img, 4, 3, 0, 0, 0, 255);
	img = rt_readback(t, win.cb, 0);
	CHECK_PX(img, 4, 3, 255, 0, 0, 255);
	CHECK_PX(img, 4, 12, 0, 0, 0, 255);
}

/* Culling: Mesa sends front_ccw = 1 with a window viewport and 0 for FBOs for
 * the same GL-counter-clockwise geometry; both must keep it and cull the other. */
static void
test_cull(struct rt *t)
{
	struct target tg[4];
	for (int i = 0; i < 4; i++) {
		bool window = i & 1, cw = i & 2;
		tg[i] = begin(t, false, black);
		viewport(t, window);
		rasterizer(t, RS_CULL_BACK | (window ? RS_FRONT_CCW : 0));
		bind_program(t, sh.vs_pos, sh.fs_const);
		set_color(t, 0, 1, 0, 1);
		positions2f(t, cw ? upper_cw : upper_ccw, 4);
		vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	}
	RT_SUBMIT(t);
	for (int i = 0; i < 4; i++) {
		bool window = i & 1, cw = i & 2;
		const uint8_t *img = rt_readback(t, tg[i].cb, 0);
		int y = window ? 3 : 12;
		uint8_t g = cw ? 0 : 255;
		CHECK_PX(img, 8, y, 0, g, 0, 255);
	}
}

static void
test_vertex_formats(struct rt *t)
{
	/* pos R32G32_FLOAT + colour R8G8B8A8_UNORM interleaved, 12-byte stride. */
	struct {
		float x, y;
		uint8_t c[4];
	} v[4] = {{-1, -1, {10, 200, 30, 255}},
		  {1, -1, {10, 200, 30, 255}},
		  {-1, 1, {10, 200, 30, 255}},
		  {1, 1, {10, 200, 30, 255}}};
	struct target a = begin(t, false, black);
	bind_program(t, sh.vs_color, sh.fs_color);
	struct vr_resource *vb = buffer(t, v, sizeof(v));
	const uint32_t fmt[2] = {VIRGL_FORMAT_R32G32_FLOAT, VIRGL_FORMAT_R8G8B8A8_UNORM};
	const uint32_t off[2] = {0, 8};
	elements(t, 2, fmt, off, NULL, NULL);
	struct vgp_enc_vertex_buffer b = {12, 0, vb->id};
	vgp_enc_set_vertex_buffers(t->enc, 1, &b);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	/* pos R16G16_FLOAT (half 1.0 = 0x3c00, -1.0 = 0xbc00), colour R32G32B32A32_FLOAT
	 * from a second buffer with stride 0 (one value for every vertex). */
	const uint16_t half[8] = {0xbc00, 0xbc00, 0x3c00, 0xbc00, 0xbc00, 0x3c00, 0x3c00, 0x3c00};
	const float col[4] = {0.0f, 0.5f, 1.0f, 1.0f};
	struct target bt = begin(t, false, black);
	bind_program(t, sh.vs_color, sh.fs_color);
	struct vr_resource *pb = buffer(t, half, sizeof(half));
	struct vr_resource *cb = buffer(t, col, sizeof(col));
	const uint32_t fmt2[2] = {VIRGL_FORMAT_R16G16_FLOAT, VIRGL_FORMAT_R32G32B32A32_FLOAT};
	const uint32_t off2[2] = {0, 0}, vbi[2] = {0, 1};
	elements(t, 2, fmt2, off2, vbi, NULL);
	struct vgp_enc_vertex_buffer b2[2] = {{4, 0, pb->id}, {0, 0, cb->id}};
	vgp_enc_set_vertex_buffers(t->enc, 2, b2);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	CHECK_PX(rt_readback(t, a.cb, 0), 7, 7, 10, 200, 30, 255);
	CHECK_PX(rt_readback(t, bt.cb, 0), 1, 14, 0, 128, 255, 255);
}

static void
test_indexed_restart(struct rt *t)
{
	/* Two quads (x in [-1,-0.5] and [0.5,1]) in one strip split by a restart index;
	 * without the restart the strip would also fill the middle. */
	const float pos[16] = {-1, -1, -0.5f, -1, -1, 1, -0.5f, 1, 0.5f, -1, 1, -1, 0.5f, 1, 1, 1};
	const uint16_t idx[10] = {0, 0, 1, 2, 3, 0xffff, 4, 5, 6, 7};
	struct target tg = begin(t, false, black);
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 1, 1, 0, 1);
	positions2f(t, pos, 8);
	struct vr_resource *ib = buffer(t, idx, sizeof(idx));
	vgp_enc_set_index_buffer(t->enc, ib->id, 2, 2); /* offset skips idx[0] */
	struct vgp_enc_draw d = {.start = 1,
				 .count = 9,
				 .mode = PIPE_PRIM_TRIANGLE_STRIP,
				 .indexed = 1,
				 .instance_count = 1,
				 .primitive_restart = 1,
				 .restart_index = 0xffff,
				 .max_index = 0xffffffffu};
	vgp_enc_draw_vbo_full(t->enc, &d, 12);
	RT_SUBMIT(t);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 1, 8, 255, 255, 0, 255);
	CHECK_PX(img, 14, 8, 255, 255, 0, 255);
	CHECK_PX(img, 8, 8, 0, 0, 0, 255);
	/* 8-bit indices with an index bias and a min/max range; like Mesa, the
	 * buffer offset locates the first index and `start` repeats it. */
	struct target t2 = begin(t, false, black);
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 0, 1, 1, 1);
	positions2f(t, pos, 8);
	const uint8_t idx8[6] = {9, 9, 0, 1, 2, 3};
	struct vr_resource *ib8 = buffer(t, idx8, sizeof(idx8));
	vgp_enc_set_index_buffer(t->enc, ib8->id, 1, 2);
	struct vgp_enc_draw d8 = {.start = 2,
				  .count = 4,
				  .mode = PIPE_PRIM_TRIANGLE_STRIP,
				  .indexed = 1,
				  .instance_count = 1,
				  .index_bias = 4,
				  .min_index = 0,
				  .max_index = 3};
	vgp_enc_draw_vbo_full(t->enc, &d8, 12);
	RT_SUBMIT(t);
	img = rt_readback(t, t2.cb, 0);
	CHECK_PX(img, 14, 8, 0, 255, 255, 255);
	CHECK_PX(img, 1, 8, 0, 0, 0, 255);
}

static void
test_instancing(struct rt *t)
{
	/* A quad in the bottom-left quarter, drawn twice with a per-instance offset. */
	const float pos[8] = {-1, -1, 0, -1, -1, 0, 0, 0};
	const float off[4] = {0, 0, 1, 1};
	struct target tg = begin(t, false, black);
	bind_program(t, sh.vs_inst, sh.fs_const);
	set_color(t, 1, 0, 1, 1);
	struct vr_resource *pb = buffer(t, pos, sizeof(pos));
	struct vr_resource *ob = buffer(t, off, sizeof(off));
	const uint32_t fmt[2] = {VIRGL_FORMAT_R32G32_FLOAT, VIRGL_FORMAT_R32G32_FLOAT};
	const uint32_t offs[2] = {0, 0}, vbi[2] = {0, 1}, div[2] = {0, 1};
	elements(t, 2, fmt, offs, vbi, div);
	struct vgp_enc_vertex_buffer b[2] = {{8, 0, pb->id}, {8, 0, ob->id}};
	vgp_enc_set_vertex_buffers(t->enc, 2, b);
	struct vgp_enc_draw d = {.count = 4, .mode = PIPE_PRIM_TRIANGLE_STRIP, .instance_count = 2};
	vgp_enc_draw_vbo_full(t->enc, &d, 12);
	RT_SUBMIT(t);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 3, 3, 255, 0, 255, 255);
	CHECK_PX(img, 12, 12, 255, 0, 255, 255);
	CHECK_PX(img, 12, 3, 0, 0, 0, 255);
}

static const float full[8] = {-1, -1, 1, -1, -1, 1, 1, 1};

static void
test_blend(struct rt *t)
{
	const float blue[4] = {0, 0, 1, 1};
	struct target tg = begin(t, false, blue);
	blend(t, vgp_enc_blend_rt(true, PIPE_BLEND_ADD, PIPE_BLENDFACTOR_SRC_ALPHA,
				  PIPE_BLENDFACTOR_INV_SRC_ALPHA, PIPE_BLEND_ADD,
				  PIPE_BLENDFACTOR_SRC_ALPHA, PIPE_BLENDFACTOR_INV_SRC_ALPHA, 0xf));
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 1, 0, 0, 0.5f);
	positions2f(t, full, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	/* Constant colour blending and a colour mask that keeps green. */
	struct target t2 = begin(t, false, blue);
	vgp_enc_set_blend_color(t->enc, 0.25f, 0.25f, 0.25f, 0.25f);
	blend(t, vgp_enc_blend_rt(true, PIPE_BLEND_ADD, PIPE_BLENDFACTOR_CONST_COLOR,
				  PIPE_BLENDFACTOR_ZERO, PIPE_BLEND_ADD, PIPE_BLENDFACTOR_ONE,
				  PIPE_BLENDFACTOR_ZERO, 0xd));
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 1, 1, 1, 1);
	positions2f(t, full, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	/* 0.5 red over blue: (0.5, 0, 0.5); alpha 0.5*0.5 + 1*0.5 = 0.75. */
	CHECK_PX(rt_readback(t, tg.cb, 0), 5, 5, 128, 0, 128, 191);
	/* R, B, A written with 0.25 * 1; G masked (stays 0). */
	CHECK_PX(rt_readback(t, t2.cb, 0), 5, 5, 64, 0, 64, 255);
}

/* A window image in B8G8R8X8 (display storage, alpha kept in memory): draws
 * never change its alpha, so DST_ALPHA blending sees gallium's X = one. */
static void
test_blend_x_display(struct rt *t)
{
	struct rt_res_desc cd = {PIPE_TEXTURE_2D, VIRGL_FORMAT_B8G8R8X8_UNORM, 0x8a, W, H};
	struct vr_resource *cb = rt_res(t, &cd);
	uint32_t surf = rt_surface(t, cb, VIRGL_FORMAT_B8G8R8X8_UNORM, 0, 0, 0);
	const float clear[4] = {0, 0, 1, 0};
	vgp_enc_set_framebuffer_state(t->enc, 1, 0, &surf);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, clear, 1.0, 0);
	dsa(t, 0, 0, 0);
	rasterizer(t, 0);
	viewport(t, false);
	bind_program(t, sh.vs_pos, sh.fs_const);
	positions2f(t, full, 4);
	blend(t, 0xfu << 27); /* writes green with alpha zero */
	set_color(t, 0, 1, 0, 0);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	blend(t, vgp_enc_blend_rt(true, PIPE_BLEND_ADD, PIPE_BLENDFACTOR_DST_ALPHA,
				  PIPE_BLENDFACTOR_ZERO, PIPE_BLEND_ADD, PIPE_BLENDFACTOR_ONE,
				  PIPE_BLENDFACTOR_ZERO, 0xf));
	set_color(t, 1, 0, 0, 0);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	/* Bytes B, G, R, X: red times a destination alpha of one. */
	CHECK_PX(rt_readback(t, cb, 0), 7, 7, 0, 0, 255, 255);
}

static void
quad_at_depth(struct rt *t, float x0, float x1, float z, float r, float g, float b)
{
	const float v[16] = {x0, -1, z, 1, x1, -1, z, 1, x0, 1, z, 1, x1, 1, z, 1};
	struct vr_resource *vb = buffer(t, v, sizeof(v));
	const uint32_t fmt = VIRGL_FORMAT_R32G32B32A32_FLOAT, off = 0;
	elements(t, 1, &fmt, &off, NULL, NULL);
	struct vgp_enc_vertex_buffer bd = {16, 0, vb->id};
	vgp_enc_set_vertex_buffers(t->enc, 1, &bd);
	set_color(t, r, g, b, 1);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
}

static void
test_depth(struct rt *t)
{
	struct target tg = begin(t, true, black);
	dsa(t, 1 | 1 << 1 | PIPE_FUNC_LESS << 2, 0, 0);
	bind_program(t, sh.vs_pos, sh.fs_const);
	quad_at_depth(t, -1, 1, 0.0f, 1, 0, 0);  /* red at 0.5 */
	quad_at_depth(t, -1, 1, 0.6f, 0, 1, 0);  /* green behind: rejected */
	quad_at_depth(t, -1, 0, -0.6f, 0, 0, 1); /* blue in front on the left */
	RT_SUBMIT(t);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 3, 8, 0, 0, 255, 255);
	CHECK_PX(img, 12, 8, 255, 0, 0, 255);
}

static void
test_stencil(struct rt *t)
{
	struct target tg = begin(t, true, black);
	bind_program(t, sh.vs_pos, sh.fs_const);
	vgp_enc_set_stencil_ref(t->enc, 1, 1);
	dsa(t, 0,
	    vgp_enc_dsa_stencil(true, PIPE_FUNC_ALWAYS, 0, PIPE_STENCIL_OP_REPLACE, 0, 0xff, 0xff),
	    0);
	quad_at_depth(t, -1, 0, 0, 1, 0, 0); /* left half: red, stencil = 1 */
	dsa(t, 0, vgp_enc_dsa_stencil(true, PIPE_FUNC_EQUAL, 0, 0, 0, 0xff, 0xff), 0);
	quad_at_depth(t, -1, 1, 0, 0, 1, 0); /* only where stencil == 1 */
	RT_SUBMIT(t);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 3, 8, 0, 255, 0, 255);
	CHECK_PX(img, 12, 8, 0, 0, 0, 255);
}

static void
test_scissor(struct rt *t)
{
	struct target tg = begin(t, false, black);
	rasterizer(t, RS_SCISSOR);
	const uint16_t rect[4] = {2, 3, 6, 9};
	vgp_enc_set_scissor_states(t->enc, 0, 1, rect);
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 1, 1, 1, 1);
	positions2f(t, full, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 2, 3, 255, 255, 255, 255);
	CHECK_PX(img, 5, 8, 255, 255, 255, 255);
	CHECK_PX(img, 6, 8, 0, 0, 0, 255);
	CHECK_PX(img, 1, 3, 0, 0, 0, 255);
	CHECK_PX(img, 2, 9, 0, 0, 0, 255);
}

static void
test_texture(struct rt *t)
{
	/* 2x2 texels: row 0 red, green; row 1 blue, white. */
	struct rt_res_desc td = {PIPE_TEXTURE_2D, VIRGL_FORMAT_R8G8B8A8_UNORM, 0x8, 2, 2};
	struct vr_resource *tex = rt_res(t, &td);
	const uint8_t texels[16] = {255, 0, 0,   255, 0,   255, 0,   255,
				    0,   0, 255, 255, 255, 255, 255, 255};
	memcpy(rt_mem(tex), texels, sizeof(texels));
	rt_xfer(t, tex, 0, rt_box(0, 0, 0, 2, 2, 1), 0, 0, 0, true);
	struct target tg = begin(t, false, black);
	bind_program(t, sh.vs_tex, sh.fs_tex);
	const float one[4] = {1, 1, 1, 1};
	vgp_enc_set_constant_buffer(t->enc, VIRGL_SHADER_VERTEX, 0, 4, one);
	/* Swizzle: r <- B, g <- G, b <- R, a <- ONE. */
	uint32_t view = handle(t), samp = handle(t);
	uint32_t swz = 2u | 1u << 3 | 0u << 6 | 5u << 9;
	vgp_enc_create_sampler_view(t->enc, view, tex->id,
				    VIRGL_FORMAT_R8G8B8A8_UNORM | PIPE_TEXTURE_2D << 24, 0, 0, swz);
	/* clamp to edge, nearest, no mipmaps */
	uint32_t s0 = 2u | 2u << 3 | 2u << 6 | PIPE_TEX_MIPFILTER_NONE << 11;
	const uint32_t border[4] = {0};
	vgp_enc_create_sampler_state(t->enc, samp, s0, 0, 0, 0, border);
	vgp_enc_set_sampler_views(t->enc, VIRGL_SHADER_FRAGMENT, 0, 1, &view);
	vgp_enc_bind_sampler_states(t->enc, VIRGL_SHADER_FRAGMENT, 0, 1, &samp);
	positions2f(t, full, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 2, 2, 0, 0, 255, 255);  /* texel (0,0) red, swizzled */
	CHECK_PX(img, 12, 2, 0, 255, 0, 255); /* texel (1,0) green */
	CHECK_PX(img, 2, 12, 255, 0, 0, 255); /* texel (0,1) blue */
	CHECK_PX(img, 12, 12, 255, 255, 255, 255);
}

static void
test_queries(struct rt *t)
{
	struct target tg = begin(t, false, black);
	struct vr_resource *qres = buffer(t, NULL, 64);
	uint32_t occ = handle(t), prims = handle(t);
	vgp_enc_create_query(t->enc, occ, PIPE_QUERY_OCCLUSION_COUNTER, 0, 0, qres->id);
	vgp_enc_create_query(t->enc, prims, PIPE_QUERY_PRIMITIVES_GENERATED, 0, 32, qres->id);
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 1, 1, 1, 1);
	positions2f(t, upper_ccw, 4);
	vgp_enc_begin_query(t->enc, occ);
	vgp_enc_begin_query(t->enc, prims);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	vgp_enc_end_query(t->enc, occ);
	vgp_enc_end_query(t->enc, prims);
	vgp_enc_get_query_result(t->enc, occ, 1);
	vgp_enc_get_query_result(t->enc, prims, 1);
	RT_SUBMIT(t);
	const uint8_t *m = rt_mem(qres);
	uint64_t occ_result, prim_result;
	memcpy(&occ_result, m + 8, 8);
	memcpy(&prim_result, m + 32 + 8, 8);
	CHECK(rt_u32(m) == 1 && occ_result == W * H / 2, "occlusion: state %u, %llu samples",
	      rt_u32(m), (unsigned long long)occ_result);
	CHECK(rt_u32(m + 32) == 1 && prim_result == 2, "primitives generated: %llu",
	      (unsigned long long)prim_result);
	(void)tg;
}

/* GET_QUERY_RESULT_QBO writes results into a buffer's host copy, which a
 * read-back then returns: 32/64-bit values, availability, the NO_WAIT rule
 * (an unavailable result leaves the bytes alone) and queries without a GL object. */
static void
test_query_buffer(struct rt *t)
{
	struct vgp_caps_v2 caps;
	vr_device_get_caps(t->dev, VIRGL_CAPSET_VIRGL2, &caps, sizeof(caps));
	CHECK(caps.capability_bits & VIRGL_CAP_QBO, "QBO cap not advertised on a GL 4.4+ host");
	begin(t, false, black);
	uint8_t init[48];
	memset(init, 0xcc, sizeof(init));
	struct vr_resource *qres = buffer(t, NULL, 64), *qbo = buffer(t, init, sizeof(init));
	uint32_t occ = handle(t), fin = handle(t), idle = handle(t);
	vgp_enc_create_query(t->enc, occ, PIPE_QUERY_OCCLUSION_COUNTER, 0, 0, qres->id);
	vgp_enc_create_query(t->enc, fin, PIPE_QUERY_GPU_FINISHED, 0, 32, qres->id);
	vgp_enc_create_query(t->enc, idle, PIPE_QUERY_OCCLUSION_COUNTER, 0, 32, qres->id);
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 1, 1, 1, 1);
	positions2f(t, upper_ccw, 4);
	vgp_enc_begin_query(t->enc, occ);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	vgp_enc_end_query(t->enc, occ);
	vgp_enc_end_query(t->enc, fin);
	vgp_enc_get_query_result_qbo(t->enc, occ, qbo->id, 1, PIPE_QUERY_TYPE_U32, 0, 0);
	vgp_enc_get_query_result_qbo(t->enc, occ, qbo->id, 1, PIPE_QUERY_TYPE_I64, 8, 0);
	vgp_enc_get_query_result_qbo(t->enc, occ, qbo->id, 0, PIPE_QUERY_TYPE_U32, 16, -1);
	vgp_enc_get_query_result_qbo(t->enc, occ, qbo->id, 0, PIPE_QUERY_TYPE_U64, 24, 0);
	vgp_enc_get_query_result_qbo(t->enc, fin, qbo->id, 0, PIPE_QUERY_TYPE_I32, 32, 0);
	/* Never begun: not available, so NO_WAIT leaves 0xcccccccc at 36. */
	vgp_enc_get_query_result_qbo(t->enc, idle, qbo->id, 0, PIPE_QUERY_TYPE_U32, 36, 0);
	vgp_enc_get_query_result_qbo(t->enc, idle, qbo->id, 0, PIPE_QUERY_TYPE_U32, 40, -1);
	RT_SUBMIT(t);
	memset(rt_mem(qbo), 0, sizeof(init));
	rt_xfer(t, qbo, 0, rt_box(0, 0, 0, sizeof(init), 1, 1), 0, 0, 0, false);
	const uint8_t *m = rt_mem(qbo);
	uint64_t r64, u64;
	memcpy(&r64, m + 8, 8);
	memcpy(&u64, m + 24, 8);
	CHECK(rt_u32(m) == W * H / 2 && rt_u32(m + 4) == 0xccccccccu,
	      "QBO u32 result: %u, next %08x", rt_u32(m), rt_u32(m + 4));
	CHECK(r64 == W * H / 2 && u64 == W * H / 2, "QBO 64-bit results: %llu %llu",
	      (unsigned long long)r64, (unsigned long long)u64);
	CHECK(rt_u32(m + 16) == 1 && rt_u32(m + 20) == 0xccccccccu, "QBO availability: %u %08x",
	      rt_u32(m + 16), rt_u32(m + 20));
	CHECK(rt_u32(m + 32) == 1, "QBO GPU_FINISHED: %u", rt_u32(m + 32));
	CHECK(rt_u32(m + 36) == 0xccccccccu && rt_u32(m + 40) == 0 && rt_u32(m + 44) == 0xccccccccu,
	      "QBO of a query never run: %08x, available %u", rt_u32(m + 36), rt_u32(m + 40));
}

/* Texture gather is advertised (Mesa then exposes ARB_texture_gather) with the
 * host's offset range; TG4 itself is checked with exact texels by
 * tests/shader/test_shader_ops.c (rows TG4*). */
static void
test_gather_caps(struct rt *t)
{
	struct vgp_caps_v2 caps;
	vr_device_get_caps(t->dev, VIRGL_CAPSET_VIRGL2, &caps, sizeof(caps));
	CHECK(caps.v1.max_texture_gather_components == 4, "gather components: %u",
	      caps.v1.max_texture_gather_components);
	CHECK(caps.min_texture_gather_offset <= -8 && caps.max_texture_gather_offset >= 7,
	      "gather offsets: %d..%d", caps.min_texture_gather_offset,
	      caps.max_texture_gather_offset);
}

/* TIME_ELAPSED and TIMESTAMP produce results; a render condition on an
 * occlusion query that saw nothing skips the draw (and the inverted one runs). */
static void
test_timer_and_condition(struct rt *t)
{
	struct target tg = begin(t, false, black);
	struct vr_resource *qres = buffer(t, NULL, 96);
	uint32_t elapsed = handle(t), stamp = handle(t), occ = handle(t);
	vgp_enc_create_query(t->enc, elapsed, PIPE_QUERY_TIME_ELAPSED, 0, 0, qres->id);
	vgp_enc_create_query(t->enc, stamp, PIPE_QUERY_TIMESTAMP, 0, 32, qres->id);
	vgp_enc_create_query(t->enc, occ, PIPE_QUERY_OCCLUSION_PREDICATE, 0, 64, qres->id);
	bind_program(t, sh.vs_pos, sh.fs_const);
	/* Nothing passes: a degenerate quad. */
	const float empty[8] = {0, 0, 0, 0, 0, 0, 0, 0};
	vgp_enc_begin_query(t->enc, elapsed);
	vgp_enc_begin_query(t->enc, occ);
	positions2f(t, empty, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	vgp_enc_end_query(t->enc, occ);
	vgp_enc_end_query(t->enc, elapsed);
	vgp_enc_end_query(t->enc, stamp);
	vgp_enc_get_query_result(t->enc, elapsed, 1);
	vgp_enc_get_query_result(t->enc, stamp, 1);
	vgp_enc_get_query_result(t->enc, occ, 1);
	/* Left half: conditional on "something passed" -> skipped. Right half:
	 * inverted condition -> drawn. */
	const float left[8] = {-1, -1, 0, -1, -1, 1, 0, 1};
	const float right[8] = {0, -1, 1, -1, 0, 1, 1, 1};
	vgp_enc_set_render_condition(t->enc, occ, 0, 0);
	set_color(t, 1, 0, 0, 1);
	positions2f(t, left, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	vgp_enc_set_render_condition(t->enc, occ, 1, 0);
	positions2f(t, right, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	vgp_enc_set_render_condition(t->enc, 0, 0, 0);
	RT_SUBMIT(t);
	const uint8_t *m = rt_mem(qres);
	uint64_t ts, pred;
	memcpy(&ts, m + 32 + 8, 8);
	memcpy(&pred, m + 64 + 8, 8);
	CHECK(rt_u32(m) == 1 && rt_u32(m + 32) == 1 && ts > 0, "timer queries: %u %u %llu",
	      rt_u32(m), rt_u32(m + 32), (unsigned long long)ts);
	CHECK(rt_u32(m + 64) == 1 && pred == 0, "occlusion predicate: %llu",
	      (unsigned long long)pred);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 3, 8, 0, 0, 0, 255);
	CHECK_PX(img, 12, 8, 255, 0, 0, 255);
}

/* Separate RGB and alpha blend equations (blend_eq_sep). */
static void
test_blend_eq_separate(struct rt *t)
{
	const float grey[4] = {0.5f, 0.5f, 0.5f, 0.5f};
	struct target tg = begin(t, false, grey);
	blend(t, vgp_enc_blend_rt(true, PIPE_BLEND_REVERSE_SUBTRACT, PIPE_BLENDFACTOR_ONE,
				  PIPE_BLENDFACTOR_ONE, PIPE_BLEND_MAX, PIPE_BLENDFACTOR_ONE,
				  PIPE_BLENDFACTOR_ONE, 0xf));
	bind_program(t, sh.vs_pos, sh.fs_const);
	set_color(t, 0.25f, 0.25f, 0.25f, 0.75f);
	positions2f(t, full, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	/* rgb: dst - src = 0.25; alpha: max(0.75, 0.5) = 0.75 */
	CHECK_PX(rt_readback(t, tg.cb, 0), 8, 8, 64, 64, 64, 191);
}

/* Several draws in one submit with the same program and new constants each. */
static void
test_constants_per_draw(struct rt *t)
{
	struct target tg = begin(t, false, black);
	bind_program(t, sh.vs_pos, sh.fs_const);
	const float left[8] = {-1, -1, 0, -1, -1, 1, 0, 1};
	const float right[8] = {0, -1, 1, -1, 0, 1, 1, 1};
	set_color(t, 1, 0, 0, 1);
	positions2f(t, left, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	set_color(t, 0, 0, 1, 1);
	positions2f(t, right, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	RT_SUBMIT(t);
	const uint8_t *img = rt_readback(t, tg.cb, 0);
	CHECK_PX(img, 3, 5, 255, 0, 0, 255);
	CHECK_PX(img, 12, 5, 0, 0, 255, 255);
}

/* A GLSL error marks the context broken with the compiler's message. */
static void
test_compile_error(struct rt *t)
{
	begin(t, false, black);
	uint32_t bad = shader(t, VIRGL_SHADER_FRAGMENT, "#version 330\nvoid main() { oops; }\n");
	bind_program(t, sh.vs_pos, bad);
	positions2f(t, full, 4);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	CHECK(!rt_submit(t), "a draw with a broken shader was accepted");
	CHECK_CONTAINS(t->ctx->error, "compile");
}

int
main(void)
{
	struct rt t;
	int r = rt_init(&t);
	if (r) {
		return r;
	}
	sh.vs_pos = shader(&t, VIRGL_SHADER_VERTEX, vs_pos);
	sh.vs_color = shader(&t, VIRGL_SHADER_VERTEX, vs_color);
	sh.vs_inst = shader(&t, VIRGL_SHADER_VERTEX, vs_inst);
	sh.vs_tex = shader(&t, VIRGL_SHADER_VERTEX, vs_tex);
	sh.fs_const = shader(&t, VIRGL_SHADER_FRAGMENT, fs_const);
	sh.fs_color = shader(&t, VIRGL_SHADER_FRAGMENT, fs_color);
	sh.fs_tex = shader(&t, VIRGL_SHADER_FRAGMENT, fs_tex);
	RT_SUBMIT(&t);
	test_orientation(&t);
	test_cull(&t);
	test_vertex_formats(&t);
	test_indexed_restart(&t);
	test_instancing(&t);
	test_blend(&t);
	test_blend_x_display(&t);
	test_depth(&t);
	test_stencil(&t);
	test_scissor(&t);
	test_texture(&t);
	test_queries(&t);
	test_query_buffer(&t);
	test_gather_caps(&t);
	test_constants_per_draw(&t);
	test_timer_and_condition(&t);
	test_blend_eq_separate(&t);
	test_compile_error(&t);
	rt_finish(&t);
	return vgp_test_result("test_gl_draw");
}
