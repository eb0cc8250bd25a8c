/*
 * pvgpu — vhost-user wire facts: the front-end/back-end protocol (QEMU
 * docs/interop/vhost-user.rst), the vhost-user-gpu display channel
 * (docs/interop/vhost-user-gpu.rst) and the split virtqueue layout (virtio 1.x
 * §2.7). Every structure is little-endian; the vhost-user ones are packed as on
 * the wire, the ring ones need no packing (their fields are naturally aligned).
 */
#ifndef VGP_VHOST_USER_H
#define VGP_VHOST_USER_H

#include <stdint.h>

/* ------------------------------------------------------------ framing */

/* Every message: a 12-byte header, then `size` payload bytes; file descriptors
 * travel as SCM_RIGHTS ancillary data of the same sendmsg. */
struct vhost_user_hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_hdr) == 12, "vhost-user header");

#define VHOST_USER_VERSION 0x1
#define VHOST_USER_VERSION_MASK 0x3
#define VHOST_USER_REPLY_MASK (1u << 2)
#define VHOST_USER_NEED_REPLY_MASK (1u << 3)

/* At most this many fds accompany one message (the spec's memory-table limit). */
#define VHOST_USER_MAX_FDS 8
/* SET_MEM_TABLE carries at most this many regions. */
#define VHOST_USER_MEM_BASELINE_NREGIONS 8
/* GET/SET_CONFIG payloads are at most this large. */
#define VHOST_USER_MAX_CONFIG_SIZE 256

/* Front end → back end. */
enum vhost_user_request {
	VHOST_USER_NONE = 0,
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SEND_RARP = 19,
	VHOST_USER_NET_SET_MTU = 20,
	VHOST_USER_SET_BACKEND_REQ_FD = 21,
	VHOST_USER_IOTLB_MSG = 22,
	VHOST_USER_SET_VRING_ENDIAN = 23,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_CREATE_CRYPTO_SESSION = 26,
	VHOST_USER_CLOSE_CRYPTO_SESSION = 27,
	VHOST_USER_POSTCOPY_ADVISE = 28,
	VHOST_USER_POSTCOPY_LISTEN = 29,
	VHOST_USER_POSTCOPY_END = 30,
	VHOST_USER_GET_INFLIGHT_FD = 31,
	VHOST_USER_SET_INFLIGHT_FD = 32,
	VHOST_USER_GPU_SET_SOCKET = 33,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_VRING_KICK = 35,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
	VHOST_USER_SET_STATUS = 39,
	VHOST_USER_GET_STATUS = 40,
	VHOST_USER_GET_SHARED_OBJECT = 41,
	VHOST_USER_SET_DEVICE_STATE_FD = 42,
	VHOST_USER_CHECK_DEVICE_STATE = 43,
	VHOST_USER_REQUEST_MAX = 44,
};

/* Back end → front end, on the SET_BACKEND_REQ_FD channel. */
enum vhost_user_backend_request {
	VHOST_USER_BACKEND_IOTLB_MSG = 1,
	VHOST_USER_BACKEND_CONFIG_CHANGE_MSG = 2,
	VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG = 3,
	VHOST_USER_BACKEND_SHARED_OBJECT_ADD = 4,
	VHOST_USER_BACKEND_SHARED_OBJECT_REMOVE = 5,
	VHOST_USER_BACKEND_SHARED_OBJECT_LOOKUP = 6,
};

/* ------------------------------------------------------------ features */

/* Virtio feature bits a vhost-user back end deals with (the device's own bits,
 * VIRTIO_GPU_F_*, are 0..23). */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VHOST_F_LOG_ALL 26
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_RING_RESET 40 /* QEMU 10 acks it unasked; a back end ignores it */

/* Protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
enum vhost_user_protocol_feature {
	VHOST_USER_PROTOCOL_F_MQ = 0,
	VHOST_USER_PROTOCOL_F_LOG_SHMFD = 1,
	VHOST_USER_PROTOCOL_F_RARP = 2,
	VHOST_USER_PROTOCOL_F_REPLY_ACK = 3,
	VHOST_USER_PROTOCOL_F_NET_MTU = 4,
	VHOST_USER_PROTOCOL_F_BACKEND_REQ = 5,
	VHOST_USER_PROTOCOL_F_CROSS_ENDIAN = 6,
	VHOST_USER_PROTOCOL_F_CRYPTO_SESSION = 7,
	VHOST_USER_PROTOCOL_F_PAGEFAULT = 8,
	VHOST_USER_PROTOCOL_F_CONFIG = 9,
	VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD = 10,
	VHOST_USER_PROTOCOL_F_HOST_NOTIFIER = 11,
	VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD = 12,
	VHOST_USER_PROTOCOL_F_RESET_DEVICE = 13,
	VHOST_USER_PROTOCOL_F_INBAND_NOTIFICATIONS = 14,
	VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS = 15,
	VHOST_USER_PROTOCOL_F_STATUS = 16,
	VHOST_USER_PROTOCOL_F_XEN_MMAP = 17,
	VHOST_USER_PROTOCOL_F_SHARED_OBJECT = 18,
	VHOST_USER_PROTOCOL_F_DEVICE_STATE = 19,
};

/* ------------------------------------------------------------ payloads */

/* SET_VRING_NUM / SET_VRING_BASE / GET_VRING_BASE / SET_VRING_ENABLE. */
struct vhost_user_vring_state {
	uint32_t index;
	uint32_t num;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_vring_state) == 8, "vring state");

/* SET_VRING_ADDR: addresses are the front end's virtual addresses (the
 * `userspace_addr` space of the memory regions), not guest-physical. */
struct vhost_user_vring_addr {
	uint32_t index;
	uint32_t flags; /* bit 0: log used-ring writes */
	uint64_t desc_user_addr;
	uint64_t used_user_addr;
	uint64_t avail_user_addr;
	uint64_t log_guest_addr;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_vring_addr) == 40, "vring addr");

/* SET_VRING_KICK / CALL / ERR: a u64 whose low byte is the ring index; bit 8
 * set means no fd accompanies the message. */
#define VHOST_USER_VRING_IDX_MASK 0xffu
#define VHOST_USER_VRING_NOFD_MASK (1u << 8)

struct vhost_user_mem_region {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset; /* where the region starts inside its fd */
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_mem_region) == 32, "memory region");

/* SET_MEM_TABLE: `nregions` regions follow (one fd each, same order). */
struct vhost_user_mem_table_hdr {
	uint32_t nregions;
	uint32_t padding;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_mem_table_hdr) == 8, "memory table header");

/* ADD_MEM_REG / REM_MEM_REG. */
struct vhost_user_mem_reg_msg {
	uint64_t padding;
	struct vhost_user_mem_region region;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_mem_reg_msg) == 40, "single memory region");

/* GET_CONFIG / SET_CONFIG: header, then `size` bytes of config space. */
struct vhost_user_config_hdr {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_config_hdr) == 12, "config header");

/* ------------------------------------------------------------ vhost-user-gpu display channel */

/* Back end → front end on the GPU_SET_SOCKET fd; same 12-byte header layout. */
enum vhost_user_gpu_request {
	VHOST_USER_GPU_NONE = 0,
	VHOST_USER_GPU_GET_PROTOCOL_FEATURES = 1,
	VHOST_USER_GPU_SET_PROTOCOL_FEATURES = 2,
	VHOST_USER_GPU_GET_DISPLAY_INFO = 3,
	VHOST_USER_GPU_CURSOR_POS = 4,
	VHOST_USER_GPU_CURSOR_POS_HIDE = 5,
	VHOST_USER_GPU_CURSOR_UPDATE = 6,
	VHOST_USER_GPU_SCANOUT = 7,
	VHOST_USER_GPU_UPDATE = 8,
	VHOST_USER_GPU_DMABUF_SCANOUT = 9,
	VHOST_USER_GPU_DMABUF_UPDATE = 10,
	VHOST_USER_GPU_GET_EDID = 11,
	VHOST_USER_GPU_DMABUF_SCANOUT2 = 12,
};

#define VHOST_USER_GPU_MSG_FLAG_REPLY 0x4

/* Display-channel protocol features. */
#define VHOST_USER_GPU_PROTOCOL_F_EDID 0
#define VHOST_USER_GPU_PROTOCOL_F_DMABUF2 1

#define VHOST_USER_GPU_CURSOR_SIZE 64

struct vhost_user_gpu_cursor_pos {
	uint32_t scanout_id;
	uint32_t x, y;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_gpu_cursor_pos) == 12, "cursor pos");

struct vhost_user_gpu_cursor_update {
	struct vhost_user_gpu_cursor_pos pos;
	uint32_t hot_x, hot_y;
	uint32_t data[VHOST_USER_GPU_CURSOR_SIZE * VHOST_USER_GPU_CURSOR_SIZE]; /* ARGB32 */
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_gpu_cursor_update) == 16404, "cursor update");

/* SCANOUT: width 0 disables the scanout. */
struct vhost_user_gpu_scanout {
	uint32_t scanout_id;
	uint32_t width, height;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_gpu_scanout) == 12, "scanout");

/* UPDATE: a rectangle of x8r8g8b8 pixels (BGRX bytes), rows of width*4 bytes,
 * follows the header inline. DMABUF_UPDATE uses the same header, no pixels,
 * and the front end replies when it has presented the dma-buf. */
struct vhost_user_gpu_update {
	uint32_t scanout_id;
	uint32_t x, y, width, height;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_gpu_update) == 20, "update");

struct vhost_user_gpu_dmabuf_scanout {
	uint32_t scanout_id;
	uint32_t x, y, width, height;
	uint32_t fd_width, fd_height, fd_stride, fd_flags;
	int32_t fd_drm_fourcc;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_gpu_dmabuf_scanout) == 40, "dmabuf scanout");

struct vhost_user_gpu_dmabuf_scanout2 {
	struct vhost_user_gpu_dmabuf_scanout dmabuf_scanout;
	uint64_t modifier;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_gpu_dmabuf_scanout2) == 48, "dmabuf scanout2");

struct vhost_user_gpu_edid_request {
	uint32_t scanout_id;
} __attribute__((packed));
_Static_assert(sizeof(struct vhost_user_gpu_edid_request) == 4, "edid request");

/* Replies to GET_DISPLAY_INFO and GET_EDID are struct
 * virtio_gpu_resp_display_info (408 bytes) and struct virtio_gpu_resp_edid
 * (1056 bytes) of linux/virtio_gpu.h, exactly that size. */
#define VHOST_USER_GPU_DISPLAY_INFO_SIZE 408
#define VHOST_USER_GPU_EDID_SIZE 1056

/* ------------------------------------------------------------ split virtqueue (virtio 1.x §2.7) */

struct vgp_vring_desc {
	uint64_t addr; /* guest-physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct vgp_vring_desc) == 16, "vring desc");

#define VGP_VRING_DESC_F_NEXT 1
#define VGP_VRING_DESC_F_WRITE 2
#define VGP_VRING_DESC_F_INDIRECT 4

/* avail: flags, idx, ring[num], then used_event (EVENT_IDX). */
struct vgp_vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};
#define VGP_VRING_AVAIL_F_NO_INTERRUPT 1

struct vgp_vring_used_elem {
	uint32_t id;
	uint32_t len;
};
_Static_assert(sizeof(struct vgp_vring_used_elem) == 8, "used elem");

/* used: flags, idx, ring[num], then avail_event (EVENT_IDX). */
struct vgp_vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vgp_vring_used_elem ring[];
};
#define VGP_VRING_USED_F_NO_NOTIFY 1

/* Split rings are at most this long; sizes are powers of two. */
#define VGP_VRING_MAX_SIZE 32768

/* Byte sizes of the three parts for a ring of `num` entries (EVENT_IDX
 * fields included). */
#define VGP_VRING_DESC_BYTES(num) ((uint64_t)(num)*16)
#define VGP_VRING_AVAIL_BYTES(num) (4 + (uint64_t)(num)*2 + 2)
#define VGP_VRING_USED_BYTES(num) (4 + (uint64_t)(num)*8 + 2)

/* Whether an event index `event_idx` was crossed when the index moved from
 * `old_idx` to `new_idx` (all mod 2^16): notify only then (virtio §2.7.10). */
static inline int
vgp_vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

#endif /* VGP_VHOST_USER_H */
