/* debuginfo.h - parameters of a user-space function from its DWARF (libdw),
 * for the target variables of process("PATH").function("F") probes.
 *
 * The DWARF is the binary's own, or the separate debug file Debian's
 * -dbgsym packages install as /usr/lib/debug/.build-id/NN/REST.debug
 * (found through the binary's GNU build-id note). The types of the
 * parameters (and what they point to, a few levels deep) are translated
 * into a small BTF of their own, so pass 2 walks user structs with the
 * same code as kernel ones. (Not named dwarf.h: that is elfutils' header
 * of DWARF constants, which libdw.h includes.)
 */
#ifndef INJECT_DEBUGINFO_H
#define INJECT_DEBUGINFO_H

#include "ast.h"

#include <bpf/btf.h>

struct debuginfo_value {
	const char *name;	/* parameter name; "return" for the result */
	const char *c_type;	/* "char*", "struct stat*", "size_t" */
	int type_id;		/* in debuginfo_func.btf; 0 for void */
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
	const struct btf *btf;		/* the types above */
};

/* Describe function fn of the ELF file at path: cached per (path, fn) for
 * the process. Returns it, or NULL with *why set (no such file, no DWARF,
 * no such function). */
const struct debuginfo_func *debuginfo_function(const char *path, const char *fn,
						const char **why);
/* Why value v cannot be read from its register, or NULL when it can. */
const char *debuginfo_unavailable(const struct debuginfo_value *v);

/* Drop the cache (tests; valgrind-clean exit). */
void debuginfo_cache_free(void);

#endif
