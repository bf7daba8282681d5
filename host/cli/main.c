/* hil: the command line. Dispatches to one file per subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "hil/targets.h"
#include "opts.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{"run", cmd_run,
	 "run (--dut DIR | --target URI) [--top T] [--vcd FILE] [--json]\n"
	 "      [--record LOG] [--direct] SCRIPT\n"
	 "      run a stimulus script (docs/scripts.md) on the DUT (its targets:\n"
	 "      hil run --help; ftdi: also takes --serial S, --bus N --device N).\n"
	 "      --dut DIR is sim:DIR, through a hild that is running unless\n"
	 "      --direct"},
	{"list", cmd_list,
	 "list\n"
	 "      the FTDI devices, FX2s and boards attached, with their serials"},
	{"bitstream", cmd_bitstream,
	 "bitstream --board B --dut DIR [--top T] [--out DIR] [KEY=VALUE ...]\n"
	 "      build the DUT's bitstream for board B (KEY=VALUE overrides a\n"
	 "      setting of its board.mk, such as CLK_MHZ=40); prints the path\n"
	 "      of hil.bin (default: in the build cache, where usb: finds it)"},
	{"flash", cmd_flash,
	 "flash [--sram] [--board B] [--serial S | --bus N --device N] FILE\n"
	 "      put a bitstream in the board's SPI flash (verified) or SRAM"},
	{"doctor", cmd_doctor,
	 "doctor [BOARD] [--serial S | --bus N --device N]\n"
	 "      [--examples A,B | --no-examples] [--keep DIR]\n"
	 "      check a board step by step: USB, identity, permission, a\n"
	 "      bring-up bitstream in SRAM, the link, the examples against sim"},
	{"replay", cmd_replay,
	 "replay LOG --target URI\n"
	 "      re-apply a recorded session on another target; prints\n"
	 "      'identical' or the first cycle and port that differ"},
	{"trace", cmd_trace,
	 "trace export (LOG | JOB) --vcd FILE\n"
	 "      a session log (or a job's) as a VCD for GTKWave"},
	{"boards", cmd_boards,
	 "boards [--json]\n"
	 "      the boards hild owns: state, lease, queue, DUT"},
	{"submit", cmd_submit,
	 "submit SCRIPT --dut DIR (--board NAME | --board-type T | --sim)\n"
	 "      queue a script run with hild; prints the job id"},
	{"jobs", cmd_jobs,
	 "jobs\n"
	 "      hild's jobs, newest first"},
	{"wait", cmd_wait,
	 "wait JOB\n"
	 "      wait for a job; exits with its status (0 pass, 1 fail, 2 error)"},
	{"result", cmd_result,
	 "result JOB\n"
	 "      a finished job's trace and summary"},
	{"ports", cmd_ports,
	 "ports --dut DIR [--top T] [--json | --where | --model KIND]\n"
	 "      list the DUT's ports (--where: its folder in the build cache;\n"
	 "      --model sim|ce|netlist:B|uart:B|fx2:B: build that model, print its path)"},
	{"oracle", cmd_oracle,
	 "oracle --dut DIR [--top T] SCRIPT\n"
	 "      write the plain Verilog testbench of the bare DUT"},
	{"wrap", cmd_wrap,
	 "wrap --json DUT_CE.JSON --top T --out DIR\n"
	 "      generate the bridge top and ports.json (used by the build)"},
};

static int usage(FILE *f)
{
	fprintf(f,
		"usage: hil [--cache DIR] COMMAND [OPTIONS]\n\n"
		"--cache DIR: build DUT models into DIR (default $HIL_CACHE, else\n"
		"$XDG_CACHE_HOME/hil, else ~/.cache/hil)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s\n", cmds[i].help);
	return f == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"cache", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	opterr = 0;
	/* "+": hil's own options end at the command; the rest are its. */
	for (;;) {
		const char *word = argv[optind];
		int c = getopt_long(argc, argv, "+:h", longopts, NULL);
		if (c == -1)
			break;
		if (c == 'h')
			return usage(stdout);
		if (c != 'c') {
			opts_refused("hil", longopts, c, word);
			return usage(stderr);
		}
		setenv("HIL_CACHE", optarg, 1);
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage(stderr);
	if (!strcmp(argv[0], "help") && argc == 1)
		return usage(stdout);
	/* `hil help COMMAND` is `hil COMMAND --help`, as is -h anywhere
	 * before a "--". */
	int help = argc == 2 && !strcmp(argv[0], "help");
	const char *name = help ? argv[1] : argv[0];
	for (int a = 1; !help && a < argc && strcmp(argv[a], "--"); a++)
		help = !strcmp(argv[a], "--help") || !strcmp(argv[a], "-h");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(name, cmds[i].name)) {
			if (help) {
				printf("usage: hil %s\n", cmds[i].help);
				if (cmds[i].fn == cmd_run) {
					char targets[2048];
					hil_targets_help(targets, sizeof(targets), "  ");
					printf("\ntargets (URI):\n%s", targets);
				}
				return 0;
			}
			return cmds[i].fn(argc, argv);
		}
	fprintf(stderr, "hil: unknown command '%s'\n", name);
	return usage(stderr);
}
