/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_kprobe.h - kernel.function("P") and kprobe.function("P") entries.
 *
 * A handler that moves regs->ip (the injection helpers redirect a call to
 * a replacement function) makes the pre-handler return 1, which tells
 * kprobes not to single-step the original instruction.
 */
#ifndef STP_PROBE_KPROBE_H
#define STP_PROBE_KPROBE_H

struct stp_kprobe {
	struct kprobe kp;
	const struct stp_probe *probe;
};

static int stp_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct stp_kprobe *k = container_of(kp, struct stp_kprobe, kp);
	unsigned long ip = instruction_pointer(regs);

	stp_probe_hit(k->probe, regs, NULL);
	return instruction_pointer(regs) != ip;
}

/* "module:function" for module("M").function("P"), as kallsyms names it */
static void stp_kprobe_symbol(const struct stp_probe *p, char *buf, size_t size)
{
	if (p->module)
		scnprintf(buf, size, "%s:%s", p->module, p->symbol);
	else
		strscpy(buf, p->symbol, size);
}

static int stp_kprobe_arm(const struct stp_probe *p, void *state)
{
	struct stp_kprobe *k = state;
	char *sym = kmalloc(KSYM_NAME_LEN * 2, GFP_KERNEL);
	int rc;

	if (!sym)
		return -ENOMEM;
	stp_kprobe_symbol(p, sym, KSYM_NAME_LEN * 2);
	memset(k, 0, sizeof(*k));
	k->probe = p;
	k->kp.symbol_name = sym;
	k->kp.offset = p->offset;
	k->kp.pre_handler = stp_kprobe_pre;
	rc = register_kprobe(&k->kp);
	if (rc)
		kfree(sym);
	return rc;
}

static void stp_kprobe_disarm(const struct stp_probe *p, void *state)
{
	struct stp_kprobe *k = state;

	unregister_kprobe(&k->kp);
	kfree(k->kp.symbol_name);
}

#endif /* STP_PROBE_KPROBE_H */
