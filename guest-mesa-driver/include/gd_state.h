/*
 * pvgpu guest driver — state objects, bindings, draws (included by gd.h).
 *
 * Values use gallium numbering (vgp_gallium.h: PIPE_BLEND_*, PIPE_FUNC_*, ...)
 * and virgl formats; the encoder packs them as virgl-wire.md §2 lays them out.
 * create_* calls return a new object handle of this context, or 0 with the
 * error recorded in gd_context_error(). Handles stay valid until gd_delete().
 */
#ifndef GD_STATE_H
#define GD_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "vgp_gallium.h"
#include "vgp_virgl_cmd.h"
#include "vgp_virgl_format.h"

struct gd_context;
struct gd_resource;

struct gd_blend_rt {
	bool blend_enable;
	uint8_t rgb_func, rgb_src_factor, rgb_dst_factor;
	uint8_t alpha_func, alpha_src_factor, alpha_dst_factor;
	uint8_t colormask; /* PIPE_MASK_RGBA bits */
};

struct gd_blend_state {
	bool independent_blend_enable, logicop_enable, dither;
	bool alpha_to_coverage, alpha_to_one;
	uint8_t logicop_func;
	struct gd_blend_rt rt[8]; /* only rt[0] is used unless independent */
};

struct gd_stencil_state {
	bool enabled;
	uint8_t func, fail_op, zpass_op, zfail_op;
	uint8_t valuemask, writemask;
};

struct gd_dsa_state {
	bool depth_enabled, depth_writemask;
	uint8_t depth_func;
	struct gd_stencil_state stencil[2]; /* front, back */
	bool alpha_enabled;
	uint8_t alpha_func;
	float alpha_ref;
};

struct gd_rasterizer_state {
	bool flatshade, flatshade_first, light_twoside;
	bool depth_clip, clip_halfz, rasterizer_discard;
	bool front_ccw, scissor, multisample, half_pixel_center, bottom_edge_rule;
	uint8_t cull_face;             /* PIPE_FACE_* */
	uint8_t fill_front, fill_back; /* PIPE_POLYGON_MODE_* */
	bool offset_point, offset_line, offset_tri;
	float offset_units, offset_scale, offset_clamp;
	bool point_smooth, point_size_per_vertex, point_quad_rasterization, sprite_coord_mode;
	float point_size;
	uint32_t sprite_coord_enable;
	bool line_smooth, line_stipple_enable, line_last_pixel;
	float line_width;
	uint16_t line_stipple_pattern;
	uint8_t line_stipple_factor;
	bool poly_smooth, poly_stipple_enable;
	bool clamp_vertex_color, clamp_fragment_color;
	uint8_t clip_plane_enable;
};

struct gd_vertex_element {
	uint32_t src_offset;
	uint32_t instance_divisor;
	uint32_t vertex_buffer_index;
	uint32_t format; /* virgl format */
};

struct gd_sampler_state {
	uint8_t wrap_s, wrap_t, wrap_r; /* PIPE_TEX_WRAP_* */
	uint8_t min_img_filter, min_mip_filter, mag_img_filter;
	bool compare_mode;
	uint8_t compare_func;
	bool seamless_cube_map;
	uint8_t max_anisotropy;
	float lod_bias, min_lod, max_lod;
	float border_color[4];
};

/* A sampler view or surface of a resource. Textures use level/layer ranges,
 * buffers first/last element. Swizzles are PIPE_SWIZZLE_* (sampler views). */
struct gd_view_desc {
	uint32_t format;
	uint32_t first_level, last_level;
	uint32_t first_layer, last_layer;
	uint32_t first_element, last_element;
	uint8_t swizzle[4];
};

struct gd_viewport {
	float scale[3], translate[3];
};

struct gd_scissor {
	uint16_t minx, miny, maxx, maxy;
};

struct gd_vertex_buffer {
	uint32_t stride, offset;
	struct gd_resource *res; /* NULL unbinds the slot */
};

struct gd_draw_info {
	uint32_t mode; /* PIPE_PRIM_* */
	uint32_t start, count;
	bool indexed;
	uint32_t index_size; /* 1, 2, 4 when indexed */
	uint32_t index_offset;
	struct gd_resource *index_buffer;
	uint32_t instance_count; /* 0 is taken as 1 */
	int32_t index_bias;
	uint32_t start_instance;
	bool primitive_restart;
	uint32_t restart_index;
	uint32_t min_index, max_index; /* 0, 0: the whole range */
};

struct gd_blit_info {
	struct gd_resource *dst, *src;
	uint32_t dst_level, src_level;
	uint32_t dst_format, src_format;
	struct gd_box dst_box, src_box;
	uint32_t mask;   /* PIPE_MASK_* */
	uint32_t filter; /* PIPE_TEX_FILTER_* */
	bool scissor_enable;
	struct gd_scissor scissor;
};

/* ---- object creation (0 = failed, see gd_context_error) ---- */
uint32_t gd_create_blend(struct gd_context *ctx, const struct gd_blend_state *s);
uint32_t gd_create_dsa(struct gd_context *ctx, const struct gd_dsa_state *s);
uint32_t gd_create_rasterizer(struct gd_context *ctx, const struct gd_rasterizer_state *s);
uint32_t gd_create_vertex_elements(struct gd_context *ctx, uint32_t count,
				   const struct gd_vertex_element *elems);
/** TGSI text for `stage` (VIRGL_SHADER_*); long texts are split over several commands. */
uint32_t gd_create_shader(struct gd_context *ctx, uint32_t stage, const char *tgsi);
uint32_t gd_create_sampler_state(struct gd_context *ctx, const struct gd_sampler_state *s);
uint32_t gd_create_sampler_view(struct gd_context *ctx, struct gd_resource *res,
				const struct gd_view_desc *v);
uint32_t gd_create_surface(struct gd_context *ctx, struct gd_resource *res,
			   const struct gd_view_desc *v);
/** A query (PIPE_QUERY_*) whose result the host writes into an internal buffer. */
uint32_t gd_create_query(struct gd_context *ctx, uint32_t type, uint32_t index);

/* ---- binding and destruction ---- */
/** Binds a BLEND, DSA, RASTERIZER or VERTEX_ELEMENTS object (0 unbinds). */
void gd_bind_object(struct gd_context *ctx, uint32_t type, uint32_t handle);
void gd_bind_shader(struct gd_context *ctx, uint32_t stage, uint32_t handle);
/** Destroys an object of this context (type: VIRGL_OBJECT_*, as created). */
void gd_delete(struct gd_context *ctx, uint32_t type, uint32_t handle);

/* ---- state ---- */
void gd_set_framebuffer(struct gd_context *ctx, uint32_t nr_cbufs, const uint32_t *cbufs,
			uint32_t zsbuf);
void gd_set_viewports(struct gd_context *ctx, uint32_t start, uint32_t count,
		      const struct gd_viewport *vp);
void gd_set_scissors(struct gd_context *ctx, uint32_t start, uint32_t count,
		     const struct gd_scissor *sc);
void gd_set_vertex_buffers(struct gd_context *ctx, uint32_t count,
			   const struct gd_vertex_buffer *vbs);
/** Inline constants for uniform block 0 of `stage` (SET_CONSTANT_BUFFER). */
void gd_set_constants(struct gd_context *ctx, uint32_t stage, const float *data, uint32_t count);
void gd_set_uniform_buffer(struct gd_context *ctx, uint32_t stage, uint32_t index,
			   struct gd_resource *res, uint32_t offset, uint32_t size);
void gd_set_sampler_views(struct gd_context *ctx, uint32_t stage, uint32_t start, uint32_t count,
			  const uint32_t *views);
void gd_bind_sampler_states(struct gd_context *ctx, uint32_t stage, uint32_t start, uint32_t count,
			    const uint32_t *samplers);
void gd_set_stencil_ref(struct gd_context *ctx, uint8_t front, uint8_t back);
void gd_set_blend_color(struct gd_context *ctx, const float color[4]);
void gd_set_sample_mask(struct gd_context *ctx, uint32_t mask);

/* ---- work ---- */
/** buffers: PIPE_CLEAR_* bits; color as 4 floats (ints are bit-cast by the caller). */
void gd_clear(struct gd_context *ctx, uint32_t buffers, const float color[4], double depth,
	      uint32_t stencil);
void gd_draw(struct gd_context *ctx, const struct gd_draw_info *info);
void gd_blit(struct gd_context *ctx, const struct gd_blit_info *info);
void gd_resource_copy_region(struct gd_context *ctx, struct gd_resource *dst, uint32_t dst_level,
			     uint32_t dstx, uint32_t dsty, uint32_t dstz, struct gd_resource *src,
			     uint32_t src_level, const struct gd_box *src_box);
void gd_begin_query(struct gd_context *ctx, uint32_t query);
void gd_end_query(struct gd_context *ctx, uint32_t query);
/** Reads a query result (flushing first); -EAGAIN when not ready and !wait. */
int gd_get_query_result(struct gd_context *ctx, uint32_t query, bool wait, uint64_t *result);

#endif /* GD_STATE_H */
