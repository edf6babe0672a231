/* ksyms.h - the target kernel's function symbols, for probe-point resolution.
 *
 * Sources, tried in this order for kernel release R (target_info):
 *   - R is the running kernel: /proc/kallsyms (modules that are loaded too);
 *   - /boot/System.map-R, when it is a real map (Debian ships a one-line
 *     stub and puts the real one in the -dbg package);
 *   - the BTF of R (btf.h): every FUNC it describes. pahole encodes the
 *     functions that have an ftrace site, which is exactly the set kprobes
 *     attach to cheaply, so it is a sound list when no map exists. The
 *     filtered, sorted list is cached per release beside the BTF extract
 *     (<cache>/btf/ksyms-R-SIZE-MTIME-HASH.txt), so later runs read the
 *     BTF only when they need types.
 * A module M ("ext4", '-' and '_' equal) comes from /proc/kallsyms when R
 * runs and M is loaded, else from the symbol table of /lib/modules/R/.../M.ko
 * (found through modules.dep) read with libelf, .init/.exit text excluded.
 *
 * Tables are loaded lazily, on the first query that needs them, once per
 * process, and kept as sorted arrays: an exact name is a binary search, a
 * glob with a literal prefix ("vfs_*") scans only the prefix's range.
 *
 * Symbols never offered (kprobes refuse them, or probing them recurses into
 * the probe machinery): names with '.' (compiler clones .isra/.cold/
 * .constprop: not source functions), __pfx_/__cfi_ padding, the retpoline
 * and return thunks (__x86_indirect_thunk_*, __x86_return_thunk), entry
 * and exception stubs (entry_*, asm_exc_*, asm_sysvec_*), the kprobes and
 * int3/NMI/die machinery (see blacklist in ksyms.c). Functions in the
 * __kprobes/noinstr sections cannot be told from a map; the kernel refuses
 * those at registration time (-EINVAL), which pass 5 reports.
 */
#ifndef INJECT_KSYMS_H
#define INJECT_KSYMS_H

#include "ast.h"

/* Glob match as probe points use it: '*' any run of characters except sep,
 * '**' any run including sep, '?' one character, '[...]' a class, '{a,b}'
 * alternatives (nested). sep 0 makes '*' and '**' alike (function names). */
int ksyms_glob_match(const char *pattern, const char *name, char sep);
/* Does the pattern contain glob or alternative syntax? */
int ksyms_is_glob(const char *pattern);

/* Append to out_names (arena strings, sorted, no duplicates) the probe-able
 * function symbols of the kernel (module NULL or "kernel") or of module M
 * that match pattern. A "@file[:line]" suffix of a plain name is ignored
 * (no line tables without debuginfo); after a glob it is an error, since
 * it could not narrow the match. Returns the number appended, or -1 when
 * no symbol source exists for the target or the pattern cannot be honoured
 * (ksyms_error() says why). */
int ksyms_match(struct arena *a, const struct target_info *t, const char *module,
		const char *pattern, struct ptrvec *out_names);
/* 1 when name is a probe-able function of the kernel/module, 0 when not,
 * -1 when no symbol source exists. */
int ksyms_exists(const struct target_info *t, const char *module, const char *name);
/* 1 when module M exists for the target (a .ko, or loaded), else 0. */
int ksyms_module_exists(const struct target_info *t, const char *module);
/* Append to out (arena strings, sorted, no duplicates) the names of the
 * target's modules matching glob (module("ext*")): every module of
 * modules.dep, and the loaded ones when R is running. '-' reads as '_'.
 * Returns the number appended. */
int ksyms_modules_match(struct arena *a, const struct target_info *t, const char *glob,
			struct ptrvec *out);
/* Path of module M's object for the target (/lib/modules/R/<modules.dep
 * entry>: .ko or .ko.xz), or NULL when there is none. */
const char *ksyms_module_path(struct arena *a, const struct target_info *t,
			      const char *module);
/* Why the last failing call found no symbol source ("no System.map ..."). */
const char *ksyms_error(void);
/* Which source served the kernel's symbols ("/proc/kallsyms", ...), for -v. */
const char *ksyms_source(const struct target_info *t);

/* Name comparisons the table searches have made so far, for tests to
 * assert that a lookup is a binary search (about log2 n), not a scan; the
 * timing itself is bench/symbols.sh's. */
unsigned long ksyms_compare_count(void);

/* Drop the loaded tables (tests; valgrind-clean exit). */
void ksyms_cache_free(void);

#endif
