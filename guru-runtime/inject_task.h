/* inject_task.h - injection at the entry and return of kernel functions
 * called in process context (the syscall hooks: __x64_sys_NAME).
 *
 * Delay and hang (NOTES.md mechanism 2): the kprobe pre-handler claims a
 * sleeper slot and sets regs->ip to stp_inject_sleep_tramp(), a function
 * taking the six argument registers. The handler returns 1, so the probed
 * function does not run; the trampoline runs in the caller's context
 * instead, sleeps killably on an hrtimer (no CPU burnt), frees the slot
 * and tail-calls the original function with the same registers, just past
 * its `call __fentry__` when the kprobe is ftrace-based (the x86 default
 * at a function's entry): the function runs without a second hit of the
 * probe. Under an int3 kprobe the probed instruction cannot be skipped:
 * the trampoline marks the slot "bypass" and calls the entry, which hits
 * the probe again; the bypass mark (this task, this address) lets it
 * through once. After the tail call no frame of ours
 * is on the stack, so a call that then blocks for ever (a read on a pipe)
 * does not pin the module.
 *
 * Error before: regs->di := -errno and regs->ip := stp_inject_ret_arg(),
 * which returns its first argument: the function is skipped and its caller
 * sees the errno. Error after: a kretprobe handler replaces regs->ax.
 *
 * The kprobe handler that calls these must return 1 when regs->ip was
 * changed (the runtime does so when the probe body moved the ip).
 */
#ifndef STP_INJECT_TASK_H
#define STP_INJECT_TASK_H

#include <linux/fdtable.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/spinlock.h>

#include "inject_core.h"

enum { STP_SLEEPER_FREE, STP_SLEEPER_SLEEPING, STP_SLEEPER_BYPASS };

struct stp_inject_sleeper {
	struct task_struct *task;
	unsigned long addr;		/* the function to run after the sleep */
	u64 start, until;		/* ktime_get_ns() */
	int rule;
	int state;
	int direct;			/* addr is past the ftrace call: no bypass */
};

static struct stp_inject_sleeper stp_inject_sleepers[STP_INJECT_MAXSLEEPERS];
/* raw: the kprobe handlers take it with interrupts or preemption off, and
 * on PREEMPT_RT a spinlock_t is a sleeping lock (rt_mutex) */
static DEFINE_RAW_SPINLOCK(stp_inject_sleep_lock);
static int stp_inject_sleepers_hw;	/* slots ever used: the scans' bound */
static atomic_t stp_inject_nsleepers;	/* slots in use: skips the scan when 0 */
static atomic_t stp_inject_in_tramp;	/* tasks redirected and not yet gone */
static atomic_t stp_inject_sleep_max;	/* high-water mark of in_tramp */

typedef long (*stp_inject_fn6)(unsigned long, unsigned long, unsigned long,
			       unsigned long, unsigned long, unsigned long);

/* The probed function's address: the handler sees ip just past the
 * breakpoint (int3, or the ftrace emulation of it). */
static unsigned long stp_inject_probed_addr(struct pt_regs *regs)
{
	return instruction_pointer(regs) - sizeof(kprobe_opcode_t);
}

static struct stp_inject_sleeper *stp_inject_find_sleeper(struct task_struct *t,
							  int state)
{
	int k;

	for (k = 0; k < stp_inject_sleepers_hw; k++)
		if (stp_inject_sleepers[k].task == t &&
		    stp_inject_sleepers[k].state == state)
			return &stp_inject_sleepers[k];
	return NULL;
}

/* At every hit of a task hook, before the rules: the trampoline's own call
 * of the original passes once. Returns 1 to skip the rules. */
static int __maybe_unused stp_inject_task_bypass(struct pt_regs *regs)
{
	unsigned long addr = stp_inject_probed_addr(regs), flags;
	struct stp_inject_sleeper *s;
	int found = 0;

	if (!atomic_read(&stp_inject_nsleepers))
		return 0;
	raw_spin_lock_irqsave(&stp_inject_sleep_lock, flags);
	s = stp_inject_find_sleeper(current, STP_SLEEPER_BYPASS);
	if (s && s->addr == addr) {
		s->task = NULL;
		s->state = STP_SLEEPER_FREE;
		atomic_dec(&stp_inject_nsleepers);
		found = 1;
	}
	raw_spin_unlock_irqrestore(&stp_inject_sleep_lock, flags);
	return found;
}

/*
 * Where the trampoline resumes the probed function. An ftrace-based kprobe
 * (the x86 default at a function's entry) leaves the function's 5-byte
 * `call __fentry__` site in place, patched to call ftrace's trampoline: it
 * does nothing but trace, so resuming past it runs the function as if
 * untraced (*direct = 1). An int3 kprobe has put 0xcc over the first
 * byte of a real instruction: resume at the entry and let the bypass mark
 * pass that hit once. (current_kprobe, which would say which, is not
 * exported to modules; the byte at the site says it as well.)
 */
#define STP_INJECT_CALL_OPCODE 0xe8

static unsigned long stp_inject_resume_addr(struct pt_regs *regs, int *direct)
{
	unsigned long addr = stp_inject_probed_addr(regs);

	*direct = 0;
#if defined(CONFIG_KPROBES_ON_FTRACE) && defined(MCOUNT_INSN_SIZE)
	if (*(const u8 *)addr == STP_INJECT_CALL_OPCODE) {
		*direct = 1;
		return addr + MCOUNT_INSN_SIZE;
	}
#endif
	return addr;
}

static noinline long stp_inject_ret_arg(long v)
{
	return v;
}

static noinline long stp_inject_sleep_tramp(unsigned long a0, unsigned long a1,
					    unsigned long a2, unsigned long a3,
					    unsigned long a4, unsigned long a5)
{
	struct stp_inject_sleeper *s;
	unsigned long addr, flags;
	u64 until, start;
	int rule;

	raw_spin_lock_irqsave(&stp_inject_sleep_lock, flags);
	s = stp_inject_find_sleeper(current, STP_SLEEPER_SLEEPING);
	/* the handler claimed the slot before moving the ip: it is there */
	until = s->until;
	start = s->start;
	rule = s->rule;
	raw_spin_unlock_irqrestore(&stp_inject_sleep_lock, flags);

	for (;;) {
		ktime_t t = ns_to_ktime(until);

		set_current_state(TASK_KILLABLE);
		if (!atomic_read(&stp_inject.armed) || ktime_get_ns() >= until ||
		    fatal_signal_pending(current))
			break;
		schedule_hrtimeout_range(&t, 0, HRTIMER_MODE_ABS);
	}
	__set_current_state(TASK_RUNNING);
	stp_inject_account(&stp_inject.rules[rule], start, until, ktime_get_ns());

	raw_spin_lock_irqsave(&stp_inject_sleep_lock, flags);
	addr = s->addr;
	if (s->direct) {
		s->task = NULL;
		s->state = STP_SLEEPER_FREE;
		atomic_dec(&stp_inject_nsleepers);
	} else {
		s->state = STP_SLEEPER_BYPASS;
	}
	raw_spin_unlock_irqrestore(&stp_inject_sleep_lock, flags);
	atomic_dec(&stp_inject_in_tramp);
	/* a sibling call: the original returns straight to our caller */
	return ((stp_inject_fn6)addr)(a0, a1, a2, a3, a4, a5);
}

/* Wake every sleeper now (disarm). Any context. */
static void stp_inject_wake_sleepers(void)
{
	unsigned long flags;
	int k;

	raw_spin_lock_irqsave(&stp_inject_sleep_lock, flags);
	for (k = 0; k < STP_INJECT_MAXSLEEPERS; k++)
		if (stp_inject_sleepers[k].state == STP_SLEEPER_SLEEPING)
			wake_up_process(stp_inject_sleepers[k].task);
	raw_spin_unlock_irqrestore(&stp_inject_sleep_lock, flags);
}

/* The fd-based conditions (path prefix, device) for a syscall whose
 * argument 'argno' is a file descriptor. */
static int stp_inject_match_fd(const struct stp_inject_rule *r, struct pt_regs *regs,
			       int argno)
{
	const struct pt_regs *u = (const struct pt_regs *)regs->di;
	static const int off[] = {
		offsetof(struct pt_regs, di), offsetof(struct pt_regs, si),
		offsetof(struct pt_regs, dx), offsetof(struct pt_regs, r10),
	};
	char buf[STP_INJECT_PATHLEN];
	struct file *f;
	int fd, ok = 1;

	if (!(r->match & (STP_INJECT_M(PATH) | STP_INJECT_M(DEVICE))))
		return 1;
	if (argno < 0 || argno >= (int)ARRAY_SIZE(off))
		return 0;
	fd = (int)*(const unsigned long *)((const char *)u + off[argno]);
	rcu_read_lock();
	f = current->files ? files_lookup_fd_rcu(current->files, fd) : NULL;
	if (!f) {
		ok = 0;
	} else {
		if ((r->match & STP_INJECT_M(DEVICE)) && file_inode(f)->i_sb->s_dev != r->dev)
			ok = 0;
		if (ok && (r->match & STP_INJECT_M(PATH))) {
			char *p = d_path(&f->f_path, buf, sizeof(buf));

			ok = !IS_ERR(p) && !strncmp(p, r->path, strlen(r->path));
		}
	}
	rcu_read_unlock();
	return ok;
}

/* The task's own fields first (every call of the hooked syscall by every
 * process comes here), the clock read of stp_inject_rule_live() after. */
static int stp_inject_task_matches(struct stp_inject_rule *r, struct pt_regs *regs,
				   int fd_argno)
{
	if (!r->used || !stp_inject_match_task(r) || !stp_inject_rule_live(r))
		return 0;
	if ((r->match & STP_INJECT_M(CGROUP)) && !stp_inject_task_cgroup_in(r->cgroup))
		return 0;
	return stp_inject_match_fd(r, regs, fd_argno);
}

/* Rule i at the entry of a task hook. fd_argno: which syscall argument is
 * a file descriptor (for path/device), -1 if none. Returns 1 when it acted
 * (the ip moved: the caller's handler must return 1), else 0. */
static int __maybe_unused stp_inject_task_enter(int i, struct pt_regs *regs, int fd_argno)
{
	struct stp_inject_rule *r = stp_inject_rule(i);
	struct stp_inject_sleeper *s = NULL;
	unsigned long flags;
	u64 n;
	int k;

	if (!r || (r->action == STP_INJECT_ACT_ERROR && r->after))
		return 0;
	if (!stp_inject_task_matches(r, regs, fd_argno))
		return 0;
	n = stp_inject_trigger(r, i);
	if (!n)
		return 0;
	if (r->action == STP_INJECT_ACT_ERROR) {
		regs->di = (unsigned long)(long)r->err;
		instruction_pointer_set(regs, (unsigned long)stp_inject_ret_arg);
		return 1;
	}

	raw_spin_lock_irqsave(&stp_inject_sleep_lock, flags);
	if (atomic_read(&stp_inject.armed) &&
	    !stp_inject_find_sleeper(current, STP_SLEEPER_SLEEPING)) {
		for (k = 0; k < STP_INJECT_MAXSLEEPERS; k++)
			if (stp_inject_sleepers[k].state == STP_SLEEPER_FREE) {
				s = &stp_inject_sleepers[k];
				break;
			}
	}
	if (s) {
		stp_inject_sleepers_hw = max(stp_inject_sleepers_hw, k + 1);
		s->task = current;
		s->addr = stp_inject_resume_addr(regs, &s->direct);
		s->rule = i;
		s->start = ktime_get_ns();
		s->until = stp_inject_hold_until(r, i, n);
		s->state = STP_SLEEPER_SLEEPING;
		atomic_inc(&stp_inject_nsleepers);
		stp_inject_high_water(&stp_inject_sleep_max,
				      atomic_inc_return(&stp_inject_in_tramp));
	}
	raw_spin_unlock_irqrestore(&stp_inject_sleep_lock, flags);
	if (!s) {
		stp_inject_uncount(r);
		return 0;
	}
	instruction_pointer_set(regs, (unsigned long)stp_inject_sleep_tramp);
	return 1;
}

/* Rule i at the return of a task hook (kretprobe handler): error after.
 * Returns 1 when it replaced the result. */
static int __maybe_unused stp_inject_task_return(int i, struct pt_regs *regs)
{
	struct stp_inject_rule *r = stp_inject_rule(i);

	if (!r || r->action != STP_INJECT_ACT_ERROR || !r->after)
		return 0;
	if (!stp_inject_task_matches(r, regs, -1) || !stp_inject_trigger(r, i))
		return 0;
	regs_set_return_value(regs, (unsigned long)(long)r->err);
	return 1;
}

/* Unload: every sleeper is awake (disarmed), wait until none is left in
 * our text, then for the few instructions after the count dropped. */
static void stp_inject_task_drain(void)
{
	while (atomic_read(&stp_inject_in_tramp) > 0) {
		stp_inject_wake_sleepers();
		msleep(1);
	}
	synchronize_rcu_tasks();
}

#endif
