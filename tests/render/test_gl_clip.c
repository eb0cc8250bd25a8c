/*
 * pvgpu render tests — user clip planes and clip distances, through the
 * decoder, the TGSI translator and the GL backend.
 *
 * Mesa's virgl driver sends clip-space planes with SET_CLIP_STATE and enables
 * them with the rasterizer's clip_plane_enable; its shaders write neither
 * CLIPDIST nor CLIPVERTEX for them, so the host derives gl_ClipDistance from
 * the position (or a CLIPVERTEX output when there is one). A full-screen quad
 * is drawn into a 16x16 RGBA8 target and every pixel is compared with the
 * planes evaluated at its centre. Plane edges lie on pixel edges (NDC
 * multiples of 1/8), so no pixel centre is on a boundary.
 */
#include "render_util.h"
#include "vgp_encode_draw.h"
#include "vgp_gallium.h"
#include "vgp_virgl_format.h"

#define W 16
#define H 16

#define RS_S0 ((1u << 1) | (1u << 29)) /* depth clip, half-pixel centres */
#define RS_S3_CLIP(mask) ((uint32_t)(mask) << 24)

static const char vs_pos[] = "VERT\n"
			     "DCL IN[0]\n"
			     "DCL OUT[0], POSITION\n"
			     "0: MOV OUT[0], IN[0]\n"
			     "1: END\n";
/* Clip vertex = position mirrored in x: the planes must apply to it. */
static const char vs_clipvertex[] = "VERT\n"
				    "DCL IN[0]\n"
				    "DCL OUT[0], POSITION\n"
				    "DCL OUT[1], CLIPVERTEX\n"
				    "IMM[0] FLT32 {-1.0, 1.0, 1.0, 1.0}\n"
				    "0: MOV OUT[0], IN[0]\n"
				    "1: MUL OUT[1], IN[0], IMM[0]\n"
				    "2: END\n";
/* Its own clip distance 0 = x (keeps x >= 0), as GLSL gl_ClipDistance gives. */
static const char vs_clipdist[] = "VERT\n"
				  "PROPERTY NUM_CLIPDIST_ENABLED 1\n"
				  "DCL IN[0]\n"
				  "DCL OUT[0], POSITION\n"
				  "DCL OUT[1].x, CLIPDIST[0]\n"
				  "0: MOV OUT[0], IN[0]\n"
				  "1: MOV OUT[1].x, IN[0].xxxx\n"
				  "2: END\n";
static const char fs_red[] = "FRAG\n"
			     "PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\n"
			     "DCL OUT[0], COLOR\n"
			     "IMM[0] FLT32 {1.0, 0.0, 0.0, 1.0}\n"
			     "0: MOV OUT[0], IMM[0]\n"
			     "1: END\n";

struct clip_test {
	struct rt t;
	uint32_t vs_pos, vs_clipvertex, vs_clipdist, fs_red;
};

/* One case: what is drawn and what must survive. */
struct clip_case {
	const char *name;
	uint32_t vs;
	uint8_t enable;     /* rasterizer clip_plane_enable */
	float planes[8][4]; /* SET_CLIP_STATE */
	bool window;        /* window-system viewport (scale.y < 0: y flipped) */
	bool mirror_x;      /* the planes see x negated (the CLIPVERTEX shader) */
	bool clipdist;      /* the shader's own distance 0 = x, planes ignored */
};

static uint32_t
new_handle(struct rt *t)
{
	return t->next_handle++;
}

/* Encodes a fresh target cleared to black, the case's state and one draw. */
static struct vr_resource *
encode_case(struct clip_test *ct, const struct clip_case *cc)
{
	struct rt *t = &ct->t;
	struct rt_res_desc d = {PIPE_TEXTURE_2D, VIRGL_FORMAT_R8G8B8A8_UNORM, 0xa, W, H};
	struct vr_resource *cb = rt_res(t, &d);
	uint32_t surf = rt_surface(t, cb, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0);
	vgp_enc_set_framebuffer_state(t->enc, 1, 0, &surf);
	const float black[4] = {0, 0, 0, 1};
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, black, 1.0, 0);
	uint32_t rs = new_handle(t);
	vgp_enc_create_rasterizer(t->enc, rs, RS_S0, 1.0f, 0, RS_S3_CLIP(cc->enable), 1.0f, 0.0f,
				  0.0f, 0.0f);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_RASTERIZER, rs);
	float v[6] = {W / 2, cc->window ? -H / 2 : H / 2, 0.5f, W / 2, H / 2, 0.5f};
	vgp_enc_set_viewport_states(t->enc, 0, 1, v);
	float flat[32]; /* the encoder takes the 32 floats as one array */
	memcpy(flat, cc->planes, sizeof(flat));
	vgp_enc_set_clip_state(t->enc, flat);
	vgp_enc_bind_shader(t->enc, cc->vs, VIRGL_SHADER_VERTEX);
	vgp_enc_bind_shader(t->enc, ct->fs_red, VIRGL_SHADER_FRAGMENT);
	vgp_enc_draw_vbo(t->enc, 0, 4, PIPE_PRIM_TRIANGLE_STRIP, false);
	return cb;
}

/* Whether the pixel at (x, y) of the image survives the case's clipping. */
static bool
expect_kept(const struct clip_case *cc, int x, int y)
{
	float nx = (x + 0.5f) / (W / 2) - 1.0f;
	float ny = (y + 0.5f) / (H / 2) - 1.0f;
	if (cc->window) {
		ny = -ny; /* image row 0 is the top of NDC */
	}
	if (cc->clipdist) {
		return !(cc->enable & 1) || nx >= 0.0f;
	}
	float cx = cc->mirror_x ? -nx : nx;
	for (int i = 0; i < 8; i++) {
		const float *p = cc->planes[i];
		if ((cc->enable >> i) & 1 && cx * p[0] + ny * p[1] + p[3] < 0.0f) {
			return false;
		}
	}
	return true;
}

static void
check_case(struct clip_test *ct, const struct clip_case *cc, struct vr_resource *cb)
{
	const uint8_t *img = rt_readback(&ct->t, cb, 0);
	int wrong = 0, kept = 0;
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			const uint8_t *px = img + 4 * (y * W + x);
			bool want = expect_kept(cc, x, y);
			bool red = px[0] == 255 && px[1] == 0 && px[2] == 0 && px[3] == 255;
			bool black = px[0] == 0 && px[1] == 0 && px[2] == 0 && px[3] == 255;
			kept += want;
			if (want ? !red : !black) {
				if (!wrong) {
					CHECK(false, "%s: pixel (%d,%d) = %u %u %u %u, want %s",
					      cc->name, x, y, px[0], px[1], px[2], px[3],
					      want ? "red" : "black");
				}
				wrong++;
			}
		}
	}
	CHECK(wrong == 0, "%s: %d of %d pixels wrong (%d should be drawn)", cc->name, wrong, W * H,
	      kept);
}

/* Several cases in one submission (planes change between draws of one program). */
static void
run_cases(struct clip_test *ct, const struct clip_case *cases, size_t n)
{
	struct vr_resource *cb[8];
	for (size_t i = 0; i < n && i < 8; i++) {
		cb[i] = encode_case(ct, &cases[i]);
	}
	RT_SUBMIT(&ct->t);
	for (size_t i = 0; i < n && i < 8; i++) {
		if (cb[i]) {
			check_case(ct, &cases[i], cb[i]);
		}
	}
}

#define PLANE_ALL_OUT       \
	{                   \
		0, 0, 0, -1 \
	} /* clips everything when enabled */

static void
test_planes(struct clip_test *ct)
{
	const struct clip_case cases[] = {
		{"one plane x >= 0", ct->vs_pos, 0x1, {{1, 0, 0, 0}}},
		{"one plane, not enabled", ct->vs_pos, 0x0, {{0, 0, 0, -1}}},
		/* Planes 0, 1 and 5: x >= 0, y <= 0.5, y >= -0.5; plane 3 would
		 * clip everything but its bit is clear. */
		{"planes 0,1,5",
		 ct->vs_pos,
		 0x23,
		 {{1, 0, 0, 0}, {0, -1, 0, 0.5f}, {0}, PLANE_ALL_OUT, {0}, {0, 1, 0, 0.5f}}},
		/* Plane 7 alone: x <= -0.25 (the last slot of the array). */
		{"plane 7", ct->vs_pos, 0x80, {[7] = {-1, 0, 0, -0.25f}}},
		/* Different planes for the same program: the uniform must follow. */
		{"diagonal x + y >= 0.5625", ct->vs_pos, 0x1, {{1, 1, 0, -0.5625f}}},
		{"one plane x >= 0 again", ct->vs_pos, 0x1, {{1, 0, 0, 0}}},
	};
	run_cases(ct, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Window-system buffers are drawn y-flipped on the host; the guest's planes
 * are in its own clip space, so they apply before the flip. */
static void
test_window_orientation(struct clip_test *ct)
{
	const struct clip_case cases[] = {
		{"window y >= 0.25", ct->vs_pos, 0x1, {{0, 1, 0, -0.25f}}, true},
		{"fbo y >= 0.25", ct->vs_pos, 0x1, {{0, 1, 0, -0.25f}}, false},
	};
	run_cases(ct, cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_clipvertex_and_clipdist(struct clip_test *ct)
{
	const struct clip_case cases[] = {
		{"clip vertex x >= 0.5", ct->vs_clipvertex, 0x1, {{1, 0, 0, -0.5f}}, false, true},
		/* Own CLIPDIST: the rasterizer bit enables it; SET_CLIP_STATE's
		 * plane (clip everything) is not used. */
		{"clipdist enabled", ct->vs_clipdist, 0x1, {PLANE_ALL_OUT}, false, false, true},
		{"clipdist disabled", ct->vs_clipdist, 0x0, {PLANE_ALL_OUT}, false, false, true},
	};
	run_cases(ct, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Non-finite planes are the guest's business: accepted, no crash, and a later
 * draw with sane planes is right again. */
static void
test_nonfinite_planes(struct clip_test *ct)
{
	struct clip_case bad = {"nan planes", ct->vs_pos, 0xff, {{0}}};
	for (int i = 0; i < 8; i++) {
		bad.planes[i][0] = i & 1 ? __builtin_nanf("") : __builtin_inff();
		bad.planes[i][3] = -__builtin_inff();
	}
	encode_case(ct, &bad);
	RT_SUBMIT(&ct->t);
	const struct clip_case good = {"after nan", ct->vs_pos, 0x1, {{1, 0, 0, 0}}};
	run_cases(ct, &good, 1);
}

int
main(void)
{
	struct clip_test ct;
	struct rt *t = &ct.t;
	int r = rt_init(t);
	if (r) {
		return r;
	}
	struct {
		uint32_t *handle, stage;
		const char *text;
	} shaders[] = {
		{&ct.vs_pos, VIRGL_SHADER_VERTEX, vs_pos},
		{&ct.vs_clipvertex, VIRGL_SHADER_VERTEX, vs_clipvertex},
		{&ct.vs_clipdist, VIRGL_SHADER_VERTEX, vs_clipdist},
		{&ct.fs_red, VIRGL_SHADER_FRAGMENT, fs_red},
	};
	for (size_t i = 0; i < sizeof(shaders) / sizeof(shaders[0]); i++) {
		*shaders[i].handle = new_handle(t);
		vgp_enc_create_shader(t->enc, *shaders[i].handle, shaders[i].stage, 100,
				      shaders[i].text);
	}
	/* Full-screen quad, blend writing RGBA, default DSA: shared by every case. */
	const float quad[8] = {-1, -1, 1, -1, -1, 1, 1, 1};
	struct rt_res_desc bd = {PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 0x20, sizeof(quad), 1};
	struct vr_resource *vb = rt_res(t, &bd);
	if (!vb) {
		return vgp_test_result("test_gl_clip");
	}
	memcpy(rt_mem(vb), quad, sizeof(quad));
	rt_xfer(t, vb, 0, rt_box(0, 0, 0, sizeof(quad), 1, 1), 0, 0, 0, true);
	struct vgp_enc_vertex_element ve = {0, 0, 0, VIRGL_FORMAT_R32G32_FLOAT};
	uint32_t ve_h = new_handle(t);
	vgp_enc_create_vertex_elements(t->enc, ve_h, 1, &ve);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_VERTEX_ELEMENTS, ve_h);
	struct vgp_enc_vertex_buffer vbb = {8, 0, vb->id};
	vgp_enc_set_vertex_buffers(t->enc, 1, &vbb);
	uint32_t rts[VIRGL_MAX_COLOR_BUFS] = {0xfu << 27};
	uint32_t blend_h = new_handle(t);
	vgp_enc_create_blend(t->enc, blend_h, 0, 0, rts);
	vgp_enc_bind_object(t->enc, VIRGL_OBJECT_BLEND, blend_h);
	RT_SUBMIT(t);
	test_planes(&ct);
	test_window_orientation(&ct);
	test_clipvertex_and_clipdist(&ct);
	test_nonfinite_planes(&ct);
	rt_finish(t);
	return vgp_test_result("test_gl_clip");
}
