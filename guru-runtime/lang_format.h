/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang_format.h - stap's printf/sprintf engine.
 *
 * Directives: %d %i %u %x %X %o %p %c %s %b %m %M %%, flags '-' '+' ' '
 * '#' '0', a width and a precision (digits or '*', taken from the next
 * argument). Every integer is 64 bits (stap's translator adds "ll").
 * %p is %#x (stap >= 1.3); %b writes the value's bytes in binary (width
 * 1, 2, 4 or 8); %m writes precision bytes of memory at the address, %M
 * the same in hex (the '#' flag reads user memory instead of kernel).
 * An unknown directive is copied as it stands, as stap does.
 *
 * The formatted text goes to a sink: the probe's stdout (printf) or a
 * string buffer (sprintf, truncated at its size).
 */
#ifndef STP_LANG_FORMAT_H
#define STP_LANG_FORMAT_H

/* One argument of a format: the generator fills n or s per the directive. */
struct stp_arg {
	int64_t n;
	const char *s;
};

struct stp_out {
	struct stp_context *c;	/* non-NULL: write to c's stdout */
	char *buf;		/* else: append here, NUL-terminated */
	size_t size, len;
	unsigned long fault;	/* %m/%M: the address that could not be read */
	int faulted;
};

static __maybe_unused void stp_out_put(struct stp_out *o, const char *p, size_t n)
{
	if (o->c) {
		stp_print(o->c, p, n);
		o->len += n;
		return;
	}
	if (o->len + 1 >= o->size)
		return;
	if (n > o->size - 1 - o->len)
		n = o->size - 1 - o->len;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static __maybe_unused void stp_out_fill(struct stp_out *o, char ch, int n)
{
	char pad[32];

	memset(pad, ch, sizeof(pad));
	while (n > 0) {
		int k = min_t(int, n, sizeof(pad));

		stp_out_put(o, pad, k);
		n -= k;
	}
}

enum {
	STP_F_LEFT = 1,
	STP_F_PLUS = 2,
	STP_F_SPACE = 4,
	STP_F_SPECIAL = 8,
	STP_F_ZEROPAD = 16,
	STP_F_LARGE = 32,
	STP_F_SIGN = 64,
};

/* An integer in base 8, 10 or 16 with stap's (the kernel's) padding rules. */
static __maybe_unused void stp_fmt_number(struct stp_out *o, uint64_t num, int base, int width,
			   int precision, int flags)
{
	const char *digits = (flags & STP_F_LARGE) ? "0123456789ABCDEF"
						   : "0123456789abcdef";
	char tmp[66], sign = 0;
	int i = 0;

	if (flags & STP_F_LEFT)
		flags &= ~STP_F_ZEROPAD;
	if (flags & STP_F_SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = 0 - num;
			width--;
		} else if (flags & STP_F_PLUS) {
			sign = '+';
			width--;
		} else if (flags & STP_F_SPACE) {
			sign = ' ';
			width--;
		}
	}
	if (flags & STP_F_SPECIAL)
		width -= base == 16 ? 2 : base == 8 ? 1 : 0;
	if (num == 0)
		tmp[i++] = '0';
	while (num) {
		tmp[i++] = digits[num % base];
		num /= base;
	}
	if (i > precision)
		precision = i;
	width -= precision;
	if (!(flags & (STP_F_ZEROPAD | STP_F_LEFT)) && width > 0) {
		stp_out_fill(o, ' ', width);
		width = 0;
	}
	if (sign)
		stp_out_put(o, &sign, 1);
	if ((flags & STP_F_SPECIAL) && base == 8)
		stp_out_put(o, "0", 1);
	if ((flags & STP_F_SPECIAL) && base == 16)
		stp_out_put(o, (flags & STP_F_LARGE) ? "0X" : "0x", 2);
	if (!(flags & STP_F_LEFT) && width > 0) {
		stp_out_fill(o, (flags & STP_F_ZEROPAD) ? '0' : ' ', width);
		width = 0;
	}
	if (precision > i)
		stp_out_fill(o, '0', precision - i);
	while (i > 0)
		stp_out_put(o, &tmp[--i], 1);
	if (width > 0)
		stp_out_fill(o, ' ', width);
}

/* %c; with '#', unprintable characters are shown escaped. */
static __maybe_unused void stp_fmt_char(struct stp_out *o, unsigned char ch, int width, int flags)
{
	char esc[4];
	int n = 1;

	esc[0] = ch;
	if ((flags & STP_F_SPECIAL) &&
	    (!(isprint(ch) && isascii(ch)) || ch == '\'' || ch == '\\')) {
		static const char from[] = "\a\b\f\n\r\t\v'\\";
		static const char to[] = "abfnrtv'\\";
		const char *p = ch ? strchr(from, ch) : NULL;

		esc[0] = '\\';
		if (p) {
			esc[1] = to[p - from];
			n = 2;
		} else {
			esc[1] = '0' + ((ch >> 6) & 3);
			esc[2] = '0' + ((ch >> 3) & 7);
			esc[3] = '0' + (ch & 7);
			n = 4;
		}
	}
	if (!(flags & STP_F_LEFT) && width > n)
		stp_out_fill(o, ' ', width - n);
	stp_out_put(o, esc, n);
	if ((flags & STP_F_LEFT) && width > n)
		stp_out_fill(o, ' ', width - n);
}

/* %s, %m, %M. */
static __maybe_unused void stp_fmt_memory(struct stp_out *o, const char *s, int64_t addr, int width,
			   int precision, char conv, int flags)
{
	int len, i, shown;

	if (conv == 's') {
		if (!s)
			s = "<NULL>";
		len = strnlen(s, precision >= 0 ? precision : MAXSTRINGLEN);
	} else {
		len = precision > 0 ? precision : 1;
	}
	shown = conv == 'M' ? 2 * len : len;
	if (!(flags & STP_F_LEFT) && width > shown)
		stp_out_fill(o, ' ', width - shown);
	if (conv == 's') {
		stp_out_put(o, s, len);
	} else {
		for (i = 0; i < len; i++) {
			unsigned long a = (unsigned long)addr + i;
			unsigned char b;
			int rc = (flags & STP_F_SPECIAL) ? stp_uread(&b, a, 1)
							 : stp_kread(&b, a, 1);

			if (rc) {
				o->faulted = 1;
				o->fault = a;
				return;
			}
			if (conv == 'm') {
				stp_out_put(o, (char *)&b, 1);
			} else {
				char hex[2] = { hex_asc_hi(b), hex_asc_lo(b) };

				stp_out_put(o, hex, 2);
			}
		}
	}
	if (width > shown && (flags & STP_F_LEFT))
		stp_out_fill(o, ' ', width - shown);
}

/* %b: the value's bytes as they are in memory (little endian here). */
static __maybe_unused void stp_fmt_binary(struct stp_out *o, int64_t num, int width, int precision,
			   int flags)
{
	if (precision != 1 && precision != 2 && precision != 4 && precision != 8)
		precision = -1;
	if (width == -1) {
		width = precision == -1 ? 8 : precision;
		if (precision == -1)
			precision = 8;
	} else if (precision == -1) {
		precision = (width == 1 || width == 2 || width == 4 || width == 8) ? width : 8;
	}
	if (!(flags & STP_F_LEFT) && width > precision)
		stp_out_fill(o, '\0', width - precision);
	stp_out_put(o, (const char *)&num, precision);	/* x86 is little endian */
	if ((flags & STP_F_LEFT) && width > precision)
		stp_out_fill(o, '\0', width - precision);
}

static __maybe_unused int stp_fmt_atoi(const char **p)
{
	int n = 0;

	while (isdigit(**p))
		n = min(n * 10 + (*(*p)++ - '0'), 1 << 20);
	return n;
}

/*
 * Format into o. args[] holds nargs values in directive order (a '*'
 * width or precision consumes one). Returns 0, or -EFAULT when %m/%M
 * could not read memory (o->fault says where).
 */
static __maybe_unused int stp_format(struct stp_out *o, const char *fmt, const struct stp_arg *args,
		      int nargs)
{
	int ai = 0;
	int limit = o->c ? STP_PRINT_BUF_SIZE : (int)o->size;
	const char *lit;

#define STP_NEXT_ARG() (ai < nargs ? &args[ai++] : &(const struct stp_arg){ 0, "" })
	while (*fmt) {
		int flags = 0, width = -1, precision = -1, base = 10;
		const struct stp_arg *a;

		for (lit = fmt; *fmt && *fmt != '%'; fmt++)
			;
		if (fmt > lit)
			stp_out_put(o, lit, fmt - lit);
		if (!*fmt)
			break;
		lit = fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				flags |= STP_F_LEFT;
			else if (*fmt == '+')
				flags |= STP_F_PLUS;
			else if (*fmt == ' ')
				flags |= STP_F_SPACE;
			else if (*fmt == '#')
				flags |= STP_F_SPECIAL;
			else if (*fmt == '0')
				flags |= STP_F_ZEROPAD;
			else
				break;
		}
		if (isdigit(*fmt)) {
			width = clamp(stp_fmt_atoi(&fmt), 0, limit);
		} else if (*fmt == '*') {
			fmt++;
			width = (int)STP_NEXT_ARG()->n;
			if (width < 0) {
				width = -width;
				flags |= STP_F_LEFT;
			}
			width = clamp(width, 0, limit);
		}
		if (*fmt == '.') {
			fmt++;
			precision = 0;
			if (isdigit(*fmt))
				precision = stp_fmt_atoi(&fmt);
			else if (*fmt == '*') {
				fmt++;
				precision = (int)STP_NEXT_ARG()->n;
			}
			precision = clamp(precision, 0, limit);
		}
		while (*fmt == 'h' || *fmt == 'l' || *fmt == 'L')
			fmt++;		/* every integer is 64 bits anyway */
		switch (*fmt) {
		case 'b':
			stp_fmt_binary(o, STP_NEXT_ARG()->n, width, precision, flags);
			fmt++;
			continue;
		case 's':
			a = STP_NEXT_ARG();
			stp_fmt_memory(o, a->s, 0, width, precision, 's', flags);
			fmt++;
			continue;
		case 'm':
		case 'M':
			a = STP_NEXT_ARG();
			stp_fmt_memory(o, NULL, a->n, width, precision, *fmt, flags);
			if (o->faulted)
				return -EFAULT;
			fmt++;
			continue;
		case 'c':
			stp_fmt_char(o, (unsigned char)STP_NEXT_ARG()->n, width, flags);
			fmt++;
			continue;
		case '%':
			stp_out_put(o, "%", 1);
			fmt++;
			continue;
		case 'X':
			flags |= STP_F_LARGE;
			fallthrough;
		case 'x':
			base = 16;
			break;
		case 'd':
		case 'i':
			flags |= STP_F_SIGN;
			break;
		case 'u':
			break;
		case 'o':
			base = 8;
			break;
		case 'p':
			flags |= STP_F_SPECIAL;
			base = 16;
			break;
		default:
			/* not a directive: copy "%" and the character */
			stp_out_put(o, "%", 1);
			if (*fmt)
				stp_out_put(o, fmt++, 1);
			continue;
		}
		stp_fmt_number(o, (uint64_t)STP_NEXT_ARG()->n, base, width, precision, flags);
		fmt++;
	}
#undef STP_NEXT_ARG
	return 0;
}

/* sprintf into a string buffer of MAXSTRINGLEN bytes. */
static __maybe_unused int stp_sprintf(char *dst, const char *fmt, const struct stp_arg *args, int nargs)
{
	struct stp_out o = { .buf = dst, .size = MAXSTRINGLEN };

	dst[0] = '\0';
	return stp_format(&o, fmt, args, nargs) ? -(int)EFAULT : 0;
}

/* printf to the probe's stdout. On a %m fault, *fault gets the address. */
static __maybe_unused int stp_printf(struct stp_context *c, const char *fmt, const struct stp_arg *args,
		      int nargs, unsigned long *fault)
{
	struct stp_out o = { .c = c };
	int rc = stp_format(&o, fmt, args, nargs);

	if (rc && fault)
		*fault = o.fault;
	return rc;
}

#endif /* STP_LANG_FORMAT_H */
