/* libFuzzer target for src/parse.c, the strict parsers.
 *
 * Input layout: byte 0 selects the parser (modulo PARSER_COUNT, see enum
 * parser); for parse_u32 the next 4 bytes are the maximum (little-endian,
 * fewer bytes if the input is short). The rest, copied and NUL-terminated
 * (so an embedded NUL ends it), is the string to parse.
 *
 * Besides memory safety, every parser is held to parse.h: the result is in
 * range, it agrees with an independent reference computation, and *out is
 * left untouched on failure. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "stepdown/parse.h"
#include "fuzz_common.h"

enum parser {
	P_ID = 0,
	P_U32,
	P_SIGNAL,
	P_REWRITE,
	P_CAP,
	P_CAP_LIST,
	P_UMASK,
	P_SECONDS,
	P_BOOL,
	PARSER_COUNT,
};

static void check_rc(int r, const char *fn, const char *s)
{
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE, "%s(\"%s\") returned %d", fn, s, r);
}

/* Reference: non-empty ASCII decimal, value saturated at UINT64_MAX. */
static bool ref_decimal(const char *s, uint64_t *value)
{
	if (!*s)
		return false;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		unsigned d = (unsigned)(*p - '0');
		v = (v > (UINT64_MAX - d) / 10) ? UINT64_MAX : v * 10 + d;
	}
	*value = v;
	return true;
}

/* Canonical decimal: no leading zero unless the number is "0". Any strict
 * parser must accept these when they are in range. */
static bool canonical_decimal(const char *s, uint64_t *value)
{
	return ref_decimal(s, value) && (s[0] != '0' || s[1] == '\0');
}

static void fuzz_id(const char *s)
{
	const uint32_t untouched = 0xA5A5A5A5u;
	uint32_t v = untouched;
	uint64_t ref;
	int r = parse_id(s, &v);
	check_rc(r, "parse_id", s);
	if (r == 0) {
		FUZZ_CHECK(v <= 4294967294u, "parse_id(\"%s\") = %u", s, v);
		FUZZ_CHECK(ref_decimal(s, &ref), "parse_id accepted non-digits \"%s\"", s);
		FUZZ_CHECK(ref == v, "parse_id(\"%s\") = %u, expected %llu", s, v,
			   (unsigned long long)ref);
	} else {
		FUZZ_CHECK(v == untouched, "parse_id(\"%s\") failed but wrote %u", s, v);
		FUZZ_CHECK(!(canonical_decimal(s, &ref) && ref <= 4294967294u),
			   "parse_id refused valid \"%s\" (%d)", s, r);
	}
}

static void fuzz_u32(const char *s, uint32_t max)
{
	const uint32_t untouched = 0xA5A5A5A5u;
	uint32_t v = untouched;
	uint64_t ref;
	int r = parse_u32(s, max, &v);
	check_rc(r, "parse_u32", s);
	if (r == 0) {
		FUZZ_CHECK(v <= max, "parse_u32(\"%s\", %u) = %u", s, max, v);
		FUZZ_CHECK(ref_decimal(s, &ref), "parse_u32 accepted non-digits \"%s\"", s);
		FUZZ_CHECK(ref == v, "parse_u32(\"%s\") = %u, expected %llu", s, v,
			   (unsigned long long)ref);
	} else {
		FUZZ_CHECK(v == untouched, "parse_u32(\"%s\") failed but wrote %u", s, v);
		FUZZ_CHECK(!(canonical_decimal(s, &ref) && ref <= max),
			   "parse_u32 refused valid \"%s\" <= %u (%d)", s, max, r);
	}
}

/* A signal number's name must parse back to that number, bare, with "SIG"
 * and in lower case. */
static void check_signal_name_round_trip(int sig)
{
	const char *name = parse_signal_name(sig);
	if (!name)
		return;
	FUZZ_CHECK(sig >= 1 && sig <= PARSE_SIG_MAX, "parse_signal_name(%d) = \"%s\"", sig,
		   name);
	FUZZ_CHECK(name[0] != '\0' && strlen(name) < 32, "parse_signal_name(%d) is odd", sig);

	char buf[48];
	int back = -1;
	FUZZ_CHECK(parse_signal(name, &back) == 0 && back == sig,
		   "parse_signal(\"%s\") gives %d, not %d", name, back, sig);
	snprintf(buf, sizeof(buf), "SIG%s", name);
	back = -1;
	FUZZ_CHECK(parse_signal(buf, &back) == 0 && back == sig,
		   "parse_signal(\"%s\") gives %d, not %d", buf, back, sig);
	for (char *p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	back = -1;
	FUZZ_CHECK(parse_signal(buf, &back) == 0 && back == sig,
		   "parse_signal(\"%s\") gives %d, not %d", buf, back, sig);
}

static void fuzz_signal(const char *s, const uint8_t *raw, size_t rawlen)
{
	const int untouched = -12345;
	int v = untouched;
	uint64_t ref;
	int r = parse_signal(s, &v);
	check_rc(r, "parse_signal", s);
	if (r == 0) {
		FUZZ_CHECK(v >= 1 && v <= PARSE_SIG_MAX, "parse_signal(\"%s\") = %d", s, v);
		if (ref_decimal(s, &ref))
			FUZZ_CHECK(ref == (uint64_t)v, "parse_signal(\"%s\") = %d", s, v);
		check_signal_name_round_trip(v);
	} else {
		FUZZ_CHECK(v == untouched, "parse_signal(\"%s\") failed but wrote %d", s, v);
		FUZZ_CHECK(!(canonical_decimal(s, &ref) && ref >= 1 && ref <= PARSE_SIG_MAX),
			   "parse_signal refused valid \"%s\" (%d)", s, r);
	}

	/* parse_signal_name() on any int, table bounds included. */
	if (rawlen >= sizeof(int)) {
		int any;
		memcpy(&any, raw, sizeof(any));
		check_signal_name_round_trip(any);
	}
}

static void fuzz_rewrite(const char *s)
{
	const int untouched = -12345;
	int from = untouched, to = untouched;
	int r = parse_rewrite(s, &from, &to);
	check_rc(r, "parse_rewrite", s);
	if (r != 0) {
		FUZZ_CHECK(from == untouched && to == untouched,
			   "parse_rewrite(\"%s\") failed but wrote %d:%d", s, from, to);
		return;
	}
	FUZZ_CHECK(from >= 1 && from <= PARSE_SIG_MAX, "parse_rewrite(\"%s\"): from %d", s, from);
	FUZZ_CHECK(to >= 1 && to <= PARSE_SIG_MAX, "parse_rewrite(\"%s\"): to %d", s, to);
	/* The fault signals are forwarded when sent with kill, so they may be
	 * sources; KILL, STOP, CHLD and the C library's own may not. */
	FUZZ_CHECK(from != SIGKILL && from != SIGSTOP && from != SIGCHLD &&
			   (from <= 31 || from >= SIGRTMIN),
		   "parse_rewrite(\"%s\") accepted a source that is never forwarded: %d", s, from);

	/* parse.h: "FROM:TO", both parsed by parse_signal. */
	const char *colon = strchr(s, ':');
	FUZZ_CHECK(colon && !strchr(colon + 1, ':'), "parse_rewrite(\"%s\"): not one ':'", s);
	char *left = fuzz_strndup((const uint8_t *)s, (size_t)(colon - s));
	int a = untouched, b = untouched;
	FUZZ_CHECK(parse_signal(left, &a) == 0 && a == from,
		   "parse_rewrite(\"%s\") from=%d, parse_signal(\"%s\") says %d", s, from, left, a);
	FUZZ_CHECK(parse_signal(colon + 1, &b) == 0 && b == to,
		   "parse_rewrite(\"%s\") to=%d, parse_signal says %d", s, to, b);
	free(left);
}

static void fuzz_cap(const char *s)
{
	const int untouched = -12345;
	int v = untouched;
	int r = parse_cap(s, &v);
	check_rc(r, "parse_cap", s);
	if (r == 0)
		FUZZ_CHECK(v >= 0 && v <= 63, "parse_cap(\"%s\") = %d, not a mask bit", s, v);
	else
		FUZZ_CHECK(v == untouched, "parse_cap(\"%s\") failed but wrote %d", s, v);
}

static void fuzz_cap_list(const char *s, size_t seed)
{
	/* parse_cap_list ORs into *mask: start from a non-zero mask. */
	const uint64_t initial = UINT64_C(1) << (seed % 64);
	uint64_t mask = initial;
	int r = parse_cap_list(s, &mask);
	check_rc(r, "parse_cap_list", s);
	if (r != 0) {
		FUZZ_CHECK(mask == initial, "parse_cap_list(\"%s\") failed but changed the mask", s);
		return;
	}
	/* Reference: each comma-separated element through parse_cap. */
	uint64_t expect = initial;
	if (*s) {
		char *copy = fuzz_strndup((const uint8_t *)s, strlen(s));
		char *p = copy;
		for (;;) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			int cap = -1;
			FUZZ_CHECK(*p != '\0', "parse_cap_list accepted an empty element in \"%s\"", s);
			FUZZ_CHECK(parse_cap(p, &cap) == 0,
				   "parse_cap_list(\"%s\") accepted \"%s\", parse_cap refuses it", s, p);
			expect |= UINT64_C(1) << cap;
			if (!comma)
				break;
			p = comma + 1;
		}
		free(copy);
	}
	FUZZ_CHECK(mask == expect, "parse_cap_list(\"%s\") = %#llx, expected %#llx", s,
		   (unsigned long long)mask, (unsigned long long)expect);
}

static void fuzz_umask(const char *s)
{
	const mode_t untouched = 070000;
	mode_t v = untouched;
	int r = parse_umask(s, &v);
	check_rc(r, "parse_umask", s);

	size_t n = strlen(s);
	bool octal = n >= 1 && n <= 4 && strspn(s, "01234567") == n;
	unsigned ref = 0;
	for (size_t i = 0; octal && i < n; i++)
		ref = ref * 8 + (unsigned)(s[i] - '0');

	if (r == 0) {
		FUZZ_CHECK(v <= 0777, "parse_umask(\"%s\") = %#o", s, (unsigned)v);
		FUZZ_CHECK(octal, "parse_umask accepted \"%s\", not 1-4 octal digits", s);
		FUZZ_CHECK(v == ref, "parse_umask(\"%s\") = %#o, expected %#o", s, (unsigned)v, ref);
	} else {
		FUZZ_CHECK(v == untouched, "parse_umask(\"%s\") failed but wrote %#o", s, (unsigned)v);
		FUZZ_CHECK(!(octal && ref <= 0777), "parse_umask refused valid \"%s\" (%d)", s, r);
	}
}

static void fuzz_seconds(const char *s)
{
	const unsigned untouched = 0xA5A5A5A5u;
	unsigned v = untouched;
	uint64_t ref;
	int r = parse_seconds(s, &v);
	check_rc(r, "parse_seconds", s);
	if (r == 0) {
		FUZZ_CHECK(v <= 86400, "parse_seconds(\"%s\") = %u", s, v);
		FUZZ_CHECK(ref_decimal(s, &ref) && ref == v, "parse_seconds(\"%s\") = %u", s, v);
	} else {
		FUZZ_CHECK(v == untouched, "parse_seconds(\"%s\") failed but wrote %u", s, v);
		FUZZ_CHECK(!(canonical_decimal(s, &ref) && ref <= 86400),
			   "parse_seconds refused valid \"%s\" (%d)", s, r);
	}
}

static void fuzz_bool(const char *s)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	int expect = -1;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			expect = 1;
		if (strcasecmp(s, no[i]) == 0)
			expect = 0;
	}
	/* A byte that is neither 0 nor 1, to see *out untouched on failure. */
	bool v;
	unsigned char untouched = 0x5A;
	memcpy(&v, &untouched, 1);
	int r = parse_bool(s, &v);
	check_rc(r, "parse_bool", s);
	if (r == 0) {
		FUZZ_CHECK(expect >= 0, "parse_bool accepted \"%s\"", s);
		FUZZ_CHECK((int)v == expect, "parse_bool(\"%s\") = %d", s, (int)v);
	} else {
		unsigned char after;
		memcpy(&after, &v, 1);
		FUZZ_CHECK(after == untouched, "parse_bool(\"%s\") failed but wrote", s);
		FUZZ_CHECK(expect < 0, "parse_bool refused valid \"%s\" (%d)", s, r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum parser which = (enum parser)(data[0] % PARSER_COUNT);
	data++;
	size--;

	uint32_t max = 0;
	if (which == P_U32) {
		size_t n = size < 4 ? size : 4;
		for (size_t i = 0; i < n; i++)
			max |= (uint32_t)data[i] << (8 * i);
		data += n;
		size -= n;
	}

	char *s = fuzz_strndup(data, size);
	switch (which) {
	case P_ID:
		fuzz_id(s);
		break;
	case P_U32:
		fuzz_u32(s, max);
		break;
	case P_SIGNAL:
		fuzz_signal(s, data, size);
		break;
	case P_REWRITE:
		fuzz_rewrite(s);
		break;
	case P_CAP:
		fuzz_cap(s);
		break;
	case P_CAP_LIST:
		fuzz_cap_list(s, size);
		break;
	case P_UMASK:
		fuzz_umask(s);
		break;
	case P_SECONDS:
		fuzz_seconds(s);
		break;
	case P_BOOL:
		fuzz_bool(s);
		break;
	case PARSER_COUNT:
		break;
	}
	free(s);
	return 0;
}
