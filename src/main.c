/* stepdown: the phases of a start, in order. The only place that reports
 * fatal errors and picks exit codes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
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
#include "stepdown/exit_codes.h"
#include "stepdown/groups.h"
#include "stepdown/identity.h"
#include "stepdown/init.h"
#include "stepdown/log.h"
#include "stepdown/parse.h"
#include "stepdown/plan.h"
#include "stepdown/priv.h"
#include "stepdown/reach.h"
#include "stepdown/writable.h"

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

/* Phase 3's report: who, and what of it deserves a word. Returns 0 or an
 * exit code. */
static int choose_identity(const struct config *cfg, struct identity *who)
{
	struct error err;
	if (identity_choose(cfg->user, cfg->user_from, PASSWD_FILE, GROUP_FILE, who, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_STEPDOWN_FAILED;
	}
	const struct ident *id = &who->id;
	if (!who->switching) {
		if (who->not_as_asked)
			log_notice("started as uid %u gid %u, not root: running as is, not as '%s' "
				   "(uid %u gid %u)",
				   (unsigned)id->uid, (unsigned)id->gid, cfg->user,
				   (unsigned)who->asked_uid, (unsigned)who->asked_gid);
		else if (!cfg->user)
			log_notice("started as uid %u gid %u, not root: identity kept",
				   (unsigned)id->uid, (unsigned)id->gid);
		return 0;
	}
	if (cfg->user_from && who->source == IDENTITY_USER)
		log_info("--user-from: %s is owned by root; falling back to --user",
			 cfg->user_from);
	if (who->source == IDENTITY_OWNER) {
		if (who->owner_gid_root)
			log_notice("--user-from: %s has group root (gid 0), not taken: gid %u (%s)",
				   cfg->user_from, (unsigned)id->gid,
				   id->has_entry ? "its primary group" : "= uid");
		log_info("--user-from: %s is owned by uid %u, running as its owner", cfg->user_from,
			 (unsigned)who->owner_uid);
	}
	if (who->group_root)
		log_notice("the workload runs with group root (gid 0)%s; --user USER:GROUP "
			   "chooses another",
			   id->gid == 0 ? " as its primary group" : " as a supplementary group");
	const char *missing = priv_missing_root_caps();
	if (missing && cfg->dry_run) {
		log_warn("a real run would stop here: started as root without %s; run the "
			 "container with --cap-add for each",
			 missing);
	} else if (missing) {
		log_error("started as root without the capabilities needed to drop root for good "
			  "(missing: %s); run the container with --cap-add for each",
			  missing);
		return EXIT_STEPDOWN_FAILED;
	}
	return 0;
}

/* Started as non-root: once per gid, the devices that need it and the
 * runtime's way to grant it. */
static void report_needs_gid(const struct groups_result *g, size_t first)
{
	gid_t gid = g->devices[first].gid;
	for (size_t j = 0; j < first; j++)
		if (g->devices[j].verdict == GROUPS_DEVICE_NEEDS_GID && g->devices[j].gid == gid)
			return; /* said already */
	char paths[1024];
	size_t len = 0;
	paths[0] = '\0';
	for (size_t j = first; j < g->n_devices && len < sizeof(paths); j++)
		if (g->devices[j].verdict == GROUPS_DEVICE_NEEDS_GID && g->devices[j].gid == gid)
			len += (size_t)snprintf(paths + len, sizeof(paths) - len, "%s%s",
						len ? ", " : "", g->devices[j].path);
	log_notice("the workload cannot open %s (group %u may read and write): started as "
		   "non-root, stepdown cannot add groups; start the container with --group-add "
		   "%u (Kubernetes: supplementalGroups: [%u])",
		   paths, (unsigned)gid, (unsigned)gid, (unsigned)gid);
}

/* Phase 3b's report: each gid added and why, and each device that could
 * not be joined, with what to do. */
static void report_groups(const struct groups_result *g)
{
	if (g->overflow)
		log_warn("groups: started with the overflow gid (groups not mapped into this user "
			 "namespace, such as podman's keep-groups): setting the workload's groups "
			 "drops them, so the access they gave is lost; grant the gids themselves "
			 "(--group-add GID) or use --device-groups");
	if (g->n_not_kept) {
		char list[256];
		size_t len = 0;
		list[0] = '\0';
		for (size_t i = 0; i < g->n_not_kept && len < sizeof(list); i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%u",
						i ? "," : "", (unsigned)g->not_kept[i]);
		log_info("groups: %s not kept: root's own through the image's /etc/group, which "
			 "the runtime gives root by itself (list the user in a group to give it "
			 "one)",
			 list);
	}
	if (g->n_skipped)
		log_warn("--device-groups: %zu more device nodes than the %u looked at; those "
			 "were not joined",
			 g->n_skipped, GROUPS_MAX_DEVICES);
	for (size_t i = 0; i < g->n_added; i++) {
		const struct groups_added *a = &g->added[i];
		if (a->from == GROUPS_FROM_RUNTIME)
			log_info("groups: %u kept, the runtime's grant (stepdown was started with "
				 "it; --groups=strict drops it)",
				 (unsigned)a->gid);
		else
			log_info("groups: %u joined for %s", (unsigned)a->gid, a->path);
	}
	for (size_t i = 0; i < g->n_devices; i++) {
		const struct groups_device *d = &g->devices[i];
		unsigned mode = (unsigned)d->mode & 07777, uid = d->uid, gid = d->gid;
		switch (d->verdict) {
		case GROUPS_DEVICE_OPEN:
			log_info("--device-groups: %s (mode %04o, %u:%u): the user can open it "
				 "already",
				 d->path, mode, uid, gid);
			break;
		case GROUPS_DEVICE_JOINED:
			log_info("--device-groups: %s (mode %04o, %u:%u): opens with group %u",
				 d->path, mode, uid, gid, gid);
			break;
		case GROUPS_DEVICE_ROOT_ONLY:
			log_warn(
				"--device-groups: %s is mode %04o, owned by %u:0: only group root "
				"may open it, and stepdown does not hand out gid 0; give the node "
				"a group of its own on the host (a udev rule with GROUP=\"render\"), "
				"or make it 0666",
				d->path, mode, uid);
			break;
		case GROUPS_DEVICE_NEEDS_GID:
			report_needs_gid(g, i);
			break;
		case GROUPS_DEVICE_CLOSED:
			(d->given ? log_warn : log_info)(
				"--device-groups: %s is mode %04o, owned by %u:%u: its group cannot "
				"read and write it either; not joined",
				d->path, mode, uid, gid);
			break;
		case GROUPS_DEVICE_UNMAPPED:
			log_warn(
				"--device-groups: %s belongs to the overflow gid %u (a group not "
				"mapped into this user namespace): nothing to join; map the group, "
				"or make the node 0666",
				d->path, gid);
			break;
		case GROUPS_DEVICE_NOT_CHAR:
			log_warn("--device-groups: %s is not a character device; ignored: give the "
				 "device node itself",
				 d->path);
			break;
		case GROUPS_DEVICE_SYMLINK:
			log_warn("--device-groups: %s has a symlink in it, not followed; ignored: "
				 "give the device node's own path",
				 d->path);
			break;
		case GROUPS_DEVICE_MISSING:
			log_warn("--device-groups: %s cannot be looked at (%s); ignored", d->path,
				 strerror(d->err));
			break;
		}
	}
}

/* What unmapped groups show as in a user namespace (65534 unless set). */
static gid_t overflow_gid(void)
{
	char buf[16];
	uint32_t v;
	int fd = open("/proc/sys/kernel/overflowgid", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n > 0 ? n : 0] = '\0';
	return parse_id(buf, &v) == 0 ? (gid_t)v : 65534;
}

/* Phase 3b: the final groups (groups.h). Returns 0 or an exit code. */
static int choose_groups(const struct config *cfg, struct identity *who, struct groups_result *res)
{
	struct error err;
	struct groups_options o = { .strict = cfg->groups_strict,
				    .devices = cfg->device_groups,
				    .device_paths = cfg->device_paths,
				    .n_device_paths = cfg->n_device_paths,
				    .dev_root = "/dev",
				    .switching = who->switching };
	gid_t *started = NULL, *root = NULL;
	int r = 0;
	if (who->switching && !cfg->groups_strict)
		r = ident_kernel_groups(&started, &o.n_started_with, &err);
	o.started_with = started;
	/* Root's groups and the overflow gid are read only when there is
	 * something to compare with them: a start with no gid but 0 (the
	 * common case) and no --device-groups reads neither. */
	bool granted = false;
	for (size_t i = 0; i < o.n_started_with; i++)
		granted = granted || started[i] != 0;
	if (r == 0 && granted)
		r = ident_root_groups(PASSWD_FILE, GROUP_FILE, &root, &o.n_root_groups, &err);
	o.root_groups = root;
	if (granted || cfg->device_groups)
		o.overflow_gid = overflow_gid();
	if (r == 0)
		r = groups_choose(&o, &who->id, res, &err);
	free(started);
	free(root);
	if (r < 0) {
		log_error("groups: %s", err.msg);
		return EXIT_STEPDOWN_FAILED;
	}
	if (!who->switching && cfg->groups_strict && who->id.n_groups)
		log_notice("--groups=strict: started as non-root, stepdown cannot drop the %zu "
			   "supplementary group(s) it was started with; the workload keeps them",
			   who->id.n_groups);
	report_groups(res);
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
		log_warn("%s: %llu change(s) undone: a hard link appeared meanwhile", path,
			 (unsigned long long)st->undone);
	if (st->devices)
		log_warn("%s: %llu device node(s) left alone, e.g. %s", path,
			 (unsigned long long)st->devices, st->device_paths[0]);
	if (st->moved)
		log_notice("%s: %llu director%s moved away during the walk, e.g. %s", path,
			   (unsigned long long)st->moved, st->moved == 1 ? "y" : "ies",
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

/* Why a walk could not re-own everything, and what to do. */
static const char *walk_advice(int e)
{
	switch (e) {
	case EACCES:
		return " (entering a directory needs CAP_DAC_READ_SEARCH: run with --cap-add "
		       "DAC_READ_SEARCH)";
	case EPERM:
		return " (needs CAP_CHOWN: run with --cap-add CHOWN)";
	case EOPNOTSUPP:
		return " (statx is refused and /proc/self/fdinfo cannot be read: allow statx in "
		       "the runtime's seccomp profile, or mount /proc)";
	default:
		return "";
	}
}

/* Phase 4 as root: create each declared dir and fix its tree's ownership
 * (in a dry run, only count), then report. Returns 0 or an exit code. */
static int fix_writable(const struct config *cfg, const struct identity *who,
			struct writable_result *res)
{
	struct writable_run run = { .uid = who->id.uid,
				    .gid = who->id.gid,
				    .dry_run = cfg->dry_run,
				    .jobs = cfg->jobs,
				    .progress = cfg->verbosity >= 1,
				    .host = who->host };
	int r = writable_fix((const char *const *)cfg->writable, cfg->n_writable, &run, res);
	for (size_t i = 0; i < res->n_done; i++) {
		const struct writable_dir *d = &res->dirs[i];
		if (r < 0 && res->stop == WRITABLE_NO_OPEN && i == res->failed)
			break;
		if (d->under_host) {
			log_notice("%s is under --user-from %s: the host's files are not re-owned",
				   d->path, cfg->user_from);
			continue;
		}
		warn_open_parent(d->path, &d->opened);
		if (d->walked && !cfg->dry_run)
			report_walk(d->path, &d->st);
		if (d->walked && cfg->dry_run && d->rc < 0)
			log_warn("a real run would stop here: %s: %llu entr%s could not be read, "
				 "first %s%s",
				 d->path, (unsigned long long)d->st.errors,
				 d->st.errors == 1 ? "y" : "ies", d->st.errors_kept[0].msg,
				 walk_advice(-d->st.errors_kept[0].code));
	}
	if (r == 0)
		return 0;
	if (res->stop == WRITABLE_NO_CHOWN) {
		log_error("--writable needs CAP_CHOWN to set ownership; run the container with "
			  "--cap-add CHOWN");
	} else if (res->stop == WRITABLE_NO_OPEN && r == -EACCES &&
		   !priv_has_cap(CAP_DAC_OVERRIDE)) {
		log_error("--writable: %s (creating it in a directory root does not own needs "
			  "CAP_DAC_OVERRIDE: run with --cap-add DAC_OVERRIDE, or create it in the "
			  "image)",
			  res->err.msg);
	} else if (res->stop == WRITABLE_BAD_PATH || res->stop == WRITABLE_NO_OPEN) {
		log_error("--writable: %s", res->err.msg);
	} else {
		const struct writable_dir *d = &res->dirs[res->failed];
		for (uint64_t k = 0; k < d->st.errors && k < WALK_ERRORS_KEPT; k++)
			log_error("cannot own %s", d->st.errors_kept[k].msg);
		log_error("%s: %llu entr%s could not be re-owned%s; the workload was not started",
			  d->path, (unsigned long long)d->st.errors,
			  d->st.errors == 1 ? "y" : "ies", walk_advice(-d->st.errors_kept[0].code));
	}
	return EXIT_STEPDOWN_FAILED;
}

/* Phase 4 as non-root: nothing to chown; say which declared dir the
 * workload cannot write, and what stops it. */
static void check_writable(const struct config *cfg, const struct ident *id)
{
	struct error err;
	for (size_t i = 0; i < cfg->n_writable; i++)
		if (reach_check(cfg->writable[i], true, &err) < 0)
			log_warn(
				"--writable %s is not writable by uid %u (%s); started as non-root, "
				"stepdown cannot fix that: mount it writable for this uid",
				cfg->writable[i], (unsigned)id->uid, err.msg);
}

/* --confine-writes, before anything changes: probe Landlock, decide, and
 * build the ruleset with the defaults and the --allow-write paths (each
 * checked now: missing or through a symlink is an error). *enforce tells
 * whether it will be applied. Returns 0 or an exit code. */
static int prepare_confinement(const struct config *cfg, struct confine *cf, bool *enforce)
{
	struct error err;
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
		log_warn("--confine-writes=best-effort: %s; running WITHOUT write confinement",
			 why);
	const char *what = "--confine-writes";
	int r = confine_begin(cf, &err);
	if (r == 0)
		r = confine_add_defaults(cf, &err);
	for (size_t i = 0; r == 0 && i < cfg->n_allow_write; i++) {
		what = "--allow-write";
		r = confine_add(cf, cfg->allow_write[i], CONFINE_FROM_ALLOW, false, false, &err);
	}
	if (r < 0) {
		log_error("%s: %s", what, err.msg);
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
	struct error err;
	for (size_t i = 0; i < cfg->n_writable; i++) {
		if (confine_add(cf, cfg->writable[i], CONFINE_FROM_WRITABLE, false, true, &err) <
		    0) {
			log_error("--writable: %s", err.msg);
			return EXIT_STEPDOWN_FAILED;
		}
	}
	return 0;
}

static int drop_privileges(const struct config *cfg, bool switching, const struct ident *id)
{
	struct error err;
	uint64_t kept = cfg->keep_caps;
	bool strict_bounding = true;
	int r = switching ? priv_drop(id, kept, &err)
			  : priv_shed(cfg->keep_caps, &kept, &strict_bounding, &err);
	if (r < 0) {
		log_error("cannot drop privileges: %s", err.msg);
		return EXIT_STEPDOWN_FAILED;
	}
	if (!switching && kept != cfg->keep_caps) {
		char names[512];
		priv_format_caps(cfg->keep_caps & ~kept, names, sizeof(names));
		log_warn("--keep-cap: not held by this process, so not kept: %s", names);
	}
	if (priv_verify(id->uid, id->gid, id->groups, id->n_groups, kept, strict_bounding, &err) <
	    0) {
		log_error("privilege drop not verified, refusing to run the workload: %s", err.msg);
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

/* Everything a start carries from one phase to the next. */
struct start {
	struct timespec t0;
	char **envp;
	struct config cfg;
	struct identity who;
	struct groups_result groups;
	const char *home;
	struct confine cf;
	bool confining;
	struct writable_result dirs;
};

#define GO_ON (-1)

/* Phase 2: configuration, validated before anything changes. Returns
 * GO_ON, or the exit code when done (--help, --version, an error). */
static int configure(struct start *s, int argc, char *argv[])
{
	struct error err = { 0 };
	if (config_parse(&s->cfg, argc, argv, s->envp, &err) < 0) {
		log_error("%s", err.msg[0] ? err.msg : "out of memory");
		return EXIT_STEPDOWN_FAILED;
	}
	log_set_level((enum log_level)s->cfg.verbosity);
	if (s->cfg.action == CONFIG_RUN)
		return GO_ON;
	if (s->cfg.action == CONFIG_HELP)
		fputs(config_usage(), stdout);
	else
		printf("stepdown %s\n", STEPDOWN_VERSION);
	return fflush(stdout) == 0 ? 0 : EXIT_STEPDOWN_FAILED;
}

/* --dry-run: the plan on stdout instead of the drop. */
static int print_plan(struct start *s)
{
	struct plan plan = { .cfg = &s->cfg,
			     .id = &s->who.id,
			     .groups = &s->groups,
			     .switch_identity = s->who.switching,
			     .home = s->home,
			     .is_pid1 = getpid() == 1,
			     .envp = s->envp,
			     .dirs = s->who.switching ? s->dirs.dirs : NULL,
			     .confine = s->cfg.confine_writes != CONFINE_OFF ? &s->cf : NULL };
	plan_print(stdout, &plan);
	if (s->who.switching)
		reach_plan(&s->cfg, &s->who.id, s->home);
	return fflush(stdout) == 0 ? 0 : EXIT_STEPDOWN_FAILED;
}

/* Not PID 1: orphans of the workload come to stepdown, as they would to
 * an init (catatonit and tini do the same). */
static void become_subreaper(const struct config *cfg)
{
	if (getpid() != 1 && !cfg->exec_mode && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		log_warn("cannot become a child subreaper (%s): orphans of the workload go to "
			 "the real PID 1, and the grace period does not wait for them",
			 strerror(errno));
}

/* --confine-writes: from here on, this process and all it starts may write
 * only where the rules allow (PID 1 too: defence in depth). */
static int confine_now(struct start *s)
{
	struct error err;
	if (confine_restrict(&s->cf, &err) < 0) {
		log_error("cannot confine writes: %s", err.msg);
		return EXIT_STEPDOWN_FAILED;
	}
	log_info("writes confined with Landlock ABI %d: %zu rules (%.2f ms)", s->cf.abi_used,
		 confine_count(&s->cf), elapsed_ms(&s->t0));
	return 0;
}

/* Once the drop is done: a default HOME the user cannot write becomes /tmp. */
static void settle_home(struct start *s)
{
	bool confined_out = s->confining && !confine_covers(&s->cf, s->home);
	if (!s->cfg.home && env_home_unusable(s->home, confined_out)) {
		struct error why;
		bool blocked = !confined_out && reach_check(s->home, true, &why) < 0;
		log_notice("HOME %s is not writable by uid %u%s%s%s; using /tmp", s->home,
			   (unsigned)s->who.id.uid, confined_out ? " under --confine-writes" : "",
			   blocked ? ": " : "", blocked ? why.msg : "");
		s->home = "/tmp";
	} else if (confined_out) {
		log_warn("--home %s is not writable under --confine-writes", s->home);
	}
}

/* Phase 6: run the workload, as its init or (--exec) as itself. */
static int run_workload(struct start *s)
{
	char **env = env_build(s->envp, s->who.id.name, s->home);
	if (!env) {
		log_error("out of memory building the environment");
		return EXIT_STEPDOWN_FAILED;
	}
	struct init_launch launch = { .argv = s->cfg.command,
				      .envp = env,
				      .has_umask = s->cfg.has_umask,
				      .umask = s->cfg.umask,
				      .signals = &start_signals };
	if (s->cfg.exec_mode) {
		int e = -init_exec(&launch);
		log_error("cannot run '%s': %s", s->cfg.command[0], exec_error_text(e));
		return init_exec_status(e);
	}
	struct init_options opts = { .signal_group = s->cfg.signal_group,
				     .rewrite = s->cfg.rewrite,
				     .grace = s->cfg.grace,
				     .term_delay = s->cfg.term_delay };
	if (s->cfg.term_delay)
		log_info("the first SIGTERM will be held %u s (--term-delay)", s->cfg.term_delay);
	int exec_errno = 0;
	int rc = init_supervise(&launch, &opts, &exec_errno);
	if (rc < 0) {
		log_error("cannot start the workload: %s", strerror(-rc));
		return EXIT_STEPDOWN_FAILED;
	}
	if (exec_errno)
		log_error("cannot run '%s': %s", s->cfg.command[0], exec_error_text(exec_errno));
	log_info("workload ended with status %d (%.2f ms after start)", rc, elapsed_ms(&s->t0));
	if (!exec_errno && s->cfg.remap_exit[rc]) {
		log_info("exit status %d becomes 0 (--remap-exit)", rc);
		rc = 0;
	}
	env_free(env);
	return rc;
}

static void finish(struct start *s)
{
	writable_free(&s->dirs);
	confine_free(&s->cf);
	groups_free(&s->groups);
	identity_free(&s->who);
	config_free(&s->cfg);
}

static int start(struct start *s, int argc, char *argv[])
{
	int rc;
	/* Phase 1b: a setuid, setgid or setcap install would let its caller
	 * steer a root process; refused before a single option is read. */
	if (priv_check_not_setid() < 0) {
		log_error("installed setuid, setgid or with file capabilities (the kernel runs it "
			  "in secure mode); refusing: install stepdown mode 0755, no s bit, no "
			  "setcap");
		return EXIT_STEPDOWN_FAILED;
	}
	if ((rc = configure(s, argc, argv)) != GO_ON)
		return rc;
	const struct config *cfg = &s->cfg;

	/* Phase 3: identity, from /etc/passwd and /etc/group. */
	if ((rc = choose_identity(cfg, &s->who)) != 0)
		return rc;
	if ((rc = choose_groups(cfg, &s->who, &s->groups)) != 0)
		return rc;
	const struct ident *id = &s->who.id;
	s->home = env_choose_home(cfg->home, s->who.switching, id->has_entry, id->home, s->envp);
	log_info("identity: %s uid=%u gid=%u, %zu groups, HOME=%s (%.2f ms)", id->name,
		 (unsigned)id->uid, (unsigned)id->gid, id->n_groups, s->home, elapsed_ms(&s->t0));
	bool confine = cfg->confine_writes != CONFINE_OFF;
	if (confine && (rc = prepare_confinement(cfg, &s->cf, &s->confining)) != 0)
		return rc;

	/* Phase 4: writable dirs, as root; counted only in a dry run. */
	if (s->who.switching && (rc = fix_writable(cfg, &s->who, &s->dirs)) != 0)
		return rc;
	if (!s->who.switching)
		check_writable(cfg, id);
	if (cfg->n_writable)
		log_info("writable dirs done (%.2f ms)", elapsed_ms(&s->t0));
	if (confine && (rc = confine_writable(cfg, &s->cf)) != 0)
		return rc;
	if (cfg->dry_run)
		return print_plan(s);
	become_subreaper(cfg);

	/* Phase 5: the drop, in this process, before any fork. */
	if ((rc = drop_privileges(cfg, s->who.switching, id)) != 0)
		return rc;
	log_info("privileges dropped and verified: uid=%u gid=%u (%.2f ms)", (unsigned)id->uid,
		 (unsigned)id->gid, elapsed_ms(&s->t0));
	if (s->who.switching && reach_declared(&s->cfg, id->name, s->home, false) < 0)
		return EXIT_STEPDOWN_FAILED;
	if (s->confining && (rc = confine_now(s)) != 0)
		return rc;
	settle_home(s);
	return run_workload(s);
}

int main(int argc, char *argv[], char *envp[])
{
	struct start s = { .envp = envp, .cf = { .ruleset_fd = -1 } };
	clock_gettime(CLOCK_MONOTONIC, &s.t0);
	int rc = start(&s, argc, argv);
	finish(&s);
	return rc;
}
