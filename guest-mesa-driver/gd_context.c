/* pvgpu guest driver — contexts: sub-context lifetime, errors, flushes. */
#include <errno.h>
#include <stdlib.h>

#include "gd_priv.h"

int
gd_ctx_fail(struct gd_context *ctx, int err)
{
	if (err < 0 && !ctx->error) {
		ctx->error = err;
	}
	return err;
}

int
gd_context_error(const struct gd_context *ctx)
{
	return ctx->error;
}

int
gd_context_create(struct gd_screen *screen, struct gd_context **out)
{
	*out = NULL;
	if (screen->ws->status < 0) {
		return screen->ws->status;
	}
	if (screen->next_sub_ctx == UINT32_MAX) {
		return -ENOSPC;
	}
	struct gd_context *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		return -ENOMEM;
	}
	ctx->screen = screen;
	ctx->sub_ctx = screen->next_sub_ctx++;
	ctx->next_handle = 1;
	int r = gd_cmdbuf_init(ctx);
	if (r < 0) {
		free(ctx);
		return r;
	}
	/* The preamble selects the sub-context, so it must exist before it: create
	 * it in a buffer of its own. */
	ctx->ndw = 0;
	ctx->preamble_dw = 0;
	uint32_t *create = gd_cmd(ctx, VIRGL_CCMD_CREATE_SUB_CTX, 0, 1);
	uint32_t *set = gd_cmd(ctx, VIRGL_CCMD_SET_SUB_CTX, 0, 1);
	create[1] = ctx->sub_ctx;
	set[1] = ctx->sub_ctx;
	r = gd_cmdbuf_submit(ctx);
	if (r < 0) {
		gd_cmdbuf_finish(ctx);
		free(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

void
gd_context_destroy(struct gd_context *ctx)
{
	if (!ctx) {
		return;
	}
	if (!ctx->error) {
		uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_DESTROY_SUB_CTX, 0, 1);
		if (p) {
			p[1] = ctx->sub_ctx;
		}
		gd_cmdbuf_submit(ctx);
	}
	for (uint32_t i = 0; i < ctx->nqueries; i++) {
		gd_resource_unref(ctx->queries[i].res);
	}
	free(ctx->queries);
	gd_cmdbuf_finish(ctx);
	free(ctx);
}

int
gd_context_flush(struct gd_context *ctx, bool wait)
{
	if (ctx->error) {
		return ctx->error;
	}
	int r = gd_cmdbuf_submit(ctx);
	if (r == 0 && wait && ctx->have_fence) {
		struct gd_winsys *ws = ctx->screen->ws;
		r = ws->impl->fence_wait(ws, ctx->last_fence, -1);
		if (r < 0) {
			gd_ctx_fail(ctx, r);
		}
	}
	return r;
}
