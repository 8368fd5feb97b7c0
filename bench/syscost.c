/* Native cost of the groups of system calls that one start of
 * `stepdown --user nobody -- true` makes in its own process, for
 * bench/profile.sh. Each group is timed in a fresh child forked from this
 * (root) process, so drops and id changes start from root every time;
 * the median and p90 over REPS children are printed, in microseconds. The
 * child's stack is faulted in first, so only the system calls are timed.
 *
 * The groups mirror stepdown's system calls as strace showed them when
 * this was written (see bench/README.md, "Where the start-up time goes");
 * the bracketed names say which code makes them. After changing stepdown,
 * compare with a fresh `bench/profile.sh` strace table.
 *
 *   syscost [REPS]       (default 2000; needs root) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int last_cap = 40;

static long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* libcap-ng's get_bounding_set()/get_ambient_set(): fopen, fgets, fclose */
static void g_status(void)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)syscall(SYS_gettid));
	for (int i = 0; i < 5; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		(void)!read(fd, buf, sizeof(buf));
		lseek(fd, -150, SEEK_CUR);
		close(fd);
	}
}

static void g_status_one(void)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)syscall(SYS_gettid));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)!read(fd, buf, sizeof(buf));
	close(fd);
}

static void g_bounding_drop(void)
{
	for (int c = 0; c <= last_cap; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
}

static void g_cap_reads(void)
{
	/* priv_last_cap()'s probe (last_cap + 2), priv_read_caps() in the
	 * verification (last_cap + 1 of each), libcap-ng's init (1 of each) */
	for (int c = 0; c <= last_cap + 1; c++)
		prctl(PR_CAPBSET_READ, c, 0, 0, 0);
	for (int c = 0; c <= last_cap; c++) {
		prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
	}
	prctl(PR_CAPBSET_READ, 0, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0);
}

static void g_sigaction(void)
{
	struct sigaction sa;
	for (int s = 1; s <= 64; s++)
		if (s < 32 || s > 34)
			sigaction(s, NULL, &sa);
}

static void g_capget(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	for (int i = 0; i < 8; i++)
		syscall(SYS_capget, &h, d);
}

static void g_ids(void)
{
	gid_t g = 65534;
	setgroups(1, &g);
	setresgid(65534, 65534, 65534);
	setresuid(65534, 65534, 65534);
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	syscall(SYS_capset, &h, d);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	(void)!setuid(0);
	(void)!setgid(0);
}

static void g_sigprocmask(void)
{
	sigset_t all, old;
	sigfillset(&all);
	for (int i = 0; i < 25; i++)
		sigprocmask(i & 1 ? SIG_SETMASK : SIG_BLOCK, &all, &old);
}

static void g_passwd(void)
{
	char buf[4096];
	static const char *files[] = { "/etc/passwd", "/etc/group" };
	for (int i = 0; i < 2; i++) {
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct stat st;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fstat(fd, &st);
		(void)!read(fd, buf, sizeof(buf));
		(void)!read(fd, buf, 1);
		close(fd);
	}
}

static void g_trivial(void)
{
	for (int i = 0; i < 20; i++)
		getppid();
}

static void g_nothing(void)
{
}

/* Fault in the child's stack and the C library paths the groups use, so
 * that what is timed is the system calls, not the first touch of a page
 * after fork (copy on write). */
static void warm(void)
{
	volatile char stack[32768];
	for (size_t i = 0; i < sizeof(stack); i += 256)
		stack[i] = 1;
	char buf[64];
	snprintf(buf, sizeof(buf), "/proc/%d/status", (int)syscall(SYS_gettid));
	stack[0] = buf[0];
}

static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "nothing (the timer itself)", g_nothing },
	{ "5 reads of /proc/TID/status (open, 2 fcntl, read 1 KiB, lseek, close) [libcap-ng: capng_get_caps_process() x2, get_bounding_set() after the drop]", g_status },
	{ "1 read of /proc/TID/status (open, read 1 KiB, close), the first in the process", g_status_one },
	{ "PR_CAPBSET_DROP for caps 0..last (one commit_creds each) [libcap-ng capng_apply(BOUNDS)]", g_bounding_drop },
	{ "PR_CAPBSET_READ x(2 last+5) + PR_CAP_AMBIENT_IS_SET x(last+2) [priv_last_cap probe, priv_read_caps, libcap-ng init]", g_cap_reads },
	{ "61 rt_sigaction queries [init_signals_block]", g_sigaction },
	{ "8 capget [priv_has_cap x5, libcap-ng, verify]", g_capget },
	{ "setgroups, setresgid, setresuid, capset, ambient clear, no_new_privs, setuid(0), setgid(0) [priv_drop, priv_verify]", g_ids },
	{ "25 rt_sigprocmask [musl's set*id wrappers, fork, exec]", g_sigprocmask },
	{ "/etc/passwd and /etc/group (open, fcntl, fstat, 2 reads, close) [ident]", g_passwd },
	{ "20 trivial system calls (getppid) [stand-in for the mmap/munmap/getpid/... ]", g_trivial },
};

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 2000;
	if (reps < 10)
		reps = 10;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f) {
		if (fscanf(f, "%d", &last_cap) != 1)
			last_cap = 40;
		fclose(f);
	}
	long *v = calloc((size_t)reps, sizeof(*v));
	if (!v)
		return 1;
	printf("| group | median µs | p90 µs |\n| --- | ---: | ---: |\n");
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (int r = 0; r < reps; r++) {
			int p[2];
			if (pipe(p) < 0)
				return 1;
			pid_t c = fork();
			if (c < 0)
				return 1;
			if (c == 0) {
				warm();
				long t0 = now_ns();
				groups[g].fn();
				long t = now_ns() - t0;
				(void)!write(p[1], &t, sizeof(t));
				_exit(0);
			}
			if (read(p[0], &v[r], sizeof(v[r])) != sizeof(v[r]))
				v[r] = 0;
			close(p[0]);
			close(p[1]);
			waitpid(c, NULL, 0);
		}
		qsort(v, (size_t)reps, sizeof(*v), cmp_long);
		printf("| %s | %.1f | %.1f |\n", groups[g].name, v[reps / 2] / 1e3,
		       v[reps * 9 / 10] / 1e3);
	}
	free(v);
	return 0;
}
