/* Signal-forwarding latency, for bench/latency.sh.
 *
 *   latency --send NAME ITER OUT SHMFILE -- COMMAND... latency --receive SHMFILE
 *
 * The sender runs COMMAND (typically `unshare -fp INIT -- latency --receive
 * SHMFILE`, or `unshare -fp latency --receive SHMFILE` for direct delivery)
 * and takes the only child of COMMAND's process as the target: the init,
 * PID 1 of the new namespace (or, for direct delivery, the receiver
 * itself). Then, ITER times for each of SIGUSR1 and SIGTERM (alternating),
 * after a pause so the init is back waiting: read CLOCK_MONOTONIC,
 * kill(target, sig), and sleep on a futex until the receiver's handler
 * has stored its own CLOCK_MONOTONIC reading. The difference is the
 * latency from the kill of PID 1 to the workload's handler.
 *
 * The receiver (the workload) installs handlers for SIGUSR1 and SIGTERM
 * that take the time first, then publish it through a shared file and
 * wake the sender. It exits when the sender asks it to, so each init
 * ends the ordinary way.
 *
 * OUT gets JSON: {"name": NAME, "samples_us": {"SIGUSR1": [...], "SIGTERM":
 * [...]}, "lost": N} (a sample is lost when no handler ran within 1 s). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
	_Atomic uint32_t seq;   /* futex word: bumped by the handler */
	_Atomic uint32_t ready; /* handlers installed */
	_Atomic uint32_t quit;  /* the sender is done */
	_Atomic int32_t sig;    /* signal the handler saw */
	_Atomic int64_t t_ns;   /* the handler's CLOCK_MONOTONIC */
};

static struct shared *sh;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "latency: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long futex(_Atomic uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, (uint32_t *)addr, op, val, ts, NULL, 0);
}

static struct shared *map_shared(const char *path, int create)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0666);
	if (fd < 0)
		die(path);
	if (create && (fchmod(fd, 0666) < 0 || ftruncate(fd, sizeof(struct shared)) < 0))
		die("sizing the shared file");
	struct shared *s =
		mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED)
		die("mmap");
	close(fd);
	return s;
}

/* --- receiver (the workload) ---------------------------------------------- */

static void handler(int sig)
{
	int64_t t = now_ns(); /* first thing */
	int saved = errno;
	sh->t_ns = t;
	sh->sig = sig;
	atomic_fetch_add(&sh->seq, 1);
	futex(&sh->seq, FUTEX_WAKE, 1, NULL);
	errno = saved;
}

static int receive(const char *path)
{
	sh = map_shared(path, 0);
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sigaddset(&sa.sa_mask, SIGTERM);
	if (sigaction(SIGUSR1, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		die("sigaction");
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* whatever the init left blocked */
	sh->ready = 1;
	futex(&sh->seq, FUTEX_WAKE, 1, NULL);
	while (!sh->quit)
		pause();
	return 0;
}

/* --- sender --------------------------------------------------------------- */

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

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

static void print_samples(FILE *f, const double *v, long n)
{
	fputc('[', f);
	for (long i = 0; i < n; i++)
		fprintf(f, "%s%.3f", i ? ", " : "", v[i]);
	fputc(']', f);
}

static int send_all(const char *name, long iter, const char *out, const char *path, char **cmd)
{
	unlink(path);
	sh = map_shared(path, 1);
	pid_t top = fork();
	if (top < 0)
		die("fork");
	if (top == 0) {
		execvp(cmd[0], cmd);
		die(cmd[0]);
	}
	int st;
	pid_t target = 0;
	for (int waited = 0; !sh->ready || !target; waited++) {
		if (waited > 10000 || waitpid(top, &st, WNOHANG) == top) {
			fprintf(stderr, "latency: %s: the receiver never got ready\n", name);
			kill(top, SIGKILL);
			return 2;
		}
		if (!target)
			target = child_of(top);
		nap_us(1000);
	}
	nap_us(50000); /* let the init settle in its wait */

	static const int sigs[2] = { SIGUSR1, SIGTERM };
	double *samples[2];
	long got[2] = { 0, 0 }, lost = 0;
	for (int k = 0; k < 2; k++)
		if (!(samples[k] = calloc((size_t)iter, sizeof(double))))
			die("calloc");
	for (long i = 0; i < 2 * iter; i++) {
		int k = (int)(i & 1);
		nap_us(1000 + (i * 7919) % 1000); /* 1-2 ms: the init is idle again */
		uint32_t seq = sh->seq;
		int64_t t0 = now_ns();
		if (kill(target, sigs[k]) < 0)
			die("kill");
		const struct timespec limit = { 1, 0 };
		int64_t deadline = t0 + 1000000000;
		while (sh->seq == seq && now_ns() < deadline)
			futex(&sh->seq, FUTEX_WAIT, seq, &limit);
		if (sh->seq == seq || sh->sig != sigs[k]) {
			lost++;
			continue;
		}
		samples[k][got[k]++] = (double)(sh->t_ns - t0) / 1000.0;
	}

	sh->quit = 1;
	kill(target, SIGUSR1);
	int ended = 0;
	for (int waited = 0; waited < 5000; waited++) {
		if (waitpid(top, &st, WNOHANG) == top) {
			ended = 1;
			break;
		}
		nap_us(1000);
	}
	if (!ended) {
		fprintf(stderr, "latency: %s: did not end; killing it\n", name);
		kill(target, SIGKILL);
		kill(top, SIGKILL);
		waitpid(top, &st, 0);
	}
	unlink(path);

	FILE *f = fopen(out, "w");
	if (!f)
		die(out);
	fprintf(f, "{\"name\": \"%s\", \"iterations\": %ld, \"lost\": %ld, \"samples_us\": {", name,
		iter, lost);
	fprintf(f, "\"SIGUSR1\": ");
	print_samples(f, samples[0], got[0]);
	fprintf(f, ", \"SIGTERM\": ");
	print_samples(f, samples[1], got[1]);
	fprintf(f, "}}\n");
	if (fclose(f) != 0)
		die(out);
	return lost ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--receive") == 0)
		return receive(argv[2]);
	if (argc >= 8 && strcmp(argv[1], "--send") == 0 && strcmp(argv[6], "--") == 0) {
		long iter = strtol(argv[3], NULL, 10);
		if (iter <= 0) {
			fprintf(stderr, "latency: bad ITER\n");
			return 2;
		}
		return send_all(argv[2], iter, argv[4], argv[5], argv + 7);
	}
	fprintf(stderr, "usage: latency --send NAME ITER OUT SHMFILE -- COMMAND...\n"
			"       latency --receive SHMFILE\n");
	return 2;
}
