#!/usr/bin/env bash
# T000-cli-basics - the command line itself: version, help, usage errors.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_exit 0 "--version exits 0" "$LECTERN" --version
t_match "--version prints the version" '^lectern [0-9]+\.[0-9]+\.[0-9]+' "$T_OUT"

t_exit 0 "--help exits 0" "$LECTERN" --help
t_contains "--help shows usage" "usage: lectern" "$T_OUT"
for cmd in index status; do
	t_match "--help lists '$cmd'" "(^|[[:space:]])$cmd([[:space:]]|$)" "$T_OUT"
done

t_exit 2 "no arguments is a usage error (exit 2)" "$LECTERN"
t_contains "no arguments prints usage on stderr" "usage: lectern" "$T_ERR"
t_eq "no arguments prints nothing on stdout" "" "$T_OUT"

t_exit 2 "an unknown command exits 2" "$LECTERN" nosuch
t_contains "an unknown command is named as such" "unknown command" "$T_ERR"
t_contains "the message names the command" "nosuch" "$T_ERR"

t_exit 2 "an unknown global option exits 2" "$LECTERN" --nosuch-option
t_contains "the message names the option" "--nosuch-option" "$T_ERR"

for cmd in index status; do
	t_exit 0 "$cmd --help exits 0" "$LECTERN" "$cmd" --help
	t_contains "$cmd --help shows its usage" "usage: lectern $cmd" "$T_OUT"
	t_exit 0 "$cmd -h is the same as --help" "$LECTERN" "$cmd" -h
	t_contains "$cmd -h shows its usage" "usage: lectern $cmd" "$T_OUT"
	t_exit 2 "$cmd with an unknown option exits 2" "$LECTERN" "$cmd" --bogus-option
	t_contains "$cmd names the unknown option" "unknown option '--bogus-option'" "$T_ERR"
done

# The options several commands share (--index, --socket) come from one
# table (cmd_shared_opts): each command that takes them lists them in its
# help, parses them anywhere after its name, and says a missing value alike.
for cmd in index status find serve shard lsp config completion; do
	t_ok "$cmd --help" "$LECTERN" "$cmd" --help
	t_contains "$cmd --help lists --index" "--index DIR" "$T_OUT"
done
for cmd in find serve lsp config; do
	t_ok "$cmd --help" "$LECTERN" "$cmd" --help
	t_contains "$cmd --help lists --socket" "--socket PATH" "$T_OUT"
done
t_ok "open --help" "$LECTERN" open --help
t_lacks "open takes no --index" "--index" "$T_OUT"
for cmd in index status find shard config; do
	t_exit 2 "$cmd --index without a value exits 2" "$LECTERN" "$cmd" --index
	t_contains "$cmd: says so" "lectern: $cmd: option '--index' requires a value" "$T_ERR"
done
t_ok "config --index DIR KEY" "$LECTERN" config --index "$TEST_TMP/a" index
t_eq "... is that index" "$TEST_TMP/a" "$T_OUT"
t_ok "config KEY --index=DIR" "$LECTERN" config index --index="$TEST_TMP/b"
t_eq "... is that index" "$TEST_TMP/b" "$T_OUT"
t_ok "config --socket PATH socket" "$LECTERN" config socket --socket "$TEST_TMP/s.sock"
t_eq "... is that socket" "$TEST_TMP/s.sock" "$T_OUT"
# before the command, as git's -C: the same as after its name
t_ok "lectern --index DIR config index" "$LECTERN" --index "$TEST_TMP/c" config index
t_eq "... is that index" "$TEST_TMP/c" "$T_OUT"
t_ok "lectern --index=DIR --socket=PATH config socket" \
	"$LECTERN" --index="$TEST_TMP/c" --socket="$TEST_TMP/c.sock" config socket
t_eq "... is that socket" "$TEST_TMP/c.sock" "$T_OUT"
t_ok "an --index after the command's name wins over one before it" \
	"$LECTERN" --index "$TEST_TMP/c" config --index "$TEST_TMP/d" index
t_eq "... the later one" "$TEST_TMP/d" "$T_OUT"
t_exit 2 "lectern --index DIR open: open takes no --index" "$LECTERN" --index "$TEST_TMP/c" open x
t_contains "... says so" "open: unknown option '--index'" "$T_ERR"
t_exit 2 "lectern --index without a value exits 2" "$LECTERN" --index
t_contains "... says so" "option '--index' requires a value" "$T_ERR"
t_exit 2 "lectern --index DIR without a command exits 2" "$LECTERN" --index "$TEST_TMP/c"
t_contains "... with the usage" "usage: lectern <command>" "$T_ERR"
t_exit 2 "status --index DIR of no index exits 2" "$LECTERN" status --index "$TEST_TMP/none"
t_contains "... naming it" "$TEST_TMP/none" "$T_ERR"
t_exit 2 "the index cannot be located: exit 2" \
	env -u HOME -u XDG_DATA_HOME -u LECTERN_INDEX LECTERN_CONFIG= "$LECTERN" status
t_contains "... saying how to give it" "cannot locate the index: set --index, LECTERN_INDEX or HOME" \
	"$T_ERR"

t_done
