/* list.c - what the library and the target offer, as stap lists it.
 *
 *   -l PATTERN   every probe point PATTERN resolves to, one per line,
 *                sorted: alias names as matched ("syscall.openat"), else
 *                the concrete point ("kernel.function(\"vfs_read\")");
 *   -L PATTERN   the same with the context variables: the alias's locals
 *                ("name:string") then the target variables ("$fd:int");
 *   --dump-probe-types  the built-in probe point shapes;
 *   --dump-functions    the library's functions with their declared types.
 *
 * -l resolves the pattern as the point of an empty probe "probe PATTERN {}"
 * in pass 2's list mode (no bodies); -L elaborates fully, so the aliases'
 * locals have types.
 */
#include "list.h"
#include "parse.h"
#include "sema_internal.h"
#include "sema_tvar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int list_requested(const struct session *s)
{
	return s->list_pattern || s->dump_probe_types || s->dump_functions;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort and print the lines, each once. */
static void print_unique(FILE *out, struct ptrvec *lines)
{
	int i;

	qsort(lines->v, (size_t)lines->n, sizeof(void *), cmp_str);
	for (i = 0; i < lines->n; i++)
		if (!i || strcmp(lines->v[i], lines->v[i - 1]))
			fprintf(out, "%s\n", (const char *)lines->v[i]);
}

static int dump_probe_types(void)
{
	struct ptrvec lines = { 0 };
	struct arena a;
	const char *s;
	int i;

	arena_init(&a);
	for (i = 0; (s = sema_probe_shape(i)); i++)
		ptrvec_push(&a, &lines, (void *)s);
	print_unique(stdout, &lines);
	arena_free(&a);
	return 0;
}

static const char *func_line(struct arena *a, const struct func *f)
{
	char *line = arena_printf(a, "%s:%s (", f->name,
				  type_names[f->ret_type == TY_VOID ? TY_UNKNOWN : f->ret_type]);
	int i;

	for (i = 0; i < f->params.n; i++) {
		const struct sym *p = f->params.v[i];

		line = arena_printf(a, "%s%s%s:%s", line, i ? ", " : "", p->name,
				    type_names[p->type]);
	}
	line = arena_printf(a, "%s)", line);
	if (f->pragma_unprivileged)
		line = arena_printf(a, "%s /* unprivileged */", line);
	if (f->pragma_guru)
		line = arena_printf(a, "%s /* guru */", line);
	return line;
}

static int dump_functions(struct session *s)
{
	struct ptrvec lines = { 0 };
	FILE *quiet = fopen("/dev/null", "w"), *saved = diag.out;
	int i, j;

	/* infer what the bodies imply; a function that does not elaborate
	 * alone keeps its declared types */
	diag.out = quiet ? quiet : saved;
	sema_type_library_functions(&s->prog);
	diag.out = saved;
	if (quiet)
		fclose(quiet);
	diag_reset();

	for (i = 0; i < s->prog.files.n; i++) {
		const struct file_ast *f = s->prog.files.v[i];

		for (j = 0; f && j < f->funcs.n; j++) {
			const struct func *fn = f->funcs.v[j];

			if (fn->is_private || fn->name[0] == '_')
				continue;
			ptrvec_push(&s->arena, &lines, (void *)func_line(&s->arena, fn));
		}
	}
	print_unique(stdout, &lines);
	return 0;
}

static const char *list_line(struct session *s, struct sema_dprobe *sd)
{
	struct ptrvec vars = { 0 };
	char *line = (char *)sd->list_name;
	int i;

	if (!s->list_vars)
		return line;
	for (i = 0; i < sd->dp.locals.n; i++) {
		const struct sym *l = sd->dp.locals.v[i];

		line = arena_printf(&s->arena, "%s %s:%s", line, l->name, type_names[l->type]);
	}
	if (sema_tvar_list(&s->prog, &sd->dp, &vars) > 0)
		for (i = 0; i < vars.n; i++)
			line = arena_printf(&s->arena, "%s %s", line, (const char *)vars.v[i]);
	return line;
}

static int list_probes(struct session *s)
{
	struct sema_options o = { .guru = 1, .list_mode = !s->list_vars,
				  .keep_locals = s->list_vars };
	struct ptrvec lines = { 0 };
	struct src_file *src;
	struct file_ast *f;
	int i;

	src = src_file_from_string("<list>", arena_printf(&s->arena, "probe %s ? {}",
							   s->list_pattern));
	f = parse_file(&s->prog, src, 0);
	if (!f)
		return 1;
	ptrvec_push(&s->arena, &s->prog.files, NULL);
	memmove(s->prog.files.v + 1, s->prog.files.v,
		sizeof(void *) * (size_t)(s->prog.files.n - 1));
	s->prog.files.v[0] = f;
	diag.suppress_warnings = 1;
	if (sema_elaborate(&s->prog, &o))
		return 1;
	for (i = 0; i < s->prog.probes.n; i++) {
		struct sema_dprobe *sd = s->prog.probes.v[i];

		/* the pattern's matches, not the probes of library files it pulled in */
		if (sd->file == src)
			ptrvec_push(&s->arena, &lines, (void *)list_line(s, sd));
	}
	print_unique(stdout, &lines);
	return lines.n ? 0 : 1;
}

int list_run(struct session *s)
{
	int n;

	if (s->dump_probe_types)
		return dump_probe_types();
	n = tapset_parse_library(s);
	if (n < 0)
		return 1;
	s->nlibrary_files = n;
	if (s->dump_functions)
		return dump_functions(s);
	return list_probes(s);
}
