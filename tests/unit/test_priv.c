/* priv: the drop and its verification, for real. Every test runs in its
 * own forked process (Check's default), so credentials changed here never
 * leak into other tests. Needs root: skips with 77 otherwise. */
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "stepdown/priv.h"

#include "unit.h"

#define BIT(n) (UINT64_C(1) << (n))

static struct ident make_ident(uid_t uid, gid_t gid, const gid_t *groups, size_t n)
{
	struct ident id = { .uid = uid, .gid = gid, .n_groups = n };
	id.groups = calloc(n + 1, sizeof(gid_t));
	memcpy(id.groups, groups, n * sizeof(gid_t));
	return id;
}

/* Negative cases first: verification must catch every kind of mismatch. */
struct verify_case {
	const char *name;
	uid_t uid; /* expected by the verifier */
	gid_t gid;
	gid_t groups[3];
	size_t n_groups;
	uint64_t keep;      /* expected kept capabilities */
	const char *needle; /* in the error */
};

static const gid_t dropped_groups[] = { 29, 1000 };

static const struct verify_case bad_verify[] = {
	{ "wrong uid", 1001, 1000, { 29, 1000 }, 2, 0, "uids are 1000/1000/1000" },
	{ "wrong gid", 1000, 1001, { 29, 1000 }, 2, 0, "gids are 1000/1000/1000" },
	{ "a group missing", 1000, 1000, { 1000 }, 1, 0, "groups are not the expected set" },
	{ "an extra group expected",
	  1000,
	  1000,
	  { 29, 44, 1000 },
	  3,
	  0,
	  "groups are not the expected set" },
	{ "a capability expected but absent",
	  1000,
	  1000,
	  { 29, 1000 },
	  2,
	  BIT(CAP_NET_BIND_SERVICE),
	  "kept capabilities not in place" },
};

START_TEST(verify_catches_mismatch)
{
	const struct verify_case *c = &bad_verify[_i];
	struct ident id = make_ident(1000, 1000, dropped_groups, 2);
	struct error err = { 0 };
	ck_assert_int_eq(priv_drop(&id, 0, &err), 0);
	ck_assert_int_eq(priv_verify(c->uid, c->gid, c->groups, c->n_groups, c->keep, true, &err),
			 -EPERM);
	ck_assert_msg(strstr(err.msg, c->needle), "%s: '%s' lacks '%s'", c->name, err.msg,
		      c->needle);
	ident_free(&id);
}
END_TEST

START_TEST(verify_refuses_root_still_held)
{
	/* Before any drop: root, full capabilities, no no_new_privs. */
	struct error err = { 0 };
	ck_assert_int_eq(priv_verify(0, 0, NULL, 0, 0, true, &err), -EPERM);
	ck_assert_msg(strstr(err.msg, "capabilities still held"), "%s", err.msg);
}
END_TEST

START_TEST(verify_refuses_missing_no_new_privs)
{
	/* Drop by hand, without no_new_privs. */
	gid_t g = 1000;
	ck_assert_int_eq(setgroups(1, &g), 0);
	ck_assert_int_eq(prctl(PR_CAPBSET_DROP, CAP_SETPCAP, 0, 0, 0), 0);
	for (int c = 0; c <= priv_last_cap(); c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	ck_assert_int_eq(setresgid(1000, 1000, 1000), 0);
	ck_assert_int_eq(setresuid(1000, 1000, 1000), 0);
	struct error err = { 0 };
	ck_assert_int_eq(priv_verify(1000, 1000, &g, 1, 0, true, &err), -EPERM);
	ck_assert_msg(strstr(err.msg, "no_new_privs"), "%s", err.msg);
}
END_TEST

START_TEST(verify_refuses_regainable_root)
{
	/* Effective uid 1000 with saved uid 0: root is one setuid() away. */
	gid_t g = 1000;
	ck_assert_int_eq(setgroups(1, &g), 0);
	ck_assert_int_eq(setresgid(1000, 1000, 1000), 0);
	ck_assert_int_eq(setresuid(1000, 1000, 0), 0);
	struct error err = { 0 };
	ck_assert_int_eq(priv_verify(1000, 1000, &g, 1, 0, true, &err), -EPERM);
	ck_assert_msg(strstr(err.msg, "uids are 1000/1000/0"), "%s", err.msg);
}
END_TEST

START_TEST(check_not_setid_detects_split_ids)
{
	ck_assert_int_eq(priv_check_not_setid(), 0);
	ck_assert_int_eq(setresuid(1000, 0, 0), 0); /* as a setuid-root binary run by 1000 */
	ck_assert_int_eq(priv_check_not_setid(), -EPERM);
}
END_TEST

START_TEST(check_not_setid_detects_split_gids)
{
	ck_assert_int_eq(setresgid(1000, 0, 0), 0);
	ck_assert_int_eq(priv_check_not_setid(), -EPERM);
}
END_TEST

/* Positive cases: the drop lands exactly where it should. */
struct drop_case {
	const char *name;
	uid_t uid;
	gid_t gid;
	gid_t groups[3];
	size_t n_groups;
	uint64_t keep;
};

static const struct drop_case drops[] = {
	{ "named user, two groups", 1000, 1000, { 29, 1000 }, 2, 0 },
	{ "no supplementary groups", 4242, 4242, { 0 }, 0, 0 },
	{ "keep NET_BIND_SERVICE", 1000, 1000, { 1000 }, 1, BIT(CAP_NET_BIND_SERVICE) },
	{ "keep two", 1000, 1000, { 1000 }, 1, BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL) },
};

START_TEST(drop_lands_exactly)
{
	const struct drop_case *c = &drops[_i];
	struct ident id = make_ident(c->uid, c->gid, c->groups, c->n_groups);
	struct error err = { 0 };
	ck_assert_msg(priv_drop(&id, c->keep, &err) == 0, "%s: failed at %s", c->name, err.msg);
	ck_assert_msg(priv_verify(c->uid, c->gid, c->groups, c->n_groups, c->keep, true, &err) == 0,
		      "%s: %s", c->name, err.msg);
	uid_t r, e, s;
	ck_assert_int_eq(getresuid(&r, &e, &s), 0);
	ck_assert(r == c->uid && e == c->uid && s == c->uid);
	struct priv_caps caps;
	ck_assert_int_eq(priv_read_caps(&caps), 0);
	ck_assert_uint_eq(caps.effective, c->keep);
	ck_assert_uint_eq(caps.permitted, c->keep);
	ck_assert_uint_eq(caps.inheritable, c->keep);
	ck_assert_uint_eq(caps.ambient, c->keep);
	ck_assert_uint_eq(caps.bounding, c->keep);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	ck_assert_int_eq(setuid(0), -1);
	ident_free(&id);
}
END_TEST

START_TEST(shed_as_non_root)
{
	gid_t g = 1234;
	ck_assert_int_eq(setgroups(1, &g), 0);
	ck_assert_int_eq(setresgid(1234, 1234, 1234), 0);
	ck_assert_int_eq(setresuid(1234, 1234, 1234), 0); /* capabilities gone */
	uint64_t kept = 99;
	bool bounding = true;
	struct error err = { 0 };
	ck_assert_int_eq(priv_shed(BIT(CAP_NET_BIND_SERVICE), &kept, &bounding, &err), 0);
	ck_assert_uint_eq(kept, 0); /* not held, so not kept */
	ck_assert(!bounding);       /* no CAP_SETPCAP to shrink it */
	ck_assert_msg(priv_verify(1234, 1234, &g, 1, kept, false, &err) == 0, "%s", err.msg);
}
END_TEST

START_TEST(format_caps)
{
	char buf[128];
	priv_format_caps(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");
	priv_format_caps(BIT(CAP_NET_BIND_SERVICE), buf, sizeof(buf));
	ck_assert_str_eq(buf, "net_bind_service");
	priv_format_caps(BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE), buf, sizeof(buf));
	ck_assert_str_eq(buf, "chown,net_bind_service");
	priv_format_caps(BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE), buf, 8);
	ck_assert_uint_lt(strlen(buf), 8);
}
END_TEST

int main(void)
{
	if (geteuid() != 0) {
		puts("SKIP: test_priv changes credentials and needs root; CI runs as root");
		return 77;
	}
	Suite *s = suite_create("priv");
	TCase *tc = tcase_create("verify");
	tcase_add_loop_test(tc, verify_catches_mismatch, 0,
			    sizeof(bad_verify) / sizeof(bad_verify[0]));
	tcase_add_test(tc, verify_refuses_root_still_held);
	tcase_add_test(tc, verify_refuses_missing_no_new_privs);
	tcase_add_test(tc, verify_refuses_regainable_root);
	tcase_add_test(tc, check_not_setid_detects_split_ids);
	tcase_add_test(tc, check_not_setid_detects_split_gids);
	suite_add_tcase(s, tc);
	tc = tcase_create("drop");
	tcase_add_loop_test(tc, drop_lands_exactly, 0, sizeof(drops) / sizeof(drops[0]));
	tcase_add_test(tc, shed_as_non_root);
	tcase_add_test(tc, format_caps);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
