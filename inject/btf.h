/* btf.h - BTF of the target kernel: function prototypes and type layouts
 * without a debuginfo package.
 *
 * Where it comes from, for release R:
 *   - R is the running kernel: /sys/kernel/btf/vmlinux (and
 *     /sys/kernel/btf/M for a loaded module);
 *   - else /boot/vmlinuz-R: the xz stream in the bzImage (magic fd 37 7a 58
 *     5a 00) is decoded with liblzma until the BTF blob of the vmlinux ELF
 *     turns up in it (.BTF lies in the first half; decoding stops there),
 *     or, failing that, decompressed whole and the ELF's .BTF section read
 *     with libelf. That costs about a second, so the raw .BTF bytes are
 *     cached as <cache>/btf/vmlinux-R-<size>-<mtime>.btf (cache =
 *     $XDG_CACHE_HOME/inject or ~/.cache/inject); the next run reads that.
 *   - a module of R that is not loaded: the .BTF section of its .ko, split
 *     BTF on top of the kernel's.
 * Parsed with libbpf (btf__new / btf__new_split). Loaded lazily, once per
 * process per (release, module): only scripts with target variables or
 * tracepoints pay for it.
 */
#ifndef INJECT_BTF_H
#define INJECT_BTF_H

#include "ast.h"

#include <bpf/btf.h>

/* The kernel's BTF, or NULL with *why (static text or arena-free message)
 * set. Never diagnoses: callers decide whether missing BTF is an error. */
const struct btf *btf_kernel(const struct target_info *t, const char **why);
/* The kernel BTF of release from the image at path (a bzImage carrying an
 * xz payload, or a vmlinux ELF), cached like /boot/vmlinuz-R's: what
 * btf_kernel() does for a release that is not running. */
const struct btf *btf_load_image(const char *release, const char *image, const char **why);
/* Module M's BTF (split on the kernel's), or NULL and *why. */
const struct btf *btf_module(const struct target_info *t, const char *module,
			     const char **why);


/* Decompress the first xz stream at in (trailing bytes ignored) into a
 * heap buffer the caller frees; NULL when it is not valid xz. */
unsigned char *btf_xz_decompress(const void *in, size_t in_size, size_t *out_size);
/* A copy (heap) of the named section of an in-memory ELF image, or NULL. */
void *btf_elf_section(const void *image, size_t size, const char *name, size_t *len);

/* Type id past typedefs and const/volatile/restrict/type tags. */
int btf_resolve(const struct btf *btf, int id);
/* Like btf_resolve but keeps typedefs (for printing). */
int btf_skip_cv(const struct btf *btf, int id);
/* The FUNC named name, or -1. */
int btf_find_func(const struct btf *btf, const char *name);
/* A named struct/union/typedef/enum of the given BTF_KIND_*, or -1. */
int btf_find_type(const struct btf *btf, const char *name, int kind);
/* Append to out (pointers into the BTF, valid while it is loaded) the
 * names of every type of the given BTF_KIND_* in strcmp order, duplicates
 * kept. Returns the count. Only for BTFs from btf_kernel/btf_module. */
int btf_sorted_names(const struct btf *btf, int kind, struct arena *a, struct ptrvec *out);
/* Resolve "struct T", "union T", "enum T", a typedef or base type name, or
 * a bare struct/union tag to a type id, or -1. */
int btf_find_type_spelled(const struct btf *btf, const char *spelling);
/* C spelling of a type as stap's -L shows it: "struct file*", "char*",
 * "size_t", "int[16]", "void". */
const char *btf_type_name(struct arena *a, const struct btf *btf, int id);
/* Size in bytes of a type (after resolving), or -1 for void/func. */
long btf_type_size(const struct btf *btf, int id);
/* 1 when the resolved type is an integer (incl. bool, char, enum) that is
 * signed. */
int btf_type_is_signed(const struct btf *btf, int id);

/* Adopt btf as the BTF of release (module NULL: the kernel) instead of
 * looking for it: for tests, which describe a kernel of their own. The
 * cache takes ownership and frees it in btf_cache_free(). */
void btf_register(const char *release, const char *module, struct btf *btf);

/* Drop every loaded BTF (tests; valgrind-clean exit), and with it the
 * symbol and tracepoint tables, which point into BTF strings. */
void btf_cache_free(void);

#endif
