/*
 * pvgpu — the virgl capability sets returned by GET_CAPS (capset 1, v1, 308 bytes)
 * and GET_CAPS2 (capset 2, v2, 1376 bytes). Offsets are fixed by the wire format
 * (virgl-wire.md §3.1) and checked below; v1 is the prefix of v2.
 */
#ifndef VGP_CAPS_H
#define VGP_CAPS_H

#include <stddef.h>
#include <stdint.h>

#define VIRGL_CAPSET_VIRGL 1
#define VIRGL_CAPSET_VIRGL2 2
#define VIRGL_CAPSET_VENUS 4
#define VIRGL_CAPSET_DRM 6

/* Bit f of word f/32 set <=> virgl format f supported. */
struct vgp_format_mask {
	uint32_t bitmask[16];
};

struct vgp_caps_v1 {
	uint32_t max_version;
	struct vgp_format_mask sampler;
	struct vgp_format_mask render;
	struct vgp_format_mask depthstencil;
	struct vgp_format_mask vertexbuffer;
	uint32_t bset; /* VGP_BSET_* */
	uint32_t glsl_level;
	uint32_t max_texture_array_layers;
	uint32_t max_streamout_buffers;
	uint32_t max_dual_source_render_targets;
	uint32_t max_render_targets;
	uint32_t max_samples;
	uint32_t prim_mask;
	uint32_t max_tbo_size;
	uint32_t max_uniform_blocks; /* includes constant buffer 0 */
	uint32_t max_viewports;
	uint32_t max_texture_gather_components;
};

struct vgp_video_cap {
	uint32_t words[4];
};

struct vgp_caps_v2 {
	struct vgp_caps_v1 v1;
	float min_aliased_point_size;
	float max_aliased_point_size;
	float min_smooth_point_size;
	float max_smooth_point_size;
	float min_aliased_line_width;
	float max_aliased_line_width;
	float min_smooth_line_width;
	float max_smooth_line_width;
	float max_texture_lod_bias;
	uint32_t max_geom_output_vertices;
	uint32_t max_geom_total_output_components;
	uint32_t max_vertex_outputs;
	uint32_t max_vertex_attribs;
	uint32_t max_shader_patch_varyings;
	int32_t min_texel_offset;
	int32_t max_texel_offset;
	int32_t min_texture_gather_offset;
	int32_t max_texture_gather_offset;
	uint32_t texture_buffer_offset_alignment;
	uint32_t uniform_buffer_offset_alignment;
	uint32_t shader_buffer_offset_alignment;
	uint32_t capability_bits; /* VIRGL_CAP_* */
	uint32_t sample_locations[8];
	uint32_t max_vertex_attrib_stride;
	uint32_t max_shader_buffer_frag_compute;
	uint32_t max_shader_buffer_other_stages;
	uint32_t max_shader_image_frag_compute;
	uint32_t max_shader_image_other_stages;
	uint32_t max_image_samples;
	uint32_t max_compute_work_group_invocations;
	uint32_t max_compute_shared_memory_size;
	uint32_t max_compute_grid_size[3];
	uint32_t max_compute_block_size[3];
	uint32_t max_texture_2d_size;
	uint32_t max_texture_3d_size;
	uint32_t max_texture_cube_size;
	uint32_t max_combined_shader_buffers;
	uint32_t max_atomic_counters[6];
	uint32_t max_atomic_counter_buffers[6];
	uint32_t max_combined_atomic_counters;
	uint32_t max_combined_atomic_counter_buffers;
	uint32_t host_feature_check_version;
	struct vgp_format_mask supported_readback_formats;
	struct vgp_format_mask scanout;
	uint32_t capability_bits_v2; /* VIRGL_CAP_V2_* */
	uint32_t max_video_memory;
	char renderer[64];
	float max_anisotropy;
	uint32_t max_texture_image_units;
	struct vgp_format_mask supported_multisample_formats;
	uint32_t max_const_buffer_size[6]; /* per virgl shader stage */
	uint32_t num_video_caps;
	struct vgp_video_cap video_caps[32];
	uint32_t max_uniform_block_size;
};

#define VGP_CAPS_V1_SIZE 308
#define VGP_CAPS_V2_SIZE 1376

_Static_assert(sizeof(struct vgp_caps_v1) == VGP_CAPS_V1_SIZE, "caps v1 size");
_Static_assert(sizeof(struct vgp_caps_v2) == VGP_CAPS_V2_SIZE, "caps v2 size");
_Static_assert(offsetof(struct vgp_caps_v1, sampler) == 4, "sampler mask");
_Static_assert(offsetof(struct vgp_caps_v1, render) == 68, "render mask");
_Static_assert(offsetof(struct vgp_caps_v1, depthstencil) == 132, "ds mask");
_Static_assert(offsetof(struct vgp_caps_v1, vertexbuffer) == 196, "vb mask");
_Static_assert(offsetof(struct vgp_caps_v1, bset) == 260, "bset");
_Static_assert(offsetof(struct vgp_caps_v1, glsl_level) == 264, "glsl_level");
_Static_assert(offsetof(struct vgp_caps_v1, max_render_targets) == 280, "rts");
_Static_assert(offsetof(struct vgp_caps_v1, prim_mask) == 288, "prim_mask");
_Static_assert(offsetof(struct vgp_caps_v1, max_uniform_blocks) == 296, "ubos");
_Static_assert(offsetof(struct vgp_caps_v1, max_texture_gather_components) == 304, "gather");
_Static_assert(offsetof(struct vgp_caps_v2, min_aliased_point_size) == 308, "points");
_Static_assert(offsetof(struct vgp_caps_v2, max_texture_lod_bias) == 340, "lod bias");
_Static_assert(offsetof(struct vgp_caps_v2, max_geom_output_vertices) == 344, "geom");
_Static_assert(offsetof(struct vgp_caps_v2, max_vertex_attribs) == 356, "attribs");
_Static_assert(offsetof(struct vgp_caps_v2, min_texel_offset) == 364, "texel off");
_Static_assert(offsetof(struct vgp_caps_v2, texture_buffer_offset_alignment) == 380, "tbo al");
_Static_assert(offsetof(struct vgp_caps_v2, capability_bits) == 392, "capability_bits");
_Static_assert(offsetof(struct vgp_caps_v2, sample_locations) == 396, "sample locs");
_Static_assert(offsetof(struct vgp_caps_v2, max_vertex_attrib_stride) == 428, "stride");
_Static_assert(offsetof(struct vgp_caps_v2, max_shader_buffer_frag_compute) == 432, "ssbo");
_Static_assert(offsetof(struct vgp_caps_v2, max_image_samples) == 448, "img samples");
_Static_assert(offsetof(struct vgp_caps_v2, max_compute_work_group_invocations) == 452, "cs");
_Static_assert(offsetof(struct vgp_caps_v2, max_compute_grid_size) == 460, "grid");
_Static_assert(offsetof(struct vgp_caps_v2, max_compute_block_size) == 472, "block");
_Static_assert(offsetof(struct vgp_caps_v2, max_texture_2d_size) == 484, "2d size");
_Static_assert(offsetof(struct vgp_caps_v2, max_combined_shader_buffers) == 496, "comb ssbo");
_Static_assert(offsetof(struct vgp_caps_v2, max_atomic_counters) == 500, "atomics");
_Static_assert(offsetof(struct vgp_caps_v2, max_atomic_counter_buffers) == 524, "atomic bufs");
_Static_assert(offsetof(struct vgp_caps_v2, max_combined_atomic_counters) == 548, "comb at");
_Static_assert(offsetof(struct vgp_caps_v2, host_feature_check_version) == 556, "hfcv");
_Static_assert(offsetof(struct vgp_caps_v2, supported_readback_formats) == 560, "readback");
_Static_assert(offsetof(struct vgp_caps_v2, scanout) == 624, "scanout");
_Static_assert(offsetof(struct vgp_caps_v2, capability_bits_v2) == 688, "capbits v2");
_Static_assert(offsetof(struct vgp_caps_v2, max_video_memory) == 692, "video mem");
_Static_assert(offsetof(struct vgp_caps_v2, renderer) == 696, "renderer");
_Static_assert(offsetof(struct vgp_caps_v2, max_anisotropy) == 760, "aniso");
_Static_assert(offsetof(struct vgp_caps_v2, max_texture_image_units) == 764, "tex units");
_Static_assert(offsetof(struct vgp_caps_v2, supported_multisample_formats) == 768, "ms fmts");
_Static_assert(offsetof(struct vgp_caps_v2, max_const_buffer_size) == 832, "cbuf size");
_Static_assert(offsetof(struct vgp_caps_v2, num_video_caps) == 856, "video caps n");
_Static_assert(offsetof(struct vgp_caps_v2, video_caps) == 860, "video caps");
_Static_assert(offsetof(struct vgp_caps_v2, max_uniform_block_size) == 1372, "ubo size");

/* bset bits (v1.bset), bit 0 first. */
enum vgp_bset_bit {
	VGP_BSET_INDEP_BLEND_ENABLE = 0,
	VGP_BSET_INDEP_BLEND_FUNC = 1,
	VGP_BSET_CUBE_MAP_ARRAY = 2,
	VGP_BSET_SHADER_STENCIL_EXPORT = 3,
	VGP_BSET_CONDITIONAL_RENDER = 4,
	VGP_BSET_START_INSTANCE = 5,
	VGP_BSET_PRIMITIVE_RESTART = 6,
	VGP_BSET_BLEND_EQ_SEP = 7,
	VGP_BSET_INSTANCEID = 8,
	VGP_BSET_VERTEX_ELEMENT_INSTANCE_DIVISOR = 9,
	VGP_BSET_SEAMLESS_CUBE_MAP = 10,
	VGP_BSET_OCCLUSION_QUERY = 11,
	VGP_BSET_TIMER_QUERY = 12,
	VGP_BSET_STREAMOUT_PAUSE_RESUME = 13,
	VGP_BSET_TEXTURE_MULTISAMPLE = 14,
	VGP_BSET_FRAGMENT_COORD_CONVENTIONS = 15,
	VGP_BSET_DEPTH_CLIP_DISABLE = 16,
	VGP_BSET_SEAMLESS_CUBE_MAP_PER_TEXTURE = 17,
	VGP_BSET_UBO = 18,
	VGP_BSET_COLOR_CLAMPING = 19,
	VGP_BSET_POLY_STIPPLE = 20,
	VGP_BSET_MIRROR_CLAMP = 21,
	VGP_BSET_TEXTURE_QUERY_LOD = 22,
	VGP_BSET_HAS_FP64 = 23,
	VGP_BSET_HAS_TESSELLATION_SHADERS = 24,
	VGP_BSET_HAS_INDIRECT_DRAW = 25,
	VGP_BSET_HAS_SAMPLE_SHADING = 26,
	VGP_BSET_HAS_CULL = 27,
	VGP_BSET_CONDITIONAL_RENDER_INVERTED = 28,
	VGP_BSET_DERIVATIVE_CONTROL = 29,
	VGP_BSET_POLYGON_OFFSET_CLAMP = 30,
	VGP_BSET_TRANSFORM_FEEDBACK_OVERFLOW_QUERY = 31,
};

/* capability_bits */
#define VIRGL_CAP_TGSI_INVARIANT (1u << 0)
#define VIRGL_CAP_TEXTURE_VIEW (1u << 1)
#define VIRGL_CAP_SET_MIN_SAMPLES (1u << 2)
#define VIRGL_CAP_COPY_IMAGE (1u << 3)
#define VIRGL_CAP_TGSI_PRECISE (1u << 4)
#define VIRGL_CAP_TXQS (1u << 5)
#define VIRGL_CAP_MEMORY_BARRIER (1u << 6)
#define VIRGL_CAP_COMPUTE_SHADER (1u << 7)
#define VIRGL_CAP_FB_NO_ATTACH (1u << 8)
#define VIRGL_CAP_ROBUST_BUFFER_ACCESS (1u << 9)
#define VIRGL_CAP_TGSI_FBFETCH (1u << 10)
#define VIRGL_CAP_SHADER_CLOCK (1u << 11)
#define VIRGL_CAP_TEXTURE_BARRIER (1u << 12)
#define VIRGL_CAP_TGSI_COMPONENTS (1u << 13)
#define VIRGL_CAP_GUEST_MAY_INIT_LOG (1u << 14)
#define VIRGL_CAP_SRGB_WRITE_CONTROL (1u << 15)
#define VIRGL_CAP_QBO (1u << 16)
#define VIRGL_CAP_TRANSFER (1u << 17)
#define VIRGL_CAP_FBO_MIXED_COLOR_FORMATS (1u << 18)
#define VIRGL_CAP_HOST_IS_GLES (1u << 19)
#define VIRGL_CAP_BIND_COMMAND_ARGS (1u << 20)
#define VIRGL_CAP_MULTI_DRAW_INDIRECT (1u << 21)
#define VIRGL_CAP_INDIRECT_PARAMS (1u << 22)
#define VIRGL_CAP_TRANSFORM_FEEDBACK3 (1u << 23)
#define VIRGL_CAP_3D_ASTC (1u << 24)
#define VIRGL_CAP_INDIRECT_INPUT_ADDR (1u << 25)
#define VIRGL_CAP_COPY_TRANSFER (1u << 26)
#define VIRGL_CAP_CLIP_HALFZ (1u << 27)
#define VIRGL_CAP_APP_TWEAK_SUPPORT (1u << 28)
#define VIRGL_CAP_BGRA_SRGB_IS_EMULATED (1u << 29)
#define VIRGL_CAP_CLEAR_TEXTURE (1u << 30)
#define VIRGL_CAP_ARB_BUFFER_STORAGE (1u << 31)

/* capability_bits_v2 */
#define VIRGL_CAP_V2_BLEND_EQUATION (1u << 0)
#define VIRGL_CAP_V2_UNTYPED_RESOURCE (1u << 1)
#define VIRGL_CAP_V2_VIDEO_MEMORY (1u << 2)
#define VIRGL_CAP_V2_MEMINFO (1u << 3)
#define VIRGL_CAP_V2_STRING_MARKER (1u << 4)
#define VIRGL_CAP_V2_DIFFERENT_GPU (1u << 5)
#define VIRGL_CAP_V2_IMPLICIT_MSAA (1u << 6)
#define VIRGL_CAP_V2_COPY_TRANSFER_BOTH_DIRECTIONS (1u << 7)
#define VIRGL_CAP_V2_SCANOUT_USES_GBM (1u << 8)
#define VIRGL_CAP_V2_SSO (1u << 9)
#define VIRGL_CAP_V2_TEXTURE_SHADOW_LOD (1u << 10)

#endif /* VGP_CAPS_H */
