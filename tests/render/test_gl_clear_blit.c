/*
 * pvgpu render tests — surfaces, CLEAR, BLIT and RESOURCE_COPY_REGION on the
 * GL backend, through the decoder. Expected bytes are exact unless a tolerance
 * is stated (unorm rounding of 0.75 etc., linear filtering).
 */
#include <math.h>

#include "render_util.h"
#include "vgp_gallium.h"
#include "vgp_virgl_format.h"

static struct vr_resource *
tex2d(struct rt *t, uint32_t format, uint32_t w, uint32_t h, uint32_t bind)
{
	struct rt_res_desc d = {PIPE_TEXTURE_2D, format, bind, w, h};
	return rt_res(t, &d);
}

/* Binds one colour surface (and optionally a zs surface) as the framebuffer. */
static void
set_fb(struct rt *t, uint32_t cbuf, uint32_t zsurf)
{
	vgp_enc_set_framebuffer_state(t->enc, cbuf ? 1 : 0, zsurf, &cbuf);
}

static void
clear_raw(struct rt *t, uint32_t buffers, const uint32_t raw[4], double depth, uint32_t stencil)
{
	float c[4];
	memcpy(c, raw, sizeof(c));
	vgp_enc_clear(t->enc, buffers, c, depth, stencil);
}

static bool
near(int a, int b, int tol)
{
	return abs(a - b) <= tol;
}

static void
test_clear_unorm(struct rt *t)
{
	struct vr_resource *rgba = tex2d(t, VIRGL_FORMAT_R8G8B8A8_UNORM, 5, 3, 0xa);
	struct vr_resource *bgra = tex2d(t, VIRGL_FORMAT_B8G8R8A8_UNORM, 5, 3, 0xa);
	uint32_t s1 = rt_surface(t, rgba, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0);
	uint32_t s2 = rt_surface(t, bgra, VIRGL_FORMAT_B8G8R8A8_UNORM, 0, 0, 0);
	const float color[4] = {0.25f, 0.5f, 0.75f, 1.0f};
	set_fb(t, s1, 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, color, 0, 0);
	set_fb(t, s2, 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, color, 0, 0);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, rgba, 0) + 4 * 14;
	CHECK(near(p[0], 64, 1) && near(p[1], 128, 1) && near(p[2], 191, 1) && p[3] == 255,
	      "RGBA8 clear: %u %u %u %u", p[0], p[1], p[2], p[3]);
	p = rt_readback(t, bgra, 0);
	CHECK(near(p[0], 191, 1) && near(p[1], 128, 1) && near(p[2], 64, 1) && p[3] == 255,
	      "BGRA8 clear: %u %u %u %u", p[0], p[1], p[2], p[3]);
}

static void
test_clear_int_float(struct rt *t)
{
	struct vr_resource *ui = tex2d(t, VIRGL_FORMAT_R32G32B32A32_UINT, 4, 4, 0xa);
	struct vr_resource *si = tex2d(t, VIRGL_FORMAT_R8G8B8A8_SINT, 4, 4, 0xa);
	struct vr_resource *hf = tex2d(t, VIRGL_FORMAT_R16G16B16A16_FLOAT, 4, 4, 0xa);
	struct vr_resource *ff = tex2d(t, VIRGL_FORMAT_R32G32B32A32_FLOAT, 4, 4, 0xa);
	struct vr_resource *a8 = tex2d(t, VIRGL_FORMAT_A8_UNORM, 4, 4, 0xa);
	const uint32_t raw_ui[4] = {0xdeadbeef, 7, 0x80000000u, 0xffffffffu};
	const uint32_t raw_si[4] = {(uint32_t)-5, 100, (uint32_t)-128, 127};
	const float fl[4] = {-2.5f, 0.125f, 1000.0f, 1.0f};
	const float alpha[4] = {0, 0, 0, 1.0f};
	set_fb(t, rt_surface(t, ui, VIRGL_FORMAT_R32G32B32A32_UINT, 0, 0, 0), 0);
	clear_raw(t, PIPE_CLEAR_COLOR0, raw_ui, 0, 0);
	set_fb(t, rt_surface(t, si, VIRGL_FORMAT_R8G8B8A8_SINT, 0, 0, 0), 0);
	clear_raw(t, PIPE_CLEAR_COLOR0, raw_si, 0, 0);
	set_fb(t, rt_surface(t, hf, VIRGL_FORMAT_R16G16B16A16_FLOAT, 0, 0, 0), 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, fl, 0, 0);
	set_fb(t, rt_surface(t, ff, VIRGL_FORMAT_R32G32B32A32_FLOAT, 0, 0, 0), 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, fl, 0, 0);
	set_fb(t, rt_surface(t, a8, VIRGL_FORMAT_A8_UNORM, 0, 0, 0), 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, alpha, 0, 0);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, ui, 0) + 16 * 5;
	CHECK(memcmp(p, raw_ui, 16) == 0, "RGBA32UI clear: %08x %08x", rt_u32(p), rt_u32(p + 12));
	p = rt_readback(t, si, 0);
	CHECK((int8_t)p[0] == -5 && p[1] == 100 && (int8_t)p[2] == -128 && p[3] == 127,
	      "RGBA8I clear: %d %d %d %d", (int8_t)p[0], p[1], (int8_t)p[2], p[3]);
	p = rt_readback(t, hf, 0);
	/* half: -2.5 = 0xc100, 0.125 = 0x3000, 1000 = 0x63d0, 1 = 0x3c00 */
	const uint16_t want_h[4] = {0xc100, 0x3000, 0x63d0, 0x3c00};
	CHECK(memcmp(p, want_h, 8) == 0, "RGBA16F clear: %02x%02x", p[1], p[0]);
	p = rt_readback(t, ff, 0) + 16 * 15;
	CHECK(memcmp(p, fl, 16) == 0, "RGBA32F clear: %f", rt_f32(p));
	p = rt_readback(t, a8, 0);
	CHECK(p[0] == 255 && p[15] == 255, "A8 clear (alpha in R): %u", p[0]);
}

static void
test_clear_srgb(struct rt *t)
{
	struct vr_resource *res = tex2d(t, VIRGL_FORMAT_R8G8B8A8_SRGB, 4, 4, 0xa);
	const float half[4] = {0.5f, 0.5f, 0.5f, 0.5f};
	set_fb(t, rt_surface(t, res, VIRGL_FORMAT_R8G8B8A8_SRGB, 0, 0, 0), 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, half, 0, 0);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, res, 0);
	/* linear 0.5 encodes to sRGB 0.7354 = 188; alpha stays linear (128). */
	CHECK(near(p[0], 188, 1) && near(p[3], 128, 1), "sRGB clear: %u .. %u", p[0], p[3]);
	/* A linear surface over the same sRGB resource writes the raw value. */
	set_fb(t, rt_surface(t, res, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0), 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, half, 0, 0);
	RT_SUBMIT(t);
	p = rt_readback(t, res, 0);
	CHECK(near(p[0], 128, 1), "linear clear of an sRGB resource: %u", p[0]);
}

static void
test_clear_depth_stencil(struct rt *t)
{
	static const struct {
		uint32_t format;
		double depth;
		uint32_t stencil;
		uint32_t want, mask;
	} cases[] = {
		{VIRGL_FORMAT_Z24_UNORM_S8_UINT, 1.0, 0x5a, 0x5affffff, 0xffffffff},
		{VIRGL_FORMAT_S8_UINT_Z24_UNORM, 1.0, 0x5a, 0xffffff5a, 0xffffffff},
		{VIRGL_FORMAT_Z24X8_UNORM, 0.5, 0, 0x800000, 0x00ffffff},
		{VIRGL_FORMAT_X8Z24_UNORM, 0.5, 0, 0x80000000, 0xffffff00},
		{VIRGL_FORMAT_Z32_UNORM, 0.25, 0, 0x40000000, 0xffffffff},
		{VIRGL_FORMAT_Z16_UNORM, 0.5, 0, 0x8000, 0xffff},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vr_resource *res = tex2d(t, cases[i].format, 4, 4, 0x1);
		set_fb(t, 0, rt_surface(t, res, cases[i].format, 0, 0, 0));
		const float c[4] = {0};
		vgp_enc_clear(t->enc, PIPE_CLEAR_DEPTH | PIPE_CLEAR_STENCIL, c, cases[i].depth,
			      cases[i].stencil);
		RT_SUBMIT(t);
		const uint8_t *p = rt_readback(t, res, 0);
		bool z16 = cases[i].format == VIRGL_FORMAT_Z16_UNORM;
		uint32_t v = z16 ? (uint32_t)(p[0] | p[1] << 8) : rt_u32(p);
		/* unorm conversion of 0.5 may round either way: allow 1 ulp of depth */
		uint32_t ulp = cases[i].format == VIRGL_FORMAT_X8Z24_UNORM ? 0x100 : 1;
		uint32_t got = v & cases[i].mask, want = cases[i].want;
		CHECK(got == want || got + ulp == want || got == want + ulp,
		      "depth/stencil clear of format %u: 0x%08x, want 0x%08x", cases[i].format, got,
		      want);
	}
	struct vr_resource *zf = tex2d(t, VIRGL_FORMAT_Z32_FLOAT_S8X24_UINT, 4, 4, 0x1);
	set_fb(t, 0, rt_surface(t, zf, VIRGL_FORMAT_Z32_FLOAT_S8X24_UINT, 0, 0, 0));
	const float c[4] = {0};
	vgp_enc_clear(t->enc, PIPE_CLEAR_DEPTH | PIPE_CLEAR_STENCIL, c, 0.375, 0xa5);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, zf, 0) + 8 * 15;
	CHECK(rt_f32(p) == 0.375f && p[4] == 0xa5, "Z32F_S8X24 clear: %f / %02x", rt_f32(p), p[4]);
	/* Stencil-only clear leaves depth alone. */
	struct vr_resource *zs = tex2d(t, VIRGL_FORMAT_Z24_UNORM_S8_UINT, 4, 4, 0x1);
	set_fb(t, 0, rt_surface(t, zs, VIRGL_FORMAT_Z24_UNORM_S8_UINT, 0, 0, 0));
	vgp_enc_clear(t->enc, PIPE_CLEAR_DEPTH | PIPE_CLEAR_STENCIL, c, 0.0, 0x11);
	vgp_enc_clear(t->enc, PIPE_CLEAR_STENCIL, c, 1.0, 0x22);
	RT_SUBMIT(t);
	CHECK(rt_u32(rt_readback(t, zs, 0)) == 0x22000000, "stencil-only clear: 0x%08x",
	      rt_u32(rt_mem(zs)));
}

/* Two colour buffers; clearing only cbuf 1 leaves cbuf 0 untouched. */
static void
test_clear_mrt(struct rt *t)
{
	struct vr_resource *a = tex2d(t, VIRGL_FORMAT_R8G8B8A8_UNORM, 4, 4, 0xa);
	struct vr_resource *b = tex2d(t, VIRGL_FORMAT_R8G8B8A8_UNORM, 4, 4, 0xa);
	uint32_t s[2] = {rt_surface(t, a, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0),
			 rt_surface(t, b, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0)};
	vgp_enc_set_framebuffer_state(t->enc, 2, 0, s);
	const float red[4] = {1, 0, 0, 1}, green[4] = {0, 1, 0, 1};
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0 | (PIPE_CLEAR_COLOR0 << 1), red, 0, 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0 << 1, green, 0, 0);
	/* The guest destroys a bound surface: the backend keeps its reference. */
	vgp_enc_destroy_object(t->enc, VIRGL_OBJECT_SURFACE, s[1]);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0 << 1, green, 0, 0);
	RT_SUBMIT(t);
	CHECK(rt_u32(rt_readback(t, a, 0)) == 0xff0000ffu, "cbuf0: 0x%08x", rt_u32(rt_mem(a)));
	CHECK(rt_u32(rt_readback(t, b, 0)) == 0xff00ff00u, "cbuf1: 0x%08x", rt_u32(rt_mem(b)));
}

/* One framebuffer with unorm, float, uint and sint attachments (piglit
 * clearbuffer-mixed-format): the caps must allow it (else Mesa reports the FBO
 * as unsupported), and one CLEAR reads its colour union per attachment format. */
static void
test_clear_mixed_formats(struct rt *t)
{
	struct vgp_caps_v2 caps;
	vr_device_get_caps(t->dev, VIRGL_CAPSET_VIRGL2, &caps, sizeof(caps));
	CHECK(caps.capability_bits & VIRGL_CAP_FBO_MIXED_COLOR_FORMATS,
	      "FBO_MIXED_COLOR_FORMATS not advertised: 0x%08x", caps.capability_bits);
	static const uint32_t fmts[4] = {VIRGL_FORMAT_R8G8B8A8_UNORM, VIRGL_FORMAT_R32_FLOAT,
					 VIRGL_FORMAT_R32G32B32A32_UINT, VIRGL_FORMAT_R16G16_SINT};
	struct vr_resource *res[4];
	uint32_t surf[4];
	for (int i = 0; i < 4; i++) {
		res[i] = tex2d(t, fmts[i], 4, 4, 0xa);
		surf[i] = rt_surface(t, res[i], fmts[i], 0, 0, 0);
	}
	vgp_enc_set_framebuffer_state(t->enc, 4, 0, surf);
	const float f[4] = {0.5f, 0.25f, 1.0f, 1.0f};
	vgp_enc_clear(t->enc, 0xfu * PIPE_CLEAR_COLOR0, f, 0, 0);
	/* Then buffers 2 and 3 alone with integer values, like glClearBufferiv. */
	const uint32_t raw[4] = {7, (uint32_t)-3, 0x12345678, 1};
	clear_raw(t, (PIPE_CLEAR_COLOR0 << 2) | (PIPE_CLEAR_COLOR0 << 3), raw, 0, 0);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, res[0], 0) + 4 * 15;
	CHECK(near(p[0], 128, 1) && near(p[1], 64, 1) && p[2] == 255 && p[3] == 255,
	      "mixed fb, RGBA8: %u %u %u %u", p[0], p[1], p[2], p[3]);
	p = rt_readback(t, res[1], 0) + 4 * 5;
	CHECK(rt_f32(p) == 0.5f, "mixed fb, R32F: %f", rt_f32(p));
	p = rt_readback(t, res[2], 0) + 16 * 6;
	CHECK(memcmp(p, raw, 16) == 0, "mixed fb, RGBA32UI: %u %u", rt_u32(p), rt_u32(p + 4));
	p = rt_readback(t, res[3], 0) + 4 * 9;
	int16_t si[2];
	memcpy(si, p, 4);
	CHECK(si[0] == 7 && si[1] == -3, "mixed fb, RG16I: %d %d", si[0], si[1]);
}

/* Each sub-context has its own framebuffer; switching applies the right one,
 * and destroying a sub-context with bound surfaces releases them. */
static void
test_sub_contexts(struct rt *t)
{
	struct vr_resource *a = tex2d(t, VIRGL_FORMAT_R8G8B8A8_UNORM, 4, 4, 0xa);
	struct vr_resource *b = tex2d(t, VIRGL_FORMAT_R8G8B8A8_UNORM, 4, 4, 0xa);
	const float red[4] = {1, 0, 0, 1}, blue[4] = {0, 0, 1, 1};
	set_fb(t, rt_surface(t, a, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0), 0);
	vgp_enc_create_sub_ctx(t->enc, 2);
	vgp_enc_set_sub_ctx(t->enc, 2);
	set_fb(t, rt_surface(t, b, VIRGL_FORMAT_R8G8B8A8_UNORM, 0, 0, 0), 0);
	vgp_enc_set_sub_ctx(t->enc, 1);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, red, 0, 0);
	vgp_enc_set_sub_ctx(t->enc, 2);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, blue, 0, 0);
	vgp_enc_set_sub_ctx(t->enc, 1);
	vgp_enc_destroy_sub_ctx(t->enc, 2);
	RT_SUBMIT(t);
	CHECK(rt_u32(rt_readback(t, a, 0)) == 0xff0000ffu, "sub 1 fb: 0x%08x", rt_u32(rt_mem(a)));
	CHECK(rt_u32(rt_readback(t, b, 0)) == 0xffff0000u, "sub 2 fb: 0x%08x", rt_u32(rt_mem(b)));
	/* b is only held by the device table now; dropping it must free it. */
	CHECK(b->refcount == 1, "surface refs leaked: refcount %u", b->refcount);
}

/* ------------------------------------------------------------------ blits */

static void
blit(struct rt *t, struct vr_resource *src, uint32_t sfmt, struct vgp_enc_box sb,
     struct vr_resource *dst, uint32_t dfmt, struct vgp_enc_box db, uint32_t mask, uint32_t filter)
{
	struct vgp_enc_blit b = {
		.mask = mask,
		.filter = filter,
		.dst_res = dst->id,
		.dst_format = dfmt,
		.dst_box = db,
		.src_res = src->id,
		.src_format = sfmt,
		.src_box = sb,
	};
	vgp_enc_blit(t->enc, &b);
}

/* A 4x4 source whose texel (x, y) is (16x, 16y, 7, 255). */
static struct vr_resource *
pattern4(struct rt *t, uint32_t format)
{
	struct vr_resource *res = tex2d(t, format, 4, 4, 0xa);
	for (int y = 0; y < 4; y++) {
		for (int x = 0; x < 4; x++) {
			uint8_t *p = rt_mem(res) + (y * 4 + x) * 4;
			p[0] = (uint8_t)(16 * x), p[1] = (uint8_t)(16 * y), p[2] = 7, p[3] = 255;
		}
	}
	rt_xfer(t, res, 0, rt_box(0, 0, 0, 4, 4, 1), 0, 0, 0, true);
	return res;
}

static void
test_blit_scaled_mirrored(struct rt *t)
{
	const uint32_t F = VIRGL_FORMAT_R8G8B8A8_UNORM;
	struct vr_resource *src = pattern4(t, F);
	struct vr_resource *dst = tex2d(t, F, 8, 8, 0xa);
	blit(t, src, F, vgp_enc_box(0, 0, 0, 4, 4, 1), dst, F, vgp_enc_box(0, 0, 0, 8, 8, 1),
	     PIPE_MASK_RGBA, PIPE_TEX_FILTER_NEAREST);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, dst, 0);
	bool ok = true;
	for (int y = 0; y < 8; y++) {
		for (int x = 0; x < 8; x++) {
			const uint8_t *q = p + (y * 8 + x) * 4;
			ok &= q[0] == 16 * (x / 2) && q[1] == 16 * (y / 2);
		}
	}
	CHECK(ok, "nearest 2x blit wrong");
	/* Mirrored in x (negative width) and in y on the destination. */
	struct vr_resource *m = tex2d(t, F, 4, 4, 0xa);
	blit(t, src, F, vgp_enc_box(4, 0, 0, -4, 4, 1), m, F, vgp_enc_box(0, 4, 0, 4, -4, 1),
	     PIPE_MASK_RGBA, PIPE_TEX_FILTER_NEAREST);
	RT_SUBMIT(t);
	p = rt_readback(t, m, 0);
	ok = true;
	for (int y = 0; y < 4; y++) {
		for (int x = 0; x < 4; x++) {
			const uint8_t *q = p + (y * 4 + x) * 4;
			ok &= q[0] == 16 * (3 - x) && q[1] == 16 * (3 - y);
		}
	}
	CHECK(ok, "mirrored blit wrong: first texel %u,%u", p[0], p[1]);
	/* Linear 1x4 -> 1x8 horizontally: values between the neighbours. */
	struct vr_resource *lin = tex2d(t, F, 8, 1, 0xa);
	blit(t, src, F, vgp_enc_box(0, 0, 0, 4, 1, 1), lin, F, vgp_enc_box(0, 0, 0, 8, 1, 1),
	     PIPE_MASK_RGBA, PIPE_TEX_FILTER_LINEAR);
	RT_SUBMIT(t);
	p = rt_readback(t, lin, 0);
	/* dst x=3 samples src x=1.75 -> 16*1.25 = 20 (±2) */
	CHECK(near(p[3 * 4], 20, 2) && near(p[4 * 4], 28, 2) && p[0] == 0, "linear blit: %u %u %u",
	      p[0], p[12], p[16]);
}

static void
test_blit_convert_and_masks(struct rt *t)
{
	struct vr_resource *src = pattern4(t, VIRGL_FORMAT_R8G8B8A8_UNORM);
	struct vr_resource *dst = tex2d(t, VIRGL_FORMAT_B8G8R8A8_UNORM, 4, 4, 0xa);
	blit(t, src, VIRGL_FORMAT_R8G8B8A8_UNORM, vgp_enc_box(0, 0, 0, 4, 4, 1), dst,
	     VIRGL_FORMAT_B8G8R8A8_UNORM, vgp_enc_box(0, 0, 0, 4, 4, 1), PIPE_MASK_RGBA, 0);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, dst, 0) + (2 * 4 + 3) * 4;
	CHECK(p[0] == 7 && p[1] == 32 && p[2] == 48 && p[3] == 255,
	      "RGBA8 -> BGRA8 blit: %u %u %u %u", p[0], p[1], p[2], p[3]);
	/* Integer <-> normalised is refused (skipped, context intact). */
	struct vr_resource *ui = tex2d(t, VIRGL_FORMAT_R8G8B8A8_UINT, 4, 4, 0xa);
	blit(t, src, VIRGL_FORMAT_R8G8B8A8_UNORM, vgp_enc_box(0, 0, 0, 4, 4, 1), ui,
	     VIRGL_FORMAT_R8G8B8A8_UINT, vgp_enc_box(0, 0, 0, 4, 4, 1), PIPE_MASK_RGBA, 0);
	RT_SUBMIT(t);
	CHECK(rt_u32(rt_readback(t, ui, 0)) == 0, "int <- unorm blit was not skipped");
	/* Depth blit between Z32F textures, scissored to the left half. */
	struct vr_resource *za = tex2d(t, VIRGL_FORMAT_Z32_FLOAT, 4, 4, 0x1);
	struct vr_resource *zb = tex2d(t, VIRGL_FORMAT_Z32_FLOAT, 4, 4, 0x1);
	const float c[4] = {0};
	set_fb(t, 0, rt_surface(t, za, VIRGL_FORMAT_Z32_FLOAT, 0, 0, 0));
	vgp_enc_clear(t->enc, PIPE_CLEAR_DEPTH, c, 0.75, 0);
	set_fb(t, 0, rt_surface(t, zb, VIRGL_FORMAT_Z32_FLOAT, 0, 0, 0));
	vgp_enc_clear(t->enc, PIPE_CLEAR_DEPTH, c, 0.25, 0);
	struct vgp_enc_blit b = {
		.mask = PIPE_MASK_Z,
		.scissor_enable = true,
		.scissor_maxx = 2,
		.scissor_maxy = 4,
		.dst_res = zb->id,
		.dst_format = VIRGL_FORMAT_Z32_FLOAT,
		.dst_box = vgp_enc_box(0, 0, 0, 4, 4, 1),
		.src_res = za->id,
		.src_format = VIRGL_FORMAT_Z32_FLOAT,
		.src_box = vgp_enc_box(0, 0, 0, 4, 4, 1),
	};
	vgp_enc_blit(t->enc, &b);
	RT_SUBMIT(t);
	p = rt_readback(t, zb, 0);
	CHECK(rt_f32(p + 4) == 0.75f && rt_f32(p + 8) == 0.25f, "scissored depth blit: %f %f",
	      rt_f32(p + 4), rt_f32(p + 8));
}

static void
test_blit_msaa_resolve(struct rt *t)
{
	const uint32_t F = VIRGL_FORMAT_B8G8R8A8_UNORM;
	struct rt_res_desc d = {PIPE_TEXTURE_2D, F, 0x2, 8, 8, 1, 1, 0, 4};
	struct vr_resource *ms = rt_res(t, &d);
	struct vr_resource *ss = tex2d(t, F, 8, 8, 0xa);
	const float c[4] = {0, 0.5f, 1, 1};
	set_fb(t, rt_surface(t, ms, F, 0, 0, 0), 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, c, 0, 0);
	blit(t, ms, F, vgp_enc_box(0, 0, 0, 8, 8, 1), ss, F, vgp_enc_box(0, 0, 0, 8, 8, 1),
	     PIPE_MASK_RGBA, 0);
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, ss, 0);
	CHECK(p[0] == 255 && near(p[1], 128, 1) && p[2] == 0, "MSAA resolve: %u %u %u", p[0], p[1],
	      p[2]);
}

/* Window images (bind DISPLAY_TARGET) live in BGRA display storage; an X one
 * keeps alpha at one through clears, uploads and as a blit source. */
static void
test_display_storage(struct rt *t)
{
	const uint32_t bind = 0x8a; /* RENDER_TARGET | SAMPLER_VIEW | DISPLAY_TARGET */
	struct vr_resource *bgrx = tex2d(t, VIRGL_FORMAT_B8G8R8X8_UNORM, 4, 4, bind);
	struct vr_resource *bgra = tex2d(t, VIRGL_FORMAT_B8G8R8A8_UNORM, 4, 4, bind);
	struct vr_resource *plain = tex2d(t, VIRGL_FORMAT_B8G8R8A8_UNORM, 4, 4, 0xa);
	const uint8_t *p = rt_readback(t, bgrx, 0);
	CHECK(p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0xff, "new BGRX: %u %u %u %u", p[0],
	      p[1], p[2], p[3]);
	/* Random bytes through the BGRA image come back unchanged. */
	uint8_t want[64];
	rt_fill_random(want, sizeof(want), 11);
	memcpy(rt_mem(bgra), want, sizeof(want));
	rt_xfer(t, bgra, 0, rt_box(0, 0, 0, 4, 4, 1), 0, 0, 0, true);
	CHECK(memcmp(rt_readback(t, bgra, 0), want, sizeof(want)) == 0, "BGRA display round trip");
	/* A clear with alpha zero leaves the X image's alpha at one. */
	const float color[4] = {0.25f, 0.5f, 0.75f, 0.0f};
	set_fb(t, rt_surface(t, bgrx, VIRGL_FORMAT_B8G8R8X8_UNORM, 0, 0, 0), 0);
	vgp_enc_clear(t->enc, PIPE_CLEAR_COLOR0, color, 0, 0);
	RT_SUBMIT(t);
	p = rt_readback(t, bgrx, 0) + 4 * 9;
	CHECK(near(p[0], 191, 1) && near(p[1], 128, 1) && near(p[2], 64, 1) && p[3] == 0xff,
	      "BGRX display clear: %u %u %u %u", p[0], p[1], p[2], p[3]);
	/* An upload whose X bytes are zero: alpha is still one afterwards, and a
	 * blit into an image with alpha carries one (gallium's X). */
	uint8_t *m = rt_mem(bgrx);
	for (int i = 0; i < 16; i++) {
		m[4 * i] = (uint8_t)(10 * i), m[4 * i + 1] = 7, m[4 * i + 2] = 200,
		      m[4 * i + 3] = 0;
	}
	rt_xfer(t, bgrx, 0, rt_box(0, 0, 0, 4, 4, 1), 0, 0, 0, true);
	p = rt_readback(t, bgrx, 0) + 4 * 5;
	CHECK(p[0] == 50 && p[1] == 7 && p[2] == 200 && p[3] == 0xff, "BGRX upload: %u %u %u %u",
	      p[0], p[1], p[2], p[3]);
	blit(t, bgrx, VIRGL_FORMAT_B8G8R8X8_UNORM, vgp_enc_box(0, 0, 0, 4, 4, 1), plain,
	     VIRGL_FORMAT_B8G8R8A8_UNORM, vgp_enc_box(0, 0, 0, 4, 4, 1), PIPE_MASK_RGBA, 0);
	RT_SUBMIT(t);
	p = rt_readback(t, plain, 0) + 4 * 5;
	CHECK(p[0] == 50 && p[1] == 7 && p[2] == 200 && p[3] == 0xff,
	      "BGRX -> BGRA blit: %u %u %u %u", p[0], p[1], p[2], p[3]);
	/* A blit and a copy into the X image with alpha zero: one again. */
	memset(rt_mem(plain), 0x40, 64);
	rt_xfer(t, plain, 0, rt_box(0, 0, 0, 4, 4, 1), 0, 0, 0, true);
	blit(t, plain, VIRGL_FORMAT_B8G8R8A8_UNORM, vgp_enc_box(0, 0, 0, 2, 2, 1), bgrx,
	     VIRGL_FORMAT_B8G8R8A8_UNORM, vgp_enc_box(0, 0, 0, 2, 2, 1), PIPE_MASK_RGBA, 0);
	vgp_enc_resource_copy_region(t->enc, bgrx->id, 0, 2, 2, 0, plain->id, 0,
				     vgp_enc_box(0, 0, 0, 2, 2, 1));
	RT_SUBMIT(t);
	p = rt_readback(t, bgrx, 0);
	CHECK(p[0] == 0x40 && p[3] == 0xff && p[4 * 15] == 0x40 && p[4 * 15 + 3] == 0xff &&
		      p[4 * 3] == 30 && p[4 * 3 + 3] == 0xff,
	      "blit/copy into BGRX: %u/%u %u/%u %u/%u", p[0], p[3], p[60], p[63], p[12], p[15]);
}

/* ----------------------------------------------------------------- copies */

static void
test_copy_region(struct rt *t)
{
	struct vr_resource *src = pattern4(t, VIRGL_FORMAT_R8G8B8A8_UNORM);
	struct vr_resource *dst = tex2d(t, VIRGL_FORMAT_R8G8B8A8_UNORM, 8, 8, 0xa);
	struct vr_resource *ui = tex2d(t, VIRGL_FORMAT_R32_UINT, 4, 4, 0xa);
	struct vr_resource *bgrx = tex2d(t, VIRGL_FORMAT_B8G8R8X8_UNORM, 4, 4, 0xa);
	vgp_enc_resource_copy_region(t->enc, dst->id, 0, 5, 6, 0, src->id, 0,
				     vgp_enc_box(1, 2, 0, 3, 2, 1));
	/* Same texel size, different class member: raw bits (glCopyImageSubData). */
	vgp_enc_resource_copy_region(t->enc, ui->id, 0, 0, 0, 0, src->id, 0,
				     vgp_enc_box(0, 0, 0, 4, 4, 1));
	/* RGBA8 -> RGB8-backed BGRX: not copy-image compatible, falls back to a blit. */
	vgp_enc_resource_copy_region(t->enc, bgrx->id, 0, 0, 0, 0, src->id, 0,
				     vgp_enc_box(0, 0, 0, 4, 4, 1));
	RT_SUBMIT(t);
	const uint8_t *p = rt_readback(t, dst, 0);
	CHECK(p[(6 * 8 + 5) * 4] == 16 && p[(6 * 8 + 5) * 4 + 1] == 32 &&
		      p[(7 * 8 + 7) * 4] == 48 && p[(7 * 8 + 7) * 4 + 1] == 48 && p[0] == 0,
	      "texture copy region wrong");
	p = rt_readback(t, ui, 0);
	CHECK(rt_u32(p + 4 * 5) == 0xff071010u, "RGBA8 -> R32UI copy: 0x%08x", rt_u32(p + 20));
	p = rt_readback(t, bgrx, 0) + 4 * 5;
	CHECK(p[0] == 16 && p[1] == 16 && p[2] == 7 && p[3] == 0xff, "RGBA8 -> BGRX copy: %u %u %u",
	      p[0], p[1], p[2]);
	/* Buffers: copy [10, 50) of one buffer to offset 100 of another. */
	struct rt_res_desc bd = {PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 0x10, 256};
	struct vr_resource *ba = rt_res(t, &bd), *bb = rt_res(t, &bd);
	rt_fill_random(rt_mem(ba), 256, 3);
	rt_xfer(t, ba, 0, rt_box(0, 0, 0, 256, 1, 1), 0, 0, 0, true);
	vgp_enc_resource_copy_region(t->enc, bb->id, 0, 100, 0, 0, ba->id, 0,
				     vgp_enc_box(10, 0, 0, 40, 1, 1));
	RT_SUBMIT(t);
	rt_xfer(t, bb, 0, rt_box(0, 0, 0, 256, 1, 1), 0, 0, 0, false);
	CHECK(memcmp(rt_mem(bb) + 100, rt_mem(ba) + 10, 40) == 0, "buffer copy region wrong");
	/* Buffer <-> texture copies are a protocol error (last: breaks the context). */
	vgp_enc_resource_copy_region(t->enc, dst->id, 0, 0, 0, 0, ba->id, 0,
				     vgp_enc_box(0, 0, 0, 1, 1, 1));
	CHECK(!rt_submit(t), "buffer -> texture copy accepted");
}

int
main(void)
{
	struct rt t;
	int r = rt_init(&t);
	if (r) {
		rt_finish(&t);
		return r;
	}
	test_clear_unorm(&t);
	test_clear_int_float(&t);
	test_clear_srgb(&t);
	test_clear_depth_stencil(&t);
	test_clear_mrt(&t);
	test_clear_mixed_formats(&t);
	test_sub_contexts(&t);
	test_blit_scaled_mirrored(&t);
	test_blit_convert_and_masks(&t);
	test_blit_msaa_resolve(&t);
	test_display_storage(&t);
	test_copy_region(&t); /* last: breaks the context */
	rt_finish(&t);
	return vgp_test_result("test_gl_clear_blit");
}
