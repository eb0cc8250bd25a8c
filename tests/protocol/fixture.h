/*
 * pvgpu protocol tests — a device on the null backend with a few resources,
 * one context with sub-context 1 current, and a standard set of objects.
 * Header-only, shared by the protocol test programs. Single-threaded.
 *
 * Resources: 1 2D 16x16 B8G8R8X8 (5 levels), 2 buffer 4096 B, 3 2D array
 * 8x8x4 layers R8G8B8A8, 4 2D 16x16 Z32_UNORM, 5 buffer 256 B (query results),
 * 6 2D 16x16 B8G8R8X8 without backing, 7 3D 8x8x8 R8G8B8A8.
 * Objects (FX_OBJECTS): 10 surface(res 1), 11 surface(res 4), 12 sampler view
 * (res 1), 13 sampler state, 14 query(res 5), 15 SO target(res 2), 16 VS,
 * 17 FS, 18 blend, 19 DSA, 20 rasterizer, 21 vertex elements (2).
 */
#ifndef PVGPU_TEST_FIXTURE_H
#define PVGPU_TEST_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "vgp_encode.h"
#include "vgp_gallium.h"
#include "vgp_test.h"
#include "vgp_virgl_format.h"
#include "vr_core.h"
#include "vr_null.h"

struct test_backing {
	struct vr_backing b;
	struct iovec iov;
};

static void
test_backing_release(struct vr_backing *b)
{
	free(b->iov[0].iov_base);
	free(b);
}

/* A zeroed malloc'd backing of `size` bytes (the struct starts with vr_backing). */
static inline struct vr_backing *
test_backing_new(size_t size)
{
	struct test_backing *tb = calloc(1, sizeof(*tb));
	tb->iov.iov_base = calloc(1, size ? size : 1);
	tb->iov.iov_len = size;
	tb->b.iov = &tb->iov;
	tb->b.iov_count = 1;
	tb->b.size = size;
	tb->b.release = test_backing_release;
	return &tb->b;
}

struct fx {
	struct vr_backend *be;
	struct vr_device *dev;
	struct vr_ctx *ctx;
	struct vgp_enc *e;
};

static inline struct vr_resource *
fx_resource(struct fx *f, uint32_t id, uint32_t target, uint32_t format, uint32_t w, uint32_t h,
	    uint32_t d, uint32_t array, uint32_t last_level, bool backed)
{
	struct vr_resource_desc desc = {
		.target = target,
		.format = format,
		.bind = 0,
		.width = w,
		.height = h,
		.depth = d,
		.array_size = array,
		.last_level = last_level,
	};
	uint64_t size = 0;
	vr_resource_desc_backing_size(&desc, &size);
	struct vr_backing *b = backed ? test_backing_new((size_t)size) : NULL;
	const char *why = NULL;
	struct vr_resource *res = vr_device_resource_create(f->dev, id, &desc, b, &why);
	CHECK(res != NULL, "fixture resource %u: %s", id, why ? why : "?");
	if (!res && b) {
		b->release(b);
	}
	return res;
}

static inline bool
fx_submit(struct fx *f)
{
	CHECK(!f->e->overflow, "encoder overflow");
	bool ok = vr_ctx_submit(f->ctx, f->e->dw, f->e->n);
	vgp_enc_reset(f->e);
	return ok;
}

static inline const char *
fx_log(struct fx *f)
{
	return vr_null_backend_log(f->be);
}

static inline void
fx_clear_log(struct fx *f)
{
	vr_null_backend_log_clear(f->be);
}

/* True when `line` is one complete line of the log. */
static inline bool
fx_has_line(struct fx *f, const char *line)
{
	const char *log = fx_log(f);
	size_t n = strlen(line);
	for (const char *p = log; (p = strstr(p, line)); p++) {
		if ((p == log || p[-1] == '\n') && p[n] == '\n') {
			return true;
		}
	}
	return false;
}

#define CHECK_LINE(f, line) \
	CHECK(fx_has_line((f), (line)), "expected log line \"%s\" in:\n%s", (line), fx_log(f))

static inline void
fx_objects(struct fx *f)
{
	struct vgp_enc *e = f->e;
	vgp_enc_create_surface(e, 10, 1, VIRGL_FORMAT_B8G8R8X8_UNORM, 0, 0, 0);
	vgp_enc_create_surface(e, 11, 4, VIRGL_FORMAT_Z32_UNORM, 0, 0, 0);
	vgp_enc_create_sampler_view_tex(e, 12, 1, VIRGL_FORMAT_B8G8R8X8_UNORM, PIPE_TEXTURE_2D, 0,
					0, 0, 4);
	vgp_enc_create_sampler_state(e, 13, 2 | 2 << 3 | 1 << 9 | 2 << 11 | 1 << 13, 0.0f, 0.0f,
				     1000.0f, NULL);
	vgp_enc_create_query(e, 14, PIPE_QUERY_OCCLUSION_COUNTER, 0, 0, 5);
	vgp_enc_create_streamout_target(e, 15, 2, 0, 1024);
	vgp_enc_create_shader(e, 16, VIRGL_SHADER_VERTEX, 20,
			      "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0]\n"
			      "  1: END\n");
	vgp_enc_create_shader(e, 17, VIRGL_SHADER_FRAGMENT, 20,
			      "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {1, 0, 0, 1}\n"
			      "  0: MOV OUT[0], IMM[0]\n  1: END\n");
	vgp_enc_create_blend_default(e, 18);
	vgp_enc_create_dsa(e, 19, 0x7, 0, 0, 0.0f);
	vgp_enc_create_rasterizer_simple(e, 20, 0x60008203);
	struct vgp_enc_vertex_element ve[2] = {
		{0, 0, 0, VIRGL_FORMAT_R32G32B32_FLOAT},
		{12, 0, 0, VIRGL_FORMAT_R32G32B32A32_FLOAT},
	};
	vgp_enc_create_vertex_elements(e, 21, 2, ve);
	CHECK(fx_submit(f), "fixture objects: %s", f->ctx->error);
}

/* Device over `be` (owned by the fixture from now on) + resources + context 1
 * with sub-context 1 current (+ objects). */
static inline void
fx_init_backend(struct fx *f, struct vr_backend *be, bool objects)
{
	memset(f, 0, sizeof(*f));
	f->be = be;
	f->dev = vr_device_create(f->be);
	f->e = vgp_enc_new();
	const char *why = NULL;
	f->ctx = vr_device_ctx_create(f->dev, 1, "test", &why);
	CHECK(f->ctx != NULL, "context: %s", why ? why : "?");
	fx_resource(f, 1, PIPE_TEXTURE_2D, VIRGL_FORMAT_B8G8R8X8_UNORM, 16, 16, 1, 1, 4, true);
	fx_resource(f, 2, PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 4096, 1, 1, 1, 0, true);
	fx_resource(f, 3, PIPE_TEXTURE_2D_ARRAY, VIRGL_FORMAT_R8G8B8A8_UNORM, 8, 8, 1, 4, 0, true);
	fx_resource(f, 4, PIPE_TEXTURE_2D, VIRGL_FORMAT_Z32_UNORM, 16, 16, 1, 1, 0, true);
	fx_resource(f, 5, PIPE_BUFFER, VIRGL_FORMAT_R8_UNORM, 256, 1, 1, 1, 0, true);
	fx_resource(f, 6, PIPE_TEXTURE_2D, VIRGL_FORMAT_B8G8R8X8_UNORM, 16, 16, 1, 1, 0, false);
	fx_resource(f, 7, PIPE_TEXTURE_3D, VIRGL_FORMAT_R8G8B8A8_UNORM, 8, 8, 8, 1, 0, true);
	vgp_enc_create_sub_ctx(f->e, 1);
	vgp_enc_set_sub_ctx(f->e, 1);
	CHECK(fx_submit(f), "fixture sub-context: %s", f->ctx->error);
	if (objects) {
		fx_objects(f);
	}
}

/* The same on the null backend. */
static inline void
fx_init(struct fx *f, bool objects)
{
	fx_init_backend(f, vr_null_backend_create(), objects);
}

static inline void
fx_finish(struct fx *f)
{
	vr_device_destroy(f->dev);
	f->be->impl->destroy(f->be);
	free(f->e);
}

/* FNV-1a, the hash the null backend prints for payloads. */
static inline uint32_t
fx_hash(const void *data, size_t size)
{
	const uint8_t *p = data;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++) {
		h = (h ^ p[i]) * 16777619u;
	}
	return h;
}

#endif /* PVGPU_TEST_FIXTURE_H */
