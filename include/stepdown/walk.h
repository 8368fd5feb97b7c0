/* The race-safe ownership walk of the declared writable directories.
 *
 * Every entry is pinned with an fd (O_PATH|O_NOFOLLOW) and changed through
 * it, so a rename race cannot redirect a chown; symlinks are never followed
 * (a link is re-owned itself); other mounts are not entered; regular files
 * with more than one hard link are left alone; entries already owned by
 * uid:gid are not touched at all. Memory is bounded by depth (and by jobs),
 * never by the number of entries; any depth and path length works. */
#ifndef STEPDOWN_WALK_H
#define STEPDOWN_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WALK_MAX_JOBS 16
#define WALK_ERRORS_KEPT 3

struct walk_options {
	uid_t uid;
	gid_t gid;
	bool dry_run;    /* count what would change, change nothing */
	unsigned jobs;   /* threads, 1..WALK_MAX_JOBS */
	bool progress;   /* report on stderr when a walk runs longer than ~2 s */
};

struct walk_stats {
	uint64_t seen;       /* entries looked at, the root included */
	uint64_t changed;    /* re-owned (or, in a dry run, that would be) */
	uint64_t owned;      /* already uid:gid, untouched */
	uint64_t hardlinks;  /* regular files with several links, left alone */
	uint64_t mounts;     /* other mounts below the root, not entered */
	uint64_t read_only_entries; /* on a read-only mount below: left alone */
	uint64_t errors;     /* entries that could not be handled */
	bool read_only;      /* the root's filesystem is read-only: skipped */
	int first_errno;     /* errno of the first error */
	char error_paths[WALK_ERRORS_KEPT][256]; /* the first errors, described */
	char hardlink_paths[WALK_ERRORS_KEPT][256];
	double seconds;
};

/* Open the declared directory path (absolute, no "." or ".." components)
 * without following a symlink in any component (openat2 RESOLVE_NO_SYMLINKS,
 * or a per-component O_NOFOLLOW walk where openat2 is missing). When create
 * is set, missing components are created: parents mode 0755 owned by root,
 * the directory itself mode 0755 owned by uid:gid. On success *fd is an
 * O_RDONLY|O_DIRECTORY fd of it and *created tells whether it was made.
 * Returns -errno with a message in err: -ELOOP for a symlink (naming the
 * component), -ENOENT when missing and !create, -ENOTDIR, -EINVAL for a
 * path that is not absolute and normal. */
int walk_open_declared(const char *path, bool create, uid_t uid, gid_t gid, int *fd,
		       bool *created, char *err, size_t errlen);

/* Walk the tree below root_fd (which walk_open_declared gave) and set
 * every entry to uid:gid by the rules above. display is the path used in
 * messages. Returns 0 when every entry was handled (read-only counts as
 * handled), or the negative errno of the first error (details in stats). */
int walk_tree(int root_fd, const char *display, const struct walk_options *o,
	      struct walk_stats *stats);

/* Default for --jobs: CPUs available to this process, at most 8. */
unsigned walk_default_jobs(void);

#endif
