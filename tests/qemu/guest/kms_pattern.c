/*
 * pvgpu-qemu-pattern — the 2D payload of the qemu suite: on every connected
 * virtio-gpu output, dumb buffers with a deterministic pattern, a modeset and
 * page flips; the last frame stays on screen for the host's screendump.
 *
 *   pvgpu-qemu-pattern [FLIPS [OUTPUTS]]   (default 30 flips, all outputs)
 *
 * Pixel (x, y) of frame f on output o is PALETTE[(((x >> 4) ^ (y >> 4)) + f + 3 * o) & 7]
 * (tests/qemu/qemu_checks.py computes the same image).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kms.h"

static const uint32_t PALETTE[8] = {0x000000, 0xff0000, 0x00ff00, 0x0000ff,
				    0xffff00, 0x00ffff, 0xff00ff, 0xffffff};

static void
draw(const struct kms_dumb *d, uint32_t frame, uint32_t output)
{
	uint32_t *row = malloc((size_t)d->width * 4);
	if (!row) {
		return;
	}
	for (uint32_t y = 0; y < d->height; y++) {
		if ((y & 15) == 0) {
			for (uint32_t x = 0; x < d->width; x++) {
				row[x] = PALETTE[(((x >> 4) ^ (y >> 4)) + frame + 3 * output) & 7];
			}
		}
		memcpy((uint8_t *)d->map + (size_t)y * d->pitch, row, (size_t)d->width * 4);
	}
	free(row);
}

int
main(int argc, char **argv)
{
	uint32_t flips = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 30;
	int want = argc > 2 ? atoi(argv[2]) : 0;
	char path[32];
	int fd = kms_open_virtio_card(path, sizeof(path));
	if (fd < 0) {
		printf("PVGPU-RESULT pattern FAIL reason=no-virtio-gpu-card\n");
		return 1;
	}
	struct kms_output out[KMS_MAX_OUTPUTS];
	int n = kms_outputs(fd, out, KMS_MAX_OUTPUTS);
	if (n <= 0 || (want && n < want)) {
		printf("PVGPU-RESULT pattern FAIL reason=outputs found=%d want=%d\n", n, want);
		return 1;
	}
	if (want) {
		n = want;
	}
	struct kms_dumb buf[KMS_MAX_OUTPUTS][2];
	char info[256] = "";
	size_t len = 0;
	for (int o = 0; o < n; o++) {
		uint32_t w = out[o].mode.hdisplay, h = out[o].mode.vdisplay;
		for (int b = 0; b < 2; b++) {
			int r = kms_dumb_create(fd, w, h, &buf[o][b]);
			if (r < 0) {
				printf("PVGPU-RESULT pattern FAIL reason=dumb-create err=%d\n", r);
				return 1;
			}
		}
		draw(&buf[o][0], 0, (uint32_t)o);
		int r = kms_set_crtc(fd, &out[o], buf[o][0].fb_id);
		if (r < 0) {
			printf("PVGPU-RESULT pattern FAIL reason=setcrtc output=%d err=%d\n", o, r);
			return 1;
		}
		len += (size_t)snprintf(info + len, sizeof(info) - len, " size%d=%ux%u", o, w, h);
	}
	double t0 = kms_now();
	for (uint32_t f = 1; f <= flips; f++) {
		for (int o = 0; o < n; o++) {
			const struct kms_dumb *d = &buf[o][f & 1];
			draw(d, f, (uint32_t)o);
			int r = kms_flip_wait(fd, &out[o], d->fb_id, 5000);
			if (r < 0) {
				printf("PVGPU-RESULT pattern FAIL reason=flip frame=%u output=%d "
				       "err=%d\n",
				       f, o, r);
				return 1;
			}
		}
	}
	double dt = kms_now() - t0;
	char hold[300];
	snprintf(hold, sizeof(hold), "outputs=%d frame=%u%s", n, flips, info);
	bool held = kms_hold("pattern", hold, 60);
	printf("PVGPU-RESULT pattern %s outputs=%d flips=%u flip_fps=%.1f%s\n",
	       held ? "PASS" : "FAIL", n, flips, dt > 0 ? flips / dt : 0.0,
	       held ? "" : " reason=no-host-ack");
	for (int o = 0; o < n; o++) {
		kms_dumb_destroy(fd, &buf[o][0]);
		kms_dumb_destroy(fd, &buf[o][1]);
	}
	close(fd);
	return held ? 0 : 1;
}
