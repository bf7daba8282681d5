#include "boardmodel.h"

#include <stdlib.h>

#include "modelmap.h"

void boardmodel_init(struct boardmodel *m, const char *path)
{
	m->path = path;
	modelproc_init(&m->proc);
	m->to_board = m->from_board = 0;
}

/* A board whose model cannot start is no board to test against. */
void boardmodel_power(struct boardmodel *m, int running, const char *comment)
{
	modelproc_stop(&m->proc);
	const char *path = running && m->map
		? modelmap_pick(m->map, comment, m->picked, sizeof(m->picked), "fx2-emu")
		: m->path;
	if (running && path && modelproc_start(&m->proc, path, "fx2-emu") < 0)
		exit(125);
}
