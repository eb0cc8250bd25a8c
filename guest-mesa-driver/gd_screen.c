/* pvgpu guest driver — screens: the winsys, its caps and format support. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gd_priv.h"
#include "vgp_virgl_format.h"
#include "vr_format.h"

int
gd_screen_create(struct gd_winsys *ws, struct gd_screen **out)
{
	*out = NULL;
	if (!ws) {
		return -EINVAL;
	}
	struct gd_screen *s = calloc(1, sizeof(*s));
	if (!s) {
		ws->impl->destroy(ws);
		return -ENOMEM;
	}
	s->ws = ws;
	s->next_sub_ctx = 1;
	/* Prefer the v2 capset; v1-only hosts (old virglrenderer) still work. */
	int r = ws->impl->get_caps(ws, 2, &s->caps);
	s->caps_version = 2;
	if (r == -ENOTSUP) {
		r = ws->impl->get_caps(ws, 1, &s->caps);
		s->caps_version = 1;
	}
	if (r < 0) {
		gd_screen_destroy(s);
		return r;
	}
	*out = s;
	return 0;
}

void
gd_screen_destroy(struct gd_screen *screen)
{
	if (!screen) {
		return;
	}
	screen->ws->impl->destroy(screen->ws);
	free(screen);
}

const struct vgp_caps_v2 *
gd_screen_caps(const struct gd_screen *screen)
{
	return &screen->caps;
}

uint32_t
gd_screen_caps_version(const struct gd_screen *screen)
{
	return screen->caps_version;
}

const char *
gd_screen_winsys_name(const struct gd_screen *screen)
{
	return screen->ws->impl->name;
}

int
gd_screen_status(const struct gd_screen *screen)
{
	return screen->ws->status;
}

static bool
bit_set(const uint32_t *mask, uint32_t bits, uint32_t format)
{
	return format < bits && (mask[format / 32] >> (format % 32)) & 1u;
}

bool
gd_screen_format_supported(const struct gd_screen *screen, uint32_t format, uint32_t bind)
{
	const struct vgp_caps_v1 *v1 = &screen->caps.v1;
	const uint32_t bits = sizeof(v1->sampler.bitmask) * 8;
	const struct vr_format_info *fi = vr_format_get(format);
	if (!fi) {
		return false;
	}
	bool sampler = bit_set(v1->sampler.bitmask, bits, format);
	if ((bind & VIRGL_BIND_SAMPLER_VIEW) && !sampler) {
		return false;
	}
	if ((bind & VIRGL_BIND_RENDER_TARGET) && !bit_set(v1->render.bitmask, bits, format)) {
		return false;
	}
	/* Hosts leave the depth-stencil mask empty (virgl-wire.md 3.2): like Mesa, take a
	 * depth/stencil format the host can sample as one it can also render to. */
	if ((bind & VIRGL_BIND_DEPTH_STENCIL) &&
	    (!vr_format_is_depth_or_stencil(fi) ||
	     !(sampler || bit_set(v1->depthstencil.bitmask, bits, format)))) {
		return false;
	}
	/* The vertex mask only lists formats beyond the always-supported ones. */
	if ((bind & VIRGL_BIND_VERTEX_BUFFER) && format == VIRGL_FORMAT_R11G11B10_FLOAT &&
	    !bit_set(v1->vertexbuffer.bitmask, bits, format)) {
		return false;
	}
	return true;
}
