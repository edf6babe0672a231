/* gstap_getppid.c - benchmark load: getppid() system calls.
 *
 *	gstap_getppid N		N calls; prints the mean ns per call
 *	gstap_getppid N B	B batches of N calls; prints "MIN P10 MEDIAN",
 *				the batches' ns per call
 *
 * Under emulation a long run's mean carries every interruption (the
 * guest's timer tick, the host's other work); with short batches most of
 * them run undisturbed, and the low end of the distribution is the cost
 * of the call itself. Static, for the busybox guest. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double ns_per_call(long n)
{
	struct timespec a, b;
	double ns;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	return n > 0 ? ns / (double)n : 0.0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	long batches = argc > 2 ? atol(argv[2]) : 0;
	double *v;
	long i;

	if (batches <= 0) {
		printf("%.1f\n", ns_per_call(n));
		return 0;
	}
	v = malloc(sizeof(*v) * (size_t)batches);
	if (!v)
		return 1;
	for (i = 0; i < batches; i++)
		v[i] = ns_per_call(n);
	qsort(v, (size_t)batches, sizeof(*v), by_value);
	printf("%.1f %.1f %.1f\n", v[0], v[batches / 10], v[batches / 2]);
	free(v);
	return 0;
}
