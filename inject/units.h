/* units.h - the strict parser of scenario values: durations, sizes,
 * probabilities, counts, reals, strace-style "when" and ranges.
 *
 * YAML loaders guess types (libcyaml 1.3.1 reads "10ms" as 10 and "010" as
 * 8), so every scenario value is read as a string and parsed here, with no
 * guessing: a number and its unit are both required where a unit is
 * meaningful, leading zeros and signs are refused, overflow is an error.
 * On failure the functions return -1 and fill *err: a message for
 * diag_error() (lowercase, no full stop) and the byte offset in the string
 * where the problem is, for the caret.
 */
#ifndef INJECT_UNITS_H
#define INJECT_UNITS_H

#include <stdint.h>

struct units_err {
	const char *msg;
	int offset;
};

/* "5ms", "250us", "1.5s", "100ns", "2m" (minutes), "1h". To ns. */
int units_duration(const char *s, uint64_t *ns, struct units_err *err);

/* "512", "4KiB", "1MiB", "1GiB", "4kB", "1MB", "1GB". To bytes. */
int units_size(const char *s, uint64_t *bytes, struct units_err *err);

/* "10%", "1/10", "0.1", "1", "0". To a threshold out of 2^32 (2^32 is
 * always), the form the kernel runtime compares its 32-bit draws with. */
int units_probability(const char *s, uint64_t *threshold, struct units_err *err);

/* A decimal count: "0", "42"; no sign, no leading zero, no fraction. */
int units_count(const char *s, uint64_t *v, struct units_err *err);

/* A non-negative real: "0.5", "2", "1.25". */
int units_real(const char *s, double *v, struct units_err *err);

/* strace's when=: "3" (only the 3rd), "3+" (3rd on), "3+2" (3rd, 5th...),
 * "3..7", "3..7+2", "3.." (3rd on). Indexes are 1-based; last 0 means no
 * bound, step 0 means only 'first'. */
int units_when(const char *s, uint64_t *first, uint64_t *last, uint64_t *step,
	       struct units_err *err);

/* An inclusive range of counts "0..2047" (also a single "7"). */
int units_range(const char *s, uint64_t *lo, uint64_t *hi, struct units_err *err);

#endif
