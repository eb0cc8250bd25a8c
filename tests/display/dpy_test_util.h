/* pvgpu tests — display: heap frames and fake VMs shared by the display tests. */
#ifndef DPY_TEST_UTIL_H
#define DPY_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "dpy_format.h"
#include "dpy_router.h"

/* A w×h XRGB8888 frame filled with one colour, counting its releases. */
struct test_frame {
	struct dpy_buffer buf;
	struct iovec iov;
	uint32_t *px;
	unsigned releases;
};

static void
test_frame_release(struct dpy_buffer *buf, void *data)
{
	struct test_frame *f = data;
	(void)buf;
	f->releases++;
}

static inline struct test_frame *
test_frame_new(uint32_t w, uint32_t h, uint32_t colour)
{
	struct test_frame *f = calloc(1, sizeof(*f));
	f->px = malloc((size_t)w * h * 4);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		f->px[i] = colour;
	}
	f->iov = (struct iovec){f->px, (size_t)w * h * 4};
	f->buf = (struct dpy_buffer){
		.width = w,
		.height = h,
		.drm_format = DPY_FOURCC_XRGB8888,
		.stride = w * 4,
		.iov = &f->iov,
		.iov_count = 1,
		.fd = -1,
		.release = test_frame_release,
		.release_data = f,
	};
	return f;
}

static inline void
test_frame_free(struct test_frame *f)
{
	free(f->px);
	free(f);
}

#endif /* DPY_TEST_UTIL_H */
