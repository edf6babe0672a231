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

/*
 * A hit of p. The translator generates one pre-handler per probe that
 * calls this with its own handler (NULL for an empty body), so the hot
 * path has no indirect call and folds the probe's constants.
 */
static __always_inline int stp_kprobe_hit(const struct stp_probe *p,
					  void (*handler)(struct stp_context *c),
					  struct pt_regs *regs)
{
	unsigned long ip;

	if (!handler) {
		stp_probe_run(p, STP_STATE_RUNNING, NULL, regs, NULL);
		return 0;
	}
	ip = instruction_pointer(regs);
	stp_probe_run(p, STP_STATE_RUNNING, handler, regs, NULL);
	return instruction_pointer(regs) != ip;
}

/* The pre-handler of a probe without a generated one (modules written
 * by hand in the generated shape). */
static int stp_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct stp_kprobe *k = container_of(kp, struct stp_kprobe, kp);

	return stp_kprobe_hit(k->probe, k->probe->handler, regs);
}

/* "module:function" for module("M").function("P"), as kallsyms names it,
 * else "function": kmalloc'd (the kprobe keeps the pointer), or NULL */
static char *stp_kprobe_symbol(const struct stp_probe *p)
{
	char *sym = kmalloc(KSYM_NAME_LEN * 2, GFP_KERNEL);

	if (!sym)
		return NULL;
	if (p->module)
		scnprintf(sym, KSYM_NAME_LEN * 2, "%s:%s", p->module, p->symbol);
	else
		strscpy(sym, p->symbol, KSYM_NAME_LEN * 2);
	return sym;
}

static int stp_kprobe_arm(const struct stp_probe *p, void *state)
{
	struct stp_kprobe *k = state;
	char *sym = stp_kprobe_symbol(p);
	int rc;

	if (!sym)
		return -ENOMEM;
	memset(k, 0, sizeof(*k));
	k->probe = p;
	k->kp.symbol_name = sym;
	k->kp.offset = p->offset;
	k->kp.pre_handler = p->kprobe_pre ? p->kprobe_pre : stp_kprobe_pre;
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
