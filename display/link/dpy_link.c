/* pvgpu display — the VM side of the display protocol (see dpy_link.h). */
#include "dpy_link.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dpy_format.h"
#include "dpy_proto.h"
#include "log.h"

#define PRESENT_TIMEOUT_NS 1000000000ll

struct link_scanout {
	struct dpy_link_frame src;
	bool shown;
	int memfd;
	uint8_t *map;
	size_t size;
	uint64_t seq;
	bool waiting;
	struct timespec since;
};

struct dpy_link {
	int fd;
	bool dead;
	uint32_t num_scanouts;
	struct dpy_link_hooks hooks;
	struct link_scanout sc[DPY_PROTO_MAX_SCANOUTS];
	struct dpy_msg msg;
};

static void
kill_link(struct dpy_link *l, const char *why)
{
	if (!l->dead) {
		vr_warn(VR_CAT_DISPLAY, "display link: %s; scanouts go nowhere now", why);
	}
	l->dead = true;
}

static void
send_msg(struct dpy_link *l, uint32_t type, const void *a, size_t alen, const void *b, size_t blen,
	 int fd)
{
	if (!l->dead && !dpy_proto_send(l->fd, type, a, alen, b, blen, fd)) {
		kill_link(l, strerror(errno));
	}
}

/* Handles one validated message; false on a protocol error. */
static void
handle(struct dpy_link *l, const struct dpy_msg *m, bool *welcomed)
{
	if (m->hdr.type == DPY_MSG_MODE) {
		struct dpy_msg_mode md;
		memcpy(&md, m->payload, sizeof(md));
		struct dpy_mode mode = {md.width, md.height, md.refresh_mhz};
		if (md.enabled && l->hooks.mode) {
			l->hooks.mode(l->hooks.opaque, md.scanout, &mode,
				      md.edid_len ? m->payload + sizeof(md) : NULL, md.edid_len);
		}
	} else if (m->hdr.type == DPY_MSG_PRESENTED) {
		struct dpy_msg_presented p;
		memcpy(&p, m->payload, sizeof(p));
		if (p.seq == l->sc[p.scanout].seq) {
			l->sc[p.scanout].waiting = false;
		}
	} else if (m->hdr.type == DPY_MSG_WELCOME && welcomed) {
		*welcomed = true;
	}
}

/* Reads what is pending; false when the link died. */
static bool
pump_messages(struct dpy_link *l, bool *welcomed)
{
	while (!l->dead) {
		int r = dpy_proto_recv(l->fd, &l->msg);
		if (r == -2) {
			return true;
		}
		if (r <= 0) {
			kill_link(l, r == 0 ? "the display went away" : "malformed packet");
			break;
		}
		const char *why = dpy_proto_check_daemon(&l->msg, l->num_scanouts);
		dpy_proto_msg_finish(&l->msg);
		if (why) {
			kill_link(l, why);
			break;
		}
		handle(l, &l->msg, welcomed);
	}
	return false;
}

struct dpy_link *
dpy_link_create(int fd, const char *name, uint32_t num_scanouts, const struct dpy_link_hooks *hooks,
		int timeout_ms, void (*pump)(void *ctx), void *pump_ctx, const char **why)
{
	struct dpy_link *l = calloc(1, sizeof(*l));
	int fl = fcntl(fd, F_GETFL);
	if (!l || fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		*why = "out of memory";
		free(l);
		close(fd);
		return NULL;
	}
	l->fd = fd;
	l->num_scanouts = num_scanouts;
	if (hooks) {
		l->hooks = *hooks;
	}
	for (unsigned i = 0; i < DPY_PROTO_MAX_SCANOUTS; i++) {
		l->sc[i].memfd = -1;
	}
	struct dpy_msg_hello h = {
		.magic = DPY_PROTO_MAGIC,
		.version = DPY_PROTO_VERSION,
		.kind = DPY_CLIENT_VM,
		.num_scanouts = num_scanouts,
	};
	snprintf(h.name, sizeof(h.name), "%s", name);
	send_msg(l, DPY_MSG_HELLO, &h, sizeof(h), NULL, 0, -1);
	bool welcomed = false;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!l->dead && !welcomed) {
		if (pump) {
			pump(pump_ctx);
		}
		struct pollfd p = {fd, POLLIN, 0};
		poll(&p, 1, pump ? 0 : 10);
		pump_messages(l, &welcomed);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >
		    timeout_ms) {
			kill_link(l, "no welcome from the display");
		}
	}
	if (l->dead) {
		*why = "the display refused the VM or did not answer";
		dpy_link_destroy(l);
		return NULL;
	}
	return l;
}

/* Frees everything but the socket. */
static void
free_link(struct dpy_link *l)
{
	for (unsigned i = 0; i < DPY_PROTO_MAX_SCANOUTS; i++) {
		if (l->sc[i].map) {
			munmap(l->sc[i].map, l->sc[i].size);
		}
		if (l->sc[i].memfd >= 0) {
			close(l->sc[i].memfd);
		}
	}
	free(l);
}

void
dpy_link_destroy(struct dpy_link *l)
{
	if (!l) {
		return;
	}
	close(l->fd);
	free_link(l);
}

int
dpy_link_release(struct dpy_link *l)
{
	/* Answers to this VM are of no interest now; its owner may be half gone. */
	l->hooks.mode = NULL;
	pump_messages(l, NULL);
	send_msg(l, DPY_MSG_BYE, NULL, 0, NULL, 0, -1);
	int fd = l->fd;
	if (l->dead) {
		close(fd);
		fd = -1;
	}
	free_link(l);
	return fd;
}

int
dpy_link_fd(const struct dpy_link *l)
{
	return l->fd;
}

bool
dpy_link_dispatch(struct dpy_link *l)
{
	return pump_messages(l, NULL);
}

bool
dpy_link_alive(const struct dpy_link *l)
{
	return !l->dead;
}

/* A fresh sealed memfd of `size` bytes mapped read-write into sc. */
static bool
new_memory(struct link_scanout *sc, size_t size)
{
	if (sc->map) {
		munmap(sc->map, sc->size);
		sc->map = NULL;
	}
	if (sc->memfd >= 0) {
		close(sc->memfd);
	}
	sc->memfd = memfd_create("pvgpu-scanout", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (sc->memfd < 0 || ftruncate(sc->memfd, (off_t)size) < 0 ||
	    fcntl(sc->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) < 0) {
		return false;
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sc->memfd, 0);
	if (p == MAP_FAILED) {
		return false;
	}
	sc->map = p;
	sc->size = size;
	return true;
}

/* Copies rows [y0, y1), columns [x0, x1) of the source into the memfd. */
static void
copy_rect(struct link_scanout *sc, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1)
{
	const struct dpy_link_frame *f = &sc->src;
	size_t row = (size_t)f->width * 4;
	for (uint32_t y = y0; y < y1; y++) {
		uint64_t off = f->offset + (uint64_t)y * f->stride + (uint64_t)x0 * 4;
		uint8_t *dst = sc->map + y * row + (size_t)x0 * 4;
		if (!dpy_iov_read(f->iov, f->iov_count, off, dst, (size_t)(x1 - x0) * 4)) {
			memset(dst, 0, (size_t)(x1 - x0) * 4);
		} else if (!dpy_format_shown(f->format)) {
			dpy_format_to_xrgb(f->format, dst, dst, x1 - x0);
		}
	}
}

void
dpy_link_set_frame(struct dpy_link *l, uint32_t scanout, const struct dpy_link_frame *frame)
{
	if (l->dead || scanout >= l->num_scanouts) {
		return;
	}
	struct link_scanout *sc = &l->sc[scanout];
	struct dpy_msg_frame m = {.scanout = scanout};
	bool ok = frame && frame->width && frame->height && frame->width <= DPY_MAX_DIM &&
		  frame->height <= DPY_MAX_DIM && dpy_format_known(frame->format) &&
		  frame->stride >= (uint64_t)frame->width * 4;
	sc->shown = false;
	if (!ok) {
		send_msg(l, DPY_MSG_FRAME, &m, sizeof(m), NULL, 0, -1);
		return;
	}
	size_t size = (size_t)frame->width * 4 * frame->height;
	if (!new_memory(sc, size)) {
		kill_link(l, "cannot allocate frame memory");
		return;
	}
	sc->src = *frame;
	sc->shown = true;
	copy_rect(sc, 0, 0, frame->width, frame->height);
	m.width = frame->width;
	m.height = frame->height;
	/* Formats outputs do not take are converted to XRGB8888 as they are copied. */
	m.format = dpy_format_shown(frame->format) ? frame->format : DPY_FOURCC_XRGB8888;
	m.stride = frame->width * 4;
	send_msg(l, DPY_MSG_FRAME, &m, sizeof(m), NULL, 0, sc->memfd);
}

void
dpy_link_flush(struct dpy_link *l, uint32_t scanout, const struct dpy_rect *damage)
{
	if (l->dead || scanout >= l->num_scanouts || !l->sc[scanout].shown) {
		return;
	}
	struct link_scanout *sc = &l->sc[scanout];
	/* Clip in 64 bits: no term can wrap. */
	int64_t x0 = damage->x < 0 ? 0 : damage->x, y0 = damage->y < 0 ? 0 : damage->y;
	int64_t x1 = (int64_t)damage->x + damage->width, y1 = (int64_t)damage->y + damage->height;
	x1 = x1 < sc->src.width ? x1 : sc->src.width;
	y1 = y1 < sc->src.height ? y1 : sc->src.height;
	if (x0 >= x1 || y0 >= y1) {
		return;
	}
	copy_rect(sc, (uint32_t)x0, (uint32_t)y0, (uint32_t)x1, (uint32_t)y1);
	struct {
		struct dpy_msg_damage d;
		struct dpy_msg_rect r;
	} m = {
		.d = {.scanout = scanout, .count = 1, .seq = ++sc->seq},
		.r = {(uint32_t)x0, (uint32_t)y0, (uint32_t)(x1 - x0), (uint32_t)(y1 - y0)},
	};
	_Static_assert(sizeof(m) == sizeof(m.d) + sizeof(m.r), "no padding");
	sc->waiting = true;
	clock_gettime(CLOCK_MONOTONIC, &sc->since);
	send_msg(l, DPY_MSG_DAMAGE, &m, sizeof(m), NULL, 0, -1);
}

void
dpy_link_cursor(struct dpy_link *l, uint32_t scanout, const uint32_t *argb, uint32_t hot_x,
		uint32_t hot_y, int32_t x, int32_t y)
{
	if (l->dead || scanout >= l->num_scanouts) {
		return;
	}
	struct dpy_msg_cursor c = {
		.scanout = scanout,
		.flags = argb ? DPY_CURSOR_VISIBLE | DPY_CURSOR_IMAGE : 0,
		.x = x,
		.y = y,
		.hot_x = hot_x < DPY_PROTO_CURSOR_SIZE ? hot_x : 0,
		.hot_y = hot_y < DPY_PROTO_CURSOR_SIZE ? hot_y : 0,
	};
	size_t image = argb ? DPY_PROTO_CURSOR_SIZE * DPY_PROTO_CURSOR_SIZE * 4 : 0;
	send_msg(l, DPY_MSG_CURSOR, &c, sizeof(c), argb, image, -1);
}

bool
dpy_link_busy(struct dpy_link *l)
{
	if (l->dead) {
		return false;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (uint32_t i = 0; i < l->num_scanouts; i++) {
		struct link_scanout *sc = &l->sc[i];
		if (!sc->waiting) {
			continue;
		}
		long long ns = (now.tv_sec - sc->since.tv_sec) * 1000000000ll +
			       (now.tv_nsec - sc->since.tv_nsec);
		if (ns < PRESENT_TIMEOUT_NS) {
			return true;
		}
		sc->waiting = false; /* a silent display must not stall the guest */
	}
	return false;
}
