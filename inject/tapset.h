/* tapset.h - the tapset library path, laid out as stap lays it out.
 *
 * tapset_parse_library() (declared in session.h) is the entry point; the
 * helpers here are exposed for the unit tests and for -l/--dump-functions.
 */
#ifndef INJECT_TAPSET_H
#define INJECT_TAPSET_H

#include "arena.h"

/* The directories stap searches under one tapset root, most specific first:
 * for each runtime prefix ("/linux", "") the kernel-version and arch
 * suffixes ("/6.1.0-56-amd64/x86_64", "/6.1.0-56-amd64", "/6.1.0/x86_64",
 * "/6.1.0", "/6.1/x86_64", "/6.1", "/x86_64", ""). Pushes const char *
 * paths (existing or not) onto out. */
void tapset_search_dirs(struct arena *a, const char *root, const char *kernel_release,
			const char *arch, struct ptrvec *out);

/* The sorted names of files in dir ending in suffix (".stp" or ".stpm"),
 * as full paths. Missing directories give an empty list. */
void tapset_list_files(struct arena *a, const char *dir, const char *suffix,
		       struct ptrvec *out);

#endif
