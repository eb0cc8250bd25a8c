/*
 * pvgpu tests — dpy_buffer_lock/unlock for the backend tests, which link the SDL
 * and KMS backends without the display core (that provides these in the daemon).
 */
#include <assert.h>

#include "dpy_output.h"

void
dpy_buffer_lock(struct dpy_buffer *buf)
{
	buf->locks++;
}

void
dpy_buffer_unlock(struct dpy_buffer *buf)
{
	assert(buf->locks > 0);
	if (--buf->locks == 0 && buf->release) {
		buf->release(buf, buf->release_data);
	}
}
