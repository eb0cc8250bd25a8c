/* pvgpu tests — the virtio-gpu winsys over the device model (see gd_vgpu_winsys.h). */
#include "gd_vgpu_winsys.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct vgpu_ws {
	struct gd_winsys base;
	struct tguest *g;
	uint32_t ctx_id;
	uint32_t next_handle;
	uint64_t fence_seq;  /* last fence id sent */
	uint64_t fence_done; /* last fence id completed */
	uint32_t *submit;    /* request buffer: header + commands */
	size_t submit_cap;   /* bytes */
	struct virtio_gpu_ctrl_hdr submit_resp;
};

struct vgpu_res {
	struct gd_ws_res base;
	struct gd_resource_desc desc;
};

static struct vgpu_ws *
vws(struct gd_winsys *ws)
{
	return (struct vgpu_ws *)ws;
}

static int
ok(uint32_t type)
{
	return type == VIRTIO_GPU_RESP_OK_NODATA ? 0 : -EINVAL;
}

static void
handle_destroy(struct gd_winsys *ws)
{
	struct vgpu_ws *v = vws(ws);
	struct virtio_gpu_ctx_destroy d = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_DESTROY)};
	d.hdr.ctx_id = v->ctx_id;
	tg_cmd(v->g, &d, sizeof(d));
	free(v->submit);
	free(v);
}

static int
handle_get_caps(struct gd_winsys *ws, uint32_t version, struct vgp_caps_v2 *caps)
{
	memset(caps, 0, sizeof(*caps));
	if (version != 1 && version != 2) {
		return -ENOTSUP;
	}
	struct virtio_gpu_get_capset gc = {.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_CAPSET),
					   .capset_id = version,
					   .capset_version = version};
	uint8_t resp[24 + sizeof(*caps)];
	uint32_t len = tg_send(vws(ws)->g, &gc, sizeof(gc), resp, sizeof(resp), NULL);
	if (len <= 24 || ((struct virtio_gpu_ctrl_hdr *)resp)->type != VIRTIO_GPU_RESP_OK_CAPSET) {
		return -ENOTSUP;
	}
	memcpy(caps, resp + 24, len - 24);
	return 0;
}

static int
handle_resource_create(struct gd_winsys *ws, const struct gd_resource_desc *desc,
		       size_t backing_size, struct gd_ws_res **out)
{
	struct vgpu_ws *v = vws(ws);
	struct vgpu_res *r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	uint32_t id = v->next_handle++;
	struct virtio_gpu_resource_create_3d c = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_3D),
						  .resource_id = id,
						  .target = desc->target,
						  .format = desc->format,
						  .bind = desc->bind,
						  .width = desc->width,
						  .height = desc->height,
						  .depth = desc->depth,
						  .array_size = desc->array_size,
						  .last_level = desc->last_level,
						  .nr_samples = desc->nr_samples};
	c.hdr.ctx_id = v->ctx_id;
	int ret = ok(tg_cmd(v->g, &c, sizeof(c)));
	struct virtio_gpu_ctx_resource a = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE),
					    .resource_id = id};
	a.hdr.ctx_id = v->ctx_id;
	if (!ret) {
		ret = ok(tg_cmd(v->g, &a, sizeof(a)));
	}
	if (!ret && backing_size) {
		uint64_t gpa = tg_alloc(v->g, backing_size);
		struct virtio_gpu_mem_entry e = {gpa, (uint32_t)backing_size, 0};
		ret = gpa && backing_size <= UINT32_MAX ? ok(tg_attach(v->g, id, &e, 1)) : -ENOMEM;
		r->base.map = tg_ptr(v->g, gpa);
	}
	if (ret) {
		free(r);
		return ret;
	}
	r->base.handle = id;
	r->base.backing_size = backing_size;
	r->desc = *desc;
	*out = &r->base;
	return 0;
}

static void
handle_resource_destroy(struct gd_winsys *ws, struct gd_ws_res *res)
{
	if (!res) {
		return;
	}
	struct vgpu_ws *v = vws(ws);
	struct virtio_gpu_ctx_resource d = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE),
					    .resource_id = res->handle};
	d.hdr.ctx_id = v->ctx_id;
	tg_cmd(v->g, &d, sizeof(d));
	struct virtio_gpu_resource_unref u = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_UNREF),
					      .resource_id = res->handle};
	tg_cmd(v->g, &u, sizeof(u));
	free(res); /* the guest RAM stays allocated: the fake guest never frees */
}

static int
handle_transfer(struct gd_winsys *ws, struct gd_ws_res *res, uint32_t level,
		const struct gd_box *box, uint64_t offset, bool to_host)
{
	struct vgpu_ws *v = vws(ws);
	struct vgpu_res *r = (struct vgpu_res *)res;
	uint32_t stride, layer_stride;
	uint64_t level_offset;
	gd_resource_level_layout(&r->desc, level, &stride, &layer_stride, &level_offset);
	struct virtio_gpu_transfer_host_3d t = {
		.hdr = tg_hdr(to_host ? VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D
				      : VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D),
		.box = {(uint32_t)box->x, (uint32_t)box->y, (uint32_t)box->z, (uint32_t)box->w,
			(uint32_t)box->h, (uint32_t)box->d},
		.offset = offset,
		.resource_id = res->handle,
		.level = level,
		.stride = stride,
		.layer_stride = layer_stride};
	t.hdr.ctx_id = v->ctx_id;
	return ok(tg_cmd(v->g, &t, sizeof(t)));
}

static bool
fence_done(struct vgpu_ws *v, uint64_t fence)
{
	/* Completions arrive in order on ring 0; tokens carry the fence id. */
	for (unsigned i = 0; i < v->g->ncompleted; i++) {
		uint64_t id = (uint64_t)(uintptr_t)v->g->completed[i];
		if (id > v->fence_done) {
			v->fence_done = id;
		}
	}
	v->g->ncompleted = 0;
	return v->fence_done >= fence;
}

static int
handle_submit(struct gd_winsys *ws, const uint32_t *dw, uint32_t ndw, struct gd_ws_res *const *refs,
	      uint32_t nrefs, uint64_t *fence)
{
	struct vgpu_ws *v = vws(ws);
	size_t size = sizeof(struct virtio_gpu_cmd_submit) + (size_t)ndw * 4;
	if (size > v->submit_cap) {
		uint32_t *buf = realloc(v->submit, size);
		if (!buf) {
			return -ENOMEM;
		}
		v->submit = buf;
		v->submit_cap = size;
	}
	struct virtio_gpu_cmd_submit *s = (struct virtio_gpu_cmd_submit *)v->submit;
	*s = (struct virtio_gpu_cmd_submit){.hdr = tg_hdr(VIRTIO_GPU_CMD_SUBMIT_3D),
					    .size = ndw * 4};
	s->hdr.flags = VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX;
	s->hdr.fence_id = ++v->fence_seq;
	s->hdr.ctx_id = v->ctx_id;
	memcpy(s + 1, dw, (size_t)ndw * 4);
	uint32_t len = tg_send(v->g, s, size, &v->submit_resp, sizeof(v->submit_resp),
			       (void *)(uintptr_t)s->hdr.fence_id);
	if (len == VUG_GPU_DEFERRED) {
		/* The response is in place already; the fence completes on a poll. */
	} else if (len == 24 && v->submit_resp.type == VIRTIO_GPU_RESP_OK_NODATA) {
		v->fence_done = s->hdr.fence_id;
	} else {
		return -EPROTO;
	}
	if (v->submit_resp.type != VIRTIO_GPU_RESP_OK_NODATA) {
		return -EPROTO;
	}
	if (fence) {
		*fence = s->hdr.fence_id;
	}
	return 0;
}

static int
handle_fence_wait(struct gd_winsys *ws, uint64_t fence, int64_t timeout_ns)
{
	struct vgpu_ws *v = vws(ws);
	if (fence > v->fence_seq) {
		return -EINVAL;
	}
	/* The device retires fences when polled; a guest would sleep on an interrupt. */
	for (int spins = 0; !fence_done(v, fence); spins++) {
		if (timeout_ns >= 0 && spins > 0) {
			return -ETIMEDOUT;
		}
		vug_gpu_poll(v->g->gpu);
	}
	return 0;
}

static int
handle_resource_busy(struct gd_winsys *ws, struct gd_ws_res *res, bool wait, bool *busy)
{
	struct vgpu_ws *v = vws(ws);
	int r = handle_fence_wait(ws, v->fence_seq, wait ? -1 : 0);
	*busy = r == -ETIMEDOUT;
	return r == -ETIMEDOUT ? 0 : r;
}

static const struct gd_winsys_impl vgpu_impl = {
	.name = "virtio-gpu-device",
	.destroy = handle_destroy,
	.get_caps = handle_get_caps,
	.resource_create = handle_resource_create,
	.resource_destroy = handle_resource_destroy,
	.transfer = handle_transfer,
	.submit = handle_submit,
	.fence_wait = handle_fence_wait,
	.resource_busy = handle_resource_busy,
};

int
gd_vgpu_winsys_create(struct tguest *g, uint32_t ctx_id, struct gd_winsys **out)
{
	struct vgpu_ws *v = calloc(1, sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	v->base.impl = &vgpu_impl;
	v->g = g;
	v->ctx_id = ctx_id;
	v->next_handle = 100;
	struct virtio_gpu_ctx_create cc = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_CREATE),
					   .nlen = 4,
					   .context_init = VIRTIO_GPU_CAPSET_VIRGL2};
	cc.hdr.ctx_id = ctx_id;
	memcpy(cc.debug_name, "test", 4);
	if (ok(tg_cmd(g, &cc, sizeof(cc)))) {
		free(v);
		return -EINVAL;
	}
	*out = &v->base;
	return 0;
}
