/* Shared by the Check suites: run one suite (fork mode, the default) and
 * turn the result into the exit status ctest reads. */
#ifndef STEPDOWN_TESTS_UNIT_H
#define STEPDOWN_TESTS_UNIT_H

#include <check.h>

static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

#endif
