/* target.c - facts about the kernel we compile for: release, arch, config. */
#include "session.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

/* The target's .config as an open-addressing hash table: the preprocessor
 * asks about CONFIG_ options a million times over the tapset library. */
struct kconfig {
	const char **names, **values;
	unsigned cap, n;	/* cap is a power of two */
};

static unsigned hash_name(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static const char *kconfig_lookup(void *ctx, const char *name)
{
	struct kconfig *kc = ctx;
	unsigned i;

	if (!kc->cap)
		return NULL;
	for (i = hash_name(name) & (kc->cap - 1); kc->names[i]; i = (i + 1) & (kc->cap - 1))
		if (!strcmp(kc->names[i], name))
			return kc->values[i];
	return NULL;
}

static void kconfig_insert(struct kconfig *kc, const char *name, const char *value)
{
	unsigned i;

	for (i = hash_name(name) & (kc->cap - 1); kc->names[i]; i = (i + 1) & (kc->cap - 1))
		if (!strcmp(kc->names[i], name))
			break;
	if (!kc->names[i])
		kc->n++;
	kc->names[i] = name;
	kc->values[i] = value;
}

/* Read the whole .config into the arena and index it in place: names and
 * values point into that one copy (a distribution .config is ~250 KB). */
static void kconfig_load(struct arena *a, struct kconfig *kc, const char *path)
{
	FILE *f = fopen(path, "r");
	char *text, *line, *next;
	long size;

	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return;
	}
	text = arena_alloc(a, (size_t)size + 1);
	size = (long)fread(text, 1, (size_t)size, f);
	fclose(f);
	text[size] = 0;
	kc->cap = 1u << 15;	/* a distribution .config has about 10000 options */
	kc->names = arena_alloc(a, sizeof(char *) * kc->cap);
	kc->values = arena_alloc(a, sizeof(char *) * kc->cap);
	for (line = text; *line && kc->n < kc->cap / 2; line = next) {
		char *nl = strchr(line, '\n'), *eq;

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = 0;
		if (line[0] != 'C' || !(eq = strchr(line, '=')))
			continue;
		*eq = 0;
		kconfig_insert(kc, line, eq + 1);
	}
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Compare kernel releases numerically field by field ("6.1.0-56" > "6.1.0-9"). */
static int release_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);

			if (x != y)
				return x < y ? -1 : 1;
		} else {
			if (*a != *b)
				return (unsigned char)*a - (unsigned char)*b;
			a++, b++;
		}
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int target_release_is_rt(const char *release)
{
	const char *p;

	/* a dash-separated component "rt" (Debian: 6.1.0-56-rt-amd64) or
	 * "rtN" (upstream's -rt patch set: 6.6.0-rt15) */
	for (p = strchr(release, '-'); p; p = strchr(p + 1, '-')) {
		const char *q = p + 1;

		if (q[0] != 'r' || q[1] != 't')
			continue;
		for (q += 2; *q >= '0' && *q <= '9'; q++)
			;
		if (!*q || *q == '-')
			return 1;
	}
	return 0;
}

int target_vm_release_order(const char *a, const char *b)
{
	int rt_a = target_release_is_rt(a), rt_b = target_release_is_rt(b);

	/* The standard flavour first: it is what users run and what the tests
	 * were written against; PREEMPT_RT is tested on request (make check
	 * runs the runtime suite on it too, with GSTAP_VM_RELEASE). */
	if (rt_a != rt_b)
		return rt_a - rt_b;
	return release_cmp(b, a);	/* then the newest */
}

static int vm_release_qsort(const void *a, const void *b)
{
	return target_vm_release_order(*(const char *const *)a, *(const char *const *)b);
}

const char **target_vm_releases(struct arena *a)
{
	DIR *d = opendir("/boot");
	struct dirent *de;
	const char **v;
	size_t n = 0, cap = 8;

	v = arena_alloc(a, sizeof(*v) * cap);
	while (d && (de = readdir(d))) {
		const char *r;

		if (strncmp(de->d_name, "vmlinuz-", 8))
			continue;
		r = de->d_name + 8;
		if (!is_dir(arena_printf(a, "/lib/modules/%s/build", r)))
			continue;
		if (n + 1 == cap) {
			const char **bigger = arena_alloc(a, sizeof(*v) * cap * 2);

			memcpy(bigger, v, sizeof(*v) * n);
			v = bigger;
			cap *= 2;
		}
		v[n++] = arena_strdup(a, r);
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof(*v), vm_release_qsort);
	v[n] = NULL;
	return v;
}

const char *target_default_vm_release(struct arena *a)
{
	return target_vm_releases(a)[0];
}

int target_init(struct session *s)
{
	struct arena *a = &s->arena;
	struct kconfig *kc = ARENA_NEW(a, struct kconfig);
	struct utsname u;
	const char *cfg;

	if (!s->kernel_release && s->vm)
		s->kernel_release = target_default_vm_release(a);
	if (!s->kernel_release) {
		uname(&u);
		s->kernel_release = arena_strdup(a, u.release);
	}
	s->build_dir = arena_printf(a, "/lib/modules/%s/build", s->kernel_release);
	cfg = arena_printf(a, "/boot/config-%s", s->kernel_release);
	if (!is_file(cfg))
		cfg = arena_printf(a, "%s/.config", s->build_dir);
	kconfig_load(a, kc, cfg);
	s->target.kernel_release = s->kernel_release;
	s->target.arch = "x86_64";
	s->target.runtime = "kernel";
	s->target.privilege = "stapdev";
	s->target.guru_mode = s->guru;
	s->target.config = kconfig_lookup;
	s->target.config_ctx = kc;
	s->target.systemtap_version = "4.8";
	return 0;
}
