/* session.h - one gstap invocation: options, target, the five passes.
 *
 * cmd_gstap.c parses the command line into a session; session.c runs the
 * passes; each pass lives in its own file (parse.c, sema.c, gen.c,
 * kbuild.c, run.c) and the session only sequences them.
 */
#ifndef INJECT_SESSION_H
#define INJECT_SESSION_H

#include "ast.h"

#include <sys/resource.h>
#include <sys/time.h>

struct session {
	/* options */
	const char *script_path;	/* script file, or NULL with -e */
	const char *script_text;	/* -e SCRIPT */
	struct ptrvec script_args;	/* $1 $2 ... @1 @2 after the script */
	int verbose;			/* -v count */
	int last_pass;			/* -p N (default 5) */
	const char *module_name;	/* -m NAME */
	int keep_tmp;			/* -k */
	const char *kernel_release;	/* -r R (default: running; --vm: target_default_vm_release) */
	int guru;			/* -g */
	struct ptrvec defines;		/* -D NAME=VALUE */
	struct ptrvec global_inits;	/* -G var=val */
	struct ptrvec include_dirs;	/* -I DIR */
	int vm;				/* --vm */
	const char *output_file;	/* -o FILE */
	long target_pid;		/* -x PID */
	const char *target_cmd;		/* -c CMD */
	const char *list_pattern;	/* -l / -L */
	int list_vars;			/* -L */
	int suppress_warnings;		/* -w */
	int unoptimized;		/* -u */
	int no_cache;			/* --poison-cache / --disable-cache */
	int dump_probe_types, dump_functions;
	const char *diagnostics_format;	/* --diagnostics=json */
	int vm_allow_root_device;

	/* state */
	struct arena arena;
	struct program prog;
	struct target_info target;
	const char *tapset_dir;		/* default library (GSTAP_TAPSET overrides) */
	const char *runtime_dir;	/* guru-runtime/ */
	const char *build_dir;		/* /lib/modules/R/build */
	char *tmpdir;			/* temporary build directory */
	char *c_path;			/* pass 3 output */
	char *ko_path;			/* pass 4 output */
	char *cache_key;		/* hex digest, NULL when uncacheable */
	int nlibrary_files;		/* library scripts parsed */
	int exit_status;		/* of pass 5 */
};

/* Where the installed or in-tree tapsets, runtime and tools are. */
const char *session_data_dir(const char *what);	/* "tapsets", "runtime", "tools" */

void session_init(struct session *s);
void session_fini(struct session *s);
/* Run passes 1..last_pass; returns the process exit status. */
int session_run(struct session *s);

/* Pass 1's library half (tapset.c): parse every library file of the tapset
 * path into s->prog. Returns the number parsed, or -1 (diagnosed). */
int tapset_parse_library(struct session *s);

/* Fill s->target for s->kernel_release (target.c). Returns 0 or -1. */
int target_init(struct session *s);
/* The releases the VM can boot and gstap can build for (/boot/vmlinuz-R
 * and /lib/modules/R/build), in target_vm_release_order(); NULL-terminated. */
const char **target_vm_releases(struct arena *a);
/* The release --vm uses: the first of target_vm_releases(), NULL if none. */
const char *target_default_vm_release(struct arena *a);
/* < 0 when release a is preferred to b: the standard flavour before
 * PREEMPT_RT, then the newest. */
int target_vm_release_order(const char *a, const char *b);
/* Whether a release names a PREEMPT_RT build ("6.1.0-56-rt-amd64"). */
int target_release_is_rt(const char *release);

/* The passes after 2, each in its own file. Return 0 or -1 (diagnosed). */
int pass3_translate(struct session *s);	/* translate.c: gen + cache lookup */
int pass4_build(struct session *s);	/* kbuild.c */
int pass5_run(struct session *s);	/* run.c: guru-run here or in the VM */

/* stap's resource figures for -v pass lines. */
struct pass_timer {
	struct rusage ru;
	struct timeval tv;
};
void pass_timer_start(struct pass_timer *t);
/* "using Avirt/Bres/Cshr kb, in Xusr/Ysys/Zreal ms." */
void pass_timer_print(FILE *out, const struct pass_timer *t);

#endif
