/* Test helper, never installed: run a command as if under an old or strict
 * container runtime, whose seccomp profile refuses some system calls. A
 * seccomp filter makes the named calls fail with the given errno (what an
 * old kernel gives, ENOSYS; what a profile written before the call existed
 * gives, EPERM; or EINVAL); every other call is untouched. The filter is
 * inherited across exec and fork, as a runtime's is. stepdown itself
 * installs no filter: this only lets the tests show what it does then.
 *
 *     deny_syscall CALL[,CALL]... ERRNO COMMAND [ARG]...
 *
 * CALL: openat2, statx, landlock (the three landlock_* calls), inotify
 * (inotify_init, inotify_init1, inotify_add_watch), or subreaper (prctl
 * PR_SET_CHILD_SUBREAPER only). ERRNO: ENOSYS, EPERM, EINVAL, EOPNOTSUPP,
 * or EMFILE (as when fs.inotify.max_user_instances is used up). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "deny_syscall: add this architecture's AUDIT_ARCH"
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define MAX_INSNS 64

static struct sock_filter prog[MAX_INSNS];
static unsigned short len;

static void emit(struct sock_filter insn)
{
	if (len == MAX_INSNS) {
		fprintf(stderr, "deny_syscall: too many calls\n");
		exit(2);
	}
	prog[len++] = insn;
}

/* nr fails with e (the syscall number is in the accumulator). */
static void deny_nr(unsigned nr, unsigned e)
{
	emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1));
	emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | e));
}

static int errno_of(const char *s)
{
	static const struct { const char *name; int e; } names[] = {
		{ "ENOSYS", ENOSYS }, { "EPERM", EPERM }, { "EINVAL", EINVAL },
		{ "EOPNOTSUPP", EOPNOTSUPP }, { "EMFILE", EMFILE },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].e;
	return 0;
}

int main(int argc, char *argv[])
{
	int e = argc > 3 ? errno_of(argv[2]) : 0;
	if (!e) {
		fprintf(stderr, "usage: deny_syscall openat2|statx|landlock|inotify|subreaper[,...] "
				"ENOSYS|EPERM|EINVAL|EOPNOTSUPP|EMFILE COMMAND [ARG]...\n");
		return 2;
	}
	emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					  offsetof(struct seccomp_data, arch)));
	emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0));
	emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					  offsetof(struct seccomp_data, nr)));
	bool subreaper = false;
	char *calls = argv[1], *save = NULL;
	for (char *c = strtok_r(calls, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		if (strcmp(c, "openat2") == 0) {
			deny_nr(__NR_openat2, (unsigned)e);
		} else if (strcmp(c, "statx") == 0) {
			deny_nr(__NR_statx, (unsigned)e);
		} else if (strcmp(c, "landlock") == 0) {
			deny_nr(__NR_landlock_create_ruleset, (unsigned)e);
			deny_nr(__NR_landlock_add_rule, (unsigned)e);
			deny_nr(__NR_landlock_restrict_self, (unsigned)e);
		} else if (strcmp(c, "inotify") == 0) {
#ifdef __NR_inotify_init
			deny_nr(__NR_inotify_init, (unsigned)e);
#endif
			deny_nr(__NR_inotify_init1, (unsigned)e);
			deny_nr(__NR_inotify_add_watch, (unsigned)e);
		} else if (strcmp(c, "subreaper") == 0) {
			subreaper = true;
		} else {
			fprintf(stderr, "deny_syscall: unknown call '%s'\n", c);
			return 2;
		}
	}
	if (subreaper) { /* last: it reloads the accumulator */
		emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 3));
		emit((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						  offsetof(struct seccomp_data, args[0])));
		emit((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						  PR_SET_CHILD_SUBREAPER, 0, 1));
		emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)e));
	}
	emit((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	struct sock_fprog fprog = { .len = len, .filter = prog };
	/* Root may install a filter without no_new_privs; others need it. */
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("deny_syscall: no_new_privs");
		return 2;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0) {
		perror("deny_syscall: seccomp");
		return 2;
	}
	execvp(argv[3], argv + 3);
	perror("deny_syscall: exec");
	return 127;
}
