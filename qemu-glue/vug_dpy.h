/*
 * pvgpu qemu-glue — pvgpu-vhost-user's scanouts through the display module:
 * a vug_ext_display whose sinks forward to pvgpu-display (connect:PATH) or
 * to a router with its own outputs in this process (headless[:N], sdl), over
 * the same protocol either way (display/PROTOCOL.md).
 *
 * connect:PATH connects once, in vug_dpy_create (before the sandbox drops
 * privileges), and keeps that connection: each session says HELLO on it and
 * BYE when it ends. Without it (the daemon was not up, or went away) each
 * session connects anew, which a dropped user may not be allowed to do.
 *
 * Threads: the back end's thread.
 */
#ifndef VUG_DPY_H
#define VUG_DPY_H

#include <stdint.h>

struct vug_dpy;
struct vug_ext_display;

struct vug_dpy_options {
	const char *spec;         /* "connect:PATH", or a backend: "headless[:N]", "sdl" */
	const char *control_path; /* in-process: also serve pvgpu-ctl here (NULL: no) */
	const char *name;         /* the VM's name on the display */
	uint32_t width, height;   /* in-process: the outputs' mode */
};

/** NULL (and *why) when the spec is bad or the in-process display fails; an
 *  unreachable connect:PATH is not an error (sessions try again). */
struct vug_dpy *vug_dpy_create(const struct vug_dpy_options *o, const char **why);
/** Accepts NULL. Call after the last session ended. */
void vug_dpy_destroy(struct vug_dpy *d);
const struct vug_ext_display *vug_dpy_ext(struct vug_dpy *d);

#endif /* VUG_DPY_H */
