/* searcher.c - an index opened for searching: its shards, languages and
 * statistics, kept current as the index changes (search.h). */
#include "searcher-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "langs.h"
#include "layout.h"
#include "limits.h"
#include "note-cache.h"
#include "paths.h"
#include "shards.h"
#include "stem.h"

/* How long a searcher missing a remote shard goes on without it before it
 * tries to reach it again (the daemon asks at every request): 5 seconds,
 * doubling while it stays away, up to a minute, since a shard that is slow
 * rather than down costs a timeout at each try. */
#define SHARD_RETRY_SECONDS 5
#define SHARD_RETRY_MAX_SECONDS 60

/* A stemmer for one more language, unless it has one, or is unknown, or
 * there are MAX_LANGS already (the search goes on without it). */
static lec_status add_language(void *ctx, const char *name, size_t len)
{
	struct searcher *s = ctx;
	(void)len;
	int have = 0;
	for (size_t i = 0; i < s->nlangs; i++)
		have |= strcmp(stemmer_language(s->st[i]), name) == 0;
	stemmer *ns;
	if (!have && s->nlangs < MAX_LANGS && stemmer_known(name) &&
	    stemmer_new(name, &ns) == LEC_OK)
		s->st[s->nlangs++] = ns;
	return LEC_OK;
}

/* Stemmers for the languages listed in one shard (english is always [0]). */
static lec_status load_languages(struct searcher *s, xap_db *db)
{
	return langs_each(db, add_language, s);
}

static void file_stat(const char *index_dir, const char *name, struct stat *sb)
{
	char path[4096];
	memset(sb, 0, sizeof(*sb));
	snprintf(path, sizeof(path), "%s/%s", index_dir, name);
	if (stat(path, sb) != 0)
		memset(sb, 0, sizeof(*sb));
}

static void stub_stat(const char *index_dir, struct stat *sb)
{
	file_stat(index_dir, SHARDS_STUB_NAME, sb);
}

/* The file is not what it was (replaced, written, created or removed). */
static int file_changed(const struct stat *was, const struct stat *now)
{
	return now->st_ino != was->st_ino || now->st_dev != was->st_dev ||
	       now->st_size != was->st_size || now->st_mtim.tv_sec != was->st_mtim.tv_sec ||
	       now->st_mtim.tv_nsec != was->st_mtim.tv_nsec;
}

static void dirs_release(struct searcher *s)
{
	for (size_t i = 0; i < s->ndirs; i++)
		free(s->dirs[i].path);
	s->ndirs = 0;
}

static void dir_id(const char *path, dev_t *dev, ino_t *ino)
{
	struct stat sb;
	if (!path || stat(path, &sb) != 0)
		memset(&sb, 0, sizeof(sb));
	*dev = sb.st_dev;
	*ino = sb.st_ino;
}

/* Remember the local shard directories of `set` (a path that cannot be
 * copied is kept as NULL: never "changed"). */
static void dirs_note(struct searcher *s, const struct shard_set *set)
{
	dirs_release(s);
	for (size_t i = 0; i < set->nlocal && i < SHARDS_MAX; i++) {
		s->dirs[i].path = strdup(set->v[i].path);
		dir_id(s->dirs[i].path, &s->dirs[i].dev, &s->dirs[i].ino);
		s->ndirs++;
	}
}

/* A local shard directory is not the one opened: replaced, or gone. (The
 * list itself changes only with shards.stub, which is checked first.) */
int searcher_dirs_changed(const struct searcher *s)
{
	for (size_t i = 0; i < s->ndirs; i++) {
		dev_t dev;
		ino_t ino;
		if (!s->dirs[i].path)
			continue;
		dir_id(s->dirs[i].path, &dev, &ino);
		if (dev != s->dirs[i].dev || ino != s->dirs[i].ino)
			return 1;
	}
	return 0;
}

/* The shard's passage totals, into the sums of the open in progress. */
static lec_status add_passage_totals(struct searcher *s, xap_db *db)
{
	char *val = NULL;
	size_t len = 0;
	unsigned long long np = 0, nw = 0;
	lec_status st =
		xap_db_get_metadata(db, LEC_META_PASSAGES, strlen(LEC_META_PASSAGES), &val, &len);
	if (!st && len && sscanf(val, "%llu %llu", &np, &nw) == 2) {
		s->opening_passages += np;
		s->opening_words += nw;
	}
	free(val);
	return st;
}

static void free_sub_roots(struct rootmap **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i])
			rootmap_release(v[i]);
		free(v[i]);
		v[i] = NULL;
	}
}

/* A remote shard's roots: its database's copy (absolute paths, as where it
 * was indexed). None, or a damaged one: its notes show their keys. */
static lec_status remote_roots(xap_db *db, struct rootmap **out)
{
	*out = NULL;
	struct rootmap *m = malloc(sizeof(*m));
	if (!m)
		return LEC_ENOMEM;
	struct buf why;
	buf_init(&why, 1024);
	rootmap_init(m);
	lec_status st = rootmap_load_db(m, db, &why);
	if (!st && m->n) {
		*out = m;
		m = NULL;
	}
	if (st == LEC_ECORRUPT)
		st = LEC_OK;
	if (m)
		rootmap_release(m);
	free(m);
	buf_release(&why);
	return st;
}

/* The index's own roots: its roots file, else the copy in its first local
 * shard (an index of format 1). */
static lec_status index_roots(struct searcher *s, xap_db *db)
{
	struct buf why;
	buf_init(&why, 1024);
	lec_status st = rootmap_load_file(&s->opening_roots, s->index_dir, &why);
	buf_release(&why);
	if (st != LEC_ENOTFOUND)
		return st == LEC_ENOMEM ? st : LEC_OK; /* damaged: keys are shown */
	struct rootmap *m = NULL;
	st = remote_roots(db, &m);
	if (m) {
		rootmap_release(&s->opening_roots);
		s->opening_roots = *m;
		free(m);
	}
	return st;
}

/* A database of another index format cannot be read right: refused, with
 * its format kept for the message (searcher_open). */
static lec_status check_format(struct searcher *s, xap_db *db)
{
	char *val = NULL;
	size_t len = 0;
	lec_status st =
		xap_db_get_metadata(db, LEC_META_FORMAT, strlen(LEC_META_FORMAT), &val, &len);
	if (!st && len && strcmp(val, LEC_INDEX_FORMAT) != 0) {
		snprintf(s->bad_format, sizeof(s->bad_format), "%s", val);
		st = LEC_EVERSION;
	}
	free(val);
	return st;
}

static lec_status on_shard(void *ctx, const struct shard_entry *e, xap_db *db)
{
	struct searcher *s = ctx;
	lec_status st = check_format(s, db);
	if (!st)
		st = load_languages(s, db);
	if (!st && e->remote && s->opening_subs < SHARDS_MAX_ENTRIES)
		st = remote_roots(db, &s->opening_sub_roots[s->opening_subs]);
	else if (!st && !s->opening_roots_read) {
		st = index_roots(s, db);
		s->opening_roots_read = 1;
	}
	if (!st && s->opening_subs < SHARDS_MAX_ENTRIES)
		s->opening_remote[s->opening_subs++] = (unsigned char)e->remote;
	return st ? st : add_passage_totals(s, db);
}

struct note_cache *searcher_notes(struct searcher *s)
{
	if (!s->notes && s->searches > 1)
		(void)note_cache_new(LEC_NOTE_CACHE_BYTES, LEC_NOTE_CACHE_MAX_NOTE, &s->notes);
	return s->notes;
}

int searcher_has_remote(const struct searcher *s)
{
	for (size_t i = 0; i < s->nsubs; i++)
		if (s->sub_remote[i])
			return 1;
	return 0;
}

int searcher_doc_remote(const struct searcher *s, xap_docid did)
{
	if (!s->nsubs || !did)
		return 0;
	return s->sub_remote[(did - 1) % s->nsubs];
}

const struct rootmap *searcher_doc_roots(const struct searcher *s, xap_docid did)
{
	if (!did)
		return NULL;
	if (!s->nsubs)
		return &s->roots;
	size_t i = (did - 1) % s->nsubs;
	return s->sub_remote[i] ? s->sub_roots[i] : &s->roots;
}

double searcher_avg_passage(const struct searcher *s)
{
	/* an index without totals (none written yet): a passage's usual size */
	if (!s->passages || !s->passage_words)
		return LEC_PASSAGE_TARGET_WORDS / 2.0;
	return (double)s->passage_words / (double)s->passages;
}

/* The shards of the index; for an index whose first build is not finished
 * (indexer/build.h), the shards written so far, with a warning: a search
 * answers from what is indexed, and the next reopen finds the index once
 * the build is put in place (its directory goes: searcher_dirs_changed). */
static lec_status load_layout(struct searcher *s, struct shard_set *set, struct buf *warn,
			      struct buf *err)
{
	lec_status st = shards_load(s->index_dir, set, err);
	struct stat sb;
	char build[4096];
	if (st || set->from_stub || set->nlocal != 1 || stat(set->v[0].path, &sb) == 0)
		return st;
	snprintf(build, sizeof(build), "%s/%s", s->index_dir, LEC_BUILD_SUBDIR);
	if (stat(build, &sb) != 0)
		return st;
	struct shard_set partial;
	if (shards_load(build, &partial, err) != LEC_OK)
		return st;
	shards_release(set);
	*set = partial;
	buf_printf(warn,
		   "the first index of %s is not finished: results are from the notes "
		   "indexed so far ('lectern index' finishes it)",
		   s->index_dir);
	return LEC_OK;
}

/* (Re)open every shard of the index into s->db; `failed` names a remote
 * shard to leave out at once (shards_open_read). */
static lec_status open_shards(struct searcher *s, const char *failed, struct buf *err)
{
	struct shard_set set;
	struct buf warn;
	xap_db *db = NULL;
	buf_init(&warn, 64 * 1024);
	stub_stat(s->index_dir, &s->stub);
	file_stat(s->index_dir, LEC_ROOTS_FILE, &s->roots_file);
	lec_status st = load_layout(s, &set, &warn, err);
	s->opening_passages = s->opening_words = 0;
	free_sub_roots(s->opening_sub_roots, SHARDS_MAX_ENTRIES);
	rootmap_release(&s->opening_roots);
	s->opening_roots_read = 0;
	s->opening_subs = 0;
	if (!st) {
		dirs_note(s, &set);
		st = shards_open_read(&set, on_shard, s, failed, &db, &warn, err);
		shards_release(&set);
	}
	if (st == LEC_ENOTFOUND && !err->len)
		buf_printf(err, "no index at %s: run 'lectern index DIR' first", s->index_dir);
	if (st && warn.len)
		buf_printf(err, " (%s)", warn.data);
	if (!st) {
		xap_db_free(s->db);
		s->db = db;
		s->passages = s->opening_passages;
		s->passage_words = s->opening_words;
		s->nsubs = s->opening_subs;
		memcpy(s->sub_remote, s->opening_remote, s->nsubs);
		free_sub_roots(s->sub_roots, SHARDS_MAX_ENTRIES);
		memcpy(s->sub_roots, s->opening_sub_roots, sizeof(s->sub_roots));
		memset(s->opening_sub_roots, 0, sizeof(s->opening_sub_roots));
		rootmap_release(&s->roots);
		s->roots = s->opening_roots;
		rootmap_init(&s->opening_roots);
		if (!warn.len)
			s->retry_after = SHARD_RETRY_SECONDS;
		else if (s->warnings)
			s->retry_after = s->retry_after * 2 > SHARD_RETRY_MAX_SECONDS ?
						 SHARD_RETRY_MAX_SECONDS :
						 s->retry_after * 2;
		free(s->warnings);
		s->warnings = warn.len ? buf_detach(&warn) : NULL;
		s->opened = time(NULL);
		s->retry_now = 0;
	}
	buf_release(&warn);
	return st;
}

lec_status searcher_open(const char *index_dir, struct searcher **out, struct buf *err)
{
	struct searcher *s = calloc(1, sizeof(*s));
	lec_status st = s ? LEC_OK : LEC_ENOMEM;
	if (!st && !(s->index_dir = strdup(index_dir)))
		st = LEC_ENOMEM;
	if (!st) {
		s->retry_after = SHARD_RETRY_SECONDS;
		rootmap_init(&s->roots);
		rootmap_init(&s->opening_roots);
	}
	if (!st && !(st = stemmer_new(STEM_DEFAULT_LANGUAGE, &s->st[0])))
		s->nlangs = 1;
	if (!st) {
		struct buf why;
		buf_init(&why, 64 * 1024);
		st = open_shards(s, NULL, &why);
		if (st == LEC_EVERSION && s->bad_format[0])
			buf_printf(err,
				   "index %s is in format %s, and this lectern reads format %s: "
				   "'lectern index' rebuilds it from its notes, keeping its roots",
				   index_dir, s->bad_format, LEC_INDEX_FORMAT);
		else if (st == LEC_ENOTFOUND &&
			 strncmp(why.data ? why.data : "", "no index", 8) != 0)
			buf_printf(err, "no index at %s: run 'lectern index DIR' first", index_dir);
		else if (st)
			buf_printf(err, "cannot open index %s: %s", index_dir,
				   why.len ? why.data : lec_status_str(st));
		else if (why.len)
			buf_put(err, why.data, why.len);
		buf_release(&why);
	}
	if (st) {
		searcher_free(s);
		return st;
	}
	*out = s;
	return LEC_OK;
}

void searcher_free(struct searcher *s)
{
	if (!s)
		return;
	xap_db_free(s->db);
	note_cache_free(s->notes);
	dirs_release(s);
	free_sub_roots(s->sub_roots, SHARDS_MAX_ENTRIES);
	free_sub_roots(s->opening_sub_roots, SHARDS_MAX_ENTRIES);
	rootmap_release(&s->roots);
	rootmap_release(&s->opening_roots);
	for (size_t i = 0; i < s->nlangs; i++)
		stemmer_free(s->st[i]);
	free(s->warnings);
	free(s->index_dir);
	free(s);
}

const char *searcher_warnings(const struct searcher *s)
{
	return s->warnings;
}

void searcher_retry_now(struct searcher *s)
{
	if (s && s->warnings)
		s->retry_now = 1;
}

lec_status searcher_reopen_all(struct searcher *s, const char *failed)
{
	struct buf err;
	buf_init(&err, 64 * 1024);
	lec_status st = open_shards(s, failed, &err);
	buf_release(&err);
	return st;
}

lec_status searcher_reopen(struct searcher *s)
{
	struct stat now, roots;
	stub_stat(s->index_dir, &now);
	file_stat(s->index_dir, LEC_ROOTS_FILE, &roots);
	if (file_changed(&s->stub, &now) || file_changed(&s->roots_file, &roots) ||
	    (s->warnings && (s->retry_now || time(NULL) - s->opened >= (time_t)s->retry_after)) ||
	    searcher_dirs_changed(s))
		return searcher_reopen_all(s, NULL);
	lec_status st = xap_db_reopen(s->db);
	if (st == LEC_ENETWORK) {
		char *failed = strdup(xap_db_error(s->db));
		st = searcher_reopen_all(s, failed);
		free(failed);
		return st;
	}
	return st ? st : load_languages(s, s->db);
}
