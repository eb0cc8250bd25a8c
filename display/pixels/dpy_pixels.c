/*
 * pvgpu display — pixel helpers: buffer validation, damage clipping, copies out
 * of iovec-scattered memory, the "no signal" frame.
 */
#include "dpy_pixels.h"

#include <string.h>

static bool
format_supported(uint32_t format)
{
	return format == DPY_FOURCC_XRGB8888 || format == DPY_FOURCC_ARGB8888 ||
	       format == DPY_FOURCC_XBGR8888 || format == DPY_FOURCC_ABGR8888;
}

static bool
format_swaps_rb(uint32_t format)
{
	return format == DPY_FOURCC_XBGR8888 || format == DPY_FOURCC_ABGR8888;
}

bool
dpy_buffer_check(const struct dpy_buffer *buf, const char **why)
{
	const char *dummy;
	if (!why) {
		why = &dummy;
	}
	if (!buf) {
		*why = "no buffer";
		return false;
	}
	if (!format_supported(buf->drm_format)) {
		*why = "unsupported pixel format";
		return false;
	}
	if (!buf->width || !buf->height || buf->width > DPY_MAX_DIM || buf->height > DPY_MAX_DIM) {
		*why = "buffer size out of range";
		return false;
	}
	if (buf->stride < buf->width * 4u) {
		*why = "stride smaller than a row";
		return false;
	}
	if (buf->iov_count && !buf->iov) {
		*why = "no pixel memory";
		return false;
	}
	uint64_t total = 0;
	for (unsigned i = 0; i < buf->iov_count; i++) {
		if (buf->iov[i].iov_len && !buf->iov[i].iov_base) {
			*why = "NULL iovec";
			return false;
		}
		if (__builtin_add_overflow(total, (uint64_t)buf->iov[i].iov_len, &total)) {
			*why = "iovec lengths overflow";
			return false;
		}
	}
	/* Last byte read: offset + (height - 1) * stride + width * 4. */
	uint64_t span, end;
	if (__builtin_mul_overflow((uint64_t)(buf->height - 1), (uint64_t)buf->stride, &span) ||
	    __builtin_add_overflow(span, (uint64_t)buf->width * 4u, &span) ||
	    __builtin_add_overflow(span, buf->offset, &end)) {
		*why = "buffer extent overflows";
		return false;
	}
	if (end > total) {
		*why = "rows extend past the buffer memory";
		return false;
	}
	return true;
}

int
dpy_damage_clip(const struct dpy_rect *in, unsigned n, uint32_t w, uint32_t h, struct dpy_rect *out)
{
	if (!in) {
		return -1;
	}
	unsigned kept = 0;
	for (unsigned i = 0; i < n; i++) {
		/* 64-bit edges: x + width cannot overflow and negative origins clip. */
		int64_t x0 = in[i].x, y0 = in[i].y;
		int64_t x1 = x0 + in[i].width, y1 = y0 + in[i].height;
		x0 = x0 < 0 ? 0 : x0;
		y0 = y0 < 0 ? 0 : y0;
		x1 = x1 > (int64_t)w ? (int64_t)w : x1;
		y1 = y1 > (int64_t)h ? (int64_t)h : y1;
		if (x1 <= x0 || y1 <= y0) {
			continue;
		}
		if (x0 == 0 && y0 == 0 && x1 == (int64_t)w && y1 == (int64_t)h) {
			return -1;
		}
		if (kept == DPY_MAX_DAMAGE) {
			return -1;
		}
		out[kept++] = (struct dpy_rect){(int32_t)x0, (int32_t)y0, (uint32_t)(x1 - x0),
						(uint32_t)(y1 - y0)};
	}
	return (int)kept;
}

/* Forward-only cursor over the iovecs: rows are read at increasing offsets. */
struct iov_cursor {
	const struct iovec *iov;
	unsigned count;
	unsigned index;
	uint64_t base; /* offset of iov[index] in the concatenation */
};

static void
gather(struct iov_cursor *c, uint64_t off, uint8_t *dst, size_t len)
{
	while (c->index < c->count && off >= c->base + c->iov[c->index].iov_len) {
		c->base += c->iov[c->index].iov_len;
		c->index++;
	}
	unsigned i = c->index;
	uint64_t base = c->base;
	while (len && i < c->count) {
		uint64_t in = off - base;
		size_t piece = c->iov[i].iov_len - (size_t)in;
		piece = piece > len ? len : piece;
		memcpy(dst, (const uint8_t *)c->iov[i].iov_base + in, piece);
		dst += piece;
		off += piece;
		len -= piece;
		base += c->iov[i].iov_len;
		i++;
	}
}

void
dpy_pixels_copy_rect(uint8_t *dst, uint32_t dst_stride, const struct dpy_buffer *buf,
		     const struct dpy_rect *r)
{
	struct iov_cursor c = {buf->iov, buf->iov_count, 0, 0};
	bool swap = format_swaps_rb(buf->drm_format);
	for (uint32_t y = 0; y < r->height; y++) {
		uint64_t row = (uint64_t)r->y + y;
		uint64_t src = buf->offset + row * buf->stride + (uint64_t)r->x * 4u;
		uint8_t *d = dst + row * dst_stride + (uint64_t)r->x * 4u;
		gather(&c, src, d, (size_t)r->width * 4u);
		if (swap) {
			for (uint32_t x = 0; x < r->width; x++) {
				uint8_t t = d[4 * x];
				d[4 * x] = d[4 * x + 2];
				d[4 * x + 2] = t;
			}
		}
	}
}

uint32_t
dpy_pixels_no_signal_at(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	/* Diagonals: points within about one pixel of the lines corner to corner. */
	uint64_t lx = (uint64_t)x * h, ly = (uint64_t)y * w;
	uint64_t rx = (uint64_t)(w - 1 - x) * h;
	uint64_t thick = w > h ? w : h;
	uint64_t d1 = lx > ly ? lx - ly : ly - lx;
	uint64_t d2 = rx > ly ? rx - ly : ly - rx;
	if (d1 <= thick || d2 <= thick) {
		return 0xff606060u;
	}
	if (x % 32u == 0 || y % 32u == 0) {
		return 0xff404040u;
	}
	return 0xff282828u;
}

void
dpy_pixels_no_signal(uint8_t *dst, uint32_t dst_stride, uint32_t w, uint32_t h)
{
	for (uint32_t y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)(void *)(dst + (size_t)y * dst_stride);
		for (uint32_t x = 0; x < w; x++) {
			row[x] = dpy_pixels_no_signal_at(x, y, w, h);
		}
	}
}
