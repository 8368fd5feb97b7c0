/* Init duties. Signals stay blocked from the first instruction and are read
 * from a signalfd; once the workload exists, nothing here gives up: errors
 * are reported and the loop goes on, because an init that exits takes the
 * whole container with it. */
#include "stepdown/init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stepdown/exit_codes.h"
#include "stepdown/log.h"
#include "stepdown/path.h"
#include "stepdown/test_hook.h"

/* Every signal is blocked and read from the signalfd, the fault signals
 * (SEGV, BUS, ILL, FPE, ABRT, TRAP, SYS) too: one sent with kill(2) is
 * forwarded like any other. A real fault in stepdown itself still ends it:
 * the kernel forces a synchronous fault signal through a blocked mask
 * (unblocked, default action), and abort() unblocks SIGABRT before it
 * raises it.
 *
 * The mask is the kernel's, all 64 signals: sigfillset leaves out the ones
 * the C library keeps for itself (32 and 33 in glibc, 32 to 34 in musl), so
 * a kill -33 would end stepdown, and glibc's sigprocmask drops them again,
 * hence the raw system call. Nothing here needs them: they serve threads
 * (cancellation, set*id across threads, timer threads), and the walk's
 * threads have ended before the drop and the supervision (a thread alive
 * at the drop would hang set*id with 33/34 blocked). In glibc builds the
 * walk's threads start with 32 unblocked (pthread_create clears SIGCANCEL
 * from their mask): a kill -32 during a threaded walk ends a glibc-built
 * stepdown; the musl release keeps the raw mask in its threads. */
#define KERNEL_SIGSET_SIZE (_NSIG / 8) /* as both C libraries pass it */

static void supervised_set(sigset_t *set)
{
	memset(set, 0, sizeof(*set));
	memset(set, 0xff, KERNEL_SIGSET_SIZE); /* KILL and STOP: the kernel ignores them */
}

static void set_mask(const sigset_t *set, sigset_t *old)
{
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, old, KERNEL_SIGSET_SIZE);
}

void init_signals_block(struct init_signals *st)
{
	sigset_t set;
	supervised_set(&set);
	memset(&st->original_mask, 0, sizeof(st->original_mask));
	set_mask(&set, &st->original_mask);
	struct sigaction sa;
	st->chld_ignored = sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

int init_exec_status(int err)
{
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
}

int init_wait_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return EXIT_SIGNAL_BASE + WTERMSIG(status);
	return EXIT_STEPDOWN_FAILED;
}

/* Hand the workload what stepdown was started with: SIGCHLD ignored if it
 * was (the other dispositions were never changed), the original mask; then
 * its umask, then exec. */
static int exec_workload(const struct init_launch *l)
{
	if (l->has_umask)
		umask(l->umask);
	if (l->signals->chld_ignored)
		signal(SIGCHLD, SIG_IGN);
	set_mask(&l->signals->original_mask, NULL);
	int e = -path_exec(l->argv[0], l->argv, l->envp);
	/* Back to stepdown's own state, in case the caller goes on. */
	sigset_t set;
	supervised_set(&set);
	set_mask(&set, NULL);
	return -e;
}

int init_exec(const struct init_launch *l)
{
	return exec_workload(l);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct supervisor {
	const struct init_options *o;
	int sfd;
	pid_t child;
	bool child_done;
	int child_status;
	bool pid1;
	pid_t *termed; /* leftovers already sent SIGTERM (not PID 1 only) */
	bool group_termed, warned_proc;
	size_t n_termed, cap_termed;
};

/* Reap every zombie there is. Returns false once no child is left. */
static bool reap(struct supervisor *s)
{
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);
		if (p > 0) {
			if (p == s->child) {
				s->child_done = true;
				s->child_status = status;
			}
			continue;
		}
		if (p == 0)
			return true;
		if (errno == EINTR)
			continue;
		if (errno != ECHILD)
			log_warn("waitpid: %s", strerror(errno));
		return false;
	}
}

/* The signals that ask a process to end: a stopped workload would keep
 * them pending until the runtime's KILL, so SIGCONT follows them. */
static bool stops_it(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT;
}

static int rewritten(const struct supervisor *s, int sig)
{
	return s->o->rewrite && s->o->rewrite[sig] ? s->o->rewrite[sig] : sig;
}

static void forward(struct supervisor *s, int sig)
{
	int to = rewritten(s, sig);
	pid_t target = s->o->signal_group ? -s->child : s->child;
	if (kill(target, to) < 0 && errno != ESRCH)
		log_warn("cannot forward signal %d to %d: %s", to, (int)target, strerror(errno));
	else if ((stops_it(sig) || stops_it(to)) && to != SIGCONT)
		(void)kill(target, SIGCONT); /* as shells and s6 do */
}

/* Parent pid of pid, from /proc/PID/stat; -1 when unreadable. */
static pid_t parent_of(const char *pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold anything, so the last ')'. */
	char *paren = strrchr(buf, ')');
	if (!paren || paren[1] != ' ' || paren[2] == '\0' || paren[3] != ' ')
		return -1;
	char *end;
	errno = 0;
	long ppid = strtol(paren + 4, &end, 10);
	if (errno || end == paren + 4 || *end != ' ' || ppid < 0 || ppid > INT_MAX)
		return -1;
	return (pid_t)ppid;
}

/* Is /proc mounted for our PID namespace? Otherwise pids read there are
 * not ours and nothing found there may be signalled. */
static bool proc_is_ours(pid_t self)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return atoi(buf) == self;
}

static bool already_termed(struct supervisor *s, pid_t pid)
{
	for (size_t i = 0; i < s->n_termed; i++)
		if (s->termed[i] == pid)
			return true;
	if (s->n_termed == s->cap_termed) {
		size_t cap = s->cap_termed ? s->cap_termed * 2 : 32;
		pid_t *t = realloc(s->termed, cap * sizeof(*t));
		if (!t)
			return false; /* a second TERM is better than none */
		s->termed = t;
		s->cap_termed = cap;
	}
	s->termed[s->n_termed++] = pid;
	return false;
}

/* Send sig to every process left. As PID 1 that is everyone else in the
 * PID namespace (kill(-1) never hits init itself). As a subreaper it is
 * our direct children, found in /proc; their own children come to us when
 * they die and are signalled on a later call. SIGTERM goes once to each. */
static void signal_leftovers(struct supervisor *s, int sig)
{
	if (s->pid1) {
		if (kill(-1, sig) < 0 && errno != ESRCH)
			log_warn("cannot signal leftover processes: %s", strerror(errno));
		return;
	}
	/* The workload's process group first: it needs no /proc. */
	if ((sig != SIGTERM || !s->group_termed) && kill(-s->child, sig) < 0 && errno != ESRCH)
		log_warn("cannot signal the workload's process group: %s", strerror(errno));
	s->group_termed = true;
	pid_t self = getpid();
	if (!proc_is_ours(self)) {
		if (!s->warned_proc)
			log_warn("/proc is not this PID namespace's; only the workload's process "
				 "group is signalled");
		s->warned_proc = true;
		return;
	}
	DIR *d = opendir("/proc");
	if (!d) {
		log_warn("cannot list /proc to find leftover processes: %s", strerror(errno));
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || parent_of(e->d_name) != self)
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (sig == SIGTERM && already_termed(s, pid))
			continue;
		kill(pid, sig);
	}
	closedir(d);
}

/* Read one signal; -1 on timeout or error. timeout_ms < 0 waits forever.
 * *sender gets the pid that sent it (0 for the kernel). */
static int next_signal(int sfd, int timeout_ms, pid_t *sender)
{
	/* Waiting forever (the steady state) is one blocking read; a poll
	 * only when there is a deadline. One system call less per signal
	 * forwarded. */
	if (timeout_ms >= 0) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		int r = poll(&p, 1, timeout_ms);
		if (r <= 0) {
			if (r < 0 && errno != EINTR)
				log_warn("poll: %s", strerror(errno));
			return -1;
		}
	}
	struct signalfd_siginfo si;
	ssize_t n = read(sfd, &si, sizeof(si));
	if (n != (ssize_t)sizeof(si)) {
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			log_warn("reading signals: %s", strerror(errno));
		return -1;
	}
	if (sender)
		*sender = (pid_t)si.ssi_pid;
	return (int)si.ssi_signo;
}

/* After SIGKILL, how long to wait for the last processes to be reaped. A
 * process stepdown may not signal (a root process that entered the
 * namespace with nsenter or docker exec) must not keep the container up. */
#define KILL_WAIT_MS 2000

/* The workload has ended: TERM to what is left, KILL at the deadline,
 * return once nothing is left (or KILL_WAIT_MS after the KILL). */
static void drain(struct supervisor *s)
{
	if (!reap(s))
		return;
	uint64_t deadline = now_ms() + (uint64_t)s->o->grace * 1000;
	signal_leftovers(s, s->o->grace ? SIGTERM : SIGKILL);
	while (s->o->grace && reap(s)) {
		uint64_t now = now_ms();
		if (now >= deadline) {
			log_notice("grace period of %u s is over; killing what is left",
				   s->o->grace);
			break;
		}
		if (!s->pid1)
			signal_leftovers(s, SIGTERM); /* orphans newly handed to us */
		/* Other signals now have nobody to go to. */
		next_signal(s->sfd, (int)(deadline - now), NULL);
	}
	uint64_t give_up = now_ms() + KILL_WAIT_MS;
	while (reap(s)) {
		uint64_t now = now_ms();
		if (now >= give_up) {
			log_warn("processes left that stepdown cannot kill (not its own "
				 "user?); exiting without them");
			return;
		}
		signal_leftovers(s, SIGKILL);
		next_signal(s->sfd, s->pid1 ? (int)(give_up - now) : 100, NULL);
	}
}

static int spawn(struct supervisor *s, const struct init_launch *l, int *exec_errno)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	bool tty = isatty(STDIN_FILENO);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	if (pid == 0) {
		close(fds[0]);
		close(s->sfd);
		setpgid(0, 0);
		/* SIGTTOU is still blocked, so this works from the background. */
		if (tty)
			(void)tcsetpgrp(STDIN_FILENO, getpid());
		int e = -exec_workload(l);
		(void)!write(fds[1], &e, sizeof(e));
		_exit(init_exec_status(e));
	}
	setpgid(pid, pid); /* both sides, so neither races the other */
	close(fds[1]);
	int e = 0;
	ssize_t n;
	do
		n = read(fds[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	if (n == (ssize_t)sizeof(e))
		*exec_errno = e;
	s->child = pid;
	return 0;
}

int init_supervise(const struct init_launch *l, const struct init_options *o, int *exec_errno)
{
	struct supervisor s = { .o = o, .pid1 = getpid() == 1 };
	sigset_t set;
	supervised_set(&set);
	*exec_errno = 0;

	/* Blocking: next_signal reads only when a signal is there or when it
	 * may wait forever. */
	s.sfd = (int)syscall(SYS_signalfd4, -1, &set, KERNEL_SIGSET_SIZE, SFD_CLOEXEC);
	if (s.sfd < 0)
		return -errno;
	/* Inherited SIG_IGN for SIGCHLD would make the kernel reap for us and
	 * hide the workload's status; the workload gets it back at exec. */
	if (l->signals->chld_ignored)
		signal(SIGCHLD, SIG_DFL);

	int r = spawn(&s, l, exec_errno);
	if (r < 0) {
		close(s.sfd);
		return r;
	}
	if (chdir("/") < 0)
		log_warn("cannot leave the working directory: %s", strerror(errno));
	TEST_HOOK("supervise", "workload");

	pid_t self = getpid();
	/* --term-delay: the first TERM (after --rewrite) is held until
	 * held_until; the workload ending, or another stop signal, ends the
	 * hold at once. */
	int held = 0;
	bool delayed = false;
	uint64_t held_until = 0;
	while (!s.child_done) {
		int timeout = -1;
		if (held) {
			uint64_t now = now_ms();
			timeout = now >= held_until ? 0 : (int)(held_until - now);
		}
		pid_t sender = 0;
		int sig = next_signal(s.sfd, timeout, &sender);
		if (held && now_ms() >= held_until) {
			forward(&s, held);
			held = 0;
		}
		if (sig == SIGCHLD) {
			reap(&s);
		} else if (sig > 0 && sender != self) { /* e.g. SIGPIPE from our own stderr */
			int to = rewritten(&s, sig);
			if (o->term_delay && !delayed && to == SIGTERM) {
				delayed = true;
				held = sig;
				held_until = now_ms() + (uint64_t)o->term_delay * 1000;
				log_notice("SIGTERM held for %u s (--term-delay); a second stop "
					   "signal sends it at once",
					   o->term_delay);
			} else if (held && stops_it(to)) {
				forward(&s, held); /* a second TERM is that one */
				if (to != SIGTERM)
					forward(&s, sig);
				held = 0;
			} else {
				forward(&s, sig);
			}
		}
	}
	drain(&s);
	free(s.termed);
	close(s.sfd);
	return init_wait_status(s.child_status);
}
