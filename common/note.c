/* note.c - note_parse(): dispatch to the markdown or plain-text back end,
 * the growable arrays and people table they fill, and the title a note gets
 * when its front matter does not say (its date: note-date.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontmatter.h"
#include "limits.h"
#include "note-internal.h"
#include "note.h"
#include "speakers.h"
#include "vec.h"

/* Replacement strings live in chunks so that one note makes few mallocs. */
#define ARENA_CHUNK_BYTES 4096

/* Open-addressing table from initials to person index: twice the most
 * people a file may have, so it never fills. */
#define INITIALS_SLOTS (2 * LEC_MAX_SPEAKERS_PER_FILE)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	char data[];
};

/* What note->arena points to. */
struct note_priv {
	struct arena_chunk *chunks;
	size_t cap_blocks, cap_segs, cap_people;
	int *initials;    /* INITIALS_SLOTS entries: person index + 1, 0 = empty */
	bool people_full; /* the people bound was hit (warned once) */
	size_t seg_floor; /* segs before this belong to added blocks */
};

static struct note_priv *priv(const struct note *note)
{
	return note->arena;
}

/* Room for one more segment. */
static lec_status reserve_seg(struct note *note, struct note_priv *np)
{
	struct note_segment *segs =
		vec_reserve(note->segs, &np->cap_segs, note->nsegs + 1, sizeof(*segs), 16);
	if (!segs)
		return LEC_ENOMEM;
	note->segs = segs;
	return LEC_OK;
}

static char *arena_copy(struct note_priv *np, const char *s, size_t len)
{
	struct arena_chunk *c = np->chunks;
	char *out;

	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > ARENA_CHUNK_BYTES ? len + 1 : ARENA_CHUNK_BYTES;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = np->chunks;
		c->used = 0;
		c->cap = cap;
		np->chunks = c;
	}
	out = c->data + c->used;
	memcpy(out, s, len);
	out[len] = '\0';
	c->used += len + 1;
	return out;
}

lec_status note_add_block(struct note *note, const struct note_block *block)
{
	struct note_priv *np = priv(note);

	/* each block costs ~100 bytes of the note's arrays and its document */
	if (note->nblocks >= LEC_MAX_NOTE_BLOCKS)
		return LEC_ELIMIT;
	struct note_block *blocks =
		vec_reserve(note->blocks, &np->cap_blocks, note->nblocks + 1, sizeof(*blocks), 16);
	if (!blocks)
		return LEC_ENOMEM;
	note->blocks = blocks;
	note->blocks[note->nblocks++] = *block;
	np->seg_floor = note->nsegs;
	return LEC_OK;
}

lec_status note_add_seg(struct note *note, size_t off, size_t len)
{
	struct note_priv *np = priv(note);
	struct note_segment *last;

	if (!len)
		return LEC_OK;
	last = note->nsegs ? &note->segs[note->nsegs - 1] : NULL;
	/* extend the last segment only within the block being built: a
	 * block's text must not grow past its end into the next block's */
	if (last && note->nsegs > np->seg_floor && !last->repl && last->off + last->len == off) {
		last->len += len;
		return LEC_OK;
	}
	if (reserve_seg(note, np))
		return LEC_ENOMEM;
	note->segs[note->nsegs++] = (struct note_segment){ off, len, NULL, 0 };
	return LEC_OK;
}

lec_status note_add_seg_as_is(struct note *note, const struct note_segment *seg)
{
	if (reserve_seg(note, priv(note)))
		return LEC_ENOMEM;
	note->segs[note->nsegs++] = *seg;
	return LEC_OK;
}

void note_take_blocks(struct note *note, struct note_block **blocks, size_t *nblocks,
		      struct note_segment **segs, size_t *nsegs)
{
	struct note_priv *np = priv(note);
	*blocks = note->blocks;
	*nblocks = note->nblocks;
	*segs = note->segs;
	*nsegs = note->nsegs;
	note->blocks = NULL;
	note->segs = NULL;
	note->nblocks = note->nsegs = 0;
	np->cap_blocks = np->cap_segs = 0;
	np->seg_floor = 0;
}

lec_status note_add_repl(struct note *note, size_t off, size_t len, const char *repl,
			 size_t repl_len)
{
	struct note_priv *np = priv(note);
	char *copy;

	if (reserve_seg(note, np))
		return LEC_ENOMEM;
	copy = arena_copy(np, repl, repl_len);
	if (!copy)
		return LEC_ENOMEM;
	note->segs[note->nsegs++] = (struct note_segment){ off, len, copy, repl_len };
	return LEC_OK;
}

lec_status note_warn(struct note *note, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	if (note->nwarnings >= NOTE_MAX_WARNINGS)
		return LEC_OK;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return LEC_ENOMEM;
	return strv_take(&note->warnings, &note->nwarnings, msg);
}

/* ---- people ---- */

static size_t initials_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % INITIALS_SLOTS;
}

static bool initials_eq(const char *a, const char *b, size_t blen)
{
	return a && strlen(a) == blen && memcmp(a, b, blen) == 0;
}

int note_person_by_initials(const struct note *note, const char *ini, size_t len)
{
	const struct note_priv *np = priv(note);
	size_t h;

	if (!np->initials || !len)
		return -1;
	for (h = initials_hash(ini, len); np->initials[h]; h = (h + 1) % INITIALS_SLOTS) {
		int i = np->initials[h] - 1;

		if (initials_eq(note->people[i].initials, ini, len))
			return i;
	}
	return -1;
}

int note_person_by_name(const struct note *note, const char *name, size_t len)
{
	for (size_t i = 0; i < note->npeople; i++) {
		const char *n = note->people[i].name;

		if (n && strlen(n) == len && memcmp(n, name, len) == 0)
			return (int)i;
	}
	return -1;
}

static lec_status initials_insert(struct note *note, const char *ini, size_t len, int idx)
{
	struct note_priv *np = priv(note);
	size_t h;

	if (!np->initials) {
		np->initials = calloc(INITIALS_SLOTS, sizeof(*np->initials));
		if (!np->initials)
			return LEC_ENOMEM;
	}
	for (h = initials_hash(ini, len); np->initials[h]; h = (h + 1) % INITIALS_SLOTS)
		;
	np->initials[h] = idx + 1;
	return LEC_OK;
}

lec_status note_person_add(struct note *note, const char *name, size_t name_len, const char *ini,
			   size_t ini_len, int *idx)
{
	struct note_priv *np = priv(note);
	struct note_person p = { NULL, NULL };

	*idx = ini_len ? note_person_by_initials(note, ini, ini_len) : -1;
	if (*idx >= 0)
		return LEC_OK;
	if (note->npeople >= LEC_MAX_SPEAKERS_PER_FILE) {
		if (np->people_full)
			return LEC_OK;
		np->people_full = true;
		return note_warn(note, "more than %d people named; the rest are ignored",
				 LEC_MAX_SPEAKERS_PER_FILE);
	}
	struct note_person *people =
		vec_reserve(note->people, &np->cap_people, note->npeople + 1, sizeof(*people), 16);
	if (!people)
		return LEC_ENOMEM;
	note->people = people;
	if (name_len && !(p.name = strndup(name, name_len)))
		return LEC_ENOMEM;
	if (ini_len && !(p.initials = strndup(ini, ini_len)))
		goto nomem;
	if (ini_len && initials_insert(note, ini, ini_len, (int)note->npeople))
		goto nomem;
	*idx = (int)note->npeople;
	note->people[note->npeople++] = p;
	return LEC_OK;
nomem:
	free(p.name);
	free(p.initials);
	return LEC_ENOMEM;
}

/* ---- lines, text ---- */

void note_lines_init(struct note_lines *nl, const char *src)
{
	nl->src = src;
	nl->off = 0;
	nl->line = 1;
}

uint32_t note_lines_at(struct note_lines *nl, size_t off)
{
	const char *p, *end;

	if (off < nl->off)
		note_lines_init(nl, nl->src);
	p = nl->src + nl->off;
	end = nl->src + off;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		nl->line++;
		p++;
	}
	nl->off = off;
	return nl->line;
}

bool note_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *note_collapse(const char *text, size_t len, size_t max)
{
	char *out = malloc((len < max ? len : max) + 1);
	size_t n = 0;
	bool space = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len && n < max; i++) {
		unsigned char c = (unsigned char)text[i];

		if (note_is_space(c) || !c) {
			space = n > 0;
			continue;
		}
		if (space) {
			out[n++] = ' ';
			space = false;
			if (n == max)
				break;
		}
		out[n++] = (char)c;
	}
	/* cut back to a character boundary: drop a partial UTF-8 sequence */
	if (n == max) {
		size_t k = n;

		while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)out[k - 1] >= 0xC0) {
			unsigned char lead = (unsigned char)out[k - 1];
			size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;

			if (n - (k - 1) < need)
				n = k - 1;
		}
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return out;
}

/* ---- title ---- */

/* The visible text of block b's first line. */
static char *first_line_text(const struct note *note, const struct note_block *b)
{
	const size_t cap = 8 * LEC_MAX_HEADING_BYTES;
	char buf[8 * LEC_MAX_HEADING_BYTES];
	size_t n = 0;

	for (size_t i = 0; i < b->seg_count && n < cap; i++) {
		const struct note_segment *sg = &note->segs[b->seg_first + i];
		const char *text = sg->repl ? sg->repl : note->src + sg->off;
		size_t len = sg->repl ? sg->repl_len : sg->len;
		const char *nl = sg->repl ? NULL : memchr(text, '\n', len);

		if (nl)
			len = (size_t)(nl - text);
		if (len > cap - n)
			len = cap - n;
		memcpy(buf + n, text, len);
		n += len;
		if (nl)
			break;
	}
	return note_collapse(buf, n, LEC_MAX_HEADING_BYTES);
}

static lec_status derive_title(struct note *note, char **heading_title)
{
	if (note->title)
		return LEC_OK;
	if (*heading_title && **heading_title) {
		note->title = *heading_title;
		*heading_title = NULL;
		return LEC_OK;
	}
	for (size_t i = 0; i < note->nblocks; i++) {
		char *t;

		if (!note->blocks[i].seg_count)
			continue;
		if (!(t = first_line_text(note, &note->blocks[i])))
			return LEC_ENOMEM;
		if (*t) {
			note->title = t;
			return LEC_OK;
		}
		free(t);
	}
	return LEC_OK;
}

/* ---- parse ---- */

/* Byte offset of the first invalid UTF-8 sequence, or SIZE_MAX. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return i;
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return i;
		i += n + 1;
	}
	return SIZE_MAX;
}

static lec_status parse_front_matter(struct note *note, size_t from)
{
	size_t yaml, yaml_len, body;
	bool too_long = false;

	if (!fm_find(note->src, note->len, from, &yaml, &yaml_len, &body, &too_long)) {
		if (too_long)
			return note_warn(
				note,
				"line 1: front matter not closed within %u bytes; read as markdown",
				LEC_FRONT_MATTER_MAX_BYTES);
		return LEC_OK;
	}
	note->body_start = body;
	return fm_parse(note, yaml, yaml_len, 2);
}

static lec_status parse_body(struct note *note, char **heading_title)
{
	size_t bad = utf8_invalid_at((const unsigned char *)note->src, note->len);
	lec_status st = LEC_OK;

	if (bad != SIZE_MAX)
		st = note_warn(note, "invalid UTF-8 at byte %zu", bad);
	if (!st && note->len >= 3 && memcmp(note->src, "\xEF\xBB\xBF", 3) == 0)
		note->body_start = 3;
	if (!st && note->format == NOTE_MARKDOWN)
		st = parse_front_matter(note, note->body_start);
	if (!st)
		st = spk_scan_people(note);
	if (st)
		return st;
	if (note->format == NOTE_MARKDOWN &&
	    note_md_marks(note->src + note->body_start, note->len - note->body_start) >
		    LEC_MAX_MARKDOWN_MARKS) {
		/* cmark's tree would take hundreds of bytes per mark, all at once */
		st = note_warn(note,
			       "over %u markdown marks (LEC_MAX_MARKDOWN_MARKS): read as "
			       "plain text",
			       (unsigned)LEC_MAX_MARKDOWN_MARKS);
		if (!st)
			st = note_txt_parse(note);
	} else if (note->format == NOTE_MARKDOWN) {
		st = note_md_parse(note, heading_title);
	} else {
		st = note_txt_parse(note);
	}
	return st ? st : note_split_blocks(note);
}

lec_status note_parse(const char *path, const char *src, size_t len, enum note_format fmt,
		      struct note *note)
{
	char *heading_title = NULL;
	struct note_priv *np;
	lec_status st;

	if (!note)
		return LEC_EINVAL;
	memset(note, 0, sizeof(*note));
	if ((!src && len) || (fmt != NOTE_MARKDOWN && fmt != NOTE_TEXT))
		return LEC_EINVAL;
	if (len > LEC_MAX_NOTE_BYTES)
		return LEC_ELIMIT;
	note->format = fmt;
	note->src = src ? src : "";
	note->len = len;
	note->arena = np = calloc(1, sizeof(*np));
	if (!np)
		return LEC_ENOMEM;
	st = parse_body(note, &heading_title);
	if (!st)
		st = derive_title(note, &heading_title);
	if (!st)
		st = note_date_derive(note, path);
	free(heading_title);
	free(np->initials);
	np->initials = NULL;
	if (st)
		note_release(note);
	return st;
}

void note_release(struct note *note)
{
	struct note_priv *np;

	if (!note)
		return;
	np = note->arena;
	if (np) {
		while (np->chunks) {
			struct arena_chunk *next = np->chunks->next;

			free(np->chunks);
			np->chunks = next;
		}
		free(np->initials);
		free(np);
	}
	for (size_t i = 0; i < note->npeople; i++) {
		free(note->people[i].name);
		free(note->people[i].initials);
	}
	free(note->people);
	free(note->blocks);
	free(note->segs);
	free(note->title);
	free(note->date);
	free(note->lang);
	strv_free(note->tags, note->ntags);
	strv_free(note->speakers, note->nspeakers);
	strv_free(note->warnings, note->nwarnings);
	memset(note, 0, sizeof(*note));
}

enum note_format note_format_for_path(const char *path)
{
	static const char *const exts[] = { ".md", ".markdown", ".mdown", ".mkd" };
	const char *base, *dot;

	if (!path)
		return NOTE_TEXT;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		return NOTE_TEXT;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return NOTE_MARKDOWN;
	return NOTE_TEXT;
}
