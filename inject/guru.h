/* guru.h - the pass-5 loader's pieces (guru-run is static, libc only).
 *
 *   guru_load.c    load, unload and explain errors
 *   guru_stream.c  the module's transport: frames to stdout/stderr, ctl
 *   guru_target.c  -c CMD: the command whose pid is target()
 * and cmdline.c (shared with gstap): splitting -c CMD as stap does.
 */
#ifndef INJECT_GURU_H
#define INJECT_GURU_H

#include <stddef.h>
#include <sys/types.h>

/* guru-run -c CMD: forked before the load, held until the probes are armed. */
struct guru_target {
	pid_t pid;
	int hold;		/* write end of the pipe the child waits on; -1 */
	int exited, status;	/* reaped, and its wait status */
};

/* Fork the command, held. 0, or -1 after a message. */
int guru_target_spawn(struct guru_target *t, const char *cmd);
/* Let it exec (the module has started). */
void guru_target_release(struct guru_target *t);
/* Has it exited (reaped now or before)? */
int guru_target_exited(struct guru_target *t);
/* The script is over: a command never released exits without running;
 * one still running is sent SIGTERM (SIGKILL after 2 s) and reaped. */
void guru_target_finish(struct guru_target *t);

/* Load the module file; its name (from the file name) goes to name_out.
 * Returns 0, or -1 after printing a one-line explanation. */
int guru_load(const char *path, const char *params, char *name_out, size_t name_size);
/* Remove module NAME: 0, or -1 after a message. */
int guru_unload(const char *name);
/* Is NAME one of ours (it has /proc/gstap-NAME)? */
int guru_is_ours(const char *name);
/* guru-run -d NAME|'*': stop, drain and unload leftovers. Exit status. */
int guru_remove_leftovers(const char *pattern, int verbose);

/* Run the loaded module's script to its end: send start (if asked), copy output,
 * renew the lease, turn SIGINT/SIGTERM/SIGHUP into a stop request. With a
 * target (-c), release it once started and request the stop when it exits.
 * Returns the script's exit status (0, or 1 after run-time errors). */
int guru_stream(const char *name, int start, struct guru_target *target, int verbose);
/* SIGINT, SIGTERM, SIGHUP become a stop request (installed before the
 * load, so that a signal during it still unloads cleanly). */
void guru_install_signals(void);
/* Ask the module to stop (the ctl file). 0 or -1 (errno set). */
int guru_ctl(const char *name, const char *cmd);

#endif
