/* pvgpu display — opening an output backend by name ("headless", "sdl", "kms"). */
#ifndef DPY_BACKEND_OPEN_H
#define DPY_BACKEND_OPEN_H

#include "dpy_output.h"

/** `spec` is NAME or NAME:N (N outputs; `outputs` when no :N, 0 = 1). NULL
 *  (and *why) when the backend is unknown, not built or fails. */
struct dpy_backend *dpy_backend_open(const char *spec, unsigned outputs,
				     const struct dpy_mode *mode, const char **why);
/** The backends built in, for --help. */
const char *dpy_backend_names(void);

#endif /* DPY_BACKEND_OPEN_H */
