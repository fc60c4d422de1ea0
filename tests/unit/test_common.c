/* test_common.c - segmap, record, hmap, buf, vec and paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "hmap.h"
#include "layout.h"
#include "limits.h"
#include "notefile.h"
#include "paths.h"
#include "record.h"
#include "rootmap.h"
#include "pack.h"
#include "ptable.h"
#include "segmap.h"
#include "stemdict.h"
#include "vec.h"

struct collected {
	char words[32][32];
	uint32_t pos[32];
	size_t off[32], len[32];
	uint32_t block[32];
	size_t n;
};

static int collect(void *ctx, const struct seg_word *w)
{
	struct collected *c = ctx;
	if (c->n < 32) {
		snprintf(c->words[c->n], 32, "%.*s", (int)w->len, w->word);
		c->pos[c->n] = w->pos;
		c->off[c->n] = w->off;
		c->len[c->n] = w->srclen;
		c->block[c->n] = w->block;
		c->n++;
	}
	return 0;
}

/* Blocks separate words and positions; segments join within a block. */
static void test_segmap_blocks_and_gaps(void **state)
{
	(void)state;
	/* file: "xx[cat](http://u)s run\n\nfast caf&eacute;" passage starts at 2 */
	const char *file = "xx[cat](http://u)s run\n\nfast caf&eacute;";
	struct segmap m;
	segmap_init(&m);
	assert_int_equal(segmap_begin_block(&m), LEC_OK);
	assert_int_equal(segmap_add(&m, 1, 3, NULL, 0), LEC_OK);  /* "cat" */
	assert_int_equal(segmap_add(&m, 15, 6, NULL, 0), LEC_OK); /* "s run\n"... */
	assert_int_equal(segmap_begin_block(&m), LEC_OK);
	assert_int_equal(segmap_begin_block(&m), LEC_OK);         /* empty: no new block */
	assert_int_equal(segmap_add(&m, 22, 8, NULL, 0), LEC_OK); /* "fast caf" */
	assert_int_equal(segmap_add(&m, 30, 8, "\xc3\xa9", 2), LEC_OK);
	assert_int_equal(m.nblocks, 2);

	struct collected c = { 0 };
	assert_int_equal(segmap_words(&m, file + 2, strlen(file) - 2, 2, collect, &c), LEC_OK);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.words[0], "cats");
	assert_int_equal(c.off[0], 3);
	assert_int_equal(c.len[0], 15); /* from c to s, across the URL */
	assert_string_equal(c.words[1], "run");
	assert_int_equal(c.pos[0], 1);
	assert_int_equal(c.pos[1], 2);
	assert_string_equal(c.words[2], "fast");
	assert_int_equal(c.pos[2], 3 + LEC_BLOCK_POSITION_GAP);
	assert_int_equal(c.block[2], 1);
	assert_string_equal(c.words[3], "cafe"); /* entity decoded, accent folded */
	assert_int_equal(c.off[3], 29);
	assert_int_equal(c.len[3], 11);

	/* pack / unpack round trip keeps blocks, replacements and positions */
	segmap_release(&m);
	segmap_init(&m);
	assert_int_equal(segmap_add(&m, 1, 3, NULL, 0), LEC_OK);
	assert_int_equal(segmap_add(&m, 15, 6, NULL, 0), LEC_OK);
	assert_int_equal(segmap_begin_block(&m), LEC_OK);
	assert_int_equal(segmap_add(&m, 22, 8, NULL, 0), LEC_OK);
	assert_int_equal(segmap_add(&m, 30, 8, "\xc3\xa9", 2), LEC_OK);
	struct collected cn = { 0 };
	assert_int_equal(segmap_words_numbered(&m, file + 2, strlen(file) - 2, 2, collect, &cn),
			 LEC_OK);
	assert_int_equal(m.bpos[0], 0);
	assert_int_equal(m.bpos[1], 2 + LEC_BLOCK_POSITION_GAP);
	struct buf b;
	buf_init(&b, 0);
	segmap_pack(&m, &b);
	assert_int_equal(b.status, LEC_OK);
	struct segmap d;
	segmap_init(&d);
	struct pk_reader rd;
	pk_reader_init(&rd, b.data, b.len);
	assert_int_equal(segmap_unpack(&d, &rd, strlen(file) - 2), LEC_OK);
	assert_true(pk_done(&rd));
	assert_int_equal(d.nblocks, 2);
	assert_int_equal(d.bpos[1], m.bpos[1]);
	assert_string_equal(d.segs[3].repl, "\xc3\xa9");
	struct collected c2 = { 0 };
	assert_int_equal(segmap_words(&d, file + 2, strlen(file) - 2, 2, collect, &c2), LEC_OK);
	assert_int_equal(c2.n, c.n);
	for (size_t i = 0; i < c.n; i++) {
		assert_string_equal(c2.words[i], c.words[i]);
		assert_int_equal(c2.pos[i], c.pos[i]);
		assert_int_equal(c2.off[i], c.off[i]);
	}
	/* the second block alone, at the positions it has in the passage */
	struct collected c3 = { 0 };
	assert_int_equal(segmap_words_blocks(&d, 1, 2, file + 2, strlen(file) - 2, 2, collect, &c3),
			 LEC_OK);
	assert_int_equal(c3.n, 2);
	assert_string_equal(c3.words[0], "fast");
	assert_int_equal(c3.pos[0], c.pos[2]);
	assert_int_equal(segmap_block_at(&d, c.pos[3]), 1);
	assert_int_equal(segmap_block_at(&d, c.pos[1]), 0);
	/* a stored map cut short, or with a segment past the passage, is damage */
	for (size_t cut = 0; cut < b.len; cut++) {
		pk_reader_init(&rd, b.data, cut);
		assert_int_equal(segmap_unpack(&d, &rd, strlen(file) - 2), LEC_ECORRUPT);
	}
	pk_reader_init(&rd, b.data, b.len);
	assert_int_equal(segmap_unpack(&d, &rd, 10), LEC_ECORRUPT);
	buf_release(&b);
	segmap_release(&d);
	segmap_release(&m);
}

/* The passage table: round trip, lookup by position, damage refused. */
static void test_ptable(void **state)
{
	(void)state;
	struct ptable t, d;
	struct buf b;
	ptable_init(&t);
	ptable_init(&d);
	buf_init(&b, 0);
	/* the second and third passages are in the first's section */
	struct ptable_entry e[] = { { 0, 10, 9, 2, 0 },
				    { 138, 0, 0, 0, 1 },
				    { 266, 300, 250, 0, 1 } };
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(ptable_add(&t, &e[i]), LEC_OK);
	ptable_encode(&t, &b);
	assert_int_equal(b.status, LEC_OK);
	assert_int_equal(ptable_decode(&d, b.data, b.len), LEC_OK);
	assert_int_equal(d.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_memory_equal(&d.v[i], &e[i], sizeof(e[i]));
	assert_int_equal(ptable_find(&d, 0), -1); /* before the first word */
	assert_int_equal(ptable_find(&d, 1), 0);
	assert_int_equal(ptable_find(&d, 10), 0);
	assert_int_equal(ptable_find(&d, 11), -1);  /* in the gap */
	assert_int_equal(ptable_find(&d, 138), -1); /* a passage without words */
	assert_int_equal(ptable_find(&d, 267), 2);
	assert_int_equal(ptable_find(&d, 566), 2);
	assert_int_equal(ptable_find(&d, 567), -1);
	for (size_t cut = 0; cut < b.len; cut++)
		assert_int_equal(ptable_decode(&d, b.data, cut), LEC_ECORRUPT);
	buf_putc(&b, 0);
	assert_int_equal(ptable_decode(&d, b.data, b.len), LEC_ECORRUPT); /* trailing bytes */
	/* more words than positions */
	buf_reset(&b);
	pk_put_uint(&b, 1);
	pk_put_uint(&b, 0);
	pk_put_uint(&b, 5);
	pk_put_uint(&b, 6);
	pk_put_uint(&b, 0);
	pk_put_uint(&b, 0);
	assert_int_equal(ptable_decode(&d, b.data, b.len), LEC_ECORRUPT);
	/* a parent that is not an earlier passage */
	buf_reset(&b);
	pk_put_uint(&b, 1);
	pk_put_uint(&b, 0);
	pk_put_uint(&b, 5);
	pk_put_uint(&b, 5);
	pk_put_uint(&b, 0);
	pk_put_uint(&b, 1);
	assert_int_equal(ptable_decode(&d, b.data, b.len), LEC_ECORRUPT);
	buf_release(&b);
	ptable_release(&t);
	ptable_release(&d);
}

/* A passage record: round trip, and damage refused at every cut. */
static void test_precord(void **state)
{
	(void)state;
	struct precord p, d;
	struct buf b;
	precord_init(&p);
	precord_init(&d);
	buf_init(&b, 0);
	p.start = 100;
	p.end = 160;
	p.line = 7;
	p.hash = 0x0123456789abcdefULL;
	assert_int_equal(strv_add(&p.headings, &p.nheadings, "Day 1"), LEC_OK);
	assert_int_equal(strv_add(&p.headings, &p.nheadings, "Keynote \xe2\x80\x93 AWS"), LEC_OK);
	assert_int_equal(strv_add(&p.speakers, &p.nspeakers, "Werner Vogels"), LEC_OK);
	assert_int_equal(segmap_add(&p.map, 0, 20, NULL, 0), LEC_OK);
	assert_int_equal(segmap_begin_block(&p.map), LEC_OK);
	assert_int_equal(segmap_add(&p.map, 22, 5, "&", 1), LEC_OK);
	precord_encode(&p, &b);
	assert_int_equal(b.status, LEC_OK);
	assert_int_equal(precord_decode(&d, b.data, b.len), LEC_OK);
	assert_int_equal(d.start, 100);
	assert_int_equal(d.end, 160);
	assert_int_equal(d.line, 7);
	assert_true(d.hash == p.hash);
	assert_int_equal(d.nheadings, 2);
	assert_string_equal(d.headings[1], p.headings[1]);
	assert_int_equal(d.nspeakers, 1);
	assert_string_equal(d.speakers[0], "Werner Vogels");
	assert_int_equal(d.map.nblocks, 2);
	assert_int_equal(d.map.nsegs, 2);
	assert_string_equal(d.map.segs[1].repl, "&");
	for (size_t cut = 0; cut < b.len; cut++)
		assert_int_equal(precord_decode(&d, b.data, cut), LEC_ECORRUPT);
	buf_release(&b);
	precord_release(&p);
	precord_release(&d);
}

/* A passage cut short (the file shrank) never reads past the text. */
static void test_segmap_truncated_text(void **state)
{
	(void)state;
	struct segmap m;
	segmap_init(&m);
	segmap_add(&m, 0, 100, NULL, 0);
	struct collected c = { 0 };
	assert_int_equal(segmap_words(&m, "short text", 10, 0, collect, &c), LEC_OK);
	assert_int_equal(c.n, 2);
	segmap_release(&m);
}

static void test_record_round_trip(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	rec_puts(&b, "path", "/notes/a\tb\nc\\d.md");
	rec_put_u64(&b, "line", 42);
	rec_puts(&b, "h", "Tuesday");
	rec_puts(&b, "h", "Keynote");
	assert_int_equal(b.status, LEC_OK);
	struct record r;
	assert_int_equal(rec_parse(b.data, b.len, &r), LEC_OK);
	assert_int_equal(r.n, 4);
	assert_string_equal(rec_get(&r, "path", NULL), "/notes/a\tb\nc\\d.md");
	assert_int_equal(rec_get_u64(&r, "line", 0), 42);
	assert_int_equal(rec_get_u64(&r, "missing", 7), 7);
	assert_string_equal(r.fields[2].val, "Tuesday");
	assert_string_equal(r.fields[3].val, "Keynote");
	rec_release(&r);
	assert_int_equal(rec_parse("no tab here\n", 12, &r), LEC_ECORRUPT);
	buf_release(&b);
}

/* The stem dictionary's stored form: merges keep the words sorted and
 * unique, say whether anything was added, and survive a damaged value. */
static int collect_word(void *ctx, const char *word, size_t len)
{
	struct buf *b = ctx;
	buf_put(b, word, len);
	buf_putc(b, ',');
	return 0;
}

static void test_stemdict(void **state)
{
	(void)state;
	char key[LEC_MAX_TERM_BYTES + 16];
	assert_int_equal(stemdict_key("propos", 6, key), strlen(LEC_META_STEM_PREFIX) + 6);
	assert_string_equal(key + strlen(LEC_META_STEM_PREFIX), "propos");
	assert_int_equal(stemdict_key("", 0, key), 0);

	struct buf v, seen;
	buf_init(&v, 0);
	buf_init(&seen, 0);
	int changed = 0;
	const char *w1[] = { "proposal", "proposed" };
	size_t l1[] = { 8, 8 };
	stemdict_merge("", 0, w1, l1, 2, &v, &changed);
	assert_true(changed);
	assert_string_equal(v.data, "proposal\nproposed\n");

	/* into an existing value: before, between, after, and one already there */
	char *old = strdup(v.data);
	const char *w2[] = { "propos", "proposals", "proposed", "proposing" };
	size_t l2[] = { 6, 9, 8, 9 };
	stemdict_merge(old, strlen(old), w2, l2, 4, &v, &changed);
	assert_true(changed);
	assert_string_equal(v.data, "propos\nproposal\nproposals\nproposed\nproposing\n");
	free(old);

	old = strdup(v.data);
	stemdict_merge(old, strlen(old), w2 + 2, l2 + 2, 1, &v, &changed);
	assert_false(changed);
	assert_string_equal(v.data, old);

	assert_int_equal(stemdict_each(old, strlen(old), collect_word, &seen), LEC_OK);
	assert_string_equal(seen.data, "propos,proposal,proposals,proposed,proposing,");

	/* a damaged value: the words before the damage, and LEC_ECORRUPT */
	buf_reset(&seen);
	assert_int_equal(stemdict_each("abc\nde", 6, collect_word, &seen), LEC_ECORRUPT);
	assert_string_equal(seen.data, "abc,");
	/* a merge drops the damaged tail and keeps the rest */
	stemdict_merge("abc\nde", 6, w1, l1, 1, &v, &changed);
	assert_string_equal(v.data, "abc\nproposal\n");
	free(old);
	buf_release(&v);
	buf_release(&seen);
}

/* Roots: keys name a note by root ID and path inside it; the stored form
 * keeps a root that holds the index relative to it, reads format 1's
 * lines, and refuses what it cannot read. */
static void test_rootmap(void **state)
{
	(void)state;
	struct rootmap m;
	struct buf b, err;
	char *key = NULL, *path = NULL;
	rootmap_init(&m);
	buf_init(&b, 0);
	buf_init(&err, 0);
	assert_int_equal(rootmap_add(&m, "/n/notes", NULL, NULL), LEC_OK);
	assert_int_equal(rootmap_add(&m, "/n/notes/inner", "french", NULL), LEC_OK);
	assert_int_equal(rootmap_add(&m, "/", NULL, NULL), LEC_OK);
	assert_int_equal(rootmap_key(&m, "/n/notes/a/b.md", &key), LEC_OK);
	assert_string_equal(key, "1/a/b.md");
	assert_string_equal(rootmap_key_rel(key), "a/b.md");
	free(key);
	/* the innermost root */
	assert_int_equal(rootmap_key(&m, "/n/notes/inner/c.md", &key), LEC_OK);
	assert_string_equal(key, "2/c.md");
	assert_int_equal(rootmap_path(&m, key, strlen(key), &path), LEC_OK);
	assert_string_equal(path, "/n/notes/inner/c.md");
	free(key);
	free(path);
	assert_int_equal(rootmap_key(&m, "/etc/x", &key), LEC_OK);
	assert_string_equal(key, "3/etc/x");
	assert_int_equal(rootmap_path(&m, key, strlen(key), &path), LEC_OK);
	assert_string_equal(path, "/etc/x");
	free(key);
	free(path);
	assert_int_equal(rootmap_path(&m, "9/x", 3, &path), LEC_ENOTFOUND);
	assert_int_equal(rootmap_path(&m, "x/y", 3, &path), LEC_ECORRUPT);
	assert_null(rootmap_key_rel("a/b"));

	/* an index inside root 1: "..", and root 2 holds it not */
	rootmap_remove(&m, 2);
	rootmap_encode(&m, "/n/notes/.lectern", &b);
	assert_string_equal(b.data, "1\t..\n2\t/n/notes/inner\tfrench\n");
	struct rootmap back;
	rootmap_init(&back);
	assert_int_equal(rootmap_decode(&back, b.data, b.len, "/moved/notes/.lectern", &err),
			 LEC_OK);
	assert_int_equal(back.n, 2);
	assert_string_equal(back.v[0].path, "/moved/notes");
	assert_string_equal(back.v[1].lang, "french");
	/* IDs go on from the highest, never reused */
	assert_int_equal(back.next_id, 3);
	buf_reset(&b);
	rootmap_encode(&m, "/n/notes/x/.lectern", &b);
	assert_string_equal(b.data, "1\t../..\n2\t/n/notes/inner\tfrench\n");

	/* format 1's lines, as the database kept them */
	assert_int_equal(rootmap_decode(&back, "/a\n/b\tgerman\n", 13, NULL, &err), LEC_OK);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.v[0].id, 1);
	assert_int_equal(back.v[1].id, 2);
	assert_string_equal(back.v[1].lang, "german");
	/* damage */
	assert_int_equal(rootmap_decode(&back, "1\trelative\n", 11, NULL, &err), LEC_ECORRUPT);
	assert_int_equal(rootmap_decode(&back, "1\t/a\n1\t/b\n", 10, NULL, &err), LEC_ECORRUPT);
	rootmap_release(&back);
	rootmap_release(&m);
	buf_release(&b);
	buf_release(&err);
}

static void test_vec(void **state)
{
	(void)state;
	int *v = NULL;
	size_t n = 0, cap = 0;
	for (int i = 0; i < 1000; i++) {
		int *g = vec_reserve(v, &cap, n + 1, sizeof(*g), 16);
		assert_non_null(g);
		v = g;
		assert_true(cap >= n + 1);
		v[n++] = i;
	}
	assert_int_equal(cap, 1024); /* 16 doubled six times */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], (int)i);
	/* room already there: the same array, the same capacity */
	assert_ptr_equal(vec_reserve(v, &cap, 10, sizeof(*v), 16), v);
	assert_int_equal(cap, 1024);
	/* a size that cannot be allocated: NULL, and the array is untouched */
	assert_null(vec_reserve(v, &cap, SIZE_MAX / 2, sizeof(*v), 16));
	assert_int_equal(cap, 1024);
	assert_int_equal(v[999], 999);
	free(v);
	/* first == need on an empty array: exactly that */
	cap = 0;
	char *b = vec_reserve(NULL, &cap, 100, 1, 100);
	assert_non_null(b);
	assert_int_equal(cap, 100);
	free(b);

	char **sv = NULL;
	size_t sn = 0;
	assert_int_equal(strv_add(&sv, &sn, "one"), LEC_OK);
	assert_int_equal(strv_push(&sv, &sn, "twofold", 3), LEC_OK);
	assert_int_equal(strv_take(&sv, &sn, strdup("three")), LEC_OK);
	assert_int_equal(strv_take(&sv, &sn, NULL), LEC_ENOMEM);
	assert_int_equal(sn, 3);
	assert_string_equal(sv[0], "one");
	assert_string_equal(sv[1], "two");
	assert_string_equal(sv[2], "three");
	strv_free(sv, sn);
	strv_free(NULL, 5);
}

static void test_hmap(void **state)
{
	(void)state;
	struct hmap m;
	hmap_init(&m);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		struct hmap_entry *e;
		int created;
		snprintf(key, sizeof(key), "key-%d", i);
		assert_int_equal(hmap_put(&m, key, strlen(key), &e, &created), LEC_OK);
		assert_true(created);
		e->value = (void *)(uintptr_t)(i + 1);
	}
	assert_int_equal(m.n, 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		struct hmap_entry *e = hmap_get(&m, key, strlen(key));
		assert_non_null(e);
		assert_int_equal((uintptr_t)e->value, (uintptr_t)(i + 1));
	}
	assert_null(hmap_get(&m, "nope", 4));
	size_t it = 0, seen = 0;
	struct hmap_entry *e;
	while (hmap_next(&m, &it, &e))
		seen++;
	assert_int_equal(seen, 5000);
	hmap_release(&m);
}

static void test_buf_cap_and_sticky(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	buf_puts(&b, "12345");
	buf_puts(&b, "6789"); /* over the cap */
	assert_int_equal(b.status, LEC_ELIMIT);
	buf_puts(&b, "x"); /* sticky: nothing happens */
	assert_int_equal(b.len, 5);
	assert_null(buf_detach(&b));
	buf_init(&b, 0);
	buf_printf(&b, "%d-%s", 7, "x");
	char *s = buf_detach(&b);
	assert_string_equal(s, "7-x");
	free(s);
}

static void test_buf_insert(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 12);
	buf_insert(&b, 0, "body", 4);
	buf_insert(&b, 0, "<h>", 3);
	buf_insert(&b, 7, "!", 1);
	assert_string_equal(b.data, "<h>body!");
	assert_int_equal(b.len, 8);
	buf_insert(&b, 3, "12345", 5); /* past the cap: sticky */
	assert_int_equal(b.status, LEC_ELIMIT);
	assert_string_equal(b.data, "<h>body!");
	buf_release(&b);
	buf_init(&b, 0);
	buf_insert(&b, 1, "x", 1); /* past the end */
	assert_int_equal(b.status, LEC_EINVAL);
	buf_release(&b);
}

static void test_paths(void **state)
{
	(void)state;
	char *p;
	assert_int_equal(paths_absolute("/a/./b//c/../d/", &p), LEC_OK);
	assert_string_equal(p, "/a/b/d");
	free(p);
	assert_int_equal(paths_absolute("/..", &p), LEC_OK);
	assert_string_equal(p, "/");
	free(p);
	assert_string_equal(paths_display("/home/u/notes/a.md", "/home/u"), "notes/a.md");
	assert_string_equal(paths_display("/home/uu/a.md", "/home/u"), "/home/uu/a.md");
	assert_string_equal(paths_display("/home/u", "/home/u"), "/home/u");
	setenv("LECTERN_INDEX", "/tmp/x-index", 1);
	assert_int_equal(paths_index_dir(NULL, &p), LEC_OK);
	assert_string_equal(p, "/tmp/x-index");
	free(p);
	assert_int_equal(paths_index_dir("/given", &p), LEC_OK);
	assert_string_equal(p, "/given");
	free(p);
	unsetenv("LECTERN_INDEX");
	setenv("XDG_DATA_HOME", "/xdg", 1);
	assert_int_equal(paths_index_dir(NULL, &p), LEC_OK);
	assert_string_equal(p, "/xdg/lectern");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/me", 1);
	assert_int_equal(paths_index_dir(NULL, &p), LEC_OK);
	assert_string_equal(p, "/home/me/.local/share/lectern");
	free(p);
}

/* A window holds the file's bytes at their own offsets; the range is
 * clipped to the file, a FIFO is refused without blocking, and a file over
 * the limit is LEC_ELIMIT. */
/* paths_exchange swaps two directories; paths_remove_tree removes a tree
 * without following a symlink out of it. */
static void test_exchange_and_remove(void **state)
{
	(void)state;
	char top[] = "/tmp/lectern-test-tree-XXXXXX";
	char a[128], b[128], f[160], outside[] = "/tmp/lectern-test-outside-XXXXXX";
	struct stat sb;
	assert_non_null(mkdtemp(top));
	assert_non_null(mkdtemp(outside));
	snprintf(a, sizeof(a), "%s/a", top);
	snprintf(b, sizeof(b), "%s/b", top);
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	snprintf(f, sizeof(f), "%s/only-in-a", a);
	FILE *fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	lec_status st = paths_exchange(a, b);
	if (st == LEC_EUNIMPL) {
		skip(); /* a filesystem without RENAME_EXCHANGE */
	}
	assert_int_equal(st, LEC_OK);
	snprintf(f, sizeof(f), "%s/only-in-a", b);
	assert_int_equal(stat(f, &sb), 0);
	snprintf(f, sizeof(f), "%s/only-in-a", a);
	assert_int_not_equal(stat(f, &sb), 0);
	snprintf(f, sizeof(f), "%s/missing", top);
	assert_int_equal(paths_exchange(a, f), LEC_EIO);

	/* a deep tree with a symlink to a directory outside: the link goes,
	 * what it points to stays */
	snprintf(f, sizeof(f), "%s/x/y/z", b);
	assert_int_equal(paths_mkdir_p(f, 0755), LEC_OK);
	snprintf(f, sizeof(f), "%s/x/link", b);
	assert_int_equal(symlink(outside, f), 0);
	assert_int_equal(paths_remove_tree(top), LEC_OK);
	assert_int_not_equal(lstat(top, &sb), 0);
	assert_int_equal(stat(outside, &sb), 0);
	assert_int_equal(paths_remove_tree(top), LEC_OK); /* already gone */
	assert_int_equal(rmdir(outside), 0);
}

static void test_read_window(void **state)
{
	(void)state;
	char path[] = "/tmp/lectern-test-window-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char text[10000];
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	assert_int_equal(write(fd, text, sizeof(text)), (ssize_t)sizeof(text));
	close(fd);
	char *d;
	size_t len;
	uint64_t size;
	assert_int_equal(paths_read_window(path, 1 << 20, 5000, 5100, &d, &len, &size), LEC_OK);
	assert_int_equal(len, 5100);
	assert_int_equal(size, sizeof(text));
	assert_memory_equal(d + 5000, text + 5000, 100);
	assert_int_equal(d[len], 0);
	free(d);
	assert_int_equal(paths_read_window(path, 1 << 20, 9990, 20000, &d, &len, &size), LEC_OK);
	assert_int_equal(len, sizeof(text));
	assert_memory_equal(d + 9990, text + 9990, 10);
	free(d);
	assert_int_equal(paths_read_window(path, 1 << 20, 30000, 40000, &d, &len, &size), LEC_OK);
	assert_int_equal(len, sizeof(text));
	free(d);
	assert_int_equal(paths_read_window(path, 100, 0, 10, &d, &len, &size), LEC_ELIMIT);
	unlink(path);
	assert_int_equal(paths_read_window(path, 1 << 20, 0, 10, &d, &len, &size), LEC_ENOTFOUND);
	/* not a regular file: LEC_EINVAL at once (a FIFO with no writer would
	 * block an open without O_NONBLOCK), and paths_kind_at says what it is */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(paths_read_window(path, 1 << 20, 0, 10, &d, &len, &size), LEC_EINVAL);
	assert_int_equal(paths_read_file(path, 1 << 20, &d, &len), LEC_EINVAL);
	assert_string_equal(paths_kind_at(path), "a FIFO");
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(paths_read_file(path, 1 << 20, &d, &len), LEC_EINVAL);
	assert_string_equal(paths_kind_at(path), "a directory");
	rmdir(path);
	assert_string_equal(paths_kind_at(path), "something else");
	assert_string_equal(paths_kind(S_IFSOCK | 0600), "a socket");
	assert_string_equal(paths_kind(S_IFCHR | 0600), "a character device");
	assert_string_equal(paths_kind(S_IFREG | 0600), "a regular file");
}

/* Decode raw[0 .. len) as notefile would a whole file; compare with want. */
static void assert_decodes(const char *raw, size_t len, enum notefile_enc enc, const char *want)
{
	char *out;
	size_t n;
	assert_int_equal(notefile_sniff(raw, len), enc);
	assert_int_equal(notefile_decode(raw, len, enc, &out, &n), LEC_OK);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
	assert_int_equal(out[n], 0);
	free(out);
}

static void test_notefile_decode(void **state)
{
	(void)state;
	/* “a—b” 😀 in UTF-16LE, UTF-16BE, UTF-8 with its mark */
	static const char le[] = "\xff\xfe\x1c\x20"
				 "a\0"
				 "\x14\x20"
				 "b\0"
				 "\x1d\x20"
				 " \0"
				 "\x3d\xd8\x00\xde";
	static const char be[] = "\xfe\xff\x20\x1c"
				 "\0a"
				 "\x20\x14"
				 "\0b"
				 "\x20\x1d"
				 "\0 "
				 "\xd8\x3d\xde\x00";
	static const char want[] = "\xe2\x80\x9c"
				   "a"
				   "\xe2\x80\x94"
				   "b"
				   "\xe2\x80\x9d"
				   " "
				   "\xf0\x9f\x98\x80";
	assert_decodes(le, sizeof(le) - 1, NOTEFILE_UTF16LE, want);
	assert_decodes(be, sizeof(be) - 1, NOTEFILE_UTF16BE, want);
	assert_decodes("\xef\xbb\xbf# t\n", 7, NOTEFILE_UTF8_BOM, "# t\n");
	/* a lone low surrogate, a high one before a letter, one at the end,
	 * and an odd last byte: U+FFFD each; the letter stays */
	static const char bad[] = "\xff\xfe"
				  "\x00\xdc"
				  "\x00\xd8"
				  "x\0"
				  "\x00\xd8"
				  "y";
	assert_decodes(bad, sizeof(bad) - 1, NOTEFILE_UTF16LE,
		       "\xef\xbf\xbd\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd");
	assert_decodes("\xff\xfe", 2, NOTEFILE_UTF16LE, "");
	/* no mark, UTF-32LE's mark, too short: the bytes are the text */
	assert_int_equal(notefile_sniff("abc", 3), NOTEFILE_UTF8);
	assert_int_equal(notefile_sniff("\xff\xfe\0\0", 4), NOTEFILE_UTF8);
	assert_int_equal(notefile_sniff("\xff", 1), NOTEFILE_UTF8);
	assert_int_equal(notefile_sniff("\xef\xbb", 2), NOTEFILE_UTF8);
	assert_int_equal(notefile_sniff("", 0), NOTEFILE_UTF8);
}

/* A file with a mark is read whole and decoded, through both readers; one
 * without is read at its own offsets. */
static void test_notefile_read(void **state)
{
	(void)state;
	char path[] = "/tmp/lectern-test-notefile-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char be[] = "\xfe\xff\0h\0i\0\n\0x";
	assert_int_equal(write(fd, be, sizeof(be) - 1), (ssize_t)sizeof(be) - 1);
	close(fd);
	char *d;
	size_t len;
	uint64_t size;
	int whole;
	enum notefile_enc enc;
	assert_int_equal(notefile_read(path, 1 << 20, &d, &len, &enc), LEC_OK);
	assert_int_equal(enc, NOTEFILE_UTF16BE);
	assert_int_equal(len, 4);
	assert_string_equal(d, "hi\nx");
	free(d);
	assert_int_equal(notefile_read_window(path, 1 << 20, 3, 4, &d, &len, &size, &whole),
			 LEC_OK);
	assert_true(whole);
	assert_int_equal(len, 4);
	assert_int_equal(size, 4);
	assert_string_equal(d, "hi\nx");
	free(d);
	assert_int_equal(notefile_read_window(path, 4, 0, 1, &d, &len, &size, &whole), LEC_ELIMIT);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	assert_int_equal(notefile_read_window(path, 1 << 20, 4, 6, &d, &len, &size, &whole),
			 LEC_OK);
	assert_false(whole);
	assert_int_equal(len, 6);
	assert_int_equal(size, 10);
	assert_memory_equal(d + 4, "45", 2);
	free(d);
	assert_int_equal(notefile_read_window(path, 1 << 20, 0, 99, &d, &len, &size, &whole),
			 LEC_OK);
	assert_true(whole);
	assert_string_equal(d, "0123456789");
	free(d);
	assert_int_equal(notefile_read(path, 1 << 20, &d, &len, &enc), LEC_OK);
	assert_int_equal(enc, NOTEFILE_UTF8);
	assert_string_equal(d, "0123456789");
	free(d);
	unlink(path);
	assert_int_equal(notefile_read(path, 1 << 20, &d, &len, NULL), LEC_ENOTFOUND);
	assert_int_equal(notefile_read_window(path, 1 << 20, 0, 1, &d, &len, &size, &whole),
			 LEC_ENOTFOUND);
}

/* A line's start found looking back through the file, as far as asked. */
static void test_line_start(void **state)
{
	(void)state;
	char path[] = "/tmp/lectern-test-line-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	/* "ab\n" then 200000 bytes without a line break, then "\nz" */
	static char text[200005];
	memset(text, 'x', sizeof(text));
	memcpy(text, "ab\n", 3);
	memcpy(text + sizeof(text) - 2, "\nz", 2);
	assert_int_equal(write(fd, text, sizeof(text)), (ssize_t)sizeof(text));
	close(fd);
	size_t at;
	int found;
	assert_int_equal(paths_line_start(path, 150000, 0, &at, &found), LEC_OK);
	assert_true(found);
	assert_int_equal(at, 3);
	/* not as far back as the break: stops where told */
	assert_int_equal(paths_line_start(path, 150000, 1000, &at, &found), LEC_OK);
	assert_false(found);
	assert_int_equal(at, 1000);
	assert_int_equal(paths_line_start(path, 2, 0, &at, &found), LEC_OK);
	assert_false(found);
	assert_int_equal(at, 0);
	assert_int_equal(paths_line_start(path, sizeof(text), 0, &at, &found), LEC_OK);
	assert_int_equal(at, sizeof(text) - 1);
	unlink(path);
	assert_int_equal(paths_line_start(path, 10, 0, &at, &found), LEC_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segmap_blocks_and_gaps),
		cmocka_unit_test(test_segmap_truncated_text),
		cmocka_unit_test(test_ptable),
		cmocka_unit_test(test_precord),
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_hmap),
		cmocka_unit_test(test_vec),
		cmocka_unit_test(test_stemdict),
		cmocka_unit_test(test_rootmap),
		cmocka_unit_test(test_buf_cap_and_sticky),
		cmocka_unit_test(test_buf_insert),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_read_window),
		cmocka_unit_test(test_line_start),
		cmocka_unit_test(test_exchange_and_remove),
		cmocka_unit_test(test_notefile_decode),
		cmocka_unit_test(test_notefile_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
