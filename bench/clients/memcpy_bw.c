/*
 * pvgpu-memcpy-bw — plain memcpy bandwidth on this machine, the physical limit
 * every transfer path is compared with. Source and destination are touched
 * first (no page faults in the timed part). One RESULT line per size; MB = 10^6
 * bytes. Usage: pvgpu-memcpy-bw [--seconds S] [SIZE...]  (bytes; default 1..64 MiB)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
measure(size_t size, double seconds)
{
	uint8_t *src = malloc(size), *dst = malloc(size);
	if (!src || !dst) {
		fprintf(stderr, "pvgpu-memcpy-bw: out of memory for %zu bytes\n", size);
		free(src);
		free(dst);
		return 1;
	}
	memset(src, 0x5a, size);
	memset(dst, 0, size);
	memcpy(dst, src, size); /* warm-up */
	long reps = 0;
	double start = now(), t = start;
	while (reps < 3 || t - start < seconds) {
		src[(size_t)reps % size] = (uint8_t)reps;
		memcpy(dst, src, size);
		reps++;
		t = now();
	}
	/* Keeps the copies observable. */
	volatile uint8_t sink = dst[size - 1];
	(void)sink;
	printf("RESULT name=memcpy value=%.6g unit=MB/s frames=%ld seconds=%.4f bytes=%zu\n",
	       (double)reps * (double)size / (t - start) / 1e6, reps, t - start, size);
	free(src);
	free(dst);
	return 0;
}

int
main(int argc, char **argv)
{
	double seconds = 0.3;
	int i = 1;
	if (argc > 2 && !strcmp(argv[1], "--seconds")) {
		seconds = strtod(argv[2], NULL);
		if (!(seconds > 0 && seconds < 600)) {
			fprintf(stderr, "pvgpu-memcpy-bw: bad --seconds\n");
			return 1;
		}
		i = 3;
	}
	if (i == argc) {
		static const size_t mib[] = {1, 2, 4, 8, 16, 64};
		for (size_t k = 0; k < sizeof(mib) / sizeof(mib[0]); k++) {
			if (measure(mib[k] << 20, seconds)) {
				return 1;
			}
		}
		return 0;
	}
	for (; i < argc; i++) {
		char *end;
		unsigned long long v = strtoull(argv[i], &end, 10);
		if (*end || v == 0 || v > (1ull << 32)) {
			fprintf(stderr, "pvgpu-memcpy-bw: bad size '%s'\n", argv[i]);
			return 1;
		}
		if (measure((size_t)v, seconds)) {
			return 1;
		}
	}
	return 0;
}
