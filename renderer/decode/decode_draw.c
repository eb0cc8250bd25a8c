/*
 * pvgpu — clears, draws, blits, copies, compute dispatch and queries
 * (virgl-wire.md §2.3). Boxes are checked against the resource levels here so
 * backends can trust every coordinate they receive.
 */
#include "decode_priv.h"

bool
decode_clear(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_clear c;
	c.buffers = cmd[VIRGL_CLEAR_BUFFERS];
	for (int i = 0; i < 4; i++) {
		c.color.ui[i] = cmd[VIRGL_CLEAR_COLOR_0 + i];
	}
	uint64_t d = (uint64_t)cmd[VIRGL_CLEAR_DEPTH_HI] << 32 | cmd[VIRGL_CLEAR_DEPTH_LO];
	memcpy(&c.depth, &d, sizeof(c.depth));
	c.stencil = cmd[VIRGL_CLEAR_STENCIL];
	if (!BCTX_SLOT(ctx, clear)) {
		decode_unsupported(ctx, "CLEAR");
		return true;
	}
	return ctx->bctx->impl->clear(ctx->bctx, &c);
}

bool
decode_clear_texture(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_resource *res;
	struct vr_box box;
	uint32_t level = cmd[2];
	if (!decode_resource(ctx, cmd[1], false, "CLEAR_TEXTURE", &res)) {
		return false;
	}
	dw_box(&cmd[3], &box);
	if (!vr_resource_box_valid(res, level, &box)) {
		vr_ctx_error(ctx, "CLEAR_TEXTURE: level %u box outside resource %u", level, cmd[1]);
		return false;
	}
	if (!BCTX_SLOT(ctx, clear_texture)) {
		decode_unsupported(ctx, "CLEAR_TEXTURE");
		return true;
	}
	return ctx->bctx->impl->clear_texture(ctx->bctx, res, level, &box, &cmd[9]);
}

bool
decode_draw_vbo(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (len != VIRGL_DRAW_VBO_SIZE && len != VIRGL_DRAW_VBO_SIZE_TESS &&
	    len != VIRGL_DRAW_VBO_SIZE_INDIRECT) {
		vr_ctx_error(ctx, "DRAW_VBO: bad length %u", len);
		return false;
	}
	struct vr_draw_info d = {0};
	d.start = cmd[VIRGL_DRAW_VBO_START];
	d.count = cmd[VIRGL_DRAW_VBO_COUNT];
	d.mode = cmd[VIRGL_DRAW_VBO_MODE];
	d.indexed = cmd[VIRGL_DRAW_VBO_INDEXED] != 0;
	d.instance_count = cmd[VIRGL_DRAW_VBO_INSTANCE_COUNT];
	d.index_bias = (int32_t)cmd[VIRGL_DRAW_VBO_INDEX_BIAS];
	d.start_instance = cmd[VIRGL_DRAW_VBO_START_INSTANCE];
	d.primitive_restart = cmd[VIRGL_DRAW_VBO_PRIMITIVE_RESTART] != 0;
	d.restart_index = cmd[VIRGL_DRAW_VBO_RESTART_INDEX];
	d.min_index = cmd[VIRGL_DRAW_VBO_MIN_INDEX];
	d.max_index = cmd[VIRGL_DRAW_VBO_MAX_INDEX];
	d.count_from_so = cmd[VIRGL_DRAW_VBO_COUNT_FROM_SO];
	if (d.mode >= PIPE_PRIM_MAX) {
		vr_ctx_error(ctx, "DRAW_VBO: bad primitive mode %u", d.mode);
		return false;
	}
	uint64_t invocations = (uint64_t)d.count * (d.instance_count ? d.instance_count : 1);
	if (invocations > VR_MAX_DRAW_INVOCATIONS) {
		vr_ctx_error(ctx,
			     "DRAW_VBO: %u vertices x %u instances is above the per-draw cap "
			     "(VR_MAX_DRAW_INVOCATIONS %llu)",
			     d.count, d.instance_count,
			     (unsigned long long)VR_MAX_DRAW_INVOCATIONS);
		return false;
	}
	if (len >= VIRGL_DRAW_VBO_SIZE_TESS) {
		d.vertices_per_patch = cmd[VIRGL_DRAW_VBO_VERTICES_PER_PATCH];
		d.drawid = cmd[VIRGL_DRAW_VBO_DRAWID];
	}
	if (len == VIRGL_DRAW_VBO_SIZE_INDIRECT) {
		d.indirect_offset = cmd[VIRGL_DRAW_VBO_INDIRECT_OFFSET];
		d.indirect_stride = cmd[VIRGL_DRAW_VBO_INDIRECT_STRIDE];
		d.indirect_draw_count = cmd[VIRGL_DRAW_VBO_INDIRECT_DRAW_COUNT];
		d.indirect_draw_count_offset = cmd[VIRGL_DRAW_VBO_INDIRECT_DRAW_COUNT_OFFSET];
		if (!decode_resource(ctx, cmd[VIRGL_DRAW_VBO_INDIRECT_HANDLE], true,
				     "DRAW_VBO indirect", &d.indirect) ||
		    !decode_resource(ctx, cmd[VIRGL_DRAW_VBO_INDIRECT_DRAW_COUNT_HANDLE], true,
				     "DRAW_VBO draw count", &d.indirect_draw_count_res)) {
			return false;
		}
	}
	if (!BCTX_SLOT(ctx, draw_vbo)) {
		decode_unsupported(ctx, "DRAW_VBO");
		return true;
	}
	return ctx->bctx->impl->draw_vbo(ctx->bctx, &d);
}

/* Bound for blit x/y coordinates: keeps every sum a backend forms inside int32. */
#define BLIT_COORD_MAX (1 << 24)

/*
 * A blit box may be mirrored (negative extent), and its x/y span may leave the
 * level: GL clips such blits, and Mesa sends them for scaled blits whose source
 * rectangle reaches past the edge (piglit fbo-blit-scaled-linear). What must hold
 * is the level, the layers (they pick attachments), and magnitudes that cannot
 * overflow.
 */
static bool
blit_box_valid(const struct vr_resource *res, uint32_t level, const struct vr_box *b)
{
	struct vr_box n = *b;
	if (n.w < 0) {
		n.x = (int32_t)((int64_t)n.x + n.w);
		n.w = (int32_t) - (int64_t)n.w;
	}
	if (n.h < 0) {
		n.y = (int32_t)((int64_t)n.y + n.h);
		n.h = (int32_t) - (int64_t)n.h;
	}
	if (n.d < 0) {
		n.z = (int32_t)((int64_t)n.z + n.d);
		n.d = (int32_t) - (int64_t)n.d;
	}
	if (n.x < -BLIT_COORD_MAX || n.x > BLIT_COORD_MAX || n.w > BLIT_COORD_MAX ||
	    n.y < -BLIT_COORD_MAX || n.y > BLIT_COORD_MAX || n.h > BLIT_COORD_MAX) {
		return false;
	}
	/* 1D arrays keep their layers in y: check them exactly. */
	struct vr_box layers = {.x = 0, .y = 0, .z = n.z, .w = 1, .h = 1, .d = n.d};
	if (res->desc.target == PIPE_TEXTURE_1D_ARRAY) {
		layers.y = n.y;
		layers.h = n.h;
	}
	return vr_resource_box_valid(res, level, &layers);
}

bool
decode_blit(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_blit b = {0};
	uint32_t s0 = cmd[VIRGL_BLIT_S0];
	b.mask = VIRGL_BLIT_S0_MASK(s0);
	b.filter = VIRGL_BLIT_S0_FILTER(s0);
	b.scissor_enable = VIRGL_BLIT_S0_SCISSOR_ENABLE(s0);
	b.render_condition_enable = VIRGL_BLIT_S0_RENDER_CONDITION_ENABLE(s0);
	b.alpha_blend = VIRGL_BLIT_S0_ALPHA_BLEND(s0);
	b.scissor.minx = cmd[VIRGL_BLIT_SCISSOR_MINXY] & 0xffffu;
	b.scissor.miny = cmd[VIRGL_BLIT_SCISSOR_MINXY] >> 16;
	b.scissor.maxx = cmd[VIRGL_BLIT_SCISSOR_MAXXY] & 0xffffu;
	b.scissor.maxy = cmd[VIRGL_BLIT_SCISSOR_MAXXY] >> 16;
	b.dst_level = cmd[VIRGL_BLIT_DST_LEVEL];
	b.dst_format = cmd[VIRGL_BLIT_DST_FORMAT];
	b.src_level = cmd[VIRGL_BLIT_SRC_LEVEL];
	b.src_format = cmd[VIRGL_BLIT_SRC_FORMAT];
	dw_box(&cmd[VIRGL_BLIT_DST_X], &b.dst_box);
	dw_box(&cmd[VIRGL_BLIT_SRC_X], &b.src_box);
	if (!decode_resource(ctx, cmd[VIRGL_BLIT_DST_RES_HANDLE], false, "BLIT dst", &b.dst) ||
	    !decode_resource(ctx, cmd[VIRGL_BLIT_SRC_RES_HANDLE], false, "BLIT src", &b.src)) {
		return false;
	}
	if (b.filter > PIPE_TEX_FILTER_LINEAR || !vr_format_get_texel(b.dst_format) ||
	    !vr_format_get_texel(b.src_format)) {
		vr_ctx_error(ctx, "BLIT: bad filter %u or formats %u/%u", b.filter, b.dst_format,
			     b.src_format);
		return false;
	}
	if (!blit_box_valid(b.dst, b.dst_level, &b.dst_box) ||
	    !blit_box_valid(b.src, b.src_level, &b.src_box)) {
		vr_ctx_error(ctx, "BLIT: box outside resource %u level %u or %u level %u",
			     b.dst->id, b.dst_level, b.src->id, b.src_level);
		return false;
	}
	if (!BCTX_SLOT(ctx, blit)) {
		decode_unsupported(ctx, "BLIT");
		return true;
	}
	return ctx->bctx->impl->blit(ctx->bctx, &b);
}

bool
decode_resource_copy_region(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_copy_region c = {0};
	c.dst_level = cmd[VIRGL_CMD_RCR_DST_LEVEL];
	c.dstx = cmd[VIRGL_CMD_RCR_DST_X];
	c.dsty = cmd[VIRGL_CMD_RCR_DST_X + 1];
	c.dstz = cmd[VIRGL_CMD_RCR_DST_X + 2];
	c.src_level = cmd[VIRGL_CMD_RCR_SRC_LEVEL];
	dw_box(&cmd[VIRGL_CMD_RCR_SRC_X], &c.src_box);
	if (!decode_resource(ctx, cmd[VIRGL_CMD_RCR_DST_RES_HANDLE], false, "COPY_REGION dst",
			     &c.dst) ||
	    !decode_resource(ctx, cmd[VIRGL_CMD_RCR_SRC_RES_HANDLE], false, "COPY_REGION src",
			     &c.src)) {
		return false;
	}
	/* The destination box has the source's extent at (dstx, dsty, dstz). */
	struct vr_box dst_box = {(int32_t)c.dstx, (int32_t)c.dsty, (int32_t)c.dstz,
				 c.src_box.w,     c.src_box.h,     c.src_box.d};
	if (c.dstx > INT32_MAX || c.dsty > INT32_MAX || c.dstz > INT32_MAX ||
	    !vr_resource_box_valid(c.src, c.src_level, &c.src_box) ||
	    !vr_resource_box_valid(c.dst, c.dst_level, &dst_box)) {
		vr_ctx_error(ctx, "RESOURCE_COPY_REGION: box outside resource %u or %u", c.src->id,
			     c.dst->id);
		return false;
	}
	if (!BCTX_SLOT(ctx, resource_copy_region)) {
		decode_unsupported(ctx, "RESOURCE_COPY_REGION");
		return true;
	}
	return ctx->bctx->impl->resource_copy_region(ctx->bctx, &c);
}

/* Compute is not advertised; validate the handle and accept (no backend slot). */
bool
decode_launch_grid(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_resource *indirect;
	if (!decode_resource(ctx, cmd[7], true, "LAUNCH_GRID indirect", &indirect)) {
		return false;
	}
	decode_unsupported(ctx, "LAUNCH_GRID");
	return true;
}

bool
decode_begin_query(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_object *q;
	if (!decode_object(ctx, cmd[1], VIRGL_OBJECT_QUERY, false, "BEGIN_QUERY", &q)) {
		return false;
	}
	if (!BCTX_SLOT(ctx, begin_query)) {
		decode_unsupported(ctx, "BEGIN_QUERY");
		return true;
	}
	return ctx->bctx->impl->begin_query(ctx->bctx, q);
}

bool
decode_end_query(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_object *q;
	if (!decode_object(ctx, cmd[1], VIRGL_OBJECT_QUERY, false, "END_QUERY", &q)) {
		return false;
	}
	if (!BCTX_SLOT(ctx, end_query)) {
		decode_unsupported(ctx, "END_QUERY");
		return true;
	}
	return ctx->bctx->impl->end_query(ctx->bctx, q);
}

bool
decode_get_query_result(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_object *q;
	if (!decode_object(ctx, cmd[1], VIRGL_OBJECT_QUERY, false, "GET_QUERY_RESULT", &q)) {
		return false;
	}
	if (!BCTX_SLOT(ctx, get_query_result)) {
		decode_unsupported(ctx, "GET_QUERY_RESULT");
		return true;
	}
	return ctx->bctx->impl->get_query_result(ctx->bctx, q, cmd[2] != 0);
}

/* Query buffer objects (cap QBO, ARB_query_buffer_object). */
bool
decode_get_query_result_qbo(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_query_qbo q = {
		.offset = cmd[VIRGL_QUERY_RESULT_QBO_OFFSET],
		.result_type = cmd[VIRGL_QUERY_RESULT_QBO_RESULT_TYPE],
		.index = (int32_t)cmd[VIRGL_QUERY_RESULT_QBO_INDEX],
		.wait = cmd[VIRGL_QUERY_RESULT_QBO_WAIT] != 0,
	};
	if (!decode_object(ctx, cmd[VIRGL_QUERY_RESULT_QBO_HANDLE], VIRGL_OBJECT_QUERY, false,
			   "GET_QUERY_RESULT_QBO", &q.query) ||
	    !decode_resource(ctx, cmd[VIRGL_QUERY_RESULT_QBO_QBO_HANDLE], false,
			     "GET_QUERY_RESULT_QBO", &q.res)) {
		return false;
	}
	if (q.result_type > PIPE_QUERY_TYPE_U64) {
		vr_ctx_error(ctx, "GET_QUERY_RESULT_QBO: bad result type %u", q.result_type);
		return false;
	}
	/* Only pipeline statistics have more than one result; -1 asks for availability. */
	int32_t max_index = q.query->u.query.type == PIPE_QUERY_PIPELINE_STATISTICS
				    ? PIPE_STAT_QUERY_COUNT - 1
				    : 0;
	if (q.index < -1 || q.index > max_index) {
		vr_ctx_error(ctx, "GET_QUERY_RESULT_QBO: bad index %d", q.index);
		return false;
	}
	uint32_t size = q.result_type >= PIPE_QUERY_TYPE_I64 ? 8 : 4;
	if (q.res->desc.target != PIPE_BUFFER || q.offset > q.res->desc.width ||
	    size > q.res->desc.width - q.offset) {
		vr_ctx_error(ctx, "GET_QUERY_RESULT_QBO: %u bytes at %u outside buffer %u", size,
			     q.offset, q.res->id);
		return false;
	}
	if (!BCTX_SLOT(ctx, get_query_result_qbo)) {
		decode_unsupported(ctx, "GET_QUERY_RESULT_QBO");
		return true;
	}
	return ctx->bctx->impl->get_query_result_qbo(ctx->bctx, &q);
}
