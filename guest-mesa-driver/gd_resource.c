/* pvgpu guest driver — resources and the three upload paths (see gd.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gd_priv.h"
#include "vgp_virgl_format.h"
#include "vr_format.h"

static bool
desc_normalise(struct gd_resource_desc *d, uint8_t *block_bytes)
{
	d->height = d->height ? d->height : 1;
	d->depth = d->depth ? d->depth : 1;
	d->array_size = d->array_size ? d->array_size : 1;
	if (d->target == PIPE_BUFFER) {
		*block_bytes = 1;
		return d->width > 0 && d->height == 1 && d->depth == 1 && d->last_level == 0;
	}
	const struct vr_format_info *fi = vr_format_get_texel(d->format);
	if (!fi || d->width == 0 || d->target > PIPE_TEXTURE_CUBE_ARRAY || d->last_level > 15) {
		return false;
	}
	*block_bytes = fi->block_bytes;
	return true;
}

int
gd_resource_create_internal(struct gd_screen *screen, const struct gd_resource_desc *desc,
			    struct gd_resource **out)
{
	*out = NULL;
	struct gd_resource_desc d = *desc;
	uint8_t bpp;
	size_t size = 0;
	if (!desc_normalise(&d, &bpp)) {
		return -EINVAL;
	}
	/* MSAA resources cannot be transferred, so they get no guest memory. */
	if (d.nr_samples <= 1 && !gd_resource_backing_size(&d, &size)) {
		return -EINVAL;
	}
	struct gd_resource *res = calloc(1, sizeof(*res));
	if (!res) {
		return -ENOMEM;
	}
	struct gd_winsys *ws = screen->ws;
	int r = ws->impl->resource_create(ws, &d, size, &res->ws_res);
	if (r < 0) {
		free(res);
		return r;
	}
	res->refcount = 1;
	res->screen = screen;
	res->desc = d;
	res->block_bytes = bpp;
	screen->live_resources++;
	*out = res;
	return 0;
}

int
gd_resource_create(struct gd_screen *screen, const struct gd_resource_desc *desc,
		   struct gd_resource **out)
{
	*out = NULL;
	if (screen->ws->status < 0) {
		return screen->ws->status;
	}
	if (desc->target != PIPE_BUFFER &&
	    !gd_screen_format_supported(screen, desc->format,
					desc->bind & (VIRGL_BIND_SAMPLER_VIEW |
						      VIRGL_BIND_RENDER_TARGET |
						      VIRGL_BIND_DEPTH_STENCIL))) {
		return -ENOTSUP;
	}
	return gd_resource_create_internal(screen, desc, out);
}

void
gd_resource_ref(struct gd_resource *res)
{
	res->refcount++;
}

void
gd_resource_unref(struct gd_resource *res)
{
	if (!res || --res->refcount) {
		return;
	}
	struct gd_winsys *ws = res->screen->ws;
	ws->impl->resource_destroy(ws, res->ws_res);
	res->screen->live_resources--;
	free(res);
}

uint32_t
gd_resource_handle(const struct gd_resource *res)
{
	return res->ws_res->handle;
}

const struct gd_resource_desc *
gd_resource_desc(const struct gd_resource *res)
{
	return &res->desc;
}

uint32_t
gd_res_use(struct gd_context *ctx, struct gd_resource *res)
{
	if (!res) {
		return 0;
	}
	gd_cmd_ref(ctx, res);
	return res->ws_res->handle;
}

int
gd_resource_backing_idle(struct gd_context *ctx, struct gd_resource *res)
{
	if (!res->backing_in_flight) {
		return 0;
	}
	/* Queued commands may read the memory: send them before waiting. */
	int r = gd_cmdbuf_submit(ctx);
	struct gd_winsys *ws = res->screen->ws;
	bool busy = false;
	if (r == 0) {
		r = ws->impl->resource_busy(ws, res->ws_res, true, &busy);
	}
	if (r == 0) {
		res->backing_in_flight = false;
	}
	return r;
}

/* ------------------------------------------------------------- geometry */

struct xfer_geom {
	uint32_t level_stride, level_layer_stride;
	uint64_t origin;    /* byte offset of the box origin in guest memory */
	uint32_t row_bytes; /* bytes of one box row */
	uint32_t rows, layers;
};

static bool
level_extent(const struct gd_resource_desc *d, uint32_t level, uint32_t *w, uint32_t *h,
	     uint32_t *layers)
{
	if (level > d->last_level) {
		return false;
	}
	*w = d->width >> level ? d->width >> level : 1;
	*h = d->height >> level ? d->height >> level : 1;
	switch (d->target) {
	case PIPE_TEXTURE_3D:
		*layers = d->depth >> level ? d->depth >> level : 1;
		break;
	case PIPE_TEXTURE_CUBE:
		*layers = 6;
		break;
	case PIPE_TEXTURE_1D_ARRAY:
		*h = d->array_size; /* gallium addresses 1D array layers with y */
		*layers = 1;
		break;
	case PIPE_TEXTURE_2D_ARRAY:
	case PIPE_TEXTURE_CUBE_ARRAY:
		*layers = d->array_size;
		break;
	default:
		*layers = 1;
	}
	return true;
}

static int
xfer_geom(const struct gd_resource *res, uint32_t level, const struct gd_box *b,
	  struct xfer_geom *g)
{
	uint32_t w, h, layers;
	if (!res->ws_res->map || !level_extent(&res->desc, level, &w, &h, &layers) || b->x < 0 ||
	    b->y < 0 || b->z < 0 || b->w <= 0 || b->h <= 0 || b->d <= 0 ||
	    (uint64_t)b->x + (uint64_t)b->w > w || (uint64_t)b->y + (uint64_t)b->h > h ||
	    (uint64_t)b->z + (uint64_t)b->d > layers) {
		return -EINVAL;
	}
	gd_resource_level_layout(&res->desc, level, &g->level_stride, &g->level_layer_stride,
				 &g->origin);
	if (res->desc.target == PIPE_TEXTURE_1D_ARRAY) {
		g->level_layer_stride = g->level_stride;
	}
	g->origin += (uint64_t)b->z * g->level_layer_stride + (uint64_t)b->y * g->level_stride +
		     (uint64_t)b->x * res->block_bytes;
	g->row_bytes = (uint32_t)b->w * res->block_bytes;
	g->rows = (uint32_t)b->h;
	g->layers = (uint32_t)b->d;
	return 0;
}

/* Copies between caller memory (packed per stride/layer_stride) and guest memory. */
static void
copy_box(const struct xfer_geom *g, uint8_t *map, uint8_t *user, uint32_t stride,
	 uint32_t layer_stride, bool to_map)
{
	stride = stride ? stride : g->row_bytes;
	layer_stride = layer_stride ? layer_stride : stride * g->rows;
	for (uint32_t z = 0; z < g->layers; z++) {
		for (uint32_t y = 0; y < g->rows; y++) {
			uint8_t *m = map + g->origin + (uint64_t)z * g->level_layer_stride +
				     (uint64_t)y * g->level_stride;
			uint8_t *u = user + (size_t)z * layer_stride + (size_t)y * stride;
			if (to_map) {
				memcpy(m, u, g->row_bytes);
			} else {
				memcpy(u, m, g->row_bytes);
			}
		}
	}
}

/* ---------------------------------------------------------------- writes */

static void
encode_transfer3d(struct gd_context *ctx, struct gd_resource *res, uint32_t level,
		  const struct gd_box *box, const struct xfer_geom *g)
{
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_TRANSFER3D, 0, VIRGL_TRANSFER3D_SIZE);
	if (!p) {
		return;
	}
	p[1] = gd_res_use(ctx, res);
	p[2] = level;
	p[4] = g->level_stride;
	p[5] = g->level_layer_stride;
	gd_put_box(&p[6], box);
	p[12] = (uint32_t)g->origin;
	p[13] = VIRGL_TRANSFER_TO_HOST;
}

/* RESOURCE_INLINE_WRITE of rows [y0, y0+n) of layer z, columns [x0, x0+w). */
static void
encode_inline(struct gd_context *ctx, struct gd_resource *res, uint32_t level,
	      const struct gd_box *piece, const uint8_t *src, uint32_t src_stride)
{
	uint32_t row = (uint32_t)piece->w * res->block_bytes;
	uint32_t bytes = row * (uint32_t)piece->h;
	uint32_t *p = gd_cmd(ctx, VIRGL_CCMD_RESOURCE_INLINE_WRITE, 0,
			     VIRGL_INLINE_WRITE_HDR_SIZE + (bytes + 3) / 4);
	if (!p) {
		return;
	}
	p[1] = gd_res_use(ctx, res);
	p[2] = level;
	p[4] = row;
	p[5] = bytes;
	gd_put_box(&p[6], piece);
	uint8_t *dst = (uint8_t *)&p[12];
	for (int32_t y = 0; y < piece->h; y++) {
		memcpy(dst + (size_t)y * row, src + (size_t)y * src_stride, row);
	}
}

/* Splits the box into commands that fit: bands of rows, or pieces of one row. */
static int
write_inline(struct gd_context *ctx, struct gd_resource *res, uint32_t level,
	     const struct gd_box *box, const uint8_t *data, uint32_t stride, uint32_t layer_stride)
{
	uint32_t bpp = res->block_bytes;
	uint32_t row = (uint32_t)box->w * bpp;
	stride = stride ? stride : row;
	layer_stride = layer_stride ? layer_stride : stride * (uint32_t)box->h;
	uint64_t max_bytes = (uint64_t)(gd_cmd_max_payload() - VIRGL_INLINE_WRITE_HDR_SIZE) * 4;
	for (int32_t z = 0; z < box->d; z++) {
		const uint8_t *layer = data + (size_t)z * layer_stride;
		int32_t band = row <= max_bytes ? (int32_t)(max_bytes / row) : 1;
		int32_t piece_w = row <= max_bytes ? box->w : (int32_t)(max_bytes / bpp);
		for (int32_t y = 0; y < box->h; y += band) {
			for (int32_t x = 0; x < box->w; x += piece_w) {
				struct gd_box piece = {
					.x = box->x + x,
					.y = box->y + y,
					.z = box->z + z,
					.w = box->w - x < piece_w ? box->w - x : piece_w,
					.h = box->h - y < band ? box->h - y : band,
					.d = 1,
				};
				encode_inline(ctx, res, level, &piece,
					      layer + (size_t)y * stride + (size_t)x * bpp, stride);
			}
		}
	}
	return ctx->error;
}

/* ------------------------------------------------------ map / unmap */

struct gd_transfer {
	struct gd_resource *res;
	uint32_t level, usage;
	struct gd_box box;
	struct xfer_geom g;
	enum gd_xfer_path path;
};

int
gd_transfer_map(struct gd_context *ctx, struct gd_resource *res, uint32_t level, uint32_t usage,
		const struct gd_box *box, enum gd_xfer_path path, void **ptr, uint32_t *stride,
		uint32_t *layer_stride, struct gd_transfer **out)
{
	*out = NULL;
	*ptr = NULL;
	struct gd_transfer *t = calloc(1, sizeof(*t));
	int r = t ? xfer_geom(res, level, box, &t->g) : -ENOMEM;
	if (r == 0 && (!(usage & (GD_MAP_READ | GD_MAP_WRITE)) || path > GD_XFER_INLINE)) {
		r = -EINVAL;
	}
	if (r < 0 || ctx->error) {
		free(t);
		return r < 0 ? r : ctx->error;
	}
	struct gd_winsys *ws = ctx->screen->ws;
	if (usage & GD_MAP_READ) {
		bool busy = false;
		r = gd_cmdbuf_submit(ctx);
		if (r == 0) {
			r = ws->impl->transfer(ws, res->ws_res, level, box, t->g.origin, false);
		}
		/* A transfer from the host completes asynchronously on some transports. */
		if (r == 0) {
			r = ws->impl->resource_busy(ws, res->ws_res, true, &busy);
		}
		if (r == 0) {
			res->backing_in_flight = false;
		}
	} else {
		/* The host may still be reading the previous upload from this memory. */
		r = gd_resource_backing_idle(ctx, res);
	}
	if (r < 0) {
		free(t);
		return gd_ctx_fail(ctx, r);
	}
	gd_resource_ref(res);
	*t = (struct gd_transfer){res, level, usage, *box, t->g, path};
	*stride = t->g.level_stride;
	*layer_stride = t->g.level_layer_stride;
	*out = t;
	*ptr = (uint8_t *)res->ws_res->map + t->g.origin;
	return 0;
}

int
gd_transfer_unmap(struct gd_context *ctx, struct gd_transfer *t)
{
	if (!t) {
		return -EINVAL;
	}
	struct gd_resource *res = t->res;
	int r = ctx->error;
	if (r == 0 && (t->usage & GD_MAP_WRITE)) {
		const struct xfer_geom *g = &t->g;
		if (t->path == GD_XFER_INLINE) {
			r = write_inline(ctx, res, t->level, &t->box,
					 (const uint8_t *)res->ws_res->map + g->origin,
					 g->level_stride, g->level_layer_stride);
		} else if (t->path == GD_XFER_TRANSFER3D) {
			res->backing_in_flight = true;
			encode_transfer3d(ctx, res, t->level, &t->box, g);
			r = ctx->error;
		} else {
			res->backing_in_flight = true;
			/* Earlier commands come first: the host runs them in submission order. */
			r = gd_cmdbuf_submit(ctx);
			if (r == 0) {
				struct gd_winsys *ws = ctx->screen->ws;
				r = ws->impl->transfer(ws, res->ws_res, t->level, &t->box,
						       g->origin, true);
			}
			if (r < 0) {
				gd_ctx_fail(ctx, r);
			}
		}
	}
	gd_resource_unref(res);
	free(t);
	return r;
}

int
gd_texture_write(struct gd_context *ctx, struct gd_resource *res, uint32_t level,
		 const struct gd_box *box, const void *data, uint32_t stride, uint32_t layer_stride,
		 enum gd_xfer_path path)
{
	struct xfer_geom g;
	int r = xfer_geom(res, level, box, &g);
	if (r < 0 || ctx->error) {
		return r < 0 ? r : ctx->error;
	}
	if (path == GD_XFER_INLINE) {
		/* Straight from the caller into the stream: guest memory is not involved. */
		return write_inline(ctx, res, level, box, data, stride, layer_stride);
	}
	struct gd_transfer *t;
	void *map;
	uint32_t mstride, mlayer;
	r = gd_transfer_map(ctx, res, level, GD_MAP_WRITE, box, path, &map, &mstride, &mlayer, &t);
	if (r < 0) {
		return r;
	}
	copy_box(&t->g, res->ws_res->map, (uint8_t *)data, stride, layer_stride, true);
	return gd_transfer_unmap(ctx, t);
}

int
gd_buffer_write(struct gd_context *ctx, struct gd_resource *res, uint32_t offset, uint32_t size,
		const void *data, enum gd_xfer_path path)
{
	if (res->desc.target != PIPE_BUFFER || offset > INT32_MAX || size > INT32_MAX) {
		return -EINVAL;
	}
	struct gd_box box = {(int32_t)offset, 0, 0, (int32_t)size, 1, 1};
	return gd_texture_write(ctx, res, 0, &box, data, 0, 0, path);
}

/* ----------------------------------------------------------------- reads */

int
gd_texture_read(struct gd_context *ctx, struct gd_resource *res, uint32_t level,
		const struct gd_box *box, void *data, uint32_t stride, uint32_t layer_stride)
{
	struct xfer_geom g;
	int r = xfer_geom(res, level, box, &g);
	if (r < 0 || ctx->error) {
		return r < 0 ? r : ctx->error;
	}
	struct gd_transfer *t;
	void *map;
	uint32_t mstride, mlayer;
	r = gd_transfer_map(ctx, res, level, GD_MAP_READ, box, GD_XFER_AUTO, &map, &mstride,
			    &mlayer, &t);
	if (r < 0) {
		return r;
	}
	copy_box(&t->g, res->ws_res->map, data, stride, layer_stride, false);
	return gd_transfer_unmap(ctx, t);
}

int
gd_buffer_read(struct gd_context *ctx, struct gd_resource *res, uint32_t offset, uint32_t size,
	       void *data)
{
	if (res->desc.target != PIPE_BUFFER || offset > INT32_MAX || size > INT32_MAX) {
		return -EINVAL;
	}
	struct gd_box box = {(int32_t)offset, 0, 0, (int32_t)size, 1, 1};
	return gd_texture_read(ctx, res, 0, &box, data, 0, 0);
}
