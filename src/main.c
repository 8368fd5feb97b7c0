/* stepdown: the phases of a start, in order. The only place that reports
 * fatal errors and picks exit codes. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stepdown/confine.h"
#include "stepdown/config.h"
#include "stepdown/env.h"
#include "stepdown/ident.h"
#include "stepdown/init.h"
#include "stepdown/log.h"
#include "stepdown/plan.h"
#include "stepdown/priv.h"
#include "stepdown/walk.h"

#define EXIT_STEPDOWN_FAILED 125
#define PASSWD_FILE "/etc/passwd"
#define GROUP_FILE "/etc/group"

static struct init_signals start_signals;

/* Phase 1 runs before anything else in the process, libcap-ng's own
 * constructor included: no signal can be lost or act during setup. */
__attribute__((constructor(101))) static void block_signals_first(void)
{
	init_signals_block(&start_signals);
}

static double elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* Root must be able to give up everything: switch ids and clear the
 * bounding set. Returns the missing capability names, or NULL. */
static const char *missing_root_caps(void)
{
	bool uid = priv_has_cap(CAP_SETUID);
	bool gid = priv_has_cap(CAP_SETGID);
	bool pcap = priv_has_cap(CAP_SETPCAP);
	if (uid && gid && pcap)
		return NULL;
	static char buf[64];
	snprintf(buf, sizeof(buf), "%s%s%s", uid ? "" : " SETUID", gid ? "" : " SETGID",
		 pcap ? "" : " SETPCAP");
	return buf + 1;
}

/* The --user-from directory, by identity: when the workload runs as its
 * owner, that tree is the host's and is never re-owned, however a
 * --writable dir above or below it is spelled. */
static struct dir_identity host_dir;

/* --user-from: the owner of path (a host bind mount), unless that is root.
 * Its group is taken too, but never gid 0 (what `sudo chown user dir`
 * leaves): then the owner's primary group, or gid = uid for a bare uid.
 * Returns 1 with *id set, 0 to fall back to --user, -1 on error (logged). */
static int identity_from_path(const char *path, struct ident *id)
{
	char err[512], spec[32];
	struct declared_dir dd;
	struct stat st;
	if (declared_open_dir(path, false, 0, 0, NULL, &dd, err, sizeof(err)) < 0) {
		log_error("--user-from: %s", err);
		return -1;
	}
	int r = fstat(dd.fd, &st);
	close(dd.fd);
	if (r < 0) {
		log_error("--user-from: cannot stat '%s': %s", path, strerror(errno));
		return -1;
	}
	if (st.st_uid == 0) {
		log_info("--user-from: %s is owned by root; falling back to --user", path);
		return 0;
	}
	if (st.st_gid == 0)
		snprintf(spec, sizeof(spec), "%u", (unsigned)st.st_uid);
	else
		snprintf(spec, sizeof(spec), "%u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid);
	if (ident_resolve(spec, PASSWD_FILE, GROUP_FILE, id, err, sizeof(err)) < 0) {
		log_error("--user-from %s: %s", path, err);
		return -1;
	}
	if (st.st_gid == 0)
		log_notice("--user-from: %s has group root (gid 0), not taken: gid %u (%s)",
			   path, (unsigned)id->gid, id->has_entry ? "its primary group" : "= uid");
	log_info("--user-from: %s is owned by uid %u, running as its owner", path,
		 (unsigned)st.st_uid);
	host_dir = (struct dir_identity){ .set = true, .dev = st.st_dev, .ino = st.st_ino };
	return 1;
}

/* Group root is a common path to root-owned files: say so whenever the
 * workload will have it. */
static void notice_group_root(const struct ident *id)
{
	bool in_root = id->gid == 0;
	for (size_t i = 0; i < id->n_groups; i++)
		in_root = in_root || id->groups[i] == 0;
	if (in_root)
		log_notice("the workload runs with group root (gid 0)%s; --user USER:GROUP "
			   "chooses another",
			   id->gid == 0 ? " as its primary group" : " as a supplementary group");
}

/* Who the workload runs as. Returns 0 or an exit code. */
static int resolve_identity(const struct config *cfg, bool *switching, struct ident *id)
{
	char err[512];
	int r;

	if (geteuid() != 0) {
		*switching = false;
		if ((r = ident_current(PASSWD_FILE, id, err, sizeof(err))) < 0) {
			log_error("%s", err);
			return EXIT_STEPDOWN_FAILED;
		}
		if (cfg->user) {
			struct ident wanted;
			if (ident_resolve(cfg->user, PASSWD_FILE, GROUP_FILE, &wanted, err,
					  sizeof(err)) < 0) {
				log_error("%s", err);
				return EXIT_STEPDOWN_FAILED;
			}
			if (wanted.uid != id->uid || wanted.gid != id->gid)
				log_notice("started as uid %u gid %u, not root: running as is, not as "
					   "'%s' (uid %u gid %u)",
					   (unsigned)id->uid, (unsigned)id->gid, cfg->user,
					   (unsigned)wanted.uid, (unsigned)wanted.gid);
			ident_free(&wanted);
		} else {
			log_notice("started as uid %u gid %u, not root: identity kept",
				   (unsigned)id->uid, (unsigned)id->gid);
		}
		return 0;
	}

	*switching = true;
	r = cfg->user_from ? identity_from_path(cfg->user_from, id) : 0;
	if (r < 0)
		return EXIT_STEPDOWN_FAILED;
	if (r == 0 && !cfg->user) {
		log_error(cfg->user_from ? "--user-from %s is owned by root and there is no --user "
					   "to fall back to; give --user USER"
					 : "started as root with no user to become; give --user USER "
					   "(or STEPDOWN_USER)%s",
			  cfg->user_from ? cfg->user_from : "");
		return EXIT_STEPDOWN_FAILED;
	}
	if (r == 0 &&
	    (r = ident_resolve(cfg->user, PASSWD_FILE, GROUP_FILE, id, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return EXIT_STEPDOWN_FAILED;
	}
	notice_group_root(id);
	const char *missing = missing_root_caps();
	if (missing && cfg->dry_run) {
		log_warn("a real run would stop here: started as root without %s; run the "
			 "container with --cap-add for each",
			 missing);
	} else if (missing) {
		log_error("started as root without the capabilities needed to drop root for good "
			  "(missing: %s); run the container with --cap-add for each",
			  missing);
		ident_free(id);
		return EXIT_STEPDOWN_FAILED;
	}
	return 0;
}

/* Report what the walk of one declared dir found and left alone. */
static void report_walk(const char *path, const struct walk_stats *st)
{
	if (st->read_only)
		log_notice("%s is on a read-only filesystem: ownership left as it is", path);
	if (st->hardlinks)
		log_warn("%s: %llu file(s) with several hard links left alone (a hard link "
			 "can reach a file outside), e.g. %s",
			 path, (unsigned long long)st->hardlinks, st->hardlink_paths[0]);
	if (st->undone)
		log_warn("%s: %llu change(s) undone: a hard link appeared meanwhile",
			 path, (unsigned long long)st->undone);
	if (st->devices)
		log_warn("%s: %llu device node(s) left alone, e.g. %s",
			 path, (unsigned long long)st->devices, st->device_paths[0]);
	if (st->moved)
		log_notice("%s: %llu director%s moved away during the walk, e.g. %s",
			   path, (unsigned long long)st->moved, st->moved == 1 ? "y" : "ies",
			   st->moved_paths[0]);
	if (st->raced)
		log_notice("%s: %llu entr%s kept changing during the walk, left as %s", path,
			   (unsigned long long)st->raced, st->raced == 1 ? "y" : "ies",
			   st->raced == 1 ? "it is" : "they are");
	if (st->mounts)
		log_info("%s: %llu other mount(s) below it not entered", path,
			 (unsigned long long)st->mounts);
	if (st->host)
		log_notice("%s: --user-from's directory is below it: not re-owned", path);
	if (st->read_only_entries)
		log_notice("%s: %llu entr%s on a read-only mount left as %s", path,
			   (unsigned long long)st->read_only_entries,
			   st->read_only_entries == 1 ? "y" : "ies",
			   st->read_only_entries == 1 ? "it is" : "they are");
	log_info("%s: %llu entries seen, %llu changed, %llu already owned, %.3f s", path,
		 (unsigned long long)st->seen, (unsigned long long)st->changed,
		 (unsigned long long)st->owned, st->seconds);
}

/* Whoever can write a parent of a declared dir can rename another
 * directory onto its name before stepdown starts. */
static void warn_open_parent(const char *path, const struct declared_dir *dd)
{
	if (!dd->open_parent_len)
		return;
	log_warn("%s: parent dir %.*s (uid %u, gid %u, mode %04o) is writable by others than "
		 "root, who could rename another dir onto it; keep it root's, mode 0755",
		 path, (int)dd->open_parent_len, path, (unsigned)dd->open_parent_uid,
		 (unsigned)dd->open_parent_gid, (unsigned)dd->open_parent_mode);
}

/* Phase 4 as root: create each declared dir and fix its tree's ownership.
 * In a dry run, only count. Returns 0 or an exit code. */
static int fix_writable(const struct config *cfg, const struct ident *id,
			struct plan_dir *dirs)
{
	char err[512];
	if (cfg->n_writable == 0)
		return 0; /* nothing to re-own: CAP_CHOWN is not needed */
	struct walk_options wo = { .uid = id->uid, .gid = id->gid, .dry_run = cfg->dry_run,
				   .jobs = cfg->jobs ? cfg->jobs : walk_default_jobs(),
				   .progress = cfg->verbosity >= 1, .host = host_dir };
	if (!cfg->dry_run && !priv_has_cap(CAP_CHOWN)) {
		log_error("--writable needs CAP_CHOWN to set ownership; run the container with "
			  "--cap-add CHOWN");
		return EXIT_STEPDOWN_FAILED;
	}
	/* Every declared path is checked before any is created or walked. */
	for (size_t i = 0; i < cfg->n_writable; i++) {
		struct declared_dir dd;
		int r = declared_open_dir(cfg->writable[i], false, id->uid, id->gid, &host_dir,
					   &dd, err, sizeof(err));
		if (r == 0)
			close(dd.fd);
		else if (r != -ENOENT) {
			log_error("--writable: %s", err);
			return EXIT_STEPDOWN_FAILED;
		}
	}
	for (size_t i = 0; i < cfg->n_writable; i++) {
		struct plan_dir *d = &dirs[i];
		const char *path = cfg->writable[i];
		struct declared_dir dd;
		d->path = path;
		int r = declared_open_dir(path, !cfg->dry_run, id->uid, id->gid, &host_dir, &dd,
					   err, sizeof(err));
		if (r == -ENOENT && cfg->dry_run) {
			d->missing = true;
			warn_open_parent(path, &dd);
			continue;
		}
		if (r == -EACCES && !priv_has_cap(CAP_DAC_OVERRIDE)) {
			log_error("--writable: %s (creating it in a directory root does not own "
				  "needs CAP_DAC_OVERRIDE: run with --cap-add DAC_OVERRIDE, or "
				  "create it in the image)",
				  err);
			return EXIT_STEPDOWN_FAILED;
		}
		if (r < 0) {
			log_error("--writable: %s", err);
			return EXIT_STEPDOWN_FAILED;
		}
		d->created = dd.created;
		if (dd.under_host) {
			log_notice("%s is under --user-from %s: the host's files are not re-owned",
				   path, cfg->user_from);
			close(dd.fd);
			d->skipped = true;
			continue;
		}
		warn_open_parent(path, &dd);
		d->rc = walk_tree(dd.fd, path, &wo, &d->st);
		if (cfg->dry_run)
			continue;
		const struct walk_stats *st = &d->st;
		report_walk(path, st);
		if (d->rc < 0) {
			for (uint64_t k = 0; k < st->errors && k < WALK_ERRORS_KEPT; k++)
				log_error("cannot own %s", st->error_paths[k]);
			log_error("%s: %llu entr%s could not be re-owned%s; the workload was not "
				  "started",
				  path, (unsigned long long)st->errors, st->errors == 1 ? "y" : "ies",
				  st->first_errno == EACCES
					  ? " (entering a directory needs CAP_DAC_READ_SEARCH: run "
					    "with --cap-add DAC_READ_SEARCH)"
				  : st->first_errno == EPERM
					  ? " (needs CAP_CHOWN: run with --cap-add CHOWN)"
				  : st->first_errno == EOPNOTSUPP
					  ? " (statx is refused and /proc/self/fdinfo cannot be read: "
					    "allow statx in the runtime's seccomp profile, or mount /proc)"
					  : "");
			return EXIT_STEPDOWN_FAILED;
		}
	}
	return 0;
}

/* Phase 4 as non-root: nothing to chown; say which declared dir the
 * workload cannot write. */
static void check_writable(const struct config *cfg, const struct ident *id)
{
	for (size_t i = 0; i < cfg->n_writable; i++)
		if (access(cfg->writable[i], W_OK) != 0)
			log_warn("--writable %s is not writable by uid %u (%s); started as non-root, "
				 "stepdown cannot fix that: mount it writable for this uid",
				 cfg->writable[i], (unsigned)id->uid, strerror(errno));
}

/* --confine-writes, before anything changes: probe Landlock, decide, and
 * build the ruleset with the defaults and the --allow-write paths (each
 * checked now: missing or through a symlink is an error). *enforce tells
 * whether it will be applied. Returns 0 or an exit code. */
static int prepare_confinement(const struct config *cfg, struct confine *cf, bool *enforce)
{
	char err[512];
	confine_init(cf, NULL);
	enum confine_decision d = confine_decide(cfg->confine_writes, cf->abi);
	const char *why = confine_unavailable_reason(cf->abi);
	*enforce = d == CONFINE_APPLY;
	if (d == CONFINE_REFUSE && !cfg->dry_run) {
		log_error("--confine-writes: %s; not running unconfined (see "
			  "--confine-writes=best-effort)",
			  why);
		return EXIT_STEPDOWN_FAILED;
	}
	if (d == CONFINE_REFUSE)
		log_warn("a real run would stop here: --confine-writes: %s", why);
	else if (d == CONFINE_WARN)
		log_warn("--confine-writes=best-effort: %s; running WITHOUT write confinement", why);
	const char *what = "--confine-writes";
	int r = confine_begin(cf, err, sizeof(err));
	if (r == 0)
		r = confine_add_defaults(cf, err, sizeof(err));
	for (size_t i = 0; r == 0 && i < cfg->n_allow_write; i++) {
		what = "--allow-write";
		r = confine_add(cf, cfg->allow_write[i], CONFINE_FROM_ALLOW, false, false, err,
				sizeof(err));
	}
	if (r < 0) {
		log_error("%s: %s", what, err);
		return EXIT_STEPDOWN_FAILED;
	}
	if (*enforce)
		log_info("--confine-writes: Landlock ABI %d (the kernel offers %d)", cf->abi_used,
			 cf->abi);
	return 0;
}

/* --confine-writes, after the walk: a rule for each --writable dir. */
static int confine_writable(const struct config *cfg, struct confine *cf)
{
	char err[512];
	for (size_t i = 0; i < cfg->n_writable; i++) {
		if (confine_add(cf, cfg->writable[i], CONFINE_FROM_WRITABLE, false, true, err,
				sizeof(err)) < 0) {
			log_error("--writable: %s", err);
			return EXIT_STEPDOWN_FAILED;
		}
	}
	return 0;
}

/* HOME for the workload, before the drop; once the drop is done, main()
 * moves a default HOME the user cannot write to /tmp (caches of Hugging
 * Face, torch, matplotlib... live under HOME). */
static const char *choose_home(const struct config *cfg, bool switching, const struct ident *id,
			       char *const envp[])
{
	if (cfg->home)
		return cfg->home;
	if (switching || id->has_entry)
		return id->home;
	const char *home = env_lookup(envp, "HOME");
	return home && *home ? home : id->home;
}

static int drop_privileges(const struct config *cfg, bool switching, const struct ident *id)
{
	const char *step = "";
	char err[512];
	uint64_t kept = cfg->keep_caps;
	bool strict_bounding = true;
	int r = switching ? priv_drop(id, kept, &step)
			  : priv_shed(cfg->keep_caps, &kept, &strict_bounding, &step);
	if (r < 0) {
		log_error("cannot drop privileges: %s: %s", step, strerror(-r));
		return EXIT_STEPDOWN_FAILED;
	}
	if (!switching && kept != cfg->keep_caps) {
		char names[512];
		priv_format_caps(cfg->keep_caps & ~kept, names, sizeof(names));
		log_warn("--keep-cap: not held by this process, so not kept: %s", names);
	}
	if (priv_verify(id->uid, id->gid, id->groups, id->n_groups, kept, strict_bounding, err,
			sizeof(err)) < 0) {
		log_error("privilege drop not verified, refusing to run the workload: %s", err);
		return EXIT_STEPDOWN_FAILED;
	}
	return 0;
}

/* Why the command could not be executed, in words. */
static const char *exec_error_text(int e)
{
	if (e == ELIBACC)
		return "it exists, but its #! interpreter or ELF loader does not";
	return strerror(e);
}

int main(int argc, char *argv[], char *envp[])
{
	struct timespec start;
	struct config cfg;
	struct ident id;
	char err[512];
	bool switching;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	/* Phase 1b: a setuid, setgid or setcap install would let its caller
	 * steer a root process; refused before a single option is read. */
	if (priv_check_not_setid() < 0) {
		log_error("installed setuid, setgid or with file capabilities (the kernel runs it "
			  "in secure mode); refusing: install stepdown mode 0755, no s bit, no "
			  "setcap");
		return EXIT_STEPDOWN_FAILED;
	}

	/* Phase 2: configuration, validated before anything changes. */
	if (config_parse(&cfg, argc, argv, envp, err, sizeof(err)) < 0) {
		log_error("%s", err[0] ? err : "out of memory");
		config_free(&cfg);
		return EXIT_STEPDOWN_FAILED;
	}
	if (cfg.action != CONFIG_RUN) {
		if (cfg.action == CONFIG_HELP)
			fputs(config_usage(), stdout);
		else
			printf("stepdown %s\n", STEPDOWN_VERSION);
		config_free(&cfg);
		return fflush(stdout) == 0 ? 0 : EXIT_STEPDOWN_FAILED;
	}
	log_set_level((enum log_level)cfg.verbosity);

	/* Phase 3: identity, from /etc/passwd and /etc/group. */
	if ((rc = resolve_identity(&cfg, &switching, &id)) != 0) {
		config_free(&cfg);
		return rc;
	}
	const char *home = choose_home(&cfg, switching, &id, envp);
	log_info("identity: %s uid=%u gid=%u, %zu groups, HOME=%s (%.2f ms)", id.name,
		 (unsigned)id.uid, (unsigned)id.gid, id.n_groups, home, elapsed_ms(&start));

	/* --confine-writes: Landlock probed, defaults and --allow-write checked. */
	struct confine cf = { .ruleset_fd = -1 };
	bool confining = false;
	if (cfg.confine_writes != CONFINE_OFF &&
	    (rc = prepare_confinement(&cfg, &cf, &confining)) != 0)
		return rc;

	/* Phase 4: writable dirs, as root; counted only in a dry run. */
	struct plan_dir *dirs = calloc(cfg.n_writable + 1, sizeof(*dirs));
	if (!dirs) {
		log_error("out of memory");
		return EXIT_STEPDOWN_FAILED;
	}
	if (switching && (rc = fix_writable(&cfg, &id, dirs)) != 0)
		return rc;
	if (!switching)
		check_writable(&cfg, &id);
	if (cfg.n_writable)
		log_info("writable dirs done (%.2f ms)", elapsed_ms(&start));
	if (cfg.confine_writes != CONFINE_OFF && (rc = confine_writable(&cfg, &cf)) != 0)
		return rc;

	if (cfg.dry_run) {
		struct plan plan = { .cfg = &cfg, .id = &id, .switch_identity = switching,
				     .home = home, .is_pid1 = getpid() == 1, .envp = envp,
				     .dirs = switching ? dirs : NULL,
				     .confine = cfg.confine_writes != CONFINE_OFF ? &cf : NULL };
		plan_print(stdout, &plan);
		confine_free(&cf);
		free(dirs);
		ident_free(&id);
		config_free(&cfg);
		return fflush(stdout) == 0 ? 0 : EXIT_STEPDOWN_FAILED;
	}
	free(dirs);

	if (getpid() != 1 && !cfg.exec_mode && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		log_warn("cannot become a child subreaper (%s): orphans of the workload go to "
			 "the real PID 1, and the grace period does not wait for them",
			 strerror(errno));

	/* Phase 5: the drop, in this process, before any fork. */
	if ((rc = drop_privileges(&cfg, switching, &id)) != 0)
		return rc;
	log_info("privileges dropped and verified: uid=%u gid=%u (%.2f ms)", (unsigned)id.uid,
		 (unsigned)id.gid, elapsed_ms(&start));

	/* --confine-writes: from here on, this process and all it starts may
	 * write only where the rules allow (PID 1 too: defence in depth). */
	if (confining) {
		if (confine_restrict(&cf, err, sizeof(err)) < 0) {
			log_error("cannot confine writes: %s", err);
			return EXIT_STEPDOWN_FAILED;
		}
		log_info("writes confined with Landlock ABI %d: %zu rules (%.2f ms)", cf.abi_used,
			 confine_count(&cf), elapsed_ms(&start));
	}

	bool home_confined = confining && !confine_covers(&cf, home);
	if (!cfg.home && (home_confined || access(home, W_OK) != 0)) {
		log_notice("HOME %s is not writable by uid %u%s; using /tmp", home,
			   (unsigned)id.uid, home_confined ? " under --confine-writes" : "");
		home = "/tmp";
	} else if (home_confined) {
		log_warn("--home %s is not writable under --confine-writes", home);
	}
	char **env = env_build(envp, id.name, home);
	if (!env) {
		log_error("out of memory building the environment");
		return EXIT_STEPDOWN_FAILED;
	}

	/* Phase 6: run the workload. */
	struct init_launch launch = { .argv = cfg.command, .envp = env,
				      .has_umask = cfg.has_umask, .umask = cfg.umask,
				      .signals = &start_signals };
	if (cfg.exec_mode) {
		int e = -init_exec(&launch);
		log_error("cannot run '%s': %s", cfg.command[0], exec_error_text(e));
		return init_exec_status(e);
	}
	struct init_options opts = { .signal_group = cfg.signal_group, .rewrite = cfg.rewrite,
				     .grace = cfg.grace };
	int exec_errno = 0;
	rc = init_supervise(&launch, &opts, &exec_errno);
	if (rc < 0) {
		log_error("cannot start the workload: %s", strerror(-rc));
		return EXIT_STEPDOWN_FAILED;
	}
	if (exec_errno)
		log_error("cannot run '%s': %s", cfg.command[0], exec_error_text(exec_errno));
	log_info("workload ended with status %d (%.2f ms after start)", rc, elapsed_ms(&start));
	env_free(env);
	ident_free(&id);
	config_free(&cfg);
	return rc;
}
