/*
 * pvgpu tests — frames for the output-backend tests: a w x h image in malloc'd
 * memory, exposed as a dpy_buffer whose bytes are split over three iovecs at odd
 * offsets (as guest pages would scatter them), counting releases.
 */
#ifndef TEST_BUF_H
#define TEST_BUF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpy_pixels.h"

struct test_buf {
	struct dpy_buffer b;
	uint8_t *mem;
	size_t size;
	struct iovec iov[3];
	int released;
};

static void
test_buf_release(struct dpy_buffer *b, void *data)
{
	((struct test_buf *)data)->released++;
}

/** A w x h buffer of `format`, stride w*4+8, 16 bytes of offset, every pixel `fill`. */
static inline void
test_buf_init(struct test_buf *t, uint32_t w, uint32_t h, uint32_t format, uint32_t fill)
{
	memset(t, 0, sizeof(*t));
	t->b.width = w;
	t->b.height = h;
	t->b.drm_format = format;
	t->b.stride = w * 4u + 8u;
	t->b.offset = 16;
	t->b.fd = -1;
	t->size = 16u + (size_t)t->b.stride * h;
	t->mem = calloc(1, t->size);
	size_t a = t->size / 3 + 1, b = t->size / 3 + 5;
	t->iov[0] = (struct iovec){t->mem, a};
	t->iov[1] = (struct iovec){t->mem + a, b};
	t->iov[2] = (struct iovec){t->mem + a + b, t->size - a - b};
	t->b.iov = t->iov;
	t->b.iov_count = 3;
	t->b.release = test_buf_release;
	t->b.release_data = t;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			memcpy(t->mem + 16 + (size_t)y * t->b.stride + x * 4u, &fill, 4);
		}
	}
}

static inline void
test_buf_set(struct test_buf *t, uint32_t x, uint32_t y, uint32_t v)
{
	memcpy(t->mem + 16 + (size_t)y * t->b.stride + x * 4u, &v, 4);
}

static inline void
test_buf_fill_rect(struct test_buf *t, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h, uint32_t v)
{
	for (uint32_t y = y0; y < y0 + h; y++) {
		for (uint32_t x = x0; x < x0 + w; x++) {
			test_buf_set(t, x, y, v);
		}
	}
}

static inline void
test_buf_finish(struct test_buf *t)
{
	free(t->mem);
	t->mem = NULL;
}

/** The pixel at (x, y) of an XRGB8888 image with `pitch` bytes a row, alpha dropped. */
static inline uint32_t
image_px(const uint8_t *img, uint32_t pitch, uint32_t x, uint32_t y)
{
	uint32_t v;
	memcpy(&v, img + (size_t)y * pitch + x * 4u, 4);
	return v & 0xffffffu;
}

#endif /* TEST_BUF_H */
