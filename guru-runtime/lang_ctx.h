/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang_ctx.h - what generated code and embedded C read from the probe's
 * context: probe arguments for target variables, value extension, the
 * `next` unwinding marker, and STAP_PRINTF for embedded C.
 */
#ifndef STP_LANG_CTX_H
#define STP_LANG_CTX_H

/*
 * `next` inside a script function: the function sets this marker as its
 * "error" so every caller unwinds to the probe handler, which clears it
 * (a catch block lets it pass).
 */
static const char stp_next_mark[] = "next";

/* Truncate v to size bytes, then sign- or zero-extend. */
static inline int64_t stp_extend(int64_t v, int size, int is_signed)
{
	int shift = 64 - 8 * size;

	if (size <= 0 || size >= 8)
		return v;
	if (is_signed)
		return (int64_t)((uint64_t)v << shift) >> shift;
	return (int64_t)(((uint64_t)v << shift) >> shift);
}

/* Bits [off, off + bits) of v. */
static inline int64_t stp_bitfield(int64_t v, long off, int bits, int is_signed)
{
	uint64_t u = (uint64_t)v >> (off & 63);

	if (bits <= 0 || bits >= 64)
		return (int64_t)u;
	u &= (1ULL << bits) - 1;
	if (is_signed && (u >> (bits - 1)) & 1)
		u |= ~((1ULL << bits) - 1);
	return (int64_t)u;
}

/*
 * Argument n of the probed function (kprobe: the x86-64 argument
 * registers) or of the tracepoint (the generated callback packs its
 * arguments as u64s into probe_data).
 */
static inline int64_t stp_probe_arg(struct stp_context *c, long n)
{
	const struct pt_regs *r = c->regs;

	if (c->probe && c->probe->kind == STP_PK_TRACEPOINT)
		return c->probe_data ? (int64_t)((const u64 *)c->probe_data)[n] : 0;
	if (!r)
		return 0;
	switch (n) {
	case 0: return r->di;
	case 1: return r->si;
	case 2: return r->dx;
	case 3: return r->cx;
	case 4: return r->r8;
	case 5: return r->r9;
	}
	return 0;
}

/* Argument n of a system call, from the user registers __x64_sys_*
 * receives as its only argument. */
static inline int64_t stp_syscall_arg(struct stp_context *c, long n)
{
	const struct pt_regs *u;

	if (!c->regs)
		return 0;
	u = (const struct pt_regs *)c->regs->di;
	switch (n) {
	case 0: return u->di;
	case 1: return u->si;
	case 2: return u->dx;
	case 3: return u->r10;
	case 4: return u->r8;
	case 5: return u->r9;
	}
	return 0;
}

/*
 * Writes to target variables (guru mode: $x = v). A register write goes to
 * the probe's saved registers, which the kernel restores when the probed
 * code goes on (a kprobe's argument registers, a kretprobe's return
 * value). Nonzero when there are no registers to write.
 */
static inline int stp_set_probe_arg(struct stp_context *c, long n, int64_t v)
{
	struct pt_regs *r = c->regs;

	if (!r || (c->probe && c->probe->kind == STP_PK_TRACEPOINT))
		return -EINVAL;
	switch (n) {
	case 0: r->di = v; break;
	case 1: r->si = v; break;
	case 2: r->dx = v; break;
	case 3: r->cx = v; break;
	case 4: r->r8 = v; break;
	case 5: r->r9 = v; break;
	default: return -EINVAL;
	}
	return 0;
}

static inline int stp_set_retval(struct stp_context *c, int64_t v)
{
	if (!c->regs)
		return -EINVAL;
	regs_set_return_value(c->regs, v);
	return 0;
}

static inline int stp_set_syscall_arg(struct stp_context *c, long n, int64_t v)
{
	struct pt_regs *u;

	if (!c->regs)
		return -EINVAL;
	u = (struct pt_regs *)c->regs->di;
	switch (n) {
	case 0: return stp_kwrite_ulong(&u->di, v);
	case 1: return stp_kwrite_ulong(&u->si, v);
	case 2: return stp_kwrite_ulong(&u->dx, v);
	case 3: return stp_kwrite_ulong(&u->r10, v);
	case 4: return stp_kwrite_ulong(&u->r8, v);
	case 5: return stp_kwrite_ulong(&u->r9, v);
	}
	return -EINVAL;
}

/* Bits [off, off + bits) of old replaced by v. */
static inline u64 stp_bitfield_insert(u64 old, long off, int bits, u64 v)
{
	u64 mask = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1) << (off & 63);

	return (old & ~mask) | ((v << (off & 63)) & mask);
}

/* One value of a pretty-printed target variable ($$parms, $x$). */
static void __maybe_unused stp_tvar_pretty(char *dst, int64_t v, int fmt)
{
	char buf[MAXSTRINGLEN];

	switch (fmt) {
	case 0:	/* hex */
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
		break;
	case 1:	/* signed decimal */
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
		break;
	case 2:	/* unsigned decimal */
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
		break;
	case 3: {	/* string at the address */
		char s[MAXSTRINGLEN];

		if (stp_kread_str(s, (unsigned long)v, sizeof(s)))
			strscpy(buf, "?", sizeof(buf));
		else
			stp_text_str(buf, s, 0, 1);
		break;
	}
	case 5: {	/* string at a user address (process probes) */
		char s[MAXSTRINGLEN];

		if (stp_uread_str(s, (unsigned long)v, sizeof(s)))
			strscpy(buf, "?", sizeof(buf));
		else
			stp_text_str(buf, s, 0, 1);
		break;
	}
	default:	/* char */
		if (isprint((int)(v & 0xff)))
			snprintf(buf, sizeof(buf), "'%c'", (int)(v & 0xff));
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)v);
	}
	stp_str_append(dst, buf);
}

/* STAP_PRINTF(fmt, ...) in embedded C: the kernel's printf formats. */
static __maybe_unused __printf(2, 3) void stp_print_c(struct stp_context *c,
						       const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(buf)) {
		stp_print(c, buf, n);
		return;
	}
	/* longer than the stack buffer: what fits is printed */
	stp_print(c, buf, sizeof(buf) - 1);
}

/* target(): the process of -x PID or -c CMD (guru-run passes it). */
static long stp_target_pid;
module_param_named(_stp_target, stp_target_pid, long, 0444);
MODULE_PARM_DESC(_stp_target, "target() of the script (gstap -x / -c)");

/* tokenize()'s position, per CPU (a probe hit keeps its CPU). */
struct stp_tokenizer {
	char *start;
	char str[MAXSTRINGLEN];
};

static struct stp_tokenizer *stp_tokenizers;	/* [nr_cpu_ids] */

static inline struct stp_tokenizer *stp_tokenizer(void)
{
	return &stp_tokenizers[smp_processor_id()];
}

static int stp_regex_init(void);
static void stp_regex_free(void);

/* The language library's own state; called by stp_globals_init/free. */
static int __maybe_unused stp_lang_init(void)
{
	stp_tokenizers = vzalloc(sizeof(*stp_tokenizers) * nr_cpu_ids);
	if (!stp_tokenizers || stp_regex_init())
		return -ENOMEM;
	return 0;
}

static void __maybe_unused stp_lang_free(void)
{
	vfree(stp_tokenizers);
	stp_tokenizers = NULL;
	stp_regex_free();
}

#endif /* STP_LANG_CTX_H */
