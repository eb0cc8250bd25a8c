/*
 * pvgpu qemu-glue — vhost-user message framing: read one message with its
 * SCM_RIGHTS fds, validate its size and fd count against its type, send
 * replies. Used by the back end (front-end requests) and, for the generic
 * framing, by the simulator.
 *
 * Threads: any; a message belongs to its caller.
 */
#ifndef VUG_MSG_H
#define VUG_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vgp_vhost_user.h"

/* The largest front-end request payload we accept: SET_MEM_TABLE with 8
 * regions is 264 bytes, GET/SET_CONFIG 12 + 256. Anything bigger is refused
 * before it is read. */
#define VUG_MSG_MAX_PAYLOAD 512

struct vug_msg {
	struct vhost_user_hdr hdr;
	union {
		uint64_t u64;
		struct vhost_user_vring_state state;
		struct vhost_user_vring_addr addr;
		struct vhost_user_mem_table_hdr mem_table;
		struct vhost_user_mem_reg_msg mem_reg;
		struct vhost_user_config_hdr config;
		uint8_t bytes[VUG_MSG_MAX_PAYLOAD];
	} payload;
	int fds[VHOST_USER_MAX_FDS];
	unsigned nfds;
};

/**
 * Reads one message from `fd` (blocking). 0 on success (the caller owns
 * msg->fds), -ECONNRESET at end of stream, -EPROTO for a malformed header,
 * too many fds or an oversized payload (no fds are left open then), -errno on
 * a socket error.
 */
int vug_msg_read(int fd, struct vug_msg *msg);

/** NULL when msg's payload size and fd count fit its request type; else why not.
 *  Unknown request ids are reported as such (the caller decides). */
const char *vug_msg_check(const struct vug_msg *msg);

/** True for the request ids this back end knows. */
bool vug_msg_known(uint32_t request);

/** Closes and forgets msg's fds. */
void vug_msg_close_fds(struct vug_msg *msg);

/** Sends header + payload (+ fds) in one sendmsg; false on error. */
bool vug_msg_send(int fd, uint32_t request, uint32_t flags, const void *payload, uint32_t size,
		  const int *fds, unsigned nfds);

/** Reads exactly `len` bytes (blocking); false on EOF or error. */
bool vug_read_full(int fd, void *buf, size_t len);
/** Writes exactly `len` bytes (blocking); false on error. */
bool vug_write_full(int fd, const void *buf, size_t len);

#endif /* VUG_MSG_H */
