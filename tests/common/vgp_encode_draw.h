/*
 * pvgpu tests — the draw / clear / copy / transfer / query half of the command
 * encoder. Include vgp_encode.h, not this file; it is split only for size.
 */
#ifndef VGP_ENCODE_DRAW_H
#define VGP_ENCODE_DRAW_H

#ifndef VGP_ENCODE_H
#error "include vgp_encode.h"
#endif

/* ------------------------------------------------------------ draw / copy */

/** CLEAR with float colour. buffers: bit0 depth, bit1 stencil, bit 2+i colour i. */
static inline void
vgp_enc_clear(struct vgp_enc *e, uint32_t buffers, const float color[4], double depth,
	      uint32_t stencil)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CLEAR, 0, VIRGL_CLEAR_SIZE);
	if (p) {
		uint64_t d;
		memcpy(&d, &depth, sizeof(d));
		p[1] = buffers;
		for (int i = 0; i < 4; i++) {
			p[2 + i] = vgp_enc_f2u(color[i]);
		}
		p[6] = (uint32_t)d;
		p[7] = (uint32_t)(d >> 32);
		p[8] = stencil;
	}
}

/** DRAW_VBO, 12-dword form (what Mesa 22.3 sends), max_index unknown. */
static inline void
vgp_enc_draw_vbo(struct vgp_enc *e, uint32_t start, uint32_t count, uint32_t mode, bool indexed)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_DRAW_VBO, 0, VIRGL_DRAW_VBO_SIZE);
	if (p) {
		p[1] = start;
		p[2] = count;
		p[3] = mode;
		p[4] = indexed;
		p[5] = 1;
		p[11] = 0xffffffffu;
	}
}

/** DRAW_VBO with every field; len must be 12, 14 or 20 (others encode a bad command). */
static inline void
vgp_enc_draw_vbo_full(struct vgp_enc *e, const struct vgp_enc_draw *d, uint32_t len)
{
	uint32_t v[20] = {
		d->start,
		d->count,
		d->mode,
		d->indexed,
		d->instance_count,
		(uint32_t)d->index_bias,
		d->start_instance,
		d->primitive_restart,
		d->restart_index,
		d->min_index,
		d->max_index,
		d->count_from_so,
		d->vertices_per_patch,
		d->drawid,
		d->indirect_res,
		d->indirect_offset,
		d->indirect_stride,
		d->indirect_draw_count,
		d->indirect_draw_count_offset,
		d->indirect_draw_count_res,
	};
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_DRAW_VBO, 0, len);
	if (p) {
		memcpy(&p[1], v, (size_t)(len < 20 ? len : 20) * 4);
	}
}

static inline void
vgp_enc_blit(struct vgp_enc *e, const struct vgp_enc_blit *b)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_BLIT, 0, VIRGL_BLIT_SIZE);
	if (p) {
		p[1] = (b->mask & 0xffu) | (b->filter & 3u) << 8 |
		       (b->scissor_enable ? 1u : 0u) << 10 |
		       (b->render_condition_enable ? 1u : 0u) << 11 |
		       (b->alpha_blend ? 1u : 0u) << 12;
		p[2] = b->scissor_minx | (uint32_t)b->scissor_miny << 16;
		p[3] = b->scissor_maxx | (uint32_t)b->scissor_maxy << 16;
		p[4] = b->dst_res;
		p[5] = b->dst_level;
		p[6] = b->dst_format;
		vgp_enc_box_at(&p[7], &b->dst_box);
		p[13] = b->src_res;
		p[14] = b->src_level;
		p[15] = b->src_format;
		vgp_enc_box_at(&p[16], &b->src_box);
	}
}

static inline void
vgp_enc_resource_copy_region(struct vgp_enc *e, uint32_t dst, uint32_t dst_level, uint32_t dstx,
			     uint32_t dsty, uint32_t dstz, uint32_t src, uint32_t src_level,
			     struct vgp_enc_box src_box)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_RESOURCE_COPY_REGION, 0, VIRGL_COPY_REGION_SIZE);
	if (p) {
		p[1] = dst;
		p[2] = dst_level;
		p[3] = dstx;
		p[4] = dsty;
		p[5] = dstz;
		p[6] = src;
		p[7] = src_level;
		vgp_enc_box_at(&p[8], &src_box);
	}
}

/** TRANSFER3D; direction VIRGL_TRANSFER_TO_HOST (1) or _FROM_HOST (2). */
static inline void
vgp_enc_transfer3d(struct vgp_enc *e, uint32_t res, uint32_t level, uint32_t stride,
		   uint32_t layer_stride, struct vgp_enc_box box, uint32_t offset,
		   uint32_t direction)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_TRANSFER3D, 0, VIRGL_TRANSFER3D_SIZE);
	if (p) {
		p[1] = res;
		p[2] = level;
		p[3] = 0; /* usage: ignored by hosts */
		p[4] = stride;
		p[5] = layer_stride;
		vgp_enc_box_at(&p[6], &box);
		p[12] = offset;
		p[13] = direction;
	}
}

static inline void
vgp_enc_copy_transfer3d(struct vgp_enc *e, uint32_t res, uint32_t level, uint32_t stride,
			uint32_t layer_stride, struct vgp_enc_box box, uint32_t src_res,
			uint32_t src_offset, uint32_t flags)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_COPY_TRANSFER3D, 0, VIRGL_COPY_TRANSFER3D_SIZE);
	if (p) {
		p[1] = res;
		p[2] = level;
		p[4] = stride;
		p[5] = layer_stride;
		vgp_enc_box_at(&p[6], &box);
		p[12] = src_res;
		p[13] = src_offset;
		p[14] = flags;
	}
}

/** RESOURCE_INLINE_WRITE of `nbytes` from `data` (padded to a dword). */
static inline void
vgp_enc_resource_inline_write(struct vgp_enc *e, uint32_t res, uint32_t level, uint32_t stride,
			      uint32_t layer_stride, struct vgp_enc_box box, const void *data,
			      uint32_t nbytes)
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_RESOURCE_INLINE_WRITE, 0,
				  VIRGL_INLINE_WRITE_HDR_SIZE + (nbytes + 3) / 4);
	if (p) {
		p[1] = res;
		p[2] = level;
		p[4] = stride;
		p[5] = layer_stride;
		vgp_enc_box_at(&p[6], &box);
		if (nbytes) {
			memcpy(&p[12], data, nbytes);
		}
	}
}

static inline void
vgp_enc_clear_texture(struct vgp_enc *e, uint32_t res, uint32_t level, struct vgp_enc_box box,
		      const uint32_t value[4])
{
	uint32_t *p = vgp_enc_cmd(e, VIRGL_CCMD_CLEAR_TEXTURE, 0, VIRGL_CLEAR_TEXTURE_SIZE);
	if (p) {
		p[1] = res;
		p[2] = level;
		p[3] = (uint32_t)box.x;
		p[4] = (uint32_t)box.y;
		p[5] = (uint32_t)box.z;
		p[6] = (uint32_t)box.w;
		p[7] = (uint32_t)box.h;
		p[8] = (uint32_t)box.d;
		memcpy(&p[9], value, 16);
	}
}

static inline void
vgp_enc_launch_grid(struct vgp_enc *e, const uint32_t block[3], const uint32_t grid[3],
		    uint32_t indirect_res, uint32_t indirect_offset)
{
	uint32_t v[8] = {block[0], block[1], block[2],     grid[0],
			 grid[1],  grid[2],  indirect_res, indirect_offset};
	vgp_enc_raw(e, VIRGL_CCMD_LAUNCH_GRID, 0, VIRGL_LAUNCH_GRID_SIZE, v);
}

/* ------------------------------------------------------------------ queries */

static inline void
vgp_enc_begin_query(struct vgp_enc *e, uint32_t handle)
{
	vgp_enc_raw(e, VIRGL_CCMD_BEGIN_QUERY, 0, 1, &handle);
}

static inline void
vgp_enc_end_query(struct vgp_enc *e, uint32_t handle)
{
	vgp_enc_raw(e, VIRGL_CCMD_END_QUERY, 0, 1, &handle);
}

static inline void
vgp_enc_get_query_result(struct vgp_enc *e, uint32_t handle, uint32_t wait)
{
	uint32_t v[2] = {handle, wait};
	vgp_enc_raw(e, VIRGL_CCMD_GET_QUERY_RESULT, 0, 2, v);
}

static inline void
vgp_enc_get_query_result_qbo(struct vgp_enc *e, uint32_t handle, uint32_t qbo, uint32_t wait,
			     uint32_t result_type, uint32_t offset, int32_t index)
{
	uint32_t v[6] = {handle, qbo, wait, result_type, offset, (uint32_t)index};
	vgp_enc_raw(e, VIRGL_CCMD_GET_QUERY_RESULT_QBO, 0, VIRGL_QUERY_RESULT_QBO_SIZE, v);
}

#endif /* VGP_ENCODE_DRAW_H */
