/* test_debuginfo.c - parameters of user functions from DWARF, and the
 * target variables of process probes built on them. The test compiles a
 * small program with cc -g so the layout is known. */
#include "btf.h"
#include "debuginfo.h"
#include "sema_tvar.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmpdir[64], prog_path[96];
static struct arena arena;

static const char prog_src[] =
	"struct thing { int a; long b; };\n"
	"__attribute__((noinline)) long work(int count, const char *name, struct thing *t,\n"
	"	double d, struct thing byval, long last, unsigned char u)\n"
	"{ return count + name[0] + t->a + (long)d + byval.b + last + u; }\n"
	"__attribute__((noinline)) void nothing(void) { }\n"
	"int main(void) { struct thing t = { 1, 2 }; nothing();\n"
	"	return (int)work(3, \"x\", &t, 1.5, t, 7, 1); }\n";

static void setup(void)
{
	char cmd[256];
	FILE *f;

	arena_init(&arena);
	strcpy(tmpdir, "/tmp/test_debuginfo.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(cmd, sizeof(cmd), "%s/prog.c", tmpdir);
	f = fopen(cmd, "w");
	fputs(prog_src, f);
	fclose(f);
	snprintf(prog_path, sizeof(prog_path), "%s/prog", tmpdir);
	snprintf(cmd, sizeof(cmd), "cc -g -O0 -o %s %s/prog.c 2>/dev/null", prog_path, tmpdir);
	/* CI installs gcc (.ci/packages): no compiler is a failure, not a pass */
	ck_assert_msg(system(cmd) == 0, "cannot build %s/prog.c with cc -g (install gcc)", tmpdir);
}

static void teardown(void)
{
	char cmd[128];

	debuginfo_cache_free();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	arena_free(&arena);
}

START_TEST(parameters_types_and_registers)
{
	const struct debuginfo_func *fp;
	const char *why = NULL;
	struct debuginfo_func f;
	int t;

	fp = debuginfo_function(prog_path, "work", &why);
	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_eq(debuginfo_function(prog_path, "work", &why), fp);	/* cached */
	f = *fp;
	ck_assert_int_eq(f.nparams, 7);
	ck_assert_str_eq(f.params[0].name, "count");
	ck_assert_str_eq(f.params[0].c_type, "int");
	ck_assert_int_eq(f.params[0].size, 4);
	ck_assert(f.params[0].is_signed);
	ck_assert_int_eq(f.params[0].slot, 0);
	ck_assert_str_eq(f.params[1].c_type, "char*");
	ck_assert_int_eq(f.params[1].slot, 1);
	ck_assert_str_eq(f.params[2].c_type, "struct thing*");
	ck_assert_int_eq(f.params[2].slot, 2);
	ck_assert(f.params[3].is_float);		/* xmm0: takes no integer register */
	ck_assert_int_eq(f.params[3].slot, -1);
	ck_assert_str_eq(debuginfo_unavailable(&f.params[3]),
			 "floating-point values are passed in xmm registers");
	ck_assert(f.params[4].is_aggregate);		/* 16 bytes: two registers */
	ck_assert_int_eq(f.params[4].slot, 3);
	ck_assert_ptr_nonnull(strstr(debuginfo_unavailable(&f.params[4]), "two registers"));
	ck_assert_int_eq(f.params[5].slot, 5);		/* after di si dx cx+r8 */
	ck_assert_ptr_null(debuginfo_unavailable(&f.params[5]));
	ck_assert_int_eq(f.params[6].slot, -1);		/* no register left */
	ck_assert(!f.params[6].is_signed);
	ck_assert_str_eq(f.ret.c_type, "long int");
	ck_assert_int_eq(f.ret.size, 8);
	/* the types, as BTF: struct thing { int a; long b; } */
	t = btf_resolve(f.btf, f.params[2].type_id);
	ck_assert(btf_is_ptr(btf__type_by_id(f.btf, (unsigned)t)));
	t = btf_resolve(f.btf, (int)btf__type_by_id(f.btf, (unsigned)t)->type);
	ck_assert_str_eq(btf_type_name(&arena, f.btf, t), "struct thing");
	ck_assert_int_eq(btf_type_size(f.btf, t), 16);
	fp = debuginfo_function(prog_path, "nothing", &why);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fp->nparams, 0);
	ck_assert_int_eq(fp->ret.size, 0);
}
END_TEST

START_TEST(missing_function_file_or_debuginfo)
{
	const char *why = NULL;
	char cmd[256];

	ck_assert_ptr_null(debuginfo_function("/nonexistent/prog", "main", &why));
	ck_assert_str_eq(why, "cannot open '/nonexistent/prog'");
	ck_assert_ptr_null(debuginfo_function(prog_path, "nosuch", &why));
	ck_assert_ptr_nonnull(strstr(why, "does not describe function 'nosuch'"));
	snprintf(cmd, sizeof(cmd), "strip -g %s", prog_path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_ptr_null(debuginfo_function(prog_path, "work", &why));
	ck_assert_ptr_nonnull(strstr(why, "has no debuginfo"));
}
END_TEST

static struct expr *target(const char *name)
{
	struct expr *e = ARENA_NEW(&arena, struct expr);

	e->kind = E_TARGET;
	e->name = name;
	return e;
}

START_TEST(process_probe_target_variables)
{
	struct target_info t = { 0 };
	struct program prog = { 0 };
	struct derived_probe dp = { 0 }, ret;
	struct expr *e;
	struct ptrvec vars = { 0 };
	char *text;
	size_t len;
	FILE *out;
	int i;

	t.kernel_release = "dbgtest-1";
	prog.arena = &arena;
	prog.target = &t;
	dp.kind = PK_UPROBE;
	dp.path = prog_path;
	dp.symbol = "work";
	dp.pp = "process(...).function(\"work\")";
	e = target("$last");
	ck_assert_int_eq(sema_tvar_resolve(&prog, &dp, e), 0);
	ck_assert_int_eq(e->tvar->steps[0].kind, TV_REG_ARG);
	ck_assert_int_eq(e->tvar->steps[0].offset, 5);
	e = target("$$parms");
	ck_assert_int_eq(sema_tvar_resolve(&prog, &dp, e), 0);
	ck_assert_int_eq(e->tvar->npretty, 7);
	ck_assert_str_eq(e->tvar->pretty[3].text, " d=?");
	ret = dp;
	ret.kind = PK_URETPROBE;
	e = target("$return");
	ck_assert_int_eq(sema_tvar_resolve(&prog, &ret, e), 0);
	ck_assert_int_eq(e->tvar->steps[0].kind, TV_RETVAL);
	/* a parameter in .return is its value at entry: a slot the uretprobe's
	 * entry handler fills (probe_uprobe.h) */
	e = target("$count");
	ck_assert_int_eq(sema_tvar_resolve(&prog, &ret, e), 0);
	ck_assert_int_eq(e->tvar->at_entry, 1);
	ck_assert_int_eq(e->tvar->entry_slot, 0);
	ck_assert_int_eq(ret.nentry, 1);
	ck_assert_int_eq(sema_tvar_list(&prog, &ret, &vars), 8);
	ck_assert_str_eq(vars.v[2], "$t:struct thing*");
	ck_assert_str_eq(vars.v[7], "$return:long int");
	out = open_memstream(&text, &len);
	diag.out = out;
	ck_assert_int_eq(sema_tvar_resolve(&prog, &dp, target("$d")), -1);
	fclose(out);
	diag.out = NULL;
	ck_assert_ptr_nonnull(strstr(text, "'$d' is not available: floating-point values are "
				     "passed in xmm registers"));
	free(text);
	/* user pointers are followed with user reads */
	e = target("$t");
	ptrvec_push(&arena, &e->comps, ARENA_NEW(&arena, struct component));
	((struct component *)e->comps.v[0])->field = "b";
	ck_assert_int_eq(sema_tvar_resolve(&prog, &dp, e), 0);
	ck_assert_int_eq(e->tvar->nsteps, 3);
	ck_assert_int_eq(e->tvar->steps[0].offset, 2);		/* $t in dx */
	ck_assert_int_eq(e->tvar->steps[1].kind, TV_ADD);
	ck_assert_int_eq(e->tvar->steps[1].offset, 8);
	ck_assert_int_eq(e->tvar->steps[2].kind, TV_UDEREF);
	ck_assert_int_eq(e->tvar->steps[2].size, 8);
	ck_assert(e->tvar->user_memory);
	e = target("$name");
	e->pretty = 1;
	ck_assert_int_eq(sema_tvar_resolve(&prog, &dp, e), 0);
	ck_assert_int_eq(e->tvar->pretty[0].fmt, TVP_USTRING);
	for (i = 0; i < vars.n; i++)
		ck_assert_ptr_nonnull(strchr(vars.v[i], ':'));
}
END_TEST

Suite *debuginfo_suite(void)
{
	Suite *s = suite_create("debuginfo");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);	/* runs cc */
	tcase_add_test(tc, parameters_types_and_registers);
	tcase_add_test(tc, missing_function_file_or_debuginfo);
	tcase_add_test(tc, process_probe_target_variables);
	suite_add_tcase(s, tc);
	return s;
}
