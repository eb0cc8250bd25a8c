/*
 * pvgpu — queries and conditional rendering.
 *
 * A QUERY object maps to a GL query object. GET_QUERY_RESULT writes
 * `{u32 state = 1 (done), u32 result_size, u64 result}` (struct
 * vgp_query_result) at the query's offset of its buffer resource, into the
 * guest backing (which the guest polls) and into the GL buffer when one
 * exists. The renderer runs every submit synchronously, so the result is
 * always fetched with a wait: queries are rare and the guest is about to
 * wait for them anyway.
 *
 * GET_QUERY_RESULT_QBO writes one value into a buffer's GL object, on the GPU
 * through GL_QUERY_BUFFER (GL 4.4, ARB_query_buffer_object) when the query has a
 * GL object; otherwise the value is computed here and stored with
 * glBufferSubData. The GL buffer is what transfers and draws read, so both see it.
 */
#include <stdlib.h>
#include <string.h>

#include "gl_priv.h"
#include "vgp_gallium.h"

struct gl_query {
	GLuint id;     /* 0 for types answered without GL */
	GLenum target; /* GL_SAMPLES_PASSED, ..., GL_TIMESTAMP */
	bool active;
	bool ended; /* has a result to fetch */
};

static GLenum
query_target(uint32_t type)
{
	switch (type) {
	case PIPE_QUERY_OCCLUSION_COUNTER:
		return GL_SAMPLES_PASSED;
	case PIPE_QUERY_OCCLUSION_PREDICATE:
	case PIPE_QUERY_OCCLUSION_PREDICATE_CONSERVATIVE:
		return GL_ANY_SAMPLES_PASSED;
	case PIPE_QUERY_TIMESTAMP:
		return GL_TIMESTAMP;
	case PIPE_QUERY_TIME_ELAPSED:
		return GL_TIME_ELAPSED;
	case PIPE_QUERY_PRIMITIVES_GENERATED:
		return GL_PRIMITIVES_GENERATED;
	case PIPE_QUERY_PRIMITIVES_EMITTED:
		return GL_TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN;
	default:
		return 0;
	}
}

bool
gl_query_object_create(struct gl_ctx *c, struct vr_object *obj)
{
	struct gl_query *q = calloc(1, sizeof(*q));
	if (!q) {
		return false;
	}
	q->target = query_target(obj->u.query.type);
	if (q->target) {
		gl_make_current(c->be);
		glGenQueries(1, &q->id);
	}
	obj->backend_priv = q;
	return true;
}

void
gl_query_object_destroy(struct gl_ctx *c, struct vr_object *obj)
{
	struct gl_query *q = obj->backend_priv;
	if (!q) {
		return;
	}
	struct gl_backend *be = c->be;
	gl_make_current(be);
	if (q->active && q->target != GL_TIMESTAMP) {
		glEndQuery(q->target);
		be->tf_written_queries -= q->target == GL_TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN;
	}
	if (be->render_cond_active && be->render_cond_query == q->id) {
		glEndConditionalRender();
		be->render_cond_active = false;
	}
	if (q->id) {
		glDeleteQueries(1, &q->id);
	}
	free(q);
	obj->backend_priv = NULL;
}

static bool
begin_query(struct vr_backend_ctx *bctx, struct vr_object *obj)
{
	struct gl_query *q = obj->backend_priv;
	if (!q || !q->id || q->active) {
		return true;
	}
	gl_make_current(gl_ctx(bctx)->be);
	if (q->target != GL_TIMESTAMP) {
		glBeginQuery(q->target, q->id);
	}
	/* Stream output then cannot count a capture with a query of its own. */
	gl_ctx(bctx)->be->tf_written_queries +=
		q->target == GL_TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN;
	q->active = true;
	q->ended = false;
	return gl_check(gl_ctx(bctx)->be, "begin query");
}

static bool
end_query(struct vr_backend_ctx *bctx, struct vr_object *obj)
{
	struct gl_query *q = obj->backend_priv;
	if (!q) {
		return true;
	}
	gl_make_current(gl_ctx(bctx)->be);
	if (q->target == GL_TIMESTAMP) {
		glQueryCounter(q->id, GL_TIMESTAMP); /* timestamps only end */
	} else if (q->active) {
		glEndQuery(q->target);
		gl_ctx(bctx)->be->tf_written_queries -=
			q->target == GL_TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN;
	}
	q->active = false;
	q->ended = q->id != 0;
	return gl_check(gl_ctx(bctx)->be, "end query");
}

/* Copies `n` bytes to byte `off` of a resource's guest backing (any iovecs). */
static bool
backing_write(struct vr_backing *b, size_t off, const void *data, size_t n)
{
	if (!b || off > b->size || n > b->size - off) {
		return false;
	}
	const uint8_t *src = data;
	for (unsigned i = 0; i < b->iov_count && n; i++) {
		size_t len = b->iov[i].iov_len;
		if (off >= len) {
			off -= len;
			continue;
		}
		size_t k = len - off < n ? len - off : n;
		memcpy((uint8_t *)b->iov[i].iov_base + off, src, k);
		src += k;
		n -= k;
		off = 0;
	}
	return n == 0;
}

static bool
get_query_result(struct vr_backend_ctx *bctx, struct vr_object *obj, bool wait)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_query *q = obj->backend_priv;
	const struct vr_query_state *st = &obj->u.query;
	if (!q) {
		return true;
	}
	gl_make_current(c->be);
	GLuint64 value = 0;
	if (q->ended) {
		glGetQueryObjectui64v(q->id, GL_QUERY_RESULT, &value);
	} else if (st->type == PIPE_QUERY_GPU_FINISHED) {
		value = 1;
	}
	struct vgp_query_result r = {.state = 1, .result_size = 8, .result = value};
	if (st->type == PIPE_QUERY_OCCLUSION_PREDICATE ||
	    st->type == PIPE_QUERY_OCCLUSION_PREDICATE_CONSERVATIVE) {
		r.result = value != 0;
	}
	/* The decoder checked offset + size against the resource; the backing
	 * may still be shorter (or absent), so check again. */
	if (!backing_write(st->res->backing, st->offset, &r, sizeof(r))) {
		vr_ctx_error(c->ctx, "query %u: result offset %u outside the backing", obj->handle,
			     st->offset);
		return false;
	}
	struct gl_resource *gr = gl_res(st->res);
	if (gr->is_buffer && gr->id) {
		glBindBuffer(GL_COPY_WRITE_BUFFER, gr->id);
		glBufferSubData(GL_COPY_WRITE_BUFFER, st->offset, sizeof(r), &r);
	}
	(void)wait; /* always waited: see the file comment */
	return gl_check(c->be, "query result");
}

/* ---------------------------------------------------- query buffer objects */

/* The value clamped to the result type's range, in its first 4 or 8 bytes. */
static unsigned
qbo_encode(uint32_t result_type, uint64_t v, uint8_t out[8])
{
	uint64_t max = result_type == PIPE_QUERY_TYPE_I32   ? INT32_MAX
		       : result_type == PIPE_QUERY_TYPE_U32 ? UINT32_MAX
		       : result_type == PIPE_QUERY_TYPE_I64 ? INT64_MAX
							    : UINT64_MAX;
	v = v < max ? v : max;
	if (result_type <= PIPE_QUERY_TYPE_U32) {
		uint32_t v32 = (uint32_t)v;
		memcpy(out, &v32, 4);
		return 4;
	}
	memcpy(out, &v, 8);
	return 8;
}

/* GPU path: the GL writes the value (or nothing, for an unavailable result
 * without wait) at the buffer offset bound to GL_QUERY_BUFFER. */
static void
qbo_write_gpu(GLuint id, GLenum pname, const struct vr_query_qbo *qq)
{
	void *off = (void *)(uintptr_t)qq->offset;
	switch (qq->result_type) {
	case PIPE_QUERY_TYPE_I32:
		glGetQueryObjectiv(id, pname, off);
		break;
	case PIPE_QUERY_TYPE_U32:
		glGetQueryObjectuiv(id, pname, off);
		break;
	case PIPE_QUERY_TYPE_I64:
		glGetQueryObjecti64v(id, pname, off);
		break;
	default:
		glGetQueryObjectui64v(id, pname, off);
		break;
	}
}

static bool
get_query_result_qbo(struct vr_backend_ctx *bctx, const struct vr_query_qbo *qq)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_backend *be = c->be;
	struct gl_query *q = qq->query->backend_priv;
	bool availability = qq->index < 0;
	gl_make_current(be);
	GLuint buf = gl_buffer_get(be, qq->res);
	if (q && q->id && q->ended && be->has_qbo) {
		GLenum pname = availability ? GL_QUERY_RESULT_AVAILABLE
			       : qq->wait   ? GL_QUERY_RESULT
					    : GL_QUERY_RESULT_NO_WAIT;
		glBindBuffer(GL_QUERY_BUFFER, buf);
		qbo_write_gpu(q->id, pname, qq);
		/* Unbound again: with a query buffer bound, every other
		 * glGetQueryObject* would take its pointer as an offset. */
		glBindBuffer(GL_QUERY_BUFFER, 0);
		return gl_check(be, "query result to buffer");
	}
	/* CPU path. Queries without a GL object are answered at once: GPU_FINISHED
	 * with 1, types we do not implement with 0. A GL query that never ended
	 * (never issued, or still active) has no result: unavailable, 0 on wait. */
	bool available = !q || !q->id;
	uint64_t value = q && !q->id && qq->query->u.query.type == PIPE_QUERY_GPU_FINISHED;
	if (q && q->id && q->ended) {
		GLuint avail = 1;
		if (!qq->wait || availability) {
			glGetQueryObjectuiv(q->id, GL_QUERY_RESULT_AVAILABLE, &avail);
		}
		available = avail != 0;
		if (available && !availability) {
			glGetQueryObjectui64v(q->id, GL_QUERY_RESULT, &value);
		}
	}
	if (availability) {
		value = available;
	} else if (!available && !qq->wait) {
		return true; /* as GL_QUERY_RESULT_NO_WAIT: leave the bytes alone */
	}
	uint8_t bytes[8];
	unsigned n = qbo_encode(qq->result_type, value, bytes);
	glBindBuffer(GL_COPY_WRITE_BUFFER, buf);
	glBufferSubData(GL_COPY_WRITE_BUFFER, qq->offset, n, bytes);
	return gl_check(be, "query result to buffer");
}

/* ------------------------------------------------------ conditional render */

static void
set_render_condition(struct vr_backend_ctx *bctx, struct vr_object *query, bool condition,
		     uint32_t mode)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_backend *be = c->be;
	gl_make_current(be);
	if (be->render_cond_active) {
		glEndConditionalRender();
		be->render_cond_active = false;
	}
	struct gl_query *q = query ? query->backend_priv : NULL;
	if (!q || !q->id || q->target == GL_TIMESTAMP || q->target == GL_TIME_ELAPSED) {
		return;
	}
	/* Gallium: condition = true skips rendering when the result is non-zero. */
	static const GLenum modes[4] = {GL_QUERY_WAIT, GL_QUERY_NO_WAIT, GL_QUERY_BY_REGION_WAIT,
					GL_QUERY_BY_REGION_NO_WAIT};
	static const GLenum inverted[4] = {GL_QUERY_WAIT_INVERTED, GL_QUERY_NO_WAIT_INVERTED,
					   GL_QUERY_BY_REGION_WAIT_INVERTED,
					   GL_QUERY_BY_REGION_NO_WAIT_INVERTED};
	if (condition && be->gl_version < 45) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "inverted render condition unsupported");
		return;
	}
	glBeginConditionalRender(q->id, condition ? inverted[mode & 3] : modes[mode & 3]);
	be->render_cond_active = true;
	be->render_cond_query = q->id;
}

void
gl_query_init_ctx(struct vr_ctx_impl *impl)
{
	impl->begin_query = begin_query;
	impl->end_query = end_query;
	impl->get_query_result = get_query_result;
	impl->get_query_result_qbo = get_query_result_qbo;
	impl->set_render_condition = set_render_condition;
}
