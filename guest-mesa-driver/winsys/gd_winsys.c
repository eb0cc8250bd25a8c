/* pvgpu guest driver — winsys functions shared by every backend (see gd_winsys.h). */
#include <errno.h>
#include <stddef.h>

#include "gd_winsys.h"

void
gd_winsys_destroy(struct gd_winsys *ws)
{
	if (ws) {
		ws->impl->destroy(ws);
	}
}

#ifndef GD_HAVE_INPROC
/* Built without the renderer (no GL and no null backend): callers link either way. */
int
gd_winsys_inproc_create(const struct gd_inproc_options *opts, struct gd_winsys **out)
{
	*out = NULL;
	return -ENOTSUP;
}
#endif
