/* cache.h - the compilation cache ($XDG_CACHE_HOME/inject, default
 * ~/.cache/inject).
 *
 * An entry is DIR/<key>/<module>.c and <module>.ko. The key hashes all
 * that changes the module: the script and its arguments, every option
 * that reaches the module (-D -G -g -u -I -m), the tapset library's and
 * the runtime's file contents, the gstap binary itself (the compiler's
 * version), the kernel release, its build tree's identity (.config, which
 * names the kernel's compiler, and Module.symvers) and the compiler that
 * kbuild runs. Feature probe results live in DIR/features/.
 */
#ifndef INJECT_CACHE_H
#define INJECT_CACHE_H

#include "session.h"

/* 32 hex digits of a 128-bit hash of a byte stream. */
struct cache_hash {
	unsigned long long a, b;
};
void cache_hash_init(struct cache_hash *h);
void cache_hash_bytes(struct cache_hash *h, const void *p, size_t n);
void cache_hash_str(struct cache_hash *h, const char *s);	/* with its NUL */
/* Hash a file's contents (or its absence); a directory recursively, in
 * name order. */
void cache_hash_path(struct cache_hash *h, const char *path);
/* A file's identity without reading it (path, size, mtime): for large
 * files, and for files whose derived form is cached. */
void cache_hash_stat(struct cache_hash *h, const char *path);
void cache_hash_hex(const struct cache_hash *h, char out[33]);

/* Where the cache lives ($XDG_CACHE_HOME/inject, else ~/.cache/inject), or
 * NULL when neither variable is set. Every cache of the project (modules,
 * BTF extracts, symbol tables, feature probes, the generated syscall tapset)
 * is under it. */
const char *cache_location(struct arena *a);
/* Write len bytes to path whole or not at all (a temporary file beside
 * it, then rename: a concurrent reader sees the old file or the new one).
 * The directory must exist. 0, or -1 with nothing left behind. */
int cache_write_file(struct arena *a, const char *path, const void *data, size_t len);
/* The same directory, made if missing; NULL when it cannot be used. */
const char *cache_dir(struct arena *a);

/* Compute s->cache_key and, without -m, s->module_name ("stap_<hash>").
 * The key is computed even with --disable-cache (the default name needs
 * it). Returns 0 or -1. */
int cache_compute_key(struct session *s);

/* The cached file <key>/<module>.<ext> if it exists, else NULL. */
const char *cache_lookup(struct session *s, const char *ext);
/* Store the built module and its source; returns the cached .ko path
 * (NULL when not stored: the caller keeps its own). */
const char *cache_store(struct session *s, const char *c_path, const char *ko_path);

/* gstap -p3: keep just the C file, so the path printed outlives the
 * temporary directory. Returns the cached path or NULL. */
const char *cache_store_source(struct session *s, const char *c_path);

#endif
