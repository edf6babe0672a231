/* arena.h - per-compilation bump allocator.
 *
 * Everything a compilation builds (tokens, AST, types, strings) lives in one
 * arena and is released at once by arena_free(). Nothing is freed piecemeal.
 */
#ifndef INJECT_ARENA_H
#define INJECT_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct arena_chunk;

/* An all-zero struct arena is an empty arena, as arena_init() leaves it.
 * Never copy one by value: the copy would hand out the same bytes. */
struct arena {
	struct arena_chunk *head;
	size_t used;	/* bytes handed out, for -v memory figures */
	unsigned char *next, *ready;	/* head's bytes [next, ready) are zero,
					 * mapped, and free to hand out */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
void *arena_alloc_slow(struct arena *a, size_t size);

/* Zeroed. Aligned to 16 when the size (rounded up to 8) is a multiple of
 * 16, else to 8: a C type's alignment divides its size, so that suffices
 * for any object or array of that size, and the 56-byte probe-point nodes
 * and short strings of the library do not each waste 8 bytes. Aborts on
 * out of memory (see xalloc_fail_after). Inline: pass 1 allocates half a
 * million times per library load. */
static inline void *arena_alloc(struct arena *a, size_t size)
{
	size_t pad;

	size = size ? (size + 7) & ~(size_t)7 : 8;	/* never NULL, even for 0 */
	pad = (uintptr_t)a->next & 8 & ~size;	/* to 16 for a multiple of 16 */
	if (size + pad <= (size_t)(a->ready - a->next)) {
		void *p = a->next + pad;

		a->next += pad + size;
		a->used += size;
		return p;
	}
	return arena_alloc_slow(a, size);
}

/* Empty the arena for reuse: the newest (largest) chunk stays, the others
 * are freed. Its bytes are zeroed again lazily, a little ahead of the
 * allocations (cache-hot, and only as far as the next user gets). For
 * scratch arenas that would otherwise fault in fresh pages each time. */
void arena_reset(struct arena *a);
/* Hand src's memory over to dst (freed with dst); src is left empty. */
void arena_adopt(struct arena *dst, struct arena *src);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ARENA_NEW(a, type) ((type *)arena_alloc((a), sizeof(type)))

/* Growable array of pointers backed by the arena (old storage is abandoned
 * to the arena on growth, which is fine for the small lists of an AST). */
struct ptrvec {
	void **v;
	int n, cap;
};
void ptrvec_push(struct arena *a, struct ptrvec *pv, void *p);

/* All heap allocation outside the arena goes through these; a test can make
 * the Nth call fail to exercise out-of-memory paths. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void xalloc_fail_after(long n);	/* -1 disables */

#endif
