/* test_tapset.c - the tapset library path as stap lays it out, the file
 * lists, and the loader over Debian's systemtap library (CI installs it). */
#include "session.h"
#include "tapset.h"
#include "target_kernel.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(search_dirs_go_from_specific_to_general)
{
	struct arena a;
	struct ptrvec dirs = { 0 };

	arena_init(&a);
	tapset_search_dirs(&a, "/T", "6.1.0-56-amd64", "x86_64", &dirs);
	ck_assert_int_eq(dirs.n, 16);
	ck_assert_str_eq(dirs.v[0], "/T/linux/6.1.0-56-amd64/x86_64");
	ck_assert_str_eq(dirs.v[1], "/T/linux/6.1.0-56-amd64");
	ck_assert_str_eq(dirs.v[2], "/T/linux/6.1.0/x86_64");
	ck_assert_str_eq(dirs.v[3], "/T/linux/6.1.0");
	ck_assert_str_eq(dirs.v[4], "/T/linux/6.1/x86_64");
	ck_assert_str_eq(dirs.v[5], "/T/linux/6.1");
	ck_assert_str_eq(dirs.v[6], "/T/linux/x86_64");
	ck_assert_str_eq(dirs.v[7], "/T/linux");
	ck_assert_str_eq(dirs.v[14], "/T/x86_64");
	ck_assert_str_eq(dirs.v[15], "/T");
	arena_free(&a);
}
END_TEST

START_TEST(release_without_local_version)
{
	struct arena a;
	struct ptrvec dirs = { 0 };

	arena_init(&a);
	tapset_search_dirs(&a, "/T", "5.10.3", "x86_64", &dirs);
	/* 5.10.3 then its family 5.10; no base release distinct from R */
	ck_assert_int_eq(dirs.n, 12);
	ck_assert_str_eq(dirs.v[2], "/T/linux/5.10/x86_64");
	arena_free(&a);
}
END_TEST

START_TEST(file_lists_are_sorted_and_filtered_by_suffix)
{
	char dir[] = "/tmp/test_tapset_XXXXXX";
	const char *names[] = { "zeta.stp", "alpha.stp", "macros.stpm", "notes.txt", ".hidden.stp" };
	struct ptrvec stp = { 0 }, stpm = { 0 };
	struct arena a;
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fclose(f);
	}
	arena_init(&a);
	tapset_list_files(&a, dir, ".stp", &stp);
	tapset_list_files(&a, dir, ".stpm", &stpm);
	ck_assert_int_eq(stp.n, 2);
	ck_assert_ptr_nonnull(strstr(stp.v[0], "/alpha.stp"));
	ck_assert_ptr_nonnull(strstr(stp.v[1], "/zeta.stp"));
	ck_assert_int_eq(stpm.n, 1);
	tapset_list_files(&a, "/nonexistent/dir", ".stp", &stp);
	ck_assert_int_eq(stp.n, 2);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	arena_free(&a);
}
END_TEST

/* Conformance: Debian's systemtap 4.8 library, as stap -p1 -v counts it
 * for Debian's 6.1 kernels on x86_64 (484), parses with no error. */
START_TEST(debian_library_parses_like_stap)
{
	const char *lib = "/usr/share/systemtap/tapset";
	struct session s;
	struct stat st;
	int n;

	ck_assert_msg(stat(lib, &st) == 0, "no %s (install systemtap)", lib);
	session_init(&s);
	s.kernel_release = need_target_kernel(&s.arena, "debian_library_parses_like_stap");
	ck_assert_int_eq(target_init(&s), 0);
	setenv("GSTAP_TAPSET", lib, 1);
	diag_reset();
	n = tapset_parse_library(&s);
	unsetenv("GSTAP_TAPSET");
	ck_assert_int_eq(diag.errors, 0);
	ck_assert_int_eq(n, 484);
	ck_assert_int_eq(s.prog.files.n, 484);
	session_fini(&s);
}
END_TEST

Suite *tapset_suite(void)
{
	Suite *s = suite_create("tapset");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, search_dirs_go_from_specific_to_general);
	tcase_add_test(tc, release_without_local_version);
	tcase_add_test(tc, file_lists_are_sorted_and_filtered_by_suffix);
	tcase_add_test(tc, debian_library_parses_like_stap);
	suite_add_tcase(s, tc);
	return s;
}
