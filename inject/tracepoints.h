/* tracepoints.h - the target kernel's tracepoints ("system:event") and the
 * arguments of each event.
 *
 * Events and their arguments come from the kernel's BTF: every tracepoint
 * has a FUNC __traceiter_<event>(void *__data, TP_PROTO args...) whose
 * parameters carry TP_PROTO's names and types (btf_trace_<event> typedefs
 * hold the same types, nameless). The system of each event is not in BTF:
 * it comes from /sys/kernel/tracing/events when R is running, else from
 * the TRACE_SYSTEM of the trace headers in /lib/modules/R/{source,build}
 * (include/trace/events, arch/x86/include/asm/trace, ...), as stap itself
 * finds them. An event in BTF whose header is not shipped is listed under
 * system "unknown"; asked for with a system, it is taken on the user's word
 * when named exactly, and by its name's prefix under a glob ("sched:*").
 * Loaded lazily, once per process.
 */
#ifndef INJECT_TRACEPOINTS_H
#define INJECT_TRACEPOINTS_H

#include "ast.h"

struct tracepoint_arg {
	const char *name;	/* "rq" (without '$') */
	int type_id;		/* BTF type id in btf_kernel() */
	const char *c_type;	/* "struct request*" */
};

struct tracepoint {
	const char *system;	/* "block" */
	const char *event;	/* "block_rq_issue" */
	int nargs;
	struct tracepoint_arg *args;
};

/* Append to out (struct tracepoint *, sorted by system then event) every
 * tracepoint whose system and event match the globs (ksyms_glob_match).
 * A "sys:event" string is split by the caller; system NULL means "*".
 * Returns the number appended, or -1 when the tracepoint list cannot be
 * built (tracepoints_error() says why). The structs live until
 * tracepoints_cache_free(). */
int tracepoints_match(const struct target_info *t, const char *system_glob,
		      const char *event_glob, struct ptrvec *out, struct arena *a);
/* The one tracepoint system:event (system may be NULL), or NULL. */
const struct tracepoint *tracepoints_find(const struct target_info *t,
					  const char *system, const char *event);
const char *tracepoints_error(void);
void tracepoints_cache_free(void);

#endif
