/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang_lock.h - the lock that guards the script's globals.
 *
 * A probe handler that touches globals takes this lock for its whole run
 * (as stap holds its per-global locks). Only trylock is used, MAXTRYLOCK
 * attempts TRYLOCKDELAY microseconds apart, so a probe that fires while
 * another handler on the same CPU holds the lock can never deadlock: it
 * gives up, and the hit is skipped and counted (MAXSKIPPED).
 */
#ifndef STP_LANG_LOCK_H
#define STP_LANG_LOCK_H

static DEFINE_RAW_SPINLOCK(stp_globals_lock);

/* 0 with the lock held, or -EBUSY (the hit is then skipped). */
static __maybe_unused int stp_lock_globals(struct stp_context *c)
{
	int i;

	for (i = 0; i < MAXTRYLOCK; i++) {
		if (raw_spin_trylock(&stp_globals_lock))
			return 0;
		udelay(TRYLOCKDELAY);
	}
	stp_count_skipped();
	return -EBUSY;
}

static inline void stp_unlock_globals(struct stp_context *c)
{
	raw_spin_unlock(&stp_globals_lock);
}

#endif /* STP_LANG_LOCK_H */
