#!/usr/bin/env bash
# T051-completion-zsh - `lectern completion zsh` in a real interactive zsh:
# a pseudo-terminal (zsh/zpty) types a command line and a Tab into `zsh -f
# -i` with compinit and the script loaded (sourced, and autoloaded from
# $fpath as _lectern), and prints the line the completion left.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need zsh
# compinit -D: no dump file. Never `-d /dev/null`: compdump writes its dump
# beside the file named and renames it over it (as root, /dev/null itself).

t_ok "completion zsh prints a script" "$LECTERN" completion zsh
printf '%s\n' "$T_OUT" >"$TEST_TMP/lectern.zsh"
t_ok "the script is valid zsh" zsh -n "$TEST_TMP/lectern.zsh"
t_ok "it loads after compinit and registers _lectern" zsh -f -c \
	"autoload -Uz compinit && compinit -u -D && source '$TEST_TMP/lectern.zsh' && print -r -- \${_comps[lectern]}"
t_eq "for lectern" "_lectern" "$T_OUT"
t_eq "without a word on stderr" "" "$T_ERR"
mkdir -p "$TEST_TMP/fpath"
cp "$TEST_TMP/lectern.zsh" "$TEST_TMP/fpath/_lectern"

# zsh -f type.zsh SETUP LINE: in an interactive zsh (a pty) run SETUP, type
# LINE, a Tab, and ^T, bound to a widget that prints the edit buffer between
# markers; print that buffer. The marker is split in what is typed, so the
# echo of the typing never matches it.
cat >"$TEST_TMP/type.zsh" <<'DRIVER'
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "PS1='' RPROMPT=''; unsetopt beep; autoload -Uz compinit; $1"
zpty -w z 'show() { print -r -- "<""BUF:$BUFFER:FUB"">"; }; zle -N show; bindkey "^T" show'
zpty -w -n z "$2"$'\t\x14'
out=
while zpty -r z chunk; do
	out+=$chunk
	[[ $out == *'<BUF:'*':FUB>'* ]] && break
done
zpty -d z
out=${out##*<BUF:}
print -r -- "${out%%:FUB>*}"
DRIVER
sourced="compinit -u -D; source '$TEST_TMP/lectern.zsh'"
autoloaded="fpath=('$TEST_TMP/fpath' \$fpath); compinit -u -D"
type_line() {
	t_run zsh -f "$TEST_TMP/type.zsh" "$1" "$2"
}

type_line "$sourced" "lectern fi"
t_eq "'lectern fi' Tab: find" "lectern find " "$T_OUT"
type_line "$autoloaded" "lectern fi"
t_eq "the same autoloaded from \$fpath" "lectern find " "$T_OUT"
type_line "$sourced" "lectern find --form"
t_eq "an option's name completes" "lectern find --format=" "$T_OUT"
type_line "$sourced" "lectern find --format=vi"
t_eq "--format=vi: vimgrep" "lectern find --format=vimgrep " "$T_OUT"
type_line "$autoloaded" "lectern find --format j"
t_eq "--format j: json" "lectern find --format json " "$T_OUT"
type_line "$sourced" "lectern find --color=ne"
t_eq "--color=ne: never" "lectern find --color=never " "$T_OUT"
type_line "$sourced" "lectern find cattle spea"
t_eq "a query word completes a field name, no space after it" "lectern find cattle speaker:" "$T_OUT"
type_line "$sourced" "lectern serve --wa"
t_eq "serve's options" "lectern serve --watch " "$T_OUT"
type_line "$sourced" "lectern completion fi"
t_eq "completion's shells" "lectern completion fish " "$T_OUT"
type_line "$sourced" "lectern shard rem"
t_eq "shard's actions" "lectern shard remove " "$T_OUT"
type_line "$sourced" "lectern --config '$TEST_TMP/lectern.zsh' sta"
t_eq "--config before the command" "lectern --config '$TEST_TMP/lectern.zsh' status " "$T_OUT"
mkdir -p "$TEST_TMP/only-dir"
: >"$TEST_TMP/only-file"
type_line "$sourced" "lectern index $TEST_TMP/only-"
t_eq "index completes directories only" "lectern index $TEST_TMP/only-dir/" "$T_OUT"
PATH=$(dirname "$LECTERN"):$PATH
t_ok "index a root" "$LECTERN" index --no-progress "$TEST_TMP/only-dir"
type_line "$sourced" "lectern index --forget "
t_eq "--forget offers the index's roots" "lectern index --forget $TEST_TMP/only-dir " "$T_OUT"
type_line "$sourced" "lectern index $TEST_TMP/only-"
t_eq "index offers the root beside the directory (their common prefix)" \
	"lectern index $TEST_TMP/only-dir" "$T_OUT"

t_done
