/* session.c - sequence the five passes and print stap's -v pass lines. */
#include "session.h"
#include "cmdline.h"
#include "list.h"
#include "gen.h"
#include "parse.h"
#include "sema.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
	s->last_pass = 5;
	s->prog.arena = &s->arena;
	s->prog.target = &s->target;
}

void session_fini(struct session *s)
{
	arena_free(&s->arena);
}

/* The data directories: in-tree when the program runs from the build
 * directory of a checkout (build/../tapsets exists), else installed. */
const char *session_data_dir(const char *what)
{
	static char root[PATH_MAX];
	static int have_root = -1;
	static char buf[PATH_MAX + 64];
	const char *dir = what;

	if (have_root < 0) {
		char exe[PATH_MAX], probe[PATH_MAX + 32];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		struct stat st;
		char *slash;

		have_root = 0;
		if (n > 0) {
			exe[n] = 0;
			if ((slash = strrchr(exe, '/')))
				*slash = 0;
			snprintf(probe, sizeof(probe), "%s/../guru-runtime", exe);
			if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode) &&
			    realpath(probe, root)) {
				*strrchr(root, '/') = 0;
				have_root = 1;
			}
		}
	}
	if (!strcmp(what, "runtime"))
		dir = have_root ? "guru-runtime" : "runtime";
	if (!strcmp(what, "tools") && have_root) {
		snprintf(buf, sizeof(buf), "%s/build/tools", root);
		return buf;
	}
	if (!strcmp(what, "bin") && have_root) {
		snprintf(buf, sizeof(buf), "%s/build", root);
		return buf;
	}
	if (!strcmp(what, "bin"))
		return INJECT_DATADIR "/../../bin";
	snprintf(buf, sizeof(buf), "%s/%s", have_root ? root : INJECT_DATADIR, dir);
	return buf;
}

void pass_timer_start(struct pass_timer *t)
{
	getrusage(RUSAGE_SELF, &t->ru);
	gettimeofday(&t->tv, NULL);
}

static long tv_ms(struct timeval a, struct timeval b)
{
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_usec - a.tv_usec) / 1000;
}

static void mem_kb(long *virt, long *res, long *shr)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pg = sysconf(_SC_PAGESIZE) / 1024, v = 0, r = 0, sh = 0;

	if (f) {
		if (fscanf(f, "%ld %ld %ld", &v, &r, &sh) != 3)
			v = r = sh = 0;
		fclose(f);
	}
	*virt = v * pg;
	*res = r * pg;
	*shr = sh * pg;
}

void pass_timer_print(FILE *out, const struct pass_timer *t)
{
	struct rusage ru;
	struct timeval tv;
	long v, r, sh;

	getrusage(RUSAGE_SELF, &ru);
	gettimeofday(&tv, NULL);
	mem_kb(&v, &r, &sh);
	fprintf(out, "using %ldvirt/%ldres/%ldshr kb, in %ldusr/%ldsys/%ldreal ms.\n",
		v, r, sh, tv_ms(t->ru.ru_utime, ru.ru_utime),
		tv_ms(t->ru.ru_stime, ru.ru_stime), tv_ms(t->tv, tv));
}

static int pass1_parse(struct session *s)
{
	struct src_file *src;
	struct file_ast *f;
	int nlib;

	if (s->script_text) {
		src = src_file_from_string("<input>", s->script_text);
	} else {
		src = src_file_load(s->script_path);
		if (!src) {
			diag_fatal("cannot open script file '%s': %s", s->script_path,
				   strerror(errno));
			return -1;
		}
	}
	s->prog.script_args = s->script_args;	/* $1 @1 are substituted in pass 1 */
	/* the library first: global macros (.stpm) must precede the script */
	nlib = tapset_parse_library(s);
	if (nlib < 0)
		return -1;
	s->nlibrary_files = nlib;
	f = parse_file(&s->prog, src, 0);
	if (!f || diag.errors)
		return -1;
	/* the user script is files.v[0] */
	ptrvec_push(&s->arena, &s->prog.files, NULL);
	memmove(s->prog.files.v + 1, s->prog.files.v,
		sizeof(void *) * (size_t)(s->prog.files.n - 1));
	s->prog.files.v[0] = f;
	return 0;
}

/* The program -c CMD runs, for process probes without a path (stap's
 * rule): its first word as guru-run splits it (a word the shell would
 * expand stays as written, and is then not found), or /bin/sh when the
 * shell runs the line. */
static const char *target_program(struct arena *a, const char *cmd)
{
	const char *prog = NULL;
	char **argv;

	if (!cmd)
		return NULL;
	switch (cmdline_split(cmd, &argv)) {
	case CMDLINE_WORDS:
	case CMDLINE_EXPAND:
		if (argv[0])
			prog = arena_strdup(a, argv[0]);
		free(argv);
		break;
	case CMDLINE_SHELL:
		prog = "/bin/sh";
		break;
	case CMDLINE_UNMATCHED:
	case CMDLINE_NOMEM:
		break;
	}
	return prog;
}

static int pass2_elaborate(struct session *s)
{
	struct sema_options o = {
		.guru = s->guru,
		.verbose = s->verbose,
		.unoptimized = s->unoptimized,
		.target_program = target_program(&s->arena, s->target_cmd),
	};

	s->prog.guru = s->guru;
	return sema_elaborate(&s->prog, &o);
}

static void pass2_summary(FILE *out, const struct session *s)
{
	int nembeds = s->prog.embedded.n;

	fprintf(out, "Pass 2: analyzed script: %d probe%s, %d function%s, %d embed%s, "
		"%d global%s ", s->prog.probes.n, s->prog.probes.n == 1 ? "" : "s",
		s->prog.funcs.n, s->prog.funcs.n == 1 ? "" : "s", nembeds,
		nembeds == 1 ? "" : "s", s->prog.globals.n,
		s->prog.globals.n == 1 ? "" : "s");
}

int session_run(struct session *s)
{
	struct pass_timer t;
	FILE *vout = stderr;

	diag.format = s->diagnostics_format && !strcmp(s->diagnostics_format, "json")
			      ? DIAG_JSON : DIAG_TEXT;
	diag.suppress_warnings = s->suppress_warnings;
	if (target_init(s))
		return 1;
	if (list_requested(s))
		return list_run(s);

	pass_timer_start(&t);
	if (pass1_parse(s)) {
		if (s->verbose)
			fprintf(vout, "Pass 1: parse failed.  [man error::pass1]\n");
		return 1;
	}
	if (s->verbose) {
		fprintf(vout, "Pass 1: parsed user script and %d library script%s ",
			s->nlibrary_files, s->nlibrary_files == 1 ? "" : "s");
		pass_timer_print(vout, &t);
	}
	if (s->last_pass == 1) {
		print_file_ast(stdout, s->prog.files.v[0]);
		return 0;
	}

	pass_timer_start(&t);
	if (pass2_elaborate(s)) {
		if (s->verbose)
			fprintf(vout, "Pass 2: analysis failed.  [man error::pass2]\n");
		return 1;
	}
	if (s->verbose) {
		pass2_summary(vout, s);
		pass_timer_print(vout, &t);
	}
	if (s->last_pass == 2) {
		print_program(stdout, &s->prog);
		return 0;
	}

	if (pass3_translate(s))
		return 1;
	if (s->last_pass == 3) {
		printf("%s\n", s->c_path);
		return 0;
	}
	if (pass4_build(s))
		return 1;
	if (s->last_pass == 4) {
		printf("%s\n", s->ko_path);
		return 0;
	}
	return pass5_run(s) ? 1 : s->exit_status;
}
