/* The workload's environment. */
#ifndef STEPDOWN_ENV_H
#define STEPDOWN_ENV_H

#include <stdbool.h>

/* A new NULL-terminated environment: envp without STEPDOWN_* variables (they
 * configure stepdown, not the workload) and with HOME, USER and LOGNAME
 * replaced. The array and its strings are malloc'd; NULL on ENOMEM. */
char **env_build(char *const envp[], const char *user, const char *home);

void env_free(char **env);

/* HOME for the workload, chosen before the drop: --home (home_opt), else
 * the passwd home of the user it becomes (or has an entry for), else the
 * HOME it was given, else "/". */
const char *env_choose_home(const char *home_opt, bool switching, bool has_entry,
			    const char *passwd_home, char *const envp[]);

/* After the drop: true when a default HOME is to become /tmp, because the
 * workload cannot write it (or may not, confined). Caches of Hugging Face,
 * torch, matplotlib... live under HOME. */
bool env_home_unusable(const char *home, bool confined_out);

/* Value of name in envp, or NULL. */
const char *env_lookup(char *const envp[], const char *name);

#endif
