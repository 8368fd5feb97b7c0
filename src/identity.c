/* Phase 3: who the workload runs as. See identity.h. */
#include "stepdown/identity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stepdown/error.h"

/* The owner of path (a host bind mount): 1 with out->id set, 0 when it is
 * root's, or -errno. */
static int from_owner(const char *path, const char *passwd_path, const char *group_path,
		      struct identity *out, struct error *err)
{
	struct error msg;
	char spec[32];
	struct declared_dir dd;
	struct stat st;
	int r = declared_open_dir(path, false, 0, 0, NULL, &dd, &msg);
	if (r < 0)
		return error_set(err, r, "--user-from: %s", msg.msg);
	r = fstat(dd.fd, &st);
	int e = errno;
	close(dd.fd);
	if (r < 0)
		return error_set(err, -e, "--user-from: cannot stat '%s': %s", path, strerror(e));
	out->owner_uid = st.st_uid;
	if (st.st_uid == 0)
		return 0;
	out->owner_gid_root = st.st_gid == 0;
	if (st.st_gid == 0)
		snprintf(spec, sizeof(spec), "%u", (unsigned)st.st_uid);
	else
		snprintf(spec, sizeof(spec), "%u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
	if ((r = ident_resolve(spec, passwd_path, group_path, &out->id, &msg)) < 0)
		return error_set(err, r, "--user-from %s: %s", path, msg.msg);
	out->source = IDENTITY_OWNER;
	out->host = (struct dir_identity){ .set = true, .dev = st.st_dev, .ino = st.st_ino };
	return 1;
}

/* Started as non-root: the identity is kept; a --user that names someone
 * else is noted. */
static int as_self(const char *user, const char *passwd_path, const char *group_path,
		   struct identity *out, struct error *err)
{
	out->source = IDENTITY_SELF;
	int r = ident_current(passwd_path, &out->id, err);
	if (r < 0 || !user)
		return r;
	struct ident asked;
	if ((r = ident_resolve(user, passwd_path, group_path, &asked, err)) < 0)
		return r;
	out->not_as_asked = asked.uid != out->id.uid || asked.gid != out->id.gid;
	out->asked_uid = asked.uid;
	out->asked_gid = asked.gid;
	ident_free(&asked);
	return 0;
}

int identity_choose(const char *user, const char *user_from, const char *passwd_path,
		    const char *group_path, struct identity *out, struct error *err)
{
	*out = (struct identity){ .switching = geteuid() == 0 };
	if (!out->switching)
		return as_self(user, passwd_path, group_path, out, err);
	int r = user_from ? from_owner(user_from, passwd_path, group_path, out, err) : 0;
	if (r < 0)
		return r;
	if (r == 0 && !user && user_from)
		return error_set(err, -EINVAL,
				 "--user-from %s is owned by root and there is no --user to fall "
				 "back to; give --user USER",
				 user_from);
	if (r == 0 && !user)
		return error_set(err, -EINVAL,
				 "started as root with no user to become; give --user USER (or "
				 "STEPDOWN_USER)");
	if (r == 0) {
		out->source = IDENTITY_USER;
		if ((r = ident_resolve(user, passwd_path, group_path, &out->id, err)) < 0)
			return r;
	}
	out->group_root = out->id.gid == 0;
	for (size_t i = 0; i < out->id.n_groups; i++)
		out->group_root = out->group_root || out->id.groups[i] == 0;
	return 0;
}

void identity_free(struct identity *who)
{
	ident_free(&who->id);
}
