/*
 * pvgpu-gears-kms — the 3D payload of the qemu suite: pvgpu's guest driver
 * through its DRM winsys on the virtio-gpu card renders FRAMES frames of the
 * gears at the first output's mode size into a scanout-capable colour buffer,
 * then shows that buffer through KMS (a framebuffer over its GEM handle) and
 * holds it for the host's screendump.
 *
 *   pvgpu-gears-kms [FRAMES [noscanout]]     (default 30 frames, scanned out)
 *
 * Before the scanout it reads the colour buffer back (TRANSFER_FROM_HOST) and
 * prints a signature: the average colour of each cell of a SIG_COLS x SIG_ROWS
 * grid, rows in the buffer's order, as "PVGPU-SIG gears COLSxROWS <hex RGB...>".
 * The host compares it with its own rendering, so the frame is checked even
 * against a peer that cannot show 3D scanouts (noscanout).
 *
 * The screen equals `pvgpu-gears --frames FRAMES --size WxH --png` of the same
 * size: the colour buffer is in GL's orientation (bottom row first) and hosts
 * show 3D scanouts upright, as pvgpu-gears writes its PNG.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gd.h"
#include "gears_scene.h"
#include "kms.h"
#include "vgp_virgl_format.h"

#define SIG_COLS 16
#define SIG_ROWS 12

/* Reads the w x h BGRA colour buffer back and prints its grid signature. */
static int
print_signature(struct gd_context *ctx, struct gd_resource *color, uint32_t w, uint32_t h)
{
	uint8_t *px = malloc((size_t)w * h * 4);
	if (!px) {
		return -ENOMEM;
	}
	struct gd_box box = {0, 0, 0, (int32_t)w, (int32_t)h, 1};
	int r = gd_texture_read(ctx, color, 0, &box, px, w * 4, 0);
	if (r == 0) {
		uint32_t cw = w / SIG_COLS, ch = h / SIG_ROWS;
		printf("PVGPU-SIG gears %ux%u ", SIG_COLS, SIG_ROWS);
		for (uint32_t gy = 0; gy < SIG_ROWS; gy++) {
			for (uint32_t gx = 0; gx < SIG_COLS; gx++) {
				uint64_t sum[3] = {0};
				for (uint32_t y = gy * ch; y < (gy + 1) * ch; y++) {
					const uint8_t *p = px + ((size_t)y * w + gx * cw) * 4;
					for (uint32_t x = 0; x < cw; x++, p += 4) {
						sum[0] += p[2];
						sum[1] += p[1];
						sum[2] += p[0];
					}
				}
				uint64_t n = (uint64_t)cw * ch;
				printf("%02x%02x%02x", (unsigned)(sum[0] / n),
				       (unsigned)(sum[1] / n), (unsigned)(sum[2] / n));
			}
		}
		printf("\n");
		fflush(stdout);
	}
	free(px);
	return r;
}

static int
fail(const char *what, int err)
{
	printf("PVGPU-RESULT gears FAIL reason=%s err=%d\n", what, err);
	return 1;
}

int
main(int argc, char **argv)
{
	uint32_t frames = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 30;
	if (frames == 0) {
		frames = 1;
	}
	bool scanout = !(argc > 2 && !strcmp(argv[2], "noscanout"));
	char path[32];
	int probe = kms_open_virtio_card(path, sizeof(path));
	if (probe < 0) {
		return fail("no-virtio-gpu-card", probe);
	}
	struct kms_output out;
	int n = kms_outputs(probe, &out, 1);
	close(probe); /* the winsys opens the node again and becomes DRM master */
	if (n <= 0) {
		return fail("no-output", n);
	}
	/* The winsys on the primary node, so its GEM handles serve KMS too. */
	struct gd_winsys *ws = NULL;
	struct gd_screen *screen = NULL;
	struct gd_context *ctx = NULL;
	int r = gd_winsys_drm_create(path, &ws);
	if (r < 0) {
		return fail("winsys", r);
	}
	r = gd_screen_create(ws, &screen);
	if (r == 0) {
		r = gd_context_create(screen, &ctx);
	}
	if (r < 0) {
		gd_screen_destroy(screen);
		return fail("screen", r);
	}
	uint32_t w = out.mode.hdisplay, h = out.mode.vdisplay;
	struct gears_scene sc = {0};
	const char *step = "scene";
	r = gears_scene_init_bind(screen, ctx, w, h, VIRGL_BIND_SCANOUT, &sc);
	double t0 = kms_now();
	for (uint32_t f = 0; r == 0 && f < frames; f++) {
		step = "render";
		gears_scene_draw(ctx, &sc, f);
		r = gd_context_flush(ctx, false);
	}
	if (r == 0) {
		r = gd_context_flush(ctx, true);
	}
	double dt = kms_now() - t0;
	int fd = -1, fb = 0;
	uint32_t bo = 0;
	if (r == 0) {
		step = "read-back";
		r = print_signature(ctx, sc.color, w, h);
	}
	if (r == 0 && !scanout) {
		gears_scene_finish(&sc);
		gd_context_destroy(ctx);
		gd_screen_destroy(screen);
		printf("PVGPU-RESULT gears PASS frames=%u size=%ux%u fps=%.1f scanout=no\n", frames,
		       w, h, dt > 0 ? frames / dt : 0.0);
		return 0;
	}
	if (r == 0) {
		step = "drm-handle";
		r = gd_resource_drm_handle(sc.color, &fd, &bo);
	}
	if (r == 0) {
		step = "addfb";
		fb = r = kms_add_fb(fd, bo, w, h, w * 4);
	}
	if (r > 0) {
		step = "setcrtc";
		r = kms_set_crtc(fd, &out, (uint32_t)fb);
	}
	if (r < 0) {
		gears_scene_finish(&sc);
		gd_context_destroy(ctx);
		gd_screen_destroy(screen);
		return fail(step, r);
	}
	char info[96];
	snprintf(info, sizeof(info), "frame=%u size=%ux%u", frames, w, h);
	bool held = kms_hold("gears", info, 60);
	printf("PVGPU-RESULT gears %s frames=%u size=%ux%u fps=%.1f%s\n", held ? "PASS" : "FAIL",
	       frames, w, h, dt > 0 ? frames / dt : 0.0, held ? "" : " reason=no-host-ack");
	kms_rm_fb(fd, (uint32_t)fb);
	gears_scene_finish(&sc);
	gd_context_destroy(ctx);
	gd_screen_destroy(screen);
	return held ? 0 : 1;
}
