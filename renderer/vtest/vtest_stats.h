/*
 * pvgpu-vtest — per-client statistics for benchmarks (--stats-file).
 *
 * When a client leaves, the process that served it appends one JSON object on
 * one line to the stats file: the connection's counters (vt_conn_stats), the
 * sum of its copies, and the serving process's own CPU time and peak RSS.
 * Lines are written with one write(2) on an O_APPEND fd, so clients served in
 * parallel never interleave their lines.
 *
 * Threads: any; nothing is shared.
 */
#ifndef VT_STATS_H
#define VT_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct vt_conn;

/**
 * Formats the stats line of `conn` (which ended with `status`, a short word such
 * as "closed" or "dropped") into buf, newline included. Returns its length, or 0
 * when buf is too small. The client name is JSON-escaped: it comes from the guest.
 */
size_t vt_stats_format(const struct vt_conn *conn, unsigned client_id, const char *status,
		       char *buf, size_t size);

/** Opens `path` for appending stats lines (created 0644); -1 (errno set) on failure. */
int vt_stats_open(const char *path);

/** Appends the stats line of `conn` to the fd from vt_stats_open. False (errno set) on
 * failure. The serving process opens the fd before it enters the sandbox. */
bool vt_stats_write(int fd, const struct vt_conn *conn, unsigned client_id, const char *status);

/** True when `path` can be opened for appending (checked once at start-up). */
bool vt_stats_check_path(const char *path);

#endif /* VT_STATS_H */
