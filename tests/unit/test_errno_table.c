/* test_errno_table.c - errno_table.h agrees with the C library's errno.h. */
#include "errno_table.h"

#include <check.h>
#include <errno.h>
#include <string.h>

struct entry {
	const char *name;
	int value, libc;
};

/* The table, next to what <errno.h> says for each name. */
static const struct entry user_errnos[] = {
#define X(n, v) { #n, v, n },
	ERRNO_LIST(X) ERRNO_ALIAS_LIST(X)
#undef X
};

static const struct entry kernel_errnos[] = {
#define X(n, v) { #n, v, 0 },
	ERRNO_KERNEL_LIST(X)
#undef X
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

START_TEST(values_match_libc)
{
	int i;

	for (i = 0; i < N(user_errnos); i++)
		ck_assert_msg(user_errnos[i].value == user_errnos[i].libc, "%s is %d, libc says %d",
			      user_errnos[i].name, user_errnos[i].value, user_errnos[i].libc);
}
END_TEST

/* ERRNO_LIST: one canonical name per value, ascending, so that value ->
 * name tables can be built from it with designated initializers. */
START_TEST(canonical_list_is_ascending_and_complete)
{
	int i, n = 0;

	for (i = 0; i < N(user_errnos) && strcmp(user_errnos[i].name, "EWOULDBLOCK"); i++) {
		if (i)
			ck_assert_int_gt(user_errnos[i].value, user_errnos[i - 1].value);
		n++;
	}
	/* 1..133 less the two numbers Linux never assigned (41 and 58) */
	ck_assert_int_eq(n, 131);
	ck_assert_str_eq(user_errnos[0].name, "EPERM");
	ck_assert_str_eq(user_errnos[n - 1].name, "EHWPOISON");
}
END_TEST

START_TEST(kernel_values_are_above_user_ones)
{
	int i;

	ck_assert_str_eq(kernel_errnos[0].name, "ERESTARTSYS");
	ck_assert_int_eq(kernel_errnos[0].value, 512);
	for (i = 1; i < N(kernel_errnos); i++)
		ck_assert_int_gt(kernel_errnos[i].value, kernel_errnos[i - 1].value);
}
END_TEST

Suite *errno_table_suite(void)
{
	Suite *s = suite_create("errno_table");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, values_match_libc);
	tcase_add_test(tc, canonical_list_is_ascending_and_complete);
	tcase_add_test(tc, kernel_values_are_above_user_ones);
	suite_add_tcase(s, tc);
	return s;
}
