/* pvgpu — 32-bit RGB pixel byte orders (see pixel_order.h). */
#include "pixel_order.h"

#include <string.h>

bool
vr_pixel_order_of(uint32_t fourcc, struct vr_pixel_order *o)
{
	/* A fourcc names the channels of a little-endian word from the top:
	 * XRGB8888 is bytes B, G, R, X in memory. */
	switch (fourcc) {
	case VR_FOURCC('X', 'R', '2', '4'):
	case VR_FOURCC('A', 'R', '2', '4'):
		*o = (struct vr_pixel_order){.b = 0, .g = 1, .r = 2};
		return true;
	case VR_FOURCC('X', 'B', '2', '4'):
	case VR_FOURCC('A', 'B', '2', '4'):
		*o = (struct vr_pixel_order){.r = 0, .g = 1, .b = 2};
		return true;
	case VR_FOURCC('B', 'X', '2', '4'):
	case VR_FOURCC('B', 'A', '2', '4'):
		*o = (struct vr_pixel_order){.r = 1, .g = 2, .b = 3};
		return true;
	case VR_FOURCC('R', 'X', '2', '4'):
	case VR_FOURCC('R', 'A', '2', '4'):
		*o = (struct vr_pixel_order){.b = 1, .g = 2, .r = 3};
		return true;
	default:
		return false;
	}
}

void
vr_pixels_to_bgrx(struct vr_pixel_order o, const uint8_t *src, uint8_t *dst, uint32_t width)
{
	for (uint32_t x = 0; x < width; x++, src += 4, dst += 4) {
		uint8_t px[4];
		memcpy(px, src, 4); /* the whole pixel first: src may be dst */
		dst[0] = px[o.b & 3];
		dst[1] = px[o.g & 3];
		dst[2] = px[o.r & 3];
		dst[3] = 0xff;
	}
}
