/*
 * pvgpu — GL backend contexts: the vr_ctx_impl vtable, sub-contexts and the
 * bound state each one keeps.
 *
 * All contexts of a backend share its one GL context. A sub-context is plain
 * state (an FBO plus referenced bound objects); making one current only marks
 * everything dirty so the next operation re-emits it.
 */
#include <stdlib.h>
#include <string.h>

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
	s->sample_mask = ~0u;
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
	gl_sub_release_draw(s);
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
	struct gl_ctx *c = gl_ctx(bctx);
	switch (obj->type) {
	case VIRGL_OBJECT_SURFACE:
	case VIRGL_OBJECT_MSAA_SURFACE:
		if (!gl_format_get(obj->u.surface.format)) {
			/* Not fatal: the guest may create surfaces it never binds. */
			vr_log_rl(&c->be->rl, VR_CAT_GL, VR_LOG_WARN,
				  "surface %u: format %u not implemented", obj->handle,
				  obj->u.surface.format);
		}
		return true;
	case VIRGL_OBJECT_SHADER:
		return gl_shader_object_create(c, obj);
	case VIRGL_OBJECT_VERTEX_ELEMENTS:
		return gl_ve_object_create(c, obj);
	case VIRGL_OBJECT_SAMPLER_VIEW:
		return gl_view_object_create(c, obj);
	case VIRGL_OBJECT_SAMPLER_STATE:
		return gl_sampler_object_create(c, obj);
	case VIRGL_OBJECT_QUERY:
		return gl_query_object_create(c, obj);
	case VIRGL_OBJECT_STREAMOUT_TARGET:
		return gl_so_target_create(c, obj);
	default:
		return true;
	}
}

static void
object_destroy(struct vr_backend_ctx *bctx, struct vr_object *obj)
{
	struct gl_ctx *c = gl_ctx(bctx);
	switch (obj->type) {
	case VIRGL_OBJECT_SHADER:
		gl_shader_object_destroy(c, obj);
		break;
	case VIRGL_OBJECT_VERTEX_ELEMENTS:
		gl_ve_object_destroy(c, obj);
		break;
	case VIRGL_OBJECT_SAMPLER_VIEW:
		gl_view_object_destroy(c, obj);
		break;
	case VIRGL_OBJECT_SAMPLER_STATE:
		gl_sampler_object_destroy(c, obj);
		break;
	case VIRGL_OBJECT_QUERY:
		gl_query_object_destroy(c, obj);
		break;
	case VIRGL_OBJECT_STREAMOUT_TARGET:
		gl_so_target_destroy(c, obj);
		break;
	default:
		break;
	}
}

static void
bind_object(struct vr_backend_ctx *bctx, uint32_t type, struct vr_object *obj)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s || type >= sizeof(s->cso) / sizeof(s->cso[0]) || type == VIRGL_OBJECT_SHADER) {
		return;
	}
	if (s->cso[type] == obj) {
		return;
	}
	gl_swap_ref(&s->cso[type], obj);
	/* DSA (alpha test) and rasterizer (flat shading, sprites) feed the
	 * shader key too. */
	s->dirty |= type == VIRGL_OBJECT_BLEND        ? GL_DIRTY_BLEND
		    : type == VIRGL_OBJECT_DSA        ? GL_DIRTY_DSA | GL_DIRTY_PROG
		    : type == VIRGL_OBJECT_RASTERIZER ? GL_DIRTY_RS | GL_DIRTY_PROG
						      : GL_DIRTY_VB;
}

static void
bind_shader(struct vr_backend_ctx *bctx, uint32_t stage, struct vr_object *obj)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (s && stage < sizeof(s->shaders) / sizeof(s->shaders[0]) && s->shaders[stage] != obj) {
		gl_swap_ref(&s->shaders[stage], obj);
		s->dirty |= GL_DIRTY_PROG;
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

/* Kept per sub-context; each program uploads a new generation once (gl_draw.c). */
static void
set_clip_state(struct vr_backend_ctx *bctx, const float planes[8][4])
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_sub *s = c->cur;
	if (!s || !memcmp(s->clip_planes, planes, sizeof(s->clip_planes))) {
		return;
	}
	memcpy(s->clip_planes, planes, sizeof(s->clip_planes));
	s->clip_gen = ++c->be->const_gen;
}

static void
flush(struct vr_backend_ctx *bctx)
{
	struct gl_backend *be = gl_ctx(bctx)->be;
	gl_make_current(be);
	gl_fence_insert(be);
	struct gl_stats *st = &be->stats;
	/* PVGPU_DEBUG=gl: the state cache's effect, in GL calls per draw. */
	if (st->draws >= 4096 && vr_log_enabled(VR_CAT_GL, VR_LOG_DEBUG)) {
		vr_dbg(VR_CAT_GL, "%llu draws, %.1f GL calls per draw, %llu programs linked",
		       (unsigned long long)st->draws, (double)st->calls / (double)st->draws,
		       (unsigned long long)st->programs_linked);
		st->draws = st->calls = 0;
	}
}

static void
submit_begin(struct vr_backend_ctx *bctx)
{
	struct gl_backend *be = gl_ctx(bctx)->be;
	be->in_submit = false;
	gl_make_current(be);
	be->in_submit = true;
}

static void
submit_end(struct vr_backend_ctx *bctx)
{
	gl_ctx(bctx)->be->in_submit = false;
}

void
gl_ctx_init_impl(struct vr_ctx_impl *impl)
{
	*impl = (struct vr_ctx_impl){
		.destroy = ctx_destroy,
		.sub_ctx_create = sub_ctx_create,
		.sub_ctx_destroy = sub_ctx_destroy,
		.sub_ctx_make_current = sub_ctx_make_current,
		.object_create = object_create,
		.object_destroy = object_destroy,
		.bind_object = bind_object,
		.bind_shader = bind_shader,
		.set_framebuffer_state = gl_set_framebuffer_state,
		.set_viewport_states = set_viewport_states,
		.set_scissor_states = set_scissor_states,
		.set_clip_state = set_clip_state,
		.clear = gl_clear,
		.blit = gl_blit,
		.resource_copy_region = gl_copy_region,
		.flush = flush,
		.submit_begin = submit_begin,
		.submit_end = submit_end,
		.set_streamout_targets = gl_set_streamout_targets,
	};
	gl_draw_init_ctx(impl);
	gl_sampler_init_ctx(impl);
	gl_query_init_ctx(impl);
}

struct vr_backend_ctx *
gl_ctx_create(struct vr_backend *vbe, struct vr_ctx *ctx)
{
	struct gl_ctx *c = calloc(1, sizeof(*c));
	if (!c) {
		return NULL;
	}
	c->be = gl_backend(vbe);
	c->base.impl = &c->be->ctx_impl;
	c->ctx = ctx;
	return &c->base;
}
