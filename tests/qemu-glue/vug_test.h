/*
 * pvgpu tests — a fake guest for the virtio-gpu device model: "RAM" is a
 * malloc'd block whose guest-physical address is the offset, requests are
 * built in test memory and handed to vug_gpu_ctrl() as iovecs, completions of
 * fenced requests are recorded in order. Single-threaded.
 */
#ifndef VUG_TEST_H
#define VUG_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_gpu.h>

#include "vug_gpu.h"
#include "vug_sink_headless.h"

#define TG_MAX_COMPLETIONS 256

struct tguest {
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t brk; /* next free guest-physical address (bump allocator) */
	struct vug_gpu *gpu;
	struct vug_sink_headless *sink;
	void *completed[TG_MAX_COMPLETIONS];
	uint32_t completed_len[TG_MAX_COMPLETIONS];
	unsigned ncompleted;
	unsigned config_changes;
};

/** A guest with `ram_size` bytes of RAM and a device over it (backend NULL: 2D only). */
bool tg_init(struct tguest *g, uint64_t ram_size, const struct vug_gpu_config *cfg);
void tg_finish(struct tguest *g);
/** `size` bytes of guest RAM aligned to 4 KiB; returns its address (0 when full). */
uint64_t tg_alloc(struct tguest *g, uint64_t size);
static inline void *
tg_ptr(struct tguest *g, uint64_t gpa)
{
	return g->ram + gpa;
}

/** Sends a request; the answer goes to `resp` (resp_size bytes). Returns the length or
 *  VUG_GPU_DEFERRED. `token` identifies it in g->completed. */
uint32_t tg_send(struct tguest *g, const void *req, size_t req_size, void *resp, size_t resp_size,
		 void *token);
/** Sends a request whose answer is a bare header; returns the response type. */
uint32_t tg_cmd(struct tguest *g, const void *req, size_t req_size);
/** A header of `type` (no fence). */
struct virtio_gpu_ctrl_hdr tg_hdr(uint32_t type);

/* Helpers that return the response type. */
uint32_t tg_create_2d(struct tguest *g, uint32_t id, uint32_t format, uint32_t w, uint32_t h);
/** ATTACH_BACKING with `n` entries. */
uint32_t tg_attach(struct tguest *g, uint32_t id, const struct virtio_gpu_mem_entry *e, uint32_t n);
uint32_t tg_transfer_2d(struct tguest *g, uint32_t id, uint32_t x, uint32_t y, uint32_t w,
			uint32_t h, uint64_t offset);
uint32_t tg_set_scanout(struct tguest *g, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y,
			uint32_t w, uint32_t h);
uint32_t tg_flush(struct tguest *g, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h);

#endif /* VUG_TEST_H */
