/*
 * pvgpu — BLIT and RESOURCE_COPY_REGION.
 *
 * Blits map straight onto glBlitFramebuffer between the backend's scratch read
 * and draw FBOs: gallium boxes (negative extents mean mirrored) become GL
 * rectangles with no flip, so the row convention of transfers is kept. Copies
 * use glCopyBufferSubData / glCopyImageSubData, falling back to a raw copy
 * through host memory.
 */
#include <stdlib.h>

#include "gl_priv.h"
#include "vgp_gallium.h"

/* One plane of a blit: the image, its box and the attachment point to use. */
struct blit_side {
	struct vr_resource *res;
	uint32_t level;
	struct vr_box box;
};

/* 1D arrays address layers with y/h (gallium); make them z/d like the others. */
static struct vr_box
layer_box(const struct vr_resource *res, struct vr_box b)
{
	if (gl_res(res)->target == GL_TEXTURE_1D_ARRAY) {
		b.z = b.y;
		b.d = b.h;
		b.y = 0;
		b.h = 1;
	}
	return b;
}

static GLenum
zs_point(const struct gl_format *storage)
{
	/* Attach the whole stored image: a Z24X8 resource still has stencil bits. */
	if (storage->format == GL_DEPTH_STENCIL) {
		return GL_DEPTH_STENCIL_ATTACHMENT;
	}
	return storage->format == GL_STENCIL_INDEX ? GL_STENCIL_ATTACHMENT : GL_DEPTH_ATTACHMENT;
}

static void
blit_layers(struct gl_backend *be, const struct blit_side *src, const struct blit_side *dst,
	    GLbitfield mask, GLenum filter)
{
	GLenum point =
		mask & GL_COLOR_BUFFER_BIT ? GL_COLOR_ATTACHMENT0 : zs_point(gl_res(dst->res)->fmt);
	struct vr_box s = layer_box(src->res, src->box);
	struct vr_box d = layer_box(dst->res, dst->box);
	int32_t layers = d.d < 0 ? -d.d : d.d;
	for (int32_t i = 0; i < layers; i++) {
		/* Scaled 3D blits pick the nearest source slice per destination slice. */
		int32_t sz = s.z + (int32_t)(((int64_t)i * s.d) / (d.d ? d.d : 1));
		gl_fbo_attach_cached(be, &be->read_fbo, GL_READ_FRAMEBUFFER, point, src->res,
				     src->level, (uint32_t)sz);
		gl_fbo_attach_cached(be, &be->draw_fbo, GL_DRAW_FRAMEBUFFER, point, dst->res,
				     dst->level, (uint32_t)(d.z + i));
		glBlitFramebuffer(s.x, s.y, s.x + s.w, s.y + s.h, d.x, d.y, d.x + d.w, d.y + d.h,
				  mask, filter);
	}
}

/* Which GL buffers a blit moves; 0 (and a log) when GL cannot do it. */
static GLbitfield
blit_mask(struct gl_backend *be, const struct vr_blit *b, const struct gl_format *sf,
	  const struct gl_format *df)
{
	GLbitfield m = 0;
	bool s_zs = sf->flags & (GLF_DEPTH | GLF_STENCIL);
	bool d_zs = df->flags & (GLF_DEPTH | GLF_STENCIL);
	if ((b->mask & PIPE_MASK_RGBA) && !s_zs && !d_zs) {
		const struct vr_format_info *si = vr_format_get(b->src_format);
		const struct vr_format_info *di = vr_format_get(b->dst_format);
		/* GL blits never convert between integer and normalised/float, nor
		 * between signed and unsigned integers. */
		if (si && di && si->kind == di->kind) {
			m |= GL_COLOR_BUFFER_BIT;
		}
	}
	if (s_zs && d_zs && gl_res(b->src)->fmt->internal == gl_res(b->dst)->fmt->internal) {
		if ((b->mask & PIPE_MASK_Z) && (sf->flags & GLF_DEPTH) && (df->flags & GLF_DEPTH)) {
			m |= GL_DEPTH_BUFFER_BIT;
		}
		if ((b->mask & PIPE_MASK_S) && (sf->flags & GLF_STENCIL) &&
		    (df->flags & GLF_STENCIL)) {
			m |= GL_STENCIL_BUFFER_BIT;
		}
	}
	if (!m) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN,
			  "blit %u -> %u (formats %u -> %u, mask 0x%x) unsupported by GL; skipped",
			  b->src->id, b->dst->id, b->src_format, b->dst_format, b->mask);
	}
	return m;
}

bool
gl_blit(struct vr_backend_ctx *bctx, const struct vr_blit *b)
{
	struct gl_ctx *c = gl_ctx(bctx);
	struct gl_backend *be = c->be;
	if (gl_res(b->src)->is_buffer || gl_res(b->dst)->is_buffer) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN, "blit on a buffer; skipped");
		return true;
	}
	const struct gl_format *sf = gl_format_get(b->src_format);
	const struct gl_format *df = gl_format_get(b->dst_format);
	sf = sf ? sf : gl_res(b->src)->fmt;
	df = df ? df : gl_res(b->dst)->fmt;
	gl_make_current(be);
	GLbitfield mask = blit_mask(be, b, sf, df);
	if (!mask) {
		return true;
	}
	/* Linear filtering only exists for colour, and not for integers. */
	GLenum filter = b->filter == PIPE_TEX_FILTER_LINEAR && mask == GL_COLOR_BUFFER_BIT &&
					!(sf->flags & GLF_INTEGER)
				? GL_LINEAR
				: GL_NEAREST;
	if (b->scissor_enable) {
		gl_set_scissor_test(be, true);
		gl_cache_scissor(be, b->scissor.minx, b->scissor.miny,
				 b->scissor.maxx - b->scissor.minx,
				 b->scissor.maxy - b->scissor.miny);
		if (c->cur) {
			c->cur->dirty |= GL_DIRTY_SCISSOR;
		}
	} else {
		gl_set_scissor_test(be, false);
	}
	/* GL decodes an sRGB source and encodes an sRGB destination only with
	 * FRAMEBUFFER_SRGB on, which is gallium's rule when the blit formats are
	 * the resources' own. */
	gl_set_fb_srgb(be, (sf->flags | df->flags) & GLF_SRGB);
	gl_cache_enable(be, GLE_DISCARD, false);
	if (c->cur) {
		c->cur->dirty |= GL_DIRTY_RS;
	}
	struct blit_side src = {b->src, b->src_level, b->src_box};
	struct blit_side dst = {b->dst, b->dst_level, b->dst_box};
	blit_layers(be, &src, &dst, mask, filter);
	gl_fill_alpha_one(be, b->dst, b->dst_level, &b->dst_box);
	gl_check(be, "blit");
	return true;
}

/* ---------------------------------------------------------------- copies */

/* glCopyImageSubData view classes (GL 4.5 table 8.22): bits per texel, or 0
 * for formats that are only compatible with themselves. */
int
gl_view_class(GLenum internal)
{
	switch (internal) {
	case GL_RGBA32F:
	case GL_RGBA32UI:
	case GL_RGBA32I:
		return 128;
	case GL_RGB32F:
	case GL_RGB32UI:
	case GL_RGB32I:
		return 96;
	case GL_RGBA16F:
	case GL_RG32F:
	case GL_RGBA16UI:
	case GL_RG32UI:
	case GL_RGBA16I:
	case GL_RG32I:
	case GL_RGBA16:
	case GL_RGBA16_SNORM:
		return 64;
	case GL_RGB16:
	case GL_RGB16_SNORM:
	case GL_RGB16F:
	case GL_RGB16UI:
	case GL_RGB16I:
		return 48;
	case GL_RG16F:
	case GL_R11F_G11F_B10F:
	case GL_R32F:
	case GL_RGB10_A2UI:
	case GL_RGBA8UI:
	case GL_RG16UI:
	case GL_R32UI:
	case GL_RGBA8I:
	case GL_RG16I:
	case GL_R32I:
	case GL_RGB10_A2:
	case GL_RGBA8:
	case GL_RG16:
	case GL_RGBA8_SNORM:
	case GL_RG16_SNORM:
	case GL_SRGB8_ALPHA8:
	case GL_RGB9_E5:
		return 32;
	case GL_RGB8:
	case GL_RGB8_SNORM:
	case GL_SRGB8:
	case GL_RGB8UI:
	case GL_RGB8I:
		return 24;
	case GL_R16F:
	case GL_RG8UI:
	case GL_R16UI:
	case GL_RG8I:
	case GL_R16I:
	case GL_RG8:
	case GL_R16:
	case GL_RG8_SNORM:
	case GL_R16_SNORM:
		return 16;
	case GL_R8UI:
	case GL_R8I:
	case GL_R8:
	case GL_R8_SNORM:
		return 8;
	default:
		return 0;
	}
}

static bool
copy_image_ok(const struct gl_backend *be, const struct vr_resource *src,
	      const struct vr_resource *dst)
{
	const struct gl_resource *gs = gl_res(src), *gd = gl_res(dst);
	/* Display storage is unsized GL_RGBA, which copy-image matches only with itself. */
	if (!be->has_copy_image || src->desc.nr_samples != dst->desc.nr_samples ||
	    gs->display_storage != gd->display_storage) {
		return false;
	}
	int cls = gl_view_class(gs->fmt->internal);
	return gs->fmt->internal == gd->fmt->internal ||
	       (cls && cls == gl_view_class(gd->fmt->internal));
}

static bool
copy_buffer(struct gl_backend *be, const struct vr_copy_region *cp)
{
	glBindBuffer(GL_COPY_READ_BUFFER, gl_buffer_get(be, cp->src));
	glBindBuffer(GL_COPY_WRITE_BUFFER, gl_buffer_get(be, cp->dst));
	glCopyBufferSubData(GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER, cp->src_box.x, cp->dstx,
			    cp->src_box.w);
	gl_check(be, "buffer copy");
	return true;
}

/* Raw texel copy through host memory for same-size formats GL will not copy
 * between (e.g. RGBA8 -> the RGB8 behind B8G8R8X8): gallium copies bytes, not
 * channels, so read in the source's byte layout and write in the destination's. */
static void
copy_through_memory(struct gl_backend *be, const struct vr_copy_region *cp)
{
	const struct vr_format_info *si = vr_format_get(cp->src->desc.format);
	const struct vr_format_info *di = vr_format_get(cp->dst->desc.format);
	const struct vr_box *sb = &cp->src_box;
	if (si->block_bytes != di->block_bytes || cp->src->desc.nr_samples > 1 ||
	    cp->dst->desc.nr_samples > 1) {
		vr_log_rl(&be->rl, VR_CAT_GL, VR_LOG_WARN,
			  "copy region %u -> %u: incompatible formats %u / %u; skipped",
			  cp->src->id, cp->dst->id, cp->src->desc.format, cp->dst->desc.format);
		return;
	}
	uint32_t stride = (uint32_t)sb->w * si->block_bytes;
	/* The box was validated against the source level, so this is bounded by
	 * the texture's own size. Not the backend scratch: transfers use it. */
	uint8_t *tmp = malloc((size_t)stride * sb->h * sb->d);
	if (!tmp) {
		return;
	}
	struct vr_transfer x = {
		.res = cp->src,
		.level = cp->src_level,
		.box = *sb,
		.stride = stride,
		.layer_stride = stride * (uint32_t)sb->h,
		.data = tmp,
		.to_host = false,
	};
	if (gl_transfer(&be->base, &x)) {
		x.res = cp->dst;
		x.level = cp->dst_level;
		x.box.x = (int32_t)cp->dstx;
		x.box.y = (int32_t)cp->dsty;
		x.box.z = (int32_t)cp->dstz;
		x.to_host = true;
		gl_transfer(&be->base, &x);
	}
	free(tmp);
}

bool
gl_copy_region(struct vr_backend_ctx *bctx, const struct vr_copy_region *cp)
{
	struct gl_backend *be = gl_ctx(bctx)->be;
	struct gl_resource *gs = gl_res(cp->src), *gd = gl_res(cp->dst);
	if (gs->is_buffer != gd->is_buffer) {
		vr_ctx_error(gl_ctx(bctx)->ctx, "copy region between a buffer and a texture");
		return false;
	}
	gl_make_current(be);
	if (gs->is_buffer) {
		return copy_buffer(be, cp);
	}
	const struct vr_box *sb = &cp->src_box;
	if (copy_image_ok(be, cp->src, cp->dst)) {
		glCopyImageSubData(gs->id, gs->target, cp->src_level, sb->x, sb->y, sb->z, gd->id,
				   gd->target, cp->dst_level, cp->dstx, cp->dsty, cp->dstz, sb->w,
				   sb->h, sb->d);
	} else {
		copy_through_memory(be, cp);
	}
	struct vr_box db = {
		(int32_t)cp->dstx, (int32_t)cp->dsty, (int32_t)cp->dstz, sb->w, sb->h, sb->d};
	gl_fill_alpha_one(be, cp->dst, cp->dst_level, &db);
	gl_check(be, "copy region");
	return true;
}
