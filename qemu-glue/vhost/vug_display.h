/*
 * pvgpu qemu-glue — the vhost-user-gpu display channel, back-end side.
 *
 * QEMU hands the back end a socket (VHOST_USER_GPU_SET_SOCKET) on which the
 * back end drives QEMU's own window: SCANOUT + UPDATE (pixels inline, as
 * x8r8g8b8) and CURSOR_* messages. At attach time the back end negotiates the
 * channel's protocol features and asks QEMU for its display info and EDID;
 * the replies arrive asynchronously (QEMU may be blocked on us meanwhile), so
 * the session feeds readable events to vug_display_handle_input().
 *
 * struct vug_display is a struct vug_scanout_sink (vug_display_sink()): it is
 * the seam where the display module (display/) can wrap or replace QEMU's
 * window later. Without an attached channel, scanouts go nowhere.
 *
 * Threads: the session's thread. Owned by the session.
 */
#ifndef VUG_DISPLAY_H
#define VUG_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "vug_scanout.h"

struct vug_display;
struct virtio_gpu_resp_display_info;

struct vug_display_hooks {
	/** QEMU answered GET_DISPLAY_INFO (already size-checked). */
	void (*display_info)(void *opaque, const struct virtio_gpu_resp_display_info *info);
	void *opaque;
};

/** NULL on allocation failure. `num_scanouts` bounds every scanout id. */
struct vug_display *vug_display_create(uint32_t num_scanouts,
				       const struct vug_display_hooks *hooks);
/** Closes the channel. Accepts NULL. */
void vug_display_destroy(struct vug_display *dpy);

/** Takes ownership of `fd` (replacing any previous channel) and starts the
 *  setup exchange; false when the first message cannot be sent. */
bool vug_display_attach(struct vug_display *dpy, int fd);
/** The channel fd to watch for readability, or -1. */
int vug_display_fd(const struct vug_display *dpy);
/** Reads one reply from QEMU. False when the channel failed and was closed
 *  (the session goes on without a window). */
bool vug_display_handle_input(struct vug_display *dpy);

/** True while QEMU's display info (or EDID) is still awaited: the session
 *  holds the control queue meanwhile, so the guest's first GET_DISPLAY_INFO
 *  already sees QEMU's mode and its GET_EDID QEMU's EDID (the reference back
 *  end waits the same way for the display info). */
bool vug_display_setting_up(const struct vug_display *dpy);

struct vug_scanout_sink *vug_display_sink(struct vug_display *dpy);

/** Protocol features QEMU agreed to (VHOST_USER_GPU_PROTOCOL_F_*). */
uint64_t vug_display_features(const struct vug_display *dpy);
/** The EDID QEMU gave for scanout 0 (NULL before it arrived); *size its bytes. */
const uint8_t *vug_display_edid(const struct vug_display *dpy, uint32_t *size);

/** Largest UPDATE payload sent at once: a full 4K frame goes out in pieces of
 *  whole rows so QEMU never buffers tens of megabytes for one message. */
#define VUG_DISPLAY_UPDATE_CHUNK (1u << 20)

/** The DRM fourcc of 32-bit RGB VIRTIO_GPU_FORMAT_* `format`; 0 for others. */
uint32_t vug_format_fourcc(uint32_t format);

/** Converts `width` pixels of VIRTIO_GPU_FORMAT_* `format` to BGRX; false for
 *  a format that is not 32-bit RGB. */
bool vug_pixels_to_bgrx(uint32_t format, const uint8_t *src, uint8_t *dst, uint32_t width);

#endif /* VUG_DISPLAY_H */
