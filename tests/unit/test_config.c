/* Unit tests for src/config.c: argv + STEPDOWN_* environment -> struct config.
 *
 * Table-driven. The refused inputs come first: each must give exactly -EINVAL
 * with a non-empty message (naming the option or variable where the contract
 * says so). Each accepted input is compared field by field with a complete
 * expected configuration, so a value that leaks into the wrong field fails
 * too. Every call also checks that argv was left exactly as it was and that
 * cfg->command is the tail of argv itself, and every test calls config_free. */
#include <check.h>
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "stepdown/config.h"
#include "stepdown/parse.h"

#include "unit.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 28
#define MAX_ENV 8
#define MAX_LIST 6
#define ERR_LEN 512

#define BIT(n) (UINT64_C(1) << (n))

/* A command line and an environment, both NULL-terminated, held in writable
 * copies (argv as main() receives it) with a snapshot to detect changes. */
struct call {
	int argc;
	char *argv[MAX_ARGS + 1];
	char *argv_orig_ptr[MAX_ARGS + 1];
	char *argv_orig_str[MAX_ARGS + 1];
	char *envp[MAX_ENV + 1];
	struct config cfg;
	char err[ERR_LEN];
	int rc;
};

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void call_run(struct call *c, const char *const *args, const char *const *env)
{
	memset(c, 0, sizeof(*c));
	c->argc = 0;
	for (; args[c->argc]; c->argc++) {
		ck_assert_int_lt(c->argc, MAX_ARGS);
		c->argv[c->argc] = xstrdup(args[c->argc]);
		c->argv_orig_ptr[c->argc] = c->argv[c->argc];
		c->argv_orig_str[c->argc] = xstrdup(args[c->argc]);
	}
	c->argv[c->argc] = NULL;
	for (int i = 0; env && env[i]; i++) {
		ck_assert_int_lt(i, MAX_ENV);
		c->envp[i] = xstrdup(env[i]);
	}
	struct error e = { 0 };
	c->rc = config_parse(&c->cfg, c->argc, c->argv, c->envp, &e);
	ck_assert_int_eq(e.code, c->rc < 0 ? c->rc : 0);
	snprintf(c->err, sizeof(c->err), "%s", e.msg);
}

/* argv is not modified: same pointers in the same order, same bytes. */
static void call_check_argv(const struct call *c)
{
	ck_assert_msg(c->argv[c->argc] == NULL, "argv[argc] no longer NULL");
	for (int i = 0; i < c->argc; i++) {
		ck_assert_msg(c->argv[i] == c->argv_orig_ptr[i], "argv[%d] was moved (now \"%s\")",
			      i, c->argv[i] ? c->argv[i] : "(null)");
		ck_assert_msg(strcmp(c->argv[i], c->argv_orig_str[i]) == 0,
			      "argv[%d] was rewritten: \"%s\", was \"%s\"", i, c->argv[i],
			      c->argv_orig_str[i]);
	}
}

static void call_free(struct call *c)
{
	config_free(&c->cfg);
	for (int i = 0; i < c->argc; i++) {
		free(c->argv[i]);
		free(c->argv_orig_str[i]);
	}
	for (int i = 0; c->envp[i]; i++)
		free(c->envp[i]);
}

static void describe(const char *const *args, const char *const *env, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; env && env[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s ", env[i]);
	for (int i = 0; args[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "'%s' ", args[i]);
}

/* --remap-exit: a list, repeatable, each code 0..255 and nothing else;
 * --term-delay 0 is off, so it goes with --exec. */
START_TEST(test_config_remap_and_delay)
{
	struct config cfg;
	struct error err;
	char *argv[] = { "stepdown", "--remap-exit", "143,0", "--remap-exit=255", "--term-delay",
			 "7",        "sh",           NULL };
	optind = 1;
	ck_assert_int_eq(config_parse(&cfg, 7, argv, (char *[]){ NULL }, &err), 0);
	for (int c = 0; c < 256; c++)
		ck_assert_msg(cfg.remap_exit[c] == (c == 0 || c == 143 || c == 255), "code %d", c);
	ck_assert(cfg.has_remap_exit);
	ck_assert_uint_eq(cfg.term_delay, 7);
	config_free(&cfg);
	char *off[] = { "stepdown", "--exec", "--term-delay", "0", "sh", NULL };
	ck_assert_int_eq(config_parse(&cfg, 5, off, (char *[]){ NULL }, &err), 0);
	ck_assert(!cfg.has_remap_exit);
	ck_assert_uint_eq(cfg.term_delay, 0);
	config_free(&cfg);
}
END_TEST

/* --groups strict|runtime; --device-groups alone, with paths (a list,
 * repeatable), and its variable as a boolean or as the paths. */
START_TEST(test_config_groups)
{
	struct call c;
	call_run(&c,
		 (const char *[]){ "stepdown", "--groups=strict", "--device-groups=/dev/a:/x//b",
				   "--device-groups", "--device-groups=/dev/c", "sh", NULL },
		 NULL);
	ck_assert_msg(c.rc == 0, "%s", c.err);
	ck_assert(c.cfg.groups_strict && c.cfg.device_groups);
	ck_assert_uint_eq(c.cfg.n_device_paths, 3);
	ck_assert_str_eq(c.cfg.device_paths[0], "/dev/a");
	ck_assert_str_eq(c.cfg.device_paths[1], "/x/b");
	ck_assert_str_eq(c.cfg.device_paths[2], "/dev/c");
	call_free(&c);
	call_run(&c, (const char *[]){ "stepdown", "--groups", "runtime", "sh", NULL }, NULL);
	ck_assert(c.rc == 0 && !c.cfg.groups_strict && !c.cfg.device_groups);
	call_free(&c);
	call_run(&c, (const char *[]){ "stepdown", "sh", NULL },
		 (const char *[]){ "STEPDOWN_DEVICE_GROUPS=/dev/k", NULL });
	ck_assert(c.rc == 0 && c.cfg.device_groups && c.cfg.n_device_paths == 1);
	ck_assert_str_eq(c.cfg.device_paths[0], "/dev/k");
	call_free(&c);
	call_run(&c, (const char *[]){ "stepdown", "sh", NULL },
		 (const char *[]){ "STEPDOWN_DEVICE_GROUPS=0", NULL });
	ck_assert(c.rc == 0 && !c.cfg.device_groups && c.cfg.n_device_paths == 0);
	call_free(&c);
}
END_TEST

/* ------------------------------------------------------------ refused input */

struct bad_case {
	const char *args[MAX_ARGS + 1];
	const char *env[MAX_ENV + 1];
	const char *err_has; /* NULL: any non-empty message */
};

/* clang-format off */
static const struct bad_case bad_cases[] = {
	/* unknown option, missing argument */
	{ { "stepdown", "--bogus", "sh", NULL }, { NULL }, "bogus" },
	{ { "stepdown", "-x", "sh", NULL }, { NULL }, NULL },
	{ { "stepdown", "-u", "app", "--bogus", "--", "sh", NULL }, { NULL }, "bogus" },
	{ { "stepdown", "-u", NULL }, { NULL }, NULL },
	{ { "stepdown", "--user", NULL }, { NULL }, NULL },
	{ { "stepdown", "--grace", NULL }, { NULL }, NULL },
	/* no command to run */
	{ { "stepdown", NULL }, { NULL }, NULL },
	{ { "stepdown", "-u", "app", NULL }, { NULL }, NULL },
	{ { "stepdown", "-u", "app", "--", NULL }, { NULL }, NULL },
	{ { "stepdown", "--dry-run", "-w", "/data", NULL }, { NULL }, NULL },
	{ { "stepdown", NULL }, { "STEPDOWN_USER=app", NULL }, NULL },
	/* --user "" */
	{ { "stepdown", "--user", "", "sh", NULL }, { NULL }, "user" },
	{ { "stepdown", "-u", "", "sh", NULL }, { NULL }, NULL },
	/* relative paths */
	{ { "stepdown", "--writable", "data", "sh", NULL }, { NULL }, "writable" },
	{ { "stepdown", "--writable", "./data", "sh", NULL }, { NULL }, "writable" },
	{ { "stepdown", "--writable", "", "sh", NULL }, { NULL }, "writable" },
	{ { "stepdown", "-w", "/ok", "-w", "rel", "sh", NULL }, { NULL }, NULL },
	{ { "stepdown", "--home", "home/app", "sh", NULL }, { NULL }, "home" },
	{ { "stepdown", "--home", "", "sh", NULL }, { NULL }, "home" },
	{ { "stepdown", "--user-from", "mnt", "sh", NULL }, { NULL }, "user-from" },
	{ { "stepdown", "--user-from", "", "sh", NULL }, { NULL }, "user-from" },
	/* capabilities that would hand root back, and bad names */
	{ { "stepdown", "--keep-cap", "SETUID", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "SETGID", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "cap_setuid", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "CAP_SETGID", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "CHOWN,SETUID", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "CHOWN", "--keep-cap", "SETGID", "sh", NULL }, { NULL },
	  "keep-cap" },
	{ { "stepdown", "--keep-cap", "NOPE", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "CHOWN,", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "CHOWN,,KILL", "sh", NULL }, { NULL }, "keep-cap" },
	{ { "stepdown", "--keep-cap", "12", "sh", NULL }, { NULL }, "keep-cap" },
	/* -v and -q together */
	{ { "stepdown", "-v", "-q", "sh", NULL }, { NULL }, NULL },
	{ { "stepdown", "-q", "-v", "sh", NULL }, { NULL }, NULL },
	{ { "stepdown", "--verbose", "--quiet", "sh", NULL }, { NULL }, NULL },
	/* rewrites */
	{ { "stepdown", "--rewrite", "TERM:QUIT", "--rewrite", "TERM:INT", "sh", NULL }, { NULL },
	  "rewrite" },
	{ { "stepdown", "--rewrite", "TERM:QUIT", "--rewrite", "SIGTERM:QUIT", "sh", NULL }, { NULL },
	  "rewrite" },
	{ { "stepdown", "--rewrite", "15:QUIT", "--rewrite", "term:INT", "sh", NULL }, { NULL },
	  "rewrite" },
	{ { "stepdown", "--rewrite", "TERM", "sh", NULL }, { NULL }, "rewrite" },
	{ { "stepdown", "--rewrite", "TERM:", "sh", NULL }, { NULL }, "rewrite" },
	{ { "stepdown", "--rewrite", "KILL:TERM", "sh", NULL }, { NULL }, "rewrite" },
	{ { "stepdown", "--rewrite", "STOP:TERM", "sh", NULL }, { NULL }, "rewrite" },
	{ { "stepdown", "--rewrite", "CHLD:TERM", "sh", NULL }, { NULL }, "rewrite" },
	{ { "stepdown", "--rewrite", "TERM:FOO", "sh", NULL }, { NULL }, "rewrite" },
	{ { "stepdown", "--rewrite", "TERM:0", "sh", NULL }, { NULL }, "rewrite" },
	/* --umask, --grace */
	{ { "stepdown", "--umask", "8", "sh", NULL }, { NULL }, "umask" },
	{ { "stepdown", "--umask", "1777", "sh", NULL }, { NULL }, "umask" },
	{ { "stepdown", "--umask", "00022", "sh", NULL }, { NULL }, "umask" },
	{ { "stepdown", "--umask", "", "sh", NULL }, { NULL }, "umask" },
	{ { "stepdown", "--umask", "u=rwx", "sh", NULL }, { NULL }, "umask" },
	{ { "stepdown", "--grace", "1.5", "sh", NULL }, { NULL }, "grace" },
	{ { "stepdown", "--grace", "-1", "sh", NULL }, { NULL }, "grace" },
	{ { "stepdown", "--grace", "86401", "sh", NULL }, { NULL }, "grace" },
	{ { "stepdown", "--jobs", "0", "sh", NULL }, { NULL }, "jobs" },
	{ { "stepdown", "--jobs", "17", "sh", NULL }, { NULL }, "jobs" },
	{ { "stepdown", "--jobs", "-1", "sh", NULL }, { NULL }, "jobs" },
	{ { "stepdown", "--jobs", "2x", "sh", NULL }, { NULL }, "jobs" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_JOBS=0", NULL }, "STEPDOWN_JOBS" },
	{ { "stepdown", "--grace", "", "sh", NULL }, { NULL }, "grace" },
	{ { "stepdown", "--grace", "5s", "sh", NULL }, { NULL }, "grace" },
	/* --term-delay, --remap-exit: bad values, and with --exec */
	{ { "stepdown", "--term-delay", "1.5", "sh", NULL }, { NULL }, "term-delay" },
	{ { "stepdown", "--term-delay", "-1", "sh", NULL }, { NULL }, "term-delay" },
	{ { "stepdown", "--term-delay", "86401", "sh", NULL }, { NULL }, "term-delay" },
	{ { "stepdown", "--term-delay", "", "sh", NULL }, { NULL }, "term-delay" },
	{ { "stepdown", "--remap-exit", "256", "sh", NULL }, { NULL }, "0 to 255" },
	{ { "stepdown", "--remap-exit", "-1", "sh", NULL }, { NULL }, "0 to 255" },
	{ { "stepdown", "--remap-exit", "", "sh", NULL }, { NULL }, "remap-exit" },
	{ { "stepdown", "--remap-exit", "1,,2", "sh", NULL }, { NULL }, "remap-exit" },
	{ { "stepdown", "--remap-exit", "143,", "sh", NULL }, { NULL }, "remap-exit" },
	{ { "stepdown", "--remap-exit", "TERM", "sh", NULL }, { NULL }, "remap-exit" },
	{ { "stepdown", "--remap-exit", "1 2", "sh", NULL }, { NULL }, "remap-exit" },
	{ { "stepdown", "--remap-exit", "1000000000000", "sh", NULL }, { NULL }, "remap-exit" },
	{ { "stepdown", "--remap-exit", "143", "--exec", "sh", NULL }, { NULL }, "--exec" },
	{ { "stepdown", "--exec", "--term-delay", "2", "sh", NULL }, { NULL }, "--exec" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_EXEC=1", "STEPDOWN_TERM_DELAY=2", NULL },
	  "STEPDOWN_TERM_DELAY" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_REMAP_EXIT=143,x", NULL }, "STEPDOWN_REMAP_EXIT" },
	/* a missing value, last on the line: the option is named */
	{ { "stepdown", "-u", NULL }, { NULL }, "option '-u' needs a value" },
	{ { "stepdown", "-vu", NULL }, { NULL }, "option '-u' needs a value" },
	{ { "stepdown", "--grace", NULL }, { NULL }, "option '--grace' needs a value" },
	{ { "stepdown", "--user", NULL }, { NULL }, "option '--user' needs a value" },
	/* --groups, --device-groups */
	{ { "stepdown", "--groups=loose", "sh", NULL }, { NULL }, "use strict" },
	{ { "stepdown", "--groups", "", "sh", NULL }, { NULL }, "use strict" },
	{ { "stepdown", "--groups", "STRICT", "sh", NULL }, { NULL }, "use strict" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_GROUPS=1", NULL }, "STEPDOWN_GROUPS" },
	{ { "stepdown", "--device-groups=dev/kfd", "sh", NULL }, { NULL }, "absolute" },
	{ { "stepdown", "--device-groups=/dev/a::/dev/b", "sh", NULL }, { NULL }, "empty" },
	{ { "stepdown", "--device-groups=", "sh", NULL }, { NULL }, "empty" },
	{ { "stepdown", "--device-groups=/dev/../etc/x", "sh", NULL }, { NULL }, "'..'" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_DEVICE_GROUPS=kfd", NULL },
	  "STEPDOWN_DEVICE_GROUPS" },
	/* bad environment values, for options not on the command line */
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_USER_FROM=mnt", NULL }, "STEPDOWN_USER_FROM" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=data", NULL }, "STEPDOWN_WRITABLE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=/a:b", NULL }, "STEPDOWN_WRITABLE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=/a::/b", NULL }, "STEPDOWN_WRITABLE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=/a:", NULL }, "STEPDOWN_WRITABLE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=:/a", NULL }, "STEPDOWN_WRITABLE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=:", NULL }, "STEPDOWN_WRITABLE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=NOPE", NULL }, "STEPDOWN_KEEP_CAPS" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=SETUID", NULL }, "STEPDOWN_KEEP_CAPS" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=CHOWN,SETGID", NULL },
	  "STEPDOWN_KEEP_CAPS" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=CHOWN,,KILL", NULL },
	  "STEPDOWN_KEEP_CAPS" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=CHOWN:KILL", NULL },
	  "STEPDOWN_KEEP_CAPS" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_HOME=home/app", NULL }, "STEPDOWN_HOME" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_UMASK=8", NULL }, "STEPDOWN_UMASK" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_UMASK=1777", NULL }, "STEPDOWN_UMASK" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_SIGNAL_GROUP=maybe", NULL },
	  "STEPDOWN_SIGNAL_GROUP" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_REWRITE=TERM", NULL }, "STEPDOWN_REWRITE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_REWRITE=KILL:TERM", NULL }, "STEPDOWN_REWRITE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_REWRITE=TERM:QUIT,TERM:INT", NULL },
	  "STEPDOWN_REWRITE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_REWRITE=TERM:QUIT,FOO:INT", NULL },
	  "STEPDOWN_REWRITE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_GRACE=abc", NULL }, "STEPDOWN_GRACE" },
	{ { "stepdown", "sh", "--help", NULL }, { "STEPDOWN_GRACE=x", NULL }, "STEPDOWN_GRACE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_GRACE=86401", NULL }, "STEPDOWN_GRACE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_GRACE=-1", NULL }, "STEPDOWN_GRACE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_EXEC=2", NULL }, "STEPDOWN_EXEC" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_DRY_RUN=tru", NULL }, "STEPDOWN_DRY_RUN" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_VERBOSE=loud", NULL }, "STEPDOWN_VERBOSE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_QUIET= yes", NULL }, "STEPDOWN_QUIET" },
	/* --confine-writes and --allow-write */
	{ { "stepdown", "--confine-writes=strict", "sh", NULL }, { NULL }, "--confine-writes" },
	{ { "stepdown", "--confine-writes=", "sh", NULL }, { NULL }, "--confine-writes" },
	{ { "stepdown", "--confine-writes=1", "sh", NULL }, { NULL }, "--confine-writes" },
	{ { "stepdown", "--confine-writes", "--allow-write", "rel", "sh", NULL }, { NULL },
	  "--allow-write" },
	{ { "stepdown", "--confine-writes", "--allow-write", "", "sh", NULL }, { NULL },
	  "--allow-write" },
	{ { "stepdown", "--confine-writes", "--allow-write", "/a/../etc", "sh", NULL }, { NULL },
	  "--allow-write" },
	{ { "stepdown", "--confine-writes", "--allow-write", "/", "sh", NULL }, { NULL },
	  "everywhere" },
	{ { "stepdown", "--confine-writes", "--allow-write", "//", "sh", NULL }, { NULL },
	  "everywhere" },
	{ { "stepdown", "--confine-writes", "--allow-write", NULL }, { NULL }, NULL },
	/* --allow-write alone would allow nothing: say what to add */
	{ { "stepdown", "--allow-write", "/data", "sh", NULL }, { NULL }, "--confine-writes" },
	{ { "stepdown", "--allow-write", "/data", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=0", NULL },
	  "--allow-write" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_ALLOW_WRITE=/data", NULL }, "STEPDOWN_ALLOW_WRITE" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_ALLOW_WRITE=/data", "STEPDOWN_CONFINE_WRITES=off",
				       NULL },
	  "--confine-writes" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=maybe", NULL },
	  "STEPDOWN_CONFINE_WRITES" },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=besteffort", NULL },
	  "STEPDOWN_CONFINE_WRITES" },
	{ { "stepdown", "--confine-writes", "sh", NULL }, { "STEPDOWN_ALLOW_WRITE=/a::/b", NULL },
	  "STEPDOWN_ALLOW_WRITE" },
	{ { "stepdown", "--confine-writes", "sh", NULL }, { "STEPDOWN_ALLOW_WRITE=rel", NULL },
	  "STEPDOWN_ALLOW_WRITE" },
	{ { "stepdown", "--confine-writes", "sh", NULL }, { "STEPDOWN_ALLOW_WRITE=/", NULL },
	  "STEPDOWN_ALLOW_WRITE" },
	/* a bad variable is an error even when all others are fine */
	{ { "stepdown", "-u", "app", "sh", NULL },
	  { "STEPDOWN_GRACE=10", "STEPDOWN_UMASK=0x1f", "STEPDOWN_HOME=/h", NULL },
	  "STEPDOWN_UMASK" },
	/* a bad variable for another option than the one on the command line */
	{ { "stepdown", "--grace", "3", "sh", NULL }, { "STEPDOWN_UMASK=999", NULL },
	  "STEPDOWN_UMASK" },
};
/* clang-format on */

START_TEST(test_config_refused)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct call c;
	char what[512];

	describe(bc->args, bc->env, what, sizeof(what));
	call_run(&c, bc->args, bc->env);
	call_check_argv(&c);
	ck_assert_msg(c.rc == -EINVAL, "%s: rc %d, want -EINVAL (err \"%s\")", what, c.rc, c.err);
	ck_assert_msg(memchr(c.err, '\0', sizeof(c.err)) != NULL, "%s: err not terminated", what);
	ck_assert_msg(c.err[0] != '\0', "%s: empty error message", what);
	if (bc->err_has)
		ck_assert_msg(strstr(c.err, bc->err_has) != NULL,
			      "%s: message \"%s\" does not name \"%s\"", what, c.err, bc->err_has);
	call_free(&c);
}
END_TEST

/* ----------------------------------------------------------- accepted input */

struct rw_pair {
	int from, to; /* absolute signal numbers; from 0 ends the list */
};

struct expect {
	enum config_action action;
	const char *user, *user_from, *home;
	const char *writable[MAX_LIST + 1]; /* NULL-terminated */
	uint64_t keep_caps;
	bool has_umask;
	mode_t umask;
	bool signal_group;
	struct rw_pair rw[4];
	bool grace_set; /* false: CONFIG_DEFAULT_GRACE */
	unsigned grace;
	unsigned jobs; /* 0: not given (walk_default_jobs() at run time) */
	bool exec_mode, dry_run;
	enum confine_mode confine;
	const char *allow_write[MAX_LIST + 1]; /* NULL-terminated */
	bool verbosity_set;                    /* false: 1 */
	int verbosity;
	bool action_only;              /* help/version: only the action is checked */
	const char *cmd[MAX_LIST + 1]; /* NULL-terminated */
};

#define GRACE(n) .grace_set = true, .grace = (n)
#define VERBOSITY(n) .verbosity_set = true, .verbosity = (n)
#define UMASK(m) .has_umask = true, .umask = (m)
#define CMD(...) .cmd = { __VA_ARGS__, NULL }
#define WRITABLE(...) .writable = { __VA_ARGS__, NULL }
#define ALLOW(...) .allow_write = { __VA_ARGS__, NULL }

struct ok_case {
	const char *args[MAX_ARGS + 1];
	const char *env[MAX_ENV + 1];
	struct expect want;
};

/* clang-format off */
static const struct ok_case ok_cases[] = {
	/* defaults */
	{ { "stepdown", "sh", NULL }, { NULL }, { CMD("sh") } },
	{ { "stepdown", "--", "sh", NULL }, { NULL }, { CMD("sh") } },
	{ { "stepdown", "sh", "-c", "exit 0", NULL }, { "PATH=/bin", "HOME=/root", NULL },
	  { CMD("sh", "-c", "exit 0") } },
	/* each option alone */
	{ { "stepdown", "-u", "app", "sh", NULL }, { NULL }, { .user = "app", CMD("sh") } },
	{ { "stepdown", "--user", "app:staff", "sh", NULL }, { NULL },
	  { .user = "app:staff", CMD("sh") } },
	{ { "stepdown", "--user=1000", "sh", NULL }, { NULL }, { .user = "1000", CMD("sh") } },
	{ { "stepdown", "--user-from", "/models/out", "sh", NULL }, { NULL },
	  { .user_from = "/models/out", CMD("sh") } },
	{ { "stepdown", "-w", "/data", "sh", NULL }, { NULL }, { WRITABLE("/data"), CMD("sh") } },
	{ { "stepdown", "--writable", "/data", "sh", NULL }, { NULL },
	  { WRITABLE("/data"), CMD("sh") } },
	{ { "stepdown", "-w", "/b", "--writable", "/a", "-w", "/c", "--writable=/d", "sh", NULL },
	  { NULL }, { WRITABLE("/b", "/a", "/c", "/d"), CMD("sh") } },
	{ { "stepdown", "--keep-cap", "NET_BIND_SERVICE", "sh", NULL }, { NULL },
	  { .keep_caps = BIT(CAP_NET_BIND_SERVICE), CMD("sh") } },
	{ { "stepdown", "--keep-cap", "cap_net_raw,NET_BIND_SERVICE", "sh", NULL }, { NULL },
	  { .keep_caps = BIT(CAP_NET_RAW) | BIT(CAP_NET_BIND_SERVICE), CMD("sh") } },
	{ { "stepdown", "--keep-cap", "NET_RAW", "--keep-cap", "KILL,SYS_NICE", "sh", NULL },
	  { NULL }, { .keep_caps = BIT(CAP_NET_RAW) | BIT(CAP_KILL) | BIT(CAP_SYS_NICE), CMD("sh") } },
	{ { "stepdown", "--home", "/srv/home", "sh", NULL }, { NULL },
	  { .home = "/srv/home", CMD("sh") } },
	{ { "stepdown", "--umask", "027", "sh", NULL }, { NULL }, { UMASK(027), CMD("sh") } },
	{ { "stepdown", "--umask", "0", "sh", NULL }, { NULL }, { UMASK(0), CMD("sh") } },
	{ { "stepdown", "--umask", "777", "sh", NULL }, { NULL }, { UMASK(0777), CMD("sh") } },
	{ { "stepdown", "--signal-group", "sh", NULL }, { NULL },
	  { .signal_group = true, CMD("sh") } },
	{ { "stepdown", "--rewrite", "TERM:QUIT", "sh", NULL }, { NULL },
	  { .rw = { { SIGTERM, SIGQUIT } }, CMD("sh") } },
	{ { "stepdown", "--rewrite", "SIGTERM:SIGQUIT", "--rewrite", "INT:TERM", "--rewrite",
	    "WINCH:USR1", "sh", NULL },
	  { NULL },
	  { .rw = { { SIGTERM, SIGQUIT }, { SIGINT, SIGTERM }, { SIGWINCH, SIGUSR1 } },
	    CMD("sh") } },
	{ { "stepdown", "--rewrite", "TERM:KILL", "sh", NULL }, { NULL },
	  { .rw = { { SIGTERM, SIGKILL } }, CMD("sh") } },
	{ { "stepdown", "--grace", "30", "sh", NULL }, { NULL }, { GRACE(30), CMD("sh") } },
	{ { "stepdown", "--grace", "0", "sh", NULL }, { NULL }, { GRACE(0), CMD("sh") } },
	{ { "stepdown", "--grace", "86400", "sh", NULL }, { NULL }, { GRACE(86400), CMD("sh") } },
	{ { "stepdown", "--grace=7", "sh", NULL }, { NULL }, { GRACE(7), CMD("sh") } },
	{ { "stepdown", "--exec", "sh", NULL }, { NULL }, { .exec_mode = true, CMD("sh") } },
	{ { "stepdown", "--dry-run", "sh", NULL }, { NULL }, { .dry_run = true, CMD("sh") } },
	{ { "stepdown", "-v", "sh", NULL }, { NULL }, { VERBOSITY(2), CMD("sh") } },
	{ { "stepdown", "--verbose", "sh", NULL }, { NULL }, { VERBOSITY(2), CMD("sh") } },
	{ { "stepdown", "-q", "sh", NULL }, { NULL }, { VERBOSITY(0), CMD("sh") } },
	{ { "stepdown", "--quiet", "sh", NULL }, { NULL }, { VERBOSITY(0), CMD("sh") } },
	/* help and version need no command */
	{ { "stepdown", "--help", NULL }, { NULL }, { .action = CONFIG_HELP, .action_only = true } },
	{ { "stepdown", "-h", NULL }, { NULL }, { .action = CONFIG_HELP, .action_only = true } },
	{ { "stepdown", "-u", "app", "--help", NULL }, { NULL },
	  { .action = CONFIG_HELP, .action_only = true } },
	{ { "stepdown", "--help", "-u", "app", "sh", NULL }, { NULL },
	  { .action = CONFIG_HELP, .action_only = true } },
	{ { "stepdown", "-w", "/data", "-h", "sh", NULL }, { NULL },
	  { .action = CONFIG_HELP, .action_only = true } },
	{ { "stepdown", "--version", NULL }, { NULL },
	  { .action = CONFIG_VERSION, .action_only = true } },
	{ { "stepdown", "-V", NULL }, { NULL }, { .action = CONFIG_VERSION, .action_only = true } },
	/* "--" ends the options; the first non-option is the command */
	{ { "stepdown", "-u", "app", "--", "-v", NULL }, { NULL },
	  { .user = "app", CMD("-v") } },
	{ { "stepdown", "-u", "app", "--", "--help", NULL }, { NULL },
	  { .user = "app", CMD("--help") } },
	{ { "stepdown", "-u", "app", "--", "--", "x", NULL }, { NULL },
	  { .user = "app", CMD("--", "x") } },
	{ { "stepdown", "-u", "app", "sh", "-c", "x", "-v", NULL }, { NULL },
	  { .user = "app", CMD("sh", "-c", "x", "-v") } },
	{ { "stepdown", "-u", "app", "sh", "--help", NULL }, { NULL },
	  { .user = "app", CMD("sh", "--help") } },
	{ { "stepdown", "-q", "sh", "-w", "rel", "--bogus", "-v", NULL }, { NULL },
	  { VERBOSITY(0), CMD("sh", "-w", "rel", "--bogus", "-v") } },
	{ { "stepdown", "-u", "app", "sh", "--", "-q", NULL }, { NULL },
	  { .user = "app", CMD("sh", "--", "-q") } },
	/* environment only */
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_USER=app", NULL }, { .user = "app", CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_USER_FROM=/mnt/out", NULL },
	  { .user_from = "/mnt/out", CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=/data", NULL },
	  { WRITABLE("/data"), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=/b:/a:/c/d", NULL },
	  { WRITABLE("/b", "/a", "/c/d"), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=NET_BIND_SERVICE", NULL },
	  { .keep_caps = BIT(CAP_NET_BIND_SERVICE), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=IPC_LOCK,cap_kill", NULL },
	  { .keep_caps = BIT(CAP_IPC_LOCK) | BIT(CAP_KILL), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_HOME=/srv/home", NULL },
	  { .home = "/srv/home", CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_UMASK=022", NULL }, { UMASK(022), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_SIGNAL_GROUP=1", NULL },
	  { .signal_group = true, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_SIGNAL_GROUP=Yes", NULL },
	  { .signal_group = true, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_SIGNAL_GROUP=off", NULL }, { CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_REWRITE=TERM:QUIT", NULL },
	  { .rw = { { SIGTERM, SIGQUIT } }, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_REWRITE=TERM:QUIT,SIGINT:SIGTERM,hup:usr1", NULL },
	  { .rw = { { SIGTERM, SIGQUIT }, { SIGINT, SIGTERM }, { SIGHUP, SIGUSR1 } }, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_GRACE=10", NULL }, { GRACE(10), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_GRACE=0", NULL }, { GRACE(0), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_EXEC=true", NULL },
	  { .exec_mode = true, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_EXEC=no", NULL }, { CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_DRY_RUN=ON", NULL }, { .dry_run = true, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_DRY_RUN=0", NULL }, { CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_VERBOSE=1", NULL }, { VERBOSITY(2), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_VERBOSE=false", NULL }, { CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_QUIET=yes", NULL }, { VERBOSITY(0), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_QUIET=0", NULL }, { CMD("sh") } },
	{ { "stepdown", "sh", NULL },
	  { "STEPDOWN_USER=app", "STEPDOWN_WRITABLE=/x:/y", "STEPDOWN_GRACE=2",
	    "STEPDOWN_KEEP_CAPS=KILL", "STEPDOWN_DRY_RUN=1", NULL },
	  { .user = "app", WRITABLE("/x", "/y"), GRACE(2), .keep_caps = BIT(CAP_KILL),
	    .dry_run = true, CMD("sh") } },
	/* a name that only starts like a variable of ours is not it */
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_USER_FROM=/mnt", NULL },
	  { .user_from = "/mnt", CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "XSTEPDOWN_USER=app", "STEPDOWN_GRACEFUL=x", NULL },
	  { CMD("sh") } },
	/* an empty variable counts as not set, even where "" would be refused */
	{ { "stepdown", "sh", NULL },
	  { "STEPDOWN_USER=", "STEPDOWN_USER_FROM=", "STEPDOWN_WRITABLE=", "STEPDOWN_KEEP_CAPS=",
	    "STEPDOWN_HOME=", "STEPDOWN_UMASK=", "STEPDOWN_SIGNAL_GROUP=", NULL },
	  { CMD("sh") } },
	{ { "stepdown", "sh", NULL },
	  { "STEPDOWN_REWRITE=", "STEPDOWN_GRACE=", "STEPDOWN_EXEC=", "STEPDOWN_DRY_RUN=",
	    "STEPDOWN_VERBOSE=", "STEPDOWN_QUIET=", NULL },
	  { CMD("sh") } },
	{ { "stepdown", "-w", "/cli", "sh", NULL }, { "STEPDOWN_WRITABLE=", NULL },
	  { WRITABLE("/cli"), CMD("sh") } },
	/* --confine-writes, --allow-write and their variables */
	{ { "stepdown", "--confine-writes", "sh", NULL }, { NULL },
	  { .confine = CONFINE_REQUIRED, CMD("sh") } },
	{ { "stepdown", "--confine-writes=best-effort", "sh", NULL }, { NULL },
	  { .confine = CONFINE_BEST_EFFORT, CMD("sh") } },
	{ { "stepdown", "--confine-writes=Best-Effort", "sh", NULL }, { NULL },
	  { .confine = CONFINE_BEST_EFFORT, CMD("sh") } },
	{ { "stepdown", "--confine-writes", "--allow-write", "/srv/a", "--allow-write=/dev/kfd",
	    "sh", NULL },
	  { NULL }, { .confine = CONFINE_REQUIRED, ALLOW("/srv/a", "/dev/kfd"), CMD("sh") } },
	{ { "stepdown", "--allow-write", "/a", "--confine-writes=best-effort", "sh", NULL },
	  { NULL }, { .confine = CONFINE_BEST_EFFORT, ALLOW("/a"), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=1", NULL },
	  { .confine = CONFINE_REQUIRED, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=yes", NULL },
	  { .confine = CONFINE_REQUIRED, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=best-effort", NULL },
	  { .confine = CONFINE_BEST_EFFORT, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=0", NULL }, { CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=", "STEPDOWN_ALLOW_WRITE=", NULL },
	  { CMD("sh") } },
	{ { "stepdown", "sh", NULL },
	  { "STEPDOWN_CONFINE_WRITES=1", "STEPDOWN_ALLOW_WRITE=/b:/a:/c/d", NULL },
	  { .confine = CONFINE_REQUIRED, ALLOW("/b", "/a", "/c/d"), CMD("sh") } },
	{ { "stepdown", "--confine-writes", "sh", NULL }, { "STEPDOWN_ALLOW_WRITE=/e", NULL },
	  { .confine = CONFINE_REQUIRED, ALLOW("/e"), CMD("sh") } },
	/* declared paths in their normal form: one '/' between components, none
	 * at the end (so that a prefix check on them cannot be skipped) */
	{ { "stepdown", "-w", "//data", "sh", NULL }, { NULL }, { WRITABLE("/data"), CMD("sh") } },
	{ { "stepdown", "-w", "/data/", "sh", NULL }, { NULL }, { WRITABLE("/data"), CMD("sh") } },
	{ { "stepdown", "-w", "/a//b///", "-w", "///models////cache//", "sh", NULL }, { NULL },
	  { WRITABLE("/a/b", "/models/cache"), CMD("sh") } },
	{ { "stepdown", "--writable=/var//lib/app/", "sh", NULL }, { NULL },
	  { WRITABLE("/var/lib/app"), CMD("sh") } },
	{ { "stepdown", "--user-from", "//mnt//out/", "sh", NULL }, { NULL },
	  { .user_from = "/mnt/out", CMD("sh") } },
	{ { "stepdown", "--user-from", "/", "sh", NULL }, { NULL }, { .user_from = "/", CMD("sh") } },
	{ { "stepdown", "--user-from", "///", "sh", NULL }, { NULL },
	  { .user_from = "/", CMD("sh") } },
	{ { "stepdown", "--home", "/home//app/", "sh", NULL }, { NULL },
	  { .home = "/home/app", CMD("sh") } },
	{ { "stepdown", "--home", "//", "sh", NULL }, { NULL }, { .home = "/", CMD("sh") } },
	{ { "stepdown", "--home", "/a/b", "--home", "/c//", "sh", NULL }, { NULL },
	  { .home = "/c", CMD("sh") } },
	{ { "stepdown", "--confine-writes", "--allow-write", "//srv//out/", "--allow-write",
	    "/dev//kfd", "sh", NULL },
	  { NULL }, { .confine = CONFINE_REQUIRED, ALLOW("/srv/out", "/dev/kfd"), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=//x//y/://z/:/w", NULL },
	  { WRITABLE("/x/y", "/z", "/w"), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_USER_FROM=//mnt/", NULL },
	  { .user_from = "/mnt", CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_HOME=/h//i//", NULL },
	  { .home = "/h/i", CMD("sh") } },
	{ { "stepdown", "sh", NULL },
	  { "STEPDOWN_CONFINE_WRITES=1", "STEPDOWN_ALLOW_WRITE=/a//b/:///c", NULL },
	  { .confine = CONFINE_REQUIRED, ALLOW("/a/b", "/c"), CMD("sh") } },
	/* --writable: a directory of the workload's own, even below a system one */
	{ { "stepdown", "-w", "/home/app", "-w", "/var/lib/app", "-w", "/usr/local/share/app", "-w",
	    "/tmp/x", "-w", "/models/cache", "sh", NULL },
	  { NULL },
	  { WRITABLE("/home/app", "/var/lib/app", "/usr/local/share/app", "/tmp/x", "/models/cache"),
	    CMD("sh") } },
	{ { "stepdown", "-w", "/dev/shm/x", "-w", "/run/app", "-w", "/srv/data", "-w", "/opt/app/var",
	    "-w", "/var/cache/model-server", "-w", "/usr/lib/app", "sh", NULL },
	  { NULL },
	  { WRITABLE("/dev/shm/x", "/run/app", "/srv/data", "/opt/app/var", "/var/cache/model-server",
		     "/usr/lib/app"),
	    CMD("sh") } },
	{ { "stepdown", "-w", "/etcetera", "-w", "/procfs", "-w", "/devices", "-w", "/usr2", "sh",
	    NULL },
	  { NULL }, { WRITABLE("/etcetera", "/procfs", "/devices", "/usr2"), CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_WRITABLE=/home/app:/var/lib/app", NULL },
	  { WRITABLE("/home/app", "/var/lib/app"), CMD("sh") } },
	/* the command line wins: the mode, and the list (replaced, not merged) */
	{ { "stepdown", "--confine-writes", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=0", NULL },
	  { .confine = CONFINE_REQUIRED, CMD("sh") } },
	{ { "stepdown", "--confine-writes=best-effort", "sh", NULL },
	  { "STEPDOWN_CONFINE_WRITES=1", NULL }, { .confine = CONFINE_BEST_EFFORT, CMD("sh") } },
	{ { "stepdown", "--confine-writes", "sh", NULL }, { "STEPDOWN_CONFINE_WRITES=maybe", NULL },
	  { .confine = CONFINE_REQUIRED, CMD("sh") } },
	{ { "stepdown", "--allow-write", "/cli", "sh", NULL },
	  { "STEPDOWN_CONFINE_WRITES=1", "STEPDOWN_ALLOW_WRITE=/e1:/e2", NULL },
	  { .confine = CONFINE_REQUIRED, ALLOW("/cli"), CMD("sh") } },
	{ { "stepdown", "--confine-writes", "--allow-write", "/cli", "sh", NULL },
	  { "STEPDOWN_ALLOW_WRITE=rel::", NULL },
	  { .confine = CONFINE_REQUIRED, ALLOW("/cli"), CMD("sh") } },
	/* the command line wins: scalars */
	{ { "stepdown", "-u", "cli", "sh", NULL }, { "STEPDOWN_USER=env", NULL },
	  { .user = "cli", CMD("sh") } },
	{ { "stepdown", "--grace", "3", "sh", NULL }, { "STEPDOWN_GRACE=9", NULL },
	  { GRACE(3), CMD("sh") } },
	{ { "stepdown", "--umask", "077", "sh", NULL }, { "STEPDOWN_UMASK=022", NULL },
	  { UMASK(077), CMD("sh") } },
	{ { "stepdown", "--home", "/cli", "sh", NULL }, { "STEPDOWN_HOME=/env", NULL },
	  { .home = "/cli", CMD("sh") } },
	{ { "stepdown", "--user-from", "/cli", "sh", NULL }, { "STEPDOWN_USER_FROM=/env", NULL },
	  { .user_from = "/cli", CMD("sh") } },
	/* per option: --user-from on the command line, STEPDOWN_USER from the environment */
	{ { "stepdown", "--user-from", "/cli", "sh", NULL }, { "STEPDOWN_USER=app", NULL },
	  { .user = "app", .user_from = "/cli", CMD("sh") } },
	/* the command line wins: lists replace, not merge */
	{ { "stepdown", "-w", "/cli", "sh", NULL }, { "STEPDOWN_WRITABLE=/e1:/e2", NULL },
	  { WRITABLE("/cli"), CMD("sh") } },
	{ { "stepdown", "--keep-cap", "SYS_NICE", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=KILL,NET_RAW", NULL },
	  { .keep_caps = BIT(CAP_SYS_NICE), CMD("sh") } },
	{ { "stepdown", "--rewrite", "TERM:QUIT", "sh", NULL }, { "STEPDOWN_REWRITE=INT:TERM", NULL },
	  { .rw = { { SIGTERM, SIGQUIT } }, CMD("sh") } },
	{ { "stepdown", "--rewrite", "TERM:QUIT", "sh", NULL },
	  { "STEPDOWN_REWRITE=TERM:INT", NULL }, { .rw = { { SIGTERM, SIGQUIT } }, CMD("sh") } },
	/* the command line wins: booleans */
	{ { "stepdown", "--dry-run", "sh", NULL }, { "STEPDOWN_DRY_RUN=0", NULL },
	  { .dry_run = true, CMD("sh") } },
	{ { "stepdown", "--exec", "sh", NULL }, { "STEPDOWN_EXEC=off", NULL },
	  { .exec_mode = true, CMD("sh") } },
	{ { "stepdown", "--signal-group", "sh", NULL }, { "STEPDOWN_SIGNAL_GROUP=no", NULL },
	  { .signal_group = true, CMD("sh") } },
	{ { "stepdown", "-v", "sh", NULL }, { "STEPDOWN_VERBOSE=0", NULL },
	  { VERBOSITY(2), CMD("sh") } },
	{ { "stepdown", "-q", "sh", NULL }, { "STEPDOWN_QUIET=false", NULL },
	  { VERBOSITY(0), CMD("sh") } },
	/* a bad variable is ignored when its option is on the command line */
	{ { "stepdown", "-u", "app", "sh", NULL }, { "STEPDOWN_USER=", NULL },
	  { .user = "app", CMD("sh") } },
	{ { "stepdown", "--user-from", "/cli", "sh", NULL }, { "STEPDOWN_USER_FROM=rel", NULL },
	  { .user_from = "/cli", CMD("sh") } },
	{ { "stepdown", "-w", "/cli", "sh", NULL }, { "STEPDOWN_WRITABLE=/a::/b", NULL },
	  { WRITABLE("/cli"), CMD("sh") } },
	{ { "stepdown", "-w", "/cli", "sh", NULL }, { "STEPDOWN_WRITABLE=rel", NULL },
	  { WRITABLE("/cli"), CMD("sh") } },
	{ { "stepdown", "--keep-cap", "SYS_NICE", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=SETUID", NULL },
	  { .keep_caps = BIT(CAP_SYS_NICE), CMD("sh") } },
	{ { "stepdown", "--keep-cap", "SYS_NICE", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=SYS_ADMIN", NULL },
	  { .keep_caps = BIT(CAP_SYS_NICE), CMD("sh") } },
	{ { "stepdown", "--keep-cap", "SYS_NICE", "sh", NULL }, { "STEPDOWN_KEEP_CAPS=NOPE", NULL },
	  { .keep_caps = BIT(CAP_SYS_NICE), CMD("sh") } },
	{ { "stepdown", "-w", "/data", "sh", NULL }, { "STEPDOWN_WRITABLE=/usr", NULL },
	  { WRITABLE("/data"), CMD("sh") } },
	{ { "stepdown", "--home", "/cli", "sh", NULL }, { "STEPDOWN_HOME=rel", NULL },
	  { .home = "/cli", CMD("sh") } },
	{ { "stepdown", "--umask", "022", "sh", NULL }, { "STEPDOWN_UMASK=999", NULL },
	  { UMASK(022), CMD("sh") } },
	{ { "stepdown", "--rewrite", "TERM:QUIT", "sh", NULL },
	  { "STEPDOWN_REWRITE=KILL:TERM", NULL }, { .rw = { { SIGTERM, SIGQUIT } }, CMD("sh") } },
	{ { "stepdown", "--grace", "3", "sh", NULL }, { "STEPDOWN_GRACE=abc", NULL },
	  { GRACE(3), CMD("sh") } },
	{ { "stepdown", "--jobs", "3", "sh", NULL }, { "STEPDOWN_JOBS=abc", NULL },
	  { .jobs = 3, CMD("sh") } },
	{ { "stepdown", "--jobs", "1", "sh", NULL }, { NULL }, { .jobs = 1, CMD("sh") } },
	{ { "stepdown", "--jobs", "16", "sh", NULL }, { NULL }, { .jobs = 16, CMD("sh") } },
	{ { "stepdown", "sh", NULL }, { "STEPDOWN_JOBS=5", NULL }, { .jobs = 5, CMD("sh") } },
	{ { "stepdown", "--signal-group", "sh", NULL }, { "STEPDOWN_SIGNAL_GROUP=maybe", NULL },
	  { .signal_group = true, CMD("sh") } },
	{ { "stepdown", "--exec", "sh", NULL }, { "STEPDOWN_EXEC=2", NULL },
	  { .exec_mode = true, CMD("sh") } },
	{ { "stepdown", "--dry-run", "sh", NULL }, { "STEPDOWN_DRY_RUN=tru", NULL },
	  { .dry_run = true, CMD("sh") } },
	{ { "stepdown", "-v", "sh", NULL }, { "STEPDOWN_VERBOSE=loud", NULL },
	  { VERBOSITY(2), CMD("sh") } },
	{ { "stepdown", "-q", "sh", NULL }, { "STEPDOWN_QUIET=shh", NULL },
	  { VERBOSITY(0), CMD("sh") } },
};
/* clang-format on */

static void check_expect(const struct call *c, const struct expect *w, const char *what)
{
	const struct config *cfg = &c->cfg;
	unsigned want_grace = w->grace_set ? w->grace : CONFIG_DEFAULT_GRACE;
	int want_verbosity = w->verbosity_set ? w->verbosity : 1;
	size_t n_want_writable = 0;
	int n_cmd = 0;
	int rw_want[PARSE_SIG_TABLE] = { 0 };

#define CHECK_STR(field)                                                                        \
	do {                                                                                    \
		if (!w->field)                                                                  \
			ck_assert_msg(cfg->field == NULL, "%s: " #field " = \"%s\", want NULL", \
				      what, cfg->field);                                        \
		else                                                                            \
			ck_assert_msg(cfg->field &&strcmp(cfg->field, w->field) == 0,           \
				      "%s: " #field " = \"%s\", want \"%s\"", what,             \
				      cfg->field ? cfg->field : "(null)", w->field);            \
	} while (0)

	ck_assert_msg(cfg->action == w->action, "%s: action %d, want %d", what, (int)cfg->action,
		      (int)w->action);
	if (w->action_only)
		return;
	CHECK_STR(user);
	CHECK_STR(user_from);
	CHECK_STR(home);
#undef CHECK_STR

	while (w->writable[n_want_writable])
		n_want_writable++;
	ck_assert_msg(cfg->n_writable == n_want_writable, "%s: n_writable %zu, want %zu", what,
		      cfg->n_writable, n_want_writable);
	for (size_t i = 0; i < n_want_writable; i++)
		ck_assert_msg(cfg->writable && cfg->writable[i] &&
				      strcmp(cfg->writable[i], w->writable[i]) == 0,
			      "%s: writable[%zu] = \"%s\", want \"%s\"", what, i,
			      cfg->writable && cfg->writable[i] ? cfg->writable[i] : "(null)",
			      w->writable[i]);

	ck_assert_msg(cfg->keep_caps == w->keep_caps, "%s: keep_caps %#llx, want %#llx", what,
		      (unsigned long long)cfg->keep_caps, (unsigned long long)w->keep_caps);
	ck_assert_msg(cfg->has_umask == w->has_umask, "%s: has_umask %d, want %d", what,
		      cfg->has_umask, w->has_umask);
	if (w->has_umask)
		ck_assert_msg(cfg->umask == w->umask, "%s: umask %#o, want %#o", what,
			      (unsigned)cfg->umask, (unsigned)w->umask);
	ck_assert_msg(cfg->signal_group == w->signal_group, "%s: signal_group %d, want %d", what,
		      cfg->signal_group, w->signal_group);

	for (size_t i = 0; i < N_ELEMS(w->rw) && w->rw[i].from; i++)
		rw_want[w->rw[i].from] = w->rw[i].to;
	for (int sig = 0; sig < PARSE_SIG_TABLE; sig++)
		ck_assert_msg(cfg->rewrite[sig] == rw_want[sig], "%s: rewrite[%d] = %d, want %d",
			      what, sig, cfg->rewrite[sig], rw_want[sig]);

	ck_assert_msg(cfg->grace == want_grace, "%s: grace %u, want %u", what, cfg->grace,
		      want_grace);
	ck_assert_msg(cfg->jobs == w->jobs, "%s: jobs %u, want %u", what, cfg->jobs, w->jobs);
	ck_assert_msg(cfg->exec_mode == w->exec_mode, "%s: exec_mode %d, want %d", what,
		      cfg->exec_mode, w->exec_mode);
	ck_assert_msg(cfg->dry_run == w->dry_run, "%s: dry_run %d, want %d", what, cfg->dry_run,
		      w->dry_run);
	ck_assert_msg(cfg->verbosity == want_verbosity, "%s: verbosity %d, want %d", what,
		      cfg->verbosity, want_verbosity);
	ck_assert_msg(cfg->confine_writes == w->confine, "%s: confine_writes %d, want %d", what,
		      (int)cfg->confine_writes, (int)w->confine);
	size_t n_want_allow = 0;
	while (w->allow_write[n_want_allow])
		n_want_allow++;
	ck_assert_msg(cfg->n_allow_write == n_want_allow, "%s: n_allow_write %zu, want %zu", what,
		      cfg->n_allow_write, n_want_allow);
	for (size_t i = 0; i < n_want_allow; i++)
		ck_assert_msg(cfg->allow_write && cfg->allow_write[i] &&
				      strcmp(cfg->allow_write[i], w->allow_write[i]) == 0,
			      "%s: allow_write[%zu] = \"%s\", want \"%s\"", what, i,
			      cfg->allow_write && cfg->allow_write[i] ? cfg->allow_write[i]
								      : "(null)",
			      w->allow_write[i]);

	while (w->cmd[n_cmd])
		n_cmd++;
	ck_assert_msg(n_cmd > 0, "bad table entry: %s", what);
	/* The command is the tail of argv itself, not a copy. */
	ck_assert_msg((const void *)cfg->command == (const void *)(c->argv + c->argc - n_cmd),
		      "%s: command does not point at argv[%d]", what, c->argc - n_cmd);
	for (int i = 0; i < n_cmd; i++)
		ck_assert_msg(strcmp(cfg->command[i], w->cmd[i]) == 0,
			      "%s: command[%d] = \"%s\", want \"%s\"", what, i, cfg->command[i],
			      w->cmd[i]);
	ck_assert_msg(cfg->command[n_cmd] == NULL, "%s: command not NULL-terminated", what);
}

START_TEST(test_config_ok)
{
	const struct ok_case *oc = &ok_cases[_i];
	struct call c;
	char what[512];

	describe(oc->args, oc->env, what, sizeof(what));
	call_run(&c, oc->args, oc->env);
	call_check_argv(&c);
	ck_assert_msg(c.rc == 0, "%s: rc %d, want 0 (err \"%s\")", what, c.rc, c.err);
	check_expect(&c, &oc->want, what);
	call_free(&c);
}
END_TEST

/* Every option at once, each landing in its own field. */
START_TEST(test_config_all_options)
{
	/* clang-format off */
	static const char *const args[] = {
		"stepdown", "-u", "app:app", "--user-from", "/out", "-w", "/cache", "-w", "/tmp/x",
		"--keep-cap", "NET_BIND_SERVICE", "--home", "/cache/home", "--umask", "077",
		"--signal-group", "--rewrite", "TERM:QUIT", "--grace", "12", "--exec", "--dry-run",
		"--confine-writes", "--allow-write", "/srv/out", "-v", "python", NULL,
	};
	/* clang-format on */
	const struct expect want = {
		.user = "app:app",
		.user_from = "/out",
		WRITABLE("/cache", "/tmp/x"),
		.keep_caps = BIT(CAP_NET_BIND_SERVICE),
		.home = "/cache/home",
		UMASK(077),
		.signal_group = true,
		.rw = { { SIGTERM, SIGQUIT } },
		GRACE(12),
		.exec_mode = true,
		.dry_run = true,
		.confine = CONFINE_REQUIRED,
		ALLOW("/srv/out"),
		VERBOSITY(2),
		CMD("python"),
	};
	struct call c;

	call_run(&c, args, NULL);
	call_check_argv(&c);
	ck_assert_msg(c.rc == 0, "all options: rc %d (err \"%s\")", c.rc, c.err);
	check_expect(&c, &want, "all options");
	call_free(&c);
}
END_TEST

/* ---------------------------------------------------------- one-off checks */

/* getopt state is reset: a second parse in the same process, after a parse
 * that stopped in the middle of argv on an error, sees its whole argv. */
START_TEST(test_config_parse_twice)
{
	static const char *const bad[] = {
		"stepdown", "-u", "a", "--bogus", "-w", "/x", "sh", NULL
	};
	static const char *const first[] = { "stepdown", "-u", "a", "-w", "/one", "sh", NULL };
	static const char *const second[] = { "stepdown", "-w", "/two", "--grace",
					      "4",        "-v", "env",  NULL };
	static const char *const third[] = { "stepdown", "-u", "b", "id", NULL };
	const struct expect want1 = { .user = "a", WRITABLE("/one"), CMD("sh") };
	const struct expect want2 = { WRITABLE("/two"), GRACE(4), VERBOSITY(2), CMD("env") };
	const struct expect want3 = { .user = "b", CMD("id") };
	struct call c;

	call_run(&c, bad, NULL);
	ck_assert_int_eq(c.rc, -EINVAL);
	call_free(&c);

	call_run(&c, first, NULL);
	ck_assert_msg(c.rc == 0, "first: rc %d (%s)", c.rc, c.err);
	check_expect(&c, &want1, "first");
	call_free(&c);

	call_run(&c, second, NULL);
	ck_assert_msg(c.rc == 0, "second: rc %d (%s)", c.rc, c.err);
	check_expect(&c, &want2, "second");
	call_free(&c);

	call_run(&c, third, NULL);
	ck_assert_msg(c.rc == 0, "third: rc %d (%s)", c.rc, c.err);
	check_expect(&c, &want3, "third");
	call_free(&c);
}
END_TEST

/* The environment read is envp, not the process's own environment. */
START_TEST(test_config_reads_envp_not_environ)
{
	static const char *const args[] = { "stepdown", "sh", NULL };
	static const char *const env[] = { "STEPDOWN_GRACE=9", NULL };
	const struct expect want_none = { CMD("sh") };
	const struct expect want_env = { GRACE(9), CMD("sh") };
	struct call c;

	/* Check forks each test: this environment dies with the test. */
	ck_assert_int_eq(setenv("STEPDOWN_USER", "intruder", 1), 0);
	ck_assert_int_eq(setenv("STEPDOWN_GRACE", "77", 1), 0);
	ck_assert_int_eq(setenv("STEPDOWN_WRITABLE", "/intruder", 1), 0);
	ck_assert_int_eq(setenv("STEPDOWN_UMASK", "bad", 1), 0);

	call_run(&c, args, NULL);
	ck_assert_msg(c.rc == 0, "rc %d (%s)", c.rc, c.err);
	check_expect(&c, &want_none, "empty envp");
	call_free(&c);

	call_run(&c, args, env);
	ck_assert_msg(c.rc == 0, "rc %d (%s)", c.rc, c.err);
	check_expect(&c, &want_env, "envp with STEPDOWN_GRACE=9");
	call_free(&c);
}
END_TEST

/* A message longer than struct error holds is cut and terminated, and its
 * code is the one returned. */
START_TEST(test_config_err_bounded)
{
	char long_path[2048];
	memset(long_path, 'x', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	char *argv[] = { xstrdup("stepdown"), xstrdup("--writable"), xstrdup(long_path),
			 xstrdup("sh"), NULL };
	char *envp[] = { NULL };
	struct error err;
	struct config cfg;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&err, 'Z', sizeof(err));
	rc = config_parse(&cfg, 4, argv, envp, &err);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_msg(memchr(err.msg, '\0', sizeof(err.msg)) != NULL, "err not terminated");
	ck_assert_msg(strncmp(err.msg, "--writable: 'xxx", 16) == 0, "message: %.80s", err.msg);
	ck_assert_uint_eq(strlen(err.msg), sizeof(err.msg) - 1);
	config_free(&cfg);
	for (int i = 0; argv[i]; i++)
		free(argv[i]);
}
END_TEST

/* config_parse sets every field itself: a caller's dirty struct does not
 * leak into the result. */
START_TEST(test_config_dirty_struct)
{
	char *argv[] = { xstrdup("stepdown"), xstrdup("sh"), NULL };
	char *envp[] = { NULL };
	struct error err = { 0 };
	struct config cfg;
	int rc;

	memset(&cfg, 0xA5, sizeof(cfg));
	rc = config_parse(&cfg, 2, argv, envp, &err);
	ck_assert_msg(rc == 0, "rc %d (%s)", rc, err.msg);
	ck_assert_int_eq(cfg.action, CONFIG_RUN);
	ck_assert_ptr_null(cfg.user);
	ck_assert_ptr_null(cfg.user_from);
	ck_assert_ptr_null(cfg.home);
	ck_assert_uint_eq(cfg.n_writable, 0);
	ck_assert_uint_eq(cfg.keep_caps, 0);
	ck_assert(!cfg.has_umask);
	ck_assert(!cfg.signal_group);
	for (int sig = 0; sig < PARSE_SIG_TABLE; sig++)
		ck_assert_int_eq(cfg.rewrite[sig], 0);
	ck_assert_uint_eq(cfg.grace, CONFIG_DEFAULT_GRACE);
	ck_assert(!cfg.exec_mode);
	ck_assert(!cfg.dry_run);
	ck_assert_int_eq(cfg.confine_writes, CONFINE_OFF);
	ck_assert_uint_eq(cfg.n_allow_write, 0);
	ck_assert_ptr_null(cfg.allow_write);
	ck_assert_int_eq(cfg.verbosity, 1);
	ck_assert((const void *)cfg.command == (const void *)&argv[1]);
	config_free(&cfg);
	free(argv[0]);
	free(argv[1]);
}
END_TEST

START_TEST(test_config_default_grace_value)
{
	ck_assert_int_eq(CONFIG_DEFAULT_GRACE, 5);
}
END_TEST

/* ------------------------------------------- --writable: system directories */

/* A declared dir has its whole tree given to the user: / and the system's
 * own directories are refused, on the command line and in the variable,
 * however they are spelled. The message names the option, the path as
 * given, why, and what to give instead. */
static const struct {
	const char *path;
	const char *why; /* a fragment of the reason */
} system_dirs[] = {
	{ "/", "whole filesystem" },
	{ "//", "whole filesystem" },
	{ "///", "whole filesystem" },
	{ "/bin", "system directory" },
	{ "/boot", "system directory" },
	{ "/dev", "system directory" },
	{ "/etc", "system directory" },
	{ "/home", "system directory" },
	{ "/lib", "system directory" },
	{ "/lib32", "system directory" },
	{ "/lib64", "system directory" },
	{ "/libx32", "system directory" },
	{ "/media", "system directory" },
	{ "/mnt", "system directory" },
	{ "/opt", "system directory" },
	{ "/proc", "system directory" },
	{ "/root", "system directory" },
	{ "/run", "system directory" },
	{ "/sbin", "system directory" },
	{ "/srv", "system directory" },
	{ "/sys", "system directory" },
	{ "/tmp", "system directory" },
	{ "/usr", "system directory" },
	{ "/var", "system directory" },
	{ "/usr/bin", "system directory" },
	{ "/usr/include", "system directory" },
	{ "/usr/lib", "system directory" },
	{ "/usr/lib32", "system directory" },
	{ "/usr/lib64", "system directory" },
	{ "/usr/libexec", "system directory" },
	{ "/usr/libx32", "system directory" },
	{ "/usr/local", "system directory" },
	{ "/usr/local/bin", "system directory" },
	{ "/usr/local/etc", "system directory" },
	{ "/usr/local/include", "system directory" },
	{ "/usr/local/lib", "system directory" },
	{ "/usr/local/sbin", "system directory" },
	{ "/usr/local/share", "system directory" },
	{ "/usr/sbin", "system directory" },
	{ "/usr/share", "system directory" },
	{ "/usr/src", "system directory" },
	{ "/var/backups", "system directory" },
	{ "/var/cache", "system directory" },
	{ "/var/lib", "system directory" },
	{ "/var/local", "system directory" },
	{ "/var/lock", "system directory" },
	{ "/var/log", "system directory" },
	{ "/var/mail", "system directory" },
	{ "/var/opt", "system directory" },
	{ "/var/run", "system directory" },
	{ "/var/spool", "system directory" },
	{ "/var/tmp", "system directory" },
	{ "/run/lock", "system directory" },
	{ "/run/shm", "system directory" },
	{ "/run/user", "system directory" },
	{ "/dev/shm", "system directory" },
	{ "/dev/mqueue", "system directory" },
	/* however spelled */
	{ "//usr", "system directory" },
	{ "/usr/", "system directory" },
	{ "/var//lib/", "system directory" },
	{ "///usr///local//", "system directory" },
	/* anything below the kernel's pseudo filesystems, /etc, /root and /boot */
	{ "/proc/sys", "below /proc" },
	{ "/proc/1/root/etc", "below /proc" },
	{ "/sys/fs/cgroup", "below /sys" },
	{ "/sys//kernel/", "below /sys" },
	{ "/dev/pts", "below /dev" },
	{ "/dev/x", "below /dev" },
	{ "/dev/shmx", "below /dev" },
	{ "/etc/nginx", "below /etc" },
	{ "/etc/profile.d", "below /etc" },
	{ "/root/.ssh", "below /root" },
	{ "/boot/efi", "below /boot" },
};

START_TEST(test_config_writable_system_dir)
{
	const char *path = system_dirs[_i].path;
	for (int from_env = 0; from_env <= 1; from_env++) {
		char env_item[128];
		snprintf(env_item, sizeof(env_item), "STEPDOWN_WRITABLE=/data:%s", path);
		const char *cli[] = { "stepdown", "-w", "/data", "--writable", path, "sh", NULL };
		const char *env_args[] = { "stepdown", "sh", NULL };
		const char *env[] = { env_item, NULL };
		struct call c;
		char quoted[128];
		const char *origin = from_env ? "STEPDOWN_WRITABLE" : "--writable";

		call_run(&c, from_env ? env_args : cli, from_env ? env : NULL);
		call_check_argv(&c);
		ck_assert_msg(c.rc == -EINVAL, "%s %s: rc %d, want -EINVAL", origin, path, c.rc);
		snprintf(quoted, sizeof(quoted), "'%s'", path);
		ck_assert_msg(strstr(c.err, origin) && strstr(c.err, quoted) &&
				      strstr(c.err, system_dirs[_i].why) &&
				      strstr(c.err, "/var/lib/app"),
			      "%s %s: message \"%s\" lacks the option, the path, \"%s\" or what "
			      "to give instead",
			      origin, path, c.err, system_dirs[_i].why);
		call_free(&c);
	}
}
END_TEST

/* ------------------------------------------------ --keep-cap: refused caps */

/* Every capability that gives root back, or control over the kernel or the
 * files of others, is refused, alone or in a list, on the command line and
 * in the variable; the message names it and says why. */
/* clang-format off */
static const char *const refused_caps[] = {
	"CHOWN",     "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",    "FSETID",     "SETGID",
	"SETUID",    "SETPCAP",      "IPC_OWNER",       "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE",
	"SYS_ADMIN", "SYS_BOOT",     "MKNOD",           "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE",
	"MAC_ADMIN", "PERFMON",      "BPF",
};
/* clang-format on */

START_TEST(test_config_keep_cap_refused)
{
	const char *name = refused_caps[_i];
	char lower[64], list[96], env_item[128];
	size_t k;
	for (k = 0; name[k] && k < sizeof(lower) - 1; k++)
		lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] - 'A' + 'a' : name[k]);
	lower[k] = '\0';
	snprintf(list, sizeof(list), "NET_RAW,cap_%s,KILL", lower);
	snprintf(env_item, sizeof(env_item), "STEPDOWN_KEEP_CAPS=NET_BIND_SERVICE,%s", name);
	const char *alone[] = { "stepdown", "--keep-cap", name, "sh", NULL };
	const char *in_list[] = { "stepdown", "--keep-cap", "SYS_NICE", "--keep-cap",
				  list,       "sh",         NULL };
	const char *env_args[] = { "stepdown", "sh", NULL };
	const char *env[] = { env_item, NULL };
	const struct {
		const char *const *args;
		const char *const *env;
		const char *origin;
	} ways[] = {
		{ alone, NULL, "--keep-cap" },
		{ in_list, NULL, "--keep-cap" },
		{ env_args, env, "STEPDOWN_KEEP_CAPS" },
	};
	for (size_t w = 0; w < N_ELEMS(ways); w++) {
		struct call c;
		char named[80];
		call_run(&c, ways[w].args, ways[w].env);
		call_check_argv(&c);
		ck_assert_msg(c.rc == -EINVAL, "%s %s (way %zu): rc %d, want -EINVAL",
			      ways[w].origin, name, w, c.rc);
		snprintf(named, sizeof(named), "%s: %s refused: ", ways[w].origin, name);
		ck_assert_msg(strstr(c.err, named) && strstr(c.err, "cannot regain root"),
			      "%s (way %zu): message \"%s\" does not start its reason with \"%s\"",
			      name, w, c.err, named);
		ck_assert_msg(strlen(c.err) > strlen(named) + 40, "%s: no reason given: \"%s\"",
			      name, c.err);
		call_free(&c);
	}
}
END_TEST

/* The capabilities a workload may keep: none of them regains root. */
static const struct {
	const char *name;
	int cap;
} kept_caps[] = {
	{ "NET_BIND_SERVICE", CAP_NET_BIND_SERVICE },
	{ "NET_RAW", CAP_NET_RAW },
	{ "NET_ADMIN", CAP_NET_ADMIN },
	{ "NET_BROADCAST", CAP_NET_BROADCAST },
	{ "SYS_NICE", CAP_SYS_NICE },
	{ "IPC_LOCK", CAP_IPC_LOCK },
	{ "SYS_RESOURCE", CAP_SYS_RESOURCE },
	{ "KILL", CAP_KILL },
	{ "SYS_CHROOT", CAP_SYS_CHROOT },
	{ "SYS_TIME", CAP_SYS_TIME },
	{ "SYS_PACCT", CAP_SYS_PACCT },
	{ "SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG },
	{ "LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE },
	{ "LEASE", CAP_LEASE },
	{ "AUDIT_WRITE", CAP_AUDIT_WRITE },
	{ "AUDIT_READ", CAP_AUDIT_READ },
	{ "SYSLOG", CAP_SYSLOG },
	{ "WAKE_ALARM", CAP_WAKE_ALARM },
	{ "BLOCK_SUSPEND", CAP_BLOCK_SUSPEND },
	{ "CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE },
};

START_TEST(test_config_keep_cap_kept)
{
	char env_item[96];
	snprintf(env_item, sizeof(env_item), "STEPDOWN_KEEP_CAPS=%s", kept_caps[_i].name);
	const char *cli[] = { "stepdown", "--keep-cap", kept_caps[_i].name, "sh", NULL };
	const char *env_args[] = { "stepdown", "sh", NULL };
	const char *env[] = { env_item, NULL };
	const struct expect want = { .keep_caps = BIT(kept_caps[_i].cap), CMD("sh") };
	for (int from_env = 0; from_env <= 1; from_env++) {
		struct call c;
		call_run(&c, from_env ? env_args : cli, from_env ? env : NULL);
		call_check_argv(&c);
		ck_assert_msg(c.rc == 0, "%s: rc %d (err \"%s\")", kept_caps[_i].name, c.rc, c.err);
		check_expect(&c, &want, kept_caps[_i].name);
		call_free(&c);
	}
}
END_TEST

/* ------------------------------------------------------------ option table */

/* The options that by design have no STEPDOWN_* twin: they act (print and
 * exit), they configure nothing. Any other option without one is a bug. */
static const char *const no_env_options[] = { "--help", "--version" };

static bool is_no_env_option(const char *name)
{
	for (size_t k = 0; k < N_ELEMS(no_env_options); k++)
		if (strcmp(name, no_env_options[k]) == 0)
			return true;
	return false;
}

/* The option as --help shows it, left of its help line: "  -u, --user
 * USER[:GROUP]" or "      --confine-writes[=best-effort]". */
static void usage_left(const struct config_option *o, char *buf, size_t len)
{
	int n = o->short_name ? snprintf(buf, len, "  -%c, %s", o->short_name, o->long_name)
			      : snprintf(buf, len, "      %s", o->long_name);
	ck_assert(n > 0 && (size_t)n < len);
	if (o->has_arg == required_argument)
		snprintf(buf + n, len - (size_t)n, " %s", o->arg_name);
	else if (o->has_arg == optional_argument)
		snprintf(buf + n, len - (size_t)n, "[=%s]", o->arg_name);
}

/* Each row: a long name, a help line, a STEPDOWN_* twin unless it is one of
 * the exceptions above, the name of its value exactly when it takes one,
 * and its own line in --help: the option, then its help. */
START_TEST(test_config_table_row)
{
	const struct config_option *o = config_option_at((size_t)_i);
	ck_assert_ptr_nonnull(o);
	const char *name = o->long_name;
	ck_assert_msg(name && strncmp(name, "--", 2) == 0 && name[2] && name[2] != '-',
		      "row %d: long name \"%s\" is not --NAME", _i, name ? name : "(null)");
	ck_assert_msg(o->set != NULL, "%s: no setter", name);
	ck_assert_msg(o->help && o->help[0], "%s: no help text for --help", name);
	ck_assert_msg(o->has_arg == no_argument || o->has_arg == required_argument ||
			      o->has_arg == optional_argument,
		      "%s: has_arg %d", name, o->has_arg);
	if (o->has_arg == no_argument)
		ck_assert_msg(o->arg_name == NULL, "%s takes no value, but --help names one", name);
	else
		ck_assert_msg(o->arg_name && o->arg_name[0],
			      "%s takes a value that --help does not name", name);

	if (o->flags & CONFIG_OPTION_NO_ENV) {
		ck_assert_msg(is_no_env_option(name),
			      "%s is marked as having no STEPDOWN_* twin; every option that "
			      "configures something has one (the list of exceptions is here)",
			      name);
		ck_assert_msg(o->env == NULL, "%s: marked without a twin, but has %s", name,
			      o->env);
	} else {
		ck_assert_msg(o->env && strncmp(o->env, "STEPDOWN_", 9) == 0 && o->env[9],
			      "%s has no STEPDOWN_* twin (\"%s\")", name,
			      o->env ? o->env : "(null)");
		ck_assert_msg(!is_no_env_option(name),
			      "%s has a twin, %s, but is listed here as having none", name, o->env);
		for (const char *c = o->env + 9; *c; c++)
			ck_assert_msg((*c >= 'A' && *c <= 'Z') || *c == '_', "%s: variable %s",
				      name, o->env);
	}

	/* In --help: "\n" LEFT, spaces (or a newline and spaces), HELP "\n". */
	const char *usage = config_usage();
	char left[96];
	usage_left(o, left, sizeof(left));
	const char *at = usage;
	size_t n_left = strlen(left);
	while ((at = strstr(at, left)) &&
	       (at == usage || at[-1] != '\n' || (at[n_left] != ' ' && at[n_left] != '\n')))
		at++;
	ck_assert_msg(at, "%s: no line \"%s\" in --help:\n%s", name, left, usage);
	const char *help = at + n_left;
	if (*help == '\n')
		help++;
	help += strspn(help, " ");
	ck_assert_msg(strncmp(help, o->help, strlen(o->help)) == 0 && help[strlen(o->help)] == '\n',
		      "%s: --help does not give \"%s\" after \"%s\":\n%s", name, o->help, left,
		      usage);
}
END_TEST

/* No two rows share a long name, a short name or a variable. */
START_TEST(test_config_table_unique)
{
	size_t n = config_option_count();
	ck_assert_uint_gt(n, 0);
	ck_assert_ptr_null(config_option_at(n));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			const struct config_option *a = config_option_at(i);
			const struct config_option *b = config_option_at(j);
			ck_assert_msg(strcmp(a->long_name, b->long_name) != 0, "%s twice",
				      a->long_name);
			ck_assert_msg(!a->short_name || a->short_name != b->short_name,
				      "-%c for %s and %s", a->short_name, a->long_name,
				      b->long_name);
			ck_assert_msg(!a->env || !b->env || strcmp(a->env, b->env) != 0,
				      "%s for %s and %s", a->env, a->long_name, b->long_name);
		}
}
END_TEST

/* --help is whole (it is made into a fixed buffer), every line fits in 80
 * columns, and the layout is today's: help at column 27, an option too
 * wide for that on a line of its own. */
START_TEST(test_config_usage_text)
{
	static const char head[] = "Usage: stepdown [OPTION]... [--] COMMAND [ARG]...\n";
	static const char tail[] = "127 command not found. See stepdown(1).\n";
	static const char *const lines[] = {
		"\n  -u, --user USER[:GROUP]  user (name or uid) and optional group to run as\n",
		"\n      --keep-cap CAP[,CAP] capabilities kept across the switch (ambient)\n",
		"\n      --confine-writes[=best-effort]\n"
		"                           write only to -w dirs, defaults, --allow-write paths\n",
		"\n  -V, --version            version\n\nEvery option has a STEPDOWN_* environment "
		"twin",
	};
	const char *usage = config_usage();
	size_t len = strlen(usage);

	ck_assert_msg(strncmp(usage, head, strlen(head)) == 0, "--help starts:\n%s", usage);
	ck_assert_msg(len > strlen(tail) && strcmp(usage + len - strlen(tail), tail) == 0,
		      "--help is cut:\n%s", usage);
	for (const char *line = usage; *line;) {
		const char *end = strchr(line, '\n');
		ck_assert_ptr_nonnull(end);
		int width = (int)(end - line);
		ck_assert_msg(width <= 80, "--help line of %d columns: %.*s", width, width, line);
		line = end + 1;
	}
	for (size_t i = 0; i < N_ELEMS(lines); i++)
		ck_assert_msg(strstr(usage, lines[i]), "--help lacks \"%s\":\n%s", lines[i], usage);
	ck_assert_ptr_eq(config_usage(), usage);
}
END_TEST

/* A value for each option with a twin, to show that the variable is read
 * and lands where the option does. A new option needs its line here. */
static const struct {
	const char *option;
	const char *value; /* on the command line, and in the variable; NULL: none, "1" there */
	const char *also;  /* an option both runs need, or NULL */
} twin_samples[] = {
	{ "--user", "app", NULL },
	{ "--user-from", "/out", NULL },
	{ "--writable", "/data", NULL },
	{ "--groups", "strict", NULL },
	{ "--device-groups", NULL, NULL },
	{ "--keep-cap", "NET_RAW", NULL },
	{ "--home", "/h", NULL },
	{ "--umask", "027", NULL },
	{ "--signal-group", NULL, NULL },
	{ "--rewrite", "TERM:QUIT", NULL },
	{ "--grace", "9", NULL },
	{ "--term-delay", "4", NULL },
	{ "--remap-exit", "143", NULL },
	{ "--exec", NULL, NULL },
	{ "--jobs", "3", NULL },
	{ "--confine-writes", NULL, NULL },
	{ "--allow-write", "/srv", "--confine-writes" },
	{ "--dry-run", NULL, NULL },
	{ "--verbose", NULL, NULL },
	{ "--quiet", NULL, NULL },
};

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_list(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

/* The first field in which a and b differ, or NULL. */
static const char *config_diff(const struct config *a, const struct config *b)
{
	if (a->action != b->action)
		return "action";
	if (!same_str(a->user, b->user))
		return "user";
	if (!same_str(a->user_from, b->user_from))
		return "user_from";
	if (!same_list(a->writable, a->n_writable, b->writable, b->n_writable))
		return "writable";
	if (a->groups_strict != b->groups_strict)
		return "groups_strict";
	if (a->device_groups != b->device_groups ||
	    !same_list(a->device_paths, a->n_device_paths, b->device_paths, b->n_device_paths))
		return "device_groups";
	if (a->keep_caps != b->keep_caps)
		return "keep_caps";
	if (!same_str(a->home, b->home))
		return "home";
	if (a->has_umask != b->has_umask || a->umask != b->umask)
		return "umask";
	if (a->signal_group != b->signal_group)
		return "signal_group";
	if (memcmp(a->rewrite, b->rewrite, sizeof(a->rewrite)) != 0)
		return "rewrite";
	if (a->grace != b->grace)
		return "grace";
	if (a->term_delay != b->term_delay)
		return "term_delay";
	if (a->has_remap_exit != b->has_remap_exit ||
	    memcmp(a->remap_exit, b->remap_exit, sizeof(a->remap_exit)) != 0)
		return "remap_exit";
	if (a->jobs != b->jobs)
		return "jobs";
	if (a->exec_mode != b->exec_mode)
		return "exec_mode";
	if (a->confine_writes != b->confine_writes)
		return "confine_writes";
	if (!same_list(a->allow_write, a->n_allow_write, b->allow_write, b->n_allow_write))
		return "allow_write";
	if (a->dry_run != b->dry_run)
		return "dry_run";
	if (a->verbosity != b->verbosity)
		return "verbosity";
	return NULL;
}

/* Each row's variable gives the configuration its option gives, and not
 * the default one. */
START_TEST(test_config_table_twin_read)
{
	const struct config_option *o = config_option_at((size_t)_i);
	ck_assert_ptr_nonnull(o);
	if (o->flags & CONFIG_OPTION_NO_ENV)
		return;
	ck_assert_msg(o->env != NULL, "%s has no STEPDOWN_* twin", o->long_name);
	size_t k = 0;
	while (k < N_ELEMS(twin_samples) && strcmp(twin_samples[k].option, o->long_name) != 0)
		k++;
	ck_assert_msg(k < N_ELEMS(twin_samples),
		      "%s: no sample value in twin_samples, to show that %s is read", o->long_name,
		      o->env);

	const char *value = twin_samples[k].value, *also = twin_samples[k].also;
	const char *cli[8] = { "stepdown" }, *plain[8] = { "stepdown" };
	int n_cli = 1, n_plain = 1;
	if (also)
		cli[n_cli++] = plain[n_plain++] = also;
	cli[n_cli++] = o->long_name;
	if (value)
		cli[n_cli++] = value;
	cli[n_cli++] = plain[n_plain++] = "sh";
	char env_item[128];
	snprintf(env_item, sizeof(env_item), "%s=%s", o->env, value ? value : "1");
	const char *env[] = { env_item, NULL };

	struct call by_option, by_env, by_default;
	call_run(&by_option, cli, NULL);
	call_run(&by_env, plain, env);
	call_run(&by_default, plain, NULL);
	ck_assert_msg(by_option.rc == 0, "%s: rc %d (%s)", o->long_name, by_option.rc,
		      by_option.err);
	ck_assert_msg(by_env.rc == 0, "%s: rc %d (%s)", env_item, by_env.rc, by_env.err);
	ck_assert_msg(by_default.rc == 0, "rc %d (%s)", by_default.rc, by_default.err);
	const char *diff = config_diff(&by_option.cfg, &by_env.cfg);
	ck_assert_msg(!diff, "%s and %s differ in %s", o->long_name, env_item, diff);
	ck_assert_msg(config_diff(&by_option.cfg, &by_default.cfg),
		      "%s changes nothing (a sample value that is the default?)", o->long_name);
	call_free(&by_option);
	call_free(&by_env);
	call_free(&by_default);
}
END_TEST

/* -------------------------------------------------------------------- suite */

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("refused");
	tcase_add_loop_test(tc, test_config_refused, 0, (int)N_ELEMS(bad_cases));
	tcase_add_test(tc, test_config_err_bounded);
	tcase_add_loop_test(tc, test_config_writable_system_dir, 0, (int)N_ELEMS(system_dirs));
	tcase_add_loop_test(tc, test_config_keep_cap_refused, 0, (int)N_ELEMS(refused_caps));
	suite_add_tcase(s, tc);

	tc = tcase_create("accepted");
	tcase_add_loop_test(tc, test_config_ok, 0, (int)N_ELEMS(ok_cases));
	tcase_add_test(tc, test_config_all_options);
	tcase_add_test(tc, test_config_default_grace_value);
	tcase_add_test(tc, test_config_remap_and_delay);
	tcase_add_test(tc, test_config_groups);
	tcase_add_loop_test(tc, test_config_keep_cap_kept, 0, (int)N_ELEMS(kept_caps));
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_loop_test(tc, test_config_table_row, 0, (int)config_option_count());
	tcase_add_loop_test(tc, test_config_table_twin_read, 0, (int)config_option_count());
	tcase_add_test(tc, test_config_table_unique);
	tcase_add_test(tc, test_config_usage_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("state");
	tcase_add_test(tc, test_config_parse_twice);
	tcase_add_test(tc, test_config_reads_envp_not_environ);
	tcase_add_test(tc, test_config_dirty_struct);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return unit_run(config_suite());
}
