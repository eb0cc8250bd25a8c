/*
 * pvgpu render tests — GL backend resources and transfers: every advertised
 * format round-trips byte-exactly (apart from X / padding bits), partial boxes
 * with odd strides and offsets, mip levels, 3D / array / cube layers, buffers,
 * TRANSFER3D through the decoder, and the 300x300 window read-back orientation.
 */
#include <time.h>

#include "render_util.h"
#include "vgp_virgl_format.h"
#include "vr_format.h"

/* -------------------------------------------------- per-format knowledge */

/* Bits of texel byte `i` that carry no data (X channels, padding). */
static uint8_t
dont_care(uint32_t f, uint32_t i)
{
	switch (f) {
	case VIRGL_FORMAT_B8G8R8X8_UNORM:
	case VIRGL_FORMAT_R8G8B8X8_UNORM:
	case VIRGL_FORMAT_B8G8R8X8_SRGB:
	case VIRGL_FORMAT_R8G8B8X8_SRGB:
	case VIRGL_FORMAT_R8G8B8X8_SNORM:
	case VIRGL_FORMAT_R8G8B8X8_UINT:
	case VIRGL_FORMAT_R8G8B8X8_SINT:
	case VIRGL_FORMAT_Z24X8_UNORM:
		return i == 3 ? 0xff : 0;
	case VIRGL_FORMAT_X8R8G8B8_UNORM:
	case VIRGL_FORMAT_X8B8G8R8_UNORM:
	case VIRGL_FORMAT_X8R8G8B8_SRGB:
	case VIRGL_FORMAT_X8B8G8R8_SRGB:
	case VIRGL_FORMAT_X8Z24_UNORM:
		return i == 0 ? 0xff : 0;
	case VIRGL_FORMAT_B5G5R5X1_UNORM:
		return i == 1 ? 0x80 : 0;
	case VIRGL_FORMAT_B4G4R4X4_UNORM:
		return i == 1 ? 0xf0 : 0;
	case VIRGL_FORMAT_B10G10R10X2_UNORM:
		return i == 3 ? 0xc0 : 0;
	case VIRGL_FORMAT_R16G16B16X16_UNORM:
	case VIRGL_FORMAT_R16G16B16X16_FLOAT:
		return i >= 6 ? 0xff : 0;
	case VIRGL_FORMAT_R32G32B32X32_FLOAT:
		return i >= 12 ? 0xff : 0;
	case VIRGL_FORMAT_Z32_FLOAT_S8X24_UINT:
		return i >= 5 ? 0xff : 0;
	default:
		return 0;
	}
}

static bool
is_float32(uint32_t f)
{
	return (f >= VIRGL_FORMAT_R32_FLOAT && f <= VIRGL_FORMAT_R32G32B32A32_FLOAT) ||
	       f == VIRGL_FORMAT_R32G32B32X32_FLOAT || f == VIRGL_FORMAT_Z32_FLOAT ||
	       f == VIRGL_FORMAT_Z32_FLOAT_S8X24_UINT;
}

static bool
is_half(uint32_t f)
{
	return (f >= VIRGL_FORMAT_R16_FLOAT && f <= VIRGL_FORMAT_R16G16B16A16_FLOAT) ||
	       f == VIRGL_FORMAT_R16G16B16X16_FLOAT;
}

static bool
is_snorm(uint32_t f, unsigned *bits)
{
	switch (f) {
	case VIRGL_FORMAT_R8_SNORM:
	case VIRGL_FORMAT_R8G8_SNORM:
	case VIRGL_FORMAT_R8G8B8_SNORM:
	case VIRGL_FORMAT_R8G8B8A8_SNORM:
	case VIRGL_FORMAT_R8G8B8X8_SNORM:
		*bits = 8;
		return true;
	case VIRGL_FORMAT_R16_SNORM:
	case VIRGL_FORMAT_R16G16_SNORM:
	case VIRGL_FORMAT_R16G16B16A16_SNORM:
		*bits = 16;
		return true;
	default:
		return false;
	}
}

/* Turns random bytes into values that survive a round trip unchanged: finite
 * floats (GL may canonicalise NaNs), no -MAX snorm (both it and -MAX+1 mean -1). */
static void
sanitize(uint32_t f, uint8_t *t, uint32_t bpp, uint32_t seed)
{
	unsigned bits;
	if (is_float32(f)) {
		for (uint32_t i = 0; i + 4 <= (f == VIRGL_FORMAT_Z32_FLOAT_S8X24_UINT ? 4 : bpp);
		     i += 4) {
			float v = (float)((seed * 7 + i) % 1000) / 1000.0f;
			memcpy(t + i, &v, 4);
		}
	} else if (is_half(f)) {
		for (uint32_t i = 1; i < bpp; i += 2) {
			t[i] &= 0xbf; /* exponent < 31: finite */
		}
	} else if (f == VIRGL_FORMAT_R11G11B10_FLOAT) {
		uint32_t v = rt_u32(t) & ~((1u << 10) | (1u << 21) | (1u << 31));
		memcpy(t, &v, 4);
	} else if (is_snorm(f, &bits)) {
		for (uint32_t i = 0; i < bpp; i += bits / 8) {
			uint8_t *hi = t + i + bits / 8 - 1;
			if (*hi == 0x80 && (bits == 8 || t[i] == 0)) {
				t[i] |= 1;
			}
		}
	}
}

static bool
texels_equal(uint32_t f, const uint8_t *a, const uint8_t *b, uint32_t bpp)
{
	for (uint32_t i = 0; i < bpp; i++) {
		uint8_t m = (uint8_t)~dont_care(f, i);
		if ((a[i] & m) != (b[i] & m)) {
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------ tests */

static void
test_format_round_trip(struct rt *t, uint32_t f)
{
	const uint32_t w = 7, h = 5;
	uint32_t bpp = vr_format_get(f)->block_bytes;
	struct rt_res_desc d = {PIPE_TEXTURE_2D, f, 0x8, w, h};
	struct vr_resource *res = rt_res(t, &d);
	if (!res) {
		return;
	}
	size_t n = (size_t)w * h * bpp;
	uint8_t *want = malloc(n);
	rt_fill_random(want, n, f);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		sanitize(f, want + i * bpp, bpp, (uint32_t)i);
	}
	memcpy(rt_mem(res), want, n);
	rt_xfer(t, res, 0, rt_box(0, 0, 0, w, h, 1), 0, 0, 0, true);
	const uint8_t *got = rt_readback(t, res, 0);
	unsigned bad = 0;
	for (size_t i = 0; i < (size_t)w * h; i++) {
		if (!texels_equal(f, want + i * bpp, got + i * bpp, bpp) && bad++ == 0) {
			fprintf(stderr, "format %u texel %zu: byte0 %02x -> %02x\n", f, i,
				want[i * bpp], got[i * bpp]);
		}
	}
	CHECK(bad == 0, "format %u: %u of %u texels differ after round trip", f, bad, w * h);
	vr_device_resource_unref(t->dev, res->id);
	free(want);
}

static void
test_all_formats(struct rt *t)
{
	struct vgp_caps_v2 caps;
	vr_device_get_caps(t->dev, VIRGL_CAPSET_VIRGL2, &caps, sizeof(caps));
	unsigned count = 0;
	for (uint32_t f = 1; f <= VIRGL_FORMAT_MAX; f++) {
		if (caps.v1.sampler.bitmask[f / 32] & (1u << (f % 32))) {
			test_format_round_trip(t, f);
			count++;
		}
	}
	CHECK(count >= 60, "only %u sampler formats advertised", count);
	printf("round trip: %u formats\n", count);
	CHECK_CONTAINS(caps.renderer, "pvgpu (");
}

/* The X byte of B8G8R8X8 reads back as 0xff whatever was uploaded. */
static void
test_bgrx_alpha(struct rt *t)
{
	struct rt_res_desc d = {PIPE_TEXTURE_2D, VIRGL_FORMAT_B8G8R8X8_UNORM, 0x8a, 4, 4};
	struct vr_resource *res = rt_res(t, &d);
	uint8_t *m = rt_mem(res);
	for (int i = 0; i < 16; i++) {
		m[4 * i + 0] = 0x10, m[4 * i + 1] = 0x20, m[4 * i + 2] = 0x30, m[4 * i + 3] = 0x00;
	}
	rt_xfer(t, res, 0, rt_box(0, 0, 0, 4, 4, 1), 0, 0, 0, true);
	const uint8_t *g = rt_readback(t, res, 0);
	CHECK(g[0] == 0x10 && g[1] == 0x20 && g[2] == 0x30 && g[3] == 0xff,
	      "BGRX texel %02x %02x %02x %02x", g[0], g[1], g[2], g[3]);
	vr_device_resource_unref(t->dev, res->id);
}

/* Sub-boxes with strides GL can express (multiple of bpp) and can't (row path). */
static void
test_partial_boxes(struct rt *t)
{
	const int W = 64, H = 32;
	struct rt_res_desc d = {PIPE_TEXTURE_2D, VIRGL_FORMAT_R8G8B8A8_UNORM, 0xa, W, H};
	struct vr_resource *res = rt_res(t, &d);
	uint8_t *model = malloc((size_t)W * H * 4);
	rt_fill_random(model, (size_t)W * H * 4, 1);
	memcpy(rt_mem(res), model, (size_t)W * H * 4);
	rt_xfer(t, res, 0, rt_box(0, 0, 0, W, H, 1), 0, 0, 0, true);
	static const struct {
		int x, y, w, h;
		uint32_t stride, offset;
	} cases[] = {{5, 3, 10, 7, 100, 13}, {0, 20, 64, 12, 272, 0}, {63, 31, 1, 1, 0, 4}};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint32_t stride = cases[c].stride ? cases[c].stride : (uint32_t)cases[c].w * 4;
		uint8_t *src = rt_mem(res) + cases[c].offset;
		for (int y = 0; y < cases[c].h; y++) {
			rt_fill_random(src + y * stride, (size_t)cases[c].w * 4, 100 + c * 7 + y);
			memcpy(model + ((size_t)(cases[c].y + y) * W + cases[c].x) * 4,
			       src + y * stride, (size_t)cases[c].w * 4);
		}
		rt_xfer(t, res, 0, rt_box(cases[c].x, cases[c].y, 0, cases[c].w, cases[c].h, 1),
			cases[c].stride, 0, cases[c].offset, true);
	}
	const uint8_t *g = rt_readback(t, res, 0);
	CHECK(memcmp(g, model, (size_t)W * H * 4) == 0, "partial uploads differ from the model");
	/* Partial read-back into an odd stride at an offset. */
	memset(rt_mem(res), 0, res->backing->size);
	rt_xfer(t, res, 0, rt_box(5, 3, 0, 10, 7, 1), 41, 0, 3, false);
	bool ok = true;
	for (int y = 0; y < 7; y++) {
		ok &= memcmp(rt_mem(res) + 3 + y * 41, model + ((size_t)(3 + y) * W + 5) * 4, 40) ==
		      0;
	}
	CHECK(ok, "partial read-back with stride 41 differs");
	vr_device_resource_unref(t->dev, res->id);
	free(model);
}

static void
test_mip_levels(struct rt *t)
{
	struct rt_res_desc d = {PIPE_TEXTURE_2D, VIRGL_FORMAT_B8G8R8A8_UNORM, 0xa, 16, 8, 1, 1, 4};
	struct vr_resource *res = rt_res(t, &d);
	for (uint32_t l = 0; l <= 4; l++) {
		int w = (int)vr_minify(16, l), h = (int)vr_minify(8, l);
		rt_fill_random(rt_mem(res), (size_t)w * h * 4, 50 + l);
		rt_xfer(t, res, l, rt_box(0, 0, 0, w, h, 1), 0, 0, 0, true);
	}
	for (uint32_t l = 0; l <= 4; l++) {
		int w = (int)vr_minify(16, l), h = (int)vr_minify(8, l);
		uint8_t want[16 * 8 * 4];
		rt_fill_random(want, (size_t)w * h * 4, 50 + l);
		const uint8_t *g = rt_readback(t, res, l);
		CHECK(memcmp(g, want, (size_t)w * h * 4) == 0, "mip level %u differs", l);
	}
	vr_device_resource_unref(t->dev, res->id);
}

/* Uploads a full layered image, then reads layers back one at a time and a
 * middle range at once; z (or y for 1D arrays) selects layers / slices / faces. */
static void
test_layers(struct rt *t, const struct rt_res_desc *d, const char *name)
{
	struct vr_resource *res = rt_res(t, d);
	if (!res) {
		return;
	}
	uint32_t bpp = vr_format_get(d->format)->block_bytes;
	bool is1da = d->target == PIPE_TEXTURE_1D_ARRAY;
	int w = (int)d->width, h = is1da ? (int)d->array_size : (int)(d->height ? d->height : 1);
	int layers = is1da ? 1 : (int)vr_resource_layers(res);
	size_t n = (size_t)w * h * layers * bpp;
	uint8_t *want = malloc(n);
	rt_fill_random(want, n, (uint32_t)d->target * 31);
	memcpy(rt_mem(res), want, n);
	rt_xfer(t, res, 0, rt_box(0, 0, 0, w, h, layers), 0, 0, 0, true);
	memset(rt_mem(res), 0, n);
	rt_xfer(t, res, 0, rt_box(0, 0, 0, w, h, layers), 0, 0, 0, false);
	CHECK(memcmp(rt_mem(res), want, n) == 0, "%s: full layered round trip differs", name);
	if (layers >= 3) {
		size_t ls = (size_t)w * h * bpp;
		memset(rt_mem(res), 0, n);
		rt_xfer(t, res, 0, rt_box(0, 0, 1, w, h, layers - 2), 0, 0, ls, false);
		CHECK(memcmp(rt_mem(res) + ls, want + ls, ls * (layers - 2)) == 0,
		      "%s: layer range read-back differs", name);
	}
	if (is1da) {
		/* rows 1..2 are layers 1..2 */
		size_t row = (size_t)w * bpp;
		memset(rt_mem(res), 0, n);
		rt_xfer(t, res, 0, rt_box(0, 1, 0, w, 2, 1), 0, 0, row, false);
		CHECK(memcmp(rt_mem(res) + row, want + row, 2 * row) == 0,
		      "%s: layer rows read-back differs", name);
	}
	vr_device_resource_unref(t->dev, res->id);
	free(want);
}

static void
test_targets(struct rt *t)
{
	const uint32_t f = VIRGL_FORMAT_R8G8B8A8_UNORM;
	struct rt_res_desc d1 = {PIPE_TEXTURE_1D, f, 0x8, 33};
	struct rt_res_desc d3 = {PIPE_TEXTURE_3D, f, 0x8, 8, 4, 5};
	struct rt_res_desc da = {PIPE_TEXTURE_2D_ARRAY, f, 0xa, 4, 4, 1, 5};
	struct rt_res_desc dc = {PIPE_TEXTURE_CUBE, f, 0xa, 8, 8};
	struct rt_res_desc dca = {PIPE_TEXTURE_CUBE_ARRAY, f, 0xa, 4, 4, 1, 12};
	struct rt_res_desc d1a = {PIPE_TEXTURE_1D_ARRAY, f, 0x8, 16, 1, 1, 4};
	struct rt_res_desc dr = {PIPE_TEXTURE_RECT, VIRGL_FORMAT_R32_FLOAT, 0x8, 9, 7};
	struct rt_res_desc dz = {
		PIPE_TEXTURE_2D_ARRAY, VIRGL_FORMAT_Z24_UNORM_S8_UINT, 0x1, 4, 4, 1, 3};
	test_layers(t, &d1, "1D");
	test_layers(t, &d3, "3D");
	test_layers(t, &da, "2D array");
	test_layers(t, &dc, "cube");
	test_layers(t, &dca, "cube array");
	test_layers(t, &d1a, "1D array");
	test_layers(t, &dr, "rect");
	test_layers(t, &dz, "Z24S8 array");
}

static void
test_buffers(struct rt *t)
{
	struct rt_res_desc d = {PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 0x10, 1000};
	struct vr_resource *res = rt_res(t, &d);
	uint8_t want[1000];
	rt_fill_random(want, sizeof(want), 9);
	memcpy(rt_mem(res), want, sizeof(want));
	rt_xfer(t, res, 0, rt_box(0, 0, 0, 1000, 1, 1), 0, 0, 0, true);
	/* Overwrite [100, 300) from a different guest offset via TRANSFER3D. */
	rt_fill_random(rt_mem(res) + 500, 200, 10);
	memcpy(want + 100, rt_mem(res) + 500, 200);
	vgp_enc_transfer3d(t->enc, res->id, 0, 0, 0, vgp_enc_box(100, 0, 0, 200, 1, 1), 500,
			   VIRGL_TRANSFER_TO_HOST);
	RT_SUBMIT(t);
	memset(rt_mem(res), 0, 1000);
	rt_xfer(t, res, 0, rt_box(0, 0, 0, 1000, 1, 1), 0, 0, 0, false);
	CHECK(memcmp(rt_mem(res), want, 1000) == 0, "buffer round trip differs");
	/* A buffer never written on the host reads back as the guest left it. */
	struct vr_resource *fence = rt_res(t, &(struct rt_res_desc){PIPE_BUFFER, 64, 0x20000, 8});
	memset(rt_mem(fence), 0x77, 8);
	rt_xfer(t, fence, 0, rt_box(0, 0, 0, 8, 1, 1), 0, 0, 0, false);
	CHECK(rt_mem(fence)[7] == 0x77, "untouched buffer changed on read-back");
	vr_device_resource_unref(t->dev, res->id);
	vr_device_resource_unref(t->dev, fence->id);
}

/* TRANSFER3D to and from a texture through the decoder, with a layer stride. */
static void
test_transfer3d(struct rt *t)
{
	struct rt_res_desc d = {PIPE_TEXTURE_2D_ARRAY, VIRGL_FORMAT_R32_UINT, 0xa, 8, 8, 1, 3};
	struct vr_resource *res = rt_res(t, &d);
	uint8_t want[2 * 4 * 4 * 4];
	rt_fill_random(want, sizeof(want), 77);
	/* box 4x4x2 at (2,3,1), guest stride 20, layer stride 100, offset 8 */
	for (int z = 0; z < 2; z++) {
		for (int y = 0; y < 4; y++) {
			memcpy(rt_mem(res) + 8 + z * 100 + y * 20, want + (z * 4 + y) * 16, 16);
		}
	}
	vgp_enc_transfer3d(t->enc, res->id, 0, 20, 100, vgp_enc_box(2, 3, 1, 4, 4, 2), 8,
			   VIRGL_TRANSFER_TO_HOST);
	RT_SUBMIT(t);
	memset(rt_mem(res), 0, res->backing->size);
	vgp_enc_transfer3d(t->enc, res->id, 0, 0, 0, vgp_enc_box(2, 3, 1, 4, 4, 2), 0,
			   VIRGL_TRANSFER_FROM_HOST);
	RT_SUBMIT(t);
	CHECK(memcmp(rt_mem(res), want, sizeof(want)) == 0, "TRANSFER3D round trip differs");
	vr_device_resource_unref(t->dev, res->id);
}

/* The virpipe present path: a 300x300 B8G8R8X8 window written top row first
 * reads back top row first (no flip anywhere), X bytes as 0xff. */
static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Prints the per-frame read-back cost of a W x H BGRX window (informational). */
static void
time_readback(struct rt *t, struct vr_resource *res, int w, int h)
{
	const int frames = 200;
	double a = now_us();
	for (int i = 0; i < frames; i++) {
		rt_xfer(t, res, 0, rt_box(0, 0, 0, w, h, 1), 0, 0, 0, false);
	}
	double us = (now_us() - a) / frames;
	printf("%dx%d BGRX read-back: %.1f us/frame (%.0f MB/s)\n", w, h, us, w * h * 4 / us);
}

static void
test_window_orientation(struct rt *t)
{
	const int W = 300, H = 300;
	struct rt_res_desc d = {PIPE_TEXTURE_2D, VIRGL_FORMAT_B8G8R8X8_UNORM, 0x8a, W, H};
	struct vr_resource *res = rt_res(t, &d);
	uint8_t *m = rt_mem(res);
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			uint8_t *p = m + ((size_t)y * W + x) * 4;
			p[0] = (uint8_t)y, p[1] = (uint8_t)(y >> 8), p[2] = (uint8_t)x, p[3] = 0;
		}
	}
	rt_xfer(t, res, 0, rt_box(0, 0, 0, W, H, 1), 0, 0, 0, true);
	const uint8_t *g = rt_readback(t, res, 0);
	unsigned bad = 0;
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			const uint8_t *p = g + ((size_t)y * W + x) * 4;
			bad += p[0] != (uint8_t)y || p[1] != (uint8_t)(y >> 8) ||
			       p[2] != (uint8_t)x || p[3] != 0xff;
		}
	}
	CHECK(bad == 0, "window read-back: %u pixels wrong (row order or X byte)", bad);
	time_readback(t, res, W, H);
	vr_device_resource_unref(t->dev, res->id);
	struct rt_res_desc big = {PIPE_TEXTURE_2D, VIRGL_FORMAT_B8G8R8A8_UNORM, 0x8a, 800, 600};
	res = rt_res(t, &big);
	time_readback(t, res, 800, 600);
	vr_device_resource_unref(t->dev, res->id);
}

int
main(void)
{
	struct rt t;
	double t0 = now_us();
	int r = rt_init(&t);
	if (r) {
		rt_finish(&t);
		return r;
	}
	printf("backend + device + context setup: %.1f ms\n", (now_us() - t0) / 1e3);
	test_all_formats(&t);
	test_bgrx_alpha(&t);
	test_partial_boxes(&t);
	test_mip_levels(&t);
	test_targets(&t);
	test_buffers(&t);
	test_transfer3d(&t);
	test_window_orientation(&t);
	CHECK(!vr_device_busy(t.dev, true), "device still busy after a wait");
	rt_finish(&t);
	return vgp_test_result("test_gl_transfer");
}
