/* vmrun.c - the VM runner as a command, for the VM tests:
 *
 *   build/vmrun [-v] [-r RELEASE] [-t SECONDS] [-a KERNEL-ARGS] [-m 'MODULE [PARAMS]']...
 *               HOST:GUEST... -- COMMAND
 *
 * Loads each -m module at boot (after null_blk, with its dependencies),
 * places each HOST file at GUEST in the VM, runs COMMAND there with sh -c,
 * copies its stdout and stderr, and exits with its status (125 when the
 * VM itself failed: cannot boot, timeout, dirty kernel log).
 */
#include "arena.h"
#include "vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct arena a;
	struct vm_options o;
	struct vm_file *files;
	const char **modules;
	int i, n = 0, c, status = 0;

	arena_init(&a);
	vm_options_init(&o);
	modules = arena_alloc(&a, sizeof(*modules) * (size_t)(argc + 1));
	o.modules = modules;
	while ((c = getopt(argc, argv, "+vr:t:m:a:")) != -1) {
		switch (c) {
		case 'v':
			o.verbose++;
			break;
		case 'r':
			o.release = optarg;
			break;
		case 't':
			o.timeout_s = atoi(optarg);
			break;
		case 'm':
			modules[o.nmodules++] = optarg;
			break;
		case 'a':
			o.append = optarg;
			break;
		default:
			fprintf(stderr, "usage: vmrun [-v] [-r R] [-t S] [-a ARGS] [-m 'MOD [PARAMS]']... "
				"HOST:GUEST... -- CMD\n");
			return 2;
		}
	}
	files = arena_alloc(&a, sizeof(*files) * (size_t)(argc + 1));
	/* getopt ate a "--" that directly follows the options */
	if (optind > 1 && !strcmp(argv[optind - 1], "--"))
		optind--;
	for (i = optind; i < argc && strcmp(argv[i], "--"); i++) {
		char *colon = strchr(argv[i], ':');

		if (!colon) {
			fprintf(stderr, "vmrun: '%s' is not HOST:GUEST\n", argv[i]);
			return 2;
		}
		*colon = 0;
		files[n].host_path = argv[i];
		files[n].guest_path = colon + 1;
		n++;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "vmrun: no command after --\n");
		return 2;
	}
	o.files = files;
	o.nfiles = n;
	o.command = argv[i + 1];
	if (vm_run(&o, &status))
		return 125;
	return status;
}
