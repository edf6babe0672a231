/* inj_predict - which call indexes a seeded rule injects on, computed with
 * the kernel runtime's own arithmetic (guru-runtime/inject_shared.h): the
 * VM tests compare it with what the kernel did.
 *
 *   inj_predict SEED RULE CALLS PROB_PPM [FIRST LAST STEP MAX]
 *
 * Prints: calls=i,j,... count=K
 */
#include "../../guru-runtime/inject_shared.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned long long seed, calls, n, first = 1, last = 0, step = 1, max = 0, k = 0;
	unsigned long long threshold;
	unsigned rule;

	if (argc != 5 && argc != 9) {
		fprintf(stderr, "usage: inj_predict SEED RULE CALLS PROB_PPM [FIRST LAST STEP MAX]\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	rule = (unsigned)strtoul(argv[2], NULL, 0);
	calls = strtoull(argv[3], NULL, 0);
	threshold = strtoull(argv[4], NULL, 0) * STP_INJECT_PROB_ALWAYS / 1000000;
	if (argc == 9) {
		first = strtoull(argv[5], NULL, 0);
		last = strtoull(argv[6], NULL, 0);
		step = strtoull(argv[7], NULL, 0);
		max = strtoull(argv[8], NULL, 0);
	}
	printf("calls=");
	for (n = 1; n <= calls; n++) {
		if (!stp_inject_when_hit(n, first, last, step))
			continue;
		if (!stp_inject_prob_hit(threshold,
					 stp_inject_draw(seed, rule, n, STP_INJECT_STREAM_TRIGGER)))
			continue;
		if (max && k >= max)
			continue;
		printf("%s%llu", k ? "," : "", n);
		k++;
	}
	printf("%s count=%llu\n", k ? "" : "-", k);
	return 0;
}
