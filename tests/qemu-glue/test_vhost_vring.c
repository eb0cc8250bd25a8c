/* pvgpu tests — split virtqueue, device side: chains, indirect, EVENT_IDX, hostile rings. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vgp_test.h"
#include "vug_vring.h"

#define UVA_BASE 0x7f0000000000ull
#define RAM (2u << 20)
#define NUM 8
#define DESC_GPA 0x1000
#define AVAIL_GPA 0x2000
#define USED_GPA 0x3000
#define BUF_GPA 0x10000

struct fixture {
	int fd;
	struct vug_mem mem;
	struct vug_vring vr;
	struct vgp_vring_desc *desc;
	struct vgp_vring_avail *avail;
	struct vgp_vring_used *used;
	uint8_t *ram; /* host view of GPA 0.. (region 0) */
};

/* RAM as two regions adjacent in GPA ([0,1M) and [1M,2M)) backed by swapped
 * halves of one fd, so a buffer crossing 1M must be split. */
static void
setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = memfd_create("ring", MFD_CLOEXEC);
	CHECK(f->fd >= 0 && ftruncate(f->fd, RAM) == 0, "memfd");
	vug_mem_init(&f->mem);
	struct vhost_user_mem_region a = {0, RAM / 2, UVA_BASE, RAM / 2};
	struct vhost_user_mem_region b = {RAM / 2, RAM / 2, UVA_BASE + RAM / 2, 0};
	CHECK_EQ_U(vug_mem_add(&f->mem, &a, f->fd), 0);
	CHECK_EQ_U(vug_mem_add(&f->mem, &b, f->fd), 0);
	f->ram = vug_mem_gpa(&f->mem, 0, RAM / 2);
	CHECK(vug_vring_init(&f->vr), "init");
	f->vr.num = NUM;
	f->vr.desc_uva = UVA_BASE + DESC_GPA;
	f->vr.avail_uva = UVA_BASE + AVAIL_GPA;
	f->vr.used_uva = UVA_BASE + USED_GPA;
	f->vr.addr_set = true;
	f->vr.started = f->vr.enabled = true;
	f->vr.indirect_ok = true;
	CHECK(vug_vring_map(&f->vr, &f->mem), "map");
	f->desc = vug_mem_gpa(&f->mem, DESC_GPA, 16 * NUM);
	f->avail = vug_mem_gpa(&f->mem, AVAIL_GPA, 4);
	f->used = vug_mem_gpa(&f->mem, USED_GPA, 4);
}

static void
teardown(struct fixture *f)
{
	vug_vring_finish(&f->vr);
	vug_mem_finish(&f->mem);
	close(f->fd);
}

static void
set_desc(struct vgp_vring_desc *d, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	*d = (struct vgp_vring_desc){.addr = addr, .len = len, .flags = flags, .next = next};
}

static void
offer(struct fixture *f, uint16_t head)
{
	f->avail->ring[f->avail->idx % NUM] = head;
	f->avail->idx++;
}

static int
pop(struct fixture *f, struct vug_vring_elem **e, const char **why)
{
	return vug_vring_pop(&f->vr, &f->mem, e, why);
}

static void
test_direct_chain(void)
{
	struct fixture f;
	setup(&f);
	struct vug_vring_elem *e;
	const char *why;
	CHECK_EQ_U(pop(&f, &e, &why), 0);
	set_desc(&f.desc[3], BUF_GPA, 24, VGP_VRING_DESC_F_NEXT, 5);
	set_desc(&f.desc[5], BUF_GPA + 64, 100, VGP_VRING_DESC_F_WRITE, 0);
	offer(&f, 3);
	CHECK_EQ_U(pop(&f, &e, &why), 1);
	CHECK_EQ_U(e->head, 3);
	CHECK_EQ_U(e->out_num, 1);
	CHECK_EQ_U(e->in_num, 1);
	CHECK_EQ_U(e->in_bytes, 100);
	CHECK(e->out[0].iov_base == f.ram + BUF_GPA && e->out[0].iov_len == 24, "out buffer");
	CHECK(e->in[0].iov_base == f.ram + BUF_GPA + 64, "in buffer");
	CHECK_EQ_U(f.vr.inflight_count, 1);
	CHECK_EQ_U(pop(&f, &e, &why) == 0, 1);

	/* The device claims more than the buffer holds: clamped. */
	struct vug_vring_elem *e2;
	offer(&f, 3);
	CHECK_EQ_U(pop(&f, &e2, &why), 1);
	vug_vring_push(&f.vr, e2, 1000);
	CHECK_EQ_U(f.used->idx, 1);
	CHECK_EQ_U(f.used->ring[0].id, 3);
	CHECK_EQ_U(f.used->ring[0].len, 100);
	teardown(&f);
}

static void
test_split_across_regions(void)
{
	struct fixture f;
	setup(&f);
	struct vug_vring_elem *e;
	const char *why;
	set_desc(&f.desc[0], RAM / 2 - 16, 48, 0, 0);
	offer(&f, 0);
	CHECK_EQ_U(pop(&f, &e, &why), 1);
	CHECK_EQ_U(e->out_num, 2);
	CHECK(e->out[0].iov_len == 16 && e->out[1].iov_len == 32, "split 16 + 32");
	CHECK(e->out[1].iov_base == vug_mem_gpa(&f.mem, RAM / 2, 1), "second piece");
	teardown(&f);
}

static void
test_indirect(void)
{
	struct fixture f;
	setup(&f);
	struct vug_vring_elem *e;
	const char *why;
	struct vgp_vring_desc *t = (struct vgp_vring_desc *)(f.ram + 0x8000);
	set_desc(&t[0], BUF_GPA, 24, VGP_VRING_DESC_F_NEXT, 1);
	set_desc(&t[1], BUF_GPA + 32, 8, VGP_VRING_DESC_F_NEXT, 2);
	set_desc(&t[2], BUF_GPA + 64, 24, VGP_VRING_DESC_F_WRITE, 0);
	set_desc(&f.desc[1], 0x8000, 48, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(&f, 1);
	CHECK_EQ_U(pop(&f, &e, &why), 1);
	CHECK_EQ_U(e->head, 1);
	CHECK_EQ_U(e->out_num, 2);
	CHECK_EQ_U(e->in_num, 1);
	vug_vring_push(&f.vr, e, 24);
	CHECK_EQ_U(f.used->ring[0].id, 1);
	teardown(&f);

	/* Without VIRTIO_RING_F_INDIRECT_DESC an indirect descriptor breaks the ring. */
	setup(&f);
	f.vr.indirect_ok = false;
	t = (struct vgp_vring_desc *)(f.ram + 0x8000);
	set_desc(&t[0], BUF_GPA, 24, 0, 0);
	set_desc(&f.desc[1], 0x8000, 16, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(&f, 1);
	CHECK(pop(&f, &e, &why) < 0 && f.vr.broken, "indirect not negotiated");
	teardown(&f);
}

/* Each case writes a bad ring; the pop must fail, mark the ring broken and
 * leave nothing in flight. */
static void
expect_broken(const char *name, void (*build)(struct fixture *f))
{
	struct fixture f;
	setup(&f);
	build(&f);
	struct vug_vring_elem *e = (void *)1;
	const char *why = NULL;
	int r = pop(&f, &e, &why);
	CHECK(r < 0 && f.vr.broken && e == NULL && why, "%s: r=%d", name, r);
	CHECK_EQ_U(f.vr.inflight_count, 0);
	/* A broken ring stays quiet. */
	CHECK_EQ_U(pop(&f, &e, &why), 0);
	teardown(&f);
}

static void
bad_addr(struct fixture *f)
{
	set_desc(&f->desc[0], 0x40000000, 16, 0, 0);
	offer(f, 0);
}

static void
bad_addr_end(struct fixture *f)
{
	set_desc(&f->desc[0], RAM - 8, 16, 0, 0); /* runs past the last region */
	offer(f, 0);
}

static void
huge_len(struct fixture *f)
{
	set_desc(&f->desc[0], BUF_GPA, 0xffffffffu, VGP_VRING_DESC_F_WRITE, 0);
	offer(f, 0);
}

static void
wrapping_addr(struct fixture *f)
{
	set_desc(&f->desc[0], UINT64_MAX - 4, 16, 0, 0);
	offer(f, 0);
}

static void
zero_len(struct fixture *f)
{
	set_desc(&f->desc[0], BUF_GPA, 0, 0, 0);
	offer(f, 0);
}

static void
self_loop(struct fixture *f)
{
	set_desc(&f->desc[2], BUF_GPA, 16, VGP_VRING_DESC_F_NEXT, 2);
	offer(f, 2);
}

static void
long_loop(struct fixture *f)
{
	for (uint16_t i = 0; i < NUM; i++) {
		set_desc(&f->desc[i], BUF_GPA, 16, VGP_VRING_DESC_F_NEXT,
			 (uint16_t)((i + 1) % NUM));
	}
	offer(f, 0);
}

static void
next_out_of_range(struct fixture *f)
{
	set_desc(&f->desc[0], BUF_GPA, 16, VGP_VRING_DESC_F_NEXT, NUM);
	offer(f, 0);
}

static void
head_out_of_range(struct fixture *f)
{
	offer(f, NUM + 3);
}

static void
avail_jump(struct fixture *f)
{
	set_desc(&f->desc[0], BUF_GPA, 16, 0, 0);
	f->avail->ring[0] = 0;
	f->avail->idx = NUM + 1;
}

static void
read_after_write(struct fixture *f)
{
	set_desc(&f->desc[0], BUF_GPA, 16, VGP_VRING_DESC_F_WRITE | VGP_VRING_DESC_F_NEXT, 1);
	set_desc(&f->desc[1], BUF_GPA, 16, 0, 0);
	offer(f, 0);
}

static void
indirect_bad_len(struct fixture *f)
{
	set_desc(&f->desc[0], 0x8000, 17, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void
indirect_zero_len(struct fixture *f)
{
	set_desc(&f->desc[0], 0x8000, 0, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void
indirect_too_long(struct fixture *f)
{
	set_desc(&f->desc[0], 0x8000, (VUG_VRING_MAX_IOV + 1) * 16, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void
indirect_out_of_range(struct fixture *f)
{
	set_desc(&f->desc[0], RAM - 16, 64, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void
indirect_nested(struct fixture *f)
{
	struct vgp_vring_desc *t = (struct vgp_vring_desc *)(f->ram + 0x8000);
	set_desc(&t[0], 0x8000, 16, VGP_VRING_DESC_F_INDIRECT, 0);
	set_desc(&f->desc[0], 0x8000, 16, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void
indirect_with_next(struct fixture *f)
{
	struct vgp_vring_desc *t = (struct vgp_vring_desc *)(f->ram + 0x8000);
	set_desc(&t[0], BUF_GPA, 16, 0, 0);
	set_desc(&f->desc[0], 0x8000, 16, VGP_VRING_DESC_F_INDIRECT | VGP_VRING_DESC_F_NEXT, 1);
	set_desc(&f->desc[1], BUF_GPA, 16, 0, 0);
	offer(f, 0);
}

static void
indirect_loop(struct fixture *f)
{
	struct vgp_vring_desc *t = (struct vgp_vring_desc *)(f->ram + 0x8000);
	set_desc(&t[0], BUF_GPA, 16, VGP_VRING_DESC_F_NEXT, 1);
	set_desc(&t[1], BUF_GPA, 16, VGP_VRING_DESC_F_NEXT, 0);
	set_desc(&f->desc[0], 0x8000, 32, VGP_VRING_DESC_F_INDIRECT, 0);
	offer(f, 0);
}

static void
test_hostile(void)
{
	expect_broken("address outside RAM", bad_addr);
	expect_broken("buffer running past RAM", bad_addr_end);
	expect_broken("4 GiB length", huge_len);
	expect_broken("wrapping address", wrapping_addr);
	expect_broken("zero length", zero_len);
	expect_broken("self loop", self_loop);
	expect_broken("ring-long loop", long_loop);
	expect_broken("next out of range", next_out_of_range);
	expect_broken("head out of range", head_out_of_range);
	expect_broken("avail index jump", avail_jump);
	expect_broken("readable after writable", read_after_write);
	expect_broken("indirect length 17", indirect_bad_len);
	expect_broken("indirect length 0", indirect_zero_len);
	expect_broken("indirect longer than the cap", indirect_too_long);
	expect_broken("indirect table outside RAM", indirect_out_of_range);
	expect_broken("nested indirect", indirect_nested);
	expect_broken("indirect with NEXT", indirect_with_next);
	expect_broken("loop inside an indirect table", indirect_loop);
}

static void
cycle(struct fixture *f)
{
	struct vug_vring_elem *e;
	const char *why;
	set_desc(&f->desc[0], BUF_GPA, 8, VGP_VRING_DESC_F_WRITE, 0);
	offer(f, 0);
	CHECK_EQ_U(pop(f, &e, &why), 1);
	vug_vring_push(&f->vr, e, 8);
}

static void
test_notify(void)
{
	struct fixture f;
	setup(&f);
	/* Plain rings: NO_INTERRUPT suppresses, clearing it re-enables. */
	cycle(&f);
	CHECK(vug_vring_should_notify(&f.vr), "interrupt by default");
	f.avail->flags = VGP_VRING_AVAIL_F_NO_INTERRUPT;
	cycle(&f);
	CHECK(!vug_vring_should_notify(&f.vr), "NO_INTERRUPT honoured");
	f.avail->flags = 0;
	teardown(&f);

	/* EVENT_IDX: interrupt only when used idx crosses used_event. */
	setup(&f);
	f.vr.event_idx = true;
	uint16_t *used_event = &f.avail->ring[NUM];
	uint16_t *avail_event = (uint16_t *)&f.used->ring[NUM];
	*used_event = 0;
	cycle(&f); /* used 0 -> 1 crosses 0 */
	CHECK_EQ_U(*avail_event, 1);
	CHECK(vug_vring_should_notify(&f.vr), "first crossing notifies");
	cycle(&f); /* 1 -> 2: event 0 already passed */
	CHECK(!vug_vring_should_notify(&f.vr), "no interrupt before used_event moves");
	*used_event = 4;
	cycle(&f); /* 2 -> 3 */
	CHECK(!vug_vring_should_notify(&f.vr), "event 4 not reached");
	cycle(&f); /* 3 -> 4 */
	cycle(&f); /* 4 -> 5 crosses 4 */
	CHECK(vug_vring_should_notify(&f.vr), "event 4 crossed");
	CHECK_EQ_U(*avail_event, 5);
	teardown(&f);

	/* NOTIFY_ON_EMPTY: an interrupt when the ring runs dry, even suppressed. */
	setup(&f);
	f.vr.notify_on_empty = true;
	f.avail->flags = VGP_VRING_AVAIL_F_NO_INTERRUPT;
	cycle(&f);
	CHECK(vug_vring_should_notify(&f.vr), "notify on empty");
	teardown(&f);
}

static void
test_stop(void)
{
	struct fixture f;
	setup(&f);
	struct vug_vring_elem *e;
	const char *why;
	set_desc(&f.desc[0], BUF_GPA, 8, VGP_VRING_DESC_F_WRITE, 0);
	offer(&f, 0);
	CHECK_EQ_U(pop(&f, &e, &why), 1);
	/* GET_VRING_BASE stops the ring: a late completion is dropped. */
	f.vr.started = false;
	f.vr.gen++;
	vug_vring_push(&f.vr, e, 8);
	CHECK_EQ_U(f.used->idx, 0);
	CHECK_EQ_U(f.vr.inflight_count, 0);
	offer(&f, 0);
	CHECK_EQ_U(pop(&f, &e, &why), 0);
	/* Disabled rings are not processed either. */
	f.vr.started = true;
	f.vr.enabled = false;
	CHECK_EQ_U(pop(&f, &e, &why), 0);
	/* In-flight elements are freed with the ring. */
	f.vr.enabled = true;
	CHECK_EQ_U(pop(&f, &e, &why), 1);
	teardown(&f);
}

static void
test_unmapped(void)
{
	struct fixture f;
	setup(&f);
	/* Rings whose parts are not inside guest memory are refused. */
	f.vr.used_uva = UVA_BASE + RAM - 4;
	CHECK(!vug_vring_map(&f.vr, &f.mem), "used ring past RAM");
	f.vr.used_uva = UVA_BASE + USED_GPA + 2;
	CHECK(!vug_vring_map(&f.vr, &f.mem), "misaligned used ring");
	f.vr.used_uva = UVA_BASE + USED_GPA;
	f.vr.desc_uva = UVA_BASE + 8;
	CHECK(!vug_vring_map(&f.vr, &f.mem), "misaligned descriptor table");
	struct vug_vring_elem *e;
	const char *why;
	CHECK_EQ_U(pop(&f, &e, &why), 0);
	teardown(&f);
}

int
main(void)
{
	test_direct_chain();
	test_split_across_regions();
	test_indirect();
	test_hostile();
	test_notify();
	test_stop();
	test_unmapped();
	return vgp_test_result("test-vhost-vring");
}
