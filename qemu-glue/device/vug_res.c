/*
 * pvgpu qemu-glue — the device's resource table and what scanouts show.
 */
#include <stdlib.h>
#include <string.h>

#include "vug_priv.h"

struct vug_res *
vug_res_lookup(struct vug_gpu *gpu, uint32_t id)
{
	return id ? vr_hash_get(&gpu->resources, id) : NULL;
}

bool
vug_res_insert(struct vug_gpu *gpu, struct vug_res *res)
{
	return vr_hash_insert(&gpu->resources, res->id, res);
}

void
vug_res_destroy(struct vug_gpu *gpu, struct vug_res *res)
{
	for (uint32_t i = 0; i < gpu->cfg.num_scanouts; i++) {
		if (res->scanout_mask & (1u << i)) {
			vug_scanout_disable(gpu, i);
		}
	}
	vr_hash_remove(&gpu->resources, res->id);
	if (res->kind == VUG_RES_3D) {
		vug_3d_res_release(gpu, res);
	}
	vug_3d_forget_resource(gpu, res->id);
	if (res->host) {
		gpu->host_2d_bytes -= (uint64_t)res->width * res->height * 4;
		free(res->host);
	}
	vug_backing_finish(gpu, &res->backing);
	free(res);
}

bool
vug_format_valid(uint32_t format)
{
	switch (format) {
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return true;
	default:
		return false;
	}
}

bool
vug_rect_inside(const struct virtio_gpu_rect *r, uint32_t width, uint32_t height)
{
	uint32_t x1, y1;
	return !__builtin_add_overflow(r->x, r->width, &x1) &&
	       !__builtin_add_overflow(r->y, r->height, &y1) && x1 <= width && y1 <= height;
}

bool
vug_scanout_detach(struct vug_gpu *gpu, uint32_t id)
{
	struct vug_scanout *s = &gpu->scanouts[id];
	struct vug_res *res = vug_res_lookup(gpu, s->res_id);
	if (res) {
		res->scanout_mask &= ~(1u << id);
	}
	bool was_on = s->res_id != 0;
	s->res_id = 0;
	free(s->readback);
	s->readback = NULL;
	return was_on;
}

void
vug_scanout_disable(struct vug_gpu *gpu, uint32_t id)
{
	if (vug_scanout_detach(gpu, id) && gpu->cfg.sink && gpu->cfg.sink->impl->set_scanout) {
		gpu->cfg.sink->impl->set_scanout(gpu->cfg.sink, id, NULL);
	}
}

void
vug_scanout_publish(struct vug_gpu *gpu, uint32_t id)
{
	struct vug_scanout *s = &gpu->scanouts[id];
	struct vug_res *res = vug_res_lookup(gpu, s->res_id);
	if (!res || !gpu->cfg.sink || !gpu->cfg.sink->impl->set_scanout) {
		return;
	}
	struct vug_frame f = {.width = s->r.width, .height = s->r.height};
	switch (res->kind) {
	case VUG_RES_2D:
		s->frame_iov = (struct iovec){res->host, (size_t)res->width * res->height * 4};
		f.format = res->format;
		f.stride = res->width * 4;
		f.offset = (uint64_t)s->r.y * f.stride + (uint64_t)s->r.x * 4;
		f.iov = &s->frame_iov;
		f.iov_count = 1;
		break;
	case VUG_RES_BLOB:
		/* The guest's pages themselves: the sink reads them in place. */
		f.format = s->blob_format;
		f.stride = s->blob_stride;
		f.offset = s->blob_offset + (uint64_t)s->r.y * f.stride + (uint64_t)s->r.x * 4;
		f.iov = res->backing.iov;
		f.iov_count = res->backing.iov_count;
		break;
	case VUG_RES_3D:
		s->frame_iov = (struct iovec){s->readback, (size_t)s->r.width * s->r.height * 4};
		f.format = res->format;
		f.stride = s->r.width * 4;
		f.iov = &s->frame_iov;
		f.iov_count = 1;
		break;
	}
	gpu->cfg.sink->impl->set_scanout(gpu->cfg.sink, id, &f);
}
