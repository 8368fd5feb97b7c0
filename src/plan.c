/* --dry-run: the resolved plan, on stdout, for a person to read. Every path,
 * name and command word is printed through put(), escaped as in the log. */
#include "stepdown/plan.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stepdown/env.h"
#include "stepdown/log.h"
#include "stepdown/path.h"
#include "stepdown/priv.h"

/* s with its control bytes escaped (log_escape), in pieces of any length. */
static void put(FILE *out, const char *s)
{
	char buf[256];
	size_t left = strlen(s);
	while (left > 0) {
		size_t written;
		size_t used = log_escape(buf, sizeof(buf), s, left, &written);
		fwrite(buf, 1, written, out);
		s += used;
		left -= used;
	}
}

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
		fprintf(out, "  confine:   no Landlock: %s; %s\n",
			confine_unavailable_reason(c->abi),
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
			bool created = r->origin == CONFINE_FROM_WRITABLE && p->switch_identity;
			fputs(created ? "  may write: " : "  no rule:   ", out);
			put(out, r->path);
			if (created)
				fputs(" (--writable, would be created): every write right\n", out);
			else
				fprintf(out, " (%s): %s\n", origin_name(r->origin),
					strerror(r->open_errno));
			continue;
		}
		bool moved = r->resolved && strcmp(r->resolved, r->path) != 0;
		if (r->access == c->handled)
			snprintf(rights, sizeof(rights), "every write right");
		else
			confine_format_rights(r->access, rights, sizeof(rights));
		fputs("  may write: ", out);
		put(out, r->path);
		if (moved) {
			fputs(" -> ", out);
			put(out, r->resolved);
		}
		fprintf(out, " (%s%s): %s%s\n", origin_name(r->origin), r->is_dir ? "" : ", a file",
			rights,
			r->is_dir && r->files_only ? " (existing files only: nothing created, "
						     "removed or renamed)"
						   : "");
	}
	if (!confine_covers(c, p->home)) {
		fputs("  confine:   HOME ", out);
		put(out, p->home);
		fprintf(out, " is not under a writable rule: %s\n",
			cfg->home ? "used as given, but the workload cannot write it"
				  : "the workload gets HOME=/tmp");
	}
}

/* Where each added gid came from, and what --device-groups saw. */
static void print_groups(FILE *out, const struct plan *p)
{
	static const char *const verdicts[] = {
		[GROUPS_DEVICE_OPEN] = "opens already",
		[GROUPS_DEVICE_JOINED] = "joined",
		[GROUPS_DEVICE_ROOT_ONLY] = "not joined: only group root may open it",
		[GROUPS_DEVICE_NEEDS_GID] = "cannot open it: the runtime must add its group",
		[GROUPS_DEVICE_CLOSED] = "not joined: its group cannot read and write it",
		[GROUPS_DEVICE_UNMAPPED] = "not joined: its group is the overflow gid",
		[GROUPS_DEVICE_NOT_CHAR] = "ignored: not a character device",
		[GROUPS_DEVICE_SYMLINK] = "ignored: a symlink in its path",
		[GROUPS_DEVICE_MISSING] = "ignored: cannot be looked at",
	};
	const struct groups_result *g = p->groups;
	if (!g)
		return;
	for (size_t i = 0; i < g->n_added; i++) {
		fprintf(out, "  group:     %u ", (unsigned)g->added[i].gid);
		if (g->added[i].from == GROUPS_FROM_RUNTIME) {
			fputs("from the runtime (stepdown was started with it)\n", out);
		} else {
			fputs("for ", out);
			put(out, g->added[i].path);
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < g->n_not_kept; i++)
		fprintf(out,
			"  group:     %u not kept: root's own through the image's /etc/group\n",
			(unsigned)g->not_kept[i]);
	if (g->overflow)
		fputs("  group:     the overflow gid (unmapped groups) not kept: their access is "
		      "lost\n",
		      out);
	if (p->cfg->device_groups && !g->n_devices)
		fputs("  device:    none of the GPU or accelerator nodes is here\n", out);
	for (size_t i = 0; i < g->n_devices; i++) {
		const struct groups_device *d = &g->devices[i];
		fputs("  device:    ", out);
		put(out, d->path);
		if (d->verdict <= GROUPS_DEVICE_UNMAPPED)
			fprintf(out, " (mode %04o, %u:%u)", (unsigned)d->mode & 07777,
				(unsigned)d->uid, (unsigned)d->gid);
		fprintf(out, ": %s\n", verdicts[d->verdict]);
	}
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
	fputs("  user:      ", out);
	put(out, id->name);
	fprintf(out, " uid=%u gid=%u%s\n", (unsigned)id->uid, (unsigned)id->gid,
		id->has_entry ? "" : " (no passwd entry)");
	fprintf(out, "  groups:    ");
	for (size_t i = 0; i < id->n_groups; i++)
		fprintf(out, "%s%u", i ? "," : "", (unsigned)id->groups[i]);
	fprintf(out, "%s\n", id->n_groups ? "" : "none");
	print_groups(out, p);
	fputs("  HOME:      ", out);
	put(out, p->home);
	fputc('\n', out);
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
	if (cfg->term_delay)
		fprintf(out,
			"  term delay: the first SIGTERM is held %u s before it is forwarded "
			"(it must fit in the runtime's stop timeout)\n",
			cfg->term_delay);
	if (cfg->has_remap_exit) {
		fputs("  remap exit:", out);
		for (int c = 0, n = 0; c < 256; c++)
			if (cfg->remap_exit[c])
				fprintf(out, "%s%d", n++ ? "," : " ", c);
		fputs(" become exit 0\n", out);
	}
	for (size_t i = 0; i < cfg->n_writable; i++) {
		const struct writable_dir *d = p->dirs ? &p->dirs[i] : NULL;
		fputs("  writable:  ", out);
		put(out, d ? d->path : cfg->writable[i]);
		if (!d)
			fputs(" (started as non-root: checked for writing only)\n", out);
		else if (d->under_host)
			fputs(" (under --user-from: not re-owned)\n", out);
		else if (d->missing)
			fprintf(out, " (missing: would be created, owned by %u:%u)\n",
				(unsigned)id->uid, (unsigned)id->gid);
		else if (d->st.read_only)
			fputs(" (read-only filesystem: left as it is)\n", out);
		else
			fprintf(out,
				": %llu entries, %llu would change, %llu already owned, "
				"%llu hard-linked left alone, %llu mounts not entered%s%.0llu%s%s\n",
				(unsigned long long)d->st.seen, (unsigned long long)d->st.changed,
				(unsigned long long)d->st.owned,
				(unsigned long long)d->st.hardlinks,
				(unsigned long long)d->st.mounts, d->st.devices ? ", " : "",
				(unsigned long long)d->st.devices,
				d->st.devices ? " devices left alone" : "",
				d->rc < 0 ? " (some entries could not be read)" : "");
	}
	fprintf(out, "  walk jobs: %u\n", cfg->jobs ? cfg->jobs : walk_default_jobs());
	if (cfg->user_from) {
		fputs("  user-from: ", out);
		put(out, cfg->user_from);
		fputs(" (the identity above is its owner's, or --user's when root owns it)\n", out);
	}
	if (p->confine)
		print_confine(out, p);
	else
		fprintf(out, "  confine:   no: the workload may write wherever its user may "
			     "(see --confine-writes)\n");
	fputs("  command:  ", out);
	for (size_t i = 0; cfg->command[i]; i++) {
		fputc(' ', out);
		put(out, cfg->command[i]);
	}
	char where[PATH_MAX];
	bool found = find_command(cfg->command[0], p->envp, where, sizeof(where));
	fputs(found ? "\n  found:     " : "\n  found:     no: '", out);
	put(out, found ? where : cfg->command[0]);
	fputs(found ? "\n" : "' is not an executable on PATH (exit 127)\n", out);
}
