/* guru_stream.c - copy a running script's output and relay control.
 *
 * The module's /proc/gstap-NAME/out yields frames (u32 stream, u32 len,
 * bytes); see guru-runtime/transport.h. We poll it with a 500 ms timeout
 * so the lease is renewed even when the script is silent, and so a signal
 * becomes one "stop" request: the module then runs its end probes and its
 * last output arrives before EOF.
 */
#include "guru.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { STREAM_STDOUT = 1, STREAM_STDERR = 2, STREAM_STATUS = 3, STREAM_LOST = 4 };

#define LEASE_MS 500
#define READ_SIZE (256 * 1024)

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* SIGCHLD only interrupts poll(): the -c command's exit is seen at once */
static void on_child(int sig)
{
	(void)sig;
}

int guru_ctl(const char *name, const char *cmd)
{
	char path[300];
	int fd, rc = 0;
	size_t len = strlen(cmd);

	snprintf(path, sizeof(path), "/proc/gstap-%s/ctl", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, cmd, len) != (ssize_t)len)
		rc = -1;
	close(fd);
	return rc;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* stdout gone: keep draining so the module can end */
		p += w;
		n -= (size_t)w;
	}
}

/* Hand out the frames of buf[0..len); returns the bytes consumed. */
static size_t demux(const char *buf, size_t len, int *status, uint64_t *lost)
{
	size_t off = 0;

	while (len - off >= 8) {
		uint32_t stream, n;

		memcpy(&stream, buf + off, 4);
		memcpy(&n, buf + off + 4, 4);
		if (len - off - 8 < n)
			break;
		off += 8;
		switch (stream) {
		case STREAM_STDOUT:
			write_all(1, buf + off, n);
			break;
		case STREAM_STDERR:
			write_all(2, buf + off, n);
			break;
		case STREAM_STATUS:
			if (n >= 4) {
				uint32_t s;

				memcpy(&s, buf + off, 4);
				*status = (int)s;
			}
			break;
		case STREAM_LOST:
			if (n >= 8)
				memcpy(lost, buf + off, 8);
			break;
		}
		off += n;
	}
	return off;
}

void guru_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() must return */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int guru_stream(const char *name, int start, struct guru_target *target, int verbose)
{
	char path[300], *buf;
	size_t have = 0;
	int fd, status = 0, stopping = 0;
	uint64_t lost = 0;

	snprintf(path, sizeof(path), "/proc/gstap-%s/out", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "guru-run: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	buf = malloc(READ_SIZE);
	if (!buf) {
		close(fd);
		return 1;
	}
	if (start && guru_ctl(name, "start")) {
		fprintf(stderr, "guru-run: cannot start the script: %s\n", strerror(errno));
		status = 1;
		goto out;
	}
	guru_ctl(name, "lease");
	if (target)
		guru_target_release(target);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r;
		ssize_t n;

		if (stop_signal && !stopping) {
			if (verbose)
				fprintf(stderr, "guru-run: signal %d: stopping the script\n",
					(int)stop_signal);
			guru_ctl(name, "stop");
			stopping = 1;
		}
		if (target && !stopping && guru_target_exited(target)) {
			if (verbose)
				fprintf(stderr, "guru-run: the command exited: stopping the script\n");
			guru_ctl(name, "stop");
			stopping = 1;
		}
		r = poll(&pfd, 1, LEASE_MS);
		guru_ctl(name, "lease");
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fd, buf + have, READ_SIZE - have);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			fprintf(stderr, "guru-run: reading the script's output: %s\n",
				strerror(errno));
			status = 1;
			break;
		}
		if (n == 0)
			break;	/* end probes ran, everything flushed */
		have += (size_t)n;
		{
			size_t used = demux(buf, have, &status, &lost);

			memmove(buf, buf + used, have - used);
			have -= used;
		}
	}
	if (lost) {
		fprintf(stderr, "WARNING: There were %llu bytes of output lost (transport "
			"buffer full). Try a larger -D STP_BUFFER_SIZE=N.\n",
			(unsigned long long)lost);
	}
out:
	free(buf);
	close(fd);
	return status;
}
