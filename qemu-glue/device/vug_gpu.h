/*
 * pvgpu qemu-glue — the virtio-gpu device model, independent of the transport.
 *
 * A transport (the vhost-user back end, the in-process simulator, fuzzers) pops
 * a request from the control or cursor queue, hands its device-readable and
 * device-writable buffers to vug_gpu_ctrl()/vug_gpu_cursor(), and returns the
 * element to the guest with the length the device wrote. Requests with
 * VIRTIO_GPU_FLAG_FENCE complete later: the device keeps the transport's token
 * and calls hooks->complete() when the fence signals (in order per ring).
 *
 * Guest input is hostile: every header, id, size, offset and backing entry is
 * validated before any side effect; a bad request is answered with the matching
 * VIRTIO_GPU_RESP_ERR_* and the device carries on.
 *
 * Threads: one device belongs to the thread of its transport's event loop.
 */
#ifndef VUG_GPU_H
#define VUG_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vug_scanout.h"

struct vr_backend;
struct vug_gpu;

/** Guest-physical → host-virtual translation, provided by the transport. */
struct vug_guest_mem_impl {
	/**
	 * Host pointer for [gpa, gpa+len) when the whole range lies inside one mapped
	 * region, else NULL. Never fails for len 0 inside a region.
	 */
	void *(*map)(void *opaque, uint64_t gpa, uint64_t len);
};

struct vug_gpu_hooks {
	/** A deferred (fenced) request finished: the transport returns `token` with
	 *  `len` response bytes already written to its device-writable buffers. */
	void (*complete)(void *opaque, void *token, uint32_t len);
	/** Config space changed (VIRTIO_GPU_EVENT_DISPLAY): raise a config interrupt. */
	void (*config_changed)(void *opaque);
	void *opaque;
};

struct vug_gpu_config {
	uint32_t num_scanouts; /* 1..VIRTIO_GPU_MAX_SCANOUTS */
	bool virgl;            /* offer 3D (needs `backend`) */
	bool blob, context_init, edid;
	struct vr_backend *backend; /* renderer backend for 3D; not owned; NULL = 2D only */
	const struct vug_guest_mem_impl *mem;
	void *mem_opaque;
	struct vug_scanout_sink *sink; /* where scanouts go; not owned; NULL = nowhere */
	uint32_t width, height;        /* preferred mode of every scanout (default 1024x768) */
};

/** NULL on bad config or allocation failure (*why says which). */
struct vug_gpu *vug_gpu_create(const struct vug_gpu_config *cfg, const struct vug_gpu_hooks *hooks,
			       const char **why);
/** Completes nothing further; frees resources, contexts and pending fences. Accepts NULL. */
void vug_gpu_destroy(struct vug_gpu *gpu);

/** VIRTIO_GPU_F_* feature bits this device offers. */
uint64_t vug_gpu_features(const struct vug_gpu *gpu);
/** The feature bits the driver accepted (subset of the offer; extra bits ignored). */
void vug_gpu_set_features(struct vug_gpu *gpu, uint64_t features);

/** The device config space (struct virtio_gpu_config, 16 bytes). */
void vug_gpu_get_config(struct vug_gpu *gpu, void *buf, size_t len);
/** Guest writes to config space (events_clear). Offsets/lengths are validated. */
void vug_gpu_set_config(struct vug_gpu *gpu, uint32_t offset, const void *buf, size_t len);

/**
 * One control-queue request. `out` is what the guest wrote (header + payload +
 * data), `in` where the response goes. Returns the response length written
 * now, or VUG_GPU_DEFERRED when the request carries a fence and will complete
 * through hooks->complete(token, len). The iovecs must stay valid until then.
 */
#define VUG_GPU_DEFERRED UINT32_MAX
uint32_t vug_gpu_ctrl(struct vug_gpu *gpu, const struct iovec *out, unsigned nout,
		      const struct iovec *in, unsigned nin, void *token);
/** One cursor-queue request (UPDATE_CURSOR / MOVE_CURSOR); no response. */
void vug_gpu_cursor(struct vug_gpu *gpu, const struct iovec *out, unsigned nout);

/** Retires finished fences (call when the transport's loop is idle or on a timer). */
void vug_gpu_poll(struct vug_gpu *gpu);

/** Counters for tests and the benchmark. */
struct vug_gpu_stats {
	uint64_t commands, errors, fences_completed;
	uint64_t bytes_copied; /* pixel/transfer bytes the device copied itself */
	uint64_t flushes;
};
void vug_gpu_get_stats(const struct vug_gpu *gpu, struct vug_gpu_stats *stats);

/** Display changes from the outside (window resized, output moved): new mode
 *  for a scanout, raises VIRTIO_GPU_EVENT_DISPLAY. enabled=false unplugs it. */
void vug_gpu_set_mode(struct vug_gpu *gpu, uint32_t scanout, bool enabled, uint32_t width,
		      uint32_t height);

/**
 * The EDID GET_EDID answers for `scanout` (e.g. the one QEMU's display channel
 * gave), instead of the one the device builds from the mode. Checked: 128 to
 * 1024 bytes in whole 128-byte blocks, the fixed header, a zero checksum in
 * every block, and as many extension blocks as the base block announces (any
 * bytes beyond them are dropped). False (nothing changed) when invalid.
 * `edid` NULL or `len` 0 goes back to the built one.
 */
bool vug_gpu_set_edid(struct vug_gpu *gpu, uint32_t scanout, const uint8_t *edid, size_t len);

#endif /* VUG_GPU_H */
