/* pvgpu-gears — the gears scene on a guest-driver context (see gears_scene.h). */
#include "gears_scene.h"

#include <errno.h>
#include <stdio.h>

#include "vgp_gallium.h"
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

int
gears_scene_init(struct gd_screen *s, struct gd_context *ctx, uint32_t width, uint32_t height,
		 struct gears_scene *sc)
{
	return gears_scene_init_bind(s, ctx, width, height, 0, sc);
}

int
gears_scene_init_bind(struct gd_screen *s, struct gd_context *ctx, uint32_t width, uint32_t height,
		      uint32_t color_bind, struct gears_scene *sc)
{
	sc->width = width;
	sc->height = height;
	uint32_t zfmt = pick_depth_format(s);
	if (!zfmt) {
		fprintf(stderr, "pvgpu-gears: the host offers no depth format\n");
		return -ENOTSUP;
	}
	struct gd_resource_desc cd = {
		.target = PIPE_TEXTURE_2D,
		.format = VIRGL_FORMAT_B8G8R8A8_UNORM,
		.bind = VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW | color_bind,
		.width = width,
		.height = height,
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
		.scale = {width / 2.0f, height / 2.0f, 0.5f},
		.translate = {width / 2.0f, height / 2.0f, 0.5f},
	};
	gd_set_viewports(ctx, 0, 1, &vp);
	return gd_context_error(ctx);
}

void
gears_scene_finish(struct gears_scene *sc)
{
	for (int i = 0; i < 3; i++) {
		gd_resource_unref(sc->vbuf[i]);
	}
	gd_resource_unref(sc->color);
	gd_resource_unref(sc->depth);
	gears_free(sc->gears);
}

void
gears_scene_draw(struct gd_context *ctx, struct gears_scene *sc, uint32_t frame)
{
	float aspect = (float)sc->height / (float)sc->width;
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
