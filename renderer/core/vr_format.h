/*
 * pvgpu — backend-independent facts about virgl formats: block size and kind.
 * Used by the core to validate transfers and resource sizes; the GL backend has
 * its own table mapping formats to GL. Read-only data, any thread.
 */
#ifndef VR_FORMAT_H
#define VR_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

enum vr_format_kind {
	VR_FMT_UNORM = 0, /* also snorm/float/srgb: "normalised or float colour" */
	VR_FMT_UINT,
	VR_FMT_SINT,
	VR_FMT_DEPTH, /* depth only */
	VR_FMT_DEPTH_STENCIL,
	VR_FMT_STENCIL,
};

struct vr_format_info {
	uint8_t block_bytes; /* bytes per texel (0 = unknown format) */
	uint8_t kind;        /* enum vr_format_kind */
	bool vertex_only;    /* scaled/fixed formats: vertex fetch only, never resources */
};

/** Info for a virgl format, or NULL when pvgpu does not know it (or out of range). */
const struct vr_format_info *vr_format_get(uint32_t format);

/** Like vr_format_get, but NULL for vertex-only formats: textures, views, surfaces. */
static inline const struct vr_format_info *
vr_format_get_texel(uint32_t format)
{
	const struct vr_format_info *fi = vr_format_get(format);
	return fi && !fi->vertex_only ? fi : NULL;
}

static inline bool
vr_format_is_depth_or_stencil(const struct vr_format_info *fi)
{
	return fi->kind >= VR_FMT_DEPTH;
}

static inline bool
vr_format_is_integer(const struct vr_format_info *fi)
{
	return fi->kind == VR_FMT_UINT || fi->kind == VR_FMT_SINT;
}

#endif /* VR_FORMAT_H */
