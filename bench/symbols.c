/* bench/symbols.c - the front end's table figures, which unit tests must not
 * time (they assert the structure instead: test_ksyms counts comparisons):
 *   - the target kernel's function table: size, source, first load;
 *   - exact lookups (ksyms_exists): CPU time and comparisons per lookup,
 *     hits and misses alternating, over every name of the table;
 *   - a prefix glob (vfs_*): CPU time per match call;
 *   - the syscall tapset's generation from tapsets/syscalls.def, and its
 *     read from the cache: CPU time.
 * Built against libinject.a and run by bench/symbols.sh, from the top of
 * the tree. Argument: the release (default: the one gstap --vm targets). */
#include "ksyms.h"
#include "session.h"
#include "syscall_tapset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOOKUPS 1000000
#define GLOBS 1000
#define GENERATIONS 5

static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fastest of GENERATIONS calls of syscall_tapset_source (CPU
 * seconds), or -1; the text's length in *len. */
static double syscall_tapset_best(size_t *len)
{
	double best = -1;
	int i;

	for (i = 0; i < GENERATIONS; i++) {
		struct arena g;
		const char *text;
		double c0, d;

		arena_init(&g);
		c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
		text = syscall_tapset_source(&g, "tapsets/syscalls.def");
		d = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (!text) {
			fprintf(stderr, "symbols: the syscall tapset did not generate\n");
			arena_free(&g);
			return -1;
		}
		*len = strlen(text);
		if (best < 0 || d < best)
			best = d;
		arena_free(&g);
	}
	return best;
}

int main(int argc, char **argv)
{
	struct arena a;
	struct target_info t = { 0 };
	struct ptrvec names = { 0 }, out = { 0 };
	const char **miss;
	double w0, c0, best = 0;
	unsigned long cmp0;
	int n, i, hits = 0, k;
	size_t len = 0;
	char cache[] = "/tmp/gstap-bench-sc.XXXXXX", rm[64];

	arena_init(&a);
	t.kernel_release = argc > 1 ? argv[1] : target_default_vm_release(&a);
	if (!t.kernel_release) {
		fprintf(stderr, "symbols: no /boot/vmlinuz-R with /lib/modules/R/build "
			"(install linux-image-amd64 and linux-headers-amd64)\n");
		return 1;
	}

	w0 = seconds(CLOCK_MONOTONIC);
	n = ksyms_match(&a, &t, NULL, "*", &names);
	if (n <= 0) {
		fprintf(stderr, "symbols: no functions for %s: %s\n", t.kernel_release,
			n < 0 ? ksyms_error() : "empty table");
		return 1;
	}
	printf("symbols: %s: %d functions from %s, first load %.0f ms (wall)\n",
	       t.kernel_release, n, ksyms_source(&t), (seconds(CLOCK_MONOTONIC) - w0) * 1e3);

	/* a miss for each name: the name with a suffix no symbol has */
	miss = arena_alloc(&a, (size_t)n * sizeof(*miss));
	for (i = 0; i < n; i++)
		miss[i] = arena_printf(&a, "%s.nosuch", (const char *)names.v[i]);
	cmp0 = ksyms_compare_count();
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < LOOKUPS; i++) {
		int j = (int)((unsigned)i * 2654435761u % (unsigned)n);	/* spread */

		hits += ksyms_exists(&t, NULL, i & 1 ? miss[j] : (const char *)names.v[j]);
	}
	printf("symbols: exact lookup %.0f ns CPU, %.1f comparisons (%d lookups, %d hits; "
	       "a scan: %d for a miss)\n",
	       (seconds(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e9 / LOOKUPS,
	       (double)(ksyms_compare_count() - cmp0) / LOOKUPS, LOOKUPS, hits, n);

	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < GLOBS; i++) {
		out.n = 0;
		k = ksyms_match(&a, &t, NULL, "vfs_*", &out);
	}
	printf("symbols: glob vfs_* %d matches in %.1f us CPU (%d calls)\n", k,
	       (seconds(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e6 / GLOBS, GLOBS);

	/* generated (no cache location), then read from the cache the first
	 * run stores (a directory of our own) */
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	best = syscall_tapset_best(&len);
	if (best < 0)
		return 1;
	printf("syscall tapset: %zu KiB generated from tapsets/syscalls.def in %.1f ms CPU "
	       "(best of %d)\n", len / 1024, best * 1e3, GENERATIONS);
	if (!mkdtemp(cache)) {
		perror("symbols: mkdtemp");
		return 1;
	}
	setenv("XDG_CACHE_HOME", cache, 1);
	best = syscall_tapset_best(&len);
	if (best < 0)
		return 1;
	printf("syscall tapset: read from the cache in %.2f ms CPU (best of %d)\n",
	       best * 1e3, GENERATIONS);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", cache);
	if (system(rm))
		fprintf(stderr, "symbols: could not remove %s\n", cache);
	arena_free(&a);
	return 0;
}
