/* Phase 4 as root: the --writable dirs. See writable.h. */
#include "stepdown/writable.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <unistd.h>

#include "stepdown/priv.h"

static int stop(struct writable_result *res, enum writable_stop why, size_t at, int code)
{
	res->stop = why;
	res->failed = at;
	res->err.code = code;
	return code;
}

int writable_fix(const char *const *paths, size_t n, const struct writable_run *run,
		 struct writable_result *res)
{
	*res = (struct writable_result){ .stop = WRITABLE_DONE };
	if (n == 0)
		return 0; /* nothing to re-own: CAP_CHOWN is not needed */
	if (!run->dry_run && !priv_has_cap(CAP_CHOWN))
		return stop(res, WRITABLE_NO_CHOWN, 0, -EPERM);
	if (!(res->dirs = calloc(n, sizeof(*res->dirs)))) {
		error_set(&res->err, -ENOMEM, "out of memory");
		return stop(res, WRITABLE_BAD_PATH, 0, -ENOMEM);
	}
	/* Every declared path is checked before any is created or walked. */
	for (size_t i = 0; i < n; i++) {
		struct declared_dir dd;
		int r = declared_open_dir(paths[i], false, run->uid, run->gid, &run->host, &dd,
					  &res->err);
		if (r == 0)
			close(dd.fd);
		else if (r != -ENOENT)
			return stop(res, WRITABLE_BAD_PATH, i, r);
	}
	res->err = (struct error){ 0 };
	struct walk_options wo = { .uid = run->uid,
				   .gid = run->gid,
				   .dry_run = run->dry_run,
				   .jobs = run->jobs ? run->jobs : walk_default_jobs(),
				   .progress = run->progress,
				   .host = run->host };
	for (size_t i = 0; i < n; i++) {
		struct writable_dir *d = &res->dirs[i];
		d->path = paths[i];
		res->n_done = i + 1;
		int r = declared_open_dir(d->path, !run->dry_run, run->uid, run->gid, &run->host,
					  &d->opened, &res->err);
		if (r == -ENOENT && run->dry_run) {
			d->missing = true;
			continue;
		}
		if (r < 0)
			return stop(res, WRITABLE_NO_OPEN, i, r);
		d->created = d->opened.created;
		d->under_host = d->opened.under_host;
		int fd = d->opened.fd;
		d->opened.fd = -1;
		if (d->under_host) {
			close(fd);
			continue;
		}
		d->walked = true;
		d->rc = walk_tree(fd, d->path, &wo, &d->st);
		if (d->rc < 0 && !run->dry_run)
			return stop(res, WRITABLE_WALK, i, d->rc);
	}
	return 0;
}

void writable_free(struct writable_result *res)
{
	free(res->dirs);
	res->dirs = NULL;
}
