/* walk: opening declared paths and the ownership walk, on real trees in a
 * temporary directory. Needs root (it changes owners): skips with 77
 * otherwise. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stepdown/walk.h"

#include "unit.h"

#define U 1000
#define G 1001

static char base[64];

static void setup(void)
{
	snprintf(base, sizeof(base), "/tmp/stepdown-walk.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	ck_assert_int_eq(system(cmd), 0);
}

/* Build a tree with the shell; every @ stands for the base directory. */
static void sh(const char *script)
{
	char cmd[2048];
	size_t n = 0;
	for (const char *p = script; *p && n < sizeof(cmd) - 64; p++) {
		if (p[0] == '@') {
			n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%s", base);
			continue;
		}
		cmd[n++] = *p;
	}
	cmd[n] = '\0';
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

static struct stat lst(const char *rel)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	ck_assert_msg(lstat(p, &st) == 0, "%s", p);
	return st;
}

static int walk(const char *rel, unsigned jobs, bool dry, struct walk_stats *st)
{
	char p[512];
	struct error err = { 0 };
	struct declared_dir dd;
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	ck_assert_int_eq(declared_open_dir(p, !dry, U, G, NULL, &dd, &err), 0);
	struct walk_options o = { .uid = U, .gid = G, .dry_run = dry, .jobs = jobs };
	return walk_tree(dd.fd, p, &o, st);
}

/* Negative cases first: declared paths that must be refused. */
struct open_case {
	const char *rel; /* below base; NULL: use abs */
	const char *abs;
	bool create;
	int rc;
};

static const struct open_case bad_opens[] = {
	{ "link/sub", NULL, true, -ELOOP }, /* symlink as a middle component */
	{ "link", NULL, true, -ELOOP },     /* ... as the last one */
	{ "real/../real", NULL, true, -EINVAL },  { "real/./x", NULL, true, -EINVAL },
	{ "file/x", NULL, true, -ENOTDIR },       { "missing", NULL, false, -ENOENT },
	{ NULL, "relative/path", true, -EINVAL },
};

START_TEST(open_refuses)
{
	const struct open_case *c = &bad_opens[_i];
	sh("mkdir @/real && ln -s real @/link && touch @/file");
	char p[512];
	struct error err = { 0 };
	struct declared_dir dd;
	if (c->rel)
		snprintf(p, sizeof(p), "%s/%s", base, c->rel);
	else
		snprintf(p, sizeof(p), "%s", c->abs);
	ck_assert_int_eq(declared_open_dir(p, c->create, U, G, NULL, &dd, &err), c->rc);
	ck_assert_int_eq(dd.fd, -1);
	ck_assert_msg(err.msg[0], "no message for %s", p);
	if (c->rc == -ELOOP)
		ck_assert_msg(strstr(err.msg, "symlink"), "%s", err.msg);
	ck_assert_int_eq(lst("real").st_nlink, 2); /* nothing was created in real/ */
}
END_TEST

START_TEST(open_creates_missing)
{
	char p[512];
	struct error err = { 0 };
	struct declared_dir dd;
	snprintf(p, sizeof(p), "%s/a/b/c", base);
	ck_assert_int_eq(declared_open_dir(p, true, U, G, NULL, &dd, &err), 0);
	close(dd.fd);
	ck_assert(dd.created);
	struct stat a = lst("a"), b = lst("a/b"), c = lst("a/b/c");
	ck_assert(a.st_uid == 0 && a.st_gid == 0 && (a.st_mode & 07777) == 0755);
	ck_assert(b.st_uid == 0 && b.st_gid == 0 && (b.st_mode & 07777) == 0755);
	ck_assert(c.st_uid == U && c.st_gid == G && (c.st_mode & 07777) == 0755);
	/* Existing: opened, not created. */
	ck_assert_int_eq(declared_open_dir(p, true, U, G, NULL, &dd, &err), 0);
	close(dd.fd);
	ck_assert(!dd.created);
}
END_TEST

START_TEST(walk_links_and_hardlinks)
{
	sh("mkdir -p @/t/d @/out && echo s > @/out/secret && ln -s ../out/secret @/t/l");
	sh("ln @/out/secret @/t/d/hard && ln -s ../out @/t/dl && touch @/t/d/f");
	struct walk_stats st;
	ck_assert_int_eq(walk("t", 1, false, &st), 0);
	ck_assert(lst("out/secret").st_uid == 0 && lst("out").st_uid == 0);
	ck_assert(lst("t/l").st_uid == U && lst("t/l").st_gid == G); /* the link itself */
	ck_assert(lst("t/dl").st_uid == U);
	ck_assert(lst("t/d/hard").st_uid == 0); /* left alone */
	ck_assert(lst("t/d/f").st_uid == U && lst("t").st_uid == U && lst("t/d").st_uid == U);
	ck_assert_uint_eq(st.seen, 6); /* t, l, d, dl, hard, f */
	ck_assert_uint_eq(st.changed, 5);
	ck_assert_uint_eq(st.hardlinks, 1);
	ck_assert_msg(strstr(st.hardlink_paths[0], "/t/d/hard"), "%s", st.hardlink_paths[0]);
}
END_TEST

START_TEST(walk_skips_owned_and_dry_run_changes_nothing)
{
	sh("mkdir -p @/t/a/b && touch @/t/a/f1 @/t/a/b/f2");
	struct walk_stats st;
	ck_assert_int_eq(walk("t", 1, true, &st), 0);
	ck_assert_uint_eq(st.changed, 5);
	ck_assert(lst("t/a/b/f2").st_uid == 0); /* dry run */
	ck_assert_int_eq(walk("t", 1, false, &st), 0);
	ck_assert_uint_eq(st.changed, 5);
	struct stat before = lst("t/a/b/f2");
	ck_assert_int_eq(walk("t", 1, false, &st), 0);
	ck_assert_uint_eq(st.changed, 0);
	ck_assert_uint_eq(st.owned, 5);
	struct stat after = lst("t/a/b/f2");
	ck_assert(before.st_ctim.tv_sec == after.st_ctim.tv_sec &&
		  before.st_ctim.tv_nsec == after.st_ctim.tv_nsec);
}
END_TEST

/* Deeper than the open-level limit (32): levels are closed and reopened
 * through "..", and the path outgrows PATH_MAX. */
static const unsigned depths_jobs[][2] = { { 40, 1 }, { 300, 1 }, { 300, 4 } };

START_TEST(walk_deep)
{
	unsigned depth = depths_jobs[_i][0], jobs = depths_jobs[_i][1];
	char root[512];
	snprintf(root, sizeof(root), "%s/t", base);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	int fd = open(root, O_RDONLY | O_DIRECTORY);
	for (unsigned i = 0; i < depth; i++) {
		/* two files and a sibling dir at every level */
		close(openat(fd, "file-a", O_CREAT | O_WRONLY, 0644));
		close(openat(fd, "file-b", O_CREAT | O_WRONLY, 0644));
		mkdirat(fd, "sibling-directory", 0755);
		ck_assert_int_eq(mkdirat(fd, "a-long-directory-name", 0755), 0);
		int next = openat(fd, "a-long-directory-name", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = next;
	}
	close(fd);
	struct walk_stats st;
	ck_assert_int_eq(walk("t", jobs, false, &st), 0);
	uint64_t expect = 1 + (uint64_t)depth * 4;
	ck_assert_uint_eq(st.seen, expect);
	ck_assert_uint_eq(st.changed, expect);
	ck_assert_uint_eq(st.errors, 0);
	/* and it is idempotent */
	ck_assert_int_eq(walk("t", jobs, false, &st), 0);
	ck_assert_uint_eq(st.changed, 0);
	ck_assert_uint_eq(st.owned, expect);
}
END_TEST

START_TEST(walk_jobs_agree)
{
	sh("mkdir -p @/t && cd @/t && for i in $(seq 50); do mkdir d$i; for j in $(seq 20); do "
	   ": > d$i/f$j; done; done");
	struct walk_stats one, four;
	ck_assert_int_eq(walk("t", 4, true, &four), 0);
	ck_assert_int_eq(walk("t", 1, true, &one), 0);
	ck_assert_uint_eq(one.seen, 1 + 50 + 50 * 20);
	ck_assert_uint_eq(four.seen, one.seen);
	ck_assert_uint_eq(four.changed, one.changed);
	ck_assert_int_eq(walk("t", 4, false, &four), 0);
	ck_assert_uint_eq(four.changed, one.seen);
	ck_assert_int_eq(walk("t", 1, true, &one), 0);
	ck_assert_uint_eq(one.changed, 0);
}
END_TEST

/* An outside file linked in and unlinked again at full speed, by two
 * processes, while the walk re-owns the directory over and over: the
 * kernel drops a name's link count before the name leaves the dentry
 * cache, so a count of 1 through the pin and a look by name at the pinned
 * inode are seen for the outside file; neither may lead to a change. A
 * few seconds of walks meet the outside file linked in some hundreds of
 * times (the walk without its proof re-owned it in 4 runs of 4). */
START_TEST(walk_link_toggle_race)
{
	sh("mkdir -p @/out @/w/d && echo public > @/out/pub && chmod 0666 @/out/pub");
	char pub[512], name[2][600], d[512];
	snprintf(pub, sizeof(pub), "%s/out/pub", base);
	snprintf(d, sizeof(d), "%s/w/d", base);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		snprintf(name[k], sizeof(name[k]), "%s/n", d);
		if ((kids[k] = fork()) == 0) { /* until killed */
			for (;;)
				if (link(pub, name[k]) == 0)
					unlink(name[k]);
		}
		ck_assert_int_gt(kids[k], 0);
	}
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t walks = 0, met = 0, changed_outside = 0;
	do {
		ck_assert_int_eq(chown(d, 0, 0), 0); /* it needs re-owning again */
		struct walk_stats st;
		walk("w", 1, false, &st);
		ck_assert_uint_eq(st.errors, 0);
		met += st.hardlinks;
		walks++;
		struct stat ps;
		ck_assert_int_eq(stat(pub, &ps), 0);
		if (ps.st_uid != 0 || ps.st_gid != 0 || (ps.st_mode & 07777) != 0666) {
			changed_outside++;
			ck_assert_int_eq(chown(pub, 0, 0), 0);
			ck_assert_int_eq(chmod(pub, 0666), 0);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - t0.tv_sec < 4);
	for (int k = 0; k < 2; k++) {
		kill(kids[k], SIGKILL);
		waitpid(kids[k], NULL, 0);
	}
	ck_assert_msg(met > 20, "the walk met the linked-in file only %llu times in %llu walks",
		      (unsigned long long)met, (unsigned long long)walks);
	ck_assert_msg(changed_outside == 0,
		      "the outside file was re-owned %llu times in %llu walks (met linked in %llu)",
		      (unsigned long long)changed_outside, (unsigned long long)walks,
		      (unsigned long long)met);
}
END_TEST

START_TEST(default_jobs_in_range)
{
	unsigned n = walk_default_jobs();
	ck_assert(n >= 1 && n <= 8);
}
END_TEST

int main(void)
{
	if (geteuid() != 0) {
		puts("SKIP: test_walk changes owners and needs root; CI runs as root");
		return 77;
	}
	Suite *s = suite_create("walk");
	TCase *tc = tcase_create("walk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, open_refuses, 0, sizeof(bad_opens) / sizeof(bad_opens[0]));
	tcase_add_test(tc, open_creates_missing);
	tcase_add_test(tc, walk_links_and_hardlinks);
	tcase_add_test(tc, walk_skips_owned_and_dry_run_changes_nothing);
	tcase_add_loop_test(tc, walk_deep, 0, sizeof(depths_jobs) / sizeof(depths_jobs[0]));
	tcase_add_test(tc, walk_jobs_agree);
	tcase_add_test(tc, walk_link_toggle_race);
	tcase_add_test(tc, default_jobs_in_range);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
