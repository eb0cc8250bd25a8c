/* pvgpu guest driver — DRM winsys state shared by its source files. */
#ifndef GD_DRM_PRIV_H
#define GD_DRM_PRIV_H

#include "gd_drm.h"
#include "gd_drm_uapi.h"

/* A kernel buffer object with its host resource. */
struct drm_res {
	struct gd_ws_res base;
	struct gd_resource_desc desc; /* transfers check boxes against it */
	uint32_t bo_handle;
	struct drm_res *prev, *next; /* the winsys' live resources */
};

struct drm_fence {
	uint64_t id;
	int fd; /* sync_file */
};

struct drm_ws {
	struct gd_winsys base;
	const struct gd_drm_ioctl_ops *ops;
	void *opaque;
	int fd;
	uint32_t capset_mask; /* bit n: capset n can be read */
	bool has_context_init;
	bool has_blob;
	struct drm_res *resources;
	/* Pending fences, oldest first, ring of GD_DRM_MAX_FENCES. */
	struct drm_fence fences[GD_DRM_MAX_FENCES];
	uint32_t fence_first, fence_count;
	uint64_t last_fence;     /* id of the newest fenced submission */
	uint64_t signaled_fence; /* every id <= this one has completed */
};

static inline struct drm_ws *
drm_ws(struct gd_winsys *ws)
{
	return (struct drm_ws *)ws;
}

/**
 * ioctl through the ops with the winsys' error policy: -ENOTCONN without a
 * call once the device is gone; ENODEV (device unplugged) makes that sticky;
 * other errnos map to the codes of gd.h.
 */
int drm_ws_ioctl(struct drm_ws *ws, unsigned long request, void *arg);

/** Is ws a DRM winsys? */
bool drm_ws_is(const struct gd_winsys *ws);

int drm_ws_resource_create(struct gd_winsys *ws, const struct gd_resource_desc *desc,
			   size_t backing_size, struct gd_ws_res **out);
void drm_ws_resource_destroy(struct gd_winsys *ws, struct gd_ws_res *res);
int drm_ws_transfer(struct gd_winsys *ws, struct gd_ws_res *res, uint32_t level,
		    const struct gd_box *box, uint64_t offset, bool to_host);
int drm_ws_resource_busy(struct gd_winsys *ws, struct gd_ws_res *res, bool wait, bool *busy);

int drm_ws_submit(struct gd_winsys *ws, const uint32_t *dw, uint32_t ndw,
		  struct gd_ws_res *const *refs, uint32_t nrefs, uint64_t *fence);
int drm_ws_fence_wait(struct gd_winsys *ws, uint64_t fence, int64_t timeout_ns);
/** Closes every fence fd the winsys still holds. */
void drm_ws_fences_finish(struct drm_ws *ws);

#endif /* GD_DRM_PRIV_H */
