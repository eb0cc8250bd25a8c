/*
 * pvgpu tests — the display router over headless outputs: the free-output
 * policy, assign, next, "no signal", pacing, mode changes reaching the VM,
 * a VM leaving (its outputs go to no signal, the other VM is untouched) and
 * coming back (it gets its outputs back), and refused input.
 */
#include <stdio.h>

#include "dpy_headless.h"
#include "dpy_test_util.h"
#include "vgp_test.h"

struct fake_vm {
	const char *name;
	struct dpy_vm *vm;
	unsigned presented[DPY_MAX_SCANOUTS];
	unsigned modes[DPY_MAX_SCANOUTS];
	struct dpy_mode mode[DPY_MAX_SCANOUTS];
	const uint8_t *edid[DPY_MAX_SCANOUTS];
	size_t edid_len[DPY_MAX_SCANOUTS];
};

static void
fake_set_mode(struct dpy_vm *vm, uint32_t s, const struct dpy_mode *mode, const uint8_t *edid,
	      size_t edid_len, void *data)
{
	struct fake_vm *f = data;
	(void)vm;
	f->modes[s]++;
	f->mode[s] = *mode;
	f->edid[s] = edid;
	f->edid_len[s] = edid_len;
}

static void
fake_presented(struct dpy_vm *vm, uint32_t s, void *data)
{
	struct fake_vm *f = data;
	(void)vm;
	f->presented[s]++;
}

static const struct dpy_vm_impl fake_impl = {.set_mode = fake_set_mode,
					     .presented = fake_presented};

struct env {
	struct dpy_backend *be;
	struct dpy_router *r;
	struct dpy_output **outs;
};

static void
env_init(struct env *e, unsigned n)
{
	struct dpy_mode mode = {64, 48, 60000};
	e->be = dpy_headless_create(n, &mode);
	e->r = dpy_router_create();
	CHECK(e->be && e->r, "setup");
	CHECK(dpy_router_add_backend(e->r, e->be), "add backend");
	size_t count;
	e->outs = e->be->impl->outputs(e->be, &count);
	CHECK_EQ_U(count, n);
}

static void
env_finish(struct env *e)
{
	dpy_router_destroy(e->r);
	e->be->impl->destroy(e->be);
}

/* The colour output `i` shows at 0,0 (0x00RRGGBB), or ~0 on failure. */
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

static const char *
route_vm(struct env *e, unsigned i, uint32_t *scanout)
{
	struct dpy_route rt;
	dpy_router_route(e->r, i, &rt);
	*scanout = rt.scanout;
	return rt.vm ? rt.vm : "-";
}

#define CHECK_ROUTE(e, i, want_vm, want_s)                                                  \
	do {                                                                                \
		uint32_t s_;                                                                \
		const char *v_ = route_vm(e, i, &s_);                                       \
		CHECK(!strcmp(v_, want_vm) && (!strcmp(v_, "-") || s_ == (want_s)),         \
		      "output %u shows %s:%u, expected %s:%u", i, v_, s_, want_vm, want_s); \
	} while (0)

static struct fake_vm *
add_vm(struct env *e, struct fake_vm *f, const char *name, uint32_t n)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	const char *why = "?";
	f->vm = dpy_router_vm_add(e->r, name, n, &fake_impl, f, &why);
	CHECK(f->vm != NULL, "vm_add %s: %s", name, why);
	return f;
}

static void
test_policy_frames_and_pacing(void)
{
	struct env e;
	env_init(&e, 4);
	uint32_t nosig = (dpy_pixels_no_signal_at(0, 0, 64, 48) & 0xffffffu);
	CHECK_EQ_U(shown(&e, 0), nosig);

	struct fake_vm a, b;
	add_vm(&e, &a, "A", 2);
	add_vm(&e, &b, "B", 2);
	CHECK_ROUTE(&e, 0, "A", 0);
	CHECK_ROUTE(&e, 1, "A", 1);
	CHECK_ROUTE(&e, 2, "B", 0);
	CHECK_ROUTE(&e, 3, "B", 1);
	/* Each scanout got the mode of the output it landed on. */
	CHECK(a.modes[0] == 1 && a.mode[0].width == 64 && a.mode[0].height == 48, "A:0 mode");
	CHECK(b.modes[1] == 1, "B:1 mode");

	struct test_frame *fa0 = test_frame_new(64, 48, 0x112233);
	struct test_frame *fb0 = test_frame_new(32, 16, 0x445566);
	dpy_router_vm_frame(a.vm, 0, &fa0->buf, NULL, 0);
	dpy_router_vm_frame(b.vm, 0, &fb0->buf, NULL, 0);
	/* Pacing: presented only once the output reported the frame on screen. */
	CHECK_EQ_U(a.presented[0], 0);
	e.be->impl->dispatch(e.be);
	CHECK_EQ_U(a.presented[0], 1);
	CHECK_EQ_U(b.presented[0], 1);
	CHECK_EQ_U(shown(&e, 0), 0x112233);
	CHECK_EQ_U(shown(&e, 2), 0x445566);
	CHECK_EQ_U(shown(&e, 1), nosig); /* A:1 has no frame yet */

	/* Damage on the same buffer commits again and is paced again. */
	struct dpy_rect d = {1, 1, 4, 4};
	fa0->px[0] = 0x00ff00;
	dpy_router_vm_frame(a.vm, 0, &fa0->buf, &d, 1);
	e.be->impl->dispatch(e.be);
	CHECK_EQ_U(a.presented[0], 2);
	CHECK_EQ_U(shown(&e, 0), 0x00ff00);

	/* A scanout shown nowhere is presented at once. */
	CHECK(dpy_router_assign(e.r, "HEADLESS-2", NULL, 0, &(const char *){0}), "unassign");
	struct test_frame *fa1 = test_frame_new(8, 8, 0x778899);
	dpy_router_vm_frame(a.vm, 1, &fa1->buf, NULL, 0);
	CHECK_EQ_U(a.presented[1], 1);
	CHECK_EQ_U(shown(&e, 1), nosig);

	/* Assign B:0 to A's first output and back; the scanout may mirror. */
	const char *why = NULL;
	CHECK(dpy_router_assign(e.r, "HEADLESS-1", "B", 0, &why), "assign: %s", why);
	CHECK_ROUTE(&e, 0, "B", 0);
	CHECK_EQ_U(shown(&e, 0), 0x445566);
	CHECK_EQ_U(shown(&e, 2), 0x445566);
	CHECK(dpy_router_assign(e.r, "HEADLESS-1", "A", 0, &why), "assign back");
	CHECK_EQ_U(shown(&e, 0), 0x00ff00);

	/* next: A -> B (its scanout with a frame) -> A (the scanout A showed there). */
	CHECK(dpy_router_next(e.r, "HEADLESS-1", &why), "next");
	CHECK_ROUTE(&e, 0, "B", 0);
	CHECK(dpy_router_next(e.r, "HEADLESS-1", &why), "next");
	CHECK_ROUTE(&e, 0, "A", 0);
	/* next on an output with nothing cycles to the first VM with a frame. */
	CHECK(dpy_router_next(e.r, "HEADLESS-2", &why), "next");
	CHECK_ROUTE(&e, 1, "A", 1);

	/* Refused control input. */
	CHECK(!dpy_router_assign(e.r, "HEADLESS-9", "A", 0, &why), "unknown output");
	CHECK(!dpy_router_assign(e.r, "HEADLESS-1", "C", 0, &why), "unknown VM");
	CHECK(!dpy_router_assign(e.r, "HEADLESS-1", "A", 2, &why), "scanout out of range");
	CHECK(!dpy_router_next(e.r, "nope", &why), "next on an unknown output");
	CHECK_ROUTE(&e, 0, "A", 0);

	/* A leaves: its outputs show no signal, B's are not even re-committed. */
	unsigned long c3 = dpy_headless_commits(e.outs[2]), c4 = dpy_headless_commits(e.outs[3]);
	dpy_router_vm_remove(e.r, a.vm);
	e.be->impl->dispatch(e.be);
	CHECK_ROUTE(&e, 0, "-", 0);
	CHECK_ROUTE(&e, 1, "-", 0);
	CHECK_EQ_U(shown(&e, 0), nosig);
	CHECK_EQ_U(shown(&e, 2), 0x445566);
	CHECK_EQ_U(dpy_headless_commits(e.outs[2]), c3);
	CHECK_EQ_U(dpy_headless_commits(e.outs[3]), c4);
	CHECK_EQ_U(fa0->releases, 1); /* nothing holds A's buffers any more */
	CHECK_EQ_U(fa1->releases, 1);
	CHECK_EQ_U(dpy_router_vm_count(e.r), 1);

	/* A new VM C takes outputs nobody remembers first: none here, so the
	 * free ones; but A reconnecting first gets its own outputs back. */
	struct fake_vm a2;
	add_vm(&e, &a2, "A", 2);
	CHECK_ROUTE(&e, 0, "A", 0);
	CHECK_ROUTE(&e, 1, "A", 1);
	CHECK_ROUTE(&e, 2, "B", 0);

	dpy_router_vm_remove(e.r, b.vm);
	CHECK_EQ_U(fb0->releases, 1);
	env_finish(&e);
	test_frame_free(fa0);
	test_frame_free(fa1);
	test_frame_free(fb0);
}

static void
test_modes_and_refusals(void)
{
	struct env e;
	env_init(&e, 2);
	struct fake_vm a, b, c;
	add_vm(&e, &a, "A", 1);
	/* A resize of the output reaches the VM scanout shown there. */
	struct dpy_mode m = {100, 80, 0};
	CHECK(dpy_headless_set_mode(e.outs[0], &m), "set mode");
	CHECK(a.modes[0] == 2 && a.mode[0].width == 100 && a.mode[0].height == 80,
	      "new mode %ux%u after %u calls", a.mode[0].width, a.mode[0].height, a.modes[0]);
	/* ... and the output shows no signal at the new size meanwhile. */
	uint32_t w, h;
	uint8_t *px;
	CHECK(dpy_headless_snapshot(e.outs[0], &w, &h, &px), "snapshot");
	CHECK(w == 100 && h == 80, "no-signal frame is %ux%u", w, h);
	free(px);
	struct dpy_mode bad = {0, 80, 0};
	CHECK(!dpy_headless_set_mode(e.outs[0], &bad), "zero width refused");

	const char *why = NULL;
	CHECK(!dpy_router_vm_add(e.r, "A", 1, &fake_impl, &c, &why), "duplicate name");
	CHECK(!dpy_router_vm_add(e.r, "", 1, &fake_impl, &c, &why), "empty name");
	CHECK(!dpy_router_vm_add(e.r, "X", 0, &fake_impl, &c, &why), "no scanouts");
	CHECK(!dpy_router_vm_add(e.r, "X", 17, &fake_impl, &c, &why), "17 scanouts");

	/* Two outputs, three scanouts: the last one is shown nowhere. */
	add_vm(&e, &b, "B", 2);
	CHECK_ROUTE(&e, 1, "B", 0);
	struct dpy_vm_info vi;
	CHECK(dpy_router_vm_info(e.r, 1, &vi), "info");
	CHECK(vi.scanouts[1].output == -1, "B:1 shown nowhere");

	/* A buffer the output refuses (unknown format) falls back to no signal. */
	struct test_frame *f = test_frame_new(8, 8, 0x123456);
	f->buf.drm_format = 0x20202020;
	dpy_router_vm_frame(b.vm, 0, &f->buf, NULL, 0);
	e.be->impl->dispatch(e.be);
	CHECK(b.presented[0] == 1, "a refused frame still completes");
	CHECK(dpy_headless_snapshot(e.outs[1], &w, &h, &px), "snapshot");
	CHECK_EQ_U(px[0] | px[1] << 8 | px[2] << 16,
		   (dpy_pixels_no_signal_at(0, 0, w, h) & 0xffffffu));
	free(px);
	/* Out-of-range scanouts are ignored. */
	dpy_router_vm_frame(b.vm, 5, &f->buf, NULL, 0);
	CHECK_EQ_U(b.presented[5], 0);

	/* The headless backend rejects bad creation arguments. */
	CHECK(!dpy_headless_create(0, &m), "no outputs");
	CHECK(!dpy_headless_create(65, &m), "too many outputs");
	CHECK(!dpy_headless_create(1, &bad), "bad mode");
	env_finish(&e);
	CHECK_EQ_U(f->releases, 1);
	test_frame_free(f);
}

/* A monitor's EDID (KMS get_edid) goes with the mode to the scanout it shows;
 * outputs without one send none, so the device derives its own. */
static const uint8_t monitor_edid[128] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x42};

static const uint8_t *
monitor_get_edid(struct dpy_output *out, size_t *len)
{
	(void)out;
	*len = sizeof(monitor_edid);
	return monitor_edid;
}

static void
test_monitor_edid(void)
{
	struct env e;
	env_init(&e, 2);
	static struct dpy_output_impl with_edid;
	with_edid = *e.outs[0]->impl;
	with_edid.get_edid = monitor_get_edid;
	e.outs[0]->impl = &with_edid;
	struct fake_vm a;
	add_vm(&e, &a, "A", 2);
	CHECK(a.edid[0] == monitor_edid && a.edid_len[0] == 128, "scanout 0 got %zu bytes",
	      a.edid_len[0]);
	CHECK(a.edid[1] == NULL && a.edid_len[1] == 0, "scanout 1 got an EDID");
	dpy_router_vm_remove(e.r, a.vm);
	env_finish(&e);
}

int
main(void)
{
	test_policy_frames_and_pacing();
	test_modes_and_refusals();
	test_monitor_edid();
	return vgp_test_result("dpy-router");
}
