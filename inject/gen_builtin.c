/* gen_builtin.c - pass 3: the functions the translator implements itself
 * (sema_builtins.h): the print family, log, warn, error, exit.
 *
 * Every print-family call becomes one call of the runtime's stap printf
 * engine: print/println/printd and their s-forms are turned into a format
 * ("%d" per long, "%s" per string, the delimiter in between) at
 * translation time, so there is one formatting path to get right.
 */
#include "gen_internal.h"
#include "sema_builtins.h"

#include <string.h>

/* Append text to a format, doubling every '%'. */
static void fmt_literal(struct gen *g, char **fmt, const char *text)
{
	size_t n = strlen(*fmt), m = strlen(text), i, o;
	char *r = arena_alloc(g->a, n + 2 * m + 1);

	memcpy(r, *fmt, n);
	o = n;
	for (i = 0; i < m; i++) {
		if (text[i] == '%')
			r[o++] = '%';
		r[o++] = text[i];
	}
	r[o] = '\0';
	*fmt = r;
}

static int is_hist(const struct expr *e)
{
	return e->kind == E_STAT &&
	       (e->statop == STAT_HIST_LOG || e->statop == STAT_HIST_LINEAR);
}

/* print(@hist_log(s)): stap's ASCII histogram; empty aggregates fail
 * (near the print call, as stap reports it). */
static void gen_print_hist(struct gen *g, const struct expr *e, struct loc call)
{
	const struct expr *operand = e->left;
	const struct sym *s = operand->kind == E_INDEX ? operand->base->sym : operand->sym;
	const char *keys = operand->kind == E_INDEX ? gen_keys(g, &operand->args) : "NULL";
	const char *map = gen_map_ref(g, s);
	const char *sd = gen_temp_typed(g, "struct stp_stat *", 8, 0);

	gen_line(g, "%s = stp_map_get_stat(%s, %s);", sd, map, keys);
	gen_line(g, "if (unlikely(!%s || !%s->count)) {", sd, sd);
	g->indent++;
	gen_fail(g, call, "stp_error(c, \"empty aggregate\")");
	g->indent--;
	gen_line(g, "}");
	gen_line(g, "stp_hist_print(c, %s, &(%s)->hist);", sd, map);
}

/*
 * Emit one formatted output: to stdout (dst NULL) or into the string dst.
 * fmt: the format; args: the expressions its directives consume.
 */
static void gen_format_call(struct gen *g, struct loc loc, const char *dst, const char *fmt,
			    const struct expr *const *args, int nargs)
{
	const char **vals = arena_alloc(g->a, sizeof(char *) * (size_t)(nargs + 1));
	const char *arr = "NULL";
	int i, j;

	for (i = 0; i < nargs; i++) {
		int later = 0;

		for (j = i + 1; j < nargs; j++)
			later |= gen_expr_has_side_effects(args[j]);
		vals[i] = later ? gen_expr_stable(g, args[i]) : gen_expr(g, args[i]);
	}
	if (nargs) {
		arr = gen_temp_typed(g, "struct stp_arg", 16, nargs);
		for (i = 0; i < nargs; i++)
			gen_line(g, "%s[%d].%s = %s;", arr, i,
				 args[i]->type == TY_STRING ? "s" : "n", vals[i]);
	}
	if (dst) {
		gen_line(g, "if (unlikely(stp_sprintf(%s, %s, %s, %d))) {", dst,
			 gen_c_string(g, fmt), arr, nargs);
		g->indent++;
		gen_fail(g, loc, "stp_error(c, \"kernel read fault in sprintf\")");
		g->indent--;
		gen_line(g, "}");
		return;
	}
	gen_line(g, "{");
	g->indent++;
	gen_line(g, "unsigned long fault;");
	fputc('\n', g->body);
	gen_line(g, "if (unlikely(stp_printf(c, %s, %s, %d, &fault))) {", gen_c_string(g, fmt),
		 arr, nargs);
	g->indent++;
	gen_fail(g, loc, "stp_error(c, \"kernel read fault at 0x%lx\", fault)");
	g->indent--;
	gen_line(g, "}");
	g->indent--;
	gen_line(g, "}");
}

/* print, println, printd, printdln and the s-forms. */
static const char *gen_print_family(struct gen *g, const struct expr *e, int to_string,
				    int delimited, int newline)
{
	const struct expr **args = arena_alloc(g->a, sizeof(void *) * (size_t)(e->args.n + 1));
	const char *dst = to_string ? gen_temp_str(g) : NULL;
	const char *delim = NULL;
	char *fmt = "";
	int i, n = 0, first = delimited ? 1 : 0;

	if (delimited) {
		const struct expr *d = e->args.v[0];

		if (d->kind != E_STR) {
			diag_error(d->loc, "the delimiter of '%s' must be a literal string", e->name);
			g->failed = 1;
			return "0";
		}
		delim = d->str;
	}
	for (i = first; i < e->args.n; i++) {
		const struct expr *a = e->args.v[i];

		if (i > first && delimited)
			fmt_literal(g, &fmt, delim);
		if (is_hist(a) && !to_string) {
			/* flush what precedes, then the histogram itself */
			if (fmt[0] || n)
				gen_format_call(g, e->loc, NULL, fmt, args, n);
			gen_print_hist(g, a, e->loc);
			fmt = "";
			n = 0;
			continue;
		}
		fmt = (char *)gen_fmt(g, "%s%s", fmt, a->type == TY_STRING ? "%s" : "%d");
		args[n++] = a;
	}
	if (newline)
		fmt = (char *)gen_fmt(g, "%s\n", fmt);
	if (to_string) {
		gen_format_call(g, e->loc, dst, fmt, args, n);
		return dst;
	}
	if (fmt[0] || n)
		gen_format_call(g, e->loc, NULL, fmt, args, n);
	return NULL;
}

const char *gen_builtin_call(struct gen *g, const struct expr *e)
{
	const struct builtin *b = sema_builtin_lookup(e->name);
	const char *v;

	if (!b)
		INTERNAL_ERROR("call of unknown function '%s'", e->name);
	switch (b->id) {
	case BI_PRINT:
		return gen_print_family(g, e, 0, 0, 0), "0";
	case BI_PRINTLN:
		return gen_print_family(g, e, 0, 0, 1), "0";
	case BI_PRINTD:
		return gen_print_family(g, e, 0, 1, 0), "0";
	case BI_PRINTDLN:
		return gen_print_family(g, e, 0, 1, 1), "0";
	case BI_SPRINT:
		return gen_print_family(g, e, 1, 0, 0);
	case BI_SPRINTLN:
		return gen_print_family(g, e, 1, 0, 1);
	case BI_SPRINTD:
		return gen_print_family(g, e, 1, 1, 0);
	case BI_SPRINTDLN:
		return gen_print_family(g, e, 1, 1, 1);
	case BI_PRINTF:
	case BI_SPRINTF: {
		const struct expr *f = e->args.v[0];
		const char *dst = b->id == BI_SPRINTF ? gen_temp_str(g) : NULL;

		if (f->kind != E_STR) {
			diag_error(f->loc, "the format of '%s' must be a literal string", b->name);
			g->failed = 1;
			return "0";
		}
		gen_format_call(g, e->loc, dst, f->str, (const struct expr *const *)e->args.v + 1,
				e->args.n - 1);
		return dst ? dst : "0";
	}
	case BI_LOG:
		v = gen_expr(g, e->args.v[0]);
		gen_line(g, "stp_print_str(c, %s);", v);
		gen_line(g, "stp_print(c, \"\\n\", 1);");
		return "0";
	case BI_WARN:
		v = gen_expr(g, e->args.v[0]);
		gen_line(g, "stp_warn(c, \"%%s\", %s);", v);
		return "0";
	case BI_ERROR:
		v = gen_expr(g, e->args.v[0]);
		gen_line(g, "stp_error(c, \"%%s\", %s);", v);
		gen_line(g, "c->last_stmt = NULL;");
		gen_line(g, "goto %s;", g->err_label);
		return "0";
	case BI_EXIT:
		gen_line(g, "stp_exit();");
		return "0";
	case BI_COUNT:
		break;
	}
	INTERNAL_ERROR("builtin %d", b->id);
}
