/* rootmap.c - an index's roots and its notes' keys (rootmap.h). */
#include "rootmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "paths.h"
#include "vec.h"

/* The roots file is small; a larger one is not ours. */
#define ROOTS_FILE_MAX (1u << 20)

void rootmap_init(struct rootmap *m)
{
	memset(m, 0, sizeof(*m));
	m->next_id = 1;
}

static void root_release(struct root *r)
{
	free(r->path);
	free(r->lang);
	memset(r, 0, sizeof(*r));
}

void rootmap_release(struct rootmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		root_release(&m->v[i]);
	free(m->v);
	rootmap_init(m);
}

static lec_status push_root(struct rootmap *m, unsigned id, const char *path, const char *lang,
			    struct root **out)
{
	struct root *v = vec_reserve(m->v, &m->cap, m->n + 1, sizeof(*v), 4);
	if (!v)
		return LEC_ENOMEM;
	m->v = v;
	struct root *r = &v[m->n];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->path = strdup(path);
	r->lang = lang && *lang ? strdup(lang) : NULL;
	if (!r->path || (lang && *lang && !r->lang)) {
		root_release(r);
		return LEC_ENOMEM;
	}
	m->n++;
	if (id >= m->next_id)
		m->next_id = id + 1;
	if (out)
		*out = r;
	return LEC_OK;
}

lec_status rootmap_add(struct rootmap *m, const char *path, const char *lang, struct root **out)
{
	return push_root(m, m->next_id, path, lang, out);
}

void rootmap_remove(struct rootmap *m, size_t i)
{
	if (i >= m->n)
		return;
	root_release(&m->v[i]);
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(m->v[0]));
	m->n--;
}

struct root *rootmap_by_id(const struct rootmap *m, unsigned id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].id == id)
			return &m->v[i];
	return NULL;
}

struct root *rootmap_holding(const struct rootmap *m, const char *path)
{
	struct root *best = NULL;
	for (size_t i = 0; i < m->n; i++)
		if (paths_under(path, m->v[i].path) &&
		    (!best || strlen(m->v[i].path) > strlen(best->path)))
			best = &m->v[i];
	return best;
}

/* ---- the stored form ------------------------------------------------------- */

/* "ID" at the start of s: the number, with *end after it; 0 when none. */
static unsigned parse_id(const char *s, const char **end)
{
	unsigned long v = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && v < 1000000)
		v = v * 10 + (unsigned long)(*p++ - '0');
	*end = p;
	return p > s && (*p == '\t' || !*p) ? (unsigned)v : 0;
}

/* One line: "ID\tPATH[\tLANG]", or format 1's "PATH[\tLANG]". */
static lec_status decode_line(struct rootmap *m, char *line, const char *base, struct buf *err)
{
	const char *after;
	unsigned id = parse_id(line, &after);
	char *path = id && *after == '\t' ? (char *)after + 1 : line;
	/* format 1's lines (no ID) are only in a database's copy (no base) */
	if (!id && base) {
		buf_printf(err, "a root line without an ID: \"%s\"", line);
		return LEC_ECORRUPT;
	}
	char *tab = strchr(path, '\t');
	const char *lang = NULL;
	if (tab) {
		*tab = 0;
		lang = tab + 1;
	}
	if (!*path || (path[0] != '/' && !base)) {
		buf_printf(err, "a root line without an absolute path: \"%s\"", line);
		return LEC_ECORRUPT;
	}
	char *abs = NULL, *joined = NULL;
	lec_status st = LEC_OK;
	if (path[0] != '/' && asprintf(&joined, "%s/%s", base, path) < 0)
		st = LEC_ENOMEM;
	if (!st)
		st = paths_absolute(joined ? joined : path, &abs);
	free(joined);
	if (!st && id && rootmap_by_id(m, id)) {
		buf_printf(err, "root ID %u appears twice", id);
		st = LEC_ECORRUPT;
	}
	if (!st)
		st = push_root(m, id ? id : m->next_id, abs, lang, NULL);
	free(abs);
	return st;
}

lec_status rootmap_decode(struct rootmap *m, const char *val, size_t len, const char *base,
			  struct buf *err)
{
	char *copy = malloc(len + 1);
	lec_status st = copy ? LEC_OK : LEC_ENOMEM;
	rootmap_release(m);
	if (copy) {
		memcpy(copy, val, len);
		copy[len] = 0;
	}
	for (char *p = copy, *nl; !st && p && p < copy + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(copy + len - p));
		if (!nl)
			nl = copy + len;
		*nl = 0;
		if (*p && *p != '#')
			st = decode_line(m, p, base, err);
	}
	free(copy);
	if (st)
		rootmap_release(m);
	return st;
}

/* `root` relative to `base` when it holds base ("..", "../.."), else NULL. */
static char *relative_to(const char *root, const char *base)
{
	if (!base || !paths_under(base, root))
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	const char *rest = base + strlen(root);
	if (strcmp(root, "/") == 0)
		rest = base;
	for (const char *p = rest; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			buf_puts(&b, b.len ? "/.." : "..");
	if (!b.len)
		buf_putc(&b, '.');
	return buf_detach(&b);
}

void rootmap_encode(const struct rootmap *m, const char *base, struct buf *out)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct root *r = &m->v[i];
		char *rel = relative_to(r->path, base);
		buf_printf(out, "%u\t%s", r->id, rel ? rel : r->path);
		if (r->lang)
			buf_printf(out, "\t%s", r->lang);
		buf_putc(out, '\n');
		free(rel);
	}
}

/* ---- the roots file ------------------------------------------------------- */

static char *file_path(const char *index_dir, const char *suffix)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s%s", index_dir, LEC_ROOTS_FILE, suffix) < 0)
		return NULL;
	return p;
}

lec_status rootmap_load_file(struct rootmap *m, const char *index_dir, struct buf *err)
{
	char *path = file_path(index_dir, ""), *data = NULL;
	size_t len = 0;
	rootmap_release(m);
	if (!path)
		return LEC_ENOMEM;
	lec_status st = paths_read_file(path, ROOTS_FILE_MAX, &data, &len);
	if (st == LEC_ENOTFOUND) {
		free(path);
		return st;
	}
	if (st)
		buf_printf(err, "cannot read %s: %s", path,
			   st == LEC_ELIMIT ? "larger than a roots file can be" : strerror(errno));
	struct buf why;
	buf_init(&why, 1024);
	if (!st && (st = rootmap_decode(m, data, len, index_dir, &why)))
		buf_printf(err, "%s is damaged: %s", path, why.len ? why.data : lec_status_str(st));
	buf_release(&why);
	free(data);
	free(path);
	return st;
}

lec_status rootmap_save_file(const struct rootmap *m, const char *index_dir, struct buf *err)
{
	char *path = file_path(index_dir, ""), *tmp = file_path(index_dir, ".tmp");
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "# lectern roots: ID, path (absolute, or relative to this directory), "
		     "language\n");
	rootmap_encode(m, index_dir, &b);
	lec_status st = path && tmp && !b.status ? LEC_OK : LEC_ENOMEM;
	/* the same roots: nothing to write (a full disk or a read-only copy of
	 * an index need not be written at all) */
	char *old = NULL;
	size_t oldlen = 0;
	int same = !st && paths_read_file(path, ROOTS_FILE_MAX, &old, &oldlen) == LEC_OK &&
		   oldlen == b.len && memcmp(old, b.data, b.len) == 0;
	free(old);
	if (same) {
		buf_release(&b);
		free(path);
		free(tmp);
		return LEC_OK;
	}
	int fd = st ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (!st && fd < 0)
		st = LEC_EIO;
	if (!st)
		st = paths_write_all(fd, b.data, b.len);
	if (!st && fsync(fd) != 0)
		st = LEC_EIO;
	if (fd >= 0 && close(fd) != 0 && !st)
		st = LEC_EIO;
	if (!st && rename(tmp, path) != 0)
		st = LEC_EIO;
	if (st == LEC_EIO) {
		buf_printf(err, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	buf_release(&b);
	free(path);
	free(tmp);
	return st;
}

/* ---- keys ------------------------------------------------------------------ */

lec_status rootmap_key(const struct rootmap *m, const char *path, char **key)
{
	const struct root *r = rootmap_holding(m, path);
	*key = NULL;
	if (!r)
		return LEC_ENOTFOUND;
	const char *rel = path + strlen(r->path);
	if (strcmp(r->path, "/") == 0)
		rel = path;
	if (*rel == '/')
		rel++;
	int n = *rel ? asprintf(key, "%u/%s", r->id, rel) : asprintf(key, "%u", r->id);
	if (n < 0) {
		*key = NULL;
		return LEC_ENOMEM;
	}
	return LEC_OK;
}

const char *rootmap_key_rel(const char *key)
{
	const char *p = key;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == key || (*p != '/' && *p))
		return NULL;
	return *p ? p + 1 : p;
}

lec_status rootmap_path(const struct rootmap *m, const char *key, size_t klen, char **path)
{
	unsigned long id = 0;
	size_t i = 0;
	*path = NULL;
	while (i < klen && key[i] >= '0' && key[i] <= '9' && id < 1000000)
		id = id * 10 + (unsigned long)(key[i++] - '0');
	if (i == 0 || (i < klen && key[i] != '/'))
		return LEC_ECORRUPT;
	const struct root *r = rootmap_by_id(m, (unsigned)id);
	if (!r)
		return LEC_ENOTFOUND;
	const char *rel = i < klen ? key + i + 1 : "";
	size_t rl = i < klen ? klen - i - 1 : 0;
	const char *sep = rl && strcmp(r->path, "/") != 0 ? "/" : "";
	if (asprintf(path, "%s%s%.*s", r->path, sep, (int)rl, rel) < 0) {
		*path = NULL;
		return LEC_ENOMEM;
	}
	return LEC_OK;
}
