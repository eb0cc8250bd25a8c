/*
 * pvgpu — the renderer backend interface: what the core and decoder call.
 *
 * Implemented by renderer/gl (host GL) and renderer/null (records calls).
 * Convention: a `static const struct vr_backend_impl` table; an implementation
 * embeds `struct vr_backend` first and downcasts after checking `impl`.
 * A NULL context slot means "unsupported": the core then ignores the command
 * with a rate-limited warning (Mesa sends state for features it was not
 * offered, e.g. SET_TESS_STATE); it is not a protocol error.
 *
 * Threads: a backend and everything created from it are used by one thread.
 * All pointers passed in are owned by the caller and valid for the call only,
 * unless a slot says otherwise.
 */
#ifndef VR_BACKEND_H
#define VR_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "vgp_caps.h"
#include "vr_state.h"

struct vr_backend;
struct vr_backend_ctx;
struct vr_ctx;
struct vr_object;
struct vr_resource;
struct vr_sub_ctx;

struct vr_backend_impl {
	const char *name;
	/** Frees the backend; every resource and context is already gone. */
	void (*destroy)(struct vr_backend *be);
	/** Adjusts the caps profile the core built: format masks, limits, name. */
	void (*fill_caps)(struct vr_backend *be, struct vgp_caps_v2 *caps);
	/** Creates the host object for a validated resource; sets res->backend_priv. */
	bool (*resource_create)(struct vr_backend *be, struct vr_resource *res);
	/** Destroys it (last reference dropped). */
	void (*resource_destroy)(struct vr_backend *be, struct vr_resource *res);
	/** Copies between guest memory and the resource (box and bytes validated). */
	bool (*transfer)(struct vr_backend *be, const struct vr_transfer *xfer);
	/** Creates the backend half of a context. NULL on failure. */
	struct vr_backend_ctx *(*ctx_create)(struct vr_backend *be, struct vr_ctx *ctx);
	/**
	 * Reports whether submitted work is still executing; with `wait`, blocks
	 * until it is done and returns false. NULL slot: always idle.
	 */
	bool (*busy)(struct vr_backend *be, bool wait);
};

struct vr_backend {
	const struct vr_backend_impl *impl;
};

/*
 * Per-context operations. `bctx` is what ctx_create returned. Objects passed
 * in stay valid for the call; to keep one past it (e.g. bound state), take a
 * reference with vr_object_ref() and drop it with vr_object_unref().
 * Return false only for a failure that should mark the context broken.
 */
struct vr_ctx_impl {
	void (*destroy)(struct vr_backend_ctx *bctx);

	bool (*sub_ctx_create)(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub);
	void (*sub_ctx_destroy)(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub);
	/** Makes `sub` current: later calls apply to it. */
	void (*sub_ctx_make_current)(struct vr_backend_ctx *bctx, struct vr_sub_ctx *sub);

	/** Object created by the core (state decoded in obj); may set obj->backend_priv. */
	bool (*object_create)(struct vr_backend_ctx *bctx, struct vr_object *obj);
	/** Last reference dropped: free backend_priv. */
	void (*object_destroy)(struct vr_backend_ctx *bctx, struct vr_object *obj);
	/** BIND_OBJECT for BLEND/DSA/RASTERIZER/VERTEX_ELEMENTS; obj NULL unbinds. */
	void (*bind_object)(struct vr_backend_ctx *bctx, uint32_t type, struct vr_object *obj);
	void (*bind_shader)(struct vr_backend_ctx *bctx, uint32_t stage, struct vr_object *obj);
	void (*link_shader)(struct vr_backend_ctx *bctx, struct vr_object *const shaders[6]);

	void (*set_framebuffer_state)(struct vr_backend_ctx *bctx,
				      const struct vr_framebuffer_state *fb);
	void (*set_framebuffer_no_attach)(struct vr_backend_ctx *bctx, uint32_t width,
					  uint32_t height, uint32_t layers, uint32_t samples);
	void (*set_viewport_states)(struct vr_backend_ctx *bctx, uint32_t start, uint32_t count,
				    const struct vr_viewport *vps);
	void (*set_scissor_states)(struct vr_backend_ctx *bctx, uint32_t start, uint32_t count,
				   const struct vr_scissor *rects);
	void (*set_vertex_buffers)(struct vr_backend_ctx *bctx, uint32_t count,
				   const struct vr_vertex_buffer *vbs);
	void (*set_index_buffer)(struct vr_backend_ctx *bctx, const struct vr_index_buffer *ib);
	/** Constants for the stage's slot 0, `count` dwords (vec4-packed). */
	void (*set_constant_buffer)(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t index,
				    uint32_t count, const uint32_t *data);
	void (*set_uniform_buffer)(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t index,
				   uint32_t offset, uint32_t length, struct vr_resource *res);
	void (*set_sampler_views)(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t start,
				  uint32_t count, struct vr_object *const *views);
	void (*bind_sampler_states)(struct vr_backend_ctx *bctx, uint32_t stage, uint32_t start,
				    uint32_t count, struct vr_object *const *samplers);
	void (*set_stencil_ref)(struct vr_backend_ctx *bctx, uint8_t front, uint8_t back);
	void (*set_blend_color)(struct vr_backend_ctx *bctx, const float color[4]);
	void (*set_sample_mask)(struct vr_backend_ctx *bctx, uint32_t mask);
	void (*set_min_samples)(struct vr_backend_ctx *bctx, uint32_t min_samples);
	void (*set_polygon_stipple)(struct vr_backend_ctx *bctx, const uint32_t pattern[32]);
	void (*set_clip_state)(struct vr_backend_ctx *bctx, const float planes[8][4]);
	void (*set_tess_state)(struct vr_backend_ctx *bctx, const float outer[4],
			       const float inner[2]);
	void (*set_streamout_targets)(struct vr_backend_ctx *bctx, uint32_t append_mask,
				      uint32_t count, struct vr_object *const *targets);
	void (*set_render_condition)(struct vr_backend_ctx *bctx, struct vr_object *query,
				     bool condition, uint32_t mode);

	bool (*clear)(struct vr_backend_ctx *bctx, const struct vr_clear *clear);
	bool (*clear_texture)(struct vr_backend_ctx *bctx, struct vr_resource *res, uint32_t level,
			      const struct vr_box *box, const uint32_t value[4]);
	bool (*draw_vbo)(struct vr_backend_ctx *bctx, const struct vr_draw_info *info);
	bool (*blit)(struct vr_backend_ctx *bctx, const struct vr_blit *blit);
	bool (*resource_copy_region)(struct vr_backend_ctx *bctx,
				     const struct vr_copy_region *copy);

	bool (*begin_query)(struct vr_backend_ctx *bctx, struct vr_object *query);
	bool (*end_query)(struct vr_backend_ctx *bctx, struct vr_object *query);
	bool (*get_query_result)(struct vr_backend_ctx *bctx, struct vr_object *query, bool wait);
	/**
	 * Writes a query's result into a buffer resource (GET_QUERY_RESULT_QBO);
	 * later transfers and draws reading that buffer see the value.
	 */
	bool (*get_query_result_qbo)(struct vr_backend_ctx *bctx, const struct vr_query_qbo *qbo);

	void (*memory_barrier)(struct vr_backend_ctx *bctx, uint32_t flags);
	void (*texture_barrier)(struct vr_backend_ctx *bctx, uint32_t flags);
	/** Called after the last command of every submitted buffer. */
	void (*flush)(struct vr_backend_ctx *bctx);
	/**
	 * Optional brackets around every submitted buffer, also one that fails:
	 * in between, only this context's commands run on this thread, so the
	 * backend may skip per-command checks of its API state (the GL backend's
	 * current-context check costs a system call).
	 */
	void (*submit_begin)(struct vr_backend_ctx *bctx);
	void (*submit_end)(struct vr_backend_ctx *bctx);
};

struct vr_backend_ctx {
	const struct vr_ctx_impl *impl;
};

#endif /* VR_BACKEND_H */
