/*
 * pvgpu apps tests — an LD_PRELOAD shim that (almost) stops the clock, so
 * time-animated clients (glxgears, es2gears) draw the same frame on every run
 * and their windows can be compared between two servers.
 *
 * Time still advances by 1 ns per call, so any "until deadline" loop in a
 * client library ends eventually, while the animation moves by a negligible
 * amount over a test run.
 */
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

static uint64_t ticks; /* ns since the frozen epoch; one client thread matters */

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	(void)id;
	uint64_t ns = __atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED);
	ts->tv_sec = 1000000 + (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}
