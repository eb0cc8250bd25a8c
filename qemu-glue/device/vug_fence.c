/*
 * pvgpu qemu-glue — fenced requests (virtio spec 5.7.6.7). A request with
 * VIRTIO_GPU_FLAG_FENCE is returned to the guest only when its work is done:
 * at once for 2D work, once the renderer is idle for 3D work, a
 * RESOURCE_FLUSH once a pacing sink (vug_scanout_sink_impl.busy) has
 * presented what it was given, and never
 * before an earlier fenced request of the same timeline (the device-global
 * one, or with INFO_RING_IDX one per context ring). The renderer answers
 * "busy" for everything submitted, so all 3D fences retire together.
 */
#include <stdlib.h>

#include "vr_core.h"
#include "vug_priv.h"

bool
vug_fence_must_defer(const struct vug_gpu *gpu, uint64_t timeline, bool wait_renderer)
{
	if (wait_renderer) {
		return true; /* checked in vug_gpu_poll */
	}
	for (unsigned i = 0; i < gpu->nfences; i++) {
		if (gpu->fences[i].timeline == timeline) {
			return true;
		}
	}
	return false;
}

bool
vug_fence_push(struct vug_gpu *gpu, void *token, uint32_t len, uint64_t timeline,
	       bool wait_renderer, bool wait_display)
{
	if (gpu->nfences >= VUG_MAX_PENDING_FENCES) {
		return false;
	}
	if (!gpu->fences) {
		gpu->fences = malloc(sizeof(*gpu->fences) * VUG_MAX_PENDING_FENCES);
		if (!gpu->fences) {
			return false;
		}
	}
	gpu->fences[gpu->nfences++] =
		(struct vug_fence){token, len, timeline, wait_renderer, wait_display};
	return true;
}

static bool
blocked(const uint64_t *list, unsigned n, uint64_t timeline)
{
	for (unsigned i = 0; i < n; i++) {
		if (list[i] == timeline) {
			return true;
		}
	}
	return false;
}

void
vug_fence_retire(struct vug_gpu *gpu)
{
	unsigned n = gpu->nfences;
	if (!n) {
		return;
	}
	uint64_t *stuck = malloc(sizeof(*stuck) * n);
	struct vug_fence *done = malloc(sizeof(*done) * n);
	if (!stuck || !done) {
		free(stuck);
		free(done);
		return; /* try again on the next poll */
	}
	bool busy = gpu->dev && vr_device_busy(gpu->dev, false);
	struct vug_scanout_sink *sink = gpu->cfg.sink;
	bool display_busy = sink && sink->impl->busy && sink->impl->busy(sink);
	unsigned nstuck = 0, ndone = 0, keep = 0;
	for (unsigned i = 0; i < n; i++) {
		struct vug_fence f = gpu->fences[i];
		if (blocked(stuck, nstuck, f.timeline) || (f.wait_renderer && busy) ||
		    (f.wait_display && display_busy)) {
			if (!blocked(stuck, nstuck, f.timeline)) {
				stuck[nstuck++] = f.timeline;
			}
			gpu->fences[keep++] = f;
		} else {
			done[ndone++] = f;
		}
	}
	gpu->nfences = keep;
	gpu->stats.fences_completed += ndone;
	/* Completions go out after the queue is consistent: a hook may call back in. */
	for (unsigned i = 0; i < ndone; i++) {
		if (gpu->hooks.complete) {
			gpu->hooks.complete(gpu->hooks.opaque, done[i].token, done[i].len);
		}
	}
	free(stuck);
	free(done);
}
