/* Finding the workload's command on PATH, as the exec and the dry run see it. */
#ifndef STEPDOWN_PATH_H
#define STEPDOWN_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* PATH when the workload's environment has none (Docker's default). */
#define PATH_DEFAULT "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The candidates for file, one per call: *cursor starts at the PATH value
 * (or NULL for PATH_DEFAULT) and advances; a file containing '/' is its
 * only candidate. Writes the candidate into buf and returns 1, or 0 when
 * there are no more. Candidates longer than len are skipped. */
int path_next(const char *file, const char **cursor, char *buf, size_t len);

/* Execute file like execvp, but report 127 semantics honestly: returns
 * -ENOENT when no candidate exists (even if some PATH directory could not
 * be searched), -EACCES or another errno when a candidate exists but could
 * not be executed, -ELIBACC when it exists but its #! interpreter or ELF
 * loader does not. A file without #! runs with /bin/sh, as execvp does. */
/* Does path have a "." or ".." component? Such a path may name something
 * other than it seems to; declared directories must not have one. */
bool path_has_dot_component(const char *path);

int path_exec(const char *file, char *const argv[], char *const envp[]);

#endif
