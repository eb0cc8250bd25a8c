/*
 * pvgpu-mb-xfer — upload and read-back bandwidth through the GL API:
 *   tex-upload    glTexSubImage2D of the whole RGBA8 texture
 *   tex-readback  glReadPixels of it (attached to an FBO)
 *   buf-upload    glBufferSubData of the whole buffer
 *   buf-readback  glGetBufferSubData of it
 * Each operation is followed by glFinish. Textures are w x h RGBA8 with w the
 * power of two at or above sqrt(size / 4), so every size (a power of two) is
 * exact. One RESULT line per (operation, size); MB = 10^6 bytes.
 * Usage: pvgpu-mb-xfer [--seconds S] [--ops LIST] [--sizes LIST]
 *        (LIST is comma-separated; sizes in bytes, powers of two, 1 KiB .. 256 MiB)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_gl.h"

#define MAX_SIZES 16
#define MIN_SIZE 1024u
#define MAX_SIZE (256u << 20)

enum op { TEX_UPLOAD, TEX_READBACK, BUF_UPLOAD, BUF_READBACK, NUM_OPS };
static const char *const op_names[NUM_OPS] = {"tex-upload", "tex-readback", "buf-upload",
					      "buf-readback"};

struct xfer {
	enum op op;
	size_t size;
	int w, h;
	GLuint tex, fbo, buf;
	uint8_t *mem;
	unsigned serial;
};

static bool
frame(struct bench_gl *g, void *data)
{
	struct xfer *x = data;
	/* New bytes every time: nothing may skip an upload of unchanged data. */
	x->mem[(x->serial++ * 4099u) % x->size] ^= 0x5a;
	switch (x->op) {
	case TEX_UPLOAD:
		glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, x->w, x->h, GL_RGBA, GL_UNSIGNED_BYTE,
				x->mem);
		break;
	case TEX_READBACK:
		glReadPixels(0, 0, x->w, x->h, GL_RGBA, GL_UNSIGNED_BYTE, x->mem);
		break;
	case BUF_UPLOAD:
		glBufferSubData(GL_COPY_WRITE_BUFFER, 0, (GLsizeiptr)x->size, x->mem);
		break;
	case BUF_READBACK:
		glGetBufferSubData(GL_COPY_WRITE_BUFFER, 0, (GLsizeiptr)x->size, x->mem);
		break;
	default:
		return false;
	}
	return true;
}

static bool
setup(struct bench_gl *g, struct xfer *x)
{
	size_t pixels = x->size / 4;
	int w = 1;
	while ((size_t)w * (size_t)w < pixels) {
		w *= 2;
	}
	x->w = w;
	x->h = (int)(pixels / (size_t)w);
	x->mem = malloc(x->size);
	if (!x->mem) {
		fprintf(stderr, "%s: out of memory\n", g->name);
		return false;
	}
	for (size_t i = 0; i < x->size; i++) {
		x->mem[i] = (uint8_t)(i * 7u);
	}
	if (x->op == TEX_UPLOAD || x->op == TEX_READBACK) {
		glGenTextures(1, &x->tex);
		glBindTexture(GL_TEXTURE_2D, x->tex);
		glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, x->w, x->h, 0, GL_RGBA, GL_UNSIGNED_BYTE,
			     x->mem);
		glGenFramebuffers(1, &x->fbo);
		glBindFramebuffer(GL_FRAMEBUFFER, x->fbo);
		glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, x->tex,
				       0);
		if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
			fprintf(stderr, "%s: %dx%d framebuffer incomplete\n", g->name, x->w, x->h);
			return false;
		}
		glPixelStorei(GL_PACK_ALIGNMENT, 4);
		glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
	} else {
		glGenBuffers(1, &x->buf);
		glBindBuffer(GL_COPY_WRITE_BUFFER, x->buf);
		glBufferData(GL_COPY_WRITE_BUFFER, (GLsizeiptr)x->size, x->mem, GL_DYNAMIC_DRAW);
	}
	return bench_check(g, "setup");
}

static void
teardown(struct xfer *x)
{
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glDeleteFramebuffers(1, &x->fbo);
	glDeleteTextures(1, &x->tex);
	glDeleteBuffers(1, &x->buf);
	free(x->mem);
	glFinish();
}

static bool
parse_ops(const char *list, bool ops[NUM_OPS])
{
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", list);
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int found = -1;
		for (int i = 0; i < NUM_OPS; i++) {
			if (!strcmp(t, op_names[i])) {
				found = i;
			}
		}
		if (found < 0) {
			fprintf(stderr, "pvgpu-mb-xfer: unknown operation '%s'\n", t);
			return false;
		}
		ops[found] = true;
	}
	return true;
}

static int
parse_sizes(const char *list, size_t sizes[MAX_SIZES])
{
	int n = 0;
	const char *p = list;
	while (*p && n < MAX_SIZES) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p || v < MIN_SIZE || v > MAX_SIZE || (v & (v - 1)) ||
		    (*end && *end != ',')) {
			fprintf(stderr, "pvgpu-mb-xfer: bad size in '%s'\n", list);
			return -1;
		}
		sizes[n++] = (size_t)v;
		p = *end ? end + 1 : end;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct bench_gl g;
	int argi;
	if (!bench_gl_init(&g, "pvgpu-mb-xfer", argc, argv, &argi)) {
		return 1;
	}
	bool ops[NUM_OPS] = {true, true, true, true};
	size_t sizes[MAX_SIZES] = {1u << 10, 1u << 20, 16u << 20};
	int nsizes = 3;
	for (int i = argi; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--ops")) {
			memset(ops, 0, sizeof(ops));
			if (!parse_ops(argv[i + 1], ops)) {
				return 1;
			}
		} else if (!strcmp(argv[i], "--sizes")) {
			nsizes = parse_sizes(argv[i + 1], sizes);
			if (nsizes <= 0) {
				return 1;
			}
		} else {
			fprintf(stderr, "pvgpu-mb-xfer: unknown option '%s'\n", argv[i]);
			return 1;
		}
	}
	for (int op = 0; op < NUM_OPS; op++) {
		for (int s = 0; ops[op] && s < nsizes; s++) {
			struct xfer x = {.op = (enum op)op, .size = sizes[s]};
			if (!setup(&g, &x)) {
				return 1;
			}
			double secs = 0;
			long frames = bench_run_frames(&g, frame, &x, 3, &secs);
			teardown(&x);
			if (frames < 0) {
				return 1;
			}
			char extra[64];
			snprintf(extra, sizeof(extra), "bytes=%zu", x.size);
			bench_result(&g, op_names[op], (double)frames * (double)x.size / secs / 1e6,
				     "MB/s", frames, secs, extra);
		}
	}
	bench_gl_finish(&g);
	return 0;
}
