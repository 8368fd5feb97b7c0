/* confine: Landlock write confinement.
 *
 * Table-driven: the decision for each mode and kernel answer (the fallback
 * when the kernel has no Landlock), the rights handled at each ABI, the
 * rights each kind of path gets, refused paths. The system calls are
 * replaced by a recorder, so every ABI and every failure can be played on
 * any kernel. A last test enforces a real ruleset on this kernel (in Check's
 * forked child) and tries the writes it must stop. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stepdown/confine.h"

#include "unit.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Not in every uapi header; values from the kernel's. */
#define FS_TRUNCATE (1ULL << 14)
#define FS_IOCTL_DEV (1ULL << 15)
#define FS_REFER (1ULL << 13)
#define ABI1_RIGHTS                                                      \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |     \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |   \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
#define READ_EXEC \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/* ------------------------------------------------------- the fallback */

static const struct decide_case {
	enum confine_mode mode;
	int abi;
	enum confine_decision want;
} decide_cases[] = {
	/* no Landlock: refused when required, a warning when best-effort */
	{ CONFINE_REQUIRED, -ENOSYS, CONFINE_REFUSE },
	{ CONFINE_REQUIRED, -EOPNOTSUPP, CONFINE_REFUSE },
	{ CONFINE_REQUIRED, -EPERM, CONFINE_REFUSE },
	{ CONFINE_REQUIRED, -EINVAL, CONFINE_REFUSE },
	{ CONFINE_REQUIRED, 0, CONFINE_REFUSE },
	{ CONFINE_BEST_EFFORT, -ENOSYS, CONFINE_WARN },
	{ CONFINE_BEST_EFFORT, -EOPNOTSUPP, CONFINE_WARN },
	{ CONFINE_BEST_EFFORT, -EPERM, CONFINE_WARN },
	/* not asked for: nothing, whatever the kernel */
	{ CONFINE_OFF, -ENOSYS, CONFINE_SKIP },
	{ CONFINE_OFF, 7, CONFINE_SKIP },
	/* Landlock there: applied, in both modes, at any ABI */
	{ CONFINE_REQUIRED, 1, CONFINE_APPLY },
	{ CONFINE_REQUIRED, 7, CONFINE_APPLY },
	{ CONFINE_REQUIRED, 42, CONFINE_APPLY },
	{ CONFINE_BEST_EFFORT, 1, CONFINE_APPLY },
	{ CONFINE_BEST_EFFORT, 3, CONFINE_APPLY },
};

START_TEST(test_decide)
{
	const struct decide_case *dc = &decide_cases[_i];
	ck_assert_msg(confine_decide(dc->mode, dc->abi) == dc->want,
		      "mode %d abi %d: decision %d, want %d", (int)dc->mode, dc->abi,
		      (int)confine_decide(dc->mode, dc->abi), (int)dc->want);
}
END_TEST

static const struct reason_case {
	int abi;
	const char *has;
} reason_cases[] = {
	{ -ENOSYS, "5.13" },
	{ -EOPNOTSUPP, "lsm=" },
	{ -EPERM, "seccomp" },
	{ -EIO, "Landlock" },
};

START_TEST(test_reason)
{
	const struct reason_case *rc = &reason_cases[_i];
	const char *why = confine_unavailable_reason(rc->abi);
	ck_assert_msg(why && strstr(why, rc->has), "abi %d: '%s' lacks '%s'", rc->abi,
		      why ? why : "(null)", rc->has);
}
END_TEST

/* ------------------------------------------------------ rights per ABI */

static const struct abi_case {
	int abi;
	uint64_t handled;
	uint64_t file;
	const char *text;
} abi_cases[] = {
	{ -ENOSYS, 0, 0, "none" },
	{ 0, 0, 0, "none" },
	{ 1, ABI1_RIGHTS, LANDLOCK_ACCESS_FS_WRITE_FILE,
	  "write_file,remove_dir,remove_file,make_char,make_dir,make_reg,make_sock,make_fifo,"
	  "make_block,make_sym" },
	{ 2, ABI1_RIGHTS | FS_REFER, LANDLOCK_ACCESS_FS_WRITE_FILE,
	  "write_file,remove_dir,remove_file,make_char,make_dir,make_reg,make_sock,make_fifo,"
	  "make_block,make_sym,refer" },
	{ 3, ABI1_RIGHTS | FS_REFER | FS_TRUNCATE, LANDLOCK_ACCESS_FS_WRITE_FILE | FS_TRUNCATE,
	  "write_file,remove_dir,remove_file,make_char,make_dir,make_reg,make_sock,make_fifo,"
	  "make_block,make_sym,refer,truncate" },
	/* ABI 4 (network), 5 (IOCTL_DEV, deliberately not handled), 6 (scopes),
	 * 7 (audit flags) add no write right for files */
	{ 4, ABI1_RIGHTS | FS_REFER | FS_TRUNCATE, LANDLOCK_ACCESS_FS_WRITE_FILE | FS_TRUNCATE,
	  NULL },
	{ 5, ABI1_RIGHTS | FS_REFER | FS_TRUNCATE, LANDLOCK_ACCESS_FS_WRITE_FILE | FS_TRUNCATE,
	  NULL },
	{ 7, ABI1_RIGHTS | FS_REFER | FS_TRUNCATE, LANDLOCK_ACCESS_FS_WRITE_FILE | FS_TRUNCATE,
	  NULL },
	{ 99, ABI1_RIGHTS | FS_REFER | FS_TRUNCATE, LANDLOCK_ACCESS_FS_WRITE_FILE | FS_TRUNCATE,
	  NULL },
};

START_TEST(test_rights_per_abi)
{
	const struct abi_case *ac = &abi_cases[_i];
	uint64_t h = confine_handled(ac->abi);
	ck_assert_msg(h == ac->handled, "abi %d: handled %#llx, want %#llx", ac->abi,
		      (unsigned long long)h, (unsigned long long)ac->handled);
	ck_assert_msg(!(h & (READ_EXEC | FS_IOCTL_DEV)),
		      "abi %d: reading, executing or ioctl handled (%#llx)", ac->abi,
		      (unsigned long long)h);
	ck_assert_msg(confine_file_rights(h) == ac->file, "abi %d: file rights %#llx, want %#llx",
		      ac->abi, (unsigned long long)confine_file_rights(h),
		      (unsigned long long)ac->file);
	if (ac->text) {
		char buf[512];
		confine_format_rights(h, buf, sizeof(buf));
		ck_assert_str_eq(buf, ac->text);
	}
}
END_TEST

START_TEST(test_format_bounded)
{
	char buf[16];
	memset(buf, 'Z', sizeof(buf));
	confine_format_rights(confine_handled(3), buf, 12);
	ck_assert_msg(memchr(buf, '\0', 12) != NULL, "not terminated within the length");
	for (size_t i = 12; i < sizeof(buf); i++)
		ck_assert_msg(buf[i] == 'Z', "byte %zu past the length written", i);
}
END_TEST

/* ------------------------------------------------- a recording kernel */

#define MAX_CALLS 32
static struct recorder {
	long version;         /* answer to the version probe: ABI or -errno */
	long create_result;   /* 0: a real fd (of /dev/null); else -errno */
	long add_result;      /* 0 or -errno */
	long restrict_result; /* 0 or -errno */
	int creates, restricts;
	uint64_t handled; /* what create_ruleset was asked to handle */
	size_t attr_size;
	uint32_t restrict_flags;
	int n_adds;
	struct {
		uint64_t access;
		char path[256];
	} adds[MAX_CALLS];
} rec;

static long fake_create(const void *attr, size_t size, uint32_t flags)
{
	if (flags == LANDLOCK_CREATE_RULESET_VERSION)
		return rec.version;
	rec.creates++;
	rec.attr_size = size;
	rec.handled = ((const struct landlock_ruleset_attr *)attr)->handled_access_fs;
	if (rec.create_result < 0)
		return rec.create_result;
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static long fake_add(int fd, int type, const void *attr, uint32_t flags)
{
	(void)fd;
	(void)flags;
	const struct landlock_path_beneath_attr *pb = attr;
	ck_assert_int_eq(type, LANDLOCK_RULE_PATH_BENEATH);
	ck_assert_int_lt(rec.n_adds, MAX_CALLS);
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pb->parent_fd);
	ssize_t n = readlink(link, rec.adds[rec.n_adds].path, sizeof(rec.adds[0].path) - 1);
	rec.adds[rec.n_adds].path[n > 0 ? n : 0] = '\0';
	rec.adds[rec.n_adds].access = pb->allowed_access;
	rec.n_adds++;
	return rec.add_result;
}

static long fake_restrict(int fd, uint32_t flags)
{
	(void)fd;
	rec.restricts++;
	rec.restrict_flags = flags;
	return rec.restrict_result;
}

static const struct confine_sys fake = { fake_create, fake_add, fake_restrict };

static void rec_reset(long version)
{
	memset(&rec, 0, sizeof(rec));
	rec.version = version;
}

/* Rights recorded for path, or UINT64_MAX when no rule was added for it. */
static uint64_t added(const char *path)
{
	for (int i = 0; i < rec.n_adds; i++)
		if (strcmp(rec.adds[i].path, path) == 0)
			return rec.adds[i].access;
	return UINT64_MAX;
}

/* Outside /tmp (a default rule): one base per test case, made and removed
 * by the parent (so also when a check fails), one directory per test. */
static char base[128], tmpdir[256];

static void make_base(void)
{
	const char *parent = access("/var/tmp", W_OK) == 0 ? "/var/tmp" : ".";
	snprintf(base, sizeof(base), "%s/stepdown-confine-XXXXXX", parent);
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		abort();
	}
}

static void remove_base(void)
{
	char cmd[sizeof(base) + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "confine: could not remove %s\n", base);
}

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/t-XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	char *real = realpath(tmpdir, NULL);
	ck_assert_ptr_nonnull(real);
	ck_assert_uint_lt(strlen(real), sizeof(tmpdir));
	snprintf(tmpdir, sizeof(tmpdir), "%s", real);
	free(real);
}

static void remove_tmpdir(void)
{
	char cmd[sizeof(tmpdir) + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *at(const char *name)
{
	static char buf[16][sizeof(tmpdir) + 64];
	static int k;
	k = (k + 1) % 16;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

/* No Landlock (each way the probe can say so): nothing is created or
 * enforced, but the paths are still checked and recorded. */
static const long no_landlock[] = { -ENOSYS, -EOPNOTSUPP, -EPERM, -EINVAL };

START_TEST(test_no_landlock)
{
	struct confine c;
	struct error err = { 0 };
	rec_reset(no_landlock[_i]);
	confine_init(&c, &fake);
	ck_assert_int_eq(c.abi, (int)no_landlock[_i]);
	ck_assert_uint_eq(c.handled, 0);
	ck_assert_int_eq(confine_begin(&c, &err), 0);
	ck_assert_int_eq(confine_add_defaults(&c, &err), 0);
	ck_assert_int_eq(rec.creates, 0);
	ck_assert_int_eq(rec.n_adds, 0);
	ck_assert_uint_eq(c.n_rules, confine_n_defaults);
	/* a missing --allow-write path is an error with or without Landlock */
	ck_assert_int_eq(confine_add(&c, "/nonexistent-stepdown-path", CONFINE_FROM_ALLOW, false,
				     false, &err),
			 -ENOENT);
	ck_assert_msg(strstr(err.msg, "/nonexistent-stepdown-path"), "%s", err.msg);
	ck_assert_int_lt(confine_restrict(&c, &err), 0);
	ck_assert_int_eq(rec.restricts, 0);
	ck_assert(!confine_covers(&c, "/tmp"));
	confine_free(&c);
}
END_TEST

/* The ruleset at each ABI: what is handled, what each path gets. */
START_TEST(test_rules_per_abi)
{
	static const int abis[] = { 1, 2, 3, 5, 7, 12 };
	int abi = abis[_i];
	int used = abi > CONFINE_ABI_KNOWN ? CONFINE_ABI_KNOWN : abi;
	uint64_t h = confine_handled(used), f = confine_file_rights(h);
	struct confine c;
	struct error err = { 0 };

	make_tmpdir();
	ck_assert_int_eq(mkdir(at("dir"), 0755), 0);
	int fd = open(at("file"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);

	rec_reset(abi);
	confine_init(&c, &fake);
	ck_assert_int_eq(c.abi, abi);
	ck_assert_int_eq(c.abi_used, used);
	ck_assert_int_eq(confine_begin(&c, &err), 0);
	ck_assert_int_eq(rec.creates, 1);
	ck_assert_msg(rec.handled == h, "abi %d: ruleset handles %#llx, want %#llx", abi,
		      (unsigned long long)rec.handled, (unsigned long long)h);
	ck_assert_uint_ge(rec.attr_size, sizeof(uint64_t));
	ck_assert_int_eq(confine_add_defaults(&c, &err), 0);
	ck_assert_int_eq(confine_add(&c, at("dir"), CONFINE_FROM_WRITABLE, false, false, &err), 0);
	ck_assert_int_eq(confine_add(&c, at("file"), CONFINE_FROM_ALLOW, false, false, &err), 0);

	/* a directory gets every handled right; a file, file rights only;
	 * /dev and /proc, file rights beneath them (nothing created there) */
	ck_assert_msg(added(at("dir")) == h, "dir: %#llx", (unsigned long long)added(at("dir")));
	ck_assert_msg(added(at("file")) == f, "file: %#llx", (unsigned long long)added(at("file")));
	if (access("/dev", F_OK) == 0)
		ck_assert_msg(added("/dev") == f, "/dev: %#llx", (unsigned long long)added("/dev"));
	if (access("/proc/self", F_OK) == 0)
		ck_assert_msg(added("/proc") == f, "/proc: %#llx",
			      (unsigned long long)added("/proc"));
	char *tmp = realpath("/tmp", NULL);
	if (tmp)
		ck_assert_msg(added(tmp) == h, "/tmp: %#llx", (unsigned long long)added(tmp));
	free(tmp);

	/* what the workload may create files in, by path */
	ck_assert(confine_covers(&c, at("dir")));
	ck_assert(confine_covers(&c, at("dir/below/not/yet/there")));
	ck_assert(!confine_covers(&c, at("file")));
	ck_assert(!confine_covers(&c, tmpdir));
	ck_assert(!confine_covers(&c, "/dev"));
	ck_assert(!confine_covers(&c, "/etc"));

	ck_assert_int_eq(confine_restrict(&c, &err), 0);
	ck_assert_int_eq(rec.restricts, 1);
	/* ABI 7: denials after the workload's execve go to the audit log */
	ck_assert_uint_eq(rec.restrict_flags, used >= 7 ? 1U << 1 : 0);
	ck_assert_int_eq(c.ruleset_fd, -1);
	confine_free(&c);
	remove_tmpdir();
}
END_TEST

/* Paths an --allow-write (or --writable) rule refuses: the error names it. */
START_TEST(test_refused_paths)
{
	struct confine c;
	struct error err = { 0 };

	make_tmpdir();
	ck_assert_int_eq(mkdir(at("real"), 0755), 0);
	ck_assert_int_eq(symlink("real", at("link")), 0);
	ck_assert_int_eq(symlink("/etc", at("etc")), 0);
	int fd = open(at("file"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);

	const struct {
		const char *path;
		int want;
		const char *names;
	} cases[] = {
		{ at("link"), -ELOOP, at("link") },      /* the last component */
		{ at("link/x"), -ELOOP, at("link") },    /* one on the way */
		{ at("etc/passwd"), -ELOOP, at("etc") }, /* a link out */
		{ at("file/x"), -ENOTDIR, at("file") },
		{ at("missing"), -ENOENT, at("missing") },
		{ at("missing/deeper"), -ENOENT, at("missing") },
		{ "relative/path", -EINVAL, "relative/path" },
	};
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		rec_reset(7);
		confine_init(&c, &fake);
		ck_assert_int_eq(confine_begin(&c, &err), 0);
		err.msg[0] = '\0';
		int r = confine_add(&c, cases[i].path, CONFINE_FROM_ALLOW, false, false, &err);
		ck_assert_msg(r == cases[i].want, "%s: %d, want %d (%s)", cases[i].path, r,
			      cases[i].want, err.msg);
		ck_assert_msg(strstr(err.msg, cases[i].names), "%s: message '%s' does not name %s",
			      cases[i].path, err.msg, cases[i].names);
		ck_assert_int_eq(rec.n_adds, 0);
		confine_free(&c);
	}
	/* missing_ok: recorded, no rule, no error (a dir the walk creates) */
	rec_reset(7);
	confine_init(&c, &fake);
	ck_assert_int_eq(confine_begin(&c, &err), 0);
	ck_assert_int_eq(confine_add(&c, at("missing"), CONFINE_FROM_WRITABLE, false, true, &err),
			 0);
	ck_assert_uint_eq(c.n_rules, 1);
	ck_assert(c.rules[0].missing);
	ck_assert_int_eq(c.rules[0].open_errno, ENOENT);
	ck_assert_uint_eq(confine_count(&c), 0);
	ck_assert_int_eq(rec.n_adds, 0);
	confine_free(&c);
	/* a default follows symlinks, and says where it leads */
	rec_reset(7);
	confine_init(&c, &fake);
	ck_assert_int_eq(confine_begin(&c, &err), 0);
	ck_assert_int_eq(confine_add(&c, at("link"), CONFINE_FROM_DEFAULT, false, true, &err), 0);
	ck_assert_str_eq(c.rules[0].resolved, at("real"));
	ck_assert_msg(added(at("real")) == confine_handled(7), "%#llx",
		      (unsigned long long)added(at("real")));
	confine_free(&c);
	remove_tmpdir();
}
END_TEST

/* A failing kernel call is an error that says which, never a silent pass. */
START_TEST(test_failures)
{
	struct confine c;
	struct error err = { 0 };

	rec_reset(7);
	rec.create_result = -ENOMEM;
	confine_init(&c, &fake);
	ck_assert_int_eq(confine_begin(&c, &err), -ENOMEM);
	ck_assert_msg(strstr(err.msg, "ruleset"), "%s", err.msg);
	confine_free(&c);

	rec_reset(7);
	rec.add_result = -EINVAL;
	confine_init(&c, &fake);
	ck_assert_int_eq(confine_begin(&c, &err), 0);
	ck_assert_int_eq(confine_add(&c, "/dev/null", CONFINE_FROM_ALLOW, false, false, &err),
			 -EINVAL);
	ck_assert_msg(strstr(err.msg, "/dev/null"), "%s", err.msg);
	confine_free(&c);

	rec_reset(7);
	rec.restrict_result = -EPERM;
	confine_init(&c, &fake);
	ck_assert_int_eq(confine_begin(&c, &err), 0);
	ck_assert_int_eq(confine_restrict(&c, &err), -EPERM);
	ck_assert_msg(strstr(err.msg, "no_new_privs"), "%s", err.msg);
	ck_assert_int_eq(c.ruleset_fd, -1);
	confine_free(&c);
}
END_TEST

/* -------------------------------------------------- on this kernel */

/* The first check that failed, for the parent to report. */
#define CHILD_CHECK(cond, ...)                                            \
	do {                                                              \
		if (!(cond)) {                                            \
			dprintf(report, __VA_ARGS__);                     \
			dprintf(report, " (errno: %s)", strerror(errno)); \
			return 1;                                         \
		}                                                         \
	} while (0)

/* In a child: confine to tmpdir/allowed, then try every kind of write. */
static int confined_child(int report)
{
	struct confine c;
	struct error err = { 0 };
	char buf[8];
	int fd, status;

	confine_init(&c, NULL);
	CHILD_CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs");
	CHILD_CHECK(confine_begin(&c, &err) == 0, "begin: %s", err.msg);
	CHILD_CHECK(confine_add(&c, at("allowed"), CONFINE_FROM_ALLOW, false, false, &err) == 0,
		    "add: %s", err.msg);
	CHILD_CHECK(confine_restrict(&c, &err) == 0, "restrict: %s", err.msg);

	/* allowed: create, write, rename within, unlink, mkdir */
	fd = open(at("allowed/new"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	CHILD_CHECK(fd >= 0 && write(fd, "x", 1) == 1, "create in the allowed dir");
	close(fd);
	CHILD_CHECK(rename(at("allowed/new"), at("allowed/renamed")) == 0, "rename within");
	CHILD_CHECK(unlink(at("allowed/renamed")) == 0, "unlink in the allowed dir");
	CHILD_CHECK(mkdir(at("allowed/sub"), 0755) == 0, "mkdir in the allowed dir");

	/* elsewhere: every write refused with EACCES (EXDEV for a rename that
	 * only lacks REFER), reading still works */
	errno = 0;
	CHILD_CHECK(open(at("other/new"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644) < 0 &&
			    errno == EACCES,
		    "create outside");
	CHILD_CHECK(open(at("other/old"), O_WRONLY | O_APPEND | O_CLOEXEC) < 0 && errno == EACCES,
		    "append outside");
	CHILD_CHECK(mkdir(at("other/d"), 0755) < 0 && errno == EACCES, "mkdir outside");
	CHILD_CHECK(symlink("x", at("other/l")) < 0 && errno == EACCES, "symlink outside");
	CHILD_CHECK(mkfifo(at("other/p"), 0644) < 0 && errno == EACCES, "mkfifo outside");
	CHILD_CHECK(unlink(at("other/old")) < 0 && errno == EACCES, "unlink outside");
	CHILD_CHECK(rename(at("allowed/mine"), at("other/mine")) < 0 &&
			    (errno == EACCES || errno == EXDEV),
		    "rename out of the allowed dir");
	CHILD_CHECK(link(at("allowed/mine"), at("other/hard")) < 0 &&
			    (errno == EACCES || errno == EXDEV),
		    "hard link out of the allowed dir");
	if (c.abi_used >= 3)
		CHILD_CHECK(truncate(at("other/old"), 0) < 0 && errno == EACCES,
			    "truncate outside");
	fd = open(at("other/old"), O_RDONLY | O_CLOEXEC);
	CHILD_CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 4, "read outside");
	close(fd);

	/* a child inherits it */
	pid_t pid = fork();
	CHILD_CHECK(pid >= 0, "fork");
	if (pid == 0)
		_exit(open(at("other/child"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644) < 0 &&
				      errno == EACCES
			      ? 0
			      : 1);
	CHILD_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
			    WEXITSTATUS(status) == 0,
		    "a child could write outside");
	confine_free(&c);
	return 0;
}

START_TEST(test_real_kernel)
{
	struct confine c;
	confine_init(&c, NULL);
	if (c.abi < 1) {
		/* Nothing to enforce here; the recorder tests above cover the logic,
		 * tests/integration/t_confine_fallback.sh the behaviour. */
		printf("confine: this kernel has no Landlock (%s): real-kernel test not run\n",
		       confine_unavailable_reason(c.abi));
		return;
	}
	make_tmpdir();
	ck_assert_int_eq(mkdir(at("allowed"), 0755), 0);
	ck_assert_int_eq(mkdir(at("other"), 0755), 0);
	int fd = open(at("other/old"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_int_eq(write(fd, "data", 4), 4);
	close(fd);
	fd = open(at("allowed/mine"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	close(fd);

	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		_exit(confined_child(p[1]));
	}
	close(p[1]);
	char msg[512] = "";
	ssize_t n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "confined: %s", msg);

	/* seen from outside: nothing was made where it was refused */
	static const char *const absent[] = { "other/new",  "other/d",    "other/l",    "other/p",
					      "other/mine", "other/hard", "other/child" };
	for (size_t i = 0; i < N_ELEMS(absent); i++)
		ck_assert_msg(access(at(absent[i]), F_OK) != 0, "%s exists", absent[i]);
	struct stat st;
	ck_assert_int_eq(stat(at("other/old"), &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_int_eq(stat(at("allowed/sub"), &st), 0);
	ck_assert_int_eq(stat(at("allowed/mine"), &st), 0);
	confine_free(&c);
	remove_tmpdir();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("confine");
	TCase *tc = tcase_create("fallback");
	tcase_add_loop_test(tc, test_decide, 0, (int)N_ELEMS(decide_cases));
	tcase_add_loop_test(tc, test_reason, 0, (int)N_ELEMS(reason_cases));
	tcase_add_loop_test(tc, test_no_landlock, 0, (int)N_ELEMS(no_landlock));
	tcase_add_test(tc, test_failures);
	suite_add_tcase(s, tc);

	tc = tcase_create("rights");
	tcase_add_unchecked_fixture(tc, make_base, remove_base);
	tcase_add_loop_test(tc, test_rights_per_abi, 0, (int)N_ELEMS(abi_cases));
	tcase_add_test(tc, test_format_bounded);
	tcase_add_loop_test(tc, test_rules_per_abi, 0, 6);
	tcase_add_test(tc, test_refused_paths);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel");
	tcase_add_unchecked_fixture(tc, make_base, remove_base);
	tcase_add_test(tc, test_real_kernel);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
