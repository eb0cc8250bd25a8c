/* pvgpu tests — the in-memory virtio-gpu device (see fake_virtgpu.h). */
#include "fake_virtgpu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vgp_caps.h"
#include "vgp_virgl_format.h"
#include "vr_format.h"

void
fake_virtgpu_init(struct fake_virtgpu *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->nodes[0] = "virtio_gpu";
	dev->params[VIRTGPU_PARAM_3D_FEATURES] = 1;
	dev->params[VIRTGPU_PARAM_CAPSET_QUERY_FIX] = 1;
	dev->params[VIRTGPU_PARAM_RESOURCE_BLOB] = 1;
	dev->params[VIRTGPU_PARAM_CONTEXT_INIT] = 1;
	dev->params[VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs] =
		(1 << VIRGL_CAPSET_VIRGL) | (1 << VIRGL_CAPSET_VIRGL2) | (1 << VIRGL_CAPSET_VENUS);
	dev->fences_signal_now = true;
}

void
fake_virtgpu_signal(struct fake_virtgpu *dev)
{
	for (unsigned i = 0; i < dev->nfence_write; i++) {
		uint64_t one = 1;
		(void)!write(dev->fence_write[i], &one, sizeof(one));
		close(dev->fence_write[i]);
	}
	dev->nfence_write = 0;
}

void
fake_virtgpu_finish(struct fake_virtgpu *dev)
{
	fake_virtgpu_signal(dev);
	for (int i = 0; i < FAKE_MAX_RES; i++) {
		free(dev->res[i].guest);
		free(dev->res[i].host);
	}
}

struct fake_res *
fake_virtgpu_res(struct fake_virtgpu *dev, uint32_t bo)
{
	if (bo == 0 || bo > FAKE_MAX_RES || !dev->res[bo - 1].live) {
		return NULL;
	}
	return &dev->res[bo - 1];
}

/* ------------------------------------------------------------ system calls */

static int
fake_open(void *opaque, const char *path)
{
	struct fake_virtgpu *dev = opaque;
	int minor;
	char tail;
	if (sscanf(path, "/dev/dri/renderD%d%c", &minor, &tail) != 1 || minor < 128 ||
	    minor > 191 || !dev->nodes[minor - 128]) {
		return -ENOENT;
	}
	dev->opens++;
	return FAKE_FD_BASE + minor;
}

static void
fake_close(void *opaque, int fd)
{
	struct fake_virtgpu *dev = opaque;
	if (fd >= FAKE_FD_BASE) {
		dev->device_closes++;
	} else {
		close(fd);
		dev->fences_closed++;
	}
}

static void *
fake_mmap(void *opaque, int fd, size_t size, uint64_t offset)
{
	struct fake_virtgpu *dev = opaque;
	/* MAP hands out offset = bo << 16. */
	struct fake_res *r = fake_virtgpu_res(dev, (uint32_t)(offset >> 16));
	if (dev->map_fails || !r || size > r->size || r->mapped) {
		return NULL;
	}
	r->mapped = true;
	return r->guest;
}

static void
fake_munmap(void *opaque, void *addr, size_t size)
{
	struct fake_virtgpu *dev = opaque;
	dev->munmaps++;
	for (int i = 0; i < FAKE_MAX_RES; i++) {
		if (dev->res[i].live && dev->res[i].guest == addr) {
			dev->res[i].mapped = false;
		}
	}
}

/* ------------------------------------------------------------------ ioctls */

static int
do_version(struct fake_virtgpu *dev, int fd, struct drm_version *v)
{
	const char *name = dev->nodes[fd - FAKE_FD_BASE - 128];
	size_t len = strlen(name);
	memcpy(v->name, name, len < v->name_len ? len : v->name_len);
	v->name_len = len;
	return 0;
}

static int
do_getparam(struct fake_virtgpu *dev, struct drm_virtgpu_getparam *gp)
{
	dev->getparams++;
	if (gp->param >= 8 || dev->param_missing[gp->param]) {
		return -EINVAL;
	}
	*(int *)(uintptr_t)gp->value = dev->params[gp->param];
	return 0;
}

static int
do_context_init(struct fake_virtgpu *dev, struct gd_virtgpu_context_init *ci)
{
	dev->ctx_inits++;
	dev->ctx_num_params = ci->num_params;
	if (ci->num_params > 4) {
		return -EINVAL;
	}
	memcpy(dev->ctx_params, (void *)(uintptr_t)ci->ctx_set_params,
	       ci->num_params * sizeof(dev->ctx_params[0]));
	return 0;
}

static int
do_get_caps(struct fake_virtgpu *dev, struct drm_virtgpu_get_caps *gc)
{
	dev->get_caps++;
	dev->last_caps = *gc;
	uint32_t max;
	if (gc->cap_set_id == VIRGL_CAPSET_VIRGL) {
		max = VGP_CAPS_V1_SIZE;
	} else if (gc->cap_set_id == VIRGL_CAPSET_VIRGL2) {
		max = VGP_CAPS_V2_SIZE;
	} else {
		return -EINVAL;
	}
	/* A capset the host fills: max_version, then a recognisable byte pattern. */
	uint8_t set[VGP_CAPS_V2_SIZE];
	for (uint32_t i = 0; i < sizeof(set); i++) {
		set[i] = (uint8_t)(i * 7 + gc->cap_set_id);
	}
	uint32_t version = dev->caps_max_version ? dev->caps_max_version : gc->cap_set_id;
	if (dev->caps_max_version == UINT32_MAX) {
		version = 0;
	}
	memcpy(set, &version, 4);
	memcpy((void *)(uintptr_t)gc->addr, set, gc->size < max ? gc->size : max);
	if (dev->caps_size_reply) {
		gc->size = dev->caps_size_reply;
	}
	return 0;
}

static int
do_create(struct fake_virtgpu *dev, struct drm_virtgpu_resource_create *rc)
{
	dev->creates++;
	int i = 0;
	while (i < FAKE_MAX_RES && dev->res[i].live) {
		i++;
	}
	if (i == FAKE_MAX_RES) {
		return -ENOSPC;
	}
	struct fake_res *r = &dev->res[i];
	free(r->guest);
	free(r->host);
	memset(r, 0, sizeof(*r));
	r->create = *rc;
	/* The kernel backs even size 0 with a page. */
	r->size = rc->size ? rc->size : 4096;
	r->guest = calloc(1, r->size);
	r->host = calloc(1, r->size);
	r->live = true;
	rc->bo_handle = (uint32_t)i + 1;
	rc->res_handle = dev->zero_res_handle ? 0 : 100 + (uint32_t)i;
	return 0;
}

static int
do_map(struct fake_virtgpu *dev, struct drm_virtgpu_map *m)
{
	dev->maps++;
	if (!fake_virtgpu_res(dev, m->handle)) {
		return -ENOENT;
	}
	m->offset = (uint64_t)m->handle << 16;
	return 0;
}

static uint32_t
res_bpp(const struct fake_res *r)
{
	if (r->create.target == PIPE_BUFFER) {
		return 1;
	}
	const struct vr_format_info *fi = vr_format_get_texel(r->create.format);
	return fi ? fi->block_bytes : 0;
}

/* The host's copy keeps 2D levels tightly packed one after another. */
static uint64_t
host_level_offset(const struct fake_res *r, uint32_t level)
{
	uint64_t off = 0;
	for (uint32_t l = 0; l < level; l++) {
		uint32_t w = r->create.width >> l, h = r->create.height >> l;
		off += (uint64_t)(w ? w : 1) * (h ? h : 1) * res_bpp(r);
	}
	return off;
}

static int
do_transfer(struct fake_virtgpu *dev, struct gd_virtgpu_transfer *t, bool to_host)
{
	to_host ? dev->xfers_to++ : dev->xfers_from++;
	dev->last_xfer = *t;
	struct fake_res *r = fake_virtgpu_res(dev, t->bo_handle);
	if (!r || !res_bpp(r)) {
		return -ENOENT;
	}
	/* Like Linux (5.11+): stride and layer_stride are for host3d blobs only, which the
	 * fake has none of; 0 makes the host use the level's tight pitches. */
	if (t->stride || t->layer_stride) {
		return -EINVAL;
	}
	const struct drm_virtgpu_3d_box *b = &t->box;
	uint32_t lw = r->create.width >> t->level, lh = r->create.height >> t->level;
	uint64_t stride = (uint64_t)(lw ? lw : 1) * res_bpp(r);
	uint64_t layer_stride = stride * (lh ? lh : 1);
	uint64_t row = (uint64_t)b->w * res_bpp(r);
	uint64_t host0 = host_level_offset(r, t->level) + (uint64_t)b->z * layer_stride +
			 (uint64_t)b->y * stride + (uint64_t)b->x * res_bpp(r);
	uint64_t span = (uint64_t)(b->d - 1) * layer_stride + (uint64_t)(b->h - 1) * stride + row;
	if (!b->w || !b->h || !b->d || t->offset + span > r->size || host0 + span > r->size) {
		return -EINVAL;
	}
	for (uint32_t z = 0; z < b->d; z++) {
		for (uint32_t y = 0; y < b->h; y++) {
			uint64_t rel = (uint64_t)z * layer_stride + (uint64_t)y * stride;
			uint8_t *guest = r->guest + t->offset + rel, *host = r->host + host0 + rel;
			memcpy(to_host ? host : guest, to_host ? guest : host, row);
		}
	}
	return 0;
}

static int
do_execbuf(struct fake_virtgpu *dev, struct drm_virtgpu_execbuffer *eb)
{
	dev->execbufs++;
	dev->last_eb = *eb;
	if (eb->size > sizeof(dev->last_cmd) || eb->num_bo_handles > 16) {
		return -EINVAL;
	}
	if (eb->size) {
		memcpy(dev->last_cmd, (void *)(uintptr_t)eb->command, eb->size);
	}
	if (eb->num_bo_handles) {
		memcpy(dev->last_bos, (void *)(uintptr_t)eb->bo_handles, eb->num_bo_handles * 4);
	}
	for (uint32_t i = 0; i < eb->num_bo_handles; i++) {
		if (!fake_virtgpu_res(dev, dev->last_bos[i])) {
			return -ENOENT;
		}
	}
	if (eb->flags & VIRTGPU_EXECBUF_FENCE_FD_OUT) {
		/* The winsys gets its own fd of the eventfd, so it may close it first. */
		int efd = dev->nfence_write < FAKE_MAX_FENCES ? eventfd(0, EFD_CLOEXEC) : -1;
		int theirs = efd >= 0 ? fcntl(efd, F_DUPFD_CLOEXEC, 0) : -1;
		if (theirs < 0) {
			if (efd >= 0) {
				close(efd);
			}
			return -ENOMEM;
		}
		dev->fences_made++;
		eb->fence_fd = theirs;
		dev->fence_write[dev->nfence_write++] = efd;
		if (dev->fences_signal_now) {
			fake_virtgpu_signal(dev);
		}
	}
	return 0;
}

static int
do_wait(struct fake_virtgpu *dev, struct drm_virtgpu_3d_wait *w)
{
	dev->waits++;
	dev->last_wait = *w;
	struct fake_res *r = fake_virtgpu_res(dev, w->handle);
	if (!r) {
		return -ENOENT;
	}
	if (r->busy && ((w->flags & VIRTGPU_WAIT_NOWAIT) || dev->wait_times_out)) {
		return -EBUSY;
	}
	r->busy = false;
	return 0;
}

static int
do_gem_close(struct fake_virtgpu *dev, struct drm_gem_close *gc)
{
	dev->gem_closes++;
	dev->last_gem_close = gc->handle;
	struct fake_res *r = fake_virtgpu_res(dev, gc->handle);
	if (!r) {
		return -EINVAL;
	}
	r->live = false;
	return 0;
}

static int
fake_ioctl(void *opaque, int fd, unsigned long request, void *arg)
{
	struct fake_virtgpu *dev = opaque;
	dev->ioctls++;
	if (fd < FAKE_FD_BASE + 128 || fd > FAKE_FD_BASE + 191) {
		return -EBADF;
	}
	if (dev->gone) {
		return -ENODEV;
	}
	if (request == dev->fail_request) {
		return -dev->fail_errno;
	}
	switch (request) {
	case DRM_IOCTL_VERSION:
		return do_version(dev, fd, arg);
	case DRM_IOCTL_VIRTGPU_GETPARAM:
		return do_getparam(dev, arg);
	case GD_IOCTL_VIRTGPU_CONTEXT_INIT:
		return do_context_init(dev, arg);
	case DRM_IOCTL_VIRTGPU_GET_CAPS:
		return do_get_caps(dev, arg);
	case DRM_IOCTL_VIRTGPU_RESOURCE_CREATE:
		return do_create(dev, arg);
	case DRM_IOCTL_VIRTGPU_MAP:
		return do_map(dev, arg);
	case GD_IOCTL_VIRTGPU_TRANSFER_TO_HOST:
		return do_transfer(dev, arg, true);
	case GD_IOCTL_VIRTGPU_TRANSFER_FROM_HOST:
		return do_transfer(dev, arg, false);
	case DRM_IOCTL_VIRTGPU_EXECBUFFER:
		return do_execbuf(dev, arg);
	case DRM_IOCTL_VIRTGPU_WAIT:
		return do_wait(dev, arg);
	case DRM_IOCTL_GEM_CLOSE:
		return do_gem_close(dev, arg);
	default:
		dev->unknown_ioctls++;
		return -ENOTTY;
	}
}

const struct gd_drm_ioctl_ops fake_virtgpu_ops = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.mmap = fake_mmap,
	.munmap = fake_munmap,
};
