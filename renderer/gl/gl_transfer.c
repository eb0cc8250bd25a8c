/*
 * pvgpu — transfers between guest memory and GL objects.
 *
 * The guest rows are described to GL with GL_{UN,}PACK_ROW_LENGTH and
 * IMAGE_HEIGHT so the data moves in one call straight from / into guest memory
 * (the shared mapping for vtest). Read-back of a window every frame is the hot
 * path: a cached read-FBO attachment and a single glReadPixels, no staging copy.
 */
#include <string.h>

#include "gl_priv.h"

static void
set_pixel_store(GLenum pname, GLint value, GLint *cache)
{
	if (*cache != value) {
		glPixelStorei(pname, value);
		*cache = value;
	}
}

/* ------------------------------------------------------------- buffers */

static bool
buffer_transfer(struct gl_backend *be, const struct vr_transfer *x)
{
	struct gl_resource *gr = gl_res(x->res);
	if (x->to_host) {
		glBindBuffer(GL_COPY_WRITE_BUFFER, gl_buffer_get(be, x->res));
		glBufferSubData(GL_COPY_WRITE_BUFFER, x->box.x, x->box.w, x->data);
	} else if (gr->id) {
		glBindBuffer(GL_COPY_READ_BUFFER, gr->id);
		glGetBufferSubData(GL_COPY_READ_BUFFER, x->box.x, x->box.w, x->data);
	}
	/* A buffer the host never wrote has no GL object: guest memory already
	 * holds its contents, so a read-back leaves it untouched. */
	return gl_check(be, "buffer transfer");
}

/* ------------------------------------------------------------- uploads */

static void
tex_sub_image(const struct gl_resource *gr, uint32_t level, const struct vr_box *b, const void *p)
{
	const struct gl_format *f = gr->fmt;
	switch (gr->target) {
	case GL_TEXTURE_1D:
		glTexSubImage1D(gr->target, level, b->x, b->w, f->format, f->type, p);
		break;
	case GL_TEXTURE_1D_ARRAY: /* y/h select layers, as in gallium */
	case GL_TEXTURE_2D:
	case GL_TEXTURE_RECTANGLE:
		glTexSubImage2D(gr->target, level, b->x, b->y, b->w, b->h, f->format, f->type, p);
		break;
	case GL_TEXTURE_CUBE_MAP: /* one face per call; z is the face */
		glTexSubImage2D(GL_TEXTURE_CUBE_MAP_POSITIVE_X + b->z, level, b->x, b->y, b->w,
				b->h, f->format, f->type, p);
		break;
	default: /* 3D, 2D array, cube array: z/d are slices or layer-faces */
		glTexSubImage3D(gr->target, level, b->x, b->y, b->z, b->w, b->h, b->d, f->format,
				f->type, p);
		break;
	}
}

/* Copies the box into the scratch buffer in GL's byte layout (tight rows). */
static const uint8_t *
convert_for_upload(struct gl_backend *be, const struct vr_transfer *x, uint32_t bpp)
{
	size_t row = (size_t)x->box.w * bpp;
	size_t layer = row * x->box.h;
	uint8_t *tmp = gl_scratch(be, layer * x->box.d);
	if (!tmp) {
		return NULL;
	}
	for (int32_t z = 0; z < x->box.d; z++) {
		gl_format_convert(gl_res(x->res)->fmt, true, x->data + (size_t)z * x->layer_stride,
				  x->stride, tmp + z * layer, row, x->box.w, x->box.h);
	}
	return tmp;
}

static bool
texture_upload(struct gl_backend *be, const struct vr_transfer *x, uint32_t bpp)
{
	struct gl_resource *gr = gl_res(x->res);
	const uint8_t *data = x->data;
	size_t stride = x->stride, lstride = x->layer_stride;
	if (gl_format_needs_convert(gr->fmt)) {
		data = convert_for_upload(be, x, bpp);
		if (!data) {
			return false;
		}
		stride = (size_t)x->box.w * bpp;
		lstride = stride * x->box.h;
	}
	bool rows_ok = stride % bpp == 0;
	bool layers_ok = rows_ok && lstride % stride == 0 && gr->target != GL_TEXTURE_CUBE_MAP;
	set_pixel_store(GL_UNPACK_ROW_LENGTH, rows_ok ? (GLint)(stride / bpp) : 0,
			&be->unpack_row_length);
	set_pixel_store(GL_UNPACK_IMAGE_HEIGHT, layers_ok ? (GLint)(lstride / stride) : 0,
			&be->unpack_image_height);
	gl_bind_scratch_texture(be, gr->target, gr->id);
	if (layers_ok) {
		tex_sub_image(gr, x->level, &x->box, data);
		return gl_check(be, "texture upload");
	}
	/* Strides GL cannot express: one call per layer, or per row. */
	for (int32_t z = 0; z < x->box.d; z++) {
		struct vr_box b = x->box;
		b.z += z;
		b.d = 1;
		const uint8_t *layer = data + (size_t)z * lstride;
		if (rows_ok) {
			tex_sub_image(gr, x->level, &b, layer);
			continue;
		}
		for (int32_t y = 0; y < x->box.h; y++) {
			b.y = x->box.y + y;
			b.h = 1;
			tex_sub_image(gr, x->level, &b, layer + (size_t)y * stride);
		}
	}
	return gl_check(be, "texture upload");
}

/* ----------------------------------------------------------- read-back */

/* Where the whole stored image attaches (24-bit depth formats keep stencil). */
static GLenum
storage_point(const struct gl_format *f)
{
	switch (f->format) {
	case GL_DEPTH_STENCIL:
		return GL_DEPTH_STENCIL_ATTACHMENT;
	case GL_DEPTH_COMPONENT:
		return GL_DEPTH_ATTACHMENT;
	case GL_STENCIL_INDEX:
		return GL_STENCIL_ATTACHMENT;
	default:
		return GL_COLOR_ATTACHMENT0;
	}
}

static void
read_rect(const struct gl_format *f, int32_t x, int32_t y, int32_t w, int32_t h, uint8_t *dst,
	  size_t stride, bool rows_ok)
{
	if (rows_ok) {
		glReadPixels(x, y, w, h, f->format, f->type, dst);
		return;
	}
	for (int32_t r = 0; r < h; r++) {
		glReadPixels(x, y + r, w, 1, f->format, f->type, dst + (size_t)r * stride);
	}
}

/* Whole-level read into scratch, then the box out of it (GL < 4.5 only). */
static bool
readback_whole_level(struct gl_backend *be, const struct vr_transfer *x, uint32_t bpp)
{
	struct gl_resource *gr = gl_res(x->res);
	const struct vr_resource_desc *d = &x->res->desc;
	size_t w = vr_minify(d->width, x->level);
	size_t h =
		gr->target == GL_TEXTURE_1D_ARRAY ? d->array_size : vr_minify(d->height, x->level);
	size_t layers = d->target == PIPE_TEXTURE_3D ? vr_minify(d->depth, x->level)
						     : vr_resource_layers(x->res);
	size_t row = w * bpp, image = row * h;
	uint8_t *tmp = gl_scratch(be, image * (layers ? layers : 1));
	if (!tmp) {
		return false;
	}
	set_pixel_store(GL_PACK_ROW_LENGTH, 0, &be->pack_row_length);
	gl_bind_scratch_texture(be, gr->target, gr->id);
	if (gr->target == GL_TEXTURE_CUBE_MAP) {
		for (int face = 0; face < 6; face++) {
			glGetTexImage(GL_TEXTURE_CUBE_MAP_POSITIVE_X + face, x->level,
				      gr->fmt->format, gr->fmt->type, tmp + face * image);
		}
	} else {
		glGetTexImage(gr->target, x->level, gr->fmt->format, gr->fmt->type, tmp);
	}
	for (int32_t z = 0; z < x->box.d; z++) {
		for (int32_t y = 0; y < x->box.h; y++) {
			memcpy(x->data + (size_t)z * x->layer_stride + (size_t)y * x->stride,
			       tmp + (x->box.z + z) * image + (x->box.y + y) * row + x->box.x * bpp,
			       (size_t)x->box.w * bpp);
		}
	}
	return true;
}

/* Formats the host cannot attach to an FBO (e.g. RGB9E5) are read from the
 * texture itself. */
static bool
readback_texture_image(struct gl_backend *be, const struct vr_transfer *x, uint32_t bpp)
{
	struct gl_resource *gr = gl_res(x->res);
	const struct vr_box *b = &x->box;
	if (be->gl_version < 45) {
		return readback_whole_level(be, x, bpp);
	}
	bool rows_ok = x->stride % bpp == 0 && x->layer_stride % x->stride == 0;
	set_pixel_store(GL_PACK_ROW_LENGTH, rows_ok ? (GLint)(x->stride / bpp) : 0,
			&be->pack_row_length);
	set_pixel_store(GL_PACK_IMAGE_HEIGHT, rows_ok ? (GLint)(x->layer_stride / x->stride) : 0,
			&be->pack_image_height);
	size_t size = (size_t)x->layer_stride * (b->d - 1) + (size_t)x->stride * (b->h - 1) +
		      (size_t)b->w * bpp;
	if (rows_ok) {
		glGetTextureSubImage(gr->id, x->level, b->x, b->y, b->z, b->w, b->h, b->d,
				     gr->fmt->format, gr->fmt->type, (GLsizei)size, x->data);
		return gl_check(be, "texture image read-back");
	}
	for (int32_t z = 0; z < b->d; z++) {
		for (int32_t y = 0; y < b->h; y++) {
			glGetTextureSubImage(gr->id, x->level, b->x, b->y + y, b->z + z, b->w, 1, 1,
					     gr->fmt->format, gr->fmt->type, b->w * (GLsizei)bpp,
					     x->data + (size_t)z * x->layer_stride +
						     (size_t)y * x->stride);
		}
	}
	return gl_check(be, "texture image read-back");
}

static bool
texture_readback(struct gl_backend *be, const struct vr_transfer *x, uint32_t bpp)
{
	struct gl_resource *gr = gl_res(x->res);
	const struct gl_format *f = gr->fmt;
	const struct vr_box *b = &x->box;
	GLenum point = storage_point(f);
	if (point == GL_COLOR_ATTACHMENT0 && !gl_format_attachable(be, x->res->desc.format)) {
		return readback_texture_image(be, x, bpp);
	}
	bool rows_ok = x->stride % bpp == 0;
	set_pixel_store(GL_PACK_ROW_LENGTH, rows_ok ? (GLint)(x->stride / bpp) : 0,
			&be->pack_row_length);
	if (gr->target == GL_TEXTURE_1D_ARRAY) {
		/* Each layer is one row of the box; attach and read them in turn. */
		for (int32_t r = 0; r < b->h; r++) {
			gl_fbo_attach_cached(be, &be->read_fbo, GL_READ_FRAMEBUFFER, point, x->res,
					     x->level, b->y + r);
			read_rect(f, b->x, 0, b->w, 1, x->data + (size_t)r * x->stride, x->stride,
				  true);
		}
	} else {
		for (int32_t z = 0; z < b->d; z++) {
			gl_fbo_attach_cached(be, &be->read_fbo, GL_READ_FRAMEBUFFER, point, x->res,
					     x->level, b->z + z);
			read_rect(f, b->x, b->y, b->w, b->h, x->data + (size_t)z * x->layer_stride,
				  x->stride, rows_ok);
		}
	}
	if (gl_format_needs_convert(f)) {
		uint32_t rows = gr->target == GL_TEXTURE_1D_ARRAY ? 1 : b->h;
		uint32_t slices = gr->target == GL_TEXTURE_1D_ARRAY ? b->h : b->d;
		size_t step = gr->target == GL_TEXTURE_1D_ARRAY ? x->stride : x->layer_stride;
		for (uint32_t z = 0; z < slices; z++) {
			uint8_t *p = x->data + z * step;
			gl_format_convert(f, false, p, x->stride, p, x->stride, b->w, rows);
		}
	}
	return gl_check(be, "texture read-back");
}

bool
gl_transfer(struct vr_backend *vbe, const struct vr_transfer *x)
{
	struct gl_backend *be = gl_backend(vbe);
	struct gl_resource *gr = gl_res(x->res);
	gl_make_current(be);
	if (gr->is_buffer) {
		return buffer_transfer(be, x);
	}
	if (x->res->desc.nr_samples > 1) {
		/* Mesa gives multisample resources no backing; nothing to move. */
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "transfer on multisample resource %u",
			  x->res->id);
		return false;
	}
	uint32_t bpp = vr_format_get(x->res->desc.format)->block_bytes;
	if (!x->to_host) {
		return texture_readback(be, x, bpp);
	}
	bool ok = texture_upload(be, x, bpp);
	gl_fill_alpha_one(be, x->res, x->level, &x->box); /* the guest's X bytes */
	return ok;
}
