/* gen_tvar.c - pass 3: target variables ($x, $x->f, @cast, @var).
 *
 * Pass 2 (sema_tvar.c, from BTF) describes each access as steps on one
 * 64-bit value (ast.h, struct tvar_step). Every memory read is a
 * fault-checked kernel read: a fault is the run-time error
 * "kernel read fault at 0x... near ...".
 */
#include "gen_internal.h"

#include <string.h>

static void extend(struct gen *g, const char *v, int size, int is_signed)
{
	if (size <= 0 || size >= 8)
		return;
	gen_line(g, "%s = stp_extend(%s, %d, %d);", v, v, size, is_signed);
}

static void gen_deref(struct gen *g, const struct expr *e, const char *v,
		      const struct tvar_step *st, int user)
{
	const char *buf = gen_temp_typed(g, "u64", 8, 0);

	gen_line(g, "%s = 0;", buf);
	gen_line(g, "if (unlikely(%s(&%s, (unsigned long)%s, %d))) {",
		 user ? "stp_uread" : "stp_kread", buf, v,
		 st->size > 0 && st->size <= 8 ? st->size : 8);
	g->indent++;
	gen_fail(g, e->loc, gen_fmt(g, "stp_error(c, \"%s read fault at 0x%%lx\", "
				    "(unsigned long)%s)", user ? "user" : "kernel", v));
	g->indent--;
	gen_line(g, "}");
	gen_line(g, "%s = (int64_t)%s;", v, buf);
	extend(g, v, st->size, st->is_signed);
}

/* The value of the first n steps of a plan, into a long temporary. */
static const char *gen_steps_n(struct gen *g, const struct expr *e,
			       const struct tvar_access *ta, int n)
{
	const char *v = gen_temp_long(g);
	int i;

	gen_line(g, "%s = 0;", v);
	for (i = 0; i < n; i++) {
		const struct tvar_step *st = &ta->steps[i];

		switch (st->kind) {
		case TV_REG_ARG:
			gen_line(g, "%s = stp_probe_arg(c, %ld);", v, st->offset);
			extend(g, v, st->size, st->is_signed);
			break;
		case TV_RETVAL:
			gen_line(g, "%s = c->regs ? (int64_t)regs_return_value(c->regs) : 0;", v);
			extend(g, v, st->size, st->is_signed);
			break;
		case TV_USER_ARG:
			gen_line(g, "%s = stp_syscall_arg(c, %ld);", v, st->offset);
			extend(g, v, st->size, st->is_signed);
			break;
		case TV_ADD:
			gen_line(g, "%s += %ldL;", v, st->offset);
			break;
		case TV_DEREF:
		case TV_UDEREF:
			gen_deref(g, e, v, st, st->kind == TV_UDEREF);
			break;
		case TV_BITFIELD:
			gen_line(g, "%s = stp_bitfield(%s, %ld, %d, %d);", v, v, st->offset,
				 st->size, st->is_signed);
			break;
		case TV_EXPR:
			gen_line(g, "%s = %s;", v, gen_expr(g, st->expr));
			break;
		case TV_INDEX:
			gen_line(g, "%s += (%s) * %ldL;", v, gen_expr(g, st->expr), st->offset);
			break;
		}
	}
	return v;
}

static const char *gen_steps(struct gen *g, const struct expr *e, const struct tvar_access *ta)
{
	return gen_steps_n(g, e, ta, ta->nsteps);
}

static int is_load(int kind)
{
	return kind == TV_REG_ARG || kind == TV_RETVAL || kind == TV_USER_ARG ||
	       kind == TV_DEREF || kind == TV_UDEREF;
}

/* A write that could not be done: stap's wording for the fault. */
static void store_failed(struct gen *g, const struct expr *e, const char *what,
			 const char *addr)
{
	g->indent++;
	if (addr)
		gen_fail(g, e->loc, gen_fmt(g, "stp_error(c, \"%s write fault at 0x%%lx\", "
					    "(unsigned long)%s)", what, addr));
	else
		gen_fail(g, e->loc, gen_fmt(g, "stp_error(c, \"cannot write %s here\")", what));
	g->indent--;
	gen_line(g, "}");
}

/*
 * $x = v (guru mode): store v where the last load step of the plan read
 * from: a register of the probe (argument, return value, syscall user
 * argument) or memory (read-modify-write when a bitfield follows).
 */
void gen_tvar_store(struct gen *g, const struct expr *lhs, const char *v)
{
	const struct tvar_access *ta = lhs->tvar;
	const struct tvar_step *ld, *bits = NULL;
	const char *addr, *old;
	int last = -1, i;

	if (!ta || ta->pretty || ta->at_entry) {
		diag_error(lhs->loc, "this target variable cannot be written");
		g->failed = 1;
		return;
	}
	for (i = 0; i < ta->nsteps; i++)
		if (is_load(ta->steps[i].kind))
			last = i;
	if (last < 0) {
		diag_error(lhs->loc, "this target variable cannot be written");
		g->failed = 1;
		return;
	}
	for (i = last + 1; i < ta->nsteps; i++)
		if (ta->steps[i].kind == TV_BITFIELD)
			bits = &ta->steps[i];
	ld = &ta->steps[last];
	switch (ld->kind) {
	case TV_REG_ARG:
		gen_line(g, "if (unlikely(stp_set_probe_arg(c, %ld, %s))) {", ld->offset, v);
		store_failed(g, lhs, "a function argument", NULL);
		return;
	case TV_RETVAL:
		gen_line(g, "if (unlikely(stp_set_retval(c, %s))) {", v);
		store_failed(g, lhs, "the return value", NULL);
		return;
	case TV_USER_ARG:
		gen_line(g, "if (unlikely(stp_set_syscall_arg(c, %ld, %s))) {", ld->offset, v);
		store_failed(g, lhs, "a system call argument", NULL);
		return;
	default:
		break;
	}
	/* memory: the address the load read from */
	addr = gen_steps_n(g, lhs, ta, last);
	old = v;
	if (bits) {
		old = gen_temp_typed(g, "u64", 8, 0);
		gen_line(g, "%s = 0;", old);
		gen_line(g, "if (unlikely(%s(&%s, (unsigned long)%s, %d))) {",
			 ld->kind == TV_UDEREF ? "stp_uread" : "stp_kread", old, addr, ld->size);
		store_failed(g, lhs, ld->kind == TV_UDEREF ? "user" : "kernel", addr);
		gen_line(g, "%s = stp_bitfield_insert(%s, %ld, %d, %s);", old, old, bits->offset,
			 bits->size, v);
	}
	gen_line(g, "if (unlikely(%s((unsigned long)%s, %s, %d))) {",
		 ld->kind == TV_UDEREF ? "stp_uwrite" : "stp_kwrite", addr, old,
		 ld->size > 0 && ld->size <= 8 ? ld->size : 8);
	store_failed(g, lhs, ld->kind == TV_UDEREF ? "user" : "kernel", addr);
}

/* Where slot lives in c->entry: the longs first, 8 bytes each, then the
 * strings, MAXSTRINGLEN bytes each (a string saved at entry is copied,
 * stap's @entry(execname()) keeps the text, not a pointer into a frame). */
static const char *entry_slot_address(struct gen *g, int slot)
{
	int i, nlong = 0, before = 0;

	for (i = 0; i < g->probe->nentry; i++) {
		int is_str = g->entry_is_str && g->entry_is_str[i];

		nlong += !is_str;
		if (i < slot && is_str == (g->entry_is_str && g->entry_is_str[slot]))
			before++;
	}
	if (g->entry_is_str && g->entry_is_str[slot])
		return gen_fmt(g, "((char *)c->entry + %d * sizeof(int64_t) + %d * MAXSTRINGLEN)",
			       nlong, before);
	return gen_fmt(g, "((char *)c->entry + %d * sizeof(int64_t))", before);
}

/* A value saved by the entry handler of a .return probe (slot of c->entry). */
const char *gen_entry_slot(struct gen *g, int slot)
{
	const char *at = entry_slot_address(g, slot);

	if (g->entry_is_str && g->entry_is_str[slot])
		return gen_fmt(g, "(c->entry ? (const char *)%s : \"\")", at);
	return gen_fmt(g, "(c->entry ? *(const int64_t *)%s : 0)", at);
}

void gen_entry_store(struct gen *g, int slot, const char *v)
{
	const char *at = entry_slot_address(g, slot);

	if (g->entry_is_str && g->entry_is_str[slot])
		gen_line(g, "stp_str_copy(%s, %s);", at, v);
	else
		gen_line(g, "*(int64_t *)%s = %s;", at, v);
}

/* The steps of an access, or its saved entry value in a return handler. */
static const char *gen_value(struct gen *g, const struct expr *e, const struct tvar_access *ta)
{
	if (ta->at_entry && !g->in_entry) {
		const char *v = gen_temp_long(g);

		gen_line(g, "%s = %s;", v, gen_entry_slot(g, ta->entry_slot));
		return v;
	}
	return gen_steps(g, e, ta);
}

/* In an entry handler: compute every value the return handler will need. */
void gen_tvar_save_entry(struct gen *g, const struct expr *e)
{
	const struct tvar_access *ta = e->tvar;
	int i;

	if (!ta)
		return;
	if (ta->at_entry && !ta->pretty)
		gen_entry_store(g, ta->entry_slot, gen_steps(g, e, ta));
	for (i = 0; ta->pretty && i < ta->npretty; i++) {
		const struct tvar_access *v = ta->pretty[i].value;

		if (v && v->at_entry)
			gen_entry_store(g, v->entry_slot, gen_steps(g, e, v));
	}
}

const char *gen_tvar(struct gen *g, const struct expr *e)
{
	const struct tvar_access *ta = e->tvar;
	const char *v;

	if (!ta) {
		diag_error(e->loc, "target variable '%s' was not resolved",
			   e->name ? e->name : "@cast");
		g->failed = 1;
		return "0";
	}
	if (ta->pretty) {
		const char *t = gen_temp_str(g);
		int i;

		gen_line(g, "%s[0] = '\\0';", t);
		for (i = 0; i < ta->npretty; i++) {
			const struct tvar_pretty *p = &ta->pretty[i];

			if (p->text && p->text[0])
				gen_line(g, "stp_str_append(%s, %s);", t, gen_c_string(g, p->text));
			if (!p->value)
				continue;
			v = gen_value(g, e, p->value);
			gen_line(g, "stp_tvar_pretty(%s, %s, %d);", t, v, (int)p->fmt);
		}
		return t;
	}
	v = gen_value(g, e, ta);
	if (e->type == TY_STRING) {
		const char *t = gen_temp_str(g);

		if (ta->result_is_array || ta->result_is_string) {
			gen_line(g, "if (unlikely(%s(%s, (unsigned long)%s, MAXSTRINGLEN))) {",
				 ta->user_memory ? "stp_uread_str" : "stp_kread_str", t, v);
			g->indent++;
			gen_fail(g, e->loc, gen_fmt(g, "stp_error(c, \"%s string copy fault "
						    "at 0x%%lx\", (unsigned long)%s)",
						    ta->user_memory ? "user" : "kernel", v));
			g->indent--;
			gen_line(g, "}");
		} else {
			gen_line(g, "stp_str_from_long(%s, %s);", t, v);
		}
		return t;
	}
	return v;
}
