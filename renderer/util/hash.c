/* pvgpu — open-addressing hash table (see hash.h). */
#include "hash.h"

#include <assert.h>
#include <stdlib.h>

static size_t
slot_of(uint32_t key, size_t capacity)
{
	/* Fibonacci hashing spreads sequential guest ids across the table. */
	return (size_t)((key * 2654435769u) & (uint32_t)(capacity - 1));
}

void
vr_hash_init(struct vr_hash *h)
{
	h->entries = NULL;
	h->capacity = 0;
	h->count = 0;
	h->used = 0;
}

void
vr_hash_finish(struct vr_hash *h)
{
	free(h->entries);
	vr_hash_init(h);
}

static struct vr_hash_entry *
find(const struct vr_hash *h, uint32_t key)
{
	if (!h->capacity || !key) {
		return NULL;
	}
	size_t mask = h->capacity - 1;
	for (size_t i = slot_of(key, h->capacity), n = 0; n < h->capacity;
	     i = (i + 1) & mask, n++) {
		struct vr_hash_entry *e = &h->entries[i];
		if (e->key == key && !e->tombstone) {
			return e;
		}
		if (!e->key && !e->tombstone) {
			return NULL;
		}
	}
	return NULL;
}

void *
vr_hash_get(const struct vr_hash *h, uint32_t key)
{
	struct vr_hash_entry *e = find(h, key);
	return e ? e->value : NULL;
}

static void
place(struct vr_hash_entry *entries, size_t capacity, uint32_t key, void *value)
{
	size_t mask = capacity - 1;
	size_t i = slot_of(key, capacity);
	while (entries[i].key || entries[i].tombstone) {
		i = (i + 1) & mask;
	}
	entries[i].key = key;
	entries[i].tombstone = false;
	entries[i].value = value;
}

static bool
grow(struct vr_hash *h)
{
	size_t cap = h->capacity ? h->capacity : 16;
	/* Rehash in place of tombstones when the live count is small. */
	while ((h->count + 1) * 2 > cap) {
		cap *= 2;
	}
	struct vr_hash_entry *entries = calloc(cap, sizeof(*entries));
	if (!entries) {
		return false;
	}
	for (size_t i = 0; i < h->capacity; i++) {
		struct vr_hash_entry *e = &h->entries[i];
		if (e->key && !e->tombstone) {
			place(entries, cap, e->key, e->value);
		}
	}
	free(h->entries);
	h->entries = entries;
	h->capacity = cap;
	h->used = h->count;
	return true;
}

bool
vr_hash_insert(struct vr_hash *h, uint32_t key, void *value)
{
	assert(key != 0);
	assert(!find(h, key));
	if ((h->used + 1) * 4 > h->capacity * 3 && !grow(h)) {
		return false;
	}
	place(h->entries, h->capacity, key, value);
	h->count++;
	h->used++;
	return true;
}

void *
vr_hash_remove(struct vr_hash *h, uint32_t key)
{
	struct vr_hash_entry *e = find(h, key);
	if (!e) {
		return NULL;
	}
	void *value = e->value;
	e->tombstone = true;
	e->value = NULL;
	h->count--;
	return value;
}

bool
vr_hash_next(const struct vr_hash *h, size_t *iter, uint32_t *key, void **value)
{
	for (; *iter < h->capacity; (*iter)++) {
		struct vr_hash_entry *e = &h->entries[*iter];
		if (e->key && !e->tombstone) {
			*key = e->key;
			*value = e->value;
			(*iter)++;
			return true;
		}
	}
	return false;
}
