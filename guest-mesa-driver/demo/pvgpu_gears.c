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
#include "gears_model.h"
#include "vgp_gallium.h"
#include "vgp_png.h"
#include "vgp_virgl_format.h"

static const char VS[] = "VERT\n"
			 "DCL IN[0]\n"
			 "DCL IN[1]\n"
			 "DCL OUT[0], POSITION\n"
			 "DCL OUT[1], GENERIC[0]\n"
			 "DCL CONST[0..9]\n"
			 "DCL TEMP[0..1]\n"
			 "IMM[0] FLT32 {0x00000000, 0x3f800000, 0x00000000, 0x00000000}\n"
			 "  0: MOV TEMP[0].xyz, IN[0].xyzx\n"
			 "  1: MOV TEMP[0].w, IMM[0].yyyy\n"
			 "  2: DP4 OUT[0].x, CONST[0], TEMP[0]\n"
			 "  3: DP4 OUT[0].y, CONST[1], TEMP[0]\n"
			 "  4: DP4 OUT[0].z, CONST[2], TEMP[0]\n"
			 "  5: DP4 OUT[0].w, CONST[3], TEMP[0]\n"
			 "  6: DP3 TEMP[1].x, CONST[4].xyzz, IN[1].xyzz\n"
			 "  7: DP3 TEMP[1].y, CONST[5].xyzz, IN[1].xyzz\n"
			 "  8: DP3 TEMP[1].z, CONST[6].xyzz, IN[1].xyzz\n"
			 "  9: DP3 TEMP[1].x, TEMP[1].xyzz, CONST[7].xyzz\n"
			 " 10: MAX TEMP[1].x, TEMP[1].xxxx, IMM[0].xxxx\n"
			 " 11: MAD OUT[1], CONST[8], TEMP[1].xxxx, CONST[9]\n"
			 " 12: END\n";

static const char FS[] = "FRAG\n"
			 "PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\n"
			 "DCL IN[0], GENERIC[0], PERSPECTIVE\n"
			 "DCL OUT[0], COLOR\n"
			 "  0: MOV OUT[0], IN[0]\n"
			 "  1: END\n";

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

struct scene {
	struct gd_resource *color, *depth, *vbuf[3];
	uint32_t cbuf, zbuf, vs, fs, blend, dsa, rs, ve;
	struct gears_mesh gears[3];
};

static uint32_t
pick_depth_format(struct gd_screen *s)
{
	static const uint32_t candidates[] = {VIRGL_FORMAT_Z24_UNORM_S8_UINT,
					      VIRGL_FORMAT_Z24X8_UNORM, VIRGL_FORMAT_Z16_UNORM};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		if (gd_screen_format_supported(s, candidates[i], VIRGL_BIND_DEPTH_STENCIL)) {
			return candidates[i];
		}
	}
	return 0;
}

static int
scene_init(struct gd_screen *s, struct gd_context *ctx, const struct options *o, struct scene *sc)
{
	uint32_t zfmt = pick_depth_format(s);
	if (!zfmt) {
		fprintf(stderr, "pvgpu-gears: the host offers no depth format\n");
		return -ENOTSUP;
	}
	struct gd_resource_desc cd = {
		.target = PIPE_TEXTURE_2D,
		.format = VIRGL_FORMAT_B8G8R8A8_UNORM,
		.bind = VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW,
		.width = o->width,
		.height = o->height,
	};
	struct gd_resource_desc zd = cd;
	zd.format = zfmt;
	zd.bind = VIRGL_BIND_DEPTH_STENCIL;
	int r = gd_resource_create(s, &cd, &sc->color);
	if (r == 0) {
		r = gd_resource_create(s, &zd, &sc->depth);
	}
	if (r < 0) {
		return r;
	}
	if (!gears_build(sc->gears)) {
		return -ENOMEM;
	}
	for (int i = 0; i < 3; i++) {
		uint32_t bytes = sc->gears[i].count * GEARS_VERTEX_FLOATS * sizeof(float);
		struct gd_resource_desc vd = {.target = PIPE_BUFFER,
					      .format = VIRGL_FORMAT_R8_UNORM,
					      .bind = VIRGL_BIND_VERTEX_BUFFER,
					      .width = bytes};
		r = gd_resource_create(s, &vd, &sc->vbuf[i]);
		if (r == 0) {
			r = gd_buffer_write(ctx, sc->vbuf[i], 0, bytes, sc->gears[i].v,
					    GD_XFER_AUTO);
		}
		if (r < 0) {
			return r;
		}
	}
	struct gd_view_desc cv = {.format = cd.format}, zv = {.format = zfmt};
	sc->cbuf = gd_create_surface(ctx, sc->color, &cv);
	sc->zbuf = gd_create_surface(ctx, sc->depth, &zv);
	sc->vs = gd_create_shader(ctx, VIRGL_SHADER_VERTEX, VS);
	sc->fs = gd_create_shader(ctx, VIRGL_SHADER_FRAGMENT, FS);
	struct gd_blend_state blend = {.rt[0].colormask = 0xf};
	struct gd_dsa_state dsa = {
		.depth_enabled = true, .depth_writemask = true, .depth_func = PIPE_FUNC_LESS};
	struct gd_rasterizer_state rs = {
		.depth_clip = true,
		.front_ccw = true,
		.half_pixel_center = true,
		.bottom_edge_rule = true,
		.point_size = 1,
		.line_width = 1,
	};
	struct gd_vertex_element ve[2] = {
		{0, 0, 0, VIRGL_FORMAT_R32G32B32_FLOAT},
		{12, 0, 0, VIRGL_FORMAT_R32G32B32_FLOAT},
	};
	sc->blend = gd_create_blend(ctx, &blend);
	sc->dsa = gd_create_dsa(ctx, &dsa);
	sc->rs = gd_create_rasterizer(ctx, &rs);
	sc->ve = gd_create_vertex_elements(ctx, 2, ve);
	gd_bind_object(ctx, VIRGL_OBJECT_BLEND, sc->blend);
	gd_bind_object(ctx, VIRGL_OBJECT_DSA, sc->dsa);
	gd_bind_object(ctx, VIRGL_OBJECT_RASTERIZER, sc->rs);
	gd_bind_object(ctx, VIRGL_OBJECT_VERTEX_ELEMENTS, sc->ve);
	gd_bind_shader(ctx, VIRGL_SHADER_VERTEX, sc->vs);
	gd_bind_shader(ctx, VIRGL_SHADER_FRAGMENT, sc->fs);
	gd_set_framebuffer(ctx, 1, &sc->cbuf, sc->zbuf);
	struct gd_viewport vp = {
		.scale = {o->width / 2.0f, o->height / 2.0f, 0.5f},
		.translate = {o->width / 2.0f, o->height / 2.0f, 0.5f},
	};
	gd_set_viewports(ctx, 0, 1, &vp);
	return gd_context_error(ctx);
}

static void
scene_finish(struct scene *sc)
{
	for (int i = 0; i < 3; i++) {
		gd_resource_unref(sc->vbuf[i]);
	}
	gd_resource_unref(sc->color);
	gd_resource_unref(sc->depth);
	gears_free(sc->gears);
}

static void
draw_frame(struct gd_context *ctx, struct scene *sc, uint32_t frame, float aspect)
{
	static const float clear_color[4] = {0, 0, 0, 1};
	gd_clear(ctx, PIPE_CLEAR_COLOR0 | PIPE_CLEAR_DEPTH | PIPE_CLEAR_STENCIL, clear_color, 1.0,
		 0);
	for (int i = 0; i < 3; i++) {
		float k[GEARS_CONSTANT_FLOATS];
		gears_constants(&sc->gears[i], frame, aspect, k);
		gd_set_constants(ctx, VIRGL_SHADER_VERTEX, k, GEARS_CONSTANT_FLOATS);
		struct gd_vertex_buffer vb = {GEARS_VERTEX_FLOATS * sizeof(float), 0, sc->vbuf[i]};
		gd_set_vertex_buffers(ctx, 1, &vb);
		struct gd_draw_info d = {.mode = PIPE_PRIM_TRIANGLES, .count = sc->gears[i].count};
		gd_draw(ctx, &d);
	}
}

/* Reads the colour buffer and writes it upright as RGBA PNG. */
static int
save_png(struct gd_context *ctx, struct scene *sc, const struct options *o)
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
	struct scene sc = {0};
	r = scene_init(s, ctx, o, &sc);
	float aspect = (float)o->height / (float)o->width;
	double t0 = now_s();
	for (uint32_t f = 0; r == 0 && f < o->frames; f++) {
		draw_frame(ctx, &sc, f, aspect);
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
	scene_finish(&sc);
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
