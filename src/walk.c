/* The ownership walk. See walk.h for the rules and the promise; the how:
 *
 * - Directories are read with getdents64 into a small buffer per level.
 *   At most WALK_OPEN_LEVELS levels hold an fd and a buffer (the walker's
 *   first level always does); deeper trees close the shallowest open level,
 *   remember where its listing was, and reopen it on the way back up through
 *   ".." of its child, or when the child was moved, name by name from the
 *   nearest open ancestor, checking every level's identity (device and
 *   inode). A level that cannot be found again was moved away: the rest of
 *   it is not walked, and that is reported. So fds and memory are bounded
 *   whatever the depth, and no path is ever resolved from the root.
 * - An entry that needs no change costs one statx (restart). One that does
 *   is pinned, looked at through the pin, proven to have no name outside
 *   the tree (the proof, above watch_level), and changed through the pin
 *   (own_pinned).
 * - With several jobs, a walker that meets a subdirectory while another
 *   walker is idle hands it over through a small bounded queue. */
#include "stepdown/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/stat.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "stepdown/dirent_raw.h"
#include "stepdown/error.h"
#include "stepdown/log.h"
#include "stepdown/test_hook.h"

#define WALK_OPEN_LEVELS 32
#define WALK_BUF 8192
#define WALK_QUEUE 256

/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

struct shared;

struct level {
	int fd; /* -1 while closed */
	dev_t dev;
	ino_t ino;
	char *buf; /* getdents64 buffer while open */
	size_t len, pos;
	int64_t resume; /* d_off of the last entry taken */
	bool eof;
	bool fresh;      /* it needs a change: its entries likely do too */
	bool gone;       /* moved away while closed: not walked further */
	int wd;          /* its inotify watch, or -1 (see name_kept) */
	size_t path_len; /* length of the display path of this directory */
};

struct walker {
	struct shared *sh;
	struct walk_stats st;
	struct level *levels;
	size_t depth, cap, open_from; /* levels[1..open_from) are closed */
	char *path;
	size_t path_cap;
	uint64_t batch_seen, batch_changed;
	int notify;     /* inotify fd once a change needed one, else -1 */
	int notify_err; /* why it could not be had (errno), once known */
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

/* Keep the path of one of the first few entries of a kind (its last 200
 * bytes), quoted. */
static void keep(char slots[][256], uint64_t count, const char *path)
{
	if (count > WALK_ERRORS_KEPT)
		return;
	size_t n = strlen(path);
	snprintf(slots[count - 1], 256, "%s'%s'", n > 200 ? "..." : "",
		 n > 200 ? path + n - 200 : path);
}

/* A failure that stops the start, whatever its errno. */
static void count_error(struct walker *w, const char *path, int err)
{
	if (++w->st.errors > WALK_ERRORS_KEPT)
		return;
	size_t n = strlen(path);
	error_set(&w->st.errors_kept[w->st.errors - 1], -err, "%s'%s': %s", n > 200 ? "..." : "",
		  n > 200 ? path + n - 200 : path, strerror(err));
}

static void record_error(struct walker *w, const char *path, int err)
{
	if (err == ENOENT || err == ESTALE)
		return;     /* gone since it was listed: nothing left to own */
	if (err == EROFS) { /* a read-only mount below: reported, not fatal */
		w->st.read_only_entries++;
		return;
	}
	count_error(w, path, err);
}

static void record_hardlink(struct walker *w)
{
	w->st.hardlinks++;
	keep(w->st.hardlink_paths, w->st.hardlinks, w->path);
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

/* What the walk needs to know of an entry: one statx, which also gives the
 * mount. Where statx has no mount id (Linux before 5.8) or is refused
 * (ENOSYS, or EPERM/EINVAL from an old seccomp profile; then fstatat), a
 * pin's mount id is read from /proc/self/fdinfo, and a look by name says
 * MNT_UNKNOWN: only pins decide what is another mount. */
struct pinned {
	mode_t mode;
	ino_t ino;
	nlink_t nlink;
	uid_t uid;
	gid_t gid;
	dev_t dev;
	uint64_t mnt;
};

#define MNT_UNKNOWN UINT64_MAX

static atomic_bool statx_refused;

/* The mount id of what fd pins, from /proc/self/fdinfo (Linux 3.15), on
 * a real procfs (a fake /proc could forge it). -EOPNOTSUPP when it cannot
 * be read: never guessed. */
static int fd_mount_id(int fd, uint64_t *mnt)
{
	char name[64], buf[512];
	snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", fd);
	int in = open(name, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? -errno : -EOPNOTSUPP;
	struct statfs fs;
	ssize_t n = fstatfs(in, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC
			    ? read(in, buf, sizeof(buf) - 1)
			    : -1;
	close(in);
	if (n <= 0)
		return -EOPNOTSUPP;
	buf[n] = '\0';
	const char *at = strstr(buf, "\nmnt_id:");
	if (!at)
		return -EOPNOTSUPP;
	at += 8;
	at += strspn(at, " \t");
	uint64_t id = 0;
	size_t digits = 0;
	for (; *at >= '0' && *at <= '9' && digits < 19; at++, digits++)
		id = id * 10 + (uint64_t)(*at - '0');
	if (digits == 0 || (*at != '\n' && *at != '\0'))
		return -EOPNOTSUPP;
	*mnt = id;
	return 0;
}

/* statx through the raw syscall: the kernel's struct (linux/stat.h), and no
 * libc wrapper needed (musl 1.2.3 has none). */
static int stat_at(int dirfd, const char *name, int flags, struct pinned *p)
{
	bool pin = flags & AT_EMPTY_PATH;
	struct statx sx;
	if (!atomic_load(&statx_refused)) {
		if (syscall(SYS_statx, dirfd, name, flags | AT_SYMLINK_NOFOLLOW,
			    STATX_BASIC_STATS | STATX_MNT_ID, &sx) == 0) {
			p->mode = sx.stx_mode;
			p->ino = sx.stx_ino;
			p->nlink = sx.stx_nlink;
			p->uid = sx.stx_uid;
			p->gid = sx.stx_gid;
			p->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
			p->mnt = MNT_UNKNOWN;
			/* An id of 0 with the mask bit set is an emulator's statx
			 * (qemu-user 7.2 passes the mask on, not the id): asked of
			 * fdinfo instead, so another mount is never taken for ours. */
			if ((sx.stx_mask & STATX_MNT_ID) && sx.stx_mnt_id != 0)
				p->mnt = sx.stx_mnt_id;
			else if (pin)
				return fd_mount_id(dirfd, &p->mnt);
			return 0;
		}
		int e = errno;
		if (e != ENOSYS && e != EPERM && e != EINVAL)
			return -e;
		if (!atomic_exchange(&statx_refused, true))
			log_info("statx is refused (%s): the walk uses fstatat, and "
				 "/proc/self/fdinfo for mount ids",
				 strerror(e));
	}
	struct stat st;
	if (fstatat(dirfd, name, &st, flags | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	p->mode = st.st_mode;
	p->ino = st.st_ino;
	p->nlink = st.st_nlink;
	p->uid = st.st_uid;
	p->gid = st.st_gid;
	p->dev = st.st_dev;
	p->mnt = MNT_UNKNOWN;
	return pin ? fd_mount_id(dirfd, &p->mnt) : 0;
}

/* The entry an fd pins. */
static int pin_stat(int fd, struct pinned *p)
{
	return stat_at(fd, "", AT_EMPTY_PATH, p);
}

/* A look by name; never followed. On its own it proves nothing about what
 * a later call by name reaches: nothing is ever changed by name. */
static int look(int dirfd, const char *name, struct pinned *p)
{
	return stat_at(dirfd, name, 0, p);
}

static bool pinned_owned(const struct shared *sh, const struct pinned *p)
{
	return p->uid == sh->o->uid && p->gid == sh->o->gid;
}

static bool is_device(const struct pinned *p)
{
	return S_ISBLK(p->mode) || S_ISCHR(p->mode);
}

static void record_device(struct walker *w)
{
	w->st.devices++;
	keep(w->st.device_paths, w->st.devices, w->path);
}

enum verdict { DONE, RETRY, IS_DIR };

/* The proof that a change stays inside the tree. A link count of 1 read
 * through the pin is not enough on its own, nor is a look by name: the
 * kernel drops the count of a name being unlinked before that name leaves
 * the dentry cache, so for a moment an outside file that was linked in as
 * dir/name and is being unlinked again shows one link while dir/name still
 * reaches it. What closes that moment:
 *   1. the directory is watched (inotify: deletes and moves) before the
 *      entry is pinned (watch_level);
 *   2. the link count is read through the pin: 1;
 *   3. the directory's lock is taken and given back: a getdents64 with no
 *      room takes it and returns nothing, so an unlink or rename in the
 *      directory that was under way in step 2 has finished, and queued its
 *      event, when it returns;
 *   4. no event since the pin names the entry (name_kept).
 * Then the pinned name stayed in the directory, under its name, from the
 * pin to step 3 and was not being removed in step 2: it was counted, and
 * so it was the inode's only name. A name moved to another directory would
 * have left its event in step 4 too. */
static int watch_level(struct walker *w, struct level *l)
{
	if (l->wd >= 0)
		return 0;
	if (w->notify < 0) {
		if (w->notify_err)
			return -w->notify_err;
		struct statfs fs; /* /proc/self/fd must be procfs's: a fake one could
				   * point the watch at another directory */
		if (statfs("/proc/self/fd", &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC) {
			w->notify_err = ENOENT;
			return -ENOENT;
		}
		int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (fd < 0) {
			w->notify_err = errno;
			return -errno;
		}
		w->notify = fd;
	}
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", l->fd);
	int wd = inotify_add_watch(w->notify, proc,
				   IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR);
	if (wd < 0)
		return -errno;
	l->wd = wd;
	return 0;
}

static void unwatch_level(struct walker *w, struct level *l)
{
	if (l->wd >= 0 && w->notify >= 0)
		inotify_rm_watch(w->notify, l->wd);
	l->wd = -1;
}

/* A change that could not be proven, because the directory could not be
 * watched: not made, and the start fails (it would leave the entry root's).
 * The first says what to do. */
static void record_unwatched(struct walker *w, int err)
{
	bool first = w->st.errors == 0;
	if (++w->st.errors > WALK_ERRORS_KEPT)
		return;
	size_t n = strlen(w->path);
	error_set(&w->st.errors_kept[w->st.errors - 1], -err,
		  "%s'%s': its directory cannot be watched (%s%s), so a change cannot be "
		  "proven to stay inside the tree%s",
		  n > 200 ? "..." : "", n > 200 ? w->path + n - 200 : w->path,
		  w->notify >= 0  ? "inotify_add_watch: "
		  : err == ENOENT ? ""
				  : "inotify: ",
		  w->notify < 0 && err == ENOENT ? "/proc is not mounted" : strerror(err),
		  first ? "; the walk needs /proc mounted and inotify: raise "
			  "fs.inotify.max_user_instances (one per walk job) or max_user_watches, "
			  "lower --jobs, or allow inotify_init1 and inotify_add_watch in the "
			  "seccomp profile"
			: "");
}

/* Steps 3 and 4 for dir l and its entry name: 1 when no unlink or rename
 * of name was seen since the last call, 0 when one was (or events were
 * lost), negative errno when the directory could not be fenced. */
static int name_kept(struct walker *w, struct level *l, const char *name)
{
	/* Room for no entry (the kernel then fails with EINVAL and leaves the
	 * position as it was); one byte, not zero, because qemu-user turns a
	 * zero-length getdents64 into ENOMEM. */
	char none[1];
	if (syscall(SYS_getdents64, l->fd, none, sizeof(none)) < 0 && errno != EINVAL)
		return -errno;
	int kept = 1;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->notify, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return kept;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (size_t at = 0; at + sizeof(struct inotify_event) <= (size_t)n;) {
			const struct inotify_event *ev = (const void *)(buf + at);
			at += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW)
				kept = 0;
			else if (ev->wd == l->wd && (ev->mask & IN_IGNORED))
				l->wd = -1, kept = 0; /* the watch is gone */
			else if (ev->wd == l->wd && ev->len && !strcmp(ev->name, name))
				kept = 0;
		}
	}
}

/* A change through fd turned out unproven (a link appeared since the look):
 * put back the owner, and the mode where the chown cleared set-id bits. */
static void undo_change(struct walker *w, int fd, const struct pinned *before,
			const struct pinned *now)
{
	if (fchownat(fd, "", before->uid, before->gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		count_error(w, w->path, errno);
		return;
	}
	if (!S_ISLNK(before->mode) && (before->mode & 07777) != (now->mode & 07777)) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (chmod(proc, before->mode & 07777) < 0) { /* no /proc: fail, loudly */
			count_error(w, w->path, errno);
			return;
		}
	}
	w->st.undone++;
	record_hardlink(w);
}

/* A non-directory pinned by fd as name in directory l (watched since
 * before the pin): change it only when its link count, read through the
 * pin, is 1 and that count is proven to include this name (see the proof
 * above). A link that appears after the change is seen through the pin,
 * and the change is undone. */
static enum verdict own_pinned(struct walker *w, struct level *l, const char *name, int fd)
{
	struct shared *sh = w->sh;
	struct pinned p, after;
	int r = pin_stat(fd, &p);
	if (r < 0) {
		record_error(w, w->path, -r);
		return DONE;
	}
	if (p.mnt != sh->root_mnt) {
		w->st.mounts++; /* a file bind-mounted here: not ours to change */
		return DONE;
	}
	if (S_ISDIR(p.mode))
		return IS_DIR;
	if (pinned_owned(sh, &p)) {
		w->st.owned++;
		return DONE;
	}
	if (is_device(&p)) {
		record_device(w);
		return DONE;
	}
	if (p.nlink == 0)
		return DONE; /* unlinked since: no name left to own */
	if (p.nlink > 1) {
		record_hardlink(w);
		return DONE;
	}
	if (sh->o->dry_run) {
		count_change(w);
		return DONE;
	}
	TEST_HOOK("counted", name);
	if ((r = name_kept(w, l, name)) < 0) {
		record_error(w, w->path, -r);
		return DONE;
	}
	if (r == 0)
		return RETRY; /* moved or removed since the pin: look again */
	if (fchownat(fd, "", sh->o->uid, sh->o->gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		record_error(w, w->path, errno);
		return DONE;
	}
	if ((r = pin_stat(fd, &after)) < 0 || after.nlink > 1)
		undo_change(w, fd, &p, r < 0 ? &p : &after);
	else
		count_change(w);
	return DONE;
}

/* A non-directory, by name in directory l: pinned, checked, changed
 * through the pin (own_pinned). seen is what a look just said of it
 * (restart: an owned entry costs that one look), or NULL when it was not
 * looked at (in a directory that was just re-owned, most entries need
 * changing too). Returns IS_DIR when it turned out to be a directory. */
static enum verdict own_entry(struct walker *w, struct level *l, const char *name,
			      const struct pinned *seen)
{
	if (seen && pinned_owned(w->sh, seen)) {
		w->st.owned++;
		return DONE;
	}
	if (seen && is_device(seen)) {
		record_device(w);
		return DONE;
	}
	int r; /* a dry run too: it says whether a real run could prove its changes */
	if ((r = watch_level(w, l)) < 0) {
		record_unwatched(w, -r);
		return DONE;
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		TEST_HOOK("seen", name);
		int fd = openat(l->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			record_error(w, w->path, errno); /* ENOENT: gone, not an error */
			return DONE;
		}
		TEST_HOOK("pinned", name);
		enum verdict v = own_pinned(w, l, name, fd);
		close(fd);
		if (v != RETRY)
			return v;
		if (l->wd < 0 && (r = watch_level(w, l)) < 0) { /* its watch went away */
			record_unwatched(w, -r);
			return DONE;
		}
	}
	w->st.raced++; /* its name kept moving: left to a later start */
	return DONE;
}

/* A directory fd about to be walked: false when it is not to be descended
 * (another mount, the --user-from dir). *change tells whether it needs
 * re-owning; that happens when the walk leaves it (pop_level). */
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
	const struct dir_identity *host = &sh->o->host;
	if (host->set && p->dev == host->dev && p->ino == host->ino) {
		w->st.host++;
		return false;
	}
	if (pinned_owned(sh, p))
		w->st.owned++;
	else
		*change = true;
	return true;
}

static void close_level(struct level *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->buf);
	l->fd = -1;
	l->buf = NULL;
	l->len = l->pos = 0;
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
	/* Keep at most WALK_OPEN_LEVELS open: close the shallowest but the
	 * first, which stays open to find closed levels again from. */
	if (w->depth >= WALK_OPEN_LEVELS && w->depth - w->open_from >= WALK_OPEN_LEVELS - 1)
		close_level(&w->levels[w->open_from++]);
	char *buf = malloc(WALK_BUF);
	if (!buf)
		return false;
	w->levels[w->depth++] = (struct level){ .fd = fd,
						.dev = st->dev,
						.ino = st->ino,
						.buf = buf,
						.fresh = fresh,
						.wd = -1,
						.path_len = path_len };
	return true;
}

static bool same_dir(int fd, const struct level *l)
{
	struct stat st;
	return fstat(fd, &st) == 0 && st.st_dev == l->dev && st.st_ino == l->ino;
}

/* Find closed level `target` again, name by name from the nearest open
 * level above it, each level checked to be the directory it was. Returns
 * an fd, or -1 with *lost set to the first level that is not where it was. */
static int reopen_by_names(struct walker *w, size_t target, size_t *lost)
{
	size_t from = target;
	while (w->levels[--from].fd < 0) {
	}
	int cur = w->levels[from].fd;
	for (size_t i = from + 1; i <= target; i++) {
		struct level *l = &w->levels[i];
		size_t start = w->levels[i - 1].path_len + 1;
		char saved = w->path[l->path_len];
		w->path[l->path_len] = '\0';
		int fd = openat(cur, w->path + start,
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		w->path[l->path_len] = saved;
		if (cur != w->levels[from].fd)
			close(cur);
		if (fd >= 0 && !same_dir(fd, l)) {
			close(fd);
			fd = -1;
		}
		if (fd < 0) {
			*lost = i;
			return -1;
		}
		cur = fd;
	}
	return cur;
}

/* Pop the top level, re-owning it if it needs it; reopen its parent if it
 * was closed, or give the parent up when it moved away. */
static void pop_level(struct walker *w)
{
	struct shared *sh = w->sh;
	struct level *top = &w->levels[w->depth - 1];
	w->path[top->path_len] = '\0';
	unwatch_level(w, top);
	if (top->fresh && !top->gone) { /* re-own it now, through the fd that pinned it */
		if (sh->o->dry_run)
			count_change(w);
		else if (fchown(top->fd, sh->o->uid, sh->o->gid) < 0)
			record_error(w, w->path, errno);
		else
			count_change(w);
	}
	size_t pi = w->depth - 2;
	if (w->depth >= 2 && w->levels[pi].fd < 0 && !w->levels[pi].gone) {
		struct level *parent = &w->levels[pi];
		int fd = -1;
		size_t lost = pi;
		if (top->fd >= 0) {
			fd = openat(top->fd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0 && !same_dir(fd, parent)) {
				close(fd); /* top was moved: find the parent by its names */
				fd = -1;
			}
		}
		if (fd < 0)
			fd = reopen_by_names(w, pi, &lost);
		if (fd >= 0 && lseek(fd, parent->resume, SEEK_SET) < 0) {
			if (errno == EINVAL && parent->resume == INT64_MAX) {
				parent->eof =
					true; /* ext4's and btrfs's cookie after the last entry */
			} else {
				close(fd); /* removed since it was found */
				fd = -1;
			}
		}
		if (fd >= 0 && !(parent->buf = malloc(WALK_BUF))) {
			close(fd);
			record_error(w, w->path, ENOMEM);
			for (size_t i = 1; i <= pi; i++)
				w->levels[i].gone = true;
		} else if (fd >= 0) {
			parent->fd = fd;
			parent->len = parent->pos = 0;
			if (w->open_from > pi)
				w->open_from = pi;
		} else {
			/* moved away while we were below it: the rest is not ours */
			w->path[w->levels[lost].path_len] = '\0';
			w->st.moved++;
			keep(w->st.moved_paths, w->st.moved, w->path);
			for (size_t i = lost; i <= pi; i++)
				w->levels[i].gone = true;
		}
	}
	close_level(top);
	w->depth--;
	if (w->open_from > w->depth)
		w->open_from = w->depth;
}

static struct dirent64_raw *next_entry(struct walker *w, struct level *l)
{
	if (l->gone || l->fd < 0)
		return NULL;
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

/* Depth-first below the directory fd. */
static void walk_from(struct walker *w, int fd, const struct pinned *st, bool fresh)
{
	size_t base = strlen(w->path);
	w->open_from = 1;
	if (!push_level(w, fd, st, fresh, base)) {
		close(fd);
		record_error(w, w->path, ENOMEM);
		return;
	}
	while (w->depth > 0) {
		struct level *l = &w->levels[w->depth - 1];
		struct dirent64_raw *d = next_entry(w, l);
		if (!d) {
			pop_level(w);
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
		/* Re-owned directory (first start): pin straight away. Owned one
		 * (restart): one look settles most entries. */
		if (l->fresh && d->d_type != DT_DIR && d->d_type != DT_UNKNOWN) {
			if (own_entry(w, l, name, NULL) != IS_DIR)
				continue;
		} else {
			int r = look(l->fd, name, &e);
			if (r < 0) {
				record_error(w, w->path, -r);
				continue;
			}
			if (e.mnt != MNT_UNKNOWN && e.mnt != w->sh->root_mnt) {
				w->st.mounts++;
				continue;
			}
			if (!S_ISDIR(e.mode) && own_entry(w, l, name, &e) != IS_DIR)
				continue;
		}
		int sub = openat(l->fd, name,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (sub < 0) {
			if (errno != ENOTDIR && errno != ELOOP)
				record_error(w, w->path, errno);
			else if (own_entry(w, l, name, NULL) == IS_DIR)
				w->st.raced++; /* flips between a directory and not */
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

/* Add a count and its kept descriptions to another walker's. */
static void merge_kept(char into[][256], uint64_t *into_n, char from[][256], uint64_t from_n)
{
	for (uint64_t i = 0; i < from_n && *into_n + i < WALK_ERRORS_KEPT; i++)
		memcpy(into[*into_n + i], from[i], 256);
	*into_n += from_n;
}

static void merge(struct walk_stats *into, struct walk_stats *from)
{
	into->seen += from->seen;
	into->changed += from->changed;
	into->owned += from->owned;
	into->mounts += from->mounts;
	into->host += from->host;
	into->raced += from->raced;
	into->undone += from->undone;
	into->read_only_entries += from->read_only_entries;
	merge_kept(into->hardlink_paths, &into->hardlinks, from->hardlink_paths, from->hardlinks);
	merge_kept(into->device_paths, &into->devices, from->device_paths, from->devices);
	merge_kept(into->moved_paths, &into->moved, from->moved_paths, from->moved);
	for (uint64_t i = 0; i < from->errors && into->errors + i < WALK_ERRORS_KEPT; i++)
		into->errors_kept[into->errors + i] = from->errors_kept[i];
	into->errors += from->errors;
}

int walk_tree(int root_fd, const char *display, const struct walk_options *o,
	      struct walk_stats *stats)
{
	struct shared sh = { .o = o,
			     .lock = PTHREAD_MUTEX_INITIALIZER,
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
		w[i].notify = -1;
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
		count_error(&w[0], display, -r);
		merge(stats, &w[0].st);
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
		sh.queue[sh.queued++] = (struct queued){ .fd = root_fd,
							 .fresh = fresh,
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
		r = stats->errors_kept[0].code;
out:
	for (unsigned i = 0; i < jobs; i++) {
		for (size_t k = 0; k < w[i].depth; k++)
			close_level(&w[i].levels[k]);
		free(w[i].levels);
		free(w[i].path);
		if (w[i].notify >= 0)
			close(w[i].notify);
	}
	free(w);
	stats->seconds = since(&sh.start);
	return r;
}
