/* inject_bio.h - injection on block IO, below every IO scheduler.
 *
 * Completion delay and hang (NOTES.md mechanism 3): a kprobe on bio_endio()
 * takes a held slot for a matching bio, arms the slot's hrtimer (softirq
 * mode) and sets regs->ip to stp_inject_bio_swallow(), an empty function, so
 * the completion returns at once and no task blocks. When the timer fires
 * (or at disarm) the bio is completed with bio_endio() under a per-CPU
 * bypass mark naming that bio. bio_endio() is the one completion path of
 * bio-based drivers and of blk-mq (blk_update_request -> bio_endio), so
 * both kinds of device behave alike and the queue is never touched.
 *
 * Errors: at completion the bio's status is set (the IO happened, the
 * submitter sees it fail: what failing hardware does to writeback); at
 * submission (submit_bio_noacct) the bio is failed without being issued,
 * which is the stage where sector ranges are meaningful (at completion the
 * iterator has already been advanced by the driver).
 *
 * A held slot moves FREE -> CLAIMED (being set up) -> HELD -> RELEASING ->
 * FREE; whoever wins HELD -> RELEASING (timer or disarm) completes the bio,
 * so a bio is completed exactly once.
 */
#ifndef STP_INJECT_BIO_H
#define STP_INJECT_BIO_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/bottom_half.h>
#include <linux/percpu.h>

#include "inject_core.h"

enum { STP_HELD_FREE, STP_HELD_CLAIMED, STP_HELD_HELD, STP_HELD_RELEASING };

struct stp_inject_held {
	struct hrtimer timer;
	struct bio *bio;
	u64 start, until;
	int rule;
	atomic_t state;
};

static struct stp_inject_held stp_inject_held[STP_INJECT_MAXHELD];
static atomic_t stp_inject_nheld, stp_inject_held_max;
static DEFINE_PER_CPU(struct bio *, stp_inject_bio_bypass);

/* Which STP_INJECT_OP_* a bio is. */
static unsigned int stp_inject_bio_ops(const struct bio *bio)
{
	unsigned int m = 0;

	switch (bio_op(bio)) {
	case REQ_OP_READ:
		m = STP_INJECT_OP_READ;
		break;
	case REQ_OP_WRITE:
		m = STP_INJECT_OP_WRITE;
		break;
	case REQ_OP_FLUSH:
		m = STP_INJECT_OP_FLUSH;
		break;
	case REQ_OP_DISCARD:
		m = STP_INJECT_OP_DISCARD;
		break;
	default:
		break;
	}
	if (bio->bi_opf & REQ_PREFLUSH)
		m |= STP_INJECT_OP_FLUSH;
	if (bio->bi_opf & REQ_FUA)
		m |= STP_INJECT_OP_FUA;
	return m;
}

/*
 * Cheapest and most selective test first: every bio of every device on
 * the machine passes through here, and almost none is the rule's. The
 * device (two loads and a compare) rejects them; the clock read of
 * stp_inject_rule_live() (an emulated HPET read under TCG: microseconds)
 * comes only after the device and the op matched.
 */
static int stp_inject_bio_matches(struct stp_inject_rule *r, struct bio *bio, int submit)
{
	struct block_device *bd = bio->bi_bdev;

	if (!bd || !r->bio)
		return 0;
	if (bd->bd_dev != r->dev && !(bd->bd_disk && disk_devt(bd->bd_disk) == r->dev))
		return 0;
	if (!(stp_inject_bio_ops(bio) & r->ops))
		return 0;
	if (!r->used || !stp_inject_rule_live(r))
		return 0;
	if (r->match & STP_INJECT_M(CGROUP)) {
		struct cgroup_subsys_state *css = bio_blkcg_css(bio);

		if (!css || !cgroup_is_descendant(css->cgroup, r->cgroup))
			return 0;
	}
	if (r->match & STP_INJECT_M(SECTORS)) {
		u64 first = bio->bi_iter.bi_sector;
		u64 last = first + (bio_sectors(bio) ? bio_sectors(bio) - 1 : 0);

		if (!submit || last < r->sector_first || first > r->sector_last)
			return 0;
	}
	/* the submitter is 'current' only at submission */
	if (submit && !stp_inject_match_task(r))
		return 0;
	return 1;
}

static noinline void stp_inject_bio_swallow(struct bio *bio)
{
	barrier();
}

/* Complete a bio ourselves: the probes let exactly this bio through. */
static void stp_inject_bio_endio(struct bio *bio)
{
	local_bh_disable();
	this_cpu_write(stp_inject_bio_bypass, bio);
	bio_endio(bio);
	this_cpu_write(stp_inject_bio_bypass, NULL);
	local_bh_enable();
}

/* Called by the winner of HELD -> RELEASING. */
static void stp_inject_held_release(struct stp_inject_held *h)
{
	struct bio *bio = h->bio;

	stp_inject_account(&stp_inject.rules[h->rule], h->start, h->until, ktime_get_ns());
	h->bio = NULL;
	stp_inject_bio_endio(bio);
	atomic_set(&h->state, STP_HELD_FREE);
	atomic_dec(&stp_inject_nheld);
}

static enum hrtimer_restart stp_inject_held_fn(struct hrtimer *t)
{
	struct stp_inject_held *h = container_of(t, struct stp_inject_held, timer);
	int old = atomic_cmpxchg(&h->state, STP_HELD_HELD, STP_HELD_RELEASING);

	if (old == STP_HELD_CLAIMED) {
		/* a zero delay fired before the holder finished: shortly */
		hrtimer_forward_now(t, ns_to_ktime(20 * NSEC_PER_USEC));
		return HRTIMER_RESTART;
	}
	if (old == STP_HELD_HELD)
		stp_inject_held_release(h);
	return HRTIMER_NORESTART;
}

/* Complete every held bio now (disarm). Never from hard irq context. */
static void stp_inject_release_held(void)
{
	int k;

	for (k = 0; k < STP_INJECT_MAXHELD; k++) {
		struct stp_inject_held *h = &stp_inject_held[k];

		if (atomic_cmpxchg(&h->state, STP_HELD_HELD, STP_HELD_RELEASING) !=
		    STP_HELD_HELD)
			continue;
		hrtimer_try_to_cancel(&h->timer);	/* a running callback loses */
		stp_inject_held_release(h);
	}
}

static void stp_inject_bio_init(void)
{
	int k;

	for (k = 0; k < STP_INJECT_MAXHELD; k++) {
		hrtimer_init(&stp_inject_held[k].timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_ABS_SOFT);
		stp_inject_held[k].timer.function = stp_inject_held_fn;
	}
}

static int stp_inject_bio_bypassed(struct bio *bio)
{
	return this_cpu_read(stp_inject_bio_bypass) == bio;
}

/* Rule i at bio_endio(bio) (regs: its kprobe's). Returns 1 when it acted
 * or the bio must pass untouched (stop evaluating rules), else 0. The ip
 * moved only for a hold. */
static int __maybe_unused stp_inject_bio_complete(int i, struct pt_regs *regs)
{
	struct stp_inject_rule *r = stp_inject_rule(i);
	struct bio *bio = (struct bio *)regs->di;
	struct stp_inject_held *h = NULL;
	u64 n;
	int k;

	if (!r || stp_inject_bio_bypassed(bio))
		return 1;
	if (!stp_inject_bio_matches(r, bio, 0))
		return 0;
	n = stp_inject_trigger(r, i);
	if (!n)
		return 0;
	if (r->action == STP_INJECT_ACT_ERROR) {
		if (!bio->bi_status)
			bio->bi_status = r->blk_status;
		return 1;
	}
	for (k = 0; k < STP_INJECT_MAXHELD; k++)
		if (atomic_cmpxchg(&stp_inject_held[k].state, STP_HELD_FREE,
				   STP_HELD_CLAIMED) == STP_HELD_FREE) {
			h = &stp_inject_held[k];
			break;
		}
	if (!h) {
		stp_inject_uncount(r);
		return 0;
	}
	stp_inject_high_water(&stp_inject_held_max, atomic_inc_return(&stp_inject_nheld));
	h->bio = bio;
	h->rule = i;
	h->start = ktime_get_ns();
	h->until = stp_inject_hold_until(r, i, n);
	hrtimer_start(&h->timer, ns_to_ktime(h->until), HRTIMER_MODE_ABS_SOFT);
	atomic_set(&h->state, STP_HELD_HELD);
	smp_mb__after_atomic();
	/* disarmed meanwhile: its scan may have missed us; undo if we can */
	if (!atomic_read(&stp_inject.armed) &&
	    atomic_cmpxchg(&h->state, STP_HELD_HELD, STP_HELD_RELEASING) == STP_HELD_HELD) {
		hrtimer_try_to_cancel(&h->timer);
		h->bio = NULL;
		atomic_set(&h->state, STP_HELD_FREE);
		atomic_dec(&stp_inject_nheld);
		stp_inject_uncount(r);
		return 0;
	}
	instruction_pointer_set(regs, (unsigned long)stp_inject_bio_swallow);
	return 1;
}

static noinline void stp_inject_bio_fail(struct bio *bio, unsigned long status)
{
	bio->bi_status = (blk_status_t)status;
	stp_inject_bio_endio(bio);
}

/* Rule i at submit_bio_noacct(bio): error without issuing the IO. Returns
 * 1 when it acted (the ip moved). */
static int __maybe_unused stp_inject_bio_submit(int i, struct pt_regs *regs)
{
	struct stp_inject_rule *r = stp_inject_rule(i);
	struct bio *bio = (struct bio *)regs->di;

	if (!r || r->action != STP_INJECT_ACT_ERROR)
		return 0;
	if (!stp_inject_bio_matches(r, bio, 1) || !stp_inject_trigger(r, i))
		return 0;
	regs->si = r->blk_status;
	instruction_pointer_set(regs, (unsigned long)stp_inject_bio_fail);
	return 1;
}

/* Unload: nothing held, no timer running. Process context. */
static void stp_inject_bio_drain(void)
{
	int k;

	stp_inject_release_held();
	for (k = 0; k < STP_INJECT_MAXHELD; k++)
		hrtimer_cancel(&stp_inject_held[k].timer);
	stp_inject_release_held();	/* a holder that raced the first scan */
}

#endif
