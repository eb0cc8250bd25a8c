/* pvgpu qemu-glue — the headless scanout sink (see vug_sink_headless.h). */
#include "vug_sink_headless.h"

#include <linux/virtio_gpu.h>
#include <stdlib.h>
#include <string.h>

#include "vug_priv.h"
#ifdef VUG_HAVE_PNG
#include "vgp_png.h"
#endif

struct headless_out {
	bool on;
	struct vug_frame frame; /* its iov array is the device's, valid until the next call */
	uint64_t flushes;
	struct vug_rect damage;
	bool cursor_visible;
	uint32_t cursor0, hot_x, hot_y;
	int32_t cursor_x, cursor_y;
};

struct vug_sink_headless {
	struct vug_scanout_sink base;
	struct headless_out out[VIRTIO_GPU_MAX_SCANOUTS];
	struct vug_sink_headless_stats stats;
};

static struct vug_sink_headless *
headless(struct vug_scanout_sink *sink)
{
	return (struct vug_sink_headless *)sink;
}

static void
handle_set_scanout(struct vug_scanout_sink *sink, uint32_t id, const struct vug_frame *frame)
{
	struct vug_sink_headless *h = headless(sink);
	if (id >= VIRTIO_GPU_MAX_SCANOUTS) {
		return;
	}
	h->stats.set_scanouts++;
	h->out[id].on = frame != NULL;
	if (frame) {
		h->out[id].frame = *frame;
	}
}

static void
handle_flush(struct vug_scanout_sink *sink, uint32_t id, const struct vug_rect *d)
{
	struct vug_sink_headless *h = headless(sink);
	if (id >= VIRTIO_GPU_MAX_SCANOUTS) {
		return;
	}
	struct headless_out *o = &h->out[id];
	h->stats.flushes++;
	o->flushes++;
	if (!o->damage.width || !o->damage.height) {
		o->damage = *d;
		return;
	}
	uint32_t x1 = o->damage.x + o->damage.width, y1 = o->damage.y + o->damage.height;
	uint32_t dx1 = d->x + d->width, dy1 = d->y + d->height;
	o->damage.x = o->damage.x < d->x ? o->damage.x : d->x;
	o->damage.y = o->damage.y < d->y ? o->damage.y : d->y;
	o->damage.width = (x1 > dx1 ? x1 : dx1) - o->damage.x;
	o->damage.height = (y1 > dy1 ? y1 : dy1) - o->damage.y;
}

static void
handle_cursor(struct vug_scanout_sink *sink, uint32_t id, const uint32_t *argb64, uint32_t hot_x,
	      uint32_t hot_y, int32_t x, int32_t y)
{
	struct vug_sink_headless *h = headless(sink);
	if (id >= VIRTIO_GPU_MAX_SCANOUTS) {
		return;
	}
	struct headless_out *o = &h->out[id];
	h->stats.cursor_updates++;
	o->cursor_visible = argb64 != NULL;
	o->cursor0 = argb64 ? argb64[0] : 0;
	o->hot_x = hot_x;
	o->hot_y = hot_y;
	o->cursor_x = x;
	o->cursor_y = y;
}

static void
handle_destroy(struct vug_scanout_sink *sink)
{
	vug_sink_headless_destroy(headless(sink));
}

static const struct vug_scanout_sink_impl headless_impl = {
	.set_scanout = handle_set_scanout,
	.flush = handle_flush,
	.cursor = handle_cursor,
	.destroy = handle_destroy,
};

struct vug_sink_headless *
vug_sink_headless_create(void)
{
	struct vug_sink_headless *h = calloc(1, sizeof(*h));
	if (h) {
		h->base.impl = &headless_impl;
	}
	return h;
}

void
vug_sink_headless_destroy(struct vug_sink_headless *sink)
{
	free(sink);
}

struct vug_scanout_sink *
vug_sink_headless_base(struct vug_sink_headless *sink)
{
	return &sink->base;
}

/* Byte positions of R, G, B, A in a pixel of `format`; A = -1 for padding. */
static bool
format_order(uint32_t format, int order[4])
{
	static const struct {
		uint32_t format;
		int r, g, b, a;
	} table[] = {
		{VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 2, 1, 0, 3},
		{VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 2, 1, 0, -1},
		{VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, 1, 2, 3, 0},
		{VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, 1, 2, 3, -1},
		{VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 0, 1, 2, 3},
		{VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM, 3, 2, 1, -1},
		{VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, 3, 2, 1, 0},
		{VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, 0, 1, 2, -1},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].format == format) {
			order[0] = table[i].r;
			order[1] = table[i].g;
			order[2] = table[i].b;
			order[3] = table[i].a;
			return true;
		}
	}
	return false;
}

/* The frame as 4-byte pixels in the channel order `dst_order` (R,G,B,A positions). */
static uint8_t *
frame_convert(struct vug_sink_headless *h, uint32_t id, const int dst_order[4])
{
	if (id >= VIRTIO_GPU_MAX_SCANOUTS || !h->out[id].on) {
		return NULL;
	}
	const struct vug_frame *f = &h->out[id].frame;
	int src_order[4];
	size_t row_bytes = (size_t)f->width * 4;
	uint8_t *px = format_order(f->format, src_order) ? malloc(row_bytes * f->height) : NULL;
	uint8_t *row = malloc(row_bytes ? row_bytes : 1);
	if (!px || !row) {
		free(px);
		free(row);
		return NULL;
	}
	for (uint32_t y = 0; y < f->height; y++) {
		uint8_t *dst = px + y * row_bytes;
		memset(row, 0, row_bytes);
		vug_iov_to_buf(f->iov, f->iov_count, f->offset + (uint64_t)y * f->stride, row,
			       row_bytes);
		for (uint32_t x = 0; x < f->width; x++) {
			const uint8_t *s = row + 4 * x;
			for (int c = 0; c < 4; c++) {
				int at = src_order[c];
				dst[4 * x + dst_order[c]] = at < 0 ? 255 : s[at];
			}
		}
	}
	free(row);
	h->stats.bytes_copied += row_bytes * f->height;
	return px;
}

bool
vug_sink_headless_capture(struct vug_sink_headless *sink, uint32_t id, uint8_t **rgba_out,
			  uint32_t *width, uint32_t *height)
{
	static const int rgba[4] = {0, 1, 2, 3};
	*rgba_out = frame_convert(sink, id, rgba);
	if (!*rgba_out) {
		return false;
	}
	*width = sink->out[id].frame.width;
	*height = sink->out[id].frame.height;
	return true;
}

bool
vug_sink_headless_write_png(struct vug_sink_headless *sink, uint32_t id, const char *path)
{
#ifdef VUG_HAVE_PNG
	static const int bgra[4] = {2, 1, 0, 3};
	uint8_t *px = frame_convert(sink, id, bgra);
	if (!px) {
		return false;
	}
	const struct vug_frame *f = &sink->out[id].frame;
	bool ok = vgp_png_write_bgra(path, px, f->width, f->height, (size_t)f->width * 4, false);
	free(px);
	return ok;
#else
	return false; /* built without libpng */
#endif
}

uint64_t
vug_sink_headless_flushes(const struct vug_sink_headless *sink, uint32_t id,
			  struct vug_rect *damage)
{
	if (id >= VIRTIO_GPU_MAX_SCANOUTS) {
		return 0;
	}
	if (damage) {
		*damage = sink->out[id].damage;
	}
	return sink->out[id].flushes;
}

bool
vug_sink_headless_cursor(const struct vug_sink_headless *sink, uint32_t id, int32_t *x, int32_t *y,
			 uint32_t *hot_x, uint32_t *hot_y, uint32_t *pixel0)
{
	if (id >= VIRTIO_GPU_MAX_SCANOUTS) {
		return false;
	}
	const struct headless_out *o = &sink->out[id];
	*x = o->cursor_x;
	*y = o->cursor_y;
	*hot_x = o->hot_x;
	*hot_y = o->hot_y;
	*pixel0 = o->cursor0;
	return o->cursor_visible;
}

void
vug_sink_headless_get_stats(const struct vug_sink_headless *sink,
			    struct vug_sink_headless_stats *stats)
{
	*stats = sink->stats;
}
