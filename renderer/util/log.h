/*
 * pvgpu — logging: levels, named categories, [file:line] prefixes, rate limits.
 *
 * Configuration is read once from the environment at first use:
 *   PVGPU_LOG=error|warn|info|debug   (default: info)
 *   PVGPU_DEBUG=decode,gl,vtest,core,...|all   (categories logged at debug level)
 * Output goes to stderr. Thread-safe: each message is one write(2).
 */
#ifndef VR_LOG_H
#define VR_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum vr_log_level {
	VR_LOG_ERROR = 0,
	VR_LOG_WARN = 1,
	VR_LOG_INFO = 2,
	VR_LOG_DEBUG = 3,
};

enum vr_log_cat {
	VR_CAT_CORE = 0,
	VR_CAT_DECODE,
	VR_CAT_GL,
	VR_CAT_VTEST,
	VR_CAT_SHADER,
	VR_CAT_TEST,
	VR_CAT_VHOST,
	VR_CAT_DISPLAY,
	VR_CAT_COUNT,
};

/** True when a message of this category and level would be printed. */
bool vr_log_enabled(enum vr_log_cat cat, enum vr_log_level level);

/** Print one message; use the vr_log_* macros instead of calling this directly. */
void vr_log_write(enum vr_log_cat cat, enum vr_log_level level, const char *file, int line,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define vr_log(cat, level, ...)                                                        \
	do {                                                                           \
		if (vr_log_enabled((cat), (level)))                                    \
			vr_log_write((cat), (level), __FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define vr_err(cat, ...) vr_log(cat, VR_LOG_ERROR, __VA_ARGS__)
#define vr_warn(cat, ...) vr_log(cat, VR_LOG_WARN, __VA_ARGS__)
#define vr_info(cat, ...) vr_log(cat, VR_LOG_INFO, __VA_ARGS__)
#define vr_dbg(cat, ...) vr_log(cat, VR_LOG_DEBUG, __VA_ARGS__)

/**
 * Rate limiter for messages a guest can trigger: at most `burst` messages per
 * `interval_ms`; the next message after a suppressed run reports how many were
 * dropped. Embed one per context (no global state); not thread-safe by itself.
 */
struct vr_ratelimit {
	uint64_t window_start_ms;
	uint32_t interval_ms;
	uint32_t burst;
	uint32_t printed;
	uint32_t suppressed;
};

#define VR_RATELIMIT_INIT         \
	{                         \
		0, 5000, 10, 0, 0 \
	}

/** Returns true if a message may be printed now; counts it either way. */
bool vr_ratelimit_allow(struct vr_ratelimit *rl, uint32_t *suppressed_before);

#define vr_log_rl(rl, cat, level, ...)                                                         \
	do {                                                                                   \
		uint32_t vr_rl_sup_;                                                           \
		if (vr_log_enabled((cat), (level)) && vr_ratelimit_allow((rl), &vr_rl_sup_)) { \
			if (vr_rl_sup_)                                                        \
				vr_log_write((cat), (level), __FILE__, __LINE__,               \
					     "(%u similar messages suppressed)", vr_rl_sup_);  \
			vr_log_write((cat), (level), __FILE__, __LINE__, __VA_ARGS__);         \
		}                                                                              \
	} while (0)

#endif /* VR_LOG_H */
