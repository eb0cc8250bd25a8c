/*
 * pvgpu tests — the KMS output backend against the in-memory fake DRM device:
 * enumeration, modeset parameters, pixels in the dumb buffers (damage only),
 * page flips → presented, queued commits, cursor, atomic test failure, legacy
 * mode, hotplug, and bad input / failing ioctls.
 */
#include <string.h>
#include <unistd.h>

#include "dpy_kms.h"
#include "fake_drm.h"
#include "test_buf.h"
#include "vgp_test.h"

#define RED 0x00ff0000u
#define GREEN 0x0000ff00u
#define BLUE 0x000000ffu
#define MAGENTA 0x00ff00ffu

struct rec {
	int presented, removed, mode_changed, added;
	struct dpy_output *last_added;
};

static void
on_presented(struct dpy_output *out, void *data)
{
	((struct rec *)data)->presented++;
}

static void
on_removed(struct dpy_output *out, void *data)
{
	((struct rec *)data)->removed++;
}

static void
on_added(struct dpy_backend *be, struct dpy_output *out, void *data)
{
	struct rec *r = data;
	r->added++;
	r->last_added = out;
}

static void
listen(struct dpy_output *out, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	out->listener = (struct dpy_output_listener){
		.presented = on_presented, .removed = on_removed, .data = r};
}

static const uint32_t hdmi_modes[] = {64, 48, 32, 24};
static const uint32_t dp_modes[] = {48, 32};
static const uint32_t vga_modes[] = {40, 30};

static void
make_device(struct fake_drm *f, int n_crtcs)
{
	fake_drm_init(f, "/dev/dri/card0", n_crtcs);
	fake_drm_add_conn(f, DRM_MODE_CONNECTOR_HDMIA, 1, true, hdmi_modes, 2);
	struct fake_conn *dp =
		fake_drm_add_conn(f, DRM_MODE_CONNECTOR_DisplayPort, 1, true, dp_modes, 1);
	dp->edid_len = 128;
	for (int i = 0; i < 128; i++) {
		dp->edid[i] = (uint8_t)(i * 7 + 1);
	}
	fake_drm_add_conn(f, DRM_MODE_CONNECTOR_VGA, 1, false, vga_modes, 1);
}

static struct dpy_backend *
create(struct fake_drm *f, bool legacy, unsigned hotplug_ms, char *why)
{
	struct dpy_kms_options o = {
		.device = "/dev/dri/card0",
		.ops = &fake_drm_ops,
		.ops_data = f,
		.legacy = legacy,
		.hotplug_ms = hotplug_ms ? hotplug_ms : 60000,
	};
	return dpy_kms_backend_create(&o, why, 256);
}

static struct dpy_output *
output_named(struct dpy_backend *be, const char *name)
{
	size_t n;
	struct dpy_output **outs = be->impl->outputs(be, &n);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(outs[i]->name, name)) {
			return outs[i];
		}
	}
	return NULL;
}

static struct dpy_output_state
state(uint32_t w, uint32_t h, struct test_buf *t, const struct dpy_rect *damage, unsigned n)
{
	return (struct dpy_output_state){
		.enabled = true,
		.mode = {w, h, 0},
		.buffer = t ? &t->b : NULL,
		.damage = damage,
		.damage_count = n,
	};
}

static bool
commit(struct dpy_output *out, struct dpy_output_state s)
{
	return out->impl->commit(out, &s);
}

static uint32_t
scan_px(struct fake_drm *f, int crtc, uint32_t x, uint32_t y)
{
	uint32_t pitch;
	const uint8_t *img = fake_drm_scanout(f, crtc, &pitch);
	return img ? image_px(img, pitch, x, y) : 0xdeadbeefu;
}

static bool
in_rect(uint32_t x, uint32_t y, const struct dpy_rect *r)
{
	return (int64_t)x >= r->x && (int64_t)x < r->x + (int64_t)r->width && (int64_t)y >= r->y &&
	       (int64_t)y < r->y + (int64_t)r->height;
}

static void
test_enumerate(void)
{
	struct fake_drm f;
	char why[256] = "";
	make_device(&f, 3);
	struct dpy_backend *be = create(&f, false, 0, why);
	CHECK(be != NULL, "create: %s", why);
	size_t n = 0;
	be->impl->outputs(be, &n);
	CHECK_EQ_U(n, 2);
	struct dpy_output *hdmi = output_named(be, "HDMI-A-1");
	struct dpy_output *dp = output_named(be, "DP-1");
	CHECK(hdmi && dp, "outputs named HDMI-A-1 and DP-1");
	CHECK(output_named(be, "VGA-1") == NULL, "disconnected VGA has no output");
	CHECK(dpy_kms_backend_is_atomic(be), "atomic device used atomically");
	CHECK_EQ_U(hdmi->preferred.width, 64);
	CHECK_EQ_U(hdmi->preferred.height, 48);
	CHECK_EQ_U(hdmi->preferred.refresh_mhz, 60000);
	size_t len = 99;
	CHECK(hdmi->impl->get_edid(hdmi, &len) == NULL && len == 0, "no EDID on HDMI");
	const uint8_t *edid = dp->impl->get_edid(dp, &len);
	CHECK(edid && len == 128 && !memcmp(edid, f.conns[1].edid, 128), "DP EDID from the blob");
	CHECK(be->impl->get_fd(be) >= 0, "pollable fd");
	be->impl->destroy(be);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	fake_drm_finish(&f);
}

static void
test_atomic_frames(void)
{
	struct fake_drm f;
	char why[256] = "";
	struct rec r;
	make_device(&f, 3);
	struct dpy_backend *be = create(&f, false, 0, why);
	struct dpy_output *out = output_named(be, "HDMI-A-1");
	listen(out, &r);
	struct test_buf a, b, c, d;
	test_buf_init(&a, 64, 48, DPY_FOURCC_XRGB8888, RED);
	test_buf_init(&b, 64, 48, DPY_FOURCC_ARGB8888, 0xff000000u | GREEN);
	test_buf_init(&c, 64, 48, DPY_FOURCC_XRGB8888, BLUE);
	test_buf_init(&d, 64, 48, DPY_FOURCC_XRGB8888, MAGENTA);

	/* Frame 1: modeset to the preferred mode. */
	const char *err = NULL;
	struct dpy_output_state s = state(64, 48, &a, NULL, 0);
	CHECK(out->impl->test(out, &s, &err), "test: %s", err ? err : "");
	CHECK_EQ_U(f.n_atomic_test, 1);
	CHECK(commit(out, s), "commit frame 1");
	CHECK_EQ_U(f.n_atomic, 1);
	uint32_t flags = f.last_atomic_flags;
	CHECK(flags & DRM_MODE_ATOMIC_ALLOW_MODESET, "first commit is a modeset");
	CHECK(flags & DRM_MODE_PAGE_FLIP_EVENT, "asks for a flip event");
	CHECK(flags & DRM_MODE_ATOMIC_NONBLOCK, "non-blocking");
	uint32_t crtc =
		(uint32_t)fake_drm_atomic_value(&f, FAKE_CONN_ID(0), FAKE_PROP_CONN_CRTC_ID, 0);
	CHECK(crtc >= FAKE_CRTC_ID(0) && crtc < FAKE_CRTC_ID(3), "connector routed to a CRTC");
	int ci = (int)(crtc - FAKE_CRTC_ID(0));
	CHECK_EQ_U(fake_drm_atomic_value(&f, crtc, FAKE_PROP_ACTIVE, 0), 1);
	CHECK_EQ_U(f.crtcs[ci].mode.hdisplay, 64);
	CHECK_EQ_U(f.crtcs[ci].mode.vdisplay, 48);
	uint32_t plane = FAKE_PLANE_ID(ci);
	CHECK(fake_drm_atomic_value(&f, plane, FAKE_PROP_FB_ID, 0) != 0,
	      "primary plane gets an fb");
	CHECK_EQ_U(fake_drm_atomic_value(&f, plane, FAKE_PROP_PLANE_CRTC_ID, 0), crtc);
	CHECK_EQ_U(fake_drm_atomic_value(&f, plane, FAKE_PROP_SRC_W, 0), 64u << 16);
	CHECK_EQ_U(fake_drm_atomic_value(&f, plane, FAKE_PROP_SRC_H, 0), 48u << 16);
	CHECK_EQ_U(fake_drm_atomic_value(&f, plane, FAKE_PROP_CRTC_W, 0), 64);
	CHECK_EQ_U(fake_drm_atomic_value(&f, plane, FAKE_PROP_CRTC_H, 0), 48);
	CHECK_EQ_U(scan_px(&f, ci, 5, 5), RED);
	CHECK_EQ_U(scan_px(&f, ci, 63, 47), RED);
	CHECK_EQ_U(r.presented, 0);
	CHECK_EQ_U(a.b.locks, 1);
	be->impl->dispatch(be);
	CHECK_EQ_U(r.presented, 1);

	/* Frame 2: a flip, no modeset; frame 1's buffer is released once 2 shows. */
	CHECK(commit(out, state(64, 48, &b, NULL, 0)), "commit frame 2");
	CHECK_EQ_U(f.n_atomic, 2);
	CHECK(!(f.last_atomic_flags & DRM_MODE_ATOMIC_ALLOW_MODESET), "plain flip");
	CHECK_EQ_U(a.released, 0);
	be->impl->dispatch(be);
	CHECK_EQ_U(r.presented, 2);
	CHECK_EQ_U(a.released, 1);
	CHECK_EQ_U(a.b.locks, 0);
	CHECK_EQ_U(b.b.locks, 1);
	CHECK_EQ_U(scan_px(&f, ci, 10, 10), GREEN);

	/* Frames 3 and 4 with damage: the buffer written for frame 4 last held frame 2,
	 * so it gets frame 3's and frame 4's damage from D and keeps green elsewhere,
	 * although D is magenta everywhere. Odd rectangles are clipped. */
	struct dpy_rect r3[] = {{8, 8, 10, 6}, {-5, -5, 8, 7}};
	struct dpy_rect r4[] = {{40, 30, 0xffffffffu, 0xffffffffu}, {20, 40, 4, 4}};
	CHECK(commit(out, state(64, 48, &c, r3, 2)), "commit frame 3");
	be->impl->dispatch(be);
	CHECK(commit(out, state(64, 48, &d, r4, 2)), "commit frame 4");
	be->impl->dispatch(be);
	CHECK_EQ_U(r.presented, 4);
	int wrong = 0;
	for (uint32_t y = 0; y < 48; y++) {
		for (uint32_t x = 0; x < 64; x++) {
			bool damaged = in_rect(x, y, &r3[0]) || in_rect(x, y, &r3[1]) ||
				       in_rect(x, y, &r4[0]) || in_rect(x, y, &r4[1]);
			wrong += scan_px(&f, ci, x, y) != (damaged ? MAGENTA : GREEN);
		}
	}
	CHECK_EQ_U(wrong, 0);
	CHECK_EQ_U(scan_px(&f, ci, 63, 47), MAGENTA);
	CHECK_EQ_U(scan_px(&f, ci, 0, 0), MAGENTA);
	CHECK_EQ_U(scan_px(&f, ci, 30, 20), GREEN);

	/* A commit while the flip is pending waits for it; the newest state wins. */
	CHECK(commit(out, state(64, 48, &a, NULL, 0)), "commit A");
	CHECK(commit(out, state(64, 48, &b, NULL, 0)), "commit B while A flips");
	CHECK(commit(out, state(64, 48, &c, NULL, 0)), "commit C replaces B");
	int atomics = f.n_atomic;
	CHECK_EQ_U(b.b.locks, 0);
	be->impl->dispatch(be); /* A shows, C goes out */
	CHECK_EQ_U(f.n_atomic, atomics + 1);
	CHECK_EQ_U(scan_px(&f, ci, 1, 1), BLUE);
	be->impl->dispatch(be);
	CHECK_EQ_U(r.presented, 6);

	/* No signal: the neutral frame. */
	CHECK(commit(out, state(64, 48, NULL, NULL, 0)), "no-signal commit");
	be->impl->dispatch(be);
	wrong = 0;
	for (uint32_t y = 0; y < 48; y++) {
		for (uint32_t x = 0; x < 64; x++) {
			wrong += scan_px(&f, ci, x, y) !=
				 (dpy_pixels_no_signal_at(x, y, 64, 48) & 0xffffffu);
		}
	}
	CHECK_EQ_U(wrong, 0);
	CHECK_EQ_U(c.b.locks, 0);

	/* xBGR buffers are swizzled to XRGB; a smaller buffer sits top-left on black. */
	struct test_buf small;
	test_buf_init(&small, 16, 8, DPY_FOURCC_XBGR8888, 0x000000ffu);
	CHECK(commit(out, state(64, 48, &small, NULL, 0)), "small xBGR buffer");
	be->impl->dispatch(be);
	CHECK_EQ_U(scan_px(&f, ci, 3, 3), RED);
	CHECK_EQ_U(scan_px(&f, ci, 20, 3), 0);
	CHECK_EQ_U(scan_px(&f, ci, 3, 20), 0);

	/* A mode change re-allocates the scanout buffers. */
	CHECK(commit(out, state(32, 24, &small, NULL, 0)), "switch to 32x24");
	CHECK(f.last_atomic_flags & DRM_MODE_ATOMIC_ALLOW_MODESET, "mode change is a modeset");
	be->impl->dispatch(be);
	CHECK_EQ_U(f.crtcs[ci].mode.hdisplay, 32);
	CHECK_EQ_U(scan_px(&f, ci, 3, 3), RED);

	/* Disabling switches the CRTC off and releases everything. */
	struct dpy_output_state off = {.enabled = false};
	CHECK(out->impl->commit(out, &off), "disable");
	be->impl->dispatch(be);
	CHECK(!f.crtcs[ci].active, "CRTC off");
	CHECK_EQ_U(small.b.locks, 0);
	be->impl->destroy(be);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	CHECK_EQ_U(a.b.locks + b.b.locks + c.b.locks + d.b.locks, 0);
	test_buf_finish(&a);
	test_buf_finish(&b);
	test_buf_finish(&c);
	test_buf_finish(&d);
	test_buf_finish(&small);
	fake_drm_finish(&f);
}

static void
test_cursor(void)
{
	struct fake_drm f;
	char why[256];
	make_device(&f, 3);
	struct dpy_backend *be = create(&f, false, 0, why);
	struct dpy_output *out = output_named(be, "DP-1");
	CHECK(commit(out, state(48, 32, NULL, NULL, 0)), "modeset");
	int ci = (int)(fake_drm_atomic_value(&f, FAKE_CONN_ID(1), FAKE_PROP_CONN_CRTC_ID, 0) -
		       FAKE_CRTC_ID(0));
	static uint32_t argb[64 * 64];
	for (int i = 0; i < 64 * 64; i++) {
		argb[i] = 0x80000000u | (uint32_t)i;
	}
	struct dpy_cursor cur = {
		.visible = true, .x = 20, .y = 10, .hot_x = 3, .hot_y = 4, .argb = argb};
	out->impl->set_cursor(out, &cur);
	struct fake_crtc *c = &f.crtcs[ci];
	CHECK(c->cursor_handle != 0, "cursor buffer set");
	CHECK_EQ_U(c->cursor_w, 64);
	CHECK_EQ_U(c->cursor_h, 64);
	CHECK_EQ_U(c->hot_x, 3);
	CHECK_EQ_U(c->hot_y, 4);
	CHECK_EQ_U(c->cursor_x, 17);
	CHECK_EQ_U(c->cursor_y, 6);
	struct fake_dumb *d = fake_drm_dumb(&f, c->cursor_handle);
	bool same = d != NULL;
	for (int y = 0; y < 64 && same; y++) {
		same = !memcmp(d->mem + (size_t)y * d->pitch, argb + y * 64, 256);
	}
	CHECK(same, "cursor image copied row by row");
	/* Moving keeps the image; hiding takes the buffer off. */
	cur.argb = NULL;
	cur.x = 30;
	out->impl->set_cursor(out, &cur);
	CHECK_EQ_U(c->cursor_x, 27);
	CHECK(c->cursor_handle != 0, "image kept");
	cur.visible = false;
	out->impl->set_cursor(out, &cur);
	CHECK_EQ_U(c->cursor_handle, 0);
	/* A hot spot beyond the image is clamped. */
	cur = (struct dpy_cursor){.visible = true, .hot_x = 1000, .hot_y = 70, .argb = argb};
	out->impl->set_cursor(out, &cur);
	CHECK_EQ_U(c->hot_x, 63);
	CHECK_EQ_U(c->hot_y, 63);
	be->impl->destroy(be);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	fake_drm_finish(&f);
}

static void
test_atomic_test_failure(void)
{
	struct fake_drm f;
	char why[256];
	make_device(&f, 3);
	struct dpy_backend *be = create(&f, false, 0, why);
	struct dpy_output *out = output_named(be, "HDMI-A-1");
	f.fail_atomic_test = true;
	const char *err = NULL;
	struct dpy_output_state s = state(64, 48, NULL, NULL, 0);
	CHECK(!out->impl->test(out, &s, &err), "kernel refusal fails the test");
	CHECK(err && strstr(err, "atomic test"), "why: %s", err ? err : "(null)");
	CHECK(!out->impl->commit(out, &s), "commit refused too");
	CHECK_EQ_U(f.n_atomic, 0);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	f.fail_atomic_test = false;
	CHECK(out->impl->commit(out, &s), "works once the kernel agrees");
	be->impl->destroy(be);
	fake_drm_finish(&f);
}

static void
test_legacy(void)
{
	struct fake_drm f;
	char why[256];
	struct rec r;
	make_device(&f, 3);
	f.atomic = false; /* the device refuses DRM_CLIENT_CAP_ATOMIC */
	struct dpy_backend *be = create(&f, false, 0, why);
	CHECK(!dpy_kms_backend_is_atomic(be), "legacy without the atomic cap");
	struct dpy_output *out = output_named(be, "HDMI-A-1");
	listen(out, &r);
	struct test_buf a;
	test_buf_init(&a, 64, 48, DPY_FOURCC_XRGB8888, RED);
	CHECK(commit(out, state(64, 48, &a, NULL, 0)), "legacy modeset");
	CHECK_EQ_U(f.n_set_crtc, 1);
	CHECK_EQ_U(f.n_atomic + f.n_atomic_test, 0);
	int ci = -1;
	for (int i = 0; i < 3; i++) {
		ci = f.crtcs[i].conn_id == FAKE_CONN_ID(0) ? i : ci;
	}
	CHECK(ci >= 0, "SetCrtc names the connector");
	CHECK_EQ_U(f.crtcs[ci].mode.hdisplay, 64);
	CHECK_EQ_U(scan_px(&f, ci, 2, 2), RED);
	CHECK_EQ_U(r.presented, 0);
	be->impl->dispatch(be);
	CHECK_EQ_U(r.presented, 1);
	CHECK(commit(out, state(64, 48, NULL, NULL, 0)), "legacy flip");
	CHECK_EQ_U(f.n_page_flip, 1);
	be->impl->dispatch(be);
	CHECK_EQ_U(r.presented, 2);
	CHECK_EQ_U(a.b.locks, 0);

	/* A failing flip fails the commit and locks nothing. */
	f.fail_page_flip = true;
	CHECK(!commit(out, state(64, 48, &a, NULL, 0)), "flip failure reported");
	CHECK_EQ_U(a.b.locks, 0);
	f.fail_page_flip = false;
	CHECK(commit(out, state(64, 48, &a, NULL, 0)), "flip works again");
	be->impl->dispatch(be);
	CHECK_EQ_U(scan_px(&f, ci, 2, 2), RED);
	be->impl->destroy(be);
	CHECK_EQ_U(a.b.locks, 0);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	test_buf_finish(&a);
	fake_drm_finish(&f);

	/* opts.legacy forces legacy on an atomic device. */
	make_device(&f, 3);
	be = create(&f, true, 0, why);
	CHECK(!dpy_kms_backend_is_atomic(be), "legacy on request");
	be->impl->destroy(be);
	fake_drm_finish(&f);
}

static void
test_hotplug(void)
{
	struct fake_drm f;
	char why[256];
	struct rec br = {0}, hr;
	make_device(&f, 2);
	struct dpy_backend *be = create(&f, false, 0, why);
	be->listener = (struct dpy_backend_listener){.output_added = on_added, .data = &br};
	struct dpy_output *hdmi = output_named(be, "HDMI-A-1");
	listen(hdmi, &hr);
	CHECK(commit(hdmi, state(64, 48, NULL, NULL, 0)), "HDMI on");
	be->impl->dispatch(be);

	/* VGA plugged in while both CRTCs are taken: no output yet. */
	f.conns[2].connected = true;
	dpy_kms_backend_reprobe(be);
	CHECK_EQ_U(br.added, 0);
	/* HDMI unplugged: removed, its CRTC is free, VGA gets it on the same re-probe. */
	f.conns[0].connected = false;
	dpy_kms_backend_reprobe(be);
	CHECK_EQ_U(hr.removed, 1);
	CHECK_EQ_U(br.added, 1);
	CHECK(br.last_added && !strcmp(br.last_added->name, "VGA-1"), "VGA-1 added");
	size_t n;
	be->impl->outputs(be, &n);
	CHECK_EQ_U(n, 2);
	CHECK(output_named(be, "HDMI-A-1") == NULL, "HDMI gone from outputs()");
	const char *err = NULL;
	struct dpy_output_state s = state(64, 48, NULL, NULL, 0);
	CHECK(!hdmi->impl->test(hdmi, &s, &err), "unplugged output refuses states");
	CHECK(err && strstr(err, "unplugged"), "why: %s", err ? err : "(null)");
	CHECK(br.last_added->preferred.width == 40, "VGA preferred mode");
	CHECK(commit(br.last_added, state(40, 30, NULL, NULL, 0)), "VGA modeset");

	/* The timer re-probes by itself. */
	be->impl->destroy(be);
	fake_drm_finish(&f);
	make_device(&f, 3);
	memset(&br, 0, sizeof(br));
	be = create(&f, false, 10, why);
	be->listener = (struct dpy_backend_listener){.output_added = on_added, .data = &br};
	f.conns[2].connected = true;
	for (int i = 0; i < 100 && !br.added; i++) {
		usleep(5000);
		be->impl->dispatch(be);
	}
	CHECK_EQ_U(br.added, 1);
	be->impl->destroy(be);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	fake_drm_finish(&f);
}

static void
test_bad_devices(void)
{
	struct fake_drm f;
	char why[256] = "";

	/* Nothing connected. */
	fake_drm_init(&f, "/dev/dri/card0", 2);
	fake_drm_add_conn(&f, DRM_MODE_CONNECTOR_HDMIA, 1, false, hdmi_modes, 1);
	CHECK(create(&f, false, 0, why) == NULL, "no connected connector");
	CHECK_CONTAINS(why, "no connected connector");
	CHECK(f.fd < 0, "device closed again");
	fake_drm_finish(&f);

	/* No such device. */
	make_device(&f, 2);
	f.path = "/dev/dri/card7";
	CHECK(create(&f, false, 0, why) == NULL, "open fails");
	CHECK_CONTAINS(why, "cannot open /dev/dri/card0");
	/* Auto-selection scans card0..15 and takes the one that works. */
	struct dpy_kms_options o = {.ops = &fake_drm_ops, .ops_data = &f};
	struct dpy_backend *be = dpy_kms_backend_create(&o, why, sizeof(why));
	CHECK(be != NULL, "auto-selected card7: %s", why);
	if (be) {
		be->impl->destroy(be);
	}
	f.path = NULL;
	CHECK(dpy_kms_backend_create(&o, why, sizeof(why)) == NULL, "no device at all");
	CHECK_CONTAINS(why, "no /dev/dri/card");
	fake_drm_finish(&f);

	/* Not a KMS device. */
	make_device(&f, 2);
	f.fail_resources = true;
	CHECK(create(&f, false, 0, why) == NULL, "no resources");
	CHECK_CONTAINS(why, "no modesetting resources");
	fake_drm_finish(&f);

	/* More connectors than CRTCs: the extra one gets no output. */
	make_device(&f, 1);
	be = create(&f, false, 0, why);
	size_t n;
	be->impl->outputs(be, &n);
	CHECK_EQ_U(n, 1);
	be->impl->destroy(be);
	fake_drm_finish(&f);
}

static void
test_bad_states(void)
{
	struct fake_drm f;
	char why[256];
	make_device(&f, 3);
	struct dpy_backend *be = create(&f, false, 0, why);
	struct dpy_output *out = output_named(be, "HDMI-A-1");
	struct test_buf t;
	test_buf_init(&t, 64, 48, DPY_FOURCC_XRGB8888, RED);
	const char *err;
	struct dpy_output_state s;
#define EXPECT_REFUSED(st, text)                                                  \
	do {                                                                      \
		err = NULL;                                                       \
		s = (st);                                                         \
		CHECK(!out->impl->test(out, &s, &err), "test refuses: %s", text); \
		CHECK(err &&strstr(err, text), "why: %s", err ? err : "(null)");  \
		CHECK(!out->impl->commit(out, &s), "commit refuses: %s", text);   \
	} while (0)

	EXPECT_REFUSED(state(100, 100, &t, NULL, 0), "mode not offered");
	t.b.stride = 64 * 4 - 4;
	EXPECT_REFUSED(state(64, 48, &t, NULL, 0), "stride");
	t.b.stride = 64 * 4 + 8;
	t.b.offset = UINT64_MAX - 8;
	EXPECT_REFUSED(state(64, 48, &t, NULL, 0), "overflow");
	t.b.offset = 16 + 9; /* the last row ends one byte past the memory */
	EXPECT_REFUSED(state(64, 48, &t, NULL, 0), "past the buffer");
	t.b.offset = 16;
	t.b.iov_count = 2;
	EXPECT_REFUSED(state(64, 48, &t, NULL, 0), "past the buffer");
	t.b.iov_count = 3;
	t.b.drm_format = DPY_FOURCC('N', 'V', '1', '2');
	EXPECT_REFUSED(state(64, 48, &t, NULL, 0), "format");
	t.b.drm_format = DPY_FOURCC_XRGB8888;
	t.b.width = 0;
	EXPECT_REFUSED(state(64, 48, &t, NULL, 0), "size");
	t.b.width = 100000;
	EXPECT_REFUSED(state(64, 48, &t, NULL, 0), "size");
	t.b.width = 64;
	EXPECT_REFUSED(state(64, 48, &t, NULL, 3), "damage count");
	CHECK(out->impl->test(out, &(struct dpy_output_state){.enabled = false}, NULL),
	      "NULL why is allowed");
	CHECK_EQ_U(t.b.locks, 0);
	CHECK_EQ_U(f.n_atomic, 0);

	/* Failing dumb-buffer allocation, fb creation and commit: false, nothing held. */
	f.fail_create_dumb = true;
	CHECK(!commit(out, state(64, 48, &t, NULL, 0)), "create_dumb failure");
	f.fail_create_dumb = false;
	f.fail_add_fb = true;
	CHECK(!commit(out, state(64, 48, &t, NULL, 0)), "add_fb failure");
	f.fail_add_fb = false;
	f.fail_atomic_commit = true;
	CHECK(!commit(out, state(64, 48, &t, NULL, 0)), "atomic commit failure");
	f.fail_atomic_commit = false;
	CHECK_EQ_U(t.b.locks, 0);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	CHECK(commit(out, state(64, 48, &t, NULL, 0)), "recovers");
	be->impl->dispatch(be);
	CHECK_EQ_U(t.b.locks, 1);
	/* Destroying the backend with a frame on screen releases it. */
	be->impl->destroy(be);
	CHECK_EQ_U(t.b.locks, 0);
	CHECK_EQ_U(t.released, 1);
	CHECK_EQ_U(fake_drm_live_dumbs(&f), 0);
	test_buf_finish(&t);
	fake_drm_finish(&f);
}

int
main(void)
{
	test_enumerate();
	test_atomic_frames();
	test_cursor();
	test_atomic_test_failure();
	test_legacy();
	test_hotplug();
	test_bad_devices();
	test_bad_states();
	return vgp_test_result("test-kms");
}
