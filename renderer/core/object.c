/* pvgpu — per-sub-context object tables and object lifetime. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vr_core.h"

static void
release_state_refs(struct vr_object *obj)
{
	switch (obj->type) {
	case VIRGL_OBJECT_SAMPLER_VIEW:
		vr_resource_unref(obj->u.view.res);
		break;
	case VIRGL_OBJECT_SURFACE:
	case VIRGL_OBJECT_MSAA_SURFACE:
		vr_resource_unref(obj->u.surface.res);
		break;
	case VIRGL_OBJECT_QUERY:
		vr_resource_unref(obj->u.query.res);
		break;
	case VIRGL_OBJECT_STREAMOUT_TARGET:
		vr_resource_unref(obj->u.so_target.res);
		break;
	case VIRGL_OBJECT_SHADER:
		free(obj->u.shader.text);
		break;
	default:
		break;
	}
}

void
vr_object_ref(struct vr_object *obj)
{
	obj->refcount++;
}

void
vr_object_unref(struct vr_object *obj)
{
	if (!obj || --obj->refcount) {
		return;
	}
	struct vr_backend_ctx *bctx = obj->ctx->bctx;
	if (bctx && bctx->impl->object_destroy) {
		bctx->impl->object_destroy(bctx, obj);
	}
	release_state_refs(obj);
	free(obj);
}

void
vr_ctx_error(struct vr_ctx *ctx, const char *fmt, ...)
{
	char msg[sizeof(ctx->error)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->broken) {
		ctx->broken = true;
		snprintf(ctx->error, sizeof(ctx->error), "%s", msg);
	}
	vr_log_rl(&ctx->log_rl, VR_CAT_DECODE, VR_LOG_WARN, "context %u (%s): %s", ctx->id,
		  ctx->name, msg);
}

struct vr_resource *
vr_ctx_lookup_resource(struct vr_ctx *ctx, uint32_t id)
{
	return vr_device_lookup_resource(ctx->dev, id);
}

struct vr_object *
vr_ctx_lookup_any(struct vr_ctx *ctx, uint32_t handle)
{
	if (!ctx->sub || !handle) {
		return NULL;
	}
	return vr_hash_get(&ctx->sub->objects, handle);
}

struct vr_object *
vr_ctx_lookup_object(struct vr_ctx *ctx, uint32_t handle, uint32_t type)
{
	struct vr_object *obj = vr_ctx_lookup_any(ctx, handle);
	if (obj && obj->type != type &&
	    !(type == VIRGL_OBJECT_SURFACE && obj->type == VIRGL_OBJECT_MSAA_SURFACE)) {
		return NULL;
	}
	return obj;
}

struct vr_object *
vr_ctx_object_alloc(struct vr_ctx *ctx, uint32_t handle, uint32_t type)
{
	if (!ctx->sub) {
		vr_ctx_error(ctx, "object created without a current sub-context");
		return NULL;
	}
	if (!handle) {
		vr_ctx_error(ctx, "object handle 0");
		return NULL;
	}
	if (vr_hash_get(&ctx->sub->objects, handle) ||
	    (ctx->sub->pending_shader && ctx->sub->pending_shader->handle == handle)) {
		vr_ctx_error(ctx, "object handle %u already in use", handle);
		return NULL;
	}
	if (ctx->sub->objects.count >= VR_MAX_OBJECTS) {
		vr_ctx_error(ctx, "too many objects (VR_MAX_OBJECTS %u per sub-context)",
			     VR_MAX_OBJECTS);
		return NULL;
	}
	struct vr_object *obj = calloc(1, sizeof(*obj));
	if (!obj) {
		vr_ctx_error(ctx, "out of memory");
		return NULL;
	}
	obj->handle = handle;
	obj->type = type;
	obj->refcount = 1;
	obj->ctx = ctx;
	return obj;
}

void
vr_ctx_object_discard(struct vr_object *obj)
{
	if (obj) {
		release_state_refs(obj);
		free(obj);
	}
}

bool
vr_ctx_object_commit(struct vr_ctx *ctx, struct vr_object *obj)
{
	struct vr_backend_ctx *bctx = ctx->bctx;
	/* The handle was free at alloc time, but a shader assembled from several
	 * chunks is committed later: another object may have taken it meanwhile. */
	if (!ctx->sub || vr_hash_get(&ctx->sub->objects, obj->handle)) {
		vr_ctx_error(ctx, "object handle %u already in use", obj->handle);
		vr_ctx_object_discard(obj);
		return false;
	}
	if (bctx->impl->object_create && !bctx->impl->object_create(bctx, obj)) {
		vr_ctx_error(ctx, "backend could not create object %u (type %u)", obj->handle,
			     obj->type);
		vr_ctx_object_discard(obj);
		return false;
	}
	if (!vr_hash_insert(&ctx->sub->objects, obj->handle, obj)) {
		vr_ctx_error(ctx, "out of memory");
		vr_object_unref(obj);
		return false;
	}
	return true;
}

bool
vr_ctx_object_destroy(struct vr_ctx *ctx, uint32_t handle)
{
	if (!ctx->sub || !handle) {
		return false;
	}
	struct vr_object *pending = ctx->sub->pending_shader;
	if (pending && pending->handle == handle) {
		/* A shader still receiving text chunks: never committed, so discard. */
		ctx->sub->pending_shader = NULL;
		vr_ctx_object_discard(pending);
		return true;
	}
	struct vr_object *obj = vr_hash_remove(&ctx->sub->objects, handle);
	if (!obj) {
		return false;
	}
	vr_object_unref(obj);
	return true;
}

/* ----------------------------------------------------------- sub-contexts */

/* A new sub-context with its backend state; NULL (context error) on failure. */
static struct vr_sub_ctx *
sub_new(struct vr_ctx *ctx, uint32_t id)
{
	struct vr_sub_ctx *sub = calloc(1, sizeof(*sub));
	if (!sub) {
		vr_ctx_error(ctx, "out of memory");
		return NULL;
	}
	sub->id = id;
	vr_hash_init(&sub->objects);
	struct vr_backend_ctx *bctx = ctx->bctx;
	if (bctx->impl->sub_ctx_create && !bctx->impl->sub_ctx_create(bctx, sub)) {
		free(sub);
		vr_ctx_error(ctx, "backend could not create sub-context %u", id);
		return NULL;
	}
	return sub;
}

static void sub_free(struct vr_ctx *ctx, struct vr_sub_ctx *sub);

bool
vr_ctx_sub_create(struct vr_ctx *ctx, uint32_t id)
{
	if (!id) {
		vr_ctx_error(ctx, "sub-context id 0");
		return false;
	}
	if (vr_hash_get(&ctx->sub_ctxs, id)) {
		vr_ctx_error(ctx, "sub-context %u already exists", id);
		return false;
	}
	if (ctx->sub_ctxs.count >= VR_MAX_SUB_CTXS) {
		vr_ctx_error(ctx, "too many sub-contexts (VR_MAX_SUB_CTXS %u per context)",
			     VR_MAX_SUB_CTXS);
		return false;
	}
	struct vr_sub_ctx *sub = sub_new(ctx, id);
	if (!sub) {
		return false;
	}
	if (!vr_hash_insert(&ctx->sub_ctxs, id, sub)) {
		sub_free(ctx, sub);
		vr_ctx_error(ctx, "out of memory");
		return false;
	}
	return true;
}

static void
make_current(struct vr_ctx *ctx, struct vr_sub_ctx *sub)
{
	if (ctx->sub != sub) {
		ctx->sub = sub;
		if (ctx->bctx->impl->sub_ctx_make_current) {
			ctx->bctx->impl->sub_ctx_make_current(ctx->bctx, sub);
		}
	}
}

/* Sub-context 0, created the first time it is needed. */
static struct vr_sub_ctx *
sub0(struct vr_ctx *ctx)
{
	if (!ctx->sub0) {
		ctx->sub0 = sub_new(ctx, 0);
	}
	return ctx->sub0;
}

struct vr_sub_ctx *
vr_ctx_sub_current(struct vr_ctx *ctx)
{
	if (!ctx->sub && !ctx->sub_chosen && sub0(ctx)) {
		make_current(ctx, ctx->sub0);
	}
	return ctx->sub;
}

static void
sub_free(struct vr_ctx *ctx, struct vr_sub_ctx *sub)
{
	struct vr_backend_ctx *bctx = ctx->bctx;
	/* The backend drops its bound-state references first, then the table goes. */
	if (bctx->impl->sub_ctx_destroy) {
		bctx->impl->sub_ctx_destroy(bctx, sub);
	}
	uint32_t key;
	void *val;
	for (size_t it = 0; vr_hash_next(&sub->objects, &it, &key, &val);) {
		vr_object_unref(val);
	}
	vr_hash_finish(&sub->objects);
	vr_ctx_object_discard(sub->pending_shader);
	free(sub);
}

bool
vr_ctx_sub_destroy(struct vr_ctx *ctx, uint32_t id)
{
	if (!id) {
		/* Like virglrenderer: sub-context 0 lives as long as the context. */
		vr_ctx_error(ctx, "sub-context 0 cannot be destroyed");
		return false;
	}
	ctx->sub_chosen = true;
	struct vr_sub_ctx *sub = vr_hash_remove(&ctx->sub_ctxs, id);
	if (!sub) {
		vr_ctx_error(ctx, "destroying unknown sub-context %u", id);
		return false;
	}
	if (ctx->sub == sub) {
		ctx->sub = NULL;
	}
	sub_free(ctx, sub);
	return true;
}

bool
vr_ctx_sub_set(struct vr_ctx *ctx, uint32_t id)
{
	struct vr_sub_ctx *sub = id ? vr_hash_get(&ctx->sub_ctxs, id) : sub0(ctx);
	if (!sub) {
		if (id) {
			vr_ctx_error(ctx, "unknown sub-context %u", id);
		}
		return false;
	}
	ctx->sub_chosen = true;
	make_current(ctx, sub);
	return true;
}

void vr_ctx_free_subs(struct vr_ctx *ctx);

/* Frees every sub-context of a context being destroyed (called by device.c). */
void
vr_ctx_free_subs(struct vr_ctx *ctx)
{
	uint32_t key;
	void *val;
	ctx->sub = NULL;
	for (size_t it = 0; vr_hash_next(&ctx->sub_ctxs, &it, &key, &val);) {
		sub_free(ctx, val);
	}
	vr_hash_finish(&ctx->sub_ctxs);
	if (ctx->sub0) {
		sub_free(ctx, ctx->sub0);
		ctx->sub0 = NULL;
	}
}
