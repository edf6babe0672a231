/* vm.h - the test VM: boot a Debian kernel under QEMU with a busybox
 * initramfs, place files in it, run one command, stream its output.
 *
 * Used by gstap --vm (pass 5), inject run --vm and the VM tests. The guest
 * has /dev/nullb0 (null_blk, memory backed, 1 GiB: what is written reads
 * back) as a test disk, cgroup v2 at /sys/fs/cgroup, and loads at boot the
 * further modules the caller names (brd, dm-delay, ext4, ...). Its stdout and
 * stderr reach the host on two serial ports of their own (the console, a
 * third, carries only the boot and our markers), so the command's stdout
 * is our stdout and its stderr our stderr. A run fails when the guest's
 * kernel log shows BUG, WARNING, Oops, a soft lockup, a hung task or a
 * panic (the taint notice of an unsigned module is expected).
 */
#ifndef INJECT_VM_H
#define INJECT_VM_H

struct vm_file {
	const char *host_path;
	const char *guest_path;	/* absolute; parent directories are made */
};

struct vm_options {
	const char *release;		/* kernel release; NULL: target_default_vm_release() */
	const struct vm_file *files;
	int nfiles;
	/* more modules to load at boot, after null_blk: "NAME [PARAMS]"
	 * (dependencies from modules.dep come along; each module once) */
	const char *const *modules;
	int nmodules;
	const char *command;		/* run by the guest's sh -c, in / */
	int verbose;			/* 1: say what happens, 2: show the console */
	int timeout_s;			/* whole run; 0: GSTAP_VM_TIMEOUT or 900 */
	const char *append;		/* more kernel command line, or NULL */
	int memory_mb;			/* 0: 512 */
	int cpus;			/* 0: 2 */
	int out_fd, err_fd;		/* where the guest's stdout/stderr go */
};

void vm_options_init(struct vm_options *o);

/* Boot, run, check the kernel log, power off. Returns 0 with *status the
 * command's exit status, or -1 after a message (cannot start: names the
 * Debian package to install; boot failure; timeout; dirty kernel log). */
int vm_run(const struct vm_options *o, int *status);

#endif
