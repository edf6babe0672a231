/* sema.h - pass 2: elaboration of the parsed program. */
#ifndef INJECT_SEMA_H
#define INJECT_SEMA_H

#include "ast.h"

struct sema_options {
	int guru;		/* -g */
	int verbose;
	int unoptimized;	/* -u: keep unused functions and globals */
	int list_mode;		/* -l/-L: resolve probe points only */
	int keep_locals;	/* -L: no optimiser, so an alias's locals stay listed */
	const char *target_program;	/* -c CMD's program: process.function(...) */
};

/* Resolve symbols, expand aliases and probe points, infer types, check
 * guru rules, resolve target variables, drop what is unused. Fills
 * prog->probes/funcs/globals. Returns 0, or -1 after diag_error(). */
int sema_elaborate(struct program *prog, const struct sema_options *opt);

/* gstap -p2 */
void print_program(FILE *out, const struct program *prog);

#endif
