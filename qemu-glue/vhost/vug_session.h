/*
 * pvgpu qemu-glue — one vhost-user connection: the back-end side of the
 * protocol driving one virtio-gpu device (vug_gpu.h) over two split rings
 * (0: control, 1: cursor) and QEMU's display channel.
 *
 * The session registers its fds (the connection, kick eventfds, the display
 * channel) in the caller's epoll set with data.ptr pointing at a struct
 * vug_watch it owns; the caller passes those events back to
 * vug_session_dispatch(). A front end that breaks the framing ends the
 * session; a guest that breaks a ring only stops that ring.
 *
 * Threads: one session, its device and its epoll set belong to one thread.
 */
#ifndef VUG_SESSION_H
#define VUG_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vr_backend;
struct vug_scanout_sink;
struct vug_session;

/**
 * A display that takes the scanouts instead of QEMU's display channel (the
 * display module: pvgpu-display or an in-process router). It has precedence:
 * with one, a channel QEMU hands over (GPU_SET_SOCKET) is still answered but
 * gets no frames, and QEMU's display info does not change the modes.
 */
struct vug_ext_display {
	/** A sink for a new device (one per connection). `set_mode` reports the
	 *  mode the display wants for a scanout, and the EDID of the monitor showing
	 *  it (NULL: derive one from the mode), also from inside open. NULL on
	 *  failure: the session falls back to QEMU's channel. */
	struct vug_scanout_sink *(*open)(void *opaque, uint32_t num_scanouts,
					 void (*set_mode)(void *ctx, uint32_t scanout,
							  uint32_t width, uint32_t height,
							  const uint8_t *edid, size_t edid_len),
					 void *ctx);
	/** The fd to watch for the sink's events (-1: none), and its handler. */
	int (*fd)(struct vug_scanout_sink *sink);
	void (*dispatch)(struct vug_scanout_sink *sink);
	void *opaque;
};

struct vug_session_options {
	uint32_t num_scanouts; /* 1..16 */
	bool virgl, edid;
	bool blob, context_init;    /* QEMU masks both from the guest; the simulator uses them */
	struct vr_backend *backend; /* 3D renderer, not owned; NULL for 2D only */
	uint32_t width, height;     /* preferred mode; 0 = the device's default */
	/* When >= 0, the session appends one JSON line of device and ring counters
	 * to this fd (opened O_APPEND, not owned) with one write when it ends
	 * (benchmarks and the simulator read bytes_copied). -1: none. */
	int stats_fd;
	const struct vug_ext_display *ext_display; /* NULL: QEMU's display channel */
};

/** What an epoll event's data.ptr points at (owned by the session). */
struct vug_watch {
	int kind; /* private to the session */
	unsigned index;
};

/**
 * Serves the connected socket `fd` (ownership passes to the session, even on
 * failure), registering its fds in `epfd`. NULL on failure (*why says why).
 */
struct vug_session *vug_session_create(int fd, int epfd, const struct vug_session_options *opts,
				       const char **why);
/** Tears the device down, unregisters and closes everything. Accepts NULL. */
void vug_session_destroy(struct vug_session *s);

/** Handles one epoll event (`watch` = its data.ptr). False when the session is
 *  over (disconnect or protocol violation): destroy it. */
bool vug_session_dispatch(struct vug_session *s, struct vug_watch *watch, uint32_t events);

/** Retires finished fences and returns their chains; call after each batch of
 *  events. Returns the epoll timeout to use next (ms, -1 = none needed). */
int vug_session_idle(struct vug_session *s);

/** Counters for tests. */
struct vug_session_stats {
	uint64_t messages, bad_messages, chains, broken_rings, notifications;
};
void vug_session_get_stats(const struct vug_session *s, struct vug_session_stats *st);

#endif /* VUG_SESSION_H */
