/*
 * pvgpu-gears — the gears scene on a guest-driver context: a colour and a
 * depth buffer of the given size, the three gear meshes in vertex buffers,
 * our own TGSI shaders and state. Shared by pvgpu-gears and the VM simulator
 * (pvgpu-sim's 3d scenario), so both draw exactly the same frame N.
 */
#ifndef GEARS_SCENE_H
#define GEARS_SCENE_H

#include <stdint.h>

#include "gd.h"
#include "gears_model.h"

struct gears_scene {
	uint32_t width, height;
	struct gd_resource *color, *depth, *vbuf[3]; /* color: B8G8R8A8, bottom-up (GL) */
	uint32_t cbuf, zbuf, vs, fs, blend, dsa, rs, ve;
	struct gears_mesh gears[3];
};

/** Creates the buffers and state on `ctx` and binds them. Negative errno (-ENOTSUP
 *  when the host offers no depth format); call gears_scene_finish either way. */
int gears_scene_init(struct gd_screen *s, struct gd_context *ctx, uint32_t width, uint32_t height,
		     struct gears_scene *sc);
/** The same with extra bind flags for the colour buffer (e.g. VIRGL_BIND_SCANOUT, for a
 *  program that shows it through KMS). */
int gears_scene_init_bind(struct gd_screen *s, struct gd_context *ctx, uint32_t width,
			  uint32_t height, uint32_t color_bind, struct gears_scene *sc);
/** Encodes frame `frame`: clear, then the three gears (angle = 2 degrees a frame). */
void gears_scene_draw(struct gd_context *ctx, struct gears_scene *sc, uint32_t frame);
/** Releases what gears_scene_init created (also after a failed init). */
void gears_scene_finish(struct gears_scene *sc);

#endif /* GEARS_SCENE_H */
