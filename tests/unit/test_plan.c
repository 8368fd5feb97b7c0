/* plan: what --dry-run prints for a given configuration and identity. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepdown/config.h"
#include "stepdown/ident.h"
#include "stepdown/plan.h"

#include "unit.h"

struct plan_case {
	const char *argv[12];
	bool switching;
	const char *want[6];   /* lines (or line fragments) that must appear */
	const char *absent[3]; /* fragments that must not */
};

/* clang-format off */
static const struct plan_case cases[] = {
	{ { "stepdown", "-u", "app", "--", "/bin/sh", "-c", "true" }, true,
	  { "  switch:    from uid ", " to uid 1000, for good\n", "  user:      app uid=1000 gid=1000\n",
	    "  groups:    29,44,1000\n", "  command:   /bin/sh -c true\n  found:     /bin/sh\n" },
	  { "(no passwd entry)", "rewritten", "writable" } },
	{ { "stepdown", "--keep-cap", "NET_BIND_SERVICE,NET_RAW", "--rewrite", "TERM:QUIT",
	    "--signal-group", "--umask", "027", "--grace", "9", "sh" }, true,
	  { "  caps kept: net_bind_service,net_raw ", "process group; rewritten: TERM->QUIT\n",
	    "  umask:     0027\n", "  grace:     9 s ", "  found:     /" },
	  { "umask:     inherited" } },
	{ { "stepdown", "-w", "/nonexistent-dir-for-plan", "--exec", "no-such-cmd-xyz" }, false,
	  { "  mode:      exec in place, no supervision\n",
	    "  switch:    none: started as uid 1000 (not root), identity kept\n",
	    "  writable:  /nonexistent-dir-for-plan (started as non-root: checked for writing only)\n",
	    "  found:     no: 'no-such-cmd-xyz' is not an executable on PATH (exit 127)\n",
	    "  caps kept: none " },
	  { "found:     /" } },
};
/* clang-format on */

START_TEST(plan_lines)
{
	const struct plan_case *c = &cases[_i];
	int argc = 0;
	while (c->argv[argc])
		argc++;
	char *envp[] = { (char *)"PATH=/usr/bin:/bin", NULL };
	struct config cfg;
	struct error err = { 0 };
	char *argv[12];
	memcpy(argv, c->argv, sizeof(argv)); /* config_parse never writes to argv */
	ck_assert_msg(config_parse(&cfg, argc, argv, envp, &err) == 0, "%s", err.msg);
	gid_t groups[] = { 29, 44, 1000 };
	struct ident id = { .uid = 1000,
			    .gid = 1000,
			    .groups = groups,
			    .n_groups = 3,
			    .name = (char *)"app",
			    .home = (char *)"/home/app",
			    .has_entry = true };
	struct plan p = { .cfg = &cfg,
			  .id = &id,
			  .switch_identity = c->switching,
			  .home = "/home/app",
			  .is_pid1 = false,
			  .envp = envp };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	plan_print(f, &p);
	fclose(f);
	for (size_t i = 0; i < 6 && c->want[i]; i++)
		ck_assert_msg(strstr(text, c->want[i]), "case %d: missing [%s] in:\n%s", _i,
			      c->want[i], text);
	for (size_t i = 0; i < 3 && c->absent[i]; i++)
		ck_assert_msg(!strstr(text, c->absent[i]), "case %d: unexpected [%s] in:\n%s", _i,
			      c->absent[i], text);
	ck_assert(strstr(text, "dry run: nothing was changed"));
	free(text);
	config_free(&cfg);
}
END_TEST

START_TEST(plan_writable_counts)
{
	char *argv[] = { (char *)"stepdown", (char *)"-w",   (char *)"/a", (char *)"-w",
			 (char *)"/b",       (char *)"-w",   (char *)"/c", (char *)"--jobs",
			 (char *)"3",        (char *)"true", NULL };
	char *envp[] = { NULL };
	struct config cfg;
	struct error err = { 0 };
	ck_assert_msg(config_parse(&cfg, 10, argv, envp, &err) == 0, "%s", err.msg);
	struct ident id = { .uid = 1000,
			    .gid = 1001,
			    .name = (char *)"app",
			    .home = (char *)"/home/app",
			    .has_entry = true };
	struct writable_dir dirs[3] = {
		{ .path = "/a", .st = { .seen = 10, .changed = 7, .owned = 2, .hardlinks = 1 } },
		{ .path = "/b", .missing = true },
		{ .path = "/c", .st = { .seen = 1, .read_only = true } },
	};
	struct plan p = { .cfg = &cfg,
			  .id = &id,
			  .switch_identity = true,
			  .home = "/home/app",
			  .envp = envp,
			  .dirs = dirs };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	plan_print(f, &p);
	fclose(f);
	ck_assert_msg(strstr(text, "  writable:  /a: 10 entries, 7 would change, 2 already owned, "
				   "1 hard-linked left alone, 0 mounts not entered\n"),
		      "%s", text);
	ck_assert_msg(strstr(text, "  writable:  /b (missing: would be created, owned by "
				   "1000:1001)\n"),
		      "%s", text);
	ck_assert_msg(strstr(text, "  writable:  /c (read-only filesystem: left as it is)\n"), "%s",
		      text);
	ck_assert_msg(strstr(text, "  walk jobs: 3\n"), "%s", text);
	free(text);
	config_free(&cfg);
}
END_TEST

/* --confine-writes: the ABI, each rule with its rights, missing ones, and
 * what happens to HOME; and the two ways of running without Landlock. */
START_TEST(plan_confine)
{
	char *argv[] = { (char *)"stepdown", (char *)"--confine-writes", (char *)"true", NULL };
	char *envp[] = { NULL };
	struct config cfg;
	struct error err = { 0 };
	ck_assert_msg(config_parse(&cfg, 3, argv, envp, &err) == 0, "%s", err.msg);
	struct ident id = { .uid = 1000,
			    .gid = 1000,
			    .name = (char *)"app",
			    .home = (char *)"/home/app",
			    .has_entry = true };
	uint64_t all = confine_handled(3), file = confine_file_rights(all);
	struct confine_rule rules[] = {
		{ .path = "/tmp", .resolved = (char *)"/tmp", .is_dir = true, .access = all },
		{ .path = "/dev/shm",
		  .resolved = (char *)"/run/shm",
		  .is_dir = true,
		  .access = all },
		{ .path = "/dev",
		  .resolved = (char *)"/dev",
		  .is_dir = true,
		  .files_only = true,
		  .access = file },
		{ .path = "/proc", .missing = true, .open_errno = 2 },
		{ .path = "/dev/kfd",
		  .resolved = (char *)"/dev/kfd",
		  .origin = CONFINE_FROM_ALLOW,
		  .access = file },
		{ .path = "/models/cache",
		  .origin = CONFINE_FROM_WRITABLE,
		  .missing = true,
		  .open_errno = 2 },
	};
	struct confine c = { .abi = 7,
			     .abi_used = 3,
			     .handled = all,
			     .ruleset_fd = -1,
			     .rules = rules,
			     .n_rules = 6 };
	struct plan p = { .cfg = &cfg,
			  .id = &id,
			  .switch_identity = true,
			  .home = "/home/app",
			  .envp = envp,
			  .confine = &c };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	plan_print(f, &p);
	fclose(f);
	static const char *const want[] = {
		"  confine:   writes, with Landlock ABI 3 (the kernel offers 7); rights handled: "
		"write_file,remove_dir,remove_file,make_char,make_dir,make_reg,make_sock,make_fifo,"
		"make_block,make_sym,refer,truncate; reading and executing stay allowed "
		"everywhere\n",
		"  may write: /tmp (default): every write right\n",
		"  may write: /dev/shm -> /run/shm (default): every write right\n",
		"  may write: /dev (default): write_file,truncate (existing files only: nothing "
		"created, removed or renamed)\n",
		"  no rule:   /proc (default): No such file or directory\n",
		"  may write: /dev/kfd (--allow-write, a file): write_file,truncate\n",
		"  may write: /models/cache (--writable, would be created): every write right\n",
		"  confine:   HOME /home/app is not under a writable rule: the workload gets "
		"HOME=/tmp\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(text, want[i]), "missing [%s] in:\n%s", want[i], text);
	free(text);

	/* no Landlock: what a real run would do, in each mode */
	c = (struct confine){ .abi = -38, .ruleset_fd = -1 };
	for (int mode = CONFINE_REQUIRED; mode <= CONFINE_BEST_EFFORT; mode++) {
		cfg.confine_writes = (enum confine_mode)mode;
		text = NULL;
		f = open_memstream(&text, &len);
		plan_print(f, &p);
		fclose(f);
		const char *w =
			mode == CONFINE_REQUIRED
				? "  confine:   no Landlock: the kernel has no Landlock"
				: "best-effort: the workload would run WITHOUT write confinement";
		ck_assert_msg(strstr(text, w), "missing [%s] in:\n%s", w, text);
		if (mode == CONFINE_REQUIRED)
			ck_assert_msg(strstr(text, "refuse to start (exit 125)"), "%s", text);
		ck_assert_msg(!strstr(text, "may write:"), "rules shown without Landlock:\n%s",
			      text);
		free(text);
	}
	/* not asked for: one line that says so */
	p.confine = NULL;
	cfg.confine_writes = CONFINE_OFF;
	text = NULL;
	f = open_memstream(&text, &len);
	plan_print(f, &p);
	fclose(f);
	ck_assert_msg(strstr(text, "  confine:   no: "), "%s", text);
	free(text);
	config_free(&cfg);
}
END_TEST

/* Paths, names and the command come from outside (the image, the volume,
 * the command line): their control bytes are escaped as in the log, so the
 * plan cannot be given forged lines or send the terminal escape sequences. */
START_TEST(plan_escapes_control_bytes)
{
	char *argv[] = { (char *)"stepdown",
			 (char *)"-w",
			 (char *)"/w/a\nstepdown: error: forged",
			 (char *)"-w",
			 (char *)"/w/b\x1b[2J",
			 (char *)"--user-from",
			 (char *)"/o\n  user:      root uid=0",
			 (char *)"--",
			 (char *)"no-such-\x1b]0;x\x07",
			 (char *)"arg\rX",
			 NULL };
	char *envp[] = { NULL };
	struct config cfg;
	struct error err = { 0 };
	ck_assert_msg(config_parse(&cfg, 10, argv, envp, &err) == 0, "%s", err.msg);
	struct ident id = { .uid = 1000,
			    .gid = 1000,
			    .name = (char *)"app\x1b[8m",
			    .home = (char *)"/home/app",
			    .has_entry = true };
	struct writable_dir dirs[2] = {
		{ .path = "/w/a\nstepdown: error: forged", .missing = true },
		{ .path = "/w/b\x1b[2J", .st = { .seen = 1 } },
	};
	struct plan p = { .cfg = &cfg,
			  .id = &id,
			  .switch_identity = true,
			  .home = "/h\n  no_new_privs: not set",
			  .envp = envp };
	for (int with_dirs = 0; with_dirs <= 1; with_dirs++) {
		p.dirs = with_dirs ? dirs : NULL;
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		plan_print(f, &p);
		fclose(f);
		ck_assert_msg(!strchr(text, '\x1b') && !strchr(text, '\r') && !strchr(text, '\a'),
			      "a raw control byte in:\n%s", text);
		ck_assert_msg(!strstr(text, "\nstepdown: error: forged") &&
				      !strstr(text, "\n  user:      root") &&
				      !strstr(text, "\n  no_new_privs: not set"),
			      "a forged line in:\n%s", text);
		/* clang-format off */
		static const char *const want[] = {
			"/w/a\\nstepdown: error: forged", "/w/b\\x1b[2J",
			"  user-from: /o\\n  user:      root uid=0 ",
			"  user:      app\\x1b[8m uid=1000", "  HOME:      /h\\n  no_new_privs: not set\n",
			"  command:   no-such-\\x1b]0;x\\x07 arg\\rX\n",
			"  found:     no: 'no-such-\\x1b]0;x\\x07' is not",
		};
		/* clang-format on */
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			ck_assert_msg(strstr(text, want[i]), "missing [%s] in:\n%s", want[i], text);
		free(text);
	}
	config_free(&cfg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");
	tcase_add_loop_test(tc, plan_lines, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, plan_writable_counts);
	tcase_add_test(tc, plan_confine);
	tcase_add_test(tc, plan_escapes_control_bytes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
