/* cmd_gstap.c - gstap: the stap-compatible command line. */
#include "session.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fputs("Usage: gstap [options] SCRIPT [ARGS...]\n"
	      "       gstap [options] -e SCRIPT [ARGS...]\n"
	      "       gstap [options] -l PATTERN | -L PATTERN\n"
	      "\n"
	      "A SystemTap-compatible compiler (guru mode): parse, elaborate, translate\n"
	      "to C, build a kernel module and run it.\n"
	      "\n"
	      "Options:\n"
	      "  -e SCRIPT      run the given script text (\"<input>\" in messages)\n"
	      "  -v             more verbose; print each pass's line (repeatable)\n"
	      "  -p N           stop after pass N (1 parse, 2 elaborate, 3 translate,\n"
	      "                 4 build, 5 run)\n"
	      "  -m NAME        name the module NAME\n"
	      "  -k             keep the temporary directory and say where it is\n"
	      "  -r RELEASE     build for /lib/modules/RELEASE/build\n"
	      "  -g             guru mode (embedded C, writes to $target variables)\n"
	      "  -D NAME=VALUE  define a runtime limit or macro for the module\n"
	      "  -G VAR=VALUE   initial value of a global\n"
	      "  -I DIR         add DIR to the tapset library path\n"
	      "  -o FILE        send the script's output to FILE\n"
	      "  -x PID         target() returns PID\n"
	      "  -c CMD         run CMD once the probes are armed; target() is its\n"
	      "                 pid; the script ends when CMD exits\n"
	      "  -l PATTERN     list the probe points matching PATTERN\n"
	      "  -L PATTERN     list them with their context variables\n"
	      "  -w             suppress warnings\n"
	      "  -u             unoptimized: keep unused functions and globals\n"
	      "  --vm           run pass 5 in a QEMU test VM of the target kernel\n"
	      "  --disable-cache  do not use or fill the cache\n"
	      "  --dump-probe-types  list the probe point kinds\n"
	      "  --dump-functions    list the library functions\n"
	      "  --vm-release[=rt|standard]  print the release --vm boots (or the\n"
	      "                 newest of that flavour) and exit; 1 if there is none\n"
	      "  --diagnostics=json  one JSON object per diagnostic\n"
	      "  -V, --version  print the version\n"
	      "  -h, --help     this text\n"
	      "\n"
	      "Environment: GSTAP_TAPSET replaces the tapset library directory;\n"
	      "XDG_CACHE_HOME locates the cache (default ~/.cache/inject).\n"
	      "Exit status: 0 success, 1 script, build or load error, 2 usage error.\n",
	      out);
}

enum {
	OPT_VM = 256,
	OPT_DISABLE_CACHE,
	OPT_DUMP_PROBE_TYPES,
	OPT_DUMP_FUNCTIONS,
	OPT_DIAGNOSTICS,
	OPT_ALLOW_ROOT_DEVICE,
	OPT_VM_RELEASE,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "vm", no_argument, NULL, OPT_VM },
	{ "disable-cache", no_argument, NULL, OPT_DISABLE_CACHE },
	{ "poison-cache", no_argument, NULL, OPT_DISABLE_CACHE },
	{ "dump-probe-types", no_argument, NULL, OPT_DUMP_PROBE_TYPES },
	{ "dump-functions", no_argument, NULL, OPT_DUMP_FUNCTIONS },
	{ "diagnostics", required_argument, NULL, OPT_DIAGNOSTICS },
	{ "allow-root-device", no_argument, NULL, OPT_ALLOW_ROOT_DEVICE },
	{ "vm-release", optional_argument, NULL, OPT_VM_RELEASE },
	{ NULL, 0, NULL, 0 },
};

/* --vm-release[=FLAVOUR]: the one rule (target_vm_releases) for the test
 * scripts, which need the release gstap --vm will use, or the RT one. */
static int print_vm_release(struct arena *a, const char *flavour)
{
	const char **r = target_vm_releases(a);

	for (; *r; r++)
		if (!flavour || target_release_is_rt(*r) == !strcmp(flavour, "rt")) {
			printf("%s\n", *r);
			return 0;
		}
	return 1;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "gstap: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'gstap --help' for more information.\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct session s;
	char *end;
	int c, status;

	session_init(&s);
	/* '+': stop at the first non-option (the script), as stap does */
	while ((c = getopt_long(argc, argv, "+hVve:p:m:kr:gD:G:I:o:x:c:l:L:wus:B:",
				long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("gstap (inject) %s, stap language compatible with "
			       "SystemTap 4.8, guru mode\n", INJECT_VERSION);
			return 0;
		case 'v':
			s.verbose++;
			break;
		case 'e':
			s.script_text = optarg;
			break;
		case 'p':
			s.last_pass = (int)strtol(optarg, &end, 10);
			if (*end || s.last_pass < 1 || s.last_pass > 5)
				return usage_error("invalid pass number '%s' (1-5)", optarg);
			break;
		case 'm':
			s.module_name = optarg;
			break;
		case 'k':
			s.keep_tmp = 1;
			break;
		case 'r':
			s.kernel_release = optarg;
			break;
		case 'g':
			s.guru = 1;
			break;
		case 'D':
			if (!strchr(optarg, '=') && !*optarg)
				return usage_error("invalid -D '%s'", optarg);
			ptrvec_push(&s.arena, &s.defines, optarg);
			break;
		case 'G':
			if (!strchr(optarg, '='))
				return usage_error("invalid -G '%s' (expected VAR=VALUE)", optarg);
			ptrvec_push(&s.arena, &s.global_inits, optarg);
			break;
		case 'I':
			ptrvec_push(&s.arena, &s.include_dirs, optarg);
			break;
		case 'o':
			s.output_file = optarg;
			break;
		case 'x':
			s.target_pid = strtol(optarg, &end, 10);
			if (*end || s.target_pid <= 0)
				return usage_error("invalid pid '%s'", optarg);
			break;
		case 'c':
			s.target_cmd = optarg;
			break;
		case 'l':
		case 'L':
			s.list_pattern = optarg;
			s.list_vars = c == 'L';
			break;
		case 'w':
			s.suppress_warnings = 1;
			break;
		case 'u':
			s.unoptimized = 1;
			break;
		case 's':
		case 'B':
			break;	/* buffer size, kbuild options: accepted for compatibility */
		case OPT_VM:
			s.vm = 1;
			break;
		case OPT_DISABLE_CACHE:
			s.no_cache = 1;
			break;
		case OPT_DUMP_PROBE_TYPES:
			s.dump_probe_types = 1;
			break;
		case OPT_DUMP_FUNCTIONS:
			s.dump_functions = 1;
			break;
		case OPT_DIAGNOSTICS:
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return usage_error("unknown diagnostics format '%s'", optarg);
			s.diagnostics_format = optarg;
			break;
		case OPT_ALLOW_ROOT_DEVICE:
			s.vm_allow_root_device = 1;
			break;
		case OPT_VM_RELEASE:
			if (optarg && strcmp(optarg, "rt") && strcmp(optarg, "standard"))
				return usage_error("unknown kernel flavour '%s' (rt or standard)",
						   optarg);
			return print_vm_release(&s.arena, optarg);
		default:
			fprintf(stderr, "Try 'gstap --help' for more information.\n");
			return 2;
		}
	}
	if (s.target_pid && s.target_cmd)
		return usage_error("%s", "you can't specify -c and -x options together");
	if (!s.script_text && !s.list_pattern && !s.dump_probe_types && !s.dump_functions) {
		if (optind >= argc)
			return usage_error("%s", "no script given (a file, or -e SCRIPT)");
		s.script_path = argv[optind++];
	}
	for (; optind < argc; optind++)
		ptrvec_push(&s.arena, &s.script_args, argv[optind]);
	if (s.module_name) {
		const char *p;

		for (p = s.module_name; *p; p++)
			if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9' && p != s.module_name)))
				return usage_error("invalid module name '%s' (letters, digits, _)",
						   s.module_name);
		if (strlen(s.module_name) > 55)
			return usage_error("module name '%s' is too long (55 max)", s.module_name);
	}
	status = session_run(&s);
	session_fini(&s);
	return status;
}
