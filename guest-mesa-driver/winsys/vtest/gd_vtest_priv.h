/*
 * pvgpu guest driver — vtest winsys internals shared by its files.
 *
 * One struct gd_vtest is one socket to a vtest server holding one renderer
 * context (virgl-wire.md §1). Every request is written whole before its reply
 * is read, so the stream never carries more than one outstanding reply; reads
 * take exactly the bytes a reply has, so a following SCM_RIGHTS byte is never
 * swallowed by a plain read.
 *
 * Errors: a socket that fails or closes makes the winsys dead (status
 * -ENOTCONN, sticky). A reply the protocol does not allow returns -EPROTO once
 * and then also kills the connection: the stream can no longer be trusted.
 * Threads: like every winsys, used by its screen's thread only.
 */
#ifndef GD_VTEST_PRIV_H
#define GD_VTEST_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "gd_winsys.h"

struct gd_vtest_res {
	struct gd_ws_res base;
	struct gd_vtest_res *prev, *next; /* live resources, freed by destroy */
};

struct gd_vtest {
	struct gd_winsys base;
	int fd;
	uint32_t version;         /* negotiated protocol version (2) */
	uint32_t next_handle;     /* resource handles are ours to pick in v2 */
	struct gd_vtest_res live; /* list head */
	uint32_t fence_handle;    /* internal resource BUSY_WAIT names; 0 until needed */
	uint64_t submitted;       /* submissions sent; fence n = n-th submission */
	uint64_t completed;       /* every fence <= completed is known finished */
};

/* ------------------------------------------------- socket I/O (gd_vtest_io.c) */

/** Marks the connection dead (shuts the socket) and returns -ENOTCONN. */
int gd_vtest_lost(struct gd_vtest *vt);
/** A reply broke the protocol: kills the connection, returns -EPROTO. */
int gd_vtest_malformed(struct gd_vtest *vt);
/** Writes all of iov[0..n) (partial writes, EINTR, no SIGPIPE). 0 or -ENOTCONN. */
int gd_vtest_send(struct gd_vtest *vt, const struct iovec *iov, int n);
/** Sends [len, id] and `ndw` payload dwords. 0 or -ENOTCONN. */
int gd_vtest_send_cmd(struct gd_vtest *vt, uint32_t len, uint32_t id, const uint32_t *payload,
		      uint32_t ndw);
/** Reads exactly `size` bytes. 0 or -ENOTCONN. */
int gd_vtest_recv(struct gd_vtest *vt, void *buf, size_t size);
/** Reads and drops `size` bytes. 0 or -ENOTCONN. */
int gd_vtest_skip(struct gd_vtest *vt, size_t size);
/**
 * Reads the one-byte SCM_RIGHTS message carrying a file descriptor; *out owns it.
 * -EPROTO when the byte arrives without exactly one fd, -ENOTCONN when the socket ends.
 */
int gd_vtest_recv_fd(struct gd_vtest *vt, int *out);
/**
 * Reads a one-dword reply [1, id, value]. -EPROTO for another length or id.
 */
int gd_vtest_recv_dword(struct gd_vtest *vt, uint32_t id, uint32_t *value);

/* ------------------------------------------------- resources (gd_vtest_res.c) */

int gd_vtest_resource_create(struct gd_winsys *ws, const struct gd_resource_desc *desc,
			     size_t backing_size, struct gd_ws_res **out);
void gd_vtest_resource_destroy(struct gd_winsys *ws, struct gd_ws_res *res);
/** Frees the guest side of every live resource (the server frees the rest on close). */
void gd_vtest_resource_release_all(struct gd_vtest *vt);
int gd_vtest_transfer(struct gd_winsys *ws, struct gd_ws_res *res, uint32_t level,
		      const struct gd_box *box, uint64_t offset, bool to_host);
/** RESOURCE_BUSY_WAIT for `handle` (the server ignores it: busy = any work pending). */
int gd_vtest_busy_wait(struct gd_vtest *vt, uint32_t handle, bool wait, bool *busy);

static inline struct gd_vtest *
gd_vtest(struct gd_winsys *ws)
{
	return (struct gd_vtest *)ws;
}

#endif /* GD_VTEST_PRIV_H */
