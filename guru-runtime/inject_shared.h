/* inject_shared.h - arithmetic shared by the kernel runtime and userspace.
 *
 * The same code decides, in the kernel, whether call N of a rule injects and
 * how long a sampled delay is, and lets userspace (inject translate, the unit
 * tests, the VM tests) predict exactly that. So it is plain C over fixed-size
 * integers: no floating point (the kernel has none in probe context), no
 * kernel or libc calls.
 *
 * - The trigger PRNG is counter based: the decision for call N is a hash of
 *   (seed, rule, N, stream), never a sequence consumed by racing CPUs. Hence
 *   "the same seed injects on the same call indexes", concurrency or not.
 * - Delays are sampled by inverse transform from a quantile table computed
 *   in userspace with libm (every distribution, empirical ones included,
 *   becomes STP_INJECT_NQUANT points on a fixed probability grid).
 * - Held times go into a log-linear histogram (16 sub-buckets per power of
 *   two: 6.25% resolution) from which percentiles are read back.
 */
#ifndef STP_INJECT_SHARED_H
#define STP_INJECT_SHARED_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef u64 stp_u64;
typedef u32 stp_u32;
#else
#include <stdint.h>
typedef uint64_t stp_u64;
typedef uint32_t stp_u32;
#endif

/* Streams of the PRNG: independent draws for one call. */
#define STP_INJECT_STREAM_TRIGGER 1
#define STP_INJECT_STREAM_DELAY 2

/* splitmix64's finaliser: a bijective 64-bit mix with full avalanche. */
static inline stp_u64 stp_inject_mix64(stp_u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform 32-bit draw for call 'call' (1-based) of rule 'rule'. */
static inline stp_u32 stp_inject_draw(stp_u64 seed, stp_u32 rule, stp_u64 call,
				      stp_u32 stream)
{
	stp_u64 z = seed * 0x9e3779b97f4a7c15ULL;

	z = stp_inject_mix64(z ^ ((stp_u64)rule << 32 | stream));
	z = stp_inject_mix64(z ^ call);
	return (stp_u32)(z >> 32);
}

/* Probability as a threshold out of 2^32: inject when draw < threshold.
 * STP_INJECT_PROB_ALWAYS (2^32) always injects. */
#define STP_INJECT_PROB_ALWAYS (1ULL << 32)

static inline int stp_inject_prob_hit(stp_u64 threshold, stp_u32 draw)
{
	return (stp_u64)draw < threshold;
}

/* strace's when=first..last+step over 1-based call indexes. last == 0
 * means no upper bound; step == 0 means only 'first'. */
static inline int stp_inject_when_hit(stp_u64 call, stp_u64 first, stp_u64 last,
				      stp_u64 step)
{
	if (call < first)
		return 0;
	if (last && call > last)
		return 0;
	if (!step)
		return call == first;
	return (call - first) % step == 0;
}

/* The probability grid of the quantile table, in units of 2^-32. Denser in
 * the tails so p99 and p99.9 are interpolated between close points. The
 * last point stands for probability 0.9999 (a heavy tail is cut there;
 * the per-operation delay cap applies on top). */
#define STP_INJECT_NQUANT 34
#define STP_INJECT_QGRID(X) /* probabilities in parts per million */ \
	X(0) X(1000) X(2000) X(5000) X(10000) X(20000) X(30000) X(50000) \
	X(75000) X(100000) X(150000) X(200000) X(250000) X(300000) \
	X(350000) X(400000) X(450000) X(500000) X(550000) X(600000) \
	X(650000) X(700000) X(750000) X(800000) X(850000) X(900000) \
	X(925000) X(950000) X(970000) X(980000) X(990000) X(995000) \
	X(999000) X(999900)

/* Grid point k as a fraction of 2^32 (the last point maps to 2^32, so the
 * whole draw range is covered). */
static inline stp_u64 stp_inject_qgrid(int k)
{
#define STP_X(ppm) (stp_u64)((ppm##ULL << 32) / 1000000),
	static const stp_u64 grid[STP_INJECT_NQUANT] = { STP_INJECT_QGRID(STP_X) };
#undef STP_X
	return k == STP_INJECT_NQUANT - 1 ? (1ULL << 32) : grid[k];
}

/* Inverse transform: a 32-bit uniform draw to a delay in ns, by linear
 * interpolation in the quantile table q[0..NQUANT-1] (non-decreasing). */
static inline stp_u64 stp_inject_sample(const stp_u64 *q, stp_u32 draw)
{
	stp_u64 u = draw, lo, hi, span;
	int k;

	for (k = 1; k < STP_INJECT_NQUANT - 1; k++)
		if (u < stp_inject_qgrid(k))
			break;
	lo = stp_inject_qgrid(k - 1);
	hi = stp_inject_qgrid(k);
	span = hi - lo;
	if (!span || q[k] <= q[k - 1])
		return q[k - 1];
	/* (q[k]-q[k-1]) * (u-lo) / span without overflow: delays are below
	 * 2^40 ns and u-lo below 2^32, so split the product. */
	{
		stp_u64 d = q[k] - q[k - 1], off = u - lo;
		stp_u64 whole = d / span * off;
		stp_u64 part = (d % span) * off / span;

		return q[k - 1] + whole + part;
	}
}

/* Log-linear histogram: values below 16 have their own bucket; above, 16
 * sub-buckets per power of two, up to 2^40 ns (18 minutes). */
#define STP_INJECT_HSUB 16
#define STP_INJECT_HMAXEXP 40
#define STP_INJECT_NHIST ((STP_INJECT_HMAXEXP - 3) * STP_INJECT_HSUB)

static inline int stp_inject_fls64(stp_u64 v)
{
	int n = 0;

	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

static inline int stp_inject_hist_index(stp_u64 v)
{
	int e;

	if (v < STP_INJECT_HSUB)
		return (int)v;
	e = stp_inject_fls64(v) - 1;	/* 4 and up */
	if (e >= STP_INJECT_HMAXEXP)
		return STP_INJECT_NHIST - 1;
	return (e - 3) * STP_INJECT_HSUB + (int)((v >> (e - 4)) & (STP_INJECT_HSUB - 1));
}

/* The smallest value of bucket i (inverse of stp_inject_hist_index). */
static inline stp_u64 stp_inject_hist_low(int i)
{
	int e;

	if (i < STP_INJECT_HSUB)
		return (stp_u64)i;
	e = i / STP_INJECT_HSUB + 3;
	return ((stp_u64)(STP_INJECT_HSUB + i % STP_INJECT_HSUB)) << (e - 4);
}

#endif
