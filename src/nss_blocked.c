/* libcap-ng's capng_change_id() can call getpwuid() and initgroups() (only
 * with its "initialise supplementary groups" flag, which stepdown never
 * passes). The build renames
 * those two references in a copy of libcap-ng.a to these functions, so the
 * static binary holds no NSS code, and any call fails closed. */
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

struct passwd;

struct passwd *stepdown_nss_blocked_pw(uid_t uid);
int stepdown_nss_blocked_grp(const char *user, gid_t group);

struct passwd *stepdown_nss_blocked_pw(uid_t uid)
{
	(void)uid;
	errno = ENOSYS;
	return NULL;
}

int stepdown_nss_blocked_grp(const char *user, gid_t group)
{
	(void)user;
	(void)group;
	errno = ENOSYS;
	return -1;
}
