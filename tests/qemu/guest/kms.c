/* pvgpu qemu tests — the guest payloads' KMS helper (see kms.h). */
#include "kms.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define FOURCC(a, b, c, d) \
	((uint32_t)(a) | ((uint32_t)(b) << 8) | ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))
#define FMT_XRGB8888 FOURCC('X', 'R', '2', '4')

static int
xioctl(int fd, unsigned long req, void *arg)
{
	int r;
	do {
		r = ioctl(fd, req, arg);
	} while (r == -1 && (errno == EINTR || errno == EAGAIN));
	return r == -1 ? -errno : 0;
}

static uint64_t
ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

int
kms_open_virtio_card(char *path, size_t path_size)
{
	for (int i = 0; i < 8; i++) {
		snprintf(path, path_size, "/dev/dri/card%d", i);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			continue;
		}
		char name[32] = {0};
		struct drm_version v = {.name_len = sizeof(name) - 1, .name = name};
		if (xioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && !strcmp(name, "virtio_gpu")) {
			return fd;
		}
		close(fd);
	}
	return -ENODEV;
}

/* The connector's modes (preferred first when flagged); false when not connected. */
static bool
connector_mode(int fd, uint32_t id, struct drm_mode_modeinfo *mode, uint32_t *encoder)
{
	struct drm_mode_get_connector c = {.connector_id = id};
	if (xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c) < 0 || c.connection != 1 ||
	    !c.count_modes || !c.count_encoders) {
		return false;
	}
	uint32_t nmodes = c.count_modes;
	struct drm_mode_modeinfo *modes = calloc(nmodes, sizeof(*modes));
	uint32_t enc[8];
	if (!modes) {
		return false;
	}
	c = (struct drm_mode_get_connector){
		.connector_id = id,
		.count_modes = nmodes,
		.modes_ptr = ptr(modes),
		.count_encoders = 1,
		.encoders_ptr = ptr(enc),
	};
	bool ok = xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c) == 0 && c.count_modes &&
		  c.count_encoders;
	if (ok) {
		uint32_t n = c.count_modes < nmodes ? c.count_modes : nmodes;
		*mode = modes[0];
		for (uint32_t i = 0; i < n; i++) {
			if (modes[i].type & DRM_MODE_TYPE_PREFERRED) {
				*mode = modes[i];
				break;
			}
		}
		*encoder = enc[0];
	}
	free(modes);
	return ok;
}

int
kms_outputs(int fd, struct kms_output *out, int max)
{
	uint32_t conns[KMS_MAX_OUTPUTS * 2], crtcs[KMS_MAX_OUTPUTS * 2];
	struct drm_mode_card_res res = {0};
	int r = xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res);
	if (r < 0) {
		return r;
	}
	uint32_t nconn = res.count_connectors, ncrtc = res.count_crtcs;
	if (nconn > KMS_MAX_OUTPUTS * 2) {
		nconn = KMS_MAX_OUTPUTS * 2;
	}
	if (ncrtc > KMS_MAX_OUTPUTS * 2) {
		ncrtc = KMS_MAX_OUTPUTS * 2;
	}
	res = (struct drm_mode_card_res){
		.connector_id_ptr = ptr(conns),
		.count_connectors = nconn,
		.crtc_id_ptr = ptr(crtcs),
		.count_crtcs = ncrtc,
	};
	r = xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res);
	if (r < 0) {
		return r;
	}
	int n = 0;
	uint32_t used = 0;
	for (uint32_t i = 0; i < nconn && n < max; i++) {
		uint32_t enc_id;
		if (!connector_mode(fd, conns[i], &out[n].mode, &enc_id)) {
			continue;
		}
		struct drm_mode_get_encoder e = {.encoder_id = enc_id};
		if (xioctl(fd, DRM_IOCTL_MODE_GETENCODER, &e) < 0) {
			continue;
		}
		for (uint32_t k = 0; k < ncrtc; k++) {
			if ((e.possible_crtcs & (1u << k)) && !(used & (1u << k))) {
				used |= 1u << k;
				out[n].connector_id = conns[i];
				out[n].crtc_id = crtcs[k];
				n++;
				break;
			}
		}
	}
	return n;
}

int
kms_add_fb(int fd, uint32_t handle, uint32_t width, uint32_t height, uint32_t pitch)
{
	struct drm_mode_fb_cmd2 f = {
		.width = width,
		.height = height,
		.pixel_format = FMT_XRGB8888,
		.handles = {handle},
		.pitches = {pitch},
	};
	int r = xioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f);
	return r < 0 ? r : (int)f.fb_id;
}

void
kms_rm_fb(int fd, uint32_t fb_id)
{
	unsigned int id = fb_id;
	(void)xioctl(fd, DRM_IOCTL_MODE_RMFB, &id);
}

int
kms_dumb_create(int fd, uint32_t width, uint32_t height, struct kms_dumb *d)
{
	*d = (struct kms_dumb){.width = width, .height = height};
	struct drm_mode_create_dumb c = {.width = width, .height = height, .bpp = 32};
	int r = xioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	if (r < 0) {
		return r;
	}
	d->handle = c.handle;
	d->pitch = c.pitch;
	d->size = c.size;
	struct drm_mode_map_dumb m = {.handle = c.handle};
	r = xioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	if (r == 0) {
		void *p = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			       (off_t)m.offset);
		d->map = p == MAP_FAILED ? NULL : p;
		r = d->map ? 0 : -ENOMEM;
	}
	if (r == 0) {
		r = kms_add_fb(fd, d->handle, width, height, d->pitch);
		d->fb_id = r > 0 ? (uint32_t)r : 0;
	}
	if (r < 0) {
		kms_dumb_destroy(fd, d);
		return r;
	}
	return 0;
}

void
kms_dumb_destroy(int fd, struct kms_dumb *d)
{
	if (d->fb_id) {
		kms_rm_fb(fd, d->fb_id);
	}
	if (d->map) {
		munmap(d->map, d->size);
	}
	if (d->handle) {
		struct drm_mode_destroy_dumb x = {.handle = d->handle};
		(void)xioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &x);
	}
	*d = (struct kms_dumb){0};
}

int
kms_set_crtc(int fd, const struct kms_output *o, uint32_t fb_id)
{
	uint32_t conn = o->connector_id;
	struct drm_mode_crtc c = {
		.set_connectors_ptr = ptr(&conn),
		.count_connectors = 1,
		.crtc_id = o->crtc_id,
		.fb_id = fb_id,
		.mode_valid = 1,
		.mode = o->mode,
	};
	return xioctl(fd, DRM_IOCTL_MODE_SETCRTC, &c);
}

int
kms_flip_wait(int fd, const struct kms_output *o, uint32_t fb_id, int timeout_ms)
{
	struct drm_mode_crtc_page_flip f = {
		.crtc_id = o->crtc_id, .fb_id = fb_id, .flags = DRM_MODE_PAGE_FLIP_EVENT};
	int r = xioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &f);
	if (r < 0) {
		return r;
	}
	/* Read events until the flip completion arrives. */
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int pr = poll(&p, 1, timeout_ms);
		if (pr <= 0) {
			return pr == 0 ? -ETIMEDOUT : -errno;
		}
		char buf[256];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			return -errno;
		}
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct drm_event) <= n;) {
			struct drm_event e;
			memcpy(&e, buf + off, sizeof(e));
			if (e.type == DRM_EVENT_FLIP_COMPLETE) {
				return 0;
			}
			if (e.length < sizeof(e)) {
				return -EPROTO;
			}
			off += e.length;
		}
	}
}

bool
kms_hold(const char *tag, const char *info, int timeout_s)
{
	printf("PVGPU-HOLD %s %s\n", tag, info);
	fflush(stdout);
	struct pollfd p = {.fd = 0, .events = POLLIN};
	if (poll(&p, 1, timeout_s * 1000) <= 0) {
		return false;
	}
	char line[64];
	(void)!read(0, line, sizeof(line));
	return true;
}

double
kms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
