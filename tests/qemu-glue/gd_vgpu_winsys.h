/*
 * pvgpu tests — a guest-driver winsys that speaks virtio-gpu: every winsys
 * call becomes VIRTIO_GPU_CMD_* requests to a device model over the fake
 * guest (vug_test.h), as the Linux driver would send them. Resources get
 * their guest memory from the fake guest's RAM (one contiguous piece each),
 * submits carry a fence on ring 0 of the context and complete in
 * vug_gpu_poll().
 */
#ifndef GD_VGPU_WINSYS_H
#define GD_VGPU_WINSYS_H

#include "gd_winsys.h"
#include "vug_test.h"

/** A winsys with context `ctx_id` on the device of `g` (not owned). Negative errno. */
int gd_vgpu_winsys_create(struct tguest *g, uint32_t ctx_id, struct gd_winsys **out);

#endif /* GD_VGPU_WINSYS_H */
