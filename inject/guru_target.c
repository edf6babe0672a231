/* guru_target.c - guru-run -c CMD: the command whose pid is target().
 *
 * As stap's stapio does: the command is forked before the module is
 * loaded, so its pid can be the module's _stp_target, and held (here on a
 * pipe) until the begin probes have run and the probes are armed; only
 * then does it exec, so the probes see all of it, its execve included.
 *
 * The command line is split as stap splits it (cmdline.h) and its words
 * exec'd directly (PATH searched), so target() is the command's own pid
 * even for -c 'sh -c "..."'. A line with shell syntax runs as /bin/sh -c
 * CMD, as stap falls back to; one that needs expansion as /bin/sh -c
 * 'exec CMD', which expands the words and keeps the pid.
 */
#include "guru.h"
#include "cmdline.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: wait for the release, then become the command. */
static void run_command(const char *cmd, int hold)
{
	char **argv = NULL, c;
	ssize_t n;

	do
		n = read(hold, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127);	/* the module did not start: never run */
	close(hold);
	signal(SIGPIPE, SIG_DFL);
	switch (cmdline_split(cmd, &argv)) {
	case CMDLINE_WORDS:
		if (!argv[0]) {
			fputs("guru-run: empty -c COMMAND\n", stderr);
			_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "guru-run: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	case CMDLINE_NOMEM:
		perror("guru-run");
		_exit(127);
	case CMDLINE_UNMATCHED:
		fprintf(stderr, "guru-run: syntax error (unmatched quotes?) in -c COMMAND '%s'\n",
			cmd);
		_exit(127);
	case CMDLINE_EXPAND: {
		size_t len = strlen(cmd) + 6;
		char *exec_cmd = malloc(len);

		if (exec_cmd) {
			snprintf(exec_cmd, len, "exec %s", cmd);
			execl("/bin/sh", "sh", "-c", exec_cmd, (char *)NULL);
		}
		break;
	}
	case CMDLINE_SHELL:
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		break;
	}
	fprintf(stderr, "guru-run: cannot run /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

int guru_target_spawn(struct guru_target *t, const char *cmd)
{
	int fds[2];

	memset(t, 0, sizeof(*t));
	t->hold = -1;
	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "guru-run: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	t->pid = fork();
	if (t->pid < 0) {
		fprintf(stderr, "guru-run: cannot fork: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (t->pid == 0) {
		close(fds[1]);
		run_command(cmd, fds[0]);
	}
	close(fds[0]);
	t->hold = fds[1];
	return 0;
}

void guru_target_release(struct guru_target *t)
{
	if (t->hold < 0)
		return;
	if (write(t->hold, "g", 1) != 1)
		fprintf(stderr, "guru-run: cannot release the command: %s\n", strerror(errno));
	close(t->hold);
	t->hold = -1;
}

int guru_target_exited(struct guru_target *t)
{
	int st;

	if (t->exited)
		return 1;
	if (waitpid(t->pid, &st, WNOHANG) != t->pid)
		return 0;
	t->exited = 1;
	t->status = st;
	return 1;
}

void guru_target_finish(struct guru_target *t)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	if (t->hold >= 0) {	/* never released: it exits without running */
		close(t->hold);
		t->hold = -1;
	}
	if (guru_target_exited(t))
		return;
	/* the script ended before the command: end the command too (it was
	 * started for the script), politely first */
	kill(t->pid, SIGTERM);
	for (i = 0; i < 100 && !guru_target_exited(t); i++)
		nanosleep(&ts, NULL);
	if (!t->exited) {
		kill(t->pid, SIGKILL);
		if (waitpid(t->pid, &t->status, 0) == t->pid)
			t->exited = 1;
	}
}
