/*
 * gr_cmd.h - runs helper programs (qemu-img, genisoimage; ip, bridge,
 * dnsmasq for the network agent) from an argv, never through a shell, so
 * no argument is ever parsed twice. Each command is logged at debug level
 * before it runs. A failure's error quotes the program's own complaint
 * (the first line of its stderr).
 */
#ifndef GR_CMD_H
#define GR_CMD_H

struct gr_buf;

/*
 * Runs argv (argv[0] looked up in PATH) and waits for it. Standard output
 * goes to out when it is not NULL (bounded by out's limit), else it is
 * discarded. Returns 0 when the program exits 0; -1 with GR_ERR_INTERNAL
 * "PROG failed (status N): FIRST LINE OF STDERR" otherwise, or
 * GR_ERR_SYSTEM when it cannot be started.
 */
int gr_cmd_run(char *const argv[], struct gr_buf *out);

#endif
