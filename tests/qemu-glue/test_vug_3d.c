/*
 * pvgpu tests — a 3D scene from the guest driver's encoder through the
 * virtio-gpu device model (a winsys that sends VIRTIO_GPU_CMD_* requests) on
 * the GL backend, compared with the same scene rendered in-process; the
 * colour buffer is then scanned out and captured. Also: a transfer through a
 * backing scattered over guest RAM. Skips (77) without EGL/GL.
 */
#include <stdlib.h>
#include <string.h>

#include "gd.h"
#include "gd_vgpu_winsys.h"
#include "vgp_test.h"
#include "vr_gl.h"

#define W 96
#define H 64
#define SKIP 77

static const char VS[] = "VERT\n"
			 "DCL IN[0]\n"
			 "DCL IN[1]\n"
			 "DCL OUT[0], POSITION\n"
			 "DCL OUT[1], GENERIC[0]\n"
			 "IMM[0] FLT32 {0x3f800000, 0x00000000, 0x00000000, 0x00000000}\n"
			 "  0: MOV OUT[0].xyz, IN[0].xyzx\n"
			 "  1: MOV OUT[0].w, IMM[0].xxxx\n"
			 "  2: MOV OUT[1], IN[1]\n"
			 "  3: END\n";

static const char FS[] = "FRAG\n"
			 "PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\n"
			 "DCL IN[0], GENERIC[0], PERSPECTIVE\n"
			 "DCL OUT[0], COLOR\n"
			 "  0: MOV OUT[0], IN[0]\n"
			 "  1: END\n";

/* Two overlapping triangles with per-vertex colours (position xyz, colour rgb). */
static const float verts[6][6] = {
	{-0.9f, -0.9f, 0, 1, 0, 0}, {0.8f, -0.7f, 0, 0, 1, 0},  {-0.2f, 0.9f, 0, 0, 0, 1},
	{-0.3f, -0.5f, 0, 1, 1, 0}, {0.95f, 0.95f, 0, 0, 1, 1}, {0.1f, 0.9f, 0, 1, 1, 1},
};

/* Renders the scene and reads it back (BGRA rows of W*4). *color keeps the target. */
static int
render(struct gd_winsys *ws, uint8_t *px, struct gd_screen **screen_out,
       struct gd_context **ctx_out, struct gd_resource **color_out)
{
	struct gd_screen *s = NULL;
	struct gd_context *ctx = NULL;
	struct gd_resource *color = NULL, *vbuf = NULL;
	int r = gd_screen_create(ws, &s);
	if (!r) {
		r = gd_context_create(s, &ctx);
	}
	struct gd_resource_desc cd = {.target = PIPE_TEXTURE_2D,
				      .format = VIRGL_FORMAT_B8G8R8A8_UNORM,
				      .bind = VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW,
				      .width = W,
				      .height = H};
	struct gd_resource_desc vd = {.target = PIPE_BUFFER,
				      .format = VIRGL_FORMAT_R8_UNORM,
				      .bind = VIRGL_BIND_VERTEX_BUFFER,
				      .width = sizeof(verts)};
	if (!r) {
		r = gd_resource_create(s, &cd, &color);
	}
	if (!r) {
		r = gd_resource_create(s, &vd, &vbuf);
	}
	if (!r) {
		r = gd_buffer_write(ctx, vbuf, 0, sizeof(verts), verts, GD_XFER_STAGING);
	}
	if (!r) {
		struct gd_view_desc cv = {.format = cd.format};
		uint32_t cbuf = gd_create_surface(ctx, color, &cv);
		struct gd_blend_state blend = {.rt[0].colormask = 0xf};
		struct gd_dsa_state dsa = {0};
		struct gd_rasterizer_state rs = {.depth_clip = true,
						 .front_ccw = true,
						 .half_pixel_center = true,
						 .bottom_edge_rule = true,
						 .point_size = 1,
						 .line_width = 1};
		struct gd_vertex_element ve[2] = {{0, 0, 0, VIRGL_FORMAT_R32G32B32_FLOAT},
						  {12, 0, 0, VIRGL_FORMAT_R32G32B32_FLOAT}};
		gd_bind_object(ctx, VIRGL_OBJECT_BLEND, gd_create_blend(ctx, &blend));
		gd_bind_object(ctx, VIRGL_OBJECT_DSA, gd_create_dsa(ctx, &dsa));
		gd_bind_object(ctx, VIRGL_OBJECT_RASTERIZER, gd_create_rasterizer(ctx, &rs));
		gd_bind_object(ctx, VIRGL_OBJECT_VERTEX_ELEMENTS,
			       gd_create_vertex_elements(ctx, 2, ve));
		gd_bind_shader(ctx, VIRGL_SHADER_VERTEX,
			       gd_create_shader(ctx, VIRGL_SHADER_VERTEX, VS));
		gd_bind_shader(ctx, VIRGL_SHADER_FRAGMENT,
			       gd_create_shader(ctx, VIRGL_SHADER_FRAGMENT, FS));
		gd_set_framebuffer(ctx, 1, &cbuf, 0);
		struct gd_viewport vp = {.scale = {W / 2.0f, H / 2.0f, 0.5f},
					 .translate = {W / 2.0f, H / 2.0f, 0.5f}};
		gd_set_viewports(ctx, 0, 1, &vp);
		static const float clear[4] = {0.25f, 0.5f, 0.75f, 1};
		gd_clear(ctx, PIPE_CLEAR_COLOR0, clear, 1.0, 0);
		struct gd_vertex_buffer vb = {sizeof(verts[0]), 0, vbuf};
		gd_set_vertex_buffers(ctx, 1, &vb);
		struct gd_draw_info d = {.mode = PIPE_PRIM_TRIANGLES, .count = 6};
		gd_draw(ctx, &d);
		r = gd_context_error(ctx);
	}
	if (!r) {
		r = gd_context_flush(ctx, true);
	}
	if (!r) {
		struct gd_box box = {0, 0, 0, W, H, 1};
		r = gd_texture_read(ctx, color, 0, &box, px, W * 4, 0);
	}
	gd_resource_unref(vbuf);
	*screen_out = s;
	*ctx_out = ctx;
	*color_out = color;
	return r;
}

static void
teardown(struct gd_screen *s, struct gd_context *ctx, struct gd_resource *color)
{
	gd_resource_unref(color);
	gd_context_destroy(ctx);
	gd_screen_destroy(s);
}

/* A 16x16 texture whose guest backing is two pieces with a gap: to the host and back. */
static void
test_scattered_backing(struct tguest *g)
{
	struct virtio_gpu_resource_create_3d c = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_3D),
						  .resource_id = 7,
						  .target = PIPE_TEXTURE_2D,
						  .format = VIRGL_FORMAT_R8G8B8A8_UNORM,
						  .bind = VIRGL_BIND_SAMPLER_VIEW,
						  .width = 16,
						  .height = 16,
						  .depth = 1,
						  .array_size = 1};
	CHECK_EQ_U(tg_cmd(g, &c, sizeof(c)), VIRTIO_GPU_RESP_OK_NODATA);
	uint64_t a = tg_alloc(g, 512);
	tg_alloc(g, 4096);
	uint64_t b = tg_alloc(g, 512);
	struct virtio_gpu_mem_entry e[2] = {{a, 512, 0}, {b, 512, 0}};
	CHECK_EQ_U(tg_attach(g, 7, e, 2), VIRTIO_GPU_RESP_OK_NODATA);
	for (uint32_t i = 0; i < 512; i++) {
		*(uint8_t *)tg_ptr(g, a + i) = (uint8_t)i;
		*(uint8_t *)tg_ptr(g, b + i) = (uint8_t)(i * 3 + 1);
	}
	struct virtio_gpu_transfer_host_3d t = {.hdr = tg_hdr(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D),
						.box = {0, 0, 0, 16, 16, 1},
						.resource_id = 7,
						.stride = 64};
	CHECK_EQ_U(tg_cmd(g, &t, sizeof(t)), VIRTIO_GPU_RESP_OK_NODATA);
	memset(tg_ptr(g, a), 0, 512);
	memset(tg_ptr(g, b), 0, 512);
	t.hdr.type = VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D;
	CHECK_EQ_U(tg_cmd(g, &t, sizeof(t)), VIRTIO_GPU_RESP_OK_NODATA);
	unsigned bad = 0;
	for (uint32_t i = 0; i < 512; i++) {
		bad += *(uint8_t *)tg_ptr(g, a + i) != (uint8_t)i;
		bad += *(uint8_t *)tg_ptr(g, b + i) != (uint8_t)(i * 3 + 1);
	}
	CHECK(bad == 0, "scattered round trip: %u bytes differ", bad);
}

int
main(void)
{
	struct vr_backend *be_inproc = vr_gl_backend_create(NULL);
	if (!be_inproc) {
		fprintf(stderr, "no EGL/GL: skipped\n");
		return SKIP;
	}
	be_inproc->impl->destroy(be_inproc);

	/* In-process reference. */
	static uint8_t ref[W * H * 4], got[W * H * 4];
	struct gd_inproc_options io = {.backend = "gl"};
	struct gd_winsys *ws = NULL;
	struct gd_screen *s;
	struct gd_context *ctx;
	struct gd_resource *color;
	CHECK_EQ_U(gd_winsys_inproc_create(&io, &ws), 0);
	CHECK_EQ_U(render(ws, ref, &s, &ctx, &color), 0);
	teardown(s, ctx, color);

	/* Through the device model. */
	struct vr_backend *be = vr_gl_backend_create(NULL);
	struct tguest g;
	struct vug_gpu_config cfg = {.num_scanouts = 2,
				     .virgl = true,
				     .context_init = true,
				     .backend = be,
				     .width = W,
				     .height = H};
	CHECK(be && tg_init(&g, 64u << 20, &cfg), "device");
	CHECK_EQ_U(gd_vgpu_winsys_create(&g, 1, &ws), 0);
	CHECK_EQ_U(render(ws, got, &s, &ctx, &color), 0);
	unsigned diff = 0;
	for (size_t i = 0; i < sizeof(ref); i++) {
		diff += ref[i] != got[i];
	}
	CHECK(diff == 0, "device frame differs from in-process in %u bytes", diff);
	/* Not a blank frame: the clear colour in a corner, a vertex colour elsewhere. */
	CHECK(ref[0] == 191 && ref[1] == 128 && ref[2] == 64, "corner %u %u %u", ref[0], ref[1],
	      ref[2]);
	size_t centre = ((size_t)(H / 2) * W + W / 2) * 4;
	CHECK(memcmp(ref + centre, ref, 4) != 0, "the triangles cover the centre");

	/* Scan the colour buffer out on scanout 1 and capture it. */
	uint32_t id = gd_resource_handle(color);
	CHECK_EQ_U(tg_set_scanout(&g, 1, id, 0, 0, W, H), VIRTIO_GPU_RESP_OK_NODATA);
	CHECK_EQ_U(tg_flush(&g, id, 0, 0, W, H), VIRTIO_GPU_RESP_OK_NODATA);
	uint8_t *cap = NULL;
	uint32_t cw = 0, ch = 0;
	CHECK(vug_sink_headless_capture(g.sink, 1, &cap, &cw, &ch) && cw == W && ch == H,
	      "capture");
	/* The resource has no Y_0_TOP flag: the display shows its rows bottom-up
	 * (as pvgpu-gears writes its PNG), in RGBA where the texture is BGRA. */
	unsigned cdiff = 0;
	for (size_t y = 0; cap && y < H; y++) {
		for (size_t x = 0; x < W; x++) {
			const uint8_t *b = got + 4 * ((H - 1 - y) * W + x),
				      *c = cap + 4 * (y * W + x);
			cdiff += b[0] != c[2] || b[1] != c[1] || b[2] != c[0] || b[3] != c[3];
		}
	}
	CHECK(cdiff == 0, "scanout differs in %u pixels", cdiff);
	/* A flush of the top 8 displayed rows reads the texture's last 8 rows. */
	CHECK_EQ_U(tg_flush(&g, id, 0, 0, W, 8), VIRTIO_GPU_RESP_OK_NODATA);
	struct vug_rect dmg;
	CHECK_EQ_U(vug_sink_headless_flushes(g.sink, 1, &dmg), 2);
	free(cap);
	cap = NULL;
	CHECK(vug_sink_headless_capture(g.sink, 1, &cap, &cw, &ch), "capture after flush");
	CHECK(cap && cap[0] == got[4 * (H - 1) * W + 2], "top-left pixel is the last texture row");
	free(cap);
	struct vug_gpu_stats st;
	vug_gpu_get_stats(g.gpu, &st);
	CHECK(st.errors == 0 && st.fences_completed > 0, "errors %llu, fences %llu",
	      (unsigned long long)st.errors, (unsigned long long)st.fences_completed);
	/* Transfers on contiguous guest pages copy nothing in the device: only the two
	 * scanout read-backs (set + flush) are counted. */
	CHECK_EQ_U(st.bytes_copied, 2ull * W * H * 4 + W * 8 * 4);

	test_scattered_backing(&g);
	teardown(s, ctx, color);
	tg_finish(&g);
	be->impl->destroy(be);
	return vgp_test_result("vug-3d");
}
