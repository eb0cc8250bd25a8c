/*
 * pvgpu-ctl — talks to pvgpu-display's control socket:
 *   pvgpu-ctl --control=PATH [--json] outputs | vms | show |
 *             assign VM:SCANOUT OUTPUT | next OUTPUT | capture OUTPUT FILE.png |
 *             mode OUTPUT WxH
 */
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpy_proto.h"
#include "dpy_socket.h"

#define PROG "pvgpu-ctl"

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " --control=PATH [--json] COMMAND\n"
		"Commands:\n"
		"  outputs                    outputs, their modes and what they show\n"
		"  vms                        connected VMs and where their scanouts are\n"
		"  show                       which VM scanout each output shows\n"
		"  assign VM:SCANOUT OUTPUT   show a VM scanout on an output (none: no signal)\n"
		"  next OUTPUT                show the next VM on an output\n"
		"  capture OUTPUT FILE.png    write what a headless output shows\n"
		"  mode OUTPUT WxH            change a headless output's mode (a resize)\n");
}

/* Waits for one reply; NULL-terminated text in m->payload after the status. */
static int
await_reply(int fd, struct dpy_msg *m)
{
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 10000) <= 0) {
			fprintf(stderr, PROG ": no answer\n");
			return -1;
		}
		int r = dpy_proto_recv(fd, m);
		if (r == -2) {
			continue;
		}
		if (r <= 0 || dpy_proto_check_daemon(m, 0) || m->hdr.type != DPY_MSG_CTL_REPLY) {
			dpy_proto_msg_finish(m);
			fprintf(stderr, PROG ": bad or no reply\n");
			return -1;
		}
		return 0;
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"control", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *control = NULL;
	bool json = false;
	int opt;
	while ((opt = getopt_long(argc, argv, "+c:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			control = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!control || optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* The command line, and for capture the file (opened here, so the path
	 * is ours and the daemon only writes to what we hand it). */
	char cmd[DPY_PROTO_MAX_TEXT];
	size_t len = 0;
	int file_fd = -1;
	int nargs = argc - optind;
	bool capture = !strcmp(argv[optind], "capture");
	if (capture && nargs != 3) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc - (capture ? 1 : 0); i++) {
		int n = snprintf(cmd + len, sizeof(cmd) - len, "%s%s", len ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(cmd) - len) {
			fprintf(stderr, PROG ": command too long\n");
			return 2;
		}
		len += (size_t)n;
	}
	if (capture) {
		file_fd = open(argv[argc - 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (file_fd < 0) {
			perror(argv[argc - 1]);
			return 1;
		}
	}
	int fd = dpy_socket_connect(control);
	if (fd < 0) {
		perror(control);
		return 1;
	}
	struct dpy_msg_hello h = {
		.magic = DPY_PROTO_MAGIC, .version = DPY_PROTO_VERSION, .kind = DPY_CLIENT_CTL};
	struct dpy_msg_ctl_request req = {.flags = json ? DPY_CTL_JSON : 0};
	struct dpy_msg *m = malloc(sizeof(*m));
	if (!m || !dpy_proto_send(fd, DPY_MSG_HELLO, &h, sizeof(h), NULL, 0, -1) ||
	    !dpy_proto_send(fd, DPY_MSG_CTL_REQUEST, &req, sizeof(req), cmd, len, file_fd) ||
	    await_reply(fd, m) < 0) {
		fprintf(stderr, PROG ": talking to %s failed\n", control);
		return 1;
	}
	struct dpy_msg_ctl_reply rep;
	memcpy(&rep, m->payload, sizeof(rep));
	fwrite(m->payload + sizeof(rep), 1, m->hdr.size - sizeof(rep),
	       rep.status ? stderr : stdout);
	if (file_fd >= 0) {
		close(file_fd);
	}
	close(fd);
	free(m);
	return rep.status == 0 ? 0 : rep.status == 2 ? 2 : 1;
}
