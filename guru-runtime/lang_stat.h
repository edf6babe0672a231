/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang_stat.h - statistics (aggregates): <<<, the extractors and the
 * histograms, with stap's arithmetic (Welford's running variance in
 * integers, log2 buckets, linear buckets with under/overflow) and stap's
 * ASCII drawing of a histogram.
 *
 * A statistic lives in a map slot (a scalar statistic global is a map with
 * no keys), so it is guarded by the globals lock like every other global.
 */
#ifndef STP_LANG_STAT_H
#define STP_LANG_STAT_H

#define STP_HIST_LOG_BUCKETS 128
#define STP_HIST_LOG_BUCKET0 64
#ifndef STP_MAX_BUCKETS
#define STP_MAX_BUCKETS 128
#endif
#ifndef HIST_WIDTH		/* '@' columns of the widest bar */
#define HIST_WIDTH 50
#endif
#ifndef HIST_ELISION		/* zero rows kept around data; <0 keeps all */
#define HIST_ELISION 2
#endif

enum stp_hist_type { STP_HIST_NONE, STP_HIST_LOG, STP_HIST_LINEAR };

/* The histogram a statistic keeps (one per global, from its uses), and
 * the bit shift of its running average and variance (@variance(s, N)). */
struct stp_hist_desc {
	enum stp_hist_type type;
	int64_t start, stop, interval;
	int buckets;
	int shift;
};

struct stp_stat {
	int64_t count, sum, min, max;
	int64_t avg_s, m2, variance_s;	/* Welford's running figures */
	int64_t hist[];			/* desc->buckets counters */
};

static inline int stp_hist_buckets(const struct stp_hist_desc *h)
{
	if (h->type == STP_HIST_LOG)
		return STP_HIST_LOG_BUCKETS;
	if (h->type == STP_HIST_LINEAR)
		return (int)div64_s64(h->stop - h->start, h->interval) + 3;
	return 0;
}

static inline size_t stp_stat_size(const struct stp_hist_desc *h)
{
	return sizeof(struct stp_stat) + sizeof(int64_t) * h->buckets;
}

/* The log2 bucket of a value: 64 holds 0, 65 holds 1, 66 holds 2-3, ...;
 * negative values mirror below 64. */
static __maybe_unused int stp_val_to_bucket(int64_t val)
{
	int neg = val < 0, res;
	uint64_t v;

	if (val == 0)
		return STP_HIST_LOG_BUCKET0;
	v = neg ? 0 - (uint64_t)val : (uint64_t)val;
	res = STP_HIST_LOG_BUCKET0 + fls64(v);
	if (neg)
		res = STP_HIST_LOG_BUCKETS - res;
	return res;
}

static __maybe_unused int64_t stp_bucket_to_val(int num)
{
	if (num == STP_HIST_LOG_BUCKET0)
		return 0;
	if (num < STP_HIST_LOG_BUCKET0)
		return (int64_t)0x8000000000000000ULL >> num;
	return 1LL << (num - STP_HIST_LOG_BUCKET0 - 1);
}

static __maybe_unused void stp_stat_add(struct stp_stat *sd, const struct stp_hist_desc *h, int64_t val)
{
	int64_t delta, sval = (int64_t)((uint64_t)val << h->shift);
	int n;

	if (sd->count == 0) {
		sd->count = 1;
		sd->sum = sd->min = sd->max = val;
		sd->avg_s = sval;
		sd->m2 = 0;
	} else {
		sd->count++;
		sd->sum += val;
		if (val > sd->max)
			sd->max = val;
		if (val < sd->min)
			sd->min = val;
		delta = sval - sd->avg_s;
		sd->avg_s += div64_s64(delta, sd->count);
		sd->m2 += delta * (sval - sd->avg_s);
		sd->variance_s = div64_s64(sd->m2, sd->count - 1);
	}
	if (h->type == STP_HIST_LOG) {
		n = stp_val_to_bucket(val);
		if (n >= h->buckets)
			n = h->buckets - 1;
		sd->hist[n]++;
	} else if (h->type == STP_HIST_LINEAR) {
		int64_t b = val - h->start;

		b = b < 0 ? 0 : div64_s64(b, h->interval) + 1;
		if (b >= h->buckets - 1)
			b = h->buckets - 1;
		sd->hist[b]++;
	}
}

static inline int64_t stp_stat_avg(const struct stp_stat *sd)
{
	return div64_s64(sd->sum, sd->count);
}

/* @variance as stap reports it: the per-CPU running variance (Welford,
 * in integers scaled by 2^shift) combined with the total-variance formula,
 * all samples being on one "CPU" here. */
static __maybe_unused int64_t stp_stat_variance(const struct stp_stat *sd,
						const struct stp_hist_desc *h)
{
	int64_t avg, d, s;

	if (sd->count < 2)
		return 0;
	avg = div64_s64((int64_t)((uint64_t)sd->sum << h->shift), sd->count);
	d = sd->avg_s - avg;
	s = sd->count * d * d + (sd->count - 1) * sd->variance_s;
	return div64_s64(s, sd->count - 1) >> (2 * h->shift);
}

static __maybe_unused int stp_digits(int64_t v)
{
	int n = v <= 0 ? 1 : 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (v == 0)
		return 1;
	for (; u; u /= 10)
		n++;
	return n;
}

/* A line of output, printf-style, to the probe's stdout. */
static __maybe_unused __printf(2, 3) void stp_hist_line(struct stp_context *c, const char *fmt, ...)
{
	char line[HIST_WIDTH + 96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	stp_print(c, line, n);
}

/* print(@hist_log(s)) / print(@hist_linear(s, ...)): stap's layout. */
static __maybe_unused void stp_hist_print(struct stp_context *c, const struct stp_stat *sd,
			   const struct stp_hist_desc *h)
{
	int low = -1, high = 0, under = 0, over = 0, i, scale;
	int val_space, cnt_space, eliding = 0;
	int64_t valmax = 0;
	char bar[HIST_WIDTH + 1];

	if (h->type == STP_HIST_NONE)
		return;
	for (i = 0; i < h->buckets; i++) {
		if (sd->hist[i] > 0 && low == -1)
			low = i;
		if (sd->hist[i] > 0)
			high = i;
		if (sd->hist[i] > valmax)
			valmax = sd->hist[i];
	}
	/* up to two empty rows on either side of the data */
	for (i = 0; i < 2; i++) {
		if (h->type == STP_HIST_LOG) {
			if (low != STP_HIST_LOG_BUCKET0 && low > 0)
				low--;
		} else if (low > 0) {
			low--;
		}
		if (high < h->buckets - 1)
			high++;
	}
	if (h->type == STP_HIST_LINEAR) {
		if (low == 0 && sd->hist[0] == 0)
			low++;
		if (high == h->buckets - 1 && sd->hist[high] == 0)
			high--;
		under = low == 0;
		over = high == h->buckets - 1;
	}
	scale = valmax <= HIST_WIDTH ? 1 : (int)div64_s64(valmax + HIST_WIDTH - 1, HIST_WIDTH);
	cnt_space = stp_digits(valmax);
	if (h->type == STP_HIST_LINEAR)
		val_space = max(stp_digits(h->start) + under,
				stp_digits(h->start + h->interval * high) + over);
	else
		val_space = max(stp_digits(stp_bucket_to_val(high)),
				stp_digits(stp_bucket_to_val(low)));
	val_space = max(val_space, 5);

	memset(bar, '-', HIST_WIDTH);
	bar[HIST_WIDTH] = '\0';
	stp_hist_line(c, "%*s |%s count\n", val_space, "value", bar);
	for (i = low; i <= high; i++) {
		const char *prefix = "";
		int64_t val, v;

		if (HIST_ELISION >= 0) {
			int k, elide = 1;
			int max_elide = min_t(long, HIST_ELISION, h->buckets);
			int kmin = max(low, i - max_elide);
			int kmax = min(high, i + max_elide);

			for (k = kmin; k <= kmax; k++)
				if (sd->hist[k] != 0)
					elide = 0;
			if (elide) {
				eliding = 1;
				continue;
			}
			if (eliding) {
				stp_hist_line(c, "%*s ~\n", val_space, "");
				eliding = 0;
			}
		}
		if (h->type == STP_HIST_LINEAR) {
			if (i == 0) {
				val = h->start;
				prefix = "<";
			} else if (i == h->buckets - 1) {
				val = h->start + (int64_t)(i - 2) * h->interval;
				prefix = ">";
			} else {
				val = h->start + (int64_t)(i - 1) * h->interval;
			}
		} else {
			val = stp_bucket_to_val(i);
		}
		v = div64_s64(sd->hist[i], scale);
		memset(bar, '@', v);
		bar[v] = '\0';
		stp_hist_line(c, "%*s%lld |%s%*lld\n", val_space - stp_digits(val), prefix,
			      (long long)val, bar, (int)(HIST_WIDTH - v + 1 + cnt_space),
			      (long long)sd->hist[i]);
	}
	stp_print(c, "\n", 1);
}

/* @hist_log(s)[i] / @hist_linear(s, ...)[i]: a bucket's count. */
static __maybe_unused int64_t stp_hist_bucket(const struct stp_stat *sd, const struct stp_hist_desc *h,
			       int64_t i)
{
	if (!sd || i < 0 || i >= h->buckets)
		return 0;
	return sd->hist[i];
}

#endif /* STP_LANG_STAT_H */
