/* libcap-ng's capng_change_id() can call getpwuid() and initgroups() (only
 * with its "initialise supplementary groups" flag, which stepdown never
 * passes). The build renames
 * those two references in a copy of libcap-ng.a to these functions, so the
 * static binary holds no NSS code, and any call fails closed.
 *
 * Debian's libcap-ng also calls syslog() once when capng_apply() fails to
 * drop the bounding set. stepdown reports that failure itself (exit 125),
 * and a container has no syslog daemon: the reference is renamed to a
 * function that drops the message, which keeps syslog's time-zone and
 * strftime code out of the binary. */
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

struct passwd;

struct passwd *stepdown_nss_blocked_pw(uid_t uid);
int stepdown_nss_blocked_grp(const char *user, gid_t group);
void stepdown_syslog_dropped(int priority, const char *format, ...);

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

void stepdown_syslog_dropped(int priority, const char *format, ...)
{
	(void)priority;
	(void)format;
}
