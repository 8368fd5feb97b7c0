/* Reachability of declared directories for the current credentials. */
#include "stepdown/reach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stepdown/log.h"

/* Why prefix (the first len bytes of path) stops the workload. */
static int blocked(const char *path, size_t len, const char *what, int e, struct error *err)
{
	char prefix[4096];
	snprintf(prefix, sizeof(prefix), "%.*s", (int)len, path);
	struct stat st;
	if (e == ENOENT)
		return error_set(err, -e, "%s does not exist", prefix);
	if (stat(prefix, &st) < 0)
		return error_set(err, -e, "%s cannot be looked at: %s", prefix, strerror(e));
	return error_set(err, -e, "%s is mode %04o, owned by %u:%u (%s)", prefix,
			 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid,
			 what);
}

int reach_check(const char *path, bool want_write, struct error *err)
{
	if (path[0] != '/')
		return error_set(err, -EINVAL, "not an absolute path");
	size_t n = strlen(path);
	if (n >= 4096)
		return error_set(err, -ENAMETOOLONG, "too long");
	/* Every directory above path: "/", then each prefix before a '/'. */
	for (size_t i = 0; i < n; i++) {
		if (path[i] != '/')
			continue;
		size_t len = i ? i : 1;
		char prefix[4096];
		memcpy(prefix, path, len);
		prefix[len] = '\0';
		if (faccessat(AT_FDCWD, prefix, X_OK, 0) < 0)
			return blocked(path, len, "no search permission", errno, err);
	}
	int mode = want_write ? W_OK | X_OK : X_OK;
	if (n > 1 && faccessat(AT_FDCWD, path, mode, 0) < 0) {
		int e = errno;
		struct statvfs vfs; /* a read-only mount: the walk reports it */
		if (want_write &&
		    (e == EROFS || (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) &&
				    faccessat(AT_FDCWD, path, X_OK, 0) == 0)))
			return 0;
		return blocked(path, n, want_write ? "not writable" : "no search permission", e,
			       err);
	}
	return 0;
}

/* A plan line, "  reach:     ...", with control bytes escaped as in the
 * log (paths come from the user). */
__attribute__((format(printf, 1, 2))) static void plan_line(const char *fmt, ...)
{
	char raw[2048], esc[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_escape(esc, sizeof(esc), raw, strlen(raw), NULL);
	printf("  reach:     %s\n", esc);
}

/* Phase 5b, with the workload's credentials (after the drop, or in a dry
 * run's child that took them): can it get to what it was promised? A
 * --writable dir it cannot reach or write defeats the point of declaring
 * it: an error. --user-from's dir: a warning. (HOME: settle_home.) In a
 * dry run, plan lines. Returns 0 or -EACCES. */
int reach_declared(const struct config *cfg, const char *who, const char *home, bool dry)
{
	struct error err;
	int rc = 0;
	for (size_t i = 0; i < cfg->n_writable; i++) {
		if (reach_check(cfg->writable[i], true, &err) == 0)
			continue;
		rc = -EACCES;
		if (dry)
			plan_line("a real run would stop: %s cannot use --writable %s: %s", who,
				  cfg->writable[i], err.msg);
		else
			log_error("%s cannot use --writable %s: %s; let it search every parent (a "
				  "mode or a group it has), or declare a directory it can reach",
				  who, cfg->writable[i], err.msg);
	}
	if (cfg->user_from && reach_check(cfg->user_from, false, &err) < 0) {
		if (dry)
			plan_line("%s cannot reach --user-from %s: %s", who, cfg->user_from,
				  err.msg);
		else
			log_warn("%s cannot reach --user-from %s: %s", who, cfg->user_from,
				 err.msg);
	}
	if (dry && !cfg->home && reach_check(home, true, &err) < 0)
		plan_line("HOME %s: %s; the workload gets HOME=/tmp", home, err.msg);
	return rc;
}

/* The dry run's reach_declared, in a child that takes the workload's
 * credentials (this process keeps its own). */
void reach_plan(const struct config *cfg, const struct ident *id, const char *home)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(id->n_groups, id->groups) < 0 ||
		    setresgid(id->gid, id->gid, id->gid) < 0 ||
		    setresuid(id->uid, id->uid, id->uid) < 0) {
			plan_line("not checked: cannot take uid %u's credentials (%s)",
				  (unsigned)id->uid, strerror(errno));
			_exit(fflush(stdout) == 0 ? 0 : 1);
		}
		reach_declared(cfg, id->name, home, true);
		_exit(fflush(stdout) == 0 ? 0 : 1);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
		}
}
