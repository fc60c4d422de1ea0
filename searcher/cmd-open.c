/* cmd-open.c - `lectern open RESULT`: the user's editor at a hit.
 *
 * RESULT is a place as find prints it: `path:line:col` (the text format's
 * first line), `path:line:col:text` (--format vimgrep), `path:line` or a
 * path. The editor is $VISUAL, else $EDITOR, else vi, run as git runs it
 * (through sh, so "emacsclient -t" or "code --wait" work), with the place
 * spelled the way that editor takes it: `+LINE` for vi, emacs and nano
 * (with the column where they take one), `--goto path:line:col` for VS Code.
 * lectern execs it: the editor gets the terminal and gives the exit status.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "exitcode.h"
#include "limits.h"
#include "options.h"

static const char usage_line[] = "lectern open [options] RESULT";
static const char summary[] =
	"Open $VISUAL (else $EDITOR, else vi) at a place find printed: PATH:LINE:COL, as the\n"
	"text format's first line or --format vimgrep's lines give it (the text after the\n"
	"column is ignored), PATH:LINE, or PATH. The line (and column, where the editor\n"
	"takes one) is given the editor's way: +LINE for vi and others, vim and nvim\n"
	"\"+call cursor(LINE, COL)\", emacs +LINE:COL, nano +LINE,COL, code --goto. E.g.\n"
	"  lectern open \"$(lectern find --format vimgrep cattle pets | head -1)\"";

struct place {
	char *path;     /* malloc'd */
	long line, col; /* 0: not given */
};

/* The decimal number at *s (advanced past it); -1 when none. */
static long number(const char **s)
{
	long n = 0;
	if (**s < '0' || **s > '9')
		return -1;
	while (**s >= '0' && **s <= '9' && n < 100000000)
		n = n * 10 + (*(*s)++ - '0');
	return n;
}

static int is_file(const char *path, size_t len)
{
	char *p = strndup(path, len);
	struct stat st;
	int ok = p && !stat(p, &st) && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/* Split RESULT at the first ":LINE[:COL]" (followed by ':' or its end)
 * whose left side is a file: a path may hold colons, and the text of a
 * vimgrep line certainly does. RESULT naming a file is that file; with no
 * such split, the first ":LINE[:COL]" (the error will name the path). */
static int parse_place(const char *r, struct place *pl)
{
	size_t cut = strlen(r), first = 0;
	long line = 0, col = 0, first_line = 0, first_col = 0;
	int whole = is_file(r, cut);
	for (const char *c = strchr(r, ':'); c && !whole; c = strchr(c + 1, ':')) {
		const char *s = c + 1;
		long l = number(&s), k = 0;
		if (l <= 0)
			continue;
		if (*s == ':' && s[1] >= '0' && s[1] <= '9') {
			s++;
			k = number(&s);
		}
		if (*s && *s != ':')
			continue;
		if (!first_line) {
			first = (size_t)(c - r);
			first_line = l;
			first_col = k;
		}
		if (!is_file(r, (size_t)(c - r)))
			continue;
		cut = (size_t)(c - r);
		line = l;
		col = k;
		break;
	}
	if (!whole && !line && first_line) {
		cut = first;
		line = first_line;
		col = first_col;
	}
	pl->path = strndup(r, cut);
	pl->line = line;
	pl->col = col;
	return pl->path ? 0 : -1;
}

/* The character (code point) column of byte column `col` on line `line`
 * of the file: emacs and nano count characters, find counts bytes. The
 * byte column itself when the line cannot be read. */
static long char_column(const char *path, long line, long col)
{
	FILE *f = fopen(path, "r");
	long n = 1, chars = 1, b = 1;
	int c;
	if (!f)
		return col;
	while (n < line && (c = getc(f)) != EOF)
		n += c == '\n';
	while (b < col && (c = getc(f)) != EOF && c != '\n') {
		b++;
		chars += (c & 0xC0) != 0x80; /* not a UTF-8 continuation byte */
	}
	fclose(f);
	return n == line ? chars : col;
}

/* The editor's name without its directory and arguments: "vim" for
 * "/usr/bin/vim -p". */
static void editor_name(const char *editor, char *out, size_t len)
{
	const char *s = editor + strspn(editor, " \t");
	size_t n = strcspn(s, " \t");
	const char *slash = memrchr(s, '/', n);
	if (slash) {
		n -= (size_t)(slash + 1 - s);
		s = slash + 1;
	}
	snprintf(out, len, "%.*s", (int)n, s);
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The editor's arguments for place pl, into args[] (at most 3), each in
 * the buffer bufs[i]. Returns how many. */
static int place_args(const char *name, const struct place *pl,
		      char bufs[3][LEC_MAX_PATH_BYTES + 64], char *args[3])
{
	int n = 0;
	long l = pl->line, c = pl->col;
	if (!l) {
		args[n++] = pl->path;
		return n;
	}
	if (!strcmp(name, "code") || !strcmp(name, "codium")) {
		snprintf(bufs[0], sizeof(bufs[0]), "--goto");
		snprintf(bufs[1], sizeof(bufs[1]), "%s:%ld:%ld", pl->path, l, c ? c : 1);
		args[0] = bufs[0];
		args[1] = bufs[1];
		return 2;
	}
	if (c && (starts(name, "vim") || starts(name, "nvim") || starts(name, "gvim")))
		snprintf(bufs[0], sizeof(bufs[0]), "+call cursor(%ld, %ld)", l, c);
	else if (c && starts(name, "emacs"))
		snprintf(bufs[0], sizeof(bufs[0]), "+%ld:%ld", l, char_column(pl->path, l, c));
	else if (c && (!strcmp(name, "nano") || !strcmp(name, "rnano")))
		snprintf(bufs[0], sizeof(bufs[0]), "+%ld,%ld", l, char_column(pl->path, l, c));
	else if (c && (!strcmp(name, "kak") || !strcmp(name, "micro")))
		snprintf(bufs[0], sizeof(bufs[0]), "+%ld:%ld", l, char_column(pl->path, l, c));
	else
		snprintf(bufs[0], sizeof(bufs[0]), "+%ld", l); /* vi, ed, less, joe, mg ... */
	args[n++] = bufs[0];
	args[n++] = pl->path;
	return n;
}

static int open_place(const struct place *pl)
{
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	char name[64], script[LEC_MAX_PATH_BYTES];
	static char bufs[3][LEC_MAX_PATH_BYTES + 64];
	char *args[3];
	editor_name(editor, name, sizeof(name));
	int n = place_args(name, pl, bufs, args);
	/* sh -c 'EDITOR "$@"' EDITOR ARGS...: the editor's own words are split
	 * by the shell, the place is passed as it is */
	if ((size_t)snprintf(script, sizeof(script), "%s \"$@\"", editor) >= sizeof(script)) {
		lec_error("open: the editor's command is too long");
		return LEC_EXIT_ERROR;
	}
	char *argv[8] = { "sh", "-c", script, (char *)editor };
	for (int i = 0; i < n; i++)
		argv[4 + i] = args[i];
	argv[4 + n] = NULL;
	fflush(stdout);
	execv("/bin/sh", argv);
	lec_error("open: cannot run /bin/sh: %s", strerror(errno));
	return LEC_EXIT_ERROR;
}

/* RESULT without its colours: a line find printed in colour (--color
 * always, or `color = always` in the config file) holds SGR sequences,
 * ESC [ ... m, around the path and the line number. In place. */
static void strip_colours(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		if (r[0] == '\033' && r[1] == '[') {
			const char *e = r + 2 + strspn(r + 2, "0123456789;");
			if (*e == 'm') {
				r = e + 1;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

int cmd_open(struct cmd_context *ctx, int argc, char **argv)
{
	const struct opt opts[] = { OPT_END_() };
	const struct cmd_spec spec = { "open", usage_line, summary, opts, .max_args = SIZE_MAX };
	char **args = NULL;
	size_t nargs = 0;
	int code = cmd_parse(ctx, &spec, argc, argv, &args, &nargs);
	if (code != CMD_RUN)
		return code;
	if (nargs != 1)
		return cmd_usage_error(ctx, &spec, &args, "%s",
				       nargs ? "one RESULT at a time" :
					       "say which RESULT (PATH:LINE:COL)");
	struct place pl = { 0 };
	code = LEC_EXIT_ERROR;
	strip_colours(args[0]);
	if (parse_place(args[0], &pl))
		lec_error("open: out of memory");
	else if (!is_file(pl.path, strlen(pl.path)))
		lec_error("open: %s: no such file (give PATH:LINE:COL as find prints it)", pl.path);
	else
		code = open_place(&pl);
	free(pl.path);
	free(args);
	return code;
}
