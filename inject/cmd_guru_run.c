/* cmd_guru_run.c - guru-run: load a gstap module, stream its output, unload.
 *
 * Static, libc only, so it runs in a bare busybox guest. The module runs
 * its script when told "start"; guru-run then copies its output until EOF
 * (which comes after the end probes), and removes the module.
 *
 * -x PID and -c CMD set the module's _stp_target parameter (target()), as
 * staprun does for stap; with -c, CMD is started held, released once the
 * probes are armed, and its exit ends the script (see guru_target.c).
 */
#include "guru.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fputs("Usage: guru-run [-v] [-o FILE] [-x PID | -c CMD] MODULE.ko [PARAM=VALUE...]\n"
	      "       guru-run [-v] -d NAME|'*'\n"
	      "\n"
	      "Load a module built by gstap, run its script, copy its output to\n"
	      "stdout and stderr, and remove it when the script ends (exit(), or\n"
	      "SIGINT, SIGTERM, SIGHUP: end probes run first).\n"
	      "\n"
	      "  -o FILE   write the script's output to FILE\n"
	      "  -x PID    target() is PID\n"
	      "  -c CMD    run CMD once the probes are armed (words, or /bin/sh -c\n"
	      "            for shell syntax); target() is its pid; the script ends\n"
	      "            when CMD exits\n"
	      "  -d NAME   stop and remove module NAME left behind ('*': all of ours)\n"
	      "  -v        say what happens\n"
	      "  -h        this text\n"
	      "\n"
	      "Exit status: 0 success, 1 load or run-time error, 2 usage error.\n",
	      out);
}

/* Append "prefix value" to the module's parameter string. */
static int add_param(char *params, size_t size, const char *prefix, const char *value)
{
	if (strlen(params) + strlen(prefix) + strlen(value) + 2 > size) {
		fputs("guru-run: module parameters too long\n", stderr);
		return -1;
	}
	if (*params)
		strcat(params, " ");
	strcat(params, prefix);
	strcat(params, value);
	return 0;
}

int main(int argc, char **argv)
{
	const char *remove = NULL, *output = NULL, *target_pid = NULL, *target_cmd = NULL;
	struct guru_target target;
	char name[256], params[4096] = "", pid_text[32], *end;
	int c, verbose = 0, status;

	while ((c = getopt(argc, argv, "+hvd:o:x:c:")) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			verbose++;
			break;
		case 'd':
			remove = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'x':
			if (strtol(optarg, &end, 10) <= 0 || *end) {
				fprintf(stderr, "guru-run: invalid pid '%s'\n", optarg);
				return 2;
			}
			target_pid = optarg;
			break;
		case 'c':
			target_cmd = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (remove) {
		guru_install_signals();
		return guru_remove_leftovers(remove, verbose);
	}
	if (optind >= argc || (target_pid && target_cmd)) {
		usage(stderr);
		return 2;
	}
	for (int i = optind + 1; i < argc; i++)
		if (add_param(params, sizeof(params), "", argv[i]))
			return 2;
	guru_install_signals();
	/* the command first: it keeps our stdout, not -o FILE */
	if (target_cmd) {
		if (guru_target_spawn(&target, target_cmd))
			return 1;
		target_pid = pid_text;
		snprintf(pid_text, sizeof(pid_text), "%d", (int)target.pid);
	}
	if (output) {
		int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0) {
			fprintf(stderr, "guru-run: cannot open output file '%s': %s\n", output,
				strerror(errno));
			status = 1;
			goto out;
		}
		close(fd);
	}
	if (target_pid && add_param(params, sizeof(params), "_stp_target=", target_pid)) {
		status = 2;
		goto out;
	}
	if (guru_load(argv[optind], params, name, sizeof(name))) {
		status = 1;
		goto out;
	}
	if (verbose)
		fprintf(stderr, "guru-run: loaded module '%s'\n", name);
	status = guru_stream(name, 1, target_cmd ? &target : NULL, verbose);
	if (guru_unload(name))
		status = 1;
	else if (verbose)
		fprintf(stderr, "guru-run: removed module '%s'\n", name);
out:
	if (target_cmd) {
		guru_target_finish(&target);
		if (verbose && target.exited && WIFEXITED(target.status))
			fprintf(stderr, "guru-run: the command exited with status %d\n",
				WEXITSTATUS(target.status));
	}
	return status;
}
