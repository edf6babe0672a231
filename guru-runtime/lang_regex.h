/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lang_regex.h - s =~ "re" and s !~ "re".
 *
 * The translator compiles each (literal) POSIX extended regular expression
 * into a small program (inject/gen_regex.c); here a Pike VM runs it: the
 * set of program positions alive after each input character, so a match
 * costs O(length of s * size of the program), never backtracks and never
 * recurses. Matching is a search (unanchored unless ^ or $ say so), as
 * stap's. The thread lists live in per-CPU scratch memory allocated at
 * module init (a probe hit keeps its CPU and cannot nest on it).
 *
 * A program compiled for matched()/ngroups() (stp_regex.ngroups > 0)
 * records positions with STP_RE_SAVE: every thread carries its slots, the
 * whole match is the leftmost and, from there, the longest (POSIX), and
 * the last =~ of the CPU's context is kept in stp_re_last for
 * tapsets/regex.stp. Those threads' slots are allocated at init only when
 * the module has such a program (stp_re_want_groups).
 */
#ifndef STP_LANG_REGEX_H
#define STP_LANG_REGEX_H

#define STP_RE_MAX 512		/* instructions per program (gstap checks) */
#define STP_RE_GROUPS 16	/* groups matched() sees, the whole match (0) included */
#define STP_RE_SLOTS (2 * STP_RE_GROUPS)

enum stp_re_op {
	STP_RE_CHAR,		/* the byte c */
	STP_RE_ANY,		/* any byte */
	STP_RE_CLASS,		/* a byte in class x */
	STP_RE_SPLIT,		/* go on at x and at y */
	STP_RE_JMP,		/* go on at x */
	STP_RE_BOL,		/* at the start of the string */
	STP_RE_EOL,		/* at its end */
	STP_RE_MATCH,
	STP_RE_SAVE,		/* slot x = the position here */
};

struct stp_re_inst {
	u8 op;
	u8 c;
	u16 x, y;
};

struct stp_regex {
	const struct stp_re_inst *prog;
	int n;
	const u32 (*classes)[8];	/* 256-bit sets */
	int ngroups;			/* > 0: records groups 0..ngroups-1 */
};

/* The last =~ of a context, for matched() and ngroups(). */
struct stp_re_last {
	int result;			/* it matched */
	int ngroups;			/* 0: its program records no groups */
	s16 slots[STP_RE_SLOTS];	/* start, end of each group; -1 unset */
	char str[MAXSTRINGLEN];		/* the string it searched */
};

struct stp_re_scratch {
	u16 cur[STP_RE_MAX], next[STP_RE_MAX];
	u32 mark[STP_RE_MAX];
	u32 gen;
	struct stp_re_last last;
	/* the closure's stack (a pc, or a slot to restore with its value);
	 * for groups, the slots being built and each thread's slots */
	u32 stack[3 * STP_RE_MAX];
	s16 work[STP_RE_SLOTS];
	s16 (*ccap)[STP_RE_SLOTS], (*ncap)[STP_RE_SLOTS];	/* [STP_RE_MAX] each */
};

static struct stp_re_scratch *stp_re_scratch;	/* [nr_cpu_ids] */
static s16 (*stp_re_caps)[STP_RE_SLOTS];	/* 2 * STP_RE_MAX per CPU */
/* Tentative: the translator completes it with = 1 when a program records
 * groups (a later "static int stp_re_want_groups = 1;"). */
static int stp_re_want_groups;

static int stp_regex_match_groups(const struct stp_regex *re, struct stp_re_scratch *w,
				  const char *s);

/*
 * Add pc and everything reachable from it without input to list, and
 * with caps (a program that records groups) each one's slots: a
 * depth-first walk in priority order (a SPLIT's x first), so a pc reached
 * twice keeps the higher-priority thread. A SAVE pushes the slot's old
 * value before going on, and the value comes back once everything after
 * it was added.
 */
#define STP_RE_RESTORE 0x80000000u

static __maybe_unused int stp_re_add(const struct stp_regex *re, struct stp_re_scratch *w,
				     u16 *list, s16 (*caps)[STP_RE_SLOTS], int n, u16 pc,
				     const char *s, int pos)
{
	int sp = 0;

	w->stack[sp++] = pc;
	while (sp) {
		u32 e = w->stack[--sp];
		const struct stp_re_inst *in;

		if (e & STP_RE_RESTORE) {
			w->work[(e >> 16) & 0xff] = (s16)(e & 0xffff);
			continue;
		}
		pc = (u16)e;
		if (pc >= re->n || w->mark[pc] == w->gen)
			continue;
		w->mark[pc] = w->gen;
		in = &re->prog[pc];
		switch (in->op) {
		case STP_RE_JMP:
			w->stack[sp++] = in->x;
			break;
		case STP_RE_SPLIT:
			w->stack[sp++] = in->y;
			w->stack[sp++] = in->x;
			break;
		case STP_RE_BOL:
			if (pos == 0)
				w->stack[sp++] = pc + 1;
			break;
		case STP_RE_EOL:
			if (!s[pos])
				w->stack[sp++] = pc + 1;
			break;
		case STP_RE_SAVE:
			if (caps && in->x < STP_RE_SLOTS) {
				w->stack[sp++] = STP_RE_RESTORE | (u32)in->x << 16 |
						  (u16)w->work[in->x];
				w->work[in->x] = (s16)pos;
			}
			w->stack[sp++] = pc + 1;
			break;
		default:
			if (caps)
				memcpy(caps[n], w->work, sizeof(w->work));
			list[n++] = pc;
		}
	}
	return n;
}

/* Does instruction in take the input character ch? */
static __always_inline int stp_re_takes(const struct stp_regex *re,
					const struct stp_re_inst *in, unsigned char ch)
{
	switch (in->op) {
	case STP_RE_CHAR:
		return ch == in->c;
	case STP_RE_ANY:
		return 1;
	case STP_RE_CLASS:
		return (re->classes[in->x][ch >> 5] >> (ch & 31)) & 1;
	default:
		return 0;
	}
}

/* 1 when re matches somewhere in s. */
static __maybe_unused int stp_regex_match(const struct stp_regex *re, const char *s)
{
	struct stp_re_scratch *w = &stp_re_scratch[smp_processor_id()];
	u16 *cur = w->cur, *next = w->next, *tmp;
	int ncur, nnext, pos, i;

	if (re->ngroups)
		return stp_regex_match_groups(re, w, s);

	w->gen++;
	ncur = stp_re_add(re, w, cur, NULL, 0, 0, s, 0);
	for (pos = 0;; pos++) {
		unsigned char ch = s[pos];

		for (i = 0; i < ncur; i++)
			if (re->prog[cur[i]].op == STP_RE_MATCH)
				return 1;
		if (!ch || pos >= MAXSTRINGLEN)
			return 0;
		w->gen++;
		nnext = 0;
		for (i = 0; i < ncur; i++)
			if (stp_re_takes(re, &re->prog[cur[i]], ch))
				nnext = stp_re_add(re, w, next, NULL, nnext, cur[i] + 1, s, pos + 1);
		/* a search: a match may also start at the next character */
		nnext = stp_re_add(re, w, next, NULL, nnext, 0, s, pos + 1);
		tmp = cur;
		cur = next;
		next = tmp;
		ncur = nnext;
	}
}

/* stp_regex_match for a program that records groups: the leftmost match,
 * the longest from there, its groups as the highest-priority thread that
 * made it left them; the result goes to w->last. */
static int stp_regex_match_groups(const struct stp_regex *re, struct stp_re_scratch *w,
				  const char *s)
{
	struct stp_re_last *last = &w->last;
	u16 *cur = w->cur, *next = w->next, *tmp;
	s16 (*ccap)[STP_RE_SLOTS] = w->ccap, (*ncap)[STP_RE_SLOTS] = w->ncap, (*ctmp)[STP_RE_SLOTS];
	int ncur, nnext, pos, i, found = 0, limit = min_t(int, MAXSTRINGLEN, S16_MAX);

	last->result = 0;
	last->ngroups = re->ngroups;
	if (!ccap)
		return 0;	/* cannot happen: the translator asked for them */
	memset(w->work, 0xff, sizeof(w->work));
	w->gen++;
	ncur = stp_re_add(re, w, cur, ccap, 0, 0, s, 0);
	for (pos = 0;; pos++) {
		unsigned char ch = s[pos];

		for (i = 0; i < ncur; i++) {
			s16 *c = ccap[i];

			if (re->prog[cur[i]].op != STP_RE_MATCH)
				continue;
			if (!found || c[0] < last->slots[0] ||
			    (c[0] == last->slots[0] && c[1] > last->slots[1]))
				memcpy(last->slots, c, sizeof(last->slots));
			found = 1;
		}
		if (!ch || pos >= limit)
			break;
		w->gen++;
		nnext = 0;
		for (i = 0; i < ncur; i++) {
			/* once matched, only threads that began no later go on */
			if (found && ccap[i][0] > last->slots[0])
				continue;
			if (!stp_re_takes(re, &re->prog[cur[i]], ch))
				continue;
			memcpy(w->work, ccap[i], sizeof(w->work));
			nnext = stp_re_add(re, w, next, ncap, nnext, cur[i] + 1, s, pos + 1);
		}
		/* a search: until something matched, one may start here too */
		if (!found) {
			memset(w->work, 0xff, sizeof(w->work));
			nnext = stp_re_add(re, w, next, ncap, nnext, 0, s, pos + 1);
		}
		if (!nnext)
			break;
		tmp = cur;
		cur = next;
		next = tmp;
		ctmp = ccap;
		ccap = ncap;
		ncap = ctmp;
		ncur = nnext;
	}
	if (found) {
		last->result = 1;
		strscpy(last->str, s, MAXSTRINGLEN);
	}
	return found;
}

static int __maybe_unused stp_regex_init(void)
{
	unsigned int cpu;

	stp_re_scratch = vzalloc(sizeof(*stp_re_scratch) * nr_cpu_ids);
	if (!stp_re_scratch)
		return -ENOMEM;
	if (!stp_re_want_groups)
		return 0;
	stp_re_caps = vzalloc(sizeof(*stp_re_caps) * 2 * STP_RE_MAX * nr_cpu_ids);
	if (!stp_re_caps)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		stp_re_scratch[cpu].ccap = stp_re_caps + 2 * STP_RE_MAX * cpu;
		stp_re_scratch[cpu].ncap = stp_re_caps + 2 * STP_RE_MAX * cpu + STP_RE_MAX;
	}
	return 0;
}

static void __maybe_unused stp_regex_free(void)
{
	vfree(stp_re_caps);
	stp_re_caps = NULL;
	vfree(stp_re_scratch);
	stp_re_scratch = NULL;
}

/* The last =~ on this CPU's context (tapsets/regex.stp). */
static __maybe_unused struct stp_re_last *stp_regex_last(void)
{
	return &stp_re_scratch[smp_processor_id()].last;
}

#endif /* STP_LANG_REGEX_H */
