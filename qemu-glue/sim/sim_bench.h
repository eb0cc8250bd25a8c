/*
 * pvgpu-sim — virtqueue benchmarks (pvgpu-sim --bench NAME --seconds S [--json]),
 * run by one simulated VM against any back end:
 *   cmds   GET_DISPLAY_INFO round trips: commands/s;
 *   fence  fenced 1x1 TRANSFER_TO_HOST_2D, one at a time: fence round trip;
 *   2d     full-frame TRANSFER_TO_HOST_2D + RESOURCE_FLUSH: frames/s;
 *   blob   guest writes into a BLOB_MEM_GUEST scanout + RESOURCE_FLUSH: frames/s.
 * Every op is timed (median / p99 in µs). With the back end's --stats-file the
 * device's own copies are reported per op (bytes_copied_per_op); frames go out
 * through the display channel, which the simulator reads while it waits.
 */
#ifndef SIM_BENCH_H
#define SIM_BENCH_H

#include <stdbool.h>

#include "sim_scenario.h"

/** SIM_PASS, SIM_FAIL, or SIM_SKIP (the back end lacks a feature). */
int sim_bench_run(const char *name, struct sim_run *run, double seconds, bool json);
/** Space-separated bench names, for --help. */
const char *sim_bench_names(void);

#endif /* SIM_BENCH_H */
