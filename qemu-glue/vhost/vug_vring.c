/* pvgpu qemu-glue — split virtqueue, device side: validated pop, used ring, interrupts. */
#include "vug_vring.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool
vug_vring_init(struct vug_vring *vr)
{
	memset(vr, 0, sizeof(*vr));
	vr->kick_fd = vr->call_fd = vr->err_fd = -1;
	vr->inflight.prev = vr->inflight.next = &vr->inflight;
	vr->scratch = calloc(VUG_VRING_MAX_IOV, sizeof(*vr->scratch));
	return vr->scratch != NULL;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

void
vug_vring_finish(struct vug_vring *vr)
{
	while (vr->inflight.next != &vr->inflight) {
		vug_vring_elem_free(vr->inflight.next);
	}
	close_fd(&vr->kick_fd);
	close_fd(&vr->call_fd);
	close_fd(&vr->err_fd);
	free(vr->scratch);
	vr->scratch = NULL;
}

bool
vug_vring_map(struct vug_vring *vr, const struct vug_mem *mem)
{
	vr->desc = NULL;
	vr->avail = NULL;
	vr->used = NULL;
	if (!vr->addr_set || vr->num == 0) {
		return false;
	}
	/* Alignment per virtio §2.7: descriptors 16, avail 2, used 4 bytes. */
	if ((vr->desc_uva & 15) || (vr->avail_uva & 1) || (vr->used_uva & 3)) {
		return false;
	}
	void *d = vug_mem_uva(mem, vr->desc_uva, VGP_VRING_DESC_BYTES(vr->num));
	void *a = vug_mem_uva(mem, vr->avail_uva, VGP_VRING_AVAIL_BYTES(vr->num));
	void *u = vug_mem_uva(mem, vr->used_uva, VGP_VRING_USED_BYTES(vr->num));
	if (!d || !a || !u) {
		return false;
	}
	/* The host mapping must be aligned too: a region whose front-end address
	 * or mmap offset is odd moves aligned guest addresses off alignment
	 * (found by fuzzing: a misaligned used ring). */
	if (((uintptr_t)d & 15) || ((uintptr_t)a & 1) || ((uintptr_t)u & 3)) {
		return false;
	}
	vr->desc = d;
	vr->avail = a;
	vr->used = u;
	return true;
}

/* Guest-shared 16-bit fields are read and written once, atomically, so the
 * compiler neither tears nor repeats the access. */
static uint16_t
load16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void
store16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static uint16_t *
used_event(struct vug_vring *vr)
{
	return &vr->avail->ring[vr->num];
}

static uint16_t *
avail_event(struct vug_vring *vr)
{
	return (uint16_t *)&vr->used->ring[vr->num];
}

static int
broken(struct vug_vring *vr, const char **why, const char *reason)
{
	vr->broken = true;
	*why = reason;
	return -EINVAL;
}

/* Appends the buffer [addr, addr+len) as one or more iovecs (it may span
 * regions). */
static bool
add_buffer(const struct vug_mem *mem, struct iovec *iov, unsigned *n, uint64_t addr, uint32_t len)
{
	uint64_t left = len;
	while (left) {
		uint64_t piece;
		void *p = vug_mem_gpa_piece(mem, addr, left, &piece);
		if (!p || *n == VUG_VRING_MAX_IOV) {
			return false;
		}
		iov[(*n)++] = (struct iovec){.iov_base = p, .iov_len = (size_t)piece};
		addr += piece;
		left -= piece;
	}
	return true;
}

/* Walks a chain starting at `head` in `table` (`size` entries), appending its
 * buffers to vr->scratch. */
static int
walk(struct vug_vring *vr, const struct vug_mem *mem, const struct vgp_vring_desc *table,
     uint32_t size, uint16_t head, bool indirect, unsigned *n, unsigned *out_num,
     uint64_t *in_bytes, const char **why)
{
	uint32_t i = head;
	/* A chain visits each descriptor of its table at most once: more steps
	 * than entries means a loop (virtio §2.7.5.2). */
	for (uint32_t steps = 0;; steps++) {
		if (i >= size) {
			return broken(vr, why, "descriptor index out of range");
		}
		if (steps >= size) {
			return broken(vr, why, "descriptor chain loops");
		}
		struct vgp_vring_desc d;
		memcpy(&d, &table[i], sizeof(d)); /* one snapshot: the guest may rewrite it */
		if (d.flags & VGP_VRING_DESC_F_INDIRECT) {
			if (indirect) {
				return broken(vr, why, "nested indirect descriptor");
			}
			if (!vr->indirect_ok) {
				return broken(vr, why, "indirect descriptor not negotiated");
			}
			if (i != head || (d.flags & VGP_VRING_DESC_F_NEXT)) {
				return broken(vr, why, "indirect descriptor inside a chain");
			}
			if (d.len == 0 || d.len % sizeof(struct vgp_vring_desc) ||
			    d.len / sizeof(struct vgp_vring_desc) > VUG_VRING_MAX_IOV) {
				return broken(vr, why, "bad indirect table length");
			}
			const struct vgp_vring_desc *t = vug_mem_gpa(mem, d.addr, d.len);
			if (!t || ((uintptr_t)t & 15)) {
				return broken(vr, why, "indirect table outside guest memory");
			}
			return walk(vr, mem, t, d.len / sizeof(struct vgp_vring_desc), 0, true, n,
				    out_num, in_bytes, why);
		}
		if (d.len == 0) {
			return broken(vr, why, "zero-length descriptor");
		}
		bool writable = d.flags & VGP_VRING_DESC_F_WRITE;
		if (!writable && *n != *out_num) {
			return broken(vr, why, "readable descriptor after a writable one");
		}
		if (!add_buffer(mem, vr->scratch, n, d.addr, d.len)) {
			return broken(vr, why, "descriptor outside guest memory or chain too long");
		}
		if (writable) {
			*in_bytes += d.len;
		} else {
			*out_num = *n;
		}
		if (!(d.flags & VGP_VRING_DESC_F_NEXT)) {
			return 0;
		}
		i = d.next;
	}
}

int
vug_vring_pop(struct vug_vring *vr, const struct vug_mem *mem, struct vug_vring_elem **elem,
	      const char **why)
{
	*elem = NULL;
	*why = NULL;
	if (vr->broken || !vr->started || !vr->enabled || !vr->desc) {
		return 0;
	}
	uint16_t avail_idx = load16(&vr->avail->idx);
	if (avail_idx == vr->last_avail_idx) {
		return 0;
	}
	if ((uint16_t)(avail_idx - vr->last_avail_idx) > vr->num) {
		return broken(vr, why, "avail index moved by more than the ring size");
	}
	/* Read ring entries only after seeing the index that publishes them. */
	atomic_thread_fence(memory_order_acquire);
	uint16_t head = load16(&vr->avail->ring[vr->last_avail_idx % vr->num]);

	unsigned n = 0, out_num = 0;
	uint64_t in_bytes = 0;
	int r = walk(vr, mem, vr->desc, vr->num, head, false, &n, &out_num, &in_bytes, why);
	if (r < 0) {
		return r;
	}
	struct vug_vring_elem *e = malloc(sizeof(*e) + (size_t)n * sizeof(struct iovec));
	if (!e) {
		return -ENOMEM;
	}
	memcpy(e->iov, vr->scratch, (size_t)n * sizeof(struct iovec));
	e->ring = vr;
	e->gen = vr->gen;
	e->head = head;
	e->out_num = out_num;
	e->in_num = n - out_num;
	e->out = e->iov;
	e->in = e->iov + out_num;
	e->in_bytes = in_bytes;
	e->next = &vr->inflight;
	e->prev = vr->inflight.prev;
	e->prev->next = e;
	vr->inflight.prev = e;
	vr->inflight_count++;

	vr->last_avail_idx++;
	if (vr->event_idx) {
		/* Ask for a kick as soon as anything new arrives (virtio §2.7.10);
		 * the store must land before the next read of avail->idx. */
		store16(avail_event(vr), vr->last_avail_idx);
		atomic_thread_fence(memory_order_seq_cst);
	}
	*elem = e;
	return 1;
}

void
vug_vring_elem_free(struct vug_vring_elem *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->ring->inflight_count--;
	free(e);
}

void
vug_vring_push(struct vug_vring *vr, struct vug_vring_elem *e, uint32_t len)
{
	if (vr->started && e->gen == vr->gen && vr->used && !vr->broken) {
		if (len > e->in_bytes) {
			len = (uint32_t)e->in_bytes;
		}
		struct vgp_vring_used_elem *u = &vr->used->ring[vr->used_idx % vr->num];
		struct vgp_vring_used_elem v = {.id = e->head, .len = len};
		memcpy(u, &v, sizeof(v));
		/* The element must be visible before the index that publishes it. */
		atomic_thread_fence(memory_order_release);
		vr->used_idx++;
		store16(&vr->used->idx, vr->used_idx);
	}
	vug_vring_elem_free(e);
}

bool
vug_vring_should_notify(struct vug_vring *vr)
{
	if (!vr->used || vr->broken) {
		return false;
	}
	/* Our used-index store must be ordered before reading the guest's
	 * suppression fields (virtio §2.7.10, the "full barrier"). */
	atomic_thread_fence(memory_order_seq_cst);
	if (vr->notify_on_empty && vr->inflight_count == 0 &&
	    load16(&vr->avail->idx) == vr->last_avail_idx) {
		return true;
	}
	if (!vr->event_idx) {
		return !(load16(&vr->avail->flags) & VGP_VRING_AVAIL_F_NO_INTERRUPT);
	}
	uint16_t old = vr->signalled_used, now = vr->used_idx;
	bool valid = vr->signalled_used_valid;
	vr->signalled_used = now;
	vr->signalled_used_valid = true;
	return !valid || vgp_vring_need_event(load16(used_event(vr)), now, old);
}

bool
vug_vring_notify(struct vug_vring *vr)
{
	if (vr->call_fd < 0 || !vug_vring_should_notify(vr)) {
		return false;
	}
	uint64_t one = 1;
	/* A full eventfd counter only means an interrupt is already pending. */
	ssize_t r = write(vr->call_fd, &one, sizeof(one));
	(void)r;
	return true;
}
