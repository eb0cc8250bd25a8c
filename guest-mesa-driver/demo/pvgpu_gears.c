/*
 * pvgpu-gears — the classic gears drawn with our guest driver (libpvgpu-guest)
 * and our own TGSI shaders, through any winsys. Frame N is the same image on
 * every host: the rotation depends on the frame number, not on time.
 *
 *   pvgpu-gears [--winsys=vtest|inproc|drm] [--socket PATH] [--frames N]
 *               [--png OUT.png] [--size WxH] [--backend gl|null]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gd.h"
#include "gears_scene.h"
#include "vgp_gallium.h"
#include "vgp_png.h"
#include "vgp_virgl_format.h"

struct options {
	const char *winsys, *socket, *png, *backend;
	uint32_t frames, width, height;
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: pvgpu-gears [--winsys=vtest|inproc|drm] [--socket PATH] [--frames N]\n"
		   "                   [--png OUT.png] [--size WxH] [--backend gl|null]\n"
		   "Draws the three gears with pvgpu's guest driver; frame N is identical on\n"
		   "every host. --socket (vtest) defaults to $PVGPU_VTEST_SOCKET or\n"
		   "/tmp/.virgl_test; --backend picks the in-process renderer's backend.\n"
		   "Prints frames and FPS; --png writes the last frame.\n");
}

static bool
parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"winsys", required_argument, NULL, 'w'}, {"socket", required_argument, NULL, 's'},
		{"frames", required_argument, NULL, 'f'}, {"png", required_argument, NULL, 'p'},
		{"size", required_argument, NULL, 'z'},   {"backend", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	*o = (struct options){.winsys = "vtest", .frames = 10, .width = 300, .height = 300};
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
		case 'p':
			o->png = optarg;
			break;
		case 'b':
			o->backend = optarg;
			break;
		case 'f':
			o->frames = (uint32_t)strtoul(optarg, &end, 10);
			if (*end || o->frames == 0) {
				fprintf(stderr, "pvgpu-gears: bad --frames '%s'\n", optarg);
				return false;
			}
			break;
		case 'z':
			if (sscanf(optarg, "%ux%u", &o->width, &o->height) != 2 || !o->width ||
			    !o->height || o->width > 8192 || o->height > 8192) {
				fprintf(stderr, "pvgpu-gears: bad --size '%s' (WxH, up to 8192)\n",
					optarg);
				return false;
			}
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
		fprintf(stderr, "pvgpu-gears: unexpected argument '%s'\n", argv[optind]);
		return false;
	}
	return true;
}

static int
open_winsys(const struct options *o, struct gd_winsys **ws)
{
	if (!strcmp(o->winsys, "vtest")) {
		return gd_winsys_vtest_create(o->socket, "pvgpu-gears", ws);
	}
	if (!strcmp(o->winsys, "inproc")) {
		struct gd_inproc_options io = {.backend = o->backend};
		return gd_winsys_inproc_create(&io, ws);
	}
	if (!strcmp(o->winsys, "drm")) {
		return gd_winsys_drm_create(NULL, ws);
	}
	fprintf(stderr, "pvgpu-gears: unknown winsys '%s' (vtest, inproc, drm)\n", o->winsys);
	return -EINVAL;
}

/* Reads the colour buffer and writes it upright as RGBA PNG. */
static int
save_png(struct gd_context *ctx, struct gears_scene *sc, const struct options *o)
{
	size_t stride = (size_t)o->width * 4;
	uint8_t *px = malloc(stride * o->height);
	if (!px) {
		return -ENOMEM;
	}
	struct gd_box box = {0, 0, 0, (int32_t)o->width, (int32_t)o->height, 1};
	int r = gd_texture_read(ctx, sc->color, 0, &box, px, (uint32_t)stride, 0);
	if (r == 0) {
		r = vgp_png_write_bgra(o->png, px, o->width, o->height, stride, true) ? 0 : -EIO;
	}
	free(px);
	return r;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run(struct gd_screen *s, const struct options *o)
{
	struct gd_context *ctx;
	int r = gd_context_create(s, &ctx);
	if (r < 0) {
		return r;
	}
	struct gears_scene sc = {0};
	r = gears_scene_init(s, ctx, o->width, o->height, &sc);
	double t0 = now_s();
	for (uint32_t f = 0; r == 0 && f < o->frames; f++) {
		gears_scene_draw(ctx, &sc, f);
		r = gd_context_flush(ctx, false);
	}
	if (r == 0) {
		r = gd_context_flush(ctx, true);
	}
	double dt = now_s() - t0;
	if (r == 0) {
		printf("pvgpu-gears: %u frames in %.3f s = %.1f FPS (%s, %ux%u)\n", o->frames, dt,
		       o->frames / (dt > 0 ? dt : 1e-9), gd_screen_winsys_name(s), o->width,
		       o->height);
	}
	if (r == 0 && o->png) {
		r = save_png(ctx, &sc, o);
	}
	gears_scene_finish(&sc);
	gd_context_destroy(ctx);
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
	int r = open_winsys(&o, &ws);
	struct gd_screen *s = NULL;
	if (r == 0) {
		r = gd_screen_create(ws, &s);
	}
	if (r == 0) {
		r = run(s, &o);
	}
	gd_screen_destroy(s);
	if (r < 0) {
		fprintf(stderr, "pvgpu-gears: %s failed: %s\n", o.winsys, strerror(-r));
		return 1;
	}
	return 0;
}
