#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf */
#endif
/* Unit tests for src/ident.c: /etc/passwd and /etc/group parsing without NSS
 * and resolution of a USER[:GROUP] spec. Table-driven, negative cases first;
 * every case is its own Check test (tcase_add_loop_test), run in Check's
 * default fork mode so a crash fails one case, not the suite. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "stepdown/ident.h"

#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A string literal and its exact length (it may contain NUL bytes). */
#define L(s) s, (sizeof(s) - 1)

#define MIB (1024u * 1024u)

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

/* Exactly n bytes, no terminator: an implementation that reads past the
 * length it was given reads past the allocation (caught under ASan). */
static char *dup_exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	if (n)
		memcpy(p, s, n);
	return p;
}

/* A NUL-terminated, writable copy for the in-place line parsers. */
static char *dup_line(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* head + pad bytes of fill + tail, exactly total bytes, no terminator
 * counted (one extra byte holds a NUL). */
static char *make_padded(const char *head, char fill, const char *tail, size_t total)
{
	size_t h = strlen(head), t = strlen(tail);
	char *p;

	ck_assert_uint_ge(total, h + t);
	p = malloc(total + 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, head, h);
	memset(p + h, fill, total - h - t);
	memcpy(p + total - t, tail, t);
	p[total] = '\0';
	return p;
}

struct growbuf {
	char *p;
	size_t len, cap;
};

static void gb_add(struct growbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (b->len + n + 1 > cap)
			cap *= 2;
		b->p = realloc(b->p, cap);
		ck_assert_ptr_nonnull(b->p);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void gb_str(struct growbuf *b, const char *s)
{
	gb_add(b, s, strlen(s));
}

/* Temporary file holding exactly data[0..len). Returns a malloc'd path. */
static char *temp_file(const char *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	ck_assert_int_gt(asprintf(&path, "%s/stepdown-ut-ident-XXXXXX", dir), 0);
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, data, len);

		ck_assert_msg(n > 0, "write %s: %s", path, strerror(errno));
		data += n;
		len -= (size_t)n;
	}
	ck_assert_int_eq(close(fd), 0);
	return path;
}

/* A sparse temporary file of the given size (cheap even when huge). */
static char *temp_sparse(off_t size)
{
	char *path = temp_file("", 0);
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	ck_assert_int_eq(close(fd), 0);
	return path;
}

/* A path that does not exist. */
static char *temp_missing(void)
{
	char *path = temp_file("", 0);

	ck_assert_int_eq(unlink(path), 0);
	return path;
}

/* ------------------------------------------------------------------ */
/* ident_parse_passwd_line                                             */
/* ------------------------------------------------------------------ */

struct pw_case {
	const char *line;
	size_t len;
	int rc;
	const char *name;
	uid_t uid;
	gid_t gid;
	const char *home;
};

/* clang-format off */
static const struct pw_case pw_cases[] = {
	/* negative: not entries at all */
	{ L(""), -EINVAL, NULL, 0, 0, NULL },
	{ L("   "), -EINVAL, NULL, 0, 0, NULL },
	{ L("#app:x:1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("# comment"), -EINVAL, NULL, 0, 0, NULL },
	{ L("+app:x:1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("-app:x:1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("+::::::"), -EINVAL, NULL, 0, 0, NULL },
	{ L("+"), -EINVAL, NULL, 0, 0, NULL },
	{ L("-@netgroup"), -EINVAL, NULL, 0, 0, NULL },
	/* negative: field count */
	{ L("app"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:1000::/home/app"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:1000::/home/app:/bin/sh:"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:1000::/home/app:/bin/sh:extra"), -EINVAL, NULL, 0, 0, NULL },
	{ L("::::::::"), -EINVAL, NULL, 0, 0, NULL },
	/* negative: empty name */
	{ L(":x:1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("::::::"), -EINVAL, NULL, 0, 0, NULL },
	/* negative: uid */
	{ L("app:x::1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:-1:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:+1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x: 1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000 :1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:\t1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:0x10:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1e3:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:10a0:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:4294967295:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:4294967296:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:18446744073709551615:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:18446744073709552616:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	/* negative: gid */
	{ L("app:x:1000::/home/app:/bin/sh:"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:-1::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:+1::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000: 1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:0x3e8::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:4294967295::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:4294967296::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:1000\r::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	/* negative: NUL bytes inside the line (len > strlen) */
	{ L("app:x:1000:1000::/home/app:/bin/sh\0"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:1000::/home/app\0:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:10\0" "00:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	{ L("app:x:1000:1000::/home/app:/bin/sh\0app:x:1:1::/:/"), -EINVAL, NULL, 0, 0, NULL },
	{ L("\0app:x:1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, 0, NULL },
	/* positive */
	{ L("app:x:1000:1000:App User:/home/app:/bin/sh"), 0, "app", 1000, 1000, "/home/app" },
	{ L("app:x:1000:1000:::/bin/sh"), 0, "app", 1000, 1000, "" },
	{ L("app:x:1000:1000::/home/app:"), 0, "app", 1000, 1000, "/home/app" },
	{ L("a::0:0:::"), 0, "a", 0, 0, "" },
	{ L("root:x:0:0:root:/root:/bin/bash"), 0, "root", 0, 0, "/root" },
	{ L("max:*:4294967294:4294967294:Max,,,:/max:/usr/sbin/nologin"), 0, "max", 4294967294u,
	  4294967294u, "/max" },
	{ L("svc.user-1_x:!:65534:65534:g e c o s:/var/lib/svc:/bin/false"), 0, "svc.user-1_x",
	  65534, 65534, "/var/lib/svc" },
	{ L("app:x:1000:2000::/home/app:/bin/sh\r"), 0, "app", 1000, 2000, "/home/app" },
	{ L("app:x:7:8:gecos:/h o m e:/bin/sh"), 0, "app", 7, 8, "/h o m e" },
};
/* clang-format on */

START_TEST(test_parse_passwd_line)
{
	const struct pw_case *c = &pw_cases[_i];
	struct passwd_line out;
	char *line = dup_line(c->line, c->len);
	int rc;

	memset(&out, 0, sizeof(out));
	rc = ident_parse_passwd_line(line, c->len, &out);
	ck_assert_msg(rc == c->rc, "case %d '%s' (len %zu): rc %d, expected %d", _i, c->line,
		      c->len, rc, c->rc);
	if (c->rc == 0) {
		ck_assert_ptr_nonnull(out.name);
		ck_assert_ptr_nonnull(out.home);
		ck_assert_str_eq(out.name, c->name);
		ck_assert_uint_eq(out.uid, c->uid);
		ck_assert_uint_eq(out.gid, c->gid);
		ck_assert_str_eq(out.home, c->home);
	}
	free(line);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ident_parse_group_line                                              */
/* ------------------------------------------------------------------ */

struct gr_case {
	const char *line;
	size_t len;
	int rc;
	const char *name;
	gid_t gid;
	const char *members;
};

/* clang-format off */
static const struct gr_case gr_cases[] = {
	/* negative: not entries */
	{ L(""), -EINVAL, NULL, 0, NULL },
	{ L("  "), -EINVAL, NULL, 0, NULL },
	{ L("#devs:x:200:app"), -EINVAL, NULL, 0, NULL },
	{ L("+devs:x:200:app"), -EINVAL, NULL, 0, NULL },
	{ L("-devs:x:200:app"), -EINVAL, NULL, 0, NULL },
	{ L("+:::"), -EINVAL, NULL, 0, NULL },
	{ L("+"), -EINVAL, NULL, 0, NULL },
	/* negative: field count */
	{ L("devs"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:200"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:200:app:"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:200:app:bob"), -EINVAL, NULL, 0, NULL },
	{ L("app:x:1000:1000::/home/app:/bin/sh"), -EINVAL, NULL, 0, NULL },
	/* negative: empty name */
	{ L(":x:200:app"), -EINVAL, NULL, 0, NULL },
	{ L(":::"), -EINVAL, NULL, 0, NULL },
	/* negative: gid */
	{ L("devs:x::app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:-1:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:+200:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x: 200:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:200 :app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:0xc8:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:2e2:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:abc:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:4294967295:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:4294967296:app"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:200\r:app"), -EINVAL, NULL, 0, NULL },
	/* negative: NUL bytes inside */
	{ L("devs:x:200:app\0"), -EINVAL, NULL, 0, NULL },
	{ L("devs:x:200:app\0,bob"), -EINVAL, NULL, 0, NULL },
	{ L("de\0vs:x:200:app"), -EINVAL, NULL, 0, NULL },
	{ L("\0devs:x:200:app"), -EINVAL, NULL, 0, NULL },
	/* positive */
	{ L("devs:x:200:app,bob"), 0, "devs", 200, "app,bob" },
	{ L("devs:x:200:"), 0, "devs", 200, "" },
	{ L("devs::200:app"), 0, "devs", 200, "app" },
	{ L("root:x:0:"), 0, "root", 0, "" },
	{ L("max:*:4294967294:a,b,c"), 0, "max", 4294967294u, "a,b,c" },
	{ L("devs:x:200:app\r"), 0, "devs", 200, "app\r" },
	{ L("devs:x:200:app,"), 0, "devs", 200, "app," },
};
/* clang-format on */

START_TEST(test_parse_group_line)
{
	const struct gr_case *c = &gr_cases[_i];
	struct group_line out;
	char *line = dup_line(c->line, c->len);
	int rc;

	memset(&out, 0, sizeof(out));
	rc = ident_parse_group_line(line, c->len, &out);
	ck_assert_msg(rc == c->rc, "case %d '%s' (len %zu): rc %d, expected %d", _i, c->line,
		      c->len, rc, c->rc);
	if (c->rc == 0) {
		ck_assert_ptr_nonnull(out.name);
		ck_assert_ptr_nonnull(out.members);
		ck_assert_str_eq(out.name, c->name);
		ck_assert_uint_eq(out.gid, c->gid);
		ck_assert_str_eq(out.members, c->members);
	}
	free(line);
}
END_TEST

/* ------------------------------------------------------------------ */
/* long lines given straight to the parsers                            */
/* ------------------------------------------------------------------ */

struct long_case {
	bool group;
	size_t len;
	int rc;
};

static const struct long_case long_cases[] = {
	{ false, IDENT_MAX_LINE + 1, -EINVAL },
	{ false, IDENT_MAX_LINE + 2, -EINVAL },
	{ false, MIB, -EINVAL },
	{ true, IDENT_MAX_LINE + 1, -EINVAL },
	{ true, MIB, -EINVAL },
	{ false, IDENT_MAX_LINE, 0 },
	{ true, IDENT_MAX_LINE, 0 },
};

START_TEST(test_parse_long_line)
{
	const struct long_case *c = &long_cases[_i];
	char *line;
	int rc;

	if (c->group) {
		struct group_line out;

		line = make_padded("long:x:4242:app,", 'm', ",bob", c->len);
		rc = ident_parse_group_line(line, c->len, &out);
		ck_assert_msg(rc == c->rc, "group line of %zu bytes: rc %d, expected %d", c->len,
			      rc, c->rc);
		if (rc == 0) {
			ck_assert_str_eq(out.name, "long");
			ck_assert_uint_eq(out.gid, 4242);
			ck_assert_uint_eq(strlen(out.members), c->len - strlen("long:x:4242:"));
		}
	} else {
		struct passwd_line out;

		line = make_padded("long:x:4242:4343:", 'g', ":/home/long:/bin/sh", c->len);
		rc = ident_parse_passwd_line(line, c->len, &out);
		ck_assert_msg(rc == c->rc, "passwd line of %zu bytes: rc %d, expected %d", c->len,
			      rc, c->rc);
		if (rc == 0) {
			ck_assert_str_eq(out.name, "long");
			ck_assert_uint_eq(out.uid, 4242);
			ck_assert_uint_eq(out.gid, 4343);
			ck_assert_str_eq(out.home, "/home/long");
		}
	}
	free(line);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ident_members_include                                               */
/* ------------------------------------------------------------------ */

struct member_case {
	const char *members;
	const char *user;
	bool want;
};

/* clang-format off */
static const struct member_case member_cases[] = {
	/* negative */
	{ "", "bob", false },
	{ "bobby", "bob", false },
	{ "bo", "bob", false },
	{ "xbob", "bob", false },
	{ "a,bobby,c", "bob", false },
	{ "a,bo,b", "bob", false },
	{ "abob,boba", "bob", false },
	{ "bob", "bobby", false },
	{ "bob,", "bo", false },
	{ ",", "bob", false },
	{ ",,,", "bob", false },
	{ "Bob", "bob", false },
	{ "bob\r", "bob", false },
	{ "alice,bob\r", "bob", false },
	/* positive */
	{ "bob", "bob", true },
	{ "a,bob,c", "bob", true },
	{ "bob,", "bob", true },
	{ ",bob", "bob", true },
	{ "alice,bob", "bob", true },
	{ "bob,alice", "bob", true },
	{ "bobby,bob", "bob", true },
	{ "a,,bob", "bob", true },
	{ "bob\r,bob", "bob", true },
};
/* clang-format on */

START_TEST(test_members_include)
{
	const struct member_case *c = &member_cases[_i];
	bool got = ident_members_include(c->members, c->user);

	ck_assert_msg(got == c->want, "members '%s' user '%s': got %d, expected %d", c->members,
		      c->user, got, c->want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ident_resolve_buf                                                   */
/* ------------------------------------------------------------------ */

#define MAX_EXPECT_GROUPS 8

struct expect {
	int rc;
	const char *err_has; /* on failure: substring the message must hold */
	uid_t uid;
	gid_t gid;
	const char *name;
	const char *home;
	bool has_entry;
	size_t n_groups;
	gid_t groups[MAX_EXPECT_GROUPS];
	size_t many; /* >0: groups are {1000} + 10000..10000+many-1 */
};

static void check_ident(const char *ctx, int rc, struct ident *id, const char *err,
			const struct expect *e)
{
	ck_assert_msg(rc == e->rc, "%s: rc %d, expected %d (err '%s')", ctx, rc, e->rc, err);
	if (e->rc != 0) {
		ck_assert_msg(err[0] != '\0', "%s: failed with rc %d but err is empty", ctx, rc);
		if (e->err_has)
			ck_assert_msg(strstr(err, e->err_has) != NULL,
				      "%s: err '%s' does not name '%s'", ctx, err, e->err_has);
		return;
	}
	ck_assert_msg(id->uid == e->uid, "%s: uid %u, expected %u", ctx, (unsigned)id->uid,
		      (unsigned)e->uid);
	ck_assert_msg(id->gid == e->gid, "%s: gid %u, expected %u", ctx, (unsigned)id->gid,
		      (unsigned)e->gid);
	ck_assert_msg(id->name != NULL, "%s: name is NULL", ctx);
	ck_assert_msg(strcmp(id->name, e->name) == 0, "%s: name '%s', expected '%s'", ctx, id->name,
		      e->name);
	ck_assert_msg(id->home != NULL, "%s: home is NULL", ctx);
	ck_assert_msg(strcmp(id->home, e->home) == 0, "%s: home '%s', expected '%s'", ctx, id->home,
		      e->home);
	ck_assert_msg(id->has_entry == e->has_entry, "%s: has_entry %d, expected %d", ctx,
		      id->has_entry, e->has_entry);
	if (e->many) {
		ck_assert_msg(id->n_groups == e->many + 1, "%s: n_groups %zu, expected %zu", ctx,
			      id->n_groups, e->many + 1);
		ck_assert_uint_eq(id->groups[0], 1000);
		for (size_t k = 1; k <= e->many; k++)
			ck_assert_msg(id->groups[k] == 10000 + k - 1,
				      "%s: groups[%zu] = %u, expected %zu", ctx, k,
				      (unsigned)id->groups[k], 10000 + k - 1);
		return;
	}
	ck_assert_msg(id->n_groups == e->n_groups, "%s: n_groups %zu, expected %zu", ctx,
		      id->n_groups, e->n_groups);
	if (e->n_groups)
		ck_assert_msg(id->groups != NULL, "%s: groups is NULL", ctx);
	for (size_t k = 0; k < e->n_groups; k++)
		ck_assert_msg(id->groups[k] == e->groups[k], "%s: groups[%zu] = %u, expected %u",
			      ctx, k, (unsigned)id->groups[k], (unsigned)e->groups[k]);
}

/* The shared fixture. Traps: comment, NIS and malformed lines that would
 * match by name or uid if they were not skipped; duplicate names and uids
 * (first wins); a last line with no newline. */
static const char fx_passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
				"# app:x:1000:1000::/comment:/bin/sh\n"
				"+app:x:1000:1000::/nis:/bin/sh\n"
				"-app:x:1000:1000::/nis:/bin/sh\n"
				"\n"
				"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				"badapp:x:1000:10x0::/bad:/bin/sh\n"
				"short:x:1000:1000::/short\n"
				"long:x:1000:1000::/long:/bin/sh:extra\n"
				":x:1000:1000::/noname:/bin/sh\n"
				"app:x:1000:1000:App User:/home/app:/bin/sh\n"
				"bob:x:1001:1001::/home/bob:/bin/sh\n"
				"nohome:x:1002:1002:::/bin/sh\n"
				"toor:x:0:0::/root:/bin/sh\n"
				"dup:x:1003:1003::/first:/bin/sh\n"
				"dup:x:1004:1004::/second:/bin/sh\n"
				"first:x:1005:1005::/a:/bin/sh\n"
				"second:x:1005:2000::/b:/bin/sh\n"
				"bad:x:12x:1000::/home/bad:/bin/sh\n"
				"neg:x:-5:1000::/neg:/bin/sh\n"
				"wrap:x:4294967295:1000::/wrap:/bin/sh\n"
				"max:x:4294967294:4294967294::/max:/bin/sh\n"
				"lonely:x:1006:1006::/lonely:/bin/sh\n"
				"app:x:1999:1999::/shadowed:/bin/sh";

static const char fx_group[] = "root:x:0:\n"
			       "# devs:x:999:app,bob\n"
			       "+devs:x:998:app,bob\n"
			       "daemon:x:1:\n"
			       "app:x:1000:\n"
			       "devs:x:200:app,bob\n"
			       "ops:x:300:bob\n"
			       "video:x:44:app\n"
			       "audio:x:29:dup,app\n"
			       "app2:x:1000:app\n"
			       "bad:x:abc:app,bob\n"
			       "short:x:400:app:bob\n"
			       "wrap:x:4294967295:app,bob\n"
			       "docs:x:250:app,\n"
			       "appx:x:260:appx,xapp,ap,bob\n"
			       "users:x:100:\n"
			       "users:x:101:app\n"
			       "video2:x:44:app\n"
			       "empty:x:500:\n"
			       "big:x:4294967294:bob\n";

/* Groups of "app" from fx_group besides its primary: audio 29, video 44,
 * users(2nd) 101, devs 200, docs 250, app2 1000. */

enum gen {
	GEN_NONE = 0,
	GEN_PW_GARBAGE_1MIB,   /* 1 MiB of 'a', newline */
	GEN_PW_ENTRY_1MIB,     /* a 1 MiB well-formed "big" entry (uid 1010), newline */
	GEN_PW_ENTRY_MAXLINE,  /* the same, exactly IDENT_MAX_LINE bytes */
	GEN_PW_ENTRY_MAXLINE1, /* the same, IDENT_MAX_LINE + 1 bytes */
	GEN_GR_MEMBERS_1MIB,   /* "huge:x:600:app,...,app", 1 MiB, newline */
	GEN_GR_MAXLINE,        /* "maxg:x:700:app,...", exactly IDENT_MAX_LINE bytes */
	GEN_GR_MAXLINE1,       /* the same, IDENT_MAX_LINE + 1 bytes (gid 701) */
	GEN_GR_MANY_3000,      /* 3000 groups listing app, gids 10000..12999 descending */
	GEN_GR_MANY_70000,     /* 70000 of them: more than IDENT_MAX_GROUPS */
};

static void gen_many(struct growbuf *b, unsigned n)
{
	char line[64];

	for (unsigned k = 0; k < n; k++) {
		unsigned gid = 10000 + (n - 1 - k);
		int m = snprintf(line, sizeof(line), "g%u:x:%u:bob,app\n", gid, gid);

		gb_add(b, line, (size_t)m);
	}
}

/* generated prefix + literal text, in an exact-size buffer */
static char *build(enum gen g, const char *text, size_t textlen, size_t *len)
{
	struct growbuf b = { 0 };
	char *p;

	switch (g) {
	case GEN_NONE:
		break;
	case GEN_PW_GARBAGE_1MIB:
		p = make_padded("", 'a', "", MIB);
		gb_add(&b, p, MIB);
		gb_str(&b, "\n");
		free(p);
		break;
	case GEN_PW_ENTRY_1MIB:
	case GEN_PW_ENTRY_MAXLINE:
	case GEN_PW_ENTRY_MAXLINE1: {
		size_t n = g == GEN_PW_ENTRY_1MIB      ? MIB
			   : g == GEN_PW_ENTRY_MAXLINE ? IDENT_MAX_LINE
						       : IDENT_MAX_LINE + 1;

		p = make_padded("big:x:1010:1010:", 'G', ":/big:/bin/sh", n);
		gb_add(&b, p, n);
		gb_str(&b, "\n");
		free(p);
		break;
	}
	case GEN_GR_MEMBERS_1MIB:
		p = make_padded("huge:x:600:app,", 'm', ",app", MIB);
		gb_add(&b, p, MIB);
		gb_str(&b, "\n");
		free(p);
		break;
	case GEN_GR_MAXLINE:
		p = make_padded("maxg:x:700:app,", 'm', "", IDENT_MAX_LINE);
		gb_add(&b, p, IDENT_MAX_LINE);
		gb_str(&b, "\n");
		free(p);
		break;
	case GEN_GR_MAXLINE1:
		p = make_padded("maxg:x:701:app,", 'm', "", IDENT_MAX_LINE + 1);
		gb_add(&b, p, IDENT_MAX_LINE + 1);
		gb_str(&b, "\n");
		free(p);
		break;
	case GEN_GR_MANY_3000:
		gen_many(&b, 3000);
		break;
	case GEN_GR_MANY_70000:
		gen_many(&b, 70000);
		break;
	}
	if (textlen)
		gb_add(&b, text, textlen);
	p = dup_exact(b.p ? b.p : "", b.len);
	*len = b.len;
	free(b.p);
	return p;
}

struct rcase {
	const char *pw;
	size_t pwlen;
	enum gen pwgen;
	const char *gr;
	size_t grlen;
	enum gen grgen;
	const char *spec;
	struct expect e;
};

#define FX                                                               \
	.pw = fx_passwd, .pwlen = sizeof(fx_passwd) - 1, .gr = fx_group, \
	.grlen = sizeof(fx_group) - 1
#define PW(s) .pw = s, .pwlen = sizeof(s) - 1
#define GR(s) .gr = s, .grlen = sizeof(s) - 1
#define FAIL(code, what)                        \
	{                                       \
		.rc = (code), .err_has = (what) \
	}
#define OK(u, g, n, h, entry, ...)                                                               \
	{                                                                                        \
		.rc = 0, .uid = (u), .gid = (g), .name = (n), .home = (h), .has_entry = (entry), \
		.groups = { __VA_ARGS__ },                                                       \
		.n_groups = sizeof((gid_t[]){ __VA_ARGS__ }) / sizeof(gid_t)                     \
	}
#define OK0(u, g, n, h, entry)                                                                  \
	{                                                                                       \
		.rc = 0, .uid = (u), .gid = (g), .name = (n), .home = (h), .has_entry = (entry) \
	}

#define APP_GROUPS 29, 44, 101, 200, 250, 1000
#define BOB_GROUPS 200, 260, 300, 1001, 4294967294u

static const char pw_app[] = "app:x:1000:1000::/home/app:/bin/sh\n";
static const char pw_app_bob[] = "app:x:1000:1000::/home/app:/bin/sh\n"
				 "bob:x:1001:1001::/home/bob:/bin/sh\n";

/* clang-format off */
static const struct rcase resolve_cases[] = {
	/* negative: malformed specs */
	{ FX, .spec = "", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = ":", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "app:", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = ":app", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = ":1000", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "1000:", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "a:b:c", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "app:devs:x", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "::", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "-1", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "4294967295", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = " 12", .e = FAIL(-EINVAL, NULL) },
	/* the -1 sentinel as a gid would make setgid() a no-op: fail closed */
	{ FX, .spec = "app:4294967295", .e = FAIL(-EINVAL, NULL) },
	{ FX, .spec = "5000:4294967295", .e = FAIL(-EINVAL, NULL) },
	/* negative: unknown user names (not numbers, so name lookups) */
	{ FX, .spec = "12abc", .e = FAIL(-ENOENT, "12abc") },
	{ FX, .spec = "0x10", .e = FAIL(-ENOENT, "0x10") },
	{ FX, .spec = "nosuch", .e = FAIL(-ENOENT, "nosuch") },
	{ FX, .spec = "App", .e = FAIL(-ENOENT, "App") },
	{ FX, .spec = "ap", .e = FAIL(-ENOENT, "ap") },
	{ FX, .spec = "appx", .e = FAIL(-ENOENT, "appx") },
	{ FX, .spec = "nosuch:devs", .e = FAIL(-ENOENT, "nosuch") },
	/* ... whose only lines are malformed, so skipped */
	{ FX, .spec = "bad", .e = FAIL(-ENOENT, "bad") },
	{ FX, .spec = "neg", .e = FAIL(-ENOENT, "neg") },
	{ FX, .spec = "wrap", .e = FAIL(-ENOENT, "wrap") },
	{ FX, .spec = "short", .e = FAIL(-ENOENT, "short") },
	{ FX, .spec = "long", .e = FAIL(-ENOENT, "long") },
	{ FX, .spec = "badapp", .e = FAIL(-ENOENT, "badapp") },
	/* negative: unknown groups */
	{ FX, .spec = "app:nosuch", .e = FAIL(-ENOENT, NULL) },
	{ FX, .spec = "app:Devs", .e = FAIL(-ENOENT, NULL) },
	{ FX, .spec = "app:bad", .e = FAIL(-ENOENT, NULL) },
	{ FX, .spec = "app:short", .e = FAIL(-ENOENT, NULL) },
	{ FX, .spec = "app:wrap", .e = FAIL(-ENOENT, NULL) },
	{ FX, .spec = "5000:nosuch", .e = FAIL(-ENOENT, NULL) },
	{ FX, .spec = "1000:nosuch", .e = FAIL(-ENOENT, NULL) },
	/* negative: target uid 0 */
	{ FX, .spec = "root", .e = FAIL(-EPERM, NULL) },
	{ FX, .spec = "toor", .e = FAIL(-EPERM, NULL) },
	{ FX, .spec = "0", .e = FAIL(-EPERM, NULL) },
	{ FX, .spec = "0:100", .e = FAIL(-EPERM, NULL) },
	{ FX, .spec = "0:devs", .e = FAIL(-EPERM, NULL) },
	{ FX, .spec = "root:users", .e = FAIL(-EPERM, NULL) },
	{ FX, .spec = "toor:1000", .e = FAIL(-EPERM, NULL) },
	/* positive: names */
	{ FX, .spec = "app", .e = OK(1000, 1000, "app", "/home/app", true, APP_GROUPS) },
	{ FX, .spec = "bob", .e = OK(1001, 1001, "bob", "/home/bob", true, BOB_GROUPS) },
	{ FX, .spec = "daemon", .e = OK(1, 1, "daemon", "/usr/sbin", true, 1) },
	{ FX, .spec = "nohome", .e = OK(1002, 1002, "nohome", "/", true, 1002) },
	{ FX, .spec = "lonely", .e = OK(1006, 1006, "lonely", "/lonely", true, 1006) },
	{ FX, .spec = "dup", .e = OK(1003, 1003, "dup", "/first", true, 29, 1003) },
	{ FX, .spec = "second", .e = OK(1005, 2000, "second", "/b", true, 2000) },
	{ FX, .spec = "max", .e = OK(4294967294u, 4294967294u, "max", "/max", true, 4294967294u) },
	/* positive: names with a group */
	{ FX, .spec = "app:users", .e = OK(1000, 100, "app", "/home/app", true, 29, 44, 100, 101,
					  200, 250, 1000) },
	{ FX, .spec = "bob:users", .e = OK(1001, 100, "bob", "/home/bob", true, 100, 200, 260, 300,
					  4294967294u) },
	{ FX, .spec = "app:devs", .e = OK(1000, 200, "app", "/home/app", true, APP_GROUPS) },
	{ FX, .spec = "app:app", .e = OK(1000, 1000, "app", "/home/app", true, APP_GROUPS) },
	{ FX, .spec = "app:4242", .e = OK(1000, 4242, "app", "/home/app", true, 29, 44, 101, 200,
					 250, 1000, 4242) },
	{ FX, .spec = "bob:big", .e = OK(1001, 4294967294u, "bob", "/home/bob", true, 200, 260,
					300, 4294967294u) },
	{ FX, .spec = "lonely:empty", .e = OK(1006, 500, "lonely", "/lonely", true, 500) },
	/* positive: numeric uids with an entry (first entry with that uid) */
	{ FX, .spec = "1000", .e = OK(1000, 1000, "app", "/home/app", true, APP_GROUPS) },
	{ FX, .spec = "1999", .e = OK(1999, 1999, "app", "/shadowed", true, 29, 44, 101, 200, 250,
				     1000, 1999) },
	{ FX, .spec = "1005", .e = OK(1005, 1005, "first", "/a", true, 1005) },
	{ FX, .spec = "1002", .e = OK(1002, 1002, "nohome", "/", true, 1002) },
	{ FX, .spec = "1", .e = OK(1, 1, "daemon", "/usr/sbin", true, 1) },
	{ FX, .spec = "1001:300", .e = OK(1001, 300, "bob", "/home/bob", true, 200, 260, 300,
					 4294967294u) },
	{ FX, .spec = "1000:users", .e = OK(1000, 100, "app", "/home/app", true, 29, 44, 100, 101,
					   200, 250, 1000) },
	{ FX, .spec = "4294967294", .e = OK(4294967294u, 4294967294u, "max", "/max", true,
					   4294967294u) },
	/* positive: numeric uids without an entry */
	{ FX, .spec = "5000", .e = OK0(5000, 5000, "5000", "/", false) },
	{ FX, .spec = "5000:devs", .e = OK0(5000, 200, "5000", "/", false) },
	{ FX, .spec = "5000:users", .e = OK0(5000, 100, "5000", "/", false) },
	{ FX, .spec = "5000:300", .e = OK0(5000, 300, "5000", "/", false) },
	{ FX, .spec = "5000:4294967294", .e = OK0(5000, 4294967294u, "5000", "/", false) },
	{ FX, .spec = "4294967293", .e = OK0(4294967293u, 4294967293u, "4294967293", "/", false) },
	{ FX, .spec = "1010", .e = OK0(1010, 1010, "1010", "/", false) },

	/* robustness: empty buffers */
	{ PW(""), GR(""), .spec = "app", .e = FAIL(-ENOENT, "app") },
	{ PW(""), GR(""), .spec = "root", .e = FAIL(-ENOENT, "root") },
	{ PW(""), GR(""), .spec = "0", .e = FAIL(-EPERM, NULL) },
	{ PW(""), GR(""), .spec = "1000:devs", .e = FAIL(-ENOENT, NULL) },
	{ PW(""), GR(""), .spec = "1000", .e = OK0(1000, 1000, "1000", "/", false) },
	{ PW(""), GR(""), .spec = "1000:2000", .e = OK0(1000, 2000, "1000", "/", false) },
	{ PW(pw_app), GR(""), .spec = "app", .e = OK(1000, 1000, "app", "/home/app", true, 1000) },
	/* robustness: the lengths are honoured, not the text beyond them */
	{ .pw = fx_passwd, .pwlen = 0, GR(""), .spec = "app", .e = FAIL(-ENOENT, "app") },
	{ .pw = pw_app_bob, .pwlen = sizeof("app:x:1000:1000::/home/app:/bin/sh\n"
					    "bob:x:1001:1001::/home/bo") - 1,
	  GR(""), .spec = "bob", .e = FAIL(-ENOENT, "bob") },
	{ .pw = pw_app_bob, .pwlen = sizeof("app:x:1000:1000::/home/app:/bin/sh") - 1, GR(""),
	  .spec = "app", .e = OK(1000, 1000, "app", "/home/app", true, 1000) },
	{ PW(pw_app), .gr = "devs:x:200:app\nops:x:300:app\n",
	  .grlen = sizeof("devs:x:200:app\nops:x:300:ap") - 1, .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 200, 1000) },
	{ PW(pw_app), .gr = "devs:x:200:app\n", .grlen = 0, .spec = "app:devs",
	  .e = FAIL(-ENOENT, NULL) },
	/* robustness: only blank lines and comments */
	{ PW("\n\n#app:x:1000:1000::/c:/bin/sh\n\n"), GR("\n#\n"), .spec = "app",
	  .e = FAIL(-ENOENT, "app") },
	/* robustness: NUL bytes; the line holding one is skipped, the rest parse */
	{ PW("app:x:1000:1000::/wrong:/bin/sh\0tail\n"
	     "app:x:1000:1000::/home/app:/bin/sh\n"
	     "bob:x:1001:1001::/home/bob:/bin/sh\n"),
	  GR(""), .spec = "app", .e = OK(1000, 1000, "app", "/home/app", true, 1000) },
	{ PW("app:x:1000:1000::/wrong:/bin/sh\0tail\n"
	     "app:x:1000:1000::/home/app:/bin/sh\n"
	     "bob:x:1001:1001::/home/bob:/bin/sh\n"),
	  GR(""), .spec = "bob", .e = OK(1001, 1001, "bob", "/home/bob", true, 1001) },
	{ PW("\0\napp:x:1000:1000::/home/app:/bin/sh"), GR(""), .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 1000) },
	{ PW("evil:x:1000:1000::/evil:/bin/sh\0\n"
	     "app:x:1000:1000::/home/app:/bin/sh\n"),
	  GR(""), .spec = "1000", .e = OK(1000, 1000, "app", "/home/app", true, 1000) },
	{ PW("evil:x:1000:1000::/evil:/bin/sh\0\n"), GR(""), .spec = "evil",
	  .e = FAIL(-ENOENT, "evil") },
	{ PW(pw_app), GR("g1:x:500:app\0\ng2:x:501:bob\0,app\ndevs:x:200:app\n"), .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 200, 1000) },
	{ PW(pw_app), GR("g1:x:500:\0\ndevs:x:200:app\n"), .spec = "app:g1",
	  .e = FAIL(-ENOENT, NULL) },
	/* robustness: huge lines are skipped, the next entry still parses */
	{ PW(pw_app), .pwgen = GEN_PW_GARBAGE_1MIB, GR(""), .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 1000) },
	{ PW(pw_app), .pwgen = GEN_PW_ENTRY_1MIB, GR(""), .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 1000) },
	{ PW(pw_app), .pwgen = GEN_PW_ENTRY_1MIB, GR(""), .spec = "big",
	  .e = FAIL(-ENOENT, "big") },
	{ PW(pw_app), .pwgen = GEN_PW_ENTRY_1MIB, GR(""), .spec = "1010",
	  .e = OK0(1010, 1010, "1010", "/", false) },
	{ PW(pw_app), .pwgen = GEN_PW_ENTRY_MAXLINE1, GR(""), .spec = "big",
	  .e = FAIL(-ENOENT, "big") },
	{ PW(pw_app), .pwgen = GEN_PW_ENTRY_MAXLINE, GR(""), .spec = "big",
	  .e = OK(1010, 1010, "big", "/big", true, 1010) },
	{ PW(pw_app), GR("devs:x:200:app\n"), .grgen = GEN_GR_MEMBERS_1MIB, .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 200, 1000) },
	{ PW(pw_app), GR("devs:x:200:app\n"), .grgen = GEN_GR_MEMBERS_1MIB, .spec = "app:huge",
	  .e = FAIL(-ENOENT, NULL) },
	{ PW(pw_app), GR("devs:x:200:app\n"), .grgen = GEN_GR_MAXLINE1, .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 200, 1000) },
	{ PW(pw_app), GR("devs:x:200:app\n"), .grgen = GEN_GR_MAXLINE, .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 200, 700, 1000) },
	/* robustness: no newline at all */
	{ PW("app:x:1000:1000::/home/app:/bin/sh"), GR("devs:x:200:app"), .spec = "app",
	  .e = OK(1000, 1000, "app", "/home/app", true, 200, 1000) },
	{ PW("app:x:1000:1000::/home/app:/bin/sh"), GR("devs:x:200:app"), .spec = "app:devs",
	  .e = OK(1000, 200, "app", "/home/app", true, 200) },
	/* robustness: CRLF is not special */
	{ PW("app:x:1000:1000::/home/app:/bin/sh\r\n"
	     "cr:x:1021:1021\r::/cr:/bin/sh\r\n"),
	  GR("devs:x:200:app\r\n"
	     "video:x:44:bob,app,\r\n"
	     "ops:x:300\r:app\r\n"),
	  .spec = "app", .e = OK(1000, 1000, "app", "/home/app", true, 44, 1000) },
	{ PW("app:x:1000:1000::/home/app:/bin/sh\r\n"
	     "cr:x:1021:1021\r::/cr:/bin/sh\r\n"),
	  GR(""), .spec = "cr", .e = FAIL(-ENOENT, "cr") },
	{ PW("app:x:1000:1000::/home/app:/bin/sh\r\n"),
	  GR("devs:x:200:app\r\n"
	     "ops:x:300\r:app\r\n"),
	  .spec = "app:devs", .e = OK(1000, 200, "app", "/home/app", true, 200) },
	{ PW("app:x:1000:1000::/home/app:/bin/sh\r\n"),
	  GR("devs:x:200:app\r\n"
	     "ops:x:300\r:app\r\n"),
	  .spec = "app:ops", .e = FAIL(-ENOENT, NULL) },
	/* many groups: sorted, and refused beyond IDENT_MAX_GROUPS */
	{ PW(pw_app), GR(""), .grgen = GEN_GR_MANY_70000, .spec = "app",
	  .e = FAIL(-E2BIG, NULL) },
	{ PW(pw_app), GR(""), .grgen = GEN_GR_MANY_3000, .spec = "app",
	  .e = { .rc = 0, .uid = 1000, .gid = 1000, .name = "app", .home = "/home/app",
		 .has_entry = true, .many = 3000 } },
};
/* clang-format on */

START_TEST(test_resolve_buf)
{
	const struct rcase *c = &resolve_cases[_i];
	size_t pl, gl;
	char *pw = build(c->pwgen, c->pw, c->pwlen, &pl);
	char *gr = build(c->grgen, c->gr, c->grlen, &gl);
	struct ident id;
	struct error err = { 0 };
	char ctx[128];
	int rc;

	memset(&id, 0, sizeof(id));
	err.msg[0] = '\0';
	snprintf(ctx, sizeof(ctx), "case %d spec '%s'", _i, c->spec);
	rc = ident_resolve_buf(c->spec, pw, pl, gr, gl, &id, &err);
	check_ident(ctx, rc, &id, err.msg, &c->e);
	if (rc == 0)
		ident_free(&id);
	free(pw);
	free(gr);
}
END_TEST

/* The message fits struct error, however long the input that it quotes,
 * and the code is the one returned. */
struct errlen_case {
	const char *spec; /* followed by 2000 'x' */
	int rc;
};

static const struct errlen_case errlen_cases[] = {
	{ "nosuch-user-", -EINVAL }, /* names are at most 255 bytes */
	{ "app:nosuch-group-", -EINVAL },
	{ "a:b:c", -EINVAL },
	{ "", -EINVAL },
};

START_TEST(test_resolve_errlen)
{
	const struct errlen_case *c = &errlen_cases[_i];
	struct ident id;
	struct error err;
	char spec[2100];
	int rc;

	snprintf(spec, sizeof(spec), "%s%02000d", c->spec, 0);
	for (char *x = spec + strlen(c->spec); *x; x++)
		*x = 'x';
	memset(&id, 0, sizeof(id));
	memset(&err, 'Z', sizeof(err));
	rc = ident_resolve_buf(spec, fx_passwd, sizeof(fx_passwd) - 1, fx_group,
			       sizeof(fx_group) - 1, &id, &err);
	ck_assert_msg(rc == c->rc, "spec '%s': rc %d, expected %d", c->spec, rc, c->rc);
	ck_assert_int_eq(err.code, rc);
	ck_assert_msg(err.msg[0] != '\0', "spec '%s': empty message", c->spec);
	ck_assert_msg(memchr(err.msg, '\0', sizeof(err.msg)) != NULL,
		      "spec '%s': message not terminated within struct error", c->spec);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ident_resolve (files)                                               */
/* ------------------------------------------------------------------ */

enum file_kind {
	F_TEXT = 0, /* the text given */
	F_MISSING,  /* no such file */
	F_TOO_BIG,  /* sparse, IDENT_MAX_FILE + 1 bytes */
};

struct fcase {
	enum file_kind pwkind;
	const char *pw;
	size_t pwlen;
	enum file_kind grkind;
	const char *gr;
	size_t grlen;
	const char *spec;
	struct expect e;
};

/* clang-format off */
static const struct fcase file_cases[] = {
	/* negative */
	{ F_MISSING, NULL, 0, F_MISSING, NULL, 0, "app", FAIL(-ENOENT, "app") },
	{ F_MISSING, NULL, 0, F_TEXT, L(fx_group), "app", FAIL(-ENOENT, "app") },
	{ F_MISSING, NULL, 0, F_MISSING, NULL, 0, "0", FAIL(-EPERM, NULL) },
	{ F_MISSING, NULL, 0, F_MISSING, NULL, 0, "1000:devs", FAIL(-ENOENT, NULL) },
	{ F_TEXT, L(fx_passwd), F_MISSING, NULL, 0, "app:devs", FAIL(-ENOENT, NULL) },
	{ F_TEXT, L(fx_passwd), F_TEXT, L(fx_group), "root", FAIL(-EPERM, NULL) },
	{ F_TEXT, L(fx_passwd), F_TEXT, L(fx_group), "nosuch", FAIL(-ENOENT, "nosuch") },
	{ F_TEXT, L(fx_passwd), F_TEXT, L(fx_group), "a:b:c", FAIL(-EINVAL, NULL) },
	{ F_TOO_BIG, NULL, 0, F_TEXT, L(fx_group), "app", FAIL(-EFBIG, NULL) },
	{ F_TEXT, L(fx_passwd), F_TOO_BIG, NULL, 0, "app", FAIL(-EFBIG, NULL) },
	/* positive */
	{ F_TEXT, L(fx_passwd), F_TEXT, L(fx_group), "app",
	  OK(1000, 1000, "app", "/home/app", true, APP_GROUPS) },
	{ F_TEXT, L(fx_passwd), F_TEXT, L(fx_group), "bob:users",
	  OK(1001, 100, "bob", "/home/bob", true, 100, 200, 260, 300, 4294967294u) },
	{ F_TEXT, L(fx_passwd), F_TEXT, L(fx_group), "5000:devs",
	  OK0(5000, 200, "5000", "/", false) },
	{ F_TEXT, L(fx_passwd), F_MISSING, NULL, 0, "app",
	  OK(1000, 1000, "app", "/home/app", true, 1000) },
	{ F_TEXT, L(fx_passwd), F_MISSING, NULL, 0, "app:200",
	  OK(1000, 200, "app", "/home/app", true, 200) },
	{ F_TEXT, L(fx_passwd), F_MISSING, NULL, 0, "1001",
	  OK(1001, 1001, "bob", "/home/bob", true, 1001) },
	{ F_MISSING, NULL, 0, F_TEXT, L(fx_group), "1000",
	  OK0(1000, 1000, "1000", "/", false) },
	{ F_MISSING, NULL, 0, F_TEXT, L(fx_group), "1000:devs",
	  OK0(1000, 200, "1000", "/", false) },
	{ F_MISSING, NULL, 0, F_MISSING, NULL, 0, "1234",
	  OK0(1234, 1234, "1234", "/", false) },
	{ F_MISSING, NULL, 0, F_MISSING, NULL, 0, "1234:99",
	  OK0(1234, 99, "1234", "/", false) },
	{ F_TEXT, L(""), F_TEXT, L(""), "1234", OK0(1234, 1234, "1234", "/", false) },
	{ F_TEXT, L("app:x:1000:1000::/home/app:/bin/sh"), F_TEXT, L("devs:x:200:app"), "app",
	  OK(1000, 1000, "app", "/home/app", true, 200, 1000) },
};
/* clang-format on */

static char *make_file(enum file_kind k, const char *text, size_t len)
{
	switch (k) {
	case F_TEXT:
		return temp_file(text, len);
	case F_MISSING:
		return temp_missing();
	case F_TOO_BIG:
		return temp_sparse((off_t)IDENT_MAX_FILE + 1);
	}
	return NULL;
}

START_TEST(test_resolve_files)
{
	const struct fcase *c = &file_cases[_i];
	char *pwpath = make_file(c->pwkind, c->pw, c->pwlen);
	char *grpath = make_file(c->grkind, c->gr, c->grlen);
	struct ident id;
	struct error err = { 0 };
	char ctx[128];
	int rc;

	memset(&id, 0, sizeof(id));
	err.msg[0] = '\0';
	snprintf(ctx, sizeof(ctx), "file case %d spec '%s'", _i, c->spec);
	rc = ident_resolve(c->spec, pwpath, grpath, &id, &err);
	/* clean up before asserting: a failed assertion ends the child */
	if (c->pwkind != F_MISSING)
		unlink(pwpath);
	if (c->grkind != F_MISSING)
		unlink(grpath);
	free(pwpath);
	free(grpath);
	check_ident(ctx, rc, &id, err.msg, &c->e);
	if (rc == 0)
		ident_free(&id);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ident_read_file                                                     */
/* ------------------------------------------------------------------ */

struct read_case {
	enum file_kind kind;
	const char *text; /* F_TEXT: NULL means size bytes of 'x' */
	size_t size;
	size_t max;
	int rc;
};

/* clang-format off */
static const struct read_case read_cases[] = {
	/* negative */
	{ F_MISSING, NULL, 0, 100, -ENOENT },
	{ F_TEXT, NULL, 11, 10, -EFBIG },
	{ F_TEXT, NULL, 1, 0, -EFBIG },
	{ F_TEXT, NULL, MIB + 1, MIB, -EFBIG },
	{ F_TOO_BIG, NULL, (size_t)IDENT_MAX_FILE + 1, IDENT_MAX_FILE, -EFBIG },
	/* positive */
	{ F_TEXT, NULL, 10, 10, 0 },
	{ F_TEXT, NULL, 0, 10, 0 },
	{ F_TEXT, NULL, 0, 0, 0 },
	{ F_TEXT, L("a\0b\n"), 100, 0 },
	{ F_TEXT, L("root:x:0:0:root:/root:/bin/sh\n"), 4096, 0 },
	{ F_TEXT, NULL, MIB, MIB, 0 },
	{ F_TEXT, NULL, 3 * MIB + 17, 64 * MIB, 0 },
};
/* clang-format on */

START_TEST(test_read_file)
{
	const struct read_case *c = &read_cases[_i];
	char *content = NULL;
	char *path;
	char *buf = NULL;
	size_t len = 12345;
	int rc;

	if (c->kind == F_TEXT && !c->text) {
		content = malloc(c->size + 1);
		ck_assert_ptr_nonnull(content);
		for (size_t k = 0; k < c->size; k++)
			content[k] = (char)('a' + k % 26);
		path = temp_file(content, c->size);
	} else {
		path = make_file(c->kind, c->text, c->size);
	}
	rc = ident_read_file(path, c->max, &buf, &len);
	if (c->kind != F_MISSING)
		unlink(path);
	ck_assert_msg(rc == c->rc, "read case %d (size %zu, max %zu): rc %d, expected %d", _i,
		      c->size, c->max, rc, c->rc);
	if (rc == 0) {
		ck_assert_ptr_nonnull(buf);
		ck_assert_uint_eq(len, c->size);
		ck_assert_msg(buf[len] == '\0', "buffer not NUL-terminated");
		ck_assert_msg(memcmp(buf, content ? content : c->text, c->size) == 0,
			      "read case %d: content differs", _i);
		free(buf);
	}
	free(content);
	free(path);
}
END_TEST

/* ------------------------------------------------------------------ */
/* /etc/passwd and /etc/group that are not regular files               */
/* ------------------------------------------------------------------ */

/* A FIFO there blocked open() for ever (with every signal blocked, in PID
 * 1); a directory or a device is no user database either. Each is refused
 * at once, with a message that says what it is. The test case has a short
 * timeout: a hang fails it. */
enum odd_kind { ODD_FIFO, ODD_DIR, ODD_DEV };

static char *make_odd(enum odd_kind k)
{
	char *path;
	switch (k) {
	case ODD_FIFO:
		path = temp_missing();
		ck_assert_msg(mkfifo(path, 0644) == 0, "mkfifo %s: %s", path, strerror(errno));
		return path;
	case ODD_DIR:
		path = temp_missing();
		ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
		return path;
	case ODD_DEV:
		break;
	}
	path = strdup("/dev/zero");
	ck_assert_ptr_nonnull(path);
	return path;
}

static void remove_odd(enum odd_kind k, const char *path)
{
	if (k != ODD_DEV)
		remove(path);
}

static const struct {
	enum odd_kind kind;
	bool as_group; /* the odd file is /etc/group (else /etc/passwd) */
	const char *err_has;
} odd_cases[] = {
	{ ODD_FIFO, false, "is not a regular file (a FIFO)" },
	{ ODD_FIFO, true, "is not a regular file (a FIFO)" },
	{ ODD_DIR, false, "is not a regular file (a directory)" },
	{ ODD_DIR, true, "is not a regular file (a directory)" },
	{ ODD_DEV, false, "is not a regular file (a character device)" },
	{ ODD_DEV, true, "is not a regular file (a character device)" },
};

START_TEST(test_resolve_not_regular)
{
	char *odd = make_odd(odd_cases[_i].kind);
	char *text = temp_file(odd_cases[_i].as_group ? fx_passwd : fx_group,
			       odd_cases[_i].as_group ? sizeof(fx_passwd) - 1
						      : sizeof(fx_group) - 1);
	const char *pw = odd_cases[_i].as_group ? text : odd;
	const char *gr = odd_cases[_i].as_group ? odd : text;
	struct ident id;
	struct error err = { 0 };
	char want[600];

	int rc = ident_resolve("app", pw, gr, &id, &err);
	remove_odd(odd_cases[_i].kind, odd);
	unlink(text);
	ck_assert_msg(rc == -EINVAL, "case %d: rc %d, want -EINVAL (err '%s')", _i, rc, err.msg);
	snprintf(want, sizeof(want), "'%s' %s", odd, odd_cases[_i].err_has);
	ck_assert_msg(strstr(err.msg, want) && strstr(err.msg, "regular file"),
		      "case %d: err '%s' does not say '%s'", _i, err.msg, want);
	free(odd);
	free(text);
}
END_TEST

START_TEST(test_read_file_not_regular)
{
	char *odd = make_odd(odd_cases[_i].kind);
	char *buf = NULL;
	size_t len = 0;
	int rc = ident_read_file(odd, IDENT_MAX_FILE, &buf, &len);
	remove_odd(odd_cases[_i].kind, odd);
	ck_assert_msg(rc == -EINVAL, "case %d (%s): rc %d, want -EINVAL", _i, odd, rc);
	ck_assert_ptr_null(buf);
	free(odd);
}
END_TEST

/* ident_current (started as non-root) reads passwd the same way. */
/* Root's groups, read as leniently as a runtime may have read them: each
 * line below gives root a group in some runtime's reading (blanks, a CR,
 * extra fields, "+6", a line past IDENT_MAX_LINE), so each gid is left out
 * of what the workload keeps; a second uid-0 name counts too. */
START_TEST(test_root_groups_lenient)
{
	size_t pad = IDENT_MAX_LINE + 10;
	char *long_line = malloc(pad + 64);
	ck_assert_ptr_nonnull(long_line);
	int n = snprintf(long_line, 64, "huge:x:17:");
	memset(long_line + n, 'a', pad);
	strcpy(long_line + n + pad, ",root\n");
	const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
			 "toor:x:0:19::/root:/bin/sh\n"
			 "app:x:1000:1000::/home/app:/bin/sh\n";
	char *gr;
	ck_assert_int_gt(asprintf(&gr,
				  "root:x:0:\n"
				  "disk:x:6:root\r\n"
				  "wheel:x:10:root \n"
				  "adm:x:4:root:\n"
				  "kvm:x:+11:root\n"
				  " video : x : 12 : app , root \n"
				  "staff:x:13:toor\n"
				  "audio:x:29:app\n"
				  "%s",
				  long_line),
			 0);
	char *pw_path = temp_file(pw, strlen(pw)), *gr_path = temp_file(gr, strlen(gr));
	gid_t *g;
	size_t count;
	struct error err;
	ck_assert_int_eq(ident_root_groups(pw_path, gr_path, &g, &count, &err), 0);
	const gid_t want[] = { 0, 4, 6, 10, 11, 12, 13, 17, 19 };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		bool found = false;
		for (size_t j = 0; j < count; j++)
			found = found || g[j] == want[i];
		ck_assert_msg(found, "gid %u not among root's groups", (unsigned)want[i]);
	}
	for (size_t j = 0; j < count; j++)
		ck_assert_msg(g[j] != 29 && g[j] != 1000, "gid %u is not root's", (unsigned)g[j]);
	free(g);
	unlink(pw_path);
	unlink(gr_path);
	free(pw_path);
	free(gr_path);
	free(gr);
	free(long_line);
}
END_TEST

START_TEST(test_current_not_regular)
{
	char *odd = make_odd(ODD_FIFO);
	struct ident id;
	struct error err = { 0 };
	int rc = ident_current(odd, &id, &err);
	remove_odd(ODD_FIFO, odd);
	ck_assert_msg(rc == -EINVAL, "rc %d, want -EINVAL (err '%s')", rc, err.msg);
	ck_assert_msg(strstr(err.msg, "(a FIFO)"), "err '%s'", err.msg);
	free(odd);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *ident_suite(void)
{
	Suite *s = suite_create("ident");
	TCase *tc;

	tc = tcase_create("parse_passwd_line");
	tcase_add_loop_test(tc, test_parse_passwd_line, 0, (int)ARRAY_SIZE(pw_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("parse_group_line");
	tcase_add_loop_test(tc, test_parse_group_line, 0, (int)ARRAY_SIZE(gr_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("parse_long_line");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_parse_long_line, 0, (int)ARRAY_SIZE(long_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("members_include");
	tcase_add_loop_test(tc, test_members_include, 0, (int)ARRAY_SIZE(member_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("resolve_buf");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_resolve_buf, 0, (int)ARRAY_SIZE(resolve_cases));
	tcase_add_loop_test(tc, test_resolve_errlen, 0, (int)ARRAY_SIZE(errlen_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("resolve_files");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_resolve_files, 0, (int)ARRAY_SIZE(file_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("read_file");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_read_file, 0, (int)ARRAY_SIZE(read_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("not_regular");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_resolve_not_regular, 0, (int)ARRAY_SIZE(odd_cases));
	tcase_add_loop_test(tc, test_read_file_not_regular, 0, (int)ARRAY_SIZE(odd_cases));
	tcase_add_test(tc, test_current_not_regular);
	tcase_add_test(tc, test_root_groups_lenient);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	return unit_run(ident_suite());
}
