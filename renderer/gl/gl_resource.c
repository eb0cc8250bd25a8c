/*
 * pvgpu — GL backend resources: buffers and textures, and FBO attachment.
 *
 * Textures get immutable storage for every mip level (glTexStorage*) so later
 * texture views can reinterpret them. Guest row r is GL texel row r: nothing
 * here, in transfers or in blits flips images (virgl-wire.md §7.1).
 */
#include <stdlib.h>

#include "gl_priv.h"

static GLenum
texture_target(const struct vr_resource_desc *d)
{
	bool ms = d->nr_samples > 1;
	switch (d->target) {
	case PIPE_TEXTURE_1D:
		return ms ? 0 : GL_TEXTURE_1D;
	case PIPE_TEXTURE_2D:
		return ms ? GL_TEXTURE_2D_MULTISAMPLE : GL_TEXTURE_2D;
	case PIPE_TEXTURE_3D:
		return ms ? 0 : GL_TEXTURE_3D;
	case PIPE_TEXTURE_CUBE:
		return ms ? 0 : GL_TEXTURE_CUBE_MAP;
	case PIPE_TEXTURE_RECT:
		return ms ? 0 : GL_TEXTURE_RECTANGLE;
	case PIPE_TEXTURE_1D_ARRAY:
		return ms ? 0 : GL_TEXTURE_1D_ARRAY;
	case PIPE_TEXTURE_2D_ARRAY:
		return ms ? GL_TEXTURE_2D_MULTISAMPLE_ARRAY : GL_TEXTURE_2D_ARRAY;
	case PIPE_TEXTURE_CUBE_ARRAY:
		return ms ? 0 : GL_TEXTURE_CUBE_MAP_ARRAY;
	default:
		return 0;
	}
}

/* Mutable fallback for hosts without glTexStorage (GL < 4.2). */
static void
alloc_mutable(GLenum target, const struct gl_format *f, const struct vr_resource_desc *d)
{
	GLsizei layers = target == GL_TEXTURE_1D_ARRAY ? 1 : (GLsizei)d->array_size;
	for (uint32_t l = 0; l <= d->last_level; l++) {
		GLsizei w = vr_minify(d->width, l), h = vr_minify(d->height, l);
		switch (target) {
		case GL_TEXTURE_1D:
			glTexImage1D(target, l, f->internal, w, 0, f->format, f->type, NULL);
			break;
		case GL_TEXTURE_1D_ARRAY:
			glTexImage2D(target, l, f->internal, w, d->array_size, 0, f->format,
				     f->type, NULL);
			break;
		case GL_TEXTURE_CUBE_MAP:
			for (int face = 0; face < 6; face++) {
				GLenum face_target = GL_TEXTURE_CUBE_MAP_POSITIVE_X + face;
				glTexImage2D(face_target, l, f->internal, w, h, 0, f->format,
					     f->type, NULL);
			}
			break;
		case GL_TEXTURE_3D:
			glTexImage3D(target, l, f->internal, w, h, vr_minify(d->depth, l), 0,
				     f->format, f->type, NULL);
			break;
		case GL_TEXTURE_2D_ARRAY:
		case GL_TEXTURE_CUBE_MAP_ARRAY:
			glTexImage3D(target, l, f->internal, w, h, layers, 0, f->format, f->type,
				     NULL);
			break;
		default:
			glTexImage2D(target, l, f->internal, w, h, 0, f->format, f->type, NULL);
			break;
		}
	}
	glTexParameteri(target, GL_TEXTURE_MAX_LEVEL, (GLint)d->last_level);
}

static void
alloc_storage(GLenum target, const struct gl_format *f, const struct vr_resource_desc *d)
{
	GLsizei levels = (GLsizei)d->last_level + 1;
	GLsizei w = d->width, h = d->height;
	switch (target) {
	case GL_TEXTURE_1D:
		glTexStorage1D(target, levels, f->internal, w);
		break;
	case GL_TEXTURE_1D_ARRAY:
		glTexStorage2D(target, levels, f->internal, w, d->array_size);
		break;
	case GL_TEXTURE_3D:
		glTexStorage3D(target, levels, f->internal, w, h, d->depth);
		break;
	case GL_TEXTURE_2D_ARRAY:
	case GL_TEXTURE_CUBE_MAP_ARRAY:
		glTexStorage3D(target, levels, f->internal, w, h, d->array_size);
		break;
	default: /* 2D, RECT, CUBE */
		glTexStorage2D(target, levels, f->internal, w, h);
		break;
	}
}

static void
alloc_multisample(struct gl_backend *be, GLenum target, const struct gl_format *f,
		  const struct vr_resource_desc *d)
{
	GLsizei s = d->nr_samples, w = d->width, h = d->height;
	bool storage = be->gl_version >= 43;
	if (target == GL_TEXTURE_2D_MULTISAMPLE) {
		if (storage) {
			glTexStorage2DMultisample(target, s, f->internal, w, h, GL_TRUE);
		} else {
			glTexImage2DMultisample(target, s, f->internal, w, h, GL_TRUE);
		}
	} else if (storage) {
		glTexStorage3DMultisample(target, s, f->internal, w, h, d->array_size, GL_TRUE);
	} else {
		glTexImage3DMultisample(target, s, f->internal, w, h, d->array_size, GL_TRUE);
	}
}

/*
 * Display storage. The guest reads its window (front/back buffer, scanout) back
 * every frame in BGRA byte order. Immutable GL_RGBA8/GL_RGB8 storage lets a
 * driver keep RGBA order (llvmpipe does), so each read-back swizzles every
 * pixel; an unsized GL_RGBA image specified with BGRA bytes lets it store BGRA,
 * and the read-back becomes a copy (on llvmpipe 2-5x faster, see
 * bench/README.md). Mutable storage cannot be viewed, which is fine for these
 * single-image textures: a view of one is the texture itself.
 */
static bool
wants_display_storage(const struct vr_resource_desc *d)
{
	return d->target == PIPE_TEXTURE_2D && d->nr_samples <= 1 && d->last_level == 0 &&
	       d->array_size <= 1 && (d->bind & (VIRGL_BIND_DISPLAY_TARGET | VIRGL_BIND_SCANOUT)) &&
	       (d->format == VIRGL_FORMAT_B8G8R8A8_UNORM ||
		d->format == VIRGL_FORMAT_B8G8R8X8_UNORM);
}

static void
alloc_display(struct gl_resource *gr, const struct vr_resource_desc *d)
{
	gr->display_storage = true;
	gr->alpha_one = d->format == VIRGL_FORMAT_B8G8R8X8_UNORM;
	gr->fmt = gl_format_get(VIRGL_FORMAT_B8G8R8A8_UNORM);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, (GLsizei)d->width, (GLsizei)d->height, 0, GL_BGRA,
		     GL_UNSIGNED_BYTE, NULL);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
}

static bool
texture_create(struct gl_backend *be, struct vr_resource *res, struct gl_resource *gr)
{
	const struct vr_resource_desc *d = &res->desc;
	gr->target = texture_target(d);
	if (!gr->target || (gr->target == GL_TEXTURE_CUBE_MAP_ARRAY && !be->has_cube_array) ||
	    (int)d->nr_samples > be->max_samples) {
		vr_warn(VR_CAT_GL, "resource %u: unsupported target %u / %u samples", res->id,
			d->target, d->nr_samples);
		return false;
	}
	/* Resource creation is rare (not per frame), so checking for errors here
	 * is affordable and catches sizes or formats the host rejects. */
	while (glGetError() != GL_NO_ERROR) {
	}
	glGenTextures(1, &gr->id);
	gl_bind_scratch_texture(be, gr->target, gr->id);
	if (wants_display_storage(d)) {
		alloc_display(gr, d);
	} else if (d->nr_samples > 1) {
		alloc_multisample(be, gr->target, gr->fmt, d);
	} else if (be->has_tex_storage) {
		alloc_storage(gr->target, gr->fmt, d);
	} else {
		alloc_mutable(gr->target, gr->fmt, d);
	}
	if (gr->fmt->flags & GLF_SWIZZLE && d->nr_samples <= 1) {
		glTexParameteriv(gr->target, GL_TEXTURE_SWIZZLE_RGBA, gr->fmt->swizzle);
	}
	GLenum err = glGetError();
	if (err != GL_NO_ERROR) {
		vr_warn(VR_CAT_GL, "resource %u: texture creation failed (GL error 0x%x)", res->id,
			err);
		glDeleteTextures(1, &gr->id);
		return false;
	}
	/* GL leaves new storage undefined: a driver may hand out memory an earlier
	 * resource (of any guest) used. Zero it so a read-back before the first write
	 * shows nothing (CVE-2022-0175 class). Formats glClearTexImage refuses
	 * (compressed ones) raise an error we drop; the driver's contents stay. */
	if (be->gl_version >= 44) {
		static const uint8_t opaque_black[4] = {0, 0, 0, 0xff}; /* BGRA bytes */
		for (uint32_t l = 0; l <= (d->nr_samples > 1 ? 0 : d->last_level); l++) {
			glClearTexImage(gr->id, (GLint)l, gr->fmt->format, gr->fmt->type,
					gr->alpha_one ? opaque_black : NULL);
		}
		while (glGetError() != GL_NO_ERROR) {
		}
	}
	return true;
}

bool
gl_resource_create(struct vr_backend *vbe, struct vr_resource *res)
{
	struct gl_backend *be = gl_backend(vbe);
	const struct gl_format *f = gl_format_get(res->desc.format);
	if (!f && res->desc.target != PIPE_BUFFER) {
		vr_warn(VR_CAT_GL, "resource %u: format %u not implemented", res->id,
			res->desc.format);
		return false;
	}
	struct gl_resource *gr = calloc(1, sizeof(*gr));
	if (!gr) {
		return false;
	}
	gr->fmt = f;
	if (res->desc.target == PIPE_BUFFER) {
		/* The GL buffer is created on first use: Mesa makes an 8-byte buffer
		 * per frame purely as a fence and never touches it on the host. */
		gr->is_buffer = true;
	} else {
		gl_make_current(be);
		if (!texture_create(be, res, gr)) {
			free(gr);
			return false;
		}
	}
	res->backend_priv = gr;
	return true;
}

GLuint
gl_buffer_get(struct gl_backend *be, struct vr_resource *res)
{
	struct gl_resource *gr = gl_res(res);
	if (!gr->id) {
		glGenBuffers(1, &gr->id);
		glBindBuffer(GL_COPY_WRITE_BUFFER, gr->id);
		glBufferData(GL_COPY_WRITE_BUFFER, res->desc.width, NULL, GL_DYNAMIC_DRAW);
		/* Undefined contents, like textures (see texture_create): zero them. */
		if (be->gl_version >= 43) {
			glClearBufferData(GL_COPY_WRITE_BUFFER, GL_R8, GL_RED, GL_UNSIGNED_BYTE,
					  NULL);
		}
		gl_check(be, "buffer creation");
	}
	return gr->id;
}

void
gl_resource_destroy(struct vr_backend *vbe, struct vr_resource *res)
{
	struct gl_backend *be = gl_backend(vbe);
	struct gl_resource *gr = gl_res(res);
	if (!gr) {
		return;
	}
	gl_make_current(be);
	if (gr->is_buffer) {
		if (gr->id) {
			gl_cache_forget_buffer(be, gr->id);
			glDeleteBuffers(1, &gr->id);
		}
	} else {
		gl_cache_forget_texture(be, gr->id);
		gl_fbo_forget(be, gr->id);
		glDeleteTextures(1, &gr->id);
	}
	free(gr);
	res->backend_priv = NULL;
}

/* ---------------------------------------------------------- attachment */

GLenum
gl_attach_point(const struct gl_format *f, uint32_t i)
{
	uint32_t ds = f->flags & (GLF_DEPTH | GLF_STENCIL);
	if (ds == (GLF_DEPTH | GLF_STENCIL)) {
		return GL_DEPTH_STENCIL_ATTACHMENT;
	}
	if (ds == GLF_DEPTH) {
		return GL_DEPTH_ATTACHMENT;
	}
	if (ds == GLF_STENCIL) {
		return GL_STENCIL_ATTACHMENT;
	}
	return GL_COLOR_ATTACHMENT0 + i;
}

void
gl_fbo_attach(GLenum target, GLenum point, const struct vr_resource *res, uint32_t level,
	      uint32_t layer, bool layered)
{
	const struct gl_resource *gr = res ? gl_res(res) : NULL;
	if (!gr || gr->is_buffer) {
		glFramebufferTexture(target, point, 0, 0);
		return;
	}
	switch (gr->target) {
	case GL_TEXTURE_1D:
		glFramebufferTexture1D(target, point, gr->target, gr->id, level);
		break;
	case GL_TEXTURE_2D:
	case GL_TEXTURE_RECTANGLE:
	case GL_TEXTURE_2D_MULTISAMPLE:
		glFramebufferTexture2D(target, point, gr->target, gr->id, level);
		break;
	case GL_TEXTURE_CUBE_MAP:
		if (layered) {
			glFramebufferTexture(target, point, gr->id, level);
		} else {
			GLenum face = GL_TEXTURE_CUBE_MAP_POSITIVE_X + layer;
			glFramebufferTexture2D(target, point, face, gr->id, level);
		}
		break;
	default: /* 3D and arrays: z / layer selects the 2D image */
		if (layered) {
			glFramebufferTexture(target, point, gr->id, level);
		} else {
			glFramebufferTextureLayer(target, point, gr->id, level, layer);
		}
		break;
	}
}

void
gl_fbo_attach_cached(struct gl_backend *be, struct gl_fbo *fbo, GLenum target, GLenum point,
		     struct vr_resource *res, uint32_t level, uint32_t layer)
{
	GLuint tex = gl_res(res)->id;
	gl_bind_fbo(be, target, fbo->id);
	if (fbo->point == point && fbo->tex == tex && fbo->level == level && fbo->layer == layer) {
		return;
	}
	if (fbo->point && fbo->point != point) {
		glFramebufferTexture(target, fbo->point, 0, 0);
	}
	gl_fbo_attach(target, point, res, level, layer, false);
	if (fbo->point != point) {
		/* Only colour images need a read/draw buffer; NONE keeps a
		 * depth-only FBO complete on GL 3.3. */
		GLenum buf = point == GL_COLOR_ATTACHMENT0 ? GL_COLOR_ATTACHMENT0 : GL_NONE;
		if (target == GL_READ_FRAMEBUFFER) {
			glReadBuffer(buf);
		} else {
			glDrawBuffer(buf);
		}
	}
	fbo->point = point;
	fbo->tex = tex;
	fbo->level = level;
	fbo->layer = layer;
}

static void
fbo_forget(struct gl_backend *be, struct gl_fbo *fbo, GLenum target, GLuint tex)
{
	if (fbo->point && fbo->tex == tex) {
		/* Deleting a texture only detaches it from the *bound* FBO; detach
		 * explicitly so a recycled texture name can never alias it. */
		gl_bind_fbo(be, target, fbo->id);
		glFramebufferTexture(target, fbo->point, 0, 0);
		fbo->point = 0;
		fbo->tex = 0;
	}
}

void
gl_fbo_forget(struct gl_backend *be, GLuint tex)
{
	fbo_forget(be, &be->read_fbo, GL_READ_FRAMEBUFFER, tex);
	fbo_forget(be, &be->draw_fbo, GL_DRAW_FRAMEBUFFER, tex);
}

void
gl_fill_alpha_one(struct gl_backend *be, struct vr_resource *res, uint32_t level,
		  const struct vr_box *box)
{
	const struct gl_resource *gr = gl_res(res);
	if (!gr->alpha_one || box->w == 0 || box->h == 0) {
		return;
	}
	/* A masked clear of the box on the transfer FBO; the cached state it
	 * needs is put back so no sub-context has to re-emit anything. */
	const struct gl_cache *c = &be->cache;
	uint8_t mask = c->colormask[0];
	GLint sc[4] = {c->scissor[0], c->scissor[1], c->scissor[2], c->scissor[3]};
	bool scissor = be->scissor_test == 1, discard = c->en[GLE_DISCARD] == 1;
	gl_fbo_attach_cached(be, &be->draw_fbo, GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, res,
			     level, (uint32_t)box->z);
	gl_set_scissor_test(be, true);
	gl_cache_scissor(be, box->w < 0 ? box->x + box->w : box->x,
			 box->h < 0 ? box->y + box->h : box->y, abs(box->w), abs(box->h));
	gl_cache_color_mask(be, 0, 0x8);
	gl_cache_enable(be, GLE_DISCARD, false);
	static const GLfloat one[4] = {0, 0, 0, 1};
	glClearBufferfv(GL_COLOR, 0, one);
	gl_cache_enable(be, GLE_DISCARD, discard);
	gl_cache_color_mask(be, 0, mask);
	if (sc[2] >= 0 && sc[3] >= 0) { /* else unknown: nothing relies on it */
		gl_cache_scissor(be, sc[0], sc[1], sc[2], sc[3]);
	}
	gl_set_scissor_test(be, scissor);
}
