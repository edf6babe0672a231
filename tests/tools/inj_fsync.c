/* inj_fsync - write + fsync (or fdatasync) N times and report which calls
 * failed and with what errno, for the fsync fault tests.
 *
 *   inj_fsync [-n N] [-d] [-q] FILE
 *
 * Prints: calls=N eio=K other=M ms=T failed=i,j,... (1-based call indexes)
 * With -d fdatasync is used. Exit 0 (failures are data, not errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = 100, i, eio = 0, other = 0;
	int datasync = 0, opt, fd;
	char block[4096], *failed;
	size_t flen = 0;
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "n:d")) != -1) {
		if (opt == 'n')
			n = atol(optarg);
		else if (opt == 'd')
			datasync = 1;
		else
			return 2;
	}
	if (optind >= argc)
		return 2;
	fd = open(argv[optind], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "inj_fsync: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	failed = calloc(n + 1, 24);
	memset(block, 'f', sizeof(block));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i <= n; i++) {
		int rc;

		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			other++;
		rc = datasync ? fdatasync(fd) : fsync(fd);
		if (rc) {
			if (errno == EIO)
				eio++;
			else
				other++;
			flen += sprintf(failed + flen, "%s%ld", flen ? "," : "", i);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("calls=%ld eio=%ld other=%ld ms=%.0f failed=%s\n", n, eio, other,
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
	       flen ? failed : "-");
	close(fd);
	return 0;
}
