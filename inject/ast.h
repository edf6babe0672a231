/* ast.h - the stap abstract syntax tree, shared by every pass.
 *
 * Pass 1 (parse.c) builds it in the compilation's arena; pass 2 (sema*.c)
 * annotates it in place (types, symbol links, target-variable access plans);
 * pass 3 (gen*.c) reads it. Lists are ptrvecs (arena-backed arrays).
 */
#ifndef INJECT_AST_H
#define INJECT_AST_H

#include "arena.h"
#include "diag.h"

#include <stdint.h>

/* Value types of stap. */
#define TYPE_LIST(X)          \
	X(TY_UNKNOWN, "unknown") \
	X(TY_LONG, "long")       \
	X(TY_STRING, "string")   \
	X(TY_STATS, "stats")     \
	X(TY_VOID, "void")
enum type {
#define X(e, s) e,
	TYPE_LIST(X)
#undef X
};
extern const char *const type_names[];

/* Operators: enum, spelling. Binary, unary and assignment share one table. */
#define OP_LIST(X)                                      \
	X(OP_ADD, "+") X(OP_SUB, "-") X(OP_MUL, "*")     \
	X(OP_DIV, "/") X(OP_MOD, "%") X(OP_SHL, "<<")    \
	X(OP_SHR, ">>") X(OP_BAND, "&") X(OP_BOR, "|")   \
	X(OP_BXOR, "^") X(OP_LAND, "&&") X(OP_LOR, "||") \
	X(OP_LT, "<") X(OP_LE, "<=") X(OP_GT, ">")       \
	X(OP_GE, ">=") X(OP_EQ, "==") X(OP_NE, "!=")     \
	X(OP_CONCAT, ".")                                \
	X(OP_NEG, "-") X(OP_POS, "+") X(OP_NOT, "!")     \
	X(OP_BNOT, "~")                                  \
	X(OP_ASSIGN, "=")                                \
	X(OP_REGEX_MATCH, "=~") X(OP_REGEX_NOMATCH, "!~")
enum op {
#define X(e, s) e,
	OP_LIST(X)
#undef X
	OP_NONE
};
extern const char *const op_spelling[];

/* Statistic extractors and histograms. */
#define STATOP_LIST(X)                                              \
	X(STAT_COUNT, "@count") X(STAT_SUM, "@sum") X(STAT_MIN, "@min") \
	X(STAT_MAX, "@max") X(STAT_AVG, "@avg")                         \
	X(STAT_VARIANCE, "@variance")                                   \
	X(STAT_HIST_LOG, "@hist_log") X(STAT_HIST_LINEAR, "@hist_linear")
enum statop {
#define X(e, s) e,
	STATOP_LIST(X)
#undef X
};
extern const char *const statop_spelling[];

#define EXPR_LIST(X)                                                       \
	X(E_NUM)	/* num */                                                 \
	X(E_STR)	/* str (unescaped bytes, NUL-terminated) */               \
	X(E_VAR)	/* name; sema sets sym; comps: autocast p->f (also on */  \
			/* E_INDEX and E_CALL) */                                 \
	X(E_INDEX)	/* base (E_VAR of an array), args = keys; a '*' key */    \
			/* (delete a[*,k], [*,k] in a) is an E_VAR named "*" */   \
	X(E_TARGET)	/* $name / $$vars...: name incl. $, comps, pretty */      \
	X(E_CAST)	/* @cast(left, str [, str2 module]) comps, pretty */      \
	X(E_ATVAR)	/* @var("name@file" [, "module"]) comps */                \
	X(E_DEFINED)	/* @defined(left) */                                      \
	X(E_ENTRY)	/* @entry(left) */                                        \
	X(E_PROBEWRITE)	/* @probewrite(left) */                                   \
	X(E_UNARY)	/* op left; OP_BAND is address-of (&$x->f, &p->f) */     \
	X(E_BINARY)	/* left op right (incl. OP_CONCAT, regex ops) */          \
	X(E_ASSIGN)	/* left op= right; op is OP_ASSIGN or the compound op */  \
	X(E_PREINC) X(E_PREDEC) X(E_POSTINC) X(E_POSTDEC) /* left */      \
	X(E_TERNARY)	/* cond ? left : right */                                 \
	X(E_CALL)	/* name(args); sema sets func. Also @const @kderef */     \
			/* @uderef @kregister @uregister @perf, name with '@' */  \
	X(E_IN)		/* [args] in base */                                      \
	X(E_STAT_ADD)	/* left <<< right */                                      \
	X(E_STAT)	/* statop(left [, args for hist_linear]) */               \
	X(E_HIST_INDEX)	/* @hist_xxx(left)[args[0]] */                            \
	X(E_EMBEDDED)	/* %{ code %} as an expression; code */
enum expr_kind {
#define X(e) e,
	EXPR_LIST(X)
#undef X
};

/* One step of a target-variable path: ->field or .field, or [index]. */
struct component {
	struct loc loc;
	enum { COMP_FIELD, COMP_INDEX } kind;
	const char *field;
	struct expr *index;
};

/* How pass 3 reads a target variable (filled by sema_tvar.c from BTF).
 * The steps run in order on one 64-bit "value"; the first step loads it.
 * Loads from registers or memory truncate to size bytes and then sign- or
 * zero-extend by is_signed. A write ($x = v, guru) stores to the place the
 * last load step read: the register for TV_REG_ARG/TV_RETVAL, the memory for
 * TV_DEREF (read-modify-write when a TV_BITFIELD follows). */
struct tvar_step {
	enum {
		TV_REG_ARG,	/* value = argument #offset (0-based) of the probed
				 * function: di si dx cx r8 r9 for a kprobe; the
				 * TP_PROTO argument #offset for a tracepoint */
		TV_RETVAL,	/* value = return register (ax) */
		TV_ADD,		/* value += offset (address arithmetic) */
		TV_DEREF,	/* value = size bytes at address value, read with a
				 * fault-checked kernel read (error on fault) */
		TV_BITFIELD,	/* value = bits [offset, offset+size) of value */
		TV_USER_ARG,	/* value = syscall user argument #offset, read
				 * from the pt_regs that __x64_sys_* receives */
		TV_EXPR,	/* value = value of the expression expr (the
				 * @cast operand, the @var address) */
		TV_INDEX,	/* value += (value of expr) * offset (array step
				 * with a run-time index; offset = element size) */
		TV_UDEREF,	/* like TV_DEREF, from user memory (process
				 * probes), a fault-checked user read */
	} kind;
	long offset;
	int size;		/* bytes for loads and DEREF, bits for BITFIELD */
	int is_signed;
	struct expr *expr;	/* TV_EXPR, TV_INDEX */
};

/* One piece of a pretty string ($$parms, $x$, $x$$): pass 3 prints text,
 * then the value (if any) in fmt; an unreadable value prints as "?". */
struct tvar_pretty {
	const char *text;	/* literal: "file=", " count=", "{.f_mode=", "}" */
	struct tvar_access *value;	/* NULL: text only */
	enum { TVP_HEX, TVP_DEC, TVP_UDEC, TVP_STRING, TVP_CHAR,
	       TVP_USTRING	/* string at a user address (process probes) */
	} fmt;
};

struct tvar_access {
	struct tvar_step *steps;
	int nsteps;
	int result_is_string;	/* char * or char[]: read as kernel string */
	int result_is_array;	/* an array in place: the value is its address
				 * (stap's rule; kernel_string() reads char[N]) */
	const char *c_type;	/* C type text for -L and pretty printing */
	struct tvar_pretty *pretty;	/* non-NULL: the result is this string */
	int npretty;
	int at_entry;		/* .return probe: evaluate in the entry handler
				 * into @entry slot entry_slot, read the slot here */
	int entry_slot;
	int user_memory;	/* process probe: result strings are user memory */
};

struct sym;
struct func;
struct deferred_body;	/* parse.c: a library body not parsed into the tree yet */

/* Fields ordered for size (176 bytes, no padding holes): pass 1 makes
 * hundreds of thousands of these for the library's bodies. */
struct expr {
	struct loc loc;
	int64_t num;
	const char *str;		/* E_STR literal, E_CAST type, E_ATVAR name */
	const char *str2;		/* E_CAST/E_ATVAR module */
	const char *name;		/* E_VAR, E_CALL, E_TARGET ("$x", "$$parms") */
	const char *code;		/* E_EMBEDDED */
	struct expr *left, *right, *cond, *base;
	struct ptrvec args;		/* struct expr *: call args, keys */
	struct ptrvec comps;		/* struct component * */
	enum expr_kind kind;
	enum type type;			/* set by sema */
	enum op op;
	enum statop statop;
	int pretty;			/* trailing $ (1) or $$ (2) */
	/* sema annotations */
	int entry_slot;			/* E_ENTRY: saved-value slot */
	struct sym *sym;		/* E_VAR, E_INDEX base, E_IN base */
	struct func *func;		/* E_CALL */
	struct tvar_access *tvar;	/* E_TARGET, E_CAST, E_ATVAR */
};

#define STMT_LIST(X)                                                      \
	X(S_BLOCK)	/* body (struct stmt *) */                               \
	X(S_EXPR)	/* expr */                                               \
	X(S_NULL)	/* ; */                                                  \
	X(S_IF)		/* cond then else_ (may be NULL) */                      \
	X(S_WHILE)	/* cond then */                                          \
	X(S_FOR)	/* init cond incr then (each may be NULL) */             \
	X(S_FOREACH)	/* see struct foreach */                                 \
	X(S_BREAK) X(S_CONTINUE) X(S_NEXT)                                 \
	X(S_RETURN)	/* expr may be NULL */                                   \
	X(S_DELETE)	/* expr: E_VAR (whole array) or E_INDEX (element) */    \
	X(S_TRY)	/* then = try block, else_ = catch block, catch_var */   \
	X(S_EMBEDDED)	/* %{ code %} as a statement (guru) */
enum stmt_kind {
#define X(e) e,
	STMT_LIST(X)
#undef X
};

struct foreach {
	struct ptrvec keys;		/* const char * key variable names */
	struct sym **key_syms;		/* sema: one per key */
	const char *value;		/* "v = [k] in a": v, or NULL */
	struct sym *value_sym;
	struct expr *array;		/* E_VAR naming the array */
	int sort_column;		/* 0 none, 1..n key column, -1 value */
	int sort_dir;			/* +1 ascending, -1 descending */
	enum statop sort_stat;		/* foreach (k in a @sum-): what a value sort
					 * of statistics sorts by; STAT_COUNT default */
	struct expr *limit;		/* or NULL */
	struct ptrvec slice;		/* foreach (... in a[k, *]): struct expr * keys */
};

struct stmt {
	enum stmt_kind kind;
	struct loc loc;
	struct ptrvec body;		/* S_BLOCK */
	struct expr *expr, *cond;
	struct stmt *init, *incr;	/* S_FOR: expression statements */
	struct stmt *then, *else_;
	struct foreach *fe;
	const char *catch_var;		/* S_TRY: catch(msg) */
	struct sym *catch_sym;
	const char *code;		/* S_EMBEDDED */
};

/* A variable: global, local, function parameter. */
struct sym {
	const char *name;
	struct loc loc;			/* where declared or first assigned */
	enum { SYM_GLOBAL, SYM_LOCAL, SYM_PARAM } scope;
	enum type type;			/* value type (for arrays: of values) */
	struct loc type_loc;		/* where the type was first inferred */
	int is_array;
	int nkeys;			/* array arity, -1 until known */
	enum type *key_types;		/* nkeys entries */
	long max_entries;		/* global a[N]; 0 = MAXMAPENTRIES */
	int wrap;			/* global a% */
	int is_private;
	struct expr *init;		/* global x = literal */
	int index;			/* slot number, assigned by sema */
	int used, written;
	const char *c_name;		/* set by pass 3 */
};

struct global_decl {
	struct loc loc;
	struct sym *sym;
	const struct src_file *file;
};

struct func {
	const char *name;
	struct loc loc;
	struct ptrvec params;		/* struct sym * (scope SYM_PARAM) */
	enum type ret_type;		/* declared (function f:long(...)) or inferred */
	struct loc ret_type_loc;
	struct stmt *body;		/* S_BLOCK, or NULL when embedded */
	struct deferred_body *deferred;	/* library: body is NULL until pass 2
					 * calls parse_materialize_func() */
	const char *embedded;		/* %{ ... %} body */
	int pragma_pure, pragma_guru, pragma_unprivileged, pragma_unmodified_fnargs;
	int is_private;
	int from_library;
	struct ptrvec locals;		/* struct sym *, filled by sema */
	int used;			/* reachable from a probe */
	int recursion_possible;
	struct func *next_overload;	/* sema: same name and arity, next in
					 * order; a 'next' in this body calls it */
	int has_priority;		/* function f():N - overload order */
	int64_t priority;		/* (default: 0 script, 1 library) */
};

/* A probe point: components separated by '.', each with an optional
 * literal argument. Name strings keep globs and {a,b} alternatives verbatim. */
struct pp_component {
	struct loc loc;
	const char *name;
	enum { PPARG_NONE, PPARG_NUM, PPARG_STR } arg_kind;
	int64_t num;
	const char *str;
};

struct probe_point {
	struct loc loc;
	struct ptrvec comps;		/* struct pp_component * */
	int optional;			/* ? */
	int sufficient;			/* ! */
	struct expr *condition;		/* if (expr), or NULL */
};

struct probe {
	struct loc loc;
	struct ptrvec points;		/* struct probe_point * */
	struct stmt *body;
	int is_alias;			/* probe a.b = ... or += ... */
	int alias_epilogue;		/* += form */
	struct ptrvec alias_names;	/* struct probe_point *: the alias's names */
	struct stmt *epilogue_body;	/* {prologue},{epilogue} form */
	struct deferred_body *deferred, *deferred_epilogue;	/* library alias: the
					 * bodies wait for parse_materialize_probe() */
	int from_library;
	/* sema */
	struct ptrvec locals;		/* struct sym * */
	int id;
};

/* A concrete probe after pass 2: aliases expanded, globs and alternatives
 * resolved, one per kernel attachment point. Pass 3 emits one handler per
 * derived probe (handlers of the same body may be shared). */
#define PROBE_KIND_LIST(X)                                           \
	X(PK_BEGIN, "begin") X(PK_END, "end") X(PK_ERROR, "error")     \
	X(PK_NEVER, "never") X(PK_TIMER, "timer")                      \
	X(PK_TIMER_PROFILE, "timer.profile")                           \
	X(PK_KPROBE, "kprobe") X(PK_KRETPROBE, "kretprobe")            \
	X(PK_TRACEPOINT, "tracepoint")                                 \
	X(PK_UPROBE, "uprobe") X(PK_URETPROBE, "uretprobe")
enum probe_kind {
#define X(e, s) e,
	PROBE_KIND_LIST(X)
#undef X
};

struct derived_probe {
	struct loc loc;
	enum probe_kind kind;
	const char *pp;			/* canonical text for pp() */
	struct stmt *body;		/* alias prologue + body + epilogue */
	struct ptrvec locals;		/* struct sym * */
	struct expr *condition;		/* probe point if (...), or NULL */
	int64_t seq;			/* begin/end/error sequence number */
	int64_t period_ns;		/* timer */
	int64_t randomize_ns;
	int timer_jiffies;		/* timer.jiffies/hz: period in jiffies */
	const char *symbol;		/* kprobe target */
	const char *module;		/* NULL for the kernel */
	int64_t offset;
	int maxactive;
	int is_call;			/* .call: not inlined sites only */
	const char *tp_system, *tp_event;
	const char *path;		/* uprobe binary */
	uint64_t uoffset;		/* uprobe file offset */
	int nentry;			/* @entry() slots */
	int id;
};

/* One parsed file: a user script or a tapset file. */
struct file_ast {
	const struct src_file *file;
	struct ptrvec globals;		/* struct global_decl * */
	struct ptrvec funcs;		/* struct func * */
	struct ptrvec probes;		/* struct probe * (aliases too) */
	struct ptrvec embedded;		/* const char *: top-level %{ %} */
	struct ptrvec embedded_locs;	/* struct loc * matching embedded */
	int is_library;
};

/* Facts about the target that the preprocessor %( %) and sema need. */
struct target_info {
	const char *kernel_release;	/* "6.1.0-56-amd64" */
	const char *arch;		/* "x86_64" */
	const char *runtime;		/* "kernel" */
	const char *privilege;		/* "stapdev" */
	int guru_mode;
	/* CONFIG_X lookup: returns "y", "m", a string, or NULL when unset */
	const char *(*config)(void *ctx, const char *name);
	void *config_ctx;
	const char *systemtap_version;	/* compat version, "4.8" */
};

/* A whole compilation: every parsed file plus the elaborated result. */
struct program {
	struct arena *arena;
	const struct target_info *target;
	struct ptrvec files;		/* struct file_ast *: user first */
	/* after pass 2: only what is used */
	struct ptrvec probes;		/* struct derived_probe * */
	struct ptrvec funcs;		/* struct func * */
	struct ptrvec globals;		/* struct sym * */
	struct ptrvec embedded;		/* const char * top-level C pulled in */
	int guru;			/* -g */
	/* pass 1 */
	void *macros;			/* struct macro_table *: @defines of .stpm files */
	struct ptrvec script_args;	/* const char *: $1 @1 ... substituted by the parser */
};

#endif
