/*
 * pvgpu render tests — a headless GL backend, a device and a context driven
 * through the real decoder (vr_ctx_submit) with the shared command encoder.
 *
 * Resources get malloc'd backings (one iovec) so tests can read and write the
 * "guest memory" directly. Single-threaded; one struct rt per test program.
 */
#ifndef RENDER_UTIL_H
#define RENDER_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgp_encode.h"
#include "vgp_test.h"
#include "vr_core.h"
#include "vr_gl.h"

#define RT_SKIP 77 /* meson's "skipped" exit status */

struct rt {
	struct vr_backend *be;
	struct vr_device *dev;
	struct vr_ctx *ctx;
	struct vgp_enc *enc;
	uint32_t next_handle; /* object handles */
	uint32_t next_res;    /* resource ids */
};

static void
rt_backing_release(struct vr_backing *b)
{
	free(b->iov[0].iov_base);
	free(b->iov);
	free(b);
}

/** Sets up backend, device, context 1 with sub-context 1 current. 0, or RT_SKIP / 1. */
static inline int
rt_init(struct rt *t)
{
	memset(t, 0, sizeof(*t));
	struct vr_gl_options opts = {.render_node = NULL,
				     .debug = getenv("PVGPU_GL_DEBUG") != NULL,
				     .glsl_passthrough = true};
	t->be = vr_gl_backend_create(&opts);
	if (!t->be) {
		printf("SKIP: no headless GL (EGL surfaceless + desktop GL 3.3 core)\n");
		return RT_SKIP;
	}
	t->dev = vr_device_create(t->be);
	const char *why = NULL;
	t->ctx = t->dev ? vr_device_ctx_create(t->dev, 1, "render-test", &why) : NULL;
	t->enc = vgp_enc_new();
	if (!t->ctx || !t->enc) {
		fprintf(stderr, "setup failed: %s\n", why ? why : "out of memory");
		return 1;
	}
	t->next_handle = 1;
	t->next_res = 1;
	vgp_enc_create_sub_ctx(t->enc, 1);
	vgp_enc_set_sub_ctx(t->enc, 1);
	return vr_ctx_submit(t->ctx, t->enc->dw, t->enc->n) ? (vgp_enc_reset(t->enc), 0) : 1;
}

static inline void
rt_finish(struct rt *t)
{
	free(t->enc);
	vr_device_destroy(t->dev);
	if (t->be) {
		t->be->impl->destroy(t->be);
	}
}

/** Submits what was encoded; returns whether the context accepted it. */
static inline bool
rt_submit(struct rt *t)
{
	bool ok = vr_ctx_submit(t->ctx, t->enc->dw, t->enc->n);
	vgp_enc_reset(t->enc);
	return ok;
}

#define RT_SUBMIT(t) CHECK(rt_submit(t), "submit failed: %s", (t)->ctx->error)

struct rt_res_desc {
	uint32_t target, format, bind;
	uint32_t width, height, depth, array_size, last_level, nr_samples;
};

/** Creates a resource with a zeroed malloc backing of its tight size (none for MSAA). */
static inline struct vr_resource *
rt_res(struct rt *t, const struct rt_res_desc *d)
{
	struct vr_resource_desc desc = {
		.target = d->target,
		.format = d->format,
		.bind = d->bind ? d->bind : 0xa,
		.width = d->width,
		.height = d->height ? d->height : 1,
		.depth = d->depth ? d->depth : 1,
		.array_size = d->array_size ? d->array_size : 1,
		.last_level = d->last_level,
		.nr_samples = d->nr_samples,
	};
	uint64_t size = 0;
	struct vr_backing *b = NULL;
	if (desc.nr_samples <= 1 && vr_resource_desc_backing_size(&desc, &size)) {
		b = calloc(1, sizeof(*b));
		b->iov = calloc(1, sizeof(*b->iov));
		b->iov[0].iov_base = calloc(1, size ? size : 1);
		b->iov[0].iov_len = size;
		b->iov_count = 1;
		b->size = size;
		b->release = rt_backing_release;
	}
	const char *why = NULL;
	struct vr_resource *res = vr_device_resource_create(t->dev, t->next_res++, &desc, b, &why);
	CHECK(res != NULL, "resource (format %u, target %u) not created: %s", d->format, d->target,
	      why);
	if (!res && b) {
		rt_backing_release(b);
	}
	return res;
}

static inline uint8_t *
rt_mem(struct vr_resource *res)
{
	return res->backing->iov[0].iov_base;
}

/** Transfer as the vtest PUT2/GET2 path does it (stride 0 = tight). */
static inline bool
rt_xfer(struct rt *t, struct vr_resource *res, uint32_t level, struct vr_box box, uint32_t stride,
	uint32_t layer_stride, uint64_t offset, bool to_host)
{
	const char *why = NULL;
	bool ok = vr_device_transfer(t->dev, res->id, level, &box, stride, layer_stride, offset,
				     to_host, &why);
	CHECK(ok, "transfer (res %u, to_host %d) failed: %s", res->id, to_host, why);
	return ok;
}

static inline struct vr_box
rt_box(int32_t x, int32_t y, int32_t z, int32_t w, int32_t h, int32_t d)
{
	struct vr_box b = {x, y, z, w, h, d};
	return b;
}

/** Creates SURFACE `handle` over res (level, layers first..last) in the current sub-context. */
static inline uint32_t
rt_surface(struct rt *t, struct vr_resource *res, uint32_t format, uint32_t level,
	   uint32_t first_layer, uint32_t last_layer)
{
	uint32_t h = t->next_handle++;
	vgp_enc_create_surface(t->enc, h, res->id, format, level, first_layer, last_layer);
	return h;
}

/** Deterministic pseudo-random bytes (xorshift), so failures are reproducible. */
static inline void
rt_fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 0x9e3779b9u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 11);
	}
}

/** Reads a whole 2D level back into the backing at offset 0 and returns it. */
static inline uint8_t *
rt_readback(struct rt *t, struct vr_resource *res, uint32_t level)
{
	struct vr_box b = rt_box(0, 0, 0, (int32_t)vr_minify(res->desc.width, level),
				 (int32_t)vr_minify(res->desc.height, level), 1);
	memset(rt_mem(res), 0xcd, res->backing->size);
	rt_xfer(t, res, level, b, 0, 0, 0, false);
	return rt_mem(res);
}

static inline uint32_t
rt_u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline float
rt_f32(const uint8_t *p)
{
	float v;
	memcpy(&v, p, 4);
	return v;
}

#endif /* RENDER_UTIL_H */
