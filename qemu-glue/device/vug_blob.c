/*
 * pvgpu qemu-glue — blob resources (virtio spec 5.7.6.8, RESOURCE_BLOB):
 * BLOB_MEM_GUEST blobs are the guest's pages, shown by the display in place
 * with no host copy. Host-memory blobs need a transport that can map host
 * memory into the guest (a shared-memory region); ours cannot, so HOST3D blobs
 * and MAP_BLOB are answered as unsupported.
 */
#include <stdlib.h>

#include "vug_priv.h"

#define BLOB_FLAGS_KNOWN                                                          \
	(VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE | VIRTIO_GPU_BLOB_FLAG_USE_SHAREABLE | \
	 VIRTIO_GPU_BLOB_FLAG_USE_CROSS_DEVICE)

uint32_t
vug_cmd_create_blob(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_resource_create_blob *c = &req->u.blob;
	uint32_t err = vug_res_id_check(gpu, c->resource_id);
	if (err) {
		return err;
	}
	if (c->blob_mem != VIRTIO_GPU_BLOB_MEM_GUEST || (c->blob_flags & ~BLOB_FLAGS_KNOWN) ||
	    c->size == 0 || c->size > VUG_MAX_BACKING_SIZE) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	struct vug_backing b;
	err = vug_backing_from_entries(gpu, req, sizeof(*c), c->nr_entries, &b);
	if (err) {
		return err;
	}
	if (b.size < c->size) {
		vug_backing_finish(gpu, &b);
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER; /* pages smaller than the blob */
	}
	b.size = c->size; /* bounds checks use the blob's size */
	struct vug_res *res = calloc(1, sizeof(*res));
	if (!res) {
		vug_backing_finish(gpu, &b);
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	*res = (struct vug_res){.id = c->resource_id, .kind = VUG_RES_BLOB, .backing = b};
	if (!vug_res_insert(gpu, res)) {
		vug_backing_finish(gpu, &res->backing);
		free(res);
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
vug_cmd_set_scanout_blob(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_set_scanout_blob *sb = &req->u.scanout_blob;
	if (sb->scanout_id >= gpu->cfg.num_scanouts) {
		return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
	}
	if (sb->resource_id == 0) {
		vug_scanout_disable(gpu, sb->scanout_id);
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	struct vug_res *res = vug_res_lookup(gpu, sb->resource_id);
	if (!res || res->kind != VUG_RES_BLOB) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	/* One plane of 4-byte pixels: every byte the display reads lies in the blob. */
	uint64_t end;
	if (!vug_format_valid(sb->format) || !sb->width || !sb->height || sb->width > VUG_MAX_DIM ||
	    sb->height > VUG_MAX_DIM || sb->strides[0] < sb->width * 4 || !sb->r.width ||
	    !sb->r.height || !vug_rect_inside(&sb->r, sb->width, sb->height) ||
	    __builtin_mul_overflow((uint64_t)sb->strides[0], sb->height - 1, &end) ||
	    __builtin_add_overflow(end, (uint64_t)sb->width * 4 + sb->offsets[0], &end) ||
	    end > res->backing.size) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	vug_scanout_detach(gpu, sb->scanout_id); /* the sink gets the new frame below */
	struct vug_scanout *s = &gpu->scanouts[sb->scanout_id];
	s->res_id = res->id;
	s->r = sb->r;
	s->blob_format = sb->format;
	s->blob_stride = sb->strides[0];
	s->blob_offset = sb->offsets[0];
	res->scanout_mask |= 1u << sb->scanout_id;
	vug_scanout_publish(gpu, sb->scanout_id);
	return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
vug_cmd_map_blob(struct vug_gpu *gpu, struct vug_req *req)
{
	/* MAP_BLOB and UNMAP_BLOB both start with the resource id. */
	if (!vug_res_lookup(gpu, req->u.map_blob.resource_id)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	return VIRTIO_GPU_RESP_ERR_UNSPEC; /* no host-visible memory region to map into */
}
