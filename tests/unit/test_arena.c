/* test_arena.c - the arena and the allocation hook. */
#include "arena.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

START_TEST(alloc_is_zeroed_and_aligned)
{
	struct arena a;
	int i;

	arena_init(&a);
	for (i = 1; i < 200; i++) {
		unsigned char *p = arena_alloc(&a, (size_t)i * 7);
		size_t j;

		/* 16 for a size that rounds to a multiple of 16, else 8 */
		ck_assert_uint_eq((uintptr_t)p % (((size_t)i * 7 + 7) / 8 % 2 ? 8 : 16), 0);
		for (j = 0; j < (size_t)i * 7; j++)
			ck_assert_uint_eq(p[j], 0);
		memset(p, 0xab, (size_t)i * 7);
	}
	arena_free(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

START_TEST(large_allocation_gets_its_own_chunk)
{
	struct arena a;
	char *big;

	arena_init(&a);
	big = arena_alloc(&a, 1 << 20);
	big[(1 << 20) - 1] = 1;
	ck_assert_uint_ge(a.used, 1 << 20);
	arena_free(&a);
}
END_TEST

START_TEST(strings_and_printf)
{
	struct arena a;

	arena_init(&a);
	ck_assert_str_eq(arena_strdup(&a, "probe"), "probe");
	ck_assert_str_eq(arena_strndup(&a, "begin end", 5), "begin");
	ck_assert_str_eq(arena_printf(&a, "%s:%d", "x", 42), "x:42");
	arena_free(&a);
}
END_TEST

START_TEST(ptrvec_grows_and_keeps_order)
{
	struct arena a;
	struct ptrvec v = { 0 };
	long i;

	arena_init(&a);
	for (i = 0; i < 1000; i++)
		ptrvec_push(&a, &v, (void *)i);
	ck_assert_int_eq(v.n, 1000);
	for (i = 0; i < 1000; i++)
		ck_assert_ptr_eq(v.v[i], (void *)i);
	arena_free(&a);
}
END_TEST

START_TEST(alloc_hook_fails_on_nth_call)
{
	void *p;

	xalloc_fail_after(1);
	p = xmalloc(8);	/* first call succeeds */
	ck_assert_ptr_nonnull(p);
	free(p);
	xmalloc(8);	/* second: "fatal: out of memory", exit(1) */
}
END_TEST

/* arena_reset keeps the newest chunk, zeroed again, and drops the rest. */
START_TEST(reset_reuses_the_newest_chunk_zeroed)
{
	struct arena a;
	unsigned char *p, *q;
	size_t i;

	arena_init(&a);
	arena_alloc(&a, 1000);
	p = arena_alloc(&a, 200 * 1024);	/* a second, larger chunk */
	memset(p, 0xff, 200 * 1024);
	arena_reset(&a);
	ck_assert_uint_eq(a.used, 0);
	q = arena_alloc(&a, 200 * 1024);
	for (i = 0; i < 200 * 1024; i++)
		ck_assert_uint_eq(q[i], 0);
	ck_assert_ptr_eq(q, p);
	arena_free(&a);
}
END_TEST

/* After a reset, memory is zeroed lazily, a little ahead of each
 * allocation: every byte handed out again must still read 0, small or large,
 * and beyond the bytes the first round used. */
START_TEST(reset_zeroes_what_it_hands_out_again)
{
	struct arena a;
	size_t sizes[] = { 8, 24, 56, 176, 3000, 1, 40000, 16 };
	int round, i;

	arena_init(&a);
	for (round = 0; round < 3; round++) {
		size_t total = 0;

		for (i = 0; total < (size_t)(round + 1) * 100000; i = (i + 1) % 8) {
			unsigned char *p = arena_alloc(&a, sizes[i]);
			size_t j, nonzero = 0;

			/* one assertion per allocation: each ck_assert is a
			 * message to the parent process in fork mode */
			for (j = 0; j < sizes[i]; j++)
				nonzero += p[j] != 0;
			ck_assert_uint_eq(nonzero, 0);
			memset(p, 0xa5, sizes[i]);
			total += sizes[i];
		}
		arena_reset(&a);
	}
	arena_free(&a);
}
END_TEST

/* Chunks of 4 MB and more are mappings of their own (huge pages where the
 * kernel offers them): zeroed, writable to the end, reset and freed alike. */
START_TEST(huge_chunks_work_like_the_others)
{
	struct arena a;
	unsigned char *p;
	size_t i, n = 5 * 1024 * 1024;

	arena_init(&a);
	p = arena_alloc(&a, n);
	for (i = 0; i < n; i += 4096)
		ck_assert_uint_eq(p[i], 0);
	memset(p, 0x5a, n);
	arena_reset(&a);
	p = arena_alloc(&a, n);
	for (i = 0; i < n; i++)
		if (p[i])
			ck_abort_msg("byte %zu of a reused huge chunk is not zero", i);
	arena_free(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, alloc_is_zeroed_and_aligned);
	tcase_add_test(tc, reset_reuses_the_newest_chunk_zeroed);
	tcase_add_test(tc, reset_zeroes_what_it_hands_out_again);
	tcase_add_test(tc, huge_chunks_work_like_the_others);
	tcase_add_test(tc, large_allocation_gets_its_own_chunk);
	tcase_add_test(tc, strings_and_printf);
	tcase_add_test(tc, ptrvec_grows_and_keeps_order);
	tcase_add_exit_test(tc, alloc_hook_fails_on_nth_call, 1);
	suite_add_tcase(s, tc);
	return s;
}
