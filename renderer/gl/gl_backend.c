/*
 * pvgpu — GL backend: the vr_backend vtable, creation, caps and fences.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gl_priv.h"
#include "vr_caps.h"

/* ------------------------------------------------------------ helpers */

bool
gl_check(struct gl_backend *be, const char *what)
{
	if (!be->debug) {
		return true;
	}
	bool ok = true;
	for (GLenum err; (err = glGetError()) != GL_NO_ERROR;) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "GL error 0x%x after %s", err, what);
		ok = false;
	}
	return ok;
}

uint8_t *
gl_scratch(struct gl_backend *be, size_t size)
{
	if (size > be->scratch_size) {
		uint8_t *p = realloc(be->scratch, size);
		if (!p) {
			return NULL;
		}
		be->scratch = p;
		be->scratch_size = size;
	}
	return be->scratch;
}

void
gl_bind_fbo(struct gl_backend *be, GLenum target, GLuint fbo)
{
	GLuint *cur = target == GL_READ_FRAMEBUFFER ? &be->bound_read_fbo : &be->bound_draw_fbo;
	assert(target == GL_READ_FRAMEBUFFER || target == GL_DRAW_FRAMEBUFFER);
	if (*cur != fbo) {
		glBindFramebuffer(target, fbo);
		*cur = fbo;
	}
}

void
gl_set_scissor_test(struct gl_backend *be, bool on)
{
	if (be->scissor_test != (int)on) {
		if (on) {
			glEnable(GL_SCISSOR_TEST);
		} else {
			glDisable(GL_SCISSOR_TEST);
		}
		be->scissor_test = on;
	}
}

void
gl_set_fb_srgb(struct gl_backend *be, bool on)
{
	if (be->fb_srgb != (int)on) {
		if (on) {
			glEnable(GL_FRAMEBUFFER_SRGB);
		} else {
			glDisable(GL_FRAMEBUFFER_SRGB);
		}
		be->fb_srgb = on;
	}
}

void
gl_bind_scratch_texture(struct gl_backend *be, GLenum target, GLuint tex)
{
	/* Resource setup and transfers bind on a unit no sampler view uses, so they
	 * never disturb the textures bound for drawing. */
	if (be->active_unit != be->scratch_unit) {
		glActiveTexture(GL_TEXTURE0 + be->scratch_unit);
		be->active_unit = be->scratch_unit;
	}
	glBindTexture(target, tex);
}

/* ---------------------------------------------------------------- caps */

/* Colour-renderability differs between drivers (RGB8, SNORM, RGB10 ...), so
 * each colour format is checked once with a tiny texture and framebuffer
 * status. Attachable formats are read back with glReadPixels, others with
 * glGetTex(ture Sub)Image; only GLF_RENDER ones are advertised as render targets. */
void
gl_probe_formats(struct gl_backend *be)
{
	GLuint fbo;
	glGenFramebuffers(1, &fbo);
	glBindFramebuffer(GL_DRAW_FRAMEBUFFER, fbo);
	while (glGetError() != GL_NO_ERROR) {
	}
	for (uint32_t f = 0; f <= VIRGL_FORMAT_MAX; f++) {
		const struct gl_format *gf = gl_format_get(f);
		if (!gf || (gf->flags & (GLF_DEPTH | GLF_STENCIL))) {
			continue;
		}
		GLuint tex;
		glGenTextures(1, &tex);
		gl_bind_scratch_texture(be, GL_TEXTURE_2D, tex);
		glTexImage2D(GL_TEXTURE_2D, 0, gf->internal, 4, 4, 0, gf->format, gf->type, NULL);
		GLenum att = GL_COLOR_ATTACHMENT0;
		glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, att, GL_TEXTURE_2D, tex, 0);
		bool ok = glGetError() == GL_NO_ERROR &&
			  glCheckFramebufferStatus(GL_DRAW_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
		if (ok) {
			be->fbo_mask[f / 32] |= 1u << (f % 32);
		} else {
			vr_dbg(VR_CAT_GL, "format %u not colour-renderable here", f);
		}
		glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, att, GL_TEXTURE_2D, 0, 0);
		glDeleteTextures(1, &tex);
	}
	glBindFramebuffer(GL_DRAW_FRAMEBUFFER, be->bound_draw_fbo);
	glDeleteFramebuffers(1, &fbo);
}

static bool
format_supported(const struct gl_backend *be, const struct gl_format *gf)
{
	if (gf->internal == GL_STENCIL_INDEX8) {
		return be->has_stencil8;
	}
	return true;
}

static uint32_t
clamp_limit(uint32_t profile, GLint host)
{
	return host > 0 && (uint32_t)host < profile ? (uint32_t)host : profile;
}

static void
fill_format_masks(struct gl_backend *be, struct vgp_caps_v2 *caps)
{
	static const uint32_t scanout[] = {
		VIRGL_FORMAT_B8G8R8X8_UNORM,
		VIRGL_FORMAT_B8G8R8A8_UNORM,
		VIRGL_FORMAT_R8G8B8A8_UNORM,
		VIRGL_FORMAT_R8G8B8X8_UNORM,
	};
	for (uint32_t f = 0; f <= VIRGL_FORMAT_MAX; f++) {
		const struct gl_format *gf = gl_format_get(f);
		if (!gf || !vr_format_get(f) || !format_supported(be, gf)) {
			continue;
		}
		/* Mesa gates every non-render bind (depth buffers included) on the
		 * sampler mask, and reads back anything it can sample. */
		vr_caps_mask_set(&caps->v1.sampler, f);
		vr_caps_mask_set(&caps->supported_readback_formats, f);
		if (gf->flags & (GLF_DEPTH | GLF_STENCIL)) {
			vr_caps_mask_set(&caps->v1.depthstencil, f);
			vr_caps_mask_set(&caps->supported_multisample_formats, f);
		} else if ((gf->flags & GLF_RENDER) && gl_format_attachable(be, f)) {
			vr_caps_mask_set(&caps->v1.render, f);
			if (!(gf->flags & GLF_INTEGER)) {
				vr_caps_mask_set(&caps->supported_multisample_formats, f);
			}
		}
	}
	for (size_t i = 0; i < sizeof(scanout) / sizeof(scanout[0]); i++) {
		if (vr_caps_mask_has(&caps->v1.render, scanout[i])) {
			vr_caps_mask_set(&caps->scanout, scanout[i]);
		}
	}
}

static void
fill_caps(struct vr_backend *vbe, struct vgp_caps_v2 *caps)
{
	struct gl_backend *be = gl_backend(vbe);
	gl_make_current(be);
	fill_format_masks(be, caps);
	snprintf(caps->renderer, sizeof(caps->renderer), "pvgpu (%.55s)", be->renderer);
	/* Colour attachments of different formats in one FBO are core since GL 3.0
	 * (ARB_framebuffer_object); without this bit Mesa reports such an FBO as
	 * GL_FRAMEBUFFER_UNSUPPORTED. Clears and draws handle each attachment by
	 * its own format (gl_framebuffer.c, the shader key's integer masks). */
	caps->capability_bits |= VIRGL_CAP_FBO_MIXED_COLOR_FORMATS;
	/* Query results written into buffers on the GPU (gl_query.c). */
	if (be->has_qbo) {
		caps->capability_bits |= VIRGL_CAP_QBO;
	}
	/* TG4 becomes textureGather(Offset) under GL_ARB_texture_gather (component 0) or
	 * GL_ARB_gpu_shader5 (component select): Mesa exposes ARB_texture_gather for 4. */
	if (be->gather_components > 0) {
		caps->v1.max_texture_gather_components = clamp_limit(4, be->gather_components);
		caps->min_texture_gather_offset = be->gather_offset[0];
		caps->max_texture_gather_offset = be->gather_offset[1];
	}
	/* Per-render-target blend functions (glBlendFuncSeparatei) are core in GL 4.0.
	 * GLSL 4.00 makes Mesa expose ARB_gpu_shader5 (textureGather with a component,
	 * bitfield and multiply-high built-ins, interpolateAt*, GS invocations): the
	 * translator emits those under GL_ARB_gpu_shader5, which a 4.0 host has. */
	if (be->gl_version >= 40) {
		caps->v1.bset |= 1u << VGP_BSET_INDEP_BLEND_FUNC;
		caps->v1.glsl_level = 400;
	}
	/* Mesa accepts every vertex format but R11G11B10 without asking; that one it
	 * only uses when this bit is set (GL 4.4 packed-float vertex fetch). */
	if (be->gl_version >= 44) {
		vr_caps_mask_set(&caps->v1.vertexbuffer, VIRGL_FORMAT_R11G11B10_FLOAT);
	}
	caps->max_texture_2d_size = clamp_limit(caps->max_texture_2d_size, be->max_texture_size);
	caps->max_texture_3d_size = clamp_limit(caps->max_texture_3d_size, be->max_3d_size);
	caps->max_texture_cube_size = clamp_limit(caps->max_texture_cube_size, be->max_cube_size);
	caps->v1.max_texture_array_layers =
		clamp_limit(caps->v1.max_texture_array_layers, be->max_layers);
	caps->v1.max_samples = clamp_limit(caps->v1.max_samples, be->max_samples);
	caps->v1.max_render_targets =
		clamp_limit(caps->v1.max_render_targets, be->max_draw_buffers);
}

/* -------------------------------------------------------------- fences */

static bool
busy(struct vr_backend *vbe, bool wait)
{
	struct gl_backend *be = gl_backend(vbe);
	if (!be->fence) {
		return false;
	}
	gl_make_current(be);
	GLenum r;
	do {
		/* 1 s slices so a wait stays interruptible by the GL driver's own
		 * progress; a wait never gives up (the guest asked to block). */
		r = glClientWaitSync(be->fence, GL_SYNC_FLUSH_COMMANDS_BIT,
				     wait ? 1000000000ull : 0);
	} while (wait && r == GL_TIMEOUT_EXPIRED);
	if (r == GL_TIMEOUT_EXPIRED) {
		return true;
	}
	glDeleteSync(be->fence);
	be->fence = 0;
	return false;
}

void
gl_fence_insert(struct gl_backend *be)
{
	/* Work executes in order, so the newest fence stands for all earlier ones. */
	if (be->fence) {
		glDeleteSync(be->fence);
	}
	be->fence = glFenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
	glFlush();
}

/* ------------------------------------------------------------ lifetime */

static void GLAPIENTRY
debug_cb(GLenum source, GLenum type, GLuint id, GLenum severity, GLsizei length, const GLchar *msg,
	 const void *user)
{
	(void)source, (void)id, (void)length, (void)user;
	if (severity != GL_DEBUG_SEVERITY_NOTIFICATION) {
		vr_warn(VR_CAT_GL, "GL debug (type 0x%x): %s", type, msg);
	}
}

static void
query_limits(struct gl_backend *be)
{
	be->gl_version = epoxy_gl_version();
	be->has_tex_storage =
		be->gl_version >= 42 || epoxy_has_gl_extension("GL_ARB_texture_storage");
	be->has_copy_image = be->gl_version >= 43 || epoxy_has_gl_extension("GL_ARB_copy_image");
	be->has_cube_array =
		be->gl_version >= 40 || epoxy_has_gl_extension("GL_ARB_texture_cube_map_array");
	be->has_stencil8 =
		be->gl_version >= 44 || epoxy_has_gl_extension("GL_ARB_texture_stencil8");
	be->has_qbo = be->gl_version >= 44 || epoxy_has_gl_extension("GL_ARB_query_buffer_object");
	if (be->gl_version >= 40 || epoxy_has_gl_extension("GL_ARB_texture_gather")) {
		glGetIntegerv(GL_MAX_PROGRAM_TEXTURE_GATHER_COMPONENTS_ARB, &be->gather_components);
		glGetIntegerv(GL_MIN_PROGRAM_TEXTURE_GATHER_OFFSET, &be->gather_offset[0]);
		glGetIntegerv(GL_MAX_PROGRAM_TEXTURE_GATHER_OFFSET, &be->gather_offset[1]);
	}
	glGetIntegerv(GL_MAX_TEXTURE_SIZE, &be->max_texture_size);
	glGetIntegerv(GL_MAX_3D_TEXTURE_SIZE, &be->max_3d_size);
	glGetIntegerv(GL_MAX_CUBE_MAP_TEXTURE_SIZE, &be->max_cube_size);
	glGetIntegerv(GL_MAX_ARRAY_TEXTURE_LAYERS, &be->max_layers);
	glGetIntegerv(GL_MAX_SAMPLES, &be->max_samples);
	glGetIntegerv(GL_MAX_DRAW_BUFFERS, &be->max_draw_buffers);
	GLint units = 16;
	glGetIntegerv(GL_MAX_COMBINED_TEXTURE_IMAGE_UNITS, &units);
	be->max_units = units;
	be->scratch_unit = units > 1 ? (GLuint)units - 1 : 0;
	/* Sampler slots per stage (VS, FS, GS), below the scratch unit and the cache size. */
	GLint usable = units - 1 < GL_CACHE_UNITS ? units - 1 : GL_CACHE_UNITS;
	be->units_per_stage = usable / GL_STAGES < 16 ? (GLuint)usable / GL_STAGES : 16;
	be->has_attrib_binding =
		be->gl_version >= 44 ||
		(be->gl_version >= 43 && epoxy_has_gl_extension("GL_ARB_multi_bind"));
	be->has_texture_view =
		be->gl_version >= 43 || epoxy_has_gl_extension("GL_ARB_texture_view");
	be->has_viewport_array =
		be->gl_version >= 41 || epoxy_has_gl_extension("GL_ARB_viewport_array");
	be->has_tbo_range =
		be->gl_version >= 43 || epoxy_has_gl_extension("GL_ARB_texture_buffer_range");
	snprintf(be->renderer, sizeof(be->renderer), "%s", (const char *)glGetString(GL_RENDERER));
	if (be->debug && (be->gl_version >= 43 || epoxy_has_gl_extension("GL_KHR_debug"))) {
		glEnable(GL_DEBUG_OUTPUT_SYNCHRONOUS);
		glDebugMessageCallback(debug_cb, be);
	}
}

static void
destroy(struct vr_backend *vbe)
{
	struct gl_backend *be = gl_backend(vbe);
	gl_make_current(be);
	if (be->fence) {
		glDeleteSync(be->fence);
	}
	gl_programs_finish(be);
	if (be->so_query) {
		glDeleteQueries(1, &be->so_query);
	}
	glDeleteVertexArrays(1, &be->empty_vao);
	glDeleteFramebuffers(1, &be->read_fbo.id);
	glDeleteFramebuffers(1, &be->draw_fbo.id);
	gl_egl_finish(be);
	free(be->scratch);
	free(be);
}

static const struct vr_backend_impl gl_backend_impl = {
	.name = "gl",
	.destroy = destroy,
	.fill_caps = fill_caps,
	.resource_create = gl_resource_create,
	.resource_destroy = gl_resource_destroy,
	.transfer = gl_transfer,
	.ctx_create = gl_ctx_create,
	.busy = busy,
};

struct vr_backend *
vr_gl_backend_create(const struct vr_gl_options *opts)
{
	struct gl_backend *be = calloc(1, sizeof(*be));
	if (!be) {
		vr_err(VR_CAT_GL, "out of memory");
		return NULL;
	}
	be->base.impl = &gl_backend_impl;
	be->debug = opts && opts->debug;
	be->glsl_passthrough = opts && opts->glsl_passthrough;
	gl_cache_reset(be);
	vr_hash_init(&be->programs);
	gl_ctx_init_impl(&be->ctx_impl);
	be->rl = (struct vr_ratelimit)VR_RATELIMIT_INIT;
	be->scissor_test = -1;
	be->fb_srgb = -1;
	be->active_unit = ~0u;
	if (!gl_egl_init(be, opts)) {
		goto err_egl;
	}
	if (epoxy_gl_version() < 33) {
		vr_err(VR_CAT_GL, "host GL %d.%d is older than 3.3", epoxy_gl_version() / 10,
		       epoxy_gl_version() % 10);
		goto err_egl;
	}
	query_limits(be);
	glGenFramebuffers(1, &be->read_fbo.id);
	glGenFramebuffers(1, &be->draw_fbo.id);
	glGenVertexArrays(1, &be->empty_vao);
	gl_probe_formats(be);
	/* Read-backs return stored values: no [0,1] clamp of SNORM data. */
	glClampColor(GL_CLAMP_READ_COLOR, GL_FALSE);
	/* Transfers use tightly described rows (ROW_LENGTH), never padded ones. */
	glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
	glPixelStorei(GL_PACK_ALIGNMENT, 1);
	vr_info(VR_CAT_GL, "GL backend: %s, GL %d.%d core", be->renderer, be->gl_version / 10,
		be->gl_version % 10);
	return &be->base;

err_egl:
	gl_egl_finish(be);
	free(be);
	return NULL;
}
