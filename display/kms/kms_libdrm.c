/*
 * pvgpu display — the KMS backend's DRM calls, done by libdrm on a real device.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dpy_kms.h"

/* libdrm returns -1 with errno for ioctls and -errno for some wrappers. */
static int
neg_errno(int ret)
{
	if (ret >= 0) {
		return 0;
	}
	return ret == -1 ? -(errno ? errno : EIO) : ret;
}

static int
drm_open(const char *path, void *data)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static void
drm_close(int fd, void *data)
{
	close(fd);
}

static int
drm_set_client_cap(int fd, uint64_t cap, uint64_t value, void *data)
{
	return neg_errno(drmSetClientCap(fd, cap, value));
}

static drmModeRes *
drm_get_resources(int fd, void *data)
{
	return drmModeGetResources(fd);
}

static void
drm_free_resources(drmModeRes *res, void *data)
{
	drmModeFreeResources(res);
}

static drmModeConnector *
drm_get_connector(int fd, uint32_t id, bool probe, void *data)
{
	return probe ? drmModeGetConnector(fd, id) : drmModeGetConnectorCurrent(fd, id);
}

static void
drm_free_connector(drmModeConnector *conn, void *data)
{
	drmModeFreeConnector(conn);
}

static drmModeEncoder *
drm_get_encoder(int fd, uint32_t id, void *data)
{
	return drmModeGetEncoder(fd, id);
}

static void
drm_free_encoder(drmModeEncoder *enc, void *data)
{
	drmModeFreeEncoder(enc);
}

static drmModePlaneRes *
drm_get_plane_resources(int fd, void *data)
{
	return drmModeGetPlaneResources(fd);
}

static void
drm_free_plane_resources(drmModePlaneRes *res, void *data)
{
	drmModeFreePlaneResources(res);
}

static drmModePlane *
drm_get_plane(int fd, uint32_t id, void *data)
{
	return drmModeGetPlane(fd, id);
}

static void
drm_free_plane(drmModePlane *plane, void *data)
{
	drmModeFreePlane(plane);
}

static drmModeObjectProperties *
drm_get_object_properties(int fd, uint32_t id, uint32_t type, void *data)
{
	return drmModeObjectGetProperties(fd, id, type);
}

static void
drm_free_object_properties(drmModeObjectProperties *props, void *data)
{
	drmModeFreeObjectProperties(props);
}

static drmModePropertyRes *
drm_get_property(int fd, uint32_t id, void *data)
{
	return drmModeGetProperty(fd, id);
}

static void
drm_free_property(drmModePropertyRes *prop, void *data)
{
	drmModeFreeProperty(prop);
}

static drmModePropertyBlobRes *
drm_get_property_blob(int fd, uint32_t id, void *data)
{
	return drmModeGetPropertyBlob(fd, id);
}

static void
drm_free_property_blob(drmModePropertyBlobRes *blob, void *data)
{
	drmModeFreePropertyBlob(blob);
}

static int
drm_create_dumb(int fd, uint32_t width, uint32_t height, uint32_t bpp, uint32_t *handle,
		uint32_t *pitch, uint64_t *size, void *data)
{
	struct drm_mode_create_dumb req = {.width = width, .height = height, .bpp = bpp};
	int ret = neg_errno(drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &req));
	if (ret == 0) {
		*handle = req.handle;
		*pitch = req.pitch;
		*size = req.size;
	}
	return ret;
}

static int
drm_map_dumb(int fd, uint32_t handle, uint64_t *offset, void *data)
{
	struct drm_mode_map_dumb req = {.handle = handle};
	int ret = neg_errno(drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &req));
	if (ret == 0) {
		*offset = req.offset;
	}
	return ret;
}

static void *
drm_mmap(int fd, uint64_t offset, size_t size, void *data)
{
	void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
	return map == MAP_FAILED ? NULL : map;
}

static void
drm_munmap(void *map, size_t size, void *data)
{
	munmap(map, size);
}

static int
drm_destroy_dumb(int fd, uint32_t handle, void *data)
{
	struct drm_mode_destroy_dumb req = {.handle = handle};
	return neg_errno(drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &req));
}

static int
drm_add_fb2(int fd, uint32_t width, uint32_t height, uint32_t format, uint32_t handle,
	    uint32_t pitch, uint32_t *fb_id, void *data)
{
	const uint32_t handles[4] = {handle}, pitches[4] = {pitch}, offsets[4] = {0};
	return neg_errno(
		drmModeAddFB2(fd, width, height, format, handles, pitches, offsets, fb_id, 0));
}

static int
drm_rm_fb(int fd, uint32_t fb_id, void *data)
{
	return neg_errno(drmModeRmFB(fd, fb_id));
}

static int
drm_set_crtc(int fd, uint32_t crtc_id, uint32_t fb_id, uint32_t connector_id,
	     const drmModeModeInfo *mode, void *data)
{
	uint32_t conn = connector_id;
	return neg_errno(drmModeSetCrtc(fd, crtc_id, fb_id, 0, 0, connector_id ? &conn : NULL,
					connector_id ? 1 : 0, (drmModeModeInfo *)mode));
}

static int
drm_page_flip(int fd, uint32_t crtc_id, uint32_t fb_id, void *user_data, void *data)
{
	return neg_errno(drmModePageFlip(fd, crtc_id, fb_id, DRM_MODE_PAGE_FLIP_EVENT, user_data));
}

static int
drm_atomic_commit(int fd, const struct dpy_kms_atomic *req, uint32_t flags, void *user_data,
		  void *data)
{
	drmModeAtomicReq *areq = drmModeAtomicAlloc();
	if (!areq) {
		return -ENOMEM;
	}
	int ret = 0;
	for (unsigned i = 0; i < req->count && ret >= 0; i++) {
		ret = drmModeAtomicAddProperty(areq, req->obj[i], req->prop[i], req->value[i]);
	}
	if (ret >= 0) {
		ret = drmModeAtomicCommit(fd, areq, flags, user_data);
	}
	drmModeAtomicFree(areq);
	return neg_errno(ret);
}

static int
drm_create_blob(int fd, const void *blob, size_t len, uint32_t *id, void *data)
{
	return neg_errno(drmModeCreatePropertyBlob(fd, blob, len, id));
}

static int
drm_destroy_blob(int fd, uint32_t id, void *data)
{
	return neg_errno(drmModeDestroyPropertyBlob(fd, id));
}

static int
drm_handle_event(int fd, drmEventContext *ctx, void *data)
{
	return neg_errno(drmHandleEvent(fd, ctx));
}

static int
drm_set_cursor(int fd, uint32_t crtc_id, uint32_t handle, uint32_t width, uint32_t height,
	       int32_t hot_x, int32_t hot_y, void *data)
{
	return neg_errno(drmModeSetCursor2(fd, crtc_id, handle, width, height, hot_x, hot_y));
}

static int
drm_move_cursor(int fd, uint32_t crtc_id, int32_t x, int32_t y, void *data)
{
	return neg_errno(drmModeMoveCursor(fd, crtc_id, x, y));
}

const struct dpy_kms_drm_ops dpy_kms_libdrm_ops = {
	.open = drm_open,
	.close = drm_close,
	.set_client_cap = drm_set_client_cap,
	.get_resources = drm_get_resources,
	.free_resources = drm_free_resources,
	.get_connector = drm_get_connector,
	.free_connector = drm_free_connector,
	.get_encoder = drm_get_encoder,
	.free_encoder = drm_free_encoder,
	.get_plane_resources = drm_get_plane_resources,
	.free_plane_resources = drm_free_plane_resources,
	.get_plane = drm_get_plane,
	.free_plane = drm_free_plane,
	.get_object_properties = drm_get_object_properties,
	.free_object_properties = drm_free_object_properties,
	.get_property = drm_get_property,
	.free_property = drm_free_property,
	.get_property_blob = drm_get_property_blob,
	.free_property_blob = drm_free_property_blob,
	.create_dumb = drm_create_dumb,
	.map_dumb = drm_map_dumb,
	.mmap = drm_mmap,
	.munmap = drm_munmap,
	.destroy_dumb = drm_destroy_dumb,
	.add_fb2 = drm_add_fb2,
	.rm_fb = drm_rm_fb,
	.set_crtc = drm_set_crtc,
	.page_flip = drm_page_flip,
	.atomic_commit = drm_atomic_commit,
	.create_blob = drm_create_blob,
	.destroy_blob = drm_destroy_blob,
	.handle_event = drm_handle_event,
	.set_cursor = drm_set_cursor,
	.move_cursor = drm_move_cursor,
};
