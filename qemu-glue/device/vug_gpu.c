/*
 * pvgpu qemu-glue — device lifetime, features, config space and display modes
 * (virtio spec 5.7.4). Commands live in vug_ctrl.c and the per-area files.
 */
#include <stdlib.h>
#include <string.h>

#include "vr_core.h"
#include "vug_priv.h"

#define BIT(n) (1ull << (n))
#define DEFAULT_WIDTH 1024
#define DEFAULT_HEIGHT 768

static bool
config_valid(const struct vug_gpu_config *cfg, const char **why)
{
	if (cfg->num_scanouts < 1 || cfg->num_scanouts > VIRTIO_GPU_MAX_SCANOUTS) {
		*why = "num_scanouts must be 1..16";
		return false;
	}
	if (!cfg->mem || !cfg->mem->map) {
		*why = "no guest memory translation";
		return false;
	}
	if (cfg->virgl && !cfg->backend) {
		*why = "virgl needs a renderer backend";
		return false;
	}
	if (cfg->width > VUG_MAX_DIM || cfg->height > VUG_MAX_DIM) {
		*why = "mode larger than 16384";
		return false;
	}
	return true;
}

struct vug_gpu *
vug_gpu_create(const struct vug_gpu_config *cfg, const struct vug_gpu_hooks *hooks,
	       const char **why)
{
	const char *dummy;
	why = why ? why : &dummy;
	if (!cfg || !config_valid(cfg, why)) {
		*why = cfg ? *why : "no config";
		return NULL;
	}
	struct vug_gpu *gpu = calloc(1, sizeof(*gpu));
	if (!gpu) {
		*why = "out of memory";
		return NULL;
	}
	gpu->cfg = *cfg;
	if (hooks) {
		gpu->hooks = *hooks;
	}
	if (!gpu->cfg.width || !gpu->cfg.height) {
		gpu->cfg.width = DEFAULT_WIDTH;
		gpu->cfg.height = DEFAULT_HEIGHT;
	}
	vr_hash_init(&gpu->resources);
	vr_hash_init(&gpu->contexts);
	if (cfg->virgl) {
		gpu->dev = vr_device_create(cfg->backend);
		if (!gpu->dev) {
			*why = "renderer device creation failed";
			free(gpu);
			return NULL;
		}
	}
	gpu->features_offered = BIT(VIRTIO_GPU_F_RESOURCE_UUID);
	if (cfg->virgl) {
		gpu->features_offered |= BIT(VIRTIO_GPU_F_VIRGL);
		if (cfg->context_init) {
			gpu->features_offered |= BIT(VIRTIO_GPU_F_CONTEXT_INIT);
		}
	}
	if (cfg->edid) {
		gpu->features_offered |= BIT(VIRTIO_GPU_F_EDID);
	}
	if (cfg->blob) {
		gpu->features_offered |= BIT(VIRTIO_GPU_F_RESOURCE_BLOB);
	}
	/* Until the driver says otherwise, everything offered is usable: a transport
	 * that never forwards the accepted bits still gets a working device. */
	gpu->features = gpu->features_offered;
	/* Every output starts plugged in with the preferred mode (a headless device
	 * has no UI to enable them one by one). */
	for (uint32_t i = 0; i < gpu->cfg.num_scanouts; i++) {
		gpu->scanouts[i].enabled = true;
		gpu->scanouts[i].width = gpu->cfg.width;
		gpu->scanouts[i].height = gpu->cfg.height;
	}
	gpu->next_uuid = 1;
	return gpu;
}

void
vug_gpu_destroy(struct vug_gpu *gpu)
{
	if (!gpu) {
		return;
	}
	for (uint32_t i = 0; i < gpu->cfg.num_scanouts; i++) {
		vug_scanout_disable(gpu, i);
	}
	uint32_t key;
	void *val;
	for (size_t it = 0; vr_hash_next(&gpu->resources, &it, &key, &val);) {
		vug_res_destroy(gpu, val);
	}
	vug_3d_ctx_destroy_all(gpu);
	vr_device_destroy(gpu->dev);
	vr_hash_finish(&gpu->resources);
	vr_hash_finish(&gpu->contexts);
	free(gpu->fences);
	free(gpu->submit_buf);
	free(gpu);
}

uint64_t
vug_gpu_features(const struct vug_gpu *gpu)
{
	return gpu->features_offered;
}

void
vug_gpu_set_features(struct vug_gpu *gpu, uint64_t features)
{
	gpu->features = features & gpu->features_offered;
}

static void
config_fill(const struct vug_gpu *gpu, struct virtio_gpu_config *c)
{
	*c = (struct virtio_gpu_config){
		.events_read = gpu->events_read,
		.events_clear = 0,
		.num_scanouts = gpu->cfg.num_scanouts,
		/* virgl v1 and v2 */
		.num_capsets = gpu->cfg.virgl ? 2 : 0,
	};
}

void
vug_gpu_get_config(struct vug_gpu *gpu, void *buf, size_t len)
{
	struct virtio_gpu_config c;
	config_fill(gpu, &c);
	memset(buf, 0, len);
	memcpy(buf, &c, len < sizeof(c) ? len : sizeof(c));
}

void
vug_gpu_set_config(struct vug_gpu *gpu, uint32_t offset, const void *buf, size_t len)
{
	/* Only events_clear is writable (spec 5.7.4): a 4-byte write at its offset. */
	if (offset != offsetof(struct virtio_gpu_config, events_clear) || len != 4) {
		gpu->stats.errors++;
		return;
	}
	uint32_t clear;
	memcpy(&clear, buf, 4);
	gpu->events_read &= ~clear;
}

void
vug_gpu_set_mode(struct vug_gpu *gpu, uint32_t scanout, bool enabled, uint32_t width,
		 uint32_t height)
{
	if (scanout >= gpu->cfg.num_scanouts) {
		return;
	}
	if (enabled && (!width || !height || width > VUG_MAX_DIM || height > VUG_MAX_DIM)) {
		return;
	}
	struct vug_scanout *s = &gpu->scanouts[scanout];
	s->enabled = enabled;
	if (enabled) {
		s->width = width;
		s->height = height;
	}
	gpu->events_read |= VIRTIO_GPU_EVENT_DISPLAY;
	if (gpu->hooks.config_changed) {
		gpu->hooks.config_changed(gpu->hooks.opaque);
	}
}

bool
vug_gpu_set_edid(struct vug_gpu *gpu, uint32_t scanout, const uint8_t *edid, size_t len)
{
	static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	if (scanout >= gpu->cfg.num_scanouts) {
		return false;
	}
	struct vug_scanout *s = &gpu->scanouts[scanout];
	if (!edid || len == 0) {
		s->edid_len = 0;
		return true;
	}
	if (len < 128 || len > VUG_EDID_MAX || len % 128 || memcmp(edid, header, 8)) {
		return false;
	}
	size_t used = 128 * ((size_t)edid[126] + 1); /* byte 126: extension blocks */
	if (used > len) {
		return false;
	}
	for (size_t b = 0; b < used; b += 128) {
		uint8_t sum = 0;
		for (size_t i = 0; i < 128; i++) {
			sum = (uint8_t)(sum + edid[b + i]);
		}
		if (sum) {
			return false;
		}
	}
	memcpy(s->edid, edid, used);
	s->edid_len = (uint32_t)used;
	return true;
}

void
vug_gpu_poll(struct vug_gpu *gpu)
{
	vug_fence_retire(gpu);
}

void
vug_gpu_get_stats(const struct vug_gpu *gpu, struct vug_gpu_stats *stats)
{
	*stats = gpu->stats;
}
