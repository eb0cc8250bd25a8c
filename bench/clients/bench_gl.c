/* pvgpu-bench microbenchmark clients — window, context, timing (see bench_gl.h). */
#include "bench_gl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double
bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool
parse_common(struct bench_gl *g, int argc, char **argv, int *argi)
{
	int i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			char *end;
			g->seconds = strtod(argv[++i], &end);
			if (*end || !(g->seconds > 0 && g->seconds < 3600)) {
				fprintf(stderr, "%s: bad --seconds '%s'\n", g->name, argv[i]);
				return false;
			}
		} else {
			break;
		}
	}
	*argi = i;
	return true;
}

/* A core 3.3 context when GLX_ARB_create_context_profile is there, else legacy. */
static GLXContext
create_context(Display *dpy, GLXFBConfig fbc)
{
	if (epoxy_has_glx_extension(dpy, DefaultScreen(dpy), "GLX_ARB_create_context_profile")) {
		static const int attribs[] = {
			GLX_CONTEXT_MAJOR_VERSION_ARB,
			3,
			GLX_CONTEXT_MINOR_VERSION_ARB,
			3,
			GLX_CONTEXT_PROFILE_MASK_ARB,
			GLX_CONTEXT_CORE_PROFILE_BIT_ARB,
			None,
		};
		GLXContext ctx = glXCreateContextAttribsARB(dpy, fbc, NULL, True, attribs);
		if (ctx) {
			return ctx;
		}
	}
	return glXCreateNewContext(dpy, fbc, GLX_RGBA_TYPE, NULL, True);
}

bool
bench_gl_init(struct bench_gl *g, const char *name, int argc, char **argv, int *argi)
{
	memset(g, 0, sizeof(*g));
	g->name = name;
	g->seconds = 1.0;
	g->width = 256;
	g->height = 256;
	if (!parse_common(g, argc, argv, argi)) {
		return false;
	}
	g->dpy = XOpenDisplay(NULL);
	if (!g->dpy) {
		fprintf(stderr, "%s: cannot open display\n", name);
		return false;
	}
	static const int fb_attribs[] = {
		GLX_RENDER_TYPE,
		GLX_RGBA_BIT,
		GLX_DRAWABLE_TYPE,
		GLX_WINDOW_BIT,
		GLX_RED_SIZE,
		8,
		GLX_GREEN_SIZE,
		8,
		GLX_BLUE_SIZE,
		8,
		GLX_DEPTH_SIZE,
		24,
		GLX_DOUBLEBUFFER,
		True,
		None,
	};
	int n = 0;
	GLXFBConfig *fbcs = glXChooseFBConfig(g->dpy, DefaultScreen(g->dpy), fb_attribs, &n);
	if (!fbcs || n == 0) {
		fprintf(stderr, "%s: no suitable GLX framebuffer config\n", name);
		return false;
	}
	GLXFBConfig fbc = fbcs[0];
	XFree(fbcs);
	XVisualInfo *vi = glXGetVisualFromFBConfig(g->dpy, fbc);
	if (!vi) {
		fprintf(stderr, "%s: no visual\n", name);
		return false;
	}
	Window root = RootWindow(g->dpy, vi->screen);
	XSetWindowAttributes swa = {
		.colormap = XCreateColormap(g->dpy, root, vi->visual, AllocNone),
	};
	g->win = XCreateWindow(g->dpy, root, 0, 0, (unsigned)g->width, (unsigned)g->height, 0,
			       vi->depth, InputOutput, vi->visual, CWColormap, &swa);
	XFree(vi);
	XStoreName(g->dpy, g->win, name);
	XMapWindow(g->dpy, g->win);
	g->ctx = create_context(g->dpy, fbc);
	if (!g->ctx || !glXMakeCurrent(g->dpy, g->win, g->ctx)) {
		fprintf(stderr, "%s: cannot create or bind a GLX context\n", name);
		return false;
	}
	fprintf(stderr, "%s: GL_RENDERER %s, GL_VERSION %s\n", name,
		(const char *)glGetString(GL_RENDERER), (const char *)glGetString(GL_VERSION));
	glViewport(0, 0, g->width, g->height);
	return bench_check(g, "context setup");
}

void
bench_gl_finish(struct bench_gl *g)
{
	if (!g->dpy) {
		return;
	}
	glXMakeCurrent(g->dpy, None, NULL);
	if (g->ctx) {
		glXDestroyContext(g->dpy, g->ctx);
	}
	if (g->win) {
		XDestroyWindow(g->dpy, g->win);
	}
	XCloseDisplay(g->dpy);
	g->dpy = NULL;
}

bool
bench_check(const struct bench_gl *g, const char *what)
{
	GLenum err = glGetError();
	if (err == GL_NO_ERROR) {
		return true;
	}
	fprintf(stderr, "%s: GL error 0x%x after %s\n", g->name, err, what);
	while (glGetError() != GL_NO_ERROR) {
	}
	return false;
}

/* Prints the info log of a shader or program that failed to compile or link. */
static void
print_log(GLuint obj, bool program)
{
	char log[1024] = "";
	if (program) {
		glGetProgramInfoLog(obj, sizeof(log), NULL, log);
	} else {
		glGetShaderInfoLog(obj, sizeof(log), NULL, log);
	}
	fprintf(stderr, "%s failed: %s\n", program ? "program link" : "shader compile", log);
}

static GLuint
compile(GLenum type, const char *src)
{
	GLuint sh = glCreateShader(type);
	glShaderSource(sh, 1, &src, NULL);
	glCompileShader(sh);
	GLint ok = 0;
	glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		print_log(sh, false);
		glDeleteShader(sh);
		return 0;
	}
	return sh;
}

GLuint
bench_program(const char *vs, const char *fs)
{
	GLuint v = compile(GL_VERTEX_SHADER, vs);
	GLuint f = compile(GL_FRAGMENT_SHADER, fs);
	if (!v || !f) {
		glDeleteShader(v);
		glDeleteShader(f);
		return 0;
	}
	GLuint p = glCreateProgram();
	glAttachShader(p, v);
	glAttachShader(p, f);
	glLinkProgram(p);
	glDeleteShader(v);
	glDeleteShader(f);
	GLint ok = 0;
	glGetProgramiv(p, GL_LINK_STATUS, &ok);
	if (!ok) {
		print_log(p, true);
		glDeleteProgram(p);
		return 0;
	}
	return p;
}

void
bench_result(const struct bench_gl *g, const char *name, double value, const char *unit,
	     long frames, double seconds, const char *extra)
{
	printf("RESULT name=%s value=%.6g unit=%s frames=%ld seconds=%.4f%s%s\n", name, value, unit,
	       frames, seconds, extra ? " " : "", extra ? extra : "");
	fflush(stdout);
}

long
bench_run_frames(struct bench_gl *g, bool (*frame)(struct bench_gl *g, void *data), void *data,
		 long min_frames, double *elapsed)
{
	if (!frame(g, data)) {
		return -1;
	}
	glFinish();
	if (!bench_check(g, "warm-up frame")) {
		return -1;
	}
	/* Tells pvgpu-bench where the timed part starts (it samples CPU time here). */
	printf("MARK start\n");
	fflush(stdout);
	long frames = 0;
	double start = bench_now(), now = start;
	while (frames < min_frames || now - start < g->seconds) {
		if (!frame(g, data)) {
			return -1;
		}
		glFinish();
		if (!bench_check(g, "frame")) {
			return -1;
		}
		frames++;
		now = bench_now();
	}
	*elapsed = now - start;
	return frames;
}

GLuint
bench_triangle_vao(void)
{
	static const float tri[] = {-1.0f, -1.0f, 1.0f, -1.0f, 0.0f, 1.0f};
	GLuint vao, vbo;
	glGenVertexArrays(1, &vao);
	glBindVertexArray(vao);
	glGenBuffers(1, &vbo);
	glBindBuffer(GL_ARRAY_BUFFER, vbo);
	glBufferData(GL_ARRAY_BUFFER, sizeof(tri), tri, GL_STATIC_DRAW);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, NULL);
	glEnableVertexAttribArray(0);
	return vao;
}

int
bench_run_rate(struct bench_gl *g, const struct bench_rate *rate,
	       bool (*frame)(struct bench_gl *g, void *data), void *data)
{
	double secs = 0;
	long frames = bench_run_frames(g, frame, data, 3, &secs);
	if (frames < 0) {
		return 1;
	}
	bench_result(g, rate->name, (double)frames * rate->per_frame / secs, rate->unit, frames,
		     secs, rate->extra);
	bench_gl_finish(g);
	return 0;
}

void
bench_draw_cell(GLint offset_loc, int i)
{
	glUniform2f(offset_loc, (float)(i % 20) / 10.0f - 1.0f,
		    (float)(i / 20 % 20) / 10.0f - 1.0f);
	glDrawArrays(GL_TRIANGLES, 0, 3);
}
