/*
 * pvgpu — the host GL backend: replays virgl commands with desktop OpenGL
 * (core profile >= 3.3) through libepoxy, on an EGL context that is either
 * surfaceless (Mesa EGL_PLATFORM_SURFACELESS_MESA) or on a GBM render node.
 *
 * One backend owns one EGL context; every vr_ctx of the device that uses it
 * shares that GL context (sub-contexts are software state). A backend and all
 * its contexts and resources must be used from the thread that created it.
 */
#ifndef VR_GL_H
#define VR_GL_H

#include <stdbool.h>

#include "vr_backend.h"

struct vr_gl_options {
	/* NULL: EGL surfaceless platform; else a render node path such as
	 * /dev/dri/renderD128, opened through GBM. Borrowed for the call. */
	const char *render_node;
	/* Checks glGetError after operations and logs KHR_debug output (slow). */
	bool debug;
	/* Tests only: a shader whose text starts with "#version" is taken as GLSL
	 * (following the translator's naming conventions) instead of TGSI, so the
	 * draw path can be tested on its own. Never set for guests. */
	bool glsl_passthrough;
};

/**
 * Creates the GL backend: initialises EGL, creates the highest core context of
 * 4.5 / 4.3 / 3.3 that works and makes it current on the calling thread.
 * `opts` may be NULL (defaults: surfaceless, no debug). Returns NULL and logs
 * why (category "gl") when EGL or GL is unavailable. Destroy through
 * be->impl->destroy(be) after every resource and context is gone.
 */
struct vr_backend *vr_gl_backend_create(const struct vr_gl_options *opts);

#endif /* VR_GL_H */
