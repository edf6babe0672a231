/* test_sema_optimize.c - pass 2's optimiser: elided assignments, side
 * effects and purity, dropped locals and functions, constant branches, -u. */
#include "parse.h"
#include "sema.h"
#include "compiler_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *outbuf;
static size_t outlen;

static void setup(void)
{
	fixture_setup("sematest-1", NULL);
}

static void teardown(void)
{
	free(outbuf);
	outbuf = NULL;
	fixture_teardown();
}

static const char *errors(void)
{
	return fixture_errors();
}

/* Elaborate script (with an optional library file) and return the -p2
 * text of the result. */
static const char *p2(const char *library, const char *script, int unopt)
{
	struct sema_options o = { .unoptimized = unopt };
	FILE *out;

	ck_assert_msg(fixture_elaborate(library, script, &o) == 0, "pass 2 failed: %s", errors());
	out = open_memstream(&outbuf, &outlen);
	print_program(out, &prog);
	fclose(out);
	return outbuf;
}

static int has(const char *text, const char *what)
{
	return strstr(text, what) != NULL;
}

static int nlocals(int probe)
{
	ck_assert_int_gt(prog.probes.n, probe);
	return ((struct derived_probe *)prog.probes.v[probe])->locals.n;
}

START_TEST(unread_local_assignments_go_read_ones_stay)
{
	const char *t = p2(NULL, "probe begin { a = 1; s = \"x\" . \"y\"; e = 7; print(e) }", 0);

	ck_assert_msg(!has(t, "a = 1") && !has(t, "s = "), "%s", t);
	ck_assert_msg(has(t, "e = 7") && has(t, "print(e)"), "%s", t);
	ck_assert_int_eq(nlocals(0), 1);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:17: warning: eliding assignment to 'a'"));
	ck_assert_ptr_nonnull(strstr(errors(), "warning: eliding assignment to 's'"));
	ck_assert_ptr_null(strstr(errors(), "'e'"));
}
END_TEST

START_TEST(side_effects_of_the_right_hand_side_stay)
{
	const char *t = p2(NULL, "global g\nfunction noisy(x) { printf(\"n\\n\"); return x }\n"
			   "function bump() { g++; return g }\n"
			   "probe begin { a = noisy(1); b = bump(); c = (d = 2); print(d) }", 0);

	/* the assignments go, the calls stay; so does d = 2, whose d is read */
	ck_assert_msg(has(t, "\tnoisy(1);") && has(t, "\tbump();"), "%s", t);
	ck_assert_msg(!has(t, "a = ") && !has(t, "b = ") && !has(t, "c = "), "%s", t);
	ck_assert_msg(has(t, "d = 2"), "%s", t);
	ck_assert_int_eq(prog.funcs.n, 2);
}
END_TEST

START_TEST(pure_script_functions_go_with_their_calls_silently)
{
	const char *t = p2(NULL, "function f(x) { y = x * 2; return y + 1 }\n"
			   "probe begin { b = f(2); f(3) }", 0);

	ck_assert_msg(!has(t, "f("), "%s", t);
	ck_assert_int_eq(prog.funcs.n, 0);
	ck_assert_int_eq(nlocals(0), 0);
	/* f was used: no "unused function" warning, as in stap */
	ck_assert_ptr_null(strstr(errors(), "unused function"));
	ck_assert_ptr_nonnull(strstr(errors(), "eliding side-effect-free expression"));
}
END_TEST

START_TEST(embedded_functions_are_pure_only_when_marked)
{
	const char *lib = "function rd:long(n:long) %{ /* pure */ STAP_RETVALUE = 1; %}\n"
			  "function wr:long(n:long) %{ STAP_RETVALUE = 2; %}\n";
	const char *t = p2(lib, "probe begin { a = rd(1); b = wr(2) }", 0);

	ck_assert_msg(!has(t, "rd(") && has(t, "wr(2);"), "%s", t);
	ck_assert_int_eq(prog.funcs.n, 1);
	ck_assert_str_eq(((struct func *)prog.funcs.v[0])->name, "wr");
}
END_TEST

START_TEST(recursion_and_global_writes_make_functions_impure)
{
	const char *t = p2(NULL, "global g\n"
			   "function r(n) { if (n > 0) return r(n - 1); return 0 }\n"
			   "function w(n) { g[n] = 1; return n }\n"
			   "function d(n) { delete g; return n }\n"
			   "probe begin { a = r(3); b = w(1); c = d(2) }", 0);

	ck_assert_msg(has(t, "\tr(3);") && has(t, "\tw(1);") && has(t, "\td(2);"), "%s", t);
}
END_TEST

START_TEST(language_errors_stay)
{
	const char *t = p2(NULL, "global s, z\nprobe begin { s <<< 1; a = 1 / z; b = 7 % z;"
			   " c = 4 / 2; d = @avg(s); e = @count(s) }", 0);

	/* division by a variable and @avg may fail: their assignments go,
	 * the expressions stay; a non-zero literal divisor and @count go */
	ck_assert_msg(has(t, "\t1 / z;") && has(t, "\t7 % z;") && has(t, "@avg(s);"), "%s", t);
	ck_assert_msg(!has(t, "4 / 2") && !has(t, "@count"), "%s", t);
	ck_assert_int_eq(nlocals(0), 0);
}
END_TEST

START_TEST(elision_reaches_a_fixed_point)
{
	/* the alias shape of the syscall tapset: elided filename makes
	 * filename_uaddr unread, which then goes too */
	const char *lib = "function rd:long(n:long) %{ /* pure */ STAP_RETVALUE = n; %}\n"
			  "function str:string(a:long) %{ /* pure */ STAP_RETVALUE[0] = 0; %}\n"
			  "probe sc.open = begin { name = \"open\"; filename_uaddr = rd(1);"
			  " filename = str(filename_uaddr); flags = rd(2) }\n";
	const char *t = p2(lib, "probe sc.open { print(name) }", 0);

	ck_assert_msg(has(t, "name = \"open\""), "%s", t);
	ck_assert_msg(!has(t, "filename") && !has(t, "flags") && !has(t, "rd("), "%s", t);
	ck_assert_int_eq(nlocals(0), 1);
	ck_assert_int_eq(prog.funcs.n, 0);
	/* the tapset's elisions are not the user's business */
	ck_assert_str_eq(errors(), "");
	teardown();
	setup();
	t = p2(lib, "probe sc.open { print(filename) }", 0);
	ck_assert_msg(has(t, "filename = str(filename_uaddr)") && !has(t, "flags"), "%s", t);
	ck_assert_int_eq(nlocals(0), 2);
}
END_TEST

START_TEST(constant_conditions_keep_one_branch)
{
	const char *t = p2(NULL, "probe begin { if (0) print(\"no\"); if (1) print(\"yes\");"
			   " if (0) print(\"x\") else print(\"else\"); while (0) print(\"w\");"
			   " if (@defined($nosuch)) print(\"d\") }", 0);

	ck_assert_msg(has(t, "print(\"yes\")") && has(t, "print(\"else\")"), "%s", t);
	ck_assert_msg(!has(t, "\"no\"") && !has(t, "\"x\"") && !has(t, "\"w\"") &&
		      !has(t, "\"d\"") && !has(t, "if"), "%s", t);
}
END_TEST

START_TEST(function_locals_are_optimised_too)
{
	const char *t = p2(NULL, "function f(x) { tmp = x * 3; unused = 4; printf(\"%d\\n\", tmp) }\n"
			   "probe begin { f(1) }", 0);

	ck_assert_msg(has(t, "tmp = ") && !has(t, "unused"), "%s", t);
	ck_assert_int_eq(((struct func *)prog.funcs.v[0])->locals.n, 1);
	ck_assert_int_eq(((struct func *)prog.funcs.v[0])->params.n, 1);
}
END_TEST

START_TEST(minus_u_keeps_everything)
{
	const char *t = p2(NULL, "function f(x) { return x }\n"
			   "probe begin { a = 1; b = f(2); 5; if (0) print(\"no\") }", 1);

	ck_assert_msg(has(t, "a = 1") && has(t, "b = f(2)") && has(t, "if (0)"), "%s", t);
	ck_assert_int_eq(nlocals(0), 2);
	ck_assert_ptr_null(strstr(errors(), "eliding"));
}
END_TEST

Suite *sema_optimize_suite(void)
{
	Suite *s = suite_create("sema_optimize");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unread_local_assignments_go_read_ones_stay);
	tcase_add_test(tc, side_effects_of_the_right_hand_side_stay);
	tcase_add_test(tc, pure_script_functions_go_with_their_calls_silently);
	tcase_add_test(tc, embedded_functions_are_pure_only_when_marked);
	tcase_add_test(tc, recursion_and_global_writes_make_functions_impure);
	tcase_add_test(tc, language_errors_stay);
	tcase_add_test(tc, elision_reaches_a_fixed_point);
	tcase_add_test(tc, constant_conditions_keep_one_branch);
	tcase_add_test(tc, function_locals_are_optimised_too);
	tcase_add_test(tc, minus_u_keeps_everything);
	suite_add_tcase(s, tc);
	return s;
}
