/*
 * pvgpu guest driver — a Gallium-shaped API that encodes the virgl command
 * stream (virgl-wire.md) and sends it through a winsys: a vtest socket, the
 * virtio-gpu DRM device of a VM, or the pvgpu renderer in-process.
 *
 * Object model: a winsys is one connection (one virgl context on the host); a
 * screen owns the winsys, its caps and its resources; contexts are sub-contexts
 * of that host context and encode commands into their own command buffer,
 * submitted on gd_context_flush() or when full.
 *
 * Threads: a screen and everything made from it belong to one thread.
 * Errors: functions that can fail return 0 or a negative errno:
 *   -EINVAL      bad argument (our API misuse or a value the wire cannot carry)
 *   -ENOMEM      out of memory on our side
 *   -ENOSPC      a limit is exhausted (handles, host resources, command space)
 *   -ENOTCONN    the host went away (socket closed, device gone); every later
 *                call on the screen returns it too
 *   -EPROTO      the host answered something the protocol does not allow
 *   -ENOTSUP     the host does not offer the feature (caps)
 *   -ETIMEDOUT   a wait ran out of time
 * Object-creating calls on a context return a handle, or 0 and record the error
 * in the context (gd_context_error()), so a sequence of calls can be checked once.
 */
#ifndef GD_H
#define GD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vgp_caps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ winsys */

struct gd_winsys;

/**
 * Connects to a vtest server (pvgpu-vtest or virgl_test_server) and creates its
 * renderer context named `name`. socket_path NULL means $PVGPU_VTEST_SOCKET, else
 * /tmp/.virgl_test. Negotiates protocol v2 (shared-memory transfers).
 */
int gd_winsys_vtest_create(const char *socket_path, const char *name, struct gd_winsys **out);

/** Options of the in-process winsys (renderer library linked into the caller). */
struct gd_inproc_options {
	const char *backend;     /* "gl" (default) or "null" */
	const char *render_node; /* GBM render node for "gl"; NULL = EGL surfaceless */
};
/** Runs the pvgpu renderer inside this process: no socket, no copies of commands. */
int gd_winsys_inproc_create(const struct gd_inproc_options *opts, struct gd_winsys **out);

/**
 * Opens a virtio-gpu DRM render node (NULL: the first one with 3D) inside a VM.
 * A primary node (/dev/dri/cardN) works too, for a program that also drives KMS.
 */
int gd_winsys_drm_create(const char *path, struct gd_winsys **out);

/** Destroys a winsys not (yet) owned by a screen. Accepts NULL. */
void gd_winsys_destroy(struct gd_winsys *ws);

/* ------------------------------------------------------------------ screen */

struct gd_screen;

/**
 * Creates a screen over `ws` and reads the host caps (v2 when offered, else v1).
 * Takes ownership of ws, also on failure.
 */
int gd_screen_create(struct gd_winsys *ws, struct gd_screen **out);
/** Destroys the screen, its resources' host objects and the winsys. Accepts NULL. */
void gd_screen_destroy(struct gd_screen *screen);

/** Caps as the host sent them (v1 hosts: the v2-only part is zero). */
const struct vgp_caps_v2 *gd_screen_caps(const struct gd_screen *screen);
/** Capset version the host offered (1 or 2). */
uint32_t gd_screen_caps_version(const struct gd_screen *screen);
/** True if the host can sample from (bind SAMPLER_VIEW) or render to
 *  (bind RENDER_TARGET / DEPTH_STENCIL) virgl `format`; buffers and vertex
 *  formats are checked with VIRGL_BIND_VERTEX_BUFFER. */
bool gd_screen_format_supported(const struct gd_screen *screen, uint32_t format, uint32_t bind);
/** Name of the winsys ("vtest", "inproc", "drm"). */
const char *gd_screen_winsys_name(const struct gd_screen *screen);
/** Sticky: -ENOTCONN once the host is gone, else 0. */
int gd_screen_status(const struct gd_screen *screen);

/* --------------------------------------------------------------- resources */

struct gd_resource;

struct gd_resource_desc {
	uint32_t target; /* PIPE_BUFFER, PIPE_TEXTURE_2D, ... (vgp_gallium.h) */
	uint32_t format; /* virgl format (vgp_virgl_format.h); R8_UNORM for buffers */
	uint32_t bind;   /* VIRGL_BIND_* */
	uint32_t width;  /* bytes for buffers */
	uint32_t height, depth, array_size;
	uint32_t last_level;
	uint32_t nr_samples;
};

struct gd_box {
	int32_t x, y, z;
	int32_t w, h, d;
};

/**
 * Creates a resource on the host with guest memory behind it (the staging area
 * transfers go through). Zero height/depth/array_size are taken as 1.
 */
int gd_resource_create(struct gd_screen *screen, const struct gd_resource_desc *desc,
		       struct gd_resource **out);
/** Drops the caller's reference; the host object goes with the last one. Accepts NULL. */
void gd_resource_unref(struct gd_resource *res);
void gd_resource_ref(struct gd_resource *res);
/** Host handle (as it appears in the command stream). */
uint32_t gd_resource_handle(const struct gd_resource *res);
/**
 * KMS scanout of a resource made through the DRM winsys (create it with
 * VIRGL_BIND_SCANOUT): the winsys' device fd (still owned by the winsys) and the
 * resource's GEM handle on it, e.g. for DRM_IOCTL_MODE_ADDFB2 on that fd.
 * -ENOTSUP for a resource of any other winsys.
 */
int gd_resource_drm_handle(const struct gd_resource *res, int *fd, uint32_t *bo_handle);
const struct gd_resource_desc *gd_resource_desc(const struct gd_resource *res);

/** How data moves into a resource. */
enum gd_xfer_path {
	GD_XFER_AUTO = 0,   /* the winsys' best path */
	GD_XFER_STAGING,    /* copy into guest memory, then a winsys transfer (vtest PUT2,
			       DRM TRANSFER_TO_HOST) */
	GD_XFER_TRANSFER3D, /* copy into guest memory, then a TRANSFER3D command in the stream */
	GD_XFER_INLINE,     /* data inside the command stream (RESOURCE_INLINE_WRITE) */
};

/* ----------------------------------------------------------------- context */

struct gd_context;

/** Creates a context (a host sub-context of the screen's connection). */
int gd_context_create(struct gd_screen *screen, struct gd_context **out);
/** Flushes, destroys the sub-context and frees. Accepts NULL. */
void gd_context_destroy(struct gd_context *ctx);
/** First error recorded by a call that returns a handle or void; 0 if none. */
int gd_context_error(const struct gd_context *ctx);

/** Submits the encoded commands. With `wait`, also waits until the host finished them. */
int gd_context_flush(struct gd_context *ctx, bool wait);

/* Uploads: bytes [offset, offset+size) of a buffer, or a box of a texture level
 * (`stride`/`layer_stride` describe `data`; 0 = tightly packed). */
int gd_buffer_write(struct gd_context *ctx, struct gd_resource *res, uint32_t offset, uint32_t size,
		    const void *data, enum gd_xfer_path path);
int gd_texture_write(struct gd_context *ctx, struct gd_resource *res, uint32_t level,
		     const struct gd_box *box, const void *data, uint32_t stride,
		     uint32_t layer_stride, enum gd_xfer_path path);
/* Read-backs: flush, wait, copy from the host into `data`. */
int gd_buffer_read(struct gd_context *ctx, struct gd_resource *res, uint32_t offset, uint32_t size,
		   void *data);
int gd_texture_read(struct gd_context *ctx, struct gd_resource *res, uint32_t level,
		    const struct gd_box *box, void *data, uint32_t stride, uint32_t layer_stride);

/*
 * Direct access to a resource's guest memory, Gallium-style. gd_transfer_map
 * sets *ptr to the box origin; rows are *stride bytes apart, layers
 * *layer_stride. With GD_MAP_READ the host's contents are fetched first (flush
 * and wait); with GD_MAP_WRITE, gd_transfer_unmap sends the box to the host by
 * `path` (GD_XFER_AUTO/STAGING: winsys transfer; TRANSFER3D: a command in the
 * stream; INLINE: the bytes copied into the stream). Returns 0 or an error
 * (argument errors leave the context usable). The pointer is valid until unmap.
 */
#define GD_MAP_READ 1u
#define GD_MAP_WRITE 2u
struct gd_transfer;
int gd_transfer_map(struct gd_context *ctx, struct gd_resource *res, uint32_t level, uint32_t usage,
		    const struct gd_box *box, enum gd_xfer_path path, void **ptr, uint32_t *stride,
		    uint32_t *layer_stride, struct gd_transfer **out);
/** Ends a mapping (uploading for GD_MAP_WRITE); returns the first error, 0 if none. */
int gd_transfer_unmap(struct gd_context *ctx, struct gd_transfer *t);

#ifdef __cplusplus
}
#endif

#include "gd_state.h"

#endif /* GD_H */
