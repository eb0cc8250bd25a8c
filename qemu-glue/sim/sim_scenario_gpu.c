/*
 * pvgpu-sim — scenarios for what QEMU 10 masks from a real guest (the
 * simulator negotiates them itself) and for the display channel's EDID:
 *   3d     the gears scene from our guest driver, through a winsys that
 *          submits over this VM's virtqueues, scanned out and compared with
 *          the same frame rendered in-process;
 *   blob   a BLOB_MEM_GUEST scanout in scattered guest pages: the display
 *          shows what the guest writes, and the device copies none of it;
 *   edid   the guest's GET_EDID returns the EDID our display side gave;
 *   rings  fenced SUBMIT_3D on several rings of two contexts complete in
 *          order per ring.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gears_scene.h"
#include "sim_gd_winsys.h"
#include "sim_scenario.h"
#include "vgp_png.h"

#define GEARS_FRAME 7 /* any frame: the image depends only on the number */
#define BLOB_RES 400
#define GPU_CTX 1

void
sim_forget_stats(const struct sim_run *run)
{
	/* Once negotiation is over, the previous session on this back end has
	 * ended (exec: its process was reaped; socket: the server serves one
	 * session at a time) and its line is written: drop it. Emptied rather
	 * than removed: a long-lived back end keeps the file open (O_APPEND). */
	if (run->stats_path && truncate(run->stats_path, 0) < 0) {
		unlink(run->stats_path);
	}
}

static struct sim_vm *
connect_with(struct sim_run *run, uint64_t gpu_features, const char *name, bool *skip)
{
	struct sim_vm_options o = run->vm;
	o.gpu_features |= gpu_features;
	struct sim_vm *vm = sim_connect(run, &o);
	sim_forget_stats(run);
	*skip = false;
	if (vm && (sim_vm_features(vm) & gpu_features) != gpu_features) {
		printf("vm %u: %s: skipped: the back end does not offer feature bits 0x%" PRIx64
		       "\n",
		       run->vm_index, name, gpu_features & ~sim_vm_features(vm));
		sim_vm_destroy(vm);
		*skip = true;
		return NULL;
	}
	return vm;
}

bool
sim_backend_stat(const struct sim_run *run, const char *name, uint64_t *value)
{
	if (!run->stats_path) {
		return false;
	}
	char key[64];
	snprintf(key, sizeof(key), "\"%s\": ", name);
	for (int tries = 0; tries < 150; tries++) {
		FILE *f = fopen(run->stats_path, "r");
		char line[1024];
		bool found = false;
		while (f && fgets(line, sizeof(line), f)) {
			const char *at = strstr(line, key);
			if (at && strchr(line, '\n')) {
				*value = strtoull(at + strlen(key), NULL, 10);
				found = true; /* the last complete line wins */
			}
		}
		if (f) {
			fclose(f);
		}
		if (found) {
			return true;
		}
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return false;
}

/* ------------------------------------------------------------ 3d */

/* The winsys port over this VM's control queue: every request is answered
 * before send() returns (a fenced SUBMIT_3D when its fence signals). */
static uint32_t
port_send(void *opaque, const void *req, size_t req_len, void *resp, size_t resp_len,
	  uint64_t token)
{
	(void)token;
	if (req_len > UINT32_MAX || resp_len > UINT32_MAX) {
		return 0;
	}
	int n = sim_cmd(opaque, SIM_CTRLQ, req, (uint32_t)req_len, resp, (uint32_t)resp_len);
	return n < 0 ? 0 : (uint32_t)n;
}

static int
port_reap(void *opaque, bool block, uint64_t *token)
{
	(void)opaque;
	(void)block;
	(void)token;
	return 0; /* nothing is ever pending */
}

static void *
port_alloc(void *opaque, uint64_t size, uint64_t *gpa)
{
	return sim_alloc(opaque, size, gpa);
}

struct gears_run {
	struct gd_screen *screen;
	struct gd_context *ctx;
	struct gears_scene sc;
};

/* Draws frame GEARS_FRAME on `ws` (taken over) and waits for it. */
static int
gears_render(struct gd_winsys *ws, uint32_t w, uint32_t h, struct gears_run *g)
{
	memset(g, 0, sizeof(*g));
	int r = gd_screen_create(ws, &g->screen);
	if (!r) {
		r = gd_context_create(g->screen, &g->ctx);
	}
	if (!r) {
		r = gears_scene_init(g->screen, g->ctx, w, h, &g->sc);
	}
	if (!r) {
		gears_scene_draw(g->ctx, &g->sc, GEARS_FRAME);
		r = gd_context_error(g->ctx);
	}
	if (!r) {
		r = gd_context_flush(g->ctx, true);
	}
	return r;
}

static void
gears_finish(struct gears_run *g)
{
	gears_scene_finish(&g->sc);
	gd_context_destroy(g->ctx);
	gd_screen_destroy(g->screen);
}

/* The reference: the same frame through the in-process renderer (GL), read
 * back as BGRA rows, bottom-up as GL keeps them. */
static uint8_t *
render_inproc(uint32_t w, uint32_t h, int *err)
{
	struct gd_inproc_options io = {.backend = "gl"};
	struct gd_winsys *ws = NULL;
	*err = gd_winsys_inproc_create(&io, &ws);
	if (*err) {
		return NULL;
	}
	struct gears_run g;
	uint8_t *px = malloc((size_t)w * h * 4);
	*err = px ? gears_render(ws, w, h, &g) : -ENOMEM;
	if (!*err) {
		struct gd_box box = {0, 0, 0, (int32_t)w, (int32_t)h, 1};
		*err = gd_texture_read(g.ctx, g.sc.color, 0, &box, px, w * 4, 0);
	}
	gears_finish(&g);
	if (*err) {
		free(px);
		return NULL;
	}
	return px;
}

/* The display shows the GL image upright (the resource has no Y_0_TOP): row y
 * of the scanout is row h-1-y of the read-back. Returns differing pixels. */
static uint64_t
compare_upright(const struct sim_fb *fb, const uint8_t *ref, uint32_t w, uint32_t h)
{
	uint64_t bad = 0;
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *a = fb->pixels + (size_t)y * w * 4;
		const uint8_t *b = ref + (size_t)(h - 1 - y) * w * 4;
		for (uint32_t x = 0; x < w; x++) {
			bad += memcmp(a + 4 * x, b + 4 * x, 3) != 0; /* B, G, R; X is undefined */
		}
	}
	return bad;
}

static bool
show_resource(struct sim_vm *vm, uint32_t id, uint32_t w, uint32_t h)
{
	struct virtio_gpu_set_scanout ss = {.scanout_id = 0, .resource_id = id};
	sim_hdr(&ss.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
	ss.r.width = w;
	ss.r.height = h;
	struct virtio_gpu_resource_flush fl = {.resource_id = id};
	sim_hdr(&fl.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	fl.r.width = w;
	fl.r.height = h;
	return sim_expect("SET_SCANOUT", sim_ctrl(vm, &ss, sizeof(ss)),
			  VIRTIO_GPU_RESP_OK_NODATA) &&
	       sim_expect("RESOURCE_FLUSH", sim_ctrl(vm, &fl, sizeof(fl)),
			  VIRTIO_GPU_RESP_OK_NODATA);
}

int
sim_scenario_3d(struct sim_run *run)
{
	uint32_t w = run->vm.width, h = run->vm.height;
	int err = 0;
	uint8_t *ref = render_inproc(w, h, &err);
	if (!ref) {
		printf("vm %u: 3d: skipped: no in-process GL reference (%s)\n", run->vm_index,
		       strerror(-err));
		return SIM_SKIP;
	}
	bool skip;
	struct sim_vm *vm = connect_with(
		run, (1ull << VIRTIO_GPU_F_VIRGL) | (1ull << VIRTIO_GPU_F_CONTEXT_INIT), "3d",
		&skip);
	if (!vm) {
		free(ref);
		return skip ? SIM_SKIP : SIM_FAIL;
	}
	struct sim_gd_port port = {
		.send = port_send, .reap = port_reap, .alloc = port_alloc, .opaque = vm};
	struct gd_winsys *ws = NULL;
	struct gears_run g = {0};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = sim_gd_winsys_create(&port, GPU_CTX, &ws);
	if (!err) {
		err = gears_render(ws, w, h, &g);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	bool ok = !err && show_resource(vm, gd_resource_handle(g.sc.color), w, h);
	if (err) {
		fprintf(stderr, "pvgpu-sim: 3d: the guest driver failed: %s\n", strerror(-err));
	}
	sim_display_drain(vm, 200);
	const struct sim_fb *fb = sim_display_fb(vm, 0);
	if (ok && (!fb->pixels || fb->width != w || fb->height != h)) {
		fprintf(stderr, "pvgpu-sim: 3d: display shows %ux%u, expected %ux%u\n", fb->width,
			fb->height, w, h);
		ok = false;
	}
	uint64_t bad = ok ? compare_upright(fb, ref, w, h) : 0;
	if (ok && run->out_dir) {
		char path[512];
		snprintf(path, sizeof(path), "%s/vm%u-3d.png", run->out_dir, run->vm_index);
		vgp_png_write_bgra(path, fb->pixels, w, h, (size_t)w * 4, false);
	}
	/* Not a blank frame: the gears cover the centre, the corner is clear. */
	size_t centre = ((size_t)(h / 2) * w + w / 2) * 4;
	bool blank = ok && !memcmp(ref + centre, ref, 3);
	if (bad || blank) {
		fprintf(stderr, "pvgpu-sim: 3d: %" PRIu64 " of %u pixels differ%s\n", bad, w * h,
			blank ? "; the reference frame is blank" : "");
		ok = false;
	}
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("vm %u: 3d: gears frame %u at %ux%u through the virtqueues %s the in-process "
	       "rendering (%.1f ms to render)\n",
	       run->vm_index, GEARS_FRAME, w, h, ok ? "matches" : "DIFFERS FROM", ms);
	if (ws) {
		gears_finish(&g);
	}
	free(ref);
	sim_vm_destroy(vm);
	return ok ? SIM_PASS : SIM_FAIL;
}

/* ------------------------------------------------------------ blob */

static bool
blob_alloc(struct sim_vm *vm, uint64_t size, struct sim_blob *b)
{
	uint64_t piece = (size / SIM_BLOB_PIECES) & ~4095ull, left = size, gap;
	if (piece == 0) {
		return false; /* under three pages: nothing to scatter */
	}
	for (unsigned i = 0; i < SIM_BLOB_PIECES; i++) {
		b->len[i] = i + 1 < SIM_BLOB_PIECES ? piece : left;
		b->ptr[i] = sim_alloc(vm, b->len[i], &b->gpa[i]);
		if (!b->ptr[i] || !sim_alloc(vm, 4096, &gap)) {
			return false;
		}
		left -= b->len[i];
	}
	return true;
}

void
sim_blob_fill(struct sim_blob *b, unsigned vm, unsigned pattern, uint32_t w, uint32_t h)
{
	/* Every piece but the last is b->len[0] bytes. */
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint64_t off = ((uint64_t)y * w + x) * 4;
			uint64_t i = off / b->len[0] < SIM_BLOB_PIECES ? off / b->len[0]
								       : SIM_BLOB_PIECES - 1;
			uint32_t px = sim_pattern(vm, pattern, x, y, w, h);
			memcpy(b->ptr[i] + (off - i * b->len[0]), &px, 4);
		}
	}
}

bool
sim_blob_scanout(struct sim_vm *vm, uint32_t id, uint32_t w, uint32_t h, struct sim_blob *b)
{
	uint64_t size = (uint64_t)w * h * 4;
	if (!blob_alloc(vm, size, b)) {
		fprintf(stderr, "pvgpu-sim: guest RAM too small for a %ux%u blob\n", w, h);
		return false;
	}
	struct {
		struct virtio_gpu_resource_create_blob c;
		struct virtio_gpu_mem_entry e[SIM_BLOB_PIECES];
	} cb;
	_Static_assert(sizeof(cb) == sizeof(cb.c) + sizeof(cb.e), "no padding");
	memset(&cb, 0, sizeof(cb));
	sim_hdr(&cb.c.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB);
	cb.c.resource_id = id;
	cb.c.blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST;
	cb.c.blob_flags = VIRTIO_GPU_BLOB_FLAG_USE_SHAREABLE;
	cb.c.nr_entries = SIM_BLOB_PIECES;
	cb.c.size = size;
	for (unsigned i = 0; i < SIM_BLOB_PIECES; i++) {
		cb.e[i].addr = b->gpa[i];
		cb.e[i].length = (uint32_t)b->len[i];
	}
	struct virtio_gpu_set_scanout_blob sb;
	memset(&sb, 0, sizeof(sb));
	sim_hdr(&sb.hdr, VIRTIO_GPU_CMD_SET_SCANOUT_BLOB);
	sb.r.width = w;
	sb.r.height = h;
	sb.scanout_id = 0;
	sb.resource_id = id;
	sb.width = w;
	sb.height = h;
	sb.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	sb.strides[0] = w * 4;
	return sim_expect("RESOURCE_CREATE_BLOB", sim_ctrl(vm, &cb, sizeof(cb)),
			  VIRTIO_GPU_RESP_OK_NODATA) &&
	       sim_expect("SET_SCANOUT_BLOB", sim_ctrl(vm, &sb, sizeof(sb)),
			  VIRTIO_GPU_RESP_OK_NODATA);
}

/* Malformed blob requests through the rings: each refused, the VM still served. */
static bool
blob_hostile(struct sim_vm *vm, uint32_t w, uint32_t h)
{
	struct {
		struct virtio_gpu_resource_create_blob c;
		struct virtio_gpu_mem_entry e;
	} cb;
	memset(&cb, 0, sizeof(cb));
	sim_hdr(&cb.c.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB);
	cb.c.resource_id = BLOB_RES + 1;
	cb.c.blob_mem = VIRTIO_GPU_BLOB_MEM_GUEST;
	cb.c.nr_entries = 1;
	cb.c.size = 4096;
	cb.e.addr = sim_bad_gpa(vm); /* pages outside guest RAM */
	cb.e.length = 4096;
	bool ok = sim_ctrl(vm, &cb, sizeof(cb)) >= VIRTIO_GPU_RESP_ERR_UNSPEC;
	cb.c.nr_entries = 100000; /* more entries than the request carries */
	ok = ok && sim_ctrl(vm, &cb, sizeof(cb)) >= VIRTIO_GPU_RESP_ERR_UNSPEC;
	cb.c.nr_entries = 1;
	cb.c.blob_mem = VIRTIO_GPU_BLOB_MEM_HOST3D; /* no host memory to map into the guest */
	ok = ok && sim_ctrl(vm, &cb, sizeof(cb)) >= VIRTIO_GPU_RESP_ERR_UNSPEC;
	struct virtio_gpu_set_scanout_blob sb;
	memset(&sb, 0, sizeof(sb));
	sim_hdr(&sb.hdr, VIRTIO_GPU_CMD_SET_SCANOUT_BLOB);
	sb.resource_id = BLOB_RES;
	sb.width = w;
	sb.height = h;
	sb.r.width = w;
	sb.r.height = h;
	sb.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	sb.strides[0] = w * 4;
	sb.offsets[0] = 4096; /* the last row would end past the blob */
	ok = ok && sim_expect("SET_SCANOUT_BLOB past the end", sim_ctrl(vm, &sb, sizeof(sb)),
			      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	sb.offsets[0] = 0;
	sb.strides[0] = 0xffffffffu; /* rows far past the end of the blob */
	ok = ok && sim_expect("SET_SCANOUT_BLOB huge stride", sim_ctrl(vm, &sb, sizeof(sb)),
			      VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	if (!ok) {
		fprintf(stderr, "pvgpu-sim: blob: a malformed request was accepted\n");
	}
	return ok;
}

int
sim_scenario_blob(struct sim_run *run)
{
	bool skip;
	struct sim_vm *vm = connect_with(run, 1ull << VIRTIO_GPU_F_RESOURCE_BLOB, "blob", &skip);
	if (!vm) {
		return skip ? SIM_SKIP : SIM_FAIL;
	}
	uint32_t w = run->vm.width, h = run->vm.height;
	struct sim_blob b;
	bool ok = sim_blob_scanout(vm, BLOB_RES, w, h, &b);
	/* The guest draws into its pages after the scanout is set, twice: the
	 * display must follow the guest memory, not a copy taken earlier. */
	struct virtio_gpu_resource_flush fl = {.resource_id = BLOB_RES};
	sim_hdr(&fl.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	fl.r.width = w;
	fl.r.height = h;
	for (unsigned pattern = 5; ok && pattern <= 6; pattern++) {
		sim_blob_fill(&b, run->vm_index, pattern, w, h);
		ok = sim_expect("RESOURCE_FLUSH", sim_ctrl(vm, &fl, sizeof(fl)),
				VIRTIO_GPU_RESP_OK_NODATA);
		sim_display_drain(vm, 200);
		ok = ok && sim_check_fb(run, vm, 0, pattern, w, h, "blob");
	}
	/* Refused requests leave the scanout as it was: still the second image. */
	ok = ok && blob_hostile(vm, w, h) &&
	     sim_expect("RESOURCE_FLUSH", sim_ctrl(vm, &fl, sizeof(fl)), VIRTIO_GPU_RESP_OK_NODATA);
	sim_display_drain(vm, 100);
	ok = ok && sim_check_fb(run, vm, 0, 6, w, h, "blob");
	sim_vm_destroy(vm);
	uint64_t copied = 0;
	if (!run->stats_path) {
		printf("vm %u: blob: %s (host copies not counted: no --stats-file)\n",
		       run->vm_index, ok ? "ok" : "FAILED");
	} else if (!sim_backend_stat(run, "bytes_copied", &copied)) {
		fprintf(stderr, "pvgpu-sim: blob: no stats line in %s\n", run->stats_path);
		ok = false;
	} else {
		printf("vm %u: blob: %ux%u in %u pieces of guest RAM %s; device copied %" PRIu64
		       " bytes\n",
		       run->vm_index, w, h, SIM_BLOB_PIECES, ok ? "shown" : "NOT SHOWN", copied);
		ok = ok && copied == 0;
	}
	return ok ? SIM_PASS : SIM_FAIL;
}

/* ------------------------------------------------------------ edid */

int
sim_scenario_edid(struct sim_run *run)
{
	bool skip;
	struct sim_vm *vm = connect_with(run, 1ull << VIRTIO_GPU_F_EDID, "edid", &skip);
	if (!vm) {
		return skip ? SIM_SKIP : SIM_FAIL;
	}
	struct virtio_gpu_cmd_get_edid ge = {.scanout = 0};
	sim_hdr(&ge.hdr, VIRTIO_GPU_CMD_GET_EDID);
	struct virtio_gpu_resp_edid re;
	memset(&re, 0, sizeof(re));
	uint8_t want[128];
	sim_display_edid(want);
	int n = sim_cmd(vm, SIM_CTRLQ, &ge, sizeof(ge), &re, sizeof(re));
	bool ok = n == (int)sizeof(re) &&
		  sim_expect("GET_EDID", re.hdr.type, VIRTIO_GPU_RESP_OK_EDID) && re.size == 128 &&
		  !memcmp(re.edid, want, sizeof(want));
	if (!ok && n == (int)sizeof(re)) {
		fprintf(stderr, "pvgpu-sim: edid: got %u bytes, vendor %02x%02x (ours: %02x%02x)\n",
			re.size, re.edid[8], re.edid[9], want[8], want[9]);
	}
	/* A scanout the device lacks. */
	ge.scanout = VIRTIO_GPU_MAX_SCANOUTS;
	memset(&re, 0, sizeof(re));
	n = sim_cmd(vm, SIM_CTRLQ, &ge, sizeof(ge), &re, sizeof(re));
	ok = ok && n >= 24 && re.hdr.type >= VIRTIO_GPU_RESP_ERR_UNSPEC;
	printf("vm %u: edid: %s\n", run->vm_index,
	       ok ? "the guest sees the display's EDID" : "FAILED");
	sim_vm_destroy(vm);
	return ok ? SIM_PASS : SIM_FAIL;
}

/* ------------------------------------------------------------ rings */

#define RING_CTXS 2
#define RINGS 3
#define RING_SUBMITS 15 /* 2 descriptors each: fits a 64-entry ring */

struct ring_req {
	struct virtio_gpu_cmd_submit s; /* an empty command stream: only the fence matters */
};

static bool
create_ctx(struct sim_vm *vm, uint32_t ctx)
{
	struct virtio_gpu_ctx_create cc = {.nlen = 5, .context_init = VIRTIO_GPU_CAPSET_VIRGL2};
	sim_hdr(&cc.hdr, VIRTIO_GPU_CMD_CTX_CREATE);
	cc.hdr.ctx_id = ctx;
	memcpy(cc.debug_name, "rings", 5);
	return sim_expect("CTX_CREATE", sim_ctrl(vm, &cc, sizeof(cc)), VIRTIO_GPU_RESP_OK_NODATA);
}

int
sim_scenario_rings(struct sim_run *run)
{
	bool skip;
	struct sim_vm *vm = connect_with(
		run, (1ull << VIRTIO_GPU_F_VIRGL) | (1ull << VIRTIO_GPU_F_CONTEXT_INIT), "rings",
		&skip);
	if (!vm) {
		return skip ? SIM_SKIP : SIM_FAIL;
	}
	bool ok = true;
	for (uint32_t c = 1; c <= RING_CTXS; c++) {
		ok = ok && create_ctx(vm, c);
	}
	struct {
		int head;
		uint32_t ctx, ring;
		uint64_t fence;
		struct virtio_gpu_ctrl_hdr *resp;
	} sub[RING_SUBMITS];
	uint64_t last[RING_CTXS + 1][RINGS];
	memset(last, 0, sizeof(last));
	/* Interleaved over (context, ring). */
	for (unsigned i = 0; ok && i < RING_SUBMITS; i++) {
		uint64_t rg, sg;
		struct ring_req *q = sim_alloc(vm, sizeof(*q), &rg);
		sub[i].resp = sim_alloc(vm, sizeof(*sub[i].resp), &sg);
		if (!q || !sub[i].resp) {
			ok = false;
			break;
		}
		memset(q, 0, sizeof(*q));
		memset(sub[i].resp, 0, sizeof(*sub[i].resp));
		sub[i].ctx = 1 + i % RING_CTXS;
		sub[i].ring = (i / RING_CTXS) % RINGS;
		sub[i].fence = 1000 + i;
		sim_hdr(&q->s.hdr, VIRTIO_GPU_CMD_SUBMIT_3D);
		q->s.hdr.flags = VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX;
		q->s.hdr.fence_id = sub[i].fence;
		q->s.hdr.ctx_id = sub[i].ctx;
		q->s.hdr.ring_idx = (uint8_t)sub[i].ring;
		q->s.size = 0;
		struct sim_seg segs[2] = {{rg, sizeof(q->s), false},
					  {sg, sizeof(*sub[i].resp), true}};
		sub[i].head = sim_vq_submit(vm, SIM_CTRLQ, segs, 2, i & 1);
		ok = sub[i].head >= 0;
	}
	unsigned done = 0;
	unsigned order[RING_SUBMITS];
	for (; ok && done < RING_SUBMITS; done++) {
		uint32_t id, len;
		if (sim_vq_wait(vm, SIM_CTRLQ, run->vm.timeout_ms, &id, &len) != 1) {
			fprintf(stderr, "pvgpu-sim: rings: %u of %u completed\n", done,
				RING_SUBMITS);
			ok = false;
			break;
		}
		unsigned i = 0;
		while (i < RING_SUBMITS && sub[i].head != (int)id) {
			i++;
		}
		const struct virtio_gpu_ctrl_hdr *r = i < RING_SUBMITS ? sub[i].resp : NULL;
		/* Per ring, fence ids grow with submission order: each completion
		 * must be above the ring's last one. */
		uint64_t *prev = r ? &last[sub[i].ctx][sub[i].ring] : NULL;
		if (!r || len < sizeof(*r) || r->type != VIRTIO_GPU_RESP_OK_NODATA ||
		    !(r->flags & VIRTIO_GPU_FLAG_FENCE) || r->fence_id != sub[i].fence ||
		    r->ring_idx != sub[i].ring || r->ctx_id != sub[i].ctx || r->fence_id <= *prev) {
			fprintf(stderr,
				"pvgpu-sim: rings: completion %u (head %u) out of order or wrong\n",
				done, id);
			ok = false;
			break;
		}
		*prev = r->fence_id;
		order[done] = i;
		sub[i].head = -1;
	}
	/* A ring index beyond what a context may have is refused. */
	struct ring_req bad;
	memset(&bad, 0, sizeof(bad));
	sim_hdr(&bad.s.hdr, VIRTIO_GPU_CMD_SUBMIT_3D);
	bad.s.hdr.flags = VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX;
	bad.s.hdr.fence_id = 1;
	bad.s.hdr.ctx_id = 1;
	bad.s.hdr.ring_idx = 200;
	uint32_t got = ok ? sim_ctrl(vm, &bad.s, sizeof(bad.s)) : 0;
	if (ok && got < VIRTIO_GPU_RESP_ERR_UNSPEC) {
		fprintf(stderr, "pvgpu-sim: rings: ring 200 answered %s\n", sim_resp_name(got));
		ok = false;
	}
	printf("vm %u: rings: %s (%u fenced submits on %u rings of %u contexts, first done: "
	       "ctx %u ring %u)\n",
	       run->vm_index, ok ? "in order per ring" : "FAILED", done, RINGS, RING_CTXS,
	       done ? sub[order[0]].ctx : 0, done ? sub[order[0]].ring : 0);
	sim_vm_destroy(vm);
	return ok ? SIM_PASS : SIM_FAIL;
}
