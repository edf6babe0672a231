/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_uprobe.h - process("PATH").function("P") and its .return, by
 * uprobes on the file offset the compiler found in PATH's symbols.
 * The handlers run in the probed task's context (may fault, may sleep).
 */
#ifndef STP_PROBE_UPROBE_H
#define STP_PROBE_UPROBE_H

#include <linux/uprobes.h>
#include <linux/namei.h>

struct stp_uprobe {
	struct uprobe_consumer uc;
	const struct stp_probe *probe;
	struct inode *inode;
#ifdef STP_HAVE_UPROBE_REGISTER_RETURNS_UPROBE
	struct uprobe *up;
#endif
};

#ifdef STP_HAVE_UPROBE_HANDLER_DATA
static int stp_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs, __u64 *data)
#else
static int stp_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs)
#endif
{
	struct stp_uprobe *u = container_of(uc, struct stp_uprobe, uc);

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

	stp_probe_hit(u->probe, regs, NULL);
	return 0;
}

static int stp_uprobe_arm(const struct stp_probe *p, void *state)
{
	struct stp_uprobe *u = state;
	struct path path;
	int rc;

	memset(u, 0, sizeof(*u));
	u->probe = p;
	rc = kern_path(p->path, LOOKUP_FOLLOW, &path);
	if (rc)
		return rc;
	u->inode = igrab(d_real_inode(path.dentry));
	path_put(&path);
	if (!u->inode)
		return -ENOENT;
	if (p->kind == STP_PK_URETPROBE)
		u->uc.ret_handler = stp_uretprobe_fn;
	else
		u->uc.handler = stp_uprobe_fn;
#ifdef STP_HAVE_UPROBE_REGISTER_RETURNS_UPROBE
	u->up = uprobe_register(u->inode, p->uoffset, 0, &u->uc);
	rc = IS_ERR(u->up) ? PTR_ERR(u->up) : 0;
#else
	rc = uprobe_register(u->inode, p->uoffset, &u->uc);
#endif
	if (rc) {
		iput(u->inode);
		u->inode = NULL;
	}
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
}

#endif /* STP_PROBE_UPROBE_H */
