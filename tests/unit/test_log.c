/* log: the "stepdown: <level>: " format, level filtering, errno kept, one
 * line per message even when it is too long, control bytes escaped (a file
 * name cannot forge a line or reach the terminal as an escape sequence). */
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

/* ------------------------------------------------------- control bytes */

static const char forged_name[] = "/w/a\nstepdown: error: forged";

static void emit_forged(void)
{
	log_set_level(LOG_LEVEL_NORMAL);
	log_warn("%s: 1 file(s) with several hard links left alone, e.g. %s", "/w", forged_name);
	log_error("'%s' is a symlink", forged_name);
}

START_TEST(newline_in_an_argument_is_escaped)
{
	char *out = capture(emit_forged);
	ck_assert_str_eq(out, "stepdown: warning: /w: 1 file(s) with several hard links left "
			      "alone, e.g. /w/a\\nstepdown: error: forged\n"
			      "stepdown: error: '/w/a\\nstepdown: error: forged' is a symlink\n");
	free(out);
}
END_TEST

static void emit_escapes(void)
{
	log_set_level(LOG_LEVEL_NORMAL);
	log_notice("%s|%c|%s", "\x1b[2J\x1b]0;title\x07\r\t\x7f\\", 0,
		   "\xc2\x9b"
		   "31m\x9b"
		   "1m");
}

START_TEST(escape_sequences_are_escaped)
{
	char *out = capture(emit_escapes);
	ck_assert_str_eq(out, "stepdown: \\x1b[2J\\x1b]0;title\\x07\\r\\t\\x7f\\\\|\\x00|"
			      "\\xc2\\x9b31m\\x9b1m\n");
	ck_assert_ptr_null(strchr(out, '\x1b'));
	free(out);
}
END_TEST

static void emit_many_controls(void)
{
	char big[1500];
	memset(big, '\x1b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_set_level(LOG_LEVEL_NORMAL);
	errno = EXDEV;
	log_error("%s", big);
	ck_assert_int_eq(errno, EXDEV);
}

/* Escaping quadruples this message: it is cut to the 1024-byte line, after
 * a whole escape, never inside one. */
START_TEST(long_escaped_message_is_cut_between_escapes)
{
	char *out = capture(emit_many_controls);
	size_t n = strlen(out);
	const char *prefix = "stepdown: error: ";
	ck_assert_uint_le(n, 1024);
	ck_assert_uint_gt(n, 1000);
	ck_assert_ptr_eq(strchr(out, '\n'), out + n - 1);
	ck_assert(strncmp(out, prefix, strlen(prefix)) == 0);
	const char *body = out + strlen(prefix);
	size_t body_len = (size_t)(out + n - 1 - body);
	ck_assert_uint_eq(body_len % 4, 0);
	for (size_t i = 0; i < body_len; i += 4)
		ck_assert_msg(memcmp(body + i, "\\x1b", 4) == 0, "broken escape at %zu: [%.4s]", i,
			      body + i);
	free(out);
}
END_TEST

/* log_escape itself: what is escaped first, then what is copied as it is. */
static const struct {
	const char *in;
	size_t len;
	const char *want;
} escapes[] = {
	{ "\n", 1, "\\n" },
	{ "a\nstepdown: error: forged", 25, "a\\nstepdown: error: forged" },
	{ "\t\r", 2, "\\t\\r" },
	{ "\\", 1, "\\\\" },
	{ "\\n", 2, "\\\\n" },
	{ "\x1b[2J", 4, "\\x1b[2J" },
	{ "\0", 1, "\\x00" },
	{ "a\0b", 3, "a\\x00b" },
	{ "\x01\x1f\x7f", 3, "\\x01\\x1f\\x7f" },
	{ "\xc2\x80", 2, "\\xc2\\x80" }, /* U+0080, the first C1 control */
	{ "\xc2\x9b", 2, "\\xc2\\x9b" }, /* U+009B, CSI */
	{ "\xc2\x9f", 2, "\\xc2\\x9f" }, /* U+009F, the last */
	{ "\x9b", 1, "\\x9b" },          /* a lone continuation byte (8-bit CSI) */
	{ "\xff\xfe", 2, "\\xff\\xfe" },
	{ "\xc0\xaf", 2, "\\xc0\\xaf" },                   /* overlong '/' */
	{ "\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf" },          /* overlong '/' */
	{ "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" },          /* a surrogate */
	{ "\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80" }, /* above U+10FFFF */
	{ "\xc3", 1, "\\xc3" },                            /* cut sequences */
	{ "\xe2\x82", 2, "\\xe2\\x82" },
	{ "\xc3(", 2, "\\xc3(" },
	/* copied as they are */
	{ "", 0, "" },
	{ "/models/cache", 13, "/models/cache" },
	{ " ~!\"'%", 6, " ~!\"'%" },
	{ "\xc2\xa0", 2, "\xc2\xa0" }, /* U+00A0, just after the C1 block */
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
	{ "\xe2\x82\xac", 3, "\xe2\x82\xac" },
	{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },
};

START_TEST(escape_table)
{
	char buf[256];
	size_t written = 12345;
	size_t used = log_escape(buf, sizeof(buf), escapes[_i].in, escapes[_i].len, &written);
	ck_assert_uint_eq(used, escapes[_i].len);
	ck_assert_str_eq(buf, escapes[_i].want);
	ck_assert_uint_eq(written, strlen(escapes[_i].want));
}
END_TEST

/* With every destination size, the output is a prefix of the full escape
 * that ends between two characters' escapes, NUL-terminated, and the count
 * consumed says where to go on: escaping the rest gives the rest. */
START_TEST(escape_never_cuts)
{
	static const char in[] = "a\n\x1b\xc3\xa9\xc2\x9b\\\xe2\x82\xac\xff"
				 "z";
	const size_t len = sizeof(in) - 1;
	char full[128];
	size_t full_len;
	ck_assert_uint_eq(log_escape(full, sizeof(full), in, len, &full_len), len);
	/* the escape boundaries of full, for in's characters one by one */
	static const size_t cuts[] = { 0, 1, 3, 7, 9, 17, 19, 22, 26, 27 };
	for (size_t dstlen = 0; dstlen <= full_len + 1; dstlen++) {
		char buf[128];
		memset(buf, 'Z', sizeof(buf));
		size_t written = 999;
		size_t used = log_escape(buf, dstlen, in, len, &written);
		if (dstlen == 0) {
			ck_assert_uint_eq(used, 0);
			ck_assert_uint_eq(written, 0);
			ck_assert_int_eq(buf[0], 'Z');
			continue;
		}
		size_t best = 0;
		for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++)
			if (cuts[k] + 1 <= dstlen)
				best = cuts[k];
		ck_assert_msg(written == best, "dstlen %zu: wrote %zu, want %zu", dstlen, written,
			      best);
		ck_assert_int_eq(buf[written], '\0');
		ck_assert(memcmp(buf, full, written) == 0);
		char rest[128];
		size_t rest_len;
		log_escape(rest, sizeof(rest), in + used, len - used, &rest_len);
		ck_assert_uint_eq(written + rest_len, full_len);
		ck_assert(memcmp(rest, full + written, rest_len) == 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");
	tcase_add_loop_test(tc, levels_filter, 0, sizeof(levels) / sizeof(levels[0]));
	tcase_add_test(tc, errno_preserved);
	tcase_add_test(tc, long_message_is_one_line);
	tcase_add_test(tc, newline_in_an_argument_is_escaped);
	tcase_add_test(tc, escape_sequences_are_escaped);
	tcase_add_test(tc, long_escaped_message_is_cut_between_escapes);
	tcase_add_loop_test(tc, escape_table, 0, sizeof(escapes) / sizeof(escapes[0]));
	tcase_add_test(tc, escape_never_cuts);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
