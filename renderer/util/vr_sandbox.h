/*
 * pvgpu — the host processes' sandbox: privilege drop plus a seccomp filter.
 *
 * A process that talks to one guest (a pvgpu-vtest client child, a
 * pvgpu-vhost-user back end) enters the sandbox once its renderer is up:
 *   1. GL/EGL are initialised and the render node opened BEFORE entering (the
 *      drivers open files, load libraries and start threads at init);
 *   2. when running as root, supplementary groups, gid and uid are dropped to an
 *      unprivileged user (default "nobody"); descriptors already open stay usable;
 *   3. a seccomp filter (libseccomp) allowing only what rendering and the
 *      transports need is installed on every thread of the process (TSYNC).
 * A forbidden syscall ends the whole process (one log line naming the syscall
 * number, then SIGSYS), so it takes down only the guest it served.
 *
 * PVGPU_SANDBOX_SELFTEST=LABEL (test hook): the process whose label (see
 * vr_sandbox_enter) equals LABEL, or any process when LABEL is "1", calls a
 * forbidden syscall right after entering, which must kill it.
 *
 * Threads: vr_sandbox_enter affects every thread of the calling process.
 */
#ifndef VR_SANDBOX_H
#define VR_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

enum vr_sandbox_mode {
	VR_SANDBOX_OFF, /* nothing: no privilege drop, no filter */
	VR_SANDBOX_LOG, /* drop privileges; forbidden syscalls are logged by the kernel, not denied
			 */
	VR_SANDBOX_ON,  /* drop privileges; forbidden syscalls kill the process */
};

struct vr_sandbox {
	enum vr_sandbox_mode mode;
	bool drop;       /* started as root: switch to uid/gid on entering */
	uid_t uid;       /* valid when drop */
	gid_t gid;       /* valid when drop */
	const char *who; /* program name for log lines, not owned */
};

/** True when this build has libseccomp (else only OFF is possible). */
/** True in ASan/LSan builds, whose runtime needs calls the filter refuses; the
 *  default mode is then off. */
bool vr_sandbox_sanitizer_build(void);
bool vr_sandbox_available(void);

/**
 * PVGPU_SANDBOX=on|off|log when set (valgrind, which cannot run seccomp(2),
 * uses off), else ON where libseccomp is available, else OFF.
 */
enum vr_sandbox_mode vr_sandbox_default_mode(void);

/** Parses "on", "off" or "log"; false on anything else. */
bool vr_sandbox_parse_mode(const char *s, enum vr_sandbox_mode *out);

/**
 * Prepares a sandbox: resolves `user` (NULL: "nobody") when running as root.
 * Call at start-up, before any fork. False (and *why) when the mode needs
 * libseccomp this build lacks or the user does not exist.
 */
bool vr_sandbox_init(struct vr_sandbox *sb, enum vr_sandbox_mode mode, const char *user,
		     const char *who, const char **why);

/**
 * Enters the sandbox in this process (see the top of this file). `label` names
 * the process for the self-test hook. False (and *why) when the privilege drop
 * or the filter failed: the caller must then stop serving.
 */
bool vr_sandbox_enter(const struct vr_sandbox *sb, const char *label, const char **why);

#endif /* VR_SANDBOX_H */
