/* Phase 4 as root: the --writable dirs. Every declared path is checked
 * before any is created or walked; then each is opened (created when
 * missing), and its tree given to uid:gid by the walk (counted only, in a
 * dry run). Nothing is printed: the result says what happened, and where
 * it stopped, for main.c to report. */
#ifndef STEPDOWN_WRITABLE_H
#define STEPDOWN_WRITABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stepdown/declared.h"
#include "stepdown/error.h"
#include "stepdown/walk.h"

struct writable_dir {
	const char *path;
	bool missing; /* dry run: would be created */
	bool created;
	bool under_host; /* is or is below --user-from's dir: not walked */
	bool walked;
	struct declared_dir opened; /* what opening it found (its fd is closed) */
	int rc;                     /* of the walk: 0, or the first error's -errno */
	struct walk_stats st;
};

enum writable_stop {
	WRITABLE_DONE,     /* every dir handled */
	WRITABLE_NO_CHOWN, /* not a dry run, and CAP_CHOWN is not held */
	WRITABLE_BAD_PATH, /* a declared path failed its check: err */
	WRITABLE_NO_OPEN,  /* a declared dir could not be opened or created: err */
	WRITABLE_WALK,     /* a walk could not re-own everything: dirs[failed].st */
};

struct writable_run {
	uid_t uid;
	gid_t gid;
	bool dry_run;
	unsigned jobs; /* 0: walk_default_jobs() */
	bool progress;
	struct dir_identity host; /* --user-from's dir, when running as its owner */
};

struct writable_result {
	struct writable_dir *dirs; /* one per path, n_done of them filled */
	size_t n_done;
	enum writable_stop stop;
	size_t failed;    /* the dir it stopped at */
	struct error err; /* what failed, for WRITABLE_BAD_PATH */
};

/* Handle paths[0..n) for run; fills res (free it with writable_free).
 * Returns 0 when every dir was handled, else -errno (res->stop says
 * where, res->err what). */
int writable_fix(const char *const *paths, size_t n, const struct writable_run *run,
		 struct writable_result *res);

void writable_free(struct writable_result *res);

#endif
