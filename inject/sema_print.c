/* sema_print.c - gstap -p2: the elaborated program in stap's -p2 layout.
 *
 *   # globals
 *   a:long [long, string]
 *   # functions
 *   f:string (x:long, y:string)
 *     # locals
 *     z:long
 *   { body }
 *   # probes
 *   kernel.function("vfs_read") /<- syscall.read>/
 *     # locals
 *     ...
 *   { body }
 *
 * Bodies are printed with pass 1's printer (stap prints them with -v).
 */
#include "parse.h"
#include "sema_internal.h"

#include <stdio.h>

static void print_sym(FILE *out, const struct sym *s, const char *indent)
{
	int i;

	fprintf(out, "%s%s:%s", indent, s->name, type_names[s->type]);
	if (s->is_array && s->nkeys > 0) {
		fputs(" [", out);
		for (i = 0; i < s->nkeys; i++)
			fprintf(out, "%s%s", i ? ", " : "", type_names[s->key_types[i]]);
		fputc(']', out);
	}
	fputc('\n', out);
}

static void print_locals(FILE *out, const struct ptrvec *locals)
{
	int i;

	if (!locals->n)
		return;
	fputs("  # locals\n", out);
	for (i = 0; i < locals->n; i++)
		print_sym(out, locals->v[i], "  ");
}

static void print_body(FILE *out, const struct stmt *body, const char *embedded)
{
	if (embedded)
		fprintf(out, "%%{%s%%}\n", embedded);
	else if (body) {
		print_stmt(out, body, 0);
		fputc('\n', out);
	}
}

void print_program(FILE *out, const struct program *prog)
{
	int i, j;

	if (prog->globals.n)
		fputs("# globals\n", out);
	for (i = 0; i < prog->globals.n; i++)
		print_sym(out, prog->globals.v[i], "");
	if (prog->funcs.n)
		fputs("# functions\n", out);
	for (i = 0; i < prog->funcs.n; i++) {
		const struct func *f = prog->funcs.v[i];

		fprintf(out, "%s:%s (", f->name, type_names[f->ret_type]);
		for (j = 0; j < f->params.n; j++) {
			const struct sym *p = f->params.v[j];

			fprintf(out, "%s%s:%s", j ? ", " : "", p->name, type_names[p->type]);
		}
		fputs(")\n", out);
		print_locals(out, &f->locals);
		print_body(out, f->body, f->embedded);
	}
	if (prog->probes.n)
		fputs("# probes\n", out);
	for (i = 0; i < prog->probes.n; i++) {
		const struct sema_dprobe *sd = prog->probes.v[i];
		const struct derived_probe *dp = &sd->dp;

		fprintf(out, "%s /* <- %s */", dp->pp, sd->origin);
		if (dp->condition) {
			fputs(" if (", out);
			print_expr(out, dp->condition);
			fputc(')', out);
		}
		fputc('\n', out);
		print_locals(out, &dp->locals);
		print_body(out, dp->body, NULL);
	}
}
