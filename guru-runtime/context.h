/* SPDX-License-Identifier: GPL-2.0 */
/*
 * context.h - the per-CPU probe context, errors and the safety limits.
 *
 * A probe hit runs with preemption disabled on one CPU and owns that CPU's
 * struct stp_context for its whole run: locals live in c->locals (kernel
 * stacks are small), output collects in c->outbuf, errors in c->error_buf.
 * A hit that finds its CPU's context busy (a probe fired inside another
 * probe's handler) is skipped and counted, as stap does.
 */
#ifndef STP_CONTEXT_H
#define STP_CONTEXT_H

/* The session, as stap's session_state. */
enum stp_state {
	STP_STATE_LOADED,	/* module loaded, waiting for guru-run's start */
	STP_STATE_STARTING,	/* begin probes running */
	STP_STATE_RUNNING,	/* armed */
	STP_STATE_STOPPING,	/* exit requested: disarm, end probes */
	STP_STATE_ERROR,	/* too many errors: disarm, error probes */
	STP_STATE_STOPPED,	/* end probes done, output flushed */
};

static atomic_t stp_state = ATOMIC_INIT(STP_STATE_LOADED);
static atomic_t stp_error_count = ATOMIC_INIT(0);
static atomic_t stp_skipped_count = ATOMIC_INIT(0);
static atomic_t stp_exit_requested = ATOMIC_INIT(0);

struct stp_context {
	int busy;			/* 1 while a probe hit owns it */
	const struct stp_probe *probe;	/* the probe being run */
	struct pt_regs *regs;		/* registers at the probe, or NULL */
	void *probe_data;		/* tracepoint args struct, kretprobe instance */
	void *entry;			/* KRETPROBE: entry_size bytes from the call */
	const char *last_error;		/* pending error message, or NULL */
	const char *last_stmt;		/* "near" text for ERROR lines, or NULL */
	long actions_left;		/* MAXACTION budget of this hit */
	int nesting;			/* script function call depth */
	size_t frame_used;		/* bytes of locals[] in use */
	size_t out_len;			/* pending stdout bytes in outbuf */
#ifdef STP_OVERLOAD
	cycles_t cycles_base;		/* start of the current window */
	cycles_t cycles_sum;		/* probe cycles in this window */
#endif
	char error_buf[MAXSTRINGLEN + 128];
	char outbuf[STP_PRINT_BUF_SIZE];
	char locals[STP_LOCALS_SIZE] __aligned(16);
};

static DEFINE_PER_CPU(struct stp_context *, stp_cpu_context);

static void stp_exit(void);
static void stp_transport_write(int stream, const char *buf, size_t len);
static void stp_transport_printf(int stream, const char *fmt, ...)
	__printf(2, 3);

/* Output streams of the transport (see transport.h). */
#define STP_STREAM_STDOUT 1
#define STP_STREAM_STDERR 2

/*
 * Record a run-time error. The generated code checks c->last_error after
 * anything that can fail and jumps to its exit (or catch) label.
 */
static __printf(2, 3) void stp_error(struct stp_context *c, const char *fmt, ...)
{
	va_list ap;

	if (c->last_error)
		return;		/* the first error of a hit is the one reported */
	va_start(ap, fmt);
	vscnprintf(c->error_buf, sizeof(c->error_buf), fmt, ap);
	va_end(ap);
	c->last_error = c->error_buf;
}

/* catch { } consumed the error. */
static inline void stp_error_clear(struct stp_context *c)
{
	c->last_error = NULL;
}

/*
 * Charge n statements against MAXACTION. Nonzero (with the error set)
 * when the budget is spent: the caller jumps to its exit label.
 */
static inline int stp_actions(struct stp_context *c, long n)
{
	c->actions_left -= n;
	if (unlikely(c->actions_left < 0)) {
		stp_error(c, "MAXACTION exceeded");
		return 1;
	}
	return 0;
}
#define STP_ACTIONS(c, n) stp_actions((c), (n))

/* Around every call of a script function. */
static inline int stp_nest_enter(struct stp_context *c)
{
	if (unlikely(c->nesting >= MAXNESTING)) {
		stp_error(c, "MAXNESTING exceeded");
		return 1;
	}
	c->nesting++;
	return 0;
}

static inline void stp_nest_exit(struct stp_context *c)
{
	c->nesting--;
}

/* Frame memory for a function's (or probe's) locals, 16-byte granules. */
static inline void *stp_frame_push(struct stp_context *c, size_t size)
{
	void *p;

	size = ALIGN(size, 16);
	if (unlikely(c->frame_used + size > STP_LOCALS_SIZE)) {
		stp_error(c, "MAXNESTING exceeded (locals need more than %d bytes)",
			  STP_LOCALS_SIZE);
		return NULL;
	}
	p = c->locals + c->frame_used;
	memset(p, 0, size);
	c->frame_used += size;
	return p;
}

static inline void stp_frame_pop(struct stp_context *c, size_t size)
{
	c->frame_used -= ALIGN(size, 16);
}

/* Commit the hit's pending stdout as one record. */
static void stp_print_flush(struct stp_context *c)
{
	if (c->out_len) {
		stp_transport_write(STP_STREAM_STDOUT, c->outbuf, c->out_len);
		c->out_len = 0;
	}
}

static void stp_print(struct stp_context *c, const char *buf, size_t len)
{
	while (len) {
		size_t n = min(len, sizeof(c->outbuf) - c->out_len);

		memcpy(c->outbuf + c->out_len, buf, n);
		c->out_len += n;
		buf += n;
		len -= n;
		if (c->out_len == sizeof(c->outbuf))
			stp_print_flush(c);
	}
}

static inline void stp_print_str(struct stp_context *c, const char *s)
{
	stp_print(c, s, strlen(s));
}

/* Raw stderr, in order with the hit's stdout. */
static void stp_eprint(struct stp_context *c, const char *buf, size_t len)
{
	stp_print_flush(c);
	stp_transport_write(STP_STREAM_STDERR, buf, len);
}

/* "WARNING: msg" on stderr (stap's warn()). */
static __printf(2, 3) __maybe_unused void stp_warn(struct stp_context *c, const char *fmt, ...)
{
	char buf[MAXSTRINGLEN + 16];
	va_list ap;
	int n;

	n = scnprintf(buf, sizeof(buf), "WARNING: ");
	va_start(ap, fmt);
	n += vscnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n && buf[n - 1] != '\n' && n < (int)sizeof(buf) - 1)
		buf[n++] = '\n';
	stp_eprint(c, buf, n);
}

/* Count an error, and end the script past MAXERRORS (stap's semantics:
 * end probes are then skipped, error probes run instead). */
static void stp_count_error(void)
{
	if (atomic_inc_return(&stp_error_count) > MAXERRORS) {
		int s = atomic_read(&stp_state);

		if (s == STP_STATE_STARTING || s == STP_STATE_RUNNING ||
		    s == STP_STATE_STOPPING)
			atomic_set(&stp_state, STP_STATE_ERROR);
		stp_exit();
	}
}

static void stp_report_error(struct stp_context *c)
{
	stp_print_flush(c);
	if (c->last_stmt)
		stp_transport_printf(STP_STREAM_STDERR, "ERROR: %s near %s\n",
				     c->last_error, c->last_stmt);
	else
		stp_transport_printf(STP_STREAM_STDERR, "ERROR: %s\n", c->last_error);
	c->last_error = NULL;
	stp_count_error();
}

static void stp_count_skipped(void)
{
	if (atomic_inc_return(&stp_skipped_count) > MAXSKIPPED) {
		if (atomic_cmpxchg(&stp_state, STP_STATE_RUNNING, STP_STATE_ERROR) ==
		    STP_STATE_RUNNING) {
			stp_transport_printf(STP_STREAM_STDERR, "ERROR: Skipped too many probes, "
					     "check MAXSKIPPED or try again with stap -t "
					     "for more details.\n");
			atomic_inc(&stp_error_count);
			stp_exit();
		}
	}
}

/* Which session state a probe kind runs in (folds to a constant where p
 * is an entry of the const stp_probes[] known at compile time). */
static __always_inline int stp_probe_state_for(const struct stp_probe *p)
{
	switch (p->kind) {
	case STP_PK_BEGIN:
		return STP_STATE_STARTING;
	case STP_PK_END:
		return STP_STATE_STOPPING;
	case STP_PK_ERROR:
		return STP_STATE_ERROR;
	default:
		return STP_STATE_RUNNING;
	}
}

/*
 * Claim this CPU's context for a hit that runs in session state `state`.
 * NULL: the hit does not run (wrong session state, or skipped and
 * counted: the context is busy, or less than MINSTACKSPACE of stack is
 * left). Returns with preemption disabled and c->busy still clear.
 */
static __always_inline struct stp_context *stp_context_claim(int state)
{
	struct stp_context *c;

	if (atomic_read(&stp_state) != state)
		return NULL;
	preempt_disable();
	c = this_cpu_read(stp_cpu_context);
	/*
	 * Only this CPU touches c, and whatever interrupts us here (an
	 * interrupt, an NMI) runs to completion before we resume, so a plain
	 * test-and-set ordered by compiler barriers is enough: no locked
	 * instruction on the hot path.
	 */
	if (unlikely(READ_ONCE(c->busy)))
		goto skip;
	/* MINSTACKSPACE: the distance to the bottom of this stack (the
	 * register, not the address of a local: no stack-protector canary) */
	if (unlikely((current_stack_pointer & (THREAD_SIZE - 1)) < MINSTACKSPACE))
		goto skip;
	return c;
skip:
	preempt_enable();
	stp_count_skipped();
	return NULL;
}

/* Take the claimed context for a hit of p: the handler may run. */
static __always_inline void stp_context_setup(struct stp_context *c, const struct stp_probe *p,
					      int state, struct pt_regs *regs, void *data)
{
	WRITE_ONCE(c->busy, 1);
	barrier();
	c->probe = p;
	c->regs = regs;
	c->probe_data = data;
	c->last_error = NULL;
	c->last_stmt = NULL;
	c->nesting = 0;
	c->frame_used = 0;
	c->out_len = 0;
	c->actions_left = state == STP_STATE_RUNNING ? MAXACTION : MAXACTION_INTERRUPTIBLE;
}

/*
 * Claim this CPU's context for a hit of p. NULL: the hit does not run
 * (wrong session state, or skipped and counted). Returns with preemption
 * disabled; pair with stp_context_exit().
 */
static inline struct stp_context *stp_context_enter(const struct stp_probe *p,
						     struct pt_regs *regs, void *data)
{
	int state = stp_probe_state_for(p);
	struct stp_context *c = stp_context_claim(state);

	if (c)
		stp_context_setup(c, p, state, regs, data);
	return c;
}

/* The start of a hit, for overload accounting (free without it). */
static __always_inline cycles_t stp_hit_start(void)
{
#ifdef STP_OVERLOAD
	return get_cycles();
#else
	return 0;
#endif
}

/* Overload detection, stap's: probe cycles per STP_OVERLOAD_INTERVAL. */
static __always_inline void stp_overload_account(struct stp_context *c, cycles_t start)
{
#ifdef STP_OVERLOAD
	cycles_t now = get_cycles();

	c->cycles_sum += now - start;
	if (now - c->cycles_base > STP_OVERLOAD_INTERVAL) {
		c->cycles_base = now;
		c->cycles_sum = 0;
	} else if (unlikely(c->cycles_sum > STP_OVERLOAD_THRESHOLD)) {
		stp_transport_printf(STP_STREAM_STDERR,
				     "ERROR: probe overhead (%lld cycles) exceeded "
				     "threshold (%lld cycles) in last %lld cycles\n",
				     (long long)c->cycles_sum,
				     (long long)STP_OVERLOAD_THRESHOLD,
				     (long long)STP_OVERLOAD_INTERVAL);
		c->cycles_sum = 0;
		stp_count_error();
	}
#endif
}

/* The end of a hit run in session state `state`: errors, output, overload
 * accounting (RUNNING hits only), release of the context. */
static __always_inline void stp_context_release(struct stp_context *c, cycles_t start,
						int state)
{
	if (unlikely(c->last_error))
		stp_report_error(c);
	if (c->out_len)
		stp_print_flush(c);
	if (state == STP_STATE_RUNNING)
		stp_overload_account(c, start);
	c->probe = NULL;
	barrier();
	WRITE_ONCE(c->busy, 0);
	preempt_enable();
}

static inline void stp_context_exit(struct stp_context *c, cycles_t start)
{
	stp_context_release(c, start, stp_probe_state_for(c->probe));
}

/*
 * The hot path of a hit, inlined into each probe kind's entry. Where the
 * entry is generated per probe (kernel.function: probe_kprobe.h), state
 * and handler are compile-time constants: the handler is a direct call,
 * and a handler the translator knows to be empty is NULL: such a hit only
 * checks the session state and counts itself skipped where stap would
 * (busy context, MINSTACKSPACE); it reads no clock (an empty body adds
 * nothing to the overload sum) and sets up no context.
 */
static __always_inline void stp_probe_run(const struct stp_probe *p, int state,
					  void (*handler)(struct stp_context *c),
					  struct pt_regs *regs, void *data)
{
	struct stp_context *c;
	cycles_t start;

	if (!handler) {
		if (stp_context_claim(state))
			preempt_enable();
		return;
	}
	start = stp_hit_start();
	c = stp_context_claim(state);
	if (!c)
		return;
	stp_context_setup(c, p, state, regs, data);
	handler(c);
	stp_context_release(c, start, state);
}

/* The one entry of every probe kind whose entry is not generated per
 * probe: run p's handler for this hit. */
static void stp_probe_hit(const struct stp_probe *p, struct pt_regs *regs, void *data)
{
	stp_probe_run(p, stp_probe_state_for(p), p->handler, regs, data);
}

static int stp_contexts_alloc(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct stp_context *c = vzalloc(sizeof(struct stp_context));

		if (!c)
			return -ENOMEM;
#ifdef STP_OVERLOAD
		c->cycles_base = get_cycles();
#endif
		per_cpu(stp_cpu_context, cpu) = c;
	}
	return 0;
}

static void stp_contexts_free(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		vfree(per_cpu(stp_cpu_context, cpu));
		per_cpu(stp_cpu_context, cpu) = NULL;
	}
}

#endif /* STP_CONTEXT_H */
