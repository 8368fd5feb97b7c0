/* Unit tests for src/env.c: the workload's environment. Table-driven,
 * negative cases first; every case is its own Check test. */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepdown/env.h"

#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MAX_ENV 16

/* ------------------------------------------------------------------ */
/* env_build                                                           */
/* ------------------------------------------------------------------ */

struct build_case {
	const char *what;
	char *envp[MAX_ENV]; /* NULL-terminated */
	const char *user;
	const char *home;
	const char *want[MAX_ENV]; /* NULL-terminated, exact and in order */
};

/* clang-format off */
static const struct build_case build_cases[] = {
	/* negative: what must go */
	{ "STEPDOWN_USER removed",
	  { "STEPDOWN_USER=x", NULL }, "app", "/home/app",
	  { "HOME=/home/app", "USER=app", "LOGNAME=app", NULL } },
	{ "every STEPDOWN_ variable removed",
	  { "STEPDOWN_USER=root", "A=1", "STEPDOWN_KEEP_CAPS=NET_BIND_SERVICE", "STEPDOWN_=",
	    "STEPDOWN_WRITABLE=/a:/b", "STEPDOWN_HOME=/x", NULL },
	  "app", "/home/app",
	  { "A=1", "HOME=/home/app", "USER=app", "LOGNAME=app", NULL } },
	{ "HOME duplicates removed",
	  { "HOME=/root", "PATH=/bin", "HOME=/other", "HOME=", NULL }, "app", "/home/app",
	  { "PATH=/bin", "HOME=/home/app", "USER=app", "LOGNAME=app", NULL } },
	{ "USER and LOGNAME replaced",
	  { "USER=root", "LOGNAME=root", "A=1", "USER=again", "LOGNAME=", NULL }, "bob", "/b",
	  { "A=1", "HOME=/b", "USER=bob", "LOGNAME=bob", NULL } },
	{ "only removable entries",
	  { "HOME=/root", "USER=root", "LOGNAME=root", "STEPDOWN_GRACE=3", NULL }, "app", "/",
	  { "HOME=/", "USER=app", "LOGNAME=app", NULL } },
	/* positive: what must stay, in order */
	{ "empty envp",
	  { NULL }, "app", "/home/app",
	  { "HOME=/home/app", "USER=app", "LOGNAME=app", NULL } },
	{ "look-alike names kept",
	  { "STEPDOWNX=1", "HOMEX=1", "XHOME=1", "USERNAME=u", "LOGNAMES=l", "STEPDOWN=1",
	    "stepdown_user=x", "home=/h", "HOME_DIR=/d", "_STEPDOWN_USER=x", NULL },
	  "app", "/home/app",
	  { "STEPDOWNX=1", "HOMEX=1", "XHOME=1", "USERNAME=u", "LOGNAMES=l", "STEPDOWN=1",
	    "stepdown_user=x", "home=/h", "HOME_DIR=/d", "_STEPDOWN_USER=x", "HOME=/home/app",
	    "USER=app", "LOGNAME=app", NULL } },
	{ "order kept around removed entries",
	  { "A=1", "HOME=/x", "B=2", "STEPDOWN_Q=1", "C=3", "USER=u", "D=", NULL }, "app",
	  "/home/app",
	  { "A=1", "B=2", "C=3", "D=", "HOME=/home/app", "USER=app", "LOGNAME=app", NULL } },
	{ "values with '=' and duplicates of other names kept",
	  { "X=a=b", "PATH=/bin", "PATH=/usr/bin", "EMPTY=", NULL }, "app", "/home/app",
	  { "X=a=b", "PATH=/bin", "PATH=/usr/bin", "EMPTY=", "HOME=/home/app", "USER=app",
	    "LOGNAME=app", NULL } },
	{ "numeric user without an entry",
	  { "PATH=/usr/bin:/bin", NULL }, "1234", "/",
	  { "PATH=/usr/bin:/bin", "HOME=/", "USER=1234", "LOGNAME=1234", NULL } },
	{ "home with spaces and '='",
	  { NULL }, "app", "/data/my home=x",
	  { "HOME=/data/my home=x", "USER=app", "LOGNAME=app", NULL } },
};
/* clang-format on */

START_TEST(test_env_build)
{
	const struct build_case *c = &build_cases[_i];
	char **got = env_build(c->envp, c->user, c->home);
	size_t n = 0;

	ck_assert_msg(got != NULL, "%s: env_build returned NULL", c->what);
	ck_assert_msg(got != c->envp, "%s: returned envp itself", c->what);
	for (; c->want[n]; n++) {
		ck_assert_msg(got[n] != NULL, "%s: entry %zu missing, expected '%s'", c->what, n,
			      c->want[n]);
		ck_assert_msg(strcmp(got[n], c->want[n]) == 0,
			      "%s: entry %zu is '%s', expected '%s'", c->what, n, got[n],
			      c->want[n]);
		/* the strings are the result's own (env_free frees them) */
		for (size_t k = 0; c->envp[k]; k++)
			ck_assert_msg(got[n] != c->envp[k], "%s: entry %zu aliases envp[%zu]",
				      c->what, n, k);
	}
	ck_assert_msg(got[n] == NULL, "%s: extra entry %zu '%s'", c->what, n, got[n]);
	env_free(got);
}
END_TEST

/* The input is not modified. */
START_TEST(test_env_build_input_untouched)
{
	char a[] = "HOME=/root", b[] = "STEPDOWN_USER=app", c[] = "PATH=/bin";
	char *envp[] = { a, b, c, NULL };
	char **got = env_build(envp, "app", "/home/app");

	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_eq(envp[0], a);
	ck_assert_ptr_eq(envp[1], b);
	ck_assert_ptr_eq(envp[2], c);
	ck_assert_ptr_null(envp[3]);
	ck_assert_str_eq(a, "HOME=/root");
	ck_assert_str_eq(b, "STEPDOWN_USER=app");
	ck_assert_str_eq(c, "PATH=/bin");
	/* and the result does not depend on it afterwards */
	memset(c, 'Z', sizeof(c) - 1);
	ck_assert_str_eq(got[0], "PATH=/bin");
	ck_assert_str_eq(got[1], "HOME=/home/app");
	ck_assert_str_eq(got[2], "USER=app");
	ck_assert_str_eq(got[3], "LOGNAME=app");
	ck_assert_ptr_null(got[4]);
	env_free(got);
}
END_TEST

/* A large environment keeps every entry, in order. */
START_TEST(test_env_build_large)
{
	enum { N = 5000 };
	char **envp = calloc(N + 1, sizeof(*envp));
	char **got;
	size_t k;

	ck_assert_ptr_nonnull(envp);
	for (k = 0; k < N; k++) {
		envp[k] = malloc(32);
		ck_assert_ptr_nonnull(envp[k]);
		snprintf(envp[k], 32, "%s%zu=%zu", k % 2 ? "STEPDOWN_V" : "V", k, k);
	}
	got = env_build(envp, "app", "/home/app");
	ck_assert_ptr_nonnull(got);
	for (k = 0; k < N / 2; k++) {
		char want[32];

		snprintf(want, sizeof(want), "V%zu=%zu", 2 * k, 2 * k);
		ck_assert_ptr_nonnull(got[k]);
		ck_assert_str_eq(got[k], want);
	}
	ck_assert_str_eq(got[k], "HOME=/home/app");
	ck_assert_str_eq(got[k + 1], "USER=app");
	ck_assert_str_eq(got[k + 2], "LOGNAME=app");
	ck_assert_ptr_null(got[k + 3]);
	env_free(got);
	for (k = 0; k < N; k++)
		free(envp[k]);
	free(envp);
}
END_TEST

/* ------------------------------------------------------------------ */
/* env_lookup                                                          */
/* ------------------------------------------------------------------ */

struct lookup_case {
	char *envp[MAX_ENV];
	const char *name;
	int want_index;   /* index of the entry whose value is returned, -1: NULL */
	const char *want; /* that value */
};

/* clang-format off */
static const struct lookup_case lookup_cases[] = {
	/* negative */
	{ { NULL }, "PATH", -1, NULL },
	{ { "PATHX=1", NULL }, "PATH", -1, NULL },
	{ { "XPATH=1", NULL }, "PATH", -1, NULL },
	{ { "PAT=1", NULL }, "PATH", -1, NULL },
	{ { "PATH", NULL }, "PATH", -1, NULL },
	{ { "path=/bin", NULL }, "PATH", -1, NULL },
	{ { "PATH_INFO=/x", "PATHS=/y", "MANPATH=/z", NULL }, "PATH", -1, NULL },
	{ { "HOME=/root", NULL }, "HOM", -1, NULL },
	{ { "A=PATH=/bin", NULL }, "PATH", -1, NULL },
	/* positive */
	{ { "PATH=/bin", NULL }, "PATH", 0, "/bin" },
	{ { "PATHX=1", "PATH=/bin", NULL }, "PATH", 1, "/bin" },
	{ { "XPATH=1", "PATHX=2", "PATH=/usr/bin:/bin", "Z=9", NULL }, "PATH", 2,
	  "/usr/bin:/bin" },
	{ { "A=1", "PATH=", NULL }, "PATH", 1, "" },
	{ { "PATH=/a=b", NULL }, "PATH", 0, "/a=b" },
	{ { "HOME=/root", "HOMEX=/x", NULL }, "HOME", 0, "/root" },
	{ { "HOMEX=/x", "HOME=/root", NULL }, "HOME", 1, "/root" },
	{ { "STEPDOWN_USER=app:app", NULL }, "STEPDOWN_USER", 0, "app:app" },
	{ { "STEPDOWN_USER_FROM=/data", "STEPDOWN_USER=app", NULL }, "STEPDOWN_USER", 1, "app" },
};
/* clang-format on */

START_TEST(test_env_lookup)
{
	const struct lookup_case *c = &lookup_cases[_i];
	const char *got = env_lookup(c->envp, c->name);

	if (c->want_index < 0) {
		ck_assert_msg(got == NULL, "case %d: lookup of '%s' gave '%s', expected NULL", _i,
			      c->name, got);
		return;
	}
	ck_assert_msg(got != NULL, "case %d: lookup of '%s' gave NULL, expected '%s'", _i, c->name,
		      c->want);
	ck_assert_msg(strcmp(got, c->want) == 0, "case %d: lookup of '%s' gave '%s', expected '%s'",
		      _i, c->name, got, c->want);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *env_suite(void)
{
	Suite *s = suite_create("env");
	TCase *tc;

	tc = tcase_create("build");
	tcase_add_loop_test(tc, test_env_build, 0, (int)ARRAY_SIZE(build_cases));
	tcase_add_test(tc, test_env_build_input_untouched);
	tcase_add_test(tc, test_env_build_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	tcase_add_loop_test(tc, test_env_lookup, 0, (int)ARRAY_SIZE(lookup_cases));
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return unit_run(env_suite());
}
