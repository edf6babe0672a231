/* gen.c - pass 3: the module's C file from the elaborated program.
 *
 * Layout of the output (docs/architecture.md, "The generated module"):
 * the -D defines and the frame-memory size, runtime.h, the library's
 * top-level embedded C, the globals, the frame structs, the functions, the
 * probe handlers, stp_probes[], stp_globals_init/free, runtime_main.h.
 * Bodies are emitted into memory first because a frame struct is only
 * known once its body (and its temporaries) has been generated.
 */
#include "gen_internal.h"
#include "sema_builtins.h"
#include "tracepoints.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- small output helpers ---- */

void gen_line(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int i;

	for (i = 0; i < g->indent; i++)
		fputc('\t', g->body);
	va_start(ap, fmt);
	vfprintf(g->body, fmt, ap);
	va_end(ap);
	fputc('\n', g->body);
}

const char *gen_fmt(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = arena_alloc(g->a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

const char *gen_c_string(struct gen *g, const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *r = arena_alloc(g->a, n * 4 + 3);

	r[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\') {
			r[o++] = '\\';
			r[o++] = (char)ch;
		} else if (ch == '\n') {
			r[o++] = '\\';
			r[o++] = 'n';
		} else if (ch == '\t') {
			r[o++] = '\\';
			r[o++] = 't';
		} else if (ch < 0x20 || ch >= 0x7f || (ch == '?' && s[i + 1] == '?')) {
			/* octal keeps the bytes exact; "??" would start a trigraph */
			o += (size_t)sprintf(r + o, "\\%03o", ch);
		} else {
			r[o++] = (char)ch;
		}
	}
	r[o++] = '"';
	r[o] = '\0';
	return r;
}

/* ---- "near" texts: stap names the token an error happened at ---- */

static const char *const stap_keywords[] = {
	"probe", "global", "function", "if", "else", "for", "foreach", "in", "limit",
	"return", "delete", "while", "break", "continue", "next", "string", "long",
	"try", "catch", "private", NULL,
};

static const char *line_start(const struct src_file *f, int line)
{
	const char *p = f->text;

	while (--line > 0 && (p = strchr(p, '\n')))
		p++;
	return p ? p : f->text;
}

const char *gen_near(struct gen *g, struct loc loc)
{
	const char *p, *kind = "operator";
	char tok[128];
	size_t n = 0;
	int i;

	if (!loc.file || !loc.file->text)
		return "NULL";
	p = line_start(loc.file, loc.line) + (loc.col > 0 ? loc.col - 1 : 0);
	if (loc.len > 0) {
		n = (size_t)loc.len;
	} else if (isalpha((unsigned char)*p) || *p == '_' || *p == '@' || *p == '$') {
		for (n = 1; isalnum((unsigned char)p[n]) || p[n] == '_' || p[n] == '$'; n++)
			;
	} else {
		n = 1;
	}
	if (n >= sizeof(tok))
		n = sizeof(tok) - 1;
	memcpy(tok, p, n);
	tok[n] = '\0';
	if (isalpha((unsigned char)tok[0]) || tok[0] == '_' || tok[0] == '$') {
		kind = "identifier";
		for (i = 0; stap_keywords[i]; i++)
			if (!strcmp(tok, stap_keywords[i]))
				return gen_c_string(g, gen_fmt(g, "keyword at %s:%d:%d",
							       loc.file->name, loc.line, loc.col));
	} else if (isdigit((unsigned char)tok[0])) {
		kind = "number";
	} else if (tok[0] == '"') {
		kind = "string";
		if (n > 1 && tok[n - 1] == '"')
			tok[n - 1] = '\0';
		memmove(tok, tok + 1, strlen(tok));
	}
	return gen_c_string(g, gen_fmt(g, "%s '%s' at %s:%d:%d", kind, tok, loc.file->name,
				       loc.line, loc.col));
}

/* ---- frames and temporaries ---- */

static void frame_member(struct gen *g, const char *decl, long bytes)
{
	fprintf(g->fr->decls, "\t%s;\n", decl);
	g->fr->fixed_bytes += (bytes + 7) & ~7L;
}

const char *gen_temp_long(struct gen *g)
{
	int n = g->fr->ntemps++;

	frame_member(g, gen_fmt(g, "int64_t t%d", n), 8);
	return gen_fmt(g, "l->t%d", n);
}

const char *gen_temp_str(struct gen *g)
{
	struct frame *f = g->fr;
	int n = f->str_temps_cur++;

	if (f->str_temps_cur > f->str_temps_max)
		f->str_temps_max = f->str_temps_cur;
	return gen_fmt(g, "l->s%d", n);
}

const char *gen_temp_typed(struct gen *g, const char *ctype, long bytes, int count)
{
	int n = g->fr->ntemps++;

	if (count > 0) {
		frame_member(g, gen_fmt(g, "%s t%d[%d]", ctype, n, count), bytes * count);
	} else {
		frame_member(g, gen_fmt(g, "%s t%d", ctype, n), bytes);
	}
	return gen_fmt(g, "l->t%d", n);
}

void gen_check_error(struct gen *g)
{
	gen_line(g, "if (unlikely(c->last_error))");
	gen_line(g, "\tgoto %s;", g->err_label);
}

void gen_fail(struct gen *g, struct loc loc, const char *c_error_call)
{
	gen_line(g, "%s;", c_error_call);
	gen_line(g, "c->last_stmt = %s;", gen_near(g, loc));
	gen_line(g, "goto %s;", g->err_label);
}

const char *gen_var_lvalue(struct gen *g, const struct sym *s)
{
	if (s->scope == SYM_GLOBAL)
		return s->c_name;
	return gen_fmt(g, "l->%s", s->c_name);
}

const char *gen_map_ref(struct gen *g, const struct sym *s)
{
	return gen_fmt(g, "&%s", s->c_name);
}

const struct hist_use *gen_hist_of(struct gen *g, const struct sym *s)
{
	int i;

	for (i = 0; i < g->hists.n; i++) {
		const struct hist_use *h = g->hists.v[i];

		if (h->sym == s)
			return h;
	}
	return NULL;
}

/* ---- a walk over every expression, for the histogram survey ---- */

typedef void (*expr_visit)(struct gen *g, const struct expr *e);

static void walk_expr(struct gen *g, const struct expr *e, expr_visit fn);

static void walk_stmt(struct gen *g, const struct stmt *s, expr_visit fn)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->body.n; i++)
		walk_stmt(g, s->body.v[i], fn);
	walk_expr(g, s->expr, fn);
	walk_expr(g, s->cond, fn);
	walk_stmt(g, s->init, fn);
	walk_stmt(g, s->incr, fn);
	walk_stmt(g, s->then, fn);
	walk_stmt(g, s->else_, fn);
	if (s->fe) {
		walk_expr(g, s->fe->array, fn);
		walk_expr(g, s->fe->limit, fn);
	}
}

static void walk_expr(struct gen *g, const struct expr *e, expr_visit fn)
{
	int i;

	if (!e)
		return;
	fn(g, e);
	walk_expr(g, e->left, fn);
	walk_expr(g, e->right, fn);
	walk_expr(g, e->cond, fn);
	walk_expr(g, e->base, fn);
	for (i = 0; i < e->args.n; i++)
		walk_expr(g, e->args.v[i], fn);
}

static const struct sym *stat_operand_sym(const struct expr *e)
{
	if (!e)
		return NULL;
	if (e->kind == E_INDEX && e->base)
		return e->base->sym;
	return e->sym;
}

static struct hist_use *hist_for(struct gen *g, const struct sym *s)
{
	struct hist_use *h = (struct hist_use *)gen_hist_of(g, s);

	if (!h) {
		h = ARENA_NEW(g->a, struct hist_use);
		h->sym = s;
		ptrvec_push(g->a, &g->hists, h);
	}
	return h;
}

/* @variance(s, N): the statistic's bit shift, 0..62. */
static void note_shift(struct gen *g, const struct expr *st, const struct sym *s)
{
	const struct expr *a = st->args.v[0];
	struct hist_use *h;

	if (a->kind != E_NUM || a->num < 0 || a->num > 62) {
		diag_error(a->loc, "bit shift of '@variance' must be a literal in 0..62");
		g->failed = 1;
		return;
	}
	h = hist_for(g, s);
	if (h->has_shift && h->shift != a->num) {
		diag_error(a->loc, "conflicting bit shifts declared (previously %d)", h->shift);
		g->failed = 1;
		return;
	}
	h->has_shift = 1;
	h->shift = (int)a->num;
}

static void note_hist(struct gen *g, const struct expr *e)
{
	const struct expr *st = e;
	struct hist_use n = { 0 }, *h;
	const struct sym *s;

	if (e->kind == E_HIST_INDEX)
		st = e->left;
	if (!st || st->kind != E_STAT)
		return;
	s = stat_operand_sym(st->left);
	if (!s)
		return;
	if (st->statop == STAT_VARIANCE && st->args.n > 0) {
		note_shift(g, st, s);
		return;
	}
	if (st->statop != STAT_HIST_LOG && st->statop != STAT_HIST_LINEAR)
		return;
	n.op = st->statop;
	if (st->statop == STAT_HIST_LINEAR) {
		int64_t v[3] = { 0, 0, 0 };
		int i;

		for (i = 0; i < 3; i++) {
			const struct expr *a = i < st->args.n ? st->args.v[i] : NULL;

			if (!a || a->kind != E_NUM) {
				diag_error(st->loc, "'@hist_linear' needs literal start, stop and "
					   "interval");
				g->failed = 1;
				return;
			}
			v[i] = a->num;
		}
		if (v[2] <= 0 || v[1] <= v[0] || (v[1] - v[0]) / v[2] + 3 > 128) {
			diag_error(st->loc, "histogram: number of buckets must be between 1 and "
				   "126 and the interval positive");
			g->failed = 1;
			return;
		}
		n.start = v[0];
		n.stop = v[1];
		n.interval = v[2];
	}
	h = hist_for(g, s);
	if (h->has_hist) {
		if (h->op != n.op || h->start != n.start || h->stop != n.stop ||
		    h->interval != n.interval) {
			diag_error(st->loc, "statistic '%s' used with two different histograms",
				   s->name);
			g->failed = 1;
		}
		return;
	}
	h->has_hist = 1;
	h->op = n.op;
	h->start = n.start;
	h->stop = n.stop;
	h->interval = n.interval;
}

/* ---- globals ---- */

static int is_map(const struct sym *s)
{
	return s->is_array || s->type == TY_STATS;
}

static const char *vtype_name(enum type t)
{
	return t == TY_STRING ? "STP_T_STRING" : t == TY_STATS ? "STP_T_STAT" : "STP_T_LONG";
}

/* -G var=val: the initial value a global gets, or NULL. */
static const char *global_override(struct gen *g, const struct sym *s)
{
	size_t n = strlen(s->name);
	int i;

	for (i = 0; i < g->opt->global_inits.n; i++) {
		const char *kv = g->opt->global_inits.v[i];

		if (!strncmp(kv, s->name, n) && kv[n] == '=')
			return kv + n + 1;
	}
	return NULL;
}

static void emit_global(struct gen *g, FILE *out, const struct sym *s)
{
	const char *init = global_override(g, s);

	if (is_map(s)) {
		fprintf(out, "static struct stp_map %s;\t/* %s%s */\n", s->c_name, s->name,
			s->is_array ? "[]" : " (statistic)");
		return;
	}
	if (s->type == TY_STRING) {
		if (!init && s->init && s->init->kind == E_STR)
			init = s->init->str;
		fprintf(out, "static char %s[MAXSTRINGLEN]%s%s;\t/* %s */\n", s->c_name,
			init ? " = " : "", init ? gen_c_string(g, init) : "", s->name);
		return;
	}
	if (init) {
		char *end;
		long long v = strtoll(init, &end, 0);

		if (*end || !*init) {
			diag_error(s->loc, "invalid value '%s' for global '%s' (-G)", init,
				   s->name);
			g->failed = 1;
		}
		fprintf(out, "static int64_t %s = %lldLL;\t/* %s */\n", s->c_name, v, s->name);
		return;
	}
	if (s->init && s->init->kind == E_NUM)
		fprintf(out, "static int64_t %s = %lldLL;\t/* %s */\n", s->c_name,
			(long long)s->init->num, s->name);
	else
		fprintf(out, "static int64_t %s;\t/* %s */\n", s->c_name, s->name);
}

static void emit_globals_init(struct gen *g, FILE *out)
{
	int i, k;

	fprintf(out, "static int stp_globals_init(void)\n{\n");
	fprintf(out, "\tif (stp_lang_init())\n\t\treturn -ENOMEM;\n");
	for (i = 0; i < g->prog->globals.n; i++) {
		const struct sym *s = g->prog->globals.v[i];
		const struct hist_use *h;
		int nkeys = s->is_array ? s->nkeys : 0;

		if (!is_map(s))
			continue;
		h = gen_hist_of(g, s);
		fprintf(out, "\t{\n");
		fprintf(out, "\t\tstatic const u8 keys[] = {");
		for (k = 0; k < nkeys; k++)
			fprintf(out, " %s,", s->key_types[k] == TY_STRING ? "STP_T_STRING"
									   : "STP_T_LONG");
		fprintf(out, " 0 };\n");
		if (h)
			fprintf(out, "\t\tstatic const struct stp_hist_desc hist = { %s, "
				"%lldLL, %lldLL, %lldLL, 0, %d };\n",
				!h->has_hist ? "STP_HIST_NONE"
				: h->op == STAT_HIST_LOG ? "STP_HIST_LOG" : "STP_HIST_LINEAR",
				(long long)h->start, (long long)h->stop,
				(long long)h->interval, h->shift);
		fprintf(out, "\t\tif (stp_map_init(&%s, %s, %d, keys, %s, %ld, %d, %s))\n",
			s->c_name, gen_c_string(g, s->name), nkeys, vtype_name(s->type),
			s->is_array ? s->max_entries : 1L, s->wrap, h ? "&hist" : "NULL");
		fprintf(out, "\t\t\treturn -ENOMEM;\n\t}\n");
	}
	fprintf(out, "\treturn 0;\n}\n\n");
	fprintf(out, "static void stp_globals_free(void)\n{\n");
	fprintf(out, "\tstp_lang_free();\n");
	for (i = 0; i < g->prog->globals.n; i++) {
		const struct sym *s = g->prog->globals.v[i];

		if (is_map(s))
			fprintf(out, "\tstp_map_free(&%s);\n", s->c_name);
	}
	fprintf(out, "}\n\n");
}

/* ---- functions and probes ---- */

/* One generated function or handler, kept until the whole file is known. */
struct unit {
	struct frame fr;
	char *text;
	size_t len;
	const char *name;		/* C function name */
	const char *comment;
};

static void frame_open(struct gen *g, struct frame *f, const char *type)
{
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->decls = open_memstream(&f->decls_buf, &f->decls_len);
	g->fr = f;
}

static void frame_add_var(struct gen *g, struct sym *s, const char *prefix)
{
	if (!s->c_name)
		s->c_name = gen_fmt(g, "%s%s", prefix, s->name);
	if (s->type == TY_STRING)
		ptrvec_push(g->a, &g->fr->strings, (void *)s->c_name);
	else
		frame_member(g, gen_fmt(g, "int64_t %s", s->c_name), 8);
}

/* The size bound of a frame: "(B + n * MAXSTRINGLEN)". */
static void frame_size(const struct frame *f, long *fixed, long *nstr)
{
	*fixed = f->fixed_bytes + 8;
	*nstr = f->strings.n + f->str_temps_max;
}

static void frame_emit(FILE *out, struct frame *f)
{
	long fixed, nstr;
	int i;

	fclose(f->decls);
	frame_size(f, &fixed, &nstr);
	fprintf(out, "%s {\n%s", f->type, f->decls_buf ? f->decls_buf : "");
	for (i = 0; i < f->strings.n; i++)
		fprintf(out, "\tchar %s[MAXSTRINGLEN];\n", (const char *)f->strings.v[i]);
	for (i = 0; i < f->str_temps_max; i++)
		fprintf(out, "\tchar s%d[MAXSTRINGLEN];\n", i);
	if (!f->decls_len && !nstr)
		fprintf(out, "\tchar unused;\n");
	fprintf(out, "};\n");
	fprintf(out, "static_assert(sizeof(%s) <= %ld + %ld * MAXSTRINGLEN);\n\n", f->type,
		fixed, nstr);
	free(f->decls_buf);
}

static void body_open(struct gen *g, struct unit *u)
{
	g->body = open_memstream(&u->text, &u->len);
	g->indent = 1;
	g->err_label = "out";
	g->loop = NULL;
}

static void body_close(struct gen *g)
{
	fclose(g->body);
	g->body = NULL;
}

static void gen_function(struct gen *g, struct func *f, struct unit *u, int idx)
{
	int i;

	g->func = f;
	g->probe = NULL;
	u->name = gen_fmt(g, "stp_f%d_%s", idx, f->name);
	u->comment = gen_fmt(g, "function %s at %s:%d", f->name,
			     f->loc.file ? f->loc.file->name : "?", f->loc.line);
	frame_open(g, &u->fr, gen_fmt(g, "struct stp_frame_f%d_%s", idx, f->name));
	if (f->ret_type == TY_STRING)
		ptrvec_push(g->a, &g->fr->strings, "__retvalue");
	else
		frame_member(g, "int64_t __retvalue", 8);
	for (i = 0; i < f->params.n; i++) {
		struct sym *p = f->params.v[i];

		p->c_name = gen_fmt(g, "v_%s", p->name);
		frame_add_var(g, p, "v_");
	}
	for (i = 0; i < f->locals.n; i++) {
		struct sym *s = f->locals.v[i];

		s->c_name = gen_fmt(g, "v_%s", s->name);
		frame_add_var(g, s, "v_");
	}
	body_open(g, u);
	if (f->embedded) {
		/* stap's embedded-C conventions */
		gen_line(g, "#define CONTEXT c");
		gen_line(g, "#define THIS l");
		gen_line(g, "#define STAP_RETVALUE (l->__retvalue)");
		if (f->ret_type == TY_STRING)
			gen_line(g, "#define STAP_RETURN(v) do { strscpy(STAP_RETVALUE, (v), "
				 "MAXSTRINGLEN); goto out; } while (0)");
		else
			gen_line(g, "#define STAP_RETURN(v) do { STAP_RETVALUE = (int64_t)(v); "
				 "goto out; } while (0)");
		/* the error is reported near the call site (set by the caller) */
		gen_line(g, "#define STAP_ERROR(...) do { stp_error(c, __VA_ARGS__); "
			 "goto out; } while (0)");
		gen_line(g, "#define STAP_PRINTF(...) stp_print_c(c, __VA_ARGS__)");
		/* run-time overloading: the caller calls the next overload */
		gen_line(g, "#define STAP_NEXT do { c->last_error = stp_next_mark; goto out; } "
			 "while (0)");
		for (i = 0; i < f->params.n; i++) {
			const struct sym *p = f->params.v[i];

			gen_line(g, "#define STAP_ARG_%s (l->%s)", p->name, p->c_name);
		}
		gen_line(g, "/* %s:%d */", f->loc.file ? f->loc.file->name : "?", f->loc.line);
		gen_line(g, "{");
		fputs(f->embedded, g->body);
		fputc('\n', g->body);
		gen_line(g, "}");
		gen_line(g, "goto out;");
		gen_line(g, "#undef CONTEXT");
		gen_line(g, "#undef THIS");
		gen_line(g, "#undef STAP_RETVALUE");
		gen_line(g, "#undef STAP_RETURN");
		gen_line(g, "#undef STAP_ERROR");
		gen_line(g, "#undef STAP_PRINTF");
		gen_line(g, "#undef STAP_NEXT");
		for (i = 0; i < f->params.n; i++)
			gen_line(g, "#undef STAP_ARG_%s", ((const struct sym *)f->params.v[i])->name);
	} else if (f->body) {
		gen_stmt(g, f->body);
	}
	body_close(g);
}

static void gen_probe(struct gen *g, struct derived_probe *p, struct unit *u, int idx)
{
	int i;

	g->func = NULL;
	g->probe = p;
	u->name = gen_fmt(g, "stp_probe_%d", idx);
	u->comment = gen_fmt(g, "probe %s at %s:%d", p->pp, p->loc.file ? p->loc.file->name
									  : "?",
			     p->loc.line);
	frame_open(g, &u->fr, gen_fmt(g, "struct stp_frame_p%d", idx));
	for (i = 0; i < p->locals.n; i++) {
		struct sym *s = p->locals.v[i];

		s->c_name = gen_fmt(g, "v_%s", s->name);
		frame_add_var(g, s, "v_");
	}
	body_open(g, u);
	if (p->condition) {
		const char *v = gen_expr(g, p->condition);

		gen_line(g, "if (!(%s))", v);
		gen_line(g, "\tgoto out;");
	}
	if (p->body)
		gen_stmt(g, p->body);
	body_close(g);
}

/* The entry handler of a .return probe that reads values at entry. */
static void save_entry_values(struct gen *g, const struct expr *e)
{
	int i;

	if (!e)
		return;
	if (e->kind == E_ENTRY) {
		const char *v = gen_expr(g, e->left);

		gen_entry_store(g, e->entry_slot, v);
		return;
	}
	if (e->kind == E_TARGET || e->kind == E_CAST || e->kind == E_ATVAR)
		gen_tvar_save_entry(g, e);
	save_entry_values(g, e->left);
	save_entry_values(g, e->right);
	save_entry_values(g, e->cond);
	save_entry_values(g, e->base);
	for (i = 0; i < e->args.n; i++)
		save_entry_values(g, e->args.v[i]);
}

static void save_entry_stmt(struct gen *g, const struct stmt *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->body.n; i++)
		save_entry_stmt(g, s->body.v[i]);
	save_entry_values(g, s->expr);
	save_entry_values(g, s->cond);
	save_entry_stmt(g, s->init);
	save_entry_stmt(g, s->incr);
	save_entry_stmt(g, s->then);
	save_entry_stmt(g, s->else_);
	if (s->fe)
		save_entry_values(g, s->fe->limit);
}

/* An @entry operand that reads or writes a global, or calls a script
 * function (which may), makes the entry handler take the globals lock;
 * $params alone and embedded-C calls do not. */
static int touches_globals(const struct expr *e)
{
	int i;

	if (!e)
		return 0;
	if ((e->sym && e->sym->scope == SYM_GLOBAL) ||
	    (e->base && e->base->sym && e->base->sym->scope == SYM_GLOBAL) ||
	    (e->kind == E_CALL && e->func && !e->func->embedded))
		return 1;
	for (i = 0; i < e->args.n; i++)
		if (touches_globals(e->args.v[i]))
			return 1;
	return touches_globals(e->left) || touches_globals(e->right) ||
	       touches_globals(e->cond) || touches_globals(e->base);
}

static void note_entry_string(struct gen *g, const struct expr *e)
{
	if (e->kind == E_ENTRY && touches_globals(e->left))
		g->entry_locks = 1;
	if (e->kind == E_ENTRY && e->type == TY_STRING && e->entry_slot >= 0 &&
	    e->entry_slot < g->probe->nentry)
		g->entry_is_str[e->entry_slot] = 1;
}

const char *gen_entry_layout(struct gen *g, const struct derived_probe *p)
{
	int i, nstr = 0;

	g->probe = p;
	g->entry_locks = 0;
	g->entry_is_str = arena_alloc(g->a, (size_t)p->nentry + 1);
	memset(g->entry_is_str, 0, (size_t)p->nentry + 1);
	walk_stmt(g, p->body, note_entry_string);
	walk_expr(g, p->condition, note_entry_string);
	for (i = 0; i < p->nentry; i++)
		nstr += g->entry_is_str[i];
	if (!nstr)
		return gen_fmt(g, "%d * sizeof(int64_t)", p->nentry);
	return gen_fmt(g, "%d * sizeof(int64_t) + %d * MAXSTRINGLEN", p->nentry - nstr, nstr);
}

static void gen_probe_entry(struct gen *g, struct derived_probe *p, struct unit *u, int idx)
{
	g->func = NULL;
	g->probe = p;
	g->in_entry = 1;
	u->name = gen_fmt(g, "stp_probe_%d_entry", idx);
	u->comment = gen_fmt(g, "entry values of probe %s", p->pp);
	frame_open(g, &u->fr, gen_fmt(g, "struct stp_frame_p%d_entry", idx));
	body_open(g, u);
	save_entry_values(g, p->condition);
	save_entry_stmt(g, p->body);
	body_close(g);
	g->in_entry = 0;
}

static const char *const probe_kind_c[] = {
	[PK_BEGIN] = "STP_PK_BEGIN", [PK_END] = "STP_PK_END", [PK_ERROR] = "STP_PK_ERROR",
	[PK_NEVER] = "STP_PK_NEVER", [PK_TIMER] = "STP_PK_TIMER",
	[PK_TIMER_PROFILE] = "STP_PK_TIMER_PROFILE", [PK_KPROBE] = "STP_PK_KPROBE",
	[PK_KRETPROBE] = "STP_PK_KRETPROBE", [PK_TRACEPOINT] = "STP_PK_TRACEPOINT",
	[PK_UPROBE] = "STP_PK_UPROBE", [PK_URETPROBE] = "STP_PK_URETPROBE",
};

/*
 * kernel.trace probes: a callback with the tracepoint's shape, void
 * (void *data, args...), each argument taken as a register-wide unsigned
 * long (x86-64 passes every TP_PROTO argument in a register or an 8-byte
 * stack slot); it packs them as u64s for stp_probe_arg(). data is the
 * stp_probe the runtime registered the callback with.
 */
static void emit_tracepoint_callbacks(struct gen *g, FILE *out)
{
	int i, k;

	for (i = 0; i < g->prog->probes.n; i++) {
		const struct derived_probe *p = g->prog->probes.v[i];
		const struct tracepoint *tp;
		int nargs;

		if (p->kind != PK_TRACEPOINT)
			continue;
		tp = tracepoints_find(g->prog->target, p->tp_system, p->tp_event);
		if (!tp) {
			diag_error(p->loc, "unknown tracepoint '%s:%s'",
				   p->tp_system ? p->tp_system : "*", p->tp_event);
			g->failed = 1;
			continue;
		}
		nargs = tp->nargs;
		fprintf(out, "/* kernel.trace(\"%s:%s\") */\n", tp->system, tp->event);
		fprintf(out, "static void stp_tp_%d(void *data", i);
		for (k = 0; k < nargs; k++)
			fprintf(out, ", unsigned long a%d", k);
		fprintf(out, ")\n{\n\tu64 args[%d] = {", nargs ? nargs : 1);
		for (k = 0; k < nargs; k++)
			fprintf(out, "%s a%d", k ? "," : "", k);
		fprintf(out, "%s };\n\n", nargs ? "" : " 0");
		fprintf(out, "\tstp_probe_hit(data, NULL, args);\n}\n\n");
	}
}

/* A body that does nothing: empty blocks and null statements only. */
static int stmt_is_empty(const struct stmt *s)
{
	int i;

	if (!s || s->kind == S_NULL)
		return 1;
	if (s->kind != S_BLOCK)
		return 0;
	for (i = 0; i < s->body.n; i++)
		if (!stmt_is_empty(s->body.v[i]))
			return 0;
	return 1;
}

/* A probe whose handler has nothing to run: its hits are only counted. */
static int probe_is_empty(const struct derived_probe *p)
{
	return !p->condition && !p->locals.n && stmt_is_empty(p->body);
}

/*
 * kernel.function and kprobe.function probes: one kprobe pre-handler per
 * probe, so the runtime's hot path (stp_kprobe_hit in probe_kprobe.h)
 * calls the handler directly, with the probe's constants folded, and
 * skips the context setup of an empty handler (NULL).
 */
static void emit_kprobe_entries(struct gen *g, FILE *out, int definitions)
{
	int i, any = 0;

	for (i = 0; i < g->prog->probes.n; i++) {
		const struct derived_probe *p = g->prog->probes.v[i];

		if (p->kind != PK_KPROBE)
			continue;
		if (!definitions) {
			fprintf(out, "static int stp_kp_%d(struct kprobe *kp, struct pt_regs *regs);\n",
				i);
			any = 1;
			continue;
		}
		if (!any++)
			fprintf(out, "#include \"probe_kprobe.h\"\n\n");
		fprintf(out, "/* the kprobe pre-handler of stp_probes[%d] */\n"
			"static int stp_kp_%d(struct kprobe *kp, struct pt_regs *regs)\n{\n", i, i);
		if (probe_is_empty(p))
			fprintf(out, "\treturn stp_kprobe_hit(&stp_probes[%d], NULL, regs);"
				"\t/* empty body */\n}\n\n", i);
		else
			fprintf(out, "\treturn stp_kprobe_hit(&stp_probes[%d], stp_probe_%d, regs);\n"
				"}\n\n", i, i);
	}
	if (!definitions && any)
		fprintf(out, "\n");
}

static void emit_probe_table(struct gen *g, FILE *out)
{
	int i;

	emit_tracepoint_callbacks(g, out);
	emit_kprobe_entries(g, out, 0);

	fprintf(out, "static const struct stp_probe stp_probes[] = {\n");
	for (i = 0; i < g->prog->probes.n; i++) {
		const struct derived_probe *p = g->prog->probes.v[i];

		fprintf(out, "\t{ .kind = %s, .pp = %s, .handler = stp_probe_%d",
			probe_kind_c[p->kind], gen_c_string(g, p->pp), i);
		if (p->kind == PK_BEGIN || p->kind == PK_END || p->kind == PK_ERROR)
			fprintf(out, ", .seq = %lld", (long long)p->seq);
		if (p->symbol)
			fprintf(out, ", .symbol = %s", gen_c_string(g, p->symbol));
		if (p->module)
			fprintf(out, ", .module = %s", gen_c_string(g, p->module));
		if (p->offset)
			fprintf(out, ", .offset = %lld", (long long)p->offset);
		if (p->kind == PK_KPROBE)
			fprintf(out, ", .kprobe_pre = stp_kp_%d", i);
		if (p->maxactive)
			fprintf(out, ", .maxactive = %d", p->maxactive);
		if (p->nentry)
			fprintf(out, ",\n\t  .entry_size = %s, "
				".entry_handler = stp_probe_%d_entry", gen_entry_layout(g, p), i);
		if (p->kind == PK_TIMER || p->kind == PK_TIMER_PROFILE) {
			if (p->timer_jiffies)
				fprintf(out, ", .jiffies = 1, .interval_ns = %lld",
					(long long)p->period_ns);
			else
				fprintf(out, ", .interval_ns = %lldULL", (long long)p->period_ns);
			if (p->randomize_ns)
				fprintf(out, ", .randomize_ns = %lldULL",
					(long long)p->randomize_ns);
		}
		if (p->tp_event)
			fprintf(out, ", .event = %s, .tp_callback = (void *)stp_tp_%d",
				gen_c_string(g, p->tp_event), i);
		if (p->path)
			fprintf(out, ", .path = %s, .uoffset = %llu", gen_c_string(g, p->path),
				(unsigned long long)p->uoffset);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\n");
	emit_kprobe_entries(g, out, 1);
}

/* The probe kinds of stp_probes[]: runtime_main.h compiles only their
 * registration code (STP_PK_X -> STP_USES_X). */
static void emit_used_kinds(struct gen *g, FILE *out)
{
	unsigned char used[sizeof(probe_kind_c) / sizeof(probe_kind_c[0])] = { 0 };
	size_t k;
	int i;

	for (i = 0; i < g->prog->probes.n; i++) {
		const struct derived_probe *p = g->prog->probes.v[i];

		if ((size_t)p->kind < sizeof(used))
			used[p->kind] = 1;
	}
	fprintf(out, "#define STP_USES_KINDS 1\n");
	for (k = 0; k < sizeof(used); k++)
		if (used[k] && probe_kind_c[k])
			fprintf(out, "#define STP_USES_%s 1\n", probe_kind_c[k] + strlen("STP_PK_"));
}

/* The frame memory bound, as an expression in MAXSTRINGLEN and MAXNESTING
 * (runtime.h defines them after this line; the macro expands later). */
static void emit_locals_size(FILE *out, struct unit *funcs, int nfuncs, struct unit *probes,
			     struct unit *entries, int nprobes)
{
	long pf = 0, ps = 0, ff = 0, fs = 0, fixed, nstr;
	int i;

	for (i = 0; i < 2 * nprobes; i++) {
		struct unit *u = i < nprobes ? &probes[i] : &entries[i - nprobes];

		if (!u->name)
			continue;
		frame_size(&u->fr, &fixed, &nstr);
		pf = fixed > pf ? fixed : pf;
		ps = nstr > ps ? nstr : ps;
	}
	for (i = 0; i < nfuncs; i++) {
		frame_size(&funcs[i].fr, &fixed, &nstr);
		ff = fixed > ff ? fixed : ff;
		fs = nstr > fs ? nstr : fs;
	}
	fprintf(out, "#define STP_LOCALS_SIZE ((%ld + %ld * MAXSTRINGLEN)", pf + 32, ps);
	if (nfuncs)
		fprintf(out, " + MAXNESTING * (%ld + %ld * MAXSTRINGLEN)", ff + 32, fs);
	fprintf(out, ")\n");
}

static void emit_unit(FILE *out, const struct unit *u, const char *sig)
{
	fprintf(out, "/* %s */\n%s\n{\n", u->comment, sig);
	if (u->text)
		fwrite(u->text, 1, u->len, out);
	fprintf(out, "out: __attribute__((unused));\n");
}

int gen_module(FILE *out, const struct program *prog, const struct gen_options *opt)
{
	struct gen G = { .prog = prog, .opt = opt, .a = prog->arena }, *g = &G;
	struct unit *funcs, *probes, *entries;
	int i;

	g->regex_defs = open_memstream(&g->regex_buf, &g->regex_len);
	/* survey: histograms per statistic */
	for (i = 0; i < prog->probes.n; i++) {
		const struct derived_probe *p = prog->probes.v[i];

		walk_stmt(g, p->body, note_hist);
		walk_expr(g, p->condition, note_hist);
	}
	for (i = 0; i < prog->funcs.n; i++)
		walk_stmt(g, ((const struct func *)prog->funcs.v[i])->body, note_hist);
	for (i = 0; i < prog->globals.n; i++) {
		struct sym *s = prog->globals.v[i];

		s->c_name = gen_fmt(g, "stp_g%d_%s", i, s->name);
	}

	funcs = arena_alloc(g->a, sizeof(*funcs) * (size_t)(prog->funcs.n + 1));
	probes = arena_alloc(g->a, sizeof(*probes) * (size_t)(prog->probes.n + 1));
	entries = arena_alloc(g->a, sizeof(*entries) * (size_t)(prog->probes.n + 1));
	for (i = 0; i < prog->funcs.n; i++) {
		struct func *f = prog->funcs.v[i];

		f->used = 1;
		/* the C name is needed by callers emitted before the callee */
		(void)f;
	}
	for (i = 0; i < prog->funcs.n; i++)
		gen_function(g, prog->funcs.v[i], &funcs[i], i);
	for (i = 0; i < prog->probes.n; i++) {
		struct derived_probe *p = prog->probes.v[i];

		gen_entry_layout(g, p);
		gen_probe(g, p, &probes[i], i);
		if (p->nentry)
			gen_probe_entry(g, p, &entries[i], i);
	}
	fclose(g->regex_defs);
	if (g->failed || diag.errors) {
		free(g->regex_buf);
		return -1;
	}

	fprintf(out, "/* generated by gstap: do not edit */\n");
	fprintf(out, "#define STP_MODULE_NAME %s\n", gen_c_string(g, opt->module_name ?
								       opt->module_name
								       : "stap_module"));
	for (i = 0; i < opt->defines.n; i++) {
		const char *d = opt->defines.v[i], *eq = strchr(d, '=');

		if (eq)
			fprintf(out, "#define %.*s %s\n", (int)(eq - d), d, eq + 1);
		else
			fprintf(out, "#define %s 1\n", d);
	}
	emit_used_kinds(g, out);
	emit_locals_size(out, funcs, prog->funcs.n, probes, entries, prog->probes.n);
	fprintf(out, "#include \"runtime.h\"\n\n");

	for (i = 0; i < prog->embedded.n; i++)
		fprintf(out, "/* embedded C */\n%s\n\n", (const char *)prog->embedded.v[i]);

	if (prog->globals.n)
		fprintf(out, "/* globals */\n");
	for (i = 0; i < prog->globals.n; i++)
		emit_global(g, out, prog->globals.v[i]);
	fprintf(out, "\n");
	if (g->regex_len)
		fprintf(out, "/* regular expressions (lang_regex.h) */\n%s", g->regex_buf);
	free(g->regex_buf);

	for (i = 0; i < prog->funcs.n; i++)
		frame_emit(out, &funcs[i].fr);
	for (i = 0; i < prog->probes.n; i++) {
		frame_emit(out, &probes[i].fr);
		if (entries[i].name)
			frame_emit(out, &entries[i].fr);
	}

	for (i = 0; i < prog->funcs.n; i++)
		fprintf(out, "static void %s(struct stp_context *c, %s *l);\n", funcs[i].name,
			funcs[i].fr.type);
	fprintf(out, "\n");
	for (i = 0; i < prog->funcs.n; i++) {
		emit_unit(out, &funcs[i], gen_fmt(g, "static void %s(struct stp_context *c, %s *l)",
						  funcs[i].name, funcs[i].fr.type));
		fprintf(out, "}\n\n");
		free(funcs[i].text);
	}
	for (i = 0; i < prog->probes.n; i++) {
		if (!entries[i].name)
			continue;
		fprintf(out, "/* %s */\nstatic void %s(struct stp_context *c)\n{\n",
			entries[i].comment, entries[i].name);
		fprintf(out, "\t%s *l = stp_frame_push(c, sizeof(*l));\n\n", entries[i].fr.type);
		/* zeroed first: a handler that fails early leaves 0 and "" */
		fprintf(out, "\tif (c->entry)\n\t\tmemset(c->entry, 0, %s);\n",
			gen_entry_layout(g, prog->probes.v[i]));
		/* @entry(f()) may read and write globals: locked as the probe */
		fprintf(out, "\tif (!l || !c->entry || %s)\n\t\treturn;\n",
			g->entry_locks ? "stp_lock_globals(c)" : "0");
		fwrite(entries[i].text, 1, entries[i].len, out);
		fprintf(out, "out: __attribute__((unused));\n");
		if (g->entry_locks)
			fprintf(out, "\tstp_unlock_globals(c);\n");
		fprintf(out, "\tstp_frame_pop(c, sizeof(*l));\n}\n\n");
		free(entries[i].text);
	}
	for (i = 0; i < prog->probes.n; i++) {
		const char *lock = prog->globals.n ? "stp_lock_globals(c)" : "0";

		fprintf(out, "/* %s */\nstatic void %s(struct stp_context *c)\n{\n",
			probes[i].comment, probes[i].name);
		fprintf(out, "\t%s *l = stp_frame_push(c, sizeof(*l));\n\n", probes[i].fr.type);
		fprintf(out, "\tif (!l || %s)\n\t\treturn;\n", lock);
		if (probes[i].text)
			fwrite(probes[i].text, 1, probes[i].len, out);
		fprintf(out, "out: __attribute__((unused));\n");
		fprintf(out, "\tif (c->last_error == stp_next_mark)\n");
		fprintf(out, "\t\tc->last_error = NULL;\n");
		if (prog->globals.n)
			fprintf(out, "\tstp_unlock_globals(c);\n");
		fprintf(out, "\tstp_frame_pop(c, sizeof(*l));\n}\n\n");
		free(probes[i].text);
	}
	emit_probe_table(g, out);
	emit_globals_init(g, out);
	fprintf(out, "#include \"runtime_main.h\"\n");
	return g->failed || ferror(out) ? -1 : 0;
}
