/*
 * pvgpu-sim — one simulated VM: QEMU's part of vhost-user-gpu without a VM.
 *
 * It owns memfd "guest RAM" (shared with the back end as two regions, one at
 * GPA 0 and one at 4 GiB, like QEMU's split around the PCI hole), negotiates
 * the way QEMU 10 does (shared/reference/vhost-user-observed.md), lays out the
 * control and cursor split rings in that RAM, and plays QEMU's side of the
 * display channel: it answers the back end's GET_* and keeps a framebuffer
 * per scanout from SCANOUT/UPDATE, plus the cursor.
 *
 * Threads: one VM per thread (the runner forks one process per VM).
 */
#ifndef SIM_VM_H
#define SIM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_gpu.h>

#include "sim_display.h"
#include "vgp_vhost_user.h"

#define SIM_CTRLQ 0
#define SIM_CURSORQ 1
#define SIM_NUM_QUEUES 2

struct sim_vm_options {
	uint64_t ram_size;             /* bytes, split in two regions */
	uint32_t scanouts;             /* what our display side reports */
	uint32_t width, height;        /* mode of every scanout */
	uint32_t ctrl_num, cursor_num; /* ring sizes (QEMU 10: 64/256 and 16) */
	bool mem_table;                /* SET_MEM_TABLE even when ADD_MEM_REG is offered */
	bool ring_reset_bit;           /* ack bit 40 unasked, as QEMU 10 does */
	int timeout_ms;                /* how long to wait for any answer */
	uint64_t gpu_features;         /* VIRTIO_GPU_F_* bits to accept when offered (QEMU 10
					* masks blob and context_init; we may ask for them) */
};

/** A descriptor as the guest writes it (raw: for hostile rings). */
struct sim_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

struct sim_vm;

/** Negotiates over the connected socket `fd` (owned from now on). NULL on
 *  failure, *why says which step. */
struct sim_vm *sim_vm_create(int fd, const struct sim_vm_options *o, const char **why);
/** Stops the rings as QEMU does at shutdown and closes everything. Accepts NULL. */
void sim_vm_destroy(struct sim_vm *vm);

/** Guest RAM: allocates `size` bytes (64-byte aligned) in the high region;
 *  *gpa receives the guest-physical address. NULL when RAM is exhausted. */
void *sim_alloc(struct sim_vm *vm, uint64_t size, uint64_t *gpa);
/** The allocator position; sim_alloc_release(mark) frees all later allocations. */
uint64_t sim_alloc_mark(const struct sim_vm *vm);
void sim_alloc_release(struct sim_vm *vm, uint64_t mark);
/** Host pointer of a gpa inside guest RAM (or NULL). */
void *sim_gpa_ptr(struct sim_vm *vm, uint64_t gpa, uint64_t len);
/** A gpa no region covers. */
uint64_t sim_bad_gpa(const struct sim_vm *vm);

/** Adds a chain of `n` segments to queue `q` (through one indirect table when
 *  `indirect`), kicks, returns the head id or -1 when the ring is full. */
int sim_vq_submit(struct sim_vm *vm, unsigned q, const struct sim_seg *segs, unsigned n,
		  bool indirect);
/** Writes raw descriptors at table slots [first, first+n), publishes `head`
 *  in the avail ring (advancing avail idx by `idx_step`) and kicks. For
 *  hostile tests: the ring is unusable afterwards. */
void sim_vq_submit_raw(struct sim_vm *vm, unsigned q, const struct vgp_vring_desc *descs,
		       unsigned first, unsigned n, uint16_t head, uint16_t idx_step);
/** Waits for the next used element of queue `q`: 1 with its id and length, 0 on
 *  timeout, -1 when the back end disconnected. Serves the display meanwhile. */
int sim_vq_wait(struct sim_vm *vm, unsigned q, int timeout_ms, uint32_t *id, uint32_t *len);

/** One control (or cursor) request through guest RAM: copies `req` in, waits,
 *  copies the response out. Returns the used length, or -1 on timeout/error. */
int sim_cmd(struct sim_vm *vm, unsigned q, const void *req, uint32_t req_len, void *resp,
	    uint32_t resp_len);

/** Serves the display channel until it has been quiet for `quiet_ms`. */
void sim_display_drain(struct sim_vm *vm, int quiet_ms);
const struct sim_fb *sim_display_fb(const struct sim_vm *vm, uint32_t scanout);
const struct sim_cursor *sim_display_cursor(const struct sim_vm *vm, uint32_t scanout);
/** The device config space (GET_CONFIG), as a guest reads it after a config
 *  interrupt; false when the back end does not answer. */
bool sim_vm_get_config(struct sim_vm *vm, struct virtio_gpu_config *cfg);
/** Acknowledges config events (writes events_clear, SET_CONFIG). */
bool sim_vm_clear_events(struct sim_vm *vm, uint32_t events);
/** True while the back end's vhost-user socket is open. */
bool sim_vm_alive(struct sim_vm *vm);

/** What was negotiated (for reports). */
uint64_t sim_vm_features(const struct sim_vm *vm);
uint64_t sim_vm_protocol_features(const struct sim_vm *vm);

#endif /* SIM_VM_H */
