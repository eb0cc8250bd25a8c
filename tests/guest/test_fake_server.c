/*
 * pvgpu tests — a minimal vtest server that breaks the protocol on purpose
 * (see enum fake_mode), to check the winsys reports -EPROTO / -ENOTCONN and
 * never crashes or hangs.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "test_guest.h"
#include "vgp_caps.h"
#include "vgp_sock.h"
#include "vgp_vtest.h"

static bool
get(int fd, void *data, size_t len)
{
	uint8_t *p = data;
	while (len) {
		ssize_t r = read(fd, p, len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return false;
		}
		p += r;
		len -= (size_t)r;
	}
	return true;
}

static bool
reply3(int fd, uint32_t len, uint32_t id, uint32_t value)
{
	uint32_t m[3] = {len, id, value};
	return vgp_send_all(fd, m, sizeof(m));
}

/* One data byte carrying `payload_fd` (-1: the byte alone, no descriptor). */
static bool
send_fd(int fd, int payload_fd)
{
	uint8_t byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctrl;
	memset(&ctrl, 0, sizeof(ctrl));
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (payload_fd >= 0) {
		msg.msg_control = ctrl.buf;
		msg.msg_controllen = sizeof(ctrl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &payload_fd, sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL) == 1;
}

static bool
answer_caps(int fd, uint32_t capset, enum fake_mode mode)
{
	struct vgp_caps_v2 caps;
	memset(&caps, 0, sizeof(caps));
	caps.v1.max_version = capset;
	caps.v1.glsl_level = 330;
	uint32_t size = capset == 2 ? sizeof(caps) : sizeof(caps.v1);
	uint32_t hdr[2] = {size + 1, capset};
	switch (mode) {
	case FAKE_CAPS_LEN_ZERO:
		hdr[0] = 0;
		break;
	case FAKE_CAPS_LEN_HUGE:
		hdr[0] = 1u << 30;
		break;
	case FAKE_CAPS_LEN_SHORT:
		hdr[0] = 101;
		size = 100;
		break;
	case FAKE_CAPS_BAD_ID:
		hdr[1] = capset == 2 ? VCMD_GET_CAPS2 : VCMD_GET_CAPS;
		break;
	case FAKE_CAPS_TRUNCATED:
		vgp_send_all(fd, hdr, sizeof(hdr));
		vgp_send_all(fd, &caps, size / 2);
		return false; /* hang up mid-reply */
	default:
		break;
	}
	return vgp_send_all(fd, hdr, sizeof(hdr)) && vgp_send_all(fd, &caps, size);
}

static bool
answer_create2(int fd, const uint32_t *p, enum fake_mode mode)
{
	uint32_t size = p[VCMD_RES_CREATE2_DATA_SIZE];
	if (!size) {
		return true;
	}
	if (mode == FAKE_NO_FD) {
		return send_fd(fd, -1);
	}
	int mfd = memfd_create("fake-res", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, mode == FAKE_SMALL_FD ? 16 : size) < 0) {
		return false;
	}
	bool ok = send_fd(fd, mfd);
	close(mfd);
	return ok;
}

static bool
answer_busy(int fd, enum fake_mode mode)
{
	if (mode == FAKE_BUSY_BAD_LENGTH) {
		uint32_t m[4] = {2, VCMD_RESOURCE_BUSY_WAIT, 0, 0};
		return vgp_send_all(fd, m, sizeof(m));
	}
	return reply3(fd, 1, VCMD_RESOURCE_BUSY_WAIT, mode == FAKE_BUSY_BAD_VALUE ? 5 : 0);
}

static bool
answer_version(int fd, enum fake_mode mode)
{
	switch (mode) {
	case FAKE_VERSION_0:
		return reply3(fd, 1, VCMD_PROTOCOL_VERSION, 0);
	case FAKE_VERSION_3:
		return reply3(fd, 1, VCMD_PROTOCOL_VERSION, 3);
	case FAKE_VERSION_BAD_ID:
		return reply3(fd, 1, VCMD_RESOURCE_BUSY_WAIT, 2);
	default:
		return reply3(fd, 1, VCMD_PROTOCOL_VERSION, 2);
	}
}

/* Reads one command and answers it; false ends the session. */
static bool
serve_one(int fd, enum fake_mode mode, bool *handshake_busy)
{
	uint32_t hdr[2];
	if (!get(fd, hdr, sizeof(hdr))) {
		return false;
	}
	uint32_t len = hdr[0], id = hdr[1];
	/* Payload bytes per command (virgl-wire.md §1.2): most have a fixed size. */
	size_t bytes;
	switch (id) {
	case VCMD_CREATE_RENDERER:
		bytes = len;
		break;
	case VCMD_SUBMIT_CMD:
		bytes = (size_t)len * 4;
		break;
	case VCMD_TRANSFER_GET2:
	case VCMD_TRANSFER_PUT2:
		bytes = VCMD_TRANSFER2_HDR_SIZE * 4;
		break;
	case VCMD_RESOURCE_CREATE2:
		bytes = VCMD_RES_CREATE2_SIZE * 4;
		break;
	default:
		bytes = (size_t)len * 4;
		break;
	}
	uint32_t payload[4096]; /* the tests send only small commands */
	if (bytes > sizeof(payload) || !get(fd, payload, bytes)) {
		return false;
	}
	switch (id) {
	case VCMD_PING_PROTOCOL_VERSION:
		*handshake_busy = true;
		if (mode == FAKE_V0_SERVER) {
			return true; /* an old server does not know PING and stays silent */
		}
		uint32_t pong[2] = {0, VCMD_PING_PROTOCOL_VERSION};
		return vgp_send_all(fd, pong, sizeof(pong));
	case VCMD_RESOURCE_BUSY_WAIT:
		if (*handshake_busy) {
			/* The handshake's busy-wait is answered plainly in every mode. */
			*handshake_busy = false;
			return reply3(fd, 1, VCMD_RESOURCE_BUSY_WAIT, 0);
		}
		return answer_busy(fd, mode);
	case VCMD_PROTOCOL_VERSION:
		return answer_version(fd, mode);
	case VCMD_GET_CAPS:
		return answer_caps(fd, 1, mode);
	case VCMD_GET_CAPS2:
		return answer_caps(fd, 2, mode);
	case VCMD_RESOURCE_CREATE2:
		return answer_create2(fd, payload, mode);
	default:
		return true;
	}
}

pid_t
fake_server_start(const char *path, enum fake_mode mode)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	unlink(path);
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0) {
		perror("fake server");
		exit(1);
	}
	pid_t pid = fork();
	if (pid != 0) {
		close(ls);
		return pid;
	}
	int fd = accept(ls, NULL, NULL);
	bool handshake_busy = false;
	while (fd >= 0 && serve_one(fd, mode, &handshake_busy)) {
	}
	_exit(0);
}
