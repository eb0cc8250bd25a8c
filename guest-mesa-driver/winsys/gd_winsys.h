/*
 * pvgpu guest driver — the winsys seam: what the driver needs from a transport.
 *
 * One struct gd_winsys is one connection to a host renderer holding one virgl
 * context (vtest: the connection's renderer; DRM: the file's context; inproc:
 * a vr_ctx). Backends embed struct gd_winsys first and set `impl`.
 *
 * Resource handles: the winsys picks them (vtest v2: a counter; DRM: the kernel
 * returns the host handle; inproc: a counter) and the driver writes them into
 * the command stream. Guest memory: every resource may have a mapping of
 * `backing_size` bytes laid out as the host expects for transfers (tight rows,
 * levels one after another, virgl-wire.md §1.5).
 *
 * Threads: a winsys belongs to the thread of its screen.
 * Errors: negative errno as listed in gd.h; after -ENOTCONN every call fails
 * with -ENOTCONN without touching the transport.
 */
#ifndef GD_WINSYS_H
#define GD_WINSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gd.h"

struct gd_winsys;

/** A host resource and the guest memory behind it. Owned by the winsys. */
struct gd_ws_res {
	uint32_t handle;     /* host handle used in the command stream */
	size_t backing_size; /* bytes of guest memory (0: none) */
	void *map;           /* CPU mapping of the guest memory, or NULL */
};

struct gd_winsys_impl {
	const char *name;
	/** Releases everything the winsys holds (resources still alive included). */
	void (*destroy)(struct gd_winsys *ws);
	/**
	 * Reads capset `version` (2: 1376-byte v2, 1: 308-byte v1) into caps (zeroed
	 * first, v1 fills only the v1 part). -ENOTSUP if the host lacks that capset.
	 */
	int (*get_caps)(struct gd_winsys *ws, uint32_t version, struct vgp_caps_v2 *caps);
	/**
	 * Creates a host resource with `backing_size` bytes of mapped guest memory
	 * (0 = none, e.g. MSAA). desc is already normalised (no zero sizes).
	 */
	int (*resource_create)(struct gd_winsys *ws, const struct gd_resource_desc *desc,
			       size_t backing_size, struct gd_ws_res **out);
	/** Releases the host resource and its guest memory. Accepts NULL. */
	void (*resource_destroy)(struct gd_winsys *ws, struct gd_ws_res *res);
	/**
	 * Copies `box` of `level` between the guest memory (starting at byte `offset`,
	 * rows/layers at the level's tight pitch) and the host resource. Transfers
	 * are ordered with submitted commands. A from-host transfer has filled the
	 * guest memory when it returns; a to-host one may still be reading it (vtest,
	 * DRM): change those bytes only after resource_busy(wait) or fence_wait.
	 */
	int (*transfer)(struct gd_winsys *ws, struct gd_ws_res *res, uint32_t level,
			const struct gd_box *box, uint64_t offset, bool to_host);
	/**
	 * Submits `ndw` dwords of virgl commands for the connection's context.
	 * `refs` lists the resources the commands use (DRM needs them for implicit
	 * fencing; others may ignore it). On success *fence (if non-NULL) identifies
	 * this submission for fence_wait.
	 */
	int (*submit)(struct gd_winsys *ws, const uint32_t *dw, uint32_t ndw,
		      struct gd_ws_res *const *refs, uint32_t nrefs, uint64_t *fence);
	/** Waits until submission `fence` finished (timeout_ns < 0: forever). */
	int (*fence_wait)(struct gd_winsys *ws, uint64_t fence, int64_t timeout_ns);
	/** Is the host still using `res`? With wait, blocks until it is not. */
	int (*resource_busy)(struct gd_winsys *ws, struct gd_ws_res *res, bool wait, bool *busy);
};

struct gd_winsys {
	const struct gd_winsys_impl *impl;
	/* Sticky -ENOTCONN once the transport is gone; backends set it. */
	int status;
};

/** Bytes of guest memory a description needs in the transfer layout; false on overflow. */
bool gd_resource_backing_size(const struct gd_resource_desc *desc, size_t *size);
/** Row and layer pitch (bytes) of `level` in that layout, and its offset from the start. */
void gd_resource_level_layout(const struct gd_resource_desc *desc, uint32_t level, uint32_t *stride,
			      uint32_t *layer_stride, uint64_t *level_offset);

#endif /* GD_WINSYS_H */
