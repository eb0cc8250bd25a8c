/*
 * pvgpu fuzzing — target decode-gl: the virgl decoder driving the GL backend
 * (EGL surfaceless, llvmpipe here), so translated shaders are compiled and
 * draws, clears, blits and transfers really run.
 *
 * Input: a vtest stream (virgl-wire.md §1), as recorded from Mesa clients
 * (the .vtest files in tests/protocol/fixtures are the seeds). Only what reaches the
 * decoder and the backend is interpreted, as in tests/protocol/test_replay.c:
 * CREATE_RENDERER makes context 1, RESOURCE_CREATE2 a resource with a zeroed
 * backing, RESOURCE_UNREF, SUBMIT_CMD, TRANSFER_GET2/PUT2; anything else is
 * skipped by its length field. The GL backend is created once and shared by
 * every input (EGL start-up costs far more than one input); each input gets a
 * fresh device, which must leave nothing behind in it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_target.h"
#include "vgp_vtest.h"
#include "vr_core.h"
#include "vr_gl.h"

/*
 * Resources above this many bytes (tight layout, all levels) are not created:
 * llvmpipe allocates the texture for real and a 16384x16384 one per input would
 * make the fuzzer crawl. The renderer's own limits are tested elsewhere.
 */
#define FUZZ_GL_MAX_RESOURCE_BYTES (4u << 20)
/* Commands per input: bounds the time one input can take. */
#define FUZZ_GL_MAX_COMMANDS 4096

struct fuzz_gl {
	struct vr_backend *be; /* NULL when EGL is unavailable: inputs are skipped */
};

static struct fuzz_gl *
fuzz_state(void)
{
	static struct fuzz_gl state;
	return &state;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_logs();
	struct fuzz_gl *s = fuzz_state();
	s->be = vr_gl_backend_create(NULL);
	if (!s->be) {
		fprintf(stderr, "decode-gl: no EGL/GL, inputs are not run\n");
	}
	return 0;
}

struct backing {
	struct vr_backing b;
	struct iovec iov;
};

static void
backing_release(struct vr_backing *b)
{
	free(b->iov[0].iov_base);
	free(b);
}

static void
create_resource(struct vr_device *dev, const uint32_t *pl)
{
	struct vr_resource_desc d = {
		.target = pl[VCMD_RES_CREATE_TARGET],
		.format = pl[VCMD_RES_CREATE_FORMAT],
		.bind = pl[VCMD_RES_CREATE_BIND],
		.width = pl[VCMD_RES_CREATE_WIDTH],
		.height = pl[VCMD_RES_CREATE_HEIGHT],
		.depth = pl[VCMD_RES_CREATE_DEPTH],
		.array_size = pl[VCMD_RES_CREATE_ARRAY_SIZE],
		.last_level = pl[VCMD_RES_CREATE_LAST_LEVEL],
		.nr_samples = pl[VCMD_RES_CREATE_NR_SAMPLES],
	};
	uint64_t need = 0;
	uint32_t size = pl[VCMD_RES_CREATE2_DATA_SIZE];
	if (!vr_resource_desc_backing_size(&d, &need) || need > FUZZ_GL_MAX_RESOURCE_BYTES ||
	    size > FUZZ_GL_MAX_RESOURCE_BYTES) {
		return;
	}
	struct backing *b = NULL;
	if (size) {
		b = calloc(1, sizeof(*b));
		if (!b || !(b->iov.iov_base = calloc(1, size))) {
			free(b);
			return;
		}
		b->iov.iov_len = size;
		b->b = (struct vr_backing){
			.iov = &b->iov, .iov_count = 1, .size = size, .release = backing_release};
	}
	const char *why = NULL;
	if (!vr_device_resource_create(dev, pl[VCMD_RES_CREATE_RES_HANDLE], &d, b ? &b->b : NULL,
				       &why) &&
	    b) {
		backing_release(&b->b);
	}
}

static void
transfer(struct vr_device *dev, const uint32_t *pl, bool to_host)
{
	struct vr_box box = {
		(int32_t)pl[2], (int32_t)pl[3], (int32_t)pl[4],
		(int32_t)pl[5], (int32_t)pl[6], (int32_t)pl[7],
	};
	const char *why = NULL;
	vr_device_transfer(dev, pl[VCMD_TRANSFER2_RES_HANDLE], pl[VCMD_TRANSFER2_LEVEL], &box, 0, 0,
			   pl[VCMD_TRANSFER2_OFFSET], to_host, &why);
}

/* Fixed payload sizes in dwords (the length field lies for some commands). */
static size_t
payload_dwords(uint32_t cmd, uint32_t len)
{
	switch (cmd) {
	case VCMD_RESOURCE_CREATE2:
		return VCMD_RES_CREATE2_SIZE;
	case VCMD_TRANSFER_GET2:
	case VCMD_TRANSFER_PUT2:
		return VCMD_TRANSFER2_HDR_SIZE;
	case VCMD_RESOURCE_UNREF:
		return VCMD_RES_UNREF_SIZE;
	case VCMD_CREATE_RENDERER:
		return ((size_t)len + 3) / 4;
	default:
		return len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_gl *s = fuzz_state();
	if (!s->be) {
		return 0;
	}
	/* A dword-aligned copy: the decoder reads commands in place. */
	size_t total = size / 4;
	uint32_t *dw = malloc(total ? total * 4 : 4);
	struct vr_device *dev = vr_device_create(s->be);
	if (!dw || !dev) {
		free(dw);
		vr_device_destroy(dev);
		return 0;
	}
	memcpy(dw, data, total * 4);
	struct vr_ctx *ctx = NULL;
	const char *why = NULL;
	size_t pos = 0;
	for (unsigned n = 0; n < FUZZ_GL_MAX_COMMANDS && total - pos >= VTEST_HDR_SIZE; n++) {
		uint32_t len = dw[pos + VTEST_CMD_LEN], cmd = dw[pos + VTEST_CMD_ID];
		size_t pl_dw = payload_dwords(cmd, len);
		pos += VTEST_HDR_SIZE;
		if (pl_dw > total - pos) {
			break;
		}
		const uint32_t *pl = dw + pos;
		pos += pl_dw;
		switch (cmd) {
		case VCMD_CREATE_RENDERER:
			if (!ctx) {
				ctx = vr_device_ctx_create(dev, 1, "fuzz", &why);
			}
			break;
		case VCMD_RESOURCE_CREATE2:
			create_resource(dev, pl);
			break;
		case VCMD_RESOURCE_UNREF:
			vr_device_resource_unref(dev, pl[0]);
			break;
		case VCMD_SUBMIT_CMD:
			if (ctx) {
				vr_ctx_submit(ctx, pl, pl_dw);
			}
			break;
		case VCMD_TRANSFER_GET2:
		case VCMD_TRANSFER_PUT2:
			transfer(dev, pl, cmd == VCMD_TRANSFER_PUT2);
			break;
		default:
			break;
		}
	}
	vr_device_busy(dev, true);
	vr_device_destroy(dev);
	free(dw);
	return 0;
}
