/* groups.c: the runtime's grant kept (not 0, not root's own), --groups
 * strict, --device-groups on real device nodes made with mknod in a
 * scratch /dev, and the drop's verification of the final set. Needs root
 * (mknod, chown, the drop): skips with 77 otherwise. Each test runs in
 * its own process (Check's fork mode), so a drop stays there. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stepdown/groups.h"
#include "stepdown/priv.h"
#include "unit.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct ident user(void)
{
	/* uid 1000 in 29 (audio) and its own 1000, as ident.c gives them */
	struct ident id = { .uid = 1000, .gid = 1000, .n_groups = 2, .has_entry = true };
	id.groups = calloc(8, sizeof(gid_t));
	id.groups[0] = 29;
	id.groups[1] = 1000;
	return id;
}

static void expect_groups(const struct ident *id, const gid_t *want, size_t n)
{
	char got[256] = "";
	for (size_t i = 0; i < id->n_groups; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%u ",
			 (unsigned)id->groups[i]);
	ck_assert_msg(id->n_groups == n, "groups: %s(%zu, want %zu)", got, id->n_groups, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(id->groups[i] == want[i], "groups: %s; [%zu] should be %u", got, i,
			      (unsigned)want[i]);
}

static const gid_t started[] = { 0, 4, 29, 2000, 3000, 65534 };
static const gid_t root_own[] = { 0, 4 };

static struct groups_options runtime_options(void)
{
	return (struct groups_options){ .switching = true,
					.started_with = started,
					.n_started_with = N_ELEMS(started),
					.root_groups = root_own,
					.n_root_groups = N_ELEMS(root_own),
					.dev_root = "/nonexistent",
					.overflow_gid = 65534 };
}

START_TEST(runtime_grant_kept)
{
	struct ident id = user();
	struct groups_options o = runtime_options();
	struct groups_result res;
	struct error err;
	ck_assert_int_eq(groups_choose(&o, &id, &res, &err), 0);
	/* 0, 4 (root's own through the image's files) and 65534 left out, 29 had */
	expect_groups(&id, (const gid_t[]){ 29, 1000, 2000, 3000 }, 4);
	ck_assert_uint_eq(res.n_added, 2);
	ck_assert(res.added[0].gid == 2000 && res.added[0].from == GROUPS_FROM_RUNTIME);
	ck_assert(res.added[1].gid == 3000 && res.added[1].from == GROUPS_FROM_RUNTIME);
	/* 4 left out and said; 65534, the overflow gid, flagged */
	ck_assert_uint_eq(res.n_not_kept, 1);
	ck_assert_uint_eq(res.not_kept[0], 4);
	ck_assert(res.overflow);
	groups_free(&res);
	ident_free(&id);
}
END_TEST

START_TEST(strict_and_non_root_keep_own)
{
	struct groups_options o = runtime_options();
	struct groups_result res;
	struct error err;
	for (int k = 0; k < 2; k++) {
		struct ident id = user();
		if (k == 0)
			o.strict = true;
		else
			o = (struct groups_options){ .switching = false,
						     .started_with = started,
						     .n_started_with = N_ELEMS(started),
						     .dev_root = "/nonexistent" };
		ck_assert_int_eq(groups_choose(&o, &id, &res, &err), 0);
		expect_groups(&id, (const gid_t[]){ 29, 1000 }, 2);
		ck_assert_uint_eq(res.n_added, 0);
		groups_free(&res);
		ident_free(&id);
	}
}
END_TEST

/* A scratch /dev: the nodes a runtime hands over, and the traps. */
static char dev[64];

static void node(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dev, name);
	ck_assert_msg(mknod(p, S_IFCHR | mode, makedev(1, 5)) == 0, "mknod %s: %s", p,
		      strerror(errno));
	ck_assert_int_eq(chown(p, uid, gid), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void make_dev(void)
{
	char p[256];
	snprintf(dev, sizeof(dev), "/tmp/stepdown-groups.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dev));
	const char *dirs[] = { "dri", "dri/by-path", "accel" };
	for (size_t i = 0; i < N_ELEMS(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", dev, dirs[i]);
		ck_assert_int_eq(mkdir(p, 0755), 0);
	}
	node("dri/renderD128", 0660, 0, 4242);    /* joined */
	node("kfd", 0660, 0, 4242);               /* the same gid: joined, once */
	node("dri/card0", 0660, 0, 0);            /* only group root: not joined */
	node("dri/renderD129", 0660, 0, 29);      /* a group the user has */
	node("dri/renderD130", 0600, 1000, 4343); /* its owner: opens */
	node("dri/renderD131", 0060, 1000, 4444); /* owner bits win: closed */
	node("dri/renderD132", 0640, 0, 4545);    /* group may not write */
	node("nvidia0", 0666, 0, 0);              /* anyone */
	node("nvidiactl", 0660, 0, 4646);         /* joined */
	node("accel/accel0", 0660, 0, 4747);      /* joined */
	node("mydev", 0660, 0, 4848);             /* given: joined */
	node("tty0", 0660, 0, 4949);              /* not in the list, not given */
	node("dri/renderD133", 0600, 0, 4242);    /* gid joined for another, but 0600 */
	node("dri/renderD134", 0660, 0, 65534);   /* the overflow gid: unmapped */
	snprintf(p, sizeof(p), "%s/nvidia-caps", dev);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	node("nvidia-caps/nvidia-cap1", 0660, 0, 5151); /* MIG: joined */
	snprintf(p, sizeof(p), "%s/real", dev);         /* a given path through a symlinked dir */
	ck_assert_int_eq(mkdir(p, 0755), 0);
	node("real/node", 0660, 0, 5252);
	snprintf(p, sizeof(p), "%s/lnk", dev);
	ck_assert_int_eq(symlink("real", p), 0);
	snprintf(p, sizeof(p), "%s/dri/card1", dev); /* a regular file */
	int fd = open(p, O_CREAT | O_WRONLY, 0660);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chown(p, 0, 5050), 0);
	snprintf(p, sizeof(p), "%s/dri/card2", dev); /* a symlink to a joinable node */
	ck_assert_int_eq(symlink("../mydev", p), 0);
	snprintf(p, sizeof(p), "%s/dri/by-path/pci-render", dev);
	ck_assert_int_eq(symlink("../renderD128", p), 0);
}

static void drop_dev(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dev);
	ck_assert_int_eq(system(cmd), 0);
}

static const struct groups_device *device(const struct groups_result *res, const char *name)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dev, name);
	for (size_t i = 0; i < res->n_devices; i++)
		if (strcmp(res->devices[i].path, p) == 0)
			return &res->devices[i];
	return NULL;
}

static void expect_verdict(const struct groups_result *res, const char *name, enum groups_verdict v)
{
	const struct groups_device *d = device(res, name);
	ck_assert_msg(d != NULL, "%s not looked at", name);
	ck_assert_msg(d->verdict == v, "%s: verdict %d, want %d", name, d->verdict, v);
}

START_TEST(device_groups_joined)
{
	make_dev();
	char given[5][256];
	snprintf(given[0], sizeof(given[0]), "%s/mydev", dev);
	snprintf(given[1], sizeof(given[1]), "%s/dri/by-path/pci-render", dev);
	snprintf(given[2], sizeof(given[2]), "%s/missing", dev);
	snprintf(given[3], sizeof(given[3]), "%s/lnk/node", dev);
	snprintf(given[4], sizeof(given[4]), "%s/dri", dev);
	char *paths[] = { given[0], given[1], given[2], given[3], given[4] };
	struct groups_options o = { .switching = true,
				    .strict = true,
				    .devices = true,
				    .device_paths = paths,
				    .n_device_paths = 5,
				    .dev_root = dev,
				    .overflow_gid = 65534 };
	struct ident id = user();
	struct groups_result res;
	struct error err;
	ck_assert_int_eq(groups_choose(&o, &id, &res, &err), 0);
	expect_groups(&id, (const gid_t[]){ 29, 1000, 4242, 4646, 4747, 4848, 5151 }, 7);
	expect_verdict(&res, "dri/renderD128", GROUPS_DEVICE_JOINED);
	expect_verdict(&res, "kfd", GROUPS_DEVICE_JOINED);
	expect_verdict(&res, "dri/card0", GROUPS_DEVICE_ROOT_ONLY);
	expect_verdict(&res, "dri/renderD129", GROUPS_DEVICE_OPEN);
	expect_verdict(&res, "dri/renderD130", GROUPS_DEVICE_OPEN);
	expect_verdict(&res, "dri/renderD131", GROUPS_DEVICE_CLOSED);
	expect_verdict(&res, "dri/renderD132", GROUPS_DEVICE_CLOSED);
	expect_verdict(&res, "nvidia0", GROUPS_DEVICE_OPEN);
	expect_verdict(&res, "nvidiactl", GROUPS_DEVICE_JOINED);
	expect_verdict(&res, "accel/accel0", GROUPS_DEVICE_JOINED);
	expect_verdict(&res, "mydev", GROUPS_DEVICE_JOINED);
	expect_verdict(&res, "dri/renderD133", GROUPS_DEVICE_CLOSED);
	expect_verdict(&res, "dri/renderD134", GROUPS_DEVICE_UNMAPPED);
	expect_verdict(&res, "nvidia-caps/nvidia-cap1", GROUPS_DEVICE_JOINED);
	expect_verdict(&res, "dri/by-path/pci-render", GROUPS_DEVICE_SYMLINK);
	expect_verdict(&res, "lnk/node", GROUPS_DEVICE_SYMLINK); /* 5252 not joined */
	expect_verdict(&res, "dri", GROUPS_DEVICE_NOT_CHAR);
	expect_verdict(&res, "missing", GROUPS_DEVICE_MISSING);
	ck_assert_int_eq(device(&res, "missing")->err, ENOENT);
	/* from the default list, only character devices are recorded */
	ck_assert_ptr_null(device(&res, "dri/card1"));
	ck_assert_ptr_null(device(&res, "dri/card2"));
	ck_assert_ptr_null(device(&res, "tty0"));
	ck_assert_uint_eq(res.n_added, 5);
	char want[256];
	snprintf(want, sizeof(want), "%s/dri/renderD128", dev); /* the first that brought it */
	ck_assert(res.added[0].gid == 4242 && res.added[0].from == GROUPS_FROM_DEVICE);
	ck_assert_str_eq(res.added[0].path, want);
	groups_free(&res);
	ident_free(&id);
	drop_dev();
}
END_TEST

START_TEST(device_groups_non_root)
{
	make_dev();
	struct groups_options o = { .switching = false, .devices = true, .dev_root = dev };
	struct ident id = user();
	struct groups_result res;
	struct error err;
	ck_assert_int_eq(groups_choose(&o, &id, &res, &err), 0);
	expect_groups(&id, (const gid_t[]){ 29, 1000 }, 2);
	ck_assert_uint_eq(res.n_added, 0);
	expect_verdict(&res, "dri/renderD128", GROUPS_DEVICE_NEEDS_GID);
	expect_verdict(&res, "kfd", GROUPS_DEVICE_NEEDS_GID);
	expect_verdict(&res, "dri/card0", GROUPS_DEVICE_ROOT_ONLY);
	expect_verdict(&res, "nvidia0", GROUPS_DEVICE_OPEN);
	groups_free(&res);
	ident_free(&id);
	drop_dev();
}
END_TEST

/* The plan with the runtime's groups, and a drop that set another set (an
 * injected one, a gid short): verification refuses; the planned set
 * passes. Each in a child of its own, since a drop is for good. */
START_TEST(verify_holds_drop_to_plan)
{
	struct ident id = user();
	struct groups_options o = runtime_options();
	struct groups_result res;
	struct error err;
	ck_assert_int_eq(groups_choose(&o, &id, &res, &err), 0);
	for (int k = 0; k < 2; k++) {
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			struct ident set = id;
			if (k == 0)
				set.n_groups--; /* 3000 never set */
			if (priv_drop(&set, 0, &err) < 0)
				_exit(3);
			int r = priv_verify(id.uid, id.gid, id.groups, id.n_groups, 0, true, &err);
			if (k == 0)
				_exit(r == -EPERM && strstr(err.msg, "not the expected set") ? 0
											     : 1);
			_exit(r == 0 ? 0 : 2);
		}
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: child status %d",
			      k == 0 ? "injected set" : "planned set", status);
	}
	groups_free(&res);
	ident_free(&id);
}
END_TEST

int main(void)
{
	if (geteuid() != 0) {
		puts("SKIP: test_groups makes device nodes and drops privileges, which needs "
		     "root; CI runs as root");
		return 77;
	}
	Suite *s = suite_create("groups");
	TCase *tc = tcase_create("runtime");
	tcase_add_test(tc, runtime_grant_kept);
	tcase_add_test(tc, strict_and_non_root_keep_own);
	tcase_add_test(tc, verify_holds_drop_to_plan);
	suite_add_tcase(s, tc);
	tc = tcase_create("devices");
	tcase_add_test(tc, device_groups_joined);
	tcase_add_test(tc, device_groups_non_root);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
