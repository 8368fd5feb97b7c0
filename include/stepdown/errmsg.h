/* Error messages for the caller to report: modules do not print (STYLE.md),
 * they describe the failure into a buffer and return -errno. */
#ifndef STEPDOWN_ERRMSG_H
#define STEPDOWN_ERRMSG_H

#include <stddef.h>

/* Formats the message into err (truncated to errlen) and returns code. */
int errmsg_set(int code, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
