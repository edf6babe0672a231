/* scenario.h - the YAML scenario front end of inject (inject-scenario(5)).
 *
 *   scn_load()       scenario_load.c: YAML -> struct scenario. libyaml
 *                    first (syntax errors, and the location of every node
 *                    by its YAML path), then libcyaml against the schema
 *                    (every leaf a string), then scenario_check.c: units,
 *                    ranges, names, contradictions. Errors are diagnosed as
 *                    "file:line:col: error: PATH: message"; NULL on any.
 *   scn_translate()  scenario_translate.c: the stap script over
 *                    tapsets/inject.stp that gstap compiles in guru mode.
 *   scn_quantiles()  scenario_dist.c: a delay distribution as the
 *                    runtime's quantile table (guru-runtime/inject_shared.h).
 */
#ifndef INJECT_SCENARIO_H
#define INJECT_SCENARIO_H

#include "arena.h"
#include "diag.h"

#include "../guru-runtime/inject_shared.h"

#include <stdint.h>
#include <stdio.h>

#define SCN_DIST_LIST(X)                      \
	X(SCN_FIXED, "fixed")                 \
	X(SCN_UNIFORM, "uniform")             \
	X(SCN_NORMAL, "normal")               \
	X(SCN_LOGNORMAL, "lognormal")         \
	X(SCN_PARETO, "pareto")               \
	X(SCN_EMPIRICAL, "empirical")
enum scn_dist {
#define X(e, s) e,
	SCN_DIST_LIST(X)
#undef X
};

#define SCN_MAX_RULES 32		/* the runtime's STP_INJECT_MAXRULES */

enum scn_hook { SCN_HOOK_SYSCALL, SCN_HOOK_BIO };
enum scn_action { SCN_ACT_DELAY, SCN_ACT_ERROR, SCN_ACT_HANG };

/* Bio operations (the runtime's STP_INJECT_OP_* bits). */
#define SCN_OP_LIST(X) \
	X("read", 0x01) X("write", 0x02) X("flush", 0x04) X("discard", 0x08) X("fua", 0x10)

/* Block statuses a bio error may carry: name, blk_status_t value. */
#define SCN_BLK_STATUS_LIST(X)                                            \
	X("ioerr", 10) X("timeout", 6) X("nospc", 3) X("medium", 7)       \
	X("transport", 4) X("target", 5) X("notsupp", 1) X("protection", 8) \
	X("resource", 9) X("again", 12)

struct scn_bucket {
	uint64_t from, to;	/* ns */
	double weight;
};

struct scn_delay {
	enum scn_dist dist;
	uint64_t value, min, max, mean, stddev, median, scale;	/* ns */
	double sigma, shape;
	struct scn_bucket *buckets;
	int nbuckets;
};

struct scn_syscall {
	const char *name;	/* "fsync" */
	const char *entry;	/* "__x64_sys_fsync" */
	int fd_arg;		/* which argument is a file descriptor, or -1 */
};

struct scn_rule {
	const char *name;
	const char *path;	/* YAML path: "rules[0]" or "phases[1].rules[0]" */
	struct loc loc;
	int index;		/* in the runtime's rule table */

	enum scn_hook hook;
	struct scn_syscall *syscalls;	/* syscall hook, expanded groups */
	int nsyscalls;
	int submit;			/* bio: stage submit (else complete) */
	unsigned ops;			/* bio: SCN_OP bits */
	int have_sectors;
	uint64_t sector_first, sector_last;

	/* match (all optional) */
	long pid, pid_tree, uid;	/* -1: absent */
	const char *comm, *exe, *cgroup, *path_prefix;
	const char *device;		/* "/dev/nullb0" or NULL */
	int have_devnum;
	unsigned major, minor;
	int process_matched;		/* pid, pid_tree, comm, exe, uid or cgroup */

	/* triggers */
	uint64_t when_first, when_last, when_step;
	uint64_t prob;			/* out of 2^32 */
	const char *prob_text;
	uint64_t max;			/* 0: unlimited */

	/* phase window, ns after arming (end 0: to the deadline) */
	const char *phase;
	uint64_t start_ns, end_ns;

	/* the action */
	enum scn_action action;
	struct scn_delay delay;
	int err;			/* positive errno */
	const char *err_name;
	int after;			/* error after the call */
	int blk_status;
	const char *blk_status_name;
	uint64_t hang_ns;
};

struct scenario {
	const char *file;
	const char *name, *description;
	uint64_t seed;
	uint64_t deadline_ns, lease_ns, max_delay_ns;
	uint64_t max_held, max_sleeping;
	int nphases;
	uint64_t phases_ns;		/* total length of the phases */
	struct scn_rule **rules;
	int nrules;
};

struct scn_options {
	const char *syscall_table;	/* tapsets/syscalls.def */
	int allow_root_device;		/* --allow-root-device */
};

/* Load and check. NULL after diagnostics (diag.errors > 0). */
struct scenario *scn_load(struct arena *a, const char *path, const struct scn_options *opt);

struct scn_translate_options {
	int target;		/* rules without a process match follow target() */
	int allow_root_device;
	uint64_t lease_ms;	/* 0: the scenario's */
};

/* The stap script. Returns 0, or -1 on an output error. */
int scn_translate(FILE *out, const struct scenario *s, const struct scn_translate_options *opt);

/* The delay's quantile table in ns, on the runtime's probability grid. */
void scn_quantiles(const struct scn_delay *d, uint64_t q[STP_INJECT_NQUANT]);

/* Name tables shared by the loader and the translator. */
const char *scn_dist_name(enum scn_dist d);

#endif
