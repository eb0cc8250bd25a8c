/* pvgpu-sim — virtqueue benchmarks (see sim_bench.h). */
#include "sim_bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_RES 500
#define FENCE_SIZE 64

struct bench {
	struct sim_run *run;
	struct sim_vm *vm;
	uint32_t w, h;
	uint64_t fence_id;
	struct sim_blob blob;
};

struct workload {
	const char *name, *unit;
	uint64_t features;                       /* VIRTIO_GPU_F_* it needs */
	bool (*setup)(struct bench *b);          /* NULL: nothing */
	bool (*op)(struct bench *b, uint64_t i); /* one measured operation */
};

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static bool
op_cmds(struct bench *b, uint64_t i)
{
	(void)i;
	struct virtio_gpu_ctrl_hdr q;
	struct virtio_gpu_resp_display_info di;
	sim_hdr(&q, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
	return sim_cmd(b->vm, SIM_CTRLQ, &q, sizeof(q), &di, sizeof(di)) == (int)sizeof(di) &&
	       di.hdr.type == VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
}

static bool
setup_fence(struct bench *b)
{
	return sim_make_resource(b->vm, BENCH_RES, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, FENCE_SIZE,
				 FENCE_SIZE, NULL, NULL);
}

static bool
op_fence(struct bench *b, uint64_t i)
{
	struct virtio_gpu_transfer_to_host_2d t;
	memset(&t, 0, sizeof(t));
	sim_hdr(&t.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
	t.hdr.flags = VIRTIO_GPU_FLAG_FENCE;
	t.hdr.fence_id = ++b->fence_id;
	t.resource_id = BENCH_RES;
	t.r.x = (uint32_t)(i % FENCE_SIZE);
	t.r.width = 1;
	t.r.height = 1;
	struct virtio_gpu_ctrl_hdr r;
	return sim_cmd(b->vm, SIM_CTRLQ, &t, sizeof(t), &r, sizeof(r)) == (int)sizeof(r) &&
	       r.type == VIRTIO_GPU_RESP_OK_NODATA && (r.flags & VIRTIO_GPU_FLAG_FENCE) &&
	       r.fence_id == b->fence_id;
}

static bool
flush(struct bench *b)
{
	struct virtio_gpu_resource_flush fl;
	memset(&fl, 0, sizeof(fl));
	sim_hdr(&fl.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
	fl.resource_id = BENCH_RES;
	fl.r.width = b->w;
	fl.r.height = b->h;
	return sim_ctrl(b->vm, &fl, sizeof(fl)) == VIRTIO_GPU_RESP_OK_NODATA;
}

static bool
setup_2d(struct bench *b)
{
	struct virtio_gpu_set_scanout ss;
	memset(&ss, 0, sizeof(ss));
	sim_hdr(&ss.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
	ss.resource_id = BENCH_RES;
	ss.r.width = b->w;
	ss.r.height = b->h;
	return sim_make_resource(b->vm, BENCH_RES, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, b->w, b->h,
				 NULL, NULL) &&
	       sim_expect("SET_SCANOUT", sim_ctrl(b->vm, &ss, sizeof(ss)),
			  VIRTIO_GPU_RESP_OK_NODATA);
}

static bool
op_2d(struct bench *b, uint64_t i)
{
	(void)i;
	struct virtio_gpu_transfer_to_host_2d t;
	memset(&t, 0, sizeof(t));
	sim_hdr(&t.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
	t.resource_id = BENCH_RES;
	t.r.width = b->w;
	t.r.height = b->h;
	return sim_ctrl(b->vm, &t, sizeof(t)) == VIRTIO_GPU_RESP_OK_NODATA && flush(b);
}

static bool
setup_blob(struct bench *b)
{
	if (!sim_blob_scanout(b->vm, BENCH_RES, b->w, b->h, &b->blob)) {
		return false;
	}
	sim_blob_fill(&b->blob, b->run->vm_index, 0, b->w, b->h);
	return true;
}

static bool
op_blob(struct bench *b, uint64_t i)
{
	/* The guest changes its first row in place, then flushes the frame. */
	memset(b->blob.ptr[0], (int)(i & 0xff), (size_t)b->w * 4);
	return flush(b);
}

static const struct workload workloads[] = {
	{"cmds", "commands/s", 0, NULL, op_cmds},
	{"fence", "fences/s", 0, setup_fence, op_fence},
	{"2d", "frames/s", 0, setup_2d, op_2d},
	{"blob", "frames/s", 1ull << VIRTIO_GPU_F_RESOURCE_BLOB, setup_blob, op_blob},
};

const char *
sim_bench_names(void)
{
	return "cmds fence 2d blob";
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
percentile(const double *sorted, uint64_t n, double p)
{
	uint64_t k = (uint64_t)(p * (double)(n - 1) + 0.5);
	return sorted[k < n ? k : n - 1];
}

/* Runs `wl` for `seconds`; samples receives each op's µs (grown as needed). */
static bool
measure(struct bench *b, const struct workload *wl, double seconds, double **samples, uint64_t *n,
	double *elapsed_us)
{
	uint64_t cap = 1024;
	*samples = malloc(cap * sizeof(double));
	*n = 0;
	double start = now_us(), end = start + seconds * 1e6, t = start;
	while (*samples && t < end) {
		if (!wl->op(b, *n)) {
			fprintf(stderr, "pvgpu-sim: bench %s: op %" PRIu64 " failed\n", wl->name,
				*n);
			return false;
		}
		double t2 = now_us();
		if (*n == cap) {
			double *g = realloc(*samples, 2 * cap * sizeof(double));
			if (!g) {
				return false;
			}
			*samples = g;
			cap *= 2;
		}
		(*samples)[(*n)++] = t2 - t;
		t = t2;
	}
	*elapsed_us = t - start;
	return *samples && *n > 0;
}

static void
report(const struct bench *b, const struct workload *wl, double *samples, uint64_t n,
       double elapsed_us, bool have_copied, uint64_t copied, bool json)
{
	qsort(samples, n, sizeof(double), cmp_double);
	double rate = (double)n / (elapsed_us / 1e6);
	double med = percentile(samples, n, 0.5), p99 = percentile(samples, n, 0.99);
	char copied_s[64] = "null";
	if (have_copied) {
		snprintf(copied_s, sizeof(copied_s), "%.1f", (double)copied / (double)n);
	}
	if (json) {
		printf("{\"bench\": \"%s\", \"width\": %u, \"height\": %u, \"ops\": %" PRIu64
		       ", \"seconds\": %.3f, \"rate\": %.2f, \"unit\": \"%s\", \"median_us\": "
		       "%.1f, "
		       "\"p99_us\": %.1f, \"bytes_copied_per_op\": %s}\n",
		       wl->name, b->w, b->h, n, elapsed_us / 1e6, rate, wl->unit, med, p99,
		       copied_s);
	} else {
		printf("vm %u: bench %s (%ux%u): %" PRIu64 " ops in %.2f s = %.1f %s; median %.1f "
		       "us, p99 %.1f us; device copied %s bytes per op\n",
		       b->run->vm_index, wl->name, b->w, b->h, n, elapsed_us / 1e6, rate, wl->unit,
		       med, p99, have_copied ? copied_s : "(not counted)");
	}
}

int
sim_bench_run(const char *name, struct sim_run *run, double seconds, bool json)
{
	const struct workload *wl = NULL;
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		if (!strcmp(workloads[i].name, name)) {
			wl = &workloads[i];
		}
	}
	if (!wl) {
		fprintf(stderr, "pvgpu-sim: unknown bench '%s' (%s)\n", name, sim_bench_names());
		return SIM_FAIL;
	}
	struct sim_vm_options o = run->vm;
	o.gpu_features |= wl->features;
	struct bench b = {.run = run, .w = run->vm.width, .h = run->vm.height};
	b.vm = sim_connect(run, &o);
	sim_forget_stats(run);
	if (!b.vm) {
		return SIM_FAIL;
	}
	if ((sim_vm_features(b.vm) & wl->features) != wl->features) {
		printf("vm %u: bench %s: skipped: the back end does not offer it\n", run->vm_index,
		       name);
		sim_vm_destroy(b.vm);
		return SIM_SKIP;
	}
	double *samples = NULL, elapsed = 0;
	uint64_t n = 0;
	bool ok = (!wl->setup || wl->setup(&b)) && measure(&b, wl, seconds, &samples, &n, &elapsed);
	sim_display_drain(b.vm, 100);
	sim_vm_destroy(b.vm);
	uint64_t copied = 0;
	bool have_copied = ok && sim_backend_stat(run, "bytes_copied", &copied);
	if (ok) {
		report(&b, wl, samples, n, elapsed, have_copied, copied, json);
	}
	free(samples);
	return ok ? SIM_PASS : SIM_FAIL;
}
