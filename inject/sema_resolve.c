/* sema_resolve.c - symbol resolution: variables, calls, target variables.
 *
 * A name in a body is, in this order: a local of the function or derived
 * probe, a parameter of the function, a global of the script or of a
 * library file already pulled in, a global of a library file not pulled in
 * yet (which pulls that file in), or else a new local (stap's rules). A
 * call is a builtin (sema_builtins.h), else a script or library function
 * with that many parameters; a library function pulls its file in.
 */
#include "sema_internal.h"
#include "sema_builtins.h"
#include "sema_tvar.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The key types, then a marker and the locations: a sym's key_types either
 * came from here (marker found) or not (no locations). */
#define KEY_LOC_MAGIC 0x4b4c4f43u
struct key_block {
	unsigned magic;
	int nkeys;
	struct loc *locs;
	enum type types[];
};

enum type *sema_alloc_key_types(struct arena *a, int nkeys)
{
	struct key_block *kb = arena_alloc(a, sizeof(*kb) + sizeof(enum type) * (size_t)nkeys);

	kb->magic = KEY_LOC_MAGIC;
	kb->nkeys = nkeys;
	kb->locs = arena_alloc(a, sizeof(struct loc) * (size_t)nkeys);
	return kb->types;
}

struct loc *sema_key_loc(struct sym *s, int i)
{
	struct key_block *kb;

	if (!s->key_types || i < 0 || i >= s->nkeys)
		return NULL;
	kb = (struct key_block *)((char *)s->key_types - offsetof(struct key_block, types));
	if (kb->magic != KEY_LOC_MAGIC || kb->nkeys != s->nkeys)
		return NULL;
	return &kb->locs[i];
}

static struct sym *find_in(struct ptrvec *v, const char *name)
{
	int i;

	for (i = 0; v && i < v->n; i++) {
		struct sym *s = v->v[i];

		if (!strcmp(s->name, name))
			return s;
	}
	return NULL;
}

static int private_visible(const struct scope *sc, const struct src_file *owner)
{
	return owner == sc->file || (sc->library_private_ok && owner->is_library);
}

struct sym *sema_find_global(struct sema *S, const char *name, const struct scope *sc)
{
	struct ptrvec *v = sema_map_get(&S->globals, name);
	int i;

	for (i = 0; v && i < v->n; i++) {
		struct global_decl *g = v->v[i];

		if (g->sym->is_private && !private_visible(sc, g->file))
			continue;
		sema_pull_file(S, sema_file_of(S, g->file));
		if (!g->sym->used) {
			g->sym->used = 1;	/* "referenced": pass 2 keeps it */
			ptrvec_push(S->a, &S->resolved_globals, g);
		}
		return g->sym;
	}
	return NULL;
}

static struct sym *new_local(struct sema *S, struct scope *sc, const char *name, struct loc loc)
{
	struct sym *s = ARENA_NEW(S->a, struct sym);

	s->name = name;
	s->loc = loc;
	s->scope = SYM_LOCAL;
	s->nkeys = -1;
	ptrvec_push(S->a, sc->locals, s);
	return s;
}

static struct sym *lookup_var(struct sema *S, struct scope *sc, const char *name)
{
	struct sym *s = find_in(sc->locals, name);

	if (!s && sc->func)
		s = find_in(&sc->func->params, name);
	if (!s)
		s = sema_find_global(S, name, sc);
	return s;
}

/* Resolve a variable used as an array (arity > 0) or as a statistic
 * (arity 0, want_global): both must be globals. */
static int resolve_var(struct sema *S, struct scope *sc, struct expr *v, int arity,
		       int stats)
{
	struct sym *s;

	if (!v || v->kind != E_VAR)
		return 0;
	if (!strcmp(v->name, "*"))
		return 0;	/* a slice wildcard key */
	s = lookup_var(S, sc, v->name);
	if (!s && arity > 0) {
		diag_error(v->loc, "unresolved arity-%d global array '%s', missing global "
			   "declaration?", arity, v->name);
		return -1;
	}
	if (!s && stats) {
		diag_error(v->loc, "stat locals not supported, missing global declaration "
			   "for '%s'?", v->name);
		return -1;
	}
	if (!s)
		s = new_local(S, sc, v->name, v->loc);
	if (arity > 0 && s->scope != SYM_GLOBAL) {
		diag_error(v->loc, "'%s' is a %s, not a global array", v->name,
			   s->scope == SYM_PARAM ? "parameter" : "local variable");
		return -1;
	}
	if (arity > 0) {
		if (s->nkeys < 0 || !s->key_types) {
			s->is_array = 1;
			s->nkeys = arity;
			s->key_types = sema_alloc_key_types(S->a, arity);
		} else if (s->nkeys != arity) {
			diag_error(v->loc, "inconsistent arity for '%s': %d index%s here, %d "
				   "before", v->name, arity, arity == 1 ? "" : "es", s->nkeys);
			diag_note(s->loc, "'%s' is declared here", v->name);
			return -1;
		}
	}
	if (stats && s->scope != SYM_GLOBAL) {
		diag_error(v->loc, "stat locals not supported, missing global declaration "
			   "for '%s'?", v->name);
		return -1;
	}
	v->sym = s;
	return 0;
}

/* The closest of the names in v to name, for "did you mean" notes. */
static int edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), i, j;
	int row[64], prev, tmp;

	if (la > 60 || lb > 60)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			int best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/* Is cand close enough to name to suggest, and closer than *bestd? */
static void consider(const char *name, const char *cand, const char **best, int *bestd)
{
	int d;

	if (!cand || (cand[0] == '_' && name[0] != '_'))
		return;
	d = edit_distance(name, cand);
	if (d < *bestd) {
		*bestd = d;
		*best = cand;
	}
}

const char *sema_similar(const char *name, const struct strmap *m, const char *const *extra,
			 int nextra)
{
	const char *best = NULL;
	int bestd = (int)strlen(name) / 4 + 1, i;

	if (bestd < 2)
		bestd = 2;	/* one edit is always worth a suggestion */
	for (i = 0; i < nextra; i++)
		consider(name, extra[i], &best, &bestd);
	for (i = 0; m && i < m->cap; i++)
		consider(name, m->slots[i].key, &best, &bestd);
	return best;
}

static const char *similar_function(struct sema *S, const char *name)
{
	const char *builtins[BI_COUNT];
	int i;

	for (i = 0; i < BI_COUNT; i++)
		builtins[i] = sema_builtin_at(i)->name;
	return sema_similar(name, &S->funcs, builtins, BI_COUNT);
}

/* Code written in a library file (alias bodies included) may use what a
 * user script may only use with -g. */
static int need_guru(struct sema *S, struct scope *sc, struct loc loc, const char *what)
{
	(void)sc;
	if (S->opt->guru || (loc.file && loc.file->is_library))
		return 0;
	diag_error(loc, "%s needs guru mode (-g)", what);
	return -1;
}

/* @const("NAME"): the value of a C constant, i.e. the embedded expression
 * %{ NAME %} (a long); guru mode outside the library. */
static int resolve_const(struct sema *S, struct scope *sc, struct expr *e)
{
	struct expr *arg = e->args.n == 1 ? e->args.v[0] : NULL;

	if (!arg || arg->kind != E_STR) {
		diag_error(e->loc, "'@const' takes one string literal, the C expression");
		return -1;
	}
	if (need_guru(S, sc, e->loc, "'@const'"))
		return -1;
	e->kind = E_EMBEDDED;
	e->code = arg->str;
	e->name = NULL;
	memset(&e->args, 0, sizeof(e->args));
	e->type = TY_LONG;
	return 0;
}

static int64_t overload_priority(const struct func *f)
{
	return f->has_priority ? f->priority : f->from_library ? 1 : 0;
}

/* stap's run-time overloading: the functions of the call's name and arity
 * visible here, ordered by priority (function f():N; by default 0 for the
 * script's, 1 for the library's), then by declaration (the script first,
 * then library path order), are chained through next_overload; a 'next'
 * in one calls the following one (sema.c keeps a link only when the body
 * can 'next'). Returns the first, or NULL, with *other set to a function
 * of another arity. */
static struct func *overload_chain(struct sema *S, const struct scope *sc, struct ptrvec *v,
				   int nargs, struct func **other)
{
	struct func **c = arena_alloc(S->a, sizeof(*c) * (size_t)(v->n + 1));
	int i, k, n = 0;

	for (i = 0; i < v->n; i++) {
		struct func *f = v->v[i];

		if (f->is_private && !private_visible(sc, f->loc.file))
			continue;
		if (f->params.n != nargs) {
			*other = f;
			continue;
		}
		/* stable insertion: after every one of the same priority */
		for (k = n; k > 0 && overload_priority(c[k - 1]) > overload_priority(f); k--)
			c[k] = c[k - 1];
		c[k] = f;
		n++;
	}
	for (i = 0; i + 1 < n; i++) {
		if (c[i]->next_overload)
			continue;
		for (k = 0; k < S->no_next.n && S->no_next.v[k] != c[i]; k++)
			;
		if (k == S->no_next.n)	/* not resolved yet, or it can 'next' */
			c[i]->next_overload = c[i + 1];
	}
	return n ? c[0] : NULL;
}

static int resolve_call(struct sema *S, struct scope *sc, struct expr *e)
{
	struct ptrvec *v;
	struct func *other = NULL, *f;
	const char *sim;

	if (sema_builtin_lookup(e->name))
		return 0;
	if (!strcmp(e->name, "@const"))
		return resolve_const(S, sc, e);
	v = sema_map_get(&S->funcs, e->name);
	f = v ? overload_chain(S, sc, v, e->args.n, &other) : NULL;
	if (f) {
		e->func = f;
		if (f->from_library)
			sema_pull_file(S, sema_file_of(S, f->loc.file));
		if (!f->used) {
			f->used = 1;
			ptrvec_push(S->a, &S->func_queue, f);
		}
		if (f->pragma_guru && !S->opt->guru && !e->loc.file->is_library) {
			diag_error(e->loc, "function '%s' is guru-only: it needs guru mode (-g)",
				   e->name);
			return -1;
		}
		return 0;
	}
	if (other) {
		diag_error(e->loc, "arity mismatch: function '%s' takes %d argument%s, "
			   "called with %d", e->name, other->params.n,
			   other->params.n == 1 ? "" : "s", e->args.n);
		diag_note(other->loc, "'%s' is defined here", e->name);
		return -1;
	}
	diag_error(e->loc, "unresolved function '%s'", e->name);
	sim = similar_function(S, e->name);
	if (sim)
		diag_note(e->loc, "did you mean '%s'?", sim);
	return -1;
}


static int resolve_target(struct sema *S, struct scope *sc, struct expr *e, int write)
{
	if (sc->dead_code)
		return 0;
	if (write)
		return sema_tvar_resolve_write(S->prog, sc->dp, e);
	return sema_tvar_resolve(S->prog, sc->dp, e);
}

static int is_target(const struct expr *e)
{
	return e && (e->kind == E_TARGET || e->kind == E_CAST || e->kind == E_ATVAR);
}

/* A branch that a constant condition drops is resolved as dead code
 * (sc->dead_code counts the enclosing dead branches): names and calls as
 * usual, target variables not at all. stap resolves @defined first and
 * drops the dead branch before it reports unresolvable target variables:
 * @choose_defined($a, $b) and if (@defined($x)) ... else ... in Debian's
 * library depend on it. */

static int has_defined(const struct expr *e)
{
	return e && (e->kind == E_DEFINED || has_defined(e->left) || has_defined(e->right));
}

/* After @defined folded: is cond (numbers under !, &&, ||) a constant? */
static int const_cond(const struct expr *e, long long *v)
{
	long long l, r;

	if (!e)
		return 0;
	if (e->kind == E_NUM) {
		*v = e->num;
		return 1;
	}
	if (e->kind == E_UNARY && e->op == OP_NOT && const_cond(e->left, &l)) {
		*v = !l;
		return 1;
	}
	if (e->kind == E_BINARY && (e->op == OP_LAND || e->op == OP_LOR) &&
	    const_cond(e->left, &l) && const_cond(e->right, &r)) {
		*v = e->op == OP_LAND ? l && r : l || r;
		return 1;
	}
	return 0;
}

/* Resolve a condition; 1 when it holds @defined and is then constant. */
static int resolve_cond(struct sema *S, struct scope *sc, struct expr *cond, int *rc,
			long long *v)
{
	int with_defined = has_defined(cond);

	*rc |= sema_resolve_expr(S, sc, cond);
	return !*rc && with_defined && const_cond(cond, v);
}

/* cond ? left : right with a constant @defined cond is the live branch:
 * the node becomes it. */
static int resolve_ternary(struct sema *S, struct scope *sc, struct expr *e)
{
	struct expr *live, *dead;
	long long v;
	int rc = 0;

	if (!resolve_cond(S, sc, e->cond, &rc, &v)) {
		rc |= sema_resolve_expr(S, sc, e->left);
		rc |= sema_resolve_expr(S, sc, e->right);
		return rc ? -1 : 0;
	}
	live = v ? e->left : e->right;
	dead = v ? e->right : e->left;
	sc->dead_code++;
	rc |= sema_resolve_expr(S, sc, dead);
	sc->dead_code--;
	rc |= sema_resolve_expr(S, sc, live);
	if (!rc)
		*e = *live;
	return rc ? -1 : 0;
}

int sema_resolve_expr(struct sema *S, struct scope *sc, struct expr *e)
{
	int rc = 0, i;

	if (!e)
		return 0;
	switch (e->kind) {
	case E_NUM:
	case E_STR:
		return 0;
	case E_VAR:
		return resolve_var(S, sc, e, 0, 0);
	case E_INDEX:
		rc |= resolve_var(S, sc, e->base, e->args.n, 0);
		break;
	case E_IN:
		rc |= resolve_var(S, sc, e->base, e->args.n, 0);
		if (e->base && e->base->kind != E_VAR)
			rc |= sema_resolve_expr(S, sc, e->base);
		break;
	case E_TARGET:
	case E_CAST:
	case E_ATVAR:
	case E_DEFINED:
	case E_ENTRY:
		/* @defined resolves its operand quietly and @entry's target
		 * variables as at entry, both in sema_tvar; the rest of @entry's
		 * operand (calls, variables) and @cast's operand are ordinary
		 * expressions. Under @entry, targets wait for sema_tvar. */
		if (e->kind == E_CAST)
			rc |= sema_resolve_expr(S, sc, e->left);
		if (e->kind == E_ENTRY) {
			int saved = sc->defer_targets;

			sc->defer_targets = 1;
			rc |= sema_resolve_expr(S, sc, e->left);
			sc->defer_targets = saved;
		}
		for (i = 0; i < e->comps.n; i++) {
			struct component *c = e->comps.v[i];

			if (c->kind == COMP_INDEX)
				rc |= sema_resolve_expr(S, sc, c->index);
		}
		if (rc)
			return -1;
		if (sc->defer_targets && e->kind != E_ENTRY)
			return 0;
		return resolve_target(S, sc, e, 0);
	case E_TERNARY:
		return resolve_ternary(S, sc, e);
	case E_STAT_ADD:
		if (e->left && e->left->kind == E_VAR)
			rc |= resolve_var(S, sc, e->left, 0, 1);
		else
			rc |= sema_resolve_expr(S, sc, e->left);
		rc |= sema_resolve_expr(S, sc, e->right);
		return rc ? -1 : 0;
	case E_STAT:
	case E_HIST_INDEX:
		if (e->left && e->left->kind == E_VAR)
			rc |= resolve_var(S, sc, e->left, 0, 1);
		else
			rc |= sema_resolve_expr(S, sc, e->left);
		for (i = 0; i < e->args.n; i++)
			rc |= sema_resolve_expr(S, sc, e->args.v[i]);
		return rc ? -1 : 0;
	case E_CALL:
		rc |= resolve_call(S, sc, e);
		break;
	case E_EMBEDDED:
		rc |= need_guru(S, sc, e->loc, "embedded C code");
		break;
	case E_ASSIGN:
	case E_PREINC:
	case E_PREDEC:
	case E_POSTINC:
	case E_POSTDEC:
		if (is_target(e->left)) {
			rc |= need_guru(S, sc, e->left->loc, "writing to a target variable");
			for (i = 0; i < e->left->comps.n; i++) {
				struct component *c = e->left->comps.v[i];

				if (c->kind == COMP_INDEX)
					rc |= sema_resolve_expr(S, sc, c->index);
			}
			if (e->left->kind == E_CAST)
				rc |= sema_resolve_expr(S, sc, e->left->left);
			if (!rc)
				rc |= resolve_target(S, sc, e->left, 1);
			rc |= sema_resolve_expr(S, sc, e->right);
			return rc ? -1 : 0;
		}
		break;
	default:
		break;
	}
	if (e->kind != E_INDEX && e->kind != E_IN)
		rc |= sema_resolve_expr(S, sc, e->base);
	rc |= sema_resolve_expr(S, sc, e->left);
	rc |= sema_resolve_expr(S, sc, e->right);
	rc |= sema_resolve_expr(S, sc, e->cond);
	for (i = 0; i < e->args.n; i++)
		rc |= sema_resolve_expr(S, sc, e->args.v[i]);
	return rc ? -1 : 0;
}

static int resolve_foreach(struct sema *S, struct scope *sc, struct stmt *s)
{
	struct foreach *fe = s->fe;
	int rc = 0, i;

	fe->key_syms = arena_alloc(S->a, sizeof(struct sym *) * (size_t)(fe->keys.n + 1));
	rc |= resolve_var(S, sc, fe->array, fe->keys.n, 0);
	for (i = 0; i < fe->keys.n; i++) {
		const char *k = fe->keys.v[i];
		struct sym *ks = lookup_var(S, sc, k);

		if (!ks)
			ks = new_local(S, sc, k, s->loc);
		fe->key_syms[i] = ks;
	}
	if (fe->value) {
		fe->value_sym = lookup_var(S, sc, fe->value);
		if (!fe->value_sym)
			fe->value_sym = new_local(S, sc, fe->value, s->loc);
	}
	for (i = 0; i < fe->slice.n; i++)
		rc |= sema_resolve_expr(S, sc, fe->slice.v[i]);
	rc |= sema_resolve_expr(S, sc, fe->limit);
	rc |= sema_resolve_stmt(S, sc, s->then);
	return rc ? -1 : 0;
}

int sema_resolve_stmt(struct sema *S, struct scope *sc, struct stmt *s)
{
	int rc = 0, i;

	if (!s)
		return 0;
	switch (s->kind) {
	case S_FOREACH:
		return resolve_foreach(S, sc, s);
	case S_DELETE:
		/* delete a: the whole array (or a scalar) */
		if (s->expr && s->expr->kind == E_VAR) {
			struct sym *g = lookup_var(S, sc, s->expr->name);

			if (!g)
				g = new_local(S, sc, s->expr->name, s->expr->loc);
			s->expr->sym = g;
			return 0;
		}
		break;
	case S_TRY:
		if (s->catch_var) {
			s->catch_sym = lookup_var(S, sc, s->catch_var);
			if (!s->catch_sym)
				s->catch_sym = new_local(S, sc, s->catch_var, s->loc);
		}
		break;
	case S_EMBEDDED:
		rc |= need_guru(S, sc, s->loc, "embedded C code");
		break;
	case S_IF: {
		long long v;

		/* a constant condition (@defined folded): the dead branch goes */
		if (!resolve_cond(S, sc, s->cond, &rc, &v)) {
			rc |= sema_resolve_stmt(S, sc, s->then);
			rc |= sema_resolve_stmt(S, sc, s->else_);
			return rc ? -1 : 0;
		}
		s->cond->kind = E_NUM;
		s->cond->type = TY_LONG;
		s->cond->num = 1;
		s->cond->left = s->cond->right = NULL;
		sc->dead_code++;
		rc |= sema_resolve_stmt(S, sc, v ? s->else_ : s->then);
		sc->dead_code--;
		if (!v)
			s->then = s->else_;
		s->else_ = NULL;
		if (!s->then) {		/* if (0) without else: nothing left */
			s->kind = S_BLOCK;
			s->cond = NULL;
		}
		rc |= sema_resolve_stmt(S, sc, s->then);
		return rc ? -1 : 0;
	}
	default:
		break;
	}
	for (i = 0; i < s->body.n; i++)
		rc |= sema_resolve_stmt(S, sc, s->body.v[i]);
	rc |= sema_resolve_expr(S, sc, s->expr);
	rc |= sema_resolve_expr(S, sc, s->cond);
	rc |= sema_resolve_stmt(S, sc, s->init);
	rc |= sema_resolve_stmt(S, sc, s->incr);
	rc |= sema_resolve_stmt(S, sc, s->then);
	rc |= sema_resolve_stmt(S, sc, s->else_);
	return rc ? -1 : 0;
}
