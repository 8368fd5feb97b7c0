/* Workload for bench/reap.sh: hands PID 1 many orphaned zombies and times
 * how long PID 1 takes to reap them. Two ways, the same for every init:
 *
 *   orphans N
 *       "burst": the workload creates N orphans, releases them all at once
 *       and times from the release until PID 1 has reaped the last one.
 *       The exits themselves (10,000 processes tearing down on the
 *       machine's CPUs) are part of that time, as they are in real life.
 *
 *   orphans --drive SHMFILE N -- unshare -fp --mount-proc INIT... -- orphans --backlog SHMFILE N
 *       "backlog": run from outside the PID namespace. Once the orphans
 *       exist, the driver stops PID 1 (SIGSTOP from the parent namespace
 *       reaches a namespace's init), the workload releases the orphans and
 *       waits until every one is a zombie, then the driver takes the time
 *       and continues PID 1 (SIGCONT): what is timed is PID 1 reaping
 *       10,000 zombies that are already there, and nothing else.
 *
 * Either way the workload:
 * 1. started as root (under an init that does not switch users), becomes
 *    uid/gid 65534 with no groups, so every init is given the same
 *    processes to reap (stepdown runs its workload as nobody);
 * 2. forks one intermediate child, which forks N grandchildren and exits:
 *    the grandchildren are orphans, handed to PID 1 by the kernel. Each
 *    blocks reading a pipe (the barrier) until released;
 * 3. waits until PID 1 has reaped each one: kill(pid, 0) succeeds on a
 *    zombie and fails with ESRCH once it is reaped (pids are not reused in
 *    a fresh PID namespace before pid_max, so ESRCH means reaped);
 * 4. checks with /proc (the namespace's own: unshare --mount-proc) that no
 *    process other than PID 1 and itself is left, zombie or not.
 *
 * Prints one JSON line: reap_s (the timed part), create_s (forking the
 * orphans, not compared), left and zombies (must both be 0). Exit status 0
 * only when nothing was left. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "orphans: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

/* Shared between the driver (outside) and the workload (inside). */
enum { ST_START, ST_READY, ST_STOPPED, ST_ZOMBIES, ST_DONE, ST_FAILED };
struct shared {
	_Atomic int state;
	double create_s, t_reaped;
	int left, zombies;
};

static struct shared *map_shared(const char *path, int create)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0666);
	if (fd < 0)
		die(path);
	if (create && (fchmod(fd, 0666) < 0 || ftruncate(fd, sizeof(struct shared)) < 0))
		die("sizing the shared file");
	struct shared *sh =
		mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	close(fd);
	return sh;
}

/* Processes in this PID namespace other than PID 1 and us; zombies among them. */
static void survey(pid_t self, int *left, int *zombies)
{
	*left = *zombies = 0;
	DIR *d = opendir("/proc");
	if (!d)
		die("opendir /proc");
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid == 1 || pid == self)
			continue;
		char path[64], buf[256];
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "re");
		if (!f)
			continue; /* gone meanwhile */
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		char *p = strrchr(buf, ')');
		(*left)++;
		if (p && p[1] == ' ' && p[2] == 'Z')
			(*zombies)++;
	}
	closedir(d);
}

/* Is pid a zombie (or already gone)? */
static int exited(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static void wait_all_reaped(const pid_t *pids, long n)
{
	for (long i = 0; i < n; i++)
		while (kill(pids[i], 0) == 0 || errno != ESRCH)
			nap_us(20);
}

/* The workload's side, both modes. */
static int work(long n, struct shared *sh)
{
	pid_t self = getpid();
	char buf[32];
	ssize_t k = readlink("/proc/self", buf, sizeof(buf) - 1);
	buf[k > 0 ? k : 0] = '\0';
	if (atoi(buf) != self) {
		fprintf(stderr, "orphans: /proc is not this PID namespace's "
				"(run under unshare -fp --mount-proc)\n");
		return 2;
	}
	if (getuid() == 0 || geteuid() == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			die("becoming uid 65534");
	}

	pid_t *pids = mmap(NULL, (size_t)n * sizeof(pid_t), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pids == MAP_FAILED)
		die("mmap");
	int barrier[2];
	if (pipe(barrier) < 0)
		die("pipe");

	double c0 = now();
	pid_t mid = fork();
	if (mid < 0)
		die("fork");
	if (mid == 0) {
		for (long i = 0; i < n; i++) {
			pid_t p = fork();
			if (p < 0) {
				fprintf(stderr, "orphans: fork %ld of %ld: %s\n", i, n,
					strerror(errno));
				_exit(3);
			}
			if (p == 0) {
				char c;
				close(barrier[1]);
				while (read(barrier[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			pids[i] = p;
		}
		_exit(0);
	}
	int st;
	if (waitpid(mid, &st, 0) < 0)
		die("waitpid");
	close(barrier[0]);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "orphans: could not create the orphans\n");
		close(barrier[1]); /* let those that exist go */
		if (sh)
			sh->state = ST_FAILED;
		return 3;
	}
	double c1 = now();

	double reap_s;
	if (!sh) {
		/* burst: release them all, wait until PID 1 reaped each */
		double t0 = now();
		close(barrier[1]);
		wait_all_reaped(pids, n);
		reap_s = now() - t0;
	} else {
		/* backlog: PID 1 stopped by the driver, then all made zombies */
		sh->create_s = c1 - c0;
		sh->state = ST_READY;
		while (sh->state != ST_STOPPED)
			nap_us(100);
		close(barrier[1]);
		for (long i = 0; i < n; i++)
			while (!exited(pids[i]))
				nap_us(100);
		sh->state = ST_ZOMBIES; /* the driver continues PID 1 now */
		wait_all_reaped(pids, n);
		sh->t_reaped = now();
		reap_s = 0;
	}

	int left, zombies;
	survey(self, &left, &zombies);
	if (sh) {
		sh->left = left;
		sh->zombies = zombies;
		sh->state = ST_DONE;
	} else {
		printf("{\"mode\": \"burst\", \"n\": %ld, \"reap_s\": %.6f, \"create_s\": %.6f, "
		       "\"left\": %d, \"zombies\": %d}\n",
		       n, reap_s, c1 - c0, left, zombies);
		fflush(stdout);
	}
	return left == 0 ? 0 : 1;
}

/* The only child of pid, from /proc; 0 while there is none. */
static pid_t child_of(pid_t pid)
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t k = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[k] = '\0';
	return (pid_t)atoi(buf);
}

/* The driver: outside the namespace, stops and continues its PID 1. */
static int drive(const char *path, long n, char **cmd)
{
	unlink(path);
	struct shared *sh = map_shared(path, 1);
	pid_t top = fork();
	if (top < 0)
		die("fork");
	if (top == 0) {
		execvp(cmd[0], cmd);
		die(cmd[0]);
	}
	pid_t init = 0;
	int st;
	for (;;) {
		if (waitpid(top, &st, WNOHANG) == top) {
			fprintf(stderr, "orphans: %s ended early\n", cmd[0]);
			return 2;
		}
		if (!init)
			init = child_of(top);
		int s = sh->state;
		if (s == ST_FAILED) {
			waitpid(top, &st, 0);
			return 3;
		}
		if (init && s == ST_READY)
			break;
		nap_us(1000);
	}
	if (kill(init, SIGSTOP) < 0)
		die("stopping PID 1");
	/* wait until it really is stopped before the orphans exit */
	for (;;) {
		char p[64], buf[512];
		snprintf(p, sizeof(p), "/proc/%d/stat", (int)init);
		FILE *f = fopen(p, "re");
		if (!f)
			die("reading PID 1's state");
		size_t k = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[k] = '\0';
		char *q = strrchr(buf, ')');
		if (q && q[1] == ' ' && q[2] == 'T')
			break;
		nap_us(100);
	}
	sh->state = ST_STOPPED;
	while (sh->state != ST_ZOMBIES)
		nap_us(200);
	double t0 = now();
	if (kill(init, SIGCONT) < 0)
		die("continuing PID 1");
	while (sh->state != ST_DONE)
		nap_us(200);
	double reap_s = sh->t_reaped - t0;
	if (waitpid(top, &st, 0) < 0)
		die("waitpid");
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	printf("{\"mode\": \"backlog\", \"n\": %ld, \"reap_s\": %.6f, \"create_s\": %.6f, "
	       "\"left\": %d, \"zombies\": %d, \"status\": %d}\n",
	       n, reap_s, sh->create_s, sh->left, sh->zombies, rc);
	fflush(stdout);
	unlink(path);
	return sh->left == 0 && rc == 0 ? 0 : 1;
}

static long count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n <= 0 || n > 1000000) {
		fprintf(stderr, "orphans: bad N '%s'\n", s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc == 2)
		return work(count(argv[1]), NULL);
	if (argc == 4 && strcmp(argv[1], "--backlog") == 0)
		return work(count(argv[3]), map_shared(argv[2], 0));
	if (argc >= 6 && strcmp(argv[1], "--drive") == 0 && strcmp(argv[4], "--") == 0)
		return drive(argv[2], count(argv[3]), argv + 5);
	fprintf(stderr, "usage: orphans N\n"
			"       orphans --drive SHMFILE N -- COMMAND... orphans --backlog SHMFILE N\n");
	return 2;
}
