/* pvgpu tests — the fake guest of the device-model tests (see vug_test.h). */
#include "vug_test.h"

#include <stdlib.h>
#include <string.h>

static void *
ram_map(void *opaque, uint64_t gpa, uint64_t len)
{
	struct tguest *g = opaque;
	uint64_t end;
	if (__builtin_add_overflow(gpa, len, &end) || end > g->ram_size) {
		return NULL;
	}
	return g->ram + gpa;
}

static const struct vug_guest_mem_impl ram_impl = {.map = ram_map};

static void
handle_complete(void *opaque, void *token, uint32_t len)
{
	struct tguest *g = opaque;
	if (g->ncompleted < TG_MAX_COMPLETIONS) {
		g->completed[g->ncompleted] = token;
		g->completed_len[g->ncompleted++] = len;
	}
}

static void
handle_config_changed(void *opaque)
{
	((struct tguest *)opaque)->config_changes++;
}

bool
tg_init(struct tguest *g, uint64_t ram_size, const struct vug_gpu_config *cfg)
{
	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, ram_size);
	g->ram_size = ram_size;
	g->brk = 4096; /* gpa 0 stays unused, like a real guest's first page */
	g->sink = vug_sink_headless_create();
	if (!g->ram || !g->sink) {
		return false;
	}
	struct vug_gpu_config c = *cfg;
	c.mem = &ram_impl;
	c.mem_opaque = g;
	c.sink = vug_sink_headless_base(g->sink);
	struct vug_gpu_hooks hooks = {
		.complete = handle_complete, .config_changed = handle_config_changed, .opaque = g};
	const char *why = "";
	g->gpu = vug_gpu_create(&c, &hooks, &why);
	return g->gpu != NULL;
}

void
tg_finish(struct tguest *g)
{
	vug_gpu_destroy(g->gpu);
	vug_sink_headless_destroy(g->sink);
	free(g->ram);
}

uint64_t
tg_alloc(struct tguest *g, uint64_t size)
{
	uint64_t gpa = g->brk;
	uint64_t end = (gpa + size + 4095) & ~4095ull;
	if (end > g->ram_size) {
		return 0;
	}
	g->brk = end;
	memset(g->ram + gpa, 0, size);
	return gpa;
}

uint32_t
tg_send(struct tguest *g, const void *req, size_t req_size, void *resp, size_t resp_size,
	void *token)
{
	struct iovec out = {(void *)req, req_size}, in = {resp, resp_size};
	return vug_gpu_ctrl(g->gpu, &out, 1, &in, 1, token);
}

uint32_t
tg_cmd(struct tguest *g, const void *req, size_t req_size)
{
	struct virtio_gpu_ctrl_hdr resp = {0};
	uint32_t len = tg_send(g, req, req_size, &resp, sizeof(resp), NULL);
	return len == sizeof(resp) ? resp.type : 0;
}

struct virtio_gpu_ctrl_hdr
tg_hdr(uint32_t type)
{
	return (struct virtio_gpu_ctrl_hdr){.type = type};
}

uint32_t
tg_create_2d(struct tguest *g, uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_create_2d c = {.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D),
						  .resource_id = id,
						  .format = format,
						  .width = w,
						  .height = h};
	return tg_cmd(g, &c, sizeof(c));
}

uint32_t
tg_attach(struct tguest *g, uint32_t id, const struct virtio_gpu_mem_entry *e, uint32_t n)
{
	size_t size = sizeof(struct virtio_gpu_resource_attach_backing) + n * sizeof(*e);
	struct virtio_gpu_resource_attach_backing *a = calloc(1, size);
	a->hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
	a->resource_id = id;
	a->nr_entries = n;
	memcpy(a + 1, e, n * sizeof(*e));
	uint32_t type = tg_cmd(g, a, size);
	free(a);
	return type;
}

uint32_t
tg_transfer_2d(struct tguest *g, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
	       uint64_t offset)
{
	struct virtio_gpu_transfer_to_host_2d t = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D),
		.r = {x, y, w, h},
		.offset = offset,
		.resource_id = id};
	return tg_cmd(g, &t, sizeof(t));
}

uint32_t
tg_set_scanout(struct tguest *g, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t w,
	       uint32_t h)
{
	struct virtio_gpu_set_scanout s = {.hdr = tg_hdr(VIRTIO_GPU_CMD_SET_SCANOUT),
					   .r = {x, y, w, h},
					   .scanout_id = scanout,
					   .resource_id = id};
	return tg_cmd(g, &s, sizeof(s));
}

uint32_t
tg_flush(struct tguest *g, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct virtio_gpu_resource_flush f = {
		.hdr = tg_hdr(VIRTIO_GPU_CMD_RESOURCE_FLUSH), .r = {x, y, w, h}, .resource_id = id};
	return tg_cmd(g, &f, sizeof(f));
}
