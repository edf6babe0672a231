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

/* Print a file's tree in canonical stap syntax (gstap -p1). The output
 * re-parses to the same tree. */
void print_file_ast(FILE *out, const struct file_ast *f);
/* indent tabs, the statement, a newline (nested lines one tab deeper) */
void print_stmt(FILE *out, const struct stmt *s, int indent);
/* compound expressions in parentheses; no newline */
void print_expr(FILE *out, const struct expr *e);
void print_probe_point(FILE *out, const struct probe_point *pp);

#endif
