/* Shared helpers for the libFuzzer targets. */
#ifndef STEPDOWN_FUZZ_COMMON_H
#define STEPDOWN_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that must hold for every input: say which one broke, then
 * abort() so libFuzzer records the input as a crash. */
#define FUZZ_CHECK(cond, ...)                                                       \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "\nINVARIANT VIOLATED at %s:%d: %s\n  ",   \
				__FILE__, __LINE__, #cond);                         \
			fprintf(stderr, __VA_ARGS__);                               \
			fputc('\n', stderr);                                        \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* malloc that never returns NULL (a fuzz target has nothing better to do). */
static inline void *fuzz_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

/* A NUL-terminated copy of data[0..n). */
static inline char *fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = fuzz_xmalloc(n + 1);
	if (n)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

#endif
