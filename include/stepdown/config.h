/* argv + STEPDOWN_* environment -> one validated struct. No side effects:
 * nothing is opened, resolved or changed here. */
#ifndef STEPDOWN_CONFIG_H
#define STEPDOWN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stepdown/confine.h"
#include "stepdown/error.h"
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
	bool groups_strict;  /* --groups=strict: the user's own groups only */
	bool device_groups;  /* --device-groups */
	char **device_paths; /* --device-groups=PATH:...: absolute, n_device_paths */
	size_t n_device_paths;
	uint64_t keep_caps; /* bit n = capability n */
	const char *home;   /* NULL: from the passwd entry */
	bool has_umask;
	mode_t umask;
	bool signal_group;
	int rewrite[PARSE_SIG_TABLE]; /* 0: deliver as received */
	unsigned grace;               /* seconds */
	unsigned term_delay;          /* seconds the first SIGTERM is held */
	bool remap_exit[256];         /* these exit statuses of the command become 0 */
	bool has_remap_exit;
	unsigned jobs; /* walk threads; 0: walk_default_jobs() */
	bool exec_mode;
	enum confine_mode confine_writes;
	char **allow_write; /* absolute paths, n_allow_write of them */
	size_t n_allow_write;
	bool dry_run;
	int verbosity;        /* enum log_level */
	char *const *command; /* NULL-terminated, points into argv */

	/* owned storage */
	char *storage_writable_env;
	char *storage_allow_write_env;
	char **storage_paths; /* the normal forms of the declared paths */
	size_t n_storage_paths;
};

#define CONFIG_DEFAULT_GRACE 5

/* Parse argv and envp (the environment stepdown was started with).
 * Returns 0, or -EINVAL with a message that names the bad input and says
 * what to do in err. getopt state is reset first; argv is not modified. */
int config_parse(struct config *cfg, int argc, char *const argv[], char *const envp[],
		 struct error *err);

void config_free(struct config *cfg);

/* The usage text for --help, made from the option table. */
const char *config_usage(void);

/* One row of the option table in config.c: an option's names, its
 * STEPDOWN_* twin and its --help line, and what sets it. getopt's option
 * array, the short-option string, the --help text and the variables read
 * are all made from these rows. */
struct config_parse_state;
struct config_option {
	const char *long_name; /* as written, with its "--" */
	char short_name;       /* 0: none */
	const char *env;       /* the STEPDOWN_* twin; NULL only with CONFIG_OPTION_NO_ENV */
	unsigned flags;
	int has_arg; /* getopt's no_argument, required_argument or optional_argument */
	int (*set)(struct config_parse_state *st, const char *arg); /* config.c's own */
	const char *arg_name; /* the value in --help; NULL with no_argument */
	const char *help;     /* the --help line */
};

/* No STEPDOWN_* twin, by design: --help and --version act, they configure
 * nothing. */
#define CONFIG_OPTION_NO_ENV 1u

/* The table, row by row, for the tests that hold --help, the environment
 * and the man page to it. config_option_at() is NULL past the end. */
size_t config_option_count(void);
const struct config_option *config_option_at(size_t i);

#endif
