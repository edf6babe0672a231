/* run.c - pass 5: run the module with guru-run, here or in the test VM.
 *
 * Here: guru-run MODULE.ko, its stdout ours (or -o FILE). With --vm: the
 * VM runner boots the target release with guru-run, the module and the
 * static test tools in the guest (/bin/guru-run, /root/MODULE.ko,
 * /tools/...), runs guru-run there and checks afterwards that no module of
 * ours is left loaded.
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

static int run_here(struct session *s, const char *guru_run, int out_fd)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		diag_fatal("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (out_fd != 1)
			dup2(out_fd, 1);
		execl(guru_run, "guru-run", s->ko_path, (char *)NULL);
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

static int run_in_vm(struct session *s, const char *guru_run, int out_fd)
{
	struct arena *a = &s->arena;
	struct vm_options o;
	struct vm_file files[256];
	const char *tools = beside_self(a, "tools");
	DIR *d;
	struct dirent *de;
	int n = 0, status = 0;

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
	o.command = arena_printf(a,
				 "export PATH=/tools:$PATH\n"
				 "guru-run /root/%s.ko\n"
				 "rc=$?\n"
				 "if grep -q '^%s ' /proc/modules; then\n"
				 "  echo 'gstap: module %s is still loaded in the VM' >&2\n"
				 "  rc=1\n"
				 "fi\n"
				 "exit $rc\n",
				 s->module_name, s->module_name, s->module_name);
	if (vm_run(&o, &status))
		return -1;
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
