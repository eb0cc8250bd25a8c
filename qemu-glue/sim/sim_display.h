/*
 * pvgpu-sim — QEMU's side of the vhost-user-gpu display channel: answers the
 * back end's GET_PROTOCOL_FEATURES / GET_DISPLAY_INFO / GET_EDID like QEMU 10
 * (EDID and DMABUF2 offered, every scanout enabled at one mode), keeps a
 * framebuffer per scanout from SCANOUT + UPDATE, and records the cursor.
 * Dma-bufs are accepted and dropped (nothing here can show them).
 *
 * Threads: owned by one simulated VM.
 */
#ifndef SIM_DISPLAY_H
#define SIM_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define SIM_MAX_SCANOUTS 16

struct sim_fb {
	uint32_t width, height; /* 0: disabled */
	uint8_t *pixels;        /* BGRX rows of width*4 bytes */
	uint64_t updates;
};

struct sim_cursor {
	bool defined, visible;
	uint32_t hot_x, hot_y, x, y;
	uint32_t image[64 * 64];
	uint64_t updates, moves;
};

struct sim_display {
	int fd;                           /* our end of the GPU_SET_SOCKET pair, -1 when none */
	uint32_t scanouts, width, height; /* what GET_DISPLAY_INFO reports */
	uint64_t features;                /* what the back end set */
	struct sim_fb fbs[SIM_MAX_SCANOUTS];
	struct sim_cursor cursors[SIM_MAX_SCANOUTS];
};

void sim_display_init(struct sim_display *d, uint32_t scanouts, uint32_t width, uint32_t height);
/** Frees the framebuffers and closes the channel. */
void sim_display_finish(struct sim_display *d);
/** Reads and answers one message; false when the channel died (it is closed). */
bool sim_display_handle(struct sim_display *d);

/** The EDID our display side gives the back end (one 128-byte block). */
void sim_display_edid(uint8_t e[128]);

#endif /* SIM_DISPLAY_H */
