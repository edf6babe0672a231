/* test_target.c - target facts: release discovery and the kernel config. */
#include "session.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(vm_release_has_image_and_build_tree)
{
	struct arena a;
	const char *r;

	arena_init(&a);
	r = target_default_vm_release(&a);
	ck_assert_msg(r != NULL, "no /boot/vmlinuz-R with /lib/modules/R/build: "
		      "install linux-image-amd64 and linux-headers-amd64");
	ck_assert_ptr_nonnull(strchr(r, '.'));
	arena_free(&a);
}
END_TEST

START_TEST(rt_flavour_is_named)
{
	ck_assert(target_release_is_rt("6.1.0-56-rt-amd64"));
	ck_assert(target_release_is_rt("6.6.0-rt15"));
	ck_assert(target_release_is_rt("5.10.0-rt"));
	ck_assert(!target_release_is_rt("6.1.0-56-amd64"));
	ck_assert(!target_release_is_rt("6.1.0-56-cloud-amd64"));
	ck_assert(!target_release_is_rt("6.1.0-rtx-amd64"));
	ck_assert(!target_release_is_rt("6.1.0-56-amd64-rtl"));
}
END_TEST

static int order_qsort(const void *a, const void *b)
{
	return target_vm_release_order(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(vm_release_prefers_standard_then_newest)
{
	const char *v[] = { "6.1.0-9-rt-amd64", "6.1.0-56-rt-amd64", "6.1.0-9-amd64",
			    "6.1.0-56-amd64", "5.10.0-30-amd64", "6.12.1-1-rt-amd64" };
	const char *want[] = { "6.1.0-56-amd64", "6.1.0-9-amd64", "5.10.0-30-amd64",
			       "6.12.1-1-rt-amd64", "6.1.0-56-rt-amd64", "6.1.0-9-rt-amd64" };
	size_t i;

	qsort(v, sizeof(v) / sizeof(v[0]), sizeof(v[0]), order_qsort);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_str_eq(v[i], want[i]);
	/* an RT kernel alone is still a kernel to boot */
	ck_assert_int_lt(target_vm_release_order("6.1.0-56-rt-amd64", "6.1.0-9-rt-amd64"), 0);
	ck_assert_int_eq(target_vm_release_order("6.1.0-56-amd64", "6.1.0-56-amd64"), 0);
}
END_TEST

START_TEST(default_vm_release_is_the_first_listed)
{
	struct arena a;
	const char **v;

	arena_init(&a);
	v = target_vm_releases(&a);
	ck_assert_ptr_nonnull(v[0]);
	ck_assert_str_eq(target_default_vm_release(&a), v[0]);
	for (; v[0] && v[1]; v++)
		ck_assert_int_le(target_vm_release_order(v[0], v[1]), 0);
	arena_free(&a);
}
END_TEST

START_TEST(config_of_the_target_kernel)
{
	struct session s;

	session_init(&s);
	s.vm = 1;
	ck_assert_int_eq(target_init(&s), 0);
	ck_assert_str_eq(s.target.config(s.target.config_ctx, "CONFIG_KPROBES"), "y");
	ck_assert_str_eq(s.target.config(s.target.config_ctx, "CONFIG_MODULES"), "y");
	ck_assert_ptr_null(s.target.config(s.target.config_ctx, "CONFIG_NO_SUCH_OPTION_X"));
	ck_assert_str_eq(s.target.arch, "x86_64");
	session_fini(&s);
}
END_TEST

START_TEST(unknown_release_has_no_config)
{
	struct session s;

	session_init(&s);
	s.kernel_release = "0.0.0-none";
	ck_assert_int_eq(target_init(&s), 0);
	ck_assert_str_eq(s.build_dir, "/lib/modules/0.0.0-none/build");
	ck_assert_ptr_null(s.target.config(s.target.config_ctx, "CONFIG_KPROBES"));
	session_fini(&s);
}
END_TEST

Suite *target_suite(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, vm_release_has_image_and_build_tree);
	tcase_add_test(tc, rt_flavour_is_named);
	tcase_add_test(tc, vm_release_prefers_standard_then_newest);
	tcase_add_test(tc, default_vm_release_is_the_first_listed);
	tcase_add_test(tc, config_of_the_target_kernel);
	tcase_add_test(tc, unknown_release_has_no_config);
	suite_add_tcase(s, tc);
	return s;
}
