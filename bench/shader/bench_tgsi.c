/*
 * pvgpu-bench-tgsi — TGSI → GLSL translation throughput over a shader corpus.
 *
 * Usage: pvgpu-bench-tgsi [--iterations N] [--json] [DIR...]
 *   DIR  directories of *.tgsi files (default: the repo's tests/shader/corpus
 *        and tests/shader/corpus/shared). Leading '#' lines (capture headers)
 *        are not part of the shader and are skipped.
 * Every shader is parsed (vr_tgsi_parse) and emitted (vr_shader_emit, GLSL 3.30
 * core, default key) N times; reported: shaders/s, median and p95 µs per
 * shader (parse+emit, and each step), TGSI bytes/s. Not a test: no thresholds.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vr_shader.h"

#ifndef BENCH_DEFAULT_CORPUS
#define BENCH_DEFAULT_CORPUS "tests/shader/corpus"
#endif

/* Corpus files are a few KB; this bounds what one bad path can make us read. */
#define BENCH_MAX_FILE (4u << 20)

struct shader {
	char *data;       /* whole file (owned) */
	const char *text; /* TGSI after the header lines */
	size_t len;
	bool fs;
};

struct corpus {
	struct shader *v;
	size_t n, cap;
	size_t bytes;
};

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char *buf = NULL;
	long size = -1;
	if (fseek(f, 0, SEEK_END) == 0) {
		size = ftell(f);
	}
	if (size >= 0 && (unsigned long)size <= BENCH_MAX_FILE && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			buf[size] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static bool
load_dir(struct corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "pvgpu-bench-tgsi: cannot open %s\n", dir);
		return false;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (nl < 6 || strcmp(e->d_name + nl - 5, ".tgsi") != 0) {
			continue;
		}
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *data = read_file(path);
		if (!data) {
			fprintf(stderr, "pvgpu-bench-tgsi: cannot read %s\n", path);
			continue;
		}
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 256;
			struct shader *v = realloc(c->v, cap * sizeof(*v));
			if (!v) {
				free(data);
				break;
			}
			c->v = v;
			c->cap = cap;
		}
		const char *t = data;
		while (*t == '#') {
			const char *end = strchr(t, '\n');
			t = end ? end + 1 : t + strlen(t);
		}
		struct shader *s = &c->v[c->n++];
		s->data = data;
		s->text = t;
		s->len = strlen(t);
		s->fs = strncmp(t, "FRAG", 4) == 0;
		c->bytes += s->len;
	}
	closedir(d);
	return true;
}

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
percentile(double *v, size_t n, double p)
{
	if (!n) {
		return 0;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void
usage(void)
{
	fprintf(stderr, "usage: pvgpu-bench-tgsi [--iterations N] [--json] [DIR...]\n");
}

int
main(int argc, char **argv)
{
	long iterations = 20;
	bool json = false;
	struct corpus c = {0};
	int dirs = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
			iterations = strtol(argv[++i], NULL, 10);
		} else if (strncmp(argv[i], "--iterations=", 13) == 0) {
			iterations = strtol(argv[i] + 13, NULL, 10);
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage();
			return 0;
		} else if (argv[i][0] == '-') {
			usage();
			return 2;
		} else {
			dirs++;
			if (!load_dir(&c, argv[i])) {
				return 1;
			}
		}
	}
	if (!dirs) {
		load_dir(&c, BENCH_DEFAULT_CORPUS);
		load_dir(&c, BENCH_DEFAULT_CORPUS "/shared");
	}
	if (iterations < 1 || iterations > 100000 || !c.n) {
		fprintf(stderr, "pvgpu-bench-tgsi: %s\n",
			c.n ? "iterations must be 1..100000" : "no shaders");
		return 2;
	}
	size_t samples = c.n * (size_t)iterations;
	double *total = malloc(samples * sizeof(double));
	double *parse = malloc(samples * sizeof(double));
	double *emit = malloc(samples * sizeof(double));
	if (!total || !parse || !emit) {
		fprintf(stderr, "pvgpu-bench-tgsi: out of memory\n");
		return 1;
	}
	size_t failed = 0, k = 0, glsl_bytes = 0;
	double wall0 = now_us();
	for (long it = 0; it < iterations; it++) {
		for (size_t i = 0; i < c.n; i++) {
			const struct shader *s = &c.v[i];
			struct vr_shader_key key;
			memset(&key, 0, sizeof(key));
			key.target = VR_GLSL_330_CORE;
			key.nr_cbufs = s->fs ? 1 : 0;
			char err[256];
			struct vr_shader_result res;
			memset(&res, 0, sizeof(res));
			double t0 = now_us();
			struct vr_tgsi_program *prog =
				vr_tgsi_parse(s->text, s->len, err, sizeof(err));
			double t1 = now_us();
			bool ok = prog && vr_shader_emit(prog, &key, &res);
			double t2 = now_us();
			if (!ok) {
				failed += it == 0;
			} else if (it == 0) {
				glsl_bytes += res.glsl_len;
			}
			vr_shader_result_finish(&res);
			vr_tgsi_program_destroy(prog);
			parse[k] = t1 - t0;
			emit[k] = t2 - t1;
			total[k++] = t2 - t0;
		}
	}
	double wall = now_us() - wall0;
	double sum = 0;
	for (size_t i = 0; i < samples; i++) {
		sum += total[i];
	}
	double sps = (double)samples / (sum / 1e6);
	double bps = (double)c.bytes * (double)iterations / (sum / 1e6);
	double med = percentile(total, samples, 0.5), p95 = percentile(total, samples, 0.95);
	double pmed = percentile(parse, samples, 0.5), emed = percentile(emit, samples, 0.5);
	if (json) {
		printf("{\"bench\":\"tgsi\",\"shaders\":%zu,\"iterations\":%ld,\"failed\":%zu,"
		       "\"tgsi_bytes\":%zu,\"glsl_bytes\":%zu,\"shaders_per_s\":%.1f,"
		       "\"median_us\":%.3f,\"p95_us\":%.3f,\"parse_median_us\":%.3f,"
		       "\"emit_median_us\":%.3f,\"bytes_per_s\":%.0f,\"wall_s\":%.3f}\n",
		       c.n, iterations, failed, c.bytes, glsl_bytes, sps, med, p95, pmed, emed, bps,
		       wall / 1e6);
	} else {
		printf("pvgpu-bench-tgsi: %zu shaders (%zu bytes of TGSI), %ld iterations, %zu "
		       "failed to translate\n",
		       c.n, c.bytes, iterations, failed);
		printf("  %.0f shaders/s, %.2f MB/s of TGSI\n", sps, bps / 1e6);
		printf("  per shader: median %.2f us, p95 %.2f us (parse median %.2f us, emit "
		       "median %.2f us)\n",
		       med, p95, pmed, emed);
	}
	for (size_t i = 0; i < c.n; i++) {
		free(c.v[i].data);
	}
	free(c.v);
	free(total);
	free(parse);
	free(emit);
	return 0;
}
