/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_begin.h - begin, end, error and never probes.
 *
 * They are not registered anywhere: the session runs them itself, in
 * process context, in the order of their sequence numbers (begin(-1)
 * before begin, ties in script order). "never" probes are type-checked
 * by the compiler and never run.
 */
#ifndef STP_PROBE_BEGIN_H
#define STP_PROBE_BEGIN_H

/* Run every probe of kind k, lowest seq first; stable for equal seqs. */
static void stp_run_session_probes(enum stp_probe_kind k)
{
	size_t i, j, n = ARRAY_SIZE(stp_probes);
	int last_seq = INT_MIN, have_last = 0;

	/* n is small: repeated minimum search keeps this allocation-free */
	for (;;) {
		int best = 0;
		size_t count = 0;

		for (i = 0; i < n; i++) {
			const struct stp_probe *p = &stp_probes[i];

			if (p->kind != k || (have_last && p->seq <= last_seq))
				continue;
			if (!count || p->seq < best)
				best = p->seq;
			count++;
		}
		if (!count)
			return;
		for (j = 0; j < n; j++)
			if (stp_probes[j].kind == k && stp_probes[j].seq == best)
				stp_probe_hit(&stp_probes[j], NULL, NULL);
		last_seq = best;
		have_last = 1;
	}
}

#endif /* STP_PROBE_BEGIN_H */
