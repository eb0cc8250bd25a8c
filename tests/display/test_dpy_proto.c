/*
 * pvgpu tests — the display protocol against an in-process server: a good VM
 * (through dpy_link) and a control client work; every malformed message
 * from a hostile VM gets that VM dropped while the good one keeps its output
 * and its presents; the link refuses bad daemons.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dpy_ctl.h"
#include "dpy_headless.h"
#include "dpy_link.h"
#include "dpy_proto.h"
#include "dpy_server.h"
#include "dpy_test_util.h"
#include "vgp_test.h"

struct env {
	struct dpy_backend *be;
	struct dpy_router *r;
	struct dpy_server *srv;
	struct dpy_output **outs;
};

static void
pump(void *ctx)
{
	struct env *e = ctx;
	for (int i = 0; i < 8; i++) {
		struct pollfd p = {dpy_server_fd(e->srv), POLLIN, 0};
		if (poll(&p, 1, i == 0 ? 20 : 2) <= 0) {
			break;
		}
		dpy_server_dispatch(e->srv);
	}
}

static int
connect_client(struct env *e)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	CHECK(dpy_server_add_client(e->srv, sv[1]), "add client");
	return sv[0];
}

static struct dpy_mode link_mode_seen;

static void
link_mode(void *opaque, uint32_t s, const struct dpy_mode *m, const uint8_t *edid, size_t len)
{
	(void)opaque;
	(void)s;
	(void)edid;
	(void)len;
	link_mode_seen = *m;
}

static uint32_t
shown(struct env *e, unsigned i)
{
	uint32_t w, h;
	uint8_t *px;
	if (!dpy_headless_snapshot(e->outs[i], &w, &h, &px)) {
		return ~0u;
	}
	uint32_t c = px[0] | px[1] << 8 | px[2] << 16;
	free(px);
	return c;
}

static struct dpy_msg_hello
hello(const char *name, uint32_t scanouts)
{
	struct dpy_msg_hello h = {.magic = DPY_PROTO_MAGIC,
				  .version = DPY_PROTO_VERSION,
				  .kind = DPY_CLIENT_VM,
				  .num_scanouts = scanouts};
	snprintf(h.name, sizeof(h.name), "%s", name);
	return h;
}

/* A memfd of `size` bytes, sealed against shrinking when `seal`. */
static int
memory(size_t size, bool seal)
{
	int fd = memfd_create("test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)size) == 0, "memfd");
	if (seal) {
		fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK);
	}
	return fd;
}

enum hostile_kind { RAW, AFTER_HELLO };

struct hostile {
	const char *what;
	bool after_hello;
	uint32_t type;
	const void *payload;
	size_t len;
	int fd;              /* attached, or -1 */
	int32_t size_adjust; /* lie in the header's size field */
	bool two_fds;
	bool as_ctl; /* the hello (after_hello) is a control client's */
};

/* Sends one packet with an arbitrary header size and fds. */
static void
send_raw(int sock, uint32_t type, const void *payload, size_t len, int32_t adjust, int fd, bool two)
{
	struct dpy_msg_hdr h = {type, (uint32_t)((int64_t)len + adjust)};
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)payload, len}};
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
	if (fd >= 0) {
		int fds[2] = {fd, fd};
		unsigned n = two ? 2 : 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	CHECK(sendmsg(sock, &mh, MSG_NOSIGNAL) >= 0, "sendmsg");
}

static void
run_hostile(struct env *e, const struct hostile *h, struct dpy_link *good, unsigned long *dropped)
{
	int sock = connect_client(e);
	if (h->after_hello) {
		struct dpy_msg_hello hh = hello("evil", 1);
		if (h->as_ctl) {
			hh = (struct dpy_msg_hello){.magic = DPY_PROTO_MAGIC,
						    .version = DPY_PROTO_VERSION,
						    .kind = DPY_CLIENT_CTL};
		}
		send_raw(sock, DPY_MSG_HELLO, &hh, sizeof(hh), 0, -1, false);
		pump(e);
	}
	send_raw(sock, h->type, h->payload, h->len, h->size_adjust, h->fd, h->two_fds);
	pump(e);
	CHECK(dpy_server_dropped(e->srv) == *dropped + 1, "%s: not dropped", h->what);
	*dropped = dpy_server_dropped(e->srv);
	/* The hostile VM's output is back to no signal; the good VM undisturbed. */
	CHECK_EQ_U(dpy_router_vm_count(e->r), 1);
	CHECK(shown(e, 0) == 0x3399cc, "%s: good output changed", h->what);
	struct dpy_rect d = {0, 0, 4, 4};
	dpy_link_flush(good, 0, &d);
	CHECK(dpy_link_busy(good), "waiting for the present");
	pump(e);
	dpy_link_dispatch(good);
	CHECK(!dpy_link_busy(good) && dpy_link_alive(good), "%s: good VM not presented", h->what);
	close(sock);
	pump(e);
}

/* BYE: the VM leaves as on a disconnect but the connection stays, and a new
 * HELLO on it brings a VM back; anything but HELLO after BYE is malformed. */
static void
test_bye(struct env *e, const struct dpy_msg_frame *fr)
{
	unsigned long dropped = dpy_server_dropped(e->srv);
	const uint32_t no_signal = dpy_pixels_no_signal_at(0, 0, 32, 24) & 0xffffffu;
	const char *why = "?";
	struct dpy_link *l =
		dpy_link_create(connect_client(e), "again", 1, NULL, 2000, pump, e, &why);
	CHECK(l != NULL, "link: %s", why);
	struct test_frame *f = test_frame_new(16, 8, 0x112233);
	struct dpy_link_frame lf = {16, 8, DPY_FOURCC_XRGB8888, 16 * 4, 0, &f->iov, 1};
	dpy_link_set_frame(l, 0, &lf);
	pump(e);
	CHECK_EQ_U(shown(e, 1), 0x112233);
	CHECK_EQ_U(dpy_router_vm_count(e->r), 2);

	int fd = dpy_link_release(l);
	CHECK(fd >= 0, "release kept the socket");
	pump(e);
	CHECK_EQ_U(dpy_router_vm_count(e->r), 1);
	CHECK_EQ_U(dpy_server_client_count(e->srv), 2); /* still connected */
	CHECK_EQ_U(shown(e, 1), no_signal);
	CHECK_EQ_U(shown(e, 0), 0x3399cc);

	/* The same name again on the same socket: back on its output. */
	l = dpy_link_create(fd, "again", 1, NULL, 2000, pump, e, &why);
	CHECK(l != NULL, "HELLO after BYE: %s", why);
	f->px[0] = 0x445566;
	dpy_link_set_frame(l, 0, &lf);
	pump(e);
	CHECK_EQ_U(shown(e, 1), 0x445566);
	struct dpy_rect d = {0, 0, 4, 4};
	dpy_link_flush(l, 0, &d);
	pump(e);
	dpy_link_dispatch(l);
	CHECK(!dpy_link_busy(l) && dpy_link_alive(l), "second VM presented");
	CHECK_EQ_U(dpy_server_dropped(e->srv), dropped);
	dpy_link_destroy(l);
	pump(e);
	CHECK_EQ_U(shown(e, 1), no_signal);

	/* After BYE only HELLO: a FRAME gets the client dropped. */
	int sock = connect_client(e);
	struct dpy_msg_hello h = hello("bye-frame", 1);
	send_raw(sock, DPY_MSG_HELLO, &h, sizeof(h), 0, -1, false);
	send_raw(sock, DPY_MSG_BYE, NULL, 0, 0, -1, false);
	int mem = memory(16 * 8 * 4, true);
	send_raw(sock, DPY_MSG_FRAME, fr, sizeof(*fr), 0, mem, false);
	close(mem);
	pump(e);
	CHECK_EQ_U(dpy_server_dropped(e->srv), dropped + 1);
	CHECK_EQ_U(dpy_router_vm_count(e->r), 1);
	close(sock);
	pump(e);
	test_frame_free(f);
}

static void
test_server(void)
{
	struct env e;
	struct dpy_mode mode = {32, 24, 60000};
	e.be = dpy_headless_create(2, &mode);
	e.r = dpy_router_create();
	e.srv = dpy_server_create(e.r);
	CHECK(dpy_router_add_backend(e.r, e.be) && dpy_server_add_backend(e.srv, e.be), "setup");
	size_t n;
	e.outs = e.be->impl->outputs(e.be, &n);

	/* A good VM through the link: the welcome carries its mode. */
	const char *why = "?";
	struct dpy_link_hooks hooks = {.mode = link_mode};
	struct dpy_link *good =
		dpy_link_create(connect_client(&e), "good", 1, &hooks, 2000, pump, &e, &why);
	CHECK(good != NULL, "link: %s", why);
	CHECK(link_mode_seen.width == 32 && link_mode_seen.height == 24, "initial mode");
	struct test_frame *f = test_frame_new(16, 8, 0x3399cc);
	f->buf.stride = 16 * 4 + 8; /* rows with padding are copied tight */
	struct dpy_link_frame lf = {16, 8, DPY_FOURCC_XRGB8888, 16 * 4, 0, &f->iov, 1};
	dpy_link_set_frame(good, 0, &lf);
	pump(&e);
	CHECK_EQ_U(shown(&e, 0), 0x3399cc);

	/* A second VM of the same name is refused (dropped). */
	unsigned long dropped = dpy_server_dropped(e.srv);
	struct dpy_link *dup =
		dpy_link_create(connect_client(&e), "good", 1, NULL, 300, pump, &e, &why);
	CHECK(!dup, "duplicate name accepted");
	dropped = dpy_server_dropped(e.srv);

	uint8_t junk[64] = {0};
	struct dpy_msg_hello bad_magic = hello("x", 1), bad_kind = hello("x", 1),
			     bad_name = hello("a b", 1), no_scanouts = hello("x", 0),
			     many = hello("x", 17), unterminated = hello("x", 1);
	bad_magic.magic = 1;
	bad_kind.kind = 9;
	memset(unterminated.name, 'a', sizeof(unterminated.name));
	struct dpy_msg_frame fr = {.scanout = 0,
				   .width = 16,
				   .height = 8,
				   .format = DPY_FOURCC_XRGB8888,
				   .stride = 64};
	struct dpy_msg_frame fr_scanout = fr, fr_fmt = fr, fr_stride = fr, fr_huge = fr;
	fr_scanout.scanout = 1;
	fr_fmt.format = 0x11223344;
	fr_stride.stride = 60;
	fr_huge.height = 16384;
	fr_huge.width = 16384;
	fr_huge.stride = 65536;
	int sealed = memory(16 * 8 * 4, true), unsealed = memory(16 * 8 * 4, false);
	int small = memory(100, true);
	int pipefd[2];
	CHECK(pipe(pipefd) == 0, "pipe");
	struct {
		struct dpy_msg_damage d;
		struct dpy_msg_rect r[17];
	} dmg = {.d = {.scanout = 0, .count = 17}};
	struct {
		struct dpy_msg_damage d;
		struct dpy_msg_rect r;
	} dmg_far = {.d = {.scanout = 0, .count = 1}, .r = {UINT32_MAX, 0, 2, 2}};
	struct dpy_msg_cursor cur = {.scanout = 0, .flags = DPY_CURSOR_IMAGE, .hot_x = 3};
	struct dpy_msg_cursor cur_hot = {.scanout = 0, .hot_x = 64};
	struct dpy_msg_hello hh = hello("x", 1);
	const struct hostile cases[] = {
		{"first message not HELLO", false, DPY_MSG_FRAME, &fr, sizeof(fr), -1, 0, false},
		{"bad magic", false, DPY_MSG_HELLO, &bad_magic, sizeof(bad_magic), -1, 0, false},
		{"bad kind", false, DPY_MSG_HELLO, &bad_kind, sizeof(bad_kind), -1, 0, false},
		{"bad name", false, DPY_MSG_HELLO, &bad_name, sizeof(bad_name), -1, 0, false},
		{"unterminated name", false, DPY_MSG_HELLO, &unterminated, sizeof(unterminated), -1,
		 0, false},
		{"no scanouts", false, DPY_MSG_HELLO, &no_scanouts, sizeof(no_scanouts), -1, 0,
		 false},
		{"17 scanouts", false, DPY_MSG_HELLO, &many, sizeof(many), -1, 0, false},
		{"short HELLO", false, DPY_MSG_HELLO, &hh, sizeof(hh) - 4, -1, 0, false},
		{"size field lies", false, DPY_MSG_HELLO, &hh, sizeof(hh), -1, 8, false},
		{"header only half there", false, DPY_MSG_HELLO, junk, 0, -1, -8, false},
		{"second HELLO", true, DPY_MSG_HELLO, &hh, sizeof(hh), -1, 0, false},
		{"unknown type", true, 99, junk, 8, -1, 0, false},
		{"FRAME without fd", true, DPY_MSG_FRAME, &fr, sizeof(fr), -1, 0, false},
		{"FRAME with two fds", true, DPY_MSG_FRAME, &fr, sizeof(fr), sealed, 0, true},
		{"FRAME unsealed memfd", true, DPY_MSG_FRAME, &fr, sizeof(fr), unsealed, 0, false},
		{"FRAME memory too small", true, DPY_MSG_FRAME, &fr, sizeof(fr), small, 0, false},
		{"FRAME on a pipe", true, DPY_MSG_FRAME, &fr, sizeof(fr), pipefd[0], 0, false},
		{"FRAME bad scanout", true, DPY_MSG_FRAME, &fr_scanout, sizeof(fr), sealed, 0,
		 false},
		{"FRAME bad format", true, DPY_MSG_FRAME, &fr_fmt, sizeof(fr), sealed, 0, false},
		{"FRAME short stride", true, DPY_MSG_FRAME, &fr_stride, sizeof(fr), sealed, 0,
		 false},
		{"FRAME too large", true, DPY_MSG_FRAME, &fr_huge, sizeof(fr), sealed, 0, false},
		{"FRAME short", true, DPY_MSG_FRAME, &fr, sizeof(fr) - 1, sealed, 0, false},
		{"DAMAGE 17 rects", true, DPY_MSG_DAMAGE, &dmg, sizeof(dmg), -1, 0, false},
		{"DAMAGE count/size mismatch", true, DPY_MSG_DAMAGE, &dmg, sizeof(dmg.d) + 16, -1,
		 0, false},
		{"DAMAGE rect wraps", true, DPY_MSG_DAMAGE, &dmg_far, sizeof(dmg_far), -1, 0,
		 false},
		{"CURSOR image missing", true, DPY_MSG_CURSOR, &cur, sizeof(cur), -1, 0, false},
		{"CURSOR hotspot", true, DPY_MSG_CURSOR, &cur_hot, sizeof(cur_hot), -1, 0, false},
		{"CTL from a VM", true, DPY_MSG_CTL_REQUEST, junk, 8, -1, 0, false},
		{"BYE before HELLO", false, DPY_MSG_BYE, NULL, 0, -1, 0, false},
		{"BYE with a payload", true, DPY_MSG_BYE, junk, 4, -1, 0, false},
		{"BYE with an fd", true, DPY_MSG_BYE, NULL, 0, sealed, 0, false},
		{"BYE size field lies", true, DPY_MSG_BYE, NULL, 0, -1, 4, false},
		{"BYE from a control client", true, DPY_MSG_BYE, NULL, 0, -1, 0, false, true},
	};
	dmg.d.count = 17;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_hostile(&e, &cases[i], good, &dropped);
	}
	close(sealed);
	close(unsealed);
	close(small);
	close(pipefd[0]);
	close(pipefd[1]);
	test_bye(&e, &fr);

	/* A well-formed hostile-looking VM is fine: FRAME on a sealed memfd. */
	int sock = connect_client(&e);
	struct dpy_msg_hello h2 = hello("second", 1);
	send_raw(sock, DPY_MSG_HELLO, &h2, sizeof(h2), 0, -1, false);
	int mem = memory(16 * 8 * 4, true);
	uint32_t *p = mmap(NULL, 16 * 8 * 4, PROT_READ | PROT_WRITE, MAP_SHARED, mem, 0);
	for (int i = 0; i < 16 * 8; i++) {
		p[i] = 0xabcdef;
	}
	send_raw(sock, DPY_MSG_FRAME, &fr, sizeof(fr), 0, mem, false);
	close(mem);
	pump(&e);
	CHECK_EQ_U(dpy_server_client_count(e.srv), 2);
	CHECK_EQ_U(shown(&e, 1), 0xabcdef);
	/* Disconnecting: its output shows no signal, the daemon unmaps lazily. */
	close(sock);
	pump(&e);
	CHECK_EQ_U(shown(&e, 1), (dpy_pixels_no_signal_at(0, 0, 32, 24) & 0xffffffu));
	munmap(p, 16 * 8 * 4);

	/* Control commands through the same server code. */
	char out[4096];
	CHECK(dpy_ctl_run(e.r, "show", false, -1, out, sizeof(out)) == 0, "show");
	CHECK_CONTAINS(out, "HEADLESS-1");
	CHECK_CONTAINS(out, "good:0");
	CHECK(dpy_ctl_run(e.r, "vms", true, -1, out, sizeof(out)) == 0, "vms --json");
	CHECK_CONTAINS(out, "\"name\": \"good\"");
	CHECK(dpy_ctl_run(e.r, "assign good HEADLESS-2", false, -1, out, sizeof(out)) == 2,
	      "assign without a scanout");
	CHECK(dpy_ctl_run(e.r, "assign good:99 HEADLESS-2", false, -1, out, sizeof(out)) == 2,
	      "scanout beyond 16");
	CHECK(dpy_ctl_run(e.r, "frobnicate", false, -1, out, sizeof(out)) == 2, "unknown");
	CHECK(dpy_ctl_run(e.r, "capture HEADLESS-1", false, -1, out, sizeof(out)) == 2,
	      "capture without a file");
	CHECK(dpy_ctl_run(e.r, "mode HEADLESS-1 0x5", false, -1, out, sizeof(out)) == 1,
	      "zero mode");
	CHECK(dpy_ctl_run(e.r, "mode HEADLESS-1 40x30", false, -1, out, sizeof(out)) == 0, "mode");
	pump(&e);
	dpy_link_dispatch(good);
	CHECK(link_mode_seen.width == 40 && link_mode_seen.height == 30, "mode reached the VM");
	CHECK(dpy_ctl_run(e.r, "assign good:0 HEADLESS-2", false, -1, out, sizeof(out)) == 0,
	      "assign");
	CHECK(dpy_ctl_run(e.r, "assign none HEADLESS-1", false, -1, out, sizeof(out)) == 0,
	      "unassign");
	CHECK_EQ_U(shown(&e, 1), 0x3399cc);

	dpy_link_destroy(good);
	pump(&e);
	CHECK_EQ_U(dpy_router_vm_count(e.r), 0);
	dpy_server_destroy(e.srv);
	dpy_router_destroy(e.r);
	e.be->impl->destroy(e.be);
	test_frame_free(f);
}

/* The link side: a daemon that sends garbage kills the link, never the VM. */
static void
test_link_refuses_bad_daemon(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	struct dpy_msg_mode m = {.scanout = 3, .enabled = 1, .width = 10, .height = 10};
	CHECK(dpy_proto_send(sv[1], DPY_MSG_MODE, &m, sizeof(m), NULL, 0, -1), "send");
	const char *why = "?";
	struct dpy_link *l = dpy_link_create(sv[0], "vm", 1, NULL, 200, NULL, NULL, &why);
	CHECK(!l, "link accepted a MODE for scanout 3 of 1");
	close(sv[1]);

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	l = dpy_link_create(sv[0], "vm", 1, NULL, 100, NULL, NULL, &why);
	CHECK(!l, "link without a welcome");
	close(sv[1]);
}

static unsigned link_modes;

static void
count_mode(void *opaque, uint32_t s, const struct dpy_mode *m, const uint8_t *edid, size_t len)
{
	(void)opaque;
	(void)s;
	(void)m;
	(void)edid;
	(void)len;
	link_modes++;
}

/* The link side of BYE against a scripted daemon: release says BYE and hands
 * the socket back without passing stale messages on; a dead link gives -1. */
static void
test_link_release(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	struct dpy_msg_welcome w = {.version = DPY_PROTO_VERSION, .num_outputs = 1};
	CHECK(dpy_proto_send(sv[1], DPY_MSG_WELCOME, &w, sizeof(w), NULL, 0, -1), "send");
	const char *why = "?";
	struct dpy_link_hooks hooks = {.mode = count_mode};
	struct dpy_link *l = dpy_link_create(sv[0], "vm", 1, &hooks, 500, NULL, NULL, &why);
	CHECK(l != NULL, "link: %s", why);
	struct dpy_msg m;
	CHECK(dpy_proto_recv(sv[1], &m) == 1 && m.hdr.type == DPY_MSG_HELLO, "HELLO");
	struct dpy_msg_mode md = {.scanout = 0, .enabled = 1, .width = 10, .height = 10};
	CHECK(dpy_proto_send(sv[1], DPY_MSG_MODE, &md, sizeof(md), NULL, 0, -1), "send");
	int fd = dpy_link_release(l);
	CHECK(fd == sv[0], "release returned the socket");
	CHECK_EQ_U(link_modes, 0); /* the stale MODE went nowhere */
	CHECK(dpy_proto_recv(sv[1], &m) == 1 && m.hdr.type == DPY_MSG_BYE && m.hdr.size == 0 &&
		      m.fd < 0,
	      "BYE on the wire");
	CHECK(dpy_proto_recv(sv[1], &m) == -2, "nothing after BYE");

	/* HELLO again on it; then the daemon goes away: nothing to give back. */
	CHECK(dpy_proto_send(sv[1], DPY_MSG_WELCOME, &w, sizeof(w), NULL, 0, -1), "send");
	l = dpy_link_create(fd, "vm", 1, &hooks, 500, NULL, NULL, &why);
	CHECK(l != NULL, "link again: %s", why);
	CHECK(dpy_proto_recv(sv[1], &m) == 1 && m.hdr.type == DPY_MSG_HELLO, "second HELLO");
	close(sv[1]);
	CHECK(dpy_link_release(l) == -1, "a dead link gives no socket");
}

int
main(void)
{
	test_server();
	test_link_refuses_bad_daemon();
	test_link_release();
	return vgp_test_result("dpy-proto");
}
