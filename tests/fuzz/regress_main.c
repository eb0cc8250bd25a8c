/*
 * pvgpu fuzzing — replays files through a target without libFuzzer: the
 * 'fuzz-regressions' suite runs every reproducer under
 * tests/fuzz/regressions/<target>/ (and the seeds) through the same
 * LLVMFuzzerTestOneInput the fuzzer ran, built with the normal compiler.
 *
 * usage: fuzz-regress-TARGET FILE|DIR...  (directories: every regular file in them)
 * Exit status 0 when every input ran (a crash ends the process instead);
 * 1 when an argument cannot be read (absent ones are skipped); 77 (skip) when no input was found at
 * all.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return -1;
	}
	uint8_t *buf = NULL;
	size_t size = 0, cap = 0;
	for (;;) {
		if (size == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		size_t r = fread(buf + size, 1, cap - size, f);
		if (r == 0) {
			break;
		}
		size += r;
	}
	fclose(f);
	/* An exact-size copy so ASan catches reads past the end, as under libFuzzer. */
	uint8_t *exact = malloc(size ? size : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	if (size) {
		memcpy(exact, buf, size);
	}
	free(buf);
	printf("%s (%zu bytes)\n", path, size);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	return 1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of `dir` in name order; returns how many, -1 on error. */
static int
run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open %s\n", dir);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') {
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				break;
			}
			names = nn;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (names[n]) {
			snprintf(names[n], len, "%s/%s", dir, e->d_name);
			n++;
		}
	}
	closedir(d);
	if (n) {
		qsort(names, n, sizeof(*names), cmp_names);
	}
	int count = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			count += run_file(names[i]) > 0;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	int total = 0, status = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int r = -1;
		if (stat(argv[i], &st) != 0) {
			/* A target without reproducers yet has no directory (git keeps none). */
			printf("%s: absent, nothing to run\n", argv[i]);
			r = 0;
		} else {
			r = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
		}
		if (r < 0) {
			status = 1;
		} else {
			total += r;
		}
	}
	printf("%d inputs ran without a crash\n", total);
	return status ? status : (total ? 0 : 77);
}
