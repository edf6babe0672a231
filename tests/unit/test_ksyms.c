/* test_ksyms.c - glob matching and symbol lookup. The kernel's symbols come
 * from a BTF the test registers for a release of its own (the fallback
 * source when no System.map exists); modules and the real kernel's symbols
 * from the installed target kernel (target_kernel.h: found at run time; the
 * tests that need it fail, naming the packages, where it is absent). */
#include "btf.h"
#include "ksyms.h"
#include "target_kernel.h"
#include "tracepoints.h"

#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE "kstest-1"
#define BIG "kstest-big"
#define BIG_N 50000

static struct arena arena;
static struct target_info fake, real;

static void setup(void)
{
	static const char *const funcs[] = {
		"vfs_read", "vfs_write", "vfs_readv", "do_sys_open", "do_sys_openat2",
		"__pfx_vfs_read", "__x86_indirect_thunk_rax", "kprobe_flush_task",
		"exc_int3", "vfs_read",	/* static functions of one name repeat */
	};
	struct btf *b = btf__new_empty();
	int proto, i;

	arena_init(&arena);
	memset(&fake, 0, sizeof(fake));
	fake.kernel_release = FAKE;
	memset(&real, 0, sizeof(real));	/* the release: need_target_kernel() */
	proto = btf__add_func_proto(b, 0);
	for (i = 0; i < (int)(sizeof(funcs) / sizeof(funcs[0])); i++)
		btf__add_func(b, funcs[i], BTF_FUNC_GLOBAL, proto);
	btf_register(FAKE, NULL, b);
}

static void teardown(void)
{
	tracepoints_cache_free();
	ksyms_cache_free();
	btf_cache_free();
	arena_free(&arena);
}

START_TEST(glob_star_question_class)
{
	ck_assert(ksyms_glob_match("vfs_*", "vfs_read", 0));
	ck_assert(ksyms_glob_match("vfs_*", "vfs_", 0));
	ck_assert(!ksyms_glob_match("vfs_*", "do_vfs_read", 0));
	ck_assert(ksyms_glob_match("*read", "vfs_read", 0));
	ck_assert(ksyms_glob_match("vfs_rea?", "vfs_read", 0));
	ck_assert(!ksyms_glob_match("vfs_rea?", "vfs_rea", 0));
	ck_assert(ksyms_glob_match("sys_[a-c]*", "sys_close", 0));
	ck_assert(!ksyms_glob_match("sys_[!a-c]*", "sys_close", 0));
	ck_assert(!ksyms_glob_match("sys_[a-c", "sys_a", 0));	/* unterminated class */
	ck_assert(ksyms_glob_match("exact", "exact", 0));
	ck_assert(!ksyms_glob_match("exact", "exactly", 0));
}
END_TEST

START_TEST(glob_separator_and_double_star)
{
	ck_assert(ksyms_glob_match("syscall.*", "syscall.open", '.'));
	ck_assert(!ksyms_glob_match("syscall.*", "syscall.open.return", '.'));
	ck_assert(ksyms_glob_match("syscall.**", "syscall.open.return", '.'));
	ck_assert(ksyms_glob_match("*.return", "open.return", '.'));
	ck_assert(!ksyms_glob_match("sys?open", "sys.open", '.'));
	ck_assert(ksyms_glob_match("a*b", "a.x.b", 0));
}
END_TEST

START_TEST(glob_alternatives_nest)
{
	ck_assert(ksyms_glob_match("{vfs,do_sys}_open", "do_sys_open", 0));
	ck_assert(ksyms_glob_match("{vfs,do_sys}_open", "vfs_open", 0));
	ck_assert(!ksyms_glob_match("{vfs,do_sys}_open", "sys_open", 0));
	ck_assert(ksyms_glob_match("vfs_{read,write{,v}}", "vfs_writev", 0));
	ck_assert(ksyms_glob_match("vfs_{read,write{,v}}", "vfs_write", 0));
	ck_assert(!ksyms_glob_match("vfs_{read,write{,v}}", "vfs_readv", 0));
	ck_assert(ksyms_glob_match("{a*,b}x", "abcx", 0));
	ck_assert(ksyms_glob_match("a{b", "a{b", 0));	/* unclosed: literal */
	ck_assert(ksyms_is_glob("a{b,c}"));
	ck_assert(ksyms_is_glob("a*"));
	ck_assert(!ksyms_is_glob("vfs_read"));
}
END_TEST

START_TEST(match_prefix_range_sorted_unique)
{
	struct ptrvec out = { 0 };

	ck_assert_int_eq(ksyms_match(&arena, &fake, NULL, "vfs_*", &out), 3);
	ck_assert_str_eq(out.v[0], "vfs_read");
	ck_assert_str_eq(out.v[1], "vfs_readv");
	ck_assert_str_eq(out.v[2], "vfs_write");
	ck_assert_str_eq(ksyms_source(&fake), "BTF of " FAKE);
}
END_TEST

START_TEST(match_alternatives_merge_and_dedupe)
{
	struct ptrvec out = { 0 };

	ck_assert_int_eq(ksyms_match(&arena, &fake, "kernel", "{vfs_read*,do_sys_*,vfs_read}",
				     &out), 4);
	ck_assert_str_eq(out.v[0], "do_sys_open");
	ck_assert_str_eq(out.v[1], "do_sys_openat2");
	ck_assert_str_eq(out.v[2], "vfs_read");
	ck_assert_str_eq(out.v[3], "vfs_readv");
}
END_TEST

START_TEST(match_exact_ignores_file_suffix)
{
	struct ptrvec out = { 0 };

	ck_assert_int_eq(ksyms_match(&arena, &fake, NULL, "vfs_read@fs/read_write.c:450", &out),
			 1);
	ck_assert_str_eq(out.v[0], "vfs_read");
	ck_assert_int_eq(ksyms_match(&arena, &fake, NULL, "nosuch", &out), 0);
	ck_assert_int_eq(out.n, 1);
	/* a file cannot narrow a glob without line tables: refused */
	ck_assert_int_eq(ksyms_match(&arena, &fake, NULL, "vfs_*@fs/read_write.c", &out), -1);
	ck_assert_str_eq(ksyms_error(), "a source file ('fs/read_write.c') cannot narrow a "
			 "function glob without debuginfo");
}
END_TEST

START_TEST(unprobeable_symbols_are_skipped)
{
	struct ptrvec out = { 0 };

	ck_assert_int_eq(ksyms_exists(&fake, NULL, "vfs_read"), 1);
	ck_assert_int_eq(ksyms_exists(&fake, NULL, "__pfx_vfs_read"), 0);
	ck_assert_int_eq(ksyms_exists(&fake, NULL, "__x86_indirect_thunk_rax"), 0);
	ck_assert_int_eq(ksyms_exists(&fake, NULL, "kprobe_flush_task"), 0);
	ck_assert_int_eq(ksyms_exists(&fake, NULL, "exc_int3"), 0);
	ck_assert_int_eq(ksyms_match(&arena, &fake, NULL, "*", &out), 5);
}
END_TEST

START_TEST(no_source_is_an_error_with_a_reason)
{
	struct target_info none = { 0 };
	struct ptrvec out = { 0 };

	none.kernel_release = "0.0.0-nosuch";
	ck_assert_int_eq(ksyms_match(&arena, &none, NULL, "vfs_*", &out), -1);
	ck_assert_ptr_nonnull(strstr(ksyms_error(), "no symbols for kernel 0.0.0-nosuch"));
	ck_assert_ptr_nonnull(strstr(ksyms_error(), "/boot/System.map-0.0.0-nosuch"));
	ck_assert_int_eq(ksyms_exists(&none, NULL, "vfs_read"), -1);
	ck_assert_int_eq(ksyms_module_exists(&none, "ext4"), 0);
	ck_assert_ptr_nonnull(strstr(ksyms_error(), "no module 'ext4'"));
}
END_TEST

START_TEST(module_symbols_from_ko_without_init_text)
{
	struct ptrvec out = { 0 };
	const char *path;

	real.kernel_release = need_target_kernel(&arena, "module_symbols_from_ko_without_init_text");
	path = ksyms_module_path(&arena, &real, "null-blk");	/* '-' equals '_' */
	ck_assert_ptr_nonnull(path);
	ck_assert_ptr_nonnull(strstr(path, "/null_blk.ko"));
	ck_assert(ksyms_module_exists(&real, "null_blk"));
	ck_assert_int_eq(ksyms_exists(&real, "null_blk", "null_queue_rq"), 1);
	ck_assert_int_eq(ksyms_exists(&real, "null_blk", "null_init"), 0);	/* .init.text */
	ck_assert_int_eq(ksyms_exists(&real, "null_blk", "null_exit"), 0);	/* .exit.text */
	ck_assert_int_gt(ksyms_match(&arena, &real, "null_blk", "null_*", &out), 10);
	ck_assert_ptr_null(ksyms_module_path(&arena, &real, "no_such_module"));
}
END_TEST

START_TEST(module_globs)
{
	struct ptrvec out = { 0 };
	int i;

	real.kernel_release = need_target_kernel(&arena, "module_globs");
	ck_assert_int_eq(ksyms_modules_match(&arena, &real, "null-blk", &out), 1);
	ck_assert_str_eq(out.v[0], "null_blk");
	ck_assert_int_gt(ksyms_modules_match(&arena, &real, "dm-*", &out), 3);
	for (i = 2; i < out.n; i++) {
		ck_assert(!strncmp(out.v[i], "dm_", 3));
		ck_assert_int_lt(strcmp(out.v[i - 1], out.v[i]), 0);
	}
	ck_assert_int_eq(ksyms_modules_match(&arena, &fake, "*", &out), 0);	/* no tree */
}
END_TEST

/* Properties any 6.1-ish Debian kernel has, not one build's counts. */
START_TEST(real_kernel_functions)
{
	struct ptrvec out = { 0 };
	int i;

	real.kernel_release = need_target_kernel(&arena, "real_kernel_functions");
	ck_assert_int_gt(ksyms_match(&arena, &real, NULL, "vfs_*", &out), 20);
	for (i = 0; i < out.n; i++)
		ck_assert(!strncmp(out.v[i], "vfs_", 4));
	ck_assert_int_eq(ksyms_exists(&real, NULL, "vfs_read"), 1);
	ck_assert_int_eq(ksyms_exists(&real, NULL, "do_sys_openat2"), 1);
	ck_assert_int_eq(ksyms_exists(&real, NULL, "zzz_nosuch"), 0);
}
END_TEST

/* The BTF fallback's sorted table is cached per release next to the BTF
 * extract, read back by the next process, and ignored when damaged. */
static char *cache_file(const char *dir, const char *release)
{
	char *pattern = arena_printf(&arena, "%s/inject/btf/ksyms-%s-*.txt", dir, release);
	glob_t g;
	char *path = NULL;

	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc == 1)
		path = arena_strdup(&arena, g.gl_pathv[0]);
	globfree(&g);
	return path;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(btf_symbols_are_cached_per_release)
{
	char dir[] = "/tmp/kscache.XXXXXX";
	const char *old = getenv("XDG_CACHE_HOME");
	char *saved = old ? arena_strdup(&arena, old) : NULL, *path;

	real.kernel_release = need_target_kernel(&arena, "btf_symbols_are_cached_per_release");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	if (strcmp(ksyms_source(&real), arena_printf(&arena, "BTF of %s", real.kernel_release)))
		goto out;	/* a real System.map or the running kernel: no BTF table */
	ck_assert_int_eq(ksyms_exists(&real, NULL, "vfs_read"), 1);
	path = cache_file(dir, real.kernel_release);
	ck_assert_msg(path != NULL, "no ksyms cache file under %s", dir);
	/* a doctored cache is what the next process believes */
	write_text(path, "aaa_only_in_cache\nzzz_only_in_cache\n");
	ksyms_cache_free();
	btf_cache_free();
	ck_assert_int_eq(ksyms_exists(&real, NULL, "zzz_only_in_cache"), 1);
	ck_assert_int_eq(ksyms_exists(&real, NULL, "vfs_read"), 0);
	/* an unsorted one is ignored and rewritten from the BTF */
	write_text(path, "zzz_only_in_cache\naaa_only_in_cache\n");
	ksyms_cache_free();
	btf_cache_free();
	ck_assert_int_eq(ksyms_exists(&real, NULL, "vfs_read"), 1);
	ck_assert_int_eq(ksyms_exists(&real, NULL, "zzz_only_in_cache"), 0);
	ksyms_cache_free();
	btf_cache_free();
	ck_assert_int_eq(ksyms_exists(&real, NULL, "vfs_read"), 1);
out:
	if (saved)
		setenv("XDG_CACHE_HOME", saved, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	ck_assert_int_eq(system(arena_printf(&arena, "rm -rf '%s'", dir)), 0);
}
END_TEST

/* A lookup is a binary search: in BIG_N names (the real kernel has 40000-odd
 * functions) it costs at most log2(BIG_N) + 1 = 16 comparisons, where a scan
 * would cost thousands. Counted, not timed (bench/symbols.sh times it). */
START_TEST(lookup_is_a_binary_search)
{
	struct target_info big = { 0 };
	struct ptrvec out = { 0 };
	struct btf *b = btf__new_empty();
	unsigned long before;
	int proto, i, hits = 0;
	char name[16];

	proto = btf__add_func_proto(b, 0);
	for (i = 0; i < BIG_N; i++) {
		snprintf(name, sizeof(name), "f%05d", i);
		btf__add_func(b, name, BTF_FUNC_GLOBAL, proto);
	}
	btf_register(BIG, NULL, b);
	big.kernel_release = BIG;
	ck_assert_int_eq(ksyms_match(&arena, &big, NULL, "f*", &out), BIG_N);	/* loads */
	before = ksyms_compare_count();
	for (i = 0; i < 1000; i++)
		hits += ksyms_exists(&big, NULL, i & 1 ? "f31337" : "zzz_nosuch");
	ck_assert_int_eq(hits, 500);
	ck_assert_uint_le(ksyms_compare_count() - before, 1000 * 16);
	ck_assert_uint_ge(ksyms_compare_count() - before, 1000 * 15);	/* counted at all */
}
END_TEST

Suite *ksyms_suite(void)
{
	Suite *s = suite_create("ksyms");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, glob_star_question_class);
	tcase_add_test(tc, glob_separator_and_double_star);
	tcase_add_test(tc, glob_alternatives_nest);
	tcase_add_test(tc, match_prefix_range_sorted_unique);
	tcase_add_test(tc, match_alternatives_merge_and_dedupe);
	tcase_add_test(tc, match_exact_ignores_file_suffix);
	tcase_add_test(tc, unprobeable_symbols_are_skipped);
	tcase_add_test(tc, no_source_is_an_error_with_a_reason);
	tcase_add_test(tc, module_symbols_from_ko_without_init_text);
	tcase_add_test(tc, module_globs);
	tcase_set_timeout(tc, 20);	/* a cold BTF extraction of the real kernel */
	tcase_add_test(tc, real_kernel_functions);
	tcase_add_test(tc, lookup_is_a_binary_search);
	tcase_add_test(tc, btf_symbols_are_cached_per_release);
	suite_add_tcase(s, tc);
	return s;
}
