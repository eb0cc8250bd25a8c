/*
 * pvgpu-bench microbenchmark clients — shared helpers.
 *
 * Every client opens a small X11 window with a GLX context (core profile when
 * available, so the same code runs natively on llvmpipe and through Mesa's
 * virpipe driver), runs its workload in "frames" that each end with glFinish (so
 * the work really reaches the server), checks glGetError after every frame, and
 * prints one machine-readable line per measurement on stdout:
 *
 *   RESULT name=<workload> value=<number> unit=<unit> frames=<n> seconds=<s> [k=v ...]
 *
 * preceded by "MARK start" when its timed part begins.
 *
 * Errors go to stderr with exit status 1. No global mutable state: everything
 * lives in struct bench_gl, owned by main().
 */
#ifndef BENCH_GL_H
#define BENCH_GL_H

#include <epoxy/gl.h>
#include <epoxy/glx.h>
#include <stdbool.h>
#include <stddef.h>

struct bench_gl {
	Display *dpy;
	Window win;
	GLXContext ctx;
	int width, height;
	double seconds; /* --seconds: measuring time per measurement */
	const char *name;
};

/**
 * Parses the common options (--seconds S), opens the window and makes the context
 * current. Options it does not know are left for the caller: *argi is the index of
 * the first one. Returns false (after printing why) on failure.
 */
bool bench_gl_init(struct bench_gl *g, const char *name, int argc, char **argv, int *argi);

/** Destroys the context and window. */
void bench_gl_finish(struct bench_gl *g);

/** Monotonic time in seconds. */
double bench_now(void);

/** glGetError after `what`: false (and a message on stderr) on any error. */
bool bench_check(const struct bench_gl *g, const char *what);

/** Compiles and links a program; 0 (after printing the log) on failure. */
GLuint bench_program(const char *vs, const char *fs);

/* Vertex shader for bench_triangle_vao(): a vec2 at location 0, moved by `offset`. */
#define BENCH_VS_SRC                          \
	"#version 330 core\n"                 \
	"layout(location = 0) in vec2 pos;\n" \
	"uniform vec2 offset;\n"              \
	"void main() { gl_Position = vec4(pos * 0.05 + offset, 0.0, 1.0); }\n"

/** Binds (and returns) a VAO with one small triangle at attribute 0. */
GLuint bench_triangle_vao(void);

/** Draws the small triangle as the i-th cell of a 20x20 grid (sets `offset_loc`). */
void bench_draw_cell(GLint offset_loc, int i);

/** Prints one RESULT line; `extra` ("k=v k=v" or NULL) is appended. */
void bench_result(const struct bench_gl *g, const char *name, double value, const char *unit,
		  long frames, double seconds, const char *extra);

/**
 * Runs frame(g, data) until g->seconds passed (at least `min_frames` times, after
 * one untimed warm-up frame), each followed by glFinish and an error check.
 * Prints "MARK start" when the timed part begins.
 * Returns the number of timed frames, or -1 when a frame failed; *elapsed gets
 * the timed seconds.
 */
long bench_run_frames(struct bench_gl *g, bool (*frame)(struct bench_gl *g, void *data), void *data,
		      long min_frames, double *elapsed);

/** What a rate benchmark measures: `per_frame` units of `unit` in every frame. */
struct bench_rate {
	const char *name;  /* RESULT name */
	const char *unit;  /* e.g. "draws/s" */
	double per_frame;  /* units done by one frame */
	const char *extra; /* "k=v ..." for the RESULT line, or NULL */
};

/**
 * The common end of a rate benchmark's main(): runs `frame` timed (at least 3
 * frames), prints the RESULT line (value = frames * per_frame / seconds), closes
 * the window. Returns the process exit status.
 */
int bench_run_rate(struct bench_gl *g, const struct bench_rate *rate,
		   bool (*frame)(struct bench_gl *g, void *data), void *data);

#endif /* BENCH_GL_H */
