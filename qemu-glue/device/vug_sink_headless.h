/*
 * pvgpu qemu-glue — a scanout sink without a display: it remembers where each
 * scanout's current frame lies (the device's memory or the guest's pages, not
 * copied) and copies pixels only when asked for a capture or a PNG. Tests and
 * the simulator read frames and cursor state back from it.
 *
 * Threads: the device's thread, like every sink.
 */
#ifndef VUG_SINK_HEADLESS_H
#define VUG_SINK_HEADLESS_H

#include <stdbool.h>
#include <stdint.h>

#include "vug_scanout.h"

struct vug_sink_headless;

struct vug_sink_headless_stats {
	uint64_t set_scanouts, flushes, cursor_updates;
	uint64_t bytes_copied; /* pixels copied for captures and PNGs */
};

/** A sink for up to VIRTIO_GPU_MAX_SCANOUTS scanouts; NULL on allocation failure. */
struct vug_sink_headless *vug_sink_headless_create(void);
/** Accepts NULL. The device using it must be gone. */
void vug_sink_headless_destroy(struct vug_sink_headless *sink);
/** The sink interface to put in vug_gpu_config.sink (owned by `sink`). */
struct vug_scanout_sink *vug_sink_headless_base(struct vug_sink_headless *sink);

/**
 * Copies scanout `id`'s current frame as RGBA bytes (R, G, B, A; A = 255 for
 * X formats) into a new buffer (*rgba_out, width*4 bytes a row, caller frees).
 * False when the scanout shows nothing or on allocation failure.
 */
bool vug_sink_headless_capture(struct vug_sink_headless *sink, uint32_t id, uint8_t **rgba_out,
			       uint32_t *width, uint32_t *height);
/** Writes scanout `id`'s current frame as a PNG. False when empty or on I/O errors. */
bool vug_sink_headless_write_png(struct vug_sink_headless *sink, uint32_t id, const char *path);

/** Flushes of scanout `id` so far, and the union of their damage (0x0 if none). */
uint64_t vug_sink_headless_flushes(const struct vug_sink_headless *sink, uint32_t id,
				   struct vug_rect *damage);
/** Cursor state of scanout `id`: visible, position, hot spot and first pixel. */
bool vug_sink_headless_cursor(const struct vug_sink_headless *sink, uint32_t id, int32_t *x,
			      int32_t *y, uint32_t *hot_x, uint32_t *hot_y, uint32_t *pixel0);
void vug_sink_headless_get_stats(const struct vug_sink_headless *sink,
				 struct vug_sink_headless_stats *stats);

#endif /* VUG_SINK_HEADLESS_H */
