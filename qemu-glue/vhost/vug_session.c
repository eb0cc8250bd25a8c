/* pvgpu qemu-glue — vhost-user back end session (docs/interop/vhost-user.rst). */
#include "vug_session.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/virtio_gpu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "vug_display.h"
#include "vug_gpu.h"
#include "vug_mem.h"
#include "vug_msg.h"
#include "vug_vring.h"

#define NUM_QUEUES 2 /* virtio-gpu: control, cursor */
#define CTRL_QUEUE 0
#define CURSOR_QUEUE 1

/* Device-specific feature bits are 0..23 (virtio §6); the rest is transport. */
#define DEVICE_FEATURE_MASK ((1ull << 24) - 1)

#define TRANSPORT_FEATURES                                                              \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |         \
	 (1ull << VIRTIO_RING_F_EVENT_IDX) | (1ull << VHOST_USER_F_PROTOCOL_FEATURES) | \
	 (1ull << VIRTIO_F_NOTIFY_ON_EMPTY))

/* What we implement: MQ (GET_QUEUE_NUM), REPLY_ACK, BACKEND_REQ (the channel is
 * kept; QEMU's vhost-user-gpu handles no back-end requests), CONFIG, and
 * CONFIGURE_MEM_SLOTS (ADD/REM_MEM_REG). */
#define PROTOCOL_FEATURES                                                                       \
	((1ull << VHOST_USER_PROTOCOL_F_MQ) | (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |       \
	 (1ull << VHOST_USER_PROTOCOL_F_BACKEND_REQ) | (1ull << VHOST_USER_PROTOCOL_F_CONFIG) | \
	 (1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS))

enum watch_kind {
	WATCH_SOCKET,
	WATCH_KICK,
	WATCH_DISPLAY,
	WATCH_EXT,
};

/* EDIDs are 128-byte blocks; 4 cover a base block and its extensions (a
 * display announcing more is shown with a generated EDID instead). */
#define MAX_EDID 512

struct mode {
	bool enabled;
	uint32_t width, height;
	uint8_t edid[MAX_EDID]; /* the monitor's, when the display gave one */
	size_t edid_len;
};

struct vug_session {
	int fd, epfd;
	struct vug_session_options opts;
	struct vug_gpu *gpu;
	struct vug_display *dpy;
	struct vug_scanout_sink *ext_sink; /* replaces dpy's sink when set */
	int ext_fd;
	struct vug_mem mem;
	struct vug_vring rings[NUM_QUEUES];
	uint64_t features, protocol_features;
	bool owner;
	int backend_req_fd;
	struct mode modes[VIRTIO_GPU_MAX_SCANOUTS];
	bool edid_applied; /* QEMU's EDID went to the device */
	struct vug_watch w_socket, w_display, w_ext, w_kick[NUM_QUEUES];
	struct vug_session_stats stats;
	struct vr_ratelimit rl;
};

/* ------------------------------------------------------------ epoll */

static void
watch_fd(struct vug_session *s, int fd, struct vug_watch *w)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		vr_warn(VR_CAT_VHOST, "epoll_ctl: %s", strerror(errno));
	}
}

static void
unwatch_fd(struct vug_session *s, int fd)
{
	if (fd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	}
}

/* ------------------------------------------------------------ queues */

static void
ring_error(struct vug_session *s, struct vug_vring *vr, unsigned q, const char *why)
{
	s->stats.broken_rings++;
	vr_log_rl(&s->rl, VR_CAT_VHOST, VR_LOG_WARN, "queue %u: %s; queue stopped", q, why);
	if (vr->err_fd >= 0) {
		uint64_t one = 1;
		ssize_t r = write(vr->err_fd, &one, sizeof(one));
		(void)r;
	}
}

static unsigned
inflight_total(const struct vug_session *s)
{
	unsigned n = 0;
	for (unsigned q = 0; q < NUM_QUEUES; q++) {
		n += s->rings[q].inflight_count;
	}
	return n;
}

static void
notify(struct vug_session *s, struct vug_vring *vr)
{
	if (vug_vring_notify(vr)) {
		s->stats.notifications++;
	}
}

static void
process_queue(struct vug_session *s, unsigned q)
{
	struct vug_vring *vr = &s->rings[q];
	bool pushed = false;
	if (q == CTRL_QUEUE && vug_display_setting_up(s->dpy)) {
		return; /* resumed when QEMU's display info arrives */
	}
	for (;;) {
		struct vug_vring_elem *e;
		const char *why;
		int r = vug_vring_pop(vr, &s->mem, &e, &why);
		if (r < 0) {
			ring_error(s, vr, q, why ? why : "out of memory");
			break;
		}
		if (r == 0) {
			break;
		}
		s->stats.chains++;
		if (q == CTRL_QUEUE) {
			uint32_t len =
				vug_gpu_ctrl(s->gpu, e->out, e->out_num, e->in, e->in_num, e);
			if (len != VUG_GPU_DEFERRED) {
				vug_vring_push(vr, e, len);
				pushed = true;
			}
		} else {
			vug_gpu_cursor(s->gpu, e->out, e->out_num);
			vug_vring_push(vr, e, 0);
			pushed = true;
		}
	}
	if (pushed) {
		notify(s, vr);
	}
}

static void
handle_complete(void *opaque, void *token, uint32_t len)
{
	struct vug_session *s = opaque;
	struct vug_vring_elem *e = token;
	struct vug_vring *vr = e->ring;
	vug_vring_push(vr, e, len);
	notify(s, vr);
}

static void
handle_config_changed(void *opaque)
{
	/* QEMU's vhost-user-gpu keeps events_read itself and rejects back-end
	 * config-change requests, so there is nothing to send. */
	vr_dbg(VR_CAT_VHOST, "device config changed");
	(void)opaque;
}

static void
handle_display_info(void *opaque, const struct virtio_gpu_resp_display_info *info)
{
	struct vug_session *s = opaque;
	if (s->ext_sink) {
		return; /* the external display decides the modes */
	}
	for (uint32_t i = 0; i < s->opts.num_scanouts && i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
		const struct virtio_gpu_display_one *p = &info->pmodes[i];
		struct mode m = {
			.enabled = p->enabled != 0, .width = p->r.width, .height = p->r.height};
		if (m.enabled && (m.width == 0 || m.height == 0)) {
			continue;
		}
		if (m.enabled == s->modes[i].enabled && m.width == s->modes[i].width &&
		    m.height == s->modes[i].height) {
			continue;
		}
		s->modes[i] = m;
		vug_gpu_set_mode(s->gpu, i, m.enabled, m.width, m.height);
	}
}

/* The external display wants a mode: before the device exists it only
 * becomes the scanout's starting mode. */
/* The monitor's EDID goes to the device before the mode, so the guest reading
 * it after the display-change event sees the real monitor. */
static void
apply_mode(struct vug_session *s, uint32_t scanout)
{
	const struct mode *m = &s->modes[scanout];
	if (m->edid_len && !vug_gpu_set_edid(s->gpu, scanout, m->edid, m->edid_len)) {
		vr_warn(VR_CAT_VHOST, "scanout %u: the display's EDID was refused", scanout);
	}
	vug_gpu_set_mode(s->gpu, scanout, true, m->width, m->height);
}

static void
handle_ext_mode(void *ctx, uint32_t scanout, uint32_t width, uint32_t height, const uint8_t *edid,
		size_t edid_len)
{
	struct vug_session *s = ctx;
	if (scanout >= s->opts.num_scanouts || scanout >= VIRTIO_GPU_MAX_SCANOUTS) {
		return;
	}
	struct mode *m = &s->modes[scanout];
	*m = (struct mode){.enabled = true, .width = width, .height = height};
	if (edid && edid_len <= MAX_EDID) {
		memcpy(m->edid, edid, edid_len);
		m->edid_len = edid_len;
	}
	if (s->gpu) {
		apply_mode(s, scanout);
	}
}

/* ------------------------------------------------------------ messages */

static bool
reply(struct vug_session *s, const struct vug_msg *m, const void *payload, uint32_t size)
{
	return vug_msg_send(s->fd, m->hdr.request, VHOST_USER_VERSION | VHOST_USER_REPLY_MASK,
			    payload, size, NULL, 0);
}

static bool
reply_u64(struct vug_session *s, const struct vug_msg *m, uint64_t v)
{
	return reply(s, m, &v, sizeof(v));
}

/* Takes fd number `i` out of the message (the message no longer closes it). */
static int
take_fd(struct vug_msg *m, unsigned i)
{
	int fd = m->fds[i];
	m->fds[i] = -1;
	return fd;
}

static void
replace_fd(int *slot, int fd)
{
	if (*slot >= 0) {
		close(*slot);
	}
	*slot = fd;
}

static void
remap_rings(struct vug_session *s)
{
	for (unsigned q = 0; q < NUM_QUEUES; q++) {
		vug_vring_map(&s->rings[q], &s->mem);
	}
}

static struct vug_vring *
ring_of(struct vug_session *s, uint32_t index)
{
	return index < NUM_QUEUES ? &s->rings[index] : NULL;
}

static void
stop_ring(struct vug_session *s, unsigned q)
{
	struct vug_vring *vr = &s->rings[q];
	unwatch_fd(s, vr->kick_fd);
	replace_fd(&vr->kick_fd, -1);
	vr->started = false;
	vr->gen++;
}

static void
apply_features(struct vug_session *s, uint64_t f)
{
	/* QEMU 10 also acks VIRTIO_F_RING_RESET (bit 40), never offered: keep
	 * only what we offered. */
	uint64_t offered = vug_gpu_features(s->gpu) | TRANSPORT_FEATURES;
	s->features = f & offered;
	vug_gpu_set_features(s->gpu, s->features & DEVICE_FEATURE_MASK);
	for (unsigned q = 0; q < NUM_QUEUES; q++) {
		struct vug_vring *vr = &s->rings[q];
		vr->event_idx = s->features & (1ull << VIRTIO_RING_F_EVENT_IDX);
		vr->indirect_ok = s->features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
		vr->notify_on_empty = s->features & (1ull << VIRTIO_F_NOTIFY_ON_EMPTY);
	}
}

static bool
set_mem_table(struct vug_session *s, struct vug_msg *m)
{
	vug_mem_clear(&s->mem);
	uint32_t n = m->payload.mem_table.nregions;
	const uint8_t *p = m->payload.bytes + sizeof(struct vhost_user_mem_table_hdr);
	bool ok = true;
	for (uint32_t i = 0; i < n && ok; i++) {
		struct vhost_user_mem_region r;
		memcpy(&r, p + i * sizeof(r), sizeof(r));
		ok = vug_mem_add(&s->mem, &r, m->fds[i]) == 0;
	}
	if (!ok) {
		vug_mem_clear(&s->mem);
	}
	remap_rings(s);
	return ok;
}

static bool
set_vring_fd(struct vug_session *s, struct vug_msg *m)
{
	uint32_t index = m->payload.u64 & VHOST_USER_VRING_IDX_MASK;
	bool nofd = m->payload.u64 & VHOST_USER_VRING_NOFD_MASK;
	struct vug_vring *vr = ring_of(s, index);
	if (!vr || nofd != (m->nfds == 0)) {
		return false;
	}
	int fd = nofd ? -1 : take_fd(m, 0);
	switch (m->hdr.request) {
	case VHOST_USER_SET_VRING_CALL:
		replace_fd(&vr->call_fd, fd);
		return true;
	case VHOST_USER_SET_VRING_ERR:
		replace_fd(&vr->err_fd, fd);
		return true;
	default:
		break;
	}
	/* SET_VRING_KICK starts the ring (vhost-user.rst, "Starting and stopping
	 * rings"). Without a kick fd we would have to poll: not offered. */
	unwatch_fd(s, vr->kick_fd);
	replace_fd(&vr->kick_fd, fd);
	if (fd >= 0) {
		watch_fd(s, fd, &s->w_kick[index]);
	}
	vr->started = true;
	vr->broken = false;
	if (!(s->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES))) {
		vr->enabled = true;
	}
	if (vug_vring_map(vr, &s->mem)) {
		/* After a reconnect the guest may have progressed: resume where the
		 * used ring says (as libvhost-user does). */
		vr->used_idx = __atomic_load_n(&vr->used->idx, __ATOMIC_RELAXED);
	}
	vr->signalled_used_valid = false;
	process_queue(s, index);
	return true;
}

static bool
get_config(struct vug_session *s, const struct vug_msg *m)
{
	struct {
		struct vhost_user_config_hdr h;
		uint8_t data[VHOST_USER_MAX_CONFIG_SIZE];
	} out;
	uint8_t space[sizeof(struct virtio_gpu_config)];
	vug_gpu_get_config(s->gpu, space, sizeof(space));
	out.h = m->payload.config;
	memset(out.data, 0, sizeof(out.data));
	for (uint32_t i = 0; i < out.h.size; i++) {
		uint64_t at = (uint64_t)out.h.offset + i;
		if (at < sizeof(space)) {
			out.data[i] = space[at];
		}
	}
	return reply(s, m, &out, (uint32_t)sizeof(out.h) + out.h.size);
}

/* Handles one validated request. Returns the status for REPLY_ACK; sets
 * *replied when the request has a reply of its own; *fatal ends the session. */
static bool
handle_msg(struct vug_session *s, struct vug_msg *m, bool *replied, bool *fatal)
{
	struct vug_vring *vr;
	*replied = false;
	switch (m->hdr.request) {
	case VHOST_USER_GET_FEATURES:
		*replied = true;
		*fatal = !reply_u64(s, m, vug_gpu_features(s->gpu) | TRANSPORT_FEATURES);
		return true;
	case VHOST_USER_SET_FEATURES:
		apply_features(s, m->payload.u64);
		return true;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		*replied = true;
		*fatal = !reply_u64(s, m, PROTOCOL_FEATURES);
		return true;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		s->protocol_features = m->payload.u64 & PROTOCOL_FEATURES;
		return true;
	case VHOST_USER_SET_OWNER:
		s->owner = true;
		return true;
	case VHOST_USER_RESET_OWNER:
		for (unsigned q = 0; q < NUM_QUEUES; q++) {
			stop_ring(s, q);
		}
		s->owner = false;
		return true;
	case VHOST_USER_GET_QUEUE_NUM:
		*replied = true;
		*fatal = !reply_u64(s, m, NUM_QUEUES);
		return true;
	case VHOST_USER_GET_MAX_MEM_SLOTS:
		*replied = true;
		*fatal = !reply_u64(s, m, VUG_MEM_MAX_REGIONS);
		return true;
	case VHOST_USER_SET_MEM_TABLE:
		return set_mem_table(s, m);
	case VHOST_USER_ADD_MEM_REG: {
		int r = vug_mem_add(&s->mem, &m->payload.mem_reg.region, m->fds[0]);
		remap_rings(s);
		return r == 0;
	}
	case VHOST_USER_REM_MEM_REG: {
		bool ok = vug_mem_remove(&s->mem, &m->payload.mem_reg.region);
		remap_rings(s);
		return ok;
	}
	case VHOST_USER_SET_VRING_NUM: {
		uint32_t num = m->payload.state.num;
		vr = ring_of(s, m->payload.state.index);
		/* Split rings: a power of two up to 32768 (virtio §2.7). */
		if (!vr || vr->started || num == 0 || num > VGP_VRING_MAX_SIZE ||
		    (num & (num - 1))) {
			return false;
		}
		vr->num = num;
		vug_vring_map(vr, &s->mem);
		return true;
	}
	case VHOST_USER_SET_VRING_ADDR:
		vr = ring_of(s, m->payload.addr.index);
		if (!vr || vr->started) {
			return false;
		}
		vr->desc_uva = m->payload.addr.desc_user_addr;
		vr->avail_uva = m->payload.addr.avail_user_addr;
		vr->used_uva = m->payload.addr.used_user_addr;
		vr->addr_set = true;
		return vug_vring_map(vr, &s->mem);
	case VHOST_USER_SET_VRING_BASE:
		vr = ring_of(s, m->payload.state.index);
		if (!vr || vr->started || m->payload.state.num > UINT16_MAX) {
			return false;
		}
		vr->last_avail_idx = (uint16_t)m->payload.state.num;
		vr->used_idx = (uint16_t)m->payload.state.num;
		return true;
	case VHOST_USER_GET_VRING_BASE: {
		struct vhost_user_vring_state st = m->payload.state;
		vr = ring_of(s, st.index);
		*replied = true;
		if (!vr) {
			st.num = 0;
		} else {
			stop_ring(s, st.index);
			st.num = vr->last_avail_idx;
		}
		*fatal = !reply(s, m, &st, sizeof(st));
		return vr != NULL;
	}
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		return set_vring_fd(s, m);
	case VHOST_USER_SET_VRING_ENABLE:
		vr = ring_of(s, m->payload.state.index);
		if (!vr || m->payload.state.num > 1) {
			return false;
		}
		vr->enabled = m->payload.state.num;
		if (vr->enabled && vr->started) {
			process_queue(s, m->payload.state.index);
		}
		return true;
	case VHOST_USER_SET_BACKEND_REQ_FD:
		replace_fd(&s->backend_req_fd, take_fd(m, 0));
		return true;
	case VHOST_USER_GET_CONFIG:
		*replied = true;
		*fatal = !get_config(s, m);
		return true;
	case VHOST_USER_SET_CONFIG:
		vug_gpu_set_config(s->gpu, m->payload.config.offset,
				   m->payload.bytes + sizeof(struct vhost_user_config_hdr),
				   m->payload.config.size);
		return true;
	case VHOST_USER_GPU_SET_SOCKET: {
		unwatch_fd(s, vug_display_fd(s->dpy));
		bool ok = vug_display_attach(s->dpy, take_fd(m, 0));
		if (ok) {
			watch_fd(s, vug_display_fd(s->dpy), &s->w_display);
		}
		return ok;
	}
	default:
		return false;
	}
}

static bool
handle_socket(struct vug_session *s)
{
	struct vug_msg m;
	int r = vug_msg_read(s->fd, &m);
	if (r == -ECONNRESET) {
		vr_info(VR_CAT_VHOST, "front end disconnected");
		return false;
	}
	if (r < 0) {
		vr_warn(VR_CAT_VHOST, "bad message from the front end (%s); disconnecting",
			strerror(-r));
		s->stats.bad_messages++;
		return false;
	}
	s->stats.messages++;
	const char *why = vug_msg_check(&m);
	bool need_ack = (s->protocol_features & (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK)) &&
			(m.hdr.flags & VHOST_USER_NEED_REPLY_MASK);
	if (why && vug_msg_known(m.hdr.request)) {
		vr_warn(VR_CAT_VHOST, "request %u: %s; disconnecting", m.hdr.request, why);
		s->stats.bad_messages++;
		vug_msg_close_fds(&m);
		return false;
	}
	bool ok = false, replied = false, fatal = false;
	if (why) {
		/* Unknown requests fail without ending the session: newer front
		 * ends may try things we never offered. */
		vr_log_rl(&s->rl, VR_CAT_VHOST, VR_LOG_WARN, "request %u: %s", m.hdr.request, why);
		s->stats.bad_messages++;
	} else {
		ok = handle_msg(s, &m, &replied, &fatal);
		if (!ok) {
			vr_log_rl(&s->rl, VR_CAT_VHOST, VR_LOG_WARN, "request %u failed",
				  m.hdr.request);
		}
	}
	vug_msg_close_fds(&m);
	if (!fatal && need_ack && !replied) {
		fatal = !reply_u64(s, &m, ok ? 0 : 1);
	}
	return !fatal;
}

/* ------------------------------------------------------------ lifecycle */

struct vug_session *
vug_session_create(int fd, int epfd, const struct vug_session_options *opts, const char **why)
{
	struct vug_session *s = calloc(1, sizeof(*s));
	if (!s) {
		*why = "out of memory";
		close(fd);
		return NULL;
	}
	s->fd = fd;
	s->epfd = epfd;
	s->opts = *opts;
	s->backend_req_fd = -1;
	s->ext_fd = -1;
	s->rl = (struct vr_ratelimit)VR_RATELIMIT_INIT;
	vug_mem_init(&s->mem);
	bool rings_ok = true;
	for (unsigned q = 0; q < NUM_QUEUES; q++) {
		rings_ok &= vug_vring_init(&s->rings[q]);
		s->w_kick[q] = (struct vug_watch){.kind = WATCH_KICK, .index = q};
	}
	s->w_socket.kind = WATCH_SOCKET;
	s->w_display.kind = WATCH_DISPLAY;
	s->w_ext.kind = WATCH_EXT;

	struct vug_display_hooks dh = {.display_info = handle_display_info, .opaque = s};
	s->dpy = vug_display_create(opts->num_scanouts, &dh);
	if (!rings_ok || !s->dpy) {
		*why = "out of memory";
		goto err;
	}
	uint32_t w = opts->width ? opts->width : 1024, h = opts->height ? opts->height : 768;
	for (unsigned i = 0; i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
		s->modes[i] = (struct mode){.enabled = true, .width = w, .height = h};
	}
	const struct vug_ext_display *ext = opts->ext_display;
	if (ext) {
		s->ext_sink = ext->open(ext->opaque, opts->num_scanouts, handle_ext_mode, s);
		if (!s->ext_sink) {
			vr_warn(VR_CAT_VHOST, "external display unavailable; using QEMU's window");
		}
	}
	struct vug_gpu_config cfg = {
		.num_scanouts = opts->num_scanouts,
		.virgl = opts->virgl,
		.edid = opts->edid,
		.blob = opts->blob,
		.context_init = opts->context_init,
		.backend = opts->backend,
		.mem = &vug_mem_guest_impl,
		.mem_opaque = &s->mem,
		.sink = s->ext_sink ? s->ext_sink : vug_display_sink(s->dpy),
		.width = opts->width,
		.height = opts->height,
	};
	struct vug_gpu_hooks hooks = {
		.complete = handle_complete,
		.config_changed = handle_config_changed,
		.opaque = s,
	};
	s->gpu = vug_gpu_create(&cfg, &hooks, why);
	if (!s->gpu) {
		goto err;
	}
	for (uint32_t i = 0; s->ext_sink && i < opts->num_scanouts; i++) {
		if (s->modes[i].width != w || s->modes[i].height != h || s->modes[i].edid_len) {
			apply_mode(s, i);
		}
	}
	if (s->ext_sink && ext->fd && (s->ext_fd = ext->fd(s->ext_sink)) >= 0) {
		watch_fd(s, s->ext_fd, &s->w_ext);
	}
	watch_fd(s, fd, &s->w_socket);
	return s;

err:
	vug_session_destroy(s);
	return NULL;
}

/* One JSON line per session, appended with a single write (--stats-file). */
static void
write_stats(const struct vug_session *s)
{
	struct vug_gpu_stats g;
	vug_gpu_get_stats(s->gpu, &g);
	char line[512];
	int n = snprintf(line, sizeof(line),
			 "{\"commands\": %" PRIu64 ", \"errors\": %" PRIu64
			 ", \"fences_completed\": %" PRIu64 ", \"bytes_copied\": %" PRIu64
			 ", \"flushes\": %" PRIu64 ", \"chains\": %" PRIu64
			 ", \"notifications\": %" PRIu64 "}\n",
			 g.commands, g.errors, g.fences_completed, g.bytes_copied, g.flushes,
			 s->stats.chains, s->stats.notifications);
	if (n <= 0 || (size_t)n >= sizeof(line) || write(s->opts.stats_fd, line, (size_t)n) != n) {
		vr_warn(VR_CAT_VHOST, "cannot write the stats line: %s", strerror(errno));
	}
}

void
vug_session_destroy(struct vug_session *s)
{
	if (!s) {
		return;
	}
	if (s->gpu && s->opts.stats_fd >= 0) {
		write_stats(s);
	}
	/* The device first: it may hold ring elements and guest pointers. */
	vug_gpu_destroy(s->gpu);
	if (s->ext_sink) {
		unwatch_fd(s, s->ext_fd);
		s->ext_sink->impl->destroy(s->ext_sink);
	}
	for (unsigned q = 0; q < NUM_QUEUES; q++) {
		unwatch_fd(s, s->rings[q].kick_fd);
		vug_vring_finish(&s->rings[q]);
	}
	if (s->dpy) {
		unwatch_fd(s, vug_display_fd(s->dpy));
		vug_display_destroy(s->dpy);
	}
	vug_mem_finish(&s->mem);
	replace_fd(&s->backend_req_fd, -1);
	unwatch_fd(s, s->fd);
	close(s->fd);
	free(s);
}

/* QEMU's EDID (scanout 0) answers the guest's GET_EDID from then on. */
static void
apply_edid(struct vug_session *s)
{
	uint32_t size = 0;
	const uint8_t *edid = vug_display_edid(s->dpy, &size);
	if (s->edid_applied || !edid) {
		return;
	}
	s->edid_applied = true;
	if (!vug_gpu_set_edid(s->gpu, 0, edid, size)) {
		vr_warn(VR_CAT_VHOST, "QEMU's EDID (%u bytes) is invalid; keeping ours", size);
	}
}

bool
vug_session_dispatch(struct vug_session *s, struct vug_watch *w, uint32_t events)
{
	switch (w->kind) {
	case WATCH_SOCKET:
		if (events & EPOLLIN) {
			return handle_socket(s);
		}
		return !(events & (EPOLLHUP | EPOLLERR));
	case WATCH_KICK: {
		struct vug_vring *vr = &s->rings[w->index];
		uint64_t v;
		ssize_t r = read(vr->kick_fd, &v, sizeof(v));
		(void)r;
		process_queue(s, w->index);
		return true;
	}
	case WATCH_EXT:
		s->opts.ext_display->dispatch(s->ext_sink);
		return true;
	case WATCH_DISPLAY:
		/* On failure the display closed its fd, which also leaves the epoll
		 * set; the session goes on without a window. */
		vug_display_handle_input(s->dpy);
		apply_edid(s);
		if (!vug_display_setting_up(s->dpy)) {
			process_queue(s, CTRL_QUEUE);
		}
		return true;
	default:
		return true;
	}
}

int
vug_session_idle(struct vug_session *s)
{
	vug_gpu_poll(s->gpu);
	if (inflight_total(s) == 0) {
		vug_mem_release_retired(&s->mem);
		return -1;
	}
	/* Fences are retired by polling: look again soon. */
	return 2;
}

void
vug_session_get_stats(const struct vug_session *s, struct vug_session_stats *st)
{
	*st = s->stats;
}
