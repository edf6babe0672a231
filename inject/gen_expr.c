/* gen_expr.c - pass 3: expressions.
 *
 * gen_expr() emits the statements that compute an expression and returns
 * the C rvalue holding its value. Evaluation is left to right, as stap's:
 * an operand is copied into a temporary when a later operand has side
 * effects. Errors (division by 0, array overflow, empty aggregates) set
 * the error with stap's message and token and jump to the error label.
 */
#include "gen_internal.h"
#include "sema_builtins.h"

#include <stdlib.h>
#include <string.h>

int gen_expr_has_side_effects(const struct expr *e)
{
	int i;

	if (!e)
		return 0;
	switch (e->kind) {
	case E_ASSIGN:
	case E_PREINC:
	case E_PREDEC:
	case E_POSTINC:
	case E_POSTDEC:
	case E_CALL:
	case E_STAT_ADD:
	case E_EMBEDDED:
		return 1;
	default:
		break;
	}
	if (gen_expr_has_side_effects(e->left) || gen_expr_has_side_effects(e->right) ||
	    gen_expr_has_side_effects(e->cond) || gen_expr_has_side_effects(e->base))
		return 1;
	for (i = 0; i < e->args.n; i++)
		if (gen_expr_has_side_effects(e->args.v[i]))
			return 1;
	return 0;
}

static int is_temp_or_literal(const char *v)
{
	const char *p;

	if (v[0] == '"' || !strncmp(v, "((int64_t)", 10))
		return 1;
	if (strncmp(v, "l->t", 4) && strncmp(v, "l->s", 4))
		return 0;
	for (p = v + 4; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return p > v + 4;
}

static int is_string(const struct expr *e)
{
	return e->type == TY_STRING;
}

const char *gen_expr_stable(struct gen *g, const struct expr *e)
{
	const char *v = gen_expr(g, e), *t;

	if (!v || is_temp_or_literal(v))
		return v;
	if (is_string(e)) {
		t = gen_temp_str(g);
		gen_line(g, "stp_str_copy(%s, %s);", t, v);
	} else {
		t = gen_temp_long(g);
		gen_line(g, "%s = %s;", t, v);
	}
	return t;
}

/* Evaluate a list left to right; each value stays valid until the end. */
static const char **gen_list(struct gen *g, const struct ptrvec *args)
{
	const char **vals = arena_alloc(g->a, sizeof(char *) * (size_t)(args->n + 1));
	int i, j;

	for (i = 0; i < args->n; i++) {
		int later = 0;

		for (j = i + 1; j < args->n; j++)
			later |= gen_expr_has_side_effects(args->v[j]);
		vals[i] = later ? gen_expr_stable(g, args->v[i]) : gen_expr(g, args->v[i]);
	}
	return vals;
}

const char *gen_keys(struct gen *g, const struct ptrvec *args)
{
	const char **vals;
	const char *keys;
	int i;

	if (args->n == 0)
		return "NULL";
	vals = gen_list(g, args);
	keys = gen_temp_typed(g, "struct stp_key", 16, args->n);
	for (i = 0; i < args->n; i++) {
		const struct expr *k = args->v[i];

		if (is_string(k))
			gen_line(g, "%s[%d].s = %s;", keys, i, vals[i]);
		else
			gen_line(g, "%s[%d].n = %s;", keys, i, vals[i]);
	}
	return keys;
}

static const char *num_literal(struct gen *g, int64_t n)
{
	if (n == INT64_MIN)
		return "((int64_t)(-9223372036854775807LL - 1))";
	return gen_fmt(g, "((int64_t)%lldLL)", (long long)n);
}

/* ---- arrays ---- */

static void map_set_failed(struct gen *g, const struct expr *idx, const char *map)
{
	gen_line(g, "\tstp_map_overflow(c, %s);", map);
	gen_line(g, "\tc->last_stmt = %s;", gen_near(g, idx->base ? idx->base->loc : idx->loc));
	gen_line(g, "\tgoto %s;", g->err_label);
	gen_line(g, "}");
}

static const char *gen_index_read(struct gen *g, const struct expr *e)
{
	const struct sym *s = e->base->sym;
	const char *keys = gen_keys(g, &e->args), *t;

	if (s->type == TY_STRING) {
		t = gen_temp_str(g);
		gen_line(g, "stp_str_copy(%s, stp_map_get_str(%s, %s));", t, gen_map_ref(g, s),
			 keys);
		return t;
	}
	return gen_fmt(g, "stp_map_get_long(%s, %s)", gen_map_ref(g, s), keys);
}

/* Store v into a[keys]; returns nothing, jumps on overflow. */
static void gen_index_store(struct gen *g, const struct expr *idx, const char *keys,
			    const char *v)
{
	const struct sym *s = idx->base->sym;
	const char *map = gen_map_ref(g, s);

	gen_line(g, "if (unlikely(stp_map_set_%s(%s, %s, %s))) {",
		 s->type == TY_STRING ? "str" : "long", map, keys, v);
	map_set_failed(g, idx, map);
}

/* ---- arithmetic ---- */

static int op_can_fail(enum op op)
{
	return op == OP_DIV || op == OP_MOD;
}

/* l op r for longs; division checks its divisor first. */
static const char *long_binop(struct gen *g, enum op op, const char *l, const char *r,
			      struct loc loc)
{
	if (op_can_fail(op)) {
		const char *d = r;

		if (!is_temp_or_literal(r)) {
			d = gen_temp_long(g);
			gen_line(g, "%s = %s;", d, r);
		}
		gen_line(g, "if (unlikely(%s == 0)) {", d);
		g->indent++;
		gen_fail(g, loc, "stp_error(c, \"division by 0\")");
		g->indent--;
		gen_line(g, "}");
		return gen_fmt(g, "stp_%s(%s, %s)", op == OP_DIV ? "div" : "mod", l, d);
	}
	switch (op) {
	case OP_SHL:
		return gen_fmt(g, "stp_shl(%s, %s)", l, r);
	case OP_SHR:
		return gen_fmt(g, "stp_shr(%s, %s)", l, r);
	default:
		return gen_fmt(g, "(%s %s %s)", l, op_spelling[op], r);
	}
}

static const char *gen_logical(struct gen *g, const struct expr *e)
{
	const char *t = gen_temp_long(g), *l, *r;
	int is_and = e->op == OP_LAND;

	l = gen_expr(g, e->left);
	gen_line(g, "%s = %s;", t, is_and ? "0" : "1");
	gen_line(g, "if (%s(%s)) {", is_and ? "" : "!", l);
	g->indent++;
	r = gen_expr(g, e->right);
	gen_line(g, "%s = (%s) != 0;", t, r);
	g->indent--;
	gen_line(g, "}");
	return t;
}

static const char *gen_binary(struct gen *g, const struct expr *e)
{
	const char *l, *r, *t;

	if (e->op == OP_LAND || e->op == OP_LOR)
		return gen_logical(g, e);
	if (e->op == OP_REGEX_MATCH || e->op == OP_REGEX_NOMATCH) {
		const char *re = gen_regex(g, e->right);

		l = gen_expr(g, e->left);
		if (!re)
			return "0";
		return gen_fmt(g, "((int64_t)(stp_regex_match(&%s, %s) == %d))", re, l,
			       e->op == OP_REGEX_MATCH);
	}
	l = gen_expr_has_side_effects(e->right) ? gen_expr_stable(g, e->left)
						: gen_expr(g, e->left);
	r = gen_expr(g, e->right);
	if (e->op == OP_CONCAT) {
		t = gen_temp_str(g);
		gen_line(g, "stp_str_concat(%s, %s, %s);", t, l, r);
		return t;
	}
	if (is_string(e->left) && e->op >= OP_LT && e->op <= OP_NE)
		return gen_fmt(g, "((int64_t)(strcmp(%s, %s) %s 0))", l, r, op_spelling[e->op]);
	if (e->op >= OP_LT && e->op <= OP_NE)
		return gen_fmt(g, "((int64_t)(%s %s %s))", l, op_spelling[e->op], r);
	return long_binop(g, e->op, l, r, e->loc);
}

static const char *gen_unary(struct gen *g, const struct expr *e)
{
	const char *v = gen_expr(g, e->left);

	switch (e->op) {
	case OP_NEG:
		return gen_fmt(g, "(-(%s))", v);
	case OP_NOT:
		return gen_fmt(g, "((int64_t)!(%s))", v);
	case OP_BNOT:
		return gen_fmt(g, "(~(%s))", v);
	default:
		return v;
	}
}

static const char *gen_ternary(struct gen *g, const struct expr *e)
{
	const char *c = gen_expr(g, e->cond), *t, *v;
	int str = is_string(e);

	t = str ? gen_temp_str(g) : gen_temp_long(g);
	gen_line(g, "if (%s) {", c);
	g->indent++;
	v = gen_expr(g, e->left);
	gen_line(g, str ? "stp_str_copy(%s, %s);" : "%s = %s;", t, v);
	g->indent--;
	gen_line(g, "} else {");
	g->indent++;
	v = gen_expr(g, e->right);
	gen_line(g, str ? "stp_str_copy(%s, %s);" : "%s = %s;", t, v);
	g->indent--;
	gen_line(g, "}");
	return t;
}

/* ---- assignment and increments ---- */

/* The compound operator of an assignment, or OP_NONE for plain '='. */
static enum op assign_op(const struct expr *e)
{
	return e->op == OP_ASSIGN ? OP_NONE : e->op;
}

static const char *gen_assign(struct gen *g, const struct expr *e)
{
	const struct expr *lhs = e->left;
	enum op op = assign_op(e);
	int str = is_string(lhs);

	if (lhs->kind == E_VAR) {
		const char *dst = gen_var_lvalue(g, lhs->sym);
		const char *v = gen_expr(g, e->right);

		if (str) {
			if (op == OP_CONCAT)
				gen_line(g, "stp_str_append(%s, %s);", dst, v);
			else
				gen_line(g, "stp_str_copy(%s, %s);", dst, v);
			return dst;
		}
		if (op == OP_NONE)
			gen_line(g, "%s = %s;", dst, v);
		else
			gen_line(g, "%s = %s;", dst, long_binop(g, op, dst, v, e->loc));
		return dst;
	}
	if (lhs->kind == E_INDEX) {
		const struct sym *s = lhs->base->sym;
		const char *keys = gen_keys(g, &lhs->args);
		const char *v = gen_expr(g, e->right), *t;

		if (str) {
			t = gen_temp_str(g);
			if (op == OP_CONCAT) {
				gen_line(g, "stp_str_copy(%s, stp_map_get_str(%s, %s));", t,
					 gen_map_ref(g, s), keys);
				gen_line(g, "stp_str_append(%s, %s);", t, v);
			} else {
				gen_line(g, "stp_str_copy(%s, %s);", t, v);
			}
		} else {
			t = gen_temp_long(g);
			if (op == OP_NONE)
				gen_line(g, "%s = %s;", t, v);
			else
				gen_line(g, "%s = %s;", t,
					 long_binop(g, op,
						    gen_fmt(g, "stp_map_get_long(%s, %s)",
							    gen_map_ref(g, s), keys),
						    v, e->loc));
		}
		gen_index_store(g, lhs, keys, t);
		return t;
	}
	if (lhs->kind == E_TARGET || lhs->kind == E_CAST || lhs->kind == E_ATVAR) {
		const char *v = gen_expr(g, e->right), *t = gen_temp_long(g);

		if (op == OP_NONE)
			gen_line(g, "%s = %s;", t, v);
		else
			gen_line(g, "%s = %s;", t, long_binop(g, op, gen_tvar(g, lhs), v, e->loc));
		gen_tvar_store(g, lhs, t);
		return t;
	}
	INTERNAL_ERROR("assignment to expression kind %d", lhs->kind);
}

static const char *gen_incdec(struct gen *g, const struct expr *e)
{
	const struct expr *lhs = e->left;
	int pre = e->kind == E_PREINC || e->kind == E_PREDEC;
	const char *delta = (e->kind == E_PREINC || e->kind == E_POSTINC) ? "+ 1" : "- 1";
	const char *t = gen_temp_long(g);

	if (lhs->kind == E_VAR) {
		const char *v = gen_var_lvalue(g, lhs->sym);

		if (pre) {
			gen_line(g, "%s = %s %s;", v, v, delta);
			gen_line(g, "%s = %s;", t, v);
		} else {
			gen_line(g, "%s = %s;", t, v);
			gen_line(g, "%s = %s %s;", v, v, delta);
		}
		return t;
	}
	if (lhs->kind == E_INDEX) {
		const char *keys = gen_keys(g, &lhs->args);
		const char *n = gen_temp_long(g);

		gen_line(g, "%s = stp_map_get_long(%s, %s);", t, gen_map_ref(g, lhs->base->sym),
			 keys);
		gen_line(g, "%s = %s %s;", n, t, delta);
		gen_index_store(g, lhs, keys, n);
		return pre ? n : t;
	}
	diag_error(e->loc, "cannot increment this expression");
	g->failed = 1;
	return "0";
}

/* ---- statistics ---- */

static const char *stat_target(struct gen *g, const struct expr *operand, const char **keys)
{
	const struct sym *s;

	if (operand->kind == E_INDEX) {
		s = operand->base->sym;
		*keys = gen_keys(g, &operand->args);
	} else {
		s = operand->sym;
		*keys = "NULL";
	}
	return gen_map_ref(g, s);
}

static const char *gen_stat_add(struct gen *g, const struct expr *e)
{
	const char *keys, *map, *v;

	map = stat_target(g, e->left, &keys);
	v = gen_expr(g, e->right);
	gen_line(g, "if (unlikely(stp_map_stat_add(%s, %s, %s))) {", map, keys, v);
	if (e->left->kind == E_INDEX) {
		map_set_failed(g, e->left, map);
	} else {
		gen_line(g, "\tstp_map_overflow(c, %s);", map);
		gen_line(g, "\tgoto %s;", g->err_label);
		gen_line(g, "}");
	}
	return v;
}

static const struct sym *stat_operand(const struct expr *e)
{
	return e->left->kind == E_INDEX ? e->left->base->sym : e->left->sym;
}

/* The statistic an extractor reads; errors "empty aggregate" when asked. */
static const char *stat_data(struct gen *g, const struct expr *e, int must_have_data)
{
	const char *keys, *map, *sd;

	map = stat_target(g, e->left, &keys);
	sd = gen_temp_typed(g, "struct stp_stat *", 8, 0);
	gen_line(g, "%s = stp_map_get_stat(%s, %s);", sd, map, keys);
	if (must_have_data) {
		gen_line(g, "if (unlikely(!%s || !%s->count)) {", sd, sd);
		g->indent++;
		gen_fail(g, e->loc, "stp_error(c, \"empty aggregate\")");
		g->indent--;
		gen_line(g, "}");
	}
	return sd;
}

static const char *gen_stat(struct gen *g, const struct expr *e)
{
	const char *sd;

	switch (e->statop) {
	case STAT_COUNT:
		sd = stat_data(g, e, 0);
		return gen_fmt(g, "(%s ? %s->count : 0)", sd, sd);
	case STAT_SUM:
		sd = stat_data(g, e, 0);
		return gen_fmt(g, "(%s ? %s->sum : 0)", sd, sd);
	case STAT_MIN:
		sd = stat_data(g, e, 1);
		return gen_fmt(g, "%s->min", sd);
	case STAT_MAX:
		sd = stat_data(g, e, 1);
		return gen_fmt(g, "%s->max", sd);
	case STAT_AVG:
		sd = stat_data(g, e, 1);
		return gen_fmt(g, "stp_stat_avg(%s)", sd);
	case STAT_VARIANCE:
		sd = stat_data(g, e, 1);
		return gen_fmt(g, "stp_stat_variance(%s, &(%s)->hist)", sd,
			       gen_map_ref(g, stat_operand(e)));
	case STAT_HIST_LOG:
	case STAT_HIST_LINEAR:
		diag_error(e->loc, "a histogram can only be printed or indexed");
		g->failed = 1;
		return "0";
	}
	return "0";
}

static const char *gen_hist_index(struct gen *g, const struct expr *e)
{
	const struct expr *st = e->left;
	const char *keys, *map = stat_target(g, st->left, &keys), *sd, *i, *t;

	sd = gen_temp_typed(g, "struct stp_stat *", 8, 0);
	gen_line(g, "%s = stp_map_get_stat(%s, %s);", sd, map, keys);
	i = gen_expr(g, e->args.n ? e->args.v[0] : e->right);
	t = gen_temp_long(g);
	gen_line(g, "%s = %s;", t, i);
	gen_line(g, "if (unlikely(%s < 0 || %s >= (%s)->hist.buckets)) {", t, t, map);
	g->indent++;
	gen_fail(g, e->loc, "stp_error(c, \"histogram index out of range\")");
	g->indent--;
	gen_line(g, "}");
	return gen_fmt(g, "stp_hist_bucket(%s, &(%s)->hist, %s)", sd, map, t);
}

/* ---- membership ---- */

static int is_wildcard(const struct expr *k)
{
	return k->kind == E_VAR && k->name && !strcmp(k->name, "*");
}

static const char *gen_in(struct gen *g, const struct expr *e)
{
	const struct sym *s = e->base->sym;
	const char *map = gen_map_ref(g, s), *t, *node;
	const char **vals;
	int i, wild = 0;

	for (i = 0; i < e->args.n; i++)
		wild |= is_wildcard(e->args.v[i]);
	if (!wild)
		return gen_fmt(g, "((int64_t)stp_map_exists(%s, %s))", map, gen_keys(g, &e->args));
	vals = arena_alloc(g->a, sizeof(char *) * (size_t)e->args.n);
	for (i = 0; i < e->args.n; i++)
		if (!is_wildcard(e->args.v[i]))
			vals[i] = gen_expr_stable(g, e->args.v[i]);
	t = gen_temp_long(g);
	node = gen_temp_typed(g, "struct stp_map_node *", 8, 0);
	gen_line(g, "%s = 0;", t);
	gen_line(g, "for (%s = stp_map_first(%s); %s && !%s; %s = stp_map_next(%s, %s)) {", node,
		 map, node, t, node, map, node);
	g->indent++;
	for (i = 0; i < e->args.n; i++) {
		if (!vals[i])
			continue;
		if (s->key_types && s->key_types[i] == TY_STRING)
			gen_line(g, "if (strcmp(stp_node_key_str(%s, %s, %d), %s))", map, node, i,
				 vals[i]);
		else
			gen_line(g, "if (stp_node_key_long(%s, %s, %d) != %s)", map, node, i,
				 vals[i]);
		gen_line(g, "\tcontinue;");
	}
	gen_line(g, "%s = 1;", t);
	g->indent--;
	gen_line(g, "}");
	return t;
}

/* ---- calls of script and tapset functions ---- */

static int func_index(struct gen *g, const struct func *f)
{
	int i;

	for (i = 0; i < g->prog->funcs.n; i++)
		if (g->prog->funcs.v[i] == f)
			return i;
	return -1;
}

/* One function of the call's overload chain: push its frame, pass vals,
 * call, take the result into t; when it says 'next', the following
 * overload gets the same arguments (stap: "all functions exhausted" after
 * the last). */
static void gen_call_one(struct gen *g, const struct expr *e, const struct func *f,
			 const char **vals, const char *near, const char *t)
{
	int idx, i;

	idx = func_index(g, f);
	if (idx < 0)
		INTERNAL_ERROR("call of '%s', a function pass 2 did not keep", f->name);
	gen_line(g, "{");
	g->indent++;
	gen_line(g, "struct stp_frame_f%d_%s *f;", idx, f->name);
	fputc('\n', g->body);
	gen_line(g, "if (unlikely(stp_nest_enter(c))) {");
	gen_line(g, "\tc->last_stmt = %s;", near);
	gen_line(g, "\tgoto %s;", g->err_label);
	gen_line(g, "}");
	gen_line(g, "f = stp_frame_push(c, sizeof(*f));");
	gen_line(g, "if (unlikely(!f)) {");
	gen_line(g, "\tstp_nest_exit(c);");
	gen_line(g, "\tc->last_stmt = %s;", near);
	gen_line(g, "\tgoto %s;", g->err_label);
	gen_line(g, "}");
	for (i = 0; i < f->params.n && i < e->args.n; i++) {
		const struct sym *p = f->params.v[i];

		if (p->type == TY_STRING)
			gen_line(g, "stp_str_copy(f->v_%s, %s);", p->name, vals[i]);
		else
			gen_line(g, "f->v_%s = %s;", p->name, vals[i]);
	}
	gen_line(g, "c->last_stmt = %s;", near);
	gen_line(g, "stp_f%d_%s(c, f);", idx, f->name);
	if (f->ret_type == TY_STRING)
		gen_line(g, "stp_str_copy(%s, f->__retvalue);", t);
	else if (f->ret_type == TY_LONG)
		gen_line(g, "%s = f->__retvalue;", t);
	gen_line(g, "stp_frame_pop(c, sizeof(*f));");
	gen_line(g, "stp_nest_exit(c);");
	g->indent--;
	gen_line(g, "}");
	gen_line(g, "if (unlikely(c->last_error == stp_next_mark)) {");
	g->indent++;
	if (f->next_overload) {
		gen_line(g, "c->last_error = NULL;");
		gen_call_one(g, e, f->next_overload, vals, near, t);
	} else {
		gen_line(g, "c->last_error = \"all functions exhausted\";");
		gen_line(g, "c->last_stmt = %s;", near);
	}
	g->indent--;
	gen_line(g, "}");
}

static const char *gen_call(struct gen *g, const struct expr *e)
{
	const struct func *f = e->func;
	const char **vals, *near, *t = NULL;

	if (!f)
		return gen_builtin_call(g, e);
	vals = gen_list(g, &e->args);
	near = gen_near(g, e->loc);
	if (f->ret_type == TY_STRING)
		t = gen_temp_str(g);
	else if (f->ret_type == TY_LONG)
		t = gen_temp_long(g);
	gen_call_one(g, e, f, vals, near, t);
	gen_check_error(g);
	return t ? t : "0";
}

/* ---- the dispatcher ---- */

const char *gen_expr(struct gen *g, const struct expr *e)
{
	switch (e->kind) {
	case E_NUM:
		return num_literal(g, e->num);
	case E_STR:
		return gen_c_string(g, e->str);
	case E_VAR:
		if (!e->sym)
			INTERNAL_ERROR("unresolved variable '%s'", e->name);
		return gen_var_lvalue(g, e->sym);
	case E_INDEX:
		return gen_index_read(g, e);
	case E_TARGET:
	case E_CAST:
	case E_ATVAR:
		return gen_tvar(g, e);
	case E_DEFINED:
		return e->left && (e->left->tvar || (e->left->kind != E_TARGET &&
						     e->left->kind != E_CAST &&
						     e->left->kind != E_ATVAR))
			       ? "((int64_t)1)" : "((int64_t)0)";
	case E_ENTRY:
		if (g->in_entry)
			return gen_expr(g, e->left);
		return gen_entry_slot(g, e->entry_slot);
	case E_PROBEWRITE:
		diag_error(e->loc, "'@probewrite' is not supported");
		g->failed = 1;
		return "0";
	case E_UNARY:
		return gen_unary(g, e);
	case E_BINARY:
		return gen_binary(g, e);
	case E_ASSIGN:
		return gen_assign(g, e);
	case E_PREINC:
	case E_PREDEC:
	case E_POSTINC:
	case E_POSTDEC:
		return gen_incdec(g, e);
	case E_TERNARY:
		return gen_ternary(g, e);
	case E_CALL:
		return gen_call(g, e);
	case E_IN:
		return gen_in(g, e);
	case E_STAT_ADD:
		return gen_stat_add(g, e);
	case E_STAT:
		return gen_stat(g, e);
	case E_HIST_INDEX:
		return gen_hist_index(g, e);
	case E_EMBEDDED:
		if (e->type == TY_STRING) {
			const char *t = gen_temp_str(g);

			gen_line(g, "stp_str_copy(%s, (%s));", t, e->code);
			return t;
		}
		return gen_fmt(g, "((int64_t)(%s))", e->code);
	}
	INTERNAL_ERROR("expression kind %d", e->kind);
}
