/* pvgpu-vtest — buffered input from a socket or from memory (see vtest_input.h). */
#include "vtest_input.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

void
vt_input_init_fd(struct vt_input *in, int fd, int abort_fd, void *buf, size_t cap)
{
	assert(fd >= 0 && buf && cap >= 4096);
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->abort_fd = abort_fd;
	in->buf = buf;
	in->cap = cap;
}

void
vt_input_init_mem(struct vt_input *in, const void *data, size_t size)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->abort_fd = -1;
	/* Never written in memory mode; the cast only lets both modes share `buf`. */
	in->buf = (uint8_t *)data;
	in->cap = size;
	in->tail = size;
}

/* Waits until the socket is readable; -ECANCELED if abort_fd fired first. */
static int
wait_readable(struct vt_input *in)
{
	if (in->abort_fd < 0) {
		return 0;
	}
	struct pollfd pfd[2] = {
		{.fd = in->fd, .events = POLLIN},
		{.fd = in->abort_fd, .events = POLLIN},
	};
	for (;;) {
		int r = poll(pfd, 2, -1);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			return -errno;
		}
		if (pfd[1].revents) {
			return -ECANCELED;
		}
		return 0;
	}
}

/* One read(2) into dst; returns bytes (0 = EOF) or a negative errno. */
static ssize_t
read_some(struct vt_input *in, void *dst, size_t n)
{
	if (in->before_block) {
		in->before_block(in->before_block_data);
	}
	int w = wait_readable(in);
	if (w < 0) {
		return w;
	}
	for (;;) {
		ssize_t r = read(in->fd, dst, n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			/* A peer that vanished mid-stream is an end of input, not a host error. */
			return errno == ECONNRESET ? 0 : -errno;
		}
		return r;
	}
}

ssize_t
vt_input_read(struct vt_input *in, void *dst, size_t n)
{
	uint8_t *out = dst;
	size_t done = 0;
	while (done < n) {
		size_t avail = in->tail - in->head;
		if (avail) {
			size_t take = avail < n - done ? avail : n - done;
			memcpy(out + done, in->buf + in->head, take);
			in->bytes_copied += take;
			in->head += take;
			done += take;
			continue;
		}
		if (in->fd < 0) {
			break; /* memory exhausted */
		}
		size_t want = n - done;
		ssize_t r;
		if (want >= in->cap / 2) {
			/* Big payloads (SUBMIT, inline transfers) go straight to the caller's
			 * buffer: one copy fewer than staging them in ours. */
			r = read_some(in, out + done, want);
			if (r > 0) {
				done += (size_t)r;
			}
		} else {
			in->head = in->tail = 0;
			r = read_some(in, in->buf, in->cap);
			if (r > 0) {
				in->tail = (size_t)r;
			}
		}
		if (r < 0) {
			return r;
		}
		if (r == 0) {
			break;
		}
	}
	in->bytes_read += done;
	return (ssize_t)done;
}

const void *
vt_input_get(struct vt_input *in, size_t n)
{
	if (in->tail - in->head < n || ((uintptr_t)(in->buf + in->head) & 3)) {
		return NULL;
	}
	const void *p = in->buf + in->head;
	in->head += n;
	in->bytes_read += n;
	return p;
}
