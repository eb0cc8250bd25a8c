/*
 * pvgpu tests — the KMS backend on a real DRM device: the first /dev/dri/card*
 * (after trying `modprobe vkms` when there is none). Modesets the first output
 * with its preferred mode, flips two frames and waits for their page-flip events,
 * sets and hides the cursor, switches off. Skips (exit 77, with the reason) when no
 * device exists or another process (a desktop compositor) is DRM master.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "dpy_kms.h"
#include "test_buf.h"
#include "vgp_test.h"

static int
skip(const char *why)
{
	printf("SKIP: %s\n", why);
	return 77;
}

static bool
find_card(char *path, size_t len)
{
	for (int i = 0; i < 16; i++) {
		snprintf(path, len, "/dev/dri/card%d", i);
		if (access(path, F_OK) == 0) {
			return true;
		}
	}
	return false;
}

static void
on_presented(struct dpy_output *out, void *data)
{
	(*(int *)data)++;
}

/* Runs the loop until `*count` reaches `want` or two seconds pass. */
static bool
wait_presented(struct dpy_backend *be, int *count, int want)
{
	for (int i = 0; i < 200 && *count < want; i++) {
		struct pollfd p = {.fd = be->impl->get_fd(be), .events = POLLIN};
		poll(&p, 1, 10);
		be->impl->dispatch(be);
	}
	return *count >= want;
}

int
main(void)
{
	char path[32];
	if (!find_card(path, sizeof(path))) {
		if (system("modprobe vkms >/dev/null 2>&1") != 0 ||
		    !find_card(path, sizeof(path))) {
			return skip("no /dev/dri/card* and the vkms module cannot be loaded here");
		}
	}
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		char why[96];
		snprintf(why, sizeof(why), "cannot open %s: %s", path, strerror(errno));
		return skip(why);
	}
	/* Opening a device nobody masters makes us master; otherwise someone else is. */
	bool master = drmIsMaster(fd);
	close(fd);
	if (!master) {
		return skip("another process is DRM master (a desktop is running on this device)");
	}

	char why[256] = "";
	struct dpy_kms_options o = {.device = path};
	struct dpy_backend *be = dpy_kms_backend_create(&o, why, sizeof(why));
	if (!be) {
		if (strstr(why, "no connected connector")) {
			return skip(why);
		}
		CHECK(be != NULL, "create: %s", why);
		return vgp_test_result("test-kms-real");
	}
	size_t n;
	struct dpy_output *out = be->impl->outputs(be, &n)[0];
	printf("%s: %s %ux%u@%umHz, %s, EDID %s\n", path, out->name, out->preferred.width,
	       out->preferred.height, out->preferred.refresh_mhz,
	       dpy_kms_backend_is_atomic(be) ? "atomic" : "legacy",
	       out->impl->get_edid(out, &(size_t){0}) ? "present" : "absent");
	int presented = 0;
	out->listener = (struct dpy_output_listener){.presented = on_presented, .data = &presented};
	struct test_buf a, b;
	uint32_t w = out->preferred.width, h = out->preferred.height;
	test_buf_init(&a, w, h, DPY_FOURCC_XRGB8888, 0x00204080u);
	test_buf_init(&b, w, h, DPY_FOURCC_XRGB8888, 0x00804020u);
	struct dpy_output_state s = {.enabled = true, .mode = out->preferred, .buffer = &a.b};
	const char *err = NULL;
	CHECK(out->impl->test(out, &s, &err), "test: %s", err ? err : "");
	CHECK(out->impl->commit(out, &s), "modeset commit");
	CHECK(wait_presented(be, &presented, 1), "first frame presented");
	struct dpy_rect damage = {0, 0, w / 2, h / 2};
	s.buffer = &b.b;
	s.damage = &damage;
	s.damage_count = 1;
	CHECK(out->impl->commit(out, &s), "flip commit");
	CHECK(wait_presented(be, &presented, 2), "second frame presented (page-flip event)");
	CHECK_EQ_U(a.released, 1);
	static uint32_t argb[64 * 64];
	for (int i = 0; i < 64 * 64; i++) {
		argb[i] = 0xffffffffu;
	}
	struct dpy_cursor cur = {.visible = true, .x = 10, .y = 10, .argb = argb};
	out->impl->set_cursor(out, &cur);
	cur.visible = false;
	out->impl->set_cursor(out, &cur);
	struct dpy_output_state off = {.enabled = false};
	CHECK(out->impl->commit(out, &off), "switch off");
	be->impl->destroy(be);
	CHECK_EQ_U(b.b.locks, 0);
	test_buf_finish(&a);
	test_buf_finish(&b);
	return vgp_test_result("test-kms-real");
}
