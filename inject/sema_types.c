/* sema_types.c - type inference: long, string, statistics, arrays.
 *
 * stap's scheme: every kept body is walked again and again; each walk
 * propagates what is known (literals, declared types, format strings,
 * builtin signatures) into variables, array keys and values, parameters
 * and return types, until a walk learns nothing new. A last walk reports:
 * conflicts (with a note where the type was first inferred), variables
 * whose type stayed unknown, and misuse of arrays and statistics.
 */
#include "sema_internal.h"
#include "sema_builtins.h"

#include <string.h>

/* What a type belongs to, spelled only when a conflict is reported:
 * "variable 'x'", "parameter 'p'", "index 0 of 'a'". */
struct subject {
	const char *kind;
	const char *name;
	int index;		/* >= 0: an array index of name */
};
#define SUBJ(kind, name) ((struct subject){ (kind), (name), -1 })
#define KEY_SUBJ(name, i) ((struct subject){ "index", (name), (i) })

struct tctx {
	struct sema *S;
	int changed;
	int report;		/* the final walk: diagnose */
	struct func *func;	/* whose body, for return */
	struct ptrvec reported;	/* struct sym * already diagnosed */
};

static const char *tname(enum type t)
{
	return type_names[t];
}

static const char *escaped(struct tctx *t, const char *str);

static int once(struct tctx *t, const void *what)
{
	int i;

	for (i = 0; i < t->reported.n; i++)
		if (t->reported.v[i] == what)
			return 0;
	ptrvec_push(t->S->a, &t->reported, (void *)what);
	return 1;
}

static const char *subject_text(struct tctx *t, struct subject w)
{
	if (w.index >= 0)
		return arena_printf(t->S->a, "index %d of '%s'", w.index, w.name);
	return arena_printf(t->S->a, "%s '%s'", w.kind, w.name);
}

/* Unify a slot (a variable's type, a key type, a return type) with ty. */
static void unify(struct tctx *t, enum type *slot, struct loc *slot_loc, enum type ty,
		  struct loc where, struct subject what)
{
	if (ty == TY_UNKNOWN || ty == TY_VOID)
		return;
	if (*slot == TY_UNKNOWN) {
		*slot = ty;
		if (slot_loc)
			*slot_loc = where;
		t->changed = 1;
		return;
	}
	if (*slot != ty && t->report) {
		const char *text = subject_text(t, what);

		diag_error(where, "type mismatch for %s: %s here, but %s before", text, tname(ty),
			   tname(*slot));
		if (slot_loc && slot_loc->file)
			diag_note(*slot_loc, "type of %s was first inferred here (%s)", text,
				  tname(*slot));
	}
}

static const char *quoted(struct tctx *t, const char *kind, const char *name)
{
	return arena_printf(t->S->a, "%s '%s'", kind, name);
}

static enum type infer(struct tctx *t, struct expr *e, enum type want);

/* The variable an assignment, ++/-- or <<< writes: x or a[...]. */
static void mark_written(struct expr *lhs)
{
	if (lhs && lhs->kind == E_VAR && lhs->sym)
		lhs->sym->written = 1;
	else if (lhs && lhs->kind == E_INDEX && lhs->base && lhs->base->sym)
		lhs->base->sym->written = 1;
}

/* e's own type is ty; check it against what the context wants. */
static enum type settle(struct tctx *t, struct expr *e, enum type ty, enum type want)
{
	e->type = ty;
	/* a variable's conflict was reported by unify(), with its note */
	if (t->report && want != TY_UNKNOWN && ty != TY_UNKNOWN && ty != want &&
	    e->kind != E_VAR && e->kind != E_INDEX) {
		if (ty == TY_VOID)
			diag_error(e->loc, "%s returns no value",
				   e->kind == E_CALL ? quoted(t, "function", e->name)
						     : "this expression");
		else
			diag_error(e->loc, "type mismatch: expected %s but found %s", tname(want),
				   tname(ty));
	}
	return ty;
}

static enum type infer_sym(struct tctx *t, struct expr *e, struct sym *s, enum type want)
{
	if (want != TY_UNKNOWN && want != TY_VOID)
		unify(t, &s->type, &s->type_loc, want, e->loc, SUBJ("variable", s->name));
	e->type = s->type;
	if (t->report && s->type == TY_STATS && want != TY_STATS && once(t, e))
		diag_error(e->loc, "statistic '%s' can only be used with '<<<' and the @ "
			   "extractors", s->name);
	return s->type;
}

static void infer_keys(struct tctx *t, struct sym *s, struct ptrvec *keys, struct loc loc)
{
	int i;

	if (s->nkeys < 0 || !s->key_types)
		return;
	for (i = 0; i < keys->n && i < s->nkeys; i++) {
		struct expr *k = keys->v[i];
		enum type kt;

		if (k->kind == E_VAR && !strcmp(k->name, "*"))
			continue;
		kt = infer(t, k, TY_UNKNOWN);
		if (kt == TY_UNKNOWN)
			kt = infer(t, k, s->key_types[i]);
		if (kt == TY_STATS || kt == TY_VOID) {
			if (t->report)
				diag_error(k->loc, "array index must be a long or a string");
			continue;
		}
		unify(t, &s->key_types[i], sema_key_loc(s, i), kt, k->loc, KEY_SUBJ(s->name, i));
	}
	(void)loc;
}

/* A variable expected to be a whole array (foreach, in, delete, index). */
static struct sym *array_sym(struct tctx *t, struct expr *base)
{
	(void)t;
	return base && base->kind == E_VAR ? base->sym : NULL;
}

static void infer_format(struct tctx *t, struct expr *e, int first)
{
	struct expr *fmt = e->args.v[first];
	enum type types[64];
	int n, bad = 0, i;

	if (fmt->kind != E_STR) {
		infer(t, fmt, TY_STRING);
		if (t->report)
			diag_error(fmt->loc, "the format of '%s' must be a string literal", e->name);
		return;
	}
	fmt->type = TY_STRING;
	n = sema_format_arg_types(fmt->str, types, 64, &bad);
	if (n < 0) {
		if (t->report)
			diag_error(fmt->loc, "invalid conversion at offset %d of format \"%s\"", bad,
				   escaped(t, fmt->str));
		return;
	}
	if (n != e->args.n - first - 1) {
		if (t->report)
			diag_error(e->loc, "format \"%s\" takes %d argument%s, but '%s' has %d",
				   escaped(t, fmt->str), n, n == 1 ? "" : "s", e->name,
				   e->args.n - first - 1);
		for (i = first + 1; i < e->args.n; i++)
			infer(t, e->args.v[i], TY_UNKNOWN);
		return;
	}
	for (i = 0; i < n && i < 64; i++)
		infer(t, e->args.v[first + 1 + i], types[i]);
}

/* A format string as it would be written in the script, for messages. */
static const char *escaped(struct tctx *t, const char *str)
{
	char *out = arena_alloc(t->S->a, strlen(str) * 2 + 1), *q = out;

	for (; *str; str++) {
		const char *esc = *str == '\n' ? "\\n" : *str == '\t' ? "\\t"
				: *str == '"' ? "\\\"" : *str == '\\' ? "\\\\" : NULL;

		if (esc) {
			strcpy(q, esc);
			q += 2;
		} else {
			*q++ = *str;
		}
	}
	*q = 0;
	return out;
}

static enum type infer_builtin(struct tctx *t, struct expr *e, const struct builtin *b)
{
	int i;

	if (e->args.n < b->min_args || (b->max_args >= 0 && e->args.n > b->max_args)) {
		if (t->report) {
			if (b->min_args == b->max_args)
				diag_error(e->loc, "'%s' takes %d argument%s, not %d", b->name,
					   b->min_args, b->min_args == 1 ? "" : "s", e->args.n);
			else
				diag_error(e->loc, "'%s' takes at least %d argument%s, not %d",
					   b->name, b->min_args, b->min_args == 1 ? "" : "s",
					   e->args.n);
		}
		return b->ret;
	}
	switch (b->args) {
	case BA_FORMAT:
		infer_format(t, e, 0);
		break;
	case BA_DELIM:
		infer(t, e->args.v[0], TY_STRING);
		if (t->report && ((struct expr *)e->args.v[0])->kind != E_STR)
			diag_error(((struct expr *)e->args.v[0])->loc,
				   "the delimiter of '%s' must be a string literal", b->name);
		/* fall through */
	case BA_ANY:
		for (i = b->args == BA_DELIM; i < e->args.n; i++) {
			struct expr *a = e->args.v[i];
			int hist = a->kind == E_STAT && (a->statop == STAT_HIST_LOG ||
							 a->statop == STAT_HIST_LINEAR);
			enum type ty = infer(t, a, TY_UNKNOWN);

			if (!t->report)
				continue;
			if (hist && (e->args.n != 1 || (b->id != BI_PRINT && b->id != BI_PRINTLN)))
				diag_error(a->loc, "a histogram can only be printed alone by 'print' "
					   "or 'println'");
			else if (ty == TY_VOID && !hist)
				diag_error(a->loc, "this argument of '%s' has no value", b->name);
			else if (ty == TY_STATS)
				diag_error(a->loc, "a statistic cannot be printed: use an @ "
					   "extractor such as @count");
		}
		break;
	case BA_STRING:
	case BA_LONG:
		for (i = 0; i < e->args.n; i++)
			infer(t, e->args.v[i], b->args == BA_STRING ? TY_STRING : TY_LONG);
		break;
	}
	return b->ret;
}

static enum type infer_call(struct tctx *t, struct expr *e, enum type want)
{
	const struct builtin *b;
	struct func *f = e->func;
	int i;

	if (!f) {
		b = sema_builtin_lookup(e->name);
		if (!b)
			INTERNAL_ERROR("unresolved call '%s' in pass 2 types", e->name);
		return infer_builtin(t, e, b);
	}
	for (i = 0; i < e->args.n && i < f->params.n; i++) {
		struct sym *p = f->params.v[i];
		enum type at = infer(t, e->args.v[i], TY_UNKNOWN);

		if (at == TY_UNKNOWN)
			at = infer(t, e->args.v[i], p->type);

		unify(t, &p->type, &p->type_loc, at, ((struct expr *)e->args.v[i])->loc,
		      SUBJ("parameter", p->name));
	}
	if (want != TY_UNKNOWN && want != TY_VOID && f->ret_type == TY_UNKNOWN)
		unify(t, &f->ret_type, &f->ret_type_loc, want, e->loc,
		      SUBJ("the return value of", f->name));
	return f->ret_type;
}

static int is_stat_extract(enum statop op)
{
	return op != STAT_HIST_LOG && op != STAT_HIST_LINEAR;
}

/* x = v with x already of another type: name the variable and where its
 * type came from. */
static void assign_mismatch(struct tctx *t, struct expr *e, enum type lt, enum type rt)
{
	struct sym *s = e->left->kind == E_VAR ? e->left->sym
		      : e->left->kind == E_INDEX && e->left->base ? e->left->base->sym : NULL;

	(void)t;
	if (rt == TY_VOID) {
		diag_error(e->right->loc, "'%s' returns no value",
			   e->right->kind == E_CALL ? e->right->name : "?");
		return;
	}
	if (!s) {
		diag_error(e->loc, "type mismatch: cannot assign a %s to a %s", type_names[rt],
			   type_names[lt]);
		return;
	}
	diag_error(e->right->loc, "type mismatch for '%s': assigned a %s, but it is a %s",
		   s->name, type_names[rt], type_names[lt]);
	if (s->type_loc.file)
		diag_note(s->type_loc, "type of '%s' was first inferred here (%s)", s->name,
			  type_names[s->type]);
}

static enum type infer(struct tctx *t, struct expr *e, enum type want)
{
	enum type lt, rt, ty = TY_UNKNOWN;
	struct sym *s;
	int i;

	if (!e)
		return TY_UNKNOWN;
	switch (e->kind) {
	case E_NUM:
		return settle(t, e, TY_LONG, want);
	case E_STR:
		return settle(t, e, TY_STRING, want);
	case E_VAR:
		s = e->sym;
		if (!s)
			return TY_UNKNOWN;
		if (t->report && s->is_array && once(t, e))
			diag_error(e->loc, "array '%s' used without an index", s->name);
		ty = infer_sym(t, e, s, want);
		return settle(t, e, ty, want == TY_STATS ? TY_STATS : want);
	case E_INDEX:
		s = array_sym(t, e->base);
		if (!s)
			return TY_UNKNOWN;
		infer_keys(t, s, &e->args, e->loc);
		ty = infer_sym(t, e, s, want);
		e->base->type = ty;
		return settle(t, e, ty, want);
	case E_IN:
		s = array_sym(t, e->base);
		if (s)
			infer_keys(t, s, &e->args, e->loc);
		return settle(t, e, TY_LONG, want);
	case E_TARGET:
	case E_CAST:
	case E_ATVAR:
	case E_ENTRY:
		for (i = 0; i < e->comps.n; i++) {
			struct component *c = e->comps.v[i];

			if (c->kind == COMP_INDEX)
				infer(t, c->index, TY_LONG);
		}
		if (e->kind == E_CAST)
			infer(t, e->left, TY_UNKNOWN);
		if (e->kind == E_ENTRY && e->type == TY_UNKNOWN)
			e->type = infer(t, e->left, want);
		return settle(t, e, e->type, want);
	case E_DEFINED:
	case E_PROBEWRITE:
		return settle(t, e, TY_LONG, want);
	case E_UNARY:
		infer(t, e->left, TY_LONG);
		return settle(t, e, TY_LONG, want);
	case E_BINARY:
		switch (e->op) {
		case OP_CONCAT:
			infer(t, e->left, TY_STRING);
			infer(t, e->right, TY_STRING);
			return settle(t, e, TY_STRING, want);
		case OP_REGEX_MATCH:
		case OP_REGEX_NOMATCH:
			infer(t, e->left, TY_STRING);
			infer(t, e->right, TY_STRING);
			if (t->report && e->right && e->right->kind != E_STR)
				diag_error(e->right->loc, "the regular expression must be a string "
					   "literal");
			return settle(t, e, TY_LONG, want);
		case OP_LT:
		case OP_LE:
		case OP_GT:
		case OP_GE:
		case OP_EQ:
		case OP_NE:
			/* either both long or both string */
			lt = infer(t, e->left, TY_UNKNOWN);
			rt = infer(t, e->right, lt);
			if (lt == TY_UNKNOWN && rt != TY_UNKNOWN)
				lt = infer(t, e->left, rt);
			if (t->report && (lt == TY_STATS || rt == TY_STATS))
				diag_error(e->loc, "statistics cannot be compared");
			return settle(t, e, TY_LONG, want);
		default:
			infer(t, e->left, TY_LONG);
			infer(t, e->right, TY_LONG);
			return settle(t, e, TY_LONG, want);
		}
	case E_ASSIGN:
		if (e->op == OP_ASSIGN) {
			lt = infer(t, e->left, want);
			rt = infer(t, e->right, TY_UNKNOWN);
			if (rt == TY_UNKNOWN)
				rt = infer(t, e->right, lt);
			if (lt == TY_UNKNOWN && rt != TY_UNKNOWN)
				lt = infer(t, e->left, rt);
			if (t->report && lt != rt && rt != TY_UNKNOWN &&
			    (lt != TY_UNKNOWN || rt == TY_VOID))
				assign_mismatch(t, e, lt, rt);
			if (t->report && rt == TY_STATS)
				diag_error(e->loc, "a statistic cannot be assigned: use '<<<'");
			ty = lt != TY_UNKNOWN ? lt : rt;
		} else if (e->op == OP_CONCAT) {
			infer(t, e->left, TY_STRING);
			infer(t, e->right, TY_STRING);
			ty = TY_STRING;
		} else {
			infer(t, e->left, TY_LONG);
			infer(t, e->right, TY_LONG);
			ty = TY_LONG;
		}
		mark_written(e->left);
		return settle(t, e, ty, want);
	case E_PREINC:
	case E_PREDEC:
	case E_POSTINC:
	case E_POSTDEC:
		infer(t, e->left, TY_LONG);
		mark_written(e->left);
		return settle(t, e, TY_LONG, want);
	case E_TERNARY:
		infer(t, e->cond, TY_LONG);
		lt = infer(t, e->left, want);
		rt = infer(t, e->right, lt != TY_UNKNOWN ? lt : want);
		if (lt == TY_UNKNOWN && rt != TY_UNKNOWN)
			lt = infer(t, e->left, rt);
		return settle(t, e, lt != TY_UNKNOWN ? lt : rt, want);
	case E_CALL:
		return settle(t, e, infer_call(t, e, want), want);
	case E_STAT_ADD:
		infer(t, e->left, TY_STATS);
		mark_written(e->left);
		infer(t, e->right, TY_LONG);
		return settle(t, e, TY_LONG, want);
	case E_STAT:
		infer(t, e->left, TY_STATS);
		for (i = 0; i < e->args.n; i++)
			infer(t, e->args.v[i], TY_LONG);
		if (t->report && e->statop == STAT_HIST_LINEAR && e->args.n != 3)
			diag_error(e->loc, "@hist_linear takes a statistic, a low, a high and a "
				   "bucket width");
		return settle(t, e, is_stat_extract(e->statop) ? TY_LONG : TY_VOID,
			      is_stat_extract(e->statop) ? want : TY_UNKNOWN);
	case E_HIST_INDEX:
		infer(t, e->left, TY_STATS);
		for (i = 0; i < e->args.n; i++)
			infer(t, e->args.v[i], TY_LONG);
		return settle(t, e, TY_LONG, want);
	case E_EMBEDDED:
		return settle(t, e, e->code && strstr(e->code, "/* string */") ? TY_STRING
									 : TY_LONG, want);
	}
	return TY_UNKNOWN;
}

static void infer_stmt(struct tctx *t, struct stmt *s);

static void infer_foreach(struct tctx *t, struct stmt *s)
{
	struct foreach *fe = s->fe;
	struct sym *a = array_sym(t, fe->array);
	int i;

	if (a) {
		if (fe->array)
			fe->array->type = a->type;
		for (i = 0; i < fe->keys.n && a->key_types && i < a->nkeys; i++) {
			struct sym *k = fe->key_syms[i];
			unify(t, &k->type, &k->type_loc, a->key_types[i], s->loc,
			      SUBJ("variable", k->name));
			unify(t, &a->key_types[i], sema_key_loc(a, i), k->type, s->loc,
			      KEY_SUBJ(a->name, i));
			k->written = 1;
		}
		if (fe->value_sym) {
			enum type vt = a->type == TY_STATS ? TY_UNKNOWN : a->type;

			unify(t, &fe->value_sym->type, &fe->value_sym->type_loc, vt, s->loc,
			      SUBJ("variable", fe->value_sym->name));
			unify(t, &a->type, &a->type_loc, fe->value_sym->type, s->loc,
			      SUBJ("variable", a->name));
			fe->value_sym->written = 1;
		}
		if (fe->slice.n)
			infer_keys(t, a, &fe->slice, s->loc);
		if (t->report && fe->sort_column > fe->keys.n)
			diag_error(s->loc, "foreach sorts on key %d of %d", fe->sort_column,
				   fe->keys.n);
	} else if (t->report && fe->array && fe->array->kind == E_VAR && once(t, s)) {
		diag_error(fe->array->loc, "foreach needs a global array");
	}
	infer(t, fe->limit, TY_LONG);
	infer_stmt(t, s->then);
}

static void infer_stmt(struct tctx *t, struct stmt *s)
{
	int i;

	if (!s)
		return;
	switch (s->kind) {
	case S_BLOCK:
		for (i = 0; i < s->body.n; i++)
			infer_stmt(t, s->body.v[i]);
		break;
	case S_EXPR:
		infer(t, s->expr, TY_UNKNOWN);
		break;
	case S_IF:
	case S_WHILE:
		infer(t, s->cond, TY_LONG);
		infer_stmt(t, s->then);
		infer_stmt(t, s->else_);
		break;
	case S_FOR:
		infer_stmt(t, s->init);
		infer(t, s->cond, TY_LONG);
		infer_stmt(t, s->incr);
		infer_stmt(t, s->then);
		break;
	case S_FOREACH:
		infer_foreach(t, s);
		break;
	case S_RETURN:
		if (!t->func) {
			if (t->report)
				diag_error(s->loc, "'return' outside a function: use 'next' to "
					   "leave a probe");
			break;
		}
		if (s->expr) {
			struct func *f = t->func;
			enum type ty = infer(t, s->expr, TY_UNKNOWN);

			if (ty == TY_UNKNOWN)
				ty = infer(t, s->expr, f->ret_type);

			unify(t, &f->ret_type, &f->ret_type_loc, ty, s->expr->loc,
			      SUBJ("the return value of", f->name));
		}
		break;
	case S_DELETE:
		if (s->expr && s->expr->kind == E_VAR) {
			if (s->expr->sym)
				s->expr->sym->written = 1;
			s->expr->type = s->expr->sym ? s->expr->sym->type : TY_UNKNOWN;
		} else if (s->expr && s->expr->kind == E_INDEX) {
			struct sym *a = array_sym(t, s->expr->base);

			/* an element of any array, statistics included */
			if (a) {
				infer_keys(t, a, &s->expr->args, s->expr->loc);
				s->expr->type = a->type;
				s->expr->base->type = a->type;
				a->written = 1;
			}
		} else if (t->report && s->expr) {
			diag_error(s->expr->loc, "'delete' needs a variable or an array element");
		}
		break;
	case S_TRY:
		infer_stmt(t, s->then);
		if (s->catch_sym) {
			unify(t, &s->catch_sym->type, &s->catch_sym->type_loc, TY_STRING, s->loc,
			      SUBJ("variable", s->catch_sym->name));
			s->catch_sym->written = 1;
		}
		infer_stmt(t, s->else_);
		break;
	case S_NEXT:
		/* in a function: the next overload (stap 4.x), at run time */
		break;
	default:
		break;
	}
}

/* A call may end in any overload of the chain (stap: they share one
 * signature), so parameter and return types flow both ways along it. */
static void unify_overload(struct tctx *t, struct func *f)
{
	struct func *n = f->next_overload;
	int i;

	if (!n)
		return;
	for (i = 0; i < f->params.n && i < n->params.n; i++) {
		struct sym *p = f->params.v[i], *q = n->params.v[i];

		unify(t, &q->type, &q->type_loc, p->type, p->type_loc,
		      SUBJ("parameter", q->name));
		if (!t->report)	/* reported once, in the other direction */
			unify(t, &p->type, &p->type_loc, q->type, q->type_loc,
			      SUBJ("parameter", p->name));
	}
	unify(t, &n->ret_type, &n->ret_type_loc, f->ret_type, f->ret_type_loc,
	      SUBJ("the return value of", n->name));
	if (!t->report)
		unify(t, &f->ret_type, &f->ret_type_loc, n->ret_type, n->ret_type_loc,
		      SUBJ("the return value of", f->name));
}

static void walk_all(struct tctx *t)
{
	struct program *prog = t->S->prog;
	int i;

	for (i = 0; i < prog->globals.n; i++) {
		struct sym *g = prog->globals.v[i];

		if (g->init) {
			enum type ty = infer(t, g->init, g->type);

			unify(t, &g->type, &g->type_loc, ty, g->init->loc,
			      SUBJ("variable", g->name));
			g->written = 1;
		}
	}
	for (i = 0; i < prog->funcs.n; i++) {
		t->func = prog->funcs.v[i];
		infer_stmt(t, t->func->body);
		unify_overload(t, t->func);
	}
	t->func = NULL;
	for (i = 0; i < prog->probes.n; i++) {
		struct derived_probe *dp = prog->probes.v[i];

		infer(t, dp->condition, TY_LONG);
		infer_stmt(t, dp->body);
	}
}

static void report_unresolved(struct ptrvec *syms, const char *kind)
{
	int i;

	for (i = 0; i < syms->n; i++) {
		struct sym *s = syms->v[i];

		if (s->scope == SYM_LOCAL && !s->written && !s->loc.file->is_library)
			diag_warning(s->loc, "never-assigned local variable '%s'", s->name);
		if (s->type == TY_UNKNOWN && !s->is_array)
			diag_error(s->loc, "unresolved type of %s '%s'", kind, s->name);
	}
}

/* ---- one histogram per statistic (stap checks it in pass 2) ---- */

struct hist_seen {
	struct sema *S;
	struct ptrvec syms;		/* struct sym *: statistics with a histogram */
	struct ptrvec firsts;		/* const struct expr *: its first @hist_ */
};

static int same_hist(const struct expr *a, const struct expr *b)
{
	int i;

	if (a->statop != b->statop || a->args.n != b->args.n)
		return 0;
	for (i = 0; i < a->args.n; i++) {
		const struct expr *x = a->args.v[i], *y = b->args.v[i];

		if (x->kind != E_NUM || y->kind != E_NUM || x->num != y->num)
			return 0;
	}
	return 1;
}

static void note_histogram(void *ctx, struct expr *e)
{
	struct hist_seen *h = ctx;
	struct expr *v = e->left;
	struct sym *s;
	int i;

	if (e->kind != E_STAT || (e->statop != STAT_HIST_LOG && e->statop != STAT_HIST_LINEAR))
		return;
	for (i = 0; e->statop == STAT_HIST_LINEAR && i < 3; i++)
		if (i >= e->args.n || ((struct expr *)e->args.v[i])->kind != E_NUM) {
			diag_error(e->loc, "'@hist_linear' needs literal start, stop and interval");
			return;
		}
	s = !v ? NULL : v->kind == E_INDEX && v->base ? v->base->sym : v->sym;
	if (!s)
		return;
	for (i = 0; i < h->syms.n; i++) {
		const struct expr *first = h->firsts.v[i];

		if (h->syms.v[i] != s)
			continue;
		if (!same_hist(first, e)) {
			diag_error(e->loc, "multiple histogram types declared on '%s'", s->name);
			diag_note(first->loc, "'%s' has %s here", s->name,
				  statop_spelling[first->statop]);
		}
		return;
	}
	ptrvec_push(h->S->a, &h->syms, s);
	ptrvec_push(h->S->a, &h->firsts, e);
}

static void check_histograms(struct sema *S)
{
	struct hist_seen h = { .S = S };
	int i;

	for (i = 0; i < S->prog->funcs.n; i++)
		sema_walk_stmt(((struct func *)S->prog->funcs.v[i])->body, note_histogram, NULL,
			       &h);
	for (i = 0; i < S->prog->probes.n; i++) {
		struct derived_probe *dp = S->prog->probes.v[i];

		sema_walk_stmt(dp->body, note_histogram, NULL, &h);
		sema_walk_expr(dp->condition, note_histogram, &h);
	}
}

int sema_infer_types(struct sema *S)
{
	struct tctx t = { .S = S };
	struct program *prog = S->prog;
	int i, rounds = 0, errors = diag.errors;

	do {
		t.changed = 0;
		walk_all(&t);
	} while (t.changed && ++rounds < 1000);
	/* what returns nothing is void before the reporting walk, so using
	 * it as a value is an error (stap: "unresolved type") */
	for (i = 0; i < prog->funcs.n; i++) {
		struct func *f = prog->funcs.v[i];

		if (f->ret_type == TY_UNKNOWN)
			f->ret_type = TY_VOID;
	}
	t.report = 1;
	walk_all(&t);
	for (i = 0; i < prog->funcs.n; i++) {
		struct func *f = prog->funcs.v[i];

		report_unresolved(&f->params, "parameter");
		report_unresolved(&f->locals, "local variable");
	}
	for (i = 0; i < prog->probes.n; i++)
		report_unresolved(&((struct derived_probe *)prog->probes.v[i])->locals,
				  "local variable");
	for (i = 0; i < prog->globals.n; i++) {
		struct sym *g = prog->globals.v[i];

		if (g->type == TY_UNKNOWN)
			diag_error(g->loc, "unresolved type of global '%s'%s", g->name,
				   g->written ? "" : ": it is never assigned");
		else if (!g->written && !g->loc.file->is_library)
			diag_warning(g->loc, "never-assigned global variable '%s'", g->name);
		for (int k = 0; g->is_array && k < g->nkeys; k++)
			if (g->key_types[k] == TY_UNKNOWN)
				diag_error(g->loc, "unresolved type of index %d of '%s'", k,
					   g->name);
	}
	if (diag.errors == errors)
		check_histograms(S);
	return diag.errors > errors ? -1 : 0;
}
