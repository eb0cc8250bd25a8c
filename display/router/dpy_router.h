/*
 * pvgpu display — the router: which VM scanout each output shows.
 *
 * Policy (display/README.md has the long form):
 * - Each output shows one source — a (VM, scanout) pair — or nothing, which
 *   commits buffer NULL: the backend draws the "no signal" frame. A scanout
 *   may be shown on several outputs (mirroring).
 * - A new VM's scanouts, in order, take free outputs: first the outputs this
 *   VM name showed before it went away (reconnect gets them back), then free
 *   outputs nobody used yet, then any free output.
 * - assign puts a VM scanout on an output; next replaces an output's source by
 *   the next VM (connection order, wrapping) that has a scanout with a frame;
 *   the scanout chosen is the one that VM last showed there, else its first
 *   scanout with a frame shown nowhere, else its first scanout with a frame.
 * - A scanout's mode (and EDID) follow its primary output, the first output
 *   showing it: set_mode is sent when that output or its preferred mode
 *   changes. A scanout shown nowhere keeps the mode it had.
 * - Pacing: every frame a VM submits is reported presented once every output
 *   showing the scanout has presented it (at once when it is shown nowhere).
 * - Each commit is tested first; a state the output refuses falls back to the
 *   "no signal" frame.
 *
 * Threads: the display's event-loop thread; impl callbacks may be called from
 * inside router calls (presented from dpy_router_vm_frame, set_mode from
 * dpy_router_vm_add) and must not call back into the router.
 */
#ifndef DPY_ROUTER_H
#define DPY_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpy_output.h"

#define DPY_MAX_SCANOUTS 16
#define DPY_ROUTER_MAX_OUTPUTS 64
#define DPY_VM_NAME_MAX 64 /* bytes including the NUL */

struct dpy_router;
struct dpy_vm;

/** What the router tells a VM (a protocol connection or an in-process device). */
struct dpy_vm_impl {
	/** Scanout `scanout` should run at `mode`; `edid` is the output's monitor
	 *  EDID or NULL (derive one from the mode). */
	void (*set_mode)(struct dpy_vm *vm, uint32_t scanout, const struct dpy_mode *mode,
			 const uint8_t *edid, size_t edid_len, void *data);
	/** The last frame submitted for `scanout` is on screen everywhere it shows. */
	void (*presented)(struct dpy_vm *vm, uint32_t scanout, void *data);
};

struct dpy_router *dpy_router_create(void);
/** Removes the VMs (outputs go to "no signal"), then frees the router. The
 *  backends stay owned by the caller. Accepts NULL. */
void dpy_router_destroy(struct dpy_router *r);

/** Takes over the backend's outputs and listens for new ones. False when the
 *  output table is full. */
bool dpy_router_add_backend(struct dpy_router *r, struct dpy_backend *be);

/** A VM with `num_scanouts` (1..DPY_MAX_SCANOUTS) scanouts and a unique name.
 *  NULL (and *why) when refused. */
struct dpy_vm *dpy_router_vm_add(struct dpy_router *r, const char *name, uint32_t num_scanouts,
				 const struct dpy_vm_impl *impl, void *data, const char **why);
/** The VM went away: its outputs show "no signal", the others are untouched. */
void dpy_router_vm_remove(struct dpy_router *r, struct dpy_vm *vm);

/** Scanout `scanout` shows `buf` (NULL: disabled) and `damage` changed (NULL:
 *  everything). The router holds a lock on `buf` until another buffer replaces
 *  it. Out-of-range scanouts are ignored. */
void dpy_router_vm_frame(struct dpy_vm *vm, uint32_t scanout, struct dpy_buffer *buf,
			 const struct dpy_rect *damage, unsigned damage_count);
/** The guest cursor on `scanout`. */
void dpy_router_vm_cursor(struct dpy_vm *vm, uint32_t scanout, const struct dpy_cursor *cursor);

/* ------------------------------------------------------------ control */

/** Shows VM `vm_name` scanout `scanout` on output `output`; vm_name NULL
 *  shows "no signal". False (and *why) on an unknown name or scanout. */
bool dpy_router_assign(struct dpy_router *r, const char *output, const char *vm_name,
		       uint32_t scanout, const char **why);
/** "Next VM on this output". False (and *why) when the output is unknown;
 *  true and unchanged when no other VM could show there. */
bool dpy_router_next(struct dpy_router *r, const char *output, const char **why);

struct dpy_route {
	struct dpy_output *output;
	const char *vm; /* NULL: no signal */
	uint32_t scanout;
	bool has_frame;
};
/** Number of outputs; route(i) describes output i. */
size_t dpy_router_output_count(const struct dpy_router *r);
bool dpy_router_route(const struct dpy_router *r, size_t i, struct dpy_route *route);
struct dpy_output *dpy_router_find_output(const struct dpy_router *r, const char *name);

struct dpy_vm_info {
	const char *name;
	uint32_t num_scanouts;
	struct {
		bool has_frame;
		uint32_t width, height; /* current frame, 0 without */
		int output;             /* index of the primary output, -1: shown nowhere */
		struct dpy_mode mode;   /* last mode sent (0x0: none yet) */
	} scanouts[DPY_MAX_SCANOUTS];
};
size_t dpy_router_vm_count(const struct dpy_router *r);
bool dpy_router_vm_info(const struct dpy_router *r, size_t i, struct dpy_vm_info *info);

#endif /* DPY_ROUTER_H */
