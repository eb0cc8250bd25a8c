/*
 * pvgpu guest driver — DRM winsys internals shared with its tests.
 *
 * Every system call the winsys makes on the device (open, close, ioctl, mmap)
 * goes through a struct gd_drm_ioctl_ops, so tests can put a fake virtio-gpu
 * device behind it. gd_winsys_drm_create() uses gd_drm_sys_ops.
 *
 * Fences: a fenced submission asks the kernel for an out-fence (a sync_file fd).
 * Fence ids are a per-winsys counter; at most GD_DRM_MAX_FENCES fds stay open.
 * Submissions of one context complete in order, so waiting for a fence also
 * retires every older one, and a fence whose fd was dropped to stay within the
 * bound is waited for through the next newer one.
 *
 * Errors (gd.h codes): an ioctl failing with ENODEV (device unplugged) sets the
 * sticky -ENOTCONN; ENOMEM, ENOSPC, EINVAL pass through, EFAULT/ENOENT become
 * -EINVAL, ENOTTY/ENOSYS/EOPNOTSUPP -ENOTSUP, ETIME -ETIMEDOUT, anything else
 * -EIO. Opening a node the caller may not open gives -EACCES/-EPERM.
 * Read-backs: transfer(to_host = false) waits (WAIT) until the bytes are in the
 * mapping before it returns.
 */
#ifndef GD_DRM_H
#define GD_DRM_H

#include <stdint.h>

#include "gd_winsys.h"

/* Open sync_file fds one winsys keeps at most (each costs a kernel file). */
#define GD_DRM_MAX_FENCES 64

/**
 * The device seam. All callbacks get the `opaque` given at creation and return a
 * negative errno on failure (never a bare -1). Called from the winsys' thread.
 */
struct gd_drm_ioctl_ops {
	/** Opens `path` read/write, close-on-exec: an fd or -errno. */
	int (*open)(void *opaque, const char *path);
	/** Closes a device or fence fd. */
	void (*close)(void *opaque, int fd);
	/** One ioctl, retried on EINTR/EAGAIN: 0 or -errno. */
	int (*ioctl)(void *opaque, int fd, unsigned long request, void *arg);
	/** Shared read/write mapping of `size` bytes at mmap `offset` of fd; NULL on failure. */
	void *(*mmap)(void *opaque, int fd, size_t size, uint64_t offset);
	/** Drops a mapping made by mmap. */
	void (*munmap)(void *opaque, void *addr, size_t size);
};

/** The real system calls (opaque unused). */
extern const struct gd_drm_ioctl_ops gd_drm_sys_ops;

/**
 * Creates the winsys on an open virtio-gpu device `fd`, which it owns from now on
 * (also on failure). Requires 3D (-ENOTSUP without it or without a virgl capset);
 * creates the context with capset VIRGL2 (else VIRGL) when the kernel has
 * CONTEXT_INIT. ops and opaque must outlive the winsys.
 */
int gd_winsys_drm_create_with_ops(int fd, const struct gd_drm_ioctl_ops *ops, void *opaque,
				  struct gd_winsys **out);

/**
 * gd_winsys_drm_create() over `ops`: opens `path`, or with NULL the first of
 * /dev/dri/renderD128..191 whose driver is "virtio_gpu" with 3D. -ENODEV if there
 * is none (or `path` is not a virtio-gpu node).
 */
int gd_winsys_drm_open_with_ops(const char *path, const struct gd_drm_ioctl_ops *ops, void *opaque,
				struct gd_winsys **out);

#endif /* GD_DRM_H */
