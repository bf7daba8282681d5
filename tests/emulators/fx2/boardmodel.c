#include "boardmodel.h"

#include <stdlib.h>

void boardmodel_init(struct boardmodel *m, const char *path)
{
	m->path = path;
	modelproc_init(&m->proc);
	m->to_board = m->from_board = 0;
}

/* A board whose model cannot start is no board to test against. */
void boardmodel_power(struct boardmodel *m, int running)
{
	modelproc_stop(&m->proc);
	if (running && m->path && modelproc_start(&m->proc, m->path, "fx2-emu") < 0)
		exit(125);
}
