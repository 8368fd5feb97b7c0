/* stderr logger. Every message is one write(2) so lines from PID 1 and the
 * workload do not interleave mid-line, and errno is preserved. */
#include "stepdown/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static enum log_level current_level = LOG_LEVEL_NORMAL;

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

__attribute__((format(printf, 2, 0)))
static void log_emit(const char *tag, const char *fmt, va_list ap)
{
	int saved = errno;
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "stepdown: %s", tag);
	if (n < 0)
		n = 0;
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	int m = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	if (m > 0)
		len += (size_t)m < sizeof(buf) - len ? (size_t)m : sizeof(buf) - len - 1;
	if (len >= sizeof(buf) - 1)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(STDERR_FILENO, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	errno = saved;
}

#define LOG_AT(name, min, tag)                                  \
	void name(const char *fmt, ...)                         \
	{                                                       \
		if (current_level < (min))                      \
			return;                                 \
		va_list ap;                                     \
		va_start(ap, fmt);                              \
		log_emit(tag, fmt, ap);                         \
		va_end(ap);                                     \
	}

LOG_AT(log_error, LOG_LEVEL_QUIET, "error: ")
LOG_AT(log_warn, LOG_LEVEL_NORMAL, "warning: ")
LOG_AT(log_notice, LOG_LEVEL_NORMAL, "")
LOG_AT(log_info, LOG_LEVEL_VERBOSE, "")
