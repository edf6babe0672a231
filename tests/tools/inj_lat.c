/* inj_lat - O_DIRECT read (or write) latency of a block device, with
 * percentiles. For the VM tests and the benchmark of inject.
 *
 *   inj_lat [-n COUNT] [-b BYTES] [-w] [-s SPAN_MB] DEVICE
 *
 * Prints one line: ops=N errors=E p50_us= p90_us= p99_us= max_us= mean_us=
 * and, with -H, a log2 histogram of latencies in microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static double pct(const double *v, long n, double p)
{
	long k = (long)(p * (n - 1) + 0.5);

	return n ? v[k] : 0;
}

int main(int argc, char **argv)
{
	long count = 1000, bs = 4096, span_mb = 64, errors = 0, i, n = 0;
	int write_mode = 0, hist = 0, opt, fd;
	double *lat, sum = 0;
	void *buf;

	while ((opt = getopt(argc, argv, "n:b:ws:H")) != -1) {
		switch (opt) {
		case 'n': count = atol(optarg); break;
		case 'b': bs = atol(optarg); break;
		case 'w': write_mode = 1; break;
		case 's': span_mb = atol(optarg); break;
		case 'H': hist = 1; break;
		default:
			fprintf(stderr, "usage: inj_lat [-n COUNT] [-b BYTES] [-w] [-s SPAN_MB] [-H] DEVICE\n");
			return 2;
		}
	}
	if (optind >= argc || count <= 0 || bs <= 0 || bs % 512) {
		fprintf(stderr, "inj_lat: need a device and sane sizes\n");
		return 2;
	}
	fd = open(argv[optind], (write_mode ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "inj_lat: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (posix_memalign(&buf, 4096, bs))
		return 1;
	memset(buf, 0x5a, bs);
	lat = calloc(count, sizeof(*lat));
	for (i = 0; i < count; i++) {
		off_t off = (off_t)(i * bs) % (span_mb << 20);
		double t0 = now_us();
		ssize_t r = write_mode ? pwrite(fd, buf, bs, off) : pread(fd, buf, bs, off);
		double dt = now_us() - t0;

		if (r != bs) {
			errors++;
			continue;
		}
		lat[n++] = dt;
		sum += dt;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("ops=%ld errors=%ld p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f mean_us=%.0f\n",
	       n, errors, pct(lat, n, 0.5), pct(lat, n, 0.9), pct(lat, n, 0.99),
	       n ? lat[n - 1] : 0, n ? sum / n : 0);
	if (hist) {
		long b[40] = { 0 };
		int k;

		for (i = 0; i < n; i++) {
			long v = (long)lat[i];

			for (k = 0; v > 1 && k < 39; k++)
				v >>= 1;
			b[k]++;
		}
		for (k = 0; k < 40; k++)
			if (b[k])
				printf("  %8ld us | %ld\n", 1L << k, b[k]);
	}
	close(fd);
	return errors ? 1 : 0;
}
