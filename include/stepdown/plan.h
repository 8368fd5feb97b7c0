/* --dry-run: print the resolved plan. */
#ifndef STEPDOWN_PLAN_H
#define STEPDOWN_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "stepdown/confine.h"
#include "stepdown/config.h"
#include "stepdown/groups.h"
#include "stepdown/ident.h"
#include "stepdown/writable.h"

struct plan {
	const struct config *cfg;
	const struct ident *id;
	const struct groups_result *groups; /* what was added to id's groups, or NULL */
	bool switch_identity;               /* false: started as non-root, identity kept */
	const char *home;
	bool is_pid1;
	char *const *envp;               /* the workload's environment, for PATH */
	const struct writable_dir *dirs; /* one per cfg->writable, or NULL (not root) */
	const struct confine *confine;   /* the rules of --confine-writes, or NULL */
};

void plan_print(FILE *out, const struct plan *p);

#endif
