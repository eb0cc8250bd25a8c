/*
 * pvgpu tests — the sandbox (renderer/util/vr_sandbox.c): each case forks a
 * child that enters the sandbox and then tries something; the parent checks how
 * the child ended. Run as root, the children also drop to "nobody".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vgp_test.h"
#include "vr_sandbox.h"

#define SKIP 77

/* Where the children create a file append-only (set before forking them). */
static char append_path[64];
/* A file opened before entering, as Mesa's single-file shader cache is. */
static int cache_fd = -1;

/* What a child does after entering; returns its exit status (0 = as expected). */
typedef int (*child_fn)(void);

static void *
thread_main(void *arg)
{
	return arg;
}

/* Rendering needs threads, memory, its descriptors and the append-only stats
 * open; reading files is refused with EACCES, not fatal. */
static int
allowed_calls(void)
{
	pthread_t t;
	void *ret = NULL;
	static int token;
	if (pthread_create(&t, NULL, thread_main, &token) != 0 || pthread_join(t, &ret) != 0 ||
	    ret != &token) {
		return 10;
	}
	void *p = malloc(64 << 20); /* mmap-backed */
	if (!p) {
		return 11;
	}
	free(p);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || write(sv[0], "x", 1) != 1) {
		return 12;
	}
	char c;
	if (read(sv[1], &c, 1) != 1 || c != 'x') {
		return 13;
	}
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES) {
		return 14;
	}
	const char *path = append_path;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "{}\n", 3) != 3) {
		return 16; /* the stats writers' open must work */
	}
	close(fd);
	if (open(path, O_RDWR | O_CLOEXEC) >= 0 || errno != EACCES) {
		return 17;
	}
	/* The shader cache's file: locked, written and read at offsets. */
	char buf[4] = {0};
	if (flock(cache_fd, LOCK_EX) != 0 || pwrite(cache_fd, "abcd", 4, 8) != 4 ||
	    pread(cache_fd, buf, 4, 8) != 4 || memcmp(buf, "abcd", 4) != 0 ||
	    fdatasync(cache_fd) != 0 || flock(cache_fd, LOCK_UN) != 0) {
		return 18;
	}
	if (geteuid() == 0 && getenv("PVGPU_TEST_EXPECT_DROP")) {
		return 15; /* still root after entering */
	}
	return 0;
}

static int
network_socket(void)
{
	socket(AF_INET, SOCK_STREAM, 0);
	return 20; /* not reached: SIGSYS */
}

static int
new_process(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		_exit(0);
	}
	return 21; /* not reached: SIGSYS */
}

static int
exec_program(void)
{
	char *argv[] = {"/bin/true", NULL};
	char *envp[] = {NULL};
	execve(argv[0], argv, envp);
	return 22; /* not reached: SIGSYS */
}

static int
selftest_hook(void)
{
	return 23; /* not reached: the hook ran socket(AF_INET) on entering */
}

/* Forks, enters `mode` in the child, runs fn; returns the raw wait status. */
static int
run_child(const struct vr_sandbox *sb, const char *label, child_fn fn)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		const char *why = "?";
		if (!vr_sandbox_enter(sb, label, &why)) {
			fprintf(stderr, "cannot enter: %s\n", why);
			_exit(99);
		}
		_exit(fn());
	}
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

static void
check_exit(int status, int code, const char *what)
{
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == code, "%s: status 0x%x, expected exit %d",
	      what, status, code);
}

static void
check_sigsys(int status, const char *what)
{
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
	      "%s: status 0x%x, expected death by SIGSYS", what, status);
}

int
main(void)
{
	enum vr_sandbox_mode m;
	CHECK(vr_sandbox_parse_mode("on", &m) && m == VR_SANDBOX_ON, "on");
	CHECK(vr_sandbox_parse_mode("off", &m) && m == VR_SANDBOX_OFF, "off");
	CHECK(vr_sandbox_parse_mode("log", &m) && m == VR_SANDBOX_LOG, "log");
	CHECK(!vr_sandbox_parse_mode("", &m) && !vr_sandbox_parse_mode("ON", &m), "bad modes");

	if (vr_sandbox_sanitizer_build()) {
		/* The sanitizer runtime itself needs sigaltstack and ptrace. */
		printf("sanitizer build: the filter is off by default; skipped\n");
		return SKIP;
	}
	const char *env = getenv("PVGPU_SANDBOX");
	if (env && !strcmp(env, "off")) {
		/* make valgrind: memcheck does not implement seccomp(2). */
		printf("PVGPU_SANDBOX=off: skipped\n");
		return SKIP;
	}
	struct vr_sandbox sb;
	const char *why = NULL;
	CHECK(vr_sandbox_init(&sb, VR_SANDBOX_OFF, NULL, "test", &why), "off always works");
	check_exit(run_child(&sb, NULL, network_socket), 20, "off: network socket allowed");
	if (!vr_sandbox_available()) {
		CHECK(!vr_sandbox_init(&sb, VR_SANDBOX_ON, NULL, "test", &why), "on needs seccomp");
		printf("no libseccomp in this build: %u checks\n", vgp_test_checks);
		return vgp_test_failures ? 1 : SKIP;
	}
	if (geteuid() == 0) {
		CHECK(!vr_sandbox_init(&sb, VR_SANDBOX_ON, "no-such-user-pvgpu", "test", &why),
		      "unknown user refused");
		CHECK(!vr_sandbox_init(&sb, VR_SANDBOX_ON, "root", "test", &why),
		      "dropping to root refused");
		setenv("PVGPU_TEST_EXPECT_DROP", "1", 1);
	}
	snprintf(append_path, sizeof(append_path), "/tmp/pvgpu-sandbox-test-%d", (int)getpid());
	char cache_path[] = "/tmp/pvgpu-sandbox-cache-XXXXXX";
	cache_fd = mkstemp(cache_path);
	CHECK(cache_fd >= 0, "temporary cache file");
	unlink(cache_path);
	/* Entering asks Mesa for its single-file shader cache, unless told otherwise. */
	unsetenv("MESA_DISK_CACHE_SINGLE_FILE");
	CHECK(vr_sandbox_init(&sb, VR_SANDBOX_ON, NULL, "test", &why), "on: %s", why);
	const char *sf = getenv("MESA_DISK_CACHE_SINGLE_FILE");
	CHECK(sf && !strcmp(sf, "1"), "single-file shader cache requested");
	setenv("MESA_DISK_CACHE_SINGLE_FILE", "0", 1);
	CHECK(vr_sandbox_init(&sb, VR_SANDBOX_ON, NULL, "test", &why), "on: %s", why);
	sf = getenv("MESA_DISK_CACHE_SINGLE_FILE");
	CHECK(sf && !strcmp(sf, "0"), "the user's cache setting kept");
	CHECK(sb.drop == (geteuid() == 0), "drop exactly when root");
	check_exit(run_child(&sb, NULL, allowed_calls), 0, "on: rendering's calls");
	CHECK(unlink(append_path) == 0, "the child's append-only open created %s", append_path);
	check_sigsys(run_child(&sb, NULL, network_socket), "on: network socket");
	check_sigsys(run_child(&sb, NULL, new_process), "on: fork");
	check_sigsys(run_child(&sb, NULL, exec_program), "on: execve");

	setenv("PVGPU_SANDBOX_SELFTEST", "victim", 1);
	check_sigsys(run_child(&sb, "victim", selftest_hook), "self-test hook, matching label");
	check_exit(run_child(&sb, "other", allowed_calls), 0, "self-test hook, other label");
	unlink(append_path);
	unsetenv("PVGPU_SANDBOX_SELFTEST");

	/* log: forbidden calls go through (the kernel logs them). */
	CHECK(vr_sandbox_init(&sb, VR_SANDBOX_LOG, NULL, "test", &why), "log: %s", why);
	check_exit(run_child(&sb, NULL, network_socket), 20, "log: network socket let through");

	printf("%u checks, %u failed\n", vgp_test_checks, vgp_test_failures);
	return vgp_test_failures ? 1 : 0;
}
