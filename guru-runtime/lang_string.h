/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang_string.h - string values and arithmetic helpers.
 *
 * A string value lives in a buffer of MAXSTRINGLEN bytes (a local in the
 * frame, a global, a temporary, a map slot). Every write truncates
 * silently at MAXSTRINGLEN - 1 bytes, as stap does.
 */
#ifndef STP_LANG_STRING_H
#define STP_LANG_STRING_H

/* dst = src, truncated. dst and src may be the same buffer. */
static inline void stp_str_copy(char *dst, const char *src)
{
	if (dst != src)
		strscpy(dst, src, MAXSTRINGLEN);
}

/* dst .= src, truncated; src may be dst itself (s .= s). */
static inline void stp_str_append(char *dst, const char *src)
{
	size_t n = strnlen(dst, MAXSTRINGLEN - 1), m;

	if (n >= MAXSTRINGLEN - 1)
		return;
	m = strnlen(src, MAXSTRINGLEN - 1 - n);
	memmove(dst + n, src, m);
	dst[n + m] = '\0';
}

/* dst = a . b; dst must not alias b (the generator gives dst a temporary). */
static inline void stp_str_concat(char *dst, const char *a, const char *b)
{
	stp_str_copy(dst, a);
	stp_str_append(dst, b);
}

/* The decimal text of a long (stap's string(), sprint of a long). */
static inline void stp_str_from_long(char *dst, int64_t v)
{
	snprintf(dst, MAXSTRINGLEN, "%lld", (long long)v);
}

/* Three-way comparison for < <= > >= == != on strings. */
static inline int stp_str_cmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

/*
 * Division and modulo: the generator has already checked y != 0 (stap's
 * "division by 0" error); x / -1 is computed without the INT64_MIN trap.
 */
static inline int64_t stp_div(int64_t x, int64_t y)
{
	if (y == -1)
		return (int64_t)(0 - (uint64_t)x);
	return div64_s64(x, y);
}

static inline int64_t stp_mod(int64_t x, int64_t y)
{
	if (y == -1)
		return 0;
	return x - div64_s64(x, y) * y;
}

/* Shifts as the C compiler stap generates for: counts are taken mod 64
 * so no shift is undefined behaviour in the kernel. */
static inline int64_t stp_shl(int64_t x, int64_t n)
{
	return (int64_t)((uint64_t)x << (n & 63));
}

static inline int64_t stp_shr(int64_t x, int64_t n)
{
	return x >> (n & 63);
}

/*
 * A NUL-terminated string of at most maxlen - 1 bytes from kernel or user
 * memory, for the conversion tapsets. strncpy_from_{kernel,user}_nofault
 * are not exported to modules (6.1), so this copies with the exported
 * copy_from_*_nofault, one page at a time: a string that ends before a
 * page boundary never touches the next page. 0, or -EFAULT (dst empty).
 */
static __maybe_unused int stp_read_str(char *dst, unsigned long addr, size_t maxlen, bool user)
{
	size_t done = 0;

	if (maxlen > MAXSTRINGLEN)
		maxlen = MAXSTRINGLEN;
	if (maxlen == 0)
		return 0;
	while (done < maxlen - 1) {
		unsigned long a = addr + done;
		size_t chunk = min_t(size_t, maxlen - 1 - done, PAGE_SIZE - (a & ~PAGE_MASK));
		long rc = user ? copy_from_user_nofault(dst + done, (const void __user *)a, chunk)
			       : copy_from_kernel_nofault(dst + done, (const void *)a, chunk);

		if (rc) {
			dst[0] = '\0';
			return -EFAULT;
		}
		if (memchr(dst + done, '\0', chunk))
			return 0;
		done += chunk;
	}
	dst[done] = '\0';
	return 0;
}

static inline int stp_kread_str(char *dst, unsigned long addr, size_t maxlen)
{
	return stp_read_str(dst, addr, maxlen, false);
}

static inline int stp_uread_str(char *dst, unsigned long addr, size_t maxlen)
{
	return stp_read_str(dst, addr, maxlen, true);
}

static inline int stp_kread(void *dst, unsigned long addr, size_t size)
{
	return copy_from_kernel_nofault(dst, (const void *)addr, size) ? -EFAULT : 0;
}

/*
 * Writes of size 1, 2, 4 or 8 bytes for $x = v in guru mode:
 * copy_to_kernel_nofault is not exported to modules, so the kernel's
 * fault-checked store (__put_kernel_nofault, exception-table based) is
 * used directly. 0, or -EFAULT for an unwritable address.
 */
static __maybe_unused int stp_kwrite(unsigned long addr, u64 v, int size)
{
	u8 v1 = v;
	u16 v2 = v;
	u32 v4 = v;

	if (addr < TASK_SIZE_MAX)
		return -EFAULT;		/* not a kernel address */
	pagefault_disable();
	switch (size) {
	case 1:
		__put_kernel_nofault((void *)addr, &v1, u8, fault);
		break;
	case 2:
		__put_kernel_nofault((void *)addr, &v2, u16, fault);
		break;
	case 4:
		__put_kernel_nofault((void *)addr, &v4, u32, fault);
		break;
	default:
		__put_kernel_nofault((void *)addr, &v, u64, fault);
	}
	pagefault_enable();
	return 0;
fault:
	pagefault_enable();
	return -EFAULT;
}

static inline int stp_kwrite_ulong(unsigned long *dst, int64_t v)
{
	return stp_kwrite((unsigned long)dst, (u64)v, sizeof(*dst));
}

static __maybe_unused int stp_uwrite(unsigned long addr, u64 v, int size)
{
	return copy_to_user_nofault((void __user *)addr, &v, size) ? -EFAULT : 0;
}

static inline int stp_uread(void *dst, unsigned long addr, size_t size)
{
	return copy_from_user_nofault(dst, (const void __user *)addr, size) ? -EFAULT : 0;
}

/*
 * stap's text_str(): escape a string as a C literal would show it
 * (\n, \t, \", \\, octal for the rest of the unprintables). With quoted,
 * surround with double quotes and end with "..." when truncated.
 */
static __maybe_unused void stp_text_str(char *dst, const char *src, size_t maxin, int quoted)
{
	size_t out = 0, cap = MAXSTRINGLEN - 1, i;
	int truncated = 0;

	if (quoted)
		cap -= 1;			/* closing quote */
	if (quoted)
		dst[out++] = '"';
	for (i = 0; src[i] && (!maxin || i < maxin); i++) {
		unsigned char ch = src[i];
		char esc[5];
		int n;

		switch (ch) {
		case '\a': n = 2, esc[0] = '\\', esc[1] = 'a'; break;
		case '\b': n = 2, esc[0] = '\\', esc[1] = 'b'; break;
		case '\f': n = 2, esc[0] = '\\', esc[1] = 'f'; break;
		case '\n': n = 2, esc[0] = '\\', esc[1] = 'n'; break;
		case '\r': n = 2, esc[0] = '\\', esc[1] = 'r'; break;
		case '\t': n = 2, esc[0] = '\\', esc[1] = 't'; break;
		case '\v': n = 2, esc[0] = '\\', esc[1] = 'v'; break;
		case '"': n = 2, esc[0] = '\\', esc[1] = '"'; break;
		case '\\': n = 2, esc[0] = '\\', esc[1] = '\\'; break;
		default:
			if (isprint(ch) && isascii(ch)) {
				n = 1;
				esc[0] = ch;
			} else {
				n = 4;
				esc[0] = '\\';
				esc[1] = '0' + ((ch >> 6) & 3);
				esc[2] = '0' + ((ch >> 3) & 7);
				esc[3] = '0' + (ch & 7);
			}
		}
		if (out + n > cap - (quoted ? 3 : 0)) {
			truncated = 1;
			break;
		}
		memcpy(dst + out, esc, n);
		out += n;
	}
	if (quoted) {
		dst[out++] = '"';
		if (truncated || (maxin && src[i] && i >= maxin)) {
			memcpy(dst + out, "...", 3);
			out += 3;
		}
	}
	dst[out] = '\0';
}

#endif /* STP_LANG_STRING_H */
