/* pvgpu display — the daemon's clients: VM back ends and pvgpu-ctl. */
#include "dpy_server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpy_ctl.h"
#include "dpy_proto.h"
#include "dpy_router.h"
#include "log.h"

enum watch_kind {
	WATCH_LISTEN,
	WATCH_CLIENT,
	WATCH_BACKEND,
};

struct watch {
	enum watch_kind kind;
	void *ptr;
	int fd;
};

/* Frame memory a VM passed: mapped read-only, unmapped on the last unlock. */
struct remote_buf {
	struct dpy_buffer base; /* first */
	void *map;
	size_t map_len;
	struct iovec iov;
};

struct client {
	struct dpy_server *srv;
	struct watch w;
	bool hello, dead;
	uint32_t kind, num_scanouts;
	char name[64];
	struct dpy_vm *vm;
	struct remote_buf *bufs[DPY_MAX_SCANOUTS]; /* what the router shows (its lock) */
	bool pending[DPY_MAX_SCANOUTS];            /* a DAMAGE awaits PRESENTED */
	uint64_t seq[DPY_MAX_SCANOUTS];
	struct client *next;
};

struct dpy_server {
	struct dpy_router *router;
	int epfd;
	struct watch listen;
	struct watch backends[8];
	size_t nbackends;
	struct client *clients;
	unsigned long dropped;
	struct dpy_msg msg; /* receive buffer */
};

static void
drop(struct client *c, const char *why)
{
	if (!c->dead) {
		vr_warn(VR_CAT_DISPLAY, "client %s: %s; dropping it", c->name[0] ? c->name : "?",
			why);
		c->srv->dropped++;
	}
	c->dead = true;
}

static void
send_or_drop(struct client *c, uint32_t type, const void *a, size_t alen, const void *b,
	     size_t blen)
{
	if (!c->dead && !dpy_proto_send(c->w.fd, type, a, alen, b, blen, -1)) {
		/* The socket is non-blocking: a VM that does not read is dropped
		 * rather than stalling every other VM. */
		c->dead = true;
		vr_warn(VR_CAT_DISPLAY, "client %s: cannot send (%s); dropping it", c->name,
			strerror(errno));
	}
}

/* ------------------------------------------------------------ router → VM */

static void
vm_set_mode(struct dpy_vm *vm, uint32_t scanout, const struct dpy_mode *mode, const uint8_t *edid,
	    size_t edid_len, void *data)
{
	struct client *c = data;
	(void)vm;
	if (edid_len > DPY_PROTO_MAX_EDID) {
		edid_len = 0;
	}
	struct dpy_msg_mode m = {
		.scanout = scanout,
		.enabled = 1,
		.width = mode->width,
		.height = mode->height,
		.refresh_mhz = mode->refresh_mhz,
		.edid_len = (uint32_t)edid_len,
	};
	send_or_drop(c, DPY_MSG_MODE, &m, sizeof(m), edid, edid_len);
}

static void
vm_presented(struct dpy_vm *vm, uint32_t scanout, void *data)
{
	struct client *c = data;
	(void)vm;
	if (!c->pending[scanout]) {
		return;
	}
	c->pending[scanout] = false;
	struct dpy_msg_presented p = {.scanout = scanout, .seq = c->seq[scanout]};
	send_or_drop(c, DPY_MSG_PRESENTED, &p, sizeof(p), NULL, 0);
}

static const struct dpy_vm_impl vm_impl = {
	.set_mode = vm_set_mode,
	.presented = vm_presented,
};

/* ------------------------------------------------------------ VM → router */

static void
release_remote(struct dpy_buffer *buf, void *data)
{
	struct remote_buf *rb = data;
	(void)buf;
	munmap(rb->map, rb->map_len);
	free(rb);
}

/* Maps the memory of a FRAME (already checked by dpy_proto_check_client). */
static struct remote_buf *
map_frame(const struct dpy_msg_frame *f, int fd, const char **why)
{
	uint64_t end = f->offset + (uint64_t)f->stride * (f->height - 1) + (uint64_t)f->width * 4;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < end) {
		*why = "FRAME: memory is not a file that large";
		return NULL;
	}
	/* Without a shrink seal the VM could truncate the file under our
	 * mapping and make every read of it fault. */
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
		*why = "FRAME: memory must be a memfd sealed against shrinking";
		return NULL;
	}
	struct remote_buf *rb = calloc(1, sizeof(*rb));
	if (!rb) {
		*why = "out of memory";
		return NULL;
	}
	rb->map_len = (size_t)end;
	rb->map = mmap(NULL, rb->map_len, PROT_READ, MAP_SHARED, fd, 0);
	if (rb->map == MAP_FAILED) {
		free(rb);
		*why = "FRAME: cannot map the memory";
		return NULL;
	}
	rb->iov = (struct iovec){rb->map, rb->map_len};
	rb->base = (struct dpy_buffer){
		.width = f->width,
		.height = f->height,
		.drm_format = f->format,
		.stride = f->stride,
		.offset = f->offset,
		.iov = &rb->iov,
		.iov_count = 1,
		.fd = -1,
		.release = release_remote,
		.release_data = rb,
	};
	return rb;
}

static void
handle_frame(struct client *c, struct dpy_msg *m)
{
	struct dpy_msg_frame f;
	memcpy(&f, m->payload, sizeof(f));
	struct remote_buf *rb = NULL;
	if (f.width) {
		const char *why = NULL;
		rb = map_frame(&f, m->fd, &why);
		if (!rb) {
			drop(c, why);
			return;
		}
	}
	c->bufs[f.scanout] = rb;
	dpy_router_vm_frame(c->vm, f.scanout, rb ? &rb->base : NULL, NULL, 0);
}

static void
handle_damage(struct client *c, struct dpy_msg *m)
{
	struct dpy_msg_damage d;
	memcpy(&d, m->payload, sizeof(d));
	struct dpy_rect rects[DPY_PROTO_MAX_DAMAGE];
	for (uint32_t i = 0; i < d.count; i++) {
		struct dpy_msg_rect r;
		memcpy(&r, m->payload + sizeof(d) + i * sizeof(r), sizeof(r));
		rects[i] = (struct dpy_rect){(int32_t)r.x, (int32_t)r.y, r.width, r.height};
	}
	c->pending[d.scanout] = true;
	c->seq[d.scanout] = d.seq;
	struct remote_buf *rb = c->bufs[d.scanout];
	if (!rb) {
		vm_presented(c->vm, d.scanout, c); /* nothing shown: nothing to wait for */
		return;
	}
	dpy_router_vm_frame(c->vm, d.scanout, &rb->base, d.count ? rects : NULL, d.count);
}

static void
handle_cursor(struct client *c, struct dpy_msg *m)
{
	struct dpy_msg_cursor mc;
	memcpy(&mc, m->payload, sizeof(mc));
	uint32_t image[DPY_PROTO_CURSOR_SIZE * DPY_PROTO_CURSOR_SIZE];
	struct dpy_cursor cur = {
		.visible = mc.flags & DPY_CURSOR_VISIBLE,
		.x = mc.x,
		.y = mc.y,
		.hot_x = mc.hot_x,
		.hot_y = mc.hot_y,
	};
	if (mc.flags & DPY_CURSOR_IMAGE) {
		memcpy(image, m->payload + sizeof(mc), sizeof(image));
		cur.argb = image;
	}
	dpy_router_vm_cursor(c->vm, mc.scanout, &cur);
}

static void
handle_hello(struct client *c, struct dpy_msg *m)
{
	struct dpy_msg_hello h;
	memcpy(&h, m->payload, sizeof(h));
	c->hello = true;
	c->kind = h.kind;
	if (h.kind == DPY_CLIENT_CTL) {
		snprintf(c->name, sizeof(c->name), "ctl");
		return;
	}
	c->num_scanouts = h.num_scanouts;
	snprintf(c->name, sizeof(c->name), "%s", h.name);
	const char *why = "?";
	/* Initial MODE messages go out from inside vm_add; WELCOME ends them. */
	c->vm = dpy_router_vm_add(c->srv->router, c->name, c->num_scanouts, &vm_impl, c, &why);
	if (!c->vm) {
		drop(c, why);
		return;
	}
	struct dpy_msg_welcome w = {
		.version = DPY_PROTO_VERSION,
		.num_outputs = (uint32_t)dpy_router_output_count(c->srv->router),
	};
	send_or_drop(c, DPY_MSG_WELCOME, &w, sizeof(w), NULL, 0);
	vr_info(VR_CAT_DISPLAY, "VM %s connected with %u scanout(s)", c->name, c->num_scanouts);
}

/* The VM is gone but its back end keeps the connection: everything of the VM
 * goes as on a disconnect, and the connection waits for a new HELLO. */
static void
handle_bye(struct client *c)
{
	dpy_router_vm_remove(c->srv->router, c->vm); /* unlocks its buffers */
	vr_info(VR_CAT_DISPLAY, "VM %s left (the connection stays)", c->name);
	c->vm = NULL;
	c->hello = false;
	c->kind = 0;
	c->num_scanouts = 0;
	memset(c->name, 0, sizeof(c->name));
	memset(c->bufs, 0, sizeof(c->bufs));
	memset(c->pending, 0, sizeof(c->pending));
	memset(c->seq, 0, sizeof(c->seq));
}

static void
handle_ctl(struct client *c, struct dpy_msg *m)
{
	struct dpy_msg_ctl_request req;
	memcpy(&req, m->payload, sizeof(req));
	char cmd[DPY_PROTO_MAX_TEXT + 1];
	size_t len = m->hdr.size - sizeof(req);
	memcpy(cmd, m->payload + sizeof(req), len);
	cmd[len] = 0;
	static const size_t cap = DPY_PROTO_MAX_PAYLOAD - sizeof(struct dpy_msg_ctl_reply);
	char *out = malloc(cap);
	if (!out) {
		drop(c, "out of memory");
		return;
	}
	struct dpy_msg_ctl_reply rep = {
		.status =
			dpy_ctl_run(c->srv->router, cmd, req.flags & DPY_CTL_JSON, m->fd, out, cap),
	};
	send_or_drop(c, DPY_MSG_CTL_REPLY, &rep, sizeof(rep), out, strlen(out));
	free(out);
}

static void
handle_client(struct client *c)
{
	struct dpy_msg *m = &c->srv->msg;
	/* A bounded batch per wakeup keeps one chatty VM from starving others. */
	for (int i = 0; i < 64 && !c->dead; i++) {
		int r = dpy_proto_recv(c->w.fd, m);
		if (r == -2) {
			return;
		}
		if (r == 0) {
			c->dead = true;
			vr_dbg(VR_CAT_DISPLAY, "client %s left", c->name[0] ? c->name : "?");
			return;
		}
		if (r < 0) {
			drop(c, "malformed packet");
			return;
		}
		const char *why = dpy_proto_check_client(m, c->hello, c->kind, c->num_scanouts);
		if (why) {
			dpy_proto_msg_finish(m);
			drop(c, why);
			return;
		}
		if (!c->hello) {
			handle_hello(c, m);
		} else if (c->kind == DPY_CLIENT_CTL) {
			handle_ctl(c, m);
		} else if (m->hdr.type == DPY_MSG_FRAME) {
			handle_frame(c, m);
		} else if (m->hdr.type == DPY_MSG_DAMAGE) {
			handle_damage(c, m);
		} else if (m->hdr.type == DPY_MSG_BYE) {
			handle_bye(c);
		} else {
			handle_cursor(c, m);
		}
		dpy_proto_msg_finish(m);
	}
}

/* ------------------------------------------------------------ lifecycle */

static void
client_free(struct dpy_server *s, struct client *c)
{
	if (c->vm) {
		dpy_router_vm_remove(s->router, c->vm); /* unlocks its buffers */
		vr_info(VR_CAT_DISPLAY, "VM %s disconnected", c->name);
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->w.fd, NULL);
	close(c->w.fd);
	free(c);
}

static void
reap(struct dpy_server *s)
{
	for (struct client **pp = &s->clients; *pp;) {
		struct client *c = *pp;
		if (c->dead) {
			*pp = c->next;
			client_free(s, c);
		} else {
			pp = &c->next;
		}
	}
}

static bool
watch(struct dpy_server *s, struct watch *w)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, w->fd, &ev) == 0;
}

struct dpy_server *
dpy_server_create(struct dpy_router *router)
{
	struct dpy_server *s = calloc(1, sizeof(*s));
	if (!s) {
		return NULL;
	}
	s->router = router;
	s->listen.fd = -1;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void
dpy_server_destroy(struct dpy_server *s)
{
	if (!s) {
		return;
	}
	while (s->clients) {
		struct client *c = s->clients;
		s->clients = c->next;
		client_free(s, c);
	}
	if (s->listen.fd >= 0) {
		close(s->listen.fd);
	}
	close(s->epfd);
	free(s);
}

bool
dpy_server_add_backend(struct dpy_server *s, struct dpy_backend *be)
{
	int fd = be->impl->get_fd ? be->impl->get_fd(be) : -1;
	if (fd < 0) {
		return true;
	}
	if (s->nbackends >= sizeof(s->backends) / sizeof(s->backends[0])) {
		return false;
	}
	struct watch *w = &s->backends[s->nbackends++];
	*w = (struct watch){.kind = WATCH_BACKEND, .ptr = be, .fd = fd};
	return watch(s, w);
}

bool
dpy_server_listen(struct dpy_server *s, int fd)
{
	s->listen = (struct watch){.kind = WATCH_LISTEN, .fd = fd};
	return watch(s, &s->listen);
}

bool
dpy_server_add_client(struct dpy_server *s, int fd)
{
	struct client *c = calloc(1, sizeof(*c));
	int fl = fcntl(fd, F_GETFL);
	if (!c || fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		free(c);
		close(fd);
		return false;
	}
	c->srv = s;
	c->w = (struct watch){.kind = WATCH_CLIENT, .ptr = c, .fd = fd};
	if (!watch(s, &c->w)) {
		close(fd);
		free(c);
		return false;
	}
	c->next = s->clients;
	s->clients = c;
	return true;
}

int
dpy_server_fd(const struct dpy_server *s)
{
	return s->epfd;
}

void
dpy_server_dispatch(struct dpy_server *s)
{
	struct epoll_event evs[16];
	int n = epoll_wait(s->epfd, evs, 16, 0);
	for (int i = 0; i < n; i++) {
		struct watch *w = evs[i].data.ptr;
		switch (w->kind) {
		case WATCH_LISTEN: {
			int fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				dpy_server_add_client(s, fd);
			}
			break;
		}
		case WATCH_CLIENT: {
			struct client *c = w->ptr;
			if (!c->dead) {
				handle_client(c);
			}
			break;
		}
		case WATCH_BACKEND: {
			struct dpy_backend *be = w->ptr;
			be->impl->dispatch(be);
			break;
		}
		}
	}
	reap(s);
}

size_t
dpy_server_client_count(const struct dpy_server *s)
{
	size_t n = 0;
	for (const struct client *c = s->clients; c; c = c->next) {
		n += !c->dead;
	}
	return n;
}

unsigned long
dpy_server_dropped(const struct dpy_server *s)
{
	return s->dropped;
}
