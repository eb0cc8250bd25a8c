/*
 * pvgpu guest driver — the virtio-gpu DRM winsys: device probing, context
 * creation, caps and teardown (see gd_drm.h). Resources live in
 * gd_drm_resource.c, submissions and fences in gd_drm_submit.c.
 */
#include "gd_drm_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* ----------------------------------------------------------- system calls */

static int
sys_open(void *opaque, const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void
sys_close(void *opaque, int fd)
{
	close(fd);
}

static int
sys_ioctl(void *opaque, int fd, unsigned long request, void *arg)
{
	int r;
	do {
		r = ioctl(fd, request, arg);
	} while (r == -1 && (errno == EINTR || errno == EAGAIN));
	return r == -1 ? -errno : 0;
}

static void *
sys_mmap(void *opaque, int fd, size_t size, uint64_t offset)
{
	if (offset > (uint64_t)INT64_MAX) {
		return NULL;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
	return p == MAP_FAILED ? NULL : p;
}

static void
sys_munmap(void *opaque, void *addr, size_t size)
{
	munmap(addr, size);
}

const struct gd_drm_ioctl_ops gd_drm_sys_ops = {
	.open = sys_open,
	.close = sys_close,
	.ioctl = sys_ioctl,
	.mmap = sys_mmap,
	.munmap = sys_munmap,
};

/* ---------------------------------------------------------------- ioctls */

static int
map_errno(int r)
{
	switch (r) {
	case -ENOMEM:
	case -ENOSPC:
	case -EINVAL:
	case -EBUSY:
	case -ETIMEDOUT:
		return r;
	case -ETIME:
		return -ETIMEDOUT;
	case -EFAULT:
	case -ENOENT: /* unknown handle: we passed something the kernel does not know */
		return -EINVAL;
	case -ENOTTY:
	case -ENOSYS:
	case -EOPNOTSUPP:
		return -ENOTSUP;
	default:
		return -EIO;
	}
}

int
drm_ws_ioctl(struct drm_ws *ws, unsigned long request, void *arg)
{
	if (ws->base.status) {
		return ws->base.status;
	}
	int r = ws->ops->ioctl(ws->opaque, ws->fd, request, arg);
	if (r == 0) {
		return 0;
	}
	if (r == -ENODEV) {
		ws->base.status = -ENOTCONN;
		return -ENOTCONN;
	}
	return map_errno(r);
}

/* GETPARAM: the kernel writes an int through the user pointer in `value`. */
static int
get_param(struct drm_ws *ws, uint64_t param, uint32_t *value)
{
	int v = 0;
	struct drm_virtgpu_getparam gp = {.param = param, .value = (uint64_t)(uintptr_t)&v};
	int r = drm_ws_ioctl(ws, DRM_IOCTL_VIRTGPU_GETPARAM, &gp);
	*value = r == 0 ? (uint32_t)v : 0;
	return r;
}

/* Params older kernels do not know read as 0; only a gone device is an error. */
static int
get_param_opt(struct drm_ws *ws, uint64_t param, uint32_t *value)
{
	int r = get_param(ws, param, value);
	return r == -ENOTCONN ? r : 0;
}

static bool
caps_version_ok(uint32_t version)
{
	return version == VIRGL_CAPSET_VIRGL || version == VIRGL_CAPSET_VIRGL2;
}

static int
drm_get_caps(struct gd_winsys *base, uint32_t version, struct vgp_caps_v2 *caps)
{
	struct drm_ws *ws = drm_ws(base);
	memset(caps, 0, sizeof(*caps));
	if (ws->base.status) {
		return ws->base.status;
	}
	if (!caps_version_ok(version)) {
		return -EINVAL;
	}
	if (!(ws->capset_mask & (1u << version))) {
		return -ENOTSUP;
	}
	/* Capset 1 is the v1 prefix (308 bytes), capset 2 the whole v2 (1376 bytes). */
	uint32_t size = version == VIRGL_CAPSET_VIRGL2 ? VGP_CAPS_V2_SIZE : VGP_CAPS_V1_SIZE;
	struct drm_virtgpu_get_caps gc = {
		.cap_set_id = version,
		.cap_set_ver = 0,
		.addr = (uint64_t)(uintptr_t)caps,
		.size = size,
	};
	int r = drm_ws_ioctl(ws, DRM_IOCTL_VIRTGPU_GET_CAPS, &gc);
	if (r == -EINVAL) {
		/* The kernel found no such capset on the device. */
		r = -ENOTSUP;
	}
	/* The kernel leaves size alone; another size or an unfilled capset (every
	 * virgl host writes max_version >= 1) means the answer is not a capset. */
	if (r == 0 && (gc.size != size || caps->v1.max_version == 0)) {
		r = -EPROTO;
	}
	if (r < 0) {
		memset(caps, 0, sizeof(*caps));
	}
	return r;
}

static void
drm_destroy(struct gd_winsys *base)
{
	struct drm_ws *ws = drm_ws(base);
	if (!ws) {
		return;
	}
	while (ws->resources) {
		drm_ws_resource_destroy(base, &ws->resources->base);
	}
	drm_ws_fences_finish(ws);
	ws->ops->close(ws->opaque, ws->fd);
	free(ws);
}

static const struct gd_winsys_impl drm_impl = {
	.name = "drm",
	.destroy = drm_destroy,
	.get_caps = drm_get_caps,
	.resource_create = drm_ws_resource_create,
	.resource_destroy = drm_ws_resource_destroy,
	.transfer = drm_ws_transfer,
	.submit = drm_ws_submit,
	.fence_wait = drm_ws_fence_wait,
	.resource_busy = drm_ws_resource_busy,
};

bool
drm_ws_is(const struct gd_winsys *ws)
{
	return ws && ws->impl == &drm_impl;
}

/* --------------------------------------------------------------- creation */

/* Which virgl capsets can be read (bit n = capset n). */
static int
probe_capsets(struct drm_ws *ws)
{
	uint32_t fix, blob, ctx_init, ids = 0;
	int r = get_param_opt(ws, VIRTGPU_PARAM_CAPSET_QUERY_FIX, &fix);
	if (r == 0) {
		r = get_param_opt(ws, VIRTGPU_PARAM_RESOURCE_BLOB, &blob);
	}
	if (r == 0) {
		r = get_param_opt(ws, VIRTGPU_PARAM_CONTEXT_INIT, &ctx_init);
	}
	if (r == 0 && ctx_init) {
		r = get_param_opt(ws, VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs, &ids);
	}
	if (r < 0) {
		return r;
	}
	ws->has_blob = blob != 0;
	ws->has_context_init = ctx_init != 0;
	const uint32_t virgl = (1u << VIRGL_CAPSET_VIRGL) | (1u << VIRGL_CAPSET_VIRGL2);
	if (ids) {
		ws->capset_mask = ids & virgl;
	} else {
		/* Before SUPPORTED_CAPSET_IDs: capset 1 always, 2 once the query fix is in. */
		ws->capset_mask =
			(1u << VIRGL_CAPSET_VIRGL) | (fix ? 1u << VIRGL_CAPSET_VIRGL2 : 0);
	}
	return ws->capset_mask ? 0 : -ENOTSUP;
}

/* Binds the file's context to the best virgl capset; older kernels create a
 * virgl context implicitly on first use. */
static int
init_context(struct drm_ws *ws)
{
	if (!ws->has_context_init) {
		return 0;
	}
	struct gd_virtgpu_ctx_param param = {
		.param = VIRTGPU_CONTEXT_PARAM_CAPSET_ID,
		.value = ws->capset_mask & (1u << VIRGL_CAPSET_VIRGL2) ? VIRGL_CAPSET_VIRGL2
								       : VIRGL_CAPSET_VIRGL,
	};
	struct gd_virtgpu_context_init init = {
		.num_params = 1,
		.ctx_set_params = (uint64_t)(uintptr_t)&param,
	};
	return drm_ws_ioctl(ws, GD_IOCTL_VIRTGPU_CONTEXT_INIT, &init);
}

int
gd_winsys_drm_create_with_ops(int fd, const struct gd_drm_ioctl_ops *ops, void *opaque,
			      struct gd_winsys **out)
{
	*out = NULL;
	struct drm_ws *ws = calloc(1, sizeof(*ws));
	if (!ws) {
		ops->close(opaque, fd);
		return -ENOMEM;
	}
	ws->base.impl = &drm_impl;
	ws->ops = ops;
	ws->opaque = opaque;
	ws->fd = fd;

	uint32_t has_3d;
	int r = get_param(ws, VIRTGPU_PARAM_3D_FEATURES, &has_3d);
	if (r == 0 && !has_3d) {
		r = -ENOTSUP;
	}
	if (r == 0) {
		r = probe_capsets(ws);
	}
	if (r == 0) {
		r = init_context(ws);
	}
	if (r < 0) {
		drm_destroy(&ws->base);
		return r;
	}
	*out = &ws->base;
	return 0;
}

/* Is fd a virtio-gpu device? Asks the DRM core for the driver name. */
static bool
is_virtio_gpu(const struct gd_drm_ioctl_ops *ops, void *opaque, int fd)
{
	static const char want[] = "virtio_gpu";
	char name[32] = {0};
	struct drm_version v = {.name_len = sizeof(name) - 1, .name = name};
	if (ops->ioctl(opaque, fd, DRM_IOCTL_VERSION, &v) < 0) {
		return false;
	}
	/* name_len comes back as the full length; only a fitting exact name counts. */
	return v.name_len == sizeof(want) - 1 && memcmp(name, want, sizeof(want) - 1) == 0;
}

static int
open_node(const char *path, const struct gd_drm_ioctl_ops *ops, void *opaque,
	  struct gd_winsys **out)
{
	int fd = ops->open(opaque, path);
	if (fd < 0) {
		return fd == -EACCES || fd == -EPERM ? fd : -ENODEV;
	}
	if (!is_virtio_gpu(ops, opaque, fd)) {
		ops->close(opaque, fd);
		return -ENODEV;
	}
	return gd_winsys_drm_create_with_ops(fd, ops, opaque, out);
}

int
gd_winsys_drm_open_with_ops(const char *path, const struct gd_drm_ioctl_ops *ops, void *opaque,
			    struct gd_winsys **out)
{
	*out = NULL;
	if (path) {
		return open_node(path, ops, opaque, out);
	}
	/* Render nodes are numbered 128..191 by the DRM core. */
	for (int minor = 128; minor <= 191; minor++) {
		char node[32];
		snprintf(node, sizeof(node), "/dev/dri/renderD%d", minor);
		if (open_node(node, ops, opaque, out) == 0) {
			return 0;
		}
	}
	return -ENODEV;
}

int
gd_winsys_drm_create(const char *path, struct gd_winsys **out)
{
	return gd_winsys_drm_open_with_ops(path, &gd_drm_sys_ops, NULL, out);
}
