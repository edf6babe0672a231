/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe_tracepoint.h - kernel.trace("subsys:event").
 *
 * The generated callback has the tracepoint's own prototype
 * (void cb(void *data, args...)); it packs the arguments into a struct
 * and calls stp_probe_hit(probe, NULL, &args). Here we only find the
 * tracepoint by name and attach that callback.
 */
#ifndef STP_PROBE_TRACEPOINT_H
#define STP_PROBE_TRACEPOINT_H

#include <linux/tracepoint.h>

struct stp_tracepoint {
	struct tracepoint *tp;
	void *callback;
};

/*
 * For a probe whose handler reads no tracepoint argument, the compiler may
 * leave .tp_callback NULL: this callback takes only the data pointer. The
 * tracepoint calls it with its arguments after that one; on x86-64 (and
 * every ABI the kernel runs on, where the caller owns argument space)
 * extra register arguments are simply ignored. Not for kernels built with
 * CONFIG_CFI_CLANG, which checks indirect call prototypes.
 */
static void stp_tracepoint_noargs(void *data)
{
	stp_probe_hit(data, NULL, NULL);
}

struct stp_tp_lookup {
	const char *name;
	struct tracepoint *found;
};

static void stp_tp_match(struct tracepoint *tp, void *priv)
{
	struct stp_tp_lookup *l = priv;

	if (!l->found && !strcmp(tp->name, l->name))
		l->found = tp;
}

static int stp_tracepoint_arm(const struct stp_probe *p, void *state)
{
	struct stp_tracepoint *t = state;
	struct stp_tp_lookup l = { .name = p->event };

	for_each_kernel_tracepoint(stp_tp_match, &l);
	if (!l.found)
		return -ENOENT;
	t->tp = l.found;
	t->callback = p->tp_callback ? p->tp_callback : (void *)stp_tracepoint_noargs;
#ifdef CONFIG_CFI_CLANG
	if (!p->tp_callback)
		return -EOPNOTSUPP;
#endif
	return tracepoint_probe_register(t->tp, t->callback, (void *)p);
}

static void stp_tracepoint_disarm(const struct stp_probe *p, void *state)
{
	struct stp_tracepoint *t = state;

	tracepoint_probe_unregister(t->tp, t->callback, (void *)p);
	tracepoint_synchronize_unregister();
}

#endif /* STP_PROBE_TRACEPOINT_H */
