/* pvgpu — devices and contexts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr_caps.h"
#include "vr_core.h"

void vr_ctx_free_subs(struct vr_ctx *ctx);

struct vr_device *
vr_device_create(struct vr_backend *backend)
{
	struct vr_device *dev = calloc(1, sizeof(*dev));
	if (!dev) {
		return NULL;
	}
	dev->backend = backend;
	vr_hash_init(&dev->resources);
	vr_hash_init(&dev->contexts);
	vr_caps_init_profile(&dev->caps);
	if (backend->impl->fill_caps) {
		backend->impl->fill_caps(backend, &dev->caps);
	}
	return dev;
}

static void
ctx_free(struct vr_ctx *ctx)
{
	vr_ctx_free_subs(ctx);
	if (ctx->bctx) {
		ctx->bctx->impl->destroy(ctx->bctx);
	}
	free(ctx);
}

void
vr_device_destroy(struct vr_device *dev)
{
	if (!dev) {
		return;
	}
	uint32_t key;
	void *val;
	for (size_t it = 0; vr_hash_next(&dev->contexts, &it, &key, &val);) {
		ctx_free(val);
	}
	vr_hash_finish(&dev->contexts);
	for (size_t it = 0; vr_hash_next(&dev->resources, &it, &key, &val);) {
		vr_resource_unref(val);
	}
	vr_hash_finish(&dev->resources);
	free(dev);
}

size_t
vr_device_get_caps(struct vr_device *dev, uint32_t capset_id, void *buf, size_t buf_size)
{
	size_t size;
	struct vgp_caps_v2 caps = dev->caps;
	if (capset_id == VIRGL_CAPSET_VIRGL) {
		size = sizeof(struct vgp_caps_v1);
		caps.v1.max_version = 1;
	} else if (capset_id == VIRGL_CAPSET_VIRGL2) {
		size = sizeof(struct vgp_caps_v2);
		caps.v1.max_version = 2;
	} else {
		return 0;
	}
	if (buf_size < size) {
		return 0;
	}
	memcpy(buf, &caps, size);
	return size;
}

struct vr_ctx *
vr_device_ctx_create(struct vr_device *dev, uint32_t id, const char *name, const char **why)
{
	if (!id) {
		*why = "context id 0";
		return NULL;
	}
	if (vr_hash_get(&dev->contexts, id)) {
		*why = "context id already in use";
		return NULL;
	}
	if (dev->contexts.count >= VR_MAX_CONTEXTS) {
		*why = "too many contexts (VR_MAX_CONTEXTS per client)";
		return NULL;
	}
	struct vr_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		*why = "out of memory";
		return NULL;
	}
	ctx->id = id;
	ctx->dev = dev;
	snprintf(ctx->name, sizeof(ctx->name), "%s", name ? name : "");
	vr_hash_init(&ctx->sub_ctxs);
	ctx->log_rl = (struct vr_ratelimit)VR_RATELIMIT_INIT;
	ctx->bctx = dev->backend->impl->ctx_create(dev->backend, ctx);
	if (!ctx->bctx) {
		free(ctx);
		*why = "backend could not create a context";
		return NULL;
	}
	if (!vr_hash_insert(&dev->contexts, id, ctx)) {
		ctx_free(ctx);
		*why = "out of memory";
		return NULL;
	}
	return ctx;
}

void
vr_device_ctx_destroy(struct vr_device *dev, uint32_t id)
{
	struct vr_ctx *ctx = id ? vr_hash_remove(&dev->contexts, id) : NULL;
	if (ctx) {
		ctx_free(ctx);
	}
}

struct vr_ctx *
vr_device_lookup_ctx(struct vr_device *dev, uint32_t id)
{
	return id ? vr_hash_get(&dev->contexts, id) : NULL;
}

bool
vr_device_busy(struct vr_device *dev, bool wait)
{
	if (!dev->backend->impl->busy) {
		return false;
	}
	return dev->backend->impl->busy(dev->backend, wait);
}
