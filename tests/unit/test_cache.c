/* test_cache.c - the cache key: what must change it and what must not. */
#include "cache.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *key_of(const char *script, const char *define, const char *name,
		    const char *release)
{
	struct session s;
	char *key;

	session_init(&s);
	s.script_text = script;
	s.module_name = name;
	s.kernel_release = release;
	s.build_dir = "/nonexistent/build";
	if (define)
		ptrvec_push(&s.arena, &s.defines, (void *)define);
	ck_assert_int_eq(cache_compute_key(&s), 0);
	ck_assert_ptr_nonnull(s.cache_key);
	ck_assert_uint_eq(strlen(s.cache_key), 32);
	key = strdup(s.cache_key);
	session_fini(&s);
	return key;
}

START_TEST(hash_is_deterministic_and_sensitive)
{
	struct cache_hash a, b;
	char ha[33], hb[33];

	cache_hash_init(&a);
	cache_hash_init(&b);
	cache_hash_str(&a, "probe begin { exit() }");
	cache_hash_str(&b, "probe begin { exit() }");
	cache_hash_hex(&a, ha);
	cache_hash_hex(&b, hb);
	ck_assert_str_eq(ha, hb);
	cache_hash_str(&b, "");
	cache_hash_hex(&b, hb);
	ck_assert_str_ne(ha, hb);
}
END_TEST

START_TEST(key_covers_script_options_release_and_name)
{
	char *k[6];
	int i;

	k[0] = key_of("probe begin { exit() }", NULL, "m", "6.1.0-1");
	k[1] = key_of("probe begin { exit() }", NULL, "m", "6.1.0-1");
	k[2] = key_of("probe begin { exit()  }", NULL, "m", "6.1.0-1");
	k[3] = key_of("probe begin { exit() }", "MAXACTION=5", "m", "6.1.0-1");
	k[4] = key_of("probe begin { exit() }", NULL, "n", "6.1.0-1");
	k[5] = key_of("probe begin { exit() }", NULL, "m", "6.1.0-2");
	ck_assert_str_eq(k[0], k[1]);
	for (i = 2; i < 6; i++)
		ck_assert_str_ne(k[0], k[i]);
	for (i = 0; i < 6; i++)
		free(k[i]);
}
END_TEST

START_TEST(default_module_name_is_stap_and_hash)
{
	struct session s;

	session_init(&s);
	s.script_text = "probe begin { exit() }";
	s.kernel_release = "6.1.0-1";
	s.build_dir = "/nonexistent/build";
	ck_assert_int_eq(cache_compute_key(&s), 0);
	ck_assert_uint_eq(strlen(s.module_name), 5 + 24);
	ck_assert_int_eq(strncmp(s.module_name, "stap_", 5), 0);
	ck_assert_uint_eq(strspn(s.module_name + 5, "0123456789abcdef"), 24);
	session_fini(&s);
}
END_TEST

START_TEST(store_then_lookup)
{
	char dir[] = "/tmp/gstap-cache-test.XXXXXX", src[300], ko[300], cmd[400];
	struct session s;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	snprintf(src, sizeof(src), "%s/x.c", dir);
	snprintf(ko, sizeof(ko), "%s/x.ko", dir);
	f = fopen(src, "w");
	fputs("int x;\n", f);
	fclose(f);
	f = fopen(ko, "w");
	fputs("ELF", f);
	fclose(f);
	session_init(&s);
	s.script_text = "probe begin { exit() }";
	s.kernel_release = "6.1.0-1";
	s.build_dir = "/nonexistent/build";
	cache_compute_key(&s);
	ck_assert_ptr_null(cache_lookup(&s, "ko"));
	ck_assert_ptr_nonnull(cache_store(&s, src, ko));
	ck_assert_ptr_nonnull(cache_lookup(&s, "ko"));
	ck_assert_ptr_nonnull(strstr(cache_lookup(&s, "c"), s.cache_key));
	s.no_cache = 1;	/* --disable-cache neither reads nor writes */
	ck_assert_ptr_null(cache_lookup(&s, "ko"));
	session_fini(&s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("XDG_CACHE_HOME");
}
END_TEST

Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, hash_is_deterministic_and_sensitive);
	tcase_add_test(tc, key_covers_script_options_release_and_name);
	tcase_add_test(tc, default_module_name_is_stap_and_hash);
	tcase_add_test(tc, store_then_lookup);
	suite_add_tcase(s, tc);
	return s;
}
