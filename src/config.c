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

/* A directory stepdown acts on: absolute, without "." or "..". */
static int check_plain_path(const char *path, const char *origin, char *err, size_t errlen)
{
	if (path[0] != '/')
		return errmsg_set(-EINVAL, err, errlen,
				  "%s: '%s' is not an absolute path; give the full path, e.g. "
				  "/models/cache",
				  origin, path);
	if (path_has_dot_component(path))
		return errmsg_set(-EINVAL, err, errlen,
				  "%s: '%s' has a '.' or '..' component; give the plain path",
				  origin, path);
	return 0;
}

static int add_path(char ***list, size_t *n, char *path, const char *origin, char *err,
		    size_t errlen)
{
	int r = check_plain_path(path, origin, err, errlen);
	if (r < 0)
		return r;
	char **grown = realloc(*list, (*n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	(*list)[(*n)++] = path;
	return 0;
}

static int add_writable(struct config *cfg, char *path, const char *origin, char *err,
			size_t errlen)
{
	return add_path(&cfg->writable, &cfg->n_writable, path, origin, err, errlen);
}

static int add_allow_write(struct config *cfg, char *path, const char *origin, char *err,
			   size_t errlen)
{
	if (path[0] == '/' && path[strspn(path, "/")] == '\0')
		return errmsg_set(-EINVAL, err, errlen, "%s: '/' would allow writing everywhere",
				  origin);
	return add_path(&cfg->allow_write, &cfg->n_allow_write, path, origin, err, errlen);
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

static int check_absolute(const char *path, const char *origin, char *err, size_t errlen)
{
	if (path[0] != '/')
		return errmsg_set(-EINVAL, err, errlen, "%s: '%s' is not an absolute path", origin, path);
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

static int set_keep_caps(struct config *cfg, const char *list, const char *origin, char *err,
			 size_t errlen)
{
	uint64_t mask = 0;
	if (parse_cap_list(list, &mask) < 0)
		return errmsg_set(-EINVAL, err, errlen,
			    "%s: '%s' is not a comma-separated list of capability names "
			    "(e.g. NET_BIND_SERVICE,CHOWN)",
			    origin, list);
	if (mask & ((UINT64_C(1) << CAP_SETUID) | (UINT64_C(1) << CAP_SETGID)))
		return errmsg_set(-EINVAL, err, errlen,
			    "%s: keeping SETUID or SETGID would let the workload become root again; "
			    "refused",
			    origin);
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
	if (!seen->user_from && (v = env_value(envp, "STEPDOWN_USER_FROM"))) {
		if ((r = check_plain_path(v, "STEPDOWN_USER_FROM", err, errlen)) < 0)
			return r;
		cfg->user_from = v;
	}
	if (!seen->home && (v = env_value(envp, "STEPDOWN_HOME"))) {
		if ((r = check_absolute(v, "STEPDOWN_HOME", err, errlen)) < 0)
			return r;
		cfg->home = v;
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
			if ((r = check_plain_path(optarg, "--user-from", err, errlen)) < 0)
				return r;
			cfg->user_from = optarg;
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
			if ((r = check_absolute(optarg, "--home", err, errlen)) < 0)
				return r;
			cfg->home = optarg;
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
