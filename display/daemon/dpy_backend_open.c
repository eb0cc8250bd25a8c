/* pvgpu display — backends by name (see dpy_backend_open.h). The SDL and KMS
 * backends join here when they are built (PVGPU_HAVE_SDL / PVGPU_HAVE_KMS). */
#include "dpy_backend_open.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpy_headless.h"

const char *
dpy_backend_names(void)
{
	return "headless"
#ifdef PVGPU_HAVE_SDL
	       ", sdl"
#endif
#ifdef PVGPU_HAVE_KMS
	       ", kms"
#endif
		;
}

struct dpy_backend *
dpy_backend_open(const char *spec, unsigned outputs, const struct dpy_mode *mode, const char **why)
{
	char name[32];
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (len >= sizeof(name)) {
		*why = "unknown backend";
		return NULL;
	}
	memcpy(name, spec, len);
	name[len] = 0;
	if (colon) {
		char *end;
		unsigned long n = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || !n || n > DPY_HEADLESS_MAX_OUTPUTS) {
			*why = "bad output count";
			return NULL;
		}
		outputs = (unsigned)n;
	}
	if (!outputs) {
		outputs = 1;
	}
	if (!strcmp(name, "headless")) {
		struct dpy_backend *be = dpy_headless_create(outputs, mode);
		*why = "cannot create the outputs";
		return be;
	}
	*why = "unknown or not built (see --help)";
	return NULL;
}
