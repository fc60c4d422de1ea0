/* verify.c - is the index whole? (verify.h) */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docbuild.h"
#include "filerec.h"
#include "layout.h"
#include "ptable.h"
#include "record.h"
#include "rootmap.h"
#include "shards.h"
#include "stemdict.h"
#include "xap.h"

struct verify {
	verify_say say;
	void *ctx;
	size_t problems;
	struct rootmap roots;
	int have_roots;
	const char *db_path; /* the shard being read */
	xap_db *db;
	uint64_t records; /* f: records of the shard */
};

static void problem(struct verify *v, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct verify *v, const char *where, const char *fmt, ...)
{
	char what[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	v->problems++;
	v->say(v->ctx, where, what);
}

/* The passage table and records of document did, against its f: record. */
static void check_document(struct verify *v, const char *key, xap_docid did,
			   const struct filerec *fr)
{
	char *val = NULL, *data = NULL;
	size_t len = 0, dlen = 0;
	struct ptable t;
	struct precord p;
	struct record rec = { 0 };
	ptable_init(&t);
	precord_init(&p);
	if (xap_db_document_value(v->db, did, LEC_SLOT_PASSAGES, &val, &len) ||
	    ptable_decode(&t, val, len) != LEC_OK)
		problem(v, key, "its passage table is damaged");
	else if (t.n != fr->passages)
		problem(v, key, "%zu passages in its document, %u in its record", t.n,
			fr->passages);
	for (size_t i = 0; i < t.n; i++) {
		free(val);
		val = NULL;
		if (xap_db_document_value(v->db, did, LEC_SLOT_PASSAGE0 + (unsigned)i, &val,
					  &len) ||
		    precord_decode(&p, val, len) != LEC_OK || (fr->size && p.end > fr->size)) {
			problem(v, key, "the record of its passage %zu is damaged", i);
			break;
		}
	}
	if (xap_db_document_data(v->db, did, &data, &dlen) || rec_parse(data, dlen, &rec) ||
	    !rec_get(&rec, LEC_REC_PATH, NULL))
		problem(v, key, "its note record is damaged");
	else if (strcmp(rec_get(&rec, LEC_REC_PATH, NULL), key) != 0)
		problem(v, key, "its document says it is %s", rec_get(&rec, LEC_REC_PATH, NULL));
	rec_release(&rec);
	free(data);
	free(val);
	precord_release(&p);
	ptable_release(&t);
}

static int on_record(void *ctx, const char *mkey, size_t mklen, const char *val, size_t vlen)
{
	struct verify *v = ctx;
	struct filerec fr;
	const char *nkey;
	size_t nlen;
	v->records++;
	if (filerec_decode(mkey, mklen, val, vlen, &fr, &nkey, &nlen)) {
		problem(v, v->db_path, "the record %.*s is damaged",
			(int)(mklen > 200 ? 200 : mklen), mkey);
		return 0;
	}
	char *key = strndup(nkey, nlen), *path = NULL, term[20];
	if (!key)
		return 1;
	if (v->have_roots && rootmap_path(&v->roots, key, nlen, &path) != LEC_OK)
		problem(v, key, "its root is not in the roots file");
	free(path);
	docbuild_file_term(key, term);
	xap_docid *docs = NULL;
	size_t ndocs = 0;
	if (xap_db_postings(v->db, term, strlen(term), &docs, &ndocs) != LEC_OK || ndocs != 1)
		problem(v, key, "%zu documents have its file id (1 expected)", ndocs);
	else
		check_document(v, key, docs[0], &fr);
	free(docs);
	free(key);
	return 0;
}

static int on_stems(void *ctx, const char *mkey, size_t mklen, const char *val, size_t vlen)
{
	struct verify *v = ctx;
	if (stemdict_each(val, vlen, NULL, NULL) == LEC_ECORRUPT)
		problem(v, v->db_path, "the stem dictionary entry %.*s is damaged",
			(int)(mklen > 200 ? 200 : mklen), mkey);
	return 0;
}

/* lectern's reading of one shard that Xapian finds whole. */
static void read_shard(struct verify *v, const char *path)
{
	v->db_path = path;
	v->records = 0;
	if (!(v->db = xap_db_new()))
		return;
	if (xap_db_open(v->db, path, XAP_OPEN_READ) != LEC_OK) {
		problem(v, path, "cannot be opened: %s", xap_db_error(v->db));
	} else {
		uint32_t docs = 0;
		xap_db_metadata_each(v->db, LEC_META_FILE_PREFIX, strlen(LEC_META_FILE_PREFIX),
				     on_record, v);
		xap_db_metadata_each(v->db, LEC_META_STEM_PREFIX, strlen(LEC_META_STEM_PREFIX),
				     on_stems, v);
		if (xap_db_doccount(v->db, &docs) == LEC_OK && docs != v->records)
			problem(v, path, "%u documents but %llu note records", docs,
				(unsigned long long)v->records);
	}
	xap_db_free(v->db);
	v->db = NULL;
}

static void check_shard(struct verify *v, const char *path)
{
	size_t errors = 0;
	char *what = NULL, *table = NULL, where[4200];
	lec_status st = xap_check(path, &errors, &what, &table);
	if (!st && errors) {
		snprintf(where, sizeof(where), "%s%s%s", path, table ? "/" : "",
			 table ? table : "");
		problem(v, where, "%s (%zu problem%s found by Xapian's check)",
			what ? what : "damaged", errors, errors == 1 ? "" : "s");
	} else if (!st) {
		read_shard(v, path);
	}
	free(what);
	free(table);
}

lec_status idx_verify(const char *index_dir, verify_say say, void *ctx, size_t *problems,
		      struct buf *err)
{
	struct verify v = { .say = say, .ctx = ctx };
	struct shard_set set;
	struct buf why;
	*problems = 0;
	lec_status st = shards_load(index_dir, &set, err);
	if (st)
		return st;
	buf_init(&why, 1024);
	rootmap_init(&v.roots);
	lec_status rst = rootmap_load_file(&v.roots, index_dir, &why);
	v.have_roots = rst == LEC_OK;
	if (rst == LEC_ENOTFOUND)
		problem(&v, index_dir, "it has no roots file (an index of format 1?)");
	else if (rst)
		problem(&v, index_dir, "%s", why.data ? why.data : lec_status_str(rst));
	for (size_t i = 0; i < set.nlocal; i++)
		check_shard(&v, set.v[i].path);
	if (!set.nlocal)
		buf_printf(err, "index %s has no local shard: check its shards where they live",
			   index_dir);
	st = set.nlocal ? LEC_OK : LEC_EINVAL;
	rootmap_release(&v.roots);
	shards_release(&set);
	buf_release(&why);
	*problems = v.problems;
	return st;
}
