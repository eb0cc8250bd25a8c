/*
 * pvgpu tests — display pixel helpers: buffer validation against hostile geometry,
 * damage clipping, copies out of scattered iovecs with the R/B swap, the
 * no-signal frame.
 */
#include <stdlib.h>

#include "dpy_pixels.h"
#include "test_buf.h"
#include "vgp_test.h"

static void
test_check(void)
{
	struct test_buf t;
	const char *why = NULL;
	test_buf_init(&t, 8, 4, DPY_FOURCC_ABGR8888, 0);
	CHECK(dpy_buffer_check(&t.b, &why), "valid buffer: %s", why ? why : "");
	CHECK(!dpy_buffer_check(NULL, &why), "NULL buffer");
	t.b.height = 5;
	CHECK(!dpy_buffer_check(&t.b, &why) && strstr(why, "past"), "one row too many");
	t.b.height = 0x80000000u;
	CHECK(!dpy_buffer_check(&t.b, NULL), "huge height, NULL why");
	t.b.height = 4;
	t.b.stride = 0xffffffffu;
	CHECK(!dpy_buffer_check(&t.b, &why), "huge stride");
	t.b.stride = 8 * 4 + 8;
	struct iovec bad[2] = {{NULL, 100}, {t.mem, t.size}};
	t.b.iov = bad;
	t.b.iov_count = 2;
	CHECK(!dpy_buffer_check(&t.b, &why) && strstr(why, "NULL"), "NULL iovec base");
	struct iovec huge[2] = {{t.mem, SIZE_MAX}, {t.mem, SIZE_MAX}};
	t.b.iov = huge;
	CHECK(!dpy_buffer_check(&t.b, &why) && strstr(why, "overflow"), "iovec length overflow");
	t.b.iov = NULL;
	CHECK(!dpy_buffer_check(&t.b, &why), "iov_count without iovecs");
	test_buf_finish(&t);
}

static void
test_clip(void)
{
	struct dpy_rect out[DPY_MAX_DAMAGE];
	CHECK(dpy_damage_clip(NULL, 0, 10, 10, out) == -1, "NULL damage is everything");
	struct dpy_rect in[] = {{-5, -5, 10, 10},
				{8, 8, 0xffffffffu, 0xffffffffu},
				{20, 20, 5, 5},
				{3, 3, 0, 4},
				{INT32_MAX, 0, 0xffffffffu, 1}};
	int n = dpy_damage_clip(in, 5, 10, 10, out);
	CHECK_EQ_U(n, 2);
	CHECK(out[0].x == 0 && out[0].y == 0 && out[0].width == 5 && out[0].height == 5,
	      "negative origin clipped");
	CHECK(out[1].x == 8 && out[1].width == 2 && out[1].height == 2, "huge size clipped");
	struct dpy_rect all = {-1, -1, 100, 100};
	CHECK(dpy_damage_clip(&all, 1, 10, 10, out) == -1, "covering rect is everything");
	struct dpy_rect many[DPY_MAX_DAMAGE + 1];
	for (unsigned i = 0; i <= DPY_MAX_DAMAGE; i++) {
		many[i] = (struct dpy_rect){(int32_t)i, 0, 1, 1};
	}
	CHECK(dpy_damage_clip(many, DPY_MAX_DAMAGE + 1, 64, 64, out) == -1,
	      "too many rects is everything");
	CHECK_EQ_U(dpy_damage_clip(many, DPY_MAX_DAMAGE, 64, 64, out), DPY_MAX_DAMAGE);
}

static bool
in_range(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v < hi;
}

static void
test_copy(void)
{
	struct test_buf t;
	test_buf_init(&t, 40, 30, DPY_FOURCC_XBGR8888, 0);
	for (uint32_t y = 0; y < 30; y++) {
		for (uint32_t x = 0; x < 40; x++) {
			/* xBGR in memory: R, G, B, X bytes. */
			test_buf_set(&t, x, y, (x & 0xff) | (y & 0xff) << 8 | 0x55u << 16);
		}
	}
	CHECK(dpy_buffer_check(&t.b, NULL), "valid");
	uint32_t pitch = 48 * 4;
	uint8_t *img = calloc(1, pitch * 32);
	struct dpy_rect r = {3, 2, 37, 28};
	dpy_pixels_copy_rect(img, pitch, &t.b, &r);
	int wrong = 0;
	for (uint32_t y = 0; y < 32; y++) {
		for (uint32_t x = 0; x < 48; x++) {
			uint32_t want = in_range(x, 3, 40) && in_range(y, 2, 30)
						? (x << 16 | y << 8 | 0x55u)
						: 0;
			wrong += image_px(img, pitch, x, y) != want;
		}
	}
	CHECK_EQ_U(wrong, 0);
	free(img);
	test_buf_finish(&t);

	img = calloc(1, 64 * 4 * 48);
	dpy_pixels_no_signal(img, 64 * 4, 64, 48);
	CHECK_EQ_U(image_px(img, 256, 0, 0), dpy_pixels_no_signal_at(0, 0, 64, 48) & 0xffffff);
	CHECK(image_px(img, 256, 10, 20) != image_px(img, 256, 32, 20), "grid visible");
	CHECK(image_px(img, 256, 32, 24) != image_px(img, 256, 10, 20), "cross visible");
	free(img);
}

int
main(void)
{
	test_check();
	test_clip();
	test_copy();
	return vgp_test_result("test-dpy-pixels");
}
