/*
 * pvgpu display — SDL outputs: test/commit an explicit state into a window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpy_pixels.h"
#include "sdl_priv.h"

static struct sdl_output *
sdl_output(struct dpy_output *out)
{
	return out && out->impl == &sdl_output_impl ? (struct sdl_output *)out : NULL;
}

struct sdl_output *
sdl_output_create(struct sdl_backend *be, unsigned index, const char *prefix, uint32_t w,
		  uint32_t h, const char **why)
{
	struct sdl_output *so = calloc(1, sizeof(*so));
	if (!so) {
		*why = "out of memory";
		return NULL;
	}
	so->base.impl = &sdl_output_impl;
	so->base.backend = &be->base;
	snprintf(so->base.name, sizeof(so->base.name), "SDL-%u", index + 1);
	so->base.preferred = (struct dpy_mode){w, h, 0};
	so->be = be;
	so->cursor_visible = true;

	char *title = so->title;
	snprintf(so->title, sizeof(so->title), "%s %s", prefix, so->base.name);
	/* Left to right with a gap, so windows do not overlap without a window manager. */
	int x = (int)((index % 4) * (w + 16) + 8), y = (int)((index / 4) * (h + 48) + 8);
	so->win = SDL_CreateWindow(title, x, y, (int)w, (int)h, SDL_WINDOW_RESIZABLE);
	if (!so->win) {
		*why = SDL_GetError();
		goto err_free;
	}
	so->win_id = SDL_GetWindowID(so->win);
	so->ren = SDL_CreateRenderer(so->win, -1, 0);
	if (!so->ren) {
		*why = SDL_GetError();
		goto err_win;
	}
	/* Start on the no-signal frame rather than whatever the window held. */
	struct dpy_output_state idle = {.enabled = true, .mode = so->base.preferred};
	if (!sdl_output_impl.commit(&so->base, &idle)) {
		*why = "cannot draw the first frame";
		goto err_ren;
	}
	so->present_pending = false;
	return so;

err_ren:
	SDL_DestroyRenderer(so->ren);
err_win:
	SDL_DestroyWindow(so->win);
err_free:
	free(so);
	return NULL;
}

void
sdl_output_free(struct sdl_output *so)
{
	if (!so) {
		return;
	}
	if (so->shown) {
		dpy_buffer_unlock(so->shown);
	}
	if (so->cursor) {
		SDL_FreeCursor(so->cursor);
	}
	if (so->tex) {
		SDL_DestroyTexture(so->tex);
	}
	SDL_DestroyRenderer(so->ren);
	SDL_DestroyWindow(so->win);
	free(so->image);
	free(so);
}

static bool
state_check(struct sdl_output *so, const struct dpy_output_state *state, const char **why)
{
	if (!state) {
		*why = "no state";
		return false;
	}
	if (!state->enabled) {
		return true;
	}
	if (!state->mode.width || !state->mode.height || state->mode.width > DPY_MAX_DIM ||
	    state->mode.height > DPY_MAX_DIM) {
		*why = "mode size out of range";
		return false;
	}
	if (state->damage_count && !state->damage) {
		*why = "damage count without rectangles";
		return false;
	}
	if (!state->buffer) {
		return true;
	}
	if (!dpy_buffer_check(state->buffer, why)) {
		return false;
	}
	/* The host copy and texture are as large as the buffer: keep within what the
	 * renderer can hold (and so within its memory budget). */
	SDL_RendererInfo info;
	if (SDL_GetRendererInfo(so->ren, &info) == 0 && info.max_texture_width &&
	    (state->buffer->width > (uint32_t)info.max_texture_width ||
	     state->buffer->height > (uint32_t)info.max_texture_height)) {
		*why = "buffer larger than the renderer's textures";
		return false;
	}
	return true;
}

static bool
handle_test(struct dpy_output *out, const struct dpy_output_state *state, const char **why)
{
	const char *dummy;
	struct sdl_output *so = sdl_output(out);
	if (!why) {
		why = &dummy;
	}
	if (!so || so->removed) {
		*why = "output removed";
		return false;
	}
	return state_check(so, state, why);
}

/* A texture and image of w x h; the old content is dropped when the size changes. */
static bool
ensure_texture(struct sdl_output *so, uint32_t w, uint32_t h, bool *resized)
{
	*resized = false;
	if (so->tex && so->tex_w == w && so->tex_h == h) {
		return true;
	}
	size_t bytes = (size_t)w * h * 4u; /* w, h <= DPY_MAX_DIM: no overflow */
	uint8_t *image = calloc(1, bytes);
	SDL_Texture *tex = image ? SDL_CreateTexture(so->ren, SDL_PIXELFORMAT_ARGB8888,
						     SDL_TEXTUREACCESS_STREAMING, (int)w, (int)h)
				 : NULL;
	if (!tex) {
		free(image);
		return false;
	}
	if (so->tex) {
		SDL_DestroyTexture(so->tex);
	}
	free(so->image);
	so->tex = tex;
	so->image = image;
	so->tex_w = w;
	so->tex_h = h;
	*resized = true;
	return true;
}

static void
upload(struct sdl_output *so, const struct dpy_rect *r)
{
	SDL_Rect sr = {r->x, r->y, (int)r->width, (int)r->height};
	size_t pitch = (size_t)so->tex_w * 4u;
	SDL_UpdateTexture(so->tex, &sr, so->image + (size_t)r->y * pitch + (size_t)r->x * 4u,
			  (int)pitch);
}

void
sdl_output_redraw(struct sdl_output *so)
{
	SDL_SetRenderDrawColor(so->ren, 0, 0, 0, 255);
	SDL_RenderClear(so->ren);
	int ww = 0, wh = 0;
	SDL_GetRendererOutputSize(so->ren, &ww, &wh);
	if (so->enabled && so->tex && ww > 0 && wh > 0) {
		/* Fit with the aspect ratio kept, centred; black bars elsewhere. */
		SDL_Rect dst = {0, 0, ww, wh};
		if ((uint64_t)ww * so->tex_h > (uint64_t)wh * so->tex_w) {
			dst.w = (int)((uint64_t)wh * so->tex_w / so->tex_h);
			dst.x = (ww - dst.w) / 2;
		} else {
			dst.h = (int)((uint64_t)ww * so->tex_h / so->tex_w);
			dst.y = (wh - dst.h) / 2;
		}
		SDL_RenderCopy(so->ren, so->tex, NULL, &dst);
	}
	SDL_RenderPresent(so->ren);
}

static bool
handle_commit(struct dpy_output *out, const struct dpy_output_state *state)
{
	struct sdl_output *so = sdl_output(out);
	const char *why;
	if (!handle_test(out, state, &why)) {
		return false;
	}
	struct dpy_buffer *buf = state->enabled ? state->buffer : NULL;
	if (state->enabled) {
		/* No signal fills the window as it is (its size is the user's, not the
		 * guest's). */
		uint32_t w = buf ? buf->width : so->base.preferred.width;
		uint32_t h = buf ? buf->height : so->base.preferred.height;
		bool resized;
		if (!ensure_texture(so, w, h, &resized)) {
			return false;
		}
		struct dpy_rect whole = {0, 0, w, h};
		if (!buf) {
			dpy_pixels_no_signal(so->image, w * 4u, w, h);
			upload(so, &whole);
		} else {
			struct dpy_rect rects[DPY_MAX_DAMAGE];
			int n = dpy_damage_clip(state->damage, state->damage_count, w, h, rects);
			/* A new texture or a previous no-signal frame has nothing to keep. */
			if (n < 0 || resized || !so->shown) {
				rects[0] = whole;
				n = 1;
			}
			for (int i = 0; i < n; i++) {
				dpy_pixels_copy_rect(so->image, w * 4u, buf, &rects[i]);
				upload(so, &rects[i]);
			}
		}
	}
	so->enabled = state->enabled;
	if (buf) {
		dpy_buffer_lock(buf);
	}
	sdl_output_redraw(so);
	/* The new frame is on screen: the previous buffer may be reused by its VM. */
	if (so->shown) {
		dpy_buffer_unlock(so->shown);
	}
	so->shown = buf;
	so->present_pending = true;
	return true;
}

void
sdl_output_apply_cursor(struct sdl_output *so)
{
	if (!so->cursor_visible) {
		SDL_ShowCursor(SDL_DISABLE);
		return;
	}
	SDL_SetCursor(so->cursor ? so->cursor : SDL_GetDefaultCursor());
	SDL_ShowCursor(SDL_ENABLE);
}

static void
handle_set_cursor(struct dpy_output *out, const struct dpy_cursor *cursor)
{
	struct sdl_output *so = sdl_output(out);
	if (!so || so->removed || !cursor) {
		return;
	}
	if (cursor->argb) {
		SDL_Surface *img = SDL_CreateRGBSurfaceWithFormatFrom(
			(void *)cursor->argb, 64, 64, 32, 64 * 4, SDL_PIXELFORMAT_ARGB8888);
		int hx = cursor->hot_x < 64 ? (int)cursor->hot_x : 63;
		int hy = cursor->hot_y < 64 ? (int)cursor->hot_y : 63;
		SDL_Cursor *c = img ? SDL_CreateColorCursor(img, hx, hy) : NULL;
		SDL_FreeSurface(img);
		if (c) {
			if (so->cursor) {
				SDL_SetCursor(SDL_GetDefaultCursor());
				SDL_FreeCursor(so->cursor);
			}
			so->cursor = c;
		}
	}
	so->cursor_visible = cursor->visible;
	if (SDL_GetMouseFocus() == so->win) {
		sdl_output_apply_cursor(so);
	}
}

static const uint8_t *
handle_get_edid(struct dpy_output *out, size_t *len)
{
	*len = 0;
	return NULL;
}

static void
handle_destroy(struct dpy_output *out)
{
	struct sdl_output *so = sdl_output(out);
	if (!so) {
		return;
	}
	struct sdl_backend *be = so->be;
	for (unsigned i = 0; i < be->n_outs; i++) {
		if (be->outs[i] == so) {
			be->outs[i] = NULL;
		}
	}
	sdl_output_free(so);
}

/* "pvgpu SDL-1 [vm1:0]": the window keeps its output name first, so tools that
 * find a window by "pvgpu SDL-1" still do (exact or followed by " ["). */
static void
handle_set_label(struct dpy_output *out, const char *label)
{
	struct sdl_output *so = sdl_output(out);
	char title[192];
	snprintf(title, sizeof(title), "%s [%s]", so->title, label);
	SDL_SetWindowTitle(so->win, title);
}

const struct dpy_output_impl sdl_output_impl = {
	.test = handle_test,
	.commit = handle_commit,
	.set_cursor = handle_set_cursor,
	.set_label = handle_set_label,
	.get_edid = handle_get_edid,
	.destroy = handle_destroy,
};

bool
dpy_sdl_output_set_title(struct dpy_output *out, const char *title)
{
	struct sdl_output *so = sdl_output(out);
	if (!so || !title) {
		return false;
	}
	SDL_SetWindowTitle(so->win, title);
	return true;
}
