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
 */
#ifndef STP_LANG_REGEX_H
#define STP_LANG_REGEX_H

#define STP_RE_MAX 512		/* instructions per program (gstap checks) */

enum stp_re_op {
	STP_RE_CHAR,		/* the byte c */
	STP_RE_ANY,		/* any byte */
	STP_RE_CLASS,		/* a byte in class x */
	STP_RE_SPLIT,		/* go on at x and at y */
	STP_RE_JMP,		/* go on at x */
	STP_RE_BOL,		/* at the start of the string */
	STP_RE_EOL,		/* at its end */
	STP_RE_MATCH,
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
};

struct stp_re_scratch {
	u16 cur[STP_RE_MAX], next[STP_RE_MAX], stack[2 * STP_RE_MAX];
	u32 mark[STP_RE_MAX];
	u32 gen;
};

static struct stp_re_scratch *stp_re_scratch;	/* [nr_cpu_ids] */

/* Add pc and everything reachable from it without input to list. */
static __maybe_unused int stp_re_add(const struct stp_regex *re, struct stp_re_scratch *w,
				     u16 *list, int n, u16 pc, const char *s, int pos)
{
	int sp = 0;

	w->stack[sp++] = pc;
	while (sp) {
		const struct stp_re_inst *in;

		pc = w->stack[--sp];
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
		default:
			list[n++] = pc;
		}
	}
	return n;
}

/* 1 when re matches somewhere in s. */
static __maybe_unused int stp_regex_match(const struct stp_regex *re, const char *s)
{
	struct stp_re_scratch *w = &stp_re_scratch[smp_processor_id()];
	u16 *cur = w->cur, *next = w->next, *tmp;
	int ncur, nnext, pos, i;

	w->gen++;
	ncur = stp_re_add(re, w, cur, 0, 0, s, 0);
	for (pos = 0;; pos++) {
		unsigned char ch = s[pos];

		for (i = 0; i < ncur; i++)
			if (re->prog[cur[i]].op == STP_RE_MATCH)
				return 1;
		if (!ch || pos >= MAXSTRINGLEN)
			return 0;
		w->gen++;
		nnext = 0;
		for (i = 0; i < ncur; i++) {
			const struct stp_re_inst *in = &re->prog[cur[i]];
			int ok;

			switch (in->op) {
			case STP_RE_CHAR:
				ok = ch == in->c;
				break;
			case STP_RE_ANY:
				ok = 1;
				break;
			case STP_RE_CLASS:
				ok = (re->classes[in->x][ch >> 5] >> (ch & 31)) & 1;
				break;
			default:
				ok = 0;
			}
			if (ok)
				nnext = stp_re_add(re, w, next, nnext, cur[i] + 1, s, pos + 1);
		}
		/* a search: a match may also start at the next character */
		nnext = stp_re_add(re, w, next, nnext, 0, s, pos + 1);
		tmp = cur;
		cur = next;
		next = tmp;
		ncur = nnext;
	}
}

static int __maybe_unused stp_regex_init(void)
{
	stp_re_scratch = vzalloc(sizeof(*stp_re_scratch) * nr_cpu_ids);
	return stp_re_scratch ? 0 : -ENOMEM;
}

static void __maybe_unused stp_regex_free(void)
{
	vfree(stp_re_scratch);
	stp_re_scratch = NULL;
}

#endif /* STP_LANG_REGEX_H */
