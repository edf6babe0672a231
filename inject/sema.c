/* sema.c - pass 2: elaborate the parsed program for pass 3.
 *
 * What pass 3 (gen*.c) can rely on after sema_elaborate() returns 0:
 *
 *  prog->probes   struct derived_probe *, one per attachment point, in
 *                 script order. dp->body is an S_BLOCK of its own (a deep
 *                 copy: alias prologues, the probe's body, epilogues), so
 *                 annotations are per derived probe. dp->pp is the concrete
 *                 point ("kernel.function(\"vfs_read\").return"). Kinds:
 *                   PK_BEGIN/END/ERROR  seq = begin(N) (default 0);
 *                   PK_NEVER            never registered, body still typed;
 *                   PK_TIMER            period_ns (s/ms/us/ns, hz as 1e9/N)
 *                                       and randomize_ns; timer.jiffies(N)
 *                                       instead sets timer_jiffies = N,
 *                                       randomize_ns then counts jiffies;
 *                   PK_TIMER_PROFILE;
 *                   PK_KPROBE/KRETPROBE symbol (module NULL: the kernel),
 *                                       maxactive, is_call;
 *                   PK_TRACEPOINT       tp_system, tp_event;
 *                   PK_UPROBE/URETPROBE path, symbol, uoffset (file offset).
 *                 dp->condition: the "if (cond)" of the point (&&-combined
 *                 through aliases), resolved and typed in the probe's scope,
 *                 or NULL. dp->locals: struct sym * (SYM_LOCAL), index 0..n-1.
 *                 dp->id = its position in prog->probes.
 *  prog->funcs    struct func * reachable from a probe (all of the script's
 *                 and of pulled-in files with -u). params are SYM_PARAM
 *                 with index 0..np-1; locals continue at np. ret_type is
 *                 TY_LONG, TY_STRING or TY_VOID (no value returned).
 *                 func->embedded: a %{ %} body pass 3 emits as C (library
 *                 functions use stap's STAP_ARG_x / STAP_RETVALUE names).
 *  prog->globals  struct sym * (SYM_GLOBAL) that some kept body uses, with
 *                 index 0..n-1, type (value type), is_array, nkeys and
 *                 key_types, max_entries, wrap, init (global x = literal).
 *  prog->embedded const char *: top-level %{ %} of the script and of every
 *                 library file pulled in, in file order.
 *  expressions    every e->type is TY_LONG, TY_STRING, TY_STATS (a stats
 *                 variable under <<< or @op) or TY_VOID (a call of a
 *                 builtin or function returning nothing, and the E_STAT
 *                 @hist_log/@hist_linear, which only appear as the sole
 *                 argument of print/println).
 *                 E_VAR, and the base E_VAR of E_INDEX/E_IN, and the left
 *                 E_VAR of E_STAT_ADD/E_STAT: e->sym. A foreach's keys and
 *                 value: fe->key_syms[i], fe->value_sym; try/catch:
 *                 catch_sym. A '*' slice key is an E_VAR "*" with no sym.
 *                 E_CALL: e->func, or NULL for a builtin: the print family,
 *                 log, warn, error, exit (sema_builtins.h, with signatures
 *                 and the format checker).
 *                 E_TARGET/E_CAST/E_ATVAR/E_ENTRY: e->tvar (sema_tvar.h);
 *                 E_DEFINED is rewritten into E_NUM.
 *  sym->written   set when a kept body assigns the variable.
 *
 * Stages: index every file's functions, globals and aliases by name; pull
 * in the user script; derive its probes (sema_probes.c) and resolve the
 * bodies (sema_resolve.c), pulling library files in as their functions,
 * globals and aliases are used; mark what is reachable from the probes and
 * drop the rest (warning for the script's own); infer types to a fixed
 * point (sema_types.c); add stap's "end" probe that displays the globals
 * the script writes but never reads (sema_autoprint.c).
 */
#include "sema_internal.h"
#include "sema_builtins.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

unsigned long sema_hash(const char *s)
{
	unsigned long h = 1469598103934665603ul;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ul;
	return h;
}

static struct strmap_slot *strmap_find(const struct strmap *m, const char *key)
{
	unsigned long i;

	if (!m->cap)
		return NULL;
	for (i = sema_hash(key) & (unsigned long)(m->cap - 1);; i = (i + 1) & (unsigned long)(m->cap - 1)) {
		struct strmap_slot *s = &m->slots[i];

		if (!s->key || !strcmp(s->key, key))
			return s;
	}
}

struct ptrvec *sema_map_get(const struct strmap *m, const char *key)
{
	struct strmap_slot *s = strmap_find(m, key);

	return s && s->key ? &s->vals : NULL;
}

struct ptrvec *sema_map_put(struct arena *a, struct strmap *m, const char *key)
{
	struct strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;
		int i;

		m->cap = m->cap ? m->cap * 2 : 64;
		m->slots = arena_alloc(a, sizeof(*m->slots) * (size_t)m->cap);
		for (i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*strmap_find(m, old.slots[i].key) = old.slots[i];
	}
	s = strmap_find(m, key);
	if (!s->key) {
		s->key = key;
		m->n++;
	}
	return &s->vals;
}

const struct file_ast *sema_file_of(struct sema *S, const struct src_file *src)
{
	struct ptrvec *v = sema_map_get(&S->file_index, src->name);

	return v && v->n ? v->v[0] : NULL;
}

void sema_pull_file(struct sema *S, const struct file_ast *f)
{
	struct ptrvec *v;

	if (!f)
		return;
	v = sema_map_put(S->a, &S->pulled, f->file->name);
	if (v->n)
		return;
	ptrvec_push(S->a, v, (void *)f);
	ptrvec_push(S->a, &S->file_queue, (void *)f);
}

static void index_file(struct sema *S, struct file_ast *f)
{
	int i;

	ptrvec_push(S->a, sema_map_put(S->a, &S->file_index, f->file->name), f);
	for (i = 0; i < f->funcs.n; i++) {
		struct func *fn = f->funcs.v[i];

		fn->from_library = f->is_library;
		ptrvec_push(S->a, sema_map_put(S->a, &S->funcs, fn->name), fn);
	}
	for (i = 0; i < f->globals.n; i++) {
		struct global_decl *g = f->globals.v[i];

		if (!g->file)
			g->file = f->file;
		ptrvec_push(S->a, sema_map_put(S->a, &S->globals, g->sym->name), g);
	}
	sema_index_aliases(S, f);
}

/* The script's own duplicate globals. Functions of one name and arity are
 * stap's run-time overloads (sema_resolve.c chains them), not duplicates. */
static int check_duplicates(const struct file_ast *user)
{
	int i, j, rc = 0;

	for (i = 0; i < user->globals.n; i++) {
		struct global_decl *g = user->globals.v[i];

		for (j = 0; j < i; j++) {
			struct global_decl *h = user->globals.v[j];

			if (!strcmp(g->sym->name, h->sym->name)) {
				diag_error(g->loc, "global '%s' redefined", g->sym->name);
				diag_note(h->loc, "previous declaration of '%s' is here",
					  h->sym->name);
				rc = -1;
			}
		}
	}
	return rc;
}

static void queue_func(struct sema *S, struct func *f)
{
	if (f->used)
		return;
	f->used = 1;
	ptrvec_push(S->a, &S->func_queue, f);
}

static int process_file(struct sema *S, const struct file_ast *f)
{
	int i, rc = 0;

	if (S->functions_only)
		return 0;

	for (i = 0; i < f->embedded.n; i++) {
		if (!f->is_library && !S->opt->guru) {
			struct loc *l = i < f->embedded_locs.n ? f->embedded_locs.v[i] : NULL;
			struct loc none = { f->file, 1, 1, 0 };

			diag_error(l ? *l : none, "embedded C code needs guru mode (-g)");
			rc = -1;
		}
		ptrvec_push(S->a, &S->prog->embedded, f->embedded.v[i]);
	}
	for (i = 0; i < f->probes.n; i++) {
		struct probe *p = f->probes.v[i];
		int first = S->prog->probes.n, j;

		if (p->is_alias)
			continue;
		/* a library probe's body, deferred by pass 1 */
		if (parse_materialize_probe(S->prog, p) || sema_derive_probe(S, p, f)) {
			rc = -1;
			continue;
		}
		if (S->opt->list_mode)
			continue;
		for (j = first; j < S->prog->probes.n; j++) {
			struct sema_dprobe *sd = S->prog->probes.v[j];
			struct scope sc = { .dp = &sd->dp, .locals = &sd->dp.locals,
					    .file = f->file, .library_private_ok = sd->alias != NULL };

			rc |= sema_resolve_stmt(S, &sc, sd->dp.body);
			rc |= sema_resolve_expr(S, &sc, sd->dp.condition);
		}
	}
	/* the script's functions are all checked, used or not; -u keeps every
	 * function of a pulled-in file */
	if (!f->is_library || S->opt->unoptimized)
		for (i = 0; i < f->funcs.n; i++)
			queue_func(S, f->funcs.v[i]);
	return rc;
}

static void no_expr(void *ctx, struct expr *e)
{
	(void)ctx;
	(void)e;
}

static void note_next(void *ctx, struct stmt *s)
{
	if (s->kind == S_NEXT)
		*(int *)ctx = 1;
}

/* A 'next' in a function passes the call to its next overload: keep the
 * link (and the overload) only when the body has one, as stap's dead
 * overload remover does. */
static void keep_next_overload(struct sema *S, struct func *f)
{
	int can_next = 0;

	if (!f->next_overload)
		return;
	if (f->embedded)
		can_next = strstr(f->embedded, "STAP_NEXT") != NULL;
	else
		sema_walk_stmt(f->body, no_expr, note_next, &can_next);
	if (!can_next) {
		f->next_overload = NULL;
		ptrvec_push(S->a, &S->no_next, f);
		return;
	}
	if (f->next_overload->from_library)
		sema_pull_file(S, sema_file_of(S, f->next_overload->loc.file));
	queue_func(S, f->next_overload);
}

static int resolve_func(struct sema *S, struct func *f)
{
	struct scope sc = { .func = f, .locals = &f->locals, .file = f->loc.file };
	int rc;

	if (parse_materialize_func(S->prog, f))	/* a library body pass 1 deferred */
		return -1;
	if (f->embedded) {
		if (!f->from_library && !S->opt->guru) {
			diag_error(f->loc, "function '%s' has an embedded C body: it needs guru "
				   "mode (-g)", f->name);
			return -1;
		}
		keep_next_overload(S, f);
		return 0;
	}
	rc = sema_resolve_stmt(S, &sc, f->body);
	keep_next_overload(S, f);
	return rc;
}

/* ---- reachability ---- */

struct reach {
	struct sema *S;
	struct ptrvec stack;	/* struct func * to walk */
};

static void reach_expr(void *ctx, struct expr *e)
{
	struct reach *r = ctx;

	if (e->sym && e->sym->scope == SYM_GLOBAL)
		e->sym->used = 1;
	if (e->kind == E_CALL && e->func && !e->func->used) {
		e->func->used = 1;
		ptrvec_push(r->S->a, &r->stack, e->func);
	}
}

static void mark_reachable(struct sema *S, struct ptrvec *all_funcs)
{
	struct reach r = { .S = S };
	int i;

	for (i = 0; i < all_funcs->n; i++)
		((struct func *)all_funcs->v[i])->used = 0;
	for (i = 0; i < S->resolved_globals.n; i++)
		((struct global_decl *)S->resolved_globals.v[i])->sym->used = 0;
	for (i = 0; i < S->prog->probes.n; i++) {
		struct derived_probe *dp = S->prog->probes.v[i];

		sema_walk_stmt(dp->body, reach_expr, NULL, &r);
		sema_walk_expr(dp->condition, reach_expr, &r);
	}
	while (r.stack.n) {
		struct func *f = r.stack.v[--r.stack.n];

		sema_walk_stmt(f->body, reach_expr, NULL, &r);
		if (f->next_overload && !f->next_overload->used) {
			f->next_overload->used = 1;
			ptrvec_push(S->a, &r.stack, f->next_overload);
		}
	}
}

static int in_vec(const struct ptrvec *v, const void *p)
{
	int i;

	for (i = 0; i < v->n; i++)
		if (v->v[i] == p)
			return 1;
	return 0;
}

/* An overload of f (same name and arity) is kept: f is one no call reaches
 * because an earlier one never says 'next' (stap does not warn). */
static int in_vec(const struct ptrvec *v, const void *p);

static int overload_used(const struct ptrvec *all_funcs, const struct ptrvec *was_used,
			 const struct func *f)
{
	int i;

	for (i = 0; i < all_funcs->n; i++) {
		const struct func *o = all_funcs->v[i];

		if (o != f && (o->used || in_vec(was_used, o)) && o->params.n == f->params.n && !strcmp(o->name, f->name))
			return 1;
	}
	return 0;
}

/* was_used: the functions reachable before sema_optimize(); those that only
 * elided code called go silently, as in stap. */
static void keep_used(struct sema *S, struct ptrvec *all_funcs, const struct ptrvec *was_used)
{
	const struct program *prog = S->prog;
	const struct file_ast *user = prog->files.v[0];
	int i, j;

	for (i = 0; i < all_funcs->n; i++) {
		struct func *f = all_funcs->v[i];

		if (!f->used && S->opt->unoptimized)
			f->used = 1;
		if (f->used)
			ptrvec_push(S->a, &S->prog->funcs, f);
		else if (!f->from_library && !in_vec(was_used, f) && !overload_used(all_funcs, was_used, f))
			diag_warning(f->loc, "eliding unused function '%s'", f->name);
	}
	/* the script's globals in declaration order, then the library's */
	for (i = 0; i < user->globals.n; i++) {
		struct global_decl *g = user->globals.v[i];

		if (!g->sym->used && S->opt->unoptimized)
			g->sym->used = 1;
		if (g->sym->used)
			ptrvec_push(S->a, &S->prog->globals, g->sym);
		else
			diag_warning(g->loc, "eliding unused variable '%s'", g->sym->name);
	}
	for (i = 0; i < S->resolved_globals.n; i++) {
		struct global_decl *g = S->resolved_globals.v[i];

		if (g->file->is_library && g->sym->used)
			ptrvec_push(S->a, &S->prog->globals, g->sym);
	}
	for (i = 0; i < prog->globals.n; i++)
		((struct sym *)prog->globals.v[i])->index = i;
	for (i = 0; i < prog->funcs.n; i++) {
		struct func *f = prog->funcs.v[i];

		for (j = 0; j < f->params.n; j++)
			((struct sym *)f->params.v[j])->index = j;
		for (j = 0; j < f->locals.n; j++)
			((struct sym *)f->locals.v[j])->index = f->params.n + j;
	}
	for (i = 0; i < prog->probes.n; i++) {
		struct derived_probe *dp = prog->probes.v[i];

		dp->id = i;
		for (j = 0; j < dp->locals.n; j++)
			((struct sym *)dp->locals.v[j])->index = j;
	}
}

int sema_elaborate(struct program *prog, const struct sema_options *opt)
{
	struct sema S = { .prog = prog, .a = prog->arena, .opt = opt };
	struct ptrvec all_funcs = { 0 }, was_used = { 0 };
	const struct file_ast *user;
	int i, rc = 0, errors = diag.errors, fhead = 0, qhead = 0;

	if (!prog->files.n)
		INTERNAL_ERROR("pass 2 without a parsed script");
	user = prog->files.v[0];
	for (i = 0; i < prog->files.n; i++)
		index_file(&S, prog->files.v[i]);
	rc |= check_duplicates(user);
	sema_pull_file(&S, user);
	/* FIFO over both queues: files first, so their probes keep script order */
	for (;;) {
		if (fhead < S.file_queue.n) {
			rc |= process_file(&S, S.file_queue.v[fhead++]);
		} else if (qhead < S.func_queue.n) {
			struct func *f = S.func_queue.v[qhead++];

			ptrvec_push(S.a, &all_funcs, f);
			rc |= resolve_func(&S, f);
		} else {
			break;
		}
	}
	if (rc || diag.errors > errors)
		return -1;
	if (opt->list_mode)
		return 0;
	if (!prog->probes.n) {
		diag_fatal("no probes found");
		return -1;
	}
	mark_reachable(&S, &all_funcs);
	for (i = 0; i < all_funcs.n; i++)
		if (((struct func *)all_funcs.v[i])->used)
			ptrvec_push(S.a, &was_used, all_funcs.v[i]);
	if (!opt->unoptimized && !opt->keep_locals) {
		sema_optimize(&S, &all_funcs);
		mark_reachable(&S, &all_funcs);
	}
	keep_used(&S, &all_funcs, &was_used);
	if (sema_infer_types(&S) || diag.errors > errors)
		return -1;
	sema_autoprint(&S);
	return 0;
}

/* --dump-functions: resolve and type every library function on its own
 * (no probes), so untyped parameters and returns get what their bodies
 * imply. Diagnostics are the caller's to silence; what cannot be typed
 * stays TY_UNKNOWN. Fills prog->funcs with every library function. */
void sema_type_library_functions(struct program *prog)
{
	struct sema_options opt = { .guru = 1 };
	struct sema S = { .prog = prog, .a = prog->arena, .opt = &opt, .functions_only = 1 };
	int i, j, qhead = 0;

	for (i = 0; i < prog->files.n; i++)
		index_file(&S, prog->files.v[i]);
	for (i = 0; i < prog->files.n; i++) {
		const struct file_ast *f = prog->files.v[i];

		for (j = 0; f->is_library && j < f->funcs.n; j++)
			queue_func(&S, f->funcs.v[j]);
	}
	while (qhead < S.func_queue.n) {
		struct func *f = S.func_queue.v[qhead++];

		/* types only for what resolved: an unresolved call has no func */
		if (resolve_func(&S, f) == 0)
			ptrvec_push(S.a, &prog->funcs, f);
	}
	for (i = 0; i < S.resolved_globals.n; i++)
		ptrvec_push(S.a, &prog->globals, ((struct global_decl *)S.resolved_globals.v[i])->sym);
	sema_infer_types(&S);
}
