/*
 * pvgpu — reordering 4-byte pixels into B, G, R, X bytes (XRGB8888 in memory,
 * what displays and QEMU's display channel take), shared by the display
 * module (DRM fourccs) and the vhost-user display channel (virtio-gpu
 * formats): each maps its format names to byte positions, this moves bytes.
 * Pure, no state.
 */
#ifndef VR_PIXEL_ORDER_H
#define VR_PIXEL_ORDER_H

#include <stdint.h>

/* Where blue, green and red sit inside one 4-byte pixel in memory (0..3). */
struct vr_pixel_order {
	uint8_t b, g, r;
};

/**
 * Writes `width` pixels of `src` (byte order `o`) to `dst` as B, G, R, 0xff.
 * `src` may equal `dst` (conversion in place); otherwise they must not overlap.
 */
void vr_pixels_to_bgrx(struct vr_pixel_order o, const uint8_t *src, uint8_t *dst, uint32_t width);

#endif /* VR_PIXEL_ORDER_H */
