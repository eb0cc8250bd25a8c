/*
 * pvgpu qemu-glue — the back end's event loop: one vhost-user connection at a
 * time, each served by its own session (device); when the front end goes away
 * the session is torn down and the next connection accepted (QEMU reconnects
 * with `-chardev socket,reconnect=N`).
 *
 * Threads: runs on the calling thread until it returns.
 */
#ifndef VUG_SERVER_H
#define VUG_SERVER_H

#include <stdbool.h>

#include "vug_session.h"

struct vug_server_options {
	const char *socket_path; /* listen here ... */
	int fd;                  /* ... or serve this connected socket (-1: none), then return */
	struct vug_session_options session;
	unsigned max_connections; /* return after this many (0: serve forever) */
	/* Optional: called once the socket listens (or before serving fd), e.g. to
	 * enter the sandbox; false makes vug_server_run fail. */
	bool (*ready)(void *data);
	void *ready_data;
};

/** Returns a process exit status: 0 after a clean end, 1 on setup failure. */
int vug_server_run(const struct vug_server_options *opts);

#endif /* VUG_SERVER_H */
