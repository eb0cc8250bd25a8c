/*
 * pvgpu display — KMS backend internals shared by kms_backend.c (device,
 * connectors, hotplug, events) and kms_output.c (test/commit/flip/cursor).
 * Display thread only.
 */
#ifndef DPY_KMS_PRIV_H
#define DPY_KMS_PRIV_H

#include "dpy_kms.h"
#include "dpy_pixels.h"

/* A device with more CRTCs than this is unheard of; caps the per-backend tables. */
#define KMS_MAX_CRTCS 32u
#define KMS_MAX_OUTPUTS 64u

struct kms_backend;

/* A dumb buffer, mapped, optionally with a framebuffer object. */
struct kms_dumb {
	uint32_t handle, pitch, fb_id;
	uint32_t width, height;
	uint64_t size;
	uint8_t *map;
};

/* Regions a scanout buffer lacks relative to the newest frame: n < 0 means all. */
struct kms_missing {
	int n;
	struct dpy_rect rects[DPY_MAX_DAMAGE];
};

/* Atomic property ids, all found or atomic is not used. */
struct kms_props {
	uint32_t conn_crtc_id;
	uint32_t crtc_mode_id, crtc_active;
	uint32_t plane_fb_id, plane_crtc_id;
	uint32_t plane_src_x, plane_src_y, plane_src_w, plane_src_h;
	uint32_t plane_crtc_x, plane_crtc_y, plane_crtc_w, plane_crtc_h;
};

/* A state waiting for the pending flip to complete (newest wins). */
struct kms_queued {
	bool valid;
	bool enabled;
	drmModeModeInfo mode;
	struct dpy_buffer *buffer; /* locked while queued */
	struct kms_missing damage;
};

struct kms_output {
	struct dpy_output base;
	struct kms_backend *be;
	uint32_t conn_id, crtc_id, plane_id;
	unsigned crtc_index;
	drmModeModeInfo *modes;
	unsigned n_modes;
	uint8_t *edid;
	size_t edid_len;
	struct kms_props props;
	bool removed;

	bool active; /* CRTC on with cur_mode */
	drmModeModeInfo cur_mode;
	uint32_t mode_blob; /* atomic MODE_ID blob of cur_mode */
	struct kms_dumb fb[2];
	struct kms_missing missing[2];
	int front;                           /* fb on screen, -1 none */
	bool flip_pending;                   /* to the other fb */
	struct dpy_buffer *shown, *flipping; /* locked */
	bool present_deferred;               /* presented to report without a flip event */
	struct kms_queued queued;

	struct kms_dumb cursor;
	bool cursor_visible;
	int32_t cursor_x, cursor_y, hot_x, hot_y;
};

struct kms_backend {
	struct dpy_backend base;
	const struct dpy_kms_drm_ops *ops;
	void *ops_data;
	int fd;
	int epoll_fd, timer_fd, wake_fd;
	bool atomic;
	uint32_t crtcs[KMS_MAX_CRTCS];
	unsigned n_crtcs;
	uint32_t crtc_used;                       /* bit per crtc index */
	struct kms_output *outs[KMS_MAX_OUTPUTS]; /* live and removed */
	unsigned n_outs;
	struct dpy_output *live[KMS_MAX_OUTPUTS];
};

extern const struct dpy_output_impl kms_output_impl;

/** Called for every page-flip event of this output. */
void kms_output_flip_done(struct kms_output *ko);
/** Switches the CRTC off and frees the scanout buffers (on removal or destroy). */
void kms_output_shutdown(struct kms_output *ko);
/** Asks the loop to run dispatch soon (deferred presented). */
void kms_backend_wake(struct kms_backend *be);

#endif /* DPY_KMS_PRIV_H */
