/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_timer.h - timer.s/ms/us/ns/hz(N) (one hrtimer per probe),
 * timer.jiffies(N) (a timer_list), each with .randomize(M); and
 * timer.profile (an hrtimer per CPU and probe at HZ, pinned).
 *
 * The handlers run in timer (interrupt) context, like stap's: pid(),
 * execname() and the registers are the interrupted task's. timer.jiffies
 * runs in the timer softirq (on PREEMPT_RT: in the ktimers/N thread).
 */
#ifndef STP_PROBE_TIMER_H
#define STP_PROBE_TIMER_H

/*
 * The hrtimers are HARD: on PREEMPT_RT an hrtimer without that mode
 * expires in the ktimers/N thread, and every hit of timer.profile would
 * sample that thread instead of the interrupted task. The handlers take
 * only raw spinlocks, as kprobe handlers must anyway. Elsewhere HARD is
 * what the plain modes already do.
 */
#ifdef STP_HAVE_HRTIMER_MODE_HARD
#define STP_HRTIMER_REL HRTIMER_MODE_REL_HARD
#define STP_HRTIMER_REL_PINNED HRTIMER_MODE_REL_PINNED_HARD
#else
#define STP_HRTIMER_REL HRTIMER_MODE_REL
#define STP_HRTIMER_REL_PINNED HRTIMER_MODE_REL_PINNED
#endif

struct stp_timer;

/* A CPU's hrtimer of a timer.profile probe, and the probe it belongs to
 * (a module may have several timer.profile probes: each has its own). */
struct stp_profile_timer {
	struct hrtimer hr;
	struct stp_timer *owner;
};

struct stp_timer {
	const struct stp_probe *probe;
	struct hrtimer hr;
	struct timer_list tl;
	struct stp_profile_timer __percpu *profile;	/* timer.profile: one per CPU */
	int stopping;
};

/* interval +- randomize, uniformly */
static u64 stp_timer_period(const struct stp_probe *p)
{
	u64 ns = p->interval_ns;

	if (p->randomize_ns) {
		u32 span = (u32)min_t(u64, 2 * p->randomize_ns + 1, U32_MAX);
#ifdef STP_HAVE_GET_RANDOM_U32_BELOW
		u64 r = get_random_u32_below(span);
#else
		u64 r = prandom_u32_max(span);
#endif
		ns = ns + r > p->randomize_ns ? ns + r - p->randomize_ns : 1;
	}
	return max_t(u64, ns, 1000);	/* 1 us floor: a 0 period would hang a CPU */
}

static void stp_timer_init_hr(struct hrtimer *hr, enum hrtimer_restart (*fn)(struct hrtimer *),
			      enum hrtimer_mode mode)
{
#ifdef STP_HAVE_HRTIMER_SETUP
	hrtimer_setup(hr, fn, CLOCK_MONOTONIC, mode);
#else
	hrtimer_init(hr, CLOCK_MONOTONIC, mode);
	hr->function = fn;
#endif
}

static enum hrtimer_restart stp_timer_hr_fn(struct hrtimer *hr)
{
	struct stp_timer *t = container_of(hr, struct stp_timer, hr);

	stp_probe_hit(t->probe, get_irq_regs(), NULL);
	if (READ_ONCE(t->stopping))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(hr, ns_to_ktime(stp_timer_period(t->probe)));
	return HRTIMER_RESTART;
}

static void stp_timer_tl_fn(struct timer_list *tl)
{
	struct stp_timer *t = container_of(tl, struct stp_timer, tl);
	const struct stp_probe *p = t->probe;
	unsigned long j = p->jiffies;

	stp_probe_hit(p, get_irq_regs(), NULL);
	if (p->randomize_ns) {
#ifdef STP_HAVE_GET_RANDOM_U32_BELOW
		j += get_random_u32_below(2 * p->randomize_ns + 1);
#else
		j += prandom_u32_max(2 * p->randomize_ns + 1);
#endif
		j = j > p->randomize_ns ? j - p->randomize_ns : 1;
	}
	if (!READ_ONCE(t->stopping))
		mod_timer(tl, jiffies + max(1UL, j));
}

/* timer.profile: one pinned hrtimer per CPU and probe, at HZ. */
static enum hrtimer_restart stp_timer_profile_fn(struct hrtimer *hr)
{
	struct stp_timer *t = container_of(hr, struct stp_profile_timer, hr)->owner;

	stp_probe_hit(t->probe, get_irq_regs(), NULL);
	if (READ_ONCE(t->stopping))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(hr, ns_to_ktime(NSEC_PER_SEC / HZ));
	return HRTIMER_RESTART;
}

static void stp_timer_profile_start(void *info)
{
	struct stp_timer *t = info;
	struct hrtimer *hr = &this_cpu_ptr(t->profile)->hr;

	hrtimer_start(hr, ns_to_ktime(NSEC_PER_SEC / HZ), STP_HRTIMER_REL_PINNED);
}

static int stp_timer_arm(const struct stp_probe *p, void *state)
{
	struct stp_timer *t = state;
	unsigned int cpu;

	memset(t, 0, sizeof(*t));
	t->probe = p;
	if (p->kind == STP_PK_TIMER_PROFILE) {
		t->profile = alloc_percpu(struct stp_profile_timer);
		if (!t->profile)
			return -ENOMEM;
		for_each_possible_cpu(cpu) {
			per_cpu_ptr(t->profile, cpu)->owner = t;
			stp_timer_init_hr(&per_cpu_ptr(t->profile, cpu)->hr, stp_timer_profile_fn,
					  STP_HRTIMER_REL_PINNED);
		}
		on_each_cpu(stp_timer_profile_start, t, 1);
		return 0;
	}
	if (p->jiffies) {
		timer_setup(&t->tl, stp_timer_tl_fn, 0);
		mod_timer(&t->tl, jiffies + max(1, p->jiffies));
		return 0;
	}
	stp_timer_init_hr(&t->hr, stp_timer_hr_fn, STP_HRTIMER_REL);
	hrtimer_start(&t->hr, ns_to_ktime(stp_timer_period(p)), STP_HRTIMER_REL);
	return 0;
}

static void stp_timer_disarm(const struct stp_probe *p, void *state)
{
	struct stp_timer *t = state;
	unsigned int cpu;

	WRITE_ONCE(t->stopping, 1);
	if (t->profile) {
		for_each_possible_cpu(cpu)
			hrtimer_cancel(&per_cpu_ptr(t->profile, cpu)->hr);
		free_percpu(t->profile);
		t->profile = NULL;
	} else if (p->jiffies) {
#ifdef STP_HAVE_TIMER_DELETE_SYNC
		timer_delete_sync(&t->tl);
#else
		del_timer_sync(&t->tl);
#endif
	} else {
		hrtimer_cancel(&t->hr);
	}
}

#endif /* STP_PROBE_TIMER_H */
