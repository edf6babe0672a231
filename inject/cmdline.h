/* cmdline.h - split a -c COMMAND line as stap does.
 *
 * stap splits -c CMD with wordexp(3) without command substitution: words
 * separated by blanks, with '...', "..." and \ quoting. guru-run runs the
 * words directly (so target() is the command's own pid), a line with shell
 * syntax wordexp refuses (| & ; < > ( ) { } or a newline, unquoted) as
 * /bin/sh -c CMD, and one that needs expansion ($, `, globs, a leading ~)
 * as /bin/sh -c 'exec CMD'. gstap needs the same answer at pass 2: the
 * program that process probes without a path refer to. Both use this file
 * (guru-run is static and links it alone: libc only, no arena).
 */
#ifndef INJECT_CMDLINE_H
#define INJECT_CMDLINE_H

enum cmdline_kind {
	CMDLINE_WORDS,		/* plain words: exec them */
	CMDLINE_EXPAND,		/* words that need the shell's expansion */
	CMDLINE_SHELL,		/* shell syntax: /bin/sh -c CMD */
	CMDLINE_UNMATCHED,	/* an unmatched quote or a trailing \ */
	CMDLINE_NOMEM,
};

/*
 * Split cmd. For CMDLINE_WORDS and CMDLINE_EXPAND, *argv_out is the words
 * with their quoting removed (expansion characters kept as they are), a
 * NULL-terminated array in one malloc'd block: free(*argv_out) frees all.
 * Otherwise *argv_out is NULL.
 */
enum cmdline_kind cmdline_split(const char *cmd, char ***argv_out);

#endif
