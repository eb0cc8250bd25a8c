/*
 * pvgpu tests — an in-memory DRM device behind struct dpy_kms_drm_ops: connectors
 * with modes and EDID blobs, one encoder per connector, CRTCs with primary planes,
 * dumb buffers in malloc'd memory, atomic and legacy modesetting, page flips whose
 * events arrive on an eventfd (the device "fd"), failure switches per call.
 */
#ifndef FAKE_DRM_H
#define FAKE_DRM_H

#include <stdbool.h>
#include <stdint.h>

#include "dpy_kms.h"
#include "dpy_pixels.h"

#define FAKE_MAX_CONNS 4
#define FAKE_MAX_CRTCS 4
#define FAKE_MAX_DUMBS 32
#define FAKE_MAX_BLOBS 32
#define FAKE_MAX_EVENTS 16

/* Object ids: connectors 10+i, encoders 20+i, CRTCs 30+i, primary planes 40+i,
 * cursor planes 50+i, EDID blobs 60+i. */
#define FAKE_CONN_ID(i) (10u + (i))
#define FAKE_CRTC_ID(i) (30u + (i))
#define FAKE_PLANE_ID(i) (40u + (i))

/* Property ids (fixed, per object type). */
enum {
	FAKE_PROP_CONN_CRTC_ID = 1,
	FAKE_PROP_EDID,
	FAKE_PROP_MODE_ID,
	FAKE_PROP_ACTIVE,
	FAKE_PROP_FB_ID,
	FAKE_PROP_PLANE_CRTC_ID,
	FAKE_PROP_SRC_X,
	FAKE_PROP_SRC_Y,
	FAKE_PROP_SRC_W,
	FAKE_PROP_SRC_H,
	FAKE_PROP_CRTC_X,
	FAKE_PROP_CRTC_Y,
	FAKE_PROP_CRTC_W,
	FAKE_PROP_CRTC_H,
	FAKE_PROP_TYPE,
	FAKE_PROP_COUNT,
};

struct fake_conn {
	uint32_t type, type_id;
	bool connected;
	drmModeModeInfo modes[4];
	int n_modes;
	uint8_t edid[256];
	uint32_t edid_len;
};

struct fake_dumb {
	bool used;
	uint32_t width, height, pitch, fb_id;
	uint64_t size;
	uint8_t *mem;
	int maps;
};

struct fake_crtc {
	bool active;
	uint32_t fb_id, conn_id;
	drmModeModeInfo mode;
	uint32_t cursor_handle, cursor_w, cursor_h;
	int32_t hot_x, hot_y, cursor_x, cursor_y;
};

struct fake_event {
	uint32_t crtc_id;
	void *user_data;
};

struct fake_drm {
	const char *path; /* the one device that opens, e.g. "/dev/dri/card0" */
	int fd;           /* eventfd while open, else -1 */
	bool atomic;      /* DRM_CLIENT_CAP_ATOMIC accepted */
	struct fake_conn conns[FAKE_MAX_CONNS];
	int n_conns;
	int n_crtcs;
	struct fake_crtc crtcs[FAKE_MAX_CRTCS];
	uint32_t plane_fb[FAKE_MAX_CRTCS];
	struct fake_dumb dumbs[FAKE_MAX_DUMBS]; /* handle = index + 1, fb id = index + 100 */
	drmModeModeInfo blobs[FAKE_MAX_BLOBS];  /* id = index + 200 */
	bool blob_used[FAKE_MAX_BLOBS];
	struct fake_event events[FAKE_MAX_EVENTS];
	int n_events;

	/* Failure switches. */
	bool fail_resources, fail_create_dumb, fail_add_fb, fail_page_flip, fail_set_crtc;
	bool fail_atomic_test, fail_atomic_commit;

	/* What the backend did. */
	int n_set_crtc, n_page_flip, n_atomic, n_atomic_test, n_rm_fb;
	struct dpy_kms_atomic last_atomic;
	uint32_t last_atomic_flags;
};

extern const struct dpy_kms_drm_ops fake_drm_ops;

/** An empty device at `path` with `n_crtcs` CRTCs, atomic capable. */
void fake_drm_init(struct fake_drm *f, const char *path, int n_crtcs);
/** Adds a connector with one 60 Hz mode per (w, h) pair, the first preferred. */
struct fake_conn *fake_drm_add_conn(struct fake_drm *f, uint32_t type, uint32_t type_id,
				    bool connected, const uint32_t *wh, int n_modes);
/** The memory scanned out on CRTC i (NULL if none) and its pitch. */
const uint8_t *fake_drm_scanout(struct fake_drm *f, int crtc, uint32_t *pitch);
/** A dumb buffer by handle (NULL if none). */
struct fake_dumb *fake_drm_dumb(struct fake_drm *f, uint32_t handle);
/** The value of property `prop` on `obj` in the last atomic commit, or `dflt`. */
uint64_t fake_drm_atomic_value(const struct fake_drm *f, uint32_t obj, uint32_t prop,
			       uint64_t dflt);
/** Dumb buffers still allocated (leak check). */
int fake_drm_live_dumbs(const struct fake_drm *f);
/** Frees the dumb buffers and closes the fd. */
void fake_drm_finish(struct fake_drm *f);

#endif /* FAKE_DRM_H */
