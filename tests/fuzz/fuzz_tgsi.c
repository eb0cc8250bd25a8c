/*
 * pvgpu fuzzing — target tgsi: the TGSI text parser and the GLSL emitter.
 *
 * Input: TGSI text as a guest sends it (any bytes; the stage comes from its
 * header). It is parsed once and, when accepted, emitted for both GLSL targets
 * with an empty key and with a key whose every field is derived from a hash of
 * the input (flatshade, alpha test, colour-buffer masks, sprite coordinates,
 * clip planes, halfz, gs_follows, interpolation masks, a stream-output layout),
 * so mutations of the text also move through the key space. Seeds are the
 * shader-unit corpus (tests/shader-unit/corpus).
 */
#include <stdbool.h>

#include "fuzz_target.h"
#include "vr_shader.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_logs();
	return 0;
}

/* splitmix64: spreads one 64-bit seed into a stream of well-mixed values. */
static uint64_t
mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A stream-output layout from the seed; half of them invalid on purpose. */
static void
make_so(uint64_t *seed, struct vr_shader_so *so)
{
	memset(so, 0, sizeof(*so));
	so->num_outputs = (uint32_t)(mix(seed) % 6);
	for (unsigned b = 0; b < VR_SHADER_SO_BUFFERS; b++) {
		so->stride[b] = (uint32_t)(mix(seed) % 20);
	}
	for (unsigned i = 0; i < so->num_outputs; i++) {
		uint64_t r = mix(seed);
		so->outputs[i] = (struct vr_shader_so_output){
			.register_index = (uint8_t)(r % 8),
			.start_component = (uint8_t)((r >> 8) % 4),
			.num_components = (uint8_t)(1 + (r >> 16) % 4),
			.output_buffer = (uint8_t)((r >> 24) % VR_SHADER_SO_BUFFERS),
			.dst_offset = (uint16_t)((r >> 32) % 16),
			.stream = (uint8_t)((r >> 40) % 8 == 0),
		};
	}
}

static void
emit(const struct vr_tgsi_program *prog, const struct vr_shader_key *key)
{
	struct vr_shader_result res;
	memset(&res, 0, sizeof(res));
	vr_shader_emit(prog, key, &res);
	vr_shader_result_finish(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct vr_tgsi_program *prog = vr_tgsi_parse((const char *)data, size, err, sizeof(err));
	if (!prog) {
		return 0;
	}
	struct vr_shader_key key;
	memset(&key, 0, sizeof(key));
	emit(prog, &key);
	key.target = VR_GLSL_ES_300;
	emit(prog, &key);

	/* FNV-1a of the input seeds the derived key. */
	uint64_t seed = 14695981039346656037ull;
	for (size_t i = 0; i < size; i++) {
		seed = (seed ^ data[i]) * 1099511628211ull;
	}
	uint64_t r = mix(&seed);
	struct vr_shader_so so;
	struct vr_shader_so_varyings vary;
	char so_err[128];
	memset(&key, 0, sizeof(key));
	key.target = (r & 1) ? VR_GLSL_ES_300 : VR_GLSL_330_CORE;
	key.nr_cbufs = (uint8_t)((r >> 1) % 10);
	key.flatshade = (r >> 5) & 1;
	key.alpha_test = (r >> 6) & 1;
	key.alpha_func = (uint8_t)((r >> 7) % 9);
	key.clip_halfz = (r >> 11) & 1;
	key.gs_follows = (r >> 12) & 1;
	key.clip_plane_enable = (uint8_t)(r >> 13);
	key.gs_input_prim = (uint8_t)((r >> 21) % 16);
	uint64_t r2 = mix(&seed);
	key.cbuf_int_mask = (uint32_t)(r2 & 0xff);
	key.cbuf_uint_mask = (uint32_t)((r2 >> 8) & 0xff) & ~key.cbuf_int_mask;
	key.sprite_coord_enable = (uint32_t)(r2 >> 32);
	key.out_flat = mix(&seed);
	key.out_noperspective = mix(&seed) & ~key.out_flat;
	key.out_centroid = mix(&seed);
	key.out_sample = mix(&seed);
	make_so(&seed, &so);
	if ((r >> 29) & 1 && vr_shader_so_varyings(&so, &vary, so_err, sizeof(so_err))) {
		key.so = &so;
	}
	emit(prog, &key);
	vr_tgsi_program_destroy(prog);
	return 0;
}
