/*
 * pvgpu — protocol tests for pvgpu-vtest, talking to the real binary over its socket.
 *
 * Starts `pvgpu-vtest --backend=null` on a private socket and acts as a vtest
 * client: handshake replies, shared-memory resources passed with SCM_RIGHTS,
 * transfers, and a list of malformed inputs. Each malformed input must drop only
 * the client that sent it (one "dropped" log line with the reason) while a client
 * connected before it keeps working, and the server keeps accepting new clients.
 *
 * Usage: test_vtest PATH-TO-pvgpu-vtest   (or PVGPU_VTEST=PATH)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vgp_caps.h"
#include "vgp_sock.h"
#include "vgp_vtest.h"

#define TIMEOUT_MS 5000

/* Resource description constants used below (virgl-wire.md §1.5, §5). */
#define TARGET_BUFFER 0
#define TARGET_2D 2
#define FMT_R8_UNORM 64
#define FMT_R8G8B8A8_UNORM 67
#define BIND_RT_SAMPLER 0xa
#define BIND_CUSTOM 0x20000

static const char *vtest_bin;
static char tmpdir[64];
static char sock_path[128];
static char log_path[128];
static int failures;

#define CHECK(cond, ...)                                                                         \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                            \
			fprintf(stderr, "\n");                                                   \
			return false;                                                            \
		}                                                                                \
	} while (0)

/* ------------------------------------------------------------ socket helpers */

static int
connect_to(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%.*s", (int)sizeof(addr.sun_path) - 1,
		 path);
	for (int i = 0; i < TIMEOUT_MS / 10; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			return -1;
		}
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
			return fd;
		}
		close(fd);
		usleep(10000);
	}
	return -1;
}

/* Sends [len, id] followed by `n` payload dwords. */
static bool
send_cmd(int fd, uint32_t len, uint32_t id, const uint32_t *payload, size_t n)
{
	uint32_t buf[64];
	if (n + 2 > 64) {
		return false;
	}
	buf[0] = len;
	buf[1] = id;
	if (n) {
		memcpy(buf + 2, payload, n * 4);
	}
	return vgp_send_all(fd, buf, (n + 2) * 4);
}

static bool
wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	return poll(&pfd, 1, timeout_ms) == 1;
}

static bool
read_exact(int fd, void *dst, size_t n)
{
	uint8_t *p = dst;
	while (n) {
		if (!wait_readable(fd, TIMEOUT_MS)) {
			return false;
		}
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return false;
		}
		p += r;
		n -= (size_t)r;
	}
	return true;
}

/* Receives the SCM_RIGHTS byte: returns the fd, or -1; *byte gets the data byte. */
static int
recv_fd(int fd, uint8_t *byte)
{
	if (!wait_readable(fd, TIMEOUT_MS)) {
		return -1;
	}
	struct iovec iov = {.iov_base = byte, .iov_len = 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctrl;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctrl.buf,
		.msg_controllen = sizeof(ctrl.buf),
	};
	if (recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) != 1) {
		return -1;
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		return -1;
	}
	int out;
	memcpy(&out, CMSG_DATA(c), sizeof(int));
	return out;
}

/* True when the server closes the connection within the timeout. */
static bool
wait_closed(int fd)
{
	uint8_t junk[4096];
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (!wait_readable(fd, TIMEOUT_MS)) {
			return false;
		}
		ssize_t r = read(fd, junk, sizeof(junk));
		if (r == 0 || (r < 0 && errno == ECONNRESET)) {
			return true;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > TIMEOUT_MS / 1000) {
			return false;
		}
	}
}

/* ------------------------------------------------------------ server log */

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		return strdup("");
	}
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1);
	size_t r;
	while (buf && (r = fread(buf + len, 1, cap - len, f)) > 0) {
		len += r;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	fclose(f);
	if (buf) {
		buf[len] = '\0';
	}
	return buf;
}

static int
count_occurrences(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) {
		n++;
	}
	return n;
}

/* Waits until the server log contains `needle` (the child logs before exiting). */
static bool
log_has(const char *needle)
{
	for (int i = 0; i < TIMEOUT_MS / 20; i++) {
		char *log = read_file(log_path);
		bool found = log && strstr(log, needle);
		free(log);
		if (found) {
			return true;
		}
		usleep(20000);
	}
	return false;
}

/* ------------------------------------------------------------ server process */

static pid_t
start_server(const char *const *extra, const char *out_path)
{
	pid_t pid = fork();
	if (pid == 0) {
		int out = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(out, 1);
		dup2(out, 2);
		const char *argv[16] = {vtest_bin};
		int n = 1;
		for (; extra && extra[n - 1] && n < 15; n++) {
			argv[n] = extra[n - 1];
		}
		argv[n] = NULL;
		execv(vtest_bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int
stop_server(pid_t pid)
{
	int status = 0;
	kill(pid, SIGTERM);
	for (int i = 0; i < TIMEOUT_MS / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			return status;
		}
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Runs the binary with args, captures combined output, returns the exit status. */
static int
run_capture(const char *const *args, char *out, size_t out_size)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/run.out", tmpdir);
	unlink(path);
	pid_t pid = start_server(args, path);
	int status;
	waitpid(pid, &status, 0);
	char *text = read_file(path);
	snprintf(out, out_size, "%s", text ? text : "");
	free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ------------------------------------------------------------ client protocol */

static bool
create_renderer(int fd, const char *name)
{
	size_t len = strlen(name) + 1;
	uint32_t hdr[2] = {(uint32_t)len, VCMD_CREATE_RENDERER};
	return vgp_send_all(fd, hdr, sizeof(hdr)) && vgp_send_all(fd, name, len);
}

/* The handshake Mesa 22.3 performs (virgl-wire.md §1.4), checking every reply. */
static bool
handshake(int fd, const char *name)
{
	CHECK(create_renderer(fd, name), "send CREATE_RENDERER");
	/* PING and a handle-0 busy wait back to back, as Mesa sends them. */
	uint32_t two[] = {
		0, VCMD_PING_PROTOCOL_VERSION, VCMD_BUSY_WAIT_SIZE, VCMD_RESOURCE_BUSY_WAIT, 0, 0};
	CHECK(vgp_send_all(fd, two, sizeof(two)), "send PING+BUSY_WAIT");
	uint32_t r[3];
	CHECK(read_exact(fd, r, 8) && r[0] == 0 && r[1] == VCMD_PING_PROTOCOL_VERSION,
	      "PING reply");
	CHECK(read_exact(fd, r, 12) && r[0] == 1 && r[1] == VCMD_RESOURCE_BUSY_WAIT && r[2] == 0,
	      "BUSY_WAIT reply %u %u %u", r[0], r[1], r[2]);

	uint32_t ver = 2;
	CHECK(send_cmd(fd, 1, VCMD_PROTOCOL_VERSION, &ver, 1), "send PROTOCOL_VERSION");
	CHECK(read_exact(fd, r, 12) && r[0] == 1 && r[1] == VCMD_PROTOCOL_VERSION && r[2] == 2,
	      "PROTOCOL_VERSION reply %u %u %u", r[0], r[1], r[2]);

	/* GET_CAPS2 then GET_CAPS back to back; header quirk [bytes + 1, capset id]. */
	CHECK(send_cmd(fd, 0, VCMD_GET_CAPS2, NULL, 0) && send_cmd(fd, 0, VCMD_GET_CAPS, NULL, 0),
	      "send GET_CAPS2/GET_CAPS");
	struct vgp_caps_v2 caps;
	CHECK(read_exact(fd, r, 8) && r[0] == VGP_CAPS_V2_SIZE + 1 && r[1] == 2,
	      "GET_CAPS2 header %u %u", r[0], r[1]);
	CHECK(read_exact(fd, &caps, VGP_CAPS_V2_SIZE), "GET_CAPS2 body");
	CHECK(caps.v1.max_version == 2, "caps2 max_version %u", caps.v1.max_version);
	CHECK(!strncmp(caps.renderer, "pvgpu", 5), "caps2 renderer '%.16s'", caps.renderer);
	CHECK(read_exact(fd, r, 8) && r[0] == VGP_CAPS_V1_SIZE + 1 && r[1] == 1,
	      "GET_CAPS header %u %u", r[0], r[1]);
	CHECK(read_exact(fd, &caps, VGP_CAPS_V1_SIZE), "GET_CAPS body");
	CHECK(caps.v1.max_version == 1, "caps1 max_version %u", caps.v1.max_version);
	return true;
}

static bool
busy_wait(int fd, uint32_t flags, uint32_t *busy)
{
	uint32_t p[2] = {0, flags};
	uint32_t r[3];
	if (!send_cmd(fd, 2, VCMD_RESOURCE_BUSY_WAIT, p, 2) || !read_exact(fd, r, 12)) {
		return false;
	}
	*busy = r[2];
	return r[0] == 1 && r[1] == VCMD_RESOURCE_BUSY_WAIT;
}

/* RESOURCE_CREATE2; returns the memfd (or -2 when data_size is 0 and none is expected). */
static int
create2(int fd, uint32_t id, uint32_t target, uint32_t format, uint32_t bind, uint32_t w,
	uint32_t h, uint32_t data_size)
{
	uint32_t p[11] = {id, target, format, bind, w, h, 1, 0, 0, 0, data_size};
	if (!send_cmd(fd, 11, VCMD_RESOURCE_CREATE2, p, 11)) {
		return -1;
	}
	if (!data_size) {
		return -2;
	}
	uint8_t byte = 0xff;
	int mfd = recv_fd(fd, &byte);
	if (mfd >= 0 && byte != 0) {
		close(mfd);
		return -1;
	}
	return mfd;
}

static bool
transfer2(int fd, uint32_t id_cmd, uint32_t res, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
	  uint32_t offset)
{
	uint32_t p[10] = {res, 0, x, y, 0, w, h, 1, w * h * 4, offset};
	/* PUT2's length field really does count the data dwords (which are not sent). */
	uint32_t len = id_cmd == VCMD_TRANSFER_PUT2 ? 10 + w * h : 10;
	return send_cmd(fd, len, id_cmd, p, 10);
}

static bool
submit(int fd, const uint32_t *cmds, uint32_t ndw)
{
	uint32_t hdr[2] = {ndw, VCMD_SUBMIT_CMD};
	return vgp_send_all(fd, hdr, 8) && vgp_send_all(fd, cmds, ndw * 4u);
}

/* A client that has done the handshake and owns texture `res` (64x64 RGBA8). */
struct client {
	int fd;
	uint32_t res;
	uint8_t *map;
	size_t size;
};

static bool
client_open(struct client *c, const char *name, uint32_t res)
{
	memset(c, 0, sizeof(*c));
	c->fd = connect_to(sock_path);
	CHECK(c->fd >= 0, "connect %s", sock_path);
	if (!handshake(c->fd, name)) {
		return false;
	}
	c->res = res;
	c->size = 64 * 64 * 4;
	int mfd = create2(c->fd, res, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 64, 64,
			  (uint32_t)c->size);
	CHECK(mfd >= 0, "RESOURCE_CREATE2 fd");
	struct stat st;
	CHECK(fstat(mfd, &st) == 0 && st.st_size == (off_t)c->size, "memfd size %lld",
	      (long long)st.st_size);
	int seals = fcntl(mfd, F_GET_SEALS);
	CHECK(seals >= 0 && (seals & F_SEAL_SHRINK), "memfd sealed against shrinking (%d)", seals);
	c->map = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	close(mfd);
	CHECK(c->map != MAP_FAILED, "mmap: %s", strerror(errno));
	return true;
}

static void
client_close(struct client *c)
{
	if (c->map && c->map != MAP_FAILED) {
		munmap(c->map, c->size);
	}
	if (c->fd >= 0) {
		close(c->fd);
	}
	c->fd = -1;
	c->map = NULL;
}

/* A frame's worth of traffic: submit, upload, fence resource, readback, waits. */
static bool
client_frame(struct client *c, uint32_t fence_id)
{
	static const uint32_t cmds[] = {
		(1u << 16) | 29, 1, /* CREATE_SUB_CTX(1) is idempotent enough for the null path */
		(1u << 16) | 28, 1, /* SET_SUB_CTX(1) */
	};
	/* Only the first frame creates the sub-context. */
	const uint32_t *stream = fence_id == 1000 ? cmds : cmds + 2;
	uint32_t ndw = fence_id == 1000 ? 4 : 2;
	memset(c->map, 0x5a, c->size);
	CHECK(submit(c->fd, stream, ndw), "SUBMIT");
	CHECK(transfer2(c->fd, VCMD_TRANSFER_PUT2, c->res, 0, 0, 64, 64, 0), "PUT2");
	int mfd = create2(c->fd, fence_id, TARGET_BUFFER, FMT_R8_UNORM, BIND_CUSTOM, 8, 1, 8);
	CHECK(mfd >= 0, "fence RESOURCE_CREATE2");
	close(mfd);
	CHECK(transfer2(c->fd, VCMD_TRANSFER_GET2, c->res, 8, 8, 16, 16, 4 * (8 * 64 + 8)), "GET2");
	uint32_t busy = 7;
	CHECK(busy_wait(c->fd, VCMD_BUSY_WAIT_FLAG_WAIT, &busy) && busy == 0, "BUSY_WAIT %u", busy);
	uint32_t unref = fence_id;
	CHECK(send_cmd(c->fd, 1, VCMD_RESOURCE_UNREF, &unref, 1), "UNREF");
	CHECK(busy_wait(c->fd, 0, &busy) && busy == 0, "BUSY_WAIT(0) %u", busy);
	return true;
}

/* ------------------------------------------------------------ tests */

static bool
test_options(void)
{
	char out[8192];
	const char *help[] = {"--help", NULL};
	CHECK(run_capture(help, out, sizeof(out)) == 0, "--help exit");
	CHECK(strstr(out, "--socket-path") && strstr(out, "--backend"), "--help text: %s", out);
	const char *version[] = {"--version", NULL};
	CHECK(run_capture(version, out, sizeof(out)) == 0, "--version exit");
	CHECK(!strncmp(out, "pvgpu-vtest ", 12), "--version text: %s", out);
	const char *bogus[] = {"--frobnicate", NULL};
	CHECK(run_capture(bogus, out, sizeof(out)) != 0, "unknown option accepted");
	CHECK(strstr(out, "unknown option '--frobnicate'"), "unknown option text: %s", out);
	const char *bad_backend[] = {"--backend=vulkan", NULL};
	CHECK(run_capture(bad_backend, out, sizeof(out)) != 0, "bad backend accepted");
	CHECK(strstr(out, "unknown backend"), "bad backend text: %s", out);
	const char *missing[] = {"--socket-path", NULL};
	CHECK(run_capture(missing, out, sizeof(out)) != 0, "missing value accepted");
	CHECK(strstr(out, "missing value"), "missing value text: %s", out);
	return true;
}

/* `--socket-path PATH` (space form), a stale socket file, cleanup on SIGTERM. */
static bool
test_socket_lifecycle(void)
{
	char path[160], out_path[160];
	snprintf(path, sizeof(path), "%s/stale.sock", tmpdir);
	snprintf(out_path, sizeof(out_path), "%s/stale.log", tmpdir);
	/* A socket file nobody listens on, as a crashed server leaves behind. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%.*s", (int)sizeof(addr.sun_path) - 1,
		 path);
	CHECK(bind(s, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind stale");
	close(s);
	const char *args[] = {"--backend=null", "--socket-path", path, NULL};
	pid_t pid = start_server(args, out_path);
	int fd = connect_to(path);
	CHECK(fd >= 0, "connect after stale socket");
	CHECK(handshake(fd, "lifecycle"), "handshake");
	close(fd);
	/* A second server on the same path must refuse to steal the live socket. */
	char out[4096];
	const char *dup[] = {"--backend=null", "--socket-path", path, NULL};
	CHECK(run_capture(dup, out, sizeof(out)) != 0, "second server started");
	CHECK(strstr(out, "another server"), "second server text: %s", out);
	int status = stop_server(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server exit status %d", status);
	struct stat st;
	CHECK(lstat(path, &st) < 0 && errno == ENOENT, "socket left behind");
	char *log = read_file(out_path);
	CHECK(log && strstr(log, "listening on") && !strstr(log, "dropped"), "log: %s", log);
	free(log);
	return true;
}

static bool
test_resources(void)
{
	struct client c;
	if (!client_open(&c, "resources", 1)) {
		return false;
	}
	for (uint32_t f = 0; f < 20; f++) {
		if (!client_frame(&c, 1000 + f)) {
			return false;
		}
	}
	/* A released fence-sized memfd comes back for the next one, zeroed. */
	int fa = create2(c.fd, 40, TARGET_BUFFER, FMT_R8_UNORM, BIND_CUSTOM, 8, 1, 8);
	CHECK(fa >= 0, "fence a");
	struct stat sa, sb;
	CHECK(fstat(fa, &sa) == 0, "fstat a");
	/* The client may write the whole memfd, not only the 8 bytes it asked for. */
	size_t whole = (size_t)sa.st_size;
	uint8_t *ma = mmap(NULL, whole, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	CHECK(ma != MAP_FAILED, "mmap fence a");
	memset(ma, 0xab, whole);
	munmap(ma, whole);
	close(fa);
	uint32_t ida = 40;
	CHECK(send_cmd(c.fd, 1, VCMD_RESOURCE_UNREF, &ida, 1), "unref fence a");
	int fb = create2(c.fd, 41, TARGET_BUFFER, FMT_R8_UNORM, BIND_CUSTOM, 8, 1, 8);
	CHECK(fb >= 0 && fstat(fb, &sb) == 0, "fence b");
	CHECK(sa.st_ino == sb.st_ino, "fence memfd not recycled (%lu vs %lu)",
	      (unsigned long)sa.st_ino, (unsigned long)sb.st_ino);
	uint8_t *mb = mmap(NULL, whole, PROT_READ, MAP_SHARED, fb, 0);
	CHECK(mb != MAP_FAILED, "mmap fence b");
	size_t dirty = 0;
	for (size_t k = 0; mb != MAP_FAILED && k < whole; k++) {
		dirty += mb[k] != 0;
	}
	CHECK(dirty == 0, "recycled fence memfd: %zu of %zu bytes not zeroed (CVE-2022-0175 class)",
	      dirty, whole);
	munmap(mb, whole);
	close(fb);
	uint32_t idb = 41;
	CHECK(send_cmd(c.fd, 1, VCMD_RESOURCE_UNREF, &idb, 1), "unref fence b");

	/* data_size 0 (MSAA-style): no fd follows, the next reply comes straight away. */
	CHECK(create2(c.fd, 50, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 16, 16, 0) == -2,
	      "create2 without backing");
	uint32_t busy;
	CHECK(busy_wait(c.fd, 0, &busy), "busy wait after data_size 0");
	/* Larger backing than needed is fine (Mesa's display targets are padded). */
	int mfd = create2(c.fd, 51, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 16, 16,
			  16 * 16 * 4 + 4096);
	CHECK(mfd >= 0, "padded create2");
	close(mfd);

	/* v0 path: RESOURCE_CREATE (no backing) + inline TRANSFER_PUT / TRANSFER_GET. */
	uint32_t rc[10] = {60, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 8, 8, 1, 0, 0, 0};
	CHECK(send_cmd(c.fd, 10, VCMD_RESOURCE_CREATE, rc, 10), "RESOURCE_CREATE");
	uint32_t put[11 + 64] = {60, 0, 32, 0, 0, 0, 0, 8, 8, 1, 256};
	for (int i = 0; i < 64; i++) {
		put[11 + i] = 0x11223344u + (uint32_t)i;
	}
	CHECK(send_cmd(c.fd, 11 + 64, VCMD_TRANSFER_PUT, put, 11), "TRANSFER_PUT hdr");
	CHECK(vgp_send_all(c.fd, put + 11, 256), "TRANSFER_PUT data");
	uint32_t get[11] = {60, 0, 16, 0, 2, 2, 0, 4, 4, 1, 64};
	CHECK(send_cmd(c.fd, 11, VCMD_TRANSFER_GET, get, 11), "TRANSFER_GET");
	uint8_t data[64];
	CHECK(read_exact(c.fd, data, 64), "TRANSFER_GET data");
	CHECK(busy_wait(c.fd, 1, &busy) && busy == 0, "busy wait after v0 transfers");

	/* Unref everything; a clean close is not a drop. */
	for (uint32_t id = 50; id <= 60; id += id == 51 ? 9 : 1) {
		CHECK(send_cmd(c.fd, 1, VCMD_RESOURCE_UNREF, &id, 1), "unref %u", id);
	}
	CHECK(busy_wait(c.fd, 0, &busy), "final busy wait");
	client_close(&c);
	return true;
}

/* One malformed input: what the bad client sends after (maybe) a handshake. */
struct bad_case {
	const char *name;
	bool handshake;
	bool (*send)(int fd);
	const char *reason; /* substring of the server's "dropped:" line */
};

static bool
bad_truncated_header(int fd)
{
	uint32_t half = 6;
	return vgp_send_all(fd, &half, 4) && shutdown(fd, SHUT_WR) == 0;
}

static bool
bad_oversized_submit(int fd)
{
	uint32_t hdr[2] = {100000000u, VCMD_SUBMIT_CMD};
	return vgp_send_all(fd, hdr, 8);
}

static bool
bad_unknown_id(int fd)
{
	return send_cmd(fd, 0, 99, NULL, 0);
}

static bool
bad_v3_id(int fd)
{
	uint32_t p[2] = {0, 0};
	return send_cmd(fd, 2, VCMD_SYNC_CREATE, p, 2);
}

static bool
bad_unref_unknown(int fd)
{
	uint32_t id = 4242;
	return send_cmd(fd, 1, VCMD_RESOURCE_UNREF, &id, 1);
}

static bool
bad_get2_unknown(int fd)
{
	return transfer2(fd, VCMD_TRANSFER_GET2, 4242, 0, 0, 1, 1, 0);
}

static bool
bad_box_outside(int fd)
{
	int mfd = create2(fd, 7, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 32, 32, 4096);
	if (mfd < 0) {
		return false;
	}
	close(mfd);
	return transfer2(fd, VCMD_TRANSFER_GET2, 7, 16, 16, 32, 32, 0);
}

static bool
bad_offset_outside(int fd)
{
	int mfd = create2(fd, 7, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 32, 32, 4096);
	if (mfd < 0) {
		return false;
	}
	close(mfd);
	return transfer2(fd, VCMD_TRANSFER_PUT2, 7, 0, 0, 32, 32, 64);
}

static bool
bad_submit_overrun(int fd)
{
	/* One command claiming 100 payload dwords in a 4-dword buffer. */
	uint32_t cmds[4] = {(100u << 16) | 28, 1, 0, 0};
	return submit(fd, cmds, 4);
}

static bool
bad_renderer_not_first(int fd)
{
	return send_cmd(fd, 0, VCMD_PING_PROTOCOL_VERSION, NULL, 0);
}

static bool
bad_name_too_long(int fd)
{
	uint32_t hdr[2] = {5000, VCMD_CREATE_RENDERER};
	return vgp_send_all(fd, hdr, 8);
}

static bool
bad_renderer_twice(int fd)
{
	return create_renderer(fd, "again");
}

static bool
bad_data_size_small(int fd)
{
	return create2(fd, 8, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 32, 32, 100) == -1;
}

static bool
bad_data_size_huge(int fd)
{
	return create2(fd, 8, TARGET_BUFFER, FMT_R8_UNORM, 0x20, 64, 1, 0xfffffff0u) == -1;
}

static bool
bad_duplicate_id(int fd)
{
	int a = create2(fd, 9, TARGET_BUFFER, FMT_R8_UNORM, BIND_CUSTOM, 8, 1, 8);
	if (a < 0) {
		return false;
	}
	close(a);
	return create2(fd, 9, TARGET_BUFFER, FMT_R8_UNORM, BIND_CUSTOM, 8, 1, 8) == -1;
}

/* Four 1 GiB backings reach the client's VR_MAX_BACKING_BYTES (4 GiB); the fifth
 * is refused. The memfds are never touched, so no memory is used. */
static bool
bad_backing_total(int fd)
{
	for (uint32_t i = 0; i < 4; i++) {
		int m = create2(fd, 20 + i, TARGET_BUFFER, FMT_R8_UNORM, BIND_CUSTOM, 1u << 30, 1,
				1u << 30);
		if (m < 0) {
			return false;
		}
		close(m);
	}
	return create2(fd, 24, TARGET_BUFFER, FMT_R8_UNORM, BIND_CUSTOM, 4096, 1, 4096) == -1;
}

static bool
bad_truncated_payload(int fd)
{
	uint32_t hdr[2] = {11, VCMD_RESOURCE_CREATE2};
	uint32_t part[3] = {10, 2, 67};
	return vgp_send_all(fd, hdr, 8) && vgp_send_all(fd, part, sizeof(part)) &&
	       shutdown(fd, SHUT_WR) == 0;
}

static const struct bad_case bad_cases[] = {
	{"truncated header", true, bad_truncated_header, "truncated header"},
	{"truncated payload", true, bad_truncated_payload, "RESOURCE_CREATE2: truncated payload"},
	{"oversized SUBMIT", true, bad_oversized_submit, "SUBMIT_CMD: 100000000 dwords"},
	{"unknown command id", true, bad_unknown_id, "unknown command id 99"},
	{"v3-only id at v2", true, bad_v3_id, "SYNC_CREATE: not valid at protocol version 2"},
	{"UNREF unknown", true, bad_unref_unknown, "RESOURCE_UNREF: unknown resource 4242"},
	{"GET2 unknown", true, bad_get2_unknown, "TRANSFER_GET2: unknown resource"},
	{"box outside", true, bad_box_outside, "TRANSFER_GET2: transfer box outside the resource"},
	{"offset outside", true, bad_offset_outside, "TRANSFER_PUT2: transfer outside the"},
	{"SUBMIT overrun", true, bad_submit_overrun, "dropped: SUBMIT_CMD: "},
	{"renderer not first", false, bad_renderer_not_first,
	 "PING_PROTOCOL_VERSION: CREATE_RENDERER must be the first command"},
	{"name too long", false, bad_name_too_long, "CREATE_RENDERER: name too long"},
	{"renderer twice", true, bad_renderer_twice, "CREATE_RENDERER: sent twice"},
	{"data_size too small", true, bad_data_size_small, "smaller than the 4096 bytes"},
	{"data_size too large", true, bad_data_size_huge, "above the 1073741824 byte limit"},
	{"duplicate resource id", true, bad_duplicate_id, "resource 9: resource id already in use"},
	{"backing total over the cap", true, bad_backing_total,
	 "resource 24: 4096 more backing bytes exceed the client's 4294967296"},
};

static bool
test_malformed(void)
{
	struct client good;
	if (!client_open(&good, "goodclient", 1)) {
		return false;
	}
	CHECK(client_frame(&good, 1000), "good client first frame");
	uint32_t fence = 2000;
	size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]);
	for (size_t i = 0; i < n; i++) {
		const struct bad_case *bc = &bad_cases[i];
		int fd = connect_to(sock_path);
		CHECK(fd >= 0, "[%s] connect", bc->name);
		if (bc->handshake) {
			CHECK(handshake(fd, "badclient"), "[%s] handshake", bc->name);
		}
		/* The server may drop us before the whole input is out (it reads
		 * command by command), so a failed send is not a test failure. */
		(void)bc->send(fd);
		CHECK(wait_closed(fd), "[%s] server did not drop the bad client", bc->name);
		close(fd);
		CHECK(log_has(bc->reason), "[%s] no log line with '%s'", bc->name, bc->reason);
		/* The client connected before the bad one still gets full service. */
		CHECK(client_frame(&good, fence++), "[%s] good client broken afterwards", bc->name);
	}
	char *log = read_file(log_path);
	/* One line per bad client: dropped for a violation, or "left in the middle
	 * of a command" for the one that closed the socket inside a command. */
	int drops = count_occurrences(log, "dropped:");
	int left = count_occurrences(log, "left in the middle of a command:");
	CHECK(drops == (int)n - 1 && left == 1,
	      "%d drop and %d left lines for %zu bad clients:\n%s", drops, left, n, log);
	CHECK(!strstr(log, "goodclient"), "good client appears in the log:\n%s", log);
	CHECK(!strstr(log, "Sanitizer"), "sanitizer report in the server log:\n%s", log);
	CHECK(count_occurrences(log, "(badclient) dropped:") >= (int)n - 3,
	      "drop lines name the client:\n%s", log);
	free(log);
	client_close(&good);
	/* And the server still takes new clients. */
	struct client late;
	if (!client_open(&late, "lateclient", 5)) {
		return false;
	}
	CHECK(client_frame(&late, 1000), "late client frame");
	client_close(&late);
	return true;
}

/* Replies to pipelined commands arrive complete and in order. */
static bool
test_pipelined(void)
{
	int fd = connect_to(sock_path);
	CHECK(fd >= 0, "connect");
	CHECK(handshake(fd, "pipelined"), "handshake");
	uint32_t burst[64 * 4];
	for (int i = 0; i < 64; i++) {
		burst[i * 4 + 0] = 2;
		burst[i * 4 + 1] = VCMD_RESOURCE_BUSY_WAIT;
		burst[i * 4 + 2] = 0;
		burst[i * 4 + 3] = (uint32_t)i & 1;
	}
	CHECK(vgp_send_all(fd, burst, sizeof(burst)), "send burst");
	for (int i = 0; i < 64; i++) {
		uint32_t r[3];
		CHECK(read_exact(fd, r, 12) && r[0] == 1 && r[1] == VCMD_RESOURCE_BUSY_WAIT,
		      "reply %d", i);
	}
	close(fd);
	return true;
}

/* --no-fork serves clients one after another in the server process itself. */
static bool
test_no_fork(void)
{
	char path[160], out_path[160];
	snprintf(path, sizeof(path), "%s/nofork.sock", tmpdir);
	snprintf(out_path, sizeof(out_path), "%s/nofork.log", tmpdir);
	const char *args[] = {"--backend=null", "--no-fork", "--socket-path", path, NULL};
	pid_t pid = start_server(args, out_path);
	for (int i = 0; i < 2; i++) {
		int fd = connect_to(path);
		CHECK(fd >= 0, "connect %d", i);
		CHECK(handshake(fd, "nofork"), "handshake %d", i);
		uint32_t busy;
		CHECK(busy_wait(fd, 1, &busy), "busy wait %d", i);
		close(fd);
	}
	/* A bad client is dropped and the in-process server carries on. */
	int bad = connect_to(path);
	CHECK(bad >= 0 && send_cmd(bad, 0, 99, NULL, 0) && wait_closed(bad), "bad client");
	close(bad);
	int fd = connect_to(path);
	CHECK(fd >= 0 && handshake(fd, "nofork-after"), "client after a bad one");
	/* SIGTERM while a client is connected still shuts the server down cleanly. */
	int status = stop_server(pid);
	close(fd);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	char *log = read_file(out_path);
	CHECK(log && count_occurrences(log, "dropped:") == 2 &&
		      strstr(log, "unknown command id 99") && strstr(log, "server shutting down"),
	      "log: %s", log);
	free(log);
	return true;
}

/* --max-clients=1: a second client waits in the backlog until the first leaves. */
static bool
test_max_clients(void)
{
	char path[160], out_path[160];
	snprintf(path, sizeof(path), "%s/max.sock", tmpdir);
	snprintf(out_path, sizeof(out_path), "%s/max.log", tmpdir);
	const char *args[] = {"--backend=null", "--max-clients=1", "--socket-path", path, NULL};
	pid_t pid = start_server(args, out_path);
	int a = connect_to(path);
	CHECK(a >= 0 && handshake(a, "first"), "first client");
	int b = connect_to(path);
	CHECK(b >= 0 && create_renderer(b, "second"), "second client connects");
	CHECK(send_cmd(b, 0, VCMD_PING_PROTOCOL_VERSION, NULL, 0), "second client ping");
	CHECK(!wait_readable(b, 300), "second client served while the first is connected");
	close(a);
	uint32_t r[2];
	CHECK(read_exact(b, r, 8) && r[1] == VCMD_PING_PROTOCOL_VERSION, "second client served");
	close(b);
	int status = stop_server(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	return true;
}

/* Waits until `path` holds a complete line; returns its text (caller frees) or NULL. */
static char *
wait_line(const char *path)
{
	for (int i = 0; i < TIMEOUT_MS / 10; i++) {
		char *text = read_file(path);
		if (text && strchr(text, '\n')) {
			return text;
		}
		free(text);
		usleep(10000);
	}
	return NULL;
}

/* --stats-file: one JSON line per client with what it moved, the name escaped. */
static bool
test_stats_file(void)
{
	char path[160], out_path[160], stats[160], opt[200];
	snprintf(path, sizeof(path), "%s/stats.sock", tmpdir);
	snprintf(out_path, sizeof(out_path), "%s/stats.log", tmpdir);
	snprintf(stats, sizeof(stats), "%s/stats.jsonl", tmpdir);
	snprintf(opt, sizeof(opt), "--stats-file=%s", stats);
	char out[4096];
	const char *bad[] = {"--backend=null", "--stats-file=/nonexistent-dir/s.jsonl", NULL};
	CHECK(run_capture(bad, out, sizeof(out)) == 2, "unwritable stats file accepted");
	CHECK(strstr(out, "cannot open stats file"), "unwritable stats file text: %s", out);

	const char *args[] = {"--backend=null", "--socket-path", path, opt, NULL};
	pid_t pid = start_server(args, out_path);
	int fd = connect_to(path);
	CHECK(fd >= 0, "connect");
	/* A hostile name: quote and backslash must not break the JSON line. */
	CHECK(handshake(fd, "st\"a\\b"), "handshake");
	int mfd = create2(fd, 1, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 64, 64, 16384);
	CHECK(mfd >= 0, "create2");
	close(mfd);
	CHECK(transfer2(fd, VCMD_TRANSFER_PUT2, 1, 0, 0, 64, 64, 0), "PUT2");
	CHECK(transfer2(fd, VCMD_TRANSFER_GET2, 1, 0, 0, 16, 16, 0), "GET2");
	uint32_t rc[10] = {2, TARGET_2D, FMT_R8G8B8A8_UNORM, BIND_RT_SAMPLER, 8, 8, 1, 0, 0, 0};
	CHECK(send_cmd(fd, 10, VCMD_RESOURCE_CREATE, rc, 10), "RESOURCE_CREATE");
	uint32_t put[11 + 64] = {2, 0, 32, 0, 0, 0, 0, 8, 8, 1, 256};
	CHECK(send_cmd(fd, 11 + 64, VCMD_TRANSFER_PUT, put, 11) && vgp_send_all(fd, put + 11, 256),
	      "TRANSFER_PUT");
	uint32_t get[11] = {2, 0, 16, 0, 0, 0, 0, 4, 4, 1, 64};
	CHECK(send_cmd(fd, 11, VCMD_TRANSFER_GET, get, 11), "TRANSFER_GET");
	uint8_t data[64];
	CHECK(read_exact(fd, data, 64), "TRANSFER_GET data");
	uint32_t busy;
	CHECK(busy_wait(fd, 1, &busy), "busy wait");
	close(fd);
	char *line = wait_line(stats);
	int status = stop_server(pid);
	CHECK(line, "no stats line in %s", stats);
	bool ok = strstr(line, "\"name\":\"st\\\"a\\\\b\"") &&
		  strstr(line, "\"status\":\"closed\"") &&
		  strstr(line, "\"inline_pixels_in\":256,") &&
		  strstr(line, "\"inline_pixels_out\":64,") &&
		  strstr(line, "\"shm_transfer\":17408,") && strstr(line, "\"maxrss_kb\":") &&
		  count_occurrences(line, "\n") == 1;
	fprintf(ok ? stdout : stderr, "stats line: %s", line);
	free(line);
	CHECK(ok, "stats line content");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
	return true;
}

/* A forbidden syscall in one client's process (PVGPU_SANDBOX_SELFTEST names the
 * client) ends only that process; the server goes on serving the next client. */
static bool
test_sandbox(void)
{
	char out[4096];
	const char *bad[] = {"--backend=null", "--sandbox=maybe", NULL};
	CHECK(run_capture(bad, out, sizeof(out)) == 2, "bad --sandbox value accepted");
	CHECK(strstr(out, "bad --sandbox value"), "bad --sandbox text: %s", out);
	const char *help[] = {"--help", NULL};
	run_capture(help, out, sizeof(out));
	const char *env = getenv("PVGPU_SANDBOX");
	if (strstr(out, "built without libseccomp") || (env && !strcmp(env, "off"))) {
		/* make valgrind sets PVGPU_SANDBOX=off: memcheck has no seccomp(2). */
		printf("skip sandbox self-test: no libseccomp or PVGPU_SANDBOX=off\n");
		return true;
	}

	char path[sizeof(sock_path)], out_path[160], opt[200];
	snprintf(path, sizeof(path), "%s/sandbox.sock", tmpdir);
	snprintf(out_path, sizeof(out_path), "%s/sandbox.log", tmpdir);
	snprintf(opt, sizeof(opt), "--socket-path=%s", path);
	const char *args[] = {"--backend=null", opt, "--sandbox=on", NULL};
	setenv("PVGPU_SANDBOX_SELFTEST", "sandbox-victim", 1);
	pid_t pid = start_server(args, out_path);
	unsetenv("PVGPU_SANDBOX_SELFTEST");

	int victim = connect_to(path);
	CHECK(victim >= 0 && create_renderer(victim, "sandbox-victim"), "victim connects");
	CHECK(send_cmd(victim, 0, VCMD_PING_PROTOCOL_VERSION, NULL, 0), "victim ping");
	CHECK(wait_closed(victim), "the victim's process was not ended");
	close(victim);
	char main_sock[sizeof(sock_path)];
	memcpy(main_sock, sock_path, sizeof(main_sock));
	snprintf(sock_path, sizeof(sock_path), "%s", path); /* client_open connects there */
	struct client c;
	bool served = client_open(&c, "sandbox-survivor", 1);
	for (uint32_t f = 0; served && f < 3; f++) {
		served = client_frame(&c, 1000 + f);
	}
	client_close(&c);
	memcpy(sock_path, main_sock, sizeof(main_sock));
	CHECK(served, "the next client was not served after the victim");
	int status = stop_server(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server exit status %d", status);
	char *log = read_file(out_path);
	CHECK(log && strstr(log, "forbidden system call 41"), "no sandbox line in the log: %s",
	      log ? log : "");
	CHECK(log && strstr(log, "killed by signal 31"), "victim not killed by SIGSYS: %s",
	      log ? log : "");
	CHECK(log && count_occurrences(log, "killed by signal") == 1, "other processes died: %s",
	      log ? log : "");
	free(log);
	return true;
}

static void
run(const char *name, bool (*fn)(void))
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	bool ok = fn();
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	printf("%s %s (%.0f ms)\n", ok ? "ok  " : "FAIL", name, ms);
	fflush(stdout);
	if (!ok) {
		failures++;
	}
}

int
main(int argc, char **argv)
{
	vtest_bin = argc > 1 ? argv[1] : getenv("PVGPU_VTEST");
	if (!vtest_bin) {
		fprintf(stderr, "usage: %s PATH-TO-pvgpu-vtest\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pvgpu-vtest-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sock_path, sizeof(sock_path), "%s/s", tmpdir);
	snprintf(log_path, sizeof(log_path), "%s/server.log", tmpdir);

	run("options", test_options);
	run("socket lifecycle", test_socket_lifecycle);
	run("no-fork mode", test_no_fork);
	run("max clients", test_max_clients);
	run("stats file", test_stats_file);
	run("sandbox: a forbidden syscall ends only its client", test_sandbox);

	const char *args[] = {"--backend=null", "--socket-path", sock_path, NULL};
	char sp[160];
	snprintf(sp, sizeof(sp), "--socket-path=%s", sock_path);
	args[1] = sp;
	args[2] = NULL;
	pid_t server = start_server(args, log_path);
	run("resources and transfers", test_resources);
	run("pipelined replies", test_pipelined);
	run("malformed input drops only that client", test_malformed);
	int status = stop_server(server);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("FAIL server exit status %d\n", status);
		failures++;
	}
	if (failures) {
		char *log = read_file(log_path);
		fprintf(stderr, "--- server log (%s) ---\n%s", log_path, log ? log : "");
		free(log);
		return 1;
	}
	char cmd[200];
	if (getenv("KEEP"))
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return 0;
}
