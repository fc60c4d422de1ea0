/* docbuild-spell.c - the index builder's spelling data and stem dictionary:
 * the words of the notes counted for Xapian's spelling suggestions (or a
 * fresh build's whole vocabulary at once), and each stem's words
 * (stemdict.h), flushed into a shard with its transaction. */
#include "docbuild.h"
#include "docbuild-int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "limits.h"
#include "stemdict.h"
#include "tokenize.h"

void docbuild_count_spelling(struct docbuild *b, const char *w, size_t len, unsigned flags)
{
	/* a fresh build spells its whole vocabulary once, at the end
	 * (docbuild_spell_vocabulary) */
	if (b->no_spelling || flags & (TOK_NUMERIC | TOK_CJK | TOK_LONG) ||
	    !tok_word_spellable(w, len))
		return;
	struct hmap_entry *e;
	if (hmap_put(&b->spelling, w, len, &e, NULL) == LEC_OK)
		e->value = (void *)((uintptr_t)e->value + 1);
}

lec_status docbuild_note_synonym(struct docbuild *b, const char *zterm, size_t zlen,
				 const char *word, size_t wlen)
{
	char key[2 * LEC_MAX_TERM_BYTES + 16];
	if (zlen + 1 + wlen > sizeof(key))
		return LEC_OK;
	memcpy(key, zterm, zlen);
	key[zlen] = 0;
	memcpy(key + zlen + 1, word, wlen);
	struct hmap_entry *e;
	return hmap_put(&b->synonyms, key, zlen + 1 + wlen, &e, NULL);
}

/* The pairs of b->synonyms ("Zstem\0word") not in `given`, sorted: each
 * stem's new words together. */
static int cmp_pair(const void *a, const void *b)
{
	const struct hmap_entry *x = *(const struct hmap_entry *const *)a;
	const struct hmap_entry *y = *(const struct hmap_entry *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);
	return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

static lec_status new_pairs(struct docbuild *b, struct hmap *given, struct hmap_entry ***out,
			    size_t *nout)
{
	struct hmap_entry **v = malloc((b->synonyms.n ? b->synonyms.n : 1) * sizeof(*v));
	struct hmap_entry *e;
	size_t n = 0, i = 0;
	lec_status st = v ? LEC_OK : LEC_ENOMEM;
	while (!st && hmap_next(&b->synonyms, &i, &e)) {
		int created = 1;
		struct hmap_entry *d;
		if (given)
			st = hmap_put(given, e->key, e->klen, &d, &created);
		if (!st && created)
			v[n++] = e;
	}
	if (!st && n > 1)
		qsort(v, n, sizeof(*v), cmp_pair);
	*out = v;
	*nout = n;
	return st;
}

/* Add words[0..n) to the dictionary entry of stem (the Z term's text). */
static lec_status add_stem_words(xap_db *db, const char *stem, size_t slen,
				 const char *const *words, const size_t *lens, size_t n,
				 struct buf *val)
{
	char key[LEC_MAX_TERM_BYTES + 16];
	size_t klen = stemdict_key(stem, slen, key);
	char *old = NULL;
	size_t oldlen = 0;
	int changed = 0;
	if (!klen)
		return LEC_OK;
	lec_status st = xap_db_get_metadata(db, key, klen, &old, &oldlen);
	if (!st) {
		stemdict_merge(old, oldlen, words, lens, n, val, &changed);
		st = val->status;
	}
	if (!st && changed)
		st = xap_db_set_metadata(db, key, klen, val->data, val->len);
	free(old);
	return st;
}

/* A word of the vocabulary: its spelling entry, with its occurrences. */
struct spell_ctx {
	xap_db *db;
	lec_status st;
};

static int on_vocabulary(void *vctx, const char *term, size_t len, uint32_t tf)
{
	struct spell_ctx *c = vctx;
	uint64_t occurrences = 0;
	(void)tf;
	/* prefixed terms (Z, S, XP...) start with a capital; words never do */
	if (!len || (term[0] >= 'A' && term[0] <= 'Z') || !tok_word_spellable(term, len))
		return 0;
	c->st = xap_db_collection_freq(c->db, term, len, &occurrences);
	if (!c->st && occurrences)
		c->st = xap_db_add_spelling(c->db, term, len,
					    occurrences > UINT32_MAX ? UINT32_MAX :
								       (uint32_t)occurrences);
	return c->st != LEC_OK;
}

lec_status docbuild_spell_vocabulary(xap_db *db)
{
	struct spell_ctx c = { db, LEC_OK };
	lec_status st = xap_db_allterms(db, "", 0, on_vocabulary, &c);
	return st == LEC_ESTOP ? c.st : st;
}

lec_status docbuild_flush_spelling(struct docbuild *b, xap_db *db, struct hmap *given)
{
	size_t i = 0, n = 0;
	struct hmap_entry *e, **pairs = NULL;
	lec_status st = LEC_OK;
	while (!st && hmap_next(&b->spelling, &i, &e))
		st = xap_db_add_spelling(db, e->key, e->klen, (uint32_t)(uintptr_t)e->value);
	hmap_release(&b->spelling);
	hmap_init(&b->spelling);
	if (!st)
		st = new_pairs(b, given, &pairs, &n);
	const char **words = st ? NULL : malloc((n ? n : 1) * sizeof(*words));
	size_t *lens = st ? NULL : malloc((n ? n : 1) * sizeof(*lens));
	if (!st && (!words || !lens))
		st = LEC_ENOMEM;
	struct buf val;
	buf_init(&val, 0);
	for (size_t a = 0, z; !st && a < n; a = z) {
		/* pairs[a..z): one stem ("Zstem"), its words after the NUL */
		size_t slen = strlen(pairs[a]->key);
		for (z = a; z < n && strcmp(pairs[z]->key, pairs[a]->key) == 0; z++) {
			words[z - a] = pairs[z]->key + slen + 1;
			lens[z - a] = pairs[z]->klen - slen - 1;
		}
		st = add_stem_words(db, pairs[a]->key + 1, slen - 1, words, lens, z - a, &val);
	}
	buf_release(&val);
	free(words);
	free(lens);
	free(pairs);
	hmap_release(&b->synonyms);
	hmap_init(&b->synonyms);
	return st;
}
