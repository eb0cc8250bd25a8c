/* pvgpu tools — PNG output of frames (guest demos, headless scanouts). */
#ifndef VGP_PNG_H
#define VGP_PNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * Writes BGRA pixels (B8G8R8A8_UNORM bytes, `stride` bytes a row) as an RGB PNG
 * (alpha dropped: frames are opaque).
 * flip: rows are bottom-up (GL), write them top-down. False on any I/O error.
 */
bool vgp_png_write_bgra(const char *path, const uint8_t *px, uint32_t w, uint32_t h, size_t stride,
			bool flip);
/** The same into an open stream (not closed; flushed). */
bool vgp_png_write_bgra_file(FILE *f, const uint8_t *px, uint32_t w, uint32_t h, size_t stride,
			     bool flip);

#endif /* VGP_PNG_H */
