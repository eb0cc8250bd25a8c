/* pvgpu tests — the virtio-gpu winsys over the fake guest (see gd_vgpu_winsys.h). */
#include "gd_vgpu_winsys.h"

#include "sim_gd_winsys.h"

static uint32_t
port_send(void *opaque, const void *req, size_t req_len, void *resp, size_t resp_len,
	  uint64_t token)
{
	uint32_t len = tg_send(opaque, req, req_len, resp, resp_len, (void *)(uintptr_t)token);
	return len == VUG_GPU_DEFERRED ? SIM_GD_PENDING : len;
}

static int
port_reap(void *opaque, bool block, uint64_t *token)
{
	struct tguest *g = opaque;
	/* The device retires fences when polled; a guest would sleep on an interrupt. */
	for (;;) {
		if (g->ncompleted) {
			*token = (uint64_t)(uintptr_t)g->completed[0];
			g->ncompleted--;
			for (unsigned i = 0; i < g->ncompleted; i++) {
				g->completed[i] = g->completed[i + 1];
				g->completed_len[i] = g->completed_len[i + 1];
			}
			return 1;
		}
		vug_gpu_poll(g->gpu);
		if (!block && !g->ncompleted) {
			return 0;
		}
	}
}

static void *
port_alloc(void *opaque, uint64_t size, uint64_t *gpa)
{
	struct tguest *g = opaque;
	*gpa = tg_alloc(g, size);
	return *gpa ? tg_ptr(g, *gpa) : NULL;
}

int
gd_vgpu_winsys_create(struct tguest *g, uint32_t ctx_id, struct gd_winsys **out)
{
	struct sim_gd_port port = {
		.send = port_send, .reap = port_reap, .alloc = port_alloc, .opaque = g};
	return sim_gd_winsys_create(&port, ctx_id, out);
}
