/* brute.c - an independent brute-force checker for `lectern find`.
 *
 * It reads the notes itself and uses only the note parser (note_parse) and
 * the tokenizer (tok_stream / tok_text): no Xapian, no passages, no searcher.
 * Each block of a note is tokenized on its own (words never join across
 * blocks), giving per block the word sequence with byte offsets; a phrase
 * occurs at every position where its words appear consecutively.
 *
 *   brute phrase TEXT FILE...       every occurrence as path:line:col
 *   brute words-files WORD FILE...  the files having a word with WORD's stem
 *                                   (libstemmer "english", called directly)
 *   brute sample N SEED FILE...     N random phrases of 2-6 words, one a line,
 *                                   as their source text (whitespace collapsed)
 *
 * Paths are printed as given. Output order is file order, then place; the
 * tests sort it. Exit status: 0 ok, 2 error.
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

struct word {
	char *w;                /* normalised, owned */
	size_t len;
	size_t off, srclen;
	unsigned flags;
};

struct wordvec {
	struct word *v;
	size_t n, cap;
};

/* One file: its bytes and its blocks' word sequences. */
struct file_words {
	char *src;
	size_t len;
	struct wordvec *blocks;
	size_t nblocks;
};

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

static int push_word(void *ctx, const tok_token *t)
{
	struct wordvec *wv = ctx;
	if (wv->n == wv->cap) {
		wv->cap = wv->cap ? 2 * wv->cap : 64;
		wv->v = xrealloc(wv->v, wv->cap * sizeof(*wv->v));
	}
	struct word *w = &wv->v[wv->n++];
	w->w = xrealloc(NULL, t->len + 1);
	memcpy(w->w, t->word, t->len);
	w->w[t->len] = 0;
	w->len = t->len;
	w->off = t->offset;
	w->srclen = t->length;
	w->flags = t->flags;
	return 0;
}

static void wordvec_release(struct wordvec *wv)
{
	for (size_t i = 0; i < wv->n; i++)
		free(wv->v[i].w);
	free(wv->v);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "brute: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = xrealloc(NULL, cap);
	size_t got;
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

/* Parse one note and tokenize each block with its own stream. */
static void load_file(const char *path, struct file_words *fw)
{
	struct note n;
	fw->src = read_file(path, &fw->len);
	if (note_parse(path, fw->src, fw->len, note_format_for_path(path), &n) != LEC_OK)
		die("note_parse failed");
	fw->nblocks = n.nblocks;
	fw->blocks = xrealloc(NULL, n.nblocks * sizeof(*fw->blocks));
	for (size_t b = 0; b < n.nblocks; b++) {
		const struct note_block *blk = &n.blocks[b];
		struct wordvec *wv = &fw->blocks[b];
		tok_stream ts;
		memset(wv, 0, sizeof(*wv));
		tok_stream_init(&ts, push_word, wv);
		for (size_t i = 0; i < blk->seg_count; i++) {
			const struct note_segment *s = &n.segs[blk->seg_first + i];
			if (s->repl)
				tok_stream_feed_replacement(&ts, s->repl, s->repl_len, s->off, s->len);
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
	for (size_t b = 0; b < fw->nblocks; b++)
		wordvec_release(&fw->blocks[b]);
	free(fw->blocks);
	free(fw->src);
}

static void print_place(const char *path, const struct file_words *fw, size_t off)
{
	size_t line = 1, line_start = 0;
	for (size_t i = 0; i < off; i++)
		if (fw->src[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	printf("%s:%zu:%zu\n", path, line, off - line_start + 1);
}

static int word_eq(const struct word *a, const struct word *b)
{
	return !(a->flags & TOK_LONG) && !(b->flags & TOK_LONG) && a->len == b->len &&
	       !memcmp(a->w, b->w, a->len);
}

static int cmd_phrase(const char *text, char **files, int nfiles)
{
	struct wordvec q = { 0 };
	if (tok_text(text, strlen(text), 0, push_word, &q) != LEC_OK)
		die("tokenizer failed on the phrase");
	for (int f = 0; f < nfiles && q.n; f++) {
		struct file_words fw;
		load_file(files[f], &fw);
		for (size_t b = 0; b < fw.nblocks; b++) {
			const struct wordvec *wv = &fw.blocks[b];
			for (size_t i = 0; i + q.n <= wv->n; i++) {
				size_t k = 0;
				while (k < q.n && word_eq(&wv->v[i + k], &q.v[k]))
					k++;
				if (k == q.n)
					print_place(files[f], &fw, wv->v[i].off);
			}
		}
		file_release(&fw);
	}
	wordvec_release(&q);
	return 0;
}

/* stem.h's contract: words with a digit (N*) or CJK are not stemmed. */
static int keeps_word(const struct word *w)
{
	if (w->flags & (TOK_CJK | TOK_NUMERIC))
		return 1;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)w->w;
	utf8proc_int32_t cp;
	for (size_t i = 0; i < w->len;) {
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(w->len - i), &cp);
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

/* The english stem of w, malloc'd. */
static char *stem_of(struct sb_stemmer *sb, const struct word *w)
{
	const char *s = w->w;
	size_t len = w->len;
	if (!keeps_word(w)) {
		s = (const char *)sb_stemmer_stem(sb, (const sb_symbol *)w->w, (int)w->len);
		if (!s)
			die("out of memory");
		len = (size_t)sb_stemmer_length(sb);
	}
	char *r = xrealloc(NULL, len + 1);
	memcpy(r, s, len);
	r[len] = 0;
	return r;
}

static int cmd_words_files(const char *text, char **files, int nfiles)
{
	struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
	struct wordvec q = { 0 };
	if (!sb)
		die("no english stemmer");
	if (tok_text(text, strlen(text), 0, push_word, &q) != LEC_OK || q.n != 1)
		die("words-files takes exactly one word");
	char *qstem = stem_of(sb, &q.v[0]);
	for (int f = 0; f < nfiles && !(q.v[0].flags & TOK_LONG); f++) {
		struct file_words fw;
		int found = 0;
		load_file(files[f], &fw);
		for (size_t b = 0; b < fw.nblocks && !found; b++) {
			const struct wordvec *wv = &fw.blocks[b];
			for (size_t i = 0; i < wv->n && !found; i++) {
				if (wv->v[i].flags & TOK_LONG)
					continue;
				char *s = stem_of(sb, &wv->v[i]);
				found = !strcmp(s, qstem);
				free(s);
			}
		}
		if (found)
			printf("%s\n", files[f]);
		file_release(&fw);
	}
	free(qstem);
	wordvec_release(&q);
	sb_stemmer_delete(sb);
	return 0;
}

/* splitmix64: a fixed, portable sequence for a seed. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The span must not end the phrase early ("  “ ”) nor carry markup the
 * tokenizer would read differently as query text: tokenized on its own it
 * must give exactly the block's words. */
static int span_ok(const char *span, size_t len, const struct word *w, size_t n)
{
	static const char *const banned[] = { "\"", "\xe2\x80\x9c", "\xe2\x80\x9d", "](", "<", ">",
					      "&", "\\", "`", NULL };
	char *tmp = xrealloc(NULL, len + 1);
	memcpy(tmp, span, len);
	tmp[len] = 0;
	int ok = strlen(tmp) == len;
	for (int i = 0; ok && banned[i]; i++)
		ok = !strstr(tmp, banned[i]);
	struct wordvec got = { 0 };
	if (ok && tok_text(span, len, 0, push_word, &got) != LEC_OK)
		ok = 0;
	ok = ok && got.n == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = got.v[i].len == w[i].len && !memcmp(got.v[i].w, w[i].w, w[i].len) &&
		     !(w[i].flags & TOK_LONG);
	wordvec_release(&got);
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

static int cmd_sample(long count, uint64_t seed, char **files, int nfiles)
{
	struct file_words *fws = xrealloc(NULL, (size_t)nfiles * sizeof(*fws));
	size_t total = 0;
	for (int f = 0; f < nfiles; f++) {
		load_file(files[f], &fws[f]);
		for (size_t b = 0; b < fws[f].nblocks; b++)
			total += fws[f].blocks[b].n;
	}
	uint64_t rng = seed;
	long made = 0, tries = 0;
	while (total && made < count && tries++ < count * 1000) {
		size_t pick = (size_t)(rng_next(&rng) % total);
		size_t nwords = 2 + (size_t)(rng_next(&rng) % 5);
		const struct wordvec *wv = NULL;
		const char *src = NULL;
		for (int f = 0; f < nfiles && !wv; f++)
			for (size_t b = 0; b < fws[f].nblocks && !wv; b++) {
				if (pick < fws[f].blocks[b].n) {
					wv = &fws[f].blocks[b];
					src = fws[f].src;
				} else {
					pick -= fws[f].blocks[b].n;
				}
			}
		if (!wv || pick + nwords > wv->n)
			continue;
		const struct word *w = &wv->v[pick];
		size_t start = w[0].off, end = w[nwords - 1].off + w[nwords - 1].srclen;
		if (!span_ok(src + start, end - start, w, nwords))
			continue;
		print_collapsed(src + start, end - start);
		made++;
	}
	for (int f = 0; f < nfiles; f++)
		file_release(&fws[f]);
	free(fws);
	return made == count ? 0 : 2;
}

static void usage(void)
{
	fputs("usage: brute phrase TEXT FILE...\n"
	      "       brute words-files WORD FILE...\n"
	      "       brute sample N SEED FILE...\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	if (!strcmp(argv[1], "phrase"))
		return cmd_phrase(argv[2], argv + 3, argc - 3);
	if (!strcmp(argv[1], "words-files"))
		return cmd_words_files(argv[2], argv + 3, argc - 3);
	if (!strcmp(argv[1], "sample") && argc >= 4)
		return cmd_sample(strtol(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), argv + 4,
				  argc - 4);
	usage();
	return 2;
}
