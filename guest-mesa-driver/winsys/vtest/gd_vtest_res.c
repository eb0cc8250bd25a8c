/*
 * pvgpu guest driver — vtest winsys resources: RESOURCE_CREATE2 with a shared
 * memory fd, RESOURCE_UNREF, TRANSFER_PUT2/GET2, RESOURCE_BUSY_WAIT
 * (virgl-wire.md §1.3, §1.5-§1.7).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gd_vtest_priv.h"
#include "vgp_vtest.h"

static void
list_add(struct gd_vtest *vt, struct gd_vtest_res *r)
{
	r->prev = &vt->live;
	r->next = vt->live.next;
	vt->live.next->prev = r;
	vt->live.next = r;
}

static void
list_del(struct gd_vtest_res *r)
{
	r->prev->next = r->next;
	r->next->prev = r->prev;
}

static void
res_free(struct gd_vtest_res *r)
{
	if (r->base.map) {
		munmap(r->base.map, r->base.backing_size);
	}
	free(r);
}

/* Maps the server's memfd; it must really hold `size` bytes, or touching the
 * mapping past its end would SIGBUS us. */
static int
map_backing(struct gd_vtest *vt, int fd, size_t size, void **map)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size < 0 || (uint64_t)st.st_size < size) {
		return gd_vtest_malformed(vt);
	}
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		/* The server sent something we cannot map (not a memfd, read-only...). */
		return gd_vtest_malformed(vt);
	}
	*map = p;
	return 0;
}

int
gd_vtest_resource_create(struct gd_winsys *ws, const struct gd_resource_desc *desc,
			 size_t backing_size, struct gd_ws_res **out)
{
	struct gd_vtest *vt = gd_vtest(ws);
	*out = NULL;
	if (ws->status) {
		return ws->status;
	}
	/* RESOURCE_CREATE2 carries the backing size in one dword. */
	if (backing_size > UINT32_MAX) {
		return -EINVAL;
	}
	if (vt->next_handle == 0) {
		return -ENOSPC; /* the counter wrapped: handles are never reused */
	}
	struct gd_vtest_res *r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	uint32_t handle = vt->next_handle++;
	uint32_t p[VCMD_RES_CREATE2_SIZE] = {
		[VCMD_RES_CREATE_RES_HANDLE] = handle,
		[VCMD_RES_CREATE_TARGET] = desc->target,
		[VCMD_RES_CREATE_FORMAT] = desc->format,
		[VCMD_RES_CREATE_BIND] = desc->bind,
		[VCMD_RES_CREATE_WIDTH] = desc->width,
		[VCMD_RES_CREATE_HEIGHT] = desc->height,
		[VCMD_RES_CREATE_DEPTH] = desc->depth,
		[VCMD_RES_CREATE_ARRAY_SIZE] = desc->array_size,
		[VCMD_RES_CREATE_LAST_LEVEL] = desc->last_level,
		[VCMD_RES_CREATE_NR_SAMPLES] = desc->nr_samples,
		[VCMD_RES_CREATE2_DATA_SIZE] = (uint32_t)backing_size,
	};
	int ret = gd_vtest_send_cmd(vt, VCMD_RES_CREATE2_SIZE, VCMD_RESOURCE_CREATE2, p,
				    VCMD_RES_CREATE2_SIZE);
	/* At v2 there is no reply; a server refusing the resource drops the connection,
	 * which the fd read below (or the next reply) reports as -ENOTCONN. */
	if (!ret && backing_size) {
		int fd;
		ret = gd_vtest_recv_fd(vt, &fd);
		if (!ret) {
			ret = map_backing(vt, fd, backing_size, &r->base.map);
			close(fd);
		}
	}
	if (ret) {
		free(r);
		return ret;
	}
	r->base.handle = handle;
	r->base.backing_size = backing_size;
	list_add(vt, r);
	*out = &r->base;
	return 0;
}

void
gd_vtest_resource_destroy(struct gd_winsys *ws, struct gd_ws_res *res)
{
	if (!res) {
		return;
	}
	struct gd_vtest *vt = gd_vtest(ws);
	struct gd_vtest_res *r = (struct gd_vtest_res *)res;
	/* A dead connection already freed everything on the server side. */
	uint32_t handle = res->handle;
	gd_vtest_send_cmd(vt, VCMD_RES_UNREF_SIZE, VCMD_RESOURCE_UNREF, &handle,
			  VCMD_RES_UNREF_SIZE);
	list_del(r);
	res_free(r);
}

void
gd_vtest_resource_release_all(struct gd_vtest *vt)
{
	while (vt->live.next != &vt->live) {
		struct gd_vtest_res *r = vt->live.next;
		list_del(r);
		res_free(r);
	}
}

int
gd_vtest_busy_wait(struct gd_vtest *vt, uint32_t handle, bool wait, bool *busy)
{
	uint32_t p[VCMD_BUSY_WAIT_SIZE] = {
		[VCMD_BUSY_WAIT_HANDLE] = handle,
		[VCMD_BUSY_WAIT_FLAGS] = wait ? VCMD_BUSY_WAIT_FLAG_WAIT : 0,
	};
	int ret = gd_vtest_send_cmd(vt, VCMD_BUSY_WAIT_SIZE, VCMD_RESOURCE_BUSY_WAIT, p,
				    VCMD_BUSY_WAIT_SIZE);
	uint32_t value = 0;
	if (!ret) {
		ret = gd_vtest_recv_dword(vt, VCMD_RESOURCE_BUSY_WAIT, &value);
	}
	if (ret) {
		return ret;
	}
	if (value > 1) {
		return gd_vtest_malformed(vt);
	}
	*busy = value != 0;
	/* The server answers for all submitted work (virgl-wire.md §1.7). */
	if (!*busy) {
		vt->completed = vt->submitted;
	}
	return 0;
}

/* A box the wire can carry: non-negative, each end inside int32 range. */
static bool
box_ok(const struct gd_box *b)
{
	int32_t end;
	return b->x >= 0 && b->y >= 0 && b->z >= 0 && b->w >= 0 && b->h >= 0 && b->d >= 0 &&
	       !__builtin_add_overflow(b->x, b->w, &end) &&
	       !__builtin_add_overflow(b->y, b->h, &end) &&
	       !__builtin_add_overflow(b->z, b->d, &end);
}

int
gd_vtest_transfer(struct gd_winsys *ws, struct gd_ws_res *res, uint32_t level,
		  const struct gd_box *box, uint64_t offset, bool to_host)
{
	struct gd_vtest *vt = gd_vtest(ws);
	if (ws->status) {
		return ws->status;
	}
	/* v2 transfers go through the shared memory: none means nothing to move. */
	if (!res->map || !box_ok(box) || offset >= res->backing_size) {
		return -EINVAL;
	}
	uint32_t p[VCMD_TRANSFER2_HDR_SIZE] = {
		[VCMD_TRANSFER2_RES_HANDLE] = res->handle,
		[VCMD_TRANSFER2_LEVEL] = level,
		[VCMD_TRANSFER2_X + 0] = (uint32_t)box->x,
		[VCMD_TRANSFER2_X + 1] = (uint32_t)box->y,
		[VCMD_TRANSFER2_X + 2] = (uint32_t)box->z,
		[VCMD_TRANSFER2_X + 3] = (uint32_t)box->w,
		[VCMD_TRANSFER2_X + 4] = (uint32_t)box->h,
		[VCMD_TRANSFER2_X + 5] = (uint32_t)box->d,
		/* Servers ignore data_size and use the level's tight pitch (virgl-wire.md
		 * §1.6); we send the bytes the mapping holds from `offset` on. */
		[VCMD_TRANSFER2_DATA_SIZE] = (uint32_t)(res->backing_size - offset),
		[VCMD_TRANSFER2_OFFSET] = (uint32_t)offset,
	};
	/* The length field is the fixed payload: PUT2's data is in shared memory. */
	int ret = gd_vtest_send_cmd(vt, VCMD_TRANSFER2_HDR_SIZE,
				    to_host ? VCMD_TRANSFER_PUT2 : VCMD_TRANSFER_GET2, p,
				    VCMD_TRANSFER2_HDR_SIZE);
	if (ret || to_host) {
		/* Uploads are ordered with later commands on the stream; the caller waits
		 * (fence_wait, resource_busy) before reusing the guest memory. */
		return ret;
	}
	/* GET2 has no reply: a waiting busy-wait returns once the server has handled
	 * it, so the mapping holds the data when we return (what Mesa does too). */
	bool busy;
	return gd_vtest_busy_wait(vt, res->handle, true, &busy);
}
