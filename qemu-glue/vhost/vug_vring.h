/*
 * pvgpu qemu-glue — the device side of one split virtqueue (virtio 1.x §2.7).
 *
 * The ring lives in guest memory the front end shares; every index, descriptor,
 * address and length read from it is validated (through the memory table)
 * before use. A ring that breaks the rules is marked `broken` and no longer
 * processed; the session carries on with its other rings.
 *
 * Threads: owned by the session's thread.
 */
#ifndef VUG_VRING_H
#define VUG_VRING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vgp_vhost_user.h"
#include "vug_mem.h"

/* One chain never has more buffers than this: the Linux virtio-gpu driver uses
 * a handful, QEMU caps chains at 1024 too. Also caps indirect tables. */
#define VUG_VRING_MAX_IOV 1024

/** A popped descriptor chain: `out` device-readable, then `in` device-writable
 *  buffers, all in iov[]. Owned by the ring until vug_vring_elem_free(). */
struct vug_vring_elem {
	struct vug_vring_elem *prev, *next; /* the ring's in-flight list */
	struct vug_vring *ring;
	uint32_t gen; /* the ring's generation when popped */
	uint16_t head;
	unsigned out_num, in_num;
	uint64_t in_bytes; /* capacity of the device-writable part */
	struct iovec *out, *in;
	struct iovec iov[];
};

struct vug_vring {
	uint32_t num; /* 0 until SET_VRING_NUM */
	uint64_t desc_uva, avail_uva, used_uva;
	bool addr_set;
	/* Host views of the three parts; NULL until vug_vring_map() succeeds. */
	struct vgp_vring_desc *desc;
	struct vgp_vring_avail *avail;
	struct vgp_vring_used *used;

	uint16_t last_avail_idx; /* next avail entry to pop */
	uint16_t used_idx;       /* shadow of used->idx */
	uint16_t signalled_used; /* used_idx at the last call (EVENT_IDX) */
	bool signalled_used_valid;

	bool event_idx, notify_on_empty, indirect_ok; /* negotiated features */
	bool enabled, started, broken;
	uint32_t gen;                 /* bumped on every stop: older elements are not pushed */
	int kick_fd, call_fd, err_fd; /* -1 when absent */

	struct vug_vring_elem inflight; /* list head of popped, unreturned chains */
	unsigned inflight_count;
	struct iovec *scratch; /* VUG_VRING_MAX_IOV entries for pop() */
};

/** Returns false on allocation failure. */
bool vug_vring_init(struct vug_vring *vr);
/** Frees in-flight elements and closes the fds. */
void vug_vring_finish(struct vug_vring *vr);

/** Points the ring at its parts through `mem` (after SET_VRING_ADDR or a memory
 *  change); false when they are not (or no longer) mapped whole and aligned. */
bool vug_vring_map(struct vug_vring *vr, const struct vug_mem *mem);

/**
 * Takes the next available chain: 1 with *elem set, 0 when the ring is empty,
 * -EINVAL when the guest broke the ring rules (the ring is then `broken`;
 * *why says how), -ENOMEM.
 */
int vug_vring_pop(struct vug_vring *vr, const struct vug_mem *mem, struct vug_vring_elem **elem,
		  const char **why);

/** Returns `elem` to the guest with `len` bytes written (clamped to its
 *  writable capacity) and frees it. Dropped silently if the ring has stopped. */
void vug_vring_push(struct vug_vring *vr, struct vug_vring_elem *elem, uint32_t len);

/** Frees an element without returning it (ring stopped or device gone). */
void vug_vring_elem_free(struct vug_vring_elem *elem);

/** Whether the guest wants an interrupt now (EVENT_IDX / NO_INTERRUPT rules). */
bool vug_vring_should_notify(struct vug_vring *vr);
/** Signals the call eventfd if vug_vring_should_notify(); true if it did. */
bool vug_vring_notify(struct vug_vring *vr);

#endif /* VUG_VRING_H */
