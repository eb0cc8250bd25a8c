/*
 * pvgpu — virgl command-stream decoder: the dispatch table and the walk.
 *
 * One table indexed by opcode gives each command's name, its allowed payload
 * length range and its handler (virgl-wire.md §2.3). The walk checks, in order:
 * opcode < VIRGL_MAX_COMMANDS, header + payload inside the buffer, the length
 * range, a current sub-context; only then does a handler run. Any violation
 * breaks the context and stops the buffer (the rest is never looked at).
 * Parsing happens in place: handlers read the guest dwords where they lie.
 */
#include <stdio.h>

#include "decode_priv.h"

#define ANY_LEN 0xffffu

enum decode_flags {
	/* Allowed while no sub-context is current: Mesa puts TRANSFER3D and the
	 * END_TRANSFERS pad before SET_SUB_CTX in every buffer (§2.2). */
	DECODE_NO_SUB = 1u << 0,
};

struct decode_entry {
	const char *name;
	uint16_t min_len;
	uint16_t max_len; /* inclusive; ANY_LEN = no upper bound */
	uint8_t flags;
	decode_fn fn;       /* NULL with reject NULL: accepted and skipped */
	const char *reject; /* non-NULL: always a context error, with this reason */
};

static bool
decode_set_sub_ctx(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	return vr_ctx_sub_set(ctx, cmd[1]);
}

static bool
decode_create_sub_ctx(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	return vr_ctx_sub_create(ctx, cmd[1]);
}

static bool
decode_destroy_sub_ctx(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	return vr_ctx_sub_destroy(ctx, cmd[1]);
}

#define CMD(op, lo, hi, fl, handler) \
	[VIRGL_CCMD_##op] = {        \
		.name = #op, .min_len = (lo), .max_len = (hi), .flags = (fl), .fn = (handler)}
#define REJECT(op, why) [VIRGL_CCMD_##op] = {.name = #op, .max_len = ANY_LEN, .reject = (why)}

static const char video_reason[] = "video commands are not supported";
static const char pipe_res_reason[] = "not supported on this transport";

/*
 * Length ranges are the payload sizes of §2.3; handlers check the shape inside
 * a range (e.g. 1 + 6n) and everything that depends on the values.
 */
static const struct decode_entry table[VIRGL_MAX_COMMANDS] = {
	CMD(NOP, 0, ANY_LEN, DECODE_NO_SUB, NULL),
	CMD(CREATE_OBJECT, 1, ANY_LEN, 0, decode_create_object),
	CMD(BIND_OBJECT, 1, 1, 0, decode_bind_object),
	CMD(DESTROY_OBJECT, 1, 1, 0, decode_destroy_object),
	CMD(SET_VIEWPORT_STATE, 7, 1 + 6 * VIRGL_MAX_VIEWPORTS, 0, decode_set_viewport_state),
	CMD(SET_FRAMEBUFFER_STATE, 2, 2 + VIRGL_MAX_COLOR_BUFS, 0, decode_set_framebuffer_state),
	CMD(SET_VERTEX_BUFFERS, 0, 3 * VIRGL_MAX_VERTEX_BUFFERS, 0, decode_set_vertex_buffers),
	CMD(CLEAR, VIRGL_CLEAR_SIZE, VIRGL_CLEAR_SIZE, 0, decode_clear),
	CMD(DRAW_VBO, VIRGL_DRAW_VBO_SIZE, VIRGL_DRAW_VBO_SIZE_INDIRECT, 0, decode_draw_vbo),
	CMD(RESOURCE_INLINE_WRITE, VIRGL_INLINE_WRITE_HDR_SIZE, ANY_LEN, 0, decode_inline_write),
	CMD(SET_SAMPLER_VIEWS, 2, 2 + VIRGL_MAX_SAMPLER_VIEWS, 0, decode_set_sampler_views),
	CMD(SET_INDEX_BUFFER, 1, 3, 0, decode_set_index_buffer),
	CMD(SET_CONSTANT_BUFFER, 2, ANY_LEN, 0, decode_set_constant_buffer),
	CMD(SET_STENCIL_REF, 1, 1, 0, decode_set_stencil_ref),
	CMD(SET_BLEND_COLOR, 4, 4, 0, decode_set_blend_color),
	CMD(SET_SCISSOR_STATE, 3, 1 + 2 * VIRGL_MAX_VIEWPORTS, 0, decode_set_scissor_state),
	CMD(BLIT, VIRGL_BLIT_SIZE, VIRGL_BLIT_SIZE, 0, decode_blit),
	CMD(RESOURCE_COPY_REGION, VIRGL_COPY_REGION_SIZE, VIRGL_COPY_REGION_SIZE, 0,
	    decode_resource_copy_region),
	CMD(BIND_SAMPLER_STATES, 2, 2 + VIRGL_MAX_SAMPLERS, 0, decode_bind_sampler_states),
	CMD(BEGIN_QUERY, 1, 1, 0, decode_begin_query),
	CMD(END_QUERY, 1, 1, 0, decode_end_query),
	CMD(GET_QUERY_RESULT, 2, 2, 0, decode_get_query_result),
	CMD(SET_POLYGON_STIPPLE, 32, 32, 0, decode_set_polygon_stipple),
	CMD(SET_CLIP_STATE, 32, 32, 0, decode_set_clip_state),
	CMD(SET_SAMPLE_MASK, 1, 1, 0, decode_set_sample_mask),
	CMD(SET_STREAMOUT_TARGETS, 1, 1 + VIRGL_MAX_SO_TARGETS, 0, decode_set_streamout_targets),
	CMD(SET_RENDER_CONDITION, 3, 3, 0, decode_set_render_condition),
	CMD(SET_UNIFORM_BUFFER, 5, 5, 0, decode_set_uniform_buffer),
	CMD(SET_SUB_CTX, 1, 1, DECODE_NO_SUB, decode_set_sub_ctx),
	CMD(CREATE_SUB_CTX, 1, 1, DECODE_NO_SUB, decode_create_sub_ctx),
	CMD(DESTROY_SUB_CTX, 1, 1, DECODE_NO_SUB, decode_destroy_sub_ctx),
	CMD(BIND_SHADER, 2, 2, 0, decode_bind_shader),
	CMD(SET_TESS_STATE, 6, 6, 0, decode_set_tess_state),
	CMD(SET_MIN_SAMPLES, 1, 1, 0, decode_set_min_samples),
	CMD(SET_SHADER_BUFFERS, 2, 2 + 3 * VIRGL_MAX_SHADER_BUFFERS, 0, decode_set_shader_buffers),
	CMD(SET_SHADER_IMAGES, 2, 2 + 5 * VIRGL_MAX_SHADER_IMAGES, 0, decode_set_shader_images),
	CMD(MEMORY_BARRIER, 1, 1, 0, decode_memory_barrier),
	CMD(LAUNCH_GRID, VIRGL_LAUNCH_GRID_SIZE, VIRGL_LAUNCH_GRID_SIZE, 0, decode_launch_grid),
	CMD(SET_FRAMEBUFFER_STATE_NO_ATTACH, 2, 2, 0, decode_set_framebuffer_no_attach),
	CMD(TEXTURE_BARRIER, 1, 1, 0, decode_texture_barrier),
	CMD(SET_ATOMIC_BUFFERS, 1, 1 + 3 * VIRGL_MAX_ATOMIC_BUFFERS, 0, decode_set_atomic_buffers),
	CMD(SET_DEBUG_FLAGS, 1, ANY_LEN, 0, decode_set_debug_flags),
	CMD(GET_QUERY_RESULT_QBO, 6, 6, 0, decode_get_query_result_qbo),
	CMD(TRANSFER3D, VIRGL_TRANSFER3D_SIZE, VIRGL_TRANSFER3D_SIZE, DECODE_NO_SUB,
	    decode_transfer3d),
	CMD(END_TRANSFERS, 0, ANY_LEN, DECODE_NO_SUB, NULL),
	CMD(COPY_TRANSFER3D, VIRGL_COPY_TRANSFER3D_SIZE, VIRGL_COPY_TRANSFER3D_SIZE, 0,
	    decode_copy_transfer3d),
	CMD(SET_TWEAKS, 2, 2, 0, decode_set_tweaks),
	CMD(CLEAR_TEXTURE, VIRGL_CLEAR_TEXTURE_SIZE, VIRGL_CLEAR_TEXTURE_SIZE, 0,
	    decode_clear_texture),
	REJECT(PIPE_RESOURCE_CREATE, pipe_res_reason),
	REJECT(PIPE_RESOURCE_SET_TYPE, pipe_res_reason),
	CMD(GET_MEMORY_INFO, 1, 1, 0, decode_get_memory_info),
	CMD(SEND_STRING_MARKER, 1, ANY_LEN, 0, decode_string_marker),
	CMD(LINK_SHADER, VIRGL_LINK_SHADER_SIZE, VIRGL_LINK_SHADER_SIZE, 0, decode_link_shader),
	REJECT(CREATE_VIDEO_CODEC, video_reason),
	REJECT(DESTROY_VIDEO_CODEC, video_reason),
	REJECT(CREATE_VIDEO_BUFFER, video_reason),
	REJECT(DESTROY_VIDEO_BUFFER, video_reason),
	REJECT(BEGIN_FRAME, video_reason),
	REJECT(DECODE_MACROBLOCK, video_reason),
	REJECT(DECODE_BITSTREAM, video_reason),
	REJECT(ENCODE_BITSTREAM, video_reason),
	REJECT(END_FRAME, video_reason),
};

/* Checks everything the table knows; false after a context error. */
static bool
check_entry(struct vr_ctx *ctx, uint32_t op, uint32_t len, size_t pos)
{
	const struct decode_entry *e = &table[op];
	if (e->reject) {
		vr_ctx_error(ctx, "%s at dword %zu: %s", e->name, pos, e->reject);
		return false;
	}
	if (len < e->min_len || (e->max_len != ANY_LEN && len > e->max_len)) {
		vr_ctx_error(ctx, "%s at dword %zu: bad length %u", e->name, pos, len);
		return false;
	}
	if (!(e->flags & DECODE_NO_SUB) && !vr_ctx_sub_current(ctx)) {
		vr_ctx_error(ctx, "%s at dword %zu: no current sub-context", e->name, pos);
		return false;
	}
	return true;
}

static bool
run_commands(struct vr_ctx *ctx, const uint32_t *buf, size_t ndw)
{
	size_t pos = 0;
	while (pos < ndw) {
		uint32_t hdr = buf[pos];
		uint32_t op = VGP_CMD_OPCODE(hdr);
		uint32_t len = VGP_CMD_LENGTH(hdr);
		if (op >= VIRGL_MAX_COMMANDS) {
			vr_ctx_error(ctx, "unknown opcode %u at dword %zu", op, pos);
			return false;
		}
		/* pos < ndw, so ndw - pos - 1 cannot wrap. */
		if (len > ndw - pos - 1) {
			vr_ctx_error(ctx,
				     "%s at dword %zu: length %u runs past the end "
				     "(%zu dwords)",
				     table[op].name, pos, len, ndw);
			return false;
		}
		if (!check_entry(ctx, op, len, pos)) {
			return false;
		}
		if (table[op].fn && !table[op].fn(ctx, &buf[pos], len)) {
			if (!ctx->broken) {
				vr_ctx_error(ctx, "%s at dword %zu failed", table[op].name, pos);
			}
			return false;
		}
		if (ctx->broken) {
			return false;
		}
		ctx->commands++;
		pos += 1 + (size_t)len;
	}
	if (BCTX_SLOT(ctx, flush)) {
		ctx->bctx->impl->flush(ctx->bctx);
	}
	return true;
}

bool
vr_ctx_submit(struct vr_ctx *ctx, const uint32_t *buf, size_t ndw)
{
	if (ctx->broken) {
		return false;
	}
	if (BCTX_SLOT(ctx, submit_begin)) {
		ctx->bctx->impl->submit_begin(ctx->bctx);
	}
	bool ok = run_commands(ctx, buf, ndw);
	if (BCTX_SLOT(ctx, submit_end)) {
		ctx->bctx->impl->submit_end(ctx->bctx);
	}
	return ok;
}

/* ------------------------------------------------------- shared helpers */

void
decode_unsupported(struct vr_ctx *ctx, const char *what)
{
	vr_log_rl(&ctx->log_rl, VR_CAT_DECODE, VR_LOG_DEBUG,
		  "context %u: %s not supported by the %s backend; ignored", ctx->id, what,
		  ctx->dev->backend->impl->name);
}

bool
decode_resource(struct vr_ctx *ctx, uint32_t handle, bool allow_null, const char *what,
		struct vr_resource **out)
{
	*out = NULL;
	if (!handle) {
		if (!allow_null) {
			vr_ctx_error(ctx, "%s: resource handle 0", what);
			return false;
		}
		return true;
	}
	*out = vr_ctx_lookup_resource(ctx, handle);
	if (!*out) {
		vr_ctx_error(ctx, "%s: unknown resource %u", what, handle);
		return false;
	}
	return true;
}

bool
decode_object(struct vr_ctx *ctx, uint32_t handle, uint32_t type, bool allow_null, const char *what,
	      struct vr_object **out)
{
	*out = NULL;
	if (!handle) {
		if (!allow_null) {
			vr_ctx_error(ctx, "%s: object handle 0", what);
			return false;
		}
		return true;
	}
	/* A missing or wrong-typed handle must never become a NULL bind: that is
	 * how hosts ended up dereferencing NULL (CVE-2017-5937, CVE-2017-6210). */
	*out = vr_ctx_lookup_object(ctx, handle, type);
	if (!*out) {
		vr_ctx_error(ctx, "%s: handle %u is not a live object of type %u", what, handle,
			     type);
		return false;
	}
	return true;
}

bool
decode_slots(struct vr_ctx *ctx, uint32_t start, uint32_t count, uint32_t max, const char *what)
{
	if (start > max || count > max - start) {
		vr_ctx_error(ctx, "%s: slots %u+%u exceed %u", what, start, count, max);
		return false;
	}
	return true;
}

bool
decode_stage(struct vr_ctx *ctx, uint32_t stage, const char *what)
{
	if (stage >= VIRGL_SHADER_STAGES) {
		vr_ctx_error(ctx, "%s: bad shader stage %u", what, stage);
		return false;
	}
	return true;
}
