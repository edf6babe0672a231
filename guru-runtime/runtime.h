/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.h - the gstap kernel runtime, included by every generated module.
 *
 * The generated C file and this runtime form ONE translation unit: every
 * symbol here is static and prefixed stp_ (types, functions) or STP_
 * (macros). stap's own limit names (MAXACTION, MAXSTRINGLEN, ...) keep
 * stap's spelling so that "gstap -D MAXACTION=10000" means what users expect.
 *
 * The shape of a generated module (docs/architecture.md, "The generated
 * module"):
 *
 *	#define STP_MODULE_NAME "stap_1a2b3c"
 *	#define MAXACTION 10000			only the -D overrides
 *	#define STP_LOCALS_SIZE 1234		frame bytes per context
 *	#include "runtime.h"
 *	... globals, functions, probe handlers ...
 *	static const struct stp_probe stp_probes[] = { ... };
 *	static int stp_globals_init(void);	0 or -ENOMEM
 *	static void stp_globals_free(void);
 *	#include "runtime_main.h"
 *
 * What the runtime offers the generated code (all take the per-CPU
 * context "c" that the runtime passes to every handler):
 *
 *   errors   stp_error(c, fmt, ...) records a run-time error; the handler
 *            then jumps to its exit label (or the enclosing catch, which
 *            reads c->last_error and clears it with stp_error_clear(c)).
 *            Set c->last_stmt to "identifier 'x' at file:line:col" before a
 *            statement that can fail: the runtime prints
 *            "ERROR: <msg> near <last_stmt>", counts the error and ends the
 *            script once more than MAXERRORS occurred.
 *   limits   STP_ACTIONS(c, n) before n statements; stp_nest_enter(c) /
 *            stp_nest_exit(c) around script function calls;
 *            stp_frame_push(c, size) / stp_frame_pop(c, size) carve locals
 *            out of c->locals (NULL + error when STP_LOCALS_SIZE runs out).
 *   output   stp_print(c, buf, len) and stp_print_str(c, s): stdout, buffered
 *            per probe hit and committed when the handler returns;
 *            stp_warn(c, fmt, ...) prints "WARNING: msg" on stderr;
 *            stp_eprint(c, buf, len) raw stderr. Lost output is counted
 *            and reported by guru-run, never silent.
 *   control  stp_exit() ends the script: probes are disarmed, end probes
 *            run, output is flushed, guru-run unloads the module.
 *
 * The language library (strings, maps, statistics, formatting) is written
 * by the translator's side in lang_*.h and reached through lang.h, which is
 * included after the core so it can use everything above.
 */
#ifndef STP_RUNTIME_H
#define STP_RUNTIME_H

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/string.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/jiffies.h>
#include <linux/proc_fs.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <linux/kprobes.h>
#include <linux/random.h>
#include <linux/timex.h>
#include <linux/delay.h>
#include <linux/ptrace.h>
#include <asm/irq_regs.h>

/* STP_HAVE_* kernel API choices, written by the feature probes of pass 4
 * (inject/kbuild.c) next to the generated C file. */
#include "stp_features.h"

#ifndef STP_MODULE_NAME
#error "the generated module must define STP_MODULE_NAME"
#endif

/*
 * Limits, with stap's names and defaults. Each can be overridden with
 * gstap -D NAME=VALUE (the generated file #defines it before this header).
 */
#ifndef MAXACTION		/* statements per probe hit */
#define MAXACTION 1000
#endif
#ifndef MAXACTION_INTERRUPTIBLE	/* the same for begin/end/error probes */
#define MAXACTION_INTERRUPTIBLE (MAXACTION * 10)
#endif
#ifndef MAXNESTING		/* script function call depth */
#define MAXNESTING 10
#endif
#ifndef MAXSTRINGLEN		/* bytes of a string value, NUL included */
#define MAXSTRINGLEN 512
#endif
#ifndef MAXMAPENTRIES		/* elements of an array without [N] */
#define MAXMAPENTRIES 2048
#endif
#ifndef MAXTRYLOCK		/* attempts to take a global's lock */
#define MAXTRYLOCK 100
#endif
#ifndef TRYLOCKDELAY		/* microseconds between two attempts */
#define TRYLOCKDELAY 10
#endif
#ifndef MAXSKIPPED		/* skipped probe hits before the script ends */
#define MAXSKIPPED 100
#endif
#ifndef MAXERRORS		/* errors tolerated before the script ends */
#define MAXERRORS 0
#endif
#ifndef MINSTACKSPACE		/* free kernel stack bytes a probe needs */
#define MINSTACKSPACE 1024
#endif
#ifndef STP_OVERLOAD_INTERVAL	/* cycles per overload accounting window */
#define STP_OVERLOAD_INTERVAL 1000000000LL
#endif
#ifndef STP_OVERLOAD_THRESHOLD	/* probe cycles allowed per window */
#define STP_OVERLOAD_THRESHOLD 500000000LL
#endif
#if !defined(STP_NO_OVERLOAD) && !defined(STAP_NO_OVERLOAD)
#define STP_OVERLOAD
#endif
#ifndef STP_LOCALS_SIZE		/* frame bytes for locals, per CPU */
#define STP_LOCALS_SIZE 1024
#endif
#ifndef STP_PRINT_BUF_SIZE	/* output of one probe hit before a flush */
#define STP_PRINT_BUF_SIZE 8192
#endif
#ifndef STP_BUFFER_SIZE		/* per-CPU transport buffer, bytes */
#define STP_BUFFER_SIZE (256 * 1024)
#endif
#ifndef STP_POLL_MS		/* transport/lease housekeeping period */
#define STP_POLL_MS 20
#endif
#ifndef STP_LEASE_TIMEOUT_MS	/* a renewed lease lapses after this */
#define STP_LEASE_TIMEOUT_MS 5000
#endif

#if MAXNESTING < 0
#error "MAXNESTING must be positive"
#endif

/* The probe kinds: X(name, text for messages). Registration lives in one
 * probe_<kind>.h file per family. */
#define STP_PROBE_KINDS(X)				\
	X(BEGIN, "begin")				\
	X(END, "end")					\
	X(ERROR, "error")				\
	X(NEVER, "never")				\
	X(TIMER, "timer")				\
	X(TIMER_PROFILE, "timer.profile")		\
	X(KPROBE, "kprobe")				\
	X(KRETPROBE, "kretprobe")			\
	X(TRACEPOINT, "kernel.trace")			\
	X(UPROBE, "uprobe")				\
	X(URETPROBE, "uretprobe")

enum stp_probe_kind {
#define STP_PK_ENUM(name, text) STP_PK_##name,
	STP_PROBE_KINDS(STP_PK_ENUM)
#undef STP_PK_ENUM
	STP_PK_COUNT
};

struct stp_context;

/*
 * One probe point of the script (an entry of the generated stp_probes[]).
 * Fields a kind does not use stay zero.
 */
struct stp_probe {
	enum stp_probe_kind kind;
	const char *pp;		/* probe point as pp() prints it */
	void (*handler)(struct stp_context *c);
	int seq;		/* begin/end/error: run order (begin(-1) first) */
	/* KPROBE, KRETPROBE: the function, and module("M") or NULL */
	const char *symbol;
	const char *module;
	unsigned long offset;	/* kprobe.statement-like offsets */
	/* KPROBE: the pre-handler generated for this probe (probe_kprobe.h) */
	int (*kprobe_pre)(struct kprobe *kp, struct pt_regs *regs);
	int maxactive;		/* KRETPROBE .maxactive(N), 0: default */
	size_t entry_size;	/* KRETPROBE: bytes kept from entry to return */
	void (*entry_handler)(struct stp_context *c);	/* fills c->entry */
	/* TIMER: period and .randomize(M) in ns; jiffies: tick-based */
	u64 interval_ns;
	u64 randomize_ns;
	int jiffies;
	/* TRACEPOINT: the event name ("sched_switch") and the generated
	 * callback with the tracepoint's prototype; it calls
	 * stp_probe_hit(&stp_probes[i], NULL, args) */
	const char *event;
	void *tp_callback;
	/* UPROBE, URETPROBE: binary path and file offset of the function */
	const char *path;
	loff_t uoffset;
};

#include "context.h"
#include "transport.h"
#include "lang.h"

#endif /* STP_RUNTIME_H */
