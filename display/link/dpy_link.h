/*
 * pvgpu display — the VM back end's end of the display protocol
 * (display/PROTOCOL.md): connects a VM to pvgpu-display (or to a server in the
 * same process), sends its scanouts' frames through sealed memfds with damage
 * rectangles and the cursor, and receives modes and presented events.
 *
 * Frames are copied into one memfd per scanout (tight rows, the source's
 * format): the source memory (a device's host copy, guest pages) need not be
 * shareable, and the daemon only maps what it is given.
 *
 * Threads: the VM back end's thread.
 */
#ifndef DPY_LINK_H
#define DPY_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "dpy_output.h"

struct dpy_link;

struct dpy_link_hooks {
	/** The daemon wants scanout `scanout` at `mode` (EDID bytes or NULL). */
	void (*mode)(void *opaque, uint32_t scanout, const struct dpy_mode *mode,
		     const uint8_t *edid, size_t edid_len);
	void *opaque;
};

/** Where a frame's pixels are: `height` rows of `stride` bytes from `offset`
 *  into the concatenated iovecs, in `format` (dpy_format_known()). */
struct dpy_link_frame {
	uint32_t width, height, format, stride;
	uint64_t offset;
	const struct iovec *iov;
	unsigned iov_count;
};

/**
 * Says hello on the connected SOCK_SEQPACKET socket `fd` (owned from now on)
 * and waits up to `timeout_ms` for the welcome, passing the daemon's initial
 * modes to hooks meanwhile. `pump` (optional) runs while waiting: an
 * in-process server answers through it. NULL (and *why) on failure.
 */
struct dpy_link *dpy_link_create(int fd, const char *name, uint32_t num_scanouts,
				 const struct dpy_link_hooks *hooks, int timeout_ms,
				 void (*pump)(void *ctx), void *pump_ctx, const char **why);
/** Disconnects (the daemon shows "no signal" where this VM was). Accepts NULL. */
void dpy_link_destroy(struct dpy_link *l);
/**
 * Ends the VM but not the connection: says BYE (the daemon forgets the VM's
 * scanouts, frames and cursor as on a disconnect), frees the link and returns
 * its socket, still connected, for a later dpy_link_create (a new HELLO).
 * What the daemon sent before it read BYE and is already here is discarded;
 * a MODE still on its way then reaches the next link's hook before that
 * link's own MODEs, which supersede it. -1 (the socket closed) when the link
 * was dead or BYE could not be sent. A back end that dropped its privileges
 * keeps reaching a daemon it could no longer connect to this way.
 */
int dpy_link_release(struct dpy_link *l);

/** The socket to poll; dispatch when readable. */
int dpy_link_fd(const struct dpy_link *l);
/** Handles what the daemon sent; false when the link is dead (closed or the
 *  daemon broke the protocol): then every call below does nothing. */
bool dpy_link_dispatch(struct dpy_link *l);
bool dpy_link_alive(const struct dpy_link *l);

/** Scanout `scanout` shows `frame` (NULL: disabled). The frame memory is read
 *  now and at each flush until the next set_frame. */
void dpy_link_set_frame(struct dpy_link *l, uint32_t scanout, const struct dpy_link_frame *frame);
/** `damage` (clipped to the frame) changed: copy it and ask for a present. */
void dpy_link_flush(struct dpy_link *l, uint32_t scanout, const struct dpy_rect *damage);
/** Cursor: `argb` 64x64 or NULL to hide. */
void dpy_link_cursor(struct dpy_link *l, uint32_t scanout, const uint32_t *argb, uint32_t hot_x,
		     uint32_t hot_y, int32_t x, int32_t y);
/** True while a flush waits for its presented event (pacing). A daemon that
 *  stays silent for longer than a second stops counting as busy. */
bool dpy_link_busy(struct dpy_link *l);

#endif /* DPY_LINK_H */
