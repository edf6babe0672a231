/* gen_internal.h - what the pass-3 files (gen*.c) share; not for other passes.
 *
 * Pass 3 lowers the elaborated tree into C statements. Each script
 * function and each probe handler gets a frame struct (its parameters,
 * locals and temporaries), carved out of the context's frame memory at
 * run time (kernel stacks are small). An expression is emitted as the
 * statements that compute it (into the current body) and a C rvalue
 * that holds its value afterwards: an int64_t for longs, a
 * `const char *` for strings.
 */
#ifndef INJECT_GEN_INTERNAL_H
#define INJECT_GEN_INTERNAL_H

#include "gen.h"

#include <stdio.h>

/* The frame struct of the function or probe being emitted. */
struct frame {
	const char *type;		/* "struct stp_frame_f3_foo" */
	FILE *decls;			/* member lines of fixed size */
	char *decls_buf;
	size_t decls_len;
	long fixed_bytes;		/* upper bound of their size */
	struct ptrvec strings;		/* const char *: char[MAXSTRINGLEN] members */
	int str_temps_cur, str_temps_max;	/* string temporaries s0.. (a stack) */
	int ntemps;			/* other temporaries t0.. */
};

struct loop_labels {
	const char *brk, *cont;
	struct loop_labels *outer;
};

/* A statistic global's histogram (from @hist_log / @hist_linear uses) and
 * the bit shift of @variance(s, N). */
struct hist_use {
	const struct sym *sym;
	int has_hist, has_shift;
	enum statop op;
	int64_t start, stop, interval;
	int shift;
};

struct gen {
	const struct program *prog;
	const struct gen_options *opt;
	struct arena *a;
	FILE *body;			/* the current function's statements */
	int indent;
	struct frame *fr;
	const struct func *func;	/* NULL in a probe handler */
	const struct derived_probe *probe;
	const char *err_label;		/* where a run-time error jumps */
	struct loop_labels *loop;
	int label_seq;
	int in_entry;			/* emitting a .return probe's entry handler */
	char *entry_is_str;		/* per entry slot of g->probe: 1 for a string
					 * (MAXSTRINGLEN bytes after the longs) */
	int entry_locks;		/* g->probe's entry handler may touch globals */
	struct ptrvec hists;		/* struct hist_use * */
	FILE *regex_defs;		/* compiled regular expressions */
	char *regex_buf;
	size_t regex_len;
	int nregex;
	int failed;			/* a diag_error was reported */
};

/* gen.c */
void gen_line(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *gen_fmt(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A C string literal (quotes included) holding s. */
const char *gen_c_string(struct gen *g, const char *s);
/* stap's "near" text of the token at loc: "operator '/' at <input>:1:30". */
const char *gen_near(struct gen *g, struct loc loc);
/* Temporaries of the current frame; each returns the C lvalue ("l->t3"). */
const char *gen_temp_long(struct gen *g);
const char *gen_temp_str(struct gen *g);
const char *gen_temp_typed(struct gen *g, const char *ctype, long bytes, int count);
/* Jump to the error label when the last call set an error. */
void gen_check_error(struct gen *g);
/* Set the error text at loc and jump: stp_error(c, msg...) is emitted by caller. */
void gen_fail(struct gen *g, struct loc loc, const char *c_error_call);
/* The storage of a variable: scalar lvalue, or the map for arrays. */
const char *gen_var_lvalue(struct gen *g, const struct sym *s);
const char *gen_map_ref(struct gen *g, const struct sym *s);
const struct hist_use *gen_hist_of(struct gen *g, const struct sym *s);

/* gen_expr.c */
const char *gen_expr(struct gen *g, const struct expr *e);
/* Like gen_expr, but the value is copied into a temporary when later
 * evaluation could change it (variables, map slots). */
const char *gen_expr_stable(struct gen *g, const struct expr *e);
int gen_expr_has_side_effects(const struct expr *e);
/* Fill a struct stp_key[] temporary with the keys of an index expression. */
const char *gen_keys(struct gen *g, const struct ptrvec *args);

/* gen_stmt.c */
void gen_stmt(struct gen *g, const struct stmt *s);

/* gen_builtin.c: print family, log, warn, error, exit. NULL for void. */
const char *gen_builtin_call(struct gen *g, const struct expr *e);

/* gen_regex.c: the program of a literal regular expression, emitted into
 * g->regex_defs; returns its C name, or NULL after a diagnostic. */
const char *gen_regex(struct gen *g, const struct expr *re);

/* gen_tvar.c: target variables ($x, @cast, @var). */
const char *gen_tvar(struct gen *g, const struct expr *e);
/* $x = v in guru mode: store the long value v where $x was read from. */
void gen_tvar_store(struct gen *g, const struct expr *lhs, const char *v);
/* A .return probe's value saved at entry; and the saving, in the entry
 * handler, of what an expression needs. */
const char *gen_entry_slot(struct gen *g, int slot);
/* In an entry handler: save the value v (a long, or a string when the slot
 * is one) into slot. */
void gen_entry_store(struct gen *g, int slot, const char *v);
/* The layout of p's entry slots (sets g->entry_is_str, g->entry_locks) and the C
 * expression of their size in bytes. */
const char *gen_entry_layout(struct gen *g, const struct derived_probe *p);
void gen_tvar_save_entry(struct gen *g, const struct expr *e);

#endif
