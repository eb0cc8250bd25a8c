/* pvgpu display — protocol framing and validation (see dpy_proto.h). */
#include "dpy_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 4 /* room to notice (and close) fds beyond the one allowed */

bool
dpy_proto_send(int sock, uint32_t type, const void *a, size_t alen, const void *b, size_t blen,
	       int fd)
{
	if (alen + blen > DPY_PROTO_MAX_PAYLOAD) {
		return false;
	}
	struct dpy_msg_hdr h = {.type = type, .size = (uint32_t)(alen + blen)};
	struct iovec iov[3] = {
		{&h, sizeof(h)},
		{(void *)a, alen},
		{(void *)b, blen},
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 3};
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n;
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)(sizeof(h) + alen + blen);
}

void
dpy_proto_msg_finish(struct dpy_msg *m)
{
	if (m->fd >= 0) {
		close(m->fd);
	}
	m->fd = -1;
}

int
dpy_proto_recv(int sock, struct dpy_msg *m)
{
	m->fd = -1;
	union {
		char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov[2] = {
		{&m->hdr, sizeof(m->hdr)},
		{m->payload, sizeof(m->payload)},
	};
	struct msghdr mh = {
		.msg_iov = iov,
		.msg_iovlen = 2,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* Nothing was received: no control data to look at. */
		return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
	}
	unsigned nfds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			continue;
		}
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (nfds++ == 0) {
				m->fd = fd;
			} else {
				close(fd);
			}
		}
	}
	if (n == 0 && nfds == 0) {
		return 0;
	}
	if (nfds > 1 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (size_t)n < sizeof(m->hdr) ||
	    m->hdr.size != (size_t)n - sizeof(m->hdr)) {
		dpy_proto_msg_finish(m);
		return -1;
	}
	return 1;
}

/* ------------------------------------------------------------ validation */

static bool
name_ok(const char *name, size_t cap)
{
	size_t len = strnlen(name, cap);
	if (len == 0 || len == cap) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
		if (!ok) {
			return false;
		}
	}
	return true;
}

static const char *
check_hello(const struct dpy_msg *m)
{
	struct dpy_msg_hello h;
	if (m->hdr.type != DPY_MSG_HELLO) {
		return "the first message must be HELLO";
	}
	if (m->hdr.size != sizeof(h) || m->fd >= 0) {
		return "HELLO: wrong size or an fd";
	}
	memcpy(&h, m->payload, sizeof(h));
	if (h.magic != DPY_PROTO_MAGIC || h.version != DPY_PROTO_VERSION || h.flags) {
		return "HELLO: wrong magic, version or flags";
	}
	if (h.kind == DPY_CLIENT_CTL) {
		return h.num_scanouts ? "HELLO: a control client has no scanouts" : NULL;
	}
	if (h.kind != DPY_CLIENT_VM) {
		return "HELLO: unknown client kind";
	}
	if (!h.num_scanouts || h.num_scanouts > 16) {
		return "HELLO: scanout count out of range";
	}
	return name_ok(h.name, sizeof(h.name)) ? NULL : "HELLO: bad VM name";
}

static const char *
check_frame(const struct dpy_msg *m, uint32_t num_scanouts)
{
	struct dpy_msg_frame f;
	if (m->hdr.size != sizeof(f)) {
		return "FRAME: wrong size";
	}
	memcpy(&f, m->payload, sizeof(f));
	if (f.scanout >= num_scanouts || f.flags) {
		return "FRAME: bad scanout or flags";
	}
	if (!f.width && !f.height) {
		return m->fd >= 0 ? "FRAME: a disabled scanout takes no fd" : NULL;
	}
	if (m->fd < 0) {
		return "FRAME: no memory fd";
	}
	if (!f.width || !f.height || f.width > DPY_MAX_DIM || f.height > DPY_MAX_DIM ||
	    !dpy_format_shown(f.format)) {
		return "FRAME: bad size or format";
	}
	if (f.stride < (uint64_t)f.width * 4 || f.stride > DPY_MAX_DIM * 4u * 2) {
		return "FRAME: bad stride";
	}
	/* All of it in 64 bits: no term can wrap. */
	uint64_t end = f.offset + (uint64_t)f.stride * (f.height - 1) + (uint64_t)f.width * 4;
	if (f.offset > DPY_PROTO_MAX_FRAME_BYTES || end > DPY_PROTO_MAX_FRAME_BYTES) {
		return "FRAME: too large";
	}
	return NULL;
}

static const char *
check_damage(const struct dpy_msg *m, uint32_t num_scanouts)
{
	struct dpy_msg_damage d;
	if (m->hdr.size < sizeof(d) || m->fd >= 0) {
		return "DAMAGE: too short or an fd";
	}
	memcpy(&d, m->payload, sizeof(d));
	if (d.scanout >= num_scanouts || d.count > DPY_PROTO_MAX_DAMAGE ||
	    m->hdr.size != sizeof(d) + d.count * sizeof(struct dpy_msg_rect)) {
		return "DAMAGE: bad scanout or rectangle count";
	}
	for (uint32_t i = 0; i < d.count; i++) {
		struct dpy_msg_rect r;
		memcpy(&r, m->payload + sizeof(d) + i * sizeof(r), sizeof(r));
		if ((uint64_t)r.x + r.width > DPY_MAX_DIM ||
		    (uint64_t)r.y + r.height > DPY_MAX_DIM) {
			return "DAMAGE: rectangle out of range";
		}
	}
	return NULL;
}

static const char *
check_cursor(const struct dpy_msg *m, uint32_t num_scanouts)
{
	struct dpy_msg_cursor c;
	if (m->hdr.size < sizeof(c) || m->fd >= 0) {
		return "CURSOR: too short or an fd";
	}
	memcpy(&c, m->payload, sizeof(c));
	size_t image = (c.flags & DPY_CURSOR_IMAGE)
			       ? DPY_PROTO_CURSOR_SIZE * DPY_PROTO_CURSOR_SIZE * sizeof(uint32_t)
			       : 0;
	if (c.scanout >= num_scanouts || (c.flags & ~(DPY_CURSOR_VISIBLE | DPY_CURSOR_IMAGE)) ||
	    c.hot_x >= DPY_PROTO_CURSOR_SIZE || c.hot_y >= DPY_PROTO_CURSOR_SIZE ||
	    m->hdr.size != sizeof(c) + image) {
		return "CURSOR: bad scanout, flags, hotspot or size";
	}
	return NULL;
}

static const char *
check_ctl(const struct dpy_msg *m)
{
	struct dpy_msg_ctl_request r;
	if (m->hdr.type != DPY_MSG_CTL_REQUEST) {
		return "a control client sends only CTL_REQUEST";
	}
	if (m->hdr.size < sizeof(r) || m->hdr.size > sizeof(r) + DPY_PROTO_MAX_TEXT) {
		return "CTL_REQUEST: bad size";
	}
	memcpy(&r, m->payload, sizeof(r));
	if (r.flags & ~DPY_CTL_JSON) {
		return "CTL_REQUEST: unknown flags";
	}
	if (memchr(m->payload + sizeof(r), 0, m->hdr.size - sizeof(r))) {
		return "CTL_REQUEST: NUL in the command";
	}
	return NULL;
}

const char *
dpy_proto_check_client(const struct dpy_msg *m, bool hello_done, uint32_t kind,
		       uint32_t num_scanouts)
{
	if (!hello_done) {
		return check_hello(m);
	}
	if (kind == DPY_CLIENT_CTL) {
		return check_ctl(m);
	}
	switch (m->hdr.type) {
	case DPY_MSG_FRAME:
		return check_frame(m, num_scanouts);
	case DPY_MSG_DAMAGE:
		return check_damage(m, num_scanouts);
	case DPY_MSG_CURSOR:
		return check_cursor(m, num_scanouts);
	case DPY_MSG_BYE:
		return m->hdr.size || m->fd >= 0 ? "BYE: a payload or an fd" : NULL;
	default:
		return "unexpected message type";
	}
}

const char *
dpy_proto_check_daemon(const struct dpy_msg *m, uint32_t num_scanouts)
{
	if (m->fd >= 0) {
		return "the daemon sends no fds";
	}
	switch (m->hdr.type) {
	case DPY_MSG_WELCOME: {
		struct dpy_msg_welcome w;
		if (m->hdr.size != sizeof(w)) {
			return "WELCOME: wrong size";
		}
		memcpy(&w, m->payload, sizeof(w));
		return w.version == DPY_PROTO_VERSION ? NULL : "WELCOME: wrong version";
	}
	case DPY_MSG_MODE: {
		struct dpy_msg_mode md;
		if (m->hdr.size < sizeof(md)) {
			return "MODE: too short";
		}
		memcpy(&md, m->payload, sizeof(md));
		if (md.scanout >= num_scanouts || md.enabled > 1 ||
		    md.edid_len > DPY_PROTO_MAX_EDID || m->hdr.size != sizeof(md) + md.edid_len) {
			return "MODE: bad scanout, flag or EDID length";
		}
		if (md.enabled && (!md.width || !md.height || md.width > DPY_MAX_DIM ||
				   md.height > DPY_MAX_DIM)) {
			return "MODE: size out of range";
		}
		return NULL;
	}
	case DPY_MSG_PRESENTED: {
		struct dpy_msg_presented p;
		if (m->hdr.size != sizeof(p)) {
			return "PRESENTED: wrong size";
		}
		memcpy(&p, m->payload, sizeof(p));
		return p.scanout < num_scanouts ? NULL : "PRESENTED: bad scanout";
	}
	case DPY_MSG_CTL_REPLY:
		return m->hdr.size >= sizeof(struct dpy_msg_ctl_reply) ? NULL
								       : "CTL_REPLY: too short";
	default:
		return "unexpected message type";
	}
}
