/*
 * pvgpu-gears — the three classic gears as triangle lists and the per-frame
 * transforms, computed on the CPU so every host sees identical vertices.
 */
#ifndef GEARS_MODEL_H
#define GEARS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One vertex: position xyz, normal xyz. */
#define GEARS_VERTEX_FLOATS 6

struct gears_mesh {
	float *v;         /* GEARS_VERTEX_FLOATS per vertex */
	uint32_t count;   /* vertices */
	float color[4];   /* material */
	float x, y;       /* placement */
	float turn, bias; /* rotation = turn * angle + bias (degrees) */
};

/** Builds the three gears; false on allocation failure. Free with gears_free. */
bool gears_build(struct gears_mesh gears[3]);
void gears_free(struct gears_mesh gears[3]);

/**
 * Shader constants for gear `g` at `frame` (angle = 2 degrees a frame) with
 * aspect h/w: rows 0-3 the model-view-projection matrix, rows 4-6 the normal
 * matrix, row 7 the light direction, row 8 the diffuse colour, row 9 ambient.
 */
#define GEARS_CONSTANT_FLOATS 40
void gears_constants(const struct gears_mesh *g, uint32_t frame, float aspect,
		     float out[GEARS_CONSTANT_FLOATS]);

#endif /* GEARS_MODEL_H */
