/* pvgpu — null backend internals shared by null_backend.c and null_ctx.c. */
#ifndef VR_NULL_PRIV_H
#define VR_NULL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vr_null.h"

struct null_backend {
	struct vr_backend base;
	char *log; /* NUL-terminated, len bytes used, cap allocated */
	size_t len, cap;
	uint64_t calls;
};

struct null_ctx {
	struct vr_backend_ctx base;
	struct null_backend *nb;
	uint32_t id;
};

/* One log line being built; long lines are cut, never split. */
struct null_line {
	char buf[1024];
	size_t n;
};

extern const struct vr_ctx_impl null_ctx_impl;

/* Downcast with an impl check. */
struct null_backend *null_backend(struct vr_backend *be);

void null_line_add(struct null_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends the line (plus "\n") to the log and counts the call. */
void null_line_commit(struct null_backend *nb, const struct null_line *l);
/* A whole one-line call record. */
void null_log(struct null_backend *nb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* FNV-1a over bytes, continuing from h (start with 2166136261u). */
uint32_t null_hash(const void *data, size_t size, uint32_t h);

#endif /* VR_NULL_PRIV_H */
