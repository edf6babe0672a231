/* inj_verify - write numbered blocks to a device, then read them back and
 * check them: "what was written reads back" across disarm and unload.
 *
 *   inj_verify -w DEVICE COUNT TAG    write COUNT 4 KiB blocks (O_DIRECT)
 *   inj_verify -r DEVICE COUNT TAG    verify them
 *
 * Prints: written=N errors=E first_done=S  or  verified=N bad=M
 * first_done is when the first write completed, in seconds since boot as
 * /proc/uptime counts them (CLOCK_BOOTTIME): a test holding that write
 * learns when it was released.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void fill(unsigned char *b, long i, unsigned long tag)
{
	int k;

	for (k = 0; k < 4096; k += 16) {
		memcpy(b + k, &i, 8);
		memcpy(b + k + 8, &tag, 8);
	}
}

int main(int argc, char **argv)
{
	unsigned char *buf, *want;
	long count, i, bad = 0;
	unsigned long tag;
	struct timespec first_done = { 0, 0 };
	int fd, writing;

	if (argc != 5 || (strcmp(argv[1], "-w") && strcmp(argv[1], "-r"))) {
		fprintf(stderr, "usage: inj_verify -w|-r DEVICE COUNT TAG\n");
		return 2;
	}
	writing = !strcmp(argv[1], "-w");
	count = atol(argv[3]);
	tag = strtoul(argv[4], NULL, 0);
	fd = open(argv[2], (writing ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "inj_verify: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (posix_memalign((void **)&buf, 4096, 4096) || posix_memalign((void **)&want, 4096, 4096))
		return 1;
	for (i = 0; i < count; i++) {
		fill(want, i, tag);
		if (writing) {
			if (pwrite(fd, want, 4096, i * 4096) != 4096)
				bad++;
			if (i == 0)
				clock_gettime(CLOCK_BOOTTIME, &first_done);
		} else if (pread(fd, buf, 4096, i * 4096) != 4096 || memcmp(buf, want, 4096)) {
			bad++;
		}
	}
	if (writing)
		printf("written=%ld errors=%ld first_done=%ld.%03ld\n", count, bad,
		       (long)first_done.tv_sec, first_done.tv_nsec / 1000000);
	else
		printf("verified=%ld bad=%ld\n", count, bad);
	close(fd);
	return bad ? 1 : 0;
}
