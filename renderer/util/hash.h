/*
 * pvgpu — a small open-addressing hash table from 32-bit keys (guest ids) to
 * pointers. Guest ids are untrusted: lookups are O(1) on average whatever the
 * ids, and the table never holds more than its owner allows (the owner caps
 * the count before inserting). Key 0 is reserved (guests may not use it).
 * Not thread-safe; owned by whatever embeds it.
 */
#ifndef VR_HASH_H
#define VR_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vr_hash_entry {
	uint32_t key; /* 0 = empty */
	bool tombstone;
	void *value;
};

struct vr_hash {
	struct vr_hash_entry *entries;
	size_t capacity; /* power of two, or 0 before the first insert */
	size_t count;
	size_t used; /* count + tombstones */
};

void vr_hash_init(struct vr_hash *h);
/** Frees the table memory (not the values). */
void vr_hash_finish(struct vr_hash *h);
/** Value for key, or NULL. */
void *vr_hash_get(const struct vr_hash *h, uint32_t key);
/** Inserts key (must be non-zero and absent). Returns false on allocation failure. */
bool vr_hash_insert(struct vr_hash *h, uint32_t key, void *value);
/** Removes key and returns its value, or NULL when absent. */
void *vr_hash_remove(struct vr_hash *h, uint32_t key);

/** Iteration: for (size_t i = 0; vr_hash_next(h, &i, &key, &val);) */
bool vr_hash_next(const struct vr_hash *h, size_t *iter, uint32_t *key, void **value);

#endif /* VR_HASH_H */
