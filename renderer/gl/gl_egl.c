/*
 * pvgpu — EGL setup for the GL backend: a surfaceless (or GBM render node)
 * display and one desktop GL core context, made current without a surface
 * (EGL_KHR_surfaceless_context); all rendering goes to FBOs.
 */
#include <fcntl.h>
#include <gbm.h>
#include <string.h>
#include <unistd.h>

#include "gl_priv.h"

static bool
has_ext(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && (p = strstr(p, name)); p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
			return true;
		}
	}
	return false;
}

static EGLDisplay
open_gbm_display(struct gl_backend *be, const char *node, const char *client_exts)
{
	if (!has_ext(client_exts, "EGL_KHR_platform_gbm") &&
	    !has_ext(client_exts, "EGL_MESA_platform_gbm")) {
		vr_err(VR_CAT_GL, "EGL has no GBM platform");
		return EGL_NO_DISPLAY;
	}
	be->drm_fd = open(node, O_RDWR | O_CLOEXEC);
	if (be->drm_fd < 0) {
		vr_err(VR_CAT_GL, "cannot open render node %s", node);
		return EGL_NO_DISPLAY;
	}
	be->gbm = gbm_create_device(be->drm_fd);
	if (!be->gbm) {
		vr_err(VR_CAT_GL, "gbm_create_device(%s) failed", node);
		return EGL_NO_DISPLAY;
	}
	/* A display per GBM device: terminating it cannot affect anyone else. */
	be->own_display = true;
	return eglGetPlatformDisplayEXT(EGL_PLATFORM_GBM_KHR, be->gbm, NULL);
}

static EGLDisplay
open_display(struct gl_backend *be, const struct vr_gl_options *opts)
{
	const char *client_exts = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (!has_ext(client_exts, "EGL_EXT_platform_base")) {
		vr_err(VR_CAT_GL, "EGL lacks EGL_EXT_platform_base");
		return EGL_NO_DISPLAY;
	}
	if (opts && opts->render_node) {
		return open_gbm_display(be, opts->render_node, client_exts);
	}
	if (!has_ext(client_exts, "EGL_MESA_platform_surfaceless")) {
		vr_err(VR_CAT_GL, "EGL has no surfaceless platform");
		return EGL_NO_DISPLAY;
	}
	return eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
}

static EGLContext
create_context(struct gl_backend *be)
{
	static const int versions[][2] = {{4, 5}, {4, 3}, {3, 3}};
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		EGLint attribs[] = {
			EGL_CONTEXT_MAJOR_VERSION,
			versions[i][0],
			EGL_CONTEXT_MINOR_VERSION,
			versions[i][1],
			EGL_CONTEXT_OPENGL_PROFILE_MASK,
			EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
			EGL_CONTEXT_OPENGL_DEBUG,
			be->debug ? EGL_TRUE : EGL_FALSE,
			EGL_NONE,
		};
		EGLContext ctx =
			eglCreateContext(be->dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attribs);
		if (ctx != EGL_NO_CONTEXT) {
			return ctx;
		}
	}
	vr_err(VR_CAT_GL, "no desktop GL >= 3.3 core context (EGL error 0x%x)", eglGetError());
	return EGL_NO_CONTEXT;
}

bool
gl_egl_init(struct gl_backend *be, const struct vr_gl_options *opts)
{
	be->drm_fd = -1;
	be->dpy = open_display(be, opts);
	if (be->dpy == EGL_NO_DISPLAY) {
		return false;
	}
	EGLint major, minor;
	if (!eglInitialize(be->dpy, &major, &minor)) {
		vr_err(VR_CAT_GL, "eglInitialize failed (0x%x)", eglGetError());
		be->dpy = EGL_NO_DISPLAY;
		return false;
	}
	const char *exts = eglQueryString(be->dpy, EGL_EXTENSIONS);
	if (!has_ext(exts, "EGL_KHR_surfaceless_context") ||
	    (!has_ext(exts, "EGL_KHR_no_config_context") &&
	     !has_ext(exts, "EGL_MESA_configless_context"))) {
		vr_err(VR_CAT_GL, "EGL lacks surfaceless or configless contexts");
		return false;
	}
	if (!eglBindAPI(EGL_OPENGL_API)) {
		vr_err(VR_CAT_GL, "EGL cannot bind the desktop GL API");
		return false;
	}
	be->egl_ctx = create_context(be);
	if (be->egl_ctx == EGL_NO_CONTEXT) {
		return false;
	}
	if (!eglMakeCurrent(be->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, be->egl_ctx)) {
		vr_err(VR_CAT_GL, "eglMakeCurrent failed (0x%x)", eglGetError());
		return false;
	}
	return true;
}

void
gl_egl_finish(struct gl_backend *be)
{
	if (be->dpy != EGL_NO_DISPLAY) {
		eglMakeCurrent(be->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
		if (be->egl_ctx != EGL_NO_CONTEXT) {
			eglDestroyContext(be->dpy, be->egl_ctx);
		}
		/* The surfaceless display is one per process and shared with any other
		 * backend or library in it; eglTerminate would pull it from under them. */
		if (be->own_display) {
			eglTerminate(be->dpy);
		}
		eglReleaseThread();
	}
	if (be->gbm) {
		gbm_device_destroy(be->gbm);
	}
	if (be->drm_fd >= 0) {
		close(be->drm_fd);
	}
}

void
gl_make_current(struct gl_backend *be)
{
	/* Inside a submit the context is known to be current (gl_ctx.c):
	 * eglGetCurrentContext costs a getpid() system call in glvnd, once per
	 * draw otherwise. */
	if (be->in_submit) {
		return;
	}
	if (eglGetCurrentContext() != be->egl_ctx) {
		eglMakeCurrent(be->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, be->egl_ctx);
	}
}
