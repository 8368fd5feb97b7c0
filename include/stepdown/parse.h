/* Strict parsers for everything stepdown reads from argv, the environment
 * and /etc files. Each returns 0 on success or -EINVAL / -ERANGE and leaves
 * *out untouched on failure. No sign, no blanks, no base prefix, no trailing
 * characters are ever accepted. */
#ifndef STEPDOWN_PARSE_H
#define STEPDOWN_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Highest signal number stepdown handles, and the size of per-signal tables. */
#define PARSE_SIG_MAX 64
#define PARSE_SIG_TABLE (PARSE_SIG_MAX + 1)

/* Decimal digits only, value <= max. */
int parse_u32(const char *s, uint32_t max, uint32_t *out);

/* A uid or gid: decimal, 0..4294967294; the (uid_t)-1 sentinel is refused. */
int parse_id(const char *s, uint32_t *out);

/* "TERM", "SIGTERM", "term", "15", "RTMIN+2", "SIGRTMAX-1". 1..64. */
int parse_signal(const char *s, int *out);

/* Short name without the SIG prefix ("TERM"); NULL when unknown. Real-time
 * signals have no fixed name and return NULL. */
const char *parse_signal_name(int sig);

/* "FROM:TO": both parsed by parse_signal. FROM may not be KILL or STOP
 * (they cannot be caught), CHLD (stepdown needs it to reap) or a signal the
 * C library reserves (between 31 and SIGRTMIN): none of them is ever
 * forwarded. The fault signals are forwarded when sent, so they may. */
int parse_rewrite(const char *s, int *from, int *to);

/* One capability name: "NET_BIND_SERVICE", "cap_net_bind_service". */
int parse_cap(const char *s, int *out);

/* Comma-separated capability names, ORed into *mask (bit n = capability n).
 * An empty string is an empty set. Empty elements ("A,,B") are refused. */
int parse_cap_list(const char *s, uint64_t *mask);

/* Octal file mode creation mask: 1 to 4 octal digits, value <= 0777. */
int parse_umask(const char *s, mode_t *out);

/* Whole seconds, 0..86400. */
int parse_seconds(const char *s, unsigned *out);

/* "1", "true", "yes", "on" / "0", "false", "no", "off" (ASCII case-insensitive). */
int parse_bool(const char *s, bool *out);

#endif
