/* pvgpu — resources: validation of guest descriptions, refcounts, transfers. */
#include <stdlib.h>

#include "vgp_virgl_format.h"
#include "vr_core.h"
#include "vr_format.h"

uint32_t
vr_resource_layers(const struct vr_resource *res)
{
	switch (res->desc.target) {
	case PIPE_TEXTURE_CUBE:
		return 6;
	case PIPE_TEXTURE_3D:
		return res->desc.depth;
	case PIPE_TEXTURE_1D_ARRAY:
	case PIPE_TEXTURE_2D_ARRAY:
	case PIPE_TEXTURE_CUBE_ARRAY:
		return res->desc.array_size;
	default:
		return 1;
	}
}

static uint32_t
desc_layers(const struct vr_resource_desc *d)
{
	struct vr_resource tmp = {.desc = *d};
	return vr_resource_layers(&tmp);
}

static uint32_t
log2_floor(uint32_t v)
{
	uint32_t r = 0;
	while (v >>= 1) {
		r++;
	}
	return r;
}

/* Checks a description the way a hostile guest could break it. */
static const char *
desc_check(const struct vr_resource_desc *d)
{
	if (d->target >= PIPE_MAX_TEXTURE_TYPES) {
		return "bad target";
	}
	const struct vr_format_info *fi = vr_format_get_texel(d->format);
	if (!fi) {
		return "unknown format";
	}
	if (!d->width || !d->height || !d->depth) {
		return "zero size";
	}
	if (d->nr_samples > 16 || (d->nr_samples > 1 && d->last_level)) {
		return "bad sample count";
	}
	if (d->target == PIPE_BUFFER) {
		if (d->width > VR_MAX_BUFFER_SIZE || d->height != 1 || d->depth != 1 ||
		    d->last_level) {
			return "bad buffer size";
		}
		return NULL;
	}
	uint32_t max2d = VR_MAX_TEXTURE_SIZE;
	if (d->width > max2d || d->height > max2d) {
		return "texture too large";
	}
	switch (d->target) {
	case PIPE_TEXTURE_1D:
	case PIPE_TEXTURE_1D_ARRAY:
		if (d->height != 1 || d->depth != 1) {
			return "1D texture with height/depth";
		}
		break;
	case PIPE_TEXTURE_3D:
		if (d->depth > VR_MAX_TEXTURE_3D_SIZE || d->width > VR_MAX_TEXTURE_3D_SIZE ||
		    d->height > VR_MAX_TEXTURE_3D_SIZE) {
			return "3D texture too large";
		}
		break;
	case PIPE_TEXTURE_CUBE:
	case PIPE_TEXTURE_CUBE_ARRAY:
		if (d->width != d->height || d->depth != 1) {
			return "cube faces not square";
		}
		break;
	default:
		if (d->depth != 1) {
			return "2D texture with depth";
		}
		break;
	}
	bool arrayed = d->target == PIPE_TEXTURE_1D_ARRAY || d->target == PIPE_TEXTURE_2D_ARRAY ||
		       d->target == PIPE_TEXTURE_CUBE_ARRAY;
	/* Mesa sends array_size 0 for non-array resources (e.g. fences); accept 0/1. */
	/* ...and 6 for a cube (its faces), which st/mesa reports as the array size. */
	if (!arrayed && d->array_size > 1 &&
	    !(d->target == PIPE_TEXTURE_CUBE && d->array_size == 6)) {
		return "array size on a non-array target";
	}
	if (arrayed && (d->array_size == 0 || d->array_size > VR_MAX_ARRAY_LAYERS)) {
		return "bad array size";
	}
	if (d->target == PIPE_TEXTURE_CUBE_ARRAY && d->array_size % 6) {
		return "cube array size not a multiple of 6";
	}
	uint32_t maxdim = d->width > d->height ? d->width : d->height;
	if (d->target == PIPE_TEXTURE_3D && d->depth > maxdim) {
		maxdim = d->depth;
	}
	if (d->last_level > log2_floor(maxdim)) {
		return "too many mip levels";
	}
	if (d->target == PIPE_TEXTURE_RECT && d->last_level) {
		return "mipmapped rectangle texture";
	}
	return NULL;
}

bool
vr_resource_desc_backing_size(const struct vr_resource_desc *d, uint64_t *size)
{
	const struct vr_format_info *fi = vr_format_get(d->format);
	if (!fi) {
		return false;
	}
	/* No 32-bit size has more than 32 levels; an unvalidated UINT32_MAX would
	 * otherwise never end the loop (found by the decode-gl fuzzer). */
	if (d->last_level > 31) {
		return false;
	}
	uint64_t total = 0;
	uint32_t layers = desc_layers(d);
	for (uint32_t l = 0; l <= d->last_level; l++) {
		uint64_t w = vr_minify(d->width, l), h = vr_minify(d->height, l);
		uint64_t slices = d->target == PIPE_TEXTURE_3D ? vr_minify(d->depth, l) : layers;
		/* Each factor is capped by desc_check, so 64-bit products cannot wrap. */
		uint64_t level_size;
		/* Overflow-checked so that an unvalidated description cannot wrap. */
		if (__builtin_mul_overflow(w * fi->block_bytes, h, &level_size) ||
		    __builtin_mul_overflow(level_size, slices ? slices : 1, &level_size) ||
		    __builtin_add_overflow(total, level_size, &total)) {
			return false;
		}
	}
	if (d->nr_samples > 1 && __builtin_mul_overflow(total, (uint64_t)d->nr_samples, &total)) {
		return false;
	}
	*size = total;
	return true;
}

struct vr_resource *
vr_device_resource_create(struct vr_device *dev, uint32_t id, const struct vr_resource_desc *desc,
			  struct vr_backing *backing, const char **why)
{
	if (!id) {
		*why = "resource id 0";
		return NULL;
	}
	if (vr_hash_get(&dev->resources, id)) {
		*why = "resource id already in use";
		return NULL;
	}
	if (dev->resources.count >= VR_MAX_RESOURCES) {
		*why = "too many resources (VR_MAX_RESOURCES per client)";
		return NULL;
	}
	const char *bad = desc_check(desc);
	if (bad) {
		*why = bad;
		return NULL;
	}
	uint64_t host_bytes = 0;
	if (!vr_resource_desc_backing_size(desc, &host_bytes) ||
	    host_bytes > VR_MAX_RESOURCE_BYTES - dev->resource_bytes) {
		*why = "the client's resources would exceed VR_MAX_RESOURCE_BYTES of host storage";
		return NULL;
	}
	if (backing && !vr_device_backing_fits(dev, backing->size)) {
		*why = "the client's backings would exceed VR_MAX_BACKING_BYTES";
		return NULL;
	}
	struct vr_resource *res = calloc(1, sizeof(*res));
	if (!res) {
		*why = "out of memory";
		return NULL;
	}
	res->id = id;
	res->refcount = 1;
	res->desc = *desc;
	res->dev = dev;
	if (!dev->backend->impl->resource_create(dev->backend, res)) {
		free(res);
		*why = "backend could not create the resource";
		return NULL;
	}
	if (!vr_hash_insert(&dev->resources, id, res)) {
		dev->backend->impl->resource_destroy(dev->backend, res);
		free(res);
		*why = "out of memory";
		return NULL;
	}
	res->backing = backing;
	res->host_bytes = host_bytes;
	res->backing_bytes = backing ? backing->size : 0;
	dev->resource_bytes += host_bytes;
	dev->backing_bytes += res->backing_bytes;
	return res;
}

bool
vr_device_backing_fits(const struct vr_device *dev, uint64_t size)
{
	return size <= VR_MAX_BACKING_BYTES - dev->backing_bytes;
}

void
vr_resource_level_pitch(const struct vr_resource *res, uint32_t level, uint32_t *stride,
			uint32_t *layer_stride)
{
	const struct vr_format_info *fi = vr_format_get(res->desc.format);
	uint64_t row = vr_minify(res->desc.width, level);
	if (res->desc.target != PIPE_BUFFER) {
		row *= fi->block_bytes;
	}
	/* 1D arrays keep one row per layer: gallium puts the layer in y. */
	uint64_t rows =
		res->desc.target == PIPE_TEXTURE_1D_ARRAY ? 1 : vr_minify(res->desc.height, level);
	/* Descriptions are validated (<= 16384 texels x 16 bytes a row), so these fit;
	 * clamp anyway so a surprise fails the bounds check rather than a cast. */
	*stride = row > UINT32_MAX ? UINT32_MAX : (uint32_t)row;
	*layer_stride = row * rows > UINT32_MAX ? UINT32_MAX : (uint32_t)(row * rows);
}

bool
vr_resource_attach_backing(struct vr_resource *res, struct vr_backing *backing)
{
	if (res->backing || !vr_device_backing_fits(res->dev, backing->size)) {
		return false;
	}
	res->backing = backing;
	res->backing_bytes = backing->size;
	res->dev->backing_bytes += backing->size;
	return true;
}

void
vr_resource_ref(struct vr_resource *res)
{
	res->refcount++;
}

void
vr_resource_unref(struct vr_resource *res)
{
	if (!res || --res->refcount) {
		return;
	}
	res->dev->backend->impl->resource_destroy(res->dev->backend, res);
	res->dev->resource_bytes -= res->host_bytes;
	res->dev->backing_bytes -= res->backing_bytes;
	if (res->backing && res->backing->release) {
		res->backing->release(res->backing);
	}
	free(res);
}

bool
vr_device_resource_unref(struct vr_device *dev, uint32_t id)
{
	struct vr_resource *res = id ? vr_hash_remove(&dev->resources, id) : NULL;
	if (!res) {
		return false;
	}
	vr_resource_unref(res);
	return true;
}

struct vr_resource *
vr_device_lookup_resource(struct vr_device *dev, uint32_t id)
{
	return id ? vr_hash_get(&dev->resources, id) : NULL;
}

static bool
box_in_level(const struct vr_resource *res, uint32_t level, const struct vr_box *b)
{
	if (b->x < 0 || b->y < 0 || b->z < 0 || b->w < 0 || b->h < 0 || b->d < 0) {
		return false;
	}
	uint32_t w = vr_minify(res->desc.width, level);
	uint32_t h = vr_minify(res->desc.height, level);
	uint32_t d = res->desc.target == PIPE_TEXTURE_3D ? vr_minify(res->desc.depth, level)
							 : vr_resource_layers(res);
	if (res->desc.target == PIPE_TEXTURE_1D_ARRAY) {
		/* gallium addresses 1D array layers with y/h */
		h = res->desc.array_size;
		d = 1;
	}
	if (!d) {
		d = 1;
	}
	return (uint64_t)b->x + (uint64_t)b->w <= w && (uint64_t)b->y + (uint64_t)b->h <= h &&
	       (uint64_t)b->z + (uint64_t)b->d <= d;
}

bool
vr_resource_box_valid(const struct vr_resource *res, uint32_t level, const struct vr_box *box)
{
	return level <= res->desc.last_level && box_in_level(res, level, box);
}

bool
vr_transfer_prepare_mem(struct vr_resource *res, uint32_t level, const struct vr_box *box,
			uint32_t stride, uint32_t layer_stride, uint8_t *mem, size_t mem_size,
			uint64_t offset, bool to_host, struct vr_transfer *xfer, const char **why)
{
	const struct vr_format_info *fi = vr_format_get(res->desc.format);
	if (level > res->desc.last_level) {
		*why = "transfer level out of range";
		return false;
	}
	if (!box_in_level(res, level, box)) {
		*why = "transfer box outside the resource";
		return false;
	}
	uint64_t row = (uint64_t)box->w * fi->block_bytes;
	if (res->desc.target == PIPE_BUFFER) {
		row = (uint64_t)box->w; /* buffers are byte-addressed */
	}
	/* Zero strides mean the box packed tightly (data inline in a command). */
	uint64_t s = stride ? stride : row;
	uint64_t ls = layer_stride ? layer_stride : s * (uint64_t)box->h;
	if (s < row || ls < s * (uint64_t)(box->h ? box->h - 1 : 0) + row) {
		*why = "transfer stride smaller than the box";
		return false;
	}
	if (s > UINT32_MAX || ls > UINT32_MAX) {
		*why = "transfer stride too large";
		return false;
	}
	uint64_t extent = 0;
	if (box->w && box->h && box->d) {
		extent = ls * (uint64_t)(box->d - 1) + s * (uint64_t)(box->h - 1) + row;
	}
	/* All operands are < 2^32 so the sums cannot wrap 64 bits. */
	if (offset > mem_size || extent > mem_size - offset) {
		*why = "transfer outside the guest memory";
		return false;
	}
	xfer->res = res;
	xfer->level = level;
	xfer->box = *box;
	xfer->stride = (uint32_t)s;
	xfer->layer_stride = (uint32_t)ls;
	xfer->data = mem + offset;
	xfer->to_host = to_host;
	return true;
}

bool
vr_transfer_prepare(struct vr_resource *res, uint32_t level, const struct vr_box *box,
		    uint32_t stride, uint32_t layer_stride, uint64_t offset, bool to_host,
		    struct vr_transfer *xfer, const char **why)
{
	if (!res->backing || res->backing->iov_count != 1) {
		*why = "resource has no (contiguous) backing";
		return false;
	}
	return vr_transfer_prepare_mem(res, level, box, stride, layer_stride,
				       res->backing->iov[0].iov_base, res->backing->size, offset,
				       to_host, xfer, why);
}

bool
vr_device_transfer(struct vr_device *dev, uint32_t res_id, uint32_t level, const struct vr_box *box,
		   uint32_t stride, uint32_t layer_stride, uint64_t offset, bool to_host,
		   const char **why)
{
	struct vr_resource *res = vr_device_lookup_resource(dev, res_id);
	if (!res) {
		*why = "unknown resource";
		return false;
	}
	struct vr_transfer xfer;
	if (!vr_transfer_prepare(res, level, box, stride, layer_stride, offset, to_host, &xfer,
				 why)) {
		return false;
	}
	if (!box->w || !box->h || !box->d) {
		return true; /* empty box: nothing to do */
	}
	if (!dev->backend->impl->transfer(dev->backend, &xfer)) {
		*why = "backend transfer failed";
		return false;
	}
	return true;
}
