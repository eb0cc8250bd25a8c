/*
 * pvgpu guest driver — internal structures shared by the gd_*.c files.
 * Ownership: a screen owns its winsys; a resource holds a screen pointer (the
 * screen must outlive it); a context holds references on the resources its
 * unsubmitted commands name, dropped once they are submitted.
 */
#ifndef GD_PRIV_H
#define GD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "gd.h"
#include "gd_winsys.h"
#include "vgp_virgl_cmd.h"

/* Dwords per command buffer: 256 KiB, well under what hosts accept (vgp_virgl_cmd.h). */
#define GD_CMDBUF_DWORDS 65536u
_Static_assert(GD_CMDBUF_DWORDS <= VGP_MAX_CMDBUF_DWORDS, "hosts reject larger submits");

struct gd_screen {
	struct gd_winsys *ws;
	struct vgp_caps_v2 caps;
	uint32_t caps_version;
	uint32_t next_sub_ctx; /* sub-context ids handed to contexts */
	uint32_t live_resources;
};

struct gd_resource {
	uint32_t refcount;
	struct gd_screen *screen;
	struct gd_resource_desc desc;
	struct gd_ws_res *ws_res;
	uint8_t block_bytes; /* bytes per texel (1 for buffers) */
	/* The host may still read the guest memory (a transfer was queued from it). */
	bool backing_in_flight;
	/* Last command buffer (gd_context.cb_seq) that holds a reference. */
	uint64_t cb_seq;
	const struct gd_context *cb_ctx;
};

struct gd_query {
	uint32_t handle;
	struct gd_resource *res; /* struct vgp_query_result at offset 0 */
};

struct gd_context {
	struct gd_screen *screen;
	uint32_t sub_ctx;
	uint32_t next_handle;
	int error; /* first recorded error */

	/* Command buffer being encoded; starts with SET_SUB_CTX. */
	uint32_t *dw;
	uint32_t ndw;
	uint32_t preamble_dw; /* dwords of the SET_SUB_CTX preamble */
	uint64_t cb_seq;
	struct gd_resource **refs;
	uint32_t nrefs, refs_cap;

	uint64_t last_fence;
	bool have_fence;

	struct gd_query *queries;
	uint32_t nqueries, queries_cap;
};

/* gd_context.c */
/** Records `err` as the context's error if it has none yet; returns err. */
int gd_ctx_fail(struct gd_context *ctx, int err);

/* gd_cmdbuf.c */
/**
 * Reserves one command of `len` payload dwords and writes its header; returns a
 * pointer p with p[1..len] to fill (zeroed), or NULL (error recorded) when the
 * context is failed or the command can never fit. Flushes when the buffer is full.
 */
uint32_t *gd_cmd(struct gd_context *ctx, uint32_t op, uint32_t obj, uint32_t len);
/** Keeps `res` alive and listed until the current buffer is submitted. */
void gd_cmd_ref(struct gd_context *ctx, struct gd_resource *res);
/** Largest payload a single command can carry. */
uint32_t gd_cmd_max_payload(void);
/** Submits the buffer (if it holds more than the preamble) and starts a new one. */
int gd_cmdbuf_submit(struct gd_context *ctx);
int gd_cmdbuf_init(struct gd_context *ctx);
void gd_cmdbuf_finish(struct gd_context *ctx);

static inline uint32_t
gd_f2u(float f)
{
	union {
		float f;
		uint32_t u;
	} v = {.f = f};
	return v.u;
}

static inline void
gd_put_box(uint32_t *p, const struct gd_box *b)
{
	p[0] = (uint32_t)b->x;
	p[1] = (uint32_t)b->y;
	p[2] = (uint32_t)b->z;
	p[3] = (uint32_t)b->w;
	p[4] = (uint32_t)b->h;
	p[5] = (uint32_t)b->d;
}

/* gd_query.c */
/** Drops the buffer of a destroyed query. */
void gd_query_forget(struct gd_context *ctx, uint32_t handle);

/* gd_resource.c */
/** Host handle, and the resource referenced by the current command buffer. */
uint32_t gd_res_use(struct gd_context *ctx, struct gd_resource *res);
/** Creates a resource without checking caps (internal buffers). */
int gd_resource_create_internal(struct gd_screen *screen, const struct gd_resource_desc *desc,
				struct gd_resource **out);
/** Waits until the host no longer reads res's guest memory. */
int gd_resource_backing_idle(struct gd_context *ctx, struct gd_resource *res);

#endif /* GD_PRIV_H */
