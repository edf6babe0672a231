/* kbuild.h - pass 4: the kernel's own build system, and the feature
 * probes that decide which kernel APIs the runtime uses. */
#ifndef INJECT_KBUILD_H
#define INJECT_KBUILD_H

#include "session.h"

/* Run "make -C BUILD M=DIR TARGETS..." in a sanitised environment; the
 * output goes to DIR/kbuild.log (and to stderr when verbose > 1).
 * keep_going adds -k. Returns make's exit status, -1 if it cannot run. */
int kbuild_make(struct session *s, const char *dir, const char *const *targets,
		int keep_going);

/* Write DIR/stp_features.h for s's kernel (STP_HAVE_* macros), from the
 * cache or by compiling guru-runtime/feature/ *.c. Returns 0 or -1. */
int kbuild_features(struct session *s, const char *dir);

/* Pass times including children (kbuild, guru-run, qemu): stap's
 * "in Xusr/Ysys/Zreal ms." */
struct pass_clock {
	struct pass_timer self;
	struct rusage children;
};
void pass_clock_start(struct pass_clock *c);
void pass_clock_print(FILE *out, const struct pass_clock *c);

#endif
