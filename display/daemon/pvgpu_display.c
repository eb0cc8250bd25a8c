/*
 * pvgpu-display — the display daemon: owns the outputs (SDL windows, KMS
 * connectors or headless outputs) and shows VM scanouts on them:
 *   pvgpu-display --backend=headless[:N] --control=PATH [--outputs=N] [--mode=WxH]
 * VM back ends (pvgpu-vhost-user --display=connect:PATH) and pvgpu-ctl connect
 * to PATH (display/PROTOCOL.md).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dpy_backend_open.h"
#include "dpy_format.h"
#include "dpy_router.h"
#include "dpy_server.h"
#include "dpy_socket.h"

#define PROG "pvgpu-display"

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " --backend=NAME[:N] --control=PATH [OPTION]...\n"
		"Show VM scanouts on this machine's outputs.\n"
		"\n"
		"  -b, --backend=NAME[:N]  %s; N outputs (headless, SDL windows)\n"
		"  -c, --control=PATH      socket for VM back ends and pvgpu-ctl\n"
		"  -n, --outputs=N         outputs to create (same as :N; default 1)\n"
		"  -m, --mode=WxH          preferred mode of created outputs (default 1024x768)\n"
		"  -h, --help\n",
		dpy_backend_names());
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"backend", required_argument, NULL, 'b'},
		{"control", required_argument, NULL, 'c'},
		{"outputs", required_argument, NULL, 'n'},
		{"mode", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *backend = NULL, *control = NULL;
	unsigned outputs = 0;
	struct dpy_mode mode = {1024, 768, 60000};
	int opt;
	while ((opt = getopt_long(argc, argv, "b:c:n:m:h", opts, NULL)) != -1) {
		char extra;
		switch (opt) {
		case 'b':
			backend = optarg;
			break;
		case 'c':
			control = optarg;
			break;
		case 'n':
			if (sscanf(optarg, "%u%c", &outputs, &extra) != 1 || !outputs) {
				fprintf(stderr, PROG ": bad --outputs '%s'\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (sscanf(optarg, "%ux%u%c", &mode.width, &mode.height, &extra) != 2 ||
			    !mode.width || !mode.height || mode.width > DPY_MAX_DIM ||
			    mode.height > DPY_MAX_DIM) {
				fprintf(stderr, PROG ": bad --mode '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!backend || !control || optind < argc) {
		usage(stderr);
		return 2;
	}
	char why[256] = "?";
	struct dpy_backend *be = dpy_backend_open(backend, outputs, &mode, why, sizeof(why));
	if (!be) {
		fprintf(stderr, PROG ": backend '%s': %s\n", backend, why);
		return 1;
	}
	struct dpy_router *router = dpy_router_create();
	struct dpy_server *srv = router ? dpy_server_create(router) : NULL;
	int lfd = srv ? dpy_socket_listen(control) : -1;
	if (lfd < 0 || !dpy_router_add_backend(router, be) || !dpy_server_add_backend(srv, be) ||
	    !dpy_server_listen(srv, lfd)) {
		fprintf(stderr, PROG ": setup failed\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	printf(PROG ": %zu output(s), listening on %s\n", dpy_router_output_count(router), control);
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = {{dpy_server_fd(srv), POLLIN, 0}, {sfd, POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			break;
		}
		if (p[1].revents) {
			break;
		}
		dpy_server_dispatch(srv);
	}
	dpy_server_destroy(srv);
	dpy_router_destroy(router);
	be->impl->destroy(be);
	unlink(control);
	close(sfd);
	return 0;
}
