/*
 * pvgpu — GL backend contexts: the vr_ctx_impl vtable, sub-contexts and the
 * bound state each one keeps.
 *
 * All contexts of a backend share its one GL context. A sub-context is plain
 * state (an FBO plus referenced bound objects); making one current only marks
 * everything dirty so the next operation re-emits it.
 */
#include <stdlib.h>

#include "gl_priv.h"

static void
ctx_destroy(struct vr_backend_ctx *bctx)
{
	/* The core destroyed every sub-context (and our references) first. */
	free(gl_ctx(bctx));
}

static bool
sub_ctx_create(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_sub *s = calloc(1, sizeof(*s));
	if (!s) {
		return false;
	}
	gl_make_current(c->be);
	glGenFramebuffers(1, &s->fbo);
	s->sub = sub;
	s->dirty = GL_DIRTY_ALL;
	sub->backend_priv = s;
	return true;
}

static void
sub_ctx_destroy(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_backend *be = c->be;
	struct gl_sub *s = sub->backend_priv;
	if (!s) {
		return;
	}
	gl_make_current(be);
	gl_sub_release_fb(s);
	for (size_t i = 0; i < sizeof(s->cso) / sizeof(s->cso[0]); i++) {
		gl_swap_ref(&s->cso[i], NULL);
	}
	for (size_t i = 0; i < sizeof(s->shaders) / sizeof(s->shaders[0]); i++) {
		gl_swap_ref(&s->shaders[i], NULL);
	}
	/* Deleting a bound FBO rebinds 0; keep the binding cache truthful. */
	if (be->bound_draw_fbo == s->fbo) {
		be->bound_draw_fbo = 0;
	}
	if (be->bound_read_fbo == s->fbo) {
		be->bound_read_fbo = 0;
	}
	glDeleteFramebuffers(1, &s->fbo);
	if (c->cur == s) {
		c->cur = NULL;
	}
	sub->backend_priv = NULL;
	free(s);
}

static void
sub_ctx_make_current(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub)
{
	struct gl_ctx *c = gl_ctx(bctx);
	c->cur = sub->backend_priv;
	if (c->cur) {
		c->cur->dirty = GL_DIRTY_ALL;
	}
}

static bool
object_create(struct vr_backend_ctx *bctx, struct vr_object *obj)
{
	if (obj->type == VIRGL_OBJECT_SURFACE || obj->type == VIRGL_OBJECT_MSAA_SURFACE) {
		const struct vr_surface_state *st = &obj->u.surface;
		if (!gl_format_get(st->format)) {
			/* Not fatal: the guest may create surfaces it never binds. */
			vr_log_rl(&gl_ctx(bctx)->be->rl, VR_CAT_GL, VR_LOG_WARN,
				  "surface %u: format %u not implemented", obj->handle, st->format);
		}
	}
	return true;
}

static void
bind_object(struct vr_backend_ctx *bctx, uint32_t type, struct vr_object *obj)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s || type >= sizeof(s->cso) / sizeof(s->cso[0]) || type == VIRGL_OBJECT_SHADER) {
		return;
	}
	gl_swap_ref(&s->cso[type], obj);
	s->dirty |= type == VIRGL_OBJECT_BLEND        ? GL_DIRTY_BLEND
		    : type == VIRGL_OBJECT_DSA        ? GL_DIRTY_DSA
		    : type == VIRGL_OBJECT_RASTERIZER ? GL_DIRTY_RS
						      : 0;
}

static void
bind_shader(struct vr_backend_ctx *bctx, uint32_t stage, struct vr_object *obj)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (s && stage < sizeof(s->shaders) / sizeof(s->shaders[0])) {
		gl_swap_ref(&s->shaders[stage], obj);
	}
}

static void
set_viewport_states(struct vr_backend_ctx *bctx, uint32_t start, uint32_t count,
		    const struct vr_viewport *vps)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	for (uint32_t i = 0; s && i < count && start + i < VIRGL_MAX_VIEWPORTS; i++) {
		s->viewports[start + i] = vps[i];
		s->dirty |= GL_DIRTY_VIEWPORT;
	}
}

static void
set_scissor_states(struct vr_backend_ctx *bctx, uint32_t start, uint32_t count,
		   const struct vr_scissor *rects)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	for (uint32_t i = 0; s && i < count && start + i < VIRGL_MAX_VIEWPORTS; i++) {
		s->scissors[start + i] = rects[i];
		s->dirty |= GL_DIRTY_SCISSOR;
	}
}

static void
flush(struct vr_backend_ctx *bctx)
{
	struct gl_backend *be = gl_ctx(bctx)->be;
	gl_make_current(be);
	gl_fence_insert(be);
}

static const struct vr_ctx_impl gl_ctx_impl = {
	.destroy = ctx_destroy,
	.sub_ctx_create = sub_ctx_create,
	.sub_ctx_destroy = sub_ctx_destroy,
	.sub_ctx_make_current = sub_ctx_make_current,
	.object_create = object_create,
	.bind_object = bind_object,
	.bind_shader = bind_shader,
	.set_framebuffer_state = gl_set_framebuffer_state,
	.set_viewport_states = set_viewport_states,
	.set_scissor_states = set_scissor_states,
	.clear = gl_clear,
	.blit = gl_blit,
	.resource_copy_region = gl_copy_region,
	.flush = flush,
};

struct vr_backend_ctx *
gl_ctx_create(struct vr_backend *vbe, struct vr_ctx *ctx)
{
	struct gl_ctx *c = calloc(1, sizeof(*c));
	if (!c) {
		return NULL;
	}
	c->base.impl = &gl_ctx_impl;
	c->be = gl_backend(vbe);
	c->ctx = ctx;
	return &c->base;
}
