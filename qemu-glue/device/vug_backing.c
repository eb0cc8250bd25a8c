/*
 * pvgpu qemu-glue — guest backing entries (ATTACH_BACKING, CREATE_BLOB) turned
 * into host iovecs over the guest's pages, used in place.
 */
#include <stdlib.h>
#include <string.h>

#include "vug_priv.h"

struct span {
	uint64_t addr, len;
	unsigned index;
};

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * Two entries naming the same guest page would let one resource's writes show
 * up in another part of itself (and make transfers order-dependent); the spec
 * does not allow it, so we refuse overlapping entries outright.
 */
static bool
entries_disjoint(const struct virtio_gpu_mem_entry *e, uint32_t nr)
{
	struct span *s = malloc(sizeof(*s) * nr);
	if (!s) {
		return false;
	}
	for (uint32_t i = 0; i < nr; i++) {
		s[i] = (struct span){e[i].addr, e[i].length, i};
	}
	qsort(s, nr, sizeof(*s), span_cmp);
	bool ok = true;
	for (uint32_t i = 1; i < nr && ok; i++) {
		/* addr + len was checked for overflow by the caller. */
		ok = s[i - 1].addr + s[i - 1].len <= s[i].addr;
	}
	free(s);
	return ok;
}

uint32_t
vug_backing_from_entries(struct vug_gpu *gpu, const struct vug_req *req, size_t offset, uint32_t nr,
			 struct vug_backing *out)
{
	*out = (struct vug_backing){0};
	if (nr == 0 || nr > VUG_MAX_BACKING_ENTRIES) {
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	size_t bytes = (size_t)nr * sizeof(struct virtio_gpu_mem_entry);
	if (offset > req->out_len || req->out_len - offset < bytes) {
		return VIRTIO_GPU_RESP_ERR_UNSPEC; /* the entries are not in the request */
	}
	struct virtio_gpu_mem_entry *e = malloc(bytes);
	struct iovec *iov = malloc(sizeof(*iov) * nr);
	uint32_t err = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	if (!e || !iov) {
		goto err_free;
	}
	vug_iov_to_buf(req->out, req->nout, offset, e, bytes);
	err = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	uint64_t total = 0, end;
	unsigned n = 0;
	for (uint32_t i = 0; i < nr; i++) {
		if (e[i].length == 0 || __builtin_add_overflow(e[i].addr, e[i].length, &end) ||
		    __builtin_add_overflow(total, e[i].length, &total) ||
		    total > VUG_MAX_BACKING_SIZE) {
			goto err_free;
		}
		void *p = gpu->cfg.mem->map(gpu->cfg.mem_opaque, e[i].addr, e[i].length);
		if (!p) {
			goto err_free; /* outside guest RAM or across regions */
		}
		/* Adjacent host pieces become one: the renderer needs contiguous memory
		 * for zero-copy transfers, and contiguous guest RAM is the common case. */
		if (n && (uint8_t *)iov[n - 1].iov_base + iov[n - 1].iov_len == p) {
			iov[n - 1].iov_len += e[i].length;
		} else {
			iov[n++] = (struct iovec){p, e[i].length};
		}
	}
	if (!entries_disjoint(e, nr)) {
		goto err_free;
	}
	if (gpu->backing_pieces + n > VUG_MAX_BACKING_PIECES) {
		err = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
		goto err_free;
	}
	free(e);
	/* Keep only the merged pieces: a contiguous backing costs one iovec. */
	struct iovec *fit = realloc(iov, sizeof(*iov) * n);
	iov = fit ? fit : iov;
	gpu->backing_pieces += n;
	*out = (struct vug_backing){.iov = iov, .iov_count = n, .size = total};
	return 0;

err_free:
	free(e);
	free(iov);
	return err;
}

void
vug_backing_finish(struct vug_gpu *gpu, struct vug_backing *b)
{
	gpu->backing_pieces -= b->iov_count;
	free(b->iov);
	*b = (struct vug_backing){0};
}
