/* guru.h - the pass-5 loader's pieces (guru-run is static, libc only).
 *
 *   guru_load.c    load, unload and explain errors
 *   guru_stream.c  the module's transport: frames to stdout/stderr, ctl
 */
#ifndef INJECT_GURU_H
#define INJECT_GURU_H

#include <stddef.h>

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
 * renew the lease, turn SIGINT/SIGTERM/SIGHUP into a stop request.
 * Returns the script's exit status (0, or 1 after run-time errors). */
int guru_stream(const char *name, int start, int verbose);
/* SIGINT, SIGTERM, SIGHUP become a stop request (installed before the
 * load, so that a signal during it still unloads cleanly). */
void guru_install_signals(void);
/* Ask the module to stop (the ctl file). 0 or -1 (errno set). */
int guru_ctl(const char *name, const char *cmd);

#endif
