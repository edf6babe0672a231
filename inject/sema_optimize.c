/* sema_optimize.c - pass 2's optimiser: drop the code whose result nobody
 * reads, as stap's pass 2 does (disabled by -u).
 *
 * The reason it exists: a probe on a tapset alias runs the alias's whole
 * prologue. syscall.* sets name, every argument (reading user strings) and
 * argstr, so `probe syscall.* { print(name) }` would read every user string
 * of every syscall. After this pass it keeps "name = ..." only.
 *
 * Rewrites, repeated until nothing changes (one elision can make another
 * variable unread, e.g. filename = _sc_ustr_quoted(filename_uaddr)):
 *
 *  a. "x = e;" as a statement, x a local or parameter that no expression
 *     of the body reads: the statement becomes "e;" (stap's wording:
 *     "eliding assignment to 'x'"), and b. removes it if e has no side
 *     effects. The analysis is not flow-sensitive, as stap's is not: a
 *     variable read anywhere in the body keeps all its assignments.
 *  b. expression statements without side effects become empty; so do
 *     if (0) {...}, while (0) and if (N) {A} else {B} becomes A (N != 0)
 *     or B when the condition is a number literal (@defined is one by now).
 *  c. locals no longer mentioned leave the probe's or function's locals;
 *     the caller then recomputes reachability, so functions (with their
 *     embedded C) that only elided code called are dropped too.
 *
 * Side effects. An expression has one when it, or a subexpression:
 *  - assigns, increments or decrements anything (globals, $target
 *    variables, and in a probe also locals: x = 1 as an operand is kept);
 *  - adds to a statistic (<<<), or is embedded C without "/ * pure * /";
 *  - calls a builtin (print family, log, warn, error, exit, @-calls): all
 *    of them print, stop the script or read memory on request;
 *  - calls a function that is not pure (below);
 *  - is an @entry() (its value is saved at function entry: keeping the
 *    plan simple, the expression stays) or @probewrite.
 *  - may raise one of the language's own run-time errors: / and % unless
 *    the divisor is a non-zero number literal, @avg/@min/@max/@variance
 *    (empty statistic). stap elides these too (x = 1 / 0 raises nothing in
 *    stap 4.8); we keep them, so that a script's arithmetic errors do not
 *    depend on whether it reads the result.
 * Reading a variable, a $target variable or an @cast/@var path is not a
 * side effect: a faulting read that is elided no longer raises its error,
 * which is stap's semantics too, and the point of this pass (the syscall
 * aliases' user strings).
 *
 * A function is pure when
 *  - its body is embedded C marked / * pure * / (the tapsets mark the
 *    readers and formatters: user strings, argstr, conversions); an
 *    unmarked embedded body is impure, since it may do anything;
 *  - or its script body has no side effect other than assigning its own
 *    locals and parameters (they die with the call) and returning; its
 *    calls must be to pure functions. Recursion (a function reached again
 *    while its purity is being decided) counts as impure: deciding it would
 *    need a fixed point, and keeping a call is always safe.
 * A pure call may still raise a run-time error (a faulting user string):
 * eliding it drops that error, as in stap.
 */
#include "sema_internal.h"

#include <string.h>

enum purity { PURITY_UNKNOWN, PURITY_DECIDING, PURITY_PURE, PURITY_IMPURE };

struct opt {
	struct sema *S;
	struct ptrvec funcs;		/* struct func *: reachable, in the purity table */
	enum purity *purity;		/* parallel to funcs */
	int *reads;			/* per local slot: expressions reading it */
	int *mentions;			/* per local slot: every mention */
	int changed;			/* the current rewrite changed something */
};

static int func_slot(const struct opt *o, const struct func *f)
{
	int i;

	for (i = 0; i < o->funcs.n; i++)
		if (o->funcs.v[i] == f)
			return i;
	return -1;
}

static int func_is_pure(struct opt *o, struct func *f);

/* Is this variable mention a local of the body being judged? */
static int is_local_var(const struct expr *e)
{
	return e && e->kind == E_VAR && e->sym &&
	       (e->sym->scope == SYM_LOCAL || e->sym->scope == SYM_PARAM);
}

struct effects {
	struct opt *o;
	int local_writes_ok;		/* judging a function body */
	int found;
};

static void effects_of_node(void *ctx, struct expr *e)
{
	struct effects *fx = ctx;

	if (fx->found)
		return;
	switch (e->kind) {
	case E_ASSIGN:
	case E_PREINC:
	case E_PREDEC:
	case E_POSTINC:
	case E_POSTDEC:
		if (!(fx->local_writes_ok && is_local_var(e->left)))
			fx->found = 1;
		break;
	case E_STAT_ADD:
	case E_ENTRY:
	case E_PROBEWRITE:
		fx->found = 1;
		break;
	case E_EMBEDDED:
		if (!e->code || !strstr(e->code, "/* pure */"))
			fx->found = 1;
		break;
	case E_BINARY:
		/* division by zero is the language's own run-time error */
		if ((e->op == OP_DIV || e->op == OP_MOD) &&
		    !(e->right && e->right->kind == E_NUM && e->right->num))
			fx->found = 1;
		break;
	case E_STAT:
		/* an extractor of an empty statistic is an error (@count and
		 * @sum are 0, the histograms only appear as print arguments) */
		if (e->statop != STAT_COUNT && e->statop != STAT_SUM)
			fx->found = 1;
		break;
	case E_CALL:
		if (!e->func || !func_is_pure(fx->o, e->func))
			fx->found = 1;
		break;
	default:
		break;
	}
}

static int expr_has_side_effects(struct opt *o, struct expr *e, int local_writes_ok)
{
	struct effects fx = { .o = o, .local_writes_ok = local_writes_ok };

	sema_walk_expr(e, effects_of_node, &fx);
	return fx.found;
}

static void effects_of_stmt(void *ctx, struct stmt *s)
{
	struct effects *fx = ctx;

	switch (s->kind) {
	case S_EMBEDDED:
	case S_DELETE:		/* deletes a global array (no local arrays) */
	case S_NEXT:
		fx->found = 1;
		break;
	case S_FOREACH:
		/* iterating a global array reads it; the loop variables are
		 * locals, so only the body's effects matter */
		break;
	default:
		break;
	}
}

static int func_is_pure(struct opt *o, struct func *f)
{
	int slot = func_slot(o, f);
	struct effects fx = { .o = o, .local_writes_ok = 1 };

	if (f->embedded)
		return f->pragma_pure;
	if (slot < 0)
		return 0;	/* not reachable before: be safe */
	switch (o->purity[slot]) {
	case PURITY_PURE:
		return 1;
	case PURITY_IMPURE:
	case PURITY_DECIDING:
		return 0;
	case PURITY_UNKNOWN:
		break;
	}
	o->purity[slot] = PURITY_DECIDING;
	sema_walk_stmt(f->body, effects_of_node, effects_of_stmt, &fx);
	o->purity[slot] = fx.found ? PURITY_IMPURE : PURITY_PURE;
	return !fx.found;
}

/* ---- which locals are read ---- */

struct usage {
	struct opt *o;
	const struct ptrvec *locals;
};

static int local_slot(const struct ptrvec *locals, const struct sym *s)
{
	if (!s || (s->scope != SYM_LOCAL && s->scope != SYM_PARAM))
		return -1;
	if (s->index >= 0 && s->index < locals->n && locals->v[s->index] == s)
		return s->index;
	return -1;
}

static void count_mention(struct usage *u, struct sym *s, int is_read)
{
	int i = local_slot(u->locals, s);

	if (i < 0)
		return;
	u->o->mentions[i]++;
	if (is_read)
		u->o->reads[i]++;
}

/* Every E_VAR is a mention and a read; unread_assigned takes the read back
 * for the left of a plain "=". */
static void usage_of_node(void *ctx, struct expr *e)
{
	if (e->kind == E_VAR)
		count_mention(ctx, e->sym, 1);
}

static void usage_of_stmt(void *ctx, struct stmt *s)
{
	struct usage *u = ctx;
	int i;

	if (s->kind == S_FOREACH && s->fe) {
		for (i = 0; s->fe->key_syms && i < s->fe->keys.n; i++)
			count_mention(u, s->fe->key_syms[i], 0);
		count_mention(u, s->fe->value_sym, 0);
	}
	if (s->kind == S_TRY)
		count_mention(u, s->catch_sym, 0);
}

static void unread_assigned(void *ctx, struct expr *e)
{
	struct usage *u = ctx;
	int i;

	if (e->kind == E_ASSIGN && e->op == OP_ASSIGN && is_local_var(e->left)) {
		i = local_slot(u->locals, e->left->sym);
		if (i >= 0)
			u->o->reads[i]--;
	}
}

static void count_usage(struct opt *o, struct stmt *body, struct expr *cond,
			const struct ptrvec *locals)
{
	struct usage u = { .o = o, .locals = locals };
	int i;

	for (i = 0; i < locals->n; i++) {
		((struct sym *)locals->v[i])->index = i;
		o->reads[i] = o->mentions[i] = 0;
	}
	sema_walk_stmt(body, usage_of_node, usage_of_stmt, &u);
	sema_walk_stmt(body, unread_assigned, NULL, &u);
	sema_walk_expr(cond, usage_of_node, &u);
}

/* ---- rewriting ---- */

struct body {
	struct opt *o;
	const struct ptrvec *locals;
};

static void report(struct loc loc, const char *fmt, const char *what)
{
	/* stap reports the user's code only, not the tapsets' */
	if (loc.file && !loc.file->is_library)
		diag_warning(loc, fmt, what);
}

static void make_null(struct opt *o, struct stmt *s)
{
	s->kind = S_NULL;
	s->expr = s->cond = NULL;
	s->then = s->else_ = NULL;
	o->changed = 1;
}

static const char *expr_text(const struct expr *e)
{
	switch (e->kind) {
	case E_VAR:
		return e->name;
	case E_NUM:
		return "number";
	case E_STR:
		return "string";
	default:
		return "expression";
	}
}

static void optimize_stmt(struct body *b, struct stmt *s);

static void optimize_block(struct body *b, struct stmt *s)
{
	int i, n = 0;

	for (i = 0; i < s->body.n; i++)
		optimize_stmt(b, s->body.v[i]);
	for (i = 0; i < s->body.n; i++)
		if (((struct stmt *)s->body.v[i])->kind != S_NULL)
			s->body.v[n++] = s->body.v[i];
	s->body.n = n;
}

static void optimize_expr_stmt(struct body *b, struct stmt *s)
{
	struct opt *o = b->o;
	struct expr *e = s->expr;
	int elided = 0;

	if (e->kind == E_ASSIGN && e->op == OP_ASSIGN && is_local_var(e->left)) {
		int i = local_slot(b->locals, e->left->sym);

		if (i >= 0 && o->reads[i] <= 0) {
			report(e->loc, "eliding assignment to '%s'", e->left->name);
			s->expr = e = e->right;
			o->changed = 1;
			elided = 1;
		}
	}
	if (!expr_has_side_effects(o, e, 0)) {
		if (!elided)
			report(e->loc, "eliding side-effect-free expression '%s'", expr_text(e));
		make_null(o, s);
	}
}

static int is_empty(const struct stmt *s)
{
	return !s || s->kind == S_NULL || (s->kind == S_BLOCK && !s->body.n);
}

/* if, while and for with a number literal condition. */
static void optimize_constant_branch(struct body *b, struct stmt *s)
{
	struct stmt *keep;

	if (!s->cond || s->cond->kind != E_NUM)
		return;
	if (s->kind == S_IF) {
		keep = s->cond->num ? s->then : s->else_;
		if (!keep) {
			make_null(b->o, s);
			return;
		}
		*s = *keep;
		b->o->changed = 1;
		optimize_stmt(b, s);
	} else if (s->kind == S_WHILE && !s->cond->num) {
		make_null(b->o, s);
	}
}

static void optimize_stmt(struct body *b, struct stmt *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case S_BLOCK:
		optimize_block(b, s);
		break;
	case S_EXPR:
		optimize_expr_stmt(b, s);
		break;
	case S_IF:
		optimize_stmt(b, s->then);
		optimize_stmt(b, s->else_);
		if (is_empty(s->then) && is_empty(s->else_) &&
		    !expr_has_side_effects(b->o, s->cond, 0))
			make_null(b->o, s);
		else
			optimize_constant_branch(b, s);
		break;
	case S_WHILE:
		optimize_stmt(b, s->then);
		optimize_constant_branch(b, s);
		break;
	case S_FOR:
		/* init and incr stay expression statements or become empty */
		optimize_stmt(b, s->init);
		optimize_stmt(b, s->incr);
		optimize_stmt(b, s->then);
		if (s->init && s->init->kind == S_NULL)
			s->init = NULL;
		if (s->incr && s->incr->kind == S_NULL)
			s->incr = NULL;
		break;
	case S_FOREACH:
		optimize_stmt(b, s->then);
		break;
	case S_TRY:
		optimize_stmt(b, s->then);
		optimize_stmt(b, s->else_);
		break;
	default:
		break;
	}
}

/* Drop the locals the body no longer mentions, after the first nfixed
 * (a function's parameters: they are its signature). */
static void drop_unmentioned(struct opt *o, struct ptrvec *locals, int nfixed)
{
	int i, n = 0;

	for (i = 0; i < locals->n; i++) {
		if (i < nfixed || o->mentions[i])
			locals->v[n++] = locals->v[i];
		else
			o->changed = 1;
	}
	locals->n = n;
}

/* Rewrite one body until it stops changing; returns whether it changed. */
static int optimize_body(struct opt *o, struct stmt *body, struct expr *cond,
			 struct ptrvec *locals, int nfixed)
{
	struct body b = { .o = o, .locals = locals };
	int any = 0;

	for (;;) {
		o->changed = 0;
		count_usage(o, body, cond, locals);
		optimize_stmt(&b, body);
		count_usage(o, body, cond, locals);
		drop_unmentioned(o, locals, nfixed);
		if (!o->changed)
			return any;
		any = 1;
	}
}

static int optimize_func(struct opt *o, struct func *f)
{
	struct ptrvec all = { 0 };
	int j, changed;

	/* parameters and locals share the slot numbering */
	for (j = 0; j < f->params.n; j++)
		ptrvec_push(o->S->a, &all, f->params.v[j]);
	for (j = 0; j < f->locals.n; j++)
		ptrvec_push(o->S->a, &all, f->locals.v[j]);
	changed = optimize_body(o, f->body, NULL, &all, f->params.n);
	f->locals.n = 0;
	for (j = f->params.n; j < all.n; j++)
		ptrvec_push(o->S->a, &f->locals, all.v[j]);
	return changed;
}

static int max_locals(const struct program *prog, const struct ptrvec *funcs)
{
	int i, n = 0;

	for (i = 0; i < prog->probes.n; i++) {
		const struct derived_probe *dp = prog->probes.v[i];

		if (dp->locals.n > n)
			n = dp->locals.n;
	}
	for (i = 0; i < funcs->n; i++) {
		const struct func *f = funcs->v[i];

		if (f->params.n + f->locals.n > n)
			n = f->params.n + f->locals.n;
	}
	return n;
}

void sema_optimize(struct sema *S, struct ptrvec *all_funcs)
{
	struct program *prog = S->prog;
	struct opt o = { .S = S };
	int i, n, round;

	for (i = 0; i < all_funcs->n; i++) {
		struct func *f = all_funcs->v[i];

		if (f->used && !f->embedded)
			ptrvec_push(S->a, &o.funcs, f);
	}
	n = max_locals(prog, &o.funcs) + 1;
	o.reads = arena_alloc(S->a, sizeof(int) * (size_t)n);
	o.mentions = arena_alloc(S->a, sizeof(int) * (size_t)n);
	o.purity = arena_alloc(S->a, sizeof(enum purity) * (size_t)(o.funcs.n + 1));
	/* a function body made purer by its own elisions can make a caller's
	 * assignment elidable: repeat until a round changes nothing */
	for (round = 0; round < 16; round++) {
		int changed = 0;

		memset(o.purity, 0, sizeof(enum purity) * (size_t)(o.funcs.n + 1));
		for (i = 0; i < o.funcs.n; i++)
			changed |= optimize_func(&o, o.funcs.v[i]);
		for (i = 0; i < prog->probes.n; i++) {
			struct derived_probe *dp = prog->probes.v[i];

			changed |= optimize_body(&o, dp->body, dp->condition, &dp->locals, 0);
		}
		if (!changed)
			break;
	}
}
