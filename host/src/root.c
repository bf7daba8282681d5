/* hil_root(): see root.h. */
#define _GNU_SOURCE
#include "root.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Levels above the binary's folder to look in: build/bin, build/asan/bin,
 * build/lib, build/test, and an installed PREFIX/lib/hil/bin all lie within. */
#define LEVELS 4

const char *hil_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("HIL_ROOT");
	if (env && *env)
		return env;
	if (root[0])
		return root;
	Dl_info info;
	char self[PATH_MAX], probe[PATH_MAX + 32];
	if (!dladdr((void *)hil_root, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, self)) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
	}
	for (int up = 0; up <= LEVELS; up++) {
		char *slash = strrchr(self, '/');
		if (!slash)
			break;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/gateware/hil_bridge.v", self);
		if (access(probe, R_OK) == 0) {
			snprintf(root, sizeof(root), "%s", self);
			return root;
		}
	}
	return "";
}
