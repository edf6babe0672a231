/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_uprobe.h - process("PATH").function("P") and its .return, by
 * uprobes on the file offset the compiler found in PATH's symbols.
 * The handlers run in the probed task's context (may fault, may sleep).
 *
 * A .return probe that reads entry values ($params, @entry: .entry_size
 * and .entry_handler) also gets an entry handler, as a kretprobe does.
 * Uprobes keep no data per call, so the probe keeps its own pool of
 * STP_URETPROBE_ENTRIES records, allocated when it is armed: the entry
 * handler fills one for (thread, stack pointer at the call), and the
 * return finds the thread's record of the innermost frame below its
 * stack pointer (the return address was popped), freeing records of
 * deeper frames that never returned (longjmp). A call that finds the pool
 * full is not seen at its return; the misses are reported at the end.
 */
#ifndef STP_PROBE_UPROBE_H
#define STP_PROBE_UPROBE_H

#include <linux/uprobes.h>
#include <linux/namei.h>

#ifndef STP_URETPROBE_ENTRIES
#define STP_URETPROBE_ENTRIES 256	/* calls in flight with entry values, per probe */
#endif

/* The entry values of one call in flight; tid 0: free. */
struct stp_uentry {
	pid_t tid;
	unsigned long sp;	/* at the call: the return address's slot */
};

struct stp_uprobe {
	struct uprobe_consumer uc;
	const struct stp_probe *probe;
	struct inode *inode;
#ifdef STP_HAVE_UPROBE_REGISTER_RETURNS_UPROBE
	struct uprobe *up;
#endif
	raw_spinlock_t lock;			/* entries */
	struct stp_uentry *entries;		/* [STP_URETPROBE_ENTRIES] */
	char *data;				/* entry_size bytes per entry */
	atomic_t missed;
};

/* A free record for this call, or -1 (the pool is full). */
static int stp_uentry_claim(struct stp_uprobe *u, pid_t tid, unsigned long sp)
{
	unsigned long flags;
	int i, slot = -1;

	raw_spin_lock_irqsave(&u->lock, flags);
	for (i = 0; i < STP_URETPROBE_ENTRIES; i++) {
		/* a record of this thread at or below this frame is dead: the
		 * frame it belonged to is gone (longjmp, or a missed return) */
		if (!u->entries[i].tid || (u->entries[i].tid == tid && u->entries[i].sp <= sp)) {
			slot = i;
			break;
		}
	}
	if (slot >= 0) {
		u->entries[slot].tid = tid;
		u->entries[slot].sp = sp;
	}
	raw_spin_unlock_irqrestore(&u->lock, flags);
	return slot;
}

/* The record of the returning frame (sp: after the return), or -1. */
static int stp_uentry_find(struct stp_uprobe *u, pid_t tid, unsigned long sp)
{
	unsigned long flags;
	int i, slot = -1;

	raw_spin_lock_irqsave(&u->lock, flags);
	for (i = 0; i < STP_URETPROBE_ENTRIES; i++) {
		if (u->entries[i].tid != tid || u->entries[i].sp >= sp)
			continue;
		if (slot < 0 || u->entries[i].sp > u->entries[slot].sp) {
			if (slot >= 0)
				u->entries[slot].tid = 0;	/* a deeper, dead frame */
			slot = i;
		} else {
			u->entries[i].tid = 0;
		}
	}
	raw_spin_unlock_irqrestore(&u->lock, flags);
	return slot;
}

static void stp_uentry_free(struct stp_uprobe *u, int slot)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&u->lock, flags);
	u->entries[slot].tid = 0;
	raw_spin_unlock_irqrestore(&u->lock, flags);
}

/* The call of a .return probe with entry values: run its entry handler
 * into a record. */
static void stp_uretprobe_entry(struct stp_uprobe *u, struct pt_regs *regs)
{
	const struct stp_probe *p = u->probe;
	int slot = stp_uentry_claim(u, task_pid_nr(current), regs->sp);
	cycles_t start;
	struct stp_context *c;

	if (slot < 0) {
		atomic_inc(&u->missed);
		return;
	}
	start = stp_hit_start();
	c = stp_context_enter(p, regs, NULL);
	if (!c) {
		stp_uentry_free(u, slot);
		return;
	}
	c->entry = u->data + (size_t)slot * p->entry_size;
	memset(c->entry, 0, p->entry_size);
	p->entry_handler(c);
	c->entry = NULL;
	stp_context_exit(c, start);
}

/* The return of a .return probe with entry values. */
static void stp_uretprobe_return(struct stp_uprobe *u, struct pt_regs *regs)
{
	const struct stp_probe *p = u->probe;
	int slot = stp_uentry_find(u, task_pid_nr(current), regs->sp);
	cycles_t start;
	struct stp_context *c;

	if (slot < 0)
		return;	/* its call was not recorded (counted there) */
	start = stp_hit_start();
	c = stp_context_enter(p, regs, NULL);
	if (c) {
		c->entry = u->data + (size_t)slot * p->entry_size;
		p->handler(c);
		c->entry = NULL;
		stp_context_exit(c, start);
	}
	stp_uentry_free(u, slot);
}

#ifdef STP_HAVE_UPROBE_HANDLER_DATA
static int stp_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs, __u64 *data)
#else
static int stp_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs)
#endif
{
	struct stp_uprobe *u = container_of(uc, struct stp_uprobe, uc);

	if (u->entries)
		stp_uretprobe_entry(u, regs);
	else
		stp_probe_hit(u->probe, regs, NULL);
	return 0;
}

#ifdef STP_HAVE_UPROBE_HANDLER_DATA
static int stp_uretprobe_fn(struct uprobe_consumer *uc, unsigned long func,
			    struct pt_regs *regs, __u64 *data)
#else
static int stp_uretprobe_fn(struct uprobe_consumer *uc, unsigned long func,
			    struct pt_regs *regs)
#endif
{
	struct stp_uprobe *u = container_of(uc, struct stp_uprobe, uc);

	if (u->entries)
		stp_uretprobe_return(u, regs);
	else
		stp_probe_hit(u->probe, regs, NULL);
	return 0;
}

static void stp_uentries_free(struct stp_uprobe *u)
{
	kfree(u->entries);
	kvfree(u->data);
	u->entries = NULL;
	u->data = NULL;
}

static int stp_uprobe_arm(const struct stp_probe *p, void *state)
{
	struct stp_uprobe *u = state;
	struct path path;
	int rc;

	memset(u, 0, sizeof(*u));
	u->probe = p;
	raw_spin_lock_init(&u->lock);
	if (p->kind == STP_PK_URETPROBE && p->entry_handler) {
		u->entries = kcalloc(STP_URETPROBE_ENTRIES, sizeof(*u->entries), GFP_KERNEL);
		/* 256 records with a MAXSTRINGLEN string @entry slot each is
		 * ~137 KB: not a physically contiguous allocation */
		u->data = kvcalloc(STP_URETPROBE_ENTRIES, p->entry_size, GFP_KERNEL);
		if (!u->entries || !u->data) {
			stp_uentries_free(u);
			return -ENOMEM;
		}
	}
	rc = kern_path(p->path, LOOKUP_FOLLOW, &path);
	if (rc)
		goto fail;
	u->inode = igrab(d_real_inode(path.dentry));
	path_put(&path);
	rc = -ENOENT;
	if (!u->inode)
		goto fail;
	if (p->kind == STP_PK_URETPROBE) {
		u->uc.ret_handler = stp_uretprobe_fn;
		if (u->entries)
			u->uc.handler = stp_uprobe_fn;	/* the call: entry values */
	} else {
		u->uc.handler = stp_uprobe_fn;
	}
#ifdef STP_HAVE_UPROBE_REGISTER_RETURNS_UPROBE
	u->up = uprobe_register(u->inode, p->uoffset, 0, &u->uc);
	rc = IS_ERR(u->up) ? PTR_ERR(u->up) : 0;
#else
	rc = uprobe_register(u->inode, p->uoffset, &u->uc);
#endif
	if (rc) {
		iput(u->inode);
		u->inode = NULL;
		goto fail;
	}
	return 0;
fail:
	stp_uentries_free(u);
	return rc;
}

static void stp_uprobe_disarm(const struct stp_probe *p, void *state)
{
	struct stp_uprobe *u = state;

#ifdef STP_HAVE_UPROBE_REGISTER_RETURNS_UPROBE
	uprobe_unregister_nosync(u->up, &u->uc);
	uprobe_unregister_sync();
#else
	uprobe_unregister(u->inode, p->uoffset, &u->uc);
#endif
	iput(u->inode);
	if (atomic_read(&u->missed))
		stp_transport_printf(STP_STREAM_STDERR,
				     "WARNING: probe %s missed %d return(s): more calls in flight "
				     "than -D STP_URETPROBE_ENTRIES=%d\n",
				     p->pp, atomic_read(&u->missed), STP_URETPROBE_ENTRIES);
	stp_uentries_free(u);
}

#endif /* STP_PROBE_UPROBE_H */
