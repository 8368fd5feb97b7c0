/* The test-only side of TEST_HOOK (include/stepdown/test_hook.h), linked
 * only into stepdown_hooked. STEPDOWN_TEST_HOOK="POINT NAME" and
 * STEPDOWN_TEST_HOOK_CMD="shell command": the first time the walk reaches
 * POINT for an entry called NAME, the command runs to its end (as root,
 * usually through setpriv as the attacker) before the walk goes on. The
 * command "fault" makes stepdown itself fault there (a store to address 8). */
#include "stepdown/test_hook.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void test_hook(const char *point, const char *name)
{
	static atomic_flag fired = ATOMIC_FLAG_INIT;
	const char *want = getenv("STEPDOWN_TEST_HOOK");
	const char *cmd = getenv("STEPDOWN_TEST_HOOK_CMD");
	size_t n = strlen(point);
	if (!want || !cmd || strncmp(want, point, n) != 0 || want[n] != ' ' ||
	    strcmp(want + n + 1, name) != 0 || atomic_flag_test_and_set(&fired))
		return;
	if (strcmp(cmd, "fault") == 0) { /* a real fault in stepdown itself, here */
		volatile uintptr_t where = 8; /* hidden from the compiler's bounds check */
		*(volatile int *)where = 1;
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int status;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0) {
		}
}
