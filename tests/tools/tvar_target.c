/* tvar_target.c - known values for the target-variable VM test
 * (tests/vm/tvar.sh): writes FILE (4096 bytes), then pread()s 1234 bytes
 * at offset 77 from it (vfs_read(file, buf, 1234, &77)) and calls
 * tvar_target_fn(-5, "hi", 42) for the uprobe half. Static, for the
 * busybox guest; the function is noinline so it keeps its symbol. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) long tvar_target_fn(long a, const char *s, int b);

__attribute__((noinline)) long tvar_target_fn(long a, const char *s, int b)
{
	__asm__ volatile("" ::: "memory");
	return a + (long)strlen(s) + b;
}

int main(int argc, char **argv)
{
	static char buf[4096];
	const char *path = argc > 1 ? argv[1] : "tvar-file";
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		perror(path);
		return 1;
	}
	n = pread(fd, buf, 1234, 77);
	printf("read %zd\n", n);
	printf("fn %ld\n", tvar_target_fn(-5, "hi", 42));
	close(fd);
	return n == 1234 ? 0 : 1;
}
