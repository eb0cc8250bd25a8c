/* pvgpu display — backends by name (see dpy_backend_open.h). The SDL and KMS
 * backends join here when they are built (PVGPU_HAVE_SDL / PVGPU_HAVE_KMS). */
#include "dpy_backend_open.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpy_headless.h"
#ifdef PVGPU_HAVE_SDL
#include "dpy_sdl.h"
#endif
#ifdef PVGPU_HAVE_KMS
#include "dpy_kms.h"
#endif

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
dpy_backend_open(const char *spec, unsigned outputs, const struct dpy_mode *mode, char *why,
		 size_t why_len)
{
	char name[32];
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (len >= sizeof(name)) {
		snprintf(why, why_len, "unknown backend");
		return NULL;
	}
	memcpy(name, spec, len);
	name[len] = 0;
	if (colon) {
		char *end;
		unsigned long n = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || !n || n > DPY_HEADLESS_MAX_OUTPUTS) {
			snprintf(why, why_len, "bad output count");
			return NULL;
		}
		outputs = (unsigned)n;
	}
	if (!outputs) {
		outputs = 1;
	}
	if (!strcmp(name, "headless")) {
		snprintf(why, why_len, "cannot create the outputs");
		return dpy_headless_create(outputs, mode);
	}
#ifdef PVGPU_HAVE_SDL
	if (!strcmp(name, "sdl")) {
		struct dpy_sdl_options o = {
			.n_outputs = outputs, .width = mode->width, .height = mode->height};
		return dpy_sdl_backend_create(&o, why, why_len);
	}
#endif
#ifdef PVGPU_HAVE_KMS
	if (!strcmp(name, "kms")) {
		struct dpy_kms_options o = {0};
		return dpy_kms_backend_create(&o, why, why_len);
	}
#endif
	snprintf(why, why_len, "unknown or not built (see --help)");
	return NULL;
}
