/* test_cmdline.c - splitting -c COMMAND as stap does (cmdline.c). */
#include "cmdline.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* The words of cmd joined by ',' ("" for the kinds without words) */
static char *split_text(const char *cmd, enum cmdline_kind want)
{
	static char out[256];
	char **argv;
	enum cmdline_kind k = cmdline_split(cmd, &argv);
	int i;

	ck_assert_int_eq(k, want);
	out[0] = 0;
	if (k != CMDLINE_WORDS && k != CMDLINE_EXPAND) {
		ck_assert_ptr_null(argv);
		return out;
	}
	for (i = 0; argv[i]; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, argv[i]);
	}
	free(argv);
	return out;
}

START_TEST(blanks_separate_words)
{
	ck_assert_str_eq(split_text("  ls   -l\t/tmp ", CMDLINE_WORDS), "ls,-l,/tmp");
	ck_assert_str_eq(split_text("", CMDLINE_WORDS), "");
}
END_TEST

START_TEST(quotes_and_backslashes_are_removed)
{
	ck_assert_str_eq(split_text("'/opt/my prog' \"a b\" c\\ d", CMDLINE_WORDS),
			 "/opt/my prog,a b,c d");
	ck_assert_str_eq(split_text("sh -c \"echo \\\"hi\\\"\"", CMDLINE_WORDS),
			 "sh,-c,echo \"hi\"");
	ck_assert_str_eq(split_text("x'y'\"z\"", CMDLINE_WORDS), "xyz");
	/* inside single quotes nothing is special */
	ck_assert_str_eq(split_text("echo '$HOME | x'", CMDLINE_WORDS), "echo,$HOME | x");
}
END_TEST

START_TEST(shell_syntax_goes_to_the_shell)
{
	split_text("ls | wc", CMDLINE_SHELL);
	split_text("a && b", CMDLINE_SHELL);
	split_text("cat < f", CMDLINE_SHELL);
	split_text("(x)", CMDLINE_SHELL);
	split_text("a\nb", CMDLINE_SHELL);
	/* quoted, it is a word */
	ck_assert_str_eq(split_text("grep 'a|b' f", CMDLINE_WORDS), "grep,a|b,f");
}
END_TEST

START_TEST(expansions_are_marked_and_kept)
{
	ck_assert_str_eq(split_text("ls $HOME", CMDLINE_EXPAND), "ls,$HOME");
	ck_assert_str_eq(split_text("ls *.c", CMDLINE_EXPAND), "ls,*.c");
	ck_assert_str_eq(split_text("~/bin/x", CMDLINE_EXPAND), "~/bin/x");
	ck_assert_str_eq(split_text("echo \"$x\"", CMDLINE_EXPAND), "echo,$x");
	/* a ~ inside a word is not expanded */
	ck_assert_str_eq(split_text("echo a~b", CMDLINE_WORDS), "echo,a~b");
}
END_TEST

START_TEST(unmatched_quotes_are_errors)
{
	split_text("echo 'abc", CMDLINE_UNMATCHED);
	split_text("echo \"abc", CMDLINE_UNMATCHED);
	split_text("echo abc\\", CMDLINE_UNMATCHED);
}
END_TEST

Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, blanks_separate_words);
	tcase_add_test(tc, quotes_and_backslashes_are_removed);
	tcase_add_test(tc, shell_syntax_goes_to_the_shell);
	tcase_add_test(tc, expansions_are_marked_and_kept);
	tcase_add_test(tc, unmatched_quotes_are_errors);
	suite_add_tcase(s, tc);
	return s;
}
