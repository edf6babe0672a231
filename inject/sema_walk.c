/* sema_walk.c - generic walks and deep copies of statements and expressions.
 *
 * Derived probes each get their own copy of the body (alias prologue, the
 * user's body, epilogue), because symbol links and target-variable plans
 * differ per derived probe.
 */
#include "sema_internal.h"

#include <string.h>

void sema_walk_expr(struct expr *e, sema_expr_fn fn, void *ctx)
{
	int i;

	if (!e)
		return;
	fn(ctx, e);
	sema_walk_expr(e->left, fn, ctx);
	sema_walk_expr(e->right, fn, ctx);
	sema_walk_expr(e->cond, fn, ctx);
	sema_walk_expr(e->base, fn, ctx);
	for (i = 0; i < e->args.n; i++)
		sema_walk_expr(e->args.v[i], fn, ctx);
	for (i = 0; i < e->comps.n; i++) {
		struct component *c = e->comps.v[i];

		if (c->kind == COMP_INDEX)
			sema_walk_expr(c->index, fn, ctx);
	}
}

void sema_walk_stmt(struct stmt *s, sema_expr_fn fn, sema_stmt_fn fn_stmt, void *ctx)
{
	int i;

	if (!s)
		return;
	if (fn_stmt)
		fn_stmt(ctx, s);
	for (i = 0; i < s->body.n; i++)
		sema_walk_stmt(s->body.v[i], fn, fn_stmt, ctx);
	sema_walk_expr(s->expr, fn, ctx);
	sema_walk_expr(s->cond, fn, ctx);
	sema_walk_stmt(s->init, fn, fn_stmt, ctx);
	sema_walk_stmt(s->incr, fn, fn_stmt, ctx);
	sema_walk_stmt(s->then, fn, fn_stmt, ctx);
	sema_walk_stmt(s->else_, fn, fn_stmt, ctx);
	if (s->fe) {
		sema_walk_expr(s->fe->array, fn, ctx);
		sema_walk_expr(s->fe->limit, fn, ctx);
		for (i = 0; i < s->fe->slice.n; i++)
			sema_walk_expr(s->fe->slice.v[i], fn, ctx);
	}
}

static void copy_exprs(struct arena *a, struct ptrvec *dst, const struct ptrvec *src)
{
	int i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->n; i++)
		ptrvec_push(a, dst, sema_copy_expr(a, src->v[i]));
}

struct expr *sema_copy_expr(struct arena *a, const struct expr *e)
{
	struct expr *c;
	int i;

	if (!e)
		return NULL;
	c = ARENA_NEW(a, struct expr);
	*c = *e;
	c->left = sema_copy_expr(a, e->left);
	c->right = sema_copy_expr(a, e->right);
	c->cond = sema_copy_expr(a, e->cond);
	c->base = sema_copy_expr(a, e->base);
	copy_exprs(a, &c->args, &e->args);
	memset(&c->comps, 0, sizeof(c->comps));
	for (i = 0; i < e->comps.n; i++) {
		const struct component *oc = e->comps.v[i];
		struct component *nc = ARENA_NEW(a, struct component);

		*nc = *oc;
		nc->index = sema_copy_expr(a, oc->index);
		ptrvec_push(a, &c->comps, nc);
	}
	/* sema annotations start afresh in the copy */
	c->sym = NULL;
	c->func = NULL;
	c->tvar = NULL;
	c->type = TY_UNKNOWN;
	return c;
}

struct stmt *sema_copy_stmt(struct arena *a, const struct stmt *s)
{
	struct stmt *c;
	int i;

	if (!s)
		return NULL;
	c = ARENA_NEW(a, struct stmt);
	*c = *s;
	memset(&c->body, 0, sizeof(c->body));
	for (i = 0; i < s->body.n; i++)
		ptrvec_push(a, &c->body, sema_copy_stmt(a, s->body.v[i]));
	c->expr = sema_copy_expr(a, s->expr);
	c->cond = sema_copy_expr(a, s->cond);
	c->init = sema_copy_stmt(a, s->init);
	c->incr = sema_copy_stmt(a, s->incr);
	c->then = sema_copy_stmt(a, s->then);
	c->else_ = sema_copy_stmt(a, s->else_);
	c->catch_sym = NULL;
	if (s->fe) {
		c->fe = ARENA_NEW(a, struct foreach);
		*c->fe = *s->fe;
		c->fe->key_syms = NULL;
		c->fe->value_sym = NULL;
		c->fe->array = sema_copy_expr(a, s->fe->array);
		c->fe->limit = sema_copy_expr(a, s->fe->limit);
		copy_exprs(a, &c->fe->slice, &s->fe->slice);
	}
	return c;
}
