/* pvgpu guest driver — queries: each owns a small buffer the host writes into. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gd_priv.h"
#include "vgp_virgl_format.h"

static struct gd_query *
find_query(struct gd_context *ctx, uint32_t handle)
{
	for (uint32_t i = 0; i < ctx->nqueries; i++) {
		if (ctx->queries[i].handle == handle) {
			return &ctx->queries[i];
		}
	}
	return NULL;
}

uint32_t
gd_create_query(struct gd_context *ctx, uint32_t type, uint32_t index)
{
	if (ctx->error) {
		return 0;
	}
	if (ctx->nqueries == ctx->queries_cap) {
		uint32_t cap = ctx->queries_cap ? ctx->queries_cap * 2 : 8;
		struct gd_query *n = realloc(ctx->queries, cap * sizeof(*n));
		if (!n) {
			gd_ctx_fail(ctx, -ENOMEM);
			return 0;
		}
		ctx->queries = n;
		ctx->queries_cap = cap;
	}
	struct gd_resource_desc d = {
		.target = PIPE_BUFFER,
		.format = VIRGL_FORMAT_R8_UNORM,
		.bind = VIRGL_BIND_QUERY_BUFFER,
		.width = sizeof(struct vgp_query_result),
	};
	struct gd_resource *res;
	int r = gd_resource_create_internal(ctx->screen, &d, &res);
	if (r < 0) {
		gd_ctx_fail(ctx, r);
		return 0;
	}
	if (ctx->next_handle == UINT32_MAX) {
		gd_resource_unref(res);
		gd_ctx_fail(ctx, -ENOSPC);
		return 0;
	}
	uint32_t h = ctx->next_handle++;
	uint32_t *p =
		gd_cmd(ctx, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_QUERY, VIRGL_OBJ_QUERY_SIZE);
	if (!p) {
		gd_resource_unref(res);
		return 0;
	}
	p[1] = h;
	p[2] = (type & 0xffffu) | index << 16;
	p[3] = 0;
	p[4] = gd_res_use(ctx, res);
	ctx->queries[ctx->nqueries++] = (struct gd_query){h, res};
	return h;
}

void
gd_query_forget(struct gd_context *ctx, uint32_t handle)
{
	struct gd_query *q = find_query(ctx, handle);
	if (q) {
		gd_resource_unref(q->res);
		*q = ctx->queries[--ctx->nqueries];
	}
}

static void
query_cmd(struct gd_context *ctx, uint32_t op, uint32_t handle)
{
	uint32_t *p = gd_cmd(ctx, op, 0, 1);
	if (p) {
		p[1] = handle;
	}
}

void
gd_begin_query(struct gd_context *ctx, uint32_t query)
{
	query_cmd(ctx, VIRGL_CCMD_BEGIN_QUERY, query);
}

void
gd_end_query(struct gd_context *ctx, uint32_t query)
{
	query_cmd(ctx, VIRGL_CCMD_END_QUERY, query);
}

int
gd_get_query_result(struct gd_context *ctx, uint32_t query, bool wait, uint64_t *result)
{
	struct gd_query *q = find_query(ctx, query);
	if (!q) {
		return -EINVAL;
	}
	struct vgp_query_result *qr = q->res->ws_res->map;
	if (!qr) {
		return -EINVAL;
	}
	/* The host writes the block only when it has a result, so clear "done" first. */
	qr->state = 0;
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_GET_QUERY_RESULT, 0, 2);
	if (!p) {
		return ctx->error;
	}
	p[1] = query;
	p[2] = wait;
	int r = gd_context_flush(ctx, true);
	if (r < 0) {
		return r;
	}
	if (qr->state != 1) {
		return -EAGAIN;
	}
	memcpy(result, &qr->result, sizeof(*result));
	return 0;
}
