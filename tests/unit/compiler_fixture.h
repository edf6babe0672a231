/* compiler_fixture.h - one compilation for the tests of passes 1-3.
 *
 * An arena, a program for a fake target (no kernel is consulted unless a
 * test names a real release) and the diagnostics captured in memory. The
 * pass suites include this instead of each building the same fixture.
 */
#ifndef TESTS_COMPILER_FIXTURE_H
#define TESTS_COMPILER_FIXTURE_H

#include "ast.h"
#include "sema.h"

extern struct arena arena;
extern struct program prog;
extern struct target_info target;

/* Start a compilation for RELEASE; config answers CONFIG_ lookups (NULL:
 * every option unset). */
void fixture_setup(const char *release, const char *(*config)(void *, const char *));
void fixture_teardown(void);
/* Every diagnostic printed since fixture_setup(). */
const char *fixture_errors(void);
/* Parse SCRIPT ("t.stp") and, when given, LIBRARY ("lib.stp", a library
 * file after it in prog.files), then run pass 2 with OPT. Returns
 * sema_elaborate()'s result; a parse failure fails the test. */
int fixture_elaborate(const char *library, const char *script, const struct sema_options *opt);

#endif
