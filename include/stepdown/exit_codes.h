/* stepdown's exit status, named once. Otherwise it is the workload's own. */
#ifndef STEPDOWN_EXIT_CODES_H
#define STEPDOWN_EXIT_CODES_H

#define EXIT_STEPDOWN_FAILED 125 /* stepdown could not start the workload safely */
#define EXIT_NOT_EXECUTABLE 126  /* the command exists but cannot be executed */
#define EXIT_NOT_FOUND 127       /* the command does not exist */
#define EXIT_SIGNAL_BASE 128     /* + N: the workload was killed by signal N */

#endif
