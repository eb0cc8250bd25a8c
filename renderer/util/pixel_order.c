/* pvgpu — pixel byte reordering (see pixel_order.h). */
#include "pixel_order.h"

#include <string.h>

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
