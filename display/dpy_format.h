/*
 * pvgpu display — what the display core adds to the backends' pixel helpers
 * (pixels/dpy_pixels.h: formats, buffer checks, copies, the "no signal"
 * frame): the other 32-bit RGB byte orders a virtio-gpu guest may scan out,
 * converted to XRGB8888 where frames enter the display (the VM link), and
 * reading bytes out of scattered memory.
 */
#ifndef DPY_FORMAT_H
#define DPY_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "dpy_pixels.h"

/* Byte orders in memory: BGRX8888 is X R G B, RGBX8888 is X B G R. */
#define DPY_FOURCC_BGRX8888 DPY_FOURCC('B', 'X', '2', '4')
#define DPY_FOURCC_BGRA8888 DPY_FOURCC('B', 'A', '2', '4')
#define DPY_FOURCC_RGBX8888 DPY_FOURCC('R', 'X', '2', '4')
#define DPY_FOURCC_RGBA8888 DPY_FOURCC('R', 'A', '2', '4')

/** True for the formats outputs take (XRGB, ARGB, XBGR, ABGR 8888). */
bool dpy_format_shown(uint32_t format);
/** True for those and the four above. */
bool dpy_format_known(uint32_t format);

/** Converts `width` pixels of any known format to XRGB8888 (src may equal dst). */
bool dpy_format_to_xrgb(uint32_t format, const uint8_t *src, uint8_t *dst, uint32_t width);

/** Copies `len` bytes at `offset` of the concatenated iovecs into dst; false
 *  when they are shorter. */
bool dpy_iov_read(const struct iovec *iov, unsigned iov_count, uint64_t offset, uint8_t *dst,
		  size_t len);

#endif /* DPY_FORMAT_H */
