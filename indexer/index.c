/* index.c - one indexing run: walk, compare, (re)index, remove, commit. */
#include "index.h"

#include <errno.h>
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

#include "compact.h"
#include "docbuild.h"
#include "hmap.h"
#include "layout.h"
#include "limits.h"
#include "metakey.h"
#include "note.h"
#include "paths.h"
#include "people.h"
#include "roots.h"
#include "shards.h"
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
	uint64_t words;         /* terms of its passages */
	int seen;               /* found by this run's walk (or kept on purpose) */
};

/* A file found by the walk. */
struct found_file {
	char *path;
	uint64_t size;
	int64_t mtime_ns;
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
	unsigned langs_saved;   /* the run's langs_gen last written here */
	int wrote;
	/* the passages of the shard's notes and their terms
	 * (LEC_META_PASSAGES), kept up to date with each note written */
	uint64_t passages, words;
	int totals_changed;
	struct hmap synonyms;   /* stem -> word pairs given to db in this run */
};

struct run {
	const struct idx_opts *opts;
	const struct idx_hooks *hooks;
	struct idx_stats *stats;
	struct buf *err;
	struct shard_set layout;
	struct shard_w *shards;
	size_t nshards;         /* opened: shards[0 .. nshards) */
	struct hmap known;      /* path -> struct known_file*; read-only while workers run */
	struct roots roots;     /* the roots, their languages, what this run walks */
	struct hmap languages;  /* stemming languages of the notes in the index (under mu) */
	unsigned langs_gen;     /* bumped when `languages` gains one */
	char **failed_dirs;     /* walk problems under which nothing is removed */
	size_t nfailed;
	struct found_file *found;
	size_t nfound, capfound;
	struct timespec t0;
	struct people people;
	/* the parallel part: a unit is the files of one directory, in order */
	size_t *order;          /* indexes into found, grouped by directory */
	size_t *unit_start;     /* unit u is order[unit_start[u] .. unit_start[u+1]) */
	size_t nunits;
	atomic_size_t next_unit;
	pthread_mutex_t mu;     /* stats, warnings, progress, languages, the first error */
	uint64_t done_files, done_bytes;
	atomic_int failed;      /* a worker failed: the others stop */
	int fresh;              /* every shard was empty when the run began */
};

/* A worker parses and builds documents on its own and writes them into the
 * note's shard under that shard's lock. */
struct worker {
	struct run *r;
	pthread_t tid;
	struct docbuild build;
	const char *cur_path;
	xap_doc *doc;                   /* the note's document, built before locking */
	struct idx_stats st;            /* counts, merged after the run */
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

static int stop_requested(const struct run *r)
{
	return r->hooks && r->hooks->stop && *r->hooks->stop;
}

char *idx_db_path(const char *index_dir)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", index_dir, LEC_DB_SUBDIR) < 0)
		return NULL;
	return p;
}

/* ---- languages of the notes ---------------------------------------------- */

static lec_status load_languages(struct run *r)
{
	char *val;
	size_t len;
	lec_status st = xap_db_get_metadata(r->shards[0].db, LEC_META_LANGUAGES,
					    strlen(LEC_META_LANGUAGES),
					    &val, &len);
	for (char *p = val, *nl; !st && p < val + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(val + len - p));
		if (!nl)
			nl = val + len;
		struct hmap_entry *e;
		if (nl > p && hmap_put(&r->languages, p, (size_t)(nl - p), &e, NULL))
			st = LEC_ENOMEM;
	}
	if (!st)
		free(val);
	return st;
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
		while (hmap_next(&r->languages, &it, &e)) {
			buf_puts(&b, e->key);
			buf_putc(&b, '\n');
		}
	}
	pthread_mutex_unlock(&r->mu);
	if (gen == sh->langs_saved)
		return LEC_OK;
	lec_status st = b.status ? LEC_ENOMEM
		: xap_db_set_metadata(sh->db, LEC_META_LANGUAGES, strlen(LEC_META_LANGUAGES),
				      b.data ? b.data : "", b.len);
	buf_release(&b);
	if (!st)
		sh->langs_saved = gen;
	return st;
}

/* ---- known files -------------------------------------------------------- */

static int on_known(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
	struct run *r = ctx;
	size_t pl = strlen(LEC_META_FILE_PREFIX);
	char rec[128];
	size_t nl = 0;
	while (nl < vlen && val[nl] != '\t')
		nl++;
	if (nl >= sizeof(rec))
		return 0;
	memcpy(rec, val, nl);
	rec[nl] = 0;
	/* the path: after the prefix, or after the TAB of a hashed key's record */
	const char *path = key + pl;
	size_t path_len = klen - pl;
	if (klen > pl && key[pl] == '#') {
		if (nl == vlen)
			return 0;
		path = val + nl + 1;
		path_len = vlen - nl - 1;
	}
	unsigned long long size, hash, words;
	long long mtime;
	unsigned passages;
	if (sscanf(rec, "%llu %lld %llx %u %llu", &size, &mtime, &hash, &passages, &words) != 5)
		return 0;
	struct known_file *k = calloc(1, sizeof(*k));
	if (!k)
		return 1;
	k->size = size;
	k->mtime_ns = mtime;
	k->hash = hash;
	k->passages = passages;
	k->words = words;
	struct hmap_entry *e;
	if (hmap_put(&r->known, path, path_len, &e, NULL)) {
		free(k);
		return 1;
	}
	free(e->value);
	e->value = k;
	return 0;
}

static struct shard_w *shard_of(struct run *r, const char *path)
{
	return &r->shards[shards_of_path(path, r->nshards)];
}

/* Each shard's passage totals, from the records of its notes. */
static void sum_totals(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->known, &it, &e)) {
		const struct known_file *k = e->value;
		struct shard_w *sh = shard_of(r, e->key);
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

static lec_status set_known(struct shard_w *sh, const char *path, uint64_t size, int64_t mtime,
			    uint64_t hash, uint32_t passages, uint64_t words)
{
	char key[META_KEY_MAX];
	size_t plen = strlen(path);
	size_t kl = meta_key(LEC_META_FILE_PREFIX, path, plen, key);
	struct buf val;
	buf_init(&val, 0);
	buf_printf(&val, "%" PRIu64 " %" PRId64 " %016" PRIx64 " %" PRIu32 " %" PRIu64, size,
		   mtime, hash, passages, words);
	if (kl != strlen(LEC_META_FILE_PREFIX) + plen) {
		buf_putc(&val, '\t');
		buf_put(&val, path, plen);
	}
	lec_status st = val.status ? val.status
				   : xap_db_set_metadata(sh->db, key, kl, val.data, val.len);
	buf_release(&val);
	return st;
}

static lec_status drop_known(struct shard_w *sh, const char *path)
{
	char key[META_KEY_MAX];
	char term[20];
	size_t kl = meta_key(LEC_META_FILE_PREFIX, path, strlen(path), key);
	docbuild_file_term(path, term);
	lec_status st = xap_db_delete_documents_by_term(sh->db, term, strlen(term));
	if (!st)
		st = xap_db_set_metadata(sh->db, key, kl, "", 0);
	return st;
}

/* ---- walking ------------------------------------------------------------ */

static int on_found(void *ctx, const struct walk_entry *e)
{
	struct run *r = ctx;
	if (r->nfound == r->capfound) {
		size_t ncap = r->capfound ? r->capfound * 2 : 256;
		struct found_file *nf = realloc(r->found, ncap * sizeof(*nf));
		if (!nf)
			return 1;
		r->found = nf;
		r->capfound = ncap;
	}
	struct found_file *f = &r->found[r->nfound];
	if (!(f->path = strdup(e->path)))
		return 1;
	f->size = e->size;
	f->mtime_ns = e->mtime_ns;
	r->nfound++;
	return 0;
}

static void on_walk_warn(void *ctx, const char *path, const char *message)
{
	struct run *r = ctx;
	warn(r, path, message);
	/* Nothing under a directory or file we could not read is removed from
	 * the index; a broken link or a FIFO is simply not a note. */
	struct stat sb;
	if (stat(path, &sb) == 0 && (S_ISDIR(sb.st_mode) || (S_ISREG(sb.st_mode) && access(path, R_OK))))
		strv_add(&r->failed_dirs, &r->nfailed, path);
}

static lec_status walk_scopes(struct run *r)
{
	for (size_t i = 0; i < r->roots.nscopes; i++) {
		struct stat sb;
		if (stat(r->roots.scopes[i], &sb) != 0) {
			warn(r, r->roots.scopes[i], "root is missing; its notes are kept (use --forget)");
			strv_add(&r->failed_dirs, &r->nfailed, r->roots.scopes[i]);
			continue;
		}
		lec_status st = walk_root(r->roots.scopes[i], on_found, on_walk_warn, r);
		if (st == LEC_ESTOP)
			return LEC_ENOMEM;
		if (st && st != LEC_ENOTFOUND) {
			warn(r, r->roots.scopes[i], lec_status_str(st));
			strv_add(&r->failed_dirs, &r->nfailed, r->roots.scopes[i]);
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

/* A note the builder refused for a bound of limits.h: skipped with the
 * reason (a known one keeps its indexed version), the run goes on. */
static lec_status refuse_note(struct worker *w, const struct found_file *f, int was_known)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s; %s", docbuild_error(&w->build),
		 was_known ? "the indexed version is kept" : "skipped");
	warn(w->r, f->path, msg);
	w->st.skipped++;
	return LEC_OK;
}

/* Re-index one file whose content changed (or is new); k is what the index
 * knew of it (NULL: new). */
static lec_status reindex_file(struct worker *w, const struct found_file *f, const char *data,
			       size_t len, uint64_t hash, const struct known_file *k)
{
	struct run *r = w->r;
	struct shard_w *sh = shard_of(r, f->path);
	char term[20];
	struct docbuild_counts counts;
	const char *used = NULL;
	w->cur_path = f->path;
	w->build.give_docs = 1;
	lec_status st = docbuild_file(&w->build, f->path, data, len,
				      roots_lang_of(&r->roots, f->path), keep_doc, on_note_warning, w,
				      &counts, &used);
	if (st == LEC_ELIMIT)
		return refuse_note(w, f, k != NULL);
	if (st)
		return st;
	pthread_mutex_lock(&sh->mu);
	st = tx_begin(r, sh);
	docbuild_file_term(f->path, term);
	if (!st)
		st = k ? xap_db_replace_document_by_term(sh->db, term, strlen(term), w->doc, NULL)
		       : xap_db_add_document(sh->db, w->doc, NULL);
	if (!st)
		w->st.docs_written++;
	if (!st)
		st = docbuild_flush_spelling(&w->build, sh->db, &sh->synonyms);
	if (!st)
		st = set_known(sh, f->path, f->size, f->mtime_ns, hash, counts.passages, counts.words);
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
	struct shard_w *sh = shard_of(r, f->path);
	pthread_mutex_lock(&sh->mu);
	lec_status st = tx_begin(r, sh);
	if (!st)
		st = set_known(sh, f->path, f->size, f->mtime_ns, hash, k->passages, k->words);
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
	return st == LEC_ELIMIT ? "file too large (over LEC_MAX_NOTE_BYTES); skipped"
	       : st == LEC_ENOMEM ? "out of memory reading the file; skipped"
	       : NULL;
}

/* Compare one found file with the index and bring it up to date. */
static lec_status process_file(struct worker *w, struct found_file *f)
{
	struct run *r = w->r;
	struct hmap_entry *e = hmap_get(&r->known, f->path, strlen(f->path));
	struct known_file *k = e ? e->value : NULL;
	int force = roots_relang(&r->roots, f->path);
	if (k && !force && k->size == f->size && k->mtime_ns == f->mtime_ns) {
		k->seen = 1;
		w->st.unchanged++;
		return LEC_OK;
	}
	char *data = NULL;
	size_t len = 0;
	lec_status st = paths_read_file(f->path, LEC_MAX_NOTE_BYTES, &data, &len);
	if (st) {
		const char *why = read_problem(st);
		char msg[256];
		snprintf(msg, sizeof(msg), "%s; %s", why ? why : strerror(errno),
			 k ? "the indexed version is kept" : "skipped");
		warn(r, f->path, why ? why : msg);
		w->st.skipped++;
		if (k)
			k->seen = 1;   /* keep what we have rather than lose it */
		return st == LEC_ENOMEM ? run_fail(r, NULL, st) : LEC_OK;
	}
	w->st.files_read++;
	w->st.bytes_read += len;
	if (docbuild_is_binary(data, len)) {
		/* not a note (any more): a known one is removed below */
		warn(r, f->path, k ? "binary file; no longer indexed" : "binary file; skipped");
		w->st.skipped++;
		free(data);
		return LEC_OK;
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
		st = reindex_file(w, f, data, len, hash, k);
	free(data);
	if (st && !atomic_load(&r->failed))
		run_fail(r, NULL, st);
	return st;
}

static int is_failed(const struct run *r, const char *path)
{
	for (size_t i = 0; i < r->nfailed; i++)
		if (paths_under(path, r->failed_dirs[i]))
			return 1;
	return 0;
}

/* Known files under the walked scopes that the walk did not find (after the
 * workers: one thread). */
static lec_status remove_vanished(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->known, &it, &e)) {
		struct known_file *k = e->value;
		if (!roots_forgotten(&r->roots, e->key) &&
		    (k->seen || !roots_in_scope(&r->roots, e->key) || is_failed(r, e->key)))
			continue;
		r->stats->removed++;
		if (r->opts->check_only)
			continue;
		struct shard_w *sh = shard_of(r, e->key);
		lec_status st = tx_begin(r, sh);
		if (!st)
			st = drop_known(sh, e->key);
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
		.done_files = r->done_files, .total_files = r->nfound,
		.done_bytes = r->done_bytes, .total_bytes = r->stats->bytes_total,
		.elapsed = elapsed(r), .path = path,
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

static lec_status process_all(struct run *r)
{
	for (size_t i = 0; i < r->nfound; i++)
		r->stats->bytes_total += r->found[i].size;
	r->stats->files = r->nfound;
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
		st = docbuild_init(&ws[i].build, NULL);
		ws[i].build.people = (struct docbuild_people){
			.ctx = &r->people, .resolve = idx_people_resolve,
			.learn = r->opts->check_only ? NULL : idx_people_learn };
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
		snprintf(msg, sizeof(msg), "not compacted (%s); the index is complete, only "
			 "larger", why);
		warn(r, e->path, msg);
	} else {
		r->stats->compacted++;
	}
	if (paths_remove_tree(tmp))
		warn(r, tmp, "cannot remove the old copy of a compacted shard");
	free(tmp);
}

/* A first run compacts the shards it wrote in several commits; --compact,
 * every shard. */
static void compact_at_end(struct run *r)
{
	int forced = r->opts->compact;
	if (r->opts->check_only || stop_requested(r) || !(r->fresh || forced))
		return;
	for (size_t i = 0; i < r->nshards && !stop_requested(r); i++)
		if (forced || r->shards[i].ncommits > 1)
			compact_shard(r, &r->shards[i], &r->layout.v[i]);
}

/* Whether every shard is empty: a first run (or one after a run that
 * committed nothing). */
static lec_status note_fresh(struct run *r)
{
	r->fresh = 1;
	for (size_t i = 0; i < r->nshards; i++) {
		uint32_t n = 0;
		lec_status st = xap_db_doccount(r->shards[i].db, &n);
		if (st)
			return st;
		if (n)
			r->fresh = 0;
	}
	return LEC_OK;
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
static lec_status precheck(struct run *r, const char *index_dir, char *const *paths,
			   size_t npaths)
{
	struct stat sb;
	for (size_t i = 0; i < npaths; i++) {
		if (stat(paths[i], &sb) != 0) {
			buf_printf(r->err, "%s: %s", paths[i], strerror(errno));
			return LEC_ENOTFOUND;
		}
		if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
			buf_printf(r->err, "%s: not a directory or a regular file", paths[i]);
			return LEC_EINVAL;
		}
	}
	if (r->opts->shards > SHARDS_MAX) {
		buf_printf(r->err, "--shards %u: at most %d", r->opts->shards, SHARDS_MAX);
		return LEC_EINVAL;
	}
	if (!index_exists(index_dir) && npaths == 0) {
		if (r->opts->check_only || r->opts->nforget == 0)
			buf_printf(r->err, "no index at %s and no roots to index: give a directory, "
				   "e.g. 'lectern index ~/notes'", index_dir);
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
		buf_printf(r->err, "index %s has only remote shards: it is searched here, and "
			   "indexed where its shards live", index_dir);
		return LEC_EINVAL;
	}
	if (exists && r->opts->shards && r->opts->shards != r->layout.nlocal) {
		buf_printf(r->err, "index %s has %zu local shard%s; --shards %u would move every "
			   "note: index into a new --index directory instead", index_dir,
			   r->layout.nlocal, r->layout.nlocal == 1 ? "" : "s", r->opts->shards);
		return LEC_EINVAL;
	}
	return LEC_OK;
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
		st = xap_db_open(sh->db, e->path, r->opts->check_only ? XAP_OPEN_READ
								      : XAP_OPEN_CREATE);
		if (st == LEC_ELOCKED)
			buf_printf(r->err, "index %s is locked: another lectern index (or serve "
				   "reindex) is writing it", index_dir);
		else if (st)
			buf_printf(r->err, "cannot open index %s%s%s: %s", index_dir,
				   r->layout.nlocal > 1 ? " shard " : "",
				   r->layout.nlocal > 1 ? e->name : "", xap_db_error(sh->db));
		if (st)
			return st;
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
			buf_printf(r->err, "index format %s is not this lectern's format %s: remove "
				   "the index directory and index again", val, LEC_INDEX_FORMAT);
			st = LEC_EVERSION;
		}
		free(val);
	}
	return st;
}

/* New roots go into the first transaction, so that a run killed later
 * leaves notes that belong to a known root. */
static lec_status early_roots(struct run *r)
{
	if (r->opts->check_only || !r->roots.changed)
		return LEC_OK;
	struct shard_w *sh = &r->shards[0];
	lec_status st = tx_begin(r, sh);
	if (!st)
		st = roots_save(&r->roots, sh->db);
	sh->wrote = 1;
	return st;
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
		if (!st && i == 0 && wrote) {
			char now[32];
			int n = snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
			if (!(st = tx_begin(r, sh)))
				st = xap_db_set_metadata(sh->db, LEC_META_LAST_INDEXED,
							 strlen(LEC_META_LAST_INDEXED), now, (size_t)n);
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
		free(e->value);
	hmap_release(&r->known);
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
		st = open_shards(&r, index_dir);
	if (!st)
		st = check_format(&r);
	if (!st)
		st = note_fresh(&r);
	if (!st)
		remove_leftovers(&r);
	if (!st)
		st = roots_load(&r.roots, r.shards[0].db);
	if (!st)
		st = load_languages(&r);
	if (!st)
		st = people_load(&r.people, r.shards[0].db);
	if (!st)
		st = roots_forget(&r.roots, opts->forget, opts->nforget, err);
	if (!st)
		st = roots_plan(&r.roots, paths, npaths, err);
	if (!st)
		st = roots_apply_lang(&r.roots, opts->language, paths, npaths, err);
	if (!st && r.roots.n == 0 && r.roots.nscopes == 0) {
		buf_printf(err, "no roots to index: give a directory, e.g. 'lectern index ~/notes'");
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
