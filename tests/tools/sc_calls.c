/* sc_calls.c - make a known sequence of syscalls, for the syscall tapset's
 * runok tests (tests/lang/runok/syscall_*.stp).
 *
 * Everything between the markers close(-100) and close(-101) is part of
 * the expected output, so it must print the same on every run: every
 * pointer argument points into one region mapped at a fixed address, the
 * files live in a fresh directory, and no call returns a pid, a time or
 * an address chosen by the kernel. Raw syscall() keeps libc from adding or
 * changing calls. The process is named "sc_traced" for scripts to filter on.
 *
 * Usage: sc_calls [-w] [DIR]   (DIR default /tmp/sc_calls)
 *
 * With -w it first waits for a probe to be armed: it repeats the start
 * marker until a syscall.close.return probe answers by making it return
 * 4242 (guru mode), spinning between tries so that no other syscall can be
 * caught half-way (entry missed, return seen) while the probes arm.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REGION ((char *)0x10000000)
#define REGION_SIZE (64 * 1024)
#define MAP2 0x10100000UL

/* Named places in the fixed region. */
#define BUF (REGION + 0x0000)		/* 4 KiB scratch */
#define STATBUF (REGION + 0x1000)
#define PATHS (REGION + 0x2000)		/* path strings */
#define SIGSET (REGION + 0x3000)
#define OLDSET (REGION + 0x3100)
#define ACT (REGION + 0x3200)
#define OACT (REGION + 0x3300)
#define FDS (REGION + 0x3400)		/* int[2] */
#define TS (REGION + 0x3500)		/* struct timespec */
#define EV (REGION + 0x3600)		/* struct epoll_event */
#define IOV (REGION + 0x3700)		/* struct iovec[2] */
#define ADDR (REGION + 0x3800)		/* struct sockaddr_un */
#define PFD (REGION + 0x3900)		/* struct pollfd */
#define FUTEX (REGION + 0x3a00)
#define ARGV (REGION + 0x3b00)		/* char *[3] */
#define ENVP (REGION + 0x3c00)		/* char *[2] */
#define RLIM (REGION + 0x3d00)

static char *path_at(int slot, const char *dir, const char *name)
{
	char *p = PATHS + slot * 128;

	snprintf(p, 128, "%s%s%s", dir, *name ? "/" : "", name);
	return p;
}

/* Repeat the start marker until a probe answers 4242; 0, or -1 after
 * about 20000 tries. */
static int wait_for_probe(void)
{
	long tries;

	for (tries = 0; tries < 20000; tries++) {
		volatile long spin;

		if (syscall(SYS_close, -100) == 4242)
			return 0;
		for (spin = 0; spin < 1000000; spin++)
			;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int wait = argc > 1 && !strcmp(argv[1], "-w");
	const char *dir = argc > 1 + wait ? argv[1 + wait] : "/tmp/sc_calls";
	char *a, *b, *d, *s, *fifo, *none, *sock;
	long fd, fd2, ep, efd;

	if (mmap(REGION, REGION_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != REGION) {
		perror("mmap");
		return 1;
	}
	mkdir(dir, 0755);
	a = path_at(0, dir, "a");
	b = path_at(1, dir, "b");
	d = path_at(2, dir, "d");
	s = path_at(3, dir, "s");
	fifo = path_at(4, dir, "fifo");
	none = path_at(5, "/nonexistent", "");
	sock = path_at(6, dir, "sock");
	unlink(a), unlink(b), unlink(s), unlink(fifo), unlink(sock), rmdir(d);
	strcpy(BUF, "hello\n");
	memset(SIGSET, 0, 8);
	*(unsigned long *)SIGSET = 1UL << (SIGUSR1 - 1);
	((char **)ARGV)[0] = PATHS + 0x800;
	((char **)ARGV)[1] = PATHS + 0x810;
	strcpy(PATHS + 0x800, "sc_calls");
	strcpy(PATHS + 0x810, "-x");
	((char **)ENVP)[0] = PATHS + 0x820;
	strcpy(PATHS + 0x820, "A=1");
	strcpy(PATHS + 0x830, "sc_traced");
	umask(022);
	prctl(PR_SET_NAME, PATHS + 0x830);

	if (wait && wait_for_probe()) {
		fputs("sc_calls: no probe answered the start marker\n", stderr);
		return 1;
	}
	syscall(SYS_close, -100);	/* start marker */

	/* files */
	fd = syscall(SYS_openat, AT_FDCWD, a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	syscall(SYS_write, fd, BUF, 6);
	syscall(SYS_pwrite64, fd, "xy", 2, 10);
	syscall(SYS_fsync, fd);
	syscall(SYS_fdatasync, fd);
	syscall(SYS_ftruncate, fd, 100);
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	syscall(SYS_fadvise64, fd, 0, 0, 2);
	syscall(SYS_flock, fd, LOCK_EX | LOCK_NB);
	syscall(SYS_flock, fd, LOCK_UN);
	syscall(SYS_close, fd);
	fd = syscall(SYS_open, a, O_RDONLY | O_CLOEXEC, 0);
	syscall(SYS_read, fd, BUF, 16);
	syscall(SYS_pread64, fd, BUF, 4, 2);
	syscall(SYS_fstat, fd, STATBUF);
	syscall(SYS_stat, a, STATBUF);
	syscall(SYS_lstat, a, STATBUF);
	syscall(SYS_newfstatat, AT_FDCWD, a, STATBUF, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_statx, AT_FDCWD, a, AT_SYMLINK_NOFOLLOW, 0xfff, STATBUF);
	syscall(SYS_access, a, R_OK | W_OK);
	syscall(SYS_faccessat, AT_FDCWD, a, F_OK);
	fd2 = syscall(SYS_dup, fd);
	syscall(SYS_dup2, fd2, 10);
	syscall(SYS_dup3, 10, 11, O_CLOEXEC);
	syscall(SYS_fcntl, 11, F_GETFD, 0);
	syscall(SYS_fcntl, 11, F_SETFL, O_NONBLOCK);
	syscall(SYS_close, 11);
	syscall(SYS_close, 10);
	syscall(SYS_close, fd2);
	syscall(SYS_close, fd);
	syscall(SYS_openat, AT_FDCWD, none, O_RDONLY, 0);
	syscall(SYS_read, -1, BUF, 1);

	/* unreadable user memory prints as an address; long buffers are cut */
	syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY, 0);
	syscall(SYS_open, NULL, O_RDONLY, 0);
	syscall(SYS_write, -1, (char *)1, 5);
	fd = syscall(SYS_open, "/dev/null", O_WRONLY, 0);
	syscall(SYS_write, fd, "0123456789abcdefghijklmnopqrstuvwxyzABCD", 40);
	syscall(SYS_write, fd, "a\0b\0001\t\"\\\377", 9);
	syscall(SYS_close, fd);

	/* names */
	syscall(SYS_mkdir, d, 0750);
	syscall(SYS_mkdir, d, 0750);
	syscall(SYS_rmdir, d);
	syscall(SYS_mkdirat, AT_FDCWD, d, 0700);
	syscall(SYS_unlinkat, AT_FDCWD, d, AT_REMOVEDIR);
	syscall(SYS_rename, a, b);
	syscall(SYS_renameat, AT_FDCWD, b, AT_FDCWD, a);
	syscall(SYS_link, a, b);
	syscall(SYS_unlink, b);
	syscall(SYS_symlink, a, s);
	syscall(SYS_readlink, s, BUF, 128);
	syscall(SYS_unlink, s);
	syscall(SYS_chmod, a, 0600);
	syscall(SYS_fchmodat, AT_FDCWD, a, 0640);
	syscall(SYS_chown, a, 0, 0);
	syscall(SYS_truncate, a, 8);
	syscall(SYS_utimensat, AT_FDCWD, a, NULL, 0);
	syscall(SYS_mknodat, AT_FDCWD, fifo, S_IFIFO | 0644, 0);
	syscall(SYS_unlink, fifo);
	syscall(SYS_umask, 077);
	syscall(SYS_umask, 022);
	syscall(SYS_execve, none, ARGV, ENVP);

	/* memory */
	syscall(SYS_mmap, MAP2, 8192, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	syscall(SYS_mprotect, MAP2, 4096, PROT_READ);
	syscall(SYS_madvise, MAP2, 8192, MADV_DONTNEED);
	syscall(SYS_mlock, MAP2, 4096);
	syscall(SYS_munlock, MAP2, 4096);
	syscall(SYS_msync, MAP2, 4096, MS_SYNC);
	syscall(SYS_munmap, MAP2, 8192);

	/* descriptors of other kinds */
	syscall(SYS_pipe2, FDS, O_CLOEXEC);
	fd = ((int *)FDS)[0];
	fd2 = ((int *)FDS)[1];
	syscall(SYS_write, fd2, BUF, 3);
	syscall(SYS_ioctl, fd, FIONREAD, STATBUF);
	((struct pollfd *)PFD)->fd = fd;
	((struct pollfd *)PFD)->events = POLLIN;
	syscall(SYS_poll, PFD, 1, 0);
	((struct iovec *)IOV)[0] = (struct iovec){ BUF, 2 };
	((struct iovec *)IOV)[1] = (struct iovec){ BUF + 2, 1 };
	syscall(SYS_readv, fd, IOV, 2);
	syscall(SYS_writev, fd2, IOV, 2);
	syscall(SYS_close, fd2);
	syscall(SYS_close, fd);
	efd = syscall(SYS_eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK);
	ep = syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
	((struct epoll_event *)EV)->events = EPOLLIN;
	syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, EV);
	syscall(SYS_epoll_wait, ep, EV, 1, 0);
	syscall(SYS_close, ep);
	syscall(SYS_close, efd);
	fd = syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	((struct sockaddr_un *)ADDR)->sun_family = AF_UNIX;
	strcpy(((struct sockaddr_un *)ADDR)->sun_path, sock);
	syscall(SYS_bind, fd, ADDR, sizeof(struct sockaddr_un));
	syscall(SYS_listen, fd, 5);
	syscall(SYS_shutdown, fd, SHUT_RDWR);
	syscall(SYS_close, fd);
	syscall(SYS_unlink, sock);
	syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, FDS);
	fd = ((int *)FDS)[0];
	fd2 = ((int *)FDS)[1];
	syscall(SYS_sendto, fd, BUF, 5, MSG_DONTWAIT, NULL, 0);
	syscall(SYS_recvfrom, fd2, BUF, 16, MSG_DONTWAIT, NULL, NULL);
	syscall(SYS_close, fd2);
	syscall(SYS_close, fd);
	fd = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC);
	syscall(SYS_close, fd);
	fd = syscall(SYS_inotify_init1, IN_CLOEXEC);
	syscall(SYS_inotify_add_watch, fd, dir, IN_CREATE);
	syscall(SYS_close, fd);
	fd = syscall(SYS_memfd_create, "sc", 1 /* MFD_CLOEXEC */);
	syscall(SYS_close, fd);

	/* signals, time, limits, identity */
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, SIGSET, OLDSET, 8);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, OLDSET, NULL, 8);
	syscall(SYS_rt_sigaction, SIGUSR1, NULL, OACT, 8);
	syscall(SYS_rt_sigpending, OLDSET, 8);
	syscall(SYS_kill, 0, 0);
	((struct timespec *)TS)->tv_sec = 0;
	((struct timespec *)TS)->tv_nsec = 1000;
	syscall(SYS_nanosleep, TS, NULL);
	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, TS, NULL);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, TS);
	syscall(SYS_clock_getres, CLOCK_REALTIME, TS);
	syscall(SYS_getrlimit, RLIMIT_NOFILE, RLIM);
	syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, RLIM);
	syscall(SYS_getrusage, RUSAGE_SELF, BUF);
	syscall(SYS_uname, BUF);
	syscall(SYS_getuid);
	syscall(SYS_geteuid);
	syscall(SYS_getgid);
	syscall(SYS_getegid);
	syscall(SYS_sched_yield);
	syscall(SYS_sched_getaffinity, 0, 8, BUF);
	syscall(SYS_getrandom, BUF, 8, 1 /* GRND_NONBLOCK */);
	syscall(SYS_prctl, PR_SET_NAME, PATHS + 0x830, 0, 0, 0);
	syscall(SYS_futex, FUTEX, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	syscall(SYS_wait4, -1, NULL, WNOHANG, NULL);
	syscall(SYS_alarm, 0);
	syscall(SYS_sync);

	syscall(SYS_close, -101);	/* end marker */
	unlink(a);
	rmdir(dir);
	return 0;
}
