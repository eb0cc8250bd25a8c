/*
 * pvgpu shader tests — a tiny headless GL harness: EGL surfaceless + libepoxy,
 * one desktop GL 3.3+ core context, programs built from GLSL strings (info
 * logs kept on failure), raw-bit constant arrays, one small FBO, full-screen
 * quad / point-grid draws and pixel read-back.
 *
 * Single-threaded: one struct sgl per test program, its context current on
 * the calling thread from sgl_init() to sgl_finish().
 */
#ifndef SHADER_GL_H
#define SHADER_GL_H

#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SGL_SKIP 77 /* meson's "skipped" exit status */
#define SGL_MAX_ATTRIBS 8

enum sgl_format {
	SGL_RGBA32F = 0, /* 16 bytes per pixel, float */
	SGL_RGBA8,       /* 4 bytes per pixel, unorm */
	SGL_RGBA32UI,    /* 16 bytes per pixel, uint */
	SGL_RGBA32I,     /* 16 bytes per pixel, int */
};

struct sgl {
	EGLDisplay dpy;
	EGLContext ctx;
	GLuint vao;
	GLuint vbo[SGL_MAX_ATTRIBS];
	GLuint fbo, color;
	unsigned width, height;
	enum sgl_format format;
	/* Last failure: compile/link info log plus the numbered source. */
	char log[16384];
};

/**
 * Creates the context and makes it current. Returns 0, SGL_SKIP (prints why:
 * no EGL surfaceless platform or no GL 3.3 core) or 1 on an unexpected failure.
 */
int sgl_init(struct sgl *g);
/** Releases everything sgl_init() and later calls created. Accepts a zeroed struct. */
void sgl_finish(struct sgl *g);

/**
 * Compiles one stage. Returns the shader name, or 0 with g->log holding the
 * info log followed by the source with line numbers.
 */
GLuint sgl_compile(struct sgl *g, GLenum type, const char *src);
/**
 * Compiles and links VS + FS (+ GS when gs is non-NULL). Returns the program
 * (current after the call), or 0 with g->log saying which step failed and why.
 */
GLuint sgl_link(struct sgl *g, const char *vs, const char *fs, const char *gs);
/** Deletes a program made by sgl_link(). Accepts 0. */
void sgl_program_destroy(GLuint prog);

/**
 * Sets `uniform uvec4 name[count]` (a stage's constant file, e.g. "fs_c") from
 * raw 32-bit words, 4 per vec4. False if the program has no such uniform.
 */
bool sgl_set_consts(GLuint prog, const char *name, const uint32_t *words, unsigned vec4_count);
/** Sets a float uniform if the program has it (the compiler may drop unused ones). */
void sgl_set_float(GLuint prog, const char *name, float v);
/** Points a sampler uniform at texture unit `unit` if the program has it. */
void sgl_set_sampler(GLuint prog, const char *name, int unit);
/** Sets the translator's conventions for rendering into an FBO (y-flip factor 1.0). */
void sgl_set_fbo_defaults(GLuint prog);

/** (Re)creates the render target: one colour texture of `format`, width x height. */
bool sgl_target(struct sgl *g, enum sgl_format format, unsigned width, unsigned height);
/** Clears the target to raw 32-bit channel values (bit patterns for float targets). */
void sgl_clear(struct sgl *g, const uint32_t bits[4]);
/** Bytes per pixel of the current target. */
unsigned sgl_pixel_size(const struct sgl *g);
/** Reads the whole target, rows bottom-up as GL stores them, tightly packed. */
bool sgl_read(struct sgl *g, void *out);

/** Per-vertex attribute at `location`: `count` vertices of `comps` floats. */
void sgl_attrib(struct sgl *g, unsigned location, const float *data, unsigned comps,
		unsigned count);
/** Per-vertex attribute from raw 32-bit integers (glVertexAttribIPointer, uvec4 in GLSL). */
void sgl_attrib_u32(struct sgl *g, unsigned location, const uint32_t *data, unsigned comps,
		    unsigned count);
/** The same vec4 for every vertex at `location` (disables the array). */
void sgl_attrib_const(struct sgl *g, unsigned location, const float v[4]);
/** Disables every attribute array. */
void sgl_attribs_reset(struct sgl *g);

/** Draws a full-screen quad (triangle strip, 4 vertices); location 0 = clip position. */
void sgl_draw_quad(struct sgl *g);
/**
 * Draws one point per pixel of the target (width*height points, 1 px each, in
 * row-major order from the bottom row); location 0 = clip position at the
 * pixel centre. Other attributes, if arrays, need width*height vertices.
 */
void sgl_draw_point_grid(struct sgl *g);

/**
 * Creates a 2D texture on unit `unit` (nearest filtering, clamp) from RGBA32F
 * texels; levels > 1 takes the levels back to back in `texels`.
 */
GLuint sgl_texture_2d_rgba32f(unsigned unit, unsigned width, unsigned height, unsigned levels,
			      const float *texels);

/**
 * Creates a one-level texture of `target` (GL_TEXTURE_1D, _2D, _3D, _2D_ARRAY or
 * _CUBE_MAP) on unit `unit` (nearest filtering, clamp to edge) from `data`:
 * depth slices / layers back to back, for a cube the six faces in GL order
 * (+X, -X, +Y, -Y, +Z, -Z), each width x height texels of `texel_size` bytes.
 */
GLuint sgl_texture(unsigned unit, GLenum target, GLenum internal, GLenum format, GLenum type,
		   unsigned width, unsigned height, unsigned depth, const void *data,
		   unsigned texel_size);

/** Returns whether glGetError() is clean, printing any error with `what`. */
bool sgl_check_error(const char *what);

#endif /* SHADER_GL_H */
