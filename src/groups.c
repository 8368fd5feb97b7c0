/* Phase 3b: the final supplementary groups. See groups.h. */
#include "stepdown/groups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stepdown/declared.h"

static bool has_gid(const gid_t *set, size_t n, gid_t gid)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == gid)
			return true;
	return false;
}

struct chooser {
	const struct groups_options *o;
	struct ident *id;
	struct groups_result *res;
	struct error *err;
};

static bool holds(const struct chooser *c, gid_t gid)
{
	if (gid == c->id->gid || has_gid(c->id->groups, c->id->n_groups, gid))
		return true;
	for (size_t i = 0; i < c->res->n_added; i++)
		if (c->res->added[i].gid == gid)
			return true;
	return false;
}

static int add(struct chooser *c, gid_t gid, enum groups_from from, const char *path)
{
	struct groups_result *res = c->res;
	if (c->id->n_groups + res->n_added + 1 > IDENT_MAX_GROUPS)
		return error_set(c->err, -E2BIG, "more than %u supplementary groups",
				 IDENT_MAX_GROUPS);
	struct groups_added *grown = realloc(res->added, (res->n_added + 1) * sizeof(*grown));
	if (!grown)
		return error_set(c->err, -ENOMEM, "out of memory");
	res->added = grown;
	struct groups_added *a = &res->added[res->n_added++];
	*a = (struct groups_added){ .gid = gid, .from = from };
	snprintf(a->path, sizeof(a->path), "%s", path ? path : "");
	return 0;
}

static int not_kept(struct chooser *c, gid_t gid)
{
	struct groups_result *res = c->res;
	gid_t *grown = realloc(res->not_kept, (res->n_not_kept + 1) * sizeof(*grown));
	if (!grown)
		return error_set(c->err, -ENOMEM, "out of memory");
	res->not_kept = grown;
	res->not_kept[res->n_not_kept++] = gid;
	return 0;
}

/* Each gid the runtime started stepdown with, unless it is 0, root's own
 * through the image's files, the overflow gid, or the user has it already. */
static int add_runtime(struct chooser *c)
{
	const struct groups_options *o = c->o;
	for (size_t i = 0; i < o->n_started_with; i++) {
		gid_t g = o->started_with[i];
		int r = 0;
		if (g == 0)
			continue; /* root's, always: not worth a word */
		if (g == o->overflow_gid)
			c->res->overflow = true;
		else if (has_gid(o->root_groups, o->n_root_groups, g))
			r = not_kept(c, g);
		else if (!holds(c, g))
			r = add(c, g, GROUPS_FROM_RUNTIME, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The permission class the kernel picks for the user decides: owner, then
 * group (its primary, its supplementary, what was added so far), then
 * other. */
static enum groups_verdict judge(const struct chooser *c, const struct stat *st)
{
	mode_t m = st->st_mode;
	if (st->st_uid == c->id->uid)
		return (m & 0600) == 0600 ? GROUPS_DEVICE_OPEN : GROUPS_DEVICE_CLOSED;
	if (holds(c, st->st_gid)) {
		if ((m & 060) != 060)
			return GROUPS_DEVICE_CLOSED;
		for (size_t i = 0; i < c->res->n_added; i++)
			if (c->res->added[i].gid == st->st_gid &&
			    c->res->added[i].from == GROUPS_FROM_DEVICE)
				return GROUPS_DEVICE_JOINED; /* by an earlier device */
		return GROUPS_DEVICE_OPEN;
	}
	if ((m & 06) == 06)
		return GROUPS_DEVICE_OPEN;
	if ((m & 060) != 060)
		return GROUPS_DEVICE_CLOSED;
	if (st->st_gid == 0)
		return GROUPS_DEVICE_ROOT_ONLY;
	if (st->st_gid == c->o->overflow_gid)
		return GROUPS_DEVICE_UNMAPPED;
	return c->o->switching ? GROUPS_DEVICE_JOINED : GROUPS_DEVICE_NEEDS_GID;
}

/* NULL past the bound (counted) or when out of memory (-ENOMEM in *r). */
static struct groups_device *new_device(struct chooser *c, const char *path, bool given, int *r)
{
	struct groups_result *res = c->res;
	if (res->n_devices >= GROUPS_MAX_DEVICES) {
		res->n_skipped++;
		return NULL;
	}
	struct groups_device *grown = realloc(res->devices, (res->n_devices + 1) * sizeof(*grown));
	if (!grown) {
		*r = error_set(c->err, -ENOMEM, "out of memory");
		return NULL;
	}
	res->devices = grown;
	struct groups_device *d = &res->devices[res->n_devices++];
	*d = (struct groups_device){ .given = given };
	snprintf(d->path, sizeof(d->path), "%s", path);
	return d;
}

static int judge_node(struct chooser *c, struct groups_device *d, const struct stat *st)
{
	d->mode = st->st_mode;
	d->uid = st->st_uid;
	d->gid = st->st_gid;
	if (!S_ISCHR(st->st_mode)) {
		d->verdict = GROUPS_DEVICE_NOT_CHAR;
		return 0;
	}
	d->verdict = judge(c, st);
	if (d->verdict == GROUPS_DEVICE_JOINED && !holds(c, st->st_gid))
		return add(c, st->st_gid, GROUPS_FROM_DEVICE, d->path);
	return 0;
}

/* A node of the default list: dirfd/name, not following a symlink; only
 * character devices are recorded. */
static int look(struct chooser *c, int dirfd, const char *name, const char *path)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISCHR(st.st_mode))
		return 0;
	int r = 0;
	struct groups_device *d = new_device(c, path, false, &r);
	return d ? judge_node(c, d, &st) : r;
}

/* A given path, always recorded: opened O_PATH with no symlink in any
 * component (declared.c), then looked at through that fd. */
static int look_given(struct chooser *c, const char *path)
{
	int r = 0;
	struct groups_device *d = new_device(c, path, true, &r);
	if (!d)
		return r;
	struct error why;
	struct stat st;
	int fd;
	r = declared_open_path(path, &fd, &why);
	if (r == 0) {
		r = fstat(fd, &st) < 0 ? -errno : 0;
		close(fd);
	}
	if (r == -ELOOP) {
		d->verdict = GROUPS_DEVICE_SYMLINK;
		return 0;
	}
	if (r < 0) {
		d->verdict = GROUPS_DEVICE_MISSING;
		d->err = -r;
		return 0;
	}
	return judge_node(c, d, &st);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dev_root/sub whose names start with one of prefixes (""
 * for all), in name order. A missing directory has none. */
static int scan(struct chooser *c, const char *sub, const char *const *prefixes, size_t n_prefixes)
{
	char dir[GROUPS_PATH_MAX];
	int w = snprintf(dir, sizeof(dir), "%s%s%s", c->o->dev_root, *sub ? "/" : "", sub);
	if (w < 0 || (size_t)w >= sizeof(dir))
		return 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	char *names[GROUPS_MAX_DEVICES];
	size_t n = 0;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < n_prefixes; i++) {
			if (strncmp(e->d_name, prefixes[i], strlen(prefixes[i])) == 0) {
				if (n == GROUPS_MAX_DEVICES)
					c->res->n_skipped++;
				else if (!(names[n++] = strdup(e->d_name)))
					r = error_set(c->err, -ENOMEM, "out of memory");
				break;
			}
		}
	}
	if (r == 0)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		char path[GROUPS_PATH_MAX];
		if (r == 0) {
			int pw = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			if (pw > 0 && (size_t)pw < sizeof(path))
				r = look(c, dirfd(d), names[i], path);
		}
		free(names[i]);
	}
	closedir(d);
	return r;
}

/* The nodes GPU and accelerator runtimes hand a container: DRM (AMD,
 * Intel), ROCm's compute node, NVIDIA's (MIG's capability nodes too), and
 * the kernel's accel class. */
static int add_devices(struct chooser *c)
{
	static const char *const dri[] = { "card", "renderD" };
	static const char *const top[] = { "kfd", "nvidia" };
	static const char *const all[] = { "" };
	int r;
	if ((r = scan(c, "dri", dri, 2)) < 0 || (r = scan(c, "", top, 2)) < 0 ||
	    (r = scan(c, "nvidia-caps", all, 1)) < 0 || (r = scan(c, "accel", all, 1)) < 0)
		return r;
	for (size_t i = 0; i < c->o->n_device_paths && r == 0; i++)
		r = look_given(c, c->o->device_paths[i]);
	return r;
}

static int cmp_added(const void *a, const void *b)
{
	return ident_gid_cmp(&((const struct groups_added *)a)->gid,
			     &((const struct groups_added *)b)->gid);
}

int groups_choose(const struct groups_options *o, struct ident *id, struct groups_result *res,
		  struct error *err)
{
	memset(res, 0, sizeof(*res));
	struct chooser c = { .o = o, .id = id, .res = res, .err = err };
	int r = 0;
	if (o->switching && !o->strict)
		r = add_runtime(&c);
	if (r == 0 && o->devices)
		r = add_devices(&c);
	if (r < 0 || !res->n_added)
		return r;
	qsort(res->added, res->n_added, sizeof(*res->added), cmp_added);
	gid_t *set = realloc(id->groups, (id->n_groups + res->n_added) * sizeof(*set));
	if (!set)
		return error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < res->n_added; i++)
		set[id->n_groups + i] = res->added[i].gid;
	id->groups = set;
	id->n_groups += res->n_added;
	qsort(id->groups, id->n_groups, sizeof(*id->groups), ident_gid_cmp);
	return 0;
}

void groups_free(struct groups_result *res)
{
	free(res->added);
	free(res->not_kept);
	free(res->devices);
	memset(res, 0, sizeof(*res));
}
