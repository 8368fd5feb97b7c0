/* Opening a declared path (--writable, --user-from, --allow-write) without
 * following a symlink in any component, one component at a time from "/".
 *
 * Each component is opened with openat2 (RESOLVE_NO_SYMLINKS,
 * RESOLVE_NO_MAGICLINKS, RESOLVE_BENEATH). Where openat2 is refused, with
 * ENOSYS by a kernel before 5.6, or with EPERM or EINVAL by a container
 * runtime's seccomp profile written before it existed, the same walk is
 * done with openat(O_NOFOLLOW) per component: one name at a time, never
 * "." nor "..", so nothing but that name is resolved, and the result is
 * checked (a symlink opened as O_PATH is refused). Both ways are equally
 * strict; the first refusal is logged once at info level. */
#ifndef STEPDOWN_DECLARED_H
#define STEPDOWN_DECLARED_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "stepdown/error.h"

/* A directory by identity (device and inode), not by spelling. */
struct dir_identity {
	bool set;
	dev_t dev;
	ino_t ino;
};

/* What opening a declared directory found. */
struct declared_dir {
	int fd;          /* O_RDONLY|O_DIRECTORY fd of the directory */
	bool created;    /* this call made it */
	bool under_host; /* it is, or is below, the directory `host` names */
	/* The first parent that someone other than root can write (owner not
	 * root, or group/other write without the sticky bit): its length in
	 * the path (0: none), owner and mode. Whoever can write it can rename
	 * another directory onto the declared name. */
	size_t open_parent_len;
	uid_t open_parent_uid;
	gid_t open_parent_gid;
	mode_t open_parent_mode;
};

/* Open the declared directory path (absolute, no "." or ".." components).
 * When create is set, missing components are created mode 0755 owned by
 * root, the last one then owned by uid:gid; nothing that this call did not
 * create is changed. A component that appears between the look and the
 * mkdir (EEXIST), or that is not the empty directory just made when
 * opened, was put there by someone else: it is used as it is only when the
 * parent is root-owned and no one else can write it (or it is sticky and
 * the entry is root's), otherwise -EEXIST. host, when set, is compared
 * with every component (out->under_host). Returns 0, or -errno with a
 * message in err: -ELOOP for a symlink (naming the component), -ENOENT
 * when missing and !create, -ENOTDIR, -EINVAL for a path that is not
 * absolute and plain. */
int declared_open_dir(const char *path, bool create, uid_t uid, gid_t gid,
		      const struct dir_identity *host, struct declared_dir *out, struct error *err);

/* Open path (absolute, plain; a file or a directory) as O_PATH with no
 * symlink in any component, the last included. Returns 0 with *fd set,
 * or -errno with a message in err, as declared_open_dir. */
int declared_open_path(const char *path, int *fd, struct error *err);

#endif
