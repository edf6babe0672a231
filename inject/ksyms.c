/* ksyms.c - kernel and module function symbols; see ksyms.h for the
 * sources and what is skipped. */
#include "ksyms.h"
#include "cache.h"
#include "btf.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* A sorted, de-duplicated list of names. */
struct symtab {
	const char *name;	/* module name, NULL for the kernel */
	char **v;
	int n;
	const char *source;	/* "/proc/kallsyms", a path, "BTF of R" */
};

/* Everything known about one release. */
struct ksyms_target {
	struct ksyms_target *next;
	const char *release;
	int kernel_loaded;
	struct symtab *kernel;		/* NULL when no source exists */
	struct ptrvec modules;		/* struct symtab *: loaded modules */
	struct ptrvec kallsyms_mods;	/* struct symtab *: from /proc/kallsyms */
	int moddep_loaded;
	struct ptrvec moddep_names;	/* normalized module names, sorted */
	struct ptrvec moddep_paths;	/* matching full paths */
};

static struct arena ks_arena;
static struct ksyms_target *targets;
static const char *last_error;

void ksyms_cache_free(void)
{
	arena_free(&ks_arena);
	targets = NULL;
	last_error = NULL;
}

const char *ksyms_error(void)
{
	return last_error ? last_error : "no error";
}

/* --- glob matching ------------------------------------------------------- */

int ksyms_is_glob(const char *pattern)
{
	return strpbrk(pattern, "*?[{") != NULL;
}

/* Match a '[...]' class at p against c; returns the pattern after the
 * class, or NULL when c is not in it. */
static const char *match_class(const char *p, char c, int *ok)
{
	int neg = 0, hit = 0;

	p++;
	if (*p == '!' || *p == '^')
		neg = 1, p++;
	if (*p == ']')		/* a leading ']' is literal */
		hit |= c == ']', p++;
	while (*p && *p != ']') {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hit |= c >= p[0] && c <= p[2];
			p += 3;
		} else {
			hit |= c == *p;
			p++;
		}
	}
	if (!*p)
		return NULL;	/* unterminated: no match */
	*ok = hit != neg;
	return p + 1;
}

/* The '}' closing the '{' at p, or NULL. */
static const char *brace_end(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

static int glob_match(const char *p, const char *s, char sep, int depth)
{
	int ok;

	if (depth > 64)
		return 0;
	for (;;) {
		switch (*p) {
		case 0:
			return *s == 0;
		case '*': {
			int dbl = p[1] == '*';

			p += dbl ? 2 : 1;
			for (;; s++) {
				if (glob_match(p, s, sep, depth + 1))
					return 1;
				if (!*s || (!dbl && sep && *s == sep))
					return 0;
			}
		}
		case '?':
			if (!*s || (sep && *s == sep))
				return 0;
			p++, s++;
			break;
		case '[':
			if (!*s)
				return 0;
			p = match_class(p, *s, &ok);
			if (!p || !ok)
				return 0;
			s++;
			break;
		case '{': {
			const char *end = brace_end(p), *alt = p + 1, *q;
			size_t restlen;
			char buf[512];

			if (!end)
				goto literal;
			restlen = strlen(end + 1);
			/* try each depth-0 alternative followed by the rest */
			for (q = alt;; q++) {
				if (*q == '{') {
					q = brace_end(q);
					continue;
				}
				if (q == end || *q == ',') {
					size_t n = (size_t)(q - alt);

					if (n + restlen + 1 <= sizeof(buf)) {
						memcpy(buf, alt, n);
						memcpy(buf + n, end + 1, restlen + 1);
						if (glob_match(buf, s, sep, depth + 1))
							return 1;
					}
					if (q == end)
						return 0;
					alt = q + 1;
				}
			}
		}
		default:
		literal:
			if (*p != *s)
				return 0;
			p++, s++;
			break;
		}
	}
}

int ksyms_glob_match(const char *pattern, const char *name, char sep)
{
	return glob_match(pattern, name, sep, 0);
}

/* Expand top-level {a,b} alternatives into plain globs, so each keeps a
 * literal prefix for the sorted-range scan ("{vfs,do_sys}_*" becomes
 * "vfs_*" and "do_sys_*"). Nested braces expand recursively. */
static void expand_braces(struct arena *a, const char *p, struct ptrvec *out)
{
	const char *open = strchr(p, '{'), *end, *alt, *q;

	if (!open || !(end = brace_end(open))) {
		ptrvec_push(a, out, (void *)p);
		return;
	}
	alt = open + 1;
	for (q = alt;; q++) {
		if (*q == '{') {
			q = brace_end(q);
			if (!q) {
				ptrvec_push(a, out, (void *)p);
				return;
			}
			continue;
		}
		if (q == end || *q == ',') {
			expand_braces(a, arena_printf(a, "%.*s%.*s%s", (int)(open - p), p,
						      (int)(q - alt), alt, end + 1), out);
			if (q == end)
				return;
			alt = q + 1;
		}
	}
}

/* --- what may be probed -------------------------------------------------- */

/* Prefixes and exact names kprobes refuse or that recurse into the probe
 * machinery (int3/debug/NMI/die paths, the kprobe and ftrace core). */
static const char *const skip_prefixes[] = {
	"__pfx_", "__cfi_", "__x86_indirect_thunk", "__x86_indirect_call_thunk",
	"__x86_indirect_jump_thunk", "__x86_return_thunk", "entry_", "asm_exc_",
	"asm_sysvec_", "asm_common_interrupt", "asm_spurious_interrupt", "kprobe_",
	"__kprobe", "arch_prepare_kprobe", "arch_arm_kprobe", "arch_disarm_kprobe",
	"__kretprobe", "kretprobe_", "opt_pre_handler", "optimized_callback",
	"ftrace_", "__ftrace", "exc_int3", "exc_debug", "exc_nmi", "do_int3",
	"__sanitizer_", "__ubsan_", "__asan_", "__tsan_", "__kcsan_",
	"srso_", "retbleed_", "zen_untrain_ret", "__x86_return_skl",
	"_stext", "_text", "_etext", "_sinittext", "_einittext",
	"stp_",
};
static const char *const skip_exact[] = {
	"do_debug", "do_nmi", "default_do_nmi", "nmi_handle", "notify_die",
	"atomic_notifier_call_chain", "notifier_call_chain", "oops_begin",
	"oops_end", "__die", "die", "do_trap", "do_general_protection",
	"do_page_fault", "exc_page_fault", "sync_regs", "fixup_bad_iret",
	"unknown_nmi_error", "io_check_error", "mem_parity_error",
	"preempt_schedule_irq", "get_kprobe", "kprobe_running",
	"rcu_nmi_enter", "rcu_nmi_exit", "irqentry_enter", "irqentry_exit",
	"irqentry_nmi_enter", "irqentry_nmi_exit", "__switch_to", "__switch_to_asm",
	"ret_from_fork", "startup_64", "secondary_startup_64",
};

static int probeable(const char *name)
{
	size_t i;

	if (!*name || strchr(name, '.') || strchr(name, '$'))
		return 0;
	/* the first-byte test keeps this cheap over 100k names */
	for (i = 0; i < sizeof(skip_prefixes) / sizeof(skip_prefixes[0]); i++)
		if (name[0] == skip_prefixes[i][0] &&
		    !strncmp(name, skip_prefixes[i], strlen(skip_prefixes[i])))
			return 0;
	for (i = 0; i < sizeof(skip_exact) / sizeof(skip_exact[0]); i++)
		if (name[0] == skip_exact[i][0] && !strcmp(name, skip_exact[i]))
			return 0;
	return 1;
}

static int is_text_type(char c)
{
	return c == 'T' || c == 't' || c == 'W' || c == 'w';
}

/* --- building tables ----------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_sorted(const struct ptrvec *names)
{
	int i;

	for (i = 1; i < names->n; i++)
		if (strcmp(names->v[i - 1], names->v[i]) > 0)
			return 0;
	return 1;
}

/* Sort and de-duplicate (static functions of one name repeat). */
static struct symtab *symtab_finish(const char *name, struct ptrvec *names, const char *source)
{
	struct symtab *st = ARENA_NEW(&ks_arena, struct symtab);
	int i, n = 0;

	if (!is_sorted(names))
		qsort(names->v, (size_t)names->n, sizeof(void *), cmp_str);
	for (i = 0; i < names->n; i++)
		if (!n || strcmp(names->v[n - 1], names->v[i]))
			names->v[n++] = names->v[i];
	st->name = name;
	st->v = (char **)names->v;
	st->n = n;
	st->source = source;
	return st;
}

/* Normalize a module name: '-' and '_' are the same to modprobe. */
static char *modname_norm(struct arena *a, const char *m, size_t len)
{
	char *s = arena_strndup(a, m, len), *p;

	for (p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 20, n = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t got;

		if (n == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* Parse "addr type name [module]" lines (System.map and /proc/kallsyms).
 * Kernel text symbols go to kernel; module ones, when mods is given, into
 * one symtab per module. Returns the number of kernel text symbols. */
static int parse_map(const char *path, struct ptrvec *kernel, struct ptrvec *mods)
{
	size_t len;
	char *buf = slurp(path, &len), *line, *next;
	struct ptrvec modnames = { 0 }, modlists = { 0 };
	int i, count = 0;

	if (!buf)
		return -1;
	for (line = buf; line < buf + len; line = next) {
		char *nl = strchr(line, '\n'), *type, *name, *end, *mod;

		if (!nl)
			nl = buf + len;
		*nl = 0;
		next = nl + 1;
		type = strchr(line, ' ');
		if (!type || !is_text_type(type[1]) || type[2] != ' ')
			continue;
		name = type + 3;
		end = name + strcspn(name, " \t");
		mod = NULL;
		if (*end) {
			mod = strchr(end, '[');
			if (mod) {
				char *close = strchr(++mod, ']');

				if (close)
					*close = 0;
			}
		}
		*end = 0;
		if (!probeable(name))
			continue;
		if (!mod) {
			ptrvec_push(&ks_arena, kernel, arena_strdup(&ks_arena, name));
			count++;
			continue;
		}
		if (!mods)
			continue;
		/* module symbols come grouped: check the last module first */
		for (i = modnames.n - 1; i >= 0; i--)
			if (!strcmp(modnames.v[i], mod))
				break;
		if (i < 0) {
			ptrvec_push(&ks_arena, &modnames, modname_norm(&ks_arena, mod, strlen(mod)));
			ptrvec_push(&ks_arena, &modlists, ARENA_NEW(&ks_arena, struct ptrvec));
			i = modnames.n - 1;
		}
		ptrvec_push(&ks_arena, modlists.v[i], arena_strdup(&ks_arena, name));
	}
	free(buf);
	for (i = 0; i < modnames.n; i++)
		ptrvec_push(&ks_arena, mods,
			    symtab_finish(modnames.v[i], modlists.v[i], "/proc/kallsyms"));
	return count;
}

static int is_running_release(const char *release)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.release, release);
}

/* Every FUNC of the kernel's BTF: the fallback when no map exists. They
 * come sorted from the BTF's name index and point into its strings
 * (btf_cache_free() drops these tables with the BTF). */
static int btf_names(const struct target_info *t, struct ptrvec *names, const char **why)
{
	const struct btf *btf = btf_kernel(t, why);
	int i, n = 0;

	if (!btf)
		return -1;
	btf_sorted_names(btf, BTF_KIND_FUNC, &ks_arena, names);
	for (i = 0; i < names->n; i++)	/* filter in place */
		if (probeable(names->v[i]))
			names->v[n++] = names->v[i];
	names->n = n;
	return n;
}

/* The BTF fallback's table, cached per release next to the BTF extract
 * (btf.c): <cache>/btf/ksyms-R-SIZE-MTIME-HASH.txt, one probe-able name a
 * line, sorted and unique. SIZE and MTIME are the kernel image's, as in the
 * BTF cache's key, so a rebuilt package of the same release misses; HASH
 * covers the skip lists and KSYMS_CACHE_VERSION, to be raised whenever
 * probeable() changes otherwise. Loading it skips reading the BTF and
 * sorting and filtering ~60k names (about 40% of -p2 of a syscall probe).
 * A damaged or unsorted file is ignored and rewritten. */
#define KSYMS_CACHE_VERSION "1"

static unsigned long fnv(unsigned long h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ul;
	return (h ^ 0xff) * 1099511628211ul;	/* separator: "ab","c" != "a","bc" */
}

static const char *btf_names_cache(const struct target_info *t)
{
	const char *dir = cache_location(&ks_arena);
	unsigned long h = fnv(1469598103934665603ul, KSYMS_CACHE_VERSION);
	struct stat st;
	size_t i;

	if (!dir || stat(arena_printf(&ks_arena, "/boot/vmlinuz-%s", t->kernel_release), &st))
		return NULL;
	for (i = 0; i < sizeof(skip_prefixes) / sizeof(skip_prefixes[0]); i++)
		h = fnv(h, skip_prefixes[i]);
	for (i = 0; i < sizeof(skip_exact) / sizeof(skip_exact[0]); i++)
		h = fnv(h, skip_exact[i]);
	return arena_printf(&ks_arena, "%s/btf/ksyms-%s-%lld-%lld-%016lx.txt", dir,
			    t->kernel_release, (long long)st.st_size, (long long)st.st_mtime, h);
}

/* names from the cache file (its text kept in ks_arena); 0 when absent or
 * not a sorted list of names. */
static int btf_names_load(const char *path, struct ptrvec *names)
{
	size_t len, i, start = 0;
	char *buf, *text;

	if (!path || !(buf = slurp(path, &len)))
		return 0;
	text = arena_alloc(&ks_arena, len + 1);
	memcpy(text, buf, len + 1);
	free(buf);
	if (!len || text[len - 1] != '\n')
		return 0;
	for (i = 0; i < len; i++)
		if (text[i] == '\n') {
			text[i] = 0;
			if (i == start)
				return names->n = 0;
			ptrvec_push(&ks_arena, names, text + start);
			start = i + 1;
		}
	for (i = 1; i < (size_t)names->n; i++)
		if (strcmp(names->v[i - 1], names->v[i]) >= 0)
			return names->n = 0;
	return names->n;
}

/* Write atomically (a temporary file renamed), so concurrent compilations
 * never read half a table; failures only cost the next run its speed. */
static void btf_names_store(const char *path, const struct symtab *st)
{
	char *tmp, *dir;
	FILE *f;
	int i, ok = 1;

	if (!path)
		return;
	/* <cache>, then <cache>/btf (the BTF extract may not have made them) */
	dir = arena_strdup(&ks_arena, path);
	*strrchr(dir, '/') = 0;
	*strrchr(dir, '/') = 0;
	mkdir(dir, 0755);
	mkdir(arena_printf(&ks_arena, "%s/btf", dir), 0755);
	tmp = arena_printf(&ks_arena, "%s.%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (i = 0; i < st->n && ok; i++)
		ok = fprintf(f, "%s\n", st->v[i]) > 0;
	if (fclose(f) || !ok || rename(tmp, path))
		unlink(tmp);
}

static struct ksyms_target *target_get(const struct target_info *t)
{
	struct ksyms_target *kt;

	for (kt = targets; kt; kt = kt->next)
		if (!strcmp(kt->release, t->kernel_release))
			return kt;
	kt = ARENA_NEW(&ks_arena, struct ksyms_target);
	kt->release = arena_strdup(&ks_arena, t->kernel_release);
	kt->next = targets;
	targets = kt;
	return kt;
}

static struct symtab *kernel_table(const struct target_info *t)
{
	struct ksyms_target *kt = target_get(t);
	struct ptrvec names = { 0 };
	const char *why = NULL, *cache;
	char *map;
	int cached;

	if (kt->kernel_loaded) {
		if (!kt->kernel)
			last_error = arena_printf(&ks_arena, "no symbols for kernel %s", kt->release);
		return kt->kernel;
	}
	kt->kernel_loaded = 1;
	if (is_running_release(kt->release) &&
	    parse_map("/proc/kallsyms", &names, &kt->kallsyms_mods) > 0) {
		kt->kernel = symtab_finish(NULL, &names, "/proc/kallsyms");
		return kt->kernel;
	}
	/* A real map has tens of thousands of text symbols; Debian's stub
	 * has one line, pointing at the -dbg package. */
	names.n = 0;
	map = arena_printf(&ks_arena, "/boot/System.map-%s", kt->release);
	if (parse_map(map, &names, NULL) > 100) {
		kt->kernel = symtab_finish(NULL, &names, map);
		return kt->kernel;
	}
	names.n = 0;
	cache = btf_names_cache(t);
	cached = btf_names_load(cache, &names) > 0;
	if (cached || btf_names(t, &names, &why) > 0) {
		kt->kernel = symtab_finish(NULL, &names,
					   arena_printf(&ks_arena, "BTF of %s", kt->release));
		if (!cached)
			btf_names_store(cache, kt->kernel);
		return kt->kernel;
	}
	last_error = arena_printf(&ks_arena,
				  "no symbols for kernel %s: '%s' is missing or a stub, and %s",
				  kt->release, map, why ? why : "it has no BTF");
	return NULL;
}

const char *ksyms_source(const struct target_info *t)
{
	struct symtab *st = kernel_table(t);

	return st ? st->source : NULL;
}

/* modules.dep: "kernel/fs/ext4/ext4.ko: deps..." -> name and path. */
static void moddep_load(struct ksyms_target *kt)
{
	char *path = arena_printf(&ks_arena, "/lib/modules/%s/modules.dep", kt->release);
	size_t len;
	char *buf, *line, *next;
	struct ptrvec pairs = { 0 };
	int i;

	kt->moddep_loaded = 1;
	buf = slurp(path, &len);
	if (!buf)
		return;
	for (line = buf; line < buf + len; line = next) {
		char *colon, *base, *dot;

		next = strchr(line, '\n');
		next = next ? next + 1 : buf + len;
		colon = memchr(line, ':', (size_t)(next - line));
		if (!colon)
			continue;
		*colon = 0;
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		if (!dot)
			continue;
		/* "name\0path" pairs sort by name */
		ptrvec_push(&ks_arena, &pairs,
			    arena_printf(&ks_arena, "%s%c/lib/modules/%s/%s",
					 modname_norm(&ks_arena, base, (size_t)(dot - base)), 0,
					 kt->release, line));
	}
	free(buf);
	qsort(pairs.v, (size_t)pairs.n, sizeof(void *), cmp_str);
	for (i = 0; i < pairs.n; i++) {
		char *s = pairs.v[i];

		ptrvec_push(&ks_arena, &kt->moddep_names, s);
		ptrvec_push(&ks_arena, &kt->moddep_paths, s + strlen(s) + 1);
	}
}

/* Comparisons made by bsearch_index: ksyms_compare_count() (tests). */
static unsigned long compare_count;

unsigned long ksyms_compare_count(void)
{
	return compare_count;
}

static int bsearch_index(char **v, int n, const char *key)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		compare_count++;
		if (strcmp(v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *ksyms_module_path(struct arena *a, const struct target_info *t, const char *module)
{
	struct ksyms_target *kt = target_get(t);
	char *norm = modname_norm(&ks_arena, module, strlen(module));
	int i;

	if (!kt->moddep_loaded)
		moddep_load(kt);
	i = bsearch_index((char **)kt->moddep_names.v, kt->moddep_names.n, norm);
	if (i < kt->moddep_names.n && !strcmp(kt->moddep_names.v[i], norm))
		return arena_strdup(a, kt->moddep_paths.v[i]);
	return NULL;
}

int ksyms_modules_match(struct arena *a, const struct target_info *t, const char *glob,
			struct ptrvec *out)
{
	struct ksyms_target *kt = target_get(t);
	char *norm = modname_norm(&ks_arena, glob, strlen(glob));
	struct ptrvec hits = { 0 };
	int i, n = 0;

	if (!kt->moddep_loaded)
		moddep_load(kt);
	for (i = 0; i < kt->moddep_names.n; i++)
		if (ksyms_glob_match(norm, kt->moddep_names.v[i], 0))
			ptrvec_push(a, &hits, kt->moddep_names.v[i]);
	if (is_running_release(kt->release) && kernel_table(t))
		for (i = 0; i < kt->kallsyms_mods.n; i++) {
			struct symtab *st = kt->kallsyms_mods.v[i];

			if (ksyms_glob_match(norm, st->name, 0))
				ptrvec_push(a, &hits, (void *)st->name);
		}
	qsort(hits.v, (size_t)hits.n, sizeof(void *), cmp_str);
	for (i = 0; i < hits.n; i++) {
		if (i && !strcmp(hits.v[i], hits.v[i - 1]))
			continue;
		ptrvec_push(a, out, arena_strdup(a, hits.v[i]));
		n++;
	}
	return n;
}

/* Function symbols of a module object, .init/.exit text excluded (freed
 * after load, kprobes refuse them). */
static struct symtab *ko_table(const char *name, const char *path)
{
	size_t size, plen = strlen(path);
	unsigned char *file = (unsigned char *)slurp(path, &size), *image = file;
	struct ptrvec names = { 0 };
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (!file)
		return NULL;
	if (plen > 3 && !strcmp(path + plen - 3, ".xz")) {
		image = btf_xz_decompress(file, size, &size);
		free(file);
		if (!image)
			return NULL;
	}
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)image, size);
	if (elf && elf_getshdrstrndx(elf, &shstrndx) == 0) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *d;
			size_t i, count;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
				continue;
			d = elf_getdata(scn, NULL);
			count = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
			for (i = 0; d && i < count; i++) {
				GElf_Sym sym;
				GElf_Shdr tsh;
				const char *sname, *secname;
				Elf_Scn *tscn;

				if (!gelf_getsym(d, (int)i, &sym) ||
				    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
				    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
					continue;
				tscn = elf_getscn(elf, sym.st_shndx);
				if (!tscn || !gelf_getshdr(tscn, &tsh))
					continue;
				secname = elf_strptr(elf, shstrndx, tsh.sh_name);
				if (!secname || !strncmp(secname, ".init", 5) ||
				    !strncmp(secname, ".exit", 5) ||
				    strstr(secname, "noinstr") || strstr(secname, "kprobes"))
					continue;
				sname = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (sname && probeable(sname))
					ptrvec_push(&ks_arena, &names, arena_strdup(&ks_arena, sname));
			}
		}
	}
	if (elf)
		elf_end(elf);
	free(image);
	return symtab_finish(name, &names, arena_strdup(&ks_arena, path));
}

static struct symtab *module_table(const struct target_info *t, const char *module)
{
	struct ksyms_target *kt = target_get(t);
	char *norm = modname_norm(&ks_arena, module, strlen(module));
	const char *path;
	struct symtab *st;
	int i;

	for (i = 0; i < kt->modules.n; i++) {
		st = kt->modules.v[i];
		if (!strcmp(st->name, norm))
			return st;
	}
	/* loaded in the running kernel: kallsyms has it (kernel_table reads it) */
	if (is_running_release(kt->release) && kernel_table(t))
		for (i = 0; i < kt->kallsyms_mods.n; i++) {
			st = kt->kallsyms_mods.v[i];
			if (!strcmp(st->name, norm)) {
				ptrvec_push(&ks_arena, &kt->modules, st);
				return st;
			}
		}
	path = ksyms_module_path(&ks_arena, t, module);
	if (!path) {
		last_error = arena_printf(&ks_arena, "no module '%s' for kernel %s", module,
					  kt->release);
		return NULL;
	}
	st = ko_table(norm, path);
	if (!st) {
		last_error = arena_printf(&ks_arena, "cannot read module '%s'", path);
		return NULL;
	}
	ptrvec_push(&ks_arena, &kt->modules, st);
	return st;
}

static struct symtab *table_for(const struct target_info *t, const char *module)
{
	if (!module || !strcmp(module, "kernel"))
		return kernel_table(t);
	return module_table(t, module);
}

int ksyms_module_exists(const struct target_info *t, const char *module)
{
	return module_table(t, module) != NULL;
}

/* --- queries ------------------------------------------------------------- */

int ksyms_exists(const struct target_info *t, const char *module, const char *name)
{
	struct symtab *st = table_for(t, module);
	int i;

	if (!st)
		return -1;
	i = bsearch_index(st->v, st->n, name);
	return i < st->n && !strcmp(st->v[i], name);
}

int ksyms_match(struct arena *a, const struct target_info *t, const char *module,
		const char *pattern, struct ptrvec *out_names)
{
	struct symtab *st = table_for(t, module);
	struct ptrvec globs = { 0 }, hits = { 0 };
	const char *at;
	int g, i, n;

	if (!st)
		return -1;
	at = strchr(pattern, '@');
	if (at) {
		/* without line tables "f*@fs/x.c" would mean every f*: refuse */
		if (ksyms_is_glob(arena_strndup(a, pattern, (size_t)(at - pattern)))) {
			last_error = arena_printf(&ks_arena, "a source file ('%s') cannot "
						  "narrow a function glob without debuginfo",
						  at + 1);
			return -1;
		}
		pattern = arena_strndup(a, pattern, (size_t)(at - pattern));
	}
	expand_braces(a, pattern, &globs);
	for (g = 0; g < globs.n; g++) {
		const char *glob = globs.v[g];
		size_t plen = strcspn(glob, "*?[{");
		char *prefix = arena_strndup(a, glob, plen);

		/* the names sharing the literal prefix are one sorted range */
		for (i = bsearch_index(st->v, st->n, prefix);
		     i < st->n && !strncmp(st->v[i], prefix, plen); i++)
			if (glob[plen] ? ksyms_glob_match(glob, st->v[i], 0) : !st->v[i][plen])
				ptrvec_push(a, &hits, st->v[i]);
	}
	if (globs.n > 1)
		qsort(hits.v, (size_t)hits.n, sizeof(void *), cmp_str);
	for (i = 0, n = 0; i < hits.n; i++) {
		if (n && !strcmp(hits.v[i], out_names->v[out_names->n - 1]))
			continue;
		ptrvec_push(a, out_names, arena_strdup(a, hits.v[i]));
		n++;
	}
	return n;
}
