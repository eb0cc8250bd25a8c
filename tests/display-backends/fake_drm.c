/*
 * pvgpu tests — the in-memory DRM device (see fake_drm.h).
 */
#include "fake_drm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define F(data) ((struct fake_drm *)(data))

static const char *const prop_names[FAKE_PROP_COUNT] = {
	[FAKE_PROP_CONN_CRTC_ID] = "CRTC_ID",
	[FAKE_PROP_EDID] = "EDID",
	[FAKE_PROP_MODE_ID] = "MODE_ID",
	[FAKE_PROP_ACTIVE] = "ACTIVE",
	[FAKE_PROP_FB_ID] = "FB_ID",
	[FAKE_PROP_PLANE_CRTC_ID] = "CRTC_ID",
	[FAKE_PROP_SRC_X] = "SRC_X",
	[FAKE_PROP_SRC_Y] = "SRC_Y",
	[FAKE_PROP_SRC_W] = "SRC_W",
	[FAKE_PROP_SRC_H] = "SRC_H",
	[FAKE_PROP_CRTC_X] = "CRTC_X",
	[FAKE_PROP_CRTC_Y] = "CRTC_Y",
	[FAKE_PROP_CRTC_W] = "CRTC_W",
	[FAKE_PROP_CRTC_H] = "CRTC_H",
	[FAKE_PROP_TYPE] = "type",
};

void
fake_drm_init(struct fake_drm *f, const char *path, int n_crtcs)
{
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->fd = -1;
	f->atomic = true;
	f->n_crtcs = n_crtcs;
}

struct fake_conn *
fake_drm_add_conn(struct fake_drm *f, uint32_t type, uint32_t type_id, bool connected,
		  const uint32_t *wh, int n_modes)
{
	struct fake_conn *c = &f->conns[f->n_conns++];
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->type_id = type_id;
	c->connected = connected;
	c->n_modes = n_modes;
	for (int i = 0; i < n_modes; i++) {
		drmModeModeInfo *m = &c->modes[i];
		m->hdisplay = (uint16_t)wh[2 * i];
		m->vdisplay = (uint16_t)wh[2 * i + 1];
		m->htotal = (uint16_t)(m->hdisplay + 16);
		m->vtotal = (uint16_t)(m->vdisplay + 12);
		m->clock = (uint32_t)m->htotal * m->vtotal * 60u / 1000u;
		m->vrefresh = 60;
		m->type = DRM_MODE_TYPE_DRIVER | (i == 0 ? DRM_MODE_TYPE_PREFERRED : 0);
	}
	return c;
}

struct fake_dumb *
fake_drm_dumb(struct fake_drm *f, uint32_t handle)
{
	if (handle < 1 || handle > FAKE_MAX_DUMBS || !f->dumbs[handle - 1].used) {
		return NULL;
	}
	return &f->dumbs[handle - 1];
}

static struct fake_dumb *
dumb_by_fb(struct fake_drm *f, uint32_t fb_id)
{
	for (int i = 0; i < FAKE_MAX_DUMBS; i++) {
		if (f->dumbs[i].used && fb_id && f->dumbs[i].fb_id == fb_id) {
			return &f->dumbs[i];
		}
	}
	return NULL;
}

const uint8_t *
fake_drm_scanout(struct fake_drm *f, int crtc, uint32_t *pitch)
{
	struct fake_dumb *d = f->crtcs[crtc].active ? dumb_by_fb(f, f->crtcs[crtc].fb_id) : NULL;
	*pitch = d ? d->pitch : 0;
	return d ? d->mem : NULL;
}

uint64_t
fake_drm_atomic_value(const struct fake_drm *f, uint32_t obj, uint32_t prop, uint64_t dflt)
{
	for (unsigned i = 0; i < f->last_atomic.count; i++) {
		if (f->last_atomic.obj[i] == obj && f->last_atomic.prop[i] == prop) {
			return f->last_atomic.value[i];
		}
	}
	return dflt;
}

int
fake_drm_live_dumbs(const struct fake_drm *f)
{
	int n = 0;
	for (int i = 0; i < FAKE_MAX_DUMBS; i++) {
		n += f->dumbs[i].used;
	}
	return n;
}

void
fake_drm_finish(struct fake_drm *f)
{
	for (int i = 0; i < FAKE_MAX_DUMBS; i++) {
		free(f->dumbs[i].mem);
		f->dumbs[i].mem = NULL;
	}
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
}

static int
crtc_index(struct fake_drm *f, uint32_t id)
{
	int i = (int)id - (int)FAKE_CRTC_ID(0);
	return i >= 0 && i < f->n_crtcs ? i : -1;
}

static void
queue_event(struct fake_drm *f, uint32_t crtc_id, void *user_data)
{
	if (f->n_events < FAKE_MAX_EVENTS) {
		f->events[f->n_events++] = (struct fake_event){crtc_id, user_data};
		uint64_t one = 1;
		if (write(f->fd, &one, sizeof(one)) < 0) {
			abort();
		}
	}
}

/* ------------------------------------------------------------------ ops */

static int
op_open(const char *path, void *data)
{
	struct fake_drm *f = F(data);
	if (!f->path || strcmp(path, f->path) != 0) {
		return -ENOENT;
	}
	f->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return f->fd < 0 ? -errno : f->fd;
}

static void
op_close(int fd, void *data)
{
	close(fd);
	F(data)->fd = -1;
}

static int
op_set_client_cap(int fd, uint64_t cap, uint64_t value, void *data)
{
	return cap == DRM_CLIENT_CAP_ATOMIC && !F(data)->atomic ? -EOPNOTSUPP : 0;
}

static drmModeRes *
op_get_resources(int fd, void *data)
{
	struct fake_drm *f = F(data);
	if (f->fail_resources) {
		return NULL;
	}
	drmModeRes *r =
		calloc(1, sizeof(*r) + sizeof(uint32_t) * (FAKE_MAX_CONNS * 2 + FAKE_MAX_CRTCS));
	uint32_t *ids = (uint32_t *)(r + 1);
	r->connectors = ids;
	r->count_connectors = f->n_conns;
	r->encoders = ids + FAKE_MAX_CONNS;
	r->count_encoders = f->n_conns;
	r->crtcs = ids + 2 * FAKE_MAX_CONNS;
	r->count_crtcs = f->n_crtcs;
	for (int i = 0; i < f->n_conns; i++) {
		r->connectors[i] = FAKE_CONN_ID(i);
		r->encoders[i] = 20u + (uint32_t)i;
	}
	for (int i = 0; i < f->n_crtcs; i++) {
		r->crtcs[i] = FAKE_CRTC_ID(i);
	}
	return r;
}

#define FREE_OP(name, type)                   \
	static void name(type *p, void *data) \
	{                                     \
		free(p);                      \
	}
FREE_OP(op_free_resources, drmModeRes)
FREE_OP(op_free_connector, drmModeConnector)
FREE_OP(op_free_encoder, drmModeEncoder)
FREE_OP(op_free_plane_resources, drmModePlaneRes)
FREE_OP(op_free_plane, drmModePlane)
FREE_OP(op_free_object_properties, drmModeObjectProperties)
FREE_OP(op_free_property, drmModePropertyRes)
FREE_OP(op_free_property_blob, drmModePropertyBlobRes)

static drmModeConnector *
op_get_connector(int fd, uint32_t id, bool probe, void *data)
{
	struct fake_drm *f = F(data);
	int i = (int)id - (int)FAKE_CONN_ID(0);
	if (i < 0 || i >= f->n_conns) {
		return NULL;
	}
	struct fake_conn *c = &f->conns[i];
	drmModeConnector *r = calloc(1, sizeof(*r) + sizeof(c->modes) + sizeof(uint32_t));
	r->connector_id = id;
	r->connector_type = c->type;
	r->connector_type_id = c->type_id;
	r->connection = c->connected ? DRM_MODE_CONNECTED : DRM_MODE_DISCONNECTED;
	r->modes = (drmModeModeInfo *)(r + 1);
	r->count_modes = c->connected ? c->n_modes : 0;
	memcpy(r->modes, c->modes, sizeof(c->modes));
	r->encoders = (uint32_t *)(r->modes + 4);
	r->encoders[0] = 20u + (uint32_t)i;
	r->count_encoders = 1;
	return r;
}

static drmModeEncoder *
op_get_encoder(int fd, uint32_t id, void *data)
{
	drmModeEncoder *e = calloc(1, sizeof(*e));
	e->encoder_id = id;
	e->possible_crtcs = (1u << F(data)->n_crtcs) - 1u;
	return e;
}

static drmModePlaneRes *
op_get_plane_resources(int fd, void *data)
{
	struct fake_drm *f = F(data);
	drmModePlaneRes *r = calloc(1, sizeof(*r) + sizeof(uint32_t) * 2 * FAKE_MAX_CRTCS);
	r->planes = (uint32_t *)(r + 1);
	/* Cursor planes first: the backend must pick by type, not by order. */
	for (int i = 0; i < f->n_crtcs; i++) {
		r->planes[r->count_planes++] = 50u + (uint32_t)i;
	}
	for (int i = 0; i < f->n_crtcs; i++) {
		r->planes[r->count_planes++] = FAKE_PLANE_ID(i);
	}
	return r;
}

static drmModePlane *
op_get_plane(int fd, uint32_t id, void *data)
{
	drmModePlane *p = calloc(1, sizeof(*p));
	p->plane_id = id;
	p->possible_crtcs = 1u << (id % 10u);
	return p;
}

static drmModeObjectProperties *
op_get_object_properties(int fd, uint32_t id, uint32_t type, void *data)
{
	struct fake_drm *f = F(data);
	drmModeObjectProperties *r =
		calloc(1, sizeof(*r) + (sizeof(uint32_t) + sizeof(uint64_t)) * FAKE_PROP_COUNT);
	r->prop_values = (uint64_t *)(r + 1);
	r->props = (uint32_t *)(r->prop_values + FAKE_PROP_COUNT);
#define ADD(p, v)                                     \
	do {                                          \
		r->props[r->count_props] = (p);       \
		r->prop_values[r->count_props] = (v); \
		r->count_props++;                     \
	} while (0)
	if (type == DRM_MODE_OBJECT_CONNECTOR) {
		uint32_t i = id - FAKE_CONN_ID(0);
		ADD(FAKE_PROP_CONN_CRTC_ID, 0);
		ADD(FAKE_PROP_EDID, f->conns[i].edid_len ? 60u + i : 0);
	} else if (type == DRM_MODE_OBJECT_CRTC) {
		ADD(FAKE_PROP_MODE_ID, 0);
		ADD(FAKE_PROP_ACTIVE, 0);
	} else if (type == DRM_MODE_OBJECT_PLANE) {
		for (int p = FAKE_PROP_FB_ID; p <= FAKE_PROP_CRTC_H; p++) {
			ADD((uint32_t)p, 0);
		}
		ADD(FAKE_PROP_TYPE, id >= 50 ? DRM_PLANE_TYPE_CURSOR : DRM_PLANE_TYPE_PRIMARY);
	}
#undef ADD
	return r;
}

static drmModePropertyRes *
op_get_property(int fd, uint32_t id, void *data)
{
	if (id == 0 || id >= FAKE_PROP_COUNT) {
		return NULL;
	}
	drmModePropertyRes *p = calloc(1, sizeof(*p));
	p->prop_id = id;
	strncpy(p->name, prop_names[id], sizeof(p->name) - 1);
	return p;
}

static drmModePropertyBlobRes *
op_get_property_blob(int fd, uint32_t id, void *data)
{
	struct fake_drm *f = F(data);
	int i = (int)id - 60;
	if (i < 0 || i >= f->n_conns || !f->conns[i].edid_len) {
		return NULL;
	}
	drmModePropertyBlobRes *b = calloc(1, sizeof(*b) + f->conns[i].edid_len);
	b->id = id;
	b->length = f->conns[i].edid_len;
	b->data = b + 1;
	memcpy(b->data, f->conns[i].edid, b->length);
	return b;
}

static int
op_create_dumb(int fd, uint32_t width, uint32_t height, uint32_t bpp, uint32_t *handle,
	       uint32_t *pitch, uint64_t *size, void *data)
{
	struct fake_drm *f = F(data);
	if (f->fail_create_dumb || bpp != 32) {
		return -ENOMEM;
	}
	for (int i = 0; i < FAKE_MAX_DUMBS; i++) {
		struct fake_dumb *d = &f->dumbs[i];
		if (!d->used) {
			/* Pitch padded to 64 bytes, like real drivers, so stride bugs show. */
			*d = (struct fake_dumb){.used = true, .width = width, .height = height};
			d->pitch = (width * 4u + 63u) & ~63u;
			d->size = (uint64_t)d->pitch * height;
			d->mem = calloc(1, d->size);
			*handle = (uint32_t)i + 1;
			*pitch = d->pitch;
			*size = d->size;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
op_map_dumb(int fd, uint32_t handle, uint64_t *offset, void *data)
{
	if (!fake_drm_dumb(F(data), handle)) {
		return -ENOENT;
	}
	*offset = (uint64_t)handle << 32;
	return 0;
}

static void *
op_mmap(int fd, uint64_t offset, size_t size, void *data)
{
	struct fake_dumb *d = fake_drm_dumb(F(data), (uint32_t)(offset >> 32));
	if (!d || size > d->size) {
		return NULL;
	}
	d->maps++;
	return d->mem;
}

static void
op_munmap(void *map, size_t size, void *data)
{
	struct fake_drm *f = F(data);
	for (int i = 0; i < FAKE_MAX_DUMBS; i++) {
		if (f->dumbs[i].used && f->dumbs[i].mem == map) {
			f->dumbs[i].maps--;
		}
	}
}

static int
op_destroy_dumb(int fd, uint32_t handle, void *data)
{
	struct fake_dumb *d = fake_drm_dumb(F(data), handle);
	if (!d) {
		return -ENOENT;
	}
	free(d->mem);
	memset(d, 0, sizeof(*d));
	return 0;
}

static int
op_add_fb2(int fd, uint32_t width, uint32_t height, uint32_t format, uint32_t handle,
	   uint32_t pitch, uint32_t *fb_id, void *data)
{
	struct fake_drm *f = F(data);
	struct fake_dumb *d = fake_drm_dumb(f, handle);
	if (f->fail_add_fb || !d || format != DPY_FOURCC_XRGB8888 || width > d->width ||
	    height > d->height || pitch != d->pitch) {
		return -EINVAL;
	}
	d->fb_id = handle + 99u;
	*fb_id = d->fb_id;
	return 0;
}

static int
op_rm_fb(int fd, uint32_t fb_id, void *data)
{
	struct fake_drm *f = F(data);
	struct fake_dumb *d = dumb_by_fb(f, fb_id);
	if (!d) {
		return -ENOENT;
	}
	d->fb_id = 0;
	f->n_rm_fb++;
	return 0;
}

static int
op_set_crtc(int fd, uint32_t crtc_id, uint32_t fb_id, uint32_t connector_id,
	    const drmModeModeInfo *mode, void *data)
{
	struct fake_drm *f = F(data);
	int c = crtc_index(f, crtc_id);
	if (f->fail_set_crtc || c < 0 || (fb_id && !dumb_by_fb(f, fb_id)) || (fb_id && !mode)) {
		return -EINVAL;
	}
	f->n_set_crtc++;
	struct fake_crtc *crtc = &f->crtcs[c];
	crtc->active = fb_id != 0;
	crtc->fb_id = fb_id;
	crtc->conn_id = connector_id;
	if (mode) {
		crtc->mode = *mode;
	}
	return 0;
}

static int
op_page_flip(int fd, uint32_t crtc_id, uint32_t fb_id, void *user_data, void *data)
{
	struct fake_drm *f = F(data);
	int c = crtc_index(f, crtc_id);
	if (f->fail_page_flip || c < 0 || !f->crtcs[c].active || !dumb_by_fb(f, fb_id)) {
		return -EINVAL;
	}
	f->n_page_flip++;
	f->crtcs[c].fb_id = fb_id;
	queue_event(f, crtc_id, user_data);
	return 0;
}

static int
op_atomic_commit(int fd, const struct dpy_kms_atomic *req, uint32_t flags, void *user_data,
		 void *data)
{
	struct fake_drm *f = F(data);
	if (flags & DRM_MODE_ATOMIC_TEST_ONLY) {
		f->n_atomic_test++;
		return f->fail_atomic_test ? -EINVAL : 0;
	}
	if (f->fail_atomic_commit) {
		return -EINVAL;
	}
	f->n_atomic++;
	f->last_atomic = *req;
	f->last_atomic_flags = flags;
	uint32_t event_crtc = 0;
	for (unsigned i = 0; i < req->count; i++) {
		uint32_t obj = req->obj[i];
		uint64_t v = req->value[i];
		int c = crtc_index(f, obj);
		switch (req->prop[i]) {
		case FAKE_PROP_CONN_CRTC_ID:
			break;
		case FAKE_PROP_MODE_ID:
			if (c >= 0 && v >= 200 && v < 200 + FAKE_MAX_BLOBS) {
				f->crtcs[c].mode = f->blobs[v - 200];
			}
			break;
		case FAKE_PROP_ACTIVE:
			if (c >= 0) {
				f->crtcs[c].active = v != 0;
				event_crtc = obj;
			}
			break;
		case FAKE_PROP_FB_ID:
			if (v && !dumb_by_fb(f, (uint32_t)v)) {
				return -EINVAL;
			}
			f->crtcs[obj - FAKE_PLANE_ID(0)].fb_id = (uint32_t)v;
			event_crtc = FAKE_CRTC_ID(obj - FAKE_PLANE_ID(0));
			break;
		default:
			break;
		}
	}
	if ((flags & DRM_MODE_PAGE_FLIP_EVENT) && event_crtc) {
		queue_event(f, event_crtc, user_data);
	}
	return 0;
}

static int
op_create_blob(int fd, const void *blob, size_t len, uint32_t *id, void *data)
{
	struct fake_drm *f = F(data);
	if (len != sizeof(drmModeModeInfo)) {
		return -EINVAL;
	}
	for (int i = 0; i < FAKE_MAX_BLOBS; i++) {
		if (!f->blob_used[i]) {
			f->blob_used[i] = true;
			memcpy(&f->blobs[i], blob, len);
			*id = 200u + (uint32_t)i;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
op_destroy_blob(int fd, uint32_t id, void *data)
{
	struct fake_drm *f = F(data);
	if (id < 200 || id >= 200 + FAKE_MAX_BLOBS || !f->blob_used[id - 200]) {
		return -ENOENT;
	}
	f->blob_used[id - 200] = false;
	return 0;
}

static int
op_handle_event(int fd, drmEventContext *ctx, void *data)
{
	struct fake_drm *f = F(data);
	uint64_t v;
	if (read(fd, &v, sizeof(v)) < 0) {
		return -errno;
	}
	int n = f->n_events;
	struct fake_event evs[FAKE_MAX_EVENTS];
	memcpy(evs, f->events, sizeof(evs));
	f->n_events = 0;
	for (int i = 0; i < n; i++) {
		ctx->page_flip_handler2(fd, 1, 0, 0, evs[i].crtc_id, evs[i].user_data);
	}
	return 0;
}

static int
op_set_cursor(int fd, uint32_t crtc_id, uint32_t handle, uint32_t width, uint32_t height,
	      int32_t hot_x, int32_t hot_y, void *data)
{
	struct fake_drm *f = F(data);
	int c = crtc_index(f, crtc_id);
	if (c < 0 || (handle && !fake_drm_dumb(f, handle))) {
		return -EINVAL;
	}
	struct fake_crtc *crtc = &f->crtcs[c];
	crtc->cursor_handle = handle;
	crtc->cursor_w = width;
	crtc->cursor_h = height;
	crtc->hot_x = hot_x;
	crtc->hot_y = hot_y;
	return 0;
}

static int
op_move_cursor(int fd, uint32_t crtc_id, int32_t x, int32_t y, void *data)
{
	struct fake_drm *f = F(data);
	int c = crtc_index(f, crtc_id);
	if (c < 0) {
		return -EINVAL;
	}
	f->crtcs[c].cursor_x = x;
	f->crtcs[c].cursor_y = y;
	return 0;
}

const struct dpy_kms_drm_ops fake_drm_ops = {
	.open = op_open,
	.close = op_close,
	.set_client_cap = op_set_client_cap,
	.get_resources = op_get_resources,
	.free_resources = op_free_resources,
	.get_connector = op_get_connector,
	.free_connector = op_free_connector,
	.get_encoder = op_get_encoder,
	.free_encoder = op_free_encoder,
	.get_plane_resources = op_get_plane_resources,
	.free_plane_resources = op_free_plane_resources,
	.get_plane = op_get_plane,
	.free_plane = op_free_plane,
	.get_object_properties = op_get_object_properties,
	.free_object_properties = op_free_object_properties,
	.get_property = op_get_property,
	.free_property = op_free_property,
	.get_property_blob = op_get_property_blob,
	.free_property_blob = op_free_property_blob,
	.create_dumb = op_create_dumb,
	.map_dumb = op_map_dumb,
	.mmap = op_mmap,
	.munmap = op_munmap,
	.destroy_dumb = op_destroy_dumb,
	.add_fb2 = op_add_fb2,
	.rm_fb = op_rm_fb,
	.set_crtc = op_set_crtc,
	.page_flip = op_page_flip,
	.atomic_commit = op_atomic_commit,
	.create_blob = op_create_blob,
	.destroy_blob = op_destroy_blob,
	.handle_event = op_handle_event,
	.set_cursor = op_set_cursor,
	.move_cursor = op_move_cursor,
};
