/*
 * pvgpu-sim — a guest-driver winsys (gd_winsys.h) that speaks virtio-gpu:
 * every winsys call becomes VIRTIO_GPU_CMD_* requests as the Linux driver
 * sends them (CTX_CREATE with a context_init capset, RESOURCE_CREATE_3D +
 * CTX_ATTACH_RESOURCE + ATTACH_BACKING in guest RAM, TRANSFER_*_3D, fenced
 * SUBMIT_3D on ring 0 of the context).
 *
 * The requests go through a "port": the simulator's virtqueues (sim_vm.h) or a
 * test's in-process device. Resource backings are one contiguous piece of
 * guest RAM each, never freed (the ports' RAM is a bump allocator).
 *
 * Threads: the thread of its screen.
 */
#ifndef SIM_GD_WINSYS_H
#define SIM_GD_WINSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gd_winsys.h"

/** Returned by send() when the request's fence completes later. */
#define SIM_GD_PENDING UINT32_MAX

struct sim_gd_port {
	/**
	 * Sends one control request and writes the answer to resp (resp_len
	 * bytes). Returns the answer's length (0 when none came), or
	 * SIM_GD_PENDING for a fenced request the device answers later: the
	 * answer is then in resp when reap() reports `token`.
	 */
	uint32_t (*send)(void *opaque, const void *req, size_t req_len, void *resp, size_t resp_len,
			 uint64_t token);
	/** The next finished pending request: 1 with *token, 0 when there is none
	 *  yet (block: after waiting for one), negative errno on failure. */
	int (*reap)(void *opaque, bool block, uint64_t *token);
	/** `size` bytes of guest RAM: host pointer and *gpa, NULL when full. */
	void *(*alloc)(void *opaque, uint64_t size, uint64_t *gpa);
	void *opaque;
};

/** A winsys holding context `ctx_id` (created here, destroyed with the
 *  winsys). The port is copied. Negative errno. */
int sim_gd_winsys_create(const struct sim_gd_port *port, uint32_t ctx_id, struct gd_winsys **out);

#endif /* SIM_GD_WINSYS_H */
