/* lex.c - the stap tokenizer: one pass over the source buffer, no regex,
 * no allocation except for unescaped strings and embedded C. */
#include "lex.h"

#include <string.h>

const char *const tok_spelling[] = {
#define X(e, s) [e] = s,
	TOKEN_LIST(X)
#undef X
};

static const struct keyword {
	const char *name;
	unsigned char len;
	enum tok kind;
} keywords[] = {
#define X(e, s) { s, sizeof(s) - 1, e },
	KEYWORD_LIST(X)
#undef X
};

int lex_is_keyword(enum tok k)
{
	return k >= K_PROBE && k < T_COUNT;
}

/* Character classes as one table lookup each (built by lex_init).
 * stap identifiers may contain '$' after the first character. */
enum { CC_START = 1, CC_IDENT = 2, CC_SPACE = 4 };
static unsigned char char_class[256];

/* Keywords by a hash of first and last byte and length, open addressing:
 * one comparison for almost every identifier (this runs for each one). */
#define KEYWORD_SLOTS 64
static unsigned char keyword_slot[KEYWORD_SLOTS];	/* keywords[] index + 1 */

static unsigned keyword_hash(const char *s, size_t n)
{
	return ((unsigned char)s[0] * 7u + (unsigned char)s[n - 1] * 3u + (unsigned)n) %
	       KEYWORD_SLOTS;
}

static void char_class_init(void)
{
	size_t i;
	int c;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		unsigned h = keyword_hash(keywords[i].name, keywords[i].len);

		while (keyword_slot[h])
			h = (h + 1) % KEYWORD_SLOTS;
		keyword_slot[h] = (unsigned char)(i + 1);
	}

	for (c = 0; c < 256; c++) {
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

		char_class[c] = (unsigned char)((alpha ? CC_START | CC_IDENT : 0) |
			((c >= '0' && c <= '9') || c == '$' ? CC_IDENT : 0) |
			(c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'
			 ? CC_SPACE : 0));
	}
}

static int is_ident_start(int c)
{
	return char_class[c] & CC_START;
}

static int is_ident_char(int c)
{
	return char_class[c] & CC_IDENT;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static enum tok keyword_kind(const char *s, size_t n)
{
	unsigned h;

	if (n < 2 || n > 8)
		return T_IDENT;
	for (h = keyword_hash(s, n); keyword_slot[h]; h = (h + 1) % KEYWORD_SLOTS) {
		const struct keyword *k = &keywords[keyword_slot[h] - 1];

		size_t i;

		if (k->len != n)
			continue;
		for (i = 0; i < n && k->name[i] == s[i]; i++)	/* <= 8 bytes */
			;
		if (i == n)
			return k->kind;
	}
	return T_IDENT;
}

int lex_is_identifier(const char *s)
{
	const char *p = s;

	if (!char_class['a'])
		char_class_init();
	if (!is_ident_start((unsigned char)*p))
		return 0;
	while (is_ident_char((unsigned char)*p))
		p++;
	return !*p && keyword_kind(s, (size_t)(p - s)) == T_IDENT;
}

void lex_init(struct lexer *lx, struct arena *a, const struct src_file *src)
{
	if (!char_class['a'])
		char_class_init();
	lx->arena = a;
	lx->src = src;
	lx->p = src->text;
	lx->end = src->text + src->len;
	lx->line_start = src->text;
	lx->line = 1;
}

static struct loc loc_at(const struct lexer *lx, const char *p, int len)
{
	struct loc l = { lx->src, lx->line, (int)(p - lx->line_start) + 1, len };

	return l;
}

/* Advance over p..q, counting newlines. */
static void newlines(struct lexer *lx, const char *from, const char *to)
{
	while (from < to && (from = memchr(from, '\n', (size_t)(to - from)))) {
		lx->line++;
		lx->line_start = ++from;
	}
}

/* Skip whitespace and the three comment styles; returns whether any.
 * The text ends in a NUL (struct src_file), which is no space and no
 * comment: the loop stops there without comparing against lx->end. */
static int skip_space(struct lexer *lx)
{
	const char *p = lx->p, *start = p;

	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (char_class[c] & CC_SPACE) {
			p++;
		} else if (c == '\n') {
			p++;
			lx->line++;
			lx->line_start = p;
		} else if (p >= lx->end) {
			break;
		} else if (c == '#' || (c == '/' && p[1] == '/')) {
			p = memchr(p, '\n', (size_t)(lx->end - p));
			if (!p)
				p = lx->end;
		} else if (c == '/' && p[1] == '*') {
			const char *q = p + 2;

			/* jump from '*' to '*' until one is followed by '/' */
			while ((q = memchr(q, '*', (size_t)(lx->end - q))) && q + 1 < lx->end &&
			       q[1] != '/')
				q++;
			if (!q || q + 1 >= lx->end) {
				lx->p = p;
				diag_error(loc_at(lx, p, 2), "unterminated comment");
				newlines(lx, p, lx->end);
				p = lx->end;
				break;
			}
			newlines(lx, p, q);
			p = q + 2;
		} else {
			break;
		}
	}
	lx->p = p;
	return p != start;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The rarer tokens are scanned out of line (noinline), so that lex_next,
 * which runs for every token, stays small and cheap to enter. */

/* number -> decimal | 0x hex | 0 octal; values above 2^63 wrap, as stap's */
static __attribute__((noinline)) void scan_number(struct lexer *lx, struct token *t)
{
	const char *p = lx->p;
	uint64_t v = 0;
	int base = 10, overflow = 0, bad = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (hexval((unsigned char)*p) < 0)
			bad = 1;
	} else if (p[0] == '0') {
		base = 8;
	}
	for (;; p++) {
		int d = hexval((unsigned char)*p);

		if (d < 0 || (base == 10 && d > 9) || (base == 8 && d > 9))
			break;
		if (base == 8 && d > 7)
			bad = 1;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			overflow = 1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (is_ident_char((unsigned char)*p))
		bad = 1;
	while (is_ident_char((unsigned char)*p))
		p++;
	t->kind = T_NUM;
	t->num = (int64_t)v;
	t->loc = loc_at(lx, lx->p, (int)(p - lx->p));
	if (bad)
		diag_error(t->loc, "invalid number '%.*s'", t->loc.len, lx->p);
	else if (overflow)
		diag_error(t->loc, "number '%.*s' does not fit in 64 bits", t->loc.len,
			   lx->p);
	lx->p = p;
}

/* string -> '"' (char | escape)* '"'; escapes are C's */
static __attribute__((noinline)) void scan_string(struct lexer *lx, struct token *t)
{
	const char *start = lx->p, *p = start + 1;
	struct loc open = loc_at(lx, start, 1);
	char *out, *o;

	while (p < lx->end && *p != '"') {
		if (*p == '\\' && p + 1 < lx->end)
			p++;
		p++;
	}
	if (p >= lx->end) {
		diag_error(open, "unterminated string literal");
		p = lx->end;
	}
	out = o = arena_alloc(lx->arena, (size_t)(p - start));
	for (const char *q = start + 1; q < p; q++) {
		const char *esc = q;
		int c;

		if (*q != '\\') {
			*o++ = *q;
			continue;
		}
		c = (unsigned char)*++q;
		switch (c) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'a': *o++ = '\a'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'v': *o++ = '\v'; break;
		case '\\': case '"': case '\'': case '?': *o++ = (char)c; break;
		case '\n': break;	/* line continuation */
		case 'x': {
			int v = 0, n = 0;

			while (n < 2 && hexval((unsigned char)q[1]) >= 0)
				v = v * 16 + hexval((unsigned char)*++q), n++;
			if (!n) {
				struct loc l = open;

				l.col += (int)(esc - start);
				l.len = 2;
				diag_error(l, "'\\x' escape without hex digits");
			}
			*o++ = (char)v;
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				int v = c - '0', n = 1;

				while (n < 3 && q[1] >= '0' && q[1] <= '7')
					v = v * 8 + (*++q - '0'), n++;
				*o++ = (char)v;
			} else {
				/* stap passes unknown escapes through: "\{" is "{" */
				*o++ = (char)c;
			}
		}
	}
	*o = 0;
	t->kind = T_STR;
	t->str = out;
	t->loc = open;
	t->loc.len = (int)(p - start) + (p < lx->end);
	newlines(lx, start, p);
	lx->p = p < lx->end ? p + 1 : p;
}

/* embedded -> '%{' any text '%}' */
static __attribute__((noinline)) void scan_embedded(struct lexer *lx, struct token *t)
{
	const char *start = lx->p, *p = start + 2;

	t->loc = loc_at(lx, start, 2);
	/* from '%' to '%' until one is followed by '}' */
	while ((p = memchr(p, '%', (size_t)(lx->end - p))) && p + 1 < lx->end && p[1] != '}')
		p++;
	if (!p)
		p = lx->end;
	t->kind = T_EMBEDDED;
	if (p + 1 >= lx->end) {
		diag_error(t->loc, "unterminated embedded C block: no '%%}'");
		p = lx->end;
		t->str = arena_strndup(lx->arena, start + 2, (size_t)(p - start - 2));
	} else {
		t->str = arena_strndup(lx->arena, start + 2, (size_t)(p - start - 2));
		p += 2;
	}
	newlines(lx, start, p);
	lx->p = p;
}

/* Punctuators by leading character, longest first: a direct table
 * indexed by the first byte, so a token costs a few byte compares. */
struct punct {
	char s[4];
	unsigned char len;
	enum tok kind;
};
static const struct punct puncts[] = {
	{ "<<<", 3, T_STAT_ADD }, { "<<=", 3, T_SHL_ASSIGN }, { ">>=", 3, T_SHR_ASSIGN },
	{ "%(", 2, T_PP_OPEN }, { "%?", 2, T_PP_THEN }, { "%:", 2, T_PP_ELSE },
	{ "%)", 2, T_PP_CLOSE }, { "%=", 2, T_MOD_ASSIGN },
	{ "++", 2, T_INC }, { "+=", 2, T_ADD_ASSIGN }, { "--", 2, T_DEC },
	{ "-=", 2, T_SUB_ASSIGN }, { "->", 2, T_ARROW }, { "*=", 2, T_MUL_ASSIGN },
	{ "/=", 2, T_DIV_ASSIGN }, { "<<", 2, T_SHL }, { "<=", 2, T_LE }, { ">>", 2, T_SHR },
	{ ">=", 2, T_GE }, { "==", 2, T_EQ }, { "=~", 2, T_MATCH }, { "!=", 2, T_NE },
	{ "!~", 2, T_NOMATCH }, { "&&", 2, T_ANDAND }, { "&=", 2, T_AND_ASSIGN },
	{ "||", 2, T_OROR }, { "|=", 2, T_OR_ASSIGN }, { "^=", 2, T_XOR_ASSIGN },
	{ ".=", 2, T_CAT_ASSIGN },
	{ "(", 1, T_LPAREN }, { ")", 1, T_RPAREN }, { "[", 1, T_LBRACKET },
	{ "]", 1, T_RBRACKET }, { "{", 1, T_LBRACE }, { "}", 1, T_RBRACE },
	{ ",", 1, T_COMMA }, { ";", 1, T_SEMI }, { ":", 1, T_COLON },
	{ "?", 1, T_QUESTION }, { ".", 1, T_DOT }, { "+", 1, T_PLUS }, { "-", 1, T_MINUS },
	{ "*", 1, T_STAR }, { "/", 1, T_SLASH }, { "%", 1, T_PERCENT }, { "&", 1, T_AMP },
	{ "|", 1, T_PIPE }, { "^", 1, T_CARET }, { "~", 1, T_TILDE }, { "!", 1, T_BANG },
	{ "=", 1, T_ASSIGN }, { "<", 1, T_LT }, { ">", 1, T_GT },
};
#define NPUNCT (sizeof(puncts) / sizeof(puncts[0]))

/* per leading byte: the indices of its punctuators, longest first, -1 ended */
static signed char punct_by_char[256][8];
static int punct_ready;

static void punct_init(void)
{
	size_t i;
	int n[256] = { 0 };

	memset(punct_by_char, -1, sizeof(punct_by_char));
	for (i = 0; i < NPUNCT; i++) {
		unsigned char c = (unsigned char)puncts[i].s[0];

		punct_by_char[c][n[c]++] = (signed char)i;
	}
	punct_ready = 1;
}

void lex_next(struct lexer *lx, struct token *t)
{
	const char *p;
	int c;

again:
	t->space_before = skip_space(lx) || lx->p == lx->src->text;
	p = lx->p;
	t->num = 0;		/* and str = NULL */
	t->text = p;
	if (p >= lx->end) {
		t->kind = T_EOF;
		t->loc = loc_at(lx, p, 1);
		return;
	}
	c = (unsigned char)*p;
	if (is_ident_start(c)) {
		const char *q = p + 1;

		while (is_ident_char((unsigned char)*q))
			q++;
		t->kind = keyword_kind(p, (size_t)(q - p));
		t->loc = loc_at(lx, p, (int)(q - p));
		lx->p = q;
		return;
	}
	if (is_digit(c)) {
		scan_number(lx, t);
		return;
	}
	if (c == '"') {
		scan_string(lx, t);
		return;
	}
	if ((c == '$' || c == '@') && (is_digit((unsigned char)p[1]) || p[1] == '#')) {
		const char *q = p + 1;
		int64_t n = -1;

		if (*q == '#') {
			q++;
		} else {
			for (n = 0; is_digit((unsigned char)*q) && n < 100000; q++)
				n = n * 10 + (*q - '0');
		}
		t->kind = c == '$' ? T_ARG : T_ATARG;
		t->num = n;
		t->loc = loc_at(lx, p, (int)(q - p));
		lx->p = q;
		return;
	}
	if (c == '$' || c == '@') {
		const char *q = p + 1;

		while (is_ident_char((unsigned char)*q))
			q++;
		/* a lone "$" or "$$" is the pretty suffix of $x[2]$ (parser) */
		if (c == '@' && !is_ident_start((unsigned char)p[1])) {
			t->loc = loc_at(lx, p, 1);
			diag_error(t->loc, "stray '%c' in program", c);
			lx->p = p + 1;
			goto again;
		}
		t->kind = c == '$' ? T_TARGET : T_AT;
		t->loc = loc_at(lx, p, (int)(q - p));
		lx->p = q;
		return;
	}
	if (c == '%' && p[1] == '{') {
		scan_embedded(lx, t);
		return;
	}
	if (!punct_ready)
		punct_init();
	for (const signed char *ix = punct_by_char[c]; *ix >= 0; ix++) {
		const struct punct *pu = &puncts[*ix];

		if (pu->len == 1 || (p[1] == pu->s[1] && (pu->len == 2 || p[2] == pu->s[2]))) {
			t->kind = pu->kind;
			t->loc = loc_at(lx, p, pu->len);
			lx->p = p + pu->len;
			return;
		}
	}
	t->loc = loc_at(lx, p, 1);
	if (c >= 0x20 && c < 0x7f)
		diag_error(t->loc, "stray '%c' in program", c);
	else
		diag_error(t->loc, "stray '\\%o' in program", c);
	lx->p = p + 1;
	goto again;
}
