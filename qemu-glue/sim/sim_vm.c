/* pvgpu-sim — the vhost-user front end and QEMU's side of the display channel. */
#include "sim_vm.h"

#include <errno.h>
#include <linux/virtio_gpu.h>
#include <poll.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim_display.h"
#include "vug_msg.h"

#define HIGH_GPA 0x100000000ull /* QEMU puts RAM above the PCI hole at 4 GiB */

struct sim_vq {
	uint32_t num;
	struct vgp_vring_desc *desc;
	struct vgp_vring_avail *avail;
	struct vgp_vring_used *used;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t avail_idx, last_used;
	uint16_t *free_stack; /* free descriptor slots */
	uint32_t nfree;
	uint16_t *chain_len; /* slots used by the chain at each head */
	int kick_fd, call_fd, err_fd;
};

struct sim_vm {
	struct sim_vm_options o;
	int fd, backend_req_fd;
	int memfd;
	uint8_t *ram;
	uint64_t low_size, high_size;
	uint64_t high_next;  /* bump allocator offset inside the high region */
	uint64_t rings_next; /* allocator for rings in the low region */
	uint64_t features, protocol_features;
	struct sim_vq vqs[SIM_NUM_QUEUES];
	struct sim_display dpy;
	bool dead;
};

/* ------------------------------------------------------------ guest RAM */

void *
sim_gpa_ptr(struct sim_vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa < vm->low_size && len <= vm->low_size - gpa) {
		return vm->ram + gpa;
	}
	if (gpa >= HIGH_GPA && gpa - HIGH_GPA < vm->high_size &&
	    len <= vm->high_size - (gpa - HIGH_GPA)) {
		return vm->ram + vm->low_size + (gpa - HIGH_GPA);
	}
	return NULL;
}

uint64_t
sim_bad_gpa(const struct sim_vm *vm)
{
	return HIGH_GPA + vm->high_size + 0x10000;
}

void *
sim_alloc(struct sim_vm *vm, uint64_t size, uint64_t *gpa)
{
	uint64_t at = (vm->high_next + 63) & ~63ull;
	if (size > vm->high_size || at > vm->high_size - size) {
		return NULL;
	}
	vm->high_next = at + size;
	*gpa = HIGH_GPA + at;
	return vm->ram + vm->low_size + at;
}

uint64_t
sim_alloc_mark(const struct sim_vm *vm)
{
	return vm->high_next;
}

void
sim_alloc_release(struct sim_vm *vm, uint64_t mark)
{
	if (mark <= vm->high_next) {
		vm->high_next = mark;
	}
}

/* Rings live in the low region, aligned to 4 KiB. */
static void *
alloc_low(struct sim_vm *vm, uint64_t size, uint64_t *gpa)
{
	uint64_t at = (vm->rings_next + 4095) & ~4095ull;
	if (at + size > vm->low_size) {
		return NULL;
	}
	vm->rings_next = at + size;
	*gpa = at;
	return vm->ram + at;
}

/* The front end's "virtual address" of a gpa: our own mapping, as QEMU does. */
static uint64_t
gpa_to_uva(const struct sim_vm *vm, uint64_t gpa)
{
	uint64_t off = gpa >= HIGH_GPA ? vm->low_size + (gpa - HIGH_GPA) : gpa;
	return (uint64_t)(uintptr_t)(vm->ram + off);
}

/* Polls the vhost socket (when `want_socket`), the display channel and the
 * call eventfd of queue `q` (or none when q < 0). Returns the poll revents
 * mask: 1 socket readable, 2 call fired; 0 on timeout; -1 if the back end left. */
static int
serve_until(struct sim_vm *vm, bool want_socket, int q, int timeout_ms)
{
	for (;;) {
		struct pollfd p[3] = {
			{.fd = want_socket ? vm->fd : -1, .events = POLLIN},
			{.fd = vm->dpy.fd, .events = POLLIN},
			{.fd = q >= 0 ? vm->vqs[q].call_fd : -1, .events = POLLIN},
		};
		int n = poll(p, 3, timeout_ms);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return 0;
		}
		if (p[1].revents) {
			sim_display_handle(&vm->dpy);
		}
		int got = 0;
		if (p[0].revents & POLLIN) {
			got |= 1;
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			vm->dead = true;
			return -1;
		}
		if (p[2].revents & POLLIN) {
			uint64_t v;
			ssize_t r = read(vm->vqs[q].call_fd, &v, sizeof(v));
			(void)r;
			got |= 2;
		}
		if (got) {
			return got;
		}
	}
}

void
sim_display_drain(struct sim_vm *vm, int quiet_ms)
{
	while (vm->dpy.fd >= 0) {
		struct pollfd p = {.fd = vm->dpy.fd, .events = POLLIN};
		if (poll(&p, 1, quiet_ms) <= 0) {
			return;
		}
		if (!sim_display_handle(&vm->dpy)) {
			return;
		}
	}
}

const struct sim_fb *
sim_display_fb(const struct sim_vm *vm, uint32_t scanout)
{
	return scanout < SIM_MAX_SCANOUTS ? &vm->dpy.fbs[scanout] : NULL;
}

const struct sim_cursor *
sim_display_cursor(const struct sim_vm *vm, uint32_t scanout)
{
	return scanout < SIM_MAX_SCANOUTS ? &vm->dpy.cursors[scanout] : NULL;
}

/* ------------------------------------------------------------ vhost-user front end */

static bool
has_proto(const struct sim_vm *vm, unsigned bit)
{
	return vm->protocol_features & (1ull << bit);
}

/* Sends a request; when it has no reply of its own and REPLY_ACK is on, asks
 * for (and checks) the ack like QEMU does. */
static bool
request(struct sim_vm *vm, uint32_t req, const void *payload, uint32_t size, const int *fds,
	unsigned nfds)
{
	bool ack = has_proto(vm, VHOST_USER_PROTOCOL_F_REPLY_ACK);
	uint32_t flags = VHOST_USER_VERSION | (ack ? VHOST_USER_NEED_REPLY_MASK : 0);
	if (!vug_msg_send(vm->fd, req, flags, payload, size, fds, nfds)) {
		return false;
	}
	if (!ack) {
		return true;
	}
	struct vhost_user_hdr h;
	uint64_t v;
	if (serve_until(vm, true, -1, vm->o.timeout_ms) != 1 ||
	    !vug_read_full(vm->fd, &h, sizeof(h)) || h.request != req || h.size != 8 ||
	    !vug_read_full(vm->fd, &v, 8)) {
		fprintf(stderr, "pvgpu-sim: no ack for request %u\n", req);
		return false;
	}
	if (v != 0) {
		fprintf(stderr, "pvgpu-sim: back end refused request %u\n", req);
	}
	return v == 0;
}

/* A request with its own reply of `size` bytes. */
static bool
query(struct sim_vm *vm, uint32_t req, const void *payload, uint32_t psize, void *out,
      uint32_t size)
{
	struct vhost_user_hdr h;
	if (!vug_msg_send(vm->fd, req, VHOST_USER_VERSION, payload, psize, NULL, 0) ||
	    serve_until(vm, true, -1, vm->o.timeout_ms) != 1 ||
	    !vug_read_full(vm->fd, &h, sizeof(h))) {
		return false;
	}
	if (h.request != req || !(h.flags & VHOST_USER_REPLY_MASK) || h.size != size) {
		fprintf(stderr, "pvgpu-sim: bad reply to request %u (size %u)\n", req, h.size);
		return false;
	}
	return vug_read_full(vm->fd, out, size);
}

static bool
query_u64(struct sim_vm *vm, uint32_t req, uint64_t *v)
{
	return query(vm, req, NULL, 0, v, sizeof(*v));
}

static bool
send_vring_fd(struct sim_vm *vm, uint32_t req, unsigned q, int fd)
{
	uint64_t v = q;
	return request(vm, req, &v, sizeof(v), &fd, 1);
}

static bool
send_state(struct sim_vm *vm, uint32_t req, unsigned q, uint32_t num)
{
	struct vhost_user_vring_state st = {.index = q, .num = num};
	return request(vm, req, &st, sizeof(st), NULL, 0);
}

static bool
vq_layout(struct sim_vm *vm, unsigned q, uint32_t num)
{
	struct sim_vq *vq = &vm->vqs[q];
	vq->num = num;
	vq->desc = alloc_low(vm, VGP_VRING_DESC_BYTES(num), &vq->desc_gpa);
	vq->avail = alloc_low(vm, VGP_VRING_AVAIL_BYTES(num), &vq->avail_gpa);
	vq->used = alloc_low(vm, VGP_VRING_USED_BYTES(num), &vq->used_gpa);
	vq->free_stack = calloc(num, sizeof(uint16_t));
	vq->chain_len = calloc(num, sizeof(uint16_t));
	if (!vq->desc || !vq->avail || !vq->used || !vq->free_stack || !vq->chain_len) {
		return false;
	}
	for (uint32_t i = 0; i < num; i++) {
		vq->free_stack[i] = (uint16_t)(num - 1 - i);
	}
	vq->nfree = num;
	vq->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->err_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return vq->kick_fd >= 0 && vq->call_fd >= 0 && vq->err_fd >= 0;
}

static bool
add_memory(struct sim_vm *vm)
{
	struct vhost_user_mem_region regs[2] = {
		{.guest_phys_addr = 0, .memory_size = vm->low_size, .mmap_offset = 0},
		{.guest_phys_addr = HIGH_GPA,
		 .memory_size = vm->high_size,
		 .mmap_offset = vm->low_size},
	};
	regs[0].userspace_addr = gpa_to_uva(vm, 0);
	regs[1].userspace_addr = gpa_to_uva(vm, HIGH_GPA);
	if (has_proto(vm, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) && !vm->o.mem_table) {
		for (unsigned i = 0; i < 2; i++) {
			struct vhost_user_mem_reg_msg m = {.region = regs[i]};
			if (!request(vm, VHOST_USER_ADD_MEM_REG, &m, sizeof(m), &vm->memfd, 1)) {
				return false;
			}
		}
		return true;
	}
	struct {
		struct vhost_user_mem_table_hdr h;
		struct vhost_user_mem_region r[2];
	} __attribute__((packed)) t = {.h = {.nregions = 2}, .r = {regs[0], regs[1]}};
	int fds[2] = {vm->memfd, vm->memfd};
	return request(vm, VHOST_USER_SET_MEM_TABLE, &t, sizeof(t), fds, 2);
}

static bool
start_queue(struct sim_vm *vm, unsigned q)
{
	struct sim_vq *vq = &vm->vqs[q];
	struct vhost_user_vring_addr a = {
		.index = q,
		.desc_user_addr = gpa_to_uva(vm, vq->desc_gpa),
		.used_user_addr = gpa_to_uva(vm, vq->used_gpa),
		.avail_user_addr = gpa_to_uva(vm, vq->avail_gpa),
	};
	return send_state(vm, VHOST_USER_SET_VRING_NUM, q, vq->num) &&
	       send_state(vm, VHOST_USER_SET_VRING_BASE, q, 0) &&
	       request(vm, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) &&
	       send_vring_fd(vm, VHOST_USER_SET_VRING_KICK, q, vq->kick_fd);
}

#define FAIL(msg)             \
	do {                  \
		*why = (msg); \
		goto err;     \
	} while (0)

struct sim_vm *
sim_vm_create(int fd, const struct sim_vm_options *o, const char **why)
{
	struct sim_vm *vm = calloc(1, sizeof(*vm));
	if (!vm) {
		close(fd);
		*why = "out of memory";
		return NULL;
	}
	vm->o = *o;
	vm->fd = fd;
	vm->backend_req_fd = -1;
	sim_display_init(&vm->dpy, o->scanouts, o->width, o->height);
	for (unsigned q = 0; q < SIM_NUM_QUEUES; q++) {
		vm->vqs[q].kick_fd = vm->vqs[q].call_fd = vm->vqs[q].err_fd = -1;
	}
	/* Guest RAM: a shared memfd, a quarter below 4 GiB for the rings. */
	uint64_t ram = o->ram_size & ~0xfffffull;
	vm->low_size = ram / 4;
	vm->high_size = ram - vm->low_size;
	vm->memfd = memfd_create("pvgpu-sim-ram", MFD_CLOEXEC);
	if (vm->memfd < 0 || ftruncate(vm->memfd, (off_t)ram) < 0) {
		FAIL("cannot create guest RAM");
	}
	vm->ram = mmap(NULL, ram, PROT_READ | PROT_WRITE, MAP_SHARED, vm->memfd, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		FAIL("cannot map guest RAM");
	}

	/* The start-up sequence QEMU 10 sends (vhost-user-observed.md). */
	uint64_t offer, poffer, v;
	if (!query_u64(vm, VHOST_USER_GET_FEATURES, &offer)) {
		FAIL("GET_FEATURES");
	}
	if (!(offer & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)) ||
	    !query_u64(vm, VHOST_USER_GET_PROTOCOL_FEATURES, &poffer)) {
		FAIL("GET_PROTOCOL_FEATURES");
	}
	uint64_t pwant = (1ull << VHOST_USER_PROTOCOL_F_MQ) |
			 (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |
			 (1ull << VHOST_USER_PROTOCOL_F_BACKEND_REQ) |
			 (1ull << VHOST_USER_PROTOCOL_F_CONFIG) |
			 (1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS);
	uint64_t pset = poffer & pwant;
	if (!request(vm, VHOST_USER_SET_PROTOCOL_FEATURES, &pset, 8, NULL, 0)) {
		FAIL("SET_PROTOCOL_FEATURES");
	}
	vm->protocol_features = pset;
	if (has_proto(vm, VHOST_USER_PROTOCOL_F_MQ) &&
	    (!query_u64(vm, VHOST_USER_GET_QUEUE_NUM, &v) || v < SIM_NUM_QUEUES)) {
		FAIL("GET_QUEUE_NUM");
	}
	if (has_proto(vm, VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) &&
	    (!query_u64(vm, VHOST_USER_GET_MAX_MEM_SLOTS, &v) || v < 2)) {
		FAIL("GET_MAX_MEM_SLOTS");
	}
	if (has_proto(vm, VHOST_USER_PROTOCOL_F_BACKEND_REQ)) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
			FAIL("socketpair");
		}
		vm->backend_req_fd = sv[0];
		bool ok = request(vm, VHOST_USER_SET_BACKEND_REQ_FD, NULL, 0, &sv[1], 1);
		close(sv[1]);
		if (!ok) {
			FAIL("SET_BACKEND_REQ_FD");
		}
	}
	if (!request(vm, VHOST_USER_SET_OWNER, NULL, 0, NULL, 0) ||
	    !query_u64(vm, VHOST_USER_GET_FEATURES, &offer)) {
		FAIL("SET_OWNER");
	}
	if (!vq_layout(vm, SIM_CTRLQ, o->ctrl_num) || !vq_layout(vm, SIM_CURSORQ, o->cursor_num)) {
		FAIL("ring layout");
	}
	for (unsigned q = 0; q < SIM_NUM_QUEUES; q++) {
		if (!send_vring_fd(vm, VHOST_USER_SET_VRING_CALL, q, vm->vqs[q].call_fd) ||
		    !send_vring_fd(vm, VHOST_USER_SET_VRING_ERR, q, vm->vqs[q].err_fd)) {
			FAIL("SET_VRING_CALL/ERR");
		}
	}
	/* The guest driver loads: config, display channel, features, memory. */
	if (has_proto(vm, VHOST_USER_PROTOCOL_F_CONFIG)) {
		struct {
			struct vhost_user_config_hdr h;
			struct virtio_gpu_config c;
		} __attribute__((packed)) cfg = {.h = {.offset = 0, .size = sizeof(cfg.c)}}, got;
		if (!query(vm, VHOST_USER_GET_CONFIG, &cfg, sizeof(cfg), &got, sizeof(got))) {
			FAIL("GET_CONFIG");
		}
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		FAIL("socketpair");
	}
	vm->dpy.fd = sv[0];
	bool ok = request(vm, VHOST_USER_GPU_SET_SOCKET, NULL, 0, &sv[1], 1);
	close(sv[1]);
	if (!ok) {
		FAIL("GPU_SET_SOCKET");
	}
	uint64_t want = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
			(1ull << VIRTIO_RING_F_EVENT_IDX) |
			(1ull << VHOST_USER_F_PROTOCOL_FEATURES) | (1ull << VIRTIO_GPU_F_EDID);
	want |= o->gpu_features;
	vm->features = offer & want;
	uint64_t fset = vm->features | (o->ring_reset_bit ? 1ull << VIRTIO_F_RING_RESET : 0);
	if (!request(vm, VHOST_USER_SET_FEATURES, &fset, 8, NULL, 0)) {
		FAIL("SET_FEATURES");
	}
	if (!add_memory(vm)) {
		FAIL("memory table");
	}
	for (unsigned q = 0; q < SIM_NUM_QUEUES; q++) {
		if (!start_queue(vm, q)) {
			FAIL("ring setup");
		}
	}
	for (unsigned q = 0; q < SIM_NUM_QUEUES; q++) {
		if (!send_state(vm, VHOST_USER_SET_VRING_ENABLE, q, 1)) {
			FAIL("SET_VRING_ENABLE");
		}
	}
	for (unsigned q = 0; q < SIM_NUM_QUEUES; q++) {
		if (!send_vring_fd(vm, VHOST_USER_SET_VRING_CALL, q, vm->vqs[q].call_fd)) {
			FAIL("SET_VRING_CALL");
		}
	}
	return vm;

err:
	sim_vm_destroy(vm);
	return NULL;
}

void
sim_vm_destroy(struct sim_vm *vm)
{
	if (!vm) {
		return;
	}
	if (!vm->dead && vm->vqs[0].num) {
		/* QEMU's shutdown: disable, then fetch each ring's base. */
		for (unsigned q = 0; q < SIM_NUM_QUEUES; q++) {
			struct vhost_user_vring_state st = {.index = q}, got;
			send_state(vm, VHOST_USER_SET_VRING_ENABLE, q, 0);
			query(vm, VHOST_USER_GET_VRING_BASE, &st, sizeof(st), &got, sizeof(got));
		}
	}
	for (unsigned q = 0; q < SIM_NUM_QUEUES; q++) {
		struct sim_vq *vq = &vm->vqs[q];
		free(vq->free_stack);
		free(vq->chain_len);
		int fds[3] = {vq->kick_fd, vq->call_fd, vq->err_fd};
		for (unsigned i = 0; i < 3; i++) {
			if (fds[i] >= 0) {
				close(fds[i]);
			}
		}
	}
	sim_display_finish(&vm->dpy);
	int fds[3] = {vm->fd, vm->backend_req_fd, vm->memfd};
	for (unsigned i = 0; i < 3; i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
		}
	}
	if (vm->ram) {
		munmap(vm->ram, vm->low_size + vm->high_size);
	}
	free(vm);
}

bool
sim_vm_alive(struct sim_vm *vm)
{
	if (vm->dead) {
		return false;
	}
	struct pollfd p = {.fd = vm->fd, .events = POLLIN};
	if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR))) {
		vm->dead = true;
	}
	return !vm->dead;
}

uint64_t
sim_vm_features(const struct sim_vm *vm)
{
	return vm->features;
}

uint64_t
sim_vm_protocol_features(const struct sim_vm *vm)
{
	return vm->protocol_features;
}

/* ------------------------------------------------------------ rings, driver side */

static void
kick(struct sim_vq *vq)
{
	uint64_t one = 1;
	ssize_t r = write(vq->kick_fd, &one, sizeof(one));
	(void)r;
}

static void
publish(struct sim_vq *vq, uint16_t head, uint16_t step)
{
	__atomic_store_n(&vq->avail->ring[vq->avail_idx % vq->num], head, __ATOMIC_RELAXED);
	/* Descriptors and the ring entry before the index (virtio §2.7.13). */
	atomic_thread_fence(memory_order_release);
	vq->avail_idx = (uint16_t)(vq->avail_idx + step);
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELAXED);
	atomic_thread_fence(memory_order_seq_cst);
	kick(vq);
}

int
sim_vq_submit(struct sim_vm *vm, unsigned q, const struct sim_seg *segs, unsigned n, bool indirect)
{
	struct sim_vq *vq = &vm->vqs[q];
	unsigned slots = indirect ? 1 : n;
	if (n == 0 || vq->nfree < slots) {
		return -1;
	}
	uint16_t head = 0;
	if (indirect) {
		uint64_t tgpa;
		struct vgp_vring_desc *t = sim_alloc(vm, (uint64_t)n * sizeof(*t), &tgpa);
		if (!t) {
			return -1;
		}
		for (unsigned i = 0; i < n; i++) {
			t[i] = (struct vgp_vring_desc){
				.addr = segs[i].gpa,
				.len = segs[i].len,
				.flags = (uint16_t)((segs[i].write ? VGP_VRING_DESC_F_WRITE : 0) |
						    (i + 1 < n ? VGP_VRING_DESC_F_NEXT : 0)),
				.next = (uint16_t)(i + 1),
			};
		}
		head = vq->free_stack[--vq->nfree];
		vq->desc[head] = (struct vgp_vring_desc){.addr = tgpa,
							 .len = n * (uint32_t)sizeof(*t),
							 .flags = VGP_VRING_DESC_F_INDIRECT};
		vq->chain_len[head] = 1;
	} else {
		uint16_t idx[1024];
		if (n > 1024) {
			return -1;
		}
		for (unsigned i = 0; i < n; i++) {
			idx[i] = vq->free_stack[--vq->nfree];
		}
		for (unsigned i = 0; i < n; i++) {
			vq->desc[idx[i]] = (struct vgp_vring_desc){
				.addr = segs[i].gpa,
				.len = segs[i].len,
				.flags = (uint16_t)((segs[i].write ? VGP_VRING_DESC_F_WRITE : 0) |
						    (i + 1 < n ? VGP_VRING_DESC_F_NEXT : 0)),
				.next = i + 1 < n ? idx[i + 1] : 0,
			};
		}
		head = idx[0];
		vq->chain_len[head] = (uint16_t)n;
	}
	publish(vq, head, 1);
	return head;
}

void
sim_vq_submit_raw(struct sim_vm *vm, unsigned q, const struct vgp_vring_desc *descs, unsigned first,
		  unsigned n, uint16_t head, uint16_t idx_step)
{
	struct sim_vq *vq = &vm->vqs[q];
	for (unsigned i = 0; i < n && first + i < vq->num; i++) {
		vq->desc[first + i] = descs[i];
	}
	vq->nfree = 0; /* the free list no longer describes the table */
	publish(vq, head, idx_step);
}

/* Returns a finished chain's slots to the free list. */
static void
reclaim(struct sim_vm *vm, struct sim_vq *vq, uint32_t head)
{
	if (head >= vq->num || vq->nfree == vq->num) {
		return;
	}
	uint16_t i = (uint16_t)head;
	for (unsigned k = 0; k < vq->chain_len[head] && vq->nfree < vq->num; k++) {
		vq->free_stack[vq->nfree++] = i;
		i = vq->desc[i].next;
	}
	(void)vm;
}

int
sim_vq_wait(struct sim_vm *vm, unsigned q, int timeout_ms, uint32_t *id, uint32_t *len)
{
	struct sim_vq *vq = &vm->vqs[q];
	for (;;) {
		uint16_t used = __atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED);
		if (used != vq->last_used) {
			atomic_thread_fence(memory_order_acquire);
			struct vgp_vring_used_elem e;
			memcpy(&e, &vq->used->ring[vq->last_used % vq->num], sizeof(e));
			vq->last_used++;
			if (vm->features & (1ull << VIRTIO_RING_F_EVENT_IDX)) {
				/* Interrupt me on the next completion. */
				__atomic_store_n(&vq->avail->ring[vq->num], vq->last_used,
						 __ATOMIC_RELAXED);
				atomic_thread_fence(memory_order_seq_cst);
			}
			reclaim(vm, vq, e.id);
			*id = e.id;
			*len = e.len;
			return 1;
		}
		int r = serve_until(vm, true, (int)q, timeout_ms);
		if (r < 0) {
			return -1;
		}
		if (r == 0) {
			return 0;
		}
		if (r & 1) {
			/* The back end never speaks first on this socket: EOF or a
			 * protocol error, either way this VM is over. */
			vm->dead = true;
			return -1;
		}
	}
}

int
sim_cmd(struct sim_vm *vm, unsigned q, const void *req, uint32_t req_len, void *resp,
	uint32_t resp_len)
{
	uint64_t mark = sim_alloc_mark(vm);
	uint64_t rgpa = 0, sgpa = 0;
	void *r = sim_alloc(vm, req_len, &rgpa);
	void *s = resp_len ? sim_alloc(vm, resp_len, &sgpa) : NULL;
	if (!r || (resp_len && !s)) {
		sim_alloc_release(vm, mark);
		return -1;
	}
	memcpy(r, req, req_len);
	if (s) {
		memset(s, 0, resp_len);
	}
	struct sim_seg segs[2] = {{rgpa, req_len, false}, {sgpa, resp_len, true}};
	int head = sim_vq_submit(vm, q, segs, resp_len ? 2 : 1, false);
	int ret = -1;
	uint32_t id, len;
	if (head >= 0 && sim_vq_wait(vm, q, vm->o.timeout_ms, &id, &len) == 1 &&
	    id == (uint32_t)head) {
		if (s) {
			memcpy(resp, s, len < resp_len ? len : resp_len);
		}
		ret = (int)len;
	}
	sim_alloc_release(vm, mark);
	return ret;
}

bool
sim_vm_get_config(struct sim_vm *vm, struct virtio_gpu_config *cfg)
{
	struct {
		struct vhost_user_config_hdr h;
		struct virtio_gpu_config c;
	} __attribute__((packed)) req = {.h = {.offset = 0, .size = sizeof(req.c)}}, got;
	if (!query(vm, VHOST_USER_GET_CONFIG, &req, sizeof(req), &got, sizeof(got))) {
		return false;
	}
	*cfg = got.c;
	return true;
}

bool
sim_vm_clear_events(struct sim_vm *vm, uint32_t events)
{
	struct {
		struct vhost_user_config_hdr h;
		uint32_t events_clear;
	} __attribute__((packed)) req = {
		.h = {.offset = offsetof(struct virtio_gpu_config, events_clear), .size = 4},
		.events_clear = events,
	};
	return request(vm, VHOST_USER_SET_CONFIG, &req, sizeof(req), NULL, 0);
}
