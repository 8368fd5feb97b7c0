/* The ownership walk. See walk.h for the rules; the how:
 *
 * - Directories are read with getdents64 into a small buffer per level.
 *   At most WALK_OPEN_LEVELS levels hold an fd and a buffer; deeper trees
 *   close the shallowest open level, remember where its listing was, and
 *   reopen it through ".." of its child on the way back up, checking that it
 *   is still the same directory (device and inode). So fds and memory are
 *   bounded whatever the depth, and no path is ever resolved from the root.
 * - An entry that needs no change is only fstatat()ed. One that does is
 *   pinned with O_PATH|O_NOFOLLOW, checked again through the fd, and changed
 *   through the fd (fchownat AT_EMPTY_PATH): a swap between the look and
 *   the change cannot redirect it.
 * - With several jobs, a walker that meets a subdirectory while another
 *   walker is idle hands it over through a small bounded queue. */
#include "stepdown/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stepdown/errmsg.h"
#include "stepdown/log.h"
#include "stepdown/path.h"

#define WALK_OPEN_LEVELS 32
#define WALK_BUF 8192
#define WALK_QUEUE 256

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* ------------------------------------------------------------------ */
/* Opening the declared directory                                      */
/* ------------------------------------------------------------------ */

/* One component below dirfd, never through a symlink. */
static int open_component(int dirfd, const char *name, int flags)
{
	static atomic_bool no_openat2;
	if (!atomic_load(&no_openat2)) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
			.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
		};
		long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd >= 0 ? (int)fd : -errno;
		atomic_store(&no_openat2, true);
	}
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

int walk_open_declared(const char *path, bool create, uid_t uid, gid_t gid, int *out_fd,
		       bool *created, char *err, size_t errlen)
{
	*created = false;
	if (path[0] != '/')
		return errmsg_set(-EINVAL, err, errlen, "'%s' is not an absolute path", path);
	size_t len = strlen(path);
	char *copy = strdup(path);
	if (!copy)
		return errmsg_set(-ENOMEM, err, errlen, "out of memory");
	if (path_has_dot_component(path)) {
		free(copy);
		return errmsg_set(-EINVAL, err, errlen,
				  "'%s' has a '.' or '..' component; give the plain absolute path",
				  path);
	}
	int dirfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		free(copy);
		return errmsg_set(-errno, err, errlen, "cannot open /: %s", strerror(errno));
	}
	int r = 0;
	char *save = NULL;
	for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		bool last = (size_t)(comp - copy) + strlen(comp) == len ||
			    strspn(comp + strlen(comp) + 1, "/") ==
				    len - ((size_t)(comp - copy) + strlen(comp) + 1);
		int fd = open_component(dirfd, comp, O_RDONLY | O_DIRECTORY);
		if (fd == -ENOENT && create) {
			if (mkdirat(dirfd, comp, 0755) < 0 && errno != EEXIST) {
				r = errmsg_set(-errno, err, errlen, "cannot create '%.*s': %s",
					       (int)((size_t)(comp - copy) + strlen(comp)), path,
					       strerror(errno));
				break;
			}
			*created = last;
			fd = open_component(dirfd, comp, O_RDONLY | O_DIRECTORY);
			if (fd >= 0 && (fchmod(fd, 0755) < 0 ||
					(last && fchown(fd, uid, gid) < 0))) {
				r = errmsg_set(-errno, err, errlen, "cannot set up '%s': %s", path,
					       strerror(errno));
				close(fd);
				break;
			}
		}
		if (fd < 0) {
			struct stat st;
			int shown = (int)((size_t)(comp - copy) + strlen(comp));
			if ((fd == -ELOOP || fd == -ENOTDIR || fd == -EXDEV) &&
			    fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				r = errmsg_set(-ELOOP, err, errlen,
					       "'%.*s' is a symlink; a declared path must not contain "
					       "one (give the real path)",
					       shown, path);
			else if (fd == -ENOENT)
				r = errmsg_set(-ENOENT, err, errlen, "'%.*s' does not exist", shown,
					       path);
			else
				r = errmsg_set(fd, err, errlen, "cannot open '%.*s': %s", shown, path,
					       strerror(-fd));
			break;
		}
		close(dirfd);
		dirfd = fd;
	}
	free(copy);
	if (r < 0) {
		close(dirfd);
		return r;
	}
	*out_fd = dirfd;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

struct shared;

struct level {
	int fd;           /* -1 while closed */
	dev_t dev;
	ino_t ino;
	char *buf;        /* getdents64 buffer while open */
	size_t len, pos;
	int64_t resume;   /* d_off of the last entry taken */
	bool eof;
	bool fresh;       /* it needs a change: its entries likely do too */
	bool trusted;     /* only root can change its entries (root_only) */
	size_t path_len;  /* length of the display path of this directory */
};

struct walker {
	struct shared *sh;
	struct walk_stats st;
	struct level *levels;
	size_t depth, cap, first_open;
	char *path;
	size_t path_cap;
	uint64_t batch_seen, batch_changed;
};

struct queued {
	int fd;
	bool fresh;
	char *path;
};

struct shared {
	const struct walk_options *o;
	uint64_t root_mnt;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct queued queue[WALK_QUEUE];
	size_t queued, busy;
	atomic_uint idle;
	atomic_uint_fast64_t seen, changed;
	struct timespec start;
	double last_report;
};

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static bool path_set(struct walker *w, size_t at, const char *name)
{
	size_t n = strlen(name);
	if (at + n + 2 > w->path_cap) {
		size_t cap = (at + n + 2) * 2;
		char *p = realloc(w->path, cap);
		if (!p)
			return false;
		w->path = p;
		w->path_cap = cap;
	}
	w->path[at] = '/';
	memcpy(w->path + at + 1, name, n + 1);
	return true;
}

/* Keep the description of one of the first few entries of a kind. */
static void keep(char slots[][256], uint64_t count, const char *path, int err)
{
	if (count > WALK_ERRORS_KEPT)
		return;
	size_t n = strlen(path);
	const char *shown = n > 200 ? path + n - 200 : path;
	if (err)
		snprintf(slots[count - 1], 256, "%s'%s': %s", n > 200 ? "..." : "", shown,
			 strerror(err));
	else
		snprintf(slots[count - 1], 256, "%s'%s'", n > 200 ? "..." : "", shown);
}

static void record_error(struct walker *w, const char *path, int err)
{
	if (err == EROFS) { /* a read-only mount below: reported, not fatal */
		w->st.read_only_entries++;
		return;
	}
	if (!w->st.first_errno)
		w->st.first_errno = err;
	w->st.errors++;
	keep(w->st.error_paths, w->st.errors, path, err);
}

static void progress(struct walker *w)
{
	struct shared *sh = w->sh;
	atomic_fetch_add(&sh->seen, w->batch_seen);
	atomic_fetch_add(&sh->changed, w->batch_changed);
	w->batch_seen = w->batch_changed = 0;
	if (!sh->o->progress)
		return;
	double t = since(&sh->start);
	pthread_mutex_lock(&sh->lock);
	if (t >= 2.0 && t - sh->last_report >= 2.0) {
		sh->last_report = t;
		log_notice("fixing ownership: %llu entries seen, %llu %s, %.0f s",
			   (unsigned long long)atomic_load(&sh->seen),
			   (unsigned long long)atomic_load(&sh->changed),
			   sh->o->dry_run ? "to change" : "changed", t);
	}
	pthread_mutex_unlock(&sh->lock);
}

static void count_change(struct walker *w)
{
	w->st.changed++;
	w->batch_changed++;
}

/* What the walk needs to know of a pinned entry: one statx, which also
 * gives the mount (falling back to the device on kernels without
 * STATX_MNT_ID, consistently for the root and every entry). */
struct pinned {
	mode_t mode;
	ino_t ino;
	nlink_t nlink;
	uid_t uid;
	gid_t gid;
	dev_t dev;
	uint64_t mnt;
};

/* statx through the raw syscall: the kernel's struct (linux/stat.h), and no
 * libc wrapper needed (musl 1.2.3 has none). */
static int stat_at(int dirfd, const char *name, int flags, struct pinned *p)
{
	struct statx sx;
	if (syscall(SYS_statx, dirfd, name, flags | AT_SYMLINK_NOFOLLOW,
		    STATX_BASIC_STATS | STATX_MNT_ID, &sx) < 0)
		return -errno;
	p->mode = sx.stx_mode;
	p->ino = sx.stx_ino;
	p->nlink = sx.stx_nlink;
	p->uid = sx.stx_uid;
	p->gid = sx.stx_gid;
	p->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	p->mnt = (sx.stx_mask & STATX_MNT_ID) ? sx.stx_mnt_id : (uint64_t)p->dev;
	return 0;
}

/* The entry an fd pins. */
static int pin_stat(int fd, struct pinned *p)
{
	return stat_at(fd, "", AT_EMPTY_PATH, p);
}

/* A look by name; never followed, never trusted on its own, except in a
 * directory nobody but root can change (see walk_from). */
static int look(int dirfd, const char *name, struct pinned *p)
{
	return stat_at(dirfd, name, 0, p);
}

static bool pinned_owned(const struct shared *sh, const struct pinned *p)
{
	return p->uid == sh->o->uid && p->gid == sh->o->gid;
}

/* A non-directory, by name in dirfd: pin, check again, change. seen is
 * what fstatat() said of it, or NULL when it was not looked at first (in a
 * directory that was just re-owned, most entries need changing too).
 * Returns true when the entry turned out to be a directory and seen was
 * NULL: the caller handles it as one. */
static bool own_entry(struct walker *w, int dirfd, const char *name, const struct pinned *seen)
{
	struct shared *sh = w->sh;
	if (seen && pinned_owned(sh, seen)) {
		w->st.owned++;
		return false;
	}
	if (seen && S_ISREG(seen->mode) && seen->nlink > 1) {
		w->st.hardlinks++;
		keep(w->st.hardlink_paths, w->st.hardlinks, w->path, 0);
		return false;
	}
	int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT) /* gone since: nothing to own */
			record_error(w, w->path, errno);
		return false;
	}
	struct pinned p;
	bool is_dir = false;
	int r = pin_stat(fd, &p);
	if (r < 0) {
		record_error(w, w->path, -r);
	} else if (p.mnt != sh->root_mnt) {
		w->st.mounts++; /* a file bind-mounted here: not ours to change */
	} else if (S_ISDIR(p.mode) && !seen) {
		is_dir = true;
	} else if (S_ISDIR(p.mode) || (seen && p.ino != seen->ino)) {
		/* swapped between the look and the pin: leave it to a later run */
		record_error(w, w->path, EAGAIN);
	} else if (S_ISREG(p.mode) && p.nlink > 1) {
		w->st.hardlinks++;
		keep(w->st.hardlink_paths, w->st.hardlinks, w->path, 0);
	} else if (pinned_owned(sh, &p)) {
		w->st.owned++;
	} else if (sh->o->dry_run) {
		count_change(w);
	} else if (fchownat(fd, "", sh->o->uid, sh->o->gid,
			    AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		record_error(w, w->path, errno);
	} else {
		count_change(w);
	}
	close(fd);
	return is_dir;
}

/* A non-directory in a directory only root can change (owned by root, no
 * group or other write): no one else can rename, link or unlink there, so
 * the name stays bound to what the look saw and is changed by name. */
static void own_by_name(struct walker *w, int dirfd, const char *name, const struct pinned *e)
{
	struct shared *sh = w->sh;
	if (pinned_owned(sh, e)) {
		w->st.owned++;
	} else if (S_ISREG(e->mode) && e->nlink > 1) {
		w->st.hardlinks++;
		keep(w->st.hardlink_paths, w->st.hardlinks, w->path, 0);
	} else if (sh->o->dry_run) {
		count_change(w);
	} else if (fchownat(dirfd, name, sh->o->uid, sh->o->gid, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			record_error(w, w->path, errno);
	} else {
		count_change(w);
	}
}

/* A directory fd about to be walked: false when it is not to be descended
 * (another mount). *change tells whether it needs re-owning; that happens
 * when the walk leaves it (pop_level), so that while its entries are
 * handled it is still as trusted as it was. */
static bool own_dir(struct walker *w, int fd, struct pinned *p, bool *change)
{
	struct shared *sh = w->sh;
	*change = false;
	int r = pin_stat(fd, p);
	if (r < 0) {
		record_error(w, w->path, -r);
		return false;
	}
	if (p->mnt != sh->root_mnt) {
		w->st.mounts++;
		return false;
	}
	if (pinned_owned(sh, p))
		w->st.owned++;
	else
		*change = true;
	return true;
}

/* Only root can change entries of a root-owned directory without group or
 * other write permission (an ACL's mask shows in the group bits). */
static bool root_only(const struct pinned *p)
{
	return p->uid == 0 && !(p->mode & 022);
}

static void close_level(struct level *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->buf);
	l->fd = -1;
	l->buf = NULL;
}

static bool push_level(struct walker *w, int fd, const struct pinned *st, bool fresh,
		       size_t path_len)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct level *l = realloc(w->levels, cap * sizeof(*l));
		if (!l)
			return false;
		w->levels = l;
		w->cap = cap;
	}
	/* Keep at most WALK_OPEN_LEVELS open: close the shallowest. */
	if (w->depth - w->first_open >= WALK_OPEN_LEVELS) {
		struct level *old = &w->levels[w->first_open++];
		close(old->fd);
		free(old->buf);
		old->fd = -1;
		old->buf = NULL;
		old->len = old->pos = 0;
	}
	char *buf = malloc(WALK_BUF);
	if (!buf)
		return false;
	w->levels[w->depth++] = (struct level){ .fd = fd, .dev = st->dev, .ino = st->ino,
						.buf = buf, .fresh = fresh,
						.trusted = root_only(st), .path_len = path_len };
	return true;
}

/* Pop the top level; reopen its parent through ".." if it was closed. */
static bool pop_level(struct walker *w)
{
	struct level *top = &w->levels[w->depth - 1];
	bool ok = true;
	if (top->fresh) { /* re-own it now, through the fd that pinned it */
		struct shared *sh = w->sh;
		w->path[top->path_len] = '\0';
		if (sh->o->dry_run)
			count_change(w);
		else if (fchown(top->fd, sh->o->uid, sh->o->gid) < 0)
			record_error(w, w->path, errno);
		else
			count_change(w);
	}
	if (w->depth >= 2 && w->first_open == w->depth - 1) {
		struct level *parent = &w->levels[w->depth - 2];
		int fd = openat(top->fd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		w->path[parent->path_len] = '\0';
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != parent->dev ||
		    st.st_ino != parent->ino || lseek(fd, parent->resume, SEEK_SET) < 0 ||
		    !(parent->buf = malloc(WALK_BUF))) {
			/* moved away while we were below it: its rest is not ours */
			record_error(w, w->path, fd < 0 ? errno : ESTALE);
			if (fd >= 0)
				close(fd);
			ok = false;
		} else {
			parent->fd = fd;
			parent->len = parent->pos = 0;
			w->first_open--;
		}
	}
	close_level(top);
	w->depth--;
	if (w->first_open > w->depth)
		w->first_open = w->depth;
	return ok;
}

static struct dirent64_raw *next_entry(struct walker *w, struct level *l)
{
	if (l->pos >= l->len) {
		if (l->eof)
			return NULL;
		long n = syscall(SYS_getdents64, l->fd, l->buf, WALK_BUF);
		if (n <= 0) {
			if (n < 0)
				record_error(w, w->path, errno);
			l->eof = true;
			return NULL;
		}
		l->len = (size_t)n;
		l->pos = 0;
	}
	struct dirent64_raw *d = (struct dirent64_raw *)(void *)(l->buf + l->pos);
	l->pos += d->d_reclen;
	l->resume = d->d_off;
	return d;
}

static bool hand_over(struct walker *w, int fd, bool fresh);

/* Depth-first below an already owned directory fd. */
static void walk_from(struct walker *w, int fd, const struct pinned *st, bool fresh)
{
	size_t base = strlen(w->path);
	w->first_open = 0;
	if (!push_level(w, fd, st, fresh, base)) {
		close(fd);
		record_error(w, w->path, ENOMEM);
		return;
	}
	while (w->depth > 0) {
		struct level *l = &w->levels[w->depth - 1];
		struct dirent64_raw *d = next_entry(w, l);
		if (!d) {
			while (w->depth > 0 && !pop_level(w)) {
				/* the parent moved: abandon it too */
			}
			continue;
		}
		const char *name = d->d_name;
		if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
			continue;
		if (!path_set(w, l->path_len, name)) {
			record_error(w, w->path, ENOMEM);
			continue;
		}
		w->st.seen++;
		if (++w->batch_seen >= 4096)
			progress(w);
		struct pinned e;
		if (l->trusted) {
			/* Nobody but root can change this directory: one look, then
			 * by name (first start in an image-built tree). */
			if (look(l->fd, name, &e) < 0) {
				if (errno != ENOENT)
					record_error(w, w->path, errno);
				continue;
			}
			if (e.mnt != w->sh->root_mnt) {
				w->st.mounts++;
				continue;
			}
			if (!S_ISDIR(e.mode)) {
				own_by_name(w, l->fd, name, &e);
				continue;
			}
		} else {
			/* Re-owned directory (first start): pin straight away. Owned
			 * one (restart): one look settles most entries. */
			if (l->fresh && d->d_type != DT_DIR && d->d_type != DT_UNKNOWN &&
			    !own_entry(w, l->fd, name, NULL))
				continue;
			if (look(l->fd, name, &e) < 0) {
				if (errno != ENOENT)
					record_error(w, w->path, errno);
				continue;
			}
			if (!S_ISDIR(e.mode)) {
				own_entry(w, l->fd, name, &e);
				continue;
			}
		}
		int sub = openat(l->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
						      O_NOCTTY);
		if (sub < 0) {
			if (errno == ENOTDIR || errno == ELOOP) /* swapped for a link or file */
				own_entry(w, l->fd, name, &e);
			else if (errno != ENOENT)
				record_error(w, w->path, errno);
			continue;
		}
		struct pinned sst;
		bool changed;
		if (!own_dir(w, sub, &sst, &changed)) {
			close(sub);
			continue;
		}
		if (hand_over(w, sub, changed))
			continue;
		if (!push_level(w, sub, &sst, changed, strlen(w->path))) {
			close(sub);
			record_error(w, w->path, ENOMEM);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Jobs                                                                */
/* ------------------------------------------------------------------ */

/* Give sub to an idle walker instead of descending into it. */
static bool hand_over(struct walker *w, int fd, bool fresh)
{
	struct shared *sh = w->sh;
	if (sh->o->jobs <= 1 || atomic_load(&sh->idle) == 0)
		return false;
	char *path = strdup(w->path);
	if (!path)
		return false;
	pthread_mutex_lock(&sh->lock);
	bool taken = sh->queued < WALK_QUEUE;
	if (taken) {
		sh->queue[sh->queued++] = (struct queued){ .fd = fd, .fresh = fresh, .path = path };
		pthread_cond_signal(&sh->cond);
	}
	pthread_mutex_unlock(&sh->lock);
	if (!taken)
		free(path);
	return taken;
}

static void *worker(void *arg)
{
	struct walker *w = arg;
	struct shared *sh = w->sh;
	pthread_mutex_lock(&sh->lock);
	for (;;) {
		while (sh->queued == 0 && sh->busy > 0) {
			atomic_fetch_add(&sh->idle, 1);
			pthread_cond_wait(&sh->cond, &sh->lock);
			atomic_fetch_sub(&sh->idle, 1);
		}
		if (sh->queued == 0)
			break; /* nothing queued and nobody busy: done */
		struct queued q = sh->queue[--sh->queued];
		sh->busy++;
		pthread_mutex_unlock(&sh->lock);

		struct pinned st;
		size_t n = strlen(q.path);
		if (n + 1 > w->path_cap) {
			char *p = realloc(w->path, n + 1);
			if (p) {
				w->path = p;
				w->path_cap = n + 1;
			}
		}
		int r = w->path_cap >= n + 1 ? pin_stat(q.fd, &st) : -ENOMEM;
		if (r == 0) {
			memcpy(w->path, q.path, n + 1);
			walk_from(w, q.fd, &st, q.fresh);
		} else {
			record_error(w, q.path, -r);
			close(q.fd);
		}
		free(q.path);

		pthread_mutex_lock(&sh->lock);
		sh->busy--;
		if (sh->busy == 0 && sh->queued == 0)
			pthread_cond_broadcast(&sh->cond);
	}
	pthread_mutex_unlock(&sh->lock);
	progress(w);
	return NULL;
}

unsigned walk_default_jobs(void)
{
	cpu_set_t set;
	unsigned n = 1;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = (unsigned)CPU_COUNT(&set);
	return n < 1 ? 1 : n > 8 ? 8 : n;
}

static void merge(struct walk_stats *into, const struct walk_stats *from)
{
	into->seen += from->seen;
	into->changed += from->changed;
	into->owned += from->owned;
	into->mounts += from->mounts;
	into->read_only_entries += from->read_only_entries;
	for (uint64_t i = 0; i < from->hardlinks && i < WALK_ERRORS_KEPT; i++)
		if (into->hardlinks + i < WALK_ERRORS_KEPT)
			memcpy(into->hardlink_paths[into->hardlinks + i], from->hardlink_paths[i], 256);
	into->hardlinks += from->hardlinks;
	for (uint64_t i = 0; i < from->errors && i < WALK_ERRORS_KEPT; i++)
		if (into->errors + i < WALK_ERRORS_KEPT)
			memcpy(into->error_paths[into->errors + i], from->error_paths[i], 256);
	into->errors += from->errors;
	if (!into->first_errno)
		into->first_errno = from->first_errno;
}

int walk_tree(int root_fd, const char *display, const struct walk_options *o,
	      struct walk_stats *stats)
{
	struct shared sh = { .o = o, .lock = PTHREAD_MUTEX_INITIALIZER,
			     .cond = PTHREAD_COND_INITIALIZER };
	memset(stats, 0, sizeof(*stats));
	clock_gettime(CLOCK_MONOTONIC, &sh.start);
	unsigned jobs = o->jobs < 1 ? 1 : o->jobs > WALK_MAX_JOBS ? WALK_MAX_JOBS : o->jobs;

	struct walker *w = calloc(jobs, sizeof(*w));
	if (!w) {
		close(root_fd);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < jobs; i++) {
		w[i].sh = &sh;
		w[i].path = strdup(display);
		w[i].path_cap = w[i].path ? strlen(display) + 1 : 0;
	}
	int r = 0;
	struct pinned st;
	struct statvfs vfs;
	bool fresh;
	if (!w[0].path) {
		r = -ENOMEM;
		close(root_fd);
		goto out;
	}
	if ((r = pin_stat(root_fd, &st)) < 0) {
		close(root_fd);
		goto out;
	}
	sh.root_mnt = st.mnt;
	if (fstatvfs(root_fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		stats->read_only = true;
		stats->seen = 1;
		close(root_fd);
		goto out;
	}
	w[0].st.seen = 1;
	if (!own_dir(&w[0], root_fd, &st, &fresh)) {
		close(root_fd);
	} else if (jobs == 1) {
		walk_from(&w[0], root_fd, &st, fresh);
		progress(&w[0]);
	} else {
		sh.queue[sh.queued++] = (struct queued){ .fd = root_fd, .fresh = fresh,
							 .path = strdup(display) };
		if (!sh.queue[0].path) {
			close(root_fd);
			r = -ENOMEM;
			goto out;
		}
		pthread_t tids[WALK_MAX_JOBS];
		unsigned started = 0;
		for (unsigned i = 1; i < jobs; i++)
			if (pthread_create(&tids[started], NULL, worker, &w[i]) == 0)
				started++;
		worker(&w[0]);
		for (unsigned i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
	}
	for (unsigned i = 0; i < jobs; i++)
		merge(stats, &w[i].st);
	if (stats->errors)
		r = -stats->first_errno;
out:
	for (unsigned i = 0; i < jobs; i++) {
		for (size_t k = 0; k < w[i].depth; k++)
			close_level(&w[i].levels[k]);
		free(w[i].levels);
		free(w[i].path);
	}
	free(w);
	stats->seconds = since(&sh.start);
	return r;
}
