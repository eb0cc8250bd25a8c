/* pvgpu display — buffer locks, pixel formats and the "no signal" frame. */
#include <stdlib.h>
#include <string.h>

#include "dpy_format.h"

void
dpy_buffer_lock(struct dpy_buffer *buf)
{
	buf->locks++;
}

void
dpy_buffer_unlock(struct dpy_buffer *buf)
{
	if (!buf || buf->locks == 0) {
		return;
	}
	if (--buf->locks == 0 && buf->release) {
		buf->release(buf, buf->release_data);
	}
}

bool
dpy_format_valid(uint32_t format)
{
	switch (format) {
	case DPY_FORMAT_XRGB8888:
	case DPY_FORMAT_ARGB8888:
	case DPY_FORMAT_XBGR8888:
	case DPY_FORMAT_ABGR8888:
	case DPY_FORMAT_BGRX8888:
	case DPY_FORMAT_BGRA8888:
	case DPY_FORMAT_RGBX8888:
	case DPY_FORMAT_RGBA8888:
		return true;
	default:
		return false;
	}
}

bool
dpy_format_to_bgrx(uint32_t format, const uint8_t *src, uint8_t *dst, uint32_t width)
{
	/* Byte positions of B, G, R inside one pixel in memory. */
	unsigned b, g, r;
	switch (format) {
	case DPY_FORMAT_XRGB8888:
	case DPY_FORMAT_ARGB8888:
		b = 0, g = 1, r = 2;
		break;
	case DPY_FORMAT_XBGR8888:
	case DPY_FORMAT_ABGR8888:
		r = 0, g = 1, b = 2;
		break;
	case DPY_FORMAT_BGRX8888:
	case DPY_FORMAT_BGRA8888:
		r = 1, g = 2, b = 3;
		break;
	case DPY_FORMAT_RGBX8888:
	case DPY_FORMAT_RGBA8888:
		b = 1, g = 2, r = 3;
		break;
	default:
		return false;
	}
	for (uint32_t x = 0; x < width; x++, src += 4, dst += 4) {
		uint8_t px[4];
		memcpy(px, src, 4);
		dst[0] = px[b];
		dst[1] = px[g];
		dst[2] = px[r];
		dst[3] = 0xff;
	}
	return true;
}

bool
dpy_iov_read(const struct iovec *iov, unsigned iov_count, uint64_t offset, uint8_t *dst, size_t len)
{
	for (unsigned i = 0; i < iov_count && len; i++) {
		size_t n = iov[i].iov_len;
		if (offset >= n) {
			offset -= n;
			continue;
		}
		size_t take = n - (size_t)offset < len ? n - (size_t)offset : len;
		memcpy(dst, (const uint8_t *)iov[i].iov_base + offset, take);
		dst += take;
		len -= take;
		offset = 0;
	}
	return len == 0;
}

bool
dpy_buffer_read_bgrx(const struct dpy_buffer *buf, uint8_t *dst)
{
	size_t row = (size_t)buf->width * 4;
	if (!dpy_format_valid(buf->drm_format) || buf->stride < row) {
		memset(dst, 0, row * buf->height);
		return false;
	}
	bool ok = true;
	for (uint32_t y = 0; y < buf->height; y++, dst += row) {
		uint64_t off = buf->offset + (uint64_t)y * buf->stride;
		if (!dpy_iov_read(buf->iov, buf->iov_count, off, dst, row)) {
			memset(dst, 0, row);
			ok = false;
			continue;
		}
		dpy_format_to_bgrx(buf->drm_format, dst, dst, buf->width);
	}
	return ok;
}

uint32_t
dpy_no_signal_pixel(uint32_t x, uint32_t y, uint32_t width, uint32_t height)
{
	/* Dark grey, with a lighter bar across the middle half of the centre. */
	uint32_t band = height / 8 ? height / 8 : 1;
	bool in_bar = x >= width / 4 && x < width - width / 4 && y >= (height - band) / 2 &&
		      y < (height - band) / 2 + band;
	return in_bar ? 0x606060u : 0x202020u;
}

void
dpy_no_signal_fill(uint8_t *dst, uint32_t width, uint32_t height, uint32_t stride)
{
	for (uint32_t y = 0; y < height; y++) {
		uint8_t *p = dst + (size_t)y * stride;
		for (uint32_t x = 0; x < width; x++, p += 4) {
			uint32_t c = dpy_no_signal_pixel(x, y, width, height);
			p[0] = (uint8_t)c;
			p[1] = (uint8_t)(c >> 8);
			p[2] = (uint8_t)(c >> 16);
			p[3] = 0xff;
		}
	}
}
