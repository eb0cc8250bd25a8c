/* pvgpu guest driver — guest-memory layout of resources (see gd_winsys.h). */
#include "gd_winsys.h"

#include "vgp_virgl_format.h"
#include "vr_format.h"

static uint32_t
minify(uint32_t size, uint32_t level)
{
	uint32_t s = level < 32 ? size >> level : 0;
	return s ? s : 1;
}

static uint64_t
level_slices(const struct gd_resource_desc *d, uint32_t level)
{
	switch (d->target) {
	case PIPE_TEXTURE_3D:
		return minify(d->depth, level);
	case PIPE_TEXTURE_CUBE:
		return 6;
	case PIPE_TEXTURE_1D_ARRAY:
	case PIPE_TEXTURE_2D_ARRAY:
	case PIPE_TEXTURE_CUBE_ARRAY:
		return d->array_size;
	default:
		return 1;
	}
}

/* Row bytes and rows of one slice of `level`; false for an unknown format. */
static bool
level_rows(const struct gd_resource_desc *d, uint32_t level, uint64_t *row, uint64_t *rows)
{
	if (d->target == PIPE_BUFFER) {
		*row = d->width;
		*rows = 1;
		return true;
	}
	const struct vr_format_info *fi = vr_format_get_texel(d->format);
	if (!fi) {
		return false;
	}
	*row = (uint64_t)minify(d->width, level) * fi->block_bytes;
	/* 1D arrays keep one row per layer: gallium puts the layer in y. */
	*rows = d->target == PIPE_TEXTURE_1D_ARRAY ? 1 : minify(d->height, level);
	return true;
}

bool
gd_resource_backing_size(const struct gd_resource_desc *desc, size_t *size)
{
	uint64_t total = 0;
	for (uint32_t l = 0; l <= desc->last_level && l < 32; l++) {
		uint64_t row, rows, bytes;
		if (!level_rows(desc, l, &row, &rows) ||
		    __builtin_mul_overflow(row, rows, &bytes) ||
		    __builtin_mul_overflow(bytes, level_slices(desc, l), &bytes) ||
		    __builtin_add_overflow(total, bytes, &total)) {
			return false;
		}
	}
	if (total > SIZE_MAX) {
		return false;
	}
	*size = (size_t)total;
	return true;
}

void
gd_resource_level_layout(const struct gd_resource_desc *desc, uint32_t level, uint32_t *stride,
			 uint32_t *layer_stride, uint64_t *level_offset)
{
	uint64_t offset = 0, row = 0, rows = 0;
	for (uint32_t l = 0; l < level; l++) {
		if (level_rows(desc, l, &row, &rows)) {
			offset += row * rows * level_slices(desc, l);
		}
	}
	if (!level_rows(desc, level, &row, &rows)) {
		row = rows = 0;
	}
	/* Callers created the resource, so gd_resource_backing_size bounded all of this. */
	*stride = (uint32_t)row;
	*layer_stride = (uint32_t)(row * rows);
	*level_offset = offset;
}
