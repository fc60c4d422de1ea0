/* config.c - read the config file with libinih, check every key and value.
 *
 * libinih (Debian's libinih-dev) does the INI syntax: sections, `key =
 * value`, `#` and `;` comments, inline `;` comments, whitespace. Debian
 * builds it without line numbers for the handler, so a reader wrapped
 * around fgets counts lines: the handler of a line runs right after that
 * line was read. A line longer than libinih's buffer would be split into
 * two "lines": it is refused instead.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include "limits.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct config_key keys[] = {
	{ "index", NULL, "index", "LECTERN_INDEX", "DIR", 0, 0, NULL,
	  "the index directory of every command (--index)" },
	{ "socket", NULL, "socket", NULL, "PATH", 0, 0, NULL,
	  "the daemon's socket: where serve listens and find asks (--socket)" },
	/* the same default and bounds as find's --limit (cmd-find.c) */
	{ "find.limit", "find", "limit", NULL, "N", 1, 1000000, "10",
	  "how many passages find shows (--limit)" },
	{ "find.color", "find", "color", NULL, "auto|always|never", 0, 0, "auto",
	  "colour in find's output (--color)" },
	{ "find.sort", "find", "sort", NULL, "rank|date|-date|path", 0, 0, "rank",
	  "the order of find's passages (--sort)" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct entry {
	char *value; /* NULL: not set by the file */
	char *where; /* "FILE:LINE" */
};

struct config {
	char *path; /* NULL: no file */
	int found;
	struct entry e[NKEYS];
};

/* What the parse callbacks share. */
struct reading {
	struct config *c;
	FILE *f;
	unsigned line;   /* of the line read last */
	int too_long;    /* a line did not fit libinih's buffer */
	struct buf *err; /* the first problem, "FILE:LINE: ..." */
};

const struct config_key *config_keys(size_t *n)
{
	*n = NKEYS;
	return keys;
}

lec_status config_locate(const char *opt, char **path, int *must_exist)
{
	const char *env = getenv("LECTERN_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct buf b;

	*path = NULL;
	*must_exist = opt || env;
	if (!opt && env && !*env)
		return LEC_OK;
	buf_init(&b, LEC_MAX_PATH_BYTES);
	if (opt || env)
		buf_puts(&b, opt ? opt : env);
	else if (xdg && *xdg)
		buf_printf(&b, "%s/lectern/config", xdg);
	else if (home && *home)
		buf_printf(&b, "%s/.config/lectern/config", home);
	else
		return LEC_OK; /* nowhere to look: no file */
	if (b.status) {
		lec_status st = b.status;
		buf_release(&b);
		return st; /* LEC_ELIMIT: a path too long; or LEC_ENOMEM */
	}
	*path = buf_detach(&b);
	return *path ? LEC_OK : LEC_ENOMEM;
}

static void fail(struct reading *r, const char *fmt, const char *a, const char *b)
{
	if (r->err->len)
		return; /* the first problem is the one to fix */
	buf_printf(r->err, "%s:%u: ", r->c->path, r->line);
	buf_printf(r->err, fmt, a, b);
}

/* fgets, counting lines; a line longer than libinih's buffer stops it. */
static char *read_line(char *str, int num, void *stream)
{
	struct reading *r = stream;
	char *s = fgets(str, num, r->f);
	size_t n;

	if (!s)
		return NULL;
	r->line++;
	n = strlen(s);
	if (n && s[n - 1] != '\n' && !feof(r->f)) {
		r->too_long = 1;
		return NULL;
	}
	return s;
}

/* "~/x" as $HOME/x; anything else as it is. malloc'd. */
static char *expand_home(const char *v)
{
	const char *home = getenv("HOME");
	struct buf b;

	if (v[0] != '~' || (v[1] && v[1] != '/') || !home)
		return strdup(v);
	buf_init(&b, LEC_MAX_PATH_BYTES);
	buf_printf(&b, "%s%s", home, v + 1);
	if (b.status) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Is v one of "a|b|c"? */
static int is_choice(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *c = choices; *c; c += strcspn(c, "|"), c += *c == '|') {
		if (strcspn(c, "|") == n && !strncmp(c, v, n))
			return 1;
	}
	return 0;
}

/* Does v suit key k? If not, msg gets what is wrong. */
static int check_value(const struct config_key *k, const char *v, char *msg, size_t len)
{
	if (!*v) {
		snprintf(msg, len, "an empty value (leave the key out for the default)");
		return 0;
	}
	if (!strcmp(k->kind, "N")) {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (*end || errno || n < k->min || n > k->max) {
			snprintf(msg, len, "'%s' is not a number from %ld to %ld", v, k->min,
				 k->max);
			return 0;
		}
	} else if (strchr(k->kind, '|') && !is_choice(k->kind, v)) {
		snprintf(msg, len, "'%s' is not one of %s", v, k->kind);
		return 0;
	}
	return 1;
}

/* The ini_handler: one `key = value` of [section]. */
static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct reading *r = user;
	struct buf key, where;
	size_t i;
	int ok = 0;

	buf_init(&key, 256);
	buf_printf(&key, "%s%s%s", section, *section ? "." : "", name);
	for (i = 0; i < NKEYS && (!key.data || strcmp(keys[i].name, key.data)); i++)
		;
	if (i == NKEYS) {
		fail(r, "unknown key '%s'%s", key.data ? key.data : name,
		     " (lectern config --help lists the keys)");
		goto done;
	}
	char msg[256];
	if (!check_value(&keys[i], value, msg, sizeof(msg))) {
		fail(r, "%s: %s", keys[i].name, msg);
		goto done;
	}
	buf_init(&where, 0);
	buf_printf(&where, "%s:%u", r->c->path, r->line);
	char *v = strchr(keys[i].kind, '|') || !strcmp(keys[i].kind, "N") ? strdup(value) :
									    expand_home(value);
	if (!v || where.status) {
		free(v);
		buf_release(&where);
		fail(r, "%s%s", "out of memory", "");
		goto done;
	}
	/* a key set twice: the later line wins, as in git */
	free(r->c->e[i].value);
	free(r->c->e[i].where);
	r->c->e[i].value = v;
	r->c->e[i].where = buf_detach(&where);
	ok = 1;
done:
	buf_release(&key);
	return ok;
}

lec_status config_load(const char *path, int must_exist, struct config **out, struct buf *err)
{
	struct config *c = calloc(1, sizeof(*c));
	struct reading r = { c, NULL, 0, 0, err };
	lec_status st = LEC_OK;

	*out = NULL;
	if (!c || (path && !(c->path = strdup(path)))) {
		free(c);
		return LEC_ENOMEM;
	}
	if (!path) {
		*out = c;
		return LEC_OK;
	}
	r.f = fopen(path, "r");
	if (!r.f) {
		if (errno == ENOENT && !must_exist) {
			*out = c;
			return LEC_OK;
		}
		buf_printf(err, "%s: %s", path, strerror(errno));
		config_free(c);
		return errno == ENOENT ? LEC_ENOTFOUND : LEC_EIO;
	}
	c->found = 1;
	int line = ini_parse_stream(read_line, &r, on_value, &r);
	if (r.too_long && !err->len) {
		buf_printf(err, "%s:%u: the line is too long", path, r.line);
	} else if (line > 0 && !err->len) {
		/* libinih's own complaint: neither `key = value` nor [section] */
		r.line = (unsigned)line;
		fail(&r, "not a 'key = value' line nor a [section]%s%s", "", "");
	} else if (ferror(r.f) && !err->len) {
		buf_printf(err, "%s: cannot read it", path);
		st = LEC_EIO;
	}
	fclose(r.f);
	if (err->len && !st)
		st = LEC_ESYNTAX;
	if (st) {
		config_free(c);
		return st;
	}
	*out = c;
	return LEC_OK;
}

const char *config_path(const struct config *c)
{
	return c ? c->path : NULL;
}

int config_found(const struct config *c)
{
	return c && c->found;
}

const char *config_get(const struct config *c, const char *key, const char **where)
{
	for (size_t i = 0; c && i < NKEYS; i++) {
		if (strcmp(keys[i].name, key))
			continue;
		if (where)
			*where = c->e[i].where;
		return c->e[i].value;
	}
	return NULL;
}

const char *config_option_value(void *ctx, const char *cmd, const char *option, const char **where)
{
	const struct config *c = ctx;
	for (size_t i = 0; i < NKEYS; i++) {
		const struct config_key *k = &keys[i];
		if (!c->e[i].value || strcmp(k->option, option) ||
		    (k->command && strcmp(k->command, cmd)))
			continue;
		if (k->env && getenv(k->env) && *getenv(k->env))
			return NULL;
		*where = c->e[i].where;
		return c->e[i].value;
	}
	return NULL;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NKEYS; i++) {
		free(c->e[i].value);
		free(c->e[i].where);
	}
	free(c->path);
	free(c);
}
