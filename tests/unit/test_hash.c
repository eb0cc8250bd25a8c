/*
 * pvgpu unit tests — the guest-id hash table: insert, lookup, remove,
 * tombstones, growth and iteration, against a plain array as reference.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hash.h"
#include "vgp_test.h"

/* Small deterministic PRNG (xorshift32): reproducible runs without global state. */
static uint32_t
next_rand(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static void *
val(uint32_t key)
{
	return (void *)(uintptr_t)(key * 2u + 1u);
}

static void
test_basic(void)
{
	struct vr_hash h;
	vr_hash_init(&h);
	CHECK(vr_hash_get(&h, 1) == NULL, "empty table returned a value");
	CHECK(vr_hash_remove(&h, 1) == NULL, "remove from an empty table");
	CHECK(vr_hash_get(&h, 0) == NULL, "key 0 found");
	CHECK(vr_hash_insert(&h, 7, val(7)), "insert 7");
	CHECK(vr_hash_get(&h, 7) == val(7), "get 7");
	CHECK_EQ_U(h.count, 1);
	CHECK(vr_hash_remove(&h, 7) == val(7), "remove 7");
	CHECK(vr_hash_get(&h, 7) == NULL, "7 still there after remove");
	CHECK_EQ_U(h.count, 0);
	/* Re-insert over a tombstone. */
	CHECK(vr_hash_insert(&h, 7, val(8)), "reinsert 7");
	CHECK(vr_hash_get(&h, 7) == val(8), "get reinserted 7");
	vr_hash_finish(&h);
}

/* Keys that collide on purpose (same low bits after hashing is likely for multiples). */
static void
test_tombstone_chains(void)
{
	struct vr_hash h;
	vr_hash_init(&h);
	for (uint32_t k = 1; k <= 12; k++) {
		CHECK(vr_hash_insert(&h, k * 16, val(k)), "insert %u", k * 16);
	}
	/* Remove every other key: lookups must walk past the tombstones. */
	for (uint32_t k = 1; k <= 12; k += 2) {
		CHECK(vr_hash_remove(&h, k * 16) == val(k), "remove %u", k * 16);
	}
	for (uint32_t k = 1; k <= 12; k++) {
		void *expect = (k % 2) ? NULL : val(k);
		CHECK(vr_hash_get(&h, k * 16) == expect, "get %u after removals", k * 16);
	}
	/* Churn: many insert/remove cycles must not fill the table with tombstones. */
	for (uint32_t i = 0; i < 100000; i++) {
		uint32_t k = 1000 + i;
		CHECK(vr_hash_insert(&h, k, val(k)), "churn insert");
		CHECK(vr_hash_remove(&h, k) == val(k), "churn remove");
	}
	CHECK(h.capacity <= 64, "capacity grew to %zu under churn", h.capacity);
	CHECK_EQ_U(h.count, 6);
	vr_hash_finish(&h);
}

static void
test_random(void)
{
	enum { N = 20000 };
	static uint32_t keys[N];
	static bool live[N];
	uint32_t seed = 0x12345678u;
	struct vr_hash h;
	vr_hash_init(&h);
	for (int i = 0; i < N; i++) {
		/* xorshift32 has period 2^32 - 1 and never yields 0: keys are unique. */
		uint32_t k = next_rand(&seed);
		keys[i] = k;
		CHECK(vr_hash_insert(&h, k, val(k)), "insert random %u", k);
		live[i] = true;
	}
	CHECK_EQ_U(h.count, N);
	for (int i = 0; i < N; i += 3) {
		CHECK(vr_hash_remove(&h, keys[i]) == val(keys[i]), "remove random");
		live[i] = false;
	}
	size_t seen = 0;
	uint32_t key;
	void *v;
	for (size_t it = 0; vr_hash_next(&h, &it, &key, &v);) {
		CHECK(v == val(key), "iterated value of %u", key);
		seen++;
	}
	CHECK_EQ_U(seen, h.count);
	for (int i = 0; i < N; i++) {
		void *expect = live[i] ? val(keys[i]) : NULL;
		if (vr_hash_get(&h, keys[i]) != expect) {
			CHECK(false, "key %u (index %d) live=%d wrong", keys[i], i, live[i]);
		}
	}
	CHECK(vr_hash_get(&h, 0) == NULL, "key 0 found");
	vr_hash_finish(&h);
}

int
main(void)
{
	test_basic();
	test_tombstone_chains();
	test_random();
	return vgp_test_result("test_hash");
}
