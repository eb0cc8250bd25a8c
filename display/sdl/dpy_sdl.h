/*
 * pvgpu display — SDL2 output backend: one resizable window per output.
 *
 * Each window is one output named "SDL-<n>" (window title "<prefix> SDL-<n>" until the
 * owner retitles it with dpy_sdl_output_set_title). A commit converts the buffer's
 * damaged rectangles into the window's streaming texture and presents it, scaled to
 * fit the window with the aspect ratio kept; a NULL buffer shows the "no signal"
 * frame. The window size is the output's preferred mode: resizing the window reports
 * mode_changed; a committed state's mode never resizes the window.
 *
 * Keys: Ctrl+Alt+N in a window reports cycle_requested ("next VM on this output").
 * Closing a window reports removed; the output then leaves outputs() (its memory stays
 * valid until the backend is destroyed).
 * Cursor: the guest's 64x64 ARGB image becomes that window's SDL cursor whenever the
 * pointer is over it; the guest's cursor position is not applied (the host pointer
 * belongs to the user).
 *
 * Events: SDL has no pollable fd, so get_fd() is a timerfd ticking at poll_hz (100 Hz
 * by default, i.e. input and resize latency of at most 10 ms); dispatch() drains the
 * timer, runs SDL_PollEvent until empty, then reports the frames presented since the
 * last dispatch. SDL is process-global: create at most one SDL backend per process and
 * call everything from the thread that created it. SDL's own SIGINT/SIGTERM handlers
 * are disabled (the daemon owns signals).
 */
#ifndef DPY_SDL_H
#define DPY_SDL_H

#include <stddef.h>
#include <stdint.h>

#include "dpy_output.h"

#define DPY_SDL_MAX_OUTPUTS 16u

struct dpy_sdl_options {
	unsigned n_outputs;        /* windows to open, 1..DPY_SDL_MAX_OUTPUTS */
	const char *title_prefix;  /* NULL = "pvgpu": first window is "pvgpu SDL-1" */
	uint32_t width, height;    /* initial window size; 0 = 1024x768 */
	const char *render_driver; /* SDL render driver ("software", "opengl"), NULL = SDL's pick */
	unsigned poll_hz;          /* event polling rate; 0 = 100 */
};

/**
 * Opens the SDL video subsystem and `opts->n_outputs` windows, laid out left to right
 * (a window manager may move them). Returns NULL when SDL cannot start (no display,
 * bad options) and writes the reason into why[why_len] (if why is not NULL).
 * Destroy with be->impl->destroy(be).
 */
struct dpy_backend *dpy_sdl_backend_create(const struct dpy_sdl_options *opts, char *why,
					   size_t why_len);

/** Retitles an SDL output's window, e.g. "pvgpu — VM vm1 scanout 0 on SDL-1". `title` is
 *  copied. Returns false when `out` is not an SDL output. */
bool dpy_sdl_output_set_title(struct dpy_output *out, const char *title);

#endif /* DPY_SDL_H */
