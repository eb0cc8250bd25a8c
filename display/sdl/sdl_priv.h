/*
 * pvgpu display — SDL backend internals shared by sdl_backend.c (windows, events)
 * and sdl_output.c (test/commit/cursor). Everything runs on the display thread.
 */
#ifndef DPY_SDL_PRIV_H
#define DPY_SDL_PRIV_H

#include <SDL.h>
#include <stdbool.h>

#include "dpy_sdl.h"

struct sdl_backend;

struct sdl_output {
	struct dpy_output base;
	struct sdl_backend *be;
	SDL_Window *win;
	Uint32 win_id;
	char title[128]; /* "pvgpu SDL-1": the window's name without a label */
	SDL_Renderer *ren;
	SDL_Texture *tex; /* tex_w x tex_h, filled from `image` */
	uint32_t tex_w, tex_h;
	uint8_t *image;           /* XRGB8888 copy of what the texture shows */
	struct dpy_buffer *shown; /* locked while on screen */
	bool enabled;
	bool removed;
	bool present_pending; /* presented to report at the next dispatch */
	SDL_Cursor *cursor;
	bool cursor_visible;
};

struct sdl_backend {
	struct dpy_backend base;
	struct sdl_output *outs[DPY_SDL_MAX_OUTPUTS];
	struct dpy_output *live[DPY_SDL_MAX_OUTPUTS]; /* what outputs() returns */
	unsigned n_outs;
	int timer_fd;
};

extern const struct dpy_output_impl sdl_output_impl;

/** Creates output `index` (window "prefix SDL-<index+1>"); NULL with *why on failure. */
struct sdl_output *sdl_output_create(struct sdl_backend *be, unsigned index, const char *prefix,
				     uint32_t w, uint32_t h, const char **why);
/** Destroys the window and unlocks the shown buffer. */
void sdl_output_free(struct sdl_output *so);
/** Draws the current content again (after expose or resize). */
void sdl_output_redraw(struct sdl_output *so);
/** Makes this output's cursor the SDL cursor (pointer entered its window). */
void sdl_output_apply_cursor(struct sdl_output *so);

#endif /* DPY_SDL_PRIV_H */
