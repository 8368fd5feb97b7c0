/* Points where a test-only build of stepdown stops to let a test play the
 * attacker at an exact window of a race (tests/integration/test_hook.c).
 * The production binary is built without STEPDOWN_TEST_HOOKS: every
 * TEST_HOOK is then nothing at all. */
#ifndef STEPDOWN_TEST_HOOK_H
#define STEPDOWN_TEST_HOOK_H

#ifdef STEPDOWN_TEST_HOOKS
/* Runs the test's command once, the first time point is reached for an
 * entry called name (see test_hook.c). */
void test_hook(const char *point, const char *name);
#define TEST_HOOK(point, name) test_hook(point, name)
#else
#define TEST_HOOK(point, name) ((void)0)
#endif

#endif
