/* pvgpu qemu-glue — scatter/gather copies over guest buffers (see vug_priv.h). */
#include <string.h>

#include "vug_priv.h"

bool
vug_iov_size(const struct iovec *iov, unsigned n, size_t *size)
{
	size_t total = 0;
	for (unsigned i = 0; i < n; i++) {
		if (__builtin_add_overflow(total, iov[i].iov_len, &total)) {
			return false;
		}
	}
	*size = total;
	return true;
}

size_t
vug_iov_to_buf(const struct iovec *iov, unsigned n, size_t offset, void *dst, size_t len)
{
	size_t done = 0;
	for (unsigned i = 0; i < n && done < len; i++) {
		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		size_t chunk = iov[i].iov_len - offset;
		if (chunk > len - done) {
			chunk = len - done;
		}
		memcpy((uint8_t *)dst + done, (const uint8_t *)iov[i].iov_base + offset, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

size_t
vug_iov_from_buf(const struct iovec *iov, unsigned n, size_t offset, const void *src, size_t len)
{
	size_t done = 0;
	for (unsigned i = 0; i < n && done < len; i++) {
		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		size_t chunk = iov[i].iov_len - offset;
		if (chunk > len - done) {
			chunk = len - done;
		}
		memcpy((uint8_t *)iov[i].iov_base + offset, (const uint8_t *)src + done, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}
