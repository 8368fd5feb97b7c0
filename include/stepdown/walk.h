/* The race-safe ownership walk of the declared writable directories.
 *
 * The promise: nothing outside the declared tree changes owner or mode, even
 * while other processes (the target user, another uid, another root process
 * re-owning the same tree) change the tree at full speed. How:
 * - every entry that is changed is first pinned with an fd (O_PATH|O_NOFOLLOW
 *   for non-directories, O_DIRECTORY|O_NOFOLLOW for directories) and changed
 *   through that fd, so a rename race cannot redirect a chown; nothing is
 *   ever changed by name;
 * - a non-directory is changed only when one look at its name, taken while
 *   the fd pins it, shows the pinned inode with exactly one link: at that
 *   moment its only name is inside the tree. A link that appears after the
 *   change is seen by a look through the fd, and the change is undone;
 * - block and character devices are left alone and reported (only root can
 *   make them); other non-directories with several links are left alone and
 *   reported;
 * - symlinks are never followed (a link is re-owned itself); other mounts
 *   are not entered; entries already owned by uid:gid are not touched;
 * - entries that vanish or change while the walk runs are not errors; a
 *   directory moved away while the walk holds it open is finished through
 *   its fd (it was in the tree when entered), and one that the walk must
 *   find again (beyond WALK_OPEN_LEVELS) and cannot is reported and not
 *   walked further.
 * Memory is bounded by depth (and by jobs), never by the number of entries;
 * any depth and path length works. */
#ifndef STEPDOWN_WALK_H
#define STEPDOWN_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WALK_MAX_JOBS 16
#define WALK_ERRORS_KEPT 3

/* A directory by identity (device and inode), not by spelling. */
struct walk_identity {
	bool set;
	dev_t dev;
	ino_t ino;
};

struct walk_options {
	uid_t uid;
	gid_t gid;
	bool dry_run;    /* count what would change, change nothing */
	unsigned jobs;   /* threads, 1..WALK_MAX_JOBS */
	bool progress;   /* report on stderr when a walk runs longer than ~2 s */
	struct walk_identity host; /* never entered nor re-owned (--user-from's dir) */
};

struct walk_stats {
	uint64_t seen;       /* entries looked at, the root included */
	uint64_t changed;    /* re-owned (or, in a dry run, that would be) */
	uint64_t owned;      /* already uid:gid, untouched */
	uint64_t hardlinks;  /* non-directories with several links, left alone */
	uint64_t undone;     /* of those: re-owned, then a new link seen, so undone */
	uint64_t devices;    /* block and character devices, left alone */
	uint64_t mounts;     /* other mounts below the root, not entered */
	uint64_t host;       /* the --user-from directory met below: not entered */
	uint64_t raced;      /* kept changing under the walk: left to a later run */
	uint64_t moved;      /* directories moved away mid-walk: their rest not walked */
	uint64_t read_only_entries; /* on a read-only mount below: left alone */
	uint64_t errors;     /* entries that could not be handled */
	bool read_only;      /* the root's filesystem is read-only: skipped */
	int first_errno;     /* errno of the first error */
	char error_paths[WALK_ERRORS_KEPT][256]; /* the first errors, described */
	char hardlink_paths[WALK_ERRORS_KEPT][256];
	char device_paths[WALK_ERRORS_KEPT][256];
	char moved_paths[WALK_ERRORS_KEPT][256];
	double seconds;
};

/* What opening a declared directory found. */
struct walk_declared {
	int fd;            /* O_RDONLY|O_DIRECTORY fd of the directory */
	bool created;      /* this call made it */
	bool under_host;   /* it is, or is below, the directory `host` names */
	/* The first parent that someone other than root can write (owner not
	 * root, or group/other write without the sticky bit): its length in
	 * the path (0: none), owner and mode. Whoever can write it can rename
	 * another directory onto the declared name. */
	size_t open_parent_len;
	uid_t open_parent_uid;
	gid_t open_parent_gid;
	mode_t open_parent_mode;
};

/* Open the declared directory path (absolute, no "." or ".." components)
 * without following a symlink in any component (openat2 RESOLVE_NO_SYMLINKS,
 * or a per-component O_NOFOLLOW walk where openat2 is missing). When create
 * is set, missing components are created mode 0755 owned by root, the last
 * one then owned by uid:gid; nothing that this call did not create is
 * changed. A component that appears between the look and the mkdir
 * (EEXIST), or that is not the empty directory just made when opened, was
 * put there by someone else: it is used as it is only when the parent is
 * root-owned and no one else can write it (or it is sticky and the entry is
 * root's), otherwise -EEXIST. host, when set, is compared with every
 * component (out->under_host). Returns 0, or -errno with a message in err:
 * -ELOOP for a symlink (naming the component), -ENOENT when missing and
 * !create, -ENOTDIR, -EINVAL for a path that is not absolute and normal. */
int walk_open_declared(const char *path, bool create, uid_t uid, gid_t gid,
		       const struct walk_identity *host, struct walk_declared *out, char *err,
		       size_t errlen);

/* Walk the tree below root_fd (which walk_open_declared gave) and set
 * every entry to uid:gid by the rules above. display is the path used in
 * messages. Returns 0 when every entry was handled (read-only counts as
 * handled), or the negative errno of the first error (details in stats). */
int walk_tree(int root_fd, const char *display, const struct walk_options *o,
	      struct walk_stats *stats);

/* Default for --jobs: CPUs available to this process, at most 8. */
unsigned walk_default_jobs(void);

#endif
