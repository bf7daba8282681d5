/* See jobref.h. */
#include "jobref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hil/client.h"

int jobref_log(const char *what, const char *sock, char *out, size_t n)
{
	if (access(what, F_OK) == 0 || strspn(what, "0123456789") != strlen(what)) {
		snprintf(out, n, "%s", what);
		return 0;
	}
	char err[1024];
	struct hil_client *c = hil_client_connect(sock, "hil", err, sizeof(err));
	json_t *ok = c ? hil_client_call(c,
					 json_pack("{s:s,s:I}", "op", "result", "job",
						   (json_int_t)strtoull(what, NULL, 10)),
					 err, sizeof(err))
		       : NULL;
	hil_client_close(c);
	const char *log = json_string_value(json_object_get(ok, "log"));
	if (!log) {
		fprintf(stderr, "hil: %s is neither a file nor a job hild knows: %s\n", what,
			ok ? "it has no log" : err);
		json_decref(ok);
		return -1;
	}
	snprintf(out, n, "%s", log);
	json_decref(ok);
	return 0;
}
