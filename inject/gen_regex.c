/* gen_regex.c - pass 3: compile the literal regular expression of
 * s =~ "re" into a program for the runtime's Pike VM (lang_regex.h).
 *
 * The syntax is POSIX extended, as stap's: alternation |, concatenation,
 * * + ? {m} {m,} {m,n}, ( ), ., [ ] with ranges, negation and [:class:],
 * anchors ^ $, and \ quoting the next character (\n \t \r \f \v \a too).
 *
 * regex  -> branch ('|' branch)*
 * branch -> piece*
 * piece  -> atom ('*' | '+' | '?' | '{' m [',' [n]] '}')*
 * atom   -> '(' regex ')' | '.' | '^' | '$' | bracket | '\' char | char
 *
 * When the program calls matched() or ngroups() (tapsets/regex.stp), the
 * programs also record where the whole match and each parenthesized
 * group start and end (STP_RE_SAVE into slots 2k and 2k+1 for group k,
 * 0 the whole match), and the runtime keeps the last match per context.
 */
#include "gen_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RE_MAX 511	/* one less than STP_RE_MAX: the VM's closure stack */
#define RE_REPEAT_MAX 255
#define RE_GROUPS 16	/* STP_RE_GROUPS: groups matched() can see, the whole match included */

enum re_kind { R_CHAR, R_ANY, R_CLASS, R_BOL, R_EOL, R_CAT, R_ALT, R_REPEAT, R_EMPTY, R_GROUP };

/* the runtime's opcodes (enum stp_re_op), by name */
enum { OP_CHAR, OP_ANY, OP_CLASS, OP_SPLIT, OP_JMP, OP_BOL, OP_EOL, OP_MATCH, OP_SAVE };

struct re_node {
	enum re_kind kind;
	int c;			/* R_CHAR; R_CLASS: class index; R_GROUP: its number */
	int min, max;		/* R_REPEAT; max -1: unbounded */
	struct re_node *a, *b;
};

struct re_parser {
	struct gen *g;
	const char *p, *start;
	const char *error;
	struct ptrvec classes;	/* uint32_t[8] each */
	int ngroups;		/* parenthesized groups so far */
};

struct re_inst {
	int op, c, x, y;
};

struct re_prog {
	struct re_inst in[RE_MAX + 1];
	int n;
	int overflow;
	int groups;		/* record group positions (STP_RE_SAVE) */
};

static struct re_node *node(struct re_parser *P, enum re_kind k, struct re_node *a,
			    struct re_node *b)
{
	struct re_node *n = ARENA_NEW(P->g->a, struct re_node);

	n->kind = k;
	n->a = a;
	n->b = b;
	return n;
}

static struct re_node *parse_regex(struct re_parser *P);

static int escape_char(int c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'v': return '\v';
	case 'a': return '\a';
	default: return c;
	}
}

/* [:name:] into set; 0 when name is not a POSIX class */
static int add_named_class(uint32_t *set, const char *name, size_t len)
{
	static const struct {
		const char *name;
		int (*fn)(int);
	} named[] = {
		{ "alpha", isalpha }, { "digit", isdigit }, { "alnum", isalnum },
		{ "upper", isupper }, { "lower", islower }, { "space", isspace },
		{ "punct", ispunct }, { "print", isprint }, { "graph", isgraph },
		{ "cntrl", iscntrl }, { "xdigit", isxdigit }, { "blank", isblank },
	};
	size_t i;
	int ch;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strlen(named[i].name) != len || strncmp(named[i].name, name, len))
			continue;
		for (ch = 0; ch < 128; ch++)
			if (named[i].fn(ch))
				set[ch >> 5] |= 1u << (ch & 31);
		return 1;
	}
	return 0;
}

/* bracket -> '[' ['^'] [']'] item* ']' ; item -> c ['-' c] | '[:' name ':]' */
static struct re_node *parse_bracket(struct re_parser *P)
{
	uint32_t *set = arena_alloc(P->g->a, sizeof(uint32_t) * 8);
	int negate = 0, first = 1, i;
	struct re_node *n;

	P->p++;		/* [ */
	if (*P->p == '^') {
		negate = 1;
		P->p++;
	}
	while (*P->p && (*P->p != ']' || first)) {
		int lo = (unsigned char)*P->p, hi;

		first = 0;
		if (P->p[0] == '[' && P->p[1] == ':') {
			const char *end = strstr(P->p + 2, ":]");

			if (!end || !add_named_class(set, P->p + 2, (size_t)(end - P->p - 2))) {
				P->error = "unknown character class";
				return NULL;
			}
			P->p = end + 2;
			continue;
		}
		P->p++;
		hi = lo;
		if (P->p[0] == '-' && P->p[1] && P->p[1] != ']') {
			hi = (unsigned char)P->p[1];
			P->p += 2;
			if (hi < lo) {
				P->error = "invalid range in bracket expression";
				return NULL;
			}
		}
		for (i = lo; i <= hi; i++)
			set[i >> 5] |= 1u << (i & 31);
	}
	if (*P->p != ']') {
		P->error = "unterminated bracket expression";
		return NULL;
	}
	P->p++;
	if (negate) {
		for (i = 0; i < 8; i++)
			set[i] = ~set[i];
		set[0] &= ~1u;	/* never the terminating NUL */
	}
	n = node(P, R_CLASS, NULL, NULL);
	n->c = P->classes.n;
	ptrvec_push(P->g->a, &P->classes, set);
	return n;
}

static struct re_node *parse_atom(struct re_parser *P)
{
	struct re_node *n;
	int c = (unsigned char)*P->p;

	switch (c) {
	case '(':
		P->p++;
		c = ++P->ngroups;
		n = parse_regex(P);
		if (!n)
			return NULL;
		if (*P->p != ')') {
			P->error = "unmatched '('";
			return NULL;
		}
		P->p++;
		n = node(P, R_GROUP, n, NULL);
		n->c = c;
		return n;
	case '.':
		P->p++;
		return node(P, R_ANY, NULL, NULL);
	case '^':
		P->p++;
		return node(P, R_BOL, NULL, NULL);
	case '$':
		P->p++;
		return node(P, R_EOL, NULL, NULL);
	case '[':
		return parse_bracket(P);
	case '\\':
		if (!P->p[1]) {
			P->error = "trailing backslash";
			return NULL;
		}
		c = escape_char((unsigned char)P->p[1]);
		P->p += 2;
		break;
	case '*':
	case '+':
	case '?':
	case '{':
		P->error = "repetition operator without an operand";
		return NULL;
	default:
		P->p++;
	}
	n = node(P, R_CHAR, NULL, NULL);
	n->c = c;
	return n;
}

static int parse_count(struct re_parser *P)
{
	int v = 0;

	if (!isdigit((unsigned char)*P->p))
		return -1;
	while (isdigit((unsigned char)*P->p)) {
		v = v * 10 + (*P->p++ - '0');
		if (v > RE_REPEAT_MAX)
			return -2;
	}
	return v;
}

static struct re_node *parse_piece(struct re_parser *P)
{
	struct re_node *n = parse_atom(P), *r;

	while (n && *P->p && strchr("*+?{", *P->p)) {
		r = node(P, R_REPEAT, n, NULL);
		switch (*P->p++) {
		case '*':
			r->min = 0, r->max = -1;
			break;
		case '+':
			r->min = 1, r->max = -1;
			break;
		case '?':
			r->min = 0, r->max = 1;
			break;
		default:
			r->min = parse_count(P);
			r->max = r->min;
			if (*P->p == ',') {
				P->p++;
				r->max = *P->p == '}' ? -1 : parse_count(P);
			}
			if (r->min < 0 || (r->max < 0 && r->max != -1) || *P->p != '}' ||
			    (r->max >= 0 && r->max < r->min)) {
				P->error = "invalid repetition count";
				return NULL;
			}
			P->p++;
		}
		n = r;
	}
	return n;
}

static struct re_node *parse_branch(struct re_parser *P)
{
	struct re_node *n = node(P, R_EMPTY, NULL, NULL), *piece;

	while (*P->p && *P->p != '|' && *P->p != ')') {
		piece = parse_piece(P);
		if (!piece)
			return NULL;
		n = n->kind == R_EMPTY ? piece : node(P, R_CAT, n, piece);
	}
	return n;
}

static struct re_node *parse_regex(struct re_parser *P)
{
	struct re_node *n = parse_branch(P);

	while (n && *P->p == '|') {
		struct re_node *b;

		P->p++;
		b = parse_branch(P);
		if (!b)
			return NULL;
		n = node(P, R_ALT, n, b);
	}
	return n;
}

static int emit(struct re_prog *pr, int op, int c, int x, int y)
{
	if (pr->n >= RE_MAX) {
		pr->overflow = 1;
		return pr->n;
	}
	pr->in[pr->n] = (struct re_inst){ op, c, x, y };
	return pr->n++;
}

/* The program of a node; instruction numbers are absolute. */
static void compile(struct re_prog *pr, const struct re_node *n)
{
	int split, jmp, i, top;

	if (pr->overflow)
		return;
	switch (n->kind) {
	case R_EMPTY:
		return;
	case R_CHAR:
		emit(pr, OP_CHAR, n->c, 0, 0);
		return;
	case R_ANY:
		emit(pr, OP_ANY, 0, 0, 0);
		return;
	case R_CLASS:
		emit(pr, OP_CLASS, 0, n->c, 0);
		return;
	case R_BOL:
		emit(pr, OP_BOL, 0, 0, 0);
		return;
	case R_EOL:
		emit(pr, OP_EOL, 0, 0, 0);
		return;
	case R_GROUP:
		if (pr->groups)
			emit(pr, OP_SAVE, 0, 2 * n->c, 0);
		compile(pr, n->a);
		if (pr->groups)
			emit(pr, OP_SAVE, 0, 2 * n->c + 1, 0);
		return;
	case R_CAT:
		compile(pr, n->a);
		compile(pr, n->b);
		return;
	case R_ALT:
		split = emit(pr, OP_SPLIT, 0, 0, 0);
		pr->in[split].x = pr->n;
		compile(pr, n->a);
		jmp = emit(pr, OP_JMP, 0, 0, 0);
		pr->in[split].y = pr->n;
		compile(pr, n->b);
		pr->in[jmp].x = pr->n;
		return;
	case R_REPEAT:
		for (i = 0; i < n->min; i++)
			compile(pr, n->a);
		if (n->max < 0) {
			/* top: split body, out; body; jmp top */
			top = emit(pr, OP_SPLIT, 0, 0, 0);
			pr->in[top].x = pr->n;
			compile(pr, n->a);
			emit(pr, OP_JMP, 0, top, 0);
			pr->in[top].y = pr->n;
			return;
		}
		for (i = n->min; i < n->max; i++) {
			split = emit(pr, OP_SPLIT, 0, 0, 0);
			pr->in[split].x = pr->n;
			compile(pr, n->a);
			pr->in[split].y = pr->n;
		}
		return;
	}
}

static const char *const re_ops[] = {
	"STP_RE_CHAR", "STP_RE_ANY", "STP_RE_CLASS", "STP_RE_SPLIT",
	"STP_RE_JMP", "STP_RE_BOL", "STP_RE_EOL", "STP_RE_MATCH", "STP_RE_SAVE",
};

/* Does the program read its matches back (matched(), ngroups())? The
 * optimiser has dropped the functions nobody calls. */
static int wants_groups(const struct gen *g)
{
	int i;

	for (i = 0; i < g->prog->funcs.n; i++) {
		const struct func *f = g->prog->funcs.v[i];

		if (!strcmp(f->name, "matched") || !strcmp(f->name, "ngroups"))
			return 1;
	}
	return 0;
}

const char *gen_regex(struct gen *g, const struct expr *re)
{
	struct re_parser P = { .g = g };
	struct re_prog *pr;
	struct re_node *n;
	const char *name;
	int i, k;

	if (re->kind != E_STR) {
		diag_error(re->loc, "a regular expression must be a literal string");
		g->failed = 1;
		return NULL;
	}
	P.p = P.start = re->str;
	n = parse_regex(&P);
	if (n && *P.p) {
		P.error = "unmatched ')'";
		n = NULL;
	}
	if (!n) {
		diag_error(re->loc, "invalid regular expression '%s': %s", re->str, P.error);
		g->failed = 1;
		return NULL;
	}
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		INTERNAL_ERROR("out of memory");
	pr->groups = wants_groups(g);
	if (pr->groups && P.ngroups >= RE_GROUPS) {
		diag_error(re->loc, "regular expression '%s' has too many groups for matched() "
			   "(more than %d)", re->str, RE_GROUPS - 1);
		g->failed = 1;
		free(pr);
		return NULL;
	}
	if (pr->groups)
		emit(pr, OP_SAVE, 0, 0, 0);
	compile(pr, n);
	if (pr->groups)
		emit(pr, OP_SAVE, 0, 1, 0);
	emit(pr, OP_MATCH, 0, 0, 0);
	if (pr->overflow) {
		diag_error(re->loc, "regular expression '%s' is too large (more than %d "
			   "instructions)", re->str, RE_MAX);
		g->failed = 1;
		free(pr);
		return NULL;
	}
	name = gen_fmt(g, "stp_re_%d", g->nregex++);
	fprintf(g->regex_defs, "/* %s */\n", gen_c_string(g, re->str));
	if (P.classes.n) {
		fprintf(g->regex_defs, "static const u32 %s_classes[][8] = {\n", name);
		for (i = 0; i < P.classes.n; i++) {
			const uint32_t *set = P.classes.v[i];

			fprintf(g->regex_defs, "\t{");
			for (k = 0; k < 8; k++)
				fprintf(g->regex_defs, " 0x%08x,", set[k]);
			fprintf(g->regex_defs, " },\n");
		}
		fprintf(g->regex_defs, "};\n");
	}
	fprintf(g->regex_defs, "static const struct stp_re_inst %s_prog[] = {\n", name);
	for (i = 0; i < pr->n; i++)
		fprintf(g->regex_defs, "\t{ %s, %d, %d, %d },\n", re_ops[pr->in[i].op],
			pr->in[i].c, pr->in[i].x, pr->in[i].y);
	fprintf(g->regex_defs, "};\n");
	fprintf(g->regex_defs, "static const struct stp_regex %s = { %s_prog, %d, %s, %d };\n\n",
		name, name, pr->n, P.classes.n ? gen_fmt(g, "%s_classes", name) : "NULL",
		pr->groups ? P.ngroups + 1 : 0);
	/* the runtime allocates the group positions only for such a program
	 * (a tentative definition in lang_regex.h, completed here once) */
	if (pr->groups)
		fprintf(g->regex_defs, "#ifndef STP_RE_WANT_GROUPS\n#define STP_RE_WANT_GROUPS\n"
			"static int stp_re_want_groups = 1;\n#endif\n\n");
	free(pr);
	return name;
}
