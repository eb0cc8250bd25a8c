/* pvgpu guest driver — the DRM winsys entry points when built without libdrm's headers. */
#include <errno.h>

#include "gd.h"

int
gd_winsys_drm_create(const char *path, struct gd_winsys **out)
{
	*out = NULL;
	return -ENOTSUP;
}

int
gd_resource_drm_handle(const struct gd_resource *res, int *fd, uint32_t *bo_handle)
{
	return -ENOTSUP;
}
