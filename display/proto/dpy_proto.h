/*
 * pvgpu display — the wire protocol between VM back ends / pvgpu-ctl and
 * pvgpu-display (display/PROTOCOL.md). One SOCK_SEQPACKET Unix socket: every
 * packet is one message, a header and a payload of exactly header.size bytes,
 * with at most one fd attached (SCM_RIGHTS). All integers little-endian (host
 * order: both ends run on one machine).
 *
 * Every field a peer sends is checked by dpy_proto_check() before use.
 */
#ifndef DPY_PROTO_H
#define DPY_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpy_format.h"

#define DPY_PROTO_MAGIC 0x50445650u /* "PVDP" in memory */
#define DPY_PROTO_VERSION 1
#define DPY_PROTO_MAX_PAYLOAD 32768
#define DPY_PROTO_MAX_SCANOUTS 16
#define DPY_PROTO_MAX_DAMAGE 16
#define DPY_PROTO_MAX_EDID 1024
#define DPY_PROTO_MAX_TEXT 4096
#define DPY_PROTO_CURSOR_SIZE 64
/** Largest frame memory the daemon maps for one scanout. */
#define DPY_PROTO_MAX_FRAME_BYTES (256ull << 20)

enum dpy_msg_type {
	/* client → daemon */
	DPY_MSG_HELLO = 1,
	DPY_MSG_FRAME = 2,  /* VM: scanout's buffer (+ memfd) or disabled */
	DPY_MSG_DAMAGE = 3, /* VM: pixels changed; present them */
	DPY_MSG_CURSOR = 4, /* VM */
	DPY_MSG_CTL_REQUEST = 5,
	DPY_MSG_BYE = 6, /* VM, no payload: the guest left; a new HELLO may follow */
	/* daemon → client */
	DPY_MSG_WELCOME = 64,
	DPY_MSG_MODE = 65,
	DPY_MSG_PRESENTED = 66,
	DPY_MSG_CTL_REPLY = 67,
};

enum dpy_client_kind {
	DPY_CLIENT_VM = 1,
	DPY_CLIENT_CTL = 2,
};

struct dpy_msg_hdr {
	uint32_t type;
	uint32_t size; /* payload bytes after the header */
};

struct dpy_msg_hello {
	uint32_t magic;
	uint16_t version;
	uint16_t kind;         /* enum dpy_client_kind */
	uint32_t num_scanouts; /* VM: 1..16; ctl: 0 */
	uint32_t flags;        /* 0 */
	char name[64];         /* VM name, NUL-terminated, printable */
};

struct dpy_msg_welcome {
	uint32_t version;
	uint32_t num_outputs;
};

struct dpy_msg_frame {
	uint32_t scanout;
	uint32_t width, height; /* 0x0: disabled, no fd */
	uint32_t format;        /* DPY_FOURCC_XRGB8888, ARGB, XBGR or ABGR */
	uint32_t stride;
	uint32_t flags; /* 0 */
	uint64_t offset;
};

struct dpy_msg_rect {
	uint32_t x, y, width, height;
};

struct dpy_msg_damage {
	uint32_t scanout;
	uint32_t count; /* rects that follow, 0..DPY_PROTO_MAX_DAMAGE; 0 = all */
	uint64_t seq;   /* echoed in PRESENTED */
			/* struct dpy_msg_rect rects[count]; */
};

#define DPY_CURSOR_VISIBLE 1u
#define DPY_CURSOR_IMAGE 2u /* a 64x64 ARGB image follows */

struct dpy_msg_cursor {
	uint32_t scanout;
	uint32_t flags;
	int32_t x, y;
	uint32_t hot_x, hot_y;
	/* uint32_t image[64 * 64] with DPY_CURSOR_IMAGE */
};

struct dpy_msg_mode {
	uint32_t scanout;
	uint32_t enabled;
	uint32_t width, height, refresh_mhz;
	uint32_t edid_len; /* bytes that follow, 0..DPY_PROTO_MAX_EDID; 0: derive from the mode */
};

struct dpy_msg_presented {
	uint32_t scanout;
	uint32_t reserved;
	uint64_t seq;
};

#define DPY_CTL_JSON 1u

struct dpy_msg_ctl_request {
	uint32_t flags; /* DPY_CTL_JSON */
			/* text follows (a command line, no NUL); capture passes the file's fd */
};

struct dpy_msg_ctl_reply {
	int32_t status; /* 0 ok, else an error */
			/* text follows */
};

/** One received message. */
struct dpy_msg {
	struct dpy_msg_hdr hdr;
	uint8_t payload[DPY_PROTO_MAX_PAYLOAD];
	int fd; /* the attached fd or -1; owned by the message */
};

/** Sends one message (payload may be split in two pieces), with `fd` attached
 *  when >= 0. False on failure or when it does not fit. */
bool dpy_proto_send(int sock, uint32_t type, const void *a, size_t alen, const void *b, size_t blen,
		    int fd);
/**
 * Receives one message without blocking: 1 with *m filled, 0 when the peer
 * closed, -1 on a malformed packet (truncated, size field wrong, more than
 * one fd: all fds are closed) or a socket error, -2 when nothing is pending.
 */
int dpy_proto_recv(int sock, struct dpy_msg *m);
/** Closes the message's fd, if any. */
void dpy_proto_msg_finish(struct dpy_msg *m);

/**
 * Checks a message from a client whose hello said `num_scanouts` (0 before
 * the hello, for control clients too; `hello_done` is false again after a
 * VM's BYE). NULL when it is well-formed, else what is wrong. Frame memory (fd size, seals) is
 * checked where it is mapped.
 */
const char *dpy_proto_check_client(const struct dpy_msg *m, bool hello_done, uint32_t kind,
				   uint32_t num_scanouts);
/** Checks a message from the daemon (the VM side of the link). */
const char *dpy_proto_check_daemon(const struct dpy_msg *m, uint32_t num_scanouts);

#endif /* DPY_PROTO_H */
