/*
 * pvgpu — renderer core: devices, resources, contexts, sub-contexts, objects.
 *
 * No GL and no transport code here. A transport (vtest, vhost-user, in-process)
 * owns one struct vr_device per client or VM and feeds it validated commands;
 * the device owns the resource table and the contexts; each context owns
 * sub-contexts, and each sub-context an object table keyed by guest handles.
 *
 * Threads: a device and everything in it belong to the thread that created it.
 * Errors: guest mistakes never abort. A bad command marks its *context* broken
 * (vr_ctx_error) and is reported; other contexts and the device carry on.
 */
#ifndef VR_CORE_H
#define VR_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "hash.h"
#include "log.h"
#include "vgp_caps.h"
#include "vr_backend.h"
#include "vr_state.h"

/* Caps on guest-controlled counts: each one bounds host memory a guest can pin. */
#define VR_MAX_RESOURCES 65536    /* per device: Mesa uses ~10 live + fences */
#define VR_MAX_CONTEXTS 256       /* per device: virtio-gpu contexts */
#define VR_MAX_SUB_CTXS 64        /* per context: Mesa uses one per pipe_context */
#define VR_MAX_OBJECTS 65536      /* per sub-context */
#define VR_MAX_TEXTURE_SIZE 16384 /* per 2D dimension, as advertised in caps */
#define VR_MAX_TEXTURE_3D_SIZE 2048
#define VR_MAX_ARRAY_LAYERS 2048
#define VR_MAX_BUFFER_SIZE (1u << 30) /* 1 GiB: above any sane guest buffer */
#define VR_MAX_SHADER_TEXT (1u << 20) /* 1 MiB of TGSI text; Mesa's largest is 24 KB */
/* Vertex invocations (count x instances) one DRAW_VBO may ask for: llvmpipe
 * spends ~8 s on 2^26 points here, so a guest asking for 2^32 would hold the
 * host for minutes; 2^24 bounds one draw to about a second. glmark2's largest
 * draw is under 10^6. */
#define VR_MAX_DRAW_INVOCATIONS (1ull << 24)
/*
 * Caps on the memory one client (one vr_device: a vtest connection, a VM) makes
 * the host hold through its live resources, so no guest can exhaust the host
 * with many resources that are each within the per-resource limits above.
 * Host storage counts each resource's tight size (all levels, layers and
 * samples): 8 GiB is above what real GPUs give one application and far above
 * Mesa's needs (glmark2 stays below 200 MB). Guest backing counts the bytes of
 * guest memory attached, which for vtest are host memfds the server maps:
 * 4 GiB is four of the largest backings vtest allows (VT_MAX_BACKING_SIZE).
 * Exceeding either refuses that resource only.
 */
#define VR_MAX_RESOURCE_BYTES (8ull << 30)
#define VR_MAX_BACKING_BYTES (4ull << 30)

/* ------------------------------------------------------------- resources */

struct vr_resource_desc {
	uint32_t target; /* PIPE_BUFFER .. PIPE_TEXTURE_CUBE_ARRAY */
	uint32_t format; /* virgl format */
	uint32_t bind;   /* VIRGL_BIND_* */
	uint32_t width, height, depth;
	uint32_t array_size;
	uint32_t last_level;
	uint32_t nr_samples;
	uint32_t flags; /* VIRGL_RESOURCE_* */
};

/*
 * Guest memory behind a resource. The transport fills it and provides
 * `release`, called once when the resource dies (e.g. munmap a memfd).
 */
struct vr_backing {
	struct iovec *iov;
	unsigned iov_count;
	size_t size; /* sum of iov lengths */
	void (*release)(struct vr_backing *backing);
	void *transport_priv;
};

struct vr_resource {
	uint32_t id;
	uint32_t refcount;
	struct vr_resource_desc desc;
	struct vr_backing *backing; /* may be NULL (no guest memory yet / MSAA) */
	struct vr_device *dev;
	uint64_t host_bytes;    /* counted in dev->resource_bytes while alive */
	uint64_t backing_bytes; /* backing->size when attached, counted in dev->backing_bytes
				 * (a transport may change the size later: virtio
				 * ATTACH_BACKING fills guest pages in place) */
	void *backend_priv;     /* owned by the backend */
};

/** Width, height or depth of `level` of a base size (minimum 1). */
static inline uint32_t
vr_minify(uint32_t size, uint32_t level)
{
	uint32_t s = level < 32 ? size >> level : 0;
	return s ? s : 1;
}

/** Number of layers (array size, 6 per cube) of a resource; depth for 3D. */
uint32_t vr_resource_layers(const struct vr_resource *res);

void vr_resource_ref(struct vr_resource *res);
/** Drops a reference; the last one destroys the backend object and backing. */
void vr_resource_unref(struct vr_resource *res);

/* --------------------------------------------------------------- objects */

struct vr_sub_ctx;

struct vr_object {
	uint32_t handle;
	uint32_t type; /* VIRGL_OBJECT_* */
	uint32_t refcount;
	struct vr_ctx *ctx;
	union {
		struct vr_blend_state blend;
		struct vr_rasterizer_state rs;
		struct vr_dsa_state dsa;
		struct vr_vertex_elements_state ve;
		struct vr_sampler_view_state view;
		struct vr_sampler_state sampler;
		struct vr_surface_state surface;
		struct vr_query_state query;
		struct vr_so_target_state so_target;
		struct vr_shader_state shader;
	} u;
	void *backend_priv; /* owned by the backend */
};

void vr_object_ref(struct vr_object *obj);
/** Drops a reference; the last one calls the backend's object_destroy and frees. */
void vr_object_unref(struct vr_object *obj);

/* ---------------------------------------------------- contexts and subs */

struct vr_sub_ctx {
	uint32_t id;
	struct vr_hash objects; /* handle -> struct vr_object * (one ref each) */
	void *backend_priv;     /* owned by the backend */
	/* A shader whose text arrives in several CREATE_OBJECT chunks. */
	struct vr_object *pending_shader;
};

struct vr_ctx {
	uint32_t id;
	struct vr_device *dev;
	char name[64];
	struct vr_hash sub_ctxs; /* id -> struct vr_sub_ctx * */
	struct vr_sub_ctx *sub;  /* current; NULL until first used (see vr_ctx_sub_current) */
	struct vr_sub_ctx *sub0; /* sub-context 0, made on first use; not in sub_ctxs */
	bool sub_chosen;         /* a SET_SUB_CTX or DESTROY_SUB_CTX has run */
	struct vr_backend_ctx *bctx;
	bool broken;
	char error[160]; /* first error that broke the context */
	struct vr_ratelimit log_rl;
	uint64_t commands; /* decoded commands, for stats and tests */
};

/** Marks the context broken with a reason (printf-style); logged, rate-limited. */
void vr_ctx_error(struct vr_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Resource by id, or NULL. Resources are device-wide (vtest has no attach step). */
struct vr_resource *vr_ctx_lookup_resource(struct vr_ctx *ctx, uint32_t id);

/** Object by handle in the current sub-context, checking its type; NULL if absent/wrong. */
struct vr_object *vr_ctx_lookup_object(struct vr_ctx *ctx, uint32_t handle, uint32_t type);

/** Object by handle in the current sub-context, any type; NULL if absent. */
struct vr_object *vr_ctx_lookup_any(struct vr_ctx *ctx, uint32_t handle);

/**
 * Allocates an object of `type` for `handle` in the current sub-context, zeroed,
 * not yet inserted. Fails (NULL, context error) when there is no current
 * sub-context, the handle is 0 or already used, or the table is full.
 */
struct vr_object *vr_ctx_object_alloc(struct vr_ctx *ctx, uint32_t handle, uint32_t type);
/** Inserts a filled object and calls the backend; on failure frees it (drops refs). */
bool vr_ctx_object_commit(struct vr_ctx *ctx, struct vr_object *obj);
/** Frees an object that was never committed (drops the refs its state holds). */
void vr_ctx_object_discard(struct vr_object *obj);
/** DESTROY_OBJECT: removes the handle; the object dies with its last reference. */
bool vr_ctx_object_destroy(struct vr_ctx *ctx, uint32_t handle);

bool vr_ctx_sub_create(struct vr_ctx *ctx, uint32_t id);
/**
 * The current sub-context for a command that needs one. Like virglrenderer, a
 * context starts on an implicit sub-context 0 (guests other than Mesa, e.g. raw
 * virtio-gpu test programs, send commands without SET_SUB_CTX); once the guest
 * has chosen or destroyed sub-contexts itself, NULL means none is current.
 */
struct vr_sub_ctx *vr_ctx_sub_current(struct vr_ctx *ctx);
bool vr_ctx_sub_destroy(struct vr_ctx *ctx, uint32_t id);
bool vr_ctx_sub_set(struct vr_ctx *ctx, uint32_t id);

/**
 * Validates a transfer box against a resource level and resolves it into guest
 * memory [offset, ...) of the backing; fills `xfer`. stride/layer_stride 0 mean
 * the box packed tightly (as for data inline in a command); transports whose
 * guest memory holds the whole level pass vr_resource_level_pitch() instead. Returns false (and
 * sets *why) when any byte would fall outside the level or the backing.
 */
bool vr_transfer_prepare(struct vr_resource *res, uint32_t level, const struct vr_box *box,
			 uint32_t stride, uint32_t layer_stride, uint64_t offset, bool to_host,
			 struct vr_transfer *xfer, const char **why);

/** True when `level` exists and the non-negative box lies inside it (texels; bytes
 * for buffers; 1D arrays address layers with y/h). */
bool vr_resource_box_valid(const struct vr_resource *res, uint32_t level, const struct vr_box *box);

/**
 * Like vr_transfer_prepare, but the guest bytes are `mem_size` bytes at `mem`
 * instead of the resource's backing: RESOURCE_INLINE_WRITE data inside a command
 * buffer, or a COPY_TRANSFER3D staging buffer. `mem` must stay valid while xfer
 * is used.
 */
bool vr_transfer_prepare_mem(struct vr_resource *res, uint32_t level, const struct vr_box *box,
			     uint32_t stride, uint32_t layer_stride, uint8_t *mem, size_t mem_size,
			     uint64_t offset, bool to_host, struct vr_transfer *xfer,
			     const char **why);

/* ---------------------------------------------------------------- device */

struct vr_device {
	struct vr_backend *backend; /* not owned */
	struct vr_hash resources;   /* id -> struct vr_resource * (one ref each) */
	struct vr_hash contexts;    /* id -> struct vr_ctx * */
	struct vgp_caps_v2 caps;
	uint64_t submits;
	uint64_t resource_bytes; /* host storage of live resources (<= VR_MAX_RESOURCE_BYTES) */
	uint64_t backing_bytes;  /* guest backing attached to them (<= VR_MAX_BACKING_BYTES) */
};

/** Creates a device over a backend (not owned). NULL on allocation failure. */
struct vr_device *vr_device_create(struct vr_backend *backend);
/** Destroys contexts, then resources. Accepts NULL. */
void vr_device_destroy(struct vr_device *dev);

/**
 * Writes capset `id` (VIRGL_CAPSET_VIRGL = v1 308 bytes, _VIRGL2 = v2 1376 bytes)
 * into buf (at least that size). Returns its size, or 0 if unknown.
 */
size_t vr_device_get_caps(struct vr_device *dev, uint32_t capset_id, void *buf, size_t buf_size);

/**
 * Validates a description (target, format, sizes, levels, samples, overflow)
 * and creates the resource with an optional backing (ownership passes to the
 * resource on success; on failure the caller keeps it). Returns NULL and sets
 * *why on a bad description, a duplicate or zero id, or a full table.
 */
struct vr_resource *vr_device_resource_create(struct vr_device *dev, uint32_t id,
					      const struct vr_resource_desc *desc,
					      struct vr_backing *backing, const char **why);
/**
 * Attaches guest memory to a resource created without it (vtest creates the
 * resource first so that its description is validated before anything is sized
 * from it). Ownership passes to the resource. False (the caller keeps it) if it
 * already has a backing or the client's backing total would pass
 * VR_MAX_BACKING_BYTES.
 */
/**
 * Row and layer pitch of a level in Mesa's guest backing layout: rows of
 * width-in-blocks x block size with no padding, levels one after another
 * (virgl-wire.md §1.5). vtest v2 transfers carry no stride and use these.
 */
void vr_resource_level_pitch(const struct vr_resource *res, uint32_t level, uint32_t *stride,
			     uint32_t *layer_stride);

bool vr_resource_attach_backing(struct vr_resource *res, struct vr_backing *backing);

/** True when `size` more bytes of backing stay within VR_MAX_BACKING_BYTES for `dev`
 *  (transports ask before allocating host memory for a backing). */
bool vr_device_backing_fits(const struct vr_device *dev, uint64_t size);

/** Drops the table's reference. False if the id is unknown. */
bool vr_device_resource_unref(struct vr_device *dev, uint32_t id);
struct vr_resource *vr_device_lookup_resource(struct vr_device *dev, uint32_t id);

/** Bytes of guest backing a description needs (tight layout, all levels); false on overflow. */
bool vr_resource_desc_backing_size(const struct vr_resource_desc *desc, uint64_t *size);

/** Creates a context. NULL (and *why) on a bad or duplicate id, or backend failure. */
struct vr_ctx *vr_device_ctx_create(struct vr_device *dev, uint32_t id, const char *name,
				    const char **why);
void vr_device_ctx_destroy(struct vr_device *dev, uint32_t id);
struct vr_ctx *vr_device_lookup_ctx(struct vr_device *dev, uint32_t id);

/**
 * Decodes and executes a virgl command buffer of `ndw` dwords for context `ctx`.
 * Returns false if the context is (or becomes) broken; ctx->error says why.
 * Implemented in renderer/decode.
 */
bool vr_ctx_submit(struct vr_ctx *ctx, const uint32_t *buf, size_t ndw);

/** A transfer from a transport (vtest PUT2/GET2, virtio TRANSFER_*_3D). */
bool vr_device_transfer(struct vr_device *dev, uint32_t res_id, uint32_t level,
			const struct vr_box *box, uint32_t stride, uint32_t layer_stride,
			uint64_t offset, bool to_host, const char **why);

/** Busy query over everything submitted (vtest v2 semantics); wait blocks. */
bool vr_device_busy(struct vr_device *dev, bool wait);

#endif /* VR_CORE_H */
