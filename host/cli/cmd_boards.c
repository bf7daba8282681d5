/* hil boards: what hild owns, each board's state (free, leased by whom,
 * resetting, offline and why), how many wait for it, and the DUT it runs. */
#include <stdio.h>
#include <stdlib.h>

#include "cmds.h"
#include "hil/client.h"
#include "opts.h"

int cmd_boards(int argc, char **argv)
{
	const char *sock = NULL;
	int json = 0;
	const struct cliopt opts[] = {
		{"socket", &sock, NULL, NULL, 0}, {"json", NULL, &json, NULL, 0}, {0}};
	if (opts_parse(argc, argv, "hil boards", opts, NULL, 0) < 0)
		return 2;
	char err[1024];
	struct hil_client *c = hil_client_connect(sock, "hil", err, sizeof(err));
	json_t *ok = c
		? hil_client_call(c, json_pack("{s:s}", "op", "boards"), err, sizeof(err))
		: NULL;
	hil_client_close(c);
	if (!ok) {
		fprintf(stderr, "hil boards: %s\n", err);
		return 2;
	}
	if (json) {
		char *t = json_dumps(ok, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", t ? t : "{}");
		free(t);
		json_decref(ok);
		return 0;
	}
	size_t i;
	json_t *b;
	printf("%-16s %-12s %-10s %-16s %6s  %s\n", "BOARD", "TYPE", "STATE", "LEASED BY",
	       "QUEUED", "DUT");
	json_array_foreach(json_object_get(ok, "boards"), i, b)
	{
		const char *who = json_string_value(json_object_get(b, "leased_by"));
		const char *why = json_string_value(json_object_get(b, "why"));
		printf("%-16s %-12s %-10s %-16s %6lld  %s%s%s\n",
		       json_string_value(json_object_get(b, "name")),
		       json_string_value(json_object_get(b, "type")),
		       json_string_value(json_object_get(b, "state")), who ? who : "-",
		       (long long)json_integer_value(json_object_get(b, "queued")),
		       json_string_value(json_object_get(b, "dut")), why ? "  offline: " : "",
		       why ? why : "");
	}
	printf("simulators: %lld running of at most %lld, %lld queued\n",
	       (long long)json_integer_value(json_object_get(ok, "sims")),
	       (long long)json_integer_value(json_object_get(ok, "max_sims")),
	       (long long)json_integer_value(json_object_get(ok, "sims_queued")));
	json_decref(ok);
	return 0;
}
