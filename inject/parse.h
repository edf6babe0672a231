/* parse.h - pass 1: lexer, preprocessor and parser of the stap language. */
#ifndef INJECT_PARSE_H
#define INJECT_PARSE_H

#include "ast.h"

struct macro_table;

/* Parse one file into prog's arena. Returns NULL after reporting errors
 * through diag_error() (several per run: the parser recovers at top-level
 * keywords). Macros from .stpm library files are global: they go into
 * prog's macro table and are visible to every file parsed afterwards;
 * @define in a .stp file is file-local. */
struct file_ast *parse_file(struct program *prog, const struct src_file *src,
			    int is_library);

/* A library file's function and probe-alias bodies are syntax-checked in
 * pass 1 but not kept (a scratch arena, reused file by file): only their
 * source span and the file's macros stay. Pass 2 calls these when it pulls
 * the function or alias in; they parse the body into prog's arena (same
 * tree, same locations). 0, or -1 after reporting errors. No-ops when the
 * body is already there. */
int parse_materialize_func(struct program *prog, struct func *f);
int parse_materialize_probe(struct program *prog, struct probe *pr);

/* Print a file's tree in canonical stap syntax (gstap -p1). The output
 * re-parses to the same tree. */
void print_file_ast(FILE *out, const struct file_ast *f);
/* indent tabs, the statement, a newline (nested lines one tab deeper) */
void print_stmt(FILE *out, const struct stmt *s, int indent);
/* compound expressions in parentheses; no newline */
void print_expr(FILE *out, const struct expr *e);
void print_probe_point(FILE *out, const struct probe_point *pp);

#endif
