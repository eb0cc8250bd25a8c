/* pvgpu qemu-glue — guest memory table: mapping and checked translation. */
#include "vug_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

void
vug_mem_init(struct vug_mem *mem)
{
	memset(mem, 0, sizeof(*mem));
}

static void
region_unmap(struct vug_mem_region *r)
{
	if (r->map_base) {
		munmap(r->map_base, r->map_len);
	}
	memset(r, 0, sizeof(*r));
}

void
vug_mem_release_retired(struct vug_mem *mem)
{
	for (unsigned i = 0; i < mem->retired_count; i++) {
		munmap(mem->retired[i].base, mem->retired[i].len);
	}
	mem->retired_count = 0;
}

void
vug_mem_finish(struct vug_mem *mem)
{
	for (unsigned i = 0; i < mem->count; i++) {
		region_unmap(&mem->regions[i]);
	}
	mem->count = 0;
	vug_mem_release_retired(mem);
}

/* Keeps r's mapping alive until vug_mem_release_retired(); unmaps at once when
 * the retired list is full (a front end churning regions that fast while
 * requests are in flight is not one we can serve safely anyway). */
static void
region_retire(struct vug_mem *mem, struct vug_mem_region *r)
{
	if (mem->retired_count < sizeof(mem->retired) / sizeof(mem->retired[0])) {
		mem->retired[mem->retired_count++] =
			(struct vug_mem_retired){.base = r->map_base, .len = r->map_len};
		memset(r, 0, sizeof(*r));
	} else {
		region_unmap(r);
	}
}

void
vug_mem_clear(struct vug_mem *mem)
{
	for (unsigned i = 0; i < mem->count; i++) {
		region_retire(mem, &mem->regions[i]);
	}
	mem->count = 0;
}

/* [a, a+alen) and [b, b+blen) intersect; both ranges are known not to wrap. */
static bool
ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int
vug_mem_add(struct vug_mem *mem, const struct vhost_user_mem_region *reg, int fd)
{
	uint64_t end, map_len;
	if (reg->memory_size == 0 ||
	    __builtin_add_overflow(reg->guest_phys_addr, reg->memory_size, &end) ||
	    __builtin_add_overflow(reg->userspace_addr, reg->memory_size, &end) ||
	    __builtin_add_overflow(reg->mmap_offset, reg->memory_size, &map_len) ||
	    map_len > SIZE_MAX) {
		return -EINVAL;
	}
	if (mem->count == VUG_MEM_MAX_REGIONS) {
		return -ENOSPC;
	}
	for (unsigned i = 0; i < mem->count; i++) {
		const struct vug_mem_region *r = &mem->regions[i];
		if (ranges_overlap(r->gpa, r->size, reg->guest_phys_addr, reg->memory_size)) {
			return -EINVAL;
		}
	}
	/* Touching a page past the end of a shared file raises SIGBUS: refuse a
	 * region the fd cannot back. */
	struct stat st;
	if (fstat(fd, &st) < 0) {
		return -errno;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < map_len) {
		return -EINVAL;
	}
	void *p = mmap(NULL, (size_t)map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		return -errno;
	}
	struct vug_mem_region *r = &mem->regions[mem->count++];
	*r = (struct vug_mem_region){
		.gpa = reg->guest_phys_addr,
		.size = reg->memory_size,
		.uva = reg->userspace_addr,
		.mmap_offset = reg->mmap_offset,
		.map_base = p,
		.map_len = (size_t)map_len,
		.host = (uint8_t *)p + reg->mmap_offset,
	};
	return 0;
}

bool
vug_mem_remove(struct vug_mem *mem, const struct vhost_user_mem_region *reg)
{
	for (unsigned i = 0; i < mem->count; i++) {
		struct vug_mem_region *r = &mem->regions[i];
		if (r->gpa == reg->guest_phys_addr && r->size == reg->memory_size &&
		    r->uva == reg->userspace_addr) {
			region_retire(mem, r);
			mem->regions[i] = mem->regions[--mem->count];
			memset(&mem->regions[mem->count], 0, sizeof(*r));
			return true;
		}
	}
	return false;
}

/* The region holding address `a` in the gpa (or uva) space, and the offset of
 * `a` inside it. */
static const struct vug_mem_region *
find(const struct vug_mem *mem, uint64_t a, bool uva, uint64_t *off)
{
	for (unsigned i = 0; i < mem->count; i++) {
		const struct vug_mem_region *r = &mem->regions[i];
		uint64_t base = uva ? r->uva : r->gpa;
		if (a >= base && a - base < r->size) {
			*off = a - base;
			return r;
		}
	}
	return NULL;
}

static void *
translate(const struct vug_mem *mem, uint64_t a, uint64_t len, bool uva)
{
	uint64_t off;
	const struct vug_mem_region *r = find(mem, a, uva, &off);
	/* off < size, so size - off cannot wrap. */
	if (!r || len > r->size - off) {
		return NULL;
	}
	return r->host + off;
}

void *
vug_mem_gpa(const struct vug_mem *mem, uint64_t gpa, uint64_t len)
{
	return translate(mem, gpa, len, false);
}

void *
vug_mem_uva(const struct vug_mem *mem, uint64_t uva, uint64_t len)
{
	return translate(mem, uva, len, true);
}

void *
vug_mem_gpa_piece(const struct vug_mem *mem, uint64_t gpa, uint64_t len, uint64_t *piece)
{
	uint64_t off;
	const struct vug_mem_region *r = find(mem, gpa, false, &off);
	if (!r) {
		*piece = 0;
		return NULL;
	}
	uint64_t room = r->size - off;
	*piece = len < room ? len : room;
	return r->host + off;
}

static void *
guest_map(void *opaque, uint64_t gpa, uint64_t len)
{
	return vug_mem_gpa(opaque, gpa, len);
}

const struct vug_guest_mem_impl vug_mem_guest_impl = {
	.map = guest_map,
};
