/* arena.c - bump allocator for one compilation; see arena.h. */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

/* Chunks grow geometrically up to CHUNK_MAX so a big compilation (the whole
 * tapset library) makes few system calls; they come from calloc, whose large
 * blocks are fresh zero pages from mmap, so a bump allocation needs no memset
 * and untouched memory is never faulted in. */
#define CHUNK_MIN (64 * 1024)
#define CHUNK_MAX (4 * 1024 * 1024)

static long fail_countdown = -1;

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
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	if (!c)
		return;
	for (next = c->next; next; ) {
		struct arena_chunk *n = next->next;

		free(next);
		next = n;
	}
	memset(c->data, 0, c->used);
	c->used = 0;
	c->next = NULL;
	a->used = 0;
}

void arena_adopt(struct arena *dst, struct arena *src)
{
	struct arena_chunk *tail = src->head;

	if (!tail)
		return;
	while (tail->next)
		tail = tail->next;
	/* behind dst's current chunk, so dst keeps bumping where it was */
	if (dst->head) {
		tail->next = dst->head->next;
		dst->head->next = src->head;
	} else {
		dst->head = src->head;
	}
	dst->used += src->used;
	src->head = NULL;
	src->used = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!c || c->size - c->used < size) {
		size_t want = c && c->size < CHUNK_MAX ? c->size * 2 : CHUNK_MIN;

		if (want < size)
			want = size;
		c = xcalloc(1, sizeof(*c) + want);
		c->size = want;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += size;
	a->used += size;
	return p;	/* zero: chunks are calloc'ed and never reused */
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
