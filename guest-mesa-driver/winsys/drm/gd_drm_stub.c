/* pvgpu guest driver — gd_winsys_drm_create() when built without libdrm's headers. */
#include <errno.h>

#include "gd.h"

int
gd_winsys_drm_create(const char *path, struct gd_winsys **out)
{
	*out = NULL;
	return -ENOTSUP;
}
