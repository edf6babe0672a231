/* test_scenario.c - the scenario front end: loading, checking, quantile
 * tables, translation, and errors with YAML paths and locations. */
#include "scenario.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct arena a;
static const struct scn_options opts = { .syscall_table = "tapsets/syscalls.def" };

/* Write text to a temporary file; return its path (arena). */
static const char *tmpfile_with(const char *text)
{
	char tmpl[] = "/tmp/test_scenario_XXXXXX.yaml";
	int fd = mkstemps(tmpl, 5);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return arena_strdup(&a, tmpl);
}

static struct scenario *load_text(const char *text, char **diags)
{
	static char *buf;
	static size_t len;
	const char *path = tmpfile_with(text);
	struct scenario *s;
	FILE *f;

	buf = NULL;
	f = open_memstream(&buf, &len);
	diag_reset();
	diag.out = f;
	s = scn_load(&a, path, &opts);
	fclose(f);
	diag.out = NULL;
	unlink(path);
	if (diags)
		*diags = buf;
	return s;
}

static void setup(void)
{
	arena_init(&a);
}

static void teardown(void)
{
	arena_free(&a);
}

START_TEST(loads_a_syscall_rule)
{
	struct scenario *s = load_text("name: fsync-eio\n"
				       "seed: 42\n"
				       "rules:\n"
				       "  - name: fails\n"
				       "    hook: syscall\n"
				       "    syscalls: [fsync, fdatasync]\n"
				       "    error: {errno: EIO, when: after}\n"
				       "    probability: 10%\n"
				       "    when: 3..9+3\n"
				       "    max: 2\n",
				       NULL);
	struct scn_rule *r;

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->name, "fsync-eio");
	ck_assert_uint_eq(s->seed, 42);
	ck_assert_uint_eq(s->deadline_ns, 60000000000ULL);
	ck_assert_int_eq(s->nrules, 1);
	r = s->rules[0];
	ck_assert_int_eq(r->hook, SCN_HOOK_SYSCALL);
	ck_assert_int_eq(r->nsyscalls, 2);
	ck_assert_str_eq(r->syscalls[0].entry, "__x64_sys_fsync");
	ck_assert_str_eq(r->syscalls[1].entry, "__x64_sys_fdatasync");
	ck_assert_int_eq(r->syscalls[0].fd_arg, 0);
	ck_assert_int_eq(r->action, SCN_ACT_ERROR);
	ck_assert_int_eq(r->err, 5);
	ck_assert_int_eq(r->after, 1);
	ck_assert_uint_eq(r->prob, 429496730ULL);
	ck_assert(r->when_first == 3 && r->when_last == 9 && r->when_step == 3);
	ck_assert_uint_eq(r->max, 2);
	ck_assert_int_eq(r->process_matched, 0);
}
END_TEST

START_TEST(groups_expand_and_fd_args)
{
	struct scenario *s = load_text("name: g\n"
				       "rules:\n"
				       "  - name: slow-sync\n"
				       "    hook: syscall\n"
				       "    syscalls: [sync, openat]\n"
				       "    match: {comm: db, uid: 1000}\n"
				       "    delay: {dist: uniform, min: 1ms, max: 3ms}\n",
				       NULL);
	struct scn_rule *r;
	int i, saw_syncfs = 0, saw_openat_fd = 1;

	ck_assert_ptr_nonnull(s);
	r = s->rules[0];
	ck_assert_int_ge(r->nsyscalls, 5);
	for (i = 0; i < r->nsyscalls; i++) {
		saw_syncfs |= !strcmp(r->syscalls[i].name, "syncfs");
		if (!strcmp(r->syscalls[i].name, "openat"))
			saw_openat_fd = r->syscalls[i].fd_arg;
	}
	ck_assert(saw_syncfs);
	ck_assert_int_eq(saw_openat_fd, -1);	/* openat takes a dfd, not a file to match */
	ck_assert_str_eq(r->comm, "db");
	ck_assert_int_eq(r->uid, 1000);
	ck_assert_int_eq(r->process_matched, 1);
}
END_TEST

START_TEST(phases_give_windows)
{
	struct scenario *s = load_text("name: p\n"
				       "phases:\n"
				       "  - name: hang\n"
				       "    duration: 2s\n"
				       "    rules:\n"
				       "      - name: h\n"
				       "        hook: bio\n"
				       "        ops: [write, fua]\n"
				       "        match: {device: 7:99}\n"
				       "        hang: {timeout: 5s}\n"
				       "  - name: calm\n"
				       "    duration: 500ms\n"
				       "    rules: []\n",
				       NULL);
	struct scn_rule *r;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->nphases, 2);
	ck_assert_uint_eq(s->phases_ns, 2500000000ULL);
	r = s->rules[0];
	ck_assert_uint_eq(r->start_ns, 0);
	ck_assert_uint_eq(r->end_ns, 2000000000ULL);
	ck_assert_uint_eq(r->ops, 0x12);
	ck_assert(r->have_devnum && r->major == 7 && r->minor == 99);
	ck_assert_uint_eq(r->hang_ns, 5000000000ULL);
}
END_TEST

START_TEST(errors_name_path_and_place_and_load_nothing)
{
	char *d;
	struct scenario *s = load_text("name: e\n"
				       "rules:\n"
				       "  - name: a\n"
				       "    hook: syscall\n"
				       "    syscalls: [fsync]\n"
				       "    delay: {dist: fixed, value: 10}\n"
				       "    probability: 1/0\n",
				       &d);

	ck_assert_ptr_null(s);
	ck_assert_int_eq(diag.errors, 2);
	ck_assert_ptr_nonnull(strstr(d, ":6:35: error: rules[0].delay.value: a duration needs a unit"));
	ck_assert_ptr_nonnull(strstr(d, ":7:20: error: rules[0].probability: division by zero"));
	free(d);
}
END_TEST

START_TEST(unknown_keys_from_libcyaml)
{
	char *d;
	struct scenario *s = load_text("name: e\n"
				       "rules:\n"
				       "  - name: a\n"
				       "    hook: syscall\n"
				       "    syscalls: [fsync]\n"
				       "    match:\n"
				       "      comm: x\n"
				       "      pidtree: 5\n"
				       "    error: {errno: EIO}\n",
				       &d);

	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(d, ":8:7: error: rules[0].match.pidtree: unknown key 'pidtree'"));
	ck_assert_ptr_nonnull(strstr(d, "did you mean 'pid_tree'?"));
	free(d);
}
END_TEST

START_TEST(quantile_tables)
{
	struct scn_delay d = { .dist = SCN_FIXED, .value = 20000000 };
	uint64_t q[STP_INJECT_NQUANT];
	int k;

	scn_quantiles(&d, q);
	for (k = 0; k < STP_INJECT_NQUANT; k++)
		ck_assert_uint_eq(q[k], 20000000);

	d = (struct scn_delay){ .dist = SCN_UNIFORM, .min = 1000, .max = 3000 };
	scn_quantiles(&d, q);
	ck_assert_uint_eq(q[0], 1000);
	ck_assert_uint_eq(q[17], 2000);	/* the median is grid point 17 */

	d = (struct scn_delay){ .dist = SCN_LOGNORMAL, .median = 5000000, .sigma = 0.5 };
	scn_quantiles(&d, q);
	ck_assert_uint_eq(q[17], 5000000);
	ck_assert_uint_ge(q[30], 15900000);	/* p99 = 5 ms * e^(2.326*0.5) = 16.0 ms */
	ck_assert_uint_le(q[30], 16100000);
	for (k = 1; k < STP_INJECT_NQUANT; k++)
		ck_assert_uint_ge(q[k], q[k - 1]);

	d = (struct scn_delay){ .dist = SCN_NORMAL, .mean = 1000, .stddev = 1000 };
	scn_quantiles(&d, q);
	ck_assert_uint_eq(q[0], 0);	/* no negative delays */
	ck_assert_uint_eq(q[17], 1000);

	{
		struct scn_bucket b[2] = { { 0, 1000, 1 }, { 1000, 2000, 3 } };

		d = (struct scn_delay){ .dist = SCN_EMPIRICAL, .buckets = b, .nbuckets = 2 };
		scn_quantiles(&d, q);
		ck_assert_uint_eq(q[13], 1067);	/* p=0.3: 1000 + 0.05/0.75 of bucket 1 */
		ck_assert_uint_eq(q[9], 400);	/* p=0.1: 0.1/0.25 of bucket 0 */
		ck_assert_uint_eq(q[17], 1333);	/* p=0.5 */
	}
}
END_TEST

/* The runtime's sampler over a table reproduces the distribution. */
START_TEST(sampling_follows_the_table)
{
	struct scn_delay d = { .dist = SCN_LOGNORMAL, .median = 5000000, .sigma = 0.5 };
	uint64_t q[STP_INJECT_NQUANT];
	uint64_t below = 0, n;

	scn_quantiles(&d, q);
	for (n = 1; n <= 100000; n++)
		below += stp_inject_sample(q, stp_inject_draw(7, 0, n, STP_INJECT_STREAM_DELAY)) <
			 5000000;
	ck_assert_uint_ge(below, 49500);
	ck_assert_uint_le(below, 50500);
}
END_TEST

START_TEST(translation)
{
	struct scenario *s = load_text("name: t\n"
				       "seed: 9\n"
				       "rules:\n"
				       "  - name: a\n"
				       "    hook: syscall\n"
				       "    syscalls: [fsync]\n"
				       "    error: {errno: EIO}\n"
				       "  - name: b\n"
				       "    hook: syscall\n"
				       "    syscalls: [fsync]\n"
				       "    match: {comm: x}\n"
				       "    delay: {dist: fixed, value: 1ms}\n",
				       NULL);
	struct scn_translate_options to = { .target = 1 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(scn_translate(f, s, &to), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(out, "inject_scenario(\"t\", 9, 60000, 0)"));
	ck_assert_ptr_nonnull(strstr(out, "inject_match_pid_tree(0, target())"));
	ck_assert_ptr_null(strstr(out, "inject_match_pid_tree(1"));	/* b has a comm */
	ck_assert_ptr_nonnull(strstr(out, "inject_task_enter(0, 0) || inject_task_enter(1, 0)"));
	ck_assert_ptr_null(strstr(out, "timer.ms"));	/* the command bounds the run */
	free(out);
}
END_TEST

Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, loads_a_syscall_rule);
	tcase_add_test(tc, groups_expand_and_fd_args);
	tcase_add_test(tc, phases_give_windows);
	tcase_add_test(tc, errors_name_path_and_place_and_load_nothing);
	tcase_add_test(tc, unknown_keys_from_libcyaml);
	tcase_add_test(tc, quantile_tables);
	tcase_add_test(tc, sampling_follows_the_table);
	tcase_add_test(tc, translation);
	suite_add_tcase(s, tc);
	return s;
}
