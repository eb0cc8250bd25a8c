/*
 * pvgpu — CREATE_OBJECT/SHADER with multi-chunk text assembly (virgl-wire.md §4.1).
 *
 * The first chunk carries the total text length (bytes incl. the NUL, bit 31
 * clear); Mesa puts as much text as fits in the current buffer and sends the
 * rest in continuation chunks (same handle and stage, offlen = byte offset |
 * 0x80000000). The object stays in sub->pending_shader, outside the handle
 * table, until the last byte arrives; only a complete, NUL-terminated text is
 * committed (and reaches the backend). The total is capped by
 * VR_MAX_SHADER_TEXT because the host allocates it up front.
 */
#include <stdlib.h>

#include "decode_priv.h"

/* Dwords before the text: handle, stage, offlen, num_tokens, num_so + SO block. */
static uint32_t
shader_header_dwords(uint32_t num_so)
{
	return VIRGL_OBJ_SHADER_HDR_SIZE + (num_so ? 4 + 2 * num_so : 0);
}

static bool
parse_so(struct vr_ctx *ctx, const uint32_t *cmd, struct vr_shader_state *sh)
{
	for (uint32_t i = 0; i < 4; i++) {
		sh->so_stride[i] = cmd[VIRGL_OBJ_SHADER_SO_STRIDE(i)];
	}
	for (uint32_t i = 0; i < sh->num_so_outputs; i++) {
		uint32_t d0 = cmd[VIRGL_OBJ_SHADER_SO_OUTPUT0(i)];
		uint32_t d1 = cmd[VIRGL_OBJ_SHADER_SO_OUTPUT1(i)];
		struct vr_so_output *o = &sh->so_outputs[i];
		o->register_index = VIRGL_OBJ_SHADER_SO_OUTPUT_REGISTER_INDEX(d0);
		o->start_component = VIRGL_OBJ_SHADER_SO_OUTPUT_START_COMPONENT(d0);
		o->num_components = VIRGL_OBJ_SHADER_SO_OUTPUT_NUM_COMPONENTS(d0);
		o->output_buffer = VIRGL_OBJ_SHADER_SO_OUTPUT_BUFFER(d0);
		o->dst_offset = VIRGL_OBJ_SHADER_SO_OUTPUT_DST_OFFSET(d0);
		o->stream = VIRGL_OBJ_SHADER_SO_OUTPUT_STREAM(d1);
		if (o->output_buffer >= 4 || o->num_components > 4 ||
		    o->start_component + o->num_components > 4) {
			vr_ctx_error(ctx, "shader: bad stream-output entry %u (0x%x)", i, d0);
			return false;
		}
	}
	return true;
}

/* Appends a chunk's text; commits the shader when the text is complete. */
static bool
add_text(struct vr_ctx *ctx, struct vr_object *obj, const uint32_t *text, uint32_t nbytes)
{
	struct vr_shader_state *sh = &obj->u.shader;
	uint32_t room = sh->text_len - sh->received;
	uint32_t n = nbytes < room ? nbytes : room; /* the tail of a chunk is padding */
	memcpy(sh->text + sh->received, text, n);
	sh->received += n;
	if (sh->received < sh->text_len) {
		ctx->sub->pending_shader = obj;
		return true;
	}
	ctx->sub->pending_shader = NULL;
	uint32_t tail = sh->text_len < 4 ? sh->text_len : 4;
	if (!memchr(sh->text + sh->text_len - tail, '\0', tail)) {
		vr_ctx_error(ctx, "shader %u: text is not NUL-terminated", obj->handle);
		vr_ctx_object_discard(obj);
		return false;
	}
	return vr_ctx_object_commit(ctx, obj);
}

static bool
continue_shader(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	struct vr_object *obj = ctx->sub->pending_shader;
	uint32_t offset = VIRGL_OBJ_SHADER_OFFSET_VAL(cmd[VIRGL_OBJ_SHADER_OFFSET]);
	if (!obj || obj->handle != cmd[VIRGL_OBJ_SHADER_HANDLE]) {
		vr_ctx_error(ctx, "shader %u: continuation without a first chunk",
			     cmd[VIRGL_OBJ_SHADER_HANDLE]);
		return false;
	}
	/* From here on the pending shader is dropped on any error. */
	ctx->sub->pending_shader = NULL;
	if (obj->u.shader.stage != cmd[VIRGL_OBJ_SHADER_TYPE] ||
	    cmd[VIRGL_OBJ_SHADER_SO_NUM_OUTPUTS] != 0 || offset != obj->u.shader.received) {
		vr_ctx_error(ctx, "shader %u: continuation at offset %u does not follow %u bytes",
			     obj->handle, offset, obj->u.shader.received);
		vr_ctx_object_discard(obj);
		return false;
	}
	uint32_t hdr = shader_header_dwords(0);
	return add_text(ctx, obj, &cmd[1 + hdr], (len - hdr) * 4);
}

bool
decode_create_shader(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len)
{
	if (len < VIRGL_OBJ_SHADER_HDR_SIZE) {
		vr_ctx_error(ctx, "CREATE_OBJECT SHADER: bad length %u", len);
		return false;
	}
	uint32_t offlen = cmd[VIRGL_OBJ_SHADER_OFFSET];
	if (offlen & VIRGL_OBJ_SHADER_OFFSET_CONT) {
		return continue_shader(ctx, cmd, len);
	}
	uint32_t stage = cmd[VIRGL_OBJ_SHADER_TYPE];
	uint32_t num_so = cmd[VIRGL_OBJ_SHADER_SO_NUM_OUTPUTS];
	if (!decode_stage(ctx, stage, "CREATE_OBJECT SHADER")) {
		return false;
	}
	if (ctx->sub->pending_shader) {
		vr_ctx_error(ctx, "shader %u: new shader while shader %u is incomplete",
			     cmd[VIRGL_OBJ_SHADER_HANDLE], ctx->sub->pending_shader->handle);
		return false;
	}
	/* Compute shaders reuse the SO count for shared memory size (§4.1). */
	if (stage == VIRGL_SHADER_COMPUTE) {
		num_so = 0;
	}
	if (num_so > VIRGL_MAX_SO_OUTPUTS || len < shader_header_dwords(num_so)) {
		vr_ctx_error(ctx, "shader: %u stream outputs in %u dwords", num_so, len);
		return false;
	}
	if (offlen == 0 || offlen > VR_MAX_SHADER_TEXT) {
		vr_ctx_error(ctx, "shader: text length %u (cap %u)", offlen, VR_MAX_SHADER_TEXT);
		return false;
	}
	struct vr_object *obj =
		vr_ctx_object_alloc(ctx, cmd[VIRGL_OBJ_SHADER_HANDLE], VIRGL_OBJECT_SHADER);
	if (!obj) {
		return false;
	}
	struct vr_shader_state *sh = &obj->u.shader;
	sh->stage = stage;
	sh->num_tokens = cmd[VIRGL_OBJ_SHADER_NUM_TOKENS];
	sh->num_so_outputs = num_so;
	if (num_so && !parse_so(ctx, cmd, sh)) {
		vr_ctx_object_discard(obj);
		return false;
	}
	sh->text = malloc(offlen);
	if (!sh->text) {
		vr_ctx_error(ctx, "shader: out of memory for %u bytes of text", offlen);
		vr_ctx_object_discard(obj);
		return false;
	}
	sh->text_len = offlen;
	uint32_t hdr = shader_header_dwords(num_so);
	return add_text(ctx, obj, &cmd[1 + hdr], (len - hdr) * 4);
}
