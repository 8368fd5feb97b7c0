/* The workload's environment. */
#ifndef STEPDOWN_ENV_H
#define STEPDOWN_ENV_H

/* A new NULL-terminated environment: envp without STEPDOWN_* variables (they
 * configure stepdown, not the workload) and with HOME, USER and LOGNAME
 * replaced. The array and its strings are malloc'd; NULL on ENOMEM. */
char **env_build(char *const envp[], const char *user, const char *home);

void env_free(char **env);

/* Value of name in envp, or NULL. */
const char *env_lookup(char *const envp[], const char *name);

#endif
