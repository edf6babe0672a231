/* inj_dmsetup - the little of dmsetup the benchmark needs, for a busybox
 * guest: create a device-mapper device from a one-line table, or remove it.
 *
 *   inj_dmsetup create NAME 'START LENGTH TARGET ARGS...'
 *   inj_dmsetup remove NAME
 *
 * create prints the new device's MAJ:MIN (its node is /dev/dm-N).
 */
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void init(struct dm_ioctl *io, size_t size, const char *name)
{
	memset(io, 0, size);
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = (unsigned)size;
	io->data_start = sizeof(*io);
	snprintf(io->name, sizeof(io->name), "%s", name);
}

int main(int argc, char **argv)
{
	union {
		struct dm_ioctl io;
		char buf[16384];
	} u;
	struct dm_target_spec *spec;
	unsigned long long start, len;
	char type[DM_MAX_TYPE_NAME];
	int fd, off;

	if (argc < 3)
		goto usage;
	fd = open("/dev/mapper/control", O_RDWR);
	if (fd < 0) {
		perror("inj_dmsetup: /dev/mapper/control");
		return 1;
	}
	if (!strcmp(argv[1], "remove")) {
		init(&u.io, sizeof(u.io), argv[2]);
		if (ioctl(fd, DM_DEV_REMOVE, &u.io)) {
			perror("inj_dmsetup: remove");
			return 1;
		}
		return 0;
	}
	if (strcmp(argv[1], "create") || argc != 4)
		goto usage;
	if (sscanf(argv[3], "%llu %llu %63s %n", &start, &len, type, &off) != 3)
		goto usage;
	init(&u.io, sizeof(u.io), argv[2]);
	if (ioctl(fd, DM_DEV_CREATE, &u.io)) {
		perror("inj_dmsetup: create");
		return 1;
	}
	init(&u.io, sizeof(u.buf), argv[2]);
	u.io.target_count = 1;
	spec = (struct dm_target_spec *)(u.buf + sizeof(u.io));
	spec->sector_start = start;
	spec->length = len;
	snprintf(spec->target_type, sizeof(spec->target_type), "%s", type);
	snprintf((char *)(spec + 1), sizeof(u.buf) - sizeof(u.io) - sizeof(*spec), "%s",
		 argv[3] + off);
	if (ioctl(fd, DM_TABLE_LOAD, &u.io)) {
		perror("inj_dmsetup: table load");
		return 1;
	}
	init(&u.io, sizeof(u.io), argv[2]);
	if (ioctl(fd, DM_DEV_SUSPEND, &u.io)) {	/* no suspend flag: resume */
		perror("inj_dmsetup: resume");
		return 1;
	}
	printf("%u:%u\n", major(u.io.dev), minor(u.io.dev));
	return 0;
usage:
	fprintf(stderr, "usage: inj_dmsetup create NAME 'START LENGTH TARGET ARGS'\n"
			"       inj_dmsetup remove NAME\n");
	return 2;
}
