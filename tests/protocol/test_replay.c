/*
 * pvgpu protocol tests — replay a recorded Mesa vtest stream on the null
 * backend and compare the call log with the expected file, exactly.
 *
 * usage: test-replay STREAM.vtest EXPECTED.log
 * Regenerate the expected log after an intended change of the decoder or of
 * the null backend's wording:
 *   PVGPU_UPDATE_EXPECTED=1 meson test -C build-dec --suite protocol replay-glxgears
 * then review the diff of the .log file before committing it.
 *
 * Only what the decoder needs is interpreted (virgl-wire.md §1.3): the context
 * name from CREATE_RENDERER, RESOURCE_CREATE2 (with a zeroed backing of
 * data_size bytes standing in for the client's shared memory), RESOURCE_UNREF,
 * SUBMIT_CMD, TRANSFER_GET2/PUT2; everything else is skipped by its size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../protocol/fixture.h"
#include "vgp_vtest.h"

static uint8_t *
read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(n > 0 ? (size_t)n + 1 : 1);
	*size = n > 0 ? fread(buf, 1, (size_t)n, f) : 0;
	buf[*size] = 0;
	fclose(f);
	return buf;
}

static uint32_t
rd(const uint8_t *p, size_t i)
{
	uint32_t v;
	memcpy(&v, p + 4 * i, 4);
	return v;
}

/* Payload bytes after the header (fixed sizes; the length field lies for some). */
static size_t
payload_bytes(const uint8_t *p, uint32_t len, uint32_t cmd)
{
	switch (cmd) {
	case VCMD_CREATE_RENDERER:
		return len;
	case VCMD_SUBMIT_CMD:
		return (size_t)len * 4;
	case VCMD_TRANSFER_PUT:
		return 44 + (size_t)rd(p + 8, VCMD_TRANSFER_DATA_SIZE);
	case VCMD_RESOURCE_CREATE:
		return 40;
	case VCMD_RESOURCE_CREATE2:
		return 44;
	case VCMD_TRANSFER_GET:
		return 44;
	case VCMD_TRANSFER_GET2:
	case VCMD_TRANSFER_PUT2:
		return 40;
	case VCMD_RESOURCE_UNREF:
	case VCMD_PROTOCOL_VERSION:
		return 4;
	case VCMD_RESOURCE_BUSY_WAIT:
		return 8;
	default:
		return 0;
	}
}

struct replay {
	struct fx f;
	uint32_t *scratch; /* dword-aligned copy of one submit */
	unsigned submits, frames;
};

static void
create_resource(struct replay *r, const uint8_t *pl)
{
	struct vr_resource_desc d = {
		.target = rd(pl, VCMD_RES_CREATE_TARGET),
		.format = rd(pl, VCMD_RES_CREATE_FORMAT),
		.bind = rd(pl, VCMD_RES_CREATE_BIND),
		.width = rd(pl, VCMD_RES_CREATE_WIDTH),
		.height = rd(pl, VCMD_RES_CREATE_HEIGHT),
		.depth = rd(pl, VCMD_RES_CREATE_DEPTH),
		.array_size = rd(pl, VCMD_RES_CREATE_ARRAY_SIZE),
		.last_level = rd(pl, VCMD_RES_CREATE_LAST_LEVEL),
		.nr_samples = rd(pl, VCMD_RES_CREATE_NR_SAMPLES),
	};
	uint32_t id = rd(pl, VCMD_RES_CREATE_RES_HANDLE);
	uint32_t size = rd(pl, VCMD_RES_CREATE2_DATA_SIZE);
	struct vr_backing *b = size ? test_backing_new(size) : NULL;
	const char *why = NULL;
	if (!vr_device_resource_create(r->f.dev, id, &d, b, &why)) {
		CHECK(false, "RESOURCE_CREATE2 %u: %s", id, why);
		if (b) {
			b->release(b);
		}
	}
}

static void
transfer(struct replay *r, const uint8_t *pl, bool to_host)
{
	struct vr_box box = {
		(int32_t)rd(pl, 2), (int32_t)rd(pl, 3), (int32_t)rd(pl, 4),
		(int32_t)rd(pl, 5), (int32_t)rd(pl, 6), (int32_t)rd(pl, 7),
	};
	const char *why = NULL;
	bool ok = vr_device_transfer(r->f.dev, rd(pl, VCMD_TRANSFER2_RES_HANDLE),
				     rd(pl, VCMD_TRANSFER2_LEVEL), &box, 0, 0,
				     rd(pl, VCMD_TRANSFER2_OFFSET), to_host, &why);
	CHECK(ok, "transfer of resource %u: %s", rd(pl, 0), why ? why : "?");
}

static void
handle(struct replay *r, uint32_t cmd, uint32_t len, const uint8_t *pl)
{
	const char *why = NULL;
	char name[64];
	switch (cmd) {
	case VCMD_CREATE_RENDERER:
		snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63), (const char *)pl);
		r->f.ctx = vr_device_ctx_create(r->f.dev, 1, name, &why);
		CHECK(r->f.ctx != NULL, "context: %s", why ? why : "?");
		break;
	case VCMD_RESOURCE_CREATE2:
		create_resource(r, pl);
		break;
	case VCMD_RESOURCE_UNREF:
		CHECK(vr_device_resource_unref(r->f.dev, rd(pl, 0)), "unref %u", rd(pl, 0));
		break;
	case VCMD_SUBMIT_CMD:
		memcpy(r->scratch, pl, (size_t)len * 4);
		r->submits++;
		CHECK(r->f.ctx && vr_ctx_submit(r->f.ctx, r->scratch, len),
		      "submit %u: context error: %s", r->submits, r->f.ctx ? r->f.ctx->error : "-");
		break;
	case VCMD_TRANSFER_GET2:
		r->frames++;
		transfer(r, pl, false);
		break;
	case VCMD_TRANSFER_PUT2:
		transfer(r, pl, true);
		break;
	default:
		break;
	}
}

static bool
replay(struct replay *r, const uint8_t *data, size_t size)
{
	size_t pos = 0;
	while (pos + 8 <= size) {
		uint32_t len = rd(data + pos, VTEST_CMD_LEN), cmd = rd(data + pos, VTEST_CMD_ID);
		size_t n = payload_bytes(data + pos, len, cmd);
		if (n > size - pos - 8) {
			CHECK(false, "truncated vtest command %u at byte %zu", cmd, pos);
			return false;
		}
		handle(r, cmd, len, data + pos + 8);
		pos += 8 + n;
	}
	return pos == size;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s STREAM.vtest EXPECTED.log\n", argv[0]);
		return 2;
	}
	size_t size = 0, exp_size = 0;
	uint8_t *data = read_file(argv[1], &size);
	CHECK(data != NULL, "cannot read %s", argv[1]);
	if (!data) {
		return vgp_test_result("test_replay");
	}
	struct replay r = {0};
	r.f.be = vr_null_backend_create();
	r.f.dev = vr_device_create(r.f.be);
	r.scratch = malloc(65536 * 4 + 4);
	CHECK(replay(&r, data, size), "stream has trailing bytes");
	CHECK(r.f.ctx && !r.f.ctx->broken, "context broke: %s", r.f.ctx ? r.f.ctx->error : "-");
	printf("%s: %u submits, %u frames, %llu commands decoded\n", argv[1], r.submits, r.frames,
	       r.f.ctx ? (unsigned long long)r.f.ctx->commands : 0ull);
	const char *log = vr_null_backend_log(r.f.be);
	if (getenv("PVGPU_UPDATE_EXPECTED")) {
		FILE *out = fopen(argv[2], "wb");
		CHECK(out && fwrite(log, 1, strlen(log), out) == strlen(log), "write %s", argv[2]);
		if (out) {
			fclose(out);
		}
		printf("updated %s\n", argv[2]);
	} else {
		char *expected = (char *)read_file(argv[2], &exp_size);
		CHECK(expected != NULL, "cannot read %s (PVGPU_UPDATE_EXPECTED=1 creates it)",
		      argv[2]);
		if (expected && strcmp(expected, log) != 0) {
			/* Point at the first differing line rather than dumping megabytes. */
			size_t i = 0, line = 1, start = 0;
			for (; expected[i] && expected[i] == log[i]; i++) {
				if (log[i] == '\n') {
					line++;
					start = i + 1;
				}
			}
			CHECK(false,
			      "log differs from %s at line %zu:\n  got:      %.200s\n"
			      "  expected: %.200s",
			      argv[2], line, log + start, expected + start);
		}
		free(expected);
	}
	vr_device_destroy(r.f.dev);
	r.f.be->impl->destroy(r.f.be);
	free(r.scratch);
	free(data);
	return vgp_test_result("test_replay");
}
