/* Phase 3: who the workload runs as, from --user, --user-from and how
 * stepdown was started; the user database is ident's. Nothing is printed:
 * what main.c reports is in the result. */
#ifndef STEPDOWN_IDENTITY_H
#define STEPDOWN_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>

#include "stepdown/declared.h"
#include "stepdown/error.h"
#include "stepdown/ident.h"

enum identity_source {
	IDENTITY_USER,  /* --user */
	IDENTITY_OWNER, /* the owner of --user-from's dir */
	IDENTITY_SELF,  /* started as non-root: the identity it has */
};

struct identity {
	struct ident id;
	bool switching; /* started as root: the drop switches to id */
	enum identity_source source;
	/* IDENTITY_OWNER: that directory, never re-owned by the walk. */
	struct dir_identity host;
	uid_t owner_uid;     /* of --user-from's dir (0: fell back to --user) */
	bool owner_gid_root; /* its group was root: not taken */
	/* IDENTITY_SELF with a --user that is someone else: who was asked for. */
	bool not_as_asked;
	uid_t asked_uid;
	gid_t asked_gid;
	bool group_root; /* the workload will have gid 0 */
};

/* Choose the identity. user and user_from may be NULL. --user-from's
 * owner is taken when it is not root, with its group unless that is gid 0
 * (then the owner's primary group, or gid = uid for a bare uid); a
 * root-owned dir falls back to --user. Returns 0, or -errno with a
 * message in err (no user to become, unknown user, a bad --user-from). */
int identity_choose(const char *user, const char *user_from, const char *passwd_path,
		    const char *group_path, struct identity *out, struct error *err);

void identity_free(struct identity *who);

#endif
