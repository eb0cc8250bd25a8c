/*
 * pvgpu shader tests — headless GL harness (see shader_gl.h).
 */
#include "shader_gl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
has_ext(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && (p = strstr(p, name)); p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
			return true;
		}
	}
	return false;
}

static void
log_append(struct sgl *g, const char *fmt, ...)
{
	size_t used = strlen(g->log);
	if (used + 1 >= sizeof(g->log)) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->log + used, sizeof(g->log) - used, fmt, ap);
	va_end(ap);
}

static void
log_source(struct sgl *g, const char *src)
{
	unsigned line = 1;
	const char *p = src;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		log_append(g, "%4u: %.*s\n", line++, len, p);
		p += len + (nl ? 1 : 0);
	}
}

int
sgl_init(struct sgl *g)
{
	memset(g, 0, sizeof(*g));
	const char *cexts = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (!has_ext(cexts, "EGL_EXT_platform_base") ||
	    !has_ext(cexts, "EGL_MESA_platform_surfaceless")) {
		printf("SKIP: EGL has no surfaceless platform\n");
		return SGL_SKIP;
	}
	g->dpy = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
	EGLint major, minor;
	if (g->dpy == EGL_NO_DISPLAY || !eglInitialize(g->dpy, &major, &minor)) {
		printf("SKIP: cannot initialise the surfaceless EGL display (0x%x)\n",
		       eglGetError());
		g->dpy = EGL_NO_DISPLAY;
		return SGL_SKIP;
	}
	const char *exts = eglQueryString(g->dpy, EGL_EXTENSIONS);
	if (!has_ext(exts, "EGL_KHR_surfaceless_context") ||
	    (!has_ext(exts, "EGL_KHR_no_config_context") &&
	     !has_ext(exts, "EGL_MESA_configless_context")) ||
	    !eglBindAPI(EGL_OPENGL_API)) {
		printf("SKIP: EGL lacks surfaceless/configless desktop GL contexts\n");
		return SGL_SKIP;
	}
	EGLint attribs[] = {
		EGL_CONTEXT_MAJOR_VERSION,
		3,
		EGL_CONTEXT_MINOR_VERSION,
		3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK,
		EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		EGL_NONE,
	};
	g->ctx = eglCreateContext(g->dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attribs);
	if (g->ctx == EGL_NO_CONTEXT) {
		printf("SKIP: no desktop GL 3.3 core context (0x%x)\n", eglGetError());
		return SGL_SKIP;
	}
	if (!eglMakeCurrent(g->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, g->ctx)) {
		fprintf(stderr, "eglMakeCurrent failed (0x%x)\n", eglGetError());
		return 1;
	}
	glGenVertexArrays(1, &g->vao);
	glBindVertexArray(g->vao);
	glGenBuffers(SGL_MAX_ATTRIBS, g->vbo);
	/* Full-range reads of 1- and 3-byte formats need byte alignment. */
	glPixelStorei(GL_PACK_ALIGNMENT, 1);
	glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
	return sgl_check_error("sgl_init") ? 0 : 1;
}

void
sgl_finish(struct sgl *g)
{
	if (g->ctx) {
		if (g->color) {
			glDeleteTextures(1, &g->color);
		}
		if (g->fbo) {
			glDeleteFramebuffers(1, &g->fbo);
		}
		glDeleteBuffers(SGL_MAX_ATTRIBS, g->vbo);
		glDeleteVertexArrays(1, &g->vao);
		eglMakeCurrent(g->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
		eglDestroyContext(g->dpy, g->ctx);
	}
	if (g->dpy != EGL_NO_DISPLAY && g->dpy) {
		eglReleaseThread();
	}
	memset(g, 0, sizeof(*g));
}

bool
sgl_check_error(const char *what)
{
	GLenum e = glGetError();
	if (e == GL_NO_ERROR) {
		return true;
	}
	fprintf(stderr, "GL error 0x%x after %s\n", e, what);
	while (glGetError() != GL_NO_ERROR) {
	}
	return false;
}

static const char *
stage_name(GLenum type)
{
	switch (type) {
	case GL_VERTEX_SHADER:
		return "vertex";
	case GL_FRAGMENT_SHADER:
		return "fragment";
	case GL_GEOMETRY_SHADER:
		return "geometry";
	default:
		return "?";
	}
}

GLuint
sgl_compile(struct sgl *g, GLenum type, const char *src)
{
	GLuint sh = glCreateShader(type);
	glShaderSource(sh, 1, &src, NULL);
	glCompileShader(sh);
	GLint ok = 0;
	glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
	if (ok) {
		return sh;
	}
	char info[4096] = "";
	glGetShaderInfoLog(sh, sizeof(info), NULL, info);
	g->log[0] = '\0';
	log_append(g, "%s shader does not compile:\n%s\n--- source:\n", stage_name(type), info);
	log_source(g, src);
	glDeleteShader(sh);
	return 0;
}

GLuint
sgl_link(struct sgl *g, const char *vs, const char *fs, const char *gs)
{
	GLuint sh[3] = {0, 0, 0};
	GLuint prog = 0;
	sh[0] = sgl_compile(g, GL_VERTEX_SHADER, vs);
	if (!sh[0]) {
		goto out;
	}
	sh[1] = sgl_compile(g, GL_FRAGMENT_SHADER, fs);
	if (!sh[1]) {
		goto out;
	}
	if (gs) {
		sh[2] = sgl_compile(g, GL_GEOMETRY_SHADER, gs);
		if (!sh[2]) {
			goto out;
		}
	}
	prog = glCreateProgram();
	for (int i = 0; i < 3; i++) {
		if (sh[i]) {
			glAttachShader(prog, sh[i]);
		}
	}
	glLinkProgram(prog);
	GLint ok = 0;
	glGetProgramiv(prog, GL_LINK_STATUS, &ok);
	if (!ok) {
		char info[4096] = "";
		glGetProgramInfoLog(prog, sizeof(info), NULL, info);
		g->log[0] = '\0';
		log_append(g, "program does not link:\n%s\n--- vertex shader:\n", info);
		log_source(g, vs);
		if (gs) {
			log_append(g, "--- geometry shader:\n");
			log_source(g, gs);
		}
		log_append(g, "--- fragment shader:\n");
		log_source(g, fs);
		glDeleteProgram(prog);
		prog = 0;
		goto out;
	}
	glUseProgram(prog);
out:
	for (int i = 0; i < 3; i++) {
		if (sh[i]) {
			glDeleteShader(sh[i]);
		}
	}
	return prog;
}

void
sgl_program_destroy(GLuint prog)
{
	if (prog) {
		glUseProgram(0);
		glDeleteProgram(prog);
	}
}

bool
sgl_set_consts(GLuint prog, const char *name, const uint32_t *words, unsigned vec4_count)
{
	GLint loc = glGetUniformLocation(prog, name);
	if (loc < 0) {
		char elem[80];
		snprintf(elem, sizeof(elem), "%s[0]", name);
		loc = glGetUniformLocation(prog, elem);
	}
	if (loc < 0) {
		return false;
	}
	glUseProgram(prog);
	glUniform4uiv(loc, (GLsizei)vec4_count, words);
	return true;
}

void
sgl_set_float(GLuint prog, const char *name, float v)
{
	GLint loc = glGetUniformLocation(prog, name);
	if (loc >= 0) {
		glUseProgram(prog);
		glUniform1f(loc, v);
	}
}

void
sgl_set_sampler(GLuint prog, const char *name, int unit)
{
	GLint loc = glGetUniformLocation(prog, name);
	if (loc >= 0) {
		glUseProgram(prog);
		glUniform1i(loc, unit);
	}
}

void
sgl_set_fbo_defaults(GLuint prog)
{
	sgl_set_float(prog, "pvgpu_winsys_adjust_y", 1.0f);
}

static const struct {
	GLenum internal, format, type;
	unsigned size;
} formats[] = {
	[SGL_RGBA32F] = {GL_RGBA32F, GL_RGBA, GL_FLOAT, 16},
	[SGL_RGBA8] = {GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE, 4},
	[SGL_RGBA32UI] = {GL_RGBA32UI, GL_RGBA_INTEGER, GL_UNSIGNED_INT, 16},
	[SGL_RGBA32I] = {GL_RGBA32I, GL_RGBA_INTEGER, GL_INT, 16},
};

bool
sgl_target(struct sgl *g, enum sgl_format format, unsigned width, unsigned height)
{
	if (g->color) {
		glDeleteTextures(1, &g->color);
	}
	if (!g->fbo) {
		glGenFramebuffers(1, &g->fbo);
	}
	glGenTextures(1, &g->color);
	/* Keep whatever the test bound on unit 0 for sampling. */
	GLint bound = 0;
	glActiveTexture(GL_TEXTURE0);
	glGetIntegerv(GL_TEXTURE_BINDING_2D, &bound);
	glBindTexture(GL_TEXTURE_2D, g->color);
	glTexImage2D(GL_TEXTURE_2D, 0, (GLint)formats[format].internal, (GLsizei)width,
		     (GLsizei)height, 0, formats[format].format, formats[format].type, NULL);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glBindTexture(GL_TEXTURE_2D, (GLuint)bound);
	glBindFramebuffer(GL_FRAMEBUFFER, g->fbo);
	glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, g->color, 0);
	GLenum st = glCheckFramebufferStatus(GL_FRAMEBUFFER);
	if (st != GL_FRAMEBUFFER_COMPLETE) {
		fprintf(stderr, "FBO incomplete (0x%x) for format %d\n", st, format);
		return false;
	}
	g->width = width;
	g->height = height;
	g->format = format;
	glViewport(0, 0, (GLsizei)width, (GLsizei)height);
	return sgl_check_error("sgl_target");
}

void
sgl_clear(struct sgl *g, const uint32_t bits[4])
{
	glBindFramebuffer(GL_FRAMEBUFFER, g->fbo);
	switch (g->format) {
	case SGL_RGBA32UI:
		glClearBufferuiv(GL_COLOR, 0, bits);
		break;
	case SGL_RGBA32I: {
		GLint v[4];
		memcpy(v, bits, sizeof(v));
		glClearBufferiv(GL_COLOR, 0, v);
		break;
	}
	default: {
		GLfloat v[4];
		memcpy(v, bits, sizeof(v));
		glClearBufferfv(GL_COLOR, 0, v);
		break;
	}
	}
}

unsigned
sgl_pixel_size(const struct sgl *g)
{
	return formats[g->format].size;
}

bool
sgl_read(struct sgl *g, void *out)
{
	glBindFramebuffer(GL_FRAMEBUFFER, g->fbo);
	glReadBuffer(GL_COLOR_ATTACHMENT0);
	glReadPixels(0, 0, (GLsizei)g->width, (GLsizei)g->height, formats[g->format].format,
		     formats[g->format].type, out);
	return sgl_check_error("sgl_read");
}

void
sgl_attrib(struct sgl *g, unsigned location, const float *data, unsigned comps, unsigned count)
{
	glBindVertexArray(g->vao);
	glBindBuffer(GL_ARRAY_BUFFER, g->vbo[location]);
	glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * comps * count), data,
		     GL_STATIC_DRAW);
	glVertexAttribPointer(location, (GLint)comps, GL_FLOAT, GL_FALSE, 0, NULL);
	glEnableVertexAttribArray(location);
}

void
sgl_attrib_u32(struct sgl *g, unsigned location, const uint32_t *data, unsigned comps,
	       unsigned count)
{
	glBindVertexArray(g->vao);
	glBindBuffer(GL_ARRAY_BUFFER, g->vbo[location]);
	glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(uint32_t) * comps * count), data,
		     GL_STATIC_DRAW);
	glVertexAttribIPointer(location, (GLint)comps, GL_UNSIGNED_INT, 0, NULL);
	glEnableVertexAttribArray(location);
}

void
sgl_attrib_const(struct sgl *g, unsigned location, const float v[4])
{
	glBindVertexArray(g->vao);
	glDisableVertexAttribArray(location);
	glVertexAttrib4fv(location, v);
}

void
sgl_attribs_reset(struct sgl *g)
{
	glBindVertexArray(g->vao);
	for (unsigned i = 0; i < SGL_MAX_ATTRIBS; i++) {
		glDisableVertexAttribArray(i);
	}
}

void
sgl_draw_quad(struct sgl *g)
{
	static const float quad[] = {-1, -1, 0, 1, 1, -1, 0, 1, -1, 1, 0, 1, 1, 1, 0, 1};
	sgl_attrib(g, 0, quad, 4, 4);
	glBindFramebuffer(GL_FRAMEBUFFER, g->fbo);
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

void
sgl_draw_point_grid(struct sgl *g)
{
	unsigned n = g->width * g->height;
	float *pos = malloc(sizeof(float) * 4 * n);
	if (!pos) {
		return;
	}
	for (unsigned y = 0; y < g->height; y++) {
		for (unsigned x = 0; x < g->width; x++) {
			float *p = pos + 4 * (y * g->width + x);
			p[0] = (2.0f * (float)x + 1.0f) / (float)g->width - 1.0f;
			p[1] = (2.0f * (float)y + 1.0f) / (float)g->height - 1.0f;
			p[2] = 0.0f;
			p[3] = 1.0f;
		}
	}
	sgl_attrib(g, 0, pos, 4, n);
	free(pos);
	glBindFramebuffer(GL_FRAMEBUFFER, g->fbo);
	glDrawArrays(GL_POINTS, 0, (GLsizei)n);
}

GLuint
sgl_texture_2d_rgba32f(unsigned unit, unsigned width, unsigned height, unsigned levels,
		       const float *texels)
{
	GLuint tex;
	glGenTextures(1, &tex);
	glActiveTexture(GL_TEXTURE0 + unit);
	glBindTexture(GL_TEXTURE_2D, tex);
	const float *p = texels;
	for (unsigned l = 0; l < levels; l++) {
		unsigned w = width >> l ? width >> l : 1;
		unsigned h = height >> l ? height >> l : 1;
		glTexImage2D(GL_TEXTURE_2D, (GLint)l, GL_RGBA32F, (GLsizei)w, (GLsizei)h, 0,
			     GL_RGBA, GL_FLOAT, p);
		p += 4 * w * h;
	}
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, (GLint)levels - 1);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER,
			levels > 1 ? GL_NEAREST_MIPMAP_NEAREST : GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
	glActiveTexture(GL_TEXTURE0);
	return tex;
}

GLuint
sgl_texture(unsigned unit, GLenum target, GLenum internal, GLenum format, GLenum type,
	    unsigned width, unsigned height, unsigned depth, const void *data, unsigned texel_size)
{
	GLuint tex;
	GLsizei w = (GLsizei)width, h = (GLsizei)height, d = (GLsizei)depth;
	glGenTextures(1, &tex);
	glActiveTexture(GL_TEXTURE0 + unit);
	glBindTexture(target, tex);
	switch (target) {
	case GL_TEXTURE_1D:
		glTexImage1D(target, 0, (GLint)internal, w, 0, format, type, data);
		break;
	case GL_TEXTURE_3D:
	case GL_TEXTURE_2D_ARRAY:
		glTexImage3D(target, 0, (GLint)internal, w, h, d, 0, format, type, data);
		break;
	case GL_TEXTURE_CUBE_MAP:
		for (unsigned f = 0; f < 6; f++) {
			glTexImage2D(GL_TEXTURE_CUBE_MAP_POSITIVE_X + f, 0, (GLint)internal, w, h,
				     0, format, type,
				     (const char *)data + (size_t)f * width * height * texel_size);
		}
		break;
	default:
		glTexImage2D(target, 0, (GLint)internal, w, h, 0, format, type, data);
		break;
	}
	glTexParameteri(target, GL_TEXTURE_MAX_LEVEL, 0);
	glTexParameteri(target, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(target, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
	glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
	glTexParameteri(target, GL_TEXTURE_WRAP_R, GL_CLAMP_TO_EDGE);
	glActiveTexture(GL_TEXTURE0);
	return tex;
}
