/*
 * pvgpu-vtest — shared-memory backings for RESOURCE_CREATE2 (virgl-wire.md §1.5).
 *
 * Each backing is a sealed memfd mapped MAP_SHARED in this process; the fd goes to
 * the client (SCM_RIGHTS), which maps the same pages, so transfers copy straight
 * between those pages and the host object with no socket traffic.
 *
 * Small backings are recycled: Mesa creates an 8-byte fence buffer every frame
 * (DESIGN.md §6), and a fresh memfd costs memfd_create + ftruncate + fcntl + mmap
 * and later munmap + close. A pool per connection keeps released one-page memfds
 * (mapped, fd open) and hands them out again, zeroed, so a fence costs one sendmsg.
 * The pool belongs to one client, so a recycled page never crosses clients.
 *
 * Threads: a pool and its backings are used by the connection's thread only.
 */
#ifndef VT_RESOURCE_H
#define VT_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "vr_core.h"

/*
 * Largest backing a client may ask for. The size is guest-controlled and each
 * backing pins host memory, so it is capped; 1 GiB is above the largest legal
 * resource we accept for real work (a 16384² RGBA8 texture is exactly 1 GiB,
 * the core's buffer limit is 1 GiB as well) while stopping a client from making
 * us reserve arbitrary amounts with one command.
 */
#define VT_MAX_BACKING_SIZE (1ull << 30)

struct vt_shm_pool;

/** An empty pool. NULL on allocation failure. */
struct vt_shm_pool *vt_shm_pool_create(void);

/**
 * Frees the pool and the memfds it holds. Every backing created from it must
 * already be released (destroy the device first). Accepts NULL.
 */
void vt_shm_pool_destroy(struct vt_shm_pool *pool);

/**
 * A mapped, sealed memfd of at least `size` bytes (1 .. VT_MAX_BACKING_SIZE), zeroed,
 * named after `res_id`, recycled from `pool` when small. The backing's `release`
 * unmaps it or returns it to the pool. `*fd_out` receives the fd to send; call
 * vt_shm_backing_fd_sent() afterwards. On failure returns NULL with *why set.
 */
struct vr_backing *vt_shm_backing_create(struct vt_shm_pool *pool, uint32_t res_id, uint64_t size,
					 int *fd_out, const char **why);

/** Drops our copy of the fd once it was sent, unless the backing keeps it for reuse. */
void vt_shm_backing_fd_sent(struct vr_backing *backing, int fd);

#endif /* VT_RESOURCE_H */
