/* inj_predict - what a seeded rule does, computed with the kernel
 * runtime's own arithmetic (guru-runtime/inject_shared.h): the VM tests
 * compare it with what the kernel did.
 *
 *   inj_predict SEED RULE CALLS PROB_PPM [FIRST LAST STEP MAX]
 *     which call indexes inject. Prints: calls=i,j,... count=K
 *   inj_predict -d SEED RULE CALLS Q0,Q1,...,Q33
 *     the delays requested for calls 1..CALLS from that quantile table (ns).
 *     Prints: p50_us= p90_us= p99_us= mean_us=
 */
#include "../../guru-runtime/inject_shared.h"

#include <stdio.h>
#include <stdlib.h>

static int cmp_u64(const void *a, const void *b)
{
	stp_u64 x = *(const stp_u64 *)a, y = *(const stp_u64 *)b;

	return (x > y) - (x < y);
}

static int delays(int argc, char **argv)
{
	stp_u64 q[STP_INJECT_NQUANT], *v, sum = 0, seed, n, calls;
	char *s;
	unsigned rule;
	int k;

	if (argc != 6)
		return 2;
	seed = strtoull(argv[2], NULL, 0);
	rule = (unsigned)strtoul(argv[3], NULL, 0);
	calls = strtoull(argv[4], NULL, 0);
	s = argv[5];
	for (k = 0; k < STP_INJECT_NQUANT; k++) {
		q[k] = strtoull(s, &s, 10);
		if (*s == ',')
			s++;
	}
	if (!calls || !(v = calloc(calls, sizeof(*v))))
		return 2;
	for (n = 1; n <= calls; n++) {
		v[n - 1] = stp_inject_sample(q, stp_inject_draw(seed, rule, n,
								 STP_INJECT_STREAM_DELAY));
		sum += v[n - 1];
	}
	qsort(v, calls, sizeof(*v), cmp_u64);
	printf("p50_us=%llu p90_us=%llu p99_us=%llu mean_us=%llu\n",
	       (unsigned long long)v[(calls - 1) / 2] / 1000,
	       (unsigned long long)v[(stp_u64)(0.9 * (calls - 1) + 0.5)] / 1000,
	       (unsigned long long)v[(stp_u64)(0.99 * (calls - 1) + 0.5)] / 1000,
	       (unsigned long long)(sum / calls / 1000));
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long seed, calls, n, first = 1, last = 0, step = 1, max = 0, k = 0;
	unsigned long long threshold;
	unsigned rule;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] == 'd')
		return delays(argc, argv);
	if (argc != 5 && argc != 9) {
		fprintf(stderr, "usage: inj_predict SEED RULE CALLS PROB_PPM [FIRST LAST STEP MAX]\n"
				"       inj_predict -d SEED RULE CALLS Q0,...,Q33\n");
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
