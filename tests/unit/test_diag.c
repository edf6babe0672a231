/* test_diag.c - diagnostic layout, de-duplication, JSON mode. */
#include "diag.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *capture(void (*fn)(void), enum diag_format fmt)
{
	static char *buf;
	static size_t len;
	FILE *f;

	buf = NULL;
	f = open_memstream(&buf, &len);

	diag_reset();
	diag.out = f;
	diag.format = fmt;
	fn();
	fclose(f);
	diag.out = NULL;
	diag.format = DIAG_TEXT;
	return buf;
}

static struct src_file *src;

static void report_one(void)
{
	struct loc l = { src, 2, 9, 4 };

	diag_error(l, "unknown function '%s'", "fial");
}

START_TEST(error_has_location_source_and_caret)
{
	char *out;

	src = src_file_from_string("probes/io.stp", "probe begin {\n\tif (x) fial(-EIO)\n}\n");
	out = capture(report_one, DIAG_TEXT);
	ck_assert_str_eq(out, "probes/io.stp:2:9: error: unknown function 'fial'\n"
			      "    2 | \tif (x) fial(-EIO)\n"
			      "      | \t       ^~~~\n");
	ck_assert_int_eq(diag.errors, 1);
	free(out);
}
END_TEST

static void report_twice(void)
{
	report_one();
	report_one();
}

START_TEST(duplicates_are_dropped)
{
	char *out;

	src = src_file_from_string("a.stp", "x\nabcdefghijkl\n");
	out = capture(report_twice, DIAG_TEXT);
	ck_assert_int_eq(diag.errors, 1);
	ck_assert_ptr_null(strstr(strstr(out, "error") + 1, "error"));
	free(out);
}
END_TEST

START_TEST(json_mode_is_one_object_per_line)
{
	char *out;

	src = src_file_from_string("<input>", "a\nprobe \"q\"\n");
	out = capture(report_one, DIAG_JSON);
	ck_assert_str_eq(out, "{\"level\":\"error\",\"file\":\"<input>\",\"line\":2,"
			      "\"column\":9,\"message\":\"unknown function 'fial'\"}\n");
	free(out);
}
END_TEST

Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, error_has_location_source_and_caret);
	tcase_add_test(tc, duplicates_are_dropped);
	tcase_add_test(tc, json_mode_is_one_object_per_line);
	suite_add_tcase(s, tc);
	return s;
}
