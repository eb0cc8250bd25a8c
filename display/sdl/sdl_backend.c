/*
 * pvgpu display — SDL backend: SDL start-up, windows, and the event pump behind
 * get_fd/dispatch (a timerfd, since SDL has no pollable fd).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "sdl_priv.h"

static const struct dpy_backend_impl sdl_backend_impl;

static struct sdl_backend *
sdl_backend(struct dpy_backend *be)
{
	return be && be->impl == &sdl_backend_impl ? (struct sdl_backend *)be : NULL;
}

static struct sdl_output *
find_window(struct sdl_backend *be, Uint32 win_id)
{
	for (unsigned i = 0; i < be->n_outs; i++) {
		if (be->outs[i] && !be->outs[i]->removed && be->outs[i]->win_id == win_id) {
			return be->outs[i];
		}
	}
	return NULL;
}

static struct dpy_output **
handle_outputs(struct dpy_backend *base, size_t *n)
{
	struct sdl_backend *be = sdl_backend(base);
	size_t count = 0;
	for (unsigned i = 0; i < be->n_outs; i++) {
		if (be->outs[i] && !be->outs[i]->removed) {
			be->live[count++] = &be->outs[i]->base;
		}
	}
	*n = count;
	return be->live;
}

static int
handle_get_fd(struct dpy_backend *base)
{
	return sdl_backend(base)->timer_fd;
}

static void
handle_window_event(struct sdl_output *so, const SDL_WindowEvent *ev)
{
	struct dpy_output_listener *l = &so->base.listener;
	switch (ev->event) {
	case SDL_WINDOWEVENT_SIZE_CHANGED: {
		struct dpy_mode mode = {(uint32_t)ev->data1, (uint32_t)ev->data2, 0};
		sdl_output_redraw(so);
		if (ev->data1 > 0 && ev->data2 > 0 &&
		    (mode.width != so->base.preferred.width ||
		     mode.height != so->base.preferred.height)) {
			so->base.preferred = mode;
			if (l->mode_changed) {
				l->mode_changed(&so->base, &mode, l->data);
			}
		}
		break;
	}
	case SDL_WINDOWEVENT_EXPOSED:
		sdl_output_redraw(so);
		break;
	case SDL_WINDOWEVENT_ENTER:
		sdl_output_apply_cursor(so);
		break;
	case SDL_WINDOWEVENT_CLOSE:
		/* The window stays allocated (hidden) until the backend goes: the owner may
		 * still hold the output while it handles `removed`. */
		SDL_HideWindow(so->win);
		so->removed = true;
		so->present_pending = false;
		if (l->removed) {
			l->removed(&so->base, l->data);
		}
		break;
	default:
		break;
	}
}

static bool
is_cycle_hotkey(const SDL_KeyboardEvent *key)
{
	return key->keysym.sym == SDLK_n && (key->keysym.mod & KMOD_CTRL) &&
	       (key->keysym.mod & KMOD_ALT) && !key->repeat;
}

static void
handle_event(struct sdl_backend *be, const SDL_Event *ev)
{
	struct sdl_output *so;
	switch (ev->type) {
	case SDL_WINDOWEVENT:
		so = find_window(be, ev->window.windowID);
		if (so) {
			handle_window_event(so, &ev->window);
		}
		break;
	case SDL_KEYDOWN:
		so = find_window(be, ev->key.windowID);
		if (so && is_cycle_hotkey(&ev->key) && so->base.listener.cycle_requested) {
			so->base.listener.cycle_requested(&so->base, so->base.listener.data);
		}
		break;
	default:
		/* SDL_QUIT after the last window closed is covered by the CLOSE events. */
		break;
	}
}

static void
handle_dispatch(struct dpy_backend *base)
{
	struct sdl_backend *be = sdl_backend(base);
	uint64_t ticks;
	/* Non-blocking timerfd: EAGAIN just means dispatch ran before the tick. */
	while (read(be->timer_fd, &ticks, sizeof(ticks)) < 0 && errno == EINTR) {
	}
	SDL_Event ev;
	while (SDL_PollEvent(&ev)) {
		handle_event(be, &ev);
	}
	for (unsigned i = 0; i < be->n_outs; i++) {
		struct sdl_output *so = be->outs[i];
		if (so && so->present_pending) {
			so->present_pending = false;
			if (so->base.listener.presented) {
				so->base.listener.presented(&so->base, so->base.listener.data);
			}
		}
	}
}

static void
handle_destroy(struct dpy_backend *base)
{
	struct sdl_backend *be = sdl_backend(base);
	if (!be) {
		return;
	}
	for (unsigned i = 0; i < be->n_outs; i++) {
		sdl_output_free(be->outs[i]);
	}
	if (be->timer_fd >= 0) {
		close(be->timer_fd);
	}
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	SDL_Quit();
	free(be);
}

static const struct dpy_backend_impl sdl_backend_impl = {
	.outputs = handle_outputs,
	.get_fd = handle_get_fd,
	.dispatch = handle_dispatch,
	.destroy = handle_destroy,
};

static int
timer_create_hz(unsigned hz)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	long ns = 1000000000L / (long)hz;
	struct itimerspec its = {
		.it_interval = {ns / 1000000000L, ns % 1000000000L},
		.it_value = {ns / 1000000000L, ns % 1000000000L},
	};
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
set_why(char *why, size_t why_len, const char *what, const char *detail)
{
	if (why && why_len) {
		snprintf(why, why_len, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
	}
}

struct dpy_backend *
dpy_sdl_backend_create(const struct dpy_sdl_options *opts, char *why, size_t why_len)
{
	if (!opts || !opts->n_outputs || opts->n_outputs > DPY_SDL_MAX_OUTPUTS) {
		set_why(why, why_len, "sdl: output count must be 1..16", NULL);
		return NULL;
	}
	uint32_t w = opts->width ? opts->width : 1024, h = opts->height ? opts->height : 768;
	if (w > 8192 || h > 8192) {
		set_why(why, why_len, "sdl: window size too large", NULL);
		return NULL;
	}
	unsigned hz = opts->poll_hz ? opts->poll_hz : 100;
	if (hz > 1000) {
		set_why(why, why_len, "sdl: poll_hz must be at most 1000", NULL);
		return NULL;
	}
	struct sdl_backend *be = calloc(1, sizeof(*be));
	if (!be) {
		set_why(why, why_len, "sdl: out of memory", NULL);
		return NULL;
	}
	be->base.impl = &sdl_backend_impl;
	be->timer_fd = timer_create_hz(hz);
	if (be->timer_fd < 0) {
		set_why(why, why_len, "sdl: timerfd", strerror(errno));
		goto err_free;
	}
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	if (opts->render_driver) {
		SDL_SetHint(SDL_HINT_RENDER_DRIVER, opts->render_driver);
	}
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
		set_why(why, why_len, "sdl: cannot start video", SDL_GetError());
		goto err_timer;
	}
	const char *prefix = opts->title_prefix ? opts->title_prefix : "pvgpu";
	for (unsigned i = 0; i < opts->n_outputs; i++) {
		const char *err = NULL;
		be->outs[i] = sdl_output_create(be, i, prefix, w, h, &err);
		if (!be->outs[i]) {
			set_why(why, why_len, "sdl: cannot open a window", err);
			goto err_outputs;
		}
		be->n_outs = i + 1;
	}
	return &be->base;

err_outputs:
	for (unsigned i = 0; i < be->n_outs; i++) {
		sdl_output_free(be->outs[i]);
	}
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	SDL_Quit();
err_timer:
	close(be->timer_fd);
err_free:
	free(be);
	return NULL;
}
