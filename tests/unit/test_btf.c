/* test_btf.c - BTF extraction from kernel images (plain ELF and a bzImage
 * with an xz payload, made by the test), the cache, type queries and the
 * -L spelling of types. */
#include "btf.h"
#include "cache.h"

#include <check.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];
static struct arena arena;

static void setup(void)
{
	strcpy(tmpdir, "/tmp/test_btf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("XDG_CACHE_HOME", tmpdir, 1);
	arena_init(&arena);
}

static void teardown(void)
{
	char cmd[128];

	btf_cache_free();
	arena_free(&arena);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* struct s { int a; char name[16]; }; struct s *; typedef struct s s_t;
 * const char *; void (*)(int); union u; enum e; */
static struct btf *sample_btf(void)
{
	struct btf *b = btf__new_empty();
	int t_int, t_char, t_s, t_arr, t_ps, proto;

	t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	t_char = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	t_arr = btf__add_array(b, t_int, t_char, 16);
	t_s = btf__add_struct(b, "s", 32);
	btf__add_field(b, "a", t_int, 0, 0);
	btf__add_field(b, "name", t_arr, 32, 0);
	t_ps = btf__add_ptr(b, t_s);
	ck_assert_int_eq(t_ps, t_s + 1);
	btf__add_typedef(b, "s_t", t_s);
	btf__add_ptr(b, btf__add_const(b, t_char));		/* const char * */
	proto = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "x", t_int);
	btf__add_ptr(b, proto);					/* void (*)(int) */
	btf__add_union(b, "u", 8);
	btf__add_field(b, "x", t_int, 0, 0);
	btf__add_enum(b, "e", 4);
	btf__add_enum_value(b, "E_ONE", 1);
	btf__add_func(b, "f", BTF_FUNC_GLOBAL, proto);
	return b;
}

/* Write an ELF file holding a .BTF section (when btf) into buf. */
static void *make_elf(const struct btf *btf, size_t *size)
{
	static const char shstr[] = "\0.BTF\0.shstrtab\0.text";
	char path[96];
	int fd;
	Elf *e;
	Elf64_Ehdr *eh;
	Elf_Scn *scn;
	Elf_Data *d;
	Elf64_Shdr *sh;
	unsigned raw_size;
	const void *raw;
	void *out;
	FILE *f;
	struct stat st;

	snprintf(path, sizeof(path), "%s/elf.tmp", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	eh = elf64_newehdr(e);
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_machine = EM_X86_64;
	eh->e_type = ET_EXEC;
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	if (btf) {
		raw = btf__raw_data(btf, &raw_size);
		d->d_buf = (void *)raw;
		d->d_size = raw_size;
	} else {
		d->d_buf = "\x90\x90";
		d->d_size = 2;
	}
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	sh = elf64_getshdr(scn);
	sh->sh_name = btf ? 1 : 16;
	sh->sh_type = SHT_PROGBITS;
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = (void *)shstr;
	d->d_size = sizeof(shstr);
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	sh = elf64_getshdr(scn);
	sh->sh_name = 6;
	sh->sh_type = SHT_STRTAB;
	eh->e_shstrndx = (Elf64_Half)elf_ndxscn(scn);
	ck_assert_int_ge(elf_update(e, ELF_C_WRITE), 0);
	elf_end(e);
	close(fd);
	ck_assert_int_eq(stat(path, &st), 0);
	out = malloc((size_t)st.st_size);
	f = fopen(path, "rb");
	ck_assert_uint_eq(fread(out, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*size = (size_t)st.st_size;
	return out;
}

/* A bzImage stand-in: boot-stub bytes, the xz stream, a 4-byte trailer. */
static char *write_image(const char *name, const void *elf, size_t size, int compress)
{
	char *path = arena_printf(&arena, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	unsigned char stub[600];

	ck_assert_ptr_nonnull(f);
	if (compress) {
		size_t cap = size + 4096, pos = 0;
		unsigned char *xz = malloc(cap);

		memset(stub, 0x5a, sizeof(stub));
		ck_assert_int_eq(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, elf, size, xz,
							 &pos, cap), LZMA_OK);
		fwrite(stub, 1, sizeof(stub), f);
		fwrite(xz, 1, pos, f);
		fwrite("\x01\x02\x03\x04", 1, 4, f);
		free(xz);
	} else {
		fwrite(elf, 1, size, f);
	}
	fclose(f);
	return path;
}

START_TEST(btf_from_plain_vmlinux)
{
	struct btf *want = sample_btf();
	size_t size;
	void *elf = make_elf(want, &size);
	const char *why = NULL;
	const struct btf *got = btf_load_image("imgtest-plain", write_image("vmlinux", elf, size, 0),
					       &why);

	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(btf__type_cnt(got), btf__type_cnt(want));
	ck_assert_int_gt(btf_find_func(got, "f"), 0);
	free(elf);
	btf__free(want);
}
END_TEST

START_TEST(btf_from_xz_bzimage_is_cached)
{
	struct btf *want = sample_btf();
	size_t size;
	void *elf = make_elf(want, &size);
	const char *why = NULL, *image = write_image("vmlinuz", elf, size, 1);
	const struct btf *got = btf_load_image("imgtest-xz", image, &why);
	struct stat st;
	struct timespec times[2];
	FILE *f;
	char *cache;

	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(btf__type_cnt(got), btf__type_cnt(want));
	ck_assert_int_eq(stat(image, &st), 0);
	cache = arena_printf(&arena, "%s/inject/btf/vmlinux-imgtest-xz-%lld-%lld.btf", tmpdir,
			     (long long)st.st_size, (long long)st.st_mtime);
	ck_assert_int_eq(access(cache, R_OK), 0);
	/* Spoil the image but keep its size and mtime: the cache must serve. */
	btf_cache_free();
	f = fopen(image, "r+b");
	fwrite("garbage!", 1, 8, f);
	fseek(f, 700, SEEK_SET);
	fwrite("garbage!", 1, 8, f);
	fclose(f);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	ck_assert_int_eq(utimensat(AT_FDCWD, image, times, 0), 0);
	got = btf_load_image("imgtest-xz", image, &why);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_gt(btf_find_func(got, "f"), 0);
	/* A new mtime misses the cache and finds the spoiled image. */
	btf_cache_free();
	times[1].tv_sec += 10;
	ck_assert_int_eq(utimensat(AT_FDCWD, image, times, 0), 0);
	ck_assert_ptr_null(btf_load_image("imgtest-xz", image, &why));
	ck_assert_ptr_nonnull(strstr(why, "no BTF for kernel imgtest-xz"));
	free(elf);
	btf__free(want);
}
END_TEST

/* A kernel-sized BTF: 1200 structs with 1 KB names (over 1 MB, over 1000
 * types), what the streaming search accepts. */
static struct btf *big_btf(void)
{
	struct btf *b = btf__new_empty();
	char name[1024];
	int i, t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	for (i = 0; i < 1200; i++) {
		snprintf(name, 16, "s%05d_", i);
		name[7] = 'n';
		btf__add_struct(b, name, 4);
		btf__add_field(b, "x", t_int, 0, 0);
	}
	return b;
}

START_TEST(btf_found_in_the_stream_without_section_headers)
{
	struct btf *want = big_btf(), *decoy = sample_btf();
	size_t size;
	unsigned dsize;
	unsigned char *elf = make_elf(want, &size), *img;
	const void *draw = btf__raw_data(decoy, &dsize);
	const char *why = NULL;
	const struct btf *got;
	uint64_t bad = ~0ULL;

	ck_assert_uint_gt(size, 1 << 20);
	/* a small BTF blob before the image (as embedded BPF programs have in
	 * .rodata), and section headers nobody can find: only the stream
	 * search can succeed */
	img = malloc((size_t)dsize + size);
	memcpy(img, draw, dsize);
	memcpy(img + dsize, elf, size);
	memcpy(img + dsize + 0x28, &bad, sizeof(bad));	/* e_shoff */
	got = btf_load_image("imgtest-stream", write_image("vmlinuz-s", img, (size_t)dsize + size, 1),
			     &why);
	ck_assert_msg(got != NULL, "%s", why ? why : "");
	ck_assert_uint_eq(btf__type_cnt(got), btf__type_cnt(want));
	free(img);
	free(elf);
	btf__free(want);
	btf__free(decoy);
}
END_TEST

START_TEST(image_without_btf_or_payload)
{
	size_t size;
	void *elf = make_elf(NULL, &size);
	const char *why = NULL;

	ck_assert_ptr_null(btf_load_image("imgtest-nobtf", write_image("a", elf, size, 1), &why));
	ck_assert_ptr_nonnull(strstr(why, "has no .BTF section (CONFIG_DEBUG_INFO_BTF is off)"));
	ck_assert_ptr_null(btf_load_image("imgtest-junk", write_image("b", "junk", 4, 0), &why));
	ck_assert_ptr_nonnull(strstr(why, "holds no xz-compressed kernel"));
	ck_assert_ptr_null(btf_load_image("imgtest-none", "/nonexistent/vmlinuz", &why));
	ck_assert_ptr_nonnull(strstr(why, "cannot open '/nonexistent/vmlinuz'"));
	free(elf);
}
END_TEST

START_TEST(missing_release_says_why)
{
	struct target_info t = { 0 };
	const char *why = NULL;

	t.kernel_release = "0.0.0-nosuch";
	ck_assert_ptr_null(btf_kernel(&t, &why));
	ck_assert_ptr_nonnull(strstr(why, "/boot/vmlinuz-0.0.0-nosuch"));
	why = NULL;
	ck_assert_ptr_null(btf_module(&t, "ext4", &why));	/* remembered, same reason */
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(xz_decompress_ignores_trailing_bytes)
{
	static const char text[] = "the quick brown fox jumps over the lazy dog, twice: "
				   "the quick brown fox jumps over the lazy dog";
	unsigned char xz[512], *out;
	size_t pos = 0, n = 0;

	ck_assert_int_eq(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, NULL,
						 (const uint8_t *)text, sizeof(text), xz, &pos,
						 sizeof(xz) - 8), LZMA_OK);
	memcpy(xz + pos, "TRAILER!", 8);
	out = btf_xz_decompress(xz, pos + 8, &n);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(n, sizeof(text));
	ck_assert_mem_eq(out, text, n);
	free(out);
	ck_assert_ptr_null(btf_xz_decompress(xz, pos / 2, &n));	/* truncated */
	ck_assert_ptr_null(btf_xz_decompress("not xz at all", 13, &n));
}
END_TEST

START_TEST(type_queries_and_spelling)
{
	struct btf *b = sample_btf();
	int s = btf_find_type_spelled(b, "struct s"), i, name_arr = -1, cptr = -1, fptr = -1;

	ck_assert_int_gt(s, 0);
	ck_assert_int_eq(btf_find_type_spelled(b, "s_t") > 0, 1);
	ck_assert_int_eq(btf_resolve(b, btf_find_type_spelled(b, "s_t")), s);
	ck_assert_int_gt(btf_find_type_spelled(b, "union u"), 0);
	ck_assert_int_gt(btf_find_type_spelled(b, "enum e"), 0);
	ck_assert_int_gt(btf_find_type_spelled(b, "int"), 0);
	ck_assert_int_eq(btf_find_type_spelled(b, "struct nosuch"), -1);
	ck_assert_int_eq(btf_find_type_spelled(b, "s"), s);	/* a bare tag */
	ck_assert_int_eq(btf_find_type_spelled(b, "nosuch"), -1);
	ck_assert_int_eq(btf_type_size(b, s), 32);
	ck_assert_int_eq(btf_type_size(b, 0), -1);
	ck_assert(btf_type_is_signed(b, btf_find_type_spelled(b, "int")));
	ck_assert(!btf_type_is_signed(b, s));
	for (i = 1; i < (int)btf__type_cnt(b); i++) {
		const struct btf_type *t = btf__type_by_id(b, (unsigned)i);

		if (btf_is_array(t))
			name_arr = i;
		if (btf_is_ptr(t) && btf_is_const(btf__type_by_id(b, t->type)))
			cptr = i;
		if (btf_is_ptr(t) && btf_is_func_proto(btf__type_by_id(b, t->type)))
			fptr = i;
	}
	ck_assert_str_eq(btf_type_name(&arena, b, s), "struct s");
	ck_assert_str_eq(btf_type_name(&arena, b, s + 1), "struct s*");
	ck_assert_str_eq(btf_type_name(&arena, b, btf_find_type_spelled(b, "s_t")), "s_t");
	ck_assert_str_eq(btf_type_name(&arena, b, name_arr), "char[16]");
	ck_assert_str_eq(btf_type_name(&arena, b, cptr), "char*");
	ck_assert_str_eq(btf_type_name(&arena, b, fptr), "void (*)(...)");
	ck_assert_str_eq(btf_type_name(&arena, b, btf_find_type_spelled(b, "union u")), "union u");
	ck_assert_str_eq(btf_type_name(&arena, b, 0), "void");
	ck_assert_int_gt(btf_find_func(b, "f"), 0);
	ck_assert_int_eq(btf_find_func(b, "g"), -1);
	btf__free(b);
}
END_TEST

START_TEST(cache_dir_follows_xdg_then_home)
{
	const char *home = getenv("HOME");
	char *saved = home ? arena_strdup(&arena, home) : NULL;

	ck_assert_str_eq(cache_location(&arena), arena_printf(&arena, "%s/inject", tmpdir));
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/someone", 1);
	ck_assert_str_eq(cache_location(&arena), "/home/someone/.cache/inject");
	unsetenv("HOME");
	ck_assert_ptr_null(cache_location(&arena));
	if (saved)
		setenv("HOME", saved, 1);
}
END_TEST

Suite *btf_suite(void)
{
	Suite *s = suite_create("btf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, btf_from_plain_vmlinux);
	tcase_add_test(tc, btf_from_xz_bzimage_is_cached);
	tcase_add_test(tc, btf_found_in_the_stream_without_section_headers);
	tcase_add_test(tc, image_without_btf_or_payload);
	tcase_add_test(tc, missing_release_says_why);
	tcase_add_test(tc, xz_decompress_ignores_trailing_bytes);
	tcase_add_test(tc, type_queries_and_spelling);
	tcase_add_test(tc, cache_dir_follows_xdg_then_home);
	suite_add_tcase(s, tc);
	return s;
}
