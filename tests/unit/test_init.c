/* init and path: exit-status mapping, PATH candidates, and supervision of a
 * real child (as a plain process, not PID 1: the integration tests cover
 * PID 1). Each test runs in its own forked process. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stepdown/init.h"
#include "stepdown/path.h"

#include "unit.h"

START_TEST(exec_status_mapping)
{
	/* clang-format off */
	static const struct { int err, status; } cases[] = {
		{ ENOENT, 127 }, { EACCES, 126 }, { ENOEXEC, 126 }, { EISDIR, 126 },
		{ ETXTBSY, 126 }, { ENOTDIR, 126 }, { E2BIG, 126 },
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_int_eq(init_exec_status(cases[i].err), cases[i].status);
}
END_TEST

START_TEST(wait_status_mapping)
{
	/* clang-format off */
	static const struct { int code, sig, status; } cases[] = {
		{ 0, 0, 0 }, { 1, 0, 1 }, { 125, 0, 125 }, { 255, 0, 255 },
		{ -1, SIGTERM, 143 }, { -1, SIGKILL, 137 }, { -1, SIGINT, 130 }, { -1, SIGSEGV, 139 },
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid_t p = fork();
		ck_assert_int_ge(p, 0);
		if (p == 0) {
			if (cases[i].sig) {
				signal(cases[i].sig, SIG_DFL);
				sigset_t all;
				sigemptyset(&all);
				sigprocmask(SIG_SETMASK, &all, NULL);
				raise(cases[i].sig);
			}
			_exit(cases[i].code);
		}
		int st;
		ck_assert_int_eq(waitpid(p, &st, 0), p);
		ck_assert_int_eq(init_wait_status(st), cases[i].status);
	}
}
END_TEST

struct path_case {
	const char *file;
	const char *path; /* NULL: default */
	const char *want[8];
};

/* clang-format off */
static const struct path_case path_cases[] = {
	{ "ls", "/a:/b", { "/a/ls", "/b/ls" } },
	{ "ls", "", { NULL } },
	{ "ls", ":/b", { "ls", "/b/ls" } },        /* empty element: current directory */
	{ "ls", "/a::/b", { "/a/ls", "ls", "/b/ls" } },
	{ "./x", "/a:/b", { "./x" } },             /* a slash: the path itself, once */
	{ "/bin/sh", "/a", { "/bin/sh" } },
	{ "ls", NULL, { "/usr/local/sbin/ls", "/usr/local/bin/ls", "/usr/sbin/ls", "/usr/bin/ls",
			"/sbin/ls", "/bin/ls" } },
};
/* clang-format on */

START_TEST(path_candidates)
{
	const struct path_case *c = &path_cases[_i];
	const char *cursor = c->path;
	char buf[256];
	size_t n = 0;
	while (path_next(c->file, &cursor, buf, sizeof(buf))) {
		ck_assert_msg(n < 8 && c->want[n], "case %d: extra candidate %s", _i, buf);
		ck_assert_str_eq(buf, c->want[n]);
		n++;
	}
	ck_assert_msg(n == 8 || !c->want[n], "case %d: missing candidate %s", _i, c->want[n]);
}
END_TEST

START_TEST(path_candidate_too_long_is_skipped)
{
	const char *cursor = "/a-very-long-directory-name:/b";
	char buf[8];
	ck_assert_int_eq(path_next("ls", &cursor, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "/b/ls");
	ck_assert_int_eq(path_next("ls", &cursor, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(path_exec_not_found)
{
	char *argv[] = { (char *)"no-such-command-xyz", NULL };
	char *envp[] = { (char *)"PATH=/nonexistent:/also-not", NULL };
	ck_assert_int_eq(path_exec(argv[0], argv, envp), -ENOENT);
	ck_assert_int_eq(path_exec("", argv, envp), -ENOENT);
}
END_TEST

START_TEST(path_exec_not_executable)
{
	char dir[] = "/tmp/stepdown-path.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char file[128];
	snprintf(file, sizeof(file), "%s/tool", dir);
	int fd = open(file, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	char pathvar[160];
	snprintf(pathvar, sizeof(pathvar), "PATH=/nonexistent:%s", dir);
	char *argv[] = { (char *)"tool", NULL };
	char *envp[] = { pathvar, NULL };
	int r = path_exec("tool", argv, envp);
	unlink(file);
	rmdir(dir);
	ck_assert_int_eq(r, -EACCES);
}
END_TEST

static struct init_signals sigs;

static int supervise(char **argv, unsigned grace, int *exec_errno)
{
	static char *envp[] = { (char *)"PATH=/usr/bin:/bin", NULL };
	init_signals_block(&sigs);
	struct init_launch l = { .argv = argv, .envp = envp, .signals = &sigs };
	struct init_options o = { .grace = grace };
	return init_supervise(&l, &o, exec_errno);
}

struct supervise_case {
	const char *script;
	int status;
	int exec_errno;
};

static const struct supervise_case supervise_cases[] = {
	{ "exit 0", 0, 0 },
	{ "exit 3", 3, 0 },
	{ "exit 255", 255, 0 },
	{ "kill -TERM $$", 128 + SIGTERM, 0 },
	{ "kill -KILL $$", 128 + SIGKILL, 0 },
};

START_TEST(supervise_returns_workload_status)
{
	const struct supervise_case *c = &supervise_cases[_i];
	char script[64];
	snprintf(script, sizeof(script), "%s", c->script);
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", script, NULL };
	int e = -1;
	ck_assert_int_eq(supervise(argv, 1, &e), c->status);
	ck_assert_int_eq(e, c->exec_errno);
}
END_TEST

START_TEST(supervise_reports_exec_failure)
{
	char *argv[] = { (char *)"no-such-command-xyz", NULL };
	int e = 0;
	ck_assert_int_eq(supervise(argv, 1, &e), 127);
	ck_assert_int_eq(e, ENOENT);
}
END_TEST

START_TEST(supervise_kills_leftovers_at_deadline)
{
	/* As a subreaper, a leftover that ignores TERM is killed after the
	 * grace period and reaped before init_supervise returns. */
	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	char *argv[] = { (char *)"/bin/sh", (char *)"-c",
			 (char *)"(trap '' TERM; exec sleep 30) & sleep 0.2; exit 4", NULL };
	int e = -1;
	ck_assert_int_eq(supervise(argv, 1, &e), 4);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD); /* nothing left to reap */
}
END_TEST

START_TEST(signals_block_records_start_state)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGCHLD, SIG_DFL);
	init_signals_block(&sigs);
	ck_assert(sigismember(&sigs.original_mask, SIGUSR2));
	ck_assert(!sigismember(&sigs.original_mask, SIGTERM));
	ck_assert(!sigs.chld_ignored);
	signal(SIGCHLD, SIG_IGN);
	init_signals_block(&sigs);
	ck_assert(sigs.chld_ignored);
	signal(SIGCHLD, SIG_DFL);
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	ck_assert(sigismember(&now, SIGTERM) && sigismember(&now, SIGCHLD));
	/* The fault signals too: one sent with kill is forwarded (a real
	 * fault is forced through the mask by the kernel). */
	int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		ck_assert_msg(sigismember(&now, faults[i]), "signal %d not blocked", faults[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("init");
	TCase *tc = tcase_create("status");
	tcase_add_test(tc, exec_status_mapping);
	tcase_add_test(tc, wait_status_mapping);
	suite_add_tcase(s, tc);
	tc = tcase_create("path");
	tcase_add_loop_test(tc, path_candidates, 0, sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_test(tc, path_candidate_too_long_is_skipped);
	tcase_add_test(tc, path_exec_not_found);
	tcase_add_test(tc, path_exec_not_executable);
	suite_add_tcase(s, tc);
	tc = tcase_create("supervise");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, supervise_reports_exec_failure);
	tcase_add_loop_test(tc, supervise_returns_workload_status, 0,
			    sizeof(supervise_cases) / sizeof(supervise_cases[0]));
	tcase_add_test(tc, supervise_kills_leftovers_at_deadline);
	tcase_add_test(tc, signals_block_records_start_state);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
