/*
 * pvgpu tests — the guest driver's winsys backends, each through the same
 * sequence: caps, a buffer and a mip-mapped 2D texture moved to the host and
 * back through guest memory, a tiny command buffer, fences.
 *
 * Usage: test_winsys MODE [ARG]
 *   vtest-pvgpu PVGPU_VTEST [null|gl]  pvgpu-vtest started on a private socket
 *   vtest-virgl [VIRGL_TEST_SERVER]    virgl_test_server (skip when not installed)
 *   inproc null|gl                     the renderer in this process (gl: skip without EGL)
 *   errors PVGPU_VTEST                 server death, broken servers, bad commands
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_guest.h"
#include "vgp_test.h"
#include "vgp_virgl_cmd.h"
#include "vgp_virgl_format.h"

static char tmpdir[] = "/tmp/pvgpu-guest-XXXXXX";

/* CREATE_SUB_CTX 1 + SET_SUB_CTX 1: the smallest command buffer with an effect. */
static const uint32_t sub_ctx_cmds[] = {
	VGP_CMD_HEADER(VIRGL_CCMD_CREATE_SUB_CTX, 0, 1),
	1,
	VGP_CMD_HEADER(VIRGL_CCMD_SET_SUB_CTX, 0, 1),
	1,
};

static uint32_t
minify(uint32_t size, uint32_t level)
{
	uint32_t s = size >> level;
	return s ? s : 1;
}

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
	}
}

static void
check_caps(struct gd_winsys *ws)
{
	struct vgp_caps_v2 caps;
	CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), 0);
	CHECK(caps.v1.max_version >= 1, "v2 caps max_version %u", caps.v1.max_version);
	CHECK(caps.v1.glsl_level >= 130, "v2 caps glsl_level %u", caps.v1.glsl_level);
	CHECK(caps.max_texture_2d_size >= 2048, "max 2D size %u", caps.max_texture_2d_size);
	CHECK(caps.v1.sampler.bitmask[VIRGL_FORMAT_R8G8B8A8_UNORM / 32] &
		      (1u << (VIRGL_FORMAT_R8G8B8A8_UNORM % 32)),
	      "RGBA8 not samplable");
	CHECK_EQ_U(ws->impl->get_caps(ws, 1, &caps), 0);
	CHECK(caps.v1.max_version >= 1, "v1 caps max_version %u", caps.v1.max_version);
	CHECK_EQ_U(caps.max_texture_2d_size, 0); /* v1 fills only the v1 part */
	CHECK_RC(ws->impl->get_caps(ws, 3, &caps), -ENOTSUP);
}

/* Moves every whole level of `res` in one direction. */
static void
transfer_levels(struct gd_winsys *ws, struct gd_ws_res *res, const struct gd_resource_desc *desc,
		bool to_host)
{
	for (uint32_t l = 0; l <= desc->last_level; l++) {
		uint32_t stride, layer_stride;
		uint64_t off;
		gd_resource_level_layout(desc, l, &stride, &layer_stride, &off);
		int32_t w = desc->target == PIPE_BUFFER ? (int32_t)desc->width
							: (int32_t)minify(desc->width, l);
		struct gd_box box = {0, 0, 0, w, (int32_t)minify(desc->height, l), 1};
		CHECK_EQ_U(ws->impl->transfer(ws, res, l, &box, off, to_host), 0);
	}
}

/* Writes the whole backing, uploads `boxes`, clears, downloads and compares. */
static void
round_trip(struct gd_winsys *ws, const struct gd_resource_desc *desc, bool keeps_content,
	   const char *what)
{
	size_t size;
	CHECK(gd_resource_backing_size(desc, &size), "%s: size", what);
	struct gd_ws_res *res = NULL;
	CHECK_EQ_U(ws->impl->resource_create(ws, desc, size, &res), 0);
	if (!res) {
		return;
	}
	CHECK(res->handle != 0 && res->map && res->backing_size == size, "%s: handle %u", what,
	      res->handle);
	uint8_t *want = malloc(size);
	fill(want, size, (uint8_t)desc->target);
	memcpy(res->map, want, size);
	transfer_levels(ws, res, desc, true);
	/* An upload may still read guest memory until the host is idle (gd_winsys.h). */
	bool busy = true;
	CHECK_EQ_U(ws->impl->resource_busy(ws, res, true, &busy), 0);
	CHECK(!busy, "%s: busy after waiting", what);
	memset(res->map, 0, size);
	transfer_levels(ws, res, desc, false);
	if (keeps_content) {
		CHECK(memcmp(res->map, want, size) == 0, "%s: data differs after the round trip",
		      what);
	}
	if (keeps_content && desc->target != PIPE_BUFFER) {
		/* A sub-box of level 0: offset names its first texel, rows keep the level pitch. */
		uint32_t stride, layer_stride;
		uint64_t off;
		gd_resource_level_layout(desc, 0, &stride, &layer_stride, &off);
		memset(res->map, 0, size);
		struct gd_box box = {4, 2, 0, 8, 3, 1};
		uint64_t start = off + 2 * stride + 4 * 4;
		CHECK_EQ_U(ws->impl->transfer(ws, res, 0, &box, start, false), 0);
		bool same = true;
		for (size_t i = 0; i < size; i++) {
			size_t row = i / stride, col = (i % stride) / 4;
			bool inside =
				i < layer_stride && row >= 2 && row < 5 && col >= 4 && col < 12;
			same = same && ((uint8_t *)res->map)[i] == (inside ? want[i] : 0);
		}
		CHECK(same, "%s: sub-box read-back", what);
	}
	/* Bad requests are refused before they reach the host. */
	struct gd_box neg = {-1, 0, 0, 1, 1, 1};
	CHECK_RC(ws->impl->transfer(ws, res, 0, &neg, 0, true), -EINVAL);
	struct gd_box one = {0, 0, 0, 1, 1, 1};
	CHECK_RC(ws->impl->transfer(ws, res, 0, &one, size, true), -EINVAL);
	ws->impl->resource_destroy(ws, res);
	free(want);
}

static void
submit_and_fence(struct gd_winsys *ws)
{
	uint64_t fence = 0;
	CHECK_EQ_U(ws->impl->submit(ws, sub_ctx_cmds, 4, NULL, 0, &fence), 0);
	CHECK(fence != 0, "no fence");
	CHECK_EQ_U(ws->impl->fence_wait(ws, fence, -1), 0);
	CHECK_EQ_U(ws->impl->fence_wait(ws, fence, 0), 0);
	CHECK_RC(ws->impl->fence_wait(ws, fence + 1, -1), -EINVAL);
	/* SET_SUB_CTX alone again; then a bounded wait. */
	uint64_t fence2 = 0;
	CHECK_EQ_U(ws->impl->submit(ws, sub_ctx_cmds + 2, 2, NULL, 0, &fence2), 0);
	CHECK(fence2 > fence, "fences %llu then %llu", (unsigned long long)fence,
	      (unsigned long long)fence2);
	CHECK_EQ_U(ws->impl->fence_wait(ws, fence2, 2000000000ll), 0);
}

/*
 * The same winsys under the driver's public API: a screen reads the caps, and a
 * buffer goes up by each upload path and comes back through gd_buffer_read.
 */
static void
through_driver(struct gd_winsys *ws, bool keeps_content)
{
	struct gd_screen *screen = NULL;
	CHECK_RC(gd_screen_create(ws, &screen), 0);
	if (!screen) {
		return;
	}
	CHECK_EQ_U(gd_screen_caps_version(screen), 2);
	CHECK_RC(gd_screen_status(screen), 0);
	struct gd_context *ctx = NULL;
	struct gd_resource *res = NULL;
	struct gd_resource_desc desc = {
		.target = PIPE_BUFFER,
		.format = VIRGL_FORMAT_R8_UNORM,
		.bind = VIRGL_BIND_VERTEX_BUFFER,
		.width = 4096,
	};
	CHECK_RC(gd_context_create(screen, &ctx), 0);
	CHECK_RC(gd_resource_create(screen, &desc, &res), 0);
	if (ctx && res) {
		static const enum gd_xfer_path paths[] = {GD_XFER_STAGING, GD_XFER_TRANSFER3D,
							  GD_XFER_INLINE};
		for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			uint8_t in[4096], out[4096];
			fill(in, sizeof(in), (uint8_t)(0x40 + i));
			memset(out, 0, sizeof(out));
			CHECK_RC(gd_buffer_write(ctx, res, 0, sizeof(in), in, paths[i]), 0);
			CHECK_RC(gd_context_flush(ctx, true), 0);
			CHECK_RC(gd_buffer_read(ctx, res, 0, sizeof(out), out), 0);
			CHECK(!keeps_content || memcmp(in, out, sizeof(in)) == 0,
			      "path %u: read-back differs", paths[i]);
		}
		CHECK_RC(gd_context_error(ctx), 0);
	}
	gd_resource_unref(res);
	gd_context_destroy(ctx);
	gd_screen_destroy(screen);
}

/* The whole sequence on an open winsys; destroys it. */
static void
exercise(struct gd_winsys *ws, bool keeps_content)
{
	check_caps(ws);
	struct gd_resource_desc buf = {
		.target = PIPE_BUFFER,
		.format = VIRGL_FORMAT_R8_UNORM,
		.bind = VIRGL_BIND_VERTEX_BUFFER,
		.width = 1000,
		.height = 1,
		.depth = 1,
		.array_size = 1,
	};
	round_trip(ws, &buf, keeps_content, "buffer");
	struct gd_resource_desc tex = {
		.target = PIPE_TEXTURE_2D,
		.format = VIRGL_FORMAT_R8G8B8A8_UNORM,
		.bind = VIRGL_BIND_SAMPLER_VIEW,
		.width = 16,
		.height = 8,
		.depth = 1,
		.array_size = 1,
		.last_level = 1,
	};
	round_trip(ws, &tex, keeps_content, "texture");
	submit_and_fence(ws);
	/* A resource still alive at destroy is the winsys' to free. */
	struct gd_ws_res *left = NULL;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf, 1000, &left), 0);
	CHECK_EQ_U(ws->status, 0);
	gd_winsys_destroy(ws);
}

static int
run_vtest_pvgpu(const char *bin, const char *backend)
{
	char sock[128], backend_arg[32], path_arg[160];
	snprintf(sock, sizeof(sock), "%s/pvgpu.sock", tmpdir);
	snprintf(backend_arg, sizeof(backend_arg), "--backend=%s", backend);
	snprintf(path_arg, sizeof(path_arg), "--socket-path=%s", sock);
	if (!strcmp(backend, "gl")) {
		/* The GL server needs EGL; the in-process GL backend tells us if it works. */
		struct gd_inproc_options o = {.backend = "gl"};
		struct gd_winsys *probe = NULL;
		if (gd_winsys_inproc_create(&o, &probe)) {
			printf("skip: no EGL/GL on this machine\n");
			return TEST_SKIP;
		}
		gd_winsys_destroy(probe);
	}
	const char *argv[] = {bin, backend_arg, path_arg, NULL};
	pid_t pid = test_spawn(argv, NULL);
	struct gd_winsys *ws = NULL;
	CHECK_EQ_U(test_vtest_connect(sock, &ws), 0);
	if (ws) {
		CHECK(!strcmp(ws->impl->name, "vtest"), "name %s", ws->impl->name);
		exercise(ws, !strcmp(backend, "gl"));
	}
	ws = NULL;
	CHECK_RC(gd_winsys_vtest_create(sock, "test-driver", &ws), 0);
	if (ws) {
		through_driver(ws, !strcmp(backend, "gl"));
	}
	/* No path argument: $PVGPU_VTEST_SOCKET names the socket. */
	setenv("PVGPU_VTEST_SOCKET", sock, 1);
	ws = NULL;
	CHECK_EQ_U(gd_winsys_vtest_create(NULL, NULL, &ws), 0);
	gd_winsys_destroy(ws);
	test_stop(pid);
	return vgp_test_result("test_winsys vtest-pvgpu");
}

static int
run_vtest_virgl(const char *bin)
{
	if (!bin) {
		bin = "virgl_test_server";
	}
	char sock[128], path_arg[160];
	snprintf(sock, sizeof(sock), "%s/virgl.sock", tmpdir);
	snprintf(path_arg, sizeof(path_arg), "--socket-path=%s", sock);
	const char *argv[] = {bin, "--use-egl-surfaceless", path_arg, NULL};
	if (access(bin, X_OK) != 0 && !strchr(bin, '/')) {
		/* Only a bare name: look it up in PATH. */
		const char *path = getenv("PATH");
		bool found = false;
		char buf[512];
		for (const char *p = path; p && *p && !found;) {
			const char *end = strchr(p, ':');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, bin);
			found = access(buf, X_OK) == 0;
			p = end ? end + 1 : NULL;
		}
		if (!found) {
			printf("skip: %s is not installed\n", bin);
			return TEST_SKIP;
		}
	}
	char log[160];
	snprintf(log, sizeof(log), "%s/virgl.log", tmpdir);
	pid_t pid = test_spawn(argv, log);
	struct gd_winsys *ws = NULL;
	int ret = test_vtest_connect(sock, &ws);
	if (ret == -ENOTCONN) {
		test_stop(pid);
		printf("skip: %s did not start (no EGL?)\n", bin);
		return TEST_SKIP;
	}
	CHECK_EQ_U(ret, 0);
	if (ws) {
		exercise(ws, true);
	}
	ws = NULL;
	CHECK_RC(gd_winsys_vtest_create(sock, "test-driver", &ws), 0);
	if (ws) {
		through_driver(ws, true);
	}
	test_stop(pid);
	return vgp_test_result("test_winsys vtest-virgl");
}

static int
run_inproc(const char *backend)
{
	struct gd_inproc_options o = {.backend = backend};
	struct gd_winsys *ws = NULL;
	int ret = gd_winsys_inproc_create(&o, &ws);
	if (ret == -ENOTSUP) {
		printf("skip: the %s backend is not available here\n", backend);
		return TEST_SKIP;
	}
	CHECK_EQ_U(ret, 0);
	if (ws) {
		CHECK(!strcmp(ws->impl->name, "inproc"), "name %s", ws->impl->name);
		exercise(ws, !strcmp(backend, "gl"));
	}
	ws = NULL;
	CHECK_RC(gd_winsys_inproc_create(&o, &ws), 0);
	if (ws) {
		through_driver(ws, !strcmp(backend, "gl"));
	}
	return vgp_test_result("test_winsys inproc");
}

int
main(int argc, char **argv)
{
	if (argc < 2 || !mkdtemp(tmpdir)) {
		fprintf(stderr, "usage: test_winsys vtest-pvgpu|vtest-virgl|inproc|errors [ARG]\n");
		return 2;
	}
	const char *mode = argv[1], *arg = argc > 2 ? argv[2] : NULL;
	int ret = 2;
	if (!strcmp(mode, "vtest-pvgpu") && arg) {
		ret = run_vtest_pvgpu(arg, argc > 3 ? argv[3] : "null");
	} else if (!strcmp(mode, "vtest-virgl")) {
		ret = run_vtest_virgl(arg);
	} else if (!strcmp(mode, "inproc") && arg) {
		ret = run_inproc(arg);
	} else if (!strcmp(mode, "errors") && arg) {
		ret = run_errors(arg, tmpdir);
	} else {
		fprintf(stderr, "test_winsys: bad arguments\n");
	}
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return ret;
}
