/*
 * pvgpu fuzzing — target decode-null: the virgl decoder on the null backend.
 *
 * Input: raw virgl command-buffer dwords (a trailing partial dword is dropped),
 * submitted once to context 1 of the protocol tests' fixture (resources 1-7,
 * sub-context 1, objects 10-21; tests/protocol/fixture.h), so that commands
 * naming those handles reach the deep paths. An empty submit follows, which a
 * context broken by the first must refuse cleanly.
 */
#include <stdlib.h>

#include "../protocol/fixture.h"
#include "fuzz_target.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_logs();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t ndw = size / 4;
	uint32_t *dw = malloc(ndw ? ndw * 4 : 4);
	if (!dw) {
		return 0;
	}
	memcpy(dw, data, ndw * 4);
	struct fx f;
	fx_init(&f, true);
	vr_ctx_submit(f.ctx, dw, ndw);
	vr_ctx_submit(f.ctx, dw, 0);
	fx_finish(&f);
	free(dw);
	return 0;
}
