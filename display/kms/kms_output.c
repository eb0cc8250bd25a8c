/*
 * pvgpu display — KMS outputs: state test/commit on a CRTC, double-buffered dumb
 * scanout buffers, page flips, the cursor.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kms_priv.h"

#define OPS(ko) ((ko)->be->ops)
#define FD(ko) ((ko)->be->fd)
#define DATA(ko) ((ko)->be->ops_data)

static struct kms_output *
kms_output(struct dpy_output *out)
{
	return out && out->impl == &kms_output_impl ? (struct kms_output *)out : NULL;
}

/* ------------------------------------------------------------ dumb buffers */

static void
dumb_destroy(struct kms_output *ko, struct kms_dumb *d)
{
	if (d->fb_id) {
		OPS(ko)->rm_fb(FD(ko), d->fb_id, DATA(ko));
	}
	if (d->map) {
		OPS(ko)->munmap(d->map, (size_t)d->size, DATA(ko));
	}
	if (d->handle) {
		OPS(ko)->destroy_dumb(FD(ko), d->handle, DATA(ko));
	}
	memset(d, 0, sizeof(*d));
}

/* A mapped w x h XRGB8888 dumb buffer, with a framebuffer object if `with_fb`. */
static bool
dumb_create(struct kms_output *ko, uint32_t w, uint32_t h, bool with_fb, struct kms_dumb *d)
{
	memset(d, 0, sizeof(*d));
	uint64_t offset;
	if (OPS(ko)->create_dumb(FD(ko), w, h, 32, &d->handle, &d->pitch, &d->size, DATA(ko)) < 0) {
		d->handle = 0;
		return false;
	}
	d->width = w;
	d->height = h;
	/* The kernel's pitch and size must hold the image we will write. */
	if (d->pitch < w * 4u || d->size < (uint64_t)d->pitch * h || d->size > SIZE_MAX ||
	    OPS(ko)->map_dumb(FD(ko), d->handle, &offset, DATA(ko)) < 0) {
		goto err;
	}
	d->map = OPS(ko)->mmap(FD(ko), offset, (size_t)d->size, DATA(ko));
	if (!d->map) {
		goto err;
	}
	if (with_fb && OPS(ko)->add_fb2(FD(ko), w, h, DPY_FOURCC_XRGB8888, d->handle, d->pitch,
					&d->fb_id, DATA(ko)) < 0) {
		d->fb_id = 0;
		goto err;
	}
	return true;
err:
	dumb_destroy(ko, d);
	return false;
}

/* ------------------------------------------------------------------ damage */

static void
missing_add(struct kms_missing *m, const struct kms_missing *add)
{
	if (m->n < 0 || add->n < 0 || m->n + add->n > (int)DPY_MAX_DAMAGE) {
		m->n = -1;
		return;
	}
	memcpy(&m->rects[m->n], add->rects, (size_t)add->n * sizeof(add->rects[0]));
	m->n += add->n;
}

static void
damage_from_state(const struct dpy_output_state *state, const struct dpy_buffer *buf,
		  struct kms_missing *out)
{
	out->n = buf ? dpy_damage_clip(state->damage, state->damage_count, buf->width, buf->height,
				       out->rects)
		     : -1;
}

/* ------------------------------------------------------------------- modes */

static uint32_t
mode_refresh_mhz(const drmModeModeInfo *m)
{
	if (m->htotal && m->vtotal) {
		return (uint32_t)((uint64_t)m->clock * 1000000u /
				  ((uint64_t)m->htotal * m->vtotal));
	}
	return m->vrefresh * 1000u;
}

/* The connector mode matching `want` (refresh within 1 Hz when given), the preferred
 * one first. */
static const drmModeModeInfo *
mode_find(const struct kms_output *ko, const struct dpy_mode *want)
{
	const drmModeModeInfo *found = NULL;
	for (unsigned i = 0; i < ko->n_modes; i++) {
		const drmModeModeInfo *m = &ko->modes[i];
		if (m->hdisplay != want->width || m->vdisplay != want->height) {
			continue;
		}
		uint32_t r = mode_refresh_mhz(m);
		if (want->refresh_mhz &&
		    (r + 1000 < want->refresh_mhz || r > want->refresh_mhz + 1000)) {
			continue;
		}
		if (!found || (m->type & DRM_MODE_TYPE_PREFERRED)) {
			found = m;
		}
	}
	return found;
}

static bool
state_check(const struct kms_output *ko, const struct dpy_output_state *state,
	    const drmModeModeInfo **mode, const char **why)
{
	*mode = NULL;
	if (!state) {
		*why = "no state";
		return false;
	}
	if (ko->removed) {
		*why = "connector unplugged";
		return false;
	}
	if (!state->enabled) {
		return true;
	}
	*mode = mode_find(ko, &state->mode);
	if (!*mode) {
		*why = "mode not offered by the connector";
		return false;
	}
	if (state->damage_count && !state->damage) {
		*why = "damage count without rectangles";
		return false;
	}
	return !state->buffer || dpy_buffer_check(state->buffer, why);
}

/* ------------------------------------------------------------------ atomic */

static void
req_add(struct dpy_kms_atomic *req, uint32_t obj, uint32_t prop, uint64_t value)
{
	/* Callers add at most 13 properties: within DPY_KMS_ATOMIC_MAX. */
	req->obj[req->count] = obj;
	req->prop[req->count] = prop;
	req->value[req->count] = value;
	req->count++;
}

static void
req_enable(struct kms_output *ko, struct dpy_kms_atomic *req, uint32_t blob, uint32_t fb_id,
	   uint32_t w, uint32_t h)
{
	const struct kms_props *p = &ko->props;
	if (blob) {
		req_add(req, ko->conn_id, p->conn_crtc_id, ko->crtc_id);
		req_add(req, ko->crtc_id, p->crtc_mode_id, blob);
		req_add(req, ko->crtc_id, p->crtc_active, 1);
	}
	req_add(req, ko->plane_id, p->plane_fb_id, fb_id);
	req_add(req, ko->plane_id, p->plane_crtc_id, ko->crtc_id);
	req_add(req, ko->plane_id, p->plane_src_x, 0);
	req_add(req, ko->plane_id, p->plane_src_y, 0);
	req_add(req, ko->plane_id, p->plane_src_w, (uint64_t)w << 16);
	req_add(req, ko->plane_id, p->plane_src_h, (uint64_t)h << 16);
	req_add(req, ko->plane_id, p->plane_crtc_x, 0);
	req_add(req, ko->plane_id, p->plane_crtc_y, 0);
	req_add(req, ko->plane_id, p->plane_crtc_w, w);
	req_add(req, ko->plane_id, p->plane_crtc_h, h);
}

static bool
mode_differs(const struct kms_output *ko, const drmModeModeInfo *mode)
{
	return !ko->active || memcmp(&ko->cur_mode, mode, sizeof(*mode)) != 0;
}

static bool
handle_test(struct dpy_output *out, const struct dpy_output_state *state, const char **why)
{
	const char *dummy;
	struct kms_output *ko = kms_output(out);
	const drmModeModeInfo *mode;
	if (!why) {
		why = &dummy;
	}
	if (!ko) {
		*why = "not a KMS output";
		return false;
	}
	if (!state_check(ko, state, &mode, why)) {
		return false;
	}
	if (!state->enabled || !ko->plane_id) {
		return true; /* legacy: nothing more to ask the kernel */
	}
	/* Atomic: ask the kernel whether this CRTC/plane/mode combination works. */
	struct kms_dumb tmp = {0};
	uint32_t fb_id = ko->fb[0].fb_id;
	if (!fb_id || ko->fb[0].width != mode->hdisplay || ko->fb[0].height != mode->vdisplay) {
		if (!dumb_create(ko, mode->hdisplay, mode->vdisplay, true, &tmp)) {
			*why = "cannot allocate a scanout buffer";
			return false;
		}
		fb_id = tmp.fb_id;
	}
	uint32_t blob = 0;
	bool modeset = mode_differs(ko, mode);
	bool ok = true;
	if (modeset && OPS(ko)->create_blob(FD(ko), mode, sizeof(*mode), &blob, DATA(ko)) < 0) {
		*why = "cannot create the mode blob";
		ok = false;
	}
	if (ok) {
		struct dpy_kms_atomic req = {0};
		req_enable(ko, &req, blob, fb_id, mode->hdisplay, mode->vdisplay);
		uint32_t flags =
			DRM_MODE_ATOMIC_TEST_ONLY | (modeset ? DRM_MODE_ATOMIC_ALLOW_MODESET : 0);
		if (OPS(ko)->atomic_commit(FD(ko), &req, flags, NULL, DATA(ko)) < 0) {
			*why = "the kernel rejected the configuration (atomic test)";
			ok = false;
		}
	}
	if (blob) {
		OPS(ko)->destroy_blob(FD(ko), blob, DATA(ko));
	}
	dumb_destroy(ko, &tmp);
	return ok;
}

/* ------------------------------------------------------------------ frames */

static void
fill_black(struct kms_dumb *d, uint32_t from_x, uint32_t from_y)
{
	for (uint32_t y = 0; y < d->height; y++) {
		uint32_t x0 = y < from_y ? from_x : 0;
		if (x0 < d->width) {
			memset(d->map + (size_t)y * d->pitch + (size_t)x0 * 4u, 0,
			       (size_t)(d->width - x0) * 4u);
		}
	}
}

/* Writes the frame into fb[i]: the no-signal image, or what fb[i] misses plus
 * `damage` from `buf`. */
static void
draw_frame(struct kms_output *ko, int i, struct dpy_buffer *buf, const struct kms_missing *damage)
{
	struct kms_dumb *d = &ko->fb[i];
	struct kms_missing *other = &ko->missing[1 - i];
	if (!buf) {
		dpy_pixels_no_signal(d->map, d->pitch, d->width, d->height);
		/* Neither buffer holds VM content now. */
		ko->missing[i].n = -1;
		other->n = -1;
		return;
	}
	struct kms_missing need = ko->missing[i];
	missing_add(&need, damage);
	uint32_t w = buf->width < d->width ? buf->width : d->width;
	uint32_t h = buf->height < d->height ? buf->height : d->height;
	struct dpy_rect rects[DPY_MAX_DAMAGE];
	int n = need.n < 0 ? -1 : dpy_damage_clip(need.rects, (unsigned)need.n, w, h, rects);
	if (n < 0) {
		fill_black(d, w, h);
		rects[0] = (struct dpy_rect){0, 0, w, h};
		n = 1;
	}
	for (int r = 0; r < n; r++) {
		dpy_pixels_copy_rect(d->map, d->pitch, buf, &rects[r]);
	}
	ko->missing[i].n = 0;
	missing_add(other, damage);
}

static void
set_shown(struct kms_output *ko, struct dpy_buffer *buf)
{
	if (ko->shown) {
		dpy_buffer_unlock(ko->shown);
	}
	ko->shown = buf;
}

static void
apply_cursor(struct kms_output *ko)
{
	if (!ko->active) {
		return;
	}
	if (!ko->cursor_visible || !ko->cursor.handle) {
		OPS(ko)->set_cursor(FD(ko), ko->crtc_id, 0, 0, 0, 0, 0, DATA(ko));
		return;
	}
	OPS(ko)->set_cursor(FD(ko), ko->crtc_id, ko->cursor.handle, 64, 64, ko->hot_x, ko->hot_y,
			    DATA(ko));
	int64_t x = (int64_t)ko->cursor_x - ko->hot_x, y = (int64_t)ko->cursor_y - ko->hot_y;
	x = x < INT32_MIN ? INT32_MIN : x;
	y = y < INT32_MIN ? INT32_MIN : y;
	OPS(ko)->move_cursor(FD(ko), ko->crtc_id, (int32_t)x, (int32_t)y, DATA(ko));
}

static void
disable(struct kms_output *ko)
{
	if (ko->active) {
		if (ko->plane_id) {
			const struct kms_props *p = &ko->props;
			struct dpy_kms_atomic req = {0};
			req_add(&req, ko->conn_id, p->conn_crtc_id, 0);
			req_add(&req, ko->crtc_id, p->crtc_mode_id, 0);
			req_add(&req, ko->crtc_id, p->crtc_active, 0);
			req_add(&req, ko->plane_id, p->plane_fb_id, 0);
			req_add(&req, ko->plane_id, p->plane_crtc_id, 0);
			OPS(ko)->atomic_commit(FD(ko), &req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL,
					       DATA(ko));
		} else {
			OPS(ko)->set_crtc(FD(ko), ko->crtc_id, 0, 0, NULL, DATA(ko));
		}
	}
	ko->active = false;
	if (ko->mode_blob) {
		OPS(ko)->destroy_blob(FD(ko), ko->mode_blob, DATA(ko));
		ko->mode_blob = 0;
	}
	for (int i = 0; i < 2; i++) {
		dumb_destroy(ko, &ko->fb[i]);
	}
	ko->front = -1;
}

/* Puts a new frame on screen now (no flip may be pending). Locks `buf`. */
static bool
apply(struct kms_output *ko, bool enabled, const drmModeModeInfo *mode, struct dpy_buffer *buf,
      const struct kms_missing *damage)
{
	if (!enabled) {
		disable(ko);
		set_shown(ko, NULL);
		ko->present_deferred = true;
		kms_backend_wake(ko->be);
		return true;
	}
	bool modeset = mode_differs(ko, mode);
	struct kms_dumb old[2] = {ko->fb[0], ko->fb[1]};
	int old_front = ko->front;
	bool realloc = !ko->fb[0].fb_id || ko->fb[0].width != mode->hdisplay ||
		       ko->fb[0].height != mode->vdisplay;
	if (realloc) {
		struct kms_dumb fresh[2];
		if (!dumb_create(ko, mode->hdisplay, mode->vdisplay, true, &fresh[0])) {
			return false;
		}
		if (!dumb_create(ko, mode->hdisplay, mode->vdisplay, true, &fresh[1])) {
			dumb_destroy(ko, &fresh[0]);
			return false;
		}
		ko->fb[0] = fresh[0];
		ko->fb[1] = fresh[1];
		ko->missing[0].n = ko->missing[1].n = -1;
		ko->front = -1;
	}
	int target = ko->front < 0 ? 0 : 1 - ko->front;
	draw_frame(ko, target, buf, damage);

	uint32_t blob = 0;
	int ret;
	if (ko->plane_id) {
		if (modeset && (ret = OPS(ko)->create_blob(FD(ko), mode, sizeof(*mode), &blob,
							   DATA(ko))) < 0) {
			goto err;
		}
		struct dpy_kms_atomic req = {0};
		req_enable(ko, &req, blob, ko->fb[target].fb_id, mode->hdisplay, mode->vdisplay);
		uint32_t flags = DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK |
				 (modeset ? DRM_MODE_ATOMIC_ALLOW_MODESET : 0);
		ret = OPS(ko)->atomic_commit(FD(ko), &req, flags, ko, DATA(ko));
	} else if (modeset) {
		ret = OPS(ko)->set_crtc(FD(ko), ko->crtc_id, ko->fb[target].fb_id, ko->conn_id,
					mode, DATA(ko));
	} else {
		ret = OPS(ko)->page_flip(FD(ko), ko->crtc_id, ko->fb[target].fb_id, ko, DATA(ko));
	}
	if (ret < 0) {
		goto err;
	}
	if (buf) {
		dpy_buffer_lock(buf);
	}
	if (modeset) {
		if (ko->mode_blob) {
			OPS(ko)->destroy_blob(FD(ko), ko->mode_blob, DATA(ko));
		}
		ko->mode_blob = blob;
		ko->cur_mode = *mode;
		ko->active = true;
	}
	/* The old buffers are off screen once the new ones are committed. */
	if (realloc) {
		dumb_destroy(ko, &old[0]);
		dumb_destroy(ko, &old[1]);
	}
	if (!ko->plane_id && modeset) {
		/* Legacy SetCrtc is synchronous and sends no event. */
		ko->front = target;
		set_shown(ko, buf);
		ko->present_deferred = true;
		kms_backend_wake(ko->be);
	} else {
		ko->flip_pending = true;
		ko->flipping = buf;
	}
	if (modeset) {
		apply_cursor(ko);
	}
	return true;

err:
	if (blob) {
		OPS(ko)->destroy_blob(FD(ko), blob, DATA(ko));
	}
	ko->missing[target].n = -1;
	if (realloc) {
		dumb_destroy(ko, &ko->fb[0]);
		dumb_destroy(ko, &ko->fb[1]);
		ko->fb[0] = old[0];
		ko->fb[1] = old[1];
		ko->missing[0].n = ko->missing[1].n = -1;
		ko->front = old_front;
	}
	return false;
}

static void
queue_clear(struct kms_output *ko)
{
	if (ko->queued.buffer) {
		dpy_buffer_unlock(ko->queued.buffer);
	}
	memset(&ko->queued, 0, sizeof(ko->queued));
}

void
kms_output_flip_done(struct kms_output *ko)
{
	if (!ko->flip_pending) {
		return;
	}
	ko->flip_pending = false;
	ko->front = ko->front < 0 ? 0 : 1 - ko->front;
	set_shown(ko, ko->flipping);
	ko->flipping = NULL;
	if (ko->removed) {
		return;
	}
	if (ko->base.listener.presented) {
		ko->base.listener.presented(&ko->base, ko->base.listener.data);
	}
	if (ko->queued.valid && !ko->flip_pending) {
		struct kms_queued q = ko->queued;
		memset(&ko->queued, 0, sizeof(ko->queued));
		if (!apply(ko, q.enabled, &q.mode, q.buffer, &q.damage)) {
			/* Nothing to report to: the commit already returned. Keep what shows. */
			ko->present_deferred = true;
			kms_backend_wake(ko->be);
		}
		if (q.buffer) {
			dpy_buffer_unlock(q.buffer);
		}
	}
}

static bool
handle_commit(struct dpy_output *out, const struct dpy_output_state *state)
{
	struct kms_output *ko = kms_output(out);
	const char *why;
	if (!handle_test(out, state, &why)) {
		return false;
	}
	const drmModeModeInfo *mode = NULL;
	state_check(ko, state, &mode, &why);
	struct dpy_buffer *buf = state->enabled ? state->buffer : NULL;
	struct kms_missing damage;
	damage_from_state(state, buf, &damage);
	if (ko->flip_pending) {
		/* Newest state wins; its damage adds to the one it replaces. */
		struct kms_queued *q = &ko->queued;
		struct kms_missing acc = damage;
		if (q->valid) {
			acc = q->damage;
			missing_add(&acc, &damage);
		}
		if (buf) {
			dpy_buffer_lock(buf);
		}
		queue_clear(ko);
		q->valid = true;
		q->enabled = state->enabled;
		if (mode) {
			q->mode = *mode;
		}
		q->buffer = buf;
		q->damage = acc;
		return true;
	}
	return apply(ko, state->enabled, mode, buf, &damage);
}

static void
handle_set_cursor(struct dpy_output *out, const struct dpy_cursor *cursor)
{
	struct kms_output *ko = kms_output(out);
	if (!ko || ko->removed || !cursor) {
		return;
	}
	if (cursor->argb) {
		if (!ko->cursor.handle && !dumb_create(ko, 64, 64, false, &ko->cursor)) {
			return;
		}
		for (uint32_t y = 0; y < 64; y++) {
			memcpy(ko->cursor.map + (size_t)y * ko->cursor.pitch,
			       cursor->argb + y * 64u, 64u * 4u);
		}
	}
	ko->cursor_visible = cursor->visible;
	ko->cursor_x = cursor->x;
	ko->cursor_y = cursor->y;
	ko->hot_x = cursor->hot_x < 64 ? (int32_t)cursor->hot_x : 63;
	ko->hot_y = cursor->hot_y < 64 ? (int32_t)cursor->hot_y : 63;
	apply_cursor(ko);
}

static const uint8_t *
handle_get_edid(struct dpy_output *out, size_t *len)
{
	struct kms_output *ko = kms_output(out);
	*len = ko ? ko->edid_len : 0;
	return ko && ko->edid_len ? ko->edid : NULL;
}

void
kms_output_shutdown(struct kms_output *ko)
{
	queue_clear(ko);
	if (ko->cursor_visible && ko->active) {
		ko->cursor_visible = false;
		apply_cursor(ko);
	}
	disable(ko);
	dumb_destroy(ko, &ko->cursor);
	set_shown(ko, NULL);
	if (ko->flipping) {
		dpy_buffer_unlock(ko->flipping);
		ko->flipping = NULL;
	}
	ko->flip_pending = false;
	ko->present_deferred = false;
}

static void
handle_destroy(struct dpy_output *out)
{
	/* The backend owns the memory; the owner giving an output up switches it off. */
	struct kms_output *ko = kms_output(out);
	if (ko) {
		kms_output_shutdown(ko);
	}
}

const struct dpy_output_impl kms_output_impl = {
	.test = handle_test,
	.commit = handle_commit,
	.set_cursor = handle_set_cursor,
	.get_edid = handle_get_edid,
	.destroy = handle_destroy,
};
