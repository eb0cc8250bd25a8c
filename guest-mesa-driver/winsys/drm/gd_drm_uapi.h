/*
 * pvgpu guest driver — the parts of the virtio-gpu DRM UAPI that libdrm's copy of
 * virtgpu_drm.h (2.4.114) predates. Values and layouts are the kernel's
 * (include/uapi/drm/virtgpu_drm.h since Linux 5.16); structs the kernel extended
 * get our own names so a newer system header cannot clash with them.
 *
 * Ioctl sizes: the kernel copies min(user, kernel) bytes of an ioctl struct and
 * zero-fills the rest, so the longer transfer struct also works on old kernels
 * (which ignore stride/layer_stride) and the short execbuffer struct on new ones.
 */
#ifndef GD_DRM_UAPI_H
#define GD_DRM_UAPI_H

#include <stdint.h>

#include <drm.h>
#include <virtgpu_drm.h>

#ifndef DRM_VIRTGPU_CONTEXT_INIT
#define DRM_VIRTGPU_CONTEXT_INIT 0x0b
#endif
#ifndef VIRTGPU_PARAM_RESOURCE_BLOB
#define VIRTGPU_PARAM_RESOURCE_BLOB 3
#endif
#ifndef VIRTGPU_PARAM_CONTEXT_INIT
#define VIRTGPU_PARAM_CONTEXT_INIT 6
#endif
#ifndef VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs
#define VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs 7
#endif
#ifndef VIRTGPU_CONTEXT_PARAM_CAPSET_ID
#define VIRTGPU_CONTEXT_PARAM_CAPSET_ID 0x0001
#endif

/* TRANSFER_TO_HOST / TRANSFER_FROM_HOST with the row and layer pitch (Linux 5.x+). */
struct gd_virtgpu_transfer {
	uint32_t bo_handle;
	struct drm_virtgpu_3d_box box;
	uint32_t level;
	uint32_t offset;
	uint32_t stride;
	uint32_t layer_stride;
};
_Static_assert(sizeof(struct gd_virtgpu_transfer) == 44, "virtgpu transfer size");

/* One parameter of CONTEXT_INIT. */
struct gd_virtgpu_ctx_param {
	uint64_t param;
	uint64_t value;
};

/* CONTEXT_INIT: ctx_set_params points at num_params struct gd_virtgpu_ctx_param. */
struct gd_virtgpu_context_init {
	uint32_t num_params;
	uint32_t pad;
	uint64_t ctx_set_params;
};
_Static_assert(sizeof(struct gd_virtgpu_context_init) == 16, "virtgpu context init size");

#define GD_IOCTL_VIRTGPU_TRANSFER_TO_HOST \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VIRTGPU_TRANSFER_TO_HOST, struct gd_virtgpu_transfer)
#define GD_IOCTL_VIRTGPU_TRANSFER_FROM_HOST \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VIRTGPU_TRANSFER_FROM_HOST, struct gd_virtgpu_transfer)
#define GD_IOCTL_VIRTGPU_CONTEXT_INIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VIRTGPU_CONTEXT_INIT, struct gd_virtgpu_context_init)

#endif /* GD_DRM_UAPI_H */
