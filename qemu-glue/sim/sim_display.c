/* pvgpu-sim — QEMU's side of the vhost-user-gpu display channel. */
#include "sim_display.h"

#include <linux/virtio_gpu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vgp_vhost_user.h"
#include "vug_msg.h"

#define MAX_DISPLAY_MSG (64u << 20) /* a 4K frame is 32 MiB; more is a bug */

void
sim_display_init(struct sim_display *d, uint32_t scanouts, uint32_t width, uint32_t height)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->scanouts = scanouts;
	d->width = width;
	d->height = height;
}

void
sim_display_finish(struct sim_display *d)
{
	for (unsigned i = 0; i < SIM_MAX_SCANOUTS; i++) {
		free(d->fbs[i].pixels);
		d->fbs[i].pixels = NULL;
	}
	if (d->fd >= 0) {
		close(d->fd);
	}
	d->fd = -1;
}

static bool
display_reply(struct sim_display *d, uint32_t request, const void *payload, uint32_t size)
{
	return vug_msg_send(d->fd, request, VHOST_USER_GPU_MSG_FLAG_REPLY, payload, size, NULL, 0);
}

void
sim_display_edid(uint8_t e[128])
{
	/* A minimal EDID 1.3 base block: fixed header, our own vendor id "PVS"
	 * and serial (so a test can tell it from the back end's), checksum. */
	static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	memset(e, 0, 128);
	memcpy(e, header, sizeof(header));
	uint16_t vendor = (uint16_t)(('P' - '@') << 10 | ('V' - '@') << 5 | ('S' - '@'));
	e[8] = (uint8_t)(vendor >> 8);
	e[9] = (uint8_t)vendor;
	memcpy(e + 12, "SIM7", 4);
	e[18] = 1;
	e[19] = 3;
	uint8_t sum = 0;
	for (int i = 0; i < 127; i++) {
		sum += e[i];
	}
	e[127] = (uint8_t)(0x100 - sum);
}

static void
handle_update(struct sim_display *d, const uint8_t *p, uint32_t size)
{
	struct vhost_user_gpu_update u;
	if (size < sizeof(u)) {
		return;
	}
	memcpy(&u, p, sizeof(u));
	if (u.scanout_id >= SIM_MAX_SCANOUTS) {
		return;
	}
	struct sim_fb *fb = &d->fbs[u.scanout_id];
	if (!fb->pixels || (uint64_t)u.x + u.width > fb->width ||
	    (uint64_t)u.y + u.height > fb->height ||
	    size != sizeof(u) + (uint64_t)u.width * u.height * 4) {
		fprintf(stderr, "pvgpu-sim: bad UPDATE %u,%u %ux%u on scanout %u\n", u.x, u.y,
			u.width, u.height, u.scanout_id);
		return;
	}
	for (uint32_t y = 0; y < u.height; y++) {
		memcpy(fb->pixels + ((uint64_t)(u.y + y) * fb->width + u.x) * 4,
		       p + sizeof(u) + (uint64_t)y * u.width * 4, (size_t)u.width * 4);
	}
	fb->updates++;
}

static void
handle_scanout(struct sim_display *d, const uint8_t *p, uint32_t size)
{
	struct vhost_user_gpu_scanout s;
	if (size != sizeof(s)) {
		return;
	}
	memcpy(&s, p, sizeof(s));
	if (s.scanout_id >= SIM_MAX_SCANOUTS || s.width > 16384 || s.height > 16384) {
		return;
	}
	struct sim_fb *fb = &d->fbs[s.scanout_id];
	free(fb->pixels);
	fb->pixels = NULL;
	fb->width = fb->height = 0;
	if (s.width && s.height) {
		fb->pixels = calloc((size_t)s.width * s.height, 4);
		if (fb->pixels) {
			fb->width = s.width;
			fb->height = s.height;
		}
	}
}

static void
handle_cursor(struct sim_display *d, uint32_t request, const uint8_t *p, uint32_t size)
{
	struct vhost_user_gpu_cursor_pos pos;
	if (size < sizeof(pos)) {
		return;
	}
	memcpy(&pos, p, sizeof(pos));
	if (pos.scanout_id >= SIM_MAX_SCANOUTS) {
		return;
	}
	struct sim_cursor *c = &d->cursors[pos.scanout_id];
	c->x = pos.x;
	c->y = pos.y;
	c->visible = request != VHOST_USER_GPU_CURSOR_POS_HIDE;
	if (request == VHOST_USER_GPU_CURSOR_UPDATE &&
	    size == sizeof(struct vhost_user_gpu_cursor_update)) {
		struct vhost_user_gpu_cursor_update u;
		memcpy(&u, p, sizeof(u));
		c->defined = true;
		c->hot_x = u.hot_x;
		c->hot_y = u.hot_y;
		memcpy(c->image, u.data, sizeof(c->image));
		c->updates++;
	} else {
		c->moves++;
	}
}

bool
sim_display_handle(struct sim_display *d)
{
	struct vhost_user_hdr h;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = {.iov_base = &h, .iov_len = sizeof(h)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	ssize_t r = recvmsg(d->fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); r > 0 && c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			/* dma-bufs: nothing to show them with here. */
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < n; i++) {
				int f;
				memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				close(f);
			}
		}
	}
	if (r != (ssize_t)sizeof(h) || h.size > MAX_DISPLAY_MSG) {
		close(d->fd);
		d->fd = -1;
		return false;
	}
	uint8_t *p = malloc(h.size ? h.size : 1);
	if (!p || (h.size && !vug_read_full(d->fd, p, h.size))) {
		free(p);
		close(d->fd);
		d->fd = -1;
		return false;
	}
	switch (h.request) {
	case VHOST_USER_GPU_GET_PROTOCOL_FEATURES: {
		uint64_t f = (1ull << VHOST_USER_GPU_PROTOCOL_F_EDID) |
			     (1ull << VHOST_USER_GPU_PROTOCOL_F_DMABUF2);
		display_reply(d, h.request, &f, sizeof(f));
		break;
	}
	case VHOST_USER_GPU_SET_PROTOCOL_FEATURES:
		if (h.size == 8) {
			memcpy(&d->features, p, 8);
		}
		break;
	case VHOST_USER_GPU_GET_DISPLAY_INFO: {
		struct virtio_gpu_resp_display_info di;
		memset(&di, 0, sizeof(di));
		di.hdr.type = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
		for (uint32_t i = 0; i < d->scanouts && i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
			di.pmodes[i].enabled = 1;
			di.pmodes[i].r.width = d->width;
			di.pmodes[i].r.height = d->height;
		}
		display_reply(d, h.request, &di, sizeof(di));
		break;
	}
	case VHOST_USER_GPU_GET_EDID: {
		struct virtio_gpu_resp_edid e;
		memset(&e, 0, sizeof(e));
		e.hdr.type = VIRTIO_GPU_RESP_OK_EDID;
		e.size = 128;
		sim_display_edid(e.edid);
		display_reply(d, h.request, &e, sizeof(e));
		break;
	}
	case VHOST_USER_GPU_SCANOUT:
		handle_scanout(d, p, h.size);
		break;
	case VHOST_USER_GPU_UPDATE:
		handle_update(d, p, h.size);
		break;
	case VHOST_USER_GPU_CURSOR_POS:
	case VHOST_USER_GPU_CURSOR_POS_HIDE:
	case VHOST_USER_GPU_CURSOR_UPDATE:
		handle_cursor(d, h.request, p, h.size);
		break;
	case VHOST_USER_GPU_DMABUF_UPDATE:
		/* QEMU answers once the dma-buf is on screen; unblock at once. */
		display_reply(d, h.request, NULL, 0);
		break;
	default:
		break;
	}
	free(p);
	return true;
}
