/* debuginfo.h - parameters of a user-space function from its DWARF (libdw),
 * for the target variables of process("PATH").function("F") probes.
 *
 * The DWARF is the binary's own, or the separate debug file Debian's
 * -dbgsym packages install as /usr/lib/debug/.build-id/NN/REST.debug
 * (found through the binary's GNU build-id note). (Not named dwarf.h: that
 * is elfutils' header of DWARF constants, which libdw.h includes.)
 */
#ifndef INJECT_DEBUGINFO_H
#define INJECT_DEBUGINFO_H

#include "ast.h"

struct debuginfo_value {
	const char *name;	/* parameter name; "return" for the result */
	const char *c_type;	/* "char*", "struct stat*", "size_t" */
	int size;		/* bytes; 0 for void */
	int is_signed;
	int is_float;		/* passed in an xmm register */
	int is_aggregate;	/* struct/union/array passed by value */
	int slot;		/* SysV integer register (0..5), -1: not in one */
};

struct debuginfo_func {
	int nparams;
	struct debuginfo_value *params;
	struct debuginfo_value ret;	/* size 0: void */
};

/* Describe function fn of the ELF file at path. Returns 0, or -1 with
 * *why set (no such file, no DWARF, no such function). Results live in a. */
int debuginfo_function(struct arena *a, const char *path, const char *fn,
		       struct debuginfo_func *out, const char **why);

#endif
