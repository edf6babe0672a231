/* inject_core.h - rules, matching, triggers, statistics and the safety state
 * of the injection runtime.
 *
 * A scenario is a table of at most STP_INJECT_MAXRULES rules filled in
 * process context (the begin probe, or a test module's init) and then armed.
 * The hooks (inject_task.h, inject_bio.h) ask stp_inject_trigger() whether
 * a call injects (it counts the call and applies the triggers), then take a
 * slot under the caps. Safety lives here, in the kernel, not only in the
 * controller:
 *   - a deadline armed with the scenario (STP_INJECT_DEADLINE_MS, default
 *     60 s): when it fires everything disarms;
 *   - a lease (STP_INJECT_LEASE_MS) that the controller renews with
 *     stp_inject_lease_renew(); when it lapses everything disarms;
 *   - disarm completes every held bio and wakes every sleeping task at once;
 *   - every hold is bounded by STP_INJECT_MAXDELAY_MS, the phase end and the
 *     deadline; held bios and sleeping tasks are capped by pool sizes.
 * Every symbol is static and prefixed: this is one translation unit with
 * the generated module.
 */
#ifndef STP_INJECT_CORE_H
#define STP_INJECT_CORE_H

#include <linux/atomic.h>
#include <linux/blk-cgroup.h>
#include <linux/blk_types.h>
#include <linux/blkdev.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kdev_t.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "inject_shared.h"

/* Limits: each may be overridden with -D NAME=VALUE. */
#ifndef STP_INJECT_MAXRULES
#define STP_INJECT_MAXRULES 32		/* rules per scenario */
#endif
#ifndef STP_INJECT_MAXHELD
#define STP_INJECT_MAXHELD 1024		/* bios held at once */
#endif
#ifndef STP_INJECT_MAXSLEEPERS
#define STP_INJECT_MAXSLEEPERS 256	/* tasks sleeping at once */
#endif
#ifndef STP_INJECT_MAXDELAY_MS
#define STP_INJECT_MAXDELAY_MS 10000	/* longest hold of one operation */
#endif
#ifndef STP_INJECT_DEADLINE_MS
#define STP_INJECT_DEADLINE_MS 60000	/* scenario lifetime after arming */
#endif
#ifndef STP_INJECT_LEASE_MS
#define STP_INJECT_LEASE_MS 2000	/* 0: no lease (no controller) */
#endif
#define STP_INJECT_LEASE_CHECK_MS 50	/* how often the lease is checked */

enum stp_inject_action {
	STP_INJECT_ACT_DELAY,	/* hold for a sampled delay */
	STP_INJECT_ACT_ERROR,	/* fail: errno (calls) or block status (bios) */
	STP_INJECT_ACT_HANG,	/* hold until the timeout, phase end or disarm */
};

/* Match conditions: all present ones must hold. */
#define STP_INJECT_MATCH_LIST(X)                                            \
	X(PID) X(PID_TREE) X(COMM) X(EXE) X(UID) X(CGROUP) X(DEVICE) X(PATH) \
	X(SECTORS)
enum {
#define STP_X(m) STP_INJECT_M_BIT_##m,
	STP_INJECT_MATCH_LIST(STP_X)
#undef STP_X
};
#define STP_INJECT_M(m) (1u << STP_INJECT_M_BIT_##m)

/* Bio operations a rule applies to. */
#define STP_INJECT_OP_READ 0x01
#define STP_INJECT_OP_WRITE 0x02
#define STP_INJECT_OP_FLUSH 0x04
#define STP_INJECT_OP_DISCARD 0x08
#define STP_INJECT_OP_FUA 0x10

#define STP_INJECT_PATHLEN 256

struct stp_inject_rule {
	int used;
	char name[64];

	/* match */
	unsigned int match;
	pid_t pid, pid_tree;
	char comm[TASK_COMM_LEN];
	kuid_t uid;
	struct cgroup *cgroup;		/* referenced, put at exit */
	dev_t dev;
	dev_t exe_dev;
	unsigned long exe_ino;
	char path[STP_INJECT_PATHLEN];
	/* named in probe context, resolved at arming (process context) */
	char dev_path[STP_INJECT_PATHLEN];
	char cgroup_path[STP_INJECT_PATHLEN];
	char exe_path[STP_INJECT_PATHLEN];
	int bio;			/* a bio rule (needs a device) */
	unsigned int ops;		/* bio rules: STP_INJECT_OP_* */
	u64 sector_first, sector_last;

	/* triggers */
	u64 when_first, when_last, when_step;
	u64 prob;			/* out of 2^32 */
	u64 max;			/* 0: unlimited */

	/* phase window, ns after arming; end 0: until the deadline */
	u64 start_ns, end_ns;

	/* action */
	enum stp_inject_action action;
	int err;			/* negative errno */
	int after;			/* error after the call (kretprobe) */
	u8 blk_status;			/* blk_status_t for bio errors */
	u64 quant[STP_INJECT_NQUANT];	/* delay quantiles, ns */
	u64 hang_ns;			/* hang timeout */

	/* statistics */
	atomic64_t hits;		/* matched calls (the trigger's index) */
	atomic64_t injected;
	atomic64_t capped;		/* wanted to inject, pool or cap said no */
	atomic64_t held_ns;		/* total time held */
	atomic64_t held_max;		/* the longest hold, ns */
	atomic64_t early;		/* released before their time (disarm) */
	atomic64_t hist[STP_INJECT_NHIST];	/* held times */
	atomic64_t late[STP_INJECT_NHIST];	/* release - requested end: the
						 * mechanism's own lateness */
};

enum stp_inject_disarm_reason {
	STP_INJECT_LIVE,
	STP_INJECT_BY_DEADLINE,
	STP_INJECT_BY_LEASE,
	STP_INJECT_BY_STOP,
	STP_INJECT_BY_UNLOAD,
};
static const char *const stp_inject_reason_names[] = {
	"live", "deadline", "lease", "stop", "unload",
};

static struct {
	char name[64];
	u64 seed;
	u64 deadline_ns;		/* lifetime after arming */
	u64 lease_ns;			/* 0: no lease */
	int allow_root_device;
	atomic_t armed;			/* rules act only while armed */
	int reason;			/* enum stp_inject_disarm_reason */
	u64 armed_at;			/* ktime_get_ns() at arming */
	u64 disarmed_at;
	atomic64_t lease_until;		/* ktime_get_ns() */
	struct hrtimer deadline_timer, lease_timer;
	int timers_ready;
	char error[128];		/* why arming failed, for the log */
	struct stp_inject_rule rules[STP_INJECT_MAXRULES];
} stp_inject;

static void stp_inject_release_all(void);	/* inject.h: wake, complete */

/* Configuration: process context, before stp_inject_arm(). */

static struct stp_inject_rule *stp_inject_rule(int i)
{
	if (i < 0 || i >= STP_INJECT_MAXRULES)
		return NULL;
	return &stp_inject.rules[i];
}

static void stp_inject_scenario(const char *name, u64 seed, u64 deadline_ms,
				u64 lease_ms, int allow_root_device)
{
	strscpy(stp_inject.name, name, sizeof(stp_inject.name));
	stp_inject.seed = seed;
	if (!deadline_ms || deadline_ms > STP_INJECT_DEADLINE_MS * 100ULL)
		deadline_ms = STP_INJECT_DEADLINE_MS;
	stp_inject.deadline_ns = deadline_ms * NSEC_PER_MSEC;
	stp_inject.lease_ns = lease_ms * NSEC_PER_MSEC;
	stp_inject.allow_root_device = allow_root_device;
}

static int stp_inject_rule_new(int i, const char *name)
{
	struct stp_inject_rule *r = stp_inject_rule(i);

	if (!r || r->used)
		return -EINVAL;
	r->used = 1;
	strscpy(r->name, name, sizeof(r->name));
	r->when_first = 1;
	r->when_step = 1;
	r->prob = STP_INJECT_PROB_ALWAYS;
	r->ops = ~0u;
	return 0;
}

/* The device that holds @path's file system, and its whole disk. */
static int stp_inject_dev_of(const char *path, dev_t *dev, dev_t *disk)
{
	struct path p;
	struct super_block *sb;

	if (kern_path(path, LOOKUP_FOLLOW, &p))
		return -ENOENT;
	sb = p.mnt->mnt_sb;
	*dev = sb->s_dev;
	*disk = sb->s_bdev && sb->s_bdev->bd_disk ? disk_devt(sb->s_bdev->bd_disk) : 0;
	path_put(&p);
	return 0;
}

/* Is @dev the device, or on the disk, that holds / or /boot? */
static int stp_inject_is_root_device(dev_t dev)
{
	static const char *const where[] = { "/", "/boot" };
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(where); k++) {
		dev_t fs, disk;

		if (stp_inject_dev_of(where[k], &fs, &disk))
			continue;
		if (dev == fs || (disk && dev == disk))
			return 1;
		if (disk && MAJOR(dev) == MAJOR(disk) && MINOR(dev) > MINOR(disk) &&
		    MINOR(dev) < MINOR(disk) + 16)
			return 1;	/* a partition of that disk */
	}
	return 0;
}

/* Setters: any context (a begin probe runs with preemption off); paths
 * are only copied here and resolved by stp_inject_arm(). */

static int __maybe_unused stp_inject_match_device(int i, unsigned int major,
						  unsigned int minor)
{
	struct stp_inject_rule *r = stp_inject_rule(i);

	if (!r)
		return -EINVAL;
	r->dev = MKDEV(major, minor);
	r->match |= STP_INJECT_M(DEVICE);
	return 0;
}

static int __maybe_unused stp_inject_match_path_of(int i, char *dst, const char *path,
						   unsigned int bit)
{
	struct stp_inject_rule *r = stp_inject_rule(i);

	if (!r || strscpy(dst, path, STP_INJECT_PATHLEN) < 0)
		return -EINVAL;
	r->match |= 1u << bit;
	return 0;
}
#define stp_inject_match_device_path(i, p) \
	stp_inject_match_path_of(i, stp_inject.rules[i].dev_path, p, STP_INJECT_M_BIT_DEVICE)
#define stp_inject_match_cgroup(i, p) \
	stp_inject_match_path_of(i, stp_inject.rules[i].cgroup_path, p, STP_INJECT_M_BIT_CGROUP)
#define stp_inject_match_exe(i, p) \
	stp_inject_match_path_of(i, stp_inject.rules[i].exe_path, p, STP_INJECT_M_BIT_EXE)
#define stp_inject_match_file_prefix(i, p) \
	stp_inject_match_path_of(i, stp_inject.rules[i].path, p, STP_INJECT_M_BIT_PATH)

/* Resolution at arming: process context. Returns 0 or -errno with the
 * reason in stp_inject.error. */
static int stp_inject_resolve(struct stp_inject_rule *r)
{
	struct path p;
	struct cgroup *cg;

	if (r->dev_path[0]) {
		struct inode *ino;

		if (kern_path(r->dev_path, LOOKUP_FOLLOW, &p))
			goto nopath;
		ino = d_inode(p.dentry);
		r->dev = S_ISBLK(ino->i_mode) ? ino->i_rdev : 0;
		path_put(&p);
		if (!r->dev) {
			scnprintf(stp_inject.error, sizeof(stp_inject.error),
				  "rule '%s': '%s' is not a block device", r->name, r->dev_path);
			return -ENOTBLK;
		}
	}
	if ((r->match & STP_INJECT_M(DEVICE)) && !stp_inject.allow_root_device &&
	    stp_inject_is_root_device(r->dev)) {
		scnprintf(stp_inject.error, sizeof(stp_inject.error),
			  "rule '%s': device %u:%u holds / or /boot (--allow-root-device)",
			  r->name, MAJOR(r->dev), MINOR(r->dev));
		return -EPERM;
	}
	if (r->cgroup_path[0]) {
		cg = cgroup_get_from_path(r->cgroup_path);
		if (IS_ERR(cg)) {
			scnprintf(stp_inject.error, sizeof(stp_inject.error),
				  "rule '%s': no cgroup '%s'", r->name, r->cgroup_path);
			return PTR_ERR(cg);
		}
		r->cgroup = cg;
	}
	if (r->exe_path[0]) {
		if (kern_path(r->exe_path, LOOKUP_FOLLOW, &p))
			goto nopath;
		r->exe_dev = d_inode(p.dentry)->i_sb->s_dev;
		r->exe_ino = d_inode(p.dentry)->i_ino;
		path_put(&p);
	}
	return 0;
nopath:
	scnprintf(stp_inject.error, sizeof(stp_inject.error), "rule '%s': no such path", r->name);
	return -ENOENT;
}

/* Matching, in any context: 'current' is only meaningful for task hooks. */

static int stp_inject_in_tree(struct task_struct *t, pid_t root)
{
	int found = 0;

	rcu_read_lock();
	for (;;) {
		if (t->tgid == root) {
			found = 1;
			break;
		}
		if (t->pid <= 1 || t == t->real_parent)
			break;
		t = rcu_dereference(t->real_parent);
	}
	rcu_read_unlock();
	return found;
}

static int stp_inject_exe_is(const struct stp_inject_rule *r)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;
	int same = 0;

	if (!mm)
		return 0;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (exe) {
		struct inode *ino = file_inode(exe);

		same = ino->i_ino == r->exe_ino && ino->i_sb->s_dev == r->exe_dev;
	}
	rcu_read_unlock();
	return same;
}

static int stp_inject_task_cgroup_in(struct cgroup *ancestor)
{
	int in;

	rcu_read_lock();
	in = task_under_cgroup_hierarchy(current, ancestor);
	rcu_read_unlock();
	return in;
}

/* The conditions about the calling task (task hooks, bio submit). */
static int stp_inject_match_task(const struct stp_inject_rule *r)
{
	unsigned int m = r->match;

	if ((m & STP_INJECT_M(PID)) && current->tgid != r->pid)
		return 0;
	if ((m & STP_INJECT_M(PID_TREE)) && !stp_inject_in_tree(current, r->pid_tree))
		return 0;
	if ((m & STP_INJECT_M(COMM)) && strncmp(current->comm, r->comm, TASK_COMM_LEN))
		return 0;
	if ((m & STP_INJECT_M(UID)) && !uid_eq(current_uid(), r->uid))
		return 0;
	if ((m & STP_INJECT_M(EXE)) && !stp_inject_exe_is(r))
		return 0;
	return 1;
}

/* Triggers. Returns the 1-based call index when call N injects, else 0. */

static u64 stp_inject_now_rel(void)
{
	return ktime_get_ns() - stp_inject.armed_at;
}

static int stp_inject_rule_live(const struct stp_inject_rule *r)
{
	u64 t;

	if (!atomic_read(&stp_inject.armed))
		return 0;
	t = stp_inject_now_rel();
	return t >= r->start_ns && (!r->end_ns || t < r->end_ns);
}

static u64 stp_inject_trigger(struct stp_inject_rule *r, int i)
{
	u64 n = atomic64_inc_return(&r->hits);
	u32 draw;

	if (!stp_inject_when_hit(n, r->when_first, r->when_last, r->when_step))
		return 0;
	draw = stp_inject_draw(stp_inject.seed, i, n, STP_INJECT_STREAM_TRIGGER);
	if (!stp_inject_prob_hit(r->prob, draw))
		return 0;
	/* count first, then check: racing CPUs can never exceed max */
	if (atomic64_inc_return(&r->injected) > r->max && r->max) {
		atomic64_dec(&r->injected);
		return 0;
	}
	return n;
}

/* The trigger said yes but no slot was free: count it as capped. */
static void stp_inject_uncount(struct stp_inject_rule *r)
{
	atomic64_dec(&r->injected);
	atomic64_inc(&r->capped);
}

/* How long to hold, for call n: sampled (delay) or the timeout (hang),
 * then bounded by the cap, the phase end and the deadline. Absolute ns. */
static u64 stp_inject_hold_until(struct stp_inject_rule *r, int i, u64 n)
{
	u64 now = ktime_get_ns(), want, limit;

	if (r->action == STP_INJECT_ACT_HANG)
		want = r->hang_ns;
	else
		want = stp_inject_sample(r->quant,
					 stp_inject_draw(stp_inject.seed, i, n,
							 STP_INJECT_STREAM_DELAY));
	want = min_t(u64, want, STP_INJECT_MAXDELAY_MS * NSEC_PER_MSEC);
	limit = stp_inject.armed_at + stp_inject.deadline_ns;
	if (r->end_ns)
		limit = min_t(u64, limit, stp_inject.armed_at + r->end_ns);
	return min_t(u64, now + want, max_t(u64, limit, now));
}

static void stp_inject_high_water(atomic_t *mark, int now)
{
	int old = atomic_read(mark);

	while (now > old) {
		int seen = atomic_cmpxchg(mark, old, now);

		if (seen == old)
			break;
		old = seen;
	}
}

/* A hold ended at 'now': it started at 'start' and was due at 'until'. */
static void stp_inject_account(struct stp_inject_rule *r, u64 start, u64 until, u64 now)
{
	u64 held = now - start;

	s64 old = atomic64_read(&r->held_max);

	while ((s64)held > old) {
		s64 seen = atomic64_cmpxchg(&r->held_max, old, held);

		if (seen == old)
			break;
		old = seen;
	}
	atomic64_add(held, &r->held_ns);
	atomic64_inc(&r->hist[stp_inject_hist_index(held)]);
	if (now < until)
		atomic64_inc(&r->early);
	else
		atomic64_inc(&r->late[stp_inject_hist_index(now - until)]);
}

/* Safety: arming, the deadline, the lease, disarming. */

static void stp_inject_disarm(int reason)
{
	if (atomic_cmpxchg(&stp_inject.armed, 1, 0) != 1)
		return;
	stp_inject.reason = reason;
	stp_inject.disarmed_at = ktime_get_ns();
	stp_inject_release_all();
}

static enum hrtimer_restart stp_inject_deadline_fn(struct hrtimer *t)
{
	stp_inject_disarm(STP_INJECT_BY_DEADLINE);
	return HRTIMER_NORESTART;
}

/* The lease is our own (test modules) or, in a gstap module, guru-run's:
 * the runtime's stp_lease_deadline in jiffies, 0 until first renewed. */
static int stp_inject_lease_lapsed(void)
{
#ifdef STP_INJECT_RUNTIME_LEASE
	unsigned long d = READ_ONCE(stp_lease_deadline);

	return d && time_after(jiffies, d);
#else
	return (s64)(ktime_get_ns() - atomic64_read(&stp_inject.lease_until)) > 0;
#endif
}

static enum hrtimer_restart stp_inject_lease_fn(struct hrtimer *t)
{
	if (!atomic_read(&stp_inject.armed))
		return HRTIMER_NORESTART;
	if (stp_inject_lease_lapsed()) {
		stp_inject_disarm(STP_INJECT_BY_LEASE);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, ms_to_ktime(STP_INJECT_LEASE_CHECK_MS));
	return HRTIMER_RESTART;
}

/* The controller is alive: push the lease forward. */
static void __maybe_unused stp_inject_lease_renew(void)
{
	atomic64_set(&stp_inject.lease_until, ktime_get_ns() + stp_inject.lease_ns);
}

/* Process context. Returns 0 or -errno (reason in stp_inject.error). */
static int stp_inject_arm(void)
{
	int i;

	for (i = 0; i < STP_INJECT_MAXRULES; i++) {
		struct stp_inject_rule *r = &stp_inject.rules[i];
		int rc;

		if (!r->used)
			continue;
		/* a bio rule must name its device: refuse to touch them all */
		if (r->bio && !(r->match & STP_INJECT_M(DEVICE))) {
			scnprintf(stp_inject.error, sizeof(stp_inject.error),
				  "rule '%s': a bio rule needs a device", r->name);
			return -EINVAL;
		}
		rc = stp_inject_resolve(r);
		if (rc)
			return rc;
	}
	if (!stp_inject.deadline_ns)
		stp_inject.deadline_ns = STP_INJECT_DEADLINE_MS * NSEC_PER_MSEC;
	hrtimer_init(&stp_inject.deadline_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	stp_inject.deadline_timer.function = stp_inject_deadline_fn;
	hrtimer_init(&stp_inject.lease_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	stp_inject.lease_timer.function = stp_inject_lease_fn;
	stp_inject.timers_ready = 1;

	stp_inject.armed_at = ktime_get_ns();
	stp_inject_lease_renew();
	stp_inject.reason = STP_INJECT_LIVE;
	atomic_set(&stp_inject.armed, 1);
	hrtimer_start(&stp_inject.deadline_timer, ns_to_ktime(stp_inject.deadline_ns),
		      HRTIMER_MODE_REL_SOFT);
#ifdef STP_INJECT_RUNTIME_LEASE
	stp_inject.lease_ns = 1;	/* watched: guru-run renews it */
#endif
	if (stp_inject.lease_ns)
		hrtimer_start(&stp_inject.lease_timer,
			      ms_to_ktime(STP_INJECT_LEASE_CHECK_MS), HRTIMER_MODE_REL_SOFT);
	return 0;
}

/* Percentile p (per mille) of a histogram: the low edge of the bucket
 * holding it, plus half a bucket. */
static u64 stp_inject_percentile(atomic64_t *hist, int permille)
{
	u64 total = 0, seen = 0, want;
	int k;

	for (k = 0; k < STP_INJECT_NHIST; k++)
		total += atomic64_read(&hist[k]);
	if (!total)
		return 0;
	want = (total * permille + 999) / 1000;
	for (k = 0; k < STP_INJECT_NHIST; k++) {
		seen += atomic64_read(&hist[k]);
		if (seen >= want) {
			u64 lo = stp_inject_hist_low(k);
			u64 hi = k + 1 < STP_INJECT_NHIST ? stp_inject_hist_low(k + 1) : lo;

			return lo + (hi - lo) / 2;
		}
	}
	return 0;
}

/* One line per rule for the controller, "key=value" separated by spaces:
 * rule= name= hits= injected= capped= held_ns= p50= p90= p99= max= (held
 * times, ns) early= late50= late99= (how late releases were against the
 * requested end, ns) hist=i:count,... (non-empty log-linear buckets of the
 * held times). */
static int __maybe_unused stp_inject_report_rule(int i, char *buf, size_t len)
{
	struct stp_inject_rule *r = stp_inject_rule(i);
	size_t n;
	int k;

	if (!r || !r->used)
		return 0;
	n = scnprintf(buf, len,
		      "rule=%d name=%s hits=%lld injected=%lld capped=%lld held_ns=%lld p50=%llu p90=%llu p99=%llu max=%llu early=%lld late50=%llu late99=%llu hist=",
		      i, r->name, (long long)atomic64_read(&r->hits),
		      (long long)atomic64_read(&r->injected),
		      (long long)atomic64_read(&r->capped),
		      (long long)atomic64_read(&r->held_ns),
		      stp_inject_percentile(r->hist, 500), stp_inject_percentile(r->hist, 900),
		      stp_inject_percentile(r->hist, 990),
		      (unsigned long long)atomic64_read(&r->held_max),
		      (long long)atomic64_read(&r->early), stp_inject_percentile(r->late, 500),
		      stp_inject_percentile(r->late, 990));
	for (k = 0; k < STP_INJECT_NHIST && n + 24 < len; k++) {
		long long c = atomic64_read(&r->hist[k]);

		if (c)
			n += scnprintf(buf + n, len - n, "%d:%lld,", k, c);
	}
	n += scnprintf(buf + n, len - n, "\n");
	return n;
}

#endif
