/* pvgpu display — opening an output backend by name ("headless", "sdl", "kms"). */
#ifndef DPY_BACKEND_OPEN_H
#define DPY_BACKEND_OPEN_H

#include "dpy_output.h"

/** `spec` is NAME or NAME:N (N outputs — headless, SDL windows; `outputs`
 *  when no :N, 0 = 1; KMS takes the connected connectors). NULL and the
 *  reason in why[why_len] when the backend is unknown, not built or fails. */
struct dpy_backend *dpy_backend_open(const char *spec, unsigned outputs,
				     const struct dpy_mode *mode, char *why, size_t why_len);
/** The backends built in, for --help. */
const char *dpy_backend_names(void);

#endif /* DPY_BACKEND_OPEN_H */
