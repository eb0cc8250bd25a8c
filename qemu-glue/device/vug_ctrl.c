/*
 * pvgpu qemu-glue — the control queue: header validation, the command table,
 * response building and fences (virtio spec 5.7.6).
 *
 * Response buffers: every command's response size is known before it runs. A
 * device-writable area too small for it means the command is not executed; the
 * device then writes a bare ERR_UNSPEC header if 24 bytes fit, else nothing
 * (length 0). Partial responses are never written, so a guest never reads a
 * truncated capset or EDID as if it were whole.
 */
#include <string.h>

#include "vr_core.h"
#include "vug_priv.h"

#define BIT(n) (1ull << (n))

struct cmd_desc {
	const char *name;
	size_t req_size;  /* header included */
	size_t resp_size; /* header included; 0: the handler checks (GET_CAPSET) */
	int feature;      /* VIRTIO_GPU_F_* the driver must have accepted, or -1 */
	uint32_t (*handle)(struct vug_gpu *gpu, struct vug_req *req);
};

#define HDR sizeof(struct virtio_gpu_ctrl_hdr)
#define NODATA HDR

static const struct cmd_desc cmd_2d[] = {
	[0] = {"GET_DISPLAY_INFO", HDR, sizeof(struct virtio_gpu_resp_display_info), -1,
	       vug_cmd_display_info},
	[1] = {"RESOURCE_CREATE_2D", sizeof(struct virtio_gpu_resource_create_2d), NODATA, -1,
	       vug_cmd_create_2d},
	[2] = {"RESOURCE_UNREF", sizeof(struct virtio_gpu_resource_unref), NODATA, -1,
	       vug_cmd_unref},
	[3] = {"SET_SCANOUT", sizeof(struct virtio_gpu_set_scanout), NODATA, -1,
	       vug_cmd_set_scanout},
	[4] = {"RESOURCE_FLUSH", sizeof(struct virtio_gpu_resource_flush), NODATA, -1,
	       vug_cmd_flush},
	[5] = {"TRANSFER_TO_HOST_2D", sizeof(struct virtio_gpu_transfer_to_host_2d), NODATA, -1,
	       vug_cmd_transfer_2d},
	[6] = {"RESOURCE_ATTACH_BACKING", sizeof(struct virtio_gpu_resource_attach_backing), NODATA,
	       -1, vug_cmd_attach_backing},
	[7] = {"RESOURCE_DETACH_BACKING", sizeof(struct virtio_gpu_resource_detach_backing), NODATA,
	       -1, vug_cmd_detach_backing},
	[8] = {"GET_CAPSET_INFO", sizeof(struct virtio_gpu_get_capset_info),
	       sizeof(struct virtio_gpu_resp_capset_info), VIRTIO_GPU_F_VIRGL, vug_cmd_capset_info},
	[9] = {"GET_CAPSET", sizeof(struct virtio_gpu_get_capset), 0, VIRTIO_GPU_F_VIRGL,
	       vug_cmd_capset},
	[10] = {"GET_EDID", sizeof(struct virtio_gpu_cmd_get_edid),
		sizeof(struct virtio_gpu_resp_edid), VIRTIO_GPU_F_EDID, vug_cmd_edid},
	[11] = {"RESOURCE_ASSIGN_UUID", sizeof(struct virtio_gpu_resource_assign_uuid),
		sizeof(struct virtio_gpu_resp_resource_uuid), VIRTIO_GPU_F_RESOURCE_UUID,
		vug_cmd_assign_uuid},
	[12] = {"RESOURCE_CREATE_BLOB", sizeof(struct virtio_gpu_resource_create_blob), NODATA,
		VIRTIO_GPU_F_RESOURCE_BLOB, vug_cmd_create_blob},
	[13] = {"SET_SCANOUT_BLOB", sizeof(struct virtio_gpu_set_scanout_blob), NODATA,
		VIRTIO_GPU_F_RESOURCE_BLOB, vug_cmd_set_scanout_blob},
};

static const struct cmd_desc cmd_3d[] = {
	[0] = {"CTX_CREATE", sizeof(struct virtio_gpu_ctx_create), NODATA, VIRTIO_GPU_F_VIRGL,
	       vug_cmd_ctx_create},
	[1] = {"CTX_DESTROY", sizeof(struct virtio_gpu_ctx_destroy), NODATA, VIRTIO_GPU_F_VIRGL,
	       vug_cmd_ctx_destroy},
	[2] = {"CTX_ATTACH_RESOURCE", sizeof(struct virtio_gpu_ctx_resource), NODATA,
	       VIRTIO_GPU_F_VIRGL, vug_cmd_ctx_attach},
	[3] = {"CTX_DETACH_RESOURCE", sizeof(struct virtio_gpu_ctx_resource), NODATA,
	       VIRTIO_GPU_F_VIRGL, vug_cmd_ctx_detach},
	[4] = {"RESOURCE_CREATE_3D", sizeof(struct virtio_gpu_resource_create_3d), NODATA,
	       VIRTIO_GPU_F_VIRGL, vug_cmd_create_3d},
	[5] = {"TRANSFER_TO_HOST_3D", sizeof(struct virtio_gpu_transfer_host_3d), NODATA,
	       VIRTIO_GPU_F_VIRGL, vug_cmd_transfer_3d},
	[6] = {"TRANSFER_FROM_HOST_3D", sizeof(struct virtio_gpu_transfer_host_3d), NODATA,
	       VIRTIO_GPU_F_VIRGL, vug_cmd_transfer_3d},
	[7] = {"SUBMIT_3D", sizeof(struct virtio_gpu_cmd_submit), NODATA, VIRTIO_GPU_F_VIRGL,
	       vug_cmd_submit_3d},
	[8] = {"RESOURCE_MAP_BLOB", sizeof(struct virtio_gpu_resource_map_blob),
	       sizeof(struct virtio_gpu_resp_map_info), VIRTIO_GPU_F_RESOURCE_BLOB,
	       vug_cmd_map_blob},
	[9] = {"RESOURCE_UNMAP_BLOB", sizeof(struct virtio_gpu_resource_unmap_blob), NODATA,
	       VIRTIO_GPU_F_RESOURCE_BLOB, vug_cmd_map_blob},
};

static const struct cmd_desc *
cmd_lookup(uint32_t type)
{
	if (type >= VIRTIO_GPU_CMD_GET_DISPLAY_INFO &&
	    type - VIRTIO_GPU_CMD_GET_DISPLAY_INFO < sizeof(cmd_2d) / sizeof(cmd_2d[0])) {
		return &cmd_2d[type - VIRTIO_GPU_CMD_GET_DISPLAY_INFO];
	}
	if (type >= VIRTIO_GPU_CMD_CTX_CREATE &&
	    type - VIRTIO_GPU_CMD_CTX_CREATE < sizeof(cmd_3d) / sizeof(cmd_3d[0])) {
		return &cmd_3d[type - VIRTIO_GPU_CMD_CTX_CREATE];
	}
	return NULL;
}

/* The largest response: GET_EDID (1056 bytes); a v2 capset is 24 + 1376. */
#define RESP_MAX 1536

/* Runs one validated-size request; returns the response type. */
static uint32_t
run(struct vug_gpu *gpu, struct vug_req *req, size_t in_len)
{
	const struct cmd_desc *cmd = cmd_lookup(req->hdr.type);
	if (!cmd) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	if (cmd->feature >= 0 && !(gpu->features & BIT(cmd->feature))) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC; /* a command of a feature not negotiated */
	}
	if (req->out_len < cmd->req_size) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	if (cmd->resp_size > in_len) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	vug_iov_to_buf(req->out, req->nout, 0, req->u.raw, cmd->req_size);
	req->resp_len = cmd->resp_size ? cmd->resp_size - HDR : in_len - HDR;
	return cmd->handle(gpu, req);
}

/* A fenced request's timeline, or false when its ring index is not allowed. */
static bool
fence_timeline(const struct vug_gpu *gpu, const struct virtio_gpu_ctrl_hdr *hdr, uint64_t *out)
{
	if (!(hdr->flags & VIRTIO_GPU_FLAG_INFO_RING_IDX)) {
		*out = 0; /* the device-global timeline */
		return true;
	}
	if (!(gpu->features & BIT(VIRTIO_GPU_F_CONTEXT_INIT)) || hdr->ring_idx >= VUG_MAX_RINGS) {
		return false;
	}
	*out = ((uint64_t)hdr->ctx_id << 8 | hdr->ring_idx) + 1;
	return true;
}

uint32_t
vug_gpu_ctrl(struct vug_gpu *gpu, const struct iovec *out, unsigned nout, const struct iovec *in,
	     unsigned nin, void *token)
{
	/* Pending fences retire only in vug_gpu_poll(): a request that finds its
	 * timeline non-empty queues behind it, so the order holds either way. */
	gpu->stats.commands++;

	size_t in_len = 0;
	struct vug_req req = {.out = out, .nout = nout};
	uint8_t resp[RESP_MAX];
	if (!vug_iov_size(in, nin, &in_len) || !vug_iov_size(out, nout, &req.out_len)) {
		gpu->stats.errors++;
		return 0; /* a transport bug, not something a guest can send */
	}
	if (in_len < HDR) {
		gpu->stats.errors++;
		return 0; /* nowhere to answer */
	}
	if (in_len > RESP_MAX) {
		in_len = RESP_MAX;
	}
	memset(resp, 0, sizeof(resp));
	struct virtio_gpu_ctrl_hdr *rh = (struct virtio_gpu_ctrl_hdr *)resp;
	uint32_t type;
	uint64_t timeline = 0;
	bool fenced = false;
	if (req.out_len < HDR) {
		type = VIRTIO_GPU_RESP_ERR_UNSPEC;
	} else {
		vug_iov_to_buf(out, nout, 0, &req.hdr, HDR);
		fenced = req.hdr.flags & VIRTIO_GPU_FLAG_FENCE;
		req.resp = resp + HDR;
		if (fenced && !fence_timeline(gpu, &req.hdr, &timeline)) {
			type = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
			fenced = false;
		} else {
			type = run(gpu, &req, in_len);
		}
	}
	size_t len = HDR;
	if (type < VIRTIO_GPU_RESP_ERR_UNSPEC) {
		len += req.resp_len;
	} else {
		gpu->stats.errors++;
	}
	rh->type = type;
	if (fenced) {
		/* The answer echoes the fence (spec 5.7.6.7) and, with INFO_RING_IDX, its ring. */
		rh->flags = req.hdr.flags & (VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX);
		rh->fence_id = req.hdr.fence_id;
		rh->ctx_id = req.hdr.ctx_id;
		rh->ring_idx = req.hdr.ring_idx;
	}
	vug_iov_from_buf(in, nin, 0, resp, len);
	if (!fenced) {
		return (uint32_t)len;
	}
	bool ok = type < VIRTIO_GPU_RESP_ERR_UNSPEC;
	bool wait = ok && req.wait_renderer, wait_display = ok && req.wait_display;
	if (!vug_fence_must_defer(gpu, timeline, wait || wait_display)) {
		gpu->stats.fences_completed++;
		return (uint32_t)len;
	}
	if (!vug_fence_push(gpu, token, (uint32_t)len, timeline, wait, wait_display)) {
		/* Cannot happen with a real virtqueue (fewer slots than the cap); answering
		 * now keeps the guest alive at the price of that fence's order. */
		gpu->stats.errors++;
		return (uint32_t)len;
	}
	return VUG_GPU_DEFERRED;
}

void
vug_gpu_cursor(struct vug_gpu *gpu, const struct iovec *out, unsigned nout)
{
	struct virtio_gpu_update_cursor c;
	size_t len = 0;
	gpu->stats.commands++;
	if (!vug_iov_size(out, nout, &len) || len < sizeof(c)) {
		gpu->stats.errors++;
		return;
	}
	vug_iov_to_buf(out, nout, 0, &c, sizeof(c));
	if (!vug_cursor_handle(gpu, &c)) {
		gpu->stats.errors++;
	}
}
