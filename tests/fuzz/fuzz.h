/* What the fuzz targets share. Loaders that take a path get the input
 * through a file of this process's own, so the fuzzer reaches them the way
 * a user's file does; a broken property is an abort(), which libFuzzer
 * reports and saves like a crash. */
#ifndef HIL_FUZZ_H
#define HIL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A scratch path of this process's own, in $TMPDIR (or /tmp). */
static inline const char *fuzz_path(const char *name)
{
	static char path[512];
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/hil-fuzz-%d.%s", dir && *dir ? dir : "/tmp",
		 (int)getpid(), name);
	return path;
}

static char fuzz_written[512];

static inline void fuzz_unlink(void)
{
	unlink(fuzz_written);
}

/* Writes data to the scratch file NAME and returns its path; the file
 * goes when the process exits. */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(name);
	if (!fuzz_written[0])
		atexit(fuzz_unlink);
	snprintf(fuzz_written, sizeof(fuzz_written), "%s", path);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__,   \
				#cond);                                                       \
			abort();                                                              \
		}                                                                             \
	} while (0)

#endif
