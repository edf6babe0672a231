/* print.c - the canonical stap spelling of a parsed file (gstap -p1).
 *
 * The output re-parses to the same tree: every compound expression is
 * parenthesised, every simple statement ends in ';', string literals are
 * re-escaped, and an 'if' without 'else' inside an 'if' with one is braced.
 */
#include "parse.h"
#include "lex.h"

#include <inttypes.h>

static void indent_to(FILE *out, int indent)
{
	while (indent-- > 0)
		fputc('\t', out);
}

static void print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\%03o", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/* Numbers in expressions are never negative literals: print the unsigned
 * spelling, which the lexer wraps back to the same 64-bit value. */
static void print_num(FILE *out, int64_t n)
{
	fprintf(out, "%" PRIu64, (uint64_t)n);
}

static void print_signed_num(FILE *out, int64_t n)
{
	if (n < 0)
		fprintf(out, "-%" PRIu64, -(uint64_t)n);
	else
		fprintf(out, "%" PRId64, n);
}

static void print_list(FILE *out, const struct ptrvec *v)
{
	int i;

	for (i = 0; i < v->n; i++) {
		if (i)
			fputs(", ", out);
		print_expr(out, v->v[i]);
	}
}

static void print_components(FILE *out, const struct expr *e)
{
	int i;

	for (i = 0; i < e->comps.n; i++) {
		const struct component *c = e->comps.v[i];

		if (c->kind == COMP_FIELD) {
			fprintf(out, "->%s", c->field);
		} else {
			fputc('[', out);
			print_expr(out, c->index);
			fputc(']', out);
		}
	}
	if (e->pretty)
		fputs(e->pretty == 2 ? "$$" : "$", out);
}

static int is_atomic(const struct expr *e)
{
	switch (e->kind) {
	case E_NUM: case E_STR: case E_VAR: case E_INDEX: case E_TARGET: case E_CAST:
	case E_ATVAR: case E_DEFINED: case E_ENTRY: case E_PROBEWRITE: case E_CALL:
	case E_STAT: case E_HIST_INDEX: case E_EMBEDDED:
		return 1;
	default:
		return 0;
	}
}

static void print_expr_bare(FILE *out, const struct expr *e, int top);

/* Print e; top suppresses the outer parentheses of a compound expression.
 * Autocast components (p->f on a variable, (a + b)->f, (p)[i]) follow the
 * value, parenthesised unless it is a plain name, element or call. */
static void print_expr_top(FILE *out, const struct expr *e, int top)
{
	int paren;

	if (!e->comps.n || e->kind == E_TARGET || e->kind == E_CAST || e->kind == E_ATVAR) {
		print_expr_bare(out, e, top);
		return;
	}
	paren = !(e->kind == E_VAR || e->kind == E_INDEX || e->kind == E_CALL) ||
		((const struct component *)e->comps.v[0])->kind == COMP_INDEX;
	if (paren)
		fputc('(', out);
	print_expr_bare(out, e, 1);
	if (paren)
		fputc(')', out);
	print_components(out, e);
}

static void print_expr_bare(FILE *out, const struct expr *e, int top)
{
	const char *open = top ? "" : "(", *close = top ? "" : ")";

	switch (e->kind) {
	case E_NUM:
		print_num(out, e->num);
		break;
	case E_STR:
		print_string(out, e->str);
		break;
	case E_VAR:
		fputs(e->name, out);
		break;
	case E_INDEX:
		print_expr(out, e->base);
		fputc('[', out);
		print_list(out, &e->args);
		fputc(']', out);
		break;
	case E_TARGET:
		fputs(e->name, out);
		print_components(out, e);
		break;
	case E_CAST:
		fputs("@cast(", out);
		print_expr(out, e->left);
		fputs(", ", out);
		print_string(out, e->str);
		if (e->str2) {
			fputs(", ", out);
			print_string(out, e->str2);
		}
		fputc(')', out);
		print_components(out, e);
		break;
	case E_ATVAR:
		fputs("@var(", out);
		print_string(out, e->str);
		if (e->str2) {
			fputs(", ", out);
			print_string(out, e->str2);
		}
		fputc(')', out);
		print_components(out, e);
		break;
	case E_DEFINED:
	case E_ENTRY:
	case E_PROBEWRITE:
		fputs(e->kind == E_DEFINED ? "@defined(" : e->kind == E_ENTRY ? "@entry("
									       : "@probewrite(",
		      out);
		print_expr_top(out, e->left, 1);
		fputc(')', out);
		break;
	case E_UNARY:
		fputs(op_spelling[e->op], out);
		if (is_atomic(e->left) && !(e->left->kind == E_NUM && e->op == OP_NEG &&
					     e->left->num < 0)) {
			print_expr(out, e->left);
		} else {
			fputc('(', out);
			print_expr_top(out, e->left, 1);
			fputc(')', out);
		}
		break;
	case E_BINARY:
		fputs(open, out);
		print_expr(out, e->left);
		fprintf(out, " %s ", op_spelling[e->op]);
		print_expr(out, e->right);
		fputs(close, out);
		break;
	case E_ASSIGN:
		fputs(open, out);
		print_expr(out, e->left);
		fprintf(out, " %s%s ", e->op == OP_ASSIGN ? "" : op_spelling[e->op],
			"=");
		print_expr(out, e->right);
		fputs(close, out);
		break;
	case E_PREINC:
	case E_PREDEC:
		fputs(e->kind == E_PREINC ? "++" : "--", out);
		print_expr(out, e->left);
		break;
	case E_POSTINC:
	case E_POSTDEC:
		fputs(open, out);
		print_expr(out, e->left);
		fputs(e->kind == E_POSTINC ? "++" : "--", out);
		fputs(close, out);
		break;
	case E_TERNARY:
		fputs(open, out);
		print_expr(out, e->cond);
		fputs(" ? ", out);
		print_expr(out, e->left);
		fputs(" : ", out);
		print_expr(out, e->right);
		fputs(close, out);
		break;
	case E_CALL:
		fprintf(out, "%s(", e->name);
		print_list(out, &e->args);
		fputc(')', out);
		break;
	case E_IN:
		fputs(open, out);
		fputc('[', out);
		print_list(out, &e->args);
		fputs("] in ", out);
		print_expr(out, e->base);
		fputs(close, out);
		break;
	case E_STAT_ADD:
		fputs(open, out);
		print_expr(out, e->left);
		fputs(" <<< ", out);
		print_expr(out, e->right);
		fputs(close, out);
		break;
	case E_STAT:
		fprintf(out, "%s(", statop_spelling[e->statop]);
		print_expr_top(out, e->left, 1);
		if (e->args.n) {
			fputs(", ", out);
			print_list(out, &e->args);
		}
		fputc(')', out);
		break;
	case E_HIST_INDEX:
		print_expr(out, e->left);
		fputc('[', out);
		print_list(out, &e->args);
		fputc(']', out);
		break;
	case E_EMBEDDED:
		fprintf(out, "%%{%s%%}", e->code);
		break;
	}
}

void print_expr(FILE *out, const struct expr *e)
{
	print_expr_top(out, e, 0);
}

static void print_stmt_body(FILE *out, const struct stmt *s, int indent);

/* A statement as the body of if/while/for/foreach: on the same line. */
static void print_sub(FILE *out, const struct stmt *s, int indent)
{
	fputc(' ', out);
	print_stmt_body(out, s, indent);
}

static void print_foreach(FILE *out, const struct foreach *fe)
{
	int i;

	fputs("foreach (", out);
	if (fe->value)
		fprintf(out, "%s = ", fe->value);
	fputc('[', out);
	for (i = 0; i < fe->keys.n; i++) {
		fprintf(out, "%s%s", i ? ", " : "", (const char *)fe->keys.v[i]);
		if (fe->sort_column == i + 1)
			fputc(fe->sort_dir > 0 ? '+' : '-', out);
	}
	fputs("] in ", out);
	print_expr(out, fe->array);
	if (fe->slice.n) {
		fputc('[', out);
		print_list(out, &fe->slice);
		fputc(']', out);
	}
	if (fe->sort_stat != STAT_COUNT)
		fprintf(out, " %s", statop_spelling[fe->sort_stat]);
	if (fe->sort_column < 0)
		fputc(fe->sort_dir > 0 ? '+' : '-', out);
	if (fe->limit) {
		fputs(" limit ", out);
		print_expr(out, fe->limit);
	}
	fputc(')', out);
}

/* Print s starting at the current column; ends with a newline. */
static void print_stmt_body(FILE *out, const struct stmt *s, int indent)
{
	int i;

	switch (s->kind) {
	case S_BLOCK:
		fputs("{\n", out);
		for (i = 0; i < s->body.n; i++)
			print_stmt(out, s->body.v[i], indent + 1);
		indent_to(out, indent);
		fputs("}\n", out);
		break;
	case S_EXPR:
		print_expr_top(out, s->expr, 1);
		fputs(";\n", out);
		break;
	case S_NULL:
		fputs(";\n", out);
		break;
	case S_IF:
		fputs("if (", out);
		print_expr_top(out, s->cond, 1);
		fputc(')', out);
		if (s->else_ && s->then->kind == S_IF && !s->then->else_) {
			/* keep the else with this if: brace the inner one */
			fputs(" {\n", out);
			print_stmt(out, s->then, indent + 1);
			indent_to(out, indent);
			fputs("}\n", out);
		} else {
			print_sub(out, s->then, indent);
		}
		if (s->else_) {
			indent_to(out, indent);
			fputs("else", out);
			print_sub(out, s->else_, indent);
		}
		break;
	case S_WHILE:
		fputs("while (", out);
		print_expr_top(out, s->cond, 1);
		fputc(')', out);
		print_sub(out, s->then, indent);
		break;
	case S_FOR:
		fputs("for (", out);
		if (s->init)
			print_expr_top(out, s->init->expr, 1);
		fputs("; ", out);
		if (s->cond)
			print_expr_top(out, s->cond, 1);
		fputs("; ", out);
		if (s->incr)
			print_expr_top(out, s->incr->expr, 1);
		fputc(')', out);
		print_sub(out, s->then, indent);
		break;
	case S_FOREACH:
		print_foreach(out, s->fe);
		print_sub(out, s->then, indent);
		break;
	case S_BREAK:
		fputs("break;\n", out);
		break;
	case S_CONTINUE:
		fputs("continue;\n", out);
		break;
	case S_NEXT:
		fputs("next;\n", out);
		break;
	case S_RETURN:
		fputs("return", out);
		if (s->expr) {
			fputc(' ', out);
			print_expr_top(out, s->expr, 1);
		}
		fputs(";\n", out);
		break;
	case S_DELETE:
		fputs("delete ", out);
		print_expr_top(out, s->expr, 1);
		fputs(";\n", out);
		break;
	case S_TRY:
		fputs("try ", out);
		print_stmt_body(out, s->then, indent);
		indent_to(out, indent);
		fputs("catch", out);
		if (s->catch_var)
			fprintf(out, "(%s)", s->catch_var);
		print_sub(out, s->else_, indent);
		break;
	case S_EMBEDDED:
		fprintf(out, "%%{%s%%}\n", s->code);
		break;
	}
}

void print_stmt(FILE *out, const struct stmt *s, int indent)
{
	indent_to(out, indent);
	print_stmt_body(out, s, indent);
}

void print_probe_point(FILE *out, const struct probe_point *pp)
{
	int i;

	for (i = 0; i < pp->comps.n; i++) {
		const struct pp_component *c = pp->comps.v[i];

		if (i)
			fputc('.', out);
		fputs(c->name, out);
		if (c->arg_kind == PPARG_STR) {
			fputc('(', out);
			print_string(out, c->str);
			fputc(')', out);
		} else if (c->arg_kind == PPARG_NUM) {
			fputc('(', out);
			print_signed_num(out, c->num);
			fputc(')', out);
		}
	}
	if (pp->sufficient)
		fputc('!', out);
	else if (pp->optional)
		fputc('?', out);
	if (pp->condition) {
		fputs(" if (", out);
		print_expr_top(out, pp->condition, 1);
		fputc(')', out);
	}
}

static void print_pp_list(FILE *out, const struct ptrvec *v)
{
	int i;

	for (i = 0; i < v->n; i++) {
		if (i)
			fputs(", ", out);
		print_probe_point(out, v->v[i]);
	}
}

static void print_global(FILE *out, const struct sym *s)
{
	fprintf(out, "%sglobal %s%s", s->is_private ? "private " : "", s->name,
		s->wrap ? "%" : "");
	if (s->max_entries)
		fprintf(out, "[%ld]", s->max_entries);
	if (s->init) {
		fputs(" = ", out);
		if (s->init->kind == E_NUM)
			print_signed_num(out, s->init->num);
		else
			print_string(out, s->init->str);
	}
	fputc('\n', out);
}

static void print_type(FILE *out, enum type t)
{
	if (t != TY_UNKNOWN)
		fprintf(out, ":%s", type_names[t]);
}

static void print_func(FILE *out, const struct func *fn)
{
	int i;

	fprintf(out, "%sfunction %s", fn->is_private ? "private " : "", fn->name);
	print_type(out, fn->ret_type);
	fputs(" (", out);
	for (i = 0; i < fn->params.n; i++) {
		const struct sym *s = fn->params.v[i];

		fprintf(out, "%s%s", i ? ", " : "", s->name);
		print_type(out, s->type);
	}
	fputs(") ", out);
	if (fn->has_priority)
		fprintf(out, ":%lld ", (long long)fn->priority);
	if (fn->embedded)
		fprintf(out, "%%{%s%%}\n", fn->embedded);
	else
		print_stmt_body(out, fn->body, 0);
}

static void print_probe(FILE *out, const struct probe *pr)
{
	fputs("probe ", out);
	if (pr->is_alias) {
		print_pp_list(out, &pr->alias_names);
		fputs(pr->alias_epilogue ? " += " : " = ", out);
	}
	print_pp_list(out, &pr->points);
	fputc(' ', out);
	if (pr->epilogue_body) {
		fputs("{\n", out);
		for (int i = 0; i < pr->body->body.n; i++)
			print_stmt(out, pr->body->body.v[i], 1);
		fputs("}, ", out);
		print_stmt_body(out, pr->epilogue_body, 0);
	} else {
		print_stmt_body(out, pr->body, 0);
	}
}

void print_file_ast(FILE *out, const struct file_ast *f)
{
	int i;

	if (!f)
		return;
	for (i = 0; i < f->embedded.n; i++)
		fprintf(out, "%%{%s%%}\n", (const char *)f->embedded.v[i]);
	for (i = 0; i < f->globals.n; i++)
		print_global(out, ((const struct global_decl *)f->globals.v[i])->sym);
	for (i = 0; i < f->funcs.n; i++)
		print_func(out, f->funcs.v[i]);
	for (i = 0; i < f->probes.n; i++)
		print_probe(out, f->probes.v[i]);
}
