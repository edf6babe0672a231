/* gen_stmt.c - pass 3: statements.
 *
 * Every statement is charged one action against MAXACTION (stap batches
 * the same count per block); a failure names the statement's token. The
 * string temporaries of a statement are released when it ends.
 */
#include "gen_internal.h"

#include <string.h>

static const char *new_label(struct gen *g, const char *what)
{
	return gen_fmt(g, "%s_%d", what, g->label_seq++);
}

static void charge_action(struct gen *g, struct loc loc)
{
	gen_line(g, "if (unlikely(stp_actions(c, 1))) {");
	gen_line(g, "\tc->last_stmt = %s;", gen_near(g, loc));
	gen_line(g, "\tgoto %s;", g->err_label);
	gen_line(g, "}");
}

static void gen_block_body(struct gen *g, const struct stmt *s)
{
	int i;

	for (i = 0; i < s->body.n; i++)
		gen_stmt(g, s->body.v[i]);
}

/* A statement that is itself a block or a single one, as a C block. */
static void gen_nested(struct gen *g, const struct stmt *s)
{
	gen_line(g, "{");
	g->indent++;
	if (s)
		gen_stmt(g, s);
	g->indent--;
	gen_line(g, "}");
}

static void gen_cond_jump(struct gen *g, const struct expr *cond, const char *label)
{
	const char *v = gen_expr(g, cond);

	gen_line(g, "if (!(%s))", v);
	gen_line(g, "\tgoto %s;", label);
}

/* while (cond) stmt */
static void gen_while(struct gen *g, const struct stmt *s)
{
	struct loop_labels ll = { new_label(g, "break"), new_label(g, "continue"), g->loop };
	const char *top = new_label(g, "top");

	gen_line(g, "%s:", top);
	gen_line(g, "{");
	g->indent++;
	charge_action(g, s->loc);
	gen_cond_jump(g, s->cond, ll.brk);
	g->loop = &ll;
	gen_nested(g, s->then);
	g->loop = ll.outer;
	g->indent--;
	gen_line(g, "}");
	gen_line(g, "%s: __attribute__((unused));", ll.cont);
	gen_line(g, "goto %s;", top);
	gen_line(g, "%s: __attribute__((unused));", ll.brk);
}

/* for (init; cond; incr) stmt */
static void gen_for(struct gen *g, const struct stmt *s)
{
	struct loop_labels ll = { new_label(g, "break"), new_label(g, "continue"), g->loop };
	const char *top = new_label(g, "top");

	if (s->init)
		gen_stmt(g, s->init);
	gen_line(g, "%s:", top);
	gen_line(g, "{");
	g->indent++;
	charge_action(g, s->loc);
	if (s->cond)
		gen_cond_jump(g, s->cond, ll.brk);
	g->loop = &ll;
	gen_nested(g, s->then);
	g->loop = ll.outer;
	g->indent--;
	gen_line(g, "}");
	gen_line(g, "%s: __attribute__((unused));", ll.cont);
	if (s->incr)
		gen_nested(g, s->incr);
	gen_line(g, "goto %s;", top);
	gen_line(g, "%s: __attribute__((unused));", ll.brk);
}

static int sort_column(const struct foreach *fe, const struct sym *arr)
{
	if (fe->sort_column >= 0)
		return fe->sort_column;
	/* the value: a statistic sorts by its count, as stap's default */
	return arr->type == TY_STATS ? -5 : 0;
}

/* foreach ([k1, k2] in a [+|-] [limit n]) stmt, or (v = [k] in a) */
static void gen_foreach(struct gen *g, const struct stmt *s)
{
	const struct foreach *fe = s->fe;
	const struct sym *arr = fe->array->sym;
	struct loop_labels ll = { new_label(g, "break"), new_label(g, "continue"), g->loop };
	const char *map = gen_map_ref(g, arr);
	const char *node = gen_temp_typed(g, "struct stp_map_node *", 8, 0);
	const char *next = gen_temp_typed(g, "struct stp_map_node *", 8, 0);
	const char *limit = NULL, *count = NULL;
	int i;

	if (fe->sort_column)
		gen_line(g, "stp_map_sort(%s, %d, %d);", map, sort_column(fe, arr),
			 fe->sort_dir < 0 ? -1 : 1);
	if (fe->limit) {
		const char *v = gen_expr(g, fe->limit);

		limit = gen_temp_long(g);
		count = gen_temp_long(g);
		gen_line(g, "%s = %s;", limit, v);
		gen_line(g, "%s = 0;", count);
	}
	gen_line(g, "for (%s = stp_map_first(%s); %s; %s = %s) {", node, map, node, node, next);
	g->indent++;
	gen_line(g, "%s = stp_map_next(%s, %s);", next, map, node);
	charge_action(g, s->loc);
	if (limit)
	{
		gen_line(g, "if (%s++ >= %s)", count, limit);
		gen_line(g, "\tbreak;");
	}
	for (i = 0; i < fe->keys.n; i++) {
		const struct sym *k = fe->key_syms ? fe->key_syms[i] : NULL;

		if (!k || !k->c_name)
			continue;
		if (arr->key_types && arr->key_types[i] == TY_STRING)
			gen_line(g, "stp_str_copy(%s, stp_node_key_str(%s, %s, %d));",
				 gen_var_lvalue(g, k), map, node, i);
		else
			gen_line(g, "%s = stp_node_key_long(%s, %s, %d);", gen_var_lvalue(g, k),
				 map, node, i);
	}
	if (fe->value_sym && fe->value_sym->c_name) {
		if (arr->type == TY_STRING)
			gen_line(g, "stp_str_copy(%s, stp_node_str(%s, %s));",
				 gen_var_lvalue(g, fe->value_sym), map, node);
		else if (arr->type == TY_LONG)
			gen_line(g, "%s = *stp_node_long(%s, %s);",
				 gen_var_lvalue(g, fe->value_sym), map, node);
	}
	g->loop = &ll;
	gen_nested(g, s->then);
	g->loop = ll.outer;
	gen_line(g, "%s: __attribute__((unused));", ll.cont);
	g->indent--;
	gen_line(g, "}");
	gen_line(g, "%s: __attribute__((unused));", ll.brk);
}

/* delete a, delete a[k...], delete a[*, k] (wildcards), delete x (scalar) */
static void gen_delete(struct gen *g, const struct stmt *s)
{
	const struct expr *e = s->expr;
	const struct sym *sym = e->kind == E_INDEX ? e->base->sym : e->sym;
	int i, wild = 0;

	if (!sym)
		return;
	if (e->kind == E_VAR) {
		if (sym->is_array || sym->type == TY_STATS)
			gen_line(g, "stp_map_clear(%s);", gen_map_ref(g, sym));
		else if (sym->type == TY_STRING)
			gen_line(g, "%s[0] = '\\0';", gen_var_lvalue(g, sym));
		else
			gen_line(g, "%s = 0;", gen_var_lvalue(g, sym));
		return;
	}
	for (i = 0; i < e->args.n; i++) {
		const struct expr *k = e->args.v[i];

		if (k->kind == E_VAR && !strcmp(k->name, "*"))
			wild = 1;
	}
	if (!wild) {
		const char *keys = gen_keys(g, &e->args);

		gen_line(g, "stp_map_delete(%s, %s);", gen_map_ref(g, sym), keys);
		return;
	}
	/* wildcards: walk the map and drop the nodes whose fixed keys match */
	{
		const char *map = gen_map_ref(g, sym);
		const char *node = gen_temp_typed(g, "struct stp_map_node *", 8, 0);
		const char *next = gen_temp_typed(g, "struct stp_map_node *", 8, 0);
		const char **vals = arena_alloc(g->a, sizeof(char *) * (size_t)e->args.n);

		for (i = 0; i < e->args.n; i++) {
			const struct expr *k = e->args.v[i];

			if (k->kind == E_VAR && !strcmp(k->name, "*"))
				continue;
			vals[i] = gen_expr_stable(g, k);
		}
		gen_line(g, "for (%s = stp_map_first(%s); %s; %s = %s) {", node, map, node,
			 node, next);
		g->indent++;
		gen_line(g, "%s = stp_map_next(%s, %s);", next, map, node);
		for (i = 0; i < e->args.n; i++) {
			if (!vals[i])
				continue;
			if (sym->key_types && sym->key_types[i] == TY_STRING)
				gen_line(g, "if (strcmp(stp_node_key_str(%s, %s, %d), %s))", map,
					 node, i, vals[i]);
			else
				gen_line(g, "if (stp_node_key_long(%s, %s, %d) != %s)", map, node,
					 i, vals[i]);
			gen_line(g, "\tcontinue;");
		}
		gen_line(g, "stp_map_delete_node(%s, %s);", map, node);
		g->indent--;
		gen_line(g, "}");
	}
}

/* try { } catch [(msg)] { } */
static void gen_try(struct gen *g, const struct stmt *s)
{
	const char *catch_label = new_label(g, "catch");
	const char *end = new_label(g, "try_end");
	const char *saved_frame = gen_temp_long(g), *saved_nest = gen_temp_long(g);
	const char *outer = g->err_label;

	gen_line(g, "%s = c->frame_used;", saved_frame);
	gen_line(g, "%s = c->nesting;", saved_nest);
	g->err_label = catch_label;
	gen_nested(g, s->then);
	g->err_label = outer;
	gen_line(g, "goto %s;", end);
	gen_line(g, "%s: __attribute__((unused));", catch_label);
	gen_line(g, "if (c->last_error == stp_next_mark)");
	gen_line(g, "\tgoto %s;", outer);
	gen_line(g, "c->frame_used = %s;", saved_frame);
	gen_line(g, "c->nesting = %s;", saved_nest);
	if (s->catch_sym && s->catch_sym->c_name)
		gen_line(g, "stp_str_copy(%s, c->last_error);", gen_var_lvalue(g, s->catch_sym));
	gen_line(g, "stp_error_clear(c);");
	gen_line(g, "c->last_stmt = NULL;");
	gen_nested(g, s->else_);
	gen_line(g, "%s: __attribute__((unused));", end);
}

static void gen_return(struct gen *g, const struct stmt *s)
{
	if (s->expr && g->func) {
		const char *v = gen_expr(g, s->expr);

		if (g->func->ret_type == TY_STRING)
			gen_line(g, "stp_str_copy(l->__retvalue, %s);", v);
		else if (g->func->ret_type == TY_LONG)
			gen_line(g, "l->__retvalue = %s;", v);
	}
	gen_line(g, "goto out;");
}

static void gen_stmt_inner(struct gen *g, const struct stmt *s)
{
	switch (s->kind) {
	case S_BLOCK:
		gen_block_body(g, s);
		return;
	case S_NULL:
		return;
	case S_EXPR:
		charge_action(g, s->loc);
		gen_expr(g, s->expr);
		return;
	case S_IF: {
		const char *v;

		charge_action(g, s->loc);
		v = gen_expr(g, s->cond);
		gen_line(g, "if (%s) {", v);
		g->indent++;
		gen_stmt(g, s->then);
		g->indent--;
		if (s->else_) {
			gen_line(g, "} else {");
			g->indent++;
			gen_stmt(g, s->else_);
			g->indent--;
		}
		gen_line(g, "}");
		return;
	}
	case S_WHILE:
		gen_while(g, s);
		return;
	case S_FOR:
		gen_for(g, s);
		return;
	case S_FOREACH:
		gen_foreach(g, s);
		return;
	case S_BREAK:
		if (g->loop)
			gen_line(g, "goto %s;", g->loop->brk);
		return;
	case S_CONTINUE:
		if (g->loop)
			gen_line(g, "goto %s;", g->loop->cont);
		return;
	case S_NEXT:
		if (g->func) {
			/* unwinds through the callers to the probe handler */
			gen_line(g, "c->last_error = stp_next_mark;");
			gen_line(g, "goto out;");
		} else {
			gen_line(g, "goto out;");
		}
		return;
	case S_RETURN:
		charge_action(g, s->loc);
		gen_return(g, s);
		return;
	case S_DELETE:
		charge_action(g, s->loc);
		gen_delete(g, s);
		return;
	case S_TRY:
		gen_try(g, s);
		return;
	case S_EMBEDDED:
		gen_line(g, "{");
		fputs(s->code, g->body);
		fputc('\n', g->body);
		gen_line(g, "}");
		return;
	}
}

void gen_stmt(struct gen *g, const struct stmt *s)
{
	int mark = g->fr->str_temps_cur;

	if (!s)
		return;
	if (s->kind != S_BLOCK && s->kind != S_NULL && s->loc.file)
		gen_line(g, "/* %s:%d:%d */", s->loc.file->name, s->loc.line, s->loc.col);
	gen_stmt_inner(g, s);
	g->fr->str_temps_cur = mark;
}
