/*
 * pvgpu display — KMS backend: device selection, connectors → outputs, CRTC and
 * primary-plane assignment, atomic property discovery, hotplug, event dispatch.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "kms_priv.h"

/* An EDID is at most 256 blocks of 128 bytes; a bigger blob is not trusted. */
#define KMS_MAX_EDID (256u * 128u)
/* More modes than this on one connector is a broken driver; keep the first ones. */
#define KMS_MAX_MODES 256u

static const struct dpy_backend_impl kms_backend_impl;

static struct kms_backend *
kms_backend(struct dpy_backend *be)
{
	return be && be->impl == &kms_backend_impl ? (struct kms_backend *)be : NULL;
}

static void __attribute__((format(printf, 3, 4)))
set_why(char *why, size_t why_len, const char *fmt, ...)
{
	if (why && why_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
}

/* -------------------------------------------------------------- properties */

/* Finds property `name` of an object: its id and current value. */
static bool
obj_prop(struct kms_backend *be, uint32_t obj, uint32_t type, const char *name, uint32_t *id,
	 uint64_t *value)
{
	drmModeObjectProperties *props =
		be->ops->get_object_properties(be->fd, obj, type, be->ops_data);
	bool found = false;
	if (!props) {
		return false;
	}
	for (uint32_t i = 0; i < props->count_props && !found; i++) {
		drmModePropertyRes *p =
			be->ops->get_property(be->fd, props->props[i], be->ops_data);
		if (p && !strncmp(p->name, name, sizeof(p->name))) {
			found = true;
			*id = p->prop_id;
			if (value) {
				*value = props->prop_values[i];
			}
		}
		if (p) {
			be->ops->free_property(p, be->ops_data);
		}
	}
	be->ops->free_object_properties(props, be->ops_data);
	return found;
}

static bool
find_props(struct kms_backend *be, struct kms_output *ko)
{
	struct kms_props *p = &ko->props;
	const struct {
		uint32_t obj, type;
		const char *name;
		uint32_t *id;
	} want[] = {
		{ko->conn_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", &p->conn_crtc_id},
		{ko->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", &p->crtc_mode_id},
		{ko->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", &p->crtc_active},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID", &p->plane_fb_id},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID", &p->plane_crtc_id},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_X", &p->plane_src_x},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_Y", &p->plane_src_y},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_W", &p->plane_src_w},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_H", &p->plane_src_h},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_X", &p->plane_crtc_x},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_Y", &p->plane_crtc_y},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_W", &p->plane_crtc_w},
		{ko->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_H", &p->plane_crtc_h},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!obj_prop(be, want[i].obj, want[i].type, want[i].name, want[i].id, NULL)) {
			return false;
		}
	}
	return true;
}

/* The primary plane that can scan out on CRTC `index`, or 0. */
static uint32_t
find_primary_plane(struct kms_backend *be, unsigned index)
{
	drmModePlaneRes *res = be->ops->get_plane_resources(be->fd, be->ops_data);
	uint32_t found = 0;
	if (!res) {
		return 0;
	}
	for (uint32_t i = 0; i < res->count_planes && !found; i++) {
		drmModePlane *plane = be->ops->get_plane(be->fd, res->planes[i], be->ops_data);
		if (!plane) {
			continue;
		}
		uint32_t type_id;
		uint64_t type = 0;
		if ((plane->possible_crtcs & (1u << index)) &&
		    obj_prop(be, plane->plane_id, DRM_MODE_OBJECT_PLANE, "type", &type_id, &type) &&
		    type == DRM_PLANE_TYPE_PRIMARY) {
			found = plane->plane_id;
		}
		be->ops->free_plane(plane, be->ops_data);
	}
	be->ops->free_plane_resources(res, be->ops_data);
	return found;
}

/* A free CRTC index one of the connector's encoders can drive, or -1. */
static int
pick_crtc(struct kms_backend *be, const drmModeConnector *conn)
{
	for (int e = 0; e < conn->count_encoders; e++) {
		drmModeEncoder *enc = be->ops->get_encoder(be->fd, conn->encoders[e], be->ops_data);
		if (!enc) {
			continue;
		}
		uint32_t possible = enc->possible_crtcs;
		be->ops->free_encoder(enc, be->ops_data);
		for (unsigned i = 0; i < be->n_crtcs; i++) {
			if ((possible & (1u << i)) && !(be->crtc_used & (1u << i))) {
				return (int)i;
			}
		}
	}
	return -1;
}

static void
read_edid(struct kms_backend *be, struct kms_output *ko)
{
	uint32_t prop;
	uint64_t blob_id = 0;
	if (!obj_prop(be, ko->conn_id, DRM_MODE_OBJECT_CONNECTOR, "EDID", &prop, &blob_id) ||
	    !blob_id || blob_id > UINT32_MAX) {
		return;
	}
	drmModePropertyBlobRes *blob =
		be->ops->get_property_blob(be->fd, (uint32_t)blob_id, be->ops_data);
	if (!blob) {
		return;
	}
	if (blob->data && blob->length && blob->length <= KMS_MAX_EDID) {
		ko->edid = malloc(blob->length);
		if (ko->edid) {
			memcpy(ko->edid, blob->data, blob->length);
			ko->edid_len = blob->length;
		}
	}
	be->ops->free_property_blob(blob, be->ops_data);
}

/* ----------------------------------------------------------------- outputs */

static uint32_t
refresh_mhz(const drmModeModeInfo *m)
{
	if (m->htotal && m->vtotal) {
		return (uint32_t)((uint64_t)m->clock * 1000000u /
				  ((uint64_t)m->htotal * m->vtotal));
	}
	return m->vrefresh * 1000u;
}

static struct kms_output *
output_create(struct kms_backend *be, const drmModeConnector *conn, int crtc_index)
{
	struct kms_output *ko = calloc(1, sizeof(*ko));
	unsigned n = conn->count_modes > (int)KMS_MAX_MODES ? KMS_MAX_MODES
							    : (unsigned)conn->count_modes;
	if (!ko || !(ko->modes = calloc(n, sizeof(*ko->modes)))) {
		free(ko);
		return NULL;
	}
	memcpy(ko->modes, conn->modes, n * sizeof(*ko->modes));
	ko->n_modes = n;
	ko->base.impl = &kms_output_impl;
	ko->base.backend = &be->base;
	const char *type = drmModeGetConnectorTypeName(conn->connector_type);
	snprintf(ko->base.name, sizeof(ko->base.name), "%s-%u", type ? type : "Unknown",
		 conn->connector_type_id);
	const drmModeModeInfo *pref = &ko->modes[0];
	for (unsigned i = 0; i < n; i++) {
		if (ko->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
			pref = &ko->modes[i];
			break;
		}
	}
	ko->base.preferred = (struct dpy_mode){pref->hdisplay, pref->vdisplay, refresh_mhz(pref)};
	ko->be = be;
	ko->conn_id = conn->connector_id;
	ko->crtc_index = (unsigned)crtc_index;
	ko->crtc_id = be->crtcs[crtc_index];
	ko->front = -1;
	if (be->atomic) {
		ko->plane_id = find_primary_plane(be, ko->crtc_index);
		if (ko->plane_id && !find_props(be, ko)) {
			ko->plane_id = 0; /* no complete property set: legacy for this output */
		}
	}
	read_edid(be, ko);
	be->crtc_used |= 1u << crtc_index;
	return ko;
}

static struct kms_output *
find_output(struct kms_backend *be, uint32_t conn_id)
{
	for (unsigned i = 0; i < be->n_outs; i++) {
		if (!be->outs[i]->removed && be->outs[i]->conn_id == conn_id) {
			return be->outs[i];
		}
	}
	return NULL;
}

static void
output_remove(struct kms_backend *be, struct kms_output *ko)
{
	kms_output_shutdown(ko);
	ko->removed = true;
	be->crtc_used &= ~(1u << ko->crtc_index);
	if (ko->base.listener.removed) {
		ko->base.listener.removed(&ko->base, ko->base.listener.data);
	}
}

/* Brings the outputs in line with the connectors; reports changes when `notify`. */
static void
sync_connectors(struct kms_backend *be, bool probe, bool notify)
{
	drmModeRes *res = be->ops->get_resources(be->fd, be->ops_data);
	if (!res) {
		return;
	}
	/* Outputs whose connector vanished or disconnected go first, freeing CRTCs. */
	for (unsigned i = 0; i < be->n_outs; i++) {
		struct kms_output *ko = be->outs[i];
		if (ko->removed) {
			continue;
		}
		drmModeConnector *conn =
			be->ops->get_connector(be->fd, ko->conn_id, probe, be->ops_data);
		bool present = false;
		for (int c = 0; c < res->count_connectors; c++) {
			present |= res->connectors[c] == ko->conn_id;
		}
		if (!present || !conn || conn->connection != DRM_MODE_CONNECTED ||
		    conn->count_modes <= 0) {
			output_remove(be, ko);
		}
		if (conn) {
			be->ops->free_connector(conn, be->ops_data);
		}
	}
	for (int c = 0; c < res->count_connectors; c++) {
		if (find_output(be, res->connectors[c])) {
			continue;
		}
		drmModeConnector *conn =
			be->ops->get_connector(be->fd, res->connectors[c], probe, be->ops_data);
		if (!conn) {
			continue;
		}
		int crtc;
		if (conn->connection == DRM_MODE_CONNECTED && conn->count_modes > 0 &&
		    be->n_outs < KMS_MAX_OUTPUTS && (crtc = pick_crtc(be, conn)) >= 0) {
			struct kms_output *ko = output_create(be, conn, crtc);
			if (ko) {
				be->outs[be->n_outs++] = ko;
				if (notify && be->base.listener.output_added) {
					be->base.listener.output_added(&be->base, &ko->base,
								       be->base.listener.data);
				}
			}
		}
		be->ops->free_connector(conn, be->ops_data);
	}
	be->ops->free_resources(res, be->ops_data);
}

void
dpy_kms_backend_reprobe(struct dpy_backend *base)
{
	struct kms_backend *be = kms_backend(base);
	if (be) {
		sync_connectors(be, false, true);
	}
}

bool
dpy_kms_backend_is_atomic(struct dpy_backend *base)
{
	struct kms_backend *be = kms_backend(base);
	return be && be->atomic;
}

/* ------------------------------------------------------------------ events */

void
kms_backend_wake(struct kms_backend *be)
{
	uint64_t one = 1;
	if (write(be->wake_fd, &one, sizeof(one)) < 0) {
		/* Counter saturated: a wake-up is pending anyway. */
	}
}

static void
handle_flip(int fd, unsigned seq, unsigned sec, unsigned usec, unsigned crtc, void *user_data)
{
	/* user_data is the kms_output we passed with the flip; outputs live until the
	 * backend is destroyed, so a late event for a removed one is harmless. */
	if (user_data) {
		kms_output_flip_done(user_data);
	}
}

static void
drain(int fd)
{
	uint64_t v;
	while (read(fd, &v, sizeof(v)) < 0 && errno == EINTR) {
	}
}

static void
handle_dispatch(struct dpy_backend *base)
{
	struct kms_backend *be = kms_backend(base);
	struct epoll_event evs[4];
	int n = epoll_wait(be->epoll_fd, evs, 4, 0);
	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;
		if (fd == be->fd) {
			drmEventContext ctx = {
				.version = 3,
				.page_flip_handler2 = handle_flip,
			};
			be->ops->handle_event(be->fd, &ctx, be->ops_data);
		} else if (fd == be->timer_fd) {
			drain(fd);
			sync_connectors(be, false, true);
		} else if (fd == be->wake_fd) {
			drain(fd);
		}
	}
	for (unsigned i = 0; i < be->n_outs; i++) {
		struct kms_output *ko = be->outs[i];
		if (ko->present_deferred && !ko->removed) {
			ko->present_deferred = false;
			if (ko->base.listener.presented) {
				ko->base.listener.presented(&ko->base, ko->base.listener.data);
			}
		}
	}
}

static int
handle_get_fd(struct dpy_backend *base)
{
	return kms_backend(base)->epoll_fd;
}

static struct dpy_output **
handle_outputs(struct dpy_backend *base, size_t *n)
{
	struct kms_backend *be = kms_backend(base);
	size_t count = 0;
	for (unsigned i = 0; i < be->n_outs; i++) {
		if (!be->outs[i]->removed) {
			be->live[count++] = &be->outs[i]->base;
		}
	}
	*n = count;
	return be->live;
}

static void
close_device(struct kms_backend *be)
{
	for (unsigned i = 0; i < be->n_outs; i++) {
		struct kms_output *ko = be->outs[i];
		if (!ko->removed) {
			kms_output_shutdown(ko);
		}
		free(ko->modes);
		free(ko->edid);
		free(ko);
	}
	be->n_outs = 0;
	be->crtc_used = 0;
	if (be->fd >= 0) {
		be->ops->close(be->fd, be->ops_data);
		be->fd = -1;
	}
}

static void
handle_destroy(struct dpy_backend *base)
{
	struct kms_backend *be = kms_backend(base);
	if (!be) {
		return;
	}
	close_device(be);
	if (be->wake_fd >= 0) {
		close(be->wake_fd);
	}
	if (be->timer_fd >= 0) {
		close(be->timer_fd);
	}
	if (be->epoll_fd >= 0) {
		close(be->epoll_fd);
	}
	free(be);
}

static const struct dpy_backend_impl kms_backend_impl = {
	.outputs = handle_outputs,
	.get_fd = handle_get_fd,
	.dispatch = handle_dispatch,
	.destroy = handle_destroy,
};

/* ------------------------------------------------------------------ create */

/* Takes `fd` as the device: reads CRTCs and connectors. 0, or -ENODEV without a
 * usable connector, -ENOTSUP without KMS resources. */
static int
open_device(struct kms_backend *be, int fd, bool legacy)
{
	be->fd = fd;
	be->ops->set_client_cap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1, be->ops_data);
	be->atomic =
		!legacy && be->ops->set_client_cap(fd, DRM_CLIENT_CAP_ATOMIC, 1, be->ops_data) == 0;
	drmModeRes *res = be->ops->get_resources(fd, be->ops_data);
	if (!res) {
		return -ENOTSUP;
	}
	be->n_crtcs = 0;
	for (int i = 0; i < res->count_crtcs && be->n_crtcs < KMS_MAX_CRTCS; i++) {
		be->crtcs[be->n_crtcs++] = res->crtcs[i];
	}
	be->ops->free_resources(res, be->ops_data);
	sync_connectors(be, true, false);
	return be->n_outs ? 0 : -ENODEV;
}

static bool
add_fd(int epoll_fd, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
	return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

struct dpy_backend *
dpy_kms_backend_create(const struct dpy_kms_options *opts, char *why, size_t why_len)
{
	struct dpy_kms_options none = {0};
	opts = opts ? opts : &none;
	struct kms_backend *be = calloc(1, sizeof(*be));
	if (!be) {
		set_why(why, why_len, "kms: out of memory");
		return NULL;
	}
	be->base.impl = &kms_backend_impl;
	be->ops = opts->ops ? opts->ops : &dpy_kms_libdrm_ops;
	be->ops_data = opts->ops_data;
	be->fd = -1;
	be->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	be->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	be->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	unsigned ms = opts->hotplug_ms ? opts->hotplug_ms : 2000;
	struct itimerspec its = {
		.it_interval = {ms / 1000, (long)(ms % 1000) * 1000000L},
		.it_value = {ms / 1000, (long)(ms % 1000) * 1000000L},
	};
	if (be->epoll_fd < 0 || be->timer_fd < 0 || be->wake_fd < 0 ||
	    timerfd_settime(be->timer_fd, 0, &its, NULL) < 0 ||
	    !add_fd(be->epoll_fd, be->timer_fd) || !add_fd(be->epoll_fd, be->wake_fd)) {
		set_why(why, why_len, "kms: %s", strerror(errno));
		goto err;
	}

	int ret = -ENOENT;
	if (opts->device) {
		int fd = be->ops->open(opts->device, be->ops_data);
		if (fd < 0) {
			set_why(why, why_len, "kms: cannot open %s: %s", opts->device,
				strerror(-fd));
			goto err;
		}
		ret = open_device(be, fd, opts->legacy);
		if (ret == -ENOTSUP) {
			set_why(why, why_len, "kms: %s has no modesetting resources", opts->device);
			goto err;
		}
		if (ret == -ENODEV) {
			set_why(why, why_len, "kms: %s has no connected connector", opts->device);
			goto err;
		}
	} else {
		for (int i = 0; i < 16 && ret < 0; i++) {
			char path[32];
			snprintf(path, sizeof(path), "/dev/dri/card%d", i);
			int fd = be->ops->open(path, be->ops_data);
			if (fd < 0) {
				continue;
			}
			ret = open_device(be, fd, opts->legacy);
			if (ret < 0) {
				close_device(be);
			}
		}
		if (ret < 0) {
			set_why(why, why_len,
				"kms: no /dev/dri/card0..15 with a connected connector");
			goto err;
		}
	}
	if (!add_fd(be->epoll_fd, be->fd)) {
		set_why(why, why_len, "kms: epoll: %s", strerror(errno));
		goto err;
	}
	return &be->base;

err:
	handle_destroy(&be->base);
	return NULL;
}
