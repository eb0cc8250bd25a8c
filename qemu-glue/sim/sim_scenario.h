/*
 * pvgpu-sim — scenarios: what a simulated guest does with its virtio-gpu.
 *
 * Each scenario connects (through `connect`, which returns a fresh socket to
 * this VM's back end), runs, checks what the back end answered and displayed,
 * and prints one result line. Hooks for `3d` and `blob` are in place for when
 * the device model lands.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include "sim_vm.h"

#define SIM_PASS 0
#define SIM_FAIL 1
#define SIM_SKIP 77

struct sim_run {
	struct sim_vm_options vm;
	unsigned vm_index;   /* which simulated VM (patterns differ per VM) */
	const char *out_dir; /* PNGs go here; NULL: none */
	/** A new connection to this VM's back end, or -1. */
	int (*connect)(void *ctx);
	void *ctx;
};

/** Runs scenario `name`: SIM_PASS, SIM_FAIL or SIM_SKIP. */
int sim_scenario_run(const char *name, struct sim_run *run);
/** Space-separated scenario names, for --help. */
const char *sim_scenario_names(void);

/** The 2d scenario's pixel (BGRX) at x,y of scanout `s` of VM `vm`. */
uint32_t sim_pattern(unsigned vm, unsigned s, uint32_t x, uint32_t y, uint32_t w, uint32_t h);

#endif /* SIM_SCENARIO_H */
