/*
 * pvgpu display — control commands (what pvgpu-ctl sends as text):
 *   outputs | vms | show | assign VM:SCANOUT OUTPUT | assign none OUTPUT |
 *   next OUTPUT | capture OUTPUT (PNG into the passed fd; headless) |
 *   mode OUTPUT WxH (headless: a simulated resize)
 */
#ifndef DPY_CTL_H
#define DPY_CTL_H

#include <stdbool.h>
#include <stddef.h>

struct dpy_router;

/** Runs `cmd`; the answer (text, or JSON with `json`) goes to out[cap].
 *  `fd` is the file a capture writes to (-1: none; not closed). Returns 0 on
 *  success, 1 on a refused command, 2 on a malformed one. */
int dpy_ctl_run(struct dpy_router *r, const char *cmd, bool json, int fd, char *out, size_t cap);

#endif /* DPY_CTL_H */
