/*
 * pvgpu — sampler views (GL texture views / buffer textures) and sampler
 * states (GL sampler objects), and binding them to texture units.
 *
 * Each SAMPLER_VIEW object gets its own GL texture when the host has
 * ARB_texture_view: a view over the resource's immutable storage with the
 * view's level/layer range, target and (view-compatible) format, and the
 * swizzle baked in, so binding it later is a single glBindTexture. Without
 * texture views the resource's texture is bound directly and only the
 * swizzle is set (levels and reinterpretation are then not honoured).
 * Unit of slot i of stage S = gl_stage_unit(S, i); the program's `<S>_s<i>`
 * uniforms point there (gl_shader.c).
 */
#include <stdlib.h>
#include <string.h>

#include "gl_priv.h"
#include "vgp_gallium.h"

struct gl_view {
	GLuint tex;    /* texture to bind */
	GLenum target; /* its target */
	bool owned;    /* tex is ours (a view or buffer texture) */
	GLint swizzle[4];
};

static GLenum
view_target(uint32_t pipe_target, bool ms)
{
	switch (pipe_target) {
	case PIPE_BUFFER:
		return GL_TEXTURE_BUFFER;
	case PIPE_TEXTURE_1D:
		return GL_TEXTURE_1D;
	case PIPE_TEXTURE_2D:
		return ms ? GL_TEXTURE_2D_MULTISAMPLE : GL_TEXTURE_2D;
	case PIPE_TEXTURE_3D:
		return GL_TEXTURE_3D;
	case PIPE_TEXTURE_CUBE:
		return GL_TEXTURE_CUBE_MAP;
	case PIPE_TEXTURE_RECT:
		return GL_TEXTURE_RECTANGLE;
	case PIPE_TEXTURE_1D_ARRAY:
		return GL_TEXTURE_1D_ARRAY;
	case PIPE_TEXTURE_2D_ARRAY:
		return ms ? GL_TEXTURE_2D_MULTISAMPLE_ARRAY : GL_TEXTURE_2D_ARRAY;
	case PIPE_TEXTURE_CUBE_ARRAY:
		return GL_TEXTURE_CUBE_MAP_ARRAY;
	default:
		return 0;
	}
}

/* The format's own sampling swizzle composed with the view's (PIPE_SWIZZLE_*). */
static void
compose_swizzle(const struct gl_format *vf, const uint8_t sw[4], GLint out[4])
{
	GLint base[4] = {GL_RED, GL_GREEN, GL_BLUE, GL_ALPHA};
	if (vf->flags & GLF_SWIZZLE) {
		memcpy(base, vf->swizzle, sizeof(base));
	}
	if (vf->flags & GLF_X_ALPHA) {
		base[3] = GL_ONE; /* X channel reads one even over an RGBA resource */
	}
	for (int i = 0; i < 4; i++) {
		out[i] = sw[i] < 4 ? base[sw[i]] : sw[i] == 4 ? GL_ZERO : GL_ONE;
	}
}

/* A buffer texture over [first, last] elements of the view's format. */
static bool
make_buffer_view(struct gl_backend *be, const struct vr_sampler_view_state *st,
		 const struct gl_format *vf, struct gl_view *v)
{
	const struct vr_format_info *fi = vr_format_get(st->format);
	GLuint buf = gl_buffer_get(be, st->res);
	glGenTextures(1, &v->tex);
	gl_bind_scratch_texture(be, GL_TEXTURE_BUFFER, v->tex);
	GLintptr off = (GLintptr)st->first_element * fi->block_bytes;
	GLsizeiptr size = ((GLsizeiptr)st->last_element - st->first_element + 1) * fi->block_bytes;
	if (be->has_tbo_range) {
		glTexBufferRange(GL_TEXTURE_BUFFER, vf->internal, buf, off, size);
	} else {
		glTexBuffer(GL_TEXTURE_BUFFER, vf->internal, buf);
	}
	v->target = GL_TEXTURE_BUFFER;
	v->owned = true;
	return true;
}

static bool
make_texture_view(struct gl_backend *be, const struct vr_sampler_view_state *st,
		  const struct gl_format *vf, struct gl_view *v)
{
	struct gl_resource *gr = gl_res(st->res);
	bool ms = st->res->desc.nr_samples > 1;
	GLenum target = view_target(st->target, ms);
	GLenum internal = vf->internal;
	int cls = gl_view_class(internal);
	if (internal != gr->fmt->internal && (!cls || cls != gl_view_class(gr->fmt->internal))) {
		internal = gr->fmt->internal; /* e.g. an X view of an RGBA resource */
	}
	uint32_t levels =
		st->last_level >= st->first_level ? st->last_level - st->first_level + 1 : 1;
	uint32_t layers =
		st->last_layer >= st->first_layer ? st->last_layer - st->first_layer + 1 : 1;
	if (target == GL_TEXTURE_3D) {
		layers = 1;
	} else if (target == GL_TEXTURE_CUBE_MAP) {
		layers = 6;
	}
	if (ms) {
		levels = 1;
	}
	while (glGetError() != GL_NO_ERROR) {
	}
	glGenTextures(1, &v->tex);
	glTextureView(v->tex, target, gr->id, internal, st->first_level, levels, st->first_layer,
		      layers);
	if (glGetError() != GL_NO_ERROR) {
		/* Not expressible as a view (odd target/format mix): sample the
		 * resource itself, which is right for the common full-range case. */
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN,
			  "sampler view of resource %u (format %u target %u) not viewable",
			  st->res->id, st->format, st->target);
		glDeleteTextures(1, &v->tex);
		v->tex = gr->id;
		v->target = gr->target;
		v->owned = false;
		return true;
	}
	v->target = target;
	v->owned = true;
	return true;
}

bool
gl_view_object_create(struct gl_ctx *c, struct vr_object *obj)
{
	struct gl_backend *be = c->be;
	const struct vr_sampler_view_state *st = &obj->u.view;
	struct gl_resource *gr = gl_res(st->res);
	const struct gl_format *vf = gl_format_get(st->format);
	if (!vf) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "sampler view: format %u not supported",
			  st->format);
		vf = gr->fmt;
		if (!vf) {
			return true; /* nothing to sample: the slot stays unbound */
		}
	}
	struct gl_view *v = calloc(1, sizeof(*v));
	if (!v) {
		return false;
	}
	gl_make_current(be);
	compose_swizzle(vf, st->swizzle, v->swizzle);
	if (gr->is_buffer) {
		make_buffer_view(be, st, vf, v);
	} else if (gr->display_storage) {
		/* One image, mutable: the texture is its only view. Its alpha is
		 * already one where the view's format says X. */
		v->tex = gr->id;
		v->target = gr->target;
	} else if (be->has_texture_view && be->has_tex_storage) {
		make_texture_view(be, st, vf, v);
	} else {
		v->tex = gr->id;
		v->target = gr->target;
	}
	if (v->owned && v->target != GL_TEXTURE_BUFFER && st->res->desc.nr_samples <= 1) {
		gl_bind_scratch_texture(be, v->target, v->tex);
		glTexParameteriv(v->target, GL_TEXTURE_SWIZZLE_RGBA, v->swizzle);
		if (vf->flags & GLF_STENCIL && !(vf->flags & GLF_DEPTH)) {
			glTexParameteri(v->target, GL_DEPTH_STENCIL_TEXTURE_MODE, GL_STENCIL_INDEX);
		}
		/* The scratch unit is not tracked by the unit cache. */
	}
	obj->backend_priv = v;
	return true;
}

void
gl_view_object_destroy(struct gl_ctx *c, struct vr_object *obj)
{
	struct gl_view *v = obj->backend_priv;
	if (!v) {
		return;
	}
	if (v->owned) {
		gl_make_current(c->be);
		gl_cache_forget_texture(c->be, v->tex);
		glDeleteTextures(1, &v->tex);
	}
	free(v);
	obj->backend_priv = NULL;
}

/* ------------------------------------------------------------- samplers */

static GLenum
wrap_mode(uint32_t w)
{
	switch (w) {
	case PIPE_TEX_WRAP_REPEAT:
		return GL_REPEAT;
	case PIPE_TEX_WRAP_CLAMP_TO_BORDER:
		return GL_CLAMP_TO_BORDER;
	case PIPE_TEX_WRAP_MIRROR_REPEAT:
		return GL_MIRRORED_REPEAT;
	case PIPE_TEX_WRAP_MIRROR_CLAMP:
	case PIPE_TEX_WRAP_MIRROR_CLAMP_TO_EDGE:
	case PIPE_TEX_WRAP_MIRROR_CLAMP_TO_BORDER:
		return GL_MIRROR_CLAMP_TO_EDGE;
	default: /* CLAMP (legacy GL_CLAMP) and CLAMP_TO_EDGE */
		return GL_CLAMP_TO_EDGE;
	}
}

static GLenum
min_filter(uint32_t img, uint32_t mip)
{
	if (mip == PIPE_TEX_MIPFILTER_NONE) {
		return img ? GL_LINEAR : GL_NEAREST;
	}
	static const GLenum f[2][2] = {
		{GL_NEAREST_MIPMAP_NEAREST, GL_NEAREST_MIPMAP_LINEAR},
		{GL_LINEAR_MIPMAP_NEAREST, GL_LINEAR_MIPMAP_LINEAR},
	};
	return f[img & 1][mip & 1];
}

bool
gl_sampler_object_create(struct gl_ctx *c, struct vr_object *obj)
{
	const struct vr_sampler_state *st = &obj->u.sampler;
	GLuint *id = calloc(1, sizeof(*id));
	if (!id) {
		return false;
	}
	gl_make_current(c->be);
	glGenSamplers(1, id);
	glSamplerParameteri(*id, GL_TEXTURE_WRAP_S, wrap_mode(st->wrap_s));
	glSamplerParameteri(*id, GL_TEXTURE_WRAP_T, wrap_mode(st->wrap_t));
	glSamplerParameteri(*id, GL_TEXTURE_WRAP_R, wrap_mode(st->wrap_r));
	glSamplerParameteri(*id, GL_TEXTURE_MIN_FILTER,
			    min_filter(st->min_img_filter, st->min_mip_filter));
	glSamplerParameteri(*id, GL_TEXTURE_MAG_FILTER,
			    st->mag_img_filter ? GL_LINEAR : GL_NEAREST);
	glSamplerParameteri(*id, GL_TEXTURE_COMPARE_MODE,
			    st->compare_mode ? GL_COMPARE_REF_TO_TEXTURE : GL_NONE);
	glSamplerParameteri(*id, GL_TEXTURE_COMPARE_FUNC, GL_NEVER + (st->compare_func & 7));
	glSamplerParameterf(*id, GL_TEXTURE_LOD_BIAS, st->lod_bias);
	glSamplerParameterf(*id, GL_TEXTURE_MIN_LOD, st->min_lod);
	glSamplerParameterf(*id, GL_TEXTURE_MAX_LOD, st->max_lod);
	/* Raw bits: float for normalised views, integers otherwise; GL keeps the
	 * bits either way when they are set through the matching entry point,
	 * and float views are by far the common case. */
	glSamplerParameterfv(*id, GL_TEXTURE_BORDER_COLOR, (const GLfloat *)st->border_color);
	obj->backend_priv = id;
	return true;
}

void
gl_sampler_object_destroy(struct gl_ctx *c, struct vr_object *obj)
{
	GLuint *id = obj->backend_priv;
	if (!id) {
		return;
	}
	gl_make_current(c->be);
	for (int u = 0; u < GL_CACHE_UNITS; u++) {
		if (c->be->cache.sampler[u] == *id) {
			c->be->cache.sampler[u] = ~0u;
		}
	}
	glDeleteSamplers(1, id);
	free(id);
	obj->backend_priv = NULL;
}

/* ------------------------------------------------------------- binding */

static void
set_sampler_views(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t start, uint32_t count,
		  struct vr_object *const *views)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s || stage >= GL_STAGES) {
		return;
	}
	for (uint32_t i = 0; i < count && start + i < GL_MAX_VIEWS; i++) {
		gl_swap_ref(&s->views[stage][start + i], views[i]);
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < GL_MAX_VIEWS; i++) {
		n = s->views[stage][i] ? i + 1 : n;
	}
	s->num_views[stage] = n;
	s->dirty |= GL_DIRTY_VIEWS;
}

static void
bind_sampler_states(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t start, uint32_t count,
		    struct vr_object *const *samplers)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s || stage >= GL_STAGES) {
		return;
	}
	for (uint32_t i = 0; i < count && start + i < GL_MAX_VIEWS; i++) {
		gl_swap_ref(&s->samplers[stage][start + i], samplers[i]);
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < GL_MAX_VIEWS; i++) {
		n = s->samplers[stage][i] ? i + 1 : n;
	}
	s->num_samplers[stage] = n;
	s->dirty |= GL_DIRTY_VIEWS;
}

void
gl_samplers_apply(struct gl_ctx *c, struct gl_sub *s)
{
	struct gl_backend *be = c->be;
	bool seamless = false;
	for (uint32_t st = 0; st < GL_STAGES; st++) {
		uint32_t n = s->num_views[st] > s->num_samplers[st] ? s->num_views[st]
								    : s->num_samplers[st];
		n = n < be->units_per_stage ? n : be->units_per_stage;
		for (uint32_t i = 0; i < n; i++) {
			GLuint unit = gl_stage_unit(be, st, i);
			const struct vr_object *vo = s->views[st][i];
			const struct gl_view *v = vo ? vo->backend_priv : NULL;
			if (v) {
				gl_cache_bind_texture(be, unit, v->target, v->tex);
			}
			const struct vr_object *so = s->samplers[st][i];
			const GLuint *sid = so ? so->backend_priv : NULL;
			gl_cache_bind_sampler(be, unit, sid ? *sid : 0);
			seamless |= so && so->u.sampler.seamless_cube_map;
		}
	}
	gl_cache_enable(be, GLE_CUBE_SEAMLESS, seamless);
}

void
gl_sampler_init_ctx(struct vr_ctx_impl *impl)
{
	impl->set_sampler_views = set_sampler_views;
	impl->bind_sampler_states = bind_sampler_states;
}
