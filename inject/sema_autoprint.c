/* sema_autoprint.c - stap's display of globals that are written but never
 * read: an extra "end" probe prints them, so that
 *     global count; probe kernel.function("vfs_read") { count++ }
 * shows "count=123" when the script ends. Scalars print as name=value,
 * strings quoted; arrays one line per element, name[k1,"k2"]=value, sorted
 * by value, largest first, as stap does; statistics as name @count=N @min=N
 * @max=N @sum=N @avg=N (an empty scalar one as "name @count=0x0", stap's
 * text; empty elements do not exist).
 * The probe is ordinary, fully typed AST, so pass 3 needs nothing special.
 */
#include "sema_internal.h"

#include <string.h>

/* ---- which globals are read ---- */

struct readers {
	struct sema *S;
	struct ptrvec read;	/* struct sym * */
};

static void mark_read(struct readers *r, struct sym *s)
{
	int i;

	if (!s || s->scope != SYM_GLOBAL)
		return;
	for (i = 0; i < r->read.n; i++)
		if (r->read.v[i] == s)
			return;
	ptrvec_push(r->S->a, &r->read, s);
}

static void reads_expr(struct readers *r, struct expr *e, int write_target);

static void reads_children(struct readers *r, struct expr *e)
{
	int i;

	reads_expr(r, e->left, 0);
	reads_expr(r, e->right, 0);
	reads_expr(r, e->cond, 0);
	for (i = 0; i < e->args.n; i++)
		reads_expr(r, e->args.v[i], 0);
	for (i = 0; i < e->comps.n; i++) {
		struct component *c = e->comps.v[i];

		if (c->kind == COMP_INDEX)
			reads_expr(r, c->index, 0);
	}
}

/* write_target: e is the left side of '=', '<<<' or ++/-- (a pure write;
 * compound assignments read too) */
static void reads_expr(struct readers *r, struct expr *e, int write_target)
{
	int i;

	if (!e)
		return;
	switch (e->kind) {
	case E_VAR:
		if (!write_target)
			mark_read(r, e->sym);
		return;
	case E_INDEX:
		if (!write_target && e->base)
			mark_read(r, e->base->sym);
		for (i = 0; i < e->args.n; i++)
			reads_expr(r, e->args.v[i], 0);
		return;
	case E_IN:
		if (e->base)
			mark_read(r, e->base->sym);
		break;
	case E_ASSIGN:
		reads_expr(r, e->left, e->op == OP_ASSIGN);
		reads_expr(r, e->right, 0);
		return;
	case E_STAT_ADD:
		reads_expr(r, e->left, 1);
		reads_expr(r, e->right, 0);
		return;
	case E_PREINC:
	case E_PREDEC:
	case E_POSTINC:
	case E_POSTDEC:
		/* stap counts x++ as a pure write (its PR6954) */
		reads_expr(r, e->left, 1);
		return;
	default:
		break;
	}
	reads_children(r, e);
}

static void reads_stmt(struct readers *r, struct stmt *s)
{
	int i;

	if (!s)
		return;
	if (s->kind == S_DELETE) {
		if (s->expr && s->expr->kind == E_INDEX)
			for (i = 0; i < s->expr->args.n; i++)
				reads_expr(r, s->expr->args.v[i], 0);
		return;
	}
	if (s->kind == S_FOREACH) {
		if (s->fe->array)
			mark_read(r, s->fe->array->sym);
		reads_expr(r, s->fe->limit, 0);
		for (i = 0; i < s->fe->slice.n; i++)
			reads_expr(r, s->fe->slice.v[i], 0);
	}
	for (i = 0; i < s->body.n; i++)
		reads_stmt(r, s->body.v[i]);
	reads_expr(r, s->expr, 0);
	reads_expr(r, s->cond, 0);
	reads_stmt(r, s->init);
	reads_stmt(r, s->incr);
	reads_stmt(r, s->then);
	reads_stmt(r, s->else_);
}

static int is_read(struct readers *r, struct sym *s)
{
	int i;

	for (i = 0; i < r->read.n; i++)
		if (r->read.v[i] == s)
			return 1;
	return 0;
}

/* ---- building the probe ---- */

struct builder {
	struct sema *S;
	struct loc loc;
	struct ptrvec *locals;
};

static struct expr *mk(struct builder *b, enum expr_kind k, enum type ty)
{
	struct expr *e = ARENA_NEW(b->S->a, struct expr);

	e->kind = k;
	e->loc = b->loc;
	e->type = ty;
	e->op = OP_NONE;
	return e;
}

static struct expr *str_lit(struct builder *b, const char *s)
{
	struct expr *e = mk(b, E_STR, TY_STRING);

	e->str = s;
	return e;
}

static struct expr *ref(struct builder *b, struct sym *s)
{
	struct expr *e = mk(b, E_VAR, s->type);

	e->name = s->name;
	e->sym = s;
	return e;
}

static struct stmt *stmt_of(struct builder *b, enum stmt_kind k)
{
	struct stmt *s = ARENA_NEW(b->S->a, struct stmt);

	s->kind = k;
	s->loc = b->loc;
	return s;
}

static struct expr *printf_call(struct builder *b, const char *fmt, struct ptrvec *args)
{
	struct expr *c = mk(b, E_CALL, TY_VOID);
	int i;

	c->name = "printf";
	ptrvec_push(b->S->a, &c->args, str_lit(b, fmt));
	for (i = 0; args && i < args->n; i++)
		ptrvec_push(b->S->a, &c->args, args->v[i]);
	return c;
}

static struct expr *stat_of(struct builder *b, enum statop op, struct expr *value)
{
	struct expr *e = mk(b, E_STAT, TY_LONG);

	e->statop = op;
	e->left = value;
	return e;
}

/* "if (@count(v)) printf(prefix @count=%d ..., args..., @count(v)...)" */
static struct stmt *print_stats(struct builder *b, const char *prefix, struct ptrvec *args,
				struct expr *(*value)(struct builder *, void *), void *ctx)
{
	static const enum statop ops[] = { STAT_COUNT, STAT_MIN, STAT_MAX, STAT_SUM, STAT_AVG };
	struct ptrvec all = { 0 };
	struct stmt *iff = stmt_of(b, S_IF), *call = stmt_of(b, S_EXPR);
	size_t i;

	for (i = 0; args && i < (size_t)args->n; i++)
		ptrvec_push(b->S->a, &all, args->v[i]);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		ptrvec_push(b->S->a, &all, stat_of(b, ops[i], value(b, ctx)));
	call->expr = printf_call(b, arena_printf(b->S->a, "%s @count=%%d @min=%%d @max=%%d "
						 "@sum=%%d @avg=%%d\n", prefix), &all);
	iff->cond = stat_of(b, STAT_COUNT, value(b, ctx));
	iff->then = call;
	return iff;
}

static struct expr *scalar_value(struct builder *b, void *ctx)
{
	return ref(b, ctx);
}

struct element {
	struct sym *array;
	struct sym **keys;
};

static struct expr *element_value(struct builder *b, void *ctx)
{
	struct element *el = ctx;
	struct expr *e = mk(b, E_INDEX, el->array->type);
	int i;

	e->base = ref(b, el->array);
	e->base->type = el->array->type;
	for (i = 0; i < el->array->nkeys; i++)
		ptrvec_push(b->S->a, &e->args, ref(b, el->keys[i]));
	return e;
}

static struct stmt *print_scalar(struct builder *b, struct sym *g)
{
	struct ptrvec args = { 0 };
	struct stmt *s;

	if (g->type == TY_STATS) {
		/* stap 4.8 prints an empty statistic as "name @count=0x0" */
		struct ptrvec none = { 0 };

		s = print_stats(b, g->name, NULL, scalar_value, g);
		s->else_ = stmt_of(b, S_EXPR);
		s->else_->expr = printf_call(b, arena_printf(b->S->a, "%s @count=0x0\n", g->name),
					     &none);
		return s;
	}
	s = stmt_of(b, S_EXPR);
	ptrvec_push(b->S->a, &args, ref(b, g));
	s->expr = printf_call(b, arena_printf(b->S->a, g->type == TY_STRING ? "%s=\"%%s\"\n"
									  : "%s=%%d\n", g->name),
			      &args);
	return s;
}

static struct stmt *print_array(struct builder *b, struct sym *g)
{
	struct stmt *fe = stmt_of(b, S_FOREACH);
	struct element *el = ARENA_NEW(b->S->a, struct element);
	struct ptrvec keyargs = { 0 };
	char *fmt = arena_printf(b->S->a, "%s[", g->name);
	int i;

	fe->fe = ARENA_NEW(b->S->a, struct foreach);
	fe->fe->array = ref(b, g);
	/* stap's order: by value, descending (statistics by @count) */
	fe->fe->sort_column = -1;
	fe->fe->sort_dir = -1;
	fe->fe->sort_stat = STAT_COUNT;
	fe->fe->key_syms = arena_alloc(b->S->a, sizeof(struct sym *) * (size_t)g->nkeys);
	el->array = g;
	el->keys = fe->fe->key_syms;
	for (i = 0; i < g->nkeys; i++) {
		struct sym *k = ARENA_NEW(b->S->a, struct sym);

		k->name = arena_printf(b->S->a, "__autoprint_key%d", b->locals->n);
		k->loc = b->loc;
		k->scope = SYM_LOCAL;
		k->type = g->key_types[i];
		k->nkeys = -1;
		k->written = 1;
		k->index = b->locals->n;
		ptrvec_push(b->S->a, b->locals, k);
		ptrvec_push(b->S->a, &fe->fe->keys, (void *)k->name);
		fe->fe->key_syms[i] = k;
		ptrvec_push(b->S->a, &keyargs, ref(b, k));
		fmt = arena_printf(b->S->a, "%s%s%s", fmt, i ? "," : "",
				   k->type == TY_STRING ? "\"%s\"" : "%d");
	}
	fmt = arena_printf(b->S->a, "%s]", fmt);
	if (g->type == TY_STATS) {
		fe->then = print_stats(b, fmt, &keyargs, element_value, el);
	} else {
		struct stmt *s = stmt_of(b, S_EXPR);

		ptrvec_push(b->S->a, &keyargs, element_value(b, el));
		s->expr = printf_call(b, arena_printf(b->S->a, g->type == TY_STRING ?
						      "%s=\"%%s\"\n" : "%s=%%d\n", fmt),
				      &keyargs);
		fe->then = s;
	}
	return fe;
}

void sema_autoprint(struct sema *S)
{
	struct program *prog = S->prog;
	struct readers r = { .S = S };
	struct sema_dprobe *sd = NULL;
	struct builder b = { .S = S };
	int i;

	for (i = 0; i < prog->funcs.n; i++)
		reads_stmt(&r, ((struct func *)prog->funcs.v[i])->body);
	for (i = 0; i < prog->probes.n; i++) {
		struct derived_probe *dp = prog->probes.v[i];

		reads_stmt(&r, dp->body);
		reads_expr(&r, dp->condition, 0);
	}
	for (i = 0; i < prog->globals.n; i++) {
		struct sym *g = prog->globals.v[i];
		struct stmt *body;

		if (!g->written || is_read(&r, g) || g->loc.file->is_library ||
		    g->type == TY_UNKNOWN || (g->is_array && g->nkeys <= 0))
			continue;
		if (!sd) {
			sd = ARENA_NEW(S->a, struct sema_dprobe);
			sd->dp.kind = PK_END;
			sd->dp.pp = "end";
			sd->dp.loc = g->loc;
			sd->dp.id = prog->probes.n;
			sd->origin = "end (the display of written-only globals)";
			sd->list_name = "end";
			sd->file = g->loc.file;
			b.loc = g->loc;
			b.locals = &sd->dp.locals;
			sd->dp.body = stmt_of(&b, S_BLOCK);
			ptrvec_push(S->a, &prog->probes, sd);
		}
		body = g->is_array ? print_array(&b, g) : print_scalar(&b, g);
		ptrvec_push(S->a, &sd->dp.body->body, body);
	}
}
