/*
 * pvgpu tests — renderer/util/pixel_order: every 32-bit RGB fourcc's byte
 * positions, reordering in place and out of place, and unknown codes refused.
 */
#include <string.h>

#include "pixel_order.h"
#include "vgp_test.h"

int
main(void)
{
	/* One pixel whose bytes name their channel: blue 0xb0, green 0x90, red
	 * 0xa0, the fourth byte 0x11; written in each format's memory order. */
	static const struct {
		uint32_t fourcc;
		uint8_t bytes[4];
	} cases[] = {
		{VR_FOURCC('X', 'R', '2', '4'), {0xb0, 0x90, 0xa0, 0x11}},
		{VR_FOURCC('A', 'R', '2', '4'), {0xb0, 0x90, 0xa0, 0x11}},
		{VR_FOURCC('X', 'B', '2', '4'), {0xa0, 0x90, 0xb0, 0x11}},
		{VR_FOURCC('A', 'B', '2', '4'), {0xa0, 0x90, 0xb0, 0x11}},
		{VR_FOURCC('B', 'X', '2', '4'), {0x11, 0xa0, 0x90, 0xb0}},
		{VR_FOURCC('B', 'A', '2', '4'), {0x11, 0xa0, 0x90, 0xb0}},
		{VR_FOURCC('R', 'X', '2', '4'), {0x11, 0xb0, 0x90, 0xa0}},
		{VR_FOURCC('R', 'A', '2', '4'), {0x11, 0xb0, 0x90, 0xa0}},
	};
	const uint8_t want[4] = {0xb0, 0x90, 0xa0, 0xff};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vr_pixel_order o;
		CHECK(vr_pixel_order_of(cases[i].fourcc, &o), "fourcc %zu known", i);
		uint8_t two[8], out[8];
		memcpy(two, cases[i].bytes, 4);
		memcpy(two + 4, cases[i].bytes, 4);
		vr_pixels_to_bgrx(o, two, out, 2);
		CHECK(!memcmp(out, want, 4) && !memcmp(out + 4, want, 4),
		      "fourcc %zu: %02x %02x %02x %02x", i, out[0], out[1], out[2], out[3]);
		vr_pixels_to_bgrx(o, two, two, 2); /* in place */
		CHECK(!memcmp(two, want, 4) && !memcmp(two + 4, want, 4), "fourcc %zu in place", i);
	}
	struct vr_pixel_order o;
	CHECK(!vr_pixel_order_of(0, &o), "0 refused");
	CHECK(!vr_pixel_order_of(VR_FOURCC('R', 'G', '1', '6'), &o), "RGB565 refused");
	return vgp_test_result("test_pixel_order");
}
