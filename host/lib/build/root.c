/* hil_root(): see root.h. */
#define _GNU_SOURCE
#include "build/root.h"
#include "hil/dut.h"
#include "util/errfmt.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Levels above the binary's folder to look in: build/bin, build/asan/bin,
 * build/lib, build/test, and an installed PREFIX/bin or PREFIX/lib all lie
 * within. */
#define LEVELS 4

const char *hil_root(void)
{
	static char root[PATH_MAX + 16];
	const char *env = getenv("HIL_ROOT");
	if (env && *env)
		return env;
	if (root[0])
		return root;
	Dl_info info;
	char self[PATH_MAX], probe[PATH_MAX + 48];
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
		static const char *const under[] = {"", "/share/hil"};
		for (int k = 0; k < 2; k++) {
			snprintf(probe, sizeof(probe), "%s%s/gateware/hil_bridge.v", self,
				 under[k]);
			if (access(probe, R_OK) == 0) {
				snprintf(root, sizeof(root), "%s%s", self, under[k]);
				return root;
			}
		}
	}
	return "";
}

void hil_root_built(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/build/%s", hil_root(), rel);
	if (access(out, F_OK) != 0)
		snprintf(out, n, "%s/%s", hil_root(), rel);
}

int hil_share_path(const char *rel, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *root = hil_root();
	if (!*root)
		return hil_fail(err, errlen,
				"hil cannot find its own files (gateware/, boards/): set "
				"HIL_ROOT to the folder that holds them");
	if ((size_t)snprintf(out, outlen, "%s/%s", root, rel) >= outlen)
		return hil_fail(err, errlen, "the path of hil's %s is too long", rel);
	return 0;
}
