/*
 * pvgpu guest driver — DRM winsys resources: RESOURCE_CREATE with guest-memory
 * backing, MAP + mmap of the buffer object, TRANSFER_TO/FROM_HOST, WAIT and
 * GEM_CLOSE.
 */
#include "gd_drm_priv.h"

#include "gd_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vgp_virgl_format.h"
#include "vr_format.h"

static void
gem_close(struct drm_ws *ws, uint32_t bo_handle)
{
	struct drm_gem_close gc = {.handle = bo_handle};
	/* Nothing to do if this fails: the kernel frees the object with the file. */
	(void)drm_ws_ioctl(ws, DRM_IOCTL_GEM_CLOSE, &gc);
}

/* Maps the buffer object's guest pages into this process. */
static int
map_bo(struct drm_ws *ws, struct drm_res *res)
{
	struct drm_virtgpu_map map = {.handle = res->bo_handle};
	int r = drm_ws_ioctl(ws, DRM_IOCTL_VIRTGPU_MAP, &map);
	if (r < 0) {
		return r;
	}
	res->base.map = ws->ops->mmap(ws->opaque, ws->fd, res->base.backing_size, map.offset);
	return res->base.map ? 0 : -ENOMEM;
}

int
drm_ws_resource_create(struct gd_winsys *base, const struct gd_resource_desc *desc,
		       size_t backing_size, struct gd_ws_res **out)
{
	struct drm_ws *ws = drm_ws(base);
	*out = NULL;
	if (ws->base.status) {
		return ws->base.status;
	}
	/* The kernel's size field is 32 bits wide. */
	if (backing_size > UINT32_MAX) {
		return -EINVAL;
	}
	struct drm_res *res = calloc(1, sizeof(*res));
	if (!res) {
		return -ENOMEM;
	}
	res->desc = *desc;
	res->base.backing_size = backing_size;

	uint32_t stride = 0, layer_stride;
	uint64_t level_offset;
	gd_resource_level_layout(desc, 0, &stride, &layer_stride, &level_offset);
	struct drm_virtgpu_resource_create rc = {
		.target = desc->target,
		.format = desc->format,
		.bind = desc->bind,
		.width = desc->width,
		.height = desc->height,
		.depth = desc->depth,
		.array_size = desc->array_size,
		.last_level = desc->last_level,
		.nr_samples = desc->nr_samples,
		.flags = 0,
		.size = (uint32_t)backing_size,
		.stride = stride,
	};
	int r = drm_ws_ioctl(ws, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc);
	if (r < 0) {
		goto err_free;
	}
	res->bo_handle = rc.bo_handle;
	res->base.handle = rc.res_handle;
	if (!rc.bo_handle || !rc.res_handle) {
		r = -EPROTO;
		goto err_bo;
	}
	if (backing_size) {
		r = map_bo(ws, res);
		if (r < 0) {
			goto err_bo;
		}
	}
	res->next = ws->resources;
	if (ws->resources) {
		ws->resources->prev = res;
	}
	ws->resources = res;
	*out = &res->base;
	return 0;

err_bo:
	if (rc.bo_handle) {
		gem_close(ws, rc.bo_handle);
	}
err_free:
	free(res);
	return r;
}

void
drm_ws_resource_destroy(struct gd_winsys *base, struct gd_ws_res *wres)
{
	struct drm_ws *ws = drm_ws(base);
	struct drm_res *res = (struct drm_res *)wres;
	if (!res) {
		return;
	}
	if (res->base.map) {
		ws->ops->munmap(ws->opaque, res->base.map, res->base.backing_size);
	}
	gem_close(ws, res->bo_handle);
	if (res->prev) {
		res->prev->next = res->next;
	} else {
		ws->resources = res->next;
	}
	if (res->next) {
		res->next->prev = res->prev;
	}
	free(res);
}

static uint32_t
minify(uint32_t size, uint32_t level)
{
	uint32_t s = level < 32 ? size >> level : 0;
	return s ? s : 1;
}

/* Size of `level` in the box's x, y and z (gallium puts 1D array layers in y). */
static void
level_extent(const struct gd_resource_desc *d, uint32_t level, int64_t ext[3])
{
	ext[0] = minify(d->width, level);
	ext[1] = minify(d->height, level);
	ext[2] = 1;
	switch (d->target) {
	case PIPE_BUFFER:
		ext[0] = d->width;
		break;
	case PIPE_TEXTURE_1D_ARRAY:
		ext[1] = d->array_size;
		break;
	case PIPE_TEXTURE_3D:
		ext[2] = minify(d->depth, level);
		break;
	case PIPE_TEXTURE_CUBE:
		ext[2] = 6;
		break;
	case PIPE_TEXTURE_2D_ARRAY:
	case PIPE_TEXTURE_CUBE_ARRAY:
		ext[2] = d->array_size;
		break;
	default:
		break;
	}
}

/* Checks box against the level and the guest memory the copy touches. */
static int
check_transfer(const struct drm_res *res, uint32_t level, const struct gd_box *box, uint64_t offset,
	       uint32_t stride, uint32_t layer_stride)
{
	const struct gd_resource_desc *d = &res->desc;
	if (level > d->last_level || !res->base.backing_size || offset > UINT32_MAX) {
		return -EINVAL;
	}
	int64_t ext[3];
	level_extent(d, level, ext);
	const int64_t pos[3] = {box->x, box->y, box->z}, size[3] = {box->w, box->h, box->d};
	for (int i = 0; i < 3; i++) {
		if (pos[i] < 0 || size[i] <= 0 || pos[i] + size[i] > ext[i]) {
			return -EINVAL;
		}
	}
	uint32_t bpp = 1;
	if (d->target != PIPE_BUFFER) {
		const struct vr_format_info *fi = vr_format_get_texel(d->format);
		if (!fi) {
			return -EINVAL;
		}
		bpp = fi->block_bytes;
	}
	/* One past the last byte the copy touches in guest memory. */
	uint64_t end, layers, rows;
	if (__builtin_mul_overflow((uint64_t)(box->d - 1), layer_stride, &layers) ||
	    __builtin_mul_overflow((uint64_t)(box->h - 1), stride, &rows) ||
	    __builtin_add_overflow(offset, layers, &end) ||
	    __builtin_add_overflow(end, rows, &end) ||
	    __builtin_add_overflow(end, (uint64_t)box->w * bpp, &end)) {
		return -EINVAL;
	}
	return end <= res->base.backing_size ? 0 : -EINVAL;
}

int
drm_ws_transfer(struct gd_winsys *base, struct gd_ws_res *wres, uint32_t level,
		const struct gd_box *box, uint64_t offset, bool to_host)
{
	struct drm_ws *ws = drm_ws(base);
	struct drm_res *res = (struct drm_res *)wres;
	if (ws->base.status) {
		return ws->base.status;
	}
	if (!res || !box) {
		return -EINVAL;
	}
	uint32_t stride, layer_stride;
	uint64_t level_offset;
	gd_resource_level_layout(&res->desc, level, &stride, &layer_stride, &level_offset);
	int r = check_transfer(res, level, box, offset, stride, layer_stride);
	if (r < 0) {
		return r;
	}
	struct gd_virtgpu_transfer t = {
		.bo_handle = res->bo_handle,
		.box = {(uint32_t)box->x, (uint32_t)box->y, (uint32_t)box->z, (uint32_t)box->w,
			(uint32_t)box->h, (uint32_t)box->d},
		.level = level,
		.offset = (uint32_t)offset,
		/* Linux refuses pitches for anything but host3d blobs (EINVAL); 0 tells the
		 * host to use the level's tight pitches, which is our guest layout. */
	};
	if (to_host) {
		return drm_ws_ioctl(ws, GD_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t);
	}
	r = drm_ws_ioctl(ws, GD_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, &t);
	if (r < 0) {
		return r;
	}
	/* The kernel only queues the copy; the bytes are in our mapping once the
	 * buffer object is idle, which is what a caller of transfer expects. */
	bool busy;
	return drm_ws_resource_busy(base, wres, true, &busy);
}

int
drm_ws_resource_busy(struct gd_winsys *base, struct gd_ws_res *wres, bool wait, bool *busy)
{
	struct drm_ws *ws = drm_ws(base);
	struct drm_res *res = (struct drm_res *)wres;
	*busy = false;
	if (ws->base.status) {
		return ws->base.status;
	}
	if (!res) {
		return -EINVAL;
	}
	struct drm_virtgpu_3d_wait w = {
		.handle = res->bo_handle,
		.flags = wait ? 0 : VIRTGPU_WAIT_NOWAIT,
	};
	int r = drm_ws_ioctl(ws, DRM_IOCTL_VIRTGPU_WAIT, &w);
	if (r == -EBUSY) {
		/* NOWAIT: still in use; blocking: the kernel gave up after its timeout. */
		*busy = true;
		return wait ? -ETIMEDOUT : 0;
	}
	return r;
}

int
gd_resource_drm_handle(const struct gd_resource *res, int *fd, uint32_t *bo_handle)
{
	if (!res || !drm_ws_is(res->screen->ws) || !res->ws_res) {
		return -ENOTSUP;
	}
	const struct drm_res *dres = (const struct drm_res *)res->ws_res;
	*fd = drm_ws(res->screen->ws)->fd;
	*bo_handle = dres->bo_handle;
	return 0;
}
