/* cmd_inject.c - inject: scenario-driven fault injection.
 *
 *   inject check SCENARIO           load and check (nothing else happens)
 *   inject translate SCENARIO       print the stap script it compiles to
 *   inject run SCENARIO [-- CMD]    compile in guru mode (gstap passes 1-4)
 *                                   and run it here or, with --vm, in the
 *                                   test VM; with CMD, rules without a
 *                                   process match follow CMD's process tree
 *                                   and the exit status is CMD's
 *   inject stop [NAME]              disarm and unload (the kill switch)
 *   inject status                   running scenarios with live counts
 *
 * Pass 5 is ours rather than gstap's: a small controller script starts
 * guru-run with target() set to the command's pid, waits for the module's
 * "inject: armed" line, then lets the command exec; when it exits, guru-run
 * is told to stop, the end probe prints the runtime's report lines and
 * they become the text or JSON report.
 */
#include "scenario.h"
#include "session.h"
#include "vm.h"

#include "../guru-runtime/inject_shared.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fputs("Usage: inject COMMAND [options] [SCENARIO] [-- CMD ARGS...]\n"
	      "\n"
	      "Commands:\n"
	      "  check SCENARIO        validate a scenario file\n"
	      "  translate SCENARIO    print the stap script it compiles to\n"
	      "  run SCENARIO [-- CMD] compile in guru mode and run it\n"
	      "  compile SCENARIO      compile in guru mode, print the module's path\n"
	      "                        (guru-run MODULE runs it; inject stop ends it)\n"
	      "  stop [NAME]           disarm and unload (the kill switch)\n"
	      "  status                list running scenarios with live counts\n"
	      "\n"
	      "Options:\n"
	      "  --vm                  run in the test VM (CMD runs in the guest)\n"
	      "  --vm-module 'M [P]'   load kernel module M (parameters P) in the VM\n"
	      "                        at boot, e.g. ext4 for a file system on nullb0\n"
	      "  --json                one JSON object per line; the last is the report\n"
	      "  --allow-root-device   let bio rules touch the devices of / and /boot\n"
	      "  --seed N              override the scenario's seed\n"
	      "  -r RELEASE            build for kernel RELEASE\n"
	      "  -v                    verbose (gstap's pass lines)\n"
	      "  -k                    keep the build directory\n"
	      "  -h, --help            this text\n"
	      "\n"
	      "Scenario files are described in inject-scenario(5).\n"
	      "Exit status: 0 success (run with CMD: CMD's status), 1 scenario, build\n"
	      "or run error, 2 usage error.\n",
	      out);
}

struct opts {
	int vm, json, allow_root, verbose, keep;
	int compile_only;	/* 'compile': stop after pass 4 */
	const char *vm_modules[32];	/* --vm-module */
	int nvm_modules;
	int have_seed;
	uint64_t seed;
	const char *release;
	char **cmd;		/* after "--" */
	int ncmd;
};

enum { OPT_VM = 256, OPT_JSON, OPT_ALLOW_ROOT, OPT_SEED, OPT_VM_MODULE };

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "vm", no_argument, NULL, OPT_VM },
	{ "vm-module", required_argument, NULL, OPT_VM_MODULE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "allow-root-device", no_argument, NULL, OPT_ALLOW_ROOT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "inject: ");
	fprintf(stderr, msg, arg);
	fprintf(stderr, "\nTry 'inject --help' for more information.\n");
	return 2;
}

static struct scenario *load(struct arena *a, const char *path, const struct opts *o)
{
	struct scn_options so = { .allow_root_device = o->allow_root };
	struct scenario *s = scn_load(a, path, &so);

	if (s && o->have_seed)
		s->seed = o->seed;
	return s;
}

/* ---- check, translate ---- */

static int cmd_check(struct arena *a, const char *path, const struct opts *o)
{
	struct scenario *s = load(a, path, o);

	if (!s)
		return 1;
	if (o->json) {
		printf("{\"type\":\"check\",\"scenario\":");
		json_write_string(stdout, s->name);
		printf(",\"file\":");
		json_write_string(stdout, path);
		printf(",\"ok\":true,\"rules\":%d,\"phases\":%d}\n", s->nrules, s->nphases);
	} else {
		printf("%s: ok: scenario '%s', %d rule%s%s\n", path, s->name, s->nrules,
		       s->nrules == 1 ? "" : "s",
		       s->nphases ? arena_printf(a, " in %d phases", s->nphases) : "");
	}
	return 0;
}

static int cmd_translate(struct arena *a, const char *path, const struct opts *o)
{
	struct scenario *s = load(a, path, o);
	struct scn_translate_options to = { .target = o->ncmd > 0,
					    .allow_root_device = o->allow_root };

	if (!s)
		return 1;
	return scn_translate(stdout, s, &to) ? 1 : 0;
}

/* ---- the report ---- */

struct rule_report {
	long long hits, injected, capped, held_ns;
	unsigned long long p50, p90, p99, max;
	long long early;
	unsigned long long late50, late99;	/* release - requested end */
	long long hist[STP_INJECT_NHIST];
};

static long long field(const char *line, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), " %s=", key);
	p = strstr(line, k);
	return p ? atoll(p + strlen(k)) : 0;
}

static const char *field_str(struct arena *a, const char *line, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "%s=", key);
	p = strstr(line, k);
	if (!p)
		return "";
	p += strlen(k);
	return arena_strndup(a, p, strcspn(p, " \n"));
}

static void parse_rule(const char *line, struct rule_report *r)
{
	const char *h = strstr(line, " hist=");

	r->hits = field(line, "hits");
	r->injected = field(line, "injected");
	r->capped = field(line, "capped");
	r->held_ns = field(line, "held_ns");
	r->p50 = (unsigned long long)field(line, "p50");
	r->p90 = (unsigned long long)field(line, "p90");
	r->p99 = (unsigned long long)field(line, "p99");
	r->max = (unsigned long long)field(line, "max");
	r->early = field(line, "early");
	r->late50 = (unsigned long long)field(line, "late50");
	r->late99 = (unsigned long long)field(line, "late99");
	if (!h)
		return;
	h += 6;
	while (*h >= '0' && *h <= '9') {
		int i = atoi(h);
		const char *colon = strchr(h, ':');

		if (!colon)
			break;
		if (i >= 0 && i < STP_INJECT_NHIST)
			r->hist[i] = atoll(colon + 1);
		h = strchr(colon, ',');
		if (!h)
			break;
		h++;
	}
}

/* @hist_log of the held times in microseconds, as stap prints it. */
static void print_hist_log(FILE *out, const struct rule_report *r)
{
	long long b[64] = { 0 }, top = 0;
	int i, lo = 64, hi = -1;

	for (i = 0; i < STP_INJECT_NHIST; i++) {
		unsigned long long us = stp_inject_hist_low(i) / 1000;
		int k = 0;

		if (!r->hist[i])
			continue;
		while (us > 1 && k < 63) {
			us >>= 1;
			k++;
		}
		if (!us)
			k = 0;
		b[k] += r->hist[i];
	}
	for (i = 0; i < 64; i++)
		if (b[i]) {
			lo = lo < i ? lo : i;
			hi = i;
			top = top > b[i] ? top : b[i];
		}
	if (hi < 0)
		return;
	fprintf(out, "    held (us)\n    %8s |%-50s count\n", "value",
		"--------------------------------------------------");
	for (i = lo > 0 ? lo - 1 : 0; i <= hi + 1 && i < 64; i++) {
		int bar = top ? (int)(b[i] * 50 / top) : 0;

		fprintf(out, "    %8llu |", i ? 1ULL << i : 0ULL);
		for (int j = 0; j < 50; j++)
			fputc(j < bar ? '@' : ' ', out);
		fprintf(out, " %lld\n", b[i]);
	}
}

static void report(struct arena *a, const struct scenario *s, const char *outpath, int json)
{
	FILE *f = fopen(outpath, "r");
	char line[16384];
	const char *state = NULL;
	struct rule_report *rr = arena_alloc(a, (size_t)(s->nrules ? s->nrules : 1) * sizeof(*rr));
	int i, seen = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "inject: armed", 13)) {
			if (json)
				printf("{\"type\":\"armed\",\"scenario\":\"%s\"}\n", s->name);
			continue;
		}
		if (!strncmp(line, "inject: scenario=", 17)) {
			state = arena_strdup(a, line + 8);
			continue;
		}
		if (!strncmp(line, "inject: rule=", 13)) {
			i = atoi(line + 13);
			if (i >= 0 && i < s->nrules) {
				parse_rule(line + 7, &rr[i]);
				seen = 1;
			}
			continue;
		}
		if (json) {
			line[strcspn(line, "\n")] = 0;
			printf("{\"type\":\"output\",\"text\":");
			json_write_string(stdout, line);
			printf("}\n");
		} else {
			fputs(line, stdout);
		}
	}
	fclose(f);
	if (!seen && !state)
		return;
	if (json) {
		printf("{\"type\":\"report\",\"scenario\":");
		json_write_string(stdout, s->name);
		printf(",\"disarmed_by\":");
		json_write_string(stdout, state ? field_str(a, state, "reason") : "");
		printf(",\"armed_ms\":%lld,\"held_max\":%lld,\"sleeping_max\":%lld,\"rules\":[",
		       state ? field(state, "armed_ms") : 0,
		       state ? field(state, "held_max") : 0, state ? field(state, "sleeping_max") : 0);
		for (i = 0; i < s->nrules; i++) {
			const struct scn_rule *r = s->rules[i];

			printf("%s{\"name\":", i ? "," : "");
			json_write_string(stdout, r->name);
			printf(",\"hits\":%lld,\"injected\":%lld,\"capped\":%lld", rr[i].hits,
			       rr[i].injected, rr[i].capped);
			if (r->action == SCN_ACT_ERROR) {
				printf(",\"errors\":{");
				json_write_string(stdout, r->hook == SCN_HOOK_BIO ? r->blk_status_name
										 : r->err_name);
				printf(":%lld}", rr[i].injected);
			} else {
				printf(",\"delay_us\":{\"p50\":%llu,\"p90\":%llu,\"p99\":%llu,\"max\":%llu,"
				       "\"total\":%lld},\"late_us\":{\"p50\":%llu,\"p99\":%llu},"
				       "\"released_early\":%lld",
				       rr[i].p50 / 1000, rr[i].p90 / 1000, rr[i].p99 / 1000,
				       rr[i].max / 1000, rr[i].held_ns / 1000, rr[i].late50 / 1000,
				       rr[i].late99 / 1000, rr[i].early);
			}
			printf("}");
		}
		printf("]}\n");
		return;
	}
	printf("\nscenario %s: disarmed by %s after %lld ms\n", s->name,
	       state ? field_str(a, state, "reason") : "?", state ? field(state, "armed_ms") : 0);
	for (i = 0; i < s->nrules; i++) {
		const struct scn_rule *r = s->rules[i];

		printf("  rule %s: %lld hits, %lld injected, %lld capped", r->name, rr[i].hits,
		       rr[i].injected, rr[i].capped);
		if (r->action == SCN_ACT_ERROR) {
			printf(", errors %s=%lld\n",
			       r->hook == SCN_HOOK_BIO ? r->blk_status_name : r->err_name,
			       rr[i].injected);
			continue;
		}
		printf(", held p50 %llu us, p90 %llu us, p99 %llu us, max %llu us\n",
		       rr[i].p50 / 1000, rr[i].p90 / 1000, rr[i].p99 / 1000, rr[i].max / 1000);
		printf("    released late by p50 %llu us, p99 %llu us; %lld released early (disarm)\n",
		       rr[i].late50 / 1000, rr[i].late99 / 1000, rr[i].early);
		print_hist_log(stdout, &rr[i]);
	}
}

/* ---- run ---- */

/* The line without its newline (a static buffer: used at once). */
static const char *line_text(const char *line)
{
	static char buf[16384];

	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(line, "\n"), line);
	return buf;
}

static const char *beside_self(struct arena *a, const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			char *p = arena_printf(a, "%s/%s", exe, name);

			if (access(p, F_OK) == 0)
				return p;
		}
	}
	return arena_printf(a, "%s/%s", session_data_dir(!strcmp(name, "tools") ? "tools" : "bin"),
			    name);
}

/* A word for sh: single-quoted. */
static const char *sh_quote(struct arena *a, const char *s)
{
	char *q = arena_strdup(a, "'");

	for (; *s; s++)
		q = *s == '\'' ? arena_printf(a, "%s'\\''", q) : arena_printf(a, "%s%c", q, *s);
	return arena_printf(a, "%s'", q);
}

/* The controller, for sh here and busybox sh in the VM. */
/* The cgroup a scenario's rules name (the first), or NULL: with a
 * command, the command runs in it (the writeback-eio case). */
static const char *scenario_cgroup(const struct scenario *sc)
{
	int i;

	for (i = 0; i < sc->nrules; i++)
		if (sc->rules[i]->cgroup)
			return sc->rules[i]->cgroup;
	return NULL;
}

/*
 * With a command and a cgroup named by the scenario: make the cgroup if
 * it does not exist (with the memory and io controllers on down the path,
 * so the kernel charges the command's writeback to it), start the command
 * in it, remove it afterwards if we made it. The module resolves the path
 * when it arms, so this comes before guru-run.
 */
static const char *cgroup_setup(struct arena *a, const char *cgroup)
{
	if (!cgroup)
		return "";
	return arena_printf(a,
			    "CG=/sys/fs/cgroup%s\n"
			    "CG_MADE=\n"
			    "if [ ! -d \"$CG\" ]; then\n"
			    "  p=/sys/fs/cgroup\n"
			    "  for c in $(echo %s | tr / ' '); do\n"
			    "    echo '+memory +io' > $p/cgroup.subtree_control 2>/dev/null\n"
			    "    p=$p/$c\n"
			    "    mkdir -p $p\n"
			    "  done\n"
			    "  CG_MADE=1\n"
			    "fi\n",
			    sh_quote(a, cgroup), sh_quote(a, cgroup));
}

static const char *controller(struct arena *a, const char *guru_run, const char *ko,
			      const char *module, const char *dir, const struct opts *o,
			      const char *cgroup)
{
	const char *cmd = "";
	int i;

	for (i = 0; i < o->ncmd; i++)
		cmd = arena_printf(a, "%s%s%s", cmd, i ? " " : "", sh_quote(a, o->cmd[i]));
	if (!o->ncmd)
		return arena_printf(a,
				    "%s %s > %s/out 2> %s/err\n"
				    "rc=$?\ncat %s/err >&2\nexit $rc\n",
				    guru_run, ko, dir, dir, dir);
	return arena_printf(a,
			    "%s"
			    "D=%s\n"
			    "mkfifo $D/go || exit 1\n"
			    "( read x < $D/go; %sexec %s %s) &\n"
			    "P=$!\n"
			    "%s %s _stp_target=$P > $D/out 2> $D/err &\n"
			    "G=$!\n"
			    "until grep -q '^inject: armed' $D/out 2>/dev/null; do\n"
			    "  if ! kill -0 $G 2>/dev/null; then\n"
			    "    kill $P 2>/dev/null; cat $D/err >&2; exit 1\n"
			    "  fi\n"
			    "  sleep 0.05\n"
			    "done\n"
			    "echo go > $D/go\n"
			    "wait $P\n"
			    "rc=$?\n"
			    "kill -INT $G 2>/dev/null\n"
			    "wait $G\n"
			    "cat $D/err >&2\n"
			    "# guru-run killed (-9): the lease disarmed it; remove the module\n"
			    "[ -d /proc/gstap-%s ] && %s -d %s\n"
			    "%s"
			    "exit $rc\n",
			    cgroup_setup(a, cgroup), dir,
			    cgroup ? "echo 0 > \"$CG/cgroup.procs\"; " : "", cmd,
			    o->json && !o->vm ? "> $D/cmd " : "", guru_run, ko, module, guru_run, module,
			    cgroup ? "[ -n \"$CG_MADE\" ] && rmdir \"$CG\" 2>/dev/null\n" : "");
}

static int run_controller_here(const char *script, int *status)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	/* ^C reaches guru-run too (same process group): it stops the script,
	 * whose end probe prints the report; we stay to show it */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

static int run_controller_vm(struct arena *a, struct session *s, const char *outpath,
			     const struct opts *o, const char *cgroup, int *status)
{
	struct vm_options vo;
	struct vm_file files[256];
	const char *tools = beside_self(a, "tools");
	const char *ko = arena_printf(a, "/root/%s.ko", s->module_name);
	DIR *d;
	struct dirent *de;
	int n = 0, rc;
	char *script;
	FILE *out;

	files[n++] = (struct vm_file){ beside_self(a, "guru-run"), "/bin/guru-run" };
	files[n++] = (struct vm_file){ s->ko_path, ko };
	if ((d = opendir(tools))) {
		while ((de = readdir(d)) && n < 256) {
			char *p = arena_printf(a, "%s/%s", tools, de->d_name);
			struct stat st;

			if (de->d_name[0] == '.' || stat(p, &st) || !S_ISREG(st.st_mode))
				continue;
			files[n++] = (struct vm_file){ p, arena_printf(a, "/tools/%s", de->d_name) };
		}
		closedir(d);
	}
	script = arena_printf(a, "export PATH=/tools:$PATH\nmkdir -p /tmp/inject\n%s",
			      controller(a, "guru-run", ko, s->module_name, "/tmp/inject", o,
					 cgroup));
	/* the guest's stdout carries the module's output back: print it at
	 * the end of the script, after the command's own output */
	script = arena_printf(a, "( %s ) ; rc=$?\necho '--- inject output'\ncat /tmp/inject/out\nexit $rc\n",
			      script);
	out = fopen(outpath, "w");
	if (!out)
		return -1;
	vm_options_init(&vo);
	vo.release = s->kernel_release;
	vo.files = files;
	vo.nfiles = n;
	vo.command = script;
	vo.modules = o->vm_modules;
	vo.nmodules = o->nvm_modules;
	vo.verbose = o->verbose > 1 ? o->verbose - 1 : 0;
	vo.out_fd = fileno(out);
	rc = vm_run(&vo, status);
	fclose(out);
	return rc;
}

/* The guest's stdout: the command's output, then the module's after the
 * marker. Split them: print the first part, keep the second. */
static void print_command_line(const char *line, int json)
{
	if (!json) {
		fputs(line, stdout);
		return;
	}
	printf("{\"type\":\"command\",\"text\":");
	json_write_string(stdout, line_text(line));
	printf("}\n");
}

static void split_vm_output(const char *path, int json)
{
	FILE *f = fopen(path, "r");
	char line[16384];
	char *rest = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&rest, &len);
	int after = 0;

	if (!f || !mem) {
		if (f)
			fclose(f);
		if (mem)
			fclose(mem);
		free(rest);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!after && !strcmp(line, "--- inject output\n")) {
			after = 1;
			continue;
		}
		if (after)
			fputs(line, mem);
		else
			print_command_line(line, json);
	}
	fclose(f);
	fclose(mem);
	f = fopen(path, "w");
	if (f) {
		fwrite(rest, 1, len, f);
		fclose(f);
	}
	free(rest);
}

static int cmd_run(struct arena *a, const char *path, const struct opts *o)
{
	struct scn_translate_options to = { .target = o->ncmd > 0,
					    .allow_root_device = o->allow_root };
	struct scenario *sc = load(a, path, o);
	struct session s;
	char *text = NULL, tmpl[] = "/tmp/inject-run-XXXXXX";
	size_t len = 0;
	FILE *mem;
	int status = 1, rc;
	const char *outpath, *name, *cg;

	if (!sc)
		return 1;
	cg = o->ncmd ? scenario_cgroup(sc) : NULL;
	mem = open_memstream(&text, &len);
	if (!mem || scn_translate(mem, sc, &to)) {
		diag_fatal("cannot write the script");
		return 1;
	}
	fclose(mem);
	if (!mkdtemp(tmpl)) {
		diag_fatal("cannot make a temporary directory: %s", strerror(errno));
		return 1;
	}
	outpath = arena_printf(a, "%s/out", tmpl);

	session_init(&s);
	s.script_text = text;
	s.guru = 1;
	s.last_pass = 4;
	s.verbose = o->verbose;
	s.keep_tmp = o->keep;
	s.vm = o->vm;
	s.kernel_release = o->release;
	s.vm_allow_root_device = o->allow_root;
	name = arena_printf(&s.arena, "inject_%s", sc->name);
	for (char *p = (char *)name; *p; p++)
		if (*p == '-')
			*p = '_';
	s.module_name = name;
	ptrvec_push(&s.arena, &s.defines,
		    arena_printf(&s.arena, "STP_INJECT_MAXHELD=%llu",
				 (unsigned long long)sc->max_held));
	ptrvec_push(&s.arena, &s.defines,
		    arena_printf(&s.arena, "STP_INJECT_MAXSLEEPERS=%llu",
				 (unsigned long long)sc->max_sleeping));
	ptrvec_push(&s.arena, &s.defines,
		    arena_printf(&s.arena, "STP_INJECT_MAXDELAY_MS=%llu",
				 (unsigned long long)(sc->max_delay_ns / 1000000)));
	ptrvec_push(&s.arena, &s.defines,
		    arena_printf(&s.arena, "STP_LEASE_TIMEOUT_MS=%llu",
				 (unsigned long long)(sc->lease_ns / 1000000)));
	{
		/* pass 4 prints the module's path on stdout: not ours to show */
		int saved = dup(1), devnull = open("/dev/null", O_WRONLY);

		fflush(stdout);
		if (devnull >= 0)
			dup2(devnull, 1);
		rc = session_run(&s);
		fflush(stdout);
		if (saved >= 0) {
			dup2(saved, 1);
			close(saved);
		}
		if (devnull >= 0)
			close(devnull);
	}
	if (rc || !s.ko_path) {
		session_fini(&s);
		return 1;
	}
	if (o->compile_only) {
		printf("%s\n", s.ko_path);
		session_fini(&s);
		rmdir(tmpl);
		return 0;
	}
	if (o->vm) {
		rc = run_controller_vm(a, &s, outpath, o, cg, &status);
		if (!rc)
			split_vm_output(outpath, o->json);
	} else {
		const char *script = controller(a, sh_quote(a, beside_self(a, "guru-run")),
						sh_quote(a, s.ko_path), s.module_name, tmpl, o, cg);

		rc = run_controller_here(script, &status);
		if (o->json) {
			FILE *f = fopen(arena_printf(a, "%s/cmd", tmpl), "r");
			char line[16384];

			while (f && fgets(line, sizeof(line), f))
				print_command_line(line, 1);
			if (f)
				fclose(f);
		}
	}
	if (rc)
		status = 1;
	report(a, sc, outpath, o->json);
	session_fini(&s);
	if (!o->keep) {
		unlink(outpath);
		unlink(arena_printf(a, "%s/err", tmpl));
		unlink(arena_printf(a, "%s/go", tmpl));
		unlink(arena_printf(a, "%s/cmd", tmpl));
		rmdir(tmpl);
	}
	return status;
}

/* ---- stop, status: /proc/gstap-inject_NAME/ ---- */

static int for_each_running(const char *name, int (*fn)(const char *dir, const char *mod, int json),
			    int json)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		const char *mod = de->d_name + 6;
		char dir[PATH_MAX];

		if (strncmp(de->d_name, "gstap-inject_", 13))
			continue;
		if (name && strcmp(mod + 7, name))
			continue;
		snprintf(dir, sizeof(dir), "/proc/%s", de->d_name);
		n += fn(dir, mod, json) == 0;
	}
	closedir(d);
	return n;
}

static int stop_one(const char *dir, const char *mod, int json)
{
	char ctl[PATH_MAX + 8];
	FILE *f;

	snprintf(ctl, sizeof(ctl), "%s/ctl", dir);
	f = fopen(ctl, "w");
	if (!f || fputs("stop\n", f) < 0 || fclose(f)) {
		fprintf(stderr, "inject: cannot stop %s: %s\n", mod, strerror(errno));
		return -1;
	}
	if (json)
		printf("{\"type\":\"stopped\",\"module\":\"%s\"}\n", mod);
	else
		printf("stopped %s\n", mod);
	return 0;
}

static int status_one(const char *dir, const char *mod, int json)
{
	char p[PATH_MAX + 8], line[16384];
	FILE *f;

	snprintf(p, sizeof(p), "%s/inject", dir);
	f = fopen(p, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (json) {
			printf("{\"type\":\"status\",\"module\":\"%s\",\"line\":", mod);
			json_write_string(stdout, line);
			printf("}\n");
		} else {
			char *h = strstr(line, " hist=");

			if (h)
				*h = 0;	/* the buckets are for machines */
			printf("%s: %s\n", mod, line);
		}
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct arena a;
	const char *cmd;
	int c, i, rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	cmd = argv[1];
	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			o.cmd = argv + i + 1;
			o.ncmd = argc - i - 1;
			argc = i;
			break;
		}
	optind = 2;
	while ((c = getopt_long(argc, argv, "hvkr:", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			o.verbose++;
			break;
		case 'k':
			o.keep = 1;
			break;
		case 'r':
			o.release = optarg;
			break;
		case OPT_VM:
			o.vm = 1;
			break;
		case OPT_VM_MODULE:
			if (o.nvm_modules == (int)(sizeof(o.vm_modules) / sizeof(o.vm_modules[0])))
				return usage_error("too many --vm-module options (%s)", "32 at most");
			o.vm_modules[o.nvm_modules++] = optarg;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_ALLOW_ROOT:
			o.allow_root = 1;
			break;
		case OPT_SEED: {
			char *end;

			errno = 0;
			o.seed = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg)
				return usage_error("bad seed '%s'", optarg);
			o.have_seed = 1;
			break;
		}
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (o.json)
		diag.format = DIAG_JSON;
	arena_init(&a);
	if (!strcmp(cmd, "stop") || !strcmp(cmd, "status")) {
		const char *name = optind < argc ? argv[optind] : NULL;

		if (optind + 1 < argc || o.ncmd)
			return usage_error("too many arguments for '%s'", cmd);
		if (!strcmp(cmd, "stop")) {
			rc = for_each_running(name, stop_one, o.json);
			if (!rc && name) {
				fprintf(stderr, "inject: no scenario '%s' is running\n", name);
				return 1;
			}
			return 0;
		}
		rc = for_each_running(name, status_one, o.json);
		if (!rc && !o.json)
			printf("no scenario is running\n");
		return 0;
	}
	if (optind + 1 != argc)
		return usage_error("'%s' takes one scenario file", cmd);
	if (o.ncmd && strcmp(cmd, "run") && strcmp(cmd, "translate"))
		return usage_error("'-- CMD' goes with 'run' (or 'translate'), not '%s'", cmd);
	if (!strcmp(cmd, "check"))
		rc = cmd_check(&a, argv[optind], &o);
	else if (!strcmp(cmd, "translate"))
		rc = cmd_translate(&a, argv[optind], &o);
	else if (!strcmp(cmd, "run"))
		rc = cmd_run(&a, argv[optind], &o);
	else if (!strcmp(cmd, "compile") && !o.vm && !o.ncmd) {
		o.compile_only = 1;
		rc = cmd_run(&a, argv[optind], &o);
	} else if (!strcmp(cmd, "compile"))
		return usage_error("'%s' takes neither --vm nor '-- CMD'", cmd);
	else
		return usage_error("unknown command '%s'", cmd);
	arena_free(&a);
	return rc;
}
