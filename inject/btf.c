/* btf.c - the target kernel's BTF: from sysfs, from a cached extract, or
 * from /boot/vmlinuz-R (xz-decompressed with liblzma, .BTF read with
 * libelf); see btf.h. */
#include "btf.h"
#include "cache.h"
#include "ksyms.h"
#include "tracepoints.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* One loaded BTF per (release, module); module NULL for the kernel. */
struct btf_loaded {
	struct btf_loaded *next;
	char *release, *module;
	struct btf *btf;	/* NULL when loading failed */
	const char *why;
};

static struct btf_loaded *loaded;
static struct btf_index *indexes;	/* name lookups, see btf_find_type */
static struct arena btf_arena;	/* messages and keys; freed by btf_cache_free */

void btf_cache_free(void)
{
	struct btf_loaded *l, *next;

	/* their tables point into the BTF's strings */
	tracepoints_cache_free();
	ksyms_cache_free();

	/* modules first: their split BTF refers to the kernel's */
	for (l = loaded; l; l = l->next)
		if (l->module && l->btf) {
			btf__free(l->btf);
			l->btf = NULL;
		}
	for (l = loaded; l; l = next) {
		next = l->next;
		btf__free(l->btf);
		free(l);
	}
	loaded = NULL;
	indexes = NULL;
	arena_free(&btf_arena);
}

static struct btf_loaded *find_loaded(const char *release, const char *module)
{
	struct btf_loaded *l;

	for (l = loaded; l; l = l->next)
		if (!strcmp(l->release, release) &&
		    (module ? l->module && !strcmp(l->module, module) : !l->module))
			return l;
	return NULL;
}

static struct btf_loaded *remember(const char *release, const char *module,
				   struct btf *btf, const char *why)
{
	struct btf_loaded *l = xcalloc(1, sizeof(*l));

	l->release = arena_strdup(&btf_arena, release);
	l->module = module ? arena_strdup(&btf_arena, module) : NULL;
	l->btf = btf;
	l->why = why;
	l->next = loaded;
	loaded = l;
	return l;
}

void btf_register(const char *release, const char *module, struct btf *btf)
{
	remember(release, module, btf, NULL);
}

static int is_running_release(const char *release)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.release, release);
}

/* mkdir -p for the cache path (parents of a file path). */
static int make_parents(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Read a whole file into a heap buffer. */
static void *read_file(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *buf;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	*size = got;
	return buf;
}

static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

/* Decompress the first xz stream of the image (a bzImage carries one,
 * followed by the 4-byte size the boot stub wants; the decoder stops at
 * the stream's end). Returns a heap buffer or NULL. */
unsigned char *btf_xz_decompress(const void *in, size_t in_size, size_t *out_size)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	size_t cap = 64 << 20;
	unsigned char *out;
	lzma_ret ret;

	if (lzma_stream_decoder(&strm, UINT64_MAX, 0) != LZMA_OK)
		return NULL;
	out = xmalloc(cap);
	strm.next_in = in;
	strm.avail_in = in_size;
	strm.next_out = out;
	strm.avail_out = cap;
	for (;;) {
		ret = lzma_code(&strm, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK && ret != LZMA_BUF_ERROR) {
			free(out);
			lzma_end(&strm);
			return NULL;
		}
		if (strm.avail_out == 0) {
			size_t used = cap;

			cap *= 2;
			out = xrealloc(out, cap);
			strm.next_out = out + used;
			strm.avail_out = cap - used;
		} else if (ret == LZMA_BUF_ERROR) {
			free(out);	/* truncated input */
			lzma_end(&strm);
			return NULL;
		}
	}
	*out_size = cap - strm.avail_out;
	lzma_end(&strm);
	return out;
}

/* Copy the named section of an in-memory ELF image; NULL when absent. */
void *btf_elf_section(const void *image, size_t size, const char *name, size_t *len)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	void *copy = NULL;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)(uintptr_t)image, size);
	if (!elf)
		return NULL;
	if (elf_getshdrstrndx(elf, &shstrndx) == 0) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *n;
			Elf_Data *d;

			if (!gelf_getshdr(scn, &sh))
				continue;
			n = elf_strptr(elf, shstrndx, sh.sh_name);
			if (!n || strcmp(n, name))
				continue;
			d = elf_getdata(scn, NULL);
			if (d && d->d_buf && d->d_size) {
				copy = xmalloc(d->d_size);
				memcpy(copy, d->d_buf, d->d_size);
				*len = d->d_size;
			}
			break;
		}
	}
	elf_end(elf);
	return copy;
}

/* The vmlinux BTF found in the decompressed stream itself, without keeping
 * the 66 MB image: scan the output for a BTF header (magic 0xeB9F,
 * version 1, header length 24), collect the blob it announces and keep it
 * when libbpf parses it into a kernel-sized type graph (small BTF blobs of
 * embedded BPF programs come earlier in .rodata and are skipped). Decoding
 * stops there: .BTF sits in the first half of the image. NULL when no
 * such blob turns up; the caller then reads the ELF the slow way. */
static void *xz_stream_btf(const unsigned char *in, size_t in_size, size_t *len)
{
	static const unsigned char hdr_magic[8] = { 0x9f, 0xeb, 1, 0, 24, 0, 0, 0 };
	enum { CHUNK = 1 << 20, CARRY = 23 };
	lzma_stream strm = LZMA_STREAM_INIT;
	unsigned char *buf = xmalloc(CARRY + CHUNK), *blob = NULL;
	size_t carry = 0, blob_size = 0, blob_have = 0;
	void *result = NULL;
	lzma_ret ret = LZMA_OK;

	if (lzma_stream_decoder(&strm, UINT64_MAX, 0) != LZMA_OK) {
		free(buf);
		return NULL;
	}
	strm.next_in = in;
	strm.avail_in = in_size;
	while (!result && ret == LZMA_OK) {
		size_t n, i = 0;

		strm.next_out = buf + carry;
		strm.avail_out = CHUNK;
		ret = lzma_code(&strm, LZMA_FINISH);
		n = carry + CHUNK - strm.avail_out;
		while (i < n && !result) {
			if (blob) {	/* filling a candidate */
				size_t take = blob_size - blob_have < n - i ? blob_size - blob_have :
									      n - i;

				memcpy(blob + blob_have, buf + i, take);
				blob_have += take;
				i += take;
				if (blob_have == blob_size) {
					struct btf *b = btf__new(blob, (unsigned)blob_size);

					if (b && btf__type_cnt(b) > 1000) {
						result = blob;
						*len = blob_size;
					} else {
						free(blob);
					}
					btf__free(b);
					blob = NULL;
				}
				continue;
			}
			{
				unsigned char *m = memmem(buf + i, n - i, hdr_magic, sizeof(hdr_magic));
				uint32_t h[4];

				if (!m || (size_t)(m - buf) + 24 > n) {
					/* keep a partial header for the next chunk */
					i = n > CARRY ? n - CARRY : 0;
					if (m && (size_t)(m - buf) < i)
						i = (size_t)(m - buf);
					break;
				}
				memcpy(h, m + 8, sizeof(h));	/* type_off/len, str_off/len */
				blob_size = 24 + (h[0] + h[1] > h[2] + h[3] ? h[0] + h[1] : h[2] + h[3]);
				if (blob_size < (1u << 20) || blob_size > (256u << 20)) {
					i = (size_t)(m - buf) + 1;	/* not the kernel's */
					continue;
				}
				blob = xmalloc(blob_size);
				blob_have = 0;
				i = (size_t)(m - buf);
			}
		}
		if (!blob && !result) {
			/* carry the unscanned tail (< CARRY bytes) to the next chunk */
			carry = n - i <= CARRY ? n - i : 0;
			memmove(buf, buf + n - carry, carry);
		} else {
			carry = 0;
		}
	}
	free(blob);
	free(buf);
	lzma_end(&strm);
	return result;
}

/* Write bytes to path atomically, its directories made first. */
static void cache_write(const char *path, const void *data, size_t len)
{
	if (!make_parents(arena_strdup(&btf_arena, path)))
		cache_write_file(&btf_arena, path, data, len);
}

/* The .BTF bytes of a kernel image (a bzImage with an xz payload, or a
 * vmlinux ELF), from the cache or extracted now. */
static void *image_btf(const char *release, const char *image, size_t *len, const char **why)
{
	const char *dir = cache_location(&btf_arena);
	char *cache = NULL;
	struct stat st;
	unsigned char *raw, *elf, *magic;
	size_t raw_size, elf_size;
	void *data;
	int fd;

	if (stat(image, &st)) {
		*why = arena_printf(&btf_arena, "no BTF for kernel %s: cannot open '%s': %s",
				    release, image, strerror(errno));
		return NULL;
	}
	if (dir) {
		cache = arena_printf(&btf_arena, "%s/btf/vmlinux-%s-%lld-%lld.btf", dir, release,
				     (long long)st.st_size, (long long)st.st_mtime);
		data = read_file(cache, len);
		if (data)
			return data;
	}
	fd = open(image, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = arena_printf(&btf_arena, "no BTF for kernel %s: cannot open '%s': %s",
				    release, image, strerror(errno));
		return NULL;
	}
	raw_size = (size_t)st.st_size;
	raw = mmap(NULL, raw_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (raw == MAP_FAILED) {
		*why = arena_printf(&btf_arena, "no BTF for kernel %s: cannot map '%s'", release,
				    image);
		return NULL;
	}
	if (raw_size > 4 && !memcmp(raw, ELFMAG, SELFMAG)) {	/* a plain vmlinux */
		data = btf_elf_section(raw, raw_size, ".BTF", len);
		munmap(raw, raw_size);
		if (!data)
			goto no_btf;
		goto found;
	}
	magic = memmem(raw, raw_size, xz_magic, sizeof(xz_magic));
	data = magic ? xz_stream_btf(magic, raw_size - (size_t)(magic - raw), len) : NULL;
	if (data) {
		munmap(raw, raw_size);
		goto found;
	}
	elf = magic ? btf_xz_decompress(magic, raw_size - (size_t)(magic - raw), &elf_size) : NULL;
	munmap(raw, raw_size);
	if (!elf) {
		*why = arena_printf(&btf_arena,
				    "no BTF for kernel %s: '%s' holds no xz-compressed kernel",
				    release, image);
		return NULL;
	}
	data = btf_elf_section(elf, elf_size, ".BTF", len);
	free(elf);
	if (!data) {
no_btf:
		*why = arena_printf(&btf_arena,
				    "no BTF for kernel %s: its image has no .BTF section "
				    "(CONFIG_DEBUG_INFO_BTF is off)", release);
		return NULL;
	}
found:
	if (cache)
		cache_write(cache, data, *len);
	return data;
}

const struct btf *btf_kernel(const struct target_info *t, const char **why)
{
	const char *release = t->kernel_release;
	struct btf_loaded *l = find_loaded(release, NULL);
	struct btf *btf = NULL;
	const char *msg = NULL;

	if (!l) {
		if (is_running_release(release) && access("/sys/kernel/btf/vmlinux", R_OK) == 0) {
			btf = btf__parse_raw("/sys/kernel/btf/vmlinux");
			if (!btf)
				msg = "cannot parse /sys/kernel/btf/vmlinux";
		} else {
			return btf_load_image(release, arena_printf(&btf_arena, "/boot/vmlinuz-%s",
								    release), why);
		}
		l = remember(release, NULL, btf, msg);
	}
	if (!l->btf && why)
		*why = l->why;
	return l->btf;
}

const struct btf *btf_load_image(const char *release, const char *image, const char **why)
{
	struct btf_loaded *l = find_loaded(release, NULL);
	struct btf *btf = NULL;
	const char *msg = NULL;

	if (!l) {
		size_t len = 0;
		void *data = image_btf(release, image, &len, &msg);

		if (data) {
			btf = btf__new(data, (unsigned)len);
			free(data);
			if (!btf)
				msg = arena_printf(&btf_arena, "no BTF for kernel %s: malformed .BTF",
						   release);
		}
		l = remember(release, NULL, btf, msg);
	}
	if (!l->btf && why)
		*why = l->why;
	return l->btf;
}

/* The .BTF of a module object split on base: a plain .ko directly; a
 * .ko.xz is decompressed and its .BTF written to the cache (libbpf 1.1
 * parses split BTF only from files). */
static struct btf *ko_btf(const char *path, const struct btf *base)
{
	size_t size, n = strlen(path), len = 0;
	unsigned char *file, *elf;
	const char *dir;
	char *cache;
	struct stat st;
	void *data;

	if (n <= 3 || strcmp(path + n - 3, ".xz"))
		return btf__parse_elf_split(path, (struct btf *)base);
	dir = cache_location(&btf_arena);
	if (!dir || stat(path, &st))
		return NULL;
	cache = arena_printf(&btf_arena, "%s/btf/module-%s-%lld-%lld.btf", dir,
			     strrchr(path, '/') + 1, (long long)st.st_size,
			     (long long)st.st_mtime);
	if (access(cache, R_OK) == 0)
		return btf__parse_raw_split(cache, (struct btf *)base);
	file = read_file(path, &size);
	elf = file ? btf_xz_decompress(file, size, &size) : NULL;
	free(file);
	data = elf ? btf_elf_section(elf, size, ".BTF", &len) : NULL;
	free(elf);
	if (!data)
		return NULL;
	cache_write(cache, data, len);
	free(data);
	return btf__parse_raw_split(cache, (struct btf *)base);
}

const struct btf *btf_module(const struct target_info *t, const char *module,
			     const char **why)
{
	const char *release = t->kernel_release;
	struct btf_loaded *l;
	const struct btf *base;
	struct btf *btf = NULL;
	const char *msg = NULL, *ko;
	char *sys;

	if (!module || !strcmp(module, "kernel"))
		return btf_kernel(t, why);
	l = find_loaded(release, module);
	if (l)
		goto out;
	base = btf_kernel(t, &msg);
	if (!base) {
		l = remember(release, module, NULL, msg);
		goto out;
	}
	sys = arena_printf(&btf_arena, "/sys/kernel/btf/%s", module);
	if (is_running_release(release) && access(sys, R_OK) == 0) {
		btf = btf__parse_split(sys, (struct btf *)base);
	} else if ((ko = ksyms_module_path(&btf_arena, t, module))) {
		btf = ko_btf(ko, base);
		if (!btf)
			msg = arena_printf(&btf_arena, "module '%s' has no BTF ('%s')", module, ko);
	} else {
		msg = arena_printf(&btf_arena, "no module '%s' for kernel %s", module, release);
	}
	if (!btf && !msg)
		msg = arena_printf(&btf_arena, "cannot read BTF of module '%s'", module);
	l = remember(release, module, btf, msg);
out:
	if (!l->btf && why)
		*why = l->why;
	return l->btf;
}

int btf_skip_cv(const struct btf *btf, int id)
{
	const struct btf_type *t;

	while (id > 0 && (t = btf__type_by_id(btf, (unsigned)id))) {
		if (!btf_is_mod(t) && !btf_is_type_tag(t))
			break;
		id = (int)t->type;
	}
	return id;
}

int btf_resolve(const struct btf *btf, int id)
{
	const struct btf_type *t;

	while (id > 0 && (t = btf__type_by_id(btf, (unsigned)id))) {
		if (!btf_is_mod(t) && !btf_is_typedef(t) && !btf_is_type_tag(t))
			break;
		id = (int)t->type;
	}
	return id;
}

/* Name lookups: libbpf's btf__find_by_name_kind scans every type (100k in
 * a kernel), and a globbed probe asks once per function. Each BTF gets a
 * sorted name index per kind on first use (FUNC for probes and symbols;
 * the others only when @cast asks); a split BTF indexes only its own types
 * and falls back to its base's index. */
struct name_ref {
	const char *name;
	int kind, id;
};

struct btf_index {
	struct btf_index *next;
	const struct btf *btf;
	int kind;
	struct name_ref *v;
	int n;
};

static int cmp_name_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->kind - y->kind;
}

static struct btf_index *index_of(const struct btf *btf, int kind)
{
	const struct btf *base = btf__base_btf(btf);
	struct btf_index *ix;
	unsigned id, n = btf__type_cnt(btf), first = base ? btf__type_cnt(base) : 1;

	struct btf_loaded *l;

	for (ix = indexes; ix; ix = ix->next)
		if (ix->btf == btf && ix->kind == kind)
			return ix;
	/* only the BTFs this file owns live long enough to index */
	for (l = loaded; l && l->btf != btf; l = l->next)
		;
	if (!l)
		return NULL;
	ix = ARENA_NEW(&btf_arena, struct btf_index);
	ix->btf = btf;
	ix->kind = kind;
	for (id = first; id < n; id++)	/* count, then fill: one allocation */
		ix->n += (int)btf_kind(btf__type_by_id(btf, id)) == kind;
	ix->v = arena_alloc(&btf_arena, sizeof(*ix->v) * ((size_t)ix->n + 1));
	ix->n = 0;
	for (id = first; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if ((int)btf_kind(t) != kind)
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !*name)
			continue;
		ix->v[ix->n].name = name;
		ix->v[ix->n].kind = (int)btf_kind(t);
		ix->v[ix->n].id = (int)id;
		ix->n++;
	}
	qsort(ix->v, (size_t)ix->n, sizeof(*ix->v), cmp_name_ref);
	ix->next = indexes;
	indexes = ix;
	return ix;
}

int btf_find_type(const struct btf *btf, const char *name, int kind)
{
	struct name_ref key = { name, kind, 0 };
	const struct btf *base;

	for (; btf; btf = base) {
		struct btf_index *ix = index_of(btf, kind);
		struct name_ref *hit;
		int id;

		if (!ix) {	/* someone else's BTF: libbpf's scan */
			id = btf__find_by_name_kind(btf, name, (unsigned)kind);
			return id > 0 ? id : -1;
		}
		hit = bsearch(&key, ix->v, (size_t)ix->n, sizeof(*ix->v), cmp_name_ref);
		if (hit)
			return hit->id;
		base = btf__base_btf(btf);
	}
	return -1;
}

int btf_sorted_names(const struct btf *btf, int kind, struct arena *a, struct ptrvec *out)
{
	struct btf_index *ix = index_of(btf, kind);
	int i, n = 0;

	if (ix && out->cap - out->n < ix->n) {	/* one allocation, not log2(n) */
		void **v = arena_alloc(a, sizeof(void *) * (size_t)(out->n + ix->n));

		if (out->n)
			memcpy(v, out->v, sizeof(void *) * (size_t)out->n);
		out->v = v;
		out->cap = out->n + ix->n;
	}
	for (i = 0; ix && i < ix->n; i++)
		if (ix->v[i].kind == kind) {
			ptrvec_push(a, out, (void *)ix->v[i].name);
			n++;
		}
	return n;
}

int btf_find_func(const struct btf *btf, const char *name)
{
	return btf_find_type(btf, name, BTF_KIND_FUNC);
}

int btf_find_type_spelled(const struct btf *btf, const char *spelling)
{
	static const struct {
		const char *prefix;
		int kind;
	} tags[] = {
		{ "struct ", BTF_KIND_STRUCT },
		{ "union ", BTF_KIND_UNION },
		{ "enum ", BTF_KIND_ENUM },
	};
	size_t i;
	int id;

	while (*spelling == ' ')
		spelling++;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t n = strlen(tags[i].prefix);

		if (strncmp(spelling, tags[i].prefix, n))
			continue;
		spelling += n;
		while (*spelling == ' ')
			spelling++;
		id = btf_find_type(btf, spelling, tags[i].kind);
		if (id < 0 && tags[i].kind == BTF_KIND_ENUM)
			id = btf_find_type(btf, spelling, BTF_KIND_ENUM64);
		if (id < 0 && tags[i].kind == BTF_KIND_STRUCT)	/* forward-declared only */
			id = btf_find_type(btf, spelling, BTF_KIND_FWD);
		return id;
	}
	/* a bare name: a typedef, a base type, or (as stap allows) a struct or
	 * union tag without its keyword */
	id = btf_find_type(btf, spelling, BTF_KIND_TYPEDEF);
	if (id < 0)
		id = btf_find_type(btf, spelling, BTF_KIND_INT);
	if (id < 0)
		id = btf_find_type(btf, spelling, BTF_KIND_STRUCT);
	if (id < 0)
		id = btf_find_type(btf, spelling, BTF_KIND_UNION);
	return id;
}

long btf_type_size(const struct btf *btf, int id)
{
	long size;

	id = btf_resolve(btf, id);
	if (id <= 0)
		return -1;
	size = btf__resolve_size(btf, (unsigned)id);
	return size < 0 ? -1 : size;
}

int btf_type_is_signed(const struct btf *btf, int id)
{
	const struct btf_type *t;

	id = btf_resolve(btf, id);
	t = id > 0 ? btf__type_by_id(btf, (unsigned)id) : NULL;
	if (!t)
		return 0;
	if (btf_is_int(t))
		return !!(btf_int_encoding(t) & BTF_INT_SIGNED);
	if (btf_is_any_enum(t))
		return btf_kflag(t);
	return 0;
}

/* Append the spelling of type id to buf; stap's -L spelling: qualifiers
 * dropped, '*' glued to the base ("char*"), typedef names kept. */
static void type_spell(const struct btf *btf, int id, char *buf, size_t cap, int depth)
{
	const struct btf_type *t;
	const char *name;
	size_t len = strlen(buf);

	id = btf_skip_cv(btf, id);
	if (depth > 16 || len + 32 >= cap)
		return;
	if (id == 0) {
		snprintf(buf + len, cap - len, "void");
		return;
	}
	t = btf__type_by_id(btf, (unsigned)id);
	if (!t) {
		snprintf(buf + len, cap - len, "?");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR: {
		const struct btf_type *to;
		int to_id = btf_skip_cv(btf, (int)t->type);

		to = to_id ? btf__type_by_id(btf, (unsigned)to_id) : NULL;
		if (to && btf_is_func_proto(to)) {
			type_spell(btf, (int)to->type, buf, cap, depth + 1);
			len = strlen(buf);
			snprintf(buf + len, cap - len, " (*)(...)");
			return;
		}
		type_spell(btf, (int)t->type, buf, cap, depth + 1);
		len = strlen(buf);
		snprintf(buf + len, cap - len, "*");
		return;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = btf_array(t);

		type_spell(btf, (int)arr->type, buf, cap, depth + 1);
		len = strlen(buf);
		snprintf(buf + len, cap - len, "[%u]", arr->nelems);
		return;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD: {
		const char *tag = btf_is_union(t) ? "union" :
				  btf_is_any_enum(t) ? "enum" :
				  btf_is_fwd(t) && btf_kflag(t) ? "union" : "struct";

		snprintf(buf + len, cap - len, "%s %s", tag, *name ? name : "{...}");
		return;
	}
	case BTF_KIND_FUNC_PROTO:
		type_spell(btf, (int)t->type, buf, cap, depth + 1);
		len = strlen(buf);
		snprintf(buf + len, cap - len, " (...)");
		return;
	default:
		snprintf(buf + len, cap - len, "%s", *name ? name : "?");
		return;
	}
}

const char *btf_type_name(struct arena *a, const struct btf *btf, int id)
{
	char buf[512];

	buf[0] = 0;
	type_spell(btf, id, buf, sizeof(buf), 0);
	return arena_strdup(a, buf);
}
