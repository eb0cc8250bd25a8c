/*
 * pvgpu-vtest — one vtest client: framing, per-command dispatch, replies.
 *
 * A connection parses the vtest stream (virgl-wire.md §1) from a vt_input and
 * drives one vr_device with one context (id 1) created on CREATE_RENDERER. Any
 * protocol violation ends the connection with one reason string; it never
 * aborts the process. Replies are batched and flushed before the input blocks.
 *
 * Ownership: the connection owns its device, backend and buffers; it does not
 * own the socket fd (the caller closes it after vt_conn_destroy).
 * Threads: one connection is used by one thread; connections share nothing.
 */
#ifndef VT_CONN_H
#define VT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vr_backend;
struct vt_conn;

struct vt_conn_config {
	/**
	 * Creates the renderer backend when the client sends CREATE_RENDERER, in the
	 * process serving the client (after fork: EGL must not be set up in the parent).
	 * Returns NULL on failure. The connection destroys it.
	 */
	struct vr_backend *(*backend_create)(void *data);
	void *backend_data;
	/**
	 * Optional: called once the backend exists, with the client's name (e.g. to
	 * enter the sandbox now that GL is up). False ends the connection.
	 */
	bool (*backend_ready)(void *data, const char *client_name);
	/** Number naming this client in log lines ("client 3 (glxgears) dropped: ..."). */
	unsigned client_id;
};

/*
 * What one connection moved, for benchmarks (pvgpu-vtest --stats-file). Every
 * byte of pixel data that crosses the socket is a copy we want to get rid of.
 */
struct vt_conn_stats {
	uint64_t commands;          /* vtest commands handled */
	uint64_t socket_in;         /* bytes consumed from the client (headers, payloads) */
	uint64_t socket_out;        /* bytes written back (replies, inline read-backs) */
	uint64_t inline_pixels_in;  /* of socket_in: TRANSFER_PUT data */
	uint64_t inline_pixels_out; /* of socket_out: TRANSFER_GET data */
	uint64_t staged;            /* memcpy'd through our receive and reply buffers */
	uint64_t shm_transfer;      /* TRANSFER_PUT2/GET2 bytes between shared memory and GL */
};

enum vt_conn_status {
	VT_CONN_OK,     /* command handled, more may follow */
	VT_CONN_CLOSED, /* client closed the stream at a command boundary */
	VT_CONN_ERROR,  /* protocol violation or host failure; see vt_conn_error() */
};

/**
 * A connection reading from and replying on socket `fd`. `abort_fd` (or -1) is
 * polled while waiting for input; when it becomes readable the connection ends
 * with an error ("server shutting down"). NULL on allocation failure.
 */
struct vt_conn *vt_conn_create_fd(const struct vt_conn_config *cfg, int fd, int abort_fd);

/**
 * A connection fed from memory (fuzzers, tests): `data` must outlive it.
 * Replies are discarded and shared-memory fds are closed instead of sent.
 */
struct vt_conn *vt_conn_create_mem(const struct vt_conn_config *cfg, const void *data, size_t size);

/** Frees the context, device, backend and buffers. Accepts NULL. */
void vt_conn_destroy(struct vt_conn *conn);

/** Reads and executes one command. */
enum vt_conn_status vt_conn_dispatch_one(struct vt_conn *conn);

/**
 * Serves until the client leaves or breaks the protocol. Logs one line naming
 * the client and the reason when it is dropped. Returns the final status.
 */
enum vt_conn_status vt_conn_serve(struct vt_conn *conn);

/** Why the connection failed (empty string when it did not). */
const char *vt_conn_error(const struct vt_conn *conn);

/**
 * Counters of this connection so far. `copied` (if not NULL) receives the sum of
 * every copy the server made: socket in/out, staging and shared-memory transfers.
 */
void vt_conn_get_stats(const struct vt_conn *conn, struct vt_conn_stats *stats, uint64_t *copied);

/** The client's name from CREATE_RENDERER, or "?" before it. */
const char *vt_conn_name(const struct vt_conn *conn);

#endif /* VT_CONN_H */
