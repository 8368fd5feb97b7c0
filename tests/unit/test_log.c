/* log: the "stepdown: <level>: " format, level filtering, errno kept, one
 * line per message even when it is too long. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stepdown/log.h"

#include "unit.h"

/* Runs fn with stderr redirected to a temporary file; returns what it wrote. */
static char *capture(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	ck_assert_ptr_nonnull(tmp);
	int saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	long n = ftell(tmp);
	char *buf = calloc(1, (size_t)n + 1);
	rewind(tmp);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, tmp), (size_t)n);
	fclose(tmp);
	return buf;
}

static int level_for_case;

static void emit_all(void)
{
	log_set_level((enum log_level)level_for_case);
	log_error("e%d", 1);
	log_warn("w%d", 2);
	log_notice("n%d", 3);
	log_info("i%d", 4);
}

static const struct {
	int level;
	const char *want;
} levels[] = {
	{ LOG_LEVEL_QUIET, "stepdown: error: e1\n" },
	{ LOG_LEVEL_NORMAL, "stepdown: error: e1\nstepdown: warning: w2\nstepdown: n3\n" },
	{ LOG_LEVEL_VERBOSE,
	  "stepdown: error: e1\nstepdown: warning: w2\nstepdown: n3\nstepdown: i4\n" },
};

START_TEST(levels_filter)
{
	level_for_case = levels[_i].level;
	char *out = capture(emit_all);
	ck_assert_str_eq(out, levels[_i].want);
	free(out);
}
END_TEST

static void emit_with_errno(void)
{
	log_set_level(LOG_LEVEL_VERBOSE);
	errno = EIO;
	log_error("a");
	ck_assert_int_eq(errno, EIO);
	errno = ENOENT;
	log_info("b");
	ck_assert_int_eq(errno, ENOENT);
	log_set_level(LOG_LEVEL_QUIET);
	errno = EPERM;
	log_warn("filtered");
	ck_assert_int_eq(errno, EPERM);
}

START_TEST(errno_preserved)
{
	char *out = capture(emit_with_errno);
	ck_assert_str_eq(out, "stepdown: error: a\nstepdown: b\n");
	free(out);
}
END_TEST

static void emit_long(void)
{
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_set_level(LOG_LEVEL_NORMAL);
	log_error("%s", big);
}

START_TEST(long_message_is_one_line)
{
	char *out = capture(emit_long);
	size_t n = strlen(out);
	ck_assert_uint_gt(n, 100);
	ck_assert_uint_le(n, 1024);
	ck_assert_int_eq(out[n - 1], '\n');
	ck_assert_ptr_eq(strchr(out, '\n'), out + n - 1);
	ck_assert(strncmp(out, "stepdown: error: xxx", 20) == 0);
	free(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	tcase_add_loop_test(tc, levels_filter, 0, sizeof(levels) / sizeof(levels[0]));
	tcase_add_test(tc, errno_preserved);
	tcase_add_test(tc, long_message_is_one_line);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
