/* See dutopts.h. */
#include "dutopts.h"

#include "opts.h"

int dutopts_get(struct dutopts_args *a, const char *who)
{
	return opts_join(who, "param", a->params, a->params_text, sizeof(a->params_text)) <
				0 ||
			opts_join(who, "define", a->defines, a->defines_text,
				  sizeof(a->defines_text)) < 0
		? -1
		: 0;
}
