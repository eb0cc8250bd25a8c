/* pvgpu-vtest — listening socket, accept loop, fork per client (see vtest_server.h). */
#include "vtest_server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vr_null.h"
#include "vtest_conn.h"
#include "vtest_stats.h"
#ifdef PVGPU_HAVE_GL
#include "vr_gl.h"
#endif

struct server {
	const struct vt_server_options *opts;
	int listen_fd;
	int sig_fd;
	sigset_t old_mask;
	pid_t *children;
	unsigned nchildren;
	unsigned children_cap;
	unsigned next_client_id;
	bool quit;
};

const char *
vt_backend_kind_name(enum vt_backend_kind kind)
{
	return kind == VT_BACKEND_GL ? "gl" : "null";
}

bool
vt_have_gl_backend(void)
{
#ifdef PVGPU_HAVE_GL
	return true;
#else
	return false;
#endif
}

/* Runs in the process that serves the client, after fork: EGL is only ever
 * initialised there, never in the listening parent. */
static struct vr_backend *
create_backend(void *data)
{
	const struct vt_server_options *opts = data;
	if (opts->backend == VT_BACKEND_NULL) {
		return vr_null_backend_create();
	}
#ifdef PVGPU_HAVE_GL
	struct vr_gl_options gl = {.render_node = opts->render_node, .debug = opts->gl_debug};
	return vr_gl_backend_create(&gl);
#else
	return NULL;
#endif
}

/* The client's process enters the sandbox once its renderer is up (GL initialised,
 * render node open, llvmpipe threads started); the name labels the self-test hook. */
static bool
backend_ready(void *data, const char *client_name)
{
	const struct vt_server_options *opts = data;
	if (opts->no_fork) {
		return true; /* the server itself: it must stay able to start GL again */
	}
	const char *why = "?";
	if (!vr_sandbox_enter(&opts->sandbox, client_name, &why)) {
		fprintf(stderr, "pvgpu-vtest: cannot enter the sandbox: %s\n", why);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ socket */

/* Removes a socket file nobody listens on; refuses to touch anything else. */
static bool
remove_stale_socket(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		return errno == ENOENT;
	}
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "pvgpu-vtest: %s exists and is not a socket\n", path);
		return false;
	}
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe < 0) {
		return false;
	}
	bool live = connect(probe, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(probe);
	if (live) {
		fprintf(stderr, "pvgpu-vtest: another server is listening on %s\n", path);
		return false;
	}
	return unlink(path) == 0 || errno == ENOENT;
}

static int
listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "pvgpu-vtest: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (!remove_stale_socket(path, &addr)) {
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("pvgpu-vtest: socket");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "pvgpu-vtest: cannot bind %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, 16) < 0) {
		perror("pvgpu-vtest: listen");
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/* ------------------------------------------------------------ clients */

static void
serve_client(struct server *srv, int fd, unsigned client_id, int abort_fd)
{
	struct vt_conn_config cfg = {
		.backend_create = create_backend,
		.backend_data = (void *)srv->opts,
		.backend_ready = backend_ready,
		.client_id = client_id,
	};
	/* Opened now: the sandbox may forbid opening it later. */
	int stats_fd = srv->opts->stats_file ? vt_stats_open(srv->opts->stats_file) : -1;
	struct vt_conn *conn = vt_conn_create_fd(&cfg, fd, abort_fd);
	if (!conn) {
		fprintf(stderr, "pvgpu-vtest: client %u dropped: out of memory\n", client_id);
		if (stats_fd >= 0) {
			close(stats_fd);
		}
		return;
	}
	enum vt_conn_status st = vt_conn_serve(conn);
	if (srv->opts->stats_file &&
	    (stats_fd < 0 || !vt_stats_write(stats_fd, conn, client_id,
					     st == VT_CONN_ERROR ? "dropped" : "closed"))) {
		fprintf(stderr, "pvgpu-vtest: cannot write stats to %s: %s\n",
			srv->opts->stats_file, strerror(errno));
	}
	if (stats_fd >= 0) {
		close(stats_fd);
	}
	vt_conn_destroy(conn);
	if (!srv->opts->no_fork) {
		close(fd);
		fflush(NULL);
		exit(st == VT_CONN_ERROR ? 1 : 0);
	}
}

static bool
track_child(struct server *srv, pid_t pid)
{
	if (srv->nchildren == srv->children_cap) {
		unsigned cap = srv->children_cap ? srv->children_cap * 2 : 16;
		pid_t *p = realloc(srv->children, cap * sizeof(*p));
		if (!p) {
			return false;
		}
		srv->children = p;
		srv->children_cap = cap;
	}
	srv->children[srv->nchildren++] = pid;
	return true;
}

static void
forget_child(struct server *srv, pid_t pid)
{
	for (unsigned i = 0; i < srv->nchildren; i++) {
		if (srv->children[i] == pid) {
			srv->children[i] = srv->children[--srv->nchildren];
			return;
		}
	}
}

static void
reap_children(struct server *srv)
{
	pid_t pid;
	int status;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		forget_child(srv, pid);
		if (WIFSIGNALED(status)) {
			fprintf(stderr, "pvgpu-vtest: client process %d killed by signal %d\n",
				(int)pid, WTERMSIG(status));
		}
	}
}

static void
accept_client(struct server *srv)
{
	int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
			perror("pvgpu-vtest: accept");
		}
		return;
	}
	unsigned id = ++srv->next_client_id;
	if (srv->opts->no_fork) {
		serve_client(srv, fd, id, srv->sig_fd);
		close(fd);
		return;
	}
	fflush(NULL); /* or the child would repeat our buffered output */
	pid_t pid = fork();
	if (pid < 0) {
		perror("pvgpu-vtest: fork");
		close(fd);
		return;
	}
	if (pid == 0) {
		close(srv->listen_fd);
		close(srv->sig_fd);
		sigprocmask(SIG_SETMASK, &srv->old_mask, NULL);
		serve_client(srv, fd, id, -1);
		/* not reached: serve_client exits in the child */
	}
	close(fd);
	if (!track_child(srv, pid)) {
		fprintf(stderr, "pvgpu-vtest: out of memory tracking client %u\n", id);
	}
}

/* ------------------------------------------------------------ main loop */

static void
handle_signals(struct server *srv)
{
	struct signalfd_siginfo si;
	while (read(srv->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap_children(srv);
		} else {
			srv->quit = true;
		}
	}
}

static void
stop_children(struct server *srv)
{
	for (unsigned i = 0; i < srv->nchildren; i++) {
		kill(srv->children[i], SIGTERM);
	}
	while (srv->nchildren) {
		pid_t pid = waitpid(-1, NULL, 0);
		if (pid < 0) {
			break;
		}
		forget_child(srv, pid);
	}
}

static bool
setup_signals(struct server *srv)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &srv->old_mask) < 0) {
		return false;
	}
	srv->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	/* Writes to a vanished client must fail with EPIPE, not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	return srv->sig_fd >= 0;
}

int
vt_server_run(const struct vt_server_options *opts)
{
	struct server srv = {.opts = opts, .listen_fd = -1, .sig_fd = -1};
	if (!setup_signals(&srv)) {
		perror("pvgpu-vtest: signals");
		return 1;
	}
	if (opts->stats_file && !vt_stats_check_path(opts->stats_file)) {
		fprintf(stderr, "pvgpu-vtest: cannot open stats file %s: %s\n", opts->stats_file,
			strerror(errno));
		close(srv.sig_fd);
		sigprocmask(SIG_SETMASK, &srv.old_mask, NULL);
		return 2;
	}
	srv.listen_fd = listen_on(opts->socket_path);
	if (srv.listen_fd < 0) {
		close(srv.sig_fd);
		return 1;
	}
	printf("pvgpu-vtest: listening on %s (backend %s)\n", opts->socket_path,
	       vt_backend_kind_name(opts->backend));
	fflush(stdout);

	while (!srv.quit) {
		bool full = opts->max_clients && srv.nchildren >= opts->max_clients;
		struct pollfd pfd[2] = {
			{.fd = srv.sig_fd, .events = POLLIN},
			/* At the limit, leave new clients queued in the backlog. */
			{.fd = full ? -1 : srv.listen_fd, .events = POLLIN},
		};
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			perror("pvgpu-vtest: poll");
			break;
		}
		if (pfd[0].revents) {
			handle_signals(&srv);
		}
		if (!srv.quit && pfd[1].revents) {
			accept_client(&srv);
		}
	}

	close(srv.listen_fd);
	unlink(opts->socket_path);
	stop_children(&srv);
	free(srv.children);
	close(srv.sig_fd);
	sigprocmask(SIG_SETMASK, &srv.old_mask, NULL);
	return 0;
}
