/* test_tracepoints.c - the tracepoint list: events and argument names from
 * a BTF the test builds; systems from the real trace headers of the
 * installed target kernel (target_kernel.h: found at run time; the test
 * fails, naming the packages, where it is absent). */
#include "btf.h"
#include "ksyms.h"
#include "target_kernel.h"
#include "tracepoints.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define FAKE "tptest-1"

static struct arena arena;
static struct target_info fake, real;

/* __traceiter_<event>(void *__data, args...) for three events; the last
 * one's argument has no name in BTF. */
static void setup(void)
{
	struct btf *b = btf__new_empty();
	int t_int, t_void_p, t_s, t_ps, proto;

	arena_init(&arena);
	memset(&fake, 0, sizeof(fake));
	fake.kernel_release = FAKE;
	memset(&real, 0, sizeof(real));	/* the release: need_target_kernel() */
	t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	t_void_p = btf__add_ptr(b, 0);
	t_s = btf__add_struct(b, "request", 8);
	btf__add_field(b, "tag", t_int, 0, 0);
	t_ps = btf__add_ptr(b, t_s);

	proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "__data", t_void_p);
	btf__add_func_param(b, "rq", t_ps);
	btf__add_func(b, "__traceiter_block_rq_issue", BTF_FUNC_STATIC, proto);

	proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "__data", t_void_p);
	btf__add_func_param(b, "rq", t_ps);
	btf__add_func_param(b, "error", t_int);
	btf__add_func(b, "__traceiter_block_rq_complete", BTF_FUNC_STATIC, proto);

	proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "__data", t_void_p);
	btf__add_func_param(b, NULL, t_int);
	btf__add_func(b, "__traceiter_mystery", BTF_FUNC_STATIC, proto);

	proto = btf__add_func_proto(b, t_int);	/* not a tracepoint */
	btf__add_func(b, "vfs_read", BTF_FUNC_GLOBAL, proto);
	btf_register(FAKE, NULL, b);
}

static void teardown(void)
{
	tracepoints_cache_free();
	ksyms_cache_free();
	btf_cache_free();
	arena_free(&arena);
}

START_TEST(events_and_arguments_from_btf)
{
	const struct tracepoint *tp = tracepoints_find(&fake, NULL, "block_rq_complete");

	ck_assert_ptr_nonnull(tp);
	ck_assert_int_eq(tp->nargs, 2);	/* void *__data is not an argument */
	ck_assert_str_eq(tp->args[0].name, "rq");
	ck_assert_str_eq(tp->args[0].c_type, "struct request*");
	ck_assert_str_eq(tp->args[1].name, "error");
	ck_assert_str_eq(tp->args[1].c_type, "int");
	ck_assert_str_eq(tracepoints_find(&fake, NULL, "mystery")->args[0].name, "arg1");
	ck_assert_ptr_null(tracepoints_find(&fake, NULL, "vfs_read"));
	ck_assert_ptr_null(tracepoints_find(&fake, NULL, "nosuch"));
}
END_TEST

START_TEST(without_headers_the_system_is_unknown)
{
	struct ptrvec out = { 0 };

	ck_assert_str_eq(tracepoints_find(&fake, NULL, "block_rq_issue")->system, "unknown");
	/* an unknown system takes the user's word for an exact name ... */
	ck_assert_str_eq(tracepoints_find(&fake, "block", "block_rq_issue")->system, "block");
	ck_assert_int_eq(tracepoints_match(&fake, "blk", "block_rq_issue", &out, &arena), 1);
	ck_assert_str_eq(((struct tracepoint *)out.v[0])->system, "blk");
	out.n = 0;
	/* ... and the name's prefix under a glob */
	ck_assert_int_eq(tracepoints_match(&fake, "block", "*", &out, &arena), 2);
	ck_assert_str_eq(((struct tracepoint *)out.v[1])->system, "block");
	ck_assert_int_eq(tracepoints_match(&fake, "blk", "*", &out, &arena), 0);
	ck_assert_int_eq(tracepoints_match(&fake, "b*", "*", &out, &arena), 0);
	out.n = 0;
	/* a bare glob skips events of unknown system, an explicit one does not */
	ck_assert_int_eq(tracepoints_match(&fake, NULL, "block_*", &out, &arena), 0);
	ck_assert_int_eq(tracepoints_match(&fake, "unknown", "block_*", &out, &arena), 2);
	ck_assert_str_eq(((struct tracepoint *)out.v[0])->event, "block_rq_complete");
	ck_assert_str_eq(((struct tracepoint *)out.v[1])->event, "block_rq_issue");
	ck_assert_int_eq(tracepoints_match(&fake, NULL, "mystery", &out, &arena), 1);
}
END_TEST

START_TEST(no_btf_is_an_error_with_a_reason)
{
	struct target_info none = { 0 };
	struct ptrvec out = { 0 };

	none.kernel_release = "0.0.0-nosuch";
	ck_assert_int_eq(tracepoints_match(&none, NULL, "*", &out, &arena), -1);
	ck_assert_ptr_nonnull(strstr(tracepoints_error(), "cannot list tracepoints: no BTF"));
	ck_assert_ptr_null(tracepoints_find(&none, NULL, "sched_switch"));
}
END_TEST

START_TEST(systems_from_the_trace_headers)
{
	const struct tracepoint *tp;
	struct ptrvec out = { 0 };
	struct stat st;
	const char *header;
	int i;

	real.kernel_release = need_target_kernel(&arena, "systems_from_the_trace_headers");
	header = arena_printf(&arena, "/lib/modules/%s/source/include/trace/events/block.h",
			      real.kernel_release);
	ck_assert_msg(stat(header, &st) == 0, "no %s (install linux-headers-amd64)", header);
	tp = tracepoints_find(&real, "block", "block_rq_issue");
	ck_assert_ptr_nonnull(tp);
	ck_assert_int_eq(tp->nargs, 1);
	ck_assert_str_eq(tp->args[0].name, "rq");
	ck_assert_str_eq(tp->args[0].c_type, "struct request*");
	tp = tracepoints_find(&real, "sched", "sched_switch");
	ck_assert_ptr_nonnull(tp);
	ck_assert_str_eq(tp->args[1].name, "prev");
	/* DEFINE_IRQ_VECTOR_EVENT(local_timer) pastes local_timer_entry */
	ck_assert_ptr_nonnull(tracepoints_find(&real, "irq_vectors", "local_timer_entry"));
	/* ... and call_function_entry stays there, though other headers say
	 * DEFINE_xxx(call) too: the longest prefix wins */
	ck_assert_ptr_nonnull(tracepoints_find(&real, "irq_vectors", "call_function_entry"));
	ck_assert_int_ge(tracepoints_match(&real, "block", "block_rq_*", &out, &arena), 7);
	for (i = 0; i < out.n; i++)
		ck_assert_str_eq(((struct tracepoint *)out.v[i])->system, "block");
	out.n = 0;
	ck_assert_int_ge(tracepoints_match(&real, "*", "*", &out, &arena), 600);
}
END_TEST

Suite *tracepoints_suite(void)
{
	Suite *s = suite_create("tracepoints");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);	/* a cold BTF extraction of the real kernel */
	tcase_add_test(tc, events_and_arguments_from_btf);
	tcase_add_test(tc, without_headers_the_system_is_unknown);
	tcase_add_test(tc, no_btf_is_an_error_with_a_reason);
	tcase_add_test(tc, systems_from_the_trace_headers);
	suite_add_tcase(s, tc);
	return s;
}
