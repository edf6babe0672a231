/* tvar_target.c - known values for the target-variable VM test
 * (tests/vm/tvar.sh): writes FILE (4096 bytes), then pread()s 1234 bytes
 * at offset 77 from it (vfs_read(file, buf, 1234, &77)); calls
 * tvar_target_fn(-5, "hi", 42, &{ 7, 8 }) for the uprobe half; sends 3 bytes from a
 * UDP socket with SO_SNDBUF, SO_RCVBUF (sk_userlocks 3) and SO_NO_CHECK
 * (sk_no_check_tx 1) set, for bitfields; last, setuid(1234) and getuid()
 * (from_kuid_munged(ns, kuid_t { 1234 }): a struct passed in a register).
 * Static, for the busybox guest; the function is noinline so it keeps its
 * symbol. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void udp_send(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1, size = 65536;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0) {
		perror("socket");
		return;
	}
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(s, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one));
	/* the result does not matter (lo may be down): udp_sendmsg runs */
	printf("udp %zd\n", sendto(s, "abc", 3, 0, (struct sockaddr *)&to, sizeof(to)));
	close(s);
}

struct pair {
	int x;
	long y;
};

__attribute__((noinline)) long tvar_target_fn(long a, const char *s, int b,
					      const struct pair *p);

__attribute__((noinline)) long tvar_target_fn(long a, const char *s, int b,
					      const struct pair *p)
{
	__asm__ volatile("" ::: "memory");
	return a + (long)strlen(s) + b + p->x + p->y;
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
	static const struct pair pr = { 7, 8 };

	printf("fn %ld\n", tvar_target_fn(-5, "hi", 42, &pr));
	close(fd);
	udp_send();
	printf("setuid %d\n", setuid(1234));
	printf("uid %d\n", (int)getuid());
	return n == 1234 ? 0 : 1;
}
