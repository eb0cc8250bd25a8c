/* pvgpu-vtest — per-client statistics lines (see vtest_stats.h). */
#include "vtest_stats.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vtest_conn.h"

/* Copies `name` into out as the inside of a JSON string; always NUL-terminates. */
static void
json_escape(const char *name, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = name; *p && n + 7 < size; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20 || c > 0x7e) {
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
}

static uint64_t
timeval_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

size_t
vt_stats_format(const struct vt_conn *conn, unsigned client_id, const char *status, char *buf,
		size_t size)
{
	struct vt_conn_stats st;
	uint64_t copied;
	vt_conn_get_stats(conn, &st, &copied);
	struct rusage ru = {0};
	getrusage(RUSAGE_SELF, &ru);
	char name[6 * 64 + 1];
	json_escape(vt_conn_name(conn), name, sizeof(name));
	int n = snprintf(
		buf, size,
		"{\"client\":%u,\"name\":\"%s\",\"pid\":%ld,\"status\":\"%s\","
		"\"commands\":%" PRIu64 ",\"socket_in\":%" PRIu64 ",\"socket_out\":%" PRIu64
		",\"inline_pixels_in\":%" PRIu64 ",\"inline_pixels_out\":%" PRIu64
		",\"staged\":%" PRIu64 ",\"shm_transfer\":%" PRIu64 ",\"copied\":%" PRIu64
		",\"utime_us\":%" PRIu64 ",\"stime_us\":%" PRIu64 ",\"maxrss_kb\":%ld}\n",
		client_id, name, (long)getpid(), status, st.commands, st.socket_in, st.socket_out,
		st.inline_pixels_in, st.inline_pixels_out, st.staged, st.shm_transfer, copied,
		timeval_us(ru.ru_utime), timeval_us(ru.ru_stime), ru.ru_maxrss);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

bool
vt_stats_write(int fd, const struct vt_conn *conn, unsigned client_id, const char *status)
{
	char line[1024];
	size_t len = vt_stats_format(conn, client_id, status, line, sizeof(line));
	if (!len) {
		errno = ENOBUFS;
		return false;
	}
	return write(fd, line, len) == (ssize_t)len;
}

int
vt_stats_open(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

bool
vt_stats_check_path(const char *path)
{
	int fd = vt_stats_open(path);
	if (fd < 0) {
		return false;
	}
	close(fd);
	return true;
}
