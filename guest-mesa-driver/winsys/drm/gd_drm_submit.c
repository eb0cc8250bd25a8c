/*
 * pvgpu guest driver — DRM winsys submissions (EXECBUFFER) and their fences:
 * out-fence sync_file fds kept in a bounded ring and waited with poll() (see the
 * fence rules in gd_drm.h).
 */
#include "gd_drm_priv.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

/* EXECBUFFER takes a 32-bit byte size. */
#define MAX_SUBMIT_DWORDS (UINT32_MAX / 4)

static struct drm_fence *
fence_at(struct drm_ws *ws, uint32_t i)
{
	return &ws->fences[(ws->fence_first + i) % GD_DRM_MAX_FENCES];
}

/* Drops the oldest pending fence; `signaled` says it is known to be complete. */
static void
fence_pop(struct drm_ws *ws, bool signaled)
{
	struct drm_fence *f = fence_at(ws, 0);
	ws->ops->close(ws->opaque, f->fd);
	if (signaled) {
		ws->signaled_fence = f->id;
	}
	ws->fence_first = (ws->fence_first + 1) % GD_DRM_MAX_FENCES;
	ws->fence_count--;
}

void
drm_ws_fences_finish(struct drm_ws *ws)
{
	while (ws->fence_count) {
		fence_pop(ws, false);
	}
}

/* poll() one sync_file: 1 signaled, 0 not within timeout_ms, or -errno. */
static int
poll_fd(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n = poll(&p, 1, timeout_ms);
	if (n < 0) {
		return errno == EINTR ? 0 : -errno;
	}
	if (n == 0) {
		return 0;
	}
	return p.revents & POLLIN ? 1 : -EIO;
}

/* Closes the fds of fences that have already signaled, oldest first. */
static void
fences_reap(struct drm_ws *ws)
{
	while (ws->fence_count && poll_fd(fence_at(ws, 0)->fd, 0) == 1) {
		fence_pop(ws, true);
	}
}

static void
fence_push(struct drm_ws *ws, int fd, uint64_t *id)
{
	fences_reap(ws);
	if (ws->fence_count == GD_DRM_MAX_FENCES) {
		/* Newer fences complete later, so waits for this one use the next. */
		fence_pop(ws, false);
	}
	struct drm_fence *f = &ws->fences[(ws->fence_first + ws->fence_count) % GD_DRM_MAX_FENCES];
	f->id = ++ws->last_fence;
	f->fd = fd;
	ws->fence_count++;
	*id = f->id;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The refs' bo handles, sorted and without repeats (the kernel locks each
 * object's reservation once). */
static int
bo_list(struct gd_ws_res *const *refs, uint32_t nrefs, uint32_t **out, uint32_t *count)
{
	*out = NULL;
	*count = 0;
	if (!nrefs) {
		return 0;
	}
	uint32_t *h = calloc(nrefs, sizeof(*h));
	if (!h) {
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < nrefs; i++) {
		if (!refs[i]) {
			free(h);
			return -EINVAL;
		}
		h[i] = ((const struct drm_res *)refs[i])->bo_handle;
	}
	qsort(h, nrefs, sizeof(*h), cmp_u32);
	uint32_t n = 1;
	for (uint32_t i = 1; i < nrefs; i++) {
		if (h[i] != h[n - 1]) {
			h[n++] = h[i];
		}
	}
	*out = h;
	*count = n;
	return 0;
}

int
drm_ws_submit(struct gd_winsys *base, const uint32_t *dw, uint32_t ndw,
	      struct gd_ws_res *const *refs, uint32_t nrefs, uint64_t *fence)
{
	struct drm_ws *ws = drm_ws(base);
	if (fence) {
		*fence = 0;
	}
	if (ws->base.status) {
		return ws->base.status;
	}
	if (ndw > MAX_SUBMIT_DWORDS || (ndw && !dw) || (nrefs && !refs)) {
		return -EINVAL;
	}
	uint32_t *handles, nhandles;
	int r = bo_list(refs, nrefs, &handles, &nhandles);
	if (r < 0) {
		return r;
	}
	struct drm_virtgpu_execbuffer eb = {
		.flags = fence ? VIRTGPU_EXECBUF_FENCE_FD_OUT : 0,
		.size = ndw * 4,
		.command = (uint64_t)(uintptr_t)dw,
		.bo_handles = (uint64_t)(uintptr_t)handles,
		.num_bo_handles = nhandles,
		.fence_fd = -1,
	};
	r = drm_ws_ioctl(ws, DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb);
	free(handles);
	if (r < 0 || !fence) {
		return r;
	}
	if (eb.fence_fd < 0) {
		/* Asked for an out-fence and got none: not what the UAPI promises. */
		return -EPROTO;
	}
	fence_push(ws, eb.fence_fd, fence);
	return 0;
}

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Waits for fd until `deadline` (CLOCK_MONOTONIC ns, < 0: forever): 1, 0 or -errno. */
static int
poll_until(int fd, int64_t deadline)
{
	for (;;) {
		int ms = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ns();
			if (left < 0) {
				left = 0;
			}
			/* Round up so a short timeout still sleeps. */
			int64_t lms = (left + 999999) / 1000000;
			ms = lms > INT_MAX ? INT_MAX : (int)lms;
		}
		int r = poll_fd(fd, ms);
		if (r != 0 || (deadline >= 0 && now_ns() >= deadline)) {
			return r;
		}
	}
}

int
drm_ws_fence_wait(struct gd_winsys *base, uint64_t fence, int64_t timeout_ns)
{
	struct drm_ws *ws = drm_ws(base);
	if (ws->base.status) {
		return ws->base.status;
	}
	if (fence == 0 || fence > ws->last_fence) {
		return -EINVAL;
	}
	if (fence <= ws->signaled_fence) {
		return 0;
	}
	/* The oldest pending fence at or after `fence` (older ones may be dropped). */
	uint32_t i = 0;
	while (i < ws->fence_count && fence_at(ws, i)->id < fence) {
		i++;
	}
	if (i == ws->fence_count) {
		/* Not reachable: ids above signaled_fence are pending or have newer ones. */
		return 0;
	}
	int64_t deadline = -1;
	if (timeout_ns >= 0) {
		int64_t now = now_ns();
		deadline = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
	}
	int r = poll_until(fence_at(ws, i)->fd, deadline);
	if (r < 0) {
		return r;
	}
	if (r == 0) {
		return -ETIMEDOUT;
	}
	/* In-order completion: everything up to this fence is done. */
	for (uint32_t k = 0; k <= i; k++) {
		fence_pop(ws, true);
	}
	return 0;
}
