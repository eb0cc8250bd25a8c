/* pvgpu display — control commands (see dpy_ctl.h). */
#include "dpy_ctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpy_headless.h"
#include "dpy_router.h"

/* A bounded output buffer that appends. */
struct out {
	char *p;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3))) static void
put(struct out *o, const char *fmt, ...)
{
	if (o->len >= o->cap) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0) {
		o->len += (size_t)n;
		if (o->len >= o->cap) {
			o->len = o->cap - 1;
		}
	}
}

static int
fail(struct out *o, bool json, int status, const char *why)
{
	if (json) {
		put(o, "{\"ok\": false, \"error\": \"%s\"}\n", why);
	} else {
		put(o, "error: %s\n", why);
	}
	return status;
}

static int
ok(struct out *o, bool json, const char *what)
{
	if (json) {
		put(o, "{\"ok\": true, \"result\": \"%s\"}\n", what);
	} else {
		put(o, "%s\n", what);
	}
	return 0;
}

static void
cmd_outputs(struct dpy_router *r, bool json, struct out *o)
{
	size_t n = dpy_router_output_count(r);
	put(o, json ? "{\"ok\": true, \"outputs\": [" : "");
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		struct dpy_route rt;
		if (!dpy_router_route(r, i, &rt)) {
			continue;
		}
		const struct dpy_output *out = rt.output;
		char src[96];
		if (rt.vm) {
			snprintf(src, sizeof(src), "%s:%u", rt.vm, rt.scanout);
		}
		if (json) {
			put(o, "%s{\"name\": \"%s\", \"width\": %u, \"height\": %u, ",
			    first ? "" : ", ", out->name, out->preferred.width,
			    out->preferred.height);
			if (rt.vm) {
				put(o, "\"vm\": \"%s\", \"scanout\": %u, \"signal\": %s}", rt.vm,
				    rt.scanout, rt.has_frame ? "true" : "false");
			} else {
				put(o, "\"vm\": null, \"scanout\": null, \"signal\": false}");
			}
		} else {
			put(o, "%-12s %5ux%-5u %s%s\n", out->name, out->preferred.width,
			    out->preferred.height, rt.vm ? src : "no signal",
			    rt.vm && !rt.has_frame ? " (no frame yet)" : "");
		}
		first = false;
	}
	put(o, json ? "]}\n" : "");
}

static void
cmd_vms(struct dpy_router *r, bool json, struct out *o)
{
	size_t n = dpy_router_vm_count(r);
	put(o, json ? "{\"ok\": true, \"vms\": [" : "");
	for (size_t i = 0; i < n; i++) {
		struct dpy_vm_info vi;
		dpy_router_vm_info(r, i, &vi);
		if (json) {
			put(o, "%s{\"name\": \"%s\", \"scanouts\": [", i ? ", " : "", vi.name);
		} else {
			put(o, "%s: %u scanout(s)\n", vi.name, vi.num_scanouts);
		}
		for (uint32_t s = 0; s < vi.num_scanouts; s++) {
			struct dpy_route rt = {0};
			bool shown = vi.scanouts[s].output >= 0 &&
				     dpy_router_route(r, (size_t)vi.scanouts[s].output, &rt);
			const char *on = shown ? rt.output->name : NULL;
			if (json) {
				put(o,
				    "%s{\"index\": %u, \"width\": %u, \"height\": %u, \"mode\": "
				    "[%u, %u], \"output\": ",
				    s ? ", " : "", s, vi.scanouts[s].width, vi.scanouts[s].height,
				    vi.scanouts[s].mode.width, vi.scanouts[s].mode.height);
				put(o, on ? "\"%s\"}" : "null}", on);
			} else {
				put(o, "  scanout %u: frame %ux%u, mode %ux%u, on %s\n", s,
				    vi.scanouts[s].width, vi.scanouts[s].height,
				    vi.scanouts[s].mode.width, vi.scanouts[s].mode.height,
				    on ? on : "(none)");
			}
		}
		put(o, json ? "]}" : "");
	}
	put(o, json ? "]}\n" : "");
}

static int
cmd_capture(struct dpy_router *r, const char *name, int fd, bool json, struct out *o)
{
	struct dpy_output *out = dpy_router_find_output(r, name);
	if (!out) {
		return fail(o, json, 1, "no such output");
	}
	if (!dpy_headless_is(out)) {
		return fail(o, json, 1, "capture works on headless outputs only");
	}
	if (fd < 0) {
		return fail(o, json, 2, "capture needs a file descriptor");
	}
	int dup_fd = dup(fd);
	FILE *f = dup_fd >= 0 ? fdopen(dup_fd, "wb") : NULL;
	if (!f) {
		if (dup_fd >= 0) {
			close(dup_fd);
		}
		return fail(o, json, 1, "cannot open the file");
	}
	const char *why = "?";
	bool good = dpy_headless_capture(out, f, &why);
	good &= fclose(f) == 0;
	return good ? ok(o, json, "captured") : fail(o, json, 1, why);
}

static int
cmd_mode(struct dpy_router *r, const char *name, const char *size, bool json, struct out *o)
{
	struct dpy_output *out = dpy_router_find_output(r, name);
	unsigned w, h;
	char extra;
	if (!out) {
		return fail(o, json, 1, "no such output");
	}
	if (sscanf(size, "%ux%u%c", &w, &h, &extra) != 2) {
		return fail(o, json, 2, "mode takes WxH");
	}
	struct dpy_mode m = {.width = w, .height = h};
	if (!dpy_headless_set_mode(out, &m)) {
		return fail(o, json, 1, "not a headless output, or size out of range");
	}
	return ok(o, json, "mode changed");
}

/* Splits "VM:SCANOUT"; false when malformed. */
static bool
parse_source(char *arg, const char **vm, uint32_t *scanout)
{
	char *colon = strrchr(arg, ':');
	char *end;
	if (!colon || colon == arg || !colon[1]) {
		return false;
	}
	*colon = 0;
	unsigned long s = strtoul(colon + 1, &end, 10);
	if (*end || s >= DPY_MAX_SCANOUTS) {
		return false;
	}
	*vm = arg;
	*scanout = (uint32_t)s;
	return true;
}

int
dpy_ctl_run(struct dpy_router *r, const char *cmd, bool json, int fd, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0};
	buf[0] = 0;
	char line[512];
	if (strlen(cmd) >= sizeof(line)) {
		return fail(&o, json, 2, "command too long");
	}
	snprintf(line, sizeof(line), "%s", cmd);
	char *argv[4] = {0};
	int argc = 0;
	for (char *save, *t = strtok_r(line, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save)) {
		if (argc == 4) {
			return fail(&o, json, 2, "too many arguments");
		}
		argv[argc++] = t;
	}
	const char *why = "?";
	if (argc == 1 && (!strcmp(argv[0], "outputs") || !strcmp(argv[0], "show"))) {
		cmd_outputs(r, json, &o);
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "vms")) {
		cmd_vms(r, json, &o);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[0], "assign")) {
		const char *vm = NULL;
		uint32_t s = 0;
		if (strcmp(argv[1], "none") && !parse_source(argv[1], &vm, &s)) {
			return fail(&o, json, 2, "assign takes VM:SCANOUT (or none) and an output");
		}
		if (!dpy_router_assign(r, argv[2], vm, s, &why)) {
			return fail(&o, json, 1, why);
		}
		return ok(&o, json, "assigned");
	}
	if (argc == 2 && !strcmp(argv[0], "next")) {
		why = NULL;
		if (!dpy_router_next(r, argv[1], &why)) {
			return fail(&o, json, 1, why);
		}
		return ok(&o, json, why ? why : "switched");
	}
	if (argc == 2 && !strcmp(argv[0], "capture")) {
		return cmd_capture(r, argv[1], fd, json, &o);
	}
	if (argc == 3 && !strcmp(argv[0], "mode")) {
		return cmd_mode(r, argv[1], argv[2], json, &o);
	}
	return fail(&o, json, 2,
		    "unknown command (outputs, vms, show, assign, next, capture, mode)");
}
