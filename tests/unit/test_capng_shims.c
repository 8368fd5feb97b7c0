/* Unit tests for src/capng_shims.c: the sscanf() stand-in must read
 * /proc/PID/status lines exactly as scanf would for libcap-ng's two formats,
 * refuse any other format, and the NSS stand-ins must fail closed. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stepdown/capng_shims.h"

#include "unit.h"

#define BND "CapBnd:  %08x%08x"
#define AMB "CapAmb:  %08x%08x"

struct scan_case {
	const char *what;
	const char *line;
	const char *format;
	int want_n;
	unsigned int want_hi, want_lo;
};

/* clang-format off */
static const struct scan_case scan_cases[] = {
	/* negative first */
	{ "other format refused", "CapBnd:\t000001ffffffffff\n", "CapBnd: %d", EOF, 1, 2 },
	{ "%s format refused", "CapBnd:\tx\n", "%s", EOF, 1, 2 },
	{ "empty input", "", BND, EOF, 1, 2 },
	{ "other line", "CapEff:\t000001ffffffffff\n", BND, 0, 1, 2 },
	{ "prefix of the other format", "CapAmb:\t0000000000000000\n", BND, 0, 1, 2 },
	{ "no digits, end of input", "CapBnd:\t\n", BND, EOF, 1, 2 },
	{ "no digits", "CapBnd:\t-\n", BND, 0, 1, 2 },
	{ "non-hex digits", "CapBnd:\tzz\n", BND, 0, 1, 2 },
	{ "eight digits only", "CapBnd:\t000001ff\n", BND, 1, 0x1ff, 2 },
	/* positive: as the kernel writes them */
	{ "full bounding set (41 caps)", "CapBnd:\t000001ffffffffff\n", BND, 2, 0x1ff, 0xffffffff },
	{ "empty bounding set", "CapBnd:\t0000000000000000\n", BND, 2, 0, 0 },
	{ "one ambient cap", "CapAmb:\t0000000000000400\n", AMB, 2, 0, 0x400 },
	{ "upper-case hex", "CapAmb:\t000000AB0000CDEF\n", AMB, 2, 0xab, 0xcdef },
	{ "blanks instead of a tab", "CapBnd:   0000000100000002", BND, 2, 1, 2 },
};
/* clang-format on */

START_TEST(test_scan)
{
	const struct scan_case *c = &scan_cases[_i];
	unsigned int hi = 1, lo = 2;
	int n = stepdown_capng_sscanf(c->line, c->format, &hi, &lo);
	ck_assert_msg(n == c->want_n, "%s: returned %d, want %d", c->what, n, c->want_n);
	ck_assert_msg(hi == c->want_hi && lo == c->want_lo, "%s: got %x %x, want %x %x", c->what,
		      hi, lo, c->want_hi, c->want_lo);
}
END_TEST

/* The shim agrees with the C library's sscanf on every case it accepts. */
START_TEST(test_scan_matches_libc)
{
	const struct scan_case *c = &scan_cases[_i];
	if (strcmp(c->format, BND) != 0 && strcmp(c->format, AMB) != 0)
		return; /* formats the shim refuses on purpose */
	unsigned int hi = 1, lo = 2, lhi = 1, llo = 2;
	int n = stepdown_capng_sscanf(c->line, c->format, &hi, &lo);
	int ln = strcmp(c->format, BND) == 0 ? sscanf(c->line, BND, &lhi, &llo)
					     : sscanf(c->line, AMB, &lhi, &llo);
	ck_assert_msg(n == ln && hi == lhi && lo == llo, "%s: shim %d %x %x, libc %d %x %x",
		      c->what, n, hi, lo, ln, lhi, llo);
}
END_TEST

START_TEST(test_nss_fails_closed)
{
	errno = 0;
	ck_assert_ptr_null(stepdown_nss_blocked_pw(0));
	ck_assert_int_eq(errno, ENOSYS);
	errno = 0;
	ck_assert_int_eq(stepdown_nss_blocked_grp("root", 0), -1);
	ck_assert_int_eq(errno, ENOSYS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("capng_shims");
	TCase *tc = tcase_create("shims");
	int n = (int)(sizeof(scan_cases) / sizeof(scan_cases[0]));
	tcase_add_loop_test(tc, test_scan, 0, n);
	tcase_add_loop_test(tc, test_scan_matches_libc, 0, n);
	tcase_add_test(tc, test_nss_fails_closed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
