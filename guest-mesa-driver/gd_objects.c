/* pvgpu guest driver — state objects: packing (virgl-wire.md §2.3) and lifetime. */
#include <errno.h>
#include <string.h>

#include "gd_priv.h"
#include "vgp_virgl_format.h"

static uint32_t
new_handle(struct gd_context *ctx)
{
	if (ctx->error) {
		return 0;
	}
	if (ctx->next_handle == UINT32_MAX) {
		gd_ctx_fail(ctx, -ENOSPC);
		return 0;
	}
	return ctx->next_handle++;
}

/* Starts CREATE_OBJECT of `type` with `len` payload dwords; p[1] holds the handle. */
static uint32_t *
create_cmd(struct gd_context *ctx, uint32_t type, uint32_t len, uint32_t *handle)
{
	*handle = new_handle(ctx);
	uint32_t *p = *handle ? gd_cmd(ctx, VIRGL_CCMD_CREATE_OBJECT, type, len) : NULL;
	if (!p) {
		*handle = 0;
		return NULL;
	}
	p[1] = *handle;
	return p;
}

static uint32_t
b(bool v, unsigned shift)
{
	return (v ? 1u : 0u) << shift;
}

static uint32_t
field(uint32_t v, uint32_t bits, unsigned shift)
{
	return (v & ((1u << bits) - 1u)) << shift;
}

static uint32_t
pack_blend_rt(const struct gd_blend_rt *rt)
{
	return b(rt->blend_enable, 0) | field(rt->rgb_func, 3, 1) |
	       field(rt->rgb_src_factor, 5, 4) | field(rt->rgb_dst_factor, 5, 9) |
	       field(rt->alpha_func, 3, 14) | field(rt->alpha_src_factor, 5, 17) |
	       field(rt->alpha_dst_factor, 5, 22) | field(rt->colormask, 4, 27);
}

uint32_t
gd_create_blend(struct gd_context *ctx, const struct gd_blend_state *s)
{
	uint32_t h;
	uint32_t *p = create_cmd(ctx, VIRGL_OBJECT_BLEND, VIRGL_OBJ_BLEND_SIZE, &h);
	if (!p) {
		return 0;
	}
	p[2] = b(s->independent_blend_enable, 0) | b(s->logicop_enable, 1) | b(s->dither, 2) |
	       b(s->alpha_to_coverage, 3) | b(s->alpha_to_one, 4);
	p[3] = field(s->logicop_func, 4, 0);
	for (int i = 0; i < VIRGL_MAX_COLOR_BUFS; i++) {
		p[4 + i] = pack_blend_rt(&s->rt[s->independent_blend_enable ? i : 0]);
	}
	return h;
}

static uint32_t
pack_stencil(const struct gd_stencil_state *st)
{
	return b(st->enabled, 0) | field(st->func, 3, 1) | field(st->fail_op, 3, 4) |
	       field(st->zpass_op, 3, 7) | field(st->zfail_op, 3, 10) |
	       field(st->valuemask, 8, 13) | field(st->writemask, 8, 21);
}

uint32_t
gd_create_dsa(struct gd_context *ctx, const struct gd_dsa_state *s)
{
	uint32_t h;
	uint32_t *p = create_cmd(ctx, VIRGL_OBJECT_DSA, VIRGL_OBJ_DSA_SIZE, &h);
	if (!p) {
		return 0;
	}
	p[2] = b(s->depth_enabled, 0) | b(s->depth_writemask, 1) | field(s->depth_func, 3, 2) |
	       b(s->alpha_enabled, 8) | field(s->alpha_func, 3, 9);
	p[3] = pack_stencil(&s->stencil[0]);
	p[4] = pack_stencil(&s->stencil[1]);
	p[5] = gd_f2u(s->alpha_ref);
	return h;
}

static uint32_t
pack_rs_s0(const struct gd_rasterizer_state *s)
{
	return b(s->flatshade, 0) | b(s->depth_clip, 1) | b(s->clip_halfz, 2) |
	       b(s->rasterizer_discard, 3) | b(s->flatshade_first, 4) | b(s->light_twoside, 5) |
	       b(s->sprite_coord_mode, 6) | b(s->point_quad_rasterization, 7) |
	       field(s->cull_face, 2, 8) | field(s->fill_front, 2, 10) |
	       field(s->fill_back, 2, 12) | b(s->scissor, 14) | b(s->front_ccw, 15) |
	       b(s->clamp_vertex_color, 16) | b(s->clamp_fragment_color, 17) |
	       b(s->offset_line, 18) | b(s->offset_point, 19) | b(s->offset_tri, 20) |
	       b(s->poly_smooth, 21) | b(s->poly_stipple_enable, 22) | b(s->point_smooth, 23) |
	       b(s->point_size_per_vertex, 24) | b(s->multisample, 25) | b(s->line_smooth, 26) |
	       b(s->line_stipple_enable, 27) | b(s->line_last_pixel, 28) |
	       b(s->half_pixel_center, 29) | b(s->bottom_edge_rule, 30);
}

uint32_t
gd_create_rasterizer(struct gd_context *ctx, const struct gd_rasterizer_state *s)
{
	uint32_t h;
	uint32_t *p = create_cmd(ctx, VIRGL_OBJECT_RASTERIZER, VIRGL_OBJ_RS_SIZE, &h);
	if (!p) {
		return 0;
	}
	p[2] = pack_rs_s0(s);
	p[3] = gd_f2u(s->point_size);
	p[4] = s->sprite_coord_enable;
	p[5] = field(s->line_stipple_pattern, 16, 0) | field(s->line_stipple_factor, 8, 16) |
	       field(s->clip_plane_enable, 8, 24);
	p[6] = gd_f2u(s->line_width);
	p[7] = gd_f2u(s->offset_units);
	p[8] = gd_f2u(s->offset_scale);
	p[9] = gd_f2u(s->offset_clamp);
	return h;
}

uint32_t
gd_create_vertex_elements(struct gd_context *ctx, uint32_t count,
			  const struct gd_vertex_element *elems)
{
	if (count > VIRGL_MAX_VERTEX_ELEMENTS) {
		gd_ctx_fail(ctx, -EINVAL);
		return 0;
	}
	uint32_t h;
	uint32_t *p = create_cmd(ctx, VIRGL_OBJECT_VERTEX_ELEMENTS, 1 + 4 * count, &h);
	for (uint32_t i = 0; p && i < count; i++) {
		p[2 + 4 * i] = elems[i].src_offset;
		p[3 + 4 * i] = elems[i].instance_divisor;
		p[4 + 4 * i] = elems[i].vertex_buffer_index;
		p[5 + 4 * i] = elems[i].format;
	}
	return h;
}

/* Counts TGSI tokens roughly the way hosts size their buffers: one per word
 * of text is an upper bound that is always enough. */
static uint32_t
tgsi_token_estimate(const char *text, size_t len)
{
	uint32_t n = 16;
	for (size_t i = 0; i < len; i++) {
		n += text[i] == ' ' || text[i] == '\n' || text[i] == ',';
	}
	return n;
}

uint32_t
gd_create_shader(struct gd_context *ctx, uint32_t stage, const char *tgsi)
{
	size_t len = strlen(tgsi) + 1; /* the NUL travels too */
	if (stage >= VIRGL_SHADER_STAGES || len > (1u << 24)) {
		gd_ctx_fail(ctx, -EINVAL);
		return 0;
	}
	uint32_t h = new_handle(ctx);
	uint32_t tokens = tgsi_token_estimate(tgsi, len);
	uint32_t chunk_max = (gd_cmd_max_payload() - VIRGL_OBJ_SHADER_HDR_SIZE) * 4;
	/* Long texts go in several commands: the first carries the total length,
	 * the others their byte offset with the continuation bit. */
	for (size_t off = 0; h && off < len; off += chunk_max) {
		size_t n = len - off < chunk_max ? len - off : chunk_max;
		uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SHADER,
				     VIRGL_OBJ_SHADER_HDR_SIZE + (uint32_t)((n + 3) / 4));
		if (!p) {
			return 0;
		}
		p[1] = h;
		p[2] = stage;
		p[3] = off == 0 ? (uint32_t)len : (uint32_t)off | VIRGL_OBJ_SHADER_OFFSET_CONT;
		p[4] = tokens;
		memcpy(&p[6], tgsi + off, n);
	}
	return h;
}

uint32_t
gd_create_sampler_state(struct gd_context *ctx, const struct gd_sampler_state *s)
{
	uint32_t h;
	uint32_t *p = create_cmd(ctx, VIRGL_OBJECT_SAMPLER_STATE, VIRGL_OBJ_SAMPLER_STATE_SIZE, &h);
	if (!p) {
		return 0;
	}
	p[2] = field(s->wrap_s, 3, 0) | field(s->wrap_t, 3, 3) | field(s->wrap_r, 3, 6) |
	       field(s->min_img_filter, 2, 9) | field(s->min_mip_filter, 2, 11) |
	       field(s->mag_img_filter, 2, 13) | b(s->compare_mode, 15) |
	       field(s->compare_func, 3, 16) | b(s->seamless_cube_map, 19) |
	       field(s->max_anisotropy, 6, 20);
	p[3] = gd_f2u(s->lod_bias);
	p[4] = gd_f2u(s->min_lod);
	p[5] = gd_f2u(s->max_lod);
	for (int i = 0; i < 4; i++) {
		p[6 + i] = gd_f2u(s->border_color[i]);
	}
	return h;
}

/* The two dwords after the format: element range for buffers, else layers/levels. */
static void
put_view_range(uint32_t *p, const struct gd_resource *res, const struct gd_view_desc *v,
	       bool sampler_view)
{
	if (res->desc.target == PIPE_BUFFER) {
		p[0] = v->first_element;
		p[1] = v->last_element;
	} else if (sampler_view) {
		p[0] = field(v->first_layer, 16, 0) | field(v->last_layer, 16, 16);
		p[1] = field(v->first_level, 8, 0) | field(v->last_level, 8, 8);
	} else {
		p[0] = v->first_level;
		p[1] = field(v->first_layer, 16, 0) | field(v->last_layer, 16, 16);
	}
}

uint32_t
gd_create_sampler_view(struct gd_context *ctx, struct gd_resource *res,
		       const struct gd_view_desc *v)
{
	uint32_t h;
	uint32_t *p = create_cmd(ctx, VIRGL_OBJECT_SAMPLER_VIEW, VIRGL_OBJ_SAMPLER_VIEW_SIZE, &h);
	if (!p) {
		return 0;
	}
	p[2] = gd_res_use(ctx, res);
	p[3] = field(v->format, 24, 0) | field(res->desc.target, 8, 24);
	put_view_range(&p[4], res, v, true);
	p[6] = field(v->swizzle[0], 3, 0) | field(v->swizzle[1], 3, 3) |
	       field(v->swizzle[2], 3, 6) | field(v->swizzle[3], 3, 9);
	return h;
}

uint32_t
gd_create_surface(struct gd_context *ctx, struct gd_resource *res, const struct gd_view_desc *v)
{
	uint32_t h;
	uint32_t *p = create_cmd(ctx, VIRGL_OBJECT_SURFACE, VIRGL_OBJ_SURFACE_SIZE, &h);
	if (!p) {
		return 0;
	}
	p[2] = gd_res_use(ctx, res);
	p[3] = v->format;
	put_view_range(&p[4], res, v, false);
	return h;
}

void
gd_bind_object(struct gd_context *ctx, uint32_t type, uint32_t handle)
{
	if (type != VIRGL_OBJECT_BLEND && type != VIRGL_OBJECT_DSA &&
	    type != VIRGL_OBJECT_RASTERIZER && type != VIRGL_OBJECT_VERTEX_ELEMENTS) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_BIND_OBJECT, type, 1);
	if (p) {
		p[1] = handle;
	}
}

void
gd_bind_shader(struct gd_context *ctx, uint32_t stage, uint32_t handle)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_BIND_SHADER, 0, 2);
	if (p) {
		p[1] = handle;
		p[2] = stage;
	}
}

void
gd_delete(struct gd_context *ctx, uint32_t type, uint32_t handle)
{
	if (type == VIRGL_OBJECT_NULL || type >= VIRGL_MAX_OBJECTS) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_DESTROY_OBJECT, type, 1);
	if (p) {
		p[1] = handle;
	}
	if (type == VIRGL_OBJECT_QUERY) {
		gd_query_forget(ctx, handle);
	}
}
