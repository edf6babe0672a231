/* vm.c - the test VM runner (see vm.h).
 *
 * Per run, in a fresh temporary directory: an initramfs (cpio "newc",
 * uncompressed, written here) holding static busybox, the kernel modules
 * for /dev/nullb0, an /init script and the caller's files; then
 *
 *   qemu-system-x86_64 -kernel /boot/vmlinuz-R -initrd initrd.cpio
 *     -serial file:console -serial file:stdout -serial file:stderr
 *
 * The three files are followed while QEMU runs: the guest's stdout and
 * stderr are copied to ours as they grow; the console carries the boot,
 * the guest's kernel log (dumped by /init after the command) and the
 * command's exit status between markers.
 */
#include "vm.h"
#include "arena.h"
#include "btf.h"
#include "diag.h"
#include "cache.h"
#include "session.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QEMU "qemu-system-x86_64"
#define BUSYBOX "/bin/busybox"
#define MARK "@@GSTAP-VM"

/* Kernel log lines that fail a run (matched as substrings). */
static const char *const dmesg_bad[] = {
	"BUG:", "WARNING:", "Oops", "soft lockup", "hard LOCKUP", "hung_task",
	"blocked for more than", "Kernel panic", "general protection fault",
	"UBSAN:", "KASAN:", "refcount_t:", "list_add corruption", "list_del corruption",
};

/* The module the guest always loads at boot, with its parameters: the
 * test disk /dev/nullb0, memory backed so what is written reads back (the
 * no-lost-write checks), 1 GiB allocated as written; the caller's
 * vm_options.modules follow. Dependencies come from modules.dep. */
static const char default_module[] = "null_blk nr_devices=1 irqmode=0 memory_backed=1 gb=1";

void vm_options_init(struct vm_options *o)
{
	memset(o, 0, sizeof(*o));
	o->out_fd = 1;
	o->err_fd = 2;
}

/* ---- the initramfs --------------------------------------------------- */

struct cpio {
	FILE *f;
	unsigned long ino;
	struct ptrvec dirs;	/* made so far */
	struct arena *a;
};

static void cpio_pad(struct cpio *c)
{
	long pos = ftell(c->f);

	while (pos++ % 4)
		fputc(0, c->f);
}

static void cpio_header(struct cpio *c, const char *name, unsigned mode, size_t size,
			unsigned rmaj, unsigned rmin)
{
	fprintf(c->f, "070701%08lX%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		++c->ino, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, rmaj, rmin, strlen(name) + 1,
		0u);
	fwrite(name, 1, strlen(name) + 1, c->f);
	cpio_pad(c);
}

/* Make every parent directory of path (no leading '/'). */
static void cpio_parents(struct cpio *c, const char *path)
{
	const char *p;

	for (p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		char *dir = arena_strndup(c->a, path, (size_t)(p - path));
		int i, seen = 0;

		for (i = 0; i < c->dirs.n && !seen; i++)
			seen = !strcmp(c->dirs.v[i], dir);
		if (seen || !*dir)
			continue;
		ptrvec_push(c->a, &c->dirs, dir);
		cpio_header(c, dir, 040755, 0, 0, 0);
	}
}

static void cpio_data(struct cpio *c, const char *name, unsigned mode, const void *data,
		      size_t len)
{
	cpio_parents(c, name);
	cpio_header(c, name, mode, len, 0, 0);
	fwrite(data, 1, len, c->f);
	cpio_pad(c);
}

static int cpio_file(struct cpio *c, const char *name, const char *host_path)
{
	FILE *in = fopen(host_path, "rb");
	struct stat st;
	char buf[65536];
	size_t n;

	if (!in || fstat(fileno(in), &st)) {
		diag_fatal("cannot read '%s' for the VM: %s", host_path, strerror(errno));
		if (in)
			fclose(in);
		return -1;
	}
	while (*name == '/')
		name++;
	cpio_parents(c, name);
	cpio_header(c, name, 0100000 | (st.st_mode & 0777), (size_t)st.st_size, 0, 0);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, c->f);
	fclose(in);
	cpio_pad(c);
	return 0;
}

/* ---- facts about the host -------------------------------------------- */

static int in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

/* A static executable has no PT_INTERP program header. */
static int is_static_elf(const char *path)
{
	FILE *f = fopen(path, "rb");
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int i, ok = 0;

	if (!f)
		return 0;
	if (fread(&eh, sizeof(eh), 1, f) == 1 && !memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		ok = 1;
		for (i = 0; i < eh.e_phnum; i++) {
			if (fseek(f, (long)(eh.e_phoff + (Elf64_Off)i * eh.e_phentsize), SEEK_SET) ||
			    fread(&ph, sizeof(ph), 1, f) != 1)
				break;
			if (ph.p_type == PT_INTERP)
				ok = 0;
		}
	}
	fclose(f);
	return ok;
}

/* Append the module's path (relative to /lib/modules/R) and those of its
 * dependencies, dependencies first, from modules.dep. */
static int module_paths(struct arena *a, const char *release, const char *name,
			struct ptrvec *out)
{
	char *dep = arena_printf(a, "/lib/modules/%s/modules.dep", release);
	char *want = arena_printf(a, "/%s.ko", name);
	FILE *f = fopen(dep, "r");
	char line[4096];
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *tok, *save;
		struct ptrvec deps = { 0 };
		int i;

		if (!colon)
			continue;
		*colon = 0;
		if (strlen(line) < strlen(want) ||
		    strcmp(line + strlen(line) - strlen(want), want))
			continue;
		found = 1;
		for (tok = strtok_r(colon + 1, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			ptrvec_push(a, &deps, arena_strdup(a, tok));
		/* modules.dep lists dependencies nearest first: load in reverse */
		for (i = deps.n - 1; i >= 0; i--)
			ptrvec_push(a, out, deps.v[i]);
		ptrvec_push(a, out, arena_strdup(a, line));
	}
	fclose(f);
	return found ? 0 : -1;
}

/*
 * Under TCG, the bzImage's own xz decompressor takes most of a boot (about
 * 15 of 25 s). With CONFIG_PVH the uncompressed vmlinux boots directly
 * (QEMU's PVH entry), so we decompress once per kernel image on the host
 * and keep it in the cache: <cache>/vm/vmlinux-R-<size>-<mtime>.
 */
static const char *boot_image(struct arena *a, const char *release, const char *bzimage)
{
	char *cfg = arena_printf(a, "/boot/config-%s", release);
	const char *dir = cache_dir(a);
	char line[256], *out;
	struct stat st;
	FILE *f;
	int pvh = 0;
	unsigned char *in = NULL, *raw = NULL;
	size_t raw_size = 0;
	long n;

	if (!dir || stat(bzimage, &st) || !(f = fopen(cfg, "r")))
		return bzimage;
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "CONFIG_PVH=y\n"))
			pvh = 1;
	fclose(f);
	if (!pvh)
		return bzimage;
	out = arena_printf(a, "%s/vm/vmlinux-%s-%lld-%lld", dir, release,
			   (long long)st.st_size, (long long)st.st_mtime);
	if (access(out, R_OK) == 0)
		return out;
	f = fopen(bzimage, "rb");
	if (!f)
		return bzimage;
	in = malloc((size_t)st.st_size);
	n = in ? (long)fread(in, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	for (long i = 0; i + 6 < n && !raw; i++)
		if (!memcmp(in + i, "\xfd" "7zXZ\0", 6))
			raw = btf_xz_decompress(in + i, (size_t)(n - i), &raw_size);
	free(in);
	if (!raw || raw_size < 4 || memcmp(raw, ELFMAG, SELFMAG)) {
		free(raw);
		return bzimage;
	}
	mkdir(arena_printf(a, "%s/vm", dir), 0755);
	if (cache_write_file(a, out, raw, raw_size)) {
		free(raw);
		return bzimage;
	}
	free(raw);
	return out;
}

/* ---- the run --------------------------------------------------------- */

static const char init_head[] =
	"#!/bin/busybox sh\n"
	"/bin/busybox --install -s /bin\n"
	"export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sysfs /sys\n"
	"mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
	/* no tmpfs over /tmp: the initramfs root is already writable memory,
	 * and a mount would hide files placed under /tmp (a checkout under
	 * /tmp places its tools at their host paths, for uprobes) */
	"mkdir -p /tmp /root /dev/pts\n"
	"mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null\n"
	"mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null\n"
	"mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null\n"
	"for p in /dev/ttyS1 /dev/ttyS2; do stty -F $p raw -echo 2>/dev/null; done\n";

static const char init_tail[] =
	"mount -t configfs configfs /sys/kernel/config 2>/dev/null\n"
	"[ -b /dev/nullb0 ] || echo '" MARK "-NOTE no /dev/nullb0'\n"
	"echo '" MARK "-READY'\n"
	"cd /\n"
	"sh /vm-command </dev/null >/dev/ttyS1 2>/dev/ttyS2\n"
	"rc=$?\n"
	"echo '" MARK "-DMESG-BEGIN'\n"
	"dmesg\n"
	"echo '" MARK "-DMESG-END'\n"
	"echo \"" MARK "-EXIT $rc\"\n"
	"poweroff -f\n";

static double now_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* Copy what was appended to path since *off to fd. */
static void follow(const char *path, off_t *off, int fd)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return;
	if (lseek(in, *off, SEEK_SET) == *off) {
		while ((n = read(in, buf, sizeof(buf))) > 0) {
			ssize_t w = 0;

			*off += n;
			while (w < n) {
				ssize_t r = write(fd, buf + w, (size_t)(n - w));

				if (r <= 0)
					break;
				w += r;
			}
		}
	}
	close(in);
}

static char *slurp(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *buf;

	if (!f)
		return arena_strdup(a, "");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = arena_alloc(a, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = 0;
	fclose(f);
	return buf;
}

static void rm_tree(const char *dir)
{
	char *cmd = NULL;

	if (asprintf(&cmd, "rm -rf '%s'", dir) > 0 && system(cmd) != 0)
		fprintf(stderr, "warning: cannot remove '%s'\n", dir);
	free(cmd);
}

/* KVM only when asked (GSTAP_VM_ACCEL=kvm; GSTAP_VM_ACCEL=tcg,OPTIONS
 * chooses TCG's options): on the nested machines we
 * build on, /dev/kvm opens but guests fail (MSR errors with -cpu host,
 * no progress with qemu64), while TCG always works. */
static int kvm_usable(void)
{
	const char *e = getenv("GSTAP_VM_ACCEL");

	return e && !strcmp(e, "kvm");
}

/*
 * TCG with one thread for all vCPUs. Multi-threaded TCG (QEMU's default
 * for an x86 guest) runs the vCPUs in parallel, and it breaks the kernel's
 * cross-modifying code protocol (text_poke_bp: int3, sync, tail, sync,
 * head): arming a kprobe on a function another vCPU is running crashes
 * the guest (NULL call from the int3 path, or a soft lockup), within a
 * few arm/disarm cycles of a bare hand-written kprobe module, never with
 * thread=single or with one vCPU (tests/vm/probes.sh "arm under load").
 * The guest still has two CPUs, interleaved: per-CPU paths stay tested.
 */
static const char *tcg_accel(void)
{
	const char *e = getenv("GSTAP_VM_ACCEL");

	return e && !strncmp(e, "tcg", 3) ? e : "tcg,thread=single";
}

/* Print the console's tail: what the guest said before it went wrong. */
static void show_console(const char *console)
{
	size_t n = strlen(console);
	const char *p = n > 4000 ? console + n - 4000 : console;

	fprintf(stderr, "--- VM console (last %zu bytes) ---\n%s\n--- end of console ---\n",
		strlen(p), p);
}

/* Check the guest's kernel log: 0 clean, -1 after printing the bad lines. */
static int check_dmesg(const char *console)
{
	const char *b = strstr(console, MARK "-DMESG-BEGIN"), *e, *line;
	int bad = 0;

	if (!b)
		return 0;
	e = strstr(b, MARK "-DMESG-END");
	if (!e)
		e = b + strlen(b);
	for (line = strchr(b, '\n'); line && line < e; line = strchr(line + 1, '\n')) {
		const char *end = strchr(line + 1, '\n');
		size_t len = (size_t)((end ? end : e) - (line + 1));
		char buf[1024];
		size_t i;

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line + 1, len);
		buf[len] = 0;
		for (i = 0; i < sizeof(dmesg_bad) / sizeof(dmesg_bad[0]); i++) {
			if (strstr(buf, dmesg_bad[i])) {
				if (!bad++)
					fprintf(stderr, "error: the VM's kernel log is not clean:\n");
				fprintf(stderr, "  %s\n", buf);
				break;
			}
		}
	}
	if (!bad)
		return 0;
	fprintf(stderr, "--- VM kernel log ---\n%.*s\n--- end of kernel log ---\n",
		(int)(e - b), b);
	return -1;
}

static int write_initrd(struct arena *a, const char *dir, const char *release,
			const struct vm_options *o, const char *initrd)
{
	struct cpio c = { .a = a };
	struct ptrvec mods = { 0 };
	char *init, *cmd;
	int j, rc = 0;

	c.f = fopen(initrd, "wb");
	if (!c.f) {
		diag_fatal("cannot write '%s': %s", initrd, strerror(errno));
		return -1;
	}
	(void)dir;
	cpio_header(&c, "dev", 040755, 0, 0, 0);
	ptrvec_push(a, &c.dirs, "dev");
	cpio_header(&c, "dev/console", 020600, 0, 5, 1);
	for (const char *const *d = (const char *const[]){ "proc", "sys", "tmp", "root", "bin",
							  "sbin", "usr", "usr/bin", "usr/sbin",
							  NULL };
	     *d; d++) {
		cpio_header(&c, *d, 040755, 0, 0, 0);
		ptrvec_push(a, &c.dirs, (void *)*d);
	}
	if (cpio_file(&c, "bin/busybox", BUSYBOX))
		rc = -1;
	init = arena_strdup(a, init_head);
	for (j = -1; j < o->nmodules; j++) {
		const char *spec = j < 0 ? default_module : o->modules[j];
		size_t namelen = strcspn(spec, " ");
		const char *name = arena_strndup(a, spec, namelen);
		const char *params = spec + namelen + (spec[namelen] == ' ');
		int first = mods.n, k;

		if (module_paths(a, release, name, &mods)) {
			diag_fatal("kernel module '%s' for release %s not found in "
				   "/lib/modules/%s/modules.dep: install the Debian package "
				   "linux-image-%s (linux-image-amd64)",
				   name, release, release, release);
			rc = -1;
			continue;
		}
		for (k = first; k < mods.n; k++) {
			const char *rel = mods.v[k], *base = strrchr(rel, '/');
			char *host = arena_printf(a, "/lib/modules/%s/%s", release, rel);
			char *guest = arena_printf(a, "lib/vm-modules/%s", base ? base + 1 : rel);
			int seen = 0, l;

			/* a dependency of two modules is placed and loaded once */
			for (l = 0; l < first && !seen; l++)
				seen = !strcmp(mods.v[l], rel);
			if (seen)
				continue;
			if (cpio_file(&c, guest, host))
				rc = -1;
			init = arena_printf(a, "%sinsmod /%s %s 2>/dev/null\n", init, guest,
					    k == mods.n - 1 ? params : "");
		}
	}
	init = arena_printf(a, "%s%s", init, init_tail);
	cpio_data(&c, "init", 0100755, init, strlen(init));
	cmd = arena_printf(a, "%s\n", o->command);
	cpio_data(&c, "vm-command", 0100644, cmd, strlen(cmd));
	for (j = 0; j < o->nfiles && !rc; j++) {
		if (o->files[j].guest_path[0] != '/') {
			diag_fatal("VM file '%s': guest path must be absolute",
				   o->files[j].guest_path);
			rc = -1;
		} else if (cpio_file(&c, o->files[j].guest_path, o->files[j].host_path)) {
			rc = -1;
		}
	}
	cpio_header(&c, "TRAILER!!!", 0, 0, 0, 0);
	if (fclose(c.f) && !rc) {
		diag_fatal("cannot write '%s': %s", initrd, strerror(errno));
		rc = -1;
	}
	return rc;
}

int vm_run(const struct vm_options *o, int *status)
{
	struct arena a;
	const char *release = o->release;
	char tmpl[] = "/tmp/gstap-vm.XXXXXX";
	char *dir = NULL, *kernel, *initrd, *con, *out, *err, *qlog, *console, *exitm;
	char mem[16], cpus[16];
	off_t out_off = 0, err_off = 0, con_off = 0;
	int timeout = o->timeout_s, rc = -1, wst = 0, kvm;
	double t0, limit;
	pid_t pid;

	arena_init(&a);
	if (!timeout)
		timeout = getenv("GSTAP_VM_TIMEOUT") ? atoi(getenv("GSTAP_VM_TIMEOUT")) : 900;
	if (!release)
		release = target_default_vm_release(&a);
	if (!release) {
		diag_fatal("no kernel to boot: /boot has no vmlinuz-R with a matching "
			   "/lib/modules/R/build; install the Debian packages linux-image-amd64 "
			   "and linux-headers-amd64");
		goto out;
	}
	if (!in_path(QEMU)) {
		diag_fatal("'" QEMU "' not found: install the Debian package qemu-system-x86");
		goto out;
	}
	kernel = arena_printf(&a, "/boot/vmlinuz-%s", release);
	if (access(kernel, R_OK)) {
		diag_fatal("kernel image '%s' not found: install the Debian package "
			   "linux-image-%s (linux-image-amd64 for the current one)", kernel,
			   release);
		goto out;
	}
	if (!is_static_elf(BUSYBOX)) {
		diag_fatal("a static '" BUSYBOX "' is needed for the VM: install the Debian "
			   "package busybox-static");
		goto out;
	}
	dir = mkdtemp(tmpl);
	if (!dir) {
		diag_fatal("cannot make a temporary directory: %s", strerror(errno));
		goto out;
	}
	kernel = (char *)boot_image(&a, release, kernel);
	initrd = arena_printf(&a, "%s/initrd.cpio", dir);
	con = arena_printf(&a, "%s/console", dir);
	out = arena_printf(&a, "%s/stdout", dir);
	err = arena_printf(&a, "%s/stderr", dir);
	qlog = arena_printf(&a, "%s/qemu.log", dir);
	if (write_initrd(&a, dir, release, o, initrd))
		goto out;
	snprintf(mem, sizeof(mem), "%d", o->memory_mb ? o->memory_mb : 512);
	snprintf(cpus, sizeof(cpus), "%d", o->cpus ? o->cpus : 2);
	kvm = kvm_usable();
	if (o->verbose)
		fprintf(stderr, "vm: booting %s (%s, %s MiB, %s CPUs)\n", kernel,
			kvm ? "kvm" : tcg_accel(), mem, cpus);

	t0 = now_s();
	limit = t0 + timeout;
	pid = fork();
	if (pid < 0) {
		diag_fatal("cannot fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int fd = open(qlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		execlp(QEMU, QEMU, "-accel", kvm ? "kvm" : tcg_accel(), "-cpu", getenv("GSTAP_VM_CPU") ? getenv("GSTAP_VM_CPU") : kvm ? "host" : "max",
		       "-m", mem, "-smp", cpus, "-kernel", kernel, "-initrd", initrd,
		       "-append",
		       arena_printf(&a, "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init "
				    "8250.nr_uarts=4%s%s", o->append ? " " : "",
				    o->append ? o->append : ""),
		       "-display", "none", "-monitor", "none", "-no-reboot", "-nodefaults",
		       "-serial", arena_printf(&a, "file:%s", con),
		       "-serial", arena_printf(&a, "file:%s", out),
		       "-serial", arena_printf(&a, "file:%s", err), (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &wst, WNOHANG);
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		follow(out, &out_off, o->out_fd);
		follow(err, &err_off, o->err_fd);
		if (o->verbose > 1)
			follow(con, &con_off, 2);
		if (w == pid)
			break;
		if (now_s() > limit) {
			kill(-pid, SIGKILL);
			waitpid(pid, &wst, 0);
			follow(out, &out_off, o->out_fd);
			follow(err, &err_off, o->err_fd);
			console = slurp(&a, con);
			diag_fatal("the VM run did not end within %d s (GSTAP_VM_TIMEOUT)", timeout);
			show_console(console);
			goto out;
		}
		nanosleep(&ts, NULL);
	}
	console = slurp(&a, con);
	if (!WIFEXITED(wst) || WEXITSTATUS(wst)) {
		diag_fatal("qemu failed: %s", slurp(&a, qlog));
		show_console(console);
		goto out;
	}
	exitm = strstr(console, MARK "-EXIT ");
	if (!exitm) {
		diag_fatal("the VM stopped before the command ended (kernel panic or "
			   "boot failure)");
		show_console(console);
		check_dmesg(console);
		goto out;
	}
	*status = atoi(exitm + strlen(MARK "-EXIT "));
	if (check_dmesg(console))
		goto out;
	if (o->verbose)
		fprintf(stderr, "vm: run completed in %.1f s, status %d\n", now_s() - t0, *status);
	rc = 0;
out:
	if (dir && !getenv("GSTAP_VM_KEEP"))
		rm_tree(dir);
	else if (dir)
		fprintf(stderr, "vm: kept %s\n", dir);
	arena_free(&a);
	return rc;
}
