/*
 * pvgpu guest driver — the in-process winsys: drives the pvgpu renderer core
 * with the same calls renderer/vtest makes for a socket client (one device, one
 * context), without a socket or copies of the command stream.
 *
 * Guest memory is plain heap memory attached to each resource as its backing;
 * the renderer core owns it from creation on and frees it (release hook) when
 * the last reference to the resource goes, which may be after
 * resource_destroy if host objects (sampler views, surfaces) still hold it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "gd_winsys.h"
#include "vr_core.h"
#ifdef GD_HAVE_INPROC_GL
#include "vr_gl.h"
#endif
#ifdef GD_HAVE_INPROC_NULL
#include "vr_null.h"
#endif

/* The one context of the connection, as pvgpu-vtest numbers it. */
#define INPROC_CTX_ID 1
/* Same bound as the vtest winsys: one submit is at most 1 Mi dwords. */
#define INPROC_MAX_SUBMIT_DWORDS (1u << 20)

struct inproc {
	struct gd_winsys base;
	struct vr_backend *backend;
	struct vr_device *dev;
	struct vr_ctx *ctx;
	uint32_t next_handle;
	uint64_t submitted;
	bool error_logged;
};

/* A resource's guest memory and the winsys' view of it, freed together by the core. */
struct inproc_res {
	struct gd_ws_res base;
	struct vr_backing backing;
	struct iovec iov;
};

static struct inproc *
inproc(struct gd_winsys *ws)
{
	return (struct inproc *)ws;
}

static void
inproc_destroy(struct gd_winsys *ws)
{
	struct inproc *ip = inproc(ws);
	/* Contexts first, then resources (and through them every backing). */
	vr_device_destroy(ip->dev);
	if (ip->backend) {
		ip->backend->impl->destroy(ip->backend);
	}
	free(ip);
}

static int
inproc_get_caps(struct gd_winsys *ws, uint32_t version, struct vgp_caps_v2 *caps)
{
	memset(caps, 0, sizeof(*caps));
	uint32_t capset = version == 2 ? VIRGL_CAPSET_VIRGL2 : VIRGL_CAPSET_VIRGL;
	if (version != 1 && version != 2) {
		return -ENOTSUP;
	}
	size_t want = version == 2 ? sizeof(*caps) : sizeof(caps->v1);
	return vr_device_get_caps(inproc(ws)->dev, capset, caps, want) ? 0 : -ENOTSUP;
}

static void
release_backing(struct vr_backing *backing)
{
	struct inproc_res *r = backing->transport_priv;
	free(r->base.map);
	free(r);
}

static int
inproc_resource_create(struct gd_winsys *ws, const struct gd_resource_desc *desc,
		       size_t backing_size, struct gd_ws_res **out)
{
	struct inproc *ip = inproc(ws);
	*out = NULL;
	if (ip->next_handle == 0) {
		return -ENOSPC; /* handles are never reused */
	}
	if (ip->dev->resources.count >= VR_MAX_RESOURCES) {
		return -ENOSPC;
	}
	struct inproc_res *r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	if (backing_size) {
		r->base.map = calloc(1, backing_size);
		if (!r->base.map) {
			free(r);
			return -ENOMEM;
		}
	}
	r->base.handle = ip->next_handle;
	r->base.backing_size = backing_size;
	/* Always attached, also when empty: the core then owns and frees this struct. */
	r->iov = (struct iovec){.iov_base = r->base.map, .iov_len = backing_size};
	r->backing = (struct vr_backing){
		.iov = &r->iov,
		.iov_count = 1,
		.size = backing_size,
		.release = release_backing,
		.transport_priv = r,
	};
	struct vr_resource_desc rd = {
		.target = desc->target,
		.format = desc->format,
		.bind = desc->bind,
		.width = desc->width,
		.height = desc->height,
		.depth = desc->depth,
		.array_size = desc->array_size,
		.last_level = desc->last_level,
		.nr_samples = desc->nr_samples,
	};
	const char *why = "";
	if (!vr_device_resource_create(ip->dev, r->base.handle, &rd, &r->backing, &why)) {
		vr_warn(VR_CAT_CORE, "inproc: resource %u refused: %s", r->base.handle, why);
		free(r->base.map);
		free(r);
		return -EINVAL;
	}
	ip->next_handle++;
	*out = &r->base;
	return 0;
}

static void
inproc_resource_destroy(struct gd_winsys *ws, struct gd_ws_res *res)
{
	if (res) {
		vr_device_resource_unref(inproc(ws)->dev, res->handle);
	}
}

static int
inproc_transfer(struct gd_winsys *ws, struct gd_ws_res *res, uint32_t level,
		const struct gd_box *box, uint64_t offset, bool to_host)
{
	struct inproc *ip = inproc(ws);
	struct vr_resource *vres = vr_device_lookup_resource(ip->dev, res->handle);
	if (!vres) {
		return -EINVAL;
	}
	/* Guest memory holds whole levels in the tight layout, as vtest's shared memory. */
	uint32_t stride = 0, layer_stride = 0;
	if (level <= vres->desc.last_level) {
		vr_resource_level_pitch(vres, level, &stride, &layer_stride);
	}
	struct vr_box vbox = {box->x, box->y, box->z, box->w, box->h, box->d};
	const char *why = "";
	if (!vr_device_transfer(ip->dev, res->handle, level, &vbox, stride, layer_stride, offset,
				to_host, &why)) {
		vr_warn(VR_CAT_CORE, "inproc: transfer on resource %u refused: %s", res->handle,
			why);
		return -EINVAL;
	}
	return 0;
}

static int
inproc_submit(struct gd_winsys *ws, const uint32_t *dw, uint32_t ndw, struct gd_ws_res *const *refs,
	      uint32_t nrefs, uint64_t *fence)
{
	struct inproc *ip = inproc(ws);
	if (ndw > INPROC_MAX_SUBMIT_DWORDS) {
		return -EINVAL;
	}
	if (ndw && !vr_ctx_submit(ip->ctx, dw, ndw)) {
		/* The core keeps the context broken; say why once, then stay quiet. */
		if (!ip->error_logged) {
			vr_err(VR_CAT_CORE, "inproc: context broken: %s", ip->ctx->error);
			ip->error_logged = true;
		}
		return -EPROTO;
	}
	if (ndw) {
		ip->submitted++;
	}
	if (fence) {
		*fence = ip->submitted;
	}
	return 0;
}

static int
inproc_fence_wait(struct gd_winsys *ws, uint64_t fence, int64_t timeout_ns)
{
	struct inproc *ip = inproc(ws);
	if (fence > ip->submitted) {
		return -EINVAL;
	}
	/* One busy state covers everything submitted (the vtest v2 semantics). */
	if (timeout_ns < 0) {
		vr_device_busy(ip->dev, true);
		return 0;
	}
	return vr_device_busy(ip->dev, false) ? -ETIMEDOUT : 0;
}

static int
inproc_resource_busy(struct gd_winsys *ws, struct gd_ws_res *res, bool wait, bool *busy)
{
	*busy = vr_device_busy(inproc(ws)->dev, wait);
	return 0;
}

static const struct gd_winsys_impl inproc_impl = {
	.name = "inproc",
	.destroy = inproc_destroy,
	.get_caps = inproc_get_caps,
	.resource_create = inproc_resource_create,
	.resource_destroy = inproc_resource_destroy,
	.transfer = inproc_transfer,
	.submit = inproc_submit,
	.fence_wait = inproc_fence_wait,
	.resource_busy = inproc_resource_busy,
};

static int
backend_create(const struct gd_inproc_options *opts, struct vr_backend **out)
{
	const char *name = opts && opts->backend ? opts->backend : "gl";
	if (!strcmp(name, "gl")) {
#ifdef GD_HAVE_INPROC_GL
		struct vr_gl_options gl = {.render_node = opts ? opts->render_node : NULL};
		*out = vr_gl_backend_create(&gl);
		return *out ? 0 : -ENOTSUP; /* no EGL/GL here: the host lacks the feature */
#else
		return -ENOTSUP;
#endif
	}
	if (!strcmp(name, "null")) {
#ifdef GD_HAVE_INPROC_NULL
		*out = vr_null_backend_create();
		return *out ? 0 : -ENOMEM;
#else
		return -ENOTSUP;
#endif
	}
	return -EINVAL;
}

int
gd_winsys_inproc_create(const struct gd_inproc_options *opts, struct gd_winsys **out)
{
	*out = NULL;
	struct inproc *ip = calloc(1, sizeof(*ip));
	if (!ip) {
		return -ENOMEM;
	}
	ip->base.impl = &inproc_impl;
	ip->next_handle = 1;
	int ret = backend_create(opts, &ip->backend);
	if (ret) {
		goto err;
	}
	ret = -ENOMEM;
	ip->dev = vr_device_create(ip->backend);
	if (!ip->dev) {
		goto err;
	}
	const char *why = "";
	ip->ctx = vr_device_ctx_create(ip->dev, INPROC_CTX_ID, "inproc", &why);
	if (!ip->ctx) {
		vr_err(VR_CAT_CORE, "inproc: no context: %s", why);
		goto err;
	}
	*out = &ip->base;
	return 0;

err:
	inproc_destroy(&ip->base);
	return ret;
}
