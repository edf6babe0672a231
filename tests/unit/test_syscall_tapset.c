/* test_syscall_tapset.c - the syscall table parser and the tapset generator. */
#include "syscall_tapset.h"
#include "errno_table.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The committed table, found from this file's path (tests run from the
 * top of the tree, as make check does). */
#define TABLE_PATH "tapsets/syscalls.def"

static struct arena A;
static char *diag_text;
static size_t diag_len;
static FILE *diag_file;

static void setup(void)
{
	arena_init(&A);
	diag_reset();
	diag_file = open_memstream(&diag_text, &diag_len);
	diag.out = diag_file;
}

static void teardown(void)
{
	fclose(diag_file);
	diag.out = NULL;
	free(diag_text);
	diag_text = NULL;
	arena_free(&A);
}

/* The diagnostics so far, as text. */
static const char *diags(void)
{
	fflush(diag_file);
	return diag_text ? diag_text : "";
}

static int parse(const char *text, struct syscall_table *t)
{
	struct src_file *src = src_file_from_string("syscalls.def", text);

	return syscall_table_parse(&A, src, t);
}

/* The text of one probe alias "probe syscall.NAME = ... }" in s. */
static char *alias_text(const char *s, const char *head)
{
	const char *p = strstr(s, head), *e;

	if (!p)
		return NULL;
	e = strstr(p, "\n}\n");
	return e ? arena_strndup(&A, p, (size_t)(e - p + 3)) : NULL;
}

static const char *const openat_line =
	"257 openat __x64_sys_openat fd : int dfd:dirfd, "
	"const char __user * filename:path, int flags:open_flags, "
	"umode_t mode:mode_creat(flags)\n";

START_TEST(parses_a_line_into_its_fields)
{
	struct syscall_table t;

	ck_assert_int_eq(parse("# comment\n\n", &t), 0);
	ck_assert_int_eq(t.n, 0);
	ck_assert_int_eq(parse(openat_line, &t), 0);
	ck_assert_int_eq(t.n, 1);
	ck_assert_int_eq(t.defs[0].nr, 257);
	ck_assert_str_eq(t.defs[0].name, "openat");
	ck_assert_str_eq(t.defs[0].entry, "__x64_sys_openat");
	ck_assert_int_eq(t.defs[0].nargs, 4);
	ck_assert_str_eq(t.defs[0].args[1].ctype, "const char __user *");
	ck_assert_str_eq(t.defs[0].args[1].name, "filename");
	ck_assert_int_eq(t.defs[0].args[1].ref, -1);
	ck_assert_str_eq(t.defs[0].args[3].name, "mode");
	ck_assert_int_eq(t.defs[0].args[3].ref, 2);	/* mode_creat(flags) */
	ck_assert_int_eq(t.defs[0].loc.line, 1);
}
END_TEST

START_TEST(generates_entry_alias_with_named_args_and_argstr)
{
	struct syscall_table t;
	const char *s;
	char *entry;

	ck_assert_int_eq(parse(openat_line, &t), 0);
	s = syscall_tapset_generate(&A, &t);
	entry = alias_text(s, "probe syscall.openat =");
	ck_assert_ptr_nonnull(entry);
	ck_assert_str_eq(entry,
		"probe syscall.openat = kernel.function(\"__x64_sys_openat\") ?\n"
		"{\n"
		"\tname = \"openat\"\n"
		"\tdfd = _sc_int(0)\n"
		"\tfilename_uaddr = _sc_ulong(1)\n"
		"\tfilename = _sc_ustr_quoted(filename_uaddr)\n"
		"\tflags = _sc_int(2)\n"
		"\tmode = _sc_uint(3)\n"
		"\targstr = _sc_argstr(257)\n"
		"}\n");
	/* argstr's C table: the kinds by number, mode_creat(flags) -> arg 2 */
	ck_assert_ptr_nonnull(strstr(s, "\t[257] = { 4, { STP_SK_dirfd, STP_SK_path, "
				     "STP_SK_open_flags, STP_SK_mode_creat }, { -1, -1, -1, 2 } },"
				     "\t/* openat */\n"));
	ck_assert_ptr_nonnull(strstr(s, "\t[STP_SK_mode_creat] = { stp_sc_fmt_mode_creat, 1 },\n"));
	ck_assert_ptr_nonnull(strstr(s, "\t[STP_SK_dirfd] = { stp_sc_fmt_dirfd, 0 },\n"));
	ck_assert_ptr_nonnull(strstr(s, "function _sc_argstr:string(nr:long)"));
}
END_TEST

START_TEST(generates_return_alias_by_return_kind)
{
	struct syscall_table t;
	const char *s;

	ck_assert_int_eq(parse("9 mmap __x64_sys_mmap hex : unsigned long addr:hex\n"
			       "95 umask __x64_sys_umask octal : int mask:mode\n"
			       "0 read __x64_sys_read int : unsigned int fd:fd\n", &t), 0);
	s = syscall_tapset_generate(&A, &t);
	ck_assert_str_eq(alias_text(s, "probe syscall.mmap.return"),
		"probe syscall.mmap.return = kernel.function(\"__x64_sys_mmap\").return ?\n"
		"{\n\tname = \"mmap\"\n\tretval = _sc_ret()\n"
		"\tretstr = return_str(2, retval)\n}\n");
	ck_assert_ptr_nonnull(strstr(s, "retstr = return_str(3, retval)"));
	ck_assert_ptr_nonnull(strstr(s, "retstr = return_str(1, retval)"));
	ck_assert_ptr_nonnull(strstr(s, "\t[9] = { 1, { STP_SK_hex }, { -1 } },\t/* mmap */\n"));
	ck_assert_ptr_nonnull(strstr(s, "\t[95] = { 1, { STP_SK_mode }, { -1 } },\t/* umask */\n"));
}
END_TEST

START_TEST(pointer_args_are_uaddr_and_buffers_use_their_length)
{
	struct syscall_table t;
	const char *s;

	ck_assert_int_eq(parse("1 write __x64_sys_write int : unsigned int fd:fd, "
			       "const char __user * buf:buf(count), size_t count:ulong\n"
			       "0 read __x64_sys_read int : unsigned int fd:fd, "
			       "char __user * buf:ptr, size_t count:ulong\n", &t), 0);
	s = syscall_tapset_generate(&A, &t);
	ck_assert_ptr_nonnull(strstr(s, "\tfd = _sc_int(0)\n\tbuf_uaddr = _sc_ulong(1)\n"
				     "\tcount = _sc_ulong(2)\n\targstr = _sc_argstr(1)\n"));
	ck_assert_ptr_nonnull(strstr(s, "\t[1] = { 3, { STP_SK_fd, STP_SK_buf, STP_SK_ulong }, "
				     "{ -1, 2, -1 } },\t/* write */\n"));
	ck_assert_ptr_nonnull(strstr(s, "\t[0] = { 3, { STP_SK_fd, STP_SK_ptr, STP_SK_ulong }, "
				     "{ -1, -1, -1 } },\t/* read */\n"));
}
END_TEST

START_TEST(no_arg_syscalls_fall_back_to_do_sys)
{
	struct syscall_table t;
	const char *s;

	ck_assert_int_eq(parse("39 getpid __x64_sys_getpid int :\n", &t), 0);
	s = syscall_tapset_generate(&A, &t);
	ck_assert_str_eq(alias_text(s, "probe syscall.getpid ="),
		"probe syscall.getpid = kernel.function(\"__x64_sys_getpid\") !, "
		"kernel.function(\"__do_sys_getpid\") ?\n"
		"{\n\tname = \"getpid\"\n\targstr = \"\"\n}\n");
	ck_assert_ptr_nonnull(strstr(s, "kernel.function(\"__x64_sys_getpid\").return !, "
				     "kernel.function(\"__do_sys_getpid\").return ?"));
}
END_TEST

START_TEST(unimplemented_syscalls_get_no_probe)
{
	struct syscall_table t;
	const char *s;

	ck_assert_int_eq(parse("180 nfsservctl - int :\n", &t), 0);
	ck_assert_int_eq(t.n, 1);
	ck_assert_ptr_null(t.defs[0].entry);
	s = syscall_tapset_generate(&A, &t);
	ck_assert_ptr_null(strstr(s, "nfsservctl"));
}
END_TEST

START_TEST(errno_names_come_from_the_shared_table)
{
	struct syscall_table t = { 0 };
	const char *s = syscall_tapset_generate(&A, &t);

	ck_assert_ptr_nonnull(strstr(s, "\t[2] = \"ENOENT\",\n"));
	ck_assert_ptr_nonnull(strstr(s, "\t[133] = \"EHWPOISON\",\n"));
	ck_assert_ptr_nonnull(strstr(s, "\t[512 - 512] = \"ERESTARTSYS\",\n"));
	ck_assert_ptr_nonnull(strstr(s, "function errno_str:string(err:long)"));
	ck_assert_ptr_nonnull(strstr(s, "function errno_p:long(err:long)"));
	/* aliases are for parsing names, never printed */
	ck_assert_ptr_null(strstr(s, "EWOULDBLOCK"));
}
END_TEST

struct bad_case {
	const char *line, *message;
};

static const struct bad_case bad_cases[] = {
	{ "x read __x64_sys_read int : int fd:fd\n", "expected a syscall number, got 'x'" },
	{ "0 read __x64_sys_read int int fd:fd\n", "expected ':' before the arguments of 'read'" },
	{ "0 read __x64_sys_read long : int fd:fd\n", "expected a return kind" },
	{ "0 read __x64_sys_read int : int fd:fdd\n", "unknown argument kind 'fdd'" },
	{ "0 read __x64_sys_read int : int fd\n", "expected 'type name:kind'" },
	{ "0 read __x64_sys_read int : fd:fd\n", "needs a C type and a name" },
	{ "0 read __x64_sys_read int : int name:str\n", "would hide the probe's own 'name'" },
	{ "0 read __x64_sys_read int : int fd:fd, int fd:int\n", "names two arguments 'fd'" },
	{ "1 write __x64_sys_write int : char *buf:buf\n", "needs another argument" },
	{ "1 write __x64_sys_write int : char *buf:buf(len)\n", "no argument 'len'" },
	{ "1 write __x64_sys_write int : int fd:fd(x)\n", "takes no other argument" },
	{ "1 w __x64_sys_w int : int a:int, int b:int, int c:int, int d:int, int e:int, "
	  "int f:int, int g:int\n", "more than 6 arguments" },
};

START_TEST(malformed_lines_are_diagnosed)
{
	struct syscall_table t;
	const struct bad_case *c = &bad_cases[_i];
	char *text = arena_printf(&A, "0 read __x64_sys_read int : int fd:fd\n%s", c->line);

	ck_assert_int_eq(parse(text, &t), -1);
	ck_assert_int_eq(diag.errors, 1);
	ck_assert_msg(strstr(diags(), "syscalls.def:2:"), "no location in: %s", diags());
	ck_assert_msg(strstr(diags(), c->message), "expected '%s' in: %s", c->message, diags());
	ck_assert_int_eq(t.n, 1);	/* the good line is kept */
}
END_TEST

/* The committed table: every x86-64 syscall, consistent, and fast. */
START_TEST(committed_table_covers_every_syscall)
{
	struct syscall_table t;
	struct src_file *src = src_file_load(TABLE_PATH);
	const char *s;
	char seen[512] = { 0 };
	int i, probed = 0, max_nr = 0;

	ck_assert_ptr_nonnull(src);
	ck_assert_int_eq(syscall_table_parse(&A, src, &t), 0);
	for (i = 0; i < t.n; i++) {
		ck_assert_int_lt(t.defs[i].nr, 512);
		ck_assert_msg(!seen[t.defs[i].nr], "number %d twice", t.defs[i].nr);
		seen[t.defs[i].nr] = 1;
		if (t.defs[i].nr > max_nr)
			max_nr = t.defs[i].nr;
		probed += t.defs[i].entry != NULL;
	}
	/* 0..334 and 424..450 on 6.1: no gaps inside those ranges */
	for (i = 0; i <= 334; i++)
		ck_assert_msg(seen[i], "syscall %d missing", i);
	for (i = 424; i <= 450; i++)
		ck_assert_msg(seen[i], "syscall %d missing", i);
	ck_assert_int_ge(max_nr, 450);
	ck_assert_int_ge(probed, 340);
	s = syscall_tapset_generate(&A, &t);
	ck_assert_ptr_nonnull(strstr(s, "probe syscall.openat = kernel.function(\"__x64_sys_openat\")"));
	ck_assert_ptr_nonnull(strstr(s, "probe syscall.stat = kernel.function(\"__x64_sys_newstat\")"));
	ck_assert_ptr_nonnull(strstr(s, "probe syscall.umount2 = kernel.function(\"__x64_sys_umount\")"));
	ck_assert_ptr_nonnull(strstr(s, "probe syscall.execve.return"));
	ck_assert_ptr_nonnull(strstr(s, "STP_SK_path, STP_SK_argv, STP_SK_envp }"));
}
END_TEST

/* Every kind has its C formatter in the helpers, and the helpers head the
 * generated source, so a probe alias always brings them along. */
START_TEST(helpers_define_every_kind_and_head_the_source)
{
	struct src_file *aux = src_file_load("tapsets/gen/syscalls_aux.stp");
	const char *s, *kind_table;
	char name[64];
	int n = 0;

	ck_assert_ptr_nonnull(aux);
	s = syscall_tapset_source(&A, TABLE_PATH);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(strncmp(s, aux->text, aux->len), 0);
	kind_table = strstr(s, "} stp_sc_kinds[] = {\n");
	ck_assert_ptr_nonnull(kind_table);
	/* each "[STP_SK_x] = { stp_sc_fmt_x, ..." needs a definition of x */
	while ((kind_table = strstr(kind_table, "\t[STP_SK_"))) {
		char def1[96], def2[96], def3[96];

		ck_assert_int_eq(sscanf(kind_table, "\t[STP_SK_%63[a-z_]]", name), 1);
		snprintf(def1, sizeof(def1), "STP_SC_FMT(%s)", name);
		snprintf(def2, sizeof(def2), "STP_SC_FLAGS_FMT(%s,", name);
		snprintf(def3, sizeof(def3), "STP_SC_ENUM_FMT(%s,", name);
		ck_assert_msg(strstr(aux->text, def1) || strstr(aux->text, def2) ||
			      strstr(aux->text, def3), "no formatter for kind '%s'", name);
		kind_table++;
		n++;
		if (!strncmp(strstr(kind_table, "\n") + 1, "};", 2))
			break;
	}
	ck_assert_int_ge(n, 30);
}
END_TEST

/* The generation's time is bench/symbols.sh's figure, not a test's. */
START_TEST(generated_source_is_bounded)
{
	const char *s = syscall_tapset_source(&A, TABLE_PATH);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_lt((long)strlen(s), 400 * 1024);
}
END_TEST

START_TEST(missing_table_is_a_fatal_diagnostic)
{
	FILE *f;

	ck_assert_ptr_null(syscall_tapset_source(&A, "/nonexistent/syscalls.def"));
	ck_assert_ptr_nonnull(strstr(diags(), "cannot read syscall table '/nonexistent/syscalls.def'"));
	/* a table without its helpers beside it */
	f = fopen("/tmp/test_syscall_tapset.def", "w");
	ck_assert_ptr_nonnull(f);
	fputs("0 read __x64_sys_read int : unsigned int fd:fd\n", f);
	fclose(f);
	ck_assert_ptr_null(syscall_tapset_source(&A, "/tmp/test_syscall_tapset.def"));
	ck_assert_ptr_nonnull(strstr(diags(), "cannot read the syscall tapset's helpers "
				     "'/tmp/gen/syscalls_aux.stp'"));
	remove("/tmp/test_syscall_tapset.def");
}
END_TEST

/* FILE's whole text (malloc'd) */
static char *slurp(const char *path)
{
	struct src_file *f = src_file_load(path);

	ck_assert_msg(f != NULL, "cannot read %s", path);
	return (char *)f->text;
}

static void spill(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The one syscalls-*.stp entry in dir, or NULL */
static char *cache_entry(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		if (!strncmp(e->d_name, "syscalls-", 9)) {
			ck_assert_msg(found == NULL, "two cache entries");
			found = arena_printf(&A, "%s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	return found;
}

/* The generated text is cached, and a changed table is generated anew
 * and replaces the old entry. */
START_TEST(generated_text_is_cached_until_the_table_changes)
{
	char top[] = "/tmp/test_sc_cache.XXXXXX";
	const char *old_xdg = getenv("XDG_CACHE_HOME");
	char *saved = old_xdg ? strdup(old_xdg) : NULL;
	const char *table, *first, *again, *entry, *changed;
	char *cmd;

	ck_assert_ptr_nonnull(mkdtemp(top));
	setenv("XDG_CACHE_HOME", top, 1);
	table = arena_printf(&A, "%s/syscalls.def", top);
	mkdir(arena_printf(&A, "%s/gen", top), 0755);
	spill(table, slurp(TABLE_PATH), "w");
	spill(arena_printf(&A, "%s/gen/syscalls_aux.stp", top),
	      slurp("tapsets/gen/syscalls_aux.stp"), "w");

	first = syscall_tapset_source(&A, table);
	ck_assert_ptr_nonnull(first);
	entry = cache_entry(arena_printf(&A, "%s/inject", top));
	ck_assert_msg(entry != NULL, "nothing cached");
	ck_assert_str_eq(slurp(entry), first);
	/* what comes back is the cached entry's text */
	spill(entry, "\n// from the cache\n", "a");
	again = syscall_tapset_source(&A, table);
	ck_assert_ptr_nonnull(again);
	ck_assert_ptr_nonnull(strstr(again, "// from the cache"));
	ck_assert_int_eq(strncmp(again, first, strlen(first)), 0);

	/* a new line in the table (a later mtime, another size): generated */
	sleep(1);
	spill(table, "999 test_sc_cache_new __x64_sys_test_sc_cache_new int : unsigned int fd:fd\n", "a");
	changed = syscall_tapset_source(&A, table);
	ck_assert_ptr_nonnull(changed);
	ck_assert_ptr_null(strstr(changed, "// from the cache"));
	ck_assert_ptr_nonnull(strstr(changed, "syscall.test_sc_cache_new"));
	/* stored in place of the old entry (cache_entry() fails on two) */
	ck_assert_str_ne(cache_entry(arena_printf(&A, "%s/inject", top)), entry);

	if (saved)
		setenv("XDG_CACHE_HOME", saved, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	free(saved);
	cmd = arena_printf(&A, "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *syscall_tapset_suite(void)
{
	Suite *s = suite_create("syscall_tapset");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parses_a_line_into_its_fields);
	tcase_add_test(tc, generates_entry_alias_with_named_args_and_argstr);
	tcase_add_test(tc, generates_return_alias_by_return_kind);
	tcase_add_test(tc, pointer_args_are_uaddr_and_buffers_use_their_length);
	tcase_add_test(tc, no_arg_syscalls_fall_back_to_do_sys);
	tcase_add_test(tc, unimplemented_syscalls_get_no_probe);
	tcase_add_test(tc, errno_names_come_from_the_shared_table);
	tcase_add_loop_test(tc, malformed_lines_are_diagnosed, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, committed_table_covers_every_syscall);
	tcase_add_test(tc, helpers_define_every_kind_and_head_the_source);
	tcase_add_test(tc, generated_source_is_bounded);
	tcase_add_test(tc, missing_table_is_a_fatal_diagnostic);
	tcase_add_test(tc, generated_text_is_cached_until_the_table_changes);
	suite_add_tcase(s, tc);
	return s;
}
