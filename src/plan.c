/* --dry-run: the resolved plan, on stdout, for a person to read. */
#include "stepdown/plan.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stepdown/env.h"
#include "stepdown/path.h"
#include "stepdown/priv.h"

/* Where the exec would find cmd: writes the path into out, or returns false. */
static bool find_command(const char *cmd, char *const envp[], char *out, size_t len)
{
	const char *cursor = strchr(cmd, '/') ? NULL : env_lookup(envp, "PATH");
	struct stat st;
	while (path_next(cmd, &cursor, out, len))
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return true;
	return false;
}

static void print_signals(FILE *out, const struct config *cfg)
{
	fprintf(out, "  signals:   forwarded to the workload%s",
		cfg->signal_group ? "'s process group" : "");
	const char *sep = "; rewritten: ";
	for (int sig = 1; sig < PARSE_SIG_TABLE; sig++) {
		if (!cfg->rewrite[sig])
			continue;
		const char *a = parse_signal_name(sig), *b = parse_signal_name(cfg->rewrite[sig]);
		if (a)
			fprintf(out, "%s%s", sep, a);
		else
			fprintf(out, "%s%d", sep, sig);
		if (b)
			fprintf(out, "->%s", b);
		else
			fprintf(out, "->%d", cfg->rewrite[sig]);
		sep = ", ";
	}
	fputc('\n', out);
}

static const char *origin_name(enum confine_origin o)
{
	return o == CONFINE_FROM_WRITABLE ? "--writable"
	       : o == CONFINE_FROM_ALLOW  ? "--allow-write"
					  : "default";
}

/* --confine-writes: the ABI, then each rule with its rights. */
static void print_confine(FILE *out, const struct plan *p)
{
	const struct config *cfg = p->cfg;
	const struct confine *c = p->confine;
	char rights[512];

	if (c->abi < 1) {
		fprintf(out, "  confine:   no Landlock: %s; %s\n", confine_unavailable_reason(c->abi),
			cfg->confine_writes == CONFINE_BEST_EFFORT
				? "best-effort: the workload would run WITHOUT write confinement"
				: "a real run would refuse to start (exit 125)");
		return;
	}
	confine_format_rights(c->handled, rights, sizeof(rights));
	fprintf(out, "  confine:   writes, with Landlock ABI %d", c->abi_used);
	if (c->abi != c->abi_used)
		fprintf(out, " (the kernel offers %d)", c->abi);
	fprintf(out, "; rights handled: %s; reading and executing stay allowed everywhere\n",
		rights);
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct confine_rule *r = &c->rules[i];
		if (r->missing) {
			if (r->origin == CONFINE_FROM_WRITABLE && p->switch_identity)
				fprintf(out, "  may write: %s (--writable, would be created): every "
					     "write right\n",
					r->path);
			else
				fprintf(out, "  no rule:   %s (%s): %s\n", r->path,
					origin_name(r->origin), strerror(r->open_errno));
			continue;
		}
		bool moved = r->resolved && strcmp(r->resolved, r->path) != 0;
		if (r->access == c->handled)
			snprintf(rights, sizeof(rights), "every write right");
		else
			confine_format_rights(r->access, rights, sizeof(rights));
		fprintf(out, "  may write: %s%s%s (%s%s): %s%s\n", r->path, moved ? " -> " : "",
			moved ? r->resolved : "", origin_name(r->origin),
			r->is_dir ? "" : ", a file", rights,
			r->is_dir && r->files_only ? " (existing files only: nothing created, "
						     "removed or renamed)"
						   : "");
	}
	if (!confine_covers(c, p->home))
		fprintf(out, "  confine:   HOME %s is not under a writable rule: %s\n", p->home,
			cfg->home ? "used as given, but the workload cannot write it"
				  : "the workload gets HOME=/tmp");
}

void plan_print(FILE *out, const struct plan *p)
{
	const struct config *cfg = p->cfg;
	const struct ident *id = p->id;
	char caps[1024];

	fprintf(out, "stepdown %s plan (dry run: nothing was changed)\n", STEPDOWN_VERSION);
	fprintf(out, "  mode:      %s\n",
		cfg->exec_mode ? "exec in place, no supervision"
		: p->is_pid1   ? "supervise as PID 1"
			       : "supervise as a child subreaper (not PID 1)");
	if (p->switch_identity)
		fprintf(out, "  switch:    from uid %u to uid %u, for good\n", (unsigned)geteuid(),
			(unsigned)id->uid);
	else
		fprintf(out, "  switch:    none: started as uid %u (not root), identity kept\n",
			(unsigned)id->uid);
	fprintf(out, "  user:      %s uid=%u gid=%u%s\n", id->name, (unsigned)id->uid,
		(unsigned)id->gid, id->has_entry ? "" : " (no passwd entry)");
	fprintf(out, "  groups:    ");
	for (size_t i = 0; i < id->n_groups; i++)
		fprintf(out, "%s%u", i ? "," : "", (unsigned)id->groups[i]);
	fprintf(out, "%s\n", id->n_groups ? "" : "none");
	fprintf(out, "  HOME:      %s\n", p->home);
	if (cfg->has_umask)
		fprintf(out, "  umask:     %04o\n", (unsigned)cfg->umask);
	else
		fprintf(out, "  umask:     inherited\n");
	priv_format_caps(cfg->keep_caps, caps, sizeof(caps));
	fprintf(out, "  caps kept: %s (every other capability dropped, bounding set included)\n",
		caps);
	fprintf(out, "  no_new_privs: set\n");
	print_signals(out, cfg);
	fprintf(out, "  grace:     %u s between TERM and KILL for leftover processes\n",
		cfg->grace);
	for (size_t i = 0; i < cfg->n_writable; i++) {
		const struct plan_dir *d = p->dirs ? &p->dirs[i] : NULL;
		if (!d)
			fprintf(out, "  writable:  %s (started as non-root: checked for writing only)\n",
				cfg->writable[i]);
		else if (d->skipped)
			fprintf(out, "  writable:  %s (under --user-from: not re-owned)\n", d->path);
		else if (d->missing)
			fprintf(out, "  writable:  %s (missing: would be created, owned by %u:%u)\n",
				d->path, (unsigned)id->uid, (unsigned)id->gid);
		else if (d->st.read_only)
			fprintf(out, "  writable:  %s (read-only filesystem: left as it is)\n", d->path);
		else
			fprintf(out,
				"  writable:  %s: %llu entries, %llu would change, %llu already owned, "
				"%llu hard-linked left alone, %llu mounts not entered%s\n",
				d->path, (unsigned long long)d->st.seen,
				(unsigned long long)d->st.changed, (unsigned long long)d->st.owned,
				(unsigned long long)d->st.hardlinks, (unsigned long long)d->st.mounts,
				d->rc < 0 ? " (some entries could not be read)" : "");
	}
	fprintf(out, "  walk jobs: %u\n", cfg->jobs ? cfg->jobs : walk_default_jobs());
	if (cfg->user_from)
		fprintf(out, "  user-from: %s (the identity above is its owner's, or --user's "
			     "when root owns it)\n",
			cfg->user_from);
	if (p->confine)
		print_confine(out, p);
	else
		fprintf(out, "  confine:   no: the workload may write wherever its user may "
			     "(see --confine-writes)\n");
	fprintf(out, "  command:  ");
	for (size_t i = 0; cfg->command[i]; i++)
		fprintf(out, " %s", cfg->command[i]);
	char where[PATH_MAX];
	if (find_command(cfg->command[0], p->envp, where, sizeof(where)))
		fprintf(out, "\n  found:     %s\n", where);
	else
		fprintf(out, "\n  found:     no: '%s' is not an executable on PATH (exit 127)\n",
			cfg->command[0]);
}
