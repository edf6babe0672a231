/* scenario_check.c - raw scenario strings to a checked struct scenario.
 *
 * Every value is parsed by units.c; every error names the YAML path and
 * points at the value (or the key). Contradictions are errors too: two
 * actions in one rule, bio keys on a syscall rule, a delay longer than the
 * per-operation cap, phases longer than the deadline, and so on. All errors
 * of a file are reported in one run; a scenario with any is not loaded.
 */
#include "errno_table.h"
#include "scenario_internal.h"
#include "session.h"
#include "syscall_tapset.h"
#include "units.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Syscall groups: a group name and the syscalls it stands for. */
#define SCN_SYSCALL_GROUPS(X)                                                     \
	X("read", "read readv pread64 preadv preadv2")                           \
	X("write", "write writev pwrite64 pwritev pwritev2")                      \
	X("sync", "fsync fdatasync sync syncfs sync_file_range msync")            \
	X("open", "open openat openat2 creat")                                   \
	X("close", "close close_range")                                          \
	X("stat", "stat fstat lstat newfstatat statx")                           \
	X("dir", "mkdir mkdirat rmdir unlink unlinkat rename renameat renameat2") \
	X("net", "socket connect accept accept4 sendto recvfrom sendmsg recvmsg")

static const struct {
	const char *name, *members;
} syscall_groups[] = {
#define X(n, m) { n, m },
	SCN_SYSCALL_GROUPS(X)
#undef X
};

static const struct {
	const char *name;
	int value;
} errnos[] = {
#define X(n, v) { #n, v },
	ERRNO_LIST(X) ERRNO_ALIAS_LIST(X)
#undef X
};

static const struct {
	const char *name;
	unsigned bit;
} bio_ops[] = {
#define X(n, b) { n, b },
	SCN_OP_LIST(X)
#undef X
};

static const struct {
	const char *name;
	int value;
} blk_statuses[] = {
#define X(n, v) { n, v },
	SCN_BLK_STATUS_LIST(X)
#undef X
};

#define DEFAULT_DEADLINE_NS (60ULL * 1000000000ULL)
#define DEFAULT_LEASE_NS (2ULL * 1000000000ULL)
#define DEFAULT_MAX_DELAY_NS (10ULL * 1000000000ULL)
#define NS_PER_MS 1000000ULL

struct checker {
	struct scn_ctx *c;
	struct scenario *s;
	struct syscall_table table;
	int have_table;
	struct ptrvec rules;
};

static char *dup(struct checker *k, const char *s)
{
	return s ? arena_strdup(k->c->a, s) : NULL;
}

/* The value at path.key, parsed by one of units.c's functions. */
static int duration_at(struct checker *k, const char *path, const char *v, uint64_t *ns)
{
	struct units_err e;

	if (units_duration(v, ns, &e)) {
		scn_error(k->c, path, 0, e.offset, "%s ('%s')", e.msg, v);
		return -1;
	}
	return 0;
}

static int count_at(struct checker *k, const char *path, const char *v, uint64_t *n)
{
	struct units_err e;

	if (units_count(v, n, &e)) {
		scn_error(k->c, path, 0, e.offset, "%s ('%s')", e.msg, v);
		return -1;
	}
	return 0;
}

static int real_at(struct checker *k, const char *path, const char *v, double *d)
{
	struct units_err e;

	if (units_real(v, d, &e)) {
		scn_error(k->c, path, 0, e.offset, "%s ('%s')", e.msg, v);
		return -1;
	}
	return 0;
}

static const char *P(struct checker *k, const char *base, const char *key)
{
	return arena_printf(k->c->a, "%s.%s", base, key);
}

/* A name: [a-z0-9_-]+, so it can go anywhere (module names, JSON). */
static int check_name(struct checker *k, const char *path, const char *name)
{
	const char *p;

	if (!*name) {
		scn_error(k->c, path, 0, -1, "a name cannot be empty");
		return -1;
	}
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_')) {
			scn_error(k->c, path, 0, (int)(p - name),
				  "a name is made of a-z, 0-9, '-' and '_' ('%s')", name);
			return -1;
		}
	if (strlen(name) > 48) {
		scn_error(k->c, path, 0, -1, "a name is at most 48 characters");
		return -1;
	}
	return 0;
}

/* A string that goes into the script: printable, no quotes games. */
static int check_text(struct checker *k, const char *path, const char *v, size_t max)
{
	const char *p;

	for (p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\') {
			scn_error(k->c, path, 0, (int)(p - v),
				  "control characters, quotes and backslashes are not allowed");
			return -1;
		}
	if (strlen(v) > max) {
		scn_error(k->c, path, 0, -1, "too long (at most %zu bytes)", max);
		return -1;
	}
	return 0;
}

/* ---- syscalls ---- */

static const struct syscall_def *syscall_find(struct checker *k, const char *name)
{
	int i;

	for (i = 0; i < k->table.n; i++)
		if (!strcmp(k->table.defs[i].name, name))
			return &k->table.defs[i];
	return NULL;
}

static int load_table(struct checker *k)
{
	const char *path = k->c->opt && k->c->opt->syscall_table ? k->c->opt->syscall_table : NULL;
	struct src_file *src;

	if (k->have_table)
		return k->have_table > 0 ? 0 : -1;
	if (!path)
		path = arena_printf(k->c->a, "%s/syscalls.def", session_data_dir("tapsets"));
	src = src_file_load(path);
	if (!src || syscall_table_parse(k->c->a, src, &k->table)) {
		diag_fatal("cannot read the syscall table '%s'", path);
		k->have_table = -1;
		return -1;
	}
	k->have_table = 1;
	return 0;
}

static void add_syscall(struct checker *k, struct scn_rule *r, const struct syscall_def *d)
{
	int i;

	for (i = 0; i < r->nsyscalls; i++)
		if (!strcmp(r->syscalls[i].name, d->name))
			return;
	{
		struct scn_syscall *grown = arena_alloc(k->c->a, (size_t)(r->nsyscalls + 1) *
								 sizeof(*grown));

		if (r->nsyscalls)
			memcpy(grown, r->syscalls, (size_t)r->nsyscalls * sizeof(*grown));
		r->syscalls = grown;	/* the old array stays in the arena */
	}
	r->syscalls[r->nsyscalls].name = d->name;
	r->syscalls[r->nsyscalls].entry = d->entry;
	r->syscalls[r->nsyscalls].fd_arg = -1;
	for (i = 0; i < d->nargs && i < 4; i++)
		if (d->args[i].name && !strcmp(d->args[i].name, "fd")) {
			r->syscalls[r->nsyscalls].fd_arg = i;
			break;
		}
	r->nsyscalls++;
}

static int check_syscalls(struct checker *k, struct scn_rule *r, const struct raw_rule *rr)
{
	unsigned i;
	int bad = 0;

	if (!rr->syscalls_count) {
		scn_error(k->c, r->path, 0, -1, "a syscall rule needs 'syscalls' (names or groups)");
		return -1;
	}
	if (load_table(k))
		return -1;
	for (i = 0; i < rr->syscalls_count; i++) {
		const char *name = rr->syscalls[i];
		const char *path = arena_printf(k->c->a, "%s.syscalls[%u]", r->path, i);
		const struct syscall_def *d;
		unsigned g;

		/* a group name wins over the syscall of the same name (the
		 * "read" group includes read) */
		for (g = 0; g < sizeof(syscall_groups) / sizeof(syscall_groups[0]); g++)
			if (!strcmp(syscall_groups[g].name, name))
				break;
		if (g == sizeof(syscall_groups) / sizeof(syscall_groups[0])) {
			d = syscall_find(k, name);
			if (!d) {
				scn_error(k->c, path, 0, -1, "unknown syscall or group '%s'", name);
				bad = 1;
			} else if (!d->entry) {
				scn_error(k->c, path, 0, -1, "syscall '%s' does not exist on x86-64",
					  name);
				bad = 1;
			} else {
				add_syscall(k, r, d);
			}
			continue;
		}
		{
			char *m = arena_strdup(k->c->a, syscall_groups[g].members), *save = NULL, *t;

			for (t = strtok_r(m, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
				d = syscall_find(k, t);
				if (d && d->entry)
					add_syscall(k, r, d);
			}
		}
	}
	return bad ? -1 : 0;
}

/* ---- match ---- */

static int check_pid(struct checker *k, const char *path, const char *v, long *out)
{
	uint64_t n;

	if (count_at(k, path, v, &n))
		return -1;
	if (!n || n > 4194304) {
		scn_error(k->c, path, 0, -1, "not a process id ('%s')", v);
		return -1;
	}
	*out = (long)n;
	return 0;
}

static int check_device(struct checker *k, struct scn_rule *r, const char *path, const char *v)
{
	unsigned maj, min;
	char extra;

	if (v[0] == '/') {
		if (strncmp(v, "/dev/", 5) || !v[5]) {
			scn_error(k->c, path, 0, -1, "a device is '/dev/NAME' or 'MAJOR:MINOR'");
			return -1;
		}
		if (check_text(k, path, v, 200))
			return -1;
		r->device = dup(k, v);
		return 0;
	}
	if (sscanf(v, "%u:%u%c", &maj, &min, &extra) != 2) {
		scn_error(k->c, path, 0, -1, "a device is '/dev/NAME' or 'MAJOR:MINOR' (got '%s')", v);
		return -1;
	}
	r->have_devnum = 1;
	r->major = maj;
	r->minor = min;
	return 0;
}

/* The host's / and /boot, refused for bio rules unless allowed (the
 * kernel checks the target's own again when arming). */
static int is_host_root_device(const struct scn_rule *r)
{
	static const char *const where[] = { "/", "/boot" };
	struct stat st;
	unsigned i;

	for (i = 0; i < 2; i++) {
		dev_t want;

		if (stat(where[i], &st))
			continue;
		if (r->device) {
			struct stat dv;

			if (stat(r->device, &dv) || !S_ISBLK(dv.st_mode))
				continue;
			want = dv.st_rdev;
		} else {
			want = makedev(r->major, r->minor);
		}
		if (want == st.st_dev)
			return 1;
	}
	return 0;
}

static int check_match(struct checker *k, struct scn_rule *r, const struct raw_match *m)
{
	const char *base = P(k, r->path, "match");
	int bad = 0;

	r->pid = r->pid_tree = r->uid = -1;
	if (!m)
		return 0;
	if (m->pid && check_pid(k, P(k, base, "pid"), m->pid, &r->pid))
		bad = 1;
	if (m->pid_tree && check_pid(k, P(k, base, "pid_tree"), m->pid_tree, &r->pid_tree))
		bad = 1;
	if (m->uid) {
		uint64_t u;

		if (count_at(k, P(k, base, "uid"), m->uid, &u) || u > 0xfffffffeULL)
			bad = 1;
		else
			r->uid = (long)u;
	}
	if (m->comm) {
		if (!*m->comm || check_text(k, P(k, base, "comm"), m->comm, 15)) {
			if (!*m->comm)
				scn_error(k->c, P(k, base, "comm"), 0, -1, "empty comm");
			bad = 1;
		}
		r->comm = dup(k, m->comm);
	}
	if (m->exe) {
		if (m->exe[0] != '/') {
			scn_error(k->c, P(k, base, "exe"), 0, -1, "exe is an absolute path");
			bad = 1;
		} else if (check_text(k, P(k, base, "exe"), m->exe, 200)) {
			bad = 1;
		}
		r->exe = dup(k, m->exe);
	}
	if (m->cgroup) {
		if (m->cgroup[0] != '/') {
			scn_error(k->c, P(k, base, "cgroup"), 0, -1,
				  "a cgroup v2 path starts with '/' (as in /proc/PID/cgroup)");
			bad = 1;
		} else if (check_text(k, P(k, base, "cgroup"), m->cgroup, 200)) {
			bad = 1;
		}
		r->cgroup = dup(k, m->cgroup);
	}
	if (m->device && check_device(k, r, P(k, base, "device"), m->device))
		bad = 1;
	if (m->path) {
		if (m->path[0] != '/') {
			scn_error(k->c, P(k, base, "path"), 0, -1, "a path prefix is absolute");
			bad = 1;
		} else if (check_text(k, P(k, base, "path"), m->path, 200)) {
			bad = 1;
		}
		r->path_prefix = dup(k, m->path);
	}
	r->process_matched = r->pid > 0 || r->pid_tree > 0 || r->uid >= 0 || r->comm || r->exe ||
			     r->cgroup;
	return bad ? -1 : 0;
}

/* ---- actions ---- */

/* Keys a distribution takes; any other is an error. */
static const struct {
	enum scn_dist dist;
	const char *keys;	/* required, space-separated */
} dist_keys[] = {
	{ SCN_FIXED, "value" },
	{ SCN_UNIFORM, "min max" },
	{ SCN_NORMAL, "mean stddev" },
	{ SCN_LOGNORMAL, "median sigma" },
	{ SCN_PARETO, "scale shape" },
	{ SCN_EMPIRICAL, "histogram" },
};

static int dist_takes(enum scn_dist d, const char *key)
{
	const char *ks = dist_keys[d].keys;
	size_t n = strlen(key);

	while (*ks) {
		if (!strncmp(ks, key, n) && (ks[n] == ' ' || !ks[n]))
			return 1;
		ks += strcspn(ks, " ");
		ks += *ks == ' ';
	}
	return 0;
}

static int check_delay(struct checker *k, struct scn_rule *r, const struct raw_delay *d)
{
	const char *base = P(k, r->path, "delay");
	struct scn_delay *o = &r->delay;
	const struct {
		const char *key, *val;
	} given[] = {
		{ "value", d->value }, { "min", d->min }, { "max", d->max },
		{ "mean", d->mean }, { "stddev", d->stddev }, { "median", d->median },
		{ "sigma", d->sigma }, { "scale", d->scale }, { "shape", d->shape },
		{ "histogram", d->histogram_count ? "" : NULL },
	};
	unsigned i;
	int bad = 0, found = -1;

	for (i = 0; i < sizeof(dist_keys) / sizeof(dist_keys[0]); i++)
		if (!strcmp(d->dist, scn_dist_name(dist_keys[i].dist)))
			found = (int)i;
	if (found < 0) {
		scn_error(k->c, P(k, base, "dist"), 0, -1,
			  "unknown distribution '%s' (fixed, uniform, normal, lognormal, pareto, empirical)",
			  d->dist);
		return -1;
	}
	o->dist = (enum scn_dist)found;
	for (i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
		int takes = dist_takes(o->dist, given[i].key);

		if (given[i].val && !takes) {
			scn_error(k->c, P(k, base, given[i].key), 1, -1,
				  "'%s' is not a parameter of the %s distribution (it takes %s)",
				  given[i].key, d->dist, dist_keys[o->dist].keys);
			bad = 1;
		} else if (!given[i].val && takes) {
			scn_error(k->c, base, 0, -1, "the %s distribution needs '%s'", d->dist,
				  given[i].key);
			bad = 1;
		}
	}
	if (bad)
		return -1;
	switch (o->dist) {
	case SCN_FIXED:
		return duration_at(k, P(k, base, "value"), d->value, &o->value);
	case SCN_UNIFORM:
		if (duration_at(k, P(k, base, "min"), d->min, &o->min) ||
		    duration_at(k, P(k, base, "max"), d->max, &o->max))
			return -1;
		if (o->max <= o->min) {
			scn_error(k->c, P(k, base, "max"), 0, -1, "max must be above min");
			return -1;
		}
		return 0;
	case SCN_NORMAL:
		return duration_at(k, P(k, base, "mean"), d->mean, &o->mean) ||
			       duration_at(k, P(k, base, "stddev"), d->stddev, &o->stddev)
			       ? -1 : 0;
	case SCN_LOGNORMAL:
		if (duration_at(k, P(k, base, "median"), d->median, &o->median) ||
		    real_at(k, P(k, base, "sigma"), d->sigma, &o->sigma))
			return -1;
		if (!o->median || o->sigma > 5) {
			scn_error(k->c, P(k, base, o->median ? "sigma" : "median"), 0, -1,
				  o->median ? "sigma above 5 is not a latency distribution"
					    : "the median must be above 0");
			return -1;
		}
		return 0;
	case SCN_PARETO:
		if (duration_at(k, P(k, base, "scale"), d->scale, &o->scale) ||
		    real_at(k, P(k, base, "shape"), d->shape, &o->shape))
			return -1;
		if (o->shape < 0.1) {
			scn_error(k->c, P(k, base, "shape"), 0, -1, "shape must be at least 0.1");
			return -1;
		}
		return 0;
	case SCN_EMPIRICAL:
		o->buckets = arena_alloc(k->c->a, d->histogram_count * sizeof(*o->buckets));
		o->nbuckets = (int)d->histogram_count;
		for (i = 0; i < d->histogram_count; i++) {
			const char *bp = arena_printf(k->c->a, "%s.histogram[%u]", base, i);
			struct scn_bucket *b = &o->buckets[i];

			if (duration_at(k, P(k, bp, "from"), d->histogram[i].from, &b->from) ||
			    duration_at(k, P(k, bp, "to"), d->histogram[i].to, &b->to) ||
			    real_at(k, P(k, bp, "weight"), d->histogram[i].weight, &b->weight)) {
				bad = 1;
				continue;
			}
			if (b->to <= b->from) {
				scn_error(k->c, P(k, bp, "to"), 0, -1, "'to' must be above 'from'");
				bad = 1;
			}
			if (i && b->from < o->buckets[i - 1].to && !bad) {
				scn_error(k->c, P(k, bp, "from"), 0, -1,
					  "buckets must be in order and not overlap");
				bad = 1;
			}
		}
		return bad ? -1 : 0;
	}
	return -1;
}

static int errno_value(const char *s)
{
	unsigned i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, s))
			return errnos[i].value;
	return -1;
}

static const char *errno_name(int v)
{
	unsigned i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == v)
			return errnos[i].name;
	return NULL;
}

static int check_error(struct checker *k, struct scn_rule *r, const struct raw_error *e)
{
	const char *base = P(k, r->path, "error");

	if (e->when) {
		if (!strcmp(e->when, "after")) {
			r->after = 1;
		} else if (strcmp(e->when, "before")) {
			scn_error(k->c, P(k, base, "when"), 0, -1,
				  "error.when is 'before' (skip the call) or 'after' (replace its result)");
			return -1;
		}
	}
	if (r->hook == SCN_HOOK_BIO) {
		unsigned i;

		if (e->errno_name) {
			scn_error(k->c, P(k, base, "errno"), 1, -1,
				  "a bio fails with a block status: use 'status' (ioerr, timeout, nospc, ...)");
			return -1;
		}
		if (e->when) {
			scn_error(k->c, P(k, base, "when"), 1, -1,
				  "for bios the stage says when: 'stage: submit' fails without doing the IO");
			return -1;
		}
		r->blk_status = 10;
		r->blk_status_name = "ioerr";
		if (!e->status)
			return 0;
		for (i = 0; i < sizeof(blk_statuses) / sizeof(blk_statuses[0]); i++)
			if (!strcmp(blk_statuses[i].name, e->status)) {
				r->blk_status = blk_statuses[i].value;
				r->blk_status_name = blk_statuses[i].name;
				return 0;
			}
		scn_error(k->c, P(k, base, "status"), 0, -1, "unknown block status '%s'", e->status);
		return -1;
	}
	if (e->status) {
		scn_error(k->c, P(k, base, "status"), 1, -1, "a syscall fails with an 'errno'");
		return -1;
	}
	if (!e->errno_name) {
		scn_error(k->c, base, 0, -1, "a syscall error needs 'errno' (a name such as EIO, or a number)");
		return -1;
	}
	if (e->errno_name[0] >= '0' && e->errno_name[0] <= '9') {
		uint64_t n;

		if (count_at(k, P(k, base, "errno"), e->errno_name, &n))
			return -1;
		if (!n || n > 4095) {
			scn_error(k->c, P(k, base, "errno"), 0, -1, "an errno is 1 to 4095");
			return -1;
		}
		r->err = (int)n;
	} else {
		r->err = errno_value(e->errno_name);
		if (r->err < 0) {
			scn_error(k->c, P(k, base, "errno"), 0, -1, "unknown errno '%s'", e->errno_name);
			return -1;
		}
	}
	r->err_name = errno_name(r->err);
	if (r->after && r->path_prefix) {
		scn_error(k->c, P(k, base, "when"), 0, -1,
			  "'after' cannot be combined with match.path (the file is checked at entry)");
		return -1;
	}
	return 0;
}

/* The largest delay a rule asks for (its 0.9999 quantile). */
static uint64_t delay_top(const struct scn_rule *r)
{
	uint64_t q[STP_INJECT_NQUANT];

	if (r->action == SCN_ACT_HANG)
		return r->hang_ns;
	if (r->action != SCN_ACT_DELAY)
		return 0;
	scn_quantiles(&r->delay, q);
	return q[STP_INJECT_NQUANT - 1];
}

/* ---- rules ---- */

static struct scn_rule *check_rule(struct checker *k, const struct raw_rule *rr, const char *path)
{
	struct scn_rule *r = ARENA_NEW(k->c->a, struct scn_rule);
	int bad = 0, nact;

	r->path = path;
	r->loc = scn_loc(k->c, path, 0);
	r->name = dup(k, rr->name);
	if (check_name(k, P(k, path, "name"), rr->name))
		bad = 1;
	if (check_match(k, r, rr->match))
		bad = 1;

	if (!strcmp(rr->hook, "syscall")) {
		r->hook = SCN_HOOK_SYSCALL;
		if (check_syscalls(k, r, rr))
			bad = 1;
		if (rr->stage || rr->ops_count || rr->sectors) {
			scn_error(k->c, P(k, path, rr->stage ? "stage" : rr->sectors ? "sectors" : "ops"),
				  1, -1, "'%s' is for bio rules", rr->stage ? "stage" : rr->sectors ? "sectors" : "ops");
			bad = 1;
		}
	} else if (!strcmp(rr->hook, "bio")) {
		unsigned i, j;

		r->hook = SCN_HOOK_BIO;
		if (rr->syscalls_count) {
			scn_error(k->c, P(k, path, "syscalls"), 1, -1, "'syscalls' is for syscall rules");
			bad = 1;
		}
		if (rr->stage && strcmp(rr->stage, "complete")) {
			if (!strcmp(rr->stage, "submit")) {
				r->submit = 1;
			} else {
				scn_error(k->c, P(k, path, "stage"), 0, -1,
					  "stage is 'submit' or 'complete'");
				bad = 1;
			}
		}
		for (i = 0; i < rr->ops_count; i++) {
			for (j = 0; j < sizeof(bio_ops) / sizeof(bio_ops[0]); j++)
				if (!strcmp(bio_ops[j].name, rr->ops[i]))
					break;
			if (j == sizeof(bio_ops) / sizeof(bio_ops[0])) {
				scn_error(k->c, arena_printf(k->c->a, "%s.ops[%u]", path, i), 0, -1,
					  "unknown operation '%s' (read, write, flush, discard, fua)",
					  rr->ops[i]);
				bad = 1;
			} else {
				r->ops |= bio_ops[j].bit;
			}
		}
		if (!rr->ops_count)
			r->ops = 0x1f;
		if (rr->sectors) {
			struct units_err e;

			if (units_range(rr->sectors, &r->sector_first, &r->sector_last, &e)) {
				scn_error(k->c, P(k, path, "sectors"), 0, e.offset, "%s ('%s')", e.msg,
					  rr->sectors);
				bad = 1;
			} else if (!r->submit) {
				scn_error(k->c, P(k, path, "sectors"), 1, -1,
					  "a sector range needs 'stage: submit' (drivers advance the bio before completing it)");
				bad = 1;
			}
			r->have_sectors = 1;
		}
		if (!r->device && !r->have_devnum) {
			scn_error(k->c, rr->match ? P(k, path, "match") : path, 0, -1,
				  "a bio rule needs match.device: it would touch every disk");
			bad = 1;
		}
		if (r->path_prefix) {
			scn_error(k->c, P(k, path, "match.path"), 1, -1, "match.path is for syscall rules");
			bad = 1;
		}
		if (!bad && !(k->c->opt && k->c->opt->allow_root_device) && is_host_root_device(r)) {
			scn_error(k->c, P(k, path, "match.device"), 0, -1,
				  "this device holds / or /boot (use --allow-root-device)");
			bad = 1;
		}
	} else {
		scn_error(k->c, P(k, path, "hook"), 0, -1, "unknown hook '%s' (syscall or bio)", rr->hook);
		return NULL;
	}

	nact = !!rr->delay + !!rr->error + !!rr->hang;
	if (nact != 1) {
		scn_error(k->c, path, 0, -1, nact ? "a rule has one action: 'delay', 'error' or 'hang', not several"
						  : "a rule needs an action: 'delay', 'error' or 'hang'");
		return NULL;
	}
	if (rr->delay) {
		r->action = SCN_ACT_DELAY;
		if (check_delay(k, r, rr->delay))
			bad = 1;
	} else if (rr->error) {
		r->action = SCN_ACT_ERROR;
		if (check_error(k, r, rr->error))
			bad = 1;
	} else {
		r->action = SCN_ACT_HANG;
		if (duration_at(k, P(k, path, "hang.timeout"), rr->hang->timeout, &r->hang_ns))
			bad = 1;
		else if (!r->hang_ns) {
			scn_error(k->c, P(k, path, "hang.timeout"), 0, -1, "a hang needs a timeout above 0");
			bad = 1;
		}
	}
	if (r->hook == SCN_HOOK_BIO && r->submit && r->action != SCN_ACT_ERROR) {
		scn_error(k->c, P(k, path, "stage"), 0, -1,
			  "at 'submit' only errors are supported: delays and hangs act at 'complete'");
		bad = 1;
	}
	if (r->path_prefix && r->hook == SCN_HOOK_SYSCALL) {
		int i;

		for (i = 0; i < r->nsyscalls; i++)
			if (r->syscalls[i].fd_arg < 0) {
				scn_error(k->c, P(k, path, "match.path"), 1, -1,
					  "match.path needs fd-based syscalls; '%s' takes no fd",
					  r->syscalls[i].name);
				bad = 1;
				break;
			}
	}

	/* triggers */
	r->when_first = 1;
	r->when_step = 1;
	r->prob = STP_INJECT_PROB_ALWAYS;
	if (rr->when) {
		struct units_err e;

		if (units_when(rr->when, &r->when_first, &r->when_last, &r->when_step, &e)) {
			scn_error(k->c, P(k, path, "when"), 0, e.offset, "%s ('%s')", e.msg, rr->when);
			bad = 1;
		}
	}
	if (rr->probability) {
		struct units_err e;

		if (units_probability(rr->probability, &r->prob, &e)) {
			scn_error(k->c, P(k, path, "probability"), 0, e.offset, "%s ('%s')", e.msg,
				  rr->probability);
			bad = 1;
		} else if (!r->prob) {
			scn_error(k->c, P(k, path, "probability"), 0, -1,
				  "probability 0 never injects (remove the rule)");
			bad = 1;
		}
		r->prob_text = dup(k, rr->probability);
	}
	if (rr->max) {
		if (count_at(k, P(k, path, "max"), rr->max, &r->max)) {
			bad = 1;
		} else if (!r->max) {
			scn_error(k->c, P(k, path, "max"), 0, -1, "max 0 never injects (remove the rule)");
			bad = 1;
		}
	}
	return bad ? NULL : r;
}

static int check_rules(struct checker *k, const struct raw_rule *rules, unsigned n,
		       const char *base, const char *phase, uint64_t start, uint64_t end)
{
	unsigned i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		const char *path = arena_printf(k->c->a, "%s[%u]", base, i);
		struct scn_rule *r = check_rule(k, &rules[i], path);
		int j;

		if (!r) {
			bad = 1;
			continue;
		}
		for (j = 0; j < k->rules.n; j++)
			if (!strcmp(((struct scn_rule *)k->rules.v[j])->name, r->name)) {
				scn_error(k->c, P(k, path, "name"), 0, -1, "rule '%s' is defined twice",
					  r->name);
				diag_note(((struct scn_rule *)k->rules.v[j])->loc, "first defined here");
				bad = 1;
			}
		r->phase = phase;
		r->start_ns = start;
		r->end_ns = end;
		r->index = k->rules.n;
		ptrvec_push(k->c->a, &k->rules, r);
	}
	return bad ? -1 : 0;
}

static int check_safety(struct checker *k, const struct raw_safety *sf)
{
	struct scenario *s = k->s;
	int bad = 0;

	s->deadline_ns = DEFAULT_DEADLINE_NS;
	s->lease_ns = DEFAULT_LEASE_NS;
	s->max_delay_ns = DEFAULT_MAX_DELAY_NS;
	s->max_held = 1024;
	s->max_sleeping = 256;
	if (!sf)
		return 0;
	if (sf->deadline && duration_at(k, "safety.deadline", sf->deadline, &s->deadline_ns))
		bad = 1;
	else if (sf->deadline && (s->deadline_ns < 100 * NS_PER_MS ||
				  s->deadline_ns > 24ULL * 3600 * 1000 * NS_PER_MS)) {
		scn_error(k->c, "safety.deadline", 0, -1, "a deadline is between 100ms and 24h");
		bad = 1;
	}
	if (sf->lease && duration_at(k, "safety.lease", sf->lease, &s->lease_ns))
		bad = 1;
	else if (sf->lease && (s->lease_ns < 200 * NS_PER_MS || s->lease_ns > 60000 * NS_PER_MS)) {
		scn_error(k->c, "safety.lease", 0, -1, "a lease is between 200ms and 60s");
		bad = 1;
	}
	if (sf->max_delay && duration_at(k, "safety.max_delay", sf->max_delay, &s->max_delay_ns))
		bad = 1;
	else if (sf->max_delay && (!s->max_delay_ns || s->max_delay_ns > 600000 * NS_PER_MS)) {
		scn_error(k->c, "safety.max_delay", 0, -1, "max_delay is above 0 and at most 10m");
		bad = 1;
	}
	if (sf->max_held && count_at(k, "safety.max_held", sf->max_held, &s->max_held))
		bad = 1;
	else if (sf->max_held && (!s->max_held || s->max_held > 65536)) {
		scn_error(k->c, "safety.max_held", 0, -1, "max_held is 1 to 65536");
		bad = 1;
	}
	if (sf->max_sleeping && count_at(k, "safety.max_sleeping", sf->max_sleeping, &s->max_sleeping))
		bad = 1;
	else if (sf->max_sleeping && (!s->max_sleeping || s->max_sleeping > 4096)) {
		scn_error(k->c, "safety.max_sleeping", 0, -1, "max_sleeping is 1 to 4096");
		bad = 1;
	}
	return bad ? -1 : 0;
}

struct scenario *scn_check(struct scn_ctx *c, const struct raw_scenario *raw)
{
	struct checker k = { .c = c };
	struct scenario *s = ARENA_NEW(c->a, struct scenario);
	int bad = 0, i;

	k.s = s;
	s->name = arena_strdup(c->a, raw->name);
	if (check_name(&k, "name", raw->name))
		bad = 1;
	if (raw->description) {
		if (check_text(&k, "description", raw->description, 400))
			bad = 1;
		s->description = arena_strdup(c->a, raw->description);
	}
	if (raw->seed && count_at(&k, "seed", raw->seed, &s->seed))
		bad = 1;
	if (check_safety(&k, raw->safety))
		bad = 1;

	if (scn_has(c, "rules") && scn_has(c, "phases")) {
		scn_error(c, "phases", 1, -1,
			  "a scenario has 'rules' or 'phases', not both (put the rules in a phase)");
		return NULL;
	}
	if (!raw->rules_count && !raw->phases_count) {
		scn_error(c, "", 0, -1, "a scenario needs 'rules' or 'phases'");
		return NULL;
	}
	if (raw->rules_count) {
		if (check_rules(&k, raw->rules, raw->rules_count, "rules", NULL, 0, 0))
			bad = 1;
	} else {
		uint64_t t = 0;
		unsigned p;

		for (p = 0; p < raw->phases_count; p++) {
			const struct raw_phase *ph = &raw->phases[p];
			const char *base = arena_printf(c->a, "phases[%u]", p);
			uint64_t d;

			if (check_name(&k, P(&k, base, "name"), ph->name))
				bad = 1;
			if (duration_at(&k, P(&k, base, "duration"), ph->duration, &d)) {
				bad = 1;
				continue;
			}
			if (!d) {
				scn_error(c, P(&k, base, "duration"), 0, -1, "a phase lasts more than 0");
				bad = 1;
			}
			if (check_rules(&k, ph->rules, ph->rules_count, P(&k, base, "rules"),
					arena_strdup(c->a, ph->name), t, t + d))
				bad = 1;
			t += d;
		}
		s->nphases = (int)raw->phases_count;
		s->phases_ns = t;
		if (!bad && t > s->deadline_ns) {
			scn_error(c, "phases", 1, -1,
				  "the phases last %llu ms, longer than the deadline (%llu ms)",
				  (unsigned long long)(t / NS_PER_MS),
				  (unsigned long long)(s->deadline_ns / NS_PER_MS));
			bad = 1;
		}
	}
	if (k.rules.n > SCN_MAX_RULES) {
		scn_error(c, raw->rules_count ? "rules" : "phases", 1, -1,
			  "at most %d rules per scenario", SCN_MAX_RULES);
		bad = 1;
	}
	for (i = 0; i < k.rules.n && !bad; i++) {
		struct scn_rule *r = k.rules.v[i];
		uint64_t top = delay_top(r);

		if (r->action == SCN_ACT_DELAY && r->delay.dist != SCN_LOGNORMAL &&
		    r->delay.dist != SCN_PARETO && r->delay.dist != SCN_NORMAL &&
		    top > s->max_delay_ns) {
			scn_error(c, P(&k, r->path, "delay"), 1, -1,
				  "delays up to %llu ms exceed safety.max_delay (%llu ms)",
				  (unsigned long long)(top / NS_PER_MS),
				  (unsigned long long)(s->max_delay_ns / NS_PER_MS));
			bad = 1;
		} else if (r->action == SCN_ACT_HANG && top > s->max_delay_ns) {
			scn_error(c, P(&k, r->path, "hang.timeout"), 0, -1,
				  "a hang of %llu ms exceeds safety.max_delay (%llu ms)",
				  (unsigned long long)(top / NS_PER_MS),
				  (unsigned long long)(s->max_delay_ns / NS_PER_MS));
			bad = 1;
		} else if (top > s->max_delay_ns) {
			diag_warning(scn_loc(c, P(&k, r->path, "delay"), 1),
				     "%s.delay: the tail reaches %llu ms; safety.max_delay (%llu ms) cuts it",
				     r->path, (unsigned long long)(top / NS_PER_MS),
				     (unsigned long long)(s->max_delay_ns / NS_PER_MS));
		}
	}
	if (bad)
		return NULL;
	s->rules = (struct scn_rule **)k.rules.v;
	s->nrules = k.rules.n;
	return s;
}
