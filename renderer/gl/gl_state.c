/*
 * pvgpu — fixed-function draw state (blend, depth/stencil/alpha, rasterizer,
 * viewport, scissor) and the GL state cache behind it.
 *
 * Every GL state call of the draw path goes through a cache of what GL holds,
 * so binding the same (or an equivalent) CSO again costs no GL call
 * (DESIGN.md §6). be->stats.calls counts the calls actually issued.
 *
 * Orientation (virgl-wire.md §7.1): guest row r is GL row r. The viewport is
 * set from |scale| and a negative scale.y is applied in the vertex shader
 * (pvgpu_winsys_adjust_y = -1), so GL window coordinates equal gallium's in
 * both cases. Gallium calls a triangle counter-clockwise when it is clockwise in
 * GL's y-up window space, hence glFrontFace is the opposite of front_ccw.
 */
#include <math.h>
#include <string.h>

#include "gl_priv.h"
#include "vgp_gallium.h"

#define CALL(be) ((be)->stats.calls++)

/* ------------------------------------------------------------- cache */

void
gl_cache_reset(struct gl_backend *be)
{
	memset(&be->cache, 0xff, sizeof(be->cache));
}

static const GLenum cap_enum[GLE_CLIP0] = {
	[GLE_DEPTH_TEST] = GL_DEPTH_TEST,
	[GLE_STENCIL_TEST] = GL_STENCIL_TEST,
	[GLE_CULL_FACE] = GL_CULL_FACE,
	[GLE_OFFSET_FILL] = GL_POLYGON_OFFSET_FILL,
	[GLE_OFFSET_LINE] = GL_POLYGON_OFFSET_LINE,
	[GLE_OFFSET_POINT] = GL_POLYGON_OFFSET_POINT,
	[GLE_DEPTH_CLAMP] = GL_DEPTH_CLAMP,
	[GLE_PROGRAM_POINT_SIZE] = GL_PROGRAM_POINT_SIZE,
	[GLE_MULTISAMPLE] = GL_MULTISAMPLE,
	[GLE_DISCARD] = GL_RASTERIZER_DISCARD,
	[GLE_PRIMITIVE_RESTART] = GL_PRIMITIVE_RESTART,
	[GLE_LOGIC_OP] = GL_COLOR_LOGIC_OP,
	[GLE_SAMPLE_MASK] = GL_SAMPLE_MASK,
	[GLE_ALPHA_TO_COVERAGE] = GL_SAMPLE_ALPHA_TO_COVERAGE,
	[GLE_ALPHA_TO_ONE] = GL_SAMPLE_ALPHA_TO_ONE,
	[GLE_CUBE_SEAMLESS] = GL_TEXTURE_CUBE_MAP_SEAMLESS,
};

void
gl_cache_enable(struct gl_backend *be, enum gl_cap cap, bool on)
{
	if (be->cache.en[cap] == (int8_t)on) {
		return;
	}
	GLenum e = cap >= GLE_CLIP0 ? GL_CLIP_DISTANCE0 + (cap - GLE_CLIP0) : cap_enum[cap];
	if (on) {
		glEnable(e);
	} else {
		glDisable(e);
	}
	be->cache.en[cap] = on;
	CALL(be);
}

void
gl_cache_color_mask(struct gl_backend *be, uint32_t i, uint8_t mask)
{
	if (be->cache.colormask[i] != mask) {
		glColorMaski(i, mask & 1, (mask >> 1) & 1, (mask >> 2) & 1, (mask >> 3) & 1);
		be->cache.colormask[i] = mask;
		CALL(be);
	}
}

void
gl_cache_depth_mask(struct gl_backend *be, bool on)
{
	if (be->cache.depth_mask != on) {
		glDepthMask(on);
		be->cache.depth_mask = on;
		CALL(be);
	}
}

void
gl_cache_stencil_writemask(struct gl_backend *be, GLuint mask)
{
	for (int f = 0; f < 2; f++) {
		if (be->cache.stencil[f].writemask != mask) {
			glStencilMaskSeparate(f ? GL_BACK : GL_FRONT, mask);
			be->cache.stencil[f].writemask = mask;
			CALL(be);
		}
	}
}

void
gl_cache_scissor(struct gl_backend *be, GLint x, GLint y, GLint w, GLint h)
{
	GLint *c = be->cache.scissor;
	if (c[0] != x || c[1] != y || c[2] != w || c[3] != h) {
		glScissor(x, y, w, h);
		c[0] = x, c[1] = y, c[2] = w, c[3] = h;
		CALL(be);
	}
}

void
gl_cache_use_program(struct gl_backend *be, GLuint prog)
{
	if (be->cache.program != prog) {
		glUseProgram(prog);
		be->cache.program = prog;
		CALL(be);
	}
}

void
gl_cache_bind_vao(struct gl_backend *be, GLuint vao)
{
	if (be->cache.vao != vao) {
		glBindVertexArray(vao);
		be->cache.vao = vao;
		CALL(be);
	}
}

static void
active_unit(struct gl_backend *be, GLuint unit)
{
	if (be->active_unit != unit) {
		glActiveTexture(GL_TEXTURE0 + unit);
		be->active_unit = unit;
		CALL(be);
	}
}

void
gl_cache_bind_texture(struct gl_backend *be, GLuint unit, GLenum target, GLuint tex)
{
	if (unit >= GL_CACHE_UNITS) {
		return;
	}
	struct gl_cache *c = &be->cache;
	if (c->tex[unit] == tex && c->tex_target[unit] == target) {
		return;
	}
	active_unit(be, unit);
	/* Unbinding the old target matters: a unit with two targets bound is an
	 * error when a sampler of either type reads it. */
	if (c->tex_target[unit] != target && c->tex[unit] && c->tex[unit] != ~0u) {
		glBindTexture(c->tex_target[unit], 0);
		CALL(be);
	}
	glBindTexture(target, tex);
	c->tex[unit] = tex;
	c->tex_target[unit] = target;
	CALL(be);
}

void
gl_cache_bind_sampler(struct gl_backend *be, GLuint unit, GLuint sampler)
{
	if (unit < GL_CACHE_UNITS && be->cache.sampler[unit] != sampler) {
		glBindSampler(unit, sampler);
		be->cache.sampler[unit] = sampler;
		CALL(be);
	}
}

void
gl_cache_bind_ubo(struct gl_backend *be, GLuint point, GLuint buf, GLintptr offset, GLsizeiptr size)
{
	struct gl_cache *c = &be->cache;
	if (point >= GL_CACHE_UBOS || (c->ubo[point] == buf && c->ubo_offset[point] == offset &&
				       c->ubo_size[point] == size)) {
		return;
	}
	if (buf) {
		glBindBufferRange(GL_UNIFORM_BUFFER, point, buf, offset, size);
	} else {
		glBindBufferBase(GL_UNIFORM_BUFFER, point, 0);
	}
	c->ubo[point] = buf;
	c->ubo_offset[point] = offset;
	c->ubo_size[point] = size;
	CALL(be);
}

void
gl_cache_forget_texture(struct gl_backend *be, GLuint tex)
{
	for (int u = 0; u < GL_CACHE_UNITS; u++) {
		if (be->cache.tex[u] == tex) {
			be->cache.tex[u] = ~0u;
		}
	}
}

void
gl_cache_forget_buffer(struct gl_backend *be, GLuint buf)
{
	for (int p = 0; p < GL_CACHE_UBOS; p++) {
		if (be->cache.ubo[p] == buf) {
			be->cache.ubo[p] = ~0u;
		}
	}
	/* VAOs remember buffer names; a freed name may come back for another buffer. */
	be->buf_epoch++;
}

/* ------------------------------------------------------------- blend */

static GLenum
blend_factor(uint32_t f)
{
	switch (f) {
	case PIPE_BLENDFACTOR_ONE:
		return GL_ONE;
	case PIPE_BLENDFACTOR_SRC_COLOR:
		return GL_SRC_COLOR;
	case PIPE_BLENDFACTOR_SRC_ALPHA:
		return GL_SRC_ALPHA;
	case PIPE_BLENDFACTOR_DST_ALPHA:
		return GL_DST_ALPHA;
	case PIPE_BLENDFACTOR_DST_COLOR:
		return GL_DST_COLOR;
	case PIPE_BLENDFACTOR_SRC_ALPHA_SATURATE:
		return GL_SRC_ALPHA_SATURATE;
	case PIPE_BLENDFACTOR_CONST_COLOR:
		return GL_CONSTANT_COLOR;
	case PIPE_BLENDFACTOR_CONST_ALPHA:
		return GL_CONSTANT_ALPHA;
	case PIPE_BLENDFACTOR_SRC1_COLOR:
		return GL_SRC1_COLOR;
	case PIPE_BLENDFACTOR_SRC1_ALPHA:
		return GL_SRC1_ALPHA;
	case PIPE_BLENDFACTOR_INV_SRC_COLOR:
		return GL_ONE_MINUS_SRC_COLOR;
	case PIPE_BLENDFACTOR_INV_SRC_ALPHA:
		return GL_ONE_MINUS_SRC_ALPHA;
	case PIPE_BLENDFACTOR_INV_DST_ALPHA:
		return GL_ONE_MINUS_DST_ALPHA;
	case PIPE_BLENDFACTOR_INV_DST_COLOR:
		return GL_ONE_MINUS_DST_COLOR;
	case PIPE_BLENDFACTOR_INV_CONST_COLOR:
		return GL_ONE_MINUS_CONSTANT_COLOR;
	case PIPE_BLENDFACTOR_INV_CONST_ALPHA:
		return GL_ONE_MINUS_CONSTANT_ALPHA;
	case PIPE_BLENDFACTOR_INV_SRC1_COLOR:
		return GL_ONE_MINUS_SRC1_COLOR;
	case PIPE_BLENDFACTOR_INV_SRC1_ALPHA:
		return GL_ONE_MINUS_SRC1_ALPHA;
	default: /* ZERO and anything unknown */
		return GL_ZERO;
	}
}

static GLenum
blend_eq(uint32_t f)
{
	static const GLenum eq[] = {GL_FUNC_ADD, GL_FUNC_SUBTRACT, GL_FUNC_REVERSE_SUBTRACT, GL_MIN,
				    GL_MAX};
	return f < 5 ? eq[f] : GL_FUNC_ADD;
}

/* Gallium numbers logic ops by truth table (CLEAR 0, NOR 1 ... SET 15). */
static const GLenum logic_ops[16] = {
	GL_CLEAR, GL_NOR,        GL_AND_INVERTED, GL_COPY_INVERTED, GL_AND_REVERSE, GL_INVERT,
	GL_XOR,   GL_NAND,       GL_AND,          GL_EQUIV,         GL_NOOP,        GL_OR_INVERTED,
	GL_COPY,  GL_OR_REVERSE, GL_OR,           GL_SET,
};

/* Colour mask of draw buffer i in GL channels: A8 targets keep alpha in R; the
 * alpha of an alpha_one resource (gl_resource) stays one. */
static uint8_t
rt_colormask(const struct gl_sub *s, uint32_t i, uint8_t mask)
{
	const struct vr_object *surf = i < s->nr_cbufs ? s->cbufs[i] : NULL;
	const struct gl_format *f = surf ? gl_format_get(surf->u.surface.format) : NULL;
	if (f && (f->flags & GLF_ALPHA_IN_R)) {
		return (mask >> 3) & 1;
	}
	if (surf && surf->u.surface.res && gl_res(surf->u.surface.res)->alpha_one) {
		return mask & 0x7;
	}
	return mask;
}

static void
apply_blend_funcs(struct gl_backend *be, const struct vr_blend_rt *rt)
{
	struct gl_cache *c = &be->cache;
	GLenum f[4] = {blend_factor(rt->rgb_src_factor), blend_factor(rt->rgb_dst_factor),
		       blend_factor(rt->alpha_src_factor), blend_factor(rt->alpha_dst_factor)};
	if (memcmp(c->blend_func, f, sizeof(f))) {
		glBlendFuncSeparate(f[0], f[1], f[2], f[3]);
		memcpy(c->blend_func, f, sizeof(f));
		CALL(be);
	}
	GLenum e[2] = {blend_eq(rt->rgb_func), blend_eq(rt->alpha_func)};
	if (c->blend_eq[0] != e[0] || c->blend_eq[1] != e[1]) {
		glBlendEquationSeparate(e[0], e[1]);
		c->blend_eq[0] = e[0];
		c->blend_eq[1] = e[1];
		CALL(be);
	}
}

/*
 * Independent blend functions (advertised as indep_blend_func on GL >= 4.0): set
 * each blending RT's functions with the indexed calls. The single-set cache no
 * longer describes every buffer afterwards, so it is invalidated.
 */
static void
apply_blend_funcs_per_rt(struct gl_backend *be, const struct vr_blend_state *b, uint32_t enable)
{
	for (uint32_t i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
		if (!((enable >> i) & 1)) {
			continue;
		}
		const struct vr_blend_rt *rt = &b->rt[i];
		glBlendFuncSeparatei(
			i, blend_factor(rt->rgb_src_factor), blend_factor(rt->rgb_dst_factor),
			blend_factor(rt->alpha_src_factor), blend_factor(rt->alpha_dst_factor));
		glBlendEquationSeparatei(i, blend_eq(rt->rgb_func), blend_eq(rt->alpha_func));
		CALL(be);
		CALL(be);
	}
	memset(be->cache.blend_func, 0, sizeof(be->cache.blend_func));
	memset(be->cache.blend_eq, 0, sizeof(be->cache.blend_eq));
}

static void
apply_blend(struct gl_backend *be, struct gl_sub *s)
{
	static const struct vr_blend_state def = {.rt = {{.colormask = 0xf}}};
	const struct vr_object *o = s->cso[VIRGL_OBJECT_BLEND];
	const struct vr_blend_state *b = o ? &o->u.blend : &def;
	uint32_t enable = 0;
	for (uint32_t i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
		const struct vr_blend_rt *rt = &b->rt[b->independent_blend_enable ? i : 0];
		enable |= (uint32_t)rt->blend_enable << i;
		gl_cache_color_mask(be, i, rt_colormask(s, i, rt->colormask));
	}
	/* Per-RT factors need indep_blend_func, which we do not advertise: one set of
	 * functions applies to every buffer. Take it from the first RT that blends,
	 * since Mesa fills the factors only for enabled RTs (RT 0 may be off). */
	if (enable && !b->logicop_enable) {
		if (b->independent_blend_enable && be->gl_version >= 40) {
			apply_blend_funcs_per_rt(be, b, enable);
		} else {
			uint32_t first =
				b->independent_blend_enable ? (uint32_t)__builtin_ctz(enable) : 0;
			apply_blend_funcs(be, &b->rt[first]);
		}
	}
	if (b->logicop_enable) {
		enable = 0; /* GL ignores blending while a logic op is on; be explicit */
		if (be->cache.logic_op != logic_ops[b->logicop_func & 15]) {
			glLogicOp(logic_ops[b->logicop_func & 15]);
			be->cache.logic_op = logic_ops[b->logicop_func & 15];
			CALL(be);
		}
	}
	gl_cache_enable(be, GLE_LOGIC_OP, b->logicop_enable);
	if (be->cache.blend_enable != enable) {
		uint32_t old = be->cache.blend_enable;
		for (uint32_t i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
			bool on = (enable >> i) & 1;
			if (old == ~0u || ((old >> i) & 1) != on) {
				if (on) {
					glEnablei(GL_BLEND, i);
				} else {
					glDisablei(GL_BLEND, i);
				}
				CALL(be);
			}
		}
		be->cache.blend_enable = enable;
	}
	gl_cache_enable(be, GLE_ALPHA_TO_COVERAGE, b->alpha_to_coverage);
	gl_cache_enable(be, GLE_ALPHA_TO_ONE, b->alpha_to_one);
	if (memcmp(be->cache.blend_color, s->blend_color, sizeof(s->blend_color))) {
		const float *k = s->blend_color;
		glBlendColor(k[0], k[1], k[2], k[3]);
		memcpy(be->cache.blend_color, k, sizeof(s->blend_color));
		CALL(be);
	}
}

/* ------------------------------------------------------------- DSA */

static const GLenum stencil_ops[8] = {
	GL_KEEP, GL_ZERO, GL_REPLACE, GL_INCR, GL_DECR, GL_INCR_WRAP, GL_DECR_WRAP, GL_INVERT,
};

static void
apply_stencil_face(struct gl_backend *be, int face, const struct vr_stencil_state *st, uint8_t ref)
{
	struct gl_stencil_face *c = &be->cache.stencil[face];
	GLenum gl_face = face ? GL_BACK : GL_FRONT;
	GLenum func = GL_NEVER + (st->func & 7);
	if (c->func != func || c->ref != ref || c->valuemask != st->valuemask) {
		glStencilFuncSeparate(gl_face, func, ref, st->valuemask);
		c->func = func;
		c->ref = ref;
		c->valuemask = st->valuemask;
		CALL(be);
	}
	GLenum fail = stencil_ops[st->fail_op & 7], zfail = stencil_ops[st->zfail_op & 7];
	GLenum zpass = stencil_ops[st->zpass_op & 7];
	if (c->fail != fail || c->zfail != zfail || c->zpass != zpass) {
		glStencilOpSeparate(gl_face, fail, zfail, zpass);
		c->fail = fail;
		c->zfail = zfail;
		c->zpass = zpass;
		CALL(be);
	}
	if (c->writemask != st->writemask) {
		glStencilMaskSeparate(gl_face, st->writemask);
		c->writemask = st->writemask;
		CALL(be);
	}
}

static void
apply_dsa(struct gl_backend *be, struct gl_sub *s)
{
	static const struct vr_dsa_state def = {.depth_func = PIPE_FUNC_ALWAYS};
	const struct vr_object *o = s->cso[VIRGL_OBJECT_DSA];
	const struct vr_dsa_state *d = o ? &o->u.dsa : &def;
	gl_cache_enable(be, GLE_DEPTH_TEST, d->depth_enable);
	if (d->depth_enable) {
		GLenum func = GL_NEVER + (d->depth_func & 7);
		if (be->cache.depth_func != func) {
			glDepthFunc(func);
			be->cache.depth_func = func;
			CALL(be);
		}
		gl_cache_depth_mask(be, d->depth_writemask);
	}
	gl_cache_enable(be, GLE_STENCIL_TEST, d->stencil[0].enabled);
	if (d->stencil[0].enabled) {
		/* One-sided stencil: the front state applies to both faces. */
		const struct vr_stencil_state *back =
			d->stencil[1].enabled ? &d->stencil[1] : &d->stencil[0];
		uint8_t back_ref = d->stencil[1].enabled ? s->stencil_ref[1] : s->stencil_ref[0];
		apply_stencil_face(be, 0, &d->stencil[0], s->stencil_ref[0]);
		apply_stencil_face(be, 1, back, back_ref);
	}
}

/* ------------------------------------------------------------ rasterizer */

static GLenum
polygon_mode(uint32_t fill)
{
	return fill == 1 ? GL_LINE : fill == 2 ? GL_POINT : GL_FILL;
}

static void
set_float(struct gl_backend *be, float *cached, float v, void (*fn)(GLfloat))
{
	if (*cached != v) {
		fn(v);
		*cached = v;
		CALL(be);
	}
}

static void GLAPIENTRY
line_width(GLfloat w)
{
	glLineWidth(w);
}

static void GLAPIENTRY
point_size(GLfloat w)
{
	glPointSize(w);
}

static void
apply_cull(struct gl_backend *be, const struct vr_rasterizer_state *r)
{
	struct gl_cache *c = &be->cache;
	gl_cache_enable(be, GLE_CULL_FACE, r->cull_face != 0);
	if (r->cull_face) {
		GLenum face = r->cull_face == 1   ? GL_FRONT
			      : r->cull_face == 2 ? GL_BACK
						  : GL_FRONT_AND_BACK;
		if (c->cull_face != face) {
			glCullFace(face);
			c->cull_face = face;
			CALL(be);
		}
	}
	GLenum front = r->front_ccw ? GL_CW : GL_CCW; /* see the file comment */
	if (c->front_face != front) {
		glFrontFace(front);
		c->front_face = front;
		CALL(be);
	}
	/* Core GL has one polygon mode for both faces; gallium's front one wins
	 * unless only back faces are drawn. */
	GLenum mode = polygon_mode(r->cull_face == 1 ? r->fill_back : r->fill_front);
	if (c->polygon_mode != mode) {
		glPolygonMode(GL_FRONT_AND_BACK, mode);
		c->polygon_mode = mode;
		CALL(be);
	}
}

static void
apply_offset(struct gl_backend *be, const struct vr_rasterizer_state *r)
{
	gl_cache_enable(be, GLE_OFFSET_FILL, r->offset_tri);
	gl_cache_enable(be, GLE_OFFSET_LINE, r->offset_line);
	gl_cache_enable(be, GLE_OFFSET_POINT, r->offset_point);
	if (!(r->offset_tri || r->offset_line || r->offset_point)) {
		return;
	}
	float *o = be->cache.offset;
	if (o[0] != r->offset_scale || o[1] != r->offset_units) {
		glPolygonOffset(r->offset_scale, r->offset_units);
		o[0] = r->offset_scale;
		o[1] = r->offset_units;
		CALL(be);
	}
}

static void
apply_rasterizer(struct gl_backend *be, struct gl_sub *s)
{
	static const struct vr_rasterizer_state def = {
		.depth_clip = true, .point_size = 1.0f, .line_width = 1.0f};
	const struct vr_object *o = s->cso[VIRGL_OBJECT_RASTERIZER];
	const struct vr_rasterizer_state *r = o ? &o->u.rs : &def;
	struct gl_cache *c = &be->cache;
	gl_cache_enable(be, GLE_DISCARD, r->rasterizer_discard);
	apply_cull(be, r);
	apply_offset(be, r);
	gl_cache_enable(be, GLE_DEPTH_CLAMP, !r->depth_clip);
	gl_cache_enable(be, GLE_PROGRAM_POINT_SIZE, r->point_size_per_vertex);
	if (!r->point_size_per_vertex && r->point_size > 0.0f) {
		set_float(be, &c->point_size, r->point_size, point_size);
	}
	if (r->line_width > 0.0f) {
		set_float(be, &c->line_width, r->line_width, line_width);
	}
	gl_cache_enable(be, GLE_MULTISAMPLE, r->multisample);
	GLenum prov = r->flatshade_first ? GL_FIRST_VERTEX_CONVENTION : GL_LAST_VERTEX_CONVENTION;
	if (c->provoking != prov) {
		glProvokingVertex(prov);
		c->provoking = prov;
		CALL(be);
	}
	/* Gallium's upper-left sprite origin is row 0, which is GL's lower left. */
	GLenum origin = r->sprite_coord_mode ? GL_UPPER_LEFT : GL_LOWER_LEFT;
	if (c->point_origin != origin) {
		glPointParameteri(GL_POINT_SPRITE_COORD_ORIGIN, origin);
		c->point_origin = origin;
		CALL(be);
	}
	for (int i = 0; i < 8; i++) {
		gl_cache_enable(be, GLE_CLIP0 + i, (r->clip_plane_enable >> i) & 1);
	}
	gl_set_scissor_test(be, r->scissor);
}

/* --------------------------------------------------- viewport, scissor */

static void
apply_viewport(struct gl_backend *be, const struct gl_sub *s)
{
	const struct vr_viewport *vp = &s->viewports[0];
	float v[4] = {
		vp->translate[0] - fabsf(vp->scale[0]),
		vp->translate[1] - fabsf(vp->scale[1]),
		2.0f * fabsf(vp->scale[0]),
		2.0f * fabsf(vp->scale[1]),
	};
	float *c = be->cache.viewport;
	if (memcmp(c, v, sizeof(v))) {
		if (be->has_viewport_array) {
			glViewportIndexedf(0, v[0], v[1], v[2], v[3]);
		} else {
			glViewport((GLint)lroundf(v[0]), (GLint)lroundf(v[1]),
				   (GLsizei)lroundf(v[2]), (GLsizei)lroundf(v[3]));
		}
		memcpy(c, v, sizeof(v));
		CALL(be);
	}
	double n = (double)vp->translate[2] - vp->scale[2];
	double f = (double)vp->translate[2] + vp->scale[2];
	if (be->cache.depth_range[0] != n || be->cache.depth_range[1] != f) {
		glDepthRange(n, f);
		be->cache.depth_range[0] = n;
		be->cache.depth_range[1] = f;
		CALL(be);
	}
}

static void
apply_scissor(struct gl_backend *be, const struct gl_sub *s)
{
	const struct vr_scissor *r = &s->scissors[0];
	int w = r->maxx > r->minx ? r->maxx - r->minx : 0;
	int h = r->maxy > r->miny ? r->maxy - r->miny : 0;
	gl_cache_scissor(be, r->minx, r->miny, w, h);
}

static void
apply_sample_mask(struct gl_backend *be, const struct gl_sub *s)
{
	bool on = s->sample_mask != ~0u;
	gl_cache_enable(be, GLE_SAMPLE_MASK, on);
	if (on && be->cache.sample_mask != s->sample_mask) {
		glSampleMaski(0, s->sample_mask);
		be->cache.sample_mask = s->sample_mask;
		CALL(be);
	}
}

void
gl_state_apply(struct gl_ctx *c, struct gl_sub *s)
{
	struct gl_backend *be = c->be;
	uint32_t d = s->dirty;
	if (d & GL_DIRTY_BLEND) {
		apply_blend(be, s);
		apply_sample_mask(be, s);
	}
	if (d & GL_DIRTY_DSA) {
		apply_dsa(be, s);
	}
	if (d & GL_DIRTY_RS) {
		apply_rasterizer(be, s);
	}
	if (d & GL_DIRTY_VIEWPORT) {
		apply_viewport(be, s);
	}
	if (d & GL_DIRTY_SCISSOR) {
		apply_scissor(be, s);
	}
	gl_set_fb_srgb(be, s->fb_srgb);
	s->dirty &= ~(GL_DIRTY_BLEND | GL_DIRTY_DSA | GL_DIRTY_RS | GL_DIRTY_VIEWPORT |
		      GL_DIRTY_SCISSOR);
}
