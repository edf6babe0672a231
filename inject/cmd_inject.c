/* cmd_inject.c - inject: scenario-driven fault injection (usage for now). */
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
	fputs("Usage: inject COMMAND [options] [SCENARIO] [-- CMD ARGS...]\n"
	      "\n"
	      "Commands:\n"
	      "  check SCENARIO        validate a scenario file\n"
	      "  translate SCENARIO    print the stap script it compiles to\n"
	      "  run SCENARIO [-- CMD] compile in guru mode and run it\n"
	      "  stop [NAME]           disarm and unload (the kill switch)\n"
	      "  status                list running scenarios with live counts\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
