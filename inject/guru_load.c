/* guru_load.c - load and unload a module, and say why a load failed. */
#include "guru.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* One line per errno the kernel's module loader gives, naming the usual
 * cause and what to do. */
#define LOAD_ERRORS(X) \
	X(ENOEXEC, "invalid module format: built for another kernel (vermagic " \
		   "mismatch)? rebuild with -r for the running release") \
	X(EKEYREJECTED, "module signature rejected: this kernel only loads " \
			"signed modules (module.sig_enforce or lockdown)") \
	X(EBADMSG, "module signature is malformed or missing, and this kernel " \
		   "requires one") \
	X(EPERM, "operation not permitted: loading modules needs root " \
		 "(CAP_SYS_MODULE), and lockdown or modules_disabled may forbid it") \
	X(ENOENT, "unknown symbol in module: the kernel lacks a function the " \
		  "script uses (see dmesg)") \
	X(EEXIST, "a module of this name is already loaded: remove it with " \
		  "'guru-run -d NAME' or choose another with -m") \
	X(ENOMEM, "out of memory while loading the module") \
	X(EINVAL, "the kernel rejected the module (unknown symbol version or " \
		  "invalid parameters; see dmesg)") \
	X(ENOSYS, "this kernel has no module support")

static const struct {
	int err;
	const char *why;
} load_errors[] = {
#define LOAD_ERROR_ENTRY(e, text) { e, text },
	LOAD_ERRORS(LOAD_ERROR_ENTRY)
#undef LOAD_ERROR_ENTRY
};

static const char *explain(int err)
{
	size_t i;

	for (i = 0; i < sizeof(load_errors) / sizeof(load_errors[0]); i++)
		if (load_errors[i].err == err)
			return load_errors[i].why;
	return strerror(err);
}

static void module_name_of(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	if (n >= size)
		n = size - 1;
	memcpy(out, base, n);
	out[n] = 0;
	/* kbuild turns '-' into '_' in module names */
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = '_';
}

static int read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st))
		goto fail;
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		goto fail;
	while (got < (size_t)st.st_size) {
		n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			goto fail;
		got += (size_t)n;
	}
	*len = got;
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The module's own name: "name=" in its .modinfo section (kbuild writes
 * it); a renamed file keeps its module name. 0, or -1 when absent. */
static int modinfo_name(const char *path, char *out, size_t size)
{
	char *img, *p;
	size_t len, i, j;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	int rc = -1;

	if (read_file(path, &img, &len))
		return -1;
	eh = (const Elf64_Ehdr *)img;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shoff + (size_t)eh->e_shnum *
	    sizeof(*sh) > len || eh->e_shstrndx >= eh->e_shnum)
		goto out;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const char *sname = img + sh[eh->e_shstrndx].sh_offset + sh[i].sh_name;

		if (sh[eh->e_shstrndx].sh_offset + sh[i].sh_name >= len ||
		    strcmp(sname, ".modinfo") || sh[i].sh_offset + sh[i].sh_size > len)
			continue;
		p = img + sh[i].sh_offset;
		for (j = 0; j < sh[i].sh_size; j += strnlen(p + j, sh[i].sh_size - j) + 1) {
			if (!strncmp(p + j, "name=", 5) && strnlen(p + j + 5, size) < size) {
				strcpy(out, p + j + 5);
				rc = 0;
				goto out;
			}
		}
	}
out:
	free(img);
	return rc;
}

int guru_load(const char *path, const char *params, char *name_out, size_t name_size)
{
	char *image;
	size_t len;
	int fd;

	if (modinfo_name(path, name_out, name_size))
		module_name_of(path, name_out, name_size);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "guru-run: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	/* finit_module lets the kernel check the file (IMA, lockdown);
	 * fall back to init_module where it is missing */
	if (syscall(SYS_finit_module, fd, params, 0) == 0) {
		close(fd);
		return 0;
	}
	close(fd);
	if (errno == ENOSYS) {
		if (read_file(path, &image, &len) == 0) {
			int rc = (int)syscall(SYS_init_module, image, len, params);

			free(image);
			if (rc == 0)
				return 0;
		}
	}
	fprintf(stderr, "guru-run: cannot load '%s': %s\n", path, explain(errno));
	return -1;
}

int guru_unload(const char *name)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int tries;

	/* a just-closed proc file can hold a reference for a moment */
	for (tries = 0; tries < 250; tries++) {
		if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0)
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			break;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "guru-run: cannot remove module '%s': %s\n", name, strerror(errno));
	return -1;
}

int guru_is_ours(const char *name)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/gstap-%s", name);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int remove_one(const char *name, int verbose)
{
	if (guru_is_ours(name)) {
		/* a leftover still running: let it end its script first */
		if (guru_ctl(name, "stop") == 0 || errno != ENOENT)
			(void)guru_stream(name, 0, NULL, verbose);
	}
	if (verbose)
		fprintf(stderr, "guru-run: removing module '%s'\n", name);
	return guru_unload(name);
}

int guru_remove_leftovers(const char *pattern, int verbose)
{
	FILE *f;
	char line[512], name[256];
	int status = 0, found = 0;

	if (strcmp(pattern, "*"))
		return remove_one(pattern, verbose) ? 1 : 0;
	f = fopen("/proc/modules", "r");
	if (!f) {
		fprintf(stderr, "guru-run: cannot read /proc/modules: %s\n", strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s", name) != 1 || !guru_is_ours(name))
			continue;
		found++;
		if (remove_one(name, verbose))
			status = 1;
	}
	fclose(f);
	if (verbose && !found)
		fprintf(stderr, "guru-run: no gstap module is loaded\n");
	return status;
}
