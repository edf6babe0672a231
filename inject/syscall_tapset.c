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
 * row of SC_KIND_LIST; the helpers the rows name are in
 * tapsets/syscalls_aux.stp.
 *
 * Syscalls with no arguments are defined with SYSCALL_DEFINE0, whose x86-64
 * wrapper is only an alias of __do_sys_NAME: symbol sources that drop
 * aliases (BTF) know the latter only, so those probes fall back to it.
 */
#include "syscall_tapset.h"
#include "errno_table.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How an argument becomes stap variables. */
enum sc_var {
	SC_VAL,		/* NAME = reader(i) */
	SC_ADDR,	/* NAME_uaddr = reader(i) */
	SC_STRING,	/* NAME_uaddr = reader(i); NAME = the quoted user string */
};

/* Flags of a kind. */
#define SC_REF		1	/* kind(arg): the formatter takes the other argument too */
#define SC_JOINED	2	/* the formatter prints its own ", " (or nothing) */

/* kind, variables, reader, argstr directive, formatter (NULL: the value),
 * flags. The formatter is called as f(var) or, with SC_REF, f(var, ref). */
#define SC_KIND_LIST(X)                                                             \
	X(int, SC_VAL, "_sc_int", "%d", NULL, 0)                                     \
	X(uint, SC_VAL, "_sc_uint", "%u", NULL, 0)                                   \
	X(long, SC_VAL, "_sc_long", "%d", NULL, 0)                                   \
	X(ulong, SC_VAL, "_sc_ulong", "%u", NULL, 0)                                 \
	X(hex, SC_VAL, "_sc_ulong", "0x%x", NULL, 0)                                 \
	X(fd, SC_VAL, "_sc_int", "%d", NULL, 0)                                      \
	X(dirfd, SC_VAL, "_sc_int", "%s", "_dfd_str", 0)                             \
	X(mode, SC_VAL, "_sc_uint", "%#o", NULL, 0)                                  \
	X(mode_creat, SC_VAL, "_sc_uint", "%s", "_sc_mode_creat", SC_REF | SC_JOINED) \
	X(ptr, SC_ADDR, "_sc_ulong", "0x%x", NULL, 0)                                \
	X(path, SC_STRING, "_sc_ulong", "%s", NULL, 0)                               \
	X(str, SC_STRING, "_sc_ulong", "%s", NULL, 0)                                \
	X(buf, SC_ADDR, "_sc_ulong", "%s", "_sc_ubuf_quoted", SC_REF)                \
	X(argv, SC_ADDR, "_sc_ulong", "%s", "_sc_argv_str", 0)                       \
	X(envp, SC_ADDR, "_sc_ulong", "%s", "_sc_envp_str", 0)                       \
	X(open_flags, SC_VAL, "_sc_int", "%s", "_sys_open_flag_str", 0)              \
	X(fd_flags, SC_VAL, "_sc_int", "%s", "_sc_fd_flags_str", 0)                  \
	X(at_flags, SC_VAL, "_sc_int", "%s", "_at_flag_str", 0)                      \
	X(prot, SC_VAL, "_sc_ulong", "%s", "_mprotect_prot_str", 0)                  \
	X(mmap_flags, SC_VAL, "_sc_ulong", "%s", "_mmap_flags", 0)                   \
	X(mremap_flags, SC_VAL, "_sc_ulong", "%s", "_mremap_flags", 0)               \
	X(msync_flags, SC_VAL, "_sc_int", "%s", "_msync_flag_str", 0)                \
	X(madvice, SC_VAL, "_sc_int", "%s", "_madvice_advice_str", 0)                \
	X(whence, SC_VAL, "_sc_uint", "%s", "_seek_whence_str", 0)                   \
	X(access_mode, SC_VAL, "_sc_int", "%s", "_access_mode_str", 0)               \
	X(fcntl_cmd, SC_VAL, "_sc_uint", "%s", "_fcntl_cmd_str", 0)                  \
	X(flock_cmd, SC_VAL, "_sc_uint", "%s", "_flock_cmd_str", 0)                  \
	X(sigprocmask_how, SC_VAL, "_sc_int", "%s", "_sigprocmask_how_str", 0)       \
	X(signal, SC_VAL, "_sc_int", "%s", "_signal_name", 0)                        \
	X(sock_family, SC_VAL, "_sc_int", "%s", "_sock_family_str", 0)               \
	X(sock_type, SC_VAL, "_sc_int", "%s", "_sock_type_str", 0)                   \
	X(msg_flags, SC_VAL, "_sc_uint", "%s", "_msg_flags_str", 0)                  \
	X(shutdown_how, SC_VAL, "_sc_int", "%s", "_shutdown_how_str", 0)             \
	X(futex_op, SC_VAL, "_sc_int", "%s", "_futex_op_str", 0)                     \
	X(clone_flags, SC_VAL, "_sc_ulong", "%s", "_clone_flags_str", 0)             \
	X(wait_options, SC_VAL, "_sc_int", "%s", "_wait4_opt_str", 0)                \
	X(epoll_op, SC_VAL, "_sc_int", "%s", "_epoll_op_str", 0)                     \
	X(rlimit_resource, SC_VAL, "_sc_uint", "%s", "_rlimit_resource_str", 0)      \
	X(clockid, SC_VAL, "_sc_int", "%s", "_clockid_str", 0)

enum syscall_kind {
#define X(k, var, reader, dir, fmt, flags) SK_##k,
	SC_KIND_LIST(X)
#undef X
	SK_COUNT
};

static const struct sc_kind {
	const char *name;
	enum sc_var var;
	const char *reader, *directive, *formatter;
	int flags;
} sc_kinds[] = {
#define X(k, v, reader, dir, fmt, fl) { #k, v, reader, dir, fmt, fl },
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

static __attribute__((format(printf, 2, 3))) void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
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
	static const char *const sep = ", ";
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
	if (d->nargs == 0) {
		sb_puts(b, "\targstr = \"\"\n}\n");
		return;
	}
	sb_puts(b, "\targstr = sprintf(\"");
	for (i = 0; i < d->nargs; i++) {
		const struct sc_kind *k = &sc_kinds[d->args[i].kind];

		if (i && !(k->flags & SC_JOINED))
			sb_puts(b, sep);
		sb_puts(b, k->directive);
	}
	sb_puts(b, "\"");
	for (i = 0; i < d->nargs; i++) {
		const struct syscall_arg *arg = &d->args[i];
		const struct sc_kind *k = &sc_kinds[arg->kind];
		const char *var = k->var == SC_STRING ? arg->name : arg_var(a, arg);

		if (!k->formatter)
			sb_printf(b, ", %s", var);
		else if (k->flags & SC_REF)
			sb_printf(b, ", %s(%s, %s)", k->formatter, var,
				  arg_var(a, &d->args[arg->ref]));
		else
			sb_printf(b, ", %s(%s)", k->formatter, var);
	}
	sb_puts(b, ")\n}\n");
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

const char *syscall_tapset_generate(struct arena *a, const struct syscall_table *t)
{
	struct sbuf b = { a, NULL, 0, 0 };
	int i;

	sb_puts(&b, "# syscall.NAME and syscall.NAME.return for every x86-64 syscall:\n"
		    "# generated by gstap from tapsets/syscalls.def (inject/syscall_tapset.c)\n\n");
	emit_errno(&b);
	for (i = 0; i < t->n; i++) {
		const struct syscall_def *d = &t->defs[i];

		if (!d->entry)
			continue;	/* sys_ni_syscall on x86-64: nothing to probe */
		emit_entry(a, &b, d);
		emit_return(&b, d);
	}
	return b.s;
}

const char *syscall_tapset_source(struct arena *a, const char *table_path)
{
	struct src_file *src = src_file_load(table_path);
	struct syscall_table t;

	if (!src) {
		diag_fatal("cannot read syscall table '%s': %s", table_path, strerror(errno));
		return NULL;
	}
	src->is_library = 1;
	if (syscall_table_parse(a, src, &t) < 0)
		return NULL;
	return syscall_tapset_generate(a, &t);
}
