/* pvgpu — logging implementation (see log.h). */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const cat_names[VR_CAT_COUNT] = {
	[VR_CAT_CORE] = "core",   [VR_CAT_DECODE] = "decode",   [VR_CAT_GL] = "gl",
	[VR_CAT_VTEST] = "vtest", [VR_CAT_SHADER] = "shader",   [VR_CAT_TEST] = "test",
	[VR_CAT_VHOST] = "vhost", [VR_CAT_DISPLAY] = "display",
};

static const char *const level_names[] = {"error", "warn", "info", "debug"};

/*
 * The log configuration is the one piece of process-wide state: it is written once
 * (under pthread_once) from the environment and only read afterwards.
 */
struct log_config {
	enum vr_log_level level;
	bool debug_cat[VR_CAT_COUNT];
};

static struct log_config config;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void
parse_debug_list(const char *list)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (int c = 0; c < VR_CAT_COUNT; c++) {
			if (!strcmp(tok, "all") || !strcmp(tok, cat_names[c])) {
				config.debug_cat[c] = true;
			}
		}
	}
}

static void
config_init(void)
{
	config.level = VR_LOG_INFO;
	const char *lvl = getenv("PVGPU_LOG");
	if (lvl) {
		for (int l = 0; l <= VR_LOG_DEBUG; l++) {
			if (!strcmp(lvl, level_names[l])) {
				config.level = (enum vr_log_level)l;
			}
		}
	}
	const char *dbg = getenv("PVGPU_DEBUG");
	if (dbg) {
		parse_debug_list(dbg);
	}
}

bool
vr_log_enabled(enum vr_log_cat cat, enum vr_log_level level)
{
	pthread_once(&config_once, config_init);
	if (level <= config.level && level != VR_LOG_DEBUG) {
		return true;
	}
	return level == VR_LOG_DEBUG && (unsigned)cat < VR_CAT_COUNT &&
	       (config.debug_cat[cat] || config.level == VR_LOG_DEBUG);
}

void
vr_log_write(enum vr_log_cat cat, enum vr_log_level level, const char *file, int line,
	     const char *fmt, ...)
{
	char msg[1024];
	const char *base = strrchr(file, '/');
	int n = snprintf(msg, sizeof(msg), "pvgpu[%d] %s %s [%s:%d] ", (int)getpid(),
			 level_names[level], cat_names[cat], base ? base + 1 : file, line);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(msg) - 2) {
		len = sizeof(msg) - 2;
	}
	msg[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, msg, len);
	(void)w;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool
vr_ratelimit_allow(struct vr_ratelimit *rl, uint32_t *suppressed_before)
{
	uint64_t now = now_ms();
	*suppressed_before = 0;
	if (now - rl->window_start_ms >= rl->interval_ms) {
		*suppressed_before = rl->suppressed;
		rl->window_start_ms = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed < rl->burst) {
		rl->printed++;
		return true;
	}
	rl->suppressed++;
	return false;
}
