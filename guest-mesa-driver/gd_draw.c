/* pvgpu guest driver — bindings, state and work commands (virgl-wire.md §2). */
#include <errno.h>
#include <string.h>

#include "gd_priv.h"

void
gd_set_framebuffer(struct gd_context *ctx, uint32_t nr_cbufs, const uint32_t *cbufs, uint32_t zsbuf)
{
	if (nr_cbufs > VIRGL_MAX_COLOR_BUFS) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_FRAMEBUFFER_STATE, 0, 2 + nr_cbufs);
	if (p) {
		p[1] = nr_cbufs;
		p[2] = zsbuf;
		for (uint32_t i = 0; i < nr_cbufs; i++) {
			p[3 + i] = cbufs[i];
		}
	}
}

void
gd_set_viewports(struct gd_context *ctx, uint32_t start, uint32_t count,
		 const struct gd_viewport *vp)
{
	if (start >= VIRGL_MAX_VIEWPORTS || count > VIRGL_MAX_VIEWPORTS - start) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_VIEWPORT_STATE, 0, 1 + 6 * count);
	if (!p) {
		return;
	}
	p[1] = start;
	for (uint32_t i = 0; i < count; i++) {
		for (int c = 0; c < 3; c++) {
			p[2 + 6 * i + c] = gd_f2u(vp[i].scale[c]);
			p[5 + 6 * i + c] = gd_f2u(vp[i].translate[c]);
		}
	}
}

void
gd_set_scissors(struct gd_context *ctx, uint32_t start, uint32_t count, const struct gd_scissor *sc)
{
	if (start >= VIRGL_MAX_VIEWPORTS || count > VIRGL_MAX_VIEWPORTS - start) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_SCISSOR_STATE, 0, 1 + 2 * count);
	if (!p) {
		return;
	}
	p[1] = start;
	for (uint32_t i = 0; i < count; i++) {
		p[2 + 2 * i] = sc[i].minx | (uint32_t)sc[i].miny << 16;
		p[3 + 2 * i] = sc[i].maxx | (uint32_t)sc[i].maxy << 16;
	}
}

void
gd_set_vertex_buffers(struct gd_context *ctx, uint32_t count, const struct gd_vertex_buffer *vbs)
{
	if (count > VIRGL_MAX_VERTEX_BUFFERS) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_VERTEX_BUFFERS, 0, 3 * count);
	for (uint32_t i = 0; p && i < count; i++) {
		p[1 + 3 * i] = vbs[i].stride;
		p[2 + 3 * i] = vbs[i].offset;
		p[3 + 3 * i] = gd_res_use(ctx, vbs[i].res);
	}
}

void
gd_set_constants(struct gd_context *ctx, uint32_t stage, const float *data, uint32_t count)
{
	if (stage >= VIRGL_SHADER_STAGES || count > 4096 * 4) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_CONSTANT_BUFFER, 0, 2 + count);
	if (p) {
		p[1] = stage;
		p[2] = 0; /* index: always uniform block 0 */
		if (count) {
			memcpy(&p[3], data, (size_t)count * 4);
		}
	}
}

void
gd_set_uniform_buffer(struct gd_context *ctx, uint32_t stage, uint32_t index,
		      struct gd_resource *res, uint32_t offset, uint32_t size)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_UNIFORM_BUFFER, 0, VIRGL_SET_UNIFORM_BUFFER_SIZE);
	if (p) {
		p[1] = stage;
		p[2] = index;
		p[3] = offset;
		p[4] = size;
		p[5] = gd_res_use(ctx, res);
	}
}

/* SET_SAMPLER_VIEWS / BIND_SAMPLER_STATES: {stage, start, handles[count]}. */
static void
stage_handles(struct gd_context *ctx, uint32_t op, uint32_t stage, uint32_t start, uint32_t count,
	      const uint32_t *handles, uint32_t max)
{
	if (stage >= VIRGL_SHADER_STAGES || start >= max || count > max - start) {
		gd_ctx_fail(ctx, -EINVAL);
		return;
	}
	uint32_t *p = gd_cmd(ctx, op, 0, 2 + count);
	if (p) {
		p[1] = stage;
		p[2] = start;
		for (uint32_t i = 0; i < count; i++) {
			p[3 + i] = handles ? handles[i] : 0;
		}
	}
}

void
gd_set_sampler_views(struct gd_context *ctx, uint32_t stage, uint32_t start, uint32_t count,
		     const uint32_t *views)
{
	stage_handles(ctx, VIRGL_CCMD_SET_SAMPLER_VIEWS, stage, start, count, views,
		      VIRGL_MAX_SAMPLER_VIEWS);
}

void
gd_bind_sampler_states(struct gd_context *ctx, uint32_t stage, uint32_t start, uint32_t count,
		       const uint32_t *samplers)
{
	stage_handles(ctx, VIRGL_CCMD_BIND_SAMPLER_STATES, stage, start, count, samplers,
		      VIRGL_MAX_SAMPLERS);
}

void
gd_set_stencil_ref(struct gd_context *ctx, uint8_t front, uint8_t back)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_STENCIL_REF, 0, 1);
	if (p) {
		p[1] = front | (uint32_t)back << 8;
	}
}

void
gd_set_blend_color(struct gd_context *ctx, const float color[4])
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_BLEND_COLOR, 0, VIRGL_SET_BLEND_COLOR_SIZE);
	for (int i = 0; p && i < 4; i++) {
		p[1 + i] = gd_f2u(color[i]);
	}
}

void
gd_set_sample_mask(struct gd_context *ctx, uint32_t mask)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_SET_SAMPLE_MASK, 0, 1);
	if (p) {
		p[1] = mask;
	}
}

void
gd_clear(struct gd_context *ctx, uint32_t buffers, const float color[4], double depth,
	 uint32_t stencil)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_CLEAR, 0, VIRGL_CLEAR_SIZE);
	if (!p) {
		return;
	}
	uint64_t d;
	memcpy(&d, &depth, sizeof(d));
	p[1] = buffers;
	for (int i = 0; i < 4; i++) {
		p[2 + i] = gd_f2u(color[i]);
	}
	p[6] = (uint32_t)d;
	p[7] = (uint32_t)(d >> 32);
	p[8] = stencil;
}

void
gd_draw(struct gd_context *ctx, const struct gd_draw_info *info)
{
	if (info->indexed) {
		if (!info->index_buffer ||
		    (info->index_size != 1 && info->index_size != 2 && info->index_size != 4)) {
			gd_ctx_fail(ctx, -EINVAL);
			return;
		}
		uint32_t *ib = gd_cmd(ctx, VIRGL_CCMD_SET_INDEX_BUFFER, 0, 3);
		if (ib) {
			ib[1] = gd_res_use(ctx, info->index_buffer);
			ib[2] = info->index_size;
			ib[3] = info->index_offset;
		}
	}
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_DRAW_VBO, 0, VIRGL_DRAW_VBO_SIZE);
	if (!p) {
		return;
	}
	bool whole = info->min_index == 0 && info->max_index == 0;
	p[VIRGL_DRAW_VBO_START] = info->start;
	p[VIRGL_DRAW_VBO_COUNT] = info->count;
	p[VIRGL_DRAW_VBO_MODE] = info->mode;
	p[VIRGL_DRAW_VBO_INDEXED] = info->indexed;
	p[VIRGL_DRAW_VBO_INSTANCE_COUNT] = info->instance_count ? info->instance_count : 1;
	p[VIRGL_DRAW_VBO_INDEX_BIAS] = (uint32_t)info->index_bias;
	p[VIRGL_DRAW_VBO_START_INSTANCE] = info->start_instance;
	p[VIRGL_DRAW_VBO_PRIMITIVE_RESTART] = info->primitive_restart;
	p[VIRGL_DRAW_VBO_RESTART_INDEX] = info->restart_index;
	p[VIRGL_DRAW_VBO_MIN_INDEX] = info->min_index;
	p[VIRGL_DRAW_VBO_MAX_INDEX] = whole ? 0xffffffffu : info->max_index;
}

void
gd_blit(struct gd_context *ctx, const struct gd_blit_info *bl)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_BLIT, 0, VIRGL_BLIT_SIZE);
	if (!p) {
		return;
	}
	p[1] = (bl->mask & 0xffu) | (bl->filter & 3u) << 8 | (bl->scissor_enable ? 1u : 0u) << 10;
	p[2] = bl->scissor.minx | (uint32_t)bl->scissor.miny << 16;
	p[3] = bl->scissor.maxx | (uint32_t)bl->scissor.maxy << 16;
	p[4] = gd_res_use(ctx, bl->dst);
	p[5] = bl->dst_level;
	p[6] = bl->dst_format;
	gd_put_box(&p[7], &bl->dst_box);
	p[13] = gd_res_use(ctx, bl->src);
	p[14] = bl->src_level;
	p[15] = bl->src_format;
	gd_put_box(&p[16], &bl->src_box);
}

void
gd_resource_copy_region(struct gd_context *ctx, struct gd_resource *dst, uint32_t dst_level,
			uint32_t dstx, uint32_t dsty, uint32_t dstz, struct gd_resource *src,
			uint32_t src_level, const struct gd_box *src_box)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_RESOURCE_COPY_REGION, 0, VIRGL_COPY_REGION_SIZE);
	if (!p) {
		return;
	}
	p[1] = gd_res_use(ctx, dst);
	p[2] = dst_level;
	p[3] = dstx;
	p[4] = dsty;
	p[5] = dstz;
	p[6] = gd_res_use(ctx, src);
	p[7] = src_level;
	gd_put_box(&p[8], src_box);
}
