/*
 * pvgpu guest driver — the vtest winsys: connection, handshake, caps, submits
 * and fences (virgl-wire.md §1). Resources live in gd_vtest_res.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gd_vtest_priv.h"
#include "vgp_virgl_format.h"
#include "vgp_vtest.h"

/* Environment variable naming the server socket when the caller gives none. */
#define GD_VTEST_SOCKET_ENV "PVGPU_VTEST_SOCKET"
/* pvgpu-vtest accepts names up to 1 KiB; a renderer name only labels logs. */
#define GD_VTEST_MAX_NAME 1023u
/* Caps replies larger than this are not caps: v2 is 1376 bytes today and Mesa
 * allows it to grow, so leave room without letting a server make us read forever. */
#define GD_VTEST_MAX_CAPS_BYTES (64u << 10)
/* One submit is one SUBMIT_CMD; pvgpu-vtest takes up to 1 Mi dwords. */
#define GD_VTEST_MAX_SUBMIT_DWORDS (1u << 20)
/* Polling interval bounds of a fence wait with a finite timeout. */
#define GD_VTEST_POLL_MIN_NS 20000ll
#define GD_VTEST_POLL_MAX_NS 2000000ll

static void
vtest_destroy(struct gd_winsys *ws)
{
	struct gd_vtest *vt = gd_vtest(ws);
	gd_vtest_resource_release_all(vt);
	if (vt->fd >= 0) {
		close(vt->fd); /* the server frees our context and resources */
	}
	free(vt);
}

static int
vtest_get_caps(struct gd_winsys *ws, uint32_t version, struct vgp_caps_v2 *caps)
{
	struct gd_vtest *vt = gd_vtest(ws);
	memset(caps, 0, sizeof(*caps));
	if (version != 1 && version != 2) {
		return -ENOTSUP;
	}
	if (ws->status) {
		return ws->status;
	}
	int ret = gd_vtest_send_cmd(vt, 0, version == 2 ? VCMD_GET_CAPS2 : VCMD_GET_CAPS, NULL, 0);
	uint32_t hdr[VTEST_HDR_SIZE];
	if (!ret) {
		ret = gd_vtest_recv(vt, hdr, sizeof(hdr));
	}
	if (ret) {
		return ret;
	}
	/* Quirks (virgl-wire.md §1.2): the length counts bytes + 1 and the id field
	 * carries the capset number instead of the request id. Every capset starts
	 * with the whole v1 struct. */
	uint32_t bytes = hdr[VTEST_CMD_LEN] - 1;
	if (hdr[VTEST_CMD_ID] != version || hdr[VTEST_CMD_LEN] == 0 ||
	    bytes < sizeof(struct vgp_caps_v1) || bytes > GD_VTEST_MAX_CAPS_BYTES) {
		return gd_vtest_malformed(vt);
	}
	size_t want = version == 2 ? sizeof(*caps) : sizeof(caps->v1);
	size_t take = bytes < want ? bytes : want;
	ret = gd_vtest_recv(vt, caps, take);
	if (!ret) {
		ret = gd_vtest_skip(vt, bytes - take);
	}
	if (ret) {
		memset(caps, 0, sizeof(*caps));
	}
	return ret;
}

static int
vtest_submit(struct gd_winsys *ws, const uint32_t *dw, uint32_t ndw, struct gd_ws_res *const *refs,
	     uint32_t nrefs, uint64_t *fence)
{
	struct gd_vtest *vt = gd_vtest(ws);
	if (ws->status) {
		return ws->status;
	}
	if (ndw > GD_VTEST_MAX_SUBMIT_DWORDS) {
		return -EINVAL;
	}
	if (ndw) {
		int ret = gd_vtest_send_cmd(vt, ndw, VCMD_SUBMIT_CMD, dw, ndw);
		if (ret) {
			return ret;
		}
		vt->submitted++;
	}
	if (fence) {
		*fence = vt->submitted;
	}
	return 0;
}

/* The resource fence waits name: Mesa uses an 8-byte CUSTOM buffer per fence; one
 * is enough for us because the server ignores the handle (virgl-wire.md §1.7). */
static int
fence_handle(struct gd_vtest *vt, uint32_t *handle)
{
	if (!vt->fence_handle) {
		struct gd_resource_desc desc = {
			.target = PIPE_BUFFER,
			.format = VIRGL_FORMAT_R8_UNORM,
			.bind = VIRGL_BIND_CUSTOM,
			.width = 8,
			.height = 1,
			.depth = 1,
			.array_size = 1,
		};
		struct gd_ws_res *res;
		int ret = gd_vtest_resource_create(&vt->base, &desc, 0, &res);
		if (ret) {
			return ret;
		}
		vt->fence_handle = res->handle;
	}
	*handle = vt->fence_handle;
	return 0;
}

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int
vtest_fence_wait(struct gd_winsys *ws, uint64_t fence, int64_t timeout_ns)
{
	struct gd_vtest *vt = gd_vtest(ws);
	if (ws->status) {
		return ws->status;
	}
	if (fence > vt->submitted) {
		return -EINVAL; /* not a fence this winsys handed out */
	}
	if (fence <= vt->completed) {
		return 0;
	}
	uint32_t handle;
	int ret = fence_handle(vt, &handle);
	if (ret) {
		return ret;
	}
	bool busy;
	if (timeout_ns < 0) {
		return gd_vtest_busy_wait(vt, handle, true, &busy);
	}
	/* A waiting BUSY_WAIT cannot be interrupted, so a bounded wait polls. */
	int64_t deadline = now_ns() + timeout_ns;
	int64_t pause = GD_VTEST_POLL_MIN_NS;
	for (;;) {
		ret = gd_vtest_busy_wait(vt, handle, false, &busy);
		if (ret || !busy) {
			return ret;
		}
		int64_t left = deadline - now_ns();
		if (left <= 0) {
			return -ETIMEDOUT;
		}
		int64_t ns = pause < left ? pause : left;
		struct timespec ts = {.tv_sec = ns / 1000000000ll, .tv_nsec = ns % 1000000000ll};
		nanosleep(&ts, NULL);
		pause = pause * 2 < GD_VTEST_POLL_MAX_NS ? pause * 2 : GD_VTEST_POLL_MAX_NS;
	}
}

static int
vtest_resource_busy(struct gd_winsys *ws, struct gd_ws_res *res, bool wait, bool *busy)
{
	struct gd_vtest *vt = gd_vtest(ws);
	*busy = false;
	if (ws->status) {
		return ws->status;
	}
	return gd_vtest_busy_wait(vt, res->handle, wait, busy);
}

static const struct gd_winsys_impl vtest_impl = {
	.name = "vtest",
	.destroy = vtest_destroy,
	.get_caps = vtest_get_caps,
	.resource_create = gd_vtest_resource_create,
	.resource_destroy = gd_vtest_resource_destroy,
	.transfer = gd_vtest_transfer,
	.submit = vtest_submit,
	.fence_wait = vtest_fence_wait,
	.resource_busy = vtest_resource_busy,
};

static int
connect_socket(const char *path, int *out)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(addr.sun_path)) {
		return -EINVAL;
	}
	memcpy(addr.sun_path, path, len + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return errno == ENOMEM || errno == ENOBUFS ? -ENOMEM : -ENOTCONN;
	}
	int r;
	do {
		r = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		close(fd);
		return -ENOTCONN; /* no server there (ENOENT, ECONNREFUSED, ...) */
	}
	*out = fd;
	return 0;
}

/*
 * Handshake as Mesa does it (virgl-wire.md §1.4): CREATE_RENDERER, then PING
 * with a handle-0 BUSY_WAIT right behind it. A server that knows PING answers
 * [0, PING] first; one that does not answers only the busy-wait and speaks v0,
 * which lacks the shared memory this winsys needs.
 */
static int
handshake(struct gd_vtest *vt, const char *name)
{
	size_t len = strlen(name) + 1;
	struct iovec iov[2];
	uint32_t hdr[VTEST_HDR_SIZE] = {(uint32_t)len, VCMD_CREATE_RENDERER};
	iov[0] = (struct iovec){.iov_base = hdr, .iov_len = sizeof(hdr)};
	iov[1] = (struct iovec){.iov_base = (void *)name, .iov_len = len};
	int ret = gd_vtest_send(vt, iov, 2);
	/* PING, then BUSY_WAIT(handle 0, flags 0): the last two dwords are its payload. */
	uint32_t msg[2 * VTEST_HDR_SIZE + VCMD_BUSY_WAIT_SIZE] = {
		0, VCMD_PING_PROTOCOL_VERSION, VCMD_BUSY_WAIT_SIZE, VCMD_RESOURCE_BUSY_WAIT, 0, 0,
	};
	if (!ret) {
		iov[0] = (struct iovec){.iov_base = msg, .iov_len = sizeof(msg)};
		ret = gd_vtest_send(vt, iov, 1);
	}
	uint32_t reply[VTEST_HDR_SIZE];
	if (!ret) {
		ret = gd_vtest_recv(vt, reply, sizeof(reply));
	}
	if (ret) {
		return ret;
	}
	if (reply[VTEST_CMD_ID] == VCMD_RESOURCE_BUSY_WAIT && reply[VTEST_CMD_LEN] == 1) {
		return -ENOTSUP; /* a v0 server: no PING, no shared memory */
	}
	if (reply[VTEST_CMD_ID] != VCMD_PING_PROTOCOL_VERSION || reply[VTEST_CMD_LEN] != 0) {
		return gd_vtest_malformed(vt);
	}
	uint32_t busy;
	ret = gd_vtest_recv_dword(vt, VCMD_RESOURCE_BUSY_WAIT, &busy);
	uint32_t want = 2;
	if (!ret) {
		ret = gd_vtest_send_cmd(vt, VCMD_PROTOCOL_VERSION_SIZE, VCMD_PROTOCOL_VERSION,
					&want, VCMD_PROTOCOL_VERSION_SIZE);
	}
	if (!ret) {
		ret = gd_vtest_recv_dword(vt, VCMD_PROTOCOL_VERSION, &vt->version);
	}
	if (ret) {
		return ret;
	}
	if (vt->version > want) {
		return gd_vtest_malformed(vt); /* servers answer min(ours, theirs) */
	}
	/* v0 (or v1, which servers turn into 0) moves pixels inline; we only do v2. */
	return vt->version == want ? 0 : -ENOTSUP;
}

int
gd_winsys_vtest_create(const char *socket_path, const char *name, struct gd_winsys **out)
{
	*out = NULL;
	if (!socket_path) {
		const char *env = getenv(GD_VTEST_SOCKET_ENV);
		socket_path = env && *env ? env : VTEST_DEFAULT_SOCKET_NAME;
	}
	if (!name || !*name) {
		name = "pvgpu-guest";
	}
	if (strlen(name) > GD_VTEST_MAX_NAME) {
		return -EINVAL;
	}
	struct gd_vtest *vt = calloc(1, sizeof(*vt));
	if (!vt) {
		return -ENOMEM;
	}
	vt->base.impl = &vtest_impl;
	vt->live.next = vt->live.prev = &vt->live;
	vt->next_handle = 1; /* 0 is never a resource */
	int ret = connect_socket(socket_path, &vt->fd);
	if (ret) {
		free(vt);
		return ret;
	}
	ret = handshake(vt, name);
	if (ret) {
		vtest_destroy(&vt->base);
		return ret;
	}
	*out = &vt->base;
	return 0;
}
