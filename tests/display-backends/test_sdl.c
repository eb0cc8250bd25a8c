/*
 * pvgpu tests — the SDL output backend under X (run by run-sdl-test.py, which
 * starts a private Xvfb): two windows show distinct committed frames (window
 * screenshots by pvgpu-x11shot compared pixel by pixel), a NULL buffer shows the
 * no-signal frame, retitling, a resize reports mode_changed, Ctrl+Alt+N typed
 * through XTest reports cycle_requested, the guest cursor becomes the SDL cursor,
 * WM_DELETE_WINDOW reports removed.
 *
 * Usage: test-sdl --x11shot PATH --tmp DIR   (DISPLAY must name an X server)
 */
#include <SDL.h>
#include <SDL_syswm.h>
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>
#include <png.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dpy_sdl.h"
#include "test_buf.h"
#include "vgp_test.h"

#define W 160u
#define H 120u
#define RED 0x00ff0000u
#define BLUE 0x000000ffu

struct rec {
	int presented, mode_changed, cycle, removed;
	struct dpy_mode mode;
};

static void
on_presented(struct dpy_output *out, void *data)
{
	((struct rec *)data)->presented++;
}

static void
on_mode_changed(struct dpy_output *out, const struct dpy_mode *mode, void *data)
{
	struct rec *r = data;
	r->mode_changed++;
	r->mode = *mode;
}

static void
on_cycle(struct dpy_output *out, void *data)
{
	((struct rec *)data)->cycle++;
}

static void
on_removed(struct dpy_output *out, void *data)
{
	((struct rec *)data)->removed++;
}

/* Runs the backend's loop for `ms` milliseconds or until *flag becomes nonzero. */
static void
pump(struct dpy_backend *be, int ms, const int *flag)
{
	for (int t = 0; t < ms && !(flag && *flag); t += 10) {
		struct pollfd p = {.fd = be->impl->get_fd(be), .events = POLLIN};
		poll(&p, 1, 10);
		be->impl->dispatch(be);
	}
}

/* The window screenshot as packed RGB, via the pvgpu-x11shot tool. */
static uint8_t *
shoot(const char *x11shot, const char *dir, const char *window, uint32_t *w, uint32_t *h)
{
	char out[512], arg[160];
	snprintf(out, sizeof(out), "%s/shot.png", dir);
	snprintf(arg, sizeof(arg), "--window=%s", window);
	pid_t pid = fork();
	if (pid == 0) {
		execl(x11shot, "pvgpu-x11shot", arg, out, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		return NULL;
	}
	png_image img = {.version = PNG_IMAGE_VERSION};
	if (!png_image_begin_read_from_file(&img, out)) {
		return NULL;
	}
	img.format = PNG_FORMAT_RGB;
	uint8_t *px = malloc(PNG_IMAGE_SIZE(img));
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		free(px);
		png_image_free(&img);
		return NULL;
	}
	*w = img.width;
	*h = img.height;
	return px;
}

static uint32_t
rgb_at(const uint8_t *px, uint32_t w, uint32_t x, uint32_t y)
{
	const uint8_t *p = px + ((size_t)y * w + x) * 3;
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* Pixels of the screenshot of `window` that differ from expect(x, y). */
static int
compare(const char *x11shot, const char *dir, const char *window,
	uint32_t (*expect)(uint32_t x, uint32_t y))
{
	uint32_t w = 0, h = 0;
	uint8_t *px = shoot(x11shot, dir, window, &w, &h);
	CHECK(px != NULL, "screenshot of '%s'", window);
	if (!px) {
		return -1;
	}
	CHECK(w == W && h == H, "'%s' is %ux%u", window, w, h);
	int wrong = 0;
	for (uint32_t y = 0; y < H && y < h; y++) {
		for (uint32_t x = 0; x < W && x < w; x++) {
			if (rgb_at(px, w, x, y) != expect(x, y)) {
				if (wrong++ < 3) {
					fprintf(stderr, "  '%s' (%u,%u) = %06x, expected %06x\n",
						window, x, y, rgb_at(px, w, x, y), expect(x, y));
				}
			}
		}
	}
	free(px);
	return wrong;
}

static uint32_t
expect_halves(uint32_t x, uint32_t y)
{
	return x < W / 2 ? RED : BLUE;
}

static uint32_t
expect_quadrants(uint32_t x, uint32_t y)
{
	return (x < W / 2) == (y < H / 2) ? 0x00ff00u : 0xffffffu;
}

static uint32_t
expect_no_signal(uint32_t x, uint32_t y)
{
	return dpy_pixels_no_signal_at(x, y, W, H) & 0xffffffu;
}

/* The SDL window whose title ends with `suffix` (same process as the backend). */
static SDL_Window *
sdl_window(const char *suffix)
{
	for (Uint32 id = 1; id < 64; id++) {
		SDL_Window *win = SDL_GetWindowFromID(id);
		const char *t = win ? SDL_GetWindowTitle(win) : NULL;
		if (t && strlen(t) >= strlen(suffix) &&
		    !strcmp(t + strlen(t) - strlen(suffix), suffix)) {
			return win;
		}
	}
	return NULL;
}

static Window
x11_window(SDL_Window *win)
{
	SDL_SysWMinfo info;
	SDL_VERSION(&info.version);
	return win && SDL_GetWindowWMInfo(win, &info) && info.subsystem == SDL_SYSWM_X11
		       ? info.info.x11.window
		       : 0;
}

static void
press_hotkey(Display *x, Window target)
{
	XSetInputFocus(x, target, RevertToParent, CurrentTime);
	XSync(x, False);
	KeyCode ctrl = XKeysymToKeycode(x, XK_Control_L), alt = XKeysymToKeycode(x, XK_Alt_L);
	KeyCode n = XKeysymToKeycode(x, XK_n);
	XTestFakeKeyEvent(x, ctrl, True, 0);
	XTestFakeKeyEvent(x, alt, True, 0);
	XTestFakeKeyEvent(x, n, True, 0);
	XTestFakeKeyEvent(x, n, False, 0);
	XTestFakeKeyEvent(x, alt, False, 0);
	XTestFakeKeyEvent(x, ctrl, False, 0);
	XSync(x, False);
}

static void
close_window(Display *x, Window target)
{
	XEvent ev = {0};
	ev.xclient.type = ClientMessage;
	ev.xclient.window = target;
	ev.xclient.message_type = XInternAtom(x, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = (long)XInternAtom(x, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	XSendEvent(x, target, False, NoEventMask, &ev);
	XSync(x, False);
}

int
main(int argc, char **argv)
{
	const char *x11shot = NULL, *dir = "/tmp";
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--x11shot")) {
			x11shot = argv[i + 1];
		} else if (!strcmp(argv[i], "--tmp")) {
			dir = argv[i + 1];
		}
	}
	if (!getenv("DISPLAY") || !x11shot) {
		printf("SKIP: needs DISPLAY and --x11shot (run through run-sdl-test.py)\n");
		return 77;
	}
	Display *x = XOpenDisplay(NULL);
	if (!x) {
		printf("SKIP: cannot open the X display\n");
		return 77;
	}
	int ev_base, err_base, major, minor;
	bool xtest = XTestQueryExtension(x, &ev_base, &err_base, &major, &minor);

	char why[256] = "";
	struct dpy_sdl_options o = {.n_outputs = 2,
				    .title_prefix = "pvgpu-test",
				    .width = W,
				    .height = H,
				    .render_driver = "software"};
	struct dpy_backend *be = dpy_sdl_backend_create(&o, why, sizeof(why));
	CHECK(be != NULL, "create: %s", why);
	if (!be) {
		return vgp_test_result("test-sdl");
	}
	size_t n;
	struct dpy_output **outs = be->impl->outputs(be, &n);
	CHECK_EQ_U(n, 2);
	struct dpy_output *o1 = outs[0], *o2 = outs[1];
	CHECK(!strcmp(o1->name, "SDL-1") && !strcmp(o2->name, "SDL-2"), "names SDL-1, SDL-2");
	CHECK(o1->preferred.width == W && o1->preferred.height == H, "preferred = window size");
	struct rec r1 = {0}, r2 = {0};
	o1->listener = (struct dpy_output_listener){on_presented, on_mode_changed, on_cycle,
						    on_removed, &r1};
	o2->listener = (struct dpy_output_listener){on_presented, on_mode_changed, on_cycle,
						    on_removed, &r2};
	pump(be, 300, NULL); /* windows mapped */

	/* Bad options and states. */
	struct dpy_sdl_options bad = {.n_outputs = 0};
	CHECK(dpy_sdl_backend_create(&bad, why, sizeof(why)) == NULL, "0 outputs refused");
	CHECK_CONTAINS(why, "output count");
	struct test_buf t1, t2;
	test_buf_init(&t1, W, H, DPY_FOURCC_XRGB8888, BLUE);
	test_buf_fill_rect(&t1, 0, 0, W / 2, H, RED);
	const char *err = NULL;
	t1.b.stride = 4;
	struct dpy_output_state s1 = {.enabled = true, .mode = {W, H, 0}, .buffer = &t1.b};
	CHECK(!o1->impl->test(o1, &s1, &err) && err && strstr(err, "stride"), "bad stride");
	CHECK(!o1->impl->commit(o1, &s1), "bad stride not committed");
	t1.b.stride = W * 4 + 8;

	/* Two windows, two different frames. The xBGR buffer's green/white swizzle. */
	test_buf_init(&t2, W, H, DPY_FOURCC_XBGR8888, 0x00ffffffu);
	test_buf_fill_rect(&t2, 0, 0, W / 2, H / 2, 0x0000ff00u);
	test_buf_fill_rect(&t2, W / 2, H / 2, W / 2, H / 2, 0x0000ff00u);
	struct dpy_output_state s2 = {.enabled = true, .mode = {W, H, 0}, .buffer = &t2.b};
	CHECK(o1->impl->commit(o1, &s1), "commit SDL-1");
	CHECK(o2->impl->commit(o2, &s2), "commit SDL-2");
	CHECK_EQ_U(t1.b.locks, 1);
	pump(be, 100, NULL);
	CHECK_EQ_U(r1.presented, 1);
	CHECK_EQ_U(r2.presented, 1);
	CHECK_EQ_U(compare(x11shot, dir, "pvgpu-test SDL-1", expect_halves), 0);
	CHECK_EQ_U(compare(x11shot, dir, "pvgpu-test SDL-2", expect_quadrants), 0);

	/* Damage only: the window keeps what lies outside the rectangle. */
	test_buf_fill_rect(&t1, 0, 0, W, H, 0x00123456u);
	struct dpy_rect dmg = {W / 2, 0, W / 2, H};
	test_buf_fill_rect(&t1, W / 2, 0, W / 2, H, BLUE);
	s1.damage = &dmg;
	s1.damage_count = 1;
	CHECK(o1->impl->commit(o1, &s1), "damage commit");
	pump(be, 50, NULL);
	CHECK_EQ_U(compare(x11shot, dir, "pvgpu-test SDL-1", expect_halves), 0);

	/* Retitled by the owner. */
	CHECK(dpy_sdl_output_set_title(o1, "pvgpu VM vm1 scanout 0 on SDL-1"), "set_title");
	CHECK(!dpy_sdl_output_set_title(NULL, "x"), "set_title(NULL) refused");
	pump(be, 100, NULL);
	CHECK_EQ_U(compare(x11shot, dir, "pvgpu VM vm1 scanout 0 on SDL-1", expect_halves), 0);

	/* No signal. */
	struct dpy_output_state idle = {.enabled = true, .mode = {W, H, 0}};
	CHECK(o2->impl->commit(o2, &idle), "no-signal commit");
	pump(be, 50, NULL);
	CHECK_EQ_U(t2.b.locks, 0);
	CHECK_EQ_U(t2.released, 1);
	CHECK_EQ_U(compare(x11shot, dir, "pvgpu-test SDL-2", expect_no_signal), 0);

	/* Resize → mode_changed with the new size. */
	SDL_Window *w2 = sdl_window("SDL-2");
	Window x2 = x11_window(w2);
	CHECK(x2 != 0, "X window of SDL-2");
	XResizeWindow(x, x2, 200, 150);
	XSync(x, False);
	pump(be, 2000, &r2.mode_changed);
	CHECK_EQ_U(r2.mode_changed, 1);
	CHECK(r2.mode.width == 200 && r2.mode.height == 150, "new mode %ux%u", r2.mode.width,
	      r2.mode.height);
	CHECK(o2->preferred.width == 200, "preferred follows the window");

	/* Ctrl+Alt+N → cycle_requested on that window only. */
	Window x1 = x11_window(sdl_window("SDL-1"));
	if (xtest) {
		press_hotkey(x, x1);
		pump(be, 2000, &r1.cycle);
		CHECK_EQ_U(r1.cycle, 1);
		CHECK_EQ_U(r2.cycle, 0);
	} else {
		printf("note: no XTEST extension: hotkey not typed\n");
	}

	/* Cursor: the guest image becomes the SDL cursor while the pointer is inside. */
	static uint32_t argb[64 * 64];
	for (int i = 0; i < 64 * 64; i++) {
		argb[i] = 0xff00ff00u;
	}
	struct dpy_cursor cur = {.visible = true, .hot_x = 2, .hot_y = 2, .argb = argb};
	o1->impl->set_cursor(o1, &cur);
	if (xtest) {
		XWindowAttributes wa;
		XGetWindowAttributes(x, x1, &wa);
		int rx, ry;
		Window child;
		XTranslateCoordinates(x, x1, DefaultRootWindow(x), 10, 10, &rx, &ry, &child);
		XTestFakeMotionEvent(x, -1, rx, ry, 0);
		XSync(x, False);
		pump(be, 300, NULL);
		CHECK(SDL_GetMouseFocus() == sdl_window("SDL-1"), "pointer in SDL-1");
		CHECK(SDL_GetCursor() != SDL_GetDefaultCursor(), "guest cursor shown");
	}
	cur.visible = false;
	cur.argb = NULL;
	o1->impl->set_cursor(o1, &cur);

	/* Closing a window → removed; the output leaves outputs(). */
	close_window(x, x2);
	pump(be, 2000, &r2.removed);
	CHECK_EQ_U(r2.removed, 1);
	be->impl->outputs(be, &n);
	CHECK_EQ_U(n, 1);
	CHECK(!o2->impl->commit(o2, &idle), "removed output refuses commits");

	be->impl->destroy(be);
	CHECK_EQ_U(t1.b.locks, 0);
	test_buf_finish(&t1);
	test_buf_finish(&t2);
	XCloseDisplay(x);
	return vgp_test_result("test-sdl");
}
