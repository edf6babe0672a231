/* scenario_load.c - YAML to raw scenario structs, with locations.
 *
 * Three steps, and nothing is loaded unless all succeed:
 *  1. libyaml loads the document: a syntax error is reported at its mark;
 *     otherwise every node's location is indexed by its YAML path.
 *  2. libcyaml loads the same text against the schema below (every leaf a
 *     string: libcyaml would read 10ms as 10 and 010 as 8). Its errors
 *     (unknown key, wrong node type, missing key) come with a backtrace of
 *     mapping fields and sequence entries; that backtrace is turned back
 *     into a YAML path and reported at the node's location.
 *  3. scenario_check.c parses the values and checks the rules.
 */
#include "scenario_internal.h"

#include <cyaml/cyaml.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- the schema (every leaf a string) ---- */

#define STR(key, type, member) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, type, member, 0, \
			       CYAML_UNLIMITED)
#define STR_REQ(key, type, member) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER, type, member, 0, CYAML_UNLIMITED)
#define MAP(key, type, member, fields) \
	CYAML_FIELD_MAPPING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, type, member, fields)
#define SEQ(key, type, member, entry) \
	CYAML_FIELD_SEQUENCE(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, type, member, entry, \
			     0, CYAML_UNLIMITED)

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t bucket_fields[] = {
	STR_REQ("from", struct raw_bucket, from),
	STR_REQ("to", struct raw_bucket, to),
	STR_REQ("weight", struct raw_bucket, weight),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t bucket_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_bucket, bucket_fields),
};

static const cyaml_schema_field_t delay_fields[] = {
	STR_REQ("dist", struct raw_delay, dist),
	STR("value", struct raw_delay, value),
	STR("min", struct raw_delay, min),
	STR("max", struct raw_delay, max),
	STR("mean", struct raw_delay, mean),
	STR("stddev", struct raw_delay, stddev),
	STR("median", struct raw_delay, median),
	STR("sigma", struct raw_delay, sigma),
	STR("scale", struct raw_delay, scale),
	STR("shape", struct raw_delay, shape),
	SEQ("histogram", struct raw_delay, histogram, &bucket_entry),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t error_fields[] = {
	STR("errno", struct raw_error, errno_name),
	STR("status", struct raw_error, status),
	STR("when", struct raw_error, when),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t hang_fields[] = {
	STR_REQ("timeout", struct raw_hang, timeout),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t match_fields[] = {
	STR("pid", struct raw_match, pid),
	STR("pid_tree", struct raw_match, pid_tree),
	STR("comm", struct raw_match, comm),
	STR("exe", struct raw_match, exe),
	STR("uid", struct raw_match, uid),
	STR("cgroup", struct raw_match, cgroup),
	STR("device", struct raw_match, device),
	STR("path", struct raw_match, path),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t rule_fields[] = {
	STR_REQ("name", struct raw_rule, name),
	STR_REQ("hook", struct raw_rule, hook),
	SEQ("syscalls", struct raw_rule, syscalls, &string_entry),
	STR("stage", struct raw_rule, stage),
	SEQ("ops", struct raw_rule, ops, &string_entry),
	STR("sectors", struct raw_rule, sectors),
	MAP("match", struct raw_rule, match, match_fields),
	MAP("delay", struct raw_rule, delay, delay_fields),
	MAP("error", struct raw_rule, error, error_fields),
	MAP("hang", struct raw_rule, hang, hang_fields),
	STR("probability", struct raw_rule, probability),
	STR("when", struct raw_rule, when),
	STR("max", struct raw_rule, max),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t rule_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_rule, rule_fields),
};

static const cyaml_schema_field_t phase_fields[] = {
	STR_REQ("name", struct raw_phase, name),
	STR_REQ("duration", struct raw_phase, duration),
	SEQ("rules", struct raw_phase, rules, &rule_entry),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t phase_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_phase, phase_fields),
};

static const cyaml_schema_field_t safety_fields[] = {
	STR("deadline", struct raw_safety, deadline),
	STR("lease", struct raw_safety, lease),
	STR("max_delay", struct raw_safety, max_delay),
	STR("max_held", struct raw_safety, max_held),
	STR("max_sleeping", struct raw_safety, max_sleeping),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t scenario_fields[] = {
	STR_REQ("name", struct raw_scenario, name),
	STR("description", struct raw_scenario, description),
	STR("seed", struct raw_scenario, seed),
	MAP("safety", struct raw_scenario, safety, safety_fields),
	SEQ("rules", struct raw_scenario, rules, &rule_entry),
	SEQ("phases", struct raw_scenario, phases, &phase_entry),
	CYAML_FIELD_END
};
static const cyaml_schema_value_t scenario_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_scenario, scenario_fields),
};

/* ---- locations ---- */

static void add_loc(struct scn_ctx *c, const char *path, const yaml_node_t *n,
		    const yaml_node_t *key)
{
	struct scn_node_loc *l;

	if (c->nlocs == c->caplocs) {
		c->caplocs = c->caplocs ? 2 * c->caplocs : 64;
		c->locs = xrealloc(c->locs, (size_t)c->caplocs * sizeof(*c->locs));
	}
	l = &c->locs[c->nlocs++];
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->line = (int)n->start_mark.line + 1;
	l->col = (int)n->start_mark.column + 1;
	if (key) {
		l->key_line = (int)key->start_mark.line + 1;
		l->key_col = (int)key->start_mark.column + 1;
	}
	if (n->type == YAML_SCALAR_NODE) {
		l->quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
			    n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		l->len = (int)n->data.scalar.length;
	}
}

/* Index node n (at path) and everything below it. */
static void index_node(struct scn_ctx *c, yaml_document_t *doc, yaml_node_t *n,
		       const char *path, const yaml_node_t *key, int depth)
{
	if (!n || depth > 32)
		return;
	add_loc(c, path, n, key);
	if (n->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *p;

		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			yaml_node_t *v = yaml_document_get_node(doc, p->value);
			const char *name;

			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			name = (const char *)k->data.scalar.value;
			index_node(c, doc, v,
				   *path ? arena_printf(c->a, "%s.%s", path, name)
					 : arena_strdup(c->a, name),
				   k, depth + 1);
		}
	} else if (n->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;
		int i = 0;

		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
			index_node(c, doc, yaml_document_get_node(doc, *it),
				   arena_printf(c->a, "%s[%d]", path, i++), NULL, depth + 1);
	}
}

static const struct scn_node_loc *find_loc(const struct scn_ctx *c, const char *path)
{
	int i;

	for (i = 0; i < c->nlocs; i++)
		if (!strcmp(c->locs[i].path, path))
			return &c->locs[i];
	return NULL;
}

/* The nearest indexed ancestor of path (drop ".x" and "[n]" suffixes). */
static const struct scn_node_loc *find_loc_or_parent(const struct scn_ctx *c, const char *path)
{
	char *p = xstrdup(path);
	const struct scn_node_loc *l;

	for (;;) {
		char *cut;

		l = find_loc(c, p);
		if (l || !*p)
			break;
		cut = strrchr(p, '.');
		if (!cut || strrchr(p, '[') > cut)
			cut = strrchr(p, '[');
		if (!cut)
			cut = p;
		*cut = 0;
	}
	free(p);
	return l;
}

int scn_has(const struct scn_ctx *c, const char *path)
{
	return find_loc(c, path) != NULL;
}

struct loc scn_loc(const struct scn_ctx *c, const char *path, int key)
{
	const struct scn_node_loc *l = find_loc_or_parent(c, path);
	struct loc loc = { c->src, 1, 1, 1 };

	if (!l)
		return loc;
	if (key && l->key_line) {
		loc.line = l->key_line;
		loc.col = l->key_col;
		loc.len = (int)strlen(strrchr(l->path, '.') ? strrchr(l->path, '.') + 1 : l->path);
	} else {
		loc.line = l->line;
		loc.col = l->col + l->quoted;
		loc.len = l->len > 0 ? l->len : 1;
	}
	return loc;
}

void scn_error(const struct scn_ctx *c, const char *path, int key, int offset,
	       const char *fmt, ...)
{
	struct loc loc = scn_loc(c, path, key);
	char msg[512];
	va_list ap;

	if (offset >= 0 && !key) {
		loc.col += offset;
		loc.len = loc.len > offset ? loc.len - offset : 1;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*path)
		diag_error(loc, "%s: %s", path, msg);
	else
		diag_error(loc, "%s", msg);
}

/* ---- step 1: libyaml ---- */

static int yaml_pass(struct scn_ctx *c)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ok;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->src->text, c->src->len);
	ok = yaml_parser_load(&parser, &doc);
	if (!ok) {
		struct loc loc = { c->src, (int)parser.problem_mark.line + 1,
				   (int)parser.problem_mark.column + 1, 1 };

		diag_error(loc, "yaml: %s", parser.problem ? parser.problem : "syntax error");
		if (parser.context)
			diag_note((struct loc){ c->src, (int)parser.context_mark.line + 1,
						(int)parser.context_mark.column + 1, 1 },
				  "%s", parser.context);
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		diag_error((struct loc){ c->src, 1, 1, 1 }, "the scenario is empty");
		ok = 0;
	} else if (root->type != YAML_MAPPING_NODE) {
		diag_error((struct loc){ c->src, (int)root->start_mark.line + 1,
					 (int)root->start_mark.column + 1, 1 },
			   "a scenario is a mapping (name:, rules: ...)");
		ok = 0;
	} else {
		index_node(c, &doc, root, "", NULL, 0);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ok ? 0 : -1;
}

/* ---- step 2: libcyaml, and its errors turned into diagnostics ---- */

struct cy_log {
	char *text;
	size_t len, cap;
};

static void cy_log_fn(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct cy_log *l = ctx;
	char buf[512];
	int n;

	if (level < CYAML_LOG_ERROR)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, args);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (l->len + (size_t)n + 1 > l->cap) {
		l->cap = (l->len + (size_t)n + 1) * 2;
		l->text = xrealloc(l->text, l->cap);
	}
	memcpy(l->text + l->len, buf, (size_t)n + 1);
	l->len += (size_t)n;
}

/* libcyaml's backtrace, innermost first:
 *   "  in mapping field 'match' (line: 5, column: 7)"
 *   "  in sequence entry '1' (line: 3, column: 5)"     (1-based count)
 * -> the YAML path "rules[0].match". 'drop_field' leaves out the innermost
 * mapping field (for a missing key it is the last field seen, not where
 * the error is). */
static char *backtrace_path(struct arena *a, const char *log, int drop_field)
{
	const char *lines[64];
	char *path = arena_strdup(a, "");
	int n = 0, i;
	const char *p = strstr(log, "Backtrace:");

	while (p && n < 64) {
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
		if (!strncmp(p, "  in ", 5))
			lines[n++] = p + 5;
	}
	for (i = n - 1; i >= 0; i--) {
		const char *q = strchr(lines[i], '\'');
		const char *e = q ? strchr(q + 1, '\'') : NULL;

		if (!q || !e)
			continue;
		if (!strncmp(lines[i], "mapping field", 13)) {
			if (drop_field && i == 0)
				continue;
			path = *path ? arena_printf(a, "%s.%.*s", path, (int)(e - q - 1), q + 1)
				     : arena_strndup(a, q + 1, (size_t)(e - q - 1));
		} else if (!strncmp(lines[i], "sequence entry", 14)) {
			int k = atoi(q + 1);

			path = arena_printf(a, "%s[%d]", path, k > 0 ? k - 1 : 0);
		}
	}
	return path;
}

/* The allowed keys of the mapping at path, for the unknown-key note. */
static const cyaml_schema_field_t *fields_at(const char *path)
{
	const cyaml_schema_field_t *f = scenario_fields;
	char seg[64];

	while (*path) {
		size_t n = strcspn(path, ".[");
		const cyaml_schema_field_t *x;

		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, path, n);
		seg[n] = 0;
		path += n;
		while (*path == '[')
			path = strchr(path, ']') ? strchr(path, ']') + 1 : path + strlen(path);
		if (*path == '.')
			path++;
		for (x = f; x->key; x++)
			if (!strcmp(x->key, seg))
				break;
		if (!x->key)
			return NULL;
		if (x->value.type == CYAML_MAPPING)
			f = x->value.mapping.fields;
		else if (x->value.type == CYAML_SEQUENCE && x->value.sequence.entry->type == CYAML_MAPPING)
			f = x->value.sequence.entry->mapping.fields;
		else
			return NULL;
	}
	return f;
}

/* Edit distance, for "did you mean" (keys are short). */
static int distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), i, j;
	int d[32][32];

	if (la > 30 || lb > 30)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;

			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return d[la][lb];
}

static const char *closest_key(const cyaml_schema_field_t *f, const char *key)
{
	const char *best = NULL;
	int bd = 3;

	for (; f && f->key; f++) {
		int d = distance(f->key, key);

		if (d < bd) {
			bd = d;
			best = f->key;
		}
	}
	return best;
}

static const char *keys_list(struct arena *a, const cyaml_schema_field_t *f)
{
	char *s = arena_strdup(a, "");

	for (; f && f->key; f++)
		s = arena_printf(a, "%s%s'%s'", s, *s ? ", " : "", f->key);
	return s;
}

/* "Expecting SEQUENCE, got event: SCALAR" -> "expected a list, got a scalar" */
static const char *node_word(const char *s)
{
	if (!strncmp(s, "SEQUENCE", 8))
		return "a list";
	if (!strncmp(s, "MAPPING", 7))
		return "a mapping";
	if (!strncmp(s, "SCALAR", 6) || !strncmp(s, "STRING", 6))
		return "a scalar";
	if (!strncmp(s, "ALIAS", 5))
		return "an alias";
	return "something else";
}

static void report_cyaml(struct scn_ctx *c, const char *log, cyaml_err_t err)
{
	const char *msg = strstr(log, "Load: ");
	const char *end;
	char *first;

	msg = msg ? msg + 6 : log;
	end = strchr(msg, '\n');
	first = arena_strndup(c->a, msg, end ? (size_t)(end - msg) : strlen(msg));
	if (err == CYAML_ERR_ALIAS) {
		scn_error(c, backtrace_path(c->a, log, 0), 0, -1,
			  "anchors and aliases are not allowed in scenarios");
	} else if (!strncmp(first, "Backtrace:", 10)) {
		/* an error libcyaml only returns: its text is the code's */
		char *m = arena_strdup(c->a, cyaml_strerror(err));

		if (*m >= 'A' && *m <= 'Z')
			*m = (char)(*m - 'A' + 'a');
		scn_error(c, backtrace_path(c->a, log, 0), 0, -1, "%s", m);
	} else if (!strncmp(first, "Mapping field already seen: ", 28)) {
		/* both are indexed under one path: the second is the culprit */
		const char *path = backtrace_path(c->a, log, 0);
		const struct scn_node_loc *l = NULL;
		int i;

		for (i = 0; i < c->nlocs; i++)
			if (!strcmp(c->locs[i].path, path))
				l = &c->locs[i];
		if (l && l->key_line)
			diag_error((struct loc){ c->src, l->key_line, l->key_col,
						 (int)strlen(first + 28) },
				   "%s: key '%s' appears twice", path, first + 28);
		else
			scn_error(c, path, 1, -1, "key '%s' appears twice", first + 28);
	} else if (!strncmp(first, "Unexpected key: ", 16)) {
		const char *key = first + 16;
		char *path = backtrace_path(c->a, log, 0);
		char *kpath = *path ? arena_printf(c->a, "%s.%s", path, key) : (char *)key;
		const cyaml_schema_field_t *f = fields_at(path);

		const char *near = closest_key(f, key);

		scn_error(c, kpath, 1, -1, "unknown key '%s'", key);
		if (near)
			diag_note(scn_loc(c, kpath, 1), "did you mean '%s'?", near);
		else if (f)
			diag_note(scn_loc(c, kpath, 1), "%s%s takes %s", *path ? path : "a scenario",
				  "", keys_list(c->a, f));
	} else if (!strncmp(first, "Missing required mapping field: ", 32)) {
		scn_error(c, backtrace_path(c->a, log, 1), 0, -1, "missing key '%s'", first + 32);
	} else if (!strncmp(first, "Expecting ", 10)) {
		const char *got = strstr(first, "got event: ");

		scn_error(c, backtrace_path(c->a, log, 0), 0, -1, "expected %s, got %s",
			  node_word(first + 10), got ? node_word(got + 11) : "something else");
	} else {
		char *m = arena_strdup(c->a, first);

		if (*m >= 'A' && *m <= 'Z')
			*m = (char)(*m - 'A' + 'a');
		scn_error(c, backtrace_path(c->a, log, 0), 0, -1, "%s", m);
	}
}

struct scenario *scn_load(struct arena *a, const char *path, const struct scn_options *opt)
{
	struct scn_ctx c = { .a = a, .opt = opt };
	struct cy_log log = { 0 };
	cyaml_config_t cfg = {
		.log_fn = cy_log_fn,
		.log_ctx = &log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
	struct raw_scenario *raw = NULL;
	struct scenario *s = NULL;
	struct src_file *src;
	cyaml_err_t err;

	src = src_file_load(path);
	if (!src) {
		diag_fatal("cannot read scenario '%s': %s", path, strerror(errno));
		return NULL;
	}
	c.src = src;
	if (yaml_pass(&c))
		goto out;
	err = cyaml_load_data((const uint8_t *)src->text, src->len, &cfg, &scenario_schema,
			      (cyaml_data_t **)&raw, NULL);
	if (err != CYAML_OK) {
		if (log.len)
			report_cyaml(&c, log.text, err);
		else
			diag_error((struct loc){ src, 1, 1, 1 }, "%s", cyaml_strerror(err));
		goto out;
	}
	s = scn_check(&c, raw);
	if (s)
		s->file = arena_strdup(a, path);
out:
	if (raw)
		cyaml_free(&cfg, &scenario_schema, raw, 0);
	free(log.text);
	free(c.locs);
	return diag.errors ? NULL : s;
}
