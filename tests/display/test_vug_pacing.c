/*
 * pvgpu tests — display pacing in the device model: a fenced RESOURCE_FLUSH
 * completes only once a sink with busy() has presented what it was given;
 * unfenced flushes and sinks without busy() are not delayed.
 */
#include <linux/virtio_gpu.h>
#include <string.h>

#include "vgp_test.h"
#include "vug_gpu.h"

struct pacing_sink {
	struct vug_scanout_sink base;
	bool busy;
	unsigned flushes, frames;
};

static void
ps_set_scanout(struct vug_scanout_sink *s, uint32_t id, const struct vug_frame *f)
{
	((struct pacing_sink *)s)->frames += f != NULL;
}

static void
ps_flush(struct vug_scanout_sink *s, uint32_t id, const struct vug_rect *d)
{
	struct pacing_sink *p = (struct pacing_sink *)s;
	p->flushes++;
	p->busy = true; /* a frame went out: busy until "presented" */
}

static bool
ps_busy(struct vug_scanout_sink *s)
{
	return ((struct pacing_sink *)s)->busy;
}

static void
ps_destroy(struct vug_scanout_sink *s)
{
}

static const struct vug_scanout_sink_impl paced_impl = {
	.set_scanout = ps_set_scanout, .flush = ps_flush, .destroy = ps_destroy, .busy = ps_busy};
static const struct vug_scanout_sink_impl unpaced_impl = {
	.set_scanout = ps_set_scanout, .flush = ps_flush, .destroy = ps_destroy};

static void *
no_map(void *opaque, uint64_t gpa, uint64_t len)
{
	return NULL;
}
static const struct vug_guest_mem_impl mem = {.map = no_map};

static unsigned completions;
static void
on_complete(void *opaque, void *token, uint32_t len)
{
	completions++;
}

static uint32_t
send(struct vug_gpu *gpu, void *req, size_t size, void *token)
{
	struct virtio_gpu_ctrl_hdr resp;
	struct iovec out = {req, size}, in = {&resp, sizeof(resp)};
	return vug_gpu_ctrl(gpu, &out, 1, &in, 1, token);
}

static void
run(const struct vug_scanout_sink_impl *impl, bool paced)
{
	struct pacing_sink sink = {.base.impl = impl};
	struct vug_gpu_config cfg = {.num_scanouts = 1, .mem = &mem, .sink = &sink.base};
	struct vug_gpu_hooks hooks = {.complete = on_complete};
	const char *why = "?";
	struct vug_gpu *gpu = vug_gpu_create(&cfg, &hooks, &why);
	CHECK(gpu != NULL, "create: %s", why);
	struct virtio_gpu_resource_create_2d c = {.hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
						  .resource_id = 1,
						  .format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM,
						  .width = 16,
						  .height = 16};
	struct virtio_gpu_set_scanout ss = {.hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT,
					    .r = {0, 0, 16, 16},
					    .scanout_id = 0,
					    .resource_id = 1};
	struct virtio_gpu_resource_flush fl = {.hdr = {.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
						       .flags = VIRTIO_GPU_FLAG_FENCE,
						       .fence_id = 7},
					       .r = {0, 0, 16, 16},
					       .resource_id = 1};
	CHECK_EQ_U(send(gpu, &c, sizeof(c), NULL), sizeof(struct virtio_gpu_ctrl_hdr));
	CHECK_EQ_U(send(gpu, &ss, sizeof(ss), NULL), sizeof(struct virtio_gpu_ctrl_hdr));
	CHECK_EQ_U(sink.frames, 1);
	completions = 0;
	uint32_t r = send(gpu, &fl, sizeof(fl), &sink);
	CHECK_EQ_U(sink.flushes, 1);
	if (paced) {
		CHECK_EQ_U(r, VUG_GPU_DEFERRED);
		vug_gpu_poll(gpu);
		CHECK_EQ_U(completions, 0); /* not presented yet */
		sink.busy = false;          /* the display presented */
		vug_gpu_poll(gpu);
		CHECK_EQ_U(completions, 1);
		/* Unfenced flushes answer at once, busy or not. */
		fl.hdr.flags = 0;
		CHECK_EQ_U(send(gpu, &fl, sizeof(fl), NULL), sizeof(struct virtio_gpu_ctrl_hdr));
		/* A failing flush is not held back. */
		fl.hdr.flags = VIRTIO_GPU_FLAG_FENCE;
		fl.resource_id = 99;
		sink.busy = true;
		CHECK(send(gpu, &fl, sizeof(fl), NULL) != VUG_GPU_DEFERRED, "bad flush deferred");
	} else {
		CHECK(r != VUG_GPU_DEFERRED, "an unpaced sink delayed the fence");
	}
	vug_gpu_destroy(gpu);
}

int
main(void)
{
	run(&paced_impl, true);
	run(&unpaced_impl, false);
	return vgp_test_result("vug-pacing");
}
