/*
 * pvgpu — vertex input, constants and DRAW_VBO.
 *
 * Each VERTEX_ELEMENTS object owns a VAO whose attribute formats are set once
 * (GL 4.3 vertex attrib binding). Element i reads through binding point i, so
 * per-element instance divisors and offsets beyond the relative-offset limit
 * are exact; the buffers are (re)bound with one glBindVertexBuffers only when
 * something differs from what that VAO already holds. GL buffers are untyped:
 * any buffer resource may serve as vertex, index or uniform buffer whatever
 * its bind flags (Mesa's stream uploader is an INDEX_BUFFER that also holds
 * vertices and constants, virgl-wire.md §7.14).
 */
#include <stdlib.h>
#include <string.h>

#include "gl_priv.h"
#include "vgp_gallium.h"

#define CALL(be) ((be)->stats.calls++)

struct gl_ve {
	GLuint vao;
	uint32_t count;
	/* What the VAO holds, valid while epoch == be->buf_epoch. */
	uint32_t epoch;
	GLuint buf[VIRGL_MAX_VERTEX_ELEMENTS];
	GLintptr offset[VIRGL_MAX_VERTEX_ELEMENTS];
	GLsizei stride[VIRGL_MAX_VERTEX_ELEMENTS];
	GLuint elem_buf;
};

/*
 * Vertex-only formats (no texture equivalent): "scaled" integers converted to
 * float without normalisation, 32-bit normalised integers, packed 10/10/10/2.
 * Components come from the virgl format name; see vr_format.c for the sizes.
 */
static bool
vertex_only_format(uint32_t vf, GLint *size, GLenum *type, GLboolean *norm)
{
	static const GLenum int_types[3][2] = {{GL_UNSIGNED_INT, GL_INT},
					       {GL_UNSIGNED_SHORT, GL_SHORT},
					       {GL_UNSIGNED_BYTE, GL_BYTE}};
	/* First format of each 4-wide run (R, RG, RGB, RGBA), its type row and sign. */
	static const struct {
		uint32_t first;
		uint8_t row, is_signed, normalized;
	} runs[] = {
		{VIRGL_FORMAT_R32_UNORM, 0, 0, 1},   {VIRGL_FORMAT_R32_USCALED, 0, 0, 0},
		{VIRGL_FORMAT_R32_SNORM, 0, 1, 1},   {VIRGL_FORMAT_R32_SSCALED, 0, 1, 0},
		{VIRGL_FORMAT_R16_USCALED, 1, 0, 0}, {VIRGL_FORMAT_R16_SSCALED, 1, 1, 0},
		{VIRGL_FORMAT_R8_USCALED, 2, 0, 0},  {VIRGL_FORMAT_R8_SSCALED, 2, 1, 0},
	};
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		if (vf >= runs[i].first && vf < runs[i].first + 4) {
			*size = (GLint)(vf - runs[i].first) + 1;
			*type = int_types[runs[i].row][runs[i].is_signed];
			*norm = runs[i].normalized;
			return true;
		}
	}
	if (vf >= VIRGL_FORMAT_R64_FLOAT && vf <= VIRGL_FORMAT_R64G64B64A64_FLOAT) {
		/* Doubles are converted to float by the fetch (not glVertexAttribLPointer). */
		*size = (GLint)(vf - VIRGL_FORMAT_R64_FLOAT) + 1;
		*type = GL_DOUBLE;
		*norm = GL_FALSE;
		return true;
	}
	switch (vf) {
	case VIRGL_FORMAT_R16G16B16_SNORM:
		*size = 3, *type = GL_SHORT, *norm = GL_TRUE;
		return true;
	case VIRGL_FORMAT_R10G10B10A2_USCALED:
	case VIRGL_FORMAT_R10G10B10A2_SSCALED:
	case VIRGL_FORMAT_R10G10B10A2_SNORM:
		*size = 4;
		break;
	case VIRGL_FORMAT_B10G10R10A2_USCALED:
	case VIRGL_FORMAT_B10G10R10A2_SSCALED:
	case VIRGL_FORMAT_B10G10R10A2_SNORM:
		*size = GL_BGRA;
		break;
	default:
		return false;
	}
	bool uscaled =
		vf == VIRGL_FORMAT_R10G10B10A2_USCALED || vf == VIRGL_FORMAT_B10G10R10A2_USCALED;
	*type = uscaled ? GL_UNSIGNED_INT_2_10_10_10_REV : GL_INT_2_10_10_10_REV;
	*norm = vf == VIRGL_FORMAT_R10G10B10A2_SNORM || vf == VIRGL_FORMAT_B10G10R10A2_SNORM;
	return true;
}

/* GL description of a vertex format; false when GL cannot fetch it. */
static bool
vertex_format(uint32_t vf, GLint *size, GLenum *type, GLboolean *norm, bool *integer)
{
	const struct vr_format_info *vi = vr_format_get(vf);
	if (vi && vi->vertex_only) {
		*integer = false;
		return vertex_only_format(vf, size, type, norm);
	}
	const struct gl_format *f = gl_format_get(vf);
	const struct vr_format_info *fi = vr_format_get(vf);
	if (!f || !fi || (f->flags & (GLF_DEPTH | GLF_STENCIL | GLF_SWIZZLE))) {
		return false;
	}
	switch (f->format) {
	case GL_RED:
	case GL_RED_INTEGER:
		*size = 1;
		break;
	case GL_RG:
	case GL_RG_INTEGER:
		*size = 2;
		break;
	case GL_RGB:
	case GL_RGB_INTEGER:
		*size = 3;
		break;
	case GL_RGBA:
	case GL_RGBA_INTEGER:
		*size = 4;
		break;
	case GL_BGRA:
		*size = GL_BGRA; /* B8G8R8A8 / B10G10R10A2 colours: GL swaps R and B */
		if (f->type != GL_UNSIGNED_BYTE && f->type != GL_UNSIGNED_INT_2_10_10_10_REV) {
			return false;
		}
		break;
	default:
		return false;
	}
	*type = f->type;
	switch (f->type) {
	case GL_UNSIGNED_BYTE:
	case GL_BYTE:
	case GL_UNSIGNED_SHORT:
	case GL_SHORT:
	case GL_UNSIGNED_INT:
	case GL_INT:
	case GL_HALF_FLOAT:
	case GL_FLOAT:
		break;
	case GL_UNSIGNED_INT_2_10_10_10_REV:
		if (*size != 4 && *size != GL_BGRA) {
			return false;
		}
		break;
	case GL_UNSIGNED_INT_10F_11F_11F_REV:
		/* GL 4.4 fetch; advertised (vertexbuffer mask) only on such hosts. */
		if (*size != 3) {
			return false;
		}
		*type = f->type;
		*integer = false;
		*norm = GL_FALSE;
		return true;
	default:
		return false;
	}
	*integer = f->flags & GLF_INTEGER;
	*norm = !*integer && f->type != GL_FLOAT && f->type != GL_HALF_FLOAT;
	return true;
}

static bool
ve_setup(struct gl_backend *be, struct gl_ve *ve, const struct vr_vertex_elements_state *st)
{
	glGenVertexArrays(1, &ve->vao);
	gl_cache_bind_vao(be, ve->vao);
	for (uint32_t i = 0; i < st->count; i++) {
		const struct vr_vertex_element *el = &st->elements[i];
		GLint size;
		GLenum type;
		GLboolean norm;
		bool integer;
		if (!vertex_format(el->format, &size, &type, &norm, &integer)) {
			vr_warn(VR_CAT_GL, "vertex element %u: format %u not supported", i,
				el->format);
			return false;
		}
		glEnableVertexAttribArray(i);
		if (integer) {
			glVertexAttribIFormat(i, size, type, 0);
		} else {
			glVertexAttribFormat(i, size, type, norm, 0);
		}
		glVertexAttribBinding(i, i);
		glVertexBindingDivisor(i, el->instance_divisor);
	}
	ve->count = st->count;
	ve->epoch = be->buf_epoch - 1; /* nothing bound yet */
	return true;
}

bool
gl_ve_object_create(struct gl_ctx *c, struct vr_object *obj)
{
	struct gl_backend *be = c->be;
	if (!be->has_attrib_binding) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "host GL lacks vertex attrib binding");
		return true; /* draws with it are skipped */
	}
	struct gl_ve *ve = calloc(1, sizeof(*ve));
	if (!ve) {
		return false;
	}
	gl_make_current(be);
	if (!ve_setup(be, ve, &obj->u.ve)) {
		gl_cache_bind_vao(be, 0);
		glDeleteVertexArrays(1, &ve->vao);
		free(ve);
		/* Mesa only sends formats we claim; keep the context, skip its draws. */
		return true;
	}
	obj->backend_priv = ve;
	return true;
}

void
gl_ve_object_destroy(struct gl_ctx *c, struct vr_object *obj)
{
	struct gl_ve *ve = obj->backend_priv;
	if (!ve) {
		return;
	}
	gl_make_current(c->be);
	if (c->be->cache.vao == ve->vao) {
		c->be->cache.vao = ~0u;
	}
	glDeleteVertexArrays(1, &ve->vao);
	free(ve);
	obj->backend_priv = NULL;
}

/* ----------------------------------------------------------- set_* slots */

static void
set_vertex_buffers(struct vr_backend_ctx *bctx, uint32_t count, const struct vr_vertex_buffer *vbs)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s) {
		return;
	}
	count = count < VIRGL_MAX_VERTEX_BUFFERS ? count : VIRGL_MAX_VERTEX_BUFFERS;
	for (uint32_t i = 0; i < VIRGL_MAX_VERTEX_BUFFERS; i++) {
		struct vr_resource *res = i < count ? vbs[i].res : NULL;
		if (res) {
			vr_resource_ref(res);
		}
		vr_resource_unref(s->vbs[i].res);
		s->vbs[i] = i < count ? vbs[i] : (struct vr_vertex_buffer){0};
	}
	s->num_vbs = count;
	s->dirty |= GL_DIRTY_VB;
}

static void
set_index_buffer(struct vr_backend_ctx *bctx, const struct vr_index_buffer *ib)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s) {
		return;
	}
	if (ib->res) {
		vr_resource_ref(ib->res);
	}
	vr_resource_unref(s->ib.res);
	s->ib = *ib;
	s->dirty |= GL_DIRTY_VB;
}

static void
set_constant_buffer(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t index, uint32_t count,
		    const uint32_t *data)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_sub *s = c->cur;
	if (!s || stage >= GL_STAGES) {
		return; /* Mesa sends constants for stages we do not advertise */
	}
	struct gl_consts *k = &s->consts[stage];
	if (count > GL_MAX_CONSTS * 4) {
		count = GL_MAX_CONSTS * 4; /* the advertised size; the rest is unaddressable */
	}
	if (count > k->cap) {
		/* Grows to the largest size seen and stays: no per-draw allocation. */
		uint32_t *p = realloc(k->data, (size_t)count * 4);
		if (!p) {
			vr_ctx_error(c->ctx, "out of memory for %u constants", count);
			return;
		}
		k->data = p;
		k->cap = count;
	}
	if (count) { /* k->data is still NULL when a stage only ever got 0 constants */
		memcpy(k->data, data, (size_t)count * 4);
	}
	k->count = count;
	k->gen = ++c->be->const_gen;
}

static void
set_uniform_buffer(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t index, uint32_t offset,
		   uint32_t length, struct vr_resource *res)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (!s || stage >= GL_STAGES || index == 0 || index >= GL_MAX_UBOS) {
		return;
	}
	struct gl_ubo_binding *b = &s->ubos[stage][index];
	if (res && gl_res(res)->is_buffer) {
		vr_resource_ref(res);
	} else {
		res = NULL;
	}
	vr_resource_unref(b->res);
	b->res = res;
	b->offset = offset;
	b->length = length;
	s->dirty |= GL_DIRTY_UBO;
}

static void
set_stencil_ref(struct vr_backend_ctx *bctx, uint8_t front, uint8_t back)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (s) {
		s->stencil_ref[0] = front;
		s->stencil_ref[1] = back;
		s->dirty |= GL_DIRTY_DSA;
	}
}

static void
set_blend_color(struct vr_backend_ctx *bctx, const float color[4])
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (s) {
		memcpy(s->blend_color, color, sizeof(s->blend_color));
		s->dirty |= GL_DIRTY_BLEND;
	}
}

static void
set_sample_mask(struct vr_backend_ctx *bctx, uint32_t mask)
{
	struct gl_sub *s = gl_ctx(bctx)->cur;
	if (s) {
		s->sample_mask = mask;
		s->dirty |= GL_DIRTY_BLEND;
	}
}

void
gl_sub_release_draw(struct gl_sub *s)
{
	for (uint32_t i = 0; i < VIRGL_MAX_VERTEX_BUFFERS; i++) {
		vr_resource_unref(s->vbs[i].res);
		s->vbs[i].res = NULL;
	}
	vr_resource_unref(s->ib.res);
	s->ib.res = NULL;
	for (uint32_t st = 0; st < GL_STAGES; st++) {
		free(s->consts[st].data);
		s->consts[st] = (struct gl_consts){0};
		for (uint32_t i = 0; i < GL_MAX_UBOS; i++) {
			vr_resource_unref(s->ubos[st][i].res);
			s->ubos[st][i].res = NULL;
		}
		for (uint32_t i = 0; i < GL_MAX_VIEWS; i++) {
			gl_swap_ref(&s->views[st][i], NULL);
			gl_swap_ref(&s->samplers[st][i], NULL);
		}
	}
	gl_swap_ref(&s->cond_query, NULL);
	gl_so_release(s);
}

/* ------------------------------------------------------------------ draw */

static GLuint
buffer_of(struct gl_backend *be, struct vr_resource *res)
{
	return res && gl_res(res)->is_buffer ? gl_buffer_get(be, res) : 0;
}

static void
apply_vertex_buffers(struct gl_backend *be, struct gl_sub *s, struct gl_ve *ve)
{
	GLuint buf[VIRGL_MAX_VERTEX_ELEMENTS];
	GLintptr off[VIRGL_MAX_VERTEX_ELEMENTS];
	GLsizei stride[VIRGL_MAX_VERTEX_ELEMENTS];
	const struct vr_vertex_elements_state *st = &s->cso[VIRGL_OBJECT_VERTEX_ELEMENTS]->u.ve;
	for (uint32_t i = 0; i < ve->count; i++) {
		const struct vr_vertex_element *el = &st->elements[i];
		const struct vr_vertex_buffer *vb = &s->vbs[el->vertex_buffer_index];
		buf[i] = buffer_of(be, vb->res);
		off[i] = (GLintptr)vb->offset + el->src_offset;
		stride[i] = (GLsizei)vb->stride;
	}
	bool same = ve->epoch == be->buf_epoch;
	size_t n = ve->count;
	if (!same || memcmp(ve->buf, buf, n * sizeof(*buf)) ||
	    memcmp(ve->offset, off, n * sizeof(*off)) ||
	    memcmp(ve->stride, stride, n * sizeof(*stride))) {
		glBindVertexBuffers(0, (GLsizei)n, buf, off, stride);
		memcpy(ve->buf, buf, n * sizeof(*buf));
		memcpy(ve->offset, off, n * sizeof(*off));
		memcpy(ve->stride, stride, n * sizeof(*stride));
		CALL(be);
	}
	GLuint eb = buffer_of(be, s->ib.res);
	if (!same || ve->elem_buf != eb) {
		glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, eb);
		ve->elem_buf = eb;
		CALL(be);
	}
	ve->epoch = be->buf_epoch;
}

static void
upload_uniforms(struct gl_backend *be, const struct gl_sub *s, struct gl_program *p)
{
	for (uint32_t st = 0; st < GL_STAGES; st++) {
		const struct gl_consts *k = &s->consts[st];
		if (p->const_loc[st] >= 0 && p->const_gen[st] != k->gen && k->count >= 4) {
			glUniform4uiv(p->const_loc[st], (GLsizei)(k->count / 4), k->data);
			p->const_gen[st] = k->gen;
			CALL(be);
		}
	}
	float adjust = s->viewports[0].scale[1] < 0.0f ? -1.0f : 1.0f;
	if (p->adjust_y_loc >= 0 && p->adjust_y != adjust) {
		glUniform1f(p->adjust_y_loc, adjust);
		p->adjust_y = adjust;
		CALL(be);
	}
	const struct vr_object *dsa = s->cso[VIRGL_OBJECT_DSA];
	float ref = dsa ? dsa->u.dsa.alpha_ref : 0.0f;
	if (p->alpha_ref_loc >= 0 && p->alpha_ref != ref) {
		glUniform1f(p->alpha_ref_loc, ref);
		p->alpha_ref = ref;
		CALL(be);
	}
	if (p->clip_plane_loc >= 0 && p->clip_gen != s->clip_gen) {
		glUniform4fv(p->clip_plane_loc, 8, &s->clip_planes[0][0]);
		p->clip_gen = s->clip_gen;
		CALL(be);
	}
}

static void
apply_ubos(struct gl_backend *be, struct gl_sub *s)
{
	for (uint32_t st = 0; st < GL_STAGES; st++) {
		for (uint32_t k = 1; k < GL_MAX_UBOS; k++) {
			const struct gl_ubo_binding *b = &s->ubos[st][k];
			GLuint buf = buffer_of(be, b->res);
			gl_cache_bind_ubo(be, gl_ubo_point(st, k), buf, b->offset, b->length);
		}
	}
}

static void
issue_draw(struct gl_backend *be, const struct gl_sub *s, const struct vr_draw_info *d)
{
	GLenum mode = d->mode; /* gallium and GL number primitives alike */
	GLsizei inst = d->instance_count > 1 ? (GLsizei)d->instance_count : 1;
	if (!d->indexed) {
		if (inst > 1) {
			glDrawArraysInstanced(mode, (GLint)d->start, (GLsizei)d->count, inst);
		} else {
			glDrawArrays(mode, (GLint)d->start, (GLsizei)d->count);
		}
		return;
	}
	uint32_t isz = s->ib.index_size;
	GLenum type = isz == 1 ? GL_UNSIGNED_BYTE : isz == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
	/* Mesa folds the first index into SET_INDEX_BUFFER's offset (it sends
	 * offset = start * index_size *and* start); the offset alone locates the
	 * indices, as in virglrenderer. */
	const void *ptr = (const void *)(uintptr_t)s->ib.offset;
	bool restart = d->primitive_restart;
	gl_cache_enable(be, GLE_PRIMITIVE_RESTART, restart);
	if (restart && be->cache.restart_index != d->restart_index) {
		glPrimitiveRestartIndex(d->restart_index);
		be->cache.restart_index = d->restart_index;
		CALL(be);
	}
	if (inst > 1) {
		glDrawElementsInstancedBaseVertex(mode, (GLsizei)d->count, type, ptr, inst,
						  d->index_bias);
	} else if (d->max_index != ~0u && d->max_index >= d->min_index) {
		glDrawRangeElementsBaseVertex(mode, d->min_index, d->max_index, (GLsizei)d->count,
					      type, ptr, d->index_bias);
	} else {
		glDrawElementsBaseVertex(mode, (GLsizei)d->count, type, ptr, d->index_bias);
	}
}

static bool
draw_supported(struct gl_backend *be, const struct gl_sub *s, const struct vr_draw_info *d)
{
	if ((d->mode >= PIPE_PRIM_QUADS && d->mode <= PIPE_PRIM_POLYGON) ||
	    d->mode == PIPE_PRIM_PATCHES || d->indirect) {
		/* Not in our prim_mask / caps: Mesa never sends them to us. */
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "draw mode %u%s not supported", d->mode,
			  d->indirect ? " (indirect)" : "");
		return false;
	}
	if (d->indexed && (!s->ib.res || !s->ib.index_size)) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "indexed draw without an index buffer");
		return false;
	}
	return d->count > 0;
}

bool
gl_draw_vbo(struct vr_backend_ctx *bctx, const struct vr_draw_info *d)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_backend *be = c->be;
	struct gl_sub *s = c->cur;
	struct vr_draw_info auto_draw;
	if (d->count_from_so && s) {
		/* Draw auto: what the target holds, as a non-indexed draw from 0. */
		auto_draw = *d;
		auto_draw.count = gl_so_target_vertices(s->so_last_target);
		auto_draw.start = 0;
		auto_draw.indexed = false;
		d = &auto_draw;
	}
	if (!s || !draw_supported(be, s, d)) {
		return true;
	}
	gl_make_current(be);
	if (!gl_sub_apply_fb(c, s)) {
		return true;
	}
	struct gl_program *p = gl_program_get(c, s);
	if (!p) {
		return !c->ctx->broken; /* compile/link errors broke the context */
	}
	const struct vr_object *veo = s->cso[VIRGL_OBJECT_VERTEX_ELEMENTS];
	struct gl_ve *ve = veo ? veo->backend_priv : NULL;
	if (veo && !ve) {
		return true; /* unsupported vertex format, logged at creation */
	}
	gl_cache_use_program(be, p->id);
	upload_uniforms(be, s, p);
	gl_state_apply(c, s);
	if (s->dirty & GL_DIRTY_VIEWS) {
		gl_samplers_apply(c, s);
	}
	if (s->dirty & GL_DIRTY_UBO) {
		apply_ubos(be, s);
	}
	if (ve) {
		gl_cache_bind_vao(be, ve->vao);
		if ((s->dirty & GL_DIRTY_VB) || ve->epoch != be->buf_epoch) {
			apply_vertex_buffers(be, s, ve);
		}
	} else {
		gl_cache_bind_vao(be, be->empty_vao);
		if (d->indexed) {
			glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, buffer_of(be, s->ib.res));
		}
	}
	s->dirty &= ~(GL_DIRTY_VIEWS | GL_DIRTY_UBO | GL_DIRTY_VB);
	struct gl_so_draw so;
	if (!gl_so_begin(c, s, p, d, &so)) {
		return false;
	}
	issue_draw(be, s, d);
	gl_so_end(c, s, p, &so);
	be->stats.draws++;
	be->stats.calls++;
	return gl_check(be, "draw");
}

void
gl_draw_init_ctx(struct vr_ctx_impl *impl)
{
	impl->set_vertex_buffers = set_vertex_buffers;
	impl->set_index_buffer = set_index_buffer;
	impl->set_constant_buffer = set_constant_buffer;
	impl->set_uniform_buffer = set_uniform_buffer;
	impl->set_stencil_ref = set_stencil_ref;
	impl->set_blend_color = set_blend_color;
	impl->set_sample_mask = set_sample_mask;
	impl->draw_vbo = gl_draw_vbo;
}
