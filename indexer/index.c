/* index.c - one indexing run: walk, compare, (re)index, remove, commit. */
#include "index.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "build.h"
#include "compact.h"
#include "docbuild.h"
#include "hmap.h"
#include "langs.h"
#include "layout.h"
#include "limits.h"
#include "filerec.h"
#include "note.h"
#include "notefile.h"
#include "paths.h"
#include "people.h"
#include "roots.h"
#include "shards.h"
#include "skips.h"
#include "stem.h"
#include "vec.h"
#include "walk.h"
#include "xap.h"

/* What the index knows of a file: its "f:" metadata record. */
struct known_file {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t hash;
	uint32_t passages;
	uint64_t words; /* terms of its passages */
	char *key;      /* its name in the index, as stored (rootmap.h) */
	int orphan;     /* its key names no root: removed by the run */
	int seen;       /* found by this run's walk (or kept on purpose) */
};

/* A file found by the walk. */
struct found_file {
	char *path;
	uint64_t size;
	int64_t mtime_ns;
	int err;       /* the walk could not read it: why (errno); 0 */
	uint64_t work; /* its bytes if the run is to read it (live.h), else 0 */
};

/* One local shard being written. Every call on `db` holds `mu`: workers
 * share the shards (a note goes to the shard of its path, whichever worker
 * parsed it). Shard 0 also holds the index-wide metadata. */
struct shard_w {
	xap_db *db;
	const char *name;
	pthread_mutex_t mu;
	int in_tx;
	uint64_t tx_bytes, tx_files;
	unsigned ncommits;
	unsigned langs_saved; /* the run's langs_gen last written here */
	int wrote;
	/* the passages of the shard's notes and their terms
	 * (LEC_META_PASSAGES), kept up to date with each note written */
	uint64_t passages, words;
	int totals_changed;
	struct hmap synonyms; /* stem -> word pairs given to db in this run */
};

struct run {
	const char *index_dir; /* where this run writes: the index, or its build */
	const char *target;    /* the index asked for */
	char *build;           /* a fresh build's directory (build.h); NULL: in place */
	xap_db **old;          /* a rebuild: the index's own shards, held locked
	                         * until the build replaces them (NULL: damaged) */
	size_t nold;
	const struct idx_opts *opts;
	const struct idx_hooks *hooks;
	struct idx_stats *stats;
	struct buf *err;
	struct shard_set layout;
	struct shard_w *shards;
	size_t nshards;        /* opened: shards[0 .. nshards) */
	struct hmap known;     /* path -> struct known_file*; read-only while workers run */
	struct hmap skips;     /* path -> struct skip_rec*: files skipped before (skips.h);
	                         * read-only while workers run */
	struct roots roots;    /* the roots, their languages, what this run walks */
	struct hmap languages; /* stemming languages of the notes in the index (under mu) */
	unsigned langs_gen;    /* bumped when `languages` gains one */
	char **failed_dirs;    /* walk problems under which nothing is removed */
	size_t nfailed;
	struct found_file *found;
	size_t nfound, capfound;
	struct timespec t0;
	struct people people;
	/* the parallel part: a unit is the files of one directory, in order */
	size_t *order;      /* indexes into found, grouped by directory */
	size_t *unit_start; /* unit u is order[unit_start[u] .. unit_start[u+1]) */
	size_t nunits;
	atomic_size_t next_unit;
	pthread_mutex_t mu; /* stats, warnings, progress, languages, the first error */
	uint64_t done_files, done_bytes;
	atomic_int failed; /* a worker failed: the others stop */
};

/* A worker parses and builds documents on its own and writes them into the
 * note's shard under that shard's lock. */
struct worker {
	struct run *r;
	pthread_t tid;
	struct docbuild build;
	const char *cur_path;
	const char *cur_key; /* the note key of cur_path */
	unsigned slot;       /* its number (live.h) */
	int skipped;         /* the current file was skipped (skip_note) */
	xap_doc *doc;        /* the note's document, built before locking */
	struct idx_stats st; /* counts, merged after the run */
	lec_status status;
};

static double elapsed(const struct run *r)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

static void warn(struct run *r, const char *path, const char *msg)
{
	pthread_mutex_lock(&r->mu);
	r->stats->warnings++;
	if (r->hooks && r->hooks->warn)
		r->hooks->warn(r->hooks->ctx, path, msg);
	pthread_mutex_unlock(&r->mu);
}

static struct idx_live *live_of(const struct run *r)
{
	return r->hooks ? r->hooks->live : NULL;
}

static int stop_requested(const struct run *r)
{
	return r->hooks && r->hooks->stop &&
	       atomic_load_explicit(r->hooks->stop, memory_order_relaxed);
}

char *idx_db_path(const char *index_dir)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", index_dir, LEC_DB_SUBDIR) < 0)
		return NULL;
	return p;
}

/* ---- languages of the notes ---------------------------------------------- */

static lec_status known_language(void *ctx, const char *name, size_t len)
{
	struct run *r = ctx;
	struct hmap_entry *e;
	return hmap_put(&r->languages, name, len, &e, NULL) ? LEC_ENOMEM : LEC_OK;
}

static lec_status load_languages(struct run *r)
{
	return langs_each(r->shards[0].db, known_language, r);
}

static void note_language(struct run *r, const char *lang)
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

/* ---- known files -------------------------------------------------------- */

static void known_free(struct known_file *k)
{
	if (k)
		free(k->key);
	free(k);
}

static int on_known(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct run *r = ctx;
	struct filerec fr;
	const char *nkey;
	size_t nkey_len;
	if (filerec_decode(key, klen, val, vlen, &fr, &nkey, &nkey_len))
		return 0; /* not a record: 'lectern status --verify' says so */
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
	k->size = fr.size;
	k->mtime_ns = fr.mtime_ns;
	k->hash = fr.hash;
	k->passages = fr.passages;
	k->words = fr.words;
	struct hmap_entry *e;
	lec_status st = hmap_put(&r->known, path, strlen(path), &e, NULL);
	free(path);
	if (st) {
		free(k->key);
		free(k);
		return 1;
	}
	known_free(e->value);
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

static lec_status load_known(struct run *r)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < r->nshards; i++)
		st = xap_db_metadata_each(r->shards[i].db, LEC_META_FILE_PREFIX,
					  strlen(LEC_META_FILE_PREFIX), on_known, r);
	for (size_t i = 0; !st && i < r->nshards; i++)
		st = skips_load(&r->skips, r->shards[i].db, &r->roots);
	if (!st)
		sum_totals(r);
	return st == LEC_ESTOP ? LEC_ENOMEM : st;
}

/* A note's passages leave (sign -1) or join (+1) its shard's totals. */
static void count_totals(struct shard_w *sh, int sign, uint64_t passages, uint64_t words)
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

static lec_status set_known(struct shard_w *sh, const char *nkey, uint64_t size, int64_t mtime,
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

static lec_status drop_known(struct shard_w *sh, const char *nkey)
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

/* ---- walking ------------------------------------------------------------ */

static int add_found(struct run *r, const char *path, uint64_t size, int64_t mtime_ns, int err)
{
	if (r->nfound == r->capfound) {
		size_t ncap = r->capfound ? r->capfound * 2 : 256;
		struct found_file *nf = realloc(r->found, ncap * sizeof(*nf));
		if (!nf)
			return 1;
		r->found = nf;
		r->capfound = ncap;
	}
	struct found_file *f = &r->found[r->nfound];
	if (!(f->path = strdup(path)))
		return 1;
	f->size = size;
	f->mtime_ns = mtime_ns;
	f->err = err;
	f->work = 0;
	r->nfound++;
	idx_live_found(live_of(r));
	return 0;
}

static int on_found(void *ctx, const struct walk_entry *e)
{
	return add_found(ctx, e->path, e->size, e->mtime_ns, 0);
}

/* A note the walk found but could not read: the workers skip it, warning
 * once (skips.h), and keep an indexed version. False if it is none. */
static int found_unreadable(struct run *r, const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0)
		return 0;
	int err = errno;
	return add_found(r, path, (uint64_t)sb.st_size,
			 (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec, err) == 0;
}

static void on_walk_warn(void *ctx, const char *path, const char *message)
{
	struct run *r = ctx;
	if (found_unreadable(r, path))
		return;
	warn(r, path, message);
	/* Nothing under a directory or file we could not read is removed from
	 * the index; a broken link or a FIFO is simply not a note. */
	struct stat sb;
	if (stat(path, &sb) == 0 &&
	    (S_ISDIR(sb.st_mode) || (S_ISREG(sb.st_mode) && access(path, R_OK))))
		strv_add(&r->failed_dirs, &r->nfailed, path);
}

/* A root that cannot be walked: an indexing run keeps its notes and goes
 * on; a check cannot say the index is up to date, and fails. */
static lec_status root_unreadable(struct run *r, const char *root, const char *why)
{
	if (r->opts->check_only) {
		buf_printf(r->err,
			   "root %s %s: the index cannot be checked against it "
			   "('lectern index --forget %s' drops it)",
			   root, why, root);
		return LEC_ENOTFOUND;
	}
	char msg[512];
	snprintf(msg, sizeof(msg), "root %s; its notes are kept (use --forget)", why);
	warn(r, root, msg);
	return strv_add(&r->failed_dirs, &r->nfailed, root);
}

static lec_status walk_scopes(struct run *r)
{
	idx_live_phase(live_of(r), IDX_PHASE_WALK);
	for (size_t i = 0; i < r->roots.nscopes; i++) {
		const char *root = r->roots.scopes[i];
		struct stat sb;
		lec_status st;
		if (stat(root, &sb) != 0) {
			char why[300];
			snprintf(why, sizeof(why), "is missing (%s)", strerror(errno));
			if ((st = root_unreadable(r, root, why)))
				return st;
			continue;
		}
		if (access(root, S_ISDIR(sb.st_mode) ? R_OK | X_OK : R_OK) != 0) {
			if ((st = root_unreadable(r, root, "cannot be read (permission denied)")))
				return st;
			continue;
		}
		/* a part of a root is walked as the walk of its root reaches it */
		const struct root *top = rootmap_holding(&r->roots.map, root);
		struct walk_opts wo = { .top = top ? top->path : NULL };
		st = walk_tree(root, &wo, on_found, on_walk_warn, r);
		if (st == LEC_ESTOP)
			return LEC_ENOMEM;
		if (st && st != LEC_ENOTFOUND) {
			char why[300];
			snprintf(why, sizeof(why), "cannot be walked (%s)", lec_status_str(st));
			if ((st = root_unreadable(r, root, why)))
				return st;
		}
	}
	return LEC_OK;
}

/* ---- writing ------------------------------------------------------------ */

/* The caller holds sh->mu (or runs alone). */
static lec_status tx_begin(struct run *r, struct shard_w *sh)
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

static lec_status tx_commit(struct run *r, struct shard_w *sh)
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
static lec_status maybe_commit(struct run *r, struct shard_w *sh)
{
	uint64_t limit = (uint64_t)1 << (20 + (sh->ncommits < 8 ? sh->ncommits : 8));
	uint64_t most = LEC_BATCH_BYTES / r->nshards;
	if (most < ((uint64_t)1 << 20))
		most = (uint64_t)1 << 20;
	if (limit > most)
		limit = most;
	if (sh->tx_bytes >= limit || sh->tx_files >= LEC_BATCH_FILES)
		return tx_commit(r, sh);
	return LEC_OK;
}

/* The first failure of the run: its message, naming the shard when there
 * are several. */
static lec_status run_fail(struct run *r, struct shard_w *sh, lec_status st)
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
	warn(w->r, w->cur_path, message);
}

/* ---- files skipped (skips.h) ---------------------------------------------- */

/* Write (reason) or delete (NULL) the "s:" record of note `key`, in its
 * shard's transaction, as the "f:" records are written. */
static lec_status skip_write(struct run *r, const char *key, const struct found_file *f,
			     const char *reason)
{
	struct shard_w *sh = shard_of(r, key);
	pthread_mutex_lock(&sh->mu);
	lec_status st = tx_begin(r, sh);
	if (!st)
		st = reason ? skips_put(sh->db, key, f->size, f->mtime_ns, reason) :
			      skips_drop(sh->db, key);
	if (!st) {
		sh->wrote = 1;
		st = maybe_commit(r, sh);
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
		warn(r, f->path, msg);
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

/* Re-index one file whose content changed (or is new); k is what the index
 * knew of it (NULL: new). */
/* A known note under a new key (its root was folded into a new one): its
 * old document and record go, from the old key's shard. */
static lec_status drop_old_key(struct run *r, const struct known_file *k)
{
	struct shard_w *sh = shard_of(r, k->key);
	pthread_mutex_lock(&sh->mu);
	lec_status st = tx_begin(r, sh);
	if (!st)
		st = drop_known(sh, k->key);
	if (!st) {
		count_totals(sh, -1, k->passages, k->words);
		sh->wrote = 1;
	}
	if (st)
		run_fail(r, sh, st);
	pthread_mutex_unlock(&sh->mu);
	return st;
}

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
	st = tx_begin(r, sh);
	docbuild_file_term(key, term);
	if (!st)
		st = k ? xap_db_replace_document_by_term(sh->db, term, strlen(term), w->doc, NULL) :
			 xap_db_add_document(sh->db, w->doc, NULL);
	if (!st)
		w->st.docs_written++;
	if (!st)
		st = docbuild_flush_spelling(&w->build, sh->db, &sh->synonyms);
	if (!st)
		st = set_known(sh, key, f->size, f->mtime_ns, hash, counts.passages, counts.words);
	if (!st) {
		if (k)
			count_totals(sh, -1, k->passages, k->words);
		count_totals(sh, +1, counts.passages, counts.words);
		sh->tx_bytes += len;
		sh->tx_files++;
		sh->wrote = 1;
		st = maybe_commit(r, sh);
	}
	if (st)
		run_fail(r, sh, st);
	pthread_mutex_unlock(&sh->mu);
	xap_doc_free(w->doc);
	w->doc = NULL;
	if (st)
		return st;
	note_language(r, used);
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
	lec_status st = tx_begin(r, sh);
	if (!st)
		st = set_known(sh, k->key, f->size, f->mtime_ns, hash, k->passages, k->words);
	sh->wrote = 1;
	if (!st)
		st = maybe_commit(r, sh);
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
	warn(r, f->path, why ? why : msg);
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

static lec_status process_file(struct worker *w, struct found_file *f)
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
static lec_status remove_vanished(struct run *r)
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
		lec_status st = tx_begin(r, sh);
		if (!st)
			st = drop_known(sh, k->key);
		if (st)
			return run_fail(r, sh, st);
		r->stats->docs_deleted++;
		count_totals(sh, -1, k->passages, k->words);
		sh->wrote = 1;
		if (stop_requested(r))
			break;
	}
	return LEC_OK;
}

/* ---- the workers -------------------------------------------------------- */

static const char *idx_people_resolve(void *ctx, const char *path, const char *initials)
{
	return people_resolve(ctx, path, initials);
}

static void idx_people_learn(void *ctx, const char *path, const struct note *n)
{
	people_learn(ctx, path, n);
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static int cmp_by_dir(const void *a, const void *b, void *ctx)
{
	const struct found_file *found = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const char *px = found[x].path, *py = found[y].path;
	size_t lx = dir_len(px), ly = dir_len(py);
	int c = memcmp(px, py, lx < ly ? lx : ly);
	if (!c)
		c = (lx > ly) - (lx < ly);
	return c ? c : (x > y) - (x < y);
}

/* Units of work: the files of one directory, in the walk's order, so that a
 * directory's people table is learned and used in order by one worker. */
static lec_status plan_units(struct run *r)
{
	if (r->nfound == 0)
		return LEC_OK;
	r->order = malloc(r->nfound * sizeof(*r->order));
	r->unit_start = malloc((r->nfound + 1) * sizeof(*r->unit_start));
	if (!r->order || !r->unit_start)
		return LEC_ENOMEM;
	for (size_t i = 0; i < r->nfound; i++)
		r->order[i] = i;
	qsort_r(r->order, r->nfound, sizeof(*r->order), cmp_by_dir, r->found);
	const char *prev = NULL;
	size_t prev_len = 0;
	for (size_t i = 0; i < r->nfound; i++) {
		const char *p = r->found[r->order[i]].path;
		size_t l = dir_len(p);
		if (!prev || l != prev_len || memcmp(p, prev, l) != 0)
			r->unit_start[r->nunits++] = i;
		prev = p;
		prev_len = l;
	}
	r->unit_start[r->nunits] = r->nfound;
	return LEC_OK;
}

static void report_progress(struct run *r, const char *path)
{
	if (!r->hooks || !r->hooks->progress)
		return;
	struct idx_progress p = {
		.done_files = r->done_files,
		.total_files = r->nfound,
		.done_bytes = r->done_bytes,
		.total_bytes = r->stats->bytes_total,
		.elapsed = elapsed(r),
		.path = path,
	};
	r->hooks->progress(r->hooks->ctx, &p);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->r;
	for (;;) {
		size_t u = atomic_fetch_add(&r->next_unit, 1);
		if (u >= r->nunits)
			break;
		for (size_t i = r->unit_start[u]; i < r->unit_start[u + 1]; i++) {
			if (stop_requested(r) || atomic_load(&r->failed))
				return NULL;
			struct found_file *f = &r->found[r->order[i]];
			idx_live_begin(live_of(r), w->slot, f->path, f->size);
			pthread_mutex_lock(&r->mu);
			if ((r->done_files & 15) == 0)
				report_progress(r, f->path);
			pthread_mutex_unlock(&r->mu);
			lec_status st = process_file(w, f);
			if (st) {
				w->status = st;
				return NULL;
			}
			pthread_mutex_lock(&r->mu);
			r->done_files++;
			r->done_bytes += f->size;
			pthread_mutex_unlock(&r->mu);
			idx_live_end(live_of(r), w->slot, f->work);
		}
	}
	return NULL;
}

static unsigned worker_count(const struct run *r)
{
	long n = r->opts->jobs ? (long)r->opts->jobs : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > IDX_MAX_JOBS)
		n = IDX_MAX_JOBS;
	if ((size_t)n > r->nunits)
		n = r->nunits ? (long)r->nunits : 1;
	return (unsigned)n;
}

static void merge_stats(struct idx_stats *to, const struct idx_stats *from)
{
	to->added += from->added;
	to->updated += from->updated;
	to->unchanged += from->unchanged;
	to->touched += from->touched;
	to->skipped += from->skipped;
	to->passages += from->passages;
	to->bytes += from->bytes;
	to->files_read += from->files_read;
	to->bytes_read += from->bytes_read;
	to->docs_written += from->docs_written;
}

/* The bytes the run expects to read, for a byte-based ETA (live.h): those
 * of the files the index does not know as they are (size and mtime). */
static void plan_work(struct run *r)
{
	uint64_t total = 0;
	for (size_t i = 0; i < r->nfound; i++) {
		struct found_file *f = &r->found[i];
		struct hmap_entry *e = hmap_get(&r->known, f->path, strlen(f->path));
		const struct known_file *k = e ? e->value : NULL;
		const struct skip_rec *s = skips_get(&r->skips, f->path);
		int as_known = (k && k->size == f->size && k->mtime_ns == f->mtime_ns) ||
			       (s && s->size == f->size && s->mtime_ns == f->mtime_ns &&
				skips_by_content(s->reason));
		f->work = as_known || f->err ? 0 : f->size;
		total += f->work;
	}
	idx_live_plan(live_of(r), r->nfound, total);
	idx_live_phase(live_of(r), IDX_PHASE_INDEX);
}

static lec_status process_all(struct run *r)
{
	for (size_t i = 0; i < r->nfound; i++)
		r->stats->bytes_total += r->found[i].size;
	r->stats->files = r->nfound;
	plan_work(r);
	lec_status st = plan_units(r);
	if (st)
		return st;
	unsigned n = worker_count(r);
	struct worker *ws = calloc(n, sizeof(*ws));
	if (!ws)
		return LEC_ENOMEM;
	unsigned started = 0;
	for (unsigned i = 0; i < n && !st; i++) {
		ws[i].r = r;
		ws[i].slot = i;
		st = docbuild_init(&ws[i].build, NULL);
		ws[i].build.no_spelling = r->build != NULL;
		ws[i].build.people =
			(struct docbuild_people){ .ctx = &r->people,
						  .resolve = idx_people_resolve,
						  .learn = r->opts->check_only ? NULL :
										 idx_people_learn };
		started++;
	}
	/* worker 0 is this thread; the others get their own */
	unsigned threads = 1;
	for (unsigned i = 1; !st && i < started; i++, threads++)
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0)
			break;
	if (!st)
		worker_main(&ws[0]);
	for (unsigned i = 1; i < threads; i++)
		pthread_join(ws[i].tid, NULL);
	idx_live_phase(live_of(r), IDX_PHASE_FINISH);
	for (unsigned i = 0; i < started; i++) {
		merge_stats(r->stats, &ws[i].st);
		if (!st && ws[i].status)
			st = ws[i].status;
		xap_doc_free(ws[i].doc);
		docbuild_release(&ws[i].build);
	}
	free(ws);
	if (st)
		return st;
	if (stop_requested(r)) {
		r->stats->interrupted = 1;
		return LEC_OK;
	}
	report_progress(r, NULL);
	return remove_vanished(r);
}

/* ---- compacting a first index --------------------------------------------- */

/* A copy left beside a shard by a run killed while compacting is removed
 * by the next run, under the shard's lock. */
static void remove_leftovers(struct run *r)
{
	for (size_t i = 0; i < r->nshards && !r->opts->check_only; i++) {
		char *tmp = compact_copy_path(r->layout.v[i].path);
		if (tmp && paths_remove_tree(tmp))
			warn(r, tmp, "cannot remove this leftover of an interrupted compaction");
		free(tmp);
	}
}

/* A first index is written in many commits, each merging its batch into the
 * B-trees and leaving their blocks about half full; Xapian's compaction
 * fills them (tc39-notes: 140 MB before, 78 MB after, in under a second).
 * Only a first run does it (or --compact): later runs change a little at a
 * time. compact_in_place keeps a complete database at the shard's name
 * throughout, and a reader that opened the old one keeps reading it
 * (searcher_reopen notices the new directory). A compaction that fails
 * leaves the index as it was, complete, with a warning. */
static void compact_shard(struct run *r, struct shard_w *sh, const struct shard_entry *e)
{
	char *tmp = compact_copy_path(e->path);
	if (!tmp)
		return;
	char why[512] = "";
	if (compact_in_place(sh->db, e->path, tmp, why, sizeof(why))) {
		char msg[700];
		snprintf(msg, sizeof(msg),
			 "not compacted (%s); the index is complete, only "
			 "larger",
			 why);
		warn(r, e->path, msg);
	} else {
		r->stats->compacted++;
	}
	if (paths_remove_tree(tmp))
		warn(r, tmp, "cannot remove the old copy of a compacted shard");
	free(tmp);
}

/* --compact: every shard, in place (a build is installed compacted). */
static void compact_at_end(struct run *r)
{
	if (r->opts->check_only || stop_requested(r) || !r->opts->compact || r->build)
		return;
	for (size_t i = 0; i < r->nshards && !stop_requested(r); i++)
		compact_shard(r, &r->shards[i], &r->layout.v[i]);
}

/* ---- a fresh build (build.h) ------------------------------------------------- */

/* A database of the index that cannot be read: say which, and what to do. */
static lec_status damaged(struct run *r, const char *path, lec_status st, const char *why)
{
	buf_printf(r->err,
		   "index %s: the database %s is damaged (%s): 'lectern index "
		   "--rebuild' rebuilds the index from the notes, keeping its roots",
		   r->target, path, why && *why ? why : lec_status_str(st));
	return LEC_ECORRUPT;
}

static int is_damage(lec_status st)
{
	return st == LEC_ECORRUPT || st == LEC_EXAPIAN || st == LEC_EVERSION;
}

/* The format of the index asked for: *fmt "" when it has no database yet.
 * A database that cannot be read is LEC_ECORRUPT, said in r->err. */
static lec_status target_format(struct run *r, char **fmt)
{
	struct shard_set set;
	size_t len = 0;
	*fmt = NULL;
	lec_status st = shards_load(r->target, &set, r->err);
	if (st)
		return st;
	xap_db *db = set.nlocal ? xap_db_new() : NULL;
	if (set.nlocal && !db)
		st = LEC_ENOMEM;
	else if (db && (st = xap_db_open(db, set.v[0].path, XAP_OPEN_READ)) == LEC_OK)
		st = xap_db_get_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT), fmt, &len);
	if (st == LEC_ENOTFOUND || !db) {
		free(*fmt);
		*fmt = strdup("");
		st = *fmt ? LEC_OK : LEC_ENOMEM;
	} else if (is_damage(st) || st == LEC_EIO) {
		st = damaged(r, set.v[0].path, st, xap_db_error(db));
	}
	xap_db_free(db);
	shards_release(&set);
	return st;
}

static lec_status say_refused(struct run *r, const char *path, const char *index_dir);

/* Make directory `dir` of the index (mkdir -p), saying why it could not. */
static lec_status make_dir(struct run *r, const char *dir)
{
	if (!paths_mkdir_p(dir, 0755))
		return LEC_OK;
	int e = errno;
	lec_status st = say_refused(r, dir, r->target);
	if (!st) {
		buf_printf(r->err, "cannot create %s: %s", dir, strerror(e));
		st = LEC_EIO;
	}
	return st;
}

/* Whether this run is a fresh build: a first index, --rebuild, an index of
 * another format, or a build a killed run left. */
static lec_status choose_build(struct run *r)
{
	const struct idx_opts *o = r->opts;
	int build = o->rebuild || build_pending(r->target);
	char *fmt = NULL;
	lec_status st = LEC_OK;
	if (o->check_only && build_pending(r->target)) {
		/* out of date, as an index of another format is (check_format) */
		buf_printf(r->err,
			   "index %s: its first index is not finished: 'lectern index' "
			   "resumes it",
			   r->target);
		return LEC_EVERSION;
	}
	if (o->check_only)
		return LEC_OK; /* compared in place; check_format says "rebuild" */
	if (!build && !(st = target_format(r, &fmt)) && strcmp(fmt, LEC_INDEX_FORMAT) != 0) {
		build = 1;
		if (*fmt && r->hooks && r->hooks->info) {
			char msg[256];
			snprintf(msg, sizeof(msg),
				 "index format %s is not this lectern's (%s): "
				 "rebuilding it from its notes, keeping its roots",
				 fmt, LEC_INDEX_FORMAT);
			r->hooks->info(r->hooks->ctx, msg);
		}
	}
	free(fmt);
	if (st || !build)
		return st;
	if (!(r->build = build_dir_of(r->target)))
		return LEC_ENOMEM;
	if ((st = make_dir(r, r->target)) || (st = make_dir(r, r->build)))
		return st;
	return build_prepare(r->target, r->err);
}

/* A rebuild holds the index's own shards locked (so no other run writes
 * them meanwhile) until the build replaces them; a shard that cannot be
 * opened (damaged, or none yet) is not held. */
static lec_status hold_target(struct run *r)
{
	struct shard_set set;
	lec_status st = shards_load(r->target, &set, r->err);
	if (st)
		return st;
	r->old = calloc(set.nlocal ? set.nlocal : 1, sizeof(*r->old));
	if (!r->old)
		st = LEC_ENOMEM;
	else
		r->nold = set.nlocal;
	for (size_t i = 0; !st && i < set.nlocal; i++) {
		xap_db *db = xap_db_new();
		if (!db) {
			st = LEC_ENOMEM;
			break;
		}
		lec_status ost = xap_db_open(db, set.v[i].path, XAP_OPEN_WRITE);
		if (ost == LEC_ELOCKED) {
			buf_printf(r->err,
				   "index %s is locked: another lectern index (or serve "
				   "reindex) is writing it",
				   r->target);
			st = ost;
		}
		if (ost)
			xap_db_free(db);
		else
			r->old[i] = db;
	}
	shards_release(&set);
	return st;
}

static void release_target(struct run *r)
{
	for (size_t i = 0; r->old && i < r->nold; i++)
		xap_db_free(r->old[i]);
	free(r->old);
	r->old = NULL;
}

/* A build's spelling data: its whole vocabulary at once, per shard
 * (docbuild_spell_vocabulary), in a commit of its own. */
static lec_status spell_build(struct run *r)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < r->nshards; i++) {
		struct shard_w *sh = &r->shards[i];
		if (!(st = tx_begin(r, sh)))
			st = docbuild_spell_vocabulary(sh->db);
		if (!st)
			st = tx_commit(r, sh);
		if (st)
			run_fail(r, sh, st);
	}
	return st;
}

/* Every shard of the build into its place in the index, the roots file,
 * then the build directory goes. */
static lec_status install_build(struct run *r)
{
	lec_status st = spell_build(r);
	for (size_t i = 0; !st && i < r->nshards; i++) {
		const struct shard_entry *e = &r->layout.v[i];
		char *to = NULL, why[600];
		int compacted = 0;
		if (asprintf(&to, "%s/%s", r->target, e->name) < 0)
			return LEC_ENOMEM;
		xap_db *old = r->old && i < r->nold ? r->old[i] : NULL;
		st = build_install_shard(r->shards[i].db, e->path, to, old, &compacted, why,
					 sizeof(why));
		if (old) {
			xap_db_free(old);
			r->old[i] = NULL;
		}
		if (st) {
			buf_printf(r->err, "cannot put the new index in place at %s: %s", to, why);
		} else if (compacted) {
			r->stats->compacted++;
		} else {
			char msg[700];
			snprintf(msg, sizeof(msg),
				 "not compacted (%s); the index is complete, only "
				 "larger",
				 why);
			warn(r, to, msg);
		}
		free(to);
	}
	if (!st)
		st = roots_save_file(&r->roots, r->target, r->err);
	if (!st)
		st = build_finish(r->target, r->err);
	return st;
}

/* ---- opening ------------------------------------------------------------ */

static int index_exists(const char *index_dir)
{
	struct stat sb;
	char *db = idx_db_path(index_dir), stub[4096];
	int exists = db && stat(db, &sb) == 0;
	snprintf(stub, sizeof(stub), "%s/%s", index_dir, SHARDS_STUB_NAME);
	exists |= stat(stub, &sb) == 0;
	free(db);
	return exists;
}

/* Refuse bad arguments before anything is created: a failed first run must
 * not leave an empty index behind. */
static lec_status precheck(struct run *r, const char *index_dir, char *const *paths, size_t npaths)
{
	struct stat sb;
	for (size_t i = 0; i < npaths; i++) {
		if (stat(paths[i], &sb) != 0) {
			buf_printf(r->err, "%s: %s", paths[i], strerror(errno));
			return LEC_ENOTFOUND;
		}
		if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
			buf_printf(r->err, "%s: is %s, not a directory or a regular file", paths[i],
				   paths_kind(sb.st_mode));
			return LEC_EINVAL;
		}
	}
	if (r->opts->shards > SHARDS_MAX) {
		buf_printf(r->err, "--shards %u: at most %d", r->opts->shards, SHARDS_MAX);
		return LEC_EINVAL;
	}
	/* an index whose first build was cut short is resumed */
	char *roots = NULL;
	struct stat rsb;
	if (asprintf(&roots, "%s/%s", index_dir, LEC_ROOTS_FILE) < 0)
		return LEC_ENOMEM;
	int known = index_exists(index_dir) || build_pending(index_dir) || stat(roots, &rsb) == 0;
	free(roots);
	if (!known && npaths == 0) {
		if (r->opts->check_only || r->opts->nforget == 0)
			buf_printf(r->err,
				   "no index at %s and no roots to index: give a directory, "
				   "e.g. 'lectern index ~/notes'",
				   index_dir);
		else
			buf_printf(r->err, "no index at %s", index_dir);
		return LEC_ENOTFOUND;
	}
	return LEC_OK;
}

/* The layout: the stub file's, or a new one of --shards N. */
static lec_status plan_layout(struct run *r, const char *index_dir)
{
	int exists = index_exists(index_dir);
	lec_status st;
	if (!exists && r->opts->shards > 1 && !r->opts->check_only) {
		st = shards_init_local(index_dir, r->opts->shards, &r->layout);
		if (!st)
			st = paths_mkdir_p(index_dir, 0755);
		if (st == LEC_EIO)
			buf_printf(r->err, "cannot create index directory %s: %s", index_dir,
				   strerror(errno));
		/* the stub first: a run killed before the shards exist leaves an
		 * index the next run completes, never orphaned shards */
		return st ? st : shards_save(index_dir, &r->layout, r->err);
	}
	st = shards_load(index_dir, &r->layout, r->err);
	if (st)
		return st;
	if (r->layout.nlocal == 0) {
		buf_printf(r->err,
			   "index %s has only remote shards: it is searched here, and "
			   "indexed where its shards live",
			   index_dir);
		return LEC_EINVAL;
	}
	if (exists && r->opts->shards && r->opts->shards != r->layout.nlocal) {
		buf_printf(r->err,
			   "index %s has %zu local shard%s; --shards %u would move every "
			   "note: index into a new --index directory instead",
			   index_dir, r->layout.nlocal, r->layout.nlocal == 1 ? "" : "s",
			   r->opts->shards);
		return LEC_EINVAL;
	}
	return LEC_OK;
}

/* Why the system would refuse us writing the database at `path`: EACCES,
 * EPERM, EROFS, or 0 (it would not). `what` (cap bytes) gets the path
 * refused: the database directory, its lock file, or, when the database is
 * not there yet, the nearest directory above it that is. */
static int write_refused(const char *path, char *what, size_t cap)
{
	int e = 0;
	snprintf(what, cap, "%s", path);
	if (faccessat(AT_FDCWD, what, W_OK, AT_EACCESS) != 0) {
		e = errno;
		for (char *slash; e == ENOENT && (slash = strrchr(what, '/')) && slash != what;) {
			*slash = '\0';
			e = faccessat(AT_FDCWD, what, W_OK, AT_EACCESS) != 0 ? errno : 0;
		}
	} else {
		/* "flintlock": the lock file of Xapian's glass databases */
		snprintf(what, cap, "%s/flintlock", path);
		if (faccessat(AT_FDCWD, what, W_OK, AT_EACCESS) != 0)
			e = errno;
	}
	return e == EACCES || e == EPERM || e == EROFS ? e : 0;
}

/* Xapian reports a lock it could not even try (its lock file cannot be
 * opened: a user who may not write the index, a read-only filesystem) as
 * DatabaseLockError, like a lock another writer holds; and a directory it
 * cannot create as an I/O error. Ask the system which it is, so that the
 * message says what happened. */
/* "permission denied: PATH (...)" or "read-only file system: PATH (...)"
 * when the system says so of path (or the nearest existing directory
 * above it); 0 when it does not. */
static lec_status say_refused(struct run *r, const char *path, const char *index_dir)
{
	char what[4096];
	int err = write_refused(path, what, sizeof(what));
	if (err == EROFS) {
		buf_printf(r->err, "read-only file system: %s (indexing writes the index %s)", what,
			   index_dir);
		return LEC_EIO;
	}
	if (err) {
		buf_printf(r->err, "permission denied: %s (uid %u cannot write the index %s)", what,
			   (unsigned)geteuid(), index_dir);
		return LEC_EPERM;
	}
	return LEC_OK;
}

static lec_status open_failed(struct run *r, const char *index_dir, const struct shard_entry *e,
			      lec_status st, const char *why)
{
	lec_status refused =
		st == LEC_ELOCKED || st == LEC_EIO ? say_refused(r, e->path, index_dir) : LEC_OK;
	if (refused)
		return refused;
	if (st == LEC_ELOCKED)
		buf_printf(r->err,
			   "index %s is locked: another lectern index (or serve "
			   "reindex) is writing it",
			   index_dir);
	else
		buf_printf(r->err, "cannot open index %s%s%s: %s", index_dir,
			   r->layout.nlocal > 1 ? " shard " : "",
			   r->layout.nlocal > 1 ? e->name : "", why);
	return st;
}

static lec_status open_shards(struct run *r, const char *index_dir)
{
	lec_status st = plan_layout(r, index_dir);
	if (st)
		return st;
	r->shards = calloc(r->layout.nlocal, sizeof(*r->shards));
	if (!r->shards)
		return LEC_ENOMEM;
	if (!r->opts->check_only && (st = paths_mkdir_p(index_dir, 0755))) {
		buf_printf(r->err, "cannot create index directory %s: %s", index_dir,
			   strerror(errno));
		return st;
	}
	for (size_t i = 0; i < r->layout.nlocal; i++) {
		struct shard_w *sh = &r->shards[i];
		const struct shard_entry *e = &r->layout.v[i];
		sh->name = e->name;
		if (!(sh->db = xap_db_new()))
			return LEC_ENOMEM;
		pthread_mutex_init(&sh->mu, NULL);
		hmap_init(&sh->synonyms);
		r->nshards++;
		st = xap_db_open(sh->db, e->path,
				 r->opts->check_only ? XAP_OPEN_READ :
				 r->build            ? XAP_OPEN_CREATE | XAP_OPEN_NO_SYNC :
						       XAP_OPEN_CREATE);
		if (st)
			return open_failed(r, r->target, e, st, xap_db_error(sh->db));
	}
	return LEC_OK;
}

static lec_status check_format(struct run *r)
{
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < r->nshards; i++) {
		xap_db *db = r->shards[i].db;
		char *val;
		size_t len;
		st = xap_db_get_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT), &val, &len);
		if (st)
			return st;
		if (len == 0 && !r->opts->check_only) {
			st = xap_db_set_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT),
						 LEC_INDEX_FORMAT, strlen(LEC_INDEX_FORMAT));
		} else if (len && strcmp(val, LEC_INDEX_FORMAT) != 0) {
			/* only a check gets here: an indexing run rebuilds it */
			buf_printf(
				r->err,
				"index %s is in format %s, and this lectern reads format "
				"%s: 'lectern index' rebuilds it from its notes, keeping its roots",
				r->target, val, LEC_INDEX_FORMAT);
			st = LEC_EVERSION;
		}
		free(val);
	}
	return st;
}

/* New roots are written before any note: a run killed later, even
 * before its first batch of notes, leaves notes that belong to a known
 * root and an index that knows its roots, so that `status` shows them and
 * the next `lectern index` resumes the same job. The roots file at once;
 * shard 0's copy committed on its own, which is not a batch (ncommits
 * kept); every shard's copy at the end (finish). */
static lec_status early_roots(struct run *r)
{
	if (r->opts->check_only || !r->roots.changed)
		return LEC_OK;
	lec_status st = roots_save_file(&r->roots, r->index_dir, r->err);
	/* a first index's roots are the index's at once (status shows them) */
	if (!st && r->build)
		st = roots_save_file(&r->roots, r->target, r->err);
	struct shard_w *sh = &r->shards[0];
	unsigned ncommits = sh->ncommits;
	if (!st)
		st = tx_begin(r, sh);
	if (!st)
		st = roots_save_db(&r->roots, sh->db);
	if (!st)
		st = tx_commit(r, sh);
	sh->ncommits = ncommits;
	sh->wrote = 1;
	return st;
}

/* Whether directory `dir` holds root r's notes as the index knows them:
 * of (up to) the first COPY_SAMPLE records of the root, more than half
 * are files of the same size at the same place under dir. */
#define COPY_SAMPLE 64

struct copy_check {
	const char *dir;
	size_t seen, same;
};

static int on_copy_record(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct copy_check *c = ctx;
	struct filerec fr;
	const char *nkey, *rel;
	size_t nlen;
	char *path = NULL;
	struct stat sb;
	if (filerec_decode(key, klen, val, vlen, &fr, &nkey, &nlen))
		return 0;
	char *k = strndup(nkey, nlen);
	if (!k)
		return 1;
	rel = rootmap_key_rel(k);
	if (rel && asprintf(&path, "%s/%s", c->dir, rel) >= 0) {
		c->same += stat(path, &sb) == 0 && (uint64_t)sb.st_size == fr.size;
		free(path);
	}
	free(k);
	return ++c->seen >= COPY_SAMPLE;
}

static int is_copy(void *ctx, const struct root *root, const char *dir)
{
	struct run *r = ctx;
	struct copy_check c = { dir, 0, 0 };
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s%u/", LEC_META_FILE_PREFIX, root->id);
	for (size_t i = 0; i < r->nshards && c.seen < COPY_SAMPLE; i++)
		xap_db_metadata_each(r->shards[i].db, prefix, strlen(prefix), on_copy_record, &c);
	return c.seen && c.same * 2 > c.seen;
}

/* The roots: a build's own (a resumed one may have new roots), else the
 * index's: its roots file, else (format 1) the copy in its first shard. */
static lec_status load_roots(struct run *r)
{
	if (r->build) {
		char *file = NULL;
		struct stat sb;
		if (asprintf(&file, "%s/%s", r->build, LEC_ROOTS_FILE) < 0)
			return LEC_ENOMEM;
		int resumed = stat(file, &sb) == 0;
		free(file);
		if (resumed)
			return roots_load(&r->roots, r->build, NULL, r->err);
		return roots_load(&r->roots, r->target, r->old ? r->old[0] : NULL, r->err);
	}
	return roots_load(&r->roots, r->target, r->shards[0].db, r->err);
}

/* A root found at a new path is said once, not as a warning. */
static void say_moved(struct run *r)
{
	for (size_t i = 0; i < r->roots.nmoved; i++)
		if (r->hooks && r->hooks->info) {
			char msg[8192];
			snprintf(msg, sizeof(msg), "root moved: %s%s", r->roots.moved[i],
				 r->opts->check_only ? " (not saved: --check)" : "");
			r->hooks->info(r->hooks->ctx, msg);
		}
}

/* Commit every shard; shard 0 last, with the time of this run. */
static lec_status finish(struct run *r)
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
			st = tx_begin(r, sh);
		if (!st && r->roots.changed && !(st = tx_begin(r, sh)))
			st = roots_save_db(&r->roots, sh->db);
		if (!st && i == 0 && wrote) {
			char now[32];
			int n = snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
			if (!(st = tx_begin(r, sh)))
				st = xap_db_set_metadata(sh->db, LEC_META_LAST_INDEXED,
							 strlen(LEC_META_LAST_INDEXED), now,
							 (size_t)n);
		}
		if (!st)
			st = tx_commit(r, sh);
		if (st)
			run_fail(r, sh, st);
	}
	return st;
}

static void run_release(struct run *r)
{
	release_target(r);
	free(r->build);
	for (size_t i = 0; i < r->nshards; i++) {
		struct shard_w *sh = &r->shards[i];
		if (sh->in_tx)
			xap_db_cancel_transaction(sh->db);
		xap_db_close(sh->db);
		xap_db_free(sh->db);
		hmap_release(&sh->synonyms);
		pthread_mutex_destroy(&sh->mu);
	}
	free(r->shards);
	shards_release(&r->layout);
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->known, &it, &e))
		known_free(e->value);
	hmap_release(&r->known);
	skips_release(&r->skips);
	for (size_t i = 0; i < r->nfound; i++)
		free(r->found[i].path);
	free(r->found);
	free(r->order);
	free(r->unit_start);
	roots_release(&r->roots);
	hmap_release(&r->languages);
	strv_free(r->failed_dirs, r->nfailed);
	people_release(&r->people);
	pthread_mutex_destroy(&r->mu);
}

lec_status idx_run(const char *index_dir, char *const *paths, size_t npaths,
		   const struct idx_opts *opts, const struct idx_hooks *hooks,
		   struct idx_stats *stats, struct buf *err)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	memset(stats, 0, sizeof(*stats));
	r.index_dir = r.target = index_dir;
	r.opts = opts;
	r.hooks = hooks;
	r.stats = stats;
	r.err = err;
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	hmap_init(&r.known);
	roots_init(&r.roots);
	hmap_init(&r.languages);
	people_init(&r.people);
	pthread_mutex_init(&r.mu, NULL);
	lec_status st = LEC_OK;
	if (opts->language && !stemmer_known(opts->language)) {
		buf_printf(err, "--lang %s: not a Snowball language (e.g. english, french, de)",
			   opts->language);
		st = LEC_EINVAL;
	}
	if (!st)
		st = precheck(&r, index_dir, paths, npaths);
	if (!st)
		st = choose_build(&r);
	if (!st && r.build) {
		r.index_dir = r.build;
		st = hold_target(&r);
	}
	if (!st)
		st = open_shards(&r, r.index_dir);
	if (!st)
		st = check_format(&r);
	if (!st)
		remove_leftovers(&r);
	if (!st)
		st = load_roots(&r);
	if (!st)
		st = load_languages(&r);
	if (!st)
		st = people_load(&r.people, r.shards[0].db);
	if (!st)
		st = roots_forget(&r.roots, opts->forget, opts->nforget, err);
	if (!st) {
		r.roots.is_copy = is_copy;
		r.roots.is_copy_ctx = &r;
		st = roots_plan(&r.roots, paths, npaths, err);
	}
	if (!st)
		st = roots_apply_lang(&r.roots, opts->language, paths, npaths, err);
	if (!st)
		say_moved(&r);
	if (!st && r.roots.map.n == 0 && r.roots.nscopes == 0) {
		buf_printf(err,
			   "no roots to index: give a directory, e.g. 'lectern index ~/notes'");
		st = LEC_ENOTFOUND;
	}
	if (!st)
		st = load_known(&r);
	if (!st)
		st = early_roots(&r);
	if (!st)
		st = walk_scopes(&r);
	if (!st)
		st = process_all(&r);
	if (!st)
		st = finish(&r);
	if (!st && r.build && !stats->interrupted)
		st = install_build(&r);
	if (!st)
		compact_at_end(&r);
	if (st && !err->len) {
		const char *msg = r.nshards ? xap_db_error(r.shards[0].db) : "";
		buf_printf(err, "%s%s%s", lec_status_str(st), *msg ? ": " : "", msg);
	}
	stats->seconds = elapsed(&r);
	run_release(&r);
	return st;
}
