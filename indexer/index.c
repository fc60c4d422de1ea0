/* index.c - one indexing run: walk, compare, (re)index, remove, commit. */
#include "index.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "docbuild.h"
#include "hmap.h"
#include "layout.h"
#include "note.h"
#include "limits.h"
#include "paths.h"
#include "stem.h"
#include "walk.h"
#include "xap.h"

/* What the index knows of a file: its "f:" metadata record. */
struct known_file {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t hash;
	uint32_t passages;
	int seen;               /* found by this run's walk (or kept on purpose) */
};

/* A file found by the walk. */
struct found_file {
	char *path;
	uint64_t size;
	int64_t mtime_ns;
};

struct run {
	const struct idx_opts *opts;
	const struct idx_hooks *hooks;
	struct idx_stats *stats;
	struct buf *err;
	xap_db *db;
	struct hmap known;      /* path -> struct known_file* */
	char **roots;           /* absolute roots, as remembered */
	size_t nroots;
	struct hmap root_lang;  /* root -> malloc'd stemming language (absent: default) */
	char **relang;          /* roots whose language changed: their notes are redone */
	size_t nrelang;
	struct hmap languages;  /* stemming languages of the notes in the index */
	int languages_changed;
	char **scopes;          /* what this run walks */
	size_t nscopes;
	char **forgotten;       /* dropped roots: their notes are removed, not walked */
	size_t nforgotten;
	char **failed_dirs;     /* walk problems under which nothing is removed */
	size_t nfailed;
	struct found_file *found;
	size_t nfound, capfound;
	struct docbuild build;
	int in_tx;
	uint64_t tx_bytes, tx_files;
	unsigned ncommits;
	int wrote;              /* something changed: commit and stamp */
	struct timespec t0;
	const char *cur_path;
	struct hmap people;     /* directory -> struct dir_people* */
};

/* Names of the people a directory's notes name, by initials; kept in the
 * index as metadata "p:" + directory so that an incremental run knows them. */
struct dir_people {
	struct hmap names;      /* initials -> malloc'd name */
	int dirty;
};

#define META_PEOPLE_PREFIX "p:"

static double elapsed(const struct run *r)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - r->t0.tv_sec) + (double)(t.tv_nsec - r->t0.tv_nsec) / 1e9;
}

static void warn(struct run *r, const char *path, const char *msg)
{
	r->stats->warnings++;
	if (r->hooks && r->hooks->warn)
		r->hooks->warn(r->hooks->ctx, path, msg);
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

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return 1;
	return strncmp(path, dir, n) == 0 && (path[n] == 0 || path[n] == '/');
}

static lec_status strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));
	if (!nv)
		return LEC_ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return LEC_ENOMEM;
	(*n)++;
	return LEC_OK;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- roots -------------------------------------------------------------- */

static lec_status set_root_lang(struct run *r, const char *root, const char *lang)
{
	struct hmap_entry *e;
	if (hmap_put(&r->root_lang, root, strlen(root), &e, NULL))
		return LEC_ENOMEM;
	free(e->value);
	e->value = lang ? strdup(lang) : NULL;
	return lang && !e->value ? LEC_ENOMEM : LEC_OK;
}

static const char *root_lang_of(const struct run *r, const char *root)
{
	struct hmap_entry *e = hmap_get(&r->root_lang, root, strlen(root));
	return e ? e->value : NULL;
}

/* The stemming language of the root holding path (the longest match). */
static const char *lang_for_path(const struct run *r, const char *path)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < r->nroots; i++) {
		size_t n = strlen(r->roots[i]);
		if (under(path, r->roots[i]) && n >= best_len && root_lang_of(r, r->roots[i])) {
			best = root_lang_of(r, r->roots[i]);
			best_len = n;
		}
	}
	return best;
}

/* Roots are lines of "path" or "path<TAB>language". */
static lec_status load_roots(struct run *r)
{
	char *val;
	size_t len;
	lec_status st = xap_db_get_metadata(r->db, LEC_META_ROOTS, strlen(LEC_META_ROOTS), &val, &len);
	if (st)
		return st;
	for (char *p = val, *nl; p < val + len && !st; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(val + len - p));
		if (!nl)
			nl = val + len;
		*nl = 0;
		char *tab = strchr(p, '\t');
		if (tab)
			*tab = 0;
		if (*p && !(st = strv_push(&r->roots, &r->nroots, p)) && tab && tab[1])
			st = set_root_lang(r, p, tab + 1);
	}
	free(val);
	return st;
}

static lec_status save_roots(struct run *r)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < r->nroots; i++) {
		const char *lang = root_lang_of(r, r->roots[i]);
		buf_puts(&b, r->roots[i]);
		if (lang)
			buf_printf(&b, "\t%s", lang);
		buf_putc(&b, '\n');
	}
	if (b.status)
		return LEC_ENOMEM;
	lec_status st = xap_db_set_metadata(r->db, LEC_META_ROOTS, strlen(LEC_META_ROOTS),
					    b.data ? b.data : "", b.len);
	buf_release(&b);
	return st;
}

/* --lang LANG applies to the roots named on the command line; a root whose
 * language changes has its notes indexed again. */
static lec_status apply_lang(struct run *r, char *const *paths, size_t npaths, int *roots_changed)
{
	const char *lang = r->opts->language;
	if (!lang)
		return LEC_OK;
	if (!stemmer_known(lang)) {
		buf_printf(r->err, "--lang %s: not a Snowball language (e.g. english, french, de)", lang);
		return LEC_EINVAL;
	}
	if (npaths == 0) {
		buf_printf(r->err, "--lang applies to the roots given with it: "
			   "lectern index --lang %s DIR", lang);
		return LEC_EINVAL;
	}
	/* remember the canonical name ("fr" -> "french") */
	stemmer *canon;
	if (stemmer_new(lang, &canon))
		return LEC_ENOMEM;
	char name[64];
	snprintf(name, sizeof(name), "%s", stemmer_language(canon));
	stemmer_free(canon);
	lang = name;
	for (size_t i = 0; i < npaths; i++) {
		int is_root = 0;
		for (size_t k = 0; k < r->nroots; k++)
			is_root |= strcmp(r->roots[k], paths[i]) == 0;
		if (!is_root) {
			buf_printf(r->err, "--lang applies to roots, and %s is inside a root", paths[i]);
			return LEC_EINVAL;
		}
		const char *old = root_lang_of(r, paths[i]);
		if (old && strcmp(old, lang) == 0)
			continue;
		lec_status st = set_root_lang(r, paths[i], lang);
		if (!st)
			st = strv_push(&r->relang, &r->nrelang, paths[i]);
		if (st)
			return st;
		*roots_changed = 1;
	}
	return LEC_OK;
}

static int relang(const struct run *r, const char *path)
{
	for (size_t i = 0; i < r->nrelang; i++)
		if (under(path, r->relang[i]))
			return 1;
	return 0;
}

/* ---- languages of the notes ---------------------------------------------- */

static lec_status load_languages(struct run *r)
{
	char *val;
	size_t len;
	lec_status st = xap_db_get_metadata(r->db, LEC_META_LANGUAGES, strlen(LEC_META_LANGUAGES),
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
	if (lang && hmap_put(&r->languages, lang, strlen(lang), &e, &created) == LEC_OK && created)
		r->languages_changed = 1;
}

static lec_status save_languages(struct run *r)
{
	if (!r->languages_changed)
		return LEC_OK;
	struct buf b;
	buf_init(&b, 0);
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->languages, &it, &e)) {
		buf_puts(&b, e->key);
		buf_putc(&b, '\n');
	}
	lec_status st = b.status ? LEC_ENOMEM
		: xap_db_set_metadata(r->db, LEC_META_LANGUAGES, strlen(LEC_META_LANGUAGES),
				      b.data ? b.data : "", b.len);
	buf_release(&b);
	if (!st)
		r->languages_changed = 0;
	return st;
}

/* Decide what this run walks, adding new roots. */
static lec_status plan_scopes(struct run *r, char *const *paths, size_t npaths, int *roots_changed)
{
	lec_status st = LEC_OK;
	*roots_changed = 0;
	if (npaths == 0) {
		for (size_t i = 0; i < r->nroots && !st; i++)
			st = strv_push(&r->scopes, &r->nscopes, r->roots[i]);
		return st;
	}
	for (size_t i = 0; i < npaths && !st; i++) {
		struct stat sb;
		if (stat(paths[i], &sb) != 0) {
			buf_printf(r->err, "%s: %s", paths[i], strerror(errno));
			return LEC_ENOTFOUND;
		}
		int inside = 0;
		for (size_t k = 0; k < r->nroots; k++)
			inside |= under(paths[i], r->roots[k]);
		if (!inside) {
			/* a new root; roots it contains are folded into it */
			size_t w = 0;
			for (size_t k = 0; k < r->nroots; k++) {
				if (under(r->roots[k], paths[i]))
					free(r->roots[k]);
				else
					r->roots[w++] = r->roots[k];
			}
			r->nroots = w;
			st = strv_push(&r->roots, &r->nroots, paths[i]);
			*roots_changed = 1;
		}
		if (!st)
			st = strv_push(&r->scopes, &r->nscopes, paths[i]);
	}
	return st;
}

/* Drop forgotten roots: their notes are removed like vanished files. */
static lec_status forget_roots(struct run *r, int *roots_changed)
{
	for (size_t i = 0; i < r->opts->nforget; i++) {
		const char *f = r->opts->forget[i];
		size_t w = 0, before = r->nroots;
		for (size_t k = 0; k < r->nroots; k++) {
			if (strcmp(r->roots[k], f) == 0)
				free(r->roots[k]);
			else
				r->roots[w++] = r->roots[k];
		}
		r->nroots = w;
		if (w == before) {
			buf_printf(r->err, "%s: not a root of this index", f);
			return LEC_ENOTFOUND;
		}
		*roots_changed = 1;
		lec_status st = strv_push(&r->forgotten, &r->nforgotten, f);
		if (st)
			return st;
	}
	return LEC_OK;
}

/* ---- known files -------------------------------------------------------- */

/* The metadata key of a per-path record: prefix + path, or, when that would
 * pass Xapian's key limit, prefix + "#" + a 128-bit hash of the path (the
 * record then carries the path after a TAB). Returns the key's length. */
static size_t meta_key(const char *prefix, const char *path, size_t plen, char *key)
{
	size_t pfl = strlen(prefix);
	if (pfl + plen <= LEC_MAX_META_KEY_BYTES) {
		memcpy(key, prefix, pfl);
		memcpy(key + pfl, path, plen);
		return pfl + plen;
	}
	XXH128_hash_t h = XXH3_128bits(path, plen);
	return (size_t)sprintf(key, "%s#%016" PRIx64 "%016" PRIx64, prefix, (uint64_t)h.high64,
			       (uint64_t)h.low64);
}

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
	unsigned long long size, hash;
	long long mtime;
	unsigned passages;
	if (sscanf(rec, "%llu %lld %llx %u", &size, &mtime, &hash, &passages) != 4)
		return 0;
	struct known_file *k = calloc(1, sizeof(*k));
	if (!k)
		return 1;
	k->size = size;
	k->mtime_ns = mtime;
	k->hash = hash;
	k->passages = passages;
	struct hmap_entry *e;
	if (hmap_put(&r->known, path, path_len, &e, NULL)) {
		free(k);
		return 1;
	}
	free(e->value);
	e->value = k;
	return 0;
}

static lec_status load_known(struct run *r)
{
	lec_status st = xap_db_metadata_each(r->db, LEC_META_FILE_PREFIX,
					     strlen(LEC_META_FILE_PREFIX), on_known, r);
	return st == LEC_ESTOP ? LEC_ENOMEM : st;
}

static lec_status set_known(struct run *r, const char *path, uint64_t size, int64_t mtime,
			    uint64_t hash, uint32_t passages)
{
	char key[LEC_MAX_META_KEY_BYTES + 8];
	size_t plen = strlen(path);
	size_t kl = meta_key(LEC_META_FILE_PREFIX, path, plen, key);
	struct buf val;
	buf_init(&val, 0);
	buf_printf(&val, "%" PRIu64 " %" PRId64 " %016" PRIx64 " %" PRIu32, size, mtime, hash,
		   passages);
	if (kl != strlen(LEC_META_FILE_PREFIX) + plen) {
		buf_putc(&val, '\t');
		buf_put(&val, path, plen);
	}
	lec_status st = val.status ? val.status : xap_db_set_metadata(r->db, key, kl, val.data, val.len);
	buf_release(&val);
	return st;
}

static lec_status drop_known(struct run *r, const char *path)
{
	char key[LEC_MAX_META_KEY_BYTES + 8];
	char term[20];
	size_t kl = meta_key(LEC_META_FILE_PREFIX, path, strlen(path), key);
	docbuild_file_term(path, term);
	lec_status st = xap_db_delete_documents_by_term(r->db, term, strlen(term));
	if (!st)
		st = xap_db_set_metadata(r->db, key, kl, "", 0);
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
		strv_push(&r->failed_dirs, &r->nfailed, path);
}

static lec_status walk_scopes(struct run *r)
{
	for (size_t i = 0; i < r->nscopes; i++) {
		struct stat sb;
		if (stat(r->scopes[i], &sb) != 0) {
			warn(r, r->scopes[i], "root is missing; its notes are kept (use --forget)");
			strv_push(&r->failed_dirs, &r->nfailed, r->scopes[i]);
			continue;
		}
		lec_status st = walk_root(r->scopes[i], on_found, on_walk_warn, r);
		if (st == LEC_ESTOP)
			return LEC_ENOMEM;
		if (st && st != LEC_ENOTFOUND) {
			warn(r, r->scopes[i], lec_status_str(st));
			strv_push(&r->failed_dirs, &r->nfailed, r->scopes[i]);
		}
	}
	return LEC_OK;
}

/* ---- people of a directory ---------------------------------------------- */

static void parse_people(struct dir_people *dp, char *val, size_t len)
{
	for (char *p = val, *nl; p < val + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(val + len - p));
		if (!nl)
			nl = val + len;
		*nl = 0;
		char *tab = strchr(p, '\t');
		struct hmap_entry *e;
		int created;
		if (!tab || hmap_put(&dp->names, p, (size_t)(tab - p), &e, &created) || !created)
			continue;
		e->value = strdup(tab + 1);
	}
}

static struct dir_people *dir_people_get(struct run *r, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	struct hmap_entry *e;
	int created;
	if (hmap_put(&r->people, path, dlen, &e, &created))
		return NULL;
	if (!created)
		return e->value;
	struct dir_people *dp = calloc(1, sizeof(*dp));
	if (!dp)
		return NULL;
	hmap_init(&dp->names);
	e->value = dp;
	char key[LEC_MAX_META_KEY_BYTES + 8], *val = NULL;
	size_t vlen = 0;
	size_t kl = meta_key(META_PEOPLE_PREFIX, path, dlen, key);
	if (xap_db_get_metadata(r->db, key, kl, &val, &vlen) == LEC_OK)
		parse_people(dp, val, vlen);
	free(val);
	return dp;
}

static const char *people_resolve(void *ctx, const char *path, const char *initials)
{
	struct dir_people *dp = dir_people_get(ctx, path);
	struct hmap_entry *e = dp ? hmap_get(&dp->names, initials, strlen(initials)) : NULL;
	return e ? e->value : NULL;
}

static void people_learn(void *ctx, const char *path, const struct note *n)
{
	struct run *r = ctx;
	struct dir_people *dp = dir_people_get(r, path);
	for (size_t i = 0; dp && i < n->npeople; i++) {
		const struct note_person *p = &n->people[i];
		struct hmap_entry *e;
		int created;
		if (!p->name || !p->initials || strchr(p->name, '\n') || strchr(p->name, '\t'))
			continue;
		if (hmap_put(&dp->names, p->initials, strlen(p->initials), &e, &created) || !created)
			continue;
		e->value = strdup(p->name);
		dp->dirty = 1;
	}
}

/* Write the directories' tables that gained names (inside the transaction). */
static lec_status people_save(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->people, &it, &e)) {
		struct dir_people *dp = e->value;
		if (!dp || !dp->dirty)
			continue;
		struct buf b;
		char key[LEC_MAX_META_KEY_BYTES + 8];
		buf_init(&b, 0);
		size_t jt = 0;
		struct hmap_entry *n;
		while (hmap_next(&dp->names, &jt, &n))
			if (n->value)
				buf_printf(&b, "%s\t%s\n", n->key, (char *)n->value);
		size_t kl = meta_key(META_PEOPLE_PREFIX, e->key, e->klen, key);
		lec_status st = b.status ? LEC_ENOMEM
			: xap_db_set_metadata(r->db, key, kl, b.data ? b.data : "", b.len);
		buf_release(&b);
		if (st)
			return st;
		dp->dirty = 0;
	}
	return LEC_OK;
}

static void people_release(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->people, &it, &e)) {
		struct dir_people *dp = e->value;
		if (!dp)
			continue;
		size_t jt = 0;
		struct hmap_entry *n;
		while (hmap_next(&dp->names, &jt, &n))
			free(n->value);
		hmap_release(&dp->names);
		free(dp);
	}
	hmap_release(&r->people);
}

/* ---- writing ------------------------------------------------------------ */

static lec_status tx_begin(struct run *r)
{
	if (r->in_tx || r->opts->check_only)
		return LEC_OK;
	lec_status st = xap_db_begin_transaction(r->db);
	if (!st) {
		r->in_tx = 1;
		r->tx_bytes = r->tx_files = 0;
	}
	return st;
}

static lec_status tx_commit(struct run *r)
{
	if (!r->in_tx)
		return LEC_OK;
	lec_status st = docbuild_flush_spelling(&r->build, r->db);
	if (!st)
		st = people_save(r);
	if (!st)
		st = save_languages(r);
	if (!st)
		st = xap_db_commit_transaction(r->db);
	r->in_tx = 0;
	r->ncommits++;
	return st;
}

static lec_status add_doc(void *ctx, xap_doc *doc)
{
	struct run *r = ctx;
	return xap_db_add_document(r->db, doc, NULL);
}

static void on_note_warning(void *ctx, const char *message)
{
	struct run *r = ctx;
	warn(r, r->cur_path, message);
}

/* Re-index one file whose content changed (or is new). */
static lec_status reindex_file(struct run *r, const struct found_file *f, const char *data,
			       size_t len, uint64_t hash, int was_known)
{
	char term[20];
	uint32_t passages = 0;
	lec_status st = tx_begin(r);
	if (!st && was_known) {
		docbuild_file_term(f->path, term);
		st = xap_db_delete_documents_by_term(r->db, term, strlen(term));
	}
	r->cur_path = f->path;
	const char *used = NULL;
	if (!st)
		st = docbuild_file(&r->build, f->path, data, len, lang_for_path(r, f->path),
				   add_doc, on_note_warning, r, &passages, &used);
	note_language(r, used);
	if (!st)
		st = set_known(r, f->path, f->size, f->mtime_ns, hash, passages);
	if (st)
		return st;
	r->stats->passages += passages;
	r->stats->bytes += len;
	r->tx_bytes += len;
	r->tx_files++;
	r->wrote = 1;
	/* Batches grow from 1 MiB to LEC_BATCH_BYTES, so that the first notes of
	 * a long first run are searchable (and survive a kill) within a second
	 * or so, while later batches stay large for speed. */
	uint64_t limit = (uint64_t)1 << (20 + (r->ncommits < 8 ? r->ncommits : 8));
	if (limit > LEC_BATCH_BYTES)
		limit = LEC_BATCH_BYTES;
	if (r->tx_bytes >= limit || r->tx_files >= LEC_BATCH_FILES)
		return tx_commit(r);
	return LEC_OK;
}

static const char *read_problem(lec_status st)
{
	return st == LEC_ELIMIT ? "file too large (over LEC_MAX_NOTE_BYTES); skipped"
	       : st == LEC_ENOMEM ? "out of memory reading the file; skipped"
	       : NULL;
}

/* Compare one found file with the index and bring it up to date. */
static lec_status process_file(struct run *r, struct found_file *f)
{
	struct hmap_entry *e = hmap_get(&r->known, f->path, strlen(f->path));
	struct known_file *k = e ? e->value : NULL;
	int force = relang(r, f->path);
	if (k && !force && k->size == f->size && k->mtime_ns == f->mtime_ns) {
		k->seen = 1;
		r->stats->unchanged++;
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
		r->stats->skipped++;
		if (k)
			k->seen = 1;   /* keep what we have rather than lose it */
		return st == LEC_ENOMEM ? st : LEC_OK;
	}
	if (docbuild_is_binary(data, len)) {
		/* not a note (any more): a known one is removed below */
		warn(r, f->path, k ? "binary file; no longer indexed" : "binary file; skipped");
		r->stats->skipped++;
		free(data);
		return LEC_OK;
	}
	uint64_t hash = XXH3_64bits(data, len);
	if (k)
		k->seen = 1;
	if (k && !force && k->hash == hash) {
		r->stats->touched++;
		r->stats->unchanged++;
		if (!r->opts->check_only) {
			st = tx_begin(r);
			if (!st)
				st = set_known(r, f->path, f->size, f->mtime_ns, hash, k->passages);
			r->wrote = 1;
		}
		free(data);
		return st;
	}
	if (k)
		r->stats->updated++;
	else
		r->stats->added++;
	if (!r->opts->check_only)
		st = reindex_file(r, f, data, len, hash, k != NULL);
	free(data);
	return st;
}

static int is_failed(const struct run *r, const char *path)
{
	for (size_t i = 0; i < r->nfailed; i++)
		if (under(path, r->failed_dirs[i]))
			return 1;
	return 0;
}

static int in_scope(const struct run *r, const char *path)
{
	for (size_t i = 0; i < r->nscopes; i++)
		if (under(path, r->scopes[i]))
			return 1;
	return 0;
}

/* Under a forgotten root and under no remaining root. */
static int forgotten(const struct run *r, const char *path)
{
	for (size_t i = 0; i < r->nforgotten; i++) {
		if (!under(path, r->forgotten[i]))
			continue;
		for (size_t k = 0; k < r->nroots; k++)
			if (under(path, r->roots[k]))
				return 0;
		return 1;
	}
	return 0;
}

/* Known files under the walked scopes that the walk did not find. */
static lec_status remove_vanished(struct run *r)
{
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->known, &it, &e)) {
		struct known_file *k = e->value;
		if (!forgotten(r, e->key) &&
		    (k->seen || !in_scope(r, e->key) || is_failed(r, e->key)))
			continue;
		r->stats->removed++;
		if (r->opts->check_only)
			continue;
		lec_status st = tx_begin(r);
		if (!st)
			st = drop_known(r, e->key);
		if (st)
			return st;
		r->wrote = 1;
		if (stop_requested(r))
			break;
	}
	return LEC_OK;
}

static void report_progress(struct run *r, size_t i, uint64_t done_bytes)
{
	if (!r->hooks || !r->hooks->progress)
		return;
	struct idx_progress p = {
		.done_files = i, .total_files = r->nfound,
		.done_bytes = done_bytes, .total_bytes = r->stats->bytes_total,
		.elapsed = elapsed(r), .path = i < r->nfound ? r->found[i].path : NULL,
	};
	r->hooks->progress(r->hooks->ctx, &p);
}

static lec_status process_all(struct run *r)
{
	for (size_t i = 0; i < r->nfound; i++)
		r->stats->bytes_total += r->found[i].size;
	r->stats->files = r->nfound;
	uint64_t done = 0;
	for (size_t i = 0; i < r->nfound; i++) {
		if (stop_requested(r)) {
			r->stats->interrupted = 1;
			return LEC_OK;
		}
		if ((i & 15) == 0)
			report_progress(r, i, done);
		lec_status st = process_file(r, &r->found[i]);
		if (st)
			return st;
		done += r->found[i].size;
	}
	report_progress(r, r->nfound, done);
	return remove_vanished(r);
}

/* ---- opening ------------------------------------------------------------ */

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
	char *db = idx_db_path(index_dir);
	if (!db)
		return LEC_ENOMEM;
	int exists = stat(db, &sb) == 0;
	free(db);
	if (!exists && npaths == 0) {
		if (r->opts->check_only || r->opts->nforget == 0)
			buf_printf(r->err, "no index at %s and no roots to index: give a directory, "
				   "e.g. 'lectern index ~/notes'", index_dir);
		else
			buf_printf(r->err, "no index at %s", index_dir);
		return LEC_ENOTFOUND;
	}
	return LEC_OK;
}

static lec_status open_db(struct run *r, const char *index_dir)
{
	char *path = idx_db_path(index_dir);
	lec_status st;
	if (!path)
		return LEC_ENOMEM;
	r->db = xap_db_new();
	if (!r->db) {
		free(path);
		return LEC_ENOMEM;
	}
	if (r->opts->check_only) {
		st = xap_db_open(r->db, path, XAP_OPEN_READ);
	} else {
		st = paths_mkdir_p(index_dir, 0755);
		if (st)
			buf_printf(r->err, "cannot create index directory %s: %s", index_dir,
				   strerror(errno));
		else
			st = xap_db_open(r->db, path, XAP_OPEN_CREATE);
	}
	if (st && st == LEC_ELOCKED)
		buf_printf(r->err, "index %s is locked: another lectern index (or serve reindex) "
			   "is writing it", index_dir);
	else if (st && !r->err->len)
		buf_printf(r->err, "cannot open index %s: %s", index_dir, xap_db_error(r->db));
	free(path);
	return st;
}

static lec_status check_format(struct run *r)
{
	char *val;
	size_t len;
	lec_status st = xap_db_get_metadata(r->db, LEC_META_FORMAT, strlen(LEC_META_FORMAT),
					    &val, &len);
	if (st)
		return st;
	if (len == 0 && !r->opts->check_only) {
		st = xap_db_set_metadata(r->db, LEC_META_FORMAT, strlen(LEC_META_FORMAT),
					 LEC_INDEX_FORMAT, strlen(LEC_INDEX_FORMAT));
	} else if (len && strcmp(val, LEC_INDEX_FORMAT) != 0) {
		buf_printf(r->err, "index format %s is not this lectern's format %s: remove the "
			   "index directory and index again", val, LEC_INDEX_FORMAT);
		st = LEC_EVERSION;
	}
	free(val);
	return st;
}

/* New roots go into the first transaction, so that a run killed later
 * leaves notes that belong to a known root. */
static lec_status early_roots(struct run *r, int roots_changed)
{
	if (r->opts->check_only || !roots_changed)
		return LEC_OK;
	lec_status st = tx_begin(r);
	if (!st)
		st = save_roots(r);
	r->wrote = 1;
	return st;
}

static lec_status finish(struct run *r)
{
	lec_status st = LEC_OK;
	if (r->opts->check_only)
		return LEC_OK;
	if (r->wrote) {
		char now[32];
		int n = snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
		if (!(st = tx_begin(r)))
			st = xap_db_set_metadata(r->db, LEC_META_LAST_INDEXED,
						 strlen(LEC_META_LAST_INDEXED), now, (size_t)n);
	}
	if (!st)
		st = tx_commit(r);
	return st;
}

static void run_release(struct run *r)
{
	if (r->in_tx)
		xap_db_cancel_transaction(r->db);
	size_t it = 0;
	struct hmap_entry *e;
	while (hmap_next(&r->known, &it, &e))
		free(e->value);
	hmap_release(&r->known);
	for (size_t i = 0; i < r->nfound; i++)
		free(r->found[i].path);
	free(r->found);
	strv_free(r->roots, r->nroots);
	strv_free(r->scopes, r->nscopes);
	strv_free(r->forgotten, r->nforgotten);
	strv_free(r->relang, r->nrelang);
	it = 0;
	while (hmap_next(&r->root_lang, &it, &e))
		free(e->value);
	hmap_release(&r->root_lang);
	hmap_release(&r->languages);
	strv_free(r->failed_dirs, r->nfailed);
	docbuild_release(&r->build);
	people_release(r);
	xap_db_close(r->db);
	xap_db_free(r->db);
}

lec_status idx_run(const char *index_dir, char *const *paths, size_t npaths,
		   const struct idx_opts *opts, const struct idx_hooks *hooks,
		   struct idx_stats *stats, struct buf *err)
{
	struct run r;
	int roots_changed = 0;
	memset(&r, 0, sizeof(r));
	memset(stats, 0, sizeof(*stats));
	r.opts = opts;
	r.hooks = hooks;
	r.stats = stats;
	r.err = err;
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	hmap_init(&r.known);
	hmap_init(&r.people);
	hmap_init(&r.root_lang);
	hmap_init(&r.languages);
	lec_status st = docbuild_init(&r.build, NULL);
	r.build.people = (struct docbuild_people){ .ctx = &r, .resolve = people_resolve,
						    .learn = opts->check_only ? NULL : people_learn };
	if (st)
		buf_printf(err, "cannot set up stemming for '%s'", opts->language ? opts->language : "english");
	if (!st)
		st = precheck(&r, index_dir, paths, npaths);
	if (!st)
		st = open_db(&r, index_dir);
	if (!st)
		st = check_format(&r);
	if (!st)
		st = load_roots(&r);
	if (!st)
		st = load_languages(&r);
	if (!st)
		st = forget_roots(&r, &roots_changed);
	if (!st) {
		int added = 0;
		st = plan_scopes(&r, paths, npaths, &added);
		roots_changed |= added;
		if (!st)
			st = apply_lang(&r, paths, npaths, &roots_changed);
	}
	if (!st && r.nroots == 0 && r.nscopes == 0) {
		buf_printf(err, "no roots to index: give a directory, e.g. 'lectern index ~/notes'");
		st = LEC_ENOTFOUND;
	}
	if (!st)
		st = load_known(&r);
	if (!st)
		st = early_roots(&r, roots_changed);
	if (!st)
		st = walk_scopes(&r);
	if (!st)
		st = process_all(&r);
	if (!st)
		st = finish(&r);
	if (st && !err->len)
		buf_printf(err, "%s%s%s", lec_status_str(st), r.db && *xap_db_error(r.db) ? ": " : "",
			   r.db ? xap_db_error(r.db) : "");
	stats->seconds = elapsed(&r);
	run_release(&r);
	return st;
}
