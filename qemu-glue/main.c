/*
 * pvgpu-vhost-user — the vhost-user-gpu back end QEMU connects to:
 *   qemu ... -chardev socket,id=gpu,path=SOCK -device vhost-user-gpu-pci,chardev=gpu
 * One process per VM; each connection gets a fresh virtio-gpu device.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "log.h"
#include "vr_null.h"
#include "vr_sandbox.h"
#include "vug_dpy.h"
#include "vug_server.h"
#ifdef PVGPU_HAVE_GL
#include "vr_gl.h"
#endif

#define PROG "pvgpu-vhost-user"

/* The vhost-user back-end capability reply (QEMU docs/interop/vhost-user.json,
 * "gpu" type): what libvirt probes with --print-capabilities. */
static const char capabilities[] = "{\n"
				   "  \"type\": \"gpu\",\n"
				   "  \"features\": [\n"
				   "    \"render-node\",\n"
				   "    \"virgl\"\n"
				   "  ]\n"
				   "}\n";

struct options {
	struct vug_server_options server;
	enum { BACKEND_GL, BACKEND_NULL } backend;
	const char *render_node;
	const char *stats_file;
	struct vug_dpy_options display;
	int sandbox_mode; /* an enum vr_sandbox_mode, or -1: not given */
	const char *sandbox_user;
	struct vr_sandbox sandbox;
};

static bool
have_gl(void)
{
#ifdef PVGPU_HAVE_GL
	return true;
#else
	return false;
#endif
}

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " (--socket-path=PATH | --fd=N) [OPTION]...\n"
		"Serve a VM's virtio-gpu over vhost-user (QEMU -device vhost-user-gpu-pci).\n"
		"\n"
		"  -s, --socket-path=PATH  listen on PATH; serve one connection after another\n"
		"  -f, --fd=N              serve the already-connected socket N (as libvirt "
		"passes)\n"
		"  -v, --virgl             offer 3D (virgl) to the guest (default)\n"
		"      --no-virgl          2D only\n"
		"      --backend=gl|null   3D renderer backend (default %s)\n"
		"  -r, --render-node=PATH  GL: DRM render node (default: surfaceless EGL)\n"
		"      --max-outputs=N     scanouts, 1..16 (default 1)\n"
		"      --resolution=WxH    preferred mode of every scanout (default 1024x768)\n"
		"      --display=SPEC      show scanouts through the display module instead of\n"
		"                          QEMU's window: connect:PATH (a pvgpu-display,\n"
		"                          connected at start and kept), or headless[:N] / sdl\n"
		"                          in this process\n"
		"      --display-name=NAME this VM's name on the display (default: from the\n"
		"                          socket path, else vm-PID)\n"
		"      --display-control=PATH  in-process display: serve pvgpu-ctl on PATH\n"
		"      --stats-file=PATH   append one JSON line of counters per session to PATH\n"
		"                          (opened at start)\n"
		"      --sandbox=on|off|log  once set up, drop root (if root) and install a\n"
		"                          seccomp filter; log: only log forbidden calls\n"
		"                          (default %s; off with --display=sdl)\n"
		"      --sandbox-user=USER the user root drops to (default nobody)\n"
		"  -c, --print-capabilities  print the vhost-user capability JSON and exit\n"
		"  -h, --help              show this help\n"
		"\n"
		"Environment: PVGPU_LOG=error|warn|info|debug, PVGPU_DEBUG=vhost,...,\n"
		"PVGPU_SANDBOX=on|off|log (the --sandbox default)\n",
		have_gl() ? "gl" : "null",
		vr_sandbox_available() ? "on" : "off: built without libseccomp");
}

static bool
parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || s[0] == '-' || v > max) {
		return false;
	}
	*out = (unsigned)v;
	return true;
}

enum {
	OPT_NO_VIRGL = 256,
	OPT_BACKEND,
	OPT_MAX_OUTPUTS,
	OPT_RESOLUTION,
	OPT_DISPLAY,
	OPT_DISPLAY_NAME,
	OPT_DISPLAY_CONTROL,
	OPT_STATS_FILE,
	OPT_SANDBOX,
	OPT_SANDBOX_USER,
};

static const struct option long_opts[] = {
	{"socket-path", required_argument, NULL, 's'},
	{"fd", required_argument, NULL, 'f'},
	{"virgl", no_argument, NULL, 'v'},
	{"no-virgl", no_argument, NULL, OPT_NO_VIRGL},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"render-node", required_argument, NULL, 'r'},
	{"max-outputs", required_argument, NULL, OPT_MAX_OUTPUTS},
	{"resolution", required_argument, NULL, OPT_RESOLUTION},
	{"display", required_argument, NULL, OPT_DISPLAY},
	{"display-name", required_argument, NULL, OPT_DISPLAY_NAME},
	{"display-control", required_argument, NULL, OPT_DISPLAY_CONTROL},
	{"stats-file", required_argument, NULL, OPT_STATS_FILE},
	{"sandbox", required_argument, NULL, OPT_SANDBOX},
	{"sandbox-user", required_argument, NULL, OPT_SANDBOX_USER},
	{"print-capabilities", no_argument, NULL, 'c'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Returns -1 to go on, or an exit status. */
static int
parse_option(int opt, const char *arg, struct options *o)
{
	struct vug_session_options *so = &o->server.session;
	unsigned v;
	switch (opt) {
	case 's':
		o->server.socket_path = arg;
		return -1;
	case 'f':
		if (!parse_uint(arg, 1u << 30, &v)) {
			fprintf(stderr, PROG ": bad --fd value '%s'\n", arg);
			return 2;
		}
		o->server.fd = (int)v;
		return -1;
	case 'v':
		so->virgl = true;
		return -1;
	case OPT_NO_VIRGL:
		so->virgl = false;
		return -1;
	case OPT_BACKEND:
		if (!strcmp(arg, "null")) {
			o->backend = BACKEND_NULL;
		} else if (!strcmp(arg, "gl") && have_gl()) {
			o->backend = BACKEND_GL;
		} else {
			fprintf(stderr, PROG ": backend '%s' is not available (gl%s, null)\n", arg,
				have_gl() ? "" : " not built");
			return 2;
		}
		return -1;
	case 'r':
		o->render_node = arg;
		return -1;
	case OPT_MAX_OUTPUTS:
		if (!parse_uint(arg, 16, &v) || v == 0) {
			fprintf(stderr, PROG ": --max-outputs takes 1..16, not '%s'\n", arg);
			return 2;
		}
		so->num_scanouts = v;
		return -1;
	case OPT_RESOLUTION: {
		unsigned w, h;
		char extra;
		if (sscanf(arg, "%ux%u%c", &w, &h, &extra) != 2 || w == 0 || h == 0 || w > 16384 ||
		    h > 16384) {
			fprintf(stderr, PROG ": bad --resolution '%s' (WxH, up to 16384)\n", arg);
			return 2;
		}
		so->width = w;
		so->height = h;
		return -1;
	}
	case OPT_DISPLAY:
		o->display.spec = arg;
		return -1;
	case OPT_DISPLAY_NAME:
		o->display.name = arg;
		return -1;
	case OPT_DISPLAY_CONTROL:
		o->display.control_path = arg;
		return -1;
	case OPT_STATS_FILE:
		o->stats_file = arg;
		return -1;
	case OPT_SANDBOX: {
		enum vr_sandbox_mode m;
		if (!vr_sandbox_parse_mode(arg, &m)) {
			fprintf(stderr, PROG ": bad --sandbox value '%s' (on, off or log)\n", arg);
			return 2;
		}
		o->sandbox_mode = (int)m;
		return -1;
	}
	case OPT_SANDBOX_USER:
		o->sandbox_user = arg;
		return -1;
	case 'c':
		fputs(capabilities, stdout);
		return 0;
	case 'h':
		usage(stdout);
		return 0;
	default:
		return 2;
	}
}

/* The VM's display name: the socket file's name without extension, else
 * vm-PID; only the characters the display protocol allows. */
static void
default_display_name(const struct options *o, char *out, size_t n)
{
	const char *path = o->server.socket_path;
	if (!path) {
		snprintf(out, n, "vm-%d", (int)getpid());
		return;
	}
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = 0;
	for (; base[len] && base[len] != '.' && len + 1 < n; len++) {
		char c = base[len];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_';
		out[len] = ok ? c : '_';
	}
	out[len] = 0;
	if (!len) {
		snprintf(out, n, "vm-%d", (int)getpid());
	}
}

static struct vr_backend *
create_backend(const struct options *o)
{
	if (o->backend == BACKEND_NULL) {
		return vr_null_backend_create();
	}
#ifdef PVGPU_HAVE_GL
	struct vr_gl_options gl = {.render_node = o->render_node};
	return vr_gl_backend_create(&gl);
#else
	return NULL;
#endif
}

/* Once the renderer, display and socket are up. */
static bool
enter_sandbox(void *data)
{
	struct options *o = data;
	const char *why = "?";
	if (!vr_sandbox_enter(&o->sandbox, "vhost-user", &why)) {
		fprintf(stderr, PROG ": cannot enter the sandbox: %s\n", why);
		return false;
	}
	return true;
}

/* Sets up o->sandbox; SDL in this process loads and opens too much at run time
 * (X11 extensions, input devices) for the filter, so it defaults to off there. */
static bool
init_sandbox(struct options *o)
{
	enum vr_sandbox_mode mode = vr_sandbox_default_mode();
	if (o->sandbox_mode >= 0) {
		mode = (enum vr_sandbox_mode)o->sandbox_mode;
	} else if (o->display.spec && !strncmp(o->display.spec, "sdl", 3)) {
		mode = VR_SANDBOX_OFF;
	}
	const char *why = "?";
	if (!vr_sandbox_init(&o->sandbox, mode, o->sandbox_user, PROG, &why)) {
		fprintf(stderr, PROG ": --sandbox: %s\n", why);
		return false;
	}
	o->server.ready = enter_sandbox;
	o->server.ready_data = o;
	return true;
}

int
main(int argc, char **argv)
{
	struct options o = {
		.server = {.fd = -1,
			   .session = {.num_scanouts = 1,
				       .virgl = true,
				       .edid = true,
				       .blob = true,
				       .context_init = true,
				       .stats_fd = -1}},
		.backend = have_gl() ? BACKEND_GL : BACKEND_NULL,
		.sandbox_mode = -1,
	};
	opterr = 0;
	for (;;) {
		int opt = getopt_long(argc, argv, ":s:f:vr:ch", long_opts, NULL);
		if (opt == -1) {
			break;
		}
		if (opt == ':' || opt == '?') {
			fprintf(stderr, PROG ": %s '%s'\nTry '" PROG " --help'.\n",
				opt == ':' ? "missing value for option" : "unknown option",
				argv[optind - 1]);
			return 2;
		}
		int code = parse_option(opt, optarg, &o);
		if (code >= 0) {
			return code;
		}
	}
	if (optind < argc || (!o.server.socket_path) == (o.server.fd < 0)) {
		fprintf(stderr, PROG ": give exactly one of --socket-path and --fd\nTry '" PROG
				     " --help'.\n");
		return 2;
	}
	if (!init_sandbox(&o)) {
		return 2;
	}
	/* Opened once, before the sandbox: sessions only append to it. */
	if (o.stats_file) {
		o.server.session.stats_fd =
			open(o.stats_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (o.server.session.stats_fd < 0) {
			fprintf(stderr, PROG ": cannot open --stats-file %s: %s\n", o.stats_file,
				strerror(errno));
			return 2;
		}
	}
	struct vr_backend *be = NULL;
	if (o.server.session.virgl) {
		be = create_backend(&o);
		if (!be) {
			fprintf(stderr, PROG ": cannot create the %s renderer; use --no-virgl\n",
				o.backend == BACKEND_GL ? "gl" : "null");
			return 1;
		}
	}
	o.server.session.backend = be;
	struct vug_dpy *dpy = NULL;
	char name[64];
	if (o.display.spec) {
		if (!o.display.name) {
			default_display_name(&o, name, sizeof(name));
			o.display.name = name;
		}
		o.display.width = o.server.session.width;
		o.display.height = o.server.session.height;
		const char *why = "?";
		dpy = vug_dpy_create(&o.display, &why);
		if (!dpy) {
			fprintf(stderr, PROG ": --display=%s: %s\n", o.display.spec, why);
			if (be) {
				be->impl->destroy(be);
			}
			return 1;
		}
		o.server.session.ext_display = vug_dpy_ext(dpy);
	}
	int status = vug_server_run(&o.server);
	if (o.server.session.stats_fd >= 0) {
		close(o.server.session.stats_fd);
	}
	vug_dpy_destroy(dpy);
	if (be) {
		be->impl->destroy(be);
	}
	return status;
}
