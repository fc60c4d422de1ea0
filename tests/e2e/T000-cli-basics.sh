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

t_done
