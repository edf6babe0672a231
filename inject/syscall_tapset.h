/* syscall_tapset.h - the syscall tapset, generated at pass 1 from one table.
 *
 * tapsets/syscalls.def lists every x86-64 syscall (number, name, the
 * probed entry point, how its return value prints, and each argument's C
 * type, stap name and argstr kind; tapsets/gen/syscalls_def.py regenerates
 * it from the kernel headers). The tapset loader hands that file to
 * syscall_tapset_source(), which returns the stap text of syscall.NAME and
 * syscall.NAME.return for every entry, plus the errno names of
 * errno_table.h as errno_str(), headed by the helpers the aliases call
 * (tapsets/gen/syscalls_aux.stp: reading user registers and memory, the
 * argstr formatters), so that one file pulls in all of it.
 */
#ifndef INJECT_SYSCALL_TAPSET_H
#define INJECT_SYSCALL_TAPSET_H

#include "arena.h"
#include "diag.h"

#define SYSCALL_MAX_ARGS 6

struct syscall_arg {
	const char *ctype;	/* "const char __user *" */
	const char *name;	/* stap variable: "filename" */
	int kind;		/* enum syscall_kind (syscall_tapset.c) */
	int ref;		/* kind(arg): index of the other argument, or -1 */
};

struct syscall_def {
	int nr;
	const char *name;	/* "openat" */
	const char *entry;	/* "__x64_sys_openat", or NULL: not on x86-64 */
	int ret;		/* enum syscall_ret */
	int nargs;
	struct syscall_arg args[SYSCALL_MAX_ARGS];
	struct loc loc;		/* the line in the table */
};

struct syscall_table {
	struct syscall_def *defs;
	int n;
};

/* Parse the table text (src names it for diagnostics). Returns 0, or -1
 * after diag_error() on each malformed line. */
int syscall_table_parse(struct arena *a, const struct src_file *src,
			struct syscall_table *out);

/* The stap text for a parsed table. */
const char *syscall_tapset_generate(struct arena *a, const struct syscall_table *t);

/* Load table_path (and gen/syscalls_aux.stp beside it), parse and
 * generate: the stap source of the syscall tapset, or NULL after a
 * diagnostic. */
const char *syscall_tapset_source(struct arena *a, const char *table_path);

#endif
