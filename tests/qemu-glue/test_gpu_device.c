/*
 * pvgpu tests — a small 2D virtio-gpu device implementing vug_gpu.h, so the
 * vhost-user transport and the simulator can be tested before (and apart
 * from) the real device model in qemu-glue/device. Test-only: it handles
 * GET_DISPLAY_INFO, RESOURCE_CREATE_2D/UNREF, ATTACH/DETACH_BACKING,
 * TRANSFER_TO_HOST_2D, SET_SCANOUT, RESOURCE_FLUSH and the cursor queue;
 * fenced requests complete on the next vug_gpu_poll(), in order. It still
 * checks what it reads, since the tests feed it hostile guests.
 */
#include <linux/virtio_gpu.h>
#include <stdlib.h>
#include <string.h>

#include "vug_gpu.h"

#define MAX_RES 64
#define MAX_PENDING 256
#define MAX_ENTRIES 1024
#define MAX_PIXELS (4096u * 4096u)

struct tres {
	uint32_t id, format, width, height;
	uint8_t *pixels;
	struct iovec iov;
	struct virtio_gpu_mem_entry *ents;
	uint32_t nents;
};

struct pending {
	void *token;
	uint32_t len;
};

struct vug_gpu {
	struct vug_gpu_config cfg;
	struct vug_gpu_hooks hooks;
	uint64_t features;
	struct virtio_gpu_config config;
	struct {
		bool enabled;
		uint32_t width, height;
	} modes[VIRTIO_GPU_MAX_SCANOUTS];
	struct tres res[MAX_RES];
	uint32_t scanout_res[VIRTIO_GPU_MAX_SCANOUTS];
	struct pending pending[MAX_PENDING];
	unsigned npending;
	uint32_t cursor[64 * 64];
	uint32_t cursor_hot_x, cursor_hot_y;
	bool cursor_valid;
	struct vug_gpu_stats stats;
};

struct vug_gpu *
vug_gpu_create(const struct vug_gpu_config *cfg, const struct vug_gpu_hooks *hooks,
	       const char **why)
{
	if (cfg->num_scanouts == 0 || cfg->num_scanouts > VIRTIO_GPU_MAX_SCANOUTS) {
		*why = "bad scanout count";
		return NULL;
	}
	struct vug_gpu *g = calloc(1, sizeof(*g));
	if (!g) {
		*why = "out of memory";
		return NULL;
	}
	g->cfg = *cfg;
	g->hooks = *hooks;
	g->config.num_scanouts = cfg->num_scanouts;
	for (unsigned i = 0; i < cfg->num_scanouts; i++) {
		g->modes[i].enabled = true;
		g->modes[i].width = cfg->width ? cfg->width : 1024;
		g->modes[i].height = cfg->height ? cfg->height : 768;
	}
	return g;
}

static void
res_free(struct tres *r)
{
	free(r->pixels);
	free(r->ents);
	memset(r, 0, sizeof(*r));
}

void
vug_gpu_destroy(struct vug_gpu *g)
{
	if (!g) {
		return;
	}
	for (unsigned i = 0; i < MAX_RES; i++) {
		res_free(&g->res[i]);
	}
	free(g);
}

uint64_t
vug_gpu_features(const struct vug_gpu *g)
{
	return g->cfg.edid ? 1ull << VIRTIO_GPU_F_EDID : 0;
}

void
vug_gpu_set_features(struct vug_gpu *g, uint64_t features)
{
	g->features = features & vug_gpu_features(g);
}

void
vug_gpu_get_config(struct vug_gpu *g, void *buf, size_t len)
{
	memcpy(buf, &g->config, len < sizeof(g->config) ? len : sizeof(g->config));
}

void
vug_gpu_set_config(struct vug_gpu *g, uint32_t offset, const void *buf, size_t len)
{
	if (offset == offsetof(struct virtio_gpu_config, events_clear) && len >= 4) {
		uint32_t clear;
		memcpy(&clear, buf, 4);
		g->config.events_read &= ~clear;
	}
}

bool
vug_gpu_set_edid(struct vug_gpu *g, uint32_t scanout, const uint8_t *edid, size_t len)
{
	/* This device answers no GET_EDID: accept what the session hands over. */
	(void)edid;
	(void)len;
	return scanout < g->cfg.num_scanouts;
}

void
vug_gpu_set_mode(struct vug_gpu *g, uint32_t scanout, bool enabled, uint32_t width, uint32_t height)
{
	if (scanout >= g->cfg.num_scanouts) {
		return;
	}
	g->modes[scanout].enabled = enabled;
	g->modes[scanout].width = width;
	g->modes[scanout].height = height;
	g->config.events_read |= VIRTIO_GPU_EVENT_DISPLAY;
	if (g->hooks.config_changed) {
		g->hooks.config_changed(g->hooks.opaque);
	}
}

/* Copies up to `len` bytes at `off` of the iovecs into dst; returns the count. */
static size_t
iov_read(const struct iovec *iov, unsigned n, size_t off, void *dst, size_t len)
{
	size_t done = 0;
	for (unsigned i = 0; i < n && done < len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		size_t take = iov[i].iov_len - off;
		take = take < len - done ? take : len - done;
		memcpy((uint8_t *)dst + done, (uint8_t *)iov[i].iov_base + off, take);
		done += take;
		off = 0;
	}
	return done;
}

static size_t
iov_write(const struct iovec *iov, unsigned n, const void *src, size_t len)
{
	size_t done = 0;
	for (unsigned i = 0; i < n && done < len; i++) {
		size_t take = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;
		memcpy(iov[i].iov_base, (const uint8_t *)src + done, take);
		done += take;
	}
	return done;
}

static struct tres *
res_find(struct vug_gpu *g, uint32_t id)
{
	for (unsigned i = 0; id && i < MAX_RES; i++) {
		if (g->res[i].id == id) {
			return &g->res[i];
		}
	}
	return NULL;
}

static uint32_t
create_2d(struct vug_gpu *g, const struct virtio_gpu_resource_create_2d *c)
{
	if (!c->resource_id || res_find(g, c->resource_id)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (!c->width || !c->height || (uint64_t)c->width * c->height > MAX_PIXELS) {
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	for (unsigned i = 0; i < MAX_RES; i++) {
		struct tres *r = &g->res[i];
		if (!r->id) {
			r->pixels = calloc((size_t)c->width * c->height, 4);
			if (!r->pixels) {
				return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
			}
			r->id = c->resource_id;
			r->format = c->format;
			r->width = c->width;
			r->height = c->height;
			r->iov = (struct iovec){r->pixels, (size_t)c->width * c->height * 4};
			return VIRTIO_GPU_RESP_OK_NODATA;
		}
	}
	return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
}

static uint32_t
attach(struct vug_gpu *g, const struct iovec *out, unsigned nout,
       const struct virtio_gpu_resource_attach_backing *a)
{
	struct tres *r = res_find(g, a->resource_id);
	if (!r) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (r->ents || a->nr_entries == 0 || a->nr_entries > MAX_ENTRIES) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	size_t bytes = (size_t)a->nr_entries * sizeof(struct virtio_gpu_mem_entry);
	struct virtio_gpu_mem_entry *e = malloc(bytes);
	if (!e) {
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	}
	if (iov_read(out, nout, sizeof(*a), e, bytes) != bytes) {
		free(e);
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	for (uint32_t i = 0; i < a->nr_entries; i++) {
		if (!g->cfg.mem->map(g->cfg.mem_opaque, e[i].addr, e[i].length)) {
			free(e);
			return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
		}
	}
	r->ents = e;
	r->nents = a->nr_entries;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

/* Copies backing bytes [off, off+len) into dst; false if the backing is short. */
static bool
backing_read(struct vug_gpu *g, struct tres *r, uint64_t off, uint8_t *dst, uint64_t len)
{
	for (uint32_t i = 0; i < r->nents && len; i++) {
		uint64_t el = r->ents[i].length;
		if (off >= el) {
			off -= el;
			continue;
		}
		uint64_t take = el - off < len ? el - off : len;
		const uint8_t *src =
			g->cfg.mem->map(g->cfg.mem_opaque, r->ents[i].addr + off, take);
		if (!src) {
			return false;
		}
		memcpy(dst, src, take);
		dst += take;
		len -= take;
		off = 0;
	}
	return len == 0;
}

static bool
rect_ok(const struct tres *r, const struct virtio_gpu_rect *rc)
{
	return (uint64_t)rc->x + rc->width <= r->width && (uint64_t)rc->y + rc->height <= r->height;
}

static uint32_t
transfer(struct vug_gpu *g, const struct virtio_gpu_transfer_to_host_2d *t)
{
	struct tres *r = res_find(g, t->resource_id);
	if (!r) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	if (!r->ents || !rect_ok(r, &t->r)) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	uint64_t stride = (uint64_t)r->width * 4;
	for (uint32_t y = 0; y < t->r.height; y++) {
		uint64_t src = t->offset + y * stride + (uint64_t)t->r.x * 4;
		uint8_t *dst = r->pixels + (t->r.y + y) * stride + (uint64_t)t->r.x * 4;
		if (!backing_read(g, r, src, dst, (uint64_t)t->r.width * 4)) {
			return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
		}
		g->stats.bytes_copied += (uint64_t)t->r.width * 4;
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static void
show(struct vug_gpu *g, uint32_t scanout, struct tres *r)
{
	if (!g->cfg.sink) {
		return;
	}
	if (!r) {
		g->cfg.sink->impl->set_scanout(g->cfg.sink, scanout, NULL);
		return;
	}
	struct vug_frame f = {
		.width = r->width,
		.height = r->height,
		.format = r->format,
		.stride = r->width * 4,
		.iov = &r->iov,
		.iov_count = 1,
	};
	g->cfg.sink->impl->set_scanout(g->cfg.sink, scanout, &f);
}

static uint32_t
set_scanout(struct vug_gpu *g, const struct virtio_gpu_set_scanout *s)
{
	if (s->scanout_id >= g->cfg.num_scanouts) {
		return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
	}
	struct tres *r = res_find(g, s->resource_id);
	if (s->resource_id && !r) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	g->scanout_res[s->scanout_id] = s->resource_id;
	show(g, s->scanout_id, r);
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t
flush(struct vug_gpu *g, const struct virtio_gpu_resource_flush *f)
{
	struct tres *r = res_find(g, f->resource_id);
	if (!r) {
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	}
	g->stats.flushes++;
	for (uint32_t i = 0; i < g->cfg.num_scanouts && g->cfg.sink; i++) {
		if (g->scanout_res[i] == f->resource_id) {
			struct vug_rect d = {f->r.x, f->r.y, f->r.width, f->r.height};
			g->cfg.sink->impl->flush(g->cfg.sink, i, &d);
		}
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t
display_info(struct vug_gpu *g, struct virtio_gpu_resp_display_info *di)
{
	memset(di, 0, sizeof(*di));
	for (uint32_t i = 0; i < g->cfg.num_scanouts; i++) {
		di->pmodes[i].enabled = g->modes[i].enabled;
		di->pmodes[i].r.width = g->modes[i].width;
		di->pmodes[i].r.height = g->modes[i].height;
	}
	return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
}

uint32_t
vug_gpu_ctrl(struct vug_gpu *g, const struct iovec *out, unsigned nout, const struct iovec *in,
	     unsigned nin, void *token)
{
	union {
		struct virtio_gpu_ctrl_hdr hdr;
		struct virtio_gpu_resource_create_2d create;
		struct virtio_gpu_resource_unref unref;
		struct virtio_gpu_resource_attach_backing attach;
		struct virtio_gpu_resource_detach_backing detach;
		struct virtio_gpu_transfer_to_host_2d transfer;
		struct virtio_gpu_set_scanout scanout;
		struct virtio_gpu_resource_flush flush;
		uint8_t bytes[64];
	} req;
	memset(&req, 0, sizeof(req));
	size_t got = iov_read(out, nout, 0, &req, sizeof(req));
	union {
		struct virtio_gpu_ctrl_hdr hdr;
		struct virtio_gpu_resp_display_info di;
	} resp;
	memset(&resp, 0, sizeof(resp));
	uint32_t resp_len = sizeof(resp.hdr);
	uint32_t type;
	g->stats.commands++;
	if (got < sizeof(req.hdr)) {
		type = VIRTIO_GPU_RESP_ERR_UNSPEC;
	} else {
		switch (req.hdr.type) {
		case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
			type = display_info(g, &resp.di);
			resp_len = sizeof(resp.di);
			break;
		case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
			type = create_2d(g, &req.create);
			break;
		case VIRTIO_GPU_CMD_RESOURCE_UNREF: {
			struct tres *r = res_find(g, req.unref.resource_id);
			type = r ? VIRTIO_GPU_RESP_OK_NODATA
				 : VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
			for (unsigned i = 0; r && i < g->cfg.num_scanouts; i++) {
				if (g->scanout_res[i] == r->id) {
					g->scanout_res[i] = 0;
					show(g, i, NULL);
				}
			}
			if (r) {
				res_free(r);
			}
			break;
		}
		case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
			type = attach(g, out, nout, &req.attach);
			break;
		case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING: {
			struct tres *r = res_find(g, req.detach.resource_id);
			type = r ? VIRTIO_GPU_RESP_OK_NODATA
				 : VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
			if (r) {
				free(r->ents);
				r->ents = NULL;
				r->nents = 0;
			}
			break;
		}
		case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
			type = transfer(g, &req.transfer);
			break;
		case VIRTIO_GPU_CMD_SET_SCANOUT:
			type = set_scanout(g, &req.scanout);
			break;
		case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
			type = flush(g, &req.flush);
			break;
		default:
			type = VIRTIO_GPU_RESP_ERR_UNSPEC;
			break;
		}
	}
	if (type >= VIRTIO_GPU_RESP_ERR_UNSPEC) {
		g->stats.errors++;
	}
	resp.hdr.type = type;
	if (got >= sizeof(req.hdr) && (req.hdr.flags & VIRTIO_GPU_FLAG_FENCE)) {
		resp.hdr.flags = VIRTIO_GPU_FLAG_FENCE;
		resp.hdr.fence_id = req.hdr.fence_id;
		resp.hdr.ctx_id = req.hdr.ctx_id;
	}
	uint32_t len = (uint32_t)iov_write(in, nin, &resp, resp_len);
	if (resp.hdr.flags & VIRTIO_GPU_FLAG_FENCE && g->npending < MAX_PENDING) {
		g->pending[g->npending++] = (struct pending){token, len};
		return VUG_GPU_DEFERRED;
	}
	return len;
}

void
vug_gpu_cursor(struct vug_gpu *g, const struct iovec *out, unsigned nout)
{
	struct virtio_gpu_update_cursor c;
	if (iov_read(out, nout, 0, &c, sizeof(c)) != sizeof(c) || !g->cfg.sink ||
	    c.pos.scanout_id >= g->cfg.num_scanouts) {
		return;
	}
	if (c.hdr.type == VIRTIO_GPU_CMD_UPDATE_CURSOR) {
		struct tres *r = res_find(g, c.resource_id);
		if (r && r->width == 64 && r->height == 64) {
			memcpy(g->cursor, r->pixels, sizeof(g->cursor));
			g->cursor_valid = true;
		} else {
			g->cursor_valid = false;
		}
		g->cursor_hot_x = c.hot_x;
		g->cursor_hot_y = c.hot_y;
	} else if (c.hdr.type != VIRTIO_GPU_CMD_MOVE_CURSOR) {
		return;
	}
	g->cfg.sink->impl->cursor(g->cfg.sink, c.pos.scanout_id, g->cursor_valid ? g->cursor : NULL,
				  g->cursor_hot_x, g->cursor_hot_y, (int32_t)c.pos.x,
				  (int32_t)c.pos.y);
}

void
vug_gpu_poll(struct vug_gpu *g)
{
	/* Completes in submission order: one timeline. */
	unsigned n = g->npending;
	g->npending = 0;
	for (unsigned i = 0; i < n; i++) {
		g->stats.fences_completed++;
		g->hooks.complete(g->hooks.opaque, g->pending[i].token, g->pending[i].len);
	}
}

void
vug_gpu_get_stats(const struct vug_gpu *g, struct vug_gpu_stats *stats)
{
	*stats = g->stats;
}
