/*
 * pvgpu qemu-glue — where a virtio-gpu device's scanouts go.
 *
 * The device describes each scanout's current image as pixel memory the sink
 * may read until the next call for that scanout: a 2D resource's host copy, a
 * blob's guest pages in place (zero-copy: possibly several iovec pieces), or a
 * 3D resource read back by the device. The display module (display/) will
 * implement this interface; a headless sink that keeps the last frame and can
 * write PNGs lives in qemu-glue/device for tests.
 *
 * Threads: called from the device's thread.
 */
#ifndef VUG_SCANOUT_H
#define VUG_SCANOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct vug_scanout_sink;

/** A frame's pixels: `height` rows of `stride` bytes starting at `offset` bytes
 *  into the concatenation of iov[0..iov_count). */
struct vug_frame {
	uint32_t width, height;
	uint32_t format; /* VIRTIO_GPU_FORMAT_* */
	uint32_t stride;
	uint64_t offset;
	const struct iovec *iov;
	unsigned iov_count;
};

struct vug_rect {
	uint32_t x, y, width, height;
};

struct vug_scanout_sink_impl {
	/** Scanout `id` now shows `frame` (NULL: disabled). */
	void (*set_scanout)(struct vug_scanout_sink *sink, uint32_t id,
			    const struct vug_frame *frame);
	/** `damage` of scanout `id` changed; the frame memory holds the new pixels. */
	void (*flush)(struct vug_scanout_sink *sink, uint32_t id, const struct vug_rect *damage);
	/** Cursor image (64x64 BGRA, or NULL to hide) and position on scanout `id`. */
	void (*cursor)(struct vug_scanout_sink *sink, uint32_t id, const uint32_t *argb64,
		       uint32_t hot_x, uint32_t hot_y, int32_t x, int32_t y);
	void (*destroy)(struct vug_scanout_sink *sink);
	/** Optional pacing: true while frames the sink took are not on screen yet.
	 *  A fenced RESOURCE_FLUSH completes only once this is false (polled in
	 *  vug_gpu_poll), so a guest never outruns its display. */
	bool (*busy)(struct vug_scanout_sink *sink);
};

struct vug_scanout_sink {
	const struct vug_scanout_sink_impl *impl;
};

#endif /* VUG_SCANOUT_H */
