/*
 * pvgpu qemu tests — a small KMS helper for the guest payloads, on the DRM UAPI
 * directly (no libdrm): outputs of a card, dumb buffers, framebuffers, modeset
 * and page flips, and the serial-console handshake with the host runner.
 *
 * Console protocol (lines on stdout = the serial console):
 *   PVGPU-HOLD <tag> ...       an image is on screen; the runner takes its
 *                              screendump, then writes one line to our stdin
 *   PVGPU-RESULT <name> PASS|FAIL key=value ...
 */
#ifndef QEMU_KMS_H
#define QEMU_KMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm.h>
#include <drm_mode.h>

#define KMS_MAX_OUTPUTS 4

struct kms_output {
	uint32_t connector_id, crtc_id;
	struct drm_mode_modeinfo mode;
};

struct kms_dumb {
	uint32_t handle, pitch, fb_id, width, height;
	uint64_t size;
	uint32_t *map;
};

/** Opens the first /dev/dri/cardN whose driver is virtio_gpu: fd or -errno. */
int kms_open_virtio_card(char *path, size_t path_size);
/** Connected outputs with their preferred mode and a distinct CRTC each: count or -errno. */
int kms_outputs(int fd, struct kms_output *out, int max);
/** A width x height XRGB8888 dumb buffer, mapped, with a framebuffer. */
int kms_dumb_create(int fd, uint32_t width, uint32_t height, struct kms_dumb *d);
void kms_dumb_destroy(int fd, struct kms_dumb *d);
/** An XRGB8888 framebuffer over GEM handle `handle` (pitch in bytes): fb id or -errno. */
int kms_add_fb(int fd, uint32_t handle, uint32_t width, uint32_t height, uint32_t pitch);
void kms_rm_fb(int fd, uint32_t fb_id);
/** Shows fb_id on the output with its mode. */
int kms_set_crtc(int fd, const struct kms_output *o, uint32_t fb_id);
/** Queues a page flip to fb_id and waits for its completion event (timeout_ms). */
int kms_flip_wait(int fd, const struct kms_output *o, uint32_t fb_id, int timeout_ms);
/**
 * Prints "PVGPU-HOLD <tag> <info>" and waits up to timeout_s for a line on stdin
 * (the host runner's "screendump taken"). False on timeout.
 */
bool kms_hold(const char *tag, const char *info, int timeout_s);
double kms_now(void);

#endif /* QEMU_KMS_H */
