/*
 * pvgpu display — output backends: the seam between the router and real
 * outputs (SDL windows, KMS connectors, in-memory headless outputs).
 *
 * A backend enumerates outputs; each output takes an explicit state — enabled,
 * mode, buffer, damage — that is first tested, then committed, never applied
 * piecemeal (the wlroots model). Buffers are produced by VMs and read by
 * outputs: an output holds a buffer (dpy_buffer_lock) from commit until a later
 * commit replaces it and the frame has been presented, then unlocks it; the
 * producer learns through the buffer's release callback that it may reuse the
 * memory (and completes the guest's RESOURCE_FLUSH fence then: pacing).
 *
 * Threads: everything runs on the display's event-loop thread. Backends
 * that need their own fds (KMS page-flip events, SDL) expose them through
 * get_fd/dispatch so one loop drives all of them.
 */
#ifndef DPY_OUTPUT_H
#define DPY_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct dpy_backend;
struct dpy_output;

/* ------------------------------------------------------------------ buffers */

/** Pixels of a frame: `height` rows of `stride` bytes from `offset` into the
 *  concatenation of iov (guest pages in place, a memfd, or a host copy). */
struct dpy_buffer {
	uint32_t width, height;
	uint32_t drm_format; /* DRM_FORMAT_XRGB8888 / ARGB8888 / XBGR8888 / ABGR8888 */
	uint32_t stride;
	uint64_t offset;
	const struct iovec *iov;
	unsigned iov_count;
	int fd; /* memfd or dma-buf backing the pixels when shareable, else -1 */
	/* Lock count held by outputs; release() runs when it drops to 0. */
	uint32_t locks;
	void (*release)(struct dpy_buffer *buf, void *data);
	void *release_data;
};

void dpy_buffer_lock(struct dpy_buffer *buf);
void dpy_buffer_unlock(struct dpy_buffer *buf);

/* ------------------------------------------------------------------ outputs */

struct dpy_mode {
	uint32_t width, height;
	uint32_t refresh_mhz; /* 0 = unknown */
};

struct dpy_rect {
	int32_t x, y;
	uint32_t width, height;
};

/** What an output should show. `buffer` NULL shows the "no signal" frame. */
struct dpy_output_state {
	bool enabled;
	struct dpy_mode mode;
	struct dpy_buffer *buffer;
	const struct dpy_rect *damage; /* NULL = whole buffer */
	unsigned damage_count;
};

struct dpy_cursor {
	bool visible;
	int32_t x, y;
	uint32_t hot_x, hot_y;
	const uint32_t *argb; /* 64x64, NULL keeps the previous image */
};

struct dpy_output_impl {
	/** Whether `state` could be committed now; false (and *why) if not. */
	bool (*test)(struct dpy_output *out, const struct dpy_output_state *state,
		     const char **why);
	/** Applies `state` (after a successful test). The output locks the new buffer
	 *  and unlocks the previous one once the new frame is on screen. */
	bool (*commit)(struct dpy_output *out, const struct dpy_output_state *state);
	void (*set_cursor)(struct dpy_output *out, const struct dpy_cursor *cursor);
	/** Optional: what the output now shows ("vm1:0", "no signal"), for outputs
	 *  with a visible title (SDL windows). */
	void (*set_label)(struct dpy_output *out, const char *label);
	/** EDID of the physical monitor (KMS), or NULL; `*len` bytes. */
	const uint8_t *(*get_edid)(struct dpy_output *out, size_t *len);
	void (*destroy)(struct dpy_output *out);
};

/** Events an output reports to its owner (the router). */
struct dpy_output_listener {
	/** The frame committed last is now visible (vblank / window present). */
	void (*presented)(struct dpy_output *out, void *data);
	/** The user or the hardware changed the preferred mode (window resize, hotplug). */
	void (*mode_changed)(struct dpy_output *out, const struct dpy_mode *mode, void *data);
	/** "Next VM on this output" (SDL hotkey). */
	void (*cycle_requested)(struct dpy_output *out, void *data);
	/** The output went away (window closed, connector unplugged). */
	void (*removed)(struct dpy_output *out, void *data);
	void *data;
};

struct dpy_output {
	const struct dpy_output_impl *impl;
	struct dpy_backend *backend;
	char name[64]; /* stable: "SDL-1", "HDMI-A-1", "HEADLESS-2" */
	struct dpy_mode preferred;
	struct dpy_output_listener listener;
};

/* ----------------------------------------------------------------- backends */

struct dpy_backend_impl {
	/** Outputs present now (owned by the backend); count in *n. */
	struct dpy_output **(*outputs)(struct dpy_backend *be, size_t *n);
	/** A file descriptor to poll for backend events, or -1. */
	int (*get_fd)(struct dpy_backend *be);
	/** Handles pending events (page flips, window events); never blocks. */
	void (*dispatch)(struct dpy_backend *be);
	void (*destroy)(struct dpy_backend *be);
};

struct dpy_backend_listener {
	/** A new output appeared (hotplug, a window created on request). */
	void (*output_added)(struct dpy_backend *be, struct dpy_output *out, void *data);
	void *data;
};

struct dpy_backend {
	const struct dpy_backend_impl *impl;
	struct dpy_backend_listener listener;
};

#endif /* DPY_OUTPUT_H */
