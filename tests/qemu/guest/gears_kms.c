/*
 * pvgpu-gears-kms — the 3D payload of the qemu suite: pvgpu's guest driver
 * through its DRM winsys on the virtio-gpu card renders FRAMES frames of the
 * gears at the first output's mode size into a scanout-capable colour buffer,
 * then shows that buffer through KMS (a framebuffer over its GEM handle) and
 * holds it for the host's screendump.
 *
 *   pvgpu-gears-kms [FRAMES]     (default 30)
 *
 * The screen equals `pvgpu-gears --frames FRAMES --size WxH --png` of the same
 * size: the colour buffer is in GL's orientation (bottom row first) and hosts
 * show 3D scanouts upright, as pvgpu-gears writes its PNG.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gd.h"
#include "gears_scene.h"
#include "kms.h"
#include "vgp_virgl_format.h"

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
	r = gears_scene_init(screen, ctx, w, h, VIRGL_BIND_SCANOUT, &sc);
	double t0 = kms_now();
	for (uint32_t f = 0; r == 0 && f < frames; f++) {
		step = "render";
		gears_scene_draw(ctx, &sc, f, (float)h / (float)w);
		r = gd_context_flush(ctx, false);
	}
	if (r == 0) {
		r = gd_context_flush(ctx, true);
	}
	double dt = kms_now() - t0;
	int fd = -1, fb = 0;
	uint32_t bo = 0;
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
