/* A minimal unit-test harness: CHECK records a failure with its location and
 * goes on; CHECK_DONE() prints the closing line "N passed, N failed" and
 * returns the exit status. Each test file is one program. */
#ifndef HIL_CHECK_H
#define HIL_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (cond) {                                                                   \
			check_passed++;                                                       \
		} else {                                                                      \
			check_failed++;                                                       \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,      \
				#cond);                                                       \
		}                                                                             \
	} while (0)

#define CHECK_DONE()                                                                          \
	(printf("%d passed, %d failed\n", check_passed, check_failed), check_failed ? 1 : 0)

#endif
