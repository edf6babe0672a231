/* units.c - strict parsing of scenario values (see units.h). */
#include "units.h"

#include <string.h>

struct unit {
	const char *name;
	uint64_t mult;
};

/* Tables as data: the spelling and the multiplier of every unit. */
#define DURATION_UNITS(X)                                               \
	X("ns", 1ULL) X("us", 1000ULL) X("ms", 1000000ULL)              \
	X("s", 1000000000ULL) X("m", 60000000000ULL) X("h", 3600000000000ULL)
#define SIZE_UNITS(X)                                                     \
	X("B", 1ULL) X("KiB", 1ULL << 10) X("MiB", 1ULL << 20)            \
	X("GiB", 1ULL << 30) X("kB", 1000ULL) X("MB", 1000000ULL)         \
	X("GB", 1000000000ULL)
#define UNIT_ENTRY(n, m) { n, m },
static const struct unit duration_units[] = { DURATION_UNITS(UNIT_ENTRY) { 0, 0 } };
static const struct unit size_units[] = { SIZE_UNITS(UNIT_ENTRY) { 0, 0 } };
#undef UNIT_ENTRY

static int fail(struct units_err *err, const char *msg, int offset)
{
	if (err) {
		err->msg = msg;
		err->offset = offset;
	}
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* digits -> DIGIT+ ; no leading zero unless the number is "0".
 * Reads at s+*i, advances *i. */
static int read_digits(const char *s, int *i, uint64_t *v, struct units_err *err)
{
	int start = *i;
	uint64_t n = 0;

	if (!is_digit(s[*i]))
		return fail(err, "expected a number", *i);
	if (s[*i] == '0' && is_digit(s[*i + 1]))
		return fail(err, "leading zero (write the number without it)", *i);
	while (is_digit(s[*i])) {
		unsigned d = (unsigned)(s[*i] - '0');

		if (n > (UINT64_MAX - d) / 10)
			return fail(err, "number too large", start);
		n = n * 10 + d;
		(*i)++;
	}
	*v = n;
	return 0;
}

/* decimal -> digits ['.' DIGIT+] ; its value times mult, exactly when the
 * fraction allows, rounded to the nearest unit otherwise. */
static int read_decimal(const char *s, int *i, uint64_t mult, uint64_t *v,
			uint64_t *frac_num, uint64_t *frac_den, struct units_err *err)
{
	uint64_t whole, num = 0, den = 1;
	int start = *i;

	if (s[*i] == '-' || s[*i] == '+')
		return fail(err, "a sign is not allowed here", *i);
	if (read_digits(s, i, &whole, err))
		return -1;
	if (s[*i] == '.') {
		(*i)++;
		if (!is_digit(s[*i]))
			return fail(err, "expected digits after '.'", *i);
		while (is_digit(s[*i])) {
			if (den >= 1000000000ULL)
				return fail(err, "too many decimals", *i);
			num = num * 10 + (uint64_t)(s[*i] - '0');
			den *= 10;
			(*i)++;
		}
	}
	if (mult && whole > UINT64_MAX / mult)
		return fail(err, "value too large", start);
	*v = whole * mult;
	if (frac_num) {
		*frac_num = num;
		*frac_den = den;
	}
	return 0;
}

static const struct unit *find_unit(const struct unit *u, const char *s)
{
	for (; u->name; u++)
		if (!strcmp(u->name, s))
			return u;
	return NULL;
}

/* quantity -> decimal UNIT */
static int quantity(const char *s, const struct unit *units, uint64_t *out, int unit_required,
		    const char *missing, const char *unknown, struct units_err *err)
{
	uint64_t whole, num, den, part;
	const struct unit *u;
	int i = 0, unit_at;

	if (!s || !*s)
		return fail(err, "empty value", 0);
	if (read_decimal(s, &i, 1, &whole, &num, &den, err))
		return -1;
	unit_at = i;
	if (!s[i]) {
		if (unit_required && !(whole == 0 && num == 0))
			return fail(err, missing, i);
		u = &units[0];
	} else if (s[i] == ' ') {
		return fail(err, "no space is allowed between a number and its unit", i);
	} else {
		u = find_unit(units, s + i);
		if (!u)
			return fail(err, unknown, unit_at);
	}
	if (whole > UINT64_MAX / u->mult)
		return fail(err, "value too large", 0);
	part = (u->mult / den) * num + ((u->mult % den) * num + den / 2) / den;
	if (whole * u->mult > UINT64_MAX - part)
		return fail(err, "value too large", 0);
	*out = whole * u->mult + part;
	return 0;
}

int units_duration(const char *s, uint64_t *ns, struct units_err *err)
{
	return quantity(s, duration_units, ns, 1,
			"a duration needs a unit (ns, us, ms, s, m, h)",
			"unknown duration unit (use ns, us, ms, s, m or h)", err);
}

int units_size(const char *s, uint64_t *bytes, struct units_err *err)
{
	return quantity(s, size_units, bytes, 0, NULL,
			"unknown size unit (use B, KiB, MiB, GiB, kB, MB or GB)", err);
}

#define TWO32 (1ULL << 32)

int units_probability(const char *s, uint64_t *threshold, struct units_err *err)
{
	uint64_t whole, num, den, scaled;
	int i = 0;

	if (!s || !*s)
		return fail(err, "empty value", 0);
	if (read_decimal(s, &i, 1, &whole, &num, &den, err))
		return -1;
	if (s[i] == '%' && !s[i + 1]) {
		/* p = (whole + num/den) / 100 */
		if (whole > 100 || (whole == 100 && num))
			return fail(err, "a probability is at most 100%", 0);
		scaled = (whole * TWO32 + (num * TWO32 + den / 2) / den + 50) / 100;
	} else if (s[i] == '/') {
		uint64_t d;
		int j = i + 1;

		if (num)
			return fail(err, "the numerator of a fraction is a whole number", 0);
		if (read_digits(s, &j, &d, err))
			return -1;
		if (s[j])
			return fail(err, "unexpected text after the fraction", j);
		if (!d)
			return fail(err, "division by zero", i + 1);
		if (whole > d)
			return fail(err, "a probability is at most 1", 0);
		scaled = (whole * TWO32 + d / 2) / d;
	} else if (!s[i]) {
		if (whole > 1 || (whole == 1 && num))
			return fail(err, "a probability is at most 1 (or write a percentage: '10%')", 0);
		scaled = whole * TWO32 + (num * TWO32 + den / 2) / den;
	} else {
		return fail(err, "expected a probability: '10%', '1/10' or '0.1'", i);
	}
	if (scaled == 0 && (whole || num))
		scaled = 1;	/* tiny but not never */
	*threshold = scaled;
	return 0;
}

int units_count(const char *s, uint64_t *v, struct units_err *err)
{
	int i = 0;

	if (!s || !*s)
		return fail(err, "empty value", 0);
	if (s[0] == '-' || s[0] == '+')
		return fail(err, "a sign is not allowed here", 0);
	if (read_digits(s, &i, v, err))
		return -1;
	if (s[i])
		return fail(err, "expected a whole number", i);
	return 0;
}

int units_real(const char *s, double *v, struct units_err *err)
{
	uint64_t whole, num, den;
	int i = 0;

	if (!s || !*s)
		return fail(err, "empty value", 0);
	if (read_decimal(s, &i, 1, &whole, &num, &den, err))
		return -1;
	if (s[i])
		return fail(err, "expected a number", i);
	*v = (double)whole + (double)num / (double)den;
	return 0;
}

/* when -> first ['..' [last]] ['+' [step]] */
int units_when(const char *s, uint64_t *first, uint64_t *last, uint64_t *step,
	       struct units_err *err)
{
	int i = 0;

	*last = 0;
	*step = 0;
	if (!s || !*s)
		return fail(err, "empty value", 0);
	if (read_digits(s, &i, first, err))
		return -1;
	if (!*first)
		return fail(err, "call indexes start at 1", 0);
	if (s[i] == '.' && s[i + 1] == '.') {
		i += 2;
		*step = 1;
		if (is_digit(s[i])) {
			int at = i;

			if (read_digits(s, &i, last, err))
				return -1;
			if (*last < *first)
				return fail(err, "the range ends before it starts", at);
		}
	}
	if (s[i] == '+') {
		i++;
		*step = 1;
		if (is_digit(s[i])) {
			int at = i;

			if (read_digits(s, &i, step, err))
				return -1;
			if (!*step)
				return fail(err, "a step is at least 1", at);
		}
	}
	if (s[i])
		return fail(err, "expected 'FIRST', 'FIRST..LAST', 'FIRST+STEP' or 'FIRST..LAST+STEP'", i);
	return 0;
}

/* range -> count ['..' count] */
int units_range(const char *s, uint64_t *lo, uint64_t *hi, struct units_err *err)
{
	int i = 0;

	if (!s || !*s)
		return fail(err, "empty value", 0);
	if (read_digits(s, &i, lo, err))
		return -1;
	*hi = *lo;
	if (s[i] == '.' && s[i + 1] == '.') {
		int at;

		i += 2;
		at = i;
		if (read_digits(s, &i, hi, err))
			return -1;
		if (*hi < *lo)
			return fail(err, "the range ends before it starts", at);
	}
	if (s[i])
		return fail(err, "expected 'FIRST..LAST'", i);
	return 0;
}
