/*
 * pvgpu — decoded, validated forms of virgl objects and commands.
 *
 * The decoder (renderer/decode) produces these from guest dwords after checking
 * every length, range and id; the core stores object state in struct vr_object;
 * backends consume them and never see guest bytes. Resource and object references
 * in these structs are resolved pointers, never raw guest handles.
 */
#ifndef VR_STATE_H
#define VR_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "vgp_virgl_cmd.h"

struct vr_resource;
struct vr_object;

/* A box in texels (x, y, z) with extent (w, h, d). Blit boxes may have negative
 * extents (mirroring); transfer and copy boxes are validated non-negative. */
struct vr_box {
	int32_t x, y, z;
	int32_t w, h, d;
};

/* ---------------------------------------------------------------- objects */

struct vr_blend_rt {
	bool blend_enable;
	uint8_t rgb_func, rgb_src_factor, rgb_dst_factor;
	uint8_t alpha_func, alpha_src_factor, alpha_dst_factor;
	uint8_t colormask;
};

struct vr_blend_state {
	bool independent_blend_enable;
	bool logicop_enable;
	bool dither;
	bool alpha_to_coverage;
	bool alpha_to_one;
	uint8_t logicop_func;
	struct vr_blend_rt rt[VIRGL_MAX_COLOR_BUFS];
};

struct vr_rasterizer_state {
	uint32_t s0; /* raw bits, VIRGL_OBJ_RS_S0_* accessors */
	bool flatshade, depth_clip, clip_halfz, rasterizer_discard, flatshade_first;
	bool light_twoside, sprite_coord_mode, point_quad_rasterization;
	uint8_t cull_face, fill_front, fill_back;
	bool scissor, front_ccw, clamp_vertex_color, clamp_fragment_color;
	bool offset_line, offset_point, offset_tri, poly_smooth, poly_stipple_enable;
	bool point_smooth, point_size_per_vertex, multisample, line_smooth;
	bool line_stipple_enable, line_last_pixel, half_pixel_center, bottom_edge_rule;
	bool force_persample_interp;
	float point_size;
	uint32_t sprite_coord_enable;
	uint16_t line_stipple_pattern;
	uint8_t line_stipple_factor;
	uint8_t clip_plane_enable;
	float line_width, offset_units, offset_scale, offset_clamp;
};

struct vr_stencil_state {
	bool enabled;
	uint8_t func, fail_op, zpass_op, zfail_op;
	uint8_t valuemask, writemask;
};

struct vr_dsa_state {
	bool depth_enable, depth_writemask;
	uint8_t depth_func;
	bool alpha_enable;
	uint8_t alpha_func;
	float alpha_ref;
	struct vr_stencil_state stencil[2]; /* front, back */
};

struct vr_vertex_element {
	uint32_t src_offset;
	uint32_t instance_divisor;
	uint32_t vertex_buffer_index; /* < VIRGL_MAX_VERTEX_BUFFERS */
	uint32_t format;              /* valid virgl format */
};

struct vr_vertex_elements_state {
	uint32_t count; /* 1..VIRGL_MAX_VERTEX_ELEMENTS */
	struct vr_vertex_element elements[VIRGL_MAX_VERTEX_ELEMENTS];
};

struct vr_sampler_view_state {
	struct vr_resource *res; /* referenced (the object holds a ref) */
	uint32_t format;
	uint32_t target; /* PIPE_* target: explicit (TEXTURE_VIEW) or the resource's */
	/* textures */
	uint32_t first_layer, last_layer;
	uint32_t first_level, last_level;
	/* buffers (in elements of `format`) */
	uint32_t first_element, last_element;
	uint8_t swizzle[4]; /* PIPE_SWIZZLE_* */
};

struct vr_sampler_state {
	uint8_t wrap_s, wrap_t, wrap_r;
	uint8_t min_img_filter, min_mip_filter, mag_img_filter;
	bool compare_mode;
	uint8_t compare_func;
	bool seamless_cube_map;
	uint8_t max_anisotropy;
	float lod_bias, min_lod, max_lod;
	uint32_t border_color[4]; /* raw bits: float or int per the view's format */
};

struct vr_surface_state {
	struct vr_resource *res; /* referenced */
	uint32_t format;
	/* textures */
	uint32_t level;
	uint32_t first_layer, last_layer;
	/* buffers */
	uint32_t first_element, last_element;
	uint32_t nr_samples; /* MSAA_SURFACE only, else 0 */
};

struct vr_query_state {
	uint32_t type; /* pipe_query_type */
	uint32_t index;
	uint32_t offset;         /* byte offset of the vgp_query_result in res */
	struct vr_resource *res; /* referenced */
};

struct vr_so_target_state {
	struct vr_resource *res; /* referenced */
	uint32_t buffer_offset, buffer_size;
};

struct vr_so_output {
	uint8_t register_index, start_component, num_components, output_buffer;
	uint16_t dst_offset;
	uint8_t stream;
};

struct vr_shader_state {
	uint32_t stage; /* virgl_shader_stage */
	uint32_t num_tokens;
	uint32_t num_so_outputs;
	uint32_t so_stride[4];
	struct vr_so_output so_outputs[VIRGL_MAX_SO_OUTPUTS];
	/* TGSI text, NUL-terminated, `text_len` bytes including the NUL; owned by the
	 * object. Complete once received == text_len. */
	char *text;
	uint32_t text_len;
	uint32_t received;
};

/* --------------------------------------------------------------- commands */

struct vr_framebuffer_state {
	uint32_t nr_cbufs;                             /* <= VIRGL_MAX_COLOR_BUFS */
	struct vr_object *cbufs[VIRGL_MAX_COLOR_BUFS]; /* surfaces or NULL */
	struct vr_object *zsbuf;
};

struct vr_viewport {
	float scale[3];
	float translate[3];
};

struct vr_scissor {
	uint16_t minx, miny, maxx, maxy;
};

struct vr_vertex_buffer {
	uint32_t stride;
	uint32_t offset;
	struct vr_resource *res; /* NULL = unbound */
};

struct vr_index_buffer {
	struct vr_resource *res; /* NULL = unbound */
	uint32_t index_size;     /* 1, 2 or 4 (0 when unbound) */
	uint32_t offset;
};

struct vr_clear {
	uint32_t buffers; /* PIPE_CLEAR_* */
	union {
		float f[4];
		uint32_t ui[4];
		int32_t i[4];
	} color;
	double depth;
	uint32_t stencil;
};

struct vr_draw_info {
	uint32_t start, count, mode;
	bool indexed;
	uint32_t instance_count;
	int32_t index_bias;
	uint32_t start_instance;
	bool primitive_restart;
	uint32_t restart_index;
	uint32_t min_index, max_index;
	/* Draw auto when non-zero: Mesa sends the target's buffer_size, not its
	 * handle; the count comes from the last streamout target bound. */
	uint32_t count_from_so;
	uint32_t vertices_per_patch;
	uint32_t drawid;
	struct vr_resource *indirect;
	uint32_t indirect_offset, indirect_stride, indirect_draw_count;
	uint32_t indirect_draw_count_offset;
	struct vr_resource *indirect_draw_count_res;
};

struct vr_blit {
	uint32_t mask; /* PIPE_MASK_* */
	uint32_t filter;
	bool scissor_enable;
	bool render_condition_enable;
	bool alpha_blend;
	struct vr_scissor scissor;
	struct vr_resource *dst, *src;
	uint32_t dst_level, src_level;
	uint32_t dst_format, src_format;
	struct vr_box dst_box, src_box;
};

struct vr_copy_region {
	struct vr_resource *dst, *src;
	uint32_t dst_level, src_level;
	uint32_t dstx, dsty, dstz;
	struct vr_box src_box;
};

/*
 * GET_QUERY_RESULT_QBO, validated: the result (or its availability) of `query`
 * goes to bytes [offset, offset + 4 or 8) of buffer `res`, which fit in it.
 */
struct vr_query_qbo {
	struct vr_object *query;
	struct vr_resource *res;
	uint32_t offset;
	uint32_t result_type; /* enum pipe_query_value_type */
	int32_t index;        /* -1: write availability (0/1), else the result index */
	bool wait;            /* false: leave the bytes unchanged when not available */
};

/*
 * A validated transfer between a resource's GL object and guest memory. `data`
 * points at the first byte of the box in guest memory; rows are `stride` bytes
 * apart and layers/slices `layer_stride` bytes apart (both already resolved: a
 * zero from the guest means tight packing). The core has checked the box against
 * the level and every byte touched against the backing.
 */
struct vr_transfer {
	struct vr_resource *res;
	uint32_t level;
	struct vr_box box;
	uint32_t stride;
	uint32_t layer_stride;
	uint8_t *data;
	bool to_host; /* true: guest memory -> resource; false: resource -> guest memory */
};

#endif /* VR_STATE_H */
