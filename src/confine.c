/* Write confinement with Landlock. The ruleset handles every write right
 * the kernel's ABI knows and no read or execute right, so everything stays
 * readable and executable and nothing is writable but what a rule allows:
 * the --writable dirs, the defaults below, the --allow-write paths. It is
 * enforced in the process that then forks or execs the workload, after the
 * privilege drop (landlock_restrict_self needs no_new_privs, which the drop
 * sets) and after the ownership walk (which writes as root). */
#include "stepdown/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stepdown/declared.h"
#include "stepdown/error.h"

/* Older uapi headers (and C libraries without them) lack the later parts.
 * The system call numbers are the same on every architecture but alpha. */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#endif

const struct confine_default confine_defaults[] = {
	{ "/tmp", false },
	{ "/dev/shm", false },
	/* Devices: /dev/null, zero, full, tty, ptmx, pts/N, a GPU's nodes... */
	{ "/dev", true },
	/* A process's own /proc/PID files (oom_score_adj, comm, ...). A rule
	 * on /proc/self would name the process adding the rule, not the
	 * workload; procfs creates nothing, and the kernel's own checks limit
	 * writes to what the user may write anyway. */
	{ "/proc", true },
};
const size_t confine_n_defaults = sizeof(confine_defaults) / sizeof(confine_defaults[0]);

#define ABI1_RIGHTS                                                      \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |     \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |   \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
#define FILE_RIGHTS (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

/* The write rights' names, by bit number. */
static const char right_names[][12] = {
	[1] = "write_file",  [4] = "remove_dir", [5] = "remove_file", [6] = "make_char",
	[7] = "make_dir",    [8] = "make_reg",   [9] = "make_sock",   [10] = "make_fifo",
	[11] = "make_block", [12] = "make_sym",  [13] = "refer",      [14] = "truncate",
};

enum confine_decision confine_decide(enum confine_mode mode, int abi)
{
	if (mode == CONFINE_OFF)
		return CONFINE_SKIP;
	if (abi >= 1)
		return CONFINE_APPLY;
	return mode == CONFINE_BEST_EFFORT ? CONFINE_WARN : CONFINE_REFUSE;
}

const char *confine_unavailable_reason(int abi)
{
	switch (-abi) {
	case ENOSYS:
		return "the kernel has no Landlock (Linux 5.13 or later is needed)";
	case EOPNOTSUPP:
		return "Landlock is not enabled (see the lsm= boot parameter)";
	case EPERM:
		return "the Landlock calls are refused (landlock_create_ruleset: Operation not "
		       "permitted), by the runtime's seccomp profile?: allow landlock_* in it";
	case EINVAL:
		return "landlock_create_ruleset fails with Invalid argument (a seccomp profile "
		       "that answers calls it does not know so?): allow landlock_* in it";
	default:
		return "landlock_create_ruleset fails: Landlock is not usable";
	}
}

uint64_t confine_handled(int abi)
{
	return (abi >= 1 ? ABI1_RIGHTS : 0) | (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0) |
	       (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
}

uint64_t confine_file_rights(uint64_t handled)
{
	return handled & FILE_RIGHTS;
}

void confine_format_rights(uint64_t access, char *buf, size_t len)
{
	size_t used = 0;
	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(right_names) / sizeof(right_names[0]); i++) {
		if (!(access & (1ULL << i)) || !right_names[i][0])
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", right_names[i]);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
	if (used == 0)
		snprintf(buf, len, "none");
}

static long sys_create_ruleset(const void *attr, size_t size, uint32_t flags)
{
	long r = syscall(__NR_landlock_create_ruleset, attr, size, flags);
	return r < 0 ? -errno : r;
}

static long sys_add_rule(int ruleset_fd, int rule_type, const void *attr, uint32_t flags)
{
	long r = syscall(__NR_landlock_add_rule, ruleset_fd, rule_type, attr, flags);
	return r < 0 ? -errno : r;
}

static long sys_restrict_self(int ruleset_fd, uint32_t flags)
{
	long r = syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
	return r < 0 ? -errno : r;
}

static const struct confine_sys real_sys = {
	.create_ruleset = sys_create_ruleset,
	.add_rule = sys_add_rule,
	.restrict_self = sys_restrict_self,
};

void confine_init(struct confine *c, const struct confine_sys *sys)
{
	memset(c, 0, sizeof(*c));
	c->sys = sys ? sys : &real_sys;
	c->ruleset_fd = -1;
	long abi = c->sys->create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi == 0)
		abi = -EOPNOTSUPP;
	c->abi = abi > INT_MAX ? INT_MAX : (int)abi;
	if (c->abi < 1)
		return;
	c->abi_used = c->abi < CONFINE_ABI_KNOWN ? c->abi : CONFINE_ABI_KNOWN;
	c->handled = confine_handled(c->abi_used);
	/* ABI 7: denials by the workload (after its execve) go to the audit
	 * log, as the Landlock documentation advises for sandbox tools. */
	if (c->abi_used >= 7)
		c->restrict_flags = LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
}

/* Where fd leads, by the kernel's word; path itself without /proc. */
static char *resolved_path(int fd, const char *path)
{
	char link[32], buf[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return strdup(path);
	buf[n] = '\0';
	return strdup(buf);
}

static struct confine_rule *new_rule(struct confine *c)
{
	struct confine_rule *grown = realloc(c->rules, (c->n_rules + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	c->rules = grown;
	struct confine_rule *r = &c->rules[c->n_rules++];
	memset(r, 0, sizeof(*r));
	return r;
}

int confine_add(struct confine *c, const char *path, enum confine_origin origin, bool files_only,
		bool missing_ok, struct error *err)
{
	int fd = -1, r;
	if (origin == CONFINE_FROM_DEFAULT) {
		fd = open(path, O_PATH | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
	} else {
		r = declared_open_path(path, &fd, err);
		if (r < 0 && !(r == -ENOENT && missing_ok))
			return r;
	}
	struct confine_rule *rule = new_rule(c);
	if (!rule) {
		if (fd >= 0)
			close(fd);
		return error_set(err, -ENOMEM, "out of memory");
	}
	rule->path = path;
	rule->origin = origin;
	rule->files_only = files_only;
	if (r < 0) {
		/* A default the image lacks (no /dev/shm), a dir to be created. */
		rule->missing = true;
		rule->open_errno = -r;
		return 0;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		r = error_set(err, -errno, "cannot stat '%s': %s", path, strerror(errno));
		close(fd);
		return r;
	}
	rule->is_dir = S_ISDIR(st.st_mode);
	rule->resolved = resolved_path(fd, path);
	if (!rule->resolved) {
		close(fd);
		return error_set(err, -ENOMEM, "out of memory");
	}
	/* The kernel refuses directory rights on a file. */
	rule->access = rule->is_dir && !files_only ? c->handled : confine_file_rights(c->handled);
	if (c->ruleset_fd >= 0 && rule->access) {
		struct landlock_path_beneath_attr pb = { .allowed_access = rule->access,
							 .parent_fd = fd };
		long a = c->sys->add_rule(c->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
		if (a < 0) {
			close(fd);
			return error_set(err, (int)a, "cannot add a Landlock rule for '%s': %s",
					 path, strerror((int)-a));
		}
	}
	close(fd);
	return 0;
}

int confine_begin(struct confine *c, struct error *err)
{
	if (c->abi >= 1) {
		struct landlock_ruleset_attr attr = { .handled_access_fs = c->handled };
		long fd = c->sys->create_ruleset(&attr, sizeof(attr), 0);
		if (fd < 0)
			return error_set(err, (int)fd, "cannot create a Landlock ruleset: %s",
					 strerror((int)-fd));
		c->ruleset_fd = (int)fd;
	}
	return 0;
}

int confine_add_defaults(struct confine *c, struct error *err)
{
	for (size_t i = 0; i < confine_n_defaults; i++) {
		int r = confine_add(c, confine_defaults[i].path, CONFINE_FROM_DEFAULT,
				    confine_defaults[i].files_only, true, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int confine_restrict(struct confine *c, struct error *err)
{
	if (c->ruleset_fd < 0)
		return error_set(err, -EINVAL, "no Landlock ruleset to enforce");
	long r = c->sys->restrict_self(c->ruleset_fd, c->restrict_flags);
	close(c->ruleset_fd);
	c->ruleset_fd = -1;
	if (r < 0)
		return error_set(err, (int)r, "landlock_restrict_self: %s%s", strerror((int)-r),
				 r == -EPERM ? " (no_new_privs is not set)" : "");
	return 0;
}

static bool beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 0 && dir[n - 1] == '/')
		n--;
	return n == 0 || (strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

bool confine_covers(const struct confine *c, const char *path)
{
	const uint64_t create = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG;
	int fd = open(path, O_PATH | O_CLOEXEC);
	char *real = fd >= 0 ? resolved_path(fd, path) : NULL;
	if (fd >= 0)
		close(fd);
	const char *p = real ? real : path;
	bool yes = false;
	for (size_t i = 0; i < c->n_rules && !yes; i++) {
		const struct confine_rule *r = &c->rules[i];
		yes = !r->missing && r->is_dir && r->resolved && (r->access & create) == create &&
		      beneath(p, r->resolved);
	}
	free(real);
	return yes;
}

size_t confine_count(const struct confine *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_rules; i++)
		n += !c->rules[i].missing;
	return n;
}

void confine_free(struct confine *c)
{
	for (size_t i = 0; i < c->n_rules; i++)
		free(c->rules[i].resolved);
	free(c->rules);
	c->rules = NULL;
	c->n_rules = 0;
	if (c->ruleset_fd >= 0)
		close(c->ruleset_fd);
	c->ruleset_fd = -1;
}
