/*
 * pvgpu tests — the virtio-gpu device model against the QEMU vhost-user-gpu
 * CVE classes (docs/SECURITY.md): GET_CAPSET_INFO / GET_CAPSET must neither
 * leak host memory in their responses (CVE-2021-3545: uninitialised padding),
 * nor write past the guest's response buffers (CVE-2021-3546), nor leak host
 * allocations when repeated (CVE-2021-3544; ASan's leak check in `make asan`
 * and CI sees those). Also: a new 2D resource's host image is zero, and
 * backing entries pointing outside guest RAM are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "vgp_test.h"
#include "vr_null.h"
#include "vug_test.h"

#define RAM_SIZE (4u << 20)
#define V2_SIZE 1376 /* VIRGL_CAPSET_VIRGL2 */

static bool
init_virgl(struct tguest *g, struct vr_backend **be)
{
	*be = vr_null_backend_create();
	struct vug_gpu_config c = {.num_scanouts = 1, .virgl = true, .backend = *be};
	return *be && tg_init(g, RAM_SIZE, &c);
}

/* Sends `req` with the response spread over `n` buffers of `sizes` bytes, each
 * followed by 64 guard bytes inside one block pre-filled with `fill`. Returns
 * the length written; *guards_ok is false when any guard byte changed. */
static uint32_t
send_split(struct tguest *g, const void *req, size_t req_size, const size_t *sizes, unsigned n,
	   uint8_t fill, uint8_t *block, bool *guards_ok)
{
	struct iovec out = {(void *)req, req_size}, in[4];
	size_t pos = 0;
	for (unsigned i = 0; i < n; i++) {
		in[i] = (struct iovec){block + pos, sizes[i]};
		pos += sizes[i] + 64;
	}
	memset(block, fill, pos);
	uint32_t len = vug_gpu_ctrl(g->gpu, &out, 1, in, n, NULL);
	*guards_ok = true;
	pos = 0;
	for (unsigned i = 0; i < n; i++) {
		pos += sizes[i];
		for (unsigned k = 0; k < 64; k++) {
			*guards_ok &= block[pos + k] == fill;
		}
		pos += 64;
	}
	return len;
}

/* CVE-2021-3545 class: every response byte is defined, whatever was in the
 * guest's buffer before; the reserved fields are zero. */
static void
test_capset_no_leak(void)
{
	struct tguest g;
	struct vr_backend *be;
	CHECK(init_virgl(&g, &be), "init");
	uint8_t *a = malloc(8192), *b = malloc(8192);
	bool guards;
	for (uint32_t index = 0; index < 2; index++) {
		struct virtio_gpu_get_capset_info ci = {
			.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_CAPSET_INFO), .capset_index = index};
		size_t sz[1] = {sizeof(struct virtio_gpu_resp_capset_info)};
		uint32_t la = send_split(&g, &ci, sizeof(ci), sz, 1, 0xaa, a, &guards);
		uint32_t lb = send_split(&g, &ci, sizeof(ci), sz, 1, 0x55, b, &guards);
		CHECK(la == sz[0] && lb == la, "capset info %u: %u / %u bytes", index, la, lb);
		CHECK(!memcmp(a, b, la), "capset info %u: response depends on old buffer bytes",
		      index);
		struct virtio_gpu_resp_capset_info ri;
		memcpy(&ri, a, sizeof(ri));
		CHECK(ri.padding == 0 && ri.hdr.padding[0] == 0 && ri.hdr.padding[1] == 0 &&
			      ri.hdr.padding[2] == 0,
		      "capset info %u: reserved fields not zero", index);
	}
	struct virtio_gpu_get_capset gc = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_CAPSET), .capset_id = 2, .capset_version = 2};
	size_t whole[1] = {24 + V2_SIZE};
	uint32_t la = send_split(&g, &gc, sizeof(gc), whole, 1, 0xaa, a, &guards);
	uint32_t lb = send_split(&g, &gc, sizeof(gc), whole, 1, 0x55, b, &guards);
	CHECK(la == 24 + V2_SIZE && lb == la, "capset v2: %u / %u bytes", la, lb);
	CHECK(!memcmp(a, b, la), "capset v2: response depends on old buffer bytes");
	/* An error response is a header only, also fully defined. */
	gc.capset_version = 7;
	la = send_split(&g, &gc, sizeof(gc), whole, 1, 0xaa, a, &guards);
	lb = send_split(&g, &gc, sizeof(gc), whole, 1, 0x55, b, &guards);
	CHECK(la == 24 && lb == 24 && !memcmp(a, b, 24), "bad version: %u / %u bytes", la, lb);
	free(a);
	free(b);
	tg_finish(&g);
	be->impl->destroy(be);
}

/* CVE-2021-3546 class: the capset goes only into the buffers the guest gave,
 * across several of them, and never when they are too small in total. */
static void
test_capset_bounds(void)
{
	struct tguest g;
	struct vr_backend *be;
	CHECK(init_virgl(&g, &be), "init");
	uint8_t *block = malloc(8192);
	bool guards;
	struct virtio_gpu_get_capset gc = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_CAPSET), .capset_id = 2, .capset_version = 2};
	size_t split[3] = {10, 1000, 24 + V2_SIZE - 1010};
	CHECK_EQ_U(send_split(&g, &gc, sizeof(gc), split, 3, 0xcc, block, &guards), 24 + V2_SIZE);
	CHECK(guards, "split capset wrote past a buffer");
	size_t short_split[3] = {10, 1000, 24 + V2_SIZE - 1011};
	uint32_t len = send_split(&g, &gc, sizeof(gc), short_split, 3, 0xcc, block, &guards);
	CHECK(len == 24 && guards, "capset into %u bytes: %u written, guards %d", 24 + V2_SIZE - 1,
	      len, guards);
	size_t tiny[1] = {7};
	len = send_split(&g, &gc, sizeof(gc), tiny, 1, 0xcc, block, &guards);
	CHECK(len == 0 && guards, "7-byte response buffer: %u written, guards %d", len, guards);
	/* A truncated request is refused, not read past its end. */
	uint8_t *req = malloc(sizeof(gc) - 4);
	memcpy(req, &gc, sizeof(gc) - 4);
	size_t one[1] = {24 + V2_SIZE};
	len = send_split(&g, req, sizeof(gc) - 4, one, 1, 0xcc, block, &guards);
	struct virtio_gpu_ctrl_hdr h;
	memcpy(&h, block, sizeof(h));
	CHECK(len == 24 && h.type >= VIRTIO_GPU_RESP_ERR_UNSPEC && guards,
	      "truncated GET_CAPSET: %u bytes, type 0x%x", len, h.type);
	free(req);
	free(block);
	tg_finish(&g);
	be->impl->destroy(be);
}

/* CVE-2021-3544 class: repeated capset requests (good and bad) allocate nothing
 * that outlives them; under ASan the leak check at exit would report it. */
static void
test_capset_repeat(void)
{
	struct tguest g;
	struct vr_backend *be;
	CHECK(init_virgl(&g, &be), "init");
	uint8_t resp[24 + V2_SIZE];
	unsigned ok = 0;
	for (unsigned i = 0; i < 500; i++) {
		struct virtio_gpu_get_capset gc = {.hdr = tg_hdr(VIRTIO_GPU_CMD_GET_CAPSET),
						   .capset_id = 1 + i % 3,
						   .capset_version = i % 4};
		ok += tg_send(&g, &gc, sizeof(gc), resp, sizeof(resp), NULL) > 24;
	}
	CHECK(ok > 0, "no capset answered");
	tg_finish(&g);
	be->impl->destroy(be);
}

/* Backing entries outside guest RAM, or wrapping, are refused (no host access). */
static void
test_backing_outside_ram(void)
{
	struct tguest g;
	struct vr_backend *be;
	CHECK(init_virgl(&g, &be), "init");
	CHECK_EQ_U(tg_create_2d(&g, 1, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 16, 16),
		   VIRTIO_GPU_RESP_OK_NODATA);
	struct virtio_gpu_mem_entry e = {.addr = RAM_SIZE - 512, .length = 1024};
	CHECK(tg_attach(&g, 1, &e, 1) != VIRTIO_GPU_RESP_OK_NODATA, "entry past RAM end");
	e = (struct virtio_gpu_mem_entry){.addr = UINT64_MAX - 100, .length = 1024};
	CHECK(tg_attach(&g, 1, &e, 1) != VIRTIO_GPU_RESP_OK_NODATA, "wrapping entry");
	tg_finish(&g);
	be->impl->destroy(be);
}

/* The device's own caps (qemu-glue/device/vug_priv.h): host copies of 2D
 * resources (VUG_MAX_HOST_2D_BYTES, 512 MiB) and one SUBMIT_3D
 * (VUG_MAX_SUBMIT_BYTES, 4 MiB) refuse that request only. */
static void
test_device_caps(void)
{
	struct tguest g;
	struct vr_backend *be;
	CHECK(init_virgl(&g, &be), "init");
	/* Two 16384x4096 RGBA resources are 512 MiB (calloc'd, never touched). */
	CHECK_EQ_U(tg_create_2d(&g, 1, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 16384, 4096),
		   VIRTIO_GPU_RESP_OK_NODATA);
	CHECK_EQ_U(tg_create_2d(&g, 2, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 16384, 4096),
		   VIRTIO_GPU_RESP_OK_NODATA);
	CHECK_EQ_U(tg_create_2d(&g, 3, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 1, 1),
		   VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
	struct virtio_gpu_resource_unref u = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_UNREF),
					      .resource_id = 2};
	CHECK_EQ_U(tg_cmd(&g, &u, sizeof(u)), VIRTIO_GPU_RESP_OK_NODATA);
	CHECK_EQ_U(tg_create_2d(&g, 3, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 1, 1),
		   VIRTIO_GPU_RESP_OK_NODATA);

	/* SUBMIT_3D of 4 MiB + 4 bytes of commands. */
	struct virtio_gpu_ctx_create cc = {.hdr = tg_hdr(VIRTIO_GPU_CMD_CTX_CREATE), .nlen = 1};
	cc.hdr.ctx_id = 1;
	CHECK_EQ_U(tg_cmd(&g, &cc, sizeof(cc)), VIRTIO_GPU_RESP_OK_NODATA);
	size_t cmd_bytes = (4u << 20) + 4;
	uint8_t *req = calloc(1, sizeof(struct virtio_gpu_cmd_submit) + cmd_bytes);
	struct virtio_gpu_cmd_submit sub = {.hdr = tg_hdr(VIRTIO_GPU_CMD_SUBMIT_3D),
					    .size = (uint32_t)cmd_bytes};
	sub.hdr.ctx_id = 1;
	memcpy(req, &sub, sizeof(sub));
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(sub) + cmd_bytes), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	sub.size = 4u << 20; /* exactly the cap: zero dwords are NOPs */
	memcpy(req, &sub, sizeof(sub));
	CHECK_EQ_U(tg_cmd(&g, req, sizeof(sub) + sub.size), VIRTIO_GPU_RESP_OK_NODATA);
	free(req);
	tg_finish(&g);
	be->impl->destroy(be);
}

int
main(void)
{
	test_capset_no_leak();
	test_capset_bounds();
	test_capset_repeat();
	test_backing_outside_ram();
	test_device_caps();
	return vgp_test_result("test_vug_hostile");
}
