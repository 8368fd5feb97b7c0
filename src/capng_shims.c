/* Replacements for four libc functions that libcap-ng's archive refers to.
 * The build renames those references in a copy of libcap-ng.a (objcopy
 * --redefine-sym, CMakeLists.txt) to the functions here, so the static
 * binary carries neither the code nor its risks:
 *
 * - getpwuid() and initgroups(): capng_change_id() calls them only with its
 *   "initialise supplementary groups" flag, which stepdown never passes.
 *   They are NSS, which a static binary must not use; any call fails closed.
 * - syslog(): Debian's libcap-ng logs once when capng_apply() fails to drop
 *   the bounding set. stepdown finds that failure itself when it reads the
 *   bounding set back (exit 125), and a container has no syslog daemon: the
 *   message is dropped, and syslog's time-zone code stays out.
 * - sscanf(): libcap-ng's only two uses read the bounding and ambient sets
 *   from /proc/PID/status with "CapBnd:  %08x%08x" and "CapAmb:  %08x%08x".
 *   This parses exactly those two formats (and refuses any other), which
 *   keeps the scanf engine, its float parser included, out of the binary
 *   (about 10 KiB of the musl release binary's 128 KiB budget). Nothing in
 *   the drop depends on the values: stepdown stages the sets it wants and
 *   verifies the result with raw syscalls. */
#include "stepdown/capng_shims.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct passwd *stepdown_nss_blocked_pw(uid_t uid)
{
	(void)uid;
	errno = ENOSYS;
	return NULL;
}

int stepdown_nss_blocked_grp(const char *user, gid_t group)
{
	(void)user;
	(void)group;
	errno = ENOSYS;
	return -1;
}

void stepdown_syslog_dropped(int priority, const char *format, ...)
{
	(void)priority;
	(void)format;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int stepdown_capng_sscanf(const char *str, const char *format, ...)
{
	/* The literal part of both formats is "CapXxx:", then white space
	 * (the format's two blanks match any amount, as in scanf). */
	static const char *const formats[] = { "CapBnd:  %08x%08x", "CapAmb:  %08x%08x" };
	const size_t prefix = 7;
	size_t f;
	for (f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
		if (strcmp(format, formats[f]) == 0)
			break;
	if (f == sizeof(formats) / sizeof(formats[0])) {
		errno = EINVAL;
		return EOF;
	}
	if (*str == '\0')
		return EOF;
	if (strncmp(str, format, prefix) != 0)
		return 0;
	const char *p = str + prefix;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	unsigned int values[2];
	int n;
	for (n = 0; n < 2; n++) {
		unsigned int v = 0;
		int digits = 0, d;
		while (digits < 8 && (d = hex_digit(*p)) >= 0) {
			v = v << 4 | (unsigned int)d;
			p++;
			digits++;
		}
		if (digits == 0)
			break;
		values[n] = v;
	}
	if (n == 0 && *p == '\0')
		return EOF; /* input ended before the first conversion, as in scanf */
	va_list ap;
	va_start(ap, format);
	for (int i = 0; i < n; i++)
		*va_arg(ap, unsigned int *) = values[i];
	va_end(ap);
	return n;
}
