/* hil doctor's verdict lines. What a step saw may hold a device's strings
 * or a path: anything but printable ASCII in it is shown escaped (a line
 * break of a tool's message goes on an indented line), so no name can
 * forge a line of the report. */
#include <stdio.h>

#include "doctor.h"

static int failures;

static void put_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' && s[1])
			fputs("\n                  ", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

void doctor_say(const char *step, enum verdict v, const char *seen, const char *todo)
{
	static const char *const word[] = {"ok", "WARN", "FAIL", "skip"};
	printf("%-11s %-5s ", step, word[v]);
	put_escaped(seen);
	putchar('\n');
	if (todo && (v == V_WARN || v == V_FAIL)) {
		printf("%-11s %-5s ", "", "do:");
		put_escaped(todo);
		putchar('\n');
	}
	failures += v == V_FAIL;
	fflush(stdout);
}

int doctor_failures(void)
{
	return failures;
}
