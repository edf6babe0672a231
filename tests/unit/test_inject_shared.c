/* test_inject_shared.c - the arithmetic the kernel runtime and userspace
 * share (guru-runtime/inject_shared.h): strace's when, the seeded draws,
 * the quantile sampler and the log-linear histogram. */
#include "../guru-runtime/inject_shared.h"

#include <check.h>

START_TEST(when_is_straces)
{
	/* when=3: only the 3rd */
	ck_assert(!stp_inject_when_hit(2, 3, 0, 0));
	ck_assert(stp_inject_when_hit(3, 3, 0, 0));
	ck_assert(!stp_inject_when_hit(4, 3, 0, 0));
	/* when=3+: the 3rd and every one after */
	ck_assert(stp_inject_when_hit(3, 3, 0, 1) && stp_inject_when_hit(1000, 3, 0, 1));
	/* when=3..9+3: 3, 6, 9 */
	ck_assert(stp_inject_when_hit(3, 3, 9, 3));
	ck_assert(!stp_inject_when_hit(4, 3, 9, 3));
	ck_assert(stp_inject_when_hit(6, 3, 9, 3));
	ck_assert(stp_inject_when_hit(9, 3, 9, 3));
	ck_assert(!stp_inject_when_hit(12, 3, 9, 3));
}
END_TEST

START_TEST(draws_depend_on_seed_rule_call_stream_only)
{
	stp_u32 a = stp_inject_draw(42, 0, 7, STP_INJECT_STREAM_TRIGGER);

	ck_assert_uint_eq(a, stp_inject_draw(42, 0, 7, STP_INJECT_STREAM_TRIGGER));
	ck_assert_uint_ne(a, stp_inject_draw(43, 0, 7, STP_INJECT_STREAM_TRIGGER));
	ck_assert_uint_ne(a, stp_inject_draw(42, 1, 7, STP_INJECT_STREAM_TRIGGER));
	ck_assert_uint_ne(a, stp_inject_draw(42, 0, 8, STP_INJECT_STREAM_TRIGGER));
	ck_assert_uint_ne(a, stp_inject_draw(42, 0, 7, STP_INJECT_STREAM_DELAY));
}
END_TEST

START_TEST(probability_is_respected)
{
	stp_u64 n, hits = 0, tenth = STP_INJECT_PROB_ALWAYS / 10;

	for (n = 1; n <= 100000; n++)
		hits += stp_inject_prob_hit(tenth, stp_inject_draw(1, 0, n, STP_INJECT_STREAM_TRIGGER));
	ck_assert_uint_ge(hits, 9700);	/* 10% of 100000, +-3 sigma (95) */
	ck_assert_uint_le(hits, 10300);
	ck_assert(stp_inject_prob_hit(STP_INJECT_PROB_ALWAYS, 0xffffffffu));
	ck_assert(!stp_inject_prob_hit(0, 0));
}
END_TEST

START_TEST(sampler_interpolates)
{
	stp_u64 q[STP_INJECT_NQUANT];
	int k;

	for (k = 0; k < STP_INJECT_NQUANT; k++)
		q[k] = 1000 * (stp_u64)k;
	ck_assert_uint_eq(stp_inject_sample(q, 0), 0);
	/* the median point of the grid is index 17 */
	ck_assert_uint_eq(stp_inject_sample(q, (stp_u32)stp_inject_qgrid(17)), 17000);
	/* half-way between grid points 17 (0.5) and 18 (0.55) */
	ck_assert_uint_eq(stp_inject_sample(q, (stp_u32)((stp_inject_qgrid(17) +
							   stp_inject_qgrid(18)) / 2)), 17500);
	ck_assert_uint_le(stp_inject_sample(q, 0xffffffffu), 33000);
	ck_assert_uint_ge(stp_inject_sample(q, 0xffffffffu), 32999);
}
END_TEST

START_TEST(histogram_buckets)
{
	stp_u64 v;
	int i;

	for (i = 0; i < STP_INJECT_NHIST - 1; i++) {
		ck_assert_int_eq(stp_inject_hist_index(stp_inject_hist_low(i)), i);
		ck_assert_int_eq(stp_inject_hist_index(stp_inject_hist_low(i + 1) - 1), i);
	}
	/* 6.25% resolution above 16 */
	for (v = 16; v < (1ULL << 36); v = v * 3 / 2 + 1) {
		i = stp_inject_hist_index(v);
		ck_assert_uint_le(stp_inject_hist_low(i), v);
		ck_assert_uint_le(v - stp_inject_hist_low(i), v / 16);
	}
	ck_assert_int_eq(stp_inject_hist_index(~0ULL), STP_INJECT_NHIST - 1);
}
END_TEST

Suite *inject_shared_suite(void)
{
	Suite *s = suite_create("inject_shared");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, when_is_straces);
	tcase_add_test(tc, draws_depend_on_seed_rule_call_stream_only);
	tcase_add_test(tc, probability_is_respected);
	tcase_add_test(tc, sampler_interpolates);
	tcase_add_test(tc, histogram_buckets);
	suite_add_tcase(s, tc);
	return s;
}
