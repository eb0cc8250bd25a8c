/*
 * pvgpu tests — socket helpers shared by the tests that play a vtest client or
 * server by hand.
 */
#ifndef VGP_SOCK_H
#define VGP_SOCK_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Sends all `len` bytes (partial writes, EINTR); no SIGPIPE when the peer is gone. */
static inline bool
vgp_send_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return false;
		}
		p += w;
		len -= (size_t)w;
	}
	return true;
}

#endif /* VGP_SOCK_H */
