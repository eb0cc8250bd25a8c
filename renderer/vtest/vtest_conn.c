/*
 * pvgpu-vtest — one client connection (see vtest_conn.h).
 *
 * Framing (virgl-wire.md §1.2): every message is [length, id] + payload. The
 * length field is only trusted where the payload really is variable (SUBMIT_CMD
 * in dwords, CREATE_RENDERER in bytes); every other command has a fixed payload
 * size that we read regardless of what the length says, because Mesa fills it
 * inconsistently (TRANSFER_PUT2 counts data dwords that are never sent).
 */
#include "vtest_conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vgp_virgl_format.h"
#include "vgp_vtest.h"
#include "vr_core.h"
#include "vr_format.h"
#include "vtest_input.h"
#include "vtest_resource.h"

/* CREATE_RENDERER carries a process name; 1 KiB is far above any real one and
 * keeps a client from making us buffer an arbitrary amount before it has a context. */
#define VT_MAX_NAME_BYTES 1024u
/* Mesa's largest command buffer is 64 Ki + 1024 dwords (virgl-wire.md §2.2); 1 Mi dwords
 * (4 MiB) leaves room for other guests while bounding the buffer a client can make us hold. */
#define VT_MAX_SUBMIT_DWORDS (1u << 20)
/* v0 inline transfers stage pixels in our memory; 256 MiB covers a 8192² RGBA texture. */
#define VT_MAX_INLINE_BYTES (256u << 20)
/* Socket receive buffer: one read(2) usually holds a whole frame's commands. */
#define VT_INPUT_BUFFER_BYTES (256u << 10)
/* Batched replies; the largest single reply (GET_CAPS2) is 1384 bytes. */
#define VT_OUTPUT_BUFFER_BYTES 4096u

/* The one context a vtest client gets. */
#define VT_CTX_ID 1

struct vt_conn {
	struct vt_conn_config cfg;
	struct vt_input in;
	int fd; /* -1 in memory mode: replies are discarded */
	uint8_t *in_buf;
	struct vt_shm_pool *pool; /* recycled fence-sized memfds */

	struct vr_backend *backend;
	struct vr_device *dev;
	struct vr_ctx *ctx;
	uint32_t version; /* negotiated protocol version */
	char name[64];

	/* Reused across commands so the hot path never allocates. */
	uint32_t *submit_buf;
	size_t submit_cap; /* dwords */
	uint8_t *xfer_buf;
	size_t xfer_cap;

	uint8_t out[VT_OUTPUT_BUFFER_BYTES];
	size_t out_len;
	bool out_failed; /* the client stopped reading; treat as gone */

	struct vt_conn_stats stats; /* socket_in and part of staged live in `in` */

	const char *cmd_name; /* command being handled, for error messages */
	char error[256];
	bool left_mid_command; /* the error is the client closing inside a command */
};

/* ------------------------------------------------------------ errors */

static bool fail(struct vt_conn *conn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error of the connection, prefixed with the command name. */
static bool
fail(struct vt_conn *conn, const char *fmt, ...)
{
	if (conn->error[0]) {
		return false;
	}
	int n = 0;
	if (conn->cmd_name) {
		n = snprintf(conn->error, sizeof(conn->error), "%s: ", conn->cmd_name);
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(conn->error + n, sizeof(conn->error) - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

const char *
vt_conn_error(const struct vt_conn *conn)
{
	return conn->error;
}

void
vt_conn_get_stats(const struct vt_conn *conn, struct vt_conn_stats *stats, uint64_t *copied)
{
	*stats = conn->stats;
	stats->socket_in = conn->in.bytes_read;
	stats->staged += conn->in.bytes_copied;
	if (copied) {
		*copied =
			stats->socket_in + stats->socket_out + stats->staged + stats->shm_transfer;
	}
}

const char *
vt_conn_name(const struct vt_conn *conn)
{
	return conn->name[0] ? conn->name : "?";
}

/* ------------------------------------------------------------ output */

static bool
write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		/* MSG_NOSIGNAL: a client that vanished must not SIGPIPE the server. */
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK) {
			w = write(fd, p, len);
		}
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return false;
		}
		p += w;
		len -= (size_t)w;
	}
	return true;
}

static void
flush_output(struct vt_conn *conn)
{
	if (conn->out_len && conn->fd >= 0 && !conn->out_failed &&
	    !write_all(conn->fd, conn->out, conn->out_len)) {
		conn->out_failed = true;
	}
	conn->stats.socket_out += conn->out_len;
	conn->out_len = 0;
}

static void
handle_before_block(void *data)
{
	flush_output(data);
}

/* Queues bytes for the client; large blobs bypass the batch buffer. */
static void
reply_bytes(struct vt_conn *conn, const void *data, size_t len)
{
	if (conn->out_len + len > sizeof(conn->out)) {
		flush_output(conn);
	}
	if (len > sizeof(conn->out)) {
		if (conn->fd >= 0 && !conn->out_failed && !write_all(conn->fd, data, len)) {
			conn->out_failed = true;
		}
		conn->stats.socket_out += len;
		return;
	}
	memcpy(conn->out + conn->out_len, data, len);
	conn->stats.staged += len;
	conn->out_len += len;
}

static void
reply_hdr(struct vt_conn *conn, uint32_t len, uint32_t id)
{
	uint32_t hdr[VTEST_HDR_SIZE] = {len, id};
	reply_bytes(conn, hdr, sizeof(hdr));
}

/* Reply of one dword: [1, id, value]. */
static void
reply_dword(struct vt_conn *conn, uint32_t id, uint32_t value)
{
	uint32_t msg[3] = {1, id, value};
	reply_bytes(conn, msg, sizeof(msg));
}

/*
 * Sends `fd` as SCM_RIGHTS with one data byte 0 (virgl-wire.md §1.2); the caller
 * still owns `fd`. Pending replies go first in their own write: ancillary data
 * rides on the bytes it was sent with, and a client reading a reply header with
 * plain read(2) would discard an fd attached to them. A failed send marks the
 * client gone, like any failed reply.
 */
static void
send_fd(struct vt_conn *conn, int fd)
{
	flush_output(conn);
	if (conn->fd < 0 || conn->out_failed) {
		return;
	}
	uint8_t byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctrl;
	memset(&ctrl, 0, sizeof(ctrl));
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctrl.buf,
		.msg_controllen = sizeof(ctrl.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	ssize_t r;
	do {
		r = sendmsg(conn->fd, &msg, MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	if (r != 1) {
		conn->out_failed = true;
	}
}

/* ------------------------------------------------------------ input */

/* Reads a fixed payload; a short read is a truncated command. */
static bool
read_payload(struct vt_conn *conn, void *dst, size_t bytes)
{
	ssize_t r = vt_input_read(&conn->in, dst, bytes);
	if (r == (ssize_t)bytes) {
		return true;
	}
	if (r == -ECANCELED) {
		return fail(conn, "server shutting down");
	}
	if (r < 0) {
		return fail(conn, "read failed: %s", strerror((int)-r));
	}
	/* End of stream inside a command: the client left (killed, or exited while
	 * sending). Still an error for this connection, but not a violation. */
	conn->left_mid_command = !conn->error[0];
	return fail(conn, "truncated payload (%zd of %zu bytes)", r, bytes);
}

static bool
read_dwords(struct vt_conn *conn, uint32_t *dst, size_t count)
{
	return read_payload(conn, dst, count * sizeof(uint32_t));
}

/* Grows a reusable buffer to at least `need` bytes (amortised, never shrinks). */
static bool
reserve(void **buf, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap) {
		return true;
	}
	size_t n = *cap ? *cap : 4096;
	while (n < need) {
		n *= 2;
	}
	void *p = realloc(*buf, n * elem);
	if (!p) {
		return false;
	}
	*buf = p;
	*cap = n;
	return true;
}

/* ------------------------------------------------------------ handlers */

static bool
handle_create_renderer(struct vt_conn *conn, uint32_t len)
{
	if (conn->ctx) {
		return fail(conn, "sent twice");
	}
	if (len > VT_MAX_NAME_BYTES) {
		return fail(conn, "name too long (%u bytes, limit %u)", len, VT_MAX_NAME_BYTES);
	}
	char name[VT_MAX_NAME_BYTES + 1];
	if (!read_payload(conn, name, len)) {
		return false;
	}
	name[len] = '\0';
	/* The name ends up in our logs: keep it printable. */
	size_t n = strnlen(name, len);
	for (size_t i = 0; i < n; i++) {
		if (name[i] < 0x20 || name[i] > 0x7e) {
			name[i] = '?';
		}
	}
	/* Truncated on purpose: the name only labels logs and the context. */
	snprintf(conn->name, sizeof(conn->name), "%.*s", (int)sizeof(conn->name) - 1,
		 n ? name : "unnamed");

	conn->backend = conn->cfg.backend_create(conn->cfg.backend_data);
	if (!conn->backend) {
		return fail(conn, "could not create the renderer backend");
	}
	if (conn->cfg.backend_ready &&
	    !conn->cfg.backend_ready(conn->cfg.backend_data, conn->name)) {
		return fail(conn, "could not set up the process for this client");
	}
	conn->dev = vr_device_create(conn->backend);
	if (!conn->dev) {
		return fail(conn, "could not create the device");
	}
	const char *why = "";
	conn->ctx = vr_device_ctx_create(conn->dev, VT_CTX_ID, conn->name, &why);
	if (!conn->ctx) {
		return fail(conn, "could not create the context: %s", why);
	}
	return true;
}

static bool
handle_get_caps_common(struct vt_conn *conn, uint32_t capset)
{
	struct vgp_caps_v2 caps;
	size_t size = vr_device_get_caps(conn->dev, capset, &caps, sizeof(caps));
	if (!size) {
		return fail(conn, "no caps for capset %u", capset);
	}
	/* Quirk kept for compatibility: length is bytes + 1 and the id field carries
	 * the capset number, not the request id (virgl-wire.md §1.3). */
	reply_hdr(conn, (uint32_t)size + 1, capset);
	reply_bytes(conn, &caps, size);
	return true;
}

static bool
handle_get_caps(struct vt_conn *conn, uint32_t len)
{
	return handle_get_caps_common(conn, VIRGL_CAPSET_VIRGL);
}

static bool
handle_get_caps2(struct vt_conn *conn, uint32_t len)
{
	return handle_get_caps_common(conn, VIRGL_CAPSET_VIRGL2);
}

static bool
handle_ping(struct vt_conn *conn, uint32_t len)
{
	reply_hdr(conn, 0, VCMD_PING_PROTOCOL_VERSION);
	return true;
}

static bool
handle_protocol_version(struct vt_conn *conn, uint32_t len)
{
	uint32_t client;
	if (!read_dwords(conn, &client, VCMD_PROTOCOL_VERSION_SIZE)) {
		return false;
	}
	uint32_t v = client < VTEST_PROTOCOL_VERSION_MAX ? client : VTEST_PROTOCOL_VERSION_MAX;
	/* Version 1 never shipped a distinct feature set; servers answer 0 for it. */
	if (v == 1) {
		v = 0;
	}
	conn->version = v;
	reply_dword(conn, VCMD_PROTOCOL_VERSION, v);
	return true;
}

static bool
handle_busy_wait(struct vt_conn *conn, uint32_t len)
{
	uint32_t p[VCMD_BUSY_WAIT_SIZE];
	if (!read_dwords(conn, p, VCMD_BUSY_WAIT_SIZE)) {
		return false;
	}
	/* The handle is ignored on purpose: v2 busy means "any submitted work pending"
	 * (virgl-wire.md §1.7), and Mesa polls with handle 0 during the handshake. */
	bool wait = p[VCMD_BUSY_WAIT_FLAGS] & VCMD_BUSY_WAIT_FLAG_WAIT;
	bool busy = conn->dev ? vr_device_busy(conn->dev, wait) : false;
	reply_dword(conn, VCMD_RESOURCE_BUSY_WAIT, busy ? 1 : 0);
	return true;
}

static void
desc_from_payload(const uint32_t *p, struct vr_resource_desc *desc)
{
	*desc = (struct vr_resource_desc){
		.target = p[VCMD_RES_CREATE_TARGET],
		.format = p[VCMD_RES_CREATE_FORMAT],
		.bind = p[VCMD_RES_CREATE_BIND],
		.width = p[VCMD_RES_CREATE_WIDTH],
		.height = p[VCMD_RES_CREATE_HEIGHT],
		.depth = p[VCMD_RES_CREATE_DEPTH],
		.array_size = p[VCMD_RES_CREATE_ARRAY_SIZE],
		.last_level = p[VCMD_RES_CREATE_LAST_LEVEL],
		.nr_samples = p[VCMD_RES_CREATE_NR_SAMPLES],
		.flags = 0, /* vtest never sends resource flags */
	};
}

static bool
handle_resource_create(struct vt_conn *conn, uint32_t len)
{
	uint32_t p[VCMD_RES_CREATE_SIZE];
	if (!read_dwords(conn, p, VCMD_RES_CREATE_SIZE)) {
		return false;
	}
	struct vr_resource_desc desc;
	desc_from_payload(p, &desc);
	uint32_t id = p[VCMD_RES_CREATE_RES_HANDLE];
	const char *why = "";
	if (!vr_device_resource_create(conn->dev, id, &desc, NULL, &why)) {
		return fail(conn, "resource %u: %s", id, why);
	}
	return true;
}

/* Attaches a fresh shared-memory backing of data_size bytes to `res` and sends its fd. */
static bool
attach_shm(struct vt_conn *conn, struct vr_resource *res, uint32_t data_size)
{
	uint64_t need = 0;
	if (!vr_resource_desc_backing_size(&res->desc, &need)) {
		return fail(conn, "resource %u: cannot size its backing", res->id);
	}
	if (data_size < need) {
		return fail(conn, "resource %u: data_size %u smaller than the %llu bytes it needs",
			    res->id, data_size, (unsigned long long)need);
	}
	/* vtest has no error reply for RESOURCE_CREATE2: the client that passes
	 * its cap loses its connection; other clients are not affected. */
	if (!vr_device_backing_fits(conn->dev, data_size)) {
		return fail(conn, "resource %u: %u more backing bytes exceed the client's %llu",
			    res->id, data_size, (unsigned long long)VR_MAX_BACKING_BYTES);
	}
	int fd = -1;
	const char *why = "";
	struct vr_backing *backing =
		vt_shm_backing_create(conn->pool, res->id, data_size, &fd, &why);
	if (!backing) {
		return fail(conn, "resource %u: %s", res->id, why);
	}
	/* The resource was created without backing so that its description was
	 * validated before we sized anything from it; the core releases it on unref.
	 * attach_shm checked the client's backing total before allocating. */
	if (!vr_resource_attach_backing(res, backing)) {
		vt_shm_backing_fd_sent(backing, fd); /* closes our copy unless pooled */
		backing->release(backing);
		return fail(conn, "resource %u: backing refused", res->id);
	}
	send_fd(conn, fd);
	vt_shm_backing_fd_sent(backing, fd);
	return true;
}

static bool
handle_resource_create2(struct vt_conn *conn, uint32_t len)
{
	uint32_t p[VCMD_RES_CREATE2_SIZE];
	if (!read_dwords(conn, p, VCMD_RES_CREATE2_SIZE)) {
		return false;
	}
	struct vr_resource_desc desc;
	desc_from_payload(p, &desc);
	uint32_t id = p[VCMD_RES_CREATE_RES_HANDLE];
	uint32_t data_size = p[VCMD_RES_CREATE2_DATA_SIZE];
	if (data_size > VT_MAX_BACKING_SIZE) {
		return fail(conn, "resource %u: data_size %u above the %llu byte limit", id,
			    data_size, (unsigned long long)VT_MAX_BACKING_SIZE);
	}
	const char *why = "";
	struct vr_resource *res = vr_device_resource_create(conn->dev, id, &desc, NULL, &why);
	if (!res) {
		return fail(conn, "resource %u: %s", id, why);
	}
	/* data_size 0 (MSAA resources): no guest memory, no fd (virgl-wire.md §1.5). */
	if (data_size == 0) {
		return true;
	}
	if (!attach_shm(conn, res, data_size)) {
		vr_device_resource_unref(conn->dev, id);
		return false;
	}
	return true;
}

static bool
handle_resource_unref(struct vt_conn *conn, uint32_t len)
{
	uint32_t id;
	if (!read_dwords(conn, &id, VCMD_RES_UNREF_SIZE)) {
		return false;
	}
	if (!vr_device_resource_unref(conn->dev, id)) {
		return fail(conn, "unknown resource %u", id);
	}
	return true;
}

static void
box_from_payload(const uint32_t *p, struct vr_box *box)
{
	/* The wire carries unsigned dwords; the core rejects negative results. */
	*box = (struct vr_box){
		.x = (int32_t)p[0],
		.y = (int32_t)p[1],
		.z = (int32_t)p[2],
		.w = (int32_t)p[3],
		.h = (int32_t)p[4],
		.d = (int32_t)p[5],
	};
}

static bool
transfer2(struct vt_conn *conn, bool to_host)
{
	/* PUT2's length field counts data dwords that live in shared memory and are
	 * never sent: read exactly the 10 dwords both directions carry. */
	uint32_t p[VCMD_TRANSFER2_HDR_SIZE];
	if (!read_dwords(conn, p, VCMD_TRANSFER2_HDR_SIZE)) {
		return false;
	}
	uint32_t id = p[VCMD_TRANSFER2_RES_HANDLE];
	uint32_t level = p[VCMD_TRANSFER2_LEVEL];
	struct vr_resource *res = vr_device_lookup_resource(conn->dev, id);
	if (!res) {
		return fail(conn, "unknown resource %u", id);
	}
	struct vr_box box;
	box_from_payload(p + VCMD_TRANSFER2_X, &box);
	/* The v2 commands carry no stride: the shared memory holds each level in
	 * Mesa's tight layout, so sub-rectangles are addressed with the *level's*
	 * pitch. data_size is computed with the client's own (display target) stride
	 * and is ignored, as the reference server does (virgl-wire.md §1.6). */
	uint32_t stride = 0, layer_stride = 0;
	if (level <= res->desc.last_level) {
		vr_resource_level_pitch(res, level, &stride, &layer_stride);
	}
	const char *why = "";
	if (!vr_device_transfer(conn->dev, id, level, &box, stride, layer_stride,
				p[VCMD_TRANSFER2_OFFSET], to_host, &why)) {
		return fail(conn, "%s (resource %u, level %u, box %d,%d,%d %dx%dx%d)", why, id,
			    level, box.x, box.y, box.z, box.w, box.h, box.d);
	}
	/* Validated above: the box is non-negative and inside the level. */
	const struct vr_format_info *fi = vr_format_get(res->desc.format);
	conn->stats.shm_transfer +=
		(uint64_t)box.w * (uint64_t)box.h * (uint64_t)box.d * (fi ? fi->block_bytes : 1u);
	return true;
}

static bool
handle_transfer_get2(struct vt_conn *conn, uint32_t len)
{
	return transfer2(conn, false);
}

static bool
handle_transfer_put2(struct vt_conn *conn, uint32_t len)
{
	return transfer2(conn, true);
}

/*
 * v0 transfers carry pixels inline in the stream: staged in our buffer and checked
 * by the core against that buffer exactly like a shared-memory transfer.
 */
static bool
transfer_inline(struct vt_conn *conn, bool to_host)
{
	uint32_t p[VCMD_TRANSFER_HDR_SIZE];
	if (!read_dwords(conn, p, VCMD_TRANSFER_HDR_SIZE)) {
		return false;
	}
	uint32_t id = p[VCMD_TRANSFER_RES_HANDLE];
	uint32_t size = p[VCMD_TRANSFER_DATA_SIZE];
	if (size > VT_MAX_INLINE_BYTES) {
		return fail(conn, "data_size %u above the %u byte limit", size,
			    VT_MAX_INLINE_BYTES);
	}
	struct vr_resource *res = vr_device_lookup_resource(conn->dev, id);
	if (!res) {
		return fail(conn, "unknown resource %u", id);
	}
	if (!reserve((void **)&conn->xfer_buf, &conn->xfer_cap, size ? size : 1, 1)) {
		return fail(conn, "out of memory");
	}
	if (to_host) {
		if (!read_payload(conn, conn->xfer_buf, size)) {
			return false;
		}
	} else {
		memset(conn->xfer_buf, 0, size);
	}
	struct vr_box box;
	box_from_payload(p + VCMD_TRANSFER_X, &box);
	struct vr_transfer xfer;
	const char *why = "";
	if (!vr_transfer_prepare_mem(res, p[VCMD_TRANSFER_LEVEL], &box, p[VCMD_TRANSFER_STRIDE],
				     p[VCMD_TRANSFER_LAYER_STRIDE], conn->xfer_buf, size, 0,
				     to_host, &xfer, &why)) {
		return fail(conn, "%s (resource %u)", why, id);
	}
	bool empty = !box.w || !box.h || !box.d;
	if (!empty && !conn->backend->impl->transfer(conn->backend, &xfer)) {
		return fail(conn, "backend transfer failed (resource %u)", id);
	}
	if (to_host) {
		conn->stats.inline_pixels_in += size;
	} else {
		reply_bytes(conn, conn->xfer_buf, size); /* raw bytes, no header */
		conn->stats.inline_pixels_out += size;
	}
	return true;
}

static bool
handle_transfer_get(struct vt_conn *conn, uint32_t len)
{
	return transfer_inline(conn, false);
}

static bool
handle_transfer_put(struct vt_conn *conn, uint32_t len)
{
	return transfer_inline(conn, true);
}

static bool
handle_submit_cmd(struct vt_conn *conn, uint32_t len)
{
	if (len > VT_MAX_SUBMIT_DWORDS) {
		return fail(conn, "%u dwords, limit %u", len, VT_MAX_SUBMIT_DWORDS);
	}
	if (len == 0) {
		return true;
	}
	size_t bytes = (size_t)len * sizeof(uint32_t);
	/* Decode straight out of the receive buffer when the whole stream is there. */
	const uint32_t *cmds = vt_input_get(&conn->in, bytes);
	if (!cmds) {
		if (!reserve((void **)&conn->submit_buf, &conn->submit_cap, len,
			     sizeof(uint32_t))) {
			return fail(conn, "out of memory");
		}
		if (!read_dwords(conn, conn->submit_buf, len)) {
			return false;
		}
		cmds = conn->submit_buf;
	}
	if (!vr_ctx_submit(conn->ctx, cmds, len)) {
		return fail(conn, "%s", conn->ctx->error[0] ? conn->ctx->error : "context broken");
	}
	return true;
}

/* ------------------------------------------------------------ dispatch */

struct vt_cmd {
	const char *name;
	/* `len` is the header's length field, meaningful only for variable payloads. */
	bool (*handle)(struct vt_conn *conn, uint32_t len);
	uint32_t min_version; /* negotiated protocol version the command needs */
};

/*
 * Per-id table. A NULL handler is a command we know but do not serve: the v3 ids
 * (blob resources, syncs, SUBMIT_CMD2) are protocol errors at the versions we
 * negotiate; implementing v3 means filling these slots and raising the max.
 */
static const struct vt_cmd cmd_table[VCMD_MAX] = {
	[VCMD_GET_CAPS] = {"GET_CAPS", handle_get_caps, 0},
	[VCMD_RESOURCE_CREATE] = {"RESOURCE_CREATE", handle_resource_create, 0},
	[VCMD_RESOURCE_UNREF] = {"RESOURCE_UNREF", handle_resource_unref, 0},
	[VCMD_TRANSFER_GET] = {"TRANSFER_GET", handle_transfer_get, 0},
	[VCMD_TRANSFER_PUT] = {"TRANSFER_PUT", handle_transfer_put, 0},
	[VCMD_SUBMIT_CMD] = {"SUBMIT_CMD", handle_submit_cmd, 0},
	[VCMD_RESOURCE_BUSY_WAIT] = {"RESOURCE_BUSY_WAIT", handle_busy_wait, 0},
	[VCMD_CREATE_RENDERER] = {"CREATE_RENDERER", handle_create_renderer, 0},
	[VCMD_GET_CAPS2] = {"GET_CAPS2", handle_get_caps2, 0},
	[VCMD_PING_PROTOCOL_VERSION] = {"PING_PROTOCOL_VERSION", handle_ping, 0},
	[VCMD_PROTOCOL_VERSION] = {"PROTOCOL_VERSION", handle_protocol_version, 0},
	[VCMD_RESOURCE_CREATE2] = {"RESOURCE_CREATE2", handle_resource_create2, 2},
	[VCMD_TRANSFER_GET2] = {"TRANSFER_GET2", handle_transfer_get2, 2},
	[VCMD_TRANSFER_PUT2] = {"TRANSFER_PUT2", handle_transfer_put2, 2},
	[VCMD_GET_PARAM] = {"GET_PARAM", NULL, 3},
	[VCMD_GET_CAPSET] = {"GET_CAPSET", NULL, 3},
	[VCMD_CONTEXT_INIT] = {"CONTEXT_INIT", NULL, 3},
	[VCMD_RESOURCE_CREATE_BLOB] = {"RESOURCE_CREATE_BLOB", NULL, 3},
	[VCMD_SYNC_CREATE] = {"SYNC_CREATE", NULL, 3},
	[VCMD_SYNC_UNREF] = {"SYNC_UNREF", NULL, 3},
	[VCMD_SYNC_READ] = {"SYNC_READ", NULL, 3},
	[VCMD_SYNC_WRITE] = {"SYNC_WRITE", NULL, 3},
	[VCMD_SYNC_WAIT] = {"SYNC_WAIT", NULL, 3},
	[VCMD_SUBMIT_CMD2] = {"SUBMIT_CMD2", NULL, 3},
};

/* Reads a header; false with *closed set on a clean end of stream. */
static bool
read_header(struct vt_conn *conn, uint32_t hdr[VTEST_HDR_SIZE], bool *closed)
{
	ssize_t r = vt_input_read(&conn->in, hdr, VTEST_HDR_SIZE * sizeof(uint32_t));
	*closed = r == 0;
	if (r == VTEST_HDR_SIZE * sizeof(uint32_t) || r == 0) {
		return r != 0;
	}
	if (r == -ECANCELED) {
		return fail(conn, "server shutting down");
	}
	if (r < 0) {
		return fail(conn, "read failed: %s", strerror((int)-r));
	}
	return fail(conn, "truncated header (%zd of 8 bytes)", r);
}

enum vt_conn_status
vt_conn_dispatch_one(struct vt_conn *conn)
{
	uint32_t hdr[VTEST_HDR_SIZE];
	bool closed;
	conn->cmd_name = NULL;
	if (conn->error[0]) {
		return VT_CONN_ERROR;
	}
	if (!read_header(conn, hdr, &closed)) {
		return closed ? VT_CONN_CLOSED : VT_CONN_ERROR;
	}
	uint32_t id = hdr[VTEST_CMD_ID];
	const struct vt_cmd *cmd = id < VCMD_MAX ? &cmd_table[id] : NULL;
	if (!cmd || !cmd->name) {
		fail(conn, "unknown command id %u (length %u)", id, hdr[VTEST_CMD_LEN]);
		return VT_CONN_ERROR;
	}
	conn->cmd_name = cmd->name;
	if (!cmd->handle || conn->version < cmd->min_version) {
		fail(conn, "not valid at protocol version %u", conn->version);
		return VT_CONN_ERROR;
	}
	if (!conn->ctx && id != VCMD_CREATE_RENDERER) {
		fail(conn, "CREATE_RENDERER must be the first command");
		return VT_CONN_ERROR;
	}
	conn->stats.commands++;
	if (!cmd->handle(conn, hdr[VTEST_CMD_LEN])) {
		return VT_CONN_ERROR;
	}
	/* A client that stopped reading our replies is gone, whatever it still sends. */
	return conn->out_failed ? VT_CONN_CLOSED : VT_CONN_OK;
}

enum vt_conn_status
vt_conn_serve(struct vt_conn *conn)
{
	enum vt_conn_status st;
	do {
		st = vt_conn_dispatch_one(conn);
	} while (st == VT_CONN_OK);
	flush_output(conn);
	if (st == VT_CONN_ERROR && conn->left_mid_command) {
		fprintf(stderr, "pvgpu-vtest: client %u (%s) left in the middle of a command: %s\n",
			conn->cfg.client_id, vt_conn_name(conn), conn->error);
	} else if (st == VT_CONN_ERROR) {
		fprintf(stderr, "pvgpu-vtest: client %u (%s) dropped: %s\n", conn->cfg.client_id,
			vt_conn_name(conn), conn->error);
	} else {
		vr_dbg(VR_CAT_VTEST, "client %u (%s) disconnected after %llu bytes",
		       conn->cfg.client_id, vt_conn_name(conn),
		       (unsigned long long)conn->in.bytes_read);
	}
	return st;
}

/* ------------------------------------------------------------ lifetime */

static struct vt_conn *
conn_alloc(const struct vt_conn_config *cfg)
{
	struct vt_conn *conn = calloc(1, sizeof(*conn));
	if (!conn) {
		return NULL;
	}
	conn->cfg = *cfg;
	conn->fd = -1;
	conn->pool = vt_shm_pool_create();
	if (!conn->pool) {
		free(conn);
		return NULL;
	}
	return conn;
}

struct vt_conn *
vt_conn_create_fd(const struct vt_conn_config *cfg, int fd, int abort_fd)
{
	struct vt_conn *conn = conn_alloc(cfg);
	if (!conn) {
		return NULL;
	}
	conn->in_buf = malloc(VT_INPUT_BUFFER_BYTES);
	if (!conn->in_buf) {
		vt_conn_destroy(conn);
		return NULL;
	}
	conn->fd = fd;
	vt_input_init_fd(&conn->in, fd, abort_fd, conn->in_buf, VT_INPUT_BUFFER_BYTES);
	conn->in.before_block = handle_before_block;
	conn->in.before_block_data = conn;
	return conn;
}

struct vt_conn *
vt_conn_create_mem(const struct vt_conn_config *cfg, const void *data, size_t size)
{
	struct vt_conn *conn = conn_alloc(cfg);
	if (!conn) {
		return NULL;
	}
	vt_input_init_mem(&conn->in, data, size);
	return conn;
}

void
vt_conn_destroy(struct vt_conn *conn)
{
	if (!conn) {
		return;
	}
	/* Contexts and resources hold backend objects: they go before the backend. */
	vr_device_destroy(conn->dev);
	if (conn->backend) {
		conn->backend->impl->destroy(conn->backend);
	}
	/* After the device: releasing its resources returns pages to the pool. */
	vt_shm_pool_destroy(conn->pool);
	free(conn->submit_buf);
	free(conn->xfer_buf);
	free(conn->in_buf);
	free(conn);
}
