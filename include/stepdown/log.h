/* stderr logger: "stepdown: <level>: ...", errno-preserving, printf-checked. */
#ifndef STEPDOWN_LOG_H
#define STEPDOWN_LOG_H

enum log_level {
	LOG_LEVEL_QUIET = 0,   /* errors only */
	LOG_LEVEL_NORMAL = 1,  /* errors, warnings and notices */
	LOG_LEVEL_VERBOSE = 2, /* plus a phase-by-phase report */
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Each preserves errno and adds the trailing newline. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
