/*
 * pvgpu — framebuffer state and clears.
 *
 * Each sub-context owns one FBO. SET_FRAMEBUFFER_STATE only records the
 * (referenced) surfaces; the FBO is re-attached lazily the next time it is used,
 * so a guest that sets the same state repeatedly costs nothing in GL.
 */
#include "gl_priv.h"

void
gl_sub_release_fb(struct gl_sub *s)
{
	for (uint32_t i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
		gl_swap_ref(&s->cbufs[i], NULL);
	}
	gl_swap_ref(&s->zsbuf, NULL);
	s->nr_cbufs = 0;
	s->dirty |= GL_DIRTY_FB;
}

void
gl_set_framebuffer_state(struct vr_backend_ctx *bctx, const struct vr_framebuffer_state *fb)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s) {
		return;
	}
	uint32_t n = fb->nr_cbufs < VIRGL_MAX_COLOR_BUFS ? fb->nr_cbufs : VIRGL_MAX_COLOR_BUFS;
	for (uint32_t i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
		gl_swap_ref(&s->cbufs[i], i < n ? fb->cbufs[i] : NULL);
	}
	gl_swap_ref(&s->zsbuf, fb->zsbuf);
	s->nr_cbufs = n;
	s->dirty |= GL_DIRTY_FB;
}

/* A surface's GL format when it can be attached, else NULL. */
static const struct gl_format *
surface_format(const struct vr_object *surf)
{
	if (!surf || !surf->u.surface.res || gl_res(surf->u.surface.res)->is_buffer) {
		return NULL;
	}
	return gl_format_get(surf->u.surface.format);
}

static void
attach_surface(GLenum point, const struct vr_object *surf)
{
	const struct vr_surface_state *st = &surf->u.surface;
	/* A layer range binds the whole texture layered (GL cannot bind a
	 * sub-range without views); a single layer binds just that image. */
	bool layered = st->last_layer > st->first_layer;
	gl_fbo_attach(GL_DRAW_FRAMEBUFFER, point, st->res, st->level, st->first_layer, layered);
}

static void
reattach(struct gl_backend *be, struct gl_sub *s)
{
	GLenum bufs[VIRGL_MAX_COLOR_BUFS];
	uint32_t max = be->max_draw_buffers < VIRGL_MAX_COLOR_BUFS ? be->max_draw_buffers
								   : VIRGL_MAX_COLOR_BUFS;
	s->fb_srgb = false;
	s->cbuf_int_mask = s->cbuf_uint_mask = 0;
	for (uint32_t i = 0; i < max; i++) {
		const struct gl_format *f = i < s->nr_cbufs ? surface_format(s->cbufs[i]) : NULL;
		bufs[i] = GL_NONE;
		if (f && !(f->flags & (GLF_DEPTH | GLF_STENCIL))) {
			attach_surface(GL_COLOR_ATTACHMENT0 + i, s->cbufs[i]);
			bufs[i] = GL_COLOR_ATTACHMENT0 + i;
			/* Draws encode sRGB like gallium: per the surface's format. */
			s->fb_srgb |= (f->flags & GLF_SRGB) != 0;
			const struct vr_format_info *fi =
				vr_format_get(s->cbufs[i]->u.surface.format);
			s->cbuf_int_mask |= (uint32_t)(fi->kind == VR_FMT_SINT) << i;
			s->cbuf_uint_mask |= (uint32_t)(fi->kind == VR_FMT_UINT) << i;
		} else {
			gl_fbo_attach(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0 + i, NULL, 0, 0,
				      false);
		}
	}
	/* Clearing DEPTH_STENCIL detaches both points, whatever was there. */
	gl_fbo_attach(GL_DRAW_FRAMEBUFFER, GL_DEPTH_STENCIL_ATTACHMENT, NULL, 0, 0, false);
	const struct gl_format *zf = surface_format(s->zsbuf);
	if (zf && (zf->flags & (GLF_DEPTH | GLF_STENCIL))) {
		attach_surface(gl_attach_point(zf, 0), s->zsbuf);
	}
	uint32_t n = s->nr_cbufs < max ? s->nr_cbufs : max;
	if (n) {
		glDrawBuffers((GLsizei)n, bufs);
	} else {
		glDrawBuffer(GL_NONE);
	}
	GLenum status = glCheckFramebufferStatus(GL_DRAW_FRAMEBUFFER);
	s->fb_complete = status == GL_FRAMEBUFFER_COMPLETE;
	if (!s->fb_complete) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "framebuffer incomplete (0x%x)", status);
	}
}

bool
gl_sub_apply_fb(struct gl_ctx *c, struct gl_sub *s)
{
	struct gl_backend *be = c->be;
	gl_bind_fbo(be, GL_DRAW_FRAMEBUFFER, s->fbo);
	if (s->dirty & GL_DIRTY_FB) {
		s->dirty &= ~GL_DIRTY_FB;
		/* Colour masks (A8 targets) and the shader key depend on the surfaces. */
		s->dirty |= GL_DIRTY_BLEND | GL_DIRTY_PROG;
		reattach(be, s);
	}
	return s->fb_complete;
}

/* ---------------------------------------------------------------- clear */

static void
clear_color(struct gl_backend *be, struct gl_sub *s, uint32_t i, const struct vr_clear *cl)
{
	const struct gl_format *f = surface_format(s->cbufs[i]);
	if (!f || (f->flags & (GLF_DEPTH | GLF_STENCIL))) {
		return;
	}
	/* gallium clears ignore the colour write mask (the state tracker only
	 * sends CLEAR when the mask is full). */
	gl_cache_color_mask(be, i, 0xf);
	/* An sRGB surface encodes the clear colour; a linear view of an sRGB
	 * resource stores it raw (SRGB_WRITE_CONTROL semantics). */
	gl_set_fb_srgb(be, f->flags & GLF_SRGB);
	const struct vr_format_info *fi = vr_format_get(s->cbufs[i]->u.surface.format);
	if (fi->kind == VR_FMT_UINT) {
		glClearBufferuiv(GL_COLOR, (GLint)i, cl->color.ui);
	} else if (fi->kind == VR_FMT_SINT) {
		glClearBufferiv(GL_COLOR, (GLint)i, cl->color.i);
	} else if (f->flags & GLF_ALPHA_IN_R) {
		GLfloat v[4] = {cl->color.f[3], 0.0f, 0.0f, 1.0f};
		glClearBufferfv(GL_COLOR, (GLint)i, v);
	} else if (gl_res(s->cbufs[i]->u.surface.res)->alpha_one) {
		GLfloat v[4] = {cl->color.f[0], cl->color.f[1], cl->color.f[2], 1.0f};
		glClearBufferfv(GL_COLOR, (GLint)i, v);
	} else {
		glClearBufferfv(GL_COLOR, (GLint)i, cl->color.f);
	}
}

static void
clear_depth_stencil(struct gl_backend *be, struct gl_sub *s, const struct vr_clear *cl)
{
	const struct gl_format *f = surface_format(s->zsbuf);
	if (!f) {
		return;
	}
	bool depth = (cl->buffers & PIPE_CLEAR_DEPTH) && (f->flags & GLF_DEPTH);
	bool stencil = (cl->buffers & PIPE_CLEAR_STENCIL) && (f->flags & GLF_STENCIL);
	GLfloat d = (GLfloat)cl->depth;
	GLint st = (GLint)(cl->stencil & 0xff);
	/* Clears ignore the depth and stencil write masks in gallium. */
	if (depth) {
		gl_cache_depth_mask(be, true);
	}
	if (stencil) {
		gl_cache_stencil_writemask(be, 0xff);
	}
	if (depth && stencil) {
		glClearBufferfi(GL_DEPTH_STENCIL, 0, d, st);
	} else if (depth) {
		glClearBufferfv(GL_DEPTH, 0, &d);
	} else if (stencil) {
		glClearBufferiv(GL_STENCIL, 0, &st);
	}
}

bool
gl_clear(struct vr_backend_ctx *bctx, const struct vr_clear *cl)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_backend *be = c->be;
	struct gl_sub *s = c->cur;
	if (!s) {
		return true;
	}
	gl_make_current(be);
	if (!gl_sub_apply_fb(c, s)) {
		return true; /* logged by reattach; gallium would clear nothing useful */
	}
	/* A clear covers whole surfaces: no scissor, no rasterizer discard. The
	 * masks changed below are re-emitted by the draw path (dirty bits). */
	gl_set_scissor_test(be, false);
	gl_cache_enable(be, GLE_DISCARD, false);
	s->dirty |= GL_DIRTY_BLEND | GL_DIRTY_DSA | GL_DIRTY_RS;
	for (uint32_t i = 0; i < s->nr_cbufs; i++) {
		if (cl->buffers & (PIPE_CLEAR_COLOR0 << i)) {
			clear_color(be, s, i, cl);
		}
	}
	if (cl->buffers & (PIPE_CLEAR_DEPTH | PIPE_CLEAR_STENCIL)) {
		clear_depth_stencil(be, s, cl);
	}
	gl_check(be, "clear");
	return true;
}
