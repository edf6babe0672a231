/* fuzz_parse.c - libFuzzer target for the lexer, preprocessor and parser.
 *
 * Besides "no crash, no sanitizer report", it checks the printer's
 * contract: whatever parses prints to text that parses again and prints
 * the same (print(parse(print(parse(x)))) == print(parse(x))).
 * The first input byte picks library (.stpm, global macros) or script mode;
 * 'D' parses a library .stp, whose bodies pass 1 defers, materializes every
 * one and requires exactly the tree (printed) that script mode gives.
 */
#include "parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fuzz_config(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "CONFIG_X") ? NULL : "y";
}

static const struct target_info target = {
	.kernel_release = "6.1.0-56-amd64", .arch = "x86_64", .runtime = "kernel",
	.privilege = "stapdev", .systemtap_version = "4.8", .config = fuzz_config,
};

/* Parse text into a fresh program and print it; NULL if it does not parse. */
static char *parse_and_print(const char *name, const char *text, size_t len, int lib)
{
	struct arena arena;
	struct program prog;
	struct src_file src = { name, text, len, lib };
	struct file_ast *f;
	char *out = NULL;
	size_t outlen;

	arena_init(&arena);
	memset(&prog, 0, sizeof(prog));
	prog.arena = &arena;
	prog.target = &target;
	ptrvec_push(&arena, &prog.script_args, "1 + x");
	ptrvec_push(&arena, &prog.script_args, "arg two");
	diag_reset();
	f = parse_file(&prog, &src, lib);
	if (f && lib) {	/* deferred bodies (.stp library files) */
		int i;

		for (i = 0; i < f->funcs.n; i++)
			if (parse_materialize_func(&prog, f->funcs.v[i])) {
				fprintf(stderr, "a deferred function body does not parse again\n");
				abort();
			}
		for (i = 0; i < f->probes.n; i++)
			if (parse_materialize_probe(&prog, f->probes.v[i])) {
				fprintf(stderr, "a deferred alias body does not parse again\n");
				abort();
			}
	}
	if (f) {
		FILE *mem = open_memstream(&out, &outlen);

		print_file_ast(mem, f);
		fclose(mem);
	}
	arena_free(&arena);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char *text, *once, *twice;
	int lib;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	diag.out = devnull;
	if (size == 0)
		return 0;
	lib = data[0] == 'L' || data[0] == 'D';
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	once = parse_and_print(data[0] == 'L' ? "fuzz.stpm" : "fuzz.stp", text, size - 1, lib);
	if (data[0] == 'D') {
		char *script = parse_and_print("fuzz.stp", text, size - 1, 0);

		if (!once != !script || (once && strcmp(once, script))) {
			fprintf(stderr, "library (deferred) and script parses differ:\n"
				"--- library\n%s\n--- script\n%s\n", once ? once : "(error)",
				script ? script : "(error)");
			abort();
		}
		free(script);
	}
	if (once) {
		twice = parse_and_print("printed.stp", once, strlen(once), 0);
		if (!twice || strcmp(once, twice)) {
			fprintf(stderr, "printed form does not re-parse to itself:\n--- once\n%s\n"
				"--- twice\n%s\n", once, twice ? twice : "(parse error)");
			abort();
		}
		free(twice);
		free(once);
	}
	free(text);
	return 0;
}
