/*
 * pvgpu — shader objects and the program cache.
 *
 * A SHADER object's TGSI is parsed once when it is created (renderer/shader);
 * GLSL is emitted and compiled per vr_shader_key the first time a draw needs
 * that variant. Linked programs are cached backend-wide, keyed by the identity
 * (a never-reused serial) of the VS/FS/GS objects plus the full key, with
 * uniform locations looked up once at link time. A shader object's death evicts
 * every program that uses it.
 *
 * Naming conventions shared with the translator (renderer/shader/README.md):
 * constants `uniform uvec4 <S>_c[N]` (raw bits, glUniform4uiv), UBO k is block
 * `<S>_ub<k>`, sampler i is `<S>_s<i>`, vertex attribute i is at location i,
 * `uniform float pvgpu_winsys_adjust_y`, `uniform float pvgpu_alpha_ref`,
 * `uniform vec4 pvgpu_clip_plane[8]`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl_priv.h"
#include "vgp_gallium.h"

#define GL_SHADER_VARIANTS 8 /* compiled keys kept per shader object */

struct gl_shader_variant {
	struct vr_shader_key key;
	GLuint id;
};

struct gl_shader {
	uint32_t serial;
	uint32_t stage;
	struct vr_tgsi_program *tgsi; /* NULL: passthrough GLSL or untranslatable */
	const char *glsl;             /* passthrough text (the object's own) */
	struct gl_shader_variant v[GL_SHADER_VARIANTS];
	uint32_t nv, evict;
	bool have_info;             /* info below is from a translation */
	struct vr_shader_so so;     /* stream output layout (num_outputs 0: none) */
	struct vr_shader_info info; /* interface (key-independent) */
};

static const char *const stage_prefix[GL_STAGES] = {"vs", "fs", "gs"};

static void
so_from_state(struct vr_shader_so *so, const struct vr_shader_state *st)
{
	so->num_outputs = st->num_so_outputs;
	for (uint32_t b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		so->stride[b] = st->so_stride[b];
	}
	for (uint32_t i = 0; i < st->num_so_outputs && i < VR_SHADER_SO_MAX_OUTPUTS; i++) {
		const struct vr_so_output *o = &st->so_outputs[i];
		so->outputs[i] = (struct vr_shader_so_output){
			.register_index = o->register_index,
			.start_component = o->start_component,
			.num_components = o->num_components,
			.output_buffer = o->output_buffer,
			.dst_offset = o->dst_offset,
			.stream = o->stream,
		};
	}
}

bool
gl_shader_object_create(struct gl_ctx *c, struct vr_object *obj)
{
	const struct vr_shader_state *st = &obj->u.shader;
	struct gl_backend *be = c->be;
	struct gl_shader *sh = calloc(1, sizeof(*sh));
	if (!sh) {
		return false;
	}
	sh->serial = ++be->next_serial;
	sh->stage = st->stage;
	so_from_state(&sh->so, st);
	size_t len = strnlen(st->text, st->text_len);
	vr_dbg(VR_CAT_GL, "shader %u (stage %u) TGSI:\n%s", obj->handle, st->stage, st->text);
	if (be->glsl_passthrough && strncmp(st->text, "#version", 8) == 0) {
		sh->glsl = st->text;
	} else if (st->stage < GL_STAGES) {
#ifdef PVGPU_HAVE_TRANSLATOR
		char err[256] = "";
		sh->tgsi = vr_tgsi_parse(st->text, len, err, sizeof(err));
		if (!sh->tgsi) {
			vr_ctx_error(c->ctx, "shader %u: TGSI rejected: %s", obj->handle, err);
			free(sh);
			return false;
		}
#else
		(void)len;
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN,
			  "shader %u: built without the TGSI translator; its draws are skipped",
			  obj->handle);
#endif
	}
	obj->backend_priv = sh;
	return true;
}

/* Deletes the cached programs that use `serial`. */
static void
evict_programs(struct gl_backend *be, uint32_t serial)
{
	struct gl_program **lp = &be->prog_list;
	while (*lp) {
		struct gl_program *p = *lp;
		if (p->serial[0] != serial && p->serial[1] != serial && p->serial[2] != serial) {
			lp = &p->list_next;
			continue;
		}
		*lp = p->list_next;
		struct gl_program *head = vr_hash_remove(&be->programs, p->hash);
		struct gl_program **cp = &head;
		while (*cp && *cp != p) {
			cp = &(*cp)->next;
		}
		if (*cp) {
			*cp = p->next;
		}
		if (head) {
			vr_hash_insert(&be->programs, p->hash, head); /* reuses the freed slot */
		}
		if (be->cache.program == p->id) {
			be->cache.program = ~0u;
		}
		glDeleteProgram(p->id);
		free(p);
	}
}

void
gl_shader_object_destroy(struct gl_ctx *c, struct vr_object *obj)
{
	struct gl_shader *sh = obj->backend_priv;
	if (!sh) {
		return;
	}
	gl_make_current(c->be);
	evict_programs(c->be, sh->serial);
	for (uint32_t i = 0; i < sh->nv; i++) {
		glDeleteShader(sh->v[i].id);
	}
#ifdef PVGPU_HAVE_TRANSLATOR
	vr_tgsi_program_destroy(sh->tgsi);
#endif
	free(sh);
	obj->backend_priv = NULL;
}

void
gl_programs_finish(struct gl_backend *be)
{
	while (be->prog_list) {
		struct gl_program *p = be->prog_list;
		be->prog_list = p->list_next;
		glDeleteProgram(p->id);
		free(p);
	}
	vr_hash_finish(&be->programs);
}

/* ------------------------------------------------------------- compile */

static GLuint
compile_glsl(struct gl_ctx *c, uint32_t stage, const char *src, uint32_t handle)
{
	static const GLenum types[GL_STAGES] = {GL_VERTEX_SHADER, GL_FRAGMENT_SHADER,
						GL_GEOMETRY_SHADER};
	GLuint id = glCreateShader(types[stage]);
	glShaderSource(id, 1, &src, NULL);
	glCompileShader(id);
	c->be->stats.shaders_compiled++;
	GLint ok = GL_FALSE;
	glGetShaderiv(id, GL_COMPILE_STATUS, &ok);
	if (ok) {
		return id;
	}
	char log[1024] = "";
	glGetShaderInfoLog(id, sizeof(log), NULL, log);
	vr_warn(VR_CAT_GL, "shader %u: GLSL compile failed:\n%s", handle, log);
	vr_dbg(VR_CAT_GL, "shader %u GLSL:\n%s", handle, src);
	vr_ctx_error(c->ctx, "shader %u: GLSL compile failed: %.100s", handle, log);
	glDeleteShader(id);
	return 0;
}

static GLuint
emit_and_compile(struct gl_ctx *c, struct gl_shader *sh, const struct vr_shader_key *k,
		 uint32_t handle)
{
	if (sh->glsl) {
		return compile_glsl(c, sh->stage, sh->glsl, handle);
	}
#ifdef PVGPU_HAVE_TRANSLATOR
	if (!sh->tgsi) {
		return 0;
	}
	struct vr_shader_result res;
	memset(&res, 0, sizeof(res));
	if (!vr_shader_emit(sh->tgsi, k, &res)) {
		vr_ctx_error(c->ctx, "shader %u: cannot translate: %s", handle, res.error);
		vr_shader_result_finish(&res);
		return 0;
	}
	vr_dbg(VR_CAT_GL, "shader %u GLSL:\n%s", handle, res.glsl);
	if (!sh->have_info) {
		sh->info = res.info;
		sh->have_info = true;
	}
	GLuint id = compile_glsl(c, sh->stage, res.glsl, handle);
	vr_shader_result_finish(&res);
	return id;
#else
	(void)k;
	return 0;
#endif
}

/* The compiled variant of a shader object for its stage key; 0 on failure. */
static GLuint
variant(struct gl_ctx *c, struct vr_object *obj, const struct vr_shader_key *k)
{
	struct gl_shader *sh = obj->backend_priv;
	for (uint32_t i = 0; i < sh->nv; i++) {
		if (memcmp(&sh->v[i].key, k, sizeof(*k)) == 0) {
			return sh->v[i].id;
		}
	}
	GLuint id = emit_and_compile(c, sh, k, obj->handle);
	if (!id) {
		return 0;
	}
	uint32_t slot = sh->nv < GL_SHADER_VARIANTS ? sh->nv++ : sh->evict++ % GL_SHADER_VARIANTS;
	if (sh->v[slot].id) {
		/* Programs keep an attached shader alive after deletion. */
		glDeleteShader(sh->v[slot].id);
	}
	sh->v[slot].key = *k;
	sh->v[slot].id = id;
	return id;
}

/* Stage keys for a draw key: the FS gets all of it; VS and GS get what they
 * depend on plus the next stage's interpolation (GLSL 3.30 needs matching
 * qualifiers), so stages are compiled back to front. */
static bool
compile_stages(struct gl_ctx *c, struct gl_sub *s, const struct vr_shader_key *full,
	       GLuint ids[GL_STAGES])
{
	struct vr_shader_key keys[GL_STAGES];
	const struct gl_shader *next = NULL;
	const struct vr_shader_key *next_key = NULL;
	static const uint32_t order[GL_STAGES] = {VIRGL_SHADER_FRAGMENT, VIRGL_SHADER_GEOMETRY,
						  VIRGL_SHADER_VERTEX};
	for (uint32_t i = 0; i < GL_STAGES; i++) {
		uint32_t st = order[i];
		struct vr_shader_key *k = &keys[st];
		if (!s->shaders[st]) {
			continue;
		}
		if (st == VIRGL_SHADER_FRAGMENT) {
			*k = *full;
			k->clip_plane_enable = 0;
		} else {
			memset(k, 0, sizeof(*k));
			k->target = full->target;
			k->clip_halfz = full->clip_halfz;
			if (st == VIRGL_SHADER_GEOMETRY || !s->shaders[VIRGL_SHADER_GEOMETRY]) {
				k->clip_plane_enable = full->clip_plane_enable;
			}
			k->gs_follows =
				st == VIRGL_SHADER_VERTEX && s->shaders[VIRGL_SHADER_GEOMETRY];
			const struct gl_shader *sh = s->shaders[st]->backend_priv;
			if (!k->gs_follows && sh->so.num_outputs) {
				k->so = &sh->so; /* the last vertex stage captures */
			}
#ifdef PVGPU_HAVE_TRANSLATOR
			if (next && next->have_info) {
				vr_shader_key_set_next_stage(k, &next->info, next_key);
			}
#else
			(void)next, (void)next_key;
#endif
		}
		if (!(ids[st] = variant(c, s->shaders[st], k))) {
			return false;
		}
		next = s->shaders[st]->backend_priv;
		next_key = k;
	}
	return true;
}

/* ---------------------------------------------------------------- link */

static void
setup_uniforms(struct gl_backend *be, struct gl_program *p)
{
	char name[32];
	gl_cache_use_program(be, p->id);
	for (uint32_t s = 0; s < GL_STAGES; s++) {
		p->const_loc[s] = -1;
		if (!p->serial[s]) {
			continue;
		}
		snprintf(name, sizeof(name), "%s_c", stage_prefix[s]);
		p->const_loc[s] = glGetUniformLocation(p->id, name);
		for (uint32_t i = 0; i < be->units_per_stage; i++) {
			snprintf(name, sizeof(name), "%s_s%u", stage_prefix[s], i);
			GLint loc = glGetUniformLocation(p->id, name);
			if (loc >= 0) {
				glUniform1i(loc, (GLint)gl_stage_unit(be, s, i));
			}
		}
		for (uint32_t k = 1; k < GL_MAX_UBOS; k++) {
			snprintf(name, sizeof(name), "%s_ub%u", stage_prefix[s], k);
			GLuint idx = glGetUniformBlockIndex(p->id, name);
			if (idx != GL_INVALID_INDEX) {
				glUniformBlockBinding(p->id, idx, gl_ubo_point(s, k));
			}
		}
	}
	p->adjust_y_loc = glGetUniformLocation(p->id, "pvgpu_winsys_adjust_y");
	p->alpha_ref_loc = glGetUniformLocation(p->id, "pvgpu_alpha_ref");
	p->clip_plane_loc = glGetUniformLocation(p->id, "pvgpu_clip_plane");
	p->adjust_y = p->alpha_ref = -12345.0f; /* never a real value: first draw sets */
}

/* Declares the last vertex stage's transform feedback varyings on `prog` (before
 * linking) and records the layout the draw path needs in `layout`. */
static bool
set_so_varyings(struct gl_ctx *c, const struct gl_sub *s, GLuint prog, struct gl_program *layout)
{
	const struct vr_object *last = s->shaders[VIRGL_SHADER_GEOMETRY]
					       ? s->shaders[VIRGL_SHADER_GEOMETRY]
					       : s->shaders[VIRGL_SHADER_VERTEX];
	const struct gl_shader *sh = last->backend_priv;
	if (!sh->so.num_outputs || sh->glsl) {
		return true; /* passthrough GLSL has no pvgpu_so* outputs */
	}
#ifndef PVGPU_HAVE_TRANSLATOR
	(void)c, (void)prog, (void)layout;
	return true;
#else
	struct vr_shader_so_varyings *v = malloc(sizeof(*v));
	const char *names[VR_SHADER_SO_MAX_VARYINGS];
	char err[128] = "";
	if (!v) {
		return false;
	}
	if (!vr_shader_so_varyings(&sh->so, v, err, sizeof(err))) {
		/* The emitter already rejected it (same check); keep the error anyway. */
		vr_ctx_error(c->ctx, "shader %u: %s", last->handle, err);
		free(v);
		return false;
	}
	for (uint32_t i = 0; i < v->count; i++) {
		names[i] = v->names[i];
	}
	glTransformFeedbackVaryings(prog, (GLsizei)v->count, names, GL_INTERLEAVED_ATTRIBS);
	layout->so_buffer_mask = v->buffer_mask;
	memcpy(layout->so_stride, sh->so.stride, sizeof(layout->so_stride));
	layout->so_gs = last != s->shaders[VIRGL_SHADER_VERTEX];
	layout->so_gs_prim = sh->info.gs_output_prim;
	free(v);
	return true;
#endif
}

static struct gl_program *
link_program(struct gl_ctx *c, struct gl_sub *s, const struct vr_shader_key *key,
	     const uint32_t serial[GL_STAGES], uint32_t hash)
{
	struct gl_backend *be = c->be;
	GLuint ids[GL_STAGES] = {0};
	if (!compile_stages(c, s, key, ids)) {
		return NULL;
	}
	GLuint prog = glCreateProgram();
	for (uint32_t st = 0; st < GL_STAGES; st++) {
		if (ids[st]) {
			glAttachShader(prog, ids[st]);
		}
	}
	struct gl_program so_layout = {0};
	if (!set_so_varyings(c, s, prog, &so_layout)) {
		glDeleteProgram(prog);
		return NULL;
	}
	glLinkProgram(prog);
	be->stats.programs_linked++;
	GLint ok = GL_FALSE;
	glGetProgramiv(prog, GL_LINK_STATUS, &ok);
	if (!ok) {
		char log[1024] = "";
		glGetProgramInfoLog(prog, sizeof(log), NULL, log);
		vr_warn(VR_CAT_GL, "program link failed (shaders %u/%u/%u):\n%s",
			s->shaders[0]->handle, s->shaders[1] ? s->shaders[1]->handle : 0,
			s->shaders[2] ? s->shaders[2]->handle : 0, log);
		vr_ctx_error(c->ctx, "GLSL link failed: %.120s", log);
		glDeleteProgram(prog);
		return NULL;
	}
	struct gl_program *p = calloc(1, sizeof(*p));
	if (!p) {
		glDeleteProgram(prog);
		return NULL;
	}
	p->id = prog;
	p->hash = hash;
	p->so_buffer_mask = so_layout.so_buffer_mask;
	memcpy(p->so_stride, so_layout.so_stride, sizeof(p->so_stride));
	p->so_gs = so_layout.so_gs;
	p->so_gs_prim = so_layout.so_gs_prim;
	p->key = *key;
	memcpy(p->serial, serial, sizeof(p->serial));
	setup_uniforms(be, p);
	struct gl_program *head = vr_hash_remove(&be->programs, hash);
	p->next = head;
	if (!vr_hash_insert(&be->programs, hash, p)) {
		glDeleteProgram(prog);
		free(p);
		return NULL;
	}
	p->list_next = be->prog_list;
	be->prog_list = p;
	return p;
}

static uint32_t
hash_bytes(uint32_t h, const void *data, size_t n)
{
	const uint8_t *b = data;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ b[i]) * 16777619u; /* FNV-1a */
	}
	return h;
}

static void
draw_key(const struct gl_sub *s, struct vr_shader_key *k)
{
	const struct vr_object *rs = s->cso[VIRGL_OBJECT_RASTERIZER];
	const struct vr_object *dsa = s->cso[VIRGL_OBJECT_DSA];
	memset(k, 0, sizeof(*k)); /* padding too: keys are compared with memcmp */
	k->target = VR_GLSL_330_CORE;
	k->nr_cbufs = (uint8_t)s->nr_cbufs;
	if (dsa && dsa->u.dsa.alpha_enable && dsa->u.dsa.alpha_func != PIPE_FUNC_ALWAYS) {
		k->alpha_test = true;
		k->alpha_func = dsa->u.dsa.alpha_func & 7;
	}
	if (rs) {
		k->flatshade = rs->u.rs.flatshade;
		k->clip_halfz = rs->u.rs.clip_halfz;
		k->clip_plane_enable = rs->u.rs.clip_plane_enable;
		if (rs->u.rs.point_quad_rasterization) {
			k->sprite_coord_enable = rs->u.rs.sprite_coord_enable;
		}
	}
	k->cbuf_int_mask = s->cbuf_int_mask;
	k->cbuf_uint_mask = s->cbuf_uint_mask;
}

struct gl_program *
gl_program_get(struct gl_ctx *c, struct gl_sub *s)
{
	if (!(s->dirty & GL_DIRTY_PROG) && s->prog) {
		return s->prog;
	}
	struct gl_backend *be = c->be;
	if (!s->shaders[VIRGL_SHADER_VERTEX]) {
		return NULL;
	}
	uint32_t serial[GL_STAGES] = {0};
	for (uint32_t st = 0; st < GL_STAGES; st++) {
		const struct gl_shader *sh = s->shaders[st] ? s->shaders[st]->backend_priv : NULL;
		if (sh && !sh->tgsi && !sh->glsl) {
			return NULL; /* untranslatable (no translator built in) */
		}
		serial[st] = sh ? sh->serial : 0;
	}
	struct vr_shader_key key;
	draw_key(s, &key);
	uint32_t h = hash_bytes(hash_bytes(2166136261u, serial, sizeof(serial)), &key, sizeof(key));
	h = h ? h : 1; /* key 0 is reserved in vr_hash */
	struct gl_program *p = vr_hash_get(&be->programs, h);
	while (p &&
	       (memcmp(p->serial, serial, sizeof(serial)) || memcmp(&p->key, &key, sizeof(key)))) {
		p = p->next;
	}
	if (!p) {
		p = link_program(c, s, &key, serial, h);
	}
	s->prog = p;
	if (p) {
		s->dirty &= ~GL_DIRTY_PROG;
	}
	return p;
}
