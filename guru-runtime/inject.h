/* inject.h - the injection runtime: what tapsets/inject.stp's embedded C
 * calls. One translation unit with the generated module (or a test module).
 *
 * Lifecycle, for the module that includes it:
 *   stp_inject_init()                      module init, before any probe
 *   stp_inject_scenario(), stp_inject_rule_new(), setters
 *                                          any context (begin probe)
 *   stp_inject_arm()                       process context: resolves paths,
 *                                          refuses root devices, starts the
 *                                          deadline and lease timers
 *   hooks: stp_inject_task_bypass() then stp_inject_task_enter() per rule,
 *          stp_inject_task_return(), stp_inject_bio_complete(),
 *          stp_inject_bio_submit()         probe context
 *   stp_inject_lease_renew()               whenever the controller says so
 *   stp_inject_disarm(STP_INJECT_BY_STOP)  the kill switch, any context
 *   stp_inject_disarm(STP_INJECT_BY_UNLOAD), unregister every probe, then
 *   stp_inject_exit()                      module exit: nothing left behind
 */
#ifndef STP_INJECT_H
#define STP_INJECT_H

#include <linux/delay.h>

#include "inject_core.h"
#include "inject_task.h"
#include "inject_bio.h"

static void stp_inject_release_all(void)
{
	stp_inject_wake_sleepers();
	stp_inject_release_held();
}

static int stp_inject_ready;

/* Before any rule: any context. */
static void stp_inject_init(void)
{
	if (stp_inject_ready)
		return;
	stp_inject_bio_init();
	stp_inject_ready = 1;
}

/* The scenario's state line: scenario= armed= reason= armed_ms= (how long
 * it was armed) held= held_max= sleeping= sleeping_max= (high-water marks,
 * which the caps bound) */
static int __maybe_unused stp_inject_report_state(char *buf, size_t len)
{
	u64 now = ktime_get_ns();
	u64 end = atomic_read(&stp_inject.armed) ? now : stp_inject.disarmed_at;

	return scnprintf(buf, len,
			 "scenario=%s armed=%d reason=%s armed_ms=%llu held=%d held_max=%d sleeping=%d sleeping_max=%d\n",
			 stp_inject.name, atomic_read(&stp_inject.armed),
			 stp_inject_reason_names[stp_inject.reason],
			 stp_inject.armed_at ? (end - stp_inject.armed_at) / NSEC_PER_MSEC : 0,
			 atomic_read(&stp_inject_nheld), atomic_read(&stp_inject_held_max),
			 atomic_read(&stp_inject_in_tramp), atomic_read(&stp_inject_sleep_max));
}

/* After every probe is unregistered: wake, complete, wait, put. */
static void stp_inject_exit(void)
{
	int i;

	if (!stp_inject_ready)
		return;
	stp_inject_disarm(STP_INJECT_BY_UNLOAD);
	if (stp_inject.timers_ready) {
		hrtimer_cancel(&stp_inject.deadline_timer);
		hrtimer_cancel(&stp_inject.lease_timer);
	}
	stp_inject_bio_drain();
	stp_inject_task_drain();	/* ends with synchronize_rcu_tasks() */
	for (i = 0; i < STP_INJECT_MAXRULES; i++)
		if (stp_inject.rules[i].cgroup)
			cgroup_put(stp_inject.rules[i].cgroup);
}

#endif
