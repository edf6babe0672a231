/* test_sema_tvar.c - target-variable access plans from BTF, on a kernel the
 * test describes itself (btf_register), so every offset is known. */
#include "btf.h"
#include "ksyms.h"
#include "sema_tvar.h"
#include "tracepoints.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RELEASE "tvtest-1"

static struct arena arena;
static struct target_info target;
static struct program prog;
static struct src_file *src;
static char *diag_text;
static size_t diag_len;
static FILE *diag_file;

/* A small kernel:
 *   struct qstr { unsigned int hash; unsigned int len; const char *name; };
 *   struct dentry { unsigned int d_flags; struct qstr d_name; char d_iname[32]; };
 *   struct path { void *mnt; struct dentry *dentry; };
 *   struct file { union { long f_llist; long f_rcu; }; struct path f_path;
 *                 unsigned int f_mode; unsigned int f_ro:1; int f_sgn:3;
 *                 long long f_pos; };
 *   ssize_t vfs_read(struct file *file, char *buf, size_t count, long long *pos);
 *   void do_void(int x);
 *   int big_arg(struct path p);
 *   int __traceiter_block_rq_issue(void *__data, struct file *rq);
 *   typedef struct { unsigned int val; short lo; } kuid_t;
 *   int setuid(kuid_t uid, struct path p, int after);	(regs: di, si+dx, cx)
 *   int seven(int a, int b, int c, int d, int e, int f, int g);
 */
static struct btf *fake_kernel(void)
{
	struct btf *b = btf__new_empty();
	int t_int, t_long, t_char, t_uint, t_ll, t_ulong, t_size, t_ssize, t_cchar, t_pcchar;
	int t_pchar, t_void_p, t_qstr, t_dentry, t_pdentry, t_path, t_file, t_pfile, t_pll;
	int t_anon, t_arr, proto, t_kuid, t_short, i;

	t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	t_long = btf__add_int(b, "long int", 8, BTF_INT_SIGNED);
	t_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	t_uint = btf__add_int(b, "unsigned int", 4, 0);
	t_ll = btf__add_int(b, "long long int", 8, BTF_INT_SIGNED);
	t_ulong = btf__add_int(b, "long unsigned int", 8, 0);
	t_size = btf__add_typedef(b, "size_t", t_ulong);
	t_ssize = btf__add_typedef(b, "ssize_t", t_long);
	t_cchar = btf__add_const(b, t_char);
	t_pcchar = btf__add_ptr(b, t_cchar);
	t_pchar = btf__add_ptr(b, t_char);
	t_void_p = btf__add_ptr(b, 0);
	t_arr = btf__add_array(b, t_int, t_char, 32);

	t_qstr = btf__add_struct(b, "qstr", 16);
	btf__add_field(b, "hash", t_uint, 0, 0);
	btf__add_field(b, "len", t_uint, 32, 0);
	btf__add_field(b, "name", t_pcchar, 64, 0);

	t_dentry = btf__add_struct(b, "dentry", 56);
	btf__add_field(b, "d_flags", t_uint, 0, 0);
	btf__add_field(b, "d_name", t_qstr, 64, 0);
	btf__add_field(b, "d_iname", t_arr, 192, 0);
	t_pdentry = btf__add_ptr(b, t_dentry);

	t_path = btf__add_struct(b, "path", 16);
	btf__add_field(b, "mnt", t_void_p, 0, 0);
	btf__add_field(b, "dentry", t_pdentry, 64, 0);

	t_anon = btf__add_union(b, NULL, 8);
	btf__add_field(b, "f_llist", t_long, 0, 0);
	btf__add_field(b, "f_rcu", t_long, 0, 0);

	t_file = btf__add_struct(b, "file", 40);
	btf__add_field(b, NULL, t_anon, 0, 0);
	btf__add_field(b, "f_path", t_path, 64, 0);
	btf__add_field(b, "f_mode", t_uint, 192, 0);
	btf__add_field(b, "f_ro", t_uint, 224, 1);
	btf__add_field(b, "f_sgn", t_int, 225, 3);
	btf__add_field(b, "f_pos", t_ll, 256, 0);
	t_pfile = btf__add_ptr(b, t_file);
	t_pll = btf__add_ptr(b, t_ll);

	proto = btf__add_func_proto(b, t_ssize);
	btf__add_func_param(b, "file", t_pfile);
	btf__add_func_param(b, "buf", t_pchar);
	btf__add_func_param(b, "count", t_size);
	btf__add_func_param(b, "pos", t_pll);
	btf__add_func(b, "vfs_read", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "x", t_int);
	btf__add_func(b, "do_void", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "p", t_path);
	btf__add_func(b, "big_arg", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "__data", t_void_p);
	btf__add_func_param(b, "rq", t_pfile);
	btf__add_func(b, "__traceiter_block_rq_issue", BTF_FUNC_STATIC, proto);

	t_short = btf__add_int(b, "short int", 2, BTF_INT_SIGNED);
	t_kuid = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "val", t_uint, 0, 0);
	btf__add_field(b, "lo", t_short, 32, 0);
	t_kuid = btf__add_typedef(b, "kuid_t", t_kuid);
	proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "uid", t_kuid);
	btf__add_func_param(b, "p", t_path);
	btf__add_func_param(b, "after", t_int);
	btf__add_func(b, "setuid", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(b, 0);
	btf__add_func(b, "nothing", BTF_FUNC_GLOBAL, proto);

	proto = btf__add_func_proto(b, t_int);
	for (i = 0; i < 7; i++)
		btf__add_func_param(b, arena_printf(&arena, "%c", 'a' + i), t_int);
	btf__add_func(b, "seven", BTF_FUNC_GLOBAL, proto);
	return b;
}

static void setup(void)
{
	arena_init(&arena);
	memset(&target, 0, sizeof(target));
	target.kernel_release = RELEASE;
	memset(&prog, 0, sizeof(prog));
	prog.arena = &arena;
	prog.target = &target;
	btf_register(RELEASE, NULL, fake_kernel());
	if (!src)	/* one for the whole run: src_files are never freed */
		src = src_file_from_string("t.stp", "probe x { }\n");
	diag_reset();
	diag_text = NULL;
	diag_file = open_memstream(&diag_text, &diag_len);
	diag.out = diag_file;
}

static void teardown(void)
{
	fclose(diag_file);
	diag.out = NULL;
	free(diag_text);
	tracepoints_cache_free();
	ksyms_cache_free();
	btf_cache_free();
	arena_free(&arena);
}

static const char *diagnostics(void)
{
	fflush(diag_file);
	return diag_text ? diag_text : "";
}

static struct loc here(void)
{
	struct loc l = { src, 1, 1, 1 };

	return l;
}

static struct derived_probe *kprobe(const char *fn, int is_return)
{
	struct derived_probe *dp = ARENA_NEW(&arena, struct derived_probe);

	dp->kind = is_return ? PK_KRETPROBE : PK_KPROBE;
	dp->symbol = fn;
	dp->pp = arena_printf(&arena, "kernel.function(\"%s\")%s", fn, is_return ? ".return" : "");
	return dp;
}

/* $name followed by "->a", ".b" or "[N]" components, pretty suffix. */
static struct expr *target_expr(const char *name, const char *path, int pretty)
{
	struct expr *e = ARENA_NEW(&arena, struct expr);

	e->kind = E_TARGET;
	e->loc = here();
	e->name = name;
	e->pretty = pretty;
	while (path && *path) {
		struct component *c = ARENA_NEW(&arena, struct component);
		size_t n;

		c->loc = here();
		if (*path == '[') {
			c->kind = COMP_INDEX;
			c->index = ARENA_NEW(&arena, struct expr);
			c->index->kind = E_NUM;
			c->index->num = strtol(path + 1, (char **)&path, 10);
			path++;	/* ']' */
		} else {
			path += *path == '.' ? 1 : 2;
			n = strcspn(path, "-.[");
			c->kind = COMP_FIELD;
			c->field = arena_strndup(&arena, path, n);
			path += n;
		}
		ptrvec_push(&arena, &e->comps, c);
	}
	return e;
}

static void assert_step(const struct tvar_access *a, int i, int kind, long offset, int size,
			int is_signed)
{
	ck_assert_int_gt(a->nsteps, i);
	ck_assert_int_eq(a->steps[i].kind, kind);
	ck_assert_int_eq(a->steps[i].offset, offset);
	ck_assert_int_eq(a->steps[i].size, size);
	ck_assert_int_eq(a->steps[i].is_signed, is_signed);
}

START_TEST(parameter_is_its_register)
{
	struct expr *e = target_expr("$count", NULL, 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), 0);
	ck_assert_int_eq(e->type, TY_LONG);
	ck_assert_int_eq(e->tvar->nsteps, 1);
	assert_step(e->tvar, 0, TV_REG_ARG, 2, 8, 0);
	ck_assert_str_eq(e->tvar->c_type, "size_t");
	ck_assert_int_eq(e->tvar->at_entry, 0);
}
END_TEST

START_TEST(member_chain_folds_offsets_and_loads_pointers)
{
	struct expr *e = target_expr("$file", "->f_path->dentry->d_name->name", 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), 0);
	ck_assert_int_eq(e->type, TY_LONG);
	ck_assert_int_eq(e->tvar->nsteps, 5);
	assert_step(e->tvar, 0, TV_REG_ARG, 0, 8, 0);
	assert_step(e->tvar, 1, TV_ADD, 16, 0, 0);	/* f_path 8 + dentry 8 */
	assert_step(e->tvar, 2, TV_DEREF, 0, 8, 0);
	assert_step(e->tvar, 3, TV_ADD, 16, 0, 0);	/* d_name 8 + name 8 */
	assert_step(e->tvar, 4, TV_DEREF, 0, 8, 0);
	ck_assert_str_eq(e->tvar->c_type, "char*");
}
END_TEST

START_TEST(signed_member_and_anonymous_union)
{
	struct expr *pos = target_expr("$file", "->f_pos", 0);
	struct expr *rcu = target_expr("$file", "->f_rcu", 0);
	struct derived_probe *dp = kprobe("vfs_read", 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, pos), 0);
	ck_assert_int_eq(pos->tvar->nsteps, 3);
	assert_step(pos->tvar, 1, TV_ADD, 32, 0, 0);
	assert_step(pos->tvar, 2, TV_DEREF, 0, 8, 1);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, rcu), 0);
	ck_assert_int_eq(rcu->tvar->nsteps, 2);
	assert_step(rcu->tvar, 1, TV_DEREF, 0, 8, 1);
}
END_TEST

START_TEST(bitfields_load_their_byte_and_extract)
{
	struct expr *ro = target_expr("$file", "->f_ro", 0);
	struct expr *sgn = target_expr("$file", "->f_sgn", 0);
	struct derived_probe *dp = kprobe("vfs_read", 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, ro), 0);
	ck_assert_int_eq(ro->tvar->nsteps, 4);
	assert_step(ro->tvar, 1, TV_ADD, 28, 0, 0);
	assert_step(ro->tvar, 2, TV_DEREF, 0, 1, 0);
	assert_step(ro->tvar, 3, TV_BITFIELD, 0, 1, 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, sgn), 0);
	assert_step(sgn->tvar, 1, TV_ADD, 28, 0, 0);
	assert_step(sgn->tvar, 3, TV_BITFIELD, 1, 3, 1);
}
END_TEST

START_TEST(array_member_is_its_address)
{
	struct expr *e = target_expr("$file", "->f_path->dentry->d_iname", 0);
	struct expr *w = target_expr("$file", "->f_path->dentry->d_iname", 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), 0);
	ck_assert_int_eq(e->type, TY_LONG);	/* stap: kernel_string($d->d_iname) */
	ck_assert(e->tvar->result_is_array);
	ck_assert(!e->tvar->result_is_string);
	ck_assert_str_eq(e->tvar->c_type, "char[32]");
	ck_assert_int_eq(sema_tvar_resolve_write(&prog, kprobe("vfs_read", 0), w), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "it is an array"));
	ck_assert_int_eq(e->tvar->steps[e->tvar->nsteps - 1].kind, TV_ADD);
	ck_assert_int_eq(e->tvar->steps[e->tvar->nsteps - 1].offset, 24);
}
END_TEST

START_TEST(indexing_pointers_constant_and_runtime)
{
	struct derived_probe *dp = kprobe("vfs_read", 0);
	struct expr *b3 = target_expr("$buf", "[3]", 0);
	struct expr *p0 = target_expr("$pos", "[0]", 0);
	struct expr *bi = target_expr("$buf", "[0]", 0);
	struct component *c = bi->comps.v[0];
	struct expr *idx = ARENA_NEW(&arena, struct expr);

	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, b3), 0);
	ck_assert_int_eq(b3->tvar->nsteps, 3);
	assert_step(b3->tvar, 1, TV_ADD, 3, 0, 0);
	assert_step(b3->tvar, 2, TV_DEREF, 0, 1, 1);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, p0), 0);
	ck_assert_int_eq(p0->tvar->nsteps, 2);
	assert_step(p0->tvar, 1, TV_DEREF, 0, 8, 1);
	idx->kind = E_VAR;
	idx->name = "i";
	c->index = idx;
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, bi), 0);
	assert_step(bi->tvar, 1, TV_INDEX, 1, 0, 0);
	ck_assert_ptr_eq(bi->tvar->steps[1].expr, idx);
}
END_TEST

START_TEST(return_value_and_entry_values_in_return_probes)
{
	struct derived_probe *dp = kprobe("vfs_read", 1);
	struct expr *ret = target_expr("$return", NULL, 0);
	struct expr *pos = target_expr("$file", "->f_pos", 0);
	struct expr *cnt = target_expr("$count", NULL, 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, ret), 0);
	assert_step(ret->tvar, 0, TV_RETVAL, 0, 8, 1);
	ck_assert_str_eq(ret->tvar->c_type, "ssize_t");
	ck_assert_int_eq(ret->tvar->at_entry, 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, pos), 0);
	ck_assert_int_eq(pos->tvar->at_entry, 1);
	ck_assert_int_eq(pos->tvar->entry_slot, 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, cnt), 0);
	ck_assert_int_eq(cnt->tvar->entry_slot, 1);
	ck_assert_int_eq(dp->nentry, 2);
}
END_TEST

START_TEST(return_outside_return_probe_and_void_function)
{
	struct expr *e = target_expr("$return", NULL, 0);
	struct expr *v = target_expr("$return", NULL, 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(),
				     "error: '$return' is only available in .return probes"));
	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("do_void", 1), v), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "function 'do_void' returns void"));
}
END_TEST

START_TEST(entry_operator_takes_a_slot_and_reads_inside_at_entry)
{
	struct derived_probe *dp = kprobe("vfs_read", 1);
	struct expr *inner = target_expr("$file", "->f_pos", 0);
	struct expr *e = ARENA_NEW(&arena, struct expr);
	struct expr *bad = ARENA_NEW(&arena, struct expr);

	e->kind = E_ENTRY;
	e->loc = here();
	e->left = inner;
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, e), 0);
	ck_assert_int_eq(e->entry_slot, 0);
	ck_assert_int_eq(e->type, TY_LONG);
	ck_assert_int_eq(inner->tvar->at_entry, 0);	/* evaluated by the entry handler */
	ck_assert_int_eq(dp->nentry, 1);
	*bad = *e;
	bad->left = target_expr("$count", NULL, 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), bad), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "'@entry' is only available in .return"));
}
END_TEST

START_TEST(parms_pretty_string_in_hex)
{
	struct expr *e = target_expr("$$parms", NULL, 0);
	const struct tvar_access *a;

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), 0);
	ck_assert_int_eq(e->type, TY_STRING);
	a = e->tvar;
	ck_assert_int_eq(a->npretty, 4);
	ck_assert_str_eq(a->pretty[0].text, "file=");
	ck_assert_str_eq(a->pretty[1].text, " buf=");
	ck_assert_str_eq(a->pretty[2].text, " count=");
	ck_assert_str_eq(a->pretty[3].text, " pos=");
	ck_assert_int_eq(a->pretty[2].fmt, TVP_HEX);
	assert_step(a->pretty[3].value, 0, TV_REG_ARG, 3, 8, 0);
}
END_TEST

START_TEST(pretty_suffix_expands_struct_pointer_one_level)
{
	struct expr *e = target_expr("$file", NULL, 1);
	struct expr *s = target_expr("$buf", NULL, 1);
	struct derived_probe *dp = kprobe("vfs_read", 0);
	const struct tvar_access *a;
	char joined[512] = "";
	int i;

	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, e), 0);
	a = e->tvar;
	for (i = 0; i < a->npretty; i++) {
		strcat(joined, a->pretty[i].text);
		if (a->pretty[i].value)
			strcat(joined, a->pretty[i].fmt == TVP_HEX ? "X" :
				       a->pretty[i].fmt == TVP_DEC ? "D" : "U");
	}
	ck_assert_str_eq(joined, "{.f_llist=D, .f_rcu=D, .f_path={...}, .f_mode=U, .f_ro=U, "
				 ".f_sgn=D, .f_pos=D}");
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, s), 0);
	ck_assert_int_eq(s->tvar->npretty, 1);
	ck_assert_int_eq(s->tvar->pretty[0].fmt, TVP_STRING);
	ck_assert(s->tvar->pretty[0].value->result_is_string);
}
END_TEST

START_TEST(pretty_chars_print_as_characters)
{
	struct expr *e = target_expr("$buf", "[0]", 1);

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), 0);
	ck_assert_int_eq(e->tvar->npretty, 1);
	ck_assert_int_eq(e->tvar->pretty[0].fmt, TVP_CHAR);
}
END_TEST

START_TEST(double_pretty_expands_nested_structs)
{
	struct expr *e = target_expr("$file", NULL, 2);
	const struct tvar_access *a;
	int i, found = 0;

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), 0);
	a = e->tvar;
	for (i = 0; i < a->npretty; i++)
		found |= !strcmp(a->pretty[i].text, ", .f_path={.mnt=");
	ck_assert(found);
}
END_TEST

START_TEST(unknown_variable_lists_alternatives)
{
	struct expr *e = target_expr("$nope", NULL, 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 1), e), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "t.stp:1:1: error: target variable '$nope' "
				     "not found (alternatives: $file $buf $count $pos $return)"));
}
END_TEST

START_TEST(unknown_variable_of_a_function_without_parameters)
{
	struct derived_probe *dp = kprobe("nothing", 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, target_expr("$x", NULL, 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "target variable '$x' not found (function "
				     "'nothing' has no parameters)"));
}
END_TEST

START_TEST(unknown_member_lists_alternatives)
{
	struct expr *e = target_expr("$file", "->f_nope", 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "unable to find member 'f_nope' for struct "
				     "file (alternatives: f_llist f_rcu f_path f_mode f_ro "
				     "f_sgn f_pos)"));
}
END_TEST

START_TEST(type_errors_are_reported)
{
	struct derived_probe *dp = kprobe("vfs_read", 0);

	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, target_expr("$count", "->x", 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "'$count' is not a struct or union, nor a "
				     "pointer to one (type 'size_t')"));
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, target_expr("$file", "->f_path", 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "'$file->f_path' is a whole struct"));
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, target_expr("$count", "[1]", 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "'$count' is not an array or pointer"));
	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("big_arg", 0), target_expr("$p", NULL, 0)),
			 -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "'$p' is not available: it is a 16-byte value "
				     "passed in two registers (type 'struct path')"));
}
END_TEST

START_TEST(registers_follow_the_calling_convention)
{
	struct derived_probe *dp = kprobe("setuid", 0);
	struct expr *after = target_expr("$after", NULL, 0);
	struct expr *val = target_expr("$uid", ".val", 0);
	struct expr *lo = target_expr("$uid", "->lo", 0);
	struct expr *parms = target_expr("$$parms", NULL, 0);

	/* a 16-byte struct takes two registers: the int after it is in cx */
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, after), 0);
	assert_step(after->tvar, 0, TV_REG_ARG, 3, 4, 1);
	/* a struct of 8 bytes is its register; members are bits of it */
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, val), 0);
	ck_assert_int_eq(val->tvar->nsteps, 2);
	assert_step(val->tvar, 0, TV_REG_ARG, 0, 8, 0);
	assert_step(val->tvar, 1, TV_BITFIELD, 0, 32, 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, lo), 0);
	assert_step(lo->tvar, 1, TV_BITFIELD, 32, 16, 1);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, parms), 0);
	ck_assert_str_eq(parms->tvar->pretty[1].text, " p=?");
	ck_assert_ptr_null(parms->tvar->pretty[1].value);
	/* the seventh integer argument is on the stack */
	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("seven", 0), target_expr("$f", NULL, 0)),
			 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("seven", 0), target_expr("$g", NULL, 0)),
			 -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "'$g' is not available: argument 7 of 'seven' "
				     "is passed on the stack"));
}
END_TEST

START_TEST(no_context_outside_function_probes)
{
	struct derived_probe *dp = ARENA_NEW(&arena, struct derived_probe);

	dp->kind = PK_BEGIN;
	dp->pp = "begin";
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, target_expr("$x", NULL, 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "target variable '$x' is not available in "
				     "probe 'begin'"));
	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("no_such_fn", 0),
					   target_expr("$x", NULL, 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "BTF does not describe function "
				     "'no_such_fn'"));
}
END_TEST

START_TEST(defined_folds_quietly)
{
	struct derived_probe *dp = kprobe("vfs_read", 0);
	struct expr *yes = ARENA_NEW(&arena, struct expr), *no = ARENA_NEW(&arena, struct expr);

	yes->kind = no->kind = E_DEFINED;
	yes->left = target_expr("$file", "->f_pos", 0);
	no->left = target_expr("$file", "->f_nope", 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, yes), 0);
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, no), 0);
	ck_assert_int_eq(yes->kind, E_NUM);
	ck_assert_int_eq(yes->num, 1);
	ck_assert_int_eq(no->kind, E_NUM);
	ck_assert_int_eq(no->num, 0);
	ck_assert_int_eq(diag.errors, 0);
	ck_assert_str_eq(diagnostics(), "");
}
END_TEST

START_TEST(cast_reads_through_its_operand)
{
	struct expr *e = target_expr(NULL, "->f_mode", 0);
	struct expr *p = ARENA_NEW(&arena, struct expr);

	p->kind = E_VAR;
	p->name = "p";
	e->kind = E_CAST;
	e->left = p;
	e->str = "struct file";
	ck_assert_int_eq(sema_tvar_resolve(&prog, NULL, e), 0);	/* in a function */
	ck_assert_int_eq(e->tvar->nsteps, 3);
	ck_assert_int_eq(e->tvar->steps[0].kind, TV_EXPR);
	ck_assert_ptr_eq(e->tvar->steps[0].expr, p);
	assert_step(e->tvar, 1, TV_ADD, 24, 0, 0);
	assert_step(e->tvar, 2, TV_DEREF, 0, 4, 0);
	e->str = "struct nosuch";
	ck_assert_int_eq(sema_tvar_resolve(&prog, NULL, e), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "type 'struct nosuch' not found"));
}
END_TEST

START_TEST(writes_are_checked)
{
	struct derived_probe *ret = kprobe("vfs_read", 1);

	ck_assert_int_eq(sema_tvar_resolve_write(&prog, kprobe("vfs_read", 0),
						 target_expr("$count", NULL, 0)), 0);
	ck_assert_int_eq(sema_tvar_resolve_write(&prog, ret, target_expr("$return", NULL, 0)), 0);
	ck_assert_int_eq(sema_tvar_resolve_write(&prog, ret, target_expr("$count", NULL, 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "cannot write to '$count' in a .return probe"));
	ck_assert_int_eq(sema_tvar_resolve_write(&prog, ret, target_expr("$$parms", NULL, 0)), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "cannot write to '$$parms'"));
	ck_assert(sema_tvar_is_target(target_expr("$x", NULL, 0)));
}
END_TEST

START_TEST(tracepoint_arguments)
{
	struct derived_probe *dp = ARENA_NEW(&arena, struct derived_probe);
	struct expr *e = target_expr("$rq", "->f_mode", 0);
	struct ptrvec vars = { 0 };

	dp->kind = PK_TRACEPOINT;
	dp->tp_event = "block_rq_issue";
	dp->pp = "kernel.trace(\"block_rq_issue\")";
	ck_assert_int_eq(sema_tvar_resolve(&prog, dp, e), 0);
	assert_step(e->tvar, 0, TV_REG_ARG, 0, 8, 0);	/* TP_PROTO's first */
	assert_step(e->tvar, 1, TV_ADD, 24, 0, 0);
	ck_assert_int_eq(sema_tvar_list(&prog, dp, &vars), 1);
	ck_assert_str_eq(vars.v[0], "$rq:struct file*");
}
END_TEST

START_TEST(list_names_and_types)
{
	struct ptrvec vars = { 0 };
	struct derived_probe *begin = ARENA_NEW(&arena, struct derived_probe);

	ck_assert_int_eq(sema_tvar_list(&prog, kprobe("vfs_read", 1), &vars), 5);
	ck_assert_str_eq(vars.v[0], "$file:struct file*");
	ck_assert_str_eq(vars.v[1], "$buf:char*");
	ck_assert_str_eq(vars.v[2], "$count:size_t");
	ck_assert_str_eq(vars.v[3], "$pos:long long int*");
	ck_assert_str_eq(vars.v[4], "$return:ssize_t");
	begin->kind = PK_BEGIN;
	ck_assert_int_eq(sema_tvar_list(&prog, begin, &vars), 0);
	ck_assert_int_eq(sema_tvar_list(&prog, kprobe("no_such_fn", 0), &vars), -1);
	ck_assert_int_eq(vars.n, 5);
}
END_TEST

START_TEST(atvar_needs_debuginfo)
{
	struct expr *e = target_expr(NULL, NULL, 0);

	e->kind = E_ATVAR;
	e->str = "jiffies@kernel/time.c";
	ck_assert_int_eq(sema_tvar_resolve(&prog, kprobe("vfs_read", 0), e), -1);
	ck_assert_ptr_nonnull(strstr(diagnostics(), "'@var(\"jiffies@kernel/time.c\")' needs "
				     "debuginfo"));
}
END_TEST

Suite *sema_tvar_suite(void)
{
	Suite *s = suite_create("sema_tvar");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parameter_is_its_register);
	tcase_add_test(tc, member_chain_folds_offsets_and_loads_pointers);
	tcase_add_test(tc, signed_member_and_anonymous_union);
	tcase_add_test(tc, bitfields_load_their_byte_and_extract);
	tcase_add_test(tc, array_member_is_its_address);
	tcase_add_test(tc, indexing_pointers_constant_and_runtime);
	tcase_add_test(tc, return_value_and_entry_values_in_return_probes);
	tcase_add_test(tc, return_outside_return_probe_and_void_function);
	tcase_add_test(tc, entry_operator_takes_a_slot_and_reads_inside_at_entry);
	tcase_add_test(tc, parms_pretty_string_in_hex);
	tcase_add_test(tc, pretty_suffix_expands_struct_pointer_one_level);
	tcase_add_test(tc, double_pretty_expands_nested_structs);
	tcase_add_test(tc, pretty_chars_print_as_characters);
	tcase_add_test(tc, unknown_variable_lists_alternatives);
	tcase_add_test(tc, unknown_variable_of_a_function_without_parameters);
	tcase_add_test(tc, unknown_member_lists_alternatives);
	tcase_add_test(tc, type_errors_are_reported);
	tcase_add_test(tc, registers_follow_the_calling_convention);
	tcase_add_test(tc, no_context_outside_function_probes);
	tcase_add_test(tc, defined_folds_quietly);
	tcase_add_test(tc, cast_reads_through_its_operand);
	tcase_add_test(tc, writes_are_checked);
	tcase_add_test(tc, tracepoint_arguments);
	tcase_add_test(tc, list_names_and_types);
	tcase_add_test(tc, atvar_needs_debuginfo);
	suite_add_tcase(s, tc);
	return s;
}
