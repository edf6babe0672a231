/* test_units.c - the strict value parser of scenarios. */
#include "units.h"

#include <check.h>
#include <stdint.h>

static uint64_t dur(const char *s)
{
	struct units_err e = { 0, 0 };
	uint64_t v = 12345;

	ck_assert_msg(units_duration(s, &v, &e) == 0, "'%s': %s", s, e.msg);
	return v;
}

static struct units_err dur_bad(const char *s)
{
	struct units_err e = { 0, -1 };
	uint64_t v;

	ck_assert_msg(units_duration(s, &v, &e) == -1, "'%s' accepted", s);
	ck_assert(e.msg != NULL);
	return e;
}

START_TEST(durations)
{
	ck_assert_uint_eq(dur("5ms"), 5000000);
	ck_assert_uint_eq(dur("250us"), 250000);
	ck_assert_uint_eq(dur("1.5s"), 1500000000);
	ck_assert_uint_eq(dur("2.25ms"), 2250000);
	ck_assert_uint_eq(dur("100ns"), 100);
	ck_assert_uint_eq(dur("2m"), 120000000000ULL);
	ck_assert_uint_eq(dur("0"), 0);
	ck_assert_uint_eq(dur("0.0000005ms"), 1);	/* rounded to the ns */
}
END_TEST

START_TEST(bad_durations)
{
	struct units_err e;

	e = dur_bad("10");
	ck_assert_int_eq(e.offset, 2);
	e = dur_bad("010ms");	/* libcyaml would say 8 */
	ck_assert_int_eq(e.offset, 0);
	e = dur_bad("5 ms");
	ck_assert_int_eq(e.offset, 1);
	e = dur_bad("5sec");
	ck_assert_int_eq(e.offset, 1);
	dur_bad("-5ms");
	dur_bad("");
	dur_bad("ms");
	dur_bad("5.ms");
	dur_bad("99999999999999999999ms");
	dur_bad("999999999999h");
}
END_TEST

static uint64_t prob(const char *s)
{
	struct units_err e = { 0, 0 };
	uint64_t v;

	ck_assert_msg(units_probability(s, &v, &e) == 0, "'%s': %s", s, e.msg);
	return v;
}

START_TEST(probabilities)
{
	ck_assert_uint_eq(prob("100%"), 1ULL << 32);
	ck_assert_uint_eq(prob("1"), 1ULL << 32);
	ck_assert_uint_eq(prob("0"), 0);
	ck_assert_uint_eq(prob("50%"), 1ULL << 31);
	ck_assert_uint_eq(prob("1/2"), 1ULL << 31);
	ck_assert_uint_eq(prob("0.5"), 1ULL << 31);
	ck_assert_uint_eq(prob("10%"), prob("1/10"));
	ck_assert_uint_eq(prob("10%"), prob("0.1"));
	ck_assert_uint_eq(prob("12.5%"), 1ULL << 29);
	ck_assert_uint_ge(prob("0.0000001%"), 1);	/* tiny is not never */
}
END_TEST

START_TEST(bad_probabilities)
{
	struct units_err e;
	uint64_t v;

	ck_assert_int_eq(units_probability("110%", &v, &e), -1);
	ck_assert_int_eq(units_probability("3/2", &v, &e), -1);
	ck_assert_int_eq(units_probability("1/0", &v, &e), -1);
	ck_assert_int_eq(e.offset, 2);
	ck_assert_int_eq(units_probability("1.5", &v, &e), -1);
	ck_assert_int_eq(units_probability("10 %", &v, &e), -1);
	ck_assert_int_eq(units_probability("ten", &v, &e), -1);
	ck_assert_int_eq(units_probability("1.5/3", &v, &e), -1);
}
END_TEST

START_TEST(counts_reals_sizes)
{
	struct units_err e;
	uint64_t v;
	double d;

	ck_assert_int_eq(units_count("42", &v, &e), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(units_count("0", &v, &e), 0);
	ck_assert_int_eq(units_count("010", &v, &e), -1);
	ck_assert_int_eq(units_count("4.0", &v, &e), -1);
	ck_assert_int_eq(e.offset, 1);
	ck_assert_int_eq(units_count("-1", &v, &e), -1);
	ck_assert_int_eq(units_real("0.5", &d, &e), 0);
	ck_assert(d == 0.5);
	ck_assert_int_eq(units_real("1e3", &d, &e), -1);
	ck_assert_int_eq(units_size("4KiB", &v, &e), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(units_size("512", &v, &e), 0);
	ck_assert_uint_eq(v, 512);
	ck_assert_int_eq(units_size("1.5MB", &v, &e), 0);
	ck_assert_uint_eq(v, 1500000);
	ck_assert_int_eq(units_size("4KB", &v, &e), -1);
}
END_TEST

START_TEST(when_expressions)
{
	struct units_err e;
	uint64_t f, l, s;

	ck_assert_int_eq(units_when("3", &f, &l, &s, &e), 0);
	ck_assert(f == 3 && l == 0 && s == 0);
	ck_assert_int_eq(units_when("3+", &f, &l, &s, &e), 0);
	ck_assert(f == 3 && l == 0 && s == 1);
	ck_assert_int_eq(units_when("3+2", &f, &l, &s, &e), 0);
	ck_assert(f == 3 && l == 0 && s == 2);
	ck_assert_int_eq(units_when("3..7", &f, &l, &s, &e), 0);
	ck_assert(f == 3 && l == 7 && s == 1);
	ck_assert_int_eq(units_when("3..9+3", &f, &l, &s, &e), 0);
	ck_assert(f == 3 && l == 9 && s == 3);
	ck_assert_int_eq(units_when("2..", &f, &l, &s, &e), 0);
	ck_assert(f == 2 && l == 0 && s == 1);
	ck_assert_int_eq(units_when("0", &f, &l, &s, &e), -1);
	ck_assert_int_eq(units_when("7..3", &f, &l, &s, &e), -1);
	ck_assert_int_eq(e.offset, 3);
	ck_assert_int_eq(units_when("3+0", &f, &l, &s, &e), -1);
	ck_assert_int_eq(units_when("3-5", &f, &l, &s, &e), -1);
	ck_assert_int_eq(units_range("0..2047", &f, &l, &e), 0);
	ck_assert(f == 0 && l == 2047);
	ck_assert_int_eq(units_range("9..3", &f, &l, &e), -1);
}
END_TEST

Suite *units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, durations);
	tcase_add_test(tc, bad_durations);
	tcase_add_test(tc, probabilities);
	tcase_add_test(tc, bad_probabilities);
	tcase_add_test(tc, counts_reals_sizes);
	tcase_add_test(tc, when_expressions);
	suite_add_tcase(s, tc);
	return s;
}
