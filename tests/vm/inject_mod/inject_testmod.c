// SPDX-License-Identifier: GPL-2.0
/* inject_testmod.c - a hand-written module over guru-runtime/inject.h, so
 * the kernel mechanisms are tested in the VM independently of gstap.
 *
 * One scenario with one rule, described by module parameters:
 *   hook=syscall:NAME[,NAME...]   kprobes on __x64_sys_NAME (entry) or, with
 *                                 after=1, kretprobes
 *   hook=bio_complete | bio_submit
 *   action=delay|error|hang, err=ERRNO (positive), after=0|1, status=N
 *   quant="q0,...,q33"            delay quantiles in ns (inject_shared.h grid)
 *   hang_ms, seed, deadline_ms, lease_ms, prob_ppm, when_first, when_last,
 *   when_step, max, pid_tree, comm, dev="MAJ:MIN", ops (STP_INJECT_OP_*
 *   mask), cgroup (v2 path), exe (path), path (file prefix, the syscall's
 *   first argument is the fd), sector_first, sector_last, allow_root
 *   busywait_us=N   the peer for the benchmark: spin N us in the handler
 *                   (udelay, as stap guru scripts do) instead of injecting
 * Control, under /sys/module/inject_testmod/parameters/:
 *   report (read)  the runtime's report lines
 *   lease  (write) renew the lease;  stop (write) disarm now
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "../../../guru-runtime/inject.h"

static char *hook = "syscall:fsync";
static char *action = "delay";
static int err = 5, after, status = 10 /* BLK_STS_IOERR */;
static char *quant = "";
static ulong hang_ms = 1000, seed = 1, deadline_ms = 60000, lease_ms, prob_ppm = 1000000;
static ulong when_first = 1, when_last, when_step = 1, max;
static int pid_tree, allow_root;
static char *comm = "", *dev = "", *cgroup = "", *exe = "", *path = "";
static uint ops = STP_INJECT_OP_READ | STP_INJECT_OP_WRITE;
static ulong sector_first, sector_last;
static uint busywait_us;	/* stap guru style: udelay in the handler */

module_param(hook, charp, 0444);
module_param(action, charp, 0444);
module_param(err, int, 0444);
module_param(after, int, 0444);
module_param(status, int, 0444);
module_param(quant, charp, 0444);
module_param(hang_ms, ulong, 0444);
module_param(seed, ulong, 0444);
module_param(deadline_ms, ulong, 0444);
module_param(lease_ms, ulong, 0444);
module_param(prob_ppm, ulong, 0444);
module_param(when_first, ulong, 0444);
module_param(when_last, ulong, 0444);
module_param(when_step, ulong, 0444);
module_param(max, ulong, 0444);
module_param(pid_tree, int, 0444);
module_param(allow_root, int, 0444);
module_param(comm, charp, 0444);
module_param(dev, charp, 0444);
module_param(cgroup, charp, 0444);
module_param(exe, charp, 0444);
module_param(path, charp, 0444);
module_param(ops, uint, 0444);
module_param(sector_first, ulong, 0444);
module_param(sector_last, ulong, 0444);
module_param(busywait_us, uint, 0444);

#define TM_MAXPROBES 8
static struct kprobe tm_kp[TM_MAXPROBES];
static struct kretprobe tm_krp[TM_MAXPROBES];
static char tm_sym[TM_MAXPROBES][64];
static int tm_nprobes, tm_ret;
static int tm_kind;	/* 0 syscall entry, 1 bio complete, 2 bio submit */

static int tm_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long ip = instruction_pointer(regs);

	if (busywait_us) {
		/* the peer: what stap guru scripts do, the CPU spins */
		if (stp_inject_rule_live(stp_inject_rule(0)) && stp_inject_match_task(stp_inject_rule(0)) &&
		    stp_inject_trigger(stp_inject_rule(0), 0)) {
			unsigned int left = busywait_us;

			while (left) {
				unsigned int step = min(left, 1000u);

				udelay(step);
				left -= step;
			}
		}
		return 0;
	}
	if (tm_kind == 0) {
		if (stp_inject_task_bypass(regs))
			return 0;
		stp_inject_task_enter(0, regs, 0);
	} else if (tm_kind == 1) {
		stp_inject_bio_complete(0, regs);
	} else {
		stp_inject_bio_submit(0, regs);
	}
	/* the ip moved: do not run (or single-step) the probed instruction */
	return instruction_pointer(regs) != ip;
}

static int tm_ret_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	stp_inject_task_return(0, regs);
	return 0;
}

static int tm_param_report(char *buf, const struct kernel_param *kp)
{
	int n = stp_inject_report_state(buf, PAGE_SIZE);

	return n + stp_inject_report_rule(0, buf + n, PAGE_SIZE - n);
}

static int tm_param_lease(const char *val, const struct kernel_param *kp)
{
	stp_inject_lease_renew();
	return 0;
}

static int tm_param_stop(const char *val, const struct kernel_param *kp)
{
	stp_inject_disarm(STP_INJECT_BY_STOP);
	return 0;
}

static const struct kernel_param_ops tm_report_ops = { .get = tm_param_report };
static const struct kernel_param_ops tm_lease_ops = { .set = tm_param_lease };
static const struct kernel_param_ops tm_stop_ops = { .set = tm_param_stop };
module_param_cb(report, &tm_report_ops, NULL, 0444);
module_param_cb(lease, &tm_lease_ops, NULL, 0200);
module_param_cb(stop, &tm_stop_ops, NULL, 0200);

static int tm_setup_rule(void)
{
	struct stp_inject_rule *r = stp_inject_rule(0);
	int k, rc;

	stp_inject_scenario("testmod", seed, deadline_ms, lease_ms, allow_root);
	rc = stp_inject_rule_new(0, "rule0");
	if (rc)
		return rc;
	r->prob = (u64)prob_ppm * STP_INJECT_PROB_ALWAYS / 1000000;
	r->when_first = when_first;
	r->when_last = when_last;
	r->when_step = when_step;
	r->max = max;
	r->err = -err;
	r->after = after;
	r->blk_status = status;
	r->hang_ns = hang_ms * NSEC_PER_MSEC;
	if (!strcmp(action, "error"))
		r->action = STP_INJECT_ACT_ERROR;
	else if (!strcmp(action, "hang"))
		r->action = STP_INJECT_ACT_HANG;
	else
		r->action = STP_INJECT_ACT_DELAY;
	for (k = 0; k < STP_INJECT_NQUANT && *quant; k++) {
		char *comma = strchr(quant, ',');

		if (comma)
			*comma = 0;
		if (kstrtou64(quant, 10, &r->quant[k]))
			return -EINVAL;
		quant = comma ? comma + 1 : quant + strlen(quant);
	}
	for (; k > 0 && k < STP_INJECT_NQUANT; k++)
		r->quant[k] = r->quant[k - 1];
	if (pid_tree) {
		r->pid_tree = pid_tree;
		r->match |= STP_INJECT_M(PID_TREE);
	}
	if (*comm) {
		strscpy(r->comm, comm, sizeof(r->comm));
		r->match |= STP_INJECT_M(COMM);
	}
	if (*cgroup) {
		rc = stp_inject_match_cgroup(0, cgroup);	/* resolved at arming */
		if (rc)
			return rc;
	}
	if (*exe && stp_inject_match_exe(0, exe))
		return -EINVAL;
	if (*path && stp_inject_match_file_prefix(0, path))
		return -EINVAL;
	if (sector_last) {
		r->sector_first = sector_first;
		r->sector_last = sector_last;
		r->match |= STP_INJECT_M(SECTORS);
	}
	if (tm_kind) {
		unsigned int maj, min;

		r->bio = 1;
		r->ops = ops;
		if (dev[0] == '/')
			rc = stp_inject_match_device_path(0, dev);
		else if (sscanf(dev, "%u:%u", &maj, &min) == 2)
			rc = stp_inject_match_device(0, maj, min);
		else
			rc = -EINVAL;
		if (rc)
			return rc;
	}
	return 0;
}

static void tm_unregister(void)
{
	int k;

	for (k = 0; k < tm_nprobes; k++) {
		if (tm_ret)
			unregister_kretprobe(&tm_krp[k]);
		else
			unregister_kprobe(&tm_kp[k]);
	}
	tm_nprobes = 0;
}

static int tm_register(void)
{
	char names[256], *s, *name;
	int rc;

	if (tm_kind == 1) {
		strscpy(tm_sym[0], "bio_endio", sizeof(tm_sym[0]));
		tm_nprobes = 1;
	} else if (tm_kind == 2) {
		strscpy(tm_sym[0], "submit_bio_noacct", sizeof(tm_sym[0]));
		tm_nprobes = 1;
	} else {
		strscpy(names, hook + strlen("syscall:"), sizeof(names));
		s = names;
		while ((name = strsep(&s, ",")) && tm_nprobes < TM_MAXPROBES)
			snprintf(tm_sym[tm_nprobes++], sizeof(tm_sym[0]), "__x64_sys_%s", name);
	}
	for (rc = 0; rc < tm_nprobes; rc++) {
		int e;

		if (tm_ret) {
			tm_krp[rc].kp.symbol_name = tm_sym[rc];
			tm_krp[rc].handler = tm_ret_handler;
			tm_krp[rc].maxactive = 64;
			e = register_kretprobe(&tm_krp[rc]);
		} else {
			tm_kp[rc].symbol_name = tm_sym[rc];
			tm_kp[rc].pre_handler = tm_pre;
			e = register_kprobe(&tm_kp[rc]);
		}
		if (e) {
			tm_nprobes = rc;
			tm_unregister();
			return e;
		}
	}
	return 0;
}

static int __init tm_init(void)
{
	int rc;

	if (!strncmp(hook, "syscall:", 8))
		tm_kind = 0;
	else if (!strcmp(hook, "bio_complete"))
		tm_kind = 1;
	else if (!strcmp(hook, "bio_submit"))
		tm_kind = 2;
	else
		return -EINVAL;
	tm_ret = tm_kind == 0 && after && !strcmp(action, "error");
	stp_inject_init();
	rc = tm_setup_rule();
	if (!rc)
		rc = tm_register();
	if (!rc) {
		rc = stp_inject_arm();
		if (rc)
			pr_info("inject_testmod: %s\n", stp_inject.error);
	}
	if (rc) {
		tm_unregister();
		stp_inject_exit();
	}
	return rc;
}

static void __exit tm_exit(void)
{
	stp_inject_disarm(STP_INJECT_BY_UNLOAD);
	tm_unregister();
	stp_inject_exit();
}

module_init(tm_init);
module_exit(tm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("inject runtime test module");
