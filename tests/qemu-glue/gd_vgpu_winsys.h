/*
 * pvgpu tests — the simulator's virtio-gpu winsys (qemu-glue/sim/
 * sim_gd_winsys.h) over the fake guest (vug_test.h) instead of virtqueues:
 * requests go to vug_gpu_ctrl() directly, backings come from the fake
 * guest's RAM, deferred submits complete in vug_gpu_poll().
 */
#ifndef GD_VGPU_WINSYS_H
#define GD_VGPU_WINSYS_H

#include "gd_winsys.h"
#include "vug_test.h"

/** A winsys with context `ctx_id` on the device of `g` (not owned). Negative errno. */
int gd_vgpu_winsys_create(struct tguest *g, uint32_t ctx_id, struct gd_winsys **out);

#endif /* GD_VGPU_WINSYS_H */
