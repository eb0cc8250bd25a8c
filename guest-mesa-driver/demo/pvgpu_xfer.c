/*
 * pvgpu-xfer — upload and read-back bandwidth through the guest driver, per
 * transfer path, for the benchmark (bench/) and for users comparing hosts.
 *
 *   pvgpu-xfer [--winsys=vtest|inproc|drm] [--socket PATH] [--backend gl|null]
 *              [--sizes LIST] [--paths LIST] [--kind texture|buffer]
 *              [--iterations N] [--json]
 *
 * Each measurement writes (or reads) the whole resource N times and waits for
 * the host after each, so the time covers the data really arriving. The first
 * round trip of every size is checked byte for byte; a mismatch is an error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gd.h"

#define MAX_SIZES 16

struct options {
	const char *winsys, *socket, *backend, *kind;
	uint32_t sizes_mib[MAX_SIZES], nsizes;
	bool path[4]; /* indexed by enum gd_xfer_path; [0] = read-back */
	uint32_t iterations;
	bool json;
};

static const char *const path_names[4] = {"readback", "staging", "transfer3d", "inline"};

static void
usage(FILE *f)
{
	fprintf(f, "usage: pvgpu-xfer [--winsys=vtest|inproc|drm] [--socket PATH] [--backend "
		   "gl|null]\n"
		   "                  [--sizes 1,2,4,8,16,64] [--paths "
		   "staging,transfer3d,inline,readback]\n"
		   "                  [--kind texture|buffer] [--iterations N] [--json]\n"
		   "Measures MB/s (10^6 bytes/s) of uploads through each guest-driver path and of\n"
		   "read-backs, for resources of the given sizes in MiB. --json prints one object\n"
		   "per line: "
		   "{\"winsys\",\"kind\",\"path\",\"size_mib\",\"mb_per_s\",\"iterations\"}.\n");
}

static bool
parse_sizes(const char *arg, struct options *o)
{
	o->nsizes = 0;
	for (const char *p = arg; *p;) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (end == p || v == 0 || v > 256 || o->nsizes == MAX_SIZES ||
		    (*end && *end != ',')) {
			return false;
		}
		o->sizes_mib[o->nsizes++] = (uint32_t)v;
		p = *end ? end + 1 : end;
	}
	return o->nsizes > 0;
}

static bool
parse_paths(const char *arg, struct options *o)
{
	memset(o->path, 0, sizeof(o->path));
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int i = 0;
		while (i < 4 && strcmp(t, path_names[i])) {
			i++;
		}
		if (i == 4) {
			return false;
		}
		o->path[i] = true;
	}
	return true;
}

static bool
parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"winsys", required_argument, NULL, 'w'},
		{"socket", required_argument, NULL, 's'},
		{"backend", required_argument, NULL, 'b'},
		{"sizes", required_argument, NULL, 'z'},
		{"paths", required_argument, NULL, 'p'},
		{"kind", required_argument, NULL, 'k'},
		{"iterations", required_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*o = (struct options){.winsys = "vtest", .kind = "texture", .iterations = 5};
	parse_sizes("1,2,4,8,16,64", o);
	parse_paths("staging,transfer3d,inline,readback", o);
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		char *end = NULL;
		switch (c) {
		case 'w':
			o->winsys = optarg;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'b':
			o->backend = optarg;
			break;
		case 'k':
			o->kind = optarg;
			if (strcmp(optarg, "texture") && strcmp(optarg, "buffer")) {
				fprintf(stderr, "pvgpu-xfer: --kind is texture or buffer\n");
				return false;
			}
			break;
		case 'z':
			if (!parse_sizes(optarg, o)) {
				fprintf(stderr, "pvgpu-xfer: bad --sizes '%s' (MiB, 1..256)\n",
					optarg);
				return false;
			}
			break;
		case 'p':
			if (!parse_paths(optarg, o)) {
				fprintf(stderr, "pvgpu-xfer: bad --paths '%s'\n", optarg);
				return false;
			}
			break;
		case 'i':
			o->iterations = (uint32_t)strtoul(optarg, &end, 10);
			if (*end || o->iterations == 0 || o->iterations > 10000) {
				fprintf(stderr, "pvgpu-xfer: bad --iterations '%s'\n", optarg);
				return false;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return false;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pvgpu-xfer: unexpected argument '%s'\n", argv[optind]);
		return false;
	}
	return true;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A resource of `mib` MiB: RGBA8 texture 1024 wide, or a buffer. */
static int
make_resource(struct gd_screen *s, const struct options *o, uint32_t mib, struct gd_resource **res,
	      struct gd_box *box)
{
	struct gd_resource_desc d = {.format = VIRGL_FORMAT_R8G8B8A8_UNORM,
				     .bind = VIRGL_BIND_SAMPLER_VIEW | VIRGL_BIND_RENDER_TARGET};
	if (!strcmp(o->kind, "buffer")) {
		d = (struct gd_resource_desc){.target = PIPE_BUFFER,
					      .format = VIRGL_FORMAT_R8_UNORM,
					      .bind = VIRGL_BIND_VERTEX_BUFFER,
					      .width = mib << 20};
		*box = (struct gd_box){0, 0, 0, (int32_t)(mib << 20), 1, 1};
	} else {
		d.target = PIPE_TEXTURE_2D;
		d.width = 1024;
		d.height = mib * 256; /* 1024 x 256 x 4 bytes = 1 MiB */
		*box = (struct gd_box){0, 0, 0, 1024, (int32_t)d.height, 1};
	}
	return gd_resource_create(s, &d, res);
}

static void
report(const struct options *o, const struct gd_screen *s, int path, uint32_t mib, double mbs)
{
	if (o->json) {
		printf("{\"winsys\": \"%s\", \"kind\": \"%s\", \"path\": \"%s\", \"size_mib\": %u, "
		       "\"mb_per_s\": %.1f, \"iterations\": %u}\n",
		       gd_screen_winsys_name(s), o->kind, path_names[path], mib, mbs,
		       o->iterations);
	} else {
		printf("%-7s %-8s %-10s %4u MiB %10.1f MB/s\n", gd_screen_winsys_name(s), o->kind,
		       path_names[path], mib, mbs);
	}
	fflush(stdout);
}

/* Writes `src` through `path` and reads it back into `dst`: equal or -EIO. */
static int
verify(struct gd_context *ctx, struct gd_resource *res, const struct gd_box *box,
       enum gd_xfer_path path, const uint8_t *src, uint8_t *dst, size_t bytes)
{
	int r = gd_texture_write(ctx, res, 0, box, src, 0, 0, path);
	if (r == 0) {
		memset(dst, 0, bytes);
		r = gd_texture_read(ctx, res, 0, box, dst, 0, 0);
	}
	if (r == 0 && memcmp(src, dst, bytes) != 0) {
		fprintf(stderr, "pvgpu-xfer: %s read back different bytes\n", path_names[path]);
		r = -EIO;
	}
	return r;
}

static int
measure_size(struct gd_screen *s, struct gd_context *ctx, const struct options *o, uint32_t mib,
	     bool check)
{
	struct gd_resource *res;
	struct gd_box box;
	int r = make_resource(s, o, mib, &res, &box);
	if (r < 0) {
		return r;
	}
	size_t bytes = (size_t)mib << 20;
	uint8_t *src = malloc(bytes), *dst = malloc(bytes);
	if (!src || !dst) {
		r = -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < bytes; i++) {
		src[i] = (uint8_t)(i * 2654435761u >> 13);
	}
	for (int p = GD_XFER_STAGING; r == 0 && p <= GD_XFER_INLINE; p++) {
		if (!o->path[p]) {
			continue;
		}
		/* Only a host that keeps contents (not the null backend) can be checked. */
		if (check) {
			r = verify(ctx, res, &box, (enum gd_xfer_path)p, src, dst, bytes);
		}
		double t0 = now_s();
		for (uint32_t i = 0; r == 0 && i < o->iterations; i++) {
			r = gd_texture_write(ctx, res, 0, &box, src, 0, 0, (enum gd_xfer_path)p);
			if (r == 0) {
				r = gd_context_flush(ctx, true);
			}
		}
		if (r == 0) {
			report(o, s, p, mib, bytes * o->iterations / (now_s() - t0) / 1e6);
		}
	}
	if (r == 0 && o->path[0]) {
		double t0 = now_s();
		for (uint32_t i = 0; r == 0 && i < o->iterations; i++) {
			r = gd_texture_read(ctx, res, 0, &box, dst, 0, 0);
		}
		if (r == 0) {
			report(o, s, 0, mib, bytes * o->iterations / (now_s() - t0) / 1e6);
		}
	}
	free(src);
	free(dst);
	gd_resource_unref(res);
	return r;
}

int
main(int argc, char **argv)
{
	struct options o;
	if (!parse(argc, argv, &o)) {
		return 2;
	}
	struct gd_winsys *ws = NULL;
	int r;
	if (!strcmp(o.winsys, "vtest")) {
		r = gd_winsys_vtest_create(o.socket, "pvgpu-xfer", &ws);
	} else if (!strcmp(o.winsys, "inproc")) {
		struct gd_inproc_options io = {.backend = o.backend};
		r = gd_winsys_inproc_create(&io, &ws);
	} else if (!strcmp(o.winsys, "drm")) {
		r = gd_winsys_drm_create(NULL, &ws);
	} else {
		fprintf(stderr, "pvgpu-xfer: unknown winsys '%s' (vtest, inproc, drm)\n", o.winsys);
		return 2;
	}
	struct gd_screen *s = NULL;
	struct gd_context *ctx = NULL;
	if (r == 0) {
		r = gd_screen_create(ws, &s);
	}
	if (r == 0) {
		r = gd_context_create(s, &ctx);
	}
	bool check = !(o.backend && !strcmp(o.backend, "null"));
	for (uint32_t i = 0; r == 0 && i < o.nsizes; i++) {
		r = measure_size(s, ctx, &o, o.sizes_mib[i], check);
	}
	gd_context_destroy(ctx);
	gd_screen_destroy(s);
	if (r < 0) {
		fprintf(stderr, "pvgpu-xfer: %s failed: %s\n", o.winsys, strerror(-r));
		return 1;
	}
	return 0;
}
