/* test_parse.c - the parser and preprocessor: tree shapes, conditionals
 * evaluated for a target, macros, script arguments, error recovery. */
#include "parse.h"
#include "compiler_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *fake_config(void *ctx, const char *name)
{
	(void)ctx;
	if (!strcmp(name, "CONFIG_KPROBES"))
		return "y";
	if (!strcmp(name, "CONFIG_NR_CPUS"))
		return "64";
	if (!strcmp(name, "CONFIG_LOCALVERSION"))
		return "\"-test\"";
	return NULL;
}

static void setup(void)
{
	fixture_setup("6.1.0-56-amd64", fake_config);
}

static void teardown(void)
{
	fixture_teardown();
}

static const char *errors(void)
{
	return fixture_errors();
}

static struct file_ast *parse_named(const char *name, const char *text, int lib)
{
	return parse_file(&prog, src_file_from_string(name, text), lib);
}

static struct file_ast *parse(const char *text)
{
	struct file_ast *f = parse_named("t.stp", text, 0);

	ck_assert_msg(f != NULL, "parse failed: %s", errors());
	return f;
}

/* The first statement of the first probe's body. */
static struct stmt *first_stmt(struct file_ast *f)
{
	struct probe *p = f->probes.v[0];

	ck_assert_int_ge(p->body->body.n, 1);
	return p->body->body.v[0];
}

/* The expression of "probe begin { EXPR }". */
static struct expr *expr_of(const char *text)
{
	char buf[512];
	struct stmt *s;

	snprintf(buf, sizeof(buf), "probe begin { %s }", text);
	s = first_stmt(parse(buf));
	ck_assert_int_eq(s->kind, S_EXPR);
	return s->expr;
}

START_TEST(hello_world)
{
	struct file_ast *f = parse("probe begin { log(\"hello world\") exit() }");
	struct probe *p = f->probes.v[0];
	struct probe_point *pp = p->points.v[0];
	struct stmt *s;

	ck_assert_int_eq(f->probes.n, 1);
	ck_assert_int_eq(pp->comps.n, 1);
	ck_assert_str_eq(((struct pp_component *)pp->comps.v[0])->name, "begin");
	ck_assert_int_eq(p->body->body.n, 2);
	s = p->body->body.v[0];
	ck_assert_int_eq(s->expr->kind, E_CALL);
	ck_assert_str_eq(s->expr->name, "log");
	ck_assert_str_eq(((struct expr *)s->expr->args.v[0])->str, "hello world");
	s = p->body->body.v[1];
	ck_assert_str_eq(s->expr->name, "exit");
	ck_assert_int_eq(s->expr->args.n, 0);
}
END_TEST

/* stap's levels (its -p1 trees): C's, except that the six comparisons share
 * one level and '.' sits between the shifts and '+'. */
START_TEST(precedence_follows_stap)
{
	struct expr *e = expr_of("x = a + b * c");

	ck_assert_int_eq(e->kind, E_ASSIGN);
	e = e->right;
	ck_assert_int_eq(e->op, OP_ADD);
	ck_assert_int_eq(e->right->op, OP_MUL);
	e = expr_of("x = a || b && c | d ^ e & f == g < h << i . j + k * -l");
	e = e->right;
	ck_assert_int_eq(e->op, OP_LOR);
	e = e->right;
	ck_assert_int_eq(e->op, OP_LAND);
	e = e->right;
	ck_assert_int_eq(e->op, OP_BOR);
	e = e->right;
	ck_assert_int_eq(e->op, OP_BXOR);
	e = e->right;
	ck_assert_int_eq(e->op, OP_BAND);
	e = e->right;
	ck_assert_int_eq(e->op, OP_LT);		/* (f == g) < (h << ...) */
	ck_assert_int_eq(e->left->op, OP_EQ);
	e = e->right;
	ck_assert_int_eq(e->op, OP_SHL);
	e = e->right;
	ck_assert_int_eq(e->op, OP_CONCAT);
	e = e->right;
	ck_assert_int_eq(e->op, OP_ADD);
	e = e->right;
	ck_assert_int_eq(e->op, OP_MUL);
	ck_assert_int_eq(e->right->kind, E_UNARY);
	ck_assert_int_eq(e->right->op, OP_NEG);
}
END_TEST

/* =~ takes a string literal and ends the comparison level; a ternary's last
 * operand is a ternary, so an assignment after it targets the whole. */
START_TEST(regex_and_ternary_operands)
{
	struct expr *e = expr_of("x = a . b =~ \"c\" \"d\" & e");

	e = e->right;
	ck_assert_int_eq(e->op, OP_BAND);
	ck_assert_int_eq(e->left->op, OP_REGEX_MATCH);
	ck_assert_int_eq(e->left->left->op, OP_CONCAT);
	ck_assert_int_eq(e->left->right->kind, E_STR);
	ck_assert_str_eq(e->left->right->str, "cd");
	e = expr_of("x = a ? b = 1 : c ? d : e");
	e = e->right;
	ck_assert_int_eq(e->kind, E_TERNARY);
	ck_assert_int_eq(e->left->kind, E_ASSIGN);
	ck_assert_int_eq(e->right->kind, E_TERNARY);
}
END_TEST

START_TEST(left_and_right_associativity)
{
	struct expr *e = expr_of("x = a - b - c");

	ck_assert_int_eq(e->right->op, OP_SUB);
	ck_assert_int_eq(e->right->left->op, OP_SUB);	/* (a - b) - c */
	e = expr_of("x = y = z");
	ck_assert_int_eq(e->right->kind, E_ASSIGN);
	e = expr_of("x = a ? b : c ? d : e");
	ck_assert_int_eq(e->right->kind, E_TERNARY);
	ck_assert_int_eq(e->right->right->kind, E_TERNARY);
}
END_TEST

START_TEST(compound_assignments)
{
	static const struct {
		const char *text;
		enum op op;
	} cases[] = {
		{ "x += 1", OP_ADD }, { "x -= 1", OP_SUB }, { "x *= 1", OP_MUL },
		{ "x /= 1", OP_DIV }, { "x %= 1", OP_MOD }, { "x <<= 1", OP_SHL },
		{ "x >>= 1", OP_SHR }, { "x &= 1", OP_BAND }, { "x |= 1", OP_BOR },
		{ "x ^= 1", OP_BXOR }, { "x .= \"s\"", OP_CONCAT }, { "x = 1", OP_ASSIGN },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct expr *e = expr_of(cases[i].text);

		ck_assert_int_eq(e->kind, E_ASSIGN);
		ck_assert_int_eq(e->op, cases[i].op);
	}
}
END_TEST

START_TEST(in_and_indexing)
{
	struct expr *e = expr_of("x = [a, \"b\"] in arr");

	e = e->right;
	ck_assert_int_eq(e->kind, E_IN);
	ck_assert_int_eq(e->args.n, 2);
	ck_assert_str_eq(e->base->name, "arr");
	e = expr_of("x = k + 1 in arr && y");
	ck_assert_int_eq(e->right->op, OP_LAND);
	ck_assert_int_eq(e->right->left->kind, E_IN);
	ck_assert_int_eq(((struct expr *)e->right->left->args.v[0])->op, OP_ADD);
	e = expr_of("arr[1, \"x\", y] = 2");
	ck_assert_int_eq(e->left->kind, E_INDEX);
	ck_assert_int_eq(e->left->args.n, 3);
	ck_assert_str_eq(e->left->base->name, "arr");
}
END_TEST

START_TEST(statistics)
{
	struct expr *e = expr_of("s <<< 1 + 2");

	ck_assert_int_eq(e->kind, E_STAT_ADD);
	ck_assert_int_eq(e->right->op, OP_ADD);
	e = expr_of("x = @hist_linear(s[k], 0, 100, 10)[3]");
	e = e->right;
	ck_assert_int_eq(e->kind, E_HIST_INDEX);
	ck_assert_int_eq(e->left->kind, E_STAT);
	ck_assert_int_eq(e->left->statop, STAT_HIST_LINEAR);
	ck_assert_int_eq(e->left->args.n, 3);
	ck_assert_int_eq(e->left->left->kind, E_INDEX);
	e = expr_of("x = @variance(s)");
	ck_assert_int_eq(e->right->statop, STAT_VARIANCE);
}
END_TEST

START_TEST(target_variables)
{
	struct expr *e = expr_of("x = $file->f_path.dentry[2]$");
	struct component *c;

	e = e->right;
	ck_assert_int_eq(e->kind, E_TARGET);
	ck_assert_str_eq(e->name, "$file");
	ck_assert_int_eq(e->comps.n, 3);
	c = e->comps.v[0];
	ck_assert_int_eq(c->kind, COMP_FIELD);
	ck_assert_str_eq(c->field, "f_path");
	c = e->comps.v[1];
	ck_assert_str_eq(c->field, "dentry");
	c = e->comps.v[2];
	ck_assert_int_eq(c->kind, COMP_INDEX);
	ck_assert_int_eq(c->index->num, 2);
	ck_assert_int_eq(e->pretty, 1);
	e = expr_of("x = $$parms$$");
	ck_assert_str_eq(e->right->name, "$$parms");
	ck_assert_int_eq(e->right->pretty, 2);
	e = expr_of("x = $a . b");	/* spaced '.' is concatenation */
	ck_assert_int_eq(e->right->op, OP_CONCAT);
	e = expr_of("x = @cast(p, \"task_struct\", \"kernel\")->pid");
	ck_assert_int_eq(e->right->kind, E_CAST);
	ck_assert_str_eq(e->right->str, "task_struct");
	ck_assert_str_eq(e->right->str2, "kernel");
	ck_assert_int_eq(e->right->comps.n, 1);
	e = expr_of("x = @var(\"jiffies@kernel/time.c\")");
	ck_assert_int_eq(e->right->kind, E_ATVAR);
	ck_assert_ptr_null(e->right->str2);
	e = expr_of("x = @defined($a) + @entry($b) + @probewrite($c)");
	ck_assert_int_eq(e->right->right->kind, E_PROBEWRITE);
	ck_assert_int_eq(e->right->left->left->kind, E_DEFINED);
	e = expr_of("x = p->next->prev");	/* autocast on a variable */
	ck_assert_int_eq(e->right->kind, E_VAR);
	ck_assert_int_eq(e->right->comps.n, 2);
}
END_TEST

START_TEST(statements)
{
	struct file_ast *f = parse(
		"global a\n"
		"probe begin {\n"
		"  foreach (v = [x, y-] in a[*, 1] limit 5) next\n"
		"  for (i = 0; ; i++) break\n"
		"  try { x = 1 } catch (msg) { y = 2 }\n"
		"  delete a[1, *]\n"
		"  while (1) continue\n"
		"  if (x) ; else { }\n"
		"  return\n"
		"}");
	struct probe *p = f->probes.v[0];
	struct stmt *s = p->body->body.v[0];
	struct foreach *fe = s->fe;

	ck_assert_int_eq(s->kind, S_FOREACH);
	ck_assert_str_eq(fe->value, "v");
	ck_assert_int_eq(fe->keys.n, 2);
	ck_assert_int_eq(fe->sort_column, 2);
	ck_assert_int_eq(fe->sort_dir, -1);
	ck_assert_int_eq(fe->slice.n, 2);
	ck_assert_str_eq(((struct expr *)fe->slice.v[0])->name, "*");
	ck_assert_int_eq(fe->limit->num, 5);
	ck_assert_int_eq(s->then->kind, S_NEXT);
	s = p->body->body.v[1];
	ck_assert_int_eq(s->kind, S_FOR);
	ck_assert_ptr_nonnull(s->init);
	ck_assert_ptr_null(s->cond);
	ck_assert_int_eq(s->incr->expr->kind, E_POSTINC);
	s = p->body->body.v[2];
	ck_assert_int_eq(s->kind, S_TRY);
	ck_assert_str_eq(s->catch_var, "msg");
	s = p->body->body.v[3];
	ck_assert_int_eq(s->kind, S_DELETE);
	ck_assert_int_eq(s->expr->kind, E_INDEX);
	s = p->body->body.v[5];
	ck_assert_int_eq(s->kind, S_IF);
	ck_assert_int_eq(s->then->kind, S_NULL);
	ck_assert_int_eq(s->else_->kind, S_BLOCK);
	s = p->body->body.v[6];
	ck_assert_int_eq(s->kind, S_RETURN);
	ck_assert_ptr_null(s->expr);
}
END_TEST

START_TEST(foreach_value_sort)
{
	struct file_ast *f = parse("global a\nprobe begin { foreach (k in a+) { } }");
	struct stmt *s = first_stmt(f);

	ck_assert_int_eq(s->fe->sort_column, -1);
	ck_assert_int_eq(s->fe->sort_dir, 1);
	ck_assert_ptr_null(s->fe->value);
}
END_TEST

START_TEST(globals_and_functions)
{
	struct file_ast *f = parse("global a, b[100], c%[10] = 5, d% = -3\n"
				   "private global e = \"s\"\n"
				   "function f:string(x:long, y) { return \"\" }\n"
				   "private function g() %{ /* pure */ /* unprivileged */ %}\n");
	struct sym *s;
	struct func *fn;

	ck_assert_int_eq(f->globals.n, 5);
	s = ((struct global_decl *)f->globals.v[1])->sym;
	ck_assert_str_eq(s->name, "b");
	ck_assert_int_eq(s->max_entries, 100);
	ck_assert(s->is_array);
	s = ((struct global_decl *)f->globals.v[2])->sym;
	ck_assert(s->wrap);
	ck_assert_int_eq(s->max_entries, 10);
	ck_assert_int_eq(s->init->num, 5);
	s = ((struct global_decl *)f->globals.v[3])->sym;
	ck_assert_int_eq(s->init->num, -3);
	s = ((struct global_decl *)f->globals.v[4])->sym;
	ck_assert(s->is_private);
	ck_assert_str_eq(s->init->str, "s");
	fn = f->funcs.v[0];
	ck_assert_int_eq(fn->ret_type, TY_STRING);
	ck_assert_int_eq(fn->params.n, 2);
	ck_assert_int_eq(((struct sym *)fn->params.v[0])->type, TY_LONG);
	ck_assert_int_eq(((struct sym *)fn->params.v[1])->type, TY_UNKNOWN);
	fn = f->funcs.v[1];
	ck_assert(fn->is_private);
	ck_assert_ptr_null(fn->body);
	ck_assert(fn->pragma_pure && fn->pragma_unprivileged);
	ck_assert(!fn->pragma_guru);
}
END_TEST

START_TEST(probe_points)
{
	struct file_ast *f = parse(
		"probe kernel.function(\"vfs_*\").return.maxactive(20) !,\n"
		"      syscall.{open,close}.* ?, timer.ms(-5) if (x > 1) { }\n"
		"probe my.alias = kernel.function(\"f\") { a = 1 }, { b = 2 }\n"
		"probe other += begin { }\n");
	struct probe *p = f->probes.v[0];
	struct probe_point *pp = p->points.v[0];
	struct pp_component *c;

	ck_assert_int_eq(p->points.n, 3);
	ck_assert_int_eq(pp->comps.n, 4);
	c = pp->comps.v[1];
	ck_assert_str_eq(c->name, "function");
	ck_assert_int_eq(c->arg_kind, PPARG_STR);
	ck_assert_str_eq(c->str, "vfs_*");
	c = pp->comps.v[3];
	ck_assert_int_eq(c->num, 20);
	ck_assert(pp->sufficient);
	pp = p->points.v[1];
	ck_assert_str_eq(((struct pp_component *)pp->comps.v[1])->name, "{open,close}");
	ck_assert_str_eq(((struct pp_component *)pp->comps.v[2])->name, "*");
	ck_assert(pp->optional && !pp->sufficient);
	pp = p->points.v[2];
	ck_assert_int_eq(((struct pp_component *)pp->comps.v[1])->num, -5);
	ck_assert_int_eq(pp->condition->op, OP_GT);
	p = f->probes.v[1];
	ck_assert(p->is_alias && !p->alias_epilogue);
	ck_assert_int_eq(p->alias_names.n, 1);
	ck_assert_ptr_nonnull(p->epilogue_body);
	p = f->probes.v[2];
	ck_assert(p->is_alias && p->alias_epilogue);
}
END_TEST

START_TEST(complex_alternatives_expand)
{
	struct file_ast *f = parse("probe k.{trace(\"a\")!, f(\"b\").call}.x?, y { }\n"
				   "global a\nprobe end { foreach (k in a @max- limit 1) { } }");
	struct probe *p = f->probes.v[0];
	struct probe_point *pp;
	struct stmt *s;

	ck_assert_int_eq(p->points.n, 3);
	pp = p->points.v[0];
	ck_assert_int_eq(pp->comps.n, 3);
	ck_assert_str_eq(((struct pp_component *)pp->comps.v[1])->str, "a");
	ck_assert_str_eq(((struct pp_component *)pp->comps.v[2])->name, "x");
	ck_assert(pp->sufficient && pp->optional);
	pp = p->points.v[1];
	ck_assert_int_eq(pp->comps.n, 4);
	ck_assert_str_eq(((struct pp_component *)pp->comps.v[2])->name, "call");
	ck_assert(pp->optional && !pp->sufficient);
	pp = p->points.v[2];
	ck_assert(!pp->optional);
	p = f->probes.v[1];
	s = p->body->body.v[0];
	ck_assert_int_eq(s->fe->sort_stat, STAT_MAX);
	ck_assert_int_eq(s->fe->sort_column, -1);
	ck_assert_int_eq(s->fe->sort_dir, -1);
}
END_TEST

START_TEST(brace_after_name_is_a_body)
{
	struct file_ast *f = parse("probe begin{a = 1} probe end{exit()}");

	ck_assert_int_eq(f->probes.n, 2);
	ck_assert_int_eq(((struct probe *)f->probes.v[1])->body->body.n, 1);
}
END_TEST

START_TEST(conditionals_follow_the_target)
{
	struct file_ast *f = parse(
		"%( kernel_v >= \"6.1\" && kernel_v < \"6.10\" %? global a1 %: global b1 %)\n"
		"%( kernel_vr == \"6.1.0-*\" %? global a2 %: global b2 %)\n"
		"%( arch == \"i?86\" || arch == \"arm*\" %? global b3 %: global a3 %)\n"
		"%( CONFIG_KPROBES == \"y\" && CONFIG_NR_CPUS >= 32 %? global a4 %)\n"
		"%( CONFIG_MISSING == \"y\" %? global b5 %: global a5 %)\n"
		"%( CONFIG_LOCALVERSION == \"-test\" %? global a6 %)\n"
		"%( systemtap_v >= \"4.0\" %? %( runtime == \"bpf\" %? global b7 %: global a7 %) %)\n"
		"%( guru_mode == 0 && systemtap_privilege == \"stapdev\" %? global a8 %)\n");
	int i;

	ck_assert_int_eq(f->globals.n, 8);
	for (i = 0; i < f->globals.n; i++)
		ck_assert_msg(((struct global_decl *)f->globals.v[i])->sym->name[0] == 'a',
			      "took the wrong branch for %s",
			      ((struct global_decl *)f->globals.v[i])->sym->name);
}
END_TEST

START_TEST(conditional_errors)
{
	ck_assert_ptr_null(parse_named("t.stp", "%( nosuch == 1 %? global a %)", 0));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:4: error: unknown preprocessor variable 'nosuch'"));
	ck_assert_ptr_null(parse_named("u.stp", "%( arch == \"x\" %? global a", 0));
	ck_assert_ptr_nonnull(strstr(errors(), "u.stp:1:1: error: unterminated '%(' conditional"));
}
END_TEST

START_TEST(macros_expand_with_arguments)
{
	struct expr *e = expr_of("@define add(a, b) %( (@a + @b) %) x = @add(1, @add(2, 3)) * 2");

	ck_assert_int_eq(e->right->op, OP_MUL);
	ck_assert_int_eq(e->right->left->op, OP_ADD);
	ck_assert_int_eq(e->right->left->right->op, OP_ADD);
	ck_assert_int_eq(e->right->left->right->right->num, 3);
}
END_TEST

START_TEST(library_macros_are_global_script_macros_local)
{
	struct file_ast *f;

	ck_assert_ptr_nonnull(parse_named("lib/m.stpm", "@define LIBM %( 7 %)", 1));
	ck_assert_ptr_nonnull(parse_named("a.stp", "@define LOCAL %( 8 %) global g = @LIBM", 0));
	f = parse_named("b.stp", "global h = @LIBM", 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(((struct global_decl *)f->globals.v[0])->sym->init->num, 7);
	ck_assert_ptr_null(parse_named("c.stp", "probe begin { i = @LOCAL }", 0));
	ck_assert_ptr_nonnull(strstr(errors(), "c.stp:1:19: error: unknown macro or operator '@LOCAL'"));
}
END_TEST

START_TEST(script_arguments)
{
	struct expr *e;

	ptrvec_push(&arena, &prog.script_args, "10 + 2");
	ptrvec_push(&arena, &prog.script_args, "word");
	e = expr_of("x = $1 * @2 . @# + $#");
	/* $1 is code: (10 + (2 * "word")) . ("2" + 2) */
	ck_assert_int_eq(e->right->op, OP_CONCAT);
	ck_assert_int_eq(e->right->left->op, OP_ADD);
	ck_assert_int_eq(e->right->left->right->op, OP_MUL);
	ck_assert_str_eq(e->right->left->right->right->str, "word");
	ck_assert_str_eq(e->right->right->left->str, "2");
	ck_assert_int_eq(e->right->right->right->num, 2);
	ck_assert_ptr_null(parse_named("t.stp", "probe begin { x = $3 }", 0));
	ck_assert_ptr_nonnull(strstr(errors(), "error: command line argument index 3 out of range [1-2]"));
}
END_TEST

START_TEST(errors_recover_at_declarations)
{
	ck_assert_ptr_null(parse_named("t.stp",
				       "probe begin { x = }\n"
				       "probe end { log(\"x\" }\n"
				       "function f( { }\n"
				       "probe timer.ms(1) { ok = 1 }\n", 0));
	ck_assert_int_eq(diag.errors, 3);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:19: error: expected an expression but found '}'"));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:2:21: error: expected ')' but found '}'"));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:2:16: note: to match this '('"));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:3:13: error: expected a parameter name but found '{'"));
}
END_TEST

START_TEST(unclosed_block_points_at_its_brace)
{
	ck_assert_ptr_null(parse_named("t.stp", "probe begin {\n  if (x) {\n}\nglobal g\n", 0));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:4:1: error: expected '}' but found 'global'"));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:13: note: to match this '{'"));
}
END_TEST

START_TEST(lvalues_are_checked)
{
	ck_assert_ptr_null(parse_named("t.stp", "probe begin { f() = 1 }", 0));
	ck_assert_ptr_nonnull(strstr(errors(), "operand of '=' must be a variable"));
}
END_TEST

/* The text print_stmt gives s. */
static char *stmt_text(const struct stmt *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_stmt(f, s, 0);
	fclose(f);
	return buf;
}

/* Library bodies are checked in pass 1, kept as spans and parsed again on
 * demand into the same tree, with macros and conditionals as they were. */
START_TEST(library_bodies_are_deferred)
{
	static const char text[] =
		"@define twice(x) %( @x + @x %)\n"
		"function f(a) {\n"
		"  %( kernel_v >= \"2.6\" %? return @twice(a) %: return 0 %)\n"
		"}\n"
		"probe my.alias = begin { x = 1 }, { y = @twice(2) }\n"
		"%( arch == \"x86_64\" %? function g() { return 1 } %)\n"
		"function h() { @define greet %( \"hi\" %) return @greet }\n"
		"function k() { return @greet . \"!\" }\n";
	struct src_file *lib = src_file_from_string("lib.stp", text);
	struct src_file *user = src_file_from_string("user.stp", text);
	struct file_ast *l, *u;
	struct func *lf, *uf;
	struct probe *lp, *up;
	char *a, *b;
	int i;

	lib->is_library = 1;
	l = parse_file(&prog, lib, 1);
	u = parse_file(&prog, user, 0);
	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(l->funcs.n, 4);
	/* k first: the macro h defines must be there without h's body */
	for (i = 3; i >= 0; i--) {
		lf = l->funcs.v[i];
		uf = u->funcs.v[i];
		ck_assert_ptr_null(lf->body);
		ck_assert_ptr_nonnull(lf->deferred);
		ck_assert_ptr_null(uf->deferred);
		ck_assert_int_eq(parse_materialize_func(&prog, lf), 0);
		ck_assert_ptr_null(lf->deferred);
		a = stmt_text(lf->body);
		b = stmt_text(uf->body);
		ck_assert_str_eq(a, b);
		ck_assert_int_eq(lf->body->loc.line, uf->body->loc.line);
		ck_assert_int_eq(lf->body->loc.col, uf->body->loc.col);
		free(a);
		free(b);
	}
	lp = l->probes.v[0];
	up = u->probes.v[0];
	ck_assert_ptr_null(lp->body);
	ck_assert_int_eq(parse_materialize_probe(&prog, lp), 0);
	a = stmt_text(lp->epilogue_body);
	b = stmt_text(up->epilogue_body);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(lp->epilogue_body->loc.col, up->epilogue_body->loc.col);
	free(a);
	free(b);
	ck_assert_int_eq(parse_materialize_probe(&prog, lp), 0);	/* once only */
}
END_TEST

/* A body a conditional straddles cannot be parsed again on its own: it is
 * kept, and survives the scratch arena's reuse by the next file. */
START_TEST(library_body_across_a_conditional_is_kept)
{
	struct src_file *a = src_file_from_string("a.stp",
		"function f() { %( arch == \"x86_64\" %? return 1 } %: return 2 } %)\n");
	struct src_file *b = src_file_from_string("b.stp",
		"function g() { x = \"overwrite the scratch arena\"; return x . x }\n");
	struct file_ast *fa;
	struct func *f;
	char *text;

	a->is_library = b->is_library = 1;
	fa = parse_file(&prog, a, 1);
	ck_assert_ptr_nonnull(fa);
	f = fa->funcs.v[0];
	ck_assert_ptr_null(f->deferred);
	ck_assert_ptr_nonnull(f->body);
	ck_assert_ptr_nonnull(parse_file(&prog, b, 1));
	text = stmt_text(f->body);
	ck_assert_str_eq(text, "{\n\treturn 1;\n}\n");
	free(text);
}
END_TEST

/* Deferring a body does not defer its errors. */
START_TEST(library_body_errors_are_reported_in_pass_1)
{
	struct src_file *lib = src_file_from_string("lib.stp",
		"function f() { return 1 + }\nfunction g() { }\n");

	lib->is_library = 1;
	ck_assert_ptr_null(parse_file(&prog, lib, 1));
	ck_assert_ptr_nonnull(strstr(errors(), "lib.stp:1:27: error:"));
}
END_TEST

Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, hello_world);
	tcase_add_test(tc, precedence_follows_stap);
	tcase_add_test(tc, regex_and_ternary_operands);
	tcase_add_test(tc, library_bodies_are_deferred);
	tcase_add_test(tc, library_body_errors_are_reported_in_pass_1);
	tcase_add_test(tc, library_body_across_a_conditional_is_kept);
	tcase_add_test(tc, left_and_right_associativity);
	tcase_add_test(tc, compound_assignments);
	tcase_add_test(tc, in_and_indexing);
	tcase_add_test(tc, statistics);
	tcase_add_test(tc, target_variables);
	tcase_add_test(tc, statements);
	tcase_add_test(tc, foreach_value_sort);
	tcase_add_test(tc, globals_and_functions);
	tcase_add_test(tc, probe_points);
	tcase_add_test(tc, complex_alternatives_expand);
	tcase_add_test(tc, brace_after_name_is_a_body);
	tcase_add_test(tc, conditionals_follow_the_target);
	tcase_add_test(tc, conditional_errors);
	tcase_add_test(tc, macros_expand_with_arguments);
	tcase_add_test(tc, library_macros_are_global_script_macros_local);
	tcase_add_test(tc, script_arguments);
	tcase_add_test(tc, errors_recover_at_declarations);
	tcase_add_test(tc, unclosed_block_points_at_its_brace);
	tcase_add_test(tc, lvalues_are_checked);
	suite_add_tcase(s, tc);
	return s;
}
