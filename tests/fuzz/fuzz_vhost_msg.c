/*
 * pvgpu fuzzing — target vhost-msg: one vhost-user session (qemu-glue/vhost)
 * driving the real device model (3D on the null backend), fed front-end
 * messages over a socketpair, with kicks on the rings it was given.
 *
 * Input:
 *   u16 n, n bytes   copied to offset 0 of the 1 MiB "guest RAM" memfd
 *   then messages:   request, flags, size (u32 each), then min(size, 600)
 *                    payload bytes (zeros past the input's end: a short payload
 *                    would block the session's read; the header sent carries
 *                    that length), then u8 nfds (mod 9): fds sent with the
 *                    message as SCM_RIGHTS (vug_msg_send);
 *                    the RAM memfd for SET_MEM_TABLE / ADD_MEM_REG, an eventfd
 *                    otherwise (kick eventfds are kept and signalled after every
 *                    message, so the rings are walked and the device runs).
 * The session ends at the first message that ends it, as with a real front end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_target.h"
#include "vgp_vhost_user.h"
#include "vr_null.h"
#include "vug_msg.h"
#include "vug_session.h"

#define FUZZ_RAM_BYTES (1u << 20)
#define FUZZ_MAX_MESSAGES 256
#define FUZZ_MAX_PAYLOAD 600 /* above VUG_MSG_MAX_PAYLOAD: oversize is refused */
#define FUZZ_MAX_KICKS 8

struct fuzz_vhost {
	int ram_fd; /* -1 when memfd failed */
};

static struct fuzz_vhost *
fuzz_state(void)
{
	static struct fuzz_vhost state = {.ram_fd = -1};
	return &state;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_logs();
	struct fuzz_vhost *st = fuzz_state();
	st->ram_fd = memfd_create("fuzz-guest-ram", MFD_CLOEXEC);
	if (st->ram_fd >= 0 && ftruncate(st->ram_fd, FUZZ_RAM_BYTES) != 0) {
		close(st->ram_fd);
		st->ram_fd = -1;
	}
	return 0;
}

struct run {
	int peer, epfd;
	struct vug_session *s;
	int kicks[FUZZ_MAX_KICKS];
	unsigned nkicks;
};

static void
drain(int fd)
{
	uint8_t buf[4096];
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
	}
}

/* Handles every ready event; false when the session ended. */
static bool
pump(struct run *r)
{
	struct epoll_event ev[8];
	for (int round = 0; round < 16; round++) {
		int n = epoll_wait(r->epfd, ev, 8, 0);
		if (n <= 0) {
			break;
		}
		for (int i = 0; i < n; i++) {
			if (!vug_session_dispatch(r->s, ev[i].data.ptr, ev[i].events)) {
				return false;
			}
			drain(r->peer);
		}
		vug_session_idle(r->s);
	}
	return true;
}

static bool
send_message(struct run *r, struct fuzz_in *in, int ram_fd)
{
	uint8_t payload[FUZZ_MAX_PAYLOAD];
	uint32_t request = fuzz_u32(in), flags = fuzz_u32(in), size = fuzz_u32(in);
	const uint8_t *pl;
	size_t n = size < FUZZ_MAX_PAYLOAD ? size : FUZZ_MAX_PAYLOAD;
	memset(payload, 0, n);
	size_t got = fuzz_take(in, n, &pl);
	memcpy(payload, pl, got);
	unsigned nfds = fuzz_u8(in) % (VHOST_USER_MAX_FDS + 1);
	int fds[VHOST_USER_MAX_FDS];
	bool mem = request == VHOST_USER_SET_MEM_TABLE || request == VHOST_USER_ADD_MEM_REG;
	for (unsigned i = 0; i < nfds; i++) {
		fds[i] = mem && ram_fd >= 0 ? dup(ram_fd) : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	bool sent = vug_msg_send(r->peer, request, flags, payload, (uint32_t)n, fds, nfds);
	for (unsigned i = 0; i < nfds; i++) {
		/* Keep kick eventfds to signal later; the session has its own copies. */
		if (request == VHOST_USER_SET_VRING_KICK && r->nkicks < FUZZ_MAX_KICKS) {
			r->kicks[r->nkicks++] = fds[i];
		} else {
			close(fds[i]);
		}
	}
	return sent;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_vhost *st = fuzz_state();
	struct fuzz_in in = {data, size};
	uint16_t ram_n = fuzz_u16(&in);
	const uint8_t *ram_bytes;
	size_t got = fuzz_take(&in, ram_n, &ram_bytes);
	if (st->ram_fd >= 0) {
		uint8_t *ram = mmap(NULL, FUZZ_RAM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
				    st->ram_fd, 0);
		if (ram != MAP_FAILED) {
			memset(ram, 0, FUZZ_RAM_BYTES);
			memcpy(ram, ram_bytes, got);
			munmap(ram, FUZZ_RAM_BYTES);
		}
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		return 0;
	}
	struct run r = {.peer = sv[1], .epfd = epoll_create1(EPOLL_CLOEXEC)};
	struct vr_backend *be = vr_null_backend_create();
	struct vug_session_options opts = {
		.num_scanouts = 1,
		.virgl = true,
		.edid = true,
		.blob = true,
		.context_init = true,
		.backend = be,
		.stats_fd = -1,
	};
	const char *why = NULL;
	r.s = r.epfd >= 0 && be ? vug_session_create(sv[0], r.epfd, &opts, &why) : NULL;
	if (!r.s && (r.epfd < 0 || !be)) {
		close(sv[0]);
	}
	bool alive = r.s != NULL;
	for (unsigned m = 0; alive && m < FUZZ_MAX_MESSAGES && in.n; m++) {
		alive = send_message(&r, &in, st->ram_fd) && pump(&r);
		for (unsigned k = 0; alive && k < r.nkicks; k++) {
			uint64_t one = 1;
			if (write(r.kicks[k], &one, sizeof(one)) < 0) {
				break;
			}
		}
		alive = alive && pump(&r);
	}
	vug_session_destroy(r.s);
	for (unsigned k = 0; k < r.nkicks; k++) {
		close(r.kicks[k]);
	}
	if (be) {
		be->impl->destroy(be);
	}
	if (r.epfd >= 0) {
		close(r.epfd);
	}
	close(sv[1]);
	return 0;
}
