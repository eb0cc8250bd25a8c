/*
 * pvgpu tests — shared helpers of the guest winsys tests: starting servers,
 * and the fake vtest server that answers with broken replies.
 */
#ifndef TEST_GUEST_H
#define TEST_GUEST_H

#include <stdbool.h>
#include <sys/types.h>

#include "gd_winsys.h"

/* An int return code equal to `want` (0 or a negative errno), printing both. */
#define CHECK_RC(expr, want)                                                           \
	do {                                                                           \
		int rc_ = (expr);                                                      \
		CHECK(rc_ == (want), "%s = %d, expected %d", #expr, rc_, (int)(want)); \
	} while (0)

/* Exit status meson reads as "skipped". */
#define TEST_SKIP 77

/** Starts `argv[0]` with its output appended to `log_path` (NULL: inherited). */
pid_t test_spawn(const char *const *argv, const char *log_path);
/** SIGTERM, then SIGKILL after a grace period; reaps it. Accepts pid <= 0. */
void test_stop(pid_t pid);
/** Connects the vtest winsys to `path`, retrying while the server starts (5 s). */
int test_vtest_connect(const char *path, struct gd_winsys **out);

/** What the fake server (test_fake_server.c) does wrong. */
enum fake_mode {
	FAKE_OK,              /* a well-behaved minimal server */
	FAKE_V0_SERVER,       /* ignores PING: answers only the busy-wait */
	FAKE_VERSION_0,       /* negotiates protocol 0 */
	FAKE_VERSION_3,       /* answers a version above the one asked for */
	FAKE_VERSION_BAD_ID,  /* version reply carries another command id */
	FAKE_CAPS_LEN_ZERO,   /* caps reply length 0 */
	FAKE_CAPS_LEN_HUGE,   /* caps reply length 1 GiB */
	FAKE_CAPS_LEN_SHORT,  /* caps reply shorter than the v1 struct */
	FAKE_CAPS_BAD_ID,     /* caps reply with the request id instead of the capset */
	FAKE_CAPS_TRUNCATED,  /* caps header, half the bytes, then close */
	FAKE_NO_FD,           /* RESOURCE_CREATE2: the byte arrives without an fd */
	FAKE_SMALL_FD,        /* RESOURCE_CREATE2: a memfd smaller than data_size */
	FAKE_BUSY_BAD_VALUE,  /* BUSY_WAIT reply value 5 */
	FAKE_BUSY_BAD_LENGTH, /* BUSY_WAIT reply length 2 */
};

/**
 * Listens on `path` (bound before returning, so a connect cannot race it) and
 * serves one client in a child process according to `mode`. Returns its pid.
 */
pid_t fake_server_start(const char *path, enum fake_mode mode);

/** The error tests (test_errors.c); `tmpdir` holds their sockets. Exit status. */
int run_errors(const char *pvgpu_vtest, const char *tmpdir);

#endif /* TEST_GUEST_H */
