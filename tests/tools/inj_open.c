/* inj_open - time N openat()+close() calls of one path, with percentiles,
 * and the CPU time the process used (to show a delay burns no CPU).
 *
 *   inj_open N PATH
 *
 * Prints: opens=N errors=E p50_us= p99_us= max_us= wall_ms= cpu_ms=
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n, i, errors = 0;
	double *lat, t0;
	struct rusage ru;

	if (argc != 3)
		return 2;
	n = atol(argv[1]);
	if (n <= 0)
		return 2;
	lat = calloc(n, sizeof(*lat));
	t0 = now_us();
	for (i = 0; i < n; i++) {
		double s = now_us();
		int fd = openat(AT_FDCWD, argv[2], O_RDONLY);

		lat[i] = now_us() - s;
		if (fd < 0)
			errors++;
		else
			close(fd);
	}
	getrusage(RUSAGE_SELF, &ru);
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("opens=%ld errors=%ld p50_us=%.0f p99_us=%.0f max_us=%.0f wall_ms=%.0f cpu_ms=%.1f\n",
	       n, errors, lat[n / 2], lat[(long)(0.99 * (n - 1) + 0.5)], lat[n - 1],
	       (now_us() - t0) / 1e3,
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	return 0;
}
