/* target_kernel.h - the installed kernel that unit tests read (its symbols,
 * modules and trace headers), found at run time as gstap --vm finds it:
 * target_default_vm_release(), the newest standard (else RT) R with
 * /boot/vmlinuz-R and /lib/modules/R/build. Debian moves linux-image-amd64 to a new ABI without
 * notice, so no test names a release. CI installs the kernel (.ci/packages):
 * a test that needs it fails where it is absent, saying what to install,
 * rather than passing without having run. */
#ifndef TESTS_UNIT_TARGET_KERNEL_H
#define TESTS_UNIT_TARGET_KERNEL_H

#include "session.h"

#include <check.h>

/* The release, or a test failure naming the packages (what: the test). */
static inline const char *need_target_kernel(struct arena *a, const char *what)
{
	const char *release = target_default_vm_release(a);

	ck_assert_msg(release != NULL, "%s needs the target kernel: no /boot/vmlinuz-R with "
		      "/lib/modules/R/build (install linux-image-amd64 and linux-headers-amd64)",
		      what);
	return release;
}

#endif
