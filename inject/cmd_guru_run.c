/* cmd_guru_run.c - guru-run: load a gstap module, stream its output, unload.
 *
 * Static, libc only, so it runs in a bare busybox guest. The module runs
 * its script when told "start"; guru-run then copies its output until EOF
 * (which comes after the end probes), and removes the module.
 */
#include "guru.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fputs("Usage: guru-run [-v] MODULE.ko [PARAM=VALUE...]\n"
	      "       guru-run [-v] -d NAME|'*'\n"
	      "\n"
	      "Load a module built by gstap, run its script, copy its output to\n"
	      "stdout and stderr, and remove it when the script ends (exit(), or\n"
	      "SIGINT, SIGTERM, SIGHUP: end probes run first).\n"
	      "\n"
	      "  -d NAME   stop and remove module NAME left behind ('*': all of ours)\n"
	      "  -v        say what happens\n"
	      "  -h        this text\n"
	      "\n"
	      "Exit status: 0 success, 1 load or run-time error, 2 usage error.\n",
	      out);
}

int main(int argc, char **argv)
{
	const char *remove = NULL;
	char name[256], params[4096] = "";
	int c, verbose = 0, status;

	while ((c = getopt(argc, argv, "+hvd:")) != -1) {
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
		default:
			usage(stderr);
			return 2;
		}
	}
	if (remove) {
		guru_install_signals();
		return guru_remove_leftovers(remove, verbose);
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind + 1; i < argc; i++) {
		if (strlen(params) + strlen(argv[i]) + 2 > sizeof(params)) {
			fputs("guru-run: module parameters too long\n", stderr);
			return 2;
		}
		if (*params)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	guru_install_signals();
	if (guru_load(argv[optind], params, name, sizeof(name)))
		return 1;
	if (verbose)
		fprintf(stderr, "guru-run: loaded module '%s'\n", name);
	status = guru_stream(name, 1, verbose);
	if (guru_unload(name))
		status = 1;
	else if (verbose)
		fprintf(stderr, "guru-run: removed module '%s'\n", name);
	return status;
}
