#include "usbsel.h"

#include <stdio.h>
#include <stdlib.h>

/* *out, from v (NULL: not given); -1 after saying why if it is no number
 * from 1 to 255. */
static int number(const char *v, const char *what, int *out, const char *cmd)
{
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;
	if (v && (!*v || *end || n < 1 || n > 255)) {
		fprintf(stderr, "hil %s: --%s wants a %s number from 1 to 255\n", cmd, what,
			what);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int usbsel_get(struct hil_usbsel *s, const struct usbsel_args *a, const char *cmd)
{
	s->serial = a->serial;
	if (number(a->bus, "bus", &s->bus, cmd) < 0 ||
	    number(a->device, "device", &s->addr, cmd) < 0)
		return -1;
	if ((s->bus > 0) != (s->addr > 0)) {
		fprintf(stderr,
			"hil %s: --bus and --device go together (both as hil "
			"list shows them)\n",
			cmd);
		return -1;
	}
	return 0;
}
