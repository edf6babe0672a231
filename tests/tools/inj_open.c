/* inj_open - time N openat()+close() calls of one path, with percentiles,
 * and the CPU they cost (to show a delay burns no CPU, and how much).
 *
 *   inj_open [-s US] N PATH
 *
 * -s US: sleep US microseconds (nanosleep) before each call: the CPU cost
 * of a plain sleep and wakeup, the floor of any sleeping delay.
 *
 * Prints: opens=N errors=E p50_us= p99_us= max_us= wall_ms= cpu_ms=
 * cpu_call_us= busy_ms=
 *   cpu_ms      CPU of this process during the loop only (getrusage
 *               before and after: exec and page faults are left out);
 *               the kernel's time in the syscall, its probes and its
 *               delay mechanism is charged here (process context)
 *   cpu_call_us cpu_ms per call, in microseconds
 *   busy_ms     non-idle time of all CPUs during the loop (/proc/stat,
 *               10 ms ticks): catches work done elsewhere, in timer
 *               interrupts or threads, on the calls' behalf
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* /proc/stat, opened with the open syscall rather than openat: the rules
 * under test count and delay this program's openat calls, and only the
 * loop's may reach them. Opened once; read from offset 0 each time. */
static int stat_fd = -1;

/* Busy (not idle, not iowait) time of all CPUs so far, in ms. */
static double busy_ms(void)
{
	unsigned long long v[10] = { 0 }, sum = 0;
	long hz = sysconf(_SC_CLK_TCK);
	char buf[512];
	ssize_t len;
	int i, n;

	if (stat_fd < 0)
		stat_fd = (int)syscall(SYS_open, "/proc/stat", O_RDONLY);
	if (stat_fd < 0 || (len = pread(stat_fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[len] = 0;
	n = sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
	for (i = 0; i < n && i < 8; i++)	/* guest and guest_nice are in user */
		if (i != 3 && i != 4)		/* idle, iowait */
			sum += v[i];
	return hz > 0 ? sum * 1000.0 / hz : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n, i, errors = 0, sleep_us = 0;
	double *lat, t0, c0, b0, cpu, wall, busy;
	struct timespec nap;

	if (argc == 5 && !strcmp(argv[1], "-s")) {
		sleep_us = atol(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 3)
		return 2;
	n = atol(argv[1]);
	if (n <= 0)
		return 2;
	nap.tv_sec = sleep_us / 1000000;
	nap.tv_nsec = sleep_us % 1000000 * 1000;
	lat = calloc(n, sizeof(*lat));
	b0 = busy_ms();
	c0 = cpu_us();
	t0 = now_us();
	for (i = 0; i < n; i++) {
		double s;
		int fd;

		if (sleep_us)
			nanosleep(&nap, NULL);
		s = now_us();
		fd = openat(AT_FDCWD, argv[2], O_RDONLY);
		lat[i] = now_us() - s;
		if (fd < 0)
			errors++;
		else
			close(fd);
	}
	wall = now_us() - t0;
	cpu = cpu_us() - c0;
	busy = busy_ms() - b0;
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("opens=%ld errors=%ld p50_us=%.0f p99_us=%.0f max_us=%.0f wall_ms=%.0f "
	       "cpu_ms=%.1f cpu_call_us=%.1f busy_ms=%.0f\n",
	       n, errors, lat[n / 2], lat[(long)(0.99 * (n - 1) + 0.5)], lat[n - 1], wall / 1e3,
	       cpu / 1e3, cpu / n, busy);
	return 0;
}
