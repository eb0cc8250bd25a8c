/*
 * pvgpu guest driver demo — the gears scene shared by pvgpu-gears and the qemu
 * suite's KMS payload: a colour and a depth buffer, the three gear meshes and
 * the state to draw them. Rotation follows the frame number, not time.
 */
#ifndef GEARS_SCENE_H
#define GEARS_SCENE_H

#include <stdint.h>

#include "gd.h"
#include "gd_state.h"
#include "gears_model.h"

struct gears_scene {
	struct gd_resource *color, *depth, *vbuf[3];
	uint32_t cbuf, zbuf, vs, fs, blend, dsa, rs, ve;
	struct gears_mesh gears[3];
};

/**
 * Creates the buffers (colour: B8G8R8A8, bind RENDER_TARGET | SAMPLER_VIEW |
 * color_bind), uploads the meshes and binds the state on ctx. 0 or -errno.
 */
int gears_scene_init(struct gd_screen *s, struct gd_context *ctx, uint32_t width, uint32_t height,
		     uint32_t color_bind, struct gears_scene *sc);
/** Releases what init created (after a failed init too). */
void gears_scene_finish(struct gears_scene *sc);
/** Encodes frame `frame` (clear + three draws); the caller flushes. */
void gears_scene_draw(struct gd_context *ctx, struct gears_scene *sc, uint32_t frame, float aspect);

#endif /* GEARS_SCENE_H */
