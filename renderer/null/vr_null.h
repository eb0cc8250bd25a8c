/*
 * pvgpu — the null backend: implements every backend and context slot by
 * appending one text line per call to a log, and renders nothing.
 *
 * Used by the decoder tests (compare the log with expected lines), by fuzzing,
 * and by `pvgpu-vtest --backend=null` to exercise a client without GL. The log
 * is capped (VR_NULL_LOG_CAP bytes) so a long stream cannot exhaust memory:
 * past the cap lines are counted but no longer stored.
 *
 * Threads: like every backend, used by one thread.
 */
#ifndef VR_NULL_H
#define VR_NULL_H

#include <stddef.h>
#include <stdint.h>

#include "vr_backend.h"

#define VR_NULL_LOG_CAP (4u << 20) /* 4 MiB of text */

/** Creates a null backend; destroy it with be->impl->destroy(be). NULL on OOM. */
struct vr_backend *vr_null_backend_create(void);

/**
 * The call log so far: NUL-terminated lines, "\n" after each. Owned by the
 * backend, valid until the next call into it. NULL if `be` is not a null backend.
 */
const char *vr_null_backend_log(struct vr_backend *be);

/** Empties the log (the call counter keeps running). */
void vr_null_backend_log_clear(struct vr_backend *be);

/** Number of backend calls logged since creation, including lines dropped by the cap. */
uint64_t vr_null_backend_calls(struct vr_backend *be);

#endif /* VR_NULL_H */
