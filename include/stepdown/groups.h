/* Phase 3b: the workload's final supplementary groups. To the user's own
 * groups from /etc/group come (1) the groups the runtime started stepdown
 * with (docker --group-add, compose group_add, Kubernetes
 * supplementalGroups and fsGroup), except gid 0 and the groups root holds
 * through the image's /etc/group, which the runtime adds by itself; and,
 * with --device-groups, (2) the group of each GPU or accelerator device
 * node that grants read and write to its group and that the user could not
 * open otherwise. The overflow gid (what unmapped groups look like in a
 * user namespace) is never kept or joined: it grants nothing. POSIX ACLs
 * on device nodes are not read: the mode's group bits decide. Nothing is printed and nothing changed: main.c reports
 * the result and the drop sets it (and verifies it). */
#ifndef STEPDOWN_GROUPS_H
#define STEPDOWN_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stepdown/error.h"
#include "stepdown/ident.h"

#define GROUPS_PATH_MAX 256
#define GROUPS_MAX_DEVICES 256 /* looked at, at most; the rest are not */

enum groups_from {
	GROUPS_FROM_RUNTIME, /* stepdown was started with it */
	GROUPS_FROM_DEVICE,  /* a device node's group */
};

/* A gid added to the user's own groups, and why (the first device that
 * brought it, for a device group). */
struct groups_added {
	gid_t gid;
	enum groups_from from;
	char path[GROUPS_PATH_MAX];
};

enum groups_verdict {
	GROUPS_DEVICE_OPEN,      /* the user can open it already (mode, owner, its groups) */
	GROUPS_DEVICE_JOINED,    /* its group was added */
	GROUPS_DEVICE_ROOT_ONLY, /* only group root (gid 0) may open it: not joined */
	GROUPS_DEVICE_NEEDS_GID, /* started as non-root: the runtime must grant its gid */
	GROUPS_DEVICE_CLOSED,    /* its group bits do not grant read and write either */
	GROUPS_DEVICE_UNMAPPED,  /* its group is the overflow gid: nothing to join */
	GROUPS_DEVICE_NOT_CHAR,  /* a path that was given: not a character device */
	GROUPS_DEVICE_SYMLINK,   /* a path that was given: a symlink in it, not followed */
	GROUPS_DEVICE_MISSING,   /* a path that was given: cannot be looked at (err) */
};

struct groups_device {
	char path[GROUPS_PATH_MAX];
	enum groups_verdict verdict;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	bool given; /* from --device-groups=PATH, not the default list */
	int err;    /* GROUPS_DEVICE_MISSING: why (an errno) */
};

struct groups_options {
	bool strict;               /* --groups=strict: not the groups it was started with */
	bool devices;              /* --device-groups */
	char *const *device_paths; /* --device-groups=PATH..., looked at too */
	size_t n_device_paths;
	const char *dev_root;      /* "/dev"; the tests point it elsewhere */
	bool switching;            /* started as root: groups can be set */
	const gid_t *started_with; /* the supplementary groups stepdown has now */
	size_t n_started_with;
	const gid_t *root_groups; /* what root holds through the image's files */
	size_t n_root_groups;
	gid_t overflow_gid; /* /proc/sys/kernel/overflowgid, never kept or joined (0: not read) */
};

struct groups_result {
	struct groups_added *added; /* in gid order */
	size_t n_added;
	gid_t *not_kept; /* started with, left out as root's own (0 not counted) */
	size_t n_not_kept;
	bool overflow;                 /* started with the overflow gid: not kept */
	struct groups_device *devices; /* in the order looked at */
	size_t n_devices;
	size_t n_skipped; /* nodes past GROUPS_MAX_DEVICES: not looked at */
};

/* Work out the final group set into id->groups (sorted, unique) and what
 * brought each addition into res. Returns 0, or -errno with a message
 * (-E2BIG past IDENT_MAX_GROUPS, -ENOMEM). Devices are only looked at
 * (fstatat without following a symlink; a given path with no symlink in
 * any component, as O_PATH): nothing is opened for reading or writing. */
int groups_choose(const struct groups_options *o, struct ident *id, struct groups_result *res,
		  struct error *err);

void groups_free(struct groups_result *res);

#endif
