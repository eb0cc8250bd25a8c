/* pvgpu — privilege drop and seccomp filter (see vr_sandbox.h). */
#include "vr_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef PVGPU_HAVE_SECCOMP
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#endif

#include "log.h"

/* ASan/LSan's runtime calls sigaltstack, and LeakSanitizer stops the world with
 * ptrace at exit: a sanitizer build tests our code, not the filter, so its
 * default is off (explicit --sandbox=on still applies it). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif

bool
vr_sandbox_sanitizer_build(void)
{
#ifdef SANITIZER_BUILD
	return true;
#else
	return false;
#endif
}

bool
vr_sandbox_available(void)
{
#ifdef PVGPU_HAVE_SECCOMP
	return true;
#else
	return false;
#endif
}

enum vr_sandbox_mode
vr_sandbox_default_mode(void)
{
	enum vr_sandbox_mode mode;
	const char *env = getenv("PVGPU_SANDBOX");
	if (env && vr_sandbox_parse_mode(env, &mode)) {
		return mode;
	}
	return vr_sandbox_available() && !vr_sandbox_sanitizer_build() ? VR_SANDBOX_ON
								       : VR_SANDBOX_OFF;
}

bool
vr_sandbox_parse_mode(const char *s, enum vr_sandbox_mode *out)
{
	static const struct {
		const char *name;
		enum vr_sandbox_mode mode;
	} names[] = {{"on", VR_SANDBOX_ON}, {"off", VR_SANDBOX_OFF}, {"log", VR_SANDBOX_LOG}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i].name)) {
			*out = names[i].mode;
			return true;
		}
	}
	return false;
}

bool
vr_sandbox_init(struct vr_sandbox *sb, enum vr_sandbox_mode mode, const char *user, const char *who,
		const char **why)
{
	*sb = (struct vr_sandbox){.mode = mode, .who = who};
	if (mode == VR_SANDBOX_OFF) {
		return true;
	}
	if (!vr_sandbox_available()) {
		*why = "this build has no libseccomp (install libseccomp-dev and rebuild, or use "
		       "--sandbox=off)";
		return false;
	}
	/* Mesa's default shader cache opens one file per shader on every lookup,
	 * which the filter refuses: each process in the sandbox would compile
	 * every shader from scratch (2-30x slower shader-heavy frames on
	 * llvmpipe). Its single-file cache is opened at GL initialisation, before
	 * entering, and then used through those descriptors. A setting of the
	 * user's own wins. */
	setenv("MESA_DISK_CACHE_SINGLE_FILE", "1", 0);
	if (geteuid() != 0) {
		return true; /* nothing to drop */
	}
	const struct passwd *pw = getpwnam(user ? user : "nobody");
	if (!pw) {
		*why = "the sandbox user does not exist";
		return false;
	}
	if (pw->pw_uid == 0) {
		*why = "the sandbox user must not be root";
		return false;
	}
	sb->drop = true;
	sb->uid = pw->pw_uid;
	sb->gid = pw->pw_gid;
	return true;
}

/* Gives up root for good: no supplementary groups, every gid and uid set (real,
 * effective, saved), then checks that root cannot be regained. */
static bool
drop_privileges(const struct vr_sandbox *sb, const char **why)
{
	if (setgroups(0, NULL) < 0 || setresgid(sb->gid, sb->gid, sb->gid) < 0) {
		*why = "cannot drop the group ids";
		return false;
	}
	if (setresuid(sb->uid, sb->uid, sb->uid) < 0) {
		*why = "cannot drop the user id";
		return false;
	}
	if (setuid(0) == 0 || seteuid(0) == 0) {
		*why = "root could be regained after the privilege drop";
		return false;
	}
	return true;
}

#ifdef PVGPU_HAVE_SECCOMP

/* Appends the decimal form of v to buf at *len (async-signal-safe). */
static void
put_uint(char *buf, size_t *len, unsigned long v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n) {
		buf[(*len)++] = tmp[--n];
	}
}

/* SIGSYS from the filter: one line naming the syscall, then die of SIGSYS so the
 * parent sees which signal ended us. Only async-signal-safe calls, all allowed. */
static void
on_sigsys(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	static const char head[] = "pvgpu: sandbox: forbidden system call ";
	static const char tail[] = ", ending this process\n";
	char line[sizeof(head) + sizeof(tail) + 24];
	size_t len = sizeof(head) - 1;
	memcpy(line, head, len);
	put_uint(line, &len, (unsigned long)si->si_syscall);
	memcpy(line + len, tail, sizeof(tail) - 1);
	len += sizeof(tail) - 1;
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
	raise(sig); /* SA_RESETHAND: the default action now, death */
	_exit(128 + sig);
}

/*
 * What a process serving one guest does after its renderer is up. Traced with
 * scripts/sandbox-syscalls.py (strace of --sandbox=log runs: glmark2 --validate,
 * glxgears with malformed clients, the qemu-glue simulator's gpu, bench and
 * hostile scenarios; docs/SECURITY.md): every call seen is here. The
 * few marked "unseen" were not in those traces but are made by glibc or Mesa on
 * paths the traces do not reach, and give nothing beyond the rest. Syscalls
 * with argument checks are in add_restricted().
 */
static const char *const allowed[] = {
	/* memory: allocator, llvmpipe's JIT (exec mappings), shared-memory resources;
	 * mremap unseen (glibc realloc of mmapped blocks) */
	"brk",
	"mmap",
	"munmap",
	"mprotect",
	"madvise",
	"mremap",
	/* I/O on descriptors we hold: sockets, memfds, eventfds, timerfds, epoll;
	 * glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH) */
	"read",
	"write",
	"close",
	"lseek",
	"dup",
	"fcntl",
	"fstat",
	"newfstatat",
	"ftruncate",
	"memfd_create",
	"eventfd2",
	"timerfd_create",
	"timerfd_settime",
	"recvmsg",
	"sendmsg",
	"recvfrom",
	"sendto",
	/* Mesa's single-file shader cache (see vr_sandbox_init), opened before
	 * entering: locked while written, read and written at offsets */
	"flock",
	"pread64",
	"pwrite64",
	"fsync",
	"fdatasync",
	/* pvgpu-vhost-user: the next session; dialing pvgpu-display (AF_UNIX: socket) */
	"accept4",
	"connect",
	/* waiting; ppoll and epoll_pwait unseen (the same with a signal mask) */
	"poll",
	"ppoll",
	"epoll_create1",
	"epoll_ctl",
	"epoll_wait",
	"epoll_pwait",
	/* threads (llvmpipe's rasteriser pool, Mesa's queues); Mesa sizes its shader
	 * cache with sysinfo; its util_queue threads lower their priority and pin
	 * themselves; sched_getaffinity and sched_yield unseen (thread pool, spins) */
	"futex",
	"set_robust_list",
	"rseq",
	"gettid",
	"getpid",
	"exit",
	"exit_group",
	"sysinfo",
	"sched_setaffinity",
	"sched_setscheduler",
	"setpriority",
	"sched_getaffinity",
	"sched_yield",
	/* signals: masks, handlers (abort(), our SIGSYS handler); restart_syscall
	 * unseen (the kernel restarting an interrupted call) */
	"rt_sigprocmask",
	"rt_sigaction",
	"rt_sigreturn",
	"restart_syscall",
	/* identity queries, unseen: Mesa checks geteuid() == getuid() before it reads
	 * some environment variables */
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	/* time (unseen: vDSO fallbacks, sleeps); getrusage: --stats-file's peak RSS */
	"clock_gettime",
	"clock_nanosleep",
	"nanosleep",
	"getrusage",
};

/*
 * Paths are refused, not fatal: after entering, the process works on the
 * descriptors it holds, and may only open files to append (openat in
 * add_restricted). The other late opener seen is Mesa's shader disk cache (a
 * llvmpipe thread), which takes EACCES as a cache miss; killing for it is wrong.
 */
static const char *const refused[] = {
	"open",       "openat2",   "creat",  "mkdir",    "mkdirat",    "rename",
	"renameat",   "renameat2", "unlink", "unlinkat", "link",       "linkat",
	"symlink",    "symlinkat", "chmod",  "fchmodat", "chown",      "lchown",
	"fchownat",   "truncate",  "mknod",  "mknodat",  "access",     "faccessat",
	"faccessat2", "stat",      "lstat",  "readlink", "readlinkat",
};

static bool
add_rule(scmp_filter_ctx f, uint32_t action, const char *name, unsigned n,
	 const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		return true; /* not a syscall on this architecture */
	}
	return seccomp_rule_add_array(f, action, nr, n, cmp) == 0;
}

/* Syscalls allowed only with some arguments. */
static bool
add_restricted(scmp_filter_ctx f)
{
	const uint32_t A = SCMP_ACT_ALLOW;
	/* New threads yes, new processes no: clone must carry CLONE_THREAD; clone3
	 * passes its flags in memory a filter cannot read, so it fails with ENOSYS and
	 * glibc falls back to clone. */
	struct scmp_arg_cmp thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	/* Local sockets only (pvgpu-display reconnects): no network. */
	struct scmp_arg_cmp unix_only = SCMP_A0(SCMP_CMP_EQ, AF_UNIX);
	/* Signals only to ourselves (abort(), raise()). */
	struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	/* ioctl: DRM requests on the render node (type 'd') and the tty queries of
	 * stdio; nothing else. */
	struct scmp_arg_cmp drm = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff00, 'd' << 8);
	struct scmp_arg_cmp tcgets = SCMP_A1(SCMP_CMP_EQ, TCGETS);
	struct scmp_arg_cmp fionbio = SCMP_A1(SCMP_CMP_EQ, FIONBIO);
	/* prctl: thread names (llvmpipe, Mesa queues) and reading them back. */
	struct scmp_arg_cmp set_name = SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME);
	struct scmp_arg_cmp get_name = SCMP_A0(SCMP_CMP_EQ, PR_GET_NAME);
	/* openat: only "create or append, write only" (stats files, one JSON line per
	 * client or session). Every other open, reads included, fails with EACCES;
	 * the refusals are spelled as conditions disjoint from the allowed case
	 * because overlapping rules with different actions have no defined order. */
	const scmp_datum_t append = O_WRONLY | O_CREAT | O_APPEND;
	const scmp_datum_t not_cloexec = 0xffffffffu & ~(scmp_datum_t)O_CLOEXEC;
	const struct scmp_arg_cmp open_allowed = SCMP_A2(SCMP_CMP_MASKED_EQ, not_cloexec, append);
	const struct scmp_arg_cmp open_refused[] = {
		SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDONLY),
		SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE, O_RDWR),
		SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, 0),
		SCMP_A2(SCMP_CMP_MASKED_EQ, O_APPEND, 0),
	};
	bool ok = add_rule(f, A, "openat", 1, &open_allowed);
	for (size_t i = 0; ok && i < sizeof(open_refused) / sizeof(open_refused[0]); i++) {
		ok = add_rule(f, SCMP_ACT_ERRNO(EACCES), "openat", 1, &open_refused[i]);
	}
	return ok && add_rule(f, A, "clone", 1, &thread) &&
	       add_rule(f, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL) &&
	       add_rule(f, A, "socket", 1, &unix_only) &&
	       add_rule(f, A, "socketpair", 1, &unix_only) && add_rule(f, A, "tgkill", 1, &self) &&
	       add_rule(f, A, "kill", 1, &self) && add_rule(f, A, "ioctl", 1, &drm) &&
	       add_rule(f, A, "ioctl", 1, &tcgets) && add_rule(f, A, "ioctl", 1, &fionbio) &&
	       add_rule(f, A, "prctl", 1, &set_name) && add_rule(f, A, "prctl", 1, &get_name);
}

static bool
install_filter(const struct vr_sandbox *sb, const char **why)
{
	if (sb->mode == VR_SANDBOX_ON) {
		/* NODEFER: the handler's own raise() must not wait for it to return. */
		struct sigaction sa = {.sa_sigaction = on_sigsys,
				       .sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND};
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0) {
			*why = "cannot install the SIGSYS handler";
			return false;
		}
	}
	/* ON traps (our handler logs, then the process dies of SIGSYS); LOG lets the
	 * call through and the kernel logs it (dmesg: "audit: type=1326"). */
	uint32_t deny = sb->mode == VR_SANDBOX_ON ? SCMP_ACT_TRAP : SCMP_ACT_LOG;
	scmp_filter_ctx f = seccomp_init(deny);
	if (!f) {
		*why = "seccomp_init failed";
		return false;
	}
	bool ok = seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1) == 0;
	for (size_t i = 0; ok && i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		ok = add_rule(f, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	}
	for (size_t i = 0; ok && i < sizeof(refused) / sizeof(refused[0]); i++) {
		ok = add_rule(f, SCMP_ACT_ERRNO(EACCES), refused[i], 0, NULL);
	}
	ok = ok && add_restricted(f);
	if (!ok) {
		*why = "cannot build the seccomp filter";
	} else if (seccomp_load(f) != 0) {
		*why = "cannot load the seccomp filter (kernel without seccomp?)";
		ok = false;
	}
	seccomp_release(f);
	return ok;
}

#else

static bool
install_filter(const struct vr_sandbox *sb, const char **why)
{
	(void)sb;
	*why = "this build has no libseccomp";
	return false;
}

#endif

/* The self-test hook: a syscall no renderer needs (a network socket). */
static void
maybe_selftest(const struct vr_sandbox *sb, const char *label)
{
	const char *want = getenv("PVGPU_SANDBOX_SELFTEST");
	if (!want || (strcmp(want, "1") && (!label || strcmp(want, label)))) {
		return;
	}
	vr_warn(VR_CAT_CORE, "%s: sandbox self-test: opening a network socket", sb->who);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	vr_err(VR_CAT_CORE, "%s: sandbox self-test: socket(AF_INET) returned %d (errno %d)",
	       sb->who, fd, fd < 0 ? errno : 0);
	if (fd >= 0) {
		close(fd);
	}
}

bool
vr_sandbox_enter(const struct vr_sandbox *sb, const char *label, const char **why)
{
	if (sb->mode == VR_SANDBOX_OFF) {
		return true;
	}
	if (sb->drop && !drop_privileges(sb, why)) {
		return false;
	}
	if (!install_filter(sb, why)) {
		return false;
	}
	vr_dbg(VR_CAT_CORE, "%s: sandbox %s%s", sb->who,
	       sb->mode == VR_SANDBOX_ON ? "on" : "in log mode", sb->drop ? ", root dropped" : "");
	maybe_selftest(sb, label);
	return true;
}
