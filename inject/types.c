/* types.c - spelling tables generated from the X-macro lists in ast.h. */
#include "ast.h"

const char *const type_names[] = {
#define X(e, s) [e] = s,
	TYPE_LIST(X)
#undef X
};

const char *const op_spelling[] = {
#define X(e, s) [e] = s,
	OP_LIST(X)
#undef X
};

const char *const statop_spelling[] = {
#define X(e, s) [e] = s,
	STATOP_LIST(X)
#undef X
};
