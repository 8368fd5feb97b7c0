/* The one opener of declared paths: see declared.h for the rules. */
#include "stepdown/declared.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stepdown/dirent_raw.h"
#include "stepdown/error.h"
#include "stepdown/log.h"
#include "stepdown/path.h"
#include "stepdown/test_hook.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static atomic_bool openat2_refused;

/* One component below dirfd, never through a symlink: openat2 where it is
 * allowed, else openat(O_NOFOLLOW) on this one name, which resolves
 * nothing else. Either way a symlink opened as O_PATH (what O_NOFOLLOW
 * gives then) is refused here. Returns the fd, with what it opened in
 * *st, or -errno. */
static int open_component(int dirfd, const char *name, int flags, struct stat *st)
{
	int fd = -1;
	if (!atomic_load(&openat2_refused)) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
			.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
		};
		long r = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (r < 0 && errno != ENOSYS && errno != EPERM && errno != EINVAL)
			return -errno;
		if (r < 0) {
			int e = errno;
			if (!atomic_exchange(&openat2_refused, true))
				log_info("openat2 is refused (%s): declared paths are opened one "
					 "component at a time with O_NOFOLLOW",
					 strerror(e));
		}
		fd = (int)r;
	}
	if (fd < 0 && (fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -errno;
	int e = fstat(fd, st) < 0 ? errno : S_ISLNK(st->st_mode) ? ELOOP : 0;
	if (e) {
		close(fd);
		return -e;
	}
	return fd;
}

/* Can someone other than root change the entries of a directory (owner
 * not root, or group/other write without the sticky bit)? */
static bool others_can_write(const struct stat *st)
{
	return st->st_uid != 0 || ((st->st_mode & 022) && !(st->st_mode & S_ISVTX));
}

/* A component someone else put there is used only where nobody but root
 * could have: the parent is root's and not writable by others, or it is
 * root's and sticky and the entry is root's too (in a sticky directory only
 * an entry's owner can rename it). */
static bool only_root_could_make(const struct stat *parent, const struct stat *entry)
{
	if (parent->st_uid != 0)
		return false;
	if (!(parent->st_mode & 022))
		return true;
	return (parent->st_mode & S_ISVTX) && entry->st_uid == 0;
}

/* Is fd the empty root-owned 0755 directory a mkdir of ours just made (in
 * a setgid parent: its group, and setgid too)? */
static bool is_fresh_mkdir(int fd, const struct stat *st, const struct stat *parent)
{
	bool sgid = parent->st_mode & S_ISGID;
	if (st->st_uid != 0 || st->st_gid != (sgid ? parent->st_gid : getegid()) ||
	    (st->st_mode & 07777) != (sgid ? (S_ISGID | 0755) : 0755))
		return false;
	char buf[256];
	bool empty = true;
	long n;
	while (empty && (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long pos = 0; pos < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(void *)(buf + pos);
			const char *name = d->d_name;
			if (!(name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))))
				empty = false;
			pos += d->d_reclen;
		}
	}
	return empty && n == 0 && lseek(fd, 0, SEEK_SET) == 0;
}

/* Why a component could not be opened, in words (fd is its -errno). */
static int open_error(int fd, int dirfd, const char *comp, const char *path, int shown,
		      struct error *err)
{
	struct stat lst;
	if ((fd == -ELOOP || fd == -ENOTDIR || fd == -EXDEV) &&
	    fstatat(dirfd, comp, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
		return error_set(err, -ELOOP,
				 "'%.*s' is a symlink; a declared path must not contain one (give "
				 "the real path)",
				 shown, path);
	if (fd == -ENOENT)
		return error_set(err, -ENOENT, "'%.*s' does not exist", shown, path);
	return error_set(err, fd, "cannot open '%.*s': %s", shown, path, strerror(-fd));
}

enum last_kind { LAST_DIR, LAST_ANY };

/* The walk from "/" that both openers share. With LAST_ANY the last
 * component may be anything but a symlink and is opened O_PATH; create
 * is then false. */
static int open_declared(const char *path, enum last_kind kind, bool create, uid_t uid, gid_t gid,
			 const struct dir_identity *host, struct declared_dir *out,
			 struct error *err)
{
	*out = (struct declared_dir){ .fd = -1 };
	if (path[0] != '/')
		return error_set(err, -EINVAL, "'%s' is not an absolute path", path);
	if (path_has_dot_component(path))
		return error_set(err, -EINVAL,
				 "'%s' has a '.' or '..' component; give the plain absolute path",
				 path);
	char *copy = strdup(path);
	if (!copy)
		return error_set(err, -ENOMEM, "out of memory");
	int dirfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat parent;
	if (dirfd < 0 || fstat(dirfd, &parent) < 0) {
		int e = errno;
		free(copy);
		if (dirfd >= 0)
			close(dirfd);
		return error_set(err, -e, "cannot open /: %s", strerror(e));
	}
	int r = 0;
	char *save = NULL;
	for (char *comp = strtok_r(copy, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		int shown = (int)((size_t)(comp - copy) + strlen(comp));
		bool last = path[shown + strspn(path + shown, "/")] == '\0';
		/* Only search permission is needed where nothing is created. */
		int flags = kind == LAST_DIR ? O_RDONLY | O_DIRECTORY
			    : last           ? O_PATH
					     : O_PATH | O_DIRECTORY;
		if (others_can_write(&parent) && !out->open_parent_len) {
			out->open_parent_len = comp - copy > 1 ? (size_t)(comp - copy) - 1 : 1;
			out->open_parent_uid = parent.st_uid;
			out->open_parent_gid = parent.st_gid;
			out->open_parent_mode = parent.st_mode & 07777;
		}
		struct stat st;
		int fd = open_component(dirfd, comp, flags, &st);
		bool made = false, raced = false;
		if (fd == -ENOENT && create) {
			TEST_HOOK("create", comp);
			/* Exactly 0755, so nothing is chmod'ed later. umask is the
			 * process's: this runs before any walk thread exists. */
			mode_t old = umask(0);
			made = mkdirat(dirfd, comp, 0755) == 0;
			int e = errno;
			umask(old);
			if (!made && e != EEXIST) {
				r = error_set(err, -e, "cannot create '%.*s': %s", shown, path,
					      strerror(e));
				break;
			}
			raced = !made;
			fd = open_component(dirfd, comp, flags, &st);
		}
		if (fd >= 0 && made && !is_fresh_mkdir(fd, &st, &parent)) {
			made = false; /* swapped between our mkdir and the open */
			raced = true;
		}
		if (fd >= 0 && raced && !only_root_could_make(&parent, &st)) {
			r = error_set(err, -EEXIST,
				      "'%.*s' appeared while stepdown was creating it, in '%.*s' "
				      "(owner uid %u): not using it; keep that parent root's",
				      shown, path, (int)(comp - copy > 1 ? comp - copy - 1 : 1),
				      path, (unsigned)parent.st_uid);
			close(fd);
			break;
		}
		if (fd < 0) {
			r = open_error(fd, dirfd, comp, path, shown, err);
			break;
		}
		if (made && last && fchown(fd, uid, gid) < 0) {
			r = error_set(err, -errno, "cannot set up '%s': %s", path, strerror(errno));
			close(fd);
			break;
		}
		if (host && host->set && st.st_dev == host->dev && st.st_ino == host->ino)
			out->under_host = true;
		out->created = made && last;
		close(dirfd);
		dirfd = fd;
		parent = st;
	}
	free(copy);
	if (r < 0) {
		close(dirfd);
		return r;
	}
	out->fd = dirfd;
	return 0;
}

int declared_open_dir(const char *path, bool create, uid_t uid, gid_t gid,
		      const struct dir_identity *host, struct declared_dir *out, struct error *err)
{
	return open_declared(path, LAST_DIR, create, uid, gid, host, out, err);
}

int declared_open_path(const char *path, int *fd, struct error *err)
{
	struct declared_dir d;
	int r = open_declared(path, LAST_ANY, false, 0, 0, NULL, &d, err);
	*fd = d.fd;
	return r;
}
