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
	GLsync fence;     /* the last flush's fence, or 0 */
	uint8_t *scratch; /* conversion buffer (grows) */
	size_t scratch_size;
	uint32_t fbo_mask[16]; /* colour formats the host can attach to an FBO (probed) */
	struct vr_ratelimit rl;
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
};

static inline struct gl_resource *
gl_res(const struct vr_resource *res)
{
	return res->backend_priv;
}

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
#define GL_DIRTY_ALL 0xffffffffu

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

/* Blits and copies (gl_blit.c). */
bool gl_blit(struct vr_backend_ctx *bctx, const struct vr_blit *blit);
bool gl_copy_region(struct vr_backend_ctx *bctx, const struct vr_copy_region *copy);

#endif /* GL_PRIV_H */
