/* pvgpu-vtest — memfd backings and their recycling pool (see vtest_resource.h). */
#include "vtest_resource.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Backings up to one page are recyclable; all of them are one page big. */
#define POOL_OBJ_SIZE 4096u
/* Released pages kept for reuse (512 KiB): Mesa unrefs fences in large batches. */
#define POOL_FREE_MAX 128u
/* Recyclable backings (live or free) that keep their fd open; beyond this a small
 * backing behaves like a large one, so a client cannot pin an fd per resource. */
#define POOL_KEPT_MAX 512u

struct shm_backing {
	struct vr_backing base;
	struct iovec iov;
	struct vt_shm_pool *pool;
	void *map;
	size_t map_size;
	int fd; /* kept open for reuse, or -1 */
};

struct vt_shm_pool {
	struct shm_backing *free[POOL_FREE_MAX];
	unsigned nfree;
	unsigned kept; /* backings holding an fd, live or free */
};

struct vt_shm_pool *
vt_shm_pool_create(void)
{
	return calloc(1, sizeof(struct vt_shm_pool));
}

static void
shm_destroy(struct shm_backing *shm)
{
	munmap(shm->map, shm->map_size);
	if (shm->fd >= 0) {
		close(shm->fd);
		shm->pool->kept--;
	}
	free(shm);
}

void
vt_shm_pool_destroy(struct vt_shm_pool *pool)
{
	if (!pool) {
		return;
	}
	while (pool->nfree) {
		shm_destroy(pool->free[--pool->nfree]);
	}
	assert(pool->kept == 0);
	free(pool);
}

static void
shm_release(struct vr_backing *backing)
{
	struct shm_backing *shm = (struct shm_backing *)backing;
	struct vt_shm_pool *pool = shm->pool;
	if (shm->fd >= 0 && pool->nfree < POOL_FREE_MAX) {
		pool->free[pool->nfree++] = shm;
		return;
	}
	shm_destroy(shm);
}

/* A new sealed memfd of map_size bytes, mapped; false with *why on failure. */
static bool
shm_map_new(struct shm_backing *shm, uint32_t res_id, const char **why)
{
	char name[32];
	snprintf(name, sizeof(name), "pvgpu-res-%u", res_id);
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		*why = "memfd_create failed";
		return false;
	}
	if (ftruncate(fd, (off_t)shm->map_size) < 0) {
		*why = "could not size the shared memory";
		goto err_close;
	}
	/*
	 * The client gets this fd too. If it could shrink the file, our next access
	 * to the mapping would SIGBUS the server; sealing the size makes the mapping
	 * safe to touch for as long as it exists whatever the client does.
	 */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		*why = "could not seal the shared memory";
		goto err_close;
	}
	shm->map = mmap(NULL, shm->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shm->map == MAP_FAILED) {
		*why = "could not map the shared memory";
		goto err_close;
	}
	shm->fd = fd;
	return true;

err_close:
	close(fd);
	return false;
}

struct vr_backing *
vt_shm_backing_create(struct vt_shm_pool *pool, uint32_t res_id, uint64_t size, int *fd_out,
		      const char **why)
{
	if (size == 0 || size > VT_MAX_BACKING_SIZE) {
		*why = "backing size out of range";
		return NULL;
	}
	bool small = size <= POOL_OBJ_SIZE;
	struct shm_backing *shm;
	if (small && pool->nfree) {
		shm = pool->free[--pool->nfree];
		/* The client may have written the page while it was its previous resource. */
		memset(shm->map, 0, shm->map_size);
	} else {
		shm = calloc(1, sizeof(*shm));
		if (!shm) {
			*why = "out of memory";
			return NULL;
		}
		shm->pool = pool;
		shm->map_size = small ? POOL_OBJ_SIZE : size;
		if (!shm_map_new(shm, res_id, why)) {
			free(shm);
			return NULL;
		}
		if (small && pool->kept < POOL_KEPT_MAX) {
			pool->kept++;
		} else {
			*fd_out = shm->fd;
			shm->fd = -1; /* the caller closes it after sending */
		}
	}
	if (shm->fd >= 0) {
		*fd_out = shm->fd;
	}
	/* Bounds checks use the size the client asked for, not the page behind it. */
	shm->iov.iov_base = shm->map;
	shm->iov.iov_len = size;
	shm->base = (struct vr_backing){
		.iov = &shm->iov,
		.iov_count = 1,
		.size = size,
		.release = shm_release,
	};
	return &shm->base;
}

void
vt_shm_backing_fd_sent(struct vr_backing *backing, int fd)
{
	struct shm_backing *shm = (struct shm_backing *)backing;
	if (fd != shm->fd) {
		close(fd);
	}
}
