/* snippet.c - the highlighted sentence of a result. */
#include "snippet.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"

/* Visible text of one block near the anchor, with the file offset of each
 * byte (FTS5's snippet idea: re-read the text, do not store it). */
struct vis {
	struct buf text;
	size_t *src; /* src[i]: file offset of text byte i */
	size_t cap;
};

static lec_status vis_put(struct vis *v, const char *p, size_t n, size_t src, int same_src)
{
	size_t at = v->text.len;
	buf_put(&v->text, p, n);
	if (v->text.status)
		return v->text.status;
	if (v->text.len > v->cap) {
		size_t ncap = v->text.cap;
		size_t *ns = realloc(v->src, ncap * sizeof(size_t));
		if (!ns)
			return LEC_ENOMEM;
		v->src = ns;
		v->cap = ncap;
	}
	for (size_t i = 0; i < n; i++)
		v->src[at + i] = same_src ? src : src + i;
	return LEC_OK;
}

static int is_ws(char c);

/* A byte that may stand beside an emphasis run: whitespace, punctuation,
 * or the edge of the note (CommonMark's flanking rule, simplified). */
static int open_side(const char *file, size_t flen, size_t i, int before)
{
	if (before ? i == 0 : i >= flen)
		return 1;
	unsigned char c = (unsigned char)file[before ? i - 1 : i];
	return is_ws((char)c) || (c < 0x80 && !isalnum(c));
}

/* The length of the inline markdown mark at file[i] (inside a segment that
 * ends at `end`) that a reader does not see, or 0: a run of * or _ that
 * opens or closes emphasis ("**Creating Iterables**"; not "2*3", not
 * snake_case, not a lone " * "), a run of backticks (a code span's
 * delimiters), and the "[" or "![" of a link whose "](url)" the indexer
 * left out of the segments (a "[" with no "]" after it in its segment; a
 * literal "[x]" keeps both). */
static size_t inline_mark(const char *file, size_t flen, size_t i, size_t end)
{
	char c = file[i];
	size_t n = 1;
	if (c == '*' || c == '_') {
		while (i + n < end && file[i + n] == c)
			n++;
		int after_ws = i + n >= flen || is_ws(file[i + n]);
		int before_ws = i == 0 || is_ws(file[i - 1]);
		int left = !after_ws && open_side(file, flen, i, 1);       /* opens */
		int right = !before_ws && open_side(file, flen, i + n, 0); /* closes */
		return left || right ? n : 0;
	}
	if (c == '`') {
		while (i + n < end && file[i + n] == '`')
			n++;
		return n;
	}
	if (c == '!' && i + 1 < end && file[i + 1] == '[')
		return memchr(file + i + 2, ']', end - i - 2) ? 0 : 2;
	if (c == '[')
		return memchr(file + i + 1, ']', end - i - 1) ? 0 : 1;
	return 0;
}

/* Append file[a, b) to v, leaving out the inline marks of markdown: the
 * bytes kept keep their file offsets, so highlights still land on the
 * words. */
static lec_status put_text(struct vis *v, const char *file, size_t flen, size_t a, size_t b,
			   size_t seg_end, int markdown)
{
	size_t run = a;
	for (size_t i = a; markdown && i < b;) {
		char c = file[i];
		size_t n = c == '*' || c == '_' || c == '`' || c == '[' || c == '!' ?
				   inline_mark(file, flen, i, seg_end) :
				   0;
		if (!n) {
			i++;
			continue;
		}
		lec_status st = i > run ? vis_put(v, file + run, i - run, run, 0) : LEC_OK;
		if (st)
			return st;
		i += n;
		run = i < b ? i : b;
	}
	return b > run ? vis_put(v, file + run, b - run, run, 0) : LEC_OK;
}

/* Gather the visible bytes of map block `bl` within [lo, hi) of the file. */
static lec_status gather(struct vis *v, const char *file, size_t flen, const struct segmap *map,
			 size_t pstart, size_t bl, size_t lo, size_t hi, int markdown)
{
	size_t first = bl ? map->block_end[bl - 1] : 0, prev_end = 0;
	for (size_t i = first; i < map->block_end[bl]; i++) {
		const struct segmap_seg *s = &map->segs[i];
		size_t a = pstart + s->off, b = a + s->len;
		if (b <= lo || a >= hi || a >= flen)
			continue;
		lec_status st;
		/* Markup left out between two segments reads as a space when it
		 * held a line break ("field?\nDDC:"), as nothing otherwise
		 * ("[cat](url)s" reads "cats"). */
		if (prev_end && prev_end < a && v->text.len &&
		    memchr(file + prev_end, '\n', a - prev_end) &&
		    (st = vis_put(v, " ", 1, prev_end, 1)))
			return st;
		prev_end = b;
		if (s->repl) {
			st = vis_put(v, s->repl, s->repl_len, a, 1);
		} else {
			if (a < lo)
				a = lo;
			if (b > hi)
				b = hi;
			if (b > flen)
				b = flen;
			size_t seg_end = pstart + s->off + s->len;
			st = put_text(v, file, flen, a, b, seg_end < flen ? seg_end : flen,
				      markdown);
		}
		if (st)
			return st;
	}
	return LEC_OK;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Index of the first visible byte at or after file offset off. */
static size_t vis_index(const struct vis *v, size_t off)
{
	size_t i = 0;
	while (i < v->text.len && v->src[i] < off)
		i++;
	return i;
}

/* Bytes of closing punctuation at t[i]: ” ’ " ' ) ] (0 if none). */
static size_t closer_at(const char *t, size_t len, size_t i)
{
	if (t[i] == '"' || t[i] == '\'' || t[i] == ')' || t[i] == ']')
		return 1;
	if (i + 2 < len && (unsigned char)t[i] == 0xe2 && (unsigned char)t[i + 1] == 0x80 &&
	    ((unsigned char)t[i + 2] == 0x9d || (unsigned char)t[i + 2] == 0x99))
		return 3;
	return 0;
}

/* Length of a sentence end (., ! or ? with closing quotes) starting at t[i]
 * and followed by whitespace or the end of the text; 0 if none. */
static size_t sentence_end_len(const char *t, size_t len, size_t i)
{
	if (t[i] != '.' && t[i] != '!' && t[i] != '?')
		return 0;
	size_t j = i + 1, k;
	while (j < len && (k = closer_at(t, len, j)))
		j += k;
	return j == len || is_ws(t[j]) ? j - i : 0;
}

/* Sentence bounds [*a, *b) around visible bytes [from, to). */
static void bounds(const struct vis *v, size_t from, size_t to, size_t *a, size_t *b, int *cut_a,
		   int *cut_b)
{
	const char *t = v->text.data;
	size_t len = v->text.len, i, k = 0;
	*cut_a = *cut_b = 0;
	/* back to just after the previous sentence end */
	for (i = from; i > 0; i--) {
		if (is_ws(t[i - 1])) {
			size_t j = i - 1;
			while (j > 0 && !is_ws(t[j - 1]) && i - j < 12)
				j--;
			int ended = 0;
			for (size_t x = j; x < i - 1 && !ended; x++)
				ended = sentence_end_len(t, len, x) == i - 1 - x;
			if (ended)
				break;
		}
		if (from - i >= SNIPPET_BEFORE) {
			while (i < from && !is_ws(t[i]))
				i++;
			*cut_a = 1;
			break;
		}
	}
	*a = i;
	for (i = to; i < len && !(k = sentence_end_len(t, len, i)); i++) {
		if (i - to >= SNIPPET_AFTER) {
			while (i > to && !is_ws(t[i]))
				i--;
			*cut_b = 1;
			break;
		}
	}
	*b = i < len && !*cut_b ? i + k : i;
}

/* Collapse whitespace, replace invalid UTF-8, and record each output byte's
 * file offset. */
static lec_status render(const struct vis *v, size_t a, size_t b, int cut_a, int cut_b,
			 struct buf *out, size_t **osrc)
{
	size_t cap = (b - a) * 3 + 16, n = 0;
	*osrc = malloc(cap * sizeof(size_t));
	if (!*osrc)
		return LEC_ENOMEM;
	const char *t = v->text.data;
	if (cut_a)
		buf_puts(out, "\xe2\x80\xa6");
	for (; n < out->len; n++)
		(*osrc)[n] = a < v->text.len ? v->src[a] : 0;
	int space = 0;
	for (size_t i = a; i < b;) {
		if (is_ws(t[i]) || (unsigned char)t[i] < 0x20) {
			space = out->len > 0;
			i++;
			continue;
		}
		if (space) {
			/* the space stands for the whitespace before this byte */
			buf_putc(out, ' ');
			(*osrc)[n++] = v->src[i - 1];
			space = 0;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i,
						      (utf8proc_ssize_t)(b - i), &cp);
		const char *bytes = t + i;
		size_t blen = (size_t)k;
		if (k <= 0) {
			bytes = "\xef\xbf\xbd";
			blen = 3;
			k = 1;
		}
		buf_put(out, bytes, blen);
		for (size_t j = 0; j < blen; j++)
			(*osrc)[n++] = v->src[i];
		i += (size_t)k;
	}
	if (cut_b) {
		buf_puts(out, "\xe2\x80\xa6");
		for (int j = 0; j < 3; j++)
			(*osrc)[n++] = (size_t)-1;
	}
	return out->status;
}

static int cmp_range(const void *x, const void *y)
{
	const struct search_range *a = x, *b = y;
	return a->off < b->off ? -1 : a->off > b->off ? 1 : 0;
}

/* Highlight ranges of every hit inside the snippet, merged. */
static lec_status highlights(const struct seg_word *words, const struct match_hit *hits,
			     size_t nhits, const size_t *osrc, size_t olen,
			     struct search_range **hl, size_t *nhl)
{
	*hl = NULL;
	*nhl = 0;
	if (!nhits)
		return LEC_OK;
	struct search_range *r = malloc(nhits * sizeof(*r));
	size_t n = 0;
	if (!r)
		return LEC_ENOMEM;
	for (size_t h = 0; h < nhits; h++) {
		size_t s = words[hits[h].first].off;
		size_t e = words[hits[h].last].off + words[hits[h].last].srclen;
		size_t i = 0;
		while (i < olen && (osrc[i] == (size_t)-1 || osrc[i] < s))
			i++;
		size_t j = i;
		while (j < olen && osrc[j] != (size_t)-1 && osrc[j] < e)
			j++;
		if (j > i && osrc[i] < e)
			r[n++] = (struct search_range){ i, j - i };
	}
	qsort(r, n, sizeof(*r), cmp_range);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && r[i].off <= r[m - 1].off + r[m - 1].len) {
			size_t end = r[i].off + r[i].len;
			if (end > r[m - 1].off + r[m - 1].len)
				r[m - 1].len = end - r[m - 1].off;
		} else {
			r[m++] = r[i];
		}
	}
	*hl = r;
	*nhl = m;
	return LEC_OK;
}

lec_status snippet_make(const char *file, size_t flen, const struct segmap *map, size_t pstart,
			const struct seg_word *words, size_t nwords, const struct match_hit *hits,
			size_t nhits, size_t best, int markdown, char **out,
			struct search_range **hl, size_t *nhl)
{
	struct vis v = { 0 };
	struct buf o;
	size_t *osrc = NULL;
	buf_init(&v.text, 0);
	buf_init(&o, 0);
	buf_puts(&o, "");
	*out = NULL;
	*hl = NULL;
	*nhl = 0;
	lec_status st = LEC_OK;
	if (nwords && map->nblocks) {
		size_t first = nhits ? hits[best].first : 0, last = nhits ? hits[best].last : 0;
		size_t bl = words[first].block < map->nblocks ? words[first].block : 0;
		size_t lo = words[first].off, hi = words[last].off + words[last].srclen;
		size_t glo = lo > SNIPPET_BEFORE * 4 ? lo - SNIPPET_BEFORE * 4 : 0;
		st = gather(&v, file, flen, map, pstart, bl, glo, hi + SNIPPET_AFTER * 4, markdown);
		if (!st && v.text.len) {
			size_t a, b;
			int ca, cb;
			size_t from = vis_index(&v, lo), to = vis_index(&v, hi);
			bounds(&v, from, to, &a, &b, &ca, &cb);
			st = render(&v, a, b, ca, cb, &o, &osrc);
			if (!st)
				st = highlights(words, hits, nhits, osrc, o.len, hl, nhl);
		}
	}
	if (!st && !(*out = buf_detach(&o)))
		st = LEC_ENOMEM;
	if (st) {
		free(*hl);
		*hl = NULL;
		*nhl = 0;
	}
	buf_release(&o);
	buf_release(&v.text);
	free(v.src);
	free(osrc);
	return st;
}
