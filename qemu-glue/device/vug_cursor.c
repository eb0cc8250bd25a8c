/*
 * pvgpu qemu-glue — the cursor queue (virtio spec 5.7.6.10): UPDATE_CURSOR
 * copies a 64x64 resource into the scanout's cursor image, MOVE_CURSOR only
 * moves it. The queue has no responses: refusals are counted as errors.
 */
#include <string.h>

#include "vug_priv.h"

static void
cursor_show(struct vug_gpu *gpu, uint32_t id)
{
	struct vug_scanout *s = &gpu->scanouts[id];
	if (gpu->cfg.sink && gpu->cfg.sink->impl->cursor) {
		gpu->cfg.sink->impl->cursor(gpu->cfg.sink, id, s->cursor_visible ? s->cursor : NULL,
					    s->hot_x, s->hot_y, s->cursor_x, s->cursor_y);
	}
}

/* The cursor image from a 64x64 resource; false when it cannot be one. */
static bool
cursor_load(struct vug_gpu *gpu, struct vug_scanout *s, uint32_t res_id)
{
	struct vug_res *res = vug_res_lookup(gpu, res_id);
	if (!res || res->width != VUG_CURSOR_SIZE || res->height != VUG_CURSOR_SIZE) {
		return false;
	}
	if (res->kind == VUG_RES_2D) {
		memcpy(s->cursor, res->host, sizeof(s->cursor));
	} else if (res->kind == VUG_RES_3D) {
		struct virtio_gpu_rect r = {0, 0, VUG_CURSOR_SIZE, VUG_CURSOR_SIZE};
		if (!vug_3d_read_rect(gpu, res, &r, (uint8_t *)s->cursor, VUG_CURSOR_SIZE * 4)) {
			return false;
		}
		return true; /* counted by the read-back */
	} else {
		return false;
	}
	gpu->stats.bytes_copied += sizeof(s->cursor);
	return true;
}

bool
vug_cursor_handle(struct vug_gpu *gpu, const struct virtio_gpu_update_cursor *c)
{
	uint32_t id = c->pos.scanout_id;
	if (id >= gpu->cfg.num_scanouts) {
		return false;
	}
	struct vug_scanout *s = &gpu->scanouts[id];
	if (c->hdr.type == VIRTIO_GPU_CMD_UPDATE_CURSOR) {
		if (c->resource_id == 0) {
			s->cursor_visible = false;
		} else if (c->hot_x >= VUG_CURSOR_SIZE || c->hot_y >= VUG_CURSOR_SIZE ||
			   !cursor_load(gpu, s, c->resource_id)) {
			return false;
		} else {
			s->cursor_visible = true;
			s->hot_x = c->hot_x;
			s->hot_y = c->hot_y;
		}
	} else if (c->hdr.type != VIRTIO_GPU_CMD_MOVE_CURSOR) {
		return false;
	}
	/* Positions are signed: a cursor may hang off the top-left edge. */
	s->cursor_x = (int32_t)c->pos.x;
	s->cursor_y = (int32_t)c->pos.y;
	cursor_show(gpu, id);
	return true;
}
