/*
 * pvgpu tests — winsys error paths: a server that dies mid-session, servers that
 * break the protocol (fake_server_start), a client-side misuse, and a command
 * buffer the in-process renderer rejects. Every case must end in a clear return
 * code: no crash, no SIGPIPE death, no hang.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_guest.h"
#include "vgp_test.h"
#include "vgp_virgl_cmd.h"
#include "vgp_virgl_format.h"

static const struct gd_resource_desc buf_desc = {
	.target = PIPE_BUFFER,
	.format = VIRGL_FORMAT_R8_UNORM,
	.bind = VIRGL_BIND_VERTEX_BUFFER,
	.width = 256,
	.height = 1,
	.depth = 1,
	.array_size = 1,
};

static const uint32_t sub_ctx_cmds[] = {
	VGP_CMD_HEADER(VIRGL_CCMD_CREATE_SUB_CTX, 0, 1),
	1,
};

/* Every entry point of a dead winsys answers -ENOTCONN without touching the socket. */
static void
check_dead(struct gd_winsys *ws, struct gd_ws_res *res, const char *what)
{
	struct vgp_caps_v2 caps;
	struct gd_ws_res *r2 = NULL;
	struct gd_box box = {0, 0, 0, 1, 1, 1};
	uint64_t fence = 0;
	bool busy;
	CHECK(ws->status == -ENOTCONN, "%s: status %d", what, ws->status);
	CHECK(ws->impl->get_caps(ws, 2, &caps) == -ENOTCONN, "%s: get_caps", what);
	CHECK(ws->impl->resource_create(ws, &buf_desc, 256, &r2) == -ENOTCONN && !r2,
	      "%s: resource_create", what);
	CHECK(ws->impl->submit(ws, sub_ctx_cmds, 2, NULL, 0, &fence) == -ENOTCONN, "%s: submit",
	      what);
	CHECK(ws->impl->fence_wait(ws, 1, -1) == -ENOTCONN, "%s: fence_wait", what);
	if (res) {
		CHECK(ws->impl->transfer(ws, res, 0, &box, 0, true) == -ENOTCONN, "%s: transfer",
		      what);
		CHECK(ws->impl->resource_busy(ws, res, true, &busy) == -ENOTCONN,
		      "%s: resource_busy", what);
		ws->impl->resource_destroy(ws, res);
	}
}

/* pvgpu-vtest (serving in its own process with --no-fork) killed mid-session. */
static void
test_server_killed(const char *bin, const char *tmpdir)
{
	char sock[128], path_arg[160];
	snprintf(sock, sizeof(sock), "%s/killed.sock", tmpdir);
	snprintf(path_arg, sizeof(path_arg), "--socket-path=%s", sock);
	const char *argv[] = {bin, "--backend=null", "--no-fork", path_arg, NULL};
	pid_t pid = test_spawn(argv, NULL);
	struct gd_winsys *ws = NULL;
	CHECK_EQ_U(test_vtest_connect(sock, &ws), 0);
	if (!ws) {
		test_stop(pid);
		return;
	}
	struct gd_ws_res *res = NULL;
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* A write-only command first: with SIGPIPE at its default, a plain write would
	 * kill this test here. */
	uint64_t fence;
	CHECK_RC(ws->impl->submit(ws, sub_ctx_cmds, 2, NULL, 0, &fence), -ENOTCONN);
	check_dead(ws, res, "killed server");
	gd_winsys_destroy(ws);
}

static void
test_no_server(const char *tmpdir)
{
	char sock[128];
	snprintf(sock, sizeof(sock), "%s/nobody.sock", tmpdir);
	struct gd_winsys *ws = (struct gd_winsys *)&ws;
	CHECK_RC(gd_winsys_vtest_create(sock, "x", &ws), -ENOTCONN);
	CHECK(ws == NULL, "out not cleared");
	char huge[200];
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	CHECK_RC(gd_winsys_vtest_create(huge, "x", &ws), -EINVAL);
}

/* The handshake itself goes wrong: creation fails with `expect`. */
static void
test_fake_handshake(const char *tmpdir, enum fake_mode mode, int expect, const char *what)
{
	char sock[128];
	snprintf(sock, sizeof(sock), "%s/fake.sock", tmpdir);
	pid_t pid = fake_server_start(sock, mode);
	struct gd_winsys *ws = NULL;
	int ret = gd_winsys_vtest_create(sock, "fake", &ws);
	CHECK(ret == expect && !ws, "%s: got %d, expected %d", what, ret, expect);
	gd_winsys_destroy(ws);
	test_stop(pid);
}

/* A reply goes wrong after a good handshake: the call returns `expect`
 * (-EPROTO, or -ENOTCONN for a hang-up) and the winsys is dead afterwards. */
static void
test_fake_reply(const char *tmpdir, enum fake_mode mode, int expect, const char *what)
{
	char sock[128];
	snprintf(sock, sizeof(sock), "%s/fake.sock", tmpdir);
	pid_t pid = fake_server_start(sock, mode);
	struct gd_winsys *ws = NULL;
	CHECK_EQ_U(gd_winsys_vtest_create(sock, "fake", &ws), 0);
	if (!ws) {
		test_stop(pid);
		return;
	}
	int ret;
	struct gd_ws_res *res = NULL;
	if (mode == FAKE_NO_FD || mode == FAKE_SMALL_FD) {
		ret = ws->impl->resource_create(ws, &buf_desc, 256, &res);
		CHECK(!res, "%s: resource returned", what);
	} else if (mode == FAKE_BUSY_BAD_VALUE || mode == FAKE_BUSY_BAD_LENGTH) {
		uint64_t fence = 0;
		CHECK_EQ_U(ws->impl->submit(ws, sub_ctx_cmds, 2, NULL, 0, &fence), 0);
		ret = ws->impl->fence_wait(ws, fence, -1);
	} else {
		struct vgp_caps_v2 caps;
		ret = ws->impl->get_caps(ws, 2, &caps);
	}
	CHECK(ret == expect, "%s: got %d, expected %d", what, ret, expect);
	check_dead(ws, NULL, what);
	gd_winsys_destroy(ws);
	test_stop(pid);
}

/* The minimal fake works, so the failures above come from what each mode breaks. */
static void
test_fake_ok(const char *tmpdir)
{
	char sock[128];
	snprintf(sock, sizeof(sock), "%s/fake.sock", tmpdir);
	pid_t pid = fake_server_start(sock, FAKE_OK);
	struct gd_winsys *ws = NULL;
	CHECK_EQ_U(gd_winsys_vtest_create(sock, "fake", &ws), 0);
	if (ws) {
		struct vgp_caps_v2 caps;
		struct gd_ws_res *res = NULL;
		uint64_t fence = 0;
		CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), 0);
		CHECK_EQ_U(ws->impl->get_caps(ws, 1, &caps), 0);
		CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), 0);
		CHECK_EQ_U(ws->impl->submit(ws, sub_ctx_cmds, 2, NULL, 0, &fence), 0);
		CHECK_EQ_U(ws->impl->fence_wait(ws, fence, -1), 0);
		ws->impl->resource_destroy(ws, res);
		gd_winsys_destroy(ws);
	}
	test_stop(pid);
}

/* The in-process renderer rejects a command: -EPROTO, sticky for submits, while
 * everything else keeps answering. */
static void
test_inproc_bad_submit(void)
{
	struct gd_inproc_options o = {.backend = "null"};
	struct gd_winsys *ws = NULL;
	int ret = gd_winsys_inproc_create(&o, &ws);
	if (ret == -ENOTSUP) {
		printf("inproc: no null backend in this build, case skipped\n");
		return;
	}
	CHECK_EQ_U(ret, 0);
	if (!ws) {
		return;
	}
	const uint32_t bad[] = {VGP_CMD_HEADER(250, 0, 0)}; /* no such opcode */
	uint64_t fence = 0;
	CHECK_RC(ws->impl->submit(ws, bad, 1, NULL, 0, &fence), -EPROTO);
	CHECK_RC(ws->impl->submit(ws, sub_ctx_cmds, 2, NULL, 0, &fence), -EPROTO);
	const uint32_t overrun[] = {VGP_CMD_HEADER(VIRGL_CCMD_SET_SUB_CTX, 0, 9), 1};
	CHECK_RC(ws->impl->submit(ws, overrun, 2, NULL, 0, &fence), -EPROTO);
	struct gd_ws_res *res = NULL;
	struct gd_box box = {0, 0, 0, 256, 1, 1};
	CHECK_EQ_U(ws->impl->resource_create(ws, &buf_desc, 256, &res), 0);
	if (res) {
		CHECK_EQ_U(ws->impl->transfer(ws, res, 0, &box, 0, true), 0);
		struct gd_box outside = {0, 0, 0, 257, 1, 1};
		CHECK_RC(ws->impl->transfer(ws, res, 0, &outside, 0, true), -EINVAL);
		CHECK_RC(ws->impl->transfer(ws, res, 3, &box, 0, true), -EINVAL);
	}
	struct vgp_caps_v2 caps;
	CHECK_EQ_U(ws->impl->get_caps(ws, 2, &caps), 0);
	CHECK_EQ_U(ws->impl->fence_wait(ws, 0, -1), 0);
	CHECK_EQ_U(ws->status, 0);
	/* A description the renderer refuses (unknown format) is a clear -EINVAL. */
	struct gd_resource_desc odd = buf_desc;
	odd.target = PIPE_TEXTURE_2D;
	odd.format = 100000;
	struct gd_ws_res *r2 = NULL;
	CHECK_RC(ws->impl->resource_create(ws, &odd, 0, &r2), -EINVAL);
	ws->impl->resource_destroy(ws, res);
	gd_winsys_destroy(ws);

	o.backend = "vulkan";
	ws = (struct gd_winsys *)&ws;
	CHECK_RC(gd_winsys_inproc_create(&o, &ws), -EINVAL);
	CHECK(ws == NULL, "out not cleared");
}

int
run_errors(const char *pvgpu_vtest, const char *tmpdir)
{
	test_no_server(tmpdir);
	test_server_killed(pvgpu_vtest, tmpdir);
	test_fake_ok(tmpdir);
	test_fake_handshake(tmpdir, FAKE_V0_SERVER, -ENOTSUP, "v0 server");
	test_fake_handshake(tmpdir, FAKE_VERSION_0, -ENOTSUP, "version 0");
	test_fake_handshake(tmpdir, FAKE_VERSION_3, -EPROTO, "version 3");
	test_fake_handshake(tmpdir, FAKE_VERSION_BAD_ID, -EPROTO, "version reply id");
	test_fake_reply(tmpdir, FAKE_CAPS_LEN_ZERO, -EPROTO, "caps length 0");
	test_fake_reply(tmpdir, FAKE_CAPS_LEN_HUGE, -EPROTO, "caps length 1 GiB");
	test_fake_reply(tmpdir, FAKE_CAPS_LEN_SHORT, -EPROTO, "caps shorter than v1");
	test_fake_reply(tmpdir, FAKE_CAPS_BAD_ID, -EPROTO, "caps reply id");
	test_fake_reply(tmpdir, FAKE_CAPS_TRUNCATED, -ENOTCONN, "caps cut short");
	test_fake_reply(tmpdir, FAKE_NO_FD, -EPROTO, "no fd");
	test_fake_reply(tmpdir, FAKE_SMALL_FD, -EPROTO, "memfd too small");
	test_fake_reply(tmpdir, FAKE_BUSY_BAD_VALUE, -EPROTO, "busy value 5");
	test_fake_reply(tmpdir, FAKE_BUSY_BAD_LENGTH, -EPROTO, "busy length 2");
	test_inproc_bad_submit();
	return vgp_test_result("test_winsys errors");
}
