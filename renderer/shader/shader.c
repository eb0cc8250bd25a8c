/*
 * pvgpu — renderer/shader public API (vr_shader.h): parse, emit, helpers for
 * the GL backend's program cache key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glsl_emit_api.h"
#include "tgsi_ir.h"
#include "vr_shader.h"

bool
vr_shader_emit(const struct vr_tgsi_program *prog, const struct vr_shader_key *key,
	       struct vr_shader_result *result)
{
	memset(result, 0, sizeof(*result));
	if (!prog) {
		snprintf(result->error, sizeof(result->error), "no program");
		return false;
	}
	if (!glsl_emit_program(prog, key, result)) {
		free(result->glsl);
		result->glsl = NULL;
		result->glsl_len = 0;
		return false;
	}
	return true;
}

bool
vr_shader_translate(const char *text, size_t len, const struct vr_shader_key *key,
		    struct vr_shader_result *result)
{
	memset(result, 0, sizeof(*result));
	struct vr_tgsi_program *prog =
		vr_tgsi_parse(text, len, result->error, sizeof(result->error));
	if (!prog) {
		return false;
	}
	bool ok = vr_shader_emit(prog, key, result);
	vr_tgsi_program_destroy(prog);
	return ok;
}

void
vr_shader_result_finish(struct vr_shader_result *result)
{
	if (!result) {
		return;
	}
	free(result->glsl);
	result->glsl = NULL;
	result->glsl_len = 0;
}

int
vr_shader_varying_slot(unsigned semantic, unsigned index)
{
	switch (semantic) {
	case VR_SEM_GENERIC:
		return index < 32 ? (int)index : -1;
	case VR_SEM_TEXCOORD:
		return index < 8 ? 32 + (int)index : -1;
	case VR_SEM_COLOR:
		return index < 2 ? 40 + (int)index : -1;
	case VR_SEM_BCOLOR:
		return index < 2 ? 42 + (int)index : -1;
	case VR_SEM_FOG:
		return 44;
	case VR_SEM_CLIPVERTEX:
		return 45;
	default:
		return -1;
	}
}

void
vr_shader_key_set_next_stage(struct vr_shader_key *key, const struct vr_shader_info *next,
			     const struct vr_shader_key *next_key)
{
	key->out_flat = key->out_noperspective = key->out_centroid = key->out_sample = 0;
	for (uint32_t i = 0; i < next->num_inputs && i < VR_SHADER_MAX_IO; i++) {
		const struct vr_shader_io *io = &next->inputs[i];
		int slot = vr_shader_varying_slot(io->semantic, io->semantic_index);
		if (slot < 0) {
			continue;
		}
		uint64_t bit = 1ull << slot;
		bool flat = io->interp == VR_INTERP_CONSTANT ||
			    (io->interp == VR_INTERP_COLOR && next_key && next_key->flatshade);
		key->out_flat |= flat ? bit : 0;
		key->out_noperspective |= io->interp == VR_INTERP_LINEAR ? bit : 0;
		key->out_centroid |= io->centroid ? bit : 0;
		key->out_sample |= io->sample ? bit : 0;
	}
}
