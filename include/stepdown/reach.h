/* Can the workload get to the directories it was promised? With the
 * credentials this process has now (after the drop, or in a child that
 * took the target's), every parent of a path must be searchable and the
 * path itself writable; when not, which component stops it and why. The
 * kernel decides (faccessat), so ACLs and the like count as they will for
 * the workload. */
#ifndef STEPDOWN_REACH_H
#define STEPDOWN_REACH_H

#include <stdbool.h>

#include "stepdown/config.h"
#include "stepdown/error.h"
#include "stepdown/ident.h"

/* 0 when path is reachable (and writable and searchable, with
 * want_write); otherwise -errno, and in err "/parent is mode 0700, owned
 * by 0:0 (no search permission)" naming the first component that stops
 * it. */
int reach_check(const char *path, bool want_write, struct error *err);

/* Phase 5b, with the workload's credentials (after the drop): every
 * --writable dir must be reachable and writable (else an error each, and
 * -EACCES: declaring a dir the workload cannot use defeats its purpose);
 * --user-from's dir reachable (else a warning). who names the user. With
 * dry, plan lines on stdout instead, HOME too. */
int reach_declared(const struct config *cfg, const char *who, const char *home, bool dry);

/* A dry run's reach_declared, in a child that takes id's credentials
 * (setgroups, setresgid, setresuid; the caller keeps its own). */
void reach_plan(const struct config *cfg, const struct ident *id, const char *home);

#endif
