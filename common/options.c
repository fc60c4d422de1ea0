/* options.c - parse argv against a table of struct opt; print its help.
 *
 * One pass over argv: options may come before, between or after positional
 * arguments, `--` ends options, a lone `-` is a positional argument (stdin,
 * by convention); with OPT_DASH_WORDS, so is a `-word` after the first
 * positional argument. The first problem stops the pass and is described in err.
 */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

/* Help lines whose option column is wider than this put the text below. */
#define OPT_HELP_COLUMN_MAX 28

/* The hooks of options.h, set once by main before a command runs. */
static opt_default_fn default_fn;
static void *default_ctx;
static opt_describe_fn describe_fn;
static void *describe_ctx;

void opt_defaults_from(opt_default_fn fn, void *ctx)
{
	default_fn = fn;
	default_ctx = ctx;
}

void opt_describe_with(opt_describe_fn fn, void *ctx)
{
	describe_fn = fn;
	describe_ctx = ctx;
}

int opt_describing(void)
{
	return describe_fn != NULL;
}

void opt_hooks_get(struct opt_hooks *h)
{
	*h = (struct opt_hooks){ default_fn, default_ctx, describe_fn, describe_ctx };
}

void opt_hooks_set(const struct opt_hooks *h)
{
	opt_defaults_from(h->defaults, h->defaults_ctx);
	opt_describe_with(h->describe, h->describe_ctx);
}

struct parser {
	const struct opt *opts;
	int argc;
	char **argv;
	int i;       /* index of the argument being parsed */
	char **args; /* positional arguments so far */
	size_t nargs;
	char *err;
	size_t errlen;
	unsigned flags; /* enum opt_flags */
};

/* How the user spelled an option, for messages: "--limit" or "-n". */
struct spelling {
	const char *dashes;
	const char *name;
	int len;
	char short_buf[2];
};

static enum opt_result fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum opt_result fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return OPT_ERROR;
}

static struct spelling spell_long(const char *name, size_t len)
{
	struct spelling s = { "--", name, (int)len, { 0, 0 } };

	return s;
}

static struct spelling spell_short(char c)
{
	struct spelling s = { "-", NULL, 1, { c, 0 } };

	return s;
}

/* The printf arguments for "%s%.*s" that show spelling s. */
#define SPELLED(s) (s).dashes, (s).len, ((s).name ? (s).name : (s).short_buf)

static int takes_value(const struct opt *o)
{
	return o->type != OPT_FLAG;
}

static const struct opt *find_long(const struct opt *opts, const char *name, size_t len)
{
	for (; opts->type != OPT_END; opts++) {
		if (opts->long_name && strlen(opts->long_name) == len &&
		    !strncmp(opts->long_name, name, len))
			return opts;
	}
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (; opts->type != OPT_END; opts++) {
		if (opts->short_name && opts->short_name == c)
			return opts;
	}
	return NULL;
}

/* Is a (la bytes) within `budget` single-byte edits of b (lb bytes)? */
static int within_edits(const char *a, size_t la, const char *b, size_t lb, int budget)
{
	while (la && lb && *a == *b) {
		a++;
		b++;
		la--;
		lb--;
	}
	if (!la || !lb)
		return la + lb <= (size_t)budget;
	if (!budget)
		return 0;
	return within_edits(a + 1, la - 1, b + 1, lb - 1, budget - 1) ||
	       within_edits(a + 1, la - 1, b, lb, budget - 1) ||
	       within_edits(a, la, b + 1, lb - 1, budget - 1);
}

/* The one long option that `name` abbreviates, or NULL (none or several). */
static const char *unique_prefix(const struct opt *opts, const char *name, size_t len)
{
	const char *found = NULL;

	for (; opts->type != OPT_END; opts++) {
		if (!opts->long_name || strncmp(opts->long_name, name, len))
			continue;
		if (found)
			return NULL;
		found = opts->long_name;
	}
	return found;
}

/* A long option the user probably meant by the unknown `name`, or NULL:
 * the one it abbreviates, else the nearest within two edits. */
static const char *suggest(const struct opt *opts, const char *name, size_t len)
{
	const struct opt *o;
	const char *s = len ? unique_prefix(opts, name, len) : NULL;
	int budget;

	if (s)
		return s;
	for (budget = 1; budget <= 2; budget++) {
		for (o = opts; o->type != OPT_END; o++) {
			if (o->long_name && len > (size_t)budget &&
			    within_edits(name, len, o->long_name, strlen(o->long_name), budget))
				return o->long_name;
		}
	}
	return NULL;
}

static enum opt_result store_int(struct parser *p, const struct opt *o, struct spelling sp,
				 const char *value)
{
	long min = o->min, max = o->max, n;
	char *end;

	if (!min && !max)
		max = LONG_MAX;
	if (*value < '0' || *value > '9') {
		if (*value != '-' || value[1] < '0' || value[1] > '9')
			return fail(p, "%s%.*s: '%s' is not a number", SPELLED(sp), value);
	}
	errno = 0;
	n = strtol(value, &end, 10);
	if (*end)
		return fail(p, "%s%.*s: '%s' is not a number", SPELLED(sp), value);
	if (n < min || (errno == ERANGE && n == LONG_MIN))
		return fail(p, "%s%.*s: %s is below the minimum %ld", SPELLED(sp), value, min);
	if (n > max || errno == ERANGE)
		return fail(p, "%s%.*s: %s is above the maximum %ld", SPELLED(sp), value, max);
	*(long *)o->dest = n;
	return OPT_OK;
}

static enum opt_result store_strings(struct parser *p, const struct opt *o, const char *value)
{
	struct opt_list *l = o->dest;
	const char **items = vec_reserve(l->items, &l->cap, l->n + 1, sizeof(*items), 4);

	if (!items)
		return fail(p, "out of memory");
	items[l->n++] = value;
	l->items = items;
	return OPT_OK;
}

/* Store `value` (NULL for a flag) where option o says. */
static enum opt_result store(struct parser *p, const struct opt *o, struct spelling sp,
			     const char *value)
{
	if (!o->dest)
		return OPT_OK;
	switch (o->type) {
	case OPT_FLAG:
		*(int *)o->dest = 1;
		return OPT_OK;
	case OPT_STRING:
		*(const char **)o->dest = value;
		return OPT_OK;
	case OPT_INT:
		return store_int(p, o, sp, value);
	case OPT_STRINGS:
		return store_strings(p, o, value);
	case OPT_END:
		break;
	}
	return fail(p, "%s%.*s: bad option table", SPELLED(sp));
}

/* The value of a value-taking option given without one: the next argument. */
static const char *next_value(struct parser *p)
{
	if (p->i + 1 >= p->argc)
		return NULL;
	return p->argv[++p->i];
}

static enum opt_result unknown_long(struct parser *p, const char *name, size_t len)
{
	const char *s = suggest(p->opts, name, len);

	if (s)
		return fail(p, "unknown option '--%.*s' (did you mean '--%s'?)", (int)len, name, s);
	return fail(p, "unknown option '--%.*s'", (int)len, name);
}

/* arg is "--name" or "--name=value". */
static enum opt_result parse_long(struct parser *p, const char *arg)
{
	const char *name = arg + 2;
	size_t len = strcspn(name, "=");
	const char *value = name[len] == '=' ? name + len + 1 : NULL;
	struct spelling sp = spell_long(name, len);
	const struct opt *o;

	if (len == 4 && !strncmp(name, "help", 4))
		return OPT_HELP;
	o = find_long(p->opts, name, len);
	if (!o)
		return unknown_long(p, name, len);
	if (!takes_value(o)) {
		if (value)
			return fail(p, "option '%s%.*s' takes no value", SPELLED(sp));
		return store(p, o, sp, NULL);
	}
	if (!value)
		value = next_value(p);
	if (!value)
		return fail(p, "option '%s%.*s' requires a value", SPELLED(sp));
	return store(p, o, sp, value);
}

/* arg is "-abc": flags combine; a value-taking option ends the cluster and
 * takes the rest of it ("-n5") or the next argument ("-n 5"). */
static enum opt_result parse_short(struct parser *p, const char *arg)
{
	const char *c;

	for (c = arg + 1; *c; c++) {
		struct spelling sp = spell_short(*c);
		const struct opt *o;
		const char *value;

		if (*c == 'h')
			return OPT_HELP;
		o = find_short(p->opts, *c);
		if (!o)
			return fail(p, "unknown option '-%c'", *c);
		if (!takes_value(o)) {
			if (store(p, o, sp, NULL) != OPT_OK)
				return OPT_ERROR;
			continue;
		}
		value = c[1] ? c + 1 : next_value(p);
		if (!value)
			return fail(p, "option '%s%.*s' requires a value", SPELLED(sp));
		return store(p, o, sp, value);
	}
	return OPT_OK;
}

/* With OPT_DASH_WORDS, after the first positional argument: is arg
 * ("-x...", not "--...") one of them rather than options? Yes unless it is
 * one short option spelled alone ("-a", "-n" before its value): a query
 * word like "-flatten" must not be read as -f -l -a ..., and "-notes" not
 * as -n with the value "otes". */
static int is_word(const struct parser *p, const char *arg)
{
	if (!(p->flags & OPT_DASH_WORDS) || !p->nargs || arg[1] == '-')
		return 0;
	return arg[2] || (arg[1] != 'h' && !find_short(p->opts, arg[1]));
}

static enum opt_result parse_all(struct parser *p)
{
	int options_done = 0;
	enum opt_result r;

	for (p->i = 1; p->i < p->argc; p->i++) {
		char *arg = p->argv[p->i];

		if (options_done || arg[0] != '-' || !arg[1] || is_word(p, arg)) {
			p->args[p->nargs++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			options_done = 1;
			continue;
		}
		r = arg[1] == '-' ? parse_long(p, arg) : parse_short(p, arg);
		if (r != OPT_OK)
			return r;
	}
	return OPT_OK;
}

/* Store what default_fn gives for each long option, as if it came first on
 * the command line. A flag takes "true" (or "false": left unset). */
static enum opt_result apply_defaults(struct parser *p, const char *cmd)
{
	const struct opt *o;

	for (o = p->opts; o->type != OPT_END; o++) {
		const char *where = NULL;
		const char *v =
			o->long_name ? default_fn(default_ctx, cmd, o->long_name, &where) : NULL;
		struct spelling sp =
			spell_long(o->long_name, o->long_name ? strlen(o->long_name) : 0);
		enum opt_result r;

		if (!v || (o->type == OPT_FLAG && strcmp(v, "true")))
			continue;
		r = store(p, o, sp, o->type == OPT_FLAG ? NULL : v);
		if (r != OPT_OK) {
			/* say where the bad value came from before what is wrong */
			size_t n = p->err ? strlen(p->err) : 0;
			if (p->err && where && n + strlen(where) + 3 < p->errlen) {
				memmove(p->err + strlen(where) + 2, p->err, n + 1);
				memcpy(p->err, where, strlen(where));
				memcpy(p->err + strlen(where), ": ", 2);
			}
			return r;
		}
	}
	return OPT_OK;
}

enum opt_result opt_parse(const struct opt *opts, int argc, char **argv, char ***args,
			  size_t *nargs, char *err, size_t errlen)
{
	return opt_parse_flags(opts, 0, argc, argv, args, nargs, err, errlen);
}

enum opt_result opt_parse_flags(const struct opt *opts, unsigned flags, int argc, char **argv,
				char ***args, size_t *nargs, char *err, size_t errlen)
{
	struct parser p = { opts, argc, argv, 0, NULL, 0, err, errlen, flags };
	enum opt_result r;

	*args = NULL;
	*nargs = 0;
	if (err && errlen)
		err[0] = '\0';
	if (describe_fn) {
		describe_fn(describe_ctx, argc > 0 ? argv[0] : "", opts);
		return OPT_HELP;
	}
	if (default_fn && argc > 0) {
		r = apply_defaults(&p, argv[0]);
		if (r != OPT_OK)
			return r;
	}
	if (argc <= 1)
		return OPT_OK;
	p.args = malloc((size_t)argc * sizeof(*p.args));
	if (!p.args)
		return fail(&p, "out of memory");
	r = parse_all(&p);
	if (r != OPT_OK || !p.nargs) {
		free(p.args);
		return r;
	}
	*args = p.args;
	*nargs = p.nargs;
	return OPT_OK;
}

/* Print the option column of o ("-n, --limit N", "    --all") to out, or
 * only measure it when out is NULL; its width either way. */
static int put_names(FILE *out, const struct opt *o)
{
	char dash_short[3] = { '-', o->short_name, '\0' };
	const char *comma = o->long_name ? (o->short_name ? ", " : "  ") : "";
	const char *dashes = o->long_name ? "--" : "";
	const char *name = o->long_name ? o->long_name : "";
	const char *space = takes_value(o) ? " " : "";
	const char *arg = takes_value(o) ? (o->arg_name ? o->arg_name : "VALUE") : "";
	int n;

	if (!o->short_name)
		memcpy(dash_short, "  ", sizeof(dash_short));
	if (out)
		n = fprintf(out, "%s%s%s%s%s%s", dash_short, comma, dashes, name, space, arg);
	else
		n = snprintf(NULL, 0, "%s%s%s%s%s%s", dash_short, comma, dashes, name, space, arg);
	return n < 0 ? 0 : n;
}

/* One help line; an option column wider than width puts the text below. */
static void put_option(FILE *out, const struct opt *o, int width)
{
	const char *help = o->help ? o->help : "";
	int n;

	fputs("  ", out);
	n = put_names(out, o);
	if (n > width)
		fprintf(out, "\n  %*s  %s\n", width, "", help);
	else
		fprintf(out, "%*s  %s\n", width - n, "", help);
}

void opt_usage(FILE *out, const char *usage, const char *summary, const struct opt *opts)
{
	static const struct opt help = OPT_FLAG_('h', "help", NULL, "show this help");
	const struct opt *o;
	int width = put_names(NULL, &help);

	if (describe_fn)
		return;

	for (o = opts; o->type != OPT_END; o++) {
		int n = put_names(NULL, o);

		if (n > width && n <= OPT_HELP_COLUMN_MAX)
			width = n;
	}
	fprintf(out, "usage: %s\n\n", usage);
	if (summary && *summary)
		fprintf(out, "%s\n\n", summary);
	fputs("options:\n", out);
	for (o = opts; o->type != OPT_END; o++)
		put_option(out, o, width);
	put_option(out, &help, width);
}
