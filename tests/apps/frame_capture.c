/*
 * pvgpu apps tests — an LD_PRELOAD shim that saves the frame a GL client reads
 * back with glReadPixels (glmark2 --validate reads a few pixels of each scene's
 * first frame), so that frame can be compared between two vtest servers.
 *
 * With PVGPU_FRAMES_DIR set, every glReadPixels first reads the whole current
 * viewport as RGBA8 with the real function and writes it to
 * $PVGPU_FRAMES_DIR/NNNN-read.rgba (NNNN counts dumps in call order), then does
 * the client's own call unchanged. Every glFinish likewise first dumps the
 * viewport, as NNNN-finish.rgba: glmark2 --validate ends each frame with
 * glFinish (not a swap), so frames of cases it does not validate can be
 * compared too. A file is a one-line text header
 *
 *   pvgpu-frame WIDTH HEIGHT STDOUT_OFFSET\n
 *
 * followed by WIDTH*HEIGHT*4 bytes, bottom row first (as GL returns them).
 * STDOUT_OFFSET is the client's stdout position (-1 when stdout is not a file):
 * glmark2 flushes "[scene] options:" before it draws a case and prints the
 * verdict after, so the offset names the case a frame belongs to. Further reads
 * at the same offset (several pixels of one case) are not dumped again.
 *
 * glmark2 does not link libGL: it dlopen()s it, takes glXGetProcAddress with
 * dlsym() and resolves glReadPixels and glFinish through it. So this shim
 * wraps dlsym, glXGetProcAddress(ARB) and eglGetProcAddress and hands out its
 * own functions for those names; a client linked to libGL gets them directly.
 *
 * Limit: a dlsym(RTLD_NEXT, ...) made by another library is answered relative
 * to this shim, not to its caller (no client of the apps tests does that).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define GL_VIEWPORT 0x0BA2
#define GL_RGBA 0x1908
#define GL_UNSIGNED_BYTE 0x1401

/* Large enough for any test window; bounds the allocation of one dump. */
#define MAX_SIDE 8192

typedef void (*read_pixels_fn)(int x, int y, int w, int h, unsigned format, unsigned type,
			       void *pixels);
typedef void (*get_integerv_fn)(unsigned pname, int *data);
typedef void (*(*get_proc_fn)(const unsigned char *name))(void);
typedef void *(*dlsym_fn)(void *handle, const char *name);
typedef void (*finish_fn)(void);

/*
 * The shim's state. The preloaded process has exactly one, so it is static;
 * clients of the apps tests read pixels from one thread.
 */
static struct {
	dlsym_fn real_dlsym;
	get_proc_fn real_glx_get_proc;
	get_proc_fn real_glx_get_proc_arb;
	get_proc_fn real_egl_get_proc;
	read_pixels_fn real_read_pixels;
	get_integerv_fn real_get_integerv;
	finish_fn real_finish;
	unsigned dumps;
	off_t last_offset;
	int have_last;
} shim;

void glReadPixels(int x, int y, int w, int h, unsigned format, unsigned type, void *pixels);
void (*glXGetProcAddress(const unsigned char *name))(void);
void (*glXGetProcAddressARB(const unsigned char *name))(void);
void (*eglGetProcAddress(const char *name))(void);
void glFinish(void);

static void *
next_dlsym(void *handle, const char *name)
{
	if (!shim.real_dlsym) {
		/* dlvsym is not wrapped: it finds libc's dlsym behind this shim. */
		shim.real_dlsym = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
		if (!shim.real_dlsym) {
			shim.real_dlsym = (dlsym_fn)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
		}
		if (!shim.real_dlsym) {
			return NULL;
		}
	}
	return shim.real_dlsym(handle, name);
}

/* Any GL entry point through whichever real resolver the client has used. */
static void *
real_gl_proc(const char *name)
{
	void (*fn)(void) = NULL;
	if (shim.real_glx_get_proc) {
		fn = shim.real_glx_get_proc((const unsigned char *)name);
	} else if (shim.real_glx_get_proc_arb) {
		fn = shim.real_glx_get_proc_arb((const unsigned char *)name);
	} else if (shim.real_egl_get_proc) {
		fn = shim.real_egl_get_proc((const unsigned char *)name);
	}
	return fn ? (void *)fn : next_dlsym(RTLD_NEXT, name);
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n <= 0) {
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
dump_frame(const char *dir, const char *kind)
{
	off_t offset = lseek(STDOUT_FILENO, 0, SEEK_CUR);
	int is_read = !strcmp(kind, "read");
	if (is_read && offset >= 0 && shim.have_last && offset == shim.last_offset) {
		return;
	}
	if (!shim.real_read_pixels) {
		shim.real_read_pixels = (read_pixels_fn)real_gl_proc("glReadPixels");
		if (!shim.real_read_pixels) {
			return;
		}
	}
	if (!shim.real_get_integerv) {
		shim.real_get_integerv = (get_integerv_fn)real_gl_proc("glGetIntegerv");
		if (!shim.real_get_integerv) {
			return;
		}
	}
	int vp[4] = {0, 0, 0, 0};
	shim.real_get_integerv(GL_VIEWPORT, vp);
	if (vp[2] <= 0 || vp[3] <= 0 || vp[2] > MAX_SIDE || vp[3] > MAX_SIDE) {
		fprintf(stderr, "frame-capture: viewport %dx%d not dumped\n", vp[2], vp[3]);
		return;
	}
	size_t size = (size_t)vp[2] * (size_t)vp[3] * 4;
	unsigned char *pixels = malloc(size);
	if (!pixels) {
		return;
	}
	shim.real_read_pixels(vp[0], vp[1], vp[2], vp[3], GL_RGBA, GL_UNSIGNED_BYTE, pixels);

	char path[4096];
	char header[96];
	int plen = snprintf(path, sizeof(path), "%s/%04u-%s.rgba", dir, shim.dumps, kind);
	int hlen = snprintf(header, sizeof(header), "pvgpu-frame %d %d %lld\n", vp[2], vp[3],
			    (long long)offset);
	int fd = plen > 0 && (size_t)plen < sizeof(path)
			 ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
			 : -1;
	if (fd < 0 || write_all(fd, header, (size_t)hlen) || write_all(fd, pixels, size)) {
		fprintf(stderr, "frame-capture: cannot write %s\n", path);
	}
	if (fd >= 0) {
		close(fd);
	}
	free(pixels);
	shim.dumps++;
	if (is_read) {
		shim.last_offset = offset;
		shim.have_last = 1;
	}
}

static void
dump_finished(void)
{
	const char *dir = getenv("PVGPU_FRAMES_DIR");
	if (dir && *dir) {
		dump_frame(dir, "finish");
	}
}

void
glReadPixels(int x, int y, int w, int h, unsigned format, unsigned type, void *pixels)
{
	if (!shim.real_read_pixels) {
		shim.real_read_pixels = (read_pixels_fn)real_gl_proc("glReadPixels");
		if (!shim.real_read_pixels) {
			fprintf(stderr, "frame-capture: no real glReadPixels\n");
			abort();
		}
	}
	const char *dir = getenv("PVGPU_FRAMES_DIR");
	if (dir && *dir) {
		dump_frame(dir, "read");
	}
	shim.real_read_pixels(x, y, w, h, format, type, pixels);
}

void
glFinish(void)
{
	if (!shim.real_finish) {
		shim.real_finish = (finish_fn)real_gl_proc("glFinish");
		if (!shim.real_finish) {
			fprintf(stderr, "frame-capture: no real glFinish\n");
			abort();
		}
	}
	dump_finished();
	shim.real_finish();
}

/* Remembers the real function a resolver returned and gives out its wrapper. */
static void (*wrap_proc(const char *name, void (*fn)(void)))(void)
{
	if (!fn) {
		return fn;
	}
	if (!strcmp(name, "glReadPixels")) {
		shim.real_read_pixels = (read_pixels_fn)fn;
		return (void (*)(void))glReadPixels;
	}
	if (!strcmp(name, "glFinish")) {
		shim.real_finish = (finish_fn)fn;
		return (void (*)(void))glFinish;
	}
	return fn;
}

void (*glXGetProcAddress(const unsigned char *name))(void)
{
	if (!shim.real_glx_get_proc) {
		shim.real_glx_get_proc = (get_proc_fn)next_dlsym(RTLD_NEXT, "glXGetProcAddress");
	}
	void (*fn)(void) = shim.real_glx_get_proc ? shim.real_glx_get_proc(name) : NULL;
	return wrap_proc((const char *)name, fn);
}

void (*glXGetProcAddressARB(const unsigned char *name))(void)
{
	if (!shim.real_glx_get_proc_arb) {
		shim.real_glx_get_proc_arb =
			(get_proc_fn)next_dlsym(RTLD_NEXT, "glXGetProcAddressARB");
	}
	void (*fn)(void) = shim.real_glx_get_proc_arb ? shim.real_glx_get_proc_arb(name) : NULL;
	return wrap_proc((const char *)name, fn);
}

void (*eglGetProcAddress(const char *name))(void)
{
	if (!shim.real_egl_get_proc) {
		shim.real_egl_get_proc = (get_proc_fn)next_dlsym(RTLD_NEXT, "eglGetProcAddress");
	}
	void (*fn)(void) =
		shim.real_egl_get_proc ? shim.real_egl_get_proc((const unsigned char *)name) : NULL;
	return wrap_proc(name, fn);
}

/*
 * A dlopen()ed libGL/libEGL is searched by dlsym, not by the preload order, so
 * the resolvers and glReadPixels taken from it are swapped for this shim's.
 */
void *
dlsym(void *restrict handle, const char *restrict name)
{
	void *sym = next_dlsym(handle, name);
	if (!sym) {
		return sym;
	}
	if (!strcmp(name, "glXGetProcAddress")) {
		shim.real_glx_get_proc = (get_proc_fn)sym;
		return (void *)glXGetProcAddress;
	}
	if (!strcmp(name, "glXGetProcAddressARB")) {
		shim.real_glx_get_proc_arb = (get_proc_fn)sym;
		return (void *)glXGetProcAddressARB;
	}
	if (!strcmp(name, "eglGetProcAddress")) {
		shim.real_egl_get_proc = (get_proc_fn)sym;
		return (void *)eglGetProcAddress;
	}
	return (void *)wrap_proc(name, (void (*)(void))sym);
}
