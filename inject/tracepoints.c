/* tracepoints.c - the target's tracepoints: events and arguments from BTF
 * (__traceiter_<event>), systems from tracefs or the trace headers; see
 * tracepoints.h. */
#include "tracepoints.h"
#include "btf.h"
#include "ksyms.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

/* The event list of one release, sorted by event name for lookups. */
struct tp_table {
	struct tp_table *next;
	const char *release;
	struct tracepoint *v;
	int n;
	unsigned char *strength;	/* per event: how its system was found */
	size_t *prefix_len;		/* per event, SYS_PREFIX: the longest prefix */
	int *hash;			/* open addressing: event index + 1, 0 empty */
	unsigned hash_mask;
	const char *why;		/* when v is NULL */
};

enum { SYS_NONE, SYS_PREFIX, SYS_MENTIONED, SYS_DEFINED };

static struct arena tp_arena;
static struct tp_table *tables;
static const char *last_error;

void tracepoints_cache_free(void)
{
	arena_free(&tp_arena);
	tables = NULL;
	last_error = NULL;
}

const char *tracepoints_error(void)
{
	return last_error ? last_error : "no error";
}

static int cmp_event(const void *a, const void *b)
{
	return strcmp(((const struct tracepoint *)a)->event,
		      ((const struct tracepoint *)b)->event);
}

static unsigned name_hash(const char *s, size_t len)
{
	unsigned h = 2166136261u;	/* FNV-1a */

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Index the sorted events by name: the header scan looks up every
 * identifier of ~170 files, a hash keeps that cheap. */
static void hash_events(struct tp_table *tt)
{
	unsigned cap = 64;
	int i;

	while (cap < (unsigned)tt->n * 2)
		cap *= 2;
	tt->hash = arena_alloc(&tp_arena, sizeof(int) * cap);
	tt->hash_mask = cap - 1;
	for (i = 0; i < tt->n; i++) {
		unsigned h = name_hash(tt->v[i].event, strlen(tt->v[i].event)) & tt->hash_mask;

		while (tt->hash[h])
			h = (h + 1) & tt->hash_mask;
		tt->hash[h] = i + 1;
	}
}

static struct tracepoint *find_event(struct tp_table *tt, const char *event, size_t len)
{
	unsigned h = name_hash(event, len) & tt->hash_mask;

	for (; tt->hash[h]; h = (h + 1) & tt->hash_mask) {
		struct tracepoint *tp = &tt->v[tt->hash[h] - 1];

		if (!strncmp(tp->event, event, len) && !tp->event[len])
			return tp;
	}
	return NULL;
}

/* Every FUNC __traceiter_<event>(void *__data, args...) is a tracepoint. */
static int events_from_btf(struct tp_table *tt, const struct btf *btf)
{
	static const char prefix[] = "__traceiter_";
	struct ptrvec found = { 0 };
	unsigned id, n = btf__type_cnt(btf);
	int i;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (btf_is_func(t) && !strncmp(name, prefix, sizeof(prefix) - 1))
			ptrvec_push(&tp_arena, &found, (void *)(uintptr_t)id);
	}
	tt->n = found.n;
	tt->v = arena_alloc(&tp_arena, sizeof(*tt->v) * (size_t)(found.n + 1));
	tt->strength = arena_alloc(&tp_arena, (size_t)found.n + 1);
	tt->prefix_len = arena_alloc(&tp_arena, sizeof(size_t) * ((size_t)found.n + 1));
	for (i = 0; i < found.n; i++) {
		const struct btf_type *f = btf__type_by_id(btf, (unsigned)(uintptr_t)found.v[i]);
		const struct btf_type *proto = btf__type_by_id(btf, f->type);
		const struct btf_param *p = btf_params(proto);
		struct tracepoint *tp = &tt->v[i];
		int j, np = btf_vlen(proto);

		tp->event = btf__name_by_offset(btf, f->name_off) + sizeof(prefix) - 1;
		tp->system = "unknown";
		tp->nargs = np > 0 ? np - 1 : 0;	/* drop void *__data */
		tp->args = arena_alloc(&tp_arena, sizeof(*tp->args) * (size_t)(tp->nargs + 1));
		for (j = 0; j < tp->nargs; j++) {
			const char *an = btf__name_by_offset(btf, p[j + 1].name_off);

			tp->args[j].name = an && *an ? an : arena_printf(&tp_arena, "arg%d", j + 1);
			tp->args[j].type_id = (int)p[j + 1].type;
			tp->args[j].c_type = btf_type_name(&tp_arena, btf, (int)p[j + 1].type);
		}
	}
	qsort(tt->v, (size_t)tt->n, sizeof(*tt->v), cmp_event);
	hash_events(tt);
	return tt->n;
}

static void assign(struct tp_table *tt, const char *event, size_t len, const char *system,
		   int strength)
{
	struct tracepoint *tp = find_event(tt, event, len);

	if (tp && tt->strength[tp - tt->v] < strength) {
		tp->system = system;
		tt->strength[tp - tt->v] = (unsigned char)strength;
	}
}

/* Events named "<ident>_<suffix>", placed with the weakest confidence:
 * local wrappers DEFINE_xxx(ident) / TRACE_xxx(ident) that paste the name
 * (DEFINE_IRQ_VECTOR_EVENT(local_timer) defines local_timer_entry and
 * local_timer_exit). The longest such prefix wins. */
static void assign_prefixed(struct tp_table *tt, const char *ident, size_t len,
			    const char *system)
{
	int lo = 0, hi = tt->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (strncmp(tt->v[mid].event, ident, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < tt->n && !strncmp(tt->v[lo].event, ident, len); lo++)
		if (tt->v[lo].event[len] == '_' && (tt->strength[lo] < SYS_PREFIX ||
		    (tt->strength[lo] == SYS_PREFIX && tt->prefix_len[lo] < len))) {
			tt->v[lo].system = system;
			tt->strength[lo] = SYS_PREFIX;
			tt->prefix_len[lo] = len;
		}
}

/* The macros that define a tracepoint, and which argument names it. */
static const struct {
	const char *macro;
	int arg;		/* 0-based argument holding the event name */
} defining_macros[] = {
	{ "TRACE_EVENT", 0 }, { "TRACE_EVENT_FN", 0 }, { "TRACE_EVENT_FN_COND", 0 },
	{ "TRACE_EVENT_CONDITION", 0 }, { "DECLARE_TRACE", 0 },
	{ "DECLARE_TRACE_CONDITION", 0 }, { "DEFINE_EVENT", 1 }, { "DEFINE_EVENT_FN", 1 },
	{ "DEFINE_EVENT_PRINT", 1 }, { "DEFINE_EVENT_CONDITION", 1 },
};

static int ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* The identifier that is argument #arg of the macro call opening at p
 * (just after the macro name), or NULL. */
static const char *macro_arg(const char *p, int arg, size_t *len)
{
	while (isspace((unsigned char)*p))
		p++;
	if (*p++ != '(')
		return NULL;
	for (;;) {
		const char *start;

		while (isspace((unsigned char)*p))
			p++;
		start = p;
		while (ident_char((unsigned char)*p))
			p++;
		if (!arg) {
			*len = (size_t)(p - start);
			return *len ? start : NULL;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p++ != ',')
			return NULL;
		arg--;
	}
}

/* Scan one trace header: "#define TRACE_SYSTEM s" sets the system of the
 * tracepoints its defining macros name that follow; any other identifier
 * equal to an event still unplaced is placed there weakly (events defined
 * through a local wrapper macro). */
static void scan_header(struct tp_table *tt, const char *path)
{
	FILE *f = fopen(path, "r");
	char *text, *p;
	const char *system = NULL;
	long size;

	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return;
	}
	text = xmalloc((size_t)size + 1);
	size = (long)fread(text, 1, (size_t)size, f);
	text[size] = 0;
	fclose(f);
	for (p = text; *p;) {
		const char *start;
		size_t len, i;

		if (!ident_char((unsigned char)*p)) {
			if (p[0] == '/' && p[1] == '*') {	/* comments name events too */
				char *end = strstr(p + 2, "*/");

				p = end ? end + 2 : p + strlen(p);
				continue;
			}
			p++;
			continue;
		}
		start = p;
		while (ident_char((unsigned char)*p))
			p++;
		len = (size_t)(p - start);
		if (len == 12 && !strncmp(start, "TRACE_SYSTEM", 12) && start > text + 7 &&
		    !strncmp(start - 7, "define ", 7)) {
			const char *s = p;

			while (*s == ' ' || *s == '\t')
				s++;
			start = s;
			while (ident_char((unsigned char)*s))
				s++;
			if (s > start)
				system = arena_strndup(&tp_arena, start, (size_t)(s - start));
			p = (char *)s;
			continue;
		}
		if (!system || isdigit((unsigned char)*start))
			continue;
		for (i = 0; i < sizeof(defining_macros) / sizeof(defining_macros[0]); i++) {
			const char *m = defining_macros[i].macro, *ev;
			size_t evlen;

			if (*start != *m || strlen(m) != len || strncmp(start, m, len))
				continue;
			ev = macro_arg(p, defining_macros[i].arg, &evlen);
			if (ev)
				assign(tt, ev, evlen, system, SYS_DEFINED);
			break;
		}
		assign(tt, start, len, system, SYS_MENTIONED);
		if (i == sizeof(defining_macros) / sizeof(defining_macros[0]) &&
		    (*start == 'D' || *start == 'T') &&
		    (!strncmp(start, "DEFINE_", 7) || !strncmp(start, "TRACE_", 6))) {
			const char *ev;
			size_t evlen;

			ev = macro_arg(p, 0, &evlen);
			if (ev && evlen >= 3)
				assign_prefixed(tt, ev, evlen, system);
		}
	}
	free(text);
}

static void scan_header_dir(struct tp_table *tt, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 2 && !strcmp(de->d_name + n - 2, ".h"))
			scan_header(tt, arena_printf(&tp_arena, "%s/%s", dir, de->d_name));
	}
	closedir(d);
}

/* tracefs of the running kernel: events/<system>/<event>/ */
static int systems_from_tracefs(struct tp_table *tt)
{
	static const char *const roots[] = { "/sys/kernel/tracing/events",
					     "/sys/kernel/debug/tracing/events" };
	size_t r;
	int placed = 0;

	for (r = 0; r < sizeof(roots) / sizeof(roots[0]) && !placed; r++) {
		DIR *d = opendir(roots[r]), *sd;
		struct dirent *de, *ee;

		if (!d)
			continue;
		while ((de = readdir(d))) {
			const char *system;

			if (de->d_name[0] == '.')
				continue;
			sd = opendir(arena_printf(&tp_arena, "%s/%s", roots[r], de->d_name));
			if (!sd)
				continue;
			system = arena_strdup(&tp_arena, de->d_name);
			while ((ee = readdir(sd)))
				if (ee->d_name[0] != '.') {
					assign(tt, ee->d_name, strlen(ee->d_name), system,
					       SYS_DEFINED);
					placed++;
				}
			closedir(sd);
		}
		closedir(d);
	}
	return placed;
}

static int is_running_release(const char *release)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.release, release);
}

static struct tp_table *table_get(const struct target_info *t)
{
	static const char *const roots[] = { "source", "build" };
	static const char *const dirs[] = { "include/trace/events", "include/trace", "include/ras",
					    "arch/x86/include/asm/trace", "arch/x86/include/asm" };
	struct tp_table *tt;
	const struct btf *btf;
	const char *why = NULL;
	size_t r, d;

	for (tt = tables; tt; tt = tt->next)
		if (!strcmp(tt->release, t->kernel_release))
			goto out;
	tt = ARENA_NEW(&tp_arena, struct tp_table);
	tt->release = arena_strdup(&tp_arena, t->kernel_release);
	tt->next = tables;
	tables = tt;
	btf = btf_kernel(t, &why);
	if (!btf) {
		tt->why = arena_printf(&tp_arena, "cannot list tracepoints: %s", why);
		goto out;
	}
	if (events_from_btf(tt, btf) == 0) {
		tt->why = arena_printf(&tp_arena, "kernel %s has no tracepoints in its BTF",
				       tt->release);
		tt->v = NULL;
		goto out;
	}
	if (!is_running_release(tt->release) || !systems_from_tracefs(tt))
		for (r = 0; r < sizeof(roots) / sizeof(roots[0]); r++)
			for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++)
				scan_header_dir(tt, arena_printf(&tp_arena, "/lib/modules/%s/%s/%s",
								 tt->release, roots[r], dirs[d]));
out:
	if (!tt->v)
		last_error = tt->why;
	return tt->v ? tt : NULL;
}

static int cmp_sys_event(const void *a, const void *b)
{
	const struct tracepoint *x = *(const struct tracepoint *const *)a;
	const struct tracepoint *y = *(const struct tracepoint *const *)b;
	int c = strcmp(x->system, y->system);

	return c ? c : strcmp(x->event, y->event);
}

/* Does the system glob accept tp? An event whose system could not be
 * found (no tracefs, no header) is taken on the user's word when named
 * exactly, and for a glob of events under a plain system name when it
 * carries that name as its prefix ("sched:*" takes sched_switch): the
 * convention nearly every TRACE_SYSTEM follows. */
static int system_matches(const char *system_glob, const struct tracepoint *tp,
			  const char *event_glob)
{
	size_t n = strlen(system_glob);

	if (ksyms_glob_match(system_glob, tp->system, 0))
		return 1;
	if (strcmp(tp->system, "unknown"))
		return 0;
	if (!ksyms_is_glob(event_glob))
		return 1;
	return !ksyms_is_glob(system_glob) && !strncmp(tp->event, system_glob, n) &&
	       tp->event[n] == '_';
}

int tracepoints_match(const struct target_info *t, const char *system_glob,
		      const char *event_glob, struct ptrvec *out, struct arena *a)
{
	struct tp_table *tt = table_get(t);
	int i, first = out->n;

	if (!tt)
		return -1;
	for (i = 0; i < tt->n; i++) {
		struct tracepoint *tp = &tt->v[i];

		if (system_glob ? !system_matches(system_glob, tp, event_glob) :
				  !strcmp(tp->system, "unknown") && ksyms_is_glob(event_glob))
			continue;
		if (!ksyms_glob_match(event_glob, tp->event, 0))
			continue;
		if (system_glob && !ksyms_is_glob(system_glob) && !strcmp(tp->system, "unknown")) {
			/* placed by the user's word: it carries their system */
			struct tracepoint *copy = ARENA_NEW(a, struct tracepoint);

			*copy = *tp;
			copy->system = arena_strdup(a, system_glob);
			tp = copy;
		}
		ptrvec_push(a, out, tp);
	}
	qsort(out->v + first, (size_t)(out->n - first), sizeof(void *), cmp_sys_event);
	return out->n - first;
}

const struct tracepoint *tracepoints_find(const struct target_info *t, const char *system,
					  const char *event)
{
	struct tp_table *tt = table_get(t);
	struct tracepoint *tp;

	if (!tt)
		return NULL;
	tp = find_event(tt, event, strlen(event));
	if (!tp || !system || !strcmp(system, tp->system))
		return tp;
	if (strcmp(tp->system, "unknown"))
		return NULL;
	/* an unknown system takes the user's word: a copy carries it */
	{
		struct tracepoint *copy = ARENA_NEW(&tp_arena, struct tracepoint);

		*copy = *tp;
		copy->system = arena_strdup(&tp_arena, system);
		return copy;
	}
}
