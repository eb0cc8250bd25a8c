/*
 * pvgpu qemu-glue — the device model's private state, shared by its files:
 * vug_gpu.c (create, config, dispatch), vug_2d.c, vug_3d.c, vug_blob.c,
 * vug_cursor.c, vug_fence.c, vug_backing.c, vug_edid.c, vug_iov.c.
 *
 * Every resource of a device lives in one table (virtio-gpu has one id space
 * for 2D, 3D and blob resources); 3D resources also live in the renderer
 * core's table under the same id. Threads: the device's thread only.
 */
#ifndef VUG_PRIV_H
#define VUG_PRIV_H

#include <linux/virtio_gpu.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "hash.h"
#include "vug_gpu.h"

struct vr_backing;
struct vr_device;

/* Caps on guest-controlled amounts; each bounds host memory or time a guest can take. */
/* Backing entries per request: 16384 pages of 4 KiB = 64 MiB, more than a 4K
 * framebuffer; Linux merges contiguous pages, so real guests send far fewer. */
#define VUG_MAX_BACKING_ENTRIES 16384u
/* Backing pieces (host iovecs) all resources of a device hold together: without
 * it 65536 resources x 16384 entries would pin 16 GiB of iovec arrays. 16 MiB. */
#define VUG_MAX_BACKING_PIECES (1u << 20)
/* Bytes of guest memory one resource may name (also the blob size cap): a
 * 16384x16384 RGBA texture. */
#define VUG_MAX_BACKING_SIZE (1ull << 30)
/* Host memory all 2D resources' host copies may pin together: 16 4K framebuffers. */
#define VUG_MAX_HOST_2D_BYTES (512ull << 20)
/* Width/height of a 2D resource or a mode: what the renderer advertises. */
#define VUG_MAX_DIM 16384u
/* One SUBMIT_3D: 4 MiB of commands; Mesa flushes its 256 KiB buffers well below. */
#define VUG_MAX_SUBMIT_BYTES (4u << 20)
/* Fenced requests waiting for the renderer: more than any virtqueue holds (1024). */
#define VUG_MAX_PENDING_FENCES 4096u
/* Rings per context (context_init num_rings is 6 bits in the Linux UAPI). */
#define VUG_MAX_RINGS 64u
/* Cursor images are 64x64 pixels of 4 bytes (virtio spec 5.7.6.10). */
#define VUG_CURSOR_SIZE 64u

enum vug_res_kind {
	VUG_RES_2D,
	VUG_RES_3D,
	VUG_RES_BLOB,
};

/** Guest pages behind a resource, translated to host pointers (adjacent pieces merged). */
struct vug_backing {
	struct iovec *iov;
	unsigned iov_count;
	uint64_t size;
};

struct vug_res {
	uint32_t id;
	enum vug_res_kind kind;
	uint32_t format; /* VIRTIO_GPU_FORMAT_* (2D, blob scanouts) or virgl format (3D) */
	uint32_t width, height;
	struct vug_backing backing; /* iov_count 0: none attached */
	/* 2D: the host copy the display reads, width*height*4 bytes, rows tight. */
	uint8_t *host;
	/* 3D: the renderer core's view of `backing`, updated on attach/detach. It is
	 * owned by the core resource (freed by its release hook), which may outlive us. */
	struct vr_backing *core_backing;
	uint32_t target;
	bool y0_top;
	uint8_t uuid[16];
	bool has_uuid;
	uint32_t scanout_mask; /* scanouts showing this resource */
};

struct vug_ctx {
	uint32_t id;
	uint32_t capset_id;
	struct vr_hash attached; /* resource id -> (void *)1 */
};

/* GET_EDID answers at most 1024 bytes (struct virtio_gpu_resp_edid). */
#define VUG_EDID_MAX 1024u

struct vug_scanout {
	bool enabled; /* the mode is plugged in (display info) */
	uint32_t width, height;
	uint32_t res_id; /* 0: no resource shown */
	struct virtio_gpu_rect r;
	/* Blob scanouts: the plane the guest described. */
	uint32_t blob_format, blob_stride;
	uint64_t blob_offset;
	/* 3D scanouts: pixels read back on flush (r.width x r.height x 4). */
	uint8_t *readback;
	struct iovec frame_iov;
	/* An EDID given from outside (vug_gpu_set_edid); edid_len 0: we build one. */
	uint8_t edid[VUG_EDID_MAX];
	uint32_t edid_len;
	/* The cursor shown on this scanout. */
	uint32_t cursor[VUG_CURSOR_SIZE * VUG_CURSOR_SIZE];
	bool cursor_visible;
	uint32_t hot_x, hot_y;
	int32_t cursor_x, cursor_y;
};

struct vug_fence {
	void *token;
	uint32_t len;
	uint64_t timeline; /* ctx_id << 8 | ring_idx, or 0 without INFO_RING_IDX */
	bool wait_renderer;
	bool wait_display; /* a flush: waits until the sink is no longer busy */
};

struct vug_gpu {
	struct vug_gpu_config cfg;
	struct vug_gpu_hooks hooks;
	uint64_t features_offered, features;
	uint32_t events_read;
	struct vr_device *dev;    /* NULL without virgl */
	struct vr_hash resources; /* id -> struct vug_res * */
	struct vr_hash contexts;  /* id -> struct vug_ctx * */
	uint64_t host_2d_bytes;
	uint64_t backing_pieces; /* iovecs held by all backings */
	struct vug_scanout scanouts[VIRTIO_GPU_MAX_SCANOUTS];
	struct vug_fence *fences; /* FIFO of deferred requests, oldest first */
	unsigned nfences;
	uint32_t *submit_buf; /* SUBMIT_3D commands, dword-aligned */
	size_t submit_cap;
	uint64_t next_uuid;
	struct vug_gpu_stats stats;
};

/** A decoded request: the header, the fixed payload and where the rest lies. */
struct vug_req {
	struct virtio_gpu_ctrl_hdr hdr;
	const struct iovec *out;
	unsigned nout;
	size_t out_len; /* total readable bytes */
	union {
		uint8_t raw[512];
		struct virtio_gpu_resource_create_2d create_2d;
		struct virtio_gpu_resource_unref unref;
		struct virtio_gpu_set_scanout set_scanout;
		struct virtio_gpu_resource_flush flush;
		struct virtio_gpu_transfer_to_host_2d t2d;
		struct virtio_gpu_resource_attach_backing attach;
		struct virtio_gpu_resource_detach_backing detach;
		struct virtio_gpu_get_capset_info capset_info;
		struct virtio_gpu_get_capset capset;
		struct virtio_gpu_cmd_get_edid edid;
		struct virtio_gpu_resource_assign_uuid uuid;
		struct virtio_gpu_resource_create_blob blob;
		struct virtio_gpu_set_scanout_blob scanout_blob;
		struct virtio_gpu_resource_map_blob map_blob;
		struct virtio_gpu_resource_unmap_blob unmap_blob;
		struct virtio_gpu_ctx_create ctx_create;
		struct virtio_gpu_ctx_resource ctx_res;
		struct virtio_gpu_resource_create_3d create_3d;
		struct virtio_gpu_transfer_host_3d t3d;
		struct virtio_gpu_cmd_submit submit;
		struct virtio_gpu_update_cursor cursor;
	} u;
	/* Response payload (after the header) that the handler fills. */
	uint8_t *resp;
	size_t resp_len;
	uint32_t resp_type;
	bool wait_renderer; /* the fence waits for the renderer (3D work) */
	bool wait_display;  /* the fence waits for the display to present (flush) */
};

/* ------------------------------------------------------------ iovecs */

/** Total bytes of an iovec array. False on overflow. */
bool vug_iov_size(const struct iovec *iov, unsigned n, size_t *size);
/** Copies up to len bytes starting at `offset` of the iovecs into dst; returns bytes copied. */
size_t vug_iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *dst, size_t len);
/** Copies len bytes of src into the iovecs at `offset`; returns bytes copied. */
size_t vug_iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *src,
			size_t len);

/* ------------------------------------------------------------ backing */

/**
 * Reads `nr` struct virtio_gpu_mem_entry from the request at byte `offset`,
 * validates them (count, zero/overlapping/unmapped ranges, total size) and
 * translates them to host iovecs. Returns 0 or a VIRTIO_GPU_RESP_ERR_*.
 */
uint32_t vug_backing_from_entries(struct vug_gpu *gpu, const struct vug_req *req, size_t offset,
				  uint32_t nr, struct vug_backing *out);
/** Releases the iovecs of a backing (from vug_backing_from_entries). */
void vug_backing_finish(struct vug_gpu *gpu, struct vug_backing *b);

/* ------------------------------------------------------------ resources */

/** 0 when `id` is non-zero, unused and the table has room; else the error to answer. */
uint32_t vug_res_id_check(struct vug_gpu *gpu, uint32_t id);
struct vug_res *vug_res_lookup(struct vug_gpu *gpu, uint32_t id);
/** Inserts a new resource (id checked by the caller). False on allocation failure. */
bool vug_res_insert(struct vug_gpu *gpu, struct vug_res *res);
/** Removes, detaches from scanouts and contexts, and frees a resource. */
void vug_res_destroy(struct vug_gpu *gpu, struct vug_res *res);
/** True for the formats of enum virtio_gpu_formats (all 4 bytes a pixel). */
bool vug_format_valid(uint32_t format);
/** A rect with x+w <= width and y+h <= height, no overflow. */
bool vug_rect_inside(const struct virtio_gpu_rect *r, uint32_t width, uint32_t height);

/* ------------------------------------------------------------ scanouts */

/** Forgets what scanout `id` shows without telling the sink (a new frame follows);
 *  true if it showed something. */
bool vug_scanout_detach(struct vug_gpu *gpu, uint32_t id);
/** Shows nothing on scanout `id` (tells the sink). */
void vug_scanout_disable(struct vug_gpu *gpu, uint32_t id);
/** Hands scanout `id`'s current frame to the sink. */
void vug_scanout_publish(struct vug_gpu *gpu, uint32_t id);

/* ------------------------------------------------------------ handlers */

/* Each returns VIRTIO_GPU_RESP_OK_NODATA (or another OK type with req->resp
 * filled) or a VIRTIO_GPU_RESP_ERR_*; nothing changes on error. */
uint32_t vug_cmd_display_info(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_create_2d(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_unref(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_set_scanout(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_flush(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_transfer_2d(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_attach_backing(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_detach_backing(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_edid(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_assign_uuid(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_capset_info(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_capset(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_ctx_create(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_ctx_destroy(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_ctx_attach(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_ctx_detach(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_create_3d(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_transfer_3d(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_submit_3d(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_create_blob(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_set_scanout_blob(struct vug_gpu *gpu, struct vug_req *req);
uint32_t vug_cmd_map_blob(struct vug_gpu *gpu, struct vug_req *req);

/** 3D helpers used by the 2D paths: a 2D transfer into a 3D resource, a scanout read-back. */
uint32_t vug_3d_transfer_2d(struct vug_gpu *gpu, struct vug_res *res,
			    const struct virtio_gpu_transfer_to_host_2d *t);
bool vug_3d_read_rect(struct vug_gpu *gpu, struct vug_res *res, const struct virtio_gpu_rect *r,
		      uint8_t *dst, uint32_t stride);
/** Frees the core half of a 3D resource and the context bookkeeping. */
void vug_3d_res_release(struct vug_gpu *gpu, struct vug_res *res);
void vug_3d_ctx_destroy_all(struct vug_gpu *gpu);
/** Drops `res_id` from every context's attachment set. */
void vug_3d_forget_resource(struct vug_gpu *gpu, uint32_t res_id);
/** A 3D resource's backing changed: refresh the core's view of it. */
void vug_3d_backing_changed(struct vug_res *res);

/** One cursor-queue command; false (counted as an error) when it was refused. */
bool vug_cursor_handle(struct vug_gpu *gpu, const struct virtio_gpu_update_cursor *c);

/** Builds a 128-byte EDID 1.4 block for a mode. */
void vug_edid_build(uint8_t edid[128], uint32_t width, uint32_t height, uint32_t serial);

/* ------------------------------------------------------------ fences */

/** True when a fenced request on `timeline` must wait (something earlier is pending). */
bool vug_fence_must_defer(const struct vug_gpu *gpu, uint64_t timeline, bool wait_renderer);
/** Queues a deferred completion. False when the queue is full. */
bool vug_fence_push(struct vug_gpu *gpu, void *token, uint32_t len, uint64_t timeline,
		    bool wait_renderer, bool wait_display);
/** Completes what can complete, in order per timeline. */
void vug_fence_retire(struct vug_gpu *gpu);

#endif /* VUG_PRIV_H */
