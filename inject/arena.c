/* arena.c - bump allocator for one compilation; see arena.h. */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stdint.h>
#include <unistd.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t dirty;		/* data[0, dirty) may hold old bytes (reset) */
	size_t mapped;		/* data[0, mapped) was populated (see populate) */
	size_t map_len;		/* from chunk_map (munmap this much), or 0: heap */
	_Alignas(16) unsigned char data[];
};

/* Chunks grow geometrically up to CHUNK_MAX so a big compilation (the whole
 * tapset library) makes few system calls; they come from calloc, whose large
 * blocks are fresh zero pages from mmap, so a bump allocation needs no memset
 * and untouched memory is never faulted in. What a reset arena hands out
 * again is zeroed ZERO_AHEAD bytes at a time just before it is used. */
#define CHUNK_MIN (64 * 1024)
#define CHUNK_MAX (4 * 1024 * 1024)
#define ZERO_AHEAD 1024		/* plus the allocation: below glibc's rep-stosb threshold (2 KB) */
/* Fresh memory is faulted in POPULATE bytes at a time with one madvise
 * instead of one page fault per 4 KB (a library load touches 10 MB). */
#define POPULATE (256 * 1024)
/* Chunks of HUGE bytes or more are mapped 2 MB-aligned and offered to the
 * kernel for transparent huge pages: one fault (or populate) then brings a
 * whole 2 MB instead of 512 separate pages, which are most of pass 1's
 * system time. Where THP is off this is an ordinary mapping. */
#define HUGE (2 * 1024 * 1024)

static long fail_countdown = -1;
static int should_fail(void);

/* A chunk of want bytes (header included; at least min bytes of data) in
 * its own 2 MB-aligned mapping; NULL when mmap fails (the caller falls back
 * to the heap). */
static struct arena_chunk *chunk_map(size_t want, size_t min)
{
	size_t len = (want + HUGE - 1) & ~(size_t)(HUGE - 1);
	unsigned char *m, *base;
	struct arena_chunk *c;

	if (len < sizeof(*c) + min)
		len = (sizeof(*c) + min + HUGE - 1) & ~(size_t)(HUGE - 1);
	if (should_fail())
		return NULL;
	m = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	base = (unsigned char *)(((uintptr_t)m + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
	if (base > m)
		munmap(m, (size_t)(base - m));
	if (base + len < m + len + HUGE)
		munmap(base + len, (size_t)(m + len + HUGE - (base + len)));
#ifdef MADV_HUGEPAGE
	madvise(base, len, MADV_HUGEPAGE);
#endif
	c = (struct arena_chunk *)base;
	c->size = len - sizeof(*c);
	c->map_len = len;
	return c;
}

static void chunk_free(struct arena_chunk *c)
{
	if (c->map_len)
		munmap(c, c->map_len);
	else
		free(c);
}

void xalloc_fail_after(long n)
{
	fail_countdown = n;
}

static void *checked(void *p)
{
	if (!p) {
		fprintf(stderr, "fatal: out of memory\n");
		exit(1);
	}
	return p;
}

static int should_fail(void)
{
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown == 0)
		return 1;
	fail_countdown--;
	return 0;
}

void *xmalloc(size_t n)
{
	return checked(should_fail() ? NULL : malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t m)
{
	return checked(should_fail() ? NULL : calloc(n ? n : 1, m ? m : 1));
}

void *xrealloc(void *p, size_t n)
{
	return checked(should_fail() ? NULL : realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->next = a->ready = NULL;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		chunk_free(c);
	}
	arena_init(a);
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;
	size_t used;

	if (!c)
		return;
	for (next = c->next; next; ) {
		struct arena_chunk *n = next->next;

		chunk_free(next);
		next = n;
	}
	used = a->next ? (size_t)(a->next - c->data) : 0;
	if (used > c->dirty)
		c->dirty = used;
	c->next = NULL;
	a->next = a->ready = c->data;
	a->used = 0;
}

void arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_chunk *tail = src->head;

	if (!tail)
		return;
	if (src->next && (size_t)(src->next - tail->data) > tail->dirty)
		tail->dirty = (size_t)(src->next - tail->data);	/* if dst reuses it */
	while (tail->next)
		tail = tail->next;
	/* behind dst's current chunk, so dst keeps bumping where it was */
	if (dst->head) {
		tail->next = dst->head->next;
		dst->head->next = src->head;
	} else {
		dst->head = src->head;	/* full: the next allocation starts a chunk */
	}
	dst->used += src->used;
	arena_init(src);
}

/* Fault in c's pages up to byte `to` of data (rounded up to POPULATE), in
 * one system call; returns how far c is mapped. Only whole pages inside the
 * chunk; where MADV_POPULATE_WRITE is unknown (Linux < 5.14) the pages
 * fault in one by one as before. */
static size_t populate(struct arena_chunk *c, size_t to)
{
	static long page;
	size_t step = c->map_len ? HUGE : POPULATE;	/* a huge page at a time */
	uintptr_t from, end;

	to = (to + step - 1) / step * step;
	if (to > c->size)
		to = c->size;
	if (to <= c->mapped)
		return c->mapped;
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	from = ((uintptr_t)(c->data + c->mapped) + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	end = (uintptr_t)(c->data + to) & ~((uintptr_t)page - 1);
#ifdef MADV_POPULATE_WRITE
	if (page > 0 && end > from)
		madvise((void *)from, end - from, MADV_POPULATE_WRITE);
#else
	(void)from;
	(void)end;
#endif
	c->mapped = to;
	return to;
}

void *arena_alloc_slow(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t off, need, to, ready, pad = (uintptr_t)a->next & 8 & ~size;	/* see arena.h */
	void *p;

	if (c && a->next && c->size - (size_t)(a->next - c->data) >= size + pad) {
		off = (size_t)(a->next - c->data) + pad;
	} else {
		size_t want = !c ? CHUNK_MIN : c->size < CHUNK_MAX / 2 ? c->size * 2 : CHUNK_MAX;

		if (want < size)
			want = size;
		c = want >= 2 * HUGE ? chunk_map(want, size) : NULL;
		if (!c) {
			c = xcalloc(1, sizeof(*c) + want);
			c->size = want;
		}
		c->next = a->head;
		a->head = c;
		off = pad = 0;
		a->next = a->ready = c->data;
	}
	need = off + size;
	if (need <= c->dirty)		/* old bytes: zero a little ahead */
		to = need + ZERO_AHEAD < c->dirty ? need + ZERO_AHEAD : c->dirty;
	else if (c->size >= 2 * POPULATE)	/* fresh: fault in a stretch */
		to = populate(c, need);
	else
		to = c->size;
	ready = (size_t)(a->ready - c->data);
	if (ready < c->dirty)
		memset(a->ready, 0, (to < c->dirty ? to : c->dirty) - ready);
	a->ready = c->data + to;
	p = a->next + pad;
	a->next += pad + size;
	a->used += size;
	return p;	/* zero: fresh from calloc, or zeroed above */
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void ptrvec_push(struct arena *a, struct ptrvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		int cap = pv->cap ? pv->cap * 2 : 4;
		void **v = arena_alloc(a, sizeof(void *) * (size_t)cap);

		if (pv->n)
			memcpy(v, pv->v, sizeof(void *) * (size_t)pv->n);
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = p;
}
