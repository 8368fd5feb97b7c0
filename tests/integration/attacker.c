/* Test helper: an attacker changing a tree at full speed while stepdown
 * walks it. Never part of stepdown. Each mode loops until SECONDS have
 * passed or SIGTERM arrives, then prints how many operations succeeded.
 *
 *   attacker exchange SECONDS A B [A B]...   renameat2(A, B, RENAME_EXCHANGE)
 *   attacker toggle-link SECONDS FILE NAME [FILE NAME]...
 *                                            link(FILE, NAME); unlink(NAME)
 *   attacker flip SECONDS A B                rename(A, B); rename(B, A)
 *   attacker churn SECONDS DIR               create, fill, move and delete
 *                                            directories (some 90 deep) in DIR;
 *                                            prints operations done and rounds
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;
static struct timespec until;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int running(void)
{
	struct timespec now;
	if (stop)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < until.tv_sec ||
	       (now.tv_sec == until.tv_sec && now.tv_nsec < until.tv_nsec);
}

static void rm_tree(const char *path, int depth)
{
	char sub[4096];
	if (rmdir(path) == 0 || errno == ENOENT || depth > 200)
		return;
	for (int i = 0; i < 4; i++) {
		snprintf(sub, sizeof(sub), "%s/f%d", path, i);
		unlink(sub);
	}
	snprintf(sub, sizeof(sub), "%s/d", path);
	rm_tree(sub, depth + 1);
	rmdir(path);
}

/* A directory NAME with a few files, and a chain DEPTH levels deep. */
static int make_tree(const char *name, int depth)
{
	char p[4096];
	size_t n = (size_t)snprintf(p, sizeof(p), "%s", name);
	for (int level = 0; level <= depth; level++) {
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		for (int i = 0; i < (level < 3 ? 4 : 1); i++) {
			char f[4200];
			snprintf(f, sizeof(f), "%s/f%d", p, i);
			int fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);
		}
		n += (size_t)snprintf(p + n, sizeof(p) - n, "/d");
		if (n >= sizeof(p) - 8)
			break;
	}
	return 0;
}

static unsigned long churn(const char *dir, unsigned long *rounds)
{
	unsigned long ops = 0;
	char a[4096], b[4096];
	for (unsigned i = 0; running(); i++, ++*rounds) {
		unsigned k = (i / 4) % 8;
		snprintf(a, sizeof(a), "%s/c%u", dir, k);
		snprintf(b, sizeof(b), "%s/moved%u", dir, k);
		switch (i % 4) {
		case 0: /* create a tree, every other one 40 levels deep */
			ops += make_tree(a, k % 2 ? 90 : 2) == 0;
			break;
		case 1: /* move it away (the walk may be inside it) */
			ops += rename(a, b) == 0;
			break;
		case 2: /* move it back under another name in a subdirectory */
			snprintf(a, sizeof(a), "%s/c%u/back", dir, (k + 1) % 8);
			ops += rename(b, a) == 0;
			break;
		default: /* delete what is there */
			rm_tree(b, 0);
			snprintf(a, sizeof(a), "%s/c%u/back", dir, (k + 1) % 8);
			rm_tree(a, 0);
			rm_tree(a, 0);
			ops++;
			break;
		}
	}
	return ops;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: attacker MODE SECONDS ARGS...\n");
		return 2;
	}
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &term, NULL);
	signal(SIGTERM, on_term);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += atol(argv[2]);
	const char *mode = argv[1];
	char **args = argv + 3;
	int nargs = argc - 3;
	unsigned long ok = 0, failed = 0;

	if (!strcmp(mode, "exchange") || !strcmp(mode, "toggle-link") || !strcmp(mode, "flip")) {
		if (nargs % 2) {
			fprintf(stderr, "attacker: %s takes pairs\n", mode);
			return 2;
		}
		while (running()) {
			for (int i = 0; i < nargs; i += 2) {
				int r;
				if (mode[0] == 'e')
					r = (int)syscall(SYS_renameat2, AT_FDCWD, args[i], AT_FDCWD,
							 args[i + 1], RENAME_EXCHANGE);
				else if (mode[0] == 't')
					r = link(args[i], args[i + 1]) == 0 ? unlink(args[i + 1]) : -1;
				else
					r = rename(args[i], args[i + 1]) == 0 ? rename(args[i + 1], args[i])
									       : -1;
				if (r == 0)
					ok++;
				else
					failed++;
			}
		}
	} else if (!strcmp(mode, "churn")) {
		ok = churn(args[0], &failed); /* here: operations that did something, rounds */
	} else {
		fprintf(stderr, "attacker: unknown mode %s\n", mode);
		return 2;
	}
	printf("%lu %lu\n", ok, failed);
	return 0;
}
