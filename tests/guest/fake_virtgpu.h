/*
 * pvgpu tests — a virtio-gpu DRM device emulated in memory behind
 * struct gd_drm_ioctl_ops: render nodes with a driver name, GETPARAM values,
 * capsets, resources with guest pages and a separate "host" copy, EXECBUFFER
 * recording, sync_file fences as eventfds the test signals, and error injection.
 * Records every ioctl argument so tests can check what the winsys sent.
 * Single-threaded.
 */
#ifndef FAKE_VIRTGPU_H
#define FAKE_VIRTGPU_H

#include <stdbool.h>
#include <stdint.h>

#include "gd_drm.h"
#include "gd_drm_uapi.h"

#define FAKE_MAX_RES 32
#define FAKE_MAX_FENCES 256
#define FAKE_FD_BASE 1000 /* device fds are fake numbers FAKE_FD_BASE + minor */

struct fake_res {
	bool live;
	struct drm_virtgpu_resource_create create; /* as the winsys sent it */
	uint8_t *guest;                            /* the bo's pages */
	uint8_t *host;                             /* the host's copy, same layout */
	size_t size;                               /* bytes of both */
	bool busy;                                 /* WAIT reports it busy */
	bool mapped;
};

struct fake_virtgpu {
	/* Device setup. */
	const char *nodes[64];      /* driver name of renderD(128+i); NULL: no node */
	int32_t params[8];          /* GETPARAM values; see param_missing */
	bool param_missing[8];      /* GETPARAM answers -EINVAL (older kernel) */
	uint32_t caps_size_reply;   /* nonzero: GET_CAPS writes this into size */
	uint32_t caps_max_version;  /* written into the capset's first dword */
	bool fences_signal_now;     /* out-fences are signaled when created */
	bool wait_times_out;        /* blocking WAIT on a busy bo gives -EBUSY */
	bool gone;                  /* every ioctl fails with -ENODEV */
	bool map_fails;             /* mmap returns NULL */
	bool zero_res_handle;       /* RESOURCE_CREATE answers res_handle 0 */
	unsigned long fail_request; /* this ioctl fails with fail_errno */
	int fail_errno;

	/* What the winsys did. */
	unsigned ioctls, opens, device_closes, unknown_ioctls;
	unsigned getparams, ctx_inits, get_caps, creates, maps, munmaps, gem_closes;
	unsigned xfers_to, xfers_from, execbufs, waits;
	struct gd_virtgpu_ctx_param ctx_params[4];
	uint32_t ctx_num_params;
	struct drm_virtgpu_get_caps last_caps;
	struct gd_virtgpu_transfer last_xfer;
	struct drm_virtgpu_execbuffer last_eb; /* as sent (fence_fd before the reply) */
	uint32_t last_cmd[64];
	uint32_t last_bos[16];
	struct drm_virtgpu_3d_wait last_wait;
	uint32_t last_gem_close;

	struct fake_res res[FAKE_MAX_RES]; /* bo handle i+1, res handle 100+i */
	int fence_write[FAKE_MAX_FENCES];  /* our eventfds of unsignaled fences */
	unsigned nfence_write;
	unsigned fences_made, fences_closed;
};

extern const struct gd_drm_ioctl_ops fake_virtgpu_ops;

/** A virtio-gpu with 3D, capset fix, blob, context init and capsets 1, 2, 4 at renderD128. */
void fake_virtgpu_init(struct fake_virtgpu *dev);
/** Frees resources and fence pipes. */
void fake_virtgpu_finish(struct fake_virtgpu *dev);
/** Signals every pending fence. */
void fake_virtgpu_signal(struct fake_virtgpu *dev);
/** The resource with bo handle `bo`, or NULL. */
struct fake_res *fake_virtgpu_res(struct fake_virtgpu *dev, uint32_t bo);

#endif /* FAKE_VIRTGPU_H */
