/*
 * pvgpu display — headless outputs: in-memory outputs named HEADLESS-1..N that
 * keep the committed state, report each commit presented on the next dispatch
 * (never from inside commit), and capture what they show as a PNG. Used by
 * the tests and by pvgpu-display --backend=headless.
 *
 * Threads: the display's event-loop thread.
 */
#ifndef DPY_HEADLESS_H
#define DPY_HEADLESS_H

#include <stdbool.h>
#include <stdio.h>

#include "dpy_output.h"

#define DPY_HEADLESS_MAX_OUTPUTS 64

/** `count` outputs (1..DPY_HEADLESS_MAX_OUTPUTS) whose preferred mode is
 *  `mode`. NULL on bad arguments or allocation failure. */
struct dpy_backend *dpy_headless_create(unsigned count, const struct dpy_mode *mode);

/** True when `out` belongs to a headless backend. */
bool dpy_headless_is(const struct dpy_output *out);

/** A "resize": the output's preferred mode changes and mode_changed fires. */
bool dpy_headless_set_mode(struct dpy_output *out, const struct dpy_mode *mode);

/** Width, height and BGRX pixels (XRGB8888, height rows of width*4 bytes, malloc'd) of
 *  what the output shows: the committed buffer, or the "no signal" frame at
 *  the output's mode. False on allocation failure. */
bool dpy_headless_snapshot(struct dpy_output *out, uint32_t *width, uint32_t *height,
			   uint8_t **pixels);
/** Writes the snapshot as PNG to `f`; false (and *why) on failure. */
bool dpy_headless_capture(struct dpy_output *out, FILE *f, const char **why);

/** Commits accepted so far (tests). */
unsigned long dpy_headless_commits(const struct dpy_output *out);

#endif /* DPY_HEADLESS_H */
