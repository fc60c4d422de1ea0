/* cmd-completion.c - `lectern completion bash|zsh|fish`: print a completion
 * script for that shell.
 *
 * The scripts are written from the option tables the commands parse with
 * (opt_describe_with: each command, run in describe mode, hands its table
 * over instead of parsing), so an option added to a command is completed
 * without touching this file. What a command's positional arguments are
 * (directories, query fields, a verb) is not in its table: that is the
 * small `positional` table below. The scripts call nothing at completion
 * time: a shell completes as fast as it reads a static script.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "config.h"
#include "exitcode.h"
#include "options.h"
#include "paths.h"
#include "query.h"
#include "rootmap.h"

static const char usage_line[] = "lectern completion bash|zsh|fish | --roots";
static const char summary[] =
	"Print the completion script for a shell: commands, their options, the values of\n"
	"--format and --color, query field names (title:, path: ...). Load it with\n"
	"  bash: source <(lectern completion bash)            (e.g. in ~/.bashrc)\n"
	"  zsh:  source <(lectern completion zsh)             (after compinit), or save it\n"
	"        as _lectern in a directory of $fpath\n"
	"  fish: lectern completion fish > ~/.config/fish/completions/lectern.fish\n"
	"The scripts offer the index's roots for 'lectern index' and --forget: they ask\n"
	"'lectern completion --roots', which prints them one a line.";

enum shell {
	SH_BASH,
	SH_ZSH,
	SH_FISH
};

/* What a command's positional arguments are. */
enum pos_kind {
	POS_NONE,
	POS_DIRS,
	POS_DIRS_ROOTS,
	POS_FILES,
	POS_FIELDS,
	POS_WORDS,
	POS_COMMANDS,
	POS_KEYS
};

static const struct positional {
	const char *cmd;
	enum pos_kind kind;
	const char *words; /* POS_WORDS: "a b c" */
} positional[] = {
	{ "index", POS_DIRS_ROOTS, NULL },
	{ "find", POS_FIELDS, NULL },
	{ "shard", POS_WORDS, "list add remove" },
	{ "completion", POS_WORDS, "bash zsh fish" },
	{ "open", POS_FILES, NULL },
	{ "help", POS_COMMANDS, NULL },
	{ "config", POS_KEYS, NULL },
};

static const struct positional *positional_of(const char *cmd)
{
	static const struct positional none = { NULL, POS_NONE, NULL };
	for (size_t i = 0; i < sizeof(positional) / sizeof(positional[0]); i++)
		if (!strcmp(positional[i].cmd, cmd))
			return &positional[i];
	return &none;
}

struct gen {
	enum shell shell;
	struct buf out;
};

/* What completes an option's value: a directory, a file, one of its
 * choices, or nothing (a number, a name). */
enum val_kind {
	VAL_NONE,
	VAL_DIR,
	VAL_FILE,
	VAL_CHOICE,
	VAL_FLAG,
	VAL_ROOT
};

/* An option's values: its table's choices, else, for an option taking
 * WHEN, GNU's --color=WHEN convention (find's --color declares no choices
 * of its own). NULL: any value. */
static const char *choices_of(const struct opt *o)
{
	if (o->choices)
		return o->choices;
	if (o->arg_name && !strcmp(o->arg_name, "WHEN"))
		return "auto|always|never";
	return NULL;
}

static enum val_kind value_kind(const struct opt *o)
{
	if (o->type == OPT_FLAG)
		return VAL_NONE;
	/* the one option whose value is a root of the index */
	if (o->long_name && !strcmp(o->long_name, "forget"))
		return VAL_ROOT;
	if (choices_of(o))
		return VAL_CHOICE;
	if (o->arg_name && !strcmp(o->arg_name, "DIR"))
		return VAL_DIR;
	if (o->arg_name && (!strcmp(o->arg_name, "PATH") || !strcmp(o->arg_name, "FILE")))
		return VAL_FILE;
	return VAL_NONE;
}

/* `s` inside single quotes for sh and zsh; `brackets`: also inside a zsh
 * _arguments [explanation], where [ and ] would end it. */
static void put_quoted(struct buf *b, const char *s, int brackets)
{
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else if (brackets && *s == '[')
			buf_putc(b, '(');
		else if (brackets && *s == ']')
			buf_putc(b, ')');
		else
			buf_putc(b, *s);
	}
}

/* `s` inside single quotes for fish, where \ and ' are escaped. */
static void put_fish_quoted(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
}

/* choices "a|b|c" as "a b c" */
static void put_choices(struct buf *b, const char *choices)
{
	for (const char *c = choices; *c; c++)
		buf_putc(b, *c == '|' ? ' ' : *c);
}

static void put_fields(struct buf *b, const char *suffix)
{
	size_t n;
	const char *const *f = qp_field_names(&n);
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s%s", i ? " " : "", f[i], suffix);
}

static void put_config_keys(struct buf *b)
{
	size_t n;
	const struct config_key *k = config_keys(&n);
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? " " : "", k[i].name);
}

static void put_command_names(struct buf *b)
{
	size_t n;
	const struct lec_command *c = lec_commands(&n);
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? " " : "", c[i].name);
}

/* ---- bash ---------------------------------------------------------------- */

static void bash_begin(struct buf *b)
{
	buf_puts(
		b,
		"# bash completion for lectern: written by 'lectern completion bash' from\n"
		"# lectern's option tables. Load it: source <(lectern completion bash)\n"
		"# _lectern_roots LECTERN CUR: the index's roots starting with CUR.\n"
		"_lectern_roots() {\n"
		"\tlocal r\n"
		"\twhile IFS= read -r r; do\n"
		"\t\t[[ $r == \"$2\"* ]] && COMPREPLY+=(\"$r\")\n"
		"\tdone < <(\"$1\" completion --roots 2>/dev/null)\n"
		"}\n"
		"_lectern() {\n"
		"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' i\n"
		"\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
		"\t# --opt=value: bash makes \"=\" a word of its own (COMP_WORDBREAKS)\n"
		"\tif [[ $cur == = ]]; then\n"
		"\t\tcur=''\n"
		"\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
		"\t\tprev=${COMP_WORDS[COMP_CWORD - 2]}\n"
		"\telif [[ $cur == --*=* ]]; then\n"
		"\t\tprev=${cur%%=*} cur=${cur#*=}\n"
		"\tfi\n"
		"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
		"\t\tcase ${COMP_WORDS[i]} in\n"
		"\t\t--config) ((i++)) ;;\n"
		"\t\t-* | =) ;;\n"
		"\t\t*) cmd=${COMP_WORDS[i]}; break ;;\n"
		"\t\tesac\n"
		"\tdone\n"
		"\tCOMPREPLY=()\n"
		"\tcase $cmd in\n"
		"\t'')\n"
		"\t\tif [[ $prev == --config ]]; then\n"
		"\t\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
		"\t\telif [[ $cur == -* ]]; then\n"
		"\t\t\tmapfile -t COMPREPLY < <(compgen -W '--config --help --version' -- \"$cur\")\n"
		"\t\telse\n"
		"\t\t\tmapfile -t COMPREPLY < <(compgen -W '");
	put_command_names(b);
	buf_puts(b, " help' -- \"$cur\")\n"
		    "\t\tfi\n"
		    "\t\t;;\n");
}

static void bash_positional(struct buf *b, const struct positional *p)
{
	switch (p->kind) {
	case POS_NONE:
		break;
	case POS_DIRS:
	case POS_DIRS_ROOTS:
		buf_puts(b, "\t\tmapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n");
		if (p->kind == POS_DIRS_ROOTS)
			buf_puts(b, "\t\t_lectern_roots \"${COMP_WORDS[0]}\" \"$cur\"\n");
		break;
	case POS_FILES:
		buf_puts(b, "\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n");
		break;
	case POS_FIELDS:
		/* a field name ends in ':' and its value follows it unspaced */
		buf_puts(b, "\t\tmapfile -t COMPREPLY < <(compgen -W '");
		put_fields(b, ":");
		buf_puts(b, "' -- \"$cur\")\n"
			    "\t\tcompopt -o nospace 2>/dev/null\n");
		break;
	case POS_WORDS:
		buf_printf(b, "\t\tmapfile -t COMPREPLY < <(compgen -W '%s' -- \"$cur\")\n",
			   p->words);
		break;
	case POS_COMMANDS:
	case POS_KEYS:
		buf_puts(b, "\t\tmapfile -t COMPREPLY < <(compgen -W '");
		(p->kind == POS_KEYS ? put_config_keys : put_command_names)(b);
		buf_puts(b, "' -- \"$cur\")\n");
		break;
	}
}

static void bash_command(struct buf *b, const char *cmd, const struct opt *opts)
{
	const struct opt *o;
	buf_printf(b, "\t%s)\n\t\tcase $prev in\n", cmd);
	for (o = opts; o->type != OPT_END; o++) {
		if (o->type == OPT_FLAG)
			continue;
		buf_puts(b, "\t\t");
		if (o->short_name)
			buf_printf(b, "-%c | ", o->short_name);
		buf_printf(b, "--%s)\n\t\t\t", o->long_name ? o->long_name : "");
		switch (value_kind(o)) {
		case VAL_CHOICE:
			buf_puts(b, "mapfile -t COMPREPLY < <(compgen -W '");
			put_choices(b, choices_of(o));
			buf_puts(b, "' -- \"$cur\")\n");
			break;
		case VAL_DIR:
			buf_puts(b, "mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n");
			break;
		case VAL_FILE:
			buf_puts(b, "mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n");
			break;
		case VAL_ROOT:
			buf_puts(b, "_lectern_roots \"${COMP_WORDS[0]}\" \"$cur\"\n");
			break;
		case VAL_NONE:
		case VAL_FLAG:
			buf_puts(b, ": a value, nothing to offer\n");
			break;
		}
		buf_puts(b, "\t\t\treturn\n\t\t\t;;\n");
	}
	buf_puts(b, "\t\tesac\n\t\tif [[ $cur == -* ]]; then\n"
		    "\t\t\tmapfile -t COMPREPLY < <(compgen -W '");
	for (o = opts; o->type != OPT_END; o++) {
		if (o->long_name)
			buf_printf(b, "--%s ", o->long_name);
		if (o->short_name)
			buf_printf(b, "-%c ", o->short_name);
	}
	buf_puts(b, "--help' -- \"$cur\")\n\t\t\treturn\n\t\tfi\n");
	bash_positional(b, positional_of(cmd));
	buf_puts(b, "\t\t;;\n");
}

static void bash_end(struct buf *b)
{
	buf_puts(b, "\thelp)\n");
	bash_positional(b, positional_of("help"));
	buf_puts(b, "\t\t;;\n\tesac\n}\ncomplete -F _lectern lectern\n");
}

/* ---- zsh ----------------------------------------------------------------- */

static void zsh_begin(struct buf *b)
{
	size_t n;
	const struct lec_command *c = lec_commands(&n);
	buf_puts(b, "#compdef lectern\n"
		    "# zsh completion for lectern: written by 'lectern completion zsh' from\n"
		    "# lectern's option tables. Load it after compinit:\n"
		    "#   source <(lectern completion zsh)\n"
		    "# or save it as _lectern in a directory of $fpath.\n"
		    "_lectern_fields() {\n"
		    "\tlocal -a fields\n"
		    "\tfields=(");
	put_fields(b, ":");
	buf_puts(
		b,
		")\n"
		"\t# a field's value follows its colon: no space after it\n"
		"\tcompadd -S '' -a fields\n"
		"}\n"
		"_lectern_roots() {\n"
		"\tlocal -a roots\n"
		"\troots=(${(f)\"$(_call_program roots lectern completion --roots 2>/dev/null)\"})\n"
		"\t_describe -t roots 'root of the index' roots\n"
		"}\n"
		"_lectern_commands() {\n"
		"\tlocal -a cmds\n"
		"\tcmds=(\n");
	for (size_t i = 0; i < n; i++) {
		buf_printf(b, "\t\t'%s:", c[i].name);
		put_quoted(b, c[i].summary, 0);
		buf_puts(b, "'\n");
	}
	buf_puts(b, "\t\t'help:show a command'\\''s options'\n"
		    "\t)\n"
		    "\t_describe -t commands 'lectern command' cmds\n"
		    "}\n"
		    "_lectern() {\n"
		    "\tlocal curcontext=$curcontext state line ret=1\n"
		    "\ttypeset -A opt_args\n"
		    "\t_arguments -C \\\n"
		    "\t\t'--config=[read this config file]:config file:_files' \\\n"
		    "\t\t'(- :)--help[show the commands]' \\\n"
		    "\t\t'(- :)--version[show the version]' \\\n"
		    "\t\t'1:command:_lectern_commands' \\\n"
		    "\t\t'*::argument:->argument' && ret=0\n"
		    "\t[[ $state == argument ]] || return ret\n"
		    "\tcurcontext=${curcontext%:*:*}:lectern-$words[1]:\n"
		    "\tcase $words[1] in\n");
}

static void zsh_value(struct buf *b, const struct opt *o)
{
	if (o->type == OPT_FLAG)
		return;
	buf_printf(b, ":%s:", o->arg_name ? o->arg_name : "value");
	switch (value_kind(o)) {
	case VAL_CHOICE:
		buf_putc(b, '(');
		put_choices(b, choices_of(o));
		buf_putc(b, ')');
		break;
	case VAL_DIR:
		buf_puts(b, "_files -/");
		break;
	case VAL_FILE:
		buf_puts(b, "_files");
		break;
	case VAL_ROOT:
		buf_puts(b, "_lectern_roots");
		break;
	case VAL_NONE:
	case VAL_FLAG:
		buf_putc(b, ' ');
		break;
	}
}

/* One _arguments spec: '(-n --limit)'{-n+,--limit=}'[help]:N: ' */
static void zsh_option(struct buf *b, const struct opt *o)
{
	const char *rep = o->type == OPT_STRINGS ? "*" : "";
	const char *sv = o->type == OPT_FLAG ? "" : "+", *lv = o->type == OPT_FLAG ? "" : "=";
	buf_puts(b, "\t\t\t");
	if (o->short_name && o->long_name)
		buf_printf(b, "'%s(-%c --%s)'{%s-%c%s,%s--%s%s}'[", rep, o->short_name,
			   o->long_name, rep, o->short_name, sv, rep, o->long_name, lv);
	else if (o->long_name)
		buf_printf(b, "'%s--%s%s[", rep, o->long_name, lv);
	else
		buf_printf(b, "'%s-%c%s[", rep, o->short_name, sv);
	put_quoted(b, o->help ? o->help : "", 1);
	buf_putc(b, ']');
	zsh_value(b, o);
	buf_puts(b, "' \\\n");
}

static void zsh_positional(struct buf *b, const struct positional *p)
{
	switch (p->kind) {
	case POS_NONE:
		break;
	case POS_DIRS:
		buf_puts(b, "\t\t\t'*:directory:_files -/' \\\n");
		break;
	case POS_DIRS_ROOTS:
		buf_puts(
			b,
			"\t\t\t'*:directory:_alternative \"roots\\:root\\:_lectern_roots\" \"dirs\\:directory\\:_files -/\"' \\\n");
		break;
	case POS_FILES:
		buf_puts(b, "\t\t\t'*:file:_files' \\\n");
		break;
	case POS_FIELDS:
		buf_puts(b, "\t\t\t'*:query word or field:_lectern_fields' \\\n");
		break;
	case POS_WORDS:
		buf_printf(b, "\t\t\t'1:argument:(%s)' \\\n", p->words);
		break;
	case POS_COMMANDS:
		buf_puts(b, "\t\t\t'1:command:_lectern_commands' \\\n");
		break;
	case POS_KEYS:
		buf_puts(b, "\t\t\t'1:key:(");
		put_config_keys(b);
		buf_puts(b, ")' \\\n");
		break;
	}
}

static void zsh_command(struct buf *b, const char *cmd, const struct opt *opts)
{
	buf_printf(b, "\t%s)\n\t\t_arguments \\\n", cmd);
	for (const struct opt *o = opts; o->type != OPT_END; o++)
		zsh_option(b, o);
	buf_puts(b, "\t\t\t'(- *)'{-h,--help}'[show this help]' \\\n");
	zsh_positional(b, positional_of(cmd));
	buf_puts(b, "\t\t\t&& ret=0\n\t\t;;\n");
}

static void zsh_end(struct buf *b)
{
	buf_puts(b, "\thelp)\n\t\t_arguments \\\n");
	zsh_positional(b, positional_of("help"));
	buf_puts(b, "\t\t\t&& ret=0\n\t\t;;\n"
		    "\tesac\n"
		    "\treturn ret\n"
		    "}\n"
		    "# autoloaded from $fpath: complete now; sourced: register\n"
		    "if [[ $funcstack[1] == _lectern ]]; then\n"
		    "\t_lectern \"$@\"\n"
		    "else\n"
		    "\tcompdef _lectern lectern\n"
		    "fi\n");
}

/* ---- fish ---------------------------------------------------------------- */

static void fish_begin(struct buf *b)
{
	size_t n;
	const struct lec_command *c = lec_commands(&n);
	buf_puts(
		b,
		"# fish completion for lectern: written by 'lectern completion fish' from\n"
		"# lectern's option tables. Install it:\n"
		"#   lectern completion fish > ~/.config/fish/completions/lectern.fish\n"
		"complete -c lectern -e\n"
		"complete -c lectern -f\n"
		"complete -c lectern -n __fish_use_subcommand -l config -r -F -d 'read this config file'\n"
		"complete -c lectern -n __fish_use_subcommand -l help -d 'show the commands'\n"
		"complete -c lectern -n __fish_use_subcommand -l version -d 'show the version'\n");
	for (size_t i = 0; i < n; i++) {
		buf_printf(b, "complete -c lectern -n __fish_use_subcommand -a %s -d '", c[i].name);
		put_fish_quoted(b, c[i].summary);
		buf_puts(b, "'\n");
	}
	buf_puts(
		b,
		"complete -c lectern -n __fish_use_subcommand -a help -d 'show a command\\'s options'\n");
}

static void fish_positional(struct buf *b, const char *cmd, const struct positional *p)
{
	const char *cond = "complete -c lectern -n '__fish_seen_subcommand_from";
	switch (p->kind) {
	case POS_NONE:
		break;
	case POS_DIRS:
	case POS_DIRS_ROOTS:
		buf_printf(b, "%s %s' -a '(__fish_complete_directories)'\n", cond, cmd);
		if (p->kind == POS_DIRS_ROOTS)
			buf_printf(
				b,
				"%s %s' -a '(lectern completion --roots 2>/dev/null)' -d 'root of the index'\n",
				cond, cmd);
		break;
	case POS_FILES:
		buf_printf(b, "%s %s' -F\n", cond, cmd);
		break;
	case POS_FIELDS:
		buf_printf(b, "%s %s' -a '", cond, cmd);
		put_fields(b, ":");
		buf_puts(b, "' -d 'query field'\n");
		break;
	case POS_WORDS:
		buf_printf(b, "%s %s' -a '%s'\n", cond, cmd, p->words);
		break;
	case POS_COMMANDS:
	case POS_KEYS:
		buf_printf(b, "%s %s' -a '", cond, cmd);
		(p->kind == POS_KEYS ? put_config_keys : put_command_names)(b);
		buf_puts(b, "'\n");
		break;
	}
}

static void fish_command(struct buf *b, const char *cmd, const struct opt *opts)
{
	for (const struct opt *o = opts; o->type != OPT_END; o++) {
		buf_printf(b, "complete -c lectern -n '__fish_seen_subcommand_from %s'", cmd);
		if (o->short_name)
			buf_printf(b, " -s %c", o->short_name);
		if (o->long_name)
			buf_printf(b, " -l %s", o->long_name);
		switch (o->type == OPT_FLAG ? VAL_FLAG : value_kind(o)) {
		case VAL_CHOICE:
			buf_puts(b, " -x -a '");
			put_choices(b, choices_of(o));
			buf_putc(b, '\'');
			break;
		case VAL_DIR:
			buf_puts(b, " -x -a '(__fish_complete_directories)'");
			break;
		case VAL_FILE:
			buf_puts(b, " -r -F");
			break;
		case VAL_ROOT:
			buf_puts(b, " -x -a '(lectern completion --roots 2>/dev/null)'");
			break;
		case VAL_NONE:
			buf_puts(b, " -x");
			break;
		case VAL_FLAG:
			break;
		}
		buf_puts(b, " -d '");
		put_fish_quoted(b, o->help ? o->help : "");
		buf_puts(b, "'\n");
	}
	fish_positional(b, cmd, positional_of(cmd));
}

static void fish_end(struct buf *b)
{
	fish_positional(b, "help", positional_of("help"));
}

/* ---- the generator --------------------------------------------------------- */

/* opt_describe_fn: the part of the script for one command. */
static void describe(void *ctx, const char *cmd, const struct opt *opts)
{
	struct gen *g = ctx;
	switch (g->shell) {
	case SH_BASH:
		bash_command(&g->out, cmd, opts);
		break;
	case SH_ZSH:
		zsh_command(&g->out, cmd, opts);
		break;
	case SH_FISH:
		fish_command(&g->out, cmd, opts);
		break;
	}
}

/* Run every command in describe mode: each adds its part to g->out. */
static void describe_commands(struct gen *g)
{
	size_t n;
	const struct lec_command *c = lec_commands(&n);
	opt_describe_with(describe, g);
	for (size_t i = 0; i < n; i++) {
		char *argv[] = { (char *)c[i].name, "--help", NULL };
		/* its setup's shared options (--index ...) are in the table it
		 * describes; nothing is set up: it only describes */
		struct cmd_context ctx = { .name = c[i].name, .setup = c[i].setup };
		c[i].fn(&ctx, 2, argv);
	}
	opt_describe_with(NULL, NULL);
}

/* The index's roots, one a line (from INDEX/roots: no database opened);
 * none when the index cannot be located (index_dir NULL). */
static int print_roots(const char *index_dir)
{
	struct rootmap m;
	struct buf err;
	rootmap_init(&m);
	buf_init(&err, 4096);
	lec_status st = index_dir ? LEC_OK : LEC_ENOTFOUND;
	if (!st)
		st = rootmap_load_file(&m, index_dir, &err);
	for (size_t i = 0; !st && i < m.n; i++)
		printf("%s\n", m.v[i].path);
	if (st && st != LEC_ENOTFOUND)
		lec_error("completion: %s", err.len ? err.data : lec_status_str(st));
	rootmap_release(&m);
	buf_release(&err);
	return st && st != LEC_ENOTFOUND ? LEC_EXIT_ERROR : LEC_EXIT_OK;
}

int cmd_completion(struct cmd_context *ctx, int argc, char **argv)
{
	int roots = 0;
	const struct opt opts[] = {
		OPT_FLAG_(0, "roots", &roots,
			  "print the index's roots, one a line (the scripts ask)"),
		OPT_END_(),
	};
	char **args = NULL;
	size_t nargs = 0;
	const struct cmd_spec spec = { "completion", usage_line, summary, opts,
				       .max_args = SIZE_MAX };
	int code = cmd_parse(ctx, &spec, argc, argv, &args, &nargs);
	if (code != CMD_RUN)
		return code;
	if (roots && !nargs)
		return print_roots(ctx->index_dir);
	const char *sh = nargs == 1 ? args[0] : NULL;
	struct gen g = { .shell = SH_BASH };
	if (sh && !strcmp(sh, "zsh"))
		g.shell = SH_ZSH;
	else if (sh && !strcmp(sh, "fish"))
		g.shell = SH_FISH;
	if (!sh || (g.shell == SH_BASH && strcmp(sh, "bash")))
		return cmd_usage_error(ctx, &spec, &args, "%s",
				       !sh ? "say bash, zsh or fish" :
					     "unknown shell (bash, zsh or fish)");
	free(args);
	buf_init(&g.out, 0);
	void (*begin[])(struct buf *) = { bash_begin, zsh_begin, fish_begin };
	void (*end[])(struct buf *) = { bash_end, zsh_end, fish_end };
	begin[g.shell](&g.out);
	describe_commands(&g);
	end[g.shell](&g.out);
	code = LEC_EXIT_OK;
	if (g.out.status || fwrite(g.out.data, 1, g.out.len, stdout) != g.out.len ||
	    fflush(stdout)) {
		lec_error("completion: cannot write the script");
		code = LEC_EXIT_ERROR;
	}
	buf_release(&g.out);
	return code;
}
