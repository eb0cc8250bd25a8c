/*
 * pvgpu — 32-bit RGB pixels by DRM fourcc (the names the display module uses;
 * the vhost-user side maps virtio-gpu formats to them): where blue, green and
 * red sit in memory, and reordering pixels into B, G, R, X bytes (XRGB8888,
 * what displays and QEMU's display channel take). Pure, no state.
 */
#ifndef VR_PIXEL_ORDER_H
#define VR_PIXEL_ORDER_H

#include <stdbool.h>
#include <stdint.h>

/* DRM fourcc codes (little-endian 32-bit words), spelled as in drm_fourcc.h. */
#define VR_FOURCC(a, b, c, d) \
	((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))

/* Where blue, green and red sit inside one 4-byte pixel in memory (0..3). */
struct vr_pixel_order {
	uint8_t b, g, r;
};

/**
 * The byte positions of 32-bit RGB fourcc `fourcc` (XRGB, ARGB, XBGR, ABGR,
 * BGRX, BGRA, RGBX, RGBA 8888); false for any other code.
 */
bool vr_pixel_order_of(uint32_t fourcc, struct vr_pixel_order *o);

/**
 * Writes `width` pixels of `src` (byte order `o`) to `dst` as B, G, R, 0xff.
 * `src` may equal `dst` (conversion in place); otherwise they must not overlap.
 */
void vr_pixels_to_bgrx(struct vr_pixel_order o, const uint8_t *src, uint8_t *dst, uint32_t width);

#endif /* VR_PIXEL_ORDER_H */
