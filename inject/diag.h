/* diag.h - source files, locations and user diagnostics.
 *
 * Exactly one way to report a user error: diag_error(loc, ...). It prints
 * gcc's layout (file:line:col: error: msg, the source line, a caret line).
 * Internal bugs go through internal_error(), which aborts.
 */
#ifndef INJECT_DIAG_H
#define INJECT_DIAG_H

#include <stdio.h>

struct src_file {
	const char *name;	/* "<input>" for -e scripts */
	const char *text;	/* NUL-terminated contents */
	size_t len;
	int is_library;		/* tapset file: warnings are quieter */
};

struct loc {
	const struct src_file *file;
	int line, col;		/* 1-based; col counts bytes */
	int len;		/* length of the token for the ~~~ underline */
};

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

enum diag_format { DIAG_TEXT, DIAG_JSON };

struct diag_state {
	FILE *out;
	enum diag_format format;
	int errors, warnings;
	int max_errors;		/* stop printing after this many (0: default 20) */
	int suppress_warnings;	/* -w */
};

extern struct diag_state diag;

/* Read a whole file into a heap buffer; NULL and errno on failure. */
struct src_file *src_file_load(const char *path);
struct src_file *src_file_from_string(const char *name, const char *text);

void diag_error(struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warning(struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_note(struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An error with no source location, e.g. "cannot open file". */
void diag_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_report(enum diag_level level, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_reset(void);

_Noreturn void internal_error(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define INTERNAL_ERROR(...) internal_error(__FILE__, __LINE__, __VA_ARGS__)

/* Print s as a JSON string literal (with quotes). Shared by every JSON writer. */
void json_write_string(FILE *f, const char *s);

#endif
