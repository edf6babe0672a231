/* gen.h - pass 3: translate the elaborated program into one C file. */
#ifndef INJECT_GEN_H
#define INJECT_GEN_H

#include "ast.h"

struct gen_options {
	const char *module_name;
	struct ptrvec defines;		/* const char * "NAME=VALUE" from -D */
	struct ptrvec global_inits;	/* const char * "var=val" from -G */
	int guru;
};

/* Write the module source. Returns 0, or -1 after diag_error(). */
int gen_module(FILE *out, const struct program *prog, const struct gen_options *opt);

#endif
