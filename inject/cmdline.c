/* cmdline.c - split a -c COMMAND line as stap does (cmdline.h). */
#include "cmdline.h"

#include <stdlib.h>
#include <string.h>

enum cmdline_kind cmdline_split(const char *cmd, char ***argv_out)
{
	size_t len = strlen(cmd), slots = len / 2 + 2, n = 0;
	/* the pointers, then the words' bytes (never longer than cmd) */
	char **argv = malloc(slots * sizeof(*argv) + len + 1);
	char *w = (char *)(argv + slots);
	const char *p = cmd;
	int in_word = 0, expand = 0;

	*argv_out = NULL;
	if (!argv)
		return CMDLINE_NOMEM;
	for (;; p++) {
		char c = *p;

		if (!c || c == ' ' || c == '\t') {
			if (in_word) {
				*w++ = 0;
				in_word = 0;
			}
			if (!c)
				break;
			continue;
		}
		if (strchr("|&;<>(){}\n", c)) {
			free(argv);
			return CMDLINE_SHELL;
		}
		if (strchr("$`*?[", c) || (c == '~' && !in_word))
			expand = 1;
		if (!in_word) {
			argv[n++] = w;
			in_word = 1;
		}
		if (c == '\\') {
			if (!p[1])
				goto unmatched;
			*w++ = *++p;
		} else if (c == '\'') {
			while (*++p && *p != '\'')
				*w++ = *p;
			if (!*p)
				goto unmatched;
		} else if (c == '"') {
			while (*++p && *p != '"') {
				if (*p == '$' || *p == '`')
					expand = 1;
				if (*p == '\\' && p[1] && strchr("\\\"$`\n", p[1]))
					p++;
				*w++ = *p;
			}
			if (!*p)
				goto unmatched;
		} else {
			*w++ = c;
		}
	}
	argv[n] = NULL;
	*argv_out = argv;
	return expand ? CMDLINE_EXPAND : CMDLINE_WORDS;
unmatched:
	free(argv);
	return CMDLINE_UNMATCHED;
}
