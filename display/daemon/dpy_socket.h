/* pvgpu display — the SOCK_SEQPACKET Unix socket helpers shared by the daemon,
 * pvgpu-ctl and the VM link. */
#ifndef DPY_SOCKET_H
#define DPY_SOCKET_H

#include <stdbool.h>

/** Listens on `path` (a stale socket file is replaced, nothing else); -1 and
 *  a message on stderr on failure. */
int dpy_socket_listen(const char *path);
/** Connects to `path`; -1 on failure (errno set). */
int dpy_socket_connect(const char *path);

#endif /* DPY_SOCKET_H */
