/* test_print.c - the canonical printer: exact spellings, and every form
 * re-parses to the same tree (printed twice, the same text). */
#include "parse.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena arena;
static struct program prog;
static struct target_info target = { .kernel_release = "6.1.0-56-amd64", .arch = "x86_64" };

static void setup(void)
{
	arena_init(&arena);
	memset(&prog, 0, sizeof(prog));
	prog.arena = &arena;
	prog.target = &target;
	diag_reset();
}

static void teardown(void)
{
	arena_free(&arena);
}

/* parse text and print it; NULL on a parse error */
static char *reprint(const char *text)
{
	struct file_ast *f = parse_file(&prog, src_file_from_string("t.stp", text), 0);
	char *buf = NULL;
	size_t len;
	FILE *out;

	if (!f)
		return NULL;
	out = open_memstream(&buf, &len);
	print_file_ast(out, f);
	fclose(out);
	return buf;
}

/* print(parse(text)) == want, and print(parse(want)) == want */
static void check_print(const char *text, const char *want)
{
	char *once = reprint(text), *twice;

	ck_assert_msg(once != NULL, "does not parse: %s", text);
	ck_assert_str_eq(once, want);
	twice = reprint(once);
	ck_assert_msg(twice != NULL, "printed form does not parse: %s", once);
	ck_assert_str_eq(twice, once);
	free(once);
	free(twice);
}

START_TEST(probe_and_calls)
{
	check_print("probe begin { log(\"hello world\") exit() }",
		    "probe begin {\n\tlog(\"hello world\");\n\texit();\n}\n");
}
END_TEST

START_TEST(expressions_are_parenthesised)
{
	check_print("probe begin { x = a + b * c - -d; y = a ? b : c ? d : e }",
		    "probe begin {\n\tx = ((a + (b * c)) - -d);\n"
		    "\ty = (a ? b : (c ? d : e));\n}\n");
	check_print("probe begin { x = - - y; z = !(a && b); w = ++i + j--; v = (a = 1) }",
		    "probe begin {\n\tx = -(-y);\n\tz = !(a && b);\n\tw = (++i + (j--));\n"
		    "\tv = (a = 1);\n}\n");
}
END_TEST

START_TEST(strings_and_numbers)
{
	check_print("global s = \"q\\\"\\\\\\n\\t\\001x\", n = -5, h = 0x10\n"
		    "probe begin { x = 0xffffffffffffffff + \"a\" \"b\" }",
		    "global s = \"q\\\"\\\\\\n\\t\\001x\"\nglobal n = -5\nglobal h = 16\n"
		    "probe begin {\n\tx = (18446744073709551615 + \"ab\");\n}\n");
}
END_TEST

START_TEST(dangling_else_is_kept)
{
	check_print("probe begin { if (a) { if (b) x = 1 } else x = 2 }",
		    "probe begin {\n\tif (a) {\n\t\tif (b) x = 1;\n\t}\n\telse x = 2;\n}\n");
}
END_TEST

START_TEST(declarations)
{
	check_print("private global a%[10], b\nfunction f:long(x:long, y) { return x }\n"
		    "function g() %{ /* pure */ %}",
		    "private global a%[10]\nprivate global b\n"
		    "function f:long (x:long, y) {\n\treturn x;\n}\n"
		    "function g () %{ /* pure */ %}\n");
}
END_TEST

START_TEST(probe_points_and_aliases)
{
	check_print("probe syscall.{open,close}.return ?, kernel.function(\"f*\").call ! , "
		    "timer.ms(-1) if (x) { }",
		    "probe syscall.{open,close}.return?, kernel.function(\"f*\").call!, "
		    "timer.ms(-1) if (x) {\n}\n");
	check_print("probe a.b = c.d { x = 1 }, { y = 2 }\nprobe e += f { }",
		    "probe a.b = c.d {\n\tx = 1;\n}, {\n\ty = 2;\n}\nprobe e += f {\n}\n");
}
END_TEST

START_TEST(statements_forms)
{
	check_print("global a\nprobe begin { foreach (v- = [k, j] in a[*, 2] limit 3) next\n"
		    "foreach (k in a+) break\nfor (;;) continue\n"
		    "try { delete a[1] } catch(m) { return }\nwhile (x) ; }",
		    "global a\nprobe begin {\n"
		    "\tforeach (v = [k, j] in a[*, 2]- limit 3) next;\n"
		    "\tforeach ([k] in a+) break;\n"
		    "\tfor (; ; ) continue;\n"
		    "\ttry {\n\t\tdelete a[1];\n\t}\n\tcatch(m) {\n\t\treturn;\n\t}\n"
		    "\twhile (x) ;\n}\n");
}
END_TEST

START_TEST(targets_and_operators)
{
	check_print("probe kernel.function(\"f\") { x = $p->a[1].b$ . $$parms$$; "
		    "y = @cast(p, \"t\", \"m\")->f + @var(\"v\") + &$q->r; "
		    "z = @hist_linear(s, 0, 10, 1)[2] + @count(s) + ([1, 2] in arr); "
		    "s <<< 1; w = x =~ \"r\"; v = (p)[0] + q->r }",
		    "probe kernel.function(\"f\") {\n"
		    "\tx = ($p->a[1]->b$ . $$parms$$);\n"
		    "\ty = ((@cast(p, \"t\", \"m\")->f + @var(\"v\")) + &$q->r);\n"
		    "\tz = ((@hist_linear(s, 0, 10, 1)[2] + @count(s)) + ([1, 2] in arr));\n"
		    "\ts <<< 1;\n\tw = (x =~ \"r\");\n\tv = ((p)[0] + q->r);\n}\n");
}
END_TEST

START_TEST(print_expr_and_stmt_alone)
{
	struct file_ast *f = parse_file(&prog, src_file_from_string("t.stp",
		"probe begin { if (x) y = 1 }"), 0);
	struct probe *p = f->probes.v[0];
	struct stmt *s = p->body->body.v[0];
	char *buf = NULL;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	print_expr(out, s->cond);
	fputc('|', out);
	print_stmt(out, s, 2);
	fputc('|', out);
	print_probe_point(out, p->points.v[0]);
	fclose(out);
	ck_assert_str_eq(buf, "x|\t\tif (x) y = 1;\n|begin");
	free(buf);
}
END_TEST

Suite *print_suite(void)
{
	Suite *s = suite_create("print");
	TCase *tc = tcase_create("print");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, probe_and_calls);
	tcase_add_test(tc, expressions_are_parenthesised);
	tcase_add_test(tc, strings_and_numbers);
	tcase_add_test(tc, dangling_else_is_kept);
	tcase_add_test(tc, declarations);
	tcase_add_test(tc, probe_points_and_aliases);
	tcase_add_test(tc, statements_forms);
	tcase_add_test(tc, targets_and_operators);
	tcase_add_test(tc, print_expr_and_stmt_alone);
	suite_add_tcase(s, tc);
	return s;
}
