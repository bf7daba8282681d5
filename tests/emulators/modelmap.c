#include "modelmap.h"

#include <stdio.h>
#include <string.h>

const char *modelmap_field(const char *comment, const char *key)
{
	size_t n = strlen(key);
	for (const char *at = comment; (at = strstr(at, key)); at += n)
		if (at == comment || at[-1] == ' ')
			return at + n;
	return NULL;
}

const char *modelmap_pick(const char *map, const char *comment, char *out, size_t n,
			  const char *who)
{
	const char *sig = modelmap_field(comment, "signature=");
	FILE *f = sig ? fopen(map, "r") : NULL;
	if (!f) {
		fprintf(stderr, "%s: no model for a bitstream %s\n", who,
			sig ? "(the map cannot be read)" : "without a signature");
		return NULL;
	}
	size_t siglen = strspn(sig, "0123456789abcdef");
	char line[4200];
	const char *found = NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *sp = strchr(line, ' ');
		if (sp && (size_t)(sp - line) == siglen && !strncmp(line, sig, siglen)) {
			snprintf(out, n, "%s", sp + 1);
			found = out;
		}
	}
	fclose(f);
	if (!found)
		fprintf(stderr, "%s: the map has no model for signature %.*s\n", who,
			(int)siglen, sig);
	return found;
}
