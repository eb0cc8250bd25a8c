/* pvgpu-sim — scenarios: 2d, cursor, fences, hostile (the rest: sim_scenario_gpu.c). */
#include "sim_scenario.h"

#include <linux/virtio_gpu.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vgp_png.h"

#define RES_BASE 100
#define CURSOR_RES 200
#define FENCE_RES 300
#define FENCES 8

void
sim_hdr(struct virtio_gpu_ctrl_hdr *h, uint32_t type)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
}

const char *
sim_resp_name(uint32_t t)
{
	switch (t) {
	case VIRTIO_GPU_RESP_OK_NODATA:
		return "OK_NODATA";
	case VIRTIO_GPU_RESP_OK_DISPLAY_INFO:
		return "OK_DISPLAY_INFO";
	case VIRTIO_GPU_RESP_ERR_UNSPEC:
		return "ERR_UNSPEC";
	case VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY:
		return "ERR_OUT_OF_MEMORY";
	case VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID:
		return "ERR_INVALID_SCANOUT_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID:
		return "ERR_INVALID_RESOURCE_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER:
		return "ERR_INVALID_PARAMETER";
	default:
		return "?";
	}
}

/* Sends `req` on the control queue; returns the response type (0 on no answer). */
uint32_t
sim_ctrl(struct sim_vm *vm, const void *req, uint32_t len)
{
	struct virtio_gpu_ctrl_hdr resp;
	memset(&resp, 0, sizeof(resp));
	if (sim_cmd(vm, SIM_CTRLQ, req, len, &resp, sizeof(resp)) < (int)sizeof(resp)) {
		return 0;
	}
	return resp.type;
}

bool
sim_expect(const char *what, uint32_t got, uint32_t want)
{
	if (got == want) {
		return true;
	}
	fprintf(stderr, "pvgpu-sim: %s: got %s (0x%x), expected %s\n", what, sim_resp_name(got),
		got, sim_resp_name(want));
	return false;
}

uint32_t
sim_pattern(unsigned vm, unsigned s, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	uint32_t b = (x * 255 / (w > 1 ? w - 1 : 1)) ^ (s * 64u);
	uint32_t g = y * 255 / (h > 1 ? h - 1 : 1);
	uint32_t r = ((x / 16 + y / 16) & 1) ? 0xff : (vm * 40u + s * 20u);
	return (b & 0xff) | (g & 0xff) << 8 | (r & 0xff) << 16 | 0xffu << 24;
}

bool
sim_make_resource(struct sim_vm *vm, uint32_t id, uint32_t format, uint32_t w, uint32_t h,
		  uint32_t (*fill)(void *, uint32_t, uint32_t), void *data)
{
	struct virtio_gpu_resource_create_2d c;
	sim_hdr(&c.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
	c.resource_id = id;
	c.format = format;
	c.width = w;
	c.height = h;
	if (!sim_expect("RESOURCE_CREATE_2D", sim_ctrl(vm, &c, sizeof(c)),
			VIRTIO_GPU_RESP_OK_NODATA)) {
		return false;
	}
	uint64_t bytes = (uint64_t)w * h * 4, half = bytes / 2 & ~3ull;
	uint64_t g0, g1;
	uint8_t *p0 = sim_alloc(vm, half, &g0);
	uint8_t *p1 = sim_alloc(vm, bytes - half, &g1);
	if (!p0 || !p1) {
		fprintf(stderr, "pvgpu-sim: guest RAM too small for %ux%u\n", w, h);
		return false;
	}
	for (uint32_t y = 0; fill && y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint64_t off = ((uint64_t)y * w + x) * 4;
			uint32_t px = fill(data, x, y);
			memcpy(off < half ? p0 + off : p1 + (off - half), &px, 4);
		}
	}
	struct {
		struct virtio_gpu_resource_attach_backing a;
		struct virtio_gpu_mem_entry e[2];
	} at;
	_Static_assert(sizeof(at) == sizeof(at.a) + sizeof(at.e), "no padding");
	memset(&at, 0, sizeof(at));
	sim_hdr(&at.a.hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
	at.a.resource_id = id;
	at.a.nr_entries = 2;
	at.e[0].addr = g0;
	at.e[0].length = (uint32_t)half;
	at.e[1].addr = g1;
	at.e[1].length = (uint32_t)(bytes - half);
	if (!sim_expect("RESOURCE_ATTACH_BACKING", sim_ctrl(vm, &at, sizeof(at)),
			VIRTIO_GPU_RESP_OK_NODATA)) {
		return false;
	}
	if (!fill) {
		return true;
	}
	struct virtio_gpu_transfer_to_host_2d t;
	memset(&t, 0, sizeof(t));
	sim_hdr(&t.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
	t.resource_id = id;
	t.r.width = w;
	t.r.height = h;
	return sim_expect("TRANSFER_TO_HOST_2D", sim_ctrl(vm, &t, sizeof(t)),
			  VIRTIO_GPU_RESP_OK_NODATA);
}

struct sim_vm *
sim_connect(struct sim_run *run, const struct sim_vm_options *o)
{
	int fd = run->connect(run->ctx);
	if (fd < 0) {
		fprintf(stderr, "pvgpu-sim: cannot connect to the back end\n");
		return NULL;
	}
	const char *why = "?";
	struct sim_vm *vm = sim_vm_create(fd, o ? o : &run->vm, &why);
	if (!vm) {
		fprintf(stderr, "pvgpu-sim: vm %u: negotiation failed at %s\n", run->vm_index, why);
	}
	return vm;
}

/* ------------------------------------------------------------ 2d */

struct pattern_ctx {
	unsigned vm, s;
	uint32_t w, h;
};

static uint32_t
pattern_fill(void *data, uint32_t x, uint32_t y)
{
	struct pattern_ctx *p = data;
	return sim_pattern(p->vm, p->s, x, y, p->w, p->h);
}

bool
sim_check_fb(struct sim_run *run, struct sim_vm *vm, unsigned s, unsigned pattern, uint32_t w,
	     uint32_t h, const char *png)
{
	const struct sim_fb *fb = sim_display_fb(vm, s);
	if (!fb->pixels || fb->width != w || fb->height != h) {
		fprintf(stderr,
			"pvgpu-sim: vm %u scanout %u: display shows %ux%u, expected %ux%u\n",
			run->vm_index, s, fb->width, fb->height, w, h);
		return false;
	}
	if (run->out_dir) {
		char path[512];
		snprintf(path, sizeof(path), "%s/vm%u-%s%u.png", run->out_dir, run->vm_index, png,
			 s);
		if (!vgp_png_write_bgra(path, fb->pixels, w, h, (size_t)w * 4, false)) {
			fprintf(stderr, "pvgpu-sim: cannot write %s\n", path);
		}
	}
	uint64_t bad = 0;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t got;
			memcpy(&got, fb->pixels + ((uint64_t)y * w + x) * 4, 4);
			uint32_t want = sim_pattern(run->vm_index, pattern, x, y, w, h);
			bad += (got & 0xffffff) != (want & 0xffffff);
		}
	}
	if (bad) {
		fprintf(stderr, "pvgpu-sim: vm %u scanout %u: %llu of %llu pixels differ\n",
			run->vm_index, s, (unsigned long long)bad, (unsigned long long)w * h);
	}
	return bad == 0;
}

static bool
display_info(struct sim_vm *vm, struct virtio_gpu_resp_display_info *di)
{
	struct virtio_gpu_ctrl_hdr q;
	sim_hdr(&q, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
	memset(di, 0, sizeof(*di));
	return sim_cmd(vm, SIM_CTRLQ, &q, sizeof(q), di, sizeof(*di)) == (int)sizeof(*di) &&
	       sim_expect("GET_DISPLAY_INFO", di->hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
}

/* A w×h pattern resource `id` on scanout `s`, flushed (with a fence when
 * `fenced`: it completes once the display presented the frame). */
static bool
show_pattern(struct sim_run *run, struct sim_vm *vm, unsigned s, uint32_t w, uint32_t h,
	     uint32_t id, bool fenced)
{
	struct pattern_ctx pc = {run->vm_index, s, w, h};
	bool ok = sim_make_resource(vm, id, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, w, h, pattern_fill,
				    &pc);
	struct virtio_gpu_set_scanout ss;
	memset(&ss, 0, sizeof(ss));
	sim_hdr(&ss.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
	ss.scanout_id = s;
	ss.resource_id = id;
	ss.r.width = w;
	ss.r.height = h;
	ok = ok &&
	     sim_expect("SET_SCANOUT", sim_ctrl(vm, &ss, sizeof(ss)), VIRTIO_GPU_RESP_OK_NODATA);
	struct virtio_gpu_resource_flush fl;
	memset(&fl, 0, sizeof(fl));
	sim_hdr(&fl.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	if (fenced) {
		fl.hdr.flags = VIRTIO_GPU_FLAG_FENCE;
		fl.hdr.fence_id = id;
	}
	fl.resource_id = id;
	fl.r.width = w;
	fl.r.height = h;
	return ok && sim_expect("RESOURCE_FLUSH", sim_ctrl(vm, &fl, sizeof(fl)),
				VIRTIO_GPU_RESP_OK_NODATA);
}

static int
scenario_2d(struct sim_run *run)
{
	struct sim_vm *vm = sim_connect(run, NULL);
	if (!vm) {
		return SIM_FAIL;
	}
	bool ok = true;
	struct virtio_gpu_resp_display_info di;
	if (!display_info(vm, &di)) {
		sim_vm_destroy(vm);
		return SIM_FAIL;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned s = 0; s < run->vm.scanouts && ok; s++) {
		uint32_t w = di.pmodes[s].r.width, h = di.pmodes[s].r.height;
		if (!di.pmodes[s].enabled || !w || !h) {
			fprintf(stderr, "pvgpu-sim: scanout %u is not enabled\n", s);
			ok = false;
			break;
		}
		ok = show_pattern(run, vm, s, w, h, RES_BASE + s, false);
	}
	sim_display_drain(vm, 200);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (unsigned s = 0; s < run->vm.scanouts && ok; s++) {
		ok = sim_check_fb(run, vm, s, s, di.pmodes[s].r.width, di.pmodes[s].r.height,
				  "scanout");
	}
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("vm %u: 2d: %u scanout(s) %ux%u %s (%.1f ms incl. 200 ms drain)\n", run->vm_index,
	       run->vm.scanouts, di.pmodes[0].r.width, di.pmodes[0].r.height,
	       ok ? "match" : "MISMATCH", ms);
	sim_vm_destroy(vm);
	return ok ? SIM_PASS : SIM_FAIL;
}

/* ------------------------------------------------------------ display */

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The pattern scanout `s` should show, as the PNG the display is compared to. */
static void
write_expected(struct sim_run *run, unsigned s, uint32_t w, uint32_t h)
{
	if (!run->out_dir) {
		return;
	}
	uint32_t *px = malloc((size_t)w * h * 4);
	if (!px) {
		return;
	}
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			px[(size_t)y * w + x] = sim_pattern(run->vm_index, s, x, y, w, h);
		}
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/vm%u-scanout%u.png", run->out_dir, run->vm_index, s);
	if (!vgp_png_write_bgra(path, (const uint8_t *)px, w, h, (size_t)w * 4, false)) {
		fprintf(stderr, "pvgpu-sim: cannot write %s\n", path);
	}
	free(px);
}

/* True once stdin reached its end (the caller closed it): time to go. */
static bool
stdin_closed(int timeout_ms)
{
	struct pollfd p = {.fd = 0, .events = POLLIN};
	if (poll(&p, 1, timeout_ms) <= 0) {
		return false;
	}
	char c;
	return read(0, &c, 1) <= 0;
}

/*
 * For a display module behind the back end (pvgpu-vhost-user --display=...):
 * shows the pattern on every scanout with fenced flushes (paced by the
 * display), writes the expected images, then stays connected until stdin
 * closes, acting on display-change events like a guest driver does (reads
 * the config space, acknowledges, re-reads the modes, redraws at the new
 * size) and printing one line per change.
 */
static int
scenario_display(struct sim_run *run)
{
	struct sim_vm *vm = sim_connect(run, NULL);
	if (!vm) {
		return SIM_FAIL;
	}
	struct virtio_gpu_config cfg;
	struct virtio_gpu_resp_display_info di;
	bool ok = sim_vm_get_config(vm, &cfg) && sim_vm_clear_events(vm, cfg.events_read) &&
		  display_info(vm, &di);
	uint32_t gen = 0;
	for (unsigned s = 0; s < run->vm.scanouts && ok; s++) {
		uint32_t w = di.pmodes[s].r.width, h = di.pmodes[s].r.height;
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ok = show_pattern(run, vm, s, w, h, RES_BASE + s, true);
		write_expected(run, s, w, h);
		printf("vm %u: display: scanout %u %ux%u shown (fenced flush %.1f ms)\n",
		       run->vm_index, s, w, h, ms_since(&t0));
	}
	printf("vm %u: display: ready\n", run->vm_index);
	fflush(stdout);
	while (ok && sim_vm_alive(vm) && !stdin_closed(50)) {
		sim_display_drain(vm, 0);
		ok = sim_vm_get_config(vm, &cfg);
		if (!ok || !(cfg.events_read & VIRTIO_GPU_EVENT_DISPLAY)) {
			continue;
		}
		struct virtio_gpu_resp_display_info now;
		ok = sim_vm_clear_events(vm, VIRTIO_GPU_EVENT_DISPLAY) && display_info(vm, &now);
		for (unsigned s = 0; s < run->vm.scanouts && ok; s++) {
			uint32_t w = now.pmodes[s].r.width, h = now.pmodes[s].r.height;
			if (w == di.pmodes[s].r.width && h == di.pmodes[s].r.height) {
				continue;
			}
			printf("vm %u: display-change: scanout %u %ux%u\n", run->vm_index, s, w, h);
			gen++;
			ok = show_pattern(run, vm, s, w, h, RES_BASE + s + 16 * gen, true);
			write_expected(run, s, w, h);
			printf("vm %u: display: scanout %u %ux%u shown\n", run->vm_index, s, w, h);
		}
		di = now;
		fflush(stdout);
	}
	printf("vm %u: display: %s\n", run->vm_index, ok ? "done" : "FAILED");
	sim_vm_destroy(vm);
	return ok ? SIM_PASS : SIM_FAIL;
}

/* ------------------------------------------------------------ cursor */

static uint32_t
cursor_fill(void *data, uint32_t x, uint32_t y)
{
	(void)data;
	uint32_t a = (x + y) % 3 == 0 ? 0 : 0xff;
	return (x * 4) | (y * 4) << 8 | ((x ^ y) * 4 & 0xff) << 16 | a << 24;
}

static int
scenario_cursor(struct sim_run *run)
{
	struct sim_vm *vm = sim_connect(run, NULL);
	if (!vm) {
		return SIM_FAIL;
	}
	bool ok = sim_make_resource(vm, CURSOR_RES, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64,
				    cursor_fill, NULL);
	struct virtio_gpu_update_cursor c;
	memset(&c, 0, sizeof(c));
	sim_hdr(&c.hdr, VIRTIO_GPU_CMD_UPDATE_CURSOR);
	c.pos.x = 10;
	c.pos.y = 20;
	c.resource_id = CURSOR_RES;
	c.hot_x = 3;
	c.hot_y = 4;
	ok = ok && sim_cmd(vm, SIM_CURSORQ, &c, sizeof(c), NULL, 0) >= 0;
	sim_hdr(&c.hdr, VIRTIO_GPU_CMD_MOVE_CURSOR);
	c.pos.x = 100;
	c.pos.y = 50;
	ok = ok && sim_cmd(vm, SIM_CURSORQ, &c, sizeof(c), NULL, 0) >= 0;
	sim_display_drain(vm, 200);
	const struct sim_cursor *cur = sim_display_cursor(vm, 0);
	if (ok && (!cur->defined || !cur->visible || cur->x != 100 || cur->y != 50 ||
		   cur->hot_x != 3 || cur->hot_y != 4)) {
		fprintf(stderr,
			"pvgpu-sim: cursor: defined %d visible %d at %u,%u hot %u,%u; expected "
			"100,50 hot 3,4\n",
			cur->defined, cur->visible, cur->x, cur->y, cur->hot_x, cur->hot_y);
		ok = false;
	}
	for (uint32_t y = 0; ok && y < 64; y++) {
		for (uint32_t x = 0; x < 64; x++) {
			if (cur->image[y * 64 + x] != cursor_fill(NULL, x, y)) {
				fprintf(stderr, "pvgpu-sim: cursor pixel %u,%u differs\n", x, y);
				ok = false;
				break;
			}
		}
	}
	/* Hide: an UPDATE_CURSOR with resource 0. */
	sim_hdr(&c.hdr, VIRTIO_GPU_CMD_UPDATE_CURSOR);
	c.resource_id = 0;
	ok = ok && sim_cmd(vm, SIM_CURSORQ, &c, sizeof(c), NULL, 0) >= 0;
	sim_display_drain(vm, 200);
	if (ok && cur->visible) {
		fprintf(stderr, "pvgpu-sim: cursor still visible after resource 0\n");
		ok = false;
	}
	printf("vm %u: cursor: %s (%llu image updates, %llu moves)\n", run->vm_index,
	       ok ? "ok" : "FAILED", (unsigned long long)cur->updates,
	       (unsigned long long)cur->moves);
	sim_vm_destroy(vm);
	return ok ? SIM_PASS : SIM_FAIL;
}

/* ------------------------------------------------------------ fences */

static int
scenario_fences(struct sim_run *run)
{
	struct sim_vm *vm = sim_connect(run, NULL);
	if (!vm) {
		return SIM_FAIL;
	}
	struct pattern_ctx pc = {run->vm_index, 0, 64, 64};
	bool ok = sim_make_resource(vm, FENCE_RES, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64,
				    pattern_fill, &pc);
	struct {
		uint64_t gpa;
		struct virtio_gpu_ctrl_hdr *resp;
		int head;
	} sub[FENCES];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; ok && i < FENCES; i++) {
		uint64_t rg, sg;
		struct virtio_gpu_transfer_to_host_2d *t = sim_alloc(vm, sizeof(*t), &rg);
		sub[i].resp = sim_alloc(vm, sizeof(*sub[i].resp), &sg);
		if (!t || !sub[i].resp) {
			ok = false;
			break;
		}
		memset(t, 0, sizeof(*t));
		memset(sub[i].resp, 0, sizeof(*sub[i].resp));
		sim_hdr(&t->hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
		t->hdr.flags = VIRTIO_GPU_FLAG_FENCE;
		t->hdr.fence_id = 1000 + i;
		t->resource_id = FENCE_RES;
		t->r.width = 64;
		t->r.height = 64;
		struct sim_seg segs[2] = {{rg, sizeof(*t), false},
					  {sg, sizeof(*sub[i].resp), true}};
		/* Every other request through an indirect table. */
		sub[i].head = sim_vq_submit(vm, SIM_CTRLQ, segs, 2, i & 1);
		ok = sub[i].head >= 0;
	}
	uint64_t last = 0;
	for (unsigned n = 0; ok && n < FENCES; n++) {
		uint32_t id, len;
		if (sim_vq_wait(vm, SIM_CTRLQ, run->vm.timeout_ms, &id, &len) != 1) {
			fprintf(stderr, "pvgpu-sim: fences: %u of %u completed\n", n, FENCES);
			ok = false;
			break;
		}
		unsigned i = 0;
		while (i < FENCES && sub[i].head != (int)id) {
			i++;
		}
		const struct virtio_gpu_ctrl_hdr *r = i < FENCES ? sub[i].resp : NULL;
		if (!r || len < sizeof(*r) || r->type != VIRTIO_GPU_RESP_OK_NODATA ||
		    !(r->flags & VIRTIO_GPU_FLAG_FENCE) || r->fence_id != 1000 + i ||
		    r->fence_id <= last) {
			fprintf(stderr,
				"pvgpu-sim: fences: completion %u: head %u fence %llu after "
				"%llu\n",
				n, id, r ? (unsigned long long)r->fence_id : 0ull,
				(unsigned long long)last);
			ok = false;
			break;
		}
		sub[i].head = -1; /* heads are reused once returned */
		last = r->fence_id;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3;
	printf("vm %u: fences: %s (%u fenced transfers in order, %.0f us)\n", run->vm_index,
	       ok ? "ok" : "FAILED", FENCES, us);
	sim_vm_destroy(vm);
	return ok ? SIM_PASS : SIM_FAIL;
}

/* ------------------------------------------------------------ hostile */

/* Device-level: the request is well formed as a chain; the device must answer
 * with the given error and keep serving. */
static bool
hostile_device(struct sim_vm *vm, const char *what, const void *req, uint32_t len, uint32_t want)
{
	uint32_t got = sim_ctrl(vm, req, len);
	bool ok = want ? got == want : got >= VIRTIO_GPU_RESP_ERR_UNSPEC;
	printf("  %-36s -> %s%s\n", what, sim_resp_name(got), ok ? "" : "  (UNEXPECTED)");
	return ok;
}

enum ring_case {
	RC_ADDR_OUT_OF_RANGE,
	RC_LOOP,
	RC_ZERO_LEN,
	RC_HEAD_OUT_OF_RANGE,
	RC_AVAIL_JUMP,
	RC_INDIRECT_BAD_LEN,
	RC_INDIRECT_NESTED,
	RC_HUGE_LEN,
	RC_COUNT,
};

static const char *const ring_case_names[RC_COUNT] = {
	"descriptor address out of range", "descriptor loop",
	"zero-length descriptor",          "head index out of range",
	"avail index jumps past the ring", "indirect table length 17",
	"nested indirect table",           "descriptor length 4 GiB - 1",
};

static void
ring_attack(struct sim_vm *vm, enum ring_case rc)
{
	uint64_t rg, sg, tg;
	struct virtio_gpu_ctrl_hdr *req = sim_alloc(vm, sizeof(*req), &rg);
	void *resp = sim_alloc(vm, sizeof(struct virtio_gpu_ctrl_hdr), &sg);
	struct vgp_vring_desc *table = sim_alloc(vm, 4 * sizeof(*table), &tg);
	if (!req || !resp || !table) {
		return;
	}
	sim_hdr(req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
	struct vgp_vring_desc d[2] = {
		{.addr = rg, .len = sizeof(*req), .flags = VGP_VRING_DESC_F_NEXT, .next = 1},
		{.addr = sg, .len = 24, .flags = VGP_VRING_DESC_F_WRITE},
	};
	uint16_t head = 0, step = 1;
	switch (rc) {
	case RC_ADDR_OUT_OF_RANGE:
		d[0].addr = sim_bad_gpa(vm);
		break;
	case RC_LOOP:
		d[0].next = 0; /* a readable descriptor chained to itself */
		break;
	case RC_ZERO_LEN:
		d[0].len = 0;
		break;
	case RC_HEAD_OUT_OF_RANGE:
		head = 0xfff0;
		break;
	case RC_AVAIL_JUMP:
		step = 0x8000;
		break;
	case RC_INDIRECT_BAD_LEN:
		d[0] = (struct vgp_vring_desc){
			.addr = tg, .len = 17, .flags = VGP_VRING_DESC_F_INDIRECT};
		break;
	case RC_INDIRECT_NESTED:
		table[0] = (struct vgp_vring_desc){
			.addr = tg, .len = 16, .flags = VGP_VRING_DESC_F_INDIRECT};
		d[0] = (struct vgp_vring_desc){
			.addr = tg, .len = 16, .flags = VGP_VRING_DESC_F_INDIRECT};
		break;
	case RC_HUGE_LEN:
		d[1].len = 0xffffffffu;
		break;
	case RC_COUNT:
		break;
	}
	sim_vq_submit_raw(vm, SIM_CTRLQ, d, 0, 2, head, step);
}

static int
scenario_hostile(struct sim_run *run)
{
	bool ok = true;
	struct sim_vm *vm = sim_connect(run, NULL);
	if (!vm) {
		return SIM_FAIL;
	}
	printf("vm %u: hostile: device-level (the ring must stay usable)\n", run->vm_index);
	struct virtio_gpu_transfer_to_host_2d t;
	memset(&t, 0, sizeof(t));
	sim_hdr(&t.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
	t.resource_id = 9999;
	ok &= hostile_device(vm, "transfer to unknown resource", &t, sizeof(t),
			     VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	struct virtio_gpu_resource_create_2d c;
	memset(&c, 0, sizeof(c));
	sim_hdr(&c.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
	c.resource_id = 77;
	c.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	c.width = 65536;
	c.height = 65536;
	ok &= hostile_device(vm, "create 65536x65536", &c, sizeof(c), 0);
	struct virtio_gpu_set_scanout ss;
	memset(&ss, 0, sizeof(ss));
	sim_hdr(&ss.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
	ss.scanout_id = 99;
	ok &= hostile_device(vm, "set scanout 99", &ss, sizeof(ss),
			     VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
	struct virtio_gpu_ctrl_hdr shorty;
	sim_hdr(&shorty, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	ok &= hostile_device(vm, "flush with no body", &shorty, 8, 0);
	struct virtio_gpu_ctrl_hdr unknown;
	sim_hdr(&unknown, 0x0fff);
	ok &= hostile_device(vm, "unknown command 0xfff", &unknown, sizeof(unknown), 0);
	sim_vm_destroy(vm);

	printf("vm %u: hostile: ring-level (the back end may drop the ring, must survive)\n",
	       run->vm_index);
	for (unsigned rc = 0; rc < RC_COUNT; rc++) {
		vm = sim_connect(run, NULL);
		if (!vm) {
			printf("  %-36s -> back end GONE before the case\n", ring_case_names[rc]);
			return SIM_FAIL;
		}
		ring_attack(vm, rc);
		uint32_t id, len;
		int r = sim_vq_wait(vm, SIM_CTRLQ, 300, &id, &len);
		const char *outcome = r < 0 ? "disconnected" : r == 0 ? "ring dropped" : "answered";
		sim_vm_destroy(vm);
		/* Whatever it did, the next VM on this back end must be served. */
		vm = sim_connect(run, NULL);
		struct virtio_gpu_ctrl_hdr q;
		struct virtio_gpu_resp_display_info di;
		sim_hdr(&q, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
		bool alive = vm && sim_cmd(vm, SIM_CTRLQ, &q, sizeof(q), &di, sizeof(di)) ==
					   (int)sizeof(di);
		printf("  %-36s -> %s; back end %s\n", ring_case_names[rc], outcome,
		       alive ? "still serves" : "DEAD");
		ok &= alive;
		sim_vm_destroy(vm);
	}
	printf("vm %u: hostile: %s\n", run->vm_index, ok ? "ok" : "FAILED");
	return ok ? SIM_PASS : SIM_FAIL;
}

static const struct {
	const char *name;
	int (*run)(struct sim_run *run);
} scenarios[] = {
	{"2d", scenario_2d},           {"cursor", scenario_cursor},   {"fences", scenario_fences},
	{"hostile", scenario_hostile}, {"3d", sim_scenario_3d},       {"blob", sim_scenario_blob},
	{"edid", sim_scenario_edid},   {"rings", sim_scenario_rings}, {"display", scenario_display},
};

int
sim_scenario_run(const char *name, struct sim_run *run)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (!strcmp(scenarios[i].name, name)) {
			return scenarios[i].run(run);
		}
	}
	fprintf(stderr, "pvgpu-sim: unknown scenario '%s' (%s)\n", name, sim_scenario_names());
	return SIM_FAIL;
}

const char *
sim_scenario_names(void)
{
	return "2d cursor fences hostile 3d blob edid rings display";
}
