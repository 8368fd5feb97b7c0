/* Init duties: signals, spawn, forwarding, reaping, grace period, exit status. */
#ifndef STEPDOWN_INIT_H
#define STEPDOWN_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "stepdown/parse.h"

/* What stepdown was started with, to hand back to the workload. */
struct init_signals {
	sigset_t original_mask;
	/* SIGCHLD's disposition was SIG_IGN at start. stepdown changes no
	 * other disposition, so every other ignored signal reaches the
	 * workload by inheritance (fork keeps it, exec keeps SIG_IGN). */
	bool chld_ignored;
};

/* Block every signal (a real fault still ends stepdown: the kernel forces
 * it through the mask) and record the original mask and whether SIGCHLD
 * was ignored.
 * Async-signal-safe; meant for the very start of the process. */
void init_signals_block(struct init_signals *st);

struct init_launch {
	char *const *argv; /* workload, NULL-terminated */
	char *const *envp; /* its environment */
	bool has_umask;
	mode_t umask;
	const struct init_signals *signals;
};

struct init_options {
	bool signal_group;   /* forward to the workload's process group */
	const int *rewrite;  /* PARSE_SIG_TABLE entries, 0 = unchanged */
	unsigned grace;      /* seconds between TERM and KILL for leftovers */
	unsigned term_delay; /* seconds the first TERM is held before it is forwarded */
};

/* Map an exec errno to 127 (not found) or 126 (found but not runnable). */
int init_exec_status(int err);

/* Map a wait status to stepdown's exit status (code, or 128+signal). */
int init_wait_status(int status);

/* No supervision: restore signals, apply umask and exec in place.
 * Returns only on failure, with -errno. */
int init_exec(const struct init_launch *l);

/* Spawn the workload in its own process group, forward signals, reap every
 * zombie, give leftovers the grace period, and return the workload's exit
 * status (0..255). When the workload could not be executed, returns
 * init_exec_status() and sets *exec_errno. Returns -errno when stepdown
 * cannot start supervising at all (nothing was spawned). */
int init_supervise(const struct init_launch *l, const struct init_options *o, int *exec_errno);

#endif
