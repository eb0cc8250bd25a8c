/*
 * pvgpu-vtest — where a connection's bytes come from.
 *
 * A vt_input hands out exactly the bytes asked for, either from a socket (read
 * in large chunks into a buffer so one read(2) usually covers several commands)
 * or from a memory block (a fuzzer or a unit test feeding a recorded stream).
 * The connection code never calls read(2) itself, so it can be driven from memory.
 *
 * Ownership: the input does not own the fd, the buffer or the memory block.
 * Threads: one input belongs to one connection, used by one thread.
 */
#ifndef VT_INPUT_H
#define VT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vt_input {
	int fd;       /* -1: memory mode */
	int abort_fd; /* -1, or an fd whose readability aborts a blocking read */
	uint8_t *buf; /* fd mode: receive buffer; memory mode: the data */
	size_t cap;   /* fd mode: buffer size */
	size_t head;  /* first unread byte */
	size_t tail;  /* end of valid bytes */
	/* Called right before the input would block in read(2): the connection
	 * flushes its batched replies there, so the client gets them before we wait. */
	void (*before_block)(void *data);
	void *before_block_data;
	uint64_t bytes_read;   /* total consumed, for stats */
	uint64_t bytes_copied; /* of those, memcpy'd out of our receive buffer (stats) */
};

/**
 * Reads from `fd` through `buf` (`cap` bytes, at least 4 KiB; a multiple of 4 keeps
 * the in-place fast path of vt_input_get aligned). `abort_fd` may be -1.
 */
void vt_input_init_fd(struct vt_input *in, int fd, int abort_fd, void *buf, size_t cap);

/** Serves the `size` bytes at `data` (not copied; must outlive the input), then EOF. */
void vt_input_init_mem(struct vt_input *in, const void *data, size_t size);

/**
 * Copies exactly `n` bytes into `dst`. Returns `n`, or the number of bytes copied
 * before end of input (0 .. n-1), or a negative errno (-EIO-like read failure,
 * -ECANCELED when abort_fd became readable).
 */
ssize_t vt_input_read(struct vt_input *in, void *dst, size_t n);

/**
 * Zero-copy fast path: when `n` bytes are already buffered and the first one is
 * 4-byte aligned, consumes them and returns a pointer valid until the next call
 * on this input. Otherwise returns NULL and consumes nothing (use vt_input_read).
 */
const void *vt_input_get(struct vt_input *in, size_t n);

/** Bytes available without blocking. */
static inline size_t
vt_input_buffered(const struct vt_input *in)
{
	return in->tail - in->head;
}

#endif /* VT_INPUT_H */
