/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime_main.h - the module's life over the generated stp_probes[].
 *
 *   module_init   contexts, transport (/proc/gstap-<module>/), globals
 *   "start"       (guru-run, via ctl) begin probes by sequence, then arm
 *                 every other probe; a registration error ends the script
 *   exit()/stop   the housekeeping timer schedules stp_shutdown_fn():
 *                 disarm, end probes (error probes after too many errors),
 *                 summary warning, final flush, EOF to guru-run
 *   module_exit   the same shutdown if guru-run never asked (rmmod, -d),
 *                 then everything is freed
 *
 * Arming and shutdown hold stp_session_mutex, so a stop that arrives
 * while begin probes run waits for them and then disarms what was armed.
 */
#ifndef STP_RUNTIME_MAIN_H
#define STP_RUNTIME_MAIN_H

/*
 * The registered probe kinds a module compiles: the translator defines
 * STP_USES_KINDS and one STP_USES_<KIND> per kind of its stp_probes[]
 * (pass 4 then compiles no code for the others); a module written by hand
 * that names none gets them all.
 */
#ifndef STP_USES_KINDS
#define STP_USES_TIMER 1
#define STP_USES_TIMER_PROFILE 1
#define STP_USES_KPROBE 1
#define STP_USES_KRETPROBE 1
#define STP_USES_TRACEPOINT 1
#define STP_USES_UPROBE 1
#define STP_USES_URETPROBE 1
#endif

#include "probe_begin.h"
#if defined(STP_USES_KPROBE) || defined(STP_USES_KRETPROBE)
#define STP_WITH_KPROBES 1	/* kretprobes name functions as kprobes do */
#include "probe_kprobe.h"
#endif
#ifdef STP_USES_KRETPROBE
#include "probe_kretprobe.h"
#endif
#if defined(STP_USES_TIMER) || defined(STP_USES_TIMER_PROFILE)
#define STP_WITH_TIMERS 1
#include "probe_timer.h"
#endif
#ifdef STP_USES_TRACEPOINT
#include "probe_tracepoint.h"
#endif
#if defined(STP_USES_UPROBE) || defined(STP_USES_URETPROBE)
#define STP_WITH_UPROBES 1
#include "probe_uprobe.h"
#endif

/* Hooks a library's top-level embedded C may define (tapsets/inject.stp
 * does): after the begin probes, in process context (non-zero fails the
 * start: nothing is armed); around the disarming of the probes at shutdown
 * (process context). */
#ifndef STP_AFTER_BEGIN_HOOK
#define STP_AFTER_BEGIN_HOOK() 0
#endif
#ifndef STP_BEFORE_DISARM_HOOK
#define STP_BEFORE_DISARM_HOOK() do { } while (0)
#endif
#ifndef STP_AFTER_DISARM_HOOK
#define STP_AFTER_DISARM_HOOK() do { } while (0)
#endif

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("gstap script " STP_MODULE_NAME);

#define STP_NPROBES ARRAY_SIZE(stp_probes)

/* Registration state of one probe; only the member of its kind is used. */
struct stp_probe_slot {
	union {
#ifdef STP_WITH_KPROBES
		struct stp_kprobe kprobe;
#endif
#ifdef STP_USES_KRETPROBE
		struct stp_kretprobe kretprobe;
#endif
#ifdef STP_WITH_TIMERS
		struct stp_timer timer;
#endif
#ifdef STP_USES_TRACEPOINT
		struct stp_tracepoint tracepoint;
#endif
#ifdef STP_WITH_UPROBES
		struct stp_uprobe uprobe;
#endif
		char none;	/* a script of begin/end/error probes only */
	};
	int armed;
};

struct stp_kind_ops {
	int (*arm)(const struct stp_probe *p, void *state);
	void (*disarm)(const struct stp_probe *p, void *state);
};

/* Kinds without ops (begin, end, error, never) are run by the session;
 * the module has no probe of the kinds it does not compile. */
static const struct stp_kind_ops stp_kind_ops[STP_PK_COUNT] = {
#ifdef STP_WITH_TIMERS
	[STP_PK_TIMER] = { stp_timer_arm, stp_timer_disarm },
	[STP_PK_TIMER_PROFILE] = { stp_timer_arm, stp_timer_disarm },
#endif
#ifdef STP_WITH_KPROBES
	[STP_PK_KPROBE] = { stp_kprobe_arm, stp_kprobe_disarm },
#endif
#ifdef STP_USES_KRETPROBE
	[STP_PK_KRETPROBE] = { stp_kretprobe_arm, stp_kretprobe_disarm },
#endif
#ifdef STP_USES_TRACEPOINT
	[STP_PK_TRACEPOINT] = { stp_tracepoint_arm, stp_tracepoint_disarm },
#endif
#ifdef STP_WITH_UPROBES
	[STP_PK_UPROBE] = { stp_uprobe_arm, stp_uprobe_disarm },
	[STP_PK_URETPROBE] = { stp_uprobe_arm, stp_uprobe_disarm },
#endif
};

static struct stp_probe_slot *stp_slots;	/* [STP_NPROBES] */
static DEFINE_MUTEX(stp_session_mutex);
static int stp_globals_ready;

/* Arm every registered-kind probe; the first failure is reported and
 * ends the script (stap's "probe ... registration error"). */
static int stp_arm_all(void)
{
	size_t i;
	int rc;

	for (i = 0; i < STP_NPROBES; i++) {
		const struct stp_probe *p = &stp_probes[i];
		const struct stp_kind_ops *ops = &stp_kind_ops[p->kind];

		if (!ops->arm)
			continue;
		rc = ops->arm(p, &stp_slots[i]);
		if (rc) {
			stp_transport_printf(STP_STREAM_STDERR,
					     "ERROR: probe %s registration error (rc %d)\n",
					     p->pp, rc);
			return rc;
		}
		stp_slots[i].armed = 1;
	}
	return 0;
}

static void stp_disarm_all(void)
{
	size_t i = STP_NPROBES;

	while (i--) {
		const struct stp_probe *p = &stp_probes[i];

		if (!stp_slots[i].armed)
			continue;
		stp_kind_ops[p->kind].disarm(p, &stp_slots[i]);
		stp_slots[i].armed = 0;
	}
}

/* ctl "start": begin probes, then arm (process context, guru-run's). */
static int stp_start(void)
{
	mutex_lock(&stp_session_mutex);
	if (atomic_cmpxchg(&stp_state, STP_STATE_LOADED, STP_STATE_STARTING) !=
	    STP_STATE_LOADED) {
		mutex_unlock(&stp_session_mutex);
		return -EBUSY;
	}
	stp_run_session_probes(STP_PK_BEGIN);
	if (atomic_read(&stp_state) == STP_STATE_STARTING) {
		if (STP_AFTER_BEGIN_HOOK() || stp_arm_all()) {
			atomic_inc(&stp_error_count);
			atomic_set(&stp_state, STP_STATE_ERROR);
			stp_exit();
		} else {
			atomic_cmpxchg(&stp_state, STP_STATE_STARTING, STP_STATE_RUNNING);
		}
	}
	mutex_unlock(&stp_session_mutex);
	return 0;
}

static void stp_shutdown_fn(struct work_struct *w)
{
	int errors, skipped;

	mutex_lock(&stp_session_mutex);
	if (READ_ONCE(stp_done)) {
		mutex_unlock(&stp_session_mutex);
		return;
	}
	STP_BEFORE_DISARM_HOOK();
	stp_disarm_all();
	STP_AFTER_DISARM_HOOK();
	if (atomic_read(&stp_state) == STP_STATE_ERROR)
		stp_run_session_probes(STP_PK_ERROR);
	else if (atomic_read(&stp_state) == STP_STATE_STOPPING)
		stp_run_session_probes(STP_PK_END);
	errors = atomic_read(&stp_error_count);
	skipped = atomic_read(&stp_skipped_count);
	if (errors || skipped)
		stp_transport_printf(STP_STREAM_STDERR,
				     "WARNING: Number of errors: %d, skipped probes: %d\n",
				     errors, skipped);
	atomic_set(&stp_state, STP_STATE_STOPPED);
	stp_transport_done();
	mutex_unlock(&stp_session_mutex);
}

static void stp_module_cleanup(void)
{
	stp_transport_fini();
	if (stp_globals_ready)
		stp_globals_free();
	stp_globals_ready = 0;
	kfree(stp_slots);
	stp_contexts_free();
}

static int __init stp_module_init(void)
{
	int rc;

	stp_slots = kcalloc(STP_NPROBES, sizeof(*stp_slots), GFP_KERNEL);
	rc = stp_slots ? stp_contexts_alloc() : -ENOMEM;
	if (!rc)
		rc = stp_globals_init();
	if (!rc) {
		stp_globals_ready = 1;
		rc = stp_transport_init();
	}
	if (rc) {
		pr_err("%s: initialisation failed (%d)\n", STP_MODULE_NAME, rc);
		stp_module_cleanup();
	}
	return rc;
}

static void __exit stp_module_exit(void)
{
	/* rmmod without guru-run's stop: end the script here */
	if (atomic_read(&stp_state) != STP_STATE_LOADED) {
		stp_exit();
		stp_shutdown_fn(NULL);
	} else {
		stp_transport_done();	/* a reader waiting since load sees EOF */
	}
	stp_module_cleanup();
}

module_init(stp_module_init);
module_exit(stp_module_exit);

#endif /* STP_RUNTIME_MAIN_H */
