/* A DUT's parameter overrides ("NAME=VALUE,NAME=VALUE", as hil_options and
 * hil_dut_options take them and ports.json records them) and macros
 * ("NAME,NAME=VALUE"). Parameters' values are integers and macros' plain
 * words, so they mean the same to Yosys, Verilator and Icarus. */
#ifndef HIL_PARAMS_H
#define HIL_PARAMS_H

#include <stddef.h>

#define HIL_MAX_PARAMS    32
#define HIL_PARAMS_MAXLEN 1024

#include "hil/dut.h" /* hil_params_canon, hil_defines_canon */

/* Calls fn for each NAME, VALUE of a canonical list (VALUE "" for a macro
 * without one); stops at fn's first non-zero return and returns it. */
int hil_params_each(const char *canon, int (*fn)(void *, const char *, const char *),
		    void *user);

#endif
