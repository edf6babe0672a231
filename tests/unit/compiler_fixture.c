/* compiler_fixture.c - see compiler_fixture.h. */
#include "compiler_fixture.h"

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
