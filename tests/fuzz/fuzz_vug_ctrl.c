/*
 * pvgpu fuzzing — target vug-ctrl: the virtio-gpu device model's control and
 * cursor queues (qemu-glue/device), with 3D on the null backend, blob,
 * context_init and EDID offered, over the tests' fake guest RAM (1 MiB at
 * guest-physical 0, tests/qemu-glue/vug_test_guest.c).
 *
 * Input: a sequence of requests, each
 *   u8 flags   bit 0: cursor queue; bit 1: split the request into two iovecs;
 *              bits 2-3: response buffer 2048 / 24 / none / 7 bytes
 *   u16 len    request bytes that follow (cut at the end of the input)
 * Fenced requests keep their response buffer until the device completes them.
 * Seeds come from tests/fuzz/make-seeds.py (a 2D and a 3D session).
 */
#include <stdlib.h>

#include "fuzz_target.h"
#include "vr_null.h"
#include "vug_test.h"

#define FUZZ_VUG_MAX_REQUESTS 128
#define FUZZ_VUG_RESP_BYTES 2048
#define FUZZ_VUG_RAM (1u << 20)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_logs();
	return 0;
}

static void
one_request(struct tguest *g, struct fuzz_in *in, uint8_t *resp, unsigned index)
{
	uint8_t flags = fuzz_u8(in);
	uint16_t want = fuzz_u16(in);
	const uint8_t *req;
	size_t len = fuzz_take(in, want, &req);
	/* The device reads guest buffers only; a private copy keeps the input const. */
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		return;
	}
	memcpy(copy, req, len);
	struct iovec out[2] = {{copy, len}, {NULL, 0}};
	unsigned nout = 1;
	if (flags & 2) {
		out[0].iov_len = len / 2;
		out[1] = (struct iovec){copy + len / 2, len - len / 2};
		nout = 2;
	}
	if (flags & 1) {
		vug_gpu_cursor(g->gpu, out, nout);
		free(copy);
		return;
	}
	static const size_t resp_sizes[4] = {FUZZ_VUG_RESP_BYTES, 24, 0, 7};
	struct iovec rin = {resp, resp_sizes[(flags >> 2) & 3]};
	vug_gpu_ctrl(g->gpu, out, nout, &rin, rin.iov_len ? 1 : 0, (void *)(uintptr_t)(index + 1));
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vr_backend *be = vr_null_backend_create();
	uint8_t *resp = malloc((size_t)FUZZ_VUG_MAX_REQUESTS * FUZZ_VUG_RESP_BYTES);
	struct vug_gpu_config cfg = {
		.num_scanouts = 2,
		.virgl = true,
		.blob = true,
		.context_init = true,
		.edid = true,
		.backend = be,
	};
	struct tguest g;
	if (be && resp && tg_init(&g, FUZZ_VUG_RAM, &cfg)) {
		vug_gpu_set_features(g.gpu, vug_gpu_features(g.gpu));
		struct fuzz_in in = {data, size};
		for (unsigned i = 0; i < FUZZ_VUG_MAX_REQUESTS && in.n; i++) {
			one_request(&g, &in, resp + (size_t)i * FUZZ_VUG_RESP_BYTES, i);
		}
		vug_gpu_poll(g.gpu);
	}
	tg_finish(&g);
	free(resp);
	if (be) {
		be->impl->destroy(be);
	}
	return 0;
}
