/*
 * pvgpu tests — a tiny assertion helper shared by the plain C tests.
 *
 * CHECK(cond, fmt, ...) prints file:line, the condition and a message when it
 * fails and counts the failure; the test carries on (no hidden return) and
 * main() returns vgp_test_result(). Single-threaded; one counter per program.
 */
#ifndef VGP_TEST_H
#define VGP_TEST_H

#include <stdio.h>
#include <string.h>

static unsigned vgp_test_failures __attribute__((unused));
static unsigned vgp_test_checks __attribute__((unused));

#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		vgp_test_checks++;                                                      \
		if (!(cond)) {                                                          \
			vgp_test_failures++;                                            \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
		}                                                                       \
	} while (0)

/* Equality of two unsigned values, printing both on failure. */
#define CHECK_EQ_U(a, b)                                                                          \
	CHECK((unsigned long long)(a) == (unsigned long long)(b), "%s = %llu, expected %llu", #a, \
	      (unsigned long long)(a), (unsigned long long)(b))

/* `hay` contains `needle`, printing `hay` on failure. */
#define CHECK_CONTAINS(hay, needle) \
	CHECK(strstr((hay), (needle)) != NULL, "expected \"%s\" in:\n%s", (needle), (hay))

/* Prints a summary line and returns the process exit status. */
static inline int
vgp_test_result(const char *name)
{
	if (vgp_test_failures) {
		fprintf(stderr, "%s: %u of %u checks FAILED\n", name, vgp_test_failures,
			vgp_test_checks);
		return 1;
	}
	printf("%s: all %u checks passed\n", name, vgp_test_checks);
	return 0;
}

#endif /* VGP_TEST_H */
