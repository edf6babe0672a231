/* test_target.c - target facts: release discovery and the kernel config. */
#include "session.h"

#include <check.h>
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
	tcase_add_test(tc, config_of_the_target_kernel);
	tcase_add_test(tc, unknown_release_has_no_config);
	suite_add_tcase(s, tc);
	return s;
}
