/* compiler_fixture.c - see compiler_fixture.h. */
#include "compiler_fixture.h"
#include "parse.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena arena;
struct program prog;
struct target_info target;

static char *errbuf;
static size_t errlen;
static FILE *errf;

static const char *no_config(void *ctx, const char *name)
{
	(void)ctx, (void)name;
	return NULL;
}

void fixture_setup(const char *release, const char *(*config)(void *, const char *))
{
	arena_init(&arena);
	memset(&prog, 0, sizeof(prog));
	memset(&target, 0, sizeof(target));
	target.kernel_release = release;
	target.arch = "x86_64";
	target.runtime = "kernel";
	target.privilege = "stapdev";
	target.systemtap_version = "4.8";
	target.config = config ? config : no_config;
	prog.arena = &arena;
	prog.target = &target;
	diag_reset();
	errbuf = NULL;
	errf = open_memstream(&errbuf, &errlen);
	diag.out = errf;
}

void fixture_teardown(void)
{
	fclose(errf);
	diag.out = NULL;
	free(errbuf);
	errbuf = NULL;
	arena_free(&arena);
}

const char *fixture_errors(void)
{
	fflush(errf);
	return errbuf ? errbuf : "";
}

int fixture_elaborate(const char *library, const char *script, const struct sema_options *opt)
{
	struct file_ast *user, *lib = NULL;

	if (library) {
		struct src_file *ls = src_file_from_string("lib.stp", library);

		ls->is_library = 1;
		lib = parse_file(&prog, ls, 1);
		ck_assert_ptr_nonnull(lib);
		lib->is_library = 1;
	}
	user = parse_file(&prog, src_file_from_string("t.stp", script), 0);
	ck_assert_msg(user != NULL, "parse failed: %s", fixture_errors());
	/* the user script is files.v[0], the library after it */
	ptrvec_push(&arena, &prog.files, user);
	if (lib)
		ptrvec_push(&arena, &prog.files, lib);
	return sema_elaborate(&prog, opt);
}
