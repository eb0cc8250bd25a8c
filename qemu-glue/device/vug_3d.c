/*
 * pvgpu qemu-glue — 3D commands through the renderer core (virtio spec
 * 5.7.6.9 and the virgl capsets): contexts, virgl resources whose guest
 * backing the renderer reads in place, transfers and command submission.
 *
 * Resources are device-wide in the core (vtest has no attach step). The device
 * model tracks CTX_ATTACH/DETACH per context and enforces it for transfers that
 * name a context; SUBMIT_3D is not checked, since that would mean decoding the
 * stream here: a context can name any resource of its own VM, which is the
 * same trust boundary (one device = one VM).
 */
#include <stdlib.h>
#include <string.h>

#include "vr_core.h"
#include "vug_priv.h"

#define BIT(n) (1ull << (n))

static const uint32_t capset_ids[] = {VIRGL_CAPSET_VIRGL, VIRGL_CAPSET_VIRGL2};

uint32_t
vug_cmd_capset_info(struct vug_gpu *gpu, struct vug_req *req)
{
	uint32_t index = req->u.capset_info.capset_index;
	if (index >= 2) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	struct vgp_caps_v2 caps;
	struct virtio_gpu_resp_capset_info r = {
		.capset_id = capset_ids[index],
		.capset_max_version = index + 1,
		.capset_max_size = (uint32_t)vr_device_get_caps(gpu->dev, capset_ids[index], &caps,
								sizeof(caps)),
	};
	memcpy(req->resp, (uint8_t *)&r + sizeof(r.hdr), sizeof(r) - sizeof(r.hdr));
	return VIRTIO_GPU_RESP_OK_CAPSET_INFO;
}

uint32_t
vug_cmd_capset(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_get_capset *c = &req->u.capset;
	uint32_t max_version = c->capset_id == VIRGL_CAPSET_VIRGL2 ? 2 : 1;
	if ((c->capset_id != VIRGL_CAPSET_VIRGL && c->capset_id != VIRGL_CAPSET_VIRGL2) ||
	    c->capset_version > max_version) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	struct vgp_caps_v2 caps;
	size_t size = vr_device_get_caps(gpu->dev, c->capset_id, &caps, sizeof(caps));
	if (!size || size > req->resp_len) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC; /* no room for the whole capset */
	}
	memcpy(req->resp, &caps, size);
	req->resp_len = size;
	return VIRTIO_GPU_RESP_OK_CAPSET;
}

static struct vug_ctx *
ctx_lookup(struct vug_gpu *gpu, uint32_t id)
{
	return id ? vr_hash_get(&gpu->contexts, id) : NULL;
}

uint32_t
vug_cmd_ctx_create(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_ctx_create *c = &req->u.ctx_create;
	uint32_t id = req->hdr.ctx_id;
	uint32_t capset = c->context_init & VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK;
	if (id == 0 || ctx_lookup(gpu, id)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
	}
	if (c->nlen > sizeof(c->debug_name) ||
	    (c->context_init && !(gpu->features & BIT(VIRTIO_GPU_F_CONTEXT_INIT))) ||
	    (c->context_init & ~VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK) ||
	    (capset && capset != VIRGL_CAPSET_VIRGL && capset != VIRGL_CAPSET_VIRGL2)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	if (gpu->contexts.count >= VR_MAX_CONTEXTS) {
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	char name[sizeof(c->debug_name) + 1];
	memcpy(name, c->debug_name, c->nlen);
	name[c->nlen] = '\0';
	struct vug_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	ctx->id = id;
	ctx->capset_id = capset ? capset : VIRGL_CAPSET_VIRGL2;
	vr_hash_init(&ctx->attached);
	const char *why = "";
	if (!vr_device_ctx_create(gpu->dev, id, name, &why)) {
		free(ctx);
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY; /* the id was checked: the renderer failed
							   */
	}
	if (!vr_hash_insert(&gpu->contexts, id, ctx)) {
		vr_device_ctx_destroy(gpu->dev, id);
		free(ctx);
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static void
ctx_free(struct vug_gpu *gpu, struct vug_ctx *ctx)
{
	vr_hash_remove(&gpu->contexts, ctx->id);
	vr_device_ctx_destroy(gpu->dev, ctx->id);
	vr_hash_finish(&ctx->attached);
	free(ctx);
}

uint32_t
vug_cmd_ctx_destroy(struct vug_gpu *gpu, struct vug_req *req)
{
	struct vug_ctx *ctx = ctx_lookup(gpu, req->hdr.ctx_id);
	if (!ctx) {
		return VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
	}
	ctx_free(gpu, ctx);
	return VIRTIO_GPU_RESP_OK_NODATA;
}

void
vug_3d_ctx_destroy_all(struct vug_gpu *gpu)
{
	uint32_t key;
	void *val;
	for (size_t it = 0; vr_hash_next(&gpu->contexts, &it, &key, &val);) {
		ctx_free(gpu, val);
	}
}

uint32_t
vug_cmd_ctx_attach(struct vug_gpu *gpu, struct vug_req *req)
{
	struct vug_ctx *ctx = ctx_lookup(gpu, req->hdr.ctx_id);
	if (!ctx) {
		return VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
	}
	uint32_t id = req->u.ctx_res.resource_id;
	if (!vug_res_lookup(gpu, id)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (vr_hash_get(&ctx->attached, id)) {
		return VIRTIO_GPU_RESP_OK_NODATA; /* attaching twice changes nothing */
	}
	return vr_hash_insert(&ctx->attached, id, (void *)1) ? VIRTIO_GPU_RESP_OK_NODATA
							     : VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
}

uint32_t
vug_cmd_ctx_detach(struct vug_gpu *gpu, struct vug_req *req)
{
	struct vug_ctx *ctx = ctx_lookup(gpu, req->hdr.ctx_id);
	if (!ctx) {
		return VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
	}
	if (!vr_hash_remove(&ctx->attached, req->u.ctx_res.resource_id)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

void
vug_3d_forget_resource(struct vug_gpu *gpu, uint32_t res_id)
{
	uint32_t key;
	void *val;
	for (size_t it = 0; vr_hash_next(&gpu->contexts, &it, &key, &val);) {
		vr_hash_remove(&((struct vug_ctx *)val)->attached, res_id);
	}
}

static void
core_backing_release(struct vr_backing *b)
{
	free(b);
}

uint32_t
vug_cmd_create_3d(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_resource_create_3d *c = &req->u.create_3d;
	uint32_t err = vug_res_id_check(gpu, c->resource_id);
	if (err) {
		return err;
	}
	struct vr_resource_desc desc = {
		.target = c->target,
		.format = c->format,
		.bind = c->bind,
		.width = c->width,
		.height = c->height,
		.depth = c->depth,
		.array_size = c->array_size,
		.last_level = c->last_level,
		.nr_samples = c->nr_samples,
	};
	struct vug_res *res = calloc(1, sizeof(*res));
	/* The core's view of the guest pages: empty until ATTACH_BACKING fills it. */
	struct vr_backing *cb = calloc(1, sizeof(*cb));
	if (!res || !cb) {
		free(res);
		free(cb);
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	cb->release = core_backing_release;
	const char *why = "";
	if (!vr_device_resource_create(gpu->dev, c->resource_id, &desc, cb, &why)) {
		free(res);
		free(cb);
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	*res = (struct vug_res){.id = c->resource_id,
				.kind = VUG_RES_3D,
				.format = c->format,
				.width = c->width,
				.height = c->height,
				.core_backing = cb,
				.target = c->target,
				.y0_top = c->flags & VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP};
	if (!vug_res_insert(gpu, res)) {
		vr_device_resource_unref(gpu->dev, c->resource_id);
		free(res);
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

void
vug_3d_backing_changed(struct vug_res *res)
{
	struct vr_backing *cb = res->core_backing;
	cb->iov = res->backing.iov;
	cb->iov_count = res->backing.iov_count;
	cb->size = res->backing.size;
}

void
vug_3d_res_release(struct vug_gpu *gpu, struct vug_res *res)
{
	/* Host objects may keep the core resource alive after this: it must not see
	 * our iovec array, which is freed with `res`. */
	res->core_backing->iov = NULL;
	res->core_backing->iov_count = 0;
	res->core_backing->size = 0;
	res->core_backing = NULL;
	vr_device_resource_unref(gpu->dev, res->id);
}

/*
 * A transfer against guest pages that are not contiguous in our address space
 * (a real guest's scattered pages): staged through one buffer as large as the
 * backing, counted as copies. Contiguous backings never come here.
 */
static bool
transfer_staged(struct vug_gpu *gpu, struct vug_res *res, uint32_t level, const struct vr_box *box,
		uint32_t stride, uint32_t layer_stride, uint64_t offset, bool to_host)
{
	struct vr_resource *vres = vr_device_lookup_resource(gpu->dev, res->id);
	const struct vug_backing *b = &res->backing;
	uint8_t *stage = malloc(b->size);
	if (!vres || !stage) {
		free(stage);
		return false;
	}
	vug_iov_to_buf(b->iov, b->iov_count, 0, stage, b->size);
	struct vr_transfer xfer;
	const char *why = "";
	bool ok = vr_transfer_prepare_mem(vres, level, box, stride, layer_stride, stage, b->size,
					  offset, to_host, &xfer, &why);
	if (ok && box->w && box->h && box->d) {
		ok = gpu->dev->backend->impl->transfer(gpu->dev->backend, &xfer);
	}
	if (ok && !to_host) {
		vug_iov_from_buf(b->iov, b->iov_count, 0, stage, b->size);
		gpu->stats.bytes_copied += b->size;
	}
	gpu->stats.bytes_copied += b->size;
	free(stage);
	return ok;
}

static uint32_t
transfer(struct vug_gpu *gpu, struct vug_res *res, uint32_t level, const struct vr_box *box,
	 uint32_t stride, uint32_t layer_stride, uint64_t offset, bool to_host)
{
	if (!res->backing.iov_count) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	const char *why = "";
	bool ok = res->backing.iov_count == 1
			  ? vr_device_transfer(gpu->dev, res->id, level, box, stride, layer_stride,
					       offset, to_host, &why)
			  : transfer_staged(gpu, res, level, box, stride, layer_stride, offset,
					    to_host);
	return ok ? VIRTIO_GPU_RESP_OK_NODATA : VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
}

uint32_t
vug_cmd_transfer_3d(struct vug_gpu *gpu, struct vug_req *req)
{
	const struct virtio_gpu_transfer_host_3d *t = &req->u.t3d;
	struct vug_res *res = vug_res_lookup(gpu, t->resource_id);
	if (!res || res->kind != VUG_RES_3D) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (req->hdr.ctx_id) {
		struct vug_ctx *ctx = ctx_lookup(gpu, req->hdr.ctx_id);
		if (!ctx) {
			return VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
		}
		if (!vr_hash_get(&ctx->attached, t->resource_id)) {
			return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID; /* not this context's */
		}
	}
	/* The core rejects negative boxes and anything outside the level or backing. */
	struct vr_box box = {(int32_t)t->box.x, (int32_t)t->box.y, (int32_t)t->box.z,
			     (int32_t)t->box.w, (int32_t)t->box.h, (int32_t)t->box.d};
	req->wait_renderer = true;
	return transfer(gpu, res, t->level, &box, t->stride, t->layer_stride, t->offset,
			req->hdr.type == VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D);
}

uint32_t
vug_3d_transfer_2d(struct vug_gpu *gpu, struct vug_res *res,
		   const struct virtio_gpu_transfer_to_host_2d *t)
{
	if (t->r.x > INT32_MAX || t->r.y > INT32_MAX || t->r.width > INT32_MAX ||
	    t->r.height > INT32_MAX) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	struct vr_resource *vres = vr_device_lookup_resource(gpu->dev, res->id);
	uint32_t stride = 0, layer_stride = 0;
	if (vres) {
		/* The guest's copy has whole rows of level 0, as for a 2D resource. */
		vr_resource_level_pitch(vres, 0, &stride, &layer_stride);
	}
	struct vr_box box = {(int32_t)t->r.x,     (int32_t)t->r.y,      0,
			     (int32_t)t->r.width, (int32_t)t->r.height, 1};
	return transfer(gpu, res, 0, &box, stride, layer_stride, t->offset, true);
}

/* Swaps rows i and h-1-i of an image in place. */
static void
rows_reverse(uint8_t *px, uint32_t h, uint32_t stride, size_t row_bytes)
{
	uint8_t tmp[256];
	for (uint32_t i = 0; i < h / 2; i++) {
		uint8_t *a = px + (size_t)i * stride, *b = px + (size_t)(h - 1 - i) * stride;
		for (size_t done = 0; done < row_bytes; done += sizeof(tmp)) {
			size_t n = row_bytes - done < sizeof(tmp) ? row_bytes - done : sizeof(tmp);
			memcpy(tmp, a + done, n);
			memcpy(a + done, b + done, n);
			memcpy(b + done, tmp, n);
		}
	}
}

bool
vug_3d_read_rect(struct vug_gpu *gpu, struct vug_res *res, const struct virtio_gpu_rect *r,
		 uint8_t *dst, uint32_t stride)
{
	struct vr_resource *vres = vr_device_lookup_resource(gpu->dev, res->id);
	if (!vres || !r->width || !r->height || r->y + r->height > res->height) {
		return false;
	}
	/*
	 * GL keeps row 0 at the bottom. Unless the guest created the resource with
	 * VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP, its displayed image is the texture
	 * upside down (as QEMU shows it), and `r` counts rows from the top of that
	 * image: read the mirrored rows, then put them top-down for the sink.
	 */
	uint32_t y = res->y0_top ? r->y : res->height - r->y - r->height;
	struct vr_box box = {(int32_t)r->x,     (int32_t)y,         0,
			     (int32_t)r->width, (int32_t)r->height, 1};
	size_t row_bytes = (size_t)r->width * 4;
	size_t size = (size_t)stride * (r->height - 1) + row_bytes;
	struct vr_transfer xfer;
	const char *why = "";
	if (!vr_transfer_prepare_mem(vres, 0, &box, stride, 0, dst, size, 0, false, &xfer, &why) ||
	    !gpu->dev->backend->impl->transfer(gpu->dev->backend, &xfer)) {
		return false;
	}
	if (!res->y0_top) {
		rows_reverse(dst, r->height, stride, row_bytes);
	}
	gpu->stats.bytes_copied += (uint64_t)row_bytes * r->height;
	return true;
}

uint32_t
vug_cmd_submit_3d(struct vug_gpu *gpu, struct vug_req *req)
{
	struct vug_ctx *ctx = ctx_lookup(gpu, req->hdr.ctx_id);
	if (!ctx) {
		return VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID;
	}
	uint32_t size = req->u.submit.size;
	size_t avail = req->out_len - sizeof(req->u.submit);
	if (size > avail || size % 4 || size > VUG_MAX_SUBMIT_BYTES) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	req->wait_renderer = true;
	if (!size) {
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	/* The guest's bytes are copied out once: the decoder wants aligned dwords
	 * that the guest cannot change while they are being validated. */
	size_t ndw = size / 4;
	if (ndw > gpu->submit_cap) {
		uint32_t *buf = realloc(gpu->submit_buf, size);
		if (!buf) {
			return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
		}
		gpu->submit_buf = buf;
		gpu->submit_cap = ndw;
	}
	vug_iov_to_buf(req->out, req->nout, sizeof(req->u.submit), gpu->submit_buf, size);
	struct vr_ctx *vctx = vr_device_lookup_ctx(gpu->dev, ctx->id);
	if (!vctx || !vr_ctx_submit(vctx, gpu->submit_buf, ndw)) {
		/* The context stays broken (ctx->error); others carry on. */
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}
