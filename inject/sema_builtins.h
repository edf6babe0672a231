/* sema_builtins.h - the functions the translator implements itself.
 *
 * stap's print family (print, printf, sprintf, ...) and log/warn/error/exit
 * are not tapset functions: a call to one is an E_CALL with func == NULL
 * whose name is in this table. Pass 2 checks the argument count and types
 * (printf-style format strings against their arguments) and sets the call's
 * type to ret; pass 3 finds the entry with sema_builtin_lookup(e->name) and
 * switches on its id. A script or tapset function of the same name is
 * never consulted: the builtin wins.
 */
#ifndef INJECT_SEMA_BUILTINS_H
#define INJECT_SEMA_BUILTINS_H

#include "ast.h"

/* How arguments are typed:
 *   BA_FORMAT  first arg a string literal format, the rest typed by it;
 *   BA_ANY     any long or string (print, println, sprint, sprintln);
 *   BA_DELIM   first arg a string delimiter, the rest any (printd...);
 *   BA_STRING  every arg a string;  BA_LONG  every arg a long. */
enum builtin_args { BA_FORMAT, BA_ANY, BA_DELIM, BA_STRING, BA_LONG };

/* id, name, return type, min args, max args (-1: unbounded), arg typing */
#define BUILTIN_LIST(X)                                                       \
	X(BI_PRINT, "print", TY_VOID, 1, -1, BA_ANY)                          \
	X(BI_PRINTLN, "println", TY_VOID, 0, -1, BA_ANY)                      \
	X(BI_PRINTF, "printf", TY_VOID, 1, -1, BA_FORMAT)                     \
	X(BI_PRINTD, "printd", TY_VOID, 2, -1, BA_DELIM)                      \
	X(BI_PRINTDLN, "printdln", TY_VOID, 2, -1, BA_DELIM)                  \
	X(BI_SPRINT, "sprint", TY_STRING, 1, -1, BA_ANY)                      \
	X(BI_SPRINTLN, "sprintln", TY_STRING, 0, -1, BA_ANY)                  \
	X(BI_SPRINTF, "sprintf", TY_STRING, 1, -1, BA_FORMAT)                 \
	X(BI_SPRINTD, "sprintd", TY_STRING, 2, -1, BA_DELIM)                  \
	X(BI_SPRINTDLN, "sprintdln", TY_STRING, 2, -1, BA_DELIM)              \
	X(BI_LOG, "log", TY_VOID, 1, 1, BA_STRING)                            \
	X(BI_WARN, "warn", TY_VOID, 1, 1, BA_STRING)                          \
	X(BI_ERROR, "error", TY_VOID, 1, 1, BA_STRING)                        \
	X(BI_EXIT, "exit", TY_VOID, 0, 0, BA_LONG)

enum builtin_id {
#define X(id, name, ret, min, max, args) id,
	BUILTIN_LIST(X)
#undef X
	BI_COUNT
};

struct builtin {
	enum builtin_id id;
	const char *name;
	enum type ret;
	int min_args, max_args;
	enum builtin_args args;
};

/* The builtin named name, or NULL. */
const struct builtin *sema_builtin_lookup(const char *name);
const struct builtin *sema_builtin_at(int i);	/* 0..BI_COUNT-1 */

/* One conversion of a printf format: the type of argument it takes
 * (TY_LONG, TY_STRING, or TY_VOID for %% and literal text). Returns the
 * number of argument-taking conversions, or -1 with *bad set to the offset
 * of a malformed directive. types may be NULL; at most max are stored. */
int sema_format_arg_types(const char *fmt, enum type *types, int max, int *bad);

#endif
