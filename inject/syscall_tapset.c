/* syscall_tapset.c - generate the syscall tapset from tapsets/syscalls.def.
 *
 * The table has one line per x86-64 syscall:
 *
 *	257 openat __x64_sys_openat fd : int dfd:dirfd, const char __user * filename:path, ...
 *
 * and each line becomes two probe aliases. The entry alias reads the user
 * registers the __x64_sys_NAME wrapper receives (its only parameter is the
 * struct pt_regs of the syscall: arguments in di, si, dx, r10, r8, r9) and
 * sets name, one variable per argument and argstr, formatted as strace and
 * stap print them; the return alias sets name, retval and retstr
 * ("-2 (ENOENT)"). How an argument is read and printed is its kind, one
 * row of SC_KIND_LIST; the readers and the C formatters the rows name are
 * in tapsets/gen/syscalls_aux.stp, which heads the generated text, and
 * argstr is one call that walks a table of the syscalls' kinds emitted here
 * (emit_argstr_table).
 *
 * Syscalls with no arguments are defined with SYSCALL_DEFINE0, whose x86-64
 * wrapper is only an alias of __do_sys_NAME: symbol sources that drop
 * aliases (BTF) know the latter only, so those probes fall back to it.
 */
#include "syscall_tapset.h"
#include "cache.h"
#include "errno_table.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How an argument becomes stap variables. */
enum sc_var {
	SC_VAL,		/* NAME = reader(i) */
	SC_ADDR,	/* NAME_uaddr = reader(i) */
	SC_STRING,	/* NAME_uaddr = reader(i); NAME = the quoted user string */
};

/* Flags of a kind. */
#define SC_REF		1	/* kind(arg): the formatter is given the other argument too */
#define SC_JOINED	2	/* the formatter prints its own ", " (or nothing) */

/*
 * kind, variables, reader of the value, flags. argstr is formatted in C, by
 * stp_sc_fmt_KIND(dst, size, value, ref) of tapsets/gen/syscalls_aux.stp, one
 * per row: the generated tapset holds the table of each syscall's kinds and
 * one function that walks it (emit_argstr_table), so a probe's argstr costs
 * one call and no per-probe code.
 */
#define SC_KIND_LIST(X)                                   \
	X(int, SC_VAL, "_sc_int", 0)                     \
	X(uint, SC_VAL, "_sc_uint", 0)                   \
	X(long, SC_VAL, "_sc_long", 0)                   \
	X(ulong, SC_VAL, "_sc_ulong", 0)                 \
	X(hex, SC_VAL, "_sc_ulong", 0)                   \
	X(fd, SC_VAL, "_sc_int", 0)                      \
	X(dirfd, SC_VAL, "_sc_int", 0)                   \
	X(mode, SC_VAL, "_sc_uint", 0)                   \
	X(mode_creat, SC_VAL, "_sc_uint", SC_REF | SC_JOINED) \
	X(ptr, SC_ADDR, "_sc_ulong", 0)                  \
	X(path, SC_STRING, "_sc_ulong", 0)               \
	X(str, SC_STRING, "_sc_ulong", 0)                \
	X(buf, SC_ADDR, "_sc_ulong", SC_REF)             \
	X(argv, SC_ADDR, "_sc_ulong", 0)                 \
	X(envp, SC_ADDR, "_sc_ulong", 0)                 \
	X(open_flags, SC_VAL, "_sc_int", 0)              \
	X(fd_flags, SC_VAL, "_sc_int", 0)                \
	X(at_flags, SC_VAL, "_sc_int", 0)                \
	X(prot, SC_VAL, "_sc_ulong", 0)                  \
	X(mmap_flags, SC_VAL, "_sc_ulong", 0)            \
	X(mremap_flags, SC_VAL, "_sc_ulong", 0)          \
	X(msync_flags, SC_VAL, "_sc_int", 0)             \
	X(madvice, SC_VAL, "_sc_int", 0)                 \
	X(whence, SC_VAL, "_sc_uint", 0)                 \
	X(access_mode, SC_VAL, "_sc_int", 0)             \
	X(fcntl_cmd, SC_VAL, "_sc_uint", 0)              \
	X(flock_cmd, SC_VAL, "_sc_uint", 0)              \
	X(sigprocmask_how, SC_VAL, "_sc_int", 0)         \
	X(signal, SC_VAL, "_sc_int", 0)                  \
	X(sock_family, SC_VAL, "_sc_int", 0)             \
	X(sock_type, SC_VAL, "_sc_int", 0)               \
	X(msg_flags, SC_VAL, "_sc_uint", 0)              \
	X(shutdown_how, SC_VAL, "_sc_int", 0)            \
	X(futex_op, SC_VAL, "_sc_int", 0)                \
	X(clone_flags, SC_VAL, "_sc_ulong", 0)           \
	X(wait_options, SC_VAL, "_sc_int", 0)            \
	X(epoll_op, SC_VAL, "_sc_int", 0)                \
	X(rlimit_resource, SC_VAL, "_sc_uint", 0)        \
	X(clockid, SC_VAL, "_sc_int", 0)                 \
	X(mknod_mode, SC_VAL, "_sc_uint", 0)             \
	X(fadvice, SC_VAL, "_sc_int", 0)                 \
	X(rusage_who, SC_VAL, "_sc_int", 0)              \
	X(getrandom_flags, SC_VAL, "_sc_uint", 0)        \
	X(memfd_flags, SC_VAL, "_sc_uint", 0)            \
	X(inotify_mask, SC_VAL, "_sc_uint", 0)           \
	X(prctl_option, SC_VAL, "_sc_int", 0)

enum syscall_kind {
#define X(k, var, reader, flags) SK_##k,
	SC_KIND_LIST(X)
#undef X
	SK_COUNT
};

static const struct sc_kind {
	const char *name;
	enum sc_var var;
	const char *reader;
	int flags;
} sc_kinds[] = {
#define X(k, v, reader, fl) { #k, v, reader, fl },
	SC_KIND_LIST(X)
#undef X
};

/* Return value kinds: the first argument of return_str() (stap's
 * convention: 1 decimal, 2 hex, 3 octal; errors always "-N (ENAME)"). */
#define SC_RET_LIST(X) \
	X(int, 1) X(fd, 1) X(hex, 2) X(octal, 3) X(void, 1)

enum syscall_ret {
#define X(r, fmt) SR_##r,
	SC_RET_LIST(X)
#undef X
};

static const struct sc_ret {
	const char *name;
	int format;
} sc_rets[] = {
#define X(r, fmt) { #r, fmt },
	SC_RET_LIST(X)
#undef X
};

/* Variables every alias sets: arguments may not take these names. */
static const char *const sc_reserved[] = { "name", "argstr", "retstr", "retval" };

/* ---- parsing the table ---- */

struct cursor {
	const struct src_file *src;
	const char *p;		/* next character of the line */
	const char *line_start;
	int line;
};

static struct loc cursor_loc(const struct cursor *c, const char *at, int len)
{
	struct loc l = { c->src, c->line, (int)(at - c->line_start) + 1, len };

	return l;
}

static void skip_blanks(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

static int is_ident_start(int ch)
{
	return isalpha(ch) || ch == '_';
}

static int is_ident(int ch)
{
	return isalnum(ch) || ch == '_';
}

/* One whitespace-delimited word of the line, or NULL at the end of it. */
static const char *next_word(struct arena *a, struct cursor *c, const char **at)
{
	const char *s;

	skip_blanks(c);
	s = c->p;
	while (*c->p && !isspace((unsigned char)*c->p))
		c->p++;
	*at = s;
	return c->p == s ? NULL : arena_strndup(a, s, (size_t)(c->p - s));
}

static int valid_ident(const char *s)
{
	if (!s || !is_ident_start((unsigned char)*s))
		return 0;
	while (*++s)
		if (!is_ident((unsigned char)*s))
			return 0;
	return 1;
}

static int find_kind(const char *name, size_t len)
{
	int k;

	for (k = 0; k < SK_COUNT; k++)
		if (strlen(sc_kinds[k].name) == len && !strncmp(sc_kinds[k].name, name, len))
			return k;
	return -1;
}

static int find_ret(const char *name)
{
	size_t r;

	for (r = 0; r < sizeof(sc_rets) / sizeof(sc_rets[0]); r++)
		if (!strcmp(sc_rets[r].name, name))
			return (int)r;
	return -1;
}

/* arg -> ctype name ':' kind [ '(' name ')' ]
 * ctype is everything before the last identifier of the declaration. */
static int parse_arg(struct arena *a, struct cursor *c, const char *s, const char *e,
		     struct syscall_arg *arg, const char **ref_name)
{
	const char *colon = memchr(s, ':', (size_t)(e - s)), *n, *k, *ke, *paren;

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (!colon) {
		diag_error(cursor_loc(c, s, (int)(e - s)),
			   "expected 'type name:kind' in syscall argument");
		return -1;
	}
	n = colon;
	while (n > s && is_ident((unsigned char)n[-1]))
		n--;
	if (n == colon || n == s) {
		diag_error(cursor_loc(c, s, (int)(colon - s)),
			   "syscall argument needs a C type and a name before ':'");
		return -1;
	}
	arg->name = arena_strndup(a, n, (size_t)(colon - n));
	while (n > s && isspace((unsigned char)n[-1]))
		n--;
	arg->ctype = arena_strndup(a, s, (size_t)(n - s));
	k = colon + 1;
	paren = memchr(k, '(', (size_t)(e - k));
	ke = paren ? paren : e;
	arg->kind = find_kind(k, (size_t)(ke - k));
	if (arg->kind < 0) {
		diag_error(cursor_loc(c, k, (int)(ke - k)), "unknown argument kind '%.*s'",
			   (int)(ke - k), k);
		return -1;
	}
	*ref_name = NULL;
	if (paren) {
		if (e[-1] != ')' || e - paren < 3) {
			diag_error(cursor_loc(c, paren, (int)(e - paren)),
				   "expected 'kind(argument)'");
			return -1;
		}
		*ref_name = arena_strndup(a, paren + 1, (size_t)(e - paren - 2));
	}
	if (!!paren != !!(sc_kinds[arg->kind].flags & SC_REF)) {
		diag_error(cursor_loc(c, k, (int)(e - k)),
			   paren ? "argument kind '%s' takes no other argument"
				 : "argument kind '%s' needs another argument: '%s(name)'",
			   sc_kinds[arg->kind].name, sc_kinds[arg->kind].name);
		return -1;
	}
	return 0;
}

/* line -> nr name entry ret ':' [arg {',' arg}] */
static int parse_line(struct arena *a, struct cursor *c, struct syscall_def *d)
{
	const char *w, *at, *eol, *refs[SYSCALL_MAX_ARGS];
	char *end;
	int i, j;

	d->loc = cursor_loc(c, c->p, 0);
	w = next_word(a, c, &at);
	d->nr = (int)strtol(w, &end, 10);
	if (*end || d->nr < 0) {
		diag_error(cursor_loc(c, at, (int)strlen(w)), "expected a syscall number, got '%s'",
			   w);
		return -1;
	}
	d->name = next_word(a, c, &at);
	if (!valid_ident(d->name)) {
		diag_error(cursor_loc(c, at, 1), "expected a syscall name after the number");
		return -1;
	}
	w = next_word(a, c, &at);
	if (!w || (strcmp(w, "-") && !valid_ident(w))) {
		diag_error(cursor_loc(c, at, 1),
			   "expected the entry point of '%s' (a function name or '-')", d->name);
		return -1;
	}
	d->entry = strcmp(w, "-") ? w : NULL;
	w = next_word(a, c, &at);
	d->ret = w ? find_ret(w) : -1;
	if (d->ret < 0) {
		diag_error(cursor_loc(c, at, w ? (int)strlen(w) : 1),
			   "expected a return kind (int, fd, hex, octal or void) for '%s'",
			   d->name);
		return -1;
	}
	w = next_word(a, c, &at);
	if (!w || strcmp(w, ":")) {
		diag_error(cursor_loc(c, at, 1), "expected ':' before the arguments of '%s'",
			   d->name);
		return -1;
	}
	skip_blanks(c);
	eol = c->p + strcspn(c->p, "\n");
	while (c->p < eol) {
		const char *s = c->p, *e = s + strcspn(s, ",\n");

		if (d->nargs == SYSCALL_MAX_ARGS) {
			diag_error(cursor_loc(c, s, 1), "'%s' has more than %d arguments",
				   d->name, SYSCALL_MAX_ARGS);
			return -1;
		}
		if (parse_arg(a, c, s, e, &d->args[d->nargs], &refs[d->nargs]) < 0)
			return -1;
		d->nargs++;
		c->p = *e == ',' ? e + 1 : e;
	}
	for (i = 0; i < d->nargs; i++) {
		struct syscall_arg *arg = &d->args[i];

		for (j = 0; j < (int)(sizeof(sc_reserved) / sizeof(sc_reserved[0])); j++)
			if (!strcmp(arg->name, sc_reserved[j]))
				goto reserved;
		for (j = 0; j < i; j++)
			if (!strcmp(arg->name, d->args[j].name)) {
				diag_error(d->loc, "'%s' names two arguments '%s'", d->name,
					   arg->name);
				return -1;
			}
		arg->ref = -1;
		if (refs[i]) {
			for (j = 0; j < d->nargs; j++)
				if (j != i && !strcmp(d->args[j].name, refs[i]))
					arg->ref = j;
			if (arg->ref < 0) {
				diag_error(d->loc, "'%s' has no argument '%s' for '%s' to refer to",
					   d->name, refs[i], arg->name);
				return -1;
			}
		}
		continue;
reserved:
		diag_error(d->loc, "argument '%s' of '%s' would hide the probe's own '%s'",
			   arg->name, d->name, arg->name);
		return -1;
	}
	return 0;
}

int syscall_table_parse(struct arena *a, const struct src_file *src, struct syscall_table *out)
{
	struct cursor c = { src, src->text, src->text, 1 };
	int cap = 0, failed = 0;

	out->defs = NULL;
	out->n = 0;
	while (*c.p) {
		const char *eol = strchr(c.p, '\n');

		c.line_start = c.p;
		skip_blanks(&c);
		if (*c.p && *c.p != '#' && *c.p != '\n') {
			if (out->n == cap) {
				struct syscall_def *nd;

				cap = cap ? cap * 2 : 512;
				nd = arena_alloc(a, sizeof(*nd) * (size_t)cap);
				if (out->n)
					memcpy(nd, out->defs, sizeof(*nd) * (size_t)out->n);
				out->defs = nd;
			}
			memset(&out->defs[out->n], 0, sizeof(out->defs[0]));
			if (parse_line(a, &c, &out->defs[out->n]) < 0)
				failed = 1;
			else
				out->n++;
		}
		if (!eol)
			break;
		c.p = eol + 1;
		c.line++;
	}
	return failed ? -1 : 0;
}

/* ---- generating the stap text ---- */

/* A growing text buffer in the arena. */
struct sbuf {
	struct arena *a;
	char *s;
	size_t len, cap;
};

static void sb_grow(struct sbuf *b, size_t need)
{
	char *ns;

	if (b->len + need + 1 <= b->cap)
		return;
	while (b->len + need + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 1 << 16;
	ns = arena_alloc(b->a, b->cap);
	if (b->len)
		memcpy(ns, b->s, b->len);
	b->s = ns;
}

static void sb_puts(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	sb_grow(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* One vsnprintf in the common case: the buffer grows geometrically, so a
 * retry after growing is rare (the generator makes ~17000 calls per run). */
static __attribute__((format(printf, 2, 3))) void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if ((size_t)n >= room) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* The variable that holds argument i's value ("fd", "buf_uaddr"). */
static const char *arg_var(struct arena *a, const struct syscall_arg *arg)
{
	return sc_kinds[arg->kind].var == SC_VAL ? arg->name
						  : arena_printf(a, "%s_uaddr", arg->name);
}

/* kernel.function("E")[.return] ?, with the SYSCALL_DEFINE0 fallback. */
static void emit_points(struct sbuf *b, const struct syscall_def *d, const char *suffix)
{
	if (d->nargs == 0 && !strncmp(d->entry, "__x64_sys_", 10))
		sb_printf(b, "kernel.function(\"%s\")%s !, kernel.function(\"__do_sys_%s\")%s ?",
			  d->entry, suffix, d->entry + 10, suffix);
	else
		sb_printf(b, "kernel.function(\"%s\")%s ?", d->entry, suffix);
}

static void emit_entry(struct arena *a, struct sbuf *b, const struct syscall_def *d)
{
	int i;

	sb_printf(b, "probe syscall.%s = ", d->name);
	emit_points(b, d, "");
	sb_printf(b, "\n{\n\tname = \"%s\"\n", d->name);
	for (i = 0; i < d->nargs; i++) {
		const struct syscall_arg *arg = &d->args[i];
		const struct sc_kind *k = &sc_kinds[arg->kind];

		sb_printf(b, "\t%s = %s(%d)\n", arg_var(a, arg), k->reader, i);
		if (k->var == SC_STRING)
			sb_printf(b, "\t%s = _sc_ustr_quoted(%s_uaddr)\n", arg->name, arg->name);
	}
	if (d->nargs == 0)
		sb_puts(b, "\targstr = \"\"\n}\n");
	else
		sb_printf(b, "\targstr = _sc_argstr(%d)\n}\n", d->nr);
}

static void emit_return(struct sbuf *b, const struct syscall_def *d)
{
	sb_printf(b, "probe syscall.%s.return = ", d->name);
	emit_points(b, d, ".return");
	sb_printf(b, "\n{\n\tname = \"%s\"\n\tretval = _sc_ret()\n"
		  "\tretstr = return_str(%d, retval)\n}\n",
		  d->name, sc_rets[d->ret].format);
}

/* errno_str() and errno_p() over errno_table.h, for return_str(). */
static void emit_errno(struct sbuf *b)
{
	sb_puts(b, "%{\n/* errno names, from inject/errno_table.h */\n"
		   "static const char *const stp_errno_names[] = {\n");
#define X(n, v) sb_printf(b, "\t[%d] = \"%s\",\n", v, #n);
	ERRNO_LIST(X)
#undef X
	sb_puts(b, "};\nstatic const char *const stp_errno_kernel_names[] = {\n");
#define X(n, v) sb_printf(b, "\t[%d - 512] = \"%s\",\n", v, #n);
	ERRNO_KERNEL_LIST(X)
#undef X
	sb_puts(b, "};\n\n"
		   "static __maybe_unused const char *stp_errno_name(long err)\n{\n"
		   "\tif (err < 0)\n\t\terr = -err;\n"
		   "\tif (err > 0 && err < (long)ARRAY_SIZE(stp_errno_names))\n"
		   "\t\treturn stp_errno_names[err];\n"
		   "\tif (err >= 512 && err - 512 < (long)ARRAY_SIZE(stp_errno_kernel_names))\n"
		   "\t\treturn stp_errno_kernel_names[err - 512];\n"
		   "\treturn NULL;\n}\n%}\n\n"
		   "# errno_str - the symbolic name of an errno value (-2 or 2: \"ENOENT\")\n"
		   "function errno_str:string(err:long)\n%{ /* pure */ /* unprivileged */\n"
		   "\tconst char *n = stp_errno_name(STAP_ARG_err);\n\n"
		   "\tif (n)\n\t\tstrscpy(STAP_RETVALUE, n, MAXSTRINGLEN);\n"
		   "\telse\n\t\tsnprintf(STAP_RETVALUE, MAXSTRINGLEN, \"E#%lld\",\n"
		   "\t\t\t (long long)(STAP_ARG_err < 0 ? -STAP_ARG_err : STAP_ARG_err));\n%}\n\n"
		   "# errno_p - is the value a negated errno that has a name?\n"
		   "function errno_p:long(err:long)\n%{ /* pure */ /* unprivileged */\n"
		   "\tSTAP_RETVALUE = STAP_ARG_err < 0 && STAP_ARG_err > -4096 &&\n"
		   "\t\tstp_errno_name(STAP_ARG_err) != NULL;\n%}\n\n");
}

/*
 * The C half of argstr: each syscall's argument kinds by number, the
 * formatter of each kind (stp_sc_fmt_KIND, tapsets/gen/syscalls_aux.stp), and
 * _sc_argstr(nr), which formats the syscall's user registers by them.
 */
static void emit_argstr_table(struct sbuf *b, const struct syscall_table *t)
{
	int i, j;

	sb_puts(b, "%{\n/* argument kinds, numbered as inject/syscall_tapset.c does */\nenum {\n");
#define X(k, v, reader, fl) sb_puts(b, "\tSTP_SK_" #k ",\n");
	SC_KIND_LIST(X)
#undef X
	sb_puts(b, "};\n\nstatic const struct stp_sc_kind {\n"
		   "\tvoid (*fmt)(char *dst, size_t size, unsigned long v, unsigned long ref);\n"
		   "\tint joined;\t/* prints its own \", \" */\n"
		   "} stp_sc_kinds[] = {\n");
#define X(k, v, reader, fl) \
	sb_printf(b, "\t[STP_SK_" #k "] = { stp_sc_fmt_" #k ", %d },\n", !!((fl) & SC_JOINED));
	SC_KIND_LIST(X)
#undef X
	sb_puts(b, "};\n\n/* by syscall number: arguments, their kinds, kind(arg) references */\n"
		   "static const struct stp_sc_row {\n"
		   "\tunsigned char nargs, kind[6];\n\tsigned char ref[6];\n"
		   "} stp_sc_rows[] = {\n");
	for (i = 0; i < t->n; i++) {
		const struct syscall_def *d = &t->defs[i];

		if (!d->entry || !d->nargs)
			continue;
		sb_printf(b, "\t[%d] = { %d, {", d->nr, d->nargs);
		for (j = 0; j < d->nargs; j++)
			sb_printf(b, "%s STP_SK_%s", j ? "," : "", sc_kinds[d->args[j].kind].name);
		sb_puts(b, " }, {");
		for (j = 0; j < d->nargs; j++)
			sb_printf(b, "%s %d", j ? "," : "", d->args[j].ref);
		sb_printf(b, " } },\t/* %s */\n", d->name);
	}
	sb_puts(b, "};\n\n"
		   "static __maybe_unused void stp_sc_format(char *out, size_t size, struct pt_regs *regs,\n"
		   "\t\t\t\t\t  long nr)\n{\n"
		   "\tconst struct stp_sc_row *r;\n\tunsigned long v[6];\n\tsize_t len = 0;\n\tint i;\n\n"
		   "\tout[0] = '\\0';\n"
		   "\tif (nr < 0 || nr >= (long)ARRAY_SIZE(stp_sc_rows))\n\t\treturn;\n"
		   "\tr = &stp_sc_rows[nr];\n"
		   "\tfor (i = 0; i < r->nargs; i++)\n\t\tv[i] = stp_sc_arg(regs, i);\n"
		   "\tfor (i = 0; i < r->nargs && len + 1 < size; i++) {\n"
		   "\t\tconst struct stp_sc_kind *k = &stp_sc_kinds[r->kind[i]];\n\n"
		   "\t\tif (i && !k->joined)\n"
		   "\t\t\tlen += scnprintf(out + len, size - len, \", \");\n"
		   "\t\tk->fmt(out + len, size - len, v[i], r->ref[i] >= 0 ? v[r->ref[i]] : 0);\n"
		   "\t\tlen += strlen(out + len);\n\t}\n}\n%}\n\n"
		   "# _sc_argstr - the syscall's arguments as strace prints them\n"
		   "function _sc_argstr:string(nr:long)\n%{ /* pure */ /* unprivileged */\n"
		   "\tstp_sc_format(STAP_RETVALUE, MAXSTRINGLEN, CONTEXT->regs, STAP_ARG_nr);\n%}\n\n");
}

const char *syscall_tapset_generate(struct arena *a, const struct syscall_table *t)
{
	struct sbuf b = { a, NULL, 0, 0 };
	int i;

	sb_puts(&b, "# syscall.NAME and syscall.NAME.return for every x86-64 syscall:\n"
		    "# generated by gstap from tapsets/syscalls.def (inject/syscall_tapset.c)\n\n");
	emit_errno(&b);
	emit_argstr_table(&b, t);
	for (i = 0; i < t->n; i++) {
		const struct syscall_def *d = &t->defs[i];

		if (!d->entry)
			continue;	/* sys_ni_syscall on x86-64: nothing to probe */
		emit_entry(a, &b, d);
		emit_return(&b, d);
	}
	return b.s;
}

/* head "\n" tail, without formatting a megabyte through vsnprintf. */
static const char *concat_lines(struct arena *a, const char *head, size_t head_len,
				const char *tail)
{
	size_t tail_len = strlen(tail);
	char *s = arena_alloc(a, head_len + 1 + tail_len + 1);

	memcpy(s, head, head_len);
	s[head_len] = '\n';
	memcpy(s + head_len + 1, tail, tail_len + 1);
	return s;
}

/*
 * Where the text generated from table_path and aux_path is cached: the
 * key is the identity (path, size, mtime) of both and of the generator,
 * this binary. Generating is 40% of the instructions of a -p2 hello
 * world, and every run of gstap parses the whole library. NULL: no cache.
 */
static const char *cached_text_path(struct arena *a, const char *table_path,
				    const char *aux_path)
{
	const char *dir = cache_dir(a);
	struct cache_hash h;
	char self[4096], hex[33];
	ssize_t n;

	if (!dir)
		return NULL;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = 0;
	cache_hash_init(&h);
	cache_hash_str(&h, "syscall tapset v1");
	cache_hash_stat(&h, self);
	cache_hash_stat(&h, table_path);
	cache_hash_stat(&h, aux_path);
	cache_hash_hex(&h, hex);
	return arena_printf(a, "%s/syscalls-%s.stp", dir, hex);
}

/* The whole of path in the arena, or NULL. */
static const char *read_cached(struct arena *a, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *text = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && st.st_size > 0) {
		text = arena_alloc(a, (size_t)st.st_size + 1);
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, text + got, (size_t)st.st_size - got);

			if (r <= 0)
				break;
			got += (size_t)r;
		}
		text[got] = 0;
	}
	close(fd);
	return text && got == (size_t)st.st_size ? text : NULL;
}

/* Remove the entries of other binaries and tables from dir (each
 * rebuild of gstap makes a new key): one entry, not one per build. */
static void prune_cached(struct arena *a, const char *dir, const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (!strncmp(e->d_name, "syscalls-", 9) && n > 4 &&
		    !strcmp(e->d_name + n - 4, ".stp") && strcmp(e->d_name, keep))
			unlink(arena_printf(a, "%s/%s", dir, e->d_name));
	}
	closedir(d);
}

/* Store text at path (whole, by rename), then drop the other entries. */
static void write_cached(struct arena *a, const char *path, const char *text)
{
	const char *slash = strrchr(path, '/');

	if (!cache_write_file(a, path, text, strlen(text)))
		prune_cached(a, arena_printf(a, "%.*s", (int)(slash - path), path), slash + 1);
}

/* The helpers of the generated text live in gen/syscalls_aux.stp beside
 * the table: not a tapset file of its own (the loader does not look in
 * gen/), but the head of this one, so that whatever pulls in a syscall
 * alias pulls in its C helpers too, and they precede the C that uses them. */
const char *syscall_tapset_source(struct arena *a, const char *table_path)
{
	const char *slash = strrchr(table_path, '/');
	const char *aux_path = arena_printf(a, "%.*sgen/syscalls_aux.stp",
					    slash ? (int)(slash - table_path + 1) : 0, table_path);
	const char *cached = cached_text_path(a, table_path, aux_path);
	struct src_file *src, *aux;
	struct syscall_table t;
	const char *text;

	if (cached && (text = read_cached(a, cached)))
		return text;
	src = src_file_load(table_path);
	if (!src) {
		diag_fatal("cannot read syscall table '%s': %s", table_path, strerror(errno));
		return NULL;
	}
	aux = src_file_load(aux_path);
	if (!aux) {
		diag_fatal("cannot read the syscall tapset's helpers '%s': %s", aux_path,
			   strerror(errno));
		return NULL;
	}
	src->is_library = 1;
	if (syscall_table_parse(a, src, &t) < 0)
		return NULL;
	text = syscall_tapset_generate(a, &t);
	text = concat_lines(a, aux->text, aux->len, text);
	if (cached)
		write_cached(a, cached, text);
	return text;
}
