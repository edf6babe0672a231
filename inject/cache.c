/* cache.c - the compilation cache and its key (see cache.h). */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two independent 64-bit FNV-1a lanes, mixed at the end: fast, and wide
 * enough that a collision between two of one user's builds is not a
 * concern (this is a cache key, not a security boundary). */
void cache_hash_init(struct cache_hash *h)
{
	h->a = 0xcbf29ce484222325ULL;
	h->b = 0x84222325cbf29ce4ULL ^ 0x9e3779b97f4a7c15ULL;
}

void cache_hash_bytes(struct cache_hash *h, const void *p, size_t n)
{
	const unsigned char *s = p;
	unsigned long long a = h->a, b = h->b;
	size_t i;

	for (i = 0; i < n; i++) {
		a = (a ^ s[i]) * 0x100000001b3ULL;
		b = (b ^ s[i] ^ (b >> 29)) * 0x9e3779b97f4a7c15ULL;
	}
	h->a = a;
	h->b = b;
}

void cache_hash_str(struct cache_hash *h, const char *s)
{
	cache_hash_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static unsigned long long mix(unsigned long long x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

void cache_hash_hex(const struct cache_hash *h, char out[33])
{
	snprintf(out, 33, "%016llx%016llx", mix(h->a ^ mix(h->b)), mix(h->b + h->a));
}

static int name_cmp(const struct dirent **x, const struct dirent **y)
{
	return strcmp((*x)->d_name, (*y)->d_name);
}

void cache_hash_path(struct cache_hash *h, const char *path)
{
	struct stat st;
	char buf[65536];

	cache_hash_str(h, path);
	if (stat(path, &st)) {
		cache_hash_str(h, "<missing>");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		struct dirent **ents;
		int i, n = scandir(path, &ents, NULL, name_cmp);

		for (i = 0; i < n; i++) {
			if (ents[i]->d_name[0] != '.') {
				char *sub = NULL;

				if (asprintf(&sub, "%s/%s", path, ents[i]->d_name) > 0)
					cache_hash_path(h, sub);
				free(sub);
			}
			free(ents[i]);
		}
		if (n >= 0)
			free(ents);
		return;
	}
	{
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t r;

		if (fd < 0)
			return;
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			cache_hash_bytes(h, buf, (size_t)r);
		close(fd);
	}
}

void cache_hash_stat(struct cache_hash *h, const char *path)
{
	struct stat st;
	char buf[128];

	cache_hash_str(h, path);
	if (stat(path, &st))
		snprintf(buf, sizeof(buf), "missing");
	else
		snprintf(buf, sizeof(buf), "%lld:%lld.%09ld", (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	cache_hash_str(h, buf);
}

static int mkdir_p(char *path)
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
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

const char *cache_location(struct arena *a)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return arena_printf(a, "%s/inject", xdg);
	if (home && *home)
		return arena_printf(a, "%s/.cache/inject", home);
	return NULL;
}

int cache_write_file(struct arena *a, const char *path, const void *data, size_t len)
{
	const char *tmp = arena_printf(a, "%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f) || !ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

const char *cache_dir(struct arena *a)
{
	char *dir = (char *)cache_location(a);

	return !dir || mkdir_p(dir) ? NULL : dir;
}

/* The compiler kbuild runs: CONFIG_CC_VERSION_TEXT's binary, by its stat. */
static void hash_kernel_compiler(struct cache_hash *h, struct session *s)
{
	const char *cc = s->target.config ? s->target.config(s->target.config_ctx,
							     "CONFIG_CC_VERSION_TEXT") : NULL;
	char name[128];

	cache_hash_str(h, cc);
	if (cc && sscanf(cc, "\"%127[^ \"]", name) == 1) {
		char *path = arena_printf(&s->arena, "/usr/bin/%s", name);

		cache_hash_stat(h, path);
	}
}

int cache_compute_key(struct session *s)
{
	struct cache_hash h;
	char hex[33], self[4096];
	ssize_t n;
	int i;

	cache_hash_init(&h);
	cache_hash_str(&h, "gstap cache v1");
	cache_hash_str(&h, INJECT_VERSION);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		cache_hash_path(&h, self);	/* the compiler's exact version */
	}
	if (s->script_text) {
		cache_hash_str(&h, "-e");
		cache_hash_str(&h, s->script_text);
	} else {
		cache_hash_path(&h, s->script_path);
	}
	for (i = 0; i < s->script_args.n; i++)
		cache_hash_str(&h, s->script_args.v[i]);
	for (i = 0; i < s->defines.n; i++)
		cache_hash_str(&h, s->defines.v[i]);
	cache_hash_str(&h, "-G");
	for (i = 0; i < s->global_inits.n; i++)
		cache_hash_str(&h, s->global_inits.v[i]);
	cache_hash_str(&h, s->guru ? "guru" : "");
	cache_hash_str(&h, s->unoptimized ? "-u" : "");
	cache_hash_str(&h, s->tapset_dir ? s->tapset_dir : session_data_dir("tapsets"));
	cache_hash_path(&h, s->tapset_dir ? s->tapset_dir : session_data_dir("tapsets"));
	for (i = 0; i < s->include_dirs.n; i++)
		cache_hash_path(&h, s->include_dirs.v[i]);
	cache_hash_path(&h, session_data_dir("runtime"));
	cache_hash_str(&h, s->kernel_release);
	cache_hash_path(&h, arena_printf(&s->arena, "%s/.config", s->build_dir));
	cache_hash_path(&h, arena_printf(&s->arena, "%s/include/config/kernel.release",
					 s->build_dir));
	cache_hash_stat(&h, arena_printf(&s->arena, "%s/Module.symvers", s->build_dir));
	hash_kernel_compiler(&h, s);
	cache_hash_hex(&h, hex);
	if (!s->module_name)
		s->module_name = arena_printf(&s->arena, "stap_%.24s", hex);
	cache_hash_str(&h, s->module_name);
	cache_hash_hex(&h, hex);
	s->cache_key = arena_strdup(&s->arena, hex);
	return 0;
}

static const char *entry_path(struct session *s, const char *ext)
{
	const char *dir = cache_dir(&s->arena);

	if (!dir || !s->cache_key || s->no_cache)
		return NULL;
	return arena_printf(&s->arena, "%s/%s/%s.%s", dir, s->cache_key, s->module_name, ext);
}

const char *cache_lookup(struct session *s, const char *ext)
{
	const char *p = entry_path(s, ext);

	return p && access(p, R_OK) == 0 ? p : NULL;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	char buf[65536];
	ssize_t n;
	int rc = 0;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (n < 0)
		rc = -1;
	close(in);
	if (close(out))
		rc = -1;
	return rc;
}

const char *cache_store(struct session *s, const char *c_path, const char *ko_path)
{
	const char *c_dst = entry_path(s, "c"), *ko_dst = entry_path(s, "ko");
	char *dir, *tmp_c, *tmp_ko;

	if (!c_dst || !ko_dst)
		return NULL;
	dir = arena_strdup(&s->arena, ko_dst);
	*strrchr(dir, '/') = 0;
	if (mkdir_p(dir))
		return NULL;
	/* write beside, then rename: a concurrent reader never sees half a file */
	tmp_c = arena_printf(&s->arena, "%s.%d.tmp", c_dst, (int)getpid());
	tmp_ko = arena_printf(&s->arena, "%s.%d.tmp", ko_dst, (int)getpid());
	if (copy_file(c_path, tmp_c) || copy_file(ko_path, tmp_ko) || rename(tmp_c, c_dst) ||
	    rename(tmp_ko, ko_dst)) {
		unlink(tmp_c);
		unlink(tmp_ko);
		return NULL;
	}
	return ko_dst;
}

const char *cache_store_source(struct session *s, const char *c_path)
{
	const char *c_dst = entry_path(s, "c");
	char *dir, *tmp;

	if (!c_dst)
		return NULL;
	dir = arena_strdup(&s->arena, c_dst);
	*strrchr(dir, '/') = 0;
	if (mkdir_p(dir))
		return NULL;
	tmp = arena_printf(&s->arena, "%s.%d.tmp", c_dst, (int)getpid());
	if (copy_file(c_path, tmp) || rename(tmp, c_dst)) {
		unlink(tmp);
		return NULL;
	}
	return c_dst;
}
