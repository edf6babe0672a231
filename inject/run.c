/* run.c - pass 5: run the module with guru-run, here or in the test VM.
 *
 * Here: guru-run MODULE.ko, its stdout ours (or -o FILE). With --vm: the
 * VM runner boots the target release with guru-run, the module and the
 * static test tools in the guest (/bin/guru-run, /root/MODULE.ko,
 * /tools/...), runs guru-run there and checks afterwards that no module of
 * ours is left loaded.
 *
 * -x PID and -c CMD go to guru-run, which sets target() and, with -c,
 * runs CMD (in the guest with --vm) once the probes are armed and ends
 * the script when CMD exits. CMD's output is not the script's: with -o
 * FILE, guru-run writes the script's output to FILE and CMD keeps our
 * stdout (in the VM, the script's output follows CMD's on the guest's
 * stdout after a marker line, and is split off into FILE here).
 */
#include "kbuild.h"
#include "session.h"
#include "vm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A program installed beside gstap (build/ in a checkout, bin/ installed). */
static const char *beside_self(struct arena *a, const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash, *p;

	if (n > 0) {
		exe[n] = 0;
		if ((slash = strrchr(exe, '/'))) {
			*slash = 0;
			p = arena_printf(a, "%s/%s", exe, name);
			if (access(p, F_OK) == 0)
				return p;
		}
	}
	return arena_printf(a, "%s/%s", session_data_dir(!strcmp(name, "tools") ? "tools" : "bin"),
			    name);
}

#define OUTPUT_MARK "@@GSTAP-SCRIPT-OUTPUT@@"

/* guru-run's options for -x / -c (argv form, NULL-terminated). */
static void target_args(struct session *s, const char **argv, int *n)
{
	if (s->target_pid) {
		argv[(*n)++] = "-x";
		argv[(*n)++] = arena_printf(&s->arena, "%ld", s->target_pid);
	} else if (s->target_cmd) {
		argv[(*n)++] = "-c";
		argv[(*n)++] = s->target_cmd;
	}
}

/* A word for sh: single-quoted. */
static const char *sh_quote(struct arena *a, const char *w)
{
	char *q = arena_strdup(a, "'");

	for (; *w; w++)
		q = *w == '\'' ? arena_printf(a, "%s'\\''", q) : arena_printf(a, "%s%c", q, *w);
	return arena_printf(a, "%s'", q);
}

static int run_here(struct session *s, const char *guru_run, int out_fd)
{
	const char *argv[8];
	pid_t pid;
	int st, n = 0;

	argv[n++] = "guru-run";
	if (s->output_file) {
		argv[n++] = "-o";
		argv[n++] = s->output_file;
	}
	target_args(s, argv, &n);
	argv[n++] = s->ko_path;
	argv[n] = NULL;
	(void)out_fd;	/* checked by the caller; guru-run opens it itself */

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		diag_fatal("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execv(guru_run, (char *const *)argv);
		fprintf(stderr, "gstap: cannot run '%s': %s\n", guru_run, strerror(errno));
		_exit(1);
	}
	/* SIGINT reaches guru-run too (same process group): it stops the
	 * script and unloads; we just wait for it */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	s->exit_status = WIFEXITED(st) ? (WEXITSTATUS(st) ? 1 : 0) : 1;
	return 0;
}

/* -o with -c in the VM: the guest's stdout (in fd) is CMD's output, a
 * newline and the marker line (so the marker starts a line even when CMD's
 * output does not end with one), then the script's. CMD's goes to our
 * stdout without that newline, the script's to out. */
static int split_output(int in, int out)
{
	FILE *f = fdopen(dup(in), "r");
	char *line = NULL, *held = NULL;
	size_t cap = 0;
	ssize_t n;
	int after = 0, rc = 0;

	if (!f)
		return -1;
	rewind(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (after) {
			if (write(out, line, (size_t)n) != n)
				rc = -1;
		} else if (!strcmp(line, OUTPUT_MARK "\n")) {
			after = 1;
			if (held) {	/* it ends with the newline we added */
				held[strlen(held) - 1] = 0;
				fputs(held, stdout);
			}
		} else {
			if (held)
				fputs(held, stdout);
			free(held);
			held = strdup(line);
		}
	}
	if (!after && held)
		fputs(held, stdout);
	free(held);
	free(line);
	fclose(f);
	return rc;
}

static int run_in_vm(struct session *s, const char *guru_run, int out_fd)
{
	struct arena *a = &s->arena;
	struct vm_options o;
	struct vm_file files[256];
	const char *tools = beside_self(a, "tools");
	DIR *d;
	struct dirent *de;
	const char *targs[4], *opts = "", *out_tmp = NULL;
	int n = 0, status = 0, nt = 0, split = s->output_file && s->target_cmd;

	vm_options_init(&o);
	files[n++] = (struct vm_file){ guru_run, "/bin/guru-run" };
	files[n++] = (struct vm_file){ s->ko_path,
				       arena_printf(a, "/root/%s.ko", s->module_name) };
	if ((d = opendir(tools))) {
		while ((de = readdir(d)) && n < 256) {
			char *p = arena_printf(a, "%s/%s", tools, de->d_name);
			struct stat st;

			if (de->d_name[0] == '.' || stat(p, &st) || !S_ISREG(st.st_mode))
				continue;
			files[n++] = (struct vm_file){ p, arena_printf(a, "/tools/%s", de->d_name) };
		}
		closedir(d);
	}
	o.release = s->kernel_release;
	o.files = files;
	o.nfiles = n;
	o.verbose = s->verbose > 1 ? s->verbose - 1 : 0;
	o.out_fd = out_fd;
	target_args(s, targs, &nt);
	for (int i = 0; i < nt; i++)
		opts = arena_printf(a, "%s%s ", opts, sh_quote(a, targs[i]));
	if (split) {
		opts = arena_printf(a, "-o /tmp/gstap-output %s", opts);
		out_tmp = arena_printf(a, "%s.vm-stdout", s->output_file);
		o.out_fd = open(out_tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (o.out_fd < 0) {
			diag_fatal("cannot write '%s': %s", out_tmp, strerror(errno));
			return -1;
		}
	}
	o.command = arena_printf(a,
				 "export PATH=/tools:$PATH\n"
				 "guru-run %s/root/%s.ko\n"
				 "rc=$?\n"
				 "%s\n"
				 "if grep -q '^%s ' /proc/modules; then\n"
				 "  echo 'gstap: module %s is still loaded in the VM' >&2\n"
				 "  rc=1\n"
				 "fi\n"
				 "exit $rc\n",
				 opts, s->module_name,
				 split ? "echo; echo " OUTPUT_MARK "; cat /tmp/gstap-output" : "",
				 s->module_name, s->module_name);
	if (vm_run(&o, &status)) {
		if (split) {
			close(o.out_fd);
			unlink(out_tmp);
		}
		return -1;
	}
	if (split && split_output(o.out_fd, out_fd))
		status = 1;
	if (split) {
		close(o.out_fd);
		unlink(out_tmp);
	}
	s->exit_status = status ? 1 : 0;
	return 0;
}

int pass5_run(struct session *s)
{
	struct pass_clock clk;
	const char *guru_run = beside_self(&s->arena, "guru-run");
	int out_fd = 1, rc = -1;

	if (access(guru_run, X_OK)) {
		diag_fatal("'%s' not found: build it with make", guru_run);
		goto fail;
	}
	if (s->output_file) {
		out_fd = open(s->output_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			diag_fatal("cannot open output file '%s': %s", s->output_file,
				   strerror(errno));
			goto fail;
		}
	}
	if (s->verbose)
		fprintf(stderr, "Pass 5: starting run.\n");
	pass_clock_start(&clk);
	rc = s->vm ? run_in_vm(s, guru_run, out_fd) : run_here(s, guru_run, out_fd);
	if (out_fd != 1)
		close(out_fd);
	if (rc || s->exit_status)
		goto fail;
	if (s->verbose) {
		fprintf(stderr, "Pass 5: run completed ");
		pass_clock_print(stderr, &clk);
	}
	return 0;
fail:
	if (s->verbose)
		fprintf(stderr, "Pass 5: run failed.  [man error::pass5]\n");
	if (!s->exit_status)
		s->exit_status = 1;
	return rc ? -1 : 0;
}
