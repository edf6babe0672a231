/* sema_probes.c - probe points to derived probes.
 *
 * A probe point is first split by its {a,b} alternatives; each variant is
 * matched against the probe aliases (by first component, with '*' matching
 * one component and '**' any number) and then against the built-in probe
 * families (probe_shapes below). An alias match expands recursively into
 * the alias's own points: a '=' alias's body becomes a prologue, a '+='
 * alias's body (or the second block of '{prologue},{epilogue}') an
 * epilogue, and components after a matched alias name are appended to each
 * of its points (stap's alias suffixes: "syscall.x.return"). A built-in
 * family produces one derived probe per attachment point (one per kernel
 * function a glob matches).
 *
 * '?' makes a point optional (no match is no error), '!' makes it
 * sufficient (the probe's later points are skipped once it matched), and
 * "if (cond)" conditions accumulate with && through alias expansion.
 */
#include "sema_internal.h"
#include "ksyms.h"
#include "tracepoints.h"
#include "parse.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The built-in probe families, by shape: component names with "(number)"
 * or "(string)" for their argument. --dump-probe-types prints this list. */
#define PROBE_SHAPE_LIST(X)                                                    \
	X("begin", F_BEGIN) X("begin(number)", F_BEGIN)                        \
	X("end", F_END) X("end(number)", F_END)                                \
	X("error", F_ERROR) X("error(number)", F_ERROR)                        \
	X("never", F_NEVER)                                                    \
	X("kernel.function(string)", F_KFUNC)                                  \
	X("kernel.function(string).call", F_KFUNC)                             \
	X("kernel.function(string).return", F_KFUNC)                           \
	X("kernel.function(string).return.maxactive(number)", F_KFUNC)         \
	X("kernel.trace(string)", F_TRACE)                                     \
	X("kprobe.function(string)", F_KPROBE)                                 \
	X("kprobe.function(string).call", F_KPROBE)                            \
	X("kprobe.function(string).return", F_KPROBE)                          \
	X("kprobe.function(string).return.maxactive(number)", F_KPROBE)        \
	X("kprobe.module(string).function(string)", F_KPROBE)                  \
	X("kprobe.module(string).function(string).call", F_KPROBE)             \
	X("kprobe.module(string).function(string).return", F_KPROBE)           \
	X("kprobe.module(string).function(string).return.maxactive(number)",   \
	  F_KPROBE)                                                            \
	X("module(string).function(string)", F_KFUNC)                          \
	X("module(string).function(string).call", F_KFUNC)                     \
	X("module(string).function(string).return", F_KFUNC)                   \
	X("module(string).function(string).return.maxactive(number)", F_KFUNC) \
	X("process(string).function(string)", F_UFUNC)                         \
	X("process(string).function(string).call", F_UFUNC)                    \
	X("process(string).function(string).return", F_UFUNC)                  \
	X("process.function(string)", F_UFUNC)                                 \
	X("process.function(string).call", F_UFUNC)                            \
	X("process.function(string).return", F_UFUNC)                          \
	X("timer.hz(number)", F_TIMER)                                         \
	X("timer.jiffies(number)", F_TIMER)                                    \
	X("timer.jiffies(number).randomize(number)", F_TIMER)                  \
	X("timer.ms(number)", F_TIMER)                                         \
	X("timer.msec(number)", F_TIMER)                                       \
	X("timer.msec(number).randomize(number)", F_TIMER)                     \
	X("timer.nsec(number)", F_TIMER)                                       \
	X("timer.nsec(number).randomize(number)", F_TIMER)                     \
	X("timer.usec(number)", F_TIMER)                                       \
	X("timer.usec(number).randomize(number)", F_TIMER)                     \
	X("timer.ms(number).randomize(number)", F_TIMER)                       \
	X("timer.ns(number)", F_TIMER)                                         \
	X("timer.ns(number).randomize(number)", F_TIMER)                       \
	X("timer.profile", F_PROFILE)                                          \
	X("timer.profile.tick", F_PROFILE)                                     \
	X("timer.s(number)", F_TIMER)                                          \
	X("timer.s(number).randomize(number)", F_TIMER)                        \
	X("timer.sec(number)", F_TIMER)                                        \
	X("timer.sec(number).randomize(number)", F_TIMER)                      \
	X("timer.us(number)", F_TIMER)                                         \
	X("timer.us(number).randomize(number)", F_TIMER)

enum family { F_BEGIN, F_END, F_ERROR, F_NEVER, F_TIMER, F_PROFILE, F_KFUNC, F_KPROBE,
	      F_TRACE, F_UFUNC };

static const struct shape {
	const char *text;
	enum family family;
} probe_shapes[] = {
#define X(t, f) { t, f },
	PROBE_SHAPE_LIST(X)
#undef X
};
#define NSHAPES ((int)(sizeof(probe_shapes) / sizeof(probe_shapes[0])))

const char *sema_probe_shape(int i)
{
	return i >= 0 && i < NSHAPES ? probe_shapes[i].text : NULL;
}

/* The chain of aliases and conditions between the user's probe and the
 * point being resolved. */
struct expansion {
	struct probe *user;		/* the user's (or library's) probe */
	const struct file_ast *file;
	const char *origin;		/* the user's point text */
	const char *list_name;		/* alias name as matched, for -l */
	struct probe *outer_alias;
	struct ptrvec pre;		/* struct stmt *: prologues, innermost last */
	struct ptrvec post;		/* struct stmt *: epilogues, outermost first */
	struct expr *cond;		/* accumulated condition or NULL */
	int optional;
	int depth;
};

static int is_globby(const char *s)
{
	return s && (strchr(s, '*') || strchr(s, '?') || strchr(s, '[') || strchr(s, '{'));
}

static void append_quoted(struct arena *a, char **buf, const char *s)
{
	const char *p;
	char *out = arena_alloc(a, strlen(*buf) + strlen(s) * 2 + 3), *q;

	q = out + sprintf(out, "%s\"", *buf);
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			*q++ = '\\';
		*q++ = *p;
	}
	*q++ = '"';
	*q = 0;
	*buf = out;
}

/* The text of a probe point's components, "kernel.function(\"f\").return".
 * Built once per alias name and per probe: the exact length first, then
 * one copy, since the tapset library has thousands of alias names. */
static const char *comps_text(struct arena *a, struct pp_component **c, int n)
{
	size_t len = 1;
	char *buf, *q;
	const char *p;
	int i;

	for (i = 0; i < n; i++) {
		len += strlen(c[i]->name) + 1;
		if (c[i]->arg_kind == PPARG_NUM)
			len += 24;
		else if (c[i]->arg_kind == PPARG_STR)
			len += strlen(c[i]->str) * 2 + 4;
	}
	q = buf = arena_alloc(a, len);
	for (i = 0; i < n; i++) {
		if (i)
			*q++ = '.';
		q = stpcpy(q, c[i]->name);
		if (c[i]->arg_kind == PPARG_NUM) {
			q += sprintf(q, "(%lld)", (long long)c[i]->num);
		} else if (c[i]->arg_kind == PPARG_STR) {
			*q++ = '(';
			*q++ = '"';
			for (p = c[i]->str; *p; p++) {
				if (*p == '"' || *p == '\\')
					*q++ = '\\';
				*q++ = *p;
			}
			*q++ = '"';
			*q++ = ')';
		}
	}
	*q = 0;
	return buf;
}

const char *sema_pp_text(struct arena *a, const struct probe_point *pp)
{
	return comps_text(a, (struct pp_component **)pp->comps.v, pp->comps.n);
}

/* ---- alias index ---- */

void sema_index_aliases(struct sema *S, const struct file_ast *f)
{
	int i, j;

	for (i = 0; i < f->probes.n; i++) {
		struct probe *p = f->probes.v[i];

		if (!p->is_alias)
			continue;
		for (j = 0; j < p->alias_names.n; j++) {
			struct probe_point *name = p->alias_names.v[j];
			struct pp_component *c0 = name->comps.v[0];
			struct alias_name *an = ARENA_NEW(S->a, struct alias_name);

			an->alias = p;
			an->name = name;
			an->file = f;
			ptrvec_push(S->a, sema_map_put(S->a, &S->aliases, c0->name), an);
			ptrvec_push(S->a, sema_map_put(S->a, &S->alias_full,
						     sema_pp_text(S->a, name)), an);
		}
	}
}

static int comp_matches(const struct pp_component *pat, const struct pp_component *name)
{
	if (is_globby(pat->name) ? !ksyms_glob_match(pat->name, name->name, 0)
				 : strcmp(pat->name, name->name))
		return 0;
	if (pat->arg_kind != name->arg_kind)
		return 0;
	if (pat->arg_kind == PPARG_NUM)
		return pat->num == name->num;
	if (pat->arg_kind == PPARG_STR)
		return !strcmp(pat->str, name->str);
	return 1;
}

/* Match pattern components against an alias name. On a full match of the
 * name returns 1 and sets *used to the number of pattern components the
 * name consumed (the rest is a suffix). */
static int match_name(struct pp_component **pat, int np, struct pp_component **name, int nn,
		      int *used, int consumed)
{
	if (nn == 0) {
		*used = consumed;
		/* leftover components are a suffix; a '**' may also match none */
		if (np > 0 && !strcmp(pat[0]->name, "**") && np == 1)
			return 1;
		return 1;
	}
	if (np == 0)
		return 0;
	if (!strcmp(pat[0]->name, "**") && pat[0]->arg_kind == PPARG_NONE) {
		int k;

		/* '**' swallows one or more name components */
		for (k = 1; k <= nn; k++)
			if (match_name(pat + 1, np - 1, name + k, nn - k, used, consumed + 1))
				return 1;
		return 0;
	}
	if (!comp_matches(pat[0], name[0]))
		return 0;
	return match_name(pat + 1, np - 1, name + 1, nn - 1, used, consumed + 1);
}

/* ---- derived probes ---- */

static struct stmt *block_of(struct arena *a, struct loc loc)
{
	struct stmt *b = ARENA_NEW(a, struct stmt);

	b->kind = S_BLOCK;
	b->loc = loc;
	return b;
}

static struct sema_dprobe *new_dprobe(struct sema *S, struct expansion *x, struct loc loc,
				      enum probe_kind kind, const char *pp)
{
	struct sema_dprobe *sd = ARENA_NEW(S->a, struct sema_dprobe);
	struct derived_probe *dp = &sd->dp;
	struct stmt *body = block_of(S->a, x->user->body ? x->user->body->loc : loc);
	int i;

	dp->loc = loc;
	dp->kind = kind;
	dp->pp = pp;
	for (i = x->pre.n - 1; i >= 0; i--)
		ptrvec_push(S->a, &body->body, sema_copy_stmt(S->a, x->pre.v[i]));
	if (x->user->body)
		ptrvec_push(S->a, &body->body, sema_copy_stmt(S->a, x->user->body));
	for (i = 0; i < x->post.n; i++)
		ptrvec_push(S->a, &body->body, sema_copy_stmt(S->a, x->post.v[i]));
	dp->body = body;
	dp->condition = sema_copy_expr(S->a, x->cond);
	dp->id = S->prog->probes.n;
	sd->origin = x->origin;
	sd->list_name = x->list_name ? x->list_name : pp;
	sd->alias = x->outer_alias;
	sd->file = x->file->file;
	ptrvec_push(S->a, &S->prog->probes, sd);
	return sd;
}

static const struct pp_component *find_comp(struct pp_component **c, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i]->name, name))
			return c[i];
	return NULL;
}

static int family_simple(struct sema *S, struct expansion *x, struct probe_point *pp,
			 struct pp_component **c, int n, enum family fam)
{
	static const enum probe_kind kinds[] = { [F_BEGIN] = PK_BEGIN, [F_END] = PK_END,
						 [F_ERROR] = PK_ERROR, [F_NEVER] = PK_NEVER,
						 [F_PROFILE] = PK_TIMER_PROFILE };
	struct sema_dprobe *sd = new_dprobe(S, x, pp->loc, kinds[fam],
					    comps_text(S->a, c, n));

	if (c[0]->arg_kind == PPARG_NUM)
		sd->dp.seq = c[0]->num;
	return 1;
}

static int family_timer(struct sema *S, struct expansion *x, struct probe_point *pp,
			struct pp_component **c, int n)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = { { "s", 1000000000 }, { "sec", 1000000000 }, { "ms", 1000000 },
		      { "msec", 1000000 }, { "us", 1000 }, { "usec", 1000 }, { "ns", 1 },
		      { "nsec", 1 }, { "hz", 0 }, { "jiffies", 0 } };
	const struct pp_component *rnd = find_comp(c, n, "randomize");
	struct sema_dprobe *sd;
	int64_t v = c[1]->num, scale = 0;
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(units[i].unit, c[1]->name))
			scale = units[i].ns;
	if (v <= 0) {
		diag_error(c[1]->loc, "timer period must be positive, not %lld", (long long)v);
		return -1;
	}
	if (rnd && (rnd->num < 0 || rnd->num >= v)) {
		diag_error(rnd->loc, "timer randomization %lld must be between 0 and the "
			   "period %lld", (long long)rnd->num, (long long)v);
		return -1;
	}
	sd = new_dprobe(S, x, pp->loc, PK_TIMER, comps_text(S->a, c, n));
	if (!strcmp(c[1]->name, "jiffies")) {
		sd->dp.timer_jiffies = (int)v;
		sd->dp.randomize_ns = rnd ? rnd->num : 0;
	} else if (!strcmp(c[1]->name, "hz")) {
		if (v > 1000000000) {
			diag_error(c[1]->loc, "timer.hz(%lld) is faster than 1 GHz", (long long)v);
			return -1;
		}
		sd->dp.period_ns = 1000000000 / v;
	} else {
		sd->dp.period_ns = v * scale;
		sd->dp.randomize_ns = rnd ? rnd->num * scale : 0;
	}
	return 1;
}

/* The kernel (module NULL) or module functions matching pattern. Returns
 * the count, or -1 after a diagnostic. */
static int kernel_functions(struct sema *S, struct loc loc, const char *module,
			    const char *pattern, struct ptrvec *out)
{
	int n = ksyms_match(S->a, S->prog->target, module, pattern, out);

	if (n < 0 && !is_globby(pattern)) {
		/* no symbol table for the target: trust a literal name; the
		 * kernel refuses an unknown one when the probe registers */
		char *at = strchr(pattern, '@');

		ptrvec_push(S->a, out, at ? arena_strndup(S->a, pattern, (size_t)(at - pattern))
					  : (char *)pattern);
		return 1;
	}
	if (n < 0) {
		diag_error(loc, "cannot expand '%s': %s", pattern, ksyms_error());
		return -1;
	}
	return n;
}

/* The probes of the functions matching fn in module mod (NULL: the kernel). */
static int kfunc_in_module(struct sema *S, struct expansion *x, struct probe_point *pp,
			   struct pp_component **c, int n, enum family fam, const char *mod,
			   int by_glob)
{
	const struct pp_component *fn = find_comp(c, n, "function");
	const struct pp_component *ret = find_comp(c, n, "return");
	const struct pp_component *maxa = find_comp(c, n, "maxactive");
	const struct pp_component *call = find_comp(c, n, "call");
	struct ptrvec names = { 0 };
	int i, count;

	/* a module a glob found: only the symbols it really has (no trusting
	 * a literal name in every module whose symbols cannot be read) */
	if (by_glob)
		count = ksyms_match(S->a, S->prog->target, mod, fn->str, &names) < 0 ? 0 : 1;
	else
		count = kernel_functions(S, fn->loc, mod, fn->str, &names);
	if (count < 0)
		return -1;
	for (i = 0; i < names.n; i++) {
		const char *sym = names.v[i];
		struct sema_dprobe *sd;
		char *text = "";

		text = fam == F_KPROBE ? "kprobe." : mod ? "" : "kernel.";
		if (mod) {
			text = arena_printf(S->a, "%smodule(", text);
			append_quoted(S->a, &text, mod);
			text = arena_printf(S->a, "%s).", text);
		}
		text = arena_printf(S->a, "%sfunction(", text);
		append_quoted(S->a, &text, sym);
		text = arena_printf(S->a, "%s)%s%s", text, call ? ".call" : "",
				    ret ? ".return" : "");
		if (maxa)
			text = arena_printf(S->a, "%s.maxactive(%lld)", text, (long long)maxa->num);
		sd = new_dprobe(S, x, pp->loc, ret ? PK_KRETPROBE : PK_KPROBE, text);
		sd->dp.symbol = sym;
		sd->dp.module = mod;
		sd->dp.is_call = call != NULL;
		sd->dp.maxactive = maxa ? (int)maxa->num : 0;
	}
	return names.n;
}

static int family_kfunc(struct sema *S, struct expansion *x, struct probe_point *pp,
			struct pp_component **c, int n, enum family fam)
{
	const struct pp_component *mod = find_comp(c, n, "module");
	struct ptrvec mods = { 0 };
	int i, count = 0;

	if (!mod)
		return kfunc_in_module(S, x, pp, c, n, fam, NULL, 0);
	if (!is_globby(mod->str)) {
		if (!ksyms_module_exists(S->prog->target, mod->str)) {
			if (x->optional)
				return 0;
			diag_error(mod->loc, "module '%s' not found for kernel %s", mod->str,
				   S->prog->target->kernel_release);
			return -1;
		}
		return kfunc_in_module(S, x, pp, c, n, fam, mod->str, 0);
	}
	/* module("dm_*"): every module of the target matching the glob */
	ksyms_modules_match(S->a, S->prog->target, mod->str, &mods);
	for (i = 0; i < mods.n; i++) {
		int k = kfunc_in_module(S, x, pp, c, n, fam, mods.v[i], 1);

		if (k < 0)
			return -1;
		count += k;
	}
	return count;
}

static int family_trace(struct sema *S, struct expansion *x, struct probe_point *pp,
			struct pp_component **c, int n)
{
	const char *arg = c[1]->str, *colon = strchr(arg, ':');
	const char *sys = colon ? arena_strndup(S->a, arg, (size_t)(colon - arg)) : NULL;
	const char *event = colon ? colon + 1 : arg;
	struct ptrvec tps = { 0 };
	int i, count;

	(void)n;
	count = tracepoints_match(S->prog->target, sys, event, &tps, S->a);
	if (count < 0) {
		if (!sys || is_globby(arg)) {
			diag_error(c[1]->loc, "cannot expand tracepoint '%s': %s", arg,
				   tracepoints_error());
			return -1;
		}
		/* no tracepoint list: trust a literal system:event */
		struct sema_dprobe *sd = new_dprobe(S, x, pp->loc, PK_TRACEPOINT,
						    comps_text(S->a, c, 2));

		sd->dp.tp_system = sys;
		sd->dp.tp_event = event;
		return 1;
	}
	for (i = 0; i < tps.n; i++) {
		const struct tracepoint *tp = tps.v[i];
		char *text = "kernel.trace(";
		struct sema_dprobe *sd;

		append_quoted(S->a, &text, arena_printf(S->a, "%s:%s", tp->system, tp->event));
		text = arena_printf(S->a, "%s)", text);
		sd = new_dprobe(S, x, pp->loc, PK_TRACEPOINT, text);
		sd->dp.tp_system = tp->system;
		sd->dp.tp_event = tp->event;
	}
	return tps.n;
}

/* process("ls") means the ls of $PATH, as for stap; a name with a '/'
 * is a path. NULL when not found. */
static const char *program_path(struct sema *S, const char *name)
{
	const char *p = getenv("PATH"), *end;

	if (strchr(name, '/'))
		return name;
	for (; p && *p; p = *end ? end + 1 : end) {
		const char *cand;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		cand = arena_printf(S->a, "%.*s/%s", (int)(end - p), p, name);
		if (end > p && !access(cand, X_OK))
			return cand;
	}
	return NULL;
}

static int family_ufunc(struct sema *S, struct expansion *x, struct probe_point *pp,
			struct pp_component **c, int n)
{
	const struct pp_component *proc = c[0], *fn = find_comp(c, n, "function");
	const struct pp_component *ret = find_comp(c, n, "return");
	struct ptrvec syms = { 0 }, offs = { 0 };
	/* process.function(...) with no path: the program of -c CMD */
	const char *name = proc->arg_kind == PPARG_STR ? proc->str : S->opt->target_program;
	const char *path;
	int i, count;

	if (!name) {
		diag_error(proc->loc, "'process' without a path names the program of -c CMD, "
			   "and there is no -c");
		return -1;
	}
	path = program_path(S, name);
	if (!path || access(path, R_OK)) {
		if (x->optional)
			return 0;
		diag_error(proc->loc, "cannot open '%s': %s", name,
			   path ? strerror(errno) : "not found in PATH");
		return -1;
	}
	count = sema_elf_functions(S->a, path, fn->str, &syms, &offs);
	if (count < 0) {
		diag_error(proc->loc, "cannot read the symbols of '%s'", path);
		return -1;
	}
	for (i = 0; i < syms.n; i++) {
		char *text = "process(";
		struct sema_dprobe *sd;

		append_quoted(S->a, &text, path);
		text = arena_printf(S->a, "%s).function(", text);
		append_quoted(S->a, &text, syms.v[i]);
		text = arena_printf(S->a, "%s)%s", text, ret ? ".return" : "");
		sd = new_dprobe(S, x, pp->loc, ret ? PK_URETPROBE : PK_UPROBE, text);
		sd->dp.path = path;
		sd->dp.symbol = syms.v[i];
		sd->dp.uoffset = *(uint64_t *)offs.v[i];
	}
	return syms.n;
}

/* The point spelled as a shape: "kernel.function(string).return". */
static const char *shape_text(struct sema *S, struct pp_component **c, int n)
{
	char *shape = "";
	int i;

	for (i = 0; i < n; i++)
		shape = arena_printf(S->a, "%s%s%s%s", shape, i ? "." : "", c[i]->name,
				     c[i]->arg_kind == PPARG_NUM ? "(number)"
				     : c[i]->arg_kind == PPARG_STR ? "(string)" : "");
	return shape;
}

/* The built-in shape the literal point has ("kernel.function(string)"),
 * as an index of probe_shapes, or -1. */
static int find_shape(struct sema *S, struct pp_component **c, int n)
{
	const char *shape;
	int i;

	for (i = 0; i < n; i++)
		if (is_globby(c[i]->name))
			return -1;
	shape = shape_text(S, c, n);
	for (i = 0; i < NSHAPES; i++)
		if (!strcmp(probe_shapes[i].text, shape))
			return i;
	return -1;
}

/* Resolve a point of built-in shape i. Returns the number of derived
 * probes (0: nothing matched), or -1 on error. */
static int resolve_builtin(struct sema *S, struct expansion *x, struct probe_point *pp,
			   struct pp_component **c, int n, int i)
{
	switch (probe_shapes[i].family) {
	case F_BEGIN:
	case F_END:
	case F_ERROR:
	case F_NEVER:
	case F_PROFILE:
		return family_simple(S, x, pp, c, n, probe_shapes[i].family);
	case F_TIMER:
		return family_timer(S, x, pp, c, n);
	case F_KFUNC:
	case F_KPROBE:
		return family_kfunc(S, x, pp, c, n, probe_shapes[i].family);
	case F_TRACE:
		return family_trace(S, x, pp, c, n);
	case F_UFUNC:
		return family_ufunc(S, x, pp, c, n);
	}
	return 0;
}

static int resolve_point(struct sema *S, struct expansion *x, struct probe_point *pp,
			 struct pp_component **c, int n);

/* Expand one alias for a matched point: the alias's points get the suffix
 * (the pattern's unmatched components). */
static int expand_alias(struct sema *S, struct expansion *x, struct alias_name *an,
			struct pp_component **suffix, int nsuffix, const char *matched)
{
	struct probe *al = an->alias;
	struct expansion y = *x;
	int i, total = 0, rc;

	if (x->depth > 30) {
		diag_error(an->name->loc, "probe alias '%s' expands recursively", matched);
		return -1;
	}
	y.depth = x->depth + 1;
	if (!x->outer_alias) {
		y.outer_alias = al;
		y.list_name = matched;
	}
	/* copy the lists: siblings must not see each other's bodies */
	memset(&y.pre, 0, sizeof(y.pre));
	memset(&y.post, 0, sizeof(y.post));
	for (i = 0; i < x->pre.n; i++)
		ptrvec_push(S->a, &y.pre, x->pre.v[i]);
	for (i = 0; i < x->post.n; i++)
		ptrvec_push(S->a, &y.post, x->post.v[i]);
	if (parse_materialize_probe(S->prog, al))	/* a body pass 1 deferred */
		return -1;
	if (al->alias_epilogue) {
		if (al->body)
			ptrvec_push(S->a, &y.post, al->body);
	} else {
		if (al->body)
			ptrvec_push(S->a, &y.pre, al->body);
		if (al->epilogue_body)
			ptrvec_push(S->a, &y.post, al->epilogue_body);
	}
	sema_pull_file(S, an->file);
	for (i = 0; i < al->points.n; i++) {
		struct probe_point *ap = al->points.v[i];
		struct pp_component **cc = (struct pp_component **)ap->comps.v;
		int nc = ap->comps.n;
		struct expansion z = y;

		if (nsuffix) {
			cc = arena_alloc(S->a, sizeof(*cc) * (size_t)(nc + nsuffix));
			memcpy(cc, ap->comps.v, sizeof(*cc) * (size_t)nc);
			memcpy(cc + nc, suffix, sizeof(*cc) * (size_t)nsuffix);
			nc += nsuffix;
		}
		z.optional = x->optional || ap->optional;
		if (ap->condition) {
			struct expr *c2 = ap->condition;

			if (z.cond) {
				struct expr *and = ARENA_NEW(S->a, struct expr);

				and->kind = E_BINARY;
				and->op = OP_LAND;
				and->loc = c2->loc;
				and->left = z.cond;
				and->right = c2;
				c2 = and;
			}
			z.cond = c2;
		}
		rc = resolve_point(S, &z, ap, cc, nc);
		if (rc < 0)
			return -1;
		total += rc;
		if (rc > 0 && ap->sufficient)
			break;
	}
	return total;
}

/* Match against aliases; returns derived count, or -1. *matched_any set
 * when at least one alias name matched. A name that covers the whole point
 * wins over a shorter one taking the rest as a suffix; among suffix
 * matches, only the longest names count (stap's alias suffixes). */
static int resolve_aliases(struct sema *S, struct expansion *x, struct pp_component **c, int n,
			   int *matched_any, int full_only)
{
	struct ptrvec hits = { 0 }, hit_used = { 0 };
	int total = 0, best = 0, i, j;

	*matched_any = 0;
	for (i = 0; i < n && !is_globby(c[i]->name); i++)
		;
	if (i == n) {
		/* a literal point: the longest alias name that is a prefix of it,
		 * by hash lookups of its prefixes */
		for (i = n; i > 0; i--) {
			struct ptrvec *names = sema_map_get(&S->alias_full, comps_text(S->a, c, i));

			for (j = 0; names && j < names->n; j++) {
				struct alias_name *an = names->v[j];

				if (an->name->comps.n != i)
					continue;	/* contains '*': not literal */
				ptrvec_push(S->a, &hits, an);
				ptrvec_push(S->a, &hit_used, (void *)(intptr_t)i);
				best = i;
			}
			if (best)
				break;
		}
	}
	for (i = 0; !best && i < S->aliases.cap; i++) {
		struct strmap_slot *sl = &S->aliases.slots[i];
		struct ptrvec *names = &sl->vals;

		if (!is_globby(c[0]->name)) {
			/* a literal first component: one hash lookup */
			names = sema_map_get(&S->aliases, c[0]->name);
			if (!names)
				break;
		} else if (!sl->key || !ksyms_glob_match(c[0]->name, sl->key, 0)) {
			continue;
		}
		for (j = 0; j < names->n; j++) {
			struct alias_name *an = names->v[j];
			int used;

			if (!match_name(c, n, (struct pp_component **)an->name->comps.v,
					an->name->comps.n, &used, 0))
				continue;
			if (used < n && is_globby(c[used]->name))
				continue;	/* a glob in a suffix matches nothing */
			if (used > best)
				best = used;
			ptrvec_push(S->a, &hits, an);
			ptrvec_push(S->a, &hit_used, (void *)(intptr_t)used);
		}
		if (!is_globby(c[0]->name))
			break;
	}
	for (i = 0; i < hits.n; i++) {
		struct alias_name *an = hits.v[i];
		int used = (int)(intptr_t)hit_used.v[i], rc;

		if (used != best || (full_only && used != n))
			continue;
		*matched_any = 1;
		rc = expand_alias(S, x, an, c + used, n - used, sema_pp_text(S->a, an->name));
		if (rc < 0)
			return -1;
		total += rc;
	}
	return total;
}

static int resolve_point(struct sema *S, struct expansion *x, struct probe_point *pp,
			 struct pp_component **c, int n)
{
	int matched_alias, shape = find_shape(S, c, n), rc;

	/* an alias of the whole name wins over a built-in of that shape,
	 * which wins over an alias taking the rest as a suffix
	 * (timer.profile.tick is built in, not timer.profile + .tick) */
	rc = resolve_aliases(S, x, c, n, &matched_alias, shape >= 0);
	if (rc < 0)
		return -1;
	if (!matched_alias && shape >= 0)
		rc = resolve_builtin(S, x, pp, c, n, shape);
	if (rc < 0)
		return -1;
	if (rc == 0 && !x->optional) {
		const char *text = comps_text(S->a, c, n);

		if (!matched_alias && shape < 0) {
			const char *shapes[NSHAPES], *sim;
			int i;

			for (i = 0; i < NSHAPES; i++)
				shapes[i] = probe_shapes[i].text;
			diag_error(pp->loc, "probe point mismatch: '%s' matches no probe "
				   "point or alias", text);
			sim = sema_similar(text, &S->alias_full, NULL, 0);
			if (!sim)
				sim = sema_similar(shape_text(S, c, n), NULL, shapes, NSHAPES);
			if (sim)
				diag_note(pp->loc, "did you mean '%s'?", sim);
		}
		else
			diag_error(pp->loc, "no match for probe point '%s'", text);
		return -1;
	}
	return rc;
}

/* Brace alternatives of one component name: "{open,close}at" gives
 * "openat", "closeat"; nested braces expand recursively. */
static void brace_expand(struct arena *a, const char *s, struct ptrvec *out)
{
	const char *open = strchr(s, '{'), *p, *start;
	int depth = 0;

	if (!open) {
		ptrvec_push(a, out, (void *)s);
		return;
	}
	for (p = open; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			break;
	}
	if (!*p) {
		ptrvec_push(a, out, (void *)s);	/* unbalanced: literal */
		return;
	}
	start = open + 1;
	depth = 0;
	for (const char *q = start; q <= p; q++) {
		if (*q == '{')
			depth++;
		else if (*q == '}' && depth > 0 && q != p)
			depth--;
		else if ((*q == ',' && depth == 0) || q == p) {
			char *alt = arena_printf(a, "%.*s%.*s%s", (int)(open - s), s,
						 (int)(q - start), start, p + 1);

			brace_expand(a, alt, out);
			start = q + 1;
		}
	}
}

/* All variants of a point's components with alternatives expanded. */
static void expand_variants(struct arena *a, struct pp_component **c, int n, int i,
			    struct pp_component **cur, struct ptrvec *out)
{
	struct ptrvec alts = { 0 };
	int k;

	if (i == n) {
		struct pp_component **copy = arena_alloc(a, sizeof(*copy) * (size_t)n);

		memcpy(copy, cur, sizeof(*copy) * (size_t)n);
		ptrvec_push(a, out, copy);
		return;
	}
	brace_expand(a, c[i]->name, &alts);
	for (k = 0; k < alts.n; k++) {
		if (alts.v[k] == c[i]->name) {
			cur[i] = c[i];
		} else {
			cur[i] = ARENA_NEW(a, struct pp_component);
			*cur[i] = *c[i];
			cur[i]->name = alts.v[k];
		}
		expand_variants(a, c, n, i + 1, cur, out);
	}
}

int sema_derive_probe(struct sema *S, struct probe *p, const struct file_ast *f)
{
	int i, j, rc = 0;

	for (i = 0; i < p->points.n; i++) {
		struct probe_point *pp = p->points.v[i];
		struct pp_component **cur = arena_alloc(S->a, sizeof(*cur) *
							      (size_t)pp->comps.n);
		struct ptrvec variants = { 0 };
		struct expansion x = { 0 };
		int count = 0;

		x.user = p;
		x.file = f;
		x.origin = sema_pp_text(S->a, pp);
		x.optional = pp->optional;
		x.cond = pp->condition;
		expand_variants(S->a, (struct pp_component **)pp->comps.v, pp->comps.n, 0, cur,
				&variants);
		for (j = 0; j < variants.n; j++) {
			int r = resolve_point(S, &x, pp, variants.v[j], pp->comps.n);

			if (r < 0) {
				rc = -1;
				break;
			}
			count += r;
		}
		if (count > 0 && pp->sufficient)
			break;
	}
	return rc;
}
