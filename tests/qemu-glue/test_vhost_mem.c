/* pvgpu tests — vhost-user memory table: mapping, translation bounds, overflow, gaps. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vgp_test.h"
#include "vug_mem.h"

static int
memfd(uint64_t size)
{
	int fd = memfd_create("test-ram", MFD_CLOEXEC);
	if (fd >= 0 && ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct vhost_user_mem_region
region(uint64_t gpa, uint64_t size, uint64_t uva, uint64_t off)
{
	return (struct vhost_user_mem_region){.guest_phys_addr = gpa,
					      .memory_size = size,
					      .userspace_addr = uva,
					      .mmap_offset = off};
}

static void
test_translate(void)
{
	struct vug_mem m;
	vug_mem_init(&m);
	int fd = memfd(3 << 20);
	/* Two regions of one fd with a GPA gap between them. */
	struct vhost_user_mem_region lo = region(0, 1 << 20, 0x7000000000, 0);
	struct vhost_user_mem_region hi = region(0x100000000, 2 << 20, 0x7000100000, 1 << 20);
	CHECK_EQ_U(vug_mem_add(&m, &lo, fd), 0);
	CHECK_EQ_U(vug_mem_add(&m, &hi, fd), 0);

	uint8_t *a = vug_mem_gpa(&m, 0x10, 16);
	uint8_t *b = vug_mem_gpa(&m, 0x100000000, 16);
	CHECK(a && b, "both regions translate");
	/* The same byte seen through GPA and UVA, and the fd offset honoured. */
	CHECK(vug_mem_uva(&m, 0x7000000010, 1) == a, "uva of the low region");
	CHECK(vug_mem_uva(&m, 0x7000100000, 1) == b, "uva of the high region");
	b[0] = 0x5a;
	CHECK(((uint8_t *)vug_mem_gpa(&m, 0x100000, 1)) == NULL, "gap between regions");

	/* Bounds: the last byte yes, one past no, crossing the end no. */
	CHECK(vug_mem_gpa(&m, (1 << 20) - 1, 1) != NULL, "last byte");
	CHECK(vug_mem_gpa(&m, 1 << 20, 1) == NULL, "one past the end");
	CHECK(vug_mem_gpa(&m, (1 << 20) - 8, 16) == NULL, "range crossing the end");
	CHECK(vug_mem_gpa(&m, 0x10, 0) != NULL, "len 0 inside a region");
	/* Overflow: gpa + len wrapping around 2^64. */
	CHECK(vug_mem_gpa(&m, 0x10, UINT64_MAX) == NULL, "huge length");
	CHECK(vug_mem_gpa(&m, UINT64_MAX, 2) == NULL, "wrapping address");
	CHECK(vug_mem_uva(&m, 0x7000000000, UINT64_MAX - 5) == NULL, "huge uva length");

	/* Pieces: a range running off a region is cut at its end. */
	uint64_t piece;
	CHECK(vug_mem_gpa_piece(&m, (1 << 20) - 8, 100, &piece) != NULL && piece == 8,
	      "piece cut at the region end (%llu)", (unsigned long long)piece);
	CHECK(vug_mem_gpa_piece(&m, 0x200000, 4, &piece) == NULL && piece == 0, "piece in a gap");

	/* The device's translator is the same table. */
	CHECK(vug_mem_guest_impl.map(&m, 0x100000000, 1) == b, "vug_guest_mem_impl");
	CHECK(vug_mem_guest_impl.map(&m, 0x100000000 + (2 << 20), 1) == NULL, "impl bounds");

	/* Removal: translation stops, the mapping stays until released. */
	CHECK(vug_mem_remove(&m, &hi), "remove");
	CHECK(vug_mem_gpa(&m, 0x100000000, 1) == NULL, "removed region");
	CHECK_EQ_U(m.retired_count, 1);
	CHECK(b[0] == 0x5a, "retired mapping still readable");
	vug_mem_release_retired(&m);
	CHECK_EQ_U(m.retired_count, 0);
	CHECK(!vug_mem_remove(&m, &hi), "remove twice");
	vug_mem_finish(&m);
	close(fd);
}

static void
test_bad_regions(void)
{
	struct vug_mem m;
	vug_mem_init(&m);
	int fd = memfd(1 << 20);
	struct vhost_user_mem_region r = region(0, 1 << 20, 0x1000, 0);
	CHECK_EQ_U(vug_mem_add(&m, &r, fd), 0);
	struct vhost_user_mem_region overlap = region(0x80000, 1 << 20, 0x900000, 0);
	CHECK(vug_mem_add(&m, &overlap, fd) < 0, "overlapping GPA range refused");
	struct vhost_user_mem_region zero = region(0x40000000, 0, 0, 0);
	CHECK(vug_mem_add(&m, &zero, fd) < 0, "zero size refused");
	struct vhost_user_mem_region wrap = region(UINT64_MAX - 0xfff, 0x2000, 0, 0);
	CHECK(vug_mem_add(&m, &wrap, fd) < 0, "wrapping GPA refused");
	struct vhost_user_mem_region uwrap = region(0x40000000, 0x1000, UINT64_MAX - 10, 0);
	CHECK(vug_mem_add(&m, &uwrap, fd) < 0, "wrapping UVA refused");
	struct vhost_user_mem_region owrap = region(0x40000000, 0x1000, 0, UINT64_MAX - 10);
	CHECK(vug_mem_add(&m, &owrap, fd) < 0, "wrapping mmap offset refused");
	/* A region the fd cannot back would SIGBUS on access. */
	struct vhost_user_mem_region big = region(0x40000000, 2 << 20, 0x4000000, 0);
	CHECK(vug_mem_add(&m, &big, fd) < 0, "region larger than its fd refused");
	struct vhost_user_mem_region off = region(0x40000000, 0x1000, 0x4000000, 1 << 20);
	CHECK(vug_mem_add(&m, &off, fd) < 0, "offset past the fd end refused");
	CHECK(vug_mem_add(&m, &r, -1) < 0, "bad fd refused");
	CHECK_EQ_U(m.count, 1);

	/* The table is bounded. */
	unsigned added = 1;
	for (unsigned i = 1; i < VUG_MEM_MAX_REGIONS + 4; i++) {
		struct vhost_user_mem_region n =
			region((uint64_t)i << 32, 4096, (uint64_t)i << 32, 0);
		if (vug_mem_add(&m, &n, fd) == 0) {
			added++;
		}
	}
	CHECK_EQ_U(added, VUG_MEM_MAX_REGIONS);
	vug_mem_finish(&m);
	CHECK_EQ_U(m.count, 0);
	close(fd);
}

int
main(void)
{
	test_translate();
	test_bad_regions();
	return vgp_test_result("test-vhost-mem");
}
