/* diag.c - gcc-style diagnostics with source line and caret; JSON mode. */
#include "diag.h"
#include "arena.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct diag_state diag = { .out = NULL };

/* The last few diagnostics, to drop exact repeats (same place, same text). */
#define DEDUP_SLOTS 64
static struct {
	const struct src_file *file;
	int line, col;
	unsigned long hash;
} recent[DEDUP_SLOTS];
static int recent_n;

void diag_reset(void)
{
	diag.errors = diag.warnings = 0;
	recent_n = 0;
}

struct src_file *src_file_from_string(const char *name, const char *text)
{
	struct src_file *f = xcalloc(1, sizeof(*f));

	f->name = xstrdup(name);
	f->text = xstrdup(text);
	f->len = strlen(text);
	return f;
}

struct src_file *src_file_load(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct src_file *f;
	char *buf;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
		int e = errno;

		fclose(fp);
		errno = e;
		return NULL;
	}
	buf = xmalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	fclose(fp);
	f = xcalloc(1, sizeof(*f));
	f->name = xstrdup(path);
	f->text = buf;
	f->len = (size_t)n;
	return f;
}

static unsigned long hash_str(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static int seen_before(struct loc loc, const char *msg)
{
	unsigned long h = hash_str(msg);
	int i;

	for (i = 0; i < recent_n && i < DEDUP_SLOTS; i++)
		if (recent[i].file == loc.file && recent[i].line == loc.line &&
		    recent[i].col == loc.col && recent[i].hash == h)
			return 1;
	i = recent_n++ % DEDUP_SLOTS;
	recent[i].file = loc.file;
	recent[i].line = loc.line;
	recent[i].col = loc.col;
	recent[i].hash = h;
	return 0;
}

static const char *line_start(const struct src_file *f, int line)
{
	const char *p = f->text;

	while (--line > 0) {
		p = strchr(p, '\n');
		if (!p)
			return NULL;
		p++;
	}
	return p;
}

static void print_source_line(FILE *out, struct loc loc)
{
	const char *s, *e;
	int i, width, len;

	if (!loc.file || loc.line <= 0 || !(s = line_start(loc.file, loc.line)))
		return;
	e = strchr(s, '\n');
	if (!e)
		e = s + strlen(s);
	width = fprintf(out, "%5d", loc.line);
	fprintf(out, " | %.*s\n", (int)(e - s), s);
	fprintf(out, "%*s | ", width, "");
	/* copy the line's own whitespace so tabs stay aligned */
	for (i = 0; i < loc.col - 1 && s + i < e; i++)
		fputc(s[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	len = loc.len;
	if (s + loc.col - 1 + len > e)
		len = (int)(e - (s + loc.col - 1));
	for (i = 1; i < len; i++)
		fputc('~', out);
	fputc('\n', out);
}

static const char *level_name[] = {
	[DIAG_ERROR] = "error", [DIAG_WARNING] = "warning", [DIAG_NOTE] = "note",
};

void json_write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void vreport(enum diag_level level, struct loc loc, const char *fmt, va_list ap)
{
	FILE *out = diag.out ? diag.out : stderr;
	int max = diag.max_errors ? diag.max_errors : 20;
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level == DIAG_WARNING && diag.suppress_warnings)
		return;
	if (level != DIAG_NOTE && seen_before(loc, msg))
		return;
	if (level == DIAG_ERROR && ++diag.errors > max)
		return;
	if (level == DIAG_WARNING)
		diag.warnings++;
	if (diag.format == DIAG_JSON) {
		fputs("{\"level\":", out);
		json_write_string(out, level_name[level]);
		fputs(",\"file\":", out);
		json_write_string(out, loc.file ? loc.file->name : "");
		fprintf(out, ",\"line\":%d,\"column\":%d,\"message\":", loc.line, loc.col);
		json_write_string(out, msg);
		fputs("}\n", out);
		return;
	}
	if (loc.file)
		fprintf(out, "%s:%d:%d: %s: %s\n", loc.file->name, loc.line, loc.col,
			level_name[level], msg);
	else
		fprintf(out, "%s: %s\n", level_name[level], msg);
	print_source_line(out, loc);
}

void diag_report(enum diag_level level, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(level, loc, fmt, ap);
	va_end(ap);
}

#define DEFINE_REPORTER(fn, level)                        \
	void fn(struct loc loc, const char *fmt, ...)     \
	{                                                 \
		va_list ap;                               \
		va_start(ap, fmt);                        \
		vreport(level, loc, fmt, ap);             \
		va_end(ap);                               \
	}
DEFINE_REPORTER(diag_error, DIAG_ERROR)
DEFINE_REPORTER(diag_warning, DIAG_WARNING)
DEFINE_REPORTER(diag_note, DIAG_NOTE)

void diag_fatal(const char *fmt, ...)
{
	struct loc none = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vreport(DIAG_ERROR, none, fmt, ap);
	va_end(ap);
}

void internal_error(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "internal error: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
