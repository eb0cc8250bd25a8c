/*
 * pvgpu-sim — scenarios: what a simulated guest does with its virtio-gpu.
 *
 * Each scenario connects (through `connect`, which returns a fresh socket to
 * this VM's back end), runs, checks what the back end answered and displayed,
 * and prints one result line. 2d, cursor, fences and hostile are in
 * sim_scenario.c; 3d, blob, edid and rings (features QEMU 10 masks, which the
 * simulator negotiates itself) in sim_scenario_gpu.c.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <linux/virtio_gpu.h>

#include "sim_vm.h"

#define SIM_PASS 0
#define SIM_FAIL 1
#define SIM_SKIP 77

struct sim_run {
	struct sim_vm_options vm;
	unsigned vm_index;   /* which simulated VM (patterns differ per VM) */
	const char *out_dir; /* PNGs go here; NULL: none */
	/* The back end's --stats-file (one JSON line per session), or NULL. */
	const char *stats_path;
	/** A new connection to this VM's back end, or -1. */
	int (*connect)(void *ctx);
	void *ctx;
};

/** Runs scenario `name`: SIM_PASS, SIM_FAIL or SIM_SKIP. */
int sim_scenario_run(const char *name, struct sim_run *run);
/** Space-separated scenario names, for --help. */
const char *sim_scenario_names(void);

/* Helpers shared by the scenario files. */
void sim_hdr(struct virtio_gpu_ctrl_hdr *h, uint32_t type);
/** Sends `req` on the control queue; the response type (0 on no answer). */
uint32_t sim_ctrl(struct sim_vm *vm, const void *req, uint32_t len);
/** True when got == want, else says what came instead. */
bool sim_expect(const char *what, uint32_t got, uint32_t want);
const char *sim_resp_name(uint32_t type);
/** A new VM on a new connection (options `o`, NULL: run->vm); NULL on failure. */
struct sim_vm *sim_connect(struct sim_run *run, const struct sim_vm_options *o);
/** Scanout `s` shows sim_pattern(vm, pattern) at w x h (written to out_dir as
 *  vm<N>-<png><s>.png)? */
bool sim_check_fb(struct sim_run *run, struct sim_vm *vm, unsigned s, unsigned pattern, uint32_t w,
		  uint32_t h, const char *png);

/** Creates a w x h resource of `format` whose backing (two entries, on
 *  purpose) is filled by `fill` and transferred (fill NULL: neither); false on
 *  any error response. */
bool sim_make_resource(struct sim_vm *vm, uint32_t id, uint32_t format, uint32_t w, uint32_t h,
		       uint32_t (*fill)(void *, uint32_t, uint32_t), void *data);

/* sim_scenario_gpu.c */
int sim_scenario_3d(struct sim_run *run);
int sim_scenario_blob(struct sim_run *run);
int sim_scenario_edid(struct sim_run *run);
int sim_scenario_rings(struct sim_run *run);
/** A guest blob's pages: pieces of guest RAM with a page gap between them. */
#define SIM_BLOB_PIECES 3
struct sim_blob {
	uint8_t *ptr[SIM_BLOB_PIECES];
	uint64_t gpa[SIM_BLOB_PIECES], len[SIM_BLOB_PIECES];
};
/** RESOURCE_CREATE_BLOB (BLOB_MEM_GUEST, w x h B8G8R8X8 in SIM_BLOB_PIECES
 *  pieces) as resource `id`, then SET_SCANOUT_BLOB on scanout 0. */
bool sim_blob_scanout(struct sim_vm *vm, uint32_t id, uint32_t w, uint32_t h, struct sim_blob *b);
/** The guest writes sim_pattern(vm, pattern) into the blob. */
void sim_blob_fill(struct sim_blob *b, unsigned vm, unsigned pattern, uint32_t w, uint32_t h);
/** Call right after connecting: drops the stats of earlier sessions. */
void sim_forget_stats(const struct sim_run *run);
/** Waits (up to 3 s) for the stats line of the session that just ended and
 *  returns its "name" counter; false when there is none. */
bool sim_backend_stat(const struct sim_run *run, const char *name, uint64_t *value);

/** The 2d scenario's pixel (BGRX) at x,y of scanout `s` of VM `vm`. */
uint32_t sim_pattern(unsigned vm, unsigned s, uint32_t x, uint32_t y, uint32_t w, uint32_t h);

#endif /* SIM_SCENARIO_H */
