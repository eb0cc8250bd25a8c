/*
 * pvgpu — null backend: the backend-level slots, the log and the context
 * object. Context slots live in null_ctx.c. Every call appends exactly one
 * line; the wording is part of the test fixtures (tests/protocol), so change
 * it only together with the expected logs.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "null_priv.h"
#include "vgp_virgl_format.h"
#include "vr_caps.h"
#include "vr_core.h"
#include "vr_format.h"

static const struct vr_backend_impl null_impl;

struct null_backend *
null_backend(struct vr_backend *be)
{
	assert(be->impl == &null_impl);
	return (struct null_backend *)be;
}

void
null_line_add(struct null_line *l, const char *fmt, ...)
{
	if (l->n >= sizeof(l->buf) - 1) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(l->buf + l->n, sizeof(l->buf) - l->n, fmt, ap);
	va_end(ap);
	if (r > 0) {
		l->n += (size_t)r;
		if (l->n > sizeof(l->buf) - 1) {
			l->n = sizeof(l->buf) - 1; /* truncated line: still one line */
		}
	}
}

void
null_line_commit(struct null_backend *nb, const struct null_line *l)
{
	nb->calls++;
	if (nb->len + l->n + 2 > VR_NULL_LOG_CAP) {
		return; /* keep counting, stop storing */
	}
	if (nb->len + l->n + 2 > nb->cap) {
		size_t cap = nb->cap ? nb->cap : 4096;
		while (cap < nb->len + l->n + 2) {
			cap *= 2;
		}
		char *log = realloc(nb->log, cap);
		if (!log) {
			return;
		}
		nb->log = log;
		nb->cap = cap;
	}
	memcpy(nb->log + nb->len, l->buf, l->n);
	nb->len += l->n;
	nb->log[nb->len++] = '\n';
	nb->log[nb->len] = '\0';
}

void
null_log(struct null_backend *nb, const char *fmt, ...)
{
	struct null_line l = {.n = 0};
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(l.buf, sizeof(l.buf), fmt, ap);
	va_end(ap);
	l.n = r < 0 ? 0 : (size_t)r < sizeof(l.buf) ? (size_t)r : sizeof(l.buf) - 1;
	null_line_commit(nb, &l);
}

uint32_t
null_hash(const void *data, size_t size, uint32_t h)
{
	/* FNV-1a: enough to tell payloads apart in a log line. */
	const uint8_t *p = data;
	for (size_t i = 0; i < size; i++) {
		h = (h ^ p[i]) * 16777619u;
	}
	return h;
}

static void
null_destroy(struct vr_backend *be)
{
	struct null_backend *nb = null_backend(be);
	free(nb->log);
	free(nb);
}

static void
null_fill_caps(struct vr_backend *be, struct vgp_caps_v2 *caps)
{
	null_log(null_backend(be), "fill_caps");
	/* Claim every format the core knows, so a real Mesa client gets far enough to
	 * submit streams (it gives up on a screen without a render format); the null
	 * backend accepts everything and draws nothing. */
	for (uint32_t f = 1; f <= VIRGL_FORMAT_MAX; f++) {
		const struct vr_format_info *fi = vr_format_get_texel(f);
		if (!fi) {
			continue;
		}
		vr_caps_mask_set(&caps->v1.sampler, f);
		vr_caps_mask_set(&caps->supported_readback_formats, f);
		if (vr_format_is_depth_or_stencil(fi)) {
			vr_caps_mask_set(&caps->v1.depthstencil, f);
		}
		vr_caps_mask_set(&caps->v1.render, f);
	}
	snprintf(caps->renderer, sizeof(caps->renderer), "pvgpu (null)");
}

static bool
null_resource_create(struct vr_backend *be, struct vr_resource *res)
{
	const struct vr_resource_desc *d = &res->desc;
	null_log(null_backend(be),
		 "resource_create id=%u target=%u fmt=%u bind=0x%x size=%ux%ux%u array=%u "
		 "last_level=%u samples=%u",
		 res->id, d->target, d->format, d->bind, d->width, d->height, d->depth,
		 d->array_size, d->last_level, d->nr_samples);
	return true;
}

static void
null_resource_destroy(struct vr_backend *be, struct vr_resource *res)
{
	null_log(null_backend(be), "resource_destroy id=%u", res->id);
}

/* Hash of the guest bytes a to-host transfer would read (validated by the core). */
static uint32_t
transfer_hash(const struct vr_transfer *x)
{
	const struct vr_format_info *fi = vr_format_get(x->res->desc.format);
	size_t bpp = x->res->desc.target == PIPE_BUFFER ? 1 : fi->block_bytes;
	size_t row = (size_t)x->box.w * bpp;
	uint32_t h = 2166136261u;
	for (int32_t z = 0; z < x->box.d; z++) {
		for (int32_t y = 0; y < x->box.h; y++) {
			const uint8_t *p =
				x->data + (size_t)z * x->layer_stride + (size_t)y * x->stride;
			h = null_hash(p, row, h);
		}
	}
	return h;
}

static bool
null_transfer(struct vr_backend *be, const struct vr_transfer *x)
{
	struct null_line l = {.n = 0};
	null_line_add(&l,
		      "transfer res=%u to_host=%d level=%u box=%d,%d,%d %dx%dx%d stride=%u "
		      "layer_stride=%u",
		      x->res->id, x->to_host, x->level, x->box.x, x->box.y, x->box.z, x->box.w,
		      x->box.h, x->box.d, x->stride, x->layer_stride);
	if (x->to_host) {
		null_line_add(&l, " hash=0x%08x", transfer_hash(x));
	}
	null_line_commit(null_backend(be), &l);
	return true;
}

static bool
null_busy(struct vr_backend *be, bool wait)
{
	null_log(null_backend(be), "busy wait=%d", wait);
	return false;
}

static struct vr_backend_ctx *
null_ctx_create(struct vr_backend *be, struct vr_ctx *ctx)
{
	struct null_backend *nb = null_backend(be);
	struct null_ctx *nc = calloc(1, sizeof(*nc));
	if (!nc) {
		return NULL;
	}
	nc->base.impl = &null_ctx_impl;
	nc->nb = nb;
	nc->id = ctx->id;
	null_log(nb, "ctx_create id=%u name=%s", ctx->id, ctx->name);
	return &nc->base;
}

static const struct vr_backend_impl null_impl = {
	.name = "null",
	.destroy = null_destroy,
	.fill_caps = null_fill_caps,
	.resource_create = null_resource_create,
	.resource_destroy = null_resource_destroy,
	.transfer = null_transfer,
	.ctx_create = null_ctx_create,
	.busy = null_busy,
};

struct vr_backend *
vr_null_backend_create(void)
{
	struct null_backend *nb = calloc(1, sizeof(*nb));
	if (!nb) {
		return NULL;
	}
	nb->base.impl = &null_impl;
	return &nb->base;
}

const char *
vr_null_backend_log(struct vr_backend *be)
{
	if (!be || be->impl != &null_impl) {
		return NULL;
	}
	struct null_backend *nb = null_backend(be);
	return nb->log ? nb->log : "";
}

void
vr_null_backend_log_clear(struct vr_backend *be)
{
	struct null_backend *nb = null_backend(be);
	nb->len = 0;
	if (nb->log) {
		nb->log[0] = '\0';
	}
}

uint64_t
vr_null_backend_calls(struct vr_backend *be)
{
	return null_backend(be)->calls;
}
