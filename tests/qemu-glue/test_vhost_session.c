/*
 * pvgpu tests — vhost-user message validation and the session state machine,
 * driven in-process over a socketpair (the test device stands in for the
 * device model): replies, REPLY_ACK, unknown and malformed requests, fds,
 * config space, and the display channel's setup exchange.
 */
#include <linux/virtio_gpu.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vgp_test.h"
#include "vug_msg.h"
#include "vug_session.h"

struct rig {
	int fe; /* the front end's end */
	int epfd;
	struct vug_session *s;
	bool alive;
};

static void
rig_init(struct rig *r)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	r->fe = sv[1];
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	struct vug_session_options o = {.num_scanouts = 1, .edid = true, .stats_fd = -1};
	const char *why = NULL;
	r->s = vug_session_create(sv[0], r->epfd, &o, &why);
	CHECK(r->s != NULL, "session: %s", why ? why : "");
	r->alive = true;
}

static void
rig_finish(struct rig *r)
{
	vug_session_destroy(r->s);
	close(r->epfd);
	close(r->fe);
}

/* Runs the session on whatever is pending; records whether it lives on. */
static void
pump(struct rig *r)
{
	struct epoll_event ev[8];
	int n;
	while (r->alive && (n = epoll_wait(r->epfd, ev, 8, 50)) > 0) {
		for (int i = 0; i < n && r->alive; i++) {
			r->alive = vug_session_dispatch(r->s, ev[i].data.ptr, ev[i].events);
		}
		vug_session_idle(r->s);
	}
}

static void
send_req(struct rig *r, uint32_t req, uint32_t flags, const void *p, uint32_t size, const int *fds,
	 unsigned nfds)
{
	CHECK(vug_msg_send(r->fe, req, VHOST_USER_VERSION | flags, p, size, fds, nfds), "send %u",
	      req);
	pump(r);
}

/* Reads one reply (if any) of request `req`; returns its payload size or -1. */
static int
read_reply(struct rig *r, uint32_t req, void *out, uint32_t cap)
{
	struct pollfd p = {.fd = r->fe, .events = POLLIN};
	struct vhost_user_hdr h;
	if (poll(&p, 1, 200) <= 0 || !(p.revents & POLLIN) ||
	    recv(r->fe, &h, sizeof(h), MSG_DONTWAIT | MSG_PEEK) != (ssize_t)sizeof(h) ||
	    !vug_read_full(r->fe, &h, sizeof(h))) {
		return -1;
	}
	CHECK_EQ_U(h.request, req);
	CHECK(h.flags & VHOST_USER_REPLY_MASK, "reply flag");
	CHECK(h.size <= cap, "reply size %u", h.size);
	if (h.size > cap || !vug_read_full(r->fe, out, h.size)) {
		return -1;
	}
	return (int)h.size;
}

static uint64_t
query(struct rig *r, uint32_t req)
{
	uint64_t v = 0;
	send_req(r, req, 0, NULL, 0, NULL, 0);
	CHECK_EQ_U(read_reply(r, req, &v, sizeof(v)), 8);
	return v;
}

static void
enable_ack(struct rig *r)
{
	uint64_t p = 1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK;
	send_req(r, VHOST_USER_SET_PROTOCOL_FEATURES, 0, &p, 8, NULL, 0);
}

/* Sends with NEED_REPLY and returns the ack value (or 99 when none came). */
static uint64_t
acked(struct rig *r, uint32_t req, const void *p, uint32_t size, const int *fds, unsigned nfds)
{
	uint64_t v = 99;
	send_req(r, req, VHOST_USER_NEED_REPLY_MASK, p, size, fds, nfds);
	read_reply(r, req, &v, sizeof(v));
	return v;
}

static void
test_negotiation(void)
{
	struct rig r;
	rig_init(&r);
	uint64_t f = query(&r, VHOST_USER_GET_FEATURES);
	CHECK(f & (1ull << VIRTIO_F_VERSION_1), "VERSION_1 offered");
	CHECK(f & (1ull << VHOST_USER_F_PROTOCOL_FEATURES), "PROTOCOL_FEATURES offered");
	CHECK(f & (1ull << VIRTIO_RING_F_EVENT_IDX), "EVENT_IDX offered");
	CHECK(f & (1ull << VIRTIO_RING_F_INDIRECT_DESC), "INDIRECT_DESC offered");
	CHECK(f & (1ull << VIRTIO_GPU_F_EDID), "the device's EDID bit passes through");
	uint64_t p = query(&r, VHOST_USER_GET_PROTOCOL_FEATURES);
	CHECK(p & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK), "REPLY_ACK");
	CHECK(p & (1ull << VHOST_USER_PROTOCOL_F_CONFIG), "CONFIG");
	CHECK(p & (1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS), "CONFIGURE_MEM_SLOTS");
	CHECK(p & (1ull << VHOST_USER_PROTOCOL_F_MQ), "MQ");
	enable_ack(&r);
	CHECK_EQ_U(query(&r, VHOST_USER_GET_QUEUE_NUM), 2);
	CHECK(query(&r, VHOST_USER_GET_MAX_MEM_SLOTS) >= 8, "memory slots");
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_OWNER, NULL, 0, NULL, 0), 0);
	/* QEMU 10 acks VIRTIO_F_RING_RESET (bit 40), never offered: tolerated. */
	uint64_t set = f | (1ull << VIRTIO_F_RING_RESET);
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_FEATURES, &set, 8, NULL, 0), 0);
	/* Unknown requests fail (acked non-zero) without ending the session. */
	CHECK(acked(&r, 99, NULL, 0, NULL, 0) != 0, "unknown request acked as failed");
	CHECK(acked(&r, VHOST_USER_SET_LOG_BASE, NULL, 0, NULL, 0) != 0, "unoffered request");
	CHECK(r.alive, "session alive after unknown requests");
	/* Ring parameters are validated. */
	struct vhost_user_vring_state st = {.index = 0, .num = 3};
	CHECK(acked(&r, VHOST_USER_SET_VRING_NUM, &st, 8, NULL, 0) != 0, "size 3");
	st.num = 65536;
	CHECK(acked(&r, VHOST_USER_SET_VRING_NUM, &st, 8, NULL, 0) != 0, "size 65536");
	st = (struct vhost_user_vring_state){.index = 7, .num = 64};
	CHECK(acked(&r, VHOST_USER_SET_VRING_NUM, &st, 8, NULL, 0) != 0, "queue 7");
	st.index = 0;
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_VRING_NUM, &st, 8, NULL, 0), 0);
	st.num = 70000;
	CHECK(acked(&r, VHOST_USER_SET_VRING_BASE, &st, 8, NULL, 0) != 0, "base > 65535");
	struct vhost_user_vring_addr a = {.index = 0, .desc_user_addr = 0x1000};
	CHECK(acked(&r, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) != 0,
	      "ring outside guest memory");
	uint64_t kick = 1 | VHOST_USER_VRING_NOFD_MASK;
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_VRING_CALL, &kick, 8, NULL, 0), 0);
	kick = 9;
	int fd = dup(0);
	CHECK(acked(&r, VHOST_USER_SET_VRING_CALL, &kick, 8, &fd, 1) != 0, "call fd of queue 9");
	close(fd);
	/* GET_VRING_BASE answers with the ring state. */
	st = (struct vhost_user_vring_state){.index = 1};
	send_req(&r, VHOST_USER_GET_VRING_BASE, 0, &st, 8, NULL, 0);
	CHECK_EQ_U(read_reply(&r, VHOST_USER_GET_VRING_BASE, &st, sizeof(st)), 8);
	CHECK_EQ_U(st.index, 1);
	CHECK(r.alive, "session alive");
	rig_finish(&r);
}

static void
test_config(void)
{
	struct rig r;
	rig_init(&r);
	struct {
		struct vhost_user_config_hdr h;
		struct virtio_gpu_config c;
	} __attribute__((packed)) q = {.h = {.offset = 0, .size = sizeof(q.c)}}, got;
	send_req(&r, VHOST_USER_GET_CONFIG, 0, &q, sizeof(q), NULL, 0);
	CHECK_EQ_U(read_reply(&r, VHOST_USER_GET_CONFIG, &got, sizeof(got)), sizeof(got));
	CHECK_EQ_U(got.c.num_scanouts, 1);
	/* Reads past the 16-byte config space come back as zeros. */
	struct {
		struct vhost_user_config_hdr h;
		uint8_t d[8];
	} __attribute__((packed)) q2 = {.h = {.offset = 12, .size = 8}}, got2;
	memset(&got2, 0xee, sizeof(got2));
	send_req(&r, VHOST_USER_GET_CONFIG, 0, &q2, sizeof(q2), NULL, 0);
	CHECK_EQ_U(read_reply(&r, VHOST_USER_GET_CONFIG, &got2, sizeof(got2)), sizeof(got2));
	CHECK(got2.d[4] == 0 && got2.d[7] == 0, "zeros past the end");
	CHECK(r.alive, "alive");
	rig_finish(&r);
}

/* A request that breaks the framing rules ends the session. */
static void
expect_fatal(const char *what, uint32_t req, uint32_t flags, const void *p, uint32_t size,
	     unsigned nfds)
{
	struct rig r;
	rig_init(&r);
	int fds[12];
	for (unsigned i = 0; i < nfds; i++) {
		fds[i] = dup(0);
	}
	struct vhost_user_hdr h = {.request = req, .flags = flags, .size = size};
	if (nfds <= VHOST_USER_MAX_FDS && size <= VUG_MSG_MAX_PAYLOAD) {
		CHECK(vug_msg_send(r.fe, req, flags, p, size, fds, nfds), "%s: send", what);
	} else {
		/* Build it by hand: vug_msg_send refuses such messages itself. */
		union {
			struct cmsghdr a;
			char b[CMSG_SPACE(sizeof(int) * 12)];
		} ctl;
		memset(&ctl, 0, sizeof(ctl));
		struct iovec iov = {.iov_base = &h, .iov_len = sizeof(h)};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
		if (nfds) {
			mh.msg_control = ctl.b;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
		}
		CHECK(sendmsg(r.fe, &mh, 0) == (ssize_t)sizeof(h), "%s: sendmsg", what);
	}
	for (unsigned i = 0; i < nfds; i++) {
		close(fds[i]);
	}
	pump(&r);
	CHECK(!r.alive, "%s: session should end", what);
	rig_finish(&r);
}

static void
test_malformed(void)
{
	uint8_t zeros[64] = {0};
	uint32_t v1 = VHOST_USER_VERSION;
	expect_fatal("short SET_FEATURES", VHOST_USER_SET_FEATURES, v1, zeros, 4, 0);
	expect_fatal("long SET_FEATURES", VHOST_USER_SET_FEATURES, v1, zeros, 16, 0);
	expect_fatal("payload on GET_FEATURES", VHOST_USER_GET_FEATURES, v1, zeros, 8, 0);
	expect_fatal("oversized payload", VHOST_USER_SET_FEATURES, v1, NULL, 1u << 20, 0);
	expect_fatal("nine fds", VHOST_USER_SET_OWNER, v1, NULL, 0, 9);
	expect_fatal("fd on SET_OWNER", VHOST_USER_SET_OWNER, v1, NULL, 0, 1);
	expect_fatal("version 2", VHOST_USER_GET_FEATURES, 2, NULL, 0, 0);
	expect_fatal("reply flag on a request", VHOST_USER_GET_FEATURES, v1 | VHOST_USER_REPLY_MASK,
		     NULL, 0, 0);
	expect_fatal("GPU_SET_SOCKET without fd", VHOST_USER_GPU_SET_SOCKET, v1, NULL, 0, 0);
	expect_fatal("ADD_MEM_REG without fd", VHOST_USER_ADD_MEM_REG, v1, zeros, 40, 0);
	struct vhost_user_mem_table_hdr mt = {.nregions = 2};
	uint8_t table[8 + 64];
	memcpy(table, &mt, sizeof(mt));
	memset(table + 8, 0, 64);
	expect_fatal("memory table with too few fds", VHOST_USER_SET_MEM_TABLE, v1, table, 72, 1);
	expect_fatal("memory table size mismatch", VHOST_USER_SET_MEM_TABLE, v1, table, 40, 2);
	mt.nregions = 9;
	memcpy(table, &mt, sizeof(mt));
	expect_fatal("memory table of 9 regions", VHOST_USER_SET_MEM_TABLE, v1, table, 72, 2);
	struct vhost_user_config_hdr ch = {.offset = 0, .size = 200};
	expect_fatal("config size mismatch", VHOST_USER_GET_CONFIG, v1, &ch, sizeof(ch), 0);
	ch.size = 1000;
	expect_fatal("config larger than 256", VHOST_USER_SET_CONFIG, v1, &ch, sizeof(ch), 0);

	/* Truncated header, then the front end goes away. */
	struct rig r;
	rig_init(&r);
	CHECK(write(r.fe, zeros, 6) == 6, "partial header");
	shutdown(r.fe, SHUT_WR);
	pump(&r);
	CHECK(!r.alive, "truncated header ends the session");
	rig_finish(&r);

	rig_init(&r);
	shutdown(r.fe, SHUT_WR);
	pump(&r);
	CHECK(!r.alive, "disconnect ends the session");
	rig_finish(&r);
}

static bool
display_read(int fd, struct vhost_user_hdr *h, void *p, uint32_t cap)
{
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	return poll(&pf, 1, 200) > 0 && vug_read_full(fd, h, sizeof(*h)) && h->size <= cap &&
	       vug_read_full(fd, p, h->size);
}

static void
test_display_channel(void)
{
	struct rig r;
	rig_init(&r);
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	send_req(&r, VHOST_USER_GPU_SET_SOCKET, 0, NULL, 0, &sv[1], 1);
	close(sv[1]);
	int qemu = sv[0];
	struct vhost_user_hdr h;
	uint8_t buf[2048] = {0}; /* its first 12 bytes are sent back as a bad reply */
	CHECK(display_read(qemu, &h, buf, sizeof(buf)) &&
		      h.request == VHOST_USER_GPU_GET_PROTOCOL_FEATURES,
	      "back end asks for the display protocol features");
	uint64_t f = 1ull << VHOST_USER_GPU_PROTOCOL_F_EDID;
	vug_msg_send(qemu, h.request, VHOST_USER_GPU_MSG_FLAG_REPLY, &f, 8, NULL, 0);
	pump(&r);
	CHECK(display_read(qemu, &h, buf, sizeof(buf)) &&
		      h.request == VHOST_USER_GPU_SET_PROTOCOL_FEATURES && h.size == 8,
	      "SET_PROTOCOL_FEATURES follows");
	CHECK(display_read(qemu, &h, buf, sizeof(buf)) &&
		      h.request == VHOST_USER_GPU_GET_DISPLAY_INFO,
	      "GET_DISPLAY_INFO follows");
	struct virtio_gpu_resp_display_info di;
	memset(&di, 0, sizeof(di));
	di.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
	di.pmodes[0].enabled = 1;
	di.pmodes[0].r.width = 1280;
	di.pmodes[0].r.height = 800;
	vug_msg_send(qemu, h.request, VHOST_USER_GPU_MSG_FLAG_REPLY, &di, sizeof(di), NULL, 0);
	pump(&r);
	CHECK(display_read(qemu, &h, buf, sizeof(buf)) && h.request == VHOST_USER_GPU_GET_EDID,
	      "GET_EDID when EDID was agreed");
	/* QEMU's mode reached the device: it raised a display event. */
	struct {
		struct vhost_user_config_hdr h;
		struct virtio_gpu_config c;
	} __attribute__((packed)) q = {.h = {.offset = 0, .size = sizeof(q.c)}}, got;
	send_req(&r, VHOST_USER_GET_CONFIG, 0, &q, sizeof(q), NULL, 0);
	CHECK_EQ_U(read_reply(&r, VHOST_USER_GET_CONFIG, &got, sizeof(got)), sizeof(got));
	CHECK(got.c.events_read & VIRTIO_GPU_EVENT_DISPLAY, "display event after the new mode");
	/* A malformed reply closes the channel; the session goes on. */
	vug_msg_send(qemu, h.request, VHOST_USER_GPU_MSG_FLAG_REPLY, buf, 12, NULL, 0);
	pump(&r);
	CHECK(r.alive, "session survives a bad display reply");
	struct pollfd pf = {.fd = qemu, .events = POLLIN};
	/* EOF, or ECONNRESET since the back end closed with our bytes unread. */
	CHECK(poll(&pf, 1, 200) == 1 && recv(qemu, buf, 1, MSG_DONTWAIT) <= 0,
	      "display channel closed");
	close(qemu);
	CHECK_EQ_U(query(&r, VHOST_USER_GET_QUEUE_NUM), 2);
	rig_finish(&r);
}

/* A whole control-queue round trip in-process: memory, ring, kick; the first
 * request waits until QEMU's display info has arrived and then sees its mode. */
static void
test_ring_waits_for_display_info(void)
{
	struct rig r;
	rig_init(&r);
	enum { RAM = 1 << 20, NUM = 8, DESC = 0x1000, AVAIL = 0x2000, USED = 0x3000 };
	int mfd = memfd_create("ram", MFD_CLOEXEC);
	CHECK(mfd >= 0 && ftruncate(mfd, RAM) == 0, "memfd");
	uint8_t *ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	uint64_t uva = (uint64_t)(uintptr_t)ram;
	enable_ack(&r);
	uint64_t f = query(&r, VHOST_USER_GET_FEATURES);
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_FEATURES, &f, 8, NULL, 0), 0);
	struct vhost_user_mem_reg_msg reg = {.region = {0, RAM, uva, 0}};
	CHECK_EQ_U(acked(&r, VHOST_USER_ADD_MEM_REG, &reg, sizeof(reg), &mfd, 1), 0);
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	CHECK_EQ_U(acked(&r, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1), 0);
	close(sv[1]);
	struct vhost_user_vring_state st = {.index = 0, .num = NUM};
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_VRING_NUM, &st, 8, NULL, 0), 0);
	struct vhost_user_vring_addr a = {.index = 0,
					  .desc_user_addr = uva + DESC,
					  .avail_user_addr = uva + AVAIL,
					  .used_user_addr = uva + USED};
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0), 0);
	int kick = eventfd(0, EFD_CLOEXEC), call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t idx = 0;
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_VRING_CALL, &idx, 8, &call, 1), 0);
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_VRING_KICK, &idx, 8, &kick, 1), 0);
	st.num = 1;
	CHECK_EQ_U(acked(&r, VHOST_USER_SET_VRING_ENABLE, &st, 8, NULL, 0), 0);

	/* The guest asks for the display info. */
	struct vgp_vring_desc *desc = (void *)(ram + DESC);
	struct vgp_vring_avail *avail = (void *)(ram + AVAIL);
	struct vgp_vring_used *used = (void *)(ram + USED);
	struct virtio_gpu_ctrl_hdr *req = (void *)(ram + 0x8000);
	struct virtio_gpu_resp_display_info *resp = (void *)(ram + 0x9000);
	memset(req, 0, sizeof(*req));
	req->type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
	desc[0] = (struct vgp_vring_desc){0x8000, sizeof(*req), VGP_VRING_DESC_F_NEXT, 1};
	desc[1] = (struct vgp_vring_desc){0x9000, sizeof(*resp), VGP_VRING_DESC_F_WRITE, 0};
	avail->ring[0] = 0;
	__atomic_store_n(&avail->idx, 1, __ATOMIC_RELEASE);
	uint64_t one = 1;
	CHECK(write(kick, &one, 8) == 8, "kick");
	pump(&r);
	CHECK_EQ_U(used->idx, 0); /* held: QEMU has not said its mode yet */

	struct vhost_user_hdr h;
	uint8_t buf[2048];
	CHECK(display_read(sv[0], &h, buf, sizeof(buf)), "GET_PROTOCOL_FEATURES");
	uint64_t none = 0;
	vug_msg_send(sv[0], h.request, VHOST_USER_GPU_MSG_FLAG_REPLY, &none, 8, NULL, 0);
	pump(&r);
	CHECK_EQ_U(used->idx, 0);
	CHECK(display_read(sv[0], &h, buf, sizeof(buf)) &&
		      h.request == VHOST_USER_GPU_SET_PROTOCOL_FEATURES,
	      "SET_PROTOCOL_FEATURES");
	CHECK(display_read(sv[0], &h, buf, sizeof(buf)) &&
		      h.request == VHOST_USER_GPU_GET_DISPLAY_INFO,
	      "GET_DISPLAY_INFO");
	struct virtio_gpu_resp_display_info di;
	memset(&di, 0, sizeof(di));
	di.pmodes[0].enabled = 1;
	di.pmodes[0].r.width = 1280;
	di.pmodes[0].r.height = 800;
	vug_msg_send(sv[0], h.request, VHOST_USER_GPU_MSG_FLAG_REPLY, &di, sizeof(di), NULL, 0);
	pump(&r);
	CHECK_EQ_U(used->idx, 1);
	CHECK_EQ_U(used->ring[0].id, 0);
	CHECK_EQ_U(used->ring[0].len, sizeof(*resp));
	CHECK_EQ_U(resp->hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	CHECK(resp->pmodes[0].r.width == 1280 && resp->pmodes[0].r.height == 800,
	      "QEMU's mode: %ux%u", resp->pmodes[0].r.width, resp->pmodes[0].r.height);
	uint64_t calls = 0;
	CHECK(read(call, &calls, 8) == 8 && calls >= 1, "call eventfd signalled");
	struct vug_session_stats stats;
	vug_session_get_stats(r.s, &stats);
	CHECK_EQ_U(stats.chains, 1);
	CHECK(r.alive, "alive");
	/* Shutdown as QEMU does: the base comes back and the ring stops. */
	st = (struct vhost_user_vring_state){.index = 0};
	send_req(&r, VHOST_USER_GET_VRING_BASE, 0, &st, 8, NULL, 0);
	CHECK_EQ_U(read_reply(&r, VHOST_USER_GET_VRING_BASE, &st, sizeof(st)), 8);
	CHECK_EQ_U(st.num, 1);
	rig_finish(&r);
	close(sv[0]);
	close(kick);
	close(call);
	close(mfd);
	munmap(ram, RAM);
}

int
main(void)
{
	test_negotiation();
	test_config();
	test_malformed();
	test_display_channel();
	test_ring_waits_for_display_info();
	return vgp_test_result("test-vhost-session");
}
