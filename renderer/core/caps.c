/* pvgpu — the advertised caps profile (see vr_caps.h). */
#include <string.h>

#include "vgp_gallium.h"
#include "vr_caps.h"
#include "vr_core.h"

#define BIT(b) (1u << (b))

void
vr_caps_init_profile(struct vgp_caps_v2 *caps)
{
	memset(caps, 0, sizeof(*caps));
	struct vgp_caps_v1 *v1 = &caps->v1;
	v1->max_version = 2;
	/* Features Mesa needs for GL 3.3 core/compat and GLES 3.0 (mesa-usage.md §5). */
	v1->bset = BIT(VGP_BSET_INDEP_BLEND_ENABLE) | BIT(VGP_BSET_CONDITIONAL_RENDER) |
		   BIT(VGP_BSET_PRIMITIVE_RESTART) | BIT(VGP_BSET_SEAMLESS_CUBE_MAP) |
		   BIT(VGP_BSET_OCCLUSION_QUERY) | BIT(VGP_BSET_TEXTURE_MULTISAMPLE) |
		   BIT(VGP_BSET_DEPTH_CLIP_DISABLE) |
		   /* Implemented and tested by the GL backend's draw path
		    * (tests/render/test_gl_draw.c). */
		   BIT(VGP_BSET_BLEND_EQ_SEP) | BIT(VGP_BSET_VERTEX_ELEMENT_INSTANCE_DIVISOR) |
		   BIT(VGP_BSET_TIMER_QUERY) |
		   /* Stream output pause/resume (append) and interleaving into several
		    * buffers: tests/render/test_gl_streamout.c. */
		   BIT(VGP_BSET_STREAMOUT_PAUSE_RESUME);
	v1->glsl_level = 330;
	v1->max_texture_array_layers = 256;
	v1->max_streamout_buffers = 4;
	v1->max_dual_source_render_targets = 1;
	v1->max_render_targets = 8;
	v1->max_samples = 4;
	/* No QUADS / QUAD_STRIP / POLYGON: Mesa converts them. */
	v1->prim_mask = 0x7C7F;
	v1->max_tbo_size = 65536;
	v1->max_uniform_blocks = 13; /* 12 UBOs + constant buffer 0 */
	v1->max_viewports = 1;
	v1->max_texture_gather_components = 0;

	caps->min_aliased_point_size = 1.0f;
	caps->max_aliased_point_size = 255.0f;
	caps->min_smooth_point_size = 1.0f;
	caps->max_smooth_point_size = 255.0f;
	caps->min_aliased_line_width = 1.0f;
	caps->max_aliased_line_width = 255.0f;
	caps->min_smooth_line_width = 1.0f;
	caps->max_smooth_line_width = 255.0f;
	caps->max_texture_lod_bias = 16.0f;
	caps->max_geom_output_vertices = 256;
	caps->max_geom_total_output_components = 1024;
	caps->max_vertex_outputs = 32;
	caps->max_vertex_attribs = 16;
	caps->min_texel_offset = -8;
	caps->max_texel_offset = 7;
	caps->texture_buffer_offset_alignment = 16;
	caps->uniform_buffer_offset_alignment = 16;
	caps->shader_buffer_offset_alignment = 16;
	/* sRGB write control is needed for GL >= 3.0; TRANSFER is deliberately off so
	 * uploads arrive as TRANSFER_PUT2 without the 1024-dword pad per submit. */
	caps->capability_bits = VIRGL_CAP_SRGB_WRITE_CONTROL;
	caps->max_vertex_attrib_stride = 2048;
	caps->max_texture_2d_size = VR_MAX_TEXTURE_SIZE;
	caps->max_texture_3d_size = VR_MAX_TEXTURE_3D_SIZE;
	caps->max_texture_cube_size = VR_MAX_TEXTURE_SIZE;
	caps->host_feature_check_version = 15;
	caps->capability_bits_v2 = 0;
	strncpy(caps->renderer, "pvgpu", sizeof(caps->renderer) - 1);
	caps->max_anisotropy = 1.0f;
	caps->max_texture_image_units = 16;
	for (int s = 0; s < 6; s++) {
		caps->max_const_buffer_size[s] = 4096 * 16; /* bytes: 4096 vec4 */
	}
	caps->max_uniform_block_size = 65536;
}
