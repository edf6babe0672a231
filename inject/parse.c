/* parse.c - pass 1: the recursive-descent parser of the stap language.
 *
 * Tokens come from the preprocessor (preproc.c), which has already resolved
 * %( %) conditionals, @define macros and $1/@1 script arguments. Each parse
 * function opens with its grammar rule. On a syntax error the parser
 * reports it and long-jumps back to the top level, which skips to the next
 * top-level keyword and carries on, so one run reports several errors.
 */
#include "parse.h"
#include "lex.h"
#include "preproc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

#define LOOKAHEAD 64	/* tokens the parser may peek at (probe-point braces) */

struct parser {
	struct program *prog;
	struct arena *a;
	struct pp pp;
	struct token la[LOOKAHEAD];	/* la[0] is the current token */
	int nla;
	struct token prev;		/* the last token consumed */
	struct file_ast *f;
	int is_library;
	int depth;			/* nesting of expressions and statements */
	jmp_buf recover;
	/* library files: bodies are parsed into scratch and deferred */
	struct arena *tree;		/* the program's arena (p->a outside bodies) */
	struct arena *scratch;		/* library_scratch, or a kept one */
	int defer;			/* this file's bodies may be deferred */
	int scratch_kept;		/* a body in scratch must stay (see parse_body) */
	struct macro_table **local;	/* where the file's macro table will be */
};

/* Where library bodies are parsed to be checked and dropped: reset after
 * each file, never freed, so every file reuses the same warm pages. */
static struct arena library_scratch;

/* A library body that pass 1 checked but did not keep. */
struct deferred_body {
	const struct src_file *src;
	struct macro_table **local;	/* the file's @defines, set at its end */
	const char *at;			/* its '{' in src->text */
	int line;
	const char *line_start;
};

#define MAX_DEPTH 1000	/* deeper nesting is reported, not a stack overflow */

/* ---- token access ---- */

static const struct token *peek_at(struct parser *p, int k)
{
	while (p->nla <= k)
		pp_next(&p->pp, &p->la[p->nla++]);
	return &p->la[k];
}

static const struct token *peek(struct parser *p)
{
	return peek_at(p, 0);
}

static enum tok peek_kind(struct parser *p)
{
	return peek_at(p, 0)->kind;
}

static const struct token *next(struct parser *p)
{
	peek(p);
	p->prev = p->la[0];
	if (--p->nla)	/* almost never: one token of lookahead is the rule */
		memmove(p->la, p->la + 1, sizeof(p->la[0]) * (size_t)p->nla);
	return &p->prev;
}

static int accept(struct parser *p, enum tok k)
{
	if (peek_kind(p) != k)
		return 0;
	next(p);
	return 1;
}

/* "'}'", "end of input", "string \"abc\"" for messages */
static const char *describe(struct parser *p, const struct token *t)
{
	int n = t->loc.len > 40 ? 40 : t->loc.len;

	if (t->kind == T_EOF)
		return "end of input";
	if (t->kind == T_EMBEDDED)
		return "'%{'";
	if (memchr(t->text, '\n', (size_t)n))
		n = (int)((const char *)memchr(t->text, '\n', (size_t)n) - t->text);
	return arena_printf(p->a, "'%.*s%s'", n, t->text, n < t->loc.len ? "..." : "");
}

static _Noreturn void bail(struct parser *p)
{
	longjmp(p->recover, 1);
}

static _Noreturn void __attribute__((format(printf, 3, 4)))
error_at(struct parser *p, struct loc loc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(loc, "%s", msg);
	bail(p);
}

static const struct token *expect(struct parser *p, enum tok k)
{
	const struct token *t = peek(p);

	if (t->kind != k)
		error_at(p, t->loc, "expected '%s' but found %s", tok_spelling[k],
			 describe(p, t));
	return next(p);
}

/* A closing token: on error, say where the construct opened. */
static const struct token *expect_close(struct parser *p, enum tok k, struct loc open,
					enum tok opener)
{
	const struct token *t = peek(p);

	if (t->kind != k) {
		diag_error(t->loc, "expected '%s' but found %s", tok_spelling[k],
			   describe(p, t));
		diag_note(open, "to match this '%s'", tok_spelling[opener]);
		bail(p);
	}
	return next(p);
}

static const char *tok_text(struct parser *p, const struct token *t)
{
	return arena_strndup(p->a, t->text, (size_t)t->loc.len);
}

static const char *expect_ident(struct parser *p, const char *what)
{
	const struct token *t = peek(p);

	if (t->kind != T_IDENT)
		error_at(p, t->loc, "expected %s but found %s", what, describe(p, t));
	return tok_text(p, next(p));
}

/* Count one level of recursion; bail out past MAX_DEPTH. Every recursive
 * rule calls it, and the matching leave() on the way back. */
static void enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		error_at(p, peek(p)->loc, "nested more than %d levels deep", MAX_DEPTH);
}

static void leave(struct parser *p)
{
	p->depth--;
}

/* ---- expressions ---- */

static struct expr *new_expr(struct parser *p, enum expr_kind k, struct loc loc)
{
	struct expr *e = ARENA_NEW(p->a, struct expr);

	e->kind = k;
	e->loc = loc;
	e->op = OP_NONE;
	return e;
}

static struct expr *parse_expr(struct parser *p);

/* Binary operators by precedence level, loosest first. stap's levels, which
 * are C's and awk's except where stap's own -p1 shows otherwise (the
 * language reference gives no table): all six comparisons share one
 * left-associative level, with the regex matches =~ !~ beside them (see
 * parse_binary); 'in' sits between '&' and the comparisons; '.' binds
 * looser than '+' and tighter than the shifts (a . b + c is a . (b + c),
 * a << b . c is a << (b . c)). */
enum { LV_LOR = 1, LV_LAND, LV_BOR, LV_BXOR, LV_BAND, LV_IN, LV_CMP, LV_SHIFT,
       LV_CONCAT, LV_ADD, LV_MUL, LV_UNARY };

static const struct {
	enum tok tok;
	enum op op;
	int level;
} binops[] = {
	{ T_OROR, OP_LOR, LV_LOR }, { T_ANDAND, OP_LAND, LV_LAND },
	{ T_PIPE, OP_BOR, LV_BOR }, { T_CARET, OP_BXOR, LV_BXOR },
	{ T_AMP, OP_BAND, LV_BAND },
	{ T_EQ, OP_EQ, LV_CMP }, { T_NE, OP_NE, LV_CMP },
	{ T_MATCH, OP_REGEX_MATCH, LV_CMP }, { T_NOMATCH, OP_REGEX_NOMATCH, LV_CMP },
	{ T_LT, OP_LT, LV_CMP }, { T_LE, OP_LE, LV_CMP }, { T_GT, OP_GT, LV_CMP },
	{ T_GE, OP_GE, LV_CMP }, { T_SHL, OP_SHL, LV_SHIFT }, { T_SHR, OP_SHR, LV_SHIFT },
	{ T_DOT, OP_CONCAT, LV_CONCAT }, { T_PLUS, OP_ADD, LV_ADD },
	{ T_MINUS, OP_SUB, LV_ADD }, { T_STAR, OP_MUL, LV_MUL },
	{ T_SLASH, OP_DIV, LV_MUL }, { T_PERCENT, OP_MOD, LV_MUL },
};

static const struct {
	enum tok tok;
	enum op op;
} assignops[] = {
	{ T_ASSIGN, OP_ASSIGN }, { T_ADD_ASSIGN, OP_ADD }, { T_SUB_ASSIGN, OP_SUB },
	{ T_MUL_ASSIGN, OP_MUL }, { T_DIV_ASSIGN, OP_DIV }, { T_MOD_ASSIGN, OP_MOD },
	{ T_SHL_ASSIGN, OP_SHL }, { T_SHR_ASSIGN, OP_SHR }, { T_AND_ASSIGN, OP_BAND },
	{ T_OR_ASSIGN, OP_BOR }, { T_XOR_ASSIGN, OP_BXOR }, { T_CAT_ASSIGN, OP_CONCAT },
};

static const struct {
	enum tok tok;
	enum op op;
} unops[] = {
	{ T_MINUS, OP_NEG }, { T_PLUS, OP_POS }, { T_BANG, OP_NOT }, { T_TILDE, OP_BNOT },
	{ T_AMP, OP_BAND },	/* &$var->field: address; pass 2 checks the operand */
};

static const struct {
	const char *name;
	enum statop op;
} statops[] = {
#define X(e, s) { &s[1], e },
	STATOP_LIST(X)
#undef X
};

/* Names of @-operators that take plain arguments (E_CALL named "@x"). */
static const char *const at_calls[] = {
	"const", "kderef", "uderef", "kregister", "uregister", "perf", NULL,
};

static int is_lvalue(const struct expr *e)
{
	return e->kind == E_VAR || e->kind == E_INDEX || e->kind == E_TARGET ||
	       e->kind == E_CAST || e->kind == E_ATVAR || e->comps.n;
}

static void check_lvalue(struct parser *p, const struct expr *e, const char *op)
{
	if (!is_lvalue(e))
		error_at(p, e->loc, "operand of '%s' must be a variable, an array element "
			 "or a target variable", op);
}

/* string -> STR STR* (adjacent literals concatenate); the bytes only, for
 * the places that keep no expression (probe-point arguments, @cast types):
 * an E_STR node there would be 192 bytes of the program's arena each. */
static const char *parse_string_text(struct parser *p)
{
	const char *s = next(p)->str;

	while (peek_kind(p) == T_STR)
		s = arena_printf(p->a, "%s%s", s, next(p)->str);
	return s;
}

/* string -> STR STR* */
static struct expr *parse_string(struct parser *p)
{
	struct expr *e = new_expr(p, E_STR, peek(p)->loc);

	e->str = parse_string_text(p);
	return e;
}

/* key -> expr | '*' */
static struct expr *parse_key(struct parser *p)
{
	if (peek_kind(p) == T_STAR &&
	    (peek_at(p, 1)->kind == T_COMMA || peek_at(p, 1)->kind == T_RBRACKET)) {
		struct expr *e = new_expr(p, E_VAR, next(p)->loc);

		e->name = "*";
		return e;
	}
	return parse_expr(p);
}

/* keys -> '[' key (',' key)* ']' */
static void parse_keys(struct parser *p, struct ptrvec *out)
{
	struct loc open = expect(p, T_LBRACKET)->loc;

	do
		ptrvec_push(p->a, out, parse_key(p));
	while (accept(p, T_COMMA));
	expect_close(p, T_RBRACKET, open, T_LBRACKET);
}

/* args -> '(' [expr (',' expr)*] ')' */
static void parse_args(struct parser *p, struct ptrvec *out)
{
	struct loc open = expect(p, T_LPAREN)->loc;

	if (accept(p, T_RPAREN))
		return;
	do
		ptrvec_push(p->a, out, parse_expr(p));
	while (accept(p, T_COMMA));
	expect_close(p, T_RPAREN, open, T_LPAREN);
}

/* Split a trailing "$" or "$$" (pretty printing) off a name. */
static const char *strip_pretty(struct parser *p, const char *name, int *pretty, struct loc loc)
{
	size_t n = strlen(name), lead = strspn(name, "$"), k = 0;

	if (lead == n)
		error_at(p, loc, "expected a name after '%s'", name);
	while (name[n - 1 - k] == '$')
		k++;
	if (k > 2)
		error_at(p, loc, "at most '$$' may follow a target variable name");
	*pretty = (int)k;
	return arena_strndup(p->a, name, n - k);
}

/* components -> ( '->' NAME | '.' NAME | '[' expr ']' )* ['$' | '$$'] */
static void parse_components(struct parser *p, struct expr *e)
{
	for (;;) {
		const struct token *t = peek(p);
		struct component *c;

		if (e->pretty)
			return;
		if (t->kind == T_TARGET && !t->space_before && e->comps.n &&
		    strspn(t->text, "$") == (size_t)t->loc.len && t->loc.len <= 2) {
			e->pretty = t->loc.len;	/* $x[2]$ */
			next(p);
			return;
		}
		if (t->kind == T_ARROW || (t->kind == T_DOT && !t->space_before &&
					   e->kind != E_VAR && e->kind != E_INDEX &&
					   e->kind != E_CALL &&
					   peek_at(p, 1)->kind == T_IDENT &&
					   !peek_at(p, 1)->space_before)) {
			next(p);
			c = ARENA_NEW(p->a, struct component);
			c->kind = COMP_FIELD;
			t = peek(p);
			if (t->kind != T_IDENT && !lex_is_keyword(t->kind))
				error_at(p, t->loc, "expected a field name after '->' but found %s",
					 describe(p, t));
			next(p);
			c->loc = p->prev.loc;
			c->field = strip_pretty(p, tok_text(p, &p->prev), &e->pretty, c->loc);
		} else if (t->kind == T_LBRACKET) {
			struct loc open = next(p)->loc;

			c = ARENA_NEW(p->a, struct component);
			c->kind = COMP_INDEX;
			c->loc = open;
			c->index = parse_expr(p);
			expect_close(p, T_RBRACKET, open, T_LBRACKET);
		} else {
			return;
		}
		ptrvec_push(p->a, &e->comps, c);
	}
}

/* target -> '$'NAME ['$'|'$$'] components | '$$vars' | '$$parms' | '$$locals'
 *         | '$$return' (each with an optional '$' or '$$')
 * Which names exist is pass 2's business (SDT probes have '$$provider'). */
static struct expr *parse_target(struct parser *p)
{
	const struct token *t = next(p);
	struct expr *e = new_expr(p, E_TARGET, t->loc);

	e->name = strip_pretty(p, tok_text(p, t), &e->pretty, t->loc);
	parse_components(p, e);
	return e;
}

/* atop -> '@cast' '(' expr ',' STR [',' STR] ')' components
 *       | '@var' '(' STR [',' STR] ')' components
 *       | ('@defined' | '@entry' | '@probewrite') '(' expr ')'
 *       | statop '(' expr ')' | '@variance' '(' expr [',' expr] ')'
 *       | '@hist_linear' '(' expr ',' expr ',' expr ',' expr ')' [ '[' expr ']' ]
 *       | '@hist_log' '(' expr ')' [ '[' expr ']' ]
 *       | ('@const' | '@kderef' | '@uderef' | '@kregister' | '@uregister'
 *          | '@perf') args */
static struct expr *parse_at(struct parser *p)
{
	const struct token *t = next(p);
	struct loc loc = t->loc, open;
	const char *name = tok_text(p, t) + 1;
	size_t n = (size_t)t->loc.len - 1;
	struct expr *e;
	size_t i;

/* name is s: a length check and a memcmp, no strcmp ladder per operator */
#define NAME_IS(s) (n == strlen(s) && !memcmp(name, (s), n))
	if (NAME_IS("cast") || NAME_IS("var")) {
		int is_cast = name[0] == 'c';

		e = new_expr(p, is_cast ? E_CAST : E_ATVAR, loc);
		open = expect(p, T_LPAREN)->loc;
		if (is_cast) {
			e->left = parse_expr(p);
			expect(p, T_COMMA);
		}
		if (peek_kind(p) != T_STR)
			error_at(p, peek(p)->loc, "expected a string %s but found %s",
				 is_cast ? "naming a type" : "naming a variable",
				 describe(p, peek(p)));
		e->str = parse_string_text(p);
		if (accept(p, T_COMMA)) {
			if (peek_kind(p) != T_STR)
				error_at(p, peek(p)->loc, "expected a module name string but found %s",
					 describe(p, peek(p)));
			e->str2 = parse_string_text(p);
		}
		expect_close(p, T_RPAREN, open, T_LPAREN);
		parse_components(p, e);
		return e;
	}
	if (NAME_IS("defined") || NAME_IS("entry") || NAME_IS("probewrite")) {
		e = new_expr(p, name[0] == 'd' ? E_DEFINED : name[0] == 'e' ? E_ENTRY
									    : E_PROBEWRITE, loc);
		open = expect(p, T_LPAREN)->loc;
		e->left = parse_expr(p);
		expect_close(p, T_RPAREN, open, T_LPAREN);
		return e;
	}
	for (i = 0; i < sizeof(statops) / sizeof(statops[0]); i++) {
		if (!NAME_IS(statops[i].name))
			continue;
		e = new_expr(p, E_STAT, loc);
		e->statop = statops[i].op;
		open = expect(p, T_LPAREN)->loc;
		e->left = parse_expr(p);
		if (e->statop == STAT_HIST_LINEAR) {
			int k;

			for (k = 0; k < 3; k++) {
				expect(p, T_COMMA);
				ptrvec_push(p->a, &e->args, parse_expr(p));
			}
		} else if (e->statop == STAT_VARIANCE && accept(p, T_COMMA)) {
			/* @variance(s, bit_shift) */
			ptrvec_push(p->a, &e->args, parse_expr(p));
		}
		expect_close(p, T_RPAREN, open, T_LPAREN);
		if ((e->statop == STAT_HIST_LOG || e->statop == STAT_HIST_LINEAR) &&
		    peek_kind(p) == T_LBRACKET) {
			struct expr *h = new_expr(p, E_HIST_INDEX, loc);

			open = next(p)->loc;
			h->left = e;
			ptrvec_push(p->a, &h->args, parse_expr(p));
			expect_close(p, T_RBRACKET, open, T_LBRACKET);
			return h;
		}
		return e;
	}
	for (i = 0; at_calls[i]; i++)
		if (NAME_IS(at_calls[i])) {
			e = new_expr(p, E_CALL, loc);
			e->name = name - 1;
			parse_args(p, &e->args);
			return e;
		}
#undef NAME_IS
	error_at(p, loc, "unknown macro or operator '@%s'", name);
}

/* primary -> '(' expr ')' | NUM | string | EMBEDDED | target | atop
 *          | NAME args | NAME keys | NAME */
static struct expr *parse_primary(struct parser *p)
{
	const struct token *t = peek(p);
	struct expr *e;
	struct loc open;

	switch (t->kind) {
	case T_LPAREN:
		open = next(p)->loc;
		e = parse_expr(p);
		expect_close(p, T_RPAREN, open, T_LPAREN);
		/* autocast on any value: (expr)->field, (ptr)[i] */
		if (peek_kind(p) == T_ARROW || peek_kind(p) == T_LBRACKET)
			parse_components(p, e);
		return e;
	case T_NUM:
		e = new_expr(p, E_NUM, t->loc);
		e->num = t->num;
		next(p);
		return e;
	case T_STR:
		return parse_string(p);
	case T_EMBEDDED:
		e = new_expr(p, E_EMBEDDED, t->loc);
		e->code = t->str;
		next(p);
		return e;
	case T_TARGET:
		return parse_target(p);
	case T_AT:
		return parse_at(p);
	case T_IDENT:
		next(p);
		if (peek_kind(p) == T_LPAREN) {
			e = new_expr(p, E_CALL, p->prev.loc);
			e->name = tok_text(p, &p->prev);
			parse_args(p, &e->args);
		} else {
			e = new_expr(p, E_VAR, p->prev.loc);
			e->name = tok_text(p, &p->prev);
			if (peek_kind(p) == T_LBRACKET) {
				struct expr *ix = new_expr(p, E_INDEX, e->loc);

				ix->base = e;
				parse_keys(p, &ix->args);
				e = ix;
			}
		}
		/* autocast: a pointer held in a variable, p->field */
		if (peek_kind(p) == T_ARROW)
			parse_components(p, e);
		return e;
	default:
		error_at(p, t->loc, "expected an expression but found %s", describe(p, t));
	}
}

/* postfix -> primary ['++' | '--'] */
static struct expr *parse_postfix(struct parser *p)
{
	struct expr *e = parse_primary(p), *x;
	enum tok k = peek_kind(p);

	if (k != T_INC && k != T_DEC)
		return e;
	check_lvalue(p, e, tok_spelling[k]);
	x = new_expr(p, k == T_INC ? E_POSTINC : E_POSTDEC, next(p)->loc);
	x->left = e;
	return x;
}

/* unary -> ('+' | '-' | '!' | '~' | '&') unary | ('++' | '--') unary | postfix */
static struct expr *parse_unary(struct parser *p)
{
	const struct token *t = peek(p);
	struct expr *e;
	size_t i;

	if (t->kind == T_INC || t->kind == T_DEC) {
		enum tok k = t->kind;

		e = new_expr(p, k == T_INC ? E_PREINC : E_PREDEC, next(p)->loc);
		enter(p);
		e->left = parse_unary(p);
		leave(p);
		check_lvalue(p, e->left, tok_spelling[k]);
		return e;
	}
	for (i = 0; i < sizeof(unops) / sizeof(unops[0]); i++)
		if (unops[i].tok == t->kind) {
			e = new_expr(p, E_UNARY, next(p)->loc);
			e->op = unops[i].op;
			enter(p);
			e->left = parse_unary(p);
			leave(p);
			return e;
		}
	return parse_postfix(p);
}

/* Level of a binary operator token (LV_IN for 'in'), 0 for none. */
static int binop_level(enum tok k, enum op *op)
{
	/* binops[] by token, index + 1 (this runs after every operand) */
	static unsigned char by_tok[T_COUNT];
	size_t i;

	if (!by_tok[binops[0].tok])
		for (i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
			by_tok[binops[i].tok] = (unsigned char)(i + 1);
	if (k == K_IN)
		return LV_IN;
	if (!by_tok[k])
		return 0;
	i = by_tok[k] - 1u;
	*op = binops[i].op;
	return binops[i].level;
}

/* The array after 'in', and the E_IN node. */
static struct expr *finish_in(struct parser *p, struct expr *in)
{
	in->base = new_expr(p, E_VAR, peek(p)->loc);
	in->base->name = expect_ident(p, "an array name after 'in'");
	return in;
}

/* binary(L) -> operand (op binary(level(op) + 1))*   for ops of level >= L
 * operand -> '[' key (',' key)* ']' IN NAME   (when L <= LV_IN) | unary
 * regex  -> binary(LV_SHIFT) ('=~' | '!~') string
 * Every level is left-associative. 'in' is a postfix operator at LV_IN:
 * expr IN NAME. A regex match takes a string literal on its right and, like
 * 'in', ends its level: only looser operators may follow it, and it cannot
 * follow a comparison (a < b =~ "x" and a =~ "x" == 1 are not stap). */
static struct expr *parse_binary(struct parser *p, int min)
{
	struct expr *left;
	int cap = LV_UNARY, compared = 0;

	if (min <= LV_IN && peek_kind(p) == T_LBRACKET) {
		left = new_expr(p, E_IN, peek(p)->loc);
		parse_keys(p, &left->args);
		expect(p, K_IN);
		left = finish_in(p, left);
		cap = LV_IN - 1;
	} else {
		left = parse_unary(p);
	}
	for (;;) {
		enum op op = OP_NONE;
		enum tok k = peek_kind(p);
		int level = binop_level(k, &op);
		struct expr *b;

		if (!level || level < min || level > cap)
			return left;
		if (k == K_IN) {
			b = new_expr(p, E_IN, left->loc);
			ptrvec_push(p->a, &b->args, left);
			next(p);
			left = finish_in(p, b);
			cap = LV_IN - 1;
			continue;
		}
		if (k == T_MATCH || k == T_NOMATCH) {
			if (compared)
				return left;
			b = new_expr(p, E_BINARY, next(p)->loc);
			b->op = op;
			b->left = left;
			if (peek_kind(p) != T_STR)
				error_at(p, peek(p)->loc, "expected a string literal after '%s' "
					 "but found %s", tok_spelling[k], describe(p, peek(p)));
			b->right = parse_string(p);
			left = b;
			cap = LV_CMP - 1;
			continue;
		}
		if (level == LV_CMP)
			compared = 1;
		b = new_expr(p, E_BINARY, next(p)->loc);
		b->op = op;
		b->left = left;
		b->right = parse_binary(p, level + 1);
		left = b;
	}
}

/* ternary -> binary(LOR) ['?' expr ':' ternary]
 * The middle operand is a whole expression, the last one a ternary: in
 * a ? b : c = 1 the assignment's target is the ternary (stap's -p1). */
static struct expr *parse_ternary(struct parser *p)
{
	struct expr *c = parse_binary(p, LV_LOR), *e;
	struct loc q;

	if (peek_kind(p) != T_QUESTION)
		return c;
	q = next(p)->loc;
	e = new_expr(p, E_TERNARY, q);
	e->cond = c;
	e->left = parse_expr(p);
	if (peek_kind(p) != T_COLON) {
		diag_error(peek(p)->loc, "expected ':' but found %s", describe(p, peek(p)));
		diag_note(q, "to match this '?'");
		bail(p);
	}
	next(p);
	enter(p);
	e->right = parse_ternary(p);
	leave(p);
	return e;
}

static struct expr *parse_assign(struct parser *p);

/* expr -> assign (counted for the nesting limit) */
static struct expr *parse_expr(struct parser *p)
{
	struct expr *e;

	enter(p);
	e = parse_assign(p);
	leave(p);
	return e;
}

/* assign -> ternary [('=' | '+=' | ... | '.=' | '<<<') expr] */
static struct expr *parse_assign(struct parser *p)
{
	struct expr *l = parse_ternary(p), *e;
	enum tok k = peek_kind(p);
	size_t i;

	if (k == T_STAT_ADD) {
		check_lvalue(p, l, "<<<");
		e = new_expr(p, E_STAT_ADD, next(p)->loc);
		e->left = l;
		e->right = parse_expr(p);
		return e;
	}
	for (i = 0; i < sizeof(assignops) / sizeof(assignops[0]); i++)
		if (assignops[i].tok == k) {
			check_lvalue(p, l, tok_spelling[k]);
			e = new_expr(p, E_ASSIGN, next(p)->loc);
			e->op = assignops[i].op;
			e->left = l;
			e->right = parse_expr(p);
			return e;
		}
	return l;
}

/* ---- statements ---- */

static struct stmt *new_stmt(struct parser *p, enum stmt_kind k, struct loc loc)
{
	struct stmt *s = ARENA_NEW(p->a, struct stmt);

	s->kind = k;
	s->loc = loc;
	return s;
}

static struct stmt *parse_stmt(struct parser *p);

static struct stmt *parse_block(struct parser *p);

/* A function or probe-alias body: a block. In a library file it is parsed
 * into the scratch arena for its errors only and *def records where it is,
 * when parsing that span again gives the same tree: it begins and ends with
 * tokens read straight from the file (no macro, no lookahead beyond it) and
 * no %( %) conditional opens or closes across it. Otherwise the tree stays
 * in scratch, whose chunks the program's arena adopts at the end of the file. */
/* Point the tree, the preprocessor and the file's lexer at the scratch
 * arena (on) or back at the program's (off). Macros defined meanwhile still
 * go to the program's arena (pp->keep). */
static void use_scratch(struct parser *p, int on)
{
	struct arena *a = on ? p->scratch : p->tree;

	p->a = a;
	pp_use_arena(&p->pp, a, on ? p->tree : NULL);
}

static struct stmt *parse_body(struct parser *p, struct deferred_body **def)
{
	const struct token *t = peek(p);
	const struct src_file *src = p->f->file;
	struct deferred_body d;
	struct stmt *s;
	int conds = p->pp.nconds;

	if (!p->defer || t->kind != T_LBRACE || p->nla != 1 || p->pp.nframes != 1 ||
	    p->pp.env || t->text < src->text || t->text >= src->text + src->len)
		return parse_block(p);
	d.src = src;
	d.local = p->local;
	d.at = t->text;
	d.line = t->loc.line;
	d.line_start = t->text - (t->loc.col - 1);
	p->pp.cond_low = conds;
	use_scratch(p, 1);
	s = parse_block(p);
	use_scratch(p, 0);
	if (p->nla || p->pp.nframes != 1 || p->pp.nconds != conds || p->pp.cond_low != conds) {
		p->scratch_kept = 1;
		return s;
	}
	*def = ARENA_NEW(p->a, struct deferred_body);
	**def = d;
	return NULL;
}

/* Parse a deferred body into prog's arena. */
static struct stmt *materialize(struct program *prog, const struct deferred_body *d)
{
	struct parser parser, *p = &parser;
	struct file_ast f = { .file = d->src, .is_library = 1 };
	struct stmt *s;

	memset(p, 0, sizeof(*p));
	p->prog = prog;
	p->a = prog->arena;
	p->is_library = 1;
	p->f = &f;
	pp_init_at(&p->pp, prog, d->src, *d->local, d->at, d->line, d->line_start);
	if (setjmp(p->recover))
		return NULL;
	s = parse_block(p);
	return s;
}

int parse_materialize_func(struct program *prog, struct func *f)
{
	if (!f->deferred)
		return 0;
	f->body = materialize(prog, f->deferred);
	f->deferred = NULL;
	return f->body ? 0 : -1;
}

int parse_materialize_probe(struct program *prog, struct probe *pr)
{
	if (pr->deferred) {
		pr->body = materialize(prog, pr->deferred);
		pr->deferred = NULL;
		if (!pr->body)
			return -1;
	}
	if (pr->deferred_epilogue) {
		pr->epilogue_body = materialize(prog, pr->deferred_epilogue);
		pr->deferred_epilogue = NULL;
		if (!pr->epilogue_body)
			return -1;
	}
	return 0;
}

/* block -> '{' stmt* '}' */
static struct stmt *parse_block(struct parser *p)
{
	struct loc open = expect(p, T_LBRACE)->loc;
	struct stmt *s = new_stmt(p, S_BLOCK, open);

	while (peek_kind(p) != T_RBRACE) {
		enum tok k = peek_kind(p);

		/* a declaration keyword here means this block was never closed */
		if (k == T_EOF || k == K_PROBE || k == K_FUNCTION || k == K_GLOBAL ||
		    k == K_PRIVATE) {
			diag_error(peek(p)->loc, "expected '}' but found %s",
				   describe(p, peek(p)));
			diag_note(open, "to match this '{'");
			bail(p);
		}
		ptrvec_push(p->a, &s->body, parse_stmt(p));
	}
	next(p);
	return s;
}

static struct stmt *expr_stmt(struct parser *p, struct expr *e)
{
	struct stmt *s = new_stmt(p, S_EXPR, e->loc);

	s->expr = e;
	return s;
}

/* sort -> ['+' | '-'] after a foreach key, value or array name */
static int parse_sort(struct parser *p, struct foreach *fe, int column, struct loc *seen)
{
	enum tok k = peek_kind(p);

	if (k != T_PLUS && k != T_MINUS)
		return 0;
	if (fe->sort_column) {
		diag_error(peek(p)->loc, "only one sort direction may be given in 'foreach'");
		diag_note(*seen, "the first one is here");
		bail(p);
	}
	*seen = next(p)->loc;
	fe->sort_column = column;
	fe->sort_dir = k == T_PLUS ? 1 : -1;
	return 1;
}

/* foreach -> FOREACH '(' [NAME [sort] '='] (NAME [sort] | '[' NAME [sort]
 *            (',' NAME [sort])* ']') IN NAME ['[' key (',' key)* ']']
 *            [[statop] sort] [LIMIT expr] ')' stmt */
static struct stmt *parse_foreach(struct parser *p)
{
	struct stmt *s = new_stmt(p, S_FOREACH, next(p)->loc);
	struct foreach *fe = ARENA_NEW(p->a, struct foreach);
	struct loc open = expect(p, T_LPAREN)->loc, sort_loc = open;

	s->fe = fe;
	if (peek_kind(p) == T_IDENT &&
	    (peek_at(p, 1)->kind == T_ASSIGN ||
	     ((peek_at(p, 1)->kind == T_PLUS || peek_at(p, 1)->kind == T_MINUS) &&
	      peek_at(p, 2)->kind == T_ASSIGN))) {
		fe->value = expect_ident(p, "a value variable");
		parse_sort(p, fe, -1, &sort_loc);	/* v- = [k]: by value */
		expect(p, T_ASSIGN);
	}
	if (peek_kind(p) == T_LBRACKET) {
		struct loc ob = next(p)->loc;

		do {
			ptrvec_push(p->a, &fe->keys, (void *)expect_ident(p, "a key variable"));
			parse_sort(p, fe, fe->keys.n, &sort_loc);
		} while (accept(p, T_COMMA));
		expect_close(p, T_RBRACKET, ob, T_LBRACKET);
	} else {
		ptrvec_push(p->a, &fe->keys, (void *)expect_ident(p, "a key variable or '['"));
		parse_sort(p, fe, 1, &sort_loc);
	}
	expect(p, K_IN);
	fe->array = new_expr(p, E_VAR, peek(p)->loc);
	fe->array->name = expect_ident(p, "an array name after 'in'");
	if (peek_kind(p) == T_LBRACKET)
		parse_keys(p, &fe->slice);
	if (peek_kind(p) == T_AT) {
		const struct token *t = peek(p);
		size_t i;

		for (i = 0; i < 6; i++)	/* @count .. @variance, not the histograms */
			if ((size_t)t->loc.len == strlen(statops[i].name) + 1 &&
			    !memcmp(t->text + 1, statops[i].name, (size_t)t->loc.len - 1))
				break;
		if (i == 6)
			error_at(p, t->loc, "expected a statistics operator (@count, @sum, "
				 "@min, @max, @avg, @variance) to sort by but found %s",
				 describe(p, t));
		next(p);
		fe->sort_stat = statops[i].op;
		if (!parse_sort(p, fe, -1, &sort_loc))
			error_at(p, peek(p)->loc, "expected '+' or '-' after '@%s' but found %s",
				 statops[i].name, describe(p, peek(p)));
	} else {
		parse_sort(p, fe, -1, &sort_loc);
	}
	if (accept(p, K_LIMIT))
		fe->limit = parse_expr(p);
	expect_close(p, T_RPAREN, open, T_LPAREN);
	s->then = parse_stmt(p);
	return s;
}

/* cond -> '(' expr ')' */
static struct expr *parse_cond(struct parser *p)
{
	struct loc open = expect(p, T_LPAREN)->loc;
	struct expr *e = parse_expr(p);

	expect_close(p, T_RPAREN, open, T_LPAREN);
	return e;
}

/* stmt -> block | ';' | IF cond stmt [ELSE stmt] | WHILE cond stmt
 *       | FOR '(' [expr] ';' [expr] ';' [expr] ')' stmt | foreach
 *       | (RETURN [expr] | DELETE expr | BREAK | CONTINUE | NEXT | expr) [';']
 *       | TRY block CATCH ['(' NAME ')'] block | EMBEDDED */
static struct stmt *parse_stmt_nested(struct parser *p);

static struct stmt *parse_stmt(struct parser *p)
{
	struct stmt *s;

	enter(p);
	s = parse_stmt_nested(p);
	leave(p);
	return s;
}

/* the statement itself, per the rule above */
static struct stmt *parse_stmt_nested(struct parser *p)
{
	const struct token *t = peek(p);
	struct stmt *s;
	struct loc open;

	switch (t->kind) {
	case T_LBRACE:
		return parse_block(p);
	case T_SEMI:
		return new_stmt(p, S_NULL, next(p)->loc);
	case T_EMBEDDED:
		s = new_stmt(p, S_EMBEDDED, t->loc);
		s->code = t->str;
		next(p);
		return s;
	case K_IF:
		s = new_stmt(p, S_IF, next(p)->loc);
		s->cond = parse_cond(p);
		s->then = parse_stmt(p);
		if (accept(p, K_ELSE))
			s->else_ = parse_stmt(p);
		return s;
	case K_WHILE:
		s = new_stmt(p, S_WHILE, next(p)->loc);
		s->cond = parse_cond(p);
		s->then = parse_stmt(p);
		return s;
	case K_FOR:
		s = new_stmt(p, S_FOR, next(p)->loc);
		open = expect(p, T_LPAREN)->loc;
		if (peek_kind(p) != T_SEMI)
			s->init = expr_stmt(p, parse_expr(p));
		expect(p, T_SEMI);
		if (peek_kind(p) != T_SEMI)
			s->cond = parse_expr(p);
		expect(p, T_SEMI);
		if (peek_kind(p) != T_RPAREN)
			s->incr = expr_stmt(p, parse_expr(p));
		expect_close(p, T_RPAREN, open, T_LPAREN);
		s->then = parse_stmt(p);
		return s;
	case K_FOREACH:
		return parse_foreach(p);
	case K_TRY:
		s = new_stmt(p, S_TRY, next(p)->loc);
		s->then = parse_block(p);
		expect(p, K_CATCH);
		if (peek_kind(p) == T_LPAREN) {
			open = next(p)->loc;
			s->catch_var = expect_ident(p, "a variable name for the error message");
			expect_close(p, T_RPAREN, open, T_LPAREN);
		}
		s->else_ = parse_block(p);
		return s;
	case K_RETURN:
		s = new_stmt(p, S_RETURN, next(p)->loc);
		if (peek_kind(p) != T_SEMI && peek_kind(p) != T_RBRACE)
			s->expr = parse_expr(p);
		break;
	case K_DELETE:
		s = new_stmt(p, S_DELETE, next(p)->loc);
		s->expr = parse_expr(p);
		if (s->expr->kind != E_VAR && s->expr->kind != E_INDEX)
			error_at(p, s->expr->loc, "'delete' needs an array, an array element "
				 "or a variable");
		break;
	case K_BREAK:
		s = new_stmt(p, S_BREAK, next(p)->loc);
		break;
	case K_CONTINUE:
		s = new_stmt(p, S_CONTINUE, next(p)->loc);
		break;
	case K_NEXT:
		s = new_stmt(p, S_NEXT, next(p)->loc);
		break;
	case K_ELSE:
		error_at(p, t->loc, "'else' without a previous 'if'");
	case K_CATCH:
		error_at(p, t->loc, "'catch' without a previous 'try'");
	default:
		s = expr_stmt(p, parse_expr(p));
		break;
	}
	accept(p, T_SEMI);
	return s;
}

/* ---- probe points ---- */

static int is_name_token(enum tok k)
{
	return k == T_IDENT || lex_is_keyword(k) || k == T_STAR || k == T_NUM;
}

/* Does a '{' here open an alternative list {a,b} (rather than a body)? */
static int brace_is_alternative(struct parser *p, int at_start)
{
	int i, commas = 0;

	if (at_start)
		return 1;
	for (i = 1; i < LOOKAHEAD; i++) {
		enum tok k = peek_at(p, i)->kind;

		if (k == T_RBRACE)
			return commas > 0;
		if (k == T_COMMA)
			commas++;
		else if (!is_name_token(k))
			return 0;
	}
	return 0;
}

/* name -> (NAME | '*' | NUM | '{' name (',' name)* '}')+ with no space between */
static const char *parse_pp_name(struct parser *p)
{
	char buf[1024];
	size_t n = 0;
	int first = 1;

	for (;;) {
		const struct token *t = peek(p);
		const char *s;
		size_t len;

		if (!first && t->space_before)
			break;
		if (t->kind == T_LBRACE && brace_is_alternative(p, first)) {
			struct loc open = next(p)->loc;

			enter(p);
			if (n + 1 < sizeof(buf))
				buf[n++] = '{';
			for (;;) {
				const char *alt = parse_pp_name(p);

				len = strlen(alt);
				if (n + len + 1 < sizeof(buf))
					memcpy(buf + n, alt, len), n += len;
				if (!accept(p, T_COMMA))
					break;
				if (n + 1 < sizeof(buf))
					buf[n++] = ',';
			}
			expect_close(p, T_RBRACE, open, T_LBRACE);
			leave(p);
			if (n + 1 < sizeof(buf))
				buf[n++] = '}';
			first = 0;
			continue;
		}
		if (!is_name_token(t->kind) || (first && t->kind == T_NUM))
			break;
		s = t->text;
		len = (size_t)t->loc.len;
		if (n + len < sizeof(buf))
			memcpy(buf + n, s, len), n += len;
		next(p);
		first = 0;
	}
	if (first)
		error_at(p, peek(p)->loc, "expected a probe point name but found %s",
			 describe(p, peek(p)));
	return arena_strndup(p->a, buf, n);
}

/* Is the '{' here a whole-component alternative list that needs more than
 * names ({trace("a")!, trace("b")}, {function("f").call, ...})? Those are
 * expanded here; plain {a,b} stays in the component name for pass 2. */
static int brace_is_complex(struct parser *p)
{
	int i, depth = 0;

	for (i = 0; i < LOOKAHEAD; i++) {
		enum tok k = peek_at(p, i)->kind;

		if (k == T_LBRACE)
			depth++;
		else if (k == T_RBRACE && --depth == 0)
			return 0;
		else if (k == T_LPAREN || k == T_DOT || k == T_BANG || k == T_QUESTION ||
			 k == T_EOF)
			return 1;
	}
	return 1;
}

/* component -> name ['(' (STR | ['-'] NUM) ')'] */
static struct pp_component *parse_pp_component(struct parser *p)
{
	struct pp_component *c = ARENA_NEW(p->a, struct pp_component);

	c->loc = peek(p)->loc;
	c->name = parse_pp_name(p);
	if (peek_kind(p) == T_LPAREN) {
		struct loc open = next(p)->loc;
		int neg = accept(p, T_MINUS);

		if (peek_kind(p) == T_NUM) {
			c->arg_kind = PPARG_NUM;
			c->num = next(p)->num;
			if (neg)	/* wraps like the lexer: no signed overflow */
				c->num = (int64_t)(0 - (uint64_t)c->num);
		} else if (peek_kind(p) == T_STR && !neg) {
			c->arg_kind = PPARG_STR;
			c->str = parse_string_text(p);
		} else {
			error_at(p, peek(p)->loc, "expected a string or a number as the "
				 "argument of '%s' but found %s", c->name, describe(p, peek(p)));
		}
		expect_close(p, T_RPAREN, open, T_LPAREN);
	}
	return c;
}

/* flags -> ['!' | '?'] */
static void parse_pp_flags(struct parser *p, int *optional, int *sufficient)
{
	if (accept(p, T_BANG))
		*optional = *sufficient = 1;
	else if (accept(p, T_QUESTION))
		*optional = 1;
}

static void parse_pp_path(struct parser *p, struct ptrvec *out);

/* alternatives -> '{' path flags (',' path flags)* '}' ['.' path]
 * Appends prefix x each alternative x each suffix to out. */
static void parse_pp_alternatives(struct parser *p, const struct ptrvec *prefix,
				  struct loc loc, struct ptrvec *out)
{
	struct loc open = next(p)->loc;
	struct ptrvec alts = { 0 }, suffixes = { 0 };
	int i, j, k;

	enter(p);
	do {
		int from = alts.n, opt = 0, suf = 0;

		parse_pp_path(p, &alts);
		parse_pp_flags(p, &opt, &suf);
		for (i = from; i < alts.n; i++) {
			struct probe_point *a = alts.v[i];

			a->optional |= opt;
			a->sufficient |= suf;
		}
	} while (accept(p, T_COMMA));
	expect_close(p, T_RBRACE, open, T_LBRACE);
	leave(p);
	if (accept(p, T_DOT))
		parse_pp_path(p, &suffixes);
	else
		ptrvec_push(p->a, &suffixes, ARENA_NEW(p->a, struct probe_point));
	if ((long)alts.n * suffixes.n > 4096)
		error_at(p, open, "alternatives expand to more than 4096 probe points");
	for (i = 0; i < alts.n; i++)
		for (j = 0; j < suffixes.n; j++) {
			const struct probe_point *a = alts.v[i], *sx = suffixes.v[j];
			struct probe_point *pp = ARENA_NEW(p->a, struct probe_point);

			pp->loc = loc;
			for (k = 0; k < prefix->n; k++)
				ptrvec_push(p->a, &pp->comps, prefix->v[k]);
			for (k = 0; k < a->comps.n; k++)
				ptrvec_push(p->a, &pp->comps, a->comps.v[k]);
			for (k = 0; k < sx->comps.n; k++)
				ptrvec_push(p->a, &pp->comps, sx->comps.v[k]);
			pp->optional = a->optional | sx->optional;
			pp->sufficient = a->sufficient | sx->sufficient;
			ptrvec_push(p->a, out, pp);
		}
}

/* path -> component ('.' component)* ['.' alternatives]
 * One probe point, or several when a component is a complex alternative. */
static void parse_pp_path(struct parser *p, struct ptrvec *out)
{
	struct ptrvec comps = { 0 };
	struct loc loc = peek(p)->loc;
	struct probe_point *pp;

	for (;;) {
		if (peek_kind(p) == T_LBRACE && brace_is_complex(p)) {
			parse_pp_alternatives(p, &comps, loc, out);
			return;
		}
		ptrvec_push(p->a, &comps, parse_pp_component(p));
		if (!accept(p, T_DOT))
			break;
	}
	pp = ARENA_NEW(p->a, struct probe_point);
	pp->loc = loc;
	pp->comps = comps;
	ptrvec_push(p->a, out, pp);
}

/* probe_point -> path ['?' | '!'] [IF '(' expr ')'] */
static void parse_probe_point(struct parser *p, struct ptrvec *out)
{
	int from = out->n, opt = 0, suf = 0, i;
	struct expr *cond = NULL;

	parse_pp_path(p, out);
	parse_pp_flags(p, &opt, &suf);
	if (accept(p, K_IF))
		cond = parse_cond(p);
	for (i = from; i < out->n; i++) {
		struct probe_point *pp = out->v[i];

		pp->optional |= opt;
		pp->sufficient |= suf;
		pp->condition = cond;
	}
}

/* pp_list -> probe_point (',' probe_point)* */
static void parse_pp_list(struct parser *p, struct ptrvec *out)
{
	do
		parse_probe_point(p, out);
	while (accept(p, T_COMMA));
}

/* ---- top level ---- */

/* probe -> PROBE pp_list block
 *        | PROBE pp_list ('=' | '+=') pp_list block [',' block] */
static void parse_probe(struct parser *p)
{
	struct probe *pr = ARENA_NEW(p->a, struct probe);
	struct ptrvec first = { 0 };

	pr->loc = next(p)->loc;
	pr->from_library = p->is_library;
	parse_pp_list(p, &first);
	if (peek_kind(p) == T_ASSIGN || peek_kind(p) == T_ADD_ASSIGN) {
		pr->is_alias = 1;
		pr->alias_epilogue = next(p)->kind == T_ADD_ASSIGN;
		pr->alias_names = first;
		parse_pp_list(p, &pr->points);
	} else {
		pr->points = first;
	}
	if (peek_kind(p) != T_LBRACE)
		error_at(p, peek(p)->loc, "expected ',' or '{' after the probe point but "
			 "found %s", describe(p, peek(p)));
	/* a library's own probes (probe init { ... }) wait like alias bodies:
	 * pass 2 materializes them when it pulls the file in */
	pr->body = parse_body(p, &pr->deferred);
	if (pr->is_alias && peek_kind(p) == T_COMMA && peek_at(p, 1)->kind == T_LBRACE) {
		next(p);
		pr->epilogue_body = parse_body(p, &pr->deferred_epilogue);
	}
	ptrvec_push(p->a, &p->f->probes, pr);
}

/* type -> ':' ('long' | 'string') */
static enum type parse_type(struct parser *p)
{
	const struct token *t;
	const char *name;

	expect(p, T_COLON);
	t = peek(p);
	name = expect_ident(p, "a type name");
	if (!strcmp(name, "long"))
		return TY_LONG;
	if (!strcmp(name, "string"))
		return TY_STRING;
	error_at(p, t->loc, "unknown type '%s': expected 'long' or 'string'", name);
}

/* function -> FUNCTION NAME [type] '(' [param (',' param)*] ')' [':' NUM]
 *             (block | EMBEDDED)
 * param -> NAME [type] */
static void parse_function(struct parser *p, int is_private)
{
	struct func *fn = ARENA_NEW(p->a, struct func);
	struct loc open;

	next(p);
	fn->loc = peek(p)->loc;
	fn->name = expect_ident(p, "a function name");
	fn->is_private = is_private;
	fn->from_library = p->is_library;
	if (peek_kind(p) == T_COLON) {
		fn->ret_type_loc = peek_at(p, 1)->loc;
		fn->ret_type = parse_type(p);
	}
	open = expect(p, T_LPAREN)->loc;
	if (peek_kind(p) != T_RPAREN) {
		do {
			struct sym *s = ARENA_NEW(p->a, struct sym);

			s->loc = peek(p)->loc;
			s->name = expect_ident(p, "a parameter name");
			s->scope = SYM_PARAM;
			s->nkeys = -1;
			if (peek_kind(p) == T_COLON) {
				s->type_loc = peek_at(p, 1)->loc;
				s->type = parse_type(p);
			}
			ptrvec_push(p->a, &fn->params, s);
		} while (accept(p, T_COMMA));
	}
	expect_close(p, T_RPAREN, open, T_LPAREN);
	/* stap 4.x overload priority: lower runs first (sema_resolve.c) */
	if (peek_kind(p) == T_COLON && peek_at(p, 1)->kind == T_NUM) {
		next(p);
		fn->has_priority = 1;
		fn->priority = next(p)->num;
	}
	if (peek_kind(p) == T_EMBEDDED) {
		const char *code = next(p)->str;

		fn->embedded = code;
		fn->pragma_pure = strstr(code, "/* pure */") != NULL;
		fn->pragma_guru = strstr(code, "/* guru */") != NULL;
		fn->pragma_unprivileged = strstr(code, "/* unprivileged */") != NULL;
		fn->pragma_unmodified_fnargs = strstr(code, "/* unmodified-fnargs */") != NULL;
	} else if (peek_kind(p) == T_LBRACE) {
		fn->body = parse_body(p, &fn->deferred);
	} else {
		error_at(p, peek(p)->loc, "expected '{' or '%%{' to begin the body of "
			 "function '%s' but found %s", fn->name, describe(p, peek(p)));
	}
	ptrvec_push(p->a, &p->f->funcs, fn);
}

/* literal -> ['-'] NUM | string */
static struct expr *parse_literal(struct parser *p)
{
	const struct token *t = peek(p);
	struct expr *e;

	if (t->kind == T_STR)
		return parse_string(p);
	if (t->kind == T_MINUS && peek_at(p, 1)->kind == T_NUM) {
		e = new_expr(p, E_NUM, next(p)->loc);
		e->num = (int64_t)(0 - (uint64_t)next(p)->num);
		return e;
	}
	if (t->kind == T_NUM) {
		e = new_expr(p, E_NUM, t->loc);
		e->num = next(p)->num;
		return e;
	}
	error_at(p, t->loc, "expected a number or a string as the initial value but "
		 "found %s", describe(p, t));
}

/* global -> GLOBAL gdecl (',' gdecl)* | PRIVATE [GLOBAL] gdecl (',' gdecl)*
 * gdecl -> NAME ['%'] ['[' NUM ']'] ['%'] ['=' literal] */
static void parse_global(struct parser *p, int is_private)
{
	accept(p, K_GLOBAL);
	do {
		struct sym *s = ARENA_NEW(p->a, struct sym);
		struct global_decl *g = ARENA_NEW(p->a, struct global_decl);

		s->loc = peek(p)->loc;
		s->name = expect_ident(p, "a global variable name");
		s->scope = SYM_GLOBAL;
		s->nkeys = -1;
		s->is_private = is_private;
		if (accept(p, T_PERCENT))
			s->wrap = 1;
		if (peek_kind(p) == T_LBRACKET) {
			struct loc open = next(p)->loc;
			const struct token *n = peek(p);

			if (n->kind != T_NUM || n->num <= 0)
				error_at(p, n->loc, "expected a positive array size but found %s",
					 describe(p, n));
			s->max_entries = next(p)->num;
			s->is_array = 1;
			expect_close(p, T_RBRACKET, open, T_LBRACKET);
		}
		if (!s->wrap && accept(p, T_PERCENT))
			s->wrap = 1;
		if (s->wrap)
			s->is_array = 1;
		if (accept(p, T_ASSIGN))
			s->init = parse_literal(p);
		g->loc = s->loc;
		g->sym = s;
		g->file = p->f->file;
		ptrvec_push(p->a, &p->f->globals, g);
	} while (accept(p, T_COMMA));
	accept(p, T_SEMI);
}

/* Skip to the next token that can start a top-level declaration (@define
 * needs no stop: the preprocessor handles it wherever it is). */
static void resync(struct parser *p)
{
	for (;;) {
		switch (peek_kind(p)) {
		case T_EOF: case K_PROBE: case K_FUNCTION: case K_GLOBAL: case K_PRIVATE:
		case T_EMBEDDED:
			return;
		default:
			next(p);
		}
	}
}

/* file -> (probe | [PRIVATE] function | [PRIVATE] global | EMBEDDED | ';')* */
static void parse_toplevel(struct parser *p)
{
	const struct token *t = peek(p);

	switch (t->kind) {
	case K_PROBE:
		parse_probe(p);
		return;
	case K_FUNCTION:
		parse_function(p, 0);
		return;
	case K_GLOBAL:
		parse_global(p, 0);
		return;
	case K_PRIVATE:
		next(p);
		if (peek_kind(p) == K_FUNCTION)
			parse_function(p, 1);
		else if (peek_kind(p) == K_GLOBAL || peek_kind(p) == T_IDENT)
			parse_global(p, 1);
		else
			error_at(p, peek(p)->loc, "expected 'function', 'global' or a variable "
				 "name after 'private' but found %s", describe(p, peek(p)));
		return;
	case T_EMBEDDED: {
		struct loc *l = arena_alloc(p->a, sizeof(*l));

		*l = t->loc;
		ptrvec_push(p->a, &p->f->embedded, (void *)t->str);
		ptrvec_push(p->a, &p->f->embedded_locs, l);
		next(p);
		return;
	}
	case T_SEMI:
		next(p);
		return;
	default:
		error_at(p, t->loc, "expected 'probe', 'global', 'function' or '%%{' but "
			 "found %s", describe(p, t));
	}
}

struct file_ast *parse_file(struct program *prog, const struct src_file *src, int is_library)
{
	struct parser parser, *p = &parser;	/* on the stack: only the tree stays */
	int errors = diag.errors;

	memset(p, 0, sizeof(*p));
	p->prog = prog;
	p->a = p->tree = prog->arena;
	p->is_library = is_library;
	p->f = ARENA_NEW(p->a, struct file_ast);
	p->f->file = src;
	p->f->is_library = is_library;
	pp_init(&p->pp, prog, src, is_library);
	p->defer = is_library && !p->pp.is_stpm;
	if (p->defer) {
		p->scratch = &library_scratch;
		p->local = ARENA_NEW(p->a, struct macro_table *);
	}
	if (setjmp(p->recover)) {
		/* after an error: skip what cannot start a declaration */
		if (p->defer)
			use_scratch(p, 0);
		p->depth = 0;
		if (peek_kind(p) != T_EOF && !lex_is_keyword(peek_kind(p)))
			next(p);
		resync(p);
	}
	while (peek_kind(p) != T_EOF)
		parse_toplevel(p);
	if (p->defer) {
		*p->local = p->pp.local;
		/* the rare body that could not be deferred stays where it is:
		 * the program's arena takes over the scratch arena's chunks */
		if (p->scratch_kept)
			arena_adopt(p->tree, &library_scratch);
		else
			arena_reset(&library_scratch);
	}
	return diag.errors > errors ? NULL : p->f;
}
