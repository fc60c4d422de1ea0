/* index-commit.c - an indexing run's transactions and batches, per shard,
 * and the records written with each commit: the languages list, the
 * passage totals and the notes' "f:" records. */
#include "index-int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filerec.h"
#include "langs.h"
#include "layout.h"
#include "limits.h"

static lec_status known_language(void *ctx, const char *name, size_t len)
{
	struct run *r = ctx;
	struct hmap_entry *e;
	return hmap_put(&r->languages, name, len, &e, NULL) ? LEC_ENOMEM : LEC_OK;
}

lec_status run_load_languages(struct run *r)
{
	return langs_each(r->shards[0].db, known_language, r);
}

void run_note_language(struct run *r, const char *lang)
{
	struct hmap_entry *e;
	int created = 0;
	if (!lang)
		return;
	pthread_mutex_lock(&r->mu);
	if (hmap_put(&r->languages, lang, strlen(lang), &e, &created) == LEC_OK && created)
		r->langs_gen++;
	pthread_mutex_unlock(&r->mu);
}

/* Every shard lists the languages of the whole index, so that each can be
 * searched on its own (a remote shard is opened alone). */
static lec_status save_languages(struct run *r, struct shard_w *sh)
{
	struct buf b;
	buf_init(&b, 0);
	pthread_mutex_lock(&r->mu);
	unsigned gen = r->langs_gen;
	if (gen != sh->langs_saved) {
		size_t it = 0;
		struct hmap_entry *e;
		while (hmap_next(&r->languages, &it, &e))
			langs_put(&b, e->key);
	}
	pthread_mutex_unlock(&r->mu);
	if (gen == sh->langs_saved)
		return LEC_OK;
	lec_status st = langs_save(sh->db, &b);
	buf_release(&b);
	if (!st)
		sh->langs_saved = gen;
	return st;
}

/* A note's passages leave (sign -1) or join (+1) its shard's totals. */
void shard_count_totals(struct shard_w *sh, int sign, uint64_t passages, uint64_t words)
{
	if (sign < 0) {
		sh->passages -= passages < sh->passages ? passages : sh->passages;
		sh->words -= words < sh->words ? words : sh->words;
	} else {
		sh->passages += passages;
		sh->words += words;
	}
	sh->totals_changed = 1;
}

static lec_status save_totals(struct shard_w *sh)
{
	char val[64];
	if (!sh->totals_changed)
		return LEC_OK;
	int n = snprintf(val, sizeof(val), "%" PRIu64 " %" PRIu64, sh->passages, sh->words);
	lec_status st = xap_db_set_metadata(sh->db, LEC_META_PASSAGES, strlen(LEC_META_PASSAGES),
					    val, (size_t)n);
	if (!st)
		sh->totals_changed = 0;
	return st;
}

lec_status shard_set_known(struct shard_w *sh, const char *nkey, uint64_t size, int64_t mtime,
			   uint64_t hash, uint32_t passages, uint64_t words)
{
	char key[META_KEY_MAX];
	size_t kl = filerec_key(nkey, key);
	struct filerec fr = { size, mtime, hash, passages, words };
	struct buf val;
	buf_init(&val, 0);
	filerec_encode(&fr, nkey, &val);
	lec_status st =
		val.status ? val.status : xap_db_set_metadata(sh->db, key, kl, val.data, val.len);
	buf_release(&val);
	return st;
}

lec_status shard_drop_known(struct shard_w *sh, const char *nkey)
{
	char key[META_KEY_MAX];
	char term[20];
	size_t kl = filerec_key(nkey, key);
	docbuild_file_term(nkey, term);
	lec_status st = xap_db_delete_documents_by_term(sh->db, term, strlen(term));
	if (!st)
		st = xap_db_set_metadata(sh->db, key, kl, "", 0);
	return st;
}

/* The caller holds sh->mu (or runs alone). */
lec_status shard_tx_begin(struct run *r, struct shard_w *sh)
{
	if (sh->in_tx || r->opts->check_only)
		return LEC_OK;
	lec_status st = xap_db_begin_transaction(sh->db);
	if (!st) {
		sh->in_tx = 1;
		sh->tx_bytes = sh->tx_files = 0;
	}
	return st;
}

lec_status shard_tx_commit(struct run *r, struct shard_w *sh)
{
	if (!sh->in_tx)
		return LEC_OK;
	lec_status st = sh == &r->shards[0] ? people_save(&r->people, sh->db) : LEC_OK;
	if (!st)
		st = save_languages(r, sh);
	if (!st)
		st = save_totals(sh);
	if (!st)
		st = xap_db_commit_transaction(sh->db);
	sh->in_tx = 0;
	sh->ncommits++;
	if (!st) {
		/* workers commit their shards concurrently */
		pthread_mutex_lock(&r->mu);
		r->stats->commits++;
		pthread_mutex_unlock(&r->mu);
	}
	return st;
}

/* Batches grow from 1 MiB to LEC_BATCH_BYTES (shared by the shards), so that
 * the first notes of a long first run are searchable (and survive a kill)
 * within a second or so, while later batches stay large for speed. */
lec_status shard_maybe_commit(struct run *r, struct shard_w *sh)
{
	uint64_t limit = (uint64_t)1 << (20 + (sh->ncommits < 8 ? sh->ncommits : 8));
	uint64_t most = LEC_BATCH_BYTES / r->nshards;
	if (most < ((uint64_t)1 << 20))
		most = (uint64_t)1 << 20;
	if (limit > most)
		limit = most;
	if (sh->tx_bytes >= limit || sh->tx_files >= LEC_BATCH_FILES)
		return shard_tx_commit(r, sh);
	return LEC_OK;
}

/* The first failure of the run: its message, naming the shard when there
 * are several. */
lec_status run_fail(struct run *r, struct shard_w *sh, lec_status st)
{
	pthread_mutex_lock(&r->mu);
	if (!atomic_load(&r->failed) && !r->err->len) {
		const char *msg = sh ? xap_db_error(sh->db) : "";
		if (sh && r->nshards > 1)
			buf_printf(r->err, "shard %s: ", sh->name);
		buf_printf(r->err, "%s%s%s", lec_status_str(st), *msg ? ": " : "", msg);
	}
	atomic_store(&r->failed, 1);
	pthread_mutex_unlock(&r->mu);
	return st;
}

/* Commit every shard; shard 0 last, with the time of this run. */
lec_status run_commit_shards(struct run *r)
{
	lec_status st = LEC_OK;
	int wrote = 0;
	if (r->opts->check_only)
		return LEC_OK;
	for (size_t i = 0; i < r->nshards; i++)
		wrote |= r->shards[i].wrote;
	for (size_t i = r->nshards; !st && i-- > 0;) {
		struct shard_w *sh = &r->shards[i];
		if (sh->langs_saved != r->langs_gen)
			st = shard_tx_begin(r, sh);
		if (!st && r->roots.changed && !(st = shard_tx_begin(r, sh)))
			st = roots_save_db(&r->roots, sh->db);
		if (!st && i == 0 && wrote) {
			char now[32];
			int n = snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
			if (!(st = shard_tx_begin(r, sh)))
				st = xap_db_set_metadata(sh->db, LEC_META_LAST_INDEXED,
							 strlen(LEC_META_LAST_INDEXED), now,
							 (size_t)n);
		}
		if (!st)
			st = shard_tx_commit(r, sh);
		if (st)
			run_fail(r, sh, st);
	}
	return st;
}
