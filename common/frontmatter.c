/* frontmatter.c - YAML front matter of markdown notes, read with libyaml's
 * document loader (no hand-parsed YAML). Only the top-level mapping is read,
 * one level deep, so aliases cannot make the work grow.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "frontmatter.h"
#include "limits.h"
#include "note-internal.h"
#include "vec.h"

/* libyaml's work per token grows with the flow nesting depth ("[[[[..."),
 * quadratic in all; real front matter has a handful of brackets. */
#define FM_MAX_FLOW_BRACKETS 256

/* End of the line starting at p (the '\n' or len) and the start of the
 * next one. */
static size_t line_end(const char *src, size_t len, size_t p, size_t *next)
{
	const char *nl = memchr(src + p, '\n', len - p);
	size_t e = nl ? (size_t)(nl - src) : len;

	*next = nl ? e + 1 : len;
	return e;
}

/* Is src[p..e) exactly `fence` followed by blanks (and maybe a CR)? */
static bool is_fence(const char *src, size_t p, size_t e, const char *fence)
{
	size_t n = strlen(fence);

	if (e - p < n || memcmp(src + p, fence, n) != 0)
		return false;
	for (p += n; p < e; p++)
		if (src[p] != ' ' && src[p] != '\t' && src[p] != '\r')
			return false;
	return true;
}

bool fm_find(const char *src, size_t len, size_t from, size_t *yaml, size_t *yaml_len, size_t *body,
	     bool *too_long)
{
	size_t p, next, e, first;

	*too_long = false;
	if (from >= len)
		return false;
	e = line_end(src, len, from, &first);
	if (!is_fence(src, from, e, "---") || first == len)
		return false;
	for (p = first; p < len; p = next) {
		if (p - from > LEC_FRONT_MATTER_MAX_BYTES) {
			*too_long = true;
			return false;
		}
		e = line_end(src, len, p, &next);
		if (is_fence(src, p, e, "---") || is_fence(src, p, e, "...")) {
			*yaml = first;
			*yaml_len = p - first;
			*body = next;
			return true;
		}
	}
	return false;
}

/* Append a trimmed, whitespace-collapsed copy of s[0..len) to *v; an
 * empty one is dropped. */
static lec_status push_collapsed(char ***v, size_t *n, const char *s, size_t len)
{
	char *copy = note_collapse(s, len, LEC_FRONT_MATTER_MAX_BYTES);

	if (copy && !*copy) {
		free(copy);
		return LEC_OK;
	}
	return strv_take(v, n, copy);
}

/* Push a scalar as one item, or split at commas when `split`. */
static lec_status push_scalar(char ***v, size_t *n, const char *s, size_t len, bool split)
{
	lec_status st = LEC_OK;

	while (split && !st) {
		const char *comma = memchr(s, ',', len);

		if (!comma)
			break;
		st = push_collapsed(v, n, s, (size_t)(comma - s));
		len -= (size_t)(comma - s) + 1;
		s = comma + 1;
	}
	return st ? st : push_collapsed(v, n, s, len);
}

/* A scalar value, or a sequence of scalars, pushed to *v. */
static lec_status push_value(yaml_document_t *doc, yaml_node_t *val, char ***v, size_t *n)
{
	lec_status st = LEC_OK;

	if (val->type == YAML_SCALAR_NODE)
		return push_scalar(v, n, (const char *)val->data.scalar.value,
				   val->data.scalar.length, true);
	if (val->type != YAML_SEQUENCE_NODE)
		return LEC_OK;
	for (yaml_node_item_t *it = val->data.sequence.items.start;
	     !st && it < val->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(doc, *it);

		if (item && item->type == YAML_SCALAR_NODE)
			st = push_scalar(v, n, (const char *)item->data.scalar.value,
					 item->data.scalar.length, false);
	}
	return st;
}

/* The first scalar of a value (itself, or a sequence's first item). */
static yaml_node_t *first_scalar(yaml_document_t *doc, yaml_node_t *val)
{
	if (val->type == YAML_SEQUENCE_NODE &&
	    val->data.sequence.items.start < val->data.sequence.items.top)
		val = yaml_document_get_node(doc, *val->data.sequence.items.start);
	return val && val->type == YAML_SCALAR_NODE ? val : NULL;
}

static bool key_is(yaml_node_t *key, const char *name)
{
	return key->data.scalar.length == strlen(name) &&
	       strncasecmp((const char *)key->data.scalar.value, name, key->data.scalar.length) ==
		       0;
}

static lec_status set_string(char **field, yaml_node_t *val)
{
	if (!val || *field)
		return LEC_OK;
	*field = note_collapse((const char *)val->data.scalar.value, val->data.scalar.length,
			       LEC_MAX_HEADING_BYTES);
	if (!*field)
		return LEC_ENOMEM;
	if (!**field) { /* "title:" with nothing: as if absent */
		free(*field);
		*field = NULL;
	}
	return LEC_OK;
}

static lec_status set_date(struct note *note, yaml_node_t *val, uint32_t first_line)
{
	char d[NOTE_DATE_BUF];

	if (!val || note->date)
		return LEC_OK;
	if (!note_date_parse((const char *)val->data.scalar.value, val->data.scalar.length, d))
		return note_warn(note, "line %lu: front matter date not understood",
				 (unsigned long)val->start_mark.line + first_line);
	note->date = strdup(d);
	return note->date ? LEC_OK : LEC_ENOMEM;
}

static lec_status apply_pair(struct note *note, yaml_document_t *doc, yaml_node_pair_t *pair,
			     uint32_t first_line)
{
	yaml_node_t *key = yaml_document_get_node(doc, pair->key);
	yaml_node_t *val = yaml_document_get_node(doc, pair->value);

	if (!key || !val || key->type != YAML_SCALAR_NODE)
		return LEC_OK;
	if (key_is(key, "title"))
		return set_string(&note->title, first_scalar(doc, val));
	if (key_is(key, "date"))
		return set_date(note, first_scalar(doc, val), first_line);
	if (key_is(key, "lang") || key_is(key, "language"))
		return set_string(&note->lang, first_scalar(doc, val));
	if (key_is(key, "tags") || key_is(key, "tag") || key_is(key, "keywords"))
		return push_value(doc, val, &note->tags, &note->ntags);
	if (key_is(key, "speakers") || key_is(key, "speaker"))
		return push_value(doc, val, &note->speakers, &note->nspeakers);
	return LEC_OK;
}

static lec_status apply_document(struct note *note, yaml_document_t *doc, uint32_t first_line)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	lec_status st = LEC_OK;

	if (!root)
		return LEC_OK; /* empty front matter */
	if (root->type != YAML_MAPPING_NODE)
		return note_warn(note, "line %u: front matter is not a YAML mapping", first_line);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     !st && p < root->data.mapping.pairs.top; p++)
		st = apply_pair(note, doc, p, first_line);
	return st;
}

/* Count '[' and '{' (quoted or not: a cheap upper bound on nesting). */
static size_t flow_brackets(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '[' || s[i] == '{';
	return n;
}

lec_status fm_parse(struct note *note, size_t yaml, size_t yaml_len, uint32_t first_line)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	lec_status st;

	if (flow_brackets(note->src + yaml, yaml_len) > FM_MAX_FLOW_BRACKETS)
		return note_warn(note, "line %u: front matter has more than %d brackets; not read",
				 first_line, FM_MAX_FLOW_BRACKETS);

	if (!yaml_parser_initialize(&parser))
		return LEC_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)note->src + yaml, yaml_len);
	if (!yaml_parser_load(&parser, &doc)) {
		if (parser.error == YAML_MEMORY_ERROR)
			st = LEC_ENOMEM;
		else
			st = note_warn(note, "line %lu: front matter is not valid YAML: %s",
				       (unsigned long)parser.problem_mark.line + first_line,
				       parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		return st;
	}
	st = apply_document(note, &doc, first_line);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return st;
}
