/*
 * pvgpu display — the daemon's core: accepts VM back ends and pvgpu-ctl
 * clients on one SOCK_SEQPACKET socket (display/PROTOCOL.md), feeds VM frames
 * to the router and answers control commands. A client that breaks the
 * protocol is dropped; the others are not disturbed.
 *
 * The server owns an epoll set (dpy_server_fd) holding the listening socket,
 * the clients and the backends' fds; call dpy_server_dispatch() whenever it
 * is readable. pvgpu-display runs it; pvgpu-vhost-user --display=headless
 * runs one in process; tests drive it directly.
 *
 * Threads: one thread.
 */
#ifndef DPY_SERVER_H
#define DPY_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "dpy_output.h"

struct dpy_router;
struct dpy_server;

/** A server routing through `router` (not owned). NULL on failure. */
struct dpy_server *dpy_server_create(struct dpy_router *router);
/** Drops every client (their VMs leave the router). Accepts NULL. */
void dpy_server_destroy(struct dpy_server *s);

/** Watches a backend's fd and dispatches its events (not owned). */
bool dpy_server_add_backend(struct dpy_server *s, struct dpy_backend *be);
/** Accepts clients on the listening socket `fd` (owned from now on). */
bool dpy_server_listen(struct dpy_server *s, int fd);
/** Serves the connected socket `fd` (owned from now on, even on failure). */
bool dpy_server_add_client(struct dpy_server *s, int fd);

/** The epoll fd to wait on. */
int dpy_server_fd(const struct dpy_server *s);
/** Handles what is ready now; never blocks. */
void dpy_server_dispatch(struct dpy_server *s);

/** Connected clients (tests). */
size_t dpy_server_client_count(const struct dpy_server *s);
/** Clients dropped for protocol violations so far (tests). */
unsigned long dpy_server_dropped(const struct dpy_server *s);

#endif /* DPY_SERVER_H */
