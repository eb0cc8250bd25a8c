/* pvgpu guest driver — command buffers: reserve, reference, submit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gd_priv.h"

/* SET_SUB_CTX opens every buffer: other contexts of the screen share the host context. */
#define PREAMBLE_DW 2u

uint32_t
gd_cmd_max_payload(void)
{
	return GD_CMDBUF_DWORDS - PREAMBLE_DW - 1;
}

static void
start_buffer(struct gd_context *ctx)
{
	ctx->dw[0] = VGP_CMD_HEADER(VIRGL_CCMD_SET_SUB_CTX, 0, 1);
	ctx->dw[1] = ctx->sub_ctx;
	ctx->ndw = PREAMBLE_DW;
	ctx->preamble_dw = PREAMBLE_DW;
	ctx->cb_seq++;
}

int
gd_cmdbuf_init(struct gd_context *ctx)
{
	ctx->dw = malloc(GD_CMDBUF_DWORDS * sizeof(uint32_t));
	if (!ctx->dw) {
		return -ENOMEM;
	}
	start_buffer(ctx);
	return 0;
}

static void
drop_refs(struct gd_context *ctx)
{
	for (uint32_t i = 0; i < ctx->nrefs; i++) {
		gd_resource_unref(ctx->refs[i]);
	}
	ctx->nrefs = 0;
}

void
gd_cmdbuf_finish(struct gd_context *ctx)
{
	drop_refs(ctx);
	free(ctx->refs);
	free(ctx->dw);
	ctx->refs = NULL;
	ctx->dw = NULL;
}

int
gd_cmdbuf_submit(struct gd_context *ctx)
{
	if (ctx->ndw <= ctx->preamble_dw) {
		return ctx->error == -ENOTCONN ? ctx->error : 0;
	}
	struct gd_winsys *ws = ctx->screen->ws;
	struct gd_ws_res *stack_refs[64] = {NULL};
	struct gd_ws_res **refs = stack_refs;
	if (ctx->nrefs > 64) {
		refs = malloc(ctx->nrefs * sizeof(*refs));
		if (!refs) {
			return gd_ctx_fail(ctx, -ENOMEM);
		}
	}
	for (uint32_t i = 0; i < ctx->nrefs; i++) {
		refs[i] = ctx->refs[i]->ws_res;
	}
	uint64_t fence = 0;
	int r = ws->impl->submit(ws, ctx->dw, ctx->ndw, refs, ctx->nrefs, &fence);
	if (refs != stack_refs) {
		free(refs);
	}
	drop_refs(ctx);
	start_buffer(ctx);
	if (r < 0) {
		return gd_ctx_fail(ctx, r);
	}
	ctx->last_fence = fence;
	ctx->have_fence = true;
	return 0;
}

uint32_t *
gd_cmd(struct gd_context *ctx, uint32_t op, uint32_t obj, uint32_t len)
{
	if (ctx->error) {
		return NULL;
	}
	if (len > gd_cmd_max_payload() || len > 0xffffu) {
		gd_ctx_fail(ctx, -ENOSPC);
		return NULL;
	}
	if (ctx->ndw + 1 + len > GD_CMDBUF_DWORDS && gd_cmdbuf_submit(ctx) < 0) {
		return NULL;
	}
	uint32_t *p = &ctx->dw[ctx->ndw];
	p[0] = VGP_CMD_HEADER(op, obj, len);
	memset(&p[1], 0, (size_t)len * sizeof(uint32_t));
	ctx->ndw += 1 + len;
	return p;
}

void
gd_cmd_ref(struct gd_context *ctx, struct gd_resource *res)
{
	if (res->cb_ctx == ctx && res->cb_seq == ctx->cb_seq) {
		return;
	}
	if (ctx->nrefs == ctx->refs_cap) {
		uint32_t cap = ctx->refs_cap ? ctx->refs_cap * 2 : 32;
		struct gd_resource **n = realloc(ctx->refs, cap * sizeof(*n));
		if (!n) {
			gd_ctx_fail(ctx, -ENOMEM);
			return;
		}
		ctx->refs = n;
		ctx->refs_cap = cap;
	}
	gd_resource_ref(res);
	ctx->refs[ctx->nrefs++] = res;
	res->cb_ctx = ctx;
	res->cb_seq = ctx->cb_seq;
}
