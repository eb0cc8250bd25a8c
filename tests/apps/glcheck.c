/*
 * glcheck — a GL client for the apps suite that checks pixels without drawing.
 *
 * Runs on any GLX implementation; the apps suite runs it on Mesa's virpipe driver
 * against pvgpu-vtest and against virgl_test_server. It exercises the paths a
 * renderer must get exactly right before the draw path exists: clears (full and
 * scissored) of the window and of FBO renderbuffers/textures, texture uploads in
 * several formats, glCopyTexSubImage2D, glBlitFramebuffer (1:1, scaled, flipped)
 * and sub-rectangle glReadPixels. Every expected value is computed here; all
 * colours are exactly representable in 8 bits, and blits use scale factors with
 * no sampling ties, so any conforming implementation gives identical bytes.
 *
 * Output: one line per readback (name, size, CRC-32, first bytes, verdict) on
 * stdout, identical between implementations that pass; the GL renderer string
 * goes to stderr. Exit status 0 only if every check passed.
 *
 * Mesa's state tracker turns a scissored glClear into a quad *draw*, so the
 * scissored clears need a renderer with a draw path; --no-scissored-clears leaves
 * them out (both runs of a comparison must use the same options).
 *
 * Usage: glcheck [--repeat N] [--no-scissored-clears]
 */
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
#include <GL/glx.h>
#include <X11/Xlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN_W 100 /* not a multiple of 64: catches stride mistakes */
#define WIN_H 60

struct glcheck {
	Display *dpy;
	Window win;
	GLXContext glc;
	bool scissored_clears;
	int checks;
	int failures;
};

/* ------------------------------------------------------------ reporting */

static uint32_t
crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++) {
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
		}
	}
	return ~c;
}

/* Compares a readback with its expected bytes; prints one line either way. */
static void
check(struct glcheck *g, const char *name, int w, int h, int bpp, const void *got, const void *want)
{
	size_t size = (size_t)w * (size_t)h * (size_t)bpp;
	const uint8_t *a = got, *b = want;
	g->checks++;
	printf("%-36s %3dx%-3d crc=%08x first=", name, w, h, crc32(a, size));
	for (size_t i = 0; i < 8 && i < size; i++) {
		printf("%02x", a[i]);
	}
	size_t bad = size;
	for (size_t i = 0; i < size; i++) {
		if (a[i] != b[i]) {
			bad = i;
			break;
		}
	}
	if (bad == size) {
		printf(" OK\n");
		return;
	}
	g->failures++;
	size_t px = bad / (size_t)bpp;
	printf(" MISMATCH at (%zu,%zu) byte %zu: got", px % (size_t)w, px / (size_t)w,
	       bad % (size_t)bpp);
	for (int i = 0; i < bpp && i < 16; i++) {
		printf(" %02x", a[px * (size_t)bpp + (size_t)i]);
	}
	printf(" want");
	for (int i = 0; i < bpp && i < 16; i++) {
		printf(" %02x", b[px * (size_t)bpp + (size_t)i]);
	}
	printf("\n");
}

static void
check_gl_error(struct glcheck *g, const char *where)
{
	GLenum e = glGetError();
	if (e != GL_NO_ERROR) {
		printf("%-36s GL error 0x%04x\n", where, e);
		g->failures++;
	}
}

/* ------------------------------------------------------------ pixel helpers */

struct rgba8 {
	uint8_t r, g, b, a;
};

static struct rgba8
px(int r, int g_, int b, int a)
{
	return (struct rgba8){(uint8_t)r, (uint8_t)g_, (uint8_t)b, (uint8_t)a};
}

static void
clear_to(struct rgba8 c)
{
	glClearColor(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, c.a / 255.0f);
	glClear(GL_COLOR_BUFFER_BIT);
}

static void
scissored_clear(int x, int y, int w, int h, struct rgba8 c)
{
	glEnable(GL_SCISSOR_TEST);
	glScissor(x, y, w, h);
	clear_to(c);
	glDisable(GL_SCISSOR_TEST);
}

static void
fill_rect(struct rgba8 *img, int iw, int x, int y, int w, int h, struct rgba8 c)
{
	for (int j = y; j < y + h; j++) {
		for (int i = x; i < x + w; i++) {
			img[j * iw + i] = c;
		}
	}
}

/* A texel pattern where every channel of every texel differs from its neighbours. */
static struct rgba8
pattern(int x, int y, int seed)
{
	return px((x * 7 + y * 13 + seed) & 0xff, (x * 29 + y * 3 + seed * 5) & 0xff,
		  (x * 11 + y * 17 + 64) & 0xff, (x * 5 + y * 23 + seed + 1) & 0xff);
}

static void
fill_pattern(struct rgba8 *img, int w, int h, int seed)
{
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			img[y * w + x] = pattern(x, y, seed);
		}
	}
}

static void
sub_image(const struct rgba8 *src, int sw, int x, int y, int w, int h, struct rgba8 *dst)
{
	for (int j = 0; j < h; j++) {
		memcpy(dst + j * w, src + (y + j) * sw + x, (size_t)w * sizeof(*dst));
	}
}

static void *
read_pixels(int x, int y, int w, int h, GLenum format, GLenum type, size_t bpp)
{
	void *buf = calloc((size_t)w * (size_t)h, bpp);
	glPixelStorei(GL_PACK_ALIGNMENT, 1);
	glReadPixels(x, y, w, h, format, type, buf);
	return buf;
}

/* Reads an RGBA8 rectangle and compares it with the same rectangle of `img`. */
static void
check_rect(struct glcheck *g, const char *name, const struct rgba8 *img, int iw, int x, int y,
	   int w, int h)
{
	struct rgba8 *want = malloc((size_t)w * (size_t)h * sizeof(*want));
	sub_image(img, iw, x, y, w, h, want);
	void *got = read_pixels(x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, 4);
	check(g, name, w, h, 4, got, want);
	free(got);
	free(want);
}

/* ------------------------------------------------------------ FBO helpers */

static GLuint
make_texture(GLenum internal, int w, int h)
{
	GLuint tex;
	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
	glTexImage2D(GL_TEXTURE_2D, 0, (GLint)internal, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
	return tex;
}

/* An FBO with `tex` (or renderbuffer `rb` when tex is 0) as colour attachment 0. */
static GLuint
make_fbo(struct glcheck *g, const char *name, GLuint tex, GLuint rb)
{
	GLuint fbo;
	glGenFramebuffers(1, &fbo);
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	if (tex) {
		glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
	} else {
		glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER,
					  rb);
	}
	GLenum st = glCheckFramebufferStatus(GL_FRAMEBUFFER);
	if (st != GL_FRAMEBUFFER_COMPLETE) {
		printf("%-36s framebuffer incomplete 0x%04x\n", name, st);
		g->failures++;
	}
	return fbo;
}

static GLuint
make_renderbuffer(int w, int h)
{
	GLuint rb;
	glGenRenderbuffers(1, &rb);
	glBindRenderbuffer(GL_RENDERBUFFER, rb);
	glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
	return rb;
}

static void
upload_rgba8(GLuint tex, int x, int y, int w, int h, const struct rgba8 *data)
{
	glBindTexture(GL_TEXTURE_2D, tex);
	glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
	glTexSubImage2D(GL_TEXTURE_2D, 0, x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, data);
}

/* ------------------------------------------------------------ tests */

/* The window's back buffer: full and scissored clears, sub-rectangle reads. */
static void
test_window_clears(struct glcheck *g, struct rgba8 *win)
{
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glDrawBuffer(GL_BACK);
	glReadBuffer(GL_BACK);
	/* Window alpha is not guaranteed to be stored (X visuals are often RGBX): use 255. */
	struct rgba8 c0 = px(51, 102, 153, 255), c1 = px(255, 0, 128, 255), c2 = px(1, 2, 3, 255);
	clear_to(c0);
	fill_rect(win, WIN_W, 0, 0, WIN_W, WIN_H, c0);
	check_rect(g, "window clear", win, WIN_W, 0, 0, WIN_W, WIN_H);
	if (g->scissored_clears) {
		scissored_clear(10, 5, 30, 20, c1);
		fill_rect(win, WIN_W, 10, 5, 30, 20, c1);
		scissored_clear(WIN_W - 7, WIN_H - 9, 7, 9, c2);
		fill_rect(win, WIN_W, WIN_W - 7, WIN_H - 9, 7, 9, c2);
		check_rect(g, "window scissored clears", win, WIN_W, 0, 0, WIN_W, WIN_H);
	}
	/* A pattern in the window (blits need no draw path), for the reads below and
	 * for test_copy_tex. */
	struct rgba8 pat[24 * 24];
	fill_pattern(pat, 24, 24, 3);
	GLuint tex = make_texture(GL_RGBA8, 24, 24);
	upload_rgba8(tex, 0, 0, 24, 24, pat);
	GLuint fbo = make_fbo(g, "window pattern fbo", tex, 0);
	glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
	glBlitFramebuffer(0, 0, 24, 24, 64, 30, 88, 54, GL_COLOR_BUFFER_BIT, GL_NEAREST);
	for (int y = 0; y < 24; y++) {
		for (int x = 0; x < 24; x++) {
			struct rgba8 p = pat[y * 24 + x];
			p.a = 255;
			win[(30 + y) * WIN_W + 64 + x] = p;
		}
	}
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glReadBuffer(GL_BACK);
	glDeleteFramebuffers(1, &fbo);
	glDeleteTextures(1, &tex);
	check_rect(g, "window after pattern blit", win, WIN_W, 0, 0, WIN_W, WIN_H);
	check_rect(g, "window sub-rect read", win, WIN_W, 7, 3, 41, 29);
	check_rect(g, "window pattern sub-rect read", win, WIN_W, 61, 27, 30, 31);
	check_rect(g, "window corner read", win, WIN_W, WIN_W - 5, WIN_H - 4, 5, 4);
	check_rect(g, "window 1x1 read", win, WIN_W, 70, 40, 1, 1);

	/* The same rectangle read as BGRA bytes. */
	int x = 40, y = 25, w = 37, h = 21;
	uint8_t *want = malloc((size_t)w * (size_t)h * 4);
	for (int j = 0; j < h; j++) {
		for (int i = 0; i < w; i++) {
			struct rgba8 p = win[(y + j) * WIN_W + x + i];
			uint8_t *d = want + ((size_t)j * (size_t)w + (size_t)i) * 4;
			d[0] = p.b;
			d[1] = p.g;
			d[2] = p.r;
			d[3] = p.a;
		}
	}
	void *got = read_pixels(x, y, w, h, GL_BGRA, GL_UNSIGNED_BYTE, 4);
	check(g, "window sub-rect read BGRA", w, h, 4, got, want);
	free(got);
	free(want);
	check_gl_error(g, "window clears");
}

/* Renderbuffer and texture FBOs: clears with non-1 alpha, scissored clears. */
static void
test_fbo_clears(struct glcheck *g)
{
	const int w = 48, h = 40;
	struct rgba8 *img = calloc((size_t)w * (size_t)h, sizeof(*img));
	GLuint rb = make_renderbuffer(w, h);
	GLuint fbo = make_fbo(g, "renderbuffer fbo", 0, rb);
	clear_to(px(17, 34, 68, 136));
	fill_rect(img, w, 0, 0, w, h, px(17, 34, 68, 136));
	check_rect(g, "renderbuffer clear", img, w, 0, 0, w, h);
	if (g->scissored_clears) {
		scissored_clear(3, 4, 20, 11, px(200, 100, 50, 25));
		fill_rect(img, w, 3, 4, 20, 11, px(200, 100, 50, 25));
		scissored_clear(30, 25, 18, 15, px(0, 255, 0, 0));
		fill_rect(img, w, 30, 25, 18, 15, px(0, 255, 0, 0));
		check_rect(g, "renderbuffer scissored clears", img, w, 0, 0, w, h);
	}
	check_rect(g, "renderbuffer sub-rect read", img, w, 2, 3, 31, 27);
	glDeleteFramebuffers(1, &fbo);
	glDeleteRenderbuffers(1, &rb);

	const int tw = 40, th = 36;
	GLuint tex = make_texture(GL_RGBA8, tw, th);
	fbo = make_fbo(g, "texture fbo", tex, 0);
	clear_to(px(255, 255, 255, 255));
	fill_rect(img, tw, 0, 0, tw, th, px(255, 255, 255, 255));
	if (g->scissored_clears) {
		scissored_clear(0, 0, 13, 36, px(9, 8, 7, 6));
		fill_rect(img, tw, 0, 0, 13, 36, px(9, 8, 7, 6));
	}
	check_rect(g, "texture clear", img, tw, 0, 0, tw, th);
	check_rect(g, "texture sub-rect read", img, tw, 11, 9, 5, 17);
	glDeleteFramebuffers(1, &fbo);
	glDeleteTextures(1, &tex);
	free(img);
	check_gl_error(g, "fbo clears");
}

struct upload_case {
	const char *name;
	GLenum internal, format, type;
	int bpp; /* bytes per texel both in the upload and in the readback */
};

/* Texel value of the upload pattern for a case, as bytes (floats for the float case). */
static void
upload_texel(const struct upload_case *uc, int x, int y, int seed, uint8_t *out)
{
	struct rgba8 p = pattern(x, y, seed);
	if (uc->type == GL_FLOAT) {
		/* Multiples of 1/16 below 16: exact in binary32 everywhere. */
		float f[4] = {(float)(p.r & 0xf) / 16.0f + (float)(x & 7), (float)p.g / 16.0f,
			      -(float)p.b / 64.0f, (float)(p.a & 0x3f) / 4.0f};
		memcpy(out, f, sizeof(f));
		return;
	}
	uint8_t v[4] = {p.r, p.g, p.b, p.a};
	memcpy(out, v, (size_t)uc->bpp);
}

/* glTexSubImage2D of a full image then of a sub-rectangle; read back through an FBO. */
static void
test_upload(struct glcheck *g, const struct upload_case *uc)
{
	const int w = 32, h = 32, sx = 5, sy = 3, sw = 20, sh = 10;
	size_t bpp = (size_t)uc->bpp;
	uint8_t *img = malloc((size_t)w * h * bpp), *sub = malloc((size_t)sw * sh * bpp);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			upload_texel(uc, x, y, 1, img + ((size_t)y * w + (size_t)x) * bpp);
		}
	}
	for (int y = 0; y < sh; y++) {
		for (int x = 0; x < sw; x++) {
			upload_texel(uc, x, y, 77, sub + ((size_t)y * sw + (size_t)x) * bpp);
		}
	}
	GLuint tex;
	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 0);
	glTexImage2D(GL_TEXTURE_2D, 0, (GLint)uc->internal, w, h, 0, uc->format, uc->type, NULL);
	glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
	glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, uc->format, uc->type, img);
	char name[64];
	GLuint fbo = make_fbo(g, uc->name, tex, 0);
	snprintf(name, sizeof(name), "upload %s", uc->name);
	void *got = read_pixels(0, 0, w, h, uc->format, uc->type, bpp);
	check(g, name, w, h, uc->bpp, got, img);
	free(got);

	glTexSubImage2D(GL_TEXTURE_2D, 0, sx, sy, sw, sh, uc->format, uc->type, sub);
	for (int y = 0; y < sh; y++) {
		memcpy(img + ((size_t)(sy + y) * w + sx) * bpp, sub + (size_t)y * sw * bpp,
		       (size_t)sw * bpp);
	}
	snprintf(name, sizeof(name), "upload %s sub-rect", uc->name);
	got = read_pixels(0, 0, w, h, uc->format, uc->type, bpp);
	check(g, name, w, h, uc->bpp, got, img);
	free(got);
	glDeleteFramebuffers(1, &fbo);
	glDeleteTextures(1, &tex);
	free(img);
	free(sub);
	check_gl_error(g, uc->name);
}

static void
test_uploads(struct glcheck *g)
{
	static const struct upload_case cases[] = {
		{"RGBA8", GL_RGBA8, GL_RGBA, GL_UNSIGNED_BYTE, 4},
		{"BGRA8", GL_RGBA8, GL_BGRA, GL_UNSIGNED_BYTE, 4},
		{"R8", GL_R8, GL_RED, GL_UNSIGNED_BYTE, 1},
		{"RG8", GL_RG8, GL_RG, GL_UNSIGNED_BYTE, 2},
		{"RGBA32F", GL_RGBA32F, GL_RGBA, GL_FLOAT, 16},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_upload(g, &cases[i]);
	}
}

/* glCopyTexSubImage2D from the window and from an FBO into a texture. */
static void
test_copy_tex(struct glcheck *g, const struct rgba8 *win)
{
	const int tw = 40, th = 30, cx = 50, cy = 20, cw = 32, ch = 24, ox = 3, oy = 2;
	struct rgba8 *img = calloc((size_t)tw * th, sizeof(*img));
	GLuint tex = make_texture(GL_RGBA8, tw, th);
	GLuint fbo = make_fbo(g, "copy dst fbo", tex, 0);
	clear_to(px(90, 80, 70, 60));
	fill_rect(img, tw, 0, 0, tw, th, px(90, 80, 70, 60));

	/* Window back buffer -> texture (window content from test_window_clears). */
	glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
	glReadBuffer(GL_BACK);
	glBindTexture(GL_TEXTURE_2D, tex);
	glCopyTexSubImage2D(GL_TEXTURE_2D, 0, ox, oy, cx, cy, cw, ch);
	for (int y = 0; y < ch; y++) {
		for (int x = 0; x < cw; x++) {
			img[(oy + y) * tw + ox + x] = win[(cy + y) * WIN_W + cx + x];
		}
	}
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	check_rect(g, "copytexsubimage from window", img, tw, 0, 0, tw, th);

	/* FBO holding a pattern -> the same texture at another offset. */
	struct rgba8 pat[16 * 16];
	fill_pattern(pat, 16, 16, 5);
	GLuint src = make_texture(GL_RGBA8, 16, 16);
	upload_rgba8(src, 0, 0, 16, 16, pat);
	GLuint src_fbo = make_fbo(g, "copy src fbo", src, 0);
	glBindTexture(GL_TEXTURE_2D, tex);
	glCopyTexSubImage2D(GL_TEXTURE_2D, 0, 20, 10, 2, 3, 14, 12);
	for (int y = 0; y < 12; y++) {
		for (int x = 0; x < 14; x++) {
			img[(10 + y) * tw + 20 + x] = pat[(3 + y) * 16 + 2 + x];
		}
	}
	glBindFramebuffer(GL_FRAMEBUFFER, fbo);
	check_rect(g, "copytexsubimage from fbo", img, tw, 0, 0, tw, th);
	glDeleteFramebuffers(1, &src_fbo);
	glDeleteFramebuffers(1, &fbo);
	glDeleteTextures(1, &src);
	glDeleteTextures(1, &tex);
	free(img);
	check_gl_error(g, "copytexsubimage");
}

/* One blit from the pattern texture into a cleared destination, then a readback. */
struct blit_case {
	const char *name;
	int s0x, s0y, s1x, s1y; /* source rectangle */
	int d0x, d0y, d1x, d1y; /* destination rectangle (flips when 1 < 0) */
};

/*
 * Expected result of a nearest blit, computed the way GL defines it: each
 * destination pixel centre maps linearly into the source rectangle and takes
 * the texel it falls in. The cases avoid centres that land on texel edges.
 */
static void
expect_blit(const struct blit_case *bc, const struct rgba8 *src, int sw, struct rgba8 *dst, int dw)
{
	int dx0 = bc->d0x < bc->d1x ? bc->d0x : bc->d1x, dx1 = bc->d0x ^ bc->d1x ^ dx0;
	int dy0 = bc->d0y < bc->d1y ? bc->d0y : bc->d1y, dy1 = bc->d0y ^ bc->d1y ^ dy0;
	for (int y = dy0; y < dy1; y++) {
		for (int x = dx0; x < dx1; x++) {
			double fx = (x + 0.5 - bc->d0x) / (bc->d1x - bc->d0x);
			double fy = (y + 0.5 - bc->d0y) / (bc->d1y - bc->d0y);
			int sx = bc->s0x + (int)(fx * (bc->s1x - bc->s0x));
			int sy = bc->s0y + (int)(fy * (bc->s1y - bc->s0y));
			dst[y * dw + x] = src[sy * sw + sx];
		}
	}
}

static void
test_blits(struct glcheck *g)
{
	static const struct blit_case cases[] = {
		{"blit 1:1 nearest", 0, 0, 32, 32, 4, 6, 36, 38},
		{"blit 2x nearest", 0, 0, 16, 16, 10, 10, 42, 42},
		{"blit 1/3 nearest", 0, 0, 30, 30, 40, 40, 50, 50},
		{"blit y-flip", 0, 0, 32, 32, 0, 48, 32, 16},
		{"blit x-flip sub-rect", 5, 7, 25, 19, 60, 2, 40, 14},
	};
	const int sw = 32, dw = 64, dh = 64;
	struct rgba8 pat[32 * 32], *img = calloc((size_t)dw * dh, sizeof(*img));
	fill_pattern(pat, sw, sw, 9);
	GLuint src = make_texture(GL_RGBA8, sw, sw);
	upload_rgba8(src, 0, 0, sw, sw, pat);
	GLuint src_fbo = make_fbo(g, "blit src fbo", src, 0);
	GLuint rb = make_renderbuffer(dw, dh);
	GLuint rb_fbo = make_fbo(g, "blit dst fbo", 0, rb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct blit_case *bc = &cases[i];
		glBindFramebuffer(GL_FRAMEBUFFER, rb_fbo);
		clear_to(px(33, 66, 99, 132));
		fill_rect(img, dw, 0, 0, dw, dh, px(33, 66, 99, 132));
		glBindFramebuffer(GL_READ_FRAMEBUFFER, src_fbo);
		glBindFramebuffer(GL_DRAW_FRAMEBUFFER, rb_fbo);
		glBlitFramebuffer(bc->s0x, bc->s0y, bc->s1x, bc->s1y, bc->d0x, bc->d0y, bc->d1x,
				  bc->d1y, GL_COLOR_BUFFER_BIT, GL_NEAREST);
		expect_blit(bc, pat, sw, img, dw);
		glBindFramebuffer(GL_FRAMEBUFFER, rb_fbo);
		check_rect(g, bc->name, img, dw, 0, 0, dw, dh);
	}

	/* Renderbuffer -> texture, and texture -> window. */
	GLuint dst = make_texture(GL_RGBA8, 24, 20);
	GLuint dst_fbo = make_fbo(g, "blit tex dst fbo", dst, 0);
	clear_to(px(0, 0, 0, 0));
	glBindFramebuffer(GL_READ_FRAMEBUFFER, rb_fbo);
	glBindFramebuffer(GL_DRAW_FRAMEBUFFER, dst_fbo);
	glBlitFramebuffer(40, 40, 64, 60, 0, 0, 24, 20, GL_COLOR_BUFFER_BIT, GL_NEAREST);
	struct rgba8 tex_img[24 * 20];
	sub_image(img, dw, 40, 40, 24, 20, tex_img);
	glBindFramebuffer(GL_FRAMEBUFFER, dst_fbo);
	check_rect(g, "blit renderbuffer -> texture", tex_img, 24, 0, 0, 24, 20);

	struct rgba8 win[WIN_W * WIN_H];
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glDrawBuffer(GL_BACK);
	clear_to(px(10, 20, 30, 255));
	fill_rect(win, WIN_W, 0, 0, WIN_W, WIN_H, px(10, 20, 30, 255));
	glBindFramebuffer(GL_READ_FRAMEBUFFER, src_fbo);
	glBlitFramebuffer(0, 0, 32, 32, 50, 20, 82, 52, GL_COLOR_BUFFER_BIT, GL_NEAREST);
	for (int y = 0; y < 32; y++) {
		for (int x = 0; x < 32; x++) {
			struct rgba8 p = pat[y * sw + x];
			p.a = 255; /* window alpha, see test_window_clears */
			win[(20 + y) * WIN_W + 50 + x] = p;
		}
	}
	glBindFramebuffer(GL_FRAMEBUFFER, 0);
	glReadBuffer(GL_BACK);
	check_rect(g, "blit texture -> window", win, WIN_W, 0, 0, WIN_W, WIN_H);

	glDeleteFramebuffers(1, &dst_fbo);
	glDeleteFramebuffers(1, &rb_fbo);
	glDeleteFramebuffers(1, &src_fbo);
	glDeleteTextures(1, &dst);
	glDeleteTextures(1, &src);
	glDeleteRenderbuffers(1, &rb);
	free(img);
	check_gl_error(g, "blits");
}

/* ------------------------------------------------------------ window setup */

static bool
open_window(struct glcheck *g)
{
	g->dpy = XOpenDisplay(NULL);
	if (!g->dpy) {
		fprintf(stderr, "glcheck: cannot open display\n");
		return false;
	}
	int attrs[] = {GLX_RGBA, GLX_RED_SIZE,     8,   GLX_GREEN_SIZE, 8, GLX_BLUE_SIZE,
		       8,        GLX_DOUBLEBUFFER, None};
	int scr = DefaultScreen(g->dpy);
	XVisualInfo *vi = glXChooseVisual(g->dpy, scr, attrs);
	if (!vi) {
		fprintf(stderr, "glcheck: no RGB8 double-buffered visual\n");
		return false;
	}
	Window root = RootWindow(g->dpy, scr);
	XSetWindowAttributes swa = {
		.colormap = XCreateColormap(g->dpy, root, vi->visual, AllocNone),
		.event_mask = StructureNotifyMask | ExposureMask,
	};
	g->win = XCreateWindow(g->dpy, root, 0, 0, WIN_W, WIN_H, 0, vi->depth, InputOutput,
			       vi->visual, CWColormap | CWEventMask, &swa);
	XStoreName(g->dpy, g->win, "glcheck");
	/* virpipe reads the window's contents when it sets up the front buffer, which
	 * fails on an unmapped window (virgl-wire.md §7.13): map it and wait. */
	XMapWindow(g->dpy, g->win);
	XEvent ev;
	do {
		XNextEvent(g->dpy, &ev);
	} while (ev.type != MapNotify);
	g->glc = glXCreateContext(g->dpy, vi, NULL, True);
	XFree(vi);
	if (!g->glc || !glXMakeCurrent(g->dpy, g->win, g->glc)) {
		fprintf(stderr, "glcheck: cannot create/make current a GLX context\n");
		return false;
	}
	return true;
}

static void
close_window(struct glcheck *g)
{
	glXMakeCurrent(g->dpy, None, NULL);
	glXDestroyContext(g->dpy, g->glc);
	XDestroyWindow(g->dpy, g->win);
	XCloseDisplay(g->dpy);
}

int
main(int argc, char **argv)
{
	int repeat = 1;
	struct glcheck g = {.scissored_clears = true};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
			repeat = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--no-scissored-clears")) {
			g.scissored_clears = false;
		} else {
			fprintf(stderr, "usage: glcheck [--repeat N] [--no-scissored-clears]\n");
			return 2;
		}
	}
	if (!open_window(&g)) {
		return 1;
	}
	fprintf(stderr, "glcheck: GL_RENDERER %s, GL_VERSION %s\n",
		(const char *)glGetString(GL_RENDERER), (const char *)glGetString(GL_VERSION));
	glDisable(GL_DITHER);
	static struct rgba8 win[WIN_W * WIN_H];
	for (int i = 0; i < repeat; i++) {
		printf("== pass %d%s\n", i + 1,
		       g.scissored_clears ? "" : " (scissored clears skipped)");
		test_window_clears(&g, win);
		test_fbo_clears(&g);
		test_uploads(&g);
		test_copy_tex(&g, win);
		test_blits(&g);
		glXSwapBuffers(g.dpy, g.win);
		fflush(stdout);
	}
	printf("glcheck: %d checks, %d failed\n", g.checks, g.failures);
	close_window(&g);
	return g.failures ? 1 : 0;
}
