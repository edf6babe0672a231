/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_kretprobe.h - kernel.function("P").return, kprobe.function("P").return.
 *
 * A probe that reads entry values at return (stap's @entry, $params in a
 * .return probe) has .entry_size and .entry_handler: the entry handler runs
 * at the call with c->entry pointing at the instance's data, and the
 * return handler finds the same bytes in c->entry.
 */
#ifndef STP_PROBE_KRETPROBE_H
#define STP_PROBE_KRETPROBE_H

struct stp_kretprobe {
	struct kretprobe rp;
	const struct stp_probe *probe;
};

static struct stp_kretprobe *stp_kretprobe_of(struct kretprobe_instance *ri)
{
#ifdef STP_HAVE_GET_KRETPROBE
	return container_of(get_kretprobe(ri), struct stp_kretprobe, rp);
#else
	return container_of(ri->rp, struct stp_kretprobe, rp);
#endif
}

static int stp_kretprobe_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct stp_kretprobe *k = stp_kretprobe_of(ri);
	const struct stp_probe *p = k->probe;
	cycles_t start = stp_hit_start();
	struct stp_context *c = stp_context_enter(p, regs, ri);

	if (!c)
		return 1;	/* no instance: the return will not be seen */
	c->entry = ri->data;
	p->entry_handler(c);
	c->entry = NULL;
	stp_context_exit(c, start);
	return 0;
}

static int stp_kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct stp_kretprobe *k = stp_kretprobe_of(ri);
	const struct stp_probe *p = k->probe;
	cycles_t start = stp_hit_start();
	struct stp_context *c = stp_context_enter(p, regs, ri);

	if (!c)
		return 0;
	c->entry = p->entry_size ? ri->data : NULL;
	p->handler(c);
	c->entry = NULL;
	stp_context_exit(c, start);
	return 0;
}

static int stp_kretprobe_arm(const struct stp_probe *p, void *state)
{
	struct stp_kretprobe *k = state;
	char *sym = stp_kprobe_symbol(p);
	int rc;

	if (!sym)
		return -ENOMEM;
	memset(k, 0, sizeof(*k));
	k->probe = p;
	k->rp.kp.symbol_name = sym;
	k->rp.handler = stp_kretprobe_ret;
	if (p->entry_handler) {
		k->rp.entry_handler = stp_kretprobe_entry;
		k->rp.data_size = p->entry_size;
	}
	k->rp.maxactive = p->maxactive;
	rc = register_kretprobe(&k->rp);
	if (rc)
		kfree(sym);
	return rc;
}

static void stp_kretprobe_disarm(const struct stp_probe *p, void *state)
{
	struct stp_kretprobe *k = state;

	unregister_kretprobe(&k->rp);
	if (k->rp.nmissed)
		stp_transport_printf(STP_STREAM_STDERR,
				     "WARNING: probe %s missed %d return(s): try .maxactive(N)\n",
				     p->pp, k->rp.nmissed);
	kfree(k->rp.kp.symbol_name);
}

#endif /* STP_PROBE_KRETPROBE_H */
