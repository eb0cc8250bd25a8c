/* pvgpu guest driver — vtest winsys socket I/O (see gd_vtest_priv.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gd_vtest_priv.h"
#include "vgp_vtest.h"

int
gd_vtest_lost(struct gd_vtest *vt)
{
	if (vt->fd >= 0) {
		/* Keep the descriptor (closed by destroy) but stop all traffic on it. */
		shutdown(vt->fd, SHUT_RDWR);
	}
	vt->base.status = -ENOTCONN;
	return -ENOTCONN;
}

int
gd_vtest_malformed(struct gd_vtest *vt)
{
	gd_vtest_lost(vt);
	return -EPROTO;
}

int
gd_vtest_send(struct gd_vtest *vt, const struct iovec *iov_in, int n)
{
	if (vt->base.status) {
		return vt->base.status;
	}
	struct iovec iov[4];
	if (n <= 0 || n > 4) {
		return -EINVAL;
	}
	memcpy(iov, iov_in, (size_t)n * sizeof(*iov));
	struct iovec *cur = iov;
	while (n) {
		struct msghdr msg = {.msg_iov = cur, .msg_iovlen = (size_t)n};
		/* MSG_NOSIGNAL: a server that went away must not kill the guest with SIGPIPE. */
		ssize_t w = sendmsg(vt->fd, &msg, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return gd_vtest_lost(vt);
		}
		size_t done = (size_t)w;
		while (n && done >= cur->iov_len) {
			done -= cur->iov_len;
			cur++;
			n--;
		}
		if (n) {
			cur->iov_base = (uint8_t *)cur->iov_base + done;
			cur->iov_len -= done;
		}
	}
	return 0;
}

int
gd_vtest_send_cmd(struct gd_vtest *vt, uint32_t len, uint32_t id, const uint32_t *payload,
		  uint32_t ndw)
{
	uint32_t hdr[VTEST_HDR_SIZE] = {len, id};
	struct iovec iov[2] = {
		{.iov_base = hdr, .iov_len = sizeof(hdr)},
		{.iov_base = (void *)payload, .iov_len = (size_t)ndw * sizeof(uint32_t)},
	};
	return gd_vtest_send(vt, iov, ndw ? 2 : 1);
}

int
gd_vtest_recv(struct gd_vtest *vt, void *buf, size_t size)
{
	if (vt->base.status) {
		return vt->base.status;
	}
	uint8_t *p = buf;
	while (size) {
		ssize_t r = recv(vt->fd, p, size, 0);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return gd_vtest_lost(vt);
		}
		p += r;
		size -= (size_t)r;
	}
	return 0;
}

int
gd_vtest_skip(struct gd_vtest *vt, size_t size)
{
	uint8_t junk[512];
	while (size) {
		size_t n = size < sizeof(junk) ? size : sizeof(junk);
		int ret = gd_vtest_recv(vt, junk, n);
		if (ret) {
			return ret;
		}
		size -= n;
	}
	return 0;
}

/* Closes every descriptor an SCM_RIGHTS message brought in. */
static void
close_fds(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			continue;
		}
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

int
gd_vtest_recv_fd(struct gd_vtest *vt, int *out)
{
	*out = -1;
	if (vt->base.status) {
		return vt->base.status;
	}
	uint8_t byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	/* Room for a few descriptors so a misbehaving server's extras are closed, not leaked. */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctrl;
	memset(&ctrl, 0, sizeof(ctrl));
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctrl.buf,
		.msg_controllen = sizeof(ctrl.buf),
	};
	ssize_t r;
	do {
		r = recvmsg(vt->fd, &msg, MSG_CMSG_CLOEXEC);
	} while (r < 0 && errno == EINTR);
	if (r <= 0) {
		return gd_vtest_lost(vt);
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	/* Exactly one data byte carrying exactly one fd (virgl-wire.md §1.2). */
	bool one_fd = c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		      c->cmsg_len == CMSG_LEN(sizeof(int)) && !CMSG_NXTHDR(&msg, c) &&
		      !(msg.msg_flags & MSG_CTRUNC);
	if (!one_fd) {
		close_fds(&msg);
		return gd_vtest_malformed(vt);
	}
	memcpy(out, CMSG_DATA(c), sizeof(int));
	return 0;
}

int
gd_vtest_recv_dword(struct gd_vtest *vt, uint32_t id, uint32_t *value)
{
	uint32_t msg[3];
	int ret = gd_vtest_recv(vt, msg, sizeof(uint32_t) * VTEST_HDR_SIZE);
	if (ret) {
		return ret;
	}
	if (msg[VTEST_CMD_LEN] != 1 || msg[VTEST_CMD_ID] != id) {
		return gd_vtest_malformed(vt);
	}
	ret = gd_vtest_recv(vt, &msg[2], sizeof(uint32_t));
	if (ret) {
		return ret;
	}
	*value = msg[2];
	return 0;
}
