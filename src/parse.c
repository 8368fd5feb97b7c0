/* Strict parsers. Nothing here trusts strtol: digits are checked one by one
 * with explicit bounds, so "-1", " 12", "0x10" and "12abc" never pass. */
#include "stepdown/parse.h"

#include <cap-ng.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	if (!s || !*s)
		return -EINVAL;
	uint64_t v = 0;
	bool range = false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (!range) {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > UINT32_MAX)
				range = true;
		}
	}
	if (range || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int parse_id(const char *s, uint32_t *out)
{
	return parse_u32(s, UINT32_MAX - 1, out);
}

/* clang-format off */
static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP },       { "INT", SIGINT },     { "QUIT", SIGQUIT },
	{ "ILL", SIGILL },       { "TRAP", SIGTRAP },   { "ABRT", SIGABRT },
	{ "BUS", SIGBUS },       { "FPE", SIGFPE },     { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },   { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },
	{ "STOP", SIGSTOP },     { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU },     { "URG", SIGURG },     { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH },   { "IO", SIGIO },       { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
	/* aliases, after the canonical names so lookups by number find those */
	{ "IOT", SIGIOT },       { "CLD", SIGCHLD },    { "POLL", SIGPOLL },
};
/* clang-format on */

const char *parse_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (signal_names[i].sig == sig)
			return signal_names[i].name;
	return NULL;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (SIG prefix already removed). */
static int parse_rt_signal(const char *s, int *out)
{
	int base, dir;
	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		dir = 1;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		dir = -1;
	} else {
		return -EINVAL;
	}
	s += 5;
	if (*s == '\0') {
		*out = base;
		return 0;
	}
	if (*s != (dir > 0 ? '+' : '-'))
		return -EINVAL;
	uint32_t off;
	int r = parse_u32(s + 1, PARSE_SIG_MAX, &off);
	if (r < 0)
		return r;
	int sig = base + dir * (int)off;
	if (sig < SIGRTMIN || sig > SIGRTMAX)
		return -ERANGE;
	*out = sig;
	return 0;
}

int parse_signal(const char *s, int *out)
{
	if (!s || !*s)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '9') {
		uint32_t v;
		int r = parse_u32(s, UINT32_MAX, &v);
		if (r < 0)
			return r;
		if (v < 1 || v > PARSE_SIG_MAX)
			return -ERANGE;
		*out = (int)v;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	if (!*s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (strcasecmp(s, signal_names[i].name) == 0) {
			*out = signal_names[i].sig;
			return 0;
		}
	}
	return parse_rt_signal(s, out);
}

int parse_rewrite(const char *s, int *from, int *to)
{
	if (!s)
		return -EINVAL;
	const char *colon = strchr(s, ':');
	if (!colon || strchr(colon + 1, ':'))
		return -EINVAL;
	char left[32];
	size_t n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(left))
		return -EINVAL;
	memcpy(left, s, n);
	left[n] = '\0';
	int a, b;
	if (parse_signal(left, &a) < 0 || parse_signal(colon + 1, &b) < 0)
		return -EINVAL;
	/* Sources that never reach the signal loop: uncatchable, needed for
	 * reaping, or reserved by the C library. */
	if (a == SIGKILL || a == SIGSTOP || a == SIGCHLD || (a > 31 && a < SIGRTMIN))
		return -EINVAL;
	*from = a;
	*to = b;
	return 0;
}

int parse_cap(const char *s, int *out)
{
	if (!s)
		return -EINVAL;
	if (strncasecmp(s, "CAP_", 4) == 0)
		s += 4;
	if (!*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
			return -EINVAL;
	}
	int cap = capng_name_to_capability(s);
	if (cap < 0 || cap > 63)
		return -EINVAL;
	*out = cap;
	return 0;
}

int parse_cap_list(const char *s, uint64_t *mask)
{
	if (!s)
		return -EINVAL;
	if (!*s)
		return 0;
	uint64_t acc = 0;
	const char *p = s;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char name[64];
		if (n == 0 || n >= sizeof(name))
			return -EINVAL;
		memcpy(name, p, n);
		name[n] = '\0';
		int cap;
		if (parse_cap(name, &cap) < 0)
			return -EINVAL;
		acc |= UINT64_C(1) << cap;
		if (!end)
			break;
		p = end + 1;
	}
	*mask |= acc;
	return 0;
}

int parse_umask(const char *s, mode_t *out)
{
	if (!s || !*s || strlen(s) > 4)
		return -EINVAL;
	unsigned v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '7')
			return -EINVAL;
		v = v * 8 + (unsigned)(*p - '0');
	}
	if (v > 0777)
		return -ERANGE;
	*out = (mode_t)v;
	return 0;
}

int parse_seconds(const char *s, unsigned *out)
{
	uint32_t v;
	int r = parse_u32(s, 86400, &v);
	if (r < 0)
		return r;
	*out = v;
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}
