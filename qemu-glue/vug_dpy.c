/* pvgpu qemu-glue — scanouts to the display module (see vug_dpy.h). */
#include "vug_dpy.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dpy_backend_open.h"
#include "dpy_link.h"
#include "dpy_router.h"
#include "dpy_server.h"
#include "dpy_socket.h"
#include "log.h"
#include "vug_display.h"
#include "vug_scanout.h"
#include "vug_session.h"

#define WELCOME_TIMEOUT_MS 3000

struct vug_dpy {
	struct vug_ext_display ext;
	char name[64];
	const char *connect_path;
	int kept_fd; /* connect: the daemon connection between sessions (-1: none) */
	/* In process: */
	struct dpy_backend *backend;
	struct dpy_router *router;
	struct dpy_server *server;
};

struct dpy_sink {
	struct vug_scanout_sink base; /* first */
	struct vug_dpy *owner;
	struct dpy_link *link;
	int epfd; /* the link, and the in-process server */
	void (*set_mode)(void *ctx, uint32_t scanout, uint32_t width, uint32_t height,
			 const uint8_t *edid, size_t edid_len);
	void *ctx;
};

/* ------------------------------------------------------------ the sink */

static struct dpy_sink *
to_sink(struct vug_scanout_sink *s)
{
	return (struct dpy_sink *)s;
}

static void
sink_set_scanout(struct vug_scanout_sink *base, uint32_t id, const struct vug_frame *f)
{
	struct dpy_sink *s = to_sink(base);
	if (!f) {
		dpy_link_set_frame(s->link, id, NULL);
		return;
	}
	struct dpy_link_frame lf = {
		.width = f->width,
		.height = f->height,
		.format = vug_format_fourcc(f->format),
		.stride = f->stride,
		.offset = f->offset,
		.iov = f->iov,
		.iov_count = f->iov_count,
	};
	dpy_link_set_frame(s->link, id, &lf);
}

static void
sink_flush(struct vug_scanout_sink *base, uint32_t id, const struct vug_rect *d)
{
	struct dpy_sink *s = to_sink(base);
	/* Guest rects are unsigned 32-bit; anything past INT32_MAX is off screen. */
	if (d->x > INT32_MAX || d->y > INT32_MAX) {
		return;
	}
	struct dpy_rect r = {(int32_t)d->x, (int32_t)d->y, d->width, d->height};
	dpy_link_flush(s->link, id, &r);
}

static void
sink_cursor(struct vug_scanout_sink *base, uint32_t id, const uint32_t *argb64, uint32_t hot_x,
	    uint32_t hot_y, int32_t x, int32_t y)
{
	dpy_link_cursor(to_sink(base)->link, id, argb64, hot_x, hot_y, x, y);
}

static bool
sink_busy(struct vug_scanout_sink *base)
{
	return dpy_link_busy(to_sink(base)->link);
}

static void
sink_destroy(struct vug_scanout_sink *base)
{
	struct dpy_sink *s = to_sink(base);
	if (s->owner->server) {
		dpy_link_destroy(s->link);
		dpy_server_dispatch(s->owner->server); /* the VM leaves the router now */
	} else {
		/* The daemon forgets the VM; the connection serves the next one. */
		s->owner->kept_fd = dpy_link_release(s->link);
	}
	close(s->epfd);
	free(s);
}

static const struct vug_scanout_sink_impl sink_impl = {
	.set_scanout = sink_set_scanout,
	.flush = sink_flush,
	.cursor = sink_cursor,
	.destroy = sink_destroy,
	.busy = sink_busy,
};

static void
link_mode(void *opaque, uint32_t scanout, const struct dpy_mode *mode, const uint8_t *edid,
	  size_t edid_len)
{
	struct dpy_sink *s = opaque;
	/* A monitor's EDID (KMS) reaches the guest; without one the device derives
	 * an EDID from the mode. */
	s->set_mode(s->ctx, scanout, mode->width, mode->height, edid, edid_len);
}

static void
pump_server(void *ctx)
{
	dpy_server_dispatch(ctx);
}

static void
watch(int epfd, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* connect: a fresh connection when there is no kept one (start-up failed, or
 * the link died). */
static int
connect_daemon(const struct vug_dpy *d)
{
	vr_warn(VR_CAT_DISPLAY,
		"connecting to %s for this session: after a privilege drop (--sandbox) this "
		"works only if the sandbox user can reach it",
		d->connect_path);
	int fd = dpy_socket_connect(d->connect_path);
	if (fd < 0) {
		vr_warn(VR_CAT_DISPLAY, "cannot connect to %s: %s", d->connect_path,
			strerror(errno));
	}
	return fd;
}

/* The VM's link: HELLO on the kept connection (once more on a fresh one if
 * that fails: the daemon may have restarted), or on a socket pair to the
 * in-process server. NULL when there is no display. */
static struct dpy_link *
open_link(struct vug_dpy *d, struct dpy_sink *s, uint32_t num_scanouts)
{
	struct dpy_link_hooks hooks = {.mode = link_mode, .opaque = s};
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = -1;
		if (d->server) {
			int sv[2];
			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0) {
				dpy_server_add_client(d->server, sv[1]);
				fd = sv[0];
			}
			attempt = 1;
		} else if (d->kept_fd >= 0) {
			fd = d->kept_fd;
			d->kept_fd = -1;
		} else {
			fd = connect_daemon(d);
			attempt = 1;
		}
		if (fd < 0) {
			return NULL;
		}
		const char *why = "?";
		struct dpy_link *l =
			dpy_link_create(fd, d->name, num_scanouts, &hooks, WELCOME_TIMEOUT_MS,
					d->server ? pump_server : NULL, d->server, &why);
		if (l) {
			return l;
		}
		vr_warn(VR_CAT_DISPLAY, "display: %s", why);
	}
	return NULL;
}

static struct vug_scanout_sink *
ext_open(void *opaque, uint32_t num_scanouts,
	 void (*set_mode)(void *ctx, uint32_t scanout, uint32_t width, uint32_t height,
			  const uint8_t *edid, size_t edid_len),
	 void *ctx)
{
	struct vug_dpy *d = opaque;
	struct dpy_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		return NULL;
	}
	s->base.impl = &sink_impl;
	s->owner = d;
	s->set_mode = set_mode;
	s->ctx = ctx;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd >= 0) {
		s->link = open_link(d, s, num_scanouts);
	}
	if (!s->link) {
		if (s->epfd >= 0) {
			close(s->epfd);
		}
		free(s);
		return NULL;
	}
	watch(s->epfd, dpy_link_fd(s->link));
	if (d->server) {
		watch(s->epfd, dpy_server_fd(d->server));
	}
	return &s->base;
}

static int
ext_fd(struct vug_scanout_sink *base)
{
	return to_sink(base)->epfd;
}

static void
ext_dispatch(struct vug_scanout_sink *base)
{
	struct dpy_sink *s = to_sink(base);
	struct epoll_event evs[4];
	int n = epoll_wait(s->epfd, evs, 4, 0);
	for (int i = 0; i < n; i++) {
		if (s->owner->server && evs[i].data.fd == dpy_server_fd(s->owner->server)) {
			dpy_server_dispatch(s->owner->server);
		} else if (!dpy_link_dispatch(s->link)) {
			/* The display is gone: stop watching; frames go nowhere. */
			epoll_ctl(s->epfd, EPOLL_CTL_DEL, dpy_link_fd(s->link), NULL);
		}
	}
}

/* ------------------------------------------------------------ lifecycle */

struct vug_dpy *
vug_dpy_create(const struct vug_dpy_options *o, const char **why)
{
	struct vug_dpy *d = calloc(1, sizeof(*d));
	if (!d) {
		*why = "out of memory";
		return NULL;
	}
	d->ext = (struct vug_ext_display){
		.open = ext_open, .fd = ext_fd, .dispatch = ext_dispatch, .opaque = d};
	snprintf(d->name, sizeof(d->name), "%s", o->name);
	d->kept_fd = -1;
	if (!strncmp(o->spec, "connect:", 8) && o->spec[8]) {
		/* Connected now, before any privilege drop, and kept across sessions. */
		d->connect_path = o->spec + 8;
		d->kept_fd = dpy_socket_connect(d->connect_path);
		if (d->kept_fd < 0) {
			vr_warn(VR_CAT_DISPLAY, "cannot connect to %s now (%s); trying per session",
				d->connect_path, strerror(errno));
		}
		return d;
	}
	struct dpy_mode mode = {o->width ? o->width : 1024, o->height ? o->height : 768, 60000};
	char reason[256] = "?";
	d->backend = dpy_backend_open(o->spec, 0, &mode, reason, sizeof(reason));
	if (!d->backend) {
		vr_err(VR_CAT_DISPLAY, "display '%s': %s", o->spec, reason);
		*why = "cannot open the display backend";
	}
	d->router = d->backend ? dpy_router_create() : NULL;
	d->server = d->router ? dpy_server_create(d->router) : NULL;
	if (!d->server || !dpy_router_add_backend(d->router, d->backend) ||
	    !dpy_server_add_backend(d->server, d->backend)) {
		vug_dpy_destroy(d);
		return NULL;
	}
	if (o->control_path) {
		int lfd = dpy_socket_listen(o->control_path);
		if (lfd < 0 || !dpy_server_listen(d->server, lfd)) {
			*why = "cannot listen on the control socket";
			vug_dpy_destroy(d);
			return NULL;
		}
	}
	return d;
}

void
vug_dpy_destroy(struct vug_dpy *d)
{
	if (!d) {
		return;
	}
	if (d->kept_fd >= 0) {
		close(d->kept_fd);
	}
	dpy_server_destroy(d->server);
	dpy_router_destroy(d->router);
	if (d->backend) {
		d->backend->impl->destroy(d->backend);
	}
	free(d);
}

const struct vug_ext_display *
vug_dpy_ext(struct vug_dpy *d)
{
	return &d->ext;
}
