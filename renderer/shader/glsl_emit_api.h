/*
 * pvgpu — the emitter's single entry point, used by shader.c.
 */
#ifndef GLSL_EMIT_API_H
#define GLSL_EMIT_API_H

#include "tgsi_ir.h"

/** Emits GLSL for `prog` under `key` into `res` (glsl + info); false with res->error set. */
bool glsl_emit_program(const struct vr_tgsi_program *prog, const struct vr_shader_key *key,
		       struct vr_shader_result *res);

#endif /* GLSL_EMIT_API_H */
