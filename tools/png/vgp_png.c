/* pvgpu tools — PNG output (libpng). */
#include "vgp_png.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>

bool
vgp_png_write_bgra(const char *path, const uint8_t *px, uint32_t w, uint32_t h, size_t stride,
		   bool flip)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		return false;
	}
	bool ok = vgp_png_write_bgra_file(f, px, w, h, stride, flip);
	return fclose(f) == 0 && ok;
}

bool
vgp_png_write_bgra_file(FILE *f, const uint8_t *px, uint32_t w, uint32_t h, size_t stride,
			bool flip)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	uint8_t *row = malloc((size_t)w * 3);
	bool ok = png && info && row;
	if (ok && setjmp(png_jmpbuf(png))) {
		ok = false;
	} else if (ok) {
		png_init_io(png, f);
		png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
			     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
		png_write_info(png, info);
		for (uint32_t y = 0; y < h; y++) {
			const uint8_t *src = px + (size_t)(flip ? h - 1 - y : y) * stride;
			for (uint32_t x = 0; x < w; x++) {
				row[3 * x + 0] = src[4 * x + 2];
				row[3 * x + 1] = src[4 * x + 1];
				row[3 * x + 2] = src[4 * x + 0];
			}
			png_write_row(png, row);
		}
		png_write_end(png, NULL);
	}
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	free(row);
	return fflush(f) == 0 && ok;
}
