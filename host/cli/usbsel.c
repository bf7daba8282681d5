#include "usbsel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char *v, int *out)
{
	char *end;
	long n = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || n < 1 || n > 255)
		return -1;
	*out = (int)n;
	return 0;
}

int usbsel_arg(struct hil_usbsel *s, int argc, char **argv, int *i, const char *cmd)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	if (!strcmp(a, "--serial")) {
		if (!v) {
			fprintf(stderr, "hil %s: --serial wants the serial number hil "
					"list shows\n", cmd);
			return -1;
		}
		s->serial = v;
	} else if (!strcmp(a, "--bus")) {
		if (number(v, &s->bus) < 0) {
			fprintf(stderr, "hil %s: --bus wants a bus number from 1 to 255\n", cmd);
			return -1;
		}
	} else if (!strcmp(a, "--device")) {
		if (number(v, &s->addr) < 0) {
			fprintf(stderr, "hil %s: --device wants a device number from 1 to 255\n",
				cmd);
			return -1;
		}
	} else {
		return 0;
	}
	(*i)++;
	return 1;
}

int usbsel_check(const struct hil_usbsel *s, const char *cmd)
{
	if ((s->bus > 0) != (s->addr > 0)) {
		fprintf(stderr, "hil %s: --bus and --device go together (both as hil "
				"list shows them)\n", cmd);
		return -1;
	}
	return 0;
}
