// SPDX-License-Identifier: GPL-2.0
/*
 * bare_kprobe.c - the floor for the probe-cost benchmark: a hand-written
 * module with one kprobe whose handler does nothing.
 *	insmod bare_kprobe.ko symbol=NAME
 */
#include <linux/kprobes.h>
#include <linux/module.h>

static char *symbol = "__do_sys_getppid";
module_param(symbol, charp, 0444);

static int bare_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe bare_kp = { .pre_handler = bare_pre };

static int __init bare_init(void)
{
	bare_kp.symbol_name = symbol;
	return register_kprobe(&bare_kp);
}

static void __exit bare_exit(void)
{
	unregister_kprobe(&bare_kp);
}

module_init(bare_init);
module_exit(bare_exit);
MODULE_LICENSE("GPL");
