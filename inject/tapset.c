/* tapset.c - pass 1's library half: find and parse every tapset file.
 *
 * The library path is the default tapset directory (GSTAP_TAPSET replaces
 * it, as SYSTEMTAP_TAPSET does for stap) followed by each -I directory.
 * Under each root stap looks in the runtime directory "linux/" and in the
 * root itself, and in each of those in kernel-version and arch
 * subdirectories, most specific first (see tapset_search_dirs). Every file
 * found is parsed, even when a file of the same name was seen in a more
 * specific directory: stap does the same (484 files for Debian's 4.8
 * library on 6.1 x86_64), and pass 2 pulls in a file only when the script
 * uses one of its functions, globals or aliases, so the first definition in
 * search order wins.
 *
 * Macros from .stpm files are global, so every .stpm of the whole path is
 * parsed before any .stp.
 */
#include "tapset.h"
#include "parse.h"
#include "session.h"
#include "syscall_tapset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void push_dir(struct arena *a, struct ptrvec *out, const char *root,
		     const char *prefix, const char *suffix)
{
	ptrvec_push(a, out, arena_printf(a, "%s%s%s", root, prefix, suffix));
}

void tapset_search_dirs(struct arena *a, const char *root, const char *kernel_release,
			const char *arch, struct ptrvec *out)
{
	static const char *const runtime_prefixes[] = { "/linux", "" };
	struct ptrvec suffixes = { 0 };
	const char *kvr = kernel_release;
	size_t i;
	int j;

	/* full release, then the base release (up to '-'), then the
	 * families obtained by dropping the last ".N" while two dots remain */
	ptrvec_push(a, &suffixes, arena_printf(a, "/%s/%s", kvr, arch));
	ptrvec_push(a, &suffixes, arena_printf(a, "/%s", kvr));
	if (strchr(kvr, '-')) {
		kvr = arena_strndup(a, kvr, (size_t)(strchr(kvr, '-') - kvr));
		ptrvec_push(a, &suffixes, arena_printf(a, "/%s/%s", kvr, arch));
		ptrvec_push(a, &suffixes, arena_printf(a, "/%s", kvr));
	}
	for (;;) {
		const char *dot1 = strchr(kvr, '.'), *dot2 = strrchr(kvr, '.');

		if (!dot1 || dot2 <= dot1)
			break;
		kvr = arena_strndup(a, kvr, (size_t)(dot2 - kvr));
		ptrvec_push(a, &suffixes, arena_printf(a, "/%s/%s", kvr, arch));
		ptrvec_push(a, &suffixes, arena_printf(a, "/%s", kvr));
	}
	ptrvec_push(a, &suffixes, arena_printf(a, "/%s", arch));
	ptrvec_push(a, &suffixes, "");

	for (i = 0; i < sizeof(runtime_prefixes) / sizeof(runtime_prefixes[0]); i++)
		for (j = 0; j < suffixes.n; j++)
			push_dir(a, out, root, runtime_prefixes[i], suffixes.v[j]);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void tapset_list_files(struct arena *a, const char *dir, const char *suffix,
		       struct ptrvec *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t slen = strlen(suffix);
	int first = out->n;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n <= slen || strcmp(de->d_name + n - slen, suffix))
			continue;
		if (de->d_type != DT_REG && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
			continue;
		ptrvec_push(a, out, arena_printf(a, "%s/%s", dir, de->d_name));
	}
	closedir(d);
	qsort(out->v + first, (size_t)(out->n - first), sizeof(void *), cmp_str);
}

/* A library file, read into the program's arena (Debian's library is 4 MB
 * of text): one open, fstat, read and close, and its pages come with the
 * arena's, faulted in a stretch at a time (arena.c). The arena's zeroed
 * memory gives the NUL after the text. */
static struct src_file *load_source(struct arena *a, const char *dir, int dfd,
				    const char *path)
{
	struct src_file *src;
	struct stat st;
	char *text;
	size_t got = 0;
	int fd, e;

	if (dfd < 0 || (fd = openat(dfd, path + strlen(dir) + 1, O_RDONLY | O_CLOEXEC)) < 0)
		return src_file_load(path);	/* which says why */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return src_file_load(path);
	}
	text = arena_alloc(a, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			close(fd);
			errno = e;
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	src = arena_alloc(a, sizeof(*src));
	src->name = path;
	src->text = text;
	src->len = got;
	return src;
}

/* Parse every file with the suffix in every directory; returns the number
 * parsed, or -1 when a file cannot be read or has errors. */
static int parse_pass(struct session *s, const struct ptrvec *dirs, const char *suffix)
{
	int i, j, count = 0, failed = 0;

	for (i = 0; i < dirs->n; i++) {
		struct ptrvec files = { 0 };
		int dfd;

		tapset_list_files(&s->arena, dirs->v[i], suffix, &files);
		if (!files.n)
			continue;
		/* files by name in their directory: no walk of the whole path */
		dfd = open(dirs->v[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		for (j = 0; j < files.n; j++) {
			struct src_file *src = load_source(&s->arena, dirs->v[i], dfd, files.v[j]);
			struct file_ast *f;

			if (!src) {
				diag_fatal("cannot read tapset file '%s': %s",
					   (const char *)files.v[j], strerror(errno));
				failed = 1;
				continue;
			}
			src->is_library = 1;
			f = parse_file(&s->prog, src, 1);
			if (!f) {
				failed = 1;
				continue;
			}
			f->is_library = 1;
			ptrvec_push(&s->arena, &s->prog.files, f);
			count++;
		}
		if (dfd >= 0)
			close(dfd);
		if (s->verbose >= 2)
			fprintf(stderr, "Searched%s: \"%s\", found: %d, processed: %d\n",
				strcmp(suffix, ".stpm") ? "" : " for library macro files",
				(const char *)dirs->v[i], files.n, files.n);
	}
	return failed ? -1 : count;
}

/* Tapsets generated from tables: syscalls.def becomes the syscall tapset
 * (syscall_tapset.h). Named "DIR/syscalls.def.stp" in diagnostics. */
static int parse_generated(struct session *s, const struct ptrvec *dirs)
{
	int i, count = 0;

	for (i = 0; i < dirs->n; i++) {
		const char *def = arena_printf(&s->arena, "%s/syscalls.def",
					       (const char *)dirs->v[i]);
		struct src_file *src;
		struct file_ast *f;
		const char *text;

		if (access(def, R_OK))
			continue;
		text = syscall_tapset_source(&s->arena, def);
		if (!text)
			return -1;
		src = src_file_from_string(arena_printf(&s->arena, "%s.stp", def), text);
		src->is_library = 1;
		f = parse_file(&s->prog, src, 1);
		if (!f)
			return -1;
		f->is_library = 1;
		ptrvec_push(&s->arena, &s->prog.files, f);
		count++;
	}
	return count;
}

int tapset_parse_library(struct session *s)
{
	struct ptrvec roots = { 0 }, dirs = { 0 };
	const char *env = getenv("GSTAP_TAPSET");
	int i, nmacro, nscript, ngen;

	s->tapset_dir = env && *env ? env : arena_strdup(&s->arena, session_data_dir("tapsets"));
	ptrvec_push(&s->arena, &roots, (void *)s->tapset_dir);
	for (i = 0; i < s->include_dirs.n; i++)
		ptrvec_push(&s->arena, &roots, s->include_dirs.v[i]);
	for (i = 0; i < roots.n; i++)
		tapset_search_dirs(&s->arena, roots.v[i], s->target.kernel_release,
				   s->target.arch, &dirs);

	nmacro = parse_pass(s, &dirs, ".stpm");
	nscript = parse_pass(s, &dirs, ".stp");
	ngen = parse_generated(s, &dirs);
	if (nmacro < 0 || nscript < 0 || ngen < 0)
		return -1;
	return nmacro + nscript + ngen;
}
