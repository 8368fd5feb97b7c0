/* Test helper, never installed: run a command on a kernel that seems to
 * have no Landlock. A seccomp filter makes the three Landlock system calls
 * fail with the errno a kernel gives when it lacks Landlock (ENOSYS), has
 * it but not enabled (EOPNOTSUPP), or when a container's seccomp profile
 * refuses them (EPERM); every other call is untouched. stepdown itself
 * installs no filter: this only lets the tests show what it does then.
 *
 *     no_landlock ENOSYS|EOPNOTSUPP|EPERM COMMAND [ARG]...
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "no_landlock: add this architecture's AUDIT_ARCH"
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

int main(int argc, char *argv[])
{
	int e = argc > 1 && strcmp(argv[1], "ENOSYS") == 0       ? ENOSYS
		: argc > 1 && strcmp(argv[1], "EOPNOTSUPP") == 0 ? EOPNOTSUPP
		: argc > 1 && strcmp(argv[1], "EPERM") == 0      ? EPERM
								 : 0;
	if (!e || argc < 3) {
		fprintf(stderr, "usage: no_landlock ENOSYS|EOPNOTSUPP|EPERM COMMAND [ARG]...\n");
		return 2;
	}
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __NR_landlock_create_ruleset, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, __NR_landlock_restrict_self, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)e),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };
	/* Root may install a filter without no_new_privs; others need it. */
	if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("no_landlock: no_new_privs");
		return 2;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("no_landlock: seccomp");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror("no_landlock: exec");
	return 127;
}
