/*
 * pvgpu fuzzing — the entry points every target defines and the small helpers
 * they share. A target is built twice: with libFuzzer (`make fuzz`, clang
 * -fsanitize=fuzzer) and with regress_main.c as a plain program that replays
 * the reproducers under tests/fuzz/regressions/<target>/ in the normal suite.
 *
 * State kept across inputs (the GL backend, a memfd) lives in one struct per
 * target reached through fuzz_state(); libFuzzer gives us no other handle to
 * pass, so this is the one place where a file-scope pointer is allowed.
 */
#ifndef PVGPU_FUZZ_TARGET_H
#define PVGPU_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Guest mistakes are logged at warn level: thousands of lines per second under
 * the fuzzer. Keep errors only, unless the caller set PVGPU_LOG itself. */
static inline void
fuzz_quiet_logs(void)
{
	setenv("PVGPU_LOG", "error", 0);
}

/* A little-endian reader over the input that returns zeros past its end. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint32_t
fuzz_u32(struct fuzz_in *in)
{
	uint32_t v = 0;
	size_t k = in->n < 4 ? in->n : 4;
	memcpy(&v, in->p, k);
	in->p += k;
	in->n -= k;
	return v;
}

static inline uint16_t
fuzz_u16(struct fuzz_in *in)
{
	uint16_t v = 0;
	size_t k = in->n < 2 ? in->n : 2;
	memcpy(&v, in->p, k);
	in->p += k;
	in->n -= k;
	return v;
}

static inline uint8_t
fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;
	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

/* Up to `want` bytes from the input (fewer at its end); returns how many. */
static inline size_t
fuzz_take(struct fuzz_in *in, size_t want, const uint8_t **out)
{
	size_t k = in->n < want ? in->n : want;
	*out = k ? in->p : (const uint8_t *)""; /* never NULL, even for an empty input */
	in->p += k;
	in->n -= k;
	return k;
}

#endif /* PVGPU_FUZZ_TARGET_H */
