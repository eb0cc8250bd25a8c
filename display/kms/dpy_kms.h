/*
 * pvgpu display — KMS output backend over libdrm: one output per connected
 * connector, shown on a CRTC with the connector's preferred mode.
 *
 * Scanout: each output owns two dumb buffers (XRGB8888, mode size); a commit copies
 * the frame's damage (plus what the other buffer missed since it was last shown)
 * into the back buffer and flips to it on vblank with a page-flip event; the event,
 * read through get_fd/dispatch, reports presented. A commit made while a flip is
 * still pending is queued (the newest state wins, damage accumulates) and goes out
 * when the flip completes. A NULL buffer shows the "no signal" frame; a buffer
 * smaller than the mode sits top-left on black, a larger one is cropped.
 *
 * Atomic modesetting (DRM_CLIENT_CAP_ATOMIC) is used when the device offers it and all
 * the needed properties exist: then test() asks the kernel with a TEST_ONLY commit.
 * Otherwise legacy SetCrtc/PageFlip, and test() only checks the state against the
 * connector's modes. The cursor is a 64x64 ARGB dumb buffer set with SetCursor2.
 *
 * Hotplug: connectors are re-read every `hotplug_ms` (timer in the get_fd set) without
 * forcing a probe (the kernel updates connector status itself on hotplug interrupts);
 * dpy_kms_backend_reprobe() re-reads at once (e.g. from a udev monitor). A newly
 * connected connector becomes a new output (output_added); a disconnected one reports
 * removed, leaves outputs() and stays allocated until the backend is destroyed.
 *
 * Every libdrm call and DRM ioctl goes through struct dpy_kms_drm_ops, so tests run
 * the backend against an in-memory fake. Threads: the display thread only.
 */
#ifndef DPY_KMS_H
#define DPY_KMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "dpy_output.h"

/** Most property changes in one atomic request (one output: connector, CRTC, plane). */
#define DPY_KMS_ATOMIC_MAX 24u

/** An atomic request as plain arrays (ops->atomic_commit turns it into libdrm's). */
struct dpy_kms_atomic {
	unsigned count;
	uint32_t obj[DPY_KMS_ATOMIC_MAX];
	uint32_t prop[DPY_KMS_ATOMIC_MAX];
	uint64_t value[DPY_KMS_ATOMIC_MAX];
};

/**
 * The DRM calls the backend makes; each slot is one libdrm call or ioctl with the same
 * meaning. Integer returns are 0 or a negative errno. `data` is dpy_kms_options.ops_data.
 * Objects returned by get_* are released with the matching free_*.
 */
struct dpy_kms_drm_ops {
	int (*open)(const char *path, void *data); /* fd or -errno */
	void (*close)(int fd, void *data);
	int (*set_client_cap)(int fd, uint64_t cap, uint64_t value, void *data);
	drmModeRes *(*get_resources)(int fd, void *data);
	void (*free_resources)(drmModeRes *res, void *data);
	/** probe: drmModeGetConnector (forces detection) vs drmModeGetConnectorCurrent. */
	drmModeConnector *(*get_connector)(int fd, uint32_t id, bool probe, void *data);
	void (*free_connector)(drmModeConnector *conn, void *data);
	drmModeEncoder *(*get_encoder)(int fd, uint32_t id, void *data);
	void (*free_encoder)(drmModeEncoder *enc, void *data);
	drmModePlaneRes *(*get_plane_resources)(int fd, void *data);
	void (*free_plane_resources)(drmModePlaneRes *res, void *data);
	drmModePlane *(*get_plane)(int fd, uint32_t id, void *data);
	void (*free_plane)(drmModePlane *plane, void *data);
	drmModeObjectProperties *(*get_object_properties)(int fd, uint32_t id, uint32_t type,
							  void *data);
	void (*free_object_properties)(drmModeObjectProperties *props, void *data);
	drmModePropertyRes *(*get_property)(int fd, uint32_t id, void *data);
	void (*free_property)(drmModePropertyRes *prop, void *data);
	drmModePropertyBlobRes *(*get_property_blob)(int fd, uint32_t id, void *data);
	void (*free_property_blob)(drmModePropertyBlobRes *blob, void *data);
	/** DRM_IOCTL_MODE_CREATE_DUMB / MAP_DUMB / DESTROY_DUMB, mmap/munmap of the map. */
	int (*create_dumb)(int fd, uint32_t width, uint32_t height, uint32_t bpp, uint32_t *handle,
			   uint32_t *pitch, uint64_t *size, void *data);
	int (*map_dumb)(int fd, uint32_t handle, uint64_t *offset, void *data);
	void *(*mmap)(int fd, uint64_t offset, size_t size, void *data); /* NULL on failure */
	void (*munmap)(void *map, size_t size, void *data);
	int (*destroy_dumb)(int fd, uint32_t handle, void *data);
	int (*add_fb2)(int fd, uint32_t width, uint32_t height, uint32_t format, uint32_t handle,
		       uint32_t pitch, uint32_t *fb_id, void *data);
	int (*rm_fb)(int fd, uint32_t fb_id, void *data);
	/** Legacy modeset; fb_id 0 and mode NULL switch the CRTC off. */
	int (*set_crtc)(int fd, uint32_t crtc_id, uint32_t fb_id, uint32_t connector_id,
			const drmModeModeInfo *mode, void *data);
	/** Legacy flip, always with DRM_MODE_PAGE_FLIP_EVENT. */
	int (*page_flip)(int fd, uint32_t crtc_id, uint32_t fb_id, void *user_data, void *data);
	int (*atomic_commit)(int fd, const struct dpy_kms_atomic *req, uint32_t flags,
			     void *user_data, void *data);
	int (*create_blob)(int fd, const void *blob, size_t len, uint32_t *id, void *data);
	int (*destroy_blob)(int fd, uint32_t id, void *data);
	/** drmHandleEvent: reads the fd and calls ctx's handlers. */
	int (*handle_event)(int fd, drmEventContext *ctx, void *data);
	int (*set_cursor)(int fd, uint32_t crtc_id, uint32_t handle, uint32_t width,
			  uint32_t height, int32_t hot_x, int32_t hot_y, void *data);
	int (*move_cursor)(int fd, uint32_t crtc_id, int32_t x, int32_t y, void *data);
};

/** The real libdrm implementation. */
extern const struct dpy_kms_drm_ops dpy_kms_libdrm_ops;

struct dpy_kms_options {
	const char *device; /* NULL = first /dev/dri/card0..15 with a connected connector */
	const struct dpy_kms_drm_ops *ops; /* NULL = dpy_kms_libdrm_ops */
	void *ops_data;
	bool legacy;         /* never use atomic modesetting */
	unsigned hotplug_ms; /* connector re-read period; 0 = 2000 */
};

/**
 * Opens the device, takes every connected connector that can get a CRTC as an output.
 * Outputs start disabled (nothing is modeset until the first commit). Returns NULL and
 * writes why[why_len] (if why is not NULL) when no device opens, it has no KMS
 * resources, or no connector is connected.
 */
struct dpy_backend *dpy_kms_backend_create(const struct dpy_kms_options *opts, char *why,
					   size_t why_len);

/** Re-reads the connectors now: reports removed / output_added for changes. */
void dpy_kms_backend_reprobe(struct dpy_backend *be);

/** Whether the backend drives the device with atomic commits (false: legacy). */
bool dpy_kms_backend_is_atomic(struct dpy_backend *be);

#endif /* DPY_KMS_H */
