/*
 * pvgpu — SET_* state commands (virgl-wire.md §2.3). Payloads are decoded into
 * small stack arrays (bounded by the table's length limits), handles resolved
 * through the core, then handed to the backend. Handle 0 in a slot means
 * "unbind"; a non-zero handle must name a live object of the right type.
 */
#include "decode_priv.h"

bool
decode_set_viewport_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if ((len - 1) % 6) {
		vr_ctx_error(ctx, "SET_VIEWPORT_STATE: length %u is not 1 + 6n", len);
		return false;
	}
	uint32_t start = cmd[1], count = (len - 1) / 6;
	if (!decode_slots(ctx, start, count, VIRGL_MAX_VIEWPORTS, "SET_VIEWPORT_STATE")) {
		return false;
	}
	struct vr_viewport vps[VIRGL_MAX_VIEWPORTS];
	for (uint32_t i = 0; i < count; i++) {
		const uint32_t *p = &cmd[2 + 6 * i];
		for (int c = 0; c < 3; c++) {
			vps[i].scale[c] = dw_float(p[c]);
			vps[i].translate[c] = dw_float(p[3 + c]);
		}
	}
	if (!BCTX_SLOT(ctx, set_viewport_states)) {
		decode_unsupported(ctx, "SET_VIEWPORT_STATE");
		return true;
	}
	ctx->bctx->impl->set_viewport_states(ctx->bctx, start, count, vps);
	return true;
}

bool
decode_set_framebuffer_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_framebuffer_state fb = {0};
	fb.nr_cbufs = cmd[1];
	/* More than 8 colour buffers overran a fixed array (CVE-2017-5957). */
	if (fb.nr_cbufs > VIRGL_MAX_COLOR_BUFS || len != 2 + fb.nr_cbufs) {
		vr_ctx_error(ctx, "SET_FRAMEBUFFER_STATE: %u colour buffers in length %u",
			     fb.nr_cbufs, len);
		return false;
	}
	if (!decode_object(ctx, cmd[2], VIRGL_OBJECT_SURFACE, true, "framebuffer zsbuf",
			   &fb.zsbuf)) {
		return false;
	}
	for (uint32_t i = 0; i < fb.nr_cbufs; i++) {
		if (!decode_object(ctx, cmd[3 + i], VIRGL_OBJECT_SURFACE, true, "framebuffer cbuf",
				   &fb.cbufs[i])) {
			return false;
		}
	}
	if (!BCTX_SLOT(ctx, set_framebuffer_state)) {
		decode_unsupported(ctx, "SET_FRAMEBUFFER_STATE");
		return true;
	}
	ctx->bctx->impl->set_framebuffer_state(ctx->bctx, &fb);
	return true;
}

bool
decode_set_framebuffer_no_attach(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t w = cmd[1] & 0xffffu, h = cmd[1] >> 16;
	uint32_t layers = cmd[2] & 0xffffu, samples = cmd[2] >> 16;
	if (!BCTX_SLOT(ctx, set_framebuffer_no_attach)) {
		decode_unsupported(ctx, "SET_FRAMEBUFFER_STATE_NO_ATTACH");
		return true;
	}
	ctx->bctx->impl->set_framebuffer_no_attach(ctx->bctx, w, h, layers, samples);
	return true;
}

bool
decode_set_vertex_buffers(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (len % 3) {
		vr_ctx_error(ctx, "SET_VERTEX_BUFFERS: length %u is not 3n", len);
		return false;
	}
	uint32_t count = len / 3;
	struct vr_vertex_buffer vbs[VIRGL_MAX_VERTEX_BUFFERS];
	for (uint32_t i = 0; i < count; i++) {
		vbs[i].stride = cmd[1 + 3 * i];
		vbs[i].offset = cmd[2 + 3 * i];
		if (!decode_resource(ctx, cmd[3 + 3 * i], true, "vertex buffer", &vbs[i].res)) {
			return false;
		}
	}
	if (!BCTX_SLOT(ctx, set_vertex_buffers)) {
		decode_unsupported(ctx, "SET_VERTEX_BUFFERS");
		return true;
	}
	ctx->bctx->impl->set_vertex_buffers(ctx->bctx, count, vbs);
	return true;
}

bool
decode_set_index_buffer(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_index_buffer ib = {0};
	if (len == 2) {
		vr_ctx_error(ctx, "SET_INDEX_BUFFER: bad length 2");
		return false;
	}
	if (!decode_resource(ctx, cmd[1], true, "index buffer", &ib.res)) {
		return false;
	}
	if (ib.res && len == 3) {
		ib.index_size = cmd[2];
		ib.offset = cmd[3];
		if (ib.index_size != 1 && ib.index_size != 2 && ib.index_size != 4) {
			vr_ctx_error(ctx, "SET_INDEX_BUFFER: index size %u", ib.index_size);
			return false;
		}
	} else if (ib.res) {
		vr_ctx_error(ctx, "SET_INDEX_BUFFER: buffer %u without an index size", cmd[1]);
		return false;
	}
	if (!BCTX_SLOT(ctx, set_index_buffer)) {
		decode_unsupported(ctx, "SET_INDEX_BUFFER");
		return true;
	}
	ctx->bctx->impl->set_index_buffer(ctx->bctx, &ib);
	return true;
}

bool
decode_set_constant_buffer(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (!decode_stage(ctx, cmd[1], "SET_CONSTANT_BUFFER")) {
		return false;
	}
	if (!BCTX_SLOT(ctx, set_constant_buffer)) {
		decode_unsupported(ctx, "SET_CONSTANT_BUFFER");
		return true;
	}
	/* The constants are passed in place: no copy on the hottest state path. */
	ctx->bctx->impl->set_constant_buffer(ctx->bctx, cmd[1], cmd[2], len - 2, &cmd[3]);
	return true;
}

bool
decode_set_uniform_buffer(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t stage = cmd[1], index = cmd[2];
	struct vr_resource *res;
	if (!decode_stage(ctx, stage, "SET_UNIFORM_BUFFER") ||
	    !decode_slots(ctx, index, 1, ctx->dev->caps.v1.max_uniform_blocks,
			  "SET_UNIFORM_BUFFER") ||
	    !decode_resource(ctx, cmd[5], true, "uniform buffer", &res)) {
		return false;
	}
	if (res && (uint64_t)cmd[3] + cmd[4] > res->desc.width) {
		vr_ctx_error(ctx, "SET_UNIFORM_BUFFER: range %u+%u outside buffer %u", cmd[3],
			     cmd[4], cmd[5]);
		return false;
	}
	if (!BCTX_SLOT(ctx, set_uniform_buffer)) {
		decode_unsupported(ctx, "SET_UNIFORM_BUFFER");
		return true;
	}
	ctx->bctx->impl->set_uniform_buffer(ctx->bctx, stage, index, cmd[3], cmd[4], res);
	return true;
}

bool
decode_set_sampler_views(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t stage = cmd[1], start = cmd[2], count = len - 2;
	if (!decode_stage(ctx, stage, "SET_SAMPLER_VIEWS") ||
	    !decode_slots(ctx, start, count, VIRGL_MAX_SAMPLER_VIEWS, "SET_SAMPLER_VIEWS")) {
		return false;
	}
	struct vr_object *views[VIRGL_MAX_SAMPLER_VIEWS];
	for (uint32_t i = 0; i < count; i++) {
		if (!decode_object(ctx, cmd[3 + i], VIRGL_OBJECT_SAMPLER_VIEW, true,
				   "SET_SAMPLER_VIEWS", &views[i])) {
			return false;
		}
	}
	if (!BCTX_SLOT(ctx, set_sampler_views)) {
		decode_unsupported(ctx, "SET_SAMPLER_VIEWS");
		return true;
	}
	ctx->bctx->impl->set_sampler_views(ctx->bctx, stage, start, count, views);
	return true;
}

bool
decode_bind_sampler_states(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t stage = cmd[1], start = cmd[2], count = len - 2;
	if (!decode_stage(ctx, stage, "BIND_SAMPLER_STATES") ||
	    !decode_slots(ctx, start, count, VIRGL_MAX_SAMPLERS, "BIND_SAMPLER_STATES")) {
		return false;
	}
	struct vr_object *samplers[VIRGL_MAX_SAMPLERS];
	for (uint32_t i = 0; i < count; i++) {
		if (!decode_object(ctx, cmd[3 + i], VIRGL_OBJECT_SAMPLER_STATE, true,
				   "BIND_SAMPLER_STATES", &samplers[i])) {
			return false;
		}
	}
	if (!BCTX_SLOT(ctx, bind_sampler_states)) {
		decode_unsupported(ctx, "BIND_SAMPLER_STATES");
		return true;
	}
	ctx->bctx->impl->bind_sampler_states(ctx->bctx, stage, start, count, samplers);
	return true;
}

bool
decode_set_stencil_ref(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (!BCTX_SLOT(ctx, set_stencil_ref)) {
		decode_unsupported(ctx, "SET_STENCIL_REF");
		return true;
	}
	ctx->bctx->impl->set_stencil_ref(ctx->bctx, cmd[1] & 0xffu, (cmd[1] >> 8) & 0xffu);
	return true;
}

bool
decode_set_blend_color(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	float color[4];
	for (int i = 0; i < 4; i++) {
		color[i] = dw_float(cmd[1 + i]);
	}
	if (!BCTX_SLOT(ctx, set_blend_color)) {
		decode_unsupported(ctx, "SET_BLEND_COLOR");
		return true;
	}
	ctx->bctx->impl->set_blend_color(ctx->bctx, color);
	return true;
}

bool
decode_set_scissor_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if ((len - 1) % 2) {
		vr_ctx_error(ctx, "SET_SCISSOR_STATE: length %u is not 1 + 2n", len);
		return false;
	}
	uint32_t start = cmd[1], count = (len - 1) / 2;
	if (!decode_slots(ctx, start, count, VIRGL_MAX_VIEWPORTS, "SET_SCISSOR_STATE")) {
		return false;
	}
	struct vr_scissor rects[VIRGL_MAX_VIEWPORTS];
	for (uint32_t i = 0; i < count; i++) {
		uint32_t lo = cmd[2 + 2 * i], hi = cmd[3 + 2 * i];
		rects[i].minx = lo & 0xffffu;
		rects[i].miny = lo >> 16;
		rects[i].maxx = hi & 0xffffu;
		rects[i].maxy = hi >> 16;
	}
	if (!BCTX_SLOT(ctx, set_scissor_states)) {
		decode_unsupported(ctx, "SET_SCISSOR_STATE");
		return true;
	}
	ctx->bctx->impl->set_scissor_states(ctx->bctx, start, count, rects);
	return true;
}

bool
decode_set_polygon_stipple(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (!BCTX_SLOT(ctx, set_polygon_stipple)) {
		decode_unsupported(ctx, "SET_POLYGON_STIPPLE");
		return true;
	}
	ctx->bctx->impl->set_polygon_stipple(ctx->bctx, &cmd[1]);
	return true;
}

bool
decode_set_clip_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	float planes[8][4];
	for (int i = 0; i < 32; i++) {
		planes[i / 4][i % 4] = dw_float(cmd[1 + i]);
	}
	if (!BCTX_SLOT(ctx, set_clip_state)) {
		decode_unsupported(ctx, "SET_CLIP_STATE");
		return true;
	}
	ctx->bctx->impl->set_clip_state(ctx->bctx, (const float(*)[4])planes);
	return true;
}

bool
decode_set_sample_mask(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (!BCTX_SLOT(ctx, set_sample_mask)) {
		decode_unsupported(ctx, "SET_SAMPLE_MASK");
		return true;
	}
	ctx->bctx->impl->set_sample_mask(ctx->bctx, cmd[1]);
	return true;
}

bool
decode_set_min_samples(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (!BCTX_SLOT(ctx, set_min_samples)) {
		decode_unsupported(ctx, "SET_MIN_SAMPLES");
		return true;
	}
	ctx->bctx->impl->set_min_samples(ctx->bctx, cmd[1]);
	return true;
}

bool
decode_set_streamout_targets(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t count = len - 1;
	struct vr_object *targets[VIRGL_MAX_SO_TARGETS];
	for (uint32_t i = 0; i < count; i++) {
		if (!decode_object(ctx, cmd[2 + i], VIRGL_OBJECT_STREAMOUT_TARGET, true,
				   "SET_STREAMOUT_TARGETS", &targets[i])) {
			return false;
		}
	}
	if (!BCTX_SLOT(ctx, set_streamout_targets)) {
		decode_unsupported(ctx, "SET_STREAMOUT_TARGETS");
		return true;
	}
	ctx->bctx->impl->set_streamout_targets(ctx->bctx, cmd[1], count, targets);
	return true;
}

bool
decode_set_render_condition(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_object *query;
	if (!decode_object(ctx, cmd[1], VIRGL_OBJECT_QUERY, true, "SET_RENDER_CONDITION", &query)) {
		return false;
	}
	if (!BCTX_SLOT(ctx, set_render_condition)) {
		decode_unsupported(ctx, "SET_RENDER_CONDITION");
		return true;
	}
	ctx->bctx->impl->set_render_condition(ctx->bctx, query, cmd[2] != 0, cmd[3]);
	return true;
}

bool
decode_set_tess_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	float outer[4], inner[2];
	for (int i = 0; i < 4; i++) {
		outer[i] = dw_float(cmd[1 + i]);
	}
	inner[0] = dw_float(cmd[5]);
	inner[1] = dw_float(cmd[6]);
	if (!BCTX_SLOT(ctx, set_tess_state)) {
		decode_unsupported(ctx, "SET_TESS_STATE");
		return true;
	}
	ctx->bctx->impl->set_tess_state(ctx->bctx, outer, inner);
	return true;
}

/*
 * SSBOs, images and atomic counters: no backend slot exists yet (the caps do
 * not offer them), but Mesa sends all-empty forms at context setup. Validate
 * the shape and the handles, then accept; only a non-empty slot is logged.
 */
static bool
check_buffer_slots(struct vr_ctx *ctx, const uint32_t *slots, uint32_t count, uint32_t stride,
		   uint32_t res_pos, const char *what, bool *any)
{
	*any = false;
	for (uint32_t i = 0; i < count; i++) {
		struct vr_resource *res;
		if (!decode_resource(ctx, slots[stride * i + res_pos], true, what, &res)) {
			return false;
		}
		*any = *any || res;
	}
	return true;
}

bool
decode_set_shader_buffers(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t count = (len - 2) / 3;
	bool any;
	if ((len - 2) % 3) {
		vr_ctx_error(ctx, "SET_SHADER_BUFFERS: length %u is not 2 + 3n", len);
		return false;
	}
	if (!decode_stage(ctx, cmd[1], "SET_SHADER_BUFFERS") ||
	    !decode_slots(ctx, cmd[2], count, VIRGL_MAX_SHADER_BUFFERS, "SET_SHADER_BUFFERS") ||
	    !check_buffer_slots(ctx, &cmd[3], count, 3, 2, "SET_SHADER_BUFFERS", &any)) {
		return false;
	}
	if (any) {
		decode_unsupported(ctx, "SET_SHADER_BUFFERS");
	}
	return true;
}

bool
decode_set_shader_images(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t count = (len - 2) / 5;
	bool any;
	if ((len - 2) % 5) {
		vr_ctx_error(ctx, "SET_SHADER_IMAGES: length %u is not 2 + 5n", len);
		return false;
	}
	if (!decode_stage(ctx, cmd[1], "SET_SHADER_IMAGES") ||
	    !decode_slots(ctx, cmd[2], count, VIRGL_MAX_SHADER_IMAGES, "SET_SHADER_IMAGES") ||
	    !check_buffer_slots(ctx, &cmd[3], count, 5, 4, "SET_SHADER_IMAGES", &any)) {
		return false;
	}
	if (any) {
		decode_unsupported(ctx, "SET_SHADER_IMAGES");
	}
	return true;
}

bool
decode_set_atomic_buffers(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t count = (len - 1) / 3;
	bool any;
	if ((len - 1) % 3) {
		vr_ctx_error(ctx, "SET_ATOMIC_BUFFERS: length %u is not 1 + 3n", len);
		return false;
	}
	if (!decode_slots(ctx, cmd[1], count, VIRGL_MAX_ATOMIC_BUFFERS, "SET_ATOMIC_BUFFERS") ||
	    !check_buffer_slots(ctx, &cmd[2], count, 3, 2, "SET_ATOMIC_BUFFERS", &any)) {
		return false;
	}
	if (any) {
		decode_unsupported(ctx, "SET_ATOMIC_BUFFERS");
	}
	return true;
}

bool
decode_memory_barrier(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (!BCTX_SLOT(ctx, memory_barrier)) {
		decode_unsupported(ctx, "MEMORY_BARRIER");
		return true;
	}
	ctx->bctx->impl->memory_barrier(ctx->bctx, cmd[1]);
	return true;
}

bool
decode_texture_barrier(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (!BCTX_SLOT(ctx, texture_barrier)) {
		decode_unsupported(ctx, "TEXTURE_BARRIER");
		return true;
	}
	ctx->bctx->impl->texture_barrier(ctx->bctx, cmd[1]);
	return true;
}

/* Host debug flags only steer virglrenderer's own logging: accepted, ignored. */
bool
decode_set_debug_flags(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	decode_unsupported(ctx, "SET_DEBUG_FLAGS");
	return true;
}

/* Tweaks exist for GLES hosts (BGRA emulation); pvgpu renders on desktop GL. */
bool
decode_set_tweaks(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	decode_unsupported(ctx, "SET_TWEAKS");
	return true;
}

bool
decode_string_marker(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	uint32_t nbytes = cmd[1];
	if (nbytes > (uint64_t)(len - 1) * 4) {
		vr_ctx_error(ctx, "SEND_STRING_MARKER: %u bytes in %u dwords", nbytes, len - 1);
		return false;
	}
	vr_dbg(VR_CAT_DECODE, "context %u marker: %.*s", ctx->id, (int)nbytes,
	       (const char *)&cmd[2]);
	return true;
}

bool
decode_get_memory_info(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_resource *res;
	if (!decode_resource(ctx, cmd[1], false, "GET_MEMORY_INFO", &res)) {
		return false;
	}
	decode_unsupported(ctx, "GET_MEMORY_INFO");
	return true;
}
