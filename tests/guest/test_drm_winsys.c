/*
 * pvgpu tests — the virtio-gpu DRM winsys against fake_virtgpu: the ioctl
 * arguments it sends, a create → map → write → transfer → read-back round trip,
 * fences, and every error path (bad caps, failing creates, a device that goes
 * away, timeouts, no device at all).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fake_virtgpu.h"
#include "vgp_caps.h"
#include "vgp_test.h"
#include "vgp_virgl_format.h"

static struct gd_winsys *
open_ws(struct fake_virtgpu *dev)
{
	struct gd_winsys *ws = NULL;
	int r = gd_winsys_drm_open_with_ops(NULL, &fake_virtgpu_ops, dev, &ws);
	CHECK(r == 0 && ws, "open: %d", r);
	return ws;
}

static void
close_ws(struct fake_virtgpu *dev, struct gd_winsys *ws)
{
	if (ws) {
		ws->impl->destroy(ws);
	}
	CHECK_EQ_U(dev->unknown_ioctls, 0);
	fake_virtgpu_finish(dev);
}

static const struct gd_resource_desc tex_desc = {
	.target = PIPE_TEXTURE_2D,
	.format = VIRGL_FORMAT_B8G8R8A8_UNORM,
	.bind = VIRGL_BIND_SAMPLER_VIEW | VIRGL_BIND_RENDER_TARGET,
	.width = 16,
	.height = 8,
	.depth = 1,
	.array_size = 1,
	.last_level = 1,
};
/* 16x8 + 8x4 texels of 4 bytes. */
#define TEX_BACKING (16 * 8 * 4 + 8 * 4 * 4)

static const struct gd_resource_desc buf_desc = {
	.target = PIPE_BUFFER,
	.format = VIRGL_FORMAT_R8_UNORM,
	.bind = VIRGL_BIND_VERTEX_BUFFER,
	.width = 256,
	.height = 1,
	.depth = 1,
	.array_size = 1,
};

static struct gd_ws_res *
make_res(struct gd_winsys *ws, const struct gd_resource_desc *desc, size_t backing)
{
	struct gd_ws_res *res = NULL;
	int r = ws->impl->resource_create(ws, desc, backing, &res);
	CHECK(r == 0 && res, "resource_create: %d", r);
	return res;
}

static void
test_create_and_caps(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	CHECK(strcmp(ws->impl->name, "drm") == 0, "name %s", ws->impl->name);
	CHECK_EQ_U(ws->status, 0);
	/* CONTEXT_INIT with one param: capset VIRGL2. */
	CHECK_EQ_U(dev.ctx_inits, 1);
	CHECK_EQ_U(dev.ctx_num_params, 1);
	CHECK_EQ_U(dev.ctx_params[0].param, VIRTGPU_CONTEXT_PARAM_CAPSET_ID);
	CHECK_EQ_U(dev.ctx_params[0].value, VIRGL_CAPSET_VIRGL2);

	struct vgp_caps_v2 caps;
	CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), 0);
	CHECK_EQ_U(dev.last_caps.cap_set_id, VIRGL_CAPSET_VIRGL2);
	CHECK_EQ_U(dev.last_caps.cap_set_ver, 0);
	CHECK_EQ_U(dev.last_caps.size, 1376);
	CHECK(dev.last_caps.addr == (uintptr_t)&caps, "caps address");
	CHECK_EQ_U(caps.v1.max_version, 2);
	/* The last byte of v2 came from the host (pattern i*7 + capset). */
	CHECK_EQ_U(((uint8_t *)&caps)[1375], (uint8_t)(1375 * 7 + 2));

	memset(&caps, 0xee, sizeof(caps));
	CHECK_EQ_U(ws->impl->get_caps(ws, 1, &caps), 0);
	CHECK_EQ_U(dev.last_caps.cap_set_id, VIRGL_CAPSET_VIRGL);
	CHECK_EQ_U(dev.last_caps.size, 308);
	CHECK_EQ_U(caps.v1.max_version, 1);
	CHECK_EQ_U(((uint8_t *)&caps)[307], (uint8_t)(307 * 7 + 1));
	/* v1: the v2-only part is zero. */
	CHECK_EQ_U(((uint8_t *)&caps)[308], 0);
	CHECK_EQ_U(caps.max_vertex_attribs, 0);

	unsigned before = dev.ioctls;
	CHECK_EQ_U(ws->impl->get_caps(ws, 3, &caps), -EINVAL);
	CHECK_EQ_U(ws->impl->get_caps(ws, 0, &caps), -EINVAL);
	CHECK_EQ_U(dev.ioctls, before);
	close_ws(&dev, ws);
	CHECK_EQ_U(dev.device_closes, 1);
}

/* Kernels without CONTEXT_INIT / SUPPORTED_CAPSET_IDs / capset fix. */
static void
test_older_kernels(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	dev.param_missing[VIRTGPU_PARAM_CONTEXT_INIT] = true;
	dev.param_missing[VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs] = true;
	dev.param_missing[VIRTGPU_PARAM_RESOURCE_BLOB] = true;
	struct gd_winsys *ws = open_ws(&dev);
	struct vgp_caps_v2 caps;
	if (ws) {
		CHECK_EQ_U(dev.ctx_inits, 0);
		CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), 0);
	}
	close_ws(&dev, ws);

	fake_virtgpu_init(&dev);
	dev.param_missing[VIRTGPU_PARAM_CONTEXT_INIT] = true;
	dev.param_missing[VIRTGPU_PARAM_CAPSET_QUERY_FIX] = true;
	ws = open_ws(&dev);
	if (ws) {
		unsigned before = dev.get_caps;
		CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), -ENOTSUP);
		CHECK_EQ_U(dev.get_caps, before);
		CHECK_EQ_U(ws->impl->get_caps(ws, 1, &caps), 0);
	}
	close_ws(&dev, ws);

	/* Only capset VIRGL: the context is bound to it and v2 is not offered. */
	fake_virtgpu_init(&dev);
	dev.params[VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs] = 1 << VIRGL_CAPSET_VIRGL;
	ws = open_ws(&dev);
	if (ws) {
		CHECK_EQ_U(dev.ctx_params[0].value, VIRGL_CAPSET_VIRGL);
		CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), -ENOTSUP);
	}
	close_ws(&dev, ws);
}

static void
test_unusable_devices(void)
{
	struct fake_virtgpu dev;
	struct gd_winsys *ws = (struct gd_winsys *)&dev;

	fake_virtgpu_init(&dev);
	dev.params[VIRTGPU_PARAM_3D_FEATURES] = 0;
	CHECK_EQ_U(gd_winsys_drm_open_with_ops("/dev/dri/renderD128", &fake_virtgpu_ops, &dev, &ws),
		   -ENOTSUP);
	CHECK(ws == NULL, "no winsys on failure");
	CHECK_EQ_U(dev.device_closes, 1);
	/* Scanning skips it. */
	CHECK_EQ_U(gd_winsys_drm_open_with_ops(NULL, &fake_virtgpu_ops, &dev, &ws), -ENODEV);
	CHECK_EQ_U(dev.device_closes, 2);
	fake_virtgpu_finish(&dev);

	/* Venus only: no virgl capset. */
	fake_virtgpu_init(&dev);
	dev.params[VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs] = 1 << VIRGL_CAPSET_VENUS;
	CHECK_EQ_U(gd_winsys_drm_open_with_ops("/dev/dri/renderD128", &fake_virtgpu_ops, &dev, &ws),
		   -ENOTSUP);
	CHECK_EQ_U(dev.ctx_inits, 0);
	fake_virtgpu_finish(&dev);

	/* CONTEXT_INIT refused. */
	fake_virtgpu_init(&dev);
	dev.fail_request = GD_IOCTL_VIRTGPU_CONTEXT_INIT;
	dev.fail_errno = EINVAL;
	CHECK_EQ_U(gd_winsys_drm_open_with_ops("/dev/dri/renderD128", &fake_virtgpu_ops, &dev, &ws),
		   -EINVAL);
	CHECK_EQ_U(gd_winsys_drm_open_with_ops(NULL, &fake_virtgpu_ops, &dev, &ws), -ENODEV);
	CHECK_EQ_U(dev.device_closes, 2);
	fake_virtgpu_finish(&dev);
}

static void
test_scan(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	dev.nodes[0] = "i915";
	dev.nodes[1] = "virtio_gpu_";
	dev.nodes[5] = "virtio_gpu";
	struct gd_winsys *ws = open_ws(&dev);
	CHECK_EQ_U(dev.opens, 3);
	CHECK_EQ_U(dev.device_closes, 2);
	close_ws(&dev, ws);
	CHECK_EQ_U(dev.device_closes, 3);

	fake_virtgpu_init(&dev);
	dev.nodes[0] = "i915";
	CHECK_EQ_U(gd_winsys_drm_open_with_ops("/dev/dri/renderD128", &fake_virtgpu_ops, &dev, &ws),
		   -ENODEV);
	CHECK_EQ_U(gd_winsys_drm_open_with_ops("/dev/dri/renderD140", &fake_virtgpu_ops, &dev, &ws),
		   -ENODEV);
	dev.nodes[0] = NULL;
	CHECK_EQ_U(gd_winsys_drm_open_with_ops(NULL, &fake_virtgpu_ops, &dev, &ws), -ENODEV);
	CHECK(ws == NULL, "no winsys");
	fake_virtgpu_finish(&dev);
}

/* The real entry point on this machine: no VM, so no virtio-gpu node. */
static void
test_real_device_absent(void)
{
	struct gd_winsys *ws = NULL;
	int r = gd_winsys_drm_create(NULL, &ws);
	if (access("/dev/dri", F_OK) == 0) {
		printf("note: /dev/dri exists; gd_winsys_drm_create(NULL) = %d\n", r);
		CHECK(r == 0 || r == -ENODEV, "create: %d", r);
	} else {
		CHECK_EQ_U(r, -ENODEV);
	}
	if (ws) {
		ws->impl->destroy(ws);
	}
	CHECK_EQ_U(gd_winsys_drm_create("/nonexistent/renderD128", &ws), -ENODEV);
}

static void
test_caps_errors(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct vgp_caps_v2 caps;
	dev.caps_size_reply = 1024;
	CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), -EPROTO);
	CHECK_EQ_U(caps.v1.max_version, 0);
	dev.caps_size_reply = 0;
	dev.caps_max_version = UINT32_MAX; /* host wrote max_version 0 */
	CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), -EPROTO);
	dev.caps_max_version = 0;
	dev.fail_request = DRM_IOCTL_VIRTGPU_GET_CAPS;
	dev.fail_errno = EINVAL;
	CHECK_EQ_U(ws->impl->get_caps(ws, 1, &caps), -ENOTSUP);
	dev.fail_errno = ENOMEM;
	CHECK_EQ_U(ws->impl->get_caps(ws, 1, &caps), -ENOMEM);
	dev.fail_request = 0;
	CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), 0);
	CHECK_EQ_U(ws->status, 0);
	close_ws(&dev, ws);
}

static void
test_resource_create_args(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct gd_ws_res *tex = make_res(ws, &tex_desc, TEX_BACKING);
	struct fake_res *fr = &dev.res[0];
	const struct drm_virtgpu_resource_create *rc = &fr->create;
	CHECK_EQ_U(rc->target, PIPE_TEXTURE_2D);
	CHECK_EQ_U(rc->format, VIRGL_FORMAT_B8G8R8A8_UNORM);
	CHECK_EQ_U(rc->bind, VIRGL_BIND_SAMPLER_VIEW | VIRGL_BIND_RENDER_TARGET);
	CHECK_EQ_U(rc->width, 16);
	CHECK_EQ_U(rc->height, 8);
	CHECK_EQ_U(rc->depth, 1);
	CHECK_EQ_U(rc->array_size, 1);
	CHECK_EQ_U(rc->last_level, 1);
	CHECK_EQ_U(rc->nr_samples, 0);
	CHECK_EQ_U(rc->flags, 0);
	CHECK_EQ_U(rc->bo_handle, 0);
	CHECK_EQ_U(rc->size, TEX_BACKING);
	CHECK_EQ_U(rc->stride, 64);
	if (tex) {
		/* The command stream uses the host handle, not the bo handle. */
		CHECK_EQ_U(tex->handle, 100);
		CHECK_EQ_U(tex->backing_size, TEX_BACKING);
		CHECK(tex->map == fr->guest, "map is the bo's pages");
	}
	CHECK_EQ_U(dev.maps, 1);

	/* No backing (e.g. MSAA): no MAP, no mapping. */
	struct gd_resource_desc ms = tex_desc;
	ms.nr_samples = 4;
	ms.last_level = 0;
	struct gd_ws_res *msr = make_res(ws, &ms, 0);
	CHECK_EQ_U(dev.res[1].create.nr_samples, 4);
	CHECK_EQ_U(dev.res[1].create.size, 0);
	CHECK_EQ_U(dev.maps, 1);
	if (msr) {
		CHECK(msr->map == NULL, "no mapping");
		CHECK_EQ_U(msr->handle, 101);
	}
	ws->impl->resource_destroy(ws, msr);
	CHECK_EQ_U(dev.last_gem_close, 2);
	CHECK(!dev.res[1].live, "bo closed");
	CHECK_EQ_U(dev.munmaps, 0);
	ws->impl->resource_destroy(ws, NULL);
	close_ws(&dev, ws);
	/* Destroying the winsys released the texture: munmap + GEM_CLOSE. */
	CHECK_EQ_U(dev.munmaps, 1);
	CHECK_EQ_U(dev.gem_closes, 2);
	CHECK(!dev.res[0].live, "texture closed");
}

static void
test_resource_create_errors(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct gd_ws_res *res = NULL;
	dev.fail_request = DRM_IOCTL_VIRTGPU_RESOURCE_CREATE;
	dev.fail_errno = ENOMEM;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), -ENOMEM);
	CHECK(res == NULL, "no resource");
	dev.fail_errno = ENOSPC;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), -ENOSPC);
	dev.fail_request = 0;

	/* Backing the kernel's 32-bit size cannot carry: refused before the ioctl. */
	unsigned before = dev.creates;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, (size_t)UINT32_MAX + 1, &res), -EINVAL);
	CHECK_EQ_U(dev.creates, before);

	/* MAP fails: the bo is closed again. */
	dev.fail_request = DRM_IOCTL_VIRTGPU_MAP;
	dev.fail_errno = ENOMEM;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), -ENOMEM);
	CHECK_EQ_U(dev.gem_closes, 1);
	CHECK(!dev.res[0].live, "bo closed after MAP failure");
	dev.fail_request = 0;
	/* mmap fails. */
	dev.map_fails = true;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), -ENOMEM);
	CHECK_EQ_U(dev.gem_closes, 2);
	dev.map_fails = false;
	/* A zero host handle is no valid answer. */
	dev.zero_res_handle = true;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), -EPROTO);
	CHECK_EQ_U(dev.gem_closes, 3);
	dev.zero_res_handle = false;
	/* The fake device is full after FAKE_MAX_RES resources. */
	struct gd_ws_res *all[FAKE_MAX_RES];
	for (int i = 0; i < FAKE_MAX_RES; i++) {
		all[i] = make_res(ws, &buf_desc, 16);
	}
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 16, &res), -ENOSPC);
	for (int i = 0; i < FAKE_MAX_RES; i++) {
		ws->impl->resource_destroy(ws, all[i]);
	}
	CHECK_EQ_U(ws->status, 0);
	close_ws(&dev, ws);
}

static void
test_round_trip(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct gd_ws_res *tex = make_res(ws, &tex_desc, TEX_BACKING);
	if (!tex) {
		close_ws(&dev, ws);
		return;
	}
	uint8_t *map = tex->map;
	/* Box (2,1) 4x2 of level 1 (8x4, 32-byte rows, starting at byte 512). */
	const struct gd_box box = {2, 1, 0, 4, 2, 1};
	const uint64_t off = 512 + 1 * 32 + 2 * 4;
	for (int y = 0; y < 2; y++) {
		for (int i = 0; i < 16; i++) {
			map[off + y * 32 + i] = (uint8_t)(0x40 + y * 16 + i);
		}
	}
	CHECK_EQ_U(ws->impl->transfer(ws, tex, 1, &box, off, true), 0);
	const struct gd_virtgpu_transfer *t = &dev.last_xfer;
	CHECK_EQ_U(dev.xfers_to, 1);
	CHECK_EQ_U(t->bo_handle, 1);
	CHECK_EQ_U(t->box.x, 2);
	CHECK_EQ_U(t->box.y, 1);
	CHECK_EQ_U(t->box.z, 0);
	CHECK_EQ_U(t->box.w, 4);
	CHECK_EQ_U(t->box.h, 2);
	CHECK_EQ_U(t->box.d, 1);
	CHECK_EQ_U(t->level, 1);
	CHECK_EQ_U(t->offset, off);
	/* Non-blob bos: the kernel takes no pitches (host: the level's tight ones). */
	CHECK_EQ_U(t->stride, 0);
	CHECK_EQ_U(t->layer_stride, 0);
	/* The host copy holds the box at its place. */
	const uint8_t *host = dev.res[0].host;
	CHECK_EQ_U(host[off], 0x40);
	CHECK_EQ_U(host[off + 32 + 15], 0x40 + 16 + 15);
	CHECK_EQ_U(host[off - 1], 0);
	CHECK_EQ_U(host[off + 16], 0);

	memset(map, 0, TEX_BACKING);
	dev.res[0].busy = true;
	CHECK_EQ_U(ws->impl->transfer(ws, tex, 1, &box, off, false), 0);
	CHECK_EQ_U(dev.xfers_from, 1);
	CHECK_EQ_U(dev.last_xfer.stride, 0);
	/* A read-back waits for the bo before returning. */
	CHECK_EQ_U(dev.waits, 1);
	CHECK_EQ_U(dev.last_wait.handle, 1);
	CHECK_EQ_U(dev.last_wait.flags, 0);
	int same = 1;
	for (int y = 0; y < 2; y++) {
		for (int i = 0; i < 16; i++) {
			same &= map[off + y * 32 + i] == (uint8_t)(0x40 + y * 16 + i);
		}
	}
	CHECK(same, "read-back equals what was written");

	/* A buffer: 100 bytes at offset 50. */
	struct gd_ws_res *buf = make_res(ws, &buf_desc, 256);
	if (buf) {
		uint8_t *bm = buf->map;
		for (int i = 0; i < 100; i++) {
			bm[50 + i] = (uint8_t)i;
		}
		const struct gd_box bbox = {50, 0, 0, 100, 1, 1};
		CHECK_EQ_U(ws->impl->transfer(ws, buf, 0, &bbox, 50, true), 0);
		CHECK_EQ_U(dev.last_xfer.stride, 0);
		CHECK_EQ_U(dev.last_xfer.layer_stride, 0);
		memset(bm, 0, 256);
		CHECK_EQ_U(ws->impl->transfer(ws, buf, 0, &bbox, 50, false), 0);
		CHECK_EQ_U(bm[50 + 99], 99);
		CHECK_EQ_U(bm[49], 0);
	}
	close_ws(&dev, ws);
}

static void
test_transfer_validation(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct gd_ws_res *tex = make_res(ws, &tex_desc, TEX_BACKING);
	struct gd_resource_desc ms = tex_desc;
	ms.last_level = 0;
	struct gd_ws_res *nobacking = make_res(ws, &ms, 0);
	const struct gd_box ok = {0, 0, 0, 16, 8, 1};
	const struct {
		struct gd_ws_res *res;
		uint32_t level;
		struct gd_box box;
		uint64_t offset;
	} bad[] = {
		{tex, 2, {0, 0, 0, 1, 1, 1}, 0},                 /* level > last_level */
		{tex, 0, {-1, 0, 0, 1, 1, 1}, 0},                /* negative x */
		{tex, 0, {0, 0, 0, 17, 1, 1}, 0},                /* wider than the level */
		{tex, 1, {0, 0, 0, 8, 5, 1}, 512},               /* taller than level 1 */
		{tex, 0, {0, 0, 1, 1, 1, 1}, 0},                 /* z beyond a 2D texture */
		{tex, 0, {0, 0, 0, 0, 1, 1}, 0},                 /* empty box */
		{tex, 1, {0, 0, 0, 8, 4, 1}, 513},               /* runs past the backing */
		{tex, 0, {0, 0, 0, 1, 1, 1}, TEX_BACKING},       /* offset at the end */
		{tex, 0, {0, 0, 0, 1, 1, 1}, (uint64_t)1 << 32}, /* offset beyond 32 bits */
		{tex, 0, {INT32_MAX, 0, 0, INT32_MAX, 1, 1}, 0}, /* overflowing x + w */
		{nobacking, 0, {0, 0, 0, 1, 1, 1}, 0},           /* no guest memory */
		{NULL, 0, {0, 0, 0, 1, 1, 1}, 0},
	};
	unsigned before = dev.ioctls;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = ws->impl->transfer(ws, bad[i].res, bad[i].level, &bad[i].box, bad[i].offset,
					   i % 2);
		CHECK(r == -EINVAL, "bad transfer %zu: %d", i, r);
	}
	CHECK_EQ_U(dev.ioctls, before);
	CHECK_EQ_U(ws->impl->transfer(ws, tex, 0, &ok, 0, true), 0);
	CHECK_EQ_U(ws->status, 0);
	close_ws(&dev, ws);
}

static void
test_submit(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct gd_ws_res *a = make_res(ws, &buf_desc, 256);
	struct gd_ws_res *b = make_res(ws, &tex_desc, TEX_BACKING);
	const uint32_t cmds[5] = {0x00010001, 7, 0xdeadbeef, 3, 4};
	struct gd_ws_res *refs[3] = {b, a, b};
	uint64_t fence = 99;
	CHECK_EQ_U(ws->impl->submit(ws, cmds, 5, refs, 3, &fence), 0);
	CHECK_EQ_U(dev.last_eb.flags, VIRTGPU_EXECBUF_FENCE_FD_OUT);
	CHECK_EQ_U(dev.last_eb.size, 20);
	CHECK_EQ_U(dev.last_eb.fence_fd, -1);
	CHECK(memcmp(dev.last_cmd, cmds, sizeof(cmds)) == 0, "command dwords");
	/* bo handles (not host handles), each once. */
	CHECK_EQ_U(dev.last_eb.num_bo_handles, 2);
	CHECK_EQ_U(dev.last_bos[0], 1);
	CHECK_EQ_U(dev.last_bos[1], 2);
	CHECK_EQ_U(fence, 1);
	CHECK_EQ_U(ws->impl->fence_wait(ws, fence, 0), 0);
	CHECK_EQ_U(dev.fences_closed, 1);
	CHECK_EQ_U(ws->impl->fence_wait(ws, fence, 0), 0);

	/* Without a fence pointer: no out-fence. */
	CHECK_EQ_U(ws->impl->submit(ws, cmds, 2, NULL, 0, NULL), 0);
	CHECK_EQ_U(dev.last_eb.flags, 0);
	CHECK_EQ_U(dev.last_eb.num_bo_handles, 0);
	CHECK_EQ_U(dev.fences_made, 1);

	unsigned before = dev.ioctls;
	struct gd_ws_res *nullref[1] = {NULL};
	CHECK_EQ_U(ws->impl->submit(ws, cmds, 5, nullref, 1, &fence), -EINVAL);
	CHECK_EQ_U(fence, 0);
	CHECK_EQ_U(ws->impl->submit(ws, NULL, 5, NULL, 0, NULL), -EINVAL);
	CHECK_EQ_U(ws->impl->submit(ws, cmds, UINT32_MAX / 4 + 1, NULL, 0, NULL), -EINVAL);
	CHECK_EQ_U(ws->impl->fence_wait(ws, 0, 0), -EINVAL);
	CHECK_EQ_U(ws->impl->fence_wait(ws, 2, 0), -EINVAL);
	CHECK_EQ_U(dev.ioctls, before);

	dev.fail_request = DRM_IOCTL_VIRTGPU_EXECBUFFER;
	dev.fail_errno = ENOMEM;
	CHECK_EQ_U(ws->impl->submit(ws, cmds, 5, refs, 3, &fence), -ENOMEM);
	dev.fail_request = 0;
	CHECK_EQ_U(ws->status, 0);
	close_ws(&dev, ws);
	CHECK_EQ_U(dev.fences_closed, dev.fences_made);
}

static int64_t
ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_fences(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	dev.fences_signal_now = false;
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	const uint32_t cmd = 0;
	uint64_t f1 = 0, f2 = 0;
	CHECK_EQ_U(ws->impl->submit(ws, &cmd, 1, NULL, 0, &f1), 0);
	CHECK_EQ_U(ws->impl->submit(ws, &cmd, 1, NULL, 0, &f2), 0);
	CHECK_EQ_U(f2, f1 + 1);
	int64_t t0 = ms_now();
	CHECK_EQ_U(ws->impl->fence_wait(ws, f1, 20 * 1000000), -ETIMEDOUT);
	int64_t waited = ms_now() - t0;
	CHECK(waited >= 19 && waited < 2000, "waited %lld ms", (long long)waited);
	CHECK_EQ_U(ws->impl->fence_wait(ws, f2, 0), -ETIMEDOUT);
	CHECK_EQ_U(dev.fences_closed, 0);
	fake_virtgpu_signal(&dev);
	/* Waiting for the newer one retires both fds. */
	CHECK_EQ_U(ws->impl->fence_wait(ws, f2, -1), 0);
	CHECK_EQ_U(dev.fences_closed, 2);
	CHECK_EQ_U(ws->impl->fence_wait(ws, f1, 0), 0);

	/* Far more unsignaled fences than the winsys keeps fds for. */
	uint64_t first = 0, last = 0;
	for (int i = 0; i < 100; i++) {
		CHECK_EQ_U(ws->impl->submit(ws, &cmd, 1, NULL, 0, &last), 0);
		first = first ? first : last;
	}
	CHECK(dev.fences_made - dev.fences_closed <= GD_DRM_MAX_FENCES, "%u fence fds open",
	      dev.fences_made - dev.fences_closed);
	/* A dropped fence is waited for through a newer one: still pending here. */
	CHECK_EQ_U(ws->impl->fence_wait(ws, first, 1000000), -ETIMEDOUT);
	fake_virtgpu_signal(&dev);
	CHECK_EQ_U(ws->impl->fence_wait(ws, first, 1000000000), 0);
	CHECK_EQ_U(ws->impl->fence_wait(ws, last, 1000000000), 0);
	CHECK_EQ_U(dev.fences_closed, dev.fences_made);

	/* Signaled fences are closed at the next submission without a wait. */
	CHECK_EQ_U(ws->impl->submit(ws, &cmd, 1, NULL, 0, &last), 0);
	fake_virtgpu_signal(&dev);
	CHECK_EQ_U(ws->impl->submit(ws, &cmd, 1, NULL, 0, &last), 0);
	CHECK_EQ_U(dev.fences_made - dev.fences_closed, 1);
	/* Destroy closes what is left. */
	close_ws(&dev, ws);
	CHECK_EQ_U(dev.fences_closed, dev.fences_made);
}

static void
test_busy(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct gd_ws_res *res = make_res(ws, &buf_desc, 256);
	bool busy = true;
	CHECK_EQ_U(ws->impl->resource_busy(ws, res, false, &busy), 0);
	CHECK(!busy, "idle");
	CHECK_EQ_U(dev.last_wait.flags, VIRTGPU_WAIT_NOWAIT);
	CHECK_EQ_U(dev.last_wait.handle, 1);
	dev.res[0].busy = true;
	CHECK_EQ_U(ws->impl->resource_busy(ws, res, false, &busy), 0);
	CHECK(busy, "busy");
	dev.wait_times_out = true;
	CHECK_EQ_U(ws->impl->resource_busy(ws, res, true, &busy), -ETIMEDOUT);
	CHECK_EQ_U(dev.last_wait.flags, 0);
	CHECK(busy, "still busy");
	dev.wait_times_out = false;
	CHECK_EQ_U(ws->impl->resource_busy(ws, res, true, &busy), 0);
	CHECK(!busy, "idle after the wait");
	close_ws(&dev, ws);
}

/* ENODEV in the middle of a session: -ENOTCONN from then on, without ioctls. */
static void
test_device_gone(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	dev.fences_signal_now = false;
	struct gd_winsys *ws = open_ws(&dev);
	if (!ws) {
		return;
	}
	struct gd_ws_res *res = make_res(ws, &buf_desc, 256);
	const uint32_t cmd = 0;
	uint64_t fence = 0;
	CHECK_EQ_U(ws->impl->submit(ws, &cmd, 1, &res, 1, &fence), 0);
	dev.gone = true;
	const struct gd_box box = {0, 0, 0, 16, 1, 1};
	CHECK_EQ_U(ws->impl->transfer(ws, res, 0, &box, 0, true), -ENOTCONN);
	CHECK_EQ_U(ws->status, -ENOTCONN);
	dev.gone = false; /* even if the device answered again, the winsys stays down */
	unsigned before = dev.ioctls;
	struct vgp_caps_v2 caps;
	struct gd_ws_res *res2 = NULL;
	bool busy;
	CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), -ENOTCONN);
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res2), -ENOTCONN);
	CHECK(res2 == NULL, "no resource");
	CHECK_EQ_U(ws->impl->transfer(ws, res, 0, &box, 0, false), -ENOTCONN);
	CHECK_EQ_U(ws->impl->submit(ws, &cmd, 1, NULL, 0, &fence), -ENOTCONN);
	CHECK_EQ_U(ws->impl->fence_wait(ws, 1, -1), -ENOTCONN);
	CHECK_EQ_U(ws->impl->resource_busy(ws, res, false, &busy), -ENOTCONN);
	CHECK_EQ_U(ws->status, -ENOTCONN);
	ws->impl->resource_destroy(ws, res);
	CHECK_EQ_U(dev.ioctls, before);
	CHECK_EQ_U(dev.munmaps, 1);
	close_ws(&dev, ws);
	CHECK_EQ_U(dev.fences_closed, dev.fences_made);
	CHECK_EQ_U(dev.device_closes, 1);

	/* Gone during creation. */
	fake_virtgpu_init(&dev);
	dev.gone = true;
	CHECK_EQ_U(gd_winsys_drm_create_with_ops(FAKE_FD_BASE + 128, &fake_virtgpu_ops, &dev, &ws),
		   -ENOTCONN);
	CHECK_EQ_U(dev.device_closes, 1);
	fake_virtgpu_finish(&dev);
}

/* A scanout colour buffer: the bind reaches the kernel, the GEM handle and device fd come back
 * for KMS; resources of other winsys (or none) have no DRM handle. */
static void
test_scanout_handle(void)
{
	struct fake_virtgpu dev;
	fake_virtgpu_init(&dev);
	struct gd_winsys *ws = open_ws(&dev);
	struct gd_screen *screen = NULL;
	if (!ws || gd_screen_create(ws, &screen) < 0) {
		CHECK(false, "screen over the fake device");
		fake_virtgpu_finish(&dev);
		return;
	}
	struct gd_resource_desc d = tex_desc;
	d.bind = VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SCANOUT;
	d.last_level = 0;
	struct gd_resource *vbuf = NULL, *color = NULL;
	CHECK_EQ_U(gd_resource_create(screen, &buf_desc, &vbuf), 0);
	CHECK_EQ_U(gd_resource_create(screen, &d, &color), 0);
	CHECK_EQ_U(dev.res[1].create.bind, VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SCANOUT);
	int fd = -1;
	uint32_t bo = 0;
	CHECK_EQ_U(gd_resource_drm_handle(color, &fd, &bo), 0);
	CHECK_EQ_U(fd, FAKE_FD_BASE + 128);
	CHECK_EQ_U(bo, 2); /* the fake numbers bos from 1: the colour buffer's own bo */
	CHECK_EQ_U(gd_resource_drm_handle(NULL, &fd, &bo), -ENOTSUP);
	gd_resource_unref(vbuf);
	gd_resource_unref(color);
	gd_screen_destroy(screen);
	CHECK_EQ_U(dev.unknown_ioctls, 0);
	fake_virtgpu_finish(&dev);

	/* The in-process renderer has no DRM device behind its resources. */
	struct gd_inproc_options io = {.backend = "null"};
	struct gd_winsys *iws = NULL;
	struct gd_screen *is = NULL;
	struct gd_resource *ires = NULL;
	if (gd_winsys_inproc_create(&io, &iws) == 0 && gd_screen_create(iws, &is) == 0 &&
	    gd_resource_create(is, &buf_desc, &ires) == 0) {
		CHECK_EQ_U(gd_resource_drm_handle(ires, &fd, &bo), -ENOTSUP);
	}
	gd_resource_unref(ires);
	gd_screen_destroy(is);
}

int
main(void)
{
	test_create_and_caps();
	test_older_kernels();
	test_unusable_devices();
	test_scan();
	test_real_device_absent();
	test_caps_errors();
	test_resource_create_args();
	test_resource_create_errors();
	test_round_trip();
	test_transfer_validation();
	test_submit();
	test_fences();
	test_busy();
	test_device_gone();
	test_scanout_handle();
	return vgp_test_result("test_drm_winsys");
}
