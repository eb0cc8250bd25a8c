/* pvgpu-sim — the virtio-gpu guest-driver winsys (see sim_gd_winsys.h). */
#include "sim_gd_winsys.h"

#include <errno.h>
#include <linux/virtio_gpu.h>
#include <stdlib.h>
#include <string.h>

#define CAPS_RESP_MAX (sizeof(struct virtio_gpu_ctrl_hdr) + sizeof(struct vgp_caps_v2))

struct vgpu_ws {
	struct gd_winsys base;
	struct sim_gd_port port;
	uint32_t ctx_id;
	uint32_t next_handle;
	uint64_t fence_seq;  /* last fence id sent */
	uint64_t fence_done; /* last fence id completed (ring 0 completes in order) */
	uint32_t *submit;    /* request buffer: header + commands */
	size_t submit_cap;   /* bytes */
	struct virtio_gpu_ctrl_hdr submit_resp;
	bool submit_failed; /* a deferred SUBMIT_3D was answered with an error */
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

static struct virtio_gpu_ctrl_hdr
hdr(const struct vgpu_ws *v, uint32_t type)
{
	return (struct virtio_gpu_ctrl_hdr){.type = type, .ctx_id = v->ctx_id};
}

/* A request answered by a bare header: 0 for OK_NODATA, else -EINVAL (-EPROTO
 * when no answer came). */
static int
cmd(struct vgpu_ws *v, const void *req, size_t len)
{
	struct virtio_gpu_ctrl_hdr resp = {0};
	uint32_t got = v->port.send(v->port.opaque, req, len, &resp, sizeof(resp), 0);
	if (got < sizeof(resp) || got == SIM_GD_PENDING) {
		return -EPROTO;
	}
	return resp.type == VIRTIO_GPU_RESP_OK_NODATA ? 0 : -EINVAL;
}

static void
handle_destroy(struct gd_winsys *ws)
{
	struct vgpu_ws *v = vws(ws);
	struct virtio_gpu_ctx_destroy d = {.hdr = hdr(v, VIRTIO_GPU_CMD_CTX_DESTROY)};
	cmd(v, &d, sizeof(d));
	free(v->submit);
	free(v);
}

static int
handle_get_caps(struct gd_winsys *ws, uint32_t version, struct vgp_caps_v2 *caps)
{
	struct vgpu_ws *v = vws(ws);
	memset(caps, 0, sizeof(*caps));
	if (version != 1 && version != 2) {
		return -ENOTSUP;
	}
	struct virtio_gpu_get_capset gc = {.hdr = hdr(v, VIRTIO_GPU_CMD_GET_CAPSET),
					   .capset_id = version,
					   .capset_version = version};
	gc.hdr.ctx_id = 0;
	uint8_t resp[CAPS_RESP_MAX] = {0};
	uint32_t len = v->port.send(v->port.opaque, &gc, sizeof(gc), resp, sizeof(resp), 0);
	if (len == SIM_GD_PENDING || len <= 24 || len > sizeof(resp) ||
	    ((struct virtio_gpu_ctrl_hdr *)resp)->type != VIRTIO_GPU_RESP_OK_CAPSET) {
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
	if (backing_size > UINT32_MAX) {
		return -ENOMEM; /* one backing entry covers it */
	}
	struct vgpu_res *r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	uint32_t id = v->next_handle++;
	struct virtio_gpu_resource_create_3d c = {.hdr = hdr(v, VIRTIO_GPU_CMD_RESOURCE_CREATE_3D),
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
	int ret = cmd(v, &c, sizeof(c));
	struct virtio_gpu_ctx_resource a = {.hdr = hdr(v, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE),
					    .resource_id = id};
	if (!ret) {
		ret = cmd(v, &a, sizeof(a));
	}
	if (!ret && backing_size) {
		uint64_t gpa = 0;
		r->base.map = v->port.alloc(v->port.opaque, backing_size, &gpa);
		struct {
			struct virtio_gpu_resource_attach_backing a;
			struct virtio_gpu_mem_entry e;
		} at = {.a = {.hdr = hdr(v, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING),
			      .resource_id = id,
			      .nr_entries = 1},
			.e = {.addr = gpa, .length = (uint32_t)backing_size}};
		_Static_assert(sizeof(at) == sizeof(at.a) + sizeof(at.e), "no padding");
		ret = r->base.map ? cmd(v, &at, sizeof(at)) : -ENOMEM;
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
	struct virtio_gpu_ctx_resource d = {.hdr = hdr(v, VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE),
					    .resource_id = res->handle};
	cmd(v, &d, sizeof(d));
	struct virtio_gpu_resource_unref u = {.hdr = hdr(v, VIRTIO_GPU_CMD_RESOURCE_UNREF),
					      .resource_id = res->handle};
	cmd(v, &u, sizeof(u));
	free(res); /* the guest RAM stays allocated: the ports never free */
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
		.hdr = hdr(v, to_host ? VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D
				      : VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D),
		.box = {(uint32_t)box->x, (uint32_t)box->y, (uint32_t)box->z, (uint32_t)box->w,
			(uint32_t)box->h, (uint32_t)box->d},
		.offset = offset,
		.resource_id = res->handle,
		.level = level,
		.stride = stride,
		.layer_stride = layer_stride};
	return cmd(v, &t, sizeof(t));
}

/* Takes every finished submission the port reports (block: at least one). */
static int
reap(struct vgpu_ws *v, bool block)
{
	uint64_t token;
	int r;
	while ((r = v->port.reap(v->port.opaque, block, &token)) == 1) {
		block = false;
		if (token > v->fence_done) {
			v->fence_done = token;
		}
		if (v->submit_resp.type != VIRTIO_GPU_RESP_OK_NODATA) {
			v->submit_failed = true;
		}
	}
	return r < 0 ? r : 0;
}

static int
handle_submit(struct gd_winsys *ws, const uint32_t *dw, uint32_t ndw, struct gd_ws_res *const *refs,
	      uint32_t nrefs, uint64_t *fence)
{
	struct vgpu_ws *v = vws(ws);
	(void)refs;
	(void)nrefs;
	/* The response buffer is shared: the previous submit must be answered. */
	while (v->fence_done < v->fence_seq) {
		int r = reap(v, true);
		if (r < 0) {
			return r;
		}
	}
	if (v->submit_failed) {
		return -EPROTO;
	}
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
	*s = (struct virtio_gpu_cmd_submit){.hdr = hdr(v, VIRTIO_GPU_CMD_SUBMIT_3D),
					    .size = ndw * 4};
	s->hdr.flags = VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX;
	s->hdr.fence_id = ++v->fence_seq;
	memset(&v->submit_resp, 0, sizeof(v->submit_resp));
	memcpy(s + 1, dw, (size_t)ndw * 4);
	uint32_t len = v->port.send(v->port.opaque, s, size, &v->submit_resp,
				    sizeof(v->submit_resp), s->hdr.fence_id);
	if (len == SIM_GD_PENDING) {
		/* Answered when the fence completes (reap). */
	} else if (len == sizeof(v->submit_resp) &&
		   v->submit_resp.type == VIRTIO_GPU_RESP_OK_NODATA) {
		v->fence_done = s->hdr.fence_id;
	} else {
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
	int r = reap(v, false);
	while (!r && v->fence_done < fence) {
		if (timeout_ns >= 0) {
			return -ETIMEDOUT;
		}
		r = reap(v, true);
	}
	if (!r && v->submit_failed) {
		r = -EPROTO;
	}
	return r;
}

static int
handle_resource_busy(struct gd_winsys *ws, struct gd_ws_res *res, bool wait, bool *busy)
{
	(void)res;
	struct vgpu_ws *v = vws(ws);
	int r = handle_fence_wait(ws, v->fence_seq, wait ? -1 : 0);
	*busy = r == -ETIMEDOUT;
	return r == -ETIMEDOUT ? 0 : r;
}

static const struct gd_winsys_impl vgpu_impl = {
	.name = "virtio-gpu",
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
sim_gd_winsys_create(const struct sim_gd_port *port, uint32_t ctx_id, struct gd_winsys **out)
{
	struct vgpu_ws *v = calloc(1, sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	v->base.impl = &vgpu_impl;
	v->port = *port;
	v->ctx_id = ctx_id;
	v->next_handle = 100;
	struct virtio_gpu_ctx_create cc = {.hdr = hdr(v, VIRTIO_GPU_CMD_CTX_CREATE),
					   .nlen = 7,
					   .context_init = VIRTIO_GPU_CAPSET_VIRGL2};
	memcpy(cc.debug_name, "pvgpu-g", 7);
	if (cmd(v, &cc, sizeof(cc))) {
		free(v);
		return -EINVAL;
	}
	*out = &v->base;
	return 0;
}
