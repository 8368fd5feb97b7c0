/* libFuzzer target for src/ident.c: /etc/passwd and /etc/group parsing
 * without NSS, and USER[:GROUP] resolution.
 *
 * Input layout: "SPEC\0PASSWD\0GROUP", split on the first two NUL bytes
 * (missing pieces are empty; GROUP may itself contain NUL bytes, as a
 * damaged file can). PASSWD and GROUP are handed to ident_resolve_buf() in
 * heap buffers of exactly their length, with no terminator, so ASan reports
 * any read past the length the caller gave. Then every newline-separated
 * line of both pieces goes through both single-line parsers, each line in
 * its own NUL-terminated heap copy (len + 1 bytes). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepdown/ident.h"
#include "stepdown/parse.h"
#include "fuzz_common.h"

struct piece {
	const uint8_t *data;
	size_t len;
};

/* Split data on its first two NUL bytes. */
static void split_input(const uint8_t *data, size_t size, struct piece out[3])
{
	size_t start = 0;
	for (int i = 0; i < 3; i++) {
		out[i].data = data + start;
		out[i].len = 0;
		if (start >= size)
			continue;
		if (i == 2) {
			out[i].len = size - start;
			break;
		}
		const uint8_t *nul = memchr(data + start, '\0', size - start);
		if (!nul) {
			out[i].len = size - start;
			start = size;
			continue;
		}
		out[i].len = (size_t)(nul - (data + start));
		start += out[i].len + 1;
	}
}

static bool within(const char *p, const char *buf, size_t len)
{
	return p >= buf && p <= buf + len;
}

/* A field returned by a line parser: non-NULL, inside the line buffer
 * (len + 1 bytes, the last one a NUL), and NUL-terminated inside it. */
static void check_field(const char *field, const char *what, const char *line, size_t len)
{
	FUZZ_CHECK(field != NULL, "%s is NULL after a successful parse", what);
	FUZZ_CHECK(within(field, line, len), "%s points outside the line", what);
	FUZZ_CHECK(memchr(field, '\0', (size_t)(line + len + 1 - field)) != NULL,
		   "%s is not terminated inside the line", what);
}

/* Only plain names: members_include() must find the first of them. */
static bool plain_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static void fuzz_passwd_line(const char *src, size_t len)
{
	char *line = fuzz_strndup((const uint8_t *)src, len);
	struct passwd_line pw;
	memset(&pw, 0, sizeof(pw));
	int r = ident_parse_passwd_line(line, len, &pw);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "ident_parse_passwd_line returned %d", r);
	if (r == 0) {
		check_field(pw.name, "passwd name", line, len);
		check_field(pw.home, "passwd home", line, len);
		FUZZ_CHECK(strchr(pw.name, ':') == NULL, "passwd name '%s' contains ':'", pw.name);
		FUZZ_CHECK(pw.uid != (uid_t)-1, "passwd uid is the -1 sentinel");
		FUZZ_CHECK(pw.gid != (gid_t)-1, "passwd gid is the -1 sentinel");
	}
	free(line);
}

static void fuzz_group_line(const char *src, size_t len)
{
	char *line = fuzz_strndup((const uint8_t *)src, len);
	struct group_line gr;
	memset(&gr, 0, sizeof(gr));
	int r = ident_parse_group_line(line, len, &gr);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "ident_parse_group_line returned %d", r);
	if (r == 0) {
		check_field(gr.name, "group name", line, len);
		check_field(gr.members, "group members", line, len);
		FUZZ_CHECK(strchr(gr.name, ':') == NULL, "group name '%s' contains ':'", gr.name);
		FUZZ_CHECK(gr.gid != (gid_t)-1, "group gid is the -1 sentinel");

		/* The first member, when it is a plain name, is a member. */
		size_t first = strcspn(gr.members, ",");
		if (plain_name(gr.members, first)) {
			char *user = fuzz_strndup((const uint8_t *)gr.members, first);
			FUZZ_CHECK(ident_members_include(gr.members, user),
				   "'%s' not found in members '%s'", user, gr.members);
			free(user);
		}
		(void)ident_members_include(gr.members, gr.name);
		(void)ident_members_include(gr.members, "");
	}
	free(line);
}

/* Feed each newline-separated line of piece to parse(). */
static void for_each_line(struct piece p, void (*parse)(const char *, size_t))
{
	char *copy = fuzz_strndup(p.data, p.len);
	size_t pos = 0;
	while (pos < p.len) {
		const char *nl = memchr(copy + pos, '\n', p.len - pos);
		size_t n = nl ? (size_t)(nl - (copy + pos)) : p.len - pos;
		parse(copy + pos, n);
		pos += n + 1;
	}
	free(copy);
}

static void check_resolved(const char *spec, const struct ident *id)
{
	FUZZ_CHECK(id->uid != 0, "spec '%s' resolved to uid 0", spec);
	FUZZ_CHECK(id->uid != (uid_t)-1, "spec '%s' resolved to the uid -1 sentinel", spec);
	FUZZ_CHECK(id->gid != (gid_t)-1, "spec '%s' resolved to the gid -1 sentinel", spec);
	FUZZ_CHECK(id->n_groups <= IDENT_MAX_GROUPS, "n_groups %zu > IDENT_MAX_GROUPS",
		   id->n_groups);
	FUZZ_CHECK(id->n_groups == 0 || id->groups != NULL, "n_groups %zu but groups is NULL",
		   id->n_groups);
	for (size_t i = 0; i < id->n_groups; i++) {
		FUZZ_CHECK(id->groups[i] != (gid_t)-1, "groups[%zu] is the -1 sentinel", i);
		if (i > 0)
			FUZZ_CHECK(id->groups[i - 1] < id->groups[i],
				   "groups not sorted/unique: groups[%zu]=%u, groups[%zu]=%u", i - 1,
				   (unsigned)id->groups[i - 1], i, (unsigned)id->groups[i]);
	}
	FUZZ_CHECK(id->name != NULL && id->name[0] != '\0', "name is NULL or empty");
	FUZZ_CHECK(id->home != NULL && id->home[0] != '\0', "home is NULL or empty");

	if (!id->has_entry) {
		/* ident.h: the decimal uid and "/" when there is no passwd entry;
		 * stepdown(1): gid = uid and no supplementary groups unless a
		 * group is given. The name is the canonical decimal ("0617"
		 * becomes "617"). */
		char canonical[16];
		snprintf(canonical, sizeof(canonical), "%u", (unsigned)id->uid);
		FUZZ_CHECK(strcmp(id->name, canonical) == 0, "no entry, but name '%s' is not '%s'",
			   id->name, canonical);
		FUZZ_CHECK(strcmp(id->home, "/") == 0, "no entry, but home is '%s'", id->home);
		if (!strchr(spec, ':')) {
			FUZZ_CHECK(id->gid == id->uid, "no entry and no group: gid %u != uid %u",
				   (unsigned)id->gid, (unsigned)id->uid);
			FUZZ_CHECK(id->n_groups == 0, "no entry and no group, but %zu groups",
				   id->n_groups);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct piece p[3];
	split_input(data, size, p);

	char *spec = fuzz_strndup(p[0].data, p[0].len);
	/* Exactly len bytes, no terminator: reads past the end are bugs. */
	char *passwd = fuzz_xmalloc(p[1].len);
	char *group = fuzz_xmalloc(p[2].len);
	if (p[1].len)
		memcpy(passwd, p[1].data, p[1].len);
	if (p[2].len)
		memcpy(group, p[2].data, p[2].len);

	struct ident id;
	memset(&id, 0, sizeof(id));
	struct error err = { 0 };
	memset(&err, 0xAA, sizeof(err)); /* no NUL anywhere until written */

	int r = ident_resolve_buf(spec, passwd, p[1].len, group, p[2].len, &id, &err);
	if (r >= 0) {
		check_resolved(spec, &id);
	} else {
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL,
			   "failure %d left err unterminated", r);
		FUZZ_CHECK(err.msg[0] != '\0', "failure %d with an empty err", r);
	}
	ident_free(&id);

	/* Both line parsers on every line of both files: a group line is a
	 * malformed passwd line and vice versa, which is coverage too. */
	for (int i = 1; i <= 2; i++) {
		for_each_line(p[i], fuzz_passwd_line);
		for_each_line(p[i], fuzz_group_line);
	}

	free(spec);
	free(passwd);
	free(group);
	return 0;
}
