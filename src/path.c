/* PATH search. execvp() reports EACCES when any PATH directory is not
 * searchable, which turns "not found" (127) into "not executable" (126)
 * for an unprivileged user with root's PATH; this search tells the two
 * apart by whether the candidate exists. */
#include "stepdown/path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stepdown/env.h"

int path_next(const char *file, const char **cursor, char *buf, size_t len)
{
	if (strchr(file, '/')) {
		if (*cursor && **cursor == '\0')
			return 0;
		*cursor = "";
		int n = snprintf(buf, len, "%s", file);
		return n >= 0 && (size_t)n < len;
	}
	if (!*cursor)
		*cursor = PATH_DEFAULT;
	while (**cursor) {
		const char *dir = *cursor;
		const char *colon = strchr(dir, ':');
		size_t n = colon ? (size_t)(colon - dir) : strlen(dir);
		*cursor = colon ? colon + 1 : dir + n;
		/* An empty element means the current directory. */
		int w = snprintf(buf, len, "%.*s%s%s", (int)n, dir, n ? "/" : "", file);
		if (w >= 0 && (size_t)w < len)
			return 1;
		if (!colon)
			break;
	}
	return 0;
}

bool path_has_dot_component(const char *path)
{
	for (const char *c = path; *c;) {
		while (*c == '/')
			c++;
		size_t n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return true;
		c += n;
	}
	return false;
}

static void exec_script(char *path, char *const argv[], char *const envp[])
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **args = calloc(n + 2, sizeof(*args));
	if (!args)
		return;
	static char sh[] = "sh";
	args[0] = sh;
	args[1] = path;
	for (size_t i = 1; i < n; i++)
		args[i + 1] = argv[i];
	execve("/bin/sh", args, envp);
	free(args);
}

int path_exec(const char *file, char *const argv[], char *const envp[])
{
	char buf[PATH_MAX];
	const char *cursor = strchr(file, '/') ? NULL : env_lookup(envp, "PATH");
	int found_err = 0;
	if (!*file)
		return -ENOENT;
	while (path_next(file, &cursor, buf, sizeof(buf))) {
		execve(buf, argv, envp);
		int e = errno;
		if (e == ENOEXEC) {
			exec_script(buf, argv, envp);
			return -ENOEXEC;
		}
		struct stat st;
		if (stat(buf, &st) < 0)
			continue; /* not there, or a directory we cannot search */
		if (e == ENOENT)
			return -ELIBACC; /* there, but its #! interpreter or loader is not */
		if (e != EACCES)
			return -e;
		found_err = e; /* found but not executable: keep looking, like execvp */
	}
	return found_err ? -found_err : -ENOENT;
}
