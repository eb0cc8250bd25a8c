/*
 * pvgpu — stream output (transform feedback).
 *
 * Gallium keeps, per streamout target, how many bytes were written into it;
 * GL only keeps offsets inside one Begin/End. So every capturing draw is its own Begin/End on
 * ranges bound at `target offset + filled`, and `filled` advances by what the draw wrote: computed
 * from the draw (primitives that fit in every buffer, which is what GL writes: a primitive that
 * does not fit is dropped, and all of a draw's primitives have one size), or, when a geometry
 * shader or primitive restart makes the count unknown, read back from a PRIMITIVES_WRITTEN query.
 * Draw auto (count_from_so, which only flags it: Mesa sends the target's size)
 * draws `filled / vertex size` vertices of the first target of the last
 * non-empty SET_STREAMOUT_TARGETS, the one Mesa's transform feedback object
 * recorded into (targets are unbound before the draw).
 */
#include <stdlib.h>
#include <string.h>

#include "gl_priv.h"
#include "vgp_gallium.h"

/* backend_priv of a STREAMOUT_TARGET object. */
struct gl_so_target {
	uint32_t filled;       /* bytes written since creation */
	uint32_t vertex_bytes; /* vertex record size of the last capture, 0 = none */
};

bool
gl_so_target_create(struct gl_ctx *c, struct vr_object *obj)
{
	(void)c;
	obj->backend_priv = calloc(1, sizeof(struct gl_so_target));
	return obj->backend_priv != NULL;
}

void
gl_so_target_destroy(struct gl_ctx *c, struct vr_object *obj)
{
	(void)c;
	free(obj->backend_priv);
	obj->backend_priv = NULL;
}

uint32_t
gl_so_target_vertices(const struct vr_object *obj)
{
	const struct gl_so_target *t = obj ? obj->backend_priv : NULL;
	return t && t->vertex_bytes ? t->filled / t->vertex_bytes : 0;
}

void
gl_set_streamout_targets(struct vr_backend_ctx *bctx, uint32_t append_mask, uint32_t count,
			 struct vr_object *const *targets)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_sub *s = c->cur;
	if (!s) {
		return;
	}
	for (uint32_t i = VR_SHADER_SO_BUFFERS; i < count; i++) {
		if (targets[i]) {
			vr_ctx_error(c->ctx,
				     "SET_STREAMOUT_TARGETS: target %u beyond the %u advertised", i,
				     VR_SHADER_SO_BUFFERS);
			return;
		}
	}
	/*
	 * append_mask is not usable: Mesa's virgl driver always sends 0, also when
	 * glResumeTransformFeedback rebinds the same targets. What it does instead
	 * is create new target objects at each glBeginTransformFeedback (the old ones
	 * become the draw-auto source), so a target continues where it left off and
	 * a new one starts at its offset -- the behaviour virglrenderer has too.
	 */
	(void)append_mask;
	for (uint32_t i = 0; i < VR_SHADER_SO_BUFFERS; i++) {
		gl_swap_ref(&s->so_targets[i], i < count ? targets[i] : NULL);
	}
	for (uint32_t i = 0; i < count && i < VR_SHADER_SO_BUFFERS; i++) {
		if (targets[i]) {
			gl_swap_ref(&s->so_last_target, targets[i]);
			break;
		}
	}
}

void
gl_so_release(struct gl_sub *s)
{
	for (uint32_t i = 0; i < VR_SHADER_SO_BUFFERS; i++) {
		gl_swap_ref(&s->so_targets[i], NULL);
	}
	gl_swap_ref(&s->so_last_target, NULL);
}

/* GL transform feedback primitive class of a gallium primitive; *verts = 0 if none. */
static GLenum
prim_class(uint32_t mode, uint32_t *verts)
{
	switch (mode) {
	case PIPE_PRIM_POINTS:
		*verts = 1;
		return GL_POINTS;
	case PIPE_PRIM_LINES:
	case PIPE_PRIM_LINE_LOOP:
	case PIPE_PRIM_LINE_STRIP:
	case PIPE_PRIM_LINES_ADJACENCY:
	case PIPE_PRIM_LINE_STRIP_ADJACENCY:
		*verts = 2;
		return GL_LINES;
	case PIPE_PRIM_TRIANGLES:
	case PIPE_PRIM_TRIANGLE_STRIP:
	case PIPE_PRIM_TRIANGLE_FAN:
	case PIPE_PRIM_TRIANGLES_ADJACENCY:
	case PIPE_PRIM_TRIANGLE_STRIP_ADJACENCY:
		*verts = 3;
		return GL_TRIANGLES;
	default:
		*verts = 0;
		return GL_POINTS;
	}
}

/* Primitives a draw of `n` vertices assembles (no geometry shader). */
static uint64_t
draw_prims(uint32_t mode, uint32_t n)
{
	switch (mode) {
	case PIPE_PRIM_POINTS:
		return n;
	case PIPE_PRIM_LINES:
		return n / 2;
	case PIPE_PRIM_LINE_LOOP:
		return n >= 2 ? n : 0;
	case PIPE_PRIM_LINE_STRIP:
		return n >= 2 ? n - 1 : 0;
	case PIPE_PRIM_TRIANGLES:
		return n / 3;
	case PIPE_PRIM_TRIANGLE_STRIP:
	case PIPE_PRIM_TRIANGLE_FAN:
		return n >= 3 ? n - 2 : 0;
	case PIPE_PRIM_LINES_ADJACENCY:
		return n / 4;
	case PIPE_PRIM_LINE_STRIP_ADJACENCY:
		return n >= 4 ? n - 3 : 0;
	case PIPE_PRIM_TRIANGLES_ADJACENCY:
		return n / 6;
	case PIPE_PRIM_TRIANGLE_STRIP_ADJACENCY:
		return n >= 6 ? (n - 4) / 2 : 0;
	default:
		return 0;
	}
}

bool
gl_so_begin(struct gl_ctx *c, struct gl_sub *s, const struct gl_program *p,
	    const struct vr_draw_info *d, struct gl_so_draw *st)
{
	struct gl_backend *be = c->be;
	memset(st, 0, sizeof(*st));
	uint32_t bound = 0;
	for (uint32_t b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		bound |= s->so_targets[b] ? 1u << b : 0;
	}
	if (!p->so_buffer_mask || !bound) {
		return true; /* nothing captures, or nothing to capture into */
	}
	uint32_t vpp = 0;
	GLenum mode = prim_class(p->so_gs ? p->so_gs_prim : d->mode, &vpp);
	bool exact = !p->so_gs && !(d->indexed && d->primitive_restart);
	uint64_t inst = d->instance_count > 1 ? d->instance_count : 1;
	uint64_t prims = exact ? draw_prims(d->mode, d->count) * inst : UINT64_MAX;
	GLintptr off[VR_SHADER_SO_BUFFERS];
	GLsizeiptr size[VR_SHADER_SO_BUFFERS];
	for (uint32_t b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		if (!(p->so_buffer_mask & (1u << b))) {
			continue;
		}
		const struct vr_object *obj = s->so_targets[b];
		if (!obj || !vpp) {
			/* GL cannot capture with a buffer missing: draw without capture. */
			vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN,
				  "stream output buffer %u has no target bound", b);
			return true;
		}
		const struct vr_so_target_state *ts = &obj->u.so_target;
		const struct gl_so_target *t = obj->backend_priv;
		off[b] = (GLintptr)ts->buffer_offset + t->filled;
		size[b] = (GLsizeiptr)((ts->buffer_size - t->filled) & ~3u);
		if (off[b] % 4) {
			vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN,
				  "stream output offset %ld not dword aligned", (long)off[b]);
			return true;
		}
		uint64_t fit = (uint64_t)size[b] / ((uint64_t)vpp * p->so_stride[b] * 4);
		prims = fit < prims ? fit : prims;
	}
	if (prims == 0) {
		return true; /* nothing fits (GL cannot bind an empty range) */
	}
	for (uint32_t b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		if (p->so_buffer_mask & (1u << b)) {
			GLuint buf = gl_buffer_get(be, s->so_targets[b]->u.so_target.res);
			glBindBufferRange(GL_TRANSFORM_FEEDBACK_BUFFER, b, buf, off[b], size[b]);
		}
	}
	st->query = !exact && be->tf_written_queries == 0;
	if (st->query) {
		if (!be->so_query) {
			glGenQueries(1, &be->so_query);
		}
		glBeginQuery(GL_TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN, be->so_query);
	} else if (!exact) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN,
			  "stream output count unknown while a guest query counts it");
	}
	glBeginTransformFeedback(mode);
	st->active = true;
	st->prims = exact ? prims : 0;
	st->vpp = vpp;
	return gl_check(be, "begin transform feedback");
}

void
gl_so_end(struct gl_ctx *c, struct gl_sub *s, const struct gl_program *p, struct gl_so_draw *st)
{
	if (!st->active) {
		return;
	}
	glEndTransformFeedback();
	if (st->query) {
		GLuint64 n = 0;
		glEndQuery(GL_TRANSFORM_FEEDBACK_PRIMITIVES_WRITTEN);
		glGetQueryObjectui64v(c->be->so_query, GL_QUERY_RESULT, &n);
		st->prims = n;
	}
	for (uint32_t b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		if (!(p->so_buffer_mask & (1u << b))) {
			continue;
		}
		const struct vr_object *obj = s->so_targets[b];
		struct gl_so_target *t = obj->backend_priv;
		uint64_t room = obj->u.so_target.buffer_size - t->filled;
		uint64_t vbytes = (uint64_t)p->so_stride[b] * 4;
		uint64_t n = st->prims * st->vpp * vbytes;
		t->filled += (uint32_t)(n < room ? n : room);
		t->vertex_bytes = (uint32_t)vbytes;
	}
}
