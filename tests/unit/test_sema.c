/* test_sema.c - pass 2: derived probes, symbol links, types, aliases,
 * library pulling, elision, and the diagnostics of each failure. */
#include "parse.h"
#include "sema.h"
#include "sema_builtins.h"
#include "sema_internal.h"
#include "compiler_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
	/* no kernel of this name: literal function names are taken on the
	 * user's word, so no test depends on the installed kernel */
	fixture_setup("sematest-1", NULL);
}

static void teardown(void)
{
	fixture_teardown();
}

static const char *errors(void)
{
	return fixture_errors();
}

/* Parse a library file (optional) and the script, then elaborate. */
static int elaborate_with(const char *library, const char *script, int guru, int unopt)
{
	struct sema_options o = { .guru = guru, .unoptimized = unopt };

	return fixture_elaborate(library, script, &o);
}

static int elaborate(const char *script)
{
	return elaborate_with(NULL, script, 0, 0);
}

static struct derived_probe *probe_at(int i)
{
	ck_assert_int_gt(prog.probes.n, i);
	return prog.probes.v[i];
}

/* The i-th statement of the user's body inside the derived probe's block. */
static struct stmt *user_stmt(struct derived_probe *dp, int block, int i)
{
	struct stmt *b = dp->body->body.v[block];

	ck_assert_int_eq(b->kind, S_BLOCK);
	ck_assert_int_gt(b->body.n, i);
	return b->body.v[i];
}

START_TEST(hello_world_is_one_begin_probe_with_builtin_calls)
{
	struct derived_probe *dp;
	struct stmt *s;

	ck_assert_int_eq(elaborate("probe begin { log(\"hello world\") exit() }"), 0);
	ck_assert_int_eq(prog.probes.n, 1);
	dp = probe_at(0);
	ck_assert_int_eq(dp->kind, PK_BEGIN);
	ck_assert_str_eq(dp->pp, "begin");
	s = user_stmt(dp, 0, 0);
	ck_assert_int_eq(s->expr->kind, E_CALL);
	ck_assert_ptr_null(s->expr->func);
	ck_assert_int_eq(sema_builtin_lookup(s->expr->name)->id, BI_LOG);
	ck_assert_int_eq(s->expr->type, TY_VOID);
	ck_assert_int_eq(prog.funcs.n, 0);
	ck_assert_int_eq(prog.globals.n, 0);
}
END_TEST

START_TEST(probe_families_fill_their_fields)
{
	ck_assert_int_eq(elaborate("probe begin(-5), end(3), error, never, timer.ms(100).randomize("
				   "10), timer.hz(250), timer.jiffies(4), timer.profile { }"), 0);
	ck_assert_int_eq(prog.probes.n, 8);
	ck_assert_int_eq(probe_at(0)->seq, -5);
	ck_assert_int_eq(probe_at(1)->kind, PK_END);
	ck_assert_int_eq(probe_at(1)->seq, 3);
	ck_assert_int_eq(probe_at(2)->kind, PK_ERROR);
	ck_assert_int_eq(probe_at(3)->kind, PK_NEVER);
	ck_assert_int_eq(probe_at(4)->kind, PK_TIMER);
	ck_assert_int_eq(probe_at(4)->period_ns, 100000000);
	ck_assert_int_eq(probe_at(4)->randomize_ns, 10000000);
	ck_assert_str_eq(probe_at(4)->pp, "timer.ms(100).randomize(10)");
	ck_assert_int_eq(probe_at(5)->period_ns, 4000000);
	ck_assert_int_eq(probe_at(6)->timer_jiffies, 4);
	ck_assert_int_eq(probe_at(7)->kind, PK_TIMER_PROFILE);
}
END_TEST

START_TEST(kernel_function_literal_and_return)
{
	ck_assert_int_eq(elaborate("probe kernel.function(\"vfs_read\").return.maxactive(7), "
				   "kprobe.function(\"vfs_write\") { }"), 0);
	ck_assert_int_eq(probe_at(0)->kind, PK_KRETPROBE);
	ck_assert_str_eq(probe_at(0)->symbol, "vfs_read");
	ck_assert_int_eq(probe_at(0)->maxactive, 7);
	ck_assert_str_eq(probe_at(0)->pp, "kernel.function(\"vfs_read\").return.maxactive(7)");
	ck_assert_int_eq(probe_at(1)->kind, PK_KPROBE);
	ck_assert_str_eq(probe_at(1)->symbol, "vfs_write");
}
END_TEST

START_TEST(types_are_inferred_for_globals_arrays_and_functions)
{
	struct sym *a, *s;
	struct func *f;

	ck_assert_int_eq(elaborate("global a, s\n"
				   "function f(x) { return x . \"!\" }\n"
				   "probe begin { a[1, f(\"k\")] = 3; s <<< a[1, \"k!\"] }"), 0);
	ck_assert_int_eq(prog.globals.n, 2);
	a = prog.globals.v[0];
	s = prog.globals.v[1];
	ck_assert_str_eq(a->name, "a");
	ck_assert_int_eq(a->is_array, 1);
	ck_assert_int_eq(a->nkeys, 2);
	ck_assert_int_eq(a->key_types[0], TY_LONG);
	ck_assert_int_eq(a->key_types[1], TY_STRING);
	ck_assert_int_eq(a->type, TY_LONG);
	ck_assert_int_eq(a->index, 0);
	ck_assert_int_eq(s->type, TY_STATS);
	ck_assert_int_eq(s->index, 1);
	ck_assert_int_eq(prog.funcs.n, 1);
	f = prog.funcs.v[0];
	ck_assert_int_eq(f->ret_type, TY_STRING);
	ck_assert_int_eq(((struct sym *)f->params.v[0])->type, TY_STRING);
}
END_TEST

START_TEST(symbols_link_to_locals_params_and_globals)
{
	struct derived_probe *dp;
	struct stmt *s0, *s1;
	struct func *f;

	ck_assert_int_eq(elaborate("global g\n"
				   "function h(p) { q = p + 1; return q }\n"
				   "probe begin { x = h(2); g = x }"), 0);
	dp = probe_at(0);
	ck_assert_int_eq(dp->locals.n, 1);
	s0 = user_stmt(dp, 0, 0);
	s1 = user_stmt(dp, 0, 1);
	ck_assert_ptr_eq(s0->expr->left->sym, dp->locals.v[0]);
	ck_assert_int_eq(s0->expr->left->sym->scope, SYM_LOCAL);
	ck_assert_int_eq(s0->expr->left->sym->type, TY_LONG);
	f = s0->expr->right->func;
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "h");
	ck_assert_int_eq(f->locals.n, 1);
	ck_assert_int_eq(((struct sym *)f->locals.v[0])->index, 1);	/* after p */
	ck_assert_int_eq(s1->expr->left->sym->scope, SYM_GLOBAL);
	ck_assert_int_eq(s1->expr->left->sym->written, 1);
}
END_TEST

START_TEST(aliases_expand_with_prologue_and_epilogue)
{
	struct derived_probe *dp;

	ck_assert_int_eq(elaborate("probe pre = begin { n = 1 }\n"
				   "probe post += pre { n = n * 10 }\n"
				   "probe post { n = n + 1 }"), 0);
	ck_assert_int_eq(prog.probes.n, 1);
	dp = probe_at(0);
	ck_assert_int_eq(dp->kind, PK_BEGIN);
	/* pre's prologue, the body, post's epilogue */
	ck_assert_int_eq(dp->body->body.n, 3);
	ck_assert_int_eq(dp->locals.n, 1);
	ck_assert_int_eq(((struct sym *)dp->locals.v[0])->type, TY_LONG);
}
END_TEST

START_TEST(alias_globs_alternatives_and_suffix)
{
	ck_assert_int_eq(elaborate("probe fam.a = begin { }\nprobe fam.b = end { }\n"
				   "probe fam.c.d = never { }\n"
				   "probe fam.*, fam.{a,b}, fam.** { }"), 0);
	/* fam.* -> a, b; {a,b} -> a, b; ** -> a, b, c.d */
	ck_assert_int_eq(prog.probes.n, 7);
	teardown();
	setup();
	ck_assert_int_eq(elaborate("probe rd = kernel.function(\"vfs_read\") { }\n"
				   "probe rd.return { }"), 0);
	ck_assert_int_eq(probe_at(0)->kind, PK_KRETPROBE);
}
END_TEST

START_TEST(bodies_are_copied_per_derived_probe)
{
	ck_assert_int_eq(elaborate("probe one = begin { v = \"s\" }\nprobe two = end { v = 1 }\n"
				   "probe one, two { println(v) }"), 0);
	ck_assert_int_eq(prog.probes.n, 2);
	ck_assert_ptr_ne(probe_at(0)->body, probe_at(1)->body);
	ck_assert_int_eq(((struct sym *)probe_at(0)->locals.v[0])->type, TY_STRING);
	ck_assert_int_eq(((struct sym *)probe_at(1)->locals.v[0])->type, TY_LONG);
}
END_TEST

START_TEST(optional_sufficient_and_conditions)
{
	ck_assert_int_eq(elaborate("global on = 1\n"
				   "probe nosuch.point ?, begin !, end { }\n"
				   "probe timer.s(1) if (on) { }"), 0);
	ck_assert_int_eq(prog.probes.n, 2);
	ck_assert_int_eq(probe_at(0)->kind, PK_BEGIN);
	ck_assert_ptr_null(probe_at(0)->condition);
	ck_assert_ptr_nonnull(probe_at(1)->condition);
	ck_assert_int_eq(probe_at(1)->condition->sym->scope, SYM_GLOBAL);
}
END_TEST

START_TEST(library_is_pulled_in_only_when_used)
{
	const char *lib = "global libg\nfunction used_fn() { libg = 1; return 2 }\n"
			  "function unused_fn() { return 3 }\n"
			  "probe begin { println(\"from a pulled-in file\") }\n"
			  "probe lib.alias = end { }\n";

	ck_assert_int_eq(elaborate_with(lib, "probe begin { println(42) }", 0, 0), 0);
	ck_assert_int_eq(prog.probes.n, 1);	/* the library's begin is not pulled */
	ck_assert_int_eq(prog.funcs.n, 0);
	teardown();
	setup();
	ck_assert_int_eq(elaborate_with(lib, "probe begin { println(used_fn()) }", 0, 0), 0);
	ck_assert_int_eq(prog.probes.n, 2);	/* the file came in with its probe */
	ck_assert_int_eq(prog.funcs.n, 1);
	ck_assert_int_eq(prog.globals.n, 1);
	ck_assert_str_eq(((struct sym *)prog.globals.v[0])->name, "libg");
}
END_TEST

START_TEST(overloads_chain_through_next_only)
{
	const char *lib = "function f(x) { return x + 100 }\n";
	struct func *f, *g;

	/* the script's f says 'next': the library's f of the same arity is
	 * the next overload, kept, with the shared parameter type */
	ck_assert_int_eq(elaborate_with(lib, "function f(x) { if (x) next; return 1 }\n"
					"probe begin { println(f(2)) }", 0, 0), 0);
	ck_assert_int_eq(prog.funcs.n, 2);
	f = prog.funcs.v[0];
	g = prog.funcs.v[1];
	ck_assert(!f->from_library && g->from_library);
	ck_assert_ptr_eq(f->next_overload, g);
	ck_assert_int_eq(((struct sym *)g->params.v[0])->type, TY_LONG);
	teardown();
	setup();
	/* no 'next': the second is never reached, dropped without a warning,
	 * also when a call resolved after h's body links the chain again */
	ck_assert_int_eq(elaborate("function h() { return 1 }\nfunction h() { return 2 }\n"
				   "function k() { return h() }\n"
				   "probe begin { println(h(), k()) }"), 0);
	ck_assert_int_eq(prog.funcs.n, 2);
	ck_assert_ptr_null(((struct func *)prog.funcs.v[0])->next_overload);
	ck_assert_ptr_null(strstr(errors(), "eliding"));
	teardown();
	setup();
	/* one histogram shape per statistic, as stap's pass 2 */
	ck_assert_int_eq(elaborate("global s\nprobe begin { s <<< 1; print(@hist_log(s)); "
				   "print(@hist_linear(s, 0, 10, 1)) }"), -1);
	ck_assert_ptr_nonnull(strstr(errors(), "multiple histogram types declared on 's'"));
}
END_TEST

START_TEST(unused_script_items_are_elided_with_warnings_unless_u)
{
	ck_assert_int_eq(elaborate("global g = 1, used\nfunction spare() { return 1 }\n"
				   "probe begin { used = 2 }"), 0);
	ck_assert_int_eq(prog.funcs.n, 0);
	ck_assert_int_eq(prog.globals.n, 1);
	ck_assert_ptr_nonnull(strstr(errors(), "warning: eliding unused function 'spare'"));
	ck_assert_ptr_nonnull(strstr(errors(), "warning: eliding unused variable 'g'"));
	teardown();
	setup();
	ck_assert_int_eq(elaborate_with(NULL, "global g = 1\nfunction spare() { return 1 }\n"
					"probe begin { }", 0, 1), 0);
	ck_assert_int_eq(prog.funcs.n, 1);
	ck_assert_int_eq(prog.globals.n, 1);
}
END_TEST

START_TEST(errors_have_stap_content_in_our_layout)
{
	ck_assert_int_eq(elaborate("probe begin { prinln(1) }"), -1);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:15: error: unresolved function 'prinln'"));
	ck_assert_ptr_nonnull(strstr(errors(), "note: did you mean 'println'?"));
	teardown();
	setup();
	/* x is read: an unread x would be elided before its types are checked */
	ck_assert_int_eq(elaborate("probe begin { x = 1\n x = \"s\"; print(x) }"), -1);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:2:6: error: type mismatch for 'x'"));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:15: note: type of 'x' was first inferred"
				     " here (long)"));
	teardown();
	setup();
	ck_assert_int_eq(elaborate("probe nosuch { }"), -1);
	ck_assert_ptr_nonnull(strstr(errors(), "probe point mismatch: 'nosuch'"));
}
END_TEST

START_TEST(guru_checks_need_g)
{
	ck_assert_int_eq(elaborate("probe begin { x = %{ 1 %} }"), -1);
	ck_assert_ptr_nonnull(strstr(errors(), "embedded C code needs guru mode (-g)"));
	teardown();
	setup();
	ck_assert_int_eq(elaborate_with(NULL, "probe begin { x = %{ 1 %}; println(x) }", 1, 0), 0);
	teardown();
	setup();
	ck_assert_int_eq(elaborate_with("function g_only() %{ /* guru */ STAP_RETVALUE = 1; %}\n",
					"probe begin { println(g_only()) }", 0, 0), -1);
	ck_assert_ptr_nonnull(strstr(errors(), "function 'g_only' is guru-only"));
}
END_TEST

START_TEST(written_only_globals_get_a_display_probe)
{
	struct derived_probe *dp;

	ck_assert_int_eq(elaborate("global hits, seen, acc\n"
				   "probe begin { hits++; seen[\"a\"] = 1; acc += 1 }"), 0);
	ck_assert_int_eq(prog.probes.n, 2);
	dp = probe_at(1);
	ck_assert_int_eq(dp->kind, PK_END);
	/* hits and seen, not acc (+= reads it) */
	ck_assert_int_eq(dp->body->body.n, 2);
	ck_assert_int_eq(((struct stmt *)dp->body->body.v[1])->kind, S_FOREACH);
	teardown();
	setup();
	ck_assert_int_eq(elaborate("global hits\nprobe begin { hits++ }\nprobe end { println(hits) }"),
			 0);
	ck_assert_int_eq(prog.probes.n, 2);
}
END_TEST

START_TEST(format_checker_types_arguments)
{
	enum type t[8];
	int bad = -1;

	ck_assert_int_eq(sema_format_arg_types("%s=%-5d %*x %% %p %m", t, 8, &bad), 6);
	ck_assert_int_eq(t[0], TY_STRING);
	ck_assert_int_eq(t[1], TY_LONG);
	ck_assert_int_eq(t[2], TY_LONG);	/* the '*' width */
	ck_assert_int_eq(t[5], TY_LONG);	/* %m takes an address */
	ck_assert_int_eq(sema_format_arg_types("ok %q", t, 8, &bad), -1);
	ck_assert_int_eq(bad, 3);
}
END_TEST

Suite *sema_suite(void)
{
	Suite *s = suite_create("sema");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, hello_world_is_one_begin_probe_with_builtin_calls);
	tcase_add_test(tc, probe_families_fill_their_fields);
	tcase_add_test(tc, kernel_function_literal_and_return);
	tcase_add_test(tc, types_are_inferred_for_globals_arrays_and_functions);
	tcase_add_test(tc, symbols_link_to_locals_params_and_globals);
	tcase_add_test(tc, aliases_expand_with_prologue_and_epilogue);
	tcase_add_test(tc, alias_globs_alternatives_and_suffix);
	tcase_add_test(tc, bodies_are_copied_per_derived_probe);
	tcase_add_test(tc, optional_sufficient_and_conditions);
	tcase_add_test(tc, library_is_pulled_in_only_when_used);
	tcase_add_test(tc, overloads_chain_through_next_only);
	tcase_add_test(tc, unused_script_items_are_elided_with_warnings_unless_u);
	tcase_add_test(tc, errors_have_stap_content_in_our_layout);
	tcase_add_test(tc, guru_checks_need_g);
	tcase_add_test(tc, written_only_globals_get_a_display_probe);
	tcase_add_test(tc, format_checker_types_arguments);
	suite_add_tcase(s, tc);
	return s;
}
