/* The workload's environment: the caller's, less STEPDOWN_*, with HOME, USER
 * and LOGNAME describing the target user. */
#include "stepdown/env.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_name(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

const char *env_lookup(char *const envp[], const char *name)
{
	for (size_t i = 0; envp[i]; i++)
		if (has_name(envp[i], name))
			return envp[i] + strlen(name) + 1;
	return NULL;
}

static bool dropped(const char *entry)
{
	return strncmp(entry, "STEPDOWN_", 9) == 0 || has_name(entry, "HOME") ||
	       has_name(entry, "USER") || has_name(entry, "LOGNAME");
}

static char *join(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s=%s", name, value);
	return s;
}

char **env_build(char *const envp[], const char *user, const char *home)
{
	size_t n = 0;
	while (envp[n])
		n++;
	char **env = calloc(n + 4, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (dropped(envp[i]))
			continue;
		if (!(env[k++] = strdup(envp[i])))
			goto oom;
	}
	if (!(env[k++] = join("HOME", home)) || !(env[k++] = join("USER", user)) ||
	    !(env[k++] = join("LOGNAME", user)))
		goto oom;
	env[k] = NULL;
	return env;
oom:
	env_free(env);
	return NULL;
}

void env_free(char **env)
{
	if (!env)
		return;
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

const char *env_choose_home(const char *home_opt, bool switching, bool has_entry,
			    const char *passwd_home, char *const envp[])
{
	if (home_opt)
		return home_opt;
	if (switching || has_entry)
		return passwd_home;
	const char *home = env_lookup(envp, "HOME");
	return home && *home ? home : passwd_home;
}

bool env_home_unusable(const char *home, bool confined_out)
{
	return confined_out || access(home, W_OK) != 0;
}
