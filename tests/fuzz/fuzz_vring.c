/*
 * pvgpu fuzzing — target vring: the split-ring descriptor walk
 * (qemu-glue/vhost/vug_vring.c) over a vhost-user memory table (vug_mem.c).
 *
 * Guest RAM is 2 MiB in two regions adjacent in guest-physical space but backed
 * by swapped halves of one memfd (so buffers crossing 1 MiB must be split, as in
 * tests/qemu-glue/test_vhost_vring.c). The ring sits at fixed addresses:
 * descriptors 0x1000, avail 0x2000, used 0x3000.
 * Input: u8 log2 of the ring size (mod 9: 1..256 entries), u8 features (bit 0
 * EVENT_IDX, bit 1 indirect descriptors), then bytes copied to guest RAM from
 * 0x1000 on (descriptor table, avail ring, used ring, buffers, indirect tables).
 * Every popped chain's buffers are read and written whole, so a bad iovec shows
 * up under ASan, and chains are returned or dropped alternately.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_target.h"
#include "vug_vring.h"

#define UVA_BASE 0x7f0000000000ull
#define RAM (2u << 20)
#define RING_GPA 0x1000u
#define MAX_POPS 64

struct fuzz_vring {
	int fd; /* -1 when memfd failed */
};

static struct fuzz_vring *
fuzz_state(void)
{
	static struct fuzz_vring state = {.fd = -1};
	return &state;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_logs();
	struct fuzz_vring *st = fuzz_state();
	st->fd = memfd_create("fuzz-ring", MFD_CLOEXEC);
	if (st->fd >= 0 && ftruncate(st->fd, RAM) != 0) {
		close(st->fd);
		st->fd = -1;
	}
	return 0;
}

static uint32_t
touch(const struct vug_vring_elem *e)
{
	volatile uint8_t sink = 0;
	uint64_t written = 0;
	for (unsigned i = 0; i < e->out_num; i++) {
		const uint8_t *p = e->out[i].iov_base;
		for (size_t k = 0; k < e->out[i].iov_len; k += 512) {
			sink ^= p[k];
		}
		if (e->out[i].iov_len) {
			sink ^= p[e->out[i].iov_len - 1];
		}
	}
	for (unsigned i = 0; i < e->in_num; i++) {
		memset(e->in[i].iov_base, 0xa5, e->in[i].iov_len);
		written += e->in[i].iov_len;
	}
	(void)sink;
	return written > UINT32_MAX ? UINT32_MAX : (uint32_t)written;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_vring *st = fuzz_state();
	if (st->fd < 0) {
		return 0;
	}
	struct fuzz_in in = {data, size};
	unsigned log2 = fuzz_u8(&in) % 9;
	uint8_t feat = fuzz_u8(&in);
	struct vug_mem mem;
	vug_mem_init(&mem);
	struct vhost_user_mem_region a = {0, RAM / 2, UVA_BASE, RAM / 2};
	struct vhost_user_mem_region b = {RAM / 2, RAM / 2, UVA_BASE + RAM / 2, 0};
	struct vug_vring vr;
	if (vug_mem_add(&mem, &a, st->fd) != 0 || vug_mem_add(&mem, &b, st->fd) != 0 ||
	    !vug_vring_init(&vr)) {
		vug_mem_finish(&mem);
		return 0;
	}
	uint8_t *ram = vug_mem_gpa(&mem, 0, RAM / 2);
	memset(ram, 0, RAM / 2);
	memset(vug_mem_gpa(&mem, RAM / 2, RAM / 2), 0, RAM / 2);
	size_t n = in.n < RAM / 2 - RING_GPA ? in.n : RAM / 2 - RING_GPA;
	memcpy(ram + RING_GPA, in.p, n);

	vr.num = 1u << log2;
	vr.desc_uva = UVA_BASE + RING_GPA;
	vr.avail_uva = UVA_BASE + 2 * RING_GPA;
	vr.used_uva = UVA_BASE + 3 * RING_GPA;
	vr.addr_set = true;
	vr.started = vr.enabled = true;
	vr.event_idx = feat & 1;
	vr.indirect_ok = feat & 2;
	if (vug_vring_map(&vr, &mem)) {
		for (unsigned i = 0; i < MAX_POPS; i++) {
			struct vug_vring_elem *e = NULL;
			const char *why = NULL;
			if (vug_vring_pop(&vr, &mem, &e, &why) != 1) {
				break;
			}
			uint32_t len = touch(e);
			if (i & 1) {
				vug_vring_elem_free(e);
			} else {
				vug_vring_push(&vr, e, len);
				vug_vring_should_notify(&vr);
			}
		}
	}
	vug_vring_finish(&vr);
	vug_mem_finish(&mem);
	return 0;
}
