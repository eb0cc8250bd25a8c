/* pvgpu qemu-glue — listen, accept, and run one session at a time on epoll. */
#include "vug_server.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

/* Serves `fd` until the front end leaves. */
static void
serve(int fd, const struct vug_session_options *opts)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		close(fd);
		return;
	}
	const char *why = NULL;
	struct vug_session *s = vug_session_create(fd, epfd, opts, &why);
	if (!s) {
		vr_err(VR_CAT_VHOST, "cannot start a session: %s", why ? why : "?");
		close(epfd);
		return;
	}
	bool live = true;
	int timeout = -1;
	while (live) {
		struct epoll_event evs[16];
		int n = epoll_wait(epfd, evs, 16, timeout);
		if (n < 0 && errno != EINTR) {
			break;
		}
		for (int i = 0; i < n && live; i++) {
			live = vug_session_dispatch(s, evs[i].data.ptr, evs[i].events);
		}
		timeout = vug_session_idle(s);
	}
	vug_session_destroy(s);
	close(epfd);
}

static int
listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "pvgpu-vhost-user: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	struct stat st;
	/* Replace a stale socket file, never anything else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "pvgpu-vhost-user: %s exists and is not a socket\n", path);
			return -1;
		}
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 4) < 0) {
		fprintf(stderr, "pvgpu-vhost-user: cannot listen on %s: %s\n", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
vug_server_run(const struct vug_server_options *opts)
{
	if (opts->fd >= 0) {
		if (opts->ready && !opts->ready(opts->ready_data)) {
			return 1;
		}
		serve(opts->fd, &opts->session);
		return 0;
	}
	int lfd = listen_on(opts->socket_path);
	if (lfd < 0) {
		return 1;
	}
	if (opts->ready && !opts->ready(opts->ready_data)) {
		close(lfd);
		unlink(opts->socket_path);
		return 1;
	}
	vr_info(VR_CAT_VHOST, "listening on %s", opts->socket_path);
	for (unsigned served = 0; !opts->max_connections || served < opts->max_connections;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED) {
				continue;
			}
			break;
		}
		served++;
		serve(fd, &opts->session);
	}
	close(lfd);
	unlink(opts->socket_path);
	return 0;
}
