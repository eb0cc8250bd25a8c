/*
 * pvgpu display — pixel formats of struct dpy_buffer (DRM fourcc codes, the
 * little-endian packed names: XRGB8888 is the bytes B, G, R, X in memory),
 * reading a buffer back as BGRX rows (captures, SDL textures), and the
 * "no signal" frame every backend draws for an output without a VM.
 */
#ifndef DPY_FORMAT_H
#define DPY_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "dpy_output.h"

#define DPY_FOURCC(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define DPY_FORMAT_XRGB8888 DPY_FOURCC('X', 'R', '2', '4') /* bytes B G R X */
#define DPY_FORMAT_ARGB8888 DPY_FOURCC('A', 'R', '2', '4') /* bytes B G R A */
#define DPY_FORMAT_XBGR8888 DPY_FOURCC('X', 'B', '2', '4') /* bytes R G B X */
#define DPY_FORMAT_ABGR8888 DPY_FOURCC('A', 'B', '2', '4') /* bytes R G B A */
#define DPY_FORMAT_BGRX8888 DPY_FOURCC('B', 'X', '2', '4') /* bytes X R G B */
#define DPY_FORMAT_BGRA8888 DPY_FOURCC('B', 'A', '2', '4') /* bytes A R G B */
#define DPY_FORMAT_RGBX8888 DPY_FOURCC('R', 'X', '2', '4') /* bytes X B G R */
#define DPY_FORMAT_RGBA8888 DPY_FOURCC('R', 'A', '2', '4') /* bytes A B G R */

/** Largest width/height a buffer or mode may have. */
#define DPY_MAX_DIM 16384

/** True for the 32-bit RGB formats above. */
bool dpy_format_valid(uint32_t format);

/** Converts `width` pixels of `format` to BGRX (src and dst may be equal). */
bool dpy_format_to_bgrx(uint32_t format, const uint8_t *src, uint8_t *dst, uint32_t width);

/**
 * Reads the whole buffer into `dst` (height rows of width*4 bytes, BGRX).
 * False when the format is unknown or the memory is shorter than the
 * geometry says (dst is then zero where pixels were missing).
 */
bool dpy_buffer_read_bgrx(const struct dpy_buffer *buf, uint8_t *dst);

/** Copies `len` bytes at `offset` of the concatenated iovecs into dst; false
 *  when they are shorter. */
bool dpy_iov_read(const struct iovec *iov, unsigned iov_count, uint64_t offset, uint8_t *dst,
		  size_t len);

/** The neutral "no signal" frame (BGRX), identical on every backend. */
void dpy_no_signal_fill(uint8_t *dst, uint32_t width, uint32_t height, uint32_t stride);
/** Its pixel at x,y of a width×height frame (0x00RRGGBB). */
uint32_t dpy_no_signal_pixel(uint32_t x, uint32_t y, uint32_t width, uint32_t height);

#endif /* DPY_FORMAT_H */
