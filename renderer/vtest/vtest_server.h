/*
 * pvgpu-vtest — the listening server: Unix socket, accept loop, one process per
 * client (DESIGN.md §4), signal handling and child reaping.
 *
 * Threads: single-threaded; vt_server_run owns the process's signal mask while
 * it runs.
 */
#ifndef VT_SERVER_H
#define VT_SERVER_H

#include <stdbool.h>

#include "vr_sandbox.h"

enum vt_backend_kind {
	VT_BACKEND_NULL,
	VT_BACKEND_GL,
};

struct vt_server_options {
	const char *socket_path; /* not owned */
	bool no_fork;            /* serve clients one at a time in this process */
	unsigned max_clients;    /* concurrent clients when forking; 0 = no limit */
	enum vt_backend_kind backend;
	const char *render_node;   /* GL: DRM render node, or NULL for the default */
	bool gl_debug;             /* GL: debug context and error checks */
	const char *stats_file;    /* append one JSON line per client here, or NULL */
	struct vr_sandbox sandbox; /* entered by each client's process once GL is up */
};

/** Name of a backend kind as used by --backend. */
const char *vt_backend_kind_name(enum vt_backend_kind kind);

/** True when this build contains the GL backend. */
bool vt_have_gl_backend(void);

/**
 * Listens on opts->socket_path (removing a stale socket, refusing to steal a live
 * one) and serves clients until SIGINT/SIGTERM. Returns the process exit code.
 */
int vt_server_run(const struct vt_server_options *opts);

#endif /* VT_SERVER_H */
