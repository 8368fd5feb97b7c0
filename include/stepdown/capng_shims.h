/* What libcap-ng's renamed libc references resolve to (src/capng_shims.c). */
#ifndef STEPDOWN_CAPNG_SHIMS_H
#define STEPDOWN_CAPNG_SHIMS_H

#include <sys/types.h>

struct passwd;

struct passwd *stepdown_nss_blocked_pw(uid_t uid);
int stepdown_nss_blocked_grp(const char *user, gid_t group);
void stepdown_syslog_dropped(int priority, const char *format, ...);
/* sscanf() for libcap-ng's two /proc/PID/status formats only; any other
 * format: EOF with errno EINVAL, nothing assigned. */
int stepdown_capng_sscanf(const char *str, const char *format, ...);

#endif
