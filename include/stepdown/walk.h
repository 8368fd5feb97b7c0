/* The race-safe ownership walk of the declared writable directories.
 *
 * The promise: nothing outside the declared tree changes owner or mode, even
 * while other processes (the target user, another uid, another root process
 * re-owning the same tree) change the tree at full speed. How:
 * - every entry that is changed is first pinned with an fd (O_PATH|O_NOFOLLOW
 *   for non-directories, O_DIRECTORY|O_NOFOLLOW for directories) and changed
 *   through that fd, so a rename race cannot redirect a chown; nothing is
 *   ever changed by name;
 * - a non-directory is changed only when its link count through the fd is
 *   1 and that link is proven to be its name in the tree: its directory is
 *   watched (inotify) from before the pin, the directory's lock is taken
 *   after the count is read, and no unlink or rename of the name was seen
 *   (walk.c says why a look by name is not proof). A link that appears
 *   after the change is seen through the fd, and the change is undone. No
 *   watch to be had (no /proc, inotify refused or used up): no change, an
 *   error;
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

#include "stepdown/declared.h"
#include "stepdown/error.h"

#define WALK_MAX_JOBS 16
#define WALK_ERRORS_KEPT 3

struct walk_options {
	uid_t uid;
	gid_t gid;
	bool dry_run;             /* count what would change, change nothing */
	unsigned jobs;            /* threads, 1..WALK_MAX_JOBS */
	bool progress;            /* report on stderr when a walk runs longer than ~2 s */
	struct dir_identity host; /* never entered nor re-owned (--user-from's dir) */
};

struct walk_stats {
	uint64_t seen;              /* entries looked at, the root included */
	uint64_t changed;           /* re-owned (or, in a dry run, that would be) */
	uint64_t owned;             /* already uid:gid, untouched */
	uint64_t hardlinks;         /* non-directories with several links, left alone */
	uint64_t undone;            /* of those: re-owned, then a new link seen, so undone */
	uint64_t devices;           /* block and character devices, left alone */
	uint64_t mounts;            /* other mounts below the root, not entered */
	uint64_t host;              /* the --user-from directory met below: not entered */
	uint64_t raced;             /* kept changing under the walk: left to a later run */
	uint64_t moved;             /* directories moved away mid-walk: their rest not walked */
	uint64_t read_only_entries; /* on a read-only mount below: left alone */
	uint64_t errors;            /* entries that could not be handled */
	bool read_only;             /* the root's filesystem is read-only: skipped */
	/* The first errors: each -errno and "'path': why". */
	struct error errors_kept[WALK_ERRORS_KEPT];
	char hardlink_paths[WALK_ERRORS_KEPT][256];
	char device_paths[WALK_ERRORS_KEPT][256];
	char moved_paths[WALK_ERRORS_KEPT][256];
	double seconds;
};

/* Walk the tree below root_fd (which declared_open_dir gave) and set
 * every entry to uid:gid by the rules above. display is the path used in
 * messages. Returns 0 when every entry was handled (read-only counts as
 * handled), or the negative errno of the first error (details in stats). */
int walk_tree(int root_fd, const char *display, const struct walk_options *o,
	      struct walk_stats *stats);

/* Default for --jobs: CPUs available to this process, at most 8. */
unsigned walk_default_jobs(void);

#endif
