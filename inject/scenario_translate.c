/* scenario_translate.c - a checked scenario as a readable stap script.
 *
 * The script only wires rules to probe points; the work is done by the
 * functions of tapsets/inject.stp and the kernel runtime behind them. The
 * shape, for every scenario:
 *
 *   probe begin { inject_scenario(...)  then, per rule, inject_rule() and
 *                 its setters }
 *   one probe per group of syscall entry points with the same rules:
 *                 if (!inject_task_bypass()) inject_task_enter(0, fd) || ...
 *   .return probes for errors 'after', bio_endio for completion rules,
 *   submit_bio_noacct for submission rules
 *   probe timer.ms(N) { exit() } when no command bounds the run
 *   probe end { inject_report() }
 *
 * All strings were checked (no quotes, backslashes or control characters)
 * and are written as stap string literals: a scenario cannot carry code.
 */
#include "scenario.h"

#include <string.h>

#define NS_PER_MS 1000000ULL

/* 5000000 -> "5ms", 250000 -> "250us", 1500000000 -> "1.5s" */
static const char *duration_text(struct arena *a, uint64_t ns)
{
	static const struct {
		const char *unit;
		uint64_t mult;
	} units[] = { { "s", 1000000000ULL }, { "ms", 1000000ULL }, { "us", 1000ULL } };
	unsigned i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ns >= units[i].mult)
			return arena_printf(a, "%g%s", (double)ns / (double)units[i].mult,
					    units[i].unit);
	return arena_printf(a, "%lluns", (unsigned long long)ns);
}

static const char *action_text(struct arena *a, const struct scn_rule *r)
{
	switch (r->action) {
	case SCN_ACT_DELAY:
		switch (r->delay.dist) {
		case SCN_FIXED:
			return arena_printf(a, "delay %s", duration_text(a, r->delay.value));
		case SCN_LOGNORMAL:
			return arena_printf(a, "delay lognormal, median %s, sigma %g",
					    duration_text(a, r->delay.median), r->delay.sigma);
		default:
			return arena_printf(a, "delay %s", scn_dist_name(r->delay.dist));
		}
	case SCN_ACT_ERROR:
		if (r->hook == SCN_HOOK_BIO)
			return arena_printf(a, "fail with block status %s", r->blk_status_name);
		return arena_printf(a, "error %s %s", r->err_name ? r->err_name : "?",
				    r->after ? "after the call" : "before the call (skipped)");
	case SCN_ACT_HANG:
		return arena_printf(a, "hang up to %s", duration_text(a, r->hang_ns));
	}
	return "";
}

static void rule_setup(FILE *out, struct arena *a, const struct scenario *s,
		       const struct scn_rule *r, const struct scn_translate_options *opt)
{
	int i = r->index;

	fprintf(out, "\n\t# rule %d '%s' (%s:%d): %s\n", i, r->name, s->file ? s->file : "?",
		r->loc.line, action_text(a, r));
	fprintf(out, "\tinject_rule(%d, \"%s\")\n", i, r->name);
	if (r->pid > 0)
		fprintf(out, "\tinject_match_pid(%d, %ld)\n", i, r->pid);
	if (r->pid_tree > 0)
		fprintf(out, "\tinject_match_pid_tree(%d, %ld)\n", i, r->pid_tree);
	else if (opt && opt->target && !r->process_matched && r->hook == SCN_HOOK_SYSCALL)
		fprintf(out, "\tinject_match_pid_tree(%d, target())\t# the command's tree\n", i);
	if (r->comm)
		fprintf(out, "\tinject_match_comm(%d, \"%s\")\n", i, r->comm);
	if (r->exe)
		fprintf(out, "\tinject_match_exe(%d, \"%s\")\n", i, r->exe);
	if (r->uid >= 0)
		fprintf(out, "\tinject_match_uid(%d, %ld)\n", i, r->uid);
	if (r->cgroup)
		fprintf(out, "\tinject_match_cgroup(%d, \"%s\")\n", i, r->cgroup);
	if (r->device)
		fprintf(out, "\tinject_match_device_path(%d, \"%s\")\n", i, r->device);
	if (r->have_devnum)
		fprintf(out, "\tinject_match_device(%d, %u, %u)\n", i, r->major, r->minor);
	if (r->path_prefix)
		fprintf(out, "\tinject_match_path(%d, \"%s\")\n", i, r->path_prefix);
	if (r->hook == SCN_HOOK_BIO) {
		fprintf(out, "\tinject_bio(%d, %u)\t# ops:", i, r->ops);
#define X(n, b) if (r->ops & (b)) fprintf(out, " %s", n);
		SCN_OP_LIST(X)
#undef X
		fprintf(out, ", at %s\n", r->submit ? "submission" : "completion");
		if (r->have_sectors)
			fprintf(out, "\tinject_sectors(%d, %llu, %llu)\n", i,
				(unsigned long long)r->sector_first,
				(unsigned long long)r->sector_last);
	}
	fprintf(out, "\tinject_trigger(%d, %llu, %llu, %llu, %llu, %llu)\t# when %llu", i,
		(unsigned long long)r->when_first, (unsigned long long)r->when_last,
		(unsigned long long)r->when_step, (unsigned long long)r->prob,
		(unsigned long long)r->max, (unsigned long long)r->when_first);
	if (r->when_last)
		fprintf(out, "..%llu", (unsigned long long)r->when_last);
	else if (r->when_step == 1)
		fprintf(out, "..");
	if (r->when_step > 1)
		fprintf(out, "+%llu", (unsigned long long)r->when_step);
	fprintf(out, ", probability %s, max %s\n", r->prob_text ? r->prob_text : "100%",
		r->max ? arena_printf(a, "%llu", (unsigned long long)r->max) : "unlimited");
	if (r->phase)
		fprintf(out, "\tinject_phase(%d, %llu, %llu)\t# phase '%s'\n", i,
			(unsigned long long)(r->start_ns / NS_PER_MS),
			(unsigned long long)(r->end_ns / NS_PER_MS), r->phase);
	switch (r->action) {
	case SCN_ACT_DELAY: {
		uint64_t q[STP_INJECT_NQUANT];
		int k;

		scn_quantiles(&r->delay, q);
		fprintf(out, "\tinject_delay(%d, \"", i);
		for (k = 0; k < STP_INJECT_NQUANT; k++)
			fprintf(out, "%s%llu", k ? " " : "", (unsigned long long)q[k]);
		fprintf(out, "\")\t# quantiles, ns\n");
		break;
	}
	case SCN_ACT_ERROR:
		if (r->hook == SCN_HOOK_BIO)
			fprintf(out, "\tinject_bio_error(%d, %d)\t# %s\n", i, r->blk_status,
				r->blk_status_name);
		else
			fprintf(out, "\tinject_error(%d, %d, %d)\t# %s\n", i, r->err, r->after,
				r->err_name ? r->err_name : "");
		break;
	case SCN_ACT_HANG:
		fprintf(out, "\tinject_hang(%d, %llu)\n", i,
			(unsigned long long)(r->hang_ns / NS_PER_MS));
		break;
	}
}

/* Syscall entry rules of symbol 'entry', as "0,3," (to group symbols). */
static char *entry_rules(struct arena *a, const struct scenario *s, const char *entry, int ret)
{
	char *list = arena_strdup(a, "");
	int i, j;

	for (i = 0; i < s->nrules; i++) {
		const struct scn_rule *r = s->rules[i];
		int after = r->action == SCN_ACT_ERROR && r->after;

		if (r->hook != SCN_HOOK_SYSCALL || after != ret)
			continue;
		for (j = 0; j < r->nsyscalls; j++)
			if (!strcmp(r->syscalls[j].entry, entry))
				list = arena_printf(a, "%s%d:%d,", list, i, r->syscalls[j].fd_arg);
	}
	return list;
}

static void syscall_probes(FILE *out, struct arena *a, const struct scenario *s, int ret)
{
	struct ptrvec entries = { 0 }, lists = { 0 };
	int i, j, g;

	for (i = 0; i < s->nrules; i++)
		for (j = 0; j < s->rules[i]->nsyscalls; j++) {
			const char *e = s->rules[i]->syscalls[j].entry;
			int seen = 0, k;

			for (k = 0; k < entries.n; k++)
				seen |= !strcmp(entries.v[k], e);
			if (!seen)
				ptrvec_push(a, &entries, (void *)e);
		}
	for (i = 0; i < entries.n; i++)
		ptrvec_push(a, &lists, entry_rules(a, s, entries.v[i], ret));
	for (g = 0; g < entries.n; g++) {
		const char *list = lists.v[g];
		int first = 1;
		char *p;

		if (!*list)
			continue;
		/* the first symbol with this rule list names the group */
		for (i = 0; i < g; i++)
			if (!strcmp(lists.v[i], list))
				break;
		if (i < g)
			continue;
		fprintf(out, "\nprobe ");
		for (i = g; i < entries.n; i++)
			if (!strcmp(lists.v[i], list)) {
				fprintf(out, "%skernel.function(\"%s\")%s", first ? "" : ",\n      ",
					(const char *)entries.v[i], ret ? ".return" : "");
				first = 0;
			}
		fprintf(out, " {\n\t");
		if (!ret)
			fprintf(out, "if (!inject_task_bypass())\n\t\t");
		first = 1;
		for (p = (char *)list; *p;) {
			int rule = 0, fd = 0;
			int n = 0;

			if (sscanf(p, "%d:%d,%n", &rule, &fd, &n) != 2 || !n)
				break;
			p += n;
			if (ret)
				fprintf(out, "%sinject_task_return(%d)", first ? "" : " || ", rule);
			else
				fprintf(out, "%sinject_task_enter(%d, %d)", first ? "" : " || ", rule, fd);
			first = 0;
		}
		fprintf(out, "\n}\n");
	}
}

static void bio_probe(FILE *out, const struct scenario *s, int submit)
{
	int i, first = 1;

	for (i = 0; i < s->nrules; i++) {
		const struct scn_rule *r = s->rules[i];

		if (r->hook != SCN_HOOK_BIO || r->submit != submit)
			continue;
		if (first)
			fprintf(out, "\nprobe kernel.function(\"%s\") {\n\t",
				submit ? "submit_bio_noacct" : "bio_endio");
		fprintf(out, "%sinject_bio_%s(%d)", first ? "" : " || ",
			submit ? "submit" : "complete", i);
		first = 0;
	}
	if (!first)
		fprintf(out, "\n}\n");
}

int scn_translate(FILE *out, const struct scenario *s, const struct scn_translate_options *opt)
{
	struct arena a;
	uint64_t end_ms;
	int i;

	arena_init(&a);
	fprintf(out, "# %s: generated by inject %s from %s\n", s->name, INJECT_VERSION,
		s->file ? s->file : "?");
	if (s->description)
		fprintf(out, "# %s\n", s->description);
	fprintf(out, "# Compiled in guru mode over tapsets/inject.stp, with\n"
		     "#   -D STP_INJECT_MAXHELD=%llu -D STP_INJECT_MAXSLEEPERS=%llu\n"
		     "#   -D STP_INJECT_MAXDELAY_MS=%llu -D STP_LEASE_TIMEOUT_MS=%llu\n",
		(unsigned long long)s->max_held, (unsigned long long)s->max_sleeping,
		(unsigned long long)(s->max_delay_ns / NS_PER_MS),
		(unsigned long long)((opt && opt->lease_ms) ? opt->lease_ms
							    : s->lease_ns / NS_PER_MS));
	fprintf(out, "\nprobe begin {\n");
	fprintf(out, "\tinject_scenario(\"%s\", %llu, %llu, %d)\t# seed, deadline ms, allow root device\n",
		s->name, (unsigned long long)s->seed,
		(unsigned long long)(s->deadline_ns / NS_PER_MS),
		opt && opt->allow_root_device);
	for (i = 0; i < s->nrules; i++)
		rule_setup(out, &a, s, s->rules[i], opt);
	fprintf(out, "}\n");

	syscall_probes(out, &a, s, 0);
	syscall_probes(out, &a, s, 1);
	bio_probe(out, s, 0);
	bio_probe(out, s, 1);

	if (!opt || !opt->target) {
		end_ms = s->nphases ? s->phases_ns / NS_PER_MS : s->deadline_ns / NS_PER_MS;
		fprintf(out, "\n# no command bounds the run: end with the %s\n",
			s->nphases ? "last phase" : "deadline");
		fprintf(out, "probe timer.ms(%llu) {\n\texit()\n}\n", (unsigned long long)end_ms);
	}
	fprintf(out, "\nprobe end {\n\tinject_report()\n}\n");
	arena_free(&a);
	return ferror(out) ? -1 : 0;
}
