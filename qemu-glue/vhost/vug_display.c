/* pvgpu qemu-glue — vhost-user-gpu display channel (docs/interop/vhost-user-gpu.rst). */
#include "vug_display.h"

#include <errno.h>
#include <linux/virtio_gpu.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pixel_order.h"
#include "vgp_vhost_user.h"
#include "vug_msg.h"

_Static_assert(sizeof(struct virtio_gpu_resp_display_info) == VHOST_USER_GPU_DISPLAY_INFO_SIZE,
	       "display info reply");
_Static_assert(sizeof(struct virtio_gpu_resp_edid) == VHOST_USER_GPU_EDID_SIZE, "edid reply");

/* What the channel waits for; QEMU answers in order. */
enum setup_state {
	WAIT_NOTHING,
	WAIT_PROTOCOL_FEATURES,
	WAIT_DISPLAY_INFO,
	WAIT_EDID,
};

struct cursor_state {
	bool valid;
	uint32_t hot_x, hot_y;
	uint32_t image[VHOST_USER_GPU_CURSOR_SIZE * VHOST_USER_GPU_CURSOR_SIZE];
};

struct vug_display {
	struct vug_scanout_sink sink; /* first: the sink is the display */
	struct vug_display_hooks hooks;
	uint32_t num_scanouts;
	int fd;
	enum setup_state state;
	uint64_t features;
	struct virtio_gpu_resp_edid edid;
	bool have_edid;
	/* Per scanout: the frame on show (device memory, valid until the next
	 * set_scanout) and the last cursor image sent. */
	struct vug_frame frames[VIRTIO_GPU_MAX_SCANOUTS];
	bool shown[VIRTIO_GPU_MAX_SCANOUTS];
	struct cursor_state *cursors[VIRTIO_GPU_MAX_SCANOUTS];
	uint8_t *buf; /* one UPDATE message: header + pixels */
	struct vr_ratelimit rl;
};

static void
detach(struct vug_display *dpy)
{
	if (dpy->fd >= 0) {
		close(dpy->fd);
	}
	dpy->fd = -1;
	dpy->state = WAIT_NOTHING;
}

static bool
send_msg(struct vug_display *dpy, uint32_t request, const void *payload, uint32_t size)
{
	if (dpy->fd < 0) {
		return false;
	}
	errno = 0;
	if (!vug_msg_send(dpy->fd, request, 0, payload, size, NULL, 0)) {
		if (errno == EPIPE || errno == ECONNRESET) {
			/* QEMU closed it (a VM shutting down) before we saw the hang-up. */
			vr_info(VR_CAT_VHOST, "display channel: front end closed it");
		} else {
			vr_log_rl(&dpy->rl, VR_CAT_VHOST, VR_LOG_WARN,
				  "display channel write failed; going on without a window");
		}
		detach(dpy);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ pixels */

uint32_t
vug_format_fourcc(uint32_t format)
{
	/* virtio-gpu names bytes in memory order, DRM fourccs channels of a
	 * little-endian word from the top: B8G8R8A8 is ARGB8888. */
	switch (format) {
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
		return VR_FOURCC('A', 'R', '2', '4');
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
		return VR_FOURCC('X', 'R', '2', '4');
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
		return VR_FOURCC('B', 'A', '2', '4');
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
		return VR_FOURCC('B', 'X', '2', '4');
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
		return VR_FOURCC('A', 'B', '2', '4');
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
		return VR_FOURCC('R', 'X', '2', '4');
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
		return VR_FOURCC('R', 'A', '2', '4');
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return VR_FOURCC('X', 'B', '2', '4');
	default:
		return 0;
	}
}

bool
vug_pixels_to_bgrx(uint32_t format, const uint8_t *src, uint8_t *dst, uint32_t width)
{
	struct vr_pixel_order o;
	if (!vr_pixel_order_of(vug_format_fourcc(format), &o)) {
		return false;
	}
	vr_pixels_to_bgrx(o, src, dst, width);
	return true;
}

/* Copies `len` bytes at `offset` of the concatenated iovecs into dst; false
 * when the frame memory is shorter. */
static bool
gather(const struct vug_frame *f, uint64_t offset, uint8_t *dst, size_t len)
{
	for (unsigned i = 0; i < f->iov_count && len; i++) {
		size_t n = f->iov[i].iov_len;
		if (offset >= n) {
			offset -= n;
			continue;
		}
		size_t take = n - (size_t)offset < len ? n - (size_t)offset : len;
		memcpy(dst, (const uint8_t *)f->iov[i].iov_base + offset, take);
		dst += take;
		len -= take;
		offset = 0;
	}
	return len == 0;
}

/* ------------------------------------------------------------ sink */

static struct vug_display *
from_sink(struct vug_scanout_sink *sink)
{
	return (struct vug_display *)sink;
}

static void
sink_set_scanout(struct vug_scanout_sink *sink, uint32_t id, const struct vug_frame *frame)
{
	struct vug_display *dpy = from_sink(sink);
	if (id >= dpy->num_scanouts) {
		return;
	}
	struct vhost_user_gpu_scanout m = {.scanout_id = id};
	dpy->shown[id] = frame != NULL;
	if (frame) {
		dpy->frames[id] = *frame;
		m.width = frame->width;
		m.height = frame->height;
	}
	send_msg(dpy, VHOST_USER_GPU_SCANOUT, &m, sizeof(m));
}

/* Sends columns [x, x+w) of rows [y0, y1) as UPDATE messages. */
static bool
send_stripe(struct vug_display *dpy, uint32_t id, const struct vug_frame *f, uint32_t x, uint32_t w,
	    uint32_t y0, uint32_t y1)
{
	uint32_t row_bytes = w * 4;
	uint32_t rows_per_msg = VUG_DISPLAY_UPDATE_CHUNK / row_bytes;
	for (uint32_t y = y0; y < y1; y += rows_per_msg) {
		uint32_t h = y1 - y < rows_per_msg ? y1 - y : rows_per_msg;
		struct vhost_user_gpu_update u = {
			.scanout_id = id, .x = x, .y = y, .width = w, .height = h};
		uint8_t *p = dpy->buf;
		memcpy(p, &u, sizeof(u));
		p += sizeof(u);
		for (uint32_t r = 0; r < h; r++, p += row_bytes) {
			uint64_t off = f->offset + (uint64_t)(y + r) * f->stride + (uint64_t)x * 4;
			/* Pixels are gathered in place, then converted in place. */
			if (!gather(f, off, p, row_bytes) ||
			    !vug_pixels_to_bgrx(f->format, p, p, w)) {
				memset(p, 0, row_bytes);
			}
		}
		if (!send_msg(dpy, VHOST_USER_GPU_UPDATE, dpy->buf,
			      (uint32_t)(sizeof(u) + (size_t)h * row_bytes))) {
			return false;
		}
	}
	return true;
}

static void
sink_flush(struct vug_scanout_sink *sink, uint32_t id, const struct vug_rect *damage)
{
	struct vug_display *dpy = from_sink(sink);
	if (id >= dpy->num_scanouts || !dpy->shown[id] || dpy->fd < 0) {
		return;
	}
	const struct vug_frame *f = &dpy->frames[id];
	/* Clip the damage to the frame (all in 64 bits: no wrap). */
	uint64_t x0 = damage->x, y0 = damage->y;
	uint64_t x1 = x0 + damage->width, y1 = y0 + damage->height;
	x1 = x1 < f->width ? x1 : f->width;
	y1 = y1 < f->height ? y1 : f->height;
	if (x0 >= x1 || y0 >= y1 || (uint64_t)f->stride < (uint64_t)f->width * 4) {
		return;
	}
	/* Pieces of at most VUG_DISPLAY_UPDATE_CHUNK bytes: whole rows, or
	 * column stripes of rows wider than that. */
	uint32_t max_w = VUG_DISPLAY_UPDATE_CHUNK / 4;
	for (uint64_t sx = x0; sx < x1; sx += max_w) {
		uint32_t w = (uint32_t)(x1 - sx < max_w ? x1 - sx : max_w);
		if (!send_stripe(dpy, id, f, (uint32_t)sx, w, (uint32_t)y0, (uint32_t)y1)) {
			return;
		}
	}
}

static void
sink_cursor(struct vug_scanout_sink *sink, uint32_t id, const uint32_t *argb64, uint32_t hot_x,
	    uint32_t hot_y, int32_t x, int32_t y)
{
	struct vug_display *dpy = from_sink(sink);
	if (id >= dpy->num_scanouts) {
		return;
	}
	struct vhost_user_gpu_cursor_pos pos = {
		.scanout_id = id, .x = (uint32_t)x, .y = (uint32_t)y};
	if (!argb64) {
		if (dpy->cursors[id]) {
			dpy->cursors[id]->valid = false;
		}
		send_msg(dpy, VHOST_USER_GPU_CURSOR_POS_HIDE, &pos, sizeof(pos));
		return;
	}
	struct cursor_state *c = dpy->cursors[id];
	if (!c) {
		c = dpy->cursors[id] = calloc(1, sizeof(*c));
		if (!c) {
			return;
		}
	}
	size_t bytes = sizeof(c->image);
	if (c->valid && c->hot_x == hot_x && c->hot_y == hot_y &&
	    !memcmp(c->image, argb64, bytes)) {
		send_msg(dpy, VHOST_USER_GPU_CURSOR_POS, &pos, sizeof(pos));
		return;
	}
	c->valid = true;
	c->hot_x = hot_x;
	c->hot_y = hot_y;
	memcpy(c->image, argb64, bytes);
	struct vhost_user_gpu_cursor_update *u = (void *)dpy->buf;
	u->pos = pos;
	u->hot_x = hot_x;
	u->hot_y = hot_y;
	memcpy(u->data, argb64, bytes);
	send_msg(dpy, VHOST_USER_GPU_CURSOR_UPDATE, u, sizeof(*u));
}

static void
sink_destroy(struct vug_scanout_sink *sink)
{
	/* The session owns the display and frees it with vug_display_destroy(). */
	(void)sink;
}

static const struct vug_scanout_sink_impl sink_impl = {
	.set_scanout = sink_set_scanout,
	.flush = sink_flush,
	.cursor = sink_cursor,
	.destroy = sink_destroy,
};

/* ------------------------------------------------------------ lifecycle */

struct vug_display *
vug_display_create(uint32_t num_scanouts, const struct vug_display_hooks *hooks)
{
	struct vug_display *dpy = calloc(1, sizeof(*dpy));
	if (!dpy) {
		return NULL;
	}
	/* One UPDATE piece or one cursor image. */
	_Static_assert(sizeof(struct vhost_user_gpu_cursor_update) <= VUG_DISPLAY_UPDATE_CHUNK,
		       "cursor fits the buffer");
	dpy->buf = malloc(sizeof(struct vhost_user_gpu_update) + VUG_DISPLAY_UPDATE_CHUNK);
	if (!dpy->buf) {
		free(dpy);
		return NULL;
	}
	dpy->sink.impl = &sink_impl;
	if (hooks) {
		dpy->hooks = *hooks;
	}
	dpy->num_scanouts =
		num_scanouts < VIRTIO_GPU_MAX_SCANOUTS ? num_scanouts : VIRTIO_GPU_MAX_SCANOUTS;
	dpy->fd = -1;
	dpy->rl = (struct vr_ratelimit)VR_RATELIMIT_INIT;
	return dpy;
}

void
vug_display_destroy(struct vug_display *dpy)
{
	if (!dpy) {
		return;
	}
	detach(dpy);
	for (unsigned i = 0; i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
		free(dpy->cursors[i]);
	}
	free(dpy->buf);
	free(dpy);
}

bool
vug_display_attach(struct vug_display *dpy, int fd)
{
	detach(dpy);
	dpy->fd = fd;
	dpy->features = 0;
	dpy->have_edid = false;
	if (!send_msg(dpy, VHOST_USER_GPU_GET_PROTOCOL_FEATURES, NULL, 0)) {
		return false;
	}
	dpy->state = WAIT_PROTOCOL_FEATURES;
	return true;
}

int
vug_display_fd(const struct vug_display *dpy)
{
	return dpy->fd;
}

bool
vug_display_setting_up(const struct vug_display *dpy)
{
	return dpy->fd >= 0 && (dpy->state == WAIT_PROTOCOL_FEATURES ||
				dpy->state == WAIT_DISPLAY_INFO || dpy->state == WAIT_EDID);
}

struct vug_scanout_sink *
vug_display_sink(struct vug_display *dpy)
{
	return &dpy->sink;
}

uint64_t
vug_display_features(const struct vug_display *dpy)
{
	return dpy->features;
}

const uint8_t *
vug_display_edid(const struct vug_display *dpy, uint32_t *size)
{
	if (!dpy->have_edid) {
		*size = 0;
		return NULL;
	}
	*size = dpy->edid.size < sizeof(dpy->edid.edid) ? dpy->edid.size : sizeof(dpy->edid.edid);
	return dpy->edid.edid;
}

static bool
fail(struct vug_display *dpy, const char *why)
{
	vr_warn(VR_CAT_VHOST, "display channel: %s; closing it", why);
	detach(dpy);
	return false;
}

/* The next step after a reply: features → display info → EDID (if agreed). */
static bool
handle_reply(struct vug_display *dpy, const struct vhost_user_hdr *h, const uint8_t *payload)
{
	switch (dpy->state) {
	case WAIT_PROTOCOL_FEATURES: {
		uint64_t f;
		memcpy(&f, payload, sizeof(f));
		dpy->features = f & (1ull << VHOST_USER_GPU_PROTOCOL_F_EDID);
		if (!send_msg(dpy, VHOST_USER_GPU_SET_PROTOCOL_FEATURES, &dpy->features, 8) ||
		    !send_msg(dpy, VHOST_USER_GPU_GET_DISPLAY_INFO, NULL, 0)) {
			return false;
		}
		dpy->state = WAIT_DISPLAY_INFO;
		return true;
	}
	case WAIT_DISPLAY_INFO: {
		struct virtio_gpu_resp_display_info info;
		memcpy(&info, payload, sizeof(info));
		if (dpy->hooks.display_info) {
			dpy->hooks.display_info(dpy->hooks.opaque, &info);
		}
		dpy->state = WAIT_NOTHING;
		if (dpy->features & (1ull << VHOST_USER_GPU_PROTOCOL_F_EDID)) {
			struct vhost_user_gpu_edid_request req = {.scanout_id = 0};
			if (!send_msg(dpy, VHOST_USER_GPU_GET_EDID, &req, sizeof(req))) {
				return false;
			}
			dpy->state = WAIT_EDID;
		}
		return true;
	}
	case WAIT_EDID:
		memcpy(&dpy->edid, payload, sizeof(dpy->edid));
		dpy->have_edid = true;
		dpy->state = WAIT_NOTHING;
		return true;
	case WAIT_NOTHING:
		break;
	}
	(void)h;
	return fail(dpy, "unexpected message");
}

bool
vug_display_handle_input(struct vug_display *dpy)
{
	if (dpy->fd < 0) {
		return false;
	}
	struct vhost_user_hdr h;
	if (!vug_read_full(dpy->fd, &h, sizeof(h))) {
		/* QEMU closes the channel first when the VM shuts down: no fault of anyone. */
		vr_info(VR_CAT_VHOST, "display channel: front end closed it");
		detach(dpy);
		return false;
	}
	static const uint32_t want_req[] = {
		[WAIT_PROTOCOL_FEATURES] = VHOST_USER_GPU_GET_PROTOCOL_FEATURES,
		[WAIT_DISPLAY_INFO] = VHOST_USER_GPU_GET_DISPLAY_INFO,
		[WAIT_EDID] = VHOST_USER_GPU_GET_EDID,
	};
	static const uint32_t want_size[] = {
		[WAIT_PROTOCOL_FEATURES] = 8,
		[WAIT_DISPLAY_INFO] = VHOST_USER_GPU_DISPLAY_INFO_SIZE,
		[WAIT_EDID] = VHOST_USER_GPU_EDID_SIZE,
	};
	if (dpy->state == WAIT_NOTHING || h.request != want_req[dpy->state] ||
	    !(h.flags & VHOST_USER_GPU_MSG_FLAG_REPLY) || h.size != want_size[dpy->state]) {
		return fail(dpy, "unexpected or malformed reply");
	}
	uint8_t payload[VHOST_USER_GPU_EDID_SIZE];
	if (!vug_read_full(dpy->fd, payload, h.size)) {
		return fail(dpy, "short reply");
	}
	return handle_reply(dpy, &h, payload);
}
