/* scenario_dist.c - delay distributions as the runtime's quantile tables.
 *
 * The kernel has no floating point in probe context, so every
 * distribution becomes STP_INJECT_NQUANT delays at the fixed probabilities
 * of STP_INJECT_QGRID (guru-runtime/inject_shared.h), computed here with
 * libm; the runtime draws a uniform 32-bit number and interpolates. The
 * grid is denser in the tails so p99 is interpolated between close points;
 * its last point is the 0.9999 quantile (heavy tails are cut there, and the
 * per-operation cap applies on top).
 */
#include "scenario.h"

#include <math.h>

static const struct {
	const char *name;
} dist_names[] = {
#define X(e, s) [e] = { s },
	SCN_DIST_LIST(X)
#undef X
};

const char *scn_dist_name(enum scn_dist d)
{
	return dist_names[d].name;
}

/* The grid's probabilities (parts per million) as doubles. */
static double grid_p(int k)
{
#define X(ppm) (ppm),
	static const double ppm[STP_INJECT_NQUANT] = { STP_INJECT_QGRID(X) };
#undef X
	return ppm[k] / 1e6;
}

/* Inverse of the standard normal CDF (Acklam's rational approximation,
 * relative error below 1.2e-9 over (0, 1)). */
static double norm_inv(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
				    -2.759285104469687e+02, 1.383577518672690e+02,
				    -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
				    -1.556989798598866e+02, 6.680131188771972e+01,
				    -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
				    -2.400758277161838e+00, -2.549732539343734e+00,
				    4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
				    2.445134137142996e+00, 3.754408661907416e+00 };
	double q, r;

	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - 0.02425) {
		q = sqrt(-2 * log(1 - p));
		return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	q = p - 0.5;
	r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
	       (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/* The empirical distribution: buckets [from, to) with weights, uniform
 * inside a bucket; its quantile by walking the cumulative weights. */
static double empirical_q(const struct scn_delay *d, double p)
{
	double total = 0, acc = 0;
	int k;

	for (k = 0; k < d->nbuckets; k++)
		total += d->buckets[k].weight;
	for (k = 0; k < d->nbuckets; k++) {
		double w = d->buckets[k].weight / total;

		if (p <= acc + w || k == d->nbuckets - 1) {
			double f = w > 0 ? (p - acc) / w : 0;

			if (f < 0)
				f = 0;
			if (f > 1)
				f = 1;
			return (double)d->buckets[k].from +
			       f * (double)(d->buckets[k].to - d->buckets[k].from);
		}
		acc += w;
	}
	return 0;
}

static double quantile(const struct scn_delay *d, double p)
{
	/* the open ends of unbounded distributions: the 1e-4 quantile */
	double pc = p < 1e-4 ? 1e-4 : p;

	switch (d->dist) {
	case SCN_FIXED:
		return (double)d->value;
	case SCN_UNIFORM:
		return (double)d->min + p * (double)(d->max - d->min);
	case SCN_NORMAL:
		return (double)d->mean + (double)d->stddev * norm_inv(pc);
	case SCN_LOGNORMAL:
		return (double)d->median * exp(d->sigma * norm_inv(pc));
	case SCN_PARETO:
		return (double)d->scale / pow(1 - p, 1 / d->shape);
	case SCN_EMPIRICAL:
		return empirical_q(d, p);
	}
	return 0;
}

void scn_quantiles(const struct scn_delay *d, uint64_t q[STP_INJECT_NQUANT])
{
	int k;

	for (k = 0; k < STP_INJECT_NQUANT; k++) {
		double v = quantile(d, grid_p(k));

		if (v < 0)
			v = 0;	/* a normal's left tail: no negative delays */
		if (v > 1e15)
			v = 1e15;
		q[k] = (uint64_t)llround(v);
		if (k && q[k] < q[k - 1])
			q[k] = q[k - 1];
	}
}
