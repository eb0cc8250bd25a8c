/* pvgpu qemu-glue — vhost-user framing and per-request size validation. */
#include "vug_msg.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

bool
vug_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
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

bool
vug_write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t r = send(fd, p, len, MSG_NOSIGNAL);
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

void
vug_msg_close_fds(struct vug_msg *msg)
{
	for (unsigned i = 0; i < msg->nfds; i++) {
		if (msg->fds[i] >= 0) {
			close(msg->fds[i]);
		}
	}
	msg->nfds = 0;
}

int
vug_msg_read(int fd, struct vug_msg *msg)
{
	msg->nfds = 0;
	/* Room for one fd more than allowed, so a sender exceeding the limit is
	 * seen (and its fds closed) rather than silently truncated. */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * (VHOST_USER_MAX_FDS + 1))];
	} ctl;
	struct iovec iov = {.iov_base = &msg->hdr, .iov_len = sizeof(msg->hdr)};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t r;
	do {
		r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		return -ECONNRESET;
	}
	if (r < 0) {
		return -errno;
	}
	bool too_many = mh.msg_flags & MSG_CTRUNC;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			continue;
		}
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		const uint8_t *data = CMSG_DATA(c);
		for (size_t i = 0; i < n; i++) {
			int f;
			memcpy(&f, data + i * sizeof(int), sizeof(int));
			if (msg->nfds < VHOST_USER_MAX_FDS) {
				msg->fds[msg->nfds++] = f;
			} else {
				close(f);
				too_many = true;
			}
		}
	}
	if ((size_t)r != sizeof(msg->hdr)) {
		if (!vug_read_full(fd, (uint8_t *)&msg->hdr + r, sizeof(msg->hdr) - (size_t)r)) {
			vug_msg_close_fds(msg);
			return -ECONNRESET;
		}
	}
	if (too_many || msg->hdr.size > VUG_MSG_MAX_PAYLOAD) {
		vug_msg_close_fds(msg);
		return -EPROTO;
	}
	if (msg->hdr.size && !vug_read_full(fd, msg->payload.bytes, msg->hdr.size)) {
		vug_msg_close_fds(msg);
		return -ECONNRESET;
	}
	return 0;
}

/* Expected payload size (exact unless noted) and fd counts per request. */
struct rule {
	bool known;
	uint16_t size;
	uint8_t min_fds, max_fds;
	bool variable; /* checked by hand below */
};

static const struct rule rules[VHOST_USER_REQUEST_MAX] = {
	[VHOST_USER_GET_FEATURES] = {true, 0, 0, 0, false},
	[VHOST_USER_SET_FEATURES] = {true, 8, 0, 0, false},
	[VHOST_USER_SET_OWNER] = {true, 0, 0, 0, false},
	[VHOST_USER_RESET_OWNER] = {true, 0, 0, 0, false},
	[VHOST_USER_SET_MEM_TABLE] = {true, 0, 0, VHOST_USER_MEM_BASELINE_NREGIONS, true},
	[VHOST_USER_SET_VRING_NUM] = {true, 8, 0, 0, false},
	[VHOST_USER_SET_VRING_ADDR] = {true, 40, 0, 0, false},
	[VHOST_USER_SET_VRING_BASE] = {true, 8, 0, 0, false},
	[VHOST_USER_GET_VRING_BASE] = {true, 8, 0, 0, false},
	[VHOST_USER_SET_VRING_KICK] = {true, 8, 0, 1, false},
	[VHOST_USER_SET_VRING_CALL] = {true, 8, 0, 1, false},
	[VHOST_USER_SET_VRING_ERR] = {true, 8, 0, 1, false},
	[VHOST_USER_GET_PROTOCOL_FEATURES] = {true, 0, 0, 0, false},
	[VHOST_USER_SET_PROTOCOL_FEATURES] = {true, 8, 0, 0, false},
	[VHOST_USER_GET_QUEUE_NUM] = {true, 0, 0, 0, false},
	[VHOST_USER_SET_VRING_ENABLE] = {true, 8, 0, 0, false},
	[VHOST_USER_SET_BACKEND_REQ_FD] = {true, 0, 1, 1, false},
	[VHOST_USER_GET_CONFIG] = {true, 0, 0, 0, true},
	[VHOST_USER_SET_CONFIG] = {true, 0, 0, 0, true},
	[VHOST_USER_GPU_SET_SOCKET] = {true, 0, 1, 1, false},
	[VHOST_USER_GET_MAX_MEM_SLOTS] = {true, 0, 0, 0, false},
	[VHOST_USER_ADD_MEM_REG] = {true, 40, 1, 1, false},
	[VHOST_USER_REM_MEM_REG] = {true, 40, 0, 1, false},
};

bool
vug_msg_known(uint32_t request)
{
	return request < VHOST_USER_REQUEST_MAX && rules[request].known;
}

const char *
vug_msg_check(const struct vug_msg *msg)
{
	const struct vhost_user_hdr *h = &msg->hdr;
	if ((h->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION) {
		return "bad protocol version";
	}
	if (h->flags & VHOST_USER_REPLY_MASK) {
		return "reply flag on a request";
	}
	if (!vug_msg_known(h->request)) {
		return "unknown request";
	}
	const struct rule *r = &rules[h->request];
	if (msg->nfds < r->min_fds || msg->nfds > r->max_fds) {
		return "wrong number of file descriptors";
	}
	switch (h->request) {
	case VHOST_USER_SET_MEM_TABLE: {
		if (h->size < sizeof(struct vhost_user_mem_table_hdr)) {
			return "memory table too short";
		}
		uint32_t n = msg->payload.mem_table.nregions;
		if (n == 0 || n > VHOST_USER_MEM_BASELINE_NREGIONS) {
			return "bad memory region count";
		}
		/* QEMU sends exactly nregions entries; some front ends pad to 8. */
		uint32_t need = sizeof(struct vhost_user_mem_table_hdr) +
				n * (uint32_t)sizeof(struct vhost_user_mem_region);
		uint32_t full = sizeof(struct vhost_user_mem_table_hdr) +
				VHOST_USER_MEM_BASELINE_NREGIONS *
					(uint32_t)sizeof(struct vhost_user_mem_region);
		if (h->size != need && h->size != full) {
			return "memory table size does not match its region count";
		}
		if (msg->nfds != n) {
			return "memory table needs one fd per region";
		}
		return NULL;
	}
	case VHOST_USER_GET_CONFIG:
	case VHOST_USER_SET_CONFIG:
		if (h->size < sizeof(struct vhost_user_config_hdr)) {
			return "config message too short";
		}
		if (msg->payload.config.size > VHOST_USER_MAX_CONFIG_SIZE ||
		    h->size != sizeof(struct vhost_user_config_hdr) + msg->payload.config.size) {
			return "config size does not match the message";
		}
		return NULL;
	default:
		if (h->size != r->size) {
			return "payload size does not match the request";
		}
		return NULL;
	}
}

bool
vug_msg_send(int fd, uint32_t request, uint32_t flags, const void *payload, uint32_t size,
	     const int *fds, unsigned nfds)
{
	struct vhost_user_hdr h = {.request = request, .flags = flags, .size = size};
	struct iovec iov[2] = {
		{.iov_base = &h, .iov_len = sizeof(h)},
		{.iov_base = (void *)payload, .iov_len = size},
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
	} ctl;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = size ? 2 : 1};
	if (nfds) {
		if (nfds > VHOST_USER_MAX_FDS) {
			return false;
		}
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	ssize_t r;
	do {
		r = sendmsg(fd, &mh, MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		return false;
	}
	size_t total = sizeof(h) + size;
	if ((size_t)r == total) {
		return true;
	}
	/* A large payload may go out in pieces; the fds went with the first. */
	size_t done = (size_t)r;
	if (done < sizeof(h)) {
		if (!vug_write_full(fd, (uint8_t *)&h + done, sizeof(h) - done)) {
			return false;
		}
		done = sizeof(h);
	}
	return vug_write_full(fd, (const uint8_t *)payload + (done - sizeof(h)), total - done);
}
