/*
 * pvgpu fuzzing — target vtest: pvgpu-vtest's connection code (framing,
 * per-command validation, shared-memory backings, replies) fed from memory
 * through vt_conn_create_mem, on the null backend.
 *
 * Input: the bytes a client would write to the socket. Seeds are the recorded
 * Mesa streams (the .vtest files in tests/protocol/fixtures) and prefixes of them.
 */
#include "fuzz_target.h"
#include "vr_null.h"
#include "vtest_conn.h"

/* Commands per input: bounds the time one input can take. */
#define FUZZ_VTEST_MAX_COMMANDS 8192

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_logs();
	return 0;
}

static struct vr_backend *
make_null(void *data)
{
	return vr_null_backend_create();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_conn_config cfg = {.backend_create = make_null, .client_id = 1};
	struct vt_conn *conn = vt_conn_create_mem(&cfg, data, size);
	if (!conn) {
		return 0;
	}
	for (unsigned n = 0; n < FUZZ_VTEST_MAX_COMMANDS; n++) {
		if (vt_conn_dispatch_one(conn) != VT_CONN_OK) {
			break;
		}
	}
	vt_conn_destroy(conn);
	return 0;
}
