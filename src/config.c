/* argv + STEPDOWN_* environment -> struct config. Validation only: nothing
 * here touches the system. */
#include "stepdown/config.h"

#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stepdown/env.h"
#include "stepdown/errmsg.h"
#include "stepdown/path.h"
#include "stepdown/walk.h"

enum {
	OPT_USER_FROM = 256,
	OPT_KEEP_CAP,
	OPT_HOME,
	OPT_UMASK,
	OPT_SIGNAL_GROUP,
	OPT_REWRITE,
	OPT_GRACE,
	OPT_EXEC,
	OPT_DRY_RUN,
	OPT_JOBS,
	OPT_CONFINE_WRITES,
	OPT_ALLOW_WRITE,
};

static const struct option long_options[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "user-from", required_argument, NULL, OPT_USER_FROM },
	{ "writable", required_argument, NULL, 'w' },
	{ "keep-cap", required_argument, NULL, OPT_KEEP_CAP },
	{ "home", required_argument, NULL, OPT_HOME },
	{ "umask", required_argument, NULL, OPT_UMASK },
	{ "signal-group", no_argument, NULL, OPT_SIGNAL_GROUP },
	{ "rewrite", required_argument, NULL, OPT_REWRITE },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "exec", no_argument, NULL, OPT_EXEC },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "confine-writes", optional_argument, NULL, OPT_CONFINE_WRITES },
	{ "allow-write", required_argument, NULL, OPT_ALLOW_WRITE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
	"Usage: stepdown [OPTION]... [--] COMMAND [ARG]...\n"
	"Run COMMAND as PID 1 of a container, as a non-root user, for good.\n"
	"\n"
	"  -u, --user USER[:GROUP]  user (name or uid) and optional group to run as\n"
	"      --user-from PATH     run as the owner of PATH when it is not root\n"
	"  -w, --writable DIR       a directory the workload must write (repeatable)\n"
	"      --keep-cap CAP[,CAP] capabilities kept across the switch (ambient)\n"
	"      --home DIR           HOME for the workload (default: passwd home)\n"
	"      --umask MODE         umask for the workload (octal)\n"
	"      --signal-group       forward signals to the workload's process group\n"
	"      --rewrite FROM:TO    deliver signal TO when FROM arrives (repeatable)\n"
	"      --grace SECONDS      leftover processes get SECONDS after TERM (default 5)\n"
	"      --exec               no supervision: drop privileges and exec in place\n"
	"      --jobs N             threads for the ownership walk (default: CPUs, max 8)\n"
	"      --confine-writes[=best-effort]\n"
	"                           write only to -w dirs, defaults, --allow-write paths\n"
	"      --allow-write PATH   also writable under --confine-writes (repeatable)\n"
	"      --dry-run            print the resolved plan, change nothing\n"
	"  -v, --verbose            phase-by-phase report with timings\n"
	"  -q, --quiet              errors only\n"
	"  -h, --help               this text\n"
	"  -V, --version            version\n"
	"\n"
	"Every option has a STEPDOWN_* environment twin (STEPDOWN_USER,\n"
	"STEPDOWN_WRITABLE=/a:/b, STEPDOWN_KEEP_CAPS=A,B, ...); the command line wins.\n"
	"Exit status: the command's; 128+N if killed by signal N; 125 stepdown failed;\n"
	"126 command not executable; 127 command not found. See stepdown(1).\n";

const char *config_usage(void)
{
	return usage_text;
}

/* What the command line said, so the environment fills only the gaps. */
struct seen {
	bool user, user_from, writable, keep_caps, home, umask, signal_group;
	bool rewrite, grace, jobs, exec_mode, dry_run, verbose, quiet;
	bool confine_writes, allow_write;
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

static int check_absolute(const char *path, const char *origin, char *err, size_t errlen)
{
	if (path[0] != '/')
		return errmsg_set(-EINVAL, err, errlen,
				  "%s: '%s' is not an absolute path; give the full path, from '/'",
				  origin, path);
	return 0;
}

/* An absolute path, in normal form in *out. With plain, "." and ".."
 * components are refused too (a directory stepdown acts on). */
static int declared_path(struct config *cfg, const char *path, bool plain, const char *origin,
			 char **out, char *err, size_t errlen)
{
	int r = check_absolute(path, origin, err, errlen);
	if (r < 0)
		return r;
	if (plain && path_has_dot_component(path))
		return errmsg_set(-EINVAL, err, errlen,
				  "%s: '%s' has a '.' or '..' component; give the plain path",
				  origin, path);
	if (!(*out = own_normal_path(cfg, path)))
		return errmsg_set(-ENOMEM, err, errlen, "%s: out of memory", origin);
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

#define WRITABLE_INSTEAD "give a directory of the workload's own, such as /var/lib/app or /models/cache"

static int check_writable_dir(const char *norm, const char *given, const char *origin,
			      char *err, size_t errlen)
{
	if (strcmp(norm, "/") == 0)
		return errmsg_set(-EINVAL, err, errlen,
				  "%s: '%s' is the whole filesystem: every file in the container "
				  "would be given to the workload's user; " WRITABLE_INSTEAD,
				  origin, given);
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++)
		if (strcmp(norm, system_dirs[i]) == 0)
			return errmsg_set(-EINVAL, err, errlen,
					  "%s: '%s' is a system directory: its whole tree would be "
					  "given to the workload's user; " WRITABLE_INSTEAD,
					  origin, given);
	if (strncmp(norm, "/dev/shm/", 9) == 0)
		return 0;
	for (size_t i = 0; i < sizeof(system_trees) / sizeof(system_trees[0]); i++) {
		size_t n = strlen(system_trees[i].dir);
		if (strncmp(norm, system_trees[i].dir, n) == 0 && norm[n] == '/')
			return errmsg_set(-EINVAL, err, errlen,
					  "%s: '%s' is below %s, %s; " WRITABLE_INSTEAD, origin,
					  given, system_trees[i].dir, system_trees[i].what);
	}
	return 0;
}

static int add_path(struct config *cfg, char ***list, size_t *n, const char *path,
		    const char *origin, char **norm, char *err, size_t errlen)
{
	int r = declared_path(cfg, path, true, origin, norm, err, errlen);
	if (r < 0)
		return r;
	char **grown = realloc(*list, (*n + 1) * sizeof(*grown));
	if (!grown)
		return errmsg_set(-ENOMEM, err, errlen, "%s: out of memory", origin);
	*list = grown;
	(*list)[(*n)++] = *norm;
	return 0;
}

static int add_writable(struct config *cfg, char *path, const char *origin, char *err,
			size_t errlen)
{
	char *norm;
	int r = add_path(cfg, &cfg->writable, &cfg->n_writable, path, origin, &norm, err, errlen);
	if (r < 0)
		return r;
	return check_writable_dir(norm, path, origin, err, errlen);
}

static int add_allow_write(struct config *cfg, char *path, const char *origin, char *err,
			   size_t errlen)
{
	char *norm;
	int r = add_path(cfg, &cfg->allow_write, &cfg->n_allow_write, path, origin, &norm, err,
			 errlen);
	if (r < 0)
		return r;
	if (strcmp(norm, "/") == 0)
		return errmsg_set(-EINVAL, err, errlen, "%s: '/' would allow writing everywhere",
				  origin);
	return 0;
}

/* A ':'-separated list of paths from variable name, copied into *storage. */
static int add_env_paths(struct config *cfg, const char *name, const char *v, char **storage,
			 int (*add)(struct config *, char *, const char *, char *, size_t),
			 char *err, size_t errlen)
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
			return errmsg_set(-EINVAL, err, errlen,
					  "%s='%s' has an empty element; separate absolute paths "
					  "with single ':'",
					  name, v);
		int r = add(cfg, p, name, err, errlen);
		if (r < 0)
			return r;
		if (!colon)
			return 0;
		p = colon + 1;
	}
}

/* --confine-writes[=best-effort] (arg NULL: no value), or its variable:
 * a boolean or best-effort. */
static int set_confine(struct config *cfg, const char *arg, bool from_env, char *err,
		       size_t errlen)
{
	bool on;
	if (!arg && !from_env)
		cfg->confine_writes = CONFINE_REQUIRED;
	else if (arg && strcasecmp(arg, "best-effort") == 0)
		cfg->confine_writes = CONFINE_BEST_EFFORT;
	else if (from_env && parse_bool(arg, &on) == 0)
		cfg->confine_writes = on ? CONFINE_REQUIRED : CONFINE_OFF;
	else
		return errmsg_set(-EINVAL, err, errlen, "%s='%s': use %s or best-effort",
				  from_env ? "STEPDOWN_CONFINE_WRITES" : "--confine-writes", arg,
				  from_env ? "1, 0" : "no value");
	return 0;
}

static int set_rewrite(struct config *cfg, const char *spec, const char *origin, char *err,
		       size_t errlen)
{
	int from, to;
	if (parse_rewrite(spec, &from, &to) < 0)
		return errmsg_set(-EINVAL, err, errlen,
			    "%s: '%s' is not FROM:TO with two signals (e.g. TERM:QUIT); "
			    "FROM cannot be KILL, STOP or CHLD",
			    origin, spec);
	if (cfg->rewrite[from] != 0)
		return errmsg_set(-EINVAL, err, errlen, "%s: signal %d is rewritten twice", origin, from);
	cfg->rewrite[from] = to;
	return 0;
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

static int set_keep_caps(struct config *cfg, const char *list, const char *origin, char *err,
			 size_t errlen)
{
	uint64_t mask = 0;
	if (parse_cap_list(list, &mask) < 0)
		return errmsg_set(-EINVAL, err, errlen,
			    "%s: '%s' is not a comma-separated list of capability names "
			    "(e.g. NET_BIND_SERVICE,NET_RAW)",
			    origin, list);
	for (size_t i = 0; i < sizeof(refused_caps) / sizeof(refused_caps[0]); i++)
		if (mask & (UINT64_C(1) << refused_caps[i].cap))
			return errmsg_set(-EINVAL, err, errlen,
					  "%s: %s refused: it gives root back (%s); stepdown keeps "
					  "only capabilities that cannot regain root (see stepdown(1))",
					  origin, refused_caps[i].name, refused_caps[i].why);
	if (mask >> (LAST_REVIEWED_CAP + 1))
		return errmsg_set(-EINVAL, err, errlen,
				  "%s: '%s' refused: it holds a capability newer than "
				  "CHECKPOINT_RESTORE, and stepdown keeps only capabilities that "
				  "cannot regain root, known not to",
				  origin, list);
	cfg->keep_caps |= mask;
	return 0;
}

static int set_umask(struct config *cfg, const char *s, const char *origin, char *err,
		     size_t errlen)
{
	if (parse_umask(s, &cfg->umask) < 0)
		return errmsg_set(-EINVAL, err, errlen, "%s: '%s' is not an octal mode between 0 and 0777", origin,
			    s);
	cfg->has_umask = true;
	return 0;
}

static int set_jobs(struct config *cfg, const char *s, const char *origin, char *err,
		    size_t errlen)
{
	uint32_t n;
	if (parse_u32(s, WALK_MAX_JOBS, &n) < 0 || n == 0)
		return errmsg_set(-EINVAL, err, errlen,
				  "%s: '%s' is not a number of threads from 1 to %d", origin, s,
				  WALK_MAX_JOBS);
	cfg->jobs = n;
	return 0;
}

static int set_grace(struct config *cfg, const char *s, const char *origin, char *err,
		     size_t errlen)
{
	if (parse_seconds(s, &cfg->grace) < 0)
		return errmsg_set(-EINVAL, err, errlen, "%s: '%s' is not a whole number of seconds (0 to 86400)",
			    origin, s);
	return 0;
}

/* Environment value, with an empty value counting as unset. */
static const char *env_value(char *const envp[], const char *name)
{
	const char *v = envp ? env_lookup(envp, name) : NULL;
	return (v && *v) ? v : NULL;
}

static int env_bool(char *const envp[], const char *name, bool *out, char *err, size_t errlen)
{
	const char *v = env_value(envp, name);
	if (!v)
		return 0;
	if (parse_bool(v, out) < 0)
		return errmsg_set(-EINVAL, err, errlen, "%s='%s' is not a boolean (use 1 or 0)", name, v);
	return 0;
}

static int apply_environment(struct config *cfg, const struct seen *seen, char *const envp[],
			     char *err, size_t errlen)
{
	const char *v;
	int r;

	if (!seen->user && (v = env_value(envp, "STEPDOWN_USER")))
		cfg->user = v;
	char *norm;
	if (!seen->user_from && (v = env_value(envp, "STEPDOWN_USER_FROM"))) {
		if ((r = declared_path(cfg, v, true, "STEPDOWN_USER_FROM", &norm, err, errlen)) < 0)
			return r;
		cfg->user_from = norm;
	}
	if (!seen->home && (v = env_value(envp, "STEPDOWN_HOME"))) {
		if ((r = declared_path(cfg, v, false, "STEPDOWN_HOME", &norm, err, errlen)) < 0)
			return r;
		cfg->home = norm;
	}
	if (!seen->writable && (v = env_value(envp, "STEPDOWN_WRITABLE")) &&
	    (r = add_env_paths(cfg, "STEPDOWN_WRITABLE", v, &cfg->storage_writable_env,
			       add_writable, err, errlen)) < 0)
		return r;
	if (!seen->confine_writes && (v = env_value(envp, "STEPDOWN_CONFINE_WRITES")) &&
	    (r = set_confine(cfg, v, true, err, errlen)) < 0)
		return r;
	if (!seen->allow_write && (v = env_value(envp, "STEPDOWN_ALLOW_WRITE")) &&
	    (r = add_env_paths(cfg, "STEPDOWN_ALLOW_WRITE", v, &cfg->storage_allow_write_env,
			       add_allow_write, err, errlen)) < 0)
		return r;
	if (!seen->keep_caps && (v = env_value(envp, "STEPDOWN_KEEP_CAPS")))
		if ((r = set_keep_caps(cfg, v, "STEPDOWN_KEEP_CAPS", err, errlen)) < 0)
			return r;
	if (!seen->umask && (v = env_value(envp, "STEPDOWN_UMASK")))
		if ((r = set_umask(cfg, v, "STEPDOWN_UMASK", err, errlen)) < 0)
			return r;
	if (!seen->jobs && (v = env_value(envp, "STEPDOWN_JOBS")))
		if ((r = set_jobs(cfg, v, "STEPDOWN_JOBS", err, errlen)) < 0)
			return r;
	if (!seen->grace && (v = env_value(envp, "STEPDOWN_GRACE")))
		if ((r = set_grace(cfg, v, "STEPDOWN_GRACE", err, errlen)) < 0)
			return r;
	if (!seen->rewrite && (v = env_value(envp, "STEPDOWN_REWRITE"))) {
		char item[64];
		const char *p = v;
		for (;;) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			if (n == 0 || n >= sizeof(item))
				return errmsg_set(-EINVAL, err, errlen,
					    "STEPDOWN_REWRITE='%s' is not a comma-separated list of "
					    "FROM:TO pairs",
					    v);
			memcpy(item, p, n);
			item[n] = '\0';
			if ((r = set_rewrite(cfg, item, "STEPDOWN_REWRITE", err, errlen)) < 0)
				return r;
			if (!comma)
				break;
			p = comma + 1;
		}
	}
	if (!seen->signal_group &&
	    (r = env_bool(envp, "STEPDOWN_SIGNAL_GROUP", &cfg->signal_group, err, errlen)) < 0)
		return r;
	if (!seen->exec_mode &&
	    (r = env_bool(envp, "STEPDOWN_EXEC", &cfg->exec_mode, err, errlen)) < 0)
		return r;
	if (!seen->dry_run &&
	    (r = env_bool(envp, "STEPDOWN_DRY_RUN", &cfg->dry_run, err, errlen)) < 0)
		return r;
	if (!seen->verbose && !seen->quiet) {
		bool verbose = false, quiet = false;
		if ((r = env_bool(envp, "STEPDOWN_VERBOSE", &verbose, err, errlen)) < 0)
			return r;
		if ((r = env_bool(envp, "STEPDOWN_QUIET", &quiet, err, errlen)) < 0)
			return r;
		if (verbose && quiet)
			return errmsg_set(-EINVAL, err, errlen,
				    "STEPDOWN_VERBOSE and STEPDOWN_QUIET are both set; choose one");
		cfg->verbosity = verbose ? 2 : quiet ? 0 : 1;
	}
	return 0;
}

static int parse_options(struct config *cfg, struct seen *seen, int argc, char *const argv[],
			 char *err, size_t errlen)
{
	int r, c;
	char *norm;

	opterr = 0;
	optind = 0; /* full re-initialisation of glibc's getopt */
	while ((c = getopt_long(argc, argv, "+:u:w:vqhV", long_options, NULL)) != -1) {
		const char *origin = NULL;
		switch (c) {
		case 'u':
			if (!*optarg)
				return errmsg_set(-EINVAL, err, errlen, "--user: empty; give a name or uid");
			cfg->user = optarg;
			seen->user = true;
			break;
		case OPT_USER_FROM:
			if ((r = declared_path(cfg, optarg, true, "--user-from", &norm, err,
					       errlen)) < 0)
				return r;
			cfg->user_from = norm;
			seen->user_from = true;
			break;
		case 'w':
			if ((r = add_writable(cfg, optarg, "--writable", err, errlen)) < 0)
				return r;
			seen->writable = true;
			break;
		case OPT_KEEP_CAP:
			if ((r = set_keep_caps(cfg, optarg, "--keep-cap", err, errlen)) < 0)
				return r;
			seen->keep_caps = true;
			break;
		case OPT_HOME:
			if ((r = declared_path(cfg, optarg, false, "--home", &norm, err, errlen)) < 0)
				return r;
			cfg->home = norm;
			seen->home = true;
			break;
		case OPT_UMASK:
			if ((r = set_umask(cfg, optarg, "--umask", err, errlen)) < 0)
				return r;
			seen->umask = true;
			break;
		case OPT_SIGNAL_GROUP:
			cfg->signal_group = seen->signal_group = true;
			break;
		case OPT_REWRITE:
			if ((r = set_rewrite(cfg, optarg, "--rewrite", err, errlen)) < 0)
				return r;
			seen->rewrite = true;
			break;
		case OPT_GRACE:
			if ((r = set_grace(cfg, optarg, "--grace", err, errlen)) < 0)
				return r;
			seen->grace = true;
			break;
		case OPT_EXEC:
			cfg->exec_mode = seen->exec_mode = true;
			break;
		case OPT_DRY_RUN:
			cfg->dry_run = seen->dry_run = true;
			break;
		case OPT_JOBS:
			if ((r = set_jobs(cfg, optarg, "--jobs", err, errlen)) < 0)
				return r;
			seen->jobs = true;
			break;
		case OPT_CONFINE_WRITES:
			if ((r = set_confine(cfg, optarg, false, err, errlen)) < 0)
				return r;
			seen->confine_writes = true;
			break;
		case OPT_ALLOW_WRITE:
			if ((r = add_allow_write(cfg, optarg, "--allow-write", err, errlen)) < 0)
				return r;
			seen->allow_write = true;
			break;
		case 'v':
			seen->verbose = true;
			break;
		case 'q':
			seen->quiet = true;
			break;
		case 'h':
			cfg->action = CONFIG_HELP;
			break;
		case 'V':
			if (cfg->action != CONFIG_HELP)
				cfg->action = CONFIG_VERSION;
			break;
		case ':':
			origin = argv[optind - 1];
			return errmsg_set(-EINVAL, err, errlen, "option '%s' needs a value; see --help", origin);
		default:
			origin = argv[optind - 1];
			if (optopt && optopt < 256 && strncmp(origin, "--", 2) != 0)
				return errmsg_set(-EINVAL, err, errlen, "unknown option '-%c'; see --help", optopt);
			return errmsg_set(-EINVAL, err, errlen, "unknown option '%s'; see --help", origin);
		}
	}
	if (seen->verbose && seen->quiet)
		return errmsg_set(-EINVAL, err, errlen, "--verbose and --quiet together; choose one");
	if (seen->verbose || seen->quiet)
		cfg->verbosity = seen->verbose ? 2 : 0;
	return 0;
}

int config_parse(struct config *cfg, int argc, char *const argv[], char *const envp[],
		 char *err, size_t errlen)
{
	struct seen seen = { 0 };
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->grace = CONFIG_DEFAULT_GRACE;
	cfg->verbosity = 1;
	if (errlen)
		err[0] = '\0';

	r = parse_options(cfg, &seen, argc, argv, err, errlen);
	if (cfg->action == CONFIG_HELP)
		return 0;
	if (r < 0)
		return r;
	if (cfg->action == CONFIG_VERSION)
		return 0;
	r = apply_environment(cfg, &seen, envp, err, errlen);
	if (r < 0)
		return r;
	if (cfg->n_allow_write && cfg->confine_writes == CONFINE_OFF)
		return errmsg_set(-EINVAL, err, errlen,
				  "%s means nothing without --confine-writes (or "
				  "STEPDOWN_CONFINE_WRITES=1); add it",
				  seen.allow_write ? "--allow-write" : "STEPDOWN_ALLOW_WRITE");
	if (optind >= argc)
		return errmsg_set(-EINVAL, err, errlen,
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
	cfg->writable = NULL;
	cfg->storage_writable_env = NULL;
	cfg->n_writable = 0;
	cfg->allow_write = NULL;
	cfg->storage_allow_write_env = NULL;
	cfg->n_allow_write = 0;
}
