/* preproc.c - the stap preprocessor: a token filter between lex.c and
 * parse.c.
 *
 * Input is a stack of frames: the file's lexer at the bottom, above it the
 * token lists of macro bodies and macro arguments being expanded, and
 * lexers over script arguments substituted as code ($1). A token read from
 * a macro body carries that expansion's environment, so @param inside it
 * finds the argument tokens; argument tokens carry the caller's environment.
 */
#include "preproc.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES 256		/* macro nesting limit */
#define MAX_NAME 127		/* bytes of an @name that a lookup compares */
#define MAX_EXPANSION (1 << 20)	/* tokens macros may produce per file: the
				 * whole Debian library has 430000 tokens, and
				 * @sq(@sq(@sq(...))) doubles at each level */
/* Buckets of the global table (.stpm macros: the library's 1600, looked up
 * for every @name: short chains) and of a file's own table (a handful each;
 * 355 of Debian's files have one, so a big table each would be 700 KB of
 * the program's arena). Powers of 2. */
#define GLOBAL_BUCKETS 2048
#define LOCAL_BUCKETS 16

struct macro {
	struct macro *next;
	const char *name;
	size_t len;			/* of name */
	unsigned hash;			/* hash_name(name, len) */
	struct loc loc;
	struct ptrvec params;		/* const char * names, without '@' */
	struct token *body;
	int nbody;
};

struct macro_table {
	unsigned mask;			/* buckets - 1 */
	struct macro *bucket[];
};

/* A macro expansion in progress: the macro and its argument token lists. */
struct pp_env {
	const struct macro *m;
	struct token **args;
	int *nargs;
	const struct pp_env *caller;	/* environment the arguments came from */
};

static const struct token *frame_token(const struct pp_frame *f, int i)
{
	return f->toks ? &f->toks[i] : &f->one;
}

static unsigned hash_name(const char *s, size_t n)
{
	unsigned h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct macro_table *macro_table_new(struct arena *a, unsigned buckets)
{
	struct macro_table *t = arena_alloc(a, sizeof(*t) + sizeof(t->bucket[0]) * buckets);

	t->mask = buckets - 1;
	return t;
}

/* name: n bytes, not NUL-terminated; h = hash_name(name, n) */
static struct macro *macro_find(const struct macro_table *t, const char *name, size_t n,
				unsigned h)
{
	struct macro *m;

	if (!t)
		return NULL;
	for (m = t->bucket[h & t->mask]; m; m = m->next)
		if (m->hash == h && m->len == n && !memcmp(m->name, name, n))
			return m;
	return NULL;
}

static void macro_add(struct macro_table *t, struct macro *m)
{
	unsigned b = m->hash & t->mask;

	m->next = t->bucket[b];
	t->bucket[b] = m;
}

static const char *tok_name(struct arena *a, const struct token *t)
{
	return arena_strndup(a, t->text, (size_t)t->loc.len);
}

/* Room for one more frame; the stack starts in struct pp (PP_FRAMES, no
 * allocation for the ordinary file) and doubles in the arena beyond. */
static int grow_frames(struct pp *pp)
{
	struct pp_frame *nf;
	int cap = pp->frames_cap * 2;

	if (pp->nframes < pp->frames_cap)
		return 0;
	if (pp->frames_cap >= MAX_FRAMES)
		return -1;
	nf = arena_alloc(pp->arena, sizeof(*nf) * (size_t)cap);
	if (pp->nframes)
		memcpy(nf, pp->frames, sizeof(*nf) * (size_t)pp->nframes);
	pp->frames = nf;
	pp->frames_cap = cap;
	return 0;
}

static int push_lexer(struct pp *pp, const struct src_file *src)
{
	struct pp_frame *f;

	if (grow_frames(pp)) {
		diag_error((struct loc){ src, 1, 1, 1 }, "script arguments nested too deeply");
		return -1;
	}
	f = &pp->frames[pp->nframes++];
	memset(f, 0, sizeof(*f));
	f->is_lexer = 1;
	lex_init(&f->lx, pp->arena, src);
	return 0;
}

static int push_tokens(struct pp *pp, const struct token *toks, int n,
		       const struct pp_env *env, struct loc where)
{
	struct pp_frame *f;

	if (grow_frames(pp)) {
		diag_error(where, "macro expansion nested too deeply (recursive macro?)");
		return -1;
	}
	f = &pp->frames[pp->nframes++];
	/* every field a token frame reads (no memset: 40000 of these per
	 * library load; 'one' is filled by unread) */
	f->is_lexer = 0;
	f->toks = toks;
	f->n = n;
	f->i = 0;
	f->env = env;
	pp->expanded += n;
	return 0;
}

void pp_init(struct pp *pp, struct program *prog, const struct src_file *src,
	     int is_library)
{
	size_t n = strlen(src->name);

	memset(pp, 0, sizeof(*pp));
	pp->prog = prog;
	pp->arena = prog->arena;
	pp->frames = pp->first_frames;
	pp->frames_cap = PP_FRAMES;
	pp->is_stpm = is_library && n > 5 && !strcmp(src->name + n - 5, ".stpm");
	if (!prog->macros)
		prog->macros = macro_table_new(pp->arena, GLOBAL_BUCKETS);
	push_lexer(pp, src);
}

void pp_init_at(struct pp *pp, struct program *prog, const struct src_file *src,
		struct macro_table *local, const char *at, int line, const char *line_start)
{
	struct lexer *lx;

	pp_init(pp, prog, src, 1);
	pp->local = local;
	lx = &pp->frames[0].lx;
	lx->p = at;
	lx->line = line;
	lx->line_start = line_start;
}

/* The next token with no expansion at all (sets pp->env). Forced inline
 * into pp_next, which runs for every token the parser sees. */
static inline __attribute__((always_inline)) void raw_next_inline(struct pp *pp,
								  struct token *t)
{
	for (;;) {
		struct pp_frame *f = &pp->frames[pp->nframes - 1];

		if (f->is_lexer) {
			lex_next(&f->lx, t);
			if (t->kind == T_EOF && pp->nframes > 1) {
				pp->nframes--;
				continue;
			}
			pp->env = NULL;
			return;
		}
		if (f->i < f->n) {
			*t = *frame_token(f, f->i++);
			pp->env = f->env;
			return;
		}
		pp->nframes--;
	}
}

static void raw_next(struct pp *pp, struct token *t)
{
	raw_next_inline(pp, t);
}

/* The kind of the next raw token, without consuming it. */
static enum tok raw_peek_kind(struct pp *pp)
{
	int i;

	for (i = pp->nframes - 1; i >= 0; i--) {
		struct pp_frame *f = &pp->frames[i];

		if (f->is_lexer) {
			struct lexer saved = f->lx;
			struct token t;

			lex_next(&f->lx, &t);	/* a lexical error is reported once */
			f->lx = saved;
			if (t.kind == T_EOF && i > 0)
				continue;
			return t.kind;
		}
		if (f->i < f->n)
			return frame_token(f, f->i)->kind;
	}
	return T_EOF;
}

/* Put a token read ahead back: as a one-token frame, so that expansions
 * pushed after this still come before it. */
static void unread(struct pp *pp, const struct token *t, const struct pp_env *env)
{
	struct token copy = *t;	/* t may point into the frame stack */

	if (push_tokens(pp, NULL, 1, env, t->loc) == 0)
		pp->frames[pp->nframes - 1].one = copy;
}

/* ---- conditionals ---- */

/* Compare dotted versions field by field, numbers numerically. */
/* The digits at *s as a number, saturating like strtoul; *s moves past them.
 * By hand: strtoul's locale and sign handling cost more than the library's
 * 8000 kernel_v comparisons need. */
static unsigned long version_field(const char **s)
{
	unsigned long v = 0;

	for (; **s >= '0' && **s <= '9'; (*s)++) {
		unsigned d = (unsigned)(**s - '0');

		v = v > (ULONG_MAX - d) / 10 ? ULONG_MAX : v * 10 + d;
	}
	return v;
}

static int version_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			unsigned long x = version_field(&a);
			unsigned long y = version_field(&b);

			if (x != y)
				return x < y ? -1 : 1;
		} else {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++, b++;
		}
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int cmp_result(enum tok op, int c)
{
	switch (op) {
	case T_EQ: return c == 0;
	case T_NE: return c != 0;
	case T_LT: return c < 0;
	case T_LE: return c <= 0;
	case T_GT: return c > 0;
	case T_GE: return c >= 0;
	default: return 0;
	}
}

/* String equality with glob patterns on the right (arch == "i?86"). */
static int glob_cmp(enum tok op, const char *l, const char *r, int versions)
{
	if ((op == T_EQ || op == T_NE) && strpbrk(r, "*?[")) {
		int m = fnmatch(r, l, 0) == 0;

		return op == T_EQ ? m : !m;
	}
	return cmp_result(op, versions ? version_cmp(l, r) : strcmp(l, r));
}

static int pp_expand_at(struct pp *pp, const struct token *t);

/* Tokens of a condition: raw, but macros expand (%( @_IS_X %? ...). */
static void cond_next(struct pp *pp, struct token *t)
{
	for (;;) {
		raw_next(pp, t);
		if (t->kind != T_AT || !pp_expand_at(pp, t))
			return;
	}
}

/* One side of a condition: a number or a string. */
struct pp_value {
	int is_num;
	int64_t num;
	const char *str;
	int is_version;		/* kernel_v, kernel_vr, systemtap_v */
	struct loc loc;
};

static const char *config_value(const struct pp *pp, const char *name)
{
	const struct target_info *ti = pp->prog->target;
	const char *v;
	size_t n;

	if (!ti || !ti->config || !(v = ti->config(ti->config_ctx, name)))
		return "";
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return arena_strndup(pp->arena, v + 1, n - 2);
	return v;
}

static const char *kernel_v(struct pp *pp, const char *vr)
{
	size_t n = strcspn(vr, "-");

	return arena_strndup(pp->arena, vr, n);
}

static int64_t parse_int(const char *s, int *ok)
{
	char *end;
	long long v = strtoll(s, &end, 0);

	*ok = *s && !*end;
	return v;
}

/* operand -> kernel_v | kernel_vr | arch | runtime | systemtap_v
 *          | systemtap_privilege | guru_mode | CONFIG_X | NUM | '-' NUM
 *          | STR | $# | @# | $N | @N */
static int pp_operand(struct pp *pp, struct pp_value *v)
{
	const struct target_info *ti = pp->prog->target;
	struct token t;
	int nargs = pp->prog->script_args.n;

	memset(v, 0, sizeof(*v));
	cond_next(pp, &t);
	v->loc = t.loc;
	switch (t.kind) {
	case T_NUM:
		v->is_num = 1;
		v->num = t.num;
		return 0;
	case T_MINUS: {
		struct token n;

		cond_next(pp, &n);
		if (n.kind != T_NUM) {
			diag_error(n.loc, "expected a number after '-' in preprocessor condition");
			return -1;
		}
		v->is_num = 1;
		v->num = (int64_t)(0 - (uint64_t)n.num);
		return 0;
	}
	case T_STR:
		v->str = t.str;
		return 0;
	case T_ARG:
	case T_ATARG:
		if (t.num < 0) {
			v->is_num = t.kind == T_ARG;
			v->num = nargs;
			v->str = arena_printf(pp->arena, "%d", nargs);
			return 0;
		}
		if (t.num < 1 || t.num > nargs) {
			diag_error(t.loc, "command line argument index %ld out of range [1-%d]",
				   (long)t.num, nargs);
			return -1;
		}
		v->str = pp->prog->script_args.v[t.num - 1];
		if (t.kind == T_ARG) {
			int ok;

			v->num = parse_int(v->str, &ok);
			v->is_num = ok;
		}
		return 0;
	case T_IDENT: {
		const char *name = tok_name(pp->arena, &t);
		size_t n = (size_t)t.loc.len;
		const char *rel = ti && ti->kernel_release ? ti->kernel_release : "";

/* a length check and a memcmp: this runs for most %( conditions */
#define NAME_IS(s) (n == sizeof(s) - 1 && !memcmp(name, s, n))
		if (NAME_IS("kernel_v")) {
			v->str = kernel_v(pp, rel);
			v->is_version = 1;
		} else if (NAME_IS("kernel_vr")) {
			v->str = rel;
			v->is_version = 1;
		} else if (NAME_IS("arch")) {
			v->str = ti && ti->arch ? ti->arch : "";
		} else if (NAME_IS("runtime")) {
			v->str = ti && ti->runtime ? ti->runtime : "kernel";
		} else if (NAME_IS("systemtap_v")) {
			v->str = ti && ti->systemtap_version ? ti->systemtap_version : "4.8";
			v->is_version = 1;
		} else if (NAME_IS("systemtap_privilege")) {
			v->str = ti && ti->privilege ? ti->privilege : "stapdev";
		} else if (NAME_IS("guru_mode")) {
			v->is_num = 1;
			v->num = (ti && ti->guru_mode) || pp->prog->guru;
		} else if (!strncmp(name, "CONFIG_", 7)) {
			int ok;

			v->str = config_value(pp, name);
			v->num = parse_int(v->str, &ok);
			v->is_num = ok && *v->str;
		} else {
			diag_error(t.loc, "unknown preprocessor variable '%s'", name);
			return -1;
		}
#undef NAME_IS
		return 0;
	}
	default:
		diag_error(t.loc, "expected a preprocessor operand but found '%.*s'",
			   t.loc.len, t.text);
		unread(pp, &t, pp->env);
		return -1;
	}
}

static int pp_condition(struct pp *pp);
/* atom -> '(' condition ')' | operand [op operand] */
static int pp_atom(struct pp *pp)
{
	struct pp_value l, r;
	struct token t;
	enum tok op;

	cond_next(pp, &t);
	if (t.kind == T_LPAREN) {
		int v;

		if (pp->cond_depth >= 1000) {	/* no stack overflow on ((((... */
			diag_error(t.loc, "preprocessor condition nested too deeply");
			pp->cond_bail = 1;
			return -1;
		}
		pp->cond_depth++;
		v = pp_condition(pp);
		pp->cond_depth--;
		if (pp->cond_bail)	/* unwinding: the caller skips to '%?' */
			return -1;
		cond_next(pp, &t);
		if (t.kind != T_RPAREN) {
			diag_error(t.loc, "expected ')' in preprocessor condition but found '%.*s'",
				   t.loc.len, t.text);
			unread(pp, &t, pp->env);
			return -1;
		}
		return v;
	}
	unread(pp, &t, pp->env);
	if (pp_operand(pp, &l))
		return -1;
	cond_next(pp, &t);
	op = t.kind;
	if (op != T_EQ && op != T_NE && op != T_LT && op != T_LE && op != T_GT &&
	    op != T_GE) {
		unread(pp, &t, pp->env);
		/* a bare operand is true when nonzero / nonempty */
		return l.is_num ? l.num != 0 : (l.str && *l.str);
	}
	if (pp_operand(pp, &r))
		return -1;
	if (l.is_num && r.is_num)
		return cmp_result(op, l.num < r.num ? -1 : l.num > r.num);
	if (l.is_num && !l.str)
		l.str = arena_printf(pp->arena, "%lld", (long long)l.num);
	if (r.is_num && !r.str)
		r.str = arena_printf(pp->arena, "%lld", (long long)r.num);
	if (l.is_num && r.str && !r.is_num) {
		diag_error(r.loc, "cannot compare a number with a string in preprocessor condition");
		return -1;
	}
	return glob_cmp(op, l.str ? l.str : "", r.str ? r.str : "",
			l.is_version || r.is_version);
}

/* condition -> conj ('||' conj)* ; conj -> atom ('&&' atom)* */
static int pp_condition(struct pp *pp)
{
	int result = 0, conj = 1, bad = 0;
	struct token t;

	for (;;) {
		int v = pp_atom(pp);

		if (pp->cond_bail)
			return -1;
		if (v < 0)
			bad = 1;
		conj = conj && v > 0;
		cond_next(pp, &t);
		if (t.kind == T_ANDAND)
			continue;
		result = result || conj;
		conj = 1;
		if (t.kind == T_OROR)
			continue;
		unread(pp, &t, pp->env);
		return bad ? -1 : result;
	}
}

/* Skip a false branch up to its '%:' or '%)' (nested conditionals skipped
 * whole). Returns the token kind that ended it, or T_EOF. */
static enum tok skip_branch(struct pp *pp, int stop_at_else)
{
	struct token t;
	int depth = 0;

	for (;;) {
		raw_next(pp, &t);
		switch (t.kind) {
		case T_EOF:
			return T_EOF;
		case T_PP_OPEN:
			depth++;
			break;
		case T_PP_ELSE:
			if (!depth && stop_at_else)
				return T_PP_ELSE;
			break;
		case T_PP_CLOSE:
			if (!depth)
				return T_PP_CLOSE;
			depth--;
			break;
		default:
			break;
		}
	}
}

/* conditional -> '%(' condition '%?' tokens ['%:' tokens] '%)' */
static void pp_conditional(struct pp *pp, const struct token *open)
{
	struct token t;
	int v = pp_condition(pp);

	cond_next(pp, &t);
	if (v < 0) {
		/* reported: skip the rest of the condition, take neither branch */
		pp->cond_bail = 0;
		while (t.kind != T_PP_THEN && t.kind != T_PP_CLOSE && t.kind != T_EOF)
			raw_next(pp, &t);
		if (t.kind == T_PP_THEN && skip_branch(pp, 0) == T_EOF)
			diag_error(open->loc, "unterminated '%%(' conditional");
		return;
	}
	if (t.kind != T_PP_THEN) {
		diag_error(t.loc, "expected '%%?' after preprocessor condition but found '%.*s'",
			   t.loc.len, t.text);
		diag_note(open->loc, "to match this '%%('");
		/* skip the whole conditional */
		unread(pp, &t, pp->env);
		if (skip_branch(pp, 0) == T_EOF)
			diag_error(open->loc, "unterminated '%%(' conditional");
		return;
	}
	if (v > 0) {
		if (pp->nconds == MAX_CONDS) {
			diag_error(open->loc, "preprocessor conditionals nested too deeply");
			skip_branch(pp, 0);	/* the whole of it, so the rest balances */
			return;
		}
		pp->conds[pp->nconds] = open->loc;
		pp->cond_in_else[pp->nconds++] = 0;
		return;
	}
	switch (skip_branch(pp, 1)) {
	case T_PP_ELSE:
		if (pp->nconds == MAX_CONDS) {
			diag_error(open->loc, "preprocessor conditionals nested too deeply");
			skip_branch(pp, 0);
			return;
		}
		pp->conds[pp->nconds] = open->loc;
		pp->cond_in_else[pp->nconds++] = 1;
		break;
	case T_EOF:
		diag_error(open->loc, "unterminated '%%(' conditional");
		break;
	default:
		break;
	}
}

/* ---- macros ---- */

static int is_builtin_at(const char *name)
{
	static const char *const builtins[] = {
		"cast", "var", "defined", "entry", "probewrite", "count", "sum", "min",
		"max", "avg", "variance", "hist_log", "hist_linear", "const", "kderef",
		"uderef", "kregister", "uregister", "perf", NULL,
	};
	int i;

	for (i = 0; builtins[i]; i++)
		if (builtins[i][0] == name[0] && !strcmp(builtins[i], name))
			return 1;
	return 0;
}

/* Token lists (macro bodies, arguments) are gathered in one reused buffer
 * and then copied at their exact size. The buffer serves every preprocessor
 * of the process (they run one at a time): it grows to the longest list
 * once, not again in the arena for each of the library's files. */
static struct token *gather;
static int gather_cap;

static void scratch_push(struct pp *pp, const struct token *t)
{
	if (pp->nscratch == gather_cap) {
		gather_cap = gather_cap ? gather_cap * 2 : 256;
		gather = xrealloc(gather, sizeof(*gather) * (size_t)gather_cap);
	}
	gather[pp->nscratch++] = *t;
}

static struct token *scratch_take(struct pp *pp, int *n)
{
	struct token *copy = NULL;

	*n = pp->nscratch;
	if (*n) {
		copy = arena_alloc(pp->arena, sizeof(*copy) * (size_t)*n);
		memcpy(copy, gather, sizeof(*copy) * (size_t)*n);
	}
	pp->nscratch = 0;
	return copy;
}

/* After an error in a macro's head: skip its body too, when there is one
 * before the next declaration keyword, so it is not parsed as script. */
static void skip_define_rest(struct pp *pp, struct token *t)
{
	for (;;) {
		switch (t->kind) {
		case T_PP_OPEN:
			skip_branch(pp, 0);
			return;
		case T_EOF: case K_PROBE: case K_FUNCTION: case K_GLOBAL: case K_PRIVATE:
			unread(pp, t, pp->env);
			return;
		default:
			raw_next(pp, t);
		}
	}
}

/* define -> '@define' NAME ['(' [PARAM (',' PARAM)*] ')'] '%(' tokens '%)' */
static void define_macro(struct pp *pp)
{
	struct macro *m = arena_alloc(pp->arena, sizeof(*m));
	struct macro_table *table;
	struct token t;
	int depth = 0, rejected = 0;
	const struct macro *old;

	raw_next(pp, &t);
	if (t.kind != T_IDENT && !lex_is_keyword(t.kind)) {
		diag_error(t.loc, "expected a macro name after '@define' but found '%.*s'",
			   t.loc.len, t.text);
		skip_define_rest(pp, &t);
		return;
	}
	m->name = tok_name(pp->arena, &t);
	m->len = (size_t)t.loc.len;
	m->hash = hash_name(m->name, m->len);
	m->loc = t.loc;
	if (is_builtin_at(m->name) || !strcmp(m->name, "define")) {
		diag_error(t.loc, "'@%s' is a built-in operator and cannot be redefined",
			   m->name);
		rejected = 1;
	}
	raw_next(pp, &t);
	if (t.kind == T_LPAREN) {
		raw_next(pp, &t);
		while (t.kind != T_RPAREN) {
			if (t.kind != T_IDENT) {
				diag_error(t.loc, "expected a macro parameter name but found '%.*s'",
					   t.loc.len, t.text);
				skip_define_rest(pp, &t);
				return;
			}
			ptrvec_push(pp->arena, &m->params, (void *)tok_name(pp->arena, &t));
			raw_next(pp, &t);
			if (t.kind == T_COMMA)
				raw_next(pp, &t);
			else if (t.kind != T_RPAREN) {
				diag_error(t.loc, "expected ',' or ')' in macro parameters but found '%.*s'",
					   t.loc.len, t.text);
				skip_define_rest(pp, &t);
				return;
			}
		}
		raw_next(pp, &t);
	}
	if (t.kind != T_PP_OPEN) {
		diag_error(t.loc, "expected '%%(' to open the body of macro '@%s' but found '%.*s'",
			   m->name, t.loc.len, t.text);
		unread(pp, &t, pp->env);
		return;
	}
	for (;;) {
		raw_next(pp, &t);
		if (t.kind == T_EOF) {
			diag_error(m->loc, "unterminated body of macro '@%s'", m->name);
			pp->nscratch = 0;
			return;
		}
		if (t.kind == T_PP_OPEN)
			depth++;
		if (t.kind == T_PP_CLOSE && depth-- == 0)
			break;
		scratch_push(pp, &t);
	}
	m->body = scratch_take(pp, &m->nbody);
	if (rejected)
		return;
	if (!pp->is_stpm && !pp->local)
		pp->local = macro_table_new(pp->arena, LOCAL_BUCKETS);
	table = pp->is_stpm ? pp->prog->macros : pp->local;
	if ((old = macro_find(table, m->name, m->len, m->hash))) {
		/* the same @define read again: a deferred body being parsed
		 * for pass 2 (parse_materialize_func) */
		if (old->loc.file == m->loc.file && old->loc.line == m->loc.line &&
		    old->loc.col == m->loc.col)
			return;
		if (!pp->is_stpm) {
			diag_error(m->loc, "macro '@%s' is already defined", m->name);
			diag_note(old->loc, "previous definition of '@%s' is here", m->name);
			return;
		}
		/* a later library file overrides an earlier one, as stap's do */
	}
	macro_add(table, m);
}

/* Collect one macro call's arguments: '(' tokens (',' tokens)* ')'. */
static int pp_macro_args(struct pp *pp, const struct macro *m, const struct token *at,
			 struct pp_env *env)
{
	int np = m->params.n, k = 0, depth = 0;
	struct token t;

	env->args = arena_alloc(pp->arena, sizeof(*env->args) * (size_t)(np + 1));
	env->nargs = arena_alloc(pp->arena, sizeof(int) * (size_t)(np + 1));
	raw_next(pp, &t);
	if (t.kind != T_LPAREN) {
		diag_error(t.loc, "expected '(' after macro '@%s' (it takes %d argument%s)",
			   m->name, np, np == 1 ? "" : "s");
		unread(pp, &t, pp->env);
		return -1;
	}
	for (;;) {
		raw_next(pp, &t);
		if (t.kind == T_EOF) {
			diag_error(at->loc, "unterminated arguments of macro '@%s'", m->name);
			pp->nscratch = 0;
			return -1;
		}
		if (depth == 0 && (t.kind == T_COMMA || t.kind == T_RPAREN)) {
			if (k < np)
				env->args[k] = scratch_take(pp, &env->nargs[k]);
			else
				pp->nscratch = 0;	/* too many: reported below */
			k++;
			if (t.kind == T_RPAREN)
				break;
			continue;
		}
		if (t.kind == T_LPAREN || t.kind == T_LBRACKET || t.kind == T_LBRACE)
			depth++;
		if (t.kind == T_RPAREN || t.kind == T_RBRACKET || t.kind == T_RBRACE)
			depth--;
		scratch_push(pp, &t);
	}
	if (k == 1 && np == 0 && env->nargs[0] == 0)
		k = 0;
	if (k != np) {
		diag_error(at->loc, "macro '@%s' takes %d argument%s but %d were given",
			   m->name, np, np == 1 ? "" : "s", k);
		diag_note(m->loc, "'@%s' is defined here", m->name);
		return -1;
	}
	return 0;
}

/* After a reported macro error: a 0 in its place, so the parser does not
 * cascade. */
static void stand_in_zero(struct pp *pp, const struct token *t)
{
	struct token zero = *t;

	zero.kind = T_NUM;
	zero.num = 0;
	unread(pp, &zero, NULL);
}

/* Past the expansion budget: report once, a 0 for every further use. */
static int over_budget(struct pp *pp, const struct token *t)
{
	if (pp->expanded <= MAX_EXPANSION)
		return 0;
	if (!pp->expansion_reported++)
		diag_error(t->loc, "macro expansion produces more than %d tokens",
			   MAX_EXPANSION);
	stand_in_zero(pp, t);
	return 1;
}

/* Expand '@name' if it is a parameter or a macro; 1 when expanded. */
void pp_use_arena(struct pp *pp, struct arena *a, struct arena *keep)
{
	int i;

	pp->arena = a;
	pp->keep = keep;
	for (i = 0; i < pp->nframes; i++)
		if (pp->frames[i].is_lexer)
			pp->frames[i].lx.arena = a;
}

/* While a deferred body is parsed, pp->arena is scratch; a macro must
 * outlive it, with the strings of its body's tokens: it is read into keep. */
static void pp_define(struct pp *pp)
{
	struct arena *was = pp->arena, *keep = pp->keep;

	if (!keep) {
		define_macro(pp);
		return;
	}
	pp_use_arena(pp, keep, NULL);
	define_macro(pp);
	pp_use_arena(pp, was, keep);
}

static int pp_expand_at(struct pp *pp, const struct token *t)
{
	const struct pp_env *env = pp->env;
	const char *name = t->text + 1;	/* len bytes, in the source */
	const struct macro *m;
	struct pp_env *call;
	int i;
	size_t len = (size_t)t->loc.len - 1;
	unsigned h;

	if (len > MAX_NAME)
		len = MAX_NAME;
	if (len == 6 && !memcmp(name, "define", 6)) {
		pp_define(pp);
		return 1;
	}
	if (env)
		for (i = 0; i < env->m->params.n; i++)
			if (!strncmp(env->m->params.v[i], name, len) &&
			    !((const char *)env->m->params.v[i])[len]) {
				if (!over_budget(pp, t))
					push_tokens(pp, env->args[i], env->nargs[i], env->caller,
						    t->loc);
				return 1;
			}
	/* no need to rule out @cast and the other built-ins first: pp_define
	 * never lets one into a table, so they are simply not found */
	h = hash_name(name, len);
	m = macro_find(pp->local, name, len, h);
	if (!m)
		m = macro_find(pp->prog->macros, name, len, h);
	if (!m)
		return 0;
	call = arena_alloc(pp->arena, sizeof(*call));
	call->m = m;
	call->caller = env;
	if (over_budget(pp, t))
		return 1;
	/* the macros this token came from: expanding one of them again would
	 * never end (arguments carry their caller's chain, so @f(@f(1)) is fine) */
	for (const struct pp_env *e = env; e; e = e->caller)
		if (e->m == m) {
			diag_error(t->loc, "macro '@%s' expands to itself", m->name);
			stand_in_zero(pp, t);
			return 1;
		}
	if (m->params.n) {
		if (pp_macro_args(pp, m, t, call)) {
			stand_in_zero(pp, t);
			return 1;
		}
	} else {
		/* @name() with no parameters: swallow an empty '()' */
		if (raw_peek_kind(pp) == T_LPAREN) {
			struct token a;

			raw_next(pp, &a);
			if (raw_peek_kind(pp) == T_RPAREN)
				raw_next(pp, &a);
			else
				unread(pp, &a, pp->env);
		}
	}
	push_tokens(pp, m->body, m->nbody, call, t->loc);
	return 1;
}

/* $N as code: lex the argument text as a little file of its own. */
static void pp_script_arg(struct pp *pp, struct token *t)
{
	int nargs = pp->prog->script_args.n;
	const char *arg;

	if (t->num < 0) {
		if (t->kind == T_ARG) {
			t->kind = T_NUM;
			t->num = nargs;
		} else {
			t->kind = T_STR;
			t->str = arena_printf(pp->arena, "%d", nargs);
		}
		return;
	}
	if (t->num < 1 || t->num > nargs) {
		diag_error(t->loc, "command line argument index %ld out of range [1-%d]",
			   (long)t->num, nargs);
		if (t->kind == T_ARG) {
			t->kind = T_NUM;
			t->num = 0;
		} else {
			t->kind = T_STR;
			t->str = "";
		}
		return;
	}
	arg = pp->prog->script_args.v[t->num - 1];
	if (t->kind == T_ATARG) {
		t->kind = T_STR;
		t->str = arg;
		return;
	}
	{
		struct src_file *src = arena_alloc(pp->arena, sizeof(*src));

		src->name = arena_printf(pp->arena, "<argument $%ld>", (long)t->num);
		src->text = arg;
		src->len = strlen(arg);
		if (push_lexer(pp, src)) {
			t->kind = T_NUM;	/* reported: a 0 in its place */
			t->num = 0;
			return;
		}
		t->kind = T_EOF;	/* caller re-reads */
	}
}

void pp_next(struct pp *pp, struct token *t)
{
	for (;;) {
		raw_next_inline(pp, t);
		switch (t->kind) {
		case T_PP_OPEN:
			pp_conditional(pp, t);
			continue;
		case T_PP_ELSE:
			if (pp->nconds && !pp->cond_in_else[pp->nconds - 1]) {
				struct loc open = pp->conds[--pp->nconds];

				if (pp->nconds < pp->cond_low)
					pp->cond_low = pp->nconds;

				if (skip_branch(pp, 0) == T_EOF)
					diag_error(open, "unterminated '%%(' conditional");
				continue;
			}
			diag_error(t->loc, "'%%:' without a matching '%%('");
			continue;
		case T_PP_CLOSE:
			if (pp->nconds) {
				if (--pp->nconds < pp->cond_low)
					pp->cond_low = pp->nconds;
				continue;
			}
			diag_error(t->loc, "'%%)' without a matching '%%('");
			continue;
		case T_PP_THEN:
			diag_error(t->loc, "'%%?' without a matching '%%('");
			continue;
		case T_AT:
			if (pp_expand_at(pp, t))
				continue;
			return;
		case T_ARG:
		case T_ATARG:
			pp_script_arg(pp, t);
			if (t->kind == T_EOF)
				continue;
			return;
		case T_EOF:
			while (pp->nconds)
				diag_error(pp->conds[--pp->nconds], "unterminated '%%(' conditional");
			return;
		default:
			return;
		}
	}
}
