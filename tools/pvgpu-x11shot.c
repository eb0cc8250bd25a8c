/*
 * pvgpu-x11shot — save an X11 window (found by its name) or the root window as PNG.
 * Used by `make demo` to keep a screenshot of the guest app's window.
 *
 *   pvgpu-x11shot [--display=:N] [--window=NAME] OUT.png
 *
 * NAME matches a window named exactly NAME, or "NAME [anything]".
 */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Window
find_window(Display *dpy, Window w, const char *name)
{
	char *wname = NULL;
	if (XFetchName(dpy, w, &wname) && wname) {
		/* Exact, or the name followed by " [label]" (pvgpu-display's SDL windows). */
		size_t n = strlen(name);
		int match = !strcmp(wname, name) ||
			    (!strncmp(wname, name, n) && !strncmp(wname + n, " [", 2));
		XFree(wname);
		if (match) {
			return w;
		}
	}
	Window root, parent, *kids = NULL;
	unsigned n = 0;
	Window found = 0;
	if (XQueryTree(dpy, w, &root, &parent, &kids, &n)) {
		for (unsigned i = 0; i < n && !found; i++) {
			found = find_window(dpy, kids[i], name);
		}
		XFree(kids);
	}
	return found;
}

static int
channel(unsigned long pixel, unsigned long mask)
{
	if (!mask) {
		return 0;
	}
	int shift = __builtin_ctzl(mask);
	unsigned long max = mask >> shift;
	return (int)(((pixel & mask) >> shift) * 255 / max);
}

static int
write_png(const char *path, XImage *img)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return 1;
	}
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	if (!png || !info || setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "pvgpu-x11shot: PNG encoding failed\n");
		fclose(f);
		return 1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)img->width, (png_uint_32)img->height, 8,
		     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	png_bytep row = malloc((size_t)img->width * 3);
	for (int y = 0; y < img->height; y++) {
		for (int x = 0; x < img->width; x++) {
			unsigned long p = XGetPixel(img, x, y);
			row[x * 3 + 0] = (png_byte)channel(p, img->red_mask);
			row[x * 3 + 1] = (png_byte)channel(p, img->green_mask);
			row[x * 3 + 2] = (png_byte)channel(p, img->blue_mask);
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *display = NULL, *name = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--display=", 10)) {
			display = argv[i] + 10;
		} else if (!strncmp(argv[i], "--window=", 9)) {
			name = argv[i] + 9;
		} else if (!strcmp(argv[i], "--help")) {
			printf("usage: pvgpu-x11shot [--display=:N] [--window=NAME] OUT.png\n");
			return 0;
		} else if (argv[i][0] != '-' && !out) {
			out = argv[i];
		} else {
			fprintf(stderr, "pvgpu-x11shot: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!out) {
		fprintf(stderr, "usage: pvgpu-x11shot [--display=:N] [--window=NAME] OUT.png\n");
		return 2;
	}
	Display *dpy = XOpenDisplay(display);
	if (!dpy) {
		fprintf(stderr, "pvgpu-x11shot: cannot open display %s\n", display ? display : "");
		return 1;
	}
	Window w = DefaultRootWindow(dpy);
	if (name) {
		w = find_window(dpy, w, name);
		if (!w) {
			fprintf(stderr, "pvgpu-x11shot: no window named '%s'\n", name);
			XCloseDisplay(dpy);
			return 1;
		}
	}
	XWindowAttributes attr;
	XGetWindowAttributes(dpy, w, &attr);
	XImage *img = XGetImage(dpy, w, 0, 0, (unsigned)attr.width, (unsigned)attr.height,
				AllPlanes, ZPixmap);
	if (!img) {
		fprintf(stderr, "pvgpu-x11shot: XGetImage failed\n");
		XCloseDisplay(dpy);
		return 1;
	}
	int rc = write_png(out, img);
	XDestroyImage(img);
	XCloseDisplay(dpy);
	return rc;
}
