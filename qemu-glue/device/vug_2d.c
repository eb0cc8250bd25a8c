/*
 * pvgpu qemu-glue — 2D commands (virtio spec 5.7.6.8): resources with a host
 * copy the display reads, guest backings, scanouts, flushes, EDID and UUIDs.
 */
#include <stdlib.h>
#include <string.h>

#include "vgp_virgl_format.h"
#include "vr_core.h"
#include "vug_priv.h"

uint32_t
vug_cmd_display_info(struct vug_gpu *gpu, struct vug_req *req)
{
	struct virtio_gpu_display_one *modes = (struct virtio_gpu_display_one *)req->resp;
	for (uint32_t i = 0; i < gpu->cfg.num_scanouts; i++) {
		const struct vug_scanout *s = &gpu->scanouts[i];
		if (s->enabled) {
			modes[i].r = (struct virtio_gpu_rect){0, 0, s->width, s->height};
			modes[i].enabled = 1;
		}
	}
	return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
}

/* A free, non-zero resource id and room in the table; else the error to answer. */
uint32_t
vug_res_id_check(struct vug_gpu *gpu, uint32_t id)
{
	if (id == 0 || vug_res_lookup(gpu, id)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (gpu->resources.count >= VR_MAX_RESOURCES) {
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	return 0;
}

uint32_t
vug_cmd_create_2d(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_resource_create_2d *c = &req->u.create_2d;
	uint32_t err = vug_res_id_check(gpu, c->resource_id);
	if (err) {
		return err;
	}
	if (!vug_format_valid(c->format) || !c->width || !c->height || c->width > VUG_MAX_DIM ||
	    c->height > VUG_MAX_DIM) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	uint64_t bytes = (uint64_t)c->width * c->height * 4; /* < 2^30: no overflow */
	if (gpu->host_2d_bytes + bytes > VUG_MAX_HOST_2D_BYTES) {
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	struct vug_res *res = calloc(1, sizeof(*res));
	uint8_t *host = calloc(1, bytes);
	if (!res || !host) {
		goto err_free;
	}
	*res = (struct vug_res){.id = c->resource_id,
				.kind = VUG_RES_2D,
				.format = c->format,
				.width = c->width,
				.height = c->height,
				.host = host};
	if (!vug_res_insert(gpu, res)) {
		goto err_free;
	}
	gpu->host_2d_bytes += bytes;
	return VIRTIO_GPU_RESP_OK_NODATA;

err_free:
	free(host);
	free(res);
	return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
}

uint32_t
vug_cmd_unref(struct vug_gpu *gpu, struct vug_req *req)
{
	struct vug_res *res = vug_res_lookup(gpu, req->u.unref.resource_id);
	if (!res) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	vug_res_destroy(gpu, res);
	return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
vug_cmd_attach_backing(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_resource_attach_backing *a = &req->u.attach;
	struct vug_res *res = vug_res_lookup(gpu, a->resource_id);
	if (!res) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (res->kind == VUG_RES_BLOB || res->backing.iov_count) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC; /* blobs keep theirs; one backing at a time */
	}
	struct vug_backing b;
	uint32_t err = vug_backing_from_entries(gpu, req, sizeof(*a), a->nr_entries, &b);
	if (err) {
		return err;
	}
	res->backing = b;
	if (res->kind == VUG_RES_3D) {
		vug_3d_backing_changed(res);
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
vug_cmd_detach_backing(struct vug_gpu *gpu, struct vug_req *req)
{
	struct vug_res *res = vug_res_lookup(gpu, req->u.detach.resource_id);
	if (!res) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (res->kind == VUG_RES_BLOB || !res->backing.iov_count) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	vug_backing_finish(gpu, &res->backing);
	if (res->kind == VUG_RES_3D) {
		vug_3d_backing_changed(res);
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
vug_cmd_transfer_2d(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_transfer_to_host_2d *t = &req->u.t2d;
	struct vug_res *res = vug_res_lookup(gpu, t->resource_id);
	if (!res) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (res->kind == VUG_RES_3D) {
		return vug_3d_transfer_2d(gpu, res, t);
	}
	if (res->kind == VUG_RES_BLOB) {
		/* The guest pages are the resource: nothing to copy (Linux sends these
		 * for dumb buffers that are guest blobs). */
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	if (!vug_rect_inside(&t->r, res->width, res->height)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	if (!res->backing.iov_count) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	if (!t->r.width || !t->r.height) {
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	/* `offset` is where pixel (r.x, r.y) lies in the guest's copy, whose rows are
	 * width * 4 bytes apart; the last row must end inside the backing. */
	uint64_t stride = (uint64_t)res->width * 4, row = (uint64_t)t->r.width * 4, end;
	if (__builtin_mul_overflow(stride, t->r.height - 1, &end) ||
	    __builtin_add_overflow(end, row, &end) ||
	    __builtin_add_overflow(end, t->offset, &end) || end > res->backing.size) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	uint8_t *dst = res->host + t->r.y * stride + (uint64_t)t->r.x * 4;
	if (t->r.x == 0 && t->r.width == res->width) {
		vug_iov_to_buf(res->backing.iov, res->backing.iov_count, t->offset, dst,
			       row * t->r.height);
	} else {
		for (uint32_t y = 0; y < t->r.height; y++) {
			vug_iov_to_buf(res->backing.iov, res->backing.iov_count,
				       t->offset + y * stride, dst + y * stride, row);
		}
	}
	gpu->stats.bytes_copied += row * t->r.height;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
vug_cmd_set_scanout(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_set_scanout *ss = &req->u.set_scanout;
	if (ss->scanout_id >= gpu->cfg.num_scanouts) {
		return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
	}
	if (ss->resource_id == 0) {
		vug_scanout_disable(gpu, ss->scanout_id);
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	struct vug_res *res = vug_res_lookup(gpu, ss->resource_id);
	if (!res) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	/* Blobs carry no format: they are shown with SET_SCANOUT_BLOB. */
	if (res->kind == VUG_RES_BLOB || !ss->r.width || !ss->r.height ||
	    !vug_rect_inside(&ss->r, res->width, res->height)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	uint8_t *readback = NULL;
	if (res->kind == VUG_RES_3D) {
		if (res->target != PIPE_TEXTURE_2D && res->target != PIPE_TEXTURE_RECT) {
			return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
		}
		if (!vug_format_valid(res->format)) {
			return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
		}
		readback = calloc(1, (size_t)ss->r.width * ss->r.height * 4);
		if (!readback) {
			return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
		}
	}
	vug_scanout_detach(gpu, ss->scanout_id); /* the sink gets the new frame below */
	struct vug_scanout *s = &gpu->scanouts[ss->scanout_id];
	s->res_id = res->id;
	s->r = ss->r;
	s->readback = readback;
	res->scanout_mask |= 1u << ss->scanout_id;
	if (readback) {
		vug_3d_read_rect(gpu, res, &ss->r, readback, ss->r.width * 4);
	}
	vug_scanout_publish(gpu, ss->scanout_id);
	return VIRTIO_GPU_RESP_OK_NODATA;
}

/* a ∩ b into out; false when empty. */
static bool
rect_intersect(const struct virtio_gpu_rect *a, const struct virtio_gpu_rect *b,
	       struct virtio_gpu_rect *out)
{
	uint64_t x0 = a->x > b->x ? a->x : b->x, y0 = a->y > b->y ? a->y : b->y;
	uint64_t ax1 = (uint64_t)a->x + a->width, bx1 = (uint64_t)b->x + b->width;
	uint64_t ay1 = (uint64_t)a->y + a->height, by1 = (uint64_t)b->y + b->height;
	uint64_t x1 = ax1 < bx1 ? ax1 : bx1, y1 = ay1 < by1 ? ay1 : by1;
	if (x1 <= x0 || y1 <= y0) {
		return false;
	}
	*out = (struct virtio_gpu_rect){(uint32_t)x0, (uint32_t)y0, (uint32_t)(x1 - x0),
					(uint32_t)(y1 - y0)};
	return true;
}

uint32_t
vug_cmd_flush(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_resource_flush *fl = &req->u.flush;
	struct vug_res *res = vug_res_lookup(gpu, fl->resource_id);
	if (!res) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	/* A blob has no size of its own: its rect is only clipped to each scanout. */
	if (res->kind != VUG_RES_BLOB && !vug_rect_inside(&fl->r, res->width, res->height)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	gpu->stats.flushes++;
	req->wait_display = gpu->cfg.sink && gpu->cfg.sink->impl->busy;
	for (uint32_t i = 0; i < gpu->cfg.num_scanouts; i++) {
		struct vug_scanout *s = &gpu->scanouts[i];
		struct virtio_gpu_rect d;
		if (!(res->scanout_mask & (1u << i)) || !rect_intersect(&fl->r, &s->r, &d)) {
			continue;
		}
		if (res->kind == VUG_RES_3D) {
			uint32_t stride = s->r.width * 4;
			uint8_t *dst = s->readback + (size_t)(d.y - s->r.y) * stride +
				       (size_t)(d.x - s->r.x) * 4;
			vug_3d_read_rect(gpu, res, &d, dst, stride);
		}
		struct vug_rect damage = {d.x - s->r.x, d.y - s->r.y, d.width, d.height};
		if (gpu->cfg.sink && gpu->cfg.sink->impl->flush) {
			gpu->cfg.sink->impl->flush(gpu->cfg.sink, i, &damage);
		}
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
vug_cmd_edid(struct vug_gpu *gpu, struct vug_req *req)
{
	uint32_t id = req->u.edid.scanout;
	if (id >= gpu->cfg.num_scanouts) {
		return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
	}
	/* Response after the header: size, padding, edid[1024]. */
	const struct vug_scanout *s = &gpu->scanouts[id];
	uint32_t size = s->edid_len ? s->edid_len : 128;
	memcpy(req->resp, &size, 4);
	if (s->edid_len) {
		memcpy(req->resp + 8, s->edid, s->edid_len);
	} else {
		vug_edid_build(req->resp + 8, s->width, s->height, id + 1);
	}
	return VIRTIO_GPU_RESP_OK_EDID;
}

uint32_t
vug_cmd_assign_uuid(struct vug_gpu *gpu, struct vug_req *req)
{
	struct vug_res *res = vug_res_lookup(gpu, req->u.uuid.resource_id);
	if (!res) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (!res->has_uuid) {
		/* Unique within the device, shaped as an RFC 4122 version 4 UUID. */
		uint64_t n = gpu->next_uuid++;
		uint64_t tag = (uint64_t)(uintptr_t)gpu;
		memcpy(res->uuid, &tag, 8);
		memcpy(res->uuid + 9, &n, 7); /* clear of the version and variant bits */
		res->uuid[6] = (uint8_t)((res->uuid[6] & 0x0f) | 0x40);
		res->uuid[8] = (uint8_t)((res->uuid[8] & 0x3f) | 0x80);
		res->has_uuid = true;
	}
	memcpy(req->resp, res->uuid, 16);
	return VIRTIO_GPU_RESP_OK_RESOURCE_UUID;
}
