/* Write confinement with Landlock (--confine-writes): once the workload
 * runs, it may write only to the declared --writable dirs, a short default
 * list every program needs and the --allow-write paths; reading and
 * executing stay allowed everywhere. Raw system calls, no library. */
#ifndef STEPDOWN_CONFINE_H
#define STEPDOWN_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stepdown/error.h"

enum confine_mode {
	CONFINE_OFF = 0,
	CONFINE_REQUIRED,    /* --confine-writes: no Landlock is an error */
	CONFINE_BEST_EFFORT, /* --confine-writes=best-effort: a warning */
};

/* What a start does, given the mode and the kernel's answer. */
enum confine_decision {
	CONFINE_SKIP = 0, /* not asked for */
	CONFINE_APPLY,    /* Landlock is there: confine */
	CONFINE_WARN,     /* best-effort without Landlock: warn, run unconfined */
	CONFINE_REFUSE,   /* required without Landlock: exit 125 */
};

/* abi: the kernel's Landlock ABI (>= 1), or -errno when it has none. */
enum confine_decision confine_decide(enum confine_mode mode, int abi);

/* Why abi (-errno from the probe) means "no Landlock", in words. */
const char *confine_unavailable_reason(int abi);

/* The newest ABI whose rights stepdown knows; a newer kernel is used at
 * this level (later ABIs add no write right for files). */
#define CONFINE_ABI_KNOWN 7

/* The write rights Landlock ABI abi can control, all of them handled:
 * ABI 1 WRITE_FILE, REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG,
 * MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM; ABI 2 adds REFER; ABI 3 adds
 * TRUNCATE. Never READ_FILE, READ_DIR, EXECUTE (reading and executing stay
 * free) nor IOCTL_DEV (ABI 5; device ioctls such as a GPU's or a tty's are
 * not writes to the file system). 0 for abi < 1. */
uint64_t confine_handled(int abi);

/* The subset of handled a non-directory can be given: WRITE_FILE, TRUNCATE. */
uint64_t confine_file_rights(uint64_t handled);

/* "write_file,truncate,..." in a fixed order; "none" for 0. */
void confine_format_rights(uint64_t access, char *buf, size_t len);

/* The Landlock entry points, replaceable in tests. Each returns >= 0 or
 * -errno. attr points to the kernel's struct for the call. */
struct confine_sys {
	long (*create_ruleset)(const void *attr, size_t size, uint32_t flags);
	long (*add_rule)(int ruleset_fd, int rule_type, const void *attr, uint32_t flags);
	long (*restrict_self)(int ruleset_fd, uint32_t flags);
};

enum confine_origin {
	CONFINE_FROM_DEFAULT,  /* the built-in list (symlinks followed) */
	CONFINE_FROM_WRITABLE, /* a --writable dir */
	CONFINE_FROM_ALLOW,    /* an --allow-write path */
};

struct confine_rule {
	const char *path; /* as configured */
	char *resolved;   /* where it leads; NULL when missing */
	enum confine_origin origin;
	bool is_dir;
	bool files_only; /* existing files only: nothing created or removed */
	bool missing;    /* not there: no rule (a default, or a dir to be created) */
	int open_errno;  /* why it is missing */
	uint64_t access; /* rights granted beneath it */
};

struct confine {
	const struct confine_sys *sys;
	int abi;          /* the kernel's ABI, or -errno when it has none */
	int abi_used;     /* min(abi, CONFINE_ABI_KNOWN), 0 without Landlock */
	uint64_t handled; /* confine_handled(abi_used) */
	uint32_t restrict_flags;
	int ruleset_fd; /* -1 until confine_begin with Landlock */
	struct confine_rule *rules;
	size_t n_rules;
};

/* The default list: each path, and whether only its existing files (not
 * new entries) may be written. */
struct confine_default {
	const char *path;
	bool files_only;
};
extern const struct confine_default confine_defaults[];
extern const size_t confine_n_defaults;

/* Probe the kernel (sys NULL: the real system calls). Never fails: c->abi
 * says what the kernel offers. */
void confine_init(struct confine *c, const struct confine_sys *sys);

/* Create the ruleset when the kernel has Landlock (without, nothing is
 * created, but paths are still opened, checked and recorded by
 * confine_add, and a dry run shows them). Returns 0 or -errno with a
 * message. */
int confine_begin(struct confine *c, struct error *err);

/* Add confine_defaults (missing ones are recorded as missing). */
int confine_add_defaults(struct confine *c, struct error *err);

/* Add one path. CONFINE_FROM_DEFAULT follows symlinks and a missing path
 * is recorded as missing; the others must be absolute with no symlink in
 * any component (-ELOOP names it), and a missing one is -ENOENT unless
 * missing_ok, when it is recorded as missing. Rights: every handled right
 * beneath a directory, file rights only on a non-directory or a
 * files_only directory. Returns 0 or -errno with a message in err. */
int confine_add(struct confine *c, const char *path, enum confine_origin origin, bool files_only,
		bool missing_ok, struct error *err);

/* Enforce the ruleset on the calling thread and what it forks and execs
 * from now on; needs no_new_privs (or CAP_SYS_ADMIN). The ruleset fd is
 * closed either way. Returns 0 or -errno with a message. */
int confine_restrict(struct confine *c, struct error *err);

/* May the workload create files at path once confined (path is at or
 * below a directory rule with every right)? By resolved path. */
bool confine_covers(const struct confine *c, const char *path);

/* Number of rules that will be enforced (not missing). */
size_t confine_count(const struct confine *c);

void confine_free(struct confine *c);

#endif
