/* pvgpu display — in-memory outputs (see dpy_headless.h). */
#include "dpy_headless.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dpy_pixels.h"
#ifdef DPY_HAVE_PNG
#include "vgp_png.h"
#endif

struct headless_output {
	struct dpy_output base; /* first */
	struct dpy_output_state state;
	bool pending_present;
	unsigned long commits;
	struct dpy_cursor cursor;
};

struct headless_backend {
	struct dpy_backend base; /* first */
	int event_fd;            /* readable while a presented event waits */
	size_t count;
	struct headless_output *outputs;
	struct dpy_output **list;
};

static const struct dpy_output_impl output_impl;

static struct headless_output *
to_out(struct dpy_output *out)
{
	return (struct headless_output *)out;
}

static struct headless_backend *
to_be(struct dpy_backend *be)
{
	return (struct headless_backend *)be;
}

static bool
mode_ok(const struct dpy_mode *m)
{
	return m->width && m->height && m->width <= DPY_MAX_DIM && m->height <= DPY_MAX_DIM;
}

static bool
out_test(struct dpy_output *out, const struct dpy_output_state *st, const char **why)
{
	(void)out;
	if (st->enabled && !mode_ok(&st->mode)) {
		*why = "mode out of range";
		return false;
	}
	return !st->buffer || dpy_buffer_check(st->buffer, why);
}

static bool
out_commit(struct dpy_output *out, const struct dpy_output_state *st)
{
	struct headless_output *o = to_out(out);
	struct headless_backend *be = to_be(out->backend);
	struct dpy_buffer *old = o->state.buffer;
	if (st->buffer) {
		dpy_buffer_lock(st->buffer);
	}
	o->state = *st;
	o->state.damage = NULL; /* not kept: owned by the caller */
	o->state.damage_count = 0;
	/* In memory the new frame is "on screen" now: the old one can go. */
	dpy_buffer_unlock(old);
	o->commits++;
	o->pending_present = true;
	uint64_t one = 1;
	ssize_t r = write(be->event_fd, &one, sizeof(one));
	(void)r;
	return true;
}

static void
out_set_cursor(struct dpy_output *out, const struct dpy_cursor *c)
{
	struct headless_output *o = to_out(out);
	const uint32_t *keep = o->cursor.argb;
	o->cursor = *c;
	o->cursor.argb = c->argb ? NULL : keep; /* images are not kept */
}

static void
out_destroy(struct dpy_output *out)
{
	struct headless_output *o = to_out(out);
	dpy_buffer_unlock(o->state.buffer);
	o->state.buffer = NULL;
}

static const struct dpy_output_impl output_impl = {
	.test = out_test,
	.commit = out_commit,
	.set_cursor = out_set_cursor,
	.get_edid = NULL,
	.destroy = out_destroy,
};

static struct dpy_output **
be_outputs(struct dpy_backend *base, size_t *n)
{
	struct headless_backend *be = to_be(base);
	*n = be->count;
	return be->list;
}

static int
be_get_fd(struct dpy_backend *base)
{
	return to_be(base)->event_fd;
}

static void
be_dispatch(struct dpy_backend *base)
{
	struct headless_backend *be = to_be(base);
	uint64_t v;
	ssize_t r = read(be->event_fd, &v, sizeof(v));
	(void)r;
	for (size_t i = 0; i < be->count; i++) {
		struct headless_output *o = &be->outputs[i];
		if (!o->pending_present) {
			continue;
		}
		o->pending_present = false;
		if (o->base.listener.presented) {
			o->base.listener.presented(&o->base, o->base.listener.data);
		}
	}
}

static void
be_destroy(struct dpy_backend *base)
{
	struct headless_backend *be = to_be(base);
	for (size_t i = 0; i < be->count; i++) {
		out_destroy(&be->outputs[i].base);
	}
	close(be->event_fd);
	free(be->outputs);
	free(be->list);
	free(be);
}

static const struct dpy_backend_impl backend_impl = {
	.outputs = be_outputs,
	.get_fd = be_get_fd,
	.dispatch = be_dispatch,
	.destroy = be_destroy,
};

struct dpy_backend *
dpy_headless_create(unsigned count, const struct dpy_mode *mode)
{
	if (!count || count > DPY_HEADLESS_MAX_OUTPUTS || !mode || !mode_ok(mode)) {
		return NULL;
	}
	struct headless_backend *be = calloc(1, sizeof(*be));
	if (!be) {
		return NULL;
	}
	be->outputs = calloc(count, sizeof(*be->outputs));
	be->list = calloc(count, sizeof(*be->list));
	be->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!be->outputs || !be->list || be->event_fd < 0) {
		if (be->event_fd >= 0) {
			close(be->event_fd);
		}
		free(be->outputs);
		free(be->list);
		free(be);
		return NULL;
	}
	be->base.impl = &backend_impl;
	be->count = count;
	for (unsigned i = 0; i < count; i++) {
		struct headless_output *o = &be->outputs[i];
		o->base.impl = &output_impl;
		o->base.backend = &be->base;
		snprintf(o->base.name, sizeof(o->base.name), "HEADLESS-%u", i + 1);
		o->base.preferred = *mode;
		o->state.mode = *mode;
		be->list[i] = &o->base;
	}
	return &be->base;
}

bool
dpy_headless_is(const struct dpy_output *out)
{
	return out && out->impl == &output_impl;
}

bool
dpy_headless_set_mode(struct dpy_output *out, const struct dpy_mode *mode)
{
	if (!dpy_headless_is(out) || !mode_ok(mode)) {
		return false;
	}
	out->preferred = *mode;
	if (out->listener.mode_changed) {
		out->listener.mode_changed(out, mode, out->listener.data);
	}
	return true;
}

bool
dpy_headless_snapshot(struct dpy_output *out, uint32_t *width, uint32_t *height, uint8_t **pixels)
{
	struct headless_output *o = to_out(out);
	const struct dpy_buffer *b = o->state.enabled ? o->state.buffer : NULL;
	uint32_t w = b ? b->width : o->state.mode.width;
	uint32_t h = b ? b->height : o->state.mode.height;
	if (!o->state.enabled || !w || !h) {
		w = out->preferred.width;
		h = out->preferred.height;
	}
	uint8_t *px = malloc((size_t)w * h * 4);
	if (!px) {
		return false;
	}
	if (b) {
		struct dpy_rect all = {0, 0, w, h};
		dpy_pixels_copy_rect(px, w * 4, b, &all);
	} else {
		dpy_pixels_no_signal(px, w * 4, w, h);
	}
	*width = w;
	*height = h;
	*pixels = px;
	return true;
}

bool
dpy_headless_capture(struct dpy_output *out, FILE *f, const char **why)
{
	if (!dpy_headless_is(out)) {
		*why = "not a headless output";
		return false;
	}
	uint32_t w, h;
	uint8_t *px;
	if (!dpy_headless_snapshot(out, &w, &h, &px)) {
		*why = "out of memory";
		return false;
	}
#ifdef DPY_HAVE_PNG
	bool ok = vgp_png_write_bgra_file(f, px, w, h, (size_t)w * 4, false);
#else
	bool ok = false;
	(void)f;
#endif
	free(px);
	if (!ok) {
		*why = "cannot write the PNG";
	}
	return ok;
}

unsigned long
dpy_headless_commits(const struct dpy_output *out)
{
	return dpy_headless_is(out) ? ((const struct headless_output *)out)->commits : 0;
}
