/* kbuild.c - pass 4: build the module with the target's kbuild.
 *
 *   make -C /lib/modules/R/build M=TMPDIR CONFIG_DEBUG_INFO_BTF_MODULES= modules
 *
 * in an environment holding only PATH, HOME, TMPDIR and LC_ALL=C, so
 * nothing of the user's (CFLAGS, ARCH, MAKEFLAGS, KBUILD_*) changes the
 * result the cache promises. CONFIG_DEBUG_INFO_BTF_MODULES= keeps kbuild
 * from looking for a vmlinux that headers packages do not ship. The
 * runtime directory reaches the compiler through ccflags-y.
 */
#include "kbuild.h"
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static long tv_ms(struct timeval a, struct timeval b)
{
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_usec - a.tv_usec) / 1000;
}

static struct timeval tv_add(struct timeval a, struct timeval b)
{
	struct timeval r = { a.tv_sec + b.tv_sec, a.tv_usec + b.tv_usec };

	if (r.tv_usec >= 1000000) {
		r.tv_sec++;
		r.tv_usec -= 1000000;
	}
	return r;
}

void pass_clock_start(struct pass_clock *c)
{
	pass_timer_start(&c->self);
	getrusage(RUSAGE_CHILDREN, &c->children);
}

void pass_clock_print(FILE *out, const struct pass_clock *c)
{
	struct rusage self, kids;
	struct timeval now;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	gettimeofday(&now, NULL);
	fprintf(out, "in %ldusr/%ldsys/%ldreal ms.\n",
		tv_ms(tv_add(c->self.ru.ru_utime, c->children.ru_utime),
		      tv_add(self.ru_utime, kids.ru_utime)),
		tv_ms(tv_add(c->self.ru.ru_stime, c->children.ru_stime),
		      tv_add(self.ru_stime, kids.ru_stime)),
		tv_ms(c->self.tv, now));
}

int kbuild_make(struct session *s, const char *dir, const char *const *targets,
		int keep_going)
{
	const char *argv[64];
	char *env[8];
	const char *home = getenv("HOME");
	char *log = arena_printf(&s->arena, "%s/kbuild.log", dir);
	int n = 0, e = 0, st, i;
	pid_t pid;

	argv[n++] = "make";
	if (keep_going)
		argv[n++] = "-k";
	argv[n++] = s->verbose > 2 ? "V=1" : "-s";
	argv[n++] = "-j2";
	argv[n++] = "-C";
	argv[n++] = s->build_dir;
	argv[n++] = arena_printf(&s->arena, "M=%s", dir);
	argv[n++] = "CONFIG_DEBUG_INFO_BTF_MODULES=";
	for (i = 0; targets[i] && n < 62; i++)
		argv[n++] = targets[i];
	argv[n] = NULL;
	env[e++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	env[e++] = "LC_ALL=C";
	env[e++] = arena_printf(&s->arena, "HOME=%s", home ? home : "/");
	env[e++] = "TMPDIR=/tmp";
	env[e] = NULL;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0 && s->verbose <= 1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execve("/usr/bin/make", (char *const *)argv, env);
		execvpe("make", (char *const *)argv, env);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		diag_fatal("cannot run 'make': install the Debian packages make and gcc");
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int copy_text(const char *from, const char *to)
{
	FILE *in = fopen(from, "r"), *out;
	char buf[4096];
	size_t n;

	if (!in)
		return -1;
	out = fopen(to, "w");
	if (!out) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	return fclose(out);
}

static int is_snippet(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 2 && !strcmp(d->d_name + n - 2, ".c");
}

int kbuild_features(struct session *s, const char *dir)
{
	struct arena *a = &s->arena;
	const char *fdir = arena_printf(a, "%s/feature", session_data_dir("runtime"));
	const char *cdir = cache_dir(a), *cached = NULL;
	char *work = arena_printf(a, "%s/features", dir), *kb, *header, *dst;
	struct dirent **ents;
	struct cache_hash h;
	char hex[33];
	const char **targets;
	int i, n, rc;

	dst = arena_printf(a, "%s/stp_features.h", dir);
	/* cached per release and build tree, keyed by the snippets too */
	cache_hash_init(&h);
	cache_hash_path(&h, fdir);
	cache_hash_path(&h, arena_printf(a, "%s/.config", s->build_dir));
	cache_hash_str(&h, s->kernel_release);
	cache_hash_hex(&h, hex);
	if (cdir) {
		cached = arena_printf(a, "%s/features/%s-%.16s.h", cdir, s->kernel_release, hex);
		if (access(cached, R_OK) == 0)
			return copy_text(cached, dst);
	}
	n = scandir(fdir, &ents, is_snippet, alphasort);
	if (n < 0) {
		diag_fatal("cannot read the feature probes in '%s': %s", fdir, strerror(errno));
		return -1;
	}
	if (mkdir(work, 0755) && errno != EEXIST) {
		diag_fatal("cannot make '%s': %s", work, strerror(errno));
		return -1;
	}
	kb = arena_strdup(a, "obj-m :=");
	targets = arena_alloc(a, sizeof(*targets) * (size_t)(n + 1));
	for (i = 0; i < n; i++) {
		char *base = arena_strndup(a, ents[i]->d_name, strlen(ents[i]->d_name) - 2);

		copy_text(arena_printf(a, "%s/%s", fdir, ents[i]->d_name),
			  arena_printf(a, "%s/%s", work, ents[i]->d_name));
		kb = arena_printf(a, "%s %s.o", kb, base);
		targets[i] = arena_printf(a, "%s.o", base);
	}
	targets[n] = NULL;
	kb = arena_printf(a, "%s\nccflags-y := -Wno-missing-prototypes\n", kb);
	if (write_text(arena_printf(a, "%s/Kbuild", work), kb)) {
		diag_fatal("cannot write in '%s': %s", work, strerror(errno));
		return -1;
	}
	/* a snippet that fails to compile is a missing feature: -k */
	rc = kbuild_make(s, work, targets, 1);
	if (rc < 0)
		return -1;
	header = arena_printf(a, "/* kernel features of %s, by guru-runtime/feature/ */\n",
			      s->kernel_release);
	for (i = 0; i < n; i++) {
		char *base = arena_strndup(a, ents[i]->d_name, strlen(ents[i]->d_name) - 2);
		char *up = arena_strdup(a, base), *p;
		int have = access(arena_printf(a, "%s/%s.o", work, base), R_OK) == 0;

		for (p = up; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		header = arena_printf(a, "%s%s#define STP_HAVE_%s 1%s\n", header, have ? "" : "/* ",
				      up, have ? "" : " */");
		free(ents[i]);
	}
	free(ents);
	if (s->verbose > 1)
		fprintf(stderr, "%s", header);
	if (write_text(dst, header)) {
		diag_fatal("cannot write '%s': %s", dst, strerror(errno));
		return -1;
	}
	if (cached) {
		char *tmp = arena_printf(a, "%s.%d.tmp", cached, (int)getpid());
		char *fd = arena_printf(a, "%s/features", cdir);

		mkdir(fd, 0755);
		if (write_text(tmp, header) == 0)
			rename(tmp, cached);
	}
	return 0;
}

int pass4_build(struct session *s)
{
	struct arena *a = &s->arena;
	struct pass_clock clk;
	const char *cached = cache_lookup(s, "ko");
	const char *targets[] = { "modules", NULL };
	char *kb, *ko, *stored;
	int rc;

	if (cached && s->c_path && strstr(s->c_path, s->cache_key)) {
		s->ko_path = (char *)cached;
		if (s->verbose)
			fprintf(stderr, "Pass 4: using cached %s\n", cached);
		return 0;
	}
	pass_clock_start(&clk);
	if (access(arena_printf(a, "%s/Makefile", s->build_dir), R_OK)) {
		diag_fatal("kernel build tree '%s' not found: install the Debian package "
			   "linux-headers-%s (linux-headers-amd64 for the current kernel)%s",
			   s->build_dir, s->kernel_release,
			   s->vm ? "" : ", or build for the test VM with --vm or -r RELEASE");
		goto fail;
	}
	if (kbuild_features(s, s->tmpdir))
		goto fail;
	kb = arena_printf(a, "obj-m := %s.o\nccflags-y := -I$(src) -I%s\n", s->module_name,
			  session_data_dir("runtime"));
	if (write_text(arena_printf(a, "%s/Kbuild", s->tmpdir), kb)) {
		diag_fatal("cannot write the Kbuild file in '%s': %s", s->tmpdir, strerror(errno));
		goto fail;
	}
	rc = kbuild_make(s, s->tmpdir, targets, 0);
	ko = arena_printf(a, "%s/%s.ko", s->tmpdir, s->module_name);
	if (rc != 0 || access(ko, R_OK)) {
		if (rc > 0 && s->verbose <= 1) {
			char *log = arena_printf(a, "%s/kbuild.log", s->tmpdir);
			FILE *f = fopen(log, "r");
			char line[4096];

			while (f && fgets(line, sizeof(line), f))
				fputs(line, stderr);
			if (f)
				fclose(f);
		}
		diag_fatal("kbuild failed to build '%s.ko' (make exit status %d)",
			   s->module_name, rc);
		goto fail;
	}
	stored = (char *)cache_store(s, s->c_path, ko);
	s->ko_path = stored ? stored : ko;
	if (s->verbose) {
		fprintf(stderr, "Pass 4: compiled C into \"%s.ko\" ", s->module_name);
		pass_clock_print(stderr, &clk);
	}
	return 0;
fail:
	if (s->verbose)
		fprintf(stderr, "Pass 4: compilation failed.  [man error::pass4]\n");
	return -1;
}
