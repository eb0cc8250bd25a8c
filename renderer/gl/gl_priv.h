/*
 * pvgpu — GL backend internals shared by the files of renderer/gl.
 *
 * Ownership: struct gl_backend owns the EGL display/context, the scratch FBOs
 * and the last fence. struct gl_resource hangs off vr_resource->backend_priv,
 * struct gl_ctx is the vr_backend_ctx of a vr_ctx, struct gl_sub off
 * vr_sub_ctx->backend_priv. Everything is used by the backend's thread only.
 */
#ifndef GL_PRIV_H
#define GL_PRIV_H

#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <stdbool.h>
#include <stdint.h>

#include "vgp_virgl_format.h"
#include "vr_core.h"
#include "vr_format.h"
#include "vr_gl.h"
#include "vr_shader.h"

struct gl_program;

/* ------------------------------------------------------------- formats */

enum gl_format_flags {
	GLF_RENDER = 1u << 0,     /* candidate colour render target (probed at init) */
	GLF_DEPTH = 1u << 1,      /* has depth */
	GLF_STENCIL = 1u << 2,    /* has stencil */
	GLF_SRGB = 1u << 3,       /* sRGB-encoded colour */
	GLF_INTEGER = 1u << 4,    /* pure integer colour */
	GLF_SWIZZLE = 1u << 5,    /* sampled through a texture swizzle (A8, L8, ...) */
	GLF_Z24_LOW = 1u << 6,    /* depth in the low 24 bits: rotate vs GL's 24_8 */
	GLF_X_ALPHA = 1u << 7,    /* X channel: alpha reads as one */
	GLF_ALPHA_IN_R = 1u << 8, /* A8/A16: the alpha channel lives in R */
};

struct gl_format {
	GLenum internal;  /* sized internal format; 0 = not supported */
	GLenum format;    /* client format for TexSubImage / ReadPixels */
	GLenum type;      /* client type */
	uint16_t flags;   /* enum gl_format_flags */
	GLint swizzle[4]; /* sampling swizzle when GLF_SWIZZLE */
};

/** GL mapping of a virgl format, or NULL when the backend does not implement it. */
const struct gl_format *gl_format_get(uint32_t virgl_format);

/** True when guest bytes differ from GL's client layout (needs gl_format_convert). */
static inline bool
gl_format_needs_convert(const struct gl_format *f)
{
	return f->flags & GLF_Z24_LOW;
}

/**
 * Converts `h` rows of `w` texels between guest layout and GL's client layout
 * for a format with gl_format_needs_convert(); src and dst may be the same.
 */
void gl_format_convert(const struct gl_format *f, bool to_gl, const uint8_t *src, size_t src_stride,
		       uint8_t *dst, size_t dst_stride, uint32_t w, uint32_t h);

/* ----------------------------------------------------------- state cache */

/* Capabilities toggled with glEnable/glDisable that the draw path tracks. */
enum gl_cap {
	GLE_DEPTH_TEST,
	GLE_STENCIL_TEST,
	GLE_CULL_FACE,
	GLE_OFFSET_FILL,
	GLE_OFFSET_LINE,
	GLE_OFFSET_POINT,
	GLE_DEPTH_CLAMP,
	GLE_PROGRAM_POINT_SIZE,
	GLE_MULTISAMPLE,
	GLE_DISCARD,
	GLE_PRIMITIVE_RESTART,
	GLE_LOGIC_OP,
	GLE_SAMPLE_MASK,
	GLE_ALPHA_TO_COVERAGE,
	GLE_ALPHA_TO_ONE,
	GLE_CUBE_SEAMLESS,
	GLE_CLIP0, /* ... GLE_CLIP0 + 7 */
	GLE_COUNT = GLE_CLIP0 + 8,
};

#define GL_CACHE_UNITS 96 /* texture units tracked (>= 3 stages x 16 + scratch) */
#define GL_CACHE_UBOS 48  /* uniform buffer binding points tracked */

struct gl_stencil_face {
	GLenum func, fail, zfail, zpass;
	GLint ref;
	GLuint valuemask, writemask;
};

/*
 * What the backend last set in GL. Initialised to all-ones bytes, which reads
 * as "unknown" everywhere (NaN floats, impossible enums), so the first use
 * always emits. Anything that changes GL state outside these helpers must
 * update or invalidate the matching field.
 */
struct gl_cache {
	int8_t en[GLE_COUNT];
	uint32_t blend_enable; /* bit i: GL_BLEND on draw buffer i; ~0 unknown */
	GLenum blend_func[4];  /* src rgb, dst rgb, src alpha, dst alpha */
	GLenum blend_eq[2];
	uint8_t colormask[VIRGL_MAX_COLOR_BUFS];
	GLenum logic_op;
	float blend_color[4];
	GLenum depth_func;
	uint8_t depth_mask;
	struct gl_stencil_face stencil[2];
	GLenum cull_face, front_face, polygon_mode, provoking, point_origin;
	float offset[3]; /* factor, units, clamp */
	float line_width, point_size;
	float viewport[4];
	double depth_range[2];
	GLint scissor[4];
	GLuint sample_mask;
	GLuint restart_index;
	GLuint program, vao;
	GLuint tex[GL_CACHE_UNITS];
	GLenum tex_target[GL_CACHE_UNITS];
	GLuint sampler[GL_CACHE_UNITS];
	GLuint ubo[GL_CACHE_UBOS];
	GLintptr ubo_offset[GL_CACHE_UBOS];
	GLsizeiptr ubo_size[GL_CACHE_UBOS];
};

/* Counters for PVGPU_DEBUG=gl: GL calls the draw path issued, per draw. */
struct gl_stats {
	uint64_t draws, calls;
	uint64_t programs_linked, shaders_compiled;
};

struct gl_backend;
void gl_cache_reset(struct gl_backend *be);
void gl_cache_enable(struct gl_backend *be, enum gl_cap cap, bool on);
void gl_cache_color_mask(struct gl_backend *be, uint32_t i, uint8_t mask);
void gl_cache_depth_mask(struct gl_backend *be, bool on);
void gl_cache_stencil_writemask(struct gl_backend *be, GLuint mask);
void gl_cache_scissor(struct gl_backend *be, GLint x, GLint y, GLint w, GLint h);
void gl_cache_use_program(struct gl_backend *be, GLuint prog);
void gl_cache_bind_vao(struct gl_backend *be, GLuint vao);
void gl_cache_bind_texture(struct gl_backend *be, GLuint unit, GLenum target, GLuint tex);
void gl_cache_bind_sampler(struct gl_backend *be, GLuint unit, GLuint sampler);
void gl_cache_bind_ubo(struct gl_backend *be, GLuint point, GLuint buf, GLintptr offset,
		       GLsizeiptr size);
/** A texture name is being deleted: forget it wherever the cache holds it. */
void gl_cache_forget_texture(struct gl_backend *be, GLuint tex);
/** A buffer name is being deleted. */
void gl_cache_forget_buffer(struct gl_backend *be, GLuint buf);

/* ---------------------------------------------------------- backend/state */

/* A scratch FBO with a cache of what is attached, so a repeated read-back of
 * the same window texture costs no re-attachment (the per-frame hot path). */
struct gl_fbo {
	GLuint id;
	GLenum point; /* current attachment point, 0 = none */
	GLuint tex;
	uint32_t level, layer;
};

struct gl_backend {
	struct vr_backend base;
	bool debug;
	EGLDisplay dpy;
	EGLContext egl_ctx;
	bool own_display; /* GBM display: ours to terminate */
	int drm_fd;
	struct gbm_device *gbm;
	int gl_version; /* e.g. 45 */
	bool has_tex_storage, has_copy_image, has_cube_array, has_stencil8;
	bool has_qbo; /* GL_QUERY_BUFFER: query results written by the GPU */
	/* textureGather (GL 4.0 / ARB_texture_gather): components, offset range; 0 = none */
	GLint gather_components, gather_offset[2];
	GLint max_texture_size, max_3d_size, max_cube_size, max_layers, max_samples;
	GLint max_draw_buffers;
	char renderer[128];
	struct gl_fbo read_fbo, draw_fbo; /* transfers and blits */
	GLuint bound_read_fbo, bound_draw_fbo;
	GLuint scratch_unit; /* texture unit for setup/transfers, never a sampler slot */
	GLuint active_unit;  /* cached glActiveTexture unit, ~0 unknown */
	GLint unpack_row_length, unpack_image_height, pack_row_length, pack_image_height;
	int scissor_test; /* -1 unknown, 0/1 */
	int fb_srgb;      /* -1 unknown, 0/1 */
	bool in_submit;   /* in a submit (gl_ctx.c): the EGL context is current */
	GLsync fence;     /* the last flush's fence, or 0 */
	uint8_t *scratch; /* conversion buffer (grows) */
	size_t scratch_size;
	uint32_t fbo_mask[16]; /* colour formats the host can attach to an FBO (probed) */
	struct vr_ratelimit rl;
	/* Draw path (gl_state.c, gl_shader.c, gl_draw.c). */
	bool has_attrib_binding, has_texture_view, has_viewport_array, has_tbo_range;
	bool glsl_passthrough; /* tests only: see vr_gl_options */
	GLint max_units;       /* combined texture image units */
	GLuint units_per_stage;
	struct gl_cache cache;
	struct gl_stats stats;
	struct vr_hash programs;      /* hash -> struct gl_program chain */
	struct gl_program *prog_list; /* every cached program */
	uint32_t next_serial;         /* shader identities (never reused) */
	uint64_t const_gen;           /* constant upload generations */
	uint32_t buf_epoch;           /* bumped when a GL buffer name is freed */
	GLuint empty_vao;             /* draws without vertex elements */
	bool render_cond_active;
	GLuint render_cond_query;
	uint32_t tf_written_queries; /* guest PRIMITIVES_EMITTED queries now active */
	GLuint so_query;             /* ours, counting a capture of unknown size (gl_streamout.c) */
	struct vr_ctx_impl ctx_impl; /* filled at creation (gl_ctx.c) */
};

static inline struct gl_backend *
gl_backend(struct vr_backend *be)
{
	return (struct gl_backend *)be;
}

struct gl_resource {
	GLenum target; /* GL_TEXTURE_*; 0 for buffers */
	GLuint id;     /* texture or buffer name; 0 for a lazily created buffer */
	const struct gl_format *fmt;
	bool is_buffer;
	/* Display storage (gl_resource.c): a window-sized BGRA texture allocated
	 * with glTexImage so the driver stores it in the guest's byte order and
	 * every frame's read-back is a plain copy. Mutable: no texture views. */
	bool display_storage;
	/* An X format kept in storage with an alpha channel: alpha is one in every
	 * texel (draws mask it, clears write one, uploads/blits/copies are followed
	 * by gl_fill_alpha_one), so blending and sampling see what gallium's X means. */
	bool alpha_one;
};

static inline struct gl_resource *
gl_res(const struct vr_resource *res)
{
	return res->backend_priv;
}

/** Sets alpha to one in `box` of an alpha_one resource (see gl_resource);
 *  nothing for other resources. Leaves every cached GL state as it found it. */
void gl_fill_alpha_one(struct gl_backend *be, struct vr_resource *res, uint32_t level,
		       const struct vr_box *box);

/** Probes which colour formats can be FBO attachments (once, at creation). */
void gl_probe_formats(struct gl_backend *be);

/** True when colour virgl format `f` can be attached to an FBO on this host. */
static inline bool
gl_format_attachable(const struct gl_backend *be, uint32_t f)
{
	return f <= VIRGL_FORMAT_MAX && (be->fbo_mask[f / 32] >> (f % 32)) & 1u;
}

/* EGL (gl_egl.c). */
bool gl_egl_init(struct gl_backend *be, const struct vr_gl_options *opts);
void gl_egl_finish(struct gl_backend *be);
/** Makes the backend's context current if another one is. */
void gl_make_current(struct gl_backend *be);
/** In debug mode, logs and clears pending GL errors; returns false if any. */
bool gl_check(struct gl_backend *be, const char *what);
/** A scratch buffer of at least `size` bytes owned by the backend, or NULL. */
uint8_t *gl_scratch(struct gl_backend *be, size_t size);

/** Binds an FBO to GL_READ_FRAMEBUFFER or GL_DRAW_FRAMEBUFFER (cached). */
void gl_bind_fbo(struct gl_backend *be, GLenum target, GLuint fbo);
/** Binds a texture on the scratch unit (leaves that unit active). */
void gl_bind_scratch_texture(struct gl_backend *be, GLenum target, GLuint tex);
/** Replaces the backend fence with one after all work so far, and flushes. */
void gl_fence_insert(struct gl_backend *be);
void gl_set_scissor_test(struct gl_backend *be, bool on);
void gl_set_fb_srgb(struct gl_backend *be, bool on);

/* Resources (gl_resource.c). */
bool gl_resource_create(struct vr_backend *be, struct vr_resource *res);
void gl_resource_destroy(struct vr_backend *be, struct vr_resource *res);
/** The buffer name, created on first use (fence buffers never need one). */
GLuint gl_buffer_get(struct gl_backend *be, struct vr_resource *res);
/** Attachment point for a surface of virgl `format` (colour point for index `i`). */
GLenum gl_attach_point(const struct gl_format *f, uint32_t i);
/**
 * Attaches layer `layer` (or all layers when `layered`) of `level` of `res` at
 * `point` of the cached scratch FBO, which gets bound to `target`.
 */
void gl_fbo_attach_cached(struct gl_backend *be, struct gl_fbo *fbo, GLenum target, GLenum point,
			  struct vr_resource *res, uint32_t level, uint32_t layer);
/** Attaches to the currently bound FBO at `target` (no cache). tex 0 detaches. */
void gl_fbo_attach(GLenum target, GLenum point, const struct vr_resource *res, uint32_t level,
		   uint32_t layer, bool layered);
/** Forgets cached attachments of a texture being deleted. */
void gl_fbo_forget(struct gl_backend *be, GLuint tex);

/* Transfers (gl_transfer.c). */
bool gl_transfer(struct vr_backend *be, const struct vr_transfer *xfer);

/* ------------------------------------------------------------- contexts */

#define GL_DIRTY_FB (1u << 0)
#define GL_DIRTY_SCISSOR (1u << 1) /* scissor rects / enable */
#define GL_DIRTY_BLEND (1u << 2)   /* colour masks, blending */
#define GL_DIRTY_DSA (1u << 3)     /* depth/stencil masks and tests */
#define GL_DIRTY_RS (1u << 4)      /* rasterizer state (discard, ...) */
#define GL_DIRTY_VIEWPORT (1u << 5)
#define GL_DIRTY_PROG (1u << 6)  /* bound shaders or state the program key depends on */
#define GL_DIRTY_VIEWS (1u << 7) /* sampler views / sampler states */
#define GL_DIRTY_VB (1u << 8)    /* vertex buffers, index buffer, vertex elements */
#define GL_DIRTY_UBO (1u << 9)
#define GL_DIRTY_ALL 0xffffffffu

#define GL_STAGES 3        /* VS, FS, GS (virgl numbering): the stages we advertise */
#define GL_MAX_VIEWS 32    /* sampler views / samplers per stage */
#define GL_MAX_UBOS 16     /* uniform buffer slots per stage (slot 0 = constants) */
#define GL_MAX_CONSTS 4096 /* vec4 constants per stage, as advertised */

/* A stage's constant buffer 0 as last sent (raw dwords, vec4-packed). */
struct gl_consts {
	uint32_t *data;
	uint32_t count; /* dwords */
	uint32_t cap;   /* dwords allocated */
	uint64_t gen;   /* backend-unique generation of this content */
};

struct gl_ubo_binding {
	struct vr_resource *res; /* referenced, NULL = unbound */
	uint32_t offset, length;
};

struct gl_sub {
	struct vr_sub_ctx *sub;
	GLuint fbo;
	uint32_t nr_cbufs;
	struct vr_object *cbufs[VIRGL_MAX_COLOR_BUFS]; /* referenced */
	struct vr_object *zsbuf;                       /* referenced */
	/* Bound CSOs (referenced): blend, rasterizer, dsa, vertex elements. */
	struct vr_object *cso[VIRGL_OBJECT_VERTEX_ELEMENTS + 1];
	struct vr_object *shaders[6]; /* referenced */
	struct vr_viewport viewports[VIRGL_MAX_VIEWPORTS];
	struct vr_scissor scissors[VIRGL_MAX_VIEWPORTS];
	uint32_t dirty;   /* GL_DIRTY_*: GL state that must be re-emitted before use */
	bool fb_complete; /* status of fbo after the last re-attachment */
	/* Draw state; resources and objects here are referenced. */
	bool fb_srgb;                           /* a colour surface is sRGB */
	uint32_t cbuf_int_mask, cbuf_uint_mask; /* for the shader key */
	struct vr_vertex_buffer vbs[VIRGL_MAX_VERTEX_BUFFERS];
	uint32_t num_vbs;
	struct vr_index_buffer ib;
	struct gl_consts consts[GL_STAGES];
	struct gl_ubo_binding ubos[GL_STAGES][GL_MAX_UBOS];
	struct vr_object *views[GL_STAGES][GL_MAX_VIEWS];
	struct vr_object *samplers[GL_STAGES][GL_MAX_VIEWS];
	uint32_t num_views[GL_STAGES], num_samplers[GL_STAGES];
	uint8_t stencil_ref[2];
	float blend_color[4];
	uint32_t sample_mask;
	struct vr_object *cond_query; /* referenced; SET_RENDER_CONDITION */
	bool cond_inverted;
	uint32_t cond_mode;
	bool cond_active;
	float clip_planes[8][4]; /* SET_CLIP_STATE, clip space */
	uint64_t clip_gen;       /* const_gen generation of clip_planes; 0 = never set (zeros) */
	struct gl_program *prog; /* program of the last draw (valid unless GL_DIRTY_PROG) */
	struct vr_object *so_targets[VR_SHADER_SO_BUFFERS]; /* referenced STREAMOUT_TARGETs */
	struct vr_object *so_last_target; /* first target of the last non-empty set (draw auto) */
};

/** Points *slot at obj, taking a reference on obj and dropping the old one. */
static inline void
gl_swap_ref(struct vr_object **slot, struct vr_object *obj)
{
	if (*slot == obj) {
		return;
	}
	if (obj) {
		vr_object_ref(obj);
	}
	vr_object_unref(*slot);
	*slot = obj;
}

struct gl_ctx {
	struct vr_backend_ctx base;
	struct gl_backend *be;
	struct vr_ctx *ctx;
	struct gl_sub *cur; /* current sub-context or NULL */
};

static inline struct gl_ctx *
gl_ctx(struct vr_backend_ctx *bctx)
{
	return (struct gl_ctx *)bctx;
}

struct vr_backend_ctx *gl_ctx_create(struct vr_backend *be, struct vr_ctx *ctx);

/* Framebuffers (gl_framebuffer.c). */
void gl_sub_release_fb(struct gl_sub *s);
void gl_set_framebuffer_state(struct vr_backend_ctx *bctx, const struct vr_framebuffer_state *fb);
/** Binds the sub-context's FBO for drawing, re-attaching if dirty; false if incomplete. */
bool gl_sub_apply_fb(struct gl_ctx *c, struct gl_sub *s);
bool gl_clear(struct vr_backend_ctx *bctx, const struct vr_clear *clear);

/* Draw state (gl_state.c): applies blend/DSA/rasterizer/viewport/scissor. */
void gl_state_apply(struct gl_ctx *c, struct gl_sub *s);

/* Shaders and programs (gl_shader.c). */
struct gl_program {
	struct gl_program *next;      /* hash chain */
	struct gl_program *list_next; /* backend-wide list */
	uint32_t hash;
	uint32_t serial[GL_STAGES]; /* shader identities, 0 = stage absent */
	struct vr_shader_key key;   /* zero-padded: compared with memcmp */
	GLuint id;
	GLint const_loc[GL_STAGES];
	GLint adjust_y_loc, alpha_ref_loc, clip_plane_loc;
	uint64_t const_gen[GL_STAGES]; /* generation last uploaded */
	uint64_t clip_gen;             /* gl_sub.clip_gen last uploaded (0: zeros, GL's default) */
	float adjust_y, alpha_ref;     /* last uploaded values */
	/* Transform feedback layout of the last vertex stage (0 mask: no capture). */
	uint32_t so_buffer_mask;
	uint32_t so_stride[VR_SHADER_SO_BUFFERS]; /* dwords per vertex */
	bool so_gs;                               /* captured after a geometry shader */
	uint32_t so_gs_prim;                      /* its output primitive (PIPE_PRIM_*) */
};
bool gl_shader_object_create(struct gl_ctx *c, struct vr_object *obj);
void gl_shader_object_destroy(struct gl_ctx *c, struct vr_object *obj);
/** Finds or builds the program for the sub-context's shaders and key; NULL on error. */
struct gl_program *gl_program_get(struct gl_ctx *c, struct gl_sub *s);
void gl_programs_finish(struct gl_backend *be);

/* Draw path (gl_draw.c, gl_sampler.c, gl_query.c). */
bool gl_draw_vbo(struct vr_backend_ctx *bctx, const struct vr_draw_info *info);
void gl_draw_init_ctx(struct vr_ctx_impl *impl);
bool gl_ve_object_create(struct gl_ctx *c, struct vr_object *obj);
void gl_ve_object_destroy(struct gl_ctx *c, struct vr_object *obj);
bool gl_view_object_create(struct gl_ctx *c, struct vr_object *obj);
void gl_view_object_destroy(struct gl_ctx *c, struct vr_object *obj);
bool gl_sampler_object_create(struct gl_ctx *c, struct vr_object *obj);
void gl_sampler_object_destroy(struct gl_ctx *c, struct vr_object *obj);
/** Binds the sub-context's views and samplers to their units. */
void gl_samplers_apply(struct gl_ctx *c, struct gl_sub *s);
bool gl_query_object_create(struct gl_ctx *c, struct vr_object *obj);
void gl_query_object_destroy(struct gl_ctx *c, struct vr_object *obj);
void gl_query_init_ctx(struct vr_ctx_impl *impl);
void gl_sampler_init_ctx(struct vr_ctx_impl *impl);
/** Fills be->ctx_impl (gl_ctx.c). */
void gl_ctx_init_impl(struct vr_ctx_impl *impl);
/** Releases the draw state a sub-context references. */
void gl_sub_release_draw(struct gl_sub *s);
/** First texture unit of a stage's sampler slots. */
static inline GLuint
gl_stage_unit(const struct gl_backend *be, uint32_t stage, uint32_t index)
{
	/* FS first: it is the stage nearly every sampler belongs to. */
	static const uint8_t order[GL_STAGES] = {1, 0, 2};
	return order[stage] * be->units_per_stage + index;
}
/** Uniform buffer binding point of a stage's UBO slot. */
static inline GLuint
gl_ubo_point(uint32_t stage, uint32_t index)
{
	return stage * GL_MAX_UBOS + index;
}
/** glView class (bits per texel) of an internal format; 0 if only self-compatible. */
int gl_view_class(GLenum internal);

/* Stream output (gl_streamout.c). */
struct gl_so_draw {
	bool active; /* transform feedback begun for this draw */
	bool query;  /* counted by be->so_query */
	uint64_t prims;
	uint32_t vpp; /* vertices per captured primitive */
};
bool gl_so_target_create(struct gl_ctx *c, struct vr_object *obj);
void gl_so_target_destroy(struct gl_ctx *c, struct vr_object *obj);
/** Vertices a target holds, for draw auto (count_from_so); 0 for NULL. */
uint32_t gl_so_target_vertices(const struct vr_object *obj);
void gl_set_streamout_targets(struct vr_backend_ctx *bctx, uint32_t append_mask, uint32_t count,
			      struct vr_object *const *targets);
/** Drops the sub-context's target references. */
void gl_so_release(struct gl_sub *s);
/**
 * Binds the targets and begins transform feedback for draw `d` with program `p`
 * when it captures (st->active); false on a GL error. Pair with gl_so_end().
 */
bool gl_so_begin(struct gl_ctx *c, struct gl_sub *s, const struct gl_program *p,
		 const struct vr_draw_info *d, struct gl_so_draw *st);
/** Ends the capture begun by gl_so_begin() and advances the targets' fill. */
void gl_so_end(struct gl_ctx *c, struct gl_sub *s, const struct gl_program *p,
	       struct gl_so_draw *st);

/* Blits and copies (gl_blit.c). */
bool gl_blit(struct vr_backend_ctx *bctx, const struct vr_blit *blit);
bool gl_copy_region(struct vr_backend_ctx *bctx, const struct vr_copy_region *copy);

#endif /* GL_PRIV_H */
