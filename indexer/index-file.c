/* index-file.c - an indexing run, one file at a time: what the index knows
 * of each file, and bringing one found file up to date (re-index, touch,
 * skip, or warn), and removing the files the walk no longer finds. */
#include "index-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "filerec.h"
#include "layout.h"
#include "limits.h"
#include "notefile.h"
#include "paths.h"
#include "skips.h"

void known_file_free(struct known_file *k)
{
	if (k)
		free(k->key);
	free(k);
}

static int on_known(void *ctx, const struct filerec *fr, const char *nkey, size_t nkey_len)
{
	struct run *r = ctx;
	struct known_file *k = calloc(1, sizeof(*k));
	if (!k || !(k->key = strndup(nkey, nkey_len))) {
		free(k);
		return 1;
	}
	/* known files are found by path; a key whose root is gone (a damaged
	 * roots file) is an orphan, under a name no path has */
	char *path = NULL;
	lec_status pst = roots_path_of_key(&r->roots, nkey, nkey_len, &path);
	if (pst == LEC_ENOMEM || (pst && asprintf(&path, "\x01%s", k->key) < 0)) {
		free(k->key);
		free(k);
		return 1;
	}
	k->orphan = pst != LEC_OK;
	k->size = fr->size;
	k->mtime_ns = fr->mtime_ns;
	k->hash = fr->hash;
	k->passages = fr->passages;
	k->words = fr->words;
	struct hmap_entry *e;
	lec_status st = hmap_put(&r->known, path, strlen(path), &e, NULL);
	free(path);
	if (st) {
		free(k->key);
		free(k);
		return 1;
	}
	known_file_free(e->value);
	e->value = k;
	return 0;
}

/* The shard of a note, by its key: a moved root moves no note. */
static struct shard_w *shard_of(struct run *r, const char *key)
{
	return &r->shards[shards_of_path(key, r->nshards)];
}

/* Each shard's passage totals, from the records of its notes. */
static void sum_totals(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->known, &it, &e)) {
		const struct known_file *k = e->value;
		struct shard_w *sh = shard_of(r, k->key);
		sh->passages += k->passages;
		sh->words += k->words;
	}
}

lec_status run_load_known(struct run *r)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < r->nshards; i++)
		st = filerec_each(r->shards[i].db, NULL, on_known, r);
	for (size_t i = 0; !st && i < r->nshards; i++)
		st = skips_load(&r->skips, r->shards[i].db, &r->roots);
	if (!st)
		sum_totals(r);
	return st == LEC_ESTOP ? LEC_ENOMEM : st;
}

/* The builder gives the note's document away (give_docs): the worker adds
 * it under the shard's lock. */
static lec_status keep_doc(void *ctx, xap_doc *doc)
{
	struct worker *w = ctx;
	w->doc = doc;
	return LEC_OK;
}

static void on_note_warning(void *ctx, const char *message)
{
	struct worker *w = ctx;
	run_warn(w->r, w->cur_path, message);
}

/* Write (reason) or delete (NULL) the "s:" record of note `key`, in its
 * shard's transaction, as the "f:" records are written. */
static lec_status skip_write(struct run *r, const char *key, const struct found_file *f,
			     const char *reason)
{
	struct shard_w *sh = shard_of(r, key);
	pthread_mutex_lock(&sh->mu);
	lec_status st = shard_tx_begin(r, sh);
	if (!st)
		st = reason ? skips_put(sh->db, key, f->size, f->mtime_ns, reason) :
			      skips_drop(sh->db, key);
	if (!st) {
		sh->wrote = 1;
		st = shard_maybe_commit(r, sh);
	}
	if (st)
		run_fail(r, sh, st);
	pthread_mutex_unlock(&sh->mu);
	return st;
}

/* The current file is skipped for `reason` (SKIP_*): counted, and warned
 * about with msg unless the last run that saw it as it is now skipped it
 * for the same reason; remembered (except with --check). */
static lec_status skip_note(struct worker *w, const struct found_file *f, const char *reason,
			    const char *msg)
{
	struct run *r = w->r;
	struct skip_rec *old = skips_get(&r->skips, f->path);
	int same = old && old->size == f->size && old->mtime_ns == f->mtime_ns &&
		   strcmp(old->reason, reason) == 0;
	int moved = old && strcmp(old->key, w->cur_key) != 0; /* its root was folded */
	w->st.skipped++;
	w->skipped = 1;
	if (!same)
		run_warn(r, f->path, msg);
	if (r->opts->check_only || (same && !moved))
		return LEC_OK;
	lec_status st = moved ? skip_write(r, old->key, f, NULL) : LEC_OK;
	return st ? st : skip_write(r, w->cur_key, f, reason);
}

/* The reason to skip the current file again without reading it: its record
 * says it was skipped for what its content decides, and it is as it was
 * (same size and mtime). A known note keeps its indexed version, as it did
 * then, unless it turned binary. NULL: look at it. */
static const char *skip_again(struct worker *w, const struct found_file *f, struct known_file *k)
{
	struct skip_rec *old = skips_get(&w->r->skips, f->path);
	if (!old || old->size != f->size || old->mtime_ns != f->mtime_ns ||
	    !skips_by_content(old->reason))
		return NULL;
	if (k && strcmp(old->reason, SKIP_BINARY) != 0)
		k->seen = 1;
	return old->reason;
}

/* The current file was looked at: a record of a skip it no longer earns
 * goes (it is a note now, or no file to skip). */
static lec_status skip_forget(struct worker *w, const struct found_file *f)
{
	struct skip_rec *old = skips_get(&w->r->skips, f->path);
	if (!old)
		return LEC_OK;
	old->seen = 1;
	if (w->skipped || w->r->opts->check_only)
		return LEC_OK;
	return skip_write(w->r, old->key, f, NULL);
}

/* A note the builder refused for a bound of limits.h: skipped with the
 * reason (a known one keeps its indexed version), the run goes on. */
static lec_status refuse_note(struct worker *w, const struct found_file *f, int was_known)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s; %s", docbuild_error(&w->build),
		 was_known ? "the indexed version is kept" : "skipped");
	return skip_note(w, f, SKIP_REFUSED, msg);
}

/* A known note under a new key (its root was folded into a new one): its
 * old document and record go, from the old key's shard. */
static lec_status drop_old_key(struct run *r, const struct known_file *k)
{
	struct shard_w *sh = shard_of(r, k->key);
	pthread_mutex_lock(&sh->mu);
	lec_status st = shard_tx_begin(r, sh);
	if (!st)
		st = shard_drop_known(sh, k->key);
	if (!st) {
		shard_count_totals(sh, -1, k->passages, k->words);
		sh->wrote = 1;
	}
	if (st)
		run_fail(r, sh, st);
	pthread_mutex_unlock(&sh->mu);
	return st;
}

/* Re-index one file whose content changed (or is new); k is what the index
 * knew of it (NULL: new). */
static lec_status reindex_file(struct worker *w, const struct found_file *f, const char *key,
			       const char *data, size_t len, uint64_t hash,
			       const struct known_file *k)
{
	struct run *r = w->r;
	struct shard_w *sh = shard_of(r, key);
	char term[20];
	struct docbuild_counts counts;
	const char *used = NULL;
	w->cur_path = f->path;
	w->build.give_docs = 1;
	lec_status st =
		docbuild_file(&w->build, f->path, key, data, len, roots_lang_of(&r->roots, f->path),
			      keep_doc, on_note_warning, w, &counts, &used);
	if (st == LEC_ELIMIT)
		return refuse_note(w, f, k != NULL);
	if (st)
		return st;
	if (k && strcmp(k->key, key) != 0) {
		if ((st = drop_old_key(r, k)))
			return st;
		k = NULL;
	}
	pthread_mutex_lock(&sh->mu);
	st = shard_tx_begin(r, sh);
	docbuild_file_term(key, term);
	if (!st)
		st = k ? xap_db_replace_document_by_term(sh->db, term, strlen(term), w->doc, NULL) :
			 xap_db_add_document(sh->db, w->doc, NULL);
	if (!st)
		w->st.docs_written++;
	if (!st)
		st = docbuild_flush_spelling(&w->build, sh->db, &sh->synonyms);
	if (!st)
		st = shard_set_known(sh, key, f->size, f->mtime_ns, hash, counts.passages,
				     counts.words);
	if (!st) {
		if (k)
			shard_count_totals(sh, -1, k->passages, k->words);
		shard_count_totals(sh, +1, counts.passages, counts.words);
		sh->tx_bytes += len;
		sh->tx_files++;
		sh->wrote = 1;
		st = shard_maybe_commit(r, sh);
	}
	if (st)
		run_fail(r, sh, st);
	pthread_mutex_unlock(&sh->mu);
	xap_doc_free(w->doc);
	w->doc = NULL;
	if (st)
		return st;
	run_note_language(r, used);
	w->st.passages += counts.passages;
	w->st.bytes += len;
	return LEC_OK;
}

/* Only the mtime changed: refresh the record. */
static lec_status touch_file(struct worker *w, const struct found_file *f, uint64_t hash,
			     const struct known_file *k)
{
	struct run *r = w->r;
	struct shard_w *sh = shard_of(r, k->key);
	pthread_mutex_lock(&sh->mu);
	lec_status st = shard_tx_begin(r, sh);
	if (!st)
		st = shard_set_known(sh, k->key, f->size, f->mtime_ns, hash, k->passages, k->words);
	sh->wrote = 1;
	if (!st)
		st = shard_maybe_commit(r, sh);
	if (st)
		run_fail(r, sh, st);
	pthread_mutex_unlock(&sh->mu);
	return st;
}

static const char *read_problem(lec_status st)
{
	return st == LEC_ELIMIT ? "file too large (over LEC_MAX_NOTE_BYTES); skipped" :
	       st == LEC_ENOMEM ? "out of memory reading the file; skipped" :
				  NULL;
}

/* A found file that could not be read: a warning saying why, skipped. A
 * file that is no regular file any more (swapped for a FIFO or a directory
 * since the walk) leaves the index as the walk would have it; after another
 * failure the indexed version is kept rather than lost. */
static lec_status read_failed(struct worker *w, const struct found_file *f, struct known_file *k,
			      lec_status st)
{
	struct run *r = w->r;
	const char *why = read_problem(st);
	int err = errno;
	char msg[256];
	if (st == LEC_EINVAL)
		snprintf(msg, sizeof(msg), "is %s, not a regular file; %s", paths_kind_at(f->path),
			 k ? "no longer indexed" : "skipped");
	else
		snprintf(msg, sizeof(msg), "%s; %s", why ? why : strerror(err),
			 k ? "the indexed version is kept" : "skipped");
	if (k && st != LEC_EINVAL)
		k->seen = 1; /* keep what we have rather than lose it */
	if (st == LEC_ELIMIT || st == LEC_EIO) {
		/* the same next time, if nothing changes: warned once */
		char reason[SKIP_REASON_MAX];
		snprintf(reason, sizeof(reason), "%s", SKIP_TOO_LARGE);
		if (st == LEC_EIO)
			snprintf(reason, sizeof(reason), "%s%d", SKIP_UNREADABLE, err);
		return skip_note(w, f, reason, why ? why : msg);
	}
	run_warn(r, f->path, why ? why : msg);
	w->st.skipped++;
	return st == LEC_ENOMEM ? run_fail(r, NULL, st) : LEC_OK;
}

/* Compare one found file (named `key` in the index) with the index and
 * bring it up to date. */
static lec_status process_keyed(struct worker *w, struct found_file *f, const char *key)
{
	struct run *r = w->r;
	struct hmap_entry *e = hmap_get(&r->known, f->path, strlen(f->path));
	struct known_file *k = e ? e->value : NULL;
	/* a note whose root was folded into a new one is written anew */
	int force = roots_relang(&r->roots, f->path) || (k && strcmp(k->key, key) != 0);
	if (f->err) {
		errno = f->err;
		return read_failed(w, f, k, LEC_EIO);
	}
	if (k && !force && k->size == f->size && k->mtime_ns == f->mtime_ns) {
		k->seen = 1;
		w->st.unchanged++;
		return LEC_OK;
	}
	const char *again = skip_again(w, f, k);
	if (again)
		return skip_note(w, f, again, NULL);
	char *data = NULL;
	size_t len = 0;
	/* the note's text: a UTF-16 file decoded (notefile.h); its hash is
	 * of the text too, as every offset the index keeps is */
	lec_status st = notefile_read(f->path, LEC_MAX_NOTE_BYTES, &data, &len, NULL);
	if (st)
		return read_failed(w, f, k, st);
	w->st.files_read++;
	w->st.bytes_read += len;
	if (docbuild_is_binary(data, len)) {
		/* not a note (any more): a known one is removed below */
		free(data);
		return skip_note(w, f, SKIP_BINARY,
				 k ? "binary file; no longer indexed" : "binary file; skipped");
	}
	uint64_t hash = XXH3_64bits(data, len);
	if (k)
		k->seen = 1;
	if (k && !force && k->hash == hash) {
		w->st.touched++;
		w->st.unchanged++;
		if (!r->opts->check_only)
			st = touch_file(w, f, hash, k);
		free(data);
		return st;
	}
	if (k)
		w->st.updated++;
	else
		w->st.added++;
	if (!r->opts->check_only)
		st = reindex_file(w, f, key, data, len, hash, k);
	free(data);
	if (st && !atomic_load(&r->failed))
		run_fail(r, NULL, st);
	return st;
}

lec_status worker_process_file(struct worker *w, struct found_file *f)
{
	char *key = NULL;
	lec_status st = roots_key(&w->r->roots, f->path, &key);
	if (st) /* the walk goes only under roots */
		return run_fail(w->r, NULL, st == LEC_ENOTFOUND ? LEC_EINTERNAL : st);
	w->cur_key = key;
	w->skipped = 0;
	st = process_keyed(w, f, key);
	if (!st)
		st = skip_forget(w, f);
	w->cur_key = NULL;
	free(key);
	return st;
}

static int is_failed(const struct run *r, const char *path)
{
	for (size_t i = 0; i < r->nfailed; i++)
		if (paths_under(path, r->failed_dirs[i]))
			return 1;
	return 0;
}

/* Records of files the walk no longer finds (after the workers: one
 * thread), under the same rules as their notes (remove_vanished). */
static lec_status forget_vanished_skips(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	const struct found_file none = { 0 };
	while (hmap_next(&r->skips, &it, &e)) {
		struct skip_rec *s = e->value;
		if (!s->orphan && !roots_forgotten(&r->roots, e->key) &&
		    (s->seen || !roots_in_scope(&r->roots, e->key) || is_failed(r, e->key)))
			continue;
		lec_status st = r->opts->check_only ? LEC_OK : skip_write(r, s->key, &none, NULL);
		if (st)
			return st;
	}
	return LEC_OK;
}

/* Known files under the walked scopes that the walk did not find (after the
 * workers: one thread). */
lec_status run_remove_vanished(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	lec_status sst = forget_vanished_skips(r);
	if (sst)
		return sst;
	while (hmap_next(&r->known, &it, &e)) {
		struct known_file *k = e->value;
		if (!k->orphan && !roots_forgotten(&r->roots, e->key) &&
		    (k->seen || !roots_in_scope(&r->roots, e->key) || is_failed(r, e->key)))
			continue;
		r->stats->removed++;
		if (r->opts->check_only)
			continue;
		struct shard_w *sh = shard_of(r, k->key);
		lec_status st = shard_tx_begin(r, sh);
		if (!st)
			st = shard_drop_known(sh, k->key);
		if (st)
			return run_fail(r, sh, st);
		r->stats->docs_deleted++;
		shard_count_totals(sh, -1, k->passages, k->words);
		sh->wrote = 1;
		if (run_stop_requested(r))
			break;
	}
	return LEC_OK;
}
