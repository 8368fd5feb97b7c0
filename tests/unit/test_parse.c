/* Unit tests for src/parse.c: the strict parsers behind every option,
 * environment variable and /etc field. Table-driven; in each table the
 * refused inputs come first. Every failing case also checks that the output
 * kept its sentinel ("*out untouched on failure"). */
#include <check.h>
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "stepdown/parse.h"

#include "unit.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define U32_SENTINEL UINT32_C(0xDEADBEEF)
#define INT_SENTINEL 0x5A5A
#define MODE_SENTINEL ((mode_t)0xBEEF)
#define UNS_SENTINEL 0xC0FFEEu

/* "１" (U+FF11 FULLWIDTH DIGIT ONE): a digit to Unicode, not to us. */
#define FULLWIDTH_ONE "\xef\xbc\x91"

/* ---------------------------------------------------------------- parse_u32 */

struct u32_case {
	const char *s;
	uint32_t max;
	int rc;
	uint32_t val;
};

static const struct u32_case u32_cases[] = {
	/* refused: not a decimal number */
	{ NULL, UINT32_MAX, -EINVAL, 0 },
	{ "", UINT32_MAX, -EINVAL, 0 },
	{ "-1", UINT32_MAX, -EINVAL, 0 },
	{ "-0", UINT32_MAX, -EINVAL, 0 },
	{ "+1", UINT32_MAX, -EINVAL, 0 },
	{ " 12", UINT32_MAX, -EINVAL, 0 },
	{ "12 ", UINT32_MAX, -EINVAL, 0 },
	{ "\t12", UINT32_MAX, -EINVAL, 0 },
	{ "12\n", UINT32_MAX, -EINVAL, 0 },
	{ "1 2", UINT32_MAX, -EINVAL, 0 },
	{ "12abc", UINT32_MAX, -EINVAL, 0 },
	{ "abc", UINT32_MAX, -EINVAL, 0 },
	{ "0x10", UINT32_MAX, -EINVAL, 0 },
	{ "0X10", UINT32_MAX, -EINVAL, 0 },
	{ "1e3", UINT32_MAX, -EINVAL, 0 },
	{ "1.0", UINT32_MAX, -EINVAL, 0 },
	{ "1,000", UINT32_MAX, -EINVAL, 0 },
	{ "1_000", UINT32_MAX, -EINVAL, 0 },
	{ FULLWIDTH_ONE, UINT32_MAX, -EINVAL, 0 },
	{ "1" FULLWIDTH_ONE, UINT32_MAX, -EINVAL, 0 },
	/* refused: out of range */
	{ "4294967296", UINT32_MAX, -ERANGE, 0 },
	{ "4294967297", UINT32_MAX, -ERANGE, 0 },
	{ "18446744073709551615", UINT32_MAX, -ERANGE, 0 },
	{ "18446744073709551616", UINT32_MAX, -ERANGE, 0 },
	{ "18446744073709551617", UINT32_MAX, -ERANGE, 0 },
	{ "99999999999999999999", UINT32_MAX, -ERANGE, 0 },
	{ "999999999999999999999999999999", UINT32_MAX, -ERANGE, 0 },
	{ "101", 100, -ERANGE, 0 },
	{ "1", 0, -ERANGE, 0 },
	{ "4294967295", UINT32_MAX - 1, -ERANGE, 0 },
	{ "0100", 99, -ERANGE, 0 },
	/* accepted */
	{ "0", 0, 0, 0 },
	{ "0", UINT32_MAX, 0, 0 },
	{ "1", UINT32_MAX, 0, 1 },
	{ "42", UINT32_MAX, 0, 42 },
	{ "007", UINT32_MAX, 0, 7 },
	{ "000", UINT32_MAX, 0, 0 },
	{ "100", 100, 0, 100 },
	{ "0000000000000000000000000001", UINT32_MAX, 0, 1 },
	{ "4294967294", UINT32_MAX - 1, 0, UINT32_MAX - 1 },
	{ "4294967295", UINT32_MAX, 0, UINT32_MAX },
	{ "04294967295", UINT32_MAX, 0, UINT32_MAX },
};

START_TEST(test_parse_u32_table)
{
	const struct u32_case *c = &u32_cases[_i];
	uint32_t out = U32_SENTINEL;
	int rc = parse_u32(c->s, c->max, &out);

	ck_assert_msg(rc == c->rc, "parse_u32(\"%s\", %u): rc %d, want %d", c->s ? c->s : "(null)",
		      c->max, rc, c->rc);
	if (c->rc == 0)
		ck_assert_msg(out == c->val, "parse_u32(\"%s\"): %u, want %u", c->s, out, c->val);
	else
		ck_assert_msg(out == U32_SENTINEL, "parse_u32(\"%s\") failed but wrote *out = %u",
			      c->s ? c->s : "(null)", out);
}
END_TEST

/* ----------------------------------------------------------------- parse_id */

struct id_case {
	const char *s;
	int rc;
	uint32_t val;
};

static const struct id_case id_cases[] = {
	{ "", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+0", -EINVAL, 0 },
	{ " 0", -EINVAL, 0 },
	{ "1000 ", -EINVAL, 0 },
	{ "1000x", -EINVAL, 0 },
	{ "0x3e8", -EINVAL, 0 },
	{ "root", -EINVAL, 0 },
	{ "4294967295", -ERANGE, 0 }, /* (uid_t)-1: "no change" to setresuid */
	{ "4294967296", -ERANGE, 0 },
	{ "18446744073709551615", -ERANGE, 0 },
	{ "99999999999999999999", -ERANGE, 0 },
	{ "0", 0, 0 },
	{ "00", 0, 0 },
	{ "1", 0, 1 },
	{ "1000", 0, 1000 },
	{ "65534", 0, 65534 },
	{ "65535", 0, 65535 },
	{ "65536", 0, 65536 },
	{ "2147483648", 0, UINT32_C(2147483648) },
	{ "4294967294", 0, UINT32_C(4294967294) },
};

START_TEST(test_parse_id_table)
{
	const struct id_case *c = &id_cases[_i];
	uint32_t out = U32_SENTINEL;
	int rc = parse_id(c->s, &out);

	ck_assert_msg(rc == c->rc, "parse_id(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
	if (c->rc == 0)
		ck_assert_msg(out == c->val, "parse_id(\"%s\"): %u, want %u", c->s, out, c->val);
	else
		ck_assert_msg(out == U32_SENTINEL, "parse_id(\"%s\") failed but wrote %u", c->s,
			      out);
}
END_TEST

/* ------------------------------------------------------------- parse_signal */

/* Real-time signal numbers are only known at run time (SIGRTMIN is a
 * function call in glibc), so an expected value is a base plus an offset. */
enum sig_base { ABS, RTMIN, RTMAX };

struct sig_case {
	const char *s;
	int rc;
	enum sig_base base;
	int off;
};

static int sig_expected(enum sig_base base, int off)
{
	switch (base) {
	case RTMIN:
		return SIGRTMIN + off;
	case RTMAX:
		return SIGRTMAX + off;
	case ABS:
	default:
		return off;
	}
}

static const struct sig_case sig_cases[] = {
	/* refused: malformed */
	{ "", -EINVAL, ABS, 0 },
	{ "SIG", -EINVAL, ABS, 0 },
	{ "sig", -EINVAL, ABS, 0 },
	{ "FOO", -EINVAL, ABS, 0 },
	{ "SIGFOO", -EINVAL, ABS, 0 },
	{ "SIGSIGTERM", -EINVAL, ABS, 0 },
	{ "TER", -EINVAL, ABS, 0 },
	{ "TERMS", -EINVAL, ABS, 0 },
	{ "TERM ", -EINVAL, ABS, 0 },
	{ " TERM", -EINVAL, ABS, 0 },
	{ "SIG TERM", -EINVAL, ABS, 0 },
	{ "SIG_TERM", -EINVAL, ABS, 0 },
	{ "15x", -EINVAL, ABS, 0 },
	{ " 15", -EINVAL, ABS, 0 },
	{ "15 ", -EINVAL, ABS, 0 },
	{ "-15", -EINVAL, ABS, 0 },
	{ "+15", -EINVAL, ABS, 0 },
	{ "0xf", -EINVAL, ABS, 0 },
	{ "1.5", -EINVAL, ABS, 0 },
	{ FULLWIDTH_ONE, -EINVAL, ABS, 0 },
	{ "RTMIN+", -EINVAL, ABS, 0 },
	{ "RTMIN+x", -EINVAL, ABS, 0 },
	{ "RTMIN+1x", -EINVAL, ABS, 0 },
	{ "RTMIN+ 1", -EINVAL, ABS, 0 },
	{ "RTMIN-1", -EINVAL, ABS, 0 },
	{ "RTMIN-", -EINVAL, ABS, 0 },
	{ "RTMAX-", -EINVAL, ABS, 0 },
	{ "RTMAX-x", -EINVAL, ABS, 0 },
	{ "RTMIN+-1", -EINVAL, ABS, 0 },
	{ "RTMID", -EINVAL, ABS, 0 },
	/* refused: out of range */
	{ "0", -ERANGE, ABS, 0 },
	{ "65", -ERANGE, ABS, 0 },
	{ "100", -ERANGE, ABS, 0 },
	{ "4294967296", -ERANGE, ABS, 0 },
	{ "99999999999999999999", -ERANGE, ABS, 0 },
	{ "RTMIN+100", -ERANGE, ABS, 0 },
	{ "SIGRTMIN+100", -ERANGE, ABS, 0 },
	{ "RTMAX-100", -ERANGE, ABS, 0 },
	/* accepted: names, any ASCII case, with or without SIG */
	{ "TERM", 0, ABS, SIGTERM },
	{ "SIGTERM", 0, ABS, SIGTERM },
	{ "term", 0, ABS, SIGTERM },
	{ "SigTerm", 0, ABS, SIGTERM },
	{ "sigterm", 0, ABS, SIGTERM },
	{ "tErM", 0, ABS, SIGTERM },
	{ "HUP", 0, ABS, SIGHUP },
	{ "INT", 0, ABS, SIGINT },
	{ "QUIT", 0, ABS, SIGQUIT },
	{ "ILL", 0, ABS, SIGILL },
	{ "TRAP", 0, ABS, SIGTRAP },
	{ "ABRT", 0, ABS, SIGABRT },
	{ "IOT", 0, ABS, SIGIOT },
	{ "BUS", 0, ABS, SIGBUS },
	{ "FPE", 0, ABS, SIGFPE },
	{ "KILL", 0, ABS, SIGKILL },
	{ "USR1", 0, ABS, SIGUSR1 },
	{ "SEGV", 0, ABS, SIGSEGV },
	{ "USR2", 0, ABS, SIGUSR2 },
	{ "PIPE", 0, ABS, SIGPIPE },
	{ "ALRM", 0, ABS, SIGALRM },
#ifdef SIGSTKFLT
	{ "STKFLT", 0, ABS, SIGSTKFLT },
#endif
	{ "CHLD", 0, ABS, SIGCHLD },
	{ "CLD", 0, ABS, SIGCHLD },
	{ "CONT", 0, ABS, SIGCONT },
	{ "STOP", 0, ABS, SIGSTOP },
	{ "TSTP", 0, ABS, SIGTSTP },
	{ "TTIN", 0, ABS, SIGTTIN },
	{ "TTOU", 0, ABS, SIGTTOU },
	{ "URG", 0, ABS, SIGURG },
	{ "XCPU", 0, ABS, SIGXCPU },
	{ "XFSZ", 0, ABS, SIGXFSZ },
	{ "VTALRM", 0, ABS, SIGVTALRM },
	{ "PROF", 0, ABS, SIGPROF },
	{ "WINCH", 0, ABS, SIGWINCH },
	{ "IO", 0, ABS, SIGIO },
	{ "POLL", 0, ABS, SIGPOLL },
	{ "PWR", 0, ABS, SIGPWR },
	{ "SYS", 0, ABS, SIGSYS },
	{ "SIGHUP", 0, ABS, SIGHUP },
	{ "SIGKILL", 0, ABS, SIGKILL },
	{ "sigchld", 0, ABS, SIGCHLD },
	{ "SIGCLD", 0, ABS, SIGCHLD },
	{ "SIGIOT", 0, ABS, SIGABRT },
	{ "SIGPOLL", 0, ABS, SIGIO },
	{ "sigusr1", 0, ABS, SIGUSR1 },
	{ "Winch", 0, ABS, SIGWINCH },
	/* accepted: numbers 1..64 */
	{ "1", 0, ABS, 1 },
	{ "9", 0, ABS, 9 },
	{ "15", 0, ABS, 15 },
	{ "32", 0, ABS, 32 },
	{ "64", 0, ABS, 64 },
	/* accepted: real-time */
	{ "RTMIN", 0, RTMIN, 0 },
	{ "SIGRTMIN", 0, RTMIN, 0 },
	{ "RTMIN+1", 0, RTMIN, 1 },
	{ "RTMIN+2", 0, RTMIN, 2 },
	{ "SIGRTMIN+2", 0, RTMIN, 2 },
	{ "rtmin+2", 0, RTMIN, 2 },
	{ "RTMAX", 0, RTMAX, 0 },
	{ "SIGRTMAX", 0, RTMAX, 0 },
	{ "RTMAX-1", 0, RTMAX, -1 },
	{ "SIGRTMAX-1", 0, RTMAX, -1 },
	{ "sigrtmax-1", 0, RTMAX, -1 },
};

START_TEST(test_parse_signal_table)
{
	const struct sig_case *c = &sig_cases[_i];
	int out = INT_SENTINEL;
	int rc = parse_signal(c->s, &out);

	ck_assert_msg(rc == c->rc, "parse_signal(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
	if (c->rc == 0) {
		int want = sig_expected(c->base, c->off);
		ck_assert_msg(out == want, "parse_signal(\"%s\"): %d, want %d", c->s, out, want);
	} else {
		ck_assert_msg(out == INT_SENTINEL, "parse_signal(\"%s\") failed but wrote %d", c->s,
			      out);
	}
}
END_TEST

/* The real-time range is exactly SIGRTMIN..SIGRTMAX, whatever SIGRTMIN is. */
START_TEST(test_parse_signal_rt_edges)
{
	char buf[32];
	int span = SIGRTMAX - SIGRTMIN;
	int out = INT_SENTINEL;

	ck_assert_int_eq(SIGRTMAX, PARSE_SIG_MAX);

	snprintf(buf, sizeof(buf), "RTMIN+%d", span);
	ck_assert_int_eq(parse_signal(buf, &out), 0);
	ck_assert_int_eq(out, SIGRTMAX);

	out = INT_SENTINEL;
	snprintf(buf, sizeof(buf), "RTMIN+%d", span + 1);
	ck_assert_int_eq(parse_signal(buf, &out), -ERANGE);
	ck_assert_int_eq(out, INT_SENTINEL);

	out = INT_SENTINEL;
	snprintf(buf, sizeof(buf), "RTMAX-%d", span);
	ck_assert_int_eq(parse_signal(buf, &out), 0);
	ck_assert_int_eq(out, SIGRTMIN);

	/* One below SIGRTMIN is still a valid signal number, but not a
	 * real-time one: out of range for RTMAX-n. */
	out = INT_SENTINEL;
	snprintf(buf, sizeof(buf), "RTMAX-%d", span + 1);
	ck_assert_int_eq(parse_signal(buf, &out), -ERANGE);
	ck_assert_int_eq(out, INT_SENTINEL);
}
END_TEST

/* -------------------------------------------------------- parse_signal_name */

struct signame_case {
	int sig;
	const char *name; /* NULL: no name */
};

static const struct signame_case signame_cases[] = {
	{ 0, NULL },
	{ -1, NULL },
	{ -15, NULL },
	{ 65, NULL },
	{ 1000, NULL },
	{ SIGHUP, "HUP" },
	{ SIGINT, "INT" },
	{ SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" },
	{ SIGTRAP, "TRAP" },
	{ SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" },
	{ SIGFPE, "FPE" },
	{ SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" },
	{ SIGSEGV, "SEGV" },
	{ SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" },
	{ SIGALRM, "ALRM" },
	{ SIGTERM, "TERM" },
#ifdef SIGSTKFLT
	{ SIGSTKFLT, "STKFLT" },
#endif
	{ SIGCHLD, "CHLD" },
	{ SIGCONT, "CONT" },
	{ SIGSTOP, "STOP" },
	{ SIGTSTP, "TSTP" },
	{ SIGTTIN, "TTIN" },
	{ SIGTTOU, "TTOU" },
	{ SIGURG, "URG" },
	{ SIGXCPU, "XCPU" },
	{ SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" },
	{ SIGPROF, "PROF" },
	{ SIGWINCH, "WINCH" },
	{ SIGIO, "IO" },
	{ SIGPWR, "PWR" },
	{ SIGSYS, "SYS" },
};

START_TEST(test_parse_signal_name_table)
{
	const struct signame_case *c = &signame_cases[_i];
	const char *got = parse_signal_name(c->sig);

	if (!c->name)
		ck_assert_msg(got == NULL, "parse_signal_name(%d): \"%s\", want NULL", c->sig, got);
	else
		ck_assert_msg(got && strcmp(got, c->name) == 0,
			      "parse_signal_name(%d): \"%s\", want \"%s\"", c->sig,
			      got ? got : "(null)", c->name);
}
END_TEST

START_TEST(test_parse_signal_name_realtime)
{
	ck_assert_ptr_null(parse_signal_name(SIGRTMIN));
	ck_assert_ptr_null(parse_signal_name(SIGRTMIN + 1));
	ck_assert_ptr_null(parse_signal_name(SIGRTMAX - 1));
	ck_assert_ptr_null(parse_signal_name(SIGRTMAX));
}
END_TEST

/* Every name parse_signal_name gives back parses to the same number. */
START_TEST(test_parse_signal_name_roundtrip)
{
	int n_named = 0;

	for (int sig = 1; sig <= PARSE_SIG_MAX; sig++) {
		const char *name = parse_signal_name(sig);
		char prefixed[32];
		int out = INT_SENTINEL;

		if (!name)
			continue;
		n_named++;
		ck_assert_msg(strncmp(name, "SIG", 3) != 0, "name of %d has the prefix: %s", sig,
			      name);
		ck_assert_msg(parse_signal(name, &out) == 0 && out == sig,
			      "parse_signal(parse_signal_name(%d) = \"%s\") = %d", sig, name, out);
		snprintf(prefixed, sizeof(prefixed), "SIG%s", name);
		out = INT_SENTINEL;
		ck_assert_msg(parse_signal(prefixed, &out) == 0 && out == sig,
			      "parse_signal(\"%s\") = %d, want %d", prefixed, out, sig);
	}
	/* The 31 classic signals of x86-64 Linux all have a name. */
	ck_assert_int_ge(n_named, 30);
}
END_TEST

/* ------------------------------------------------------------ parse_rewrite */

struct rewrite_case {
	const char *s;
	int rc;
	int from, to;
};

static const struct rewrite_case rewrite_cases[] = {
	{ "", -EINVAL, 0, 0 },
	{ ":", -EINVAL, 0, 0 },
	{ "TERM", -EINVAL, 0, 0 },
	{ "TERM:", -EINVAL, 0, 0 },
	{ ":QUIT", -EINVAL, 0, 0 },
	{ "TERM:QUIT:INT", -EINVAL, 0, 0 },
	{ "TERM::QUIT", -EINVAL, 0, 0 },
	{ "TERM,QUIT", -EINVAL, 0, 0 },
	{ "TERM=QUIT", -EINVAL, 0, 0 },
	{ "TERM :QUIT", -EINVAL, 0, 0 },
	{ "TERM: QUIT", -EINVAL, 0, 0 },
	{ "KILL:TERM", -EINVAL, 0, 0 },
	{ "SIGKILL:TERM", -EINVAL, 0, 0 },
	{ "9:TERM", -EINVAL, 0, 0 },
	{ "STOP:TERM", -EINVAL, 0, 0 },
	{ "19:TERM", -EINVAL, 0, 0 },
	{ "CHLD:TERM", -EINVAL, 0, 0 },
	/* never reach the loop: 32/33 are libc's */
	{ "32:TERM", -EINVAL, 0, 0 },
	{ "33:TERM", -EINVAL, 0, 0 },
	{ "CLD:TERM", -EINVAL, 0, 0 },
	{ "17:TERM", -EINVAL, 0, 0 },
	{ "TERM:FOO", -EINVAL, 0, 0 },
	{ "FOO:TERM", -EINVAL, 0, 0 },
	{ "TERM:QUIT", 0, SIGTERM, SIGQUIT },
	{ "SIGTERM:SIGQUIT", 0, SIGTERM, SIGQUIT },
	{ "term:quit", 0, SIGTERM, SIGQUIT },
	{ "15:3", 0, SIGTERM, SIGQUIT },
	{ "TERM:KILL", 0, SIGTERM, SIGKILL },
	{ "INT:TERM", 0, SIGINT, SIGTERM },
	/* fault signals sent with kill are forwarded, so they may be rewritten */
	{ "SEGV:TERM", 0, SIGSEGV, SIGTERM },
	{ "ABRT:QUIT", 0, SIGABRT, SIGQUIT },
	{ "SIGSYS:TERM", 0, SIGSYS, SIGTERM },
	{ "HUP:USR1", 0, SIGHUP, SIGUSR1 },
	{ "WINCH:CHLD", 0, SIGWINCH, SIGCHLD },
};

START_TEST(test_parse_rewrite_table)
{
	const struct rewrite_case *c = &rewrite_cases[_i];
	int from = INT_SENTINEL, to = INT_SENTINEL;
	int rc = parse_rewrite(c->s, &from, &to);

	ck_assert_msg(rc == c->rc, "parse_rewrite(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
	if (c->rc == 0) {
		ck_assert_msg(from == c->from && to == c->to,
			      "parse_rewrite(\"%s\"): %d:%d, want %d:%d", c->s, from, to, c->from,
			      c->to);
	} else {
		ck_assert_msg(from == INT_SENTINEL && to == INT_SENTINEL,
			      "parse_rewrite(\"%s\") failed but wrote %d:%d", c->s, from, to);
	}
}
END_TEST

START_TEST(test_parse_rewrite_realtime)
{
	int from = INT_SENTINEL, to = INT_SENTINEL;

	ck_assert_int_eq(parse_rewrite("RTMIN+2:SIGRTMAX-1", &from, &to), 0);
	ck_assert_int_eq(from, SIGRTMIN + 2);
	ck_assert_int_eq(to, SIGRTMAX - 1);
}
END_TEST

/* ---------------------------------------------------------------- parse_cap */

struct cap_case {
	const char *s;
	int rc;
	int val;
};

static const struct cap_case cap_cases[] = {
	{ "", -EINVAL, 0 },
	{ "CAP_", -EINVAL, 0 },
	{ "cap_", -EINVAL, 0 },
	{ "NET BIND", -EINVAL, 0 },
	{ "NET_BIND", -EINVAL, 0 },
	{ "NET_BIND_SERVICES", -EINVAL, 0 },
	{ "12", -EINVAL, 0 },
	{ "0", -EINVAL, 0 },
	{ "all", -EINVAL, 0 },
	{ "ALL", -EINVAL, 0 },
	{ "CAP_CAP_CHOWN", -EINVAL, 0 },
	{ " CHOWN", -EINVAL, 0 },
	{ "CHOWN ", -EINVAL, 0 },
	{ "CHOWN,KILL", -EINVAL, 0 },
	{ "CAP-CHOWN", -EINVAL, 0 },
	{ "NOPE", -EINVAL, 0 },
	{ "CHOWN", 0, CAP_CHOWN },
	{ "cap_chown", 0, CAP_CHOWN },
	{ "CAP_CHOWN", 0, CAP_CHOWN },
	{ "Cap_Chown", 0, CAP_CHOWN },
	{ "NET_BIND_SERVICE", 0, CAP_NET_BIND_SERVICE },
	{ "net_bind_service", 0, CAP_NET_BIND_SERVICE },
	{ "CAP_NET_BIND_SERVICE", 0, CAP_NET_BIND_SERVICE },
	{ "cap_net_bind_service", 0, CAP_NET_BIND_SERVICE },
	{ "SYS_ADMIN", 0, CAP_SYS_ADMIN },
	{ "CAP_SYS_ADMIN", 0, CAP_SYS_ADMIN },
	/* every capability <linux/capability.h> knows, by its name */
	{ "DAC_OVERRIDE", 0, CAP_DAC_OVERRIDE },
	{ "DAC_READ_SEARCH", 0, CAP_DAC_READ_SEARCH },
	{ "FOWNER", 0, CAP_FOWNER },
	{ "FSETID", 0, CAP_FSETID },
	{ "KILL", 0, CAP_KILL },
	{ "SETGID", 0, CAP_SETGID },
	{ "SETUID", 0, CAP_SETUID },
	{ "SETPCAP", 0, CAP_SETPCAP },
	{ "LINUX_IMMUTABLE", 0, CAP_LINUX_IMMUTABLE },
	{ "NET_BROADCAST", 0, CAP_NET_BROADCAST },
	{ "NET_ADMIN", 0, CAP_NET_ADMIN },
	{ "NET_RAW", 0, CAP_NET_RAW },
	{ "IPC_LOCK", 0, CAP_IPC_LOCK },
	{ "IPC_OWNER", 0, CAP_IPC_OWNER },
	{ "SYS_MODULE", 0, CAP_SYS_MODULE },
	{ "SYS_RAWIO", 0, CAP_SYS_RAWIO },
	{ "SYS_CHROOT", 0, CAP_SYS_CHROOT },
	{ "SYS_PTRACE", 0, CAP_SYS_PTRACE },
	{ "SYS_PACCT", 0, CAP_SYS_PACCT },
	{ "SYS_BOOT", 0, CAP_SYS_BOOT },
	{ "SYS_NICE", 0, CAP_SYS_NICE },
	{ "SYS_RESOURCE", 0, CAP_SYS_RESOURCE },
	{ "SYS_TIME", 0, CAP_SYS_TIME },
	{ "SYS_TTY_CONFIG", 0, CAP_SYS_TTY_CONFIG },
	{ "MKNOD", 0, CAP_MKNOD },
	{ "LEASE", 0, CAP_LEASE },
	{ "AUDIT_WRITE", 0, CAP_AUDIT_WRITE },
	{ "AUDIT_CONTROL", 0, CAP_AUDIT_CONTROL },
	{ "SETFCAP", 0, CAP_SETFCAP },
	{ "MAC_OVERRIDE", 0, CAP_MAC_OVERRIDE },
	{ "MAC_ADMIN", 0, CAP_MAC_ADMIN },
	{ "SYSLOG", 0, CAP_SYSLOG },
	{ "WAKE_ALARM", 0, CAP_WAKE_ALARM },
	{ "BLOCK_SUSPEND", 0, CAP_BLOCK_SUSPEND },
	{ "AUDIT_READ", 0, CAP_AUDIT_READ },
#ifdef CAP_PERFMON
	{ "PERFMON", 0, CAP_PERFMON },
#endif
#ifdef CAP_BPF
	{ "BPF", 0, CAP_BPF },
#endif
#ifdef CAP_CHECKPOINT_RESTORE
	{ "CHECKPOINT_RESTORE", 0, CAP_CHECKPOINT_RESTORE },
#endif
};

START_TEST(test_parse_cap_table)
{
	const struct cap_case *c = &cap_cases[_i];
	int out = INT_SENTINEL;
	int rc = parse_cap(c->s, &out);

	ck_assert_msg(rc == c->rc, "parse_cap(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
	if (c->rc == 0)
		ck_assert_msg(out == c->val, "parse_cap(\"%s\"): %d, want %d", c->s, out, c->val);
	else
		ck_assert_msg(out == INT_SENTINEL, "parse_cap(\"%s\") failed but wrote %d", c->s,
			      out);
}
END_TEST

/* ----------------------------------------------------------- parse_cap_list */

#define BIT(n) (UINT64_C(1) << (n))

struct caplist_case {
	const char *s;
	uint64_t before;
	int rc;
	uint64_t after; /* on failure: must equal before */
};

static const struct caplist_case caplist_cases[] = {
	{ ",", 0, -EINVAL, 0 },
	{ "CHOWN,", 0, -EINVAL, 0 },
	{ ",CHOWN", 0, -EINVAL, 0 },
	{ "CHOWN,,KILL", 0, -EINVAL, 0 },
	{ "CHOWN, KILL", 0, -EINVAL, 0 },
	{ "CHOWN ,KILL", 0, -EINVAL, 0 },
	{ "CHOWN,NOPE", 0, -EINVAL, 0 },
	{ "NOPE,CHOWN", 0, -EINVAL, 0 },
	{ "CHOWN;KILL", 0, -EINVAL, 0 },
	{ "CHOWN:KILL", 0, -EINVAL, 0 },
	{ "all", 0, -EINVAL, 0 },
	{ "12", 0, -EINVAL, 0 },
	/* a failure leaves a non-empty mask exactly as it was */
	{ "CHOWN,NOPE", BIT(CAP_SYS_ADMIN), -EINVAL, BIT(CAP_SYS_ADMIN) },
	{ "CHOWN,,KILL", BIT(CAP_KILL), -EINVAL, BIT(CAP_KILL) },
	{ "", 0, 0, 0 },
	{ "", BIT(CAP_KILL), 0, BIT(CAP_KILL) },
	{ "CHOWN", 0, 0, BIT(CAP_CHOWN) },
	{ "CHOWN,NET_BIND_SERVICE", 0, 0, BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) },
	{ "cap_chown,CAP_NET_BIND_SERVICE", 0, 0, BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) },
	{ "NET_BIND_SERVICE,NET_BIND_SERVICE", 0, 0, BIT(CAP_NET_BIND_SERVICE) },
	{ "SYS_ADMIN,KILL,CHOWN", 0, 0, BIT(CAP_SYS_ADMIN) | BIT(CAP_KILL) | BIT(CAP_CHOWN) },
	/* ORed into what is already there */
	{ "CHOWN", BIT(CAP_SYS_ADMIN), 0, BIT(CAP_SYS_ADMIN) | BIT(CAP_CHOWN) },
	{ "CHOWN", BIT(CAP_CHOWN), 0, BIT(CAP_CHOWN) },
#ifdef CAP_CHECKPOINT_RESTORE
	{ "CHECKPOINT_RESTORE", 0, 0, BIT(CAP_CHECKPOINT_RESTORE) },
#endif
};

START_TEST(test_parse_cap_list_table)
{
	const struct caplist_case *c = &caplist_cases[_i];
	uint64_t mask = c->before;
	int rc = parse_cap_list(c->s, &mask);

	ck_assert_msg(rc == c->rc, "parse_cap_list(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
	ck_assert_msg(mask == c->after, "parse_cap_list(\"%s\") from %#llx: %#llx, want %#llx",
		      c->s, (unsigned long long)c->before, (unsigned long long)mask,
		      (unsigned long long)c->after);
}
END_TEST

/* -------------------------------------------------------------- parse_umask */

struct umask_case {
	const char *s;
	int rc;
	mode_t val;
};

static const struct umask_case umask_cases[] = {
	{ "", -EINVAL, 0 },      { "8", -EINVAL, 0 },    { "9", -EINVAL, 0 },
	{ "0888", -EINVAL, 0 },  { "078", -EINVAL, 0 },  { "-1", -EINVAL, 0 },
	{ "+22", -EINVAL, 0 },   { "0x1f", -EINVAL, 0 }, { "00022", -EINVAL, 0 },
	{ "00000", -EINVAL, 0 }, { " 022", -EINVAL, 0 }, { "022 ", -EINVAL, 0 },
	{ "u=rwx", -EINVAL, 0 }, { "1777", -ERANGE, 0 }, { "1000", -ERANGE, 0 },
	{ "7777", -ERANGE, 0 },  { "022", 0, 022 },      { "0", 0, 0 },
	{ "0000", 0, 0 },        { "0777", 0, 0777 },    { "777", 0, 0777 },
	{ "0022", 0, 022 },      { "22", 0, 022 },       { "7", 0, 07 },
	{ "027", 0, 027 },       { "0077", 0, 077 },
};

START_TEST(test_parse_umask_table)
{
	const struct umask_case *c = &umask_cases[_i];
	mode_t out = MODE_SENTINEL;
	int rc = parse_umask(c->s, &out);

	ck_assert_msg(rc == c->rc, "parse_umask(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
	if (c->rc == 0)
		ck_assert_msg(out == c->val, "parse_umask(\"%s\"): %#o, want %#o", c->s,
			      (unsigned)out, (unsigned)c->val);
	else
		ck_assert_msg(out == MODE_SENTINEL, "parse_umask(\"%s\") failed but wrote %#o",
			      c->s, (unsigned)out);
}
END_TEST

/* ------------------------------------------------------------ parse_seconds */

struct seconds_case {
	const char *s;
	int rc;
	unsigned val;
};

static const struct seconds_case seconds_cases[] = {
	{ "", -EINVAL, 0 },
	{ "1.5", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ "5s", -EINVAL, 0 },
	{ " 5", -EINVAL, 0 },
	{ "1e3", -EINVAL, 0 },
	{ "86401", -ERANGE, 0 },
	{ "100000", -ERANGE, 0 },
	{ "4294967296", -ERANGE, 0 },
	{ "99999999999999999999", -ERANGE, 0 },
	{ "0", 0, 0 },
	{ "5", 0, 5 },
	{ "05", 0, 5 },
	{ "3600", 0, 3600 },
	{ "86400", 0, 86400 },
};

START_TEST(test_parse_seconds_table)
{
	const struct seconds_case *c = &seconds_cases[_i];
	unsigned out = UNS_SENTINEL;
	int rc = parse_seconds(c->s, &out);

	ck_assert_msg(rc == c->rc, "parse_seconds(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
	if (c->rc == 0)
		ck_assert_msg(out == c->val, "parse_seconds(\"%s\"): %u, want %u", c->s, out,
			      c->val);
	else
		ck_assert_msg(out == UNS_SENTINEL, "parse_seconds(\"%s\") failed but wrote %u",
			      c->s, out);
}
END_TEST

/* --------------------------------------------------------------- parse_bool */

struct bool_case {
	const char *s;
	int rc;
	bool val;
};

static const struct bool_case bool_cases[] = {
	{ "", -EINVAL, false },     { "2", -EINVAL, false },    { "tru", -EINVAL, false },
	{ " yes", -EINVAL, false }, { "yes ", -EINVAL, false }, { "truee", -EINVAL, false },
	{ "y", -EINVAL, false },    { "n", -EINVAL, false },    { "01", -EINVAL, false },
	{ "00", -EINVAL, false },   { "-1", -EINVAL, false },   { "enable", -EINVAL, false },
	{ "1", 0, true },           { "true", 0, true },        { "yes", 0, true },
	{ "on", 0, true },          { "TRUE", 0, true },        { "True", 0, true },
	{ "YES", 0, true },         { "yEs", 0, true },         { "ON", 0, true },
	{ "On", 0, true },          { "0", 0, false },          { "false", 0, false },
	{ "no", 0, false },         { "off", 0, false },        { "FALSE", 0, false },
	{ "fAlSe", 0, false },      { "NO", 0, false },         { "No", 0, false },
	{ "OFF", 0, false },        { "oFf", 0, false },
};

START_TEST(test_parse_bool_table)
{
	const struct bool_case *c = &bool_cases[_i];

	/* Run twice, from each possible starting value, so that both a wrong
	 * value and a write on failure are caught. */
	for (int start = 0; start <= 1; start++) {
		bool out = start;
		int rc = parse_bool(c->s, &out);

		ck_assert_msg(rc == c->rc, "parse_bool(\"%s\"): rc %d, want %d", c->s, rc, c->rc);
		if (c->rc == 0)
			ck_assert_msg(out == c->val, "parse_bool(\"%s\"): %d, want %d", c->s, out,
				      c->val);
		else
			ck_assert_msg(out == (bool)start, "parse_bool(\"%s\") failed but wrote %d",
				      c->s, out);
	}
}
END_TEST

/* -------------------------------------------------------------------- suite */

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc;

#define ADD_TABLE(name, fn, table)                                   \
	do {                                                         \
		tc = tcase_create(name);                             \
		tcase_add_loop_test(tc, fn, 0, (int)N_ELEMS(table)); \
		suite_add_tcase(s, tc);                              \
	} while (0)

	ADD_TABLE("u32", test_parse_u32_table, u32_cases);
	ADD_TABLE("id", test_parse_id_table, id_cases);
	ADD_TABLE("signal", test_parse_signal_table, sig_cases);
	tc = tcase_create("signal_rt");
	tcase_add_test(tc, test_parse_signal_rt_edges);
	suite_add_tcase(s, tc);
	ADD_TABLE("signal_name", test_parse_signal_name_table, signame_cases);
	tc = tcase_create("signal_name_more");
	tcase_add_test(tc, test_parse_signal_name_realtime);
	tcase_add_test(tc, test_parse_signal_name_roundtrip);
	suite_add_tcase(s, tc);
	ADD_TABLE("rewrite", test_parse_rewrite_table, rewrite_cases);
	tc = tcase_create("rewrite_rt");
	tcase_add_test(tc, test_parse_rewrite_realtime);
	suite_add_tcase(s, tc);
	ADD_TABLE("cap", test_parse_cap_table, cap_cases);
	ADD_TABLE("cap_list", test_parse_cap_list_table, caplist_cases);
	ADD_TABLE("umask", test_parse_umask_table, umask_cases);
	ADD_TABLE("seconds", test_parse_seconds_table, seconds_cases);
	ADD_TABLE("bool", test_parse_bool_table, bool_cases);
#undef ADD_TABLE
	return s;
}

int main(void)
{
	return unit_run(parse_suite());
}
