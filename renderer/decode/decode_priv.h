/*
 * pvgpu — virgl decoder internals shared by the decode_*.c files.
 *
 * Every handler gets the context, a pointer to the command header inside the
 * guest buffer (payload dword k at cmd[k]) and the payload length, which the
 * dispatch loop has already checked against the buffer end and the opcode's
 * table entry. A handler validates everything else before any side effect,
 * returns false after calling vr_ctx_error() on a protocol violation, and must
 * not keep `cmd` past the call. Handlers never allocate, except when creating
 * objects. Thread: the context's thread.
 */
#ifndef VR_DECODE_PRIV_H
#define VR_DECODE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vgp_gallium.h"
#include "vgp_virgl_format.h"
#include "vr_core.h"
#include "vr_format.h"

typedef bool (*decode_fn)(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);

/* The backend context's vtable slot, or NULL when the backend lacks it. */
#define BCTX_SLOT(ctx, slot) ((ctx)->bctx->impl->slot)

/* Reinterprets a payload dword as the float the guest wrote. */
static inline float
dw_float(uint32_t v)
{
	float f;
	memcpy(&f, &v, sizeof(f));
	return f;
}

static inline void
dw_box(const uint32_t *p, struct vr_box *box)
{
	box->x = (int32_t)p[0];
	box->y = (int32_t)p[1];
	box->z = (int32_t)p[2];
	box->w = (int32_t)p[3];
	box->h = (int32_t)p[4];
	box->d = (int32_t)p[5];
}

/*
 * Logs (rate-limited, debug level) that a command is accepted but not executed
 * because the backend has no slot for it. Never an error: Mesa sends state for
 * features it was not offered.
 */
void decode_unsupported(struct vr_ctx *ctx, const char *what);

/*
 * Resolves a guest resource handle: 0 gives NULL (and true) when `allow_null`,
 * otherwise the resource must exist. False after a context error.
 */
bool decode_resource(struct vr_ctx *ctx, uint32_t handle, bool allow_null, const char *what,
		     struct vr_resource **out);

/* Same for an object of `type` in the current sub-context. */
bool decode_object(struct vr_ctx *ctx, uint32_t handle, uint32_t type, bool allow_null,
		   const char *what, struct vr_object **out);

/* Checks a (start, count) slot range against `max` without overflow. */
bool decode_slots(struct vr_ctx *ctx, uint32_t start, uint32_t count, uint32_t max,
		  const char *what);

/* Checks a shader stage number. */
bool decode_stage(struct vr_ctx *ctx, uint32_t stage, const char *what);

/* decode_objects.c */
bool decode_create_object(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_bind_object(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_destroy_object(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_bind_shader(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_link_shader(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);

/* decode_shader.c */
bool decode_create_shader(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);

/* decode_state.c */
bool decode_set_viewport_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_framebuffer_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_framebuffer_no_attach(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_vertex_buffers(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_index_buffer(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_constant_buffer(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_uniform_buffer(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_sampler_views(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_bind_sampler_states(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_stencil_ref(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_blend_color(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_scissor_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_polygon_stipple(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_clip_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_sample_mask(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_min_samples(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_streamout_targets(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_render_condition(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_tess_state(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_shader_buffers(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_shader_images(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_atomic_buffers(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_memory_barrier(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_texture_barrier(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_debug_flags(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_set_tweaks(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_string_marker(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_get_memory_info(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);

/* decode_draw.c */
bool decode_clear(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_clear_texture(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_draw_vbo(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_blit(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_resource_copy_region(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_launch_grid(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_begin_query(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_end_query(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_get_query_result(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_get_query_result_qbo(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);

/* decode_transfer.c */
bool decode_transfer3d(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_copy_transfer3d(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);
bool decode_inline_write(struct vr_ctx *ctx, const uint32_t *cmd, uint32_t len);

#endif /* VR_DECODE_PRIV_H */
