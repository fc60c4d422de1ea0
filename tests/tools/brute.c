/* brute.c - an independent brute-force checker for `lectern find`.
 *
 * It reads the notes itself and uses only the note parser (note_parse) and
 * the tokenizer (tok_stream / tok_text): no Xapian, no passages, no searcher.
 * Each block of a note is tokenized with its own stream (words never join
 * across blocks), giving per block the word sequence with byte offsets. A
 * phrase occurs at every position where its words appear consecutively in
 * one block; a word too long to be a term (TOK_LONG) takes a position but
 * matches nothing.
 *
 *   brute phrase TEXT FILE...           every occurrence as path:line:col
 *   brute phrases LIST FILE...          the same for each line of LIST, each
 *                                       result after a "## PHRASE" line
 *   brute words-files WORD FILE...      the files having a word whose english
 *                                       stem (libstemmer, called directly)
 *                                       is WORD's stem
 *   brute words-files-batch LIST FILE...  the same per line, "## WORD" first
 *   brute sample N SEED FILE...         N random phrases of 2-6 words, one a
 *                                       line: their source text, whitespace
 *                                       collapsed (no quotes, no markup)
 *
 * Paths are printed as given; each result is sorted bytewise (as LC_ALL=C
 * sort would). Lines are 1-based, columns 1-based bytes. Exit: 0 ok, 2 error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "note.h"
#include "tokenize.h"

#define NO_ID UINT32_MAX /* a TOK_LONG word, or a word not in any note */

/* One word of a note: interned id, block, source range. */
struct pos {
	uint32_t id;
	uint32_t block;
	uint32_t off;
	uint32_t srclen;
};

struct file_words {
	const char *path;
	char *src;
	size_t len;
	struct pos *pos;
	size_t npos, cap;
	size_t *nl; /* offsets of the newlines */
	size_t nnl;
};

/* Interned words: open addressing over malloc'd strings. */
struct intern {
	char **str;      /* by id */
	uint32_t *flags; /* tok flags by id */
	size_t n, cap;
	uint32_t *slots; /* id + 1, 0 = empty */
	size_t nslots;
};

static struct intern words;

static void die(const char *what)
{
	fprintf(stderr, "brute: %s\n", what);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrndup(const char *s, size_t len)
{
	char *r = xrealloc(NULL, len + 1);
	memcpy(r, s, len);
	r[len] = 0;
	return r;
}

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void intern_grow(void)
{
	size_t n = words.nslots ? words.nslots * 2 : 1 << 16;
	uint32_t *slots = xrealloc(NULL, n * sizeof(*slots));
	memset(slots, 0, n * sizeof(*slots));
	for (size_t id = 0; id < words.n; id++) {
		size_t i = hash(words.str[id], strlen(words.str[id])) & (n - 1);
		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = (uint32_t)id + 1;
	}
	free(words.slots);
	words.slots = slots;
	words.nslots = n;
}

/* The id of word s[0..len), NO_ID when unknown and !add. */
static uint32_t intern_id(const char *s, size_t len, unsigned flags, int add)
{
	if (words.n * 2 >= words.nslots)
		intern_grow();
	size_t i = hash(s, len) & (words.nslots - 1);
	for (; words.slots[i]; i = (i + 1) & (words.nslots - 1)) {
		const char *w = words.str[words.slots[i] - 1];
		if (strlen(w) == len && !memcmp(w, s, len))
			return words.slots[i] - 1;
	}
	if (!add)
		return NO_ID;
	if (words.n == words.cap) {
		words.cap = words.cap ? 2 * words.cap : 1024;
		words.str = xrealloc(words.str, words.cap * sizeof(*words.str));
		words.flags = xrealloc(words.flags, words.cap * sizeof(*words.flags));
	}
	words.str[words.n] = xstrndup(s, len);
	words.flags[words.n] = flags;
	words.slots[i] = (uint32_t)words.n + 1;
	return (uint32_t)words.n++;
}

static void intern_release(void)
{
	for (size_t i = 0; i < words.n; i++)
		free(words.str[i]);
	free(words.str);
	free(words.flags);
	free(words.slots);
}

struct collect {
	struct file_words *fw;
	uint32_t block;
};

static int push_pos(void *ctx, const tok_token *t)
{
	struct collect *c = ctx;
	struct file_words *fw = c->fw;
	if (fw->npos == fw->cap) {
		fw->cap = fw->cap ? 2 * fw->cap : 256;
		fw->pos = xrealloc(fw->pos, fw->cap * sizeof(*fw->pos));
	}
	struct pos *p = &fw->pos[fw->npos++];
	p->id = (t->flags & TOK_LONG) ? NO_ID : intern_id(t->word, t->len, t->flags, 1);
	p->block = c->block;
	p->off = (uint32_t)t->offset;
	p->srclen = (uint32_t)t->length;
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "brute: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	size_t cap = 1 << 16, n = 0, got;
	char *buf = xrealloc(NULL, cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	if (ferror(f))
		die("read error");
	fclose(f);
	*len = n;
	return buf;
}

static void find_newlines(struct file_words *fw)
{
	size_t cap = 0;
	for (size_t i = 0; i < fw->len; i++) {
		if (fw->src[i] != '\n')
			continue;
		if (fw->nnl == cap) {
			cap = cap ? 2 * cap : 256;
			fw->nl = xrealloc(fw->nl, cap * sizeof(*fw->nl));
		}
		fw->nl[fw->nnl++] = i;
	}
}

/* Parse one note and tokenize each block with a stream of its own. */
static void load_file(const char *path, struct file_words *fw)
{
	struct note n;
	memset(fw, 0, sizeof(*fw));
	fw->path = path;
	fw->src = read_file(path, &fw->len);
	if (fw->len > UINT32_MAX)
		die("file too large");
	find_newlines(fw);
	if (note_parse(path, fw->src, fw->len, note_format_for_path(path), &n) != LEC_OK)
		die("note_parse failed");
	for (size_t b = 0; b < n.nblocks; b++) {
		const struct note_block *blk = &n.blocks[b];
		struct collect c = { fw, (uint32_t)b };
		tok_stream ts;
		tok_stream_init(&ts, push_pos, &c);
		for (size_t i = 0; i < blk->seg_count; i++) {
			const struct note_segment *s = &n.segs[blk->seg_first + i];
			if (s->repl)
				tok_stream_feed_replacement(&ts, s->repl, s->repl_len, s->off,
							    s->len);
			else
				tok_stream_feed(&ts, fw->src + s->off, s->len, s->off);
		}
		if (tok_stream_finish(&ts) != LEC_OK)
			die("tokenizer failed");
	}
	note_release(&n);
}

static void file_release(struct file_words *fw)
{
	free(fw->pos);
	free(fw->nl);
	free(fw->src);
}

/* ------------------------------------------------------------------ */
/* Sorted output                                                       */

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_flush(struct lines *l)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	for (size_t i = 0; i < l->n; i++) {
		puts(l->v[i]);
		free(l->v[i]);
	}
	l->n = 0;
}

static char *place(const struct file_words *fw, size_t off)
{
	size_t lo = 0, hi = fw->nnl; /* count newlines before off */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (fw->nl[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t line_start = lo ? fw->nl[lo - 1] + 1 : 0;
	char *s;
	if (asprintf(&s, "%s:%zu:%zu", fw->path, lo + 1, off - line_start + 1) < 0)
		die("out of memory");
	return s;
}

/* ------------------------------------------------------------------ */
/* Phrases                                                             */

struct idvec {
	uint32_t *v;
	size_t n, cap;
};

static int push_query_id(void *ctx, const tok_token *t)
{
	struct idvec *q = ctx;
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 16;
		q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	q->v[q->n++] = (t->flags & TOK_LONG) ? NO_ID : intern_id(t->word, t->len, t->flags, 0);
	return 0;
}

static void phrase_places(const char *text, struct file_words *fws, size_t nf, struct lines *out)
{
	struct idvec q = { 0 };
	if (tok_text(text, strlen(text), 0, push_query_id, &q) != LEC_OK)
		die("tokenizer failed on a phrase");
	int possible = q.n > 0;
	for (size_t k = 0; k < q.n; k++)
		possible = possible && q.v[k] != NO_ID;
	for (size_t f = 0; f < nf && possible; f++) {
		const struct pos *p = fws[f].pos;
		for (size_t i = 0; i + q.n <= fws[f].npos; i++) {
			size_t k = 0;
			while (k < q.n && p[i + k].id == q.v[k] && p[i + k].block == p[i].block)
				k++;
			if (k == q.n)
				lines_add(out, place(&fws[f], p[i].off));
		}
	}
	free(q.v);
}

/* ------------------------------------------------------------------ */
/* Stems                                                               */

/* stem.h's contract: a word with a digit (N*) or a CJK character is kept. */
static int keeps_word(const char *w, size_t len, unsigned flags)
{
	if (flags & (TOK_CJK | TOK_NUMERIC))
		return 1;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)w;
	utf8proc_int32_t cp;
	for (size_t i = 0; i < len;) {
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0)
			return 1;
		utf8proc_category_t c = utf8proc_category(cp);
		if (c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL ||
		    c == UTF8PROC_CATEGORY_NO)
			return 1;
		i += (size_t)n;
	}
	return 0;
}

/* The english stem of a word, malloc'd. */
static char *stem_of(struct sb_stemmer *sb, const char *w, size_t len, unsigned flags)
{
	if (keeps_word(w, len, flags))
		return xstrndup(w, len);
	const sb_symbol *s = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)len);
	if (!s)
		die("out of memory");
	return xstrndup((const char *)s, (size_t)sb_stemmer_length(sb));
}

struct stem_index {
	struct sb_stemmer *sb;
	char **stem; /* by word id */
};

static void stem_index_build(struct stem_index *si)
{
	si->sb = sb_stemmer_new("english", "UTF_8");
	if (!si->sb)
		die("no english stemmer");
	si->stem = xrealloc(NULL, words.n * sizeof(*si->stem));
	for (size_t id = 0; id < words.n; id++)
		si->stem[id] =
			stem_of(si->sb, words.str[id], strlen(words.str[id]), words.flags[id]);
}

static void stem_index_release(struct stem_index *si)
{
	for (size_t id = 0; id < words.n; id++)
		free(si->stem[id]);
	free(si->stem);
	sb_stemmer_delete(si->sb);
}

struct qword {
	char *w;
	size_t len;
	unsigned flags;
	int n;
};

static int take_word(void *ctx, const tok_token *t)
{
	struct qword *q = ctx;
	if (q->n++ == 0) {
		q->w = xstrndup(t->word, t->len);
		q->len = t->len;
		q->flags = t->flags;
	}
	return 0;
}

static void word_files(struct stem_index *si, const char *text, struct file_words *fws, size_t nf,
		       struct lines *out)
{
	struct qword q = { 0 };
	if (tok_text(text, strlen(text), 0, take_word, &q) != LEC_OK || q.n != 1)
		die("words-files takes exactly one word");
	char *qs = stem_of(si->sb, q.w, q.len, q.flags);
	for (size_t f = 0; f < nf && !(q.flags & TOK_LONG); f++) {
		int found = 0;
		for (size_t i = 0; i < fws[f].npos && !found; i++)
			found = fws[f].pos[i].id != NO_ID &&
				!strcmp(si->stem[fws[f].pos[i].id], qs);
		if (found)
			lines_add(out, xstrndup(fws[f].path, strlen(fws[f].path)));
	}
	free(qs);
	free(q.w);
}

/* ------------------------------------------------------------------ */
/* Samples                                                             */

/* splitmix64: a fixed, portable sequence for a seed. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A span is usable as phrase text if it cannot end the quotes early, holds
 * no markup (link targets, tags, entities, code) and, tokenized on its own,
 * gives exactly the block's words. */
static int span_ok(const char *span, size_t len, const struct pos *p, size_t n)
{
	static const char *const banned[] = {
		"\"", "\xe2\x80\x9c", "\xe2\x80\x9d", "[", "]", "<", ">", "&", "\\", "`", NULL
	};
	char *tmp = xstrndup(span, len);
	int ok = strlen(tmp) == len;
	for (int i = 0; ok && banned[i]; i++)
		ok = !strstr(tmp, banned[i]);
	struct idvec got = { 0 };
	if (ok && tok_text(span, len, 0, push_query_id, &got) != LEC_OK)
		ok = 0;
	ok = ok && got.n == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = p[i].id != NO_ID && got.v[i] == p[i].id && p[i].block == p[0].block;
	free(got.v);
	free(tmp);
	return ok;
}

static void print_collapsed(const char *s, size_t len)
{
	int space = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			space = 1;
			continue;
		}
		if (space)
			putchar(' ');
		space = 0;
		putchar(c);
	}
	putchar('\n');
}

static int sample(long count, uint64_t seed, struct file_words *fws, size_t nf)
{
	size_t total = 0;
	for (size_t f = 0; f < nf; f++)
		total += fws[f].npos;
	uint64_t rng = seed;
	long made = 0, tries = 0;
	while (total && made < count && tries++ < count * 1000) {
		size_t pick = (size_t)(rng_next(&rng) % total);
		size_t n = 2 + (size_t)(rng_next(&rng) % 5), f = 0;
		while (pick >= fws[f].npos)
			pick -= fws[f++].npos;
		if (pick + n > fws[f].npos)
			continue;
		const struct pos *p = &fws[f].pos[pick];
		size_t start = p[0].off, end = p[n - 1].off + p[n - 1].srclen;
		if (!span_ok(fws[f].src + start, end - start, p, n))
			continue;
		print_collapsed(fws[f].src + start, end - start);
		made++;
	}
	return made == count ? 0 : 2;
}

/* ------------------------------------------------------------------ */

/* Each line of `path` (without its newline; empty lines skipped). */
static char **read_list(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char **v = NULL, *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t len;
	if (!f)
		die("cannot open the list");
	*n = 0;
	while ((len = getline(&line, &lcap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = xstrndup(line, (size_t)len);
	}
	free(line);
	fclose(f);
	return v;
}

static void usage(void)
{
	fputs("usage: brute phrase TEXT FILE...\n"
	      "       brute phrases LIST FILE...\n"
	      "       brute words-files WORD FILE...\n"
	      "       brute words-files-batch LIST FILE...\n"
	      "       brute sample N SEED FILE...\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	const char *mode = argv[1];
	int first = !strcmp(mode, "sample") ? 4 : 3;
	if (argc < first)
		usage();
	size_t nf = (size_t)(argc - first);
	struct file_words *fws = xrealloc(NULL, nf * sizeof(*fws));
	for (size_t f = 0; f < nf; f++)
		load_file(argv[first + (int)f], &fws[f]);

	struct lines out = { 0 };
	size_t nlist = 1;
	char **list = NULL, *one[1] = { argv[2] };
	int batch = !strcmp(mode, "phrases") || !strcmp(mode, "words-files-batch");
	int rc = 0;
	list = batch ? read_list(argv[2], &nlist) : one;
	if (!strcmp(mode, "phrase") || !strcmp(mode, "phrases")) {
		for (size_t i = 0; i < nlist; i++) {
			if (batch)
				printf("## %s\n", list[i]);
			phrase_places(list[i], fws, nf, &out);
			lines_flush(&out);
		}
	} else if (!strcmp(mode, "words-files") || !strcmp(mode, "words-files-batch")) {
		struct stem_index si;
		stem_index_build(&si);
		for (size_t i = 0; i < nlist; i++) {
			if (batch)
				printf("## %s\n", list[i]);
			word_files(&si, list[i], fws, nf, &out);
			lines_flush(&out);
		}
		stem_index_release(&si);
	} else if (!strcmp(mode, "sample")) {
		rc = sample(strtol(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), fws, nf);
	} else {
		usage();
	}
	if (batch) {
		for (size_t i = 0; i < nlist; i++)
			free(list[i]);
		free(list);
	}
	free(out.v);
	for (size_t f = 0; f < nf; f++)
		file_release(&fws[f]);
	free(fws);
	intern_release();
	if (fflush(stdout) != 0)
		rc = 2;
	return rc;
}
