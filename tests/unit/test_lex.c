/* test_lex.c - the tokenizer: kinds, values, locations, lexical errors. */
#include "lex.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena arena;
static struct lexer lx;
static char *errbuf;
static size_t errlen;
static FILE *errf;

static void start(const char *text)
{
	struct src_file *src = src_file_from_string("t.stp", text);

	arena_init(&arena);
	diag_reset();
	errf = open_memstream(&errbuf, &errlen);
	diag.out = errf;
	lex_init(&lx, &arena, src);
}

/* the diagnostics printed so far */
static const char *errors(void)
{
	fflush(errf);
	return errbuf ? errbuf : "";
}

static void finish(void)
{
	fclose(errf);
	diag.out = NULL;
	free(errbuf);
	errbuf = NULL;
	arena_free(&arena);
}

static struct token next(void)
{
	struct token t;

	lex_next(&lx, &t);
	return t;
}

/* Every kind in order, ending with T_EOF. */
static void expect_kinds(const char *text, const enum tok *kinds, int n)
{
	int i;

	start(text);
	for (i = 0; i < n; i++) {
		struct token t = next();

		ck_assert_msg(t.kind == kinds[i], "%s: token %d is %s, expected %s", text, i,
			      tok_spelling[t.kind], tok_spelling[kinds[i]]);
	}
	ck_assert_int_eq(next().kind, T_EOF);
	ck_assert_int_eq(diag.errors, 0);
	finish();
}

#define KINDS(text, ...)                                                         \
	do {                                                                     \
		static const enum tok k_[] = { __VA_ARGS__ };                    \
		expect_kinds(text, k_, (int)(sizeof(k_) / sizeof(k_[0])));       \
	} while (0)

START_TEST(keywords_and_identifiers)
{
	KINDS("probe global function private if else while for foreach in limit",
	      K_PROBE, K_GLOBAL, K_FUNCTION, K_PRIVATE, K_IF, K_ELSE, K_WHILE, K_FOR,
	      K_FOREACH, K_IN, K_LIMIT);
	KINDS("return delete break continue next try catch", K_RETURN, K_DELETE, K_BREAK,
	      K_CONTINUE, K_NEXT, K_TRY, K_CATCH);
	KINDS("probes inx next_ _x a$b x1", T_IDENT, T_IDENT, T_IDENT, T_IDENT, T_IDENT,
	      T_IDENT);
	/* same first and last letter and length as a keyword (its hash slot) */
	KINDS("prone glabal fraction ix nn Probe", T_IDENT, T_IDENT, T_IDENT, T_IDENT,
	      T_IDENT, T_IDENT);
}
END_TEST

START_TEST(longest_punctuator_wins)
{
	KINDS("<<<= <<= << <= < >>= >> >= >", T_STAT_ADD, T_ASSIGN, T_SHL_ASSIGN, T_SHL,
	      T_LE, T_LT, T_SHR_ASSIGN, T_SHR, T_GE, T_GT);
	KINDS("++ += + -- -= -> - .= . =~ == = !~ != !", T_INC, T_ADD_ASSIGN, T_PLUS, T_DEC,
	      T_SUB_ASSIGN, T_ARROW, T_MINUS, T_CAT_ASSIGN, T_DOT, T_MATCH, T_EQ, T_ASSIGN,
	      T_NOMATCH, T_NE, T_BANG);
	KINDS("%( %? %: %) %= % && &= & || |= | ^= ^ ~", T_PP_OPEN, T_PP_THEN, T_PP_ELSE,
	      T_PP_CLOSE, T_MOD_ASSIGN, T_PERCENT, T_ANDAND, T_AND_ASSIGN, T_AMP, T_OROR,
	      T_OR_ASSIGN, T_PIPE, T_XOR_ASSIGN, T_CARET, T_TILDE);
	KINDS("()[]{},;:?* / *=/=", T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_LBRACE,
	      T_RBRACE, T_COMMA, T_SEMI, T_COLON, T_QUESTION, T_STAR, T_SLASH, T_MUL_ASSIGN,
	      T_DIV_ASSIGN);
}
END_TEST

START_TEST(numbers_in_three_bases)
{
	struct token t;

	start("0 42 0x1F 0777 0xffffffffffffffff 9223372036854775808");
	t = next();
	ck_assert_int_eq(t.kind, T_NUM);
	ck_assert_int_eq(t.num, 0);
	ck_assert_int_eq(next().num, 42);
	ck_assert_int_eq(next().num, 31);
	ck_assert_int_eq(next().num, 511);
	ck_assert_int_eq(next().num, -1);	/* wraps, as stap's */
	ck_assert_int_eq(next().num, INT64_MIN);
	ck_assert_int_eq(diag.errors, 0);
	finish();
}
END_TEST

START_TEST(bad_numbers_are_reported)
{
	start("0x 089 12ab 18446744073709551616");
	next();
	next();
	next();
	next();
	ck_assert_int_eq(diag.errors, 4);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:1: error: invalid number '0x'"));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:4: error: invalid number '089'"));
	ck_assert_ptr_nonnull(strstr(errors(), "invalid number '12ab'"));
	ck_assert_ptr_nonnull(strstr(errors(), "does not fit in 64 bits"));
	finish();
}
END_TEST

START_TEST(strings_are_unescaped)
{
	struct token t;

	start("\"a\\tb\\n\\\"q\\\"\\\\\" \"\\101\\x42\\0777\" \"\\{\"");
	t = next();
	ck_assert_int_eq(t.kind, T_STR);
	ck_assert_str_eq(t.str, "a\tb\n\"q\"\\");
	ck_assert_int_eq(t.loc.col, 1);
	ck_assert_int_eq(t.loc.len, 15);
	ck_assert_str_eq(next().str, "AB?7");
	ck_assert_str_eq(next().str, "{");
	ck_assert_int_eq(diag.errors, 0);
	finish();
}
END_TEST

START_TEST(unterminated_string)
{
	struct token t;

	start("x = \"abc");
	next();
	next();
	t = next();
	ck_assert_int_eq(t.kind, T_STR);
	ck_assert_str_eq(t.str, "abc");
	ck_assert_int_eq(next().kind, T_EOF);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:5: error: unterminated string literal"));
	finish();
}
END_TEST

START_TEST(comments_are_skipped_and_counted)
{
	struct token t;

	start("# hash\n// slashes\n/* block\n\n */ a /* x */ b #c\n  c");
	t = next();
	ck_assert_int_eq(t.kind, T_IDENT);
	ck_assert_int_eq(t.loc.line, 5);
	ck_assert_int_eq(t.loc.col, 5);
	t = next();
	ck_assert_int_eq(t.loc.col, 15);
	ck_assert(t.space_before);
	t = next();
	ck_assert_int_eq(t.loc.line, 6);
	ck_assert_int_eq(t.loc.col, 3);
	ck_assert_int_eq(next().kind, T_EOF);
	finish();
}
END_TEST

START_TEST(unterminated_comment)
{
	start("a /* b");
	next();
	ck_assert_int_eq(next().kind, T_EOF);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:3: error: unterminated comment"));
	finish();
}
END_TEST

START_TEST(space_before_is_tracked)
{
	struct token t;

	start("a.b .c");
	next();
	t = next();
	ck_assert_int_eq(t.kind, T_DOT);
	ck_assert(!t.space_before);
	ck_assert(!next().space_before);
	ck_assert(next().space_before);
	finish();
}
END_TEST

START_TEST(embedded_c_keeps_text_and_lines)
{
	struct token t;

	start("%{ int x = a % b; /* } */\n %}\nnext");
	t = next();
	ck_assert_int_eq(t.kind, T_EMBEDDED);
	ck_assert_str_eq(t.str, " int x = a % b; /* } */\n ");
	t = next();
	ck_assert_int_eq(t.kind, K_NEXT);
	ck_assert_int_eq(t.loc.line, 3);
	finish();
}
END_TEST

START_TEST(target_and_at_tokens)
{
	struct token t;

	start("$var $$parms$ $x$$ @cast @1 $2 $# @#");
	t = next();
	ck_assert_int_eq(t.kind, T_TARGET);
	ck_assert_int_eq(t.loc.len, 4);
	t = next();
	ck_assert_int_eq(t.kind, T_TARGET);
	ck_assert_int_eq(t.loc.len, 8);
	ck_assert_int_eq(next().loc.len, 4);
	t = next();
	ck_assert_int_eq(t.kind, T_AT);
	ck_assert_int_eq(t.loc.len, 5);
	t = next();
	ck_assert_int_eq(t.kind, T_ATARG);
	ck_assert_int_eq(t.num, 1);
	t = next();
	ck_assert_int_eq(t.kind, T_ARG);
	ck_assert_int_eq(t.num, 2);
	t = next();
	ck_assert_int_eq(t.kind, T_ARG);
	ck_assert_int_eq(t.num, -1);
	ck_assert_int_eq(next().kind, T_ATARG);
	ck_assert_int_eq(diag.errors, 0);
	finish();
}
END_TEST

START_TEST(stray_characters_are_reported_and_skipped)
{
	start("a ` b \\ c @");
	ck_assert_int_eq(next().kind, T_IDENT);
	ck_assert_int_eq(next().kind, T_IDENT);
	ck_assert_int_eq(next().kind, T_IDENT);
	ck_assert_int_eq(next().kind, T_EOF);
	ck_assert_int_eq(diag.errors, 3);
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:3: error: stray '`' in program"));
	ck_assert_ptr_nonnull(strstr(errors(), "t.stp:1:7: error: stray '\\' in program"));
	finish();
}
END_TEST

START_TEST(identifier_check)
{
	ck_assert(lex_is_identifier("foo_1"));
	ck_assert(!lex_is_identifier("1foo"));
	ck_assert(!lex_is_identifier("probe"));
	ck_assert(!lex_is_identifier("a-b"));
	ck_assert(lex_is_keyword(K_NEXT));
	ck_assert(!lex_is_keyword(T_IDENT));
}
END_TEST

Suite *lex_suite(void)
{
	Suite *s = suite_create("lex");
	TCase *tc = tcase_create("lex");

	tcase_add_test(tc, keywords_and_identifiers);
	tcase_add_test(tc, longest_punctuator_wins);
	tcase_add_test(tc, numbers_in_three_bases);
	tcase_add_test(tc, bad_numbers_are_reported);
	tcase_add_test(tc, strings_are_unescaped);
	tcase_add_test(tc, unterminated_string);
	tcase_add_test(tc, comments_are_skipped_and_counted);
	tcase_add_test(tc, unterminated_comment);
	tcase_add_test(tc, space_before_is_tracked);
	tcase_add_test(tc, embedded_c_keeps_text_and_lines);
	tcase_add_test(tc, target_and_at_tokens);
	tcase_add_test(tc, stray_characters_are_reported_and_skipped);
	tcase_add_test(tc, identifier_check);
	suite_add_tcase(s, tc);
	return s;
}
