/* The hil CLI's subcommands, one file each. Each returns the exit status:
 * 0 success, 1 a test failed (expect, wait), 2 anything else. */
#ifndef HIL_CLI_CMDS_H
#define HIL_CLI_CMDS_H

int cmd_run(int argc, char **argv);
int cmd_ports(int argc, char **argv);
int cmd_wrap(int argc, char **argv);
int cmd_oracle(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_flash(int argc, char **argv);

#endif
