/*
 * pvgpu qemu-glue — the guest memory table of one vhost-user session.
 *
 * The front end shares guest RAM as fds (SET_MEM_TABLE, ADD_MEM_REG); each
 * region is mapped whole. Guest-physical and front-end-virtual addresses are
 * translated with bounds and overflow checks on every access; a range must lie
 * inside one region (regions are not assumed adjacent).
 *
 * Threads: owned by the session's thread. The front end is trusted not to
 * shrink a shared fd under us (QEMU never does); guest addresses are not.
 */
#ifndef VUG_MEM_H
#define VUG_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vgp_vhost_user.h"
#include "vug_gpu.h"

/* The GET_MAX_MEM_SLOTS answer: QEMU uses a handful (RAM below/above 4 GiB,
 * ROMs); 32 keeps a linear lookup cheap. */
#define VUG_MEM_MAX_REGIONS 32

struct vug_mem_region {
	uint64_t gpa, size, uva, mmap_offset;
	uint8_t *map_base; /* mmap of [0, mmap_offset + size) of the fd */
	size_t map_len;
	uint8_t *host; /* map_base + mmap_offset: the byte at gpa */
};

/* A mapping removed while the device may still hold pointers into it. */
struct vug_mem_retired {
	void *base;
	size_t len;
};

struct vug_mem {
	struct vug_mem_region regions[VUG_MEM_MAX_REGIONS];
	unsigned count;
	/* Unmapped by vug_mem_release_retired() once nothing is in flight. */
	struct vug_mem_retired retired[VUG_MEM_MAX_REGIONS * 2];
	unsigned retired_count;
};

void vug_mem_init(struct vug_mem *mem);
/** Unmaps every region, retired ones included. */
void vug_mem_finish(struct vug_mem *mem);
/** Removes every region; their mappings are retired, not yet unmapped. */
void vug_mem_clear(struct vug_mem *mem);
/** Unmaps retired regions: call when no request holds guest pointers. */
void vug_mem_release_retired(struct vug_mem *mem);

/**
 * Maps `fd` (borrowed: the caller closes it) as region `reg`. Fails with
 * -EINVAL on a zero/overflowing size, a GPA overlap or an fd smaller than the
 * region, -ENOSPC when the table is full, -errno when mmap fails.
 */
int vug_mem_add(struct vug_mem *mem, const struct vhost_user_mem_region *reg, int fd);
/** Removes the region matching reg's gpa, size and uva (its mapping is
 *  retired); false if none does. */
bool vug_mem_remove(struct vug_mem *mem, const struct vhost_user_mem_region *reg);

/** Host pointer for guest-physical [gpa, gpa+len) inside one region, else NULL. */
void *vug_mem_gpa(const struct vug_mem *mem, uint64_t gpa, uint64_t len);
/** Host pointer for gpa and, in *piece, how much of [gpa, gpa+len) its region
 *  holds from there (≤ len); NULL when gpa is in no region. */
void *vug_mem_gpa_piece(const struct vug_mem *mem, uint64_t gpa, uint64_t len, uint64_t *piece);
/** Like vug_mem_gpa for the front end's virtual addresses (SET_VRING_ADDR). */
void *vug_mem_uva(const struct vug_mem *mem, uint64_t uva, uint64_t len);

/** The table as the device's translator (opaque = struct vug_mem *). */
extern const struct vug_guest_mem_impl vug_mem_guest_impl;

#endif /* VUG_MEM_H */
