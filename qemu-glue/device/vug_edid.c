/*
 * pvgpu qemu-glue — a 128-byte EDID 1.4 base block (VESA E-EDID 1.4) for a
 * scanout's mode: a digital display whose preferred detailed timing is the
 * mode at 60 Hz with reduced blanking, a range-limits descriptor and a name.
 */
#include <string.h>

#include "vug_priv.h"

/* Detailed timing descriptors hold 12-bit active sizes. */
#define DTD_MAX 4095u

static void
put_dtd(uint8_t *d, uint32_t w, uint32_t h)
{
	/* CVT reduced-blanking-like timings: 160 pixels and ~3% lines of blanking. */
	uint32_t hblank = 160, hfront = 48, hsync = 32;
	uint32_t vblank = h / 30 + 8, vfront = 3, vsync = 6;
	uint64_t clock = (uint64_t)(w + hblank) * (h + vblank) * 60 / 10000; /* 10 kHz units */
	if (clock > 0xffff) {
		clock = 0xffff;
	}
	/* Physical size assuming 96 dpi, in millimetres. */
	uint32_t wmm = w * 254 / 960, hmm = h * 254 / 960;
	d[0] = (uint8_t)clock;
	d[1] = (uint8_t)(clock >> 8);
	d[2] = (uint8_t)w;
	d[3] = (uint8_t)hblank;
	d[4] = (uint8_t)((w >> 8) << 4 | (hblank >> 8));
	d[5] = (uint8_t)h;
	d[6] = (uint8_t)vblank;
	d[7] = (uint8_t)((h >> 8) << 4 | (vblank >> 8));
	d[8] = (uint8_t)hfront;
	d[9] = (uint8_t)hsync;
	d[10] = (uint8_t)((vfront & 15) << 4 | (vsync & 15));
	d[11] = (uint8_t)((hfront >> 8) << 6 | (hsync >> 8) << 4 | (vfront >> 4) << 2 |
			  (vsync >> 4));
	d[12] = (uint8_t)wmm;
	d[13] = (uint8_t)hmm;
	d[14] = (uint8_t)(((wmm >> 8) & 15) << 4 | ((hmm >> 8) & 15));
	d[17] = 0x1e; /* digital separate sync, +hsync, -vsync */
}

static void
put_text(uint8_t *d, uint8_t tag, const char *text)
{
	d[3] = tag;
	size_t n = strlen(text);
	memset(d + 5, ' ', 13);
	memcpy(d + 5, text, n);
	if (n < 13) {
		d[5 + n] = '\n';
	}
}

void
vug_edid_build(uint8_t e[128], uint32_t width, uint32_t height, uint32_t serial)
{
	static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	uint32_t w = width < DTD_MAX ? width : DTD_MAX;
	uint32_t h = height < DTD_MAX ? height : DTD_MAX;
	memset(e, 0, 128);
	memcpy(e, header, 8);
	/* Manufacturer "PVG": three 5-bit letters, big-endian. */
	uint16_t mfg = (uint16_t)(('P' - '@') << 10 | ('V' - '@') << 5 | ('G' - '@'));
	e[8] = (uint8_t)(mfg >> 8);
	e[9] = (uint8_t)mfg;
	e[10] = 0x01; /* product code */
	memcpy(e + 12, &serial, 4);
	e[16] = 1;           /* week */
	e[17] = 2026 - 1990; /* year */
	e[18] = 1;
	e[19] = 4;    /* EDID 1.4 */
	e[20] = 0xa5; /* digital, 8 bits per colour, DisplayPort */
	e[21] = (uint8_t)(w * 254 / 96000 ? w * 254 / 96000 : 1); /* cm */
	e[22] = (uint8_t)(h * 254 / 96000 ? h * 254 / 96000 : 1);
	e[23] = 120;  /* gamma 2.2 */
	e[24] = 0x06; /* RGB 4:4:4, sRGB default, preferred timing is native */
	/* sRGB chromaticity (red, green, blue, white D65) in 10-bit fractions. */
	static const uint8_t chroma[10] = {0xee, 0x91, 0xa3, 0x54, 0x4c,
					   0x99, 0x26, 0x0f, 0x50, 0x54};
	memcpy(e + 25, chroma, sizeof(chroma));
	/* No established timings (35..37); standard timings unused (0x01 0x01). */
	for (int i = 38; i < 54; i++) {
		e[i] = 0x01;
	}
	put_dtd(e + 54, w, h);
	/* Range limits: 50-75 Hz vertical, 30-255 kHz horizontal, 655 MHz, no formula. */
	uint8_t *r = e + 72;
	r[3] = 0xfd;
	r[5] = 50;
	r[6] = 75;
	r[7] = 30;
	r[8] = 255;
	r[9] = 66;
	r[10] = 0x01;
	r[11] = '\n';
	memset(r + 12, ' ', 6);
	put_text(e + 90, 0xfc, "pvgpu");
	put_text(e + 108, 0xff, "PVGPU-0001");
	e[126] = 0; /* no extension blocks */
	uint8_t sum = 0;
	for (int i = 0; i < 127; i++) {
		sum = (uint8_t)(sum + e[i]);
	}
	e[127] = (uint8_t)(256 - sum);
}
