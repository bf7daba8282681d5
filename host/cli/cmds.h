/* The hil CLI's subcommands, one file each. Each returns the exit status:
 * 0 success, 1 a test failed (expect, wait), 2 anything else. */
#ifndef HIL_CLI_CMDS_H
#define HIL_CLI_CMDS_H

int cmd_run(int argc, char **argv);
int cmd_ports(int argc, char **argv);
int cmd_bitstream(int argc, char **argv);
int cmd_wrap(int argc, char **argv);
int cmd_oracle(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_flash(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_boards(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_result(int argc, char **argv);

#endif
