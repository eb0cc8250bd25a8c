/* pvgpu display — buffer locks, the extra pixel formats, iovec reads. */
#include <string.h>

#include "dpy_format.h"
#include "pixel_order.h"

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
dpy_format_shown(uint32_t format)
{
	return format == DPY_FOURCC_XRGB8888 || format == DPY_FOURCC_ARGB8888 ||
	       format == DPY_FOURCC_XBGR8888 || format == DPY_FOURCC_ABGR8888;
}

bool
dpy_format_known(uint32_t format)
{
	return dpy_format_shown(format) || format == DPY_FOURCC_BGRX8888 ||
	       format == DPY_FOURCC_BGRA8888 || format == DPY_FOURCC_RGBX8888 ||
	       format == DPY_FOURCC_RGBA8888;
}

bool
dpy_format_to_xrgb(uint32_t format, const uint8_t *src, uint8_t *dst, uint32_t width)
{
	struct vr_pixel_order o;
	if (!vr_pixel_order_of(format, &o)) {
		return false;
	}
	vr_pixels_to_bgrx(o, src, dst, width);
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
