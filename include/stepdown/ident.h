/* /etc/passwd and /etc/group parsed by stepdown itself (no NSS: the binary
 * is static), and resolution of a USER[:GROUP] spec to an identity. */
#ifndef STEPDOWN_IDENT_H
#define STEPDOWN_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stepdown/error.h"

/* Files larger than this are refused (-EFBIG); lines longer than
 * IDENT_MAX_LINE are skipped as malformed. */
#define IDENT_MAX_FILE (64u << 20)
#define IDENT_MAX_LINE 65536u
#define IDENT_MAX_GROUPS 65536u

struct ident {
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* supplementary groups for setgroups(), sorted, unique */
	size_t n_groups;
	char *name;     /* login name, or the decimal uid when there is no entry */
	char *home;     /* passwd home, or "/" when there is no entry */
	bool has_entry; /* found in passwd */
};

struct passwd_line {
	const char *name;
	uid_t uid;
	gid_t gid;
	const char *home;
};

struct group_line {
	const char *name;
	gid_t gid;
	const char *members; /* comma-separated, may be empty */
};

/* Parse one line in place: len bytes without the newline, and line[len]
 * must be a NUL (the line may hold other NULs, which make it malformed).
 * The out fields point into line. 0, or -EINVAL when the line is
 * malformed, too long, a comment, blank or a NIS +/- entry. */
int ident_parse_passwd_line(char *line, size_t len, struct passwd_line *out);
int ident_parse_group_line(char *line, size_t len, struct group_line *out);

/* Is user one of the comma-separated names in members? */
bool ident_members_include(const char *members, const char *user);

/* Resolve spec ("name", "uid", "name:group", "uid:gid", ...) against the
 * contents of passwd and group files held in memory. On failure returns
 * -errno and writes a message into err: -ENOENT unknown user or group,
 * -EINVAL malformed spec, -EPERM target uid 0, -E2BIG too many groups. */
int ident_resolve_buf(const char *spec, const char *passwd, size_t passwd_len, const char *group,
		      size_t group_len, struct ident *out, struct error *err);

/* The same, reading the files (normally /etc/passwd and /etc/group).
 * A missing group file counts as empty; a missing passwd file too, so
 * numeric ids still work in images without one. */
int ident_resolve(const char *spec, const char *passwd_path, const char *group_path,
		  struct ident *out, struct error *err);

/* The identity the process already has (started as non-root): uid, gid and
 * groups from the kernel, name and home from passwd when it has an entry. */
int ident_current(const char *passwd_path, struct ident *out, struct error *err);

/* The supplementary groups this process has, sorted (malloc'd). */
int ident_kernel_groups(gid_t **groups, size_t *n_groups, struct error *err);

/* The groups root (uid 0) holds through the user database, as a runtime
 * may have read it: 0, the gid of every passwd entry with uid 0, and every
 * group that lists one of their names or "root". Read leniently (blanks
 * and CRs trimmed, extra fields, any line length), so that a line this
 * module's own parser refuses cannot hide one. malloc'd, unsorted. A
 * runtime gives PID 1 these for root by itself: no operator's grant. */
int ident_root_groups(const char *passwd_path, const char *group_path, gid_t **groups,
		      size_t *n_groups, struct error *err);

/* qsort's comparison for gid_t. */
int ident_gid_cmp(const void *a, const void *b);

void ident_free(struct ident *id);

/* Read a whole file into a NUL-terminated malloc'd buffer, at most max bytes.
 * -ENOENT passes through so callers can treat a missing file as empty. */
int ident_read_file(const char *path, size_t max, char **buf, size_t *len);

#endif
