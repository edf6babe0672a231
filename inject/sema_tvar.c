/* sema_tvar.c - target variables from BTF: access plans for pass 3; see
 * sema_tvar.h for the conventions (registers, @entry in .return probes). */
#include "sema_tvar.h"
#include "btf.h"
#include "debuginfo.h"
#include "tracepoints.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Members printed by one level of "$x$" before "..." (task_struct has
 * hundreds; MAXSTRINGLEN would cut the string long before). */
#define PRETTY_MAX_MEMBERS 32

/* The context a target expression is resolved in: the probed function's
 * parameters (or the tracepoint's TP_PROTO), from BTF. */
struct tv_ctx {
	struct program *prog;
	struct arena *a;
	struct derived_probe *dp;
	const struct btf *btf;		/* kernel or module BTF; NULL: no context */
	int nparams;
	const char **names;		/* without '$' */
	int *types;			/* BTF type ids */
	int *slots;			/* argument register of each, -1: not in one */
	int ret_type;			/* 0: void */
	int is_return;			/* .return probe: params are entry values */
	int at_entry;			/* resolving inside @entry(): no slots */
	int quiet;			/* @defined(): count errors, print none */
	int errors;
	const char *why;		/* no context: the reason, for messages */
	const struct debuginfo_func *user;	/* process(...).function(...): DWARF */
};

/* A growing step list. */
struct steps {
	struct tvar_step *v;
	int n, cap;
};

static void tv_error(struct tv_ctx *c, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void tv_error(struct tv_ctx *c, struct loc loc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	c->errors++;
	if (c->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(loc, "%s", msg);
}

static struct tvar_step *step_add(struct arena *a, struct steps *s, int kind, long offset,
				  int size, int is_signed)
{
	struct tvar_step *st;

	/* address arithmetic folds: ->a.b.c is one TV_ADD */
	if (kind == TV_ADD && s->n && s->v[s->n - 1].kind == TV_ADD) {
		s->v[s->n - 1].offset += offset;
		return &s->v[s->n - 1];
	}
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 8;
		struct tvar_step *v = arena_alloc(a, sizeof(*v) * (size_t)cap);

		if (s->n)
			memcpy(v, s->v, sizeof(*v) * (size_t)s->n);
		s->v = v;
		s->cap = cap;
	}
	st = &s->v[s->n++];
	st->kind = kind;
	st->offset = offset;
	st->size = size;
	st->is_signed = is_signed;
	return st;
}

static struct steps steps_copy(struct arena *a, const struct steps *from)
{
	struct steps s = { 0 };

	s.cap = from->n + 8;
	s.v = arena_alloc(a, sizeof(*s.v) * (size_t)s.cap);
	if (from->n)
		memcpy(s.v, from->v, sizeof(*s.v) * (size_t)from->n);
	s.n = from->n;
	return s;
}

/* --- the probe's context ---------------------------------------------- */

static const char *probe_kind_text(const struct derived_probe *dp)
{
	return dp->pp ? dp->pp : "probe";
}

/* The x86-64 SysV integer registers of each parameter: di si dx cx r8 r9
 * in order; a value of 9 to 16 bytes takes two, a larger one goes on the
 * stack, and so does whatever no longer fits in the six. */
static void assign_registers(struct tv_ctx *c)
{
	int i, next = 0;

	c->slots = arena_alloc(c->a, sizeof(*c->slots) * (size_t)(c->nparams + 1));
	for (i = 0; i < c->nparams; i++) {
		long size = btf_type_size(c->btf, c->types[i]);
		int nregs = size <= 8 ? 1 : size <= 16 ? 2 : 0;

		c->slots[i] = -1;
		if (nregs && next + nregs <= 6) {
			c->slots[i] = next;
			next += nregs;
		}
	}
}

/* Fill c from dp: parameters of the kprobed function or of the tracepoint. */
static void ctx_init(struct tv_ctx *c, struct program *prog, struct derived_probe *dp)
{
	const struct target_info *t = prog->target;
	const char *why = NULL;

	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->a = prog->arena;
	c->dp = dp;
	if (!dp) {
		c->why = "outside a probe";
		return;
	}
	if ((dp->kind == PK_KPROBE || dp->kind == PK_KRETPROBE) && dp->symbol) {
		const struct btf_type *fn, *proto;
		const struct btf_param *p;
		int id, i;

		if (dp->offset) {
			c->why = arena_printf(c->a, "in '%s': arguments are only known at a "
					      "function's entry", probe_kind_text(dp));
			return;
		}
		c->btf = btf_module(t, dp->module, &why);
		if (!c->btf) {
			c->why = arena_printf(c->a, "in '%s': %s", probe_kind_text(dp), why);
			return;
		}
		id = btf_find_func(c->btf, dp->symbol);
		if (id < 0) {
			c->why = arena_printf(c->a, "in '%s': the kernel's BTF does not describe "
					      "function '%s'", probe_kind_text(dp), dp->symbol);
			c->btf = NULL;
			return;
		}
		fn = btf__type_by_id(c->btf, (unsigned)id);
		proto = btf__type_by_id(c->btf, fn->type);
		p = btf_params(proto);
		c->nparams = btf_vlen(proto);
		c->names = arena_alloc(c->a, sizeof(*c->names) * (size_t)(c->nparams + 1));
		c->types = arena_alloc(c->a, sizeof(*c->types) * (size_t)(c->nparams + 1));
		for (i = 0; i < c->nparams; i++) {
			const char *n = btf__name_by_offset(c->btf, p[i].name_off);

			if (!p[i].type && i == c->nparams - 1) {	/* "..." */
				c->nparams--;
				break;
			}
			c->names[i] = n && *n ? n : arena_printf(c->a, "arg%d", i + 1);
			c->types[i] = (int)p[i].type;
		}
		c->ret_type = (int)proto->type;
		c->is_return = dp->kind == PK_KRETPROBE;
		assign_registers(c);
		return;
	}
	if (dp->kind == PK_TRACEPOINT && dp->tp_event) {
		const struct tracepoint *tp = tracepoints_find(t, dp->tp_system, dp->tp_event);
		int i;

		c->btf = tp ? btf_kernel(t, &why) : NULL;
		if (!c->btf) {
			c->why = arena_printf(c->a, "in '%s': %s", probe_kind_text(dp),
					      tp ? why : tracepoints_error());
			return;
		}
		c->nparams = tp->nargs;
		c->names = arena_alloc(c->a, sizeof(*c->names) * (size_t)(c->nparams + 1));
		c->types = arena_alloc(c->a, sizeof(*c->types) * (size_t)(c->nparams + 1));
		c->slots = arena_alloc(c->a, sizeof(*c->slots) * (size_t)(c->nparams + 1));
		for (i = 0; i < tp->nargs; i++) {
			c->names[i] = tp->args[i].name;
			c->types[i] = tp->args[i].type_id;
			c->slots[i] = i;	/* the runtime stores TP_PROTO args in order */
		}
		return;
	}
	if ((dp->kind == PK_UPROBE || dp->kind == PK_URETPROBE) && dp->path && dp->symbol) {
		const struct debuginfo_func *f = debuginfo_function(dp->path, dp->symbol, &why);
		int i;

		if (!f) {
			c->why = arena_printf(c->a, "in '%s': %s", probe_kind_text(dp), why);
			return;
		}
		/* the DWARF types, translated to BTF: the same paths as the
		 * kernel's, with reads of user memory */
		c->user = f;
		c->btf = f->btf;
		c->nparams = f->nparams;
		c->names = arena_alloc(c->a, sizeof(*c->names) * (size_t)(c->nparams + 1));
		c->types = arena_alloc(c->a, sizeof(*c->types) * (size_t)(c->nparams + 1));
		c->slots = arena_alloc(c->a, sizeof(*c->slots) * (size_t)(c->nparams + 1));
		for (i = 0; i < f->nparams; i++) {
			c->names[i] = f->params[i].name;
			c->types[i] = f->params[i].type_id;
			c->slots[i] = f->params[i].slot;
		}
		c->ret_type = f->ret.size ? f->ret.type_id : 0;
		c->is_return = dp->kind == PK_URETPROBE;
		return;
	}
	c->why = arena_printf(c->a, "in probe '%s': only function and tracepoint probes "
			      "have target variables", probe_kind_text(dp));
}

static int param_index(const struct tv_ctx *c, const char *name)
{
	int i;

	for (i = 0; i < c->nparams; i++)
		if (!strcmp(c->names[i], name))
			return i;
	return -1;
}

/* "$file $buf $count" for messages. */
static const char *param_alternatives(struct tv_ctx *c)
{
	char buf[512] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < c->nparams && len + 2 < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s$%s", i ? " " : "",
					c->names[i]);
	if (c->is_return && c->ret_type && len + 10 < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "%s$return", c->nparams ? " " : "");
	return arena_strdup(c->a, buf);
}

/* --- types ---------------------------------------------------------------- */

static const struct btf_type *type_of(const struct btf *btf, int id)
{
	id = btf_resolve(btf, id);
	return id > 0 ? btf__type_by_id(btf, (unsigned)id) : NULL;
}

static int is_scalar(const struct btf_type *t)
{
	return t && (btf_is_int(t) || btf_is_ptr(t) || btf_is_any_enum(t));
}

static int is_char(const struct btf *btf, int id)
{
	const struct btf_type *t = type_of(btf, id);

	return t && btf_is_int(t) && t->size == 1;
}

/* Find member name in struct/union sid, descending into anonymous members.
 * Sets the member's type and bit offset (from the outer struct's start)
 * and bitfield width (0 when not a bitfield). */
static int find_member(const struct btf *btf, int sid, const char *name, int *type,
		       long *bit_off, int *bits)
{
	const struct btf_type *t = type_of(btf, sid);
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_composite(t))
		return 0;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		long off = (long)btf_member_bit_offset(t, (unsigned)i);

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			*type = (int)m[i].type;
			*bit_off = off;
			*bits = (int)btf_member_bitfield_size(t, (unsigned)i);
			return 1;
		}
		if (find_member(btf, (int)m[i].type, name, type, bit_off, bits)) {
			*bit_off += off;
			return 1;
		}
	}
	return 0;
}

static void member_names(const struct btf *btf, int sid, char *buf, size_t cap, size_t *len)
{
	const struct btf_type *t = type_of(btf, sid);
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_composite(t))
		return;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t) && *len + 2 < cap; i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);

		if (mn && *mn)
			*len += (size_t)snprintf(buf + *len, cap - *len, "%s%s", *len ? " " : "",
						 mn);
		else
			member_names(btf, (int)m[i].type, buf, cap, len);
	}
}

/* --- one access path ------------------------------------------------------ */

/* Where the current value of a path is: a scalar already in "value"
 * (loaded), or an object of type `type` at the address in "value". */
struct path {
	struct steps s;
	int type;		/* BTF type id of what the path denotes */
	int in_memory;		/* value is the object's address */
	long bit_off;		/* pending bitfield: bit offset in the storage */
	int bits;		/* pending bitfield width, 0 none */
	const char *text;	/* "$file->f_path" for messages */
};

/* Make value hold the object's value (load it when in memory). */
static void path_load(struct tv_ctx *c, struct path *p)
{
	const struct btf *btf = c->btf;
	long size;

	if (!p->in_memory)
		return;
	size = btf_type_size(btf, p->type);
	if (p->bits) {
		int need = (int)((p->bit_off % 8 + p->bits + 7) / 8), load = 1;

		while (load < need)
			load *= 2;
		step_add(c->a, &p->s, TV_ADD, p->bit_off / 8, 0, 0);
		step_add(c->a, &p->s, c->user ? TV_UDEREF : TV_DEREF, 0, load, 0);
		step_add(c->a, &p->s, TV_BITFIELD, p->bit_off % 8, p->bits,
			 btf_type_is_signed(btf, p->type));
		p->bits = 0;
	} else {
		step_add(c->a, &p->s, c->user ? TV_UDEREF : TV_DEREF, 0,
			 (int)(size > 0 && size <= 8 ? size : 8), btf_type_is_signed(btf, p->type));
	}
	p->in_memory = 0;
}

/* Apply ->field / .field / [index] components. Returns 0 or -1. */
static int path_components(struct tv_ctx *c, struct path *p, const struct ptrvec *comps)
{
	const struct btf *btf = c->btf;
	int i;

	for (i = 0; i < comps->n; i++) {
		const struct component *comp = comps->v[i];
		const struct btf_type *t = type_of(btf, p->type);

		if (p->bits) {
			tv_error(c, comp->loc, "'%s' is a bitfield, not a struct or array",
				 p->text);
			return -1;
		}
		if (comp->kind == COMP_FIELD) {
			int mtype, bits;
			long off;

			if (t && btf_is_ptr(t)) {	/* -> through a pointer */
				path_load(c, p);
				p->type = (int)t->type;
				p->in_memory = 1;
				t = type_of(btf, p->type);
			}
			if (!t || !btf_is_composite(t)) {
				tv_error(c, comp->loc, "'%s' is not a struct or union, nor a pointer "
					 "to one (type '%s')", p->text,
					 btf_type_name(c->a, btf, p->type));
				return -1;
			}
			if (!find_member(btf, p->type, comp->field, &mtype, &off, &bits)) {
				char names[2048] = "";
				size_t len = 0;
				const char *tn = btf__name_by_offset(btf, t->name_off);

				member_names(btf, p->type, names, sizeof(names), &len);
				tv_error(c, comp->loc, "unable to find member '%s' for %s %s "
					 "(alternatives: %s)", comp->field,
					 btf_is_union(t) ? "union" : "struct",
					 tn && *tn ? tn : "{...}", names);
				return -1;
			}
			if (!p->in_memory) {
				/* a small struct passed by value sits in its register:
				 * the member is bits of the value (kuid_t, pte_t) */
				long msize = btf_type_size(btf, mtype);

				step_add(c->a, &p->s, TV_BITFIELD, off,
					 bits ? bits : (int)(msize > 0 ? msize * 8 : 64),
					 btf_type_is_signed(btf, mtype));
			} else if (bits) {
				step_add(c->a, &p->s, TV_ADD, (off / 8) & ~7L, 0, 0);
				p->bit_off = off - ((off / 8) & ~7L) * 8;
				p->bits = bits;
			} else if (off) {
				step_add(c->a, &p->s, TV_ADD, off / 8, 0, 0);
			}
			p->type = mtype;
			p->text = arena_printf(c->a, "%s->%s", p->text, comp->field);
			continue;
		}
		/* [index] */
		{
			int elem;
			long esize;

			if (t && btf_is_ptr(t)) {
				path_load(c, p);
				elem = (int)t->type;
			} else if (t && btf_is_array(t) && p->in_memory) {
				elem = (int)btf_array(t)->type;
			} else {
				tv_error(c, comp->loc, "'%s' is not an array or pointer (type '%s')",
					 p->text, btf_type_name(c->a, btf, p->type));
				return -1;
			}
			esize = btf_type_size(btf, elem);
			if (esize <= 0) {
				tv_error(c, comp->loc, "cannot index '%s': its elements have no size "
					 "(type '%s')", p->text, btf_type_name(c->a, btf, p->type));
				return -1;
			}
			if (comp->index && comp->index->kind == E_NUM) {
				if (comp->index->num)
					step_add(c->a, &p->s, TV_ADD, (long)comp->index->num * esize,
						 0, 0);
			} else {
				step_add(c->a, &p->s, TV_INDEX, esize, 0, 0)->expr = comp->index;
			}
			p->type = elem;
			p->in_memory = 1;
			p->text = arena_printf(c->a, "%s[...]", p->text);
		}
	}
	return 0;
}

static struct tvar_access *access_new(struct tv_ctx *c, const struct steps *s, int type)
{
	struct tvar_access *acc = ARENA_NEW(c->a, struct tvar_access);

	acc->steps = s->v;
	acc->nsteps = s->n;
	acc->c_type = btf_type_name(c->a, c->btf, type);
	acc->entry_slot = -1;
	acc->user_memory = c->user != NULL;
	return acc;
}

/* In a .return probe, a path through the parameters is evaluated at entry
 * into a slot of its own (stap: $param in .return is its entry value). */
static void maybe_at_entry(struct tv_ctx *c, struct tvar_access *acc, int uses_params)
{
	if (c->is_return && uses_params && !c->at_entry) {
		acc->at_entry = 1;
		acc->entry_slot = c->dp->nentry++;
	}
}

/* --- pretty printing ($$parms, $x$, $x$$) --------------------------------- */

struct pretty {
	struct tvar_pretty *v;
	int n, cap;
	int uses_params;	/* values go through parameters (@entry slots) */
	int decimal;		/* $ forms: integers in decimal, else all hex */
};

static void pretty_add(struct tv_ctx *c, struct pretty *pr, const char *text,
		       struct tvar_access *value, int fmt)
{
	struct tvar_pretty *it;

	if (pr->n == pr->cap) {
		int cap = pr->cap ? pr->cap * 2 : 16;
		struct tvar_pretty *v = arena_alloc(c->a, sizeof(*v) * (size_t)cap);

		if (pr->n)
			memcpy(v, pr->v, sizeof(*v) * (size_t)pr->n);
		pr->v = v;
		pr->cap = cap;
	}
	it = &pr->v[pr->n++];
	it->text = text;
	it->value = value;
	it->fmt = fmt == TVP_STRING && c->user ? TVP_USTRING : fmt;
	if (value)
		maybe_at_entry(c, value, pr->uses_params);
}

/* Print format of a loaded scalar: pretty forms show integers in decimal,
 * pointers in hex; plain $$parms shows everything in hex (as stap). */
static int scalar_fmt(const struct btf *btf, int type, int decimal)
{
	const struct btf_type *t = type_of(btf, type);

	if (!decimal || (t && btf_is_ptr(t)))
		return TVP_HEX;
	/* plain char prints as 'c' (pahole marks it signed, not BTF_INT_CHAR;
	 * u8 is unsigned char and stays a number) */
	if (t && btf_is_int(t) && ((btf_int_encoding(t) & BTF_INT_CHAR) ||
				   !strcmp(btf__name_by_offset(btf, t->name_off), "char")))
		return TVP_CHAR;
	return btf_type_is_signed(btf, type) ? TVP_DEC : TVP_UDEC;
}

static void pretty_value(struct tv_ctx *c, struct pretty *pr, const char *text,
			 const struct path *p, int depth);

/* The members of the struct/union at p (in memory) as ".a=1, .b=0x...";
 * text is what precedes the first ("{" or ", "); returns what must precede
 * the next piece. Anonymous members show their fields inline. */
static const char *pretty_members(struct tv_ctx *c, struct pretty *pr, const char *text,
				  const struct path *p, int depth, int *count)
{
	const struct btf *btf = c->btf;
	const struct btf_type *t = type_of(btf, p->type);
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		long off = (long)btf_member_bit_offset(t, (unsigned)i);
		int bits = (int)btf_member_bitfield_size(t, (unsigned)i);
		struct path mp = { steps_copy(c->a, &p->s), (int)m[i].type, 1, 0, 0, p->text };

		if (*count >= PRETTY_MAX_MEMBERS)
			return arena_printf(c->a, "%s...", text);
		if (bits) {
			step_add(c->a, &mp.s, TV_ADD, (off / 8) & ~7L, 0, 0);
			mp.bit_off = off - ((off / 8) & ~7L) * 8;
			mp.bits = bits;
		} else if (off) {
			step_add(c->a, &mp.s, TV_ADD, off / 8, 0, 0);
		}
		if (!mn || !*mn) {
			const struct btf_type *mt = type_of(btf, mp.type);

			if (mt && btf_is_composite(mt))
				text = pretty_members(c, pr, text, &mp, depth, count);
			continue;
		}
		pretty_value(c, pr, arena_printf(c->a, "%s.%s=", text, mn), &mp, depth);
		text = ", ";
		(*count)++;
	}
	return text;
}

/* "{.a=1, .b=0x...}" for the struct/union at p (in memory). */
static void pretty_struct(struct tv_ctx *c, struct pretty *pr, const char *text,
			  const struct path *p, int depth)
{
	int count = 0;
	const char *rest = pretty_members(c, pr, arena_printf(c->a, "%s{", text), p, depth,
					  &count);

	/* rest is ", " after a member, or pending text (no members / "...") */
	pretty_add(c, pr, strcmp(rest, ", ") ? arena_printf(c->a, "%s}", rest) : "}", NULL, 0);
}

/* Append "text" and the value of path p in pretty form; depth > 0 expands
 * structs ($x$ one level, $x$$ two). */
static void pretty_value(struct tv_ctx *c, struct pretty *pr, const char *text,
			 const struct path *p, int depth)
{
	const struct btf *btf = c->btf;
	const struct btf_type *t = type_of(btf, p->type);
	struct path q = { steps_copy(c->a, &p->s), p->type, p->in_memory, p->bit_off, p->bits,
			  p->text };
	struct tvar_access *acc;

	if (!t) {
		pretty_add(c, pr, arena_printf(c->a, "%s?", text), NULL, 0);
		return;
	}
	if (btf_is_composite(t)) {
		if (depth <= 0 || !q.in_memory) {
			pretty_add(c, pr, arena_printf(c->a, "%s{...}", text), NULL, 0);
			return;
		}
		pretty_struct(c, pr, text, &q, depth - 1);
		return;
	}
	if (btf_is_array(t)) {
		if (q.in_memory && is_char(btf, (int)btf_array(t)->type)) {
			acc = access_new(c, &q.s, q.type);
			acc->result_is_string = acc->result_is_array = 1;
			pretty_add(c, pr, text, acc, TVP_STRING);
		} else {
			pretty_add(c, pr, arena_printf(c->a, "%s[...]", text), NULL, 0);
		}
		return;
	}
	if (!is_scalar(t)) {
		pretty_add(c, pr, arena_printf(c->a, "%s?", text), NULL, 0);
		return;
	}
	path_load(c, &q);
	if (depth > 0 && btf_is_ptr(t)) {
		const struct btf_type *to = type_of(btf, (int)t->type);

		if (is_char(btf, (int)t->type)) {	/* char *: the string, quoted */
			acc = access_new(c, &q.s, q.type);
			acc->result_is_string = 1;
			pretty_add(c, pr, text, acc, TVP_STRING);
			return;
		}
		if (to && btf_is_composite(to)) {	/* struct *: its members */
			q.type = (int)t->type;
			q.in_memory = 1;
			pretty_struct(c, pr, text, &q, depth - 1);
			return;
		}
	}
	acc = access_new(c, &q.s, q.type);
	pretty_add(c, pr, text, acc, scalar_fmt(btf, q.type, pr->decimal));
}

static void set_pretty(struct tv_ctx *c, struct expr *e, struct pretty *pr, const char *c_type)
{
	struct tvar_access *acc = ARENA_NEW(c->a, struct tvar_access);

	acc->pretty = pr->v;
	acc->npretty = pr->n;
	acc->c_type = c_type;
	acc->result_is_string = 1;
	acc->entry_slot = -1;
	e->tvar = acc;
	e->type = TY_STRING;
}

/* --- resolution ------------------------------------------------------------ */

/* The path's final value: scalar, char array (string), or an error for
 * whole structs and arrays. */
static int finish_path(struct tv_ctx *c, struct expr *e, struct path *p, int uses_params)
{
	const struct btf *btf = c->btf;
	const struct btf_type *t = type_of(btf, p->type);
	struct tvar_access *acc;

	if (e->pretty) {
		struct pretty pr = { 0 };

		pr.uses_params = uses_params;
		pr.decimal = 1;
		pretty_value(c, &pr, "", p, e->pretty);
		set_pretty(c, e, &pr, "string");
		return 0;
	}
	if (t && btf_is_array(t) && p->in_memory) {
		/* as in stap (and C), an array is its address: kernel_string()
		 * reads a char array, $x$ prints it */
		acc = access_new(c, &p->s, p->type);
		acc->result_is_array = 1;
		maybe_at_entry(c, acc, uses_params);
		e->tvar = acc;
		e->type = TY_LONG;
		return 0;
	}
	if (!is_scalar(t)) {
		tv_error(c, e->loc, "'%s' is a %s (type '%s'): access a member or element, or "
			 "print it with '%s$'", p->text,
			 t && btf_is_composite(t) ? "whole struct" : "value of unsupported type",
			 btf_type_name(c->a, btf, p->type), p->text);
		return -1;
	}
	if (p->in_memory)
		path_load(c, p);
	acc = access_new(c, &p->s, p->type);
	maybe_at_entry(c, acc, uses_params);
	e->tvar = acc;
	e->type = TY_LONG;
	return 0;
}

/* The first step for parameter i (or the return value, i < 0). */
static void path_start(struct tv_ctx *c, struct path *p, int i)
{
	int type = i < 0 ? c->ret_type : c->types[i];
	long size = btf_type_size(c->btf, type);

	memset(p, 0, sizeof(*p));
	p->type = type;
	p->text = i < 0 ? "$return" : arena_printf(c->a, "$%s", c->names[i]);
	step_add(c->a, &p->s, i < 0 ? TV_RETVAL : TV_REG_ARG, i < 0 ? 0 : c->slots[i],
		 (int)(size > 0 && size <= 8 ? size : 8), btf_type_is_signed(c->btf, type));
}

/* Why parameter i cannot be read, or NULL when it can. */
static const char *param_unavailable(struct tv_ctx *c, int i)
{
	long size = btf_type_size(c->btf, c->types[i]);

	if (c->user)
		return debuginfo_unavailable(&c->user->params[i]);
	if (c->slots[i] < 0)
		return arena_printf(c->a, "argument %d of '%s' is passed on the stack", i + 1,
				    c->dp->symbol);
	if (size > 8)
		return arena_printf(c->a, "it is a %ld-byte value passed in two registers "
				    "(type '%s')", size, btf_type_name(c->a, c->btf, c->types[i]));
	return NULL;
}

/* $$parms / $$vars / $$locals / $$return and their $ forms. */
static int resolve_context_pretty(struct tv_ctx *c, struct expr *e, const char *what)
{
	struct pretty pr = { 0 };
	int i, first = 1;

	pr.decimal = e->pretty > 0;
	if (strcmp(what, "locals")) {
		if (!strcmp(what, "return")) {
			if (c->is_return && c->ret_type) {
				struct path p;

				path_start(c, &p, -1);
				pretty_value(c, &pr, "return=", &p, e->pretty);
			}
		} else {
			pr.uses_params = 1;
			for (i = 0; i < c->nparams; i++) {
				const char *text = arena_printf(c->a, "%s%s=", first ? "" : " ",
								c->names[i]);
				struct path p;

				first = 0;
				if (param_unavailable(c, i)) {
					pretty_add(c, &pr, arena_printf(c->a, "%s?", text), NULL, 0);
					continue;
				}
				path_start(c, &p, i);
				pretty_value(c, &pr, text, &p, e->pretty);
			}
		}
	}
	/* no locals without DWARF: $$locals is empty, $$vars is $$parms */
	if (!pr.n)
		pretty_add(c, &pr, "", NULL, 0);
	set_pretty(c, e, &pr, "string");
	return 0;
}

static int resolve_target(struct tv_ctx *c, struct expr *e)
{
	const char *name = e->name ? e->name : "$";
	struct path p;
	int i;

	if (!c->btf) {
		tv_error(c, e->loc, "target variable '%s' is not available %s", name, c->why);
		return -1;
	}
	if (name[0] == '$' && name[1] == '$') {
		static const char *const kinds[] = { "parms", "vars", "locals", "return" };
		size_t k;

		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strcmp(name + 2, kinds[k])) {
				if (e->comps.n) {
					tv_error(c, e->loc, "'%s' cannot be dereferenced", name);
					return -1;
				}
				return resolve_context_pretty(c, e, kinds[k]);
			}
		tv_error(c, e->loc, "unknown context variable '%s' (expected $$vars, $$parms, "
			 "$$locals or $$return)", name);
		return -1;
	}
	if (!strcmp(name, "$return")) {
		if (!c->is_return) {
			tv_error(c, e->loc, "'$return' is only available in .return probes");
			return -1;
		}
		if (!c->ret_type) {
			tv_error(c, e->loc, "'$return' is not available: function '%s' returns void",
				 c->dp->symbol);
			return -1;
		}
		if (c->user && (c->user->ret.is_float || c->user->ret.size > 8)) {
			tv_error(c, e->loc, "'$return' is not available: %s",
				 c->user->ret.is_float ? "a floating-point result is in xmm0" :
				 "a struct result is not in a register");
			return -1;
		}
		path_start(c, &p, -1);
		if (path_components(c, &p, &e->comps))
			return -1;
		return finish_path(c, e, &p, 0);
	}
	i = param_index(c, name + 1);
	if (i < 0 && !c->nparams && !(c->is_return && c->ret_type)) {
		tv_error(c, e->loc, "target variable '%s' not found (%s '%s' has no %s)", name,
			 c->dp->kind == PK_TRACEPOINT ? "tracepoint" : "function",
			 c->dp->kind == PK_TRACEPOINT ? c->dp->tp_event : c->dp->symbol,
			 c->dp->kind == PK_TRACEPOINT ? "arguments" : "parameters");
		return -1;
	}
	if (i < 0) {
		tv_error(c, e->loc, "target variable '%s' not found (alternatives: %s)", name,
			 param_alternatives(c));
		return -1;
	}
	if (param_unavailable(c, i)) {
		tv_error(c, e->loc, "'%s' is not available: %s", name, param_unavailable(c, i));
		return -1;
	}
	path_start(c, &p, i);
	if (path_components(c, &p, &e->comps))
		return -1;
	return finish_path(c, e, &p, 1);
}

/* "kernel<linux/fs.h>" -> "kernel"; NULL and "kernel" mean the kernel. */
static const char *cast_module(struct arena *a, const char *m)
{
	const char *lt;

	if (!m || !*m)
		return NULL;
	lt = strchr(m, '<');
	if (lt)
		m = arena_strndup(a, m, (size_t)(lt - m));
	return strcmp(m, "kernel") ? m : NULL;
}

/* @cast(ptr, "struct T" [, "module"]) components */
static int resolve_cast(struct tv_ctx *c, struct expr *e)
{
	const struct debuginfo_func *saved_user = c->user;
	const struct btf *saved = c->btf;
	const char *module = cast_module(c->a, e->str2), *why = NULL, *spell = e->str;
	struct path p;
	char *plain;
	size_t n;
	int type, rc;

	c->btf = btf_module(c->prog->target, module, &why);
	c->user = NULL;		/* @cast reads kernel memory, in any probe */
	if (!c->btf) {
		tv_error(c, e->loc, "cannot resolve '@cast' to '%s': %s", e->str ? e->str : "",
			 why);
		c->btf = saved;
		c->user = saved_user;
		return -1;
	}
	/* "struct T *" casts to a pointer to T: the same object access */
	plain = arena_strdup(c->a, spell ? spell : "");
	n = strlen(plain);
	while (n && (plain[n - 1] == ' ' || plain[n - 1] == '*'))
		plain[--n] = 0;
	type = btf_find_type_spelled(c->btf, plain);
	if (type < 0) {
		tv_error(c, e->loc, "type '%s' not found in the %s's BTF", e->str ? e->str : "",
			 module ? "module" : "kernel");
		c->btf = saved;
		c->user = saved_user;
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.type = type;
	p.in_memory = 1;	/* the operand is the object's address */
	p.text = arena_printf(c->a, "@cast(..., \"%s\")", e->str);
	step_add(c->a, &p.s, TV_EXPR, 0, 8, 0)->expr = e->left;
	if (!e->comps.n && !e->pretty) {
		/* the bare cast is the pointer value itself */
		struct tvar_access *acc = access_new(c, &p.s, type);

		e->tvar = acc;
		e->type = TY_LONG;
		c->btf = saved;
		c->user = saved_user;
		return 0;
	}
	rc = path_components(c, &p, &e->comps);
	if (!rc)
		rc = finish_path(c, e, &p, 0);
	c->btf = saved;
	c->user = saved_user;
	return rc;
}

static int resolve(struct tv_ctx *c, struct expr *e);

/* Re-resolve every target expression under e as evaluated at entry. */
static int resolve_tree_at_entry(struct tv_ctx *c, struct expr *e)
{
	int rc = 0, i;

	if (!e)
		return 0;
	switch (e->kind) {
	case E_TARGET:
	case E_CAST:
	case E_ATVAR:
	case E_DEFINED:
	case E_ENTRY:
		if (e->kind == E_CAST)
			rc |= resolve_tree_at_entry(c, e->left);
		return rc | resolve(c, e);
	default:
		break;
	}
	rc |= resolve_tree_at_entry(c, e->left);
	rc |= resolve_tree_at_entry(c, e->right);
	rc |= resolve_tree_at_entry(c, e->cond);
	rc |= resolve_tree_at_entry(c, e->base);
	for (i = 0; i < e->args.n; i++)
		rc |= resolve_tree_at_entry(c, e->args.v[i]);
	return rc;
}

static int resolve(struct tv_ctx *c, struct expr *e)
{
	switch (e->kind) {
	case E_TARGET:
		return resolve_target(c, e);
	case E_CAST:
		return resolve_cast(c, e);
	case E_ATVAR:
		/* BTF of this kernel has VARs for per-CPU variables only, and
		 * System.map (where there is a real one) gives an address with
		 * no type: a typed read needs DWARF, which gstap does not use */
		tv_error(c, e->loc, "'@var(\"%s\"%s%s%s)' needs debuginfo: the kernel's BTF "
			 "describes no global variables but per-CPU ones, and System.map has no "
			 "types", e->str ? e->str : "", e->str2 ? ", \"" : "",
			 e->str2 ? e->str2 : "", e->str2 ? "\"" : "");
		return -1;
	case E_DEFINED: {
		int saved_quiet = c->quiet, saved_errors = c->errors, ok = 1;
		struct expr *x = e->left;

		if (x && (x->kind == E_TARGET || x->kind == E_CAST || x->kind == E_ATVAR)) {
			c->quiet = 1;
			if (!c->btf && x->kind != E_CAST)
				ok = 0;
			else
				ok = resolve(c, x) == 0;
			c->quiet = saved_quiet;
			c->errors = saved_errors;
		}
		e->kind = E_NUM;
		e->num = ok;
		e->type = TY_LONG;
		e->left = NULL;
		e->tvar = NULL;
		return 0;
	}
	case E_ENTRY: {
		int saved = c->at_entry, rc;

		if (!c->is_return) {
			tv_error(c, e->loc, "'@entry' is only available in .return probes");
			return -1;
		}
		c->at_entry = 1;
		rc = resolve_tree_at_entry(c, e->left);
		c->at_entry = saved;
		if (rc)
			return -1;
		e->entry_slot = c->dp->nentry++;
		e->type = e->left ? e->left->type : TY_LONG;
		return 0;
	}
	default:
		INTERNAL_ERROR("sema_tvar_resolve on expression kind %d", (int)e->kind);
	}
}

int sema_tvar_resolve(struct program *prog, struct derived_probe *dp, struct expr *e)
{
	struct tv_ctx c;

	ctx_init(&c, prog, dp);
	return resolve(&c, e);
}

int sema_tvar_is_target(const struct expr *e)
{
	return e && (e->kind == E_TARGET || e->kind == E_CAST || e->kind == E_ATVAR);
}

int sema_tvar_resolve_write(struct program *prog, struct derived_probe *dp, struct expr *e)
{
	struct tv_ctx c;
	const char *what = e->kind == E_CAST ? "@cast expression" : e->name;

	ctx_init(&c, prog, dp);
	if (resolve(&c, e))
		return -1;
	if (e->tvar && e->tvar->pretty) {
		tv_error(&c, e->loc, "cannot write to '%s%s': it is a pretty-printed string", what,
			 e->pretty == 2 ? "$$" : e->pretty ? "$" : "");
		return -1;
	}
	if (e->tvar && e->tvar->result_is_array) {
		tv_error(&c, e->loc, "cannot write to '%s': it is an array", what);
		return -1;
	}
	if (e->tvar && e->tvar->at_entry) {
		tv_error(&c, e->loc, "cannot write to '%s' in a .return probe: it is the value "
			 "saved at entry", what);
		return -1;
	}
	return 0;
}

int sema_tvar_list(struct program *prog, struct derived_probe *dp, struct ptrvec *out)
{
	struct tv_ctx c;
	int i;

	ctx_init(&c, prog, dp);
	if (!c.btf)
		return dp && (dp->kind == PK_KPROBE || dp->kind == PK_KRETPROBE ||
			      dp->kind == PK_TRACEPOINT || dp->kind == PK_UPROBE ||
			      dp->kind == PK_URETPROBE) ? -1 : 0;
	for (i = 0; i < c.nparams; i++)
		ptrvec_push(c.a, out, arena_printf(c.a, "$%s:%s", c.names[i],
						   btf_type_name(c.a, c.btf, c.types[i])));
	if (c.is_return && c.ret_type)
		ptrvec_push(c.a, out, arena_printf(c.a, "$return:%s",
						   btf_type_name(c.a, c.btf, c.ret_type)));
	return c.nparams + (c.is_return && c.ret_type);
}
