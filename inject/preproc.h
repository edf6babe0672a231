/* preproc.h - the stap preprocessor between the lexer and the parser:
 * %( cond %? then %: else %) conditionals evaluated for the target,
 * @define macros with @param uses, and $N/@N/$#/@# script arguments. */
#ifndef INJECT_PREPROC_H
#define INJECT_PREPROC_H

#include "ast.h"
#include "lex.h"

struct macro_table;
struct pp_env;

/* One input of the preprocessor: the file's lexer, a lexer over a script
 * argument, or a token list (macro body or argument, a token put back). */
struct pp_frame {
	int is_lexer;
	struct lexer lx;
	const struct token *toks;	/* NULL: the one token below */
	int n, i;
	const struct pp_env *env;
	struct token one;		/* a token read ahead and put back */
};

#define PP_FRAMES 8			/* frames in struct pp before the arena */

struct pp {
	struct program *prog;
	struct arena *arena;
	struct arena *keep;		/* non-NULL: arena is a scratch arena for
					 * now (parse.c); macros go here instead */
	int is_stpm;			/* @define goes to the global table */
	struct macro_table *local;	/* this file's @defines */
	struct pp_frame *frames;	/* input stack: first_frames, then grown
					 * in the arena (struct pp is never copied) */
	int nframes, frames_cap;
	struct pp_frame first_frames[PP_FRAMES];
	long expanded;			/* tokens produced by macros so far */
	int cond_depth;			/* ( nesting in a %( condition */
	int cond_bail;			/* too deep: unwind without reading */
	int expansion_reported;
	int nscratch;			/* tokens gathered (preproc.c's buffer) */
	const struct pp_env *env;	/* of the last raw token */
#define MAX_CONDS 64
	struct loc conds[MAX_CONDS];	/* open %( conditionals */
	unsigned char cond_in_else[MAX_CONDS];
	int nconds;
	int cond_low;			/* lowest nconds since the caller reset it */
};

void pp_init(struct pp *pp, struct program *prog, const struct src_file *src,
	     int is_library);
/* Start again at a place a previous pp over src reached (a deferred body):
 * at points into src->text, line and line_start describe it, local is the
 * file's macro table as it was then. */
void pp_init_at(struct pp *pp, struct program *prog, const struct src_file *src,
		struct macro_table *local, const char *at, int line, const char *line_start);
/* Allocate from a (tokens, expansions, conditions) from now on; keep, when
 * not NULL, is where macro definitions go meanwhile (a is a scratch arena). */
void pp_use_arena(struct pp *pp, struct arena *a, struct arena *keep);
/* The next token after conditionals, macros and script arguments. */
void pp_next(struct pp *pp, struct token *t);

#endif
