/*
 * pvgpu display — pixel helpers shared by the output backends (SDL, KMS):
 * validating a dpy_buffer's geometry, clipping damage, copying damaged
 * rectangles out of scattered guest memory into a linear XRGB8888 image, and
 * drawing the neutral "no signal" frame.
 *
 * Buffers come from VMs, so their geometry is hostile until
 * dpy_buffer_check() accepted it; every copy helper assumes it did.
 * Pure functions, no state: callable from any thread.
 */
#ifndef DPY_PIXELS_H
#define DPY_PIXELS_H

#include <stdbool.h>
#include <stdint.h>

#include "dpy_output.h"

/* DRM fourcc codes (little-endian 32-bit words), spelled as in drm_fourcc.h. */
#define DPY_FOURCC(a, b, c, d) \
	((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
#define DPY_FOURCC_XRGB8888 DPY_FOURCC('X', 'R', '2', '4')
#define DPY_FOURCC_ARGB8888 DPY_FOURCC('A', 'R', '2', '4')
#define DPY_FOURCC_XBGR8888 DPY_FOURCC('X', 'B', '2', '4')
#define DPY_FOURCC_ABGR8888 DPY_FOURCC('A', 'B', '2', '4')

/* Largest scanout either side: virtio-gpu scanouts and KMS modes stay far below. */
#define DPY_MAX_DIM 16384u

/** Most damage rectangles kept per frame; more collapse into "whole buffer". */
#define DPY_MAX_DAMAGE 16u

/**
 * Whether `buf` describes a readable image: a supported 32-bit format, 1..DPY_MAX_DIM
 * pixels each side, stride >= width * 4, and every row inside the iovecs (checked
 * for overflow). On false, *why (if not NULL) names the problem.
 */
bool dpy_buffer_check(const struct dpy_buffer *buf, const char **why);

/**
 * Clips `n` rectangles to a w x h image into `out` (room for DPY_MAX_DAMAGE), dropping
 * empty ones. Returns the number kept, or -1 when the damage covers the whole image:
 * `in` NULL, more than DPY_MAX_DAMAGE non-empty rectangles, or one covering it all.
 */
int dpy_damage_clip(const struct dpy_rect *in, unsigned n, uint32_t w, uint32_t h,
		    struct dpy_rect *out);

/**
 * Copies rectangle `r` (inside both images) of `buf` into the XRGB8888 image at `dst`
 * (`dst_stride` bytes a row) at the same coordinates, swapping red and blue for the
 * xBGR formats. `buf` must have passed dpy_buffer_check().
 */
void dpy_pixels_copy_rect(uint8_t *dst, uint32_t dst_stride, const struct dpy_buffer *buf,
			  const struct dpy_rect *r);

/** Fills a w x h XRGB8888 image with the "no signal" frame: dark grey, a lighter grid
 *  and a diagonal cross, so an idle output is recognisable without any text. */
void dpy_pixels_no_signal(uint8_t *dst, uint32_t dst_stride, uint32_t w, uint32_t h);

/** The no-signal frame's colour at (x, y) of a w x h image (for tests). */
uint32_t dpy_pixels_no_signal_at(uint32_t x, uint32_t y, uint32_t w, uint32_t h);

#endif /* DPY_PIXELS_H */
