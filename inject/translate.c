/* translate.c - pass 3: the cache lookup, then gen_module() into
 * TMPDIR/<module>.c.
 *
 * The temporary directory is made here and removed when gstap exits,
 * unless -k keeps it (we say where, as stap does).
 */
#include "cache.h"
#include "gen.h"
#include "kbuild.h"
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *tmpdir_to_remove;
static int tmpdir_keep;

static void tmpdir_cleanup(void)
{
	char *cmd = NULL;

	if (!tmpdir_to_remove)
		return;
	if (tmpdir_keep) {
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", tmpdir_to_remove);
	} else if (asprintf(&cmd, "rm -rf '%s'", tmpdir_to_remove) > 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "gstap: cannot remove '%s'\n", tmpdir_to_remove);
	}
	free(cmd);
	free(tmpdir_to_remove);
	tmpdir_to_remove = NULL;
}

static int make_tmpdir(struct session *s)
{
	char tmpl[] = "/tmp/gstapXXXXXX";

	if (!mkdtemp(tmpl)) {
		diag_fatal("cannot make a temporary directory: %s", strerror(errno));
		return -1;
	}
	s->tmpdir = arena_strdup(&s->arena, tmpl);
	tmpdir_to_remove = strdup(tmpl);
	tmpdir_keep = s->keep_tmp;
	atexit(tmpdir_cleanup);
	return 0;
}

int pass3_translate(struct session *s)
{
	struct pass_timer t;
	struct gen_options opt = { 0 };
	const char *cached_c, *cached_ko;
	FILE *f;
	int rc;

	pass_timer_start(&t);
	if (cache_compute_key(s) || make_tmpdir(s))
		goto fail;
	cached_c = cache_lookup(s, "c");
	cached_ko = cache_lookup(s, "ko");
	if (cached_c && cached_ko) {
		s->c_path = (char *)cached_c;
		if (s->verbose)
			fprintf(stderr, "Pass 3: using cached %s\n", cached_c);
		return 0;
	}
	s->c_path = arena_printf(&s->arena, "%s/%s.c", s->tmpdir, s->module_name);
	f = fopen(s->c_path, "w");
	if (!f) {
		diag_fatal("cannot write '%s': %s", s->c_path, strerror(errno));
		goto fail;
	}
	opt.module_name = s->module_name;
	opt.defines = s->defines;
	opt.global_inits = s->global_inits;
	opt.guru = s->guru;
	rc = gen_module(f, &s->prog, &opt);
	if (fclose(f) && !rc) {
		diag_fatal("cannot write '%s': %s", s->c_path, strerror(errno));
		rc = -1;
	}
	if (rc)
		goto fail;
	if (s->verbose) {
		fprintf(stderr, "Pass 3: translated to C into \"%s\" ", s->c_path);
		pass_timer_print(stderr, &t);
	}
	if (s->last_pass == 3 && !s->keep_tmp) {
		/* the path -p3 prints must outlive the temporary directory */
		const char *kept = cache_store_source(s, s->c_path);

		if (kept)
			s->c_path = (char *)kept;
	}
	return 0;
fail:
	if (s->verbose)
		fprintf(stderr, "Pass 3: translation failed.  [man error::pass3]\n");
	return -1;
}
