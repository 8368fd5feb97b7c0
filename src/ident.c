/* /etc/passwd and /etc/group, read and parsed here: no NSS (the binary is
 * static, and PID 1 must not load modules or talk to daemons). Malformed
 * lines are skipped, the first matching entry wins, as in glibc's files
 * backend. */
#include "stepdown/ident.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stepdown/error.h"
#include "stepdown/parse.h"

/* Split line into exactly n fields at ':'. */
static int split_fields(char *line, size_t len, char **fields, size_t n)
{
	if (len == 0 || len > IDENT_MAX_LINE || memchr(line, '\0', len))
		return -EINVAL;
	if (line[0] == '#' || line[0] == '+' || line[0] == '-')
		return -EINVAL;
	size_t k = 0;
	fields[k++] = line;
	for (size_t i = 0; i < len; i++) {
		if (line[i] != ':')
			continue;
		if (k == n)
			return -EINVAL;
		line[i] = '\0';
		fields[k++] = line + i + 1;
	}
	return k == n ? 0 : -EINVAL;
}

int ident_parse_passwd_line(char *line, size_t len, struct passwd_line *out)
{
	char *f[7];
	uint32_t uid, gid;
	if (split_fields(line, len, f, 7) < 0 || !*f[0] || parse_id(f[2], &uid) < 0 ||
	    parse_id(f[3], &gid) < 0)
		return -EINVAL;
	out->name = f[0];
	out->uid = uid;
	out->gid = gid;
	out->home = f[5];
	return 0;
}

int ident_parse_group_line(char *line, size_t len, struct group_line *out)
{
	char *f[4];
	uint32_t gid;
	if (split_fields(line, len, f, 4) < 0 || !*f[0] || parse_id(f[2], &gid) < 0)
		return -EINVAL;
	out->name = f[0];
	out->gid = gid;
	out->members = f[3];
	return 0;
}

bool ident_members_include(const char *members, const char *user)
{
	size_t n = strlen(user);
	if (n == 0)
		return false;
	for (const char *p = members; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && memcmp(p, user, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

/* Calls fn on each line of buf (a NUL-terminated copy in a scratch buffer)
 * until fn returns non-zero, which is then returned. */
typedef int (*line_fn)(char *line, size_t len, void *ctx);

static int for_each_line(const char *buf, size_t len, line_fn fn, void *ctx)
{
	char *scratch = malloc(IDENT_MAX_LINE + 1);
	if (!scratch)
		return -ENOMEM;
	int r = 0;
	size_t pos = 0;
	while (pos < len && r == 0) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		if (n > 0 && n <= IDENT_MAX_LINE) {
			memcpy(scratch, buf + pos, n);
			scratch[n] = '\0';
			r = fn(scratch, n, ctx);
		}
		pos += n + 1;
	}
	free(scratch);
	return r;
}

struct pw_query {
	const char *name; /* by name when set */
	uid_t uid;        /* else by uid */
	struct ident *out;
};

static int match_passwd(char *line, size_t len, void *ctx)
{
	struct pw_query *q = ctx;
	struct passwd_line pw;
	if (ident_parse_passwd_line(line, len, &pw) < 0)
		return 0;
	if (q->name ? strcmp(pw.name, q->name) != 0 : pw.uid != q->uid)
		return 0;
	q->out->uid = pw.uid;
	q->out->gid = pw.gid;
	q->out->name = strdup(pw.name);
	q->out->home = strdup(*pw.home ? pw.home : "/");
	if (!q->out->name || !q->out->home)
		return -ENOMEM;
	q->out->has_entry = true;
	return 1;
}

struct gr_query {
	const char *name;
	gid_t gid;
};

static int match_group_name(char *line, size_t len, void *ctx)
{
	struct gr_query *q = ctx;
	struct group_line gr;
	if (ident_parse_group_line(line, len, &gr) < 0 || strcmp(gr.name, q->name) != 0)
		return 0;
	q->gid = gr.gid;
	return 1;
}

struct member_query {
	const char *user;
	gid_t *groups;
	size_t n, cap;
};

/* Duplicates are removed after sorting; the raw list is bounded too. */
static int add_group(struct member_query *q, gid_t gid)
{
	if (q->n >= 2 * IDENT_MAX_GROUPS)
		return -E2BIG;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		gid_t *g = realloc(q->groups, cap * sizeof(*g));
		if (!g)
			return -ENOMEM;
		q->groups = g;
		q->cap = cap;
	}
	q->groups[q->n++] = gid;
	return 0;
}

static int match_member(char *line, size_t len, void *ctx)
{
	struct member_query *q = ctx;
	struct group_line gr;
	if (ident_parse_group_line(line, len, &gr) < 0 ||
	    !ident_members_include(gr.members, q->user))
		return 0;
	return add_group(q, gr.gid);
}

int ident_gid_cmp(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
	return x < y ? -1 : x > y;
}

/* A name as a passwd or group file can hold it: not empty, no leading
 * '-' or '+' (option-like, NIS), no blanks or control characters. */
static bool plausible_name(const char *s)
{
	if (!*s || *s == '-' || *s == '+')
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int resolve(const char *spec, const char *passwd, size_t passwd_len, const char *group,
		   size_t group_len, struct ident *out, struct error *err)
{
	char user[256], grp[256];
	const char *colon = strchr(spec, ':');
	size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *gpart = colon ? colon + 1 : NULL;
	int r;

	if (ulen == 0 || ulen >= sizeof(user) ||
	    (gpart && (!*gpart || strchr(gpart, ':') || strlen(gpart) >= sizeof(grp))))
		return error_set(
			err, -EINVAL,
			"user '%s' is not USER or USER:GROUP (a name or a decimal id each)", spec);
	memcpy(user, spec, ulen);
	user[ulen] = '\0';

	struct pw_query q = { .out = out };
	if (all_digits(user)) {
		uint32_t uid;
		if (parse_id(user, &uid) < 0)
			return error_set(err, -EINVAL, "uid '%s' is out of range (0 to 4294967294)",
					 user);
		q.uid = uid;
	} else if (!plausible_name(user)) {
		return error_set(err, -EINVAL, "user '%s' is not a valid name or uid", user);
	} else {
		q.name = user;
	}
	r = for_each_line(passwd, passwd_len, match_passwd, &q);
	if (r < 0)
		return error_set(err, r, "cannot read the user database: %s", strerror(-r));
	if (r == 0) {
		if (q.name)
			return error_set(
				err, -ENOENT,
				"unknown user '%s': no such name in /etc/passwd; add it to the "
				"image or give a numeric uid",
				user);
		/* numeric uid without an entry: gid = uid, no supplementary groups */
		char num[16];
		snprintf(num, sizeof(num), "%u", (unsigned)q.uid); /* "0617" -> "617" */
		out->uid = q.uid;
		out->gid = q.uid;
		out->name = strdup(num);
		out->home = strdup("/");
		if (!out->name || !out->home)
			return error_set(err, -ENOMEM, "out of memory");
	}
	if (out->uid == 0)
		return error_set(
			err, -EPERM,
			"user '%s' is root (uid 0); stepdown only runs workloads as non-root",
			user);

	if (gpart) {
		strcpy(grp, gpart);
		if (all_digits(grp)) {
			uint32_t gid;
			if (parse_id(grp, &gid) < 0)
				return error_set(err, -EINVAL,
						 "gid '%s' is out of range (0 to 4294967294)", grp);
			out->gid = gid;
		} else if (!plausible_name(grp)) {
			return error_set(err, -EINVAL, "group '%s' is not a valid name or gid",
					 grp);
		} else {
			struct gr_query g = { .name = grp };
			r = for_each_line(group, group_len, match_group_name, &g);
			if (r < 0)
				return error_set(err, r, "cannot read the group database: %s",
						 strerror(-r));
			if (r == 0)
				return error_set(err, -ENOENT,
						 "unknown group '%s': no such name in /etc/group",
						 grp);
			out->gid = g.gid;
		}
	}

	if (out->has_entry) {
		struct member_query m = { .user = out->name };
		r = add_group(&m, out->gid);
		if (r == 0)
			r = for_each_line(group, group_len, match_member, &m);
		if (r < 0) {
			free(m.groups);
			return error_set(err, r, "cannot collect the groups of '%s': %s", out->name,
					 strerror(-r));
		}
		qsort(m.groups, m.n, sizeof(*m.groups), ident_gid_cmp);
		size_t u = 0;
		for (size_t i = 0; i < m.n; i++)
			if (u == 0 || m.groups[i] != m.groups[u - 1])
				m.groups[u++] = m.groups[i];
		out->groups = m.groups;
		out->n_groups = u;
		if (u > IDENT_MAX_GROUPS)
			return error_set(err, -E2BIG,
					 "user '%s' is in %zu groups; at most %u are supported",
					 out->name, u, IDENT_MAX_GROUPS);
	}
	return 0;
}

int ident_resolve_buf(const char *spec, const char *passwd, size_t passwd_len, const char *group,
		      size_t group_len, struct ident *out, struct error *err)
{
	memset(out, 0, sizeof(*out));
	err->msg[0] = '\0';
	if (!spec)
		return error_set(err, -EINVAL, "no user given");
	int r = resolve(spec, passwd, passwd_len, group, group_len, out, err);
	if (r < 0)
		ident_free(out);
	return r;
}

/* What a file that is not regular is, for the message. */
static const char *file_kind(mode_t mode)
{
	return S_ISFIFO(mode)   ? "a FIFO"
	       : S_ISDIR(mode)  ? "a directory"
	       : S_ISCHR(mode)  ? "a character device"
	       : S_ISBLK(mode)  ? "a block device"
	       : S_ISSOCK(mode) ? "a socket"
				: "not a file";
}

/* ident_read_file, and the file's mode in *mode when it is not regular.
 * Opened without blocking, so that a FIFO (no writer: open() would wait for
 * ever) or a device cannot stop PID 1; anything but a regular file is
 * refused before a byte is read. */
static int read_regular(const char *path, size_t max, char **buf, size_t *len, mode_t *mode)
{
	*buf = NULL;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		*mode = st.st_mode;
		close(fd);
		return -EINVAL;
	}
	/* Linux ignores O_NONBLOCK on regular files; cleared all the same, so
	 * that no filesystem can answer a read with EAGAIN. */
	if (fcntl(fd, F_SETFL, 0) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	size_t cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
	char *b = malloc(cap + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	size_t n = 0;
	for (;;) {
		if (n == cap) {
			if (cap > max)
				break;
			char *g = realloc(b, cap * 2 + 1);
			if (!g) {
				free(b);
				close(fd);
				return -ENOMEM;
			}
			b = g;
			cap *= 2;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(b);
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		return -EFBIG;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int ident_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	mode_t mode;
	return read_regular(path, max, buf, len, &mode);
}

static int read_db(const char *path, char **buf, size_t *len, struct error *err)
{
	mode_t mode = 0;
	int r = read_regular(path, IDENT_MAX_FILE, buf, len, &mode);
	if (r == -ENOENT) {
		*buf = NULL;
		*len = 0;
		return 0;
	}
	if (r == -EINVAL && mode)
		return error_set(err, r,
				 "'%s' is not a regular file (%s); the user database must be a "
				 "regular file: put one there, or none (a missing file counts as "
				 "empty)",
				 path, file_kind(mode));
	if (r == -EFBIG)
		return error_set(err, r,
				 "'%s' is larger than %u MiB: not a user database stepdown reads",
				 path, IDENT_MAX_FILE >> 20);
	if (r < 0)
		return error_set(err, r, "cannot read '%s': %s", path, strerror(-r));
	return 0;
}

int ident_resolve(const char *spec, const char *passwd_path, const char *group_path,
		  struct ident *out, struct error *err)
{
	char *pw = NULL, *gr = NULL;
	size_t pwlen = 0, grlen = 0;
	int r;
	memset(out, 0, sizeof(*out));
	if ((r = read_db(passwd_path, &pw, &pwlen, err)) < 0)
		return r;
	if ((r = read_db(group_path, &gr, &grlen, err)) < 0) {
		free(pw);
		return r;
	}
	r = ident_resolve_buf(spec, pw ? pw : "", pwlen, gr ? gr : "", grlen, out, err);
	free(pw);
	free(gr);
	return r;
}

int ident_kernel_groups(gid_t **groups, size_t *n_groups, struct error *err)
{
	*groups = NULL;
	*n_groups = 0;
	int n = getgroups(0, NULL);
	if (n < 0)
		return error_set(err, -errno, "getgroups: %s", strerror(errno));
	gid_t *g = calloc((size_t)n + 1, sizeof(gid_t));
	if (!g)
		return error_set(err, -ENOMEM, "out of memory");
	if (n > 0 && (n = getgroups(n, g)) < 0) {
		int e = errno;
		free(g);
		return error_set(err, -e, "getgroups: %s", strerror(e));
	}
	qsort(g, (size_t)n, sizeof(gid_t), ident_gid_cmp);
	*groups = g;
	*n_groups = (size_t)n;
	return 0;
}

/* Root's groups are the runtime's reading of the files, not ours: a line
 * ident_parse_*_line refuses as malformed (blanks, a CR, extra fields, a
 * "+6", any length) may still have given root a group. So this reading is
 * lenient, to leave out more rather than less: each field trimmed of
 * blanks and CRs, extra fields ignored, a gid with an optional '+'. */
struct lenient_line {
	const char *field[4];
	size_t len[4];
	size_t n;
};

static void lenient_split(const char *line, size_t len, struct lenient_line *out)
{
	out->n = 0;
	size_t pos = 0;
	while (out->n < 4) {
		const char *colon = memchr(line + pos, ':', len - pos);
		size_t end = colon ? (size_t)(colon - line) : len;
		size_t a = pos, b = end;
		while (a < b && strchr(" \t\r", line[a]))
			a++;
		while (b > a && strchr(" \t\r", line[b - 1]))
			b--;
		out->field[out->n] = line + a;
		out->len[out->n++] = b - a;
		if (!colon)
			break;
		pos = end + 1;
	}
}

static bool lenient_id(const char *s, size_t n, uint32_t *out)
{
	if (n && *s == '+') {
		s++;
		n--;
	}
	uint64_t v = 0;
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

#define ROOT_NAMES 8

struct root_names {
	char name[ROOT_NAMES][256];
	size_t n;
};

/* Is one of the comma-separated, blank-trimmed members one of root's names? */
static bool lists_root(const char *m, size_t len, const struct root_names *rn)
{
	size_t pos = 0;
	while (pos <= len) {
		const char *comma = memchr(m + pos, ',', len - pos);
		size_t end = comma ? (size_t)(comma - m) : len, a = pos, b = end;
		while (a < b && strchr(" \t\r", m[a]))
			a++;
		while (b > a && strchr(" \t\r", m[b - 1]))
			b--;
		for (size_t i = 0; i < rn->n; i++)
			if (b - a == strlen(rn->name[i]) && memcmp(m + a, rn->name[i], b - a) == 0)
				return true;
		if (!comma)
			break;
		pos = end + 1;
	}
	return false;
}

typedef int (*raw_line_fn)(const char *line, size_t len, void *ctx);

/* Every line, of any length; no copy. */
static int for_each_raw_line(const char *buf, size_t len, raw_line_fn fn, void *ctx)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		int r = fn(buf + pos, end - pos, ctx);
		if (r < 0)
			return r;
		pos = end + 1;
	}
	return 0;
}

struct root_query {
	struct root_names names;
	struct member_query m;
};

/* A passwd line with uid 0: its name (blank-trimmed) and its gid. */
static int root_entry(const char *line, size_t len, void *ctx)
{
	struct root_query *q = ctx;
	struct lenient_line f;
	uint32_t uid, gid;
	lenient_split(line, len, &f);
	if (f.n < 3 || !lenient_id(f.field[2], f.len[2], &uid) || uid != 0)
		return 0;
	if (f.n >= 4 && lenient_id(f.field[3], f.len[3], &gid)) {
		int r = add_group(&q->m, gid);
		if (r < 0)
			return r;
	}
	if (q->names.n < ROOT_NAMES && f.len[0] && f.len[0] < sizeof(q->names.name[0])) {
		memcpy(q->names.name[q->names.n], f.field[0], f.len[0]);
		q->names.name[q->names.n++][f.len[0]] = '\0';
	}
	return 0;
}

static int root_member(const char *line, size_t len, void *ctx)
{
	struct root_query *q = ctx;
	struct lenient_line f;
	uint32_t gid;
	lenient_split(line, len, &f);
	if (f.n < 4 || !lenient_id(f.field[2], f.len[2], &gid) ||
	    !lists_root(f.field[3], f.len[3], &q->names))
		return 0;
	return add_group(&q->m, gid);
}

int ident_root_groups(const char *passwd_path, const char *group_path, gid_t **groups,
		      size_t *n_groups, struct error *err)
{
	char *pw = NULL, *gr = NULL;
	size_t pwlen = 0, grlen = 0;
	int r;
	*groups = NULL;
	*n_groups = 0;
	if ((r = read_db(passwd_path, &pw, &pwlen, err)) < 0)
		return r;
	if ((r = read_db(group_path, &gr, &grlen, err)) < 0) {
		free(pw);
		return r;
	}
	struct root_query q = { .names = { .name = { "root" }, .n = 1 } };
	r = add_group(&q.m, 0);
	if (r == 0 && pw)
		r = for_each_raw_line(pw, pwlen, root_entry, &q);
	if (r == 0 && gr)
		r = for_each_raw_line(gr, grlen, root_member, &q);
	free(pw);
	free(gr);
	if (r < 0) {
		free(q.m.groups);
		return error_set(err, r, "cannot collect root's groups: %s", strerror(-r));
	}
	*groups = q.m.groups;
	*n_groups = q.m.n;
	return 0;
}

int ident_current(const char *passwd_path, struct ident *out, struct error *err)
{
	memset(out, 0, sizeof(*out));
	err->msg[0] = '\0';
	out->uid = getuid();
	out->gid = getgid();

	int r = ident_kernel_groups(&out->groups, &out->n_groups, err);
	if (r < 0)
		return r;

	char *pw = NULL;
	size_t pwlen = 0;
	r = read_db(passwd_path, &pw, &pwlen, err);
	if (r < 0) {
		ident_free(out);
		return r;
	}
	struct ident found = { 0 };
	struct pw_query q = { .uid = out->uid, .out = &found };
	r = pw ? for_each_line(pw, pwlen, match_passwd, &q) : 0;
	free(pw);
	if (r < 0) {
		ident_free(&found);
		ident_free(out);
		return error_set(err, r, "cannot read '%s': %s", passwd_path, strerror(-r));
	}
	if (r > 0) {
		out->name = found.name;
		out->home = found.home;
		out->has_entry = true;
	} else {
		char num[16];
		snprintf(num, sizeof(num), "%u", (unsigned)out->uid);
		out->name = strdup(num);
		out->home = strdup("/");
		if (!out->name || !out->home) {
			ident_free(out);
			return error_set(err, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

void ident_free(struct ident *id)
{
	free(id->groups);
	free(id->name);
	free(id->home);
	memset(id, 0, sizeof(*id));
}
