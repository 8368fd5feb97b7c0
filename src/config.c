/* argv + STEPDOWN_* environment -> struct config. Validation only: nothing
 * here touches the system.
 *
 * Every option is one row of options[] below: its names, its STEPDOWN_*
 * twin, its --help line and the function that sets it. getopt's option
 * array, the short-option string, the --help text and the variables read
 * are all made from the rows, so that an option cannot be in one of them
 * and missing from another. */
#include "stepdown/config.h"

#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stepdown/env.h"
#include "stepdown/error.h"
#include "stepdown/path.h"
#include "stepdown/walk.h"

/* One config_parse(): the result, and where the value being set comes from. */
struct config_parse_state {
	struct config *cfg;
	const char *origin; /* the option ("--home") or its variable, for messages */
	bool from_env;
	bool verbose, quiet;  /* -v, -q, or their variables */
	bool verbosity_given; /* -v or -q on the command line: neither variable is read */
	const char *allow_write_origin;
	const char *supervise_origin; /* the last option given that needs supervision */
	struct error *err;
};

/* A copy of path in normal form, owned by cfg (config_free frees it): runs
 * of '/' collapsed into one, no '/' at the end except for "/" itself. Every
 * declared path is kept this way, so that "//usr", "/usr/" and "/usr" are
 * one path to every comparison made on it. NULL when out of memory. */
static char *own_normal_path(struct config *cfg, const char *path)
{
	char **grown = realloc(cfg->storage_paths, (cfg->n_storage_paths + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	cfg->storage_paths = grown;
	char *copy = malloc(strlen(path) + 1);
	if (!copy)
		return NULL;
	size_t n = 0;
	for (const char *c = path; *c; c++)
		if (*c != '/' || n == 0 || copy[n - 1] != '/')
			copy[n++] = *c;
	if (n > 1 && copy[n - 1] == '/')
		n--;
	copy[n] = '\0';
	cfg->storage_paths[cfg->n_storage_paths++] = copy;
	return copy;
}

static int check_absolute(const char *path, const char *origin, struct error *err)
{
	if (path[0] != '/')
		return error_set(err, -EINVAL,
				 "%s: '%s' is not an absolute path; give the full path, from '/'",
				 origin, path);
	return 0;
}

/* An absolute path, in normal form in *out. With plain, "." and ".."
 * components are refused too (a directory stepdown acts on). */
static int declared_path(struct config *cfg, const char *path, bool plain, const char *origin,
			 char **out, struct error *err)
{
	int r = check_absolute(path, origin, err);
	if (r < 0)
		return r;
	if (plain && path_has_dot_component(path))
		return error_set(err, -EINVAL,
				 "%s: '%s' has a '.' or '..' component; give the plain path",
				 origin, path);
	if (!(*out = own_normal_path(cfg, path)))
		return error_set(err, -ENOMEM, "%s: out of memory", origin);
	return 0;
}

/* --writable gives the whole tree of a directory to the user: the system's
 * own directories are refused, compared on the normal form.
 *
 * Exact paths: / itself, the top-level directories of the Filesystem
 * Hierarchy Standard (and of Debian's multiarch and merged-/usr layouts),
 * and the well-known system directories below /usr, /var and /run. Each is
 * shared by the system and every package; a directory of the workload's
 * own below one of them (/var/lib/app, /usr/local/share/app, /home/app,
 * /tmp/x) is fine. */
/* clang-format off */
static const char *const system_dirs[] = {
	"/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32",
	"/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
	"/usr", "/var",
	"/usr/bin", "/usr/include", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec",
	"/usr/libx32", "/usr/local", "/usr/local/bin", "/usr/local/etc", "/usr/local/include",
	"/usr/local/lib", "/usr/local/sbin", "/usr/local/share", "/usr/sbin", "/usr/share",
	"/usr/src",
	"/var/backups", "/var/cache", "/var/lib", "/var/local", "/var/lock", "/var/log",
	"/var/mail", "/var/opt", "/var/run", "/var/spool", "/var/tmp",
	"/run/lock", "/run/shm", "/run/user", "/dev/shm", "/dev/mqueue",
};
/* clang-format on */

/* Whole subtrees: nothing below these may be declared, for the reason
 * given. /dev is a device filesystem, except below /dev/shm: a tmpfs that
 * anyone may already create in, like /tmp, so a directory of the
 * workload's own there (/dev/shm/app) is allowed. */
static const struct {
	const char *dir;
	const char *what;
} system_trees[] = {
	{ "/proc", "the kernel's process filesystem" },
	{ "/sys", "the kernel's sysfs" },
	{ "/dev", "device nodes (only a directory below /dev/shm is allowed there)" },
	{ "/etc", "the system's configuration, which root reads (docker exec, PAM, the "
		  "dynamic loader)" },
	{ "/root", "root's home, which root's shells read" },
	{ "/boot", "the kernels and the boot loader" },
};

#define WRITABLE_INSTEAD \
	"give a directory of the workload's own, such as /var/lib/app or /models/cache"

static int check_writable_dir(const char *norm, const char *given, const char *origin,
			      struct error *err)
{
	if (strcmp(norm, "/") == 0)
		return error_set(err, -EINVAL,
				 "%s: '%s' is the whole filesystem: every file in the container "
				 "would be given to the workload's user; " WRITABLE_INSTEAD,
				 origin, given);
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (strcmp(norm, system_dirs[i]) == 0)
			return error_set(err, -EINVAL,
					 "%s: '%s' is a system directory: its whole tree would be "
					 "given to the workload's user; " WRITABLE_INSTEAD,
					 origin, given);
	if (strncmp(norm, "/dev/shm/", 9) == 0)
		return 0;
	for (size_t i = 0; i < sizeof(system_trees) / sizeof(system_trees[0]); i++) {
		size_t n = strlen(system_trees[i].dir);
		if (strncmp(norm, system_trees[i].dir, n) == 0 && norm[n] == '/')
			return error_set(err, -EINVAL,
					 "%s: '%s' is below %s, %s; " WRITABLE_INSTEAD, origin,
					 given, system_trees[i].dir, system_trees[i].what);
	}
	return 0;
}

static int add_path(struct config *cfg, char ***list, size_t *n, const char *path,
		    const char *origin, char **norm, struct error *err)
{
	int r = declared_path(cfg, path, true, origin, norm, err);
	if (r < 0)
		return r;
	char **grown = realloc(*list, (*n + 1) * sizeof(*grown));
	if (!grown)
		return error_set(err, -ENOMEM, "%s: out of memory", origin);
	*list = grown;
	(*list)[(*n)++] = *norm;
	return 0;
}

static int add_writable(struct config *cfg, const char *path, const char *origin, struct error *err)
{
	char *norm;
	int r = add_path(cfg, &cfg->writable, &cfg->n_writable, path, origin, &norm, err);
	if (r < 0)
		return r;
	return check_writable_dir(norm, path, origin, err);
}

static int add_allow_write(struct config *cfg, const char *path, const char *origin,
			   struct error *err)
{
	char *norm;
	int r = add_path(cfg, &cfg->allow_write, &cfg->n_allow_write, path, origin, &norm, err);
	if (r < 0)
		return r;
	if (strcmp(norm, "/") == 0)
		return error_set(err, -EINVAL, "%s: '/' would allow writing everywhere", origin);
	return 0;
}

/* The variable's ':'-separated list of paths, copied into *storage. */
static int add_env_paths(struct config_parse_state *st, const char *v, char **storage,
			 int (*add)(struct config *, const char *, const char *, struct error *))
{
	*storage = strdup(v);
	if (!*storage)
		return -ENOMEM;
	char *p = *storage;
	for (;;) {
		char *colon = strchr(p, ':');
		if (colon)
			*colon = '\0';
		if (!*p)
			return error_set(st->err, -EINVAL,
					 "%s='%s' has an empty element; separate absolute paths "
					 "with single ':'",
					 st->origin, v);
		int r = add(st->cfg, p, st->origin, st->err);
		if (r < 0)
			return r;
		if (!colon)
			return 0;
		p = colon + 1;
	}
}

/* The setters of the table's rows. Each takes the option's value (NULL
 * when the option was given without one) or its variable's (never empty:
 * an empty variable is unset); st->origin names the one it came from. */

static int set_user(struct config_parse_state *st, const char *arg)
{
	if (!*arg)
		return error_set(st->err, -EINVAL, "%s: empty; give a name or uid", st->origin);
	st->cfg->user = arg;
	return 0;
}

static int set_user_from(struct config_parse_state *st, const char *arg)
{
	char *norm;
	int r = declared_path(st->cfg, arg, true, st->origin, &norm, st->err);
	if (r < 0)
		return r;
	st->cfg->user_from = norm;
	return 0;
}

static int set_home(struct config_parse_state *st, const char *arg)
{
	char *norm;
	int r = declared_path(st->cfg, arg, false, st->origin, &norm, st->err);
	if (r < 0)
		return r;
	st->cfg->home = norm;
	return 0;
}

/* Repeatable on the command line; the variable is a list. */
static int set_writable(struct config_parse_state *st, const char *arg)
{
	if (st->from_env)
		return add_env_paths(st, arg, &st->cfg->storage_writable_env, add_writable);
	return add_writable(st->cfg, arg, st->origin, st->err);
}

static int set_allow_write(struct config_parse_state *st, const char *arg)
{
	st->allow_write_origin = st->origin;
	if (st->from_env)
		return add_env_paths(st, arg, &st->cfg->storage_allow_write_env, add_allow_write);
	return add_allow_write(st->cfg, arg, st->origin, st->err);
}

/* --groups=strict|runtime */
static int set_groups(struct config_parse_state *st, const char *arg)
{
	if (strcmp(arg, "strict") == 0 || strcmp(arg, "runtime") == 0) {
		st->cfg->groups_strict = arg[0] == 's';
		return 0;
	}
	return error_set(st->err, -EINVAL,
			 "%s='%s': use strict (the user's own groups only) or runtime (also "
			 "those stepdown was started with, the default)",
			 st->origin, arg);
}

static int add_device_path(struct config *cfg, const char *path, const char *origin,
			   struct error *err)
{
	char *norm;
	return add_path(cfg, &cfg->device_paths, &cfg->n_device_paths, path, origin, &norm, err);
}

/* --device-groups[=PATH[:PATH]] (repeatable), or its variable: a boolean
 * or the paths. */
static int set_device_groups(struct config_parse_state *st, const char *arg)
{
	bool on = true;
	if (st->from_env && parse_bool(arg, &on) == 0) {
		st->cfg->device_groups = on;
		return 0;
	}
	st->cfg->device_groups = true;
	if (!arg)
		return 0;
	char *copy = NULL;
	int r = add_env_paths(st, arg, &copy, add_device_path);
	free(copy);
	return r;
}

/* --confine-writes[=best-effort] (arg NULL: no value), or its variable:
 * a boolean or best-effort. */
static int set_confine(struct config_parse_state *st, const char *arg)
{
	struct config *cfg = st->cfg;
	bool on;
	if (!arg && !st->from_env)
		cfg->confine_writes = CONFINE_REQUIRED;
	else if (arg && strcasecmp(arg, "best-effort") == 0)
		cfg->confine_writes = CONFINE_BEST_EFFORT;
	else if (st->from_env && parse_bool(arg, &on) == 0)
		cfg->confine_writes = on ? CONFINE_REQUIRED : CONFINE_OFF;
	else
		return error_set(st->err, -EINVAL, "%s='%s': use %s or best-effort", st->origin,
				 arg, st->from_env ? "1, 0" : "no value");
	return 0;
}

static int add_rewrite(struct config_parse_state *st, const char *spec)
{
	int from, to;
	if (parse_rewrite(spec, &from, &to) < 0)
		return error_set(st->err, -EINVAL,
				 "%s: '%s' is not FROM:TO with two signals (e.g. TERM:QUIT); "
				 "FROM cannot be KILL, STOP or CHLD",
				 st->origin, spec);
	if (st->cfg->rewrite[from] != 0)
		return error_set(st->err, -EINVAL, "%s: signal %d is rewritten twice", st->origin,
				 from);
	st->cfg->rewrite[from] = to;
	return 0;
}

/* Repeatable on the command line; the variable is a ','-separated list. */
static int set_rewrite(struct config_parse_state *st, const char *arg)
{
	if (!st->from_env)
		return add_rewrite(st, arg);
	char item[64];
	const char *p = arg;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof(item))
			return error_set(st->err, -EINVAL,
					 "%s='%s' is not a comma-separated list of FROM:TO pairs",
					 st->origin, arg);
		memcpy(item, p, n);
		item[n] = '\0';
		int r = add_rewrite(st, item);
		if (r < 0)
			return r;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* Capabilities --keep-cap refuses, each with why. Kept, a capability stays
 * in every set of the workload and of PID 1 (ambient, so it survives exec),
 * for as long as they run: the ones here give root back, directly or in a
 * step or two, or control over the kernel, the files of others or the
 * container's confinement. There is no option to keep them anyway: a
 * workload that needs one of these needs root, not stepdown.
 *
 * Kept on purpose (none regains root): NET_BIND_SERVICE, NET_RAW,
 * NET_ADMIN and NET_BROADCAST act on the network namespace only; SYS_NICE,
 * SYS_RESOURCE, IPC_LOCK, LEASE, WAKE_ALARM and BLOCK_SUSPEND on
 * scheduling, limits and memory; KILL signals processes, and after the drop
 * every process in the container is the workload's user; SYS_CHROOT and
 * LINUX_IMMUTABLE work on files the user can already reach (no_new_privs
 * makes a setuid binary in a chroot grant nothing); SYS_TIME, SYS_PACCT,
 * SYS_TTY_CONFIG, AUDIT_WRITE, AUDIT_READ and SYSLOG set the clock, keep
 * accounts, add audit or log records and read them; CHECKPOINT_RESTORE
 * acts on processes the user may already trace. Any capability newer than
 * those (above CHECKPOINT_RESTORE, 40) is refused: stepdown does not know
 * what it grants. */
static const struct {
	int cap;
	const char *name;
	const char *why;
} refused_caps[] = {
	{ CAP_CHOWN, "CHOWN", "chown /etc/passwd, then edit it" },
	{ CAP_DAC_OVERRIDE, "DAC_OVERRIDE", "writes any file" },
	{ CAP_DAC_READ_SEARCH, "DAC_READ_SEARCH", "reads any file, open_by_handle_at" },
	{ CAP_FOWNER, "FOWNER", "chmods any file" },
	{ CAP_FSETID, "FSETID", "keeps setuid bits" },
	{ CAP_SETGID, "SETGID", "becomes group root" },
	{ CAP_SETUID, "SETUID", "becomes uid 0" },
	{ CAP_SETPCAP, "SETPCAP", "changes capability sets" },
	{ CAP_IPC_OWNER, "IPC_OWNER", "root's System V IPC" },
	{ CAP_SYS_MODULE, "SYS_MODULE", "loads kernel code" },
	{ CAP_SYS_RAWIO, "SYS_RAWIO", "/dev/mem, raw disks" },
	{ CAP_SYS_PTRACE, "SYS_PTRACE", "writes into root's processes" },
	{ CAP_SYS_ADMIN, "SYS_ADMIN", "mounts over /etc/passwd" },
	{ CAP_SYS_BOOT, "SYS_BOOT", "kexec_load" },
	{ CAP_MKNOD, "MKNOD", "a node for the host's disk" },
	{ CAP_AUDIT_CONTROL, "AUDIT_CONTROL", "the host's audit rules" },
	{ CAP_SETFCAP, "SETFCAP", "file capabilities" },
	{ CAP_MAC_OVERRIDE, "MAC_OVERRIDE", "bypasses AppArmor/SELinux" },
	{ CAP_MAC_ADMIN, "MAC_ADMIN", "changes AppArmor/SELinux policy" },
	{ CAP_PERFMON, "PERFMON", "reads kernel memory" },
	{ CAP_BPF, "BPF", "privileged BPF" },
};

#define LAST_REVIEWED_CAP CAP_CHECKPOINT_RESTORE

static int set_keep_caps(struct config_parse_state *st, const char *list)
{
	uint64_t mask = 0;
	if (parse_cap_list(list, &mask) < 0)
		return error_set(st->err, -EINVAL,
				 "%s: '%s' is not a comma-separated list of capability names "
				 "(e.g. NET_BIND_SERVICE,NET_RAW)",
				 st->origin, list);
	for (size_t i = 0; i < sizeof(refused_caps) / sizeof(refused_caps[0]); i++)
		if (mask & (UINT64_C(1) << refused_caps[i].cap))
			return error_set(
				st->err, -EINVAL,
				"%s: %s refused: it gives root back (%s); stepdown keeps "
				"only capabilities that cannot regain root (see stepdown(1))",
				st->origin, refused_caps[i].name, refused_caps[i].why);
	if (mask >> (LAST_REVIEWED_CAP + 1))
		return error_set(st->err, -EINVAL,
				 "%s: '%s' refused: it holds a capability newer than "
				 "CHECKPOINT_RESTORE, and stepdown keeps only capabilities that "
				 "cannot regain root, known not to",
				 st->origin, list);
	st->cfg->keep_caps |= mask;
	return 0;
}

static int set_umask(struct config_parse_state *st, const char *s)
{
	if (parse_umask(s, &st->cfg->umask) < 0)
		return error_set(st->err, -EINVAL,
				 "%s: '%s' is not an octal mode between 0 and 0777", st->origin, s);
	st->cfg->has_umask = true;
	return 0;
}

static int set_jobs(struct config_parse_state *st, const char *s)
{
	uint32_t n;
	if (parse_u32(s, WALK_MAX_JOBS, &n) < 0 || n == 0)
		return error_set(st->err, -EINVAL,
				 "%s: '%s' is not a number of threads from 1 to %d", st->origin, s,
				 WALK_MAX_JOBS);
	st->cfg->jobs = n;
	return 0;
}

static int set_grace(struct config_parse_state *st, const char *s)
{
	if (parse_seconds(s, &st->cfg->grace) < 0)
		return error_set(st->err, -EINVAL,
				 "%s: '%s' is not a whole number of seconds (0 to 86400)",
				 st->origin, s);
	return 0;
}

static int set_term_delay(struct config_parse_state *st, const char *s)
{
	if (parse_seconds(s, &st->cfg->term_delay) < 0)
		return error_set(st->err, -EINVAL,
				 "%s: '%s' is not a whole number of seconds (0 to 86400)",
				 st->origin, s);
	if (st->cfg->term_delay)
		st->supervise_origin = st->origin;
	return 0;
}

/* A ','-separated list of exit statuses, 0..255; repeatable. */
static int set_remap_exit(struct config_parse_state *st, const char *arg)
{
	const char *p = arg;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char item[8];
		uint32_t code;
		if (n == 0 || n >= sizeof(item))
			goto bad;
		memcpy(item, p, n);
		item[n] = '\0';
		if (parse_u32(item, 255, &code) < 0)
			goto bad;
		st->cfg->remap_exit[code] = true;
		st->cfg->has_remap_exit = true;
		if (!comma)
			break;
		p = comma + 1;
	}
	st->supervise_origin = st->origin;
	return 0;
bad:
	return error_set(st->err, -EINVAL,
			 "%s: '%s' is not a comma-separated list of exit statuses from 0 to 255 "
			 "(e.g. 143 for a workload that ends on SIGTERM)",
			 st->origin, arg);
}

/* An option without a value turns *out on; its variable is a boolean. */
static int set_switch(struct config_parse_state *st, const char *arg, bool *out)
{
	if (!st->from_env) {
		*out = true;
		return 0;
	}
	if (parse_bool(arg, out) < 0)
		return error_set(st->err, -EINVAL, "%s='%s' is not a boolean (use 1 or 0)",
				 st->origin, arg);
	return 0;
}

static int set_signal_group(struct config_parse_state *st, const char *arg)
{
	return set_switch(st, arg, &st->cfg->signal_group);
}

static int set_exec(struct config_parse_state *st, const char *arg)
{
	return set_switch(st, arg, &st->cfg->exec_mode);
}

static int set_dry_run(struct config_parse_state *st, const char *arg)
{
	return set_switch(st, arg, &st->cfg->dry_run);
}

/* -v and -q set one thing, the verbosity: with either on the command line,
 * neither variable is read. */
static int set_verbosity(struct config_parse_state *st, const char *arg, bool *which)
{
	if (!st->from_env)
		st->verbosity_given = true;
	else if (st->verbosity_given)
		return 0;
	return set_switch(st, arg, which);
}

static int set_verbose(struct config_parse_state *st, const char *arg)
{
	return set_verbosity(st, arg, &st->verbose);
}

static int set_quiet(struct config_parse_state *st, const char *arg)
{
	return set_verbosity(st, arg, &st->quiet);
}

static int set_help(struct config_parse_state *st, const char *arg)
{
	(void)arg;
	st->cfg->action = CONFIG_HELP;
	return 0;
}

static int set_version(struct config_parse_state *st, const char *arg)
{
	(void)arg;
	if (st->cfg->action != CONFIG_HELP)
		st->cfg->action = CONFIG_VERSION;
	return 0;
}

/* The options, in --help order, which is also the order their variables
 * are read in. Columns: long name, short name, STEPDOWN_* twin, flags,
 * value, setter, the value's name in --help, the --help line. */
static const struct config_option options[] = {
	{ "--user", 'u', "STEPDOWN_USER", 0, required_argument, set_user, "USER[:GROUP]",
	  "user (name or uid) and optional group to run as" },
	{ "--user-from", 0, "STEPDOWN_USER_FROM", 0, required_argument, set_user_from, "PATH",
	  "run as the owner of PATH when it is not root" },
	{ "--writable", 'w', "STEPDOWN_WRITABLE", 0, required_argument, set_writable, "DIR",
	  "a directory the workload must write (repeatable)" },
	{ "--groups", 0, "STEPDOWN_GROUPS", 0, required_argument, set_groups, "strict",
	  "only the user's own groups, not the runtime's too" },
	{ "--device-groups", 0, "STEPDOWN_DEVICE_GROUPS", 0, optional_argument, set_device_groups,
	  "PATH", "join the groups of the GPU devices it cannot open" },
	{ "--keep-cap", 0, "STEPDOWN_KEEP_CAPS", 0, required_argument, set_keep_caps, "CAP[,CAP]",
	  "capabilities kept across the switch (ambient)" },
	{ "--home", 0, "STEPDOWN_HOME", 0, required_argument, set_home, "DIR",
	  "HOME for the workload (default: passwd home)" },
	{ "--umask", 0, "STEPDOWN_UMASK", 0, required_argument, set_umask, "MODE",
	  "umask for the workload (octal)" },
	{ "--signal-group", 0, "STEPDOWN_SIGNAL_GROUP", 0, no_argument, set_signal_group, NULL,
	  "forward signals to the workload's process group" },
	{ "--rewrite", 0, "STEPDOWN_REWRITE", 0, required_argument, set_rewrite, "FROM:TO",
	  "deliver signal TO when FROM arrives (repeatable)" },
	{ "--grace", 0, "STEPDOWN_GRACE", 0, required_argument, set_grace, "SECONDS",
	  "leftover processes get SECONDS after TERM (default 5)" },
	{ "--term-delay", 0, "STEPDOWN_TERM_DELAY", 0, required_argument, set_term_delay, "SECONDS",
	  "hold the first SIGTERM that long before forwarding it" },
	{ "--remap-exit", 0, "STEPDOWN_REMAP_EXIT", 0, required_argument, set_remap_exit,
	  "CODE[,CODE]", "exit 0 when the command exits with CODE (repeatable)" },
	{ "--exec", 0, "STEPDOWN_EXEC", 0, no_argument, set_exec, NULL,
	  "no supervision: drop privileges and exec in place" },
	{ "--jobs", 0, "STEPDOWN_JOBS", 0, required_argument, set_jobs, "N",
	  "threads for the ownership walk (default: CPUs, max 8)" },
	{ "--confine-writes", 0, "STEPDOWN_CONFINE_WRITES", 0, optional_argument, set_confine,
	  "best-effort", "write only to -w dirs, defaults, --allow-write paths" },
	{ "--allow-write", 0, "STEPDOWN_ALLOW_WRITE", 0, required_argument, set_allow_write, "PATH",
	  "also writable under --confine-writes (repeatable)" },
	{ "--dry-run", 0, "STEPDOWN_DRY_RUN", 0, no_argument, set_dry_run, NULL,
	  "print the resolved plan, change nothing" },
	{ "--verbose", 'v', "STEPDOWN_VERBOSE", 0, no_argument, set_verbose, NULL,
	  "phase-by-phase report with timings" },
	{ "--quiet", 'q', "STEPDOWN_QUIET", 0, no_argument, set_quiet, NULL, "errors only" },
	{ "--help", 'h', NULL, CONFIG_OPTION_NO_ENV, no_argument, set_help, NULL, "this text" },
	{ "--version", 'V', NULL, CONFIG_OPTION_NO_ENV, no_argument, set_version, NULL, "version" },
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

size_t config_option_count(void)
{
	return N_OPTIONS;
}

const struct config_option *config_option_at(size_t i)
{
	return i < N_OPTIONS ? &options[i] : NULL;
}

static const char usage_head[] =
	"Usage: stepdown [OPTION]... [--] COMMAND [ARG]...\n"
	"Run COMMAND as PID 1 of a container, as a non-root user, for good.\n"
	"\n";

static const char usage_tail[] =
	"\n"
	"Every option has a STEPDOWN_* environment twin (STEPDOWN_USER,\n"
	"STEPDOWN_WRITABLE=/a:/b, STEPDOWN_KEEP_CAPS=A,B, ...); the command line wins.\n"
	"Exit status: the command's; 128+N if killed by signal N; 125 stepdown failed;\n"
	"126 command not executable; 127 command not found. See stepdown(1).\n";

/* Where the help of each option starts: two columns after the widest
 * option that shares its line ("  -u, --user USER[:GROUP]"). A wider one
 * has a line of its own. */
#define USAGE_HELP_COLUMN 27

/* Appends to text (size bytes, n used), cut at the end of the buffer. */
__attribute__((format(printf, 4, 5))) static size_t usage_add(char *text, size_t size, size_t n,
							      const char *fmt, ...)
{
	if (n >= size)
		return n;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(text + n, size - n, fmt, ap);
	va_end(ap);
	return w < 0 ? size : n + (size_t)w;
}

const char *config_usage(void)
{
	/* Made once, on the first call (main prints it once, before any
	 * thread exists). The unit test checks that it is whole. */
	static char text[4096];
	if (text[0])
		return text;
	size_t n = usage_add(text, sizeof(text), 0, "%s", usage_head);
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct config_option *o = &options[i];
		size_t start = n;
		if (o->short_name)
			n = usage_add(text, sizeof(text), n, "  -%c, %s", o->short_name,
				      o->long_name);
		else
			n = usage_add(text, sizeof(text), n, "      %s", o->long_name);
		if (o->has_arg == required_argument)
			n = usage_add(text, sizeof(text), n, " %s", o->arg_name);
		else if (o->has_arg == optional_argument)
			n = usage_add(text, sizeof(text), n, "[=%s]", o->arg_name);
		size_t width = n - start;
		if (width < USAGE_HELP_COLUMN)
			n = usage_add(text, sizeof(text), n, "%*s%s\n",
				      (int)(USAGE_HELP_COLUMN - width), "", o->help);
		else
			n = usage_add(text, sizeof(text), n, "\n%*s%s\n", USAGE_HELP_COLUMN, "",
				      o->help);
	}
	usage_add(text, sizeof(text), n, "%s", usage_tail);
	return text;
}

/* getopt_long's value for an option without a short name: past every char. */
#define LONG_ONLY 256

/* getopt's view of the table: the long options, and the short ones as
 * "+:u:w:...", where '+' stops at the first non-option (the command's own
 * options are not ours) and ':' makes a missing value its own error. */
static void getopt_table(struct option longopts[N_OPTIONS + 1], char shortopts[3 * N_OPTIONS + 3])
{
	size_t n = 0;
	shortopts[n++] = '+';
	shortopts[n++] = ':';
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct config_option *o = &options[i];
		longopts[i] = (struct option){
			.name = o->long_name + 2,
			.has_arg = o->has_arg,
			.val = o->short_name ? o->short_name : LONG_ONLY + (int)i,
		};
		if (!o->short_name)
			continue;
		shortopts[n++] = o->short_name;
		if (o->has_arg != no_argument)
			shortopts[n++] = ':';
		if (o->has_arg == optional_argument)
			shortopts[n++] = ':';
	}
	longopts[N_OPTIONS] = (struct option){ 0 };
	shortopts[n] = '\0';
}

/* The row getopt_long's c stands for, or N_OPTIONS. */
static size_t option_row(int c)
{
	if (c >= LONG_ONLY)
		return (size_t)(c - LONG_ONLY) < N_OPTIONS ? (size_t)(c - LONG_ONLY) : N_OPTIONS;
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (options[i].short_name == c)
			return i;
	return N_OPTIONS;
}

static int parse_options(struct config_parse_state *st, bool given[N_OPTIONS], int argc,
			 char *const argv[])
{
	struct option longopts[N_OPTIONS + 1];
	char shortopts[3 * N_OPTIONS + 3];
	int c;

	getopt_table(longopts, shortopts);
	opterr = 0;
	optind = 0; /* full re-initialisation of glibc's getopt */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		size_t i = option_row(c);
		if (i == N_OPTIONS) {
			/* musl leaves optind past the end after a missing value:
			 * the option was then the last word. */
			const char *origin = optind >= 1 && optind <= argc ? argv[optind - 1]
					     : argc >= 1                   ? argv[argc - 1]
									   : "?";
			size_t row = option_row(optopt);
			if (c == ':' && strncmp(origin, "--", 2) != 0 && optopt &&
			    optopt < LONG_ONLY)
				return error_set(st->err, -EINVAL,
						 "option '-%c' needs a value; see --help", optopt);
			if (c == ':')
				return error_set(st->err, -EINVAL,
						 "option '%s' needs a value; see --help",
						 strncmp(origin, "--", 2) == 0 || row >= N_OPTIONS
							 ? origin
							 : options[row].long_name);
			if (optopt && optopt < LONG_ONLY && strncmp(origin, "--", 2) != 0)
				return error_set(st->err, -EINVAL,
						 "unknown option '-%c'; see --help", optopt);
			return error_set(st->err, -EINVAL, "unknown option '%s'; see --help",
					 origin);
		}
		st->origin = options[i].long_name;
		st->from_env = false;
		int r = options[i].set(st, optarg);
		if (r < 0)
			return r;
		given[i] = true;
	}
	if (st->verbose && st->quiet)
		return error_set(st->err, -EINVAL, "--verbose and --quiet together; choose one");
	if (st->verbosity_given)
		st->cfg->verbosity = st->verbose ? 2 : 0;
	return 0;
}

/* Environment value, with an empty value counting as unset. */
static const char *env_value(char *const envp[], const char *name)
{
	const char *v = envp ? env_lookup(envp, name) : NULL;
	return (v && *v) ? v : NULL;
}

/* The variables, for the options the command line did not give. A row
 * without one is marked CONFIG_OPTION_NO_ENV (the unit test holds every
 * row to that). */
static int apply_environment(struct config_parse_state *st, const bool given[N_OPTIONS],
			     char *const envp[])
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct config_option *o = &options[i];
		if (given[i] || !o->env)
			continue;
		const char *v = env_value(envp, o->env);
		if (!v)
			continue;
		st->origin = o->env;
		st->from_env = true;
		int r = o->set(st, v);
		if (r < 0)
			return r;
	}
	if (!st->verbosity_given) {
		if (st->verbose && st->quiet)
			return error_set(
				st->err, -EINVAL,
				"STEPDOWN_VERBOSE and STEPDOWN_QUIET are both set; choose one");
		st->cfg->verbosity = st->verbose ? 2 : st->quiet ? 0 : 1;
	}
	return 0;
}

int config_parse(struct config *cfg, int argc, char *const argv[], char *const envp[],
		 struct error *err)
{
	struct config_parse_state st = { .cfg = cfg, .err = err };
	bool given[N_OPTIONS] = { false };
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->grace = CONFIG_DEFAULT_GRACE;
	cfg->verbosity = 1;
	err->msg[0] = '\0';

	r = parse_options(&st, given, argc, argv);
	if (cfg->action == CONFIG_HELP)
		return 0;
	if (r < 0)
		return r;
	if (cfg->action == CONFIG_VERSION)
		return 0;
	r = apply_environment(&st, given, envp);
	if (r < 0)
		return r;
	if (cfg->n_allow_write && cfg->confine_writes == CONFINE_OFF)
		return error_set(err, -EINVAL,
				 "%s means nothing without --confine-writes (or "
				 "STEPDOWN_CONFINE_WRITES=1); add it",
				 st.allow_write_origin);
	if (cfg->exec_mode && st.supervise_origin)
		return error_set(err, -EINVAL,
				 "%s needs stepdown to stay as the command's init; it cannot be "
				 "used with --exec (STEPDOWN_EXEC)",
				 st.supervise_origin);
	if (optind >= argc)
		return error_set(
			err, -EINVAL,
			"no command given; usage: stepdown [OPTION]... -- COMMAND [ARG]...");
	cfg->command = &argv[optind];
	return 0;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_storage_paths; i++)
		free(cfg->storage_paths[i]);
	free(cfg->storage_paths);
	cfg->storage_paths = NULL;
	cfg->n_storage_paths = 0;
	cfg->user_from = NULL;
	cfg->home = NULL;
	free(cfg->writable);
	free(cfg->storage_writable_env);
	free(cfg->allow_write);
	free(cfg->storage_allow_write_env);
	free(cfg->device_paths);
	cfg->device_paths = NULL;
	cfg->n_device_paths = 0;
	cfg->writable = NULL;
	cfg->storage_writable_env = NULL;
	cfg->n_writable = 0;
	cfg->allow_write = NULL;
	cfg->storage_allow_write_env = NULL;
	cfg->n_allow_write = 0;
}
