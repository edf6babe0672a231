/* test_gen.c - pass 3: the generated module's text for elaborated scripts:
 * layout, -D/-G, frames, stap's error messages and "near" texts, maps,
 * statistics, the print family, and the translation-time errors. */
#include "gen.h"
#include "gen_internal.h"
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
	fixture_setup("6.1.0-56-amd64", NULL);
	outbuf = NULL;
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

/* Parse, elaborate and translate script; the C text, or NULL when pass 3
 * failed (errors() says why). */
static const char *translate_opts(const char *script, int guru, const char *define,
				  const char *ginit)
{
	struct sema_options so = { .guru = guru };
	struct gen_options go = { .module_name = "stap_test", .guru = guru };
	struct file_ast *user;
	FILE *out;
	int rc;

	user = parse_file(&prog, src_file_from_string("t.stp", script), 0);
	ck_assert_msg(user != NULL, "parse failed: %s", errors());
	ptrvec_push(&arena, &prog.files, user);
	prog.guru = guru;
	ck_assert_msg(sema_elaborate(&prog, &so) == 0, "sema failed: %s", errors());
	if (define)
		ptrvec_push(&arena, &go.defines, (void *)define);
	if (ginit)
		ptrvec_push(&arena, &go.global_inits, (void *)ginit);
	out = open_memstream(&outbuf, &outlen);
	rc = gen_module(out, &prog, &go);
	fclose(out);
	return rc ? NULL : outbuf;
}

static const char *translate(const char *script)
{
	const char *c = translate_opts(script, 0, NULL, NULL);

	ck_assert_msg(c != NULL, "pass 3 failed: %s", errors());
	return c;
}

/* The text occurs, and before `later` when that is given. */
static void has(const char *c, const char *text)
{
	ck_assert_msg(strstr(c, text) != NULL, "missing <<%s>> in:\n%s", text, c);
}

static void has_before(const char *c, const char *first, const char *later)
{
	const char *a = strstr(c, first), *b = strstr(c, later);

	ck_assert_msg(a && b && a < b, "<<%s>> must precede <<%s>> in:\n%s", first, later, c);
}

START_TEST(hello_world_has_the_module_layout)
{
	const char *c = translate("probe begin { log(\"hello world\") exit() }");

	has(c, "#define STP_MODULE_NAME \"stap_test\"");
	has_before(c, "#define STP_LOCALS_SIZE", "#include \"runtime.h\"");
	has_before(c, "#include \"runtime.h\"", "static void stp_probe_0(struct stp_context *c)");
	has(c, "stp_print_str(c, \"hello world\");");
	has(c, "stp_exit();");
	has(c, "{ .kind = STP_PK_BEGIN, .pp = \"begin\", .handler = stp_probe_0, .seq = 0 }");
	has_before(c, "static int stp_globals_init(void)", "#include \"runtime_main.h\"");
	/* readable: the source location of each statement */
	has(c, "/* t.stp:1:15 */");
}
END_TEST

START_TEST(defines_precede_the_runtime)
{
	const char *c = translate_opts("probe begin { exit() }", 0, "MAXACTION=5", NULL);

	ck_assert_ptr_nonnull(c);
	has_before(c, "#define MAXACTION 5", "#include \"runtime.h\"");
}
END_TEST

START_TEST(G_overrides_a_global_initializer)
{
	const char *c = translate_opts("global x = 1 probe begin { println(x) exit() }", 0, NULL,
				       "x=42");

	ck_assert_ptr_nonnull(c);
	has(c, "= 42LL;\t/* x */");
}
END_TEST

START_TEST(G_rejects_a_non_number_for_a_long)
{
	const char *c = translate_opts("global x = 1 probe begin { println(x) exit() }", 0, NULL,
				       "x=abc");

	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(errors(), "invalid value 'abc' for global 'x' (-G)"), "%s",
		      errors());
}
END_TEST

START_TEST(division_checks_its_divisor_with_stap_wording)
{
	const char *c = translate("probe begin { a = 1 b = 0 x = a / b println(x) }");

	has(c, "stp_error(c, \"division by 0\")");
	has(c, "c->last_stmt = \"operator '/' at t.stp:1:33\"");
	has(c, "stp_div(");
}
END_TEST

START_TEST(statement_actions_name_their_token)
{
	const char *c = translate("probe begin { while (1) { exit() } }");

	has(c, "stp_actions(c, 1)");
	has(c, "c->last_stmt = \"keyword at t.stp:1:15\"");
	has(c, "c->last_stmt = \"identifier 'exit' at t.stp:1:27\"");
}
END_TEST

START_TEST(strings_live_in_the_frame)
{
	const char *c = translate("probe begin { s = \"a\" . \"b\" println(s) exit() }");

	has(c, "char v_s[MAXSTRINGLEN];");
	has(c, "stp_str_concat(l->s0, \"a\", \"b\");");
	has(c, "stp_str_copy(l->v_s, l->s0);");
	has(c, "static_assert(sizeof(struct stp_frame_p0) <= ");
	has(c, "MAXSTRINGLEN))");
}
END_TEST

START_TEST(maps_report_overflow_near_the_array)
{
	const char *c = translate("global a[4] probe begin { a[1, \"k\"] = 2 exit() }");

	has(c, "static struct stp_map stp_g0_a;");
	has(c, ".s = \"k\";");
	has(c, "stp_map_set_long(&stp_g0_a, ");
	has(c, "stp_map_overflow(c, &stp_g0_a);");
	has(c, "c->last_stmt = \"identifier 'a' at t.stp:1:27\"");
	has(c, "stp_map_init(&stp_g0_a, \"a\", 2, keys, STP_T_LONG, 4, 0, NULL)");
	has(c, "static const u8 keys[] = { STP_T_LONG, STP_T_STRING, 0 };");
}
END_TEST

START_TEST(foreach_sorts_and_limits)
{
	const char *c = translate("global a probe begin { a[1] = 1 foreach (k- in a limit 2) "
				  "println(k) exit() }");

	has(c, "stp_map_sort(&stp_g0_a, 1, -1);");
	has(c, "stp_map_first(&stp_g0_a)");
	has(c, "stp_node_key_long(&stp_g0_a, ");
}
END_TEST

START_TEST(statistics_get_their_histogram)
{
	const char *c = translate("global s probe begin { s <<< 5 print(@hist_linear(s, 0, 10, 2)) "
				  "println(@avg(s)) exit() }");

	has(c, "{ STP_HIST_LINEAR, 0LL, 10LL, 2LL, 0, 0 }");
	has(c, "STP_T_STAT");
	has(c, "stp_hist_print(c, ");
	has(c, "stp_error(c, \"empty aggregate\")");
	has(c, "c->last_stmt = \"operator '@avg' at t.stp:1:73\"");
}
END_TEST

static int occurrences(const char *c, const char *text)
{
	int n = 0;

	for (c = strstr(c, text); c; c = strstr(c + 1, text))
		n++;
	return n;
}

START_TEST(entry_values_strings_and_the_globals_lock)
{
	const char *head = "global n\nfunction k:long() %{ STAP_RETURN(1); %}\n"
			   "function s:string() { return sprint(n) }\n";
	const char *c;

	/* an @entry of embedded C only: the entry handler takes no lock */
	c = translate_opts(arena_printf(&arena, "%sprobe kernel.function(\"vfs_read\").return "
					"{ n++; println(n, @entry(k())) }", head), 1, NULL, NULL);
	ck_assert_ptr_nonnull(c);
	has(c, ".entry_size = 1 * sizeof(int64_t)");
	ck_assert_int_eq(occurrences(c, "stp_lock_globals(c)"), 1);
	teardown();
	setup();
	/* a script function may touch globals: locked; its string result is
	 * copied into a MAXSTRINGLEN slot after the long ones */
	c = translate_opts(arena_printf(&arena, "%sprobe kernel.function(\"vfs_read\").return "
					"{ n++; println(n, @entry(k()), @entry(s())) }", head),
			   1, NULL, NULL);
	ck_assert_ptr_nonnull(c);
	has(c, ".entry_size = 1 * sizeof(int64_t) + 1 * MAXSTRINGLEN");
	has(c, "stp_str_copy(((char *)c->entry + 1 * sizeof(int64_t) + 0 * MAXSTRINGLEN)");
	ck_assert_int_eq(occurrences(c, "stp_lock_globals(c)"), 2);
}
END_TEST

START_TEST(printf_becomes_one_format_call)
{
	const char *c = translate("probe begin { printf(\"%d %s\\n\", 5, \"x\") exit() }");

	has(c, "stp_printf(c, \"%d %s\\n\", l->t0, 2, &fault)");
	has(c, "l->t0[0].n = ((int64_t)5LL);");
	has(c, "l->t0[1].s = \"x\";");
}
END_TEST

START_TEST(print_family_builds_the_format)
{
	const char *c = translate("probe begin { printdln(\"%,\", 1, \"a\") exit() }");

	/* the delimiter's '%' is doubled; a newline ends printdln */
	has(c, "stp_printf(c, \"%d%%,%s\\n\", ");
}
END_TEST

START_TEST(calls_push_a_frame_and_check_nesting)
{
	const char *c = translate("function f(n) { return n + 1 } probe begin { println(f(1)) "
				  "exit() }");

	has(c, "struct stp_frame_f0_f {");
	has(c, "int64_t __retvalue;");
	has(c, "if (unlikely(stp_nest_enter(c))) {");
	has(c, "f = stp_frame_push(c, sizeof(*f));");
	has(c, "f->v_n = ((int64_t)1LL);");
	has(c, "stp_frame_pop(c, sizeof(*f));");
	has(c, "+ MAXNESTING * (");
}
END_TEST

START_TEST(try_catch_restores_frames_and_copies_the_message)
{
	const char *c = translate("probe begin { try { error(\"x\") } catch (m) { println(m) } "
				  "exit() }");

	has(c, "stp_error(c, \"%s\", \"x\");");
	has(c, "goto catch_0;");
	has(c, "c->frame_used = ");
	has(c, "stp_str_copy(l->v_m, c->last_error);");
	has(c, "stp_error_clear(c);");
}
END_TEST

START_TEST(embedded_functions_get_stap_macros)
{
	const char *c = translate_opts("function f:long (a:long) %{ STAP_RETURN(STAP_ARG_a); %} "
				       "probe begin { println(f(1)) exit() }",
				       1, NULL, NULL);

	ck_assert_msg(c != NULL, "%s", errors());
	has(c, "#define STAP_ARG_a (l->v_a)");
	has(c, "#define STAP_RETURN(v) do { STAP_RETVALUE = (int64_t)(v); goto out; } while (0)");
	has(c, "#define CONTEXT c");
	has(c, "#undef STAP_ARG_a");
}
END_TEST

START_TEST(regex_compiles_to_a_vm_program)
{
	const char *c = translate("probe begin { println(\"ab\" =~ \"^a|b+$\") exit() }");

	has(c, "static const struct stp_re_inst stp_re_0_prog[] = {");
	/* ^a | b b* $: the minimum copies of b+, then a loop */
	has(c, "\t{ STP_RE_SPLIT, 0, 1, 4 },\n\t{ STP_RE_BOL, 0, 0, 0 },\n"
	       "\t{ STP_RE_CHAR, 97, 0, 0 },\n\t{ STP_RE_JMP, 0, 9, 0 },\n"
	       "\t{ STP_RE_CHAR, 98, 0, 0 },\n\t{ STP_RE_SPLIT, 0, 6, 8 },\n"
	       "\t{ STP_RE_CHAR, 98, 0, 0 },\n\t{ STP_RE_JMP, 0, 5, 0 },\n"
	       "\t{ STP_RE_EOL, 0, 0, 0 },\n\t{ STP_RE_MATCH, 0, 0, 0 },\n};");
	has(c, "stp_regex_match(&stp_re_0, \"ab\") == 1");
}
END_TEST

START_TEST(invalid_regex_is_diagnosed)
{
	const char *c = translate_opts("probe begin { println(\"ab\" =~ \"a(b\") exit() }", 0,
				       NULL, NULL);

	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(errors(), "invalid regular expression 'a(b': unmatched '('"), "%s",
		      errors());
}
END_TEST

START_TEST(kprobes_get_a_generated_pre_handler)
{
	const char *c = translate("probe kernel.function(\"vfs_read\") { } "
				  "probe kernel.function(\"vfs_write\") { println(1) } "
				  "probe begin { }");

	/* the kinds of the script, for runtime_main.h; no others */
	has_before(c, "#define STP_USES_KPROBE 1", "#include \"runtime.h\"");
	has_before(c, "#define STP_USES_BEGIN 1", "#include \"runtime.h\"");
	ck_assert_ptr_null(strstr(c, "STP_USES_TIMER"));
	has_before(c, "static int stp_kp_0(struct kprobe *kp, struct pt_regs *regs);",
		   "static const struct stp_probe stp_probes[]");
	has(c, ".symbol = \"vfs_read\", .kprobe_pre = stp_kp_0 }");
	/* an empty body: the hit is only counted; otherwise a direct call */
	has(c, "return stp_kprobe_hit(&stp_probes[0], NULL, regs);");
	has(c, "return stp_kprobe_hit(&stp_probes[1], stp_probe_1, regs);");
	ck_assert_ptr_null(strstr(c, "stp_kp_2"));
}
END_TEST

START_TEST(near_texts_classify_tokens)
{
	struct src_file *f = src_file_from_string("x.stp", "if (a) \"str\" 42 @count +=\n");
	struct gen g = { .a = &arena };
	struct loc l = { .file = f, .line = 1 };

	l.col = 1;
	ck_assert_str_eq(gen_near(&g, l), "\"keyword at x.stp:1:1\"");
	l.col = 5;
	ck_assert_str_eq(gen_near(&g, l), "\"identifier 'a' at x.stp:1:5\"");
	l.col = 8, l.len = 5;
	ck_assert_str_eq(gen_near(&g, l), "\"string 'str' at x.stp:1:8\"");
	l.col = 14, l.len = 2;
	ck_assert_str_eq(gen_near(&g, l), "\"number '42' at x.stp:1:14\"");
	l.col = 17, l.len = 0;
	ck_assert_str_eq(gen_near(&g, l), "\"operator '@count' at x.stp:1:17\"");
	l.col = 24, l.len = 2;
	ck_assert_str_eq(gen_near(&g, l), "\"operator '+=' at x.stp:1:24\"");
}
END_TEST

START_TEST(c_strings_escape_exactly)
{
	struct gen g = { .a = &arena };

	ck_assert_str_eq(gen_c_string(&g, "a\"b\\c\n\t"), "\"a\\\"b\\\\c\\n\\t\"");
	ck_assert_str_eq(gen_c_string(&g, "\x01z?\?="), "\"\\001z\\077?=\"");
}
END_TEST

Suite *gen_suite(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("gen");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, hello_world_has_the_module_layout);
	tcase_add_test(tc, defines_precede_the_runtime);
	tcase_add_test(tc, kprobes_get_a_generated_pre_handler);
	tcase_add_test(tc, G_overrides_a_global_initializer);
	tcase_add_test(tc, G_rejects_a_non_number_for_a_long);
	tcase_add_test(tc, division_checks_its_divisor_with_stap_wording);
	tcase_add_test(tc, statement_actions_name_their_token);
	tcase_add_test(tc, strings_live_in_the_frame);
	tcase_add_test(tc, maps_report_overflow_near_the_array);
	tcase_add_test(tc, foreach_sorts_and_limits);
	tcase_add_test(tc, statistics_get_their_histogram);
	tcase_add_test(tc, entry_values_strings_and_the_globals_lock);
	tcase_add_test(tc, printf_becomes_one_format_call);
	tcase_add_test(tc, print_family_builds_the_format);
	tcase_add_test(tc, calls_push_a_frame_and_check_nesting);
	tcase_add_test(tc, try_catch_restores_frames_and_copies_the_message);
	tcase_add_test(tc, embedded_functions_get_stap_macros);
	tcase_add_test(tc, regex_compiles_to_a_vm_program);
	tcase_add_test(tc, invalid_regex_is_diagnosed);
	tcase_add_test(tc, near_texts_classify_tokens);
	tcase_add_test(tc, c_strings_escape_exactly);
	suite_add_tcase(s, tc);
	return s;
}
