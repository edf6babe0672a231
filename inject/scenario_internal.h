/* scenario_internal.h - between the scenario loader and its checker.
 *
 * scenario_load.c reads the YAML into these raw structs with libcyaml
 * (every leaf is a string, parsed later by units.c) and keeps, from a
 * libyaml pass over the same text, the location of every node by its YAML
 * path ("rules[0].match.comm"); scenario_check.c turns the raw structs
 * into struct scenario and reports errors at those locations.
 */
#ifndef INJECT_SCENARIO_INTERNAL_H
#define INJECT_SCENARIO_INTERNAL_H

#include "scenario.h"

struct raw_bucket {
	char *from, *to, *weight;
};

struct raw_delay {
	char *dist, *value, *min, *max, *mean, *stddev, *median, *sigma, *scale, *shape;
	struct raw_bucket *histogram;
	unsigned histogram_count;
};

struct raw_error {
	char *errno_name, *status, *when;
};

struct raw_hang {
	char *timeout;
};

struct raw_match {
	char *pid, *pid_tree, *comm, *exe, *uid, *cgroup, *device, *path;
};

struct raw_rule {
	char *name, *hook, *stage, *sectors;
	char **syscalls;
	unsigned syscalls_count;
	char **ops;
	unsigned ops_count;
	struct raw_match *match;
	struct raw_delay *delay;
	struct raw_error *error;
	struct raw_hang *hang;
	char *probability, *when, *max;
};

struct raw_phase {
	char *name, *duration;
	struct raw_rule *rules;
	unsigned rules_count;
};

struct raw_safety {
	char *deadline, *lease, *max_delay, *max_held, *max_sleeping;
};

struct raw_scenario {
	char *name, *description, *seed;
	struct raw_safety *safety;
	struct raw_rule *rules;
	unsigned rules_count;
	struct raw_phase *phases;
	unsigned phases_count;
};

/* Where a YAML node is. */
struct scn_node_loc {
	const char *path;	/* "rules[0].match.comm" */
	int line, col;		/* of the value, 1-based */
	int key_line, key_col;	/* of its key in the parent mapping (0: none) */
	int quoted;		/* a quoted scalar: the text starts one column later */
	int len;		/* scalar length, for the underline */
};

struct scn_ctx {
	struct arena *a;
	const struct src_file *src;
	const struct scn_options *opt;
	struct scn_node_loc *locs;
	int nlocs, caplocs;
};

/* The location of PATH's value (key: of its key), or the nearest enclosing
 * node's when PATH is absent (a missing key: its mapping). */
struct loc scn_loc(const struct scn_ctx *c, const char *path, int key);

/* Is there a node at PATH (an empty list counts)? */
int scn_has(const struct scn_ctx *c, const char *path);

/* diag_error at PATH: "PATH: message". 'offset' moves the caret into a
 * scalar (units_err.offset), -1 for none. */
void scn_error(const struct scn_ctx *c, const char *path, int key, int offset,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* scenario_check.c: raw -> checked. NULL after diagnostics. */
struct scenario *scn_check(struct scn_ctx *c, const struct raw_scenario *raw);

#endif
