/* sema_internal.h - what the pass-2 files (sema*.c) share; not for pass 3. */
#ifndef INJECT_SEMA_INTERNAL_H
#define INJECT_SEMA_INTERNAL_H

#include "ast.h"
#include "sema.h"

/* A string-keyed hash table of ptrvecs (open addressing, arena-backed):
 * the library's functions, globals and aliases by name. */
struct strmap_slot {
	const char *key;
	struct ptrvec vals;
};
struct strmap {
	struct strmap_slot *slots;
	int cap, n;
};
unsigned long sema_hash(const char *s);
/* The list under key, or NULL. */
struct ptrvec *sema_map_get(const struct strmap *m, const char *key);
/* The list under key, created empty when missing. */
struct ptrvec *sema_map_put(struct arena *a, struct strmap *m, const char *key);

/* A derived probe as pass 2 builds it: pass 3 sees only the first member. */
struct sema_dprobe {
	struct derived_probe dp;
	const char *origin;		/* the user's probe point text, for -p2 */
	const char *list_name;		/* what -l prints: the alias name or pp */
	struct probe *alias;		/* the outermost alias used, or NULL */
	const struct src_file *file;	/* the probe's file (private lookups) */
};

/* One elaboration. */
struct sema {
	struct program *prog;
	struct arena *a;
	const struct sema_options *opt;
	struct strmap funcs;		/* name -> struct func * (file order) */
	struct strmap globals;		/* name -> struct global_decl * */
	struct strmap aliases;		/* first component -> struct alias_name * */
	struct strmap alias_full;	/* whole name text -> struct alias_name * */
	struct strmap file_index;	/* src file name -> struct file_ast * */
	struct strmap pulled;		/* src file name -> (non-empty): pulled in */
	struct ptrvec file_queue;	/* struct file_ast *: pulled, to process */
	struct ptrvec func_queue;	/* struct func *: referenced, body to walk */
	struct ptrvec resolved_globals;	/* struct global_decl *: referenced */
	int functions_only;		/* --dump-functions: no probes */
	struct ptrvec no_next;		/* struct func *: resolved, never says 'next':
					 * no overload chain goes on from it */
};

/* An alias name registered under its first component. */
struct alias_name {
	struct probe *alias;		/* the alias probe (body, points) */
	struct probe_point *name;	/* one of alias->alias_names */
	const struct file_ast *file;
};

/* sema.c */
void sema_pull_file(struct sema *S, const struct file_ast *f);
const struct file_ast *sema_file_of(struct sema *S, const struct src_file *src);

/* sema_probes.c: expand the probe points of p (a non-alias probe) into
 * derived probes appended to prog->probes. Returns 0 or -1. */
int sema_derive_probe(struct sema *S, struct probe *p, const struct file_ast *f);
void sema_index_aliases(struct sema *S, const struct file_ast *f);
/* Text of a probe point (components, args; no flags). */
const char *sema_pp_text(struct arena *a, const struct probe_point *pp);
/* The i-th built-in probe point shape ("kernel.function(string).return"),
 * NULL past the end: --dump-probe-types. */
const char *sema_probe_shape(int i);

/* sema_elf.c: the function symbols of a binary matching a glob, with their
 * file offsets (uint64_t * in offsets). Returns the count or -1. */
int sema_elf_functions(struct arena *a, const char *path, const char *pattern,
		       struct ptrvec *names, struct ptrvec *offsets);

/* An array's key types with, behind them, where each was first inferred
 * (for the notes of type conflicts): sym->key_types comes from here. */
enum type *sema_alloc_key_types(struct arena *a, int nkeys);
/* Where key i's type was first inferred, or NULL for key types allocated
 * elsewhere. */
struct loc *sema_key_loc(struct sym *s, int i);

/* sema_resolve.c: symbol resolution of bodies. */
struct scope {
	struct func *func;		/* or NULL */
	struct derived_probe *dp;	/* or NULL */
	struct ptrvec *locals;
	const struct src_file *file;	/* private symbols of this file are visible */
	int library_private_ok;		/* ... and of every library file (alias bodies) */
	int defer_targets;		/* inside @entry: sema_tvar resolves targets */
	int dead_code;			/* inside this many dropped branches: their
					 * target variables are never resolved */
};
int sema_resolve_stmt(struct sema *S, struct scope *sc, struct stmt *s);
int sema_resolve_expr(struct sema *S, struct scope *sc, struct expr *e);
/* The closest of the keys of m and of extra[] to name, for "did you
 * mean" notes, or NULL when none is close. */
const char *sema_similar(const char *name, const struct strmap *m, const char *const *extra,
			 int nextra);
/* Find or pull in the global named name visible from file; NULL if none. */
struct scope;
struct sym *sema_find_global(struct sema *S, const char *name, const struct scope *sc);

/* sema_types.c: infer types of the kept program to a fixed point. */
int sema_infer_types(struct sema *S);

/* sema.c: type every library function for --dump-functions. */
void sema_type_library_functions(struct program *prog);

/* sema_optimize.c: drop assignments to locals nobody reads, side-effect-free
 * expression statements, constant branches and unmentioned locals in the
 * reachable bodies (all_funcs: those with used set). The caller recomputes
 * reachability afterwards. Not run with -u. */
void sema_optimize(struct sema *S, struct ptrvec *all_funcs);

/* sema_autoprint.c: append the end probe displaying written-only globals. */
void sema_autoprint(struct sema *S);

/* sema_walk.c: deep copies for derived probes (each gets its own tree). */
struct stmt *sema_copy_stmt(struct arena *a, const struct stmt *s);
struct expr *sema_copy_expr(struct arena *a, const struct expr *e);

/* sema_walk.c: a generic pre-order walk that calls fn on every expression
 * (and on foreach/catch statements through fn_stmt, may be NULL). */
typedef void (*sema_expr_fn)(void *ctx, struct expr *e);
typedef void (*sema_stmt_fn)(void *ctx, struct stmt *s);
void sema_walk_stmt(struct stmt *s, sema_expr_fn fn, sema_stmt_fn fn_stmt, void *ctx);
void sema_walk_expr(struct expr *e, sema_expr_fn fn, void *ctx);

#endif
