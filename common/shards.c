/* shards.c - the databases an index is made of: the stub file, shard
 * routing, and opening them all as one reader. */
#include "shards.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "layout.h"
#include "limits.h"
#include "paths.h"
#include "vec.h"

#define STUB_MAX_BYTES (64 * 1024)

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

static void entry_release(struct shard_entry *e)
{
	free(e->path);
	free(e->host);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

void shards_release(struct shard_set *s)
{
	for (size_t i = 0; s->v && i < s->n; i++)
		entry_release(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static lec_status push_entry(struct shard_set *s, struct shard_entry *e)
{
	if (s->n >= SHARDS_MAX_ENTRIES)
		return LEC_ELIMIT;
	struct shard_entry *v = vec_reserve(s->v, &s->cap, s->n + 1, sizeof(*v), 4);
	if (!v)
		return LEC_ENOMEM;
	s->v = v;
	s->v[s->n++] = *e;
	if (!e->remote)
		s->nlocal++;
	memset(e, 0, sizeof(*e));
	return LEC_OK;
}

static lec_status local_entry(const char *index_dir, const char *name, struct shard_set *s)
{
	struct shard_entry e = { 0 };
	e.path = join(index_dir, name);
	e.name = strdup(name);
	lec_status st = e.path && e.name ? push_entry(s, &e) : LEC_ENOMEM;
	entry_release(&e);
	return st;
}

static lec_status remote_entry(struct shard_set *s, const char *host, unsigned port)
{
	struct shard_entry e = { .remote = 1, .port = port };
	size_t n = strlen(host) + 32;
	e.host = strdup(host);
	e.name = malloc(n);
	if (e.name)
		snprintf(e.name, n, "tcp://%s:%u", host, port);
	lec_status st = e.host && e.name ? push_entry(s, &e) : LEC_ENOMEM;
	entry_release(&e);
	return st;
}

lec_status shards_init_local(const char *index_dir, size_t nlocal, struct shard_set *out)
{
	memset(out, 0, sizeof(*out));
	if (nlocal < 1 || nlocal > SHARDS_MAX)
		return LEC_EINVAL;
	lec_status st = LEC_OK;
	for (size_t i = 0; !st && i < nlocal; i++) {
		char name[32];
		if (i == 0)
			snprintf(name, sizeof(name), "%s", LEC_DB_SUBDIR);
		else
			snprintf(name, sizeof(name), "%s.%zu", LEC_DB_SUBDIR, i);
		st = local_entry(index_dir, name, out);
	}
	out->from_stub = nlocal > 1;
	if (st)
		shards_release(out);
	return st;
}

lec_status shards_parse_remote(const char *spec, char **host, unsigned *port, struct buf *err)
{
	const char *p = spec;
	*host = NULL;
	if (strncmp(p, "tcp://", 6) == 0)
		p += 6;
	const char *colon = strrchr(p, ':');
	char *end = NULL;
	unsigned long v = 0;
	if (colon && colon > p && colon[1]) {
		errno = 0;
		v = strtoul(colon + 1, &end, 10);
	}
	if (!colon || colon == p || !end || *end || errno || v == 0 || v > 65535 ||
	    colon[1] == '-' || colon[1] == '+') {
		buf_printf(err, "'%s': not a remote shard address (tcp://HOST:PORT)", spec);
		return LEC_EINVAL;
	}
	for (const char *c = p; c < colon; c++) {
		/* a host name or an IPv4 address; the stub file is line and
		 * space separated, so nothing else may pass */
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_')) {
			buf_printf(err, "'%s': bad host name", spec);
			return LEC_EINVAL;
		}
	}
	*host = strndup(p, (size_t)(colon - p));
	*port = (unsigned)v;
	return *host ? LEC_OK : LEC_ENOMEM;
}

/* One line of a stub file: "auto PATH", "glass PATH" or "remote HOST:PORT". */
static lec_status parse_line(const char *index_dir, const char *stub, unsigned lineno, char *line,
			     struct shard_set *s, struct buf *err)
{
	char *sp = line + strcspn(line, " \t");
	if (!*sp) {
		buf_printf(err, "%s:%u: expected 'auto PATH' or 'remote HOST:PORT'", stub, lineno);
		return LEC_ESYNTAX;
	}
	*sp++ = 0;
	sp += strspn(sp, " \t");
	char *end = sp + strlen(sp);
	while (end > sp && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = 0;
	if (strcmp(line, "auto") == 0 || strcmp(line, "glass") == 0) {
		if (!*sp || strstr(sp, "..") || *sp == '/') {
			buf_printf(err,
				   "%s:%u: a local shard is a directory inside the index "
				   "directory, not '%s'",
				   stub, lineno, sp);
			return LEC_ESYNTAX;
		}
		if (s->nlocal != s->n) {
			buf_printf(err, "%s:%u: local shards come before remote ones", stub,
				   lineno);
			return LEC_ESYNTAX;
		}
		return local_entry(index_dir, sp, s);
	}
	if (strcmp(line, "remote") == 0) {
		char *host;
		unsigned port;
		struct buf why;
		buf_init(&why, 512);
		lec_status st = shards_parse_remote(sp, &host, &port, &why);
		if (st == LEC_EINVAL)
			buf_printf(err, "%s:%u: %s", stub, lineno,
				   why.data ? why.data : "bad address");
		buf_release(&why);
		if (!st)
			st = remote_entry(s, host, port);
		free(host);
		return st == LEC_EINVAL ? LEC_ESYNTAX : st;
	}
	buf_printf(err, "%s:%u: unknown database type '%s' (lectern writes 'auto' and 'remote')",
		   stub, lineno, line);
	return LEC_ESYNTAX;
}

lec_status shards_load(const char *index_dir, struct shard_set *out, struct buf *err)
{
	memset(out, 0, sizeof(*out));
	char *stub = join(index_dir, SHARDS_STUB_NAME);
	if (!stub)
		return LEC_ENOMEM;
	char *text = NULL;
	size_t len = 0;
	lec_status st = paths_read_file(stub, STUB_MAX_BYTES, &text, &len);
	if (st == LEC_ENOTFOUND || (st == LEC_EIO && errno == ENOENT)) {
		free(stub);
		return shards_init_local(index_dir, 1, out);
	}
	if (st) {
		buf_printf(err, "%s: %s", stub, st == LEC_ELIMIT ? "too large" : strerror(errno));
		free(stub);
		return st;
	}
	out->from_stub = 1;
	unsigned lineno = 0;
	for (char *p = text, *nl; !st && p < text + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl)
			nl = text + len;
		*nl = 0;
		lineno++;
		p += strspn(p, " \t");
		if (*p == 0 || *p == '#' || *p == '\r')
			continue;
		if (memchr(p, 0, (size_t)(nl - p)) != NULL) {
			buf_printf(err, "%s:%u: NUL byte", stub, lineno);
			st = LEC_ESYNTAX;
			break;
		}
		st = parse_line(index_dir, stub, lineno, p, out, err);
	}
	if (!st && out->n == 0) {
		buf_printf(err, "%s: names no database", stub);
		st = LEC_ESYNTAX;
	}
	if (!st && out->nlocal > SHARDS_MAX) {
		buf_printf(err, "%s: more than %d local shards", stub, SHARDS_MAX);
		st = LEC_ELIMIT;
	}
	if (st == LEC_ELIMIT && !err->len)
		buf_printf(err, "%s: more than %d databases", stub, SHARDS_MAX_ENTRIES);
	free(text);
	free(stub);
	if (st)
		shards_release(out);
	return st;
}

lec_status shards_save(const char *index_dir, const struct shard_set *s, struct buf *err)
{
	char *stub = join(index_dir, SHARDS_STUB_NAME);
	char *tmp = join(index_dir, SHARDS_STUB_NAME ".tmp");
	lec_status st = stub && tmp ? LEC_OK : LEC_ENOMEM;
	if (!st && s->n == 1 && s->nlocal == 1 && strcmp(s->v[0].name, LEC_DB_SUBDIR) == 0) {
		if (unlink(stub) != 0 && errno != ENOENT) {
			buf_printf(err, "cannot remove %s: %s", stub, strerror(errno));
			st = LEC_EIO;
		}
		goto out;
	}
	FILE *f = st ? NULL : fopen(tmp, "w");
	if (!st && !f) {
		buf_printf(err, "cannot write %s: %s", tmp, strerror(errno));
		st = LEC_EIO;
	}
	if (!st) {
		fprintf(f,
			"# lectern shards (a Xapian stub file: 'quest -d %s' works).\n"
			"# 'auto' lines are the local shards in order, 'remote' lines databases\n"
			"# served by xapian-tcpsrv. Edit with 'lectern shard add/remove'.\n",
			SHARDS_STUB_NAME);
		for (size_t i = 0; i < s->n; i++) {
			if (s->v[i].remote)
				fprintf(f, "remote %s:%u\n", s->v[i].host, s->v[i].port);
			else
				fprintf(f, "auto %s\n", s->v[i].name);
		}
		int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
		bad |= fclose(f) != 0;
		if (bad || rename(tmp, stub) != 0) {
			buf_printf(err, "cannot write %s: %s", stub, strerror(errno));
			unlink(tmp);
			st = LEC_EIO;
		}
	}
out:
	free(stub);
	free(tmp);
	return st;
}

static int same_remote(const struct shard_entry *e, const char *host, unsigned port)
{
	return e->remote && e->port == port && strcmp(e->host, host) == 0;
}

lec_status shards_add_remote(struct shard_set *s, const char *host, unsigned port, struct buf *err)
{
	for (size_t i = 0; i < s->n; i++) {
		if (same_remote(&s->v[i], host, port)) {
			buf_printf(err, "%s is already a shard of this index", s->v[i].name);
			return LEC_EINVAL;
		}
	}
	lec_status st = remote_entry(s, host, port);
	if (st == LEC_ELIMIT)
		buf_printf(err, "an index takes at most %d databases", SHARDS_MAX_ENTRIES);
	return st;
}

lec_status shards_remove_remote(struct shard_set *s, const char *spec, struct buf *err)
{
	char *host;
	unsigned port;
	lec_status st = shards_parse_remote(spec, &host, &port, err);
	if (st)
		return st;
	st = LEC_ENOTFOUND;
	for (size_t i = 0; i < s->n; i++) {
		if (!same_remote(&s->v[i], host, port))
			continue;
		entry_release(&s->v[i]);
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
		s->n--;
		st = LEC_OK;
		break;
	}
	if (st)
		buf_printf(err, "tcp://%s:%u is not a shard of this index", host, port);
	free(host);
	return st;
}

size_t shards_of_path(const char *path, size_t nlocal)
{
	if (nlocal <= 1)
		return 0;
	return (size_t)(XXH3_64bits(path, strlen(path)) % nlocal);
}

unsigned shards_remote_timeout_ms(void)
{
	const char *v = getenv("LECTERN_REMOTE_TIMEOUT");
	char *end;
	if (v && *v) {
		errno = 0;
		unsigned long ms = strtoul(v, &end, 10);
		if (!*end && !errno && ms > 0 && ms <= 3600000)
			return (unsigned)ms;
	}
	return SHARDS_REMOTE_TIMEOUT_MS;
}

lec_status shards_open_entry(const struct shard_entry *e, xap_db **out, struct buf *err)
{
	xap_db *db = xap_db_new();
	*out = NULL;
	if (!db)
		return LEC_ENOMEM;
	unsigned ms = shards_remote_timeout_ms();
	lec_status st = e->remote ? xap_db_open_remote(db, e->host, e->port, ms, ms) :
				    xap_db_open(db, e->path, XAP_OPEN_READ);
	if (st) {
		buf_puts(err, xap_db_error(db));
		xap_db_free(db);
		return st;
	}
	*out = db;
	return LEC_OK;
}

/* Is this remote entry the one a Xapian NetworkError names? Its context
 * reads "remote:tcp(HOST:PORT)". */
static int named_by(const struct shard_entry *e, const char *failed)
{
	char ctx[300];
	if (!failed || !e->remote)
		return 0;
	snprintf(ctx, sizeof(ctx), "remote:tcp(%s:%u)", e->host, e->port);
	return strstr(failed, ctx) != NULL;
}

lec_status shards_open_read(const struct shard_set *s, shards_each_cb each, void *ctx,
			    const char *failed, xap_db **out, struct buf *warnings, struct buf *err)
{
	xap_db *all = xap_db_new();
	size_t opened = 0;
	lec_status st = all ? LEC_OK : LEC_ENOMEM, last = LEC_OK;
	struct buf down; /* "shard NAME unavailable: WHY" lines */
	buf_init(&down, 64 * 1024);
	*out = NULL;
	for (size_t i = 0; !st && i < s->n; i++) {
		const struct shard_entry *e = &s->v[i];
		struct buf why;
		xap_db *one = NULL;
		buf_init(&why, 1024);
		lec_status est;
		if (named_by(e, failed)) {
			/* it just failed a search: trying it again now would cost
			 * another timeout; the next reopen tries it */
			buf_puts(&why, failed);
			est = LEC_ENETWORK;
		} else {
			est = shards_open_entry(e, &one, &why);
		}
		if (!est && each)
			est = each(ctx, e, one);
		if (!est)
			est = xap_db_add_db(all, one);
		if (!est) {
			opened++;
		} else if (e->remote && est != LEC_ENOMEM) {
			/* a remote shard is somebody else's machine: search without it */
			buf_printf(&down, "%sshard %s unavailable: %s", down.len ? "\n" : "",
				   e->name, why.len ? why.data : lec_status_str(est));
			last = est;
		} else {
			if (!e->remote && est == LEC_ENOTFOUND && s->n == 1)
				buf_printf(err, "%s", why.len ? why.data : "no database");
			else
				buf_printf(err, "shard %s: %s", e->name,
					   why.len ? why.data : lec_status_str(est));
			st = est;
		}
		buf_release(&why);
		xap_db_free(one);
	}
	if (!st && opened == 0) {
		buf_printf(err, "no shard of the index could be opened%s%s", down.len ? ": " : "",
			   down.len ? down.data : "");
		st = last ? last : LEC_ENOTFOUND;
	} else if (!st && down.len) {
		for (const char *p = down.data, *nl; p && *p; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			buf_printf(warnings, "%s%.*s; results are from the other shards",
				   warnings->len ? "\n" : "", (int)(nl ? nl - p : (long)strlen(p)),
				   p);
		}
	}
	buf_release(&down);
	if (st) {
		xap_db_free(all);
		return st;
	}
	*out = all;
	return LEC_OK;
}

lec_status shards_open_index(const char *index_dir, xap_db **out, struct buf *warnings,
			     struct buf *err)
{
	struct shard_set set;
	lec_status st = shards_load(index_dir, &set, err);
	if (!st) {
		st = shards_open_read(&set, NULL, NULL, NULL, out, warnings, err);
		shards_release(&set);
	}
	return st;
}

void shards_explain_damage(const char *index_dir, struct buf *msg)
{
	struct shard_set set;
	struct buf err;
	int found = 0;
	buf_init(&err, 4096);
	if (shards_load(index_dir, &set, &err) == LEC_OK) {
		for (size_t i = 0; i < set.nlocal && !found; i++) {
			size_t errors = 0;
			char *what = NULL, *table = NULL;
			if (xap_check(set.v[i].path, &errors, &what, &table) == LEC_OK && errors) {
				buf_printf(msg, "index %s is damaged: the database %s%s%s: %s",
					   index_dir, set.v[i].path, table ? ", file " : "",
					   table ? table : "", what ? what : "damaged");
				found = 1;
			}
			free(what);
			free(table);
		}
		shards_release(&set);
	}
	buf_release(&err);
	if (!found)
		buf_printf(msg, "index %s holds a damaged record (its databases check out)",
			   index_dir);
	buf_printf(msg, ". 'lectern status --verify' lists the damage; 'lectern index --rebuild' "
			"builds the index again from its notes, keeping its roots");
}
