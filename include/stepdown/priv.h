/* Groups, ids, capabilities, no_new_privs, and the verification that the
 * drop really happened. */
#ifndef STEPDOWN_PRIV_H
#define STEPDOWN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stepdown/error.h"
#include "stepdown/ident.h"

/* Refuse a setuid, setgid or file-capability install: -EPERM when real
 * and effective (or saved) ids differ, or the kernel ran us in secure mode
 * (AT_SECURE). */
int priv_check_not_setid(void);

/* Is cap in the effective set? False when the sets cannot be read. */
bool priv_has_cap(int cap);

/* What root lacks to give up everything (switch ids, clear the bounding
 * set): the missing names of SETUID, SETGID and SETPCAP, space-separated,
 * or NULL when none is missing. */
const char *priv_missing_root_caps(void);

/* Highest capability number the running kernel knows. */
int priv_last_cap(void);

/* Switch to id for good: bounding set to keep_caps, setgroups, setresgid,
 * setresuid, E/P/I and ambient to keep_caps, no_new_privs. On failure
 * returns -errno with the step that failed, and why, in err. */
int priv_drop(const struct ident *id, uint64_t keep_caps, struct error *err);

/* Stay the current (non-root) identity but shed what can be shed: every
 * capability not in keep_caps from every set we are allowed to change,
 * and set no_new_privs. *kept gets the capabilities actually kept (those
 * of keep_caps the process held), *bounding_cleared whether the bounding
 * set could be reduced too (needs CAP_SETPCAP). */
int priv_shed(uint64_t keep_caps, uint64_t *kept, bool *bounding_cleared, struct error *err);

/* Read the state back and compare: all three uids and gids, the group
 * set, effective/permitted/ambient == keep_caps, nothing outside keep_caps
 * in inheritable (nor in bounding when strict_bounding), setuid(0) and
 * setgid(0) must fail, no_new_privs set, keepcaps clear.
 * Returns 0, or -EPERM with the mismatch described in err. */
int priv_verify(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups, uint64_t keep_caps,
		bool strict_bounding, struct error *err);

/* Capability sets of the calling process, read with raw syscalls (not
 * libcap-ng), for verification and reports. */
struct priv_caps {
	uint64_t effective, permitted, inheritable, ambient, bounding;
};
int priv_read_caps(struct priv_caps *caps);

/* Format a capability mask as "net_bind_service,chown" (or "none"). */
void priv_format_caps(uint64_t mask, char *buf, size_t len);

#endif
