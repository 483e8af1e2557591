/*
 * gr_test.h - the unit tests' few macros. Each CHECK prints a TAP-like line;
 * GR_TEST_END prints "N passed, N failed" and returns the exit status.
 */
#ifndef GR_TEST_H
#define GR_TEST_H

#include <stdio.h>
#include <string.h>

static int gr_test_pass, gr_test_fail;

#define CHECK(cond, desc) do {						\
	if (cond) {							\
		gr_test_pass++;						\
		printf("ok - %s\n", desc);				\
	} else {							\
		gr_test_fail++;						\
		printf("not ok - %s (%s:%d: %s)\n", desc, __FILE__,	\
		    __LINE__, #cond);					\
	}								\
} while (0)

#define CHECK_STR(got, want, desc) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_;		\
	CHECK(same_, desc);						\
	if (!same_)							\
		printf("#   got '%s', wanted '%s'\n", g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");					\
} while (0)

#define GR_TEST_END() do {						\
	printf("%d passed, %d failed\n", gr_test_pass, gr_test_fail);	\
	return gr_test_fail ? 1 : 0;					\
} while (0)

#endif
