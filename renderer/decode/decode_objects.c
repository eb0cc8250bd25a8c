/*
 * pvgpu — CREATE_OBJECT / BIND_OBJECT / DESTROY_OBJECT and shader binding
 * (virgl-wire.md §2.4). Each creator checks the exact payload length and every
 * value, takes the resource references the object keeps, fills obj->u and only
 * then commits the object to the sub-context (which calls the backend).
 * Shader creation lives in decode_shader.c.
 */
#include "decode_priv.h"

static bool
blend_factor_valid(uint32_t f)
{
	return (f >= PIPE_BLENDFACTOR_ONE && f <= PIPE_BLENDFACTOR_SRC1_ALPHA) ||
	       (f >= PIPE_BLENDFACTOR_ZERO && f <= PIPE_BLENDFACTOR_INV_DST_COLOR) ||
	       (f >= PIPE_BLENDFACTOR_INV_CONST_COLOR && f <= PIPE_BLENDFACTOR_INV_SRC1_ALPHA);
}

static bool
create_blend(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	struct vr_blend_state *b = &obj->u.blend;
	uint32_t s0 = cmd[VIRGL_OBJ_BLEND_S0];
	b->independent_blend_enable = VIRGL_OBJ_BLEND_S0_INDEPENDENT_BLEND_ENABLE(s0);
	b->logicop_enable = VIRGL_OBJ_BLEND_S0_LOGICOP_ENABLE(s0);
	b->dither = VIRGL_OBJ_BLEND_S0_DITHER(s0);
	b->alpha_to_coverage = VIRGL_OBJ_BLEND_S0_ALPHA_TO_COVERAGE(s0);
	b->alpha_to_one = VIRGL_OBJ_BLEND_S0_ALPHA_TO_ONE(s0);
	b->logicop_func = VIRGL_OBJ_BLEND_S1_LOGICOP_FUNC(cmd[VIRGL_OBJ_BLEND_S1]);
	for (int i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
		uint32_t s2 = cmd[VIRGL_OBJ_BLEND_S2(i)];
		struct vr_blend_rt *rt = &b->rt[i];
		rt->blend_enable = VIRGL_OBJ_BLEND_S2_BLEND_ENABLE(s2);
		rt->rgb_func = VIRGL_OBJ_BLEND_S2_RGB_FUNC(s2);
		rt->rgb_src_factor = VIRGL_OBJ_BLEND_S2_RGB_SRC_FACTOR(s2);
		rt->rgb_dst_factor = VIRGL_OBJ_BLEND_S2_RGB_DST_FACTOR(s2);
		rt->alpha_func = VIRGL_OBJ_BLEND_S2_ALPHA_FUNC(s2);
		rt->alpha_src_factor = VIRGL_OBJ_BLEND_S2_ALPHA_SRC_FACTOR(s2);
		rt->alpha_dst_factor = VIRGL_OBJ_BLEND_S2_ALPHA_DST_FACTOR(s2);
		rt->colormask = VIRGL_OBJ_BLEND_S2_COLORMASK(s2);
		/* Factors only matter with blending on; Mesa leaves them 0 otherwise. */
		if (rt->blend_enable &&
		    (rt->rgb_func > PIPE_BLEND_MAX || rt->alpha_func > PIPE_BLEND_MAX ||
		     !blend_factor_valid(rt->rgb_src_factor) ||
		     !blend_factor_valid(rt->rgb_dst_factor) ||
		     !blend_factor_valid(rt->alpha_src_factor) ||
		     !blend_factor_valid(rt->alpha_dst_factor))) {
			vr_ctx_error(ctx, "blend: bad function or factor on RT %d", i);
			return false;
		}
	}
	return true;
}

static bool
create_rasterizer(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	struct vr_rasterizer_state *rs = &obj->u.rs;
	uint32_t s0 = cmd[VIRGL_OBJ_RS_S0];
	rs->s0 = s0;
	rs->flatshade = VIRGL_OBJ_RS_S0_FLATSHADE(s0);
	rs->depth_clip = VIRGL_OBJ_RS_S0_DEPTH_CLIP(s0);
	rs->clip_halfz = VIRGL_OBJ_RS_S0_CLIP_HALFZ(s0);
	rs->rasterizer_discard = VIRGL_OBJ_RS_S0_RASTERIZER_DISCARD(s0);
	rs->flatshade_first = VIRGL_OBJ_RS_S0_FLATSHADE_FIRST(s0);
	rs->light_twoside = VIRGL_OBJ_RS_S0_LIGHT_TWOSIDE(s0);
	rs->sprite_coord_mode = VIRGL_OBJ_RS_S0_SPRITE_COORD_MODE(s0);
	rs->point_quad_rasterization = VIRGL_OBJ_RS_S0_POINT_QUAD_RASTERIZATION(s0);
	rs->cull_face = VIRGL_OBJ_RS_S0_CULL_FACE(s0);
	rs->fill_front = VIRGL_OBJ_RS_S0_FILL_FRONT(s0);
	rs->fill_back = VIRGL_OBJ_RS_S0_FILL_BACK(s0);
	rs->scissor = VIRGL_OBJ_RS_S0_SCISSOR(s0);
	rs->front_ccw = VIRGL_OBJ_RS_S0_FRONT_CCW(s0);
	rs->clamp_vertex_color = VIRGL_OBJ_RS_S0_CLAMP_VERTEX_COLOR(s0);
	rs->clamp_fragment_color = VIRGL_OBJ_RS_S0_CLAMP_FRAGMENT_COLOR(s0);
	rs->offset_line = VIRGL_OBJ_RS_S0_OFFSET_LINE(s0);
	rs->offset_point = VIRGL_OBJ_RS_S0_OFFSET_POINT(s0);
	rs->offset_tri = VIRGL_OBJ_RS_S0_OFFSET_TRI(s0);
	rs->poly_smooth = VIRGL_OBJ_RS_S0_POLY_SMOOTH(s0);
	rs->poly_stipple_enable = VIRGL_OBJ_RS_S0_POLY_STIPPLE_ENABLE(s0);
	rs->point_smooth = VIRGL_OBJ_RS_S0_POINT_SMOOTH(s0);
	rs->point_size_per_vertex = VIRGL_OBJ_RS_S0_POINT_SIZE_PER_VERTEX(s0);
	rs->multisample = VIRGL_OBJ_RS_S0_MULTISAMPLE(s0);
	rs->line_smooth = VIRGL_OBJ_RS_S0_LINE_SMOOTH(s0);
	rs->line_stipple_enable = VIRGL_OBJ_RS_S0_LINE_STIPPLE_ENABLE(s0);
	rs->line_last_pixel = VIRGL_OBJ_RS_S0_LINE_LAST_PIXEL(s0);
	rs->half_pixel_center = VIRGL_OBJ_RS_S0_HALF_PIXEL_CENTER(s0);
	rs->bottom_edge_rule = VIRGL_OBJ_RS_S0_BOTTOM_EDGE_RULE(s0);
	rs->force_persample_interp = VIRGL_OBJ_RS_S0_FORCE_PERSAMPLE_INTERP(s0);
	if (rs->fill_front > PIPE_POLYGON_MODE_POINT || rs->fill_back > PIPE_POLYGON_MODE_POINT) {
		vr_ctx_error(ctx, "rasterizer: bad fill mode");
		return false;
	}
	rs->point_size = dw_float(cmd[VIRGL_OBJ_RS_POINT_SIZE]);
	rs->sprite_coord_enable = cmd[VIRGL_OBJ_RS_SPRITE_COORD_ENABLE];
	uint32_t s3 = cmd[VIRGL_OBJ_RS_S3];
	rs->line_stipple_pattern = VIRGL_OBJ_RS_S3_LINE_STIPPLE_PATTERN(s3);
	rs->line_stipple_factor = VIRGL_OBJ_RS_S3_LINE_STIPPLE_FACTOR(s3);
	rs->clip_plane_enable = VIRGL_OBJ_RS_S3_CLIP_PLANE_ENABLE(s3);
	rs->line_width = dw_float(cmd[VIRGL_OBJ_RS_LINE_WIDTH]);
	rs->offset_units = dw_float(cmd[VIRGL_OBJ_RS_OFFSET_UNITS]);
	rs->offset_scale = dw_float(cmd[VIRGL_OBJ_RS_OFFSET_SCALE]);
	rs->offset_clamp = dw_float(cmd[VIRGL_OBJ_RS_OFFSET_CLAMP]);
	return true;
}

static bool
create_dsa(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	/* Every field is a full-range bitfield (funcs and ops are 3 bits, 8 values). */
	struct vr_dsa_state *d = &obj->u.dsa;
	uint32_t s0 = cmd[VIRGL_OBJ_DSA_S0];
	d->depth_enable = VIRGL_OBJ_DSA_S0_DEPTH_ENABLE(s0);
	d->depth_writemask = VIRGL_OBJ_DSA_S0_DEPTH_WRITEMASK(s0);
	d->depth_func = VIRGL_OBJ_DSA_S0_DEPTH_FUNC(s0);
	d->alpha_enable = VIRGL_OBJ_DSA_S0_ALPHA_ENABLED(s0);
	d->alpha_func = VIRGL_OBJ_DSA_S0_ALPHA_FUNC(s0);
	for (int i = 0; i < 2; i++) {
		uint32_t s = cmd[VIRGL_OBJ_DSA_S1 + i];
		struct vr_stencil_state *st = &d->stencil[i];
		st->enabled = VIRGL_OBJ_DSA_S1_STENCIL_ENABLED(s);
		st->func = VIRGL_OBJ_DSA_S1_STENCIL_FUNC(s);
		st->fail_op = VIRGL_OBJ_DSA_S1_STENCIL_FAIL_OP(s);
		st->zpass_op = VIRGL_OBJ_DSA_S1_STENCIL_ZPASS_OP(s);
		st->zfail_op = VIRGL_OBJ_DSA_S1_STENCIL_ZFAIL_OP(s);
		st->valuemask = VIRGL_OBJ_DSA_S1_STENCIL_VALUEMASK(s);
		st->writemask = VIRGL_OBJ_DSA_S1_STENCIL_WRITEMASK(s);
	}
	d->alpha_ref = dw_float(cmd[VIRGL_OBJ_DSA_ALPHA_REF]);
	return true;
}

static bool
create_vertex_elements(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	/* The count comes from the length; > 32 elements overflowed fixed arrays in
	 * older hosts (CVE-2017-5994). Zero is legal: Mesa sends an empty set for
	 * draws without vertex attributes (e.g. a geometry shader making points). */
	if ((len - 1) % 4) {
		vr_ctx_error(ctx, "vertex elements: length %u is not 1 + 4n", len);
		return false;
	}
	uint32_t count = (len - 1) / 4;
	if (count > VIRGL_MAX_VERTEX_ELEMENTS) {
		vr_ctx_error(ctx, "vertex elements: bad count %u", count);
		return false;
	}
	struct vr_vertex_elements_state *ve = &obj->u.ve;
	ve->count = count;
	for (uint32_t i = 0; i < count; i++) {
		struct vr_vertex_element *el = &ve->elements[i];
		el->src_offset = cmd[VIRGL_OBJ_VE_SRC_OFFSET(i)];
		el->instance_divisor = cmd[VIRGL_OBJ_VE_INSTANCE_DIVISOR(i)];
		el->vertex_buffer_index = cmd[VIRGL_OBJ_VE_VERTEX_BUFFER_INDEX(i)];
		el->format = cmd[VIRGL_OBJ_VE_SRC_FORMAT(i)];
		if (el->vertex_buffer_index >= VIRGL_MAX_VERTEX_BUFFERS) {
			vr_ctx_error(ctx, "vertex element %u: bad buffer index %u", i,
				     el->vertex_buffer_index);
			return false;
		}
		if (!vr_format_get(el->format)) {
			vr_ctx_error(ctx, "vertex element %u: unknown format %u", i, el->format);
			return false;
		}
	}
	return true;
}

/* Buffer element range [first, last] of `format` inside a buffer resource. */
static bool
buffer_range_valid(const struct vr_resource *res, uint32_t format, uint32_t first, uint32_t last)
{
	const struct vr_format_info *fi = vr_format_get(format);
	return fi && first <= last &&
	       ((uint64_t)last + 1) * fi->block_bytes <= (uint64_t)res->desc.width;
}

static bool
create_sampler_view(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	struct vr_resource *res;
	if (!decode_resource(ctx, cmd[VIRGL_OBJ_SAMPLER_VIEW_RES_HANDLE], false, "sampler view",
			     &res)) {
		return false;
	}
	struct vr_sampler_view_state *v = &obj->u.view;
	uint32_t fmt = cmd[VIRGL_OBJ_SAMPLER_VIEW_FORMAT];
	v->format = fmt & 0xffffffu;
	v->target = fmt >> 24 ? fmt >> 24 : res->desc.target;
	if (!vr_format_get_texel(v->format) || v->target >= PIPE_MAX_TEXTURE_TYPES ||
	    (v->target == PIPE_BUFFER) != (res->desc.target == PIPE_BUFFER)) {
		vr_ctx_error(ctx, "sampler view: bad format %u or target %u", v->format, v->target);
		return false;
	}
	uint32_t dw4 = cmd[VIRGL_OBJ_SAMPLER_VIEW_TEXTURE_LAYER];
	uint32_t dw5 = cmd[VIRGL_OBJ_SAMPLER_VIEW_TEXTURE_LEVEL];
	if (v->target == PIPE_BUFFER) {
		v->first_element = dw4;
		v->last_element = dw5;
		if (!buffer_range_valid(res, v->format, dw4, dw5)) {
			vr_ctx_error(ctx, "sampler view: elements %u..%u outside the buffer", dw4,
				     dw5);
			return false;
		}
	} else {
		v->first_layer = dw4 & 0xffffu;
		v->last_layer = dw4 >> 16;
		v->first_level = dw5 & 0xffu;
		v->last_level = (dw5 >> 8) & 0xffu;
		if (v->first_layer > v->last_layer || v->last_layer >= vr_resource_layers(res) ||
		    v->first_level > v->last_level || v->last_level > res->desc.last_level) {
			vr_ctx_error(ctx,
				     "sampler view: layers %u..%u / levels %u..%u outside "
				     "the resource",
				     v->first_layer, v->last_layer, v->first_level, v->last_level);
			return false;
		}
	}
	uint32_t sw = cmd[VIRGL_OBJ_SAMPLER_VIEW_SWIZZLE];
	v->swizzle[0] = VIRGL_OBJ_SAMPLER_VIEW_SWIZZLE_R(sw);
	v->swizzle[1] = VIRGL_OBJ_SAMPLER_VIEW_SWIZZLE_G(sw);
	v->swizzle[2] = VIRGL_OBJ_SAMPLER_VIEW_SWIZZLE_B(sw);
	v->swizzle[3] = VIRGL_OBJ_SAMPLER_VIEW_SWIZZLE_A(sw);
	for (int i = 0; i < 4; i++) {
		if (v->swizzle[i] > PIPE_SWIZZLE_1) {
			vr_ctx_error(ctx, "sampler view: bad swizzle 0x%x", sw);
			return false;
		}
	}
	vr_resource_ref(res);
	v->res = res;
	return true;
}

static bool
create_sampler_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	struct vr_sampler_state *s = &obj->u.sampler;
	uint32_t s0 = cmd[VIRGL_OBJ_SAMPLE_STATE_S0];
	s->wrap_s = VIRGL_OBJ_SAMPLE_STATE_S0_WRAP_S(s0);
	s->wrap_t = VIRGL_OBJ_SAMPLE_STATE_S0_WRAP_T(s0);
	s->wrap_r = VIRGL_OBJ_SAMPLE_STATE_S0_WRAP_R(s0);
	s->min_img_filter = VIRGL_OBJ_SAMPLE_STATE_S0_MIN_IMG_FILTER(s0);
	s->min_mip_filter = VIRGL_OBJ_SAMPLE_STATE_S0_MIN_MIP_FILTER(s0);
	s->mag_img_filter = VIRGL_OBJ_SAMPLE_STATE_S0_MAG_IMG_FILTER(s0);
	s->compare_mode = VIRGL_OBJ_SAMPLE_STATE_S0_COMPARE_MODE(s0);
	s->compare_func = VIRGL_OBJ_SAMPLE_STATE_S0_COMPARE_FUNC(s0);
	s->seamless_cube_map = VIRGL_OBJ_SAMPLE_STATE_S0_SEAMLESS_CUBE_MAP(s0);
	s->max_anisotropy = VIRGL_OBJ_SAMPLE_STATE_S0_MAX_ANISOTROPY(s0);
	if (s->min_img_filter > PIPE_TEX_FILTER_LINEAR ||
	    s->mag_img_filter > PIPE_TEX_FILTER_LINEAR ||
	    s->min_mip_filter > PIPE_TEX_MIPFILTER_NONE) {
		vr_ctx_error(ctx, "sampler state: bad filter in 0x%x", s0);
		return false;
	}
	s->lod_bias = dw_float(cmd[VIRGL_OBJ_SAMPLE_STATE_LOD_BIAS]);
	s->min_lod = dw_float(cmd[VIRGL_OBJ_SAMPLE_STATE_MIN_LOD]);
	s->max_lod = dw_float(cmd[VIRGL_OBJ_SAMPLE_STATE_MAX_LOD]);
	for (int i = 0; i < 4; i++) {
		s->border_color[i] = cmd[VIRGL_OBJ_SAMPLE_STATE_BORDER_COLOR(i)];
	}
	return true;
}

static bool
create_surface(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	struct vr_resource *res;
	if (!decode_resource(ctx, cmd[VIRGL_OBJ_SURFACE_RES_HANDLE], false, "surface", &res)) {
		return false;
	}
	struct vr_surface_state *s = &obj->u.surface;
	s->format = cmd[VIRGL_OBJ_SURFACE_FORMAT];
	if (!vr_format_get_texel(s->format)) {
		vr_ctx_error(ctx, "surface: unknown format %u", s->format);
		return false;
	}
	uint32_t dw4 = cmd[VIRGL_OBJ_SURFACE_TEXTURE_LEVEL];
	uint32_t dw5 = cmd[VIRGL_OBJ_SURFACE_TEXTURE_LAYERS];
	if (res->desc.target == PIPE_BUFFER) {
		s->first_element = dw4;
		s->last_element = dw5;
		if (!buffer_range_valid(res, s->format, dw4, dw5)) {
			vr_ctx_error(ctx, "surface: elements %u..%u outside the buffer", dw4, dw5);
			return false;
		}
	} else {
		s->level = dw4;
		s->first_layer = dw5 & 0xffffu;
		s->last_layer = dw5 >> 16;
		if (s->level > res->desc.last_level || s->first_layer > s->last_layer ||
		    s->last_layer >= vr_resource_layers(res)) {
			vr_ctx_error(ctx, "surface: level %u / layers %u..%u outside the resource",
				     s->level, s->first_layer, s->last_layer);
			return false;
		}
	}
	if (obj->type == VIRGL_OBJECT_MSAA_SURFACE) {
		s->nr_samples = cmd[VIRGL_OBJ_MSAA_SURFACE_SAMPLE_COUNT];
		if (s->nr_samples > 16) {
			vr_ctx_error(ctx, "msaa surface: %u samples", s->nr_samples);
			return false;
		}
	}
	vr_resource_ref(res);
	s->res = res;
	return true;
}

static bool
create_query(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	struct vr_resource *res;
	if (!decode_resource(ctx, cmd[VIRGL_OBJ_QUERY_RES_HANDLE], false, "query", &res)) {
		return false;
	}
	struct vr_query_state *q = &obj->u.query;
	uint32_t ti = cmd[VIRGL_OBJ_QUERY_TYPE_INDEX];
	q->type = ti & 0xffffu;
	q->index = ti >> 16;
	q->offset = cmd[VIRGL_OBJ_QUERY_OFFSET];
	/* The host writes a struct vgp_query_result at offset: it must fit. */
	if (q->type >= PIPE_QUERY_TYPES || res->desc.target != PIPE_BUFFER ||
	    (uint64_t)q->offset + sizeof(struct vgp_query_result) > res->desc.width) {
		vr_ctx_error(ctx, "query: bad type %u or result offset %u", q->type, q->offset);
		return false;
	}
	vr_resource_ref(res);
	q->res = res;
	return true;
}

static bool
create_so_target(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len, struct vr_object *obj)
{
	struct vr_resource *res;
	if (!decode_resource(ctx, cmd[VIRGL_OBJ_STREAMOUT_RES_HANDLE], false, "streamout target",
			     &res)) {
		return false;
	}
	struct vr_so_target_state *t = &obj->u.so_target;
	t->buffer_offset = cmd[VIRGL_OBJ_STREAMOUT_BUFFER_OFFSET];
	t->buffer_size = cmd[VIRGL_OBJ_STREAMOUT_BUFFER_SIZE];
	if (res->desc.target != PIPE_BUFFER ||
	    (uint64_t)t->buffer_offset + t->buffer_size > res->desc.width) {
		vr_ctx_error(ctx, "streamout target: range %u+%u outside the buffer",
			     t->buffer_offset, t->buffer_size);
		return false;
	}
	vr_resource_ref(res);
	t->res = res;
	return true;
}

typedef bool (*create_fn)(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len,
			  struct vr_object *obj);

struct create_entry {
	const char *name;
	uint32_t min_len, max_len;
	create_fn fn;
};

static const struct create_entry creators[VIRGL_MAX_OBJECTS] = {
	[VIRGL_OBJECT_BLEND] = {"BLEND", VIRGL_OBJ_BLEND_SIZE, VIRGL_OBJ_BLEND_SIZE, create_blend},
	[VIRGL_OBJECT_RASTERIZER] = {"RASTERIZER", VIRGL_OBJ_RS_SIZE, VIRGL_OBJ_RS_SIZE,
				     create_rasterizer},
	[VIRGL_OBJECT_DSA] = {"DSA", VIRGL_OBJ_DSA_SIZE, VIRGL_OBJ_DSA_SIZE, create_dsa},
	[VIRGL_OBJECT_VERTEX_ELEMENTS] = {"VERTEX_ELEMENTS", 1, 1 + 4 * VIRGL_MAX_VERTEX_ELEMENTS,
					  create_vertex_elements},
	[VIRGL_OBJECT_SAMPLER_VIEW] = {"SAMPLER_VIEW", VIRGL_OBJ_SAMPLER_VIEW_SIZE,
				       VIRGL_OBJ_SAMPLER_VIEW_SIZE, create_sampler_view},
	[VIRGL_OBJECT_SAMPLER_STATE] = {"SAMPLER_STATE", VIRGL_OBJ_SAMPLER_STATE_SIZE,
					VIRGL_OBJ_SAMPLER_STATE_SIZE, create_sampler_state},
	[VIRGL_OBJECT_SURFACE] = {"SURFACE", VIRGL_OBJ_SURFACE_SIZE, VIRGL_OBJ_SURFACE_SIZE,
				  create_surface},
	[VIRGL_OBJECT_QUERY] = {"QUERY", VIRGL_OBJ_QUERY_SIZE, VIRGL_OBJ_QUERY_SIZE, create_query},
	[VIRGL_OBJECT_STREAMOUT_TARGET] = {"STREAMOUT_TARGET", VIRGL_OBJ_STREAMOUT_SIZE,
					   VIRGL_OBJ_STREAMOUT_SIZE, create_so_target},
	[VIRGL_OBJECT_MSAA_SURFACE] = {"MSAA_SURFACE", VIRGL_OBJ_MSAA_SURFACE_SIZE,
				       VIRGL_OBJ_MSAA_SURFACE_SIZE, create_surface},
};

bool
decode_create_object(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t type = VGP_CMD_OBJTYPE(cmd[0]);
	if (type == VIRGL_OBJECT_SHADER) {
		return decode_create_shader(ctx, cmd, len);
	}
	const struct create_entry *ce = type < VIRGL_MAX_OBJECTS ? &creators[type] : NULL;
	if (!ce || !ce->fn) {
		vr_ctx_error(ctx, "CREATE_OBJECT: bad object type %u", type);
		return false;
	}
	if (len < ce->min_len || len > ce->max_len) {
		vr_ctx_error(ctx, "CREATE_OBJECT %s: bad length %u", ce->name, len);
		return false;
	}
	struct vr_object *obj = vr_ctx_object_alloc(ctx, cmd[VIRGL_OBJ_CREATE_HANDLE], type);
	if (!obj) {
		return false;
	}
	if (!ce->fn(ctx, cmd, len, obj)) {
		vr_ctx_object_discard(obj);
		return false;
	}
	return vr_ctx_object_commit(ctx, obj);
}

bool
decode_bind_object(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t type = VGP_CMD_OBJTYPE(cmd[0]);
	if (type != VIRGL_OBJECT_BLEND && type != VIRGL_OBJECT_DSA &&
	    type != VIRGL_OBJECT_RASTERIZER && type != VIRGL_OBJECT_VERTEX_ELEMENTS) {
		vr_ctx_error(ctx, "BIND_OBJECT: type %u cannot be bound", type);
		return false;
	}
	struct vr_object *obj;
	if (!decode_object(ctx, cmd[1], type, true, "BIND_OBJECT", &obj)) {
		return false;
	}
	if (!BCTX_SLOT(ctx, bind_object)) {
		decode_unsupported(ctx, "BIND_OBJECT");
		return true;
	}
	ctx->bctx->impl->bind_object(ctx->bctx, type, obj);
	return true;
}

bool
decode_destroy_object(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	/* The header's type is informational: handles share one namespace. */
	if (!vr_ctx_object_destroy(ctx, cmd[1])) {
		vr_ctx_error(ctx, "DESTROY_OBJECT: unknown handle %u", cmd[1]);
		return false;
	}
	return true;
}

bool
decode_bind_shader(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t stage = cmd[2];
	struct vr_object *obj;
	if (!decode_stage(ctx, stage, "BIND_SHADER") ||
	    !decode_object(ctx, cmd[1], VIRGL_OBJECT_SHADER, true, "BIND_SHADER", &obj)) {
		return false;
	}
	if (obj && obj->u.shader.stage != stage) {
		vr_ctx_error(ctx, "BIND_SHADER: shader %u is stage %u, not %u", cmd[1],
			     obj->u.shader.stage, stage);
		return false;
	}
	if (!BCTX_SLOT(ctx, bind_shader)) {
		decode_unsupported(ctx, "BIND_SHADER");
		return true;
	}
	ctx->bctx->impl->bind_shader(ctx->bctx, stage, obj);
	return true;
}

bool
decode_link_shader(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_object *shaders[VIRGL_SHADER_STAGES];
	for (uint32_t s = 0; s < VIRGL_SHADER_STAGES; s++) {
		if (!decode_object(ctx, cmd[1 + s], VIRGL_OBJECT_SHADER, true, "LINK_SHADER",
				   &shaders[s])) {
			return false;
		}
		if (shaders[s] && shaders[s]->u.shader.stage != s) {
			vr_ctx_error(ctx, "LINK_SHADER: shader %u is not stage %u", cmd[1 + s], s);
			return false;
		}
	}
	if (!BCTX_SLOT(ctx, link_shader)) {
		decode_unsupported(ctx, "LINK_SHADER");
		return true;
	}
	ctx->bctx->impl->link_shader(ctx->bctx, shaders);
	return true;
}
