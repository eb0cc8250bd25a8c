/*
 * pvgpu — the caps profile pvgpu advertises before the backend adds its format
 * masks and limits. Start: the GL 3.3 / GLES 3.0 profile measured with Mesa 22.3
 * (virgl-wire.md §3.4); widen only as features land and are tested.
 */
#ifndef VR_CAPS_H
#define VR_CAPS_H

#include <stdint.h>

#include "vgp_caps.h"

void vr_caps_init_profile(struct vgp_caps_v2 *caps);

static inline void
vr_caps_mask_set(struct vgp_format_mask *m, uint32_t format)
{
	if (format < 16 * 32) {
		m->bitmask[format / 32] |= 1u << (format % 32);
	}
}

static inline int
vr_caps_mask_has(const struct vgp_format_mask *m, uint32_t format)
{
	return format < 16 * 32 && (m->bitmask[format / 32] >> (format % 32)) & 1u;
}

#endif /* VR_CAPS_H */
