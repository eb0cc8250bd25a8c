/*
 * pvgpu qemu tests — LD_PRELOAD library that lets QEMU's reference vhost-user-gpu
 * run virgl on a host without a DRM render node (Mesa llvmpipe), for side-by-side
 * runs with pvgpu-vhost-user:
 *  - virglrenderer is initialised with its surfaceless-EGL flag added;
 *  - exporting a texture as a dma-buf (what the reference does for every scanout)
 *    fails cleanly: llvmpipe cannot export one, and the real call crashes there.
 *    The guest's SET_SCANOUT is then refused, so nothing reaches QEMU's console;
 *    tests compare the reference's rendering through a read-back instead.
 */
#include <dlfcn.h>
#include <stdint.h>

/* virglrenderer.h: VIRGL_RENDERER_USE_SURFACELESS */
#define USE_SURFACELESS (1 << 3)

int virgl_renderer_init(void *cookie, int flags, void *callbacks);
int virgl_renderer_get_fd_for_texture(uint32_t tex_id, int *fd);

int
virgl_renderer_init(void *cookie, int flags, void *callbacks)
{
	int (*next)(void *, int, void *);
	*(void **)&next = dlsym(RTLD_NEXT, "virgl_renderer_init");
	return next ? next(cookie, flags | USE_SURFACELESS, callbacks) : -1;
}

int
virgl_renderer_get_fd_for_texture(uint32_t tex_id, int *fd)
{
	*fd = -1;
	return -1;
}
