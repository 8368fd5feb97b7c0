/* The one error type. Modules do not report their failures themselves
 * (STYLE.md): a call that fails describes what failed, and what to do
 * about it, into the caller's struct error and returns the same -errno;
 * main.c reports the message. (Progress and fallback notes at info level
 * are logged where they happen.) */
#ifndef STEPDOWN_ERROR_H
#define STEPDOWN_ERROR_H

#define ERROR_MSG_MAX 512

struct error {
	int code;                /* -errno, 0 while nothing failed */
	char msg[ERROR_MSG_MAX]; /* one line, for "stepdown: error: " */
};

/* Fill e (the message truncated to fit) and return code. */
int error_set(struct error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
