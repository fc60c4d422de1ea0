/* search.c - queries to places: run, fall back, locate, snippet. */
#include "search.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "docbuild.h"
#include "index.h"
#include "layout.h"
#include "limits.h"
#include "match.h"
#include "note.h"
#include "passage.h"
#include "paths.h"
#include "query.h"
#include "record.h"
#include "segmap.h"
#include "shards.h"
#include "snippet.h"
#include "stem.h"
#include "vec.h"
#include "xap.h"

#define MAX_LANGS 8

/* A searcher stems queries in every language the index's notes use (english
 * first): a note is one language, so a query matches a passage when it
 * matches in the passage's language. */
struct searcher {
	xap_db *db;             /* every shard that could be opened, as one */
	char *index_dir;
	stemmer *st[MAX_LANGS];
	size_t nlangs;
	char *warnings;         /* shards left out, one line each; NULL when none */
	struct stat stub;       /* shards.stub as opened (st_ino 0: absent) */
	/* the local shard directories as opened: a first index swaps in its
	 * compacted copy (indexer/index.c), which a reopen must not mix with
	 * the tables it already has open */
	struct { char *path; dev_t dev; ino_t ino; } dirs[SHARDS_MAX];
	size_t ndirs;
	time_t opened;
	unsigned retry_after;   /* seconds before a missing shard is tried again */
	int retry_now;          /* searcher_retry_now: try them on the next reopen */
};

/* How long a searcher missing a remote shard goes on without it before it
 * tries to reach it again (the daemon asks at every request): 5 seconds,
 * doubling while it stays away, up to a minute, since a shard that is slow
 * rather than down costs a timeout at each try. */
#define SHARD_RETRY_SECONDS 5
#define SHARD_RETRY_MAX_SECONDS 60

/* Stemmers for the languages listed in one shard (english is always [0]). */
static lec_status load_languages(struct searcher *s, xap_db *db)
{
	char *val = NULL;
	size_t len = 0;
	lec_status st = xap_db_get_metadata(db, LEC_META_LANGUAGES, strlen(LEC_META_LANGUAGES),
					    &val, &len);
	for (char *p = val, *nl; !st && p < val + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(val + len - p));
		if (!nl)
			nl = val + len;
		*nl = 0;
		int have = 0;
		for (size_t i = 0; i < s->nlangs; i++)
			have |= strcmp(stemmer_language(s->st[i]), p) == 0;
		stemmer *ns;
		if (*p && !have && s->nlangs < MAX_LANGS && stemmer_known(p) &&
		    stemmer_new(p, &ns) == LEC_OK)
			s->st[s->nlangs++] = ns;
	}
	free(val);
	return st;
}

void search_req_init(struct search_req *r)
{
	memset(r, 0, sizeof(*r));
	r->limit = 10;
}

static void stub_stat(const char *index_dir, struct stat *sb)
{
	char path[4096];
	memset(sb, 0, sizeof(*sb));
	snprintf(path, sizeof(path), "%s/%s", index_dir, SHARDS_STUB_NAME);
	if (stat(path, sb) != 0)
		memset(sb, 0, sizeof(*sb));
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
static int dirs_changed(const struct searcher *s)
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

static lec_status on_shard(void *ctx, const struct shard_entry *e, xap_db *db)
{
	(void)e;
	return load_languages(ctx, db);
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
	lec_status st = shards_load(s->index_dir, &set, err);
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
		if (!warn.len)
			s->retry_after = SHARD_RETRY_SECONDS;
		else if (s->warnings)
			s->retry_after = s->retry_after * 2 > SHARD_RETRY_MAX_SECONDS
						 ? SHARD_RETRY_MAX_SECONDS : s->retry_after * 2;
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
	if (!st)
		s->retry_after = SHARD_RETRY_SECONDS;
	if (!st && !(st = stemmer_new(STEM_DEFAULT_LANGUAGE, &s->st[0])))
		s->nlangs = 1;
	if (!st) {
		struct buf why;
		buf_init(&why, 64 * 1024);
		st = open_shards(s, NULL, &why);
		if (st == LEC_ENOTFOUND && strncmp(why.data ? why.data : "", "no index", 8) != 0)
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
	dirs_release(s);
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

/* Open everything again: the stub changed, a remote shard failed, or one
 * that was down may be back. */
static lec_status reopen_all(struct searcher *s, const char *failed)
{
	struct buf err;
	buf_init(&err, 64 * 1024);
	lec_status st = open_shards(s, failed, &err);
	buf_release(&err);
	return st;
}

lec_status searcher_reopen(struct searcher *s)
{
	struct stat now;
	stub_stat(s->index_dir, &now);
	if (now.st_ino != s->stub.st_ino || now.st_dev != s->stub.st_dev ||
	    now.st_size != s->stub.st_size || now.st_mtim.tv_sec != s->stub.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != s->stub.st_mtim.tv_nsec ||
	    (s->warnings && (s->retry_now || time(NULL) - s->opened >= (time_t)s->retry_after)) ||
	    dirs_changed(s))
		return reopen_all(s, NULL);
	lec_status st = xap_db_reopen(s->db);
	if (st == LEC_ENETWORK) {
		char *failed = strdup(xap_db_error(s->db));
		st = reopen_all(s, failed);
		free(failed);
		return st;
	}
	return st ? st : load_languages(s, s->db);
}

/* ---- releasing ---------------------------------------------------------- */

static void hit_release(struct search_hit *h)
{
	free(h->path);
	strv_free(h->headings, h->nheadings);
	free(h->snippet);
	free(h->highlights);
	free(h->title);
	free(h->date);
	strv_free(h->speakers, h->nspeakers);
	for (size_t i = 0; i < h->nocc; i++)
		free(h->occ[i].line_text);
	free(h->occ);
	strv_free(h->context, h->ncontext);
	memset(h, 0, sizeof(*h));
}

void search_result_release(struct search_result *res)
{
	for (size_t i = 0; i < res->nhits; i++)
		hit_release(&res->hits[i]);
	free(res->hits);
	free(res->relaxed_query);
	free(res->suggestion);
	free(res->explain);
	free(res->warnings);
	memset(res, 0, sizeof(*res));
}

/* ---- one search's state ------------------------------------------------- */

struct run {
	struct searcher *s;
	const struct search_req *req;
	struct search_result *res;
	struct buf *err;
	qp_ast *ast;            /* the query stemmed in english: explain, spelling */
	qp_ast *asts[MAX_LANGS]; /* asts[0] == ast; one per language of the index */
	match_query *mqs[MAX_LANGS];
	match_query *mq;        /* the current hit's language's */
	size_t nasts;
	struct match_text text;
	struct segmap map;
	/* the last file read, kept for the next hit in the same file */
	char *fpath, *fdata;    /* the file of the current hit: all of it, or a window */
	size_t flen;
	int fwhole;             /* fdata is the whole file; else only [wlo, flen) */
	size_t wstart, wend;    /* the passage the window was read for */
	lec_status fstatus;
	/* term frequencies best_hit asked Xapian for: the same few words come
	 * back in every hit */
	struct { char word[32]; size_t len; uint32_t tf; } tf[16];
	size_t ntf;
};

/* Xapian's term frequency of a word, through the run's small cache. */
static uint32_t termfreq(struct run *r, const char *word, size_t len)
{
	for (size_t i = 0; i < r->ntf; i++)
		if (r->tf[i].len == len && memcmp(r->tf[i].word, word, len) == 0)
			return r->tf[i].tf;
	uint32_t tf = 0;
	if (xap_db_termfreq(r->s->db, word, len, &tf))
		tf = UINT32_MAX - 1;
	if (len < sizeof(r->tf[0].word) && r->ntf < sizeof(r->tf) / sizeof(r->tf[0])) {
		memcpy(r->tf[r->ntf].word, word, len);
		r->tf[r->ntf].len = len;
		r->tf[r->ntf++].tf = tf;
	}
	return tf;
}

static void free_asts(struct run *r)
{
	for (size_t i = 0; i < r->nasts; i++) {
		match_query_free(r->mqs[i]);
		qp_free(r->asts[i]);
		r->mqs[i] = NULL;
		r->asts[i] = NULL;
	}
	r->nasts = 0;
	r->ast = NULL;
	r->mq = NULL;
}

static void drop_file(struct run *r);

static void run_release(struct run *r)
{
	free_asts(r);
	match_text_release(&r->text);
	segmap_release(&r->map);
	drop_file(r);
}

static void drop_file(struct run *r)
{
	free(r->fpath);
	free(r->fdata);
	r->fpath = r->fdata = NULL;
	r->flen = 0;
	r->fwhole = 0;
}

static lec_status load_file(struct run *r, const char *path)
{
	if (r->fpath && r->fwhole && strcmp(r->fpath, path) == 0)
		return r->fstatus;
	drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	r->fwhole = 1;
	r->fstatus = paths_read_file(path, LEC_MAX_NOTE_BYTES, &r->fdata, &r->flen);
	return r->fstatus;
}

/* Bytes read around a passage: enough to reach the start of its first line
 * and the end of its last one in all but very long lines. */
#define WINDOW_SLACK 4096

/* What a hit needs of its file: the lines of the passage [start, end), read
 * at their offsets (paths_read_window), instead of a whole note that may be
 * hundreds of kilobytes for one sentence. Lines longer than the slack, and
 * context lines, take the whole file. */
static lec_status load_window(struct run *r, const char *path, size_t start, size_t end)
{
	if (r->fpath && strcmp(r->fpath, path) == 0 &&
	    (r->fwhole || (r->wstart == start && r->wend == end)))
		return r->fstatus;
	if (r->req->context || start > end)
		return load_file(r, path);
	drop_file(r);
	r->fpath = strdup(path);
	if (!r->fpath)
		return LEC_ENOMEM;
	size_t lo = start > WINDOW_SLACK ? start - WINDOW_SLACK : 0;
	size_t hi = end + WINDOW_SLACK < end ? end : end + WINDOW_SLACK;
	uint64_t size = 0;
	r->fstatus = paths_read_window(path, LEC_MAX_NOTE_BYTES, lo, hi, &r->fdata, &r->flen,
				       &size);
	if (r->fstatus || end > r->flen)
		return r->fstatus;   /* a shorter file: stale, found again with the whole */
	int head = lo == 0 || memrchr(r->fdata + lo, '\n', start - lo) != NULL;
	int tail = r->flen == size || memchr(r->fdata + end, '\n', r->flen - end) != NULL;
	if (!head || !tail)
		return load_file(r, path);
	r->fwhole = lo == 0 && r->flen == size;
	r->wstart = start;
	r->wend = end;
	return LEC_OK;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Record fields into the hit (path, headings, title, date, speakers). */
static lec_status hit_from_record(struct search_hit *h, const struct record *rec)
{
	lec_status st = LEC_OK;
	h->path = dup_or_null(rec_get(rec, "path", NULL));
	h->title = dup_or_null(rec_get(rec, "title", NULL));
	h->date = dup_or_null(rec_get(rec, "date", NULL));
	if (!h->path)
		return LEC_ECORRUPT;
	for (size_t i = 0; i < rec->n && !st; i++) {
		const struct rec_field *f = &rec->fields[i];
		if (!strcmp(f->key, "h"))
			st = strv_push(&h->headings, &h->nheadings, f->val, f->vlen);
		else if (!strcmp(f->key, "speaker"))
			st = strv_push(&h->speakers, &h->nspeakers, f->val, f->vlen);
	}
	h->line = (uint32_t)rec_get_u64(rec, "line", 1);
	h->col = 1;
	return st;
}

/* ---- locating a hit in its passage --------------------------------------- */

/* A passage's words and the query's hits in them. */
struct located {
	struct match_hit *hits;
	size_t nhits;
	size_t pstart, pend;    /* passage byte range in the current file */
	uint32_t pline;         /* line of pstart */
};

static lec_status words_of(struct run *r, size_t start, size_t end, struct located *loc)
{
	match_text_clear(&r->text);
	lec_status st = segmap_words(&r->map, r->fdata + start, end - start, start,
				     match_text_add, &r->text);
	if (st == LEC_ESTOP)
		st = r->text.status ? r->text.status : LEC_ENOMEM;
	if (st)
		return st;
	free(loc->hits);
	loc->hits = NULL;
	loc->nhits = 0;
	return match_find(r->mq, r->text.words, r->text.n, &loc->hits, &loc->nhits);
}

static uint32_t line_of(const char *data, size_t from, uint32_t from_line, size_t off)
{
	uint32_t line = from_line;
	for (size_t i = from; i < off; i++)
		line += data[i] == '\n';
	return line;
}

static size_t line_start(const char *data, size_t off)
{
	while (off > 0 && data[off - 1] != '\n')
		off--;
	return off;
}

/* The file changed since indexing: find the passage again by parsing the
 * current file, as the indexer would, and matching each passage. */
static lec_status relocate(struct run *r, const char *path, struct located *loc, int *found)
{
	struct note n;
	struct passage *ps = NULL;
	size_t np = 0;
	*found = 0;
	lec_status st = note_parse(path, r->fdata, r->flen, note_format_for_path(path), &n);
	if (st)
		return st;
	st = passages_build(&n, &ps, &np);
	for (size_t i = 0; !st && i < np && !*found; i++) {
		segmap_clear(&r->map);
		st = docbuild_passage_segmap(&n, &ps[i], &r->map, NULL, NULL);
		if (!st)
			st = words_of(r, ps[i].start, ps[i].end, loc);
		if (!st && loc->nhits) {
			*found = 1;
			loc->pstart = ps[i].start;
			loc->pend = ps[i].end;
			loc->pline = ps[i].line;
		}
	}
	passages_free(ps, np);
	note_release(&n);
	return st;
}

/* Find the passage's words and hits in the current file; *stale 1 when the
 * file changed and the place is gone, 2 when there is no such file here. */
static lec_status locate(struct run *r, const struct record *rec, struct located *loc,
			 int *stale)
{
	const char *path = rec_get(rec, "path", NULL);
	size_t start = (size_t)rec_get_u64(rec, "start", 0), end = (size_t)rec_get_u64(rec, "end", 0);
	size_t slen = 0;
	const char *segs = rec_get(rec, "segs", &slen);
	const char *hash = rec_get(rec, "hash", NULL);
	*stale = 0;
	lec_status st = load_window(r, path, start, end);
	if (st == LEC_ENOMEM)
		return st;
	if (st) {
		*stale = st == LEC_ENOTFOUND ? 2 : 1;
		return LEC_OK;
	}
	char want[20];
	if (end <= r->flen && start <= end)
		snprintf(want, sizeof(want), "%016" PRIx64,
			 (uint64_t)XXH3_64bits(r->fdata + start, end - start));
	if (end <= r->flen && start <= end && hash && !strcmp(want, hash) && segs) {
		if ((st = segmap_decode(&r->map, segs, slen)))
			return st;
		loc->pstart = start;
		loc->pend = end;
		loc->pline = (uint32_t)rec_get_u64(rec, "line", 1);
		return words_of(r, start, end, loc);
	}
	int found;
	if ((st = load_file(r, path)) == LEC_ENOMEM)
		return st;
	if (st) {
		*stale = st == LEC_ENOTFOUND ? 2 : 1;
		return LEC_OK;
	}
	st = relocate(r, path, loc, &found);
	*stale = !found;
	return st;
}

/* ---- occurrences and context --------------------------------------------- */

static lec_status add_occurrence(struct run *r, struct search_hit *h, const struct located *loc,
				 size_t first, size_t last)
{
	const struct seg_word *a = &r->text.words[first], *b = &r->text.words[last];
	struct search_occurrence *no = realloc(h->occ, (h->nocc + 1) * sizeof(*no));
	if (!no)
		return LEC_ENOMEM;
	h->occ = no;
	struct search_occurrence *o = &h->occ[h->nocc];
	size_t ls = line_start(r->fdata, a->off);
	size_t le = ls;
	while (le < r->flen && r->fdata[le] != '\n')
		le++;
	o->line = line_of(r->fdata, loc->pstart, loc->pline, a->off);
	o->col = (uint32_t)(a->off - ls + 1);
	o->off = a->off;
	o->len = b->off + b->srclen - a->off;
	if (o->off + o->len > le)
		o->len = le - o->off;
	o->line_text = strndup(r->fdata + ls, le - ls > 4096 ? 4096 : le - ls);
	if (!o->line_text)
		return LEC_ENOMEM;
	h->nocc++;
	return LEC_OK;
}

static lec_status collect_occurrences(struct run *r, struct search_hit *h,
				      const struct located *loc)
{
	size_t *starts = NULL, n = 0;
	lec_status st = match_phrase_occurrences(r->mq, r->text.words, r->text.n, &starts, &n);
	if (st == LEC_OK) {
		/* a single phrase (or word): every start, with the phrase's length */
		const struct qp_node *root = qp_root(r->ast);
		size_t len = 1;
		if (root->kind == QP_PHRASE)
			len = root->nwords;
		else if (root->kind == QP_AND)
			for (size_t i = 0; i < root->nkids; i++)
				if (root->kids[i]->kind == QP_PHRASE)
					len = root->kids[i]->nwords;
		for (size_t i = 0; i < n && !st; i++) {
			size_t last = starts[i] + len - 1;
			if (last >= r->text.n)
				last = starts[i];
			st = add_occurrence(r, h, loc, starts[i], last);
		}
		free(starts);
		return st;
	}
	if (st != LEC_EINVAL)
		return st;
	for (size_t i = 0; i < loc->nhits; i++)
		if ((st = add_occurrence(r, h, loc, loc->hits[i].first, loc->hits[i].last)))
			return st;
	return LEC_OK;
}

static lec_status add_context(struct run *r, struct search_hit *h, uint32_t n, size_t off)
{
	size_t ls = line_start(r->fdata, off);
	size_t from = ls;
	for (uint32_t i = 0; i < n && from > 0; i++)
		from = line_start(r->fdata, from - 1);
	h->ctx_first = h->line - line_of(r->fdata, from, 0, ls);
	size_t at = from;
	for (uint32_t i = 0; i < 2 * n + 1 && at <= r->flen; i++) {
		size_t e = at;
		while (e < r->flen && r->fdata[e] != '\n')
			e++;
		if (at == r->flen && i > 0)
			break;
		if (strv_push(&h->context, &h->ncontext, r->fdata + at, e - at))
			return LEC_ENOMEM;
		at = e + 1;
		if (e >= r->flen)
			break;
	}
	return LEC_OK;
}

/* ---- one hit ------------------------------------------------------------ */

static lec_status use_language(struct run *r, const char *lang);

/* The hit to show: the first phrase hit, else the first hit of the rarest
 * matched word (the one BM25 weighs most), so that `cattle pets` shows the
 * cattle, not the first "not". */
static size_t best_hit(struct run *r, const struct located *loc)
{
	size_t best = 0;
	uint32_t best_tf = UINT32_MAX;
	for (size_t i = 0; i < loc->nhits; i++) {
		const struct seg_word *w = &r->text.words[loc->hits[i].first];
		if (loc->hits[i].kind == MATCH_PHRASE)
			return i;
		uint32_t tf = termfreq(r, w->word, w->len);
		if (tf < best_tf) {
			best_tf = tf;
			best = i;
		}
	}
	return best;
}

static lec_status fill_hit(struct run *r, struct search_hit *h, const char *data, size_t dlen)
{
	struct record rec;
	struct located loc = { 0 };
	int stale = 0;
	lec_status st = rec_parse(data, dlen, &rec);
	if (st)
		return st;
	if (!(st = hit_from_record(h, &rec)) && !(st = use_language(r, rec_get(&rec, "lang", NULL))))
		st = locate(r, &rec, &loc, &stale);
	h->stale = stale != 0;
	h->missing = stale == 2;
	if (!st && !stale) {
		size_t best = best_hit(r, &loc);
		size_t off = loc.nhits ? r->text.words[loc.hits[best].first].off
			   : r->text.n ? r->text.words[0].off : loc.pstart;
		h->line = line_of(r->fdata, loc.pstart, loc.pline, off);
		h->col = (uint32_t)(off - line_start(r->fdata, off) + 1);
		st = snippet_make(r->fdata, r->flen, &r->map, loc.pstart, r->text.words, r->text.n,
				  loc.hits, loc.nhits, best, &h->snippet, &h->highlights,
				  &h->nhighlights);
		if (!st && r->req->occurrences)
			st = collect_occurrences(r, h, &loc);
		if (!st && r->req->context)
			st = add_context(r, h, r->req->context, off);
	}
	free(loc.hits);
	rec_release(&rec);
	return st;
}

/* ---- running the query --------------------------------------------------- */

/* The query in every language: (q_en FILTER Lenglish) OR (q_fr FILTER
 * Lfrench) ...; a single-language index needs no filter. */
static xap_query *build_query(struct run *r, lec_status *rc)
{
	if (r->nasts == 1)
		return qp_to_xapian(r->asts[0], r->s->db, rc);
	xap_query *parts[MAX_LANGS] = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < r->nasts && !*rc; i++) {
		const char *lang = stemmer_language(r->s->st[i]);
		char term[64];
		snprintf(term, sizeof(term), "%s%s", LEC_PFX_LANG, lang);
		xap_query *q = qp_to_xapian(r->asts[i], r->s->db, rc);
		xap_query *f = xap_query_term(rc, term, strlen(term), 0);
		xap_query *pair[2] = { q, f };
		parts[n] = xap_query_combine(rc, XAP_OP_FILTER, pair, 2);
		if (parts[n])
			n++;
		xap_query_free(q);
		xap_query_free(f);
	}
	xap_query *all = xap_query_combine(rc, XAP_OP_OR, parts, n);
	for (size_t i = 0; i < n; i++)
		xap_query_free(parts[i]);
	return all;
}

static lec_status run_mset(struct run *r, const qp_ast *ast, xap_mset **out)
{
	lec_status rc = LEC_OK;
	uint32_t docs = 0;
	(void)ast;
	xap_query *q = build_query(r, &rc);
	if (rc)
		return rc;
	struct xap_search_opts o;
	xap_search_opts_init(&o);
	if ((rc = xap_db_doccount(r->s->db, &docs))) {
		xap_query_free(q);
		return rc;
	}
	const struct search_req *req = r->req;
	o.offset = req->offset;
	o.limit = req->all || (req->occurrences && req->sort_by_place) ? docs : req->limit;
	if (req->count_only)
		o.limit = 0;
	if (req->all || req->count_only)
		o.check_at_least = docs;
	if (req->files)
		o.collapse_slot = LEC_SLOT_FILE;
	rc = xap_db_search(r->s->db, q, &o, out);
	xap_query_free(q);
	return rc;
}

/* "Did you mean": the query text with each word absent from the index
 * replaced by Xapian's spelling suggestion. */
struct spell_ctx {
	struct run *r;
	struct buf out;
	size_t copied;
	int changed;
};

static int on_query_word(void *vctx, const struct qp_word *w)
{
	struct spell_ctx *c = vctx;
	xap_db *db = c->r->s->db;
	char stem_term[LEC_MAX_TERM_BYTES + 2];
	int exists = 0, sexists = 0;
	if (w->len < 3 || w->stem_len + 1 > LEC_MAX_TERM_BYTES)
		return 0;
	snprintf(stem_term, sizeof(stem_term), "%s%s", LEC_PFX_STEM, w->stem);
	if (xap_db_term_exists(db, w->word, w->len, &exists) || exists)
		return 0;
	if (xap_db_term_exists(db, stem_term, strlen(stem_term), &sexists) || sexists)
		return 0;
	char *sugg = NULL;
	if (xap_db_spelling_suggest(db, w->word, w->len, 2, &sugg) == LEC_OK && sugg && *sugg) {
		buf_put(&c->out, c->r->req->query + c->copied, w->off - c->copied);
		buf_puts(&c->out, sugg);
		c->copied = w->off + w->srclen;
		c->changed = 1;
	}
	free(sugg);
	return 0;
}

static lec_status suggest(struct run *r, const qp_ast *ast, char **out)
{
	struct spell_ctx c = { .r = r };
	*out = NULL;
	buf_init(&c.out, LEC_MAX_QUERY_BYTES * 2);
	lec_status st = qp_words(ast, on_query_word, &c);
	if (st == LEC_ESTOP)
		st = LEC_OK;
	if (!st && c.changed) {
		buf_put(&c.out, r->req->query + c.copied, r->req->query_len - c.copied);
		*out = buf_detach(&c.out);
		if (!*out)
			st = LEC_ENOMEM;
	}
	buf_release(&c.out);
	return st;
}

/* Parse text once per language of the index into r->asts. */
static lec_status parse(struct run *r, const char *text, size_t len)
{
	free_asts(r);
	for (size_t i = 0; i < r->s->nlangs; i++) {
		struct qp_error qerr = { 0 };
		lec_status st = qp_parse(text, len, r->req->qflags, r->s->st[i], &r->asts[i], &qerr);
		if (st) {
			buf_printf(r->err, "%s", qerr.msg[0] ? qerr.msg : lec_status_str(st));
			return st;
		}
		r->nasts++;
	}
	r->ast = r->asts[0];
	return LEC_OK;
}

/* Loosen every language's query; LEC_OK with *relaxed 0 when the first
 * cannot be loosened. */
static lec_status relax_all(struct run *r, int *relaxed)
{
	qp_ast *loose[MAX_LANGS] = { 0 };
	*relaxed = 0;
	for (size_t i = 0; i < r->nasts; i++) {
		lec_status st = qp_relax(r->asts[i], &loose[i]);
		if (st || !loose[i]) {
			for (size_t k = 0; k <= i; k++)
				qp_free(loose[k]);
			return st;
		}
	}
	size_t n = r->nasts;
	free_asts(r);
	for (size_t i = 0; i < n; i++)
		r->asts[i] = loose[i];
	r->nasts = n;
	r->ast = r->asts[0];
	*relaxed = 1;
	return LEC_OK;
}

/* The match query for a hit's language (created on first use). */
static lec_status use_language(struct run *r, const char *lang)
{
	size_t l = 0;
	for (size_t i = 0; lang && i < r->nasts; i++)
		if (strcmp(stemmer_language(r->s->st[i]), lang) == 0)
			l = i;
	if (!r->mqs[l]) {
		lec_status st = match_query_new(r->asts[l], r->s->st[l], &r->mqs[l]);
		if (st)
			return st;
	}
	r->mq = r->mqs[l];
	return LEC_OK;
}

static int cmp_place(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line ? 1 : (x->col > y->col) - (x->col < y->col);
}

static lec_status collect_hits(struct run *r, xap_mset *m)
{
	uint32_t n = xap_mset_size(m);
	struct search_result *res = r->res;
	if (n == 0)
		return LEC_OK;
	res->hits = calloc(n, sizeof(*res->hits));
	if (!res->hits)
		return LEC_ENOMEM;
	lec_status st = LEC_OK;
	for (uint32_t i = 0; i < n && !st; i++) {
		char *data;
		size_t dlen;
		struct search_hit *h = &res->hits[res->nhits++];
		h->score = xap_mset_weight(m, i);
		if (r->req->files)
			h->file_matches = xap_mset_collapse_count(m, i) + 1;
		st = xap_mset_data(m, i, &data, &dlen);
		if (!st) {
			st = fill_hit(r, h, data, dlen);
			free(data);
		}
	}
	if (!st && r->req->sort_by_place)
		qsort(res->hits, res->nhits, sizeof(*res->hits), cmp_place);
	return st;
}

static lec_status search_once(struct run *r)
{
	const struct search_req *req = r->req;
	struct search_result *res = r->res;
	xap_mset *m = NULL;
	lec_status st = parse(r, req->query, req->query_len);
	if (st)
		return st;
	if (qp_is_empty(r->ast)) {
		buf_printf(r->err, "nothing to search for: the query has no words");
		return LEC_ESYNTAX;
	}
	if ((st = run_mset(r, r->ast, &m)))
		return st;
	/* "Did you mean" only when the query as written finds nothing: a word
	 * can be absent in one spelling and its stem present in another
	 * language, and then there is nothing to correct. */
	if (xap_mset_estimated(m) == 0) {
		if ((st = suggest(r, r->ast, &res->suggestion)))
			goto out;
		if (req->fix && res->suggestion) {
			if ((st = parse(r, res->suggestion, strlen(res->suggestion))))
				goto out;
			res->fixed = 1;
			xap_mset_free(m);
			m = NULL;
			if ((st = run_mset(r, r->ast, &m)))
				goto out;
		}
	}
	if (req->explain && !(res->explain = qp_explain(r->ast))) {
		st = LEC_ENOMEM;
		goto out;
	}
	/* The looser query is for a person reading ranked results; a listing of
	 * every occurrence or a count must answer the query as written. */
	if (xap_mset_size(m) == 0 && xap_mset_estimated(m) == 0 && !req->offset && !req->all &&
	    !req->occurrences && !req->count_only) {
		int relaxed = 0;
		if ((st = relax_all(r, &relaxed)))
			goto out;
		if (relaxed) {
			xap_mset_free(m);
			m = NULL;
			res->relaxed = 1;
			res->relaxed_query = qp_explain(r->ast);
			if ((st = run_mset(r, r->ast, &m)))
				goto out;
		}
	}
	res->total = xap_mset_estimated(m);
	res->total_exact = req->all || req->count_only ||
			   xap_mset_lower_bound(m) == xap_mset_upper_bound(m);
	if (!req->count_only)
		st = collect_hits(r, m);
out:
	xap_mset_free(m);
	return st;
}

lec_status search_run(struct searcher *s, const struct search_req *req,
		      struct search_result *res, struct buf *err)
{
	lec_status st = LEC_OK;
	memset(res, 0, sizeof(*res));
	if (req->query_len > LEC_MAX_QUERY_BYTES) {
		buf_printf(err, "query too long: %zu bytes, the limit is %u (LEC_MAX_QUERY_BYTES)",
			   req->query_len, (unsigned)LEC_MAX_QUERY_BYTES);
		return LEC_ELIMIT;
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		struct run r = { .s = s, .req = req, .res = res, .err = err };
		match_text_init(&r.text);
		segmap_init(&r.map);
		st = search_once(&r);
		run_release(&r);
		/* a first index swapped its compacted copy in while we searched:
		 * whatever that did to this search, the new one is complete */
		int replaced = st && st != LEC_EMODIFIED && st != LEC_ENETWORK && dirs_changed(s);
		if (st != LEC_EMODIFIED && st != LEC_ENETWORK && !replaced)
			break;
		/* the index was committed under us: start again on the new
		 * revision; a remote shard failed: start again without it */
		search_result_release(res);
		buf_reset(err);
		if (st == LEC_ENETWORK) {
			char *failed = strdup(xap_db_error(s->db));
			st = reopen_all(s, failed);
			free(failed);
		} else if (replaced) {
			st = reopen_all(s, NULL);
		} else {
			st = searcher_reopen(s);
		}
		if (st)
			break;
	}
	if (!st && s->warnings && !(res->warnings = strdup(s->warnings)))
		st = LEC_ENOMEM;
	if (st && !err->len)
		buf_printf(err, "%s: %s", lec_status_str(st), xap_db_error(s->db));
	return st;
}
