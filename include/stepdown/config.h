/* argv + STEPDOWN_* environment -> one validated struct. No side effects:
 * nothing is opened, resolved or changed here. */
#ifndef STEPDOWN_CONFIG_H
#define STEPDOWN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stepdown/confine.h"
#include "stepdown/parse.h"

enum config_action {
	CONFIG_RUN = 0,
	CONFIG_HELP,
	CONFIG_VERSION,
};

struct config {
	enum config_action action;
	const char *user;      /* USER[:GROUP] or NULL */
	const char *user_from; /* absolute path or NULL */
	char **writable;       /* absolute paths, n_writable of them */
	/* Declared paths (user_from, writable, home, allow_write) are held in
	 * normal form, in storage_paths: one '/' between components, none at
	 * the end except for "/" itself. */
	size_t n_writable;
	uint64_t keep_caps;    /* bit n = capability n */
	const char *home;      /* NULL: from the passwd entry */
	bool has_umask;
	mode_t umask;
	bool signal_group;
	int rewrite[PARSE_SIG_TABLE]; /* 0: deliver as received */
	unsigned grace;        /* seconds */
	unsigned jobs;         /* walk threads; 0: walk_default_jobs() */
	bool exec_mode;
	enum confine_mode confine_writes;
	char **allow_write;    /* absolute paths, n_allow_write of them */
	size_t n_allow_write;
	bool dry_run;
	int verbosity;         /* enum log_level */
	char *const *command;  /* NULL-terminated, points into argv */

	/* owned storage */
	char *storage_writable_env;
	char *storage_allow_write_env;
	char **storage_paths;  /* the normal forms of the declared paths */
	size_t n_storage_paths;
};

#define CONFIG_DEFAULT_GRACE 5

/* Parse argv and envp (the environment stepdown was started with).
 * Returns 0, or -EINVAL with a message that names the bad input and says
 * what to do in err. getopt state is reset first; argv is not modified. */
int config_parse(struct config *cfg, int argc, char *const argv[], char *const envp[],
		 char *err, size_t errlen);

void config_free(struct config *cfg);

/* The usage text for --help. */
const char *config_usage(void);

#endif
