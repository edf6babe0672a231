/* SPDX-License-Identifier: GPL-2.0 */
/*
 * transport.h - output to guru-run, and its control requests.
 *
 * Writers (probe hits, any context) append records to their CPU's ring,
 * under that ring's own raw spinlock, which only the reader also takes.
 * A record carries a global sequence number; the reader merges the rings
 * in sequence order, so output keeps the order in which it was produced.
 * A full ring drops the record and counts the bytes: guru-run reports the
 * loss, it is never silent.
 *
 * /proc/gstap-<module>/out   read by guru-run: frames of
 *                            struct stp_frame_hdr + len bytes; EOF once
 *                            the script has ended and all is drained.
 * /proc/gstap-<module>/ctl   written by guru-run: "start" (begin probes,
 *                            arm), "stop" (end the script), "lease"
 *                            (renew; once renewed, a lapse of
 *                            STP_LEASE_TIMEOUT_MS ends the script).
 *
 * Writers never wake the reader (a probe may sit inside the scheduler);
 * a housekeeping timer every STP_POLL_MS does, and also notices exit
 * requests and lapsed leases and hands them to a work item.
 */
#ifndef STP_TRANSPORT_H
#define STP_TRANSPORT_H

#define STP_STREAM_STATUS 3	/* payload: u32 exit status, last frame */
#define STP_STREAM_LOST 4	/* payload: u64 bytes lost so far */

struct stp_frame_hdr {
	u32 stream;
	u32 len;
};

struct stp_record {
	u64 seq;
	u32 stream;	/* 0: padding up to the end of the ring */
	u32 len;
};

struct stp_ring {
	raw_spinlock_t lock;
	size_t head, tail;	/* write and read offsets into data */
	size_t used;
	char data[STP_BUFFER_SIZE] __aligned(8);
};

static struct stp_ring **stp_rings;	/* [nr_cpu_ids] */
static atomic64_t stp_seq = ATOMIC64_INIT(0);
static atomic64_t stp_lost_bytes = ATOMIC64_INIT(0);
static u64 stp_lost_reported;
static DECLARE_WAIT_QUEUE_HEAD(stp_reader_wq);
static struct timer_list stp_poll_timer;
static struct proc_dir_entry *stp_proc_dir;
static atomic_t stp_reader_open = ATOMIC_INIT(0);
static int stp_done;			/* STOPPED: EOF after the drain */
static int stp_status_sent;
static int stp_poll_stopping;		/* module exit: do not re-arm */
static int stp_poll_ready;		/* the timer was set up */
static unsigned long stp_lease_deadline;	/* jiffies, 0: no lease yet */
static char stp_bounce[sizeof(struct stp_frame_hdr) + STP_PRINT_BUF_SIZE + 256];

static void stp_shutdown_fn(struct work_struct *w);
static DECLARE_WORK(stp_shutdown_work, stp_shutdown_fn);
static int stp_start(void);

static size_t stp_record_size(size_t len)
{
	return ALIGN(sizeof(struct stp_record) + len, 8);
}

static void stp_transport_write(int stream, const char *buf, size_t len)
{
	size_t need = stp_record_size(len);
	struct stp_ring *r;
	struct stp_record *rec;
	unsigned long flags;

	if (!len)
		return;
	if (len > STP_PRINT_BUF_SIZE + 128 || need + sizeof(struct stp_record) > STP_BUFFER_SIZE) {
		atomic64_add(len, &stp_lost_bytes);
		return;
	}
	local_irq_save(flags);
	r = stp_rings[smp_processor_id()];
	raw_spin_lock(&r->lock);
	/* a record never wraps: pad to the end of the ring first */
	if (r->head + need > STP_BUFFER_SIZE) {
		size_t pad = STP_BUFFER_SIZE - r->head;

		if (r->used + pad + need > STP_BUFFER_SIZE)
			goto lost;
		if (pad >= sizeof(struct stp_record)) {
			rec = (struct stp_record *)(r->data + r->head);
			rec->stream = 0;
			rec->len = pad - sizeof(struct stp_record);
			rec->seq = 0;
		}
		r->used += pad;
		r->head = 0;
	}
	if (r->used + need > STP_BUFFER_SIZE)
		goto lost;
	rec = (struct stp_record *)(r->data + r->head);
	rec->seq = atomic64_inc_return(&stp_seq);
	rec->stream = stream;
	rec->len = len;
	memcpy(rec + 1, buf, len);
	r->head += need;
	if (r->head == STP_BUFFER_SIZE)
		r->head = 0;
	r->used += need;
	raw_spin_unlock(&r->lock);
	local_irq_restore(flags);
	return;
lost:
	raw_spin_unlock(&r->lock);
	local_irq_restore(flags);
	atomic64_add(len, &stp_lost_bytes);
}

static __printf(2, 3) void stp_transport_printf(int stream, const char *fmt, ...)
{
	char buf[MAXSTRINGLEN + 128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	stp_transport_write(stream, buf, n);
}

/* Skip padding at the tail; the ring lock is held. The oldest record or NULL. */
static struct stp_record *stp_ring_peek(struct stp_ring *r)
{
	while (r->used) {
		struct stp_record *rec;
		size_t left = STP_BUFFER_SIZE - r->tail;

		if (left < sizeof(struct stp_record)) {
			r->used -= left;
			r->tail = 0;
			continue;
		}
		rec = (struct stp_record *)(r->data + r->tail);
		if (rec->stream)
			return rec;
		r->used -= left;
		r->tail = 0;
	}
	return NULL;
}

/*
 * Move the oldest record of all rings into stp_bounce as a frame.
 * Returns the frame size, or 0 when every ring is empty.
 */
static size_t stp_take_frame(void)
{
	struct stp_ring *best = NULL;
	u64 best_seq = 0;
	unsigned int cpu;
	unsigned long flags;
	struct stp_record *rec;
	struct stp_frame_hdr *h = (struct stp_frame_hdr *)stp_bounce;
	size_t n = 0;

	for_each_possible_cpu(cpu) {
		struct stp_ring *r = stp_rings[cpu];

		raw_spin_lock_irqsave(&r->lock, flags);
		rec = stp_ring_peek(r);
		if (rec && (!best || rec->seq < best_seq)) {
			best = r;
			best_seq = rec->seq;
		}
		raw_spin_unlock_irqrestore(&r->lock, flags);
	}
	if (!best)
		return 0;
	raw_spin_lock_irqsave(&best->lock, flags);
	rec = stp_ring_peek(best);
	if (rec) {
		size_t sz = stp_record_size(rec->len);

		h->stream = rec->stream;
		h->len = rec->len;
		memcpy(h + 1, rec + 1, rec->len);
		n = sizeof(*h) + rec->len;
		best->tail += sz;
		if (best->tail == STP_BUFFER_SIZE)
			best->tail = 0;
		best->used -= sz;
	}
	raw_spin_unlock_irqrestore(&best->lock, flags);
	return n;
}

static int stp_rings_empty(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (READ_ONCE(stp_rings[cpu]->used))
			return 0;
	return 1;
}

static int stp_reader_has_data(void)
{
	return !stp_rings_empty() || READ_ONCE(stp_done) ||
	       (u64)atomic64_read(&stp_lost_bytes) != stp_lost_reported;
}

/* The loss counter and, at the very end, the exit status as frames. */
static size_t stp_take_meta_frame(void)
{
	struct stp_frame_hdr *h = (struct stp_frame_hdr *)stp_bounce;
	u64 lost = atomic64_read(&stp_lost_bytes);

	if (lost != stp_lost_reported) {
		stp_lost_reported = lost;
		h->stream = STP_STREAM_LOST;
		h->len = sizeof(u64);
		memcpy(h + 1, &lost, sizeof(u64));
		return sizeof(*h) + sizeof(u64);
	}
	if (READ_ONCE(stp_done) && !stp_status_sent && stp_rings_empty()) {
		u32 status = atomic_read(&stp_error_count) ? 1 : 0;

		stp_status_sent = 1;
		h->stream = STP_STREAM_STATUS;
		h->len = sizeof(u32);
		memcpy(h + 1, &status, sizeof(u32));
		return sizeof(*h) + sizeof(u32);
	}
	return 0;
}

static ssize_t stp_out_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	static DEFINE_MUTEX(lock);
	static size_t pending;	/* a frame in stp_bounce not yet copied out */
	ssize_t done;
	int eof, ret;

	for (;;) {
		done = 0;
		mutex_lock(&lock);
		while (done < (ssize_t)count) {
			if (!pending)
				pending = stp_take_meta_frame();
			if (!pending)
				pending = stp_take_frame();
			if (!pending)
				break;
			if (pending > count - done)
				break;
			if (copy_to_user(ubuf + done, stp_bounce, pending)) {
				mutex_unlock(&lock);
				return -EFAULT;
			}
			done += pending;
			pending = 0;
		}
		if (!done && pending) {
			mutex_unlock(&lock);
			return -EINVAL;	/* buffer smaller than one frame */
		}
		eof = READ_ONCE(stp_done) && stp_status_sent && !pending;
		mutex_unlock(&lock);
		if (done)
			return done;
		if (eof)
			return 0;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(stp_reader_wq, stp_reader_has_data());
		if (ret)
			return ret;
	}
}

static __poll_t stp_out_poll(struct file *f, struct poll_table_struct *wait)
{
	poll_wait(f, &stp_reader_wq, wait);
	return stp_reader_has_data() ? EPOLLIN | EPOLLRDNORM : 0;
}

static int stp_out_open(struct inode *inode, struct file *f)
{
	if (atomic_cmpxchg(&stp_reader_open, 0, 1))
		return -EBUSY;
	return 0;
}

static int stp_out_release(struct inode *inode, struct file *f)
{
	atomic_set(&stp_reader_open, 0);
	return 0;
}

static void stp_lease_renew(void)
{
	WRITE_ONCE(stp_lease_deadline, jiffies + msecs_to_jiffies(STP_LEASE_TIMEOUT_MS) ?: 1);
}

static ssize_t stp_ctl_write(struct file *f, const char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	char cmd[32];
	size_t n = min(count, sizeof(cmd) - 1);
	int ret = 0;

	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = 0;
	strim(cmd);
	if (!strcmp(cmd, "start"))
		ret = stp_start();
	else if (!strcmp(cmd, "stop"))
		stp_exit();
	else if (!strcmp(cmd, "lease"))
		stp_lease_renew();
	else
		ret = -EINVAL;
	return ret ? ret : count;
}

static const struct proc_ops stp_out_ops = {
	.proc_open = stp_out_open,
	.proc_release = stp_out_release,
	.proc_read = stp_out_read,
	.proc_poll = stp_out_poll,
	.proc_lseek = noop_llseek,
};

static const struct proc_ops stp_ctl_ops = {
	.proc_write = stp_ctl_write,
	.proc_lseek = noop_llseek,
};

/* End the script: any context. The housekeeping timer schedules the
 * shutdown (disarm, end probes) in process context. */
static void stp_exit(void)
{
	int s = atomic_cmpxchg(&stp_state, STP_STATE_RUNNING, STP_STATE_STOPPING);

	if (s == STP_STATE_STARTING)
		atomic_cmpxchg(&stp_state, STP_STATE_STARTING, STP_STATE_STOPPING);
	atomic_set(&stp_exit_requested, 1);
}

static void stp_poll_fn(struct timer_list *t)
{
	unsigned long deadline = READ_ONCE(stp_lease_deadline);

	if (deadline && time_after(jiffies, deadline) && !atomic_read(&stp_exit_requested)) {
#ifdef STP_LEASE_EXPIRED_HOOK
		STP_LEASE_EXPIRED_HOOK();
#endif
		stp_transport_printf(STP_STREAM_STDERR,
				     "WARNING: guru-run's lease lapsed: ending the script\n");
		stp_exit();
	}
	if (atomic_read(&stp_exit_requested) == 1 &&
	    atomic_cmpxchg(&stp_exit_requested, 1, 2) == 1)
		schedule_work(&stp_shutdown_work);
	if (stp_reader_has_data())
		wake_up_interruptible(&stp_reader_wq);
	if (!READ_ONCE(stp_poll_stopping))
		mod_timer(&stp_poll_timer, jiffies + max(1UL, msecs_to_jiffies(STP_POLL_MS)));
}

static int stp_transport_init(void)
{
	unsigned int cpu;

	stp_rings = kcalloc(nr_cpu_ids, sizeof(*stp_rings), GFP_KERNEL);
	if (!stp_rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		stp_rings[cpu] = vzalloc(sizeof(struct stp_ring));
		if (!stp_rings[cpu])
			return -ENOMEM;
		raw_spin_lock_init(&stp_rings[cpu]->lock);
	}
	stp_proc_dir = proc_mkdir("gstap-" STP_MODULE_NAME, NULL);
	if (!stp_proc_dir)
		return -EEXIST;
	if (!proc_create("out", 0400, stp_proc_dir, &stp_out_ops) ||
	    !proc_create("ctl", 0200, stp_proc_dir, &stp_ctl_ops))
		return -ENOMEM;
	timer_setup(&stp_poll_timer, stp_poll_fn, 0);
	mod_timer(&stp_poll_timer, jiffies + 1);
	stp_poll_ready = 1;
	return 0;
}

/* The script has ended and its last output is in the rings. */
static void stp_transport_done(void)
{
	WRITE_ONCE(stp_done, 1);
	wake_up_interruptible(&stp_reader_wq);
}

static void stp_transport_fini(void)
{
	unsigned int cpu;

	if (stp_proc_dir)
		proc_remove(stp_proc_dir);	/* waits for readers and writers */
	stp_proc_dir = NULL;
	WRITE_ONCE(stp_poll_stopping, 1);
	if (stp_poll_ready) {
#ifdef STP_HAVE_TIMER_DELETE_SYNC
		timer_delete_sync(&stp_poll_timer);
#else
		del_timer_sync(&stp_poll_timer);
#endif
	}
	stp_poll_ready = 0;
	cancel_work_sync(&stp_shutdown_work);
	if (!stp_rings)
		return;
	for_each_possible_cpu(cpu)
		vfree(stp_rings[cpu]);
	kfree(stp_rings);
	stp_rings = NULL;
}

#endif /* STP_TRANSPORT_H */
