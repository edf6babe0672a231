/* sema_builtins.c - the translator's own functions and format checking. */
#include "sema_builtins.h"

#include <string.h>

static const struct builtin builtins[] = {
#define X(id_, name_, ret_, min_, max_, args_) \
	{ .id = id_, .name = name_, .ret = ret_, .min_args = min_, .max_args = max_, .args = args_ },
	BUILTIN_LIST(X)
#undef X
};

const struct builtin *sema_builtin_lookup(const char *name)
{
	int i;

	for (i = 0; i < BI_COUNT; i++)
		if (!strcmp(builtins[i].name, name))
			return &builtins[i];
	return NULL;
}

const struct builtin *sema_builtin_at(int i)
{
	return i >= 0 && i < BI_COUNT ? &builtins[i] : NULL;
}

/* stap's conversions: flags [-+ #0], width and precision (digits or '*',
 * which consume a long argument), length modifiers (ignored), then one of
 * d i o u x X c p b s m M %. */
int sema_format_arg_types(const char *fmt, enum type *types, int max, int *bad)
{
	const char *p = fmt;
	int n = 0;

#define PUSH(t)                         \
	do {                            \
		if (types && n < max)   \
			types[n] = (t); \
		n++;                    \
	} while (0)

	while (*p) {
		const char *start = p;

		if (*p++ != '%')
			continue;
		if (*p == '%') {
			p++;
			continue;
		}
		while (*p && strchr("-+ #0", *p))
			p++;
		if (*p == '*') {
			PUSH(TY_LONG);
			p++;
		}
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			if (*p == '*') {
				PUSH(TY_LONG);
				p++;
			}
			while (*p >= '0' && *p <= '9')
				p++;
		}
		while (*p && strchr("hlLjzt", *p))
			p++;
		if (!*p || !strchr("diouxXcpbsmM", *p)) {
			if (bad)
				*bad = (int)(start - fmt);
			return -1;
		}
		PUSH(*p == 's' ? TY_STRING : TY_LONG);	/* %m/%M: an address */
		p++;
	}
#undef PUSH
	return n;
}
