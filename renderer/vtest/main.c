/* pvgpu-vtest — command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgp_vtest.h"
#include "vtest_server.h"

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: pvgpu-vtest [OPTION]...\n"
		"Serve Mesa's virgl driver (GALLIUM_DRIVER=virpipe) over the vtest socket.\n"
		"\n"
		"  --socket-path=PATH   listen on PATH (default %s)\n"
		"  --backend=gl|null    renderer backend (default %s)\n"
		"  --render-node=PATH   GL: DRM render node to use (default: surfaceless EGL)\n"
		"  --debug              GL: debug context, check GL errors\n"
		"  --no-fork            serve clients one at a time in this process\n"
		"  --max-clients=N      at most N clients at once (default: no limit)\n"
		"  --stats-file=PATH    append one JSON line of counters per client to PATH\n"
		"  --sandbox=on|off|log each client's process, once GL is up, drops root (if\n"
		"                       root) and installs a seccomp filter; log: only log\n"
		"                       forbidden calls (default %s; not with --no-fork)\n"
		"  --sandbox-user=USER  the user root drops to (default nobody)\n"
		"  --help               show this help\n"
		"  --version            show the version\n"
		"\n"
		"Environment: PVGPU_LOG=error|warn|info|debug, PVGPU_DEBUG=vtest,decode,gl,...,\n"
		"PVGPU_SANDBOX=on|off|log (the --sandbox default)\n",
		VTEST_DEFAULT_SOCKET_NAME, vt_have_gl_backend() ? "gl" : "null",
		vr_sandbox_available() ? "on" : "off: built without libseccomp");
}

static bool
parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > 1000000 || s[0] == '-') {
		return false;
	}
	*out = (unsigned)v;
	return true;
}

enum {
	OPT_SOCKET = 256,
	OPT_BACKEND,
	OPT_RENDER_NODE,
	OPT_DEBUG,
	OPT_NO_FORK,
	OPT_MAX_CLIENTS,
	OPT_STATS_FILE,
	OPT_SANDBOX,
	OPT_SANDBOX_USER,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{"socket-path", required_argument, NULL, OPT_SOCKET},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"render-node", required_argument, NULL, OPT_RENDER_NODE},
	{"debug", no_argument, NULL, OPT_DEBUG},
	{"no-fork", no_argument, NULL, OPT_NO_FORK},
	{"max-clients", required_argument, NULL, OPT_MAX_CLIENTS},
	{"stats-file", required_argument, NULL, OPT_STATS_FILE},
	{"sandbox", required_argument, NULL, OPT_SANDBOX},
	{"sandbox-user", required_argument, NULL, OPT_SANDBOX_USER},
	{"help", no_argument, NULL, OPT_HELP},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

struct cmdline {
	struct vt_server_options opts;
	enum vr_sandbox_mode sandbox;
	const char *sandbox_user;
};

/* Returns -1 to continue, or an exit code. */
static int
parse_option(int opt, const char *arg, struct cmdline *cl)
{
	struct vt_server_options *opts = &cl->opts;
	switch (opt) {
	case OPT_SOCKET:
		opts->socket_path = arg;
		return -1;
	case OPT_BACKEND:
		if (!strcmp(arg, "null")) {
			opts->backend = VT_BACKEND_NULL;
		} else if (!strcmp(arg, "gl") && vt_have_gl_backend()) {
			opts->backend = VT_BACKEND_GL;
		} else if (!strcmp(arg, "gl")) {
			fprintf(stderr, "pvgpu-vtest: this build has no GL backend (libepoxy/EGL "
					"were not found); use --backend=null\n");
			return 2;
		} else {
			fprintf(stderr, "pvgpu-vtest: unknown backend '%s' (gl or null)\n", arg);
			return 2;
		}
		return -1;
	case OPT_RENDER_NODE:
		opts->render_node = arg;
		return -1;
	case OPT_DEBUG:
		opts->gl_debug = true;
		return -1;
	case OPT_NO_FORK:
		opts->no_fork = true;
		return -1;
	case OPT_MAX_CLIENTS:
		if (!parse_uint(arg, &opts->max_clients)) {
			fprintf(stderr, "pvgpu-vtest: bad --max-clients value '%s'\n", arg);
			return 2;
		}
		return -1;
	case OPT_STATS_FILE:
		opts->stats_file = arg;
		return -1;
	case OPT_SANDBOX:
		if (!vr_sandbox_parse_mode(arg, &cl->sandbox)) {
			fprintf(stderr, "pvgpu-vtest: bad --sandbox value '%s' (on, off or log)\n",
				arg);
			return 2;
		}
		return -1;
	case OPT_SANDBOX_USER:
		cl->sandbox_user = arg;
		return -1;
	case OPT_HELP:
		usage(stdout);
		return 0;
	case OPT_VERSION:
		printf("pvgpu-vtest %s\n", PVGPU_VERSION);
		return 0;
	default:
		return 2;
	}
}

int
main(int argc, char **argv)
{
	struct cmdline cl = {
		.opts = {.socket_path = VTEST_DEFAULT_SOCKET_NAME,
			 .backend = vt_have_gl_backend() ? VT_BACKEND_GL : VT_BACKEND_NULL},
		.sandbox = vr_sandbox_default_mode(),
	};
	opterr = 0; /* we print our own, clearer messages */
	for (;;) {
		/* Leading ':' makes a missing value report ':' instead of '?'. */
		int opt = getopt_long(argc, argv, ":", long_opts, NULL);
		if (opt == -1) {
			break;
		}
		if (opt == ':' || opt == '?') {
			fprintf(stderr, "pvgpu-vtest: %s '%s'\nTry 'pvgpu-vtest --help'.\n",
				opt == ':' ? "missing value for option" : "unknown option",
				argv[optind - 1]);
			return 2;
		}
		int code = parse_option(opt, optarg, &cl);
		if (code >= 0) {
			return code;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"pvgpu-vtest: unexpected argument '%s'\nTry 'pvgpu-vtest --help'.\n",
			argv[optind]);
		return 2;
	}
	const char *why = "?";
	if (!vr_sandbox_init(&cl.opts.sandbox, cl.sandbox, cl.sandbox_user, "pvgpu-vtest", &why)) {
		fprintf(stderr, "pvgpu-vtest: --sandbox: %s\n", why);
		return 2;
	}
	return vt_server_run(&cl.opts);
}
